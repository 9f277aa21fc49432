//! The bdev part API (SPDK's lib/bdev/part.c): a module opens a base bdev
//! once (spdk_bdev_part_base_construct_ext) and registers parts of it as
//! bdevs (spdk_bdev_part_construct_ext); part I/O is forwarded to the base
//! shifted by the part's offset (spdk_bdev_part_submit_request). The
//! module allocates its parts (calloc) and frees them through
//! spdk_bdev_part_free() from its destruct.

use std::ffi::{c_char, c_int, c_void};

use ::spdk_thread::ffi::thread::{
    spdk_io_channel, spdk_io_channel_create_cb, spdk_io_channel_destroy_cb,
};
use spdk_util::ffi::uuid::spdk_uuid;

use super::{spdk_bdev, spdk_bdev_fn_table, spdk_bdev_io, spdk_bdev_module};
use crate::ffi::bdev::{spdk_bdev_desc, spdk_bdev_io_completion_cb, spdk_bdev_remove_cb_t};

/// A base bdev opened for parts (private to the library).
pub struct spdk_bdev_part_base {
    _opaque: [u8; 0],
}

#[doc(hidden)]
#[repr(C)]
pub struct PartLink {
    pub tqe_next: *mut spdk_bdev_part,
    pub tqe_prev: *mut *mut spdk_bdev_part,
}

#[doc(hidden)]
#[repr(C)]
pub struct PartTailq {
    pub tqh_first: *mut spdk_bdev_part,
    pub tqh_last: *mut *mut spdk_bdev_part,
}

/// The library's fields of a part (modules use the getters).
#[repr(C)]
pub struct bdev_part_internal_fields {
    /// The part's own bdev (not the base).
    pub bdev: spdk_bdev,
    pub base: *mut spdk_bdev_part_base,
    /// Where the part starts in the base, in blocks.
    pub offset_blocks: u64,
}

/// A part: allocated by its module, filled by spdk_bdev_part_construct_ext().
#[repr(C)]
pub struct spdk_bdev_part {
    /// Entry of the module's list of parts.
    pub tailq: PartLink,
    pub internal: bdev_part_internal_fields,
}

/// The start of every part channel (the module's channel_size covers it).
#[repr(C)]
pub struct spdk_bdev_part_channel {
    pub part: *mut spdk_bdev_part,
    pub base_ch: *mut spdk_io_channel,
}

/// Options of spdk_bdev_part_construct_ext().
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_bdev_part_construct_opts {
    /// sizeof(struct spdk_bdev_part_construct_opts) as the caller knows it.
    pub opts_size: u64,
    /// The part's UUID (all zeroes: derived from the base's and the range).
    pub uuid: spdk_uuid,
}

const _: () = assert!(std::mem::size_of::<spdk_bdev_part_construct_opts>() == 24);
const _: () = assert!(std::mem::size_of::<spdk_bdev_part>() == 16 + 576 + 16);

/// Frees the module's context of a base.
pub type spdk_bdev_part_base_free_fn = Option<unsafe extern "C" fn(ctx: *mut c_void)>;

/// The base bdev.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_base_get_bdev(
    part_base: *mut spdk_bdev_part_base,
) -> *mut spdk_bdev {
    crate::part::base_ref(part_base).map_or(std::ptr::null_mut(), |b| b.bdev)
}

/// The base bdev's name.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_base_get_bdev_name(
    part_base: *mut spdk_bdev_part_base,
) -> *const c_char {
    crate::part::base_ref(part_base).map_or(std::ptr::null(), |b| (*b.bdev).name)
}

/// The descriptor the base is open with.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_base_get_desc(
    part_base: *mut spdk_bdev_part_base,
) -> *mut spdk_bdev_desc {
    crate::part::base_ref(part_base).map_or(std::ptr::null_mut(), |b| b.desc.cast())
}

/// The module's list of parts given at construction.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_base_get_tailq(
    part_base: *mut spdk_bdev_part_base,
) -> *mut PartTailq {
    crate::part::base_ref(part_base).map_or(std::ptr::null_mut(), |b| b.tailq)
}

/// The module's context of the base.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_base_get_ctx(
    part_base: *mut spdk_bdev_part_base,
) -> *mut c_void {
    crate::part::base_ref(part_base).map_or(std::ptr::null_mut(), |b| b.ctx)
}

/// Closes the base (on the thread that opened it), calls the module's
/// free_fn and frees the base.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_base_free(base: *mut spdk_bdev_part_base) {
    if base.is_null() {
        return;
    }
    crate::part::base_free(base.cast());
}

/// Frees a part once its channels are gone (called from the module's
/// destruct); returns 1: the destruct finishes asynchronously.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_free(part: *mut spdk_bdev_part) -> c_int {
    if part.is_null() {
        return -libc::EINVAL;
    }
    crate::part::part_free(part)
}

/// Unregisters every part of `tailq` built on `part_base` (for the
/// module's remove callback).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_base_hotremove(
    part_base: *mut spdk_bdev_part_base,
    tailq: *mut PartTailq,
) {
    if part_base.is_null() || tailq.is_null() {
        return;
    }
    crate::part::hotremove(part_base.cast(), tailq);
}

/// Opens `bdev_name` (read-only until a part claims it) as a base for
/// parts of `module`. The library sets `fn_table`'s get_io_channel and
/// io_type_supported; part channels are `channel_size` bytes starting with
/// a struct spdk_bdev_part_channel. 0, -ENODEV (no such bdev), -EINVAL.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_base_construct_ext(
    bdev_name: *const c_char,
    remove_cb: spdk_bdev_remove_cb_t,
    module: *mut spdk_bdev_module,
    fn_table: *mut spdk_bdev_fn_table,
    tailq: *mut PartTailq,
    free_fn: spdk_bdev_part_base_free_fn,
    ctx: *mut c_void,
    channel_size: u32,
    ch_create_cb: spdk_io_channel_create_cb,
    ch_destroy_cb: spdk_io_channel_destroy_cb,
    base: *mut *mut spdk_bdev_part_base,
) -> c_int {
    if base.is_null()
        || bdev_name.is_null()
        || module.is_null()
        || fn_table.is_null()
        || tailq.is_null()
    {
        return -libc::EINVAL;
    }
    if (channel_size as usize) < std::mem::size_of::<spdk_bdev_part_channel>() {
        spdk_log::errlog!(
            "part channel size {} is smaller than struct spdk_bdev_part_channel",
            channel_size
        );
        return -libc::EINVAL;
    }
    let def = crate::part::BaseDef {
        remove_cb,
        module,
        fn_table,
        tailq,
        free_fn,
        ctx,
        channel_size,
        ch_create_cb,
        ch_destroy_cb,
    };
    match crate::part::base_construct(std::ffi::CStr::from_ptr(bdev_name), def) {
        Ok(b) => {
            *base = b.cast();
            0
        }
        Err(e) => e,
    }
}

/// Zeroes `opts` (`size` bytes) and records the size.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_construct_opts_init(
    opts: *mut spdk_bdev_part_construct_opts,
    size: u64,
) {
    if opts.is_null() || size == 0 {
        spdk_log::errlog!("opts should not be NULL and size should not be zero");
        return;
    }
    std::ptr::write_bytes(opts.cast::<u8>(), 0, size as usize);
    std::ptr::write_unaligned(std::ptr::addr_of_mut!((*opts).opts_size), size);
}

/// spdk_bdev_part_construct_ext() without options.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_construct(
    part: *mut spdk_bdev_part,
    base: *mut spdk_bdev_part_base,
    name: *mut c_char,
    offset_blocks: u64,
    num_blocks: u64,
    product_name: *mut c_char,
) -> c_int {
    spdk_bdev_part_construct_ext(
        part,
        base,
        name,
        offset_blocks,
        num_blocks,
        product_name,
        std::ptr::null(),
    )
}

/// Registers `part` as a bdev named `name` covering `num_blocks` blocks of
/// the base from `offset_blocks`, claiming the base for the module on the
/// first part. 0; -1 when the base cannot be claimed or the range does
/// not fit; what spdk_bdev_register() returns otherwise.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_construct_ext(
    part: *mut spdk_bdev_part,
    base: *mut spdk_bdev_part_base,
    name: *mut c_char,
    offset_blocks: u64,
    num_blocks: u64,
    product_name: *mut c_char,
    opts: *const spdk_bdev_part_construct_opts,
) -> c_int {
    if part.is_null() || base.is_null() || name.is_null() || product_name.is_null() {
        return -libc::EINVAL;
    }
    let mut uuid = None;
    if !opts.is_null() {
        let size = std::ptr::read_unaligned(std::ptr::addr_of!((*opts).opts_size));
        if size == 0 {
            spdk_log::errlog!("size should not be zero");
            return -libc::EINVAL;
        }
        if size >= 24 {
            let u = std::ptr::read_unaligned(std::ptr::addr_of!((*opts).uuid));
            if u.u.raw != [0; 16] {
                uuid = Some(u);
            }
        }
    }
    crate::part::construct(
        part,
        base.cast(),
        std::ffi::CStr::from_ptr(name),
        offset_blocks,
        num_blocks,
        std::ffi::CStr::from_ptr(product_name),
        uuid,
    )
}

/// Forwards a part I/O to the base, shifted by the part's offset; it
/// completes with the base I/O's status. 0, or an error (the I/O was
/// not forwarded: the module completes it).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_submit_request(
    ch: *mut spdk_bdev_part_channel,
    bdev_io: *mut spdk_bdev_io,
) -> c_int {
    spdk_bdev_part_submit_request_ext(ch, bdev_io, None)
}

/// spdk_bdev_part_submit_request() where `cb(bdev_io, success, NULL)`
/// gets the completion instead (and must complete `bdev_io`).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_submit_request_ext(
    ch: *mut spdk_bdev_part_channel,
    bdev_io: *mut spdk_bdev_io,
    cb: spdk_bdev_io_completion_cb,
) -> c_int {
    if ch.is_null() || bdev_io.is_null() || (*ch).part.is_null() {
        return -libc::EINVAL;
    }
    crate::part::submit(ch, bdev_io, cb)
}

/// The part's own bdev.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_get_bdev(part: *mut spdk_bdev_part) -> *mut spdk_bdev {
    if part.is_null() {
        return std::ptr::null_mut();
    }
    std::ptr::addr_of_mut!((*part).internal.bdev)
}

/// The part's base.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_get_base(
    part: *mut spdk_bdev_part,
) -> *mut spdk_bdev_part_base {
    part.as_ref()
        .map_or(std::ptr::null_mut(), |p| p.internal.base)
}

/// The base bdev under the part.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_get_base_bdev(part: *mut spdk_bdev_part) -> *mut spdk_bdev {
    part.as_ref().map_or(std::ptr::null_mut(), |p| {
        spdk_bdev_part_base_get_bdev(p.internal.base)
    })
}

/// Where the part starts in the base, in blocks.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_part_get_offset_blocks(part: *mut spdk_bdev_part) -> u64 {
    part.as_ref().map_or(0, |p| p.internal.offset_blocks)
}
