//! The controller part of the report: capabilities and features, CMB and
//! PMR, admin and NVM command set attributes, in SPDK's wording and order.

use std::fmt::Write;

use spdk_nvme::spec::Pod;

use crate::data::CtrlrReport;
use crate::fmt::{ascii, ascii_i8, cstr, hex_dump, out, supported as sup, yes_no};

/// CAP.AMS bits (`SPDK_NVME_CAP_AMS_WRR`, `_VS`).
const AMS_WRR: u64 = 1;
const AMS_VS: u64 = 2;
/// CAP.CSS bit of the NVM command set.
const CSS_NVM: u64 = 1;
/// SGLS.SUPPORTED values.
const SGLS_SUPPORTED: u32 = 1;
const SGLS_SUPPORTED_DWORD_ALIGNED: u32 = 2;

/// "1.4" or "1.4.1".
fn version(mjr: u32, mnr: u32, ter: u32) -> String {
    if ter != 0 {
        format!("{mjr}.{mnr}.{ter}")
    } else {
        format!("{mjr}.{mnr}")
    }
}

/// The header and the controller sections up to the command set
/// attributes.
pub fn print_header_and_capabilities(o: &mut String, r: &CtrlrReport) {
    let c = r.cdata;
    let cap = r.cap;
    out!(o, "=====================================================");
    out!(
        o,
        "NVMe{} Controller at {}",
        if r.fabrics { "oF" } else { "" },
        r.name
    );
    out!(o, "=====================================================");
    if r.hex_dump {
        hex_dump(o, c.as_bytes());
        out!(o);
    }
    out!(o, "Controller Capabilities/Features");
    out!(o, "================================");
    out!(o, "Vendor ID:                             {:04x}", {
        c.vid
    });
    out!(o, "Subsystem Vendor ID:                   {:04x}", {
        c.ssvid
    });
    out!(
        o,
        "Serial Number:                         {}",
        ascii_i8(&{ c.sn })
    );
    out!(
        o,
        "Model Number:                          {}",
        ascii_i8(&{ c.mn })
    );
    out!(
        o,
        "Firmware Version:                      {}",
        ascii(&{ c.fr })
    );
    out!(o, "Recommended Arb Burst:                 {}", c.rab);
    out!(
        o,
        "IEEE OUI Identifier:                   {:02x} {:02x} {:02x}",
        c.ieee[0],
        c.ieee[1],
        c.ieee[2]
    );
    out!(o, "Multi-path I/O");
    out!(
        o,
        "  May have multiple subsystem ports:   {}",
        yes_no(c.cmic.mports())
    );
    out!(
        o,
        "  May have multiple controllers:       {}",
        yes_no(c.cmic.mctrs())
    );
    out!(
        o,
        "  Associated with SR-IOV VF:           {}",
        yes_no(c.cmic.ft())
    );
    if c.mdts == 0 {
        out!(o, "Max Data Transfer Size:                Unlimited");
    } else {
        let shift = 12 + cap.mpsmin() + c.mdts as u64;
        let v = 1u64.checked_shl(shift as u32).unwrap_or(0);
        out!(o, "Max Data Transfer Size:                {v}");
    }
    out!(o, "Max Number of Namespaces:              {}", { c.nn });
    out!(
        o,
        "Max Number of I/O Queues:              {}",
        r.num_io_queues
    );
    let vs = r.vs;
    out!(
        o,
        "NVMe Specification Version (VS):       {}",
        version(vs.mjr(), vs.mnr(), vs.ter())
    );
    let ver = { c.ver };
    if ver.raw() != 0 {
        out!(
            o,
            "NVMe Specification Version (Identify): {}",
            version(ver.mjr(), ver.mnr(), ver.ter())
        );
    }
    out!(
        o,
        "Maximum Queue Entries:                 {}",
        cap.mqes() + 1
    );
    out!(
        o,
        "Contiguous Queues Required:            {}",
        yes_no(cap.cqr())
    );
    out!(o, "Arbitration Mechanisms Supported");
    out!(
        o,
        "  Weighted Round Robin:                {}",
        sup(cap.ams() & AMS_WRR)
    );
    out!(
        o,
        "  Vendor Specific:                     {}",
        sup(cap.ams() & AMS_VS)
    );
    out!(
        o,
        "Reset Timeout:                         {} ms",
        500 * cap.to()
    );
    out!(
        o,
        "Doorbell Stride:                       {} bytes",
        1u64 << (2 + cap.dstrd())
    );
    out!(
        o,
        "NVM Subsystem Reset:                   {}",
        sup(cap.nssrs())
    );
    out!(o, "Command Sets Supported");
    out!(
        o,
        "  NVM Command Set:                     {}",
        sup(cap.css() & CSS_NVM)
    );
    out!(
        o,
        "Boot Partition:                        {}",
        sup(cap.bps())
    );
    out!(
        o,
        "Memory Page Size Minimum:              {} bytes",
        1u64 << (12 + cap.mpsmin())
    );
    out!(
        o,
        "Memory Page Size Maximum:              {} bytes",
        1u64 << (12 + cap.mpsmax())
    );
    out!(
        o,
        "Persistent Memory Region:              {}",
        sup(cap.pmrs())
    );
    let oaes = { c.oaes };
    out!(o, "Optional Asynchronous Events Supported");
    out!(
        o,
        "  Namespace Attribute Notices:         {}",
        sup(oaes.ns_attribute_notices())
    );
    out!(
        o,
        "  Firmware Activation Notices:         {}",
        sup(oaes.fw_activation_notices())
    );
    out!(
        o,
        "  ANA Change Notices:                  {}",
        sup(oaes.ana_change_notices())
    );
    out!(
        o,
        "  PLE Aggregate Log Change Notices:    {}",
        sup(oaes.pleal_change_notices())
    );
    out!(
        o,
        "  LBA Status Info Alert Notices:       {}",
        sup(oaes.lba_sia_notices())
    );
    out!(
        o,
        "  EGE Aggregate Log Change Notices:    {}",
        sup(oaes.egealp_change_notices())
    );
    out!(
        o,
        "  Normal NVM Subsystem Shutdown event: {}",
        sup(oaes.nnvm_sse())
    );
    out!(
        o,
        "  Zone Descriptor Change Notices:      {}",
        sup(oaes.zdes_change_notices())
    );
    out!(
        o,
        "  Discovery Log Change Notices:        {}",
        sup(oaes.discovery_log_change_notices())
    );
    let a = { c.ctratt };
    out!(o, "Controller Attributes");
    out!(
        o,
        "  128-bit Host Identifier:             {}",
        sup(a.host_id_exhid_supported())
    );
    out!(
        o,
        "  Non-Operational Permissive Mode:     {}",
        sup(a.non_operational_power_state_permissive_mode())
    );
    out!(
        o,
        "  NVM Sets:                            {}",
        sup(a.nvm_sets())
    );
    out!(
        o,
        "  Read Recovery Levels:                {}",
        sup(a.read_recovery_levels())
    );
    out!(
        o,
        "  Endurance Groups:                    {}",
        sup(a.endurance_groups())
    );
    out!(
        o,
        "  Predictable Latency Mode:            {}",
        sup(a.predictable_latency_mode())
    );
    out!(
        o,
        "  Traffic Based Keep ALive:            {}",
        sup(a.tbkas())
    );
    out!(
        o,
        "  Namespace Granularity:               {}",
        sup(a.namespace_granularity())
    );
    out!(
        o,
        "  SQ Associations:                     {}",
        sup(a.sq_associations())
    );
    out!(
        o,
        "  UUID List:                           {}",
        sup(a.uuid_list())
    );
    out!(o, "  Multi-Domain Subsystem:              {}", sup(a.mds()));
    out!(
        o,
        "  Fixed Capacity Management:           {}",
        sup(a.fixed_capacity_management())
    );
    out!(
        o,
        "  Variable Capacity Management:        {}",
        sup(a.variable_capacity_management())
    );
    out!(
        o,
        "  Delete Endurance Group:              {}",
        sup(a.delete_endurance_group())
    );
    out!(
        o,
        "  Delete NVM Set:                      {}",
        sup(a.delete_nvm_set())
    );
    out!(
        o,
        "  Extended LBA Formats Supported:      {}",
        sup(a.elbas())
    );
    out!(
        o,
        "  Flexible Data Placement Supported:   {}",
        sup(a.fdps())
    );
    out!(o);
    print_cmb_pmr(o, r);
}

fn print_cmb_pmr(o: &mut String, r: &CtrlrReport) {
    out!(o, "Controller Memory Buffer Support");
    out!(o, "================================");
    match (r.cap.cmbs() != 0, r.cmbsz) {
        (true, Some(z)) => {
            // SZU is at most 6 and SZ 20 bits: at most 56 bits.
            let size = z.sz() as u64 * (0x1000u64 << (z.szu() * 4).min(40));
            out!(o, "Supported:                             Yes");
            out!(o, "Total Size:                            {size} bytes");
            out!(o, "Submission Queues in CMB:              {}", sup(z.sqs()));
            out!(o, "Completion Queues in CMB:              {}", sup(z.cqs()));
            out!(o, "Read data and metadata in CMB          {}", sup(z.rds()));
            out!(o, "Write data and metadata in CMB:        {}", sup(z.wds()));
        }
        // The library gives no CMBSZ: what CAP says, and no more.
        (true, None) => out!(o, "Supported:                             Yes"),
        _ => out!(o, "Supported:                             No"),
    }
    out!(o);
    out!(o, "Persistent Memory Region Support");
    out!(o, "================================");
    match (r.cap.pmrs() != 0, r.pmr) {
        (true, Some((cap, size))) => {
            out!(o, "Supported:                             Yes");
            out!(o, "Total Size:                            {size} bytes");
            out!(
                o,
                "Read data and metadata in PMR          {}",
                sup(cap.rds())
            );
            out!(
                o,
                "Write data and metadata in PMR:        {}",
                sup(cap.wds())
            );
        }
        (true, None) => out!(o, "Supported:                             Yes"),
        _ => out!(o, "Supported:                             No"),
    }
    out!(o);
}

/// "Admin Command Set Attributes" and "NVM Command Set Attributes".
pub fn print_command_sets(o: &mut String, r: &CtrlrReport) {
    let c = r.cdata;
    let oacs = { c.oacs };
    out!(o, "Admin Command Set Attributes");
    out!(o, "============================");
    out!(
        o,
        "Security Send/Receive:                 {}",
        sup(oacs.ssrs())
    );
    out!(
        o,
        "Format NVM:                            {}",
        sup(oacs.fnvms())
    );
    out!(
        o,
        "Firmware Activate/Download:            {}",
        sup(oacs.fwds())
    );
    out!(
        o,
        "Namespace Management:                  {}",
        sup(oacs.nms())
    );
    out!(
        o,
        "Device Self-Test:                      {}",
        sup(oacs.dsts())
    );
    out!(
        o,
        "Directives:                            {}",
        sup(oacs.dirs())
    );
    out!(
        o,
        "NVMe-MI:                               {}",
        sup(oacs.nsrs())
    );
    out!(
        o,
        "Virtualization Management:             {}",
        sup(oacs.vms())
    );
    out!(
        o,
        "Doorbell Buffer Config:                {}",
        sup(oacs.dbcs())
    );
    out!(
        o,
        "Get LBA Status Capability:             {}",
        sup(oacs.glss())
    );
    out!(
        o,
        "Command & Feature Lockdown Capability: {}",
        sup(oacs.cfls())
    );
    out!(
        o,
        "Abort Command Limit:                   {}",
        c.acl as u32 + 1
    );
    out!(
        o,
        "Async Event Request Limit:             {}",
        c.aerl as u32 + 1
    );
    let fw = oacs.fwds() != 0;
    let na = |v: String| if fw { v } else { "N/A".to_string() };
    out!(
        o,
        "Number of Firmware Slots:              {}",
        na(c.frmw.num_slots().to_string())
    );
    out!(
        o,
        "Firmware Slot 1 Read-Only:             {}",
        na(yes_no(c.frmw.slot1_ro()).into())
    );
    out!(
        o,
        "Firmware Activation Without Reset:     {}",
        na(yes_no(c.frmw.activation_without_reset()).into())
    );
    out!(
        o,
        "Multiple Update Detection Support:     {}",
        na(yes_no(c.frmw.multiple_update_detection()).into())
    );
    match c.fwug {
        0 => out!(
            o,
            "Firmware Update Granularity:           No Information Provided"
        ),
        0xff => out!(o, "Firmware Update Granularity:           No Restriction"),
        g => out!(
            o,
            "Firmware Update Granularity:           {} KiB",
            g as u32 * 4
        ),
    }
    out!(
        o,
        "Per-Namespace SMART Log:               {}",
        yes_no(c.lpa.smarts())
    );
    if c.cmic.anars() == 0 {
        out!(o, "Asymmetric Namespace Access Log Page:  Not Supported");
    } else {
        let ac = c.anacap;
        out!(o, "Asymmetric Namespace Access Log Page:  Supported");
        out!(o, "ANA Transition Time                 :  {} sec", c.anatt);
        out!(o);
        out!(o, "Asymmetric Namespace Access Capabilities");
        out!(
            o,
            "  ANA Optimized State               : {}",
            sup(ac.ana_optimized_state())
        );
        out!(
            o,
            "  ANA Non-Optimized State           : {}",
            sup(ac.ana_non_optimized_state())
        );
        out!(
            o,
            "  ANA Inaccessible State            : {}",
            sup(ac.ana_inaccessible_state())
        );
        out!(
            o,
            "  ANA Persistent Loss State         : {}",
            sup(ac.ana_persistent_loss_state())
        );
        out!(
            o,
            "  ANA Change State                  : {}",
            sup(ac.ana_change_state())
        );
        out!(
            o,
            "  ANAGRPID is not changed           : {}",
            yes_no(ac.no_change_anagrpid())
        );
        out!(
            o,
            "  Non-Zero ANAGRPID for NS Mgmt Cmd : {}",
            sup(ac.non_zero_anagrpid())
        );
        out!(o);
        out!(o, "ANA Group Identifier Maximum        : {}", {
            c.anagrpmax
        });
        out!(o, "Number of ANA Group Identifiers     : {}", {
            c.nanagrpid
        });
        out!(o, "Max Number of Allowed Namespaces    : {}", { c.mnan });
    }
    let lpa = c.lpa;
    let may = |v: u8| if v != 0 { "Supported" } else { "May Support" };
    out!(
        o,
        "Subsystem NQN:                         {}",
        cstr(&{ c.subnqn })
    );
    out!(
        o,
        "Command Effects Log Page:              {}",
        sup(lpa.cses())
    );
    out!(
        o,
        "Get Log Page Extended Data:            {}",
        sup(lpa.lpeds())
    );
    out!(
        o,
        "Telemetry Log Pages:                   {}",
        sup(lpa.ts())
    );
    out!(
        o,
        "Persistent Event Log Pages:            {}",
        sup(lpa.pes())
    );
    out!(
        o,
        "Supported Log Pages Log Page:          {}",
        may(lpa.mlps())
    );
    out!(
        o,
        "Commands Supported & Effects Log Page: {}",
        sup(lpa.mlps())
    );
    out!(
        o,
        "Feature Identifiers & Effects Log Page:{}",
        may(lpa.mlps())
    );
    out!(
        o,
        "NVMe-MI Commands & Effects Log Page:   {}",
        may(lpa.mlps())
    );
    out!(
        o,
        "Data Area 4 for Telemetry Log:         {}",
        sup(lpa.da4s())
    );
    out!(
        o,
        "Error Log Page Entries Supported:      {}",
        c.elpe as u32 + 1
    );
    let kas = { c.kas };
    if kas == 0 {
        out!(o, "Keep Alive:                            Not Supported");
    } else {
        out!(o, "Keep Alive:                            Supported");
        out!(
            o,
            "Keep Alive Granularity:                {} ms",
            kas as u32 * 100
        );
    }
    out!(o);
    print_nvm_command_set(o, r);
}

fn print_nvm_command_set(o: &mut String, r: &CtrlrReport) {
    let c = r.cdata;
    let oncs = { c.oncs };
    let sgls = { c.sgls };
    out!(o, "NVM Command Set Attributes");
    out!(o, "==========================");
    out!(o, "Submission Queue Entry Size");
    out!(o, "  Max:                       {}", 1u32 << c.sqes.max());
    out!(o, "  Min:                       {}", 1u32 << c.sqes.min());
    out!(o, "Completion Queue Entry Size");
    out!(o, "  Max:                       {}", 1u32 << c.cqes.max());
    out!(o, "  Min:                       {}", 1u32 << c.cqes.min());
    out!(o, "Number of Namespaces:        {}", { c.nn });
    out!(o, "Compare Command:             {}", sup(oncs.nvmcmps()));
    out!(o, "Write Uncorrectable Command: {}", sup(oncs.nvmwusv()));
    out!(o, "Dataset Management Command:  {}", sup(oncs.nvmdsmsv()));
    out!(o, "Write Zeroes Command:        {}", sup(oncs.nvmwzsv()));
    out!(o, "Set Features Save Field:     {}", sup(oncs.ssfs()));
    out!(o, "Reservations:                {}", sup(oncs.reservs()));
    out!(o, "Timestamp:                   {}", sup(oncs.tss()));
    out!(o, "Copy:                        {}", sup(oncs.nvmcpys()));
    out!(
        o,
        "Volatile Write Cache:        {}",
        if c.vwc.present() != 0 {
            "Present"
        } else {
            "Not Present"
        }
    );
    out!(o, "Atomic Write Unit (Normal):  {}", { c.awun } as u32 + 1);
    out!(o, "Atomic Write Unit (PFail):   {}", { c.awupf } as u32 + 1);
    out!(o, "Atomic Compare & Write Unit: {}", { c.acwu } as u32 + 1);
    out!(
        o,
        "Fused Compare & Write:       {}",
        sup({ c.fuses }.fcws())
    );
    out!(o, "Scatter-Gather List");
    out!(
        o,
        "  SGL Command Set:           {}",
        match sgls.supported() {
            SGLS_SUPPORTED => "Supported",
            SGLS_SUPPORTED_DWORD_ALIGNED => "Supported (Dword aligned)",
            _ => "Not Supported",
        }
    );
    out!(o, "  SGL Keyed:                 {}", sup(sgls.keyed_sgl()));
    out!(
        o,
        "  SGL Bit Bucket Descriptor: {}",
        sup(sgls.bit_bucket_descriptor())
    );
    out!(
        o,
        "  SGL Metadata Pointer:      {}",
        sup(sgls.metadata_pointer())
    );
    out!(
        o,
        "  Oversized SGL:             {}",
        sup(sgls.oversized_sgl())
    );
    out!(
        o,
        "  SGL Metadata Address:      {}",
        sup(sgls.metadata_address())
    );
    out!(o, "  SGL Offset:                {}", sup(sgls.sgl_offset()));
    out!(
        o,
        "  Transport SGL Data Block:  {}",
        sup(sgls.transport_sgl())
    );
    let rpmbs = { c.rpmbs };
    if rpmbs.num_rpmb_units() > 0 {
        out!(o, "Replay Protected Memory Block:  Supported");
        out!(o, "  Number of RPMB Units:  {}", rpmbs.num_rpmb_units());
        out!(
            o,
            "  Authentication Method: {}",
            if rpmbs.auth_method() == 0 {
                "HMAC SHA-256"
            } else {
                "Unknown"
            }
        );
        out!(
            o,
            "  Total Size (in 128KB units) = {}",
            rpmbs.total_size() + 1
        );
        out!(
            o,
            "  Access Size (in 512B units) = {}",
            rpmbs.access_size() + 1
        );
    } else {
        out!(o, "Replay Protected Memory Block:  Not Supported");
    }
    let crdt = { c.crdt };
    for (i, &t) in crdt.iter().enumerate() {
        if t != 0 {
            out!(
                o,
                "Command Retry Delay Time {}:  {} milliseconds",
                i + 1,
                t as u32 * 100
            );
        }
    }
    out!(o);
}
