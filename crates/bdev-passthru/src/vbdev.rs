//! The passthru module itself: each passthru bdev opens and claims its
//! base bdev and passes every I/O down through a per-thread base channel.
//!
//! A passthru bdev is first a configured association (name -> base name);
//! the bdev exists while its base does. Associations whose base is
//! missing are completed by examine_config when the base registers, and
//! a removed base unregisters its passthru bdevs (the association stays,
//! as in SPDK, so the bdev comes back with its base).

use std::ffi::{c_char, c_int, c_void, CString};
use std::ptr;
use std::sync::{Mutex, MutexGuard};

use ::spdk_bdev::ffi::bdev::{
    spdk_bdev_close, spdk_bdev_desc, spdk_bdev_desc_get_bdev, spdk_bdev_event_type,
    spdk_bdev_get_io_channel, spdk_bdev_io_type, spdk_bdev_io_type_supported, spdk_bdev_open_ext,
    IoTypeArg,
};
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_fn_table, spdk_bdev_io, spdk_bdev_io_get_buf, spdk_bdev_module,
    spdk_bdev_module_claim_bdev, spdk_bdev_module_examine_done, spdk_bdev_module_internal_fields,
    spdk_bdev_module_list_add, spdk_bdev_module_release_bdev, spdk_bdev_register,
    spdk_bdev_unregister, spdk_bdev_unregister_by_name, spdk_bdev_unregister_cb,
    BDEV_FLAG_DIF_IS_HEAD_OF_MD, BDEV_FLAG_MD_INTERLEAVE,
};
use ::spdk_thread::channel::IoChannel;
use ::spdk_thread::ffi::thread::{
    spdk_get_io_channel, spdk_get_thread, spdk_io_channel, spdk_io_device_register,
    spdk_io_device_unregister, spdk_put_io_channel, spdk_thread, spdk_thread_send_msg,
};
use spdk_json::ffi::json::{spdk_json_write_ctx, writer_mut};
use spdk_util::ffi::uuid::{spdk_uuid, spdk_uuid_u};

use spdk_bdev_split::base_io::{self, Retry};

/// The namespace of the UUIDs derived from the base bdev's (SPDK's value,
/// so a passthru bdev gets the same UUID as under SPDK).
const NAMESPACE_UUID: &[u8] = b"7e25812e-c8c0-4d3f-8599-16d790555b85";

/// A configured passthru bdev.
#[derive(Clone)]
struct Assoc {
    vbdev: String,
    base: String,
    uuid: Option<[u8; 16]>,
}

/// A registered passthru bdev (its spdk_bdev first: `bdev.ctxt` and the
/// io_device are this node).
#[repr(C)]
struct Node {
    bdev: spdk_bdev,
    name: CString,
    base_bdev: *mut spdk_bdev,
    base_desc: *mut spdk_bdev_desc,
    /// The thread that opened the base (it closes it too).
    thread: *mut spdk_thread,
}

#[repr(C)]
struct PtChannel {
    base_ch: *mut spdk_io_channel,
}

/// driver_ctx of each I/O.
#[repr(C)]
struct PtIo {
    retry: Retry,
}

#[derive(Clone, Copy, PartialEq)]
struct NodePtr(*mut Node);
// SAFETY: nodes are shared by address; their fields follow SPDK's threading rules.
unsafe impl Send for NodePtr {}

static ASSOCS: Mutex<Vec<Assoc>> = Mutex::new(Vec::new());
static NODES: Mutex<Vec<NodePtr>> = Mutex::new(Vec::new());

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
    examine_config: Some(examine_config),
    examine_disk: None,
    async_init: false,
    async_fini: false,
    async_fini_start: false,
    internal: spdk_bdev_module_internal_fields::new(),
}));

static FN_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(destruct),
    submit_request: Some(submit_request),
    io_type_supported: Some(io_type_supported),
    get_io_channel: Some(get_io_channel),
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
    lock(&ASSOCS).clear();
}

unsafe extern "C" fn ctx_size() -> c_int {
    std::mem::size_of::<PtIo>() as c_int
}

// ---- I/O ----

#[inline]
unsafe fn node_of(io: *mut spdk_bdev_io) -> *mut Node {
    (*(*io).bdev).ctxt.cast()
}

#[inline]
unsafe fn pt_io(io: *mut spdk_bdev_io) -> *mut PtIo {
    (*io).driver_ctx.as_mut_ptr().cast()
}

unsafe extern "C" fn submit_request(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    if (*io).r#type == spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_READ as u8 {
        // Reads without a buffer get one here, so the base never hands
        // out memory the passthru bdev does not own.
        let len = (*io).u.bdev.num_blocks * (*(*io).bdev).blocklen as u64;
        spdk_bdev_io_get_buf(io, Some(read_buf_ready), len);
        return;
    }
    forward(ch, io);
}

unsafe extern "C" fn read_buf_ready(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io, ok: bool) {
    if !ok {
        base_io::fail(io);
        return;
    }
    forward(ch, io);
}

unsafe fn forward(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let node = node_of(io);
    let base_ch = (*IoChannel::ctx(ch.cast()).cast::<PtChannel>()).base_ch;
    let rc = base_io::submit((*node).base_desc, base_ch, io, 0, Some(base_io::child_done));
    let retry = ptr::addr_of_mut!((*pt_io(io)).retry);
    base_io::after_submit(rc, io, ch, base_ch, retry, resubmit);
}

unsafe extern "C" fn resubmit(arg: *mut c_void) {
    let io = arg.cast::<spdk_bdev_io>();
    forward((*pt_io(io)).retry.ch, io);
}

unsafe extern "C" fn io_type_supported(ctx: *mut c_void, t: spdk_bdev_io_type) -> bool {
    let node = ctx.cast::<Node>();
    base_io::forwardable(t) && spdk_bdev_io_type_supported((*node).base_bdev, IoTypeArg(t as c_int))
}

unsafe extern "C" fn get_io_channel(ctx: *mut c_void) -> *mut spdk_io_channel {
    spdk_get_io_channel(ctx)
}

unsafe extern "C" fn ch_create(dev: *mut c_void, buf: *mut c_void) -> c_int {
    let node = dev.cast::<Node>();
    let base_ch = spdk_bdev_get_io_channel((*node).base_desc);
    if base_ch.is_null() {
        return -libc::ENOMEM;
    }
    buf.cast::<PtChannel>().write(PtChannel { base_ch });
    0
}

unsafe extern "C" fn ch_destroy(_dev: *mut c_void, buf: *mut c_void) {
    spdk_put_io_channel((*buf.cast::<PtChannel>()).base_ch);
}

// ---- JSON ----

unsafe extern "C" fn dump_info_json(ctx: *mut c_void, w: *mut spdk_json_write_ctx) -> c_int {
    let Some(w) = writer_mut(w) else {
        return -libc::EINVAL;
    };
    let node = &*ctx.cast::<Node>();
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
    for n in lock(&NODES).iter() {
        let node = &*n.0;
        let _ = w.object_begin();
        let _ = w.named_string("method", "bdev_passthru_create");
        let _ = w.named_object_begin("params");
        let _ = w.named_string("base_bdev_name", (*node.base_bdev).name_bytes());
        let _ = w.named_string("name", node.bdev.name_bytes());
        let uuid = node.bdev.uuid.u.raw;
        if uuid != [0; 16] {
            let _ = w.name("uuid");
            let _ = w.uuid(&uuid);
        }
        let _ = w.object_end();
        let _ = w.object_end();
    }
    0
}

// ---- creation, examine, removal ----

unsafe extern "C" fn base_event(t: spdk_bdev_event_type, bdev: *mut spdk_bdev, _ctx: *mut c_void) {
    if t != spdk_bdev_event_type::SPDK_BDEV_EVENT_REMOVE {
        spdk_log::noticelog!("Unsupported bdev event: type {}", t as c_int);
        return;
    }
    let gone: Vec<NodePtr> = lock(&NODES)
        .iter()
        .copied()
        .filter(|n| (*n.0).base_bdev == bdev)
        .collect();
    for n in gone {
        spdk_bdev_unregister(ptr::addr_of_mut!((*n.0).bdev), None, ptr::null_mut());
    }
}

/// Registers the passthru bdev of `a`, whose base must exist.
unsafe fn build(a: &Assoc) -> c_int {
    let base_name = CString::new(a.base.as_str()).unwrap_or_default();
    let mut desc = ptr::null_mut();
    let rc = spdk_bdev_open_ext(
        base_name.as_ptr(),
        true,
        Some(base_event),
        ptr::null_mut(),
        &mut desc,
    );
    if rc != 0 {
        if rc != -libc::ENODEV {
            spdk_log::errlog!("could not open bdev {}", a.base);
        }
        return rc;
    }
    let base = spdk_bdev_desc_get_bdev(desc);
    let Ok(name) = CString::new(a.vbdev.as_str()) else {
        spdk_bdev_close(desc);
        return -libc::EINVAL;
    };
    let node = Box::into_raw(Box::new(Node {
        bdev: spdk_bdev::zeroed(),
        name,
        base_bdev: base,
        base_desc: desc,
        thread: spdk_get_thread(),
    }));
    let b = &mut (*node).bdev;
    let src = &*base;
    b.name = (*node).name.as_ptr() as *mut c_char;
    b.product_name = c"passthru".as_ptr() as *mut c_char;
    b.write_cache = src.write_cache;
    b.required_alignment = src.required_alignment;
    b.optimal_io_boundary = src.optimal_io_boundary;
    b.blocklen = src.blocklen;
    b.blockcnt = src.blockcnt;
    b.flags = src.flags & (BDEV_FLAG_MD_INTERLEAVE | BDEV_FLAG_DIF_IS_HEAD_OF_MD);
    b.md_len = src.md_len;
    b.dif_type = src.dif_type;
    b.dif_check_flags = src.dif_check_flags;
    b.dif_pi_format = src.dif_pi_format;
    b.numa = src.numa;
    let raw = match a.uuid {
        Some(u) => u,
        None => derived_uuid(&src.uuid.u.raw),
    };
    b.uuid = spdk_uuid {
        u: spdk_uuid_u { raw },
    };
    b.ctxt = node.cast();
    b.fn_table = &FN_TABLE;
    b.module = module();
    spdk_io_device_register(
        node.cast(),
        Some(ch_create),
        Some(ch_destroy),
        std::mem::size_of::<PtChannel>() as u32,
        (*node).name.as_ptr(),
    );
    let rc = spdk_bdev_module_claim_bdev(base, desc, module());
    if rc != 0 {
        spdk_log::errlog!("could not claim bdev {}", a.base);
        undo(node);
        return rc;
    }
    lock(&NODES).push(NodePtr(node));
    let rc = spdk_bdev_register(ptr::addr_of_mut!((*node).bdev));
    if rc != 0 {
        spdk_log::errlog!("could not register pt_bdev");
        lock(&NODES).retain(|n| n.0 != node);
        spdk_bdev_module_release_bdev(base);
        undo(node);
        return rc;
    }
    spdk_log::noticelog!("created pt_bdev for: {}", a.vbdev);
    0
}

/// Frees a node that never got registered.
unsafe fn undo(node: *mut Node) {
    spdk_bdev_close((*node).base_desc);
    spdk_io_device_unregister(node.cast(), None);
    drop(Box::from_raw(node));
}

fn derived_uuid(base: &[u8; 16]) -> [u8; 16] {
    let ns = spdk_util::uuid::parse(NAMESPACE_UUID).unwrap_or([0; 16]);
    spdk_util::uuid::generate_sha1(&ns, base)
}

fn exists(vbdev: &str) -> bool {
    // SAFETY: registered nodes.
    lock(&NODES)
        .iter()
        .any(|n| unsafe { (*n.0).bdev.name_bytes() } == vbdev.as_bytes())
}

/// Builds every configured passthru bdev of `base` not built yet; the
/// first error stops (-ENODEV: the base does not exist).
unsafe fn build_for_base(base: &str) -> c_int {
    let todo: Vec<Assoc> = lock(&ASSOCS)
        .iter()
        .filter(|a| a.base == base && !exists(&a.vbdev))
        .cloned()
        .collect();
    for a in &todo {
        let rc = build(a);
        if rc != 0 {
            return rc;
        }
    }
    0
}

unsafe extern "C" fn examine_config(bdev: *mut spdk_bdev) {
    let name = String::from_utf8_lossy((*bdev).name_bytes()).into_owned();
    let _ = build_for_base(&name);
    spdk_bdev_module_examine_done(module());
}

unsafe extern "C" fn destruct(ctx: *mut c_void) -> c_int {
    let node = ctx.cast::<Node>();
    lock(&NODES).retain(|n| n.0 != node);
    spdk_bdev_module_release_bdev((*node).base_bdev);
    let t = (*node).thread;
    if !t.is_null() && t != spdk_get_thread() {
        spdk_thread_send_msg(t, Some(close_msg), (*node).base_desc.cast());
    } else {
        spdk_bdev_close((*node).base_desc);
    }
    spdk_io_device_unregister(node.cast(), Some(node_free));
    0
}

unsafe extern "C" fn close_msg(desc: *mut c_void) {
    spdk_bdev_close(desc.cast());
}

unsafe extern "C" fn node_free(dev: *mut c_void) {
    drop(Box::from_raw(dev.cast::<Node>()));
}

/// Creates the passthru bdev `name` on `base` (SPDK's
/// bdev_passthru_create): now when the base exists, else when it
/// appears. -EEXIST when `name` is configured already.
///
/// # Safety
/// Called on an SPDK thread after the bdev library initialized.
pub unsafe fn create(base: &str, name: &str, uuid: Option<[u8; 16]>) -> Result<(), c_int> {
    {
        let mut l = lock(&ASSOCS);
        if l.iter().any(|a| a.vbdev == name) {
            spdk_log::errlog!("passthru bdev {} already exists", name);
            return Err(-libc::EEXIST);
        }
        l.push(Assoc {
            vbdev: name.to_string(),
            base: base.to_string(),
            uuid,
        });
    }
    match build_for_base(base) {
        0 => Ok(()),
        rc if rc == -libc::ENODEV => {
            spdk_log::noticelog!("vbdev creation deferred pending base bdev arrival");
            Ok(())
        }
        rc => {
            lock(&ASSOCS).retain(|a| a.vbdev != name);
            Err(rc)
        }
    }
}

/// Deletes the passthru bdev `name` (SPDK's bdev_passthru_delete) and its
/// configuration; `cb(arg, rc)` when done (-ENODEV: no such bdev).
///
/// # Safety
/// Called on an SPDK thread; `arg` is what `cb` expects.
pub unsafe fn delete(name: &str, cb: spdk_bdev_unregister_cb, arg: *mut c_void) {
    let Ok(c) = CString::new(name) else {
        if let Some(f) = cb {
            f(arg, -libc::ENODEV);
        }
        return;
    };
    let rc = spdk_bdev_unregister_by_name(c.as_ptr(), module(), cb, arg);
    if rc != 0 {
        if let Some(f) = cb {
            f(arg, rc);
        }
        return;
    }
    lock(&ASSOCS).retain(|a| a.vbdev != name);
}

/// The configured base of passthru bdev `name` (for tests and tools).
pub fn base_of(name: &str) -> Option<String> {
    lock(&ASSOCS)
        .iter()
        .find(|a| a.vbdev == name)
        .map(|a| a.base.clone())
}
