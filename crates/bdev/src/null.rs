//! The null bdev module (SPDK's module/bdev/null): bdevs that store
//! nothing. Reads return zeroes when the caller gives no buffer (the data
//! buffers are left alone otherwise), writes are dropped. I/O completes
//! from a per-channel poller on the next poll, as SPDK's does.

use std::ffi::{c_char, c_int, c_void, CString};
use std::ptr;
use std::sync::Mutex;

use ::spdk_thread::channel::IoChannel;
use ::spdk_thread::ffi::thread::{
    spdk_get_io_channel, spdk_io_channel, spdk_io_device_register, spdk_io_device_unregister,
    spdk_poller, spdk_poller_register_named, spdk_poller_unregister,
};
use spdk_json::ffi::json::{spdk_json_write_ctx, writer_mut};
use spdk_util::ffi::uuid::spdk_uuid;

use crate::core;
use crate::ffi::bdev::spdk_bdev_io_type;
use crate::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_fn_table, spdk_bdev_io, spdk_bdev_io_complete, spdk_bdev_module,
    spdk_bdev_module_internal_fields, spdk_bdev_unregister_cb, IoStatusArg,
};

/// Parameters of bdev_null_create.
#[derive(Clone, Debug, Default)]
pub struct NullOpts {
    pub name: String,
    pub uuid: Option<[u8; 16]>,
    pub num_blocks: u64,
    pub block_size: u32,
    pub physical_block_size: u32,
    pub md_size: u32,
    pub dif_type: i32,
    pub dif_is_head_of_md: bool,
    pub dif_pi_format: u32,
    pub preferred_write_alignment: u32,
    pub preferred_write_granularity: u32,
    pub optimal_write_size: u32,
    pub preferred_unmap_alignment: u32,
    pub preferred_unmap_granularity: u32,
}

#[repr(C)]
struct NullBdev {
    bdev: spdk_bdev,
    name: CString,
}

/// Per-I/O context: the pending-queue link.
#[repr(C)]
struct NullIo {
    next: *mut spdk_bdev_io,
}

#[repr(C)]
struct NullChannel {
    poller: *mut spdk_poller,
    head: *mut spdk_bdev_io,
    tail: *mut spdk_bdev_io,
}

struct ModuleCell(std::cell::UnsafeCell<spdk_bdev_module>);
// SAFETY: the module struct is written by the library only during init/fini.
unsafe impl Sync for ModuleCell {}

static NULL_MODULE: ModuleCell = ModuleCell(std::cell::UnsafeCell::new(spdk_bdev_module {
    module_init: Some(null_init),
    init_complete: None,
    fini_start: None,
    module_fini: Some(null_fini),
    config_json: None,
    name: c"null".as_ptr(),
    get_ctx_size: Some(null_ctx_size),
    examine_config: None,
    examine_disk: None,
    async_init: false,
    async_fini: false,
    async_fini_start: false,
    internal: spdk_bdev_module_internal_fields::new(),
}));

static FN_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(null_destruct),
    submit_request: Some(null_submit),
    io_type_supported: Some(null_io_type_supported),
    get_io_channel: Some(null_get_io_channel),
    dump_info_json: None,
    write_config_json: Some(null_write_config_json),
    get_spin_time: None,
    get_module_ctx: None,
    get_memory_domains: None,
    reset_device_stat: None,
    dump_device_stat_json: None,
    accel_sequence_supported: None,
};

static NULL_DEV: u8 = 0;
static NAMES: Mutex<Vec<usize>> = Mutex::new(Vec::new());

/// Zeroes handed out for reads without a buffer (SPDK's null module does the same).
static ZERO_BUF: [u8; 128 * 1024] = [0; 128 * 1024];

fn dev() -> *mut c_void {
    ptr::addr_of!(NULL_DEV) as *mut c_void
}

pub fn module() -> *mut spdk_bdev_module {
    NULL_MODULE.0.get()
}

/// Adds the null module to the bdev module list.
pub fn register_module() {
    // SAFETY: a static module with a static name.
    unsafe { core::module_add(module()) };
}

unsafe extern "C" fn null_ctx_size() -> c_int {
    std::mem::size_of::<NullIo>() as c_int
}

unsafe extern "C" fn null_init() -> c_int {
    spdk_io_device_register(
        dev(),
        Some(null_ch_create),
        Some(null_ch_destroy),
        std::mem::size_of::<NullChannel>() as u32,
        c"null_bdev".as_ptr(),
    );
    0
}

unsafe extern "C" fn null_fini() {
    spdk_io_device_unregister(dev(), None);
}

unsafe extern "C" fn null_ch_create(_dev: *mut c_void, ctx: *mut c_void) -> c_int {
    let ch = ctx.cast::<NullChannel>();
    ch.write(NullChannel {
        poller: ptr::null_mut(),
        head: ptr::null_mut(),
        tail: ptr::null_mut(),
    });
    (*ch).poller =
        spdk_poller_register_named(Some(null_poll), ch.cast(), 0, c"null_io_poll".as_ptr());
    if (*ch).poller.is_null() {
        return -libc::ENOMEM;
    }
    0
}

unsafe extern "C" fn null_ch_destroy(_dev: *mut c_void, ctx: *mut c_void) {
    let ch = ctx.cast::<NullChannel>();
    spdk_poller_unregister(&mut (*ch).poller);
}

unsafe extern "C" fn null_poll(arg: *mut c_void) -> c_int {
    let ch = arg.cast::<NullChannel>();
    let mut io = (*ch).head;
    if io.is_null() {
        return 0;
    }
    (*ch).head = ptr::null_mut();
    (*ch).tail = ptr::null_mut();
    let mut n = 0;
    while !io.is_null() {
        let next = (*(*io).driver_ctx.as_mut_ptr().cast::<NullIo>()).next;
        spdk_bdev_io_complete(io, IoStatusArg(1));
        io = next;
        n += 1;
    }
    n
}

unsafe extern "C" fn null_get_io_channel(_ctx: *mut c_void) -> *mut spdk_io_channel {
    spdk_get_io_channel(dev())
}

unsafe extern "C" fn null_io_type_supported(_ctx: *mut c_void, t: spdk_bdev_io_type) -> bool {
    use spdk_bdev_io_type::*;
    matches!(
        t,
        SPDK_BDEV_IO_TYPE_READ
            | SPDK_BDEV_IO_TYPE_WRITE
            | SPDK_BDEV_IO_TYPE_WRITE_ZEROES
            | SPDK_BDEV_IO_TYPE_RESET
            | SPDK_BDEV_IO_TYPE_ABORT
    )
}

unsafe extern "C" fn null_submit(ioch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let ch = IoChannel::ctx(ioch.cast()).cast::<NullChannel>();
    match (*io).r#type {
        // read, write, write_zeroes, reset
        1 => {
            let p = &mut (*io).u.bdev;
            if p.iovcnt == 1 && (*p.iovs).iov_base.is_null() {
                let len = (*p.iovs).iov_len;
                if len > ZERO_BUF.len() {
                    spdk_log::errlog!(
                        "Overflow occurred. Read I/O size {} was larger than permitted {}",
                        len,
                        ZERO_BUF.len()
                    );
                    spdk_bdev_io_complete(io, IoStatusArg(-1));
                    return;
                }
                (*p.iovs).iov_base = ZERO_BUF.as_ptr() as *mut c_void;
            }
        }
        2 | 9 | 5 => {}
        // abort: the target may still wait in this channel's queue
        16 => {
            let found = unqueue(ch, (*io).u.abort.bio_to_abort);
            if found {
                spdk_bdev_io_complete((*io).u.abort.bio_to_abort, IoStatusArg(-7));
            }
            spdk_bdev_io_complete(io, IoStatusArg(if found { 1 } else { -1 }));
            return;
        }
        _ => {
            spdk_bdev_io_complete(io, IoStatusArg(-1));
            return;
        }
    }
    let ctx = (*io).driver_ctx.as_mut_ptr().cast::<NullIo>();
    (*ctx).next = ptr::null_mut();
    if (*ch).tail.is_null() {
        (*ch).head = io;
    } else {
        (*(*(*ch).tail).driver_ctx.as_mut_ptr().cast::<NullIo>()).next = io;
    }
    (*ch).tail = io;
}

#[inline]
unsafe fn next_of(io: *mut spdk_bdev_io) -> *mut *mut spdk_bdev_io {
    ptr::addr_of_mut!((*(*io).driver_ctx.as_mut_ptr().cast::<NullIo>()).next)
}

/// Takes `target` out of the channel's completion queue; false when it is
/// not there (already completed, or another channel's).
unsafe fn unqueue(ch: *mut NullChannel, target: *mut spdk_bdev_io) -> bool {
    let mut prev: *mut spdk_bdev_io = ptr::null_mut();
    let mut it = (*ch).head;
    while !it.is_null() {
        if it == target {
            let next = *next_of(it);
            if prev.is_null() {
                (*ch).head = next;
            } else {
                *next_of(prev) = next;
            }
            if (*ch).tail == it {
                (*ch).tail = prev;
            }
            return true;
        }
        prev = it;
        it = *next_of(it);
    }
    false
}

unsafe extern "C" fn null_destruct(ctx: *mut c_void) -> c_int {
    let nb = ctx.cast::<NullBdev>();
    NAMES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|p| *p != nb as usize);
    drop(Box::from_raw(nb));
    0
}

unsafe extern "C" fn null_write_config_json(bdev: *mut spdk_bdev, w: *mut spdk_json_write_ctx) {
    let Some(w) = writer_mut(w) else { return };
    let b = &*bdev;
    let _ = w.object_begin();
    let _ = w.named_string("method", "bdev_null_create");
    let _ = w.named_object_begin("params");
    let _ = w.named_string("name", b.name_bytes());
    let _ = w.named_uint64("num_blocks", b.blockcnt);
    let _ = w.named_uint64("block_size", b.blocklen as u64);
    let _ = w.named_uint64("physical_block_size", b.phys_blocklen as u64);
    let _ = w.named_uint64("md_size", b.md_len as u64);
    let _ = w.named_uint64("dif_type", b.dif_type as u64);
    let _ = w.named_bool(
        "dif_is_head_of_md",
        b.flags & crate::ffi::bdev_module::BDEV_FLAG_DIF_IS_HEAD_OF_MD != 0,
    );
    let _ = w.named_uint64("dif_pi_format", b.dif_pi_format as u64);
    let _ = w.name("uuid");
    let _ = w.uuid(&b.uuid.u.raw);
    let _ = w.named_uint64(
        "preferred_write_granularity",
        b.preferred_write_granularity as u64,
    );
    let _ = w.named_uint64(
        "preferred_write_alignment",
        b.preferred_write_alignment as u64,
    );
    let _ = w.named_uint64("optimal_write_size", b.optimal_write_size as u64);
    let _ = w.named_uint64(
        "preferred_unmap_granularity",
        b.preferred_unmap_granularity as u64,
    );
    let _ = w.named_uint64(
        "preferred_unmap_alignment",
        b.preferred_unmap_alignment as u64,
    );
    let _ = w.object_end();
    let _ = w.object_end();
}

/// Creates a null bdev (SPDK's bdev_null_create); returns the new bdev.
pub fn create(o: &NullOpts) -> Result<*mut spdk_bdev, c_int> {
    if o.md_size != 0 {
        // Metadata (and so DIF) needs the DIF library, not provided yet.
        spdk_log::errlog!("metadata size {} is not supported", o.md_size);
        return Err(-libc::EINVAL);
    }
    if o.dif_type != 0 {
        spdk_log::errlog!("dif_type {} is not supported without metadata", o.dif_type);
        return Err(-libc::EINVAL);
    }
    if !o.block_size.is_multiple_of(512) {
        spdk_log::errlog!("Data block size {} is not a multiple of 512.", o.block_size);
        return Err(-libc::EINVAL);
    }
    if o.block_size == 0 {
        spdk_log::errlog!("Data block size {} is not a multiple of 512.", o.block_size);
        return Err(-libc::EINVAL);
    }
    if !o.physical_block_size.is_multiple_of(512) {
        spdk_log::errlog!("Physical block must be 512 bytes aligned");
        return Err(-libc::EINVAL);
    }
    if o.num_blocks == 0 {
        spdk_log::errlog!("Disk must be more than 0 blocks");
        return Err(-libc::EINVAL);
    }
    let name = CString::new(o.name.as_bytes()).map_err(|_| -libc::EINVAL)?;
    let mut nb = Box::new(NullBdev {
        bdev: spdk_bdev::zeroed(),
        name,
    });
    let b = &mut nb.bdev;
    b.name = nb.name.as_ptr() as *mut c_char;
    b.product_name = c"Null disk".as_ptr() as *mut c_char;
    b.write_cache = 0;
    b.blocklen = o.block_size;
    b.phys_blocklen = if o.physical_block_size != 0 {
        o.physical_block_size
    } else {
        o.block_size
    };
    b.blockcnt = o.num_blocks;
    b.preferred_write_alignment = o.preferred_write_alignment;
    b.preferred_write_granularity = o.preferred_write_granularity;
    b.optimal_write_size = o.optimal_write_size;
    b.preferred_unmap_alignment = o.preferred_unmap_alignment;
    b.preferred_unmap_granularity = o.preferred_unmap_granularity;
    if let Some(u) = o.uuid {
        b.uuid = spdk_uuid {
            u: spdk_util::ffi::uuid::spdk_uuid_u { raw: u },
        };
    }
    b.module = module();
    b.fn_table = &FN_TABLE;
    let raw = Box::into_raw(nb);
    // SAFETY: raw is a fresh NullBdev; its bdev is its first field.
    unsafe {
        (*raw).bdev.ctxt = raw.cast();
        let rc = core::register(ptr::addr_of_mut!((*raw).bdev));
        if rc != 0 {
            drop(Box::from_raw(raw));
            return Err(rc);
        }
    }
    NAMES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(raw as usize);
    // SAFETY: registered; lives until destruct.
    Ok(unsafe { ptr::addr_of_mut!((*raw).bdev) })
}

/// Deletes the null bdev `name` (SPDK's bdev_null_delete); `cb(arg, rc)`
/// when done. -ENODEV when there is no such null bdev.
///
/// # Safety
/// Called on an SPDK thread; `arg` is what `cb` expects.
pub unsafe fn delete(
    name: &[u8],
    cb: spdk_bdev_unregister_cb,
    arg: *mut c_void,
) -> Result<(), c_int> {
    let b = core::find(name);
    if b.is_null() || (*b).module != module() {
        return Err(-libc::ENODEV);
    }
    core::unregister(b, cb, arg);
    Ok(())
}
