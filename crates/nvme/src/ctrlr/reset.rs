//! Controller reset and shutdown.
//!
//! Reset: every queue pair stops and its commands complete as aborted
//! (SQ deletion), the controller is disabled, initialized again from the
//! start (identify, queues, namespaces, events), and the I/O queue pairs
//! get new queues with the same IDs; the application's pair and
//! namespace pointers stay valid.

use super::{ms_to_ticks, Ctrlr, State};
use crate::qpair::{FailureReason, Qpair, QpairState, SC_ABORTED_SQ_DELETION};
use crate::spec::regs::{Cc, Csts};
use crate::transport::QpairOpts;

const REG_CC: u32 = 0x14;
const REG_CSTS: u32 = 0x1c;

impl Ctrlr {
    /// Resets the controller synchronously. 0, -EBUSY when a reset is
    /// already running, or a negative errno when the controller did not
    /// come back (it is then failed).
    pub fn reset(&mut self) -> i32 {
        if self.resetting {
            return -libc::EBUSY;
        }
        self.resetting = true;
        spdk_log::noticelog!("resetting controller");
        for &q in &self.io_qpairs.clone() {
            // SAFETY: io_qpairs are live pairs of this controller.
            unsafe {
                if (*q).c.state == QpairState::Connected || !(*q).c.parked {
                    (*q).c.failure_reason = FailureReason::Local;
                }
                (*q).c.state = QpairState::Disconnected;
                Qpair::abort_all(q, SC_ABORTED_SQ_DELETION, false);
            }
        }
        // Disable before the admin queue's memory goes: until CSTS.RDY
        // drops, a PCIe controller may still write completions into it.
        // (Fabrics: the registers go through that queue; initialization
        // disables the controller once the queue is connected again.)
        if !self.t.is_fabrics() {
            self.disable_and_wait();
        }
        self.restart_init();
        let rc = match self.init_sync() {
            Ok(()) => self.reconnect_io_qpairs(),
            Err(e) => Err(e),
        };
        self.resetting = false;
        match rc {
            Ok(()) => {
                self.failed = false;
                0
            }
            Err(e) => {
                spdk_log::errlog!("controller reset failed: {}", e);
                self.failed = true;
                e
            }
        }
    }

    /// First step of a reset in steps (`spdk_nvme_ctrlr_disconnect`): the
    /// controller is marked resetting (and no longer failed), keep alive
    /// stops, the I/O queue pairs stop (their commands complete as
    /// aborted, SQ deletion), a PCIe controller is disabled (CC.EN 0,
    /// waiting up to CAP.TO for RDY to follow), and the admin queue pair
    /// goes (its commands, the AERs too, complete as aborted): polling the
    /// admin queue then returns -ENXIO. -EBUSY during a reset.
    pub fn disconnect(&mut self) -> i32 {
        if self.resetting {
            return -libc::EBUSY;
        }
        self.resetting = true;
        self.failed = false;
        spdk_log::noticelog!("resetting controller");
        for &q in &self.io_qpairs.clone() {
            // SAFETY: io_qpairs are live pairs of this controller.
            unsafe {
                if (*q).c.state == QpairState::Connected || !(*q).c.parked {
                    (*q).c.failure_reason = FailureReason::Local;
                }
                (*q).c.state = QpairState::Disconnected;
                Qpair::abort_all(q, SC_ABORTED_SQ_DELETION, false);
            }
        }
        if !self.t.is_fabrics() {
            self.disable_and_wait();
        }
        self.restart_init();
        0
    }

    /// Second step (`spdk_nvme_ctrlr_reconnect_async`): initialization
    /// starts over from connecting the admin queue. Without a disconnect
    /// before, it disconnects first (SPDK requires one).
    pub fn reconnect_async(&mut self) {
        if !self.resetting {
            self.disconnect();
        }
        self.restart_init();
    }

    /// Third step, polled (`spdk_nvme_ctrlr_reconnect_poll_async`): runs
    /// initialization as far as it goes without waiting; -EAGAIN until it
    /// is done. Then the I/O queue pairs get new queues with their IDs and
    /// 0 is returned; when initialization or a queue fails, the controller
    /// is failed and the error returned. Either way the reset is over.
    pub fn reconnect_poll_async(&mut self) -> i32 {
        if !self.resetting && self.state == State::Ready {
            // No reset running: the controller is enabled.
            return 0;
        }
        let rc = match self.process_init() {
            Ok(false) => return -libc::EAGAIN,
            Ok(true) => self.reconnect_io_qpairs(),
            Err(e) => Err(e),
        };
        self.resetting = false;
        match rc {
            Ok(()) => {
                self.failed = false;
                0
            }
            Err(e) => {
                spdk_log::errlog!("controller reinitialization failed: {}", e);
                self.fail();
                e
            }
        }
    }

    /// Clears CC.EN and waits (up to CAP.TO) for CSTS.RDY to follow; a
    /// controller that cannot be read is left to initialization.
    fn disable_and_wait(&mut self) {
        let Ok(cc) = self.t.read_reg_4(REG_CC) else {
            return;
        };
        if Cc(cc).en() == 0 {
            return;
        }
        if self.t.write_reg_4(REG_CC, Cc(cc).with_en(0).0).is_err() {
            return;
        }
        let deadline = spdk_env::ticks().saturating_add(self.ready_timeout());
        while let Ok(csts) = self.t.read_reg_4(REG_CSTS) {
            if Csts(csts).rdy() == 0 || Csts(csts).0 == u32::MAX {
                return;
            }
            if spdk_env::ticks() > deadline {
                spdk_log::errlog!("controller did not clear CSTS.RDY after CC.EN = 0");
                return;
            }
            std::hint::spin_loop();
        }
    }

    /// New controller queues for every I/O pair, with its old ID, except
    /// those the application keeps disconnected (`create_only` and not
    /// connected yet, or disconnected): they only keep their ID.
    fn reconnect_io_qpairs(&mut self) -> Result<(), i32> {
        for &q in &self.io_qpairs.clone() {
            // SAFETY: io_qpairs are live pairs of this controller.
            let (qid, o, parked) = unsafe { ((*q).c.id, (*q).c.opts, (*q).c.parked) };
            if qid as usize > self.qids.len() {
                spdk_log::errlog!("queue {} is beyond the queues granted after reset", qid);
                return Err(-libc::ENXIO);
            }
            self.qids[qid as usize - 1] = false;
            if parked {
                continue;
            }
            let topts = QpairOpts {
                io_queue_size: o.io_queue_size,
                io_queue_requests: o.io_queue_requests,
                qprio: o.qprio,
                delay_cmd_submit: o.delay_cmd_submit,
            };
            let Some(admin) = self.adminq.as_mut() else {
                return Err(-libc::ENXIO);
            };
            let t = self.t.create_io_qpair(&mut admin.t, qid, &topts)?;
            // SAFETY: as above; the old transport queues are dropped.
            unsafe {
                drop((*q).replace_transport(t));
                (*q).c.state = QpairState::Connected;
                (*q).c.failure_reason = FailureReason::None;
            }
        }
        Ok(())
    }

    /// Shuts the controller down (CC.SHN normal, wait for SHST complete,
    /// at most RTD3E or 10 s) unless the options say not to.
    pub(crate) fn shutdown(&mut self) {
        if self.opts.no_shn_notification || self.state != State::Ready {
            return;
        }
        let Ok(cc) = self.t.read_reg_4(REG_CC) else {
            return;
        };
        if self.t.write_reg_4(REG_CC, Cc(cc).with_shn(1).0).is_err() {
            return;
        }
        let rtd3e_ms = (self.cdata.rtd3e / 1000) as u64;
        let deadline = spdk_env::ticks() + ms_to_ticks(rtd3e_ms.clamp(10_000, 60_000));
        loop {
            match self.t.read_reg_4(REG_CSTS) {
                Ok(v) if v != u32::MAX && Csts(v).shst() == 2 => return,
                Ok(_) => {}
                Err(_) => return,
            }
            if spdk_env::ticks() > deadline {
                spdk_log::errlog!("shutdown timed out");
                return;
            }
            std::thread::sleep(std::time::Duration::from_micros(100));
        }
    }

    /// Detaches: frees the I/O pairs, aborts the asynchronous event
    /// requests, shuts the controller down. The controller must not be
    /// used afterwards.
    pub fn detach(&mut self) {
        for q in self.io_qpairs.clone() {
            // SAFETY: io_qpairs are live pairs of this controller.
            unsafe {
                (*q).c.free_pending = false;
                self.free_io_qpair(q);
            }
        }
        if let Some(q) = self.admin_ptr() {
            // SAFETY: the admin pair lives until the controller is dropped.
            unsafe { Qpair::abort_all(q, SC_ABORTED_SQ_DELETION, true) };
        }
        self.shutdown();
        if let Some(q) = self.admin_ptr() {
            // SAFETY: as above.
            unsafe {
                (*q).c.state = QpairState::Disconnected;
                Qpair::abort_all(q, SC_ABORTED_SQ_DELETION, false);
            }
        }
    }
}
