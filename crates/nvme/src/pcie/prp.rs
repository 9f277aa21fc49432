//! The data pointer of a PCIe command: PRP1/PRP2 and PRP lists, or SGL
//! descriptors, built from a request's segments
//! ([`Request::for_each_segment`]) and their IOVAs.
//!
//! A payload the controller cannot be given exactly is refused with
//! -EINVAL, never sent wrong: PRP entries must be dword aligned, every
//! segment after the first must start on a memory page boundary and every
//! segment before the last must end on one (the namespace layer splits
//! I/O so that well-formed scatter lists meet this).

use crate::request::Request;
use crate::spec::cmd::{Cmd, SglDescriptor};

/// PSDT values (`spdk_nvme_psdt_value`).
pub const PSDT_PRP: u8 = 0;
pub const PSDT_SGL_MPTR_CONTIG: u8 = 1;

/// The per-command list memory of a queue slot: page aligned, `bytes`
/// long, at `iova` for the controller.
#[derive(Clone, Copy, Debug)]
pub struct ListArea {
    pub va: *mut u8,
    pub iova: u64,
    pub bytes: u32,
}

/// Translates `len` bytes at `addr`: the IOVA of `addr` and how many bytes
/// from it are contiguous in IOVA space (at least 1, at most `len`).
pub trait Xlate {
    fn xlate(&self, addr: u64, len: u32) -> Option<(u64, u32)>;
}

/// The environment's translation (`spdk_vtophys`).
pub struct Vtophys;

impl Xlate for Vtophys {
    #[inline]
    fn xlate(&self, addr: u64, len: u32) -> Option<(u64, u32)> {
        let mut size = len as u64;
        let iova = spdk_env::init::vtophys(addr, Some(&mut size))?;
        Some((iova, (size as u32).clamp(1, len.max(1))))
    }
}

/// IOVA = VA for any address (tests of the builders only).
pub struct Identity;

impl Xlate for Identity {
    #[inline]
    fn xlate(&self, addr: u64, len: u32) -> Option<(u64, u32)> {
        Some((addr, len.max(1)))
    }
}

/// Writes PRP entries 1.. into list pages, chaining a page to the next
/// through its last slot when more entries follow.
struct PrpList {
    base: *mut u64,
    iova: u64,
    /// Entries per list page.
    epp: usize,
    pages: usize,
    page_size: u64,
    /// Slot of the next entry (across pages).
    pos: usize,
    /// Entries written.
    count: usize,
}

impl PrpList {
    /// # Safety
    /// `base` holds `pages` list pages.
    #[inline]
    unsafe fn push(&mut self, entry: u64) -> Result<(), i32> {
        if self.count > 0 && self.pos.is_multiple_of(self.epp) {
            // The previous entry took the last slot of a page and another
            // follows: it moves to the next page and the slot chains.
            let next_page = self.pos / self.epp;
            if next_page >= self.pages {
                return Err(-libc::EINVAL);
            }
            let last = self.pos - 1;
            let moved = *self.base.add(last);
            *self.base.add(last) = self.iova + next_page as u64 * self.page_size;
            *self.base.add(self.pos) = moved;
            self.pos += 1;
        }
        if self.pos >= self.epp * self.pages {
            return Err(-libc::EINVAL);
        }
        *self.base.add(self.pos) = entry;
        self.pos += 1;
        self.count += 1;
        Ok(())
    }
}

/// Fills `req.cmd`'s PRP1/PRP2 (and the PRP list in `list`) for the
/// request's data, and its metadata pointer. `page_size` is the
/// controller's memory page size.
///
/// # Safety
/// The request's payload is valid (see [`Request::for_each_segment`]) and
/// `list` is writable memory of the queue slot.
pub unsafe fn build_prps(
    req: &mut Request,
    page_size: u32,
    list: &ListArea,
    x: &impl Xlate,
) -> Result<(), i32> {
    let mask = page_size as u64 - 1;
    // The common case first: one IOVA-contiguous buffer spanning at most
    // two pages needs no list (one translation, no segment walk).
    if let crate::request::Payload::Contig { buf, .. } = req.payload {
        let len = req.payload_size;
        let va = buf as u64 + req.payload_offset as u64;
        if !buf.is_null() && len != 0 && va & 3 == 0 {
            if let Some((io, run)) = x.xlate(va, len) {
                let first = page_size - (io & mask) as u32;
                if run == len && len <= first + page_size {
                    req.cmd.set_psdt(PSDT_PRP);
                    req.cmd.dptr.prp1 = io;
                    // The second page starts page aligned.
                    req.cmd.dptr.prp2 = if len > first { io + first as u64 } else { 0 };
                    return build_mptr(req, x);
                }
            }
        }
    }
    let mut prp1 = 0u64;
    let mut first = true;
    // The previous segment ended mid-page: nothing may follow it.
    let mut open_end = false;
    let mut l = PrpList {
        base: list.va.cast(),
        iova: list.iova,
        epp: page_size as usize / 8,
        pages: (list.bytes / page_size) as usize,
        page_size: page_size as u64,
        pos: 0,
        count: 0,
    };
    let walk = req.for_each_segment(
        |va, len| {
            let mut va = va as u64;
            let mut left = len;
            if va & 3 != 0 || open_end {
                return Err(-libc::EINVAL);
            }
            while left > 0 {
                let (mut io, mut run) = x.xlate(va, left).ok_or(-libc::EINVAL)?;
                while run > 0 {
                    let step;
                    if first {
                        prp1 = io;
                        first = false;
                        step = (page_size - (io & mask) as u32).min(run);
                    } else {
                        if io & mask != 0 {
                            return Err(-libc::EINVAL);
                        }
                        // SAFETY: the caller's list memory.
                        unsafe { l.push(io)? };
                        step = page_size.min(run);
                    }
                    io += step as u64;
                    va += step as u64;
                    run -= step;
                    left -= step;
                }
            }
            open_end = va & mask != 0;
            Ok(())
        },
        -libc::EINVAL,
    );
    walk?;
    let prp2 = match l.count {
        0 => 0,
        1 => *l.base,
        _ => list.iova,
    };
    let cmd: &mut Cmd = &mut req.cmd;
    cmd.set_psdt(PSDT_PRP);
    cmd.dptr.prp1 = prp1;
    cmd.dptr.prp2 = prp2;
    build_mptr(req, x)
}

/// Fills `req.cmd`'s data pointer with SGL data block descriptors: one in
/// the command, or a last segment of up to `list.bytes / 16` in `list`.
/// With `dword_aligned`, every address and length must be a multiple of 4
/// (controllers whose SGL support requires it).
///
/// # Safety
/// As [`build_prps`].
pub unsafe fn build_sgl(
    req: &mut Request,
    list: &ListArea,
    dword_aligned: bool,
    x: &impl Xlate,
) -> Result<(), i32> {
    let descs: *mut SglDescriptor = list.va.cast();
    let cap = (list.bytes / 16) as usize;
    let mut n = 0usize;
    let walk = req.for_each_segment(
        |va, len| {
            let mut va = va as u64;
            let mut left = len;
            while left > 0 {
                let (io, run) = x.xlate(va, left).ok_or(-libc::EINVAL)?;
                if dword_aligned && (io & 3 != 0 || run & 3 != 0) {
                    return Err(-libc::EINVAL);
                }
                if n >= cap {
                    return Err(-libc::EINVAL);
                }
                // SAFETY: n < cap descriptors fit in the list memory.
                unsafe {
                    descs
                        .add(n)
                        .write_unaligned(SglDescriptor::data_block(io, run))
                };
                n += 1;
                va += run as u64;
                left -= run;
            }
            Ok(())
        },
        -libc::EINVAL,
    );
    walk?;
    let cmd = &mut req.cmd;
    cmd.set_psdt(PSDT_SGL_MPTR_CONTIG);
    match n {
        0 => cmd.dptr = Default::default(),
        1 => cmd.dptr.set_sgl1(descs.read_unaligned()),
        _ => cmd
            .dptr
            .set_sgl1(SglDescriptor::segment(list.iova, (n * 16) as u32, true)),
    }
    build_mptr(req, x)
}

/// The separate metadata buffer, which must be contiguous in IOVA space.
unsafe fn build_mptr(req: &mut Request, x: &impl Xlate) -> Result<(), i32> {
    use crate::request::Payload;
    let md = match req.payload {
        Payload::Contig { md, .. } | Payload::Sgl { md, .. } => md,
        Payload::None => core::ptr::null_mut(),
    };
    if md.is_null() || req.md_size == 0 {
        req.cmd.mptr = 0;
        return Ok(());
    }
    match x.xlate(md as u64, req.md_size) {
        Some((io, run)) if run == req.md_size => {
            req.cmd.mptr = io;
            Ok(())
        }
        _ => Err(-libc::EINVAL),
    }
}

/// List memory per queue slot for transfers of up to `max_xfer` bytes:
/// enough PRP list pages (a page holds `page_size / 8` entries, one of
/// them the link to the next page), at least one page.
pub fn list_bytes_for(max_xfer: u32, page_size: u32) -> u32 {
    let entries = (max_xfer / page_size) as usize + 1;
    let per_page = page_size as usize / 8 - 1;
    let pages = entries.div_ceil(per_page).max(1);
    (pages * page_size as usize) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Payload;
    use std::ffi::{c_int, c_void};

    const PAGE: u32 = 4096;

    struct Lists {
        _mem: Vec<u64>,
    }

    impl Lists {
        fn new(pages: usize) -> (Lists, ListArea) {
            // Over-allocate to get a page-aligned area.
            let mut mem = vec![0u64; (pages + 1) * 512];
            let p = mem.as_mut_ptr() as usize;
            let aligned = p.next_multiple_of(PAGE as usize);
            let area = ListArea {
                va: aligned as *mut u8,
                iova: aligned as u64,
                bytes: pages as u32 * PAGE,
            };
            (Lists { _mem: mem }, area)
        }
    }

    fn contig(buf: *mut u8, len: u32) -> Request {
        let mut r = Request::empty();
        r.payload = Payload::Contig {
            buf,
            md: std::ptr::null_mut(),
        };
        r.payload_size = len;
        r
    }

    /// Reads a PRP chain back as a device would: the data pages in order.
    unsafe fn walk(cmd: &Cmd, len: u32) -> Vec<(u64, u32)> {
        let mut out = vec![];
        let p1 = cmd.dptr.prp1;
        let first = (PAGE - (p1 % PAGE as u64) as u32).min(len);
        out.push((p1, first));
        let mut left = len - first;
        if left == 0 {
            return out;
        }
        if left <= PAGE {
            out.push((cmd.dptr.prp2, left));
            return out;
        }
        let mut e = cmd.dptr.prp2 as *const u64;
        while left > 0 {
            let last_slot = (e as u64 % PAGE as u64) == (PAGE - 8) as u64;
            if last_slot && left > PAGE {
                e = *e as *const u64;
                continue;
            }
            let n = left.min(PAGE);
            out.push((*e, n));
            left -= n;
            e = e.add(1);
        }
        out
    }

    #[test]
    fn one_and_two_pages() {
        let (_l, area) = Lists::new(1);
        let mut r = contig(0x10_0000 as *mut u8, 4096);
        unsafe { build_prps(&mut r, PAGE, &area, &Identity).unwrap() };
        assert_eq!((r.cmd.dptr.prp1, r.cmd.dptr.prp2), (0x10_0000, 0));
        let mut r = contig(0x10_0200 as *mut u8, 4096);
        unsafe { build_prps(&mut r, PAGE, &area, &Identity).unwrap() };
        assert_eq!((r.cmd.dptr.prp1, r.cmd.dptr.prp2), (0x10_0200, 0x10_1000));
        let mut r = contig(0x10_0000 as *mut u8, 12288);
        unsafe { build_prps(&mut r, PAGE, &area, &Identity).unwrap() };
        assert_eq!(r.cmd.dptr.prp2, area.iova);
        assert_eq!(
            unsafe { walk(&r.cmd, 12288) },
            vec![(0x10_0000, 4096), (0x10_1000, 4096), (0x10_2000, 4096)]
        );
    }

    #[test]
    fn chained_list_pages() {
        let len = 4 << 20; // 1024 pages: more than one list page
        let bytes = list_bytes_for(len, PAGE);
        assert_eq!(bytes, 3 * PAGE);
        let (_l, area) = Lists::new(3);
        for off in [0u64, 512] {
            let base = 0x4000_0000 + off;
            let mut r = contig(base as *mut u8, len);
            unsafe { build_prps(&mut r, PAGE, &area, &Identity).unwrap() };
            let got = unsafe { walk(&r.cmd, len) };
            let mut expect = base;
            let mut total = 0;
            for (a, n) in got {
                assert_eq!(a, expect);
                expect += n as u64;
                total += n;
            }
            assert_eq!(total, len);
        }
        // Exactly a page of entries needs no chaining.
        let (_l, area1) = Lists::new(1);
        let mut r = contig(0x4000_0200 as *mut u8, 2 << 20);
        unsafe { build_prps(&mut r, PAGE, &area1, &Identity).unwrap() };
        // One more page does not fit in one list page.
        let mut r = contig(0x4000_0200 as *mut u8, (2 << 20) + 4096);
        assert_eq!(
            unsafe { build_prps(&mut r, PAGE, &area1, &Identity) },
            Err(-libc::EINVAL)
        );
    }

    #[test]
    fn misaligned_is_refused() {
        let (_l, area) = Lists::new(1);
        let mut r = contig(0x10_0002 as *mut u8, 512);
        assert_eq!(
            unsafe { build_prps(&mut r, PAGE, &area, &Identity) },
            Err(-libc::EINVAL)
        );
        // With byte-granular SGLs the same buffer is fine.
        let mut r = contig(0x10_0002 as *mut u8, 512);
        unsafe { build_sgl(&mut r, &area, false, &Identity).unwrap() };
        let d = r.cmd.dptr.sgl1();
        assert_eq!(({ d.address }, d.desc.length()), (0x10_0002, 512));
        let mut r = contig(0x10_0002 as *mut u8, 512);
        assert_eq!(
            unsafe { build_sgl(&mut r, &area, true, &Identity) },
            Err(-libc::EINVAL)
        );
    }

    struct Sges {
        list: Vec<(u64, u32)>,
        i: usize,
    }

    unsafe extern "C" fn reset(arg: *mut c_void, off: u32) {
        let s = &mut *(arg as *mut Sges);
        assert_eq!(off, 0);
        s.i = 0;
    }

    unsafe extern "C" fn next(arg: *mut c_void, a: *mut *mut c_void, l: *mut u32) -> c_int {
        let s = &mut *(arg as *mut Sges);
        let Some(&(addr, len)) = s.list.get(s.i) else {
            return -1;
        };
        s.i += 1;
        *a = addr as *mut c_void;
        *l = len;
        0
    }

    fn sgl_req(s: &mut Sges) -> Request {
        let mut r = Request::empty();
        r.payload = Payload::Sgl {
            reset: Some(reset),
            next: Some(next),
            cb_arg: s as *mut Sges as *mut c_void,
            md: std::ptr::null_mut(),
        };
        r.payload_size = s.list.iter().map(|e| e.1).sum();
        r
    }

    #[test]
    fn scattered_prps() {
        let (_l, area) = Lists::new(1);
        // First element mid-page ending on a boundary, then whole pages.
        let mut s = Sges {
            list: vec![(0x1_0800, 2048), (0x5_0000, 8192), (0x9_0000, 1024)],
            i: 0,
        };
        let mut r = sgl_req(&mut s);
        unsafe { build_prps(&mut r, PAGE, &area, &Identity).unwrap() };
        assert_eq!(
            unsafe { walk(&r.cmd, r.payload_size) },
            vec![
                (0x1_0800, 2048),
                (0x5_0000, 4096),
                (0x5_1000, 4096),
                (0x9_0000, 1024)
            ]
        );
        // A middle element that does not end on a page boundary.
        let mut s = Sges {
            list: vec![(0x1_0000, 2048), (0x5_0000, 4096)],
            i: 0,
        };
        let mut r = sgl_req(&mut s);
        assert_eq!(
            unsafe { build_prps(&mut r, PAGE, &area, &Identity) },
            Err(-libc::EINVAL)
        );
        // SGL descriptors take it as is: a last segment of two.
        let mut s = Sges {
            list: vec![(0x1_0000, 2048), (0x5_0000, 4096)],
            i: 0,
        };
        let mut r = sgl_req(&mut s);
        unsafe { build_sgl(&mut r, &area, true, &Identity).unwrap() };
        let d = r.cmd.dptr.sgl1();
        assert_eq!(
            ({ d.address }, d.desc.length(), d.desc.sgl_type()),
            (area.iova, 32, 3)
        );
        // The callback running dry is an error, not a short transfer.
        let mut s = Sges {
            list: vec![(0x1_0000, 2048)],
            i: 0,
        };
        let mut r = sgl_req(&mut s);
        r.payload_size = 4096;
        assert_eq!(
            unsafe { build_sgl(&mut r, &area, false, &Identity) },
            Err(-libc::EINVAL)
        );
    }
}
