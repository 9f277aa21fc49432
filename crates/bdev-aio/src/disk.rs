//! One aio bdev: its file, creation with SPDK's checks, the function table
//! the bdev layer calls, reset, delete and hot removal.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};

use ::spdk_bdev::core;
use ::spdk_bdev::ffi::bdev::spdk_bdev_io_type;
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_fn_table, spdk_bdev_io, spdk_bdev_io_complete,
    spdk_bdev_io_complete_aio_status, spdk_bdev_io_get_buf, spdk_bdev_unregister_cb, IoStatusArg,
};
use spdk_json::ffi::json::{spdk_json_write_ctx, writer_mut};
use spdk_thread::ffi::thread::{
    spdk_for_each_channel, spdk_for_each_channel_continue, spdk_get_io_channel, spdk_io_channel,
    spdk_io_channel_iter, spdk_io_channel_iter_get_channel, spdk_io_channel_iter_get_ctx,
    spdk_io_device_register, spdk_io_device_unregister, spdk_poller, spdk_poller_register_named,
    spdk_poller_unregister, spdk_thread_get_app_thread, spdk_thread_send_msg,
};
use spdk_util::ffi::fd::{spdk_fd_get_blocklen, spdk_fd_get_size};

use crate::channel::{self, AioChannel, AioTask};
use crate::sys::{self, Iocb};

/// Parameters of bdev_aio_create.
#[derive(Clone, Debug, Default)]
pub struct AioOpts {
    pub name: String,
    pub filename: String,
    /// 0: the device's logical block size.
    pub block_size: u32,
    pub readonly: bool,
    /// Unmap and write_zeroes through fallocate().
    pub fallocate: bool,
    pub uuid: Option<[u8; 16]>,
    /// RWF_NOWAIT on reads and writes (block devices only).
    pub nowait: bool,
}

/// An aio bdev; `bdev` is first so the bdev and its context share an address.
#[repr(C)]
pub struct FileDisk {
    bdev: spdk_bdev,
    name: CString,
    filename: CString,
    pub fd: c_int,
    block_size_override: bool,
    readonly: bool,
    fallocate: bool,
    nowait: bool,
    hot_remove_in_progress: AtomicBool,
    reset_io: *mut spdk_bdev_io,
    reset_timer: *mut spdk_poller,
}

impl FileDisk {
    pub fn log_name(&self) -> String {
        format!(
            "{}: {}",
            self.name.to_string_lossy(),
            self.filename.to_string_lossy()
        )
    }
}

static FN_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(destruct),
    submit_request: Some(submit_request),
    io_type_supported: Some(io_type_supported),
    get_io_channel: Some(get_io_channel),
    dump_info_json: Some(dump_info_json),
    write_config_json: Some(write_config_json),
    get_spin_time: None,
    get_module_ctx: None,
    get_memory_domains: None,
    reset_device_stat: None,
    dump_device_stat_json: None,
    accel_sequence_supported: None,
};

const STATUS_SUCCESS: c_int = 1;
const STATUS_FAILED: c_int = -1;

fn errno() -> c_int {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

/// open() with O_DIRECT, or without it where the file refuses it (as
/// SPDK does for files on file systems without direct I/O).
fn open_file(path: &CStr, readonly: bool) -> Result<(c_int, bool), c_int> {
    let mode = if readonly {
        libc::O_RDONLY
    } else {
        libc::O_RDWR
    } | libc::O_CLOEXEC;
    // SAFETY: a C string path.
    let fd = unsafe { libc::open(path.as_ptr(), mode | libc::O_DIRECT) };
    if fd >= 0 {
        return Ok((fd, true));
    }
    // SAFETY: as above.
    let fd = unsafe { libc::open(path.as_ptr(), mode) };
    if fd >= 0 {
        Ok((fd, false))
    } else {
        Err(-errno())
    }
}

/// The offset alignment direct I/O needs on `fd` (statx DIOALIGN), 0 when
/// direct I/O is unsupported, None when the kernel does not say.
fn dio_offset_align(fd: c_int) -> Option<u32> {
    // SAFETY: statx fills a plain struct; "" with AT_EMPTY_PATH names fd.
    unsafe {
        let mut st: libc::statx = std::mem::zeroed();
        let rc = libc::statx(
            fd,
            c"".as_ptr(),
            libc::AT_EMPTY_PATH,
            libc::STATX_DIOALIGN,
            &mut st,
        );
        if rc != 0 || st.stx_mask & libc::STATX_DIOALIGN == 0 {
            return None;
        }
        Some(st.stx_dio_offset_align)
    }
}

fn is_block_device(fd: c_int) -> bool {
    // SAFETY: fstat fills a plain struct.
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        libc::fstat(fd, &mut st) == 0 && st.st_mode & libc::S_IFMT == libc::S_IFBLK
    }
}

/// Creates an aio bdev (SPDK's create_aio_bdev); returns it.
pub fn create(o: &AioOpts) -> Result<*mut spdk_bdev, c_int> {
    let name = CString::new(o.name.as_bytes()).map_err(|_| -libc::EINVAL)?;
    let filename = CString::new(o.filename.as_bytes()).map_err(|_| -libc::EINVAL)?;
    let tag = format!("{}: {}", o.name, o.filename);
    let (mut fd, direct) = match open_file(&filename, o.readonly) {
        Ok(v) => v,
        Err(rc) => {
            spdk_log::errlog!(
                "[{}] open() failed: {}",
                tag,
                spdk_util::string::strerror_message(-rc)
            );
            return Err(rc);
        }
    };
    let fail = |fd: c_int, rc: c_int| {
        // SAFETY: our descriptor, closed once.
        unsafe { libc::close(fd) };
        Err(rc)
    };
    if o.nowait && !is_block_device(fd) {
        spdk_log::errlog!(
            "[{}] Device is not block device; do not enable nowait usage.",
            tag
        );
        return fail(fd, -libc::ENOTSUP);
    }
    let disk_size = spdk_fd_get_size(fd);
    let detected = spdk_fd_get_blocklen(fd);
    let (block_size, block_size_override) = if o.block_size == 0 {
        if detected == 0 {
            spdk_log::errlog!("[{}] Block size could not be auto-detected", tag);
            return fail(fd, -libc::EINVAL);
        }
        (detected, false)
    } else {
        if o.block_size < detected {
            spdk_log::errlog!(
                "[{}] Specified block size {} is smaller than auto-detected block size {}",
                tag,
                o.block_size,
                detected
            );
            return fail(fd, -libc::EINVAL);
        } else if detected != 0 && o.block_size != detected {
            spdk_log::errlog!(
                "[{}] Specified block size {} does not match auto-detected block size {}",
                tag,
                o.block_size,
                detected
            );
        }
        (o.block_size, true)
    };
    if block_size < 512 {
        spdk_log::errlog!(
            "[{}] Invalid block size {} (must be at least 512).",
            tag,
            block_size
        );
        return fail(fd, -libc::EINVAL);
    }
    if !block_size.is_power_of_two() {
        spdk_log::errlog!(
            "[{}] Invalid block size {} (must be a power of 2.)",
            tag,
            block_size
        );
        return fail(fd, -libc::EINVAL);
    }
    if !disk_size.is_multiple_of(block_size as u64) {
        spdk_log::errlog!(
            "[{}] Disk size {} is not a multiple of block size {}",
            tag,
            disk_size,
            block_size
        );
        return fail(fd, -libc::EINVAL);
    }
    if direct {
        // Direct I/O at offsets that are not multiples of the file's
        // alignment fails: use the page cache for such block sizes.
        if let Some(a) = dio_offset_align(fd) {
            if a == 0 || !block_size.is_multiple_of(a) {
                match open_buffered(&filename, o.readonly) {
                    Ok(nfd) => {
                        // SAFETY: our descriptor, replaced.
                        unsafe { libc::close(fd) };
                        fd = nfd;
                    }
                    Err(rc) => return fail(fd, rc),
                }
            }
        }
    }
    let required_alignment = if block_size_override && detected != 0 {
        detected.trailing_zeros()
    } else {
        block_size.trailing_zeros()
    };
    let mut d = Box::new(FileDisk {
        bdev: spdk_bdev::zeroed(),
        name,
        filename,
        fd,
        block_size_override,
        readonly: o.readonly,
        fallocate: o.fallocate,
        nowait: o.nowait,
        hot_remove_in_progress: AtomicBool::new(false),
        reset_io: ptr::null_mut(),
        reset_timer: ptr::null_mut(),
    });
    let b = &mut d.bdev;
    b.name = d.name.as_ptr() as *mut c_char;
    b.product_name = c"AIO disk".as_ptr() as *mut c_char;
    b.module = crate::module();
    b.write_cache = 1;
    b.blocklen = block_size;
    b.required_alignment = required_alignment as u8;
    b.blockcnt = disk_size / block_size as u64;
    if let Some(u) = o.uuid {
        b.uuid.u.raw = u;
    }
    b.fn_table = &FN_TABLE;
    let raw = Box::into_raw(d);
    // SAFETY: a fresh disk; registered as io_device before the bdev so
    // channels can be had as soon as the bdev is visible.
    unsafe {
        (*raw).bdev.ctxt = raw.cast();
        spdk_io_device_register(
            raw.cast(),
            Some(channel::channel_create),
            Some(channel::channel_destroy),
            std::mem::size_of::<AioChannel>() as u32,
            (*raw).name.as_ptr(),
        );
        let rc = core::register(ptr::addr_of_mut!((*raw).bdev));
        if rc != 0 {
            spdk_io_device_unregister(raw.cast(), Some(free_disk));
            return Err(rc);
        }
        Ok(ptr::addr_of_mut!((*raw).bdev))
    }
}

fn open_buffered(path: &CStr, readonly: bool) -> Result<c_int, c_int> {
    let mode = if readonly {
        libc::O_RDONLY
    } else {
        libc::O_RDWR
    } | libc::O_CLOEXEC;
    // SAFETY: a C string path.
    let fd = unsafe { libc::open(path.as_ptr(), mode) };
    if fd < 0 {
        Err(-errno())
    } else {
        Ok(fd)
    }
}

/// Deletes the aio bdev `name` (SPDK's bdev_aio_delete); `cb(arg, rc)`
/// when done. -ENODEV when there is no such aio bdev.
///
/// # Safety
/// Called on an SPDK thread; `arg` is what `cb` expects.
pub unsafe fn delete(
    name: &[u8],
    cb: spdk_bdev_unregister_cb,
    arg: *mut c_void,
) -> Result<(), c_int> {
    let b = core::find(name);
    if b.is_null() || (*b).module != crate::module() {
        return Err(-libc::ENODEV);
    }
    core::unregister(b, cb, arg);
    Ok(())
}

unsafe extern "C" fn hot_remove_msg(arg: *mut c_void) {
    let name = Box::from_raw(arg.cast::<CString>());
    let _ = delete(name.as_bytes(), None, ptr::null_mut());
}

/// The file went away (I/O fails and its size reads 0): unregister the
/// bdev from the app thread, once.
pub(crate) unsafe fn try_hot_remove(fdisk: *mut FileDisk) {
    if (*fdisk)
        .hot_remove_in_progress
        .swap(true, Ordering::Relaxed)
    {
        return;
    }
    spdk_log::errlog!(
        "[{}] hot-remove detected, unregistering bdev...",
        (*fdisk).log_name()
    );
    let name = Box::into_raw(Box::new((*fdisk).name.clone()));
    let t = spdk_thread_get_app_thread();
    if t.is_null() || spdk_thread_send_msg(t, Some(hot_remove_msg), name.cast()) != 0 {
        drop(Box::from_raw(name));
        (*fdisk)
            .hot_remove_in_progress
            .store(false, Ordering::Relaxed);
    }
}

unsafe extern "C" fn free_disk(dev: *mut c_void) {
    let d = Box::from_raw(dev.cast::<FileDisk>());
    if libc::close(d.fd) < 0 {
        spdk_log::errlog!("close() failed (fd={}): {}", d.fd, errno());
    }
}

unsafe extern "C" fn destruct(ctx: *mut c_void) -> c_int {
    // The disk is freed once its last channel is gone.
    spdk_io_device_unregister(ctx, Some(free_disk));
    0
}

unsafe extern "C" fn get_io_channel(ctx: *mut c_void) -> *mut spdk_io_channel {
    spdk_get_io_channel(ctx)
}

unsafe extern "C" fn io_type_supported(ctx: *mut c_void, t: spdk_bdev_io_type) -> bool {
    use spdk_bdev_io_type::*;
    match t {
        SPDK_BDEV_IO_TYPE_READ
        | SPDK_BDEV_IO_TYPE_WRITE
        | SPDK_BDEV_IO_TYPE_FLUSH
        | SPDK_BDEV_IO_TYPE_RESET => true,
        SPDK_BDEV_IO_TYPE_UNMAP | SPDK_BDEV_IO_TYPE_WRITE_ZEROES => {
            (*ctx.cast::<FileDisk>()).fallocate
        }
        _ => false,
    }
}

#[inline]
unsafe fn task_of(io: *mut spdk_bdev_io) -> *mut AioTask {
    (*io).driver_ctx.as_mut_ptr().cast()
}

unsafe extern "C" fn submit_request(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let fdisk = (*(*io).bdev).ctxt.cast::<FileDisk>();
    let len = (*io).u.bdev.num_blocks * (*(*io).bdev).blocklen as u64;
    match (*io).r#type {
        // read, write: a read without a buffer gets one first.
        1 => spdk_bdev_io_get_buf(io, Some(rw_with_buf), len),
        2 if (*fdisk).readonly => spdk_bdev_io_complete(io, IoStatusArg(STATUS_FAILED)),
        2 => spdk_bdev_io_get_buf(io, Some(rw_with_buf), len),
        // flush
        4 => {
            let task = task_of(io);
            (*task).iocb = Iocb {
                aio_lio_opcode: sys::IOCB_CMD_FSYNC,
                aio_fildes: (*fdisk).fd as u32,
                ..Iocb::default()
            };
            (*task).len = 0;
            channel::submit(ch, io, task);
        }
        // reset
        5 => {
            (*fdisk).reset_io = io;
            reset_check(fdisk);
        }
        // unmap, write_zeroes
        3 => falloc(
            fdisk,
            io,
            libc::FALLOC_FL_PUNCH_HOLE | libc::FALLOC_FL_KEEP_SIZE,
        ),
        9 => falloc(fdisk, io, libc::FALLOC_FL_ZERO_RANGE),
        _ => spdk_bdev_io_complete(io, IoStatusArg(STATUS_FAILED)),
    }
}

unsafe extern "C" fn rw_with_buf(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io, ok: bool) {
    if !ok {
        spdk_bdev_io_complete(io, IoStatusArg(STATUS_FAILED));
        return;
    }
    let fdisk = (*(*io).bdev).ctxt.cast::<FileDisk>();
    let bs = (*(*io).bdev).blocklen as u64;
    let p = &(*io).u.bdev;
    let task = task_of(io);
    (*task).iocb = Iocb {
        aio_lio_opcode: if (*io).r#type == 1 {
            sys::IOCB_CMD_PREADV
        } else {
            sys::IOCB_CMD_PWRITEV
        },
        aio_fildes: (*fdisk).fd as u32,
        aio_buf: p.iovs as u64,
        aio_nbytes: p.iovcnt.max(0) as u64,
        aio_offset: (p.offset_blocks * bs) as i64,
        aio_rw_flags: if (*fdisk).nowait { sys::RWF_NOWAIT } else { 0 },
        ..Iocb::default()
    };
    (*task).len = p.num_blocks * bs;
    channel::submit(ch, io, task);
}

/// Unmap and write_zeroes: fallocate() in place, as SPDK does.
unsafe fn falloc(fdisk: *mut FileDisk, io: *mut spdk_bdev_io, mode: c_int) {
    if !(*fdisk).fallocate {
        spdk_bdev_io_complete_aio_status(io, -libc::ENOTSUP);
        return;
    }
    let bs = (*(*io).bdev).blocklen as u64;
    let p = &(*io).u.bdev;
    let rc = libc::fallocate(
        (*fdisk).fd,
        mode,
        (p.offset_blocks * bs) as libc::off_t,
        (p.num_blocks * bs) as libc::off_t,
    );
    if rc == 0 {
        spdk_bdev_io_complete(io, IoStatusArg(STATUS_SUCCESS));
    } else {
        spdk_bdev_io_complete_aio_status(io, -errno());
    }
}

// ---- reset: completes once no channel has requests in flight ----

unsafe fn reset_check(fdisk: *mut FileDisk) {
    spdk_for_each_channel(
        fdisk.cast(),
        Some(reset_channel),
        fdisk.cast(),
        Some(reset_checked),
    );
}

unsafe extern "C" fn reset_channel(i: *mut spdk_io_channel_iter) {
    let ch = spdk_io_channel_iter_get_channel(i);
    let busy = !ch.is_null() && channel::inflight(ch) > 0;
    spdk_for_each_channel_continue(i, if busy { -1 } else { 0 });
}

unsafe extern "C" fn reset_checked(i: *mut spdk_io_channel_iter, status: c_int) {
    let fdisk = spdk_io_channel_iter_get_ctx(i).cast::<FileDisk>();
    if status == -1 {
        (*fdisk).reset_timer = spdk_poller_register_named(
            Some(reset_retry),
            fdisk.cast(),
            500,
            c"bdev_aio_reset_retry_timer".as_ptr(),
        );
        if !(*fdisk).reset_timer.is_null() {
            return;
        }
    }
    let io = std::mem::replace(&mut (*fdisk).reset_io, ptr::null_mut());
    if !io.is_null() {
        spdk_bdev_io_complete(io, IoStatusArg(STATUS_SUCCESS));
    }
}

unsafe extern "C" fn reset_retry(arg: *mut c_void) -> c_int {
    let fdisk = arg.cast::<FileDisk>();
    spdk_poller_unregister(&mut (*fdisk).reset_timer);
    reset_check(fdisk);
    1
}

// ---- JSON ----

unsafe extern "C" fn dump_info_json(ctx: *mut c_void, w: *mut spdk_json_write_ctx) -> c_int {
    let Some(w) = writer_mut(w) else {
        return -libc::EINVAL;
    };
    let d = &*ctx.cast::<FileDisk>();
    let _ = w.named_object_begin("aio");
    let _ = w.named_string("filename", d.filename.as_bytes());
    let _ = w.named_bool("block_size_override", d.block_size_override);
    let _ = w.named_bool("readonly", d.readonly);
    let _ = w.named_bool("fallocate", d.fallocate);
    let _ = w.named_bool("nowait", d.nowait);
    let _ = w.object_end();
    0
}

unsafe extern "C" fn write_config_json(bdev: *mut spdk_bdev, w: *mut spdk_json_write_ctx) {
    let Some(w) = writer_mut(w) else { return };
    let d = &*(*bdev).ctxt.cast::<FileDisk>();
    let b = &*bdev;
    let _ = w.object_begin();
    let _ = w.named_string("method", "bdev_aio_create");
    let _ = w.named_object_begin("params");
    let _ = w.named_string("name", b.name_bytes());
    if d.block_size_override {
        let _ = w.named_uint64("block_size", b.blocklen as u64);
    }
    let _ = w.named_string("filename", d.filename.as_bytes());
    let _ = w.named_bool("readonly", d.readonly);
    let _ = w.named_bool("fallocate", d.fallocate);
    if b.uuid.u.raw != [0; 16] {
        let _ = w.name("uuid");
        let _ = w.uuid(&b.uuid.u.raw);
    }
    let _ = w.named_bool("nowait", d.nowait);
    let _ = w.object_end();
    let _ = w.object_end();
}
