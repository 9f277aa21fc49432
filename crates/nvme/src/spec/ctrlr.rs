//! Identify controller data (`struct spdk_nvme_ctrlr_data` and its parts)
//! and the other controller-level identify structures.

use super::regs::Vs;
use super::{layout, pod};

bitfields! {
    /// Power state byte 3: max power scale and non-operational state.
    pub struct PsFlags(u8) {
        mps / with_mps: 0, 1;
        nops / with_nops: 1, 1;
        reserved2: 2, 6;
    }
}

bitfields! {
    /// Power state byte 12: relative read throughput.
    pub struct PsRrt(u8) {
        rrt / with_rrt: 0, 5;
        reserved3: 5, 3;
    }
}

bitfields! {
    /// Power state byte 13: relative read latency.
    pub struct PsRrl(u8) {
        rrl / with_rrl: 0, 5;
        reserved4: 5, 3;
    }
}

bitfields! {
    /// Power state byte 14: relative write throughput.
    pub struct PsRwt(u8) {
        rwt / with_rwt: 0, 5;
        reserved5: 5, 3;
    }
}

bitfields! {
    /// Power state byte 15: relative write latency.
    pub struct PsRwl(u8) {
        rwl / with_rwl: 0, 5;
        reserved6: 5, 3;
    }
}

bitfields! {
    /// Power state byte 18: idle power scale.
    pub struct PsIps(u8) {
        reserved7: 0, 6;
        ips / with_ips: 6, 2;
    }
}

bitfields! {
    /// Power state byte 22: active power workload and scale.
    pub struct PsApw(u8) {
        apw / with_apw: 0, 3;
        reserved9: 3, 3;
        aps / with_aps: 6, 2;
    }
}

/// A power state descriptor (`struct spdk_nvme_power_state`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct PowerState {
    pub mp: u16,
    pub reserved1: u8,
    pub flags: PsFlags,
    /// Entry latency, us.
    pub enlat: u32,
    /// Exit latency, us.
    pub exlat: u32,
    pub rrt: PsRrt,
    pub rrl: PsRrl,
    pub rwt: PsRwt,
    pub rwl: PsRwl,
    pub idlp: u16,
    pub ips: PsIps,
    pub reserved8: u8,
    pub actp: u16,
    pub apw: PsApw,
    pub reserved10: [u8; 9],
}

bitfields! {
    /// Fabrics controller attributes.
    pub struct Ctrattr(u8) {
        /// `spdk_nvmf_ctrlr_model`.
        ctrlr_model / with_ctrlr_model: 0, 1;
        reserved: 1, 7;
    }
}

bitfields! {
    /// Optional fabrics commands supported.
    pub struct Ofcs(u16) {
        disconnect / with_disconnect: 0, 1;
        reserved: 1, 15;
    }
}

/// The fabrics part of identify controller data (`struct
/// spdk_nvme_cdata_nvmf_specific`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct CdataNvmfSpecific {
    /// I/O command capsule size, 16-byte units.
    pub ioccsz: u32,
    /// I/O response capsule size, 16-byte units.
    pub iorcsz: u32,
    /// In-capsule data offset, 16-byte units.
    pub icdoff: u16,
    pub ctrattr: Ctrattr,
    /// Most SGL data block descriptors (0: no limit).
    pub msdbd: u8,
    pub ofcs: Ofcs,
    pub reserved: [u8; 242],
}

bitfields! {
    /// SGL support (`struct spdk_nvme_cdata_sgls`).
    pub struct CdataSgls(u32) {
        /// `spdk_nvme_sgls_supported`.
        supported / with_supported: 0, 2;
        keyed_sgl / with_keyed_sgl: 2, 1;
        reserved1: 3, 13;
        bit_bucket_descriptor / with_bit_bucket_descriptor: 16, 1;
        metadata_pointer / with_metadata_pointer: 17, 1;
        oversized_sgl / with_oversized_sgl: 18, 1;
        metadata_address / with_metadata_address: 19, 1;
        sgl_offset / with_sgl_offset: 20, 1;
        transport_sgl / with_transport_sgl: 21, 1;
        reserved2: 22, 10;
    }
}

bitfields! {
    /// Optional NVM commands supported (`struct spdk_nvme_cdata_oncs`).
    pub struct CdataOncs(u16) {
        /// Compare.
        nvmcmps / with_nvmcmps: 0, 1;
        /// Write Uncorrectable.
        nvmwusv / with_nvmwusv: 1, 1;
        /// Dataset Management.
        nvmdsmsv / with_nvmdsmsv: 2, 1;
        /// Write Zeroes.
        nvmwzsv / with_nvmwzsv: 3, 1;
        /// Save and select in features.
        ssfs / with_ssfs: 4, 1;
        /// Reservations.
        reservs / with_reservs: 5, 1;
        /// Timestamp.
        tss / with_tss: 6, 1;
        /// Verify.
        nvmvfys / with_nvmvfys: 7, 1;
        /// Copy.
        nvmcpys / with_nvmcpys: 8, 1;
        rsvd: 9, 7;
    }
}

bitfields! {
    /// Optional admin commands supported (`struct spdk_nvme_cdata_oacs`).
    pub struct CdataOacs(u16) {
        /// Security Send/Receive.
        ssrs / with_ssrs: 0, 1;
        /// Format NVM.
        fnvms / with_fnvms: 1, 1;
        /// Firmware download and commit.
        fwds / with_fwds: 2, 1;
        /// Namespace management.
        nms / with_nms: 3, 1;
        /// Device self-test.
        dsts / with_dsts: 4, 1;
        /// Directives.
        dirs / with_dirs: 5, 1;
        /// NVMe-MI Send/Receive.
        nsrs / with_nsrs: 6, 1;
        /// Virtualization management.
        vms / with_vms: 7, 1;
        /// Doorbell buffer config.
        dbcs / with_dbcs: 8, 1;
        /// Get LBA Status.
        glss / with_glss: 9, 1;
        /// Command and feature lockdown.
        cfls / with_cfls: 10, 1;
        /// Host managed live migration.
        hmlms / with_hmlms: 11, 1;
        rsvd: 12, 4;
    }
}

bitfields! {
    /// Fused operations supported (`struct spdk_nvme_cdata_fuses`).
    pub struct CdataFuses(u16) {
        /// Fused Compare and Write.
        fcws / with_fcws: 0, 1;
        rsvd: 1, 15;
    }
}

bitfields! {
    /// Optional asynchronous events supported (`struct spdk_nvme_cdata_oaes`).
    pub struct CdataOaes(u32) {
        reserved1: 0, 8;
        ns_attribute_notices / with_ns_attribute_notices: 8, 1;
        fw_activation_notices / with_fw_activation_notices: 9, 1;
        reserved2: 10, 1;
        ana_change_notices / with_ana_change_notices: 11, 1;
        pleal_change_notices / with_pleal_change_notices: 12, 1;
        lba_sia_notices / with_lba_sia_notices: 13, 1;
        egealp_change_notices / with_egealp_change_notices: 14, 1;
        nnvm_sse / with_nnvm_sse: 15, 1;
        reserved3: 16, 11;
        zdes_change_notices / with_zdes_change_notices: 27, 1;
        reserved4: 28, 3;
        discovery_log_change_notices / with_discovery_log_change_notices: 31, 1;
    }
}

bitfields! {
    /// Controller attributes (`union spdk_nvme_cdata_ctratt`).
    pub struct CdataCtratt(u32) {
        host_id_exhid_supported / with_host_id_exhid_supported: 0, 1;
        non_operational_power_state_permissive_mode
            / with_non_operational_power_state_permissive_mode: 1, 1;
        nvm_sets / with_nvm_sets: 2, 1;
        read_recovery_levels / with_read_recovery_levels: 3, 1;
        endurance_groups / with_endurance_groups: 4, 1;
        predictable_latency_mode / with_predictable_latency_mode: 5, 1;
        tbkas / with_tbkas: 6, 1;
        namespace_granularity / with_namespace_granularity: 7, 1;
        sq_associations / with_sq_associations: 8, 1;
        uuid_list / with_uuid_list: 9, 1;
        mds / with_mds: 10, 1;
        fixed_capacity_management / with_fixed_capacity_management: 11, 1;
        variable_capacity_management / with_variable_capacity_management: 12, 1;
        delete_endurance_group / with_delete_endurance_group: 13, 1;
        delete_nvm_set / with_delete_nvm_set: 14, 1;
        elbas / with_elbas: 15, 1;
        reserved1: 16, 3;
        fdps / with_fdps: 19, 1;
        reserved2: 20, 12;
    }
}

bitfields! {
    /// Multi-path I/O and namespace sharing capabilities (CMIC).
    pub struct Cmic(u8) {
        mports / with_mports: 0, 1;
        mctrs / with_mctrs: 1, 1;
        /// Function type: SR-IOV virtual function.
        ft / with_ft: 2, 1;
        /// Asymmetric namespace access reporting.
        anars / with_anars: 3, 1;
        rsvd: 4, 4;
    }
}

bitfields! {
    /// NVM subsystem report.
    pub struct Nvmsr(u8) {
        nvmesd / with_nvmesd: 0, 1;
        nvmee / with_nvmee: 1, 1;
        nvmsr_rsvd: 2, 6;
    }
}

bitfields! {
    /// VPD write cycle information.
    pub struct Vwci(u8) {
        vwcr / with_vwcr: 0, 7;
        vwcrv / with_vwcrv: 7, 1;
    }
}

bitfields! {
    /// Management endpoint capabilities.
    pub struct Mec(u8) {
        smbusme / with_smbusme: 0, 1;
        pcieme / with_pcieme: 1, 1;
        mec_rsvd: 2, 6;
    }
}

bitfields! {
    /// Firmware updates.
    pub struct Frmw(u8) {
        slot1_ro / with_slot1_ro: 0, 1;
        num_slots / with_num_slots: 1, 3;
        activation_without_reset / with_activation_without_reset: 4, 1;
        multiple_update_detection / with_multiple_update_detection: 5, 1;
        frmw_rsvd: 6, 2;
    }
}

bitfields! {
    /// Log page attributes (LPA).
    pub struct Lpa(u8) {
        /// SMART log per namespace.
        smarts / with_smarts: 0, 1;
        /// Commands supported and effects log.
        cses / with_cses: 1, 1;
        /// Extended data for Get Log Page.
        lpeds / with_lpeds: 2, 1;
        /// Telemetry logs.
        ts / with_ts: 3, 1;
        /// Persistent event log.
        pes / with_pes: 4, 1;
        /// Miscellaneous log pages.
        mlps / with_mlps: 5, 1;
        /// Telemetry data area 4.
        da4s / with_da4s: 6, 1;
        rsvd: 7, 1;
    }
}

bitfields! {
    /// Admin vendor specific command configuration.
    pub struct Avscc(u8) {
        spec_format / with_spec_format: 0, 1;
        avscc_rsvd: 1, 7;
    }
}

bitfields! {
    /// Autonomous power state transition attributes.
    pub struct Apsta(u8) {
        supported / with_supported: 0, 1;
        apsta_rsvd: 1, 7;
    }
}

bitfields! {
    /// Replay protected memory block support.
    pub struct Rpmbs(u32) {
        num_rpmb_units / with_num_rpmb_units: 0, 3;
        auth_method / with_auth_method: 3, 3;
        reserved1: 6, 2;
        reserved2: 8, 8;
        total_size / with_total_size: 16, 8;
        access_size / with_access_size: 24, 8;
    }
}

bitfields! {
    /// Device self-test options.
    pub struct Dsto(u8) {
        one_only / with_one_only: 0, 1;
        reserved: 1, 7;
    }
}

bitfields! {
    /// Host controlled thermal management attributes.
    pub struct Hctma(u16) {
        supported / with_supported: 0, 1;
        reserved: 1, 15;
    }
}

bitfields! {
    /// Sanitize capabilities.
    pub struct Sanicap(u32) {
        crypto_erase / with_crypto_erase: 0, 1;
        block_erase / with_block_erase: 1, 1;
        overwrite / with_overwrite: 2, 1;
        reserved: 3, 29;
    }
}

bitfields! {
    /// Asymmetric namespace access capabilities.
    pub struct Anacap(u8) {
        ana_optimized_state / with_ana_optimized_state: 0, 1;
        ana_non_optimized_state / with_ana_non_optimized_state: 1, 1;
        ana_inaccessible_state / with_ana_inaccessible_state: 2, 1;
        ana_persistent_loss_state / with_ana_persistent_loss_state: 3, 1;
        ana_change_state / with_ana_change_state: 4, 1;
        reserved: 5, 1;
        no_change_anagrpid / with_no_change_anagrpid: 6, 1;
        non_zero_anagrpid / with_non_zero_anagrpid: 7, 1;
    }
}

bitfields! {
    /// Queue entry sizes, log2 (SQES, CQES).
    pub struct QueueEntrySizes(u8) {
        min / with_min: 0, 4;
        max / with_max: 4, 4;
    }
}

bitfields! {
    /// Format NVM attributes.
    pub struct Fna(u8) {
        format_all_ns / with_format_all_ns: 0, 1;
        erase_all_ns / with_erase_all_ns: 1, 1;
        crypto_erase_supported / with_crypto_erase_supported: 2, 1;
        reserved: 3, 5;
    }
}

bitfields! {
    /// Volatile write cache.
    pub struct Vwc(u8) {
        present / with_present: 0, 1;
        /// `spdk_nvme_flush_broadcast`.
        flush_broadcast / with_flush_broadcast: 1, 2;
        reserved: 3, 5;
    }
}

bitfields! {
    /// Optional copy formats supported.
    pub struct Ocfs(u16) {
        copy_format0 / with_copy_format0: 0, 1;
        reserved1: 1, 15;
    }
}

/// Identify controller data (`struct spdk_nvme_ctrlr_data`, packed).
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct CtrlrData {
    pub vid: u16,
    pub ssvid: u16,
    pub sn: [i8; 20],
    pub mn: [i8; 40],
    pub fr: [u8; 8],
    pub rab: u8,
    pub ieee: [u8; 3],
    pub cmic: Cmic,
    pub mdts: u8,
    pub cntlid: u16,
    pub ver: Vs,
    pub rtd3r: u32,
    pub rtd3e: u32,
    pub oaes: CdataOaes,
    pub ctratt: CdataCtratt,
    pub rrls: u16,
    pub reserved_102: [u8; 9],
    pub cntrltype: u8,
    pub fguid: [u8; 16],
    pub crdt: [u16; 3],
    pub reserved_134: [u8; 119],
    pub nvmsr: Nvmsr,
    pub vwci: Vwci,
    pub mec: Mec,
    pub oacs: CdataOacs,
    pub acl: u8,
    pub aerl: u8,
    pub frmw: Frmw,
    pub lpa: Lpa,
    pub elpe: u8,
    pub npss: u8,
    pub avscc: Avscc,
    pub apsta: Apsta,
    pub wctemp: u16,
    pub cctemp: u16,
    pub mtfa: u16,
    pub hmpre: u32,
    pub hmmin: u32,
    pub tnvmcap: [u64; 2],
    pub unvmcap: [u64; 2],
    pub rpmbs: Rpmbs,
    pub edstt: u16,
    pub dsto: Dsto,
    pub fwug: u8,
    pub kas: u16,
    pub hctma: Hctma,
    pub mntmt: u16,
    pub mxtmt: u16,
    pub sanicap: Sanicap,
    pub hmminds: u32,
    pub hmmaxd: u16,
    pub nsetidmax: u16,
    pub endgidmax: u16,
    pub anatt: u8,
    pub anacap: Anacap,
    pub anagrpmax: u32,
    pub nanagrpid: u32,
    pub pels: u32,
    pub domain_identifier: u16,
    pub reserved3: [u8; 10],
    pub megcap: [u8; 16],
    pub reserved384: [u8; 128],
    pub sqes: QueueEntrySizes,
    pub cqes: QueueEntrySizes,
    pub maxcmd: u16,
    pub nn: u32,
    pub oncs: CdataOncs,
    pub fuses: CdataFuses,
    pub fna: Fna,
    pub vwc: Vwc,
    pub awun: u16,
    pub awupf: u16,
    pub nvscc: u8,
    pub nwpc: u8,
    pub acwu: u16,
    pub ocfs: Ocfs,
    pub sgls: CdataSgls,
    pub mnan: u32,
    pub maxdna: [u8; 16],
    pub maxcna: u32,
    pub reserved4: [u8; 204],
    pub subnqn: [u8; 256],
    pub reserved5: [u8; 768],
    pub nvmf_specific: CdataNvmfSpecific,
    pub psd: [PowerState; 32],
    pub vs: [u8; 1024],
}

impl CtrlrData {
    /// The subsystem NQN, up to its terminator.
    pub fn subnqn(&self) -> &[u8] {
        let n = &self.subnqn;
        &n[..n.iter().position(|&b| b == 0).unwrap_or(n.len())]
    }
}

/// Zoned namespace command set identify controller data (`struct
/// spdk_nvme_zns_ctrlr_data`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ZnsCtrlrData {
    /// Zone append size limit, as MDTS.
    pub zasl: u8,
    pub reserved1: [u8; 4095],
}

bitfields! {
    /// Controller resource types.
    pub struct Crt(u8) {
        vq_supported / with_vq_supported: 0, 1;
        vi_supported / with_vi_supported: 1, 1;
        reserved: 2, 6;
    }
}

/// Primary controller capabilities (`struct
/// spdk_nvme_primary_ctrl_capabilities`, packed).
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct PrimaryCtrlCapabilities {
    pub cntlid: u16,
    pub portid: u16,
    pub crt: Crt,
    pub reserved: [u8; 27],
    pub vqfrt: u32,
    pub vqrfa: u32,
    pub vqrfap: u16,
    pub vqprt: u16,
    pub vqfrsm: u16,
    pub vqgran: u16,
    pub reserved1: [u8; 16],
    pub vifrt: u32,
    pub virfa: u32,
    pub virfap: u16,
    pub viprt: u16,
    pub vifrsm: u16,
    pub vigran: u16,
    pub reserved2: [u8; 4016],
}

bitfields! {
    /// Secondary controller state.
    pub struct Scs(u8) {
        is_online / with_is_online: 0, 1;
        reserved: 1, 7;
    }
}

/// A secondary controller (`struct spdk_nvme_secondary_ctrl_entry`, packed).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct SecondaryCtrlEntry {
    pub scid: u16,
    pub pcid: u16,
    pub scs: Scs,
    pub reserved: [u8; 3],
    pub vfn: u16,
    pub nvq: u16,
    pub nvi: u16,
    pub reserved1: [u8; 18],
}

/// Secondary controller list (`struct spdk_nvme_secondary_ctrl_list`,
/// packed).
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct SecondaryCtrlList {
    pub number: u8,
    pub reserved: [u8; 31],
    pub entries: [SecondaryCtrlEntry; 127],
}

pod!(
    PowerState,
    CdataNvmfSpecific,
    CtrlrData,
    ZnsCtrlrData,
    PrimaryCtrlCapabilities,
    SecondaryCtrlEntry,
    SecondaryCtrlList
);

layout!(PowerState, size 32, align 4, mp @ 0, reserved1 @ 2, flags @ 3, enlat @ 4,
    exlat @ 8, rrt @ 12, rrl @ 13, rwt @ 14, rwl @ 15, idlp @ 16, ips @ 18,
    reserved8 @ 19, actp @ 20, apw @ 22, reserved10 @ 23);
layout!(CdataNvmfSpecific, size 256, align 4, ioccsz @ 0, iorcsz @ 4, icdoff @ 8,
    ctrattr @ 10, msdbd @ 11, ofcs @ 12, reserved @ 14);
layout!(CtrlrData, size 4096, align 1,
    vid @ 0, ssvid @ 2, sn @ 4, mn @ 24, fr @ 64, rab @ 72, ieee @ 73, cmic @ 76,
    mdts @ 77, cntlid @ 78, ver @ 80, rtd3r @ 84, rtd3e @ 88, oaes @ 92, ctratt @ 96,
    rrls @ 100, reserved_102 @ 102, cntrltype @ 111, fguid @ 112, crdt @ 128,
    reserved_134 @ 134, nvmsr @ 253, vwci @ 254, mec @ 255, oacs @ 256, acl @ 258,
    aerl @ 259, frmw @ 260, lpa @ 261, elpe @ 262, npss @ 263, avscc @ 264,
    apsta @ 265, wctemp @ 266, cctemp @ 268, mtfa @ 270, hmpre @ 272, hmmin @ 276,
    tnvmcap @ 280, unvmcap @ 296, rpmbs @ 312, edstt @ 316, dsto @ 318, fwug @ 319,
    kas @ 320, hctma @ 322, mntmt @ 324, mxtmt @ 326, sanicap @ 328, hmminds @ 332,
    hmmaxd @ 336, nsetidmax @ 338, endgidmax @ 340, anatt @ 342, anacap @ 343,
    anagrpmax @ 344, nanagrpid @ 348, pels @ 352, domain_identifier @ 356,
    reserved3 @ 358, megcap @ 368, reserved384 @ 384, sqes @ 512, cqes @ 513,
    maxcmd @ 514, nn @ 516, oncs @ 520, fuses @ 522, fna @ 524, vwc @ 525, awun @ 526,
    awupf @ 528, nvscc @ 530, nwpc @ 531, acwu @ 532, ocfs @ 534, sgls @ 536,
    mnan @ 540, maxdna @ 544, maxcna @ 560, reserved4 @ 564, subnqn @ 768,
    reserved5 @ 1024, nvmf_specific @ 1792, psd @ 2048, vs @ 3072);
layout!(ZnsCtrlrData, size 4096, align 1, zasl @ 0, reserved1 @ 1);
layout!(PrimaryCtrlCapabilities, size 4096, align 1, cntlid @ 0, portid @ 2, crt @ 4,
    reserved @ 5, vqfrt @ 32, vqrfa @ 36, vqrfap @ 40, vqprt @ 42, vqfrsm @ 44,
    vqgran @ 46, reserved1 @ 48, vifrt @ 64, virfa @ 68, virfap @ 72, viprt @ 74,
    vifrsm @ 76, vigran @ 78, reserved2 @ 80);
layout!(SecondaryCtrlEntry, size 32, align 1, scid @ 0, pcid @ 2, scs @ 4,
    reserved @ 5, vfn @ 8, nvq @ 10, nvi @ 12, reserved1 @ 14);
layout!(SecondaryCtrlList, size 4096, align 1, number @ 0, reserved @ 1, entries @ 32);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Pod;

    #[test]
    fn identify_controller_from_bytes() {
        let mut raw = vec![0u8; 4096];
        raw[0..2].copy_from_slice(&0x1b36u16.to_le_bytes()); // vid
        raw[76] = 0b1011; // cmic: mports, mctrs, anars
        raw[77] = 5; // mdts
        raw[80..84].copy_from_slice(&0x0001_0400u32.to_le_bytes()); // ver 1.4
        raw[256..258].copy_from_slice(&0x000au16.to_le_bytes()); // oacs: fnvms, nms
        raw[516..520].copy_from_slice(&256u32.to_le_bytes()); // nn
        raw[520..522].copy_from_slice(&0x0004u16.to_le_bytes()); // oncs: dsm
        raw[525] = 0b111; // vwc: present, flush broadcast supported
        raw[536..540].copy_from_slice(&0x0001_0001u32.to_le_bytes()); // sgls
        raw[768..772].copy_from_slice(b"nqn.");
        raw[1792..1796].copy_from_slice(&4u32.to_le_bytes()); // ioccsz
        raw[2048..2050].copy_from_slice(&2500u16.to_le_bytes()); // psd[0].mp
        raw[2048 + 32 + 3] = 0b10; // psd[1].nops
        let c = CtrlrData::read_from(&raw).unwrap();
        assert_eq!({ c.vid }, 0x1b36);
        assert_eq!(
            (c.cmic.mports(), c.cmic.mctrs(), c.cmic.ft(), c.cmic.anars()),
            (1, 1, 0, 1)
        );
        assert_eq!(c.mdts, 5);
        assert_eq!(({ c.ver }.mjr(), { c.ver }.mnr()), (1, 4));
        assert_eq!(
            ({ c.oacs }.fnvms(), { c.oacs }.nms(), { c.oacs }.ssrs()),
            (1, 1, 0)
        );
        assert_eq!({ c.nn }, 256);
        assert_eq!({ c.oncs }.nvmdsmsv(), 1);
        assert_eq!((c.vwc.present(), c.vwc.flush_broadcast()), (1, 3));
        let sgls = { c.sgls };
        assert_eq!((sgls.supported(), sgls.bit_bucket_descriptor()), (1, 1));
        assert_eq!(c.subnqn(), b"nqn.");
        assert_eq!({ c.nvmf_specific.ioccsz }, 4);
        assert_eq!({ c.psd[0].mp }, 2500);
        assert_eq!(
            ({ c.psd[1].flags }.nops(), { c.psd[0].flags }.nops()),
            (1, 0)
        );
        assert_eq!(c.as_bytes(), &raw[..]);
    }
}
