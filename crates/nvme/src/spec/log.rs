//! Log pages, reservation data structures and asynchronous event
//! completions.

use super::cmd::Status;
use super::feat::CriticalWarningState;
use super::{layout, pod, zeroed_default};

/// Data of Reservation Acquire (`struct spdk_nvme_reservation_acquire_data`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ReservationAcquireData {
    pub crkey: u64,
    pub prkey: u64,
}

/// Header of the Reservation Report data (`struct
/// spdk_nvme_reservation_status_data`, packed).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ReservationStatusData {
    pub gen: u32,
    pub rtype: u8,
    pub regctl: u16,
    pub reserved1: u16,
    pub ptpls: u8,
    pub reserved: [u8; 14],
}

/// Header of the extended Reservation Report data (packed).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug)]
pub struct ReservationStatusExtendedData {
    pub data: ReservationStatusData,
    pub reserved: [u8; 40],
}

bitfields! {
    /// Reservation status of a registrant.
    pub struct Rcsts(u8) {
        /// Holds the reservation.
        status / with_status: 0, 1;
        reserved1: 1, 7;
    }
}

/// A registrant (`struct spdk_nvme_registered_ctrlr_data`, packed).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct RegisteredCtrlrData {
    pub cntlid: u16,
    pub rcsts: Rcsts,
    pub reserved2: [u8; 5],
    pub hostid: u64,
    pub rkey: u64,
}

/// A registrant, extended format (`struct
/// spdk_nvme_registered_ctrlr_extended_data`, packed).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct RegisteredCtrlrExtendedData {
    pub cntlid: u16,
    pub rcsts: Rcsts,
    pub reserved2: [u8; 5],
    pub rkey: u64,
    pub hostid: [u8; 16],
    pub reserved3: [u8; 32],
}

/// Data of Reservation Register (`struct spdk_nvme_reservation_register_data`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ReservationRegisterData {
    pub crkey: u64,
    pub nrkey: u64,
}

/// Data of Reservation Release (`struct spdk_nvme_reservation_key_data`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ReservationKeyData {
    pub crkey: u64,
}

/// Reservation notification log page (`struct
/// spdk_nvme_reservation_notification_log`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ReservationNotificationLog {
    pub log_page_count: u64,
    pub type_: u8,
    pub num_avail_log_pages: u8,
    pub reserved: [u8; 2],
    pub nsid: u32,
    pub reserved1: [u8; 48],
}

bitfields! {
    /// Support of one log page (supported log pages log page).
    pub struct LidSupport(u32) {
        lsupp / with_lsupp: 0, 1;
        ios / with_ios: 1, 1;
        reserved: 2, 14;
        lidsp / with_lidsp: 16, 16;
    }
}

/// Supported log pages log page (`struct spdk_nvme_supported_log_pages`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct SupportedLogPages {
    pub lids: [LidSupport; 256],
}

bitfields! {
    /// Support and effects of one feature.
    pub struct FidEffects(u32) {
        fsupp / with_fsupp: 0, 1;
        udcc / with_udcc: 1, 1;
        ncc / with_ncc: 2, 1;
        nic / with_nic: 3, 1;
        ccc / with_ccc: 4, 1;
        reserved: 5, 14;
        uss / with_uss: 19, 1;
        nscpe / with_nscpe: 20, 1;
        cscpe / with_cscpe: 21, 1;
        nsetscpe / with_nsetscpe: 22, 1;
        egscpe / with_egscpe: 23, 1;
        dscpe / with_dscpe: 24, 1;
        nsscpe / with_nsscpe: 25, 1;
        cdqscpe / with_cdqscpe: 26, 1;
        fsp_reserved: 27, 5;
    }
}

/// Feature identifiers supported and effects log page (`struct
/// spdk_nvme_feature_ids_effects_log_page`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct FeatureIdsEffectsLogPage {
    pub fis: [FidEffects; 256],
}

/// An error information log entry (`struct spdk_nvme_error_information_entry`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ErrorInformationEntry {
    pub error_count: u64,
    pub sqid: u16,
    pub cid: u16,
    pub status: Status,
    pub error_location: u16,
    pub lba: u64,
    pub nsid: u32,
    pub vendor_specific: u8,
    pub trtype: u8,
    pub reserved30: [u8; 2],
    pub command_specific: u64,
    pub trtype_specific: u16,
    pub reserved42: [u8; 22],
}

/// SMART / health information log page (`struct
/// spdk_nvme_health_information_page`, packed). 128-bit counters are two
/// words, low first.
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct HealthInformationPage {
    pub critical_warning: CriticalWarningState,
    pub temperature: u16,
    pub available_spare: u8,
    pub available_spare_threshold: u8,
    pub percentage_used: u8,
    pub reserved: [u8; 26],
    pub data_units_read: [u64; 2],
    pub data_units_written: [u64; 2],
    pub host_read_commands: [u64; 2],
    pub host_write_commands: [u64; 2],
    pub controller_busy_time: [u64; 2],
    pub power_cycles: [u64; 2],
    pub power_on_hours: [u64; 2],
    pub unsafe_shutdowns: [u64; 2],
    pub media_errors: [u64; 2],
    pub num_error_info_log_entries: [u64; 2],
    pub warning_temp_time: u32,
    pub critical_temp_time: u32,
    pub temp_sensor: [u16; 8],
    pub reserved2: [u8; 296],
}

bitfields! {
    /// Support and effects of one opcode (`struct
    /// spdk_nvme_cmds_and_effect_entry`, two 16-bit bitfield units).
    pub struct CmdsAndEffectEntry(u32) packed(2) {
        csupp / with_csupp: 0, 1;
        lbcc / with_lbcc: 1, 1;
        ncc / with_ncc: 2, 1;
        nic / with_nic: 3, 1;
        ccc / with_ccc: 4, 1;
        reserved1: 5, 11;
        /// Submission restriction: none, per namespace, any namespace.
        cse / with_cse: 16, 3;
        uss / with_uss: 19, 1;
        nscpe / with_nscpe: 20, 1;
        cscpe / with_cscpe: 21, 1;
        nsetscpe / with_nsetscpe: 22, 1;
        egscpe / with_egscpe: 23, 1;
        dscpe / with_dscpe: 24, 1;
        nsscpe / with_nsscpe: 25, 1;
        csp_reserved: 26, 6;
    }
}

/// Commands supported and effects log page (`struct
/// spdk_nvme_cmds_and_effect_log_page`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct CmdsAndEffectLogPage {
    pub admin_cmds_supported: [CmdsAndEffectEntry; 256],
    pub io_cmds_supported: [CmdsAndEffectEntry; 256],
    pub reserved0: [u8; 2048],
}

/// Header of the telemetry log pages (`struct
/// spdk_nvme_telemetry_log_page_hdr`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct TelemetryLogPageHdr {
    pub lpi: u8,
    pub rsvd: [u8; 4],
    pub ieee_oui: [u8; 3],
    pub dalb1: u16,
    pub dalb2: u16,
    pub dalb3: u16,
    pub rsvd1: [u8; 368],
    pub ctrlr_avail: u8,
    pub ctrlr_gen: u8,
    pub rsnident: [u8; 128],
    pub telemetry_datablock: [u8; 0],
}

bitfields! {
    /// Status of the last sanitize (`struct spdk_nvme_sanitize_status_sstat`).
    pub struct SanitizeStatusSstat(u16) {
        /// `spdk_nvme_sanitize_status_type`.
        status / with_status: 0, 3;
        complete_pass / with_complete_pass: 3, 5;
        global_data_erase / with_global_data_erase: 8, 1;
        reserved: 9, 7;
    }
}

/// Sanitize status log page (`struct spdk_nvme_sanitize_status_log_page`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct SanitizeStatusLogPage {
    pub sprog: u16,
    pub sstat: SanitizeStatusSstat,
    pub scdw10: u32,
    pub et_overwrite: u32,
    pub et_block_erase: u32,
    pub et_crypto_erase: u32,
    pub reserved: [u8; 492],
}

bitfields! {
    /// CDW0 of an Asynchronous Event Request completion (`union
    /// spdk_nvme_async_event_completion`).
    pub struct AsyncEventCompletion(u32) {
        /// `spdk_nvme_async_event_type`.
        async_event_type / with_async_event_type: 0, 3;
        reserved1: 3, 5;
        async_event_info / with_async_event_info: 8, 8;
        /// Log page to read to clear the event.
        log_page_identifier / with_log_page_identifier: 16, 8;
        reserved2: 24, 8;
    }
}

bitfields! {
    /// Active firmware information.
    pub struct Afi(u8) {
        active_slot / with_active_slot: 0, 3;
        reserved3: 3, 1;
        next_reset_slot / with_next_reset_slot: 4, 3;
        reserved7: 7, 1;
    }
}

/// Firmware slot information log page (`struct spdk_nvme_firmware_page`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct FirmwarePage {
    pub afi: Afi,
    pub reserved: [u8; 7],
    pub revision: [[u8; 8]; 7],
    pub reserved2: [u8; 448],
}

/// Header of the ANA log page (`struct spdk_nvme_ana_page`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct AnaPage {
    pub change_count: u64,
    pub num_ana_group_desc: u16,
    pub reserved: [u8; 6],
}

bitfields! {
    /// ANA state byte of a group descriptor.
    pub struct AnaGroupState(u8) {
        /// `spdk_nvme_ana_state`.
        ana_state / with_ana_state: 0, 4;
        reserved0: 4, 4;
    }
}

/// An ANA group descriptor (`struct spdk_nvme_ana_group_descriptor`);
/// `num_of_nsid` NSIDs follow.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct AnaGroupDescriptor {
    pub ana_group_id: u32,
    pub num_of_nsid: u32,
    pub change_count: u64,
    pub state: AnaGroupState,
    pub reserved1: [u8; 15],
    pub nsid: [u32; 0],
}

/// A reclaim unit handle descriptor (`struct spdk_nvme_fdp_ruh_descriptor`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FdpRuhDescriptor {
    /// `spdk_nvme_fdp_ruh_type`.
    pub ruht: u8,
    pub reserved: [u8; 3],
}

bitfields! {
    /// FDP configuration attributes.
    pub struct FdpAttributes(u8) {
        rgif / with_rgif: 0, 4;
        fdpvwc / with_fdpvwc: 4, 1;
        rsvd1: 5, 2;
        fdpcv / with_fdpcv: 7, 1;
    }
}

/// An FDP configuration descriptor (`struct spdk_nvme_fdp_cfg_descriptor`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct FdpCfgDescriptor {
    pub ds: u16,
    pub fdpa: FdpAttributes,
    pub vss: u8,
    pub nrg: u32,
    pub nruh: u16,
    pub maxpids: u16,
    pub nns: u32,
    pub runs: u64,
    pub erutl: u32,
    pub rsvd28: [u8; 36],
    pub ruh_desc: [FdpRuhDescriptor; 0],
}

/// FDP configurations log page header (`struct spdk_nvme_fdp_cfg_log_page`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FdpCfgLogPage {
    pub ncfg: u16,
    pub version: u8,
    pub reserved1: u8,
    pub size: u32,
    pub reserved2: [u8; 8],
    pub cfg_desc: [FdpCfgDescriptor; 0],
}

/// A reclaim unit handle usage descriptor (`struct
/// spdk_nvme_fdp_ruhu_descriptor`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FdpRuhuDescriptor {
    /// `spdk_nvme_fdp_ruh_attributes`.
    pub ruha: u8,
    pub reserved: [u8; 7],
}

/// Reclaim unit handle usage log page header (`struct
/// spdk_nvme_fdp_ruhu_log_page`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FdpRuhuLogPage {
    pub nruh: u16,
    pub reserved: [u8; 6],
    pub ruhu_desc: [FdpRuhuDescriptor; 0],
}

/// FDP statistics log page (`struct spdk_nvme_fdp_stats_log_page`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FdpStatsLogPage {
    pub hbmw: [u64; 2],
    pub mbmw: [u64; 2],
    pub mbe: [u64; 2],
    pub rsvd48: [u8; 16],
}

bitfields! {
    /// Flags of a media reallocated event.
    pub struct FdpMediaReallocatedFlags(u8) {
        lbav / with_lbav: 0, 1;
        reserved: 1, 7;
    }
}

/// Type specific data of a media reallocated FDP event (`struct
/// spdk_nvme_fdp_event_media_reallocated`, packed).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FdpEventMediaReallocated {
    pub sef: FdpMediaReallocatedFlags,
    pub reserved1: u8,
    pub nlbam: u16,
    pub lba: u64,
    pub reserved2: [u8; 4],
}

bitfields! {
    /// Flags of an FDP event.
    pub struct FdpEventFlags(u8) {
        piv / with_piv: 0, 1;
        nsidv / with_nsidv: 1, 1;
        lv / with_lv: 2, 1;
        reserved: 3, 5;
    }
}

/// An FDP event (`struct spdk_nvme_fdp_event`, packed).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FdpEvent {
    pub etype: u8,
    pub fdpef: FdpEventFlags,
    pub pid: u16,
    pub timestamp: u64,
    pub nsid: u32,
    pub event_type_specific: [u64; 2],
    pub rgid: u16,
    pub ruhid: u16,
    pub reserved: [u8; 4],
    pub vs: [u8; 24],
}

/// FDP events log page header (`struct spdk_nvme_fdp_events_log_page`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct FdpEventsLogPage {
    pub nevents: u32,
    pub reserved: [u8; 60],
    pub event: [FdpEvent; 0],
}

zeroed_default!(FdpCfgDescriptor);

pod!(
    ReservationAcquireData,
    ReservationStatusData,
    ReservationStatusExtendedData,
    RegisteredCtrlrData,
    RegisteredCtrlrExtendedData,
    ReservationRegisterData,
    ReservationKeyData,
    ReservationNotificationLog,
    SupportedLogPages,
    FeatureIdsEffectsLogPage,
    ErrorInformationEntry,
    HealthInformationPage,
    CmdsAndEffectLogPage,
    TelemetryLogPageHdr,
    SanitizeStatusLogPage,
    FirmwarePage,
    AnaPage,
    AnaGroupDescriptor,
    FdpRuhDescriptor,
    FdpCfgDescriptor,
    FdpCfgLogPage,
    FdpRuhuDescriptor,
    FdpRuhuLogPage,
    FdpStatsLogPage,
    FdpEventMediaReallocated,
    FdpEvent,
    FdpEventsLogPage,
);

layout!(ReservationAcquireData, size 16, align 8, crkey @ 0, prkey @ 8);
layout!(ReservationStatusData, size 24, align 1, gen @ 0, rtype @ 4, regctl @ 5,
    reserved1 @ 7, ptpls @ 9, reserved @ 10);
layout!(ReservationStatusExtendedData, size 64, align 1, data @ 0, reserved @ 24);
layout!(RegisteredCtrlrData, size 24, align 1, cntlid @ 0, rcsts @ 2, reserved2 @ 3,
    hostid @ 8, rkey @ 16);
layout!(RegisteredCtrlrExtendedData, size 64, align 1, cntlid @ 0, rcsts @ 2,
    reserved2 @ 3, rkey @ 8, hostid @ 16, reserved3 @ 32);
layout!(ReservationRegisterData, size 16, align 8, crkey @ 0, nrkey @ 8);
layout!(ReservationKeyData, size 8, align 8, crkey @ 0);
layout!(ReservationNotificationLog, size 64, align 8, log_page_count @ 0, type_ @ 8,
    num_avail_log_pages @ 9, reserved @ 10, nsid @ 12, reserved1 @ 16);
layout!(SupportedLogPages, size 1024, align 4, lids @ 0);
layout!(FeatureIdsEffectsLogPage, size 1024, align 4, fis @ 0);
layout!(ErrorInformationEntry, size 64, align 8, error_count @ 0, sqid @ 8, cid @ 10,
    status @ 12, error_location @ 14, lba @ 16, nsid @ 24, vendor_specific @ 28,
    trtype @ 29, reserved30 @ 30, command_specific @ 32, trtype_specific @ 40,
    reserved42 @ 42);
layout!(HealthInformationPage, size 512, align 1, critical_warning @ 0,
    temperature @ 1, available_spare @ 3, available_spare_threshold @ 4,
    percentage_used @ 5, reserved @ 6, data_units_read @ 32, data_units_written @ 48,
    host_read_commands @ 64, host_write_commands @ 80, controller_busy_time @ 96,
    power_cycles @ 112, power_on_hours @ 128, unsafe_shutdowns @ 144,
    media_errors @ 160, num_error_info_log_entries @ 176, warning_temp_time @ 192,
    critical_temp_time @ 196, temp_sensor @ 200, reserved2 @ 216);
layout!(CmdsAndEffectEntry, size 4, align 2);
layout!(CmdsAndEffectLogPage, size 4096, align 2, admin_cmds_supported @ 0,
    io_cmds_supported @ 1024, reserved0 @ 2048);
layout!(TelemetryLogPageHdr, size 512, align 2, lpi @ 0, rsvd @ 1, ieee_oui @ 5,
    dalb1 @ 8, dalb2 @ 10, dalb3 @ 12, rsvd1 @ 14, ctrlr_avail @ 382, ctrlr_gen @ 383,
    rsnident @ 384, telemetry_datablock @ 512);
layout!(SanitizeStatusLogPage, size 512, align 4, sprog @ 0, sstat @ 2, scdw10 @ 4,
    et_overwrite @ 8, et_block_erase @ 12, et_crypto_erase @ 16, reserved @ 20);
layout!(AsyncEventCompletion, size 4, align 4);
layout!(FirmwarePage, size 512, align 1, afi @ 0, reserved @ 1, revision @ 8,
    reserved2 @ 64);
layout!(AnaPage, size 16, align 8, change_count @ 0, num_ana_group_desc @ 8,
    reserved @ 10);
layout!(AnaGroupDescriptor, size 32, align 8, ana_group_id @ 0, num_of_nsid @ 4,
    change_count @ 8, state @ 16, reserved1 @ 17, nsid @ 32);
layout!(FdpRuhDescriptor, size 4, align 1, ruht @ 0, reserved @ 1);
layout!(FdpCfgDescriptor, size 64, align 8, ds @ 0, fdpa @ 2, vss @ 3, nrg @ 4,
    nruh @ 8, maxpids @ 10, nns @ 12, runs @ 16, erutl @ 24, rsvd28 @ 28,
    ruh_desc @ 64);
layout!(FdpCfgLogPage, size 16, align 8, ncfg @ 0, version @ 2, reserved1 @ 3,
    size @ 4, reserved2 @ 8, cfg_desc @ 16);
layout!(FdpRuhuDescriptor, size 8, align 1, ruha @ 0, reserved @ 1);
layout!(FdpRuhuLogPage, size 8, align 2, nruh @ 0, reserved @ 2, ruhu_desc @ 8);
layout!(FdpStatsLogPage, size 64, align 8, hbmw @ 0, mbmw @ 16, mbe @ 32, rsvd48 @ 48);
layout!(FdpEventMediaReallocated, size 16, align 1, sef @ 0, reserved1 @ 1,
    nlbam @ 2, lba @ 4, reserved2 @ 12);
layout!(FdpEvent, size 64, align 1, etype @ 0, fdpef @ 1, pid @ 2, timestamp @ 4,
    nsid @ 12, event_type_specific @ 16, rgid @ 32, ruhid @ 34, reserved @ 36,
    vs @ 40);
layout!(FdpEventsLogPage, size 64, align 4, nevents @ 0, reserved @ 4, event @ 64);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Pod;

    #[test]
    fn health_page_and_events() {
        let mut raw = [0u8; 512];
        raw[0] = 0b0000_0010; // temperature warning
        raw[1..3].copy_from_slice(&310u16.to_le_bytes());
        raw[32..40].copy_from_slice(&12345u64.to_le_bytes());
        let h = HealthInformationPage::read_from(&raw).unwrap();
        assert_eq!(h.critical_warning.temperature(), 1);
        assert_eq!(h.critical_warning.available_spare(), 0);
        assert_eq!({ h.temperature }, 310);
        assert_eq!({ h.data_units_read }[0], 12345);

        // A notice event: namespace attribute changed, log page 4.
        let aer = AsyncEventCompletion(0x0004_0002);
        assert_eq!(
            (
                aer.async_event_type(),
                aer.async_event_info(),
                aer.log_page_identifier()
            ),
            (2, 0, 4)
        );
        let e = CmdsAndEffectEntry(0).with_csupp(1).with_cse(2);
        assert_eq!(e.as_bytes(), &[1, 0, 2, 0]);
    }
}
