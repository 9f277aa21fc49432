//! One uring bdev: its file, creation with SPDK's checks, the function
//! table the bdev layer calls, delete and hot removal.

use std::ffi::{c_int, c_void};

use ::spdk_bdev::ffi::bdev::spdk_bdev_io_type;
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_fn_table, spdk_bdev_io, spdk_bdev_io_complete, spdk_bdev_io_get_buf,
    spdk_bdev_unregister_cb, IoStatusArg,
};
use io_uring::{opcode, types};
use spdk_bdev_file::{BackingFile, DiskKind, FileDisk};
use spdk_json::ffi::json::{spdk_json_write_ctx, writer_mut};
use spdk_thread::ffi::thread::spdk_io_channel;

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

/// A uring bdev (nothing besides its file).
pub type UringDisk = FileDisk<()>;

static FN_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(spdk_bdev_file::destruct::<()>),
    submit_request: Some(submit_request),
    io_type_supported: Some(io_type_supported),
    get_io_channel: Some(spdk_bdev_file::get_io_channel),
    dump_info_json: Some(dump_info_json),
    write_config_json: Some(write_config_json),
    get_spin_time: None,
    get_module_ctx: None,
    get_memory_domains: None,
    reset_device_stat: None,
    dump_device_stat_json: None,
    accel_sequence_supported: None,
};

static KIND: DiskKind = DiskKind {
    module: crate::module,
    product: c"URING bdev",
    fn_table: &FN_TABLE,
    write_cache: false,
    ch_create: Some(channel::channel_create),
    ch_destroy: Some(channel::channel_destroy),
    ch_size: std::mem::size_of::<UringChannel>() as u32,
};

const STATUS_FAILED: c_int = -1;

/// Creates a uring bdev (SPDK's create_uring_bdev); returns it. Errors are
/// logged with their reason (SPDK's RPC reports them all alike).
pub fn create(o: &UringOpts) -> Result<*mut spdk_bdev, c_int> {
    let mut f = BackingFile::new(&o.name, &o.filename)?;
    // Without io_uring no channel could ever be had: refuse now.
    if let Err(e) = channel::new_ring(2) {
        let rc = e.raw_os_error().unwrap_or(libc::ENOSYS);
        spdk_log::errlog!(
            "[{}] io_uring is not available here: {}",
            f.log_name(),
            spdk_util::string::strerror_message(rc)
        );
        return Err(-rc);
    }
    f.open(libc::O_RDWR | libc::O_NOATIME | libc::O_CLOEXEC)?;
    f.set_block_size(o.block_size)?;
    let align = f.block_size.trailing_zeros();
    UringDisk::register(f, (), &KIND, align, o.uuid)
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
    spdk_bdev_file::delete(crate::module(), name, cb, arg)
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
    let fd = types::Fd((*u).file.fd);
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
    let _ = w.named_string("filename", d.file.filename.as_bytes());
    let _ = w.object_end();
    0
}

unsafe extern "C" fn write_config_json(bdev: *mut spdk_bdev, w: *mut spdk_json_write_ctx) {
    let Some(w) = writer_mut(w) else { return };
    let d = &*(*bdev).ctxt.cast::<UringDisk>();
    let b = &*bdev;
    spdk_bdev_file::write_config(w, "bdev_uring_create", b, |w| {
        let _ = w.named_uint64("block_size", b.blocklen as u64);
        let _ = w.named_string("filename", d.file.filename.as_bytes());
        let _ = w.name("uuid");
        let _ = w.uuid(&b.uuid.u.raw);
    });
}
