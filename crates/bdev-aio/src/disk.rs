//! One aio bdev: its file, creation with SPDK's checks, the function table
//! the bdev layer calls, reset, delete and hot removal.

use std::ffi::{c_int, c_void};
use std::ptr;

use ::spdk_bdev::ffi::bdev::spdk_bdev_io_type;
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_fn_table, spdk_bdev_io, spdk_bdev_io_complete,
    spdk_bdev_io_complete_aio_status, spdk_bdev_io_get_buf, spdk_bdev_unregister_cb, IoStatusArg,
};
use spdk_bdev_file::{errno, BackingFile, DiskKind, FileDisk};
use spdk_json::ffi::json::{spdk_json_write_ctx, writer_mut};
use spdk_thread::ffi::thread::{
    spdk_for_each_channel, spdk_for_each_channel_continue, spdk_io_channel, spdk_io_channel_iter,
    spdk_io_channel_iter_get_channel, spdk_io_channel_iter_get_ctx, spdk_poller,
    spdk_poller_register_named, spdk_poller_unregister,
};

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

/// An aio bdev.
pub type AioDisk = FileDisk<AioState>;

/// What an aio bdev has besides its file.
pub struct AioState {
    readonly: bool,
    fallocate: bool,
    nowait: bool,
    reset_io: *mut spdk_bdev_io,
    reset_timer: *mut spdk_poller,
}

static FN_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(spdk_bdev_file::destruct::<AioState>),
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
    product: c"AIO disk",
    fn_table: &FN_TABLE,
    write_cache: true,
    ch_create: Some(channel::channel_create),
    ch_destroy: Some(channel::channel_destroy),
    ch_size: std::mem::size_of::<AioChannel>() as u32,
};

const STATUS_SUCCESS: c_int = 1;
const STATUS_FAILED: c_int = -1;

/// Creates an aio bdev (SPDK's create_aio_bdev); returns it.
pub fn create(o: &AioOpts) -> Result<*mut spdk_bdev, c_int> {
    let mut f = BackingFile::new(&o.name, &o.filename)?;
    f.open(
        if o.readonly {
            libc::O_RDONLY
        } else {
            libc::O_RDWR
        } | libc::O_CLOEXEC,
    )?;
    if o.nowait && !f.is_block_device() {
        spdk_log::errlog!(
            "[{}] Device is not block device; do not enable nowait usage.",
            f.log_name()
        );
        return Err(-libc::ENOTSUP);
    }
    f.set_block_size(o.block_size)?;
    // A block size given above the device's still takes the device's
    // alignment.
    let align = if f.block_size_override && f.detected_block_size != 0 {
        f.detected_block_size
    } else {
        f.block_size
    };
    let state = AioState {
        readonly: o.readonly,
        fallocate: o.fallocate,
        nowait: o.nowait,
        reset_io: ptr::null_mut(),
        reset_timer: ptr::null_mut(),
    };
    AioDisk::register(f, state, &KIND, align.trailing_zeros(), o.uuid)
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
    spdk_bdev_file::delete(crate::module(), name, cb, arg)
}

unsafe extern "C" fn io_type_supported(ctx: *mut c_void, t: spdk_bdev_io_type) -> bool {
    use spdk_bdev_io_type::*;
    match t {
        SPDK_BDEV_IO_TYPE_READ
        | SPDK_BDEV_IO_TYPE_WRITE
        | SPDK_BDEV_IO_TYPE_FLUSH
        | SPDK_BDEV_IO_TYPE_RESET => true,
        SPDK_BDEV_IO_TYPE_UNMAP | SPDK_BDEV_IO_TYPE_WRITE_ZEROES => {
            (*ctx.cast::<AioDisk>()).ext.fallocate
        }
        _ => false,
    }
}

#[inline]
unsafe fn task_of(io: *mut spdk_bdev_io) -> *mut AioTask {
    (*io).driver_ctx.as_mut_ptr().cast()
}

unsafe extern "C" fn submit_request(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let fdisk = (*(*io).bdev).ctxt.cast::<AioDisk>();
    let len = (*io).u.bdev.num_blocks * (*(*io).bdev).blocklen as u64;
    match (*io).r#type {
        // read, write: a read without a buffer gets one first.
        1 => spdk_bdev_io_get_buf(io, Some(rw_with_buf), len),
        2 if (*fdisk).ext.readonly => spdk_bdev_io_complete(io, IoStatusArg(STATUS_FAILED)),
        2 => spdk_bdev_io_get_buf(io, Some(rw_with_buf), len),
        // flush
        4 => {
            let task = task_of(io);
            (*task).iocb = Iocb {
                aio_lio_opcode: sys::IOCB_CMD_FSYNC,
                aio_fildes: (*fdisk).file.fd as u32,
                ..Iocb::default()
            };
            (*task).len = 0;
            channel::submit(ch, io, task);
        }
        // reset
        5 => {
            (*fdisk).ext.reset_io = io;
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
    let fdisk = (*(*io).bdev).ctxt.cast::<AioDisk>();
    let bs = (*(*io).bdev).blocklen as u64;
    let p = &(*io).u.bdev;
    let task = task_of(io);
    (*task).iocb = Iocb {
        aio_lio_opcode: if (*io).r#type == 1 {
            sys::IOCB_CMD_PREADV
        } else {
            sys::IOCB_CMD_PWRITEV
        },
        aio_fildes: (*fdisk).file.fd as u32,
        aio_buf: p.iovs as u64,
        aio_nbytes: p.iovcnt.max(0) as u64,
        aio_offset: (p.offset_blocks * bs) as i64,
        aio_rw_flags: if (*fdisk).ext.nowait {
            sys::RWF_NOWAIT
        } else {
            0
        },
        ..Iocb::default()
    };
    (*task).len = p.num_blocks * bs;
    channel::submit(ch, io, task);
}

/// Unmap and write_zeroes: fallocate() in place, as SPDK does.
unsafe fn falloc(fdisk: *mut AioDisk, io: *mut spdk_bdev_io, mode: c_int) {
    if !(*fdisk).ext.fallocate {
        spdk_bdev_io_complete_aio_status(io, -libc::ENOTSUP);
        return;
    }
    let bs = (*(*io).bdev).blocklen as u64;
    let p = &(*io).u.bdev;
    let rc = libc::fallocate(
        (*fdisk).file.fd,
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

unsafe fn reset_check(fdisk: *mut AioDisk) {
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
    let fdisk = spdk_io_channel_iter_get_ctx(i).cast::<AioDisk>();
    if status == -1 {
        (*fdisk).ext.reset_timer = spdk_poller_register_named(
            Some(reset_retry),
            fdisk.cast(),
            500,
            c"bdev_aio_reset_retry_timer".as_ptr(),
        );
        if !(*fdisk).ext.reset_timer.is_null() {
            return;
        }
    }
    let io = std::mem::replace(&mut (*fdisk).ext.reset_io, ptr::null_mut());
    if !io.is_null() {
        spdk_bdev_io_complete(io, IoStatusArg(STATUS_SUCCESS));
    }
}

unsafe extern "C" fn reset_retry(arg: *mut c_void) -> c_int {
    let fdisk = arg.cast::<AioDisk>();
    spdk_poller_unregister(&mut (*fdisk).ext.reset_timer);
    reset_check(fdisk);
    1
}

// ---- JSON ----

unsafe extern "C" fn dump_info_json(ctx: *mut c_void, w: *mut spdk_json_write_ctx) -> c_int {
    let Some(w) = writer_mut(w) else {
        return -libc::EINVAL;
    };
    let d = &*ctx.cast::<AioDisk>();
    let _ = w.named_object_begin("aio");
    let _ = w.named_string("filename", d.file.filename.as_bytes());
    let _ = w.named_bool("block_size_override", d.file.block_size_override);
    let _ = w.named_bool("readonly", d.ext.readonly);
    let _ = w.named_bool("fallocate", d.ext.fallocate);
    let _ = w.named_bool("nowait", d.ext.nowait);
    let _ = w.object_end();
    0
}

unsafe extern "C" fn write_config_json(bdev: *mut spdk_bdev, w: *mut spdk_json_write_ctx) {
    let Some(w) = writer_mut(w) else { return };
    let d = &*(*bdev).ctxt.cast::<AioDisk>();
    let b = &*bdev;
    spdk_bdev_file::write_config(w, "bdev_aio_create", b, |w| {
        if d.file.block_size_override {
            let _ = w.named_uint64("block_size", b.blocklen as u64);
        }
        let _ = w.named_string("filename", d.file.filename.as_bytes());
        let _ = w.named_bool("readonly", d.ext.readonly);
        let _ = w.named_bool("fallocate", d.ext.fallocate);
        if b.uuid.u.raw != [0; 16] {
            let _ = w.name("uuid");
            let _ = w.uuid(&b.uuid.u.raw);
        }
        let _ = w.named_bool("nowait", d.ext.nowait);
    });
}
