//! The SCSI status of a completed I/O, for SCSI front ends.

use std::ffi::c_int;

use crate::ffi::bdev_module::spdk_bdev_io;
use crate::scsi;

/// SCSI status, sense key, ASC and ASCQ of a completed I/O: GOOD on
/// success, the translated NVMe error, MISCOMPARE, the module's SCSI
/// error, else CHECK CONDITION / ABORTED COMMAND.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_get_scsi_status(
    bdev_io: *const spdk_bdev_io,
    sc: *mut c_int,
    sk: *mut c_int,
    asc: *mut c_int,
    ascq: *mut c_int,
) {
    if bdev_io.is_null() || sc.is_null() || sk.is_null() || asc.is_null() || ascq.is_null() {
        return;
    }
    let s = scsi::get(bdev_io);
    (*sc, *sk, *asc, *ascq) = (s.0 as c_int, s.1 as c_int, s.2 as c_int, s.3 as c_int);
}
