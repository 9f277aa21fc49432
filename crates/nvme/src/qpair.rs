//! The transport-independent queue pair: a preallocated request pool,
//! trackers indexed by command identifier, requests waiting for a free
//! slot, and completion dispatch.
//!
//! Completion callbacks may submit to (or poll) the same queue pair, so
//! the functions that call them take the pair as a raw pointer and never
//! hold a Rust reference across a callback. Completions are first copied
//! out of the transport into a preallocated buffer; only then are
//! callbacks run. A callback never runs inside a submission call: a
//! request the transport refuses completes with an error on the next
//! poll, as SPDK does.

use std::ptr;

use crate::ctrlr::Ctrlr;
use crate::kind::{DoorbellStats, IdleQpair, QpairKind};
use crate::poll_group::PollGroup;
use crate::request::{Payload, Request};
use crate::spec::cmd::{Cpl, Status};
use crate::transport::QueueFull;

const SCT_GENERIC: u16 = 0;
pub(crate) const SC_INVALID_FIELD: u16 = 0x02;
pub(crate) const SC_ABORTED_SQ_DELETION: u16 = 0x08;
const OPC_ASYNC_EVENT_REQUEST: u8 = 0x0c;

/// Whether the pair can carry commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QpairState {
    Connected,
    /// Not connected: created with `create_only` and not connected yet,
    /// disconnected by the application, or the controller is resetting
    /// or failed.
    Disconnected,
}

/// Why a pair is disconnected (`enum spdk_nvme_qp_failure_reason`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FailureReason {
    /// Connected, or disconnected by the application.
    #[default]
    None,
    /// The host failed the pair (controller failed or resetting).
    Local,
    /// The other side ended the connection.
    Remote,
    /// The transport failed for a reason it could not tell.
    Unknown,
    /// A controller reset could not reconnect the pair.
    Reset,
}

/// Counters of a pair, those of `struct spdk_nvme_pcie_stat` (TCP uses
/// the core's part: polls, completions, submitted and queued requests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PairStats {
    /// Calls that reaped completions from the transport.
    pub polls: u64,
    /// Of those, the calls that found none.
    pub idle_polls: u64,
    /// Completions reaped from the transport.
    pub completions: u64,
    /// Requests handed to the transport.
    pub submitted: u64,
    /// Times a request had to wait for a free slot.
    pub queued: u64,
    /// Doorbell writes (PCIe).
    pub db: DoorbellStats,
}

impl PairStats {
    /// The counts from `base` to `self`.
    pub fn since(&self, base: &PairStats) -> PairStats {
        PairStats {
            polls: self.polls.wrapping_sub(base.polls),
            idle_polls: self.idle_polls.wrapping_sub(base.idle_polls),
            completions: self.completions.wrapping_sub(base.completions),
            submitted: self.submitted.wrapping_sub(base.submitted),
            queued: self.queued.wrapping_sub(base.queued),
            db: DoorbellStats {
                sq_mmio: self.db.sq_mmio.wrapping_sub(base.db.sq_mmio),
                sq_shadow: self.db.sq_shadow.wrapping_sub(base.db.sq_shadow),
                cq_mmio: self.db.cq_mmio.wrapping_sub(base.db.cq_mmio),
                cq_shadow: self.db.cq_shadow.wrapping_sub(base.db.cq_shadow),
            },
        }
    }

    /// Adds `o` to these counts.
    pub fn add(&mut self, o: &PairStats) {
        self.polls = self.polls.wrapping_add(o.polls);
        self.idle_polls = self.idle_polls.wrapping_add(o.idle_polls);
        self.completions = self.completions.wrapping_add(o.completions);
        self.submitted = self.submitted.wrapping_add(o.submitted);
        self.queued = self.queued.wrapping_add(o.queued);
        self.db.sq_mmio = self.db.sq_mmio.wrapping_add(o.db.sq_mmio);
        self.db.sq_shadow = self.db.sq_shadow.wrapping_add(o.db.sq_shadow);
        self.db.cq_mmio = self.db.cq_mmio.wrapping_add(o.db.cq_mmio);
        self.db.cq_shadow = self.db.cq_shadow.wrapping_add(o.db.cq_shadow);
    }
}

/// A FIFO of requests linked through `Request::next`.
struct ReqList {
    head: *mut Request,
    tail: *mut Request,
}

impl ReqList {
    const fn new() -> ReqList {
        ReqList {
            head: ptr::null_mut(),
            tail: ptr::null_mut(),
        }
    }

    fn is_empty(&self) -> bool {
        self.head.is_null()
    }

    unsafe fn push_back(&mut self, r: *mut Request) {
        (*r).next = ptr::null_mut();
        if self.tail.is_null() {
            self.head = r;
        } else {
            (*self.tail).next = r;
        }
        self.tail = r;
    }

    unsafe fn push_front(&mut self, r: *mut Request) {
        (*r).next = self.head;
        self.head = r;
        if self.tail.is_null() {
            self.tail = r;
        }
    }

    unsafe fn pop_front(&mut self) -> *mut Request {
        let r = self.head;
        if !r.is_null() {
            self.head = (*r).next;
            if self.head.is_null() {
                self.tail = ptr::null_mut();
            }
            (*r).next = ptr::null_mut();
        }
        r
    }

    fn take(&mut self) -> ReqList {
        std::mem::replace(self, ReqList::new())
    }
}

/// The parts of the options a pair keeps (to be recreated after a reset).
#[derive(Clone, Copy, Debug)]
pub struct PairOpts {
    pub io_queue_size: u32,
    pub io_queue_requests: u32,
    pub qprio: u32,
    pub delay_cmd_submit: bool,
}

/// The core's state of a queue pair.
pub struct QpairCore {
    pub id: u16,
    pub ctrlr: *mut Ctrlr,
    pub state: QpairState,
    pub opts: PairOpts,
    pool: Box<[Request]>,
    free: *mut Request,
    free_count: u32,
    trackers: Box<[*mut Request]>,
    /// Free command identifiers, a ring (oldest freed first, so a stale
    /// or duplicated completion rarely meets a reused identifier).
    cids: Box<[u16]>,
    cid_head: usize,
    cid_count: usize,
    queued: ReqList,
    /// Requests to complete on the next poll (refused by the transport).
    failed: ReqList,
    cpls: Box<[Cpl]>,
    outstanding: u32,
    in_completion: bool,
    /// spdk_nvme_ctrlr_free_io_qpair was called from a callback.
    pub free_pending: bool,
    /// Ticks after which an outstanding command has timed out (0: off).
    pub timeout_ticks: u64,
    next_timeout_check: u64,
    /// The poll group the pair belongs to, or null.
    pub(crate) group: *mut PollGroup,
    /// Why the pair is disconnected.
    pub failure_reason: FailureReason,
    /// Completions the driver makes up for aborted commands carry DNR
    /// (`spdk_nvme_qpair_set_abort_dnr`).
    pub abort_dnr: bool,
    /// Error injection rules and the requests they hold (err_inject.rs).
    pub(crate) err_cmds: Vec<crate::err_inject::ErrCmd>,
    pub(crate) err_reqs: Vec<crate::err_inject::Held>,
    /// The reason before the last connection attempt (restored when the
    /// attempt fails).
    pub(crate) last_failure_reason: FailureReason,
    /// The pair has no queues because the application wants it so
    /// (created with `create_only`, or disconnected): a controller reset
    /// leaves it disconnected.
    pub(crate) parked: bool,
    /// Counters (the transport's doorbell counts are added on demand).
    pub(crate) stats: PairStats,
}

/// A queue pair: a transport's queues and the core's bookkeeping.
pub struct Qpair {
    pub(crate) t: QpairKind,
    pub(crate) c: QpairCore,
}

impl QpairCore {
    /// Whether the pair's completion callbacks are running.
    pub(crate) fn in_completion_context(&self) -> bool {
        self.in_completion
    }
}

impl Qpair {
    /// A connected pair over transport queues `t` with `requests`
    /// preallocated requests (at least as many as the transport's slots).
    pub fn new(t: QpairKind, ctrlr: *mut Ctrlr, opts: PairOpts) -> Box<Qpair> {
        let slots = t.slots(opts.io_queue_size) as usize;
        let requests = (opts.io_queue_requests as usize).max(slots).max(1);
        let mut q = Box::new(Qpair {
            c: QpairCore {
                id: t.qid(),
                ctrlr,
                state: QpairState::Connected,
                opts,
                pool: (0..requests).map(|_| Request::empty()).collect(),
                free: ptr::null_mut(),
                free_count: 0,
                trackers: vec![ptr::null_mut(); slots].into_boxed_slice(),
                cids: (0..slots as u16).collect(),
                cid_head: 0,
                cid_count: slots,
                queued: ReqList::new(),
                failed: ReqList::new(),
                cpls: vec![Cpl::default(); slots.max(1)].into_boxed_slice(),
                outstanding: 0,
                in_completion: false,
                free_pending: false,
                timeout_ticks: 0,
                next_timeout_check: 0,
                group: ptr::null_mut(),
                failure_reason: FailureReason::None,
                abort_dnr: false,
                err_cmds: Vec::new(),
                err_reqs: Vec::new(),
                last_failure_reason: FailureReason::None,
                parked: false,
                stats: PairStats::default(),
            },
            t,
        });
        let c = &mut q.c;
        for i in (0..c.pool.len()).rev() {
            let r: *mut Request = &mut c.pool[i];
            // SAFETY: r is an element of the pool.
            unsafe { (*r).next = c.free };
            c.free = r;
        }
        c.free_count = c.pool.len() as u32;
        q
    }

    /// A pair with no queues on the controller yet (`create_only`): it
    /// is disconnected until connected.
    pub fn new_unconnected(qid: u16, ctrlr: *mut Ctrlr, opts: PairOpts) -> Box<Qpair> {
        let mut q = Qpair::new(QpairKind::Idle(IdleQpair { qid }), ctrlr, opts);
        q.c.state = QpairState::Disconnected;
        q.c.parked = true;
        q
    }

    pub fn id(&self) -> u16 {
        self.c.id
    }

    /// Puts transport queues `t` in place of the pair's current ones,
    /// which are returned (their doorbell counts are kept).
    pub(crate) fn replace_transport(&mut self, t: QpairKind) -> QpairKind {
        let old = std::mem::replace(&mut self.t, t);
        let d = old.doorbell_stats();
        let db = &mut self.c.stats.db;
        db.sq_mmio += d.sq_mmio;
        db.sq_shadow += d.sq_shadow;
        db.cq_mmio += d.cq_mmio;
        db.cq_shadow += d.cq_shadow;
        old
    }

    /// The pair's counters so far, over every transport queue it had.
    pub fn stats(&self) -> PairStats {
        let mut s = self.c.stats;
        let d = self.t.doorbell_stats();
        s.db.sq_mmio += d.sq_mmio;
        s.db.sq_shadow += d.sq_shadow;
        s.db.cq_mmio += d.cq_mmio;
        s.db.cq_shadow += d.cq_shadow;
        s
    }

    /// The poll group of the pair, or null.
    pub fn poll_group(&self) -> *mut PollGroup {
        self.c.group
    }

    pub fn is_admin(&self) -> bool {
        self.c.id == 0
    }

    /// Commands sent to the controller and not completed.
    pub fn outstanding(&self) -> u32 {
        self.c.outstanding
    }

    /// Requests queued, outstanding or waiting to be failed: everything
    /// the caller still expects a callback for, split children counted.
    /// Requests the pair was built with.
    pub fn pool_size(&self) -> usize {
        self.c.pool.len()
    }

    pub fn requests_in_use(&self) -> u32 {
        self.c.pool.len() as u32 - self.c.free_count
    }

    /// A request from the pool, reset, or None when all are in use.
    #[inline]
    pub fn alloc_request(&mut self) -> Option<&mut Request> {
        let r = self.c.free;
        if r.is_null() {
            return None;
        }
        // SAFETY: r is a free element of the pool.
        unsafe {
            self.c.free = (*r).next;
            self.c.free_count -= 1;
            let r = &mut *r;
            r.cmd = Default::default();
            r.payload = Payload::None;
            r.payload_size = 0;
            r.payload_offset = 0;
            r.md_size = 0;
            r.cb_fn = None;
            r.cb_arg = ptr::null_mut();
            r.cpl = Cpl::default();
            r.submit_tick = 0;
            r.next = ptr::null_mut();
            r.parent = ptr::null_mut();
            r.children = 0;
            Some(r)
        }
    }

    /// Returns a request to the pool.
    ///
    /// # Safety
    /// `r` came from this pair's pool and is not in use.
    #[inline]
    pub unsafe fn free_request(&mut self, r: *mut Request) {
        (*r).next = self.c.free;
        self.c.free = r;
        self.c.free_count += 1;
    }

    /// Frees a request and, for a split parent, its children chain
    /// (linked through `next`) that was never submitted.
    ///
    /// # Safety
    /// As [`Qpair::free_request`], for every request of the chain.
    pub unsafe fn free_unsubmitted(&mut self, parent: *mut Request, mut chain: *mut Request) {
        while !chain.is_null() {
            let n = (*chain).next;
            self.free_request(chain);
            chain = n;
        }
        self.free_request(parent);
    }

    #[inline]
    fn pop_cid(&mut self) -> Option<u16> {
        if self.c.cid_count == 0 {
            return None;
        }
        let cid = self.c.cids[self.c.cid_head];
        self.c.cid_head += 1;
        if self.c.cid_head == self.c.cids.len() {
            self.c.cid_head = 0;
        }
        self.c.cid_count -= 1;
        Some(cid)
    }

    #[inline]
    fn push_cid(&mut self, cid: u16) {
        let n = self.c.cids.len();
        let mut i = self.c.cid_head + self.c.cid_count;
        if i >= n {
            i -= n;
        }
        self.c.cids[i] = cid;
        self.c.cid_count += 1;
    }

    /// Gives back a CID so that it is reused first (a submission the
    /// transport did not take).
    fn unpop_cid(&mut self, cid: u16) {
        self.c.cid_head = if self.c.cid_head == 0 {
            self.c.cids.len() - 1
        } else {
            self.c.cid_head - 1
        };
        self.c.cids[self.c.cid_head] = cid;
        self.c.cid_count += 1;
    }

    /// Sends one request (no children) to the transport, or queues it
    /// when no slot is free. Its callback runs from a later poll.
    ///
    /// # Safety
    /// `r` came from this pair's pool and is filled in.
    #[inline]
    pub unsafe fn submit_leaf(&mut self, r: *mut Request) {
        if !self.c.err_cmds.is_empty() && self.inject_at_submit(r) {
            return;
        }
        if !self.c.queued.is_empty() {
            self.c.queued.push_back(r);
            return;
        }
        self.send(r, false);
    }

    /// Tries to hand `r` to the transport; queues it (at the front when
    /// `requeue`) when there is no room.
    #[inline]
    unsafe fn send(&mut self, r: *mut Request, requeue: bool) -> bool {
        let Some(cid) = self.pop_cid() else {
            self.c.stats.queued += 1;
            if requeue {
                self.c.queued.push_front(r);
            } else {
                self.c.queued.push_back(r);
            }
            return false;
        };
        (*r).cmd.cid = cid;
        *self.c.trackers.get_unchecked_mut(cid as usize) = r;
        (*r).submit_tick = if self.c.timeout_ticks != 0 {
            spdk_env::ticks()
        } else {
            0
        };
        match self.t.submit(&mut *r) {
            Ok(()) => {
                self.c.outstanding += 1;
                self.c.stats.submitted += 1;
                true
            }
            Err(Ok(QueueFull)) => {
                self.c.stats.queued += 1;
                self.c.trackers[cid as usize] = ptr::null_mut();
                self.unpop_cid(cid);
                if requeue {
                    self.c.queued.push_front(r);
                } else {
                    self.c.queued.push_back(r);
                }
                false
            }
            Err(Err(e)) => {
                self.c.trackers[cid as usize] = ptr::null_mut();
                self.unpop_cid(cid);
                (*r).cpl = if e == -libc::ENXIO {
                    // The connection is gone: aborted, as the commands it
                    // held, and retryable once the pair is reconnected.
                    error_cpl(self.c.id, cid, SC_ABORTED_SQ_DELETION, self.c.abort_dnr)
                } else {
                    // The payload cannot be described to the controller:
                    // fail it as SPDK does (invalid field, do not retry).
                    self.c.stats.submitted += 1;
                    error_cpl(self.c.id, cid, SC_INVALID_FIELD, true)
                };
                self.c.failed.push_back(r);
                true
            }
        }
    }

    /// Reaps up to `max` completions (0: as many as are there) and runs
    /// their callbacks; returns how many, or -ENXIO when the pair is not
    /// connected (or its transport failed).
    ///
    /// # Safety
    /// `qp` is a live pair; callbacks may use it (and even ask to free
    /// it, which is deferred to the end of this call).
    pub unsafe fn process_completions(qp: *mut Qpair, max: u32) -> i32 {
        let q = qp;
        if (*q).c.in_completion {
            // Polling a pair from its own callback does nothing.
            return 0;
        }
        if (*q).c.state != QpairState::Connected {
            return -libc::ENXIO;
        }
        (*q).c.in_completion = true;
        let mut n: i32 = 0;
        if !(*q).c.failed.is_empty() {
            n += Self::complete_failed(q);
            if (*q).c.state != QpairState::Connected {
                // A callback disconnected the pair: nothing left to reap.
                return Self::end_poll(q, n);
            }
        }
        let core = &(*q).c;
        let cap = core.cpls.len() as u32;
        let m = if max == 0 || max > cap { cap } else { max };
        let cpls = (*q).c.cpls.as_mut_ptr();
        let mut k = 0usize;
        let r = (*q).t.process_completions(m, &mut |c: &Cpl| {
            if k < m as usize {
                // SAFETY: k < m <= cap entries of the buffer.
                unsafe { *cpls.add(k) = *c };
                k += 1;
            }
        });
        if let Err(e) = r {
            spdk_log::errlog!(
                "qpair {}: transport failure ({}), failing its commands",
                (*q).c.id,
                e
            );
            (*q).c.state = QpairState::Disconnected;
            (*q).c.failure_reason = FailureReason::Unknown;
            // Still "in completion": a callback freeing the pair is
            // deferred until the aborts are done.
            Self::abort_all(q, SC_ABORTED_SQ_DELETION, false);
            Self::end_poll(q, 0);
            return e;
        }
        let st = &mut (*q).c.stats;
        st.polls += 1;
        st.completions += k as u64;
        st.idle_polls += (k == 0) as u64;
        for i in 0..k {
            if (*q).c.state != QpairState::Connected {
                // A callback disconnected the pair: the rest were aborted.
                break;
            }
            let c = *cpls.add(i);
            Self::dispatch(q, &c);
        }
        n += k as i32;
        // Slots freed: send what waited for one.
        while !(*q).c.queued.is_empty() && (*q).c.cid_count > 0 {
            let r = (*q).c.queued.pop_front();
            if !(*q).send(r, true) {
                break;
            }
        }
        if !(*q).c.failed.is_empty() {
            n += Self::complete_failed(q);
        }
        if !(*q).c.err_reqs.is_empty() {
            n += Self::complete_held(q, None);
        }
        (*q).t.flush();
        if (*q).c.timeout_ticks != 0 {
            Self::check_timeouts(q);
        }
        Self::end_poll(q, n)
    }

    /// Ends a poll: frees the pair if a callback asked for it meanwhile
    /// (`q` is then gone). Returns `n`.
    unsafe fn end_poll(q: *mut Qpair, n: i32) -> i32 {
        (*q).c.in_completion = false;
        if (*q).c.free_pending {
            crate::ctrlr::free_io_qpair_deferred(q);
        }
        n
    }

    /// Routes one completion to its request.
    #[inline]
    unsafe fn dispatch(q: *mut Qpair, cpl: &Cpl) {
        let cid = cpl.cid as usize;
        let core = &(*q).c;
        let r = match core.trackers.get(cid) {
            Some(&r) if !r.is_null() => r,
            _ => {
                spdk_log::errlog!(
                    "qpair {}: completion for CID {} which is not outstanding: ignored",
                    (*q).c.id,
                    cpl.cid
                );
                crate::print::log_completion((*q).c.id, cpl);
                return;
            }
        };
        (*q).c.trackers[cid] = ptr::null_mut();
        (*q).push_cid(cpl.cid);
        (*q).c.outstanding -= 1;
        if !(*q).c.err_cmds.is_empty() {
            let mut c = *cpl;
            (*q).inject_at_completion(r, &mut c);
            Self::complete(q, r, &c);
            return;
        }
        Self::complete(q, r, cpl);
    }

    /// Completes a request: a parent when its last child is done; the
    /// request goes back to the pool before its callback runs, so that the
    /// callback can submit again at once.
    pub(crate) unsafe fn complete(q: *mut Qpair, r: *mut Request, cpl: &Cpl) {
        let parent = (*r).parent;
        if parent.is_null() {
            let (cb, arg) = ((*r).cb_fn, (*r).cb_arg);
            if cpl.is_error() && !(*q).ctrlr_logs_errors_disabled() {
                crate::print::log_failed_command((*q).c.id, &(*r).cmd, cpl);
            }
            (*q).free_request(r);
            if let Some(cb) = cb {
                let c = *cpl;
                cb(arg, &c);
            }
            return;
        }
        // A child: the parent keeps the first error (and an Abort
        // parent learns whether any child failed to abort).
        if cpl.is_error() && !(*parent).cpl.is_error() {
            (*parent).cpl = *cpl;
        } else if cpl.is_success() && cpl.cdw0 & 1 != 0 {
            (*parent).cpl.cdw0 |= 1;
        }
        (*q).free_request(r);
        (*parent).children -= 1;
        if (*parent).children == 0 {
            let c = (*parent).cpl;
            Self::complete(q, parent, &c);
        }
    }

    unsafe fn ctrlr_logs_errors_disabled(&self) -> bool {
        let c = self.c.ctrlr;
        !c.is_null() && (*c).opts.disable_error_logging
    }

    unsafe fn complete_failed(q: *mut Qpair) -> i32 {
        let mut list = (*q).c.failed.take();
        let mut n = 0;
        loop {
            let r = list.pop_front();
            if r.is_null() {
                break;
            }
            let c = (*r).cpl;
            Self::complete(q, r, &c);
            n += 1;
        }
        n
    }

    /// Completes every outstanding and queued request with status `sc`
    /// (generic type), as when the queue is deleted or the controller
    /// resets. With `only_aer`, only Asynchronous Event Requests.
    ///
    /// # Safety
    /// As [`Qpair::process_completions`].
    pub unsafe fn abort_all(q: *mut Qpair, sc: u16, only_aer: bool) {
        let core = &(*q).c;
        let n = core.trackers.len();
        for cid in 0..n {
            let r = (*q).c.trackers[cid];
            if r.is_null() || (only_aer && (*r).cmd.opc() != OPC_ASYNC_EVENT_REQUEST) {
                continue;
            }
            (*q).c.trackers[cid] = ptr::null_mut();
            (*q).push_cid(cid as u16);
            (*q).c.outstanding -= 1;
            let c = error_cpl((*q).c.id, cid as u16, sc, (*q).c.abort_dnr);
            Self::complete(q, r, &c);
        }
        if only_aer {
            return;
        }
        Self::complete_failed(q);
        if !(*q).c.err_reqs.is_empty() {
            Self::complete_held(q, Some(sc));
        }
        loop {
            let r = (*q).c.queued.pop_front();
            if r.is_null() {
                break;
            }
            let c = error_cpl((*q).c.id, 0, sc, (*q).c.abort_dnr);
            Self::complete(q, r, &c);
        }
    }

    /// Reports commands outstanding longer than the timeout, once each.
    unsafe fn check_timeouts(q: *mut Qpair) {
        let now = spdk_env::ticks();
        if now < (*q).c.next_timeout_check {
            return;
        }
        let t = (*q).c.timeout_ticks;
        (*q).c.next_timeout_check = now + (t / 16).max(1);
        let ctrlr = (*q).c.ctrlr;
        if ctrlr.is_null() {
            return;
        }
        let core = &(*q).c;
        let n = core.trackers.len();
        for cid in 0..n {
            let r = (*q).c.trackers[cid];
            if r.is_null() {
                continue;
            }
            let st = (*r).submit_tick;
            if st == 0 || st == u64::MAX || (*r).cmd.opc() == OPC_ASYNC_EVENT_REQUEST {
                continue;
            }
            if now.wrapping_sub(st) > t {
                // Reported once.
                (*r).submit_tick = u64::MAX;
                Ctrlr::report_timeout(ctrlr, q, cid as u16);
            }
        }
    }

    /// Completes `r` with `cpl` on the next poll (never inside the
    /// caller's call).
    ///
    /// # Safety
    /// `r` came from this pair's pool and is not submitted.
    pub unsafe fn defer_complete(&mut self, r: *mut Request, cpl: Cpl) {
        (*r).cpl = cpl;
        self.c.failed.push_back(r);
    }

    /// The request with command identifier `cid`, when outstanding.
    pub fn outstanding_request(&self, cid: u16) -> Option<&Request> {
        let r = *self.c.trackers.get(cid as usize)?;
        // SAFETY: trackers hold live requests of the pool.
        (!r.is_null()).then(|| unsafe { &*r })
    }

    /// Finds an outstanding or queued request whose callback argument is
    /// `cb_arg` (for abort by argument), returning its CID when sent.
    pub fn find_by_cb_arg(&self, cb_arg: *mut core::ffi::c_void) -> Vec<u16> {
        let mut v = Vec::new();
        for (cid, &r) in self.c.trackers.iter().enumerate() {
            // SAFETY: trackers hold live requests of the pool.
            if !r.is_null() && unsafe { root_cb_arg(r) } == cb_arg {
                v.push(cid as u16);
            }
        }
        v
    }

    /// Removes queued (never sent) requests with callback argument
    /// `cb_arg` and completes them as aborted by request; returns how
    /// many.
    ///
    /// # Safety
    /// As [`Qpair::process_completions`].
    pub unsafe fn abort_queued(q: *mut Qpair, cb_arg: *mut core::ffi::c_void) -> u32 {
        let mut keep = ReqList::new();
        let mut gone = ReqList::new();
        let mut list = (*q).c.queued.take();
        loop {
            let r = list.pop_front();
            if r.is_null() {
                break;
            }
            if root_cb_arg(r) == cb_arg {
                gone.push_back(r);
            } else {
                keep.push_back(r);
            }
        }
        (*q).c.queued = keep;
        let mut n = 0;
        loop {
            let r = gone.pop_front();
            if r.is_null() {
                break;
            }
            let c = error_cpl((*q).c.id, 0, 0x07, (*q).c.abort_dnr);
            Self::complete(q, r, &c);
            n += 1;
        }
        n
    }
}

/// The callback argument of the request a child belongs to.
unsafe fn root_cb_arg(mut r: *const Request) -> *mut core::ffi::c_void {
    while !(*r).parent.is_null() {
        r = (*r).parent;
    }
    (*r).cb_arg
}

/// A completion made up by the driver with a generic status.
pub(crate) fn error_cpl(sqid: u16, cid: u16, sc: u16, dnr: bool) -> Cpl {
    Cpl {
        sqid,
        cid,
        status: Status::new(SCT_GENERIC, sc).with_dnr(dnr as u16),
        ..Default::default()
    }
}
