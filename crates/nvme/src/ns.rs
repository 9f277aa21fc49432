//! A namespace: its identify data and what the driver derives from it
//! (block sizes, metadata, protection information, split limits, flags).

use crate::ctrlr::Ctrlr;
use crate::spec::ctrlr::CtrlrData;
use crate::spec::ns::{NsData, NvmNsData, ZnsNsData};
use crate::spec::Pod;

/// `enum spdk_nvme_ns_flags`.
pub mod flags {
    pub const DEALLOCATE_SUPPORTED: u32 = 1 << 0;
    pub const FLUSH_SUPPORTED: u32 = 1 << 1;
    pub const RESERVATION_SUPPORTED: u32 = 1 << 2;
    pub const WRITE_ZEROES_SUPPORTED: u32 = 1 << 3;
    pub const DPS_PI_SUPPORTED: u32 = 1 << 4;
    pub const EXTENDED_LBA_SUPPORTED: u32 = 1 << 5;
    pub const WRITE_UNCORRECTABLE_SUPPORTED: u32 = 1 << 6;
    pub const COMPARE_SUPPORTED: u32 = 1 << 7;
}

/// A namespace of a controller. Its address stays the same for the
/// controller's life (it is what `struct spdk_nvme_ns *` points to).
pub struct Ns {
    pub id: u32,
    pub ctrlr: *mut Ctrlr,
    pub data: Box<NsData>,
    pub active: bool,
    /// Data bytes per block.
    pub sector_size: u32,
    /// Bytes per block in the host buffer (with metadata when extended).
    pub extended_lba_size: u32,
    pub md_size: u32,
    pub pi_type: u32,
    /// Largest I/O in blocks before the driver splits it.
    pub sectors_per_max_io: u32,
    /// Optimal I/O boundary in blocks (0: none); I/O crossing it is split.
    pub sectors_per_stripe: u32,
    pub flags: u32,
    /// From the Namespace Identification Descriptor list (CNS 03h).
    pub ids: NsIds,
    /// Zoned command set namespace data (Identify CNS 05h, CSI 02h) of a
    /// zoned namespace; None otherwise.
    pub zns: Option<Box<ZnsNsData>>,
    /// NVM command set namespace data (Identify CNS 05h, CSI 00h), read
    /// as SPDK does only with all I/O command sets enabled and CTRATT.ELBAS
    /// set; None otherwise.
    pub nvm: Option<Box<NvmNsData>>,
    /// `enum spdk_nvme_pi_format` of the protection information.
    pub pi_format: u32,
    /// ANA group of the namespace (ANA log page), 0 until read.
    pub ana_group_id: u32,
    /// `enum spdk_nvme_ana_state` (ANA log page); optimized until read.
    pub ana_state: u32,
}

/// `SPDK_NVME_ANA_OPTIMIZED_STATE`.
pub const ANA_OPTIMIZED_STATE: u32 = 1;

/// What a Namespace Identification Descriptor list says: SPDK exposes
/// the UUID and the command set (`spdk_nvme_ns_get_uuid`, `_get_csi`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NsIds {
    pub uuid: Option<[u8; 16]>,
    /// Command Set Identifier (0: NVM, also when the list has none).
    pub csi: u8,
}

/// NIDT values of a descriptor.
const NIDT_EUI64: u8 = 1;
const NIDT_NGUID: u8 = 2;
const NIDT_UUID: u8 = 3;
const NIDT_CSI: u8 = 4;

impl NsIds {
    /// Parses a descriptor list (4 KiB page): each descriptor is NIDT,
    /// NIDL, two reserved bytes and NIDL bytes of identifier; a zero NIDT
    /// ends the list. A descriptor whose length does not match its type
    /// or runs past the page ends the parse (the rest is not trusted).
    pub fn parse(page: &[u8]) -> NsIds {
        let mut ids = NsIds::default();
        let mut off = 0;
        while off + 4 <= page.len() {
            let (nidt, nidl) = (page[off], page[off + 1] as usize);
            if nidt == 0 {
                break;
            }
            let want = match nidt {
                NIDT_EUI64 => 8,
                NIDT_NGUID | NIDT_UUID => 16,
                NIDT_CSI => 1,
                _ => nidl,
            };
            let body = off + 4;
            if nidl != want || body + nidl > page.len() {
                break;
            }
            match nidt {
                NIDT_UUID => {
                    let mut u = [0; 16];
                    u.copy_from_slice(&page[body..body + 16]);
                    ids.uuid = Some(u);
                }
                NIDT_CSI => ids.csi = page[body],
                _ => {}
            }
            off = body + nidl;
        }
        ids
    }
}

impl Ns {
    /// An inactive namespace `id` of controller `ctrlr`.
    pub fn new(id: u32, ctrlr: *mut Ctrlr) -> Ns {
        Ns {
            id,
            ctrlr,
            data: Box::new(NsData::zeroed()),
            active: false,
            sector_size: 0,
            extended_lba_size: 0,
            md_size: 0,
            pi_type: 0,
            sectors_per_max_io: 0,
            sectors_per_stripe: 0,
            flags: 0,
            ids: NsIds::default(),
            zns: None,
            nvm: None,
            pi_format: 0,
            ana_group_id: 0,
            ana_state: ANA_OPTIMIZED_STATE,
        }
    }

    /// Takes new identify data (all zeroes: the namespace is inactive).
    pub fn update(&mut self, data: &NsData, cdata: &CtrlrData, max_xfer_size: u32) {
        *self.data = *data;
        let nsze = { data.nsze };
        self.active = nsze != 0;
        if !self.active {
            self.clear();
            return;
        }
        let lbaf = data.lba_format();
        self.sector_size = data.block_size();
        self.md_size = lbaf.ms();
        self.extended_lba_size = self.sector_size;
        self.flags = 0;
        if data.flbas.extended() != 0 {
            self.flags |= flags::EXTENDED_LBA_SUPPORTED;
            self.extended_lba_size += self.md_size;
        }
        self.sectors_per_max_io = max_xfer_size
            .checked_div(self.extended_lba_size)
            .unwrap_or(0);
        self.sectors_per_stripe = data.noiob as u32;
        let oncs = cdata.oncs;
        if oncs.nvmdsmsv() != 0 {
            self.flags |= flags::DEALLOCATE_SUPPORTED;
        }
        if oncs.nvmcmps() != 0 {
            self.flags |= flags::COMPARE_SUPPORTED;
        }
        if cdata.vwc.present() != 0 {
            self.flags |= flags::FLUSH_SUPPORTED;
        }
        if oncs.nvmwzsv() != 0 {
            self.flags |= flags::WRITE_ZEROES_SUPPORTED;
        }
        if oncs.nvmwusv() != 0 {
            self.flags |= flags::WRITE_UNCORRECTABLE_SUPPORTED;
        }
        if data.nsrescap.0 != 0 {
            self.flags |= flags::RESERVATION_SUPPORTED;
        }
        self.pi_type = 0;
        if self.md_size != 0 && data.dps.pit() != 0 {
            self.flags |= flags::DPS_PI_SUPPORTED;
            self.pi_type = data.dps.pit() as u32;
        }
        self.derive_pi_format(cdata);
    }

    /// The protection information format, as SPDK derives it: with PI
    /// enabled, the PIF of the active format's extended LBA format when
    /// the NVM command set data was read and CTRATT.ELBAS says it is
    /// valid, else 16b guard. (Without PI: 16b guard, SPDK's default.)
    pub(crate) fn derive_pi_format(&mut self, cdata: &CtrlrData) {
        self.pi_format = 0;
        if self.flags & flags::DPS_PI_SUPPORTED == 0 {
            return;
        }
        if let Some(nvm) = self.nvm.as_ref() {
            if cdata.ctratt.elbas() != 0 {
                let i = self.data.lba_format_index();
                self.pi_format = nvm.elbaf.get(i).map_or(0, |e| e.pif());
            }
        }
    }

    pub(crate) fn clear(&mut self) {
        self.ids = NsIds::default();
        self.zns = None;
        self.nvm = None;
        self.pi_format = 0;
        self.sector_size = 0;
        self.extended_lba_size = 0;
        self.md_size = 0;
        self.pi_type = 0;
        self.sectors_per_max_io = 0;
        self.sectors_per_stripe = 0;
        self.flags = 0;
    }

    /// Blocks in the namespace.
    pub fn num_sectors(&self) -> u64 {
        self.data.nsze
    }

    /// Bytes in the namespace.
    pub fn size(&self) -> u64 {
        self.num_sectors() * self.sector_size as u64
    }

    /// Zone size in blocks of a zoned namespace (its active LBA format's
    /// extension), 0 otherwise.
    pub fn zone_size_sectors(&self) -> u64 {
        let Some(z) = self.zns.as_ref() else {
            return 0;
        };
        let i = self.data.lba_format_index();
        z.lbafe.get(i).map_or(0, |f| f.zsze)
    }

    /// Largest transfer of one command, bytes.
    pub fn max_io_xfer_size(&self) -> u32 {
        // SAFETY: a namespace lives inside its controller.
        unsafe { self.ctrlr.as_ref().map_or(0, |c| c.max_xfer_size) }
    }
}

#[cfg(test)]
mod tests {
    use super::NsIds;

    #[test]
    fn id_descriptor_lists_good_and_malformed() {
        let mut page = [0u8; 4096];
        page[..4].copy_from_slice(&[1, 8, 0, 0]); // EUI64
        page[12..16].copy_from_slice(&[3, 16, 0, 0]); // UUID
        page[16..32].copy_from_slice(&[7; 16]);
        page[32..36].copy_from_slice(&[4, 1, 0, 0]); // CSI: ZNS
        page[36] = 2;
        let ids = NsIds::parse(&page);
        assert_eq!(ids.uuid, Some([7; 16]));
        assert_eq!(ids.csi, 2);
        // A UUID descriptor claiming 15 bytes stops the parse there.
        page[13] = 15;
        assert_eq!(NsIds::parse(&page), NsIds::default());
        // A descriptor running past the page is not read.
        let mut tail = [0u8; 10];
        tail[..4].copy_from_slice(&[3, 16, 0, 0]);
        assert_eq!(NsIds::parse(&tail), NsIds::default());
        assert_eq!(NsIds::parse(&[]), NsIds::default());
    }
}
