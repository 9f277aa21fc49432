//! Open-Channel SSD 2.0 commands (nvme_ocssd.h): which controllers are
//! open-channel, the Geometry admin command and the vector I/O commands
//! (reset, write, read, copy).
//!
//! A vector command names its blocks by a list of up to 64 LBAs. CDW10-11
//! carry the LBA itself when the list has one entry, else the bus address
//! of the list; CDW12 bits 0-5 are the 0's based entry count, bit 31 the
//! limited retry flag. The driver copies the caller's list into DMA memory
//! of its own (freed with the command), so the list may live anywhere and
//! may be reused as soon as the call returns.

use std::ffi::c_void;
use std::ptr::{self, NonNull};

use crate::ctrlr::Ctrlr;
use crate::kind::CtrlrKind;
use crate::ns::Ns;
use crate::ns_cmd;
use crate::qpair::Qpair;
use crate::request::CmdCb;
use crate::spec::cmd::{Cmd, Cpl};

/// Admin opcode of Geometry.
pub const OPC_GEOMETRY: u8 = 0xe2;
/// I/O opcodes of the vector commands.
pub const OPC_VECTOR_RESET: u8 = 0x90;
pub const OPC_VECTOR_WRITE: u8 = 0x91;
pub const OPC_VECTOR_READ: u8 = 0x92;
pub const OPC_VECTOR_COPY: u8 = 0x93;

/// Bytes of the geometry data structure.
pub const GEOMETRY_SIZE: u32 = 4096;
/// Bytes of one chunk information entry.
pub const CHUNK_INFO_SIZE: u32 = 32;
/// Most LBAs of one vector command.
pub const MAX_LBAL_ENTRIES: u32 = 64;
/// The only io_flags bit the vector commands take (limited retry).
pub const IO_FLAGS_LIMITED_RETRY: u32 = 1 << 31;

/// PCI vendor of CNEX Labs, whose device 1F1Fh SPDK marks with its
/// open-channel quirk.
pub const PCI_VID_CNEXLABS: u16 = 0x1d1d;
pub const PCI_DID_CNEX_OCSSD: u16 = 0x1f1f;

/// SPDK's decision, from its parts: the controller must carry the
/// open-channel quirk (PCI vendor and device above), report the CNEX
/// vendor ID in its identify data, and its first active namespace must
/// have vendor-specific byte 0 equal to 1 (how QEMU's open-channel device
/// tells itself apart). `pci` is None for non-PCIe controllers (which
/// have no quirks), `ns_vs0` None when no namespace is active.
pub fn supported(pci: Option<(u16, u16)>, cdata_vid: u16, ns_vs0: Option<u8>) -> bool {
    pci == Some((PCI_VID_CNEXLABS, PCI_DID_CNEX_OCSSD))
        && cdata_vid == PCI_VID_CNEXLABS
        && ns_vs0 == Some(1)
}

/// Whether `c` is an open-channel SSD (see [`supported`]).
pub fn ctrlr_supported(c: &mut Ctrlr) -> bool {
    let pci = match &c.t {
        CtrlrKind::Pcie(p) => {
            let id = p.pci_device().id();
            Some((id.vendor_id, id.device_id))
        }
        _ => None,
    };
    let vid = c.cdata.vid;
    if !supported(pci, vid, Some(1)) {
        return false;
    }
    let nsid = c.first_active_ns();
    // SAFETY: namespaces live inside their controller.
    let vs0 = c
        .get_ns(nsid)
        .map(|n| unsafe { (*n).data.vendor_specific[0] });
    supported(pci, vid, vs0)
}

/// DMA memory the driver holds for one command; data from the controller
/// (`user` not NULL) is copied back to the caller first, then the
/// caller's callback runs.
struct Held {
    buf: NonNull<u8>,
    user: *mut u8,
    len: usize,
    cb: CmdCb,
    arg: *mut c_void,
}

unsafe extern "C" fn held_done(arg: *mut c_void, cpl: *const Cpl) {
    let h = Box::from_raw(arg as *mut Held);
    if !h.user.is_null() {
        ptr::copy_nonoverlapping(h.buf.as_ptr(), h.user, h.len);
    }
    spdk_env::memory::dma_free(h.buf);
    if let Some(cb) = h.cb {
        cb(h.arg, cpl);
    }
}

/// Zeroed DMA memory of `len` bytes with its bus address.
fn dma_zeroed(len: usize) -> Result<(NonNull<u8>, u64), i32> {
    let buf = spdk_env::memory::dma_alloc(len, 4096, -1).ok_or(-libc::ENOMEM)?;
    // SAFETY: just allocated, len bytes.
    unsafe { ptr::write_bytes(buf.as_ptr(), 0, len) };
    match spdk_env::init::vtophys(buf.as_ptr() as u64, None) {
        Some(a) => Ok((buf, a)),
        None => {
            spdk_env::memory::dma_free(buf);
            Err(-libc::EINVAL)
        }
    }
}

/// Geometry of namespace `nsid` into the caller's `len` bytes at `buf`
/// (exactly the 4 KiB structure; any memory: the data comes through a DMA
/// copy).
///
/// # Safety
/// `buf` is writable for `len` bytes until the callback.
pub unsafe fn geometry(
    c: &mut Ctrlr,
    nsid: u32,
    buf: *mut u8,
    len: u32,
    cb: CmdCb,
    arg: *mut c_void,
) -> i32 {
    if buf.is_null() || len != GEOMETRY_SIZE {
        return -libc::EINVAL;
    }
    let Some(dma) = spdk_env::memory::dma_alloc(len as usize, 4096, -1) else {
        return -libc::ENOMEM;
    };
    ptr::write_bytes(dma.as_ptr(), 0, len as usize);
    let h = Box::into_raw(Box::new(Held {
        buf: dma,
        user: buf,
        len: len as usize,
        cb,
        arg,
    }));
    let cmd = Cmd::new(OPC_GEOMETRY, nsid);
    let rc = c.admin_submit(cmd, dma.as_ptr(), len, Some(held_done), h.cast());
    if rc != 0 {
        let h = Box::from_raw(h);
        spdk_env::memory::dma_free(h.buf);
    }
    rc
}

/// An LBA list of a vector command: in the command itself (one entry) or
/// copied into DMA memory.
struct Lists {
    /// CDW10-11 and (copy only) CDW14-15.
    first: u64,
    second: u64,
    held: Option<NonNull<u8>>,
}

/// Prepares the lists `a` (and `b`, for copy) of `n` entries each.
unsafe fn lists(a: *const u64, b: Option<*const u64>, n: u32) -> Result<Lists, i32> {
    if n == 1 {
        return Ok(Lists {
            first: ptr::read_unaligned(a),
            second: b.map_or(0, |b| ptr::read_unaligned(b)),
            held: None,
        });
    }
    // One page: the first list at its start, the second half way.
    let (buf, bus) = dma_zeroed(4096)?;
    let n = n as usize;
    ptr::copy_nonoverlapping(a.cast::<u8>(), buf.as_ptr(), n * 8);
    if let Some(b) = b {
        ptr::copy_nonoverlapping(b.cast::<u8>(), buf.as_ptr().add(2048), n * 8);
    }
    Ok(Lists {
        first: bus,
        second: if b.is_some() { bus + 2048 } else { 0 },
        held: Some(buf),
    })
}

fn check(num_lbas: u32, io_flags: u32) -> Result<(), i32> {
    if num_lbas == 0 || num_lbas > MAX_LBAL_ENTRIES || io_flags & !IO_FLAGS_LIMITED_RETRY != 0 {
        return Err(-libc::EINVAL);
    }
    Ok(())
}

/// A vector command as the caller gave it, before the lists are placed.
pub struct Vector {
    pub opc: u8,
    pub num_lbas: u32,
    pub io_flags: u32,
    /// Data (read / write), and separate metadata.
    pub buf: *mut u8,
    pub md: *mut u8,
    /// The LBA list (the source list for copy).
    pub lbas: *const u64,
    /// The destination list of copy.
    pub dst: Option<*const u64>,
    /// Reset: where the controller writes one chunk information entry
    /// per LBA (NULL: nowhere).
    pub chunk_info: *mut u8,
}

/// Submits a vector command on `q` for namespace `ns`.
///
/// Returns 0, -EINVAL (no list, 0 or more than 64 LBAs, unknown io_flags,
/// a transfer larger than the controller takes, memory without a bus
/// address), -ENOMEM, or -ENXIO when the pair is not connected.
///
/// # Safety
/// `ns` and `q` are live; the lists hold `num_lbas` entries; data,
/// metadata and chunk information buffers are DMA-able and valid until
/// the callback.
pub unsafe fn vector(ns: &Ns, q: *mut Qpair, v: &Vector, cb: CmdCb, arg: *mut c_void) -> i32 {
    if let Err(e) = check(v.num_lbas, v.io_flags) {
        return e;
    }
    if v.lbas.is_null() || v.dst.is_some_and(|d| d.is_null()) {
        return -libc::EINVAL;
    }
    let rw = matches!(v.opc, OPC_VECTOR_READ | OPC_VECTOR_WRITE);
    if rw && v.buf.is_null() {
        return -libc::EINVAL;
    }
    let (len, md_len) = if rw {
        let len = v.num_lbas * ns.sector_size;
        let md_len = if v.md.is_null() {
            0
        } else {
            v.num_lbas * ns.md_size
        };
        // SAFETY: a namespace lives inside its controller.
        let max = (*ns.ctrlr).max_xfer_size;
        if max != 0 && len > max {
            return -libc::EINVAL;
        }
        (len, md_len)
    } else {
        (0, 0)
    };
    let mptr = if v.chunk_info.is_null() {
        0
    } else {
        // The controller writes one entry per LBA there, in one run.
        let want = (v.num_lbas * CHUNK_INFO_SIZE) as u64;
        let mut run = want;
        match spdk_env::init::vtophys(v.chunk_info as u64, Some(&mut run)) {
            Some(a) if run >= want => a,
            _ => return -libc::EINVAL,
        }
    };
    let l = match lists(v.lbas, v.dst, v.num_lbas) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let mut cmd = Cmd::new(v.opc, ns.id);
    cmd.mptr = mptr;
    cmd.cdw10 = l.first as u32;
    cmd.cdw11 = (l.first >> 32) as u32;
    cmd.cdw12 = (v.num_lbas - 1) | v.io_flags;
    if v.dst.is_some() {
        cmd.cdw14 = l.second as u32;
        cmd.cdw15 = (l.second >> 32) as u32;
    }
    let md = if md_len != 0 { v.md } else { ptr::null_mut() };
    let buf = if rw { v.buf } else { ptr::null_mut() };
    let Some(list) = l.held else {
        return ns_cmd::raw(q, &cmd, buf, len, md, md_len, cb, arg);
    };
    let h = Box::into_raw(Box::new(Held {
        buf: list,
        user: ptr::null_mut(),
        len: 0,
        cb,
        arg,
    }));
    let rc = ns_cmd::raw(q, &cmd, buf, len, md, md_len, Some(held_done), h.cast());
    if rc != 0 {
        let h = Box::from_raw(h);
        spdk_env::memory::dma_free(h.buf);
    }
    rc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_needs_quirk_vendor_and_namespace_flag() {
        let q = Some((PCI_VID_CNEXLABS, PCI_DID_CNEX_OCSSD));
        assert!(supported(q, PCI_VID_CNEXLABS, Some(1)));
        assert!(!supported(q, PCI_VID_CNEXLABS, Some(0)));
        assert!(!supported(q, PCI_VID_CNEXLABS, None));
        assert!(!supported(q, 0x8086, Some(1)));
        assert!(!supported(
            Some((PCI_VID_CNEXLABS, 0x1234)),
            PCI_VID_CNEXLABS,
            Some(1)
        ));
        assert!(!supported(None, PCI_VID_CNEXLABS, Some(1)));
    }

    #[test]
    fn flags_and_counts() {
        assert!(check(1, 0).is_ok());
        assert!(check(64, IO_FLAGS_LIMITED_RETRY).is_ok());
        assert_eq!(check(0, 0), Err(-libc::EINVAL));
        assert_eq!(check(65, 0), Err(-libc::EINVAL));
        assert_eq!(check(1, 1 << 30), Err(-libc::EINVAL));
    }
}
