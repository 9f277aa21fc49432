//! The model's data transfers: it reads a command's PRP entries (and PRP
//! lists, page by page, following chain links) or SGL descriptors from
//! host memory as a controller does, so a wrong list shows up as an error
//! status or wrong data, not as a silently right transfer.

use std::ptr;

use super::device::{Device, SC_DATA_TRANSFER_ERROR, SC_INVALID_FIELD, SC_INVALID_PRP_OFFSET};
use crate::spec::cmd::{Cmd, SglDescriptor};

const PAGE: u64 = 4096;

/// Generic status codes of SGL problems.
const SC_INVALID_SGL_SEG_DESCRIPTOR: u16 = 0x0d;
const SC_DATA_SGL_LENGTH_INVALID: u16 = 0x0f;
const SC_SGL_DESCRIPTOR_TYPE_INVALID: u16 = 0x11;

impl Device {
    /// Calls `f(host_address, len)` for the pieces of the `len`-byte data
    /// buffer of `cmd`, in order. Err is a generic status code.
    pub(super) fn walk_data(
        &self,
        cmd: &Cmd,
        len: u64,
        mut f: impl FnMut(*mut u8, usize),
    ) -> Result<(), u16> {
        if len == 0 {
            return Ok(());
        }
        match cmd.psdt() {
            0 => self.walk_prps(cmd.dptr.prp1, cmd.dptr.prp2, len, &mut f),
            1 | 2 => self.walk_sgl(cmd.dptr.sgl1(), len, &mut f),
            _ => Err(SC_INVALID_FIELD),
        }
    }

    fn piece(&self, addr: u64, n: u64, f: &mut impl FnMut(*mut u8, usize)) -> Result<(), u16> {
        if !self.reachable(addr, n) {
            return Err(SC_DATA_TRANSFER_ERROR);
        }
        f(addr as *mut u8, n as usize);
        Ok(())
    }

    fn walk_prps(
        &self,
        prp1: u64,
        prp2: u64,
        len: u64,
        f: &mut impl FnMut(*mut u8, usize),
    ) -> Result<(), u16> {
        if prp1 & 3 != 0 {
            return Err(SC_INVALID_PRP_OFFSET);
        }
        let first = (PAGE - (prp1 & (PAGE - 1))).min(len);
        self.piece(prp1, first, f)?;
        let mut left = len - first;
        if left == 0 {
            return Ok(());
        }
        if left <= PAGE {
            if prp2 & (PAGE - 1) != 0 {
                return Err(SC_INVALID_PRP_OFFSET);
            }
            return self.piece(prp2, left, f);
        }
        // PRP2 points at a list; its last slot links to the next list page
        // when more than one entry is left.
        if prp2 & 7 != 0 {
            return Err(SC_INVALID_PRP_OFFSET);
        }
        let mut e = prp2;
        while left > 0 {
            if !self.reachable(e, 8) {
                return Err(SC_DATA_TRANSFER_ERROR);
            }
            // SAFETY: reachable host memory.
            let v = unsafe { ptr::read_volatile(e as *const u64) };
            if e & (PAGE - 1) == PAGE - 8 && left > PAGE {
                if v & (PAGE - 1) != 0 {
                    return Err(SC_INVALID_PRP_OFFSET);
                }
                e = v;
                continue;
            }
            if v & (PAGE - 1) != 0 {
                return Err(SC_INVALID_PRP_OFFSET);
            }
            let n = left.min(PAGE);
            self.piece(v, n, f)?;
            left -= n;
            e += 8;
        }
        Ok(())
    }

    fn walk_sgl(
        &self,
        first: SglDescriptor,
        len: u64,
        f: &mut impl FnMut(*mut u8, usize),
    ) -> Result<(), u16> {
        let mut left = len;
        let mut take = |d: &SglDescriptor, left: &mut u64| -> Result<(), u16> {
            let n = d.desc.length();
            if n > *left {
                return Err(SC_DATA_SGL_LENGTH_INVALID);
            }
            self.piece(d.address, n, f)?;
            *left -= n;
            Ok(())
        };
        let mut d = first;
        // At most this many segments: a loop in the lists ends here.
        for _ in 0..4096 {
            match (d.desc.sgl_type(), d.desc.subtype()) {
                (0, 0) => {
                    take(&d, &mut left)?;
                    break;
                }
                (2, 0) | (3, 0) => {
                    let last = d.desc.sgl_type() == 3;
                    let bytes = d.desc.length();
                    if bytes == 0 || !bytes.is_multiple_of(16) || !self.reachable(d.address, bytes)
                    {
                        return Err(SC_INVALID_SGL_SEG_DESCRIPTOR);
                    }
                    let n = (bytes / 16) as usize;
                    let base = d.address as *const SglDescriptor;
                    let mut next = None;
                    for i in 0..n {
                        // SAFETY: reachable host memory.
                        let e = unsafe { ptr::read_unaligned(base.add(i)) };
                        match (e.desc.sgl_type(), e.desc.subtype()) {
                            (0, 0) => take(&e, &mut left)?,
                            (2, 0) | (3, 0) if !last && i == n - 1 => next = Some(e),
                            _ => return Err(SC_SGL_DESCRIPTOR_TYPE_INVALID),
                        }
                    }
                    match next {
                        Some(e) => d = e,
                        None => break,
                    }
                }
                _ => return Err(SC_SGL_DESCRIPTOR_TYPE_INVALID),
            }
        }
        if left != 0 {
            return Err(SC_DATA_SGL_LENGTH_INVALID);
        }
        Ok(())
    }

    /// Copies `src` into the command's data buffer (controller to host).
    pub(super) fn write_host(&self, cmd: &Cmd, src: &[u8]) -> Result<(), u16> {
        let mut off = 0;
        self.walk_data(cmd, src.len() as u64, |p, n| {
            // SAFETY: reachable host memory of n bytes.
            unsafe { ptr::copy_nonoverlapping(src.as_ptr().add(off), p, n) };
            off += n;
        })
    }

    /// Copies the command's data buffer into `dst` (host to controller).
    pub(super) fn read_host(&self, cmd: &Cmd, dst: &mut [u8]) -> Result<(), u16> {
        let mut off = 0;
        let len = dst.len() as u64;
        let d = dst.as_mut_ptr();
        self.walk_data(cmd, len, |p, n| {
            // SAFETY: reachable host memory of n bytes.
            unsafe { ptr::copy_nonoverlapping(p, d.add(off), n) };
            off += n;
        })
    }
}
