//! The model's zoned namespaces (NVMe Zoned Namespace command set):
//! zone states and write pointers, writes checked against them, Zone
//! Append, Zone Management Send (close, finish, open, reset, offline,
//! set descriptor extension, each on one zone or on all) and Receive
//! (zone reports, extended, partial, filtered by state).

use super::device::*;
use crate::spec::cmd::Cmd;
use crate::spec::ns::ZnsZoneDesc;
use crate::spec::Pod;

/// Zone states (`enum spdk_nvme_zns_zone_state`).
pub const ZS_EMPTY: u8 = 0x1;
pub const ZS_IOPEN: u8 = 0x2;
pub const ZS_EOPEN: u8 = 0x3;
pub const ZS_CLOSED: u8 = 0x4;
pub const ZS_READ_ONLY: u8 = 0xd;
pub const ZS_FULL: u8 = 0xe;
pub const ZS_OFFLINE: u8 = 0xf;

/// Zone type: sequential write required.
const ZT_SEQWR: u16 = 0x2;

pub(super) const OPC_ZONE_MGMT_SEND: u8 = 0x79;
pub(super) const OPC_ZONE_MGMT_RECV: u8 = 0x7a;
pub(super) const OPC_ZONE_APPEND: u8 = 0x7d;

// Command specific status codes of the zoned command set.
const SC_ZONE_BOUNDARY_ERROR: u16 = 0xb8;
const SC_ZONE_IS_FULL: u16 = 0xb9;
const SC_ZONE_IS_READ_ONLY: u16 = 0xba;
const SC_ZONE_IS_OFFLINE: u16 = 0xbb;
const SC_ZONE_INVALID_WRITE: u16 = 0xbc;
const SC_TOO_MANY_ACTIVE_ZONES: u16 = 0xbd;
const SC_TOO_MANY_OPEN_ZONES: u16 = 0xbe;
const SC_INVALID_ZONE_STATE_TRANSITION: u16 = 0xbf;

/// One zone of a zoned namespace.
#[derive(Clone, Copy, Debug)]
pub(super) struct Zone {
    pub state: u8,
    pub wp: u64,
    /// Its descriptor extension is valid (ZDEV).
    pub zdev: bool,
}

type Res<T> = Result<T, (u16, u16)>;

fn is_open(s: u8) -> bool {
    s == ZS_IOPEN || s == ZS_EOPEN
}

fn is_active(s: u8) -> bool {
    is_open(s) || s == ZS_CLOSED
}

impl Device {
    fn zoned(&self, i: usize) -> super::ModelZoned {
        self.disks[i].cfg.zoned.unwrap_or_default()
    }

    /// Makes room for zone `zi` of disk `i` to be opened (it is empty or
    /// closed): checks the active and open limits, closing an implicitly
    /// opened zone when the open limit is reached, as a controller may.
    fn make_open_room(&mut self, i: usize, zi: usize) -> Res<()> {
        let z = self.zoned(i);
        let zones = &self.disks[i].zones;
        let active = zones.iter().filter(|z| is_active(z.state)).count() as u32;
        let open = zones.iter().filter(|z| is_open(z.state)).count() as u32;
        if zones[zi].state == ZS_EMPTY && z.max_active != 0 && active >= z.max_active {
            return Err((SCT_CMD, SC_TOO_MANY_ACTIVE_ZONES));
        }
        if z.max_open != 0 && open >= z.max_open {
            let Some(victim) = zones.iter().position(|z| z.state == ZS_IOPEN) else {
                return Err((SCT_CMD, SC_TOO_MANY_OPEN_ZONES));
            };
            self.disks[i].zones[victim].state = ZS_CLOSED;
        }
        Ok(())
    }

    /// The zone of `lba` on disk `i`, checked in range.
    fn zone_of(&self, i: usize, lba: u64) -> Res<usize> {
        let z = self.zoned(i);
        let zi = lba / z.zone_size.max(1);
        if lba >= self.disks[i].cfg.blocks || zi as usize >= self.disks[i].zones.len() {
            return Err((SCT_GENERIC, SC_LBA_OUT_OF_RANGE));
        }
        Ok(zi as usize)
    }

    /// Checks a write (or append, at the zone's write pointer) of `nlb`
    /// blocks from `slba` and opens the zone implicitly; returns the
    /// zone and the LBA the data goes to.
    fn zone_write_begin(
        &mut self,
        i: usize,
        slba: u64,
        nlb: u64,
        append: bool,
    ) -> Res<(usize, u64)> {
        let z = self.zoned(i);
        let zi = self.zone_of(i, slba)?;
        let zslba = zi as u64 * z.zone_size;
        if append && slba != zslba {
            return Err((SCT_GENERIC, SC_INVALID_FIELD));
        }
        let zone = self.disks[i].zones[zi];
        match zone.state {
            ZS_FULL => return Err((SCT_CMD, SC_ZONE_IS_FULL)),
            ZS_READ_ONLY => return Err((SCT_CMD, SC_ZONE_IS_READ_ONLY)),
            ZS_OFFLINE => return Err((SCT_CMD, SC_ZONE_IS_OFFLINE)),
            _ => {}
        }
        if !append && slba != zone.wp {
            return Err((SCT_CMD, SC_ZONE_INVALID_WRITE));
        }
        if zone.wp + nlb > zslba + z.zone_cap() {
            return Err((SCT_CMD, SC_ZONE_BOUNDARY_ERROR));
        }
        if !is_open(zone.state) {
            self.make_open_room(i, zi)?;
            self.disks[i].zones[zi].state = ZS_IOPEN;
        }
        Ok((zi, zone.wp))
    }

    /// Moves the write pointer of zone `zi` past `nlb` written blocks.
    fn zone_write_end(&mut self, i: usize, zi: usize, nlb: u64) {
        let z = self.zoned(i);
        let end = zi as u64 * z.zone_size + z.zone_cap();
        let zone = &mut self.disks[i].zones[zi];
        zone.wp += nlb;
        if zone.wp >= end {
            zone.state = ZS_FULL;
        }
    }

    /// An I/O command to zoned namespace `i`: writes and appends follow
    /// the write pointers, reads stay inside one zone; None when the
    /// command is not a zoned concern (the NVM path runs it).
    pub(super) fn zoned_io(&mut self, i: usize, cmd: &Cmd) -> Option<Outcome> {
        if self.cfg.rings_only {
            return None;
        }
        let bs = self.disks[i].cfg.block_size as u64;
        let slba = (cmd.cdw11 as u64) << 32 | cmd.cdw10 as u64;
        let nlb = (cmd.cdw12 & 0xffff) as u64 + 1;
        let out = match cmd.opc() {
            OPC_WRITE | OPC_WRITE_ZEROES => {
                let (zi, _) = match self.zone_write_begin(i, slba, nlb, false) {
                    Ok(x) => x,
                    Err((sct, sc)) => return Some(fail(sct, sc)),
                };
                let out = if cmd.opc() == OPC_WRITE {
                    if self.cfg.mdts != 0 && nlb * bs > 4096u64 << self.cfg.mdts {
                        return Some(fail(SCT_GENERIC, SC_INVALID_FIELD));
                    }
                    self.rw(cmd, slba, nlb)
                } else {
                    self.zero(cmd.nsid, slba, nlb);
                    OK
                };
                if matches!(out, Some((0, 0, _))) {
                    self.zone_write_end(i, zi, nlb);
                }
                out
            }
            OPC_ZONE_APPEND => {
                let limit = match self.cfg.zasl {
                    0 if self.cfg.mdts != 0 => 4096u64 << self.cfg.mdts,
                    0 => u64::MAX,
                    z => 4096u64 << z,
                };
                if !self.cfg.zone_append {
                    return Some(fail(SCT_GENERIC, SC_INVALID_OPCODE));
                }
                if nlb * bs > limit {
                    return Some(fail(SCT_GENERIC, SC_INVALID_FIELD));
                }
                let (zi, lba) = match self.zone_write_begin(i, slba, nlb, true) {
                    Ok(x) => x,
                    Err((sct, sc)) => return Some(fail(sct, sc)),
                };
                // The data goes to the write pointer: a write there.
                let mut w = *cmd;
                w.set_opc(OPC_WRITE);
                w.cdw10 = lba as u32;
                w.cdw11 = (lba >> 32) as u32;
                let out = self.rw(&w, lba, nlb);
                if matches!(out, Some((0, 0, _))) {
                    self.zone_write_end(i, zi, nlb);
                    self.cdw1_next = (lba >> 32) as u32;
                    return Some(Some((SCT_GENERIC, 0, lba as u32)));
                }
                out
            }
            OPC_READ | OPC_COMPARE => {
                let z = self.zoned(i);
                let zi = match self.zone_of(i, slba) {
                    Ok(zi) => zi,
                    Err((sct, sc)) => return Some(fail(sct, sc)),
                };
                if self.disks[i].zones[zi].state == ZS_OFFLINE {
                    return Some(fail(SCT_CMD, SC_ZONE_IS_OFFLINE));
                }
                if slba + nlb > (zi as u64 + 1) * z.zone_size {
                    return Some(fail(SCT_CMD, SC_ZONE_BOUNDARY_ERROR));
                }
                return None;
            }
            OPC_ZONE_MGMT_SEND => self.zone_send(i, cmd),
            OPC_ZONE_MGMT_RECV => self.zone_recv(i, cmd),
            _ => return None,
        };
        Some(out)
    }

    /// One zone send action on zone `zi`.
    fn zone_action(&mut self, i: usize, zi: usize, action: u8) -> Res<()> {
        let z = self.zoned(i);
        let zslba = zi as u64 * z.zone_size;
        let st = self.disks[i].zones[zi].state;
        let bad = Err((SCT_CMD, SC_INVALID_ZONE_STATE_TRANSITION));
        let new = match (action, st) {
            (ZSA_CLOSE, ZS_IOPEN | ZS_EOPEN | ZS_CLOSED) => ZS_CLOSED,
            (ZSA_FINISH, ZS_EMPTY | ZS_IOPEN | ZS_EOPEN | ZS_CLOSED | ZS_FULL) => {
                self.disks[i].zones[zi].wp = zslba + z.zone_cap();
                ZS_FULL
            }
            (ZSA_OPEN, ZS_EMPTY | ZS_CLOSED) => {
                self.make_open_room(i, zi)?;
                ZS_EOPEN
            }
            (ZSA_OPEN, ZS_IOPEN | ZS_EOPEN) => ZS_EOPEN,
            (ZSA_RESET, ZS_EMPTY | ZS_IOPEN | ZS_EOPEN | ZS_CLOSED | ZS_FULL) => {
                let zone = &mut self.disks[i].zones[zi];
                zone.wp = zslba;
                zone.zdev = false;
                ZS_EMPTY
            }
            (ZSA_OFFLINE, ZS_READ_ONLY | ZS_OFFLINE) => ZS_OFFLINE,
            _ => return bad,
        };
        self.disks[i].zones[zi].state = new;
        Ok(())
    }

    fn zone_send(&mut self, i: usize, cmd: &Cmd) -> Outcome {
        let z = self.zoned(i);
        let action = (cmd.cdw13 & 0xff) as u8;
        let select_all = cmd.cdw13 & (1 << 8) != 0;
        let slba = (cmd.cdw11 as u64) << 32 | cmd.cdw10 as u64;
        if action == ZSA_SET_ZDE {
            return self.set_zde(i, cmd, slba);
        }
        if !(ZSA_CLOSE..=ZSA_OFFLINE).contains(&action) {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        }
        if select_all {
            // The zones each action applies to when all are selected.
            let from: &[u8] = match action {
                ZSA_CLOSE => &[ZS_IOPEN, ZS_EOPEN],
                ZSA_FINISH => &[ZS_IOPEN, ZS_EOPEN, ZS_CLOSED],
                ZSA_OPEN => &[ZS_CLOSED],
                ZSA_RESET => &[ZS_IOPEN, ZS_EOPEN, ZS_CLOSED, ZS_FULL],
                _ => &[ZS_READ_ONLY],
            };
            for zi in 0..self.disks[i].zones.len() {
                if from.contains(&self.disks[i].zones[zi].state) {
                    if let Err((sct, sc)) = self.zone_action(i, zi, action) {
                        return fail(sct, sc);
                    }
                }
            }
            return OK;
        }
        let zi = match self.zone_of(i, slba) {
            Ok(zi) => zi,
            Err((sct, sc)) => return fail(sct, sc),
        };
        if slba != zi as u64 * z.zone_size {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        }
        match self.zone_action(i, zi, action) {
            Ok(()) => OK,
            Err((sct, sc)) => fail(sct, sc),
        }
    }

    /// Set Zone Descriptor Extension: an empty zone takes the data and
    /// becomes closed (active) with a valid extension.
    fn set_zde(&mut self, i: usize, cmd: &Cmd, slba: u64) -> Outcome {
        let z = self.zoned(i);
        let ext = z.zdes as usize * 64;
        let zi = match self.zone_of(i, slba) {
            Ok(zi) => zi,
            Err((sct, sc)) => return fail(sct, sc),
        };
        if ext == 0 || slba != zi as u64 * z.zone_size {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        }
        if self.disks[i].zones[zi].state != ZS_EMPTY {
            return fail(SCT_CMD, SC_INVALID_ZONE_STATE_TRANSITION);
        }
        let active = self.disks[i]
            .zones
            .iter()
            .filter(|z| is_active(z.state))
            .count() as u32;
        if z.max_active != 0 && active >= z.max_active {
            return fail(SCT_CMD, SC_TOO_MANY_ACTIVE_ZONES);
        }
        let mut data = vec![0u8; ext];
        if let Err(sc) = self.read_host(cmd, &mut data) {
            return fail(SCT_GENERIC, sc);
        }
        self.disks[i].zde[zi * ext..(zi + 1) * ext].copy_from_slice(&data);
        let zone = &mut self.disks[i].zones[zi];
        zone.zdev = true;
        zone.state = ZS_CLOSED;
        OK
    }

    /// Zone Management Receive: a (extended) zone report from the zone
    /// of SLBA, filtered by state, partial or not.
    fn zone_recv(&mut self, i: usize, cmd: &Cmd) -> Outcome {
        let z = self.zoned(i);
        let action = (cmd.cdw13 & 0xff) as u8;
        let filter = ((cmd.cdw13 >> 8) & 0xff) as u8;
        let partial = cmd.cdw13 & (1 << 16) != 0;
        let ext = z.zdes as usize * 64;
        if action > 1 || filter > 7 || (action == 1 && ext == 0) {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        }
        let slba = (cmd.cdw11 as u64) << 32 | cmd.cdw10 as u64;
        let first = match self.zone_of(i, slba) {
            Ok(zi) => zi,
            Err((sct, sc)) => return fail(sct, sc),
        };
        let len = (cmd.cdw12 as usize + 1) * 4;
        let desc_len = 64 + if action == 1 { ext } else { 0 };
        let room = len.saturating_sub(64) / desc_len;
        let mut page = vec![0u8; len];
        let wanted = |s: u8| match filter {
            0 => true,
            1 => s == ZS_EMPTY,
            2 => s == ZS_IOPEN,
            3 => s == ZS_EOPEN,
            4 => s == ZS_CLOSED,
            5 => s == ZS_FULL,
            6 => s == ZS_READ_ONLY,
            _ => s == ZS_OFFLINE,
        };
        let (mut matching, mut written) = (0u64, 0usize);
        for zi in first..self.disks[i].zones.len() {
            let zone = self.disks[i].zones[zi];
            if !wanted(zone.state) {
                continue;
            }
            matching += 1;
            if written == room {
                continue;
            }
            let mut d = ZnsZoneDesc::default();
            d.zt_zs = d.zt_zs.with_zt(ZT_SEQWR).with_zs((zone.state as u16) & 0xf);
            d.za = d.za.with_zdev(zone.zdev as u8);
            d.zcap = z.zone_cap();
            d.zslba = zi as u64 * z.zone_size;
            d.wp = zone.wp;
            let at = 64 + written * desc_len;
            page[at..at + 64].copy_from_slice(d.as_bytes());
            if action == 1 && zone.zdev {
                page[at + 64..at + 64 + ext]
                    .copy_from_slice(&self.disks[i].zde[zi * ext..(zi + 1) * ext]);
            }
            written += 1;
        }
        let nr = if partial { written as u64 } else { matching };
        let n = len.min(8);
        page[..n].copy_from_slice(&nr.to_le_bytes()[..n]);
        match self.write_host(cmd, &page) {
            Ok(()) => OK,
            Err(sc) => fail(SCT_GENERIC, sc),
        }
    }

    /// Puts zone `zone` of namespace `nsid` in state `state` (tests: a
    /// zone going read only or offline, as media wears).
    pub fn set_zone_state(&mut self, nsid: u32, zone: usize, state: u8) {
        if let Some(z) = self
            .disks
            .get_mut((nsid as usize).wrapping_sub(1))
            .and_then(|d| d.zones.get_mut(zone))
        {
            z.state = state;
        }
    }

    /// State and write pointer of zone `zone` of namespace `nsid`.
    pub fn zone(&self, nsid: u32, zone: usize) -> Option<(u8, u64)> {
        self.disks
            .get((nsid as usize).wrapping_sub(1))
            .and_then(|d| d.zones.get(zone))
            .map(|z| (z.state, z.wp))
    }
}

// Zone Send Actions.
const ZSA_CLOSE: u8 = 0x1;
const ZSA_FINISH: u8 = 0x2;
const ZSA_OPEN: u8 = 0x3;
const ZSA_RESET: u8 = 0x4;
const ZSA_OFFLINE: u8 = 0x5;
const ZSA_SET_ZDE: u8 = 0x10;

// The NVM commands the zones constrain.
const OPC_WRITE: u8 = 0x01;
const OPC_READ: u8 = 0x02;
const OPC_COMPARE: u8 = 0x05;
const OPC_WRITE_ZEROES: u8 = 0x08;
