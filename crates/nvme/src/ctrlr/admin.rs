//! Admin commands: submission on the admin queue pair, the builders of
//! the commands SPDK's API names (identify, features, log pages, abort)
//! and a synchronous wait for the driver's own use.

use std::ffi::c_void;
use std::ptr;

use super::{ms_to_ticks, Ctrlr};
use crate::qpair::{Qpair, QpairState};
use crate::request::{CmdCb, Payload};
use crate::spec::cmd::{cdw10, cdw11, Cmd, Cpl, Status};

pub const OPC_GET_LOG_PAGE: u8 = 0x02;
pub const OPC_IDENTIFY: u8 = 0x06;
pub const OPC_ABORT: u8 = 0x08;
pub const OPC_SET_FEATURES: u8 = 0x09;
pub const OPC_GET_FEATURES: u8 = 0x0a;

/// Why a synchronous wait did not get its completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SyncError {
    /// The command could not be submitted (its errno).
    Submit(i32),
    /// Polling the admin queue failed (its errno).
    Poll(i32),
    /// The admin timeout passed.
    Timeout,
}

/// A synchronous wait's state; left to the callback when the waiter gives
/// up, which then frees it.
struct Sync {
    done: bool,
    abandoned: bool,
    cpl: Cpl,
}

unsafe extern "C" fn sync_done(arg: *mut c_void, cpl: *const Cpl) {
    let s = arg as *mut Sync;
    if (*s).abandoned {
        drop(Box::from_raw(s));
        return;
    }
    (*s).cpl = *cpl;
    (*s).done = true;
}

impl Ctrlr {
    /// Submits an admin command whose data (if any) is `len` bytes of
    /// DMA-able memory at `buf`. Returns 0 (the callback will run from a
    /// later poll) or a negative errno: -ENXIO without a usable admin
    /// queue, -ENOMEM when no request is free.
    pub fn admin_submit(
        &mut self,
        cmd: Cmd,
        buf: *mut u8,
        len: u32,
        cb: CmdCb,
        arg: *mut c_void,
    ) -> i32 {
        self.admin_submit_md(cmd, buf, len, ptr::null_mut(), 0, cb, arg)
    }

    /// As [`Ctrlr::admin_submit`], with separate metadata.
    #[allow(clippy::too_many_arguments)]
    pub fn admin_submit_md(
        &mut self,
        cmd: Cmd,
        buf: *mut u8,
        len: u32,
        md: *mut u8,
        md_len: u32,
        cb: CmdCb,
        arg: *mut c_void,
    ) -> i32 {
        let Some(q) = self.admin_ptr() else {
            return -libc::ENXIO;
        };
        // SAFETY: the admin pair lives as long as the controller.
        unsafe {
            if (*q).c.state != QpairState::Connected {
                return -libc::ENXIO;
            }
            let Some(r) = (*q).alloc_request() else {
                return -libc::ENOMEM;
            };
            r.cmd = cmd;
            if len != 0 || md_len != 0 {
                r.payload = Payload::Contig { buf, md };
            }
            r.payload_size = len;
            r.md_size = md_len;
            r.cb_fn = cb;
            r.cb_arg = arg;
            let r = r as *mut _;
            (*q).submit_leaf(r);
        }
        0
    }

    /// Runs an admin command and waits for it (polling the admin queue)
    /// up to the admin timeout. For the driver's own commands, outside
    /// completion callbacks.
    pub fn admin_sync(&mut self, cmd: Cmd, buf: *mut u8, len: u32) -> Result<Cpl, i32> {
        self.wait_sync(|c, cb, arg| c.admin_submit(cmd, buf, len, cb, arg))
            .map_err(|e| match e {
                SyncError::Submit(rc) | SyncError::Poll(rc) => rc,
                SyncError::Timeout => -libc::ETIMEDOUT,
            })
    }

    /// Submits a command with `submit` (given the callback and argument
    /// to use) and polls the admin queue until it completes, up to the
    /// admin timeout. Only completions are processed meanwhile: events
    /// and keep alive wait for spdk_nvme_ctrlr_process_admin_completions,
    /// as in SPDK's synchronous waits. A command given up on is left to
    /// its callback, which then frees the wait's state.
    pub(crate) fn wait_sync(
        &mut self,
        submit: impl FnOnce(&mut Ctrlr, CmdCb, *mut c_void) -> i32,
    ) -> Result<Cpl, SyncError> {
        if let Some(q) = self.adminq.as_ref() {
            if q.c.in_completion_context() {
                return Err(SyncError::Submit(-libc::EAGAIN));
            }
        }
        let s = Box::into_raw(Box::new(Sync {
            done: false,
            abandoned: false,
            cpl: Cpl::default(),
        }));
        let rc = submit(self, Some(sync_done), s.cast());
        if rc != 0 {
            // SAFETY: not handed to any callback.
            drop(unsafe { Box::from_raw(s) });
            return Err(SyncError::Submit(rc));
        }
        let timeout = ms_to_ticks(self.opts.admin_timeout_ms.max(1) as u64);
        let deadline = spdk_env::ticks().saturating_add(timeout);
        loop {
            let rc = match self.admin_ptr() {
                // SAFETY: the admin pair lives as long as the controller.
                Some(q) => unsafe { Qpair::process_completions(q, 0) },
                None => -libc::ENXIO,
            };
            // SAFETY: s lives until done (freed here) or abandoned (freed
            // by the callback).
            unsafe {
                if (*s).done {
                    let c = (*s).cpl;
                    drop(Box::from_raw(s));
                    return Ok(c);
                }
                if rc < 0 || spdk_env::ticks() > deadline {
                    (*s).abandoned = true;
                    return Err(if rc < 0 {
                        SyncError::Poll(rc)
                    } else {
                        SyncError::Timeout
                    });
                }
            }
        }
    }

    /// SPDK's synchronous admin command (`nvme_wait_for_adminq_completion`
    /// around one command): 0 on success; -EIO when it completed with an
    /// error; -ECANCELED when polling failed or the admin timeout passed;
    /// the submission's own error (-ENOMEM, -ENXIO, ...) as it is. The
    /// completion's status goes to `status` (aborted, SQ deletion, when
    /// polling failed; zero on a timeout).
    pub(crate) fn run_sync(
        &mut self,
        status: &mut Status,
        submit: impl FnOnce(&mut Ctrlr, CmdCb, *mut c_void) -> i32,
    ) -> Result<Cpl, i32> {
        *status = Status(0);
        match self.wait_sync(submit) {
            Ok(cpl) => {
                *status = cpl.status;
                if cpl.is_error() {
                    Err(-libc::EIO)
                } else {
                    Ok(cpl)
                }
            }
            Err(SyncError::Submit(rc)) => Err(rc),
            Err(SyncError::Poll(_)) => {
                *status = Status::new(0, crate::qpair::SC_ABORTED_SQ_DELETION);
                Err(-libc::ECANCELED)
            }
            Err(SyncError::Timeout) => Err(-libc::ECANCELED),
        }
    }

    /// Identify (CNS `cns`) into `len` bytes at `buf`.
    #[allow(clippy::too_many_arguments)]
    pub fn cmd_identify(
        &mut self,
        cns: u8,
        cntid: u16,
        nsid: u32,
        csi: u8,
        buf: *mut u8,
        len: u32,
        cb: CmdCb,
        arg: *mut c_void,
    ) -> i32 {
        let mut cmd = Cmd::new(OPC_IDENTIFY, nsid);
        cmd.cdw10 = cdw10::Identify(0)
            .with_cns(cns as u32)
            .with_cntid(cntid as u32)
            .0;
        cmd.cdw11 = cdw11::Identify(0).with_csi(csi as u32).0;
        self.admin_submit(cmd, buf, len, cb, arg)
    }

    /// Get Log Page `lid` (the `_ext` form: log specific field, log
    /// specific identifier, retain asynchronous event, command set).
    #[allow(clippy::too_many_arguments)]
    pub fn cmd_get_log_page(
        &mut self,
        lid: u8,
        nsid: u32,
        buf: *mut u8,
        len: u32,
        offset: u64,
        lsp: u8,
        lsi: u16,
        rae: bool,
        csi: u8,
        cb: CmdCb,
        arg: *mut c_void,
    ) -> i32 {
        if len == 0 || !len.is_multiple_of(4) || !offset.is_multiple_of(4) || buf.is_null() {
            return -libc::EINVAL;
        }
        let numd = len / 4 - 1;
        let mut cmd = Cmd::new(OPC_GET_LOG_PAGE, nsid);
        cmd.cdw10 = cdw10::GetLogPage(0)
            .with_lid(lid as u32)
            .with_lsp(lsp as u32)
            .with_rae(rae as u32)
            .with_numdl(numd & 0xffff)
            .0;
        cmd.cdw11 = cdw11::GetLogPage(0)
            .with_numdu(numd >> 16)
            .with_lsid(lsi as u32)
            .0;
        cmd.cdw12 = offset as u32;
        cmd.cdw13 = (offset >> 32) as u32;
        cmd.cdw14 = (csi as u32) << 24;
        self.admin_submit(cmd, buf, len, cb, arg)
    }

    /// Set Features `fid`.
    #[allow(clippy::too_many_arguments)]
    pub fn cmd_set_feature(
        &mut self,
        fid: u8,
        cdw11: u32,
        cdw12: u32,
        nsid: u32,
        buf: *mut u8,
        len: u32,
        cb: CmdCb,
        arg: *mut c_void,
    ) -> i32 {
        let mut cmd = Cmd::new(OPC_SET_FEATURES, nsid);
        cmd.cdw10 = fid as u32;
        cmd.cdw11 = cdw11;
        cmd.cdw12 = cdw12;
        self.admin_submit(cmd, buf, len, cb, arg)
    }

    /// Get Features `fid` (current value).
    #[allow(clippy::too_many_arguments)]
    pub fn cmd_get_feature(
        &mut self,
        fid: u8,
        cdw11: u32,
        nsid: u32,
        buf: *mut u8,
        len: u32,
        cb: CmdCb,
        arg: *mut c_void,
    ) -> i32 {
        let mut cmd = Cmd::new(OPC_GET_FEATURES, nsid);
        cmd.cdw10 = fid as u32;
        cmd.cdw11 = cdw11;
        self.admin_submit(cmd, buf, len, cb, arg)
    }

    /// Abort command `cid` of queue pair `q` (None: the admin queue).
    pub fn cmd_abort(&mut self, sqid: u16, cid: u16, cb: CmdCb, arg: *mut c_void) -> i32 {
        let mut cmd = Cmd::new(OPC_ABORT, 0);
        cmd.cdw10 = cdw10::Abort(0)
            .with_sqid(sqid as u32)
            .with_cid(cid as u32)
            .0;
        self.admin_submit(cmd, ptr::null_mut(), 0, cb, arg)
    }

    /// Aborts every command of pair `q` submitted with callback argument
    /// `cmd_cb_arg`: those not yet sent complete at once as aborted, the
    /// others get an Abort command each; `cb` runs once when all are
    /// done (CDW0 bit 0 set when any was not aborted). -ENOENT when none
    /// matched.
    ///
    /// # Safety
    /// `q` is a live pair of this controller (or its admin pair).
    pub unsafe fn cmd_abort_ext(
        &mut self,
        q: *mut Qpair,
        cmd_cb_arg: *mut c_void,
        cb: CmdCb,
        arg: *mut c_void,
    ) -> i32 {
        let Some(admin) = self.admin_ptr() else {
            return -libc::ENXIO;
        };
        let queued = Qpair::abort_queued(q, cmd_cb_arg);
        let cids = (*q).find_by_cb_arg(cmd_cb_arg);
        if cids.is_empty() && queued == 0 {
            return -libc::ENOENT;
        }
        let sqid = (*q).id();
        let Some(parent) = (*admin).alloc_request() else {
            return -libc::ENOMEM;
        };
        parent.cb_fn = cb;
        parent.cb_arg = arg;
        let parent = parent as *mut crate::request::Request;
        if cids.is_empty() {
            (*admin).defer_complete(parent, Cpl::default());
            return 0;
        }
        // Build every Abort first, so that a shortage sends none.
        let mut chain: *mut crate::request::Request = ptr::null_mut();
        for &cid in cids.iter().rev() {
            let Some(r) = (*admin).alloc_request() else {
                (*admin).free_unsubmitted(parent, chain);
                return -libc::ENOMEM;
            };
            r.cmd = Cmd::new(OPC_ABORT, 0);
            r.cmd.cdw10 = cdw10::Abort(0)
                .with_sqid(sqid as u32)
                .with_cid(cid as u32)
                .0;
            r.parent = parent;
            r.next = chain;
            chain = r;
        }
        (*parent).children = cids.len() as u32;
        while !chain.is_null() {
            let n = (*chain).next;
            (*admin).submit_leaf(chain);
            chain = n;
        }
        0
    }
}

/// A command's data as a contiguous payload (helpers for callers).
pub fn contig(buf: *mut c_void, md: *mut c_void) -> Payload {
    Payload::Contig {
        buf: buf.cast(),
        md: md.cast(),
    }
}
