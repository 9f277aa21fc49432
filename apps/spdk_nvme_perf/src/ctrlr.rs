//! Controllers and namespaces: probe with SPDK's options from the command
//! line, then the namespaces to run on with SPDK's checks and warnings.

use core::ffi::c_void;

use spdk_nvme::ffi::nvme_util::spdk_nvme_trid_entry;

use crate::api::*;
use crate::opts::Opts;
use crate::rand::{seed, Zipf};

/// An attached controller.
pub struct CtrlrEntry {
    pub ctrlr: *mut Ctrlr,
    pub name: String,
    pub pcie: bool,
}

/// A namespace the workers run on.
pub struct NsEntry {
    pub ctrlr: *mut Ctrlr,
    pub ns: *mut Ns,
    pub name: String,
    pub io_size_blocks: u32,
    /// Requests each queue pair needs (split children included).
    pub num_io_requests: u32,
    pub size_in_ios: u64,
    pub io_flags: u32,
    pub zipf_theta: f64,
}

// SAFETY: the handles are used by one worker at a time for I/O (each with
// its own queue pairs) and by the main thread before and after the run.
unsafe impl Send for NsEntry {}
unsafe impl Sync for NsEntry {}

impl NsEntry {
    pub fn zipf(&self) -> Option<Zipf> {
        (self.zipf_theta > 0.0)
            .then(|| Zipf::new(self.size_in_ios, self.zipf_theta, seed()))
            .flatten()
    }
}

/// Everything probing found.
#[derive(Default)]
pub struct Registry {
    pub ctrlrs: Vec<CtrlrEntry>,
    pub namespaces: Vec<NsEntry>,
    /// Some namespace or controller was skipped.
    pub warn: bool,
}

struct ProbeCtx<'a> {
    reg: &'a mut Registry,
    entry: &'a spdk_nvme_trid_entry,
    opts: &'a Opts,
    num_workers: u32,
}

fn mn_sn(ctrlr: *mut Ctrlr) -> (String, String) {
    // SAFETY: an attached controller's identify data lives as long as it.
    let c = unsafe { &*spdk_nvme_ctrlr_get_data(ctrlr) };
    let s = |b: &[i8]| -> String {
        let v: Vec<u8> = b.iter().map(|&c| c as u8).collect();
        String::from_utf8_lossy(&v).into_owned()
    };
    let (mn, sn) = ({ c.mn }, { c.sn });
    (s(&mn), s(&sn))
}

/// SPDK's register_ns: the checks, the warnings and the entry.
unsafe fn register_ns(reg: &mut Registry, opts: &Opts, ctrlr: *mut Ctrlr, ns: *mut Ns) {
    let id = spdk_nvme_ns_get_id(ns);
    if !spdk_nvme_ns_is_active(ns) {
        let (mn, sn) = mn_sn(ctrlr);
        println!("Controller {mn:<20.20} ({sn:<20.20}): Skipping inactive NS {id}");
        reg.warn = true;
        return;
    }
    let ns_size = spdk_nvme_ns_get_size(ns);
    let sector_size = spdk_nvme_ns_get_sector_size(ns);
    let io_size = opts.io_size_bytes;
    if ns_size < io_size as u64 || sector_size > io_size {
        let (mn, sn) = mn_sn(ctrlr);
        println!(
            "WARNING: controller {mn:<20.20} ({sn:<20.20}) ns {id} has invalid ns size {ns_size} / block size {sector_size} for I/O size {io_size}"
        );
        reg.warn = true;
        return;
    }
    let max_xfer_size = spdk_nvme_ns_get_max_io_xfer_size(ns).max(1);
    let mut qopts: spdk_nvme_io_qpair_opts = core::mem::zeroed();
    spdk_nvme_ctrlr_get_default_io_qpair_opts(ctrlr, &mut qopts, size_of_val(&qopts));
    // Requests of one I/O: its pieces of at most MDTS, one more for a
    // stripe boundary, and the parent.
    let entries = (io_size - 1) / max_xfer_size + 2;
    if opts.queue_depth as u64 * entries as u64 > qopts.io_queue_size as u64 {
        println!(
            "Controller IO queue size {}, less than required.",
            qopts.io_queue_size
        );
        println!(
            "Consider using lower queue depth or smaller IO size, because IO requests may be queued at the NVMe driver."
        );
    }
    let md_size = spdk_nvme_ns_get_md_size(ns);
    let block_size = spdk_nvme_ns_get_extended_sector_size(ns);
    if md_size != 0 {
        // Metadata needs DIF/DIX generation and checking, which this tool
        // does not do.
        println!(
            "WARNING: nsid {id} has {md_size} bytes of metadata per block, which this spdk_nvme_perf does not support. Removing this ns from test"
        );
        reg.warn = true;
        return;
    }
    if !io_size.is_multiple_of(block_size) {
        println!(
            "WARNING: IO size {io_size} (-o) is not a multiple of nsid {id} sector size {block_size}. Removing this ns from test"
        );
        reg.warn = true;
        return;
    }
    let per_pair = opts.queue_depth.div_ceil(opts.nr_io_queues_per_ns);
    let mut io_flags = 0;
    if spdk_nvme_ns_get_flags(ns) & spdk_nvme::ns::flags::DPS_PI_SUPPORTED != 0 {
        io_flags = opts.metacfg_pract_flag | opts.metacfg_prchk_flags;
    }
    reg.namespaces.push(NsEntry {
        ctrlr,
        ns,
        name: build_name(ctrlr, ns),
        io_size_blocks: io_size / sector_size,
        num_io_requests: (entries + 1) * per_pair,
        size_in_ios: ns_size / io_size as u64,
        io_flags,
        zipf_theta: if opts.is_random { opts.zipf_theta } else { 0.0 },
    });
}

unsafe fn register_ctrlr(ctx: &mut ProbeCtx, ctrlr: *mut Ctrlr) {
    let name = build_name(ctrlr, core::ptr::null_mut());
    let pcie = is_pcie(&ctx.entry.trid);
    println!(
        "Attached to NVMe{} Controller at {name}",
        if pcie { "" } else { "oF" }
    );
    ctx.reg.ctrlrs.push(CtrlrEntry { ctrlr, name, pcie });
    if ctx.opts.latency_ssd_tracking {
        crate::latency::set_tracking(ctrlr, true);
    }
    if ctx.entry.nsid == 0 {
        let mut nsid = spdk_nvme_ctrlr_get_first_active_ns(ctrlr);
        while nsid != 0 {
            let ns = spdk_nvme_ctrlr_get_ns(ctrlr, nsid);
            if !ns.is_null() {
                register_ns(ctx.reg, ctx.opts, ctrlr, ns);
            }
            nsid = spdk_nvme_ctrlr_get_next_active_ns(ctrlr, nsid);
        }
    } else {
        let ns = spdk_nvme_ctrlr_get_ns(ctrlr, ctx.entry.nsid as u32);
        if ns.is_null() {
            eprintln!("Namespace does not exist.");
            std::process::exit(1);
        }
        register_ns(ctx.reg, ctx.opts, ctrlr, ns);
    }
}

/// Whether `a` ("0000:00:04.0" or "00:04.0") names the function of `t`.
fn same_pci_addr(a: &str, t: &spdk_nvme_transport_id) -> bool {
    use spdk_env::ffi::env::{spdk_pci_addr, spdk_pci_addr_compare, spdk_pci_addr_parse};
    let Ok(ca) = std::ffi::CString::new(a) else {
        return false;
    };
    let zero = spdk_pci_addr {
        domain: 0,
        bus: 0,
        dev: 0,
        func: 0,
    };
    let (mut x, mut y) = (zero, zero);
    // SAFETY: NUL-terminated strings and valid outputs.
    unsafe {
        spdk_pci_addr_parse(&mut x, ca.as_ptr()) == 0
            && spdk_pci_addr_parse(&mut y, t.traddr.as_ptr()) == 0
            && spdk_pci_addr_compare(&x, &y) == 0
    }
}

unsafe extern "C" fn probe_cb(
    cb_ctx: *mut c_void,
    trid: *const spdk_nvme_transport_id,
    copts: *mut spdk_nvme_ctrlr_opts,
) -> bool {
    let ctx = &*(cb_ctx as *const ProbeCtx);
    let (o, e, t, c) = (ctx.opts, ctx.entry, &*trid, &mut *copts);
    if is_pcie(t) {
        if o.no_shn_notification {
            c.no_shn_notification = true;
        }
        // -b: only the listed functions (the environment does not filter).
        if !o.allowed_pci.is_empty() && !o.allowed_pci.iter().any(|a| same_pci_addr(a, t)) {
            return false;
        }
    }
    let same_name = libc::strcasecmp(t.trstring.as_ptr(), e.trid.trstring.as_ptr()) == 0;
    if t.trtype != e.trid.trtype && !same_name {
        return false;
    }
    c.io_queue_size = o.io_queue_size;
    c.header_digest = o.header_digest;
    c.data_digest = o.data_digest;
    c.keep_alive_timeout_ms = o.keep_alive_timeout_ms;
    // SPDK copies the entry's host NQN even when empty (an empty NQN in
    // Connect); an entry without one keeps the library's default.
    if e.hostnqn[0] != 0 {
        c.hostnqn = e.hostnqn;
    }
    c.num_io_queues = c.num_io_queues.max(ctx.num_workers * o.nr_io_queues_per_ns);
    true
}

unsafe extern "C" fn attach_cb(
    cb_ctx: *mut c_void,
    _trid: *const spdk_nvme_transport_id,
    ctrlr: *mut Ctrlr,
    _opts: *const spdk_nvme_ctrlr_opts,
) {
    register_ctrlr(&mut *(cb_ctx as *mut ProbeCtx), ctrlr);
}

/// Probes every -r entry as SPDK's register_controllers does.
pub fn register_controllers(opts: &Opts, num_workers: u32) -> Result<Registry, ()> {
    println!("Initializing NVMe Controllers");
    let mut reg = Registry::default();
    for entry in &opts.trids {
        let mut ctx = ProbeCtx {
            reg: &mut reg,
            entry,
            opts,
            num_workers,
        };
        // SAFETY: the callbacks get `ctx`, alive for the whole call.
        let rc = unsafe {
            spdk_nvme_probe(
                &entry.trid,
                &mut ctx as *mut ProbeCtx as *mut c_void,
                Some(probe_cb),
                Some(attach_cb),
                None,
            )
        };
        if rc != 0 {
            let t: Vec<u8> = entry
                .trid
                .traddr
                .iter()
                .take_while(|&&c| c != 0)
                .map(|&c| c as u8)
                .collect();
            eprintln!(
                "spdk_nvme_probe() failed for transport address '{}'",
                String::from_utf8_lossy(&t)
            );
            return Err(());
        }
    }
    Ok(reg)
}

/// Detaches every controller (after the workers freed their queue pairs).
pub fn unregister_controllers(reg: &mut Registry, opts: &Opts) {
    let mut detach_ctx = core::ptr::null_mut();
    for c in reg.ctrlrs.drain(..) {
        if opts.latency_ssd_tracking {
            crate::latency::set_tracking(c.ctrlr, false);
        }
        // SAFETY: an attached controller, detached once.
        unsafe { spdk_nvme_detach_async(c.ctrlr, &mut detach_ctx) };
    }
    if !detach_ctx.is_null() {
        // SAFETY: the context spdk_nvme_detach_async filled.
        unsafe { spdk_nvme_detach_poll(detach_ctx) };
    }
}
