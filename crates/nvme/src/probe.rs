//! Finding and attaching controllers: `spdk_nvme_probe` and friends.
//!
//! A probe builds a controller for every candidate the probe callback
//! accepts (PCIe: NVMe functions bound to vfio-pci, all or the one
//! named; NVMe/TCP: the subsystem named, or every NVM subsystem a
//! discovery controller lists), then initializes them; polling the probe
//! context advances their initialization and calls the attach callback
//! for each controller that became ready.

use std::ffi::{c_char, c_void};
use std::sync::Mutex;
use std::time::Duration;

use crate::ctrlr::Ctrlr;
use crate::ffi::nvme::opts::spdk_nvme_ctrlr_opts;
use crate::ffi::nvme::spdk_nvme_transport_id;
use crate::kind::CtrlrKind;
use crate::model::Model;
use crate::pcie::enumerate::{self, Take};
use crate::pcie::vfio::PciFunction;
use crate::pcie::{PcieCtrlr, PcieOpts};
use crate::tcp::{TcpCtrlr, TcpCtrlrOpts};
use crate::trid;

/// `spdk_nvme_probe_cb`.
pub type ProbeCb = Option<
    unsafe extern "C" fn(
        cb_ctx: *mut c_void,
        trid: *const spdk_nvme_transport_id,
        opts: *mut spdk_nvme_ctrlr_opts,
    ) -> bool,
>;
/// `spdk_nvme_attach_cb`.
pub type AttachCb = crate::ffi::nvme::probe::spdk_nvme_attach_cb;
/// `spdk_nvme_attach_fail_cb`.
pub type AttachFailCb =
    Option<unsafe extern "C" fn(cb_ctx: *mut c_void, trid: *const spdk_nvme_transport_id, rc: i32)>;
/// `spdk_nvme_remove_cb`.
pub type RemoveCb = crate::ffi::nvme::probe::spdk_nvme_remove_cb;

/// Controllers attached in this process (addresses of boxed `Ctrlr`s).
static ATTACHED: Mutex<Vec<usize>> = Mutex::new(Vec::new());

fn attached() -> std::sync::MutexGuard<'static, Vec<usize>> {
    ATTACHED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether `c` is an attached controller (a pointer the C API may use).
pub fn is_attached(c: *const Ctrlr) -> bool {
    attached().contains(&(c as usize))
}

/// The attached controller with transport ID `t` and host NQN `hostnqn`.
pub fn find_attached(t: &spdk_nvme_transport_id, hostnqn: &[c_char]) -> Option<*mut Ctrlr> {
    attached().iter().copied().find_map(|p| {
        let c = p as *mut Ctrlr;
        // SAFETY: attached controllers are live until detached.
        let same =
            unsafe { trid::compare(&(*c).trid, t) == 0 && (&(*c).opts.hostnqn)[..] == *hostnqn };
        same.then_some(c)
    })
}

/// A probe in progress (`struct spdk_nvme_probe_ctx`).
pub struct ProbeCtx {
    #[allow(clippy::vec_box)] // the controllers' addresses must not move
    pending: Vec<Box<Ctrlr>>,
    cb_ctx: *mut c_void,
    attach_cb: AttachCb,
    attach_fail_cb: AttachFailCb,
    remove_cb: RemoveCb,
}

impl ProbeCtx {
    pub fn new(
        cb_ctx: *mut c_void,
        attach_cb: AttachCb,
        attach_fail_cb: AttachFailCb,
        remove_cb: RemoveCb,
    ) -> ProbeCtx {
        ProbeCtx {
            pending: Vec::new(),
            cb_ctx,
            attach_cb,
            attach_fail_cb,
            remove_cb,
        }
    }

    /// Adds a controller to initialize.
    pub fn add(&mut self, c: Box<Ctrlr>) {
        self.pending.push(c);
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Advances every pending controller once; attaches the ready ones.
    /// 0 when none is left, -EAGAIN otherwise.
    pub fn poll(&mut self) -> i32 {
        let mut i = 0;
        while i < self.pending.len() {
            match self.pending[i].process_init() {
                Ok(false) => i += 1,
                Ok(true) => {
                    let mut c = self.pending.swap_remove(i);
                    c.remove_cb = self.remove_cb;
                    c.remove_ctx = self.cb_ctx;
                    let t = c.trid;
                    let opts = c.opts;
                    let p = Box::into_raw(c);
                    attached().push(p as usize);
                    if let Some(cb) = self.attach_cb {
                        // SAFETY: the application's callback.
                        unsafe { cb(self.cb_ctx, &t, p.cast(), &opts) };
                    }
                }
                Err(rc) => {
                    let mut c = self.pending.swap_remove(i);
                    spdk_log::errlog!(
                        "Failed to initialize controller {}: {}",
                        String::from_utf8_lossy(trid::field(&c.trid.traddr)),
                        rc
                    );
                    let t = c.trid;
                    c.detach();
                    drop(c);
                    if let Some(cb) = self.attach_fail_cb {
                        // SAFETY: the application's callback.
                        unsafe { cb(self.cb_ctx, &t, rc) };
                    }
                }
            }
        }
        if self.pending.is_empty() {
            0
        } else {
            -libc::EAGAIN
        }
    }
}

impl Drop for ProbeCtx {
    fn drop(&mut self) {
        for mut c in self.pending.drain(..) {
            c.detach();
        }
    }
}

fn cstr_field(f: &[c_char]) -> String {
    String::from_utf8_lossy(trid::field(f)).into_owned()
}

fn set_field(f: &mut [c_char], s: &str) {
    f.fill(0);
    let n = f.len() - 1;
    for (d, b) in f.iter_mut().zip(s.bytes().take(n)) {
        *d = b as c_char;
    }
}

/// Asks the probe callback (when there is one) about `t`, with default
/// options it may change.
unsafe fn offer(
    probe_cb: ProbeCb,
    cb_ctx: *mut c_void,
    t: &spdk_nvme_transport_id,
    base: &spdk_nvme_ctrlr_opts,
) -> Option<spdk_nvme_ctrlr_opts> {
    let mut o = *base;
    match probe_cb {
        Some(cb) => cb(cb_ctx, t, &mut o).then_some(o),
        None => Some(o),
    }
}

const PCIE: i32 = 256;
const TCP: i32 = 3;

/// Finds the candidates of `t` and adds the controllers of those the
/// probe callback takes to `ctx`. `direct` (connect) skips discovery
/// and the callback.
///
/// # Safety
/// Callbacks are the application's.
pub unsafe fn scan(
    ctx: &mut ProbeCtx,
    t: &spdk_nvme_transport_id,
    base: &spdk_nvme_ctrlr_opts,
    probe_cb: ProbeCb,
    cb_ctx: *mut c_void,
    direct: bool,
) -> Result<(), i32> {
    match t.trtype.0 {
        PCIE => scan_pcie(ctx, t, base, probe_cb, cb_ctx),
        TCP => {
            let is_discovery = cstr_field(&t.subnqn) == crate::DISCOVERY_NQN;
            if is_discovery && !direct {
                scan_discovery(ctx, t, base, probe_cb, cb_ctx)
            } else {
                let o = if direct {
                    Some(*base)
                } else {
                    offer(probe_cb, cb_ctx, t, base)
                };
                if let Some(o) = o {
                    ctx.add(tcp_ctrlr(t, &o)?);
                }
                Ok(())
            }
        }
        other => {
            spdk_log::errlog!(
                "transport {} is not available",
                trid::trtype_str(other)
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| other.to_string())
            );
            Err(-libc::ENOTSUP)
        }
    }
}

unsafe fn scan_pcie(
    ctx: &mut ProbeCtx,
    t: &spdk_nvme_transport_id,
    base: &spdk_nvme_ctrlr_opts,
    probe_cb: ProbeCb,
    cb_ctx: *mut c_void,
) -> Result<(), i32> {
    let traddr = cstr_field(&t.traddr);
    let mut cb = |dev: spdk_env::pci::device::PciDevice| -> Result<Take, i32> {
        let mut dt = spdk_nvme_transport_id::default();
        trid::populate_transport(&mut dt, PCIE);
        set_field(&mut dt.traddr, &spdk_env::pci::format(&dev.addr()));
        let Some(o) = offer(probe_cb, cb_ctx, &dt, base) else {
            return Ok(Take::Skip);
        };
        let f = PciFunction::open(dev)?;
        let popts = PcieOpts {
            max_xfer: 0,
            admin_timeout_us: o.admin_timeout_ms as u64 * 1000,
        };
        let pc = PcieCtrlr::new(f, &popts)?;
        ctx.add(Ctrlr::new(CtrlrKind::Pcie(pc), dt, o)?);
        Ok(Take::Attach)
    };
    enumerate::probe(&traddr, &mut cb)
}

fn tcp_opts(t: &spdk_nvme_transport_id, o: &spdk_nvme_ctrlr_opts) -> TcpCtrlrOpts {
    let mut to = TcpCtrlrOpts::new(
        &cstr_field(&t.traddr),
        &cstr_field(&t.trsvcid),
        &cstr_field(&t.subnqn),
    );
    to.hostnqn = cstr_field(&o.hostnqn);
    to.hostid = o.extended_host_id;
    to.kato_ms = o.keep_alive_timeout_ms;
    to.hdgst = o.header_digest;
    to.ddgst = o.data_digest;
    to.priority = t.priority;
    let src = cstr_field(&o.src_addr);
    if !src.is_empty() {
        let port: u16 = cstr_field(&o.src_svcid).parse().unwrap_or(0);
        to.src = format!("{src}:{port}").parse().ok();
    }
    let ms = crate::ffi::nvme::transport_opts::tcp_connect_timeout_ms();
    if ms > 0 {
        to.connect_timeout = Some(Duration::from_millis(u64::from(ms)));
    }
    if o.fabrics_connect_timeout_us > 0 {
        to.timeout =
            Duration::from_micros(o.fabrics_connect_timeout_us).max(Duration::from_secs(1));
    }
    to
}

fn tcp_ctrlr(t: &spdk_nvme_transport_id, o: &spdk_nvme_ctrlr_opts) -> Result<Box<Ctrlr>, i32> {
    let c = TcpCtrlr::new(tcp_opts(t, o))?;
    Ctrlr::new(CtrlrKind::Tcp(c), *t, *o)
}

unsafe fn scan_discovery(
    ctx: &mut ProbeCtx,
    t: &spdk_nvme_transport_id,
    base: &spdk_nvme_ctrlr_opts,
    probe_cb: ProbeCb,
    cb_ctx: *mut c_void,
) -> Result<(), i32> {
    let entries = crate::tcp::discovery::discover(&tcp_opts(t, base))?;
    for e in entries {
        // NVM subsystems reachable over TCP only.
        if e.trtype != TCP as u8 || e.subtype != 2 {
            continue;
        }
        let mut nt = spdk_nvme_transport_id::default();
        trid::populate_transport(&mut nt, TCP);
        nt.adrfam = crate::ffi::nvme::AdrfamArg(e.adrfam as i32);
        nt.priority = t.priority;
        set_field(&mut nt.traddr, &crate::tcp::discovery::entry_str(&e.traddr));
        set_field(
            &mut nt.trsvcid,
            &crate::tcp::discovery::entry_str(&e.trsvcid),
        );
        set_field(&mut nt.subnqn, &crate::tcp::discovery::entry_str(&e.subnqn));
        if let Some(o) = offer(probe_cb, cb_ctx, &nt, base) {
            match tcp_ctrlr(&nt, &o) {
                Ok(c) => ctx.add(c),
                Err(e) => spdk_log::errlog!(
                    "cannot create a controller for a discovered subsystem: {}",
                    e
                ),
            }
        }
    }
    Ok(())
}

/// Detaches an attached controller and frees it.
///
/// # Safety
/// `c` is attached and no longer used by the caller.
pub unsafe fn detach(c: *mut Ctrlr) -> i32 {
    {
        let mut a = attached();
        let Some(i) = a.iter().position(|&p| p == c as usize) else {
            return -libc::EINVAL;
        };
        a.swap_remove(i);
    }
    let mut b = Box::from_raw(c);
    b.detach();
    drop(b);
    0
}

/// A controller on the in-memory model, initialized and attached as
/// spdk_nvme_connect would (for Rust tests and benchmarks: no C
/// transport names the model). `opts` None: the defaults.
pub fn attach_model(model: &Model, opts: Option<spdk_nvme_ctrlr_opts>) -> Result<*mut Ctrlr, i32> {
    let mut c = start_model(model, opts)?;
    c.init_sync()?;
    let p = Box::into_raw(c);
    attached().push(p as usize);
    Ok(p)
}

/// A controller on the model, not yet initialized (drive it with
/// [`Ctrlr::process_init`], or hand it to a [`ProbeCtx`]).
pub fn start_model(model: &Model, opts: Option<spdk_nvme_ctrlr_opts>) -> Result<Box<Ctrlr>, i32> {
    let mut t = spdk_nvme_transport_id::default();
    trid::populate_transport(&mut t, PCIE);
    set_field(&mut t.traddr, "model");
    Ctrlr::new(CtrlrKind::Model(model.ctrlr()), t, opts.unwrap_or_default())
}

/// Registers an already initialized controller as attached.
pub fn register_attached(c: Box<Ctrlr>) -> *mut Ctrlr {
    let p = Box::into_raw(c);
    attached().push(p as usize);
    p
}
