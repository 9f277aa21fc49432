//! Controller registers (`union spdk_nvme_*_register`, `struct
//! spdk_nvme_registers`).

use super::{layout, pod};

bitfields! {
    /// CAP: controller capabilities.
    pub struct Cap(u64) {
        /// Largest queue size, 0's based.
        mqes / with_mqes: 0, 16;
        /// Queues must be physically contiguous.
        cqr / with_cqr: 16, 1;
        /// Optional arbitration mechanisms (`spdk_nvme_cap_ams` bits).
        ams / with_ams: 17, 2;
        reserved1: 19, 5;
        /// Ready timeout, 500 ms units.
        to / with_to: 24, 8;
        /// Doorbell stride: 4 << dstrd bytes.
        dstrd / with_dstrd: 32, 4;
        /// NVM subsystem reset supported.
        nssrs / with_nssrs: 36, 1;
        /// Command sets supported (bit n: CC.CSS value n).
        css / with_css: 37, 8;
        /// Boot partitions supported.
        bps / with_bps: 45, 1;
        reserved2: 46, 2;
        /// Smallest memory page: 4 KiB << mpsmin.
        mpsmin / with_mpsmin: 48, 4;
        /// Largest memory page: 4 KiB << mpsmax.
        mpsmax / with_mpsmax: 52, 4;
        /// Persistent memory region supported.
        pmrs / with_pmrs: 56, 1;
        /// Controller memory buffer supported.
        cmbs / with_cmbs: 57, 1;
        /// NVM subsystem shutdown supported.
        nsss / with_nsss: 58, 1;
        /// Controller ready with media supported.
        crwms / with_crwms: 59, 1;
        /// Controller ready independent of media supported.
        crims / with_crims: 60, 1;
        reserved3: 61, 3;
    }
}

bitfields! {
    /// CC: controller configuration.
    pub struct Cc(u32) {
        en / with_en: 0, 1;
        reserved1: 1, 3;
        /// Command set (`spdk_nvme_cc_css`).
        css / with_css: 4, 3;
        /// Memory page size: 4 KiB << mps.
        mps / with_mps: 7, 4;
        /// Arbitration (`spdk_nvme_cc_ams`).
        ams / with_ams: 11, 3;
        /// Shutdown notification (`spdk_nvme_shn_value`).
        shn / with_shn: 14, 2;
        /// I/O submission queue entry size, log2.
        iosqes / with_iosqes: 16, 4;
        /// I/O completion queue entry size, log2.
        iocqes / with_iocqes: 20, 4;
        /// Controller ready independent of media.
        crime / with_crime: 24, 1;
        reserved2: 25, 7;
    }
}

bitfields! {
    /// CSTS: controller status.
    pub struct Csts(u32) {
        rdy / with_rdy: 0, 1;
        /// Controller fatal status.
        cfs / with_cfs: 1, 1;
        /// Shutdown status (`spdk_nvme_shst_value`).
        shst / with_shst: 2, 2;
        /// An NVM subsystem reset happened.
        nssro / with_nssro: 4, 1;
        /// Processing paused.
        pp / with_pp: 5, 1;
        reserved1: 6, 26;
    }
}

bitfields! {
    /// AQA: admin queue sizes, 0's based.
    pub struct Aqa(u32) {
        asqs / with_asqs: 0, 12;
        reserved1: 12, 4;
        acqs / with_acqs: 16, 12;
        reserved2: 28, 4;
    }
}

bitfields! {
    /// VS: specification version.
    pub struct Vs(u32) {
        ter / with_ter: 0, 8;
        mnr / with_mnr: 8, 8;
        mjr / with_mjr: 16, 16;
    }
}

bitfields! {
    /// CMBLOC: controller memory buffer location.
    pub struct Cmbloc(u32) {
        bir / with_bir: 0, 3;
        reserved1: 3, 9;
        ofst / with_ofst: 12, 20;
    }
}

bitfields! {
    /// CMBSZ: controller memory buffer size and uses.
    pub struct Cmbsz(u32) {
        sqs / with_sqs: 0, 1;
        cqs / with_cqs: 1, 1;
        lists / with_lists: 2, 1;
        rds / with_rds: 3, 1;
        wds / with_wds: 4, 1;
        reserved1: 5, 3;
        /// Size unit: 4 KiB << (4 * szu).
        szu / with_szu: 8, 4;
        sz / with_sz: 12, 20;
    }
}

bitfields! {
    /// CMBMSC: controller memory buffer memory space control.
    pub struct Cmbmsc(u64) {
        cre / with_cre: 0, 1;
        cmse / with_cmse: 1, 1;
        reserved: 2, 10;
        /// Base address >> 12.
        cba / with_cba: 12, 52;
    }
}

bitfields! {
    /// CMBSTS: controller memory buffer status.
    pub struct Cmbsts(u32) {
        cbai / with_cbai: 0, 1;
        reserved: 1, 31;
    }
}

bitfields! {
    /// CMBEBS: controller memory buffer elasticity buffer size.
    pub struct Cmbebs(u32) {
        cmbszu / with_cmbszu: 0, 4;
        cmbrbb / with_cmbrbb: 4, 1;
        reserved: 5, 3;
        cmbwbz / with_cmbwbz: 8, 24;
    }
}

bitfields! {
    /// CMBSWTP: controller memory buffer sustained write throughput.
    pub struct Cmbswtp(u32) {
        cmbswtu / with_cmbswtu: 0, 4;
        reserved: 4, 4;
        cmbswtv / with_cmbswtv: 8, 24;
    }
}

bitfields! {
    /// CRTO: controller ready timeouts, 500 ms units.
    pub struct Crto(u32) {
        crwmt / with_crwmt: 0, 16;
        crimt / with_crimt: 16, 16;
    }
}

bitfields! {
    /// PMRCAP: persistent memory region capabilities.
    pub struct Pmrcap(u32) {
        reserved1: 0, 3;
        rds / with_rds: 3, 1;
        wds / with_wds: 4, 1;
        bir / with_bir: 5, 3;
        pmrtu / with_pmrtu: 8, 2;
        pmrwbm / with_pmrwbm: 10, 4;
        reserved2: 14, 2;
        pmrto / with_pmrto: 16, 8;
        cmss / with_cmss: 24, 1;
        reserved3: 25, 7;
    }
}

bitfields! {
    /// PMRCTL: persistent memory region control.
    pub struct Pmrctl(u32) {
        en / with_en: 0, 1;
        reserved: 1, 31;
    }
}

bitfields! {
    /// PMRSTS: persistent memory region status.
    pub struct Pmrsts(u32) {
        err / with_err: 0, 8;
        nrdy / with_nrdy: 8, 1;
        hsts / with_hsts: 9, 3;
        cbai / with_cbai: 12, 1;
        reserved: 13, 19;
    }
}

bitfields! {
    /// PMREBS: persistent memory region elasticity buffer size.
    pub struct Pmrebs(u32) {
        pmrszu / with_pmrszu: 0, 4;
        rbb / with_rbb: 4, 1;
        reserved: 5, 3;
        pmrwbz / with_pmrwbz: 8, 24;
    }
}

bitfields! {
    /// PMRSWTP: persistent memory region sustained write throughput.
    pub struct Pmrswtp(u32) {
        pmrswtu / with_pmrswtu: 0, 4;
        reserved: 4, 4;
        pmrswtv / with_pmrswtv: 8, 24;
    }
}

bitfields! {
    /// PMRMSCL: persistent memory region memory space control, low half.
    pub struct Pmrmscl(u32) {
        reserved1: 0, 1;
        cmse / with_cmse: 1, 1;
        reserved2: 2, 10;
        cba / with_cba: 12, 20;
    }
}

bitfields! {
    /// BPINFO: boot partition information.
    pub struct Bpinfo(u32) {
        /// Partition size, 128 KiB units.
        bpsz / with_bpsz: 0, 15;
        reserved1: 15, 9;
        /// Read status (`spdk_nvme_brs_value`).
        brs / with_brs: 24, 2;
        reserved2: 26, 5;
        abpid / with_abpid: 31, 1;
    }
}

bitfields! {
    /// BPRSEL: boot partition read select.
    pub struct Bprsel(u32) {
        bprsz / with_bprsz: 0, 10;
        bprof / with_bprof: 10, 20;
        reserved: 30, 1;
        bpid / with_bpid: 31, 1;
    }
}

/// A doorbell pair (at the default stride).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Doorbell {
    pub sq_tdbl: u32,
    pub cq_hdbl: u32,
}

/// The register file of a PCIe controller up to the first doorbells
/// (`struct spdk_nvme_registers`). Read and write it with volatile accesses.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Registers {
    pub cap: Cap,
    pub vs: Vs,
    pub intms: u32,
    pub intmc: u32,
    pub cc: Cc,
    pub reserved1: u32,
    pub csts: Csts,
    pub nssr: u32,
    pub aqa: Aqa,
    pub asq: u64,
    pub acq: u64,
    pub cmbloc: Cmbloc,
    pub cmbsz: Cmbsz,
    pub bpinfo: Bpinfo,
    pub bprsel: Bprsel,
    pub bpmbl: u64,
    pub cmbmsc: Cmbmsc,
    pub cmbsts: Cmbsts,
    pub cmbebs: Cmbebs,
    pub cmbswtp: Cmbswtp,
    pub nssd: u32,
    pub crto: Crto,
    pub reserved2: [u32; 0x365],
    pub pmrcap: Pmrcap,
    pub pmrctl: Pmrctl,
    pub pmrsts: Pmrsts,
    pub pmrebs: Pmrebs,
    pub pmrswtp: Pmrswtp,
    pub pmrmscl: Pmrmscl,
    pub pmrmscu: u32,
    pub reserved3: [u32; 0x79],
    pub doorbell: [Doorbell; 1],
}

pod!(Doorbell, Registers);

layout!(Doorbell, size 8, align 4, sq_tdbl @ 0, cq_hdbl @ 4);
layout!(Registers, size 0x1008, align 8,
    cap @ 0x00, vs @ 0x08, intms @ 0x0c, intmc @ 0x10, cc @ 0x14, reserved1 @ 0x18,
    csts @ 0x1c, nssr @ 0x20, aqa @ 0x24, asq @ 0x28, acq @ 0x30, cmbloc @ 0x38,
    cmbsz @ 0x3c, bpinfo @ 0x40, bprsel @ 0x44, bpmbl @ 0x48, cmbmsc @ 0x50,
    cmbsts @ 0x58, cmbebs @ 0x5c, cmbswtp @ 0x60, nssd @ 0x64, crto @ 0x68,
    reserved2 @ 0x6c, pmrcap @ 0xe00, pmrctl @ 0xe04, pmrsts @ 0xe08, pmrebs @ 0xe0c,
    pmrswtp @ 0xe10, pmrmscl @ 0xe14, pmrmscu @ 0xe18, reserved3 @ 0xe1c,
    doorbell @ 0x1000);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_of_a_real_controller() {
        // A QEMU NVMe controller: MQES 2047, CQR, TO 15 (7.5 s), DSTRD 0,
        // CSS NVM + IOCS, MPSMIN 0, MPSMAX 4, CMBS.
        let cap = Cap(0x0240_0820_0f01_07ff);
        assert_eq!(cap.mqes(), 0x7ff);
        assert_eq!(cap.cqr(), 1);
        assert_eq!(cap.to(), 0x0f);
        assert_eq!(cap.dstrd(), 0);
        assert_eq!(cap.css(), 0x41);
        assert_eq!(cap.mpsmin(), 0);
        assert_eq!(cap.mpsmax(), 4);
        assert_eq!(cap.cmbs(), 1);
    }

    #[test]
    fn cc_enable_value() {
        // What a driver writes to enable: IOSQES 6, IOCQES 4, EN.
        let cc = Cc::default().with_en(1).with_iosqes(6).with_iocqes(4);
        assert_eq!(cc.0, 0x0046_0001);
        assert_eq!(Vs(0x0001_0400).mjr(), 1);
        assert_eq!(Vs(0x0001_0400).mnr(), 4);
        assert_eq!(super::super::version(1, 4, 0), 0x0001_0400);
    }
}
