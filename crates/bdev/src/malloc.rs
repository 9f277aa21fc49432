//! The malloc bdev module (SPDK's module/bdev/malloc): RAM disks in DMA
//! memory. Data is copied in submit_request; completions are delivered by
//! a per-channel poller on its next run, as SPDK's (which copies through
//! the accel framework) does. Reads without a buffer point into the disk.

use std::ffi::{c_char, c_int, c_void, CString};
use std::ptr;
use std::sync::atomic::{AtomicU32, Ordering};

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
    BDEV_FLAG_SPLIT_ON_OPTIMAL_IO_BOUNDARY,
};

/// Parameters of bdev_malloc_create.
#[derive(Clone, Debug, Default)]
pub struct MallocOpts {
    /// None: "Malloc<N>".
    pub name: Option<String>,
    pub uuid: Option<[u8; 16]>,
    pub num_blocks: u64,
    pub block_size: u32,
    pub physical_block_size: u32,
    pub optimal_io_boundary: u32,
    pub md_size: u32,
}

#[repr(C)]
struct MallocDisk {
    bdev: spdk_bdev,
    name: CString,
    data: *mut u8,
}

#[repr(C)]
struct MallocIo {
    next: *mut spdk_bdev_io,
}

#[repr(C)]
struct MallocChannel {
    poller: *mut spdk_poller,
    head: *mut spdk_bdev_io,
    tail: *mut spdk_bdev_io,
}

struct ModuleCell(std::cell::UnsafeCell<spdk_bdev_module>);
// SAFETY: the module struct is written by the library only during init/fini.
unsafe impl Sync for ModuleCell {}

static MALLOC_MODULE: ModuleCell = ModuleCell(std::cell::UnsafeCell::new(spdk_bdev_module {
    module_init: Some(malloc_init),
    init_complete: None,
    fini_start: None,
    module_fini: Some(malloc_fini),
    config_json: None,
    name: c"malloc".as_ptr(),
    get_ctx_size: Some(malloc_ctx_size),
    examine_config: None,
    examine_disk: None,
    async_init: false,
    async_fini: false,
    async_fini_start: false,
    internal: spdk_bdev_module_internal_fields::new(),
}));

static FN_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(malloc_destruct),
    submit_request: Some(malloc_submit),
    io_type_supported: Some(malloc_io_type_supported),
    get_io_channel: Some(malloc_get_io_channel),
    dump_info_json: None,
    write_config_json: Some(malloc_write_config_json),
    get_spin_time: None,
    get_module_ctx: None,
    get_memory_domains: None,
    reset_device_stat: None,
    dump_device_stat_json: None,
    accel_sequence_supported: None,
};

static MALLOC_DEV: u8 = 0;
static DISK_COUNT: AtomicU32 = AtomicU32::new(0);

fn dev() -> *mut c_void {
    ptr::addr_of!(MALLOC_DEV) as *mut c_void
}

pub fn module() -> *mut spdk_bdev_module {
    MALLOC_MODULE.0.get()
}

/// Adds the malloc module to the bdev module list.
pub fn register_module() {
    // SAFETY: a static module with a static name.
    unsafe { core::module_add(module()) };
}

unsafe extern "C" fn malloc_ctx_size() -> c_int {
    std::mem::size_of::<MallocIo>() as c_int
}

unsafe extern "C" fn malloc_init() -> c_int {
    spdk_io_device_register(
        dev(),
        Some(ch_create),
        Some(ch_destroy),
        std::mem::size_of::<MallocChannel>() as u32,
        c"malloc_disk".as_ptr(),
    );
    0
}

unsafe extern "C" fn malloc_fini() {
    spdk_io_device_unregister(dev(), None);
}

unsafe extern "C" fn ch_create(_dev: *mut c_void, ctx: *mut c_void) -> c_int {
    let ch = ctx.cast::<MallocChannel>();
    ch.write(MallocChannel {
        poller: ptr::null_mut(),
        head: ptr::null_mut(),
        tail: ptr::null_mut(),
    });
    (*ch).poller = spdk_poller_register_named(
        Some(malloc_poll),
        ch.cast(),
        0,
        c"malloc_completion_poller".as_ptr(),
    );
    if (*ch).poller.is_null() {
        return -libc::ENOMEM;
    }
    0
}

unsafe extern "C" fn ch_destroy(_dev: *mut c_void, ctx: *mut c_void) {
    let ch = ctx.cast::<MallocChannel>();
    spdk_poller_unregister(&mut (*ch).poller);
}

#[inline]
unsafe fn next_of(io: *mut spdk_bdev_io) -> *mut *mut spdk_bdev_io {
    ptr::addr_of_mut!((*(*io).driver_ctx.as_mut_ptr().cast::<MallocIo>()).next)
}

unsafe extern "C" fn malloc_poll(arg: *mut c_void) -> c_int {
    let ch = arg.cast::<MallocChannel>();
    let mut io = (*ch).head;
    if io.is_null() {
        return 0;
    }
    (*ch).head = ptr::null_mut();
    (*ch).tail = ptr::null_mut();
    let mut n = 0;
    while !io.is_null() {
        let next = *next_of(io);
        spdk_bdev_io_complete(io, IoStatusArg((*io).internal.status as c_int));
        io = next;
        n += 1;
    }
    n
}

unsafe extern "C" fn malloc_get_io_channel(_ctx: *mut c_void) -> *mut spdk_io_channel {
    spdk_get_io_channel(dev())
}

unsafe extern "C" fn malloc_io_type_supported(_ctx: *mut c_void, t: spdk_bdev_io_type) -> bool {
    use spdk_bdev_io_type::*;
    matches!(
        t,
        SPDK_BDEV_IO_TYPE_READ
            | SPDK_BDEV_IO_TYPE_WRITE
            | SPDK_BDEV_IO_TYPE_FLUSH
            | SPDK_BDEV_IO_TYPE_RESET
            | SPDK_BDEV_IO_TYPE_UNMAP
            | SPDK_BDEV_IO_TYPE_WRITE_ZEROES
    )
}

/// Copies between the disk and the I/O's iovecs; false when they do not
/// cover the I/O.
unsafe fn copy(disk: &MallocDisk, io: *mut spdk_bdev_io, to_disk: bool) -> bool {
    let p = &(*io).u.bdev;
    let bs = disk.bdev.blocklen as usize;
    let mut off = p.offset_blocks as usize * bs;
    let mut left = p.num_blocks as usize * bs;
    for i in 0..p.iovcnt.max(0) as usize {
        if left == 0 {
            break;
        }
        let v = &*p.iovs.add(i);
        let n = v.iov_len.min(left);
        if v.iov_base.is_null() {
            return false;
        }
        if to_disk {
            write_to_disk(disk, disk.data.add(off), v.iov_base.cast::<u8>(), n);
        } else {
            ptr::copy_nonoverlapping(disk.data.add(off), v.iov_base.cast::<u8>(), n);
        }
        off += n;
        left -= n;
    }
    left == 0
}

/// Disks at least this large take writes with streaming stores.
const STREAM_MIN_DISK: usize = 32 << 20;

/// Copies a write into a large disk with non-temporal stores: a block
/// written to a disk bigger than the caches is rarely read back soon, and
/// ordinary stores first read every line from memory (RFO) and evict hot
/// data, which made 4 KiB random writes to a 128 MiB disk a third slower
/// than reads. The sfence orders the data before the completion.
#[cfg(target_arch = "x86_64")]
unsafe fn write_to_disk(disk: &MallocDisk, dst: *mut u8, src: *const u8, n: usize) {
    use std::arch::x86_64::*;
    let disk_len = (disk.bdev.blockcnt as usize).saturating_mul(disk.bdev.blocklen as usize);
    if disk_len < STREAM_MIN_DISK || !(dst as usize).is_multiple_of(16) || !n.is_multiple_of(64) {
        return ptr::copy_nonoverlapping(src, dst, n);
    }
    let mut i = 0;
    while i < n {
        let a = _mm_loadu_si128(src.add(i).cast());
        let b = _mm_loadu_si128(src.add(i + 16).cast());
        let c = _mm_loadu_si128(src.add(i + 32).cast());
        let d = _mm_loadu_si128(src.add(i + 48).cast());
        _mm_stream_si128(dst.add(i).cast(), a);
        _mm_stream_si128(dst.add(i + 16).cast(), b);
        _mm_stream_si128(dst.add(i + 32).cast(), c);
        _mm_stream_si128(dst.add(i + 48).cast(), d);
        i += 64;
    }
    _mm_sfence();
}

#[cfg(not(target_arch = "x86_64"))]
unsafe fn write_to_disk(_disk: &MallocDisk, dst: *mut u8, src: *const u8, n: usize) {
    ptr::copy_nonoverlapping(src, dst, n);
}

unsafe extern "C" fn malloc_submit(ioch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let ch = IoChannel::ctx(ioch.cast()).cast::<MallocChannel>();
    let disk = &*(*(*io).bdev).ctxt.cast::<MallocDisk>();
    let bs = disk.bdev.blocklen as usize;
    let p = &mut (*io).u.bdev;
    let ok = match (*io).r#type {
        1 => {
            if p.iovcnt == 1 && (*p.iovs).iov_base.is_null() {
                // No buffer: hand out the disk's memory itself.
                (*p.iovs).iov_base = disk.data.add(p.offset_blocks as usize * bs).cast();
                (*p.iovs).iov_len = p.num_blocks as usize * bs;
                true
            } else {
                copy(disk, io, false)
            }
        }
        2 => copy(disk, io, true),
        3 | 9 => {
            ptr::write_bytes(
                disk.data.add(p.offset_blocks as usize * bs),
                0,
                p.num_blocks as usize * bs,
            );
            true
        }
        4 | 5 => true,
        _ => false,
    };
    (*io).internal.status = if ok { 1 } else { -1 };
    *next_of(io) = ptr::null_mut();
    if (*ch).tail.is_null() {
        (*ch).head = io;
    } else {
        *next_of((*ch).tail) = io;
    }
    (*ch).tail = io;
}

unsafe extern "C" fn malloc_destruct(ctx: *mut c_void) -> c_int {
    let d = Box::from_raw(ctx.cast::<MallocDisk>());
    spdk_env::ffi::env::spdk_free(d.data.cast());
    0
}

unsafe extern "C" fn malloc_write_config_json(bdev: *mut spdk_bdev, w: *mut spdk_json_write_ctx) {
    let Some(w) = writer_mut(w) else { return };
    let b = &*bdev;
    let _ = w.object_begin();
    let _ = w.named_string("method", "bdev_malloc_create");
    let _ = w.named_object_begin("params");
    let _ = w.named_string("name", b.name_bytes());
    let _ = w.named_uint64("num_blocks", b.blockcnt);
    let _ = w.named_uint64("block_size", b.blocklen as u64);
    let _ = w.named_uint64("physical_block_size", b.phys_blocklen as u64);
    let _ = w.name("uuid");
    let _ = w.uuid(&b.uuid.u.raw);
    let _ = w.named_uint64("optimal_io_boundary", b.optimal_io_boundary as u64);
    let _ = w.named_uint64("md_size", b.md_len as u64);
    let _ = w.named_uint64("dif_type", b.dif_type as u64);
    let _ = w.named_bool("dif_is_head_of_md", false);
    let _ = w.named_uint64("dif_pi_format", b.dif_pi_format as u64);
    let _ = w.named_int64("numa_id", -1);
    let _ = w.object_end();
    let _ = w.object_end();
}

/// Creates a malloc bdev (SPDK's bdev_malloc_create); returns it.
pub fn create(o: &MallocOpts) -> Result<*mut spdk_bdev, c_int> {
    if o.num_blocks == 0 {
        spdk_log::errlog!("Disk num_blocks must be greater than 0");
        return Err(-libc::EINVAL);
    }
    if o.block_size == 0 || !o.block_size.is_multiple_of(512) {
        spdk_log::errlog!("Data block size must be 512 bytes aligned");
        return Err(-libc::EINVAL);
    }
    if !o.physical_block_size.is_multiple_of(512) {
        spdk_log::errlog!("Physical block must be 512 bytes aligned");
        return Err(-libc::EINVAL);
    }
    if o.md_size != 0 {
        spdk_log::errlog!("metadata size {} is not supported", o.md_size);
        return Err(-libc::EINVAL);
    }
    let len = (o.num_blocks as usize)
        .checked_mul(o.block_size as usize)
        .ok_or(-libc::EINVAL)?;
    let name = match &o.name {
        Some(n) => n.clone(),
        None => format!("Malloc{}", DISK_COUNT.load(Ordering::Relaxed)),
    };
    let name = CString::new(name).map_err(|_| -libc::EINVAL)?;
    let data = spdk_env::ffi::env::spdk_zmalloc(len, 2 * 1024 * 1024, ptr::null_mut(), -1, 1);
    if data.is_null() {
        spdk_log::errlog!("malloc_buf spdk_zmalloc() failed");
        return Err(-libc::ENOMEM);
    }
    let mut d = Box::new(MallocDisk {
        bdev: spdk_bdev::zeroed(),
        name,
        data: data.cast(),
    });
    let b = &mut d.bdev;
    b.name = d.name.as_ptr() as *mut c_char;
    b.product_name = c"Malloc disk".as_ptr() as *mut c_char;
    b.write_cache = 1;
    b.blocklen = o.block_size;
    b.phys_blocklen = if o.physical_block_size != 0 {
        o.physical_block_size
    } else {
        o.block_size
    };
    b.blockcnt = o.num_blocks;
    if o.optimal_io_boundary != 0 {
        b.optimal_io_boundary = o.optimal_io_boundary;
        b.flags |= BDEV_FLAG_SPLIT_ON_OPTIMAL_IO_BOUNDARY;
    }
    if let Some(u) = o.uuid {
        b.uuid = spdk_uuid {
            u: spdk_util::ffi::uuid::spdk_uuid_u { raw: u },
        };
    }
    b.module = module();
    b.fn_table = &FN_TABLE;
    let raw = Box::into_raw(d);
    // SAFETY: a fresh disk whose bdev is its first field.
    unsafe {
        (*raw).bdev.ctxt = raw.cast();
        let rc = core::register(ptr::addr_of_mut!((*raw).bdev));
        if rc != 0 {
            let d = Box::from_raw(raw);
            spdk_env::ffi::env::spdk_free(d.data.cast());
            return Err(rc);
        }
        DISK_COUNT.fetch_add(1, Ordering::Relaxed);
        Ok(ptr::addr_of_mut!((*raw).bdev))
    }
}

/// Deletes the malloc bdev `name` (SPDK's bdev_malloc_delete); `cb(arg,
/// rc)` when done. -ENODEV when there is no such malloc bdev.
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
