//! The model's NVM commands, on RAM disks.

use super::device::*;
use crate::spec::cmd::{Cmd, DsmRange, SccSourceRange};
use crate::spec::Pod;

const OPC_FLUSH: u8 = 0x00;
const OPC_WRITE: u8 = 0x01;
const OPC_READ: u8 = 0x02;
const OPC_COMPARE: u8 = 0x05;
const OPC_WRITE_ZEROES: u8 = 0x08;
const OPC_DATASET_MANAGEMENT: u8 = 0x09;
const OPC_COPY: u8 = 0x19;

const SC_COMPARE_FAILURE: u16 = 0x85;

impl Device {
    pub(super) fn io(&mut self, sqid: u16, cmd: &Cmd) -> Outcome {
        if self.hold_io {
            self.held.push(Held { sqid, cmd: *cmd });
            return None;
        }
        let Some(i) = self.active(cmd.nsid) else {
            return fail(SCT_GENERIC, SC_INVALID_NAMESPACE);
        };
        let ns = self.disks[i].cfg;
        if ns.zoned.is_some() {
            if let Some(out) = self.zoned_io(cmd.nsid as usize - 1, cmd) {
                return out;
            }
        }
        let bs = ns.block_size as u64;
        let slba = (cmd.cdw11 as u64) << 32 | cmd.cdw10 as u64;
        let nlb = (cmd.cdw12 & 0xffff) as u64 + 1;
        let in_range = |slba: u64, nlb: u64| slba.checked_add(nlb).is_some_and(|e| e <= ns.blocks);
        match cmd.opc() {
            OPC_FLUSH => OK,
            OPC_READ | OPC_WRITE | OPC_COMPARE => {
                if !in_range(slba, nlb) {
                    return fail(SCT_GENERIC, SC_LBA_OUT_OF_RANGE);
                }
                let len = nlb * bs;
                if self.cfg.mdts != 0 && len > 4096u64 << self.cfg.mdts {
                    return fail(SCT_GENERIC, SC_INVALID_FIELD);
                }
                if self.cfg.rings_only {
                    return OK;
                }
                self.rw(cmd, slba, nlb)
            }
            OPC_WRITE_ZEROES => {
                if !in_range(slba, nlb) {
                    return fail(SCT_GENERIC, SC_LBA_OUT_OF_RANGE);
                }
                self.zero(cmd.nsid, slba, nlb);
                OK
            }
            OPC_DATASET_MANAGEMENT => self.dsm(cmd),
            OPC_COPY => self.copy(cmd),
            super::range::OPC_IO_MGMT_RECV | super::range::OPC_IO_MGMT_SEND => self.io_mgmt(cmd),
            super::range::OPC_VERIFY | super::range::OPC_WRITE_UNCORRECTABLE => {
                self.range_cmd(cmd, slba, nlb)
            }
            super::resv::OPC_RESERVATION_REGISTER
            | super::resv::OPC_RESERVATION_REPORT
            | super::resv::OPC_RESERVATION_ACQUIRE
            | super::resv::OPC_RESERVATION_RELEASE => self.reservation(cmd),
            _ => fail(SCT_GENERIC, SC_INVALID_OPCODE),
        }
    }

    pub(super) fn rw(&mut self, cmd: &Cmd, slba: u64, nlb: u64) -> Outcome {
        let i = cmd.nsid as usize - 1;
        let (bs, ms) = (
            self.disks[i].cfg.block_size as usize,
            self.disks[i].cfg.md_size as usize,
        );
        let range = slba as usize * bs..(slba + nlb) as usize * bs;
        let mrange = slba as usize * ms..(slba + nlb) as usize * ms;
        // The separate metadata buffer, contiguous at MPTR.
        let md = if ms > 0 {
            let len = nlb as usize * ms;
            if !self.reachable(cmd.mptr, len as u64) {
                return fail(SCT_GENERIC, SC_DATA_TRANSFER_ERROR);
            }
            // SAFETY: reachable host memory of len bytes.
            Some(unsafe { std::slice::from_raw_parts_mut(cmd.mptr as *mut u8, len) })
        } else {
            None
        };
        let r = match cmd.opc() {
            OPC_READ => {
                let r = self.write_host(cmd, &self.disks[i].data[range]);
                if let (Ok(()), Some(md)) = (r, md) {
                    md.copy_from_slice(&self.disks[i].md[mrange]);
                }
                r
            }
            OPC_WRITE => {
                // Straight into the disk, as a device DMAs (allocation
                // free, so tests can count the I/O path's allocations).
                let d = &mut self.disks[i].data[range];
                // SAFETY: the disk slice is not otherwise touched while
                // the walk reads host memory into it.
                let dst = unsafe { std::slice::from_raw_parts_mut(d.as_mut_ptr(), d.len()) };
                let r = self.read_host(cmd, dst);
                if let (Ok(()), Some(md)) = (r, md) {
                    self.disks[i].md[mrange].copy_from_slice(md);
                }
                r
            }
            _ => {
                let disk = &self.disks[i].data[range];
                let mut off = 0;
                let mut same = true;
                let r = self.walk_data(cmd, disk.len() as u64, |p, n| {
                    // SAFETY: reachable host memory of n bytes.
                    let host = unsafe { std::slice::from_raw_parts(p, n) };
                    same &= host == &disk[off..off + n];
                    off += n;
                });
                if r.is_ok() {
                    let md_same = md.is_none_or(|m| *m == self.disks[i].md[mrange]);
                    if !same || !md_same {
                        return fail(SCT_MEDIA, SC_COMPARE_FAILURE);
                    }
                }
                r
            }
        };
        match r {
            Ok(()) => OK,
            Err(sc) => fail(SCT_GENERIC, sc),
        }
    }

    pub(super) fn zero(&mut self, nsid: u32, slba: u64, nlb: u64) {
        let d = &mut self.disks[nsid as usize - 1];
        let bs = d.cfg.block_size as usize;
        let ms = d.cfg.md_size as usize;
        if !d.data.is_empty() {
            d.data[slba as usize * bs..(slba + nlb) as usize * bs].fill(0);
        }
        d.md[slba as usize * ms..(slba + nlb) as usize * ms].fill(0);
    }

    fn dsm(&mut self, cmd: &Cmd) -> Outcome {
        let nr = (cmd.cdw10 & 0xff) as usize + 1;
        let mut buf = vec![0u8; nr * 16];
        if let Err(sc) = self.read_host(cmd, &mut buf) {
            return fail(SCT_GENERIC, sc);
        }
        let blocks = self.disks[cmd.nsid as usize - 1].cfg.blocks;
        let ranges: Vec<DsmRange> = buf.chunks(16).filter_map(DsmRange::read_from).collect();
        for r in &ranges {
            let (s, n) = (r.starting_lba, r.length as u64);
            if s.checked_add(n).is_none_or(|e| e > blocks) {
                return fail(SCT_GENERIC, SC_LBA_OUT_OF_RANGE);
            }
        }
        // Deallocate: the blocks read as zeroes (DLFEAT says so).
        if cmd.cdw11 & 4 != 0 {
            for r in ranges {
                self.zero(cmd.nsid, r.starting_lba, r.length as u64);
            }
        }
        OK
    }

    fn copy(&mut self, cmd: &Cmd) -> Outcome {
        let nr = (cmd.cdw12 & 0xff) as usize + 1;
        if (cmd.cdw12 >> 8) & 0xf != 0 {
            // Only source range format 0.
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        }
        let mut buf = vec![0u8; nr * 32];
        if let Err(sc) = self.read_host(cmd, &mut buf) {
            return fail(SCT_GENERIC, sc);
        }
        let i = cmd.nsid as usize - 1;
        let (blocks, bs) = (
            self.disks[i].cfg.blocks,
            self.disks[i].cfg.block_size as usize,
        );
        let ranges: Vec<SccSourceRange> = buf
            .chunks(32)
            .filter_map(SccSourceRange::read_from)
            .collect();
        let total: u64 = ranges.iter().map(|r| r.nlb as u64 + 1).sum();
        let sdlba = (cmd.cdw11 as u64) << 32 | cmd.cdw10 as u64;
        if sdlba.checked_add(total).is_none_or(|e| e > blocks) {
            return fail(SCT_GENERIC, SC_LBA_OUT_OF_RANGE);
        }
        let mut data = Vec::with_capacity(total as usize * bs);
        for r in &ranges {
            let n = r.nlb as u64 + 1;
            if r.slba.checked_add(n).is_none_or(|e| e > blocks) {
                return fail(SCT_GENERIC, SC_LBA_OUT_OF_RANGE);
            }
            if !self.cfg.rings_only {
                data.extend_from_slice(
                    &self.disks[i].data[r.slba as usize * bs..(r.slba + n) as usize * bs],
                );
            }
        }
        if !self.cfg.rings_only {
            let d = sdlba as usize * bs;
            self.disks[i].data[d..d + data.len()].copy_from_slice(&data);
        }
        OK
    }
}
