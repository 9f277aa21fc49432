//! Submission and completion queue entries (`struct spdk_nvme_cmd`,
//! `struct spdk_nvme_cpl`), SGL descriptors, the command dword layouts
//! (`union spdk_nvme_cmd_cdw10` .. `cdw13`) and the Dataset Management and
//! Copy ranges.

use super::{layout, pod, Pod};

bitfields! {
    /// The second half of an SGL descriptor (the anonymous union of
    /// `struct spdk_nvme_sgl_descriptor`): its length and key, type and
    /// subtype.
    pub struct SglDesc(u64) {
        /// Length of a data block, bit bucket or segment (`unkeyed.length`).
        length / with_length: 0, 32 => "unkeyed.length";
        /// Length of a keyed data block (`keyed.length`).
        keyed_length / with_keyed_length: 0, 24 => "keyed.length";
        /// Key of a keyed data block (`keyed.key`).
        key / with_key: 24, 32 => "keyed.key";
        /// `spdk_nvme_sgl_descriptor_subtype`.
        subtype / with_subtype: 56, 4 => "generic.subtype";
        /// `spdk_nvme_sgl_descriptor_type`.
        sgl_type / with_sgl_type: 60, 4 => "generic.type";
    }
}

/// An SGL descriptor (`struct spdk_nvme_sgl_descriptor`, packed).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SglDescriptor {
    pub address: u64,
    pub desc: SglDesc,
}

impl SglDescriptor {
    /// A data block descriptor of `len` bytes at `addr`.
    pub const fn data_block(addr: u64, len: u32) -> Self {
        Self {
            address: addr,
            desc: SglDesc(0).with_length(len as u64),
        }
    }

    /// A data block of `len` bytes at `offset` in the capsule (fabrics).
    pub const fn in_capsule(offset: u64, len: u32) -> Self {
        Self {
            address: offset,
            desc: SglDesc(0).with_length(len as u64).with_subtype(1),
        }
    }

    /// A keyed data block descriptor (RDMA): `len` bytes at `addr` in the
    /// memory region of `key`.
    pub const fn keyed(addr: u64, len: u32, key: u32) -> Self {
        Self {
            address: addr,
            desc: SglDesc(0)
                .with_keyed_length(len as u64)
                .with_key(key as u64)
                .with_sgl_type(4),
        }
    }

    /// A segment (or last segment when `last`) of `len` bytes at `addr`.
    pub const fn segment(addr: u64, len: u32, last: bool) -> Self {
        Self {
            address: addr,
            desc: SglDesc(0)
                .with_length(len as u64)
                .with_sgl_type(if last { 3 } else { 2 }),
        }
    }
}

bitfields! {
    /// The first half-dword of a command: opcode, fused operation and data
    /// pointer kind.
    pub struct CmdOp(u16) {
        opc / with_opc: 0, 8;
        /// `spdk_nvme_cmd_fuse`.
        fuse / with_fuse: 8, 2;
        rsvd1: 10, 4;
        /// `spdk_nvme_psdt_value`.
        psdt / with_psdt: 14, 2;
    }
}

/// The data pointer of a command: two PRP entries, or (same bytes) an SGL
/// descriptor.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dptr {
    pub prp1: u64,
    pub prp2: u64,
}

impl Dptr {
    /// The data pointer read as an SGL descriptor (`dptr.sgl1`).
    pub fn sgl1(&self) -> SglDescriptor {
        SglDescriptor::read_from(self.as_bytes()).unwrap_or_default()
    }

    /// Sets the data pointer to an SGL descriptor.
    pub fn set_sgl1(&mut self, sgl: SglDescriptor) {
        self.as_bytes_mut().copy_from_slice(sgl.as_bytes());
    }
}

/// A submission queue entry (`struct spdk_nvme_cmd`). Command dwords 10-13
/// are raw here; the `cdw10` .. `cdw13` modules give their layouts per
/// command (C's `cdw10_bits` members).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cmd {
    pub op: CmdOp,
    pub cid: u16,
    pub nsid: u32,
    pub rsvd2: u32,
    pub rsvd3: u32,
    pub mptr: u64,
    pub dptr: Dptr,
    pub cdw10: u32,
    pub cdw11: u32,
    pub cdw12: u32,
    pub cdw13: u32,
    pub cdw14: u32,
    pub cdw15: u32,
}

impl Cmd {
    /// A command with opcode `opc` for namespace `nsid`, the rest zero.
    pub fn new(opc: u8, nsid: u32) -> Self {
        Cmd {
            op: CmdOp(0).with_opc(opc as u16),
            nsid,
            ..Default::default()
        }
    }

    pub fn opc(&self) -> u8 {
        self.op.opc() as u8
    }

    pub fn fuse(&self) -> u8 {
        self.op.fuse() as u8
    }

    pub fn psdt(&self) -> u8 {
        self.op.psdt() as u8
    }

    pub fn set_opc(&mut self, opc: u8) {
        self.op = self.op.with_opc(opc as u16);
    }

    pub fn set_fuse(&mut self, fuse: u8) {
        self.op = self.op.with_fuse(fuse as u16);
    }

    pub fn set_psdt(&mut self, psdt: u8) {
        self.op = self.op.with_psdt(psdt as u16);
    }
}

/// Layouts of CDW10 (`union spdk_nvme_cmd_cdw10`), one per command.
pub mod cdw10 {
    bitfields! {
        /// Identify.
        pub struct Identify(u32) {
            /// `spdk_nvme_identify_cns`.
            cns / with_cns: 0, 8;
            reserved: 8, 8;
            cntid / with_cntid: 16, 16;
        }
    }
    bitfields! {
        /// Get Log Page.
        pub struct GetLogPage(u32) {
            /// `spdk_nvme_log_page`.
            lid / with_lid: 0, 8;
            /// Log specific field.
            lsp / with_lsp: 8, 7;
            /// Retain asynchronous event.
            rae / with_rae: 15, 1;
            /// Dwords to read, 0's based, low half.
            numdl / with_numdl: 16, 16;
        }
    }
    bitfields! {
        /// Abort.
        pub struct Abort(u32) {
            sqid / with_sqid: 0, 16;
            cid / with_cid: 16, 16;
        }
    }
    bitfields! {
        /// Security Send and Receive.
        pub struct SecSendRecv(u32) {
            nssf / with_nssf: 0, 8;
            spsp0 / with_spsp0: 8, 8;
            spsp1 / with_spsp1: 16, 8;
            secp / with_secp: 24, 8;
        }
    }
    bitfields! {
        /// Create I/O Submission or Completion Queue.
        pub struct CreateIoQ(u32) {
            qid / with_qid: 0, 16;
            /// 0's based.
            qsize / with_qsize: 16, 16;
        }
    }
    bitfields! {
        /// Delete I/O Submission or Completion Queue.
        pub struct DeleteIoQ(u32) {
            qid / with_qid: 0, 16;
            reserved: 16, 16;
        }
    }
    bitfields! {
        /// Get Features.
        pub struct GetFeatures(u32) {
            /// `spdk_nvme_feat`.
            fid / with_fid: 0, 8;
            /// Current, default, saved or capabilities.
            sel / with_sel: 8, 3;
            reserved: 11, 21;
        }
    }
    bitfields! {
        /// Set Features.
        pub struct SetFeatures(u32) {
            fid / with_fid: 0, 8;
            reserved: 8, 23;
            /// Save.
            sv / with_sv: 31, 1;
        }
    }
    bitfields! {
        /// Namespace Attachment.
        pub struct NsAttach(u32) {
            sel / with_sel: 0, 4;
            reserved: 4, 28;
        }
    }
    bitfields! {
        /// Namespace Management.
        pub struct NsManage(u32) {
            sel / with_sel: 0, 4;
            reserved: 4, 28;
        }
    }
    bitfields! {
        /// Dataset Management.
        pub struct Dsm(u32) {
            /// Ranges, 0's based.
            nr / with_nr: 0, 8;
            reserved: 8, 24;
        }
    }
    bitfields! {
        /// Reservation Register.
        pub struct ResvRegister(u32) {
            rrega / with_rrega: 0, 3;
            iekey / with_iekey: 3, 1;
            reserved: 4, 26;
            cptpl / with_cptpl: 30, 2;
        }
    }
    bitfields! {
        /// Reservation Release.
        pub struct ResvRelease(u32) {
            rrela / with_rrela: 0, 3;
            iekey / with_iekey: 3, 1;
            reserved1: 4, 4;
            rtype / with_rtype: 8, 8;
            reserved2: 16, 16;
        }
    }
    bitfields! {
        /// Reservation Acquire.
        pub struct ResvAcquire(u32) {
            racqa / with_racqa: 0, 3;
            iekey / with_iekey: 3, 1;
            reserved1: 4, 4;
            rtype / with_rtype: 8, 8;
            reserved2: 16, 16;
        }
    }
    bitfields! {
        /// I/O Management Send and Receive.
        pub struct MgmtSendRecv(u32) {
            mo / with_mo: 0, 8;
            reserved: 8, 8;
            mos / with_mos: 16, 16;
        }
    }
}

/// Layouts of CDW11 (`union spdk_nvme_cmd_cdw11`); the features' are in
/// [`super::feat`].
pub mod cdw11 {
    bitfields! {
        /// Identify.
        pub struct Identify(u32) {
            nvmsetid / with_nvmsetid: 0, 16;
            reserved: 16, 8;
            /// `spdk_nvme_csi`.
            csi / with_csi: 24, 8;
        }
    }
    bitfields! {
        /// Create I/O Submission Queue.
        pub struct CreateIoSq(u32) {
            pc / with_pc: 0, 1;
            /// `spdk_nvme_qprio`.
            qprio / with_qprio: 1, 2;
            reserved: 3, 13;
            cqid / with_cqid: 16, 16;
        }
    }
    bitfields! {
        /// Create I/O Completion Queue.
        pub struct CreateIoCq(u32) {
            pc / with_pc: 0, 1;
            ien / with_ien: 1, 1;
            reserved: 2, 14;
            iv / with_iv: 16, 16;
        }
    }
    bitfields! {
        /// Directive Send and Receive.
        pub struct Directive(u32) {
            doper / with_doper: 0, 8;
            dtype / with_dtype: 8, 8;
            dspec / with_dspec: 16, 16;
        }
    }
    bitfields! {
        /// Get Log Page.
        pub struct GetLogPage(u32) {
            /// Dwords to read, 0's based, high half.
            numdu / with_numdu: 0, 16;
            lsid / with_lsid: 16, 16;
        }
    }
    bitfields! {
        /// Reservation Report.
        pub struct ResvReport(u32) {
            /// Extended data structure.
            eds / with_eds: 0, 1;
            reserved: 1, 31;
        }
    }
    bitfields! {
        /// Dataset Management attributes (`spdk_nvme_dsm_attribute`).
        pub struct Dsm(u32) {
            idr / with_idr: 0, 1;
            idw / with_idw: 1, 1;
            /// Deallocate.
            ad / with_ad: 2, 1;
            reserved: 3, 29;
        }
    }
}

/// Layouts of CDW12 (`union spdk_nvme_cmd_cdw12`); the FDP features' are
/// in [`super::feat`].
pub mod cdw12 {
    bitfields! {
        /// Read, Write, Compare and the like.
        pub struct Write(u32) {
            /// Blocks, 0's based.
            nlb / with_nlb: 0, 16;
            reserved: 16, 4;
            dtype / with_dtype: 20, 4;
            stc / with_stc: 24, 1;
            reserved2: 25, 1;
            prchk / with_prchk: 26, 3;
            pract / with_pract: 29, 1;
            fua / with_fua: 30, 1;
            lr / with_lr: 31, 1;
        }
    }
    bitfields! {
        /// Copy.
        pub struct Copy(u32) {
            /// Source ranges, 0's based.
            nr / with_nr: 0, 8;
            df / with_df: 8, 4;
            prinfor / with_prinfor: 12, 4;
            reserved: 16, 4;
            dtype / with_dtype: 20, 4;
            stcw / with_stcw: 24, 1;
            reserved2: 25, 1;
            prinfow / with_prinfow: 26, 4;
            fua / with_fua: 30, 1;
            lr / with_lr: 31, 1;
        }
    }
    bitfields! {
        /// Write Zeroes.
        pub struct WriteZeroes(u32) {
            nlb / with_nlb: 0, 16;
            reserved: 16, 8;
            stc / with_stc: 24, 1;
            /// Deallocate.
            deac / with_deac: 25, 1;
            prchk / with_prchk: 26, 3;
            pract / with_pract: 29, 1;
            fua / with_fua: 30, 1;
            lr / with_lr: 31, 1;
        }
    }
}

/// Layouts of CDW13 (`union spdk_nvme_cmd_cdw13`).
pub mod cdw13 {
    bitfields! {
        /// Writes.
        pub struct Write(u32) {
            /// Dataset management hints.
            dsm / with_dsm: 0, 8;
            reserved: 8, 8;
            dspec / with_dspec: 16, 16;
        }
    }
}

bitfields! {
    /// The status field of a completion (`struct spdk_nvme_status`).
    pub struct Status(u16) {
        /// Phase tag.
        p / with_p: 0, 1;
        /// Status code.
        sc / with_sc: 1, 8;
        /// Status code type (`spdk_nvme_status_code_type`).
        sct / with_sct: 9, 3;
        /// Command retry delay (index into CRDT).
        crd / with_crd: 12, 2;
        /// More information in the error log.
        m / with_m: 14, 1;
        /// Do not retry.
        dnr / with_dnr: 15, 1;
    }
}

impl Status {
    /// A status of type `sct` and code `sc`, phase 0.
    pub const fn new(sct: u16, sc: u16) -> Self {
        Status(0).with_sct(sct).with_sc(sc)
    }
}

/// A completion queue entry (`struct spdk_nvme_cpl`; C's `status_raw` is
/// `status.0`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cpl {
    pub cdw0: u32,
    pub cdw1: u32,
    pub sqhd: u16,
    pub sqid: u16,
    pub cid: u16,
    pub status: Status,
}

// Status code types and codes the predicates below test.
const SCT_GENERIC: u16 = 0;
const SCT_MEDIA_ERROR: u16 = 2;
const SCT_PATH: u16 = 3;
const SC_ABORTED_BY_REQUEST: u16 = 0x07;
const SC_ABORTED_SQ_DELETION: u16 = 0x08;

impl Cpl {
    /// The command failed (`spdk_nvme_cpl_is_error`).
    pub const fn is_error(&self) -> bool {
        self.status.sc() != 0 || self.status.sct() != SCT_GENERIC
    }

    /// The command succeeded (`spdk_nvme_cpl_is_success`).
    pub const fn is_success(&self) -> bool {
        !self.is_error()
    }

    /// A protection information check failed (`spdk_nvme_cpl_is_pi_error`).
    pub const fn is_pi_error(&self) -> bool {
        self.status.sct() == SCT_MEDIA_ERROR && matches!(self.status.sc(), 0x82..=0x84)
    }

    /// An Abort aborted its target (`spdk_nvme_cpl_is_abort_success`).
    pub const fn is_abort_success(&self) -> bool {
        self.is_success() && self.cdw0 & 1 == 0
    }

    /// A path related status (`spdk_nvme_cpl_is_path_error`).
    pub const fn is_path_error(&self) -> bool {
        self.status.sct() == SCT_PATH
    }

    /// An asymmetric namespace access error (`spdk_nvme_cpl_is_ana_error`).
    pub const fn is_ana_error(&self) -> bool {
        self.status.sct() == SCT_PATH && matches!(self.status.sc(), 0x01..=0x03)
    }

    /// Aborted because its queue was deleted
    /// (`spdk_nvme_cpl_is_aborted_sq_deletion`).
    pub const fn is_aborted_sq_deletion(&self) -> bool {
        self.status.sct() == SCT_GENERIC && self.status.sc() == SC_ABORTED_SQ_DELETION
    }

    /// Aborted by an Abort command (`spdk_nvme_cpl_is_aborted_by_request`).
    pub const fn is_aborted_by_request(&self) -> bool {
        self.status.sct() == SCT_GENERIC && self.status.sc() == SC_ABORTED_BY_REQUEST
    }
}

bitfields! {
    /// Context attributes of a Dataset Management range.
    pub struct DsmAttributes(u32) {
        /// Access frequency.
        af / with_af: 0, 4;
        /// Access latency.
        al / with_al: 4, 2;
        reserved0: 6, 2;
        /// Sequential read.
        sr / with_sr: 8, 1;
        /// Sequential write.
        sw / with_sw: 9, 1;
        /// Write prepare.
        wp / with_wp: 10, 1;
        reserved1: 11, 13;
        /// Command access size, blocks.
        access_size / with_access_size: 24, 8;
    }
}

/// A Dataset Management range (`struct spdk_nvme_dsm_range`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DsmRange {
    pub attributes: DsmAttributes,
    /// Blocks.
    pub length: u32,
    pub starting_lba: u64,
}

/// A Copy source range, format 0 (`struct spdk_nvme_scc_source_range`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SccSourceRange {
    pub reserved0: u64,
    pub slba: u64,
    /// Blocks, 0's based.
    pub nlb: u16,
    pub reserved18: u16,
    pub reserved20: u32,
    pub eilbrt: u32,
    pub elbat: u16,
    pub elbatm: u16,
}

pod!(SglDescriptor, Dptr, Cmd, Cpl, DsmRange, SccSourceRange);

layout!(SglDescriptor, size 16, align 1, address @ 0, desc @ 8);
layout!(Dptr, size 16, align 8, prp1 @ 0, prp2 @ 8);
layout!(Cmd, size 64, align 8, op @ 0, cid @ 2, nsid @ 4, rsvd2 @ 8, rsvd3 @ 12,
    mptr @ 16, dptr @ 24, cdw10 @ 40, cdw11 @ 44, cdw12 @ 48, cdw13 @ 52, cdw14 @ 56,
    cdw15 @ 60);
layout!(Status, size 2, align 2);
layout!(Cpl, size 16, align 4, cdw0 @ 0, cdw1 @ 4, sqhd @ 8, sqid @ 10, cid @ 12,
    status @ 14);
layout!(DsmRange, size 16, align 8, attributes @ 0, length @ 4, starting_lba @ 8);
layout!(SccSourceRange, size 32, align 8, reserved0 @ 0, slba @ 8, nlb @ 16,
    reserved18 @ 18, reserved20 @ 20, eilbrt @ 24, elbat @ 28, elbatm @ 30);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_command_bytes() {
        // Read of 8 blocks at LBA 0x1234 on NSID 1, CID 7, PRP1 0x1000.
        let mut cmd = Cmd::new(0x02, 1);
        cmd.cid = 7;
        cmd.dptr.prp1 = 0x1000;
        cmd.cdw10 = 0x1234;
        cmd.cdw12 = cdw12::Write(0).with_nlb(7).with_fua(1).0;
        let b = cmd.as_bytes();
        assert_eq!(&b[0..8], &[0x02, 0, 7, 0, 1, 0, 0, 0]);
        assert_eq!(&b[24..32], &0x1000u64.to_le_bytes());
        assert_eq!(&b[48..52], &0x4000_0007u32.to_le_bytes());
        cmd.set_fuse(1);
        cmd.set_psdt(1);
        assert_eq!((cmd.opc(), cmd.fuse(), cmd.psdt()), (2, 1, 1));
        assert_eq!(cmd.op.0, 0x4102);
    }

    #[test]
    fn sgl_in_the_data_pointer() {
        let mut cmd = Cmd::default();
        cmd.dptr
            .set_sgl1(SglDescriptor::keyed(0xdead_beef_0000, 4096, 0x1234_5678));
        let sgl = cmd.dptr.sgl1();
        assert_eq!({ sgl.address }, 0xdead_beef_0000);
        let d = { sgl.desc };
        assert_eq!(
            (d.keyed_length(), d.key(), d.sgl_type(), d.subtype()),
            (4096, 0x1234_5678, 4, 0)
        );
        // Byte 15 holds type (high nibble) and subtype (low nibble).
        assert_eq!(cmd.as_bytes()[39], 0x40);
        let c = SglDescriptor::in_capsule(0, 512);
        assert_eq!(c.as_bytes()[8..], [0, 2, 0, 0, 0, 0, 0, 0x01]);
    }

    #[test]
    fn completion_predicates() {
        let mut cpl = Cpl::default();
        assert!(cpl.is_success() && cpl.is_abort_success());
        cpl.cdw0 = 1;
        assert!(!cpl.is_abort_success());
        cpl.status = Status::new(2, 0x83);
        assert!(cpl.is_error() && cpl.is_pi_error() && !cpl.is_path_error());
        cpl.status = Status::new(3, 0x02).with_dnr(1);
        assert!(cpl.is_path_error() && cpl.is_ana_error());
        assert_eq!(cpl.status.0, 0x8000 | (3 << 9) | (2 << 1));
        cpl.status = Status::new(0, 0x08).with_p(1);
        assert!(cpl.is_aborted_sq_deletion() && !cpl.is_aborted_by_request());
        cpl.status = Status::new(0, 0x07);
        assert!(cpl.is_aborted_by_request());
        // A completion from the wire.
        let raw = [1u8, 0, 0, 0, 0, 0, 0, 0, 3, 0, 1, 0, 9, 0, 0x05, 0x40];
        let cpl = Cpl::read_from(&raw).unwrap();
        assert_eq!((cpl.cdw0, cpl.sqhd, cpl.sqid, cpl.cid), (1, 3, 1, 9));
        assert_eq!(
            (
                cpl.status.p(),
                cpl.status.sc(),
                cpl.status.sct(),
                cpl.status.m()
            ),
            (1, 2, 0, 1)
        );
    }
}
