//! One NVMe command in flight: what the caller asked for and where its
//! data is. Requests live in their queue pair's preallocated pool; nothing
//! here allocates.

use std::ffi::{c_int, c_void};
use std::ptr;

use crate::spec::cmd::{Cmd, Cpl};

/// Called with a command's completion (`spdk_nvme_cmd_cb`).
pub type CmdCb = Option<unsafe extern "C" fn(ctx: *mut c_void, cpl: *const Cpl)>;
/// Rewinds an SGL payload to `offset` bytes (`spdk_nvme_req_reset_sgl_cb`).
pub type ResetSglCb = Option<unsafe extern "C" fn(cb_arg: *mut c_void, offset: u32)>;
/// Gives the next SGL element (`spdk_nvme_req_next_sge_cb`): 0 and the
/// element's address and length, or an error.
pub type NextSgeCb = Option<
    unsafe extern "C" fn(cb_arg: *mut c_void, address: *mut *mut c_void, length: *mut u32) -> c_int,
>;

/// Where a command's data is.
#[derive(Clone, Copy)]
pub enum Payload {
    /// No data.
    None,
    /// One virtually contiguous buffer, and separate metadata (or NULL).
    Contig { buf: *mut u8, md: *mut u8 },
    /// A scatter list walked through the caller's callbacks.
    Sgl {
        reset: ResetSglCb,
        next: NextSgeCb,
        cb_arg: *mut c_void,
        md: *mut u8,
    },
}

/// The data walk failed: the caller's SGL callback returned an error or
/// the elements did not cover the transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadPayload;

/// A command, its data and its caller.
pub struct Request {
    pub cmd: Cmd,
    pub payload: Payload,
    /// Bytes of data this request moves, from `payload_offset` on.
    pub payload_size: u32,
    pub payload_offset: u32,
    pub md_size: u32,
    pub cb_fn: CmdCb,
    pub cb_arg: *mut c_void,
    /// Filled in by the queue pair before `cb_fn` is called.
    pub cpl: Cpl,
    /// Tick count at submission (timeouts).
    pub submit_tick: u64,
    /// Free-list / wait-queue link of the owning queue pair.
    pub next: *mut Request,
    /// A split I/O: the parent, and how many children are outstanding.
    pub parent: *mut Request,
    pub children: u32,
}

impl Request {
    pub const fn empty() -> Request {
        Request {
            cmd: Cmd {
                op: crate::spec::cmd::CmdOp(0),
                cid: 0,
                nsid: 0,
                rsvd2: 0,
                rsvd3: 0,
                mptr: 0,
                dptr: crate::spec::cmd::Dptr { prp1: 0, prp2: 0 },
                cdw10: 0,
                cdw11: 0,
                cdw12: 0,
                cdw13: 0,
                cdw14: 0,
                cdw15: 0,
            },
            payload: Payload::None,
            payload_size: 0,
            payload_offset: 0,
            md_size: 0,
            cb_fn: None,
            cb_arg: ptr::null_mut(),
            cpl: Cpl {
                cdw0: 0,
                cdw1: 0,
                sqhd: 0,
                sqid: 0,
                cid: 0,
                status: crate::spec::cmd::Status(0),
            },
            submit_tick: 0,
            next: ptr::null_mut(),
            parent: ptr::null_mut(),
            children: 0,
        }
    }

    /// Calls `f(address, length)` for each virtually contiguous piece of
    /// the request's data, in order, covering exactly `payload_size` bytes
    /// from `payload_offset`. `f` may stop the walk with an error.
    ///
    /// # Safety
    /// The payload pointers and callbacks are the caller's, valid while
    /// the request is in flight.
    pub unsafe fn for_each_segment<E>(
        &self,
        mut f: impl FnMut(*mut u8, u32) -> Result<(), E>,
        bad: E,
    ) -> Result<(), E> {
        let mut left = self.payload_size;
        match self.payload {
            Payload::None => {
                if left != 0 {
                    return Err(bad);
                }
            }
            Payload::Contig { buf, .. } => {
                if left != 0 {
                    if buf.is_null() {
                        return Err(bad);
                    }
                    f(buf.add(self.payload_offset as usize), left)?;
                }
            }
            Payload::Sgl {
                reset,
                next,
                cb_arg,
                ..
            } => {
                let (Some(reset), Some(next)) = (reset, next) else {
                    return Err(bad);
                };
                reset(cb_arg, self.payload_offset);
                while left > 0 {
                    let mut addr: *mut c_void = ptr::null_mut();
                    let mut len: u32 = 0;
                    if next(cb_arg, &mut addr, &mut len) != 0 || addr.is_null() || len == 0 {
                        return Err(bad);
                    }
                    let n = len.min(left);
                    f(addr.cast(), n)?;
                    left -= n;
                }
            }
        }
        Ok(())
    }
}
