//! The namespace commands (`spdk_nvme_ns_cmd_*`). Each returns 0 (the
//! callback runs from a later spdk_nvme_qpair_process_completions()),
//! -EINVAL for bad arguments, -ENOMEM when the queue pair has no free
//! request now (retry after completions), or -ENXIO when the pair is not
//! connected. Data buffers must be DMA-able (spdk_dma_malloc) and stay
//! valid until the callback.

use core::ffi::{c_int, c_void};
use core::ptr;

use super::ctrlr::spdk_nvme_cmd_cb;
use super::ns::{ns, spdk_nvme_ns};
use super::qpair::{qp, spdk_nvme_qpair};
use crate::ns_cmd::{self, RwArgs};
use crate::request::{NextSgeCb, Payload, ResetSglCb};
use crate::spec::cmd::{DsmRange, SccSourceRange};

/// `spdk_nvme_req_reset_sgl_cb`: rewinds the caller's scatter list to
/// byte `offset` of the I/O.
pub type spdk_nvme_req_reset_sgl_cb =
    Option<unsafe extern "C" fn(cb_arg: *mut c_void, offset: u32)>;
/// `spdk_nvme_req_next_sge_cb`: gives the next element (address and
/// length) of the caller's scatter list; non-zero on error.
pub type spdk_nvme_req_next_sge_cb = Option<
    unsafe extern "C" fn(cb_arg: *mut c_void, address: *mut *mut c_void, length: *mut u32) -> c_int,
>;

// The driver's own types are the same function pointer types.
const _: fn(ResetSglCb) -> spdk_nvme_req_reset_sgl_cb = |x| x;
const _: fn(NextSgeCb) -> spdk_nvme_req_next_sge_cb = |x| x;

#[allow(clippy::too_many_arguments)]
#[inline]
unsafe fn rw(
    n: *mut spdk_nvme_ns,
    q: *mut spdk_nvme_qpair,
    opc: u8,
    payload: Payload,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
    apptag_mask: u16,
    apptag: u16,
) -> c_int {
    let (Some(ns), false) = (ns(n), q.is_null()) else {
        return -libc::EINVAL;
    };
    let a = RwArgs {
        lba,
        lba_count,
        io_flags,
        apptag_mask,
        apptag,
        cdw13: 0,
    };
    ns_cmd::rw(ns, qp(q), opc, payload, a, cb_fn, cb_arg)
}

/// A memory domain (dma.h); this driver takes host memory only.
pub struct spdk_memory_domain {
    _opaque: [u8; 0],
}

/// Extended I/O options (`struct spdk_nvme_ns_cmd_ext_io_opts`): the
/// caller sets `size` to the bytes it filled in; later fields count as 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct spdk_nvme_ns_cmd_ext_io_opts {
    /// Bytes of this structure the caller knows (SPDK_SIZEOF).
    pub size: usize,
    /// Where the payload lives; only NULL (host memory) is supported.
    pub memory_domain: *mut spdk_memory_domain,
    /// Context for the memory domain's operations.
    pub memory_domain_ctx: *mut c_void,
    /// SPDK_NVME_IO_FLAGS_* (nvme_spec.h).
    pub io_flags: u32,
    pub reserved28: [u8; 4],
    /// Separate metadata buffer (spdk_nvme_ns_get_md_size() bytes a block).
    pub metadata: *mut c_void,
    /// End-to-end protection: application tag mask and tag.
    pub apptag_mask: u16,
    pub apptag: u16,
    /// Command dword 13.
    pub cdw13: u32,
    /// An accel sequence; only NULL is supported (no accel engine here).
    pub accel_sequence: *mut c_void,
}

const _: () = assert!(core::mem::size_of::<spdk_nvme_ns_cmd_ext_io_opts>() == 56);

/// The options of an `_ext` call: NULL means none; a memory domain or an
/// accel sequence cannot be honoured, so they make the call -EINVAL
/// rather than being ignored.
unsafe fn ext_opts(
    opts: *const spdk_nvme_ns_cmd_ext_io_opts,
) -> Result<(RwArgs, *mut c_void), c_int> {
    let mut o: spdk_nvme_ns_cmd_ext_io_opts = core::mem::zeroed();
    if !opts.is_null() {
        let size = ptr::read_unaligned(ptr::addr_of!((*opts).size));
        let n = size.min(core::mem::size_of::<spdk_nvme_ns_cmd_ext_io_opts>());
        ptr::copy_nonoverlapping(opts.cast::<u8>(), ptr::addr_of_mut!(o).cast::<u8>(), n);
    }
    if !o.memory_domain.is_null() || !o.accel_sequence.is_null() {
        return Err(-libc::EINVAL);
    }
    let a = RwArgs {
        lba: 0,
        lba_count: 0,
        io_flags: o.io_flags,
        apptag_mask: o.apptag_mask,
        apptag: o.apptag,
        cdw13: o.cdw13,
    };
    Ok((a, o.metadata))
}

#[allow(clippy::too_many_arguments)]
unsafe fn rw_ext(
    n: *mut spdk_nvme_ns,
    q: *mut spdk_nvme_qpair,
    opc: u8,
    payload: impl FnOnce(*mut c_void) -> Option<Payload>,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    opts: *const spdk_nvme_ns_cmd_ext_io_opts,
) -> c_int {
    let (Some(ns), false) = (ns(n), q.is_null()) else {
        return -libc::EINVAL;
    };
    let (mut a, md) = match ext_opts(opts) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let Some(p) = payload(md) else {
        return -libc::EINVAL;
    };
    a.lba = lba;
    a.lba_count = lba_count;
    ns_cmd::rw(ns, qp(q), opc, p, a, cb_fn, cb_arg)
}

/// spdk_nvme_ns_cmd_read() with extended options (`opts` may be NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_read_ext(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut c_void,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    opts: *mut spdk_nvme_ns_cmd_ext_io_opts,
) -> c_int {
    let p = |md| (!payload.is_null()).then(|| contig(payload, md));
    rw_ext(
        ns,
        qpair,
        ns_cmd::OPC_READ,
        p,
        lba,
        lba_count,
        cb_fn,
        cb_arg,
        opts,
    )
}

/// spdk_nvme_ns_cmd_write() with extended options (`opts` may be NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_write_ext(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut c_void,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    opts: *mut spdk_nvme_ns_cmd_ext_io_opts,
) -> c_int {
    let p = |md| (!payload.is_null()).then(|| contig(payload, md));
    rw_ext(
        ns,
        qpair,
        ns_cmd::OPC_WRITE,
        p,
        lba,
        lba_count,
        cb_fn,
        cb_arg,
        opts,
    )
}

/// spdk_nvme_ns_cmd_readv() with extended options (`opts` may be NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_readv_ext(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    reset_sgl_fn: spdk_nvme_req_reset_sgl_cb,
    next_sge_fn: spdk_nvme_req_next_sge_cb,
    opts: *mut spdk_nvme_ns_cmd_ext_io_opts,
) -> c_int {
    let p = |md| sgl(reset_sgl_fn, next_sge_fn, cb_arg, md);
    rw_ext(
        ns,
        qpair,
        ns_cmd::OPC_READ,
        p,
        lba,
        lba_count,
        cb_fn,
        cb_arg,
        opts,
    )
}

/// spdk_nvme_ns_cmd_writev() with extended options (`opts` may be NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_writev_ext(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    reset_sgl_fn: spdk_nvme_req_reset_sgl_cb,
    next_sge_fn: spdk_nvme_req_next_sge_cb,
    opts: *mut spdk_nvme_ns_cmd_ext_io_opts,
) -> c_int {
    let p = |md| sgl(reset_sgl_fn, next_sge_fn, cb_arg, md);
    rw_ext(
        ns,
        qpair,
        ns_cmd::OPC_WRITE,
        p,
        lba,
        lba_count,
        cb_fn,
        cb_arg,
        opts,
    )
}

fn contig(buf: *mut c_void, md: *mut c_void) -> Payload {
    Payload::Contig {
        buf: buf.cast(),
        md: md.cast(),
    }
}

unsafe fn sgl(
    reset: spdk_nvme_req_reset_sgl_cb,
    next: spdk_nvme_req_next_sge_cb,
    cb_arg: *mut c_void,
    md: *mut c_void,
) -> Option<Payload> {
    if reset.is_none() || next.is_none() {
        return None;
    }
    Some(ns_cmd::sgl_payload(reset, next, cb_arg, md))
}

/// Reads `lba_count` blocks from `lba` into `payload`.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_read(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut c_void,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
) -> c_int {
    if payload.is_null() {
        return -libc::EINVAL;
    }
    let p = contig(payload, ptr::null_mut());
    rw(
        ns,
        qpair,
        ns_cmd::OPC_READ,
        p,
        lba,
        lba_count,
        cb_fn,
        cb_arg,
        io_flags,
        0,
        0,
    )
}

/// Reads into `payload` and separate metadata `metadata`.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_read_with_md(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut c_void,
    metadata: *mut c_void,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
    apptag_mask: u16,
    apptag: u16,
) -> c_int {
    if payload.is_null() {
        return -libc::EINVAL;
    }
    let p = contig(payload, metadata);
    rw(
        ns,
        qpair,
        ns_cmd::OPC_READ,
        p,
        lba,
        lba_count,
        cb_fn,
        cb_arg,
        io_flags,
        apptag_mask,
        apptag,
    )
}

/// Reads into a scatter list walked with `reset_sgl_fn` / `next_sge_fn`
/// (called with `cb_arg`).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_readv(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
    reset_sgl_fn: spdk_nvme_req_reset_sgl_cb,
    next_sge_fn: spdk_nvme_req_next_sge_cb,
) -> c_int {
    let Some(p) = sgl(reset_sgl_fn, next_sge_fn, cb_arg, ptr::null_mut()) else {
        return -libc::EINVAL;
    };
    rw(
        ns,
        qpair,
        ns_cmd::OPC_READ,
        p,
        lba,
        lba_count,
        cb_fn,
        cb_arg,
        io_flags,
        0,
        0,
    )
}

/// spdk_nvme_ns_cmd_readv() with separate metadata.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_readv_with_md(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
    reset_sgl_fn: spdk_nvme_req_reset_sgl_cb,
    next_sge_fn: spdk_nvme_req_next_sge_cb,
    metadata: *mut c_void,
    apptag_mask: u16,
    apptag: u16,
) -> c_int {
    let Some(p) = sgl(reset_sgl_fn, next_sge_fn, cb_arg, metadata) else {
        return -libc::EINVAL;
    };
    rw(
        ns,
        qpair,
        ns_cmd::OPC_READ,
        p,
        lba,
        lba_count,
        cb_fn,
        cb_arg,
        io_flags,
        apptag_mask,
        apptag,
    )
}

/// Writes `lba_count` blocks from `payload` at `lba`.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_write(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut c_void,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
) -> c_int {
    if payload.is_null() {
        return -libc::EINVAL;
    }
    let p = contig(payload, ptr::null_mut());
    rw(
        ns,
        qpair,
        ns_cmd::OPC_WRITE,
        p,
        lba,
        lba_count,
        cb_fn,
        cb_arg,
        io_flags,
        0,
        0,
    )
}

/// Writes from `payload` and separate metadata `metadata`.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_write_with_md(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut c_void,
    metadata: *mut c_void,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
    apptag_mask: u16,
    apptag: u16,
) -> c_int {
    if payload.is_null() {
        return -libc::EINVAL;
    }
    let p = contig(payload, metadata);
    rw(
        ns,
        qpair,
        ns_cmd::OPC_WRITE,
        p,
        lba,
        lba_count,
        cb_fn,
        cb_arg,
        io_flags,
        apptag_mask,
        apptag,
    )
}

/// Writes from a scatter list.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_writev(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
    reset_sgl_fn: spdk_nvme_req_reset_sgl_cb,
    next_sge_fn: spdk_nvme_req_next_sge_cb,
) -> c_int {
    let Some(p) = sgl(reset_sgl_fn, next_sge_fn, cb_arg, ptr::null_mut()) else {
        return -libc::EINVAL;
    };
    rw(
        ns,
        qpair,
        ns_cmd::OPC_WRITE,
        p,
        lba,
        lba_count,
        cb_fn,
        cb_arg,
        io_flags,
        0,
        0,
    )
}

/// spdk_nvme_ns_cmd_writev() with separate metadata.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_writev_with_md(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
    reset_sgl_fn: spdk_nvme_req_reset_sgl_cb,
    next_sge_fn: spdk_nvme_req_next_sge_cb,
    metadata: *mut c_void,
    apptag_mask: u16,
    apptag: u16,
) -> c_int {
    let Some(p) = sgl(reset_sgl_fn, next_sge_fn, cb_arg, metadata) else {
        return -libc::EINVAL;
    };
    rw(
        ns,
        qpair,
        ns_cmd::OPC_WRITE,
        p,
        lba,
        lba_count,
        cb_fn,
        cb_arg,
        io_flags,
        apptag_mask,
        apptag,
    )
}

/// Compares `lba_count` blocks at `lba` with `payload` (a mismatch
/// completes with media error / compare failure).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_compare(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut c_void,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
) -> c_int {
    if payload.is_null() {
        return -libc::EINVAL;
    }
    let p = contig(payload, ptr::null_mut());
    rw(
        ns,
        qpair,
        ns_cmd::OPC_COMPARE,
        p,
        lba,
        lba_count,
        cb_fn,
        cb_arg,
        io_flags,
        0,
        0,
    )
}

/// Compares with a scatter list.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_comparev(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
    reset_sgl_fn: spdk_nvme_req_reset_sgl_cb,
    next_sge_fn: spdk_nvme_req_next_sge_cb,
) -> c_int {
    let Some(p) = sgl(reset_sgl_fn, next_sge_fn, cb_arg, ptr::null_mut()) else {
        return -libc::EINVAL;
    };
    rw(
        ns,
        qpair,
        ns_cmd::OPC_COMPARE,
        p,
        lba,
        lba_count,
        cb_fn,
        cb_arg,
        io_flags,
        0,
        0,
    )
}

/// Compares data and separate metadata.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_compare_with_md(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut c_void,
    metadata: *mut c_void,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
    apptag_mask: u16,
    apptag: u16,
) -> c_int {
    if payload.is_null() {
        return -libc::EINVAL;
    }
    let p = contig(payload, metadata);
    rw(
        ns,
        qpair,
        ns_cmd::OPC_COMPARE,
        p,
        lba,
        lba_count,
        cb_fn,
        cb_arg,
        io_flags,
        apptag_mask,
        apptag,
    )
}

/// Write Zeroes of `lba_count` (1 to 65536) blocks at `lba`.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_write_zeroes(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
) -> c_int {
    let (Some(n), false) = (self::ns(ns), qpair.is_null()) else {
        return -libc::EINVAL;
    };
    ns_cmd::write_zeroes(n, qp(qpair), lba, lba_count, cb_fn, cb_arg, io_flags)
}

/// Verify of `lba_count` (1 to 65536) blocks from `lba`: the controller
/// reads and checks them (protection information with the PRCHK flags
/// of `io_flags`) and transfers nothing.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_verify(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
) -> c_int {
    let (Some(n), false) = (self::ns(ns), qpair.is_null()) else {
        return -libc::EINVAL;
    };
    let opc = ns_cmd::OPC_VERIFY;
    ns_cmd::range_only(n, qp(qpair), opc, lba, lba_count, cb_fn, cb_arg, io_flags)
}

/// Marks `lba_count` (1 to 65536) blocks from `lba` as invalid: reads of
/// them fail until they are written again.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_write_uncorrectable(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    lba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (Some(n), false) = (self::ns(ns), qpair.is_null()) else {
        return -libc::EINVAL;
    };
    let opc = ns_cmd::OPC_WRITE_UNCORRECTABLE;
    ns_cmd::range_only(n, qp(qpair), opc, lba, lba_count, cb_fn, cb_arg, 0)
}

/// I/O Management Receive: management operation `mo` (with specific
/// field `mos`) returns `len` bytes (a non-zero multiple of 4) into
/// `payload`, which need not be DMA-able (e.g. Flexible Data Placement's
/// reclaim unit handle status).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_io_mgmt_recv(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut c_void,
    len: u32,
    mo: u8,
    mos: u16,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (Some(n), false) = (self::ns(ns), qpair.is_null()) else {
        return -libc::EINVAL;
    };
    ns_cmd::io_mgmt(
        n,
        qp(qpair),
        payload.cast(),
        len,
        mo,
        mos,
        true,
        cb_fn,
        cb_arg,
    )
}

/// I/O Management Send of management operation `mo` (specific field
/// `mos`) with `len` bytes of `payload` (copied; may be 0 bytes).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_io_mgmt_send(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut c_void,
    len: u32,
    mo: u8,
    mos: u16,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (Some(n), false) = (self::ns(ns), qpair.is_null()) else {
        return -libc::EINVAL;
    };
    ns_cmd::io_mgmt(
        n,
        qp(qpair),
        payload.cast(),
        len,
        mo,
        mos,
        false,
        cb_fn,
        cb_arg,
    )
}

/// Dataset Management of `num_ranges` (1 to 256) ranges with attributes
/// `type` (`SPDK_NVME_DSM_ATTR_*`). The ranges are copied: they need not
/// be DMA-able.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_dataset_management(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    r#type: u32,
    ranges: *const DsmRange,
    num_ranges: u16,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (Some(n), false, false) = (self::ns(ns), qpair.is_null(), ranges.is_null()) else {
        return -libc::EINVAL;
    };
    if num_ranges == 0 {
        return -libc::EINVAL;
    }
    let r = core::slice::from_raw_parts(ranges, num_ranges as usize);
    ns_cmd::dataset_management(n, qp(qpair), r#type, r, cb_fn, cb_arg)
}

/// Copy of `num_ranges` (1 to 128) source ranges to `dest_lba`. The
/// ranges are copied: they need not be DMA-able.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_copy(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    ranges: *const SccSourceRange,
    num_ranges: u16,
    dest_lba: u64,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (Some(n), false, false) = (self::ns(ns), qpair.is_null(), ranges.is_null()) else {
        return -libc::EINVAL;
    };
    if num_ranges == 0 {
        return -libc::EINVAL;
    }
    let r = core::slice::from_raw_parts(ranges, num_ranges as usize);
    ns_cmd::copy(n, qp(qpair), r, dest_lba, cb_fn, cb_arg)
}

/// Flush.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_flush(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (Some(n), false) = (self::ns(ns), qpair.is_null()) else {
        return -libc::EINVAL;
    };
    ns_cmd::flush(n, qp(qpair), cb_fn, cb_arg)
}
