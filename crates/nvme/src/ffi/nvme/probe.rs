//! Probing, attaching and detaching controllers.

use core::ffi::{c_char, c_int, c_void};
use core::ptr;
use std::ffi::CStr;

use super::ctrlr::{opts_from, spdk_nvme_ctrlr};
use super::opts::spdk_nvme_ctrlr_opts;
use super::{spdk_nvme_transport_id, TransportTypeArg};
use crate::ctrlr::Ctrlr;
use crate::probe::{self, ProbeCtx};
use crate::trid;

/// A probe in progress (spdk_nvme_probe_async() / connect_async()).
pub struct spdk_nvme_probe_ctx {
    _opaque: [u8; 0],
}

/// Controllers being detached (spdk_nvme_detach_async()).
pub struct spdk_nvme_detach_ctx {
    _opaque: [u8; 0],
}

/// `spdk_nvme_probe_cb`: whether to attach the controller at `trid`
/// (with `opts`, which it may change).
pub type spdk_nvme_probe_cb = Option<
    unsafe extern "C" fn(
        cb_ctx: *mut c_void,
        trid: *const spdk_nvme_transport_id,
        opts: *mut spdk_nvme_ctrlr_opts,
    ) -> bool,
>;

/// `spdk_nvme_attach_cb`: a controller is attached and initialized.
pub type spdk_nvme_attach_cb = Option<
    unsafe extern "C" fn(
        cb_ctx: *mut c_void,
        trid: *const spdk_nvme_transport_id,
        ctrlr: *mut spdk_nvme_ctrlr,
        opts: *const spdk_nvme_ctrlr_opts,
    ),
>;

/// `spdk_nvme_attach_fail_cb`: a controller the probe took failed to
/// initialize (`rc` negative errno).
pub type spdk_nvme_attach_fail_cb = Option<
    unsafe extern "C" fn(cb_ctx: *mut c_void, trid: *const spdk_nvme_transport_id, rc: c_int),
>;

/// `spdk_nvme_remove_cb`: an attached controller was removed.
pub type spdk_nvme_remove_cb =
    Option<unsafe extern "C" fn(cb_ctx: *mut c_void, ctrlr: *mut spdk_nvme_ctrlr)>;

/// The transport ID a probe of `trid` means (NULL: every PCIe device).
unsafe fn probe_trid(t: *const spdk_nvme_transport_id) -> spdk_nvme_transport_id {
    match t.as_ref() {
        Some(t) => *t,
        None => {
            let mut p = spdk_nvme_transport_id::default();
            trid::populate_transport(&mut p, 256);
            p
        }
    }
}

#[allow(clippy::too_many_arguments)]
unsafe fn start(
    t: *const spdk_nvme_transport_id,
    opts: Option<spdk_nvme_ctrlr_opts>,
    cb_ctx: *mut c_void,
    probe_cb: spdk_nvme_probe_cb,
    attach_cb: spdk_nvme_attach_cb,
    attach_fail_cb: spdk_nvme_attach_fail_cb,
    remove_cb: spdk_nvme_remove_cb,
    direct: bool,
) -> *mut spdk_nvme_probe_ctx {
    let t = probe_trid(t);
    let mut ctx = Box::new(ProbeCtx::new(cb_ctx, attach_cb, attach_fail_cb, remove_cb));
    let base = opts.unwrap_or_default();
    match probe::scan(&mut ctx, &t, &base, probe_cb, cb_ctx, direct) {
        Ok(()) => Box::into_raw(ctx).cast(),
        Err(e) => {
            spdk_log::errlog!(
                "probing {} failed: {}",
                String::from_utf8_lossy(trid::field(&t.traddr)),
                e
            );
            ptr::null_mut()
        }
    }
}

/// Starts probing `trid` (NULL: all local PCIe NVMe controllers bound to
/// vfio-pci; a discovery subsystem: every NVM subsystem it lists): each
/// candidate is offered to `probe_cb`, taken ones are initialized while
/// spdk_nvme_probe_poll_async() is polled, and `attach_cb` is called for
/// each ready one. NULL when the probe cannot start.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_probe_async(
    trid: *const spdk_nvme_transport_id,
    cb_ctx: *mut c_void,
    probe_cb: spdk_nvme_probe_cb,
    attach_cb: spdk_nvme_attach_cb,
    remove_cb: spdk_nvme_remove_cb,
) -> *mut spdk_nvme_probe_ctx {
    start(
        trid, None, cb_ctx, probe_cb, attach_cb, None, remove_cb, false,
    )
}

/// spdk_nvme_probe_async() with a callback for controllers that fail to
/// initialize.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_probe_async_ext(
    trid: *const spdk_nvme_transport_id,
    cb_ctx: *mut c_void,
    probe_cb: spdk_nvme_probe_cb,
    attach_cb: spdk_nvme_attach_cb,
    attach_fail_cb: spdk_nvme_attach_fail_cb,
    remove_cb: spdk_nvme_remove_cb,
) -> *mut spdk_nvme_probe_ctx {
    start(
        trid,
        None,
        cb_ctx,
        probe_cb,
        attach_cb,
        attach_fail_cb,
        remove_cb,
        false,
    )
}

/// Starts connecting to the controller at `trid` with `opts` (NULL: the
/// defaults); `attach_cb` is called (with a NULL context) once it is
/// ready.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_connect_async(
    trid: *const spdk_nvme_transport_id,
    opts: *const spdk_nvme_ctrlr_opts,
    attach_cb: spdk_nvme_attach_cb,
) -> *mut spdk_nvme_probe_ctx {
    if trid.is_null() {
        spdk_log::errlog!("No transport ID specified");
        return ptr::null_mut();
    }
    let o = opts_from(opts, 0);
    start(
        trid,
        Some(o),
        ptr::null_mut(),
        None,
        attach_cb,
        None,
        None,
        true,
    )
}

/// Advances a probe: initializes controllers, calls the attach callbacks.
/// 0 when it is complete (the context is then freed), -EAGAIN while it
/// is not, -EINVAL for NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_probe_poll_async(probe_ctx: *mut spdk_nvme_probe_ctx) -> c_int {
    let p = probe_ctx as *mut ProbeCtx;
    if p.is_null() {
        return -libc::EINVAL;
    }
    let rc = (*p).poll();
    if rc == 0 {
        drop(Box::from_raw(p));
    }
    rc
}

/// Probes and attaches synchronously (spdk_nvme_probe_async() polled to
/// the end). 0, or -1 when the probe could not start.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_probe(
    trid: *const spdk_nvme_transport_id,
    cb_ctx: *mut c_void,
    probe_cb: spdk_nvme_probe_cb,
    attach_cb: spdk_nvme_attach_cb,
    remove_cb: spdk_nvme_remove_cb,
) -> c_int {
    spdk_nvme_probe_ext(trid, cb_ctx, probe_cb, attach_cb, None, remove_cb)
}

/// spdk_nvme_probe() with a callback for controllers that fail to
/// initialize.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_probe_ext(
    trid: *const spdk_nvme_transport_id,
    cb_ctx: *mut c_void,
    probe_cb: spdk_nvme_probe_cb,
    attach_cb: spdk_nvme_attach_cb,
    attach_fail_cb: spdk_nvme_attach_fail_cb,
    remove_cb: spdk_nvme_remove_cb,
) -> c_int {
    let ctx = start(
        trid,
        None,
        cb_ctx,
        probe_cb,
        attach_cb,
        attach_fail_cb,
        remove_cb,
        false,
    );
    if ctx.is_null() {
        return -1;
    }
    loop {
        let rc = spdk_nvme_probe_poll_async(ctx);
        if rc != -libc::EAGAIN {
            return rc;
        }
    }
}

/// Connects to the controller at `trid` and initializes it: the
/// controller, or NULL on failure. A controller already attached with
/// the same transport ID and host NQN is returned as is.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_connect(
    trid: *const spdk_nvme_transport_id,
    opts: *const spdk_nvme_ctrlr_opts,
    opts_size: usize,
) -> *mut spdk_nvme_ctrlr {
    let Some(t) = trid.as_ref() else {
        spdk_log::errlog!("No transport ID specified");
        return ptr::null_mut();
    };
    let o = opts_from(opts, opts_size);
    if let Some(c) = probe::find_attached(t, &o.hostnqn) {
        return c.cast();
    }
    unsafe extern "C" fn got(
        cb_ctx: *mut c_void,
        _t: *const spdk_nvme_transport_id,
        c: *mut spdk_nvme_ctrlr,
        _o: *const spdk_nvme_ctrlr_opts,
    ) {
        *(cb_ctx as *mut *mut spdk_nvme_ctrlr) = c;
    }
    let mut out: *mut spdk_nvme_ctrlr = ptr::null_mut();
    let ctx = start(
        trid,
        Some(o),
        (&mut out as *mut *mut spdk_nvme_ctrlr).cast(),
        None,
        Some(got),
        None,
        None,
        true,
    );
    if ctx.is_null() {
        return ptr::null_mut();
    }
    while spdk_nvme_probe_poll_async(ctx) == -libc::EAGAIN {}
    out
}

/// Detaches a controller: frees its I/O queue pairs, shuts it down and
/// frees it. 0, or -EINVAL for a handle that is not attached.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_detach(ctrlr: *mut spdk_nvme_ctrlr) -> c_int {
    if ctrlr.is_null() {
        return -libc::EINVAL;
    }
    probe::detach(ctrlr as *mut Ctrlr)
}

/// Detaches a controller as part of `*detach_ctx` (created when NULL);
/// poll it with spdk_nvme_detach_poll_async(). This driver detaches at
/// once; the context only reports completion.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_detach_async(
    ctrlr: *mut spdk_nvme_ctrlr,
    detach_ctx: *mut *mut spdk_nvme_detach_ctx,
) -> c_int {
    if ctrlr.is_null() || detach_ctx.is_null() || !probe::is_attached(ctrlr as *const Ctrlr) {
        return -libc::EINVAL;
    }
    if (*detach_ctx).is_null() {
        *detach_ctx = Box::into_raw(Box::new(0u64)).cast();
    }
    let rc = probe::detach(ctrlr as *mut Ctrlr);
    *((*detach_ctx) as *mut u64) += 1;
    rc
}

/// 0 once every controller of `detach_ctx` is detached (the context is
/// then freed), -EAGAIN before.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_detach_poll_async(
    detach_ctx: *mut spdk_nvme_detach_ctx,
) -> c_int {
    if detach_ctx.is_null() {
        return -libc::EINVAL;
    }
    drop(Box::from_raw(detach_ctx as *mut u64));
    0
}

/// Polls `detach_ctx` until it completes.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_detach_poll(detach_ctx: *mut spdk_nvme_detach_ctx) {
    if !detach_ctx.is_null() {
        while spdk_nvme_detach_poll_async(detach_ctx) == -libc::EAGAIN {}
    }
}

/// Whether the library can use transport `trtype` (PCIe and TCP here).
#[no_mangle]
pub extern "C" fn spdk_nvme_transport_available(trtype: TransportTypeArg) -> bool {
    matches!(trtype.0, 256 | 3)
}

/// Whether the library can use the transport named `transport_name`
/// (case-insensitive: "PCIe", "TCP").
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_transport_available_by_name(
    transport_name: *const c_char,
) -> bool {
    if transport_name.is_null() {
        return false;
    }
    let n = CStr::from_ptr(transport_name).to_bytes();
    n.eq_ignore_ascii_case(b"PCIE") || n.eq_ignore_ascii_case(b"TCP")
}

/// The handle of a controller of the Rust API (tests).
pub fn handle(c: *mut Ctrlr) -> *mut spdk_nvme_ctrlr {
    c.cast()
}
