//! Queue pairs (`struct spdk_nvme_qpair`): creation, polling, raw I/O
//! commands, and the printing of commands, completions and status.

use core::ffi::{c_char, c_int, c_void};
use core::ptr;

use super::ctrlr::{ctrlr, spdk_nvme_cmd_cb, spdk_nvme_ctrlr};
use super::opts::{copy_prefix, spdk_nvme_io_qpair_opts};
use crate::ctrlr::Ctrlr;
use crate::ns_cmd;
use crate::print;
use crate::qpair::{FailureReason, Qpair, QpairState};
use crate::spec::cmd::{Cmd, Cpl, Status};

/// A queue pair: where commands are submitted and completions polled.
/// Use one from one thread at a time.
pub struct spdk_nvme_qpair {
    _opaque: [u8; 0],
}

#[inline]
pub(crate) fn qp(p: *mut spdk_nvme_qpair) -> *mut Qpair {
    p.cast()
}

/// Fills `opts` with the default I/O queue pair options of `ctrlr` (only
/// the fields that fit in `opts_size` bytes).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_default_io_qpair_opts(
    ctrlr: *mut spdk_nvme_ctrlr,
    opts: *mut spdk_nvme_io_qpair_opts,
    opts_size: usize,
) {
    let Some(c) = self::ctrlr(ctrlr) else {
        return;
    };
    if opts.is_null() || opts_size == 0 {
        return;
    }
    let mut d = c.default_io_qpair_opts();
    d.opts_size = opts_size;
    let n = opts_size.min(core::mem::size_of::<spdk_nvme_io_qpair_opts>());
    ptr::write_bytes(opts.cast::<u8>(), 0, n);
    ptr::copy_nonoverlapping(
        (&d as *const spdk_nvme_io_qpair_opts).cast::<u8>(),
        opts.cast::<u8>(),
        n,
    );
}

/// Creates an I/O queue pair (`opts` NULL: the defaults; otherwise its
/// first `opts_size` bytes over the defaults). NULL on failure (bad
/// options, no queue left, controller failed).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_alloc_io_qpair(
    ctrlr: *mut spdk_nvme_ctrlr,
    opts: *const spdk_nvme_io_qpair_opts,
    opts_size: usize,
) -> *mut spdk_nvme_qpair {
    let Some(c) = self::ctrlr(ctrlr) else {
        return ptr::null_mut();
    };
    let mut o = c.default_io_qpair_opts();
    if !opts.is_null() {
        copy_prefix(&mut o, opts, opts_size);
    }
    match c.alloc_io_qpair(&o) {
        Ok(q) => q.cast(),
        Err(_) => ptr::null_mut(),
    }
}

/// Deletes an I/O queue pair: its outstanding commands complete as
/// aborted first. May be called from one of its completion callbacks
/// (the pair then goes when the polling returns). 0, or -EINVAL for a
/// handle that is not an I/O pair.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_free_io_qpair(qpair: *mut spdk_nvme_qpair) -> c_int {
    if qpair.is_null() {
        return 0;
    }
    let q = qp(qpair);
    let c = (*q).c.ctrlr;
    if c.is_null() || !(*c).owns_qpair(q) {
        return -libc::EINVAL;
    }
    (*c).free_io_qpair(q)
}

/// Processes up to `max_completions` completions (0: all there are) and
/// runs their callbacks. Returns how many, or -ENXIO when the pair is
/// disconnected (controller failed or resetting).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_qpair_process_completions(
    qpair: *mut spdk_nvme_qpair,
    max_completions: u32,
) -> i32 {
    if qpair.is_null() {
        return -libc::EINVAL;
    }
    Qpair::process_completions(qp(qpair), max_completions)
}

/// The queue ID (0: admin).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_qpair_get_id(qpair: *mut spdk_nvme_qpair) -> u16 {
    qp(qpair).as_ref().map_or(0, |q| q.id())
}

/// Whether this is the admin queue pair.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_qpair_is_admin_queue(qpair: *mut spdk_nvme_qpair) -> bool {
    qp(qpair).as_ref().is_some_and(|q| q.is_admin())
}

/// Requests the caller still waits for (queued or outstanding, split
/// pieces counted).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_qpair_get_num_outstanding_reqs(
    qpair: *mut spdk_nvme_qpair,
) -> u32 {
    qp(qpair).as_ref().map_or(0, |q| q.requests_in_use())
}

/// Whether the pair is connected (not failed or resetting).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_qpair_is_connected(qpair: *mut spdk_nvme_qpair) -> bool {
    qp(qpair)
        .as_ref()
        .is_some_and(|q| q.c.state == QpairState::Connected)
}

/// Sends an I/O command as given on `qpair` (the driver sets its CID and
/// data pointer); `buf` is `len` bytes of DMA-able memory.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_cmd_io_raw(
    ctrlr: *mut spdk_nvme_ctrlr,
    qpair: *mut spdk_nvme_qpair,
    cmd: *mut Cmd,
    buf: *mut c_void,
    len: u32,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    spdk_nvme_ctrlr_cmd_io_raw_with_md(ctrlr, qpair, cmd, buf, len, ptr::null_mut(), cb_fn, cb_arg)
}

/// As spdk_nvme_ctrlr_cmd_io_raw(), with separate metadata `md_buf` for
/// the blocks the command moves (its size follows from the namespace).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_cmd_io_raw_with_md(
    ctrlr: *mut spdk_nvme_ctrlr,
    qpair: *mut spdk_nvme_qpair,
    cmd: *mut Cmd,
    buf: *mut c_void,
    len: u32,
    md_buf: *mut c_void,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let Some(c) = self::ctrlr(ctrlr) else {
        return -libc::EINVAL;
    };
    let q = qp(qpair);
    if cmd.is_null() || q.is_null() || !c.owns_qpair(q) || (buf.is_null() && len != 0) {
        return -libc::EINVAL;
    }
    let cmd = *cmd;
    let mut md_len = 0;
    if !md_buf.is_null() {
        // Metadata per block of the namespace, for the blocks of `len`.
        let Some(ns) = c.get_ns(cmd.nsid) else {
            return -libc::EINVAL;
        };
        let ns = &*ns;
        if ns.md_size == 0 || ns.sector_size == 0 {
            return -libc::EINVAL;
        }
        let Some(m) = (len / ns.sector_size).checked_mul(ns.md_size) else {
            return -libc::EINVAL;
        };
        md_len = m;
    }
    ns_cmd::raw(
        q,
        &cmd,
        buf.cast(),
        len,
        md_buf.cast(),
        md_len,
        cb_fn,
        cb_arg,
    )
}

/// As spdk_nvme_ctrlr_cmd_io_raw_with_md(), with the data in a scatter
/// list walked through `reset_sgl_fn`/`next_sge_fn` (called with
/// `cb_arg`). -EINVAL when a callback is missing.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_cmd_iov_raw_with_md(
    ctrlr: *mut spdk_nvme_ctrlr,
    qpair: *mut spdk_nvme_qpair,
    cmd: *mut Cmd,
    len: u32,
    md_buf: *mut c_void,
    cb_fn: spdk_nvme_cmd_cb,
    cb_arg: *mut c_void,
    reset_sgl_fn: super::ns_cmd::spdk_nvme_req_reset_sgl_cb,
    next_sge_fn: super::ns_cmd::spdk_nvme_req_next_sge_cb,
) -> c_int {
    let Some(c) = self::ctrlr(ctrlr) else {
        return -libc::EINVAL;
    };
    let q = qp(qpair);
    if cmd.is_null() || q.is_null() || !c.owns_qpair(q) {
        return -libc::EINVAL;
    }
    if reset_sgl_fn.is_none() || next_sge_fn.is_none() {
        return -libc::EINVAL;
    }
    let cmd = *cmd;
    let mut md_len = 0;
    if !md_buf.is_null() {
        let Some(ns) = c.get_ns(cmd.nsid) else {
            return -libc::EINVAL;
        };
        let ns = &*ns;
        if ns.md_size == 0 || ns.sector_size == 0 {
            return -libc::EINVAL;
        }
        let Some(m) = (len / ns.sector_size).checked_mul(ns.md_size) else {
            return -libc::EINVAL;
        };
        md_len = m;
    }
    let payload = ns_cmd::sgl_payload(reset_sgl_fn, next_sge_fn, cb_arg, md_buf);
    ns_cmd::raw_payload(q, &cmd, payload, len, md_len, cb_fn, cb_arg)
}

/// The name of a completion status of a command with opcode `opc`
/// (fabrics command specific codes differ).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_cpl_get_status_string_ext(
    status: *const Status,
    opc: u8,
) -> *const c_char {
    match status.as_ref() {
        Some(s) => print::status_str(*s, opc).as_ptr(),
        None => ptr::null(),
    }
}

/// The text of a completion status without its command's opcode (a
/// command-specific code reads as the non-fabrics meaning).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_cpl_get_status_string(status: *const Status) -> *const c_char {
    spdk_nvme_cpl_get_status_string_ext(status, 0)
}

/// The name of a completion's status code type.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_cpl_get_status_type_string(
    status: *const Status,
) -> *const c_char {
    match status.as_ref() {
        Some(s) => print::status_type_str(s.sct()).as_ptr(),
        None => ptr::null(),
    }
}

/// Logs a command of `qpair` (notice level), as SPDK formats it.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_qpair_print_command(qpair: *mut spdk_nvme_qpair, cmd: *mut Cmd) {
    if let (Some(q), Some(c)) = (qp(qpair).as_ref(), cmd.as_ref()) {
        print::log_command(q.id(), c);
    }
}

/// Logs a completion of `qpair` for a command of opcode `opc`.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_qpair_print_completion_ext(
    qpair: *const spdk_nvme_qpair,
    cpl: *const Cpl,
    opc: u8,
) {
    if let (Some(q), Some(c)) = ((qpair as *const Qpair).as_ref(), cpl.as_ref()) {
        print::log_completion_ext(q.id(), c, opc);
    }
}

/// Logs a completion of `qpair` (notice level) without its command's
/// opcode; a completion naming another queue is reported first.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_qpair_print_completion(
    qpair: *mut spdk_nvme_qpair,
    cpl: *mut Cpl,
) {
    if let (Some(q), Some(c)) = ((qpair as *const Qpair).as_ref(), cpl.as_ref()) {
        let sqid = c.sqid;
        if sqid != q.id() && sqid != 0 {
            spdk_log::errlog!("qpair {}: sqid {} doesn't match qid", q.id(), sqid);
        }
        print::log_completion_ext(q.id(), c, 0);
    }
}

/// Whether the completions the driver makes up for aborted commands (queue
/// deleted, controller reset or failed, abort of a queued command) carry
/// the Do Not Retry bit. Off by default.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_qpair_set_abort_dnr(qpair: *mut spdk_nvme_qpair, dnr: bool) {
    if let Some(q) = qp(qpair).as_mut() {
        q.c.abort_dnr = dnr;
    }
}

/// The pair a rule applies to: `qpair`, or the admin pair for NULL.
unsafe fn rule_pair(
    ctrlr: *mut spdk_nvme_ctrlr,
    qpair: *mut spdk_nvme_qpair,
) -> Option<*mut Qpair> {
    let c = self::ctrlr(ctrlr)?;
    if qpair.is_null() {
        return c.admin_ptr();
    }
    let q = qp(qpair);
    c.owns_qpair(q).then_some(q)
}

/// Injects errors for commands of opcode `opc` on `qpair` (NULL: the admin
/// queue), `err_count` times: with `do_not_submit` they never reach the
/// controller and complete with status `sct`/`sc` after `timeout_in_us`;
/// otherwise they are sent and their completion gets that status. A rule
/// for the same opcode is replaced. 0, or -EINVAL.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_qpair_add_cmd_error_injection(
    ctrlr: *mut spdk_nvme_ctrlr,
    qpair: *mut spdk_nvme_qpair,
    opc: u8,
    do_not_submit: bool,
    timeout_in_us: u64,
    err_count: u32,
    sct: u8,
    sc: u8,
) -> c_int {
    let Some(q) = rule_pair(ctrlr, qpair) else {
        return -libc::EINVAL;
    };
    let hz = spdk_env::ticks::ticks_hz() as u128;
    let timeout_ticks = (timeout_in_us as u128 * hz / 1_000_000).min(u64::MAX as u128) as u64;
    (*q).add_error_injection(crate::err_inject::ErrCmd {
        opc,
        do_not_submit,
        timeout_ticks,
        err_count,
        sct,
        sc,
    });
    0
}

/// Removes the error injection rule for `opc` of `qpair` (NULL: admin).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_qpair_remove_cmd_error_injection(
    ctrlr: *mut spdk_nvme_ctrlr,
    qpair: *mut spdk_nvme_qpair,
    opc: u8,
) {
    if let Some(q) = rule_pair(ctrlr, qpair) {
        (*q).remove_error_injection(opc);
    }
}

/// Logs a completion of queue `qid` without its command's opcode.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_print_completion(qid: u16, cpl: *mut Cpl) {
    if let Some(c) = cpl.as_ref() {
        print::log_completion_ext(qid, c, 0);
    }
}

/// Logs a command of queue `qid`.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_print_command(qid: u16, cmd: *mut Cmd) {
    if let Some(c) = cmd.as_ref() {
        print::log_command(qid, c);
    }
}

/// Logs a completion of queue `qid` for a command of opcode `opc`.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_print_completion_ext(qid: u16, cpl: *const Cpl, opc: u8) {
    if let Some(c) = cpl.as_ref() {
        print::log_completion_ext(qid, c, opc);
    }
}

/// Why a queue pair is disconnected: NONE while connected (or when the
/// application disconnected it), UNKNOWN when the cause is not known.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_qp_failure_reason {
    SPDK_NVME_QPAIR_FAILURE_NONE = 0,
    /// The host failed it (controller failed or resetting).
    SPDK_NVME_QPAIR_FAILURE_LOCAL,
    /// The other side ended the connection.
    SPDK_NVME_QPAIR_FAILURE_REMOTE,
    /// Disconnected, cause not known.
    SPDK_NVME_QPAIR_FAILURE_UNKNOWN,
    /// A controller reset could not reconnect it.
    SPDK_NVME_QPAIR_FAILURE_RESET,
}

/// The pair behind `qpair` when it is an I/O pair of its controller.
unsafe fn io_qpair<'a>(qpair: *mut spdk_nvme_qpair) -> Option<(&'a mut Ctrlr, *mut Qpair)> {
    let q = qp(qpair);
    let c = q.as_ref()?.c.ctrlr.as_mut()?;
    c.owns_qpair(q).then_some((c, q))
}

/// Connects an I/O queue pair allocated with `create_only` set in its
/// options (typically after adding it to a poll group), or one that was
/// disconnected. The queues are created on the controller (PCIe) or the
/// connection made (TCP) before this returns.
///
/// Returns 0, -EISCONN when the pair is connected already, -EINVAL when
/// a pointer is NULL or the pair is not an I/O pair of `ctrlr`, -ENXIO
/// when the controller is failed, resetting or not ready, or the
/// transport's error (the pair then stays disconnected).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_connect_io_qpair(
    ctrlr: *mut spdk_nvme_ctrlr,
    qpair: *mut spdk_nvme_qpair,
) -> c_int {
    match (io_qpair(qpair), self::ctrlr(ctrlr)) {
        (Some((c, q)), Some(want)) if ptr::eq(c, want) => c.connect_io_qpair(q),
        _ => -libc::EINVAL,
    }
}

/// Disconnects an I/O queue pair: its outstanding and queued commands
/// complete as aborted (SQ deletion) before this returns, its queues on
/// the controller are deleted, and until it is connected again (a reset
/// of the controller does not reconnect it) polling it returns -ENXIO and
/// commands are refused with -ENXIO. Call it from the thread that polls
/// the pair. Nothing is done for NULL or a pair that is not an I/O pair.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_disconnect_io_qpair(qpair: *mut spdk_nvme_qpair) {
    if let Some((c, q)) = io_qpair(qpair) {
        c.disconnect_io_qpair(q);
    }
}

/// Reconnects an I/O queue pair that failed (polling it returned
/// -ENXIO), or connects a disconnected one.
///
/// Returns 0 when it is connected (or already was), -EAGAIN when the
/// controller is resetting or the connection failed (the controller
/// still works), -ENXIO when the controller is failed (reset it with
/// spdk_nvme_ctrlr_reset()), or -EINVAL for NULL or a pair that is not an
/// I/O pair.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_reconnect_io_qpair(qpair: *mut spdk_nvme_qpair) -> c_int {
    match io_qpair(qpair) {
        Some((c, q)) => c.reconnect_io_qpair(q),
        None => -libc::EINVAL,
    }
}

/// Why the controller's admin queue is disconnected (NONE while it
/// works; LOCAL while the host has taken it down, e.g. during a reset;
/// UNKNOWN for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_admin_qp_failure_reason(
    ctrlr: *mut spdk_nvme_ctrlr,
) -> spdk_nvme_qp_failure_reason {
    let Some(c) = self::ctrlr(ctrlr) else {
        return spdk_nvme_qp_failure_reason::SPDK_NVME_QPAIR_FAILURE_UNKNOWN;
    };
    match c.admin_ptr() {
        Some(q) => spdk_nvme_qpair_get_failure_reason(q.cast()),
        None => spdk_nvme_qp_failure_reason::SPDK_NVME_QPAIR_FAILURE_LOCAL,
    }
}

/// Why the pair is disconnected (SPDK_NVME_QPAIR_FAILURE_NONE while
/// connected; UNKNOWN for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_qpair_get_failure_reason(
    qpair: *mut spdk_nvme_qpair,
) -> spdk_nvme_qp_failure_reason {
    use spdk_nvme_qp_failure_reason as R;
    match qp(qpair).as_ref().map(|q| q.c.failure_reason) {
        Some(FailureReason::None) => R::SPDK_NVME_QPAIR_FAILURE_NONE,
        Some(FailureReason::Local) => R::SPDK_NVME_QPAIR_FAILURE_LOCAL,
        Some(FailureReason::Remote) => R::SPDK_NVME_QPAIR_FAILURE_REMOTE,
        Some(FailureReason::Reset) => R::SPDK_NVME_QPAIR_FAILURE_RESET,
        Some(FailureReason::Unknown) | None => R::SPDK_NVME_QPAIR_FAILURE_UNKNOWN,
    }
}
