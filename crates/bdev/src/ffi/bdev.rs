//! The C ABI of include/spdk/bdev.h: descriptors, channels, properties and
//! the I/O calls applications use.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr;

use ::spdk_thread::ffi::thread::{spdk_get_thread, spdk_io_channel, spdk_thread_send_msg};
use libc::iovec;
use spdk_util::ffi::uuid::spdk_uuid;
use spdk_util::histogram::HistogramData;

use crate::core::{self, Desc, IoArgs};
use crate::ffi::bdev_module::{spdk_bdev, spdk_bdev_io};

pub mod iter;
pub mod lifecycle;
pub mod md_io;
pub mod media;
pub mod nvme_passthru;
pub mod open_async;
pub mod props;
pub mod scsi_status;
pub mod stats;

/// A media management event: a range of blocks the owner must look at.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct spdk_bdev_media_event {
    pub offset: u64,
    pub num_blocks: u64,
}

/// An iteration of spdk_bdev_for_each_channel().
pub struct spdk_bdev_channel_iter {
    _opaque: [u8; 0],
}

/// `enum spdk_dif_type` (spdk/dif.h) as a return value.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DifTypeRet(pub c_int);

/// `enum spdk_dif_pi_format` (spdk/dif.h) as a return value.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DifPiFormatRet(pub c_int);

/// `enum spdk_dif_check_type` (spdk/dif.h) as an argument.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct DifCheckTypeArg(pub c_int);

/// An open handle to a bdev.
pub struct spdk_bdev_desc {
    _opaque: [u8; 0],
}

/// Events a descriptor's owner is told about.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_bdev_event_type {
    SPDK_BDEV_EVENT_REMOVE,
    SPDK_BDEV_EVENT_RESIZE,
    SPDK_BDEV_EVENT_MEDIA_MANAGEMENT,
}

/// Kinds of I/O a bdev may support.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_bdev_io_type {
    SPDK_BDEV_IO_TYPE_INVALID = 0,
    SPDK_BDEV_IO_TYPE_READ,
    SPDK_BDEV_IO_TYPE_WRITE,
    SPDK_BDEV_IO_TYPE_UNMAP,
    SPDK_BDEV_IO_TYPE_FLUSH,
    SPDK_BDEV_IO_TYPE_RESET,
    SPDK_BDEV_IO_TYPE_NVME_ADMIN,
    SPDK_BDEV_IO_TYPE_NVME_IO,
    SPDK_BDEV_IO_TYPE_NVME_IO_MD,
    SPDK_BDEV_IO_TYPE_WRITE_ZEROES,
    SPDK_BDEV_IO_TYPE_ZCOPY,
    SPDK_BDEV_IO_TYPE_GET_ZONE_INFO,
    SPDK_BDEV_IO_TYPE_ZONE_MANAGEMENT,
    SPDK_BDEV_IO_TYPE_ZONE_APPEND,
    SPDK_BDEV_IO_TYPE_COMPARE,
    SPDK_BDEV_IO_TYPE_COMPARE_AND_WRITE,
    SPDK_BDEV_IO_TYPE_ABORT,
    SPDK_BDEV_IO_TYPE_SEEK_HOLE,
    SPDK_BDEV_IO_TYPE_SEEK_DATA,
    SPDK_BDEV_IO_TYPE_COPY,
    SPDK_BDEV_IO_TYPE_NVME_IOV_MD,
    SPDK_BDEV_IO_TYPE_NVME_NSSR,
    SPDK_BDEV_IO_TYPE_WRITE_UNCORRECTABLE,
    /// Keep last.
    SPDK_BDEV_NUM_IO_TYPES,
}

impl spdk_bdev_io_type {
    /// The type of value `v`, if it is one.
    pub fn from_int(v: c_int) -> Option<spdk_bdev_io_type> {
        if (0..spdk_bdev_io_type::SPDK_BDEV_NUM_IO_TYPES as c_int).contains(&v) {
            // SAFETY: repr(C) enum with contiguous values from 0, checked above.
            Some(unsafe { std::mem::transmute::<c_int, spdk_bdev_io_type>(v) })
        } else {
            None
        }
    }
}

#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct IoTypeArg(pub c_int);

/// Called on the descriptor's thread when the bdev is removed or resized.
pub type spdk_bdev_event_cb_t = Option<
    unsafe extern "C" fn(type_: spdk_bdev_event_type, bdev: *mut spdk_bdev, event_ctx: *mut c_void),
>;

/// The older removal notification (what the bdev part API calls on a
/// base's hot removal).
pub type spdk_bdev_remove_cb_t = Option<unsafe extern "C" fn(remove_ctx: *mut c_void)>;

/// Called on the submitting thread when an I/O completes.
pub type spdk_bdev_io_completion_cb =
    Option<unsafe extern "C" fn(bdev_io: *mut spdk_bdev_io, success: bool, cb_arg: *mut c_void)>;

/// Called when a bdev_io may be available again (spdk_bdev_queue_io_wait()).
pub type spdk_bdev_io_wait_cb = Option<unsafe extern "C" fn(cb_arg: *mut c_void)>;

#[doc(hidden)]
#[repr(C)]
pub struct IoWaitLink {
    pub tqe_next: *mut spdk_bdev_io_wait_entry,
    pub tqe_prev: *mut *mut spdk_bdev_io_wait_entry,
}

/// A caller-owned entry for spdk_bdev_queue_io_wait().
#[repr(C)]
pub struct spdk_bdev_io_wait_entry {
    pub bdev: *mut spdk_bdev,
    pub cb_fn: spdk_bdev_io_wait_cb,
    pub cb_arg: *mut c_void,
    pub link: IoWaitLink,
}

/// I/O statistics of a bdev or of one channel.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct spdk_bdev_io_stat {
    pub bytes_read: u64,
    pub num_read_ops: u64,
    pub bytes_written: u64,
    pub num_write_ops: u64,
    pub bytes_unmapped: u64,
    pub num_unmap_ops: u64,
    pub bytes_copied: u64,
    pub num_copy_ops: u64,
    pub read_latency_ticks: u64,
    pub max_read_latency_ticks: u64,
    pub min_read_latency_ticks: u64,
    pub write_latency_ticks: u64,
    pub max_write_latency_ticks: u64,
    pub min_write_latency_ticks: u64,
    pub unmap_latency_ticks: u64,
    pub max_unmap_latency_ticks: u64,
    pub min_unmap_latency_ticks: u64,
    pub copy_latency_ticks: u64,
    pub max_copy_latency_ticks: u64,
    pub min_copy_latency_ticks: u64,
    pub ticks_rate: u64,
    /// Private to the bdev library (NULL in the copies it hands out).
    pub io_error: *mut c_void,
}

impl spdk_bdev_io_stat {
    /// Zeroed counters, minimum latencies at their "none yet" value.
    pub const fn new() -> Self {
        spdk_bdev_io_stat {
            bytes_read: 0,
            num_read_ops: 0,
            bytes_written: 0,
            num_write_ops: 0,
            bytes_unmapped: 0,
            num_unmap_ops: 0,
            bytes_copied: 0,
            num_copy_ops: 0,
            read_latency_ticks: 0,
            max_read_latency_ticks: 0,
            min_read_latency_ticks: u64::MAX,
            write_latency_ticks: 0,
            max_write_latency_ticks: 0,
            min_write_latency_ticks: u64::MAX,
            unmap_latency_ticks: 0,
            max_unmap_latency_ticks: 0,
            min_unmap_latency_ticks: u64::MAX,
            copy_latency_ticks: 0,
            max_copy_latency_ticks: 0,
            min_copy_latency_ticks: u64::MAX,
            ticks_rate: 0,
            io_error: ptr::null_mut(),
        }
    }
}

impl Default for spdk_bdev_io_stat {
    fn default() -> Self {
        Self::new()
    }
}

/// Called when no examine is in progress any more.
pub type spdk_bdev_wait_for_examine_cb = Option<unsafe extern "C" fn(arg: *mut c_void)>;

/// Calls `cb_fn(cb_arg)` (on the app thread) once every examine started so
/// far has finished; at once when none is in progress. 0, or -EINVAL.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_wait_for_examine(
    cb_fn: spdk_bdev_wait_for_examine_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let Some(f) = cb_fn else {
        return -libc::EINVAL;
    };
    core::wait_for_examine(f, cb_arg);
    0
}

/// What spdk_bdev_get_io_stat() and friends reset after reading.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_bdev_reset_stat_mode {
    /// Everything.
    SPDK_BDEV_RESET_STAT_ALL,
    /// Only the minimum and maximum latencies.
    SPDK_BDEV_RESET_STAT_MAXMIN,
    /// Only the error counters.
    SPDK_BDEV_RESET_STAT_ERROR,
    /// Nothing.
    SPDK_BDEV_RESET_STAT_NONE,
}

#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct ResetStatModeArg(pub c_int);

/// Completion of spdk_bdev_get_device_stat().
pub type spdk_bdev_get_device_stat_cb = Option<
    unsafe extern "C" fn(
        bdev: *mut spdk_bdev,
        stat: *mut spdk_bdev_io_stat,
        cb_arg: *mut c_void,
        rc: c_int,
    ),
>;

/// Library-wide options (spdk_bdev_get_opts()/spdk_bdev_set_opts()).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug)]
pub struct spdk_bdev_opts {
    /// Number of spdk_bdev_io in the library's pool.
    pub bdev_io_pool_size: u32,
    /// Number of spdk_bdev_io each thread keeps for itself.
    pub bdev_io_cache_size: u32,
    /// Whether new bdevs are examined automatically.
    pub bdev_auto_examine: bool,
    pub reserved9: [u8; 7],
    /// sizeof(struct spdk_bdev_opts) as the caller knows it.
    pub opts_size: usize,
    /// Per-thread iobuf cache sizes.
    pub iobuf_small_cache_size: u32,
    pub iobuf_large_cache_size: u32,
}

/// Union of NVMe CDW12 bits passed with an I/O.
#[repr(C)]
#[derive(Clone, Copy)]
pub union spdk_bdev_nvme_cdw12 {
    pub raw: u32,
}

/// Union of NVMe CDW13 bits passed with an I/O.
#[repr(C)]
#[derive(Clone, Copy)]
pub union spdk_bdev_nvme_cdw13 {
    pub raw: u32,
}

/// An NVMe submission queue entry: `struct spdk_nvme_cmd` of
/// spdk/nvme_spec.h (64 bytes), carried as is, never parsed here.
#[repr(C, align(8))]
#[derive(Clone, Copy)]
pub struct NvmeCmd {
    pub raw: [u8; 64],
}

/// Controller attributes of an NVMe-backed bdev.
#[repr(C)]
#[derive(Clone, Copy)]
pub union spdk_bdev_nvme_ctratt {
    pub raw: u32,
}

/// Extended I/O options (the *_ext calls).
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct spdk_bdev_ext_io_opts {
    /// sizeof(struct spdk_bdev_ext_io_opts) as the caller knows it.
    pub size: usize,
    pub memory_domain: *mut c_void,
    pub memory_domain_ctx: *mut c_void,
    pub metadata: *mut c_void,
    pub accel_sequence: *mut c_void,
    pub dif_check_flags_exclude_mask: u32,
    pub nvme_cdw12: spdk_bdev_nvme_cdw12,
    pub nvme_cdw13: spdk_bdev_nvme_cdw13,
}

/// Options of spdk_bdev_open_ext_v2().
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_bdev_open_opts {
    /// sizeof(struct spdk_bdev_open_opts) as the caller knows it.
    pub opts_size: usize,
    /// Hide the metadata of the bdev from this descriptor.
    pub hide_metadata: bool,
    pub reserved: [u8; 7],
}

// ---- library options ----

/// Copies the library options into `opts` (as many bytes as `opts_size`).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_opts(opts: *mut spdk_bdev_opts, opts_size: usize) {
    if opts.is_null() || opts_size == 0 {
        spdk_log::errlog!("opts should not be NULL and opts_size should not be 0");
        return;
    }
    let mut cur = core::opts();
    cur.opts_size = opts_size;
    let n = opts_size.min(std::mem::size_of::<spdk_bdev_opts>());
    ptr::copy_nonoverlapping(
        (&cur as *const spdk_bdev_opts).cast::<u8>(),
        opts.cast::<u8>(),
        n,
    );
}

/// Sets the library options; they apply when the library initializes.
/// Returns -1 (as SPDK) when the pool is too small for the per-thread caches.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_set_opts(opts: *mut spdk_bdev_opts) -> c_int {
    if opts.is_null() {
        spdk_log::errlog!("opts cannot be NULL");
        return -1;
    }
    let size = ptr::read_unaligned(ptr::addr_of!((*opts).opts_size));
    if size == 0 {
        spdk_log::errlog!("opts_size inside opts cannot be zero value");
        return -1;
    }
    let mut new = core::opts();
    let n = size.min(std::mem::size_of::<spdk_bdev_opts>());
    let mut tmp = new;
    ptr::copy_nonoverlapping(
        opts.cast::<u8>(),
        (&mut tmp as *mut spdk_bdev_opts).cast::<u8>(),
        n,
    );
    let fits = |end: usize| size >= end;
    if fits(4) {
        new.bdev_io_pool_size = tmp.bdev_io_pool_size;
    }
    if fits(8) {
        new.bdev_io_cache_size = tmp.bdev_io_cache_size;
    }
    if fits(9) {
        new.bdev_auto_examine = tmp.bdev_auto_examine;
    }
    if fits(28) {
        new.iobuf_small_cache_size = tmp.iobuf_small_cache_size;
    }
    if fits(32) {
        new.iobuf_large_cache_size = tmp.iobuf_large_cache_size;
    }
    match core::set_opts(new) {
        Ok(()) => 0,
        Err(_) => -1,
    }
}

// ---- lookup and iteration ----

/// The bdev named `bdev_name` (or whose UUID string it is), or NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_by_name(bdev_name: *const c_char) -> *mut spdk_bdev {
    if bdev_name.is_null() {
        return ptr::null_mut();
    }
    core::find(CStr::from_ptr(bdev_name).to_bytes())
}

/// The first registered bdev, or NULL.
#[no_mangle]
pub extern "C" fn spdk_bdev_first() -> *mut spdk_bdev {
    core::next_of(ptr::null_mut(), false)
}

/// The bdev registered after `prev`, or NULL.
#[no_mangle]
pub extern "C" fn spdk_bdev_next(prev: *mut spdk_bdev) -> *mut spdk_bdev {
    if prev.is_null() {
        return ptr::null_mut();
    }
    core::next_of(prev, false)
}

/// The first unclaimed bdev, or NULL.
#[no_mangle]
pub extern "C" fn spdk_bdev_first_leaf() -> *mut spdk_bdev {
    core::next_of(ptr::null_mut(), true)
}

/// The next unclaimed bdev after `prev`, or NULL.
#[no_mangle]
pub extern "C" fn spdk_bdev_next_leaf(prev: *mut spdk_bdev) -> *mut spdk_bdev {
    if prev.is_null() {
        return ptr::null_mut();
    }
    core::next_of(prev, true)
}

// ---- open / close ----

/// Initializes open options to their defaults.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_open_opts_init(
    opts: *mut spdk_bdev_open_opts,
    opts_size: usize,
) {
    if opts.is_null() || opts_size == 0 {
        spdk_log::errlog!("opts should not be NULL and opts_size should not be 0");
        return;
    }
    let full = spdk_bdev_open_opts {
        opts_size,
        hide_metadata: false,
        reserved: [0; 7],
    };
    let n = opts_size.min(std::mem::size_of::<spdk_bdev_open_opts>());
    ptr::write_bytes(opts.cast::<u8>(), 0, opts_size.min(n));
    ptr::copy_nonoverlapping(
        (&full as *const spdk_bdev_open_opts).cast::<u8>(),
        opts.cast::<u8>(),
        n,
    );
}

/// Opens the bdev named `bdev_name` (read-only unless `write`) from the
/// calling SPDK thread; `event_cb` is required. 0, -EINVAL, -ENODEV (no
/// such bdev, or being removed), -ENOTSUP (not an SPDK thread).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_open_ext(
    bdev_name: *const c_char,
    write: bool,
    event_cb: spdk_bdev_event_cb_t,
    event_ctx: *mut c_void,
    desc: *mut *mut spdk_bdev_desc,
) -> c_int {
    spdk_bdev_open_ext_v2(bdev_name, write, event_cb, event_ctx, ptr::null_mut(), desc)
}

/// spdk_bdev_open_ext() with options (NULL for the defaults).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_open_ext_v2(
    bdev_name: *const c_char,
    write: bool,
    event_cb: spdk_bdev_event_cb_t,
    event_ctx: *mut c_void,
    opts: *mut spdk_bdev_open_opts,
    desc: *mut *mut spdk_bdev_desc,
) -> c_int {
    if desc.is_null() || bdev_name.is_null() {
        return -libc::EINVAL;
    }
    *desc = ptr::null_mut();
    let Some(cb) = event_cb else {
        spdk_log::errlog!("Missing event callback function");
        return -libc::EINVAL;
    };
    let hide_md = if opts.is_null() {
        false
    } else {
        let size = (*opts).opts_size;
        size > 8 && (*opts).hide_metadata
    };
    match core::open(
        CStr::from_ptr(bdev_name).to_bytes(),
        write,
        cb,
        event_ctx,
        hide_md,
    ) {
        Ok(d) => {
            *desc = d.cast();
            0
        }
        Err(e) => e,
    }
}

/// Closes a descriptor, on the thread that opened it.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_close(desc: *mut spdk_bdev_desc) {
    if desc.is_null() {
        spdk_log::errlog!("spdk_bdev_close: desc is NULL");
        return;
    }
    core::close(desc.cast());
}

/// The bdev a descriptor refers to.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_desc_get_bdev(desc: *mut spdk_bdev_desc) -> *mut spdk_bdev {
    if desc.is_null() {
        return ptr::null_mut();
    }
    (*desc.cast::<Desc>()).bdev
}

/// The calling thread's I/O channel for the descriptor's bdev, or NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_io_channel(
    desc: *mut spdk_bdev_desc,
) -> *mut spdk_io_channel {
    if desc.is_null() {
        return ptr::null_mut();
    }
    core::get_io_channel((*desc.cast::<Desc>()).bdev)
}

// ---- properties ----

/// The bdev's name.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_name(bdev: *const spdk_bdev) -> *const c_char {
    if bdev.is_null() {
        return ptr::null();
    }
    let b = &*bdev;
    b.name
}

/// The bdev's product name.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_product_name(bdev: *const spdk_bdev) -> *const c_char {
    if bdev.is_null() {
        return ptr::null();
    }
    let b = &*bdev;
    b.product_name
}

/// Logical block size in bytes (without interleaved metadata when hidden).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_block_size(bdev: *const spdk_bdev) -> u32 {
    if bdev.is_null() {
        return 0;
    }
    let b = &*bdev;
    b.blocklen
}

/// Number of logical blocks.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_num_blocks(bdev: *const spdk_bdev) -> u64 {
    if bdev.is_null() {
        return 0;
    }
    let b = &*bdev;
    b.blockcnt
}

/// Physical block size in bytes.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_physical_block_size(bdev: *const spdk_bdev) -> u32 {
    if bdev.is_null() {
        return 0;
    }
    let b = &*bdev;
    b.phys_blocklen
}

/// Write unit size in logical blocks.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_write_unit_size(bdev: *const spdk_bdev) -> u32 {
    if bdev.is_null() {
        return 0;
    }
    let b = &*bdev;
    b.write_unit_size
}

/// Required buffer alignment in bytes (1 when none).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_buf_align(bdev: *const spdk_bdev) -> usize {
    if bdev.is_null() {
        return 1;
    }
    let b = &*bdev;
    1usize << b.required_alignment
}

/// Optimal I/O boundary in blocks (0 when none).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_optimal_io_boundary(bdev: *const spdk_bdev) -> u32 {
    if bdev.is_null() {
        return 0;
    }
    let b = &*bdev;
    b.optimal_io_boundary
}

/// Whether the bdev has a volatile write cache.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_has_write_cache(bdev: *const spdk_bdev) -> bool {
    if bdev.is_null() {
        return false;
    }
    let b = &*bdev;
    b.write_cache != 0
}

/// The bdev's UUID.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_uuid(bdev: *const spdk_bdev) -> *const spdk_uuid {
    if bdev.is_null() {
        return ptr::null();
    }
    let b = &*bdev;
    &b.uuid
}

/// Metadata size per block in bytes.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_md_size(bdev: *const spdk_bdev) -> u32 {
    if bdev.is_null() {
        return 0;
    }
    let b = &*bdev;
    b.md_len
}

/// Whether metadata is interleaved with the data.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_is_md_interleaved(bdev: *const spdk_bdev) -> bool {
    if bdev.is_null() {
        return false;
    }
    let b = &*bdev;
    b.md_len != 0 && b.md_interleave()
}

/// Whether metadata is in a separate buffer.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_is_md_separate(bdev: *const spdk_bdev) -> bool {
    if bdev.is_null() {
        return false;
    }
    let b = &*bdev;
    b.md_len != 0 && !b.md_interleave()
}

/// Block size including interleaved metadata.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_data_block_size(bdev: *const spdk_bdev) -> u32 {
    if bdev.is_null() {
        return 0;
    }
    let b = &*bdev;
    if b.md_interleave() {
        b.blocklen - b.md_len
    } else {
        b.blocklen
    }
}

/// Maximum number of blocks in one write-zeroes command (0: no limit).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_max_write_zeroes(bdev: *const spdk_bdev) -> u32 {
    if bdev.is_null() {
        return 0;
    }
    let b = &*bdev;
    b.max_write_zeroes
}

/// Maximum number of blocks in one unmap segment.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_max_unmap(bdev: *const spdk_bdev) -> u32 {
    if bdev.is_null() {
        return 0;
    }
    let b = &*bdev;
    b.max_unmap
}

/// Whether the bdev supports I/O of `io_type`.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_type_supported(
    bdev: *mut spdk_bdev,
    io_type: IoTypeArg,
) -> bool {
    let Some(t) = spdk_bdev_io_type::from_int(io_type.0) else {
        return false;
    };
    if bdev.is_null() {
        return false;
    }
    core::io_type_supported(bdev, t)
}

/// The channel's I/O statistics for `bdev`, copied into `stat`, then
/// reset in the channel as `reset_mode` says.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_io_stat(
    bdev: *mut spdk_bdev,
    ch: *mut spdk_io_channel,
    stat: *mut spdk_bdev_io_stat,
    reset_mode: ResetStatModeArg,
) {
    if bdev.is_null() || ch.is_null() || stat.is_null() {
        return;
    }
    let Some(mode) = core::reset_mode(reset_mode.0) else {
        return;
    };
    core::channel_stat(ch, &mut *stat, mode);
}

/// The bdev's I/O statistics: those of its closed channels plus every
/// channel's (gathered on their threads), into `stat`; then `cb(bdev,
/// stat, cb_arg, 0)` on the calling thread. Resets as `reset_mode` says.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_device_stat(
    bdev: *mut spdk_bdev,
    stat: *mut spdk_bdev_io_stat,
    reset_mode: ResetStatModeArg,
    cb: spdk_bdev_get_device_stat_cb,
    cb_arg: *mut c_void,
) {
    let Some(cb) = cb else {
        spdk_log::errlog!("spdk_bdev_get_device_stat: cb is NULL");
        return;
    };
    let mode = core::reset_mode(reset_mode.0);
    if bdev.is_null() || stat.is_null() || mode.is_none() {
        cb(bdev, stat, cb_arg, -libc::EINVAL);
        return;
    }
    core::device_stat(
        bdev,
        stat,
        mode.unwrap_or(spdk_bdev_reset_stat_mode::SPDK_BDEV_RESET_STAT_NONE),
        cb,
        cb_arg,
    );
}

/// The NVMe status of a completed I/O (success, its NVMe error, or the
/// generic code matching its bdev status).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_get_nvme_status(
    bdev_io: *const spdk_bdev_io,
    cdw0: *mut u32,
    sct: *mut c_int,
    sc: *mut c_int,
) {
    if bdev_io.is_null() || cdw0.is_null() || sct.is_null() || sc.is_null() {
        return;
    }
    let (c, t, s) = core::nvme_status(bdev_io);
    *cdw0 = c;
    *sct = t;
    *sc = s;
}

/// The errno-style result of a completed I/O (0, the module's aio result,
/// or -EIO).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_get_aio_status(
    bdev_io: *const spdk_bdev_io,
    aio_result: *mut c_int,
) {
    if bdev_io.is_null() || aio_result.is_null() {
        return;
    }
    *aio_result = core::aio_status(bdev_io);
}

// ---- I/O ----

unsafe fn desc_ref<'a>(desc: *mut spdk_bdev_desc) -> Option<&'a Desc> {
    desc.cast::<Desc>().as_ref()
}

/// Converts a byte range to blocks, -EINVAL when not block-aligned.
unsafe fn bytes_to_blocks(desc: &Desc, offset: u64, nbytes: u64) -> Result<(u64, u64), c_int> {
    let bs = (*desc.bdev).blocklen as u64;
    if bs == 0 || !offset.is_multiple_of(bs) || !nbytes.is_multiple_of(bs) {
        return Err(-libc::EINVAL);
    }
    Ok((offset / bs, nbytes / bs))
}

#[allow(clippy::too_many_arguments)]
#[inline]
unsafe fn rw(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    ty: spdk_bdev_io_type,
    buf: *mut c_void,
    iovs: *mut iovec,
    iovcnt: c_int,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let Some(d) = desc_ref(desc) else {
        return -libc::EINVAL;
    };
    if ch.is_null() {
        return -libc::EINVAL;
    }
    core::submit(
        d,
        ch,
        IoArgs {
            ty,
            buf,
            iovs,
            iovcnt,
            offset_blocks,
            num_blocks,
            cb,
            cb_arg,
            fused_iovs: ptr::null_mut(),
            fused_iovcnt: 0,
            src_offset_blocks: 0,
            abort_cb_arg: ptr::null_mut(),
            md_buf: ptr::null_mut(),
            dif_exclude: 0,
        },
    )
}

macro_rules! bytes_form {
    ($d:expr, $off:expr, $n:expr) => {{
        let Some(d) = desc_ref($d) else {
            return -libc::EINVAL;
        };
        match bytes_to_blocks(d, $off, $n) {
            Ok(v) => v,
            Err(e) => return e,
        }
    }};
}

use spdk_bdev_io_type::*;

/// Reads `num_blocks` blocks at `offset_blocks` into `buf` (NULL: the
/// module provides the buffer). 0 or -EINVAL, -ENOMEM.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_read_blocks(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    buf: *mut c_void,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    rw(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_READ,
        buf,
        ptr::null_mut(),
        0,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// spdk_bdev_read_blocks() with a byte offset and length (multiples of
/// the block size, else -EINVAL).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_read(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    buf: *mut c_void,
    offset: u64,
    nbytes: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (o, n) = bytes_form!(desc, offset, nbytes);
    spdk_bdev_read_blocks(desc, ch, buf, o, n, cb, cb_arg)
}

/// Reads into a scatter list.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_readv_blocks(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    iov: *mut iovec,
    iovcnt: c_int,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if iov.is_null() || iovcnt <= 0 {
        return -libc::EINVAL;
    }
    rw(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_READ,
        ptr::null_mut(),
        iov,
        iovcnt,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// spdk_bdev_readv_blocks() in bytes.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_readv(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    iov: *mut iovec,
    iovcnt: c_int,
    offset: u64,
    nbytes: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (o, n) = bytes_form!(desc, offset, nbytes);
    spdk_bdev_readv_blocks(desc, ch, iov, iovcnt, o, n, cb, cb_arg)
}

/// What extended options ask for: a separate metadata buffer and DIF
/// checks to leave out. Memory domains and accel sequences are refused
/// (-ENOTSUP): this library has neither.
unsafe fn ext_opts(opts: *const spdk_bdev_ext_io_opts) -> Result<(*mut c_void, u32), c_int> {
    if opts.is_null() {
        return Ok((ptr::null_mut(), 0));
    }
    let size = ptr::read_unaligned(ptr::addr_of!((*opts).size));
    if size == 0 || size > std::mem::size_of::<spdk_bdev_ext_io_opts>() {
        spdk_log::errlog!("opts size is invalid: {}", size);
        return Err(-libc::EINVAL);
    }
    let has = |end: usize, p: *const *mut c_void| size >= end && !ptr::read_unaligned(p).is_null();
    if has(16, ptr::addr_of!((*opts).memory_domain))
        || has(40, ptr::addr_of!((*opts).accel_sequence))
    {
        return Err(-libc::ENOTSUP);
    }
    let md = if size >= 32 {
        ptr::read_unaligned(ptr::addr_of!((*opts).metadata))
    } else {
        ptr::null_mut()
    };
    let exclude = if size >= 44 {
        ptr::read_unaligned(ptr::addr_of!((*opts).dif_check_flags_exclude_mask))
    } else {
        0
    };
    Ok((md, exclude))
}

#[allow(clippy::too_many_arguments)]
unsafe fn rw_ext(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    ty: spdk_bdev_io_type,
    iov: *mut iovec,
    iovcnt: c_int,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
    opts: *mut spdk_bdev_ext_io_opts,
) -> c_int {
    let (md, exclude) = match ext_opts(opts) {
        Ok(v) => v,
        Err(e) => return e,
    };
    if iov.is_null() || iovcnt <= 0 {
        return -libc::EINVAL;
    }
    let mut a = args(
        ty,
        ptr::null_mut(),
        iov,
        iovcnt,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    );
    a.md_buf = md;
    a.dif_exclude = exclude;
    submit_args(desc, ch, a)
}

/// spdk_bdev_readv_blocks() with extended options (NULL: none): a
/// separate metadata buffer (bdevs with separate metadata; else -EINVAL),
/// DIF checks to skip. Memory domains and accel sequences: -ENOTSUP.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_readv_blocks_ext(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    iov: *mut iovec,
    iovcnt: c_int,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
    opts: *mut spdk_bdev_ext_io_opts,
) -> c_int {
    rw_ext(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_READ,
        iov,
        iovcnt,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
        opts,
    )
}

/// spdk_bdev_writev_blocks() with extended options, as
/// spdk_bdev_readv_blocks_ext().
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_writev_blocks_ext(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    iov: *mut iovec,
    iovcnt: c_int,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
    opts: *mut spdk_bdev_ext_io_opts,
) -> c_int {
    rw_ext(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_WRITE,
        iov,
        iovcnt,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
        opts,
    )
}

/// Writes `num_blocks` blocks from `buf`; -EBADF on a read-only descriptor.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_write_blocks(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    buf: *mut c_void,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    rw(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_WRITE,
        buf,
        ptr::null_mut(),
        0,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// spdk_bdev_write_blocks() in bytes.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_write(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    buf: *mut c_void,
    offset: u64,
    nbytes: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (o, n) = bytes_form!(desc, offset, nbytes);
    spdk_bdev_write_blocks(desc, ch, buf, o, n, cb, cb_arg)
}

/// Writes from a scatter list.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_writev_blocks(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    iov: *mut iovec,
    iovcnt: c_int,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if iov.is_null() || iovcnt <= 0 {
        return -libc::EINVAL;
    }
    rw(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_WRITE,
        ptr::null_mut(),
        iov,
        iovcnt,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// spdk_bdev_writev_blocks() in bytes.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_writev(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    iov: *mut iovec,
    iovcnt: c_int,
    offset: u64,
    len: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (o, n) = bytes_form!(desc, offset, len);
    spdk_bdev_writev_blocks(desc, ch, iov, iovcnt, o, n, cb, cb_arg)
}

/// Zeroes blocks; -ENOTSUP when the bdev supports no write-zeroes.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_write_zeroes_blocks(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    rw(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_WRITE_ZEROES,
        ptr::null_mut(),
        ptr::null_mut(),
        0,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// spdk_bdev_write_zeroes_blocks() in bytes.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_write_zeroes(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    offset: u64,
    len: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (o, n) = bytes_form!(desc, offset, len);
    spdk_bdev_write_zeroes_blocks(desc, ch, o, n, cb, cb_arg)
}

/// Deallocates blocks (0 blocks: -EINVAL).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_unmap_blocks(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if num_blocks == 0 {
        spdk_log::errlog!("Can't unmap 0 bytes");
        return -libc::EINVAL;
    }
    rw(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_UNMAP,
        ptr::null_mut(),
        ptr::null_mut(),
        0,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// spdk_bdev_unmap_blocks() in bytes.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_unmap(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    offset: u64,
    nbytes: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (o, n) = bytes_form!(desc, offset, nbytes);
    spdk_bdev_unmap_blocks(desc, ch, o, n, cb, cb_arg)
}

/// Flushes a block range to stable storage.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_flush_blocks(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    rw(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_FLUSH,
        ptr::null_mut(),
        ptr::null_mut(),
        0,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// spdk_bdev_flush_blocks() in bytes.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_flush(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    offset: u64,
    length: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (o, n) = bytes_form!(desc, offset, length);
    spdk_bdev_flush_blocks(desc, ch, o, n, cb, cb_arg)
}

/// Submits a reset to the bdev's module.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_reset(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    rw(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_RESET,
        ptr::null_mut(),
        ptr::null_mut(),
        0,
        0,
        0,
        cb,
        cb_arg,
    )
}

/// Returns a completed bdev_io to the library.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_free_io(bdev_io: *mut spdk_bdev_io) {
    if bdev_io.is_null() {
        spdk_log::errlog!("spdk_bdev_free_io: bdev_io is NULL");
        return;
    }
    core::free_io(bdev_io);
}

/// Queues `entry` to be called when a bdev_io is available again on the
/// calling thread, after -ENOMEM. -EINVAL when `entry->bdev` is not `bdev`
/// or when bdev_io are available.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_queue_io_wait(
    bdev: *mut spdk_bdev,
    ch: *mut spdk_io_channel,
    entry: *mut spdk_bdev_io_wait_entry,
) -> c_int {
    if bdev.is_null() || ch.is_null() || entry.is_null() || (*entry).cb_fn.is_none() {
        return -libc::EINVAL;
    }
    if (*entry).bdev != bdev {
        spdk_log::errlog!("bdevs do not match");
        return -libc::EINVAL;
    }
    core::queue_io_wait(ch, entry)
}

// ---- compare, compare-and-write, copy ----

/// Submits `a` through `desc` on `ch` (both checked).
pub(crate) unsafe fn submit_args(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    a: IoArgs,
) -> c_int {
    let Some(d) = desc_ref(desc) else {
        return -libc::EINVAL;
    };
    if ch.is_null() {
        return -libc::EINVAL;
    }
    core::submit(d, ch, a)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn args(
    ty: spdk_bdev_io_type,
    buf: *mut c_void,
    iovs: *mut iovec,
    iovcnt: c_int,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> IoArgs {
    IoArgs {
        ty,
        buf,
        iovs,
        iovcnt,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
        fused_iovs: ptr::null_mut(),
        fused_iovcnt: 0,
        src_offset_blocks: 0,
        abort_cb_arg: ptr::null_mut(),
        md_buf: ptr::null_mut(),
        dif_exclude: 0,
    }
}

/// Compares `num_blocks` blocks with `buf`: the completion fails with
/// SPDK_BDEV_IO_STATUS_MISCOMPARE when they differ. Emulated with a read
/// when the module has no compare.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_compare_blocks(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    buf: *mut c_void,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if buf.is_null() {
        return -libc::EINVAL;
    }
    let a = args(
        SPDK_BDEV_IO_TYPE_COMPARE,
        buf,
        ptr::null_mut(),
        0,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    );
    submit_args(desc, ch, a)
}

/// spdk_bdev_compare_blocks() with a scatter list.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_comparev_blocks(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    iov: *mut iovec,
    iovcnt: c_int,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if iov.is_null() || iovcnt <= 0 {
        return -libc::EINVAL;
    }
    let a = args(
        SPDK_BDEV_IO_TYPE_COMPARE,
        ptr::null_mut(),
        iov,
        iovcnt,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    );
    submit_args(desc, ch, a)
}

/// Compares the range with `compare_iov` and, only when equal, writes
/// `write_iov` to it, atomically. At most the bdev's atomic compare and
/// write unit (-EINVAL beyond); -ENOTSUP when the module cannot do it.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_comparev_and_writev_blocks(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    compare_iov: *mut iovec,
    compare_iovcnt: c_int,
    write_iov: *mut iovec,
    write_iovcnt: c_int,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if compare_iov.is_null() || compare_iovcnt <= 0 || write_iov.is_null() || write_iovcnt <= 0 {
        return -libc::EINVAL;
    }
    let mut a = args(
        SPDK_BDEV_IO_TYPE_COMPARE_AND_WRITE,
        ptr::null_mut(),
        compare_iov,
        compare_iovcnt,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    );
    a.fused_iovs = write_iov;
    a.fused_iovcnt = write_iovcnt;
    submit_args(desc, ch, a)
}

/// Copies `num_blocks` blocks from `src_offset_blocks` to
/// `dst_offset_blocks` of the same bdev (overlapping ranges allowed).
/// Emulated with reads and writes when the module has no copy.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_copy_blocks(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    dst_offset_blocks: u64,
    src_offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if num_blocks == 0 {
        return -libc::EINVAL;
    }
    let mut a = args(
        SPDK_BDEV_IO_TYPE_COPY,
        ptr::null_mut(),
        ptr::null_mut(),
        0,
        dst_offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    );
    a.src_offset_blocks = src_offset_blocks;
    submit_args(desc, ch, a)
}

// ---- QoS ----

/// The kinds of QoS rate limit, in the order of the limits arrays.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_bdev_qos_rate_limit_type {
    SPDK_BDEV_QOS_RW_IOPS_RATE_LIMIT = 0,
    SPDK_BDEV_QOS_RW_BPS_RATE_LIMIT,
    SPDK_BDEV_QOS_R_BPS_RATE_LIMIT,
    SPDK_BDEV_QOS_W_BPS_RATE_LIMIT,
    /// Keep last.
    SPDK_BDEV_QOS_NUM_RATE_LIMIT_TYPES,
}

#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct QosRateLimitTypeArg(pub c_int);

/// The RPC parameter name of a limit ("rw_ios_per_sec", ...); NULL for
/// an unknown type.
#[no_mangle]
pub extern "C" fn spdk_bdev_get_qos_rpc_type(r#type: QosRateLimitTypeArg) -> *const c_char {
    const NAMES: [&CStr; 4] = [
        c"rw_ios_per_sec",
        c"rw_mbytes_per_sec",
        c"r_mbytes_per_sec",
        c"w_mbytes_per_sec",
    ];
    usize::try_from(r#type.0)
        .ok()
        .and_then(|i| NAMES.get(i))
        .map_or(ptr::null(), |n| n.as_ptr())
}

/// Fills `limits` (SPDK_BDEV_QOS_NUM_RATE_LIMIT_TYPES entries) with the
/// bdev's limits: I/O per second, MiB per second; 0 where none is set.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_qos_rate_limits(bdev: *mut spdk_bdev, limits: *mut u64) {
    if bdev.is_null() || limits.is_null() {
        return;
    }
    let l = core::bdev_qos(bdev).map_or([0; crate::qos::NUM_LIMITS], |q| q.get());
    ptr::copy_nonoverlapping(l.as_ptr(), limits, l.len());
}

/// Sets the bdev's limits (I/O per second, MiB per second; 0 removes a
/// limit, UINT64_MAX leaves it as it is), rounded up to multiples of 1000
/// IO/s and 1 MiB/s. `cb_fn` gets 0 or a negative errno, on the calling
/// thread after this call returns.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_set_qos_rate_limits(
    bdev: *mut spdk_bdev,
    limits: *mut u64,
    cb_fn: Option<unsafe extern "C" fn(cb_arg: *mut c_void, status: c_int)>,
    cb_arg: *mut c_void,
) {
    let rc = match (limits.is_null(), core::bdev_qos(bdev)) {
        (false, Some(q)) => {
            let mut l = [0u64; crate::qos::NUM_LIMITS];
            ptr::copy_nonoverlapping(limits, l.as_mut_ptr(), l.len());
            crate::qos::normalize(&mut l);
            q.set(&l);
            0
        }
        _ => -libc::EINVAL,
    };
    let Some(cb) = cb_fn else { return };
    let done = Box::into_raw(Box::new((cb, cb_arg, rc)));
    let t = spdk_get_thread();
    if t.is_null() || spdk_thread_send_msg(t, Some(qos_set_done), done.cast()) != 0 {
        qos_set_done(done.cast());
    }
}

type QosDone = (unsafe extern "C" fn(*mut c_void, c_int), *mut c_void, c_int);

unsafe extern "C" fn qos_set_done(arg: *mut c_void) {
    let (cb, cb_arg, rc) = *Box::from_raw(arg.cast::<QosDone>());
    cb(cb_arg, rc);
}

// ---- latency histograms ----

/// Called when histograms were enabled or disabled (0 or negative errno).
pub type spdk_bdev_histogram_status_cb =
    Option<unsafe extern "C" fn(cb_arg: *mut c_void, status: c_int)>;
/// Called with gathered histogram data (0 or negative errno).
pub type spdk_bdev_histogram_data_cb =
    Option<unsafe extern "C" fn(cb_arg: *mut c_void, status: c_int, histogram: *mut HistogramData)>;

/// Optional parameters of spdk_bdev_histogram_enable_ext().
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct spdk_bdev_enable_histogram_opts {
    /// sizeof(struct spdk_bdev_enable_histogram_opts).
    pub size: usize,
    /// Bounds of the latencies tracked, in nanoseconds.
    pub min_nsec: u64,
    pub max_nsec: u64,
    /// Only this I/O type is counted (0: every type).
    pub io_type: u8,
    /// log2 of the buckets per power of two.
    pub granularity: u8,
}

const HIST_OPTS_SIZE: usize = std::mem::size_of::<spdk_bdev_enable_histogram_opts>();
const _: () = assert!(HIST_OPTS_SIZE == 26);

/// Sets the defaults (all types, granularity 7, every latency) in the
/// fields that fit in `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_enable_histogram_opts_init(
    opts: *mut spdk_bdev_enable_histogram_opts,
    size: usize,
) {
    if opts.is_null() || size == 0 {
        spdk_log::errlog!("opts should not be NULL and size not zero");
        return;
    }
    let defaults = spdk_bdev_enable_histogram_opts {
        size,
        min_nsec: 0,
        max_nsec: u64::MAX,
        io_type: 0,
        granularity: 7,
    };
    let n = size.min(HIST_OPTS_SIZE);
    ptr::write_bytes(opts.cast::<u8>(), 0, size);
    ptr::copy_nonoverlapping(
        (&defaults as *const spdk_bdev_enable_histogram_opts).cast::<u8>(),
        opts.cast::<u8>(),
        n,
    );
}

/// Turns latency histograms on or off for every channel of the bdev.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_histogram_enable(
    bdev: *mut spdk_bdev,
    cb_fn: spdk_bdev_histogram_status_cb,
    cb_arg: *mut c_void,
    enable: bool,
) {
    spdk_bdev_histogram_enable_ext(bdev, cb_fn, cb_arg, enable, ptr::null_mut());
}

/// spdk_bdev_histogram_enable() with an I/O type filter, granularity and
/// latency bounds (NULL opts: the defaults).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_histogram_enable_ext(
    bdev: *mut spdk_bdev,
    cb_fn: spdk_bdev_histogram_status_cb,
    cb_arg: *mut c_void,
    enable: bool,
    opts: *mut spdk_bdev_enable_histogram_opts,
) {
    let mut o = std::mem::zeroed::<spdk_bdev_enable_histogram_opts>();
    spdk_bdev_enable_histogram_opts_init(&mut o, HIST_OPTS_SIZE);
    if !opts.is_null() {
        let size = ptr::read_unaligned(ptr::addr_of!((*opts).size)).min(HIST_OPTS_SIZE);
        ptr::copy_nonoverlapping(opts.cast::<u8>(), ptr::addr_of_mut!(o).cast::<u8>(), size);
    }
    let Some(st) = core::state(bdev) else {
        if let Some(f) = cb_fn {
            f(cb_arg, -libc::EINVAL);
        }
        return;
    };
    let hz = spdk_env::ticks::ticks_hz() as u128;
    let to_ticks = |ns: u64| (ns as u128 * hz / 1_000_000_000).min(u64::MAX as u128) as u64;
    let max_nsec = o.max_nsec;
    let max = if max_nsec == u64::MAX {
        u64::MAX
    } else {
        to_ticks(max_nsec)
    };
    let cfg = crate::histogram::Config::new(
        enable,
        o.io_type,
        o.granularity as u32,
        to_ticks(o.min_nsec),
        max,
    );
    if enable && cfg.new_histogram().is_none() {
        if let Some(f) = cb_fn {
            f(cb_arg, -libc::EINVAL);
        }
        return;
    }
    st.set_histogram_io_type(o.io_type);
    crate::histogram::enable(bdev, cfg, cb_fn, cb_arg);
}

/// Adds every channel's latency counts to `histogram` (shaped as the
/// bdev's: same granularity and bounds) and calls `cb_fn` with it;
/// -EFAULT when histograms are not enabled.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_histogram_get(
    bdev: *mut spdk_bdev,
    histogram: *mut HistogramData,
    cb_fn: spdk_bdev_histogram_data_cb,
    cb_arg: *mut c_void,
) {
    let Some(cb) = cb_fn else { return };
    if bdev.is_null() || histogram.is_null() || core::state(bdev).is_none() {
        cb(cb_arg, -libc::EINVAL, histogram);
        return;
    }
    crate::histogram::get(bdev, histogram, cb, cb_arg);
}

/// Calls `cb_fn` with this channel's histogram, valid during the call
/// (-EFAULT and NULL when histograms are off).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_channel_get_histogram(
    ch: *mut spdk_io_channel,
    cb_fn: spdk_bdev_histogram_data_cb,
    cb_arg: *mut c_void,
) {
    let Some(cb) = cb_fn else { return };
    if ch.is_null() {
        cb(cb_arg, -libc::EINVAL, ptr::null_mut());
        return;
    }
    crate::histogram::get_channel_histogram(ch, cb, cb_arg);
}

// ---- abort ----

/// Aborts every I/O submitted on `ch` with callback argument `bio_cb_arg`
/// before this call; `cb` reports whether they were all aborted (false
/// when none was found). -EINVAL for a NULL `bio_cb_arg`, -ENOTSUP when
/// the bdev's module cannot abort, -ENOMEM without a free spdk_bdev_io.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_abort(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    bio_cb_arg: *mut c_void,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let Some(d) = desc_ref(desc) else {
        return -libc::EINVAL;
    };
    if ch.is_null() || bio_cb_arg.is_null() {
        return -libc::EINVAL;
    }
    if !core::io_type_supported(d.bdev, SPDK_BDEV_IO_TYPE_ABORT) {
        return -libc::ENOTSUP;
    }
    let mut a = args(
        SPDK_BDEV_IO_TYPE_ABORT,
        ptr::null_mut(),
        ptr::null_mut(),
        0,
        0,
        0,
        cb,
        cb_arg,
    );
    a.abort_cb_arg = bio_cb_arg;
    core::submit(d, ch, a)
}
