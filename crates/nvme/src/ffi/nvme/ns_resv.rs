//! Reservations (`spdk_nvme_ns_cmd_reservation_*`): register, acquire,
//! release and report. The key data and the report buffer are copied
//! through DMA memory, so they need not be DMA-able; each call returns 0
//! (the callback follows), -EINVAL, -ENOMEM or -ENXIO like the other
//! namespace commands.

use core::ffi::{c_int, c_void};

use super::ctrlr::spdk_nvme_cmd_cb;
use super::ns::{ns, spdk_nvme_ns};
use super::qpair::{qp, spdk_nvme_qpair};
use crate::ns_cmd;
use crate::spec::log::{ReservationAcquireData, ReservationKeyData, ReservationRegisterData};

/// `enum spdk_nvme_reservation_register_action` as C passes it.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResvRegisterActionArg(pub c_int);

/// `enum spdk_nvme_reservation_register_cptpl` as C passes it.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResvCptplArg(pub c_int);

/// `enum spdk_nvme_reservation_acquire_action` as C passes it.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResvAcquireActionArg(pub c_int);

/// `enum spdk_nvme_reservation_release_action` as C passes it.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResvReleaseActionArg(pub c_int);

/// `enum spdk_nvme_reservation_type` as C passes it.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResvTypeArg(pub c_int);

fn bytes_of<T>(p: &T) -> &[u8] {
    // SAFETY: plain-data key structures, read as bytes.
    unsafe { core::slice::from_raw_parts((p as *const T).cast::<u8>(), core::mem::size_of::<T>()) }
}

/// CDW10 of acquire and release: action (bits 2:0), ignore existing key
/// (bit 3), reservation type (bits 15:8). None when a value does not fit.
fn action_cdw10(action: c_int, ignore_key: bool, rtype: c_int) -> Option<u32> {
    if !(0..8).contains(&action) || !(0..256).contains(&rtype) {
        return None;
    }
    Some(action as u32 | (ignore_key as u32) << 3 | (rtype as u32) << 8)
}

/// Registers, unregisters or replaces this host's reservation key
/// (`payload`: current and new key), with the persist-through-power-loss
/// setting `cptpl`.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_reservation_register(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut ReservationRegisterData,
    ignore_key: bool,
    action: ResvRegisterActionArg,
    cptpl: ResvCptplArg,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (Some(n), false, Some(data)) = (self::ns(ns), qpair.is_null(), payload.as_ref()) else {
        return -libc::EINVAL;
    };
    if !(0..8).contains(&action.0) || !(0..4).contains(&cptpl.0) {
        return -libc::EINVAL;
    }
    let cdw10 = action.0 as u32 | (ignore_key as u32) << 3 | (cptpl.0 as u32) << 30;
    let opc = ns_cmd::OPC_RESERVATION_REGISTER;
    ns_cmd::reservation(n, qp(qpair), opc, cdw10, bytes_of(data), cb_fn, cb_arg)
}

/// Releases or clears the reservation of type `type` (`payload`: this
/// host's current key).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_reservation_release(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut ReservationKeyData,
    ignore_key: bool,
    action: ResvReleaseActionArg,
    r#type: ResvTypeArg,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (Some(n), false, Some(data)) = (self::ns(ns), qpair.is_null(), payload.as_ref()) else {
        return -libc::EINVAL;
    };
    let Some(cdw10) = action_cdw10(action.0, ignore_key, r#type.0) else {
        return -libc::EINVAL;
    };
    let opc = ns_cmd::OPC_RESERVATION_RELEASE;
    ns_cmd::reservation(n, qp(qpair), opc, cdw10, bytes_of(data), cb_fn, cb_arg)
}

/// Acquires, preempts, or preempts and aborts a reservation of type
/// `type` (`payload`: this host's key and the key to preempt).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_reservation_acquire(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut ReservationAcquireData,
    ignore_key: bool,
    action: ResvAcquireActionArg,
    r#type: ResvTypeArg,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (Some(n), false, Some(data)) = (self::ns(ns), qpair.is_null(), payload.as_ref()) else {
        return -libc::EINVAL;
    };
    let Some(cdw10) = action_cdw10(action.0, ignore_key, r#type.0) else {
        return -libc::EINVAL;
    };
    let opc = ns_cmd::OPC_RESERVATION_ACQUIRE;
    ns_cmd::reservation(n, qp(qpair), opc, cdw10, bytes_of(data), cb_fn, cb_arg)
}

/// Reads the reservation status (`struct spdk_nvme_reservation_status_data`
/// and the registered controllers; the extended form when the controller
/// uses 128-bit host identifiers) into `len` bytes at `payload`; `len`
/// must be a non-zero multiple of 4.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_cmd_reservation_report(
    ns: *mut spdk_nvme_ns,
    qpair: *mut spdk_nvme_qpair,
    payload: *mut c_void,
    len: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (Some(n), false, false) = (self::ns(ns), qpair.is_null(), payload.is_null()) else {
        return -libc::EINVAL;
    };
    ns_cmd::reservation_report(n, qp(qpair), payload.cast(), len, cb_fn, cb_arg)
}
