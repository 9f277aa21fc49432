//! A PCIe queue pair: a submission and a completion ring in DMA memory,
//! the phase bit, and the two doorbells, which are plain pointers (BAR0 of
//! a real controller, or memory of the in-memory model).
//!
//! Doorbells are rung sparingly: with `delay_cmd_submit` the SQ tail is
//! written once per [`QpairTransport::flush`] (the core flushes after
//! each completion batch), and the CQ head once per reaped batch. With
//! shadow doorbells (Doorbell Buffer Config) the values go to memory and
//! MMIO is written only when the controller's event index asks for it.
//!
//! The core owns command identifiers: CIDs `0..slots()` select the slot's
//! PRP/SGL list memory. [`PcieQpair::exec_internal`] lets the transport
//! itself run an admin command (queue creation) with a CID the core never
//! uses, keeping the core's completions that arrive meanwhile.

use std::ptr::{self, NonNull};

use super::prp::{self, ListArea, Vtophys};
use crate::kind::DoorbellStats;
use crate::request::Request;
use crate::spec::cmd::{Cmd, Cpl};
use crate::transport::{QpairTransport, QueueFull};

/// The CID of commands the transport sends on its own.
pub const INTERNAL_CID: u16 = 0xffff;

/// How to build a queue pair.
#[derive(Clone, Copy, Debug)]
pub struct QueueConfig {
    pub qid: u16,
    /// Entries of each ring, 2..=65536.
    pub entries: u32,
    /// The controller's memory page size (CC.MPS), a power of two >= 4096.
    pub page_size: u32,
    /// Largest data transfer of one command: sizes the per-slot list memory.
    pub max_xfer: u32,
    /// Describe data with SGL descriptors instead of PRPs.
    pub sgl: bool,
    /// The controller's SGL support requires dword alignment.
    pub sgl_dword_aligned: bool,
    /// Ring the SQ doorbell on flush only.
    pub delay_cmd_submit: bool,
}

/// The doorbell registers of a queue pair.
#[derive(Clone, Copy, Debug)]
pub struct Doorbells {
    pub sq_tdbl: *mut u32,
    pub cq_hdbl: *mut u32,
}

/// Shadow doorbells and event indexes of a queue pair (host memory shared
/// with the controller).
#[derive(Clone, Copy, Debug)]
pub struct Shadow {
    pub sq_tdbl: *mut u32,
    pub cq_hdbl: *mut u32,
    pub sq_eventidx: *const u32,
    pub cq_eventidx: *const u32,
}

/// Orders ring and list writes before the doorbell write that publishes
/// them to the controller.
#[inline(always)]
fn wmb() {
    #[cfg(target_arch = "aarch64")]
    // SAFETY: a barrier instruction.
    unsafe {
        core::arch::asm!("dmb oshst", options(nostack, preserves_flags))
    };
    #[cfg(not(target_arch = "aarch64"))]
    core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
}

/// Orders the read of a completion's phase before the read of the rest.
#[inline(always)]
fn rmb() {
    #[cfg(target_arch = "aarch64")]
    // SAFETY: a barrier instruction.
    unsafe {
        core::arch::asm!("dmb oshld", options(nostack, preserves_flags))
    };
    #[cfg(not(target_arch = "aarch64"))]
    core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
}

/// Full barrier: the shadow doorbell store before the event index load.
#[inline(always)]
fn mb() {
    core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
}

/// Whether moving a doorbell from `old` to `new` reaches the controller's
/// event index (it lies in `old..=new`, modulo 2^16), so that it must be
/// told through MMIO.
#[inline]
pub fn need_event(event_idx: u16, new: u16, old: u16) -> bool {
    new.wrapping_sub(event_idx) <= new.wrapping_sub(old)
}

/// DMA memory owned by a queue pair.
struct Dma(NonNull<u8>);

impl Dma {
    fn zeroed(size: usize, align: usize) -> Result<(Dma, u64), i32> {
        let p = spdk_env::memory::dma_alloc(size, align, -1).ok_or(-libc::ENOMEM)?;
        // SAFETY: a fresh block of `size` bytes.
        unsafe { ptr::write_bytes(p.as_ptr(), 0, size) };
        let d = Dma(p);
        let mut len = size as u64;
        match spdk_env::init::vtophys(p.as_ptr() as u64, Some(&mut len)) {
            Some(iova) if len >= size as u64 => Ok((d, iova)),
            _ => {
                spdk_log::errlog!("no contiguous IOVA for {} bytes of queue memory", size);
                Err(-libc::EFAULT)
            }
        }
    }
}

impl Drop for Dma {
    fn drop(&mut self) {
        spdk_env::memory::dma_free(self.0);
    }
}

/// A PCIe submission/completion queue pair.
pub struct PcieQpair {
    sq: *mut Cmd,
    cq: *const Cpl,
    entries: u32,
    sq_tail: u32,
    /// The tail the controller was last told.
    last_sq_tail: u32,
    /// The controller's SQ head, from completions.
    sq_head: u32,
    cq_head: u32,
    phase: u16,
    /// The last command was the first of a fused pair: wait for the second.
    fuse_pending: bool,
    delay_cmd_submit: bool,
    sgl: bool,
    sgl_dword_aligned: bool,
    page_size: u32,
    db: Doorbells,
    shadow: Option<Shadow>,
    lists: *mut u8,
    lists_iova: u64,
    list_stride: u32,
    slots: u32,
    qid: u16,
    sq_iova: u64,
    cq_iova: u64,
    /// Completions of the core reaped while an internal command waited.
    stash: Box<[Cpl]>,
    stash_head: usize,
    stash_len: usize,
    /// Doorbell writes (statistics of the poll group).
    db_stats: DoorbellStats,
    _mem: [Dma; 3],
}

// SAFETY: the rings and lists are owned by the pair; the doorbell pointers
// are registers or memory that outlive it. One thread uses it at a time.
unsafe impl Send for PcieQpair {}

impl PcieQpair {
    /// Allocates the rings (zeroed, phase 1 expected first) and the list
    /// memory of each slot. The doorbells must stay valid for the pair's
    /// life.
    pub fn new(cfg: &QueueConfig, db: Doorbells) -> Result<PcieQpair, i32> {
        if !(2..=65536).contains(&cfg.entries)
            || !cfg.page_size.is_power_of_two()
            || cfg.page_size < 4096
            || db.sq_tdbl.is_null()
            || db.cq_hdbl.is_null()
        {
            return Err(-libc::EINVAL);
        }
        let entries = cfg.entries as usize;
        let page = cfg.page_size as usize;
        let (sq, sq_iova) = Dma::zeroed(entries * 64, page)?;
        let (cq, cq_iova) = Dma::zeroed(entries * 16, page)?;
        let slots = cfg.entries - 1;
        let stride = prp::list_bytes_for(cfg.max_xfer.max(cfg.page_size), cfg.page_size);
        let (lists, lists_iova) = Dma::zeroed(slots as usize * stride as usize, page)?;
        Ok(PcieQpair {
            sq: sq.0.as_ptr().cast(),
            cq: cq.0.as_ptr().cast(),
            entries: cfg.entries,
            sq_tail: 0,
            last_sq_tail: 0,
            sq_head: 0,
            cq_head: 0,
            phase: 1,
            fuse_pending: false,
            delay_cmd_submit: cfg.delay_cmd_submit,
            sgl: cfg.sgl,
            sgl_dword_aligned: cfg.sgl_dword_aligned,
            page_size: cfg.page_size,
            db,
            shadow: None,
            lists: lists.0.as_ptr(),
            lists_iova,
            list_stride: stride,
            slots,
            qid: cfg.qid,
            sq_iova,
            cq_iova,
            stash: vec![Cpl::default(); entries].into_boxed_slice(),
            stash_head: 0,
            stash_len: 0,
            db_stats: DoorbellStats::default(),
            _mem: [sq, cq, lists],
        })
    }

    /// IOVA of the submission ring (ASQ, Create I/O SQ's PRP1).
    pub fn sq_iova(&self) -> u64 {
        self.sq_iova
    }

    /// IOVA of the completion ring (ACQ, Create I/O CQ's PRP1).
    pub fn cq_iova(&self) -> u64 {
        self.cq_iova
    }

    /// Ring entries.
    pub fn entries(&self) -> u32 {
        self.entries
    }

    /// CIDs the core may use: `0..slots()`, as many as fit in the ring.
    pub fn slots(&self) -> u32 {
        self.slots
    }

    /// Most SGL descriptors (or PRP list entries) of one command.
    pub fn max_sges(&self) -> u32 {
        if self.sgl {
            self.list_stride / 16
        } else {
            self.list_stride / 8
        }
    }

    /// Uses shadow doorbells from now on (after a successful Doorbell
    /// Buffer Config). The pointers must stay valid for the pair's life.
    ///
    /// # Safety
    /// The pointers are valid, aligned doorbell and event index slots.
    pub unsafe fn set_shadow(&mut self, s: Shadow) {
        s.sq_tdbl.write_volatile(self.last_sq_tail);
        s.cq_hdbl.write_volatile(self.cq_head);
        self.shadow = Some(s);
    }

    /// Doorbell writes so far, MMIO and shadow.
    pub fn doorbell_stats(&self) -> DoorbellStats {
        self.db_stats
    }

    /// Whether shadow doorbells are in use.
    pub fn has_shadow(&self) -> bool {
        self.shadow.is_some()
    }

    #[inline]
    fn list_area(&self, cid: u32) -> ListArea {
        let off = cid as usize * self.list_stride as usize;
        ListArea {
            // SAFETY: cid < slots, inside the list memory.
            va: unsafe { self.lists.add(off) },
            iova: self.lists_iova + off as u64,
            bytes: self.list_stride,
        }
    }

    #[inline]
    fn next(&self, i: u32) -> u32 {
        if i + 1 == self.entries {
            0
        } else {
            i + 1
        }
    }

    #[inline]
    fn sq_full(&self) -> bool {
        self.next(self.sq_tail) == self.sq_head
    }

    /// Copies `cmd` into the tail slot and advances the tail.
    #[inline]
    fn push(&mut self, cmd: &Cmd) {
        // SAFETY: sq_tail < entries.
        unsafe { ptr::write_volatile(self.sq.add(self.sq_tail as usize), *cmd) };
        self.sq_tail = self.next(self.sq_tail);
    }

    /// Tells the controller about new submissions.
    #[inline]
    fn ring_sq(&mut self) {
        if self.sq_tail == self.last_sq_tail || self.fuse_pending {
            return;
        }
        wmb();
        let tail = self.sq_tail;
        let mmio = match self.shadow {
            None => true,
            // SAFETY: set_shadow's pointers.
            Some(s) => unsafe {
                self.db_stats.sq_shadow += 1;
                let old = s.sq_tdbl.read_volatile();
                s.sq_tdbl.write_volatile(tail);
                mb();
                need_event(
                    s.sq_eventidx.read_volatile() as u16,
                    tail as u16,
                    old as u16,
                )
            },
        };
        if mmio {
            self.db_stats.sq_mmio += 1;
            // SAFETY: the doorbell register.
            unsafe { self.db.sq_tdbl.write_volatile(tail) };
        }
        self.last_sq_tail = tail;
    }

    /// Gives reaped completion slots back to the controller.
    #[inline]
    fn ring_cq(&mut self) {
        let head = self.cq_head;
        let mmio = match self.shadow {
            None => true,
            // SAFETY: set_shadow's pointers.
            Some(s) => unsafe {
                self.db_stats.cq_shadow += 1;
                wmb();
                let old = s.cq_hdbl.read_volatile();
                s.cq_hdbl.write_volatile(head);
                mb();
                need_event(
                    s.cq_eventidx.read_volatile() as u16,
                    head as u16,
                    old as u16,
                )
            },
        };
        if mmio {
            self.db_stats.cq_mmio += 1;
            // SAFETY: the doorbell register.
            unsafe { self.db.cq_hdbl.write_volatile(head) };
        }
    }

    /// The completion at the CQ head when the controller has posted it.
    #[inline]
    fn peek(&self) -> Option<Cpl> {
        // SAFETY: cq_head < entries; the controller writes the ring.
        unsafe {
            let slot = self.cq.add(self.cq_head as usize);
            let status = ptr::read_volatile(ptr::addr_of!((*slot).status));
            if status.p() != self.phase {
                return None;
            }
            rmb();
            Some(ptr::read_volatile(slot))
        }
    }

    #[inline]
    fn advance_cq(&mut self, cpl: &Cpl) {
        self.cq_head = self.next(self.cq_head);
        if self.cq_head == 0 {
            self.phase ^= 1;
        }
        let sqhd = cpl.sqhd as u32;
        if sqhd < self.entries {
            self.sq_head = sqhd;
        } else {
            spdk_log::errlog!(
                "qpair {}: completion with SQ head {} beyond {} entries",
                self.qid,
                sqhd,
                self.entries
            );
        }
    }

    /// Sends `cmd` (its data pointer already set) with [`INTERNAL_CID`]
    /// and waits for its completion, calling `poll` between looks (the
    /// model plays the device there) for up to `timeout_us`. Completions
    /// of other commands are kept for the next
    /// [`QpairTransport::process_completions`].
    ///
    /// -EBUSY when the ring is full, -ETIMEDOUT when no completion came
    /// (the command may still complete later; the core then logs an
    /// unknown CID).
    pub fn exec_internal(
        &mut self,
        mut cmd: Cmd,
        poll: &mut dyn FnMut(),
        timeout_us: u64,
    ) -> Result<Cpl, i32> {
        if self.sq_full() {
            return Err(-libc::EBUSY);
        }
        cmd.cid = INTERNAL_CID;
        self.push(&cmd);
        self.fuse_pending = false;
        self.ring_sq();
        let hz = spdk_env::ticks_hz();
        let deadline = spdk_env::ticks().saturating_add(timeout_us.saturating_mul(hz) / 1_000_000);
        loop {
            poll();
            let mut found = None;
            let mut reaped = 0;
            while let Some(cpl) = self.peek() {
                self.advance_cq(&cpl);
                reaped += 1;
                if cpl.cid == INTERNAL_CID && found.is_none() {
                    found = Some(cpl);
                    break;
                }
                if self.stash_len == self.stash.len() {
                    spdk_log::errlog!("qpair {}: completion stash full, dropping one", self.qid);
                    continue;
                }
                let i = (self.stash_head + self.stash_len) % self.stash.len();
                self.stash[i] = cpl;
                self.stash_len += 1;
            }
            if reaped > 0 {
                self.ring_cq();
            }
            if let Some(c) = found {
                return Ok(c);
            }
            if spdk_env::ticks() > deadline {
                return Err(-libc::ETIMEDOUT);
            }
        }
    }
}

impl QpairTransport for PcieQpair {
    #[inline]
    fn submit(&mut self, req: &mut Request) -> Result<(), Result<QueueFull, i32>> {
        let cid = req.cmd.cid as u32;
        if cid >= self.slots {
            return Err(Err(-libc::EINVAL));
        }
        if self.sq_full() {
            return Err(Ok(QueueFull));
        }
        if req.payload_size != 0 || req.md_size != 0 {
            let list = self.list_area(cid);
            // SAFETY: the payload is the caller's, valid while in flight;
            // the list memory is this slot's.
            let r = unsafe {
                if self.sgl {
                    prp::build_sgl(req, &list, self.sgl_dword_aligned, &Vtophys)
                } else {
                    prp::build_prps(req, self.page_size, &list, &Vtophys)
                }
            };
            if let Err(e) = r {
                spdk_log::errlog!(
                    "qpair {}: payload cannot be mapped for the controller (cid {})",
                    self.qid,
                    cid
                );
                return Err(Err(e));
            }
        } else {
            req.cmd.set_psdt(prp::PSDT_PRP);
        }
        self.push(&req.cmd);
        self.fuse_pending = req.cmd.fuse() == 1;
        if !self.delay_cmd_submit {
            self.ring_sq();
        }
        Ok(())
    }

    #[inline]
    fn flush(&mut self) {
        self.ring_sq();
    }

    #[inline]
    fn process_completions(&mut self, max: u32, done: &mut dyn FnMut(&Cpl)) -> Result<u32, i32> {
        let max = if max == 0 || max >= self.entries {
            self.entries - 1
        } else {
            max
        };
        let mut n = 0;
        while self.stash_len > 0 && n < max {
            let c = self.stash[self.stash_head];
            self.stash_head = (self.stash_head + 1) % self.stash.len();
            self.stash_len -= 1;
            done(&c);
            n += 1;
        }
        let mut reaped = 0;
        while n < max {
            let Some(cpl) = self.peek() else { break };
            self.advance_cq(&cpl);
            reaped += 1;
            n += 1;
            done(&cpl);
        }
        if reaped > 0 {
            self.ring_cq();
        }
        Ok(n)
    }

    #[inline]
    fn qid(&self) -> u16 {
        self.qid
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Payload;
    use crate::spec::cmd::Status;

    /// Doorbell registers in memory, as the model has them.
    struct Regs([u32; 2]);

    fn pair(entries: u32, delay: bool, regs: &mut Regs) -> PcieQpair {
        crate::model::ensure_env();
        let cfg = QueueConfig {
            qid: 1,
            entries,
            page_size: 4096,
            max_xfer: 128 << 10,
            sgl: false,
            sgl_dword_aligned: false,
            delay_cmd_submit: delay,
        };
        let db = Doorbells {
            sq_tdbl: &mut regs.0[0],
            cq_hdbl: &mut regs.0[1],
        };
        PcieQpair::new(&cfg, db).unwrap()
    }

    /// Posts a completion as a controller would.
    fn post(q: &PcieQpair, slot: u32, cid: u16, phase: u16, sqhd: u16) {
        let c = Cpl {
            sqhd,
            sqid: 1,
            cid,
            status: Status::new(0, 0).with_p(phase),
            ..Default::default()
        };
        unsafe { ptr::write_volatile(q.cq.add(slot as usize) as *mut Cpl, c) };
    }

    #[test]
    fn submit_batch_and_reap() {
        let mut regs = Regs([0; 2]);
        let mut q = pair(4, true, &mut regs);
        let buf = spdk_env::memory::dma_alloc(8192, 4096, -1).unwrap();
        let mut reqs: Vec<Request> = (0..4).map(|_| Request::empty()).collect();
        for (i, r) in reqs.iter_mut().enumerate().take(3) {
            r.cmd = Cmd::new(2, 1);
            r.cmd.cid = i as u16;
            r.payload = Payload::Contig {
                buf: buf.as_ptr(),
                md: ptr::null_mut(),
            };
            r.payload_size = 8192;
            q.submit(r).unwrap();
        }
        // Delayed: nothing rung until the flush, then once.
        assert_eq!(regs.0[0], 0);
        // Three of four entries: the ring is full.
        reqs[3].cmd.cid = 2;
        assert_eq!(q.submit(&mut reqs[3]), Err(Ok(QueueFull)));
        q.flush();
        assert_eq!(regs.0[0], 3);
        let sent = unsafe { ptr::read_volatile(q.sq.add(1)) };
        assert_eq!((sent.cid, sent.dptr.prp1), (1, buf.as_ptr() as u64));
        assert_eq!(sent.dptr.prp2, buf.as_ptr() as u64 + 4096);
        // Two completions, the second out of order.
        post(&q, 0, 2, 1, 1);
        post(&q, 1, 0, 1, 3);
        let mut got = vec![];
        assert_eq!(q.process_completions(0, &mut |c| got.push(c.cid)), Ok(2));
        assert_eq!(got, vec![2, 0]);
        assert_eq!(regs.0[1], 2);
        // Nothing more; then the last slot and a wrap to phase 0.
        assert_eq!(q.process_completions(0, &mut |_| ()), Ok(0));
        post(&q, 2, 1, 1, 3);
        post(&q, 3, 7, 1, 3);
        post(&q, 0, 9, 0, 3);
        let mut got = vec![];
        assert_eq!(q.process_completions(0, &mut |c| got.push(c.cid)), Ok(3));
        assert_eq!(got, vec![1, 7, 9]);
        assert_eq!(regs.0[1], 1);
        spdk_env::memory::dma_free(buf);
    }

    #[test]
    fn bad_payload_is_refused() {
        let mut regs = Regs([0; 2]);
        let mut q = pair(8, false, &mut regs);
        let buf = spdk_env::memory::dma_alloc(8192, 4096, -1).unwrap();
        let mut r = Request::empty();
        r.cmd = Cmd::new(2, 1);
        r.payload = Payload::Contig {
            buf: unsafe { buf.as_ptr().add(1) },
            md: ptr::null_mut(),
        };
        r.payload_size = 512;
        assert_eq!(q.submit(&mut r), Err(Err(-libc::EINVAL)));
        // Memory the environment does not know has no IOVA.
        let mut heap = vec![0u8; 4096];
        r.payload = Payload::Contig {
            buf: heap.as_mut_ptr(),
            md: ptr::null_mut(),
        };
        assert_eq!(q.submit(&mut r), Err(Err(-libc::EINVAL)));
        // Nothing was sent.
        assert_eq!(regs.0[0], 0);
        // Undelayed: each submission rings.
        r.payload = Payload::Contig {
            buf: buf.as_ptr(),
            md: ptr::null_mut(),
        };
        q.submit(&mut r).unwrap();
        assert_eq!(regs.0[0], 1);
        spdk_env::memory::dma_free(buf);
    }

    #[test]
    fn shadow_doorbells() {
        let mut regs = Regs([0; 2]);
        let mut q = pair(8, false, &mut regs);
        let mut shadow = [0u32; 4];
        let s = Shadow {
            sq_tdbl: &mut shadow[0],
            cq_hdbl: &mut shadow[1],
            sq_eventidx: &shadow[2],
            cq_eventidx: &shadow[3],
        };
        unsafe { q.set_shadow(s) };
        let mut r = Request::empty();
        r.cmd = Cmd::new(0, 1);
        // Event index 0 reached by the first tail move: MMIO.
        q.submit(&mut r).unwrap();
        assert_eq!((shadow[0], regs.0[0]), (1, 1));
        // The controller wants to hear again at 5 only.
        unsafe { ptr::write_volatile(&mut shadow[2], 5) };
        r.cmd.cid = 1;
        q.submit(&mut r).unwrap();
        r.cmd.cid = 2;
        q.submit(&mut r).unwrap();
        assert_eq!((shadow[0], regs.0[0]), (3, 1));
        for cid in 3..5 {
            r.cmd.cid = cid;
            q.submit(&mut r).unwrap();
        }
        assert_eq!((shadow[0], regs.0[0]), (5, 5));
    }

    #[test]
    fn internal_command_keeps_other_completions() {
        let mut regs = Regs([0; 2]);
        let mut q = pair(8, false, &mut regs);
        let cq = q.cq as usize;
        let mut step = 0;
        let cpl = q
            .exec_internal(
                Cmd::new(5, 0),
                &mut || {
                    // The device answers a core command first, then ours.
                    step += 1;
                    if step == 2 {
                        let mk = |cid| Cpl {
                            cid,
                            sqhd: 1,
                            status: Status::new(0, 0).with_p(1),
                            ..Default::default()
                        };
                        unsafe {
                            ptr::write_volatile((cq as *mut Cpl).add(0), mk(3));
                            ptr::write_volatile((cq as *mut Cpl).add(1), mk(INTERNAL_CID));
                        }
                    }
                },
                1_000_000,
            )
            .unwrap();
        assert_eq!(cpl.cid, INTERNAL_CID);
        let mut got = vec![];
        assert_eq!(q.process_completions(0, &mut |c| got.push(c.cid)), Ok(1));
        assert_eq!(got, vec![3]);
        // Nobody answers: a timeout, not a hang.
        assert_eq!(
            q.exec_internal(Cmd::new(5, 0), &mut || (), 1000),
            Err(-libc::ETIMEDOUT)
        );
    }

    #[test]
    fn event_index() {
        // The controller asked to be told once the tail passes 5.
        assert!(need_event(5, 6, 5));
        assert!(need_event(5, 8, 3));
        assert!(need_event(5, 5, 3));
        assert!(!need_event(9, 8, 3));
        assert!(!need_event(2, 8, 3));
        // Wrapping.
        assert!(need_event(0xffff, 1, 0xfffe));
    }
}
