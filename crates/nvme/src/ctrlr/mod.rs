//! A controller: its transport, admin queue pair, options, identify data,
//! namespaces and I/O queue pairs; the initialization state machine
//! ([`init`]), admin command helpers ([`admin`]), asynchronous events
//! ([`aer`]) and reset / detach ([`reset`]).

pub mod admin;
pub mod aer;
pub mod ana;
pub mod init;
pub mod mgmt;
pub mod reset;

use std::collections::BTreeMap;
use std::ffi::c_void;
use std::ptr::{self, NonNull};

use crate::ffi::nvme::opts::{spdk_nvme_ctrlr_opts, spdk_nvme_io_qpair_opts};
use crate::ffi::nvme::spdk_nvme_transport_id;
use crate::kind::IdleQpair;
use crate::kind::{CtrlrKind, QpairKind};
use crate::ns::Ns;
use crate::qpair::{FailureReason, PairOpts, Qpair, QpairState};
use crate::spec::cmd::Cpl;
use crate::spec::ctrlr::{CtrlrData, ZnsCtrlrData};
use crate::spec::regs::{Cap, Vs};
use crate::spec::Pod;
use crate::transport::QpairOpts;

pub use init::State;

/// `spdk_nvme_aer_cb`.
pub type AerCb = Option<unsafe extern "C" fn(arg: *mut c_void, cpl: *const Cpl)>;
/// `spdk_nvme_timeout_cb`: (arg, ctrlr, qpair or NULL for admin, cid).
pub type TimeoutCb = crate::ffi::nvme::ctrlr::spdk_nvme_timeout_cb;

/// `enum spdk_nvme_ctrlr_flags`.
pub mod flags {
    pub const SGL_SUPPORTED: u64 = 1 << 0;
    pub const SECURITY_SEND_RECV_SUPPORTED: u64 = 1 << 1;
    pub const WRR_SUPPORTED: u64 = 1 << 2;
    pub const COMPARE_AND_WRITE_SUPPORTED: u64 = 1 << 3;
    pub const SGL_REQUIRES_DWORD_ALIGNMENT: u64 = 1 << 4;
    pub const ZONE_APPEND_SUPPORTED: u64 = 1 << 5;
    pub const DIRECTIVES_SUPPORTED: u64 = 1 << 6;
    pub const MPTR_SGL_SUPPORTED: u64 = 1 << 7;
}

/// A 4 KiB DMA buffer the driver's own admin commands read into.
pub(crate) struct DmaPage(pub NonNull<u8>);

impl DmaPage {
    pub fn new() -> Result<DmaPage, i32> {
        let p = spdk_env::memory::dma_alloc(4096, 4096, -1).ok_or(-libc::ENOMEM)?;
        // SAFETY: a fresh page.
        unsafe { ptr::write_bytes(p.as_ptr(), 0, 4096) };
        Ok(DmaPage(p))
    }

    pub fn bytes(&self) -> &[u8] {
        // SAFETY: 4096 bytes owned by self.
        unsafe { std::slice::from_raw_parts(self.0.as_ptr(), 4096) }
    }
}

impl Drop for DmaPage {
    fn drop(&mut self) {
        spdk_env::memory::dma_free(self.0);
    }
}

/// A controller.
pub struct Ctrlr {
    pub(crate) t: CtrlrKind,
    pub(crate) adminq: Option<Box<Qpair>>,
    pub opts: spdk_nvme_ctrlr_opts,
    pub trid: spdk_nvme_transport_id,
    pub(crate) state: State,
    /// When the current initialization step gives up (ticks).
    pub(crate) deadline: u64,
    pub(crate) init_rc: i32,
    /// The completion of the initialization step's admin command.
    pub(crate) init_cpl: Option<Cpl>,
    pub(crate) init_ns: Vec<u32>,
    pub(crate) init_ns_pos: usize,
    pub cap: Cap,
    pub vs: Vs,
    pub cdata: Box<CtrlrData>,
    /// Zoned command set controller data (Identify CNS 06h, CSI 02h);
    /// None when not fetched or refused.
    pub cdata_zns: Option<Box<ZnsCtrlrData>>,
    /// Largest Zone Append, bytes (ZASL, else the largest transfer).
    pub max_zone_append_size: u32,
    pub page_size: u32,
    pub min_page_size: u32,
    pub max_xfer_size: u32,
    pub max_sges: u16,
    pub flags: u64,
    pub(crate) buf: DmaPage,
    /// The ANA log page as last read (None before).
    pub(crate) ana_log: Option<ana::AnaBuf>,
    /// Namespaces by ID (boxed: `struct spdk_nvme_ns *` points at them).
    pub(crate) ns: BTreeMap<u32, Box<Ns>>,
    /// Active namespace IDs, ascending.
    pub(crate) active_ns: Vec<u32>,
    /// Queue IDs 1..=n: whether each is free.
    pub(crate) qids: Vec<bool>,
    pub(crate) io_qpairs: Vec<*mut Qpair>,
    pub(crate) aer_cb: AerCb,
    pub(crate) aer_arg: *mut c_void,
    pub(crate) num_aers: u32,
    pub(crate) pending_events: Vec<Cpl>,
    pub(crate) timeout_cb: TimeoutCb,
    pub(crate) timeout_arg: *mut c_void,
    pub(crate) timeout_io_ticks: u64,
    pub(crate) timeout_admin_ticks: u64,
    pub(crate) keep_alive_ticks: u64,
    pub(crate) next_keep_alive: u64,
    pub(crate) keep_alive_pending: bool,
    pub(crate) failed: bool,
    pub(crate) resetting: bool,
    /// Opaque C handle context (the `spdk_nvme_ctrlr *` handed out).
    pub(crate) remove_cb: crate::probe::RemoveCb,
    pub(crate) remove_ctx: *mut c_void,
}

/// Ticks in `ms` milliseconds.
pub(crate) fn ms_to_ticks(ms: u64) -> u64 {
    ms.saturating_mul(spdk_env::ticks_hz()) / 1000
}

/// Ticks in `us` microseconds.
pub(crate) fn us_to_ticks(us: u64) -> u64 {
    us.saturating_mul(spdk_env::ticks_hz()) / 1_000_000
}

impl Ctrlr {
    /// A controller on transport `t`, not initialized yet (run
    /// [`Ctrlr::process_init`] until it is ready).
    pub fn new(
        t: CtrlrKind,
        trid: spdk_nvme_transport_id,
        opts: spdk_nvme_ctrlr_opts,
    ) -> Result<Box<Ctrlr>, i32> {
        // What the driver cannot do is refused, not skipped: a key asks
        // for TLS or authentication, which a connection without them
        // would silently lack.
        if !opts.tls_psk.is_null() || !opts.dhchap_key.is_null() || !opts.dhchap_ctrlr_key.is_null()
        {
            spdk_log::errlog!("TLS and DH-HMAC-CHAP authentication are not supported");
            return Err(-libc::ENOTSUP);
        }
        if opts.enable_interrupts {
            spdk_log::errlog!("interrupt mode is not supported: the driver polls");
            return Err(-libc::ENOTSUP);
        }
        Ok(Box::new(Ctrlr {
            t,
            adminq: None,
            opts,
            trid,
            state: State::ConnectAdminq,
            deadline: u64::MAX,
            init_rc: 0,
            init_cpl: None,
            init_ns: Vec::new(),
            init_ns_pos: 0,
            cap: Cap(0),
            vs: Vs(0),
            cdata: Box::new(CtrlrData::zeroed()),
            cdata_zns: None,
            max_zone_append_size: 0,
            page_size: 4096,
            min_page_size: 4096,
            max_xfer_size: 0,
            max_sges: 1,
            flags: 0,
            buf: DmaPage::new()?,
            ana_log: None,
            ns: BTreeMap::new(),
            active_ns: Vec::new(),
            qids: Vec::new(),
            io_qpairs: Vec::new(),
            aer_cb: None,
            aer_arg: ptr::null_mut(),
            num_aers: 0,
            pending_events: Vec::new(),
            timeout_cb: None,
            timeout_arg: ptr::null_mut(),
            timeout_io_ticks: 0,
            timeout_admin_ticks: 0,
            keep_alive_ticks: 0,
            next_keep_alive: 0,
            keep_alive_pending: false,
            failed: false,
            resetting: false,
            remove_cb: None,
            remove_ctx: ptr::null_mut(),
        }))
    }

    /// The admin queue pair, as a raw pointer (callbacks may re-enter).
    pub(crate) fn admin_ptr(&mut self) -> Option<*mut Qpair> {
        self.adminq.as_mut().map(|q| &mut **q as *mut Qpair)
    }

    pub fn is_ready(&self) -> bool {
        self.state == State::Ready
    }

    pub fn is_failed(&self) -> bool {
        self.failed
    }

    /// Takes a new transport ID (`spdk_nvme_ctrlr_set_trid`): only while
    /// failed (-EPERM otherwise), with the same transport type and
    /// subsystem NQN (-EINVAL). A fabrics controller connects to the new
    /// address on its next reset; a PCIe function cannot move, so its
    /// address must stay the same.
    pub fn set_trid(&mut self, t: &spdk_nvme_transport_id) -> Result<(), i32> {
        if !self.failed {
            return Err(-libc::EPERM);
        }
        let field = |a: &[core::ffi::c_char]| -> String {
            let b: Vec<u8> = a
                .iter()
                .take_while(|&&c| c != 0)
                .map(|&c| c as u8)
                .collect();
            String::from_utf8_lossy(&b).into_owned()
        };
        if t.trtype != self.trid.trtype || field(&t.subnqn) != field(&self.trid.subnqn) {
            return Err(-libc::EINVAL);
        }
        match &mut self.t {
            CtrlrKind::Tcp(tc) => tc.retarget(&field(&t.traddr), &field(&t.trsvcid))?,
            _ if field(&t.traddr) != field(&self.trid.traddr) => return Err(-libc::EINVAL),
            _ => {}
        }
        self.trid = *t;
        Ok(())
    }

    /// Marks the controller failed: its queue pairs stop (their commands
    /// end with an abort status) until a reset succeeds.
    pub fn fail(&mut self) {
        if self.failed {
            return;
        }
        self.failed = true;
        for &q in &self.io_qpairs.clone() {
            // SAFETY: io_qpairs are live pairs of this controller.
            unsafe {
                (*q).c.failure_reason = FailureReason::Local;
                (*q).c.state = QpairState::Disconnected;
                Qpair::abort_all(q, crate::qpair::SC_ABORTED_SQ_DELETION, false);
            }
        }
    }

    /// The register CSTS, or all ones when it cannot be read (as a
    /// removed PCIe device reads).
    pub fn read_csts(&mut self) -> u32 {
        self.t.read_reg_4(0x1c).unwrap_or(u32::MAX)
    }

    pub fn read_cc(&mut self) -> u32 {
        self.t.read_reg_4(0x14).unwrap_or(u32::MAX)
    }

    /// Polls the admin queue pair: completions (and their callbacks),
    /// the keep alive timer and asynchronous events.
    pub fn process_admin_completions(&mut self) -> i32 {
        let Some(q) = self.admin_ptr() else {
            return -libc::ENXIO;
        };
        // SAFETY: the admin pair lives as long as the controller.
        let rc = unsafe { Qpair::process_completions(q, 0) };
        if self.state == State::Ready && !self.resetting {
            self.keep_alive_tick();
            if !self.pending_events.is_empty() {
                self.handle_events();
            }
        }
        rc
    }

    /// Sends Keep Alive when its interval has passed.
    fn keep_alive_tick(&mut self) {
        if self.keep_alive_ticks == 0 || self.keep_alive_pending {
            return;
        }
        let now = spdk_env::ticks();
        if now < self.next_keep_alive {
            return;
        }
        self.next_keep_alive = now + self.keep_alive_ticks;
        unsafe extern "C" fn done(arg: *mut c_void, cpl: *const Cpl) {
            let c = &mut *(arg as *mut Ctrlr);
            c.keep_alive_pending = false;
            if (*cpl).is_error() {
                spdk_log::errlog!(
                    "Keep alive failed: {}",
                    crate::print::status_str((*cpl).status, 0x18).to_string_lossy()
                );
            }
        }
        let me = self as *mut Ctrlr as *mut c_void;
        let cmd = crate::spec::cmd::Cmd::new(0x18, 0);
        if self.admin_submit(cmd, ptr::null_mut(), 0, Some(done), me) == 0 {
            self.keep_alive_pending = true;
        }
    }

    /// Reports a timed out command to the registered callback.
    ///
    /// # Safety
    /// `c` and `q` are live.
    pub(crate) unsafe fn report_timeout(c: *mut Ctrlr, q: *mut Qpair, cid: u16) {
        let Some(cb) = (*c).timeout_cb else {
            return;
        };
        let arg = (*c).timeout_arg;
        let qp = if (*q).is_admin() {
            ptr::null_mut()
        } else {
            q.cast()
        };
        cb(arg, c.cast(), qp, cid);
    }

    /// Registers (or, with None, removes) the timeout callback.
    pub fn register_timeout_callback(
        &mut self,
        io_us: u64,
        admin_us: u64,
        cb: TimeoutCb,
        arg: *mut c_void,
    ) {
        self.timeout_cb = cb;
        self.timeout_arg = arg;
        let on = cb.is_some();
        self.timeout_io_ticks = if on { us_to_ticks(io_us) } else { 0 };
        self.timeout_admin_ticks = if on { us_to_ticks(admin_us) } else { 0 };
        let io = self.timeout_io_ticks;
        for &q in &self.io_qpairs {
            // SAFETY: io_qpairs are live pairs of this controller.
            unsafe { (*q).c.timeout_ticks = io };
        }
        let admin = self.timeout_admin_ticks;
        if let Some(q) = self.adminq.as_mut() {
            q.c.timeout_ticks = admin;
        }
    }

    /// Registers the asynchronous event callback.
    pub fn register_aer_callback(&mut self, cb: AerCb, arg: *mut c_void) {
        self.aer_cb = cb;
        self.aer_arg = arg;
    }

    /// Number of namespaces the controller may have (NN).
    pub fn num_ns(&self) -> u32 {
        self.cdata.nn
    }

    pub fn is_active_ns(&self, nsid: u32) -> bool {
        self.active_ns.binary_search(&nsid).is_ok()
    }

    pub fn first_active_ns(&self) -> u32 {
        self.active_ns.first().copied().unwrap_or(0)
    }

    pub fn next_active_ns(&self, prev: u32) -> u32 {
        match self.active_ns.binary_search(&prev) {
            Ok(i) => self.active_ns.get(i + 1).copied().unwrap_or(0),
            Err(_) => 0,
        }
    }

    /// The namespace object of `nsid` (1..=NN), created inactive when the
    /// controller has not reported it.
    pub fn get_ns(&mut self, nsid: u32) -> Option<*mut Ns> {
        if nsid == 0 || nsid > self.num_ns() {
            return None;
        }
        let me = self as *mut Ctrlr;
        let ns = self
            .ns
            .entry(nsid)
            .or_insert_with(|| Box::new(Ns::new(nsid, me)));
        Some(&mut **ns as *mut Ns)
    }

    /// Default options of an I/O queue pair of this controller.
    pub fn default_io_qpair_opts(&self) -> spdk_nvme_io_qpair_opts {
        spdk_nvme_io_qpair_opts::defaults(&self.opts)
    }

    /// Takes the lowest free I/O queue ID (for `spdk_nvme_ctrlr_alloc_qid`
    /// as for the driver's own pairs).
    pub fn alloc_qid(&mut self) -> Option<u16> {
        let i = self.qids.iter().position(|&free| free)?;
        self.qids[i] = false;
        Some(i as u16 + 1)
    }

    /// Gives an I/O queue ID back (0 and unknown IDs are ignored).
    pub fn free_qid(&mut self, qid: u16) {
        if let Some(f) = self.qids.get_mut((qid as usize).wrapping_sub(1)) {
            *f = true;
        }
    }

    /// Creates an I/O queue pair. Errors: -EINVAL for bad options,
    /// -EBUSY when no queue ID is left, -ENXIO when the controller is
    /// not usable, or the transport's error.
    pub fn alloc_io_qpair(&mut self, o: &spdk_nvme_io_qpair_opts) -> Result<*mut Qpair, i32> {
        if self.state != State::Ready || self.failed || self.resetting {
            return Err(-libc::ENXIO);
        }
        let mqes = self.cap.mqes() as u32 + 1;
        if o.qprio.0 & !3 != 0 {
            spdk_log::errlog!("invalid queue priority {}", o.qprio.0);
            return Err(-libc::EINVAL);
        }
        if o.qprio.0 != 0 && self.opts.arb_mechanism.0 == 0 {
            // Priorities need weighted round robin arbitration.
            spdk_log::errlog!("queue priority needs weighted round robin arbitration");
            return Err(-libc::EINVAL);
        }
        if !o.sq.vaddr.is_null() || !o.cq.vaddr.is_null() || o.async_mode {
            spdk_log::errlog!("caller-provided queue memory and async_mode are not supported");
            return Err(-libc::EINVAL);
        }
        let size = o.io_queue_size.clamp(2, mqes);
        let requests = o.io_queue_requests.max(size);
        let qid = self.alloc_qid().ok_or_else(|| {
            spdk_log::errlog!("no free I/O queue IDs");
            -libc::EBUSY
        })?;
        let topts = QpairOpts {
            io_queue_size: size,
            io_queue_requests: requests,
            qprio: o.qprio.0 as u32,
            delay_cmd_submit: o.delay_cmd_submit,
        };
        let me = self as *mut Ctrlr;
        let popts = PairOpts {
            io_queue_size: size,
            io_queue_requests: requests,
            qprio: topts.qprio,
            delay_cmd_submit: o.delay_cmd_submit,
        };
        if o.create_only {
            // Connected later (spdk_nvme_ctrlr_connect_io_qpair), typically
            // after joining a poll group.
            let mut q = Qpair::new_unconnected(qid, me, popts);
            q.c.timeout_ticks = self.timeout_io_ticks;
            let p = Box::into_raw(q);
            self.io_qpairs.push(p);
            return Ok(p);
        }
        let Some(admin) = self.adminq.as_mut() else {
            self.free_qid(qid);
            return Err(-libc::ENXIO);
        };
        let t = match self.t.create_io_qpair(&mut admin.t, qid, &topts) {
            Ok(t) => t,
            Err(e) => {
                self.free_qid(qid);
                spdk_log::errlog!("cannot create I/O queue pair {}: {}", qid, e);
                return Err(e);
            }
        };
        let mut q = Qpair::new(t, me, popts);
        q.c.timeout_ticks = self.timeout_io_ticks;
        let p = Box::into_raw(q);
        self.io_qpairs.push(p);
        Ok(p)
    }

    /// Deletes an I/O queue pair: its outstanding commands complete as
    /// aborted, the controller's queues are deleted, the memory freed.
    ///
    /// # Safety
    /// `q` came from [`Ctrlr::alloc_io_qpair`] of this controller.
    pub unsafe fn free_io_qpair(&mut self, q: *mut Qpair) -> i32 {
        let Some(i) = self.io_qpairs.iter().position(|&p| p == q) else {
            return -libc::EINVAL;
        };
        if (*q).c.in_completion_context() {
            // Freed when its completion processing returns.
            (*q).c.free_pending = true;
            return 0;
        }
        self.io_qpairs.remove(i);
        let was_connected = (*q).c.state == QpairState::Connected;
        (*q).c.state = QpairState::Disconnected;
        Qpair::abort_all(q, crate::qpair::SC_ABORTED_SQ_DELETION, false);
        // A callback of the aborts may have added it to a group.
        let g = (*q).c.group;
        if !g.is_null() {
            crate::poll_group::PollGroup::detach(g, q);
        }
        let qp = Box::from_raw(q);
        let qid = qp.c.id;
        let Qpair { t, .. } = *qp;
        if was_connected && !self.failed && !t.is_idle() {
            if let Some(admin) = self.adminq.as_mut() {
                if let Err(e) = self.t.delete_io_qpair(&mut admin.t, t) {
                    spdk_log::errlog!("deleting I/O queue pair {} failed: {}", qid, e);
                }
            }
        }
        self.free_qid(qid);
        0
    }

    /// Gives a disconnected I/O pair queues on the controller again
    /// (`spdk_nvme_ctrlr_connect_io_qpair`). -EISCONN when it is
    /// connected, -ENXIO when the controller is not usable, or the
    /// transport's error (the pair then stays disconnected).
    ///
    /// # Safety
    /// `q` is an I/O pair of this controller.
    pub unsafe fn connect_io_qpair(&mut self, q: *mut Qpair) -> i32 {
        if (*q).c.state != QpairState::Disconnected {
            return -libc::EISCONN;
        }
        (*q).c.last_failure_reason = (*q).c.failure_reason;
        (*q).c.failure_reason = FailureReason::None;
        match self.connect_transport(q) {
            Ok(()) => 0,
            Err(e) => {
                (*q).c.failure_reason = (*q).c.last_failure_reason;
                e
            }
        }
    }

    /// New transport queues for a disconnected pair, with its ID.
    unsafe fn connect_transport(&mut self, q: *mut Qpair) -> Result<(), i32> {
        if self.state != State::Ready || self.failed || self.resetting {
            return Err(-libc::ENXIO);
        }
        let (qid, o) = ((*q).c.id, (*q).c.opts);
        let topts = QpairOpts {
            io_queue_size: o.io_queue_size,
            io_queue_requests: o.io_queue_requests,
            qprio: o.qprio,
            delay_cmd_submit: o.delay_cmd_submit,
        };
        let admin = self.adminq.as_mut().ok_or(-libc::ENXIO)?;
        let t = self
            .t
            .create_io_qpair(&mut admin.t, qid, &topts)
            .inspect_err(|e| {
                spdk_log::errlog!("cannot connect I/O queue pair {}: {}", qid, e);
            })?;
        // The old queues (none, or those of a failed connection) go.
        drop((*q).replace_transport(t));
        (*q).c.state = QpairState::Connected;
        (*q).c.parked = false;
        Ok(())
    }

    /// Disconnects an I/O pair (`spdk_nvme_ctrlr_disconnect_io_qpair`):
    /// its commands complete as aborted (SQ deletion), its queues on the
    /// controller are deleted, and it stays disconnected (across resets
    /// too) until connected again.
    ///
    /// # Safety
    /// `q` is an I/O pair of this controller.
    pub unsafe fn disconnect_io_qpair(&mut self, q: *mut Qpair) {
        (*q).c.parked = true;
        let was_connected = (*q).c.state == QpairState::Connected;
        (*q).c.state = QpairState::Disconnected;
        Qpair::abort_all(q, crate::qpair::SC_ABORTED_SQ_DELETION, false);
        if (*q).t.is_idle() || (*q).c.state != QpairState::Disconnected {
            // Never connected, or a callback of the aborts connected it.
            return;
        }
        let qid = (*q).c.id;
        let old = (*q).replace_transport(crate::kind::QpairKind::Idle(IdleQpair { qid }));
        if was_connected && !self.failed && !self.resetting {
            if let Some(admin) = self.adminq.as_mut() {
                if let Err(e) = self.t.delete_io_qpair(&mut admin.t, old) {
                    spdk_log::errlog!("deleting I/O queue pair {} failed: {}", qid, e);
                }
            }
        }
    }

    /// Reconnects a pair that failed (`spdk_nvme_ctrlr_reconnect_io_qpair`):
    /// 0 when connected (or already was), -EAGAIN when the controller is
    /// resetting or the connection failed, -ENXIO when the controller is
    /// failed (reset it).
    ///
    /// # Safety
    /// `q` is an I/O pair of this controller.
    pub unsafe fn reconnect_io_qpair(&mut self, q: *mut Qpair) -> i32 {
        if self.resetting {
            return -libc::EAGAIN;
        }
        if self.failed {
            return -libc::ENXIO;
        }
        if (*q).c.state != QpairState::Disconnected {
            return 0;
        }
        if self.connect_io_qpair(q) != 0 {
            return -libc::EAGAIN;
        }
        0
    }

    /// Whether a pair is this controller's I/O pair.
    pub fn owns_qpair(&self, q: *const Qpair) -> bool {
        self.io_qpairs.iter().any(|&p| std::ptr::eq(p, q))
    }
}

/// Frees a pair whose free was asked for inside its own callbacks.
///
/// # Safety
/// `q` is a live I/O pair with a live controller.
pub(crate) unsafe fn free_io_qpair_deferred(q: *mut Qpair) {
    let c = (*q).c.ctrlr;
    (*q).c.free_pending = false;
    if !c.is_null() {
        (*c).free_io_qpair(q);
    }
}

/// The transport kind's qpair of a pair (for tests of the transports).
pub fn transport_of(q: &mut Qpair) -> &mut QpairKind {
    &mut q.t
}
