//! The namespace commands (`spdk_nvme_ns_cmd_*`): building requests,
//! splitting them as SPDK does (on the namespace's optimal I/O boundary,
//! on the largest transfer, and scatter lists into pieces the controller
//! can be given: PRP-compatible runs, or at most `max_sges` SGL
//! elements), and submitting them.
//!
//! Reads and writes allocate nothing: requests come from the queue pair's
//! pool. A split request's children are all built before any is sent, so
//! a shortage (-ENOMEM) sends nothing.

use std::ffi::c_void;
use std::ptr;

use crate::ctrlr::{flags as cflags, Ctrlr};
use crate::ns::{flags as nsflags, Ns};
use crate::qpair::{Qpair, QpairState};
use crate::request::{CmdCb, NextSgeCb, Payload, Request, ResetSglCb};
use crate::spec::cmd::{Cmd, Cpl, DsmRange, SccSourceRange};
use crate::spec::io_flags;

pub const OPC_FLUSH: u8 = 0x00;
pub const OPC_WRITE: u8 = 0x01;
pub const OPC_READ: u8 = 0x02;
pub const OPC_COMPARE: u8 = 0x05;
pub const OPC_WRITE_ZEROES: u8 = 0x08;
pub const OPC_DATASET_MANAGEMENT: u8 = 0x09;
pub const OPC_COPY: u8 = 0x19;
pub const OPC_WRITE_UNCORRECTABLE: u8 = 0x04;
pub const OPC_VERIFY: u8 = 0x0c;
pub const OPC_IO_MGMT_RECV: u8 = 0x12;
pub const OPC_IO_MGMT_SEND: u8 = 0x1d;
pub const OPC_RESERVATION_REGISTER: u8 = 0x0d;
pub const OPC_RESERVATION_REPORT: u8 = 0x0e;
pub const OPC_RESERVATION_ACQUIRE: u8 = 0x11;
pub const OPC_RESERVATION_RELEASE: u8 = 0x15;
pub const OPC_ZONE_MGMT_SEND: u8 = 0x79;
pub const OPC_ZONE_MGMT_RECV: u8 = 0x7a;
pub const OPC_ZONE_APPEND: u8 = 0x7d;

/// Zone Send Action: Set Zone Descriptor Extension.
pub const ZONE_SET_ZDE: u8 = 0x10;

/// Most ranges of one Dataset Management command.
pub const DSM_MAX_RANGES: u16 = 256;
/// Most source ranges of one Copy command (format 0, 8-bit NR).
pub const COPY_MAX_RANGES: u16 = 128;

/// The parts of a read/write-like command besides its data.
#[derive(Clone, Copy, Debug, Default)]
pub struct RwArgs {
    pub lba: u64,
    pub lba_count: u32,
    pub io_flags: u32,
    pub apptag_mask: u16,
    pub apptag: u16,
    pub cdw13: u32,
}

/// Whether `io_flags` has only bits SPDK defines.
pub fn io_flags_valid(f: u32) -> bool {
    if f & !io_flags::VALID_MASK != 0 {
        spdk_log::errlog!("Invalid io_flags 0x{:x}", f);
        return false;
    }
    true
}

/// Requests being built: every one allocated, in allocation order,
/// linked through `next`; those without children are sent.
struct Build {
    head: *mut Request,
    tail: *mut Request,
}

impl Build {
    unsafe fn push(&mut self, r: *mut Request) {
        (*r).next = ptr::null_mut();
        if self.tail.is_null() {
            self.head = r;
        } else {
            (*self.tail).next = r;
        }
        self.tail = r;
    }
}

/// The payload of a piece starting `off` bytes (and `md_off` metadata
/// bytes) into `p`.
fn sub_payload(p: &Payload, md_off: u32) -> Payload {
    match *p {
        Payload::None => Payload::None,
        Payload::Contig { buf, md } => Payload::Contig {
            buf,
            md: if md.is_null() {
                md
            } else {
                md.wrapping_add(md_off as usize)
            },
        },
        Payload::Sgl {
            reset,
            next,
            cb_arg,
            md,
        } => Payload::Sgl {
            reset,
            next,
            cb_arg,
            md: if md.is_null() {
                md
            } else {
                md.wrapping_add(md_off as usize)
            },
        },
    }
}

fn has_md(p: &Payload) -> bool {
    match *p {
        Payload::Contig { md, .. } | Payload::Sgl { md, .. } => !md.is_null(),
        Payload::None => false,
    }
}

/// Fills in a read/write-like command.
fn setup(ns: &Ns, r: &mut Request, opc: u8, lba: u64, count: u32, a: &RwArgs) {
    let c = &mut r.cmd;
    *c = Cmd::new(opc, ns.id);
    c.cdw10 = lba as u32;
    c.cdw11 = (lba >> 32) as u32;
    if ns.flags & nsflags::DPS_PI_SUPPORTED != 0 && matches!(ns.pi_type, 1 | 2) {
        c.cdw14 = lba as u32;
    }
    c.set_fuse((a.io_flags & io_flags::FUSE_MASK) as u8);
    c.cdw12 = (count - 1) | (a.io_flags & io_flags::CDW12_MASK);
    c.cdw13 = a.cdw13;
    c.cdw15 = (a.apptag_mask as u32) << 16 | a.apptag as u32;
}

/// Context of one read/write-like operation being split.
struct Rw<'a> {
    ns: &'a Ns,
    q: *mut Qpair,
    opc: u8,
    a: RwArgs,
    /// Host buffer bytes per block.
    block: u32,
    md_per_block: u32,
    sgl_hw: bool,
    page_size: u32,
    max_sges: u32,
}

impl Rw<'_> {
    /// A child of `parent` covering `count` blocks from `lba`, `off`
    /// bytes (and `md_off` metadata bytes) into the parent's payload.
    unsafe fn child(
        &self,
        b: &mut Build,
        parent: *mut Request,
        off: u32,
        md_off: u32,
        count: u32,
    ) -> Result<*mut Request, i32> {
        let r = (*self.q).alloc_request().ok_or(-libc::ENOMEM)? as *mut Request;
        b.push(r);
        (*r).payload = sub_payload(&(*parent).payload, md_off);
        (*r).payload_offset = (*parent).payload_offset + off;
        (*r).payload_size = count * self.block;
        (*r).md_size = if (*parent).md_size != 0 {
            count * self.md_per_block
        } else {
            0
        };
        (*r).parent = parent;
        (*parent).children += 1;
        Ok(r)
    }

    /// Splits or sets up `r` (covering `count` blocks from `lba`).
    unsafe fn build(
        &self,
        b: &mut Build,
        r: *mut Request,
        lba: u64,
        count: u32,
        check_sgl: bool,
    ) -> Result<(), i32> {
        let ns = self.ns;
        // A zone append is never split on the stripe (nor at all: see
        // zone_append).
        let stripe = if self.opc == OPC_ZONE_APPEND {
            0
        } else {
            ns.sectors_per_stripe
        };
        let max = ns.sectors_per_max_io;
        if stripe > 0 && (lba % stripe as u64) as u32 + count > stripe {
            return self.split(b, r, lba, count, stripe, true);
        }
        if count > max {
            return self.split(b, r, lba, count, max, false);
        }
        if check_sgl && matches!((*r).payload, Payload::Sgl { .. }) {
            return if self.sgl_hw {
                self.split_sgl(b, r, lba, count)
            } else {
                self.split_prp(b, r, lba, count)
            };
        }
        setup(ns, &mut *r, self.opc, lba, count, &self.a);
        Ok(())
    }

    /// Children of at most `per` blocks; with `boundary`, none crosses
    /// a multiple of `per`.
    unsafe fn split(
        &self,
        b: &mut Build,
        r: *mut Request,
        mut lba: u64,
        count: u32,
        per: u32,
        boundary: bool,
    ) -> Result<(), i32> {
        if per == 0 {
            return Err(-libc::EINVAL);
        }
        let mut left = count;
        let (mut off, mut md_off) = (0u32, 0u32);
        while left > 0 {
            let first = if boundary {
                per - (lba % per as u64) as u32
            } else {
                per
            };
            let n = first.min(left);
            let c = self.child(b, r, off, md_off, n)?;
            self.build(b, c, lba, n, true)?;
            left -= n;
            lba += n as u64;
            off += n * self.block;
            md_off += n * self.md_per_block;
        }
        Ok(())
    }

    /// Walks the caller's scatter list of `r`: (address, length) of each
    /// element covering the request, in order.
    unsafe fn sges(
        &self,
        r: *mut Request,
        mut f: impl FnMut(u64, u32) -> Result<(), i32>,
    ) -> Result<(), i32> {
        let Payload::Sgl {
            reset: Some(reset),
            next: Some(next),
            cb_arg,
            ..
        } = (*r).payload
        else {
            return Err(-libc::EINVAL);
        };
        reset(cb_arg, (*r).payload_offset);
        let mut left = (*r).payload_size;
        while left > 0 {
            let mut a: *mut c_void = ptr::null_mut();
            let mut l = 0u32;
            if next(cb_arg, &mut a, &mut l) != 0 || a.is_null() || l == 0 {
                spdk_log::errlog!("scatter list ended or failed before the transfer did");
                return Err(-libc::EINVAL);
            }
            let l = l.min(left);
            f(a as u64, l)?;
            left -= l;
        }
        Ok(())
    }

    /// Splits a scatter list where PRPs cannot continue: an element that
    /// does not start on a page (unless first of its piece) or does not
    /// end on one (unless last).
    unsafe fn split_prp(
        &self,
        b: &mut Build,
        r: *mut Request,
        lba: u64,
        count: u32,
    ) -> Result<(), i32> {
        let mask = self.page_size as u64 - 1;
        let total = (*r).payload_size;
        // Piece boundaries (byte offsets where a new child starts).
        let mut cuts: [u32; 64] = [0; 64];
        let mut ncuts = 0usize;
        let mut pos = 0u32;
        let mut piece_len = 0u32;
        let mut overflow = false;
        self.sges(r, |a, l| {
            let starts_ok = piece_len == 0 || a & mask == 0;
            if !starts_ok {
                if ncuts == cuts.len() {
                    overflow = true;
                    return Err(-libc::EINVAL);
                }
                cuts[ncuts] = pos;
                ncuts += 1;
                piece_len = 0;
            }
            pos += l;
            piece_len += l;
            let last = pos == total;
            if !last && (a + l as u64) & mask != 0 {
                if ncuts == cuts.len() {
                    overflow = true;
                    return Err(-libc::EINVAL);
                }
                cuts[ncuts] = pos;
                ncuts += 1;
                piece_len = 0;
            }
            Ok(())
        })?;
        let _ = overflow;
        if ncuts == 0 {
            setup(self.ns, &mut *r, self.opc, lba, count, &self.a);
            return Ok(());
        }
        self.split_at(b, r, lba, &cuts[..ncuts], total)
    }

    /// Splits `r` into children at byte offsets `cuts` (each a multiple
    /// of the block size, else -EINVAL as SPDK).
    unsafe fn split_at(
        &self,
        b: &mut Build,
        r: *mut Request,
        lba: u64,
        cuts: &[u32],
        total: u32,
    ) -> Result<(), i32> {
        let mut start = 0u32;
        let mut child_lba = lba;
        for &end in cuts.iter().chain(std::iter::once(&total)) {
            if end == start {
                continue;
            }
            let len = end - start;
            if !len.is_multiple_of(self.block) {
                spdk_log::errlog!(
                    "child_length {} not even multiple of lba_size {}",
                    len,
                    self.block
                );
                return Err(-libc::EINVAL);
            }
            let n = len / self.block;
            let md_off = (start / self.block) * self.md_per_block;
            let c = self.child(b, r, start, md_off, n)?;
            setup(self.ns, &mut *c, self.opc, child_lba, n, &self.a);
            child_lba += n as u64;
            start = end;
        }
        Ok(())
    }

    /// Splits a scatter list of more than `max_sges` elements.
    unsafe fn split_sgl(
        &self,
        b: &mut Build,
        r: *mut Request,
        lba: u64,
        count: u32,
    ) -> Result<(), i32> {
        let total = (*r).payload_size;
        let mut cuts: [u32; 64] = [0; 64];
        let mut ncuts = 0usize;
        let mut pos = 0u32;
        let mut in_piece = 0u32;
        let max = self.max_sges.max(1);
        self.sges(r, |_, l| {
            if in_piece == max {
                if ncuts == cuts.len() {
                    return Err(-libc::EINVAL);
                }
                cuts[ncuts] = pos;
                ncuts += 1;
                in_piece = 0;
            }
            in_piece += 1;
            pos += l;
            Ok(())
        })?;
        if ncuts == 0 {
            setup(self.ns, &mut *r, self.opc, lba, count, &self.a);
            return Ok(());
        }
        self.split_at(b, r, lba, &cuts[..ncuts], total)
    }
}

/// Submits a read/write-like command (read, write, compare) of
/// `a.lba_count` blocks with data `payload` (and separate metadata when
/// the payload has it): splits it as needed and sends it.
///
/// Returns 0 (the callback runs from a later poll), -EINVAL for bad
/// arguments or a scatter list that cannot be split into whole blocks,
/// -ENOMEM when the pair has too few free requests now, -ENXIO when the
/// pair is not connected.
///
/// # Safety
/// `ns` and `q` are live and belong to the same controller; the payload
/// stays valid until the callback.
pub unsafe fn rw(
    ns: &Ns,
    q: *mut Qpair,
    opc: u8,
    payload: Payload,
    a: RwArgs,
    cb: CmdCb,
    arg: *mut c_void,
) -> i32 {
    if !io_flags_valid(a.io_flags) || a.lba_count == 0 || !ns.active {
        return -libc::EINVAL;
    }
    if (*q).c.state != QpairState::Connected {
        return -libc::ENXIO;
    }
    let c: &Ctrlr = &*ns.ctrlr;
    let extended = ns.flags & nsflags::EXTENDED_LBA_SUPPORTED != 0;
    let block = host_block_size(ns, a.io_flags);
    let Some(size) = a.lba_count.checked_mul(block) else {
        return -libc::EINVAL;
    };
    let separate_md = !extended && has_md(&payload) && ns.md_size != 0;
    let md_size = if separate_md {
        match a.lba_count.checked_mul(ns.md_size) {
            Some(m) => m,
            None => return -libc::EINVAL,
        }
    } else {
        0
    };
    let Some(r) = (*q).alloc_request() else {
        return -libc::ENOMEM;
    };
    r.payload = payload;
    r.payload_size = size;
    r.md_size = md_size;
    if !separate_md {
        r.payload = sub_payload_without_md(&r.payload);
    }
    r.cb_fn = cb;
    r.cb_arg = arg;
    let r = r as *mut Request;
    let ctx = Rw {
        ns,
        q,
        opc,
        a,
        block,
        md_per_block: if separate_md { ns.md_size } else { 0 },
        sgl_hw: c.flags & cflags::SGL_SUPPORTED != 0,
        page_size: c.page_size,
        max_sges: c.max_sges as u32,
    };
    let mut b = Build {
        head: ptr::null_mut(),
        tail: ptr::null_mut(),
    };
    let check_sgl = matches!(payload, Payload::Sgl { .. });
    let mut built = ctx.build(&mut b, r, a.lba, a.lba_count, check_sgl);
    if built.is_ok() && opc == OPC_ZONE_APPEND && !b.head.is_null() {
        // A zone append cannot be split: the controller picks where it
        // lands. A payload that needs pieces is refused, as SPDK does.
        built = Err(-libc::EINVAL);
    }
    if let Err(e) = built {
        (*q).free_unsubmitted(r, b.head);
        // A request that needs more children than the pair could ever
        // have is invalid, not a temporary shortage.
        if e == -libc::ENOMEM && too_many_children(ns, a.lba_count, (*q).c.opts.io_queue_requests) {
            return -libc::EINVAL;
        }
        return e;
    }
    send(q, r, b.head);
    0
}

/// Bytes per block in the host buffer (SPDK's
/// _nvme_get_host_buffer_sector_size): with PRACT and 8-byte protection
/// information on extended LBAs the controller inserts / strips it.
fn host_block_size(ns: &Ns, io_flags: u32) -> u32 {
    let extended = ns.flags & nsflags::EXTENDED_LBA_SUPPORTED != 0;
    let pi_stripped = io_flags & io_flags::PRACT != 0
        && extended
        && ns.flags & nsflags::DPS_PI_SUPPORTED != 0
        && ns.md_size == 8;
    if pi_stripped {
        ns.sector_size
    } else {
        ns.extended_lba_size
    }
}

/// Submits a Zone Append of `a.lba_count` blocks to the zone starting at
/// `a.lba`; the completion's CDW0 (low) and CDW1 (high) hold the LBA the
/// data was written at. Never split: -EINVAL when the controller has no
/// zone append, the namespace is not zoned, the data is larger than the
/// largest zone append, or the scatter list would need more than one
/// command; otherwise as [`rw`].
///
/// # Safety
/// As [`rw`].
pub unsafe fn zone_append(
    ns: &Ns,
    q: *mut Qpair,
    payload: Payload,
    a: RwArgs,
    cb: CmdCb,
    arg: *mut c_void,
) -> i32 {
    if !io_flags_valid(a.io_flags) {
        return -libc::EINVAL;
    }
    let Some(c) = ns.ctrlr.as_ref() else {
        return -libc::EINVAL;
    };
    if c.flags & cflags::ZONE_APPEND_SUPPORTED == 0 || ns.zns.is_none() {
        return -libc::EINVAL;
    }
    let bytes = a.lba_count as u64 * host_block_size(ns, a.io_flags) as u64;
    if bytes > c.max_zone_append_size as u64 {
        return -libc::EINVAL;
    }
    rw(ns, q, OPC_ZONE_APPEND, payload, a, cb, arg)
}

/// Zone Management Send: `action` (a Zone Send Action) on the zone
/// starting at `slba`, or on every zone it applies to with `select_all`
/// (then SLBA is not sent).
///
/// # Safety
/// As [`rw`].
pub unsafe fn zone_mgmt_send(
    ns: &Ns,
    q: *mut Qpair,
    slba: u64,
    select_all: bool,
    action: u8,
    cb: CmdCb,
    arg: *mut c_void,
) -> i32 {
    let mut cmd = Cmd::new(OPC_ZONE_MGMT_SEND, ns.id);
    if !select_all {
        cmd.cdw10 = slba as u32;
        cmd.cdw11 = (slba >> 32) as u32;
    }
    cmd.cdw13 = action as u32 | (select_all as u32) << 8;
    simple(q, cmd, cb, arg)
}

/// Set Zone Descriptor Extension of the zone at `slba` from `data` (the
/// caller's memory; a DMA copy is sent).
///
/// # Safety
/// As [`rw`].
pub unsafe fn set_zone_desc_ext(
    ns: &Ns,
    q: *mut Qpair,
    slba: u64,
    data: &[u8],
    cb: CmdCb,
    arg: *mut c_void,
) -> i32 {
    if data.is_empty() {
        return -libc::EINVAL;
    }
    let mut cmd = Cmd::new(OPC_ZONE_MGMT_SEND, ns.id);
    cmd.cdw10 = slba as u32;
    cmd.cdw11 = (slba >> 32) as u32;
    cmd.cdw13 = ZONE_SET_ZDE as u32;
    with_copy(q, cmd, data, cb, arg)
}

/// Zone Management Receive into `out` (the caller's memory, at least 4
/// bytes; a DMA buffer is filled and copied there): `action` (Zone
/// Receive Action), `spec_field` (its specific field: the report's state
/// filter) and `partial` (the report counts only the zones it holds).
///
/// # Safety
/// As [`rw`]; `out` stays valid until the callback.
#[allow(clippy::too_many_arguments)]
pub unsafe fn zone_mgmt_recv(
    ns: &Ns,
    q: *mut Qpair,
    out: &mut [u8],
    slba: u64,
    action: u8,
    spec_field: u8,
    partial: bool,
    cb: CmdCb,
    arg: *mut c_void,
) -> i32 {
    let len = out.len();
    if len < 4 || len > u32::MAX as usize {
        return -libc::EINVAL;
    }
    let mut cmd = Cmd::new(OPC_ZONE_MGMT_RECV, ns.id);
    cmd.cdw10 = slba as u32;
    cmd.cdw11 = (slba >> 32) as u32;
    // Dwords, 0's based.
    cmd.cdw12 = (len / 4) as u32 - 1;
    cmd.cdw13 = action as u32 | (spec_field as u32) << 8 | (partial as u32) << 16;
    bounced(q, cmd, out.as_mut_ptr(), len, true, cb, arg)
}

fn sub_payload_without_md(p: &Payload) -> Payload {
    match *p {
        Payload::Contig { buf, .. } => Payload::Contig {
            buf,
            md: ptr::null_mut(),
        },
        Payload::Sgl {
            reset,
            next,
            cb_arg,
            ..
        } => Payload::Sgl {
            reset,
            next,
            cb_arg,
            md: ptr::null_mut(),
        },
        Payload::None => Payload::None,
    }
}

fn too_many_children(ns: &Ns, count: u32, qdepth: u32) -> bool {
    let per = if ns.sectors_per_stripe > 0 {
        ns.sectors_per_stripe
    } else {
        ns.sectors_per_max_io
    };
    if per == 0 {
        return true;
    }
    count.div_ceil(per) > qdepth
}

/// Sends a built request: itself, or the leaves of its tree.
unsafe fn send(q: *mut Qpair, root: *mut Request, mut chain: *mut Request) {
    if chain.is_null() {
        (*q).submit_leaf(root);
        return;
    }
    while !chain.is_null() {
        let n = (*chain).next;
        if (*chain).children == 0 {
            (*q).submit_leaf(chain);
        }
        chain = n;
    }
}

/// Submits a command without data to the namespace's queue pair.
unsafe fn simple(q: *mut Qpair, cmd: Cmd, cb: CmdCb, arg: *mut c_void) -> i32 {
    if (*q).c.state != QpairState::Connected {
        return -libc::ENXIO;
    }
    let Some(r) = (*q).alloc_request() else {
        return -libc::ENOMEM;
    };
    r.cmd = cmd;
    r.cb_fn = cb;
    r.cb_arg = arg;
    let r = r as *mut Request;
    (*q).submit_leaf(r);
    0
}

/// Flush.
///
/// # Safety
/// As [`rw`].
pub unsafe fn flush(ns: &Ns, q: *mut Qpair, cb: CmdCb, arg: *mut c_void) -> i32 {
    simple(q, Cmd::new(OPC_FLUSH, ns.id), cb, arg)
}

/// Write Zeroes of up to 65536 blocks.
///
/// # Safety
/// As [`rw`].
pub unsafe fn write_zeroes(
    ns: &Ns,
    q: *mut Qpair,
    lba: u64,
    count: u32,
    cb: CmdCb,
    arg: *mut c_void,
    flags: u32,
) -> i32 {
    if !io_flags_valid(flags) || count == 0 || count > 65536 {
        return -libc::EINVAL;
    }
    let mut cmd = Cmd::new(OPC_WRITE_ZEROES, ns.id);
    cmd.cdw10 = lba as u32;
    cmd.cdw11 = (lba >> 32) as u32;
    cmd.cdw12 = (count - 1) | (flags & io_flags::CDW12_MASK);
    simple(q, cmd, cb, arg)
}

/// A command on a block range without data: Verify (with `flags`'
/// CDW12 bits) or Write Uncorrectable. 1 to 65536 blocks.
///
/// # Safety
/// As [`rw`].
#[allow(clippy::too_many_arguments)]
pub unsafe fn range_only(
    ns: &Ns,
    q: *mut Qpair,
    opc: u8,
    lba: u64,
    count: u32,
    cb: CmdCb,
    arg: *mut c_void,
    flags: u32,
) -> i32 {
    if !io_flags_valid(flags) || count == 0 || count > 65536 {
        return -libc::EINVAL;
    }
    let mut cmd = Cmd::new(opc, ns.id);
    cmd.cdw10 = lba as u32;
    cmd.cdw11 = (lba >> 32) as u32;
    cmd.cdw12 = (count - 1) | (flags & io_flags::CDW12_MASK);
    simple(q, cmd, cb, arg)
}

/// A DMA copy of the caller's command data (DSM and Copy ranges,
/// reservation data need not be DMA-able memory), freed with the command;
/// data from the controller is copied back to `user` first.
struct Bounce {
    buf: std::ptr::NonNull<u8>,
    cb: CmdCb,
    arg: *mut c_void,
    /// Where data from the controller goes (NULL: data went to it).
    user: *mut u8,
    len: usize,
}

unsafe extern "C" fn bounce_done(arg: *mut c_void, cpl: *const Cpl) {
    let b = Box::from_raw(arg as *mut Bounce);
    if !b.user.is_null() {
        // As SPDK, whatever the status: the caller reads what it needs.
        ptr::copy_nonoverlapping(b.buf.as_ptr(), b.user, b.len);
    }
    spdk_env::memory::dma_free(b.buf);
    if let Some(cb) = b.cb {
        cb(b.arg, cpl);
    }
}

/// Submits `cmd` with a DMA copy of `data`.
unsafe fn with_copy(q: *mut Qpair, cmd: Cmd, data: &[u8], cb: CmdCb, arg: *mut c_void) -> i32 {
    bounced(q, cmd, data.as_ptr().cast_mut(), data.len(), false, cb, arg)
}

/// Submits `cmd` with `len` bytes at `user` bounced through DMA memory:
/// copied in first, or (`to_host`) copied back on completion.
pub(crate) unsafe fn bounced(
    q: *mut Qpair,
    cmd: Cmd,
    user: *mut u8,
    len: usize,
    to_host: bool,
    cb: CmdCb,
    arg: *mut c_void,
) -> i32 {
    if (*q).c.state != QpairState::Connected {
        return -libc::ENXIO;
    }
    let Some(buf) = spdk_env::memory::dma_alloc(len, 4096, -1) else {
        return -libc::ENOMEM;
    };
    if to_host {
        ptr::write_bytes(buf.as_ptr(), 0, len);
    } else {
        ptr::copy_nonoverlapping(user, buf.as_ptr(), len);
    }
    let Some(r) = (*q).alloc_request() else {
        spdk_env::memory::dma_free(buf);
        return -libc::ENOMEM;
    };
    let user = if to_host { user } else { ptr::null_mut() };
    let b = Box::into_raw(Box::new(Bounce {
        buf,
        cb,
        arg,
        user,
        len,
    }));
    r.cmd = cmd;
    r.payload = Payload::Contig {
        buf: buf.as_ptr(),
        md: ptr::null_mut(),
    };
    r.payload_size = len as u32;
    r.cb_fn = Some(bounce_done);
    r.cb_arg = b.cast();
    let r = r as *mut Request;
    (*q).submit_leaf(r);
    0
}

/// Dataset Management of `ranges` with attributes `attrs` (CDW11: bit 2
/// deallocate, bit 1 write, bit 0 read hints).
///
/// # Safety
/// As [`rw`].
pub unsafe fn dataset_management(
    ns: &Ns,
    q: *mut Qpair,
    attrs: u32,
    ranges: &[DsmRange],
    cb: CmdCb,
    arg: *mut c_void,
) -> i32 {
    if ranges.is_empty() || ranges.len() > DSM_MAX_RANGES as usize {
        return -libc::EINVAL;
    }
    let mut cmd = Cmd::new(OPC_DATASET_MANAGEMENT, ns.id);
    cmd.cdw10 = ranges.len() as u32 - 1;
    cmd.cdw11 = attrs;
    let bytes =
        std::slice::from_raw_parts(ranges.as_ptr().cast::<u8>(), std::mem::size_of_val(ranges));
    with_copy(q, cmd, bytes, cb, arg)
}

/// Copy of `ranges` (format 0) to `dest_lba`.
///
/// # Safety
/// As [`rw`].
pub unsafe fn copy(
    ns: &Ns,
    q: *mut Qpair,
    ranges: &[SccSourceRange],
    dest_lba: u64,
    cb: CmdCb,
    arg: *mut c_void,
) -> i32 {
    if ranges.is_empty() || ranges.len() > COPY_MAX_RANGES as usize {
        return -libc::EINVAL;
    }
    let mut cmd = Cmd::new(OPC_COPY, ns.id);
    cmd.cdw10 = dest_lba as u32;
    cmd.cdw11 = (dest_lba >> 32) as u32;
    cmd.cdw12 = ranges.len() as u32 - 1;
    let bytes =
        std::slice::from_raw_parts(ranges.as_ptr().cast::<u8>(), std::mem::size_of_val(ranges));
    with_copy(q, cmd, bytes, cb, arg)
}

/// I/O Management Receive (`to_host`, `len` a non-zero multiple of 4) or
/// Send of management operation `mo` with its specific field `mos`; the
/// caller's buffer need not be DMA-able (copied through DMA memory).
///
/// # Safety
/// As [`rw`]; `buf` holds `len` bytes until the callback.
#[allow(clippy::too_many_arguments)]
pub unsafe fn io_mgmt(
    ns: &Ns,
    q: *mut Qpair,
    buf: *mut u8,
    len: u32,
    mo: u8,
    mos: u16,
    to_host: bool,
    cb: CmdCb,
    arg: *mut c_void,
) -> i32 {
    let opc = if to_host {
        OPC_IO_MGMT_RECV
    } else {
        OPC_IO_MGMT_SEND
    };
    let mut cmd = Cmd::new(opc, ns.id);
    cmd.cdw10 = mo as u32 | (mos as u32) << 16;
    if to_host {
        if len == 0 || !len.is_multiple_of(4) {
            return -libc::EINVAL;
        }
        cmd.cdw11 = len / 4 - 1;
    }
    if len == 0 {
        return simple(q, cmd, cb, arg);
    }
    if buf.is_null() {
        return -libc::EINVAL;
    }
    bounced(q, cmd, buf, len as usize, to_host, cb, arg)
}

/// Reservation Register / Acquire / Release (opcodes 0Dh, 11h, 15h): the
/// caller's CDW10 and its key data, copied.
///
/// # Safety
/// As [`rw`]; `data` is readable.
pub unsafe fn reservation(
    ns: &Ns,
    q: *mut Qpair,
    opc: u8,
    cdw10: u32,
    data: &[u8],
    cb: CmdCb,
    arg: *mut c_void,
) -> i32 {
    let mut cmd = Cmd::new(opc, ns.id);
    cmd.cdw10 = cdw10;
    with_copy(q, cmd, data, cb, arg)
}

/// Reservation Report into `len` bytes (a multiple of 4) at `buf`, which
/// need not be DMA-able; with the extended data structure when the
/// controller uses 128-bit host identifiers, as SPDK.
///
/// # Safety
/// As [`rw`]; `buf` is writable for `len` bytes until the callback.
pub unsafe fn reservation_report(
    ns: &Ns,
    q: *mut Qpair,
    buf: *mut u8,
    len: u32,
    cb: CmdCb,
    arg: *mut c_void,
) -> i32 {
    if len == 0 || !len.is_multiple_of(4) {
        return -libc::EINVAL;
    }
    let mut cmd = Cmd::new(OPC_RESERVATION_REPORT, ns.id);
    cmd.cdw10 = len / 4 - 1;
    // SAFETY: a namespace lives inside its controller.
    let ctratt = { (*ns.ctrlr).cdata.ctratt };
    let ext = ctratt.host_id_exhid_supported() != 0;
    cmd.cdw11 = ext as u32;
    bounced(q, cmd, buf, len as usize, true, cb, arg)
}

/// Submits the caller's command as it is (`spdk_nvme_ctrlr_cmd_io_raw`):
/// its data is `len` bytes at `buf` (DMA-able), metadata `md_len` at `md`.
///
/// # Safety
/// `q` is live; buffers stay valid until the callback.
#[allow(clippy::too_many_arguments)]
pub unsafe fn raw(
    q: *mut Qpair,
    cmd: &Cmd,
    buf: *mut u8,
    len: u32,
    md: *mut u8,
    md_len: u32,
    cb: CmdCb,
    arg: *mut c_void,
) -> i32 {
    let payload = if len != 0 || md_len != 0 {
        Payload::Contig { buf, md }
    } else {
        Payload::None
    };
    raw_payload(q, cmd, payload, len, md_len, cb, arg)
}

/// [`raw`] with any payload (a scatter list walked through the caller's
/// callbacks for `spdk_nvme_ctrlr_cmd_iov_raw_with_md`).
///
/// # Safety
/// As [`raw`].
pub unsafe fn raw_payload(
    q: *mut Qpair,
    cmd: &Cmd,
    payload: Payload,
    len: u32,
    md_len: u32,
    cb: CmdCb,
    arg: *mut c_void,
) -> i32 {
    if (*q).c.state != QpairState::Connected {
        return -libc::ENXIO;
    }
    let Some(r) = (*q).alloc_request() else {
        return -libc::ENOMEM;
    };
    r.cmd = *cmd;
    r.payload = payload;
    r.payload_size = len;
    r.md_size = md_len;
    r.cb_fn = cb;
    r.cb_arg = arg;
    let r = r as *mut Request;
    (*q).submit_leaf(r);
    0
}

/// The SGL callbacks of a scattered payload.
pub fn sgl_payload(
    reset: ResetSglCb,
    next: NextSgeCb,
    cb_arg: *mut c_void,
    md: *mut c_void,
) -> Payload {
    Payload::Sgl {
        reset,
        next,
        cb_arg,
        md: md.cast(),
    }
}
