//! The model's namespace management: Namespace Management (create,
//! delete), Namespace Attachment (to controller 1, the only one), Format
//! NVM, and the identify data they change.
//!
//! NSIDs 1 to NN (`ModelConfig::max_namespaces`, at least the configured
//! namespaces) each have a slot; a namespace is allocated (it exists and
//! takes NVM capacity) and, separately, attached (active). Namespaces
//! are created with one of the controller's LBA formats
//! ([`STD_FORMATS`]); a configured namespace offers its own format first,
//! then those. Metadata is always separate (no extended LBAs) and there
//! is no protection information. Attaching or detaching a namespace (and
//! deleting an attached one) reports it in the Changed Namespace List and
//! raises a Namespace Attribute Changed notice when the host enabled
//! them, as QEMU's controller does.

use super::device::*;
use super::zns::{Zone, ZS_EMPTY};
use super::ModelNs;
use crate::spec::cmd::Cmd;
use crate::spec::ns::{CtrlrList, Format, LbaFormat, NsData};
use crate::spec::Pod;

pub(super) const OPC_NS_MANAGEMENT: u8 = 0x0d;
pub(super) const OPC_NS_ATTACHMENT: u8 = 0x15;
pub(super) const OPC_FORMAT_NVM: u8 = 0x80;

// Command specific status codes.
const SC_INVALID_FORMAT: u16 = 0x0a;
const SC_NAMESPACE_INSUFFICIENT_CAPACITY: u16 = 0x15;
const SC_NAMESPACE_ID_UNAVAILABLE: u16 = 0x16;
const SC_NAMESPACE_ALREADY_ATTACHED: u16 = 0x18;
const SC_NAMESPACE_NOT_ATTACHED: u16 = 0x1a;
const SC_CONTROLLER_LIST_INVALID: u16 = 0x1c;

const ALL_NS: u32 = 0xffff_ffff;
/// The controller's ID (the only one of its subsystem).
pub(super) const CNTLID: u16 = 1;
const FEAT_ASYNC_EVENT_CONFIGURATION: usize = 0x0b;
/// Asynchronous event configuration: namespace attribute notices.
const AEC_NS_ATTR_NOTICES: u32 = 1 << 8;

/// The LBA formats namespaces are created with: (block size, metadata
/// bytes per block).
pub const STD_FORMATS: [(u32, u16); 5] = [(512, 0), (512, 8), (4096, 0), (4096, 8), (4096, 64)];

impl Disk {
    /// A configured namespace: allocated, attached, zeroed.
    pub(super) fn new(n: ModelNs, rings_only: bool) -> Disk {
        let own = (n.block_size, n.md_size);
        let mut formats = vec![own];
        formats.extend(STD_FORMATS.iter().filter(|&&f| f != own));
        let mut d = Disk {
            cfg: n,
            allocated: true,
            attached: true,
            formats,
            fmt: 0,
            nmic: 0,
            streams_enabled: false,
            streams_allocated: 0,
            data: Vec::new(),
            md: Vec::new(),
            zones: Vec::new(),
            zde: Vec::new(),
        };
        d.alloc_storage(rings_only);
        d
    }

    /// An NSID with no namespace.
    pub(super) fn unallocated() -> Disk {
        Disk {
            cfg: ModelNs {
                blocks: 0,
                ..Default::default()
            },
            allocated: false,
            attached: false,
            formats: Vec::new(),
            fmt: 0,
            nmic: 0,
            streams_enabled: false,
            streams_allocated: 0,
            data: Vec::new(),
            md: Vec::new(),
            zones: Vec::new(),
            zde: Vec::new(),
        }
    }

    /// Zeroed blocks, metadata and (zoned) empty zones for the geometry
    /// in `cfg`.
    fn alloc_storage(&mut self, rings_only: bool) {
        let n = self.cfg;
        self.data = if rings_only {
            Vec::new()
        } else {
            vec![0; (n.blocks * n.block_size as u64) as usize]
        };
        self.md = vec![0; (n.blocks * n.md_size as u64) as usize];
        self.zones = n.zoned.map_or(Vec::new(), |z| {
            (0..n.blocks / z.zone_size.max(1))
                .map(|i| Zone {
                    state: ZS_EMPTY,
                    wp: i * z.zone_size,
                    zdev: false,
                })
                .collect()
        });
        self.zde = n.zoned.map_or(Vec::new(), |z| {
            vec![0; (n.blocks / z.zone_size.max(1)) as usize * z.zdes as usize * 64]
        });
    }

    /// NVM capacity the namespace takes, bytes.
    pub(super) fn bytes(&self) -> u64 {
        if self.allocated {
            self.cfg.blocks * self.cfg.block_size as u64
        } else {
            0
        }
    }
}

fn lbaf(bs: u32, ms: u16) -> LbaFormat {
    LbaFormat(0)
        .with_ms(ms as u32)
        .with_lbads(bs.trailing_zeros())
}

impl Device {
    /// Total NVM capacity (TNVMCAP), bytes: the configured capacity, or
    /// what the configured namespaces take when that is more.
    pub(super) fn total_capacity(&self) -> u64 {
        self.cfg.nvm_capacity.max(self.initial_capacity)
    }

    /// Unallocated NVM capacity (UNVMCAP), bytes.
    pub(super) fn free_capacity(&self) -> u64 {
        let used: u64 = self.disks.iter().map(Disk::bytes).sum();
        self.total_capacity().saturating_sub(used)
    }

    /// Identify namespace data of the allocated namespace `nsid`.
    pub(super) fn ns_data(&self, nsid: u32) -> NsData {
        let mut ns = NsData::zeroed();
        let Some(d) = self.disks.get((nsid as usize).wrapping_sub(1)) else {
            return ns;
        };
        if !d.allocated {
            return ns;
        }
        let n = d.cfg;
        ns.nsze = n.blocks;
        ns.ncap = n.blocks;
        ns.nuse = n.blocks;
        ns.nlbaf = (d.formats.len() - 1) as u8;
        ns.flbas = ns
            .flbas
            .with_format((d.fmt & 0xf) as u8)
            .with_msb_format((d.fmt >> 4) as u8);
        for (i, &(bs, ms)) in d.formats.iter().enumerate().take(64) {
            ns.lbaf[i] = lbaf(bs, ms);
        }
        // Metadata in a separate buffer only.
        ns.mc = ns.mc.with_pointer(1);
        ns.nmic = crate::spec::ns::Nmic(d.nmic & 1);
        ns.noiob = n.noiob;
        ns.nsfeat = ns.nsfeat.with_optperf((n.noiob != 0) as u8);
        // Deallocated blocks read as zeroes.
        ns.dlfeat = ns.dlfeat.with_read_value(1);
        // Reservations: every type, persist through power loss.
        ns.nsrescap = crate::spec::ns::Rescap(0x7f);
        let i = nsid as usize - 1;
        if let Some(&g) = self.cfg.ana_groups.get(i) {
            ns.anagrpid = g;
        }
        if let Some(&(pit, _)) = self.cfg.ns_pi.get(i) {
            ns.dps = ns.dps.with_pit(pit);
        }
        let bytes = d.bytes() as u128;
        ns.nvmcap = [bytes as u64, (bytes >> 64) as u64];
        ns.nguid[15] = nsid as u8;
        ns.eui64 = 0x5350_444b_0000_0000 | nsid as u64;
        ns
    }

    /// What Identify Namespace answers for NSID FFFFFFFFh: the
    /// capabilities common to all namespaces (the formats they can be
    /// created with).
    pub(super) fn common_ns_data(&self) -> NsData {
        let mut ns = NsData::zeroed();
        ns.nlbaf = (STD_FORMATS.len() - 1) as u8;
        for (i, &(bs, ms)) in STD_FORMATS.iter().enumerate() {
            ns.lbaf[i] = lbaf(bs, ms);
        }
        ns.mc = ns.mc.with_pointer(1);
        ns.dlfeat = ns.dlfeat.with_read_value(1);
        ns.nsrescap = crate::spec::ns::Rescap(0x7f);
        ns
    }

    /// Reports namespace `nsid` changed: in the Changed Namespace List
    /// and, when the host enabled namespace attribute notices, with an
    /// event (one until the list is read).
    fn ns_attr_changed(&mut self, nsid: u32) {
        if self.changed_ns.contains(&nsid) {
            return;
        }
        self.changed_ns.push(nsid);
        if self.features[FEAT_ASYNC_EVENT_CONFIGURATION] & AEC_NS_ATTR_NOTICES != 0
            && self.changed_ns.len() == 1
        {
            // Notice, namespace attribute changed, log page 4.
            self.raise_event(2 | (4 << 16));
        }
    }

    /// Attaches (or detaches) namespace `nsid` as another host's command
    /// would (tests): the change is reported like any other. False when
    /// the namespace does not exist or already is in that state.
    pub fn set_attached(&mut self, nsid: u32, attached: bool) -> bool {
        let Some(d) = self.disks.get_mut((nsid as usize).wrapping_sub(1)) else {
            return false;
        };
        if !d.allocated || d.attached == attached {
            return false;
        }
        d.attached = attached;
        self.ns_attr_changed(nsid);
        true
    }

    pub(super) fn ns_management(&mut self, cmd: &Cmd) -> Outcome {
        match cmd.cdw10 & 0xf {
            0 => self.create_ns(cmd),
            1 => self.delete_ns(cmd),
            _ => fail(SCT_GENERIC, SC_INVALID_FIELD),
        }
    }

    fn create_ns(&mut self, cmd: &Cmd) -> Outcome {
        // CSI (CDW11 bits 31:24): the NVM command set only.
        if cmd.nsid != 0 || cmd.cdw11 >> 24 != 0 {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        }
        let mut page = vec![0u8; 4096];
        if let Err(sc) = self.read_host(cmd, &mut page) {
            return fail(SCT_GENERIC, sc);
        }
        let Some(want) = NsData::read_from(&page) else {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        };
        // No thin provisioning: the capacity is the size.
        if want.nsze == 0 || want.ncap != want.nsze {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        }
        let fi = want.flbas.format() as usize | (want.flbas.msb_format() as usize) << 4;
        if fi >= STD_FORMATS.len() || want.flbas.extended() != 0 || want.dps.pit() != 0 {
            return fail(SCT_CMD, SC_INVALID_FORMAT);
        }
        if { want.anagrpid } != 0 || { want.nvmsetid } != 0 || { want.endgid } != 0 {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        }
        let (bs, ms) = STD_FORMATS[fi];
        let Some(bytes) = want.nsze.checked_mul(bs as u64) else {
            return fail(SCT_CMD, SC_NAMESPACE_INSUFFICIENT_CAPACITY);
        };
        if bytes > self.free_capacity() {
            return fail(SCT_CMD, SC_NAMESPACE_INSUFFICIENT_CAPACITY);
        }
        let Some(i) = self.disks.iter().position(|d| !d.allocated) else {
            return fail(SCT_CMD, SC_NAMESPACE_ID_UNAVAILABLE);
        };
        let d = &mut self.disks[i];
        d.cfg = ModelNs {
            blocks: want.nsze,
            block_size: bs,
            md_size: ms,
            ..Default::default()
        };
        d.allocated = true;
        d.attached = false;
        d.formats = STD_FORMATS.to_vec();
        d.fmt = fi;
        d.nmic = want.nmic.0;
        d.streams_enabled = false;
        d.streams_allocated = 0;
        let rings_only = self.cfg.rings_only;
        self.disks[i].alloc_storage(rings_only);
        let nsid = i as u32 + 1;
        self.resv.remove(&nsid);
        self.uncorrectable.remove(&nsid);
        Some((SCT_GENERIC, 0, nsid))
    }

    fn delete_ns(&mut self, cmd: &Cmd) -> Outcome {
        let ids: Vec<u32> = if cmd.nsid == ALL_NS {
            (1..=self.disks.len() as u32)
                .filter(|&n| self.is_allocated(n))
                .collect()
        } else if self.is_allocated(cmd.nsid) {
            vec![cmd.nsid]
        } else {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        };
        for nsid in ids {
            let was_attached = self.is_attached(nsid);
            self.disks[nsid as usize - 1] = Disk::unallocated();
            self.resv.remove(&nsid);
            self.uncorrectable.remove(&nsid);
            if was_attached {
                self.ns_attr_changed(nsid);
            }
        }
        OK
    }

    pub(super) fn ns_attachment(&mut self, cmd: &Cmd) -> Outcome {
        let sel = cmd.cdw10 & 0xf;
        if sel > 1 || !self.is_allocated(cmd.nsid) {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        }
        let mut page = vec![0u8; 4096];
        if let Err(sc) = self.read_host(cmd, &mut page) {
            return fail(SCT_GENERIC, sc);
        }
        let Some(list) = CtrlrList::read_from(&page) else {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        };
        let n = list.ctrlr_count as usize;
        if n == 0 || n > list.ctrlr_list.len() || list.ctrlr_list[..n].iter().any(|&c| c != CNTLID)
        {
            return fail(SCT_CMD, SC_CONTROLLER_LIST_INVALID);
        }
        let attach = sel == 0;
        let d = &mut self.disks[cmd.nsid as usize - 1];
        match (attach, d.attached) {
            (true, true) => return fail(SCT_CMD, SC_NAMESPACE_ALREADY_ATTACHED),
            (false, false) => return fail(SCT_CMD, SC_NAMESPACE_NOT_ATTACHED),
            _ => d.attached = attach,
        }
        self.ns_attr_changed(cmd.nsid);
        OK
    }

    /// Format NVM: the namespace (or every attached one, for NSID
    /// FFFFFFFFh) takes LBA format `lbaf` and reads as zeroes; its NVM
    /// capacity stays (the block count follows the block size). Zoned
    /// namespaces keep their block size (their zones are reset).
    pub(super) fn format_nvm(&mut self, cmd: &Cmd) -> Outcome {
        let f = Format(cmd.cdw10);
        // Secure erase: none, user data erase or cryptographic erase (all
        // zero the blocks here).
        if f.ses() > 2 {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        }
        let ids: Vec<u32> = if cmd.nsid == ALL_NS {
            (1..=self.disks.len() as u32)
                .filter(|&n| self.is_attached(n))
                .collect()
        } else if self.is_attached(cmd.nsid) {
            vec![cmd.nsid]
        } else {
            return fail(SCT_GENERIC, SC_INVALID_NAMESPACE);
        };
        let fi = (f.lbaf() | f.lbafu() << 4) as usize;
        for &nsid in &ids {
            let d = &self.disks[nsid as usize - 1];
            let Some(&(bs, ms)) = d.formats.get(fi) else {
                return fail(SCT_CMD, SC_INVALID_FORMAT);
            };
            let bad_zoned = d.cfg.zoned.is_some() && bs != d.cfg.block_size;
            if f.pi() != 0 || (f.ms() != 0 && ms != 0) || bad_zoned {
                return fail(SCT_CMD, SC_INVALID_FORMAT);
            }
        }
        let rings_only = self.cfg.rings_only;
        for nsid in ids {
            let d = &mut self.disks[nsid as usize - 1];
            let (bs, ms) = d.formats[fi];
            let bytes = d.bytes();
            if bs != d.cfg.block_size {
                d.cfg.blocks = bytes / bs as u64;
            }
            d.cfg.block_size = bs;
            d.cfg.md_size = ms;
            d.fmt = fi;
            d.alloc_storage(rings_only);
            self.uncorrectable.remove(&nsid);
        }
        OK
    }

    /// Identify CNS 10h: allocated NSIDs above `after`.
    pub(super) fn allocated_list(&self, after: u32, page: &mut [u8]) {
        self.ns_list(after, page, |d| d.allocated);
    }

    /// Identify CNS 02h: active NSIDs above `after`.
    pub(super) fn active_list(&self, after: u32, page: &mut [u8]) {
        self.ns_list(after, page, |d| d.attached);
    }

    fn ns_list(&self, after: u32, page: &mut [u8], want: impl Fn(&Disk) -> bool) {
        let ids = (1..=self.disks.len() as u32)
            .filter(|&n| n > after && want(&self.disks[n as usize - 1]))
            .take(page.len() / 4);
        for (i, nsid) in ids.enumerate() {
            page[i * 4..i * 4 + 4].copy_from_slice(&nsid.to_le_bytes());
        }
    }

    /// Identify CNS 12h (controllers attached to `nsid`) and 13h (every
    /// controller of the subsystem): controller IDs from `from`.
    pub(super) fn ctrlr_list(&self, nsid: Option<u32>, from: u16, page: &mut [u8]) {
        let mut list = CtrlrList::zeroed();
        let attached = nsid.is_none_or(|n| self.is_attached(n));
        if attached && CNTLID >= from {
            list.ctrlr_count = 1;
            list.ctrlr_list[0] = CNTLID;
        }
        page.copy_from_slice(list.as_bytes());
    }
}
