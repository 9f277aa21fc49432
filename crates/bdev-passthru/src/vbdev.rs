//! The passthru module itself: each passthru bdev opens and claims its
//! base bdev and passes every I/O down through a per-thread base channel
//! (the machinery it shares with the delay module is
//! spdk_bdev_split::assoc).
//!
//! A passthru bdev is first a configured association (name -> base name);
//! the bdev exists while its base does. Associations whose base is
//! missing are completed by examine_config when the base registers, and
//! a removed base unregisters its passthru bdevs (the association stays,
//! as in SPDK, so the bdev comes back with its base).

use std::ffi::{c_int, c_void, CStr};

use ::spdk_bdev::ffi::bdev::spdk_bdev_io_completion_cb;
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev_fn_table, spdk_bdev_module, spdk_bdev_module_internal_fields,
    spdk_bdev_module_list_add, spdk_bdev_unregister_cb,
};
use spdk_bdev_split::assoc::{self, AssocModule, BaseChannel, Node, Registry};
use spdk_bdev_split::base_io::{self, Retry};
use spdk_json::ffi::json::{spdk_json_write_ctx, writer_mut};

struct Passthru;

static REGISTRY: Registry<Passthru> = Registry::new();

impl AssocModule for Passthru {
    type Config = ();
    type State = ();
    const NAME: &'static str = "passthru";
    const KIND: &'static str = "pt_bdev";
    const PRODUCT: &'static CStr = c"passthru";
    /// SPDK's, so a passthru bdev gets the same UUID as under SPDK.
    const UUID_NAMESPACE: &'static [u8] = b"7e25812e-c8c0-4d3f-8599-16d790555b85";
    const CHANNEL_SIZE: u32 = std::mem::size_of::<BaseChannel>() as u32;
    const CHILD_DONE: spdk_bdev_io_completion_cb = Some(base_io::child_done);

    fn module() -> *mut spdk_bdev_module {
        module()
    }
    fn fn_table() -> &'static spdk_bdev_fn_table {
        &FN_TABLE
    }
    fn registry() -> &'static Registry<Self> {
        &REGISTRY
    }
    fn state(_: &()) {}
    fn registered(name: &str) {
        spdk_log::noticelog!("created pt_bdev for: {}", name);
    }
}

struct ModuleCell(std::cell::UnsafeCell<spdk_bdev_module>);
// SAFETY: the module struct is written by the bdev library only.
unsafe impl Sync for ModuleCell {}

static MODULE: ModuleCell = ModuleCell(std::cell::UnsafeCell::new(spdk_bdev_module {
    module_init: Some(module_init),
    init_complete: None,
    fini_start: None,
    module_fini: Some(module_fini),
    config_json: Some(config_json),
    name: c"passthru".as_ptr(),
    get_ctx_size: Some(ctx_size),
    examine_config: Some(assoc::examine_config::<Passthru>),
    examine_disk: None,
    async_init: false,
    async_fini: false,
    async_fini_start: false,
    internal: spdk_bdev_module_internal_fields::new(),
}));

static FN_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(assoc::destruct::<Passthru>),
    submit_request: Some(assoc::submit_request::<Passthru>),
    io_type_supported: Some(assoc::io_type_supported::<Passthru>),
    get_io_channel: Some(assoc::get_io_channel),
    dump_info_json: Some(dump_info_json),
    write_config_json: None,
    get_spin_time: None,
    get_module_ctx: None,
    get_memory_domains: None,
    reset_device_stat: None,
    dump_device_stat_json: None,
    accel_sequence_supported: None,
};

pub fn module() -> *mut spdk_bdev_module {
    MODULE.0.get()
}

pub fn register_module() {
    // SAFETY: a static module with a static name.
    unsafe { spdk_bdev_module_list_add(module()) };
}

unsafe extern "C" fn module_init() -> c_int {
    0
}

unsafe extern "C" fn module_fini() {
    REGISTRY.clear();
}

/// driver_ctx of each I/O: only what a retry needs.
unsafe extern "C" fn ctx_size() -> c_int {
    std::mem::size_of::<Retry>() as c_int
}

// ---- JSON ----

unsafe extern "C" fn dump_info_json(ctx: *mut c_void, w: *mut spdk_json_write_ctx) -> c_int {
    let Some(w) = writer_mut(w) else {
        return -libc::EINVAL;
    };
    let node = &*ctx.cast::<Node<Passthru>>();
    let _ = w.named_object_begin("passthru");
    let _ = w.named_string("name", node.bdev.name_bytes());
    let _ = w.named_string("base_bdev_name", (*node.base_bdev).name_bytes());
    let _ = w.object_end();
    0
}

unsafe extern "C" fn config_json(w: *mut spdk_json_write_ctx) -> c_int {
    let Some(w) = writer_mut(w) else {
        return -libc::EINVAL;
    };
    REGISTRY.for_each(|node| {
        let _ = w.object_begin();
        let _ = w.named_string("method", "bdev_passthru_create");
        let _ = w.named_object_begin("params");
        // SAFETY: a registered node's base is open.
        let _ = w.named_string("base_bdev_name", unsafe { (*node.base_bdev).name_bytes() });
        let _ = w.named_string("name", node.bdev.name_bytes());
        let uuid = node.bdev.uuid.u.raw;
        if uuid != [0; 16] {
            let _ = w.name("uuid");
            let _ = w.uuid(&uuid);
        }
        let _ = w.object_end();
        let _ = w.object_end();
    });
    0
}

/// Creates the passthru bdev `name` on `base` (SPDK's
/// bdev_passthru_create): now when the base exists, else when it
/// appears. -EEXIST when `name` is configured already.
///
/// # Safety
/// Called on an SPDK thread after the bdev library initialized.
pub unsafe fn create(base: &str, name: &str, uuid: Option<[u8; 16]>) -> Result<(), c_int> {
    assoc::create::<Passthru>(base, name, uuid, ())
}

/// Deletes the passthru bdev `name` (SPDK's bdev_passthru_delete) and its
/// configuration; `cb(arg, rc)` when done (-ENODEV: no such bdev).
///
/// # Safety
/// Called on an SPDK thread; `arg` is what `cb` expects.
pub unsafe fn delete(name: &str, cb: spdk_bdev_unregister_cb, arg: *mut c_void) {
    assoc::delete::<Passthru>(name, cb, arg)
}

/// The configured base of passthru bdev `name` (for tests and tools).
pub fn base_of(name: &str) -> Option<String> {
    REGISTRY.base_of(name)
}
