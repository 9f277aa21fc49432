//! Bdev parts (what SPDK's lib/bdev/part.c provides to the split and
//! error modules): a base bdev opened once and claimed by the module, and
//! parts of it (an offset and a length each) registered as bdevs that
//! pass their I/O down, shifted by their offset.
//!
//! The base stays open while it has parts; the last part's release
//! releases the claim, closes the base and calls the module's
//! `base_freed`. A hot-removed base unregisters all its parts.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr;
use std::sync::{Mutex, MutexGuard};

use ::spdk_bdev::ffi::bdev::{
    spdk_bdev_close, spdk_bdev_desc, spdk_bdev_desc_get_bdev, spdk_bdev_event_type,
    spdk_bdev_get_io_channel, spdk_bdev_io_completion_cb, spdk_bdev_io_type,
    spdk_bdev_io_type_supported, spdk_bdev_open_ext, IoTypeArg,
};
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_destruct_done, spdk_bdev_fn_table, spdk_bdev_io, spdk_bdev_module,
    spdk_bdev_module_claim_bdev, spdk_bdev_module_release_bdev, spdk_bdev_register,
    spdk_bdev_unregister, BDEV_FLAG_DIF_IS_HEAD_OF_MD, BDEV_FLAG_MD_INTERLEAVE,
};
use ::spdk_thread::channel::IoChannel;
use ::spdk_thread::ffi::thread::{
    spdk_get_io_channel, spdk_get_thread, spdk_io_channel, spdk_io_device_register,
    spdk_io_device_unregister, spdk_put_io_channel, spdk_thread, spdk_thread_send_msg,
};
use spdk_util::ffi::uuid::{spdk_uuid, spdk_uuid_u};

use crate::base_io;

/// SPDK's namespace for part UUIDs (derived from the base's UUID and the
/// part's block range).
const NAMESPACE_UUID: &[u8] = b"976b899e-3e1e-4d71-ab69-c2b08e9df8b8";

/// What a module using parts provides.
pub struct PartOps {
    pub module: fn() -> *mut spdk_bdev_module,
    /// The parts' function table: its get_io_channel and
    /// io_type_supported are [`get_io_channel`] and [`io_type_supported`].
    pub fn_table: &'static spdk_bdev_fn_table,
    /// The size of the module's channel, which starts with a [`PartChannel`].
    pub channel_size: u32,
    /// Fills the module's part of a new channel (after the PartChannel).
    pub ch_create: Option<unsafe fn(*mut Part, *mut PartChannel) -> c_int>,
    pub ch_destroy: Option<unsafe fn(*mut Part, *mut PartChannel)>,
    /// A part is being freed (its module context goes with it).
    pub part_freed: Option<unsafe fn(*mut Part)>,
    /// The base was closed after its last part went.
    pub base_freed: Option<unsafe fn(*mut PartBase)>,
}

/// An opened base bdev and its parts.
pub struct PartBase {
    pub bdev: *mut spdk_bdev,
    pub desc: *mut spdk_bdev_desc,
    /// The thread that opened the base (it closes it too).
    thread: *mut spdk_thread,
    claimed: bool,
    pub parts: Vec<*mut Part>,
    pub ops: &'static PartOps,
    /// The module's own context.
    pub ctx: *mut c_void,
}

/// A part: its bdev first (`bdev.ctxt` and the io_device are the part).
#[repr(C)]
pub struct Part {
    pub bdev: spdk_bdev,
    name: CString,
    product: CString,
    pub base: *mut PartBase,
    pub offset_blocks: u64,
    /// The module's own context.
    pub ctx: *mut c_void,
}

/// The start of every part channel.
#[repr(C)]
pub struct PartChannel {
    pub part: *mut Part,
    pub base_ch: *mut spdk_io_channel,
}

/// Guards bases' part lists and counts (control path only).
static LOCK: Mutex<()> = Mutex::new(());

fn lock() -> MutexGuard<'static, ()> {
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

unsafe extern "C" fn base_event(t: spdk_bdev_event_type, _b: *mut spdk_bdev, ctx: *mut c_void) {
    if t != spdk_bdev_event_type::SPDK_BDEV_EVENT_REMOVE {
        spdk_log::noticelog!("Unsupported bdev event: type {}", t as c_int);
        return;
    }
    hotremove(ctx.cast());
}

/// Opens base bdev `name` for parts (read-only until claimed).
/// -ENODEV when it does not exist.
///
/// # Safety
/// On an SPDK thread.
pub unsafe fn base_open(
    name: &str,
    ops: &'static PartOps,
    ctx: *mut c_void,
) -> Result<*mut PartBase, c_int> {
    let c = CString::new(name).map_err(|_| -libc::ENODEV)?;
    let base = Box::into_raw(Box::new(PartBase {
        bdev: ptr::null_mut(),
        desc: ptr::null_mut(),
        thread: spdk_get_thread(),
        claimed: false,
        parts: Vec::new(),
        ops,
        ctx,
    }));
    let rc = spdk_bdev_open_ext(
        c.as_ptr(),
        false,
        Some(base_event),
        base.cast(),
        ptr::addr_of_mut!((*base).desc),
    );
    if rc != 0 {
        if rc != -libc::ENODEV {
            spdk_log::errlog!("could not open bdev {}: {}", name, rc);
        }
        drop(Box::from_raw(base));
        return Err(rc);
    }
    (*base).bdev = spdk_bdev_desc_get_bdev((*base).desc);
    Ok(base)
}

/// Closes a base (on the thread that opened it) and frees it, telling
/// the module. The base has no parts.
///
/// # Safety
/// `base` came from [`base_open`] and is not used afterwards.
pub unsafe fn base_free(base: *mut PartBase) {
    let t = (*base).thread;
    if !t.is_null() && t != spdk_get_thread() {
        spdk_thread_send_msg(t, Some(close_msg), (*base).desc.cast());
    } else {
        spdk_bdev_close((*base).desc);
    }
    if let Some(f) = (*base).ops.base_freed {
        f(base);
    }
    drop(Box::from_raw(base));
}

unsafe extern "C" fn close_msg(desc: *mut c_void) {
    spdk_bdev_close(desc.cast());
}

/// Unregisters every part of `base` (the last one frees the base).
///
/// # Safety
/// `base` is a live base, on an SPDK thread.
pub unsafe fn hotremove(base: *mut PartBase) {
    let parts = {
        let _l = lock();
        (*base).parts.clone()
    };
    for p in parts {
        spdk_bdev_unregister(ptr::addr_of_mut!((*p).bdev), None, ptr::null_mut());
    }
}

fn derived_uuid(base: &[u8; 16], offset: u64, num: u64) -> [u8; 16] {
    // The same bytes SPDK hashes: the base UUID, then the range.
    let mut name = [0u8; 32];
    name[..16].copy_from_slice(base);
    name[16..24].copy_from_slice(&offset.to_ne_bytes());
    name[24..].copy_from_slice(&num.to_ne_bytes());
    let ns = spdk_util::uuid::parse(NAMESPACE_UUID).unwrap_or([0; 16]);
    spdk_util::uuid::generate_sha1(&ns, &name)
}

/// Registers part `name` of `base`: `num_blocks` blocks from
/// `offset_blocks`, with `uuid` or one derived from the base's. The first
/// part claims the base (-EPERM when someone else has).
///
/// # Safety
/// `base` is a live base, on the SPDK thread that opened it.
pub unsafe fn construct(
    base: *mut PartBase,
    name: &str,
    offset_blocks: u64,
    num_blocks: u64,
    product: &str,
    uuid: Option<[u8; 16]>,
    ctx: *mut c_void,
) -> Result<*mut Part, c_int> {
    let (Ok(cname), Ok(cproduct)) = (CString::new(name), CString::new(product)) else {
        return Err(-libc::EINVAL);
    };
    let src = &*(*base).bdev;
    let ops = (*base).ops;
    let part = Box::into_raw(Box::new(Part {
        bdev: spdk_bdev::zeroed(),
        name: cname,
        product: cproduct,
        base,
        offset_blocks,
        ctx,
    }));
    let b = &mut (*part).bdev;
    b.name = (*part).name.as_ptr() as *mut c_char;
    b.product_name = (*part).product.as_ptr() as *mut c_char;
    b.blocklen = src.blocklen;
    b.blockcnt = num_blocks;
    b.write_cache = src.write_cache;
    b.write_unit_size = src.write_unit_size;
    b.required_alignment = src.required_alignment;
    b.numa = src.numa;
    b.flags = src.flags & (BDEV_FLAG_MD_INTERLEAVE | BDEV_FLAG_DIF_IS_HEAD_OF_MD);
    b.md_len = src.md_len;
    b.dif_type = src.dif_type;
    b.dif_check_flags = src.dif_check_flags;
    let raw = uuid.unwrap_or_else(|| derived_uuid(&src.uuid.u.raw, offset_blocks, num_blocks));
    b.uuid = spdk_uuid {
        u: spdk_uuid_u { raw },
    };
    b.ctxt = part.cast();
    b.module = (ops.module)();
    b.fn_table = ops.fn_table;
    let first_claim = !(*base).claimed;
    if first_claim {
        let rc = spdk_bdev_module_claim_bdev((*base).bdev, (*base).desc, (ops.module)());
        if rc != 0 {
            spdk_log::errlog!(
                "could not claim bdev {}",
                String::from_utf8_lossy(src.name_bytes())
            );
            drop(Box::from_raw(part));
            return Err(rc);
        }
        (*base).claimed = true;
    }
    spdk_io_device_register(
        part.cast(),
        Some(ch_create),
        Some(ch_destroy),
        ops.channel_size,
        (*part).name.as_ptr(),
    );
    {
        let _l = lock();
        (*base).parts.push(part);
    }
    let rc = spdk_bdev_register(ptr::addr_of_mut!((*part).bdev));
    if rc != 0 {
        {
            let _l = lock();
            (*base).parts.retain(|p| *p != part);
        }
        spdk_io_device_unregister(part.cast(), None);
        if first_claim {
            spdk_bdev_module_release_bdev((*base).bdev);
            (*base).claimed = false;
        }
        drop(Box::from_raw(part));
        return Err(rc);
    }
    Ok(part)
}

/// The parts' destruct (call it from the module's): the part is freed
/// once its channels are gone; the return value is destruct's.
///
/// # Safety
/// `part` is a part being unregistered.
pub unsafe fn destruct(part: *mut Part) -> c_int {
    spdk_io_device_unregister(part.cast(), Some(part_free));
    1
}

unsafe extern "C" fn part_free(dev: *mut c_void) {
    let part = dev.cast::<Part>();
    let base = (*part).base;
    let last = {
        let _l = lock();
        (*base).parts.retain(|p| *p != part);
        (*base).parts.is_empty()
    };
    if let Some(f) = (*base).ops.part_freed {
        f(part);
    }
    if last {
        spdk_bdev_module_release_bdev((*base).bdev);
        base_free(base);
    }
    spdk_bdev_destruct_done(ptr::addr_of_mut!((*part).bdev), 0);
    drop(Box::from_raw(part));
}

unsafe extern "C" fn ch_create(dev: *mut c_void, buf: *mut c_void) -> c_int {
    let part = dev.cast::<Part>();
    let ch = buf.cast::<PartChannel>();
    let base_ch = spdk_bdev_get_io_channel((*(*part).base).desc);
    if base_ch.is_null() {
        return -libc::ENOMEM;
    }
    ch.write(PartChannel { part, base_ch });
    if let Some(f) = (*(*part).base).ops.ch_create {
        let rc = f(part, ch);
        if rc != 0 {
            spdk_put_io_channel(base_ch);
            return rc;
        }
    }
    0
}

unsafe extern "C" fn ch_destroy(dev: *mut c_void, buf: *mut c_void) {
    let part = dev.cast::<Part>();
    let ch = buf.cast::<PartChannel>();
    if let Some(f) = (*(*part).base).ops.ch_destroy {
        f(part, ch);
    }
    spdk_put_io_channel((*ch).base_ch);
}

/// fn_table.get_io_channel of parts.
///
/// # Safety
/// `ctx` is a part.
pub unsafe extern "C" fn get_io_channel(ctx: *mut c_void) -> *mut spdk_io_channel {
    spdk_get_io_channel(ctx)
}

/// fn_table.io_type_supported of parts: what the base supports and a
/// part can pass down.
///
/// # Safety
/// `ctx` is a part.
pub unsafe extern "C" fn io_type_supported(ctx: *mut c_void, t: spdk_bdev_io_type) -> bool {
    let part = ctx.cast::<Part>();
    base_io::forwardable(t)
        && spdk_bdev_io_type_supported((*(*part).base).bdev, IoTypeArg(t as c_int))
}

/// The part channel behind a part's spdk_io_channel.
///
/// # Safety
/// `ch` is a channel of a part.
#[inline]
pub unsafe fn channel(ch: *mut spdk_io_channel) -> *mut PartChannel {
    IoChannel::ctx(ch.cast()).cast()
}

/// The part an I/O was submitted to.
///
/// # Safety
/// `io` was submitted to a part.
#[inline]
pub unsafe fn part_of(io: *mut spdk_bdev_io) -> *mut Part {
    (*(*io).bdev).ctxt.cast()
}

/// Passes `io` down to the base at the part's offset; the child's
/// completion calls `cb(child, success, io)`. Returns what the base's
/// submission returned (see [`base_io::after_submit`]).
///
/// # Safety
/// `io` was submitted to a part on channel `ch`.
#[inline]
pub unsafe fn submit(
    ch: *mut spdk_io_channel,
    io: *mut spdk_bdev_io,
    cb: spdk_bdev_io_completion_cb,
) -> c_int {
    let part = part_of(io);
    let pch = channel(ch);
    base_io::submit(
        (*(*part).base).desc,
        (*pch).base_ch,
        io,
        (*part).offset_blocks,
        cb,
    )
}

/// The name of a part's base bdev.
///
/// # Safety
/// `part` is live.
pub unsafe fn base_name(part: *mut Part) -> &'static [u8] {
    let b = (*(*part).base).bdev;
    if (*b).name.is_null() {
        return b"";
    }
    CStr::from_ptr((*b).name).to_bytes()
}
