//! The C ABI of include/spdk/nvme_ocssd.h: Open-Channel SSD 2.0 commands.
//! Each command returns 0 (its callback runs from a later poll of the
//! admin queue or of the queue pair), -EINVAL for bad arguments, -ENOMEM
//! when no request or DMA memory is free now, -ENXIO when the queue is not
//! usable.

use core::ffi::{c_int, c_void};
use core::ptr;

use super::nvme::ctrlr::{ctrlr_of, spdk_nvme_cmd_cb, spdk_nvme_ctrlr};
use super::nvme::ns::spdk_nvme_ns;
use super::nvme::qpair::spdk_nvme_qpair;
use crate::ns::Ns;
use crate::ocssd::{self, Vector};
use crate::qpair::Qpair;

/// `struct spdk_ocssd_chunk_information_entry` (nvme_ocssd_spec.h): 32
/// bytes the controller fills.
#[doc(hidden)]
#[repr(C)]
pub struct ChunkInfoEntry {
    _bytes: [u8; 32],
}

/// Whether the controller is an Open-Channel SSD. As SPDK: only a PCIe
/// controller with the open-channel quirk (PCI vendor 1D1Dh, device
/// 1F1Fh), whose identify data reports vendor 1D1Dh and whose first
/// active namespace has vendor-specific byte 0 set to 1. False for NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_is_ocssd_supported(ctrlr: *mut spdk_nvme_ctrlr) -> bool {
    ctrlr_of(ctrlr).is_some_and(ocssd::ctrlr_supported)
}

/// Sends Geometry (admin opcode E2h) for namespace `nsid`; the controller's
/// answer lands in `payload`, which must be `struct spdk_ocssd_geometry_data`
/// sized (4096 bytes, else -EINVAL) and may be any memory (the data comes
/// through a DMA copy, written before `cb_fn` runs). Completes from
/// spdk_nvme_ctrlr_process_admin_completions().
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ocssd_ctrlr_cmd_geometry(
    ctrlr: *mut spdk_nvme_ctrlr,
    nsid: u32,
    payload: *mut c_void,
    payload_size: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let Some(c) = ctrlr_of(ctrlr) else {
        return -libc::EINVAL;
    };
    ocssd::geometry(c, nsid, payload.cast(), payload_size, cb_fn, cb_arg)
}

#[inline]
unsafe fn target<'a>(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
) -> Option<(&'a Ns, *mut Qpair)> {
    let n = (ns as *const Ns).as_ref()?;
    (!qpair.is_null()).then_some((n, qpair.cast()))
}

#[allow(clippy::too_many_arguments)]
unsafe fn vector(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    opc: u8,
    buffer: *mut c_void,
    metadata: *mut c_void,
    lba_list: *mut u64,
    num_lbas: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
) -> c_int {
    let Some((n, q)) = target(ns, qpair) else {
        return -libc::EINVAL;
    };
    let v = Vector {
        opc,
        num_lbas,
        io_flags,
        buf: buffer.cast(),
        md: metadata.cast(),
        lbas: lba_list,
        dst: None,
        chunk_info: ptr::null_mut(),
    };
    ocssd::vector(n, q, &v, cb_fn, cb_arg)
}

/// Vector chunk reset (opcode 90h) of the chunks of the `num_lbas` (1 to
/// 64) addresses in `lba_list`. With `chunk_info` (DMA-able memory of
/// `num_lbas` entries) the controller reports each chunk's new state
/// there. The list is copied: it need not outlive the call.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ocssd_ns_cmd_vector_reset(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    lba_list: *mut u64,
    num_lbas: u32,
    chunk_info: *mut ChunkInfoEntry,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let Some((n, q)) = target(ns, qpair) else {
        return -libc::EINVAL;
    };
    let v = Vector {
        opc: ocssd::OPC_VECTOR_RESET,
        num_lbas,
        io_flags: 0,
        buf: ptr::null_mut(),
        md: ptr::null_mut(),
        lbas: lba_list,
        dst: None,
        chunk_info: chunk_info.cast(),
    };
    ocssd::vector(n, q, &v, cb_fn, cb_arg)
}

/// Vector write (opcode 91h): `num_lbas` (1 to 64) sectors from `buffer`
/// (DMA-able, num_lbas * sector size bytes) to the addresses of
/// `lba_list`. `io_flags`: 0 or SPDK_OCSSD_IO_FLAGS_LIMITED_RETRY.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ocssd_ns_cmd_vector_write(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    buffer: *mut c_void,
    lba_list: *mut u64,
    num_lbas: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
) -> c_int {
    vector(
        ns,
        qpair,
        ocssd::OPC_VECTOR_WRITE,
        buffer,
        ptr::null_mut(),
        lba_list,
        num_lbas,
        cb_fn,
        cb_arg,
        io_flags,
    )
}

/// Vector write with separate metadata (`metadata`: num_lbas * metadata
/// size bytes, DMA-able; ignored when the namespace has no metadata).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ocssd_ns_cmd_vector_write_with_md(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    buffer: *mut c_void,
    metadata: *mut c_void,
    lba_list: *mut u64,
    num_lbas: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
) -> c_int {
    vector(
        ns,
        qpair,
        ocssd::OPC_VECTOR_WRITE,
        buffer,
        metadata,
        lba_list,
        num_lbas,
        cb_fn,
        cb_arg,
        io_flags,
    )
}

/// Vector read (opcode 92h): the sectors at the `num_lbas` (1 to 64)
/// addresses of `lba_list` into `buffer` (DMA-able). `io_flags`: 0 or
/// SPDK_OCSSD_IO_FLAGS_LIMITED_RETRY.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ocssd_ns_cmd_vector_read(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    buffer: *mut c_void,
    lba_list: *mut u64,
    num_lbas: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
) -> c_int {
    vector(
        ns,
        qpair,
        ocssd::OPC_VECTOR_READ,
        buffer,
        ptr::null_mut(),
        lba_list,
        num_lbas,
        cb_fn,
        cb_arg,
        io_flags,
    )
}

/// Vector read with separate metadata (`metadata`: num_lbas * metadata
/// size bytes, DMA-able; ignored when the namespace has no metadata).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ocssd_ns_cmd_vector_read_with_md(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    buffer: *mut c_void,
    metadata: *mut c_void,
    lba_list: *mut u64,
    num_lbas: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
) -> c_int {
    vector(
        ns,
        qpair,
        ocssd::OPC_VECTOR_READ,
        buffer,
        metadata,
        lba_list,
        num_lbas,
        cb_fn,
        cb_arg,
        io_flags,
    )
}

/// Vector copy (opcode 93h) of the sectors at the `num_lbas` (1 to 64)
/// addresses of `src_lba_list` to those of `dst_lba_list`, inside the
/// device. Both lists are copied. `io_flags`: 0 or
/// SPDK_OCSSD_IO_FLAGS_LIMITED_RETRY.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ocssd_ns_cmd_vector_copy(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    dst_lba_list: *mut u64,
    src_lba_list: *mut u64,
    num_lbas: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
) -> c_int {
    let Some((n, q)) = target(ns, qpair) else {
        return -libc::EINVAL;
    };
    if dst_lba_list.is_null() {
        return -libc::EINVAL;
    }
    let v = Vector {
        opc: ocssd::OPC_VECTOR_COPY,
        num_lbas,
        io_flags,
        buf: ptr::null_mut(),
        md: ptr::null_mut(),
        lbas: src_lba_list,
        dst: Some(dst_lba_list),
        chunk_info: ptr::null_mut(),
    };
    ocssd::vector(n, q, &v, cb_fn, cb_arg)
}
