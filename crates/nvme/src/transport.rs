//! The interfaces between the transport-independent driver (controllers,
//! queue pairs, requests) and each transport (PCIe, TCP, the in-memory
//! model). See doc/nvme-driver.md.
//!
//! A transport implements [`QpairTransport`] for its queue pair type and
//! [`CtrlrTransport`] for its controller type. The core dispatches with an
//! enum of the transports' types (one variant each, a `match` per call),
//! so the I/O path makes no virtual call; adding a transport is a variant
//! and the match arms.
//!
//! Errors are negative errno values, as the C API returns them.

use crate::request::Request;
use crate::spec::cmd::Cpl;

/// The submission queue is full: the core keeps the request queued and
/// submits it after completions free a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueFull;

/// Options of a queue pair the core asks a transport to create.
#[derive(Clone, Copy, Debug)]
pub struct QpairOpts {
    /// Entries of the submission (and completion) queue.
    pub io_queue_size: u32,
    /// Requests the core preallocates for the pair (>= io_queue_size).
    pub io_queue_requests: u32,
    /// Queue priority for weighted round robin (PCIe).
    pub qprio: u32,
    /// Ring the SQ doorbell only on `flush` (batching), not per submit.
    pub delay_cmd_submit: bool,
}

/// One queue pair of a transport: moves commands to the controller and
/// completions back. It never calls user callbacks: the core does.
pub trait QpairTransport {
    /// Sends `req` (its `cmd.cid` is set and unique among outstanding
    /// commands of this pair). Builds the data transfer from the payload
    /// (PRP/SGL, in-capsule data, R2T handling). Err(Ok(QueueFull)) when
    /// no slot is free; Err(Err(errno)) when the request cannot be sent
    /// (bad payload, transport failure).
    fn submit(&mut self, req: &mut Request) -> Result<(), Result<QueueFull, i32>>;

    /// Makes submitted commands visible to the controller (the batched SQ
    /// doorbell write; a socket flush). Cheap when nothing is pending.
    fn flush(&mut self);

    /// Reaps up to `max` completions (0: all available), handing each to
    /// `done` in arrival order; returns how many, or a negative errno when
    /// the connection failed (every outstanding command is then failed by
    /// the core).
    fn process_completions(&mut self, max: u32, done: &mut dyn FnMut(&Cpl)) -> Result<u32, i32>;

    /// The queue identifier (0: admin).
    fn qid(&self) -> u16;
}

/// One controller of a transport: register access and queue creation.
pub trait CtrlrTransport {
    type Qpair: QpairTransport;

    /// Controller registers (offsets of `struct spdk_nvme_registers`).
    /// PCIe reads BAR0; fabrics send Property Get/Set on the admin queue
    /// and wait for their completion.
    fn read_reg_4(&mut self, offset: u32) -> Result<u32, i32>;
    fn read_reg_8(&mut self, offset: u32) -> Result<u64, i32>;
    fn write_reg_4(&mut self, offset: u32, value: u32) -> Result<(), i32>;
    fn write_reg_8(&mut self, offset: u32, value: u64) -> Result<(), i32>;

    /// Largest data transfer of one command, in bytes, before MDTS.
    fn max_xfer_size(&self) -> u32;
    /// Most SGL elements / PRP list entries one command may use.
    fn max_sges(&self) -> u16;

    /// Creates (and, for fabrics, connects) the admin queue pair. After a
    /// controller reset the core drops the old one and calls this again.
    fn create_admin_qpair(&mut self, entries: u32) -> Result<Self::Qpair, i32>;
    /// Called by the core while the controller is disabled (CSTS.RDY 0),
    /// just before it sets CC.EN: PCIe programs AQA/ASQ/ACQ from `admin`
    /// here. Fabrics need nothing (their admin queue is connected first).
    fn enable(&mut self, _admin: &mut Self::Qpair) -> Result<(), i32> {
        Ok(())
    }
    /// Creates an I/O queue pair with identifier `qid` (PCIe: Create I/O
    /// CQ/SQ admin commands, issued through `admin`; fabrics: a new
    /// connection and a Connect command).
    fn create_io_qpair(
        &mut self,
        admin: &mut Self::Qpair,
        qid: u16,
        opts: &QpairOpts,
    ) -> Result<Self::Qpair, i32>;
    /// Deletes an I/O queue pair (PCIe: Delete I/O SQ/CQ; fabrics:
    /// closes its connection).
    fn delete_io_qpair(&mut self, admin: &mut Self::Qpair, qpair: Self::Qpair) -> Result<(), i32>;
}
