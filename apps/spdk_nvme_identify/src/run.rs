//! The run as SPDK's main does it: the environment, then either a
//! connection to the one controller -r names (an address given) or a
//! probe of them all, each printed and detached.

use core::ffi::c_void;
use std::ffi::CString;
use std::io::Write;

use spdk_env::ffi::env::{spdk_env_fini, spdk_env_init, spdk_env_opts, spdk_env_opts_init};

use crate::api::*;
use crate::opts::Opts;

struct Ctx<'a> {
    opts: &'a Opts,
    found: u32,
    detach: *mut spdk_nvme_detach_ctx,
    failed: bool,
}

/// SPDK's print_controller: read, print, in order.
fn print_controller(ctx: &mut Ctx, ctrlr: *mut Ctrlr) {
    let hex = ctx.opts.hex_dump;
    let mut o = String::new();
    let r = crate::collect::controller(&mut o, ctrlr, hex);
    crate::ctrlr::print_header_and_capabilities(&mut o, &r);
    crate::ctrlr::print_command_sets(&mut o, &r);
    crate::logs::print_firmware(&mut o, &r);
    crate::logs::print_ana(&mut o, &r);
    crate::logs::print_cmd_effects(&mut o, &r);
    crate::logs::print_error_log(&mut o, &r);
    crate::logs::print_arbitration(&mut o, &r);
    crate::logs::print_power(&mut o, &r);
    crate::logs::print_health(&mut o, &r);
    crate::logs::print_queues_and_thermal(&mut o, &r);
    o.push_str("Active Namespaces\n=================\n");
    crate::collect::namespaces(&mut o, ctrlr, hex, |o, n| {
        crate::ns::print_namespace(o, &r.cdata, n)
    });
    if let Some(page) = &r.discovery {
        crate::discovery::print_discovery(&mut o, page, hex);
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(o.as_bytes());
    let _ = out.flush();
}

fn found(ctx: &mut Ctx, ctrlr: *mut Ctrlr) {
    ctx.found += 1;
    print_controller(ctx, ctrlr);
    // SAFETY: an attached controller, detached once.
    unsafe { spdk_nvme_detach_async(ctrlr, &mut ctx.detach) };
}

unsafe extern "C" fn probe_cb(
    cb_ctx: *mut c_void,
    _trid: *const spdk_nvme_transport_id,
    copts: *mut spdk_nvme_ctrlr_opts,
) -> bool {
    let ctx = &*(cb_ctx as *const Ctx);
    let h = ctx.opts.trid.hostnqn;
    if h[0] != 0 {
        (*copts).hostnqn = h;
    }
    true
}

unsafe extern "C" fn attach_cb(
    cb_ctx: *mut c_void,
    _trid: *const spdk_nvme_transport_id,
    ctrlr: *mut Ctrlr,
    _opts: *const spdk_nvme_ctrlr_opts,
) {
    found(&mut *(cb_ctx as *mut Ctx), ctrlr);
}

fn init_env(o: &Opts) -> bool {
    let mask = CString::new(o.core_mask.as_str()).unwrap_or_default();
    let iova = o.iova_mode.as_deref().and_then(|s| CString::new(s).ok());
    // SAFETY: opts_init fills the struct; the strings outlive spdk_env_init.
    unsafe {
        let mut e: spdk_env_opts = core::mem::zeroed();
        e.opts_size = size_of::<spdk_env_opts>();
        spdk_env_opts_init(&mut e);
        e.name = c"identify".as_ptr();
        e.shm_id = o.shm_id;
        e.mem_size = o.mem_size;
        e.mem_channel = 1;
        e.main_core = o.main_core;
        e.core_mask = mask.as_ptr();
        e.hugepage_single_segments = o.single_seg;
        if let Some(i) = &iova {
            e.iova_mode = i.as_ptr();
        }
        e.no_pci = !is_pcie(&o.trid.trid);
        e.no_huge = o.no_huge;
        spdk_env_init(&e) >= 0
    }
}

/// The whole run; the process's exit status.
pub fn run(o: &Opts) -> i32 {
    if !init_env(o) {
        eprintln!("Unable to initialize SPDK env");
        return 1;
    }
    let mut ctx = Ctx {
        opts: o,
        found: 0,
        detach: core::ptr::null_mut(),
        failed: false,
    };
    let trid = &o.trid.trid;
    if trid.traddr[0] != 0 {
        // SAFETY: options filled by the library, then passed back.
        unsafe {
            let mut copts: spdk_nvme_ctrlr_opts = core::mem::zeroed();
            spdk_nvme_ctrlr_get_default_ctrlr_opts(&mut copts, size_of_val(&copts));
            if o.trid.hostnqn[0] != 0 {
                copts.hostnqn = o.trid.hostnqn;
            }
            let ctrlr = spdk_nvme_connect(trid, &copts, size_of_val(&copts));
            if ctrlr.is_null() {
                eprintln!("spdk_nvme_connect() failed");
                ctx.failed = true;
            } else {
                found(&mut ctx, ctrlr);
            }
        }
    } else {
        // SAFETY: the callbacks get `ctx`, alive for the whole call.
        let rc = unsafe {
            spdk_nvme_probe(
                trid,
                (&mut ctx as *mut Ctx).cast(),
                Some(probe_cb),
                Some(attach_cb),
                None,
            )
        };
        if rc != 0 {
            eprintln!("spdk_nvme_probe() failed");
            ctx.failed = true;
        }
    }
    if !ctx.detach.is_null() {
        // SAFETY: the context spdk_nvme_detach_async filled.
        unsafe { spdk_nvme_detach_poll(ctx.detach) };
    }
    if ctx.found == 0 && !ctx.failed {
        eprintln!("No NVMe controllers found.");
    }
    spdk_env_fini();
    i32::from(ctx.failed)
}
