//! The C ABI of include/spdk/nvme_zns.h: Zoned Namespaces. The zoned
//! command set data of namespaces and controllers (fetched during
//! initialization when the controller runs with all I/O command sets),
//! Zone Append, and Zone Management Send / Receive.
//!
//! The commands return as the spdk_nvme_ns_cmd_* calls do: 0 (the
//! callback runs from a later spdk_nvme_qpair_process_completions()),
//! -EINVAL for bad arguments, -ENOMEM when the queue pair has no free
//! request now, -ENXIO when the pair is not connected.

#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use core::ffi::{c_int, c_void};
use core::ptr;

use super::nvme::ctrlr::{spdk_nvme_cmd_cb, spdk_nvme_ctrlr};
use super::nvme::ns::spdk_nvme_ns;
use super::nvme::ns_cmd::{spdk_nvme_req_next_sge_cb, spdk_nvme_req_reset_sgl_cb};
use super::nvme::qpair::{qp, spdk_nvme_qpair};
use crate::ctrlr::Ctrlr;
use crate::ns::Ns;
use crate::ns_cmd::{self, RwArgs};
use crate::request::Payload;
use crate::spec::ctrlr::ZnsCtrlrData;
use crate::spec::ns::ZnsNsData;

/// `enum spdk_nvme_zns_zra_report_opts` as C passes it (any value can
/// arrive; the controller judges it).
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZraArg(pub c_int);

/// Zone Receive Actions (`enum spdk_nvme_zns_zone_receive_action`).
const ZONE_REPORT: u8 = 0x0;
const ZONE_EXTENDED_REPORT: u8 = 0x1;
/// Zone Send Actions (`enum spdk_nvme_zns_zone_send_action`).
const ZONE_CLOSE: u8 = 0x1;
const ZONE_FINISH: u8 = 0x2;
const ZONE_OPEN: u8 = 0x3;
const ZONE_RESET: u8 = 0x4;
const ZONE_OFFLINE: u8 = 0x5;

#[inline]
unsafe fn ns_of<'a>(p: *const spdk_nvme_ns) -> Option<&'a Ns> {
    (p as *const Ns).as_ref()
}

#[inline]
unsafe fn zns_of<'a>(p: *const spdk_nvme_ns) -> Option<(&'a Ns, &'a ZnsNsData)> {
    let ns = ns_of(p)?;
    let z = ns.zns.as_deref()?;
    Some((ns, z))
}

/// The zoned command set identify namespace data of `ns`, or NULL when
/// the namespace is not zoned (or its data could not be read).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_ns_get_data(ns: *mut spdk_nvme_ns) -> *const ZnsNsData {
    zns_of(ns).map_or(ptr::null(), |(_, z)| z as *const ZnsNsData)
}

/// The zone size of `ns` in blocks (of its active LBA format); 0 when
/// the namespace is not zoned.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_ns_get_zone_size_sectors(ns: *mut spdk_nvme_ns) -> u64 {
    ns_of(ns).map_or(0, |n| n.zone_size_sectors())
}

/// The zone size of `ns` in bytes; 0 when the namespace is not zoned.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_ns_get_zone_size(ns: *mut spdk_nvme_ns) -> u64 {
    ns_of(ns).map_or(0, |n| n.zone_size_sectors() * n.sector_size as u64)
}

/// The number of zones of `ns` (its blocks over the zone size); 0 when
/// the namespace is not zoned.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_ns_get_num_zones(ns: *mut spdk_nvme_ns) -> u64 {
    ns_of(ns).map_or(0, |n| {
        n.num_sectors()
            .checked_div(n.zone_size_sectors())
            .unwrap_or(0)
    })
}

/// The most zones of `ns` that can be open at once (MOR + 1; 0 means no
/// limit, as MOR is 0xffffffff then); 0 when the namespace is not zoned.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_ns_get_max_open_zones(ns: *mut spdk_nvme_ns) -> u32 {
    zns_of(ns).map_or(0, |(_, z)| z.mor.wrapping_add(1))
}

/// The most zones of `ns` that can be active (open or closed) at once
/// (MAR + 1; 0 means no limit); 0 when the namespace is not zoned.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_ns_get_max_active_zones(ns: *mut spdk_nvme_ns) -> u32 {
    zns_of(ns).map_or(0, |(_, z)| z.mar.wrapping_add(1))
}

/// The zoned command set identify controller data of `ctrlr`, or NULL
/// when the controller has none (not running all I/O command sets, or it
/// refused the identify).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_ctrlr_get_data(
    ctrlr: *mut spdk_nvme_ctrlr,
) -> *const ZnsCtrlrData {
    (ctrlr as *const Ctrlr)
        .as_ref()
        .and_then(|c| c.cdata_zns.as_deref())
        .map_or(ptr::null(), |d| d as *const ZnsCtrlrData)
}

/// The largest zone append of `ctrlr` in bytes (ZASL, else the largest
/// transfer); 0 without zoned command set controller data.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_ctrlr_get_max_zone_append_size(
    ctrlr: *const spdk_nvme_ctrlr,
) -> u32 {
    (ctrlr as *const Ctrlr)
        .as_ref()
        .filter(|c| c.cdata_zns.is_some())
        .map_or(0, |c| c.max_zone_append_size)
}

#[allow(clippy::too_many_arguments)]
unsafe fn append(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: Option<Payload>,
    zslba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
    apptag_mask: u16,
    apptag: u16,
) -> c_int {
    let (Some(n), false, Some(p)) = (ns_of(ns), qpair.is_null(), payload) else {
        return -libc::EINVAL;
    };
    let a = RwArgs {
        lba: zslba,
        lba_count,
        io_flags,
        apptag_mask,
        apptag,
        cdw13: 0,
    };
    ns_cmd::zone_append(n, qp(qpair), p, a, cb_fn, cb_arg)
}

fn contig(buffer: *mut c_void, metadata: *mut c_void) -> Option<Payload> {
    (!buffer.is_null()).then_some(Payload::Contig {
        buf: buffer.cast(),
        md: metadata.cast(),
    })
}

fn sgl(
    reset: spdk_nvme_req_reset_sgl_cb,
    next: spdk_nvme_req_next_sge_cb,
    cb_arg: *mut c_void,
    metadata: *mut c_void,
) -> Option<Payload> {
    (reset.is_some() && next.is_some()).then(|| ns_cmd::sgl_payload(reset, next, cb_arg, metadata))
}

/// Zone Append: writes `lba_count` blocks from `buffer` (DMA-able) at the
/// write pointer of the zone starting at `zslba`. The completion's CDW0
/// (low 32 bits) and CDW1 (high) hold the LBA written. Never split:
/// -EINVAL when the data is larger than
/// spdk_nvme_zns_ctrlr_get_max_zone_append_size(), the controller has no
/// zone append or the namespace is not zoned.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_zone_append(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    buffer: *mut c_void,
    zslba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
) -> c_int {
    append(
        ns,
        qpair,
        contig(buffer, ptr::null_mut()),
        zslba,
        lba_count,
        cb_fn,
        cb_arg,
        io_flags,
        0,
        0,
    )
}

/// spdk_nvme_zns_zone_append() with separate metadata (`metadata`, may be
/// NULL) and the end-to-end protection application tag and mask.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_zone_append_with_md(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    buffer: *mut c_void,
    metadata: *mut c_void,
    zslba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
    apptag_mask: u16,
    apptag: u16,
) -> c_int {
    append(
        ns,
        qpair,
        contig(buffer, metadata),
        zslba,
        lba_count,
        cb_fn,
        cb_arg,
        io_flags,
        apptag_mask,
        apptag,
    )
}

/// spdk_nvme_zns_zone_append() from a scatter list (`reset_sgl_fn` and
/// `next_sge_fn`, called with `cb_arg`). -EINVAL also when the list would
/// need more than one command (too many elements, or PRP-incompatible).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_zone_appendv(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    zslba: u64,
    lba_count: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    io_flags: u32,
    reset_sgl_fn: spdk_nvme_req_reset_sgl_cb,
    next_sge_fn: spdk_nvme_req_next_sge_cb,
) -> c_int {
    append(
        ns,
        qpair,
        sgl(reset_sgl_fn, next_sge_fn, cb_arg, ptr::null_mut()),
        zslba,
        lba_count,
        cb_fn,
        cb_arg,
        io_flags,
        0,
        0,
    )
}

/// spdk_nvme_zns_zone_appendv() with separate metadata (`metadata`, may
/// be NULL) and the application tag and mask.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_zone_appendv_with_md(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    zslba: u64,
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
    append(
        ns,
        qpair,
        sgl(reset_sgl_fn, next_sge_fn, cb_arg, metadata),
        zslba,
        lba_count,
        cb_fn,
        cb_arg,
        io_flags,
        apptag_mask,
        apptag,
    )
}

unsafe fn send(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    slba: u64,
    select_all: bool,
    action: u8,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (Some(n), false) = (ns_of(ns), qpair.is_null()) else {
        return -libc::EINVAL;
    };
    ns_cmd::zone_mgmt_send(n, qp(qpair), slba, select_all, action, cb_fn, cb_arg)
}

/// Closes the open zone starting at `slba`, or with `select_all` every
/// open zone (`slba` ignored).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_close_zone(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    slba: u64,
    select_all: bool,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    send(ns, qpair, slba, select_all, ZONE_CLOSE, cb_fn, cb_arg)
}

/// Finishes (makes full) the zone starting at `slba`, or with
/// `select_all` every open and closed zone.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_finish_zone(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    slba: u64,
    select_all: bool,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    send(ns, qpair, slba, select_all, ZONE_FINISH, cb_fn, cb_arg)
}

/// Opens (explicitly) the zone starting at `slba`, or with `select_all`
/// every closed zone.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_open_zone(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    slba: u64,
    select_all: bool,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    send(ns, qpair, slba, select_all, ZONE_OPEN, cb_fn, cb_arg)
}

/// Resets the zone starting at `slba` (empty, write pointer at its
/// start), or with `select_all` every open, closed and full zone.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_reset_zone(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    slba: u64,
    select_all: bool,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    send(ns, qpair, slba, select_all, ZONE_RESET, cb_fn, cb_arg)
}

/// Takes the read-only zone starting at `slba` offline, or with
/// `select_all` every read-only zone.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_offline_zone(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    slba: u64,
    select_all: bool,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    send(ns, qpair, slba, select_all, ZONE_OFFLINE, cb_fn, cb_arg)
}

/// Sets the zone descriptor extension of the empty zone starting at
/// `slba` from `payload_size` bytes at `buffer` (any memory: a DMA copy
/// is sent). -EINVAL when `buffer` is NULL or `payload_size` 0.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_set_zone_desc_ext(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    slba: u64,
    buffer: *mut c_void,
    payload_size: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (Some(n), false, false) = (ns_of(ns), qpair.is_null(), buffer.is_null()) else {
        return -libc::EINVAL;
    };
    if payload_size == 0 {
        return -libc::EINVAL;
    }
    let data = core::slice::from_raw_parts(buffer as *const u8, payload_size as usize);
    ns_cmd::set_zone_desc_ext(n, qp(qpair), slba, data, cb_fn, cb_arg)
}

#[allow(clippy::too_many_arguments)]
unsafe fn recv(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut c_void,
    payload_size: u32,
    slba: u64,
    action: u8,
    report_opts: ZraArg,
    partial_report: bool,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (Some(n), false, false) = (ns_of(ns), qpair.is_null(), payload.is_null()) else {
        return -libc::EINVAL;
    };
    if payload_size < 4 {
        return -libc::EINVAL;
    }
    // A filter that does not fit its 8-bit field is refused, not cut.
    let Ok(filter) = u8::try_from(report_opts.0) else {
        return -libc::EINVAL;
    };
    let out = core::slice::from_raw_parts_mut(payload as *mut u8, payload_size as usize);
    ns_cmd::zone_mgmt_recv(
        n,
        qp(qpair),
        out,
        slba,
        action,
        filter,
        partial_report,
        cb_fn,
        cb_arg,
    )
}

/// Reports the zones from the one holding `slba` that match `report_opts`
/// into `payload` (`payload_size` bytes, any memory, filled before the
/// callback): a struct spdk_nvme_zns_zone_report, then one struct
/// spdk_nvme_zns_zone_desc per zone that fits. With `partial_report` its
/// nr_zones counts the descriptors returned, else every matching zone.
/// -EINVAL when `payload` is NULL or smaller than a dword.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_report_zones(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut c_void,
    payload_size: u32,
    slba: u64,
    report_opts: ZraArg,
    partial_report: bool,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    recv(
        ns,
        qpair,
        payload,
        payload_size,
        slba,
        ZONE_REPORT,
        report_opts,
        partial_report,
        cb_fn,
        cb_arg,
    )
}

/// spdk_nvme_zns_report_zones() with each descriptor followed by its
/// zone descriptor extension (the namespace's ZDES bytes).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_zns_ext_report_zones(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut c_void,
    payload_size: u32,
    slba: u64,
    report_opts: ZraArg,
    partial_report: bool,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    recv(
        ns,
        qpair,
        payload,
        payload_size,
        slba,
        ZONE_EXTENDED_REPORT,
        report_opts,
        partial_report,
        cb_fn,
        cb_arg,
    )
}
