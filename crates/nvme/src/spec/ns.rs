//! Identify namespace data (`struct spdk_nvme_ns_data` and the command set
//! specific ones), namespace and controller lists, and the command dword
//! layouts of Format NVM, Sanitize and Firmware Commit; zone reports and
//! directive parameters.

use super::{layout, pod, zeroed_default};

bitfields! {
    /// Reservation capabilities (`struct spdk_nvme_rescap`).
    pub struct Rescap(u8) {
        /// Persist through power loss.
        ptpls / with_ptpls: 0, 1;
        /// Write exclusive.
        wes / with_wes: 1, 1;
        /// Exclusive access.
        eas / with_eas: 2, 1;
        /// Write exclusive, registrants only.
        weros / with_weros: 3, 1;
        /// Exclusive access, registrants only.
        earos / with_earos: 4, 1;
        /// Write exclusive, all registrants.
        wears / with_wears: 5, 1;
        /// Exclusive access, all registrants.
        eaars / with_eaars: 6, 1;
        /// Ignore existing key.
        ieks / with_ieks: 7, 1;
    }
}

bitfields! {
    /// Format progress indicator (`struct spdk_nvme_fpi`).
    pub struct Fpi(u8) {
        /// Percent of the format left.
        rfnvm / with_rfnvm: 0, 7;
        /// The indicator is supported.
        fpis / with_fpis: 7, 1;
    }
}

bitfields! {
    /// Namespace multi-path I/O and sharing (`struct spdk_nvme_nmic`).
    pub struct Nmic(u8) {
        /// Shared namespace.
        shrns / with_shrns: 0, 1;
        /// Dispersed namespace.
        disns / with_disns: 1, 1;
        rsvd: 2, 6;
    }
}

bitfields! {
    /// Namespace attributes (`struct spdk_nvme_nsattr`).
    pub struct Nsattr(u8) {
        /// Currently write protected.
        cwp / with_cwp: 0, 1;
        rsvd: 1, 7;
    }
}

bitfields! {
    /// Namespace features.
    pub struct Nsfeat(u8) {
        thin_prov / with_thin_prov: 0, 1;
        ns_atomic_write_unit / with_ns_atomic_write_unit: 1, 1;
        dealloc_or_unwritten_error / with_dealloc_or_unwritten_error: 2, 1;
        guid_never_reused / with_guid_never_reused: 3, 1;
        optperf / with_optperf: 4, 1;
        reserved1: 5, 3;
    }
}

bitfields! {
    /// Formatted LBA size.
    pub struct Flbas(u8) {
        /// LBA format index, low bits.
        format / with_format: 0, 4;
        /// Metadata at the end of each block.
        extended / with_extended: 4, 1;
        /// LBA format index, high bits (more than 16 formats).
        msb_format / with_msb_format: 5, 2;
        reserved2: 7, 1;
    }
}

bitfields! {
    /// Metadata capabilities.
    pub struct Mc(u8) {
        extended / with_extended: 0, 1;
        pointer / with_pointer: 1, 1;
        reserved3: 2, 6;
    }
}

bitfields! {
    /// End-to-end data protection capabilities (three bits unnamed).
    pub struct Dpc(u8) {
        pit1 / with_pit1: 0, 1;
        pit2 / with_pit2: 1, 1;
        pit3 / with_pit3: 2, 1;
        md_start / with_md_start: 3, 1;
        md_end / with_md_end: 4, 1;
    }
}

bitfields! {
    /// End-to-end data protection settings.
    pub struct Dps(u8) {
        /// `spdk_nvme_pi_type`.
        pit / with_pit: 0, 3;
        /// PI at the start of the metadata (else at the end).
        md_start / with_md_start: 3, 1;
        reserved4: 4, 4;
    }
}

bitfields! {
    /// Deallocate logical block features.
    pub struct Dlfeat(u8) {
        /// `spdk_nvme_dealloc_logical_block_read_value`.
        read_value / with_read_value: 0, 3;
        write_zero_deallocate / with_write_zero_deallocate: 3, 1;
        guard_value / with_guard_value: 4, 1;
        reserved: 5, 3;
    }
}

bitfields! {
    /// An LBA format.
    pub struct LbaFormat(u32) {
        /// Metadata bytes per block.
        ms / with_ms: 0, 16;
        /// Block size, log2.
        lbads / with_lbads: 16, 8;
        /// Relative performance.
        rp / with_rp: 24, 2;
        reserved6: 26, 6;
    }
}

/// Identify namespace data (`struct spdk_nvme_ns_data`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct NsData {
    pub nsze: u64,
    pub ncap: u64,
    pub nuse: u64,
    pub nsfeat: Nsfeat,
    /// LBA formats, 0's based.
    pub nlbaf: u8,
    pub flbas: Flbas,
    pub mc: Mc,
    pub dpc: Dpc,
    pub dps: Dps,
    pub nmic: Nmic,
    /// Reservation capabilities (C: `nsrescap.rescap` or `nsrescap.raw`).
    pub nsrescap: Rescap,
    pub fpi: Fpi,
    pub dlfeat: Dlfeat,
    pub nawun: u16,
    pub nawupf: u16,
    pub nacwu: u16,
    pub nabsn: u16,
    pub nabo: u16,
    pub nabspf: u16,
    pub noiob: u16,
    pub nvmcap: [u64; 2],
    pub npwg: u16,
    pub npwa: u16,
    pub npdg: u16,
    pub npda: u16,
    pub nows: u16,
    pub mssrl: u16,
    pub mcl: u32,
    pub msrc: u8,
    pub reserved81: [u8; 11],
    pub anagrpid: u32,
    pub reserved96: [u8; 3],
    pub nsattr: Nsattr,
    pub nvmsetid: u16,
    pub endgid: u16,
    pub nguid: [u8; 16],
    pub eui64: u64,
    pub lbaf: [LbaFormat; 64],
    pub vendor_specific: [u8; 3712],
}

impl NsData {
    /// Index of the LBA format in use: FLBAS bits 3:0, with bits 6:5 above
    /// them when NLBAF is above 16 (as SPDK reads it).
    pub fn lba_format_index(&self) -> usize {
        let mut i = self.flbas.format() as usize;
        if self.nlbaf > 16 {
            i |= (self.flbas.msb_format() as usize) << 4;
        }
        i
    }

    /// The LBA format in use.
    pub fn lba_format(&self) -> LbaFormat {
        self.lbaf[self.lba_format_index() & 63]
    }

    /// Block size in bytes (0 when the format's size is out of range).
    pub fn block_size(&self) -> u32 {
        1u32.checked_shl(self.lba_format().lbads()).unwrap_or(0)
    }
}

bitfields! {
    /// Protection information capabilities (NVM command set).
    pub struct Pic(u8) {
        _16bpists / with_16bpists: 0, 1;
        _16bpistm / with_16bpistm: 1, 1;
        stcrs / with_stcrs: 2, 1;
        reserved: 3, 5;
    }
}

bitfields! {
    /// Extended LBA format (NVM command set).
    pub struct Elbaf(u32) {
        /// Storage tag size.
        sts / with_sts: 0, 7;
        /// `spdk_nvme_pi_format`.
        pif / with_pif: 7, 2;
        reserved: 9, 23;
    }
}

/// NVM command set identify namespace data (`struct spdk_nvme_nvm_ns_data`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct NvmNsData {
    pub lbstm: u64,
    pub pic: Pic,
    pub reserved: [u8; 3],
    pub elbaf: [Elbaf; 64],
    pub reserved2: [u8; 3828],
}

/// NVM command set identify controller data (`struct
/// spdk_nvme_nvm_ctrlr_data`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct NvmCtrlrData {
    pub vsl: u8,
    pub wzsl: u8,
    pub wusl: u8,
    pub dmrl: u8,
    pub dmrsl: u32,
    pub dmsl: u64,
    pub rsvd16: [u8; 4080],
}

bitfields! {
    /// Zone operation characteristics.
    pub struct Zoc(u16) {
        variable_zone_capacity / with_variable_zone_capacity: 0, 1;
        zone_active_excursions / with_zone_active_excursions: 1, 1;
        reserved0: 2, 14;
    }
}

bitfields! {
    /// Optional zoned command support.
    pub struct Ozcs(u16) {
        read_across_zone_boundaries / with_read_across_zone_boundaries: 0, 1;
        reserved0: 1, 15;
    }
}

bitfields! {
    /// Second word of a zoned LBA format extension.
    pub struct Zdes(u64) {
        /// Zone descriptor extension size, 64-byte units.
        zdes / with_zdes: 0, 8;
        reserved15: 8, 56;
    }
}

/// A zoned LBA format extension.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ZnsLbaFormatExt {
    /// Zone size, blocks.
    pub zsze: u64,
    pub zdes: Zdes,
}

/// Zoned namespace command set identify namespace data (`struct
/// spdk_nvme_zns_ns_data`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ZnsNsData {
    pub zoc: Zoc,
    pub ozcs: Ozcs,
    pub mar: u32,
    pub mor: u32,
    pub rrl: u32,
    pub frl: u32,
    pub rrl1: u32,
    pub rrl2: u32,
    pub rrl3: u32,
    pub frl1: u32,
    pub frl2: u32,
    pub frl3: u32,
    pub reserved44: [u8; 2772],
    pub lbafe: [ZnsLbaFormatExt; 64],
    pub vendor_specific: [u8; 256],
}

bitfields! {
    /// Common namespace features (command set independent data).
    pub struct IocsNsfeat(u8) {
        reserved1: 0, 3;
        uidreuse / with_uidreuse: 3, 1;
        rmedia / with_rmedia: 4, 1;
        vwcnp / with_vwcnp: 5, 1;
        reserved2: 6, 2;
    }
}

bitfields! {
    /// Namespace status.
    pub struct Nstat(u8) {
        nrdy / with_nrdy: 0, 1;
        ioi / with_ioi: 1, 2;
        reserved: 3, 5;
    }
}

bitfields! {
    /// Key per I/O status.
    pub struct Kpios(u8) {
        kpioens / with_kpioens: 0, 1;
        kpiosns / with_kpiosns: 1, 1;
        reserved: 2, 6;
    }
}

/// Command set independent identify namespace data (`struct
/// spdk_nvme_ns_iocs_independent_data`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct NsIocsIndependentData {
    pub nsfeat: IocsNsfeat,
    pub nmic: Nmic,
    pub rescap: Rescap,
    pub fpi: Fpi,
    pub anagrpid: u32,
    pub nsattr: Nsattr,
    pub reserved1: u8,
    pub nvmsetid: u16,
    pub endgid: u16,
    pub nstat: Nstat,
    pub kpios: Kpios,
    pub maxkt: u16,
    pub reserved2: u16,
    pub rgrpid: u32,
    pub reserved3: [u8; 4072],
}

bitfields! {
    /// The command sets of an I/O command set combination.
    pub struct IocsSets(u8) {
        nvm / with_nvm: 0, 1;
        kv / with_kv: 1, 1;
        zns / with_zns: 2, 1;
        rsvd: 3, 5;
    }
}

/// An I/O command set combination (`struct spdk_nvme_iocs_vector`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct IocsVector {
    pub sets: IocsSets,
    pub rsvd2: [u8; 7],
}

/// A list of NSIDs (`struct spdk_nvme_ns_list`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct NsList {
    pub ns_list: [u32; 1024],
}

/// A namespace identification descriptor (`struct spdk_nvme_ns_id_desc`);
/// `nidl` bytes follow.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct NsIdDesc {
    /// `spdk_nvme_nidt`.
    pub nidt: u8,
    pub nidl: u8,
    pub reserved2: u8,
    pub reserved3: u8,
    pub nid: [u8; 0],
}

/// A list of controller IDs (`struct spdk_nvme_ctrlr_list`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct CtrlrList {
    pub ctrlr_count: u16,
    pub ctrlr_list: [u16; 2047],
}

bitfields! {
    /// CDW10 of Format NVM (`struct spdk_nvme_format`).
    pub struct Format(u32) {
        lbaf / with_lbaf: 0, 4;
        /// `spdk_nvme_metadata_setting`.
        ms / with_ms: 4, 1;
        /// `spdk_nvme_pi_type`.
        pi / with_pi: 5, 3;
        /// `spdk_nvme_pi_location`.
        pil / with_pil: 8, 1;
        /// `spdk_nvme_secure_erase_setting`.
        ses / with_ses: 9, 3;
        lbafu / with_lbafu: 12, 2;
        reserved: 14, 18;
    }
}

/// Protection information, 16-bit guard format (`struct
/// spdk_nvme_protection_info`; big endian on the wire).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ProtectionInfo {
    pub guard: u16,
    pub app_tag: u16,
    pub ref_tag: u32,
}

bitfields! {
    /// CDW10 of Sanitize (`struct spdk_nvme_sanitize`).
    pub struct Sanitize(u32) {
        /// `spdk_sanitize_action`.
        sanact / with_sanact: 0, 3;
        ause / with_ause: 3, 1;
        owpass / with_owpass: 4, 4;
        oipbp / with_oipbp: 8, 1;
        ndas / with_ndas: 9, 1;
        reserved: 10, 22;
    }
}

bitfields! {
    /// CDW10 of Firmware Commit (`struct spdk_nvme_fw_commit`).
    pub struct FwCommit(u32) {
        fs / with_fs: 0, 3;
        /// `spdk_nvme_fw_commit_action`.
        ca / with_ca: 3, 3;
        reserved: 6, 25;
        bpid / with_bpid: 31, 1;
    }
}

bitfields! {
    /// Zone type and state (first two bytes of a zone descriptor).
    pub struct ZoneTypeState(u16) {
        /// `spdk_nvme_zns_zone_type`.
        zt / with_zt: 0, 4;
        rsvd0: 4, 4;
        rsvd1: 8, 4;
        /// `spdk_nvme_zns_zone_state`.
        zs / with_zs: 12, 4;
    }
}

bitfields! {
    /// Zone attributes.
    pub struct ZoneAttributes(u8) {
        zfc / with_zfc: 0, 1;
        fzr / with_fzr: 1, 1;
        rzr / with_rzr: 2, 1;
        rsvd3: 3, 4;
        zdev / with_zdev: 7, 1;
    }
}

/// A zone descriptor (`struct spdk_nvme_zns_zone_desc`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ZnsZoneDesc {
    pub zt_zs: ZoneTypeState,
    pub za: ZoneAttributes,
    pub reserved: [u8; 5],
    pub zcap: u64,
    pub zslba: u64,
    pub wp: u64,
    pub reserved32: [u8; 32],
}

/// Header of a zone report (`struct spdk_nvme_zns_zone_report`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ZnsZoneReport {
    pub nr_zones: u64,
    pub reserved8: [u8; 56],
    pub descs: [ZnsZoneDesc; 0],
}

bitfields! {
    /// Directive types of the identify directive's parameters.
    pub struct DirectiveTypes(u8) {
        identify / with_identify: 0, 1;
        streams / with_streams: 1, 1;
        data_pd / with_data_pd: 2, 1;
        reserved1: 3, 5;
    }
}

/// One 32-byte directive type list of the identify directive.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct DirectiveSet {
    pub types: DirectiveTypes,
    pub reserved2: [u8; 31],
}

/// Return parameters of the identify directive (`struct
/// spdk_nvme_ns_identify_directive_param`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct NsIdentifyDirectiveParam {
    pub directives_supported: DirectiveSet,
    pub directives_enabled: DirectiveSet,
    pub directives_persistence: DirectiveSet,
    pub reserved: [u32; 1000],
}

bitfields! {
    /// NVM subsystem stream capability.
    pub struct Nssc(u8) {
        ssid / with_ssid: 0, 1;
        reserved: 1, 7;
    }
}

/// Return parameters of the streams directive (`struct
/// spdk_nvme_ns_streams_data`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct NsStreamsData {
    pub msl: u16,
    pub nssa: u16,
    pub nsso: u16,
    pub nssc: Nssc,
    pub reserved1: [u8; 9],
    pub sws: u32,
    pub sgs: u16,
    pub nsa: u16,
    pub nso: u16,
    pub reserved2: [u8; 6],
}

/// Open streams of a namespace (`struct spdk_nvme_ns_streams_status`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct NsStreamsStatus {
    pub open_streams_count: u16,
    pub stream_id: [u16; 65535],
}

zeroed_default!(ZnsZoneReport);

pod!(
    NsData,
    NvmNsData,
    NvmCtrlrData,
    ZnsLbaFormatExt,
    ZnsNsData,
    NsIocsIndependentData,
    IocsVector,
    NsList,
    NsIdDesc,
    CtrlrList,
    ProtectionInfo,
    ZnsZoneDesc,
    ZnsZoneReport,
    DirectiveSet,
    NsIdentifyDirectiveParam,
    NsStreamsData,
    NsStreamsStatus,
);

layout!(NsData, size 4096, align 8, nsze @ 0, ncap @ 8, nuse @ 16, nsfeat @ 24,
    nlbaf @ 25, flbas @ 26, mc @ 27, dpc @ 28, dps @ 29, nmic @ 30, nsrescap @ 31,
    fpi @ 32, dlfeat @ 33, nawun @ 34, nawupf @ 36, nacwu @ 38, nabsn @ 40, nabo @ 42,
    nabspf @ 44, noiob @ 46, nvmcap @ 48, npwg @ 64, npwa @ 66, npdg @ 68, npda @ 70,
    nows @ 72, mssrl @ 74, mcl @ 76, msrc @ 80, reserved81 @ 81, anagrpid @ 92,
    reserved96 @ 96, nsattr @ 99, nvmsetid @ 100, endgid @ 102, nguid @ 104,
    eui64 @ 120, lbaf @ 128, vendor_specific @ 384);
layout!(NvmNsData, size 4096, align 8, lbstm @ 0, pic @ 8, reserved @ 9, elbaf @ 12,
    reserved2 @ 268);
layout!(NvmCtrlrData, size 4096, align 8, vsl @ 0, wzsl @ 1, wusl @ 2, dmrl @ 3,
    dmrsl @ 4, dmsl @ 8, rsvd16 @ 16);
layout!(ZnsLbaFormatExt, size 16, align 8, zsze @ 0, zdes @ 8);
layout!(ZnsNsData, size 4096, align 8, zoc @ 0, ozcs @ 2, mar @ 4, mor @ 8, rrl @ 12,
    frl @ 16, rrl1 @ 20, rrl2 @ 24, rrl3 @ 28, frl1 @ 32, frl2 @ 36, frl3 @ 40,
    reserved44 @ 44, lbafe @ 2816, vendor_specific @ 3840);
layout!(NsIocsIndependentData, size 4096, align 4, nsfeat @ 0, nmic @ 1, rescap @ 2,
    fpi @ 3, anagrpid @ 4, nsattr @ 8, reserved1 @ 9, nvmsetid @ 10, endgid @ 12,
    nstat @ 14, kpios @ 15, maxkt @ 16, reserved2 @ 18, rgrpid @ 20, reserved3 @ 24);
layout!(IocsVector, size 8, align 1, sets @ 0, rsvd2 @ 1);
layout!(NsList, size 4096, align 4, ns_list @ 0);
layout!(NsIdDesc, size 4, align 1, nidt @ 0, nidl @ 1, reserved2 @ 2, reserved3 @ 3,
    nid @ 4);
layout!(CtrlrList, size 4096, align 2, ctrlr_count @ 0, ctrlr_list @ 2);
layout!(Format, size 4, align 4);
layout!(ProtectionInfo, size 8, align 4, guard @ 0, app_tag @ 2, ref_tag @ 4);
layout!(Sanitize, size 4, align 4);
layout!(FwCommit, size 4, align 4);
layout!(ZnsZoneDesc, size 64, align 8, zt_zs @ 0, za @ 2, reserved @ 3, zcap @ 8,
    zslba @ 16, wp @ 24, reserved32 @ 32);
layout!(ZnsZoneReport, size 64, align 8, nr_zones @ 0, reserved8 @ 8, descs @ 64);
layout!(NsIdentifyDirectiveParam, size 4096, align 4, directives_supported @ 0,
    directives_enabled @ 32, directives_persistence @ 64, reserved @ 96);
layout!(NsStreamsData, size 32, align 4, msl @ 0, nssa @ 2, nsso @ 4, nssc @ 6,
    reserved1 @ 7, sws @ 16, sgs @ 20, nsa @ 22, nso @ 24, reserved2 @ 26);
layout!(NsStreamsStatus, size 131072, align 2, open_streams_count @ 0, stream_id @ 2);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Pod;

    #[test]
    fn namespace_block_size() {
        let mut ns = NsData::zeroed();
        ns.nsze = 1 << 20;
        ns.nlbaf = 1;
        ns.lbaf[0] = LbaFormat(0).with_lbads(9);
        ns.lbaf[1] = LbaFormat(0).with_lbads(12).with_ms(8);
        ns.flbas = Flbas(0).with_format(1).with_extended(1);
        assert_eq!(ns.lba_format_index(), 1);
        assert_eq!(ns.block_size(), 4096);
        assert_eq!(ns.lba_format().ms(), 8);
        // With more than 16 formats the high bits count.
        ns.nlbaf = 20;
        ns.flbas = ns.flbas.with_format(2).with_msb_format(1);
        ns.lbaf[18] = LbaFormat(0).with_lbads(13);
        assert_eq!(ns.lba_format_index(), 18);
        assert_eq!(ns.block_size(), 8192);
        assert_eq!(ns.as_bytes()[26], 0x32);
        ns.lbaf[18] = LbaFormat(0).with_lbads(200);
        assert_eq!(ns.block_size(), 0);
    }

    #[test]
    fn command_dwords() {
        let f = Format(0).with_lbaf(3).with_ses(1).with_lbafu(1);
        assert_eq!(f.0, 0x1203);
        assert_eq!(
            FwCommit(0).with_fs(2).with_ca(1).with_bpid(1).0,
            0x8000_000a
        );
        assert_eq!(Sanitize(0).with_sanact(2).with_owpass(3).0, 0x32);
    }
}
