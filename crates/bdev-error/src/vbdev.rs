//! The error module: `EE_<base>` is a part covering its whole base bdev
//! whose I/O can be made to fail, stay pending, return corrupted data or
//! report no memory, per I/O type, for the next N I/Os (optionally only
//! at a queue depth). The settings are atomics read on the I/O path;
//! pending I/Os wait in a per-channel list linked through driver_ctx
//! until a reset aborts them (io.rs).

use std::ffi::{c_int, c_void, CString};
use std::ptr;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::sync::{Mutex, MutexGuard};

use ::spdk_bdev::ffi::bdev::{spdk_bdev_get_by_name, spdk_bdev_io_type};
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_fn_table, spdk_bdev_module, spdk_bdev_module_examine_done,
    spdk_bdev_module_internal_fields, spdk_bdev_module_list_add, spdk_bdev_unregister_by_name,
    spdk_bdev_unregister_cb,
};
use spdk_bdev_split::part::{self, Part, PartBase, PartOps};
use spdk_json::ffi::json::{spdk_json_write_ctx, writer_mut};

use crate::io;

/// What to do to matching I/Os (SPDK's vbdev_error_type values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorType {
    Failure = 1,
    Pending = 2,
    CorruptData = 3,
    Nomem = 4,
}

/// Which I/Os an injection applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoType {
    /// Stops every injection (their counts drop to 0).
    Clear,
    Read,
    Write,
    Unmap,
    Flush,
    All,
}

/// An injection (SPDK's vbdev_error_inject_opts).
#[derive(Clone, Copy, Debug)]
pub struct InjectOpts {
    pub io_type: IoType,
    pub error_type: ErrorType,
    /// How many I/Os get the error.
    pub num: u32,
    /// Only while at least this many I/Os are in flight on the channel.
    pub queue_depth: u64,
    /// corrupt_data: the byte (from the I/O's start) XORed with the value.
    pub corrupt_offset: u64,
    pub corrupt_value: u8,
}

/// Injections are kept for read, write, unmap and flush (indexed by
/// I/O type; 0 unused, as in SPDK).
const VECTOR_LEN: usize = 5;

#[derive(Default)]
pub(crate) struct ErrorInfo {
    pub(crate) error_type: AtomicU32,
    pub(crate) error_num: AtomicU32,
    pub(crate) error_qd: AtomicU64,
    pub(crate) corrupt_offset: AtomicU64,
    pub(crate) corrupt_value: AtomicU8,
}

/// An error bdev's injections (the part's ctx).
#[derive(Default)]
pub(crate) struct Disk {
    pub(crate) vector: [ErrorInfo; VECTOR_LEN],
}

struct Config {
    base: String,
    uuid: Option<[u8; 16]>,
}

#[derive(Clone, Copy, PartialEq)]
struct PartPtr(*mut Part);
// SAFETY: parts are shared by address; their injections are atomics.
unsafe impl Send for PartPtr {}

static CONFIGS: Mutex<Vec<Config>> = Mutex::new(Vec::new());
static DISKS: Mutex<Vec<PartPtr>> = Mutex::new(Vec::new());

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
    name: c"error".as_ptr(),
    get_ctx_size: Some(io::ctx_size),
    examine_config: Some(examine_config),
    examine_disk: None,
    async_init: false,
    async_fini: false,
    async_fini_start: false,
    internal: spdk_bdev_module_internal_fields::new(),
}));

static FN_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(destruct),
    submit_request: Some(io::submit_request),
    io_type_supported: Some(part::io_type_supported),
    get_io_channel: Some(part::get_io_channel),
    dump_info_json: Some(dump_info_json),
    write_config_json: None,
    get_spin_time: None,
    get_module_ctx: None,
    get_memory_domains: None,
    reset_device_stat: None,
    dump_device_stat_json: None,
    accel_sequence_supported: None,
};

static OPS: PartOps = PartOps {
    module,
    fn_table: &FN_TABLE,
    channel_size: std::mem::size_of::<io::ErrChannel>() as u32,
    ch_create: Some(io::ch_create),
    ch_destroy: Some(io::ch_destroy),
    part_freed: Some(part_freed),
    base_freed: None,
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
    lock(&CONFIGS).clear();
}

unsafe fn part_freed(p: *mut Part) {
    lock(&DISKS).retain(|d| d.0 != p);
    drop(Box::from_raw((*p).ctx.cast::<Disk>()));
}

unsafe extern "C" fn destruct(ctx: *mut c_void) -> c_int {
    let p = ctx.cast::<Part>();
    let base = String::from_utf8_lossy(part::base_name(p)).into_owned();
    lock(&CONFIGS).retain(|c| c.base != base);
    part::destruct(p)
}

// ---- JSON ----

unsafe extern "C" fn dump_info_json(ctx: *mut c_void, w: *mut spdk_json_write_ctx) -> c_int {
    let Some(w) = writer_mut(w) else {
        return -libc::EINVAL;
    };
    let _ = w.named_object_begin("error_disk");
    let _ = w.named_string("base_bdev", part::base_name(ctx.cast()));
    let _ = w.object_end();
    0
}

unsafe extern "C" fn config_json(w: *mut spdk_json_write_ctx) -> c_int {
    let Some(w) = writer_mut(w) else {
        return -libc::EINVAL;
    };
    for c in lock(&CONFIGS).iter() {
        let _ = w.object_begin();
        let _ = w.named_string("method", "bdev_error_create");
        let _ = w.named_object_begin("params");
        let _ = w.named_string("base_name", &c.base);
        if let Some(u) = c.uuid {
            let _ = w.name("uuid");
            let _ = w.uuid(&u);
        }
        let _ = w.object_end();
        let _ = w.object_end();
    }
    0
}

// ---- creation, examine, removal, injection ----

/// Registers `EE_<base>` (-ENODEV when the base does not exist).
unsafe fn build(base: &str, uuid: Option<[u8; 16]>) -> Result<(), c_int> {
    let pb: *mut PartBase = part::base_open(base, &OPS, ptr::null_mut())?;
    let disk = Box::into_raw(Box::<Disk>::default());
    let blocks = (*(*pb).bdev).blockcnt;
    let name = format!("EE_{base}");
    match part::construct(
        pb,
        &name,
        0,
        blocks,
        "Error Injection Disk",
        uuid,
        disk.cast(),
    ) {
        Ok(p) => {
            lock(&DISKS).push(PartPtr(p));
            Ok(())
        }
        Err(rc) => {
            spdk_log::errlog!("could not construct part for bdev {}", base);
            drop(Box::from_raw(disk));
            part::base_free(pb);
            Err(rc)
        }
    }
}

unsafe extern "C" fn examine_config(bdev: *mut spdk_bdev) {
    let name = String::from_utf8_lossy((*bdev).name_bytes()).into_owned();
    let uuid = lock(&CONFIGS)
        .iter()
        .find(|c| c.base == name)
        .map(|c| c.uuid);
    if let Some(uuid) = uuid {
        if build(&name, uuid).is_err() {
            spdk_log::errlog!("could not create error vbdev for bdev {} at examine", name);
        }
    }
    spdk_bdev_module_examine_done(module());
}

/// Creates `EE_<base>` (SPDK's bdev_error_create): now, or when the base
/// appears. -EEXIST when `base` has an error bdev configured.
///
/// # Safety
/// Called on an SPDK thread after the bdev library initialized.
pub unsafe fn create(base: &str, uuid: Option<[u8; 16]>) -> Result<(), c_int> {
    {
        let mut l = lock(&CONFIGS);
        if l.iter().any(|c| c.base == base) {
            spdk_log::errlog!("vbdev_error_config for bdev {} already exists", base);
            return Err(-libc::EEXIST);
        }
        l.push(Config {
            base: base.to_string(),
            uuid,
        });
    }
    match build(base, uuid) {
        Ok(()) => Ok(()),
        Err(rc) if rc == -libc::ENODEV => Ok(()),
        Err(rc) => {
            lock(&CONFIGS).retain(|c| c.base != base);
            spdk_log::errlog!("Could not create ErrorInjection bdev {} (rc={})", base, rc);
            Err(rc)
        }
    }
}

/// Deletes error bdev `name` (SPDK's bdev_error_delete) and its
/// configuration; `cb(arg, rc)` when done (-ENODEV: no such bdev).
///
/// # Safety
/// Called on an SPDK thread; `arg` is what `cb` expects.
pub unsafe fn delete(name: &str, cb: spdk_bdev_unregister_cb, arg: *mut c_void) {
    let rc = match CString::new(name) {
        Ok(c) => spdk_bdev_unregister_by_name(c.as_ptr(), module(), cb, arg),
        Err(_) => -libc::ENODEV,
    };
    if rc != 0 {
        if let Some(f) = cb {
            f(arg, rc);
        }
    }
}

/// Sets an injection on error bdev `name` (SPDK's
/// bdev_error_inject_error). -EINVAL (corrupt_data with value 0),
/// -ENODEV (no such error bdev).
pub fn inject_error(name: &str, o: &InjectOpts) -> Result<(), c_int> {
    if o.error_type == ErrorType::CorruptData && o.corrupt_value == 0 {
        spdk_log::errlog!("corrupt_value should be non-zero.");
        return Err(-libc::EINVAL);
    }
    let c = CString::new(name).map_err(|_| -libc::ENODEV)?;
    // SAFETY: a lookup by name.
    let b = unsafe { spdk_bdev_get_by_name(c.as_ptr()) };
    if b.is_null() {
        spdk_log::errlog!("Could not open ErrorInjection bdev {}", name);
        return Err(-libc::ENODEV);
    }
    let disks = lock(&DISKS);
    // SAFETY: registered error parts, under the list's lock.
    let Some(p) = disks
        .iter()
        .find(|p| unsafe { ptr::addr_of_mut!((*p.0).bdev) } == b)
    else {
        spdk_log::errlog!("Could not find ErrorInjection bdev {}", name);
        return Err(-libc::ENODEV);
    };
    // SAFETY: as above; the injections are atomics.
    let disk = unsafe { &*(*p.0).ctx.cast::<Disk>() };
    let set = |info: &ErrorInfo| {
        info.error_type
            .store(o.error_type as u32, Ordering::Relaxed);
        info.error_qd.store(o.queue_depth, Ordering::Relaxed);
        info.corrupt_offset
            .store(o.corrupt_offset, Ordering::Relaxed);
        info.corrupt_value.store(o.corrupt_value, Ordering::Relaxed);
        // The count last: the I/O path acts once it sees it.
        info.error_num.store(o.num, Ordering::Release);
    };
    match o.io_type {
        IoType::All => disk.vector.iter().for_each(set),
        IoType::Clear => disk
            .vector
            .iter()
            .for_each(|i| i.error_num.store(0, Ordering::Relaxed)),
        t => {
            let i = match t {
                IoType::Read => spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_READ,
                IoType::Write => spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_WRITE,
                IoType::Unmap => spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_UNMAP,
                _ => spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_FLUSH,
            };
            set(&disk.vector[i as usize]);
        }
    }
    Ok(())
}
