//! Controller management: namespace management and attachment, Format
//! NVM, firmware update, Security Send / Receive, directives, boot
//! partitions.

use core::ffi::{c_int, c_void};

use super::ctrlr::{ctrlr, spdk_nvme_cmd_cb, spdk_nvme_ctrlr};
use crate::spec::cmd::Status;
use crate::spec::ns::{CtrlrList, Format, NsData};

/// `enum spdk_nvme_fw_commit_action` as C passes it (any int).
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FwCommitActionArg(pub c_int);

/// Attaches namespace `nsid` to the controllers listed in `payload`
/// (Namespace Attachment), waiting for it; the controller's namespaces
/// are then listed and identified again. 0; -EINVAL for a NULL argument
/// or NSID 0; -EIO when the controller refused (an error status);
/// -ECANCELED when no completion came; -ENXIO when the namespaces could
/// not be listed again; -ENOMEM.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_attach_ns(
    ctrlr: *mut spdk_nvme_ctrlr,
    nsid: u32,
    payload: *mut CtrlrList,
) -> c_int {
    match self::ctrlr(ctrlr) {
        Some(c) => c.attach_ns(nsid, payload),
        None => -libc::EINVAL,
    }
}

/// Detaches namespace `nsid` from the controllers listed in `payload`,
/// waiting for it; the namespaces are then listed again (a detached one
/// becomes inactive). Return values as spdk_nvme_ctrlr_attach_ns().
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_detach_ns(
    ctrlr: *mut spdk_nvme_ctrlr,
    nsid: u32,
    payload: *mut CtrlrList,
) -> c_int {
    match self::ctrlr(ctrlr) {
        Some(c) => c.detach_ns(nsid, payload),
        None => -libc::EINVAL,
    }
}

/// Creates a namespace (Namespace Management) with the host-settable
/// fields of `payload` (size, capacity, formatted LBA size, protection,
/// sharing), waiting for it. Returns its NSID (>= 1; it is not attached
/// to any controller yet), or 0 when it could not be created.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_create_ns(
    ctrlr: *mut spdk_nvme_ctrlr,
    payload: *mut NsData,
) -> u32 {
    match self::ctrlr(ctrlr) {
        Some(c) => c.create_ns(payload),
        None => 0,
    }
}

/// Deletes namespace `nsid` (SPDK_NVME_GLOBAL_NS_TAG: all of them),
/// waiting for it; the namespaces are then listed again. Return values as
/// spdk_nvme_ctrlr_attach_ns().
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_delete_ns(
    ctrlr: *mut spdk_nvme_ctrlr,
    nsid: u32,
) -> c_int {
    match self::ctrlr(ctrlr) {
        Some(c) => c.delete_ns(nsid),
        None => -libc::EINVAL,
    }
}

/// Low-level formats namespace `nsid` (SPDK_NVME_GLOBAL_NS_TAG: all
/// namespaces) as `format` says (LBA format, metadata, protection, secure
/// erase), waiting for it, then resets the controller so that the
/// namespaces are identified again. 0; -EINVAL for NULL; -EIO when the
/// controller refused; -ECANCELED when no completion came; or the
/// reset's error.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_format(
    ctrlr: *mut spdk_nvme_ctrlr,
    nsid: u32,
    format: *mut Format,
) -> c_int {
    let (Some(c), Some(f)) = (self::ctrlr(ctrlr), format.as_ref()) else {
        return -libc::EINVAL;
    };
    c.format(nsid, *f)
}

/// Downloads a firmware image of `size` bytes (Firmware Image Download,
/// in pieces of the minimum memory page size) and commits it to firmware
/// slot `slot` (0: the controller chooses) with `commit_action`, which
/// must be SPDK_NVME_FW_COMMIT_REPLACE_IMG or
/// SPDK_NVME_FW_COMMIT_REPLACE_AND_ENABLE_IMG; then resets the
/// controller. `completion_status` receives the status of the commit
/// (zeroed when it was not sent). A commit answering that an NVM
/// subsystem reset is needed still counts as done (the controller is
/// reset); one asking for a conventional reset returns -EIO. 0; -1 for a
/// size not a multiple of 4 or another commit action; -EINVAL for NULL
/// arguments or a slot above 7; -EIO when the controller refused a
/// command; -ECANCELED when one got no completion; -ENOMEM; or the
/// reset's error.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_update_firmware(
    ctrlr: *mut spdk_nvme_ctrlr,
    payload: *mut c_void,
    size: u32,
    slot: c_int,
    commit_action: FwCommitActionArg,
    completion_status: *mut Status,
) -> c_int {
    let (Some(c), Some(st)) = (self::ctrlr(ctrlr), completion_status.as_mut()) else {
        return -libc::EINVAL;
    };
    c.update_firmware(payload.cast(), size, slot, commit_action.0, st)
}

/// Sends Security Receive: protocol `secp`, protocol specific field
/// `spsp`, NVMe security specific field `nssf`; up to `payload_size`
/// bytes come back into `payload` (any memory: copied back before `cb_fn`
/// runs). Poll with spdk_nvme_ctrlr_process_admin_completions(). 0;
/// -EINVAL for NULL arguments; -ENOMEM; -ENXIO.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_cmd_security_receive(
    ctrlr: *mut spdk_nvme_ctrlr,
    secp: u8,
    spsp: u16,
    nssf: u8,
    payload: *mut c_void,
    payload_size: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    match self::ctrlr(ctrlr) {
        Some(c) => c.cmd_security(
            true,
            secp,
            spsp,
            nssf,
            payload.cast(),
            payload_size,
            cb_fn,
            cb_arg,
        ),
        None => -libc::EINVAL,
    }
}

/// Sends Security Send with `payload_size` bytes of `payload` (any
/// memory: copied first). Return values as
/// spdk_nvme_ctrlr_cmd_security_receive().
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_cmd_security_send(
    ctrlr: *mut spdk_nvme_ctrlr,
    secp: u8,
    spsp: u16,
    nssf: u8,
    payload: *mut c_void,
    payload_size: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    match self::ctrlr(ctrlr) {
        Some(c) => c.cmd_security(
            false,
            secp,
            spsp,
            nssf,
            payload.cast(),
            payload_size,
            cb_fn,
            cb_arg,
        ),
        None => -libc::EINVAL,
    }
}

/// Security Receive (see spdk_nvme_ctrlr_cmd_security_receive()),
/// waiting for it. 0; -EINVAL for NULL arguments or a size above 4 GiB;
/// -EIO when the controller refused; -ECANCELED when no completion came;
/// -ENOMEM; -ENXIO.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_security_receive(
    ctrlr: *mut spdk_nvme_ctrlr,
    secp: u8,
    spsp: u16,
    nssf: u8,
    payload: *mut c_void,
    size: usize,
) -> c_int {
    let Some(c) = self::ctrlr(ctrlr) else {
        return -libc::EINVAL;
    };
    let Ok(size) = u32::try_from(size) else {
        return -libc::EINVAL;
    };
    c.security_sync(true, secp, spsp, nssf, payload.cast(), size)
}

/// Security Send (see spdk_nvme_ctrlr_cmd_security_send()), waiting for
/// it. Return values as spdk_nvme_ctrlr_security_receive().
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_security_send(
    ctrlr: *mut spdk_nvme_ctrlr,
    secp: u8,
    spsp: u16,
    nssf: u8,
    payload: *mut c_void,
    size: usize,
) -> c_int {
    let Some(c) = self::ctrlr(ctrlr) else {
        return -libc::EINVAL;
    };
    let Ok(size) = u32::try_from(size) else {
        return -libc::EINVAL;
    };
    c.security_sync(false, secp, spsp, nssf, payload.cast(), size)
}

/// Checks a directive command's fields: operation and type are 8 bits,
/// the directive specific field 16.
fn directive_fields(doper: u32, dtype: u32, dspec: u32) -> Option<(u8, u8, u16)> {
    Some((
        u8::try_from(doper).ok()?,
        u8::try_from(dtype).ok()?,
        u16::try_from(dspec).ok()?,
    ))
}

/// Sends Directive Receive for namespace `nsid`: operation `doper` of
/// directive type `dtype` with directive specific field `dspec`, `cdw12`
/// and `cdw13` as given; up to `payload_size` bytes (a multiple of 4)
/// come back into `payload` (any memory: copied back before `cb_fn`
/// runs). Poll with spdk_nvme_ctrlr_process_admin_completions(). 0;
/// -EINVAL for NULL arguments or fields beyond their width; -ENOMEM;
/// -ENXIO.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_cmd_directive_receive(
    ctrlr: *mut spdk_nvme_ctrlr,
    nsid: u32,
    doper: u32,
    dtype: u32,
    dspec: u32,
    payload: *mut c_void,
    payload_size: u32,
    cdw12: u32,
    cdw13: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (Some(c), Some((op, ty, sp))) = (self::ctrlr(ctrlr), directive_fields(doper, dtype, dspec))
    else {
        return -libc::EINVAL;
    };
    c.cmd_directive(
        true,
        nsid,
        op,
        ty,
        sp,
        payload.cast(),
        payload_size,
        cdw12,
        cdw13,
        cb_fn,
        cb_arg,
    )
}

/// Sends Directive Send with `payload_size` bytes of `payload` (any
/// memory: copied first; none for operations without data). Return
/// values as spdk_nvme_ctrlr_cmd_directive_receive().
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_cmd_directive_send(
    ctrlr: *mut spdk_nvme_ctrlr,
    nsid: u32,
    doper: u32,
    dtype: u32,
    dspec: u32,
    payload: *mut c_void,
    payload_size: u32,
    cdw12: u32,
    cdw13: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (Some(c), Some((op, ty, sp))) = (self::ctrlr(ctrlr), directive_fields(doper, dtype, dspec))
    else {
        return -libc::EINVAL;
    };
    c.cmd_directive(
        false,
        nsid,
        op,
        ty,
        sp,
        payload.cast(),
        payload_size,
        cdw12,
        cdw13,
        cb_fn,
        cb_arg,
    )
}

/// Starts reading `bprsz` 4 KiB units from offset `bprof` (4 KiB units)
/// of boot partition `bpid` into `payload`, which must be DMA-able and
/// contiguous for the whole size; poll with
/// spdk_nvme_ctrlr_read_boot_partition_poll(). 0; -ENOTSUP when the
/// controller has no boot partitions; -EALREADY while a read runs;
/// -EFAULT for a NULL buffer or one the controller cannot reach; -EINVAL
/// for a NULL controller or values beyond their register fields (size 1 to 1023 units, offset
/// below 2^20 units, partition 0 or 1); -EIO when a register cannot be
/// accessed.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_read_boot_partition_start(
    ctrlr: *mut spdk_nvme_ctrlr,
    payload: *mut c_void,
    bprsz: u32,
    bprof: u32,
    bpid: u32,
) -> c_int {
    match self::ctrlr(ctrlr) {
        Some(_) if payload.is_null() => -libc::EFAULT,
        Some(c) => c.read_boot_partition_start(payload.cast(), bprsz, bprof, bpid),
        None => -libc::EINVAL,
    }
}

/// The state of the boot partition read: 0 when the data is in the
/// buffer; -EAGAIN while it runs (call again); -EIO when it failed or
/// BPINFO cannot be read; -EINVAL when no read was started.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_read_boot_partition_poll(
    ctrlr: *mut spdk_nvme_ctrlr,
) -> c_int {
    match self::ctrlr(ctrlr) {
        Some(c) => c.read_boot_partition_poll(),
        None => -libc::EINVAL,
    }
}

/// Writes `size` bytes of `payload` (any memory, valid until `cb_fn`
/// runs) to boot partition `bpid`: Firmware Image Download in pieces,
/// then Firmware Commit replacing the partition, then one activating it.
/// `cb_fn` gets the activation's completion, or the first error. Poll
/// with spdk_nvme_ctrlr_process_admin_completions(). 0 when started;
/// -ENOTSUP when the controller has no boot partitions; -EINVAL for NULL,
/// a size of 0 or not a multiple of 4, or a partition other than 0 and 1;
/// -ENOMEM; -ENXIO.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_write_boot_partition(
    ctrlr: *mut spdk_nvme_ctrlr,
    payload: *mut c_void,
    size: u32,
    bpid: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    match self::ctrlr(ctrlr) {
        Some(c) => c.write_boot_partition(payload.cast(), size, bpid, cb_fn, cb_arg),
        None => -libc::EINVAL,
    }
}
