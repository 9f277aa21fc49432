//! Controller management commands, as SPDK runs them: namespace
//! management and attachment (synchronous, then the namespaces are
//! listed again), Format NVM (synchronous, then a controller reset),
//! firmware update (image download in pieces of the minimum page size,
//! commit, reset), Security Send / Receive, directives, and boot
//! partitions (read through the BPRSEL / BPMBL registers, written by
//! download and commit).
//!
//! Command data the caller gives need not be DMA-able: it is copied
//! through DMA memory (SPDK's user copy requests), to the controller
//! before the command, from it before the callback.

use std::ffi::c_void;
use std::ptr;

use super::Ctrlr;
use crate::request::CmdCb;
use crate::spec::cmd::{cdw10, cdw11, Cmd, Cpl, Status};
use crate::spec::ns::{CtrlrList, Format, FwCommit, NsData};
use crate::spec::regs::{Bpinfo, Bprsel};

pub const OPC_NS_MANAGEMENT: u8 = 0x0d;
pub const OPC_FIRMWARE_COMMIT: u8 = 0x10;
pub const OPC_FIRMWARE_IMAGE_DOWNLOAD: u8 = 0x11;
pub const OPC_NS_ATTACHMENT: u8 = 0x15;
pub const OPC_DIRECTIVE_SEND: u8 = 0x19;
pub const OPC_DIRECTIVE_RECEIVE: u8 = 0x1a;
pub const OPC_FORMAT_NVM: u8 = 0x80;
pub const OPC_SECURITY_SEND: u8 = 0x81;
pub const OPC_SECURITY_RECEIVE: u8 = 0x82;

const NS_ATTACH: u32 = 0;
const NS_DETACH: u32 = 1;
const NS_CREATE: u32 = 0;
const NS_DELETE: u32 = 1;

/// Commit actions (`enum spdk_nvme_fw_commit_action`).
pub const FW_COMMIT_REPLACE_IMG: i32 = 0;
pub const FW_COMMIT_REPLACE_AND_ENABLE_IMG: i32 = 1;
const FW_COMMIT_REPLACE_BOOT_PARTITION: u32 = 6;
const FW_COMMIT_ACTIVATE_BOOT_PARTITION: u32 = 7;

/// Command specific status codes of Firmware Commit that ask for a reset.
const SCT_COMMAND_SPECIFIC: u16 = 1;
const SC_FIRMWARE_REQ_CONVENTIONAL_RESET: u16 = 0x0b;
const SC_FIRMWARE_REQ_NVM_RESET: u16 = 0x10;

const REG_BPINFO: u32 = 0x40;
const REG_BPRSEL: u32 = 0x44;
const REG_BPMBL: u32 = 0x48;
/// BPINFO.BRS values.
const BRS_NO_READ: u32 = 0;
const BRS_READ_IN_PROGRESS: u32 = 1;
const BRS_READ_ERROR: u32 = 3;
const BRS_READ_SUCCESS: u32 = 2;

/// SPDK's `spdk_nvme_bytes_to_numd`: dwords, 0's based.
fn bytes_to_numd(len: u32) -> u32 {
    (len >> 2).wrapping_sub(1)
}

fn sec_cdw10(secp: u8, spsp: u16, nssf: u8) -> u32 {
    cdw10::SecSendRecv(0)
        .with_nssf(nssf as u32)
        .with_spsp0((spsp & 0xff) as u32)
        .with_spsp1((spsp >> 8) as u32)
        .with_secp(secp as u32)
        .0
}

/// A boot partition write in progress: the image goes down in pieces,
/// then replaces the partition, which then is activated.
struct BpWrite {
    ctrlr: *mut Ctrlr,
    payload: *const u8,
    size: u32,
    offset: u32,
    /// Bytes of the piece in flight.
    transfer: u32,
    bpid: u32,
    stage: BpStage,
    cb: CmdCb,
    arg: *mut c_void,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum BpStage {
    Downloading,
    Replacing,
    Activating,
}

unsafe extern "C" fn bp_write_done(arg: *mut c_void, cpl: *const Cpl) {
    let w = arg as *mut BpWrite;
    if (*cpl).is_error() {
        spdk_log::errlog!("Write Boot Partition failed");
        let b = Box::from_raw(w);
        if let Some(cb) = b.cb {
            cb(b.arg, cpl);
        }
        return;
    }
    let c = &mut *(*w).ctrlr;
    let rc = match (*w).stage {
        BpStage::Downloading => {
            (*w).offset += (*w).transfer;
            if (*w).offset < (*w).size {
                c.bp_write_next_piece(w)
            } else {
                (*w).stage = BpStage::Replacing;
                c.bp_write_commit(w, FW_COMMIT_REPLACE_BOOT_PARTITION)
            }
        }
        BpStage::Replacing => {
            (*w).stage = BpStage::Activating;
            c.bp_write_commit(w, FW_COMMIT_ACTIVATE_BOOT_PARTITION)
        }
        BpStage::Activating => {
            let b = Box::from_raw(w);
            if let Some(cb) = b.cb {
                cb(b.arg, cpl);
            }
            return;
        }
    };
    if rc != 0 {
        spdk_log::errlog!(
            "Write Boot Partition: cannot submit the next command ({})",
            rc
        );
        // As SPDK: an internal device error.
        let err = Cpl {
            status: Status::new(0, 0x06),
            ..Cpl::default()
        };
        let b = Box::from_raw(w);
        if let Some(cb) = b.cb {
            cb(b.arg, &err);
        }
    }
}

impl Ctrlr {
    /// Submits an admin command with `len` bytes of the caller's memory
    /// at `user` copied through DMA memory: to the controller first, or
    /// (`to_host`) back to `user` before the callback.
    ///
    /// # Safety
    /// `user` is valid for `len` bytes (reads, or writes when `to_host`)
    /// until the callback.
    pub unsafe fn admin_submit_user_copy(
        &mut self,
        cmd: Cmd,
        user: *mut u8,
        len: u32,
        to_host: bool,
        cb: CmdCb,
        arg: *mut c_void,
    ) -> i32 {
        if len == 0 {
            return self.admin_submit(cmd, ptr::null_mut(), 0, cb, arg);
        }
        if user.is_null() {
            return -libc::EINVAL;
        }
        let Some(q) = self.admin_ptr() else {
            return -libc::ENXIO;
        };
        crate::ns_cmd::bounced(q, cmd, user, len as usize, to_host, cb, arg)
    }

    /// Runs a command synchronously with SPDK's return values (see
    /// [`Ctrlr::run_sync`]), logging a failure.
    unsafe fn sync_cmd(
        &mut self,
        what: &str,
        cmd: Cmd,
        user: *mut u8,
        len: u32,
        to_host: bool,
    ) -> Result<Cpl, i32> {
        let mut st = Status(0);
        self.run_sync(&mut st, |c, cb, a| {
            c.admin_submit_user_copy(cmd, user, len, to_host, cb, a)
        })
        .inspect_err(|&rc| {
            spdk_log::errlog!(
                "{} failed: {} ({})",
                what,
                rc,
                crate::print::status_str(st, cmd.opc()).to_string_lossy()
            );
        })
    }

    /// The namespaces again after a change, as SPDK's
    /// nvme_ctrlr_identify_active_ns: -ENXIO when they cannot be listed.
    fn namespaces_changed(&mut self) -> i32 {
        match self.refresh_namespaces() {
            Ok(()) => 0,
            Err(e) => {
                spdk_log::errlog!("listing the namespaces again failed: {}", e);
                -libc::ENXIO
            }
        }
    }

    /// `spdk_nvme_ctrlr_attach_ns`: Namespace Attachment (attach) of
    /// `nsid` to the controllers of `list`, then the namespaces are listed
    /// and identified again. 0, -EINVAL (NSID 0), -EIO (an error status),
    /// -ECANCELED (no completion), -ENXIO (the namespaces could not be
    /// listed, or `nsid` is beyond NN), -ENOMEM.
    ///
    /// # Safety
    /// `list` is valid for reads.
    pub unsafe fn attach_ns(&mut self, nsid: u32, list: *const CtrlrList) -> i32 {
        self.ns_attachment(nsid, list, NS_ATTACH)
    }

    /// `spdk_nvme_ctrlr_detach_ns`: as [`Ctrlr::attach_ns`], detaching.
    ///
    /// # Safety
    /// `list` is valid for reads.
    pub unsafe fn detach_ns(&mut self, nsid: u32, list: *const CtrlrList) -> i32 {
        self.ns_attachment(nsid, list, NS_DETACH)
    }

    unsafe fn ns_attachment(&mut self, nsid: u32, list: *const CtrlrList, sel: u32) -> i32 {
        if nsid == 0 || list.is_null() {
            return -libc::EINVAL;
        }
        let mut cmd = Cmd::new(OPC_NS_ATTACHMENT, nsid);
        cmd.cdw10 = cdw10::NsAttach(0).with_sel(sel).0;
        let len = size_of::<CtrlrList>() as u32;
        let what = if sel == NS_ATTACH {
            "attaching a namespace"
        } else {
            "detaching a namespace"
        };
        if let Err(rc) = self.sync_cmd(what, cmd, list as *mut u8, len, false) {
            return rc;
        }
        let rc = self.namespaces_changed();
        if rc != 0 || sel == NS_DETACH {
            return rc;
        }
        if self.get_ns(nsid).is_none() {
            spdk_log::errlog!("attached namespace {} is beyond the controller's", nsid);
            return -libc::ENXIO;
        }
        0
    }

    /// `spdk_nvme_ctrlr_create_ns`: Namespace Management (create) with
    /// the size, capacity, format and sharing of `data`. The new NSID
    /// (not attached yet), 0 when it failed.
    ///
    /// # Safety
    /// `data` is valid for reads.
    pub unsafe fn create_ns(&mut self, data: *const NsData) -> u32 {
        if data.is_null() {
            return 0;
        }
        let mut cmd = Cmd::new(OPC_NS_MANAGEMENT, 0);
        cmd.cdw10 = cdw10::NsManage(0).with_sel(NS_CREATE).0;
        let len = size_of::<NsData>() as u32;
        match self.sync_cmd("creating a namespace", cmd, data as *mut u8, len, false) {
            Ok(cpl) => cpl.cdw0,
            Err(_) => 0,
        }
    }

    /// `spdk_nvme_ctrlr_delete_ns`: Namespace Management (delete), then
    /// the namespaces are listed again. Errors as [`Ctrlr::attach_ns`].
    pub fn delete_ns(&mut self, nsid: u32) -> i32 {
        if nsid == 0 {
            return -libc::EINVAL;
        }
        let mut cmd = Cmd::new(OPC_NS_MANAGEMENT, nsid);
        cmd.cdw10 = cdw10::NsManage(0).with_sel(NS_DELETE).0;
        // SAFETY: no data.
        if let Err(rc) =
            unsafe { self.sync_cmd("deleting a namespace", cmd, ptr::null_mut(), 0, false) }
        {
            return rc;
        }
        self.namespaces_changed()
    }

    /// `spdk_nvme_ctrlr_format`: Format NVM of `nsid` (FFFFFFFFh: all
    /// namespaces) with CDW10 `format`, then a controller reset (which
    /// identifies the namespaces again). 0, -EIO, -ECANCELED, or the
    /// reset's error.
    pub fn format(&mut self, nsid: u32, format: Format) -> i32 {
        let mut cmd = Cmd::new(OPC_FORMAT_NVM, nsid);
        cmd.cdw10 = format.0;
        // SAFETY: no data.
        if let Err(rc) = unsafe { self.sync_cmd("Format NVM", cmd, ptr::null_mut(), 0, false) } {
            return rc;
        }
        self.reset()
    }

    /// `spdk_nvme_ctrlr_update_firmware`: downloads `size` bytes of
    /// `image` in pieces of the minimum page size, commits them to
    /// `slot` with `action` (replace, or replace and enable), and resets
    /// the controller (also when the commit answers that an NVM subsystem
    /// reset is needed). The commit's status goes to `status`. -1 for a
    /// size not a multiple of 4 or another commit action (as SPDK),
    /// -EINVAL for no image or a slot beyond 0 to 7,
    /// -EIO for an error status, -ECANCELED when a command got no
    /// completion, or the reset's error.
    ///
    /// # Safety
    /// `image` is valid for `size` bytes.
    pub unsafe fn update_firmware(
        &mut self,
        image: *const u8,
        size: u32,
        slot: i32,
        action: i32,
        status: &mut Status,
    ) -> i32 {
        *status = Status(0);
        if !size.is_multiple_of(4) {
            spdk_log::errlog!("spdk_nvme_ctrlr_update_firmware invalid size!");
            return -1;
        }
        if action != FW_COMMIT_REPLACE_IMG && action != FW_COMMIT_REPLACE_AND_ENABLE_IMG {
            spdk_log::errlog!("spdk_nvme_ctrlr_update_firmware invalid command!");
            return -1;
        }
        if (image.is_null() && size != 0) || !(0..=7).contains(&slot) {
            return -libc::EINVAL;
        }
        let mut offset = 0u32;
        while offset < size {
            let transfer = (size - offset).min(self.min_page_size);
            let mut cmd = Cmd::new(OPC_FIRMWARE_IMAGE_DOWNLOAD, 0);
            cmd.cdw10 = bytes_to_numd(transfer);
            cmd.cdw11 = offset >> 2;
            let p = image.add(offset as usize) as *mut u8;
            if let Err(rc) = self.sync_cmd("firmware image download", cmd, p, transfer, false) {
                return rc;
            }
            offset += transfer;
        }
        let mut cmd = Cmd::new(OPC_FIRMWARE_COMMIT, 0);
        cmd.cdw10 = FwCommit(0).with_fs(slot as u32).with_ca(action as u32).0;
        let r = self.run_sync(status, |c, cb, a| {
            c.admin_submit(cmd, ptr::null_mut(), 0, cb, a)
        });
        if let Err(rc) = r {
            let (sct, sc) = (status.sct(), status.sc());
            if sct != SCT_COMMAND_SPECIFIC || sc != SC_FIRMWARE_REQ_NVM_RESET {
                if sct == SCT_COMMAND_SPECIFIC && sc == SC_FIRMWARE_REQ_CONVENTIONAL_RESET {
                    spdk_log::noticelog!(
                        "firmware activation requires conventional reset to be performed. !"
                    );
                } else {
                    spdk_log::errlog!(
                        "firmware commit failed: {} ({})",
                        rc,
                        crate::print::status_str(*status, OPC_FIRMWARE_COMMIT).to_string_lossy()
                    );
                }
                return rc;
            }
        }
        self.reset()
    }

    /// Security Send (`to_host` false) or Receive of `len` bytes at
    /// `payload` with protocol `secp`, SPSP `spsp`, NSSF `nssf`.
    ///
    /// # Safety
    /// `payload` is valid for `len` bytes until the callback.
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn cmd_security(
        &mut self,
        receive: bool,
        secp: u8,
        spsp: u16,
        nssf: u8,
        payload: *mut u8,
        len: u32,
        cb: CmdCb,
        arg: *mut c_void,
    ) -> i32 {
        let opc = if receive {
            OPC_SECURITY_RECEIVE
        } else {
            OPC_SECURITY_SEND
        };
        let mut cmd = Cmd::new(opc, 0);
        cmd.cdw10 = sec_cdw10(secp, spsp, nssf);
        cmd.cdw11 = len;
        self.admin_submit_user_copy(cmd, payload, len, receive, cb, arg)
    }

    /// The synchronous form of [`Ctrlr::cmd_security`]: 0, -EIO for an
    /// error status, -ECANCELED without a completion, or the
    /// submission's error.
    ///
    /// # Safety
    /// As [`Ctrlr::cmd_security`].
    pub unsafe fn security_sync(
        &mut self,
        receive: bool,
        secp: u8,
        spsp: u16,
        nssf: u8,
        payload: *mut u8,
        len: u32,
    ) -> i32 {
        let mut st = Status(0);
        let r = self.run_sync(&mut st, |c, cb, a| {
            c.cmd_security(receive, secp, spsp, nssf, payload, len, cb, a)
        });
        match r {
            Ok(_) => 0,
            Err(rc) => {
                spdk_log::errlog!(
                    "security {} failed: {}",
                    if receive { "receive" } else { "send" },
                    rc
                );
                rc
            }
        }
    }

    /// Directive Send (`receive` false) or Receive for namespace `nsid`:
    /// NUMD from `len`, the operation, type and specific field in CDW11,
    /// CDW12 and CDW13 as given.
    ///
    /// # Safety
    /// `payload` is valid for `len` bytes until the callback.
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn cmd_directive(
        &mut self,
        receive: bool,
        nsid: u32,
        doper: u8,
        dtype: u8,
        dspec: u16,
        payload: *mut u8,
        len: u32,
        cdw12: u32,
        cdw13: u32,
        cb: CmdCb,
        arg: *mut c_void,
    ) -> i32 {
        let opc = if receive {
            OPC_DIRECTIVE_RECEIVE
        } else {
            OPC_DIRECTIVE_SEND
        };
        let mut cmd = Cmd::new(opc, nsid);
        if len >> 2 > 0 {
            cmd.cdw10 = (len >> 2) - 1;
        }
        cmd.cdw11 = cdw11::Directive(0)
            .with_doper(doper as u32)
            .with_dtype(dtype as u32)
            .with_dspec(dspec as u32)
            .0;
        cmd.cdw12 = cdw12;
        cmd.cdw13 = cdw13;
        self.admin_submit_user_copy(cmd, payload, len, receive, cb, arg)
    }

    /// BPINFO, read now.
    fn bpinfo(&mut self) -> Result<Bpinfo, i32> {
        self.t.read_reg_4(REG_BPINFO).map(Bpinfo).map_err(|_| {
            spdk_log::errlog!("get bpinfo failed");
            -libc::EIO
        })
    }

    /// `spdk_nvme_ctrlr_read_boot_partition_start`: the controller copies
    /// `bprsz` 4 KiB units from `bprof` (4 KiB units) of boot partition
    /// `bpid` into `payload` (DMA-able, contiguous). 0, -ENOTSUP without
    /// boot partitions, -EALREADY while a read runs, -EFAULT for memory
    /// the controller cannot reach, -EINVAL for values beyond their
    /// fields, -EIO when a register cannot be accessed.
    ///
    /// # Safety
    /// `payload` stays valid until the read is over.
    pub unsafe fn read_boot_partition_start(
        &mut self,
        payload: *mut u8,
        bprsz: u32,
        bprof: u32,
        bpid: u32,
    ) -> i32 {
        if self.cap.bps() == 0 {
            return -libc::ENOTSUP;
        }
        if bprsz == 0 || bprsz > 0x3ff || bprof > 0xf_ffff || bpid > 1 {
            return -libc::EINVAL;
        }
        match self.bpinfo() {
            Err(e) => return e,
            Ok(b) if b.brs() == BRS_READ_IN_PROGRESS => {
                spdk_log::errlog!("Boot Partition read already initiated");
                return -libc::EALREADY;
            }
            Ok(_) => {}
        }
        let want = bprsz as u64 * 4096;
        let mut len = want;
        let Some(bpmbl) = spdk_env::init::vtophys(payload as u64, Some(&mut len)) else {
            spdk_log::errlog!("spdk_vtophys of bpmbl failed");
            return -libc::EFAULT;
        };
        if len < want {
            spdk_log::errlog!("Boot Partition buffer is not physically contiguous");
            return -libc::EFAULT;
        }
        if self.t.write_reg_8(REG_BPMBL, bpmbl).is_err() {
            spdk_log::errlog!("set_bpmbl() failed");
            return -libc::EIO;
        }
        let sel = Bprsel(0)
            .with_bpid(bpid)
            .with_bprof(bprof)
            .with_bprsz(bprsz);
        if self.t.write_reg_4(REG_BPRSEL, sel.0).is_err() {
            spdk_log::errlog!("set_bprsel() failed");
            return -libc::EIO;
        }
        0
    }

    /// `spdk_nvme_ctrlr_read_boot_partition_poll`: 0 when the read is
    /// done, -EAGAIN while it runs, -EIO when it failed (or BPINFO cannot
    /// be read), -EINVAL when none was started.
    pub fn read_boot_partition_poll(&mut self) -> i32 {
        let b = match self.bpinfo() {
            Ok(b) => b,
            Err(e) => return e,
        };
        match b.brs() {
            BRS_NO_READ => {
                spdk_log::errlog!("Boot Partition read not initiated");
                -libc::EINVAL
            }
            BRS_READ_IN_PROGRESS => -libc::EAGAIN,
            BRS_READ_ERROR => {
                spdk_log::errlog!("Error completing Boot Partition read");
                -libc::EIO
            }
            BRS_READ_SUCCESS => 0,
            _ => -libc::EINVAL,
        }
    }

    /// `spdk_nvme_ctrlr_write_boot_partition`: downloads `size` bytes of
    /// `payload` (in pieces of the minimum page size), replaces boot
    /// partition `bpid` with them and activates it; `cb` gets the last
    /// completion, or the first error. 0 when started, -ENOTSUP without
    /// boot partitions, -EINVAL for bad arguments, or the first
    /// submission's error.
    ///
    /// # Safety
    /// `payload` is valid for `size` bytes until the callback.
    pub unsafe fn write_boot_partition(
        &mut self,
        payload: *const u8,
        size: u32,
        bpid: u32,
        cb: CmdCb,
        arg: *mut c_void,
    ) -> i32 {
        if self.cap.bps() == 0 {
            return -libc::ENOTSUP;
        }
        if payload.is_null() || size == 0 || !size.is_multiple_of(4) || bpid > 1 {
            return -libc::EINVAL;
        }
        let w = Box::into_raw(Box::new(BpWrite {
            ctrlr: self,
            payload,
            size,
            offset: 0,
            transfer: 0,
            bpid,
            stage: BpStage::Downloading,
            cb,
            arg,
        }));
        let rc = self.bp_write_next_piece(w);
        if rc != 0 {
            drop(Box::from_raw(w));
        }
        rc
    }

    unsafe fn bp_write_next_piece(&mut self, w: *mut BpWrite) -> i32 {
        let transfer = ((*w).size - (*w).offset).min(self.min_page_size);
        (*w).transfer = transfer;
        let mut cmd = Cmd::new(OPC_FIRMWARE_IMAGE_DOWNLOAD, 0);
        cmd.cdw10 = bytes_to_numd(transfer);
        cmd.cdw11 = (*w).offset >> 2;
        let p = (*w).payload.add((*w).offset as usize) as *mut u8;
        self.admin_submit_user_copy(cmd, p, transfer, false, Some(bp_write_done), w.cast())
    }

    unsafe fn bp_write_commit(&mut self, w: *mut BpWrite, action: u32) -> i32 {
        let mut cmd = Cmd::new(OPC_FIRMWARE_COMMIT, 0);
        cmd.cdw10 = FwCommit(0).with_ca(action).with_bpid((*w).bpid).0;
        self.admin_submit(cmd, ptr::null_mut(), 0, Some(bp_write_done), w.cast())
    }
}
