//! The C ABI of include/spdk/bdev_module.h: the structs a bdev module
//! fills in (with SPDK's layouts), registration of modules and bdevs, and
//! the calls a module makes on an spdk_bdev_io.
//!
//! `struct spdk_bdev` has C bitfields, so its C definition is hand-written
//! in headers/bdev_module.pre.h; the Rust struct below has the same layout
//! (checked from C in capi-tests/bdev_test.c).

use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr;

use ::spdk_thread::ffi::thread::iobuf::spdk_iobuf_entry;
use ::spdk_thread::ffi::thread::{spdk_io_channel, spdk_thread};
use libc::iovec;
use spdk_json::ffi::json::spdk_json_write_ctx;
use spdk_util::ffi::uuid::spdk_uuid;

use crate::core;

pub mod aliases;
pub mod io;
pub mod part;
pub mod quiesce;
pub mod scsi;
pub mod stats;

use crate::ffi::bdev::{
    spdk_bdev_io_completion_cb, spdk_bdev_io_stat, spdk_bdev_io_type, spdk_bdev_io_wait_entry,
    spdk_bdev_nvme_ctratt, ResetStatModeArg,
};

/// A bdev module: its callbacks and name.
#[repr(C)]
pub struct spdk_bdev_module {
    pub module_init: Option<unsafe extern "C" fn() -> c_int>,
    pub init_complete: Option<unsafe extern "C" fn()>,
    pub fini_start: Option<unsafe extern "C" fn()>,
    pub module_fini: Option<unsafe extern "C" fn()>,
    pub config_json: Option<unsafe extern "C" fn(w: *mut spdk_json_write_ctx) -> c_int>,
    pub name: *const c_char,
    pub get_ctx_size: Option<unsafe extern "C" fn() -> c_int>,
    pub examine_config: Option<unsafe extern "C" fn(bdev: *mut spdk_bdev)>,
    pub examine_disk: Option<unsafe extern "C" fn(bdev: *mut spdk_bdev)>,
    pub async_init: bool,
    pub async_fini: bool,
    pub async_fini_start: bool,
    /// Private to the bdev library.
    pub internal: spdk_bdev_module_internal_fields,
}

/// Private to the bdev library.
#[repr(C)]
pub struct spdk_bdev_module_internal_fields {
    pub action_in_progress: u32,
    pub reserved0: u32,
    pub reserved: [u64; 8],
}

impl spdk_bdev_module_internal_fields {
    pub const fn new() -> Self {
        spdk_bdev_module_internal_fields {
            action_in_progress: 0,
            reserved0: 0,
            reserved: [0; 8],
        }
    }
}

impl Default for spdk_bdev_module_internal_fields {
    fn default() -> Self {
        Self::new()
    }
}

/// Called when the buffer asked with spdk_bdev_io_get_buf() is attached
/// (`success`) or cannot be.
pub type spdk_bdev_io_get_buf_cb = Option<
    unsafe extern "C" fn(ch: *mut spdk_io_channel, bdev_io: *mut spdk_bdev_io, success: bool),
>;

/// Kinds of claim a module may hold on a bdev.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_bdev_claim_type {
    /// Not claimed (never requested).
    SPDK_BDEV_CLAIM_NONE = 0,
    SPDK_BDEV_CLAIM_EXCL_WRITE,
    SPDK_BDEV_CLAIM_READ_MANY_WRITE_ONE,
    SPDK_BDEV_CLAIM_READ_MANY_WRITE_NONE,
    SPDK_BDEV_CLAIM_READ_MANY_WRITE_SHARED,
}

#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct ClaimTypeArg(pub c_int);

/// Called when spdk_bdev_unregister() finishes.
pub type spdk_bdev_unregister_cb = Option<unsafe extern "C" fn(cb_arg: *mut c_void, rc: c_int)>;

/// The functions a module provides for each of its bdevs.
#[repr(C)]
pub struct spdk_bdev_fn_table {
    pub destruct: Option<unsafe extern "C" fn(ctx: *mut c_void) -> c_int>,
    pub submit_request:
        Option<unsafe extern "C" fn(ch: *mut spdk_io_channel, bdev_io: *mut spdk_bdev_io)>,
    pub io_type_supported:
        Option<unsafe extern "C" fn(ctx: *mut c_void, io_type: spdk_bdev_io_type) -> bool>,
    pub get_io_channel: Option<unsafe extern "C" fn(ctx: *mut c_void) -> *mut spdk_io_channel>,
    pub dump_info_json:
        Option<unsafe extern "C" fn(ctx: *mut c_void, w: *mut spdk_json_write_ctx) -> c_int>,
    pub write_config_json:
        Option<unsafe extern "C" fn(bdev: *mut spdk_bdev, w: *mut spdk_json_write_ctx)>,
    pub get_spin_time: Option<unsafe extern "C" fn(ch: *mut spdk_io_channel) -> u64>,
    pub get_module_ctx: Option<unsafe extern "C" fn(ctx: *mut c_void) -> *mut c_void>,
    pub get_memory_domains: Option<
        unsafe extern "C" fn(
            ctx: *mut c_void,
            domains: *mut *mut c_void,
            array_size: c_int,
        ) -> c_int,
    >,
    pub reset_device_stat: Option<unsafe extern "C" fn(ctx: *mut c_void)>,
    pub dump_device_stat_json:
        Option<unsafe extern "C" fn(ctx: *mut c_void, w: *mut spdk_json_write_ctx)>,
    pub accel_sequence_supported:
        Option<unsafe extern "C" fn(ctx: *mut c_void, type_: spdk_bdev_io_type) -> bool>,
}

/// Completion status of an spdk_bdev_io.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_bdev_io_status {
    SPDK_BDEV_IO_STATUS_AIO_ERROR = -8,
    SPDK_BDEV_IO_STATUS_ABORTED = -7,
    SPDK_BDEV_IO_STATUS_FIRST_FUSED_FAILED = -6,
    SPDK_BDEV_IO_STATUS_MISCOMPARE = -5,
    SPDK_BDEV_IO_STATUS_NOMEM = -4,
    SPDK_BDEV_IO_STATUS_SCSI_ERROR = -3,
    SPDK_BDEV_IO_STATUS_NVME_ERROR = -2,
    SPDK_BDEV_IO_STATUS_FAILED = -1,
    SPDK_BDEV_IO_STATUS_PENDING = 0,
    SPDK_BDEV_IO_STATUS_SUCCESS = 1,
}

#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct IoStatusArg(pub c_int);

#[doc(hidden)]
#[repr(C)]
pub struct AliasesHead {
    pub tqh_first: *mut c_void,
    pub tqh_last: *mut *mut c_void,
}

/// A block device, as a module describes it (see the C definition in
/// spdk/bdev_module.h; the bitfield words are `flags` and `numa` here).
#[doc(hidden)]
#[repr(C)]
pub struct spdk_bdev {
    pub ctxt: *mut c_void,
    pub name: *mut c_char,
    pub aliases: AliasesHead,
    pub product_name: *mut c_char,
    pub write_cache: c_int,
    pub blocklen: u32,
    pub phys_blocklen: u32,
    pub io_type_supported: u32,
    pub blockcnt: u64,
    /// split_on_write_unit:1, split_on_optimal_io_boundary:1,
    /// md_interleave:1, dif_is_head_of_md:1, zoned:1, media_events:1,
    /// memory_domains_supported:1.
    pub flags: u32,
    pub write_unit_size: u32,
    pub acwu: u16,
    pub required_alignment: u8,
    pub reserved1: u8,
    pub optimal_io_boundary: u32,
    pub preferred_write_alignment: u32,
    pub preferred_write_granularity: u32,
    pub optimal_write_size: u32,
    pub preferred_unmap_alignment: u32,
    pub preferred_unmap_granularity: u32,
    pub max_segment_size: u32,
    pub max_num_segments: u32,
    pub max_unmap: u32,
    pub max_unmap_segments: u32,
    pub max_write_zeroes: u32,
    pub max_copy: u32,
    pub max_rw_size: u32,
    pub uuid: spdk_uuid,
    pub md_len: u32,
    pub reserved2: [u8; 4],
    pub dif_type: u32,
    pub dif_pi_format: u32,
    pub reserved3: [u8; 4],
    pub dif_check_flags: u32,
    pub reserved4: [u8; 8],
    pub zone_size: u64,
    pub max_zone_append_size: u32,
    pub max_open_zones: u32,
    pub max_active_zones: u32,
    pub optimal_open_zones: u32,
    pub reserved6: [u8; 4],
    pub ctratt: spdk_bdev_nvme_ctratt,
    pub nsid: u32,
    pub reset_io_drain_timeout: u16,
    pub reserved7: [u8; 2],
    /// id_valid:1, id:31.
    pub numa: u32,
    pub accel_sequence_supported: u32,
    pub module: *mut spdk_bdev_module,
    pub fn_table: *const spdk_bdev_fn_table,
    pub internal: BdevInternal,
}

/// The library's part of `struct spdk_bdev` (336 bytes, as SPDK's).
#[doc(hidden)]
#[repr(C)]
pub struct BdevInternal {
    pub state: *mut core::BdevState,
    pub reserved: [u64; 41],
}

pub const BDEV_FLAG_SPLIT_ON_WRITE_UNIT: u32 = 1 << 0;
pub const BDEV_FLAG_SPLIT_ON_OPTIMAL_IO_BOUNDARY: u32 = 1 << 1;
pub const BDEV_FLAG_MD_INTERLEAVE: u32 = 1 << 2;
pub const BDEV_FLAG_DIF_IS_HEAD_OF_MD: u32 = 1 << 3;
pub const BDEV_FLAG_ZONED: u32 = 1 << 4;
pub const BDEV_FLAG_MEDIA_EVENTS: u32 = 1 << 5;

impl spdk_bdev {
    /// An all-zero bdev for a module to fill in.
    pub fn zeroed() -> spdk_bdev {
        // SAFETY: every field is an integer, a nullable pointer or an
        // Option of a function pointer: all-zero is valid.
        unsafe { std::mem::zeroed() }
    }

    pub fn md_interleave(&self) -> bool {
        self.flags & BDEV_FLAG_MD_INTERLEAVE != 0
    }

    pub fn zoned(&self) -> bool {
        self.flags & BDEV_FLAG_ZONED != 0
    }

    pub fn name_bytes(&self) -> &[u8] {
        if self.name.is_null() {
            return b"";
        }
        // SAFETY: a registered bdev's name is a C string.
        unsafe { CStr::from_ptr(self.name).to_bytes() }
    }
}

/// Scatter-list parameters of block I/O (read, write, unmap, ...).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_bdev_io_block_params {
    pub iovs: *mut iovec,
    pub iovcnt: c_int,
    pub num_blocks: u64,
    pub offset_blocks: u64,
    pub memory_domain: *mut c_void,
    pub memory_domain_ctx: *mut c_void,
    pub accel_sequence: *mut c_void,
    pub md_buf: *mut c_void,
    pub fused_iovs: *mut iovec,
    pub fused_iovcnt: c_int,
    pub dif_check_flags: u32,
    pub nvme_cdw12: u32,
    pub nvme_cdw13: u32,
    pub zcopy: spdk_bdev_io_zcopy_params,
    pub abort: spdk_bdev_io_abort_cb_params,
    pub seek: spdk_bdev_io_seek_params,
    pub copy: spdk_bdev_io_copy_params,
    /// DIF context and error (not provided yet).
    pub reserved: [u64; 12],
}

/// Zero-copy flags of a block I/O (populate, commit, start bits).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_bdev_io_zcopy_params {
    pub flags: u8,
}

/// The abort an I/O was submitted for: the caller context to match.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_bdev_io_abort_cb_params {
    pub bio_cb_arg: *mut c_void,
}

/// Where a seek (data/hole) ended.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_bdev_io_seek_params {
    pub offset: u64,
}

/// The source of a copy.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_bdev_io_copy_params {
    pub src_offset_blocks: u64,
}

/// Per-type parameters of an spdk_bdev_io.
#[repr(C)]
pub union spdk_bdev_io_params {
    pub bdev: spdk_bdev_io_block_params,
    pub abort: spdk_bdev_io_abort_params,
    pub zone_mgmt: spdk_bdev_io_zone_mgmt_params,
    pub nvme_passthru: spdk_bdev_io_nvme_passthru_params,
    pub raw: [u64; 27],
}

/// Parameters of the NVMe passthru types (admin, I/O, I/O with metadata,
/// vectored I/O with metadata).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_bdev_io_nvme_passthru_params {
    /// The command as the caller built it.
    pub cmd: crate::ffi::bdev::NvmeCmd,
    /// Vectored data (NVME_IOV_MD only, else NULL/0).
    pub iovs: *mut iovec,
    pub iovcnt: c_int,
    /// Contiguous data (not NVME_IOV_MD).
    pub buf: *mut c_void,
    pub nbytes: usize,
    /// Metadata (the _md types only).
    pub md_buf: *mut c_void,
    pub md_len: usize,
}

const _: () = assert!(std::mem::size_of::<spdk_bdev_io_nvme_passthru_params>() == 112);

/// Parameters of the zone I/O types (get_zone_info, zone_management).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_bdev_io_zone_mgmt_params {
    /// First block of the (first) zone.
    pub zone_id: u64,
    /// Number of zones (get_zone_info; 1 for management).
    pub num_zones: u32,
    /// What to do to the zone.
    pub zone_action: crate::ffi::bdev_zone::ZoneActionArg,
    /// get_zone_info: the caller's array of num_zones spdk_bdev_zone_info.
    pub buf: *mut c_void,
}

/// Parameters of an abort a module receives: the I/O to abort.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_bdev_io_abort_params {
    pub bio_to_abort: *mut spdk_bdev_io,
}

/// The library's part of an spdk_bdev_io (320 bytes, as SPDK's): modules
/// must not touch it.
#[repr(C)]
pub struct spdk_bdev_io_internal_fields {
    pub ch: *mut c_void,
    pub desc: *mut c_void,
    pub cb: spdk_bdev_io_completion_cb,
    pub caller_ctx: *mut c_void,
    pub submit_tsc: u64,
    /// Free-list link.
    pub next: *mut spdk_bdev_io,
    pub status: i8,
    pub in_submit_request: u8,
    pub has_buf: u8,
    /// Taken over by the library (split, emulated, abort parents): on the
    /// submitted list, never given to the module as it stands.
    pub held: u8,
    /// SCSI status of an I/O completed with SPDK_BDEV_IO_STATUS_SCSI_ERROR:
    /// status code, sense key, additional sense code and qualifier.
    pub scsi_sc: u8,
    pub scsi_sk: u8,
    pub scsi_asc: u8,
    pub scsi_ascq: u8,
    /// The iobuf buffer spdk_bdev_io_get_buf() attached, and its length.
    pub buf: *mut c_void,
    pub buf_len: u64,
    pub get_buf_cb: spdk_bdev_io_get_buf_cb,
    pub iobuf: spdk_iobuf_entry,
    /// NVMe completion (cdw0, sct, sc) or aio result of a failed I/O.
    pub err_cdw0: u32,
    pub err_sct: i16,
    pub err_sc: i16,
    pub err_aio: c_int,
    pub reserved1: u32,
    /// Splitting, on a parent I/O: the next block to submit, the blocks
    /// left to submit, the cursor in the parent's iovs, the children in
    /// flight and the child_iov slots they hold.
    pub split_offset: u64,
    pub split_remaining: u64,
    pub split_iov_off: u64,
    pub split_iov_idx: u32,
    pub split_outstanding: u32,
    pub split_iov_used: u32,
    /// A child failed: the parent fails.
    pub split_failed: u8,
    /// This I/O is a child of a split one (not counted in the statistics).
    pub child: u8,
    /// An emulated copy walks its range from the end (dst overlaps src
    /// from above).
    pub emu_backward: u8,
    /// On its channel's list of I/Os an abort can find.
    pub tracked: u8,
    /// A split parent waiting for a free spdk_bdev_io.
    pub wait: spdk_bdev_io_wait_entry,
    /// Bounce buffer: the caller's iovs while the module works on
    /// bounce_iov (a buffer with the alignment the bdev requires).
    pub orig_iovs: *mut iovec,
    pub orig_iovcnt: c_int,
    pub reserved3: u32,
    pub bounce_iov: iovec,
    /// The read half of an emulated compare or copy step.
    pub emu_child: *mut spdk_bdev_io,
    /// Links of the channel's list of submitted I/Os.
    pub sub_next: *mut spdk_bdev_io,
    pub sub_prev: *mut spdk_bdev_io,
    /// spdk_bdev_part_submit_request_ext(): the module's completion of a
    /// part I/O forwarded to the base.
    pub part_cb: spdk_bdev_io_completion_cb,
    pub reserved: [u64; 7],
}

/// One I/O: what a module's submit_request receives.
#[repr(C)]
pub struct spdk_bdev_io {
    pub bdev: *mut spdk_bdev,
    pub r#type: u8,
    pub reserved0: u8,
    pub num_retries: u16,
    pub reserved1: u32,
    pub iov: iovec,
    pub child_iov: [iovec; 32],
    pub reserved2: [u8; 32],
    pub u: spdk_bdev_io_params,
    pub reserved3: [u8; 40],
    pub internal: spdk_bdev_io_internal_fields,
    pub reserved4: [u8; 64],
    /// The module's per-I/O context (get_ctx_size() bytes).
    pub driver_ctx: [u8; 0],
}

const _: () = assert!(std::mem::size_of::<spdk_bdev>() == 576);
const _: () = assert!(std::mem::size_of::<spdk_bdev_io>() == 1216);
const _: () = assert!(std::mem::size_of::<spdk_bdev_io_internal_fields>() == 320);
const _: () = assert!(std::mem::size_of::<spdk_bdev_module>() == 152);
const _: () = assert!(std::mem::size_of::<spdk_bdev_fn_table>() == 96);
const _: () = assert!(std::mem::offset_of!(spdk_bdev, fn_table) == 232);
const _: () = assert!(std::mem::offset_of!(spdk_bdev, uuid) == 128);
const _: () = assert!(std::mem::offset_of!(spdk_bdev, numa) == 216);
const _: () = assert!(std::mem::offset_of!(spdk_bdev_io, u) == 576);
const _: () = assert!(std::mem::offset_of!(spdk_bdev_module, internal) == 80);
const _: () = assert!(std::mem::offset_of!(spdk_bdev_io, internal) == 832);

// ---- modules ----

/// Adds a module to the list the library initializes
/// (SPDK_BDEV_MODULE_REGISTER calls it from a constructor).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_module_list_add(bdev_module: *mut spdk_bdev_module) {
    if bdev_module.is_null() || (*bdev_module).name.is_null() {
        spdk_log::errlog!("spdk_bdev_module_list_add: module or its name is NULL");
        return;
    }
    core::module_add(bdev_module);
}

/// The registered module named `name`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_module_list_find(name: *const c_char) -> *mut spdk_bdev_module {
    if name.is_null() {
        return ptr::null_mut();
    }
    core::module_find(CStr::from_ptr(name).to_bytes())
}

/// An async_init module reports that its initialization finished.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_module_init_done(module: *mut spdk_bdev_module) {
    if module.is_null() {
        return;
    }
    if !(*module).async_init {
        spdk_log::errlog!("spdk_bdev_module_init_done: module is not async_init");
        return;
    }
    core::action_done(module);
}

/// A module's examine_config or examine_disk of a bdev is finished.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_module_examine_done(module: *mut spdk_bdev_module) {
    if module.is_null() {
        return;
    }
    core::action_done(module);
}

/// An async_fini module reports that its finalization finished.
#[no_mangle]
pub extern "C" fn spdk_bdev_module_fini_done() {
    core::module_fini_done();
}

// ---- claims (v1) ----

/// The name of a claim type, as bdev_get_bdevs shows it.
#[no_mangle]
pub extern "C" fn spdk_bdev_claim_get_name(claim_type: ClaimTypeArg) -> *const c_char {
    match claim_type.0 {
        0 => c"not_claimed".as_ptr(),
        1 => c"exclusive_write".as_ptr(),
        2 => c"read_many_write_one".as_ptr(),
        3 => c"read_many_write_none".as_ptr(),
        4 => c"read_many_write_shared".as_ptr(),
        _ => c"invalid_claim".as_ptr(),
    }
}

/// Claims `bdev` for `module` (exclusive write): nobody else may open it
/// for writing, and it is no longer a leaf. `desc` (optional) becomes
/// writable. -EPERM when already claimed.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_module_claim_bdev(
    bdev: *mut spdk_bdev,
    desc: *mut crate::ffi::bdev::spdk_bdev_desc,
    module: *mut spdk_bdev_module,
) -> c_int {
    if bdev.is_null() || module.is_null() {
        return -libc::EINVAL;
    }
    core::claim(bdev, desc.cast(), module)
}

/// Releases the claim of spdk_bdev_module_claim_bdev().
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_module_release_bdev(bdev: *mut spdk_bdev) {
    if bdev.is_null() {
        return;
    }
    core::release(bdev);
}

// ---- bdevs ----

/// Registers a bdev filled in by its module. 0, -EINVAL (bad fields),
/// -EEXIST (name taken).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_register(bdev: *mut spdk_bdev) -> c_int {
    if bdev.is_null() {
        return -libc::EINVAL;
    }
    core::register(bdev)
}

/// Unregisters a bdev: open descriptors get a remove event; when the last
/// is closed the module's destruct runs and `cb_fn(cb_arg, rc)` is called
/// on the calling thread.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_unregister(
    bdev: *mut spdk_bdev,
    cb_fn: spdk_bdev_unregister_cb,
    cb_arg: *mut c_void,
) {
    if bdev.is_null() {
        if let Some(f) = cb_fn {
            f(cb_arg, -libc::EINVAL);
        }
        return;
    }
    core::unregister(bdev, cb_fn, cb_arg);
}

/// Unregisters the bdev named `bdev_name` of `module`; -ENODEV when there is none.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_unregister_by_name(
    bdev_name: *const c_char,
    module: *mut spdk_bdev_module,
    cb_fn: spdk_bdev_unregister_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if bdev_name.is_null() {
        return -libc::EINVAL;
    }
    let bdev = core::find(CStr::from_ptr(bdev_name).to_bytes());
    if bdev.is_null() {
        return -libc::ENODEV;
    }
    if (*bdev).module != module {
        return -libc::ENODEV;
    }
    core::unregister(bdev, cb_fn, cb_arg);
    0
}

/// A module whose destruct returned > 0 reports the end of it.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_destruct_done(bdev: *mut spdk_bdev, bdeverrno: c_int) {
    if bdev.is_null() {
        return;
    }
    core::destruct_done(bdev, bdeverrno);
}

// ---- spdk_bdev_io ----

/// Completes an I/O; its callback runs on the submitting thread.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_complete(bdev_io: *mut spdk_bdev_io, status: IoStatusArg) {
    if bdev_io.is_null() {
        spdk_log::errlog!("spdk_bdev_io_complete: bdev_io is NULL");
        return;
    }
    let s = if (-8..=1).contains(&status.0) {
        status.0
    } else {
        -1
    };
    core::complete(bdev_io, s as i8);
}

/// The bdev status matching an NVMe completion, recorded in the I/O.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_set_nvme_status(
    bdev_io: *mut spdk_bdev_io,
    cdw0: u32,
    sct: c_int,
    sc: c_int,
) -> spdk_bdev_io_status {
    if bdev_io.is_null() {
        return spdk_bdev_io_status::SPDK_BDEV_IO_STATUS_FAILED;
    }
    core::set_nvme_status(bdev_io, cdw0, sct, sc)
}

/// Completes an I/O with an NVMe status.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_complete_nvme_status(
    bdev_io: *mut spdk_bdev_io,
    cdw0: u32,
    sct: c_int,
    sc: c_int,
) {
    if bdev_io.is_null() {
        return;
    }
    let s = core::set_nvme_status(bdev_io, cdw0, sct, sc);
    core::complete(bdev_io, s as i8);
}

/// The bdev status matching an aio result (0: success), recorded in the I/O.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_set_aio_status(
    bdev_io: *mut spdk_bdev_io,
    aio_result: c_int,
) -> spdk_bdev_io_status {
    if bdev_io.is_null() {
        return spdk_bdev_io_status::SPDK_BDEV_IO_STATUS_FAILED;
    }
    core::set_aio_status(bdev_io, aio_result)
}

/// Completes an I/O with an aio result (0 or a negative errno).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_complete_aio_status(
    bdev_io: *mut spdk_bdev_io,
    aio_result: c_int,
) {
    if bdev_io.is_null() {
        return;
    }
    let s = core::set_aio_status(bdev_io, aio_result);
    core::complete(bdev_io, s as i8);
}

/// Resets the counters of `stat` as `mode` says.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_reset_io_stat(
    stat: *mut spdk_bdev_io_stat,
    mode: ResetStatModeArg,
) {
    let Some(m) = core::reset_mode(mode.0) else {
        return;
    };
    if let Some(s) = stat.as_mut() {
        core::reset_stat(s, m);
    }
}

/// The bdev_io whose driver_ctx is `ctx`.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_from_ctx(ctx: *mut c_void) -> *mut spdk_bdev_io {
    if ctx.is_null() {
        return ptr::null_mut();
    }
    ctx.cast::<u8>()
        .sub(std::mem::offset_of!(spdk_bdev_io, driver_ctx))
        .cast()
}

/// The I/O channel (the bdev's, as the caller passed it) the I/O was submitted on.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_get_io_channel(
    bdev_io: *mut spdk_bdev_io,
) -> *mut spdk_io_channel {
    if bdev_io.is_null() {
        return ptr::null_mut();
    }
    core::io_channel_of(bdev_io)
}

/// The thread the I/O was submitted from.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_get_thread(bdev_io: *mut spdk_bdev_io) -> *mut spdk_thread {
    if bdev_io.is_null() {
        return ptr::null_mut();
    }
    core::thread_of(bdev_io)
}

/// Attaches a data buffer of `len` bytes to an I/O that has none (a read
/// submitted with a NULL buffer), from the library's iobuf pools, then
/// calls `cb` on the submitting thread (later when the pool is empty). An
/// I/O that has a buffer gets `cb` at once. The buffer is released by
/// spdk_bdev_free_io().
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_get_buf(
    bdev_io: *mut spdk_bdev_io,
    cb: spdk_bdev_io_get_buf_cb,
    len: u64,
) {
    if bdev_io.is_null() || cb.is_none() {
        spdk_log::errlog!("spdk_bdev_io_get_buf: bdev_io or cb is NULL");
        return;
    }
    core::get_buf(bdev_io, cb, len);
}

/// The I/O's data scatter list.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_get_iovec(
    bdev_io: *mut spdk_bdev_io,
    iovp: *mut *mut iovec,
    iovcntp: *mut c_int,
) {
    if bdev_io.is_null() {
        return;
    }
    let (iovs, cnt) = match (*bdev_io).r#type {
        1 | 2 | 14 | 15 => ((*bdev_io).u.bdev.iovs, (*bdev_io).u.bdev.iovcnt),
        _ => (ptr::null_mut(), 0),
    };
    if !iovp.is_null() {
        *iovp = iovs;
    }
    if !iovcntp.is_null() {
        *iovcntp = cnt;
    }
}

/// Tells the library that the bdev now has `size` blocks: open
/// descriptors get SPDK_BDEV_EVENT_RESIZE. -EBUSY when it would shrink
/// under open descriptors; -EINVAL for NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_notify_blockcnt_change(
    bdev: *mut spdk_bdev,
    size: u64,
) -> c_int {
    if bdev.is_null() {
        return -libc::EINVAL;
    }
    core::notify_blockcnt_change(bdev, size)
}

// ---- claims (v2) ----

/// Longest claim name, with its terminator.
pub const SPDK_BDEV_CLAIM_NAME_LEN: usize = 32;

/// Options of spdk_bdev_module_claim_bdev_desc().
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_bdev_claim_opts {
    /// sizeof(struct spdk_bdev_claim_opts).
    pub opts_size: usize,
    /// A printable name of the claim (NUL-terminated), for messages.
    pub name: [c_char; 32],
    /// The key of a SPDK_BDEV_CLAIM_READ_MANY_WRITE_SHARED claim (non-zero).
    pub shared_claim_key: u64,
}

const CLAIM_OPTS_SIZE: usize = std::mem::size_of::<spdk_bdev_claim_opts>();
const _: () = assert!(CLAIM_OPTS_SIZE == 48);

/// Zeroes `opts` (the first `size` bytes) and records `size`.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_claim_opts_init(opts: *mut spdk_bdev_claim_opts, size: usize) {
    if opts.is_null() || size == 0 {
        spdk_log::errlog!("opts should not be NULL and size not zero");
        return;
    }
    ptr::write_bytes(opts.cast::<u8>(), 0, size);
    ptr::write_unaligned(ptr::addr_of_mut!((*opts).opts_size), size);
}

/// Claims the bdev of `desc` for `module` with a claim of `type`, held
/// until `desc` closes: READ_MANY_WRITE_ONE (this descriptor is the only
/// writer), READ_MANY_WRITE_NONE (readers only), READ_MANY_WRITE_SHARED
/// (writers sharing `opts->shared_claim_key`), or EXCL_WRITE (as
/// spdk_bdev_module_claim_bdev()). A read-only descriptor becomes writable
/// with a writing claim. -EPERM on a conflicting claim or writer, -EINVAL
/// on bad options, -ENOTSUP for an unknown type.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_module_claim_bdev_desc(
    desc: *mut crate::ffi::bdev::spdk_bdev_desc,
    r#type: ClaimTypeArg,
    opts: *mut spdk_bdev_claim_opts,
    module: *mut spdk_bdev_module,
) -> c_int {
    if desc.is_null() {
        spdk_log::errlog!("descriptor must not be NULL");
        return -libc::EINVAL;
    }
    let mut key = 0;
    if !opts.is_null() {
        let size = ptr::read_unaligned(ptr::addr_of!((*opts).opts_size));
        if size == 0 {
            spdk_log::errlog!("size should not be zero");
            return -libc::EINVAL;
        }
        let key_end = std::mem::offset_of!(spdk_bdev_claim_opts, shared_claim_key) + 8;
        if size >= key_end {
            key = ptr::read_unaligned(ptr::addr_of!((*opts).shared_claim_key));
        }
    }
    let ty = match r#type.0 {
        t @ 1..=4 => t as u8,
        t => {
            spdk_log::errlog!("claim type {} not supported", t);
            return -libc::ENOTSUP;
        }
    };
    core::claim_desc(desc.cast(), ty, key, module)
}
