//! Controller initialization, SPDK's state order: connect the admin
//! queue, read VS and CAP, disable (wait for RDY 0, first for RDY 1 if
//! the controller was mid-enable), enable (wait for RDY 1), identify the
//! controller, configure and send asynchronous event requests, set the
//! keep alive timeout, with all I/O command sets enabled the zoned
//! command set's controller data and its commands supported log, set the
//! number of queues, list the active namespaces and identify each (with
//! its identification descriptors and its I/O command set specific data:
//! zoned, or NVM with CTRATT.ELBAS), read the ANA log page when the
//! controller reports ANA. Register waits time out after CAP.TO,
//! admin commands after the admin timeout.
//!
//! [`Ctrlr::process_init`] advances as far as it can without waiting and
//! returns; callers poll it (spdk_nvme_probe_poll_async) or loop on it.

use std::ffi::c_void;

use super::{flags, ms_to_ticks, Ctrlr};
use crate::kind::QpairKind;
use crate::ns::{Ns, NsIds};
use crate::qpair::{PairOpts, Qpair};
use crate::spec::cmd::{Cmd, Cpl};
use crate::spec::ctrlr::{CtrlrData, ZnsCtrlrData};
use crate::spec::feat::{FeatAsyncEventConfiguration, FeatNumberOfQueues};
use crate::spec::ns::{NsData, NvmNsData, ZnsNsData};
use crate::spec::regs::{Cap, Cc, Csts, Vs};
use crate::spec::Pod;

const REG_CAP: u32 = 0x00;
const REG_VS: u32 = 0x08;
const REG_CC: u32 = 0x14;
const FEAT_NUMBER_OF_QUEUES: u8 = 0x07;
const FEAT_ASYNC_EVENT_CONFIGURATION: u8 = 0x0b;
const FEAT_KEEP_ALIVE_TIMER: u8 = 0x0f;
const CNS_NS: u8 = 0x00;
const CNS_CTRLR: u8 = 0x01;
const CNS_ACTIVE_NS_LIST: u8 = 0x02;
const CNS_NS_ID_DESCS: u8 = 0x03;
const CNS_NS_IOCS: u8 = 0x05;
const CNS_CTRLR_IOCS: u8 = 0x06;
const LOG_COMMAND_EFFECTS: u32 = 0x05;
/// Command Set Identifier of the zoned namespace command set.
pub(crate) const CSI_ZNS: u8 = 2;
/// Command Set Identifier of the NVM command set.
pub(crate) const CSI_NVM: u8 = 0;
/// CAP.CSS bit: I/O command sets other than NVM (identify them by CSI).
const CAP_CSS_IOCS: u64 = 1 << 6;
/// CC.CSS values.
const CC_CSS_NVM: i32 = 0;
const CC_CSS_IOCS: i32 = 6;
/// Generic status codes a namespace that went away answers with.
const SC_INVALID_FIELD: u16 = 0x02;
const SC_INVALID_NAMESPACE_OR_FORMAT: u16 = 0x0b;
const OPC_ZONE_APPEND: usize = 0x7d;

/// Initialization states (`enum nvme_ctrlr_state`, waits folded in).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    ConnectAdminq,
    ReadVsCap,
    CheckEn,
    DisableWaitForReady1,
    SetEn0,
    DisableWaitForReady0,
    Enable,
    EnableWaitForReady1,
    Identify,
    WaitForIdentify,
    ConfigureAer,
    WaitForConfigureAer,
    SetKeepAliveTimeout,
    WaitForKeepAliveTimeout,
    /// All I/O command sets enabled: the zoned command set's controller
    /// data (Identify CNS 06h, CSI 02h), then its Commands Supported and
    /// Effects log (zone append support).
    IdentifyIocsZns,
    WaitForIdentifyIocsZns,
    GetZnsCmdEffectsLog,
    WaitForGetZnsCmdEffectsLog,
    SetNumQueues,
    WaitForSetNumQueues,
    IdentifyActiveNs,
    WaitForIdentifyActiveNs,
    IdentifyNs,
    WaitForIdentifyNs,
    /// NVMe 1.3+: each namespace's identification descriptors (UUID, CSI).
    IdentifyIdDescs,
    WaitForIdentifyIdDescs,
    /// A namespace's I/O command set specific data (Identify CNS 05h):
    /// zoned (CSI 02h), or NVM (CSI 00h) when CTRATT.ELBAS is set.
    IdentifyNsIocs,
    WaitForIdentifyNsIocs,
    /// With ANA reporting (CMIC.ANARS) and unless the options say not
    /// to: the ANA log page, for each namespace's ANA group and state.
    GetAnaLogPage,
    WaitForGetAnaLogPage,
    /// PCIe: shadow doorbells (Doorbell Buffer Config) when offered.
    SetDbBufCfg,
    Ready,
    Error,
}

unsafe extern "C" fn init_done(arg: *mut c_void, cpl: *const Cpl) {
    let c = arg as *mut Ctrlr;
    (*c).init_cpl = Some(*cpl);
}

/// The outcome of one step.
enum Step {
    /// Go on with the next state now.
    Next,
    /// Wait: nothing more to do until the controller moves.
    Wait,
}

impl Ctrlr {
    fn set_state(&mut self, s: State, timeout_ticks: Option<u64>) {
        self.state = s;
        self.deadline = match timeout_ticks {
            Some(t) => spdk_env::ticks().saturating_add(t),
            None => u64::MAX,
        };
    }

    pub(super) fn ready_timeout(&self) -> u64 {
        // CAP.TO is in 500 ms units.
        ms_to_ticks(500 * (self.cap.to().max(1)))
    }

    fn admin_timeout(&self) -> u64 {
        ms_to_ticks(self.opts.admin_timeout_ms.max(1) as u64)
    }

    fn fail_init(&mut self, rc: i32, what: &str) -> Result<bool, i32> {
        spdk_log::errlog!(
            "controller initialization failed in {:?}: {} ({})",
            self.state,
            what,
            rc
        );
        self.state = State::Error;
        self.init_rc = rc;
        Err(rc)
    }

    /// Sends the admin command of an initialization state; its
    /// completion lands in `init_cpl`.
    fn init_cmd(&mut self, cmd: Cmd, with_buf: bool, next: State) -> Result<(), i32> {
        self.init_cpl = None;
        let me = self as *mut Ctrlr as *mut c_void;
        let (buf, len) = if with_buf {
            (self.buf.0.as_ptr(), 4096)
        } else {
            (std::ptr::null_mut(), 0)
        };
        let rc = self.admin_submit(cmd, buf, len, Some(init_done), me);
        if rc != 0 {
            return Err(rc);
        }
        let t = self.admin_timeout();
        self.set_state(next, Some(t));
        Ok(())
    }

    /// Advances initialization. Ok(true) when the controller is ready,
    /// Ok(false) when it has to be called again, Err when it failed.
    pub fn process_init(&mut self) -> Result<bool, i32> {
        if self.state == State::Ready {
            return Ok(true);
        }
        if self.state == State::Error {
            return Err(if self.init_rc != 0 {
                self.init_rc
            } else {
                -libc::EIO
            });
        }
        if let Some(q) = self.admin_ptr() {
            // SAFETY: the admin pair lives as long as the controller.
            let rc = unsafe { Qpair::process_completions(q, 0) };
            if rc < 0 && rc != -libc::ENXIO {
                return self.fail_init(rc, "admin queue failure");
            }
        }
        // Bounded: each state either moves on or waits.
        for _ in 0..64 {
            let step = match self.step() {
                Ok(s) => s,
                Err(rc) => return self.fail_init(rc, "step failed"),
            };
            if self.state == State::Ready {
                return Ok(true);
            }
            if let Step::Wait = step {
                if spdk_env::ticks() > self.deadline {
                    return self.fail_init(-libc::ETIMEDOUT, "timed out");
                }
                return Ok(false);
            }
        }
        Ok(false)
    }

    /// Takes the completion of the state's admin command, if it came.
    fn take_init_cpl(&mut self) -> Option<Cpl> {
        self.init_cpl.take()
    }

    fn csts(&mut self) -> Result<Csts, i32> {
        let v = self.t.read_reg_4(0x1c)?;
        if v == u32::MAX {
            return Err(-libc::ENODEV);
        }
        Ok(Csts(v))
    }

    fn step(&mut self) -> Result<Step, i32> {
        match self.state {
            State::ConnectAdminq => {
                let entries = (self.opts.admin_queue_size as u32).clamp(2, 4096);
                let t = self.t.create_admin_qpair(entries)?;
                let me = self as *mut Ctrlr;
                let mut q = Qpair::new(
                    t,
                    me,
                    PairOpts {
                        io_queue_size: entries,
                        io_queue_requests: entries * 2,
                        qprio: 0,
                        delay_cmd_submit: false,
                    },
                );
                q.c.timeout_ticks = self.timeout_admin_ticks;
                self.adminq = Some(q);
                self.set_state(State::ReadVsCap, None);
            }
            State::ReadVsCap => {
                self.vs = Vs(self.t.read_reg_4(REG_VS)?);
                self.cap = Cap(self.t.read_reg_8(REG_CAP)?);
                self.min_page_size = 4096u32 << self.cap.mpsmin();
                self.page_size = self.min_page_size;
                self.set_state(State::CheckEn, None);
            }
            State::CheckEn => {
                let cc = Cc(self.t.read_reg_4(REG_CC)?);
                let t = self.ready_timeout();
                if cc.en() == 1 {
                    if self.csts()?.rdy() == 0 {
                        self.set_state(State::DisableWaitForReady1, Some(t));
                    } else {
                        self.set_state(State::SetEn0, Some(t));
                    }
                } else {
                    self.set_state(State::DisableWaitForReady0, Some(t));
                }
            }
            State::DisableWaitForReady1 => {
                if self.csts()?.rdy() == 0 {
                    return Ok(Step::Wait);
                }
                let t = self.ready_timeout();
                self.set_state(State::SetEn0, Some(t));
            }
            State::SetEn0 => {
                let cc = Cc(self.t.read_reg_4(REG_CC)?).with_en(0);
                self.t.write_reg_4(REG_CC, cc.0)?;
                let t = self.ready_timeout();
                self.set_state(State::DisableWaitForReady0, Some(t));
            }
            State::DisableWaitForReady0 => {
                if self.csts()?.rdy() == 1 {
                    return Ok(Step::Wait);
                }
                self.set_state(State::Enable, None);
            }
            State::Enable => self.enable()?,
            State::EnableWaitForReady1 => {
                let csts = self.csts()?;
                if csts.cfs() == 1 {
                    return Err(-libc::EIO);
                }
                if csts.rdy() == 0 {
                    return Ok(Step::Wait);
                }
                self.set_state(State::Identify, None);
            }
            State::Identify => {
                let mut cmd = Cmd::new(0x06, 0);
                cmd.cdw10 = CNS_CTRLR as u32;
                self.init_cmd(cmd, true, State::WaitForIdentify)?;
            }
            State::WaitForIdentify => {
                let Some(cpl) = self.take_init_cpl() else {
                    return Ok(Step::Wait);
                };
                if cpl.is_error() {
                    return Err(-libc::EIO);
                }
                self.identify_done();
                self.set_state(State::ConfigureAer, None);
            }
            State::ConfigureAer => {
                // Discovery: log changes. Others: the critical warnings,
                // and the notices the controller offers (1.2 and later).
                let cfg = if self.is_discovery() {
                    FeatAsyncEventConfiguration(1 << 31).0
                } else {
                    let oaes = self.cdata.oaes;
                    let notices = if self.vs.0 >= crate::spec::version(1, 2, 0) {
                        oaes.0 & ((1 << 8) | (1 << 9) | (1 << 11))
                    } else {
                        0
                    };
                    0x1f | notices
                };
                let mut cmd = Cmd::new(0x09, 0);
                cmd.cdw10 = FEAT_ASYNC_EVENT_CONFIGURATION as u32;
                cmd.cdw11 = cfg;
                self.init_cmd(cmd, false, State::WaitForConfigureAer)?;
            }
            State::WaitForConfigureAer => {
                let Some(cpl) = self.take_init_cpl() else {
                    return Ok(Step::Wait);
                };
                if cpl.is_error() {
                    spdk_log::noticelog!(
                        "Set Features - Async Event Configuration failed: continuing"
                    );
                }
                let rc = self.submit_aers();
                if rc != 0 {
                    return Err(rc);
                }
                self.set_state(State::SetKeepAliveTimeout, None);
            }
            State::SetKeepAliveTimeout => {
                // Discovery controllers need not report KAS.
                let kas = self.cdata.kas != 0 || self.is_discovery();
                if self.opts.keep_alive_timeout_ms == 0 || !kas {
                    self.opts.keep_alive_timeout_ms = 0;
                    self.keep_alive_ticks = 0;
                    self.after_keep_alive();
                } else {
                    // The timeout in force (fabrics set it with Connect; the
                    // controller may have rounded it).
                    let mut cmd = Cmd::new(0x0a, 0);
                    cmd.cdw10 = FEAT_KEEP_ALIVE_TIMER as u32;
                    self.init_cmd(cmd, false, State::WaitForKeepAliveTimeout)?;
                }
            }
            State::WaitForKeepAliveTimeout => {
                let Some(cpl) = self.take_init_cpl() else {
                    return Ok(Step::Wait);
                };
                if cpl.is_error() {
                    spdk_log::noticelog!(
                        "Get Features - Keep Alive Timer failed: keep alive disabled"
                    );
                    self.opts.keep_alive_timeout_ms = 0;
                } else if cpl.cdw0 != self.opts.keep_alive_timeout_ms {
                    self.opts.keep_alive_timeout_ms = cpl.cdw0;
                }
                let kato = self.opts.keep_alive_timeout_ms as u64;
                if kato == 0 {
                    self.keep_alive_ticks = 0;
                } else {
                    // Every half timeout, the first one at once.
                    self.keep_alive_ticks = ms_to_ticks(kato / 2).max(1);
                    self.next_keep_alive = spdk_env::ticks();
                }
                self.after_keep_alive();
            }
            State::IdentifyIocsZns => {
                if !self.multi_iocs_enabled() {
                    self.cdata_zns = None;
                    self.set_state(State::SetNumQueues, None);
                    return Ok(Step::Next);
                }
                let mut cmd = Cmd::new(0x06, 0);
                cmd.cdw10 = CNS_CTRLR_IOCS as u32;
                cmd.cdw11 = (CSI_ZNS as u32) << 24;
                self.init_cmd(cmd, true, State::WaitForIdentifyIocsZns)?;
            }
            State::WaitForIdentifyIocsZns => {
                let Some(cpl) = self.take_init_cpl() else {
                    return Ok(Step::Wait);
                };
                if cpl.is_error() {
                    // As SPDK: no zoned command set data, go on.
                    spdk_log::noticelog!("no zoned command set controller data");
                    self.cdata_zns = None;
                    self.set_state(State::SetNumQueues, None);
                    return Ok(Step::Next);
                }
                self.zns_ctrlr_from_buf();
                self.set_state(State::GetZnsCmdEffectsLog, None);
            }
            State::GetZnsCmdEffectsLog => {
                // 4 KiB: 256 admin and 256 I/O command entries, reserved.
                let mut cmd = Cmd::new(0x02, 0);
                cmd.cdw10 = LOG_COMMAND_EFFECTS | (1023 << 16);
                cmd.cdw14 = (CSI_ZNS as u32) << 24;
                self.init_cmd(cmd, true, State::WaitForGetZnsCmdEffectsLog)?;
            }
            State::WaitForGetZnsCmdEffectsLog => {
                let Some(cpl) = self.take_init_cpl() else {
                    return Ok(Step::Wait);
                };
                if cpl.is_success() {
                    // I/O command entries follow the 256 admin ones; bit 0
                    // of an entry: command supported.
                    let b = self.buf.bytes();
                    let at = 1024 + 4 * OPC_ZONE_APPEND;
                    if b[at] & 1 != 0 {
                        self.flags |= flags::ZONE_APPEND_SUPPORTED;
                    }
                } else {
                    // SPDK fails the controller here; a controller that
                    // cannot list its zoned commands still does I/O, so
                    // it only goes without zone append.
                    spdk_log::warnlog!(
                        "zoned command set effects log refused: zone append not used"
                    );
                }
                self.set_state(State::SetNumQueues, None);
            }
            State::SetNumQueues => {
                let n = self.opts.num_io_queues.clamp(1, 65535) - 1;
                let mut cmd = Cmd::new(0x09, 0);
                cmd.cdw10 = FEAT_NUMBER_OF_QUEUES as u32;
                cmd.cdw11 = FeatNumberOfQueues(0).with_nsqr(n).with_ncqr(n).0;
                self.init_cmd(cmd, false, State::WaitForSetNumQueues)?;
            }
            State::WaitForSetNumQueues => {
                let Some(cpl) = self.take_init_cpl() else {
                    return Ok(Step::Wait);
                };
                if cpl.is_error() {
                    return Err(-libc::EIO);
                }
                let got = FeatNumberOfQueues(cpl.cdw0);
                let granted = got.nsqr().min(got.ncqr()) + 1;
                let n = self.opts.num_io_queues.clamp(1, 65535).min(granted);
                self.opts.num_io_queues = n;
                self.qids = vec![true; n as usize];
                self.init_ns.clear();
                self.set_state(State::IdentifyActiveNs, None);
            }
            State::IdentifyActiveNs => {
                let start = self.init_ns.last().copied().unwrap_or(0);
                let mut cmd = Cmd::new(0x06, start);
                cmd.cdw10 = CNS_ACTIVE_NS_LIST as u32;
                self.init_cmd(cmd, true, State::WaitForIdentifyActiveNs)?;
            }
            State::WaitForIdentifyActiveNs => {
                let Some(cpl) = self.take_init_cpl() else {
                    return Ok(Step::Wait);
                };
                if cpl.is_error() {
                    return Err(-libc::EIO);
                }
                let full = self.take_active_list_page();
                if full {
                    self.set_state(State::IdentifyActiveNs, None);
                } else {
                    self.active_ns = self.init_ns.clone();
                    self.init_ns_pos = 0;
                    self.set_state(State::IdentifyNs, None);
                }
            }
            State::IdentifyNs => {
                let Some(&nsid) = self.active_ns.get(self.init_ns_pos) else {
                    self.deactivate_missing();
                    self.set_state(State::GetAnaLogPage, None);
                    return Ok(Step::Next);
                };
                let mut cmd = Cmd::new(0x06, nsid);
                cmd.cdw10 = CNS_NS as u32;
                self.init_cmd(cmd, true, State::WaitForIdentifyNs)?;
            }
            State::WaitForIdentifyNs => {
                let Some(cpl) = self.take_init_cpl() else {
                    return Ok(Step::Wait);
                };
                let nsid = self.active_ns[self.init_ns_pos];
                if cpl.is_success() {
                    self.ns_from_buf(nsid);
                    if self.wants_id_descs() {
                        self.set_state(State::IdentifyIdDescs, None);
                        return Ok(Step::Next);
                    }
                } else {
                    spdk_log::errlog!("identify namespace {} failed", nsid);
                }
                self.init_ns_pos += 1;
                self.set_state(State::IdentifyNs, None);
            }
            State::IdentifyIdDescs => {
                let nsid = self.active_ns[self.init_ns_pos];
                let mut cmd = Cmd::new(0x06, nsid);
                cmd.cdw10 = CNS_NS_ID_DESCS as u32;
                self.init_cmd(cmd, true, State::WaitForIdentifyIdDescs)?;
            }
            State::WaitForIdentifyIdDescs => {
                let Some(cpl) = self.take_init_cpl() else {
                    return Ok(Step::Wait);
                };
                let nsid = self.active_ns[self.init_ns_pos];
                // As SPDK: a controller that cannot list them still works.
                if cpl.is_success() {
                    self.id_descs_from_buf(nsid);
                } else {
                    spdk_log::warnlog!("no namespace ID descriptors for namespace {}", nsid);
                }
                if self.wants_ns_iocs_data(nsid).is_some() {
                    self.set_state(State::IdentifyNsIocs, None);
                    return Ok(Step::Next);
                }
                self.drop_ns_iocs_data(nsid, None);
                self.init_ns_pos += 1;
                self.set_state(State::IdentifyNs, None);
            }
            State::IdentifyNsIocs => {
                let nsid = self.active_ns[self.init_ns_pos];
                let csi = self.wants_ns_iocs_data(nsid).unwrap_or(CSI_ZNS);
                let mut cmd = Cmd::new(0x06, nsid);
                cmd.cdw10 = CNS_NS_IOCS as u32;
                cmd.cdw11 = (csi as u32) << 24;
                self.init_cmd(cmd, true, State::WaitForIdentifyNsIocs)?;
            }
            State::WaitForIdentifyNsIocs => {
                let Some(cpl) = self.take_init_cpl() else {
                    return Ok(Step::Wait);
                };
                let nsid = self.active_ns[self.init_ns_pos];
                if cpl.is_success() {
                    self.ns_iocs_from_buf(nsid);
                } else if ns_went_away(&cpl) {
                    // As SPDK: the namespace is gone (inactive), the
                    // controller goes on.
                    spdk_log::warnlog!(
                        "command set data of namespace {} refused: namespace inactive",
                        nsid
                    );
                    self.deactivate_ns(nsid);
                    self.active_ns.remove(self.init_ns_pos);
                    self.set_state(State::IdentifyNs, None);
                    return Ok(Step::Next);
                } else {
                    return Err(-libc::EIO);
                }
                self.init_ns_pos += 1;
                self.set_state(State::IdentifyNs, None);
            }
            State::GetAnaLogPage => {
                if self.cdata.cmic.anars() == 0 || self.opts.disable_read_ana_log_page {
                    self.set_state(State::SetDbBufCfg, None);
                    return Ok(Step::Next);
                }
                let (buf, len) = self.ana_log_buf()?;
                self.init_cpl = None;
                let me = self as *mut Ctrlr as *mut c_void;
                let rc =
                    self.admin_submit(super::ana::ana_log_cmd(len), buf, len, Some(init_done), me);
                if rc != 0 {
                    return Err(rc);
                }
                let t = self.admin_timeout();
                self.set_state(State::WaitForGetAnaLogPage, Some(t));
            }
            State::WaitForGetAnaLogPage => {
                let Some(cpl) = self.take_init_cpl() else {
                    return Ok(Step::Wait);
                };
                if cpl.is_success() {
                    self.parse_ana_log();
                } else {
                    // As SPDK: the states stay as they were, the
                    // controller goes on.
                    spdk_log::errlog!("reading the ANA log page failed");
                }
                self.set_state(State::SetDbBufCfg, None);
            }
            State::SetDbBufCfg => {
                // SPDK's SET_DB_BUF_CFG: a refusal leaves MMIO doorbells.
                let oacs = self.cdata.oacs;
                if let Some(admin) = self.adminq.as_mut() {
                    if let Err(rc) = self.t.set_doorbell_buffer(&mut admin.t, oacs) {
                        spdk_log::warnlog!(
                            "Doorbell buffer config failed ({}): MMIO doorbells",
                            rc
                        );
                    }
                }
                self.set_state(State::Ready, None);
            }
            State::Ready | State::Error => {}
        }
        Ok(Step::Next)
    }

    /// Whether this is a discovery controller (by its subsystem NQN).
    pub fn is_discovery(&self) -> bool {
        crate::trid::field(&self.trid.subnqn) == crate::DISCOVERY_NQN.as_bytes()
    }

    /// A discovery controller is ready after keep alive; others go on
    /// with queues and namespaces.
    fn after_keep_alive(&mut self) {
        if self.is_discovery() {
            self.set_state(State::Ready, None);
        } else {
            self.set_state(State::IdentifyIocsZns, None);
        }
    }

    /// Whether the controller runs with all I/O command sets enabled
    /// (CAP.CSS offers them and CC.CSS chose them), as SPDK's
    /// nvme_ctrlr_multi_iocs_enabled.
    pub fn multi_iocs_enabled(&self) -> bool {
        self.cap.css() & CAP_CSS_IOCS != 0 && self.opts.command_set.0 == CC_CSS_IOCS
    }

    /// Takes zoned controller data from the buffer: the zone append
    /// limit is 2^ZASL minimum pages (0: the largest transfer), at most
    /// the largest transfer.
    fn zns_ctrlr_from_buf(&mut self) {
        let Some(d) = ZnsCtrlrData::read_from(self.buf.bytes()) else {
            return;
        };
        match self.cdata_zns.as_mut() {
            Some(b) => **b = d,
            None => self.cdata_zns = Some(Box::new(d)),
        }
        self.max_zone_append_size = if d.zasl != 0 {
            let m = (self.min_page_size as u64) << d.zasl.min(32);
            (self.max_xfer_size as u64).min(m) as u32
        } else {
            self.max_xfer_size
        };
    }

    /// The command set whose specific data namespace `nsid` (just
    /// identified) needs, as SPDK's nvme_ns_has_supported_iocs_specific_data:
    /// with all I/O command sets enabled, a zoned namespace always, an NVM
    /// namespace when CTRATT.ELBAS is set.
    fn wants_ns_iocs_data(&self, nsid: u32) -> Option<u8> {
        if !self.multi_iocs_enabled() {
            return None;
        }
        let ns = self.ns.get(&nsid).filter(|n| n.active)?;
        match ns.ids.csi {
            CSI_ZNS => Some(CSI_ZNS),
            CSI_NVM if self.cdata.ctratt.elbas() != 0 => Some(CSI_NVM),
            _ => None,
        }
    }

    /// Drops the command set data namespace `nsid` has but does not get
    /// (all of it when `keep` is None).
    fn drop_ns_iocs_data(&mut self, nsid: u32, keep: Option<u8>) {
        let cdata = *self.cdata;
        if let Some(ns) = self.ns.get_mut(&nsid) {
            if keep != Some(CSI_ZNS) {
                ns.zns = None;
            }
            if keep != Some(CSI_NVM) && ns.nvm.take().is_some() {
                ns.derive_pi_format(&cdata);
            }
        }
    }

    /// Takes the command set data of namespace `nsid` from the buffer.
    fn ns_iocs_from_buf(&mut self, nsid: u32) {
        let csi = self.wants_ns_iocs_data(nsid);
        self.drop_ns_iocs_data(nsid, csi);
        let cdata = *self.cdata;
        let bytes = self.buf.bytes();
        let (zd, nd) = match csi {
            Some(CSI_ZNS) => (ZnsNsData::read_from(bytes), None),
            Some(CSI_NVM) => (None, NvmNsData::read_from(bytes)),
            _ => (None, None),
        };
        if let Some(ns) = self.ns.get_mut(&nsid) {
            // The same allocation when refreshed: pointers the caller got
            // from spdk_nvme_zns_ns_get_data / spdk_nvme_nvm_ns_get_data
            // stay valid.
            if let Some(d) = zd {
                match ns.zns.as_mut() {
                    Some(b) => **b = d,
                    None => ns.zns = Some(Box::new(d)),
                }
            }
            if let Some(d) = nd {
                match ns.nvm.as_mut() {
                    Some(b) => **b = d,
                    None => ns.nvm = Some(Box::new(d)),
                }
                ns.derive_pi_format(&cdata);
            }
        }
    }

    /// Makes namespace `nsid` inactive (identify data zeroed).
    fn deactivate_ns(&mut self, nsid: u32) {
        let cdata = *self.cdata;
        let zero = NsData::zeroed();
        if let Some(ns) = self.ns.get_mut(&nsid) {
            ns.update(&zero, &cdata, 0);
        }
    }

    fn enable(&mut self) -> Result<(), i32> {
        let Some(admin) = self.adminq.as_mut() else {
            return Err(-libc::ENXIO);
        };
        self.t.enable(&mut admin.t)?;
        // CC.CSS as SPDK chooses it: a controller offering no command
        // set is taken to offer NVM; the default (or any value CC.CSS
        // cannot hold) becomes "all I/O command sets" when CAP.CSS offers
        // it, else NVM; a set the controller does not offer falls back
        // to NVM. The choice is kept in the options, as SPDK does.
        if self.cap.css() == 0 {
            spdk_log::noticelog!("controller reports no command sets: assuming NVM");
            self.cap = self.cap.with_css(1);
        }
        let mut cs = self.opts.command_set.0;
        if !(0..8).contains(&cs) {
            cs = if self.cap.css() & CAP_CSS_IOCS != 0 {
                CC_CSS_IOCS
            } else {
                CC_CSS_NVM
            };
        }
        if self.cap.css() & (1 << cs) == 0 {
            spdk_log::noticelog!(
                "command set {} not offered (CAP.CSS 0x{:x}): NVM",
                cs,
                self.cap.css()
            );
            cs = CC_CSS_NVM;
        }
        self.opts.command_set.0 = cs;
        let css = cs as u32;
        let ams = self.opts.arb_mechanism.0 as u32;
        if ams != 0 && self.cap.ams() & (1 << (ams - 1)) == 0 {
            spdk_log::errlog!(
                "arbitration mechanism {} not supported by the controller",
                ams
            );
            return Err(-libc::EINVAL);
        }
        let mps = self.page_size.trailing_zeros() - 12;
        let cc = Cc(0)
            .with_en(1)
            .with_css(css)
            .with_mps(mps)
            .with_ams(ams)
            .with_shn(0)
            .with_iosqes(6)
            .with_iocqes(4);
        self.t.write_reg_4(REG_CC, cc.0)?;
        let t = self.ready_timeout();
        self.set_state(State::EnableWaitForReady1, Some(t));
        Ok(())
    }

    /// What identify controller data decides: transfer limits, SGLs.
    fn identify_done(&mut self) {
        if let Some(c) = CtrlrData::read_from(self.buf.bytes()) {
            *self.cdata = c;
        }
        self.max_xfer_size = self.t.max_xfer_size();
        let mdts = self.cdata.mdts;
        if mdts > 0 {
            let m = (self.min_page_size as u64) << mdts;
            self.max_xfer_size = (self.max_xfer_size as u64).min(m) as u32;
        }
        self.flags = 0;
        let sgls = self.cdata.sgls;
        if sgls.supported() != 0 {
            self.flags |= flags::SGL_SUPPORTED;
            if sgls.supported() == 2 {
                self.flags |= flags::SGL_REQUIRES_DWORD_ALIGNMENT;
            }
            self.max_sges = self.t.max_sges();
        } else {
            self.max_sges = 1;
        }
        if sgls.metadata_address() != 0 {
            self.flags |= flags::MPTR_SGL_SUPPORTED;
        }
        if self.cdata.oacs.ssrs() != 0 {
            self.flags |= flags::SECURITY_SEND_RECV_SUPPORTED;
        }
        if self.cdata.oacs.dirs() != 0 {
            self.flags |= flags::DIRECTIVES_SUPPORTED;
        }
        if self.cdata.fuses.fcws() != 0 {
            self.flags |= flags::COMPARE_AND_WRITE_SUPPORTED;
        }
        if self.cap.ams() & 1 != 0 {
            self.flags |= flags::WRR_SUPPORTED;
        }
        let cdata = *self.cdata;
        self.t.identified(&cdata);
    }

    /// Appends the NSIDs of an active namespace list page; true when the
    /// page was full (more may follow).
    fn take_active_list_page(&mut self) -> bool {
        let b = self.buf.bytes();
        let mut n = 0;
        for chunk in b.chunks_exact(4) {
            let id = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            if id == 0 {
                break;
            }
            // A list must ascend; anything else is a controller bug.
            if self.init_ns.last().is_some_and(|&l| id <= l) || id > self.cdata.nn {
                break;
            }
            self.init_ns.push(id);
            n += 1;
        }
        n == 1024
    }

    /// Takes identify namespace data from the buffer for `nsid`.
    fn ns_from_buf(&mut self, nsid: u32) {
        let Some(data) = NsData::read_from(self.buf.bytes()) else {
            return;
        };
        let cdata = *self.cdata;
        let max = self.max_xfer_size;
        let me = self as *mut Ctrlr;
        let ns = self
            .ns
            .entry(nsid)
            .or_insert_with(|| Box::new(Ns::new(nsid, me)));
        ns.update(&data, &cdata, max);
    }

    /// Namespace Identification Descriptor lists exist from NVMe 1.3,
    /// and with other I/O command sets (which they name).
    fn wants_id_descs(&self) -> bool {
        (self.vs.mjr(), self.vs.mnr()) >= (1, 3) || self.cap.css() & CAP_CSS_IOCS != 0
    }

    fn id_descs_from_buf(&mut self, nsid: u32) {
        let ids = NsIds::parse(self.buf.bytes());
        if let Some(ns) = self.ns.get_mut(&nsid) {
            if ns.active {
                ns.ids = ids;
            }
        }
    }

    /// Namespaces the controller no longer lists become inactive.
    fn deactivate_missing(&mut self) {
        let cdata = *self.cdata;
        let zero = NsData::zeroed();
        for (id, ns) in self.ns.iter_mut() {
            if self.active_ns.binary_search(id).is_err() && ns.active {
                ns.update(&zero, &cdata, 0);
            }
        }
    }

    /// Lists and identifies the namespaces again (after a namespace
    /// attribute change), synchronously.
    pub fn refresh_namespaces(&mut self) -> Result<(), i32> {
        self.init_ns.clear();
        loop {
            let start = self.init_ns.last().copied().unwrap_or(0);
            let mut cmd = Cmd::new(0x06, start);
            cmd.cdw10 = CNS_ACTIVE_NS_LIST as u32;
            let buf = self.buf.0.as_ptr();
            let cpl = self.admin_sync(cmd, buf, 4096)?;
            if cpl.is_error() {
                return Err(-libc::EIO);
            }
            if !self.take_active_list_page() {
                break;
            }
        }
        self.active_ns = self.init_ns.clone();
        for nsid in self.active_ns.clone() {
            let mut cmd = Cmd::new(0x06, nsid);
            cmd.cdw10 = CNS_NS as u32;
            let buf = self.buf.0.as_ptr();
            if self.admin_sync(cmd, buf, 4096)?.is_success() {
                self.ns_from_buf(nsid);
                if self.wants_id_descs() {
                    let mut cmd = Cmd::new(0x06, nsid);
                    cmd.cdw10 = CNS_NS_ID_DESCS as u32;
                    if self.admin_sync(cmd, buf, 4096)?.is_success() {
                        self.id_descs_from_buf(nsid);
                    }
                }
                if let Some(csi) = self.wants_ns_iocs_data(nsid) {
                    let mut cmd = Cmd::new(0x06, nsid);
                    cmd.cdw10 = CNS_NS_IOCS as u32;
                    cmd.cdw11 = (csi as u32) << 24;
                    let cpl = self.admin_sync(cmd, buf, 4096)?;
                    if cpl.is_success() {
                        self.ns_iocs_from_buf(nsid);
                    } else if ns_went_away(&cpl) {
                        self.deactivate_ns(nsid);
                        self.active_ns.retain(|&n| n != nsid);
                    } else {
                        return Err(-libc::EIO);
                    }
                } else {
                    self.drop_ns_iocs_data(nsid, None);
                }
            }
        }
        self.deactivate_missing();
        Ok(())
    }

    /// Runs initialization to the end, polling; for synchronous callers.
    pub fn init_sync(&mut self) -> Result<(), i32> {
        loop {
            match self.process_init() {
                Ok(true) => return Ok(()),
                Ok(false) => std::hint::spin_loop(),
                Err(e) => return Err(e),
            }
        }
    }

    /// Restarts initialization from the first state, dropping the admin
    /// queue pair (its commands are aborted first).
    pub(crate) fn restart_init(&mut self) {
        if let Some(q) = self.admin_ptr() {
            // SAFETY: the admin pair lives until dropped below.
            unsafe {
                (*q).c.state = crate::qpair::QpairState::Disconnected;
                Qpair::abort_all(q, crate::qpair::SC_ABORTED_SQ_DELETION, false);
            }
        }
        self.adminq = None;
        self.init_cpl = None;
        self.init_rc = 0;
        self.keep_alive_ticks = 0;
        self.keep_alive_pending = false;
        self.pending_events.clear();
        self.set_state(State::ConnectAdminq, None);
    }
}

/// Whether an identify of a namespace failed because the namespace is
/// not there (any more): Invalid Field or Invalid Namespace or Format.
fn ns_went_away(cpl: &Cpl) -> bool {
    cpl.status.sct() == 0
        && matches!(
            cpl.status.sc(),
            SC_INVALID_FIELD | SC_INVALID_NAMESPACE_OR_FORMAT
        )
}

/// The transport of the admin pair (tests of transports).
pub fn admin_transport(c: &mut Ctrlr) -> Option<&mut QpairKind> {
    c.adminq.as_mut().map(|q| &mut q.t)
}
