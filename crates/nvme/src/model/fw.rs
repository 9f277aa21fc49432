//! The model's firmware: slots (slot 1 holding the running firmware,
//! read only unless configured otherwise), Firmware Image Download in
//! pieces, Firmware Commit, the Firmware Slot Information log page, and
//! boot partitions (written by download and commit, read through the
//! BPINFO / BPRSEL / BPMBL registers).
//!
//! An image's firmware revision is its first 8 bytes, which must be
//! printable ASCII; anything else is an invalid image. A committed image
//! that is to be activated (commit actions 001b and 010b) runs after the
//! next controller reset; 011b activates it at once. Downloaded pieces
//! are kept until a commit uses them, a download at offset 0 begins a new
//! image, or the controller resets; pieces overlapping kept ones are
//! refused (Overlapping Range).

use super::device::*;
use super::ModelConfig;
use crate::spec::cmd::Cmd;
use crate::spec::log::{Afi, FirmwarePage};
use crate::spec::ns::FwCommit;
use crate::spec::regs::{Bpinfo, Bprsel};
use crate::spec::Pod;

pub(super) const OPC_FIRMWARE_COMMIT: u8 = 0x10;
pub(super) const OPC_FIRMWARE_IMAGE_DOWNLOAD: u8 = 0x11;

/// The revision of the firmware the model starts with (slot 1).
pub const FW_REVISION: [u8; 8] = *b"1.0     ";
/// Largest firmware image the model takes, bytes.
pub const FW_IMAGE_MAX: usize = 1 << 20;

// Command specific status codes.
const SC_INVALID_FIRMWARE_SLOT: u16 = 0x06;
const SC_INVALID_FIRMWARE_IMAGE: u16 = 0x07;
const SC_OVERLAPPING_RANGE: u16 = 0x14;

// Commit actions.
const CA_REPLACE: u32 = 0;
const CA_REPLACE_AND_ENABLE: u32 = 1;
const CA_ENABLE: u32 = 2;
const CA_RUN: u32 = 3;
const CA_REPLACE_BOOT_PARTITION: u32 = 6;
const CA_ACTIVATE_BOOT_PARTITION: u32 = 7;

// Boot partition read status (BPINFO.BRS).
const BRS_NO_READ: u32 = 0;
const BRS_IN_PROGRESS: u32 = 1;
const BRS_SUCCESS: u32 = 2;
const BRS_ERROR: u32 = 3;

/// Firmware and boot partition state.
pub(super) struct Firmware {
    /// Revisions in slots 1 to 7 (None: empty).
    slots: [Option<[u8; 8]>; 7],
    nslots: u8,
    slot1_ro: bool,
    /// Running slot.
    active: u8,
    /// Slot to run after the next reset (0: none).
    next: u8,
    /// Downloaded pieces: (byte offset, data).
    pieces: Vec<(usize, Vec<u8>)>,
    /// The two boot partitions (empty when there are none).
    bp: [Vec<u8>; 2],
    /// The active boot partition.
    bp_active: u8,
    /// Boot partition read status and the BPINFO reads before a started
    /// read completes.
    brs: u32,
    bp_countdown: u32,
}

impl Firmware {
    pub(super) fn new(cfg: &ModelConfig) -> Firmware {
        let mut slots = [None; 7];
        slots[0] = Some(FW_REVISION);
        let bp_len = cfg.boot_partition_size as usize * (128 << 10);
        Firmware {
            slots,
            nslots: cfg.fw_slots.clamp(1, 7),
            slot1_ro: cfg.fw_slot1_ro,
            active: 1,
            next: 0,
            pieces: Vec::new(),
            bp: [vec![0; bp_len], vec![0; bp_len]],
            bp_active: 0,
            brs: BRS_NO_READ,
            bp_countdown: 0,
        }
    }

    /// The running firmware's revision.
    pub(super) fn revision(&self) -> [u8; 8] {
        self.slots[self.active as usize - 1].unwrap_or(FW_REVISION)
    }

    /// FRMW of the identify controller data: slot 1 read only, slots,
    /// activation without reset.
    pub(super) fn frmw(&self) -> crate::spec::ctrlr::Frmw {
        crate::spec::ctrlr::Frmw(0)
            .with_slot1_ro(self.slot1_ro as u8)
            .with_num_slots(self.nslots)
            .with_activation_without_reset(1)
    }

    pub(super) fn bpinfo(&self) -> Bpinfo {
        Bpinfo(0)
            .with_bpsz((self.bp[0].len() >> 17) as u32)
            .with_brs(self.brs)
            .with_abpid(self.bp_active as u32)
    }

    /// A controller reset: a pending activation happens, a download in
    /// progress is dropped.
    pub(super) fn on_controller_reset(&mut self) {
        self.pieces.clear();
        if self.next != 0 {
            self.active = self.next;
            self.next = 0;
        }
    }

    /// The Firmware Slot Information log page.
    pub(super) fn slot_page(&self) -> FirmwarePage {
        let mut p = FirmwarePage::zeroed();
        p.afi = Afi(0)
            .with_active_slot(self.active)
            .with_next_reset_slot(self.next);
        for (i, s) in self.slots.iter().enumerate() {
            if let Some(r) = s {
                p.revision[i] = *r;
            }
        }
        p
    }

    /// The downloaded image: the pieces, which must cover it from byte 0
    /// without a hole.
    fn image(&self) -> Option<Vec<u8>> {
        let mut pieces: Vec<&(usize, Vec<u8>)> = self.pieces.iter().collect();
        pieces.sort_by_key(|p| p.0);
        let mut img = Vec::new();
        for (off, data) in pieces {
            if *off != img.len() {
                return None;
            }
            img.extend_from_slice(data);
        }
        (!img.is_empty()).then_some(img)
    }
}

/// The revision an image carries (its first 8 bytes, printable ASCII).
fn image_revision(img: &[u8]) -> Option<[u8; 8]> {
    let r: [u8; 8] = img.get(..8)?.try_into().ok()?;
    r.iter().all(|b| (0x20..0x7f).contains(b)).then_some(r)
}

impl Device {
    pub(super) fn fw_image_download(&mut self, cmd: &Cmd) -> Outcome {
        let len = (cmd.cdw10 as usize + 1) * 4;
        let off = cmd.cdw11 as usize * 4;
        let max = FW_IMAGE_MAX.max(self.fw.bp[0].len());
        if cmd.cdw10 as usize >= max / 4 || off + len > max {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        }
        // Offset 0 begins a new image.
        if off == 0 {
            self.fw.pieces.clear();
        }
        if self
            .fw
            .pieces
            .iter()
            .any(|(o, d)| off < o + d.len() && *o < off + len)
        {
            return fail(SCT_CMD, SC_OVERLAPPING_RANGE);
        }
        let mut data = vec![0u8; len];
        if let Err(sc) = self.read_host(cmd, &mut data) {
            return fail(SCT_GENERIC, sc);
        }
        self.fw.pieces.push((off, data));
        OK
    }

    pub(super) fn fw_commit(&mut self, cmd: &Cmd) -> Outcome {
        let c = FwCommit(cmd.cdw10);
        let (ca, fs) = (c.ca(), c.fs() as u8);
        match ca {
            CA_REPLACE | CA_REPLACE_AND_ENABLE => {
                let fw = &self.fw;
                let slot = if fs == 0 {
                    // The controller's choice: a writable slot not running.
                    let first = if fw.slot1_ro { 2 } else { 1 };
                    (first..=fw.nslots).find(|&s| s != fw.active).unwrap_or(0)
                } else {
                    fs
                };
                if slot == 0 || slot > fw.nslots || (slot == 1 && fw.slot1_ro) {
                    return fail(SCT_CMD, SC_INVALID_FIRMWARE_SLOT);
                }
                let Some(rev) = fw.image().as_deref().and_then(image_revision) else {
                    return fail(SCT_CMD, SC_INVALID_FIRMWARE_IMAGE);
                };
                self.fw.pieces.clear();
                self.fw.slots[slot as usize - 1] = Some(rev);
                if ca == CA_REPLACE {
                    return OK;
                }
                self.fw.next = slot;
                self.activation_status()
            }
            CA_ENABLE | CA_RUN => {
                if fs == 0 || fs > self.fw.nslots || self.fw.slots[fs as usize - 1].is_none() {
                    return fail(SCT_CMD, SC_INVALID_FIRMWARE_SLOT);
                }
                if ca == CA_RUN {
                    self.fw.active = fs;
                    self.fw.next = 0;
                    return OK;
                }
                self.fw.next = fs;
                self.activation_status()
            }
            CA_REPLACE_BOOT_PARTITION | CA_ACTIVATE_BOOT_PARTITION => {
                let bpid = c.bpid() as usize;
                if self.fw.bp[bpid].is_empty() {
                    return fail(SCT_GENERIC, SC_INVALID_FIELD);
                }
                if ca == CA_ACTIVATE_BOOT_PARTITION {
                    self.fw.bp_active = bpid as u8;
                } else {
                    let Some(img) = self
                        .fw
                        .image()
                        .filter(|i| i.len() <= self.fw.bp[bpid].len())
                    else {
                        return fail(SCT_CMD, SC_INVALID_FIRMWARE_IMAGE);
                    };
                    self.fw.pieces.clear();
                    let bp = &mut self.fw.bp[bpid];
                    bp.fill(0);
                    bp[..img.len()].copy_from_slice(&img);
                }
                let v = self.fw.bpinfo().0;
                self.set_reg(REG_BPINFO, v);
                OK
            }
            _ => fail(SCT_GENERIC, SC_INVALID_FIELD),
        }
    }

    fn activation_status(&self) -> Outcome {
        match self.fw_activation_status {
            0 => OK,
            sc => fail(SCT_CMD, sc),
        }
    }

    /// The host wrote BPRSEL: a boot partition read starts (it completes
    /// after two reads of BPINFO), or fails at once for a range beyond
    /// the partition or a buffer the device cannot reach.
    pub(super) fn boot_partition_read_select(&mut self) {
        if self.fw.bp[0].is_empty() {
            return;
        }
        let sel = Bprsel(self.reg(REG_BPRSEL));
        let (len, off) = (sel.bprsz() as usize * 4096, sel.bprof() as usize * 4096);
        let bp_len = self.fw.bp[0].len();
        let ok =
            len != 0 && off + len <= bp_len && self.reachable(self.reg_8(REG_BPMBL), len as u64);
        if ok {
            self.fw.brs = BRS_IN_PROGRESS;
            self.fw.bp_countdown = 2;
        } else {
            self.fw.brs = BRS_ERROR;
        }
        let v = self.fw.bpinfo().0;
        self.set_reg(REG_BPINFO, v);
    }

    /// A host read of BPINFO: time passes for a boot partition read.
    pub(super) fn on_bpinfo_read(&mut self) {
        if self.fw.bp_countdown == 0 {
            return;
        }
        self.fw.bp_countdown -= 1;
        if self.fw.bp_countdown == 0 {
            let sel = Bprsel(self.reg(REG_BPRSEL));
            let (len, off) = (sel.bprsz() as usize * 4096, sel.bprof() as usize * 4096);
            let dst = self.reg_8(REG_BPMBL);
            let src = &self.fw.bp[sel.bpid() as usize][off..off + len];
            if self.reachable(dst, len as u64) {
                // SAFETY: checked reachable (registered host memory).
                unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), dst as *mut u8, len) };
                self.fw.brs = BRS_SUCCESS;
            } else {
                self.fw.brs = BRS_ERROR;
            }
            let v = self.fw.bpinfo().0;
            self.set_reg(REG_BPINFO, v);
        }
    }

    /// The contents of boot partition `bpid` (tests).
    pub fn boot_partition(&self, bpid: usize) -> Option<&[u8]> {
        self.fw
            .bp
            .get(bpid)
            .map(|b| &b[..])
            .filter(|b| !b.is_empty())
    }

    /// The running firmware's slot and revision, and the slot to run after
    /// the next reset (0: none).
    pub fn firmware(&self) -> (u8, [u8; 8], u8) {
        (self.fw.active, self.fw.revision(), self.fw.next)
    }
}
