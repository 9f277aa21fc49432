//! One uring bdev: its file, creation with SPDK's checks, the function
//! table the bdev layer calls, delete and hot removal.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};

use ::spdk_bdev::core;
use ::spdk_bdev::ffi::bdev::spdk_bdev_io_type;
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_fn_table, spdk_bdev_io, spdk_bdev_io_complete, spdk_bdev_io_get_buf,
    spdk_bdev_unregister_cb, IoStatusArg,
};
use io_uring::{opcode, types};
use spdk_json::ffi::json::{spdk_json_write_ctx, writer_mut};
use spdk_thread::ffi::thread::{
    spdk_get_io_channel, spdk_io_channel, spdk_io_device_register, spdk_io_device_unregister,
    spdk_thread_get_app_thread, spdk_thread_send_msg,
};
use spdk_util::ffi::fd::{spdk_fd_get_blocklen, spdk_fd_get_size};

use crate::channel::{self, UringChannel, UringTask};

/// Parameters of bdev_uring_create.
#[derive(Clone, Debug, Default)]
pub struct UringOpts {
    pub name: String,
    pub filename: String,
    /// 0: the device's logical block size.
    pub block_size: u32,
    pub uuid: Option<[u8; 16]>,
}

/// A uring bdev; `bdev` is first so the bdev and its context share an address.
#[repr(C)]
pub struct UringDisk {
    bdev: spdk_bdev,
    name: CString,
    filename: CString,
    pub fd: c_int,
    hot_remove_in_progress: AtomicBool,
}

impl UringDisk {
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

const STATUS_FAILED: c_int = -1;

fn errno() -> c_int {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

fn open_flags(path: &CStr, flags: c_int) -> Result<c_int, c_int> {
    // SAFETY: a C string path.
    let fd = unsafe { libc::open(path.as_ptr(), flags) };
    if fd < 0 {
        Err(-errno())
    } else {
        Ok(fd)
    }
}

const OPEN_FLAGS: c_int = libc::O_RDWR | libc::O_NOATIME | libc::O_CLOEXEC;

/// open() with O_DIRECT, or without it where the file refuses it (as
/// SPDK does for files on file systems without direct I/O).
fn open_file(path: &CStr) -> Result<(c_int, bool), c_int> {
    match open_flags(path, OPEN_FLAGS | libc::O_DIRECT) {
        Ok(fd) => Ok((fd, true)),
        Err(_) => open_flags(path, OPEN_FLAGS).map(|fd| (fd, false)),
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

/// Creates a uring bdev (SPDK's create_uring_bdev); returns it. Errors are
/// logged with their reason (SPDK's RPC reports them all alike).
pub fn create(o: &UringOpts) -> Result<*mut spdk_bdev, c_int> {
    let name = CString::new(o.name.as_bytes()).map_err(|_| -libc::EINVAL)?;
    let filename = CString::new(o.filename.as_bytes()).map_err(|_| -libc::EINVAL)?;
    let tag = format!("{}: {}", o.name, o.filename);
    // Without io_uring no channel could ever be had: refuse now.
    if let Err(e) = channel::new_ring(2) {
        let rc = e.raw_os_error().unwrap_or(libc::ENOSYS);
        spdk_log::errlog!(
            "[{}] io_uring is not available here: {}",
            tag,
            spdk_util::string::strerror_message(rc)
        );
        return Err(-rc);
    }
    let (mut fd, direct) = match open_file(&filename) {
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
    let size = spdk_fd_get_size(fd);
    let detected = spdk_fd_get_blocklen(fd);
    let block_size = if o.block_size == 0 {
        if detected == 0 {
            spdk_log::errlog!("[{}] Block size could not be auto-detected", tag);
            return fail(fd, -libc::EINVAL);
        }
        detected
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
            spdk_log::warnlog!(
                "[{}] Specified block size {} does not match auto-detected block size {}",
                tag,
                o.block_size,
                detected
            );
        }
        o.block_size
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
    if !size.is_multiple_of(block_size as u64) {
        spdk_log::errlog!(
            "[{}] Disk size {} is not a multiple of block size {}",
            tag,
            size,
            block_size
        );
        return fail(fd, -libc::EINVAL);
    }
    if direct {
        // Direct I/O at offsets that are not multiples of the file's
        // alignment fails: use the page cache for such block sizes.
        if let Some(a) = dio_offset_align(fd) {
            if a == 0 || !block_size.is_multiple_of(a) {
                match open_flags(&filename, OPEN_FLAGS) {
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
    let mut d = Box::new(UringDisk {
        bdev: spdk_bdev::zeroed(),
        name,
        filename,
        fd,
        hot_remove_in_progress: AtomicBool::new(false),
    });
    let b = &mut d.bdev;
    b.name = d.name.as_ptr() as *mut c_char;
    b.product_name = c"URING bdev".as_ptr() as *mut c_char;
    b.module = crate::module();
    b.write_cache = 0;
    b.blocklen = block_size;
    b.required_alignment = block_size.trailing_zeros() as u8;
    b.blockcnt = size / block_size as u64;
    if let Some(u) = o.uuid {
        b.uuid.u.raw = u;
    }
    b.fn_table = &FN_TABLE;
    let raw = Box::into_raw(d);
    // SAFETY: a fresh disk; its io_device exists before the bdev is visible.
    unsafe {
        (*raw).bdev.ctxt = raw.cast();
        spdk_io_device_register(
            raw.cast(),
            Some(channel::channel_create),
            Some(channel::channel_destroy),
            std::mem::size_of::<UringChannel>() as u32,
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

/// Deletes the uring bdev `name` (SPDK's delete_uring_bdev); `cb(arg, rc)`
/// when done. -ENODEV when there is no such uring bdev.
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
pub(crate) unsafe fn try_hot_remove(u: *mut UringDisk) {
    if (*u).hot_remove_in_progress.swap(true, Ordering::Relaxed) {
        return;
    }
    spdk_log::errlog!(
        "[{}] hot-remove detected, unregistering bdev...",
        (*u).log_name()
    );
    let name = Box::into_raw(Box::new((*u).name.clone()));
    let t = spdk_thread_get_app_thread();
    if t.is_null() || spdk_thread_send_msg(t, Some(hot_remove_msg), name.cast()) != 0 {
        drop(Box::from_raw(name));
        (*u).hot_remove_in_progress.store(false, Ordering::Relaxed);
    }
}

unsafe extern "C" fn free_disk(dev: *mut c_void) {
    let d = Box::from_raw(dev.cast::<UringDisk>());
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

unsafe extern "C" fn io_type_supported(_ctx: *mut c_void, t: spdk_bdev_io_type) -> bool {
    use spdk_bdev_io_type::*;
    matches!(t, SPDK_BDEV_IO_TYPE_READ | SPDK_BDEV_IO_TYPE_WRITE)
}

unsafe extern "C" fn submit_request(_ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    match (*io).r#type {
        // read, write: a read without a buffer gets one first.
        1 | 2 => {
            let len = (*io).u.bdev.num_blocks * (*(*io).bdev).blocklen as u64;
            spdk_bdev_io_get_buf(io, Some(rw_with_buf), len);
        }
        _ => spdk_bdev_io_complete(io, IoStatusArg(STATUS_FAILED)),
    }
}

unsafe extern "C" fn rw_with_buf(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io, ok: bool) {
    if !ok {
        spdk_bdev_io_complete(io, IoStatusArg(STATUS_FAILED));
        return;
    }
    let u = (*(*io).bdev).ctxt.cast::<UringDisk>();
    let bs = (*(*io).bdev).blocklen as u64;
    let p = &(*io).u.bdev;
    let fd = types::Fd((*u).fd);
    let iovcnt = p.iovcnt.max(0) as u32;
    let off = p.offset_blocks * bs;
    let sqe = if (*io).r#type == 1 {
        opcode::Readv::new(fd, p.iovs, iovcnt).offset(off).build()
    } else {
        opcode::Writev::new(fd, p.iovs, iovcnt).offset(off).build()
    };
    (*(*io).driver_ctx.as_mut_ptr().cast::<UringTask>()).len = p.num_blocks * bs;
    channel::queue(ch, io, sqe);
}

// ---- JSON ----

unsafe extern "C" fn dump_info_json(ctx: *mut c_void, w: *mut spdk_json_write_ctx) -> c_int {
    let Some(w) = writer_mut(w) else {
        return -libc::EINVAL;
    };
    let d = &*ctx.cast::<UringDisk>();
    let _ = w.named_object_begin("uring");
    let _ = w.named_string("filename", d.filename.as_bytes());
    let _ = w.object_end();
    0
}

unsafe extern "C" fn write_config_json(bdev: *mut spdk_bdev, w: *mut spdk_json_write_ctx) {
    let Some(w) = writer_mut(w) else { return };
    let d = &*(*bdev).ctxt.cast::<UringDisk>();
    let b = &*bdev;
    let _ = w.object_begin();
    let _ = w.named_string("method", "bdev_uring_create");
    let _ = w.named_object_begin("params");
    let _ = w.named_string("name", b.name_bytes());
    let _ = w.named_uint64("block_size", b.blocklen as u64);
    let _ = w.named_string("filename", d.filename.as_bytes());
    let _ = w.name("uuid");
    let _ = w.uuid(&b.uuid.u.raw);
    let _ = w.object_end();
    let _ = w.object_end();
}
