//! Writes capi-tests/nvme_spec_bits.c, the check that the C view of the
//! nvme_spec.h / nvmf_spec.h types (hand-written in the headers) and the
//! Rust view (this module's siblings) agree: for every type its size and
//! alignment, for the listed members their offsets, and for every bitfield
//! in the Rust `FIELDS` tables its position, found by setting the C member
//! and looking at the bytes.
//!
//! `cargo test -p spdk-nvme` fails when the committed file differs from
//! what the Rust view gives (rerun with SPDK_RS_BLESS=1 to rewrite it) and,
//! when a C compiler is at hand, compiles and runs it against include/.

use core::mem::{align_of, offset_of, size_of};
use std::fmt::Write as _;
use std::path::PathBuf;

use super::bits::Field;
use super::cmd::*;
use super::ctrlr::*;
use super::fabrics::*;
use super::feat::*;
use super::log::*;
use super::ns::*;
use super::regs::*;

#[derive(Default)]
struct Gen {
    body: String,
    checks: usize,
}

impl Gen {
    fn line(&mut self, s: String) {
        self.body.push('\t');
        self.body.push_str(&s);
        self.body.push('\n');
    }

    /// Size and alignment of C type `c` are those of `T`.
    fn ty<T>(&mut self, c: &str) {
        self.line(format!("CHECK(sizeof({c}) == {});", size_of::<T>()));
        self.line(format!("CHECK(_Alignof({c}) == {});", align_of::<T>()));
        self.checks += 2;
    }

    /// Member `m` of C type `c` is at `off`.
    fn off(&mut self, c: &str, m: &str, off: usize) {
        self.line(format!("CHECK(offsetof({c}, {m}) == {off});"));
        self.checks += 1;
    }

    /// The bitfields `fields` of a `size`-byte word at `off` in C type `c`
    /// are the C members `prefix` + name.
    fn bits(&mut self, c: &str, prefix: &str, off: usize, size: usize, fields: &[Field]) {
        for f in fields {
            assert!(f.lsb + f.width <= 8 * size as u32, "{c} {prefix}{}", f.name);
            let mask = if f.width == 64 {
                u64::MAX
            } else {
                (1u64 << f.width) - 1
            };
            self.line(format!(
                "FIELD({c}, {prefix}{}, {off}, {size}, {}, {mask:#x}ull);",
                f.name, f.lsb
            ));
            self.checks += 2;
        }
    }

    /// C expression `expr` equals `value`.
    fn value(&mut self, expr: &str, value: u64) {
        self.line(format!("CHECK((uint64_t)({expr}) == {value:#x}ull);"));
        self.checks += 1;
    }
}

/// Offsets of members named alike in C and Rust.
macro_rules! offs {
    ($g:expr, $t:ty, $c:expr; $($f:ident),* $(,)?) => {
        $($g.off($c, stringify!($f), offset_of!($t, $f));)*
    };
}

/// The bitfields of Rust type `$w` at Rust offset `$off` in C type `$c`.
macro_rules! bits {
    ($g:expr, $c:expr, $prefix:expr, $off:expr, $w:ty) => {
        $g.bits($c, $prefix, $off, size_of::<$w>(), <$w>::FIELDS)
    };
}

const fn f(name: &'static str, lsb: u32, width: u32) -> Field {
    Field { name, lsb, width }
}

// The older member names C keeps beside the current ones; Rust has only
// the current ones, so their positions are listed here.
const ONCS_OLD: &[Field] = &[
    f("compare", 0, 1),
    f("write_unc", 1, 1),
    f("dsm", 2, 1),
    f("write_zeroes", 3, 1),
    f("set_features_save", 4, 1),
    f("reservations", 5, 1),
    f("timestamp", 6, 1),
    f("verify", 7, 1),
    f("copy", 8, 1),
    f("reserved9", 9, 7),
    f("raw", 0, 16),
];
const OACS_OLD: &[Field] = &[
    f("security", 0, 1),
    f("format", 1, 1),
    f("firmware", 2, 1),
    f("ns_manage", 3, 1),
    f("device_self_test", 4, 1),
    f("directives", 5, 1),
    f("nvme_mi", 6, 1),
    f("virtualization_management", 7, 1),
    f("doorbell_buffer_config", 8, 1),
    f("get_lba_status", 9, 1),
    f("command_feature_lockdown", 10, 1),
    f("oacs_rsvd", 11, 5),
];
const FUSES_OLD: &[Field] = &[
    f("compare_and_write", 0, 1),
    f("reserved", 1, 15),
    f("raw", 0, 16),
];
const CMIC_OLD: &[Field] = &[
    f("multi_port", 0, 1),
    f("multi_ctrlr", 1, 1),
    f("sr_iov", 2, 1),
    f("ana_reporting", 3, 1),
    f("reserved", 4, 4),
];
const LPA_OLD: &[Field] = &[
    f("ns_smart", 0, 1),
    f("celp", 1, 1),
    f("edlp", 2, 1),
    f("telemetry", 3, 1),
    f("pelp", 4, 1),
    f("lplp", 5, 1),
    f("da4_telemetry", 6, 1),
    f("lpa_rsvd", 7, 1),
];
const RESCAP_OLD: &[Field] = &[
    f("persist", 0, 1),
    f("write_exclusive", 1, 1),
    f("exclusive_access", 2, 1),
    f("write_exclusive_reg_only", 3, 1),
    f("exclusive_access_reg_only", 4, 1),
    f("write_exclusive_all_reg", 5, 1),
    f("exclusive_access_all_reg", 6, 1),
    f("ignore_existing_key", 7, 1),
];
const FPI_OLD: &[Field] = &[f("percentage_remaining", 0, 7), f("fpi_supported", 7, 1)];
const NMIC_OLD: &[Field] = &[f("can_share", 0, 1), f("reserved", 1, 7)];
const NSATTR_OLD: &[Field] = &[f("write_protected", 0, 1), f("reserved", 1, 7)];
// The raw members of the unions whose Rust view is the bare word.
const RAW8: &[Field] = &[f("raw", 0, 8)];
const RAW16: &[Field] = &[f("raw", 0, 16)];
const RAW32: &[Field] = &[f("raw", 0, 32)];
const RAW64: &[Field] = &[f("raw", 0, 64)];
const U32_HALVES: &[Field] = &[f("u32.low", 0, 32), f("u32.high", 32, 32), f("u64", 0, 64)];

/// Register unions: `union spdk_nvme_<name>_register { raw; bits }`.
fn registers(g: &mut Gen) {
    macro_rules! reg {
        ($w:ty, $name:literal) => {{
            let c = concat!("union spdk_nvme_", $name, "_register");
            g.ty::<$w>(c);
            bits!(g, c, "bits.", 0, $w);
            let raw = if size_of::<$w>() == 8 { RAW64 } else { RAW32 };
            g.bits(c, "", 0, size_of::<$w>(), raw);
        }};
    }
    reg!(Cap, "cap");
    reg!(Cc, "cc");
    reg!(Csts, "csts");
    reg!(Aqa, "aqa");
    reg!(Vs, "vs");
    reg!(Cmbloc, "cmbloc");
    reg!(Cmbsz, "cmbsz");
    reg!(Cmbmsc, "cmbmsc");
    reg!(Cmbsts, "cmbsts");
    reg!(Cmbebs, "cmbebs");
    reg!(Cmbswtp, "cmbswtp");
    reg!(Crto, "crto");
    reg!(Pmrcap, "pmrcap");
    reg!(Pmrctl, "pmrctl");
    reg!(Pmrsts, "pmrsts");
    reg!(Pmrebs, "pmrebs");
    reg!(Pmrswtp, "pmrswtp");
    reg!(Pmrmscl, "pmrmscl");
    reg!(Bpinfo, "bpinfo");
    reg!(Bprsel, "bprsel");

    let c = "struct spdk_nvme_registers";
    g.ty::<Registers>(c);
    offs!(g, Registers, c; cap, vs, intms, intmc, cc, reserved1, csts, nssr, aqa, asq, acq,
        cmbloc, cmbsz, bpinfo, bprsel, bpmbl, cmbmsc, cmbsts, cmbebs, cmbswtp, nssd, crto,
        reserved2, pmrcap, pmrctl, pmrsts, pmrebs, pmrswtp, pmrmscl, pmrmscu, reserved3,
        doorbell);
    g.off(
        c,
        "doorbell[0].cq_hdbl",
        offset_of!(Registers, doorbell) + 4,
    );
    bits!(g, c, "cc.bits.", offset_of!(Registers, cc), Cc);
}

fn commands(g: &mut Gen) {
    let c = "struct spdk_nvme_sgl_descriptor";
    g.ty::<SglDescriptor>(c);
    offs!(g, SglDescriptor, c; address);
    bits!(g, c, "", 8, SglDesc);
    let unkeyed = [f("unkeyed.subtype", 56, 4), f("unkeyed.type", 60, 4)];
    let keyed = [f("keyed.subtype", 56, 4), f("keyed.type", 60, 4)];
    g.bits(c, "", 8, 8, &unkeyed);
    g.bits(c, "", 8, 8, &keyed);

    let c = "struct spdk_nvme_cmd";
    g.ty::<Cmd>(c);
    offs!(g, Cmd, c; cid, nsid, rsvd2, rsvd3, mptr, dptr, cdw10, cdw11, cdw12, cdw13, cdw14,
        cdw15);
    bits!(g, c, "", 0, CmdOp);
    g.off(
        c,
        "dptr.prp.prp1",
        offset_of!(Cmd, dptr) + offset_of!(Dptr, prp1),
    );
    g.off(
        c,
        "dptr.prp.prp2",
        offset_of!(Cmd, dptr) + offset_of!(Dptr, prp2),
    );
    g.off(c, "dptr.sgl1", offset_of!(Cmd, dptr));
    let sgl1 = offset_of!(Cmd, dptr) + 8;
    bits!(g, c, "dptr.sgl1.", sgl1, SglDesc);
    for (n, off) in [
        ("cdw10", offset_of!(Cmd, cdw10)),
        ("cdw11", offset_of!(Cmd, cdw11)),
        ("cdw12", offset_of!(Cmd, cdw12)),
        ("cdw13", offset_of!(Cmd, cdw13)),
    ] {
        g.off(c, &format!("{n}_bits"), off);
        g.bits(c, &format!("{n}_bits."), off, 4, RAW32);
    }

    let o = offset_of!(Cmd, cdw10);
    bits!(g, c, "cdw10_bits.identify.", o, cdw10::Identify);
    bits!(g, c, "cdw10_bits.get_log_page.", o, cdw10::GetLogPage);
    bits!(g, c, "cdw10_bits.abort.", o, cdw10::Abort);
    bits!(g, c, "cdw10_bits.sec_send_recv.", o, cdw10::SecSendRecv);
    bits!(g, c, "cdw10_bits.create_io_q.", o, cdw10::CreateIoQ);
    bits!(g, c, "cdw10_bits.delete_io_q.", o, cdw10::DeleteIoQ);
    bits!(g, c, "cdw10_bits.get_features.", o, cdw10::GetFeatures);
    bits!(g, c, "cdw10_bits.set_features.", o, cdw10::SetFeatures);
    bits!(g, c, "cdw10_bits.ns_attach.", o, cdw10::NsAttach);
    bits!(g, c, "cdw10_bits.ns_manage.", o, cdw10::NsManage);
    bits!(g, c, "cdw10_bits.dsm.", o, cdw10::Dsm);
    bits!(g, c, "cdw10_bits.resv_register.", o, cdw10::ResvRegister);
    bits!(g, c, "cdw10_bits.resv_release.", o, cdw10::ResvRelease);
    bits!(g, c, "cdw10_bits.resv_acquire.", o, cdw10::ResvAcquire);
    bits!(g, c, "cdw10_bits.mgmt_send_recv.", o, cdw10::MgmtSendRecv);

    let o = offset_of!(Cmd, cdw11);
    bits!(g, c, "cdw11_bits.identify.", o, cdw11::Identify);
    bits!(g, c, "cdw11_bits.create_io_sq.", o, cdw11::CreateIoSq);
    bits!(g, c, "cdw11_bits.create_io_cq.", o, cdw11::CreateIoCq);
    bits!(g, c, "cdw11_bits.directive.", o, cdw11::Directive);
    bits!(g, c, "cdw11_bits.get_log_page.", o, cdw11::GetLogPage);
    bits!(g, c, "cdw11_bits.resv_report.", o, cdw11::ResvReport);
    bits!(g, c, "cdw11_bits.dsm.", o, cdw11::Dsm);
    bits!(
        g,
        c,
        "cdw11_bits.feat_arbitration.bits.",
        o,
        FeatArbitration
    );
    bits!(
        g,
        c,
        "cdw11_bits.feat_power_management.bits.",
        o,
        FeatPowerManagement
    );
    bits!(
        g,
        c,
        "cdw11_bits.feat_lba_range_type.bits.",
        o,
        FeatLbaRangeType
    );
    bits!(
        g,
        c,
        "cdw11_bits.feat_temp_threshold.bits.",
        o,
        FeatTemperatureThreshold
    );
    bits!(
        g,
        c,
        "cdw11_bits.feat_error_recovery.bits.",
        o,
        FeatErrorRecovery
    );
    bits!(
        g,
        c,
        "cdw11_bits.feat_volatile_write_cache.bits.",
        o,
        FeatVolatileWriteCache
    );
    bits!(
        g,
        c,
        "cdw11_bits.feat_num_of_queues.bits.",
        o,
        FeatNumberOfQueues
    );
    bits!(
        g,
        c,
        "cdw11_bits.feat_interrupt_coalescing.bits.",
        o,
        FeatInterruptCoalescing
    );
    bits!(
        g,
        c,
        "cdw11_bits.feat_interrupt_vector_configuration.bits.",
        o,
        FeatInterruptVectorConfiguration
    );
    bits!(
        g,
        c,
        "cdw11_bits.feat_write_atomicity.bits.",
        o,
        FeatWriteAtomicity
    );
    bits!(
        g,
        c,
        "cdw11_bits.feat_async_event_cfg.bits.",
        o,
        FeatAsyncEventConfiguration
    );
    bits!(
        g,
        c,
        "cdw11_bits.feat_keep_alive_timer.bits.",
        o,
        FeatKeepAliveTimer
    );
    bits!(
        g,
        c,
        "cdw11_bits.feat_host_identifier.bits.",
        o,
        FeatHostIdentifier
    );
    bits!(
        g,
        c,
        "cdw11_bits.feat_rsv_notification_mask.bits.",
        o,
        FeatReservationNotificationMask
    );
    bits!(
        g,
        c,
        "cdw11_bits.feat_rsv_persistence.bits.",
        o,
        FeatReservationPersistence
    );
    bits!(g, c, "cdw11_bits.feat_fdp_cdw11.bits.", o, FeatFdpCdw11);
    bits!(
        g,
        c,
        "cdw11_bits.feat_fdp_events_cdw11.bits.",
        o,
        FeatFdpEventsCdw11
    );

    let o = offset_of!(Cmd, cdw12);
    bits!(g, c, "cdw12_bits.write.", o, cdw12::Write);
    bits!(g, c, "cdw12_bits.copy.", o, cdw12::Copy);
    bits!(g, c, "cdw12_bits.write_zeroes.", o, cdw12::WriteZeroes);
    bits!(g, c, "cdw12_bits.feat_fdp_cdw12.bits.", o, FeatFdpCdw12);
    bits!(
        g,
        c,
        "cdw12_bits.feat_fdp_events_cdw12.bits.",
        o,
        FeatFdpEventsCdw12
    );

    let o = offset_of!(Cmd, cdw13);
    bits!(g, c, "cdw13_bits.write.", o, cdw13::Write);

    for n in ["cdw10", "cdw11", "cdw12", "cdw13"] {
        g.ty::<u32>(&format!("union spdk_nvme_cmd_{n}"));
    }
    bits!(
        g,
        "union spdk_nvme_cmd_cdw10",
        "identify.",
        0,
        cdw10::Identify
    );
    bits!(
        g,
        "union spdk_nvme_cmd_cdw11",
        "create_io_sq.",
        0,
        cdw11::CreateIoSq
    );
    bits!(g, "union spdk_nvme_cmd_cdw12", "write.", 0, cdw12::Write);
    bits!(g, "union spdk_nvme_cmd_cdw13", "write.", 0, cdw13::Write);

    let c = "struct spdk_nvme_status";
    g.ty::<Status>(c);
    bits!(g, c, "", 0, Status);

    let c = "struct spdk_nvme_cpl";
    g.ty::<Cpl>(c);
    offs!(g, Cpl, c; cdw0, cdw1, sqhd, sqid, cid, status);
    g.off(c, "status_raw", offset_of!(Cpl, status));
    bits!(g, c, "status.", offset_of!(Cpl, status), Status);
    g.bits(c, "", offset_of!(Cpl, status), 2, &[f("status_raw", 0, 16)]);

    let c = "struct spdk_nvme_dsm_range";
    g.ty::<DsmRange>(c);
    offs!(g, DsmRange, c; attributes, length, starting_lba);
    bits!(g, c, "attributes.bits.", 0, DsmAttributes);
    g.bits(c, "attributes.", 0, 4, RAW32);

    let c = "struct spdk_nvme_scc_source_range";
    g.ty::<SccSourceRange>(c);
    offs!(g, SccSourceRange, c; reserved0, slba, nlb, reserved18, reserved20, eilbrt, elbat,
        elbatm);
}

fn features(g: &mut Gen) {
    macro_rules! feat {
        ($w:ty, $name:literal) => {{
            let c = concat!("union spdk_nvme_feat_", $name);
            g.ty::<$w>(c);
            bits!(g, c, "bits.", 0, $w);
            g.bits(c, "", 0, 4, RAW32);
        }};
    }
    feat!(FeatArbitration, "arbitration");
    feat!(FeatPowerManagement, "power_management");
    feat!(FeatLbaRangeType, "lba_range_type");
    feat!(FeatTemperatureThreshold, "temperature_threshold");
    feat!(FeatErrorRecovery, "error_recovery");
    feat!(FeatVolatileWriteCache, "volatile_write_cache");
    feat!(FeatNumberOfQueues, "number_of_queues");
    feat!(FeatInterruptCoalescing, "interrupt_coalescing");
    feat!(
        FeatInterruptVectorConfiguration,
        "interrupt_vector_configuration"
    );
    feat!(FeatWriteAtomicity, "write_atomicity");
    feat!(FeatAsyncEventConfiguration, "async_event_configuration");
    feat!(
        FeatAutonomousPowerStateTransition,
        "autonomous_power_state_transition"
    );
    feat!(FeatHostMemBuffer, "host_mem_buffer");
    feat!(FeatKeepAliveTimer, "keep_alive_timer");
    feat!(
        FeatHostControlledThermalManagement,
        "host_controlled_thermal_management"
    );
    feat!(
        FeatNonOperationalPowerStateConfig,
        "non_operational_power_state_config"
    );
    feat!(FeatSoftwareProgressMarker, "software_progress_marker");
    feat!(FeatHostIdentifier, "host_identifier");
    feat!(
        FeatReservationNotificationMask,
        "reservation_notification_mask"
    );
    feat!(FeatReservationPersistence, "reservation_persistence");
    feat!(FeatFdpCdw11, "fdp_cdw11");
    feat!(FeatFdpCdw12, "fdp_cdw12");
    feat!(FeatFdpEventsCdw11, "fdp_events_cdw11");
    feat!(FeatFdpEventsCdw12, "fdp_events_cdw12");

    let c = "union spdk_nvme_feat_async_event_configuration";
    let crit = CriticalWarningState::FIELDS;
    g.bits(c, "bits.crit_warn.bits.", 0, 4, crit);

    let c = "union spdk_nvme_critical_warning_state";
    g.ty::<CriticalWarningState>(c);
    bits!(g, c, "bits.", 0, CriticalWarningState);
    g.bits(c, "", 0, 1, RAW8);

    let c = "struct spdk_nvme_host_behavior";
    g.ty::<HostBehavior>(c);
    offs!(g, HostBehavior, c; acre, etdas, lbafee, reserved);

    let c = "struct spdk_nvme_fdp_event_desc";
    g.ty::<FdpEventDesc>(c);
    offs!(g, FdpEventDesc, c; fdp_etype, fdpeta);
    bits!(g, c, "fdpeta.bits.", 1, FdpEventAttributes);
    g.bits(c, "fdpeta.", 1, 1, RAW8);

    let c = "struct spdk_nvme_fdp_ruhs_desc";
    g.ty::<FdpRuhsDesc>(c);
    offs!(g, FdpRuhsDesc, c; pid, ruhid, earutr, ruamw, reserved);
    let c = "struct spdk_nvme_fdp_ruhs";
    g.ty::<FdpRuhs>(c);
    offs!(g, FdpRuhs, c; reserved, nruhsd, ruhs_desc);
}

fn controller(g: &mut Gen) {
    let c = "struct spdk_nvme_power_state";
    g.ty::<PowerState>(c);
    offs!(g, PowerState, c; mp, reserved1, enlat, exlat, idlp, reserved8, actp, reserved10);
    bits!(g, c, "", offset_of!(PowerState, flags), PsFlags);
    bits!(g, c, "", offset_of!(PowerState, rrt), PsRrt);
    bits!(g, c, "", offset_of!(PowerState, rrl), PsRrl);
    bits!(g, c, "", offset_of!(PowerState, rwt), PsRwt);
    bits!(g, c, "", offset_of!(PowerState, rwl), PsRwl);
    bits!(g, c, "", offset_of!(PowerState, ips), PsIps);
    bits!(g, c, "", offset_of!(PowerState, apw), PsApw);

    let c = "struct spdk_nvme_cdata_nvmf_specific";
    g.ty::<CdataNvmfSpecific>(c);
    offs!(g, CdataNvmfSpecific, c; ioccsz, iorcsz, icdoff, ctrattr, msdbd, ofcs, reserved);
    bits!(
        g,
        c,
        "ctrattr.",
        offset_of!(CdataNvmfSpecific, ctrattr),
        Ctrattr
    );
    bits!(g, c, "ofcs.", offset_of!(CdataNvmfSpecific, ofcs), Ofcs);

    let c = "struct spdk_nvme_cdata_sgls";
    g.ty::<CdataSgls>(c);
    bits!(g, c, "", 0, CdataSgls);
    let c = "struct spdk_nvme_cdata_oncs";
    g.ty::<CdataOncs>(c);
    bits!(g, c, "", 0, CdataOncs);
    g.bits(c, "", 0, 2, ONCS_OLD);
    let c = "struct spdk_nvme_cdata_oacs";
    g.ty::<CdataOacs>(c);
    bits!(g, c, "", 0, CdataOacs);
    g.bits(c, "", 0, 2, OACS_OLD);
    let c = "struct spdk_nvme_cdata_fuses";
    g.ty::<CdataFuses>(c);
    bits!(g, c, "", 0, CdataFuses);
    g.bits(c, "", 0, 2, FUSES_OLD);
    let c = "struct spdk_nvme_cdata_oaes";
    g.ty::<CdataOaes>(c);
    bits!(g, c, "", 0, CdataOaes);
    let c = "union spdk_nvme_cdata_ctratt";
    g.ty::<CdataCtratt>(c);
    bits!(g, c, "bits.", 0, CdataCtratt);
    g.bits(c, "", 0, 4, RAW32);

    let c = "struct spdk_nvme_ctrlr_data";
    g.ty::<CtrlrData>(c);
    offs!(g, CtrlrData, c; vid, ssvid, sn, mn, fr, rab, ieee, cmic, mdts, cntlid, ver, rtd3r,
        rtd3e, oaes, ctratt, rrls, reserved_102, cntrltype, fguid, crdt, reserved_134, nvmsr,
        vwci, mec, oacs, acl, aerl, frmw, lpa, elpe, npss, avscc, apsta, wctemp, cctemp, mtfa,
        hmpre, hmmin, tnvmcap, unvmcap, rpmbs, edstt, dsto, fwug, kas, hctma, mntmt, mxtmt,
        sanicap, hmminds, hmmaxd, nsetidmax, endgidmax, anatt, anacap, anagrpmax, nanagrpid,
        pels, domain_identifier, reserved3, megcap, reserved384, sqes, cqes, maxcmd, nn, oncs,
        fuses, fna, vwc, awun, awupf, nvscc, nwpc, acwu, ocfs, sgls, mnan, maxdna, maxcna,
        reserved4, subnqn, reserved5, nvmf_specific, psd, vs);
    macro_rules! cd {
        ($prefix:literal, $f:ident, $w:ty) => {
            bits!(g, c, $prefix, offset_of!(CtrlrData, $f), $w)
        };
    }
    cd!("cmic.", cmic, Cmic);
    g.bits(c, "cmic.", offset_of!(CtrlrData, cmic), 1, CMIC_OLD);
    cd!("ver.bits.", ver, Vs);
    cd!("oaes.", oaes, CdataOaes);
    cd!("ctratt.bits.", ctratt, CdataCtratt);
    cd!("nvmsr.", nvmsr, Nvmsr);
    cd!("vwci.", vwci, Vwci);
    cd!("mec.", mec, Mec);
    cd!("oacs.", oacs, CdataOacs);
    g.bits(c, "oacs.", offset_of!(CtrlrData, oacs), 2, OACS_OLD);
    cd!("frmw.", frmw, Frmw);
    cd!("lpa.", lpa, Lpa);
    g.bits(c, "lpa.", offset_of!(CtrlrData, lpa), 1, LPA_OLD);
    cd!("avscc.", avscc, Avscc);
    cd!("apsta.", apsta, Apsta);
    cd!("rpmbs.", rpmbs, Rpmbs);
    cd!("dsto.bits.", dsto, Dsto);
    g.bits(c, "dsto.", offset_of!(CtrlrData, dsto), 1, RAW8);
    cd!("hctma.bits.", hctma, Hctma);
    g.bits(c, "hctma.", offset_of!(CtrlrData, hctma), 2, RAW16);
    cd!("sanicap.bits.", sanicap, Sanicap);
    g.bits(c, "sanicap.", offset_of!(CtrlrData, sanicap), 4, RAW32);
    cd!("anacap.", anacap, Anacap);
    cd!("sqes.", sqes, QueueEntrySizes);
    cd!("cqes.", cqes, QueueEntrySizes);
    cd!("oncs.", oncs, CdataOncs);
    g.bits(c, "oncs.", offset_of!(CtrlrData, oncs), 2, ONCS_OLD);
    cd!("fuses.", fuses, CdataFuses);
    cd!("fna.", fna, Fna);
    cd!("vwc.", vwc, Vwc);
    cd!("ocfs.", ocfs, Ocfs);
    cd!("sgls.", sgls, CdataSgls);
    let nvmf = offset_of!(CtrlrData, nvmf_specific);
    g.off(c, "nvmf_specific.ioccsz", nvmf);
    g.off(
        c,
        "nvmf_specific.msdbd",
        nvmf + offset_of!(CdataNvmfSpecific, msdbd),
    );
    bits!(
        g,
        c,
        "nvmf_specific.ctrattr.",
        nvmf + offset_of!(CdataNvmfSpecific, ctrattr),
        Ctrattr
    );
    bits!(
        g,
        c,
        "nvmf_specific.ofcs.",
        nvmf + offset_of!(CdataNvmfSpecific, ofcs),
        Ofcs
    );
    let psd1 = offset_of!(CtrlrData, psd) + size_of::<PowerState>();
    g.off(c, "psd[1]", psd1);
    bits!(g, c, "psd[1].", psd1 + offset_of!(PowerState, apw), PsApw);

    let c = "struct spdk_nvme_zns_ctrlr_data";
    g.ty::<ZnsCtrlrData>(c);
    offs!(g, ZnsCtrlrData, c; zasl, reserved1);

    let c = "struct spdk_nvme_primary_ctrl_capabilities";
    g.ty::<PrimaryCtrlCapabilities>(c);
    offs!(g, PrimaryCtrlCapabilities, c; cntlid, portid, crt, reserved, vqfrt, vqrfa, vqrfap,
        vqprt, vqfrsm, vqgran, reserved1, vifrt, virfa, virfap, viprt, vifrsm, vigran,
        reserved2);
    bits!(g, c, "crt.", offset_of!(PrimaryCtrlCapabilities, crt), Crt);

    let c = "struct spdk_nvme_secondary_ctrl_entry";
    g.ty::<SecondaryCtrlEntry>(c);
    offs!(g, SecondaryCtrlEntry, c; scid, pcid, scs, reserved, vfn, nvq, nvi, reserved1);
    bits!(g, c, "scs.", offset_of!(SecondaryCtrlEntry, scs), Scs);

    let c = "struct spdk_nvme_secondary_ctrl_list";
    g.ty::<SecondaryCtrlList>(c);
    offs!(g, SecondaryCtrlList, c; number, reserved, entries);
}

fn namespace(g: &mut Gen) {
    for (c, fields, old) in [
        ("struct spdk_nvme_rescap", Rescap::FIELDS, RESCAP_OLD),
        ("struct spdk_nvme_fpi", Fpi::FIELDS, FPI_OLD),
        ("struct spdk_nvme_nmic", Nmic::FIELDS, NMIC_OLD),
        ("struct spdk_nvme_nsattr", Nsattr::FIELDS, NSATTR_OLD),
    ] {
        g.ty::<u8>(c);
        g.bits(c, "", 0, 1, fields);
        g.bits(c, "", 0, 1, old);
    }

    let c = "struct spdk_nvme_ns_data";
    g.ty::<NsData>(c);
    offs!(g, NsData, c; nsze, ncap, nuse, nsfeat, nlbaf, flbas, mc, dpc, dps, nmic, nsrescap,
        fpi, dlfeat, nawun, nawupf, nacwu, nabsn, nabo, nabspf, noiob, nvmcap, npwg, npwa,
        npdg, npda, nows, mssrl, mcl, msrc, reserved81, anagrpid, reserved96, nsattr,
        nvmsetid, endgid, nguid, eui64, lbaf, vendor_specific);
    macro_rules! nd {
        ($prefix:literal, $f:ident, $w:ty) => {
            bits!(g, c, $prefix, offset_of!(NsData, $f), $w)
        };
    }
    nd!("nsfeat.", nsfeat, Nsfeat);
    nd!("flbas.", flbas, Flbas);
    nd!("mc.", mc, Mc);
    nd!("dpc.", dpc, Dpc);
    nd!("dps.", dps, Dps);
    nd!("nmic.", nmic, Nmic);
    nd!("nsrescap.rescap.", nsrescap, Rescap);
    g.bits(c, "nsrescap.", offset_of!(NsData, nsrescap), 1, RAW8);
    nd!("fpi.", fpi, Fpi);
    nd!("dlfeat.bits.", dlfeat, Dlfeat);
    g.bits(c, "dlfeat.", offset_of!(NsData, dlfeat), 1, RAW8);
    nd!("nsattr.", nsattr, Nsattr);
    nd!("lbaf[0].", lbaf, LbaFormat);
    let lbaf63 = offset_of!(NsData, lbaf) + 63 * size_of::<LbaFormat>();
    bits!(g, c, "lbaf[63].", lbaf63, LbaFormat);

    let c = "struct spdk_nvme_nvm_ns_data";
    g.ty::<NvmNsData>(c);
    offs!(g, NvmNsData, c; lbstm, pic, reserved, elbaf, reserved2);
    bits!(g, c, "pic.", offset_of!(NvmNsData, pic), Pic);
    let elbaf1 = offset_of!(NvmNsData, elbaf) + size_of::<Elbaf>();
    bits!(g, c, "elbaf[1].", elbaf1, Elbaf);

    let c = "struct spdk_nvme_nvm_ctrlr_data";
    g.ty::<NvmCtrlrData>(c);
    offs!(g, NvmCtrlrData, c; vsl, wzsl, wusl, dmrl, dmrsl, dmsl, rsvd16);

    let c = "struct spdk_nvme_zns_ns_data";
    g.ty::<ZnsNsData>(c);
    offs!(g, ZnsNsData, c; zoc, ozcs, mar, mor, rrl, frl, rrl1, rrl2, rrl3, frl1, frl2, frl3,
        reserved44, lbafe, vendor_specific);
    bits!(g, c, "zoc.", offset_of!(ZnsNsData, zoc), Zoc);
    bits!(g, c, "ozcs.", offset_of!(ZnsNsData, ozcs), Ozcs);
    let lbafe1 = offset_of!(ZnsNsData, lbafe) + size_of::<ZnsLbaFormatExt>();
    g.off(c, "lbafe[1].zsze", lbafe1);
    bits!(
        g,
        c,
        "lbafe[1].",
        lbafe1 + offset_of!(ZnsLbaFormatExt, zdes),
        Zdes
    );

    let c = "struct spdk_nvme_ns_iocs_independent_data";
    g.ty::<NsIocsIndependentData>(c);
    offs!(g, NsIocsIndependentData, c; nsfeat, nmic, rescap, fpi, anagrpid, nsattr, reserved1,
        nvmsetid, endgid, nstat, kpios, maxkt, reserved2, rgrpid, reserved3);
    bits!(
        g,
        c,
        "nsfeat.",
        offset_of!(NsIocsIndependentData, nsfeat),
        IocsNsfeat
    );
    bits!(
        g,
        c,
        "rescap.",
        offset_of!(NsIocsIndependentData, rescap),
        Rescap
    );
    bits!(
        g,
        c,
        "nstat.",
        offset_of!(NsIocsIndependentData, nstat),
        Nstat
    );
    bits!(
        g,
        c,
        "kpios.",
        offset_of!(NsIocsIndependentData, kpios),
        Kpios
    );

    let c = "struct spdk_nvme_iocs_vector";
    g.ty::<IocsVector>(c);
    offs!(g, IocsVector, c; rsvd2);
    bits!(g, c, "", 0, IocsSets);

    let c = "struct spdk_nvme_ns_list";
    g.ty::<NsList>(c);
    offs!(g, NsList, c; ns_list);
    let c = "struct spdk_nvme_ns_id_desc";
    g.ty::<NsIdDesc>(c);
    offs!(g, NsIdDesc, c; nidt, nidl, reserved2, reserved3, nid);
    let c = "struct spdk_nvme_ctrlr_list";
    g.ty::<CtrlrList>(c);
    offs!(g, CtrlrList, c; ctrlr_count, ctrlr_list);

    for (c, size, fields) in [
        (
            "struct spdk_nvme_format",
            size_of::<Format>(),
            Format::FIELDS,
        ),
        (
            "struct spdk_nvme_sanitize",
            size_of::<Sanitize>(),
            Sanitize::FIELDS,
        ),
        (
            "struct spdk_nvme_fw_commit",
            size_of::<FwCommit>(),
            FwCommit::FIELDS,
        ),
    ] {
        g.ty::<u32>(c);
        g.bits(c, "", 0, size, fields);
    }
    let c = "struct spdk_nvme_protection_info";
    g.ty::<ProtectionInfo>(c);
    offs!(g, ProtectionInfo, c; guard, app_tag, ref_tag);

    let c = "struct spdk_nvme_zns_zone_desc";
    g.ty::<ZnsZoneDesc>(c);
    offs!(g, ZnsZoneDesc, c; za, reserved, zcap, zslba, wp, reserved32);
    bits!(g, c, "", 0, ZoneTypeState);
    bits!(
        g,
        c,
        "za.bits.",
        offset_of!(ZnsZoneDesc, za),
        ZoneAttributes
    );
    g.bits(c, "za.", offset_of!(ZnsZoneDesc, za), 1, RAW8);
    let c = "struct spdk_nvme_zns_zone_report";
    g.ty::<ZnsZoneReport>(c);
    offs!(g, ZnsZoneReport, c; nr_zones, reserved8, descs);

    let c = "struct spdk_nvme_ns_identify_directive_param";
    g.ty::<NsIdentifyDirectiveParam>(c);
    offs!(g, NsIdentifyDirectiveParam, c; directives_supported, directives_enabled,
        directives_persistence, reserved);
    for (m, off) in [
        (
            "directives_supported.",
            offset_of!(NsIdentifyDirectiveParam, directives_supported),
        ),
        (
            "directives_enabled.",
            offset_of!(NsIdentifyDirectiveParam, directives_enabled),
        ),
        (
            "directives_persistence.",
            offset_of!(NsIdentifyDirectiveParam, directives_persistence),
        ),
    ] {
        bits!(g, c, m, off, DirectiveTypes);
        g.off(
            c,
            &format!("{m}reserved2"),
            off + offset_of!(DirectiveSet, reserved2),
        );
    }

    let c = "struct spdk_nvme_ns_streams_data";
    g.ty::<NsStreamsData>(c);
    offs!(g, NsStreamsData, c; msl, nssa, nsso, nssc, reserved1, sws, sgs, nsa, nso, reserved2);
    bits!(g, c, "nssc.", offset_of!(NsStreamsData, nssc), Nssc);
    let c = "struct spdk_nvme_ns_streams_status";
    g.ty::<NsStreamsStatus>(c);
    offs!(g, NsStreamsStatus, c; open_streams_count, stream_id);
}

fn logs(g: &mut Gen) {
    let c = "struct spdk_nvme_reservation_acquire_data";
    g.ty::<ReservationAcquireData>(c);
    offs!(g, ReservationAcquireData, c; crkey, prkey);
    let c = "struct spdk_nvme_reservation_status_data";
    g.ty::<ReservationStatusData>(c);
    offs!(g, ReservationStatusData, c; gen, rtype, regctl, reserved1, ptpls, reserved);
    let c = "struct spdk_nvme_reservation_status_extended_data";
    g.ty::<ReservationStatusExtendedData>(c);
    offs!(g, ReservationStatusExtendedData, c; data, reserved);
    let c = "struct spdk_nvme_registered_ctrlr_data";
    g.ty::<RegisteredCtrlrData>(c);
    offs!(g, RegisteredCtrlrData, c; cntlid, rcsts, reserved2, hostid, rkey);
    bits!(
        g,
        c,
        "rcsts.",
        offset_of!(RegisteredCtrlrData, rcsts),
        Rcsts
    );
    let c = "struct spdk_nvme_registered_ctrlr_extended_data";
    g.ty::<RegisteredCtrlrExtendedData>(c);
    offs!(g, RegisteredCtrlrExtendedData, c; cntlid, rcsts, reserved2, rkey, hostid,
        reserved3);
    bits!(
        g,
        c,
        "rcsts.",
        offset_of!(RegisteredCtrlrExtendedData, rcsts),
        Rcsts
    );
    let c = "struct spdk_nvme_reservation_register_data";
    g.ty::<ReservationRegisterData>(c);
    offs!(g, ReservationRegisterData, c; crkey, nrkey);
    let c = "struct spdk_nvme_reservation_key_data";
    g.ty::<ReservationKeyData>(c);
    offs!(g, ReservationKeyData, c; crkey);
    let c = "struct spdk_nvme_reservation_notification_log";
    g.ty::<ReservationNotificationLog>(c);
    offs!(g, ReservationNotificationLog, c; log_page_count, num_avail_log_pages, reserved,
        nsid, reserved1);
    g.off(c, "type", offset_of!(ReservationNotificationLog, type_));

    let c = "struct spdk_nvme_supported_log_pages";
    g.ty::<SupportedLogPages>(c);
    bits!(g, c, "lids[2].", 2 * size_of::<LidSupport>(), LidSupport);
    let c = "struct spdk_nvme_feature_ids_effects_log_page";
    g.ty::<FeatureIdsEffectsLogPage>(c);
    bits!(g, c, "fis[255].", 255 * size_of::<FidEffects>(), FidEffects);

    let c = "struct spdk_nvme_error_information_entry";
    g.ty::<ErrorInformationEntry>(c);
    offs!(g, ErrorInformationEntry, c; error_count, sqid, cid, status, error_location, lba,
        nsid, vendor_specific, trtype, reserved30, command_specific, trtype_specific,
        reserved42);
    bits!(
        g,
        c,
        "status.",
        offset_of!(ErrorInformationEntry, status),
        Status
    );

    let c = "struct spdk_nvme_health_information_page";
    g.ty::<HealthInformationPage>(c);
    offs!(g, HealthInformationPage, c; critical_warning, temperature, available_spare,
        available_spare_threshold, percentage_used, reserved, data_units_read,
        data_units_written, host_read_commands, host_write_commands, controller_busy_time,
        power_cycles, power_on_hours, unsafe_shutdowns, media_errors,
        num_error_info_log_entries, warning_temp_time, critical_temp_time, temp_sensor,
        reserved2);
    bits!(g, c, "critical_warning.bits.", 0, CriticalWarningState);

    let c = "struct spdk_nvme_cmds_and_effect_entry";
    g.ty::<CmdsAndEffectEntry>(c);
    bits!(g, c, "", 0, CmdsAndEffectEntry);
    let c = "struct spdk_nvme_cmds_and_effect_log_page";
    g.ty::<CmdsAndEffectLogPage>(c);
    offs!(g, CmdsAndEffectLogPage, c; admin_cmds_supported, io_cmds_supported, reserved0);
    let io1 = offset_of!(CmdsAndEffectLogPage, io_cmds_supported) + 4;
    bits!(g, c, "io_cmds_supported[1].", io1, CmdsAndEffectEntry);

    let c = "struct spdk_nvme_telemetry_log_page_hdr";
    g.ty::<TelemetryLogPageHdr>(c);
    offs!(g, TelemetryLogPageHdr, c; lpi, rsvd, ieee_oui, dalb1, dalb2, dalb3, rsvd1,
        ctrlr_avail, ctrlr_gen, rsnident, telemetry_datablock);

    let c = "struct spdk_nvme_sanitize_status_sstat";
    g.ty::<SanitizeStatusSstat>(c);
    bits!(g, c, "", 0, SanitizeStatusSstat);
    let c = "struct spdk_nvme_sanitize_status_log_page";
    g.ty::<SanitizeStatusLogPage>(c);
    offs!(g, SanitizeStatusLogPage, c; sprog, sstat, scdw10, et_overwrite, et_block_erase,
        et_crypto_erase, reserved);
    bits!(
        g,
        c,
        "sstat.",
        offset_of!(SanitizeStatusLogPage, sstat),
        SanitizeStatusSstat
    );

    let c = "union spdk_nvme_async_event_completion";
    g.ty::<AsyncEventCompletion>(c);
    bits!(g, c, "bits.", 0, AsyncEventCompletion);
    g.bits(c, "", 0, 4, RAW32);

    let c = "struct spdk_nvme_firmware_page";
    g.ty::<FirmwarePage>(c);
    offs!(g, FirmwarePage, c; afi, reserved, revision, reserved2);
    g.off(c, "revision[6]", offset_of!(FirmwarePage, revision) + 48);
    bits!(g, c, "afi.", 0, Afi);

    let c = "struct spdk_nvme_ana_page";
    g.ty::<AnaPage>(c);
    offs!(g, AnaPage, c; change_count, num_ana_group_desc, reserved);
    let c = "struct spdk_nvme_ana_group_descriptor";
    g.ty::<AnaGroupDescriptor>(c);
    offs!(g, AnaGroupDescriptor, c; ana_group_id, num_of_nsid, change_count, reserved1, nsid);
    bits!(
        g,
        c,
        "",
        offset_of!(AnaGroupDescriptor, state),
        AnaGroupState
    );

    let c = "struct spdk_nvme_fdp_ruh_descriptor";
    g.ty::<FdpRuhDescriptor>(c);
    offs!(g, FdpRuhDescriptor, c; ruht, reserved);
    let c = "struct spdk_nvme_fdp_cfg_descriptor";
    g.ty::<FdpCfgDescriptor>(c);
    offs!(g, FdpCfgDescriptor, c; ds, fdpa, vss, nrg, nruh, maxpids, nns, runs, erutl, rsvd28,
        ruh_desc);
    bits!(
        g,
        c,
        "fdpa.bits.",
        offset_of!(FdpCfgDescriptor, fdpa),
        FdpAttributes
    );
    g.bits(c, "fdpa.", offset_of!(FdpCfgDescriptor, fdpa), 1, RAW8);
    let c = "struct spdk_nvme_fdp_cfg_log_page";
    g.ty::<FdpCfgLogPage>(c);
    offs!(g, FdpCfgLogPage, c; ncfg, version, reserved1, size, reserved2, cfg_desc);
    let c = "struct spdk_nvme_fdp_ruhu_descriptor";
    g.ty::<FdpRuhuDescriptor>(c);
    offs!(g, FdpRuhuDescriptor, c; ruha, reserved);
    let c = "struct spdk_nvme_fdp_ruhu_log_page";
    g.ty::<FdpRuhuLogPage>(c);
    offs!(g, FdpRuhuLogPage, c; nruh, reserved, ruhu_desc);
    let c = "struct spdk_nvme_fdp_stats_log_page";
    g.ty::<FdpStatsLogPage>(c);
    offs!(g, FdpStatsLogPage, c; hbmw, mbmw, mbe, rsvd48);
    let c = "struct spdk_nvme_fdp_event_media_reallocated";
    g.ty::<FdpEventMediaReallocated>(c);
    offs!(g, FdpEventMediaReallocated, c; sef, reserved1, nlbam, lba, reserved2);
    bits!(g, c, "sef.bits.", 0, FdpMediaReallocatedFlags);
    let c = "struct spdk_nvme_fdp_event";
    g.ty::<FdpEvent>(c);
    offs!(g, FdpEvent, c; etype, fdpef, pid, timestamp, nsid, event_type_specific, rgid, ruhid,
        reserved, vs);
    bits!(
        g,
        c,
        "fdpef.bits.",
        offset_of!(FdpEvent, fdpef),
        FdpEventFlags
    );
    let c = "struct spdk_nvme_fdp_events_log_page";
    g.ty::<FdpEventsLogPage>(c);
    offs!(g, FdpEventsLogPage, c; nevents, reserved, event);
}

fn fabrics(g: &mut Gen) {
    let c = "struct spdk_nvmf_capsule_cmd";
    g.ty::<CapsuleCmd>(c);
    offs!(g, CapsuleCmd, c; opcode, reserved1, cid, fctype, reserved2, fabric_specific);
    let c = "struct spdk_nvmf_fabric_auth_recv_cmd";
    g.ty::<FabricAuthRecvCmd>(c);
    offs!(g, FabricAuthRecvCmd, c; opcode, reserved1, cid, fctype, reserved2, sgl1, reserved3,
        spsp0, spsp1, secp, al, reserved4);
    let c = "struct spdk_nvmf_fabric_auth_send_cmd";
    g.ty::<FabricAuthSendCmd>(c);
    offs!(g, FabricAuthSendCmd, c; opcode, reserved1, cid, fctype, reserved2, sgl1, reserved3,
        spsp0, spsp1, secp, tl, reserved4);
    let c = "struct spdk_nvmf_fabric_connect_data";
    g.ty::<FabricConnectData>(c);
    offs!(g, FabricConnectData, c; hostid, cntlid, reserved5, subnqn, hostnqn, reserved6);
    let c = "struct spdk_nvmf_fabric_connect_cmd";
    g.ty::<FabricConnectCmd>(c);
    offs!(g, FabricConnectCmd, c; opcode, reserved1, cid, fctype, reserved2, sgl1, recfmt, qid,
        sqsize, cattr, reserved3, kato, reserved4);
    bits!(
        g,
        c,
        "sgl1.",
        offset_of!(FabricConnectCmd, sgl1) + 8,
        SglDesc
    );
    let c = "struct spdk_nvmf_fabric_connect_rsp";
    g.ty::<FabricConnectRsp>(c);
    offs!(g, FabricConnectRsp, c; status_code_specific, reserved0, sqhd, reserved1, cid,
        status);
    bits!(g, c, "status_code_specific.", 0, ConnectRspSuccess);
    bits!(g, c, "status_code_specific.", 0, ConnectRspInvalid);
    g.bits(c, "status_code_specific.", 0, 4, RAW32);
    bits!(
        g,
        c,
        "status.",
        offset_of!(FabricConnectRsp, status),
        Status
    );
    let c = "struct spdk_nvmf_fabric_prop_get_cmd";
    g.ty::<FabricPropGetCmd>(c);
    offs!(g, FabricPropGetCmd, c; opcode, reserved1, cid, fctype, reserved2, attrib, reserved3,
        ofst, reserved4);
    bits!(
        g,
        c,
        "attrib.",
        offset_of!(FabricPropGetCmd, attrib),
        PropAttrib
    );
    let c = "struct spdk_nvmf_fabric_prop_get_rsp";
    g.ty::<FabricPropGetRsp>(c);
    offs!(g, FabricPropGetRsp, c; value, sqhd, reserved0, cid, status);
    g.bits(c, "value.", 0, 8, U32_HALVES);
    let c = "struct spdk_nvmf_fabric_prop_set_cmd";
    g.ty::<FabricPropSetCmd>(c);
    offs!(g, FabricPropSetCmd, c; opcode, reserved0, cid, fctype, reserved1, attrib, reserved2,
        ofst, value, reserved4);
    bits!(
        g,
        c,
        "attrib.",
        offset_of!(FabricPropSetCmd, attrib),
        PropAttrib
    );
    g.bits(
        c,
        "value.",
        offset_of!(FabricPropSetCmd, value),
        8,
        U32_HALVES,
    );

    let c = "struct spdk_nvmf_rdma_transport_specific_address_subtype";
    g.ty::<RdmaTransportSpecificAddressSubtype>(c);
    offs!(g, RdmaTransportSpecificAddressSubtype, c; rdma_qptype, rdma_prtype, rdma_cms,
        reserved0, rdma_pkey, reserved2);
    let c = "struct spdk_nvme_tcp_transport_specific_address_subtype";
    g.ty::<TcpTransportSpecificAddressSubtype>(c);
    offs!(g, TcpTransportSpecificAddressSubtype, c; sectype, reserved0);
    let c = "union spdk_nvmf_transport_specific_address_subtype";
    g.ty::<TransportSpecificAddressSubtype>(c);
    offs!(g, TransportSpecificAddressSubtype, c; raw);
    g.off(
        c,
        "rdma.rdma_pkey",
        offset_of!(RdmaTransportSpecificAddressSubtype, rdma_pkey),
    );
    g.off(c, "tcp.sectype", 0);
    let c = "struct spdk_nvmf_discovery_log_page_entry";
    g.ty::<DiscoveryLogPageEntry>(c);
    offs!(g, DiscoveryLogPageEntry, c; trtype, adrfam, subtype, treq, portid, cntlid, asqsz,
        eflags, reserved0, trsvcid, reserved1, subnqn, traddr, tsas);
    bits!(g, c, "treq.", offset_of!(DiscoveryLogPageEntry, treq), Treq);
    let c = "struct spdk_nvmf_discovery_log_page";
    g.ty::<DiscoveryLogPage>(c);
    offs!(g, DiscoveryLogPage, c; genctr, numrec, recfmt, reserved0, entries);

    let c = "struct spdk_nvmf_auth_descriptor";
    g.ty::<AuthDescriptor>(c);
    offs!(g, AuthDescriptor, c; auth_id, reserved0, halen, dhlen, hash_id_list, dhg_id_list);
    let c = "struct spdk_nvmf_auth_negotiate";
    g.ty::<AuthNegotiate>(c);
    offs!(g, AuthNegotiate, c; auth_type, auth_id, reserved0, t_id, sc_c, napd, descriptors);
    let c = "struct spdk_nvmf_dhchap_challenge";
    g.ty::<DhchapChallenge>(c);
    offs!(g, DhchapChallenge, c; auth_type, auth_id, reserved0, t_id, hl, reserved1, hash_id,
        dhg_id, dhvlen, seqnum, cval);
    let c = "struct spdk_nvmf_dhchap_reply";
    g.ty::<DhchapReply>(c);
    offs!(g, DhchapReply, c; auth_type, auth_id, reserved0, t_id, hl, reserved1, cvalid,
        reserved2, dhvlen, seqnum, rval);
    let c = "struct spdk_nvmf_dhchap_success1";
    g.ty::<DhchapSuccess1>(c);
    offs!(g, DhchapSuccess1, c; auth_type, auth_id, reserved0, t_id, hl, reserved1, rvalid,
        reserved2, rval);
    let c = "struct spdk_nvmf_dhchap_success2";
    g.ty::<DhchapSuccess2>(c);
    offs!(g, DhchapSuccess2, c; auth_type, auth_id, reserved0, t_id, reserved1);
    let c = "struct spdk_nvmf_auth_failure";
    g.ty::<AuthFailure>(c);
    offs!(g, AuthFailure, c; auth_type, auth_id, reserved0, t_id, rc, rce);

    let c = "struct spdk_nvmf_rdma_request_private_data";
    g.ty::<RdmaRequestPrivateData>(c);
    offs!(g, RdmaRequestPrivateData, c; recfmt, qid, hrqsize, hsqsize, cntlid, reserved);
    let c = "struct spdk_nvmf_rdma_accept_private_data";
    g.ty::<RdmaAcceptPrivateData>(c);
    offs!(g, RdmaAcceptPrivateData, c; recfmt, crqsize, reserved);
    let c = "struct spdk_nvmf_rdma_reject_private_data";
    g.ty::<RdmaRejectPrivateData>(c);
    offs!(g, RdmaRejectPrivateData, c; recfmt, sts);
    let c = "union spdk_nvmf_rdma_private_data";
    g.ty::<RdmaPrivateData>(c);
    g.off(
        c,
        "pd_request.cntlid",
        offset_of!(RdmaRequestPrivateData, cntlid),
    );
    g.off(
        c,
        "pd_accept.crqsize",
        offset_of!(RdmaAcceptPrivateData, crqsize),
    );
    g.off(c, "pd_reject.sts", offset_of!(RdmaRejectPrivateData, sts));

    let c = "struct spdk_nvme_tcp_common_pdu_hdr";
    g.ty::<TcpCommonPduHdr>(c);
    offs!(g, TcpCommonPduHdr, c; pdu_type, flags, hlen, pdo, plen);
    let c = "struct spdk_nvme_tcp_ic_req";
    g.ty::<TcpIcReq>(c);
    offs!(g, TcpIcReq, c; common, pfv, hpda, dgst, maxr2t, reserved16);
    bits!(g, c, "dgst.bits.", offset_of!(TcpIcReq, dgst), TcpDigests);
    g.bits(c, "dgst.", offset_of!(TcpIcReq, dgst), 1, RAW8);
    let c = "struct spdk_nvme_tcp_ic_resp";
    g.ty::<TcpIcResp>(c);
    offs!(g, TcpIcResp, c; common, pfv, cpda, dgst, maxh2cdata, reserved16);
    bits!(g, c, "dgst.bits.", offset_of!(TcpIcResp, dgst), TcpDigests);
    let c = "struct spdk_nvme_tcp_term_req_hdr";
    g.ty::<TcpTermReqHdr>(c);
    offs!(g, TcpTermReqHdr, c; common, fes, fei, reserved14);
    let c = "struct spdk_nvme_tcp_cmd";
    g.ty::<TcpCmd>(c);
    offs!(g, TcpCmd, c; common, ccsqe);
    bits!(g, c, "ccsqe.", offset_of!(TcpCmd, ccsqe), CmdOp);
    let c = "struct spdk_nvme_tcp_rsp";
    g.ty::<TcpRsp>(c);
    offs!(g, TcpRsp, c; common, rccqe);
    bits!(
        g,
        c,
        "rccqe.status.",
        offset_of!(TcpRsp, rccqe) + 14,
        Status
    );
    let c = "struct spdk_nvme_tcp_h2c_data_hdr";
    g.ty::<TcpH2cDataHdr>(c);
    offs!(g, TcpH2cDataHdr, c; common, cccid, ttag, datao, datal, reserved20);
    let c = "struct spdk_nvme_tcp_c2h_data_hdr";
    g.ty::<TcpC2hDataHdr>(c);
    offs!(g, TcpC2hDataHdr, c; common, cccid, reserved10, datao, datal, reserved20);
    let c = "struct spdk_nvme_tcp_r2t_hdr";
    g.ty::<TcpR2tHdr>(c);
    offs!(g, TcpR2tHdr, c; common, cccid, ttag, r2to, r2tl, reserved20);
}

/// The C macros whose values Rust also has.
fn constants(g: &mut Gen) {
    use super::io_flags as io;
    g.value("SPDK_NVME_GLOBAL_NS_TAG", super::GLOBAL_NS_TAG.into());
    g.value(
        "SPDK_NVME_DATASET_MANAGEMENT_RANGE_MAX_BLOCKS",
        super::DATASET_MANAGEMENT_RANGE_MAX_BLOCKS.into(),
    );
    g.value("SPDK_NVME_VERSION(1, 4, 2)", super::version(1, 4, 2).into());
    for (name, v) in [
        ("FUSE_FIRST", io::FUSE_FIRST),
        ("FUSE_SECOND", io::FUSE_SECOND),
        ("FUSE_MASK", io::FUSE_MASK),
        ("DIRECTIVE(3)", io::directive(3)),
        ("STREAMS_DIRECTIVE", io::STREAMS_DIRECTIVE),
        ("DATA_PLACEMENT_DIRECTIVE", io::DATA_PLACEMENT_DIRECTIVE),
        ("ZONE_APPEND_PIREMAP", io::ZONE_APPEND_PIREMAP),
        ("PRCHK_REFTAG", io::PRCHK_REFTAG),
        ("PRCHK_APPTAG", io::PRCHK_APPTAG),
        ("PRCHK_GUARD", io::PRCHK_GUARD),
        ("PRACT", io::PRACT),
        ("FORCE_UNIT_ACCESS", io::FORCE_UNIT_ACCESS),
        ("LIMITED_RETRY", io::LIMITED_RETRY),
        ("VALID_MASK", io::VALID_MASK),
        ("CDW12_MASK", io::CDW12_MASK),
        ("PRCHK_MASK", io::PRCHK_MASK),
    ] {
        g.value(&format!("SPDK_NVME_IO_FLAGS_{name}"), v.into());
    }
    for opc in [0u8, 1, 2, 3, 0x7f, 0x81, 0xfe] {
        g.value(
            &format!("spdk_nvme_opc_get_data_transfer({opc:#x})"),
            super::opc_data_transfer(opc).into(),
        );
    }
    for len in [0u32, 4, 512, 4096, 0xffff_fffc] {
        g.value(
            &format!("spdk_nvme_bytes_to_numd({len:#x}u)"),
            super::bytes_to_numd(len).into(),
        );
    }
}

fn generate() -> (String, usize) {
    let mut g = Gen::default();
    registers(&mut g);
    commands(&mut g);
    features(&mut g);
    controller(&mut g);
    namespace(&mut g);
    logs(&mut g);
    fabrics(&mut g);
    constants(&mut g);
    let mut out = String::new();
    out.push_str(HEAD);
    out.push_str(&g.body);
    let _ = write!(out, "\treturn harness_done(\"nvme_spec_bits\");\n}}\n");
    (out, g.checks)
}

const HEAD: &str = r#"/* Generated by the spdk-nvme tests (crates/nvme/src/spec/bitcheck.rs) from
 * the Rust view of nvme_spec.h and nvmf_spec.h: do not edit. Checks that
 * the C headers agree with it: sizes, alignments, member offsets, and the
 * position of every bitfield (set alone to all ones and to one, it must
 * fill exactly the bits the Rust view gives it). */
#include "spdk/stdinc.h"
#include "spdk/nvme_spec.h"
#include "spdk/nvmf_spec.h"
#include "harness.h"

/* Whether the `size` bytes at `obj` hold the little-endian `w`-byte value
 * `expect` at `off` and zeroes elsewhere. */
static int
word_is(const void *obj, size_t size, size_t off, size_t w, uint64_t expect, const char *what)
{
	const uint8_t *b = obj;
	size_t i;

	for (i = 0; i < size; i++) {
		uint8_t want = 0;

		if (i >= off && i < off + w) {
			want = (uint8_t)(expect >> (8 * (i - off)));
		}
		if (b[i] != want) {
			fprintf(stderr, "%s: byte %zu is 0x%02x, expected 0x%02x\n", what, i, b[i], want);
			return 0;
		}
	}
	return 1;
}

/* Member PATH of a zeroed T set to all ones, then to one. */
#define FIELD(T, PATH, OFF, W, LSB, MASK) do { \
		static T o_; \
		memset(&o_, 0, sizeof(o_)); \
		o_.PATH = (MASK); \
		CHECK(word_is(&o_, sizeof(o_), (OFF), (W), (uint64_t)(MASK) << (LSB), #T " " #PATH)); \
		memset(&o_, 0, sizeof(o_)); \
		o_.PATH = 1; \
		CHECK(word_is(&o_, sizeof(o_), (OFF), (W), (uint64_t)1 << (LSB), #T " " #PATH " = 1")); \
	} while (0)

int
main(void)
{
"#;

fn target() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../capi-tests/nvme_spec_bits.c")
}

#[test]
fn c_bit_check_is_current() {
    let (text, checks) = generate();
    assert!(checks > 1000, "only {checks} checks");
    let path = target();
    if std::env::var_os("SPDK_RS_BLESS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{} is stale: rerun with SPDK_RS_BLESS=1 cargo test -p spdk-nvme",
        path.display()
    );
}

/// Compiles and runs the C check against include/ when `cc` exists (the
/// check is then also part of make test's C API tests).
#[test]
fn c_bit_check_passes() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (text, checks) = generate();
    let dir = std::env::temp_dir().join(format!("nvme-spec-bits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("nvme_spec_bits.c");
    let exe = dir.join("nvme_spec_bits");
    std::fs::write(&src, text).unwrap();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let built = std::process::Command::new(&cc)
        .args(["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O0"])
        .arg("-I")
        .arg(root.join("include"))
        .arg("-I")
        .arg(root.join("capi-tests"))
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .output();
    let Ok(built) = built else {
        eprintln!("no C compiler ({cc}); the C bit check runs with the C API tests");
        return;
    };
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let run = std::process::Command::new(&exe).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout.contains(&format!("{checks} passed, 0 failed")),
        "{stdout}"
    );
}
