//! SCSI view of a completion status: what a SCSI front end (iSCSI, vhost
//! scsi) reports for an I/O, including SPDK's NVMe-to-SCSI translation.

use crate::ffi::bdev_module::spdk_bdev_io;

// spdk/scsi_spec.h values used here.
pub const STATUS_GOOD: u8 = 0x00;
pub const STATUS_CHECK_CONDITION: u8 = 0x02;
pub const STATUS_RESERVATION_CONFLICT: u8 = 0x18;
pub const STATUS_TASK_ABORTED: u8 = 0x40;
pub const SENSE_NO_SENSE: u8 = 0x00;
pub const SENSE_NOT_READY: u8 = 0x02;
pub const SENSE_MEDIUM_ERROR: u8 = 0x03;
pub const SENSE_HARDWARE_ERROR: u8 = 0x04;
pub const SENSE_ILLEGAL_REQUEST: u8 = 0x05;
pub const SENSE_DATA_PROTECT: u8 = 0x07;
pub const SENSE_ABORTED_COMMAND: u8 = 0x0b;
pub const SENSE_MISCOMPARE: u8 = 0x0e;
pub const ASC_NO_ADDITIONAL_SENSE: u8 = 0x00;
pub const ASC_PERIPHERAL_DEVICE_WRITE_FAULT: u8 = 0x03;
pub const ASC_LOGICAL_UNIT_NOT_READY: u8 = 0x04;
pub const ASC_WARNING: u8 = 0x0b;
/// Guard, application tag and reference tag check failures share it.
pub const ASC_LOGICAL_BLOCK_CHECK_FAILED: u8 = 0x10;
pub const ASC_UNRECOVERED_READ_ERROR: u8 = 0x11;
pub const ASC_MISCOMPARE_DURING_VERIFY_OPERATION: u8 = 0x1d;
/// Invalid command operation code and access denied share it.
pub const ASC_INVALID_COMMAND_OR_ACCESS_DENIED: u8 = 0x20;
pub const ASC_LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE: u8 = 0x21;
pub const ASC_INVALID_FIELD_IN_CDB: u8 = 0x24;
pub const ASC_WRITE_PROTECTED: u8 = 0x27;
pub const ASC_FORMAT_COMMAND_FAILED: u8 = 0x31;
pub const ASC_INTERNAL_TARGET_FAILURE: u8 = 0x44;
pub const ASCQ_CAUSE_NOT_REPORTABLE: u8 = 0x00;
pub const ASCQ_FORMAT_COMMAND_FAILED: u8 = 0x01;
pub const ASCQ_GUARD_CHECK_FAILED: u8 = 0x01;
pub const ASCQ_APP_TAG_CHECK_FAILED: u8 = 0x02;
pub const ASCQ_NO_ACCESS_RIGHTS: u8 = 0x02;
pub const ASCQ_REF_TAG_CHECK_FAILED: u8 = 0x03;
pub const ASCQ_POWER_LOSS_EXPECTED: u8 = 0x08;
pub const ASCQ_INVALID_LU_IDENTIFIER: u8 = 0x09;

/// (status, sense key, additional sense code, qualifier).
pub type ScsiStatus = (u8, u8, u8, u8);

const GOOD: ScsiStatus = (
    STATUS_GOOD,
    SENSE_NO_SENSE,
    ASC_NO_ADDITIONAL_SENSE,
    ASCQ_CAUSE_NOT_REPORTABLE,
);

const fn check(sk: u8, asc: u8, ascq: u8) -> ScsiStatus {
    (STATUS_CHECK_CONDITION, sk, asc, ascq)
}

const ILLEGAL: ScsiStatus = check(
    SENSE_ILLEGAL_REQUEST,
    ASC_NO_ADDITIONAL_SENSE,
    ASCQ_CAUSE_NOT_REPORTABLE,
);

const ABORTED: ScsiStatus = (
    STATUS_TASK_ABORTED,
    SENSE_ABORTED_COMMAND,
    ASC_NO_ADDITIONAL_SENSE,
    ASCQ_CAUSE_NOT_REPORTABLE,
);

/// SPDK's table (lib/bdev/scsi_nvme.c) from an NVMe status code type and
/// status code to SCSI; anything it does not name is an illegal request.
pub fn translate(sct: i32, sc: i32) -> ScsiStatus {
    const NR: u8 = ASCQ_CAUSE_NOT_REPORTABLE;
    match (sct, sc) {
        // Generic command status.
        (0, 0x00) => GOOD,
        (0, 0x01) => check(
            SENSE_ILLEGAL_REQUEST,
            ASC_INVALID_COMMAND_OR_ACCESS_DENIED,
            NR,
        ),
        (0, 0x02) => check(SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB, NR),
        // Data transfer error, capacity exceeded.
        (0, 0x04) | (0, 0x81) => check(SENSE_MEDIUM_ERROR, ASC_NO_ADDITIONAL_SENSE, NR),
        (0, 0x05) => (
            STATUS_TASK_ABORTED,
            SENSE_ABORTED_COMMAND,
            ASC_WARNING,
            ASCQ_POWER_LOSS_EXPECTED,
        ),
        (0, 0x06) => check(SENSE_HARDWARE_ERROR, ASC_INTERNAL_TARGET_FAILURE, NR),
        // Aborted: by request, SQ deletion, failed or missing fused.
        (0, 0x07..=0x0a) => ABORTED,
        (0, 0x0b) => check(
            SENSE_ILLEGAL_REQUEST,
            ASC_INVALID_COMMAND_OR_ACCESS_DENIED,
            ASCQ_INVALID_LU_IDENTIFIER,
        ),
        (0, 0x80) => check(
            SENSE_ILLEGAL_REQUEST,
            ASC_LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE,
            NR,
        ),
        (0, 0x82) => check(SENSE_NOT_READY, ASC_LOGICAL_UNIT_NOT_READY, NR),
        (0, 0x83) => (
            STATUS_RESERVATION_CONFLICT,
            SENSE_NO_SENSE,
            ASC_NO_ADDITIONAL_SENSE,
            NR,
        ),
        // Command specific status.
        (1, 0x0a) => check(
            SENSE_ILLEGAL_REQUEST,
            ASC_FORMAT_COMMAND_FAILED,
            ASCQ_FORMAT_COMMAND_FAILED,
        ),
        (1, 0x80) => check(SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB, NR),
        (1, 0x82) => check(SENSE_DATA_PROTECT, ASC_WRITE_PROTECTED, NR),
        // Media and data integrity errors.
        (2, 0x80) => check(SENSE_MEDIUM_ERROR, ASC_PERIPHERAL_DEVICE_WRITE_FAULT, NR),
        (2, 0x81) => check(SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ_ERROR, NR),
        (2, 0x82) => check(
            SENSE_MEDIUM_ERROR,
            ASC_LOGICAL_BLOCK_CHECK_FAILED,
            ASCQ_GUARD_CHECK_FAILED,
        ),
        (2, 0x83) => check(
            SENSE_MEDIUM_ERROR,
            ASC_LOGICAL_BLOCK_CHECK_FAILED,
            ASCQ_APP_TAG_CHECK_FAILED,
        ),
        (2, 0x84) => check(
            SENSE_MEDIUM_ERROR,
            ASC_LOGICAL_BLOCK_CHECK_FAILED,
            ASCQ_REF_TAG_CHECK_FAILED,
        ),
        (2, 0x85) => check(SENSE_MISCOMPARE, ASC_MISCOMPARE_DURING_VERIFY_OPERATION, NR),
        (2, 0x86) => check(
            SENSE_DATA_PROTECT,
            ASC_INVALID_COMMAND_OR_ACCESS_DENIED,
            ASCQ_NO_ACCESS_RIGHTS,
        ),
        _ => ILLEGAL,
    }
}

/// The NVMe status recorded in `io`, translated.
pub unsafe fn translate_io(io: *const spdk_bdev_io) -> ScsiStatus {
    let i = &(*io).internal;
    translate(i.err_sct as i32, i.err_sc as i32)
}

/// Records a SCSI status in `io`; the bdev status it means (0 success
/// when GOOD, else -3 SCSI error).
pub unsafe fn set(io: *mut spdk_bdev_io, s: ScsiStatus) -> i8 {
    if s.0 == STATUS_GOOD {
        return 1;
    }
    let i = &mut (*io).internal;
    (i.scsi_sc, i.scsi_sk, i.scsi_asc, i.scsi_ascq) = s;
    -3
}

/// SPDK's SCSI view of a completed I/O's status.
pub unsafe fn get(io: *const spdk_bdev_io) -> ScsiStatus {
    let i = &(*io).internal;
    match i.status {
        1 => GOOD,
        -2 => translate_io(io),
        -5 => check(
            SENSE_MISCOMPARE,
            ASC_MISCOMPARE_DURING_VERIFY_OPERATION,
            ASCQ_CAUSE_NOT_REPORTABLE,
        ),
        -3 => (i.scsi_sc, i.scsi_sk, i.scsi_asc, i.scsi_ascq),
        _ => check(
            SENSE_ABORTED_COMMAND,
            ASC_NO_ADDITIONAL_SENSE,
            ASCQ_CAUSE_NOT_REPORTABLE,
        ),
    }
}
