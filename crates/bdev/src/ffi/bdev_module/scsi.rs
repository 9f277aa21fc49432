//! SCSI completion status of an spdk_bdev_io (for modules backed by SCSI
//! devices) and SPDK's NVMe-to-SCSI status translation.

use std::ffi::c_int;

use super::spdk_bdev_io;
use super::spdk_bdev_io_status::{self, *};
use crate::{core, scsi};

/// `enum spdk_scsi_status` as an argument (any int C passes).
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct ScsiStatusArg(pub c_int);

/// `enum spdk_scsi_sense` as an argument.
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct ScsiSenseArg(pub c_int);

/// Records a SCSI status (GOOD means success, anything else a SCSI error
/// with that sense data); returns the bdev status it means.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_set_scsi_status(
    bdev_io: *mut spdk_bdev_io,
    sc: ScsiStatusArg,
    sk: ScsiSenseArg,
    asc: u8,
    ascq: u8,
) -> spdk_bdev_io_status {
    if bdev_io.is_null() {
        return SPDK_BDEV_IO_STATUS_FAILED;
    }
    if scsi::set(bdev_io, (sc.0 as u8, sk.0 as u8, asc, ascq)) == 1 {
        SPDK_BDEV_IO_STATUS_SUCCESS
    } else {
        SPDK_BDEV_IO_STATUS_SCSI_ERROR
    }
}

/// Completes an I/O with a SCSI status.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_complete_scsi_status(
    bdev_io: *mut spdk_bdev_io,
    sc: ScsiStatusArg,
    sk: ScsiSenseArg,
    asc: u8,
    ascq: u8,
) {
    if bdev_io.is_null() {
        return;
    }
    let s = scsi::set(bdev_io, (sc.0 as u8, sk.0 as u8, asc, ascq));
    core::complete(bdev_io, s);
}

/// The SCSI status, sense key, ASC and ASCQ matching the NVMe status
/// recorded in `bdev_io` (SPDK's table).
#[no_mangle]
pub unsafe extern "C" fn spdk_scsi_nvme_translate(
    bdev_io: *const spdk_bdev_io,
    sc: *mut c_int,
    sk: *mut c_int,
    asc: *mut c_int,
    ascq: *mut c_int,
) {
    if bdev_io.is_null() || sc.is_null() || sk.is_null() || asc.is_null() || ascq.is_null() {
        return;
    }
    let s = scsi::translate_io(bdev_io);
    (*sc, *sk, *asc, *ascq) = (s.0 as c_int, s.1 as c_int, s.2 as c_int, s.3 as c_int);
}
