//! Controllers (`struct spdk_nvme_ctrlr`): options, getters, registers,
//! namespaces, callbacks, admin commands, reset.

use core::ffi::{c_int, c_void};
use core::ptr;

use super::opts::{copy_prefix, spdk_nvme_ctrlr_opts};
use super::qpair::spdk_nvme_qpair;
use super::spdk_nvme_transport_id;
use crate::ctrlr::{admin::OPC_GET_LOG_PAGE, Ctrlr};
use crate::kind::CtrlrKind;
use crate::qpair::Qpair;
use crate::spec::cmd::{cdw10, cdw11, Cmd, Cpl};
use crate::spec::ctrlr::CtrlrData;
use crate::spec::regs::{Bpinfo, Cap, Cc, Cmbsz, Csts, Pmrcap, Registers, Vs};
use spdk_env::ffi::env::pci_device::spdk_pci_device;

/// What a controller supports (spdk_nvme_ctrlr_get_flags()).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_ctrlr_flags {
    /// SGLs describe I/O data.
    SPDK_NVME_CTRLR_SGL_SUPPORTED = 1 << 0,
    /// Security Send and Receive.
    SPDK_NVME_CTRLR_SECURITY_SEND_RECV_SUPPORTED = 1 << 1,
    /// Weighted round robin arbitration.
    SPDK_NVME_CTRLR_WRR_SUPPORTED = 1 << 2,
    /// Fused Compare and Write.
    SPDK_NVME_CTRLR_COMPARE_AND_WRITE_SUPPORTED = 1 << 3,
    /// SGL elements must be dword aligned.
    SPDK_NVME_CTRLR_SGL_REQUIRES_DWORD_ALIGNMENT = 1 << 4,
    /// Zone Append (zoned namespaces).
    SPDK_NVME_CTRLR_ZONE_APPEND_SUPPORTED = 1 << 5,
    /// Directives.
    SPDK_NVME_CTRLR_DIRECTIVES_SUPPORTED = 1 << 6,
    /// A metadata pointer may hold an SGL descriptor.
    SPDK_NVME_CTRLR_MPTR_SGL_SUPPORTED = 1 << 7,
    /// Requests may carry accel sequences.
    SPDK_NVME_CTRLR_ACCEL_SEQUENCE_SUPPORTED = 1 << 8,
}

/// An NVMe controller attached by spdk_nvme_probe() or spdk_nvme_connect().
pub struct spdk_nvme_ctrlr {
    _opaque: [u8; 0],
}

/// `spdk_nvme_cmd_cb`: called with a command's completion.
pub type spdk_nvme_cmd_cb = Option<unsafe extern "C" fn(ctx: *mut c_void, cpl: *const Cpl)>;

/// `spdk_nvme_aer_cb`: called with each asynchronous event's completion.
pub type spdk_nvme_aer_cb = Option<unsafe extern "C" fn(aer_cb_arg: *mut c_void, cpl: *const Cpl)>;

/// `spdk_nvme_timeout_cb`: a command took longer than the registered
/// timeout (`qpair` is NULL for admin commands).
pub type spdk_nvme_timeout_cb = Option<
    unsafe extern "C" fn(
        cb_arg: *mut c_void,
        ctrlr: *mut spdk_nvme_ctrlr,
        qpair: *mut spdk_nvme_qpair,
        cid: u16,
    ),
>;

/// The controller behind a C handle, when it is one of ours.
#[inline]
pub(crate) unsafe fn ctrlr<'a>(p: *mut spdk_nvme_ctrlr) -> Option<&'a mut Ctrlr> {
    (p as *mut Ctrlr).as_mut()
}

/// Fills `opts` with the default controller options: only the fields
/// that fit in `opts_size` bytes are written (ABI compatibility), and
/// `opts_size` is recorded in it.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_default_ctrlr_opts(
    opts: *mut spdk_nvme_ctrlr_opts,
    opts_size: usize,
) {
    if opts.is_null() || opts_size == 0 {
        return;
    }
    let d = spdk_nvme_ctrlr_opts {
        opts_size,
        ..Default::default()
    };
    let n = opts_size.min(core::mem::size_of::<spdk_nvme_ctrlr_opts>());
    ptr::copy_nonoverlapping(
        (&d as *const spdk_nvme_ctrlr_opts).cast::<u8>(),
        opts.cast::<u8>(),
        n,
    );
}

/// The options the controller was initialized with (as adjusted during
/// initialization: granted queues, keep alive in force).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_opts(
    ctrlr: *mut spdk_nvme_ctrlr,
) -> *const spdk_nvme_ctrlr_opts {
    ctrlr_ref(ctrlr).map_or(ptr::null(), |c| &c.opts as *const _)
}

unsafe fn ctrlr_ref<'a>(p: *mut spdk_nvme_ctrlr) -> Option<&'a mut Ctrlr> {
    ctrlr(p)
}

/// Options from the caller, or the defaults, honoring `opts_size`.
pub(crate) unsafe fn opts_from(
    opts: *const spdk_nvme_ctrlr_opts,
    size: usize,
) -> spdk_nvme_ctrlr_opts {
    let mut o = spdk_nvme_ctrlr_opts::default();
    if !opts.is_null() {
        let size = if size == 0 { (*opts).opts_size } else { size };
        copy_prefix(&mut o, opts, size);
        o.opts_size = core::mem::size_of::<spdk_nvme_ctrlr_opts>();
    }
    o
}

/// Identify controller data.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_data(ctrlr: *mut spdk_nvme_ctrlr) -> *const CtrlrData {
    self::ctrlr(ctrlr).map_or(ptr::null(), |c| &*c.cdata as *const CtrlrData)
}

/// CSTS, read now (all ones when it cannot be read).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_regs_csts(ctrlr: *mut spdk_nvme_ctrlr) -> Csts {
    Csts(self::ctrlr(ctrlr).map_or(u32::MAX, |c| c.read_csts()))
}

/// CC, read now (all ones when it cannot be read).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_regs_cc(ctrlr: *mut spdk_nvme_ctrlr) -> Cc {
    Cc(self::ctrlr(ctrlr).map_or(u32::MAX, |c| c.read_cc()))
}

/// CAP, as read during initialization.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_regs_cap(ctrlr: *mut spdk_nvme_ctrlr) -> Cap {
    self::ctrlr(ctrlr).map_or(Cap(0), |c| c.cap)
}

/// VS, as read during initialization.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_regs_vs(ctrlr: *mut spdk_nvme_ctrlr) -> Vs {
    self::ctrlr(ctrlr).map_or(Vs(0), |c| c.vs)
}

/// CMBSZ, read now (0 when it cannot be read: no Controller Memory Buffer).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_regs_cmbsz(ctrlr: *mut spdk_nvme_ctrlr) -> Cmbsz {
    Cmbsz(read_reg_or_zero(ctrlr, 0x3c))
}

/// PMRCAP, read now (0 when it cannot be read: no Persistent Memory Region).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_regs_pmrcap(ctrlr: *mut spdk_nvme_ctrlr) -> Pmrcap {
    Pmrcap(read_reg_or_zero(ctrlr, 0xe00))
}

/// BPINFO, read now (0 when it cannot be read: no boot partitions).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_regs_bpinfo(ctrlr: *mut spdk_nvme_ctrlr) -> Bpinfo {
    Bpinfo(read_reg_or_zero(ctrlr, 0x40))
}

/// The controller's registers as mapped from BAR0 (PCIe), NULL for a
/// fabrics controller (its registers are reached by Property Get/Set).
/// Read them with volatile accesses of their own width.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_registers(
    ctrlr: *mut spdk_nvme_ctrlr,
) -> *mut Registers {
    match self::ctrlr(ctrlr).map(|c| &c.t) {
        Some(CtrlrKind::Pcie(p)) => p.registers().cast(),
        _ => ptr::null_mut(),
    }
}

/// Size of the Persistent Memory Region the driver has mapped: always 0,
/// since this driver does not map PMRs (SPDK's answer for "no PMR").
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_pmrsz(ctrlr: *mut spdk_nvme_ctrlr) -> u64 {
    let _ = ctrlr;
    0
}

/// The memory domains the controller's transport can take data from:
/// none (0), since PCIe and TCP move host memory only (SPDK's PCIe says
/// the same); `domains` is left alone.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_memory_domains(
    ctrlr: *const spdk_nvme_ctrlr,
    domains: *mut *mut super::ns_cmd::spdk_memory_domain,
    array_size: c_int,
) -> c_int {
    let _ = (ctrlr, domains, array_size);
    0
}

/// Stops reading the Changed Namespace List log page on namespace
/// attribute events (the application reads it itself; SPDK's NVMe-oF
/// target passes it on). The namespaces are still identified again.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_disable_read_changed_ns_list_log_page(
    ctrlr: *mut spdk_nvme_ctrlr,
) {
    if let Some(c) = self::ctrlr(ctrlr) {
        c.opts.disable_read_changed_ns_list_log_page = 1;
    }
}

/// Reserves the Controller Memory Buffer for data: -ENOTSUP, since this
/// driver maps no CMB (what SPDK answers for a controller without one);
/// -EINVAL for NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_reserve_cmb(ctrlr: *mut spdk_nvme_ctrlr) -> c_int {
    match self::ctrlr(ctrlr) {
        Some(_) => -libc::ENOTSUP,
        None => -libc::EINVAL,
    }
}

/// Maps the reserved Controller Memory Buffer: NULL (and `*size` 0), as
/// this driver maps no CMB; programs then use host memory.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_map_cmb(
    ctrlr: *mut spdk_nvme_ctrlr,
    size: *mut usize,
) -> *mut c_void {
    let _ = ctrlr;
    if !size.is_null() {
        *size = 0;
    }
    ptr::null_mut()
}

/// Unmaps the Controller Memory Buffer: nothing is ever mapped.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_unmap_cmb(ctrlr: *mut spdk_nvme_ctrlr) {
    let _ = ctrlr;
}

unsafe fn read_reg_or_zero(ctrlr: *mut spdk_nvme_ctrlr, offset: u32) -> u32 {
    self::ctrlr(ctrlr).map_or(0, |c| c.t.read_reg_4(offset).unwrap_or(0))
}

/// Number of namespaces the controller may have (NN); valid NSIDs are
/// 1 to this, active or not.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_num_ns(ctrlr: *mut spdk_nvme_ctrlr) -> u32 {
    self::ctrlr(ctrlr).map_or(0, |c| c.num_ns())
}

/// Largest data transfer of one command, bytes (the driver splits larger
/// namespace I/O).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_max_xfer_size(ctrlr: *const spdk_nvme_ctrlr) -> u32 {
    (ctrlr as *const Ctrlr)
        .as_ref()
        .map_or(0, |c| c.max_xfer_size)
}

/// Most SGL elements of one command (1 without SGL support).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_max_sges(ctrlr: *const spdk_nvme_ctrlr) -> u16 {
    (ctrlr as *const Ctrlr).as_ref().map_or(0, |c| c.max_sges)
}

/// The controller's `SPDK_NVME_CTRLR_*` flags.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_flags(ctrlr: *mut spdk_nvme_ctrlr) -> u64 {
    self::ctrlr(ctrlr).map_or(0, |c| c.flags)
}

/// The controller ID (CNTLID).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_id(ctrlr: *mut spdk_nvme_ctrlr) -> u16 {
    self::ctrlr(ctrlr).map_or(0, |c| c.cdata.cntlid)
}

/// The transport ID the controller was attached with.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_transport_id(
    ctrlr: *mut spdk_nvme_ctrlr,
) -> *const spdk_nvme_transport_id {
    self::ctrlr(ctrlr).map_or(ptr::null(), |c| &c.trid as *const _)
}

/// The NUMA node of a PCIe controller, -1 (any) otherwise.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_numa_id(ctrlr: *mut spdk_nvme_ctrlr) -> i32 {
    match self::ctrlr(ctrlr).map(|c| &c.t) {
        Some(CtrlrKind::Pcie(p)) => p.pci_device().numa_id(),
        _ => -1,
    }
}

/// The PCI device of a PCIe controller, NULL for other transports.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_pci_device(
    ctrlr: *mut spdk_nvme_ctrlr,
) -> *mut spdk_pci_device {
    match self::ctrlr(ctrlr).map(|c| &c.t) {
        Some(CtrlrKind::Pcie(p)) => p.pci_device().as_raw(),
        _ => ptr::null_mut(),
    }
}

/// Changes the transport ID of a failed controller (same transport type
/// and subsystem NQN): the next spdk_nvme_ctrlr_reset() of a fabrics
/// controller connects to the new address. 0, -EPERM when the controller
/// is not failed, -EINVAL for a NULL or different trid (or an address
/// that does not resolve).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_set_trid(
    ctrlr: *mut spdk_nvme_ctrlr,
    trid: *mut spdk_nvme_transport_id,
) -> c_int {
    let (Some(c), Some(t)) = (self::ctrlr(ctrlr), trid.as_ref()) else {
        return -libc::EINVAL;
    };
    match c.set_trid(t) {
        Ok(()) => 0,
        Err(e) => e,
    }
}

/// Takes a free I/O queue ID (1 to the number of queues granted), for a
/// queue the caller creates itself; -1 when none is left.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_alloc_qid(ctrlr: *mut spdk_nvme_ctrlr) -> i32 {
    match self::ctrlr(ctrlr).and_then(|c| c.alloc_qid()) {
        Some(q) => q as i32,
        None => {
            spdk_log::errlog!("No free I/O queue IDs");
            -1
        }
    }
}

/// Gives back a queue ID from spdk_nvme_ctrlr_alloc_qid().
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_free_qid(ctrlr: *mut spdk_nvme_ctrlr, qid: u16) {
    if let Some(c) = self::ctrlr(ctrlr) {
        c.free_qid(qid);
    }
}

/// Whether an NVM subsystem reset can be requested: CAP.NSSRS, and PCIe
/// only (as SPDK: the register write is synchronous).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_is_nssr_supported(ctrlr: *mut spdk_nvme_ctrlr) -> bool {
    self::ctrlr(ctrlr).is_some_and(|c| c.cap.nssrs() == 1 && matches!(c.t, CtrlrKind::Pcie(_)))
}

/// Requests an NVM subsystem reset (writes "NVMe" to NSSR). The
/// controller then goes away and must be reset or detached. 0, -ENOTSUP
/// without CAP.NSSRS, -EINVAL for NULL, or the register write's error.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_reset_subsystem(ctrlr: *mut spdk_nvme_ctrlr) -> c_int {
    let Some(c) = self::ctrlr(ctrlr) else {
        return -libc::EINVAL;
    };
    if c.cap.nssrs() == 0 {
        spdk_log::warnlog!("subsystem reset is not supported");
        return -libc::ENOTSUP;
    }
    spdk_log::noticelog!("resetting subsystem");
    const REG_NSSR: u32 = 0x20;
    const NSSR_VALUE: u32 = 0x4e56_4d65;
    match c.t.write_reg_4(REG_NSSR, NSSR_VALUE) {
        Ok(()) => 0,
        Err(e) => e,
    }
}

/// Whether this is a discovery controller.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_is_discovery(ctrlr: *mut spdk_nvme_ctrlr) -> bool {
    self::ctrlr(ctrlr).is_some_and(|c| c.is_discovery())
}

/// Whether the controller is reached over a fabric.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_is_fabrics(ctrlr: *mut spdk_nvme_ctrlr) -> bool {
    self::ctrlr(ctrlr).is_some_and(|c| c.t.is_fabrics())
}

/// Whether namespace `nsid` is active.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_is_active_ns(
    ctrlr: *mut spdk_nvme_ctrlr,
    nsid: u32,
) -> bool {
    self::ctrlr(ctrlr).is_some_and(|c| c.is_active_ns(nsid))
}

/// The lowest active NSID, 0 when none.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_first_active_ns(ctrlr: *mut spdk_nvme_ctrlr) -> u32 {
    self::ctrlr(ctrlr).map_or(0, |c| c.first_active_ns())
}

/// The next active NSID after `prev_nsid` (itself active), 0 at the end.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_next_active_ns(
    ctrlr: *mut spdk_nvme_ctrlr,
    prev_nsid: u32,
) -> u32 {
    self::ctrlr(ctrlr).map_or(0, |c| c.next_active_ns(prev_nsid))
}

/// The namespace object of `ns_id` (1 to NN, active or not), NULL for an
/// NSID out of range.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_ns(
    ctrlr: *mut spdk_nvme_ctrlr,
    ns_id: u32,
) -> *mut super::ns::spdk_nvme_ns {
    self::ctrlr(ctrlr)
        .and_then(|c| c.get_ns(ns_id))
        .map_or(ptr::null_mut(), |n| n.cast())
}

/// Whether log page `log_page` is supported (the mandatory ones, and
/// those identify data announces).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_is_log_page_supported(
    ctrlr: *mut spdk_nvme_ctrlr,
    log_page: u8,
) -> bool {
    let Some(c) = self::ctrlr(ctrlr) else {
        return false;
    };
    match log_page {
        0x01..=0x03 => true,
        0x04 => c.cdata.oaes.ns_attribute_notices() != 0,
        0x05 => c.cdata.lpa.cses() != 0,
        0x07 | 0x08 => c.cdata.lpa.ts() != 0,
        // Asymmetric Namespace Access: with ANA reporting (CMIC.ANARS).
        0x0c => c.cdata.cmic.anars() != 0,
        // Flexible Data Placement logs.
        0x20..=0x23 => c.cdata.ctratt.fdps() != 0,
        _ => false,
    }
}

/// Whether feature `feature_code` is supported (the mandatory ones, and
/// those identify data announces).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_is_feature_supported(
    ctrlr: *mut spdk_nvme_ctrlr,
    feature_code: u8,
) -> bool {
    let Some(c) = self::ctrlr(ctrlr) else {
        return false;
    };
    let cd = &c.cdata;
    match feature_code {
        0x01 | 0x02 | 0x04 | 0x05 | 0x07 | 0x08 | 0x09 | 0x0a | 0x0b => true,
        0x06 => cd.vwc.present() != 0,
        0x0c => cd.apsta.0 & 1 != 0,
        0x0d => ({ cd.hmpre }) != 0,
        0x0e => cd.oncs.tss() != 0,
        0x0f => ({ cd.kas }) != 0,
        _ => false,
    }
}

/// Registers the callback of asynchronous events (NULL removes it).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_register_aer_callback(
    ctrlr: *mut spdk_nvme_ctrlr,
    aer_cb_fn: spdk_nvme_aer_cb,
    aer_cb_arg: *mut c_void,
) {
    if let Some(c) = self::ctrlr(ctrlr) {
        c.register_aer_callback(aer_cb_fn, aer_cb_arg);
    }
}

/// Registers the callback of commands outstanding longer than
/// `timeout_io_us` (I/O) or `timeout_admin_us` (admin); each timed out
/// command is reported once, from the polling of its queue pair. NULL
/// `cb_fn` removes it.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_register_timeout_callback(
    ctrlr: *mut spdk_nvme_ctrlr,
    timeout_io_us: u64,
    timeout_admin_us: u64,
    cb_fn: spdk_nvme_timeout_cb,
    cb_arg: *mut c_void,
) {
    if let Some(c) = self::ctrlr(ctrlr) {
        c.register_timeout_callback(timeout_io_us, timeout_admin_us, cb_fn, cb_arg);
    }
}

/// Polls the admin queue: completions of admin commands, asynchronous
/// events, keep alive. Returns the completions processed or a negative
/// errno (-ENXIO when the controller has failed).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_process_admin_completions(
    ctrlr: *mut spdk_nvme_ctrlr,
) -> i32 {
    match self::ctrlr(ctrlr) {
        Some(c) => c.process_admin_completions(),
        None => -libc::EINVAL,
    }
}

/// Sends an admin command as given (the driver sets its CID); `buf` must
/// be DMA-able memory (spdk_dma_malloc) of `len` bytes. 0, -EINVAL,
/// -ENOMEM, -ENXIO.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_cmd_admin_raw(
    ctrlr: *mut spdk_nvme_ctrlr,
    cmd: *mut Cmd,
    buf: *mut c_void,
    len: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let Some(c) = self::ctrlr(ctrlr) else {
        return -libc::EINVAL;
    };
    if cmd.is_null() || (buf.is_null() && len != 0) {
        return -libc::EINVAL;
    }
    c.admin_submit(*cmd, buf.cast(), len, cb_fn, cb_arg)
}

/// Get Log Page `log_page` into `payload` (DMA-able, a multiple of 4
/// bytes) from `offset`.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_cmd_get_log_page(
    ctrlr: *mut spdk_nvme_ctrlr,
    log_page: u8,
    nsid: u32,
    payload: *mut c_void,
    payload_size: u32,
    offset: u64,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    spdk_nvme_ctrlr_cmd_get_log_page_ext(
        ctrlr,
        log_page,
        nsid,
        payload,
        payload_size,
        offset,
        0,
        0,
        0,
        cb_fn,
        cb_arg,
    )
}

/// Get Log Page with the caller's other fields of CDW10 (LSP, RAE),
/// CDW11 (LSI) and CDW14 (CSI, UUID index); LID, NUMD and the offset are
/// the driver's.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_cmd_get_log_page_ext(
    ctrlr: *mut spdk_nvme_ctrlr,
    log_page: u8,
    nsid: u32,
    payload: *mut c_void,
    payload_size: u32,
    offset: u64,
    cdw10: u32,
    cdw11: u32,
    cdw14: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let Some(c) = self::ctrlr(ctrlr) else {
        return -libc::EINVAL;
    };
    if payload.is_null()
        || payload_size == 0
        || !payload_size.is_multiple_of(4)
        || !offset.is_multiple_of(4)
    {
        return -libc::EINVAL;
    }
    let numd = payload_size / 4 - 1;
    let mut cmd = Cmd::new(OPC_GET_LOG_PAGE, nsid);
    cmd.cdw10 = cdw10::GetLogPage(cdw10)
        .with_lid(log_page as u32)
        .with_numdl(numd & 0xffff)
        .0;
    cmd.cdw11 = cdw11::GetLogPage(cdw11).with_numdu(numd >> 16).0;
    cmd.cdw12 = offset as u32;
    cmd.cdw13 = (offset >> 32) as u32;
    cmd.cdw14 = cdw14;
    c.admin_submit(cmd, payload.cast(), payload_size, cb_fn, cb_arg)
}

/// Set Features `feature` (all namespaces).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_cmd_set_feature(
    ctrlr: *mut spdk_nvme_ctrlr,
    feature: u8,
    cdw11: u32,
    cdw12: u32,
    payload: *mut c_void,
    payload_size: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    spdk_nvme_ctrlr_cmd_set_feature_ns(
        ctrlr,
        feature,
        cdw11,
        cdw12,
        payload,
        payload_size,
        cb_fn,
        cb_arg,
        0,
    )
}

/// Set Features `feature` for namespace `ns_id`.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_cmd_set_feature_ns(
    ctrlr: *mut spdk_nvme_ctrlr,
    feature: u8,
    cdw11: u32,
    cdw12: u32,
    payload: *mut c_void,
    payload_size: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    ns_id: u32,
) -> c_int {
    let Some(c) = self::ctrlr(ctrlr) else {
        return -libc::EINVAL;
    };
    if payload.is_null() && payload_size != 0 {
        return -libc::EINVAL;
    }
    c.cmd_set_feature(
        feature,
        cdw11,
        cdw12,
        ns_id,
        payload.cast(),
        payload_size,
        cb_fn,
        cb_arg,
    )
}

/// Get Features `feature` (current value; CDW0 of the completion).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_cmd_get_feature(
    ctrlr: *mut spdk_nvme_ctrlr,
    feature: u8,
    cdw11: u32,
    payload: *mut c_void,
    payload_size: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    spdk_nvme_ctrlr_cmd_get_feature_ns(
        ctrlr,
        feature,
        cdw11,
        payload,
        payload_size,
        cb_fn,
        cb_arg,
        0,
    )
}

/// Get Features `feature` for namespace `ns_id`.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_cmd_get_feature_ns(
    ctrlr: *mut spdk_nvme_ctrlr,
    feature: u8,
    cdw11: u32,
    payload: *mut c_void,
    payload_size: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    ns_id: u32,
) -> c_int {
    let Some(c) = self::ctrlr(ctrlr) else {
        return -libc::EINVAL;
    };
    if payload.is_null() && payload_size != 0 {
        return -libc::EINVAL;
    }
    c.cmd_get_feature(
        feature,
        cdw11,
        ns_id,
        payload.cast(),
        payload_size,
        cb_fn,
        cb_arg,
    )
}

/// The pair a C handle names for an abort: NULL is the admin queue.
unsafe fn abort_target(c: &mut Ctrlr, qpair: *mut spdk_nvme_qpair) -> Option<*mut Qpair> {
    if qpair.is_null() {
        return c.admin_ptr();
    }
    let q = qpair as *mut Qpair;
    c.owns_qpair(q).then_some(q)
}

/// Sends Abort for command `cid` of `qpair` (NULL: the admin queue).
/// CDW0 bit 0 of its completion is 0 when the command was aborted.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_cmd_abort(
    ctrlr: *mut spdk_nvme_ctrlr,
    qpair: *mut spdk_nvme_qpair,
    cid: u16,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let Some(c) = self::ctrlr(ctrlr) else {
        return -libc::EINVAL;
    };
    let Some(q) = abort_target(c, qpair) else {
        return -libc::EINVAL;
    };
    let sqid = (*q).id();
    c.cmd_abort(sqid, cid, cb_fn, cb_arg)
}

/// Aborts every command of `qpair` (NULL: admin) submitted with callback
/// argument `cmd_cb_arg`; `cb_fn` runs once when all are done. -ENOENT
/// when there is none.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_cmd_abort_ext(
    ctrlr: *mut spdk_nvme_ctrlr,
    qpair: *mut spdk_nvme_qpair,
    cmd_cb_arg: *mut c_void,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let Some(c) = self::ctrlr(ctrlr) else {
        return -libc::EINVAL;
    };
    let Some(q) = abort_target(c, qpair) else {
        return -libc::EINVAL;
    };
    c.cmd_abort_ext(q, cmd_cb_arg, cb_fn, cb_arg)
}

/// Resets the controller and waits for it: outstanding commands complete
/// as aborted (SQ deletion), then the controller is initialized again and
/// the I/O queue pairs get new queues (their handles stay valid). 0,
/// -EBUSY during another reset, or an error when it did not come back
/// (the controller is then failed).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_reset(ctrlr: *mut spdk_nvme_ctrlr) -> c_int {
    match self::ctrlr(ctrlr) {
        Some(c) => c.reset(),
        None => -libc::EINVAL,
    }
}

/// First step of a reset in steps: stops the I/O queue pairs (their
/// commands complete as aborted), disables a PCIe controller (waiting up
/// to CAP.TO), drops the admin queue (its commands and asynchronous event
/// requests complete as aborted); spdk_nvme_ctrlr_process_admin_completions
/// then returns -ENXIO. Keep alive stops; a failed controller is no longer
/// failed. 0, -EBUSY when a reset is already running, -EINVAL for NULL.
/// (The I/O queue pairs are stopped here, as spdk_nvme_ctrlr_reset does;
/// SPDK leaves that to the application.)
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_disconnect(ctrlr: *mut spdk_nvme_ctrlr) -> c_int {
    match self::ctrlr(ctrlr) {
        Some(c) => c.disconnect(),
        None => -libc::EINVAL,
    }
}

/// Second step of a reset in steps: initialization starts over (connect
/// the admin queue, enable, identify, ...); poll it with
/// spdk_nvme_ctrlr_reconnect_poll_async. Disconnects first when
/// spdk_nvme_ctrlr_disconnect was not called.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_reconnect_async(ctrlr: *mut spdk_nvme_ctrlr) {
    if let Some(c) = self::ctrlr(ctrlr) {
        c.reconnect_async();
    }
}

/// Last step of a reset in steps, called until it returns something else
/// than -EAGAIN: advances initialization without waiting. 0 when the
/// controller is enabled again and the I/O queue pairs have new queues
/// (their handles stay valid); a negative errno when it did not come back
/// (the controller is then failed; SPDK returns -1 there). 0 also when no
/// reset is running and the controller is ready. -EINVAL for NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_reconnect_poll_async(
    ctrlr: *mut spdk_nvme_ctrlr,
) -> c_int {
    match self::ctrlr(ctrlr) {
        Some(c) => c.reconnect_poll_async(),
        None => -libc::EINVAL,
    }
}

/// Marks the controller failed: commands complete as aborted, polling its
/// queue pairs returns -ENXIO until a successful reset.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_fail(ctrlr: *mut spdk_nvme_ctrlr) {
    if let Some(c) = self::ctrlr(ctrlr) {
        c.fail();
    }
}

/// Whether the controller is failed.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_is_failed(ctrlr: *mut spdk_nvme_ctrlr) -> bool {
    self::ctrlr(ctrlr).is_some_and(|c| c.is_failed())
}

/// The transport of a controller handle (Rust tests).
pub unsafe fn ctrlr_of<'a>(p: *mut spdk_nvme_ctrlr) -> Option<&'a mut Ctrlr> {
    ctrlr(p)
}
