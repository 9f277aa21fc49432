//! The model's device side: registers, queues, the command loop, and the
//! faults it can be told to commit.

use std::collections::VecDeque;
use std::ptr;

use super::ModelConfig;
use crate::spec::cmd::{Cmd, Cpl, Status};
use crate::spec::regs::{Aqa, Cap, Cc, Csts, Vs};

/// Register offsets.
pub const REG_CAP: u32 = 0x00;
pub const REG_VS: u32 = 0x08;
pub const REG_CC: u32 = 0x14;
pub const REG_CSTS: u32 = 0x1c;
pub const REG_AQA: u32 = 0x24;
pub const REG_ASQ: u32 = 0x28;
pub const REG_ACQ: u32 = 0x30;
pub const REG_BPINFO: u32 = 0x40;
pub const REG_BPRSEL: u32 = 0x44;
pub const REG_BPMBL: u32 = 0x48;
const FEAT_KEEP_ALIVE_TIMER: usize = 0x0f;
/// First doorbell (stride 4 bytes: CAP.DSTRD 0).
pub const DOORBELLS: u32 = 0x1000;

/// Status code types and the codes the model answers with.
pub(super) const SCT_GENERIC: u16 = 0;
pub(super) const SCT_CMD: u16 = 1;
pub(super) const SCT_MEDIA: u16 = 2;
pub(super) const SC_INVALID_OPCODE: u16 = 0x01;
pub(super) const SC_INVALID_FIELD: u16 = 0x02;
pub(super) const SC_DATA_TRANSFER_ERROR: u16 = 0x04;
pub(super) const SC_ABORTED_BY_REQUEST: u16 = 0x07;
pub(super) const SC_ABORTED_SQ_DELETION: u16 = 0x08;
pub(super) const SC_INVALID_NAMESPACE: u16 = 0x0b;
pub(super) const SC_INVALID_PRP_OFFSET: u16 = 0x13;
pub(super) const SC_LBA_OUT_OF_RANGE: u16 = 0x80;

/// The outcome of a command: (status code type, status code, CDW0), or
/// held (no completion yet).
pub(super) type Outcome = Option<(u16, u16, u32)>;

pub(super) const OK: Outcome = Some((SCT_GENERIC, 0, 0));

pub(super) fn fail(sct: u16, sc: u16) -> Outcome {
    Some((sct, sc, 0))
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Sq {
    pub base: u64,
    pub size: u32,
    pub head: u32,
    pub cqid: u16,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Cq {
    pub base: u64,
    pub size: u32,
    pub tail: u32,
    pub phase: u16,
}

/// A command the device keeps without completing it.
#[derive(Clone, Copy, Debug)]
pub struct Held {
    pub sqid: u16,
    pub cmd: Cmd,
}

/// One-shot misbehaviours of the completion path.
#[derive(Clone, Copy, Debug, Default)]
pub struct Faults {
    /// Post the next completion twice.
    pub duplicate_next: bool,
    /// Post the next completion with the wrong phase (the host never sees
    /// it, nor anything after it in that queue).
    pub wrong_phase_next: bool,
}

/// A namespace's storage. NSIDs 1 to NN each have one; `allocated` and
/// `attached` say whether the namespace exists and is attached to the
/// controller (active).
pub(super) struct Disk {
    pub cfg: super::ModelNs,
    /// The namespace exists (created, or configured).
    pub allocated: bool,
    /// Attached to the controller (controller ID 1): an active namespace.
    pub attached: bool,
    /// The LBA formats it offers: (block size, metadata bytes).
    pub formats: Vec<(u32, u16)>,
    /// Index of the format in use.
    pub fmt: usize,
    /// Namespace multi-path I/O and sharing capabilities, as created.
    pub nmic: u8,
    /// The streams directive is enabled for it.
    pub streams_enabled: bool,
    /// Streams allocated to it (Allocate Resources).
    pub streams_allocated: u16,
    pub data: Vec<u8>,
    pub md: Vec<u8>,
    /// Zones of a zoned namespace (empty otherwise).
    pub zones: Vec<super::zns::Zone>,
    /// Zone descriptor extensions, ZDES * 64 bytes per zone.
    pub zde: Vec<u8>,
}

/// The model controller.
pub struct Device {
    pub(super) cfg: ModelConfig,
    /// Registers and doorbells, as 32-bit words.
    pub(super) regs: Box<[u32]>,
    pub(super) sqs: Vec<Option<Sq>>,
    pub(super) cqs: Vec<Option<Cq>>,
    pub(super) disks: Vec<Disk>,
    /// CSTS reads left before RDY follows EN.
    ready_countdown: u32,
    /// I/O queues granted by Set Features Number of Queues (0's based
    /// SQ, CQ), None before.
    pub(super) queues_granted: Option<(u16, u16)>,
    pub(super) features: [u32; 256],
    /// AER commands waiting for an event.
    pub(super) aers: VecDeque<u16>,
    /// Events waiting for an AER command (CDW0 values).
    pub(super) events: VecDeque<u32>,
    /// Namespaces to report in the Changed Namespace List log page.
    pub(super) changed_ns: Vec<u32>,
    /// Shadow doorbell and event index buffers (Doorbell Buffer Config).
    pub(super) dbbuf: Option<(u64, u64)>,
    pub(super) held: Vec<Held>,
    /// Keep I/O commands instead of completing them.
    pub hold_io: bool,
    pub faults: Faults,
    /// Keep alive commands received.
    pub keep_alives: u64,
    /// Commands consumed since creation.
    pub commands: u64,
    /// Abort commands received.
    pub aborts: u64,
    /// Admin commands answered Invalid Opcode, as received.
    pub unknown_admin: Vec<Cmd>,
    pub(super) auto_step: bool,
    /// Ranges made bad by Write Uncorrectable, by namespace ID.
    pub(super) uncorrectable: std::collections::BTreeMap<u32, Vec<(u64, u64)>>,
    /// Reservation state by namespace ID.
    pub(super) resv: std::collections::BTreeMap<u32, super::resv::Resv>,
    /// CDW1 of the next completion posted (Zone Append's LBA, high half).
    pub(super) cdw1_next: u32,
    /// ANA state of each ANA group (`spdk_nvme_ana_state`).
    pub(super) ana_states: std::collections::BTreeMap<u32, u8>,
    /// ANA log page change count.
    pub(super) ana_change_count: u64,
    /// ANA log page reads.
    pub ana_log_reads: u64,
    /// Firmware slots, download and boot partitions.
    pub(super) fw: super::fw::Firmware,
    /// What the model's echo security protocol keeps, by SPSP.
    pub(super) sec_echo: std::collections::BTreeMap<u16, Vec<u8>>,
    /// The command specific status successful activating Firmware
    /// Commits answer with (0: success). The model activates the image
    /// at the next controller reset whatever it says (conventional and
    /// NVM subsystem resets are not modeled).
    pub fw_activation_status: u16,
    /// NVM capacity the configured namespaces take, bytes.
    pub(super) initial_capacity: u64,
}

impl Device {
    pub(super) fn new(cfg: ModelConfig) -> Device {
        let nq = cfg.max_io_queues as usize + 1;
        let words = (DOORBELLS as usize + 8 * nq) / 4;
        let mut disks: Vec<Disk> = cfg
            .namespaces
            .iter()
            .map(|n| Disk::new(*n, cfg.rings_only))
            .collect();
        while (disks.len() as u32) < cfg.max_namespaces {
            disks.push(Disk::unallocated());
        }
        let mut d = Device {
            regs: vec![0; words].into_boxed_slice(),
            sqs: vec![None; nq],
            cqs: vec![None; nq],
            disks,
            ready_countdown: 0,
            queues_granted: None,
            features: [0; 256],
            aers: VecDeque::new(),
            events: VecDeque::new(),
            changed_ns: Vec::new(),
            dbbuf: None,
            held: Vec::new(),
            hold_io: false,
            faults: Faults::default(),
            keep_alives: 0,
            commands: 0,
            aborts: 0,
            unknown_admin: Vec::new(),
            auto_step: true,
            resv: Default::default(),
            uncorrectable: Default::default(),
            cdw1_next: 0,
            ana_states: cfg.ana_groups.iter().map(|&g| (g, 1)).collect(),
            ana_change_count: 0,
            ana_log_reads: 0,
            fw: super::fw::Firmware::new(&cfg),
            sec_echo: Default::default(),
            fw_activation_status: 0,
            initial_capacity: 0,
            cfg,
        };
        // Zoned namespaces need the I/O command sets beyond NVM.
        let iocs = d.iocs();
        let cap = Cap(0)
            .with_bps((d.cfg.boot_partition_size != 0) as u64)
            .with_mqes(d.cfg.mqes as u64)
            .with_cqr(1)
            .with_to(d.cfg.cap_to as u64)
            .with_css(if iocs { 1 | (1 << 6) } else { 1 })
            .with_mpsmin(0)
            .with_mpsmax(4);
        d.set_reg_8(REG_CAP, cap.0);
        d.set_reg(REG_VS, Vs(0).with_mjr(1).with_mnr(4).0);
        d.features[FEAT_KEEP_ALIVE_TIMER] = d.cfg.kato_ms;
        d.set_reg(REG_BPINFO, d.fw.bpinfo().0);
        d.initial_capacity = d.disks.iter().map(Disk::bytes).sum();
        d
    }

    /// Whether the controller offers all I/O command sets (it has a
    /// zoned namespace).
    pub(super) fn iocs(&self) -> bool {
        self.cfg.elbas || self.cfg.namespaces.iter().any(|n| n.zoned.is_some())
    }

    /// The register memory (for the host's doorbell pointers).
    pub(super) fn regs_ptr(&mut self) -> *mut u32 {
        self.regs.as_mut_ptr()
    }

    pub(super) fn reg(&self, off: u32) -> u32 {
        // SAFETY: in bounds (callers check); volatile because the host
        // writes doorbells through raw pointers.
        unsafe { ptr::read_volatile(&self.regs[(off / 4) as usize]) }
    }

    pub(super) fn set_reg(&mut self, off: u32, v: u32) {
        // SAFETY: as reg.
        unsafe { ptr::write_volatile(&mut self.regs[(off / 4) as usize], v) }
    }

    pub(super) fn reg_8(&self, off: u32) -> u64 {
        self.reg(off) as u64 | (self.reg(off + 4) as u64) << 32
    }

    pub(super) fn set_reg_8(&mut self, off: u32, v: u64) {
        self.set_reg(off, v as u32);
        self.set_reg(off + 4, (v >> 32) as u32);
    }

    pub(super) fn reg_len(&self) -> u32 {
        (self.regs.len() * 4) as u32
    }

    pub fn csts(&self) -> Csts {
        Csts(self.reg(REG_CSTS))
    }

    /// A host read of CSTS: time passes for a controller getting ready.
    pub(super) fn on_csts_read(&mut self) {
        if self.ready_countdown > 0 {
            self.ready_countdown -= 1;
            if self.ready_countdown == 0 {
                let c = self.csts().with_rdy(1);
                self.set_reg(REG_CSTS, c.0);
            }
        }
    }

    /// A host register write, after the value is stored.
    pub(super) fn on_reg_write(&mut self, off: u32, old: u32) {
        if off == REG_BPRSEL {
            self.boot_partition_read_select();
            return;
        }
        if off != REG_CC {
            return;
        }
        let cc = Cc(self.reg(REG_CC));
        let was = Cc(old);
        if cc.shn() != 0 && was.shn() == 0 {
            // Shutdown completes at once.
            let c = self.csts().with_shst(2);
            self.set_reg(REG_CSTS, c.0);
        }
        match (was.en(), cc.en()) {
            (0, 1) => self.enable(cc),
            (1, 0) => self.reset(),
            _ => {}
        }
    }

    fn enable(&mut self, cc: Cc) {
        let aqa = Aqa(self.reg(REG_AQA));
        let asq = self.reg_8(REG_ASQ);
        let acq = self.reg_8(REG_ACQ);
        let ok = aqa.asqs() >= 1
            && aqa.acqs() >= 1
            && asq & 0xfff == 0
            && acq & 0xfff == 0
            && cc.mps() == 0
            && (cc.css() == 0 || (cc.css() == 6 && self.iocs()))
            && self.reachable(asq, (aqa.asqs() as u64 + 1) * 64)
            && self.reachable(acq, (aqa.acqs() as u64 + 1) * 16);
        if !ok {
            spdk_log::errlog!("model: enabled with a bad admin queue configuration");
            let c = self.csts().with_cfs(1);
            self.set_reg(REG_CSTS, c.0);
            return;
        }
        self.sqs[0] = Some(Sq {
            base: asq,
            size: aqa.asqs() + 1,
            head: 0,
            cqid: 0,
        });
        self.cqs[0] = Some(Cq {
            base: acq,
            size: aqa.acqs() + 1,
            tail: 0,
            phase: 1,
        });
        if self.cfg.never_ready {
            return;
        }
        if self.cfg.ready_delay == 0 {
            let c = self.csts().with_rdy(1);
            self.set_reg(REG_CSTS, c.0);
        } else {
            self.ready_countdown = self.cfg.ready_delay;
        }
    }

    /// Controller reset (CC.EN 1 -> 0): queues, held commands and
    /// features are gone, fatal status clears.
    fn reset(&mut self) {
        for q in self.sqs.iter_mut() {
            *q = None;
        }
        for q in self.cqs.iter_mut() {
            *q = None;
        }
        let nq = self.sqs.len();
        for i in 0..2 * nq {
            self.set_reg(DOORBELLS + 4 * i as u32, 0);
        }
        self.queues_granted = None;
        self.features = [0; 256];
        self.features[FEAT_KEEP_ALIVE_TIMER] = self.cfg.kato_ms;
        self.aers.clear();
        self.held.clear();
        self.dbbuf = None;
        self.ready_countdown = 0;
        self.set_reg(REG_CSTS, 0);
        self.fw.on_controller_reset();
    }

    /// Sets controller fatal status: the device stops working its queues
    /// until the host resets it.
    pub fn set_fatal(&mut self) {
        let c = self.csts().with_cfs(1);
        self.set_reg(REG_CSTS, c.0);
    }

    /// Whether the device can reach (DMA) `len` bytes at `addr`.
    pub(super) fn reachable(&self, addr: u64, len: u64) -> bool {
        addr != 0 && spdk_env::mem_map::is_registered(addr, len.max(1))
    }

    fn sq_tail(&self, qid: usize) -> u32 {
        match self.dbbuf {
            // SAFETY: the shadow buffer was checked reachable when set.
            Some((shadow, _)) if qid > 0 => unsafe {
                ptr::read_volatile((shadow as *const u32).add(2 * qid))
            },
            _ => self.reg(DOORBELLS + 8 * qid as u32),
        }
    }

    fn cq_head(&self, qid: usize) -> u32 {
        match self.dbbuf {
            // SAFETY: as sq_tail.
            Some((shadow, _)) if qid > 0 => unsafe {
                ptr::read_volatile((shadow as *const u32).add(2 * qid + 1))
            },
            _ => self.reg(DOORBELLS + 8 * qid as u32 + 4),
        }
    }

    /// Works every submission queue once: each new command is executed
    /// and its completion posted (unless held). Returns the commands
    /// consumed.
    pub fn step(&mut self) -> usize {
        let csts = self.csts();
        if csts.rdy() == 0 || csts.cfs() == 1 {
            return 0;
        }
        let mut n = 0;
        for qid in 0..self.sqs.len() {
            let Some(mut sq) = self.sqs[qid] else {
                continue;
            };
            let tail = self.sq_tail(qid);
            if tail >= sq.size {
                continue;
            }
            while sq.head != tail {
                if !self.cq_has_room(sq.cqid, 1) {
                    break;
                }
                // SAFETY: the ring was checked reachable at creation.
                let cmd =
                    unsafe { ptr::read_volatile((sq.base as *const Cmd).add(sq.head as usize)) };
                sq.head = (sq.head + 1) % sq.size;
                self.sqs[qid] = Some(sq);
                n += 1;
                self.commands += 1;
                let out = if qid == 0 {
                    self.admin(&cmd)
                } else {
                    self.io(qid as u16, &cmd)
                };
                if let Some((sct, sc, cdw0)) = out {
                    self.post(qid as u16, cmd.cid, sct, sc, cdw0);
                }
                // The command may have deleted its own queue.
                match self.sqs[qid] {
                    Some(q) => sq = q,
                    None => break,
                }
            }
            if let (Some((_, ei)), Some(q)) = (self.dbbuf, self.sqs[qid]) {
                if qid > 0 {
                    // SAFETY: checked reachable when set.
                    unsafe { ptr::write_volatile((ei as *mut u32).add(2 * qid), q.head) };
                }
            }
        }
        n
    }

    fn cq_has_room(&self, cqid: u16, n: u32) -> bool {
        let Some(cq) = self.cqs.get(cqid as usize).copied().flatten() else {
            return false;
        };
        let head = self.cq_head(cqid as usize);
        let used = (cq.tail + cq.size - head % cq.size) % cq.size;
        used + n < cq.size
    }

    /// Posts a completion for command `cid` of SQ `sqid` to its CQ.
    pub(super) fn post(&mut self, sqid: u16, cid: u16, sct: u16, sc: u16, cdw0: u32) {
        let Some(sq) = self.sqs.get(sqid as usize).copied().flatten() else {
            return;
        };
        let dup = std::mem::take(&mut self.faults.duplicate_next);
        self.post_raw(
            sq.cqid,
            sqid,
            sq.head as u16,
            cid,
            Status::new(sct, sc),
            cdw0,
        );
        if dup && self.cq_has_room(sq.cqid, 1) {
            self.post_raw(
                sq.cqid,
                sqid,
                sq.head as u16,
                cid,
                Status::new(sct, sc),
                cdw0,
            );
        }
    }

    /// Writes one completion entry, status (with the phase) last.
    fn post_raw(&mut self, cqid: u16, sqid: u16, sqhd: u16, cid: u16, st: Status, cdw0: u32) {
        let Some(mut cq) = self.cqs.get(cqid as usize).copied().flatten() else {
            return;
        };
        if !self.cq_has_room(cqid, 1) {
            spdk_log::errlog!("model: CQ {} full, completion of cid {} lost", cqid, cid);
            return;
        }
        let mut phase = cq.phase;
        if std::mem::take(&mut self.faults.wrong_phase_next) {
            phase ^= 1;
        }
        let c = Cpl {
            cdw0,
            cdw1: std::mem::take(&mut self.cdw1_next),
            sqhd,
            sqid,
            cid,
            status: Status(0),
        };
        // SAFETY: the ring was checked reachable at creation.
        unsafe {
            let slot = (cq.base as *mut Cpl).add(cq.tail as usize);
            ptr::write_volatile(slot, c);
            std::sync::atomic::fence(std::sync::atomic::Ordering::Release);
            ptr::write_volatile(ptr::addr_of_mut!((*slot).status), st.with_p(phase));
        }
        cq.tail += 1;
        if cq.tail == cq.size {
            cq.tail = 0;
            cq.phase ^= 1;
        }
        self.cqs[cqid as usize] = Some(cq);
    }

    /// Posts a completion nobody asked for: command `cid` of queue `qid`
    /// (the host must report it and carry on).
    pub fn inject_completion(&mut self, qid: u16, cid: u16) {
        if let Some(sq) = self.sqs.get(qid as usize).copied().flatten() {
            self.post_raw(sq.cqid, qid, sq.head as u16, cid, Status(0), 0);
        }
    }

    /// Completes every held command: I/O commands are executed now,
    /// others succeed.
    pub fn release_held(&mut self) {
        let held = std::mem::take(&mut self.held);
        let hold = std::mem::replace(&mut self.hold_io, false);
        for h in held {
            if let Some((sct, sc, cdw0)) = self.io(h.sqid, &h.cmd) {
                self.post(h.sqid, h.cmd.cid, sct, sc, cdw0);
            }
        }
        self.hold_io = hold;
    }

    /// Commands held now.
    pub fn held(&self) -> &[Held] {
        &self.held
    }

    /// Raises an asynchronous event (the CDW0 of the AER completion):
    /// completes a waiting AER command, or waits for one.
    pub fn raise_event(&mut self, cdw0: u32) {
        self.events.push_back(cdw0);
        self.deliver_events();
    }

    /// Reports namespace `nsid` as changed (log page 4) and raises the
    /// Namespace Attribute Changed notice.
    pub fn ns_changed(&mut self, nsid: u32) {
        self.changed_ns.push(nsid);
        // Notice type, NS attribute changed (info 0), log page 4.
        self.raise_event(2 | (4 << 16));
    }

    /// Sets the state (`spdk_nvme_ana_state`) of ANA group `group` and
    /// raises the ANA change notice (log page 0Ch).
    pub fn set_ana_state(&mut self, group: u32, state: u8) {
        self.ana_states.insert(group, state & 0xf);
        self.ana_change_count += 1;
        // Notice type, ANA change (info 3), log page 0Ch.
        self.raise_event(2 | (3 << 8) | (0x0c << 16));
    }

    /// The ANA log page: header, then a descriptor per group (ascending
    /// group ID) with the NSIDs of its namespaces.
    pub(super) fn ana_log(&mut self) -> Vec<u8> {
        self.ana_log_reads += 1;
        let mut page = vec![0u8; 16];
        page[0..8].copy_from_slice(&self.ana_change_count.to_le_bytes());
        page[8..10].copy_from_slice(&(self.ana_states.len() as u16).to_le_bytes());
        for (&g, &state) in &self.ana_states {
            let ids: Vec<u32> = (1..=self.disks.len() as u32)
                .filter(|&n| self.cfg.ana_groups.get(n as usize - 1) == Some(&g))
                .collect();
            let mut d = [0u8; 32];
            d[0..4].copy_from_slice(&g.to_le_bytes());
            d[4..8].copy_from_slice(&(ids.len() as u32).to_le_bytes());
            d[8..16].copy_from_slice(&self.ana_change_count.to_le_bytes());
            d[16] = state;
            page.extend_from_slice(&d);
            for id in ids {
                page.extend_from_slice(&id.to_le_bytes());
            }
        }
        page
    }

    pub(super) fn deliver_events(&mut self) {
        while !self.aers.is_empty() && !self.events.is_empty() {
            let (Some(cid), Some(ev)) = (self.aers.pop_front(), self.events.pop_front()) else {
                break;
            };
            self.post(0, cid, SCT_GENERIC, 0, ev);
        }
    }

    /// The blocks of namespace `nsid` (empty in rings-only mode); None
    /// when it is not allocated.
    pub fn disk(&mut self, nsid: u32) -> Option<&mut [u8]> {
        self.disks
            .get_mut((nsid as usize).wrapping_sub(1))
            .filter(|d| d.allocated)
            .map(|d| &mut d.data[..])
    }

    /// The separate metadata of namespace `nsid`.
    pub fn metadata(&mut self, nsid: u32) -> Option<&mut [u8]> {
        self.disks
            .get_mut((nsid as usize).wrapping_sub(1))
            .filter(|d| d.allocated)
            .map(|d| &mut d.md[..])
    }

    /// The index of the disk of `nsid` when that namespace is attached
    /// (active).
    pub(super) fn active(&self, nsid: u32) -> Option<usize> {
        let i = (nsid as usize).wrapping_sub(1);
        self.disks.get(i).filter(|d| d.attached).map(|_| i)
    }

    /// Whether namespace `nsid` exists and is attached to the controller.
    pub fn is_attached(&self, nsid: u32) -> bool {
        self.active(nsid).is_some()
    }

    /// Whether namespace `nsid` exists (attached or not).
    pub fn is_allocated(&self, nsid: u32) -> bool {
        self.disks
            .get((nsid as usize).wrapping_sub(1))
            .is_some_and(|d| d.allocated)
    }

    /// Block size, metadata size and blocks of namespace `nsid`.
    pub fn ns_geometry(&self, nsid: u32) -> Option<(u32, u16, u64)> {
        self.disks
            .get((nsid as usize).wrapping_sub(1))
            .filter(|d| d.allocated)
            .map(|d| (d.cfg.block_size, d.cfg.md_size, d.cfg.blocks))
    }

    /// Whether I/O queue `qid` exists on the device.
    pub fn has_io_queue(&self, qid: u16) -> bool {
        qid > 0 && matches!(self.sqs.get(qid as usize), Some(Some(_)))
    }

    /// The value of feature `fid`.
    pub fn feature(&self, fid: u8) -> u32 {
        self.features[fid as usize]
    }
}
