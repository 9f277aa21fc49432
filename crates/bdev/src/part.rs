//! What the bdev part C API (ffi/bdev_module/part.rs) does: bases opened
//! once per base bdev, parts registered on them, part I/O forwarded to
//! the base with the offset applied, and freeing in SPDK's order (the
//! last part's destruct releases the claim and closes the base).

use std::ffi::{c_int, c_void, CStr};
use std::ptr;

use ::spdk_thread::ffi::thread::{
    spdk_get_io_channel, spdk_get_thread, spdk_io_channel, spdk_io_channel_create_cb,
    spdk_io_channel_destroy_cb, spdk_io_device_register, spdk_io_device_unregister,
    spdk_put_io_channel, spdk_thread, spdk_thread_send_msg,
};
use spdk_util::ffi::uuid::spdk_uuid;

use crate::core::{self, Desc};
use crate::ffi::bdev::spdk_bdev_io_type::{self, *};
use crate::ffi::bdev::spdk_bdev_remove_cb_t;
use crate::ffi::bdev::{self as api, spdk_bdev_event_type, spdk_bdev_ext_io_opts};
use crate::ffi::bdev_module::part::{
    spdk_bdev_part, spdk_bdev_part_base, spdk_bdev_part_base_free_fn, spdk_bdev_part_channel,
    PartTailq,
};
use crate::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_destruct_done, spdk_bdev_fn_table, spdk_bdev_io, spdk_bdev_module,
    spdk_bdev_module_claim_bdev, spdk_bdev_module_release_bdev, spdk_bdev_register,
    spdk_bdev_unregister,
};

/// SPDK's namespace for part UUIDs.
const NAMESPACE_UUID: &CStr = c"976b899e-3e1e-4d71-ab69-c2b08e9df8b8";

/// What a module gives spdk_bdev_part_base_construct_ext().
pub struct BaseDef {
    pub remove_cb: spdk_bdev_remove_cb_t,
    pub module: *mut spdk_bdev_module,
    pub fn_table: *mut spdk_bdev_fn_table,
    pub tailq: *mut PartTailq,
    pub free_fn: spdk_bdev_part_base_free_fn,
    pub ctx: *mut c_void,
    pub channel_size: u32,
    pub ch_create_cb: spdk_io_channel_create_cb,
    pub ch_destroy_cb: spdk_io_channel_destroy_cb,
}

/// A base (what `struct spdk_bdev_part_base *` points to).
pub struct Base {
    pub bdev: *mut spdk_bdev,
    pub desc: *mut Desc,
    pub tailq: *mut PartTailq,
    pub ctx: *mut c_void,
    def: BaseDef,
    refs: u32,
    claimed: bool,
    thread: *mut spdk_thread,
}

pub unsafe fn base_ref<'a>(b: *mut spdk_bdev_part_base) -> Option<&'a Base> {
    b.cast::<Base>().as_ref()
}

unsafe extern "C" fn base_event(t: spdk_bdev_event_type, _b: *mut spdk_bdev, ctx: *mut c_void) {
    let base = ctx.cast::<Base>();
    match t {
        spdk_bdev_event_type::SPDK_BDEV_EVENT_REMOVE => {
            if let Some(f) = (*base).def.remove_cb {
                f(base.cast());
            }
        }
        _ => spdk_log::noticelog!("Unsupported bdev event: type {}", t as c_int),
    }
}

/// Opens the base bdev for parts.
pub unsafe fn base_construct(name: &CStr, def: BaseDef) -> Result<*mut Base, c_int> {
    (*def.fn_table).get_io_channel = Some(part_get_io_channel);
    (*def.fn_table).io_type_supported = Some(part_io_type_supported);
    let free_fn = def.free_fn;
    let ctx = def.ctx;
    let b = Box::into_raw(Box::new(Base {
        bdev: ptr::null_mut(),
        desc: ptr::null_mut(),
        tailq: def.tailq,
        ctx,
        def,
        refs: 0,
        claimed: false,
        thread: spdk_get_thread(),
    }));
    match core::open(name.to_bytes(), false, base_event, b.cast(), false) {
        Ok(d) => {
            (*b).desc = d;
            (*b).bdev = core::desc_bdev(d);
            Ok(b)
        }
        Err(e) => {
            drop(Box::from_raw(b));
            if e != -libc::ENODEV {
                spdk_log::errlog!("could not open bdev {}: {}", name.to_string_lossy(), e);
                if let Some(f) = free_fn {
                    f(ctx);
                }
            }
            Err(e)
        }
    }
}

unsafe extern "C" fn close_msg(arg: *mut c_void) {
    core::close(arg.cast());
}

/// Closes the base on its thread, tells the module, frees it.
pub unsafe fn base_free(b: *mut Base) {
    let d = (*b).desc;
    if !d.is_null() {
        if !(*b).thread.is_null() && (*b).thread != spdk_get_thread() {
            spdk_thread_send_msg((*b).thread, Some(close_msg), d.cast());
        } else {
            core::close(d);
        }
    }
    if let Some(f) = (*b).def.free_fn {
        f((*b).ctx);
    }
    drop(Box::from_raw(b));
}

// ---- the part's bdev ----

unsafe extern "C" fn part_io_type_supported(ctx: *mut c_void, t: spdk_bdev_io_type) -> bool {
    // Passed-through NVMe commands cannot be remapped.
    if matches!(
        t,
        SPDK_BDEV_IO_TYPE_NVME_ADMIN | SPDK_BDEV_IO_TYPE_NVME_IO | SPDK_BDEV_IO_TYPE_NVME_IO_MD
    ) {
        return false;
    }
    let part = ctx.cast::<spdk_bdev_part>();
    let base = (*part).internal.base.cast::<Base>();
    core::io_type_supported((*base).bdev, t)
}

unsafe extern "C" fn part_get_io_channel(ctx: *mut c_void) -> *mut spdk_io_channel {
    spdk_get_io_channel(ctx)
}

unsafe extern "C" fn part_ch_create(dev: *mut c_void, ctx: *mut c_void) -> c_int {
    let part = dev.cast::<spdk_bdev_part>();
    let base = (*part).internal.base.cast::<Base>();
    let ch = ctx.cast::<spdk_bdev_part_channel>();
    (*ch).part = part;
    (*ch).base_ch = core::get_io_channel((*base).bdev);
    if (*ch).base_ch.is_null() {
        return -1;
    }
    match (*base).def.ch_create_cb {
        Some(f) => f(dev, ctx),
        None => 0,
    }
}

unsafe extern "C" fn part_ch_destroy(dev: *mut c_void, ctx: *mut c_void) {
    let part = dev.cast::<spdk_bdev_part>();
    let base = (*part).internal.base.cast::<Base>();
    if let Some(f) = (*base).def.ch_destroy_cb {
        f(dev, ctx);
    }
    spdk_put_io_channel((*ctx.cast::<spdk_bdev_part_channel>()).base_ch);
}

/// A part's UUID from the base's and its block range (SPDK's derivation).
unsafe fn derived_uuid(base_uuid: &spdk_uuid, offset: u64, num: u64) -> Option<spdk_uuid> {
    let mut name = [0u8; 32];
    name[..16].copy_from_slice(&base_uuid.u.raw);
    name[16..24].copy_from_slice(&offset.to_ne_bytes());
    name[24..].copy_from_slice(&num.to_ne_bytes());
    let mut ns: spdk_uuid = std::mem::zeroed();
    let mut out: spdk_uuid = std::mem::zeroed();
    if spdk_util::ffi::uuid::spdk_uuid_parse(&mut ns, NAMESPACE_UUID.as_ptr()) != 0 {
        return None;
    }
    let rc = spdk_util::ffi::uuid::spdk_uuid_generate_sha1(
        &mut out,
        &mut ns,
        name.as_ptr().cast(),
        name.len(),
    );
    (rc == 0).then_some(out)
}

unsafe fn tailq_insert_tail(q: *mut PartTailq, p: *mut spdk_bdev_part) {
    (*p).tailq.tqe_next = ptr::null_mut();
    (*p).tailq.tqe_prev = (*q).tqh_last;
    *(*q).tqh_last = p;
    (*q).tqh_last = ptr::addr_of_mut!((*p).tailq.tqe_next);
}

unsafe fn tailq_remove(q: *mut PartTailq, p: *mut spdk_bdev_part) {
    let next = (*p).tailq.tqe_next;
    if next.is_null() {
        (*q).tqh_last = (*p).tailq.tqe_prev;
    } else {
        (*next).tailq.tqe_prev = (*p).tailq.tqe_prev;
    }
    *(*p).tailq.tqe_prev = next;
}

/// spdk_bdev_part_construct_ext().
pub unsafe fn construct(
    part: *mut spdk_bdev_part,
    base: *mut Base,
    name: &CStr,
    offset_blocks: u64,
    num_blocks: u64,
    product: &CStr,
    uuid: Option<spdk_uuid>,
) -> c_int {
    let bb = &*(*base).bdev;
    match offset_blocks.checked_add(num_blocks) {
        Some(end) if end <= bb.blockcnt && num_blocks != 0 => {}
        _ => {
            spdk_log::errlog!(
                "part {} does not fit in bdev {}",
                name.to_string_lossy(),
                String::from_utf8_lossy(bb.name_bytes())
            );
            return -1;
        }
    }
    let uuid = match uuid {
        Some(u) => u,
        None => match derived_uuid(&bb.uuid, offset_blocks, num_blocks) {
            Some(u) => u,
            None => {
                spdk_log::errlog!("Could not generate new UUID");
                return -1;
            }
        },
    };
    let b = &mut (*part).internal.bdev;
    b.blocklen = bb.blocklen;
    b.blockcnt = num_blocks;
    b.write_cache = bb.write_cache;
    b.write_unit_size = bb.write_unit_size;
    b.required_alignment = bb.required_alignment;
    b.ctxt = part.cast();
    b.module = (*base).def.module;
    b.fn_table = (*base).def.fn_table;
    b.numa = bb.numa;
    b.md_len = bb.md_len;
    b.dif_type = bb.dif_type;
    b.dif_check_flags = bb.dif_check_flags;
    use crate::ffi::bdev_module::{BDEV_FLAG_DIF_IS_HEAD_OF_MD as H, BDEV_FLAG_MD_INTERLEAVE as I};
    b.flags = (b.flags & !(H | I)) | (bb.flags & (H | I));
    b.uuid = uuid;
    b.name = libc::strdup(name.as_ptr());
    b.product_name = libc::strdup(product.as_ptr());
    (*part).internal.offset_blocks = offset_blocks;
    (*part).internal.base = base.cast();
    (*base).refs += 1;
    let mut first_claim = false;
    if !(*base).claimed {
        if spdk_bdev_module_claim_bdev((*base).bdev, (*base).desc.cast(), (*base).def.module) != 0 {
            spdk_log::errlog!(
                "could not claim bdev {}",
                String::from_utf8_lossy(bb.name_bytes())
            );
            free_names(part);
            (*base).refs -= 1;
            return -1;
        }
        (*base).claimed = true;
        first_claim = true;
    }
    spdk_io_device_register(
        part.cast(),
        Some(part_ch_create),
        Some(part_ch_destroy),
        (*base).def.channel_size,
        name.as_ptr(),
    );
    let rc = spdk_bdev_register(ptr::addr_of_mut!((*part).internal.bdev));
    if rc == 0 {
        tailq_insert_tail((*base).tailq, part);
        return 0;
    }
    spdk_io_device_unregister(part.cast(), None);
    (*base).refs -= 1;
    if (*base).refs == 0 {
        spdk_bdev_module_release_bdev((*base).bdev);
    }
    if first_claim {
        (*base).claimed = false;
    }
    free_names(part);
    rc
}

unsafe fn free_names(part: *mut spdk_bdev_part) {
    let b = &mut (*part).internal.bdev;
    libc::free(b.name.cast());
    libc::free(b.product_name.cast());
    b.name = ptr::null_mut();
    b.product_name = ptr::null_mut();
}

/// spdk_bdev_part_free(): the rest happens once the part's channels are
/// gone.
pub unsafe fn part_free(part: *mut spdk_bdev_part) -> c_int {
    spdk_io_device_unregister(part.cast(), Some(part_free_done));
    1
}

unsafe extern "C" fn part_free_done(dev: *mut c_void) {
    let part = dev.cast::<spdk_bdev_part>();
    let base = (*part).internal.base.cast::<Base>();
    tailq_remove((*base).tailq, part);
    (*base).refs -= 1;
    if (*base).refs == 0 {
        spdk_bdev_module_release_bdev((*base).bdev);
        base_free(base);
    }
    spdk_bdev_destruct_done(ptr::addr_of_mut!((*part).internal.bdev), 0);
    free_names(part);
    libc::free(part.cast());
}

/// spdk_bdev_part_base_hotremove().
pub unsafe fn hotremove(base: *mut Base, tailq: *mut PartTailq) {
    let mut p = (*tailq).tqh_first;
    while !p.is_null() {
        let next = (*p).tailq.tqe_next;
        if (*p).internal.base == base.cast() {
            spdk_bdev_unregister(ptr::addr_of_mut!((*p).internal.bdev), None, ptr::null_mut());
        }
        p = next;
    }
}

// ---- I/O ----

unsafe extern "C" fn read_buf_ready(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io, ok: bool) {
    if !ok {
        core::complete(io, -1);
        return;
    }
    let pch = ::spdk_thread::channel::IoChannel::ctx(ch.cast()).cast::<spdk_bdev_part_channel>();
    let cb = (*io).internal.part_cb;
    if submit(pch, io, cb) != 0 {
        core::complete(io, -1);
    }
}

unsafe extern "C" fn part_io_done(base_io: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let part_io = arg.cast::<spdk_bdev_io>();
    match (*part_io).internal.part_cb {
        Some(cb) => cb(part_io, ok, ptr::null_mut()),
        None => {
            let s = core::copy_status(part_io, base_io);
            core::complete(part_io, s as i8);
        }
    }
    api::spdk_bdev_free_io(base_io);
}

/// Forwards a part I/O to the base: 0, or the error of the base call
/// (SPDK_BDEV_IO_STATUS_FAILED for a type parts do not forward).
pub unsafe fn submit(
    ch: *mut spdk_bdev_part_channel,
    io: *mut spdk_bdev_io,
    cb: api::spdk_bdev_io_completion_cb,
) -> c_int {
    let part = (*ch).part;
    let base = (*part).internal.base.cast::<Base>();
    let desc = (*base).desc.cast::<api::spdk_bdev_desc>();
    let bch = (*ch).base_ch;
    (*io).internal.part_cb = cb;
    let shift = (*part).internal.offset_blocks;
    let done = Some(part_io_done as unsafe extern "C" fn(*mut spdk_bdev_io, bool, *mut c_void));
    let arg = io.cast::<c_void>();
    let ty = (*io).r#type;
    if ty == SPDK_BDEV_IO_TYPE_RESET as u8 {
        return api::spdk_bdev_reset(desc, bch, done, arg);
    }
    if ty == SPDK_BDEV_IO_TYPE_ABORT as u8 {
        // The base I/O to abort is the one submitted with the part I/O
        // being aborted as its callback argument.
        let target = (*io).u.abort.bio_to_abort;
        return api::spdk_bdev_abort(desc, bch, target.cast(), done, arg);
    }
    if ty == SPDK_BDEV_IO_TYPE_READ as u8 && (*(*io).u.bdev.iovs).iov_base.is_null() {
        // The part I/O owns the buffer (the base I/O is freed first).
        let len = (*io).u.bdev.num_blocks * (*(*io).bdev).blocklen as u64;
        core::get_buf(io, Some(read_buf_ready), len);
        return 0;
    }
    let p = (*io).u.bdev;
    let off = p.offset_blocks + shift;
    let n = p.num_blocks;
    let mut opts: spdk_bdev_ext_io_opts = std::mem::zeroed();
    opts.size = std::mem::size_of::<spdk_bdev_ext_io_opts>();
    opts.metadata = p.md_buf;
    opts.dif_check_flags_exclude_mask = !p.dif_check_flags;
    match spdk_bdev_io_type::from_int(ty as c_int) {
        Some(SPDK_BDEV_IO_TYPE_READ) => api::spdk_bdev_readv_blocks_ext(
            desc, bch, p.iovs, p.iovcnt, off, n, done, arg, &mut opts,
        ),
        Some(SPDK_BDEV_IO_TYPE_WRITE) => api::spdk_bdev_writev_blocks_ext(
            desc, bch, p.iovs, p.iovcnt, off, n, done, arg, &mut opts,
        ),
        Some(SPDK_BDEV_IO_TYPE_WRITE_ZEROES) => {
            api::spdk_bdev_write_zeroes_blocks(desc, bch, off, n, done, arg)
        }
        Some(SPDK_BDEV_IO_TYPE_UNMAP) => api::spdk_bdev_unmap_blocks(desc, bch, off, n, done, arg),
        Some(SPDK_BDEV_IO_TYPE_FLUSH) => api::spdk_bdev_flush_blocks(desc, bch, off, n, done, arg),
        Some(SPDK_BDEV_IO_TYPE_COMPARE) => api::md_io::spdk_bdev_comparev_blocks_with_md(
            desc, bch, p.iovs, p.iovcnt, p.md_buf, off, n, done, arg,
        ),
        Some(SPDK_BDEV_IO_TYPE_COMPARE_AND_WRITE) => api::spdk_bdev_comparev_and_writev_blocks(
            desc,
            bch,
            p.iovs,
            p.iovcnt,
            p.fused_iovs,
            p.fused_iovcnt,
            off,
            n,
            done,
            arg,
        ),
        Some(SPDK_BDEV_IO_TYPE_COPY) => {
            let src = p.copy.src_offset_blocks + shift;
            api::spdk_bdev_copy_blocks(desc, bch, off, src, n, done, arg)
        }
        Some(SPDK_BDEV_IO_TYPE_WRITE_UNCORRECTABLE) => {
            api::md_io::spdk_bdev_write_uncorrectable_blocks(desc, bch, off, n, done, arg)
        }
        _ => {
            spdk_log::errlog!("unknown I/O type {}", ty);
            crate::ffi::bdev_module::spdk_bdev_io_status::SPDK_BDEV_IO_STATUS_FAILED as c_int
        }
    }
}
