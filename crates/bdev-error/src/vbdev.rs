//! The error module: `EE_<base>` is a part covering its whole base bdev
//! whose I/O can be made to fail, stay pending, return corrupted data or
//! report no memory, per I/O type, for the next N I/Os (optionally only
//! at a queue depth). The settings are atomics read on the I/O path;
//! pending I/Os wait in a per-channel list linked through driver_ctx
//! until a reset aborts them.

use std::ffi::{c_int, c_void, CString};
use std::ptr;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::sync::{Mutex, MutexGuard};

use ::spdk_bdev::ffi::bdev::{spdk_bdev_free_io, spdk_bdev_get_by_name, spdk_bdev_io_type};
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_fn_table, spdk_bdev_io, spdk_bdev_io_complete, spdk_bdev_io_get_buf,
    spdk_bdev_module, spdk_bdev_module_examine_done, spdk_bdev_module_internal_fields,
    spdk_bdev_module_list_add, spdk_bdev_unregister_by_name, spdk_bdev_unregister_cb, IoStatusArg,
};
use ::spdk_thread::ffi::thread::{
    spdk_for_each_channel, spdk_for_each_channel_continue, spdk_io_channel, spdk_io_channel_iter,
    spdk_io_channel_iter_get_channel, spdk_io_channel_iter_get_ctx,
};
use spdk_bdev_split::base_io::{self, Retry};
use spdk_bdev_split::part::{self, Part, PartBase, PartChannel, PartOps};
use spdk_json::ffi::json::{spdk_json_write_ctx, writer_mut};

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

const NO_ERROR: u32 = 0;
/// Injections are kept for read, write, unmap and flush (indexed by
/// I/O type; 0 unused, as in SPDK).
const VECTOR_LEN: usize = 5;

#[derive(Default)]
struct ErrorInfo {
    error_type: AtomicU32,
    error_num: AtomicU32,
    error_qd: AtomicU64,
    corrupt_offset: AtomicU64,
    corrupt_value: AtomicU8,
}

/// An error bdev's injections (the part's ctx).
#[derive(Default)]
struct Disk {
    vector: [ErrorInfo; VECTOR_LEN],
}

#[repr(C)]
struct ErrChannel {
    part: PartChannel,
    inflight: u64,
    pending_head: *mut ErrIo,
    pending_tail: *mut ErrIo,
}

/// driver_ctx of each I/O.
#[repr(C)]
struct ErrIo {
    retry: Retry,
    error_type: u32,
    next: *mut ErrIo,
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
    channel_size: std::mem::size_of::<ErrChannel>() as u32,
    ch_create: Some(ch_create),
    ch_destroy: Some(ch_destroy),
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

unsafe extern "C" fn ctx_size() -> c_int {
    std::mem::size_of::<ErrIo>() as c_int
}

unsafe fn ch_create(_p: *mut Part, ch: *mut PartChannel) -> c_int {
    let c = ch.cast::<ErrChannel>();
    ptr::addr_of_mut!((*c).inflight).write(0);
    ptr::addr_of_mut!((*c).pending_head).write(ptr::null_mut());
    ptr::addr_of_mut!((*c).pending_tail).write(ptr::null_mut());
    0
}

unsafe fn ch_destroy(_p: *mut Part, ch: *mut PartChannel) {
    if !(*ch.cast::<ErrChannel>()).pending_head.is_null() {
        spdk_log::errlog!("error channel destroyed with pending I/O");
    }
}

unsafe fn part_freed(p: *mut Part) {
    lock(&DISKS).retain(|d| d.0 != p);
    drop(Box::from_raw((*p).ctx.cast::<Disk>()));
}

// ---- I/O ----

#[inline]
unsafe fn eio(io: *mut spdk_bdev_io) -> *mut ErrIo {
    (*io).driver_ctx.as_mut_ptr().cast()
}

#[inline]
unsafe fn echan(ch: *mut spdk_io_channel) -> *mut ErrChannel {
    part::channel(ch).cast()
}

#[inline]
unsafe fn disk_of(io: *mut spdk_bdev_io) -> *const Disk {
    (*part::part_of(io)).ctx.cast()
}

#[inline]
unsafe fn io_of(e: *mut ErrIo) -> *mut spdk_bdev_io {
    e.cast::<u8>()
        .sub(std::mem::offset_of!(spdk_bdev_io, driver_ctx))
        .cast()
}

/// The error this I/O gets, taking one from the injection's count.
unsafe fn error_for(disk: *const Disk, c: *mut ErrChannel, ty: u8) -> u32 {
    if !(1..=4).contains(&ty) {
        return NO_ERROR;
    }
    let info = &(*disk).vector[ty as usize];
    if (*c).inflight < info.error_qd.load(Ordering::Relaxed) {
        return NO_ERROR;
    }
    let took = info
        .error_num
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
    match took {
        Ok(_) => info.error_type.load(Ordering::Relaxed),
        Err(_) => NO_ERROR,
    }
}

/// XORs the byte at `offset` of the I/O's data with `value`.
unsafe fn corrupt(io: *mut spdk_bdev_io, mut offset: u64, value: u8) {
    let p = &(*io).u.bdev;
    if p.iovs.is_null() || p.iovcnt <= 0 || (*p.iovs).iov_base.is_null() {
        return;
    }
    for i in 0..p.iovcnt as usize {
        let v = &*p.iovs.add(i);
        if (v.iov_len as u64) > offset {
            *v.iov_base.cast::<u8>().add(offset as usize) ^= value;
            return;
        }
        offset -= v.iov_len as u64;
    }
}

unsafe extern "C" fn submit_request(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    (*eio(io)).retry.ch = ch;
    match (*io).r#type {
        1 => {
            let len = (*io).u.bdev.num_blocks * (*(*io).bdev).blocklen as u64;
            spdk_bdev_io_get_buf(io, Some(read_buf_ready), len);
        }
        5 => {
            // Pending I/Os of every channel are aborted; the base is left alone.
            spdk_for_each_channel(
                part::part_of(io).cast(),
                Some(abort_channel),
                io.cast(),
                Some(abort_done),
            );
        }
        _ => dispatch(ch, io),
    }
}

unsafe extern "C" fn read_buf_ready(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io, ok: bool) {
    if !ok {
        base_io::fail(io);
        return;
    }
    dispatch(ch, io);
}

unsafe fn dispatch(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let c = echan(ch);
    let e = eio(io);
    let disk = disk_of(io);
    let ty = (*io).r#type;
    (*e).error_type = error_for(disk, c, ty);
    match (*e).error_type {
        1 => base_io::fail(io),
        4 => spdk_bdev_io_complete(io, IoStatusArg(-4)),
        2 => {
            (*e).next = ptr::null_mut();
            if (*c).pending_tail.is_null() {
                (*c).pending_head = e;
            } else {
                (*(*c).pending_tail).next = e;
            }
            (*c).pending_tail = e;
        }
        t => {
            if t == ErrorType::CorruptData as u32 && ty == 2 {
                let info = &(*disk).vector[2];
                corrupt(
                    io,
                    info.corrupt_offset.load(Ordering::Relaxed),
                    info.corrupt_value.load(Ordering::Relaxed),
                );
            }
            forward(ch, io);
        }
    }
}

unsafe fn forward(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let c = echan(ch);
    (*c).inflight += 1;
    let rc = part::submit(ch, io, Some(child_done));
    if rc != 0 {
        (*c).inflight -= 1;
        let retry = ptr::addr_of_mut!((*eio(io)).retry);
        base_io::after_submit(rc, io, ch, (*c).part.base_ch, retry, resubmit);
    }
}

unsafe extern "C" fn resubmit(arg: *mut c_void) {
    let io = arg.cast::<spdk_bdev_io>();
    forward((*eio(io)).retry.ch, io);
}

unsafe extern "C" fn child_done(child: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    spdk_bdev_free_io(child);
    let io = arg.cast::<spdk_bdev_io>();
    let e = eio(io);
    (*echan((*e).retry.ch)).inflight -= 1;
    if ok && (*io).r#type == 1 && (*e).error_type == ErrorType::CorruptData as u32 {
        let info = &(*disk_of(io)).vector[1];
        corrupt(
            io,
            info.corrupt_offset.load(Ordering::Relaxed),
            info.corrupt_value.load(Ordering::Relaxed),
        );
    }
    spdk_bdev_io_complete(io, IoStatusArg(if ok { 1 } else { -1 }));
}

unsafe extern "C" fn abort_channel(i: *mut spdk_io_channel_iter) {
    let c = echan(spdk_io_channel_iter_get_channel(i));
    let mut e = std::mem::replace(&mut (*c).pending_head, ptr::null_mut());
    (*c).pending_tail = ptr::null_mut();
    while !e.is_null() {
        let next = (*e).next;
        spdk_bdev_io_complete(io_of(e), IoStatusArg(-7));
        e = next;
    }
    spdk_for_each_channel_continue(i, 0);
}

unsafe extern "C" fn abort_done(i: *mut spdk_io_channel_iter, status: c_int) {
    let io = spdk_io_channel_iter_get_ctx(i).cast::<spdk_bdev_io>();
    if status != 0 {
        spdk_log::errlog!("Failed to abort pending I/Os: {}", status);
    }
    spdk_bdev_io_complete(io, IoStatusArg(if status == 0 { 1 } else { -1 }));
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
