//! Features: the CDW11/CDW12 layouts of Get/Set Features
//! (`union spdk_nvme_feat_*`) and the feature data structures.

use super::{layout, pod};

bitfields! {
    /// Arbitration.
    pub struct FeatArbitration(u32) {
        /// Arbitration burst, log2 (7: unlimited).
        ab / with_ab: 0, 3;
        reserved: 3, 5;
        lpw / with_lpw: 8, 8;
        mpw / with_mpw: 16, 8;
        hpw / with_hpw: 24, 8;
    }
}

bitfields! {
    /// Power management.
    pub struct FeatPowerManagement(u32) {
        ps / with_ps: 0, 5;
        wh / with_wh: 5, 3;
        reserved: 8, 24;
    }
}

bitfields! {
    /// LBA range type.
    pub struct FeatLbaRangeType(u32) {
        num / with_num: 0, 6;
        reserved: 6, 26;
    }
}

bitfields! {
    /// Temperature threshold.
    pub struct FeatTemperatureThreshold(u32) {
        tmpth / with_tmpth: 0, 16;
        tmpsel / with_tmpsel: 16, 4;
        thsel / with_thsel: 20, 2;
        reserved: 22, 10;
    }
}

bitfields! {
    /// Error recovery.
    pub struct FeatErrorRecovery(u32) {
        tler / with_tler: 0, 16;
        dulbe / with_dulbe: 16, 1;
        reserved: 17, 15;
    }
}

bitfields! {
    /// Volatile write cache.
    pub struct FeatVolatileWriteCache(u32) {
        wce / with_wce: 0, 1;
        reserved: 1, 31;
    }
}

bitfields! {
    /// Number of queues (both 0's based), also in CDW0 of the completion.
    pub struct FeatNumberOfQueues(u32) {
        nsqr / with_nsqr: 0, 16;
        ncqr / with_ncqr: 16, 16;
    }
}

bitfields! {
    /// Interrupt coalescing.
    pub struct FeatInterruptCoalescing(u32) {
        thr / with_thr: 0, 8;
        time / with_time: 8, 8;
        reserved: 16, 16;
    }
}

bitfields! {
    /// Interrupt vector configuration.
    pub struct FeatInterruptVectorConfiguration(u32) {
        iv / with_iv: 0, 16;
        cd / with_cd: 16, 1;
        reserved: 17, 15;
    }
}

bitfields! {
    /// Write atomicity normal.
    pub struct FeatWriteAtomicity(u32) {
        dn / with_dn: 0, 1;
        reserved: 1, 31;
    }
}

bitfields! {
    /// Critical warnings (`union spdk_nvme_critical_warning_state`).
    pub struct CriticalWarningState(u8) {
        available_spare / with_available_spare: 0, 1;
        temperature / with_temperature: 1, 1;
        device_reliability / with_device_reliability: 2, 1;
        read_only / with_read_only: 3, 1;
        volatile_memory_backup / with_volatile_memory_backup: 4, 1;
        reserved: 5, 3;
    }
}

bitfields! {
    /// Asynchronous event configuration.
    pub struct FeatAsyncEventConfiguration(u32) {
        /// The critical warnings that raise an event
        /// ([`CriticalWarningState`] bits).
        crit_warn / with_crit_warn: 0, 8 => "crit_warn.raw";
        ns_attr_notice / with_ns_attr_notice: 8, 1;
        fw_activation_notice / with_fw_activation_notice: 9, 1;
        telemetry_log_notice / with_telemetry_log_notice: 10, 1;
        ana_change_notice / with_ana_change_notice: 11, 1;
        reserved1: 12, 4;
        reserved2: 16, 15;
        discovery_log_change_notice / with_discovery_log_change_notice: 31, 1;
    }
}

bitfields! {
    /// Autonomous power state transition.
    pub struct FeatAutonomousPowerStateTransition(u32) {
        apste / with_apste: 0, 1;
        reserved: 1, 31;
    }
}

bitfields! {
    /// Host memory buffer.
    pub struct FeatHostMemBuffer(u32) {
        ehm / with_ehm: 0, 1;
        mr / with_mr: 1, 1;
        reserved: 2, 30;
    }
}

bitfields! {
    /// Keep alive timer.
    pub struct FeatKeepAliveTimer(u32) {
        /// Milliseconds.
        kato / with_kato: 0, 32;
    }
}

bitfields! {
    /// Host controlled thermal management.
    pub struct FeatHostControlledThermalManagement(u32) {
        tmt2 / with_tmt2: 0, 16;
        tmt1 / with_tmt1: 16, 16;
    }
}

bitfields! {
    /// Non-operational power state config.
    pub struct FeatNonOperationalPowerStateConfig(u32) {
        noppme / with_noppme: 0, 1;
        reserved: 1, 31;
    }
}

bitfields! {
    /// Software progress marker.
    pub struct FeatSoftwareProgressMarker(u32) {
        pbslc / with_pbslc: 0, 8;
        reserved: 8, 24;
    }
}

bitfields! {
    /// Host identifier.
    pub struct FeatHostIdentifier(u32) {
        /// 128-bit host identifier.
        exhid / with_exhid: 0, 1;
        reserved: 1, 31;
    }
}

bitfields! {
    /// Reservation notification mask.
    pub struct FeatReservationNotificationMask(u32) {
        reserved1: 0, 1;
        regpre / with_regpre: 1, 1;
        resrel / with_resrel: 2, 1;
        respre / with_respre: 3, 1;
        reserved2: 4, 28;
    }
}

bitfields! {
    /// Reservation persistence.
    pub struct FeatReservationPersistence(u32) {
        ptpl / with_ptpl: 0, 1;
        reserved: 1, 31;
    }
}

bitfields! {
    /// Flexible data placement, CDW11.
    pub struct FeatFdpCdw11(u32) {
        endgid / with_endgid: 0, 16;
        reserved: 16, 16;
    }
}

bitfields! {
    /// Flexible data placement, CDW12.
    pub struct FeatFdpCdw12(u32) {
        fdpe / with_fdpe: 0, 1;
        reserved1: 1, 7;
        fdpci / with_fdpci: 8, 8;
        reserved2: 16, 16;
    }
}

bitfields! {
    /// FDP events, CDW11.
    pub struct FeatFdpEventsCdw11(u32) {
        phndl / with_phndl: 0, 16;
        noet / with_noet: 16, 8;
        reserved: 24, 8;
    }
}

bitfields! {
    /// FDP events, CDW12.
    pub struct FeatFdpEventsCdw12(u32) {
        fdpee / with_fdpee: 0, 1;
        reserved1: 1, 31;
    }
}

/// Data of the host behavior support feature (`struct
/// spdk_nvme_host_behavior`, packed).
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct HostBehavior {
    pub acre: u8,
    pub etdas: u8,
    pub lbafee: u8,
    pub reserved: [u8; 509],
}

bitfields! {
    /// FDP event type attributes.
    pub struct FdpEventAttributes(u8) {
        fdp_ee / with_fdp_ee: 0, 1;
        reserved: 1, 7;
    }
}

/// An FDP event type and whether it is enabled (`struct
/// spdk_nvme_fdp_event_desc`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FdpEventDesc {
    pub fdp_etype: u8,
    pub fdpeta: FdpEventAttributes,
}

/// Status of a reclaim unit handle (`struct spdk_nvme_fdp_ruhs_desc`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FdpRuhsDesc {
    pub pid: u16,
    pub ruhid: u16,
    pub earutr: u32,
    pub ruamw: u64,
    pub reserved: [u8; 16],
}

/// Reclaim unit handle status header (`struct spdk_nvme_fdp_ruhs`);
/// `nruhsd` descriptors follow.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FdpRuhs {
    pub reserved: [u8; 14],
    pub nruhsd: u16,
    pub ruhs_desc: [FdpRuhsDesc; 0],
}

pod!(HostBehavior, FdpEventDesc, FdpRuhsDesc, FdpRuhs);

layout!(HostBehavior, size 512, align 1, acre @ 0, etdas @ 1, lbafee @ 2, reserved @ 3);
layout!(FdpEventDesc, size 2, align 1, fdp_etype @ 0, fdpeta @ 1);
layout!(FdpRuhsDesc, size 32, align 8, pid @ 0, ruhid @ 2, earutr @ 4, ruamw @ 8,
    reserved @ 16);
layout!(FdpRuhs, size 16, align 8, reserved @ 0, nruhsd @ 14, ruhs_desc @ 16);
