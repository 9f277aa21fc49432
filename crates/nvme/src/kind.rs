//! Dispatch to the transports: one enum variant per transport and a
//! `match` per call, so the I/O path makes no virtual call. A new
//! transport adds a variant to both enums and an arm to each match.

use crate::model::{ModelCtrlr, ModelQpair};
use crate::pcie::{PcieCtrlr, PcieQpair};
use crate::request::Request;
use crate::spec::cmd::Cpl;
use crate::spec::ctrlr::{CdataOacs, CtrlrData};
use crate::tcp::{TcpCtrlr, TcpQpair};
use crate::transport::{CtrlrTransport, QpairOpts, QpairTransport, QueueFull};

/// A transport's queue pair.
pub enum QpairKind {
    Pcie(PcieQpair),
    Tcp(TcpQpair),
    /// The in-memory model over the PCIe queue code (tests, benchmark).
    Model(ModelQpair),
    /// No queues on the controller: a pair created with `create_only` and
    /// not connected yet, or disconnected by the application.
    Idle(IdleQpair),
}

/// The transport side of a pair that has no queues on the controller:
/// nothing can be sent or reaped (the core checks the pair's state first,
/// so these are never reached on a correct path).
pub struct IdleQpair {
    pub qid: u16,
}

impl QpairTransport for IdleQpair {
    fn submit(&mut self, _req: &mut Request) -> Result<(), Result<QueueFull, i32>> {
        Err(Err(-libc::ENXIO))
    }

    fn flush(&mut self) {}

    fn process_completions(&mut self, _max: u32, _done: &mut dyn FnMut(&Cpl)) -> Result<u32, i32> {
        Err(-libc::ENXIO)
    }

    fn qid(&self) -> u16 {
        self.qid
    }
}

/// Doorbell writes of a PCIe pair: SQ MMIO, SQ shadow, CQ MMIO, CQ shadow
/// (the counters of `struct spdk_nvme_pcie_stat`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DoorbellStats {
    pub sq_mmio: u64,
    pub sq_shadow: u64,
    pub cq_mmio: u64,
    pub cq_shadow: u64,
}

/// A transport's controller.
pub enum CtrlrKind {
    Pcie(PcieCtrlr),
    Tcp(TcpCtrlr),
    Model(ModelCtrlr),
}

/// One call on whichever transport queue pair `$x` holds.
macro_rules! each_qpair {
    ($x:expr, |$v:ident| $body:expr) => {
        match $x {
            QpairKind::Pcie($v) => $body,
            QpairKind::Tcp($v) => $body,
            QpairKind::Model($v) => $body,
            QpairKind::Idle($v) => $body,
        }
    };
}

/// One call on whichever transport `$x` holds.
macro_rules! each {
    ($e:ident, $x:expr, |$v:ident| $body:expr) => {
        match $x {
            $e::Pcie($v) => $body,
            $e::Tcp($v) => $body,
            $e::Model($v) => $body,
        }
    };
}

impl QpairKind {
    #[inline(always)]
    pub fn submit(&mut self, req: &mut Request) -> Result<(), Result<QueueFull, i32>> {
        each_qpair!(self, |q| q.submit(req))
    }

    #[inline(always)]
    pub fn flush(&mut self) {
        each_qpair!(self, |q| q.flush())
    }

    #[inline(always)]
    pub fn process_completions(
        &mut self,
        max: u32,
        done: &mut dyn FnMut(&Cpl),
    ) -> Result<u32, i32> {
        each_qpair!(self, |q| q.process_completions(max, done))
    }

    pub fn qid(&self) -> u16 {
        each_qpair!(self, |q| q.qid())
    }

    /// Command identifiers the core may use on this pair (`0..slots`), for
    /// a queue of `entries` entries: one less than the ring (a full ring
    /// would look empty), or what the PCIe rings were built with.
    pub fn slots(&self, entries: u32) -> u32 {
        match self {
            QpairKind::Pcie(q) => q.slots(),
            QpairKind::Model(q) => q.q.slots(),
            QpairKind::Tcp(_) | QpairKind::Idle(_) => entries.saturating_sub(1).max(1),
        }
    }

    /// Whether the pair has no queues on the controller.
    pub fn is_idle(&self) -> bool {
        matches!(self, QpairKind::Idle(_))
    }

    /// Doorbell writes so far (PCIe and the model; zero for the others).
    pub fn doorbell_stats(&self) -> DoorbellStats {
        match self {
            QpairKind::Pcie(q) => q.doorbell_stats(),
            QpairKind::Model(q) => q.q.doorbell_stats(),
            QpairKind::Tcp(_) | QpairKind::Idle(_) => DoorbellStats::default(),
        }
    }
}

/// Generates the arms of a call that takes the controller and its admin
/// queue pair of the same transport.
macro_rules! with_admin {
    ($c:expr, $a:expr, |$ct:ident, $at:ident| $body:expr) => {
        match ($c, $a) {
            (CtrlrKind::Pcie($ct), QpairKind::Pcie($at)) => $body,
            (CtrlrKind::Tcp($ct), QpairKind::Tcp($at)) => $body,
            (CtrlrKind::Model($ct), QpairKind::Model($at)) => $body,
            _ => Err(-libc::EINVAL),
        }
    };
}

impl CtrlrKind {
    pub fn read_reg_4(&mut self, off: u32) -> Result<u32, i32> {
        each!(CtrlrKind, self, |c| c.read_reg_4(off))
    }

    pub fn read_reg_8(&mut self, off: u32) -> Result<u64, i32> {
        each!(CtrlrKind, self, |c| c.read_reg_8(off))
    }

    pub fn write_reg_4(&mut self, off: u32, v: u32) -> Result<(), i32> {
        each!(CtrlrKind, self, |c| c.write_reg_4(off, v))
    }

    pub fn write_reg_8(&mut self, off: u32, v: u64) -> Result<(), i32> {
        each!(CtrlrKind, self, |c| c.write_reg_8(off, v))
    }

    pub fn max_xfer_size(&self) -> u32 {
        each!(CtrlrKind, self, |c| c.max_xfer_size())
    }

    pub fn max_sges(&self) -> u16 {
        each!(CtrlrKind, self, |c| c.max_sges())
    }

    /// Whether the transport is a fabrics one (registers are properties;
    /// keep alive matters).
    pub fn is_fabrics(&self) -> bool {
        matches!(self, CtrlrKind::Tcp(_))
    }

    pub fn create_admin_qpair(&mut self, entries: u32) -> Result<QpairKind, i32> {
        match self {
            CtrlrKind::Pcie(c) => c.create_admin_qpair(entries).map(QpairKind::Pcie),
            CtrlrKind::Tcp(c) => c.create_admin_qpair(entries).map(QpairKind::Tcp),
            CtrlrKind::Model(c) => c.create_admin_qpair(entries).map(QpairKind::Model),
        }
    }

    pub fn enable(&mut self, admin: &mut QpairKind) -> Result<(), i32> {
        with_admin!(self, admin, |c, a| CtrlrTransport::enable(c, a))
    }

    /// What identify told about the controller (SGL support and the like),
    /// for transports that adapt to it.
    pub fn identified(&mut self, cdata: &CtrlrData) {
        match self {
            CtrlrKind::Pcie(c) => {
                let s = cdata.sgls.supported();
                c.set_sgl(s != 0, s == 2);
            }
            CtrlrKind::Tcp(c) => c.set_ioccsz(cdata.nvmf_specific.ioccsz),
            CtrlrKind::Model(_) => {}
        }
    }

    /// Shadow doorbells for the I/O queue pairs created from now on, when
    /// the transport has them (PCIe, OACS doorbell buffer config).
    pub fn set_doorbell_buffer(
        &mut self,
        admin: &mut QpairKind,
        oacs: CdataOacs,
    ) -> Result<(), i32> {
        match (self, admin) {
            (CtrlrKind::Pcie(c), QpairKind::Pcie(a)) => {
                c.setup_shadow_doorbells(a, oacs).map(|_| ())
            }
            _ => Ok(()),
        }
    }

    pub fn create_io_qpair(
        &mut self,
        admin: &mut QpairKind,
        qid: u16,
        opts: &QpairOpts,
    ) -> Result<QpairKind, i32> {
        match (self, admin) {
            (CtrlrKind::Pcie(c), QpairKind::Pcie(a)) => {
                c.create_io_qpair(a, qid, opts).map(QpairKind::Pcie)
            }
            (CtrlrKind::Tcp(c), QpairKind::Tcp(a)) => {
                c.create_io_qpair(a, qid, opts).map(QpairKind::Tcp)
            }
            (CtrlrKind::Model(c), QpairKind::Model(a)) => {
                c.create_io_qpair(a, qid, opts).map(QpairKind::Model)
            }
            _ => Err(-libc::EINVAL),
        }
    }

    pub fn delete_io_qpair(&mut self, admin: &mut QpairKind, q: QpairKind) -> Result<(), i32> {
        match (self, admin, q) {
            (CtrlrKind::Pcie(c), QpairKind::Pcie(a), QpairKind::Pcie(q)) => c.delete_io_qpair(a, q),
            (CtrlrKind::Tcp(c), QpairKind::Tcp(a), QpairKind::Tcp(q)) => c.delete_io_qpair(a, q),
            (CtrlrKind::Model(c), QpairKind::Model(a), QpairKind::Model(q)) => {
                c.delete_io_qpair(a, q)
            }
            _ => Err(-libc::EINVAL),
        }
    }
}
