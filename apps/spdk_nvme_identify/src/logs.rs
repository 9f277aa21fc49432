//! The log page and feature sections of the controller report: firmware
//! slots, ANA, commands supported and effects, error log, arbitration,
//! power states, health, number of queues, thermal management.

use std::fmt::Write;

use spdk_nvme::spec::log::{AnaGroupDescriptor, AnaPage, CmdsAndEffectEntry};
use spdk_nvme::spec::Pod;

use crate::data::CtrlrReport;
use crate::fmt::{ascii, hex_dump, out, supported as sup, u128_dec};
use crate::names::{admin_opc_name, io_opc_name};

/// Feature identifiers (`SPDK_NVME_FEAT_*`).
pub const FEAT_ARBITRATION: u8 = 0x01;
pub const FEAT_POWER_MANAGEMENT: u8 = 0x02;
pub const FEAT_TEMPERATURE_THRESHOLD: u8 = 0x04;
pub const FEAT_ERROR_RECOVERY: u8 = 0x05;
pub const FEAT_NUMBER_OF_QUEUES: u8 = 0x07;

pub fn print_firmware(o: &mut String, r: &CtrlrReport) {
    let f = &r.firmware;
    out!(o, "Firmware Slot Information");
    out!(o, "=========================");
    if r.hex_dump {
        hex_dump(o, f.as_bytes());
        out!(o);
    }
    out!(o, "Active slot:                 {}", f.afi.active_slot());
    if f.afi.next_reset_slot() != 0 {
        out!(
            o,
            "Next controller reset slot:  {}",
            f.afi.next_reset_slot()
        );
    }
    for (i, rev) in f.revision.iter().enumerate() {
        if rev.iter().any(|&b| b != 0) {
            out!(o, "Slot {} Firmware Revision:    {}", i + 1, ascii(rev));
        }
    }
    out!(o);
}

/// The ANA log page: its header, then each group descriptor and NSIDs.
pub fn print_ana(o: &mut String, r: &CtrlrReport) {
    if let Some(page) = &r.ana {
        out!(o, "Asymmetric Namespace Access");
        out!(o, "===========================");
        if r.hex_dump {
            hex_dump(o, page);
            out!(o);
        }
        let hdr = AnaPage::read_from(page).unwrap_or_default();
        out!(
            o,
            "Change Count                    : {:x}",
            hdr.change_count
        );
        out!(
            o,
            "Number of ANA Group Descriptors : {}",
            hdr.num_ana_group_desc
        );
        let mut off = size_of::<AnaPage>();
        for i in 0..hdr.num_ana_group_desc {
            let Some(d) = page.get(off..).and_then(AnaGroupDescriptor::read_from) else {
                break;
            };
            out!(o, "ANA Group Descriptor            : {i}");
            out!(o, "  ANA Group ID                  : {}", d.ana_group_id);
            out!(o, "  Number of NSID Values         : {}", d.num_of_nsid);
            out!(o, "  Change Count                  : {:x}", d.change_count);
            out!(
                o,
                "  ANA State                     : {}",
                d.state.ana_state()
            );
            off += size_of::<AnaGroupDescriptor>();
            for _ in 0..d.num_of_nsid {
                let Some(b) = page.get(off..off + 4) else {
                    break;
                };
                let nsid = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                out!(o, "  Namespace Identifier          : {nsid}");
                off += 4;
            }
        }
    }
    out!(o);
}

fn effects(e: CmdsAndEffectEntry) -> String {
    let mut s = String::new();
    for (on, word) in [
        (e.lbcc(), "LBA-Change "),
        (e.ncc(), "NS-Cap-Change "),
        (e.nic(), "NS-Inventory-Change "),
        (e.ccc(), "Ctrlr-Cap-Change "),
    ] {
        if on != 0 {
            s.push_str(word);
        }
    }
    s.push_str(match e.cse() {
        1 => "Per-NS-Exclusive",
        2 => "All-NS-Exclusive",
        _ => "",
    });
    s
}

pub fn print_cmd_effects(o: &mut String, r: &CtrlrReport) {
    if r.cdata.lpa.cses() == 0 {
        return;
    }
    let page = &r.cmd_effects;
    out!(o, "Commands Supported and Effects");
    out!(o, "==============================");
    if r.hex_dump {
        hex_dump(o, page.as_bytes());
        out!(o);
    }
    let admin = { page.admin_cmds_supported };
    let io = { page.io_cmds_supported };
    for (title, rule, list, name) in [
        (
            "Admin Commands",
            "--------------",
            &admin,
            admin_opc_name as fn(u8) -> &'static str,
        ),
        ("I/O Commands", "------------", &io, io_opc_name),
    ] {
        out!(o, "{title}");
        out!(o, "{rule}");
        for (i, &e) in list.iter().enumerate() {
            if e.csupp() != 0 {
                out!(
                    o,
                    "{:>30} ({:02X}h): Supported {}",
                    name(i as u8),
                    i,
                    effects(e)
                );
            }
        }
    }
    out!(o);
}

pub fn print_error_log(o: &mut String, r: &CtrlrReport) {
    out!(o, "Error Log");
    out!(o, "=========");
    for (i, e) in r.error_log.iter().enumerate() {
        if e.error_count == 0 {
            continue;
        }
        if i != 0 {
            out!(o, "-----------");
        }
        let st = e.status;
        out!(o, "Entry: {i}");
        out!(o, "Error Count:            0x{:x}", e.error_count);
        out!(o, "Submission Queue Id:    0x{:x}", e.sqid);
        out!(o, "Command Id:             0x{:x}", e.cid);
        out!(o, "Phase Bit:              {:x}", st.p());
        out!(o, "Status Code:            0x{:x}", st.sc());
        out!(o, "Status Code Type:       0x{:x}", st.sct());
        out!(o, "Do Not Retry:           {:x}", st.dnr());
        out!(o, "Error Location:         0x{:x}", e.error_location);
        out!(o, "LBA:                    0x{:x}", e.lba);
        out!(o, "Namespace:              0x{:x}", e.nsid);
        out!(o, "Vendor Log Page:        0x{:x}", e.vendor_specific);
    }
    out!(o);
}

pub fn print_arbitration(o: &mut String, r: &CtrlrReport) {
    let Some(arb) = r.features.get(FEAT_ARBITRATION) else {
        return;
    };
    let ab = arb & 7;
    out!(o, "Arbitration");
    out!(o, "===========");
    if ab == 7 {
        out!(o, "Arbitration Burst:           no limit");
    } else {
        out!(o, "Arbitration Burst:           {}", 1u32 << ab);
    }
    if r.cap.ams() & 1 != 0 {
        out!(
            o,
            "Low Priority Weight:         {}",
            ((arb >> 8) & 0xff) + 1
        );
        out!(
            o,
            "Medium Priority Weight:      {}",
            ((arb >> 16) & 0xff) + 1
        );
        out!(
            o,
            "High Priority Weight:        {}",
            ((arb >> 24) & 0xff) + 1
        );
    }
    out!(o);
}

/// A power in units of 0.0001 W (scale 1) or 0.01 W (scale 2).
fn watts(v: u16, scale: u8) -> Option<String> {
    let v = v as u32;
    match scale {
        1 => Some(format!("{}.{:04} W", v / 10000, v % 10000)),
        2 => Some(format!("{}.{:02} W", v / 100, v % 100)),
        _ => None,
    }
}

pub fn print_power(o: &mut String, r: &CtrlrReport) {
    let Some(pm) = r.features.get(FEAT_POWER_MANAGEMENT) else {
        return;
    };
    let c = r.cdata;
    out!(o, "Power Management");
    out!(o, "================");
    out!(o, "Number of Power States:          {}", c.npss as u32 + 1);
    out!(
        o,
        "Current Power State:             Power State #{}",
        pm & 0x1f
    );
    let psd = { c.psd };
    for (i, p) in psd.iter().take(c.npss as usize + 1).enumerate() {
        out!(o, "Power State #{i}:");
        if p.flags.mps() != 0 {
            out!(
                o,
                "  Max Power:                    {}.{:04} W",
                p.mp / 10000,
                p.mp % 10000
            );
        } else {
            out!(
                o,
                "  Max Power:                    {:3}.{:02} W",
                p.mp / 100,
                p.mp % 100
            );
        }
        out!(
            o,
            "  Non-Operational State:         {}",
            if p.flags.nops() != 0 {
                "Non-Operation"
            } else {
                "Operational"
            }
        );
        let lat = |v: u32| {
            if v != 0 {
                format!("{v} microseconds")
            } else {
                "Not Reported".into()
            }
        };
        out!(o, "  Entry Latency:                 {}", lat(p.enlat));
        out!(o, "  Exit Latency:                  {}", lat(p.exlat));
        out!(o, "  Relative Read Throughput:      {}", p.rrt.rrt());
        out!(o, "  Relative Read Latency:         {}", p.rrl.rrl());
        out!(o, "  Relative Write Throughput:     {}", p.rwt.rwt());
        out!(o, "  Relative Write Latency:        {}", p.rwl.rwl());
        let nr = || " Not Reported".to_string();
        out!(
            o,
            "  Idle Power:                    {}",
            watts(p.idlp, p.ips.ips()).unwrap_or_else(nr)
        );
        out!(
            o,
            "  Active Power:                  {}",
            watts(p.actp, p.apw.aps()).unwrap_or_else(nr)
        );
    }
    out!(
        o,
        "Non-Operational Permissive Mode: {}",
        sup({ c.ctratt }.non_operational_power_state_permissive_mode())
    );
    out!(o);
}

fn kelvin(k: u32) -> String {
    format!("{k} Kelvin ({} Celsius)", k as i64 - 273)
}

pub fn print_health(o: &mut String, r: &CtrlrReport) {
    let Some(threshold) = r.features.get(FEAT_TEMPERATURE_THRESHOLD) else {
        return;
    };
    let h = r.health;
    out!(o, "Health Information");
    out!(o, "==================");
    if r.hex_dump {
        hex_dump(o, h.as_bytes());
        out!(o);
    }
    let w = h.critical_warning;
    let ok = |v: u8| if v != 0 { "WARNING" } else { "OK" };
    out!(o, "Critical Warnings:");
    out!(
        o,
        "  Available Spare Space:     {}",
        ok(w.available_spare())
    );
    out!(o, "  Temperature:               {}", ok(w.temperature()));
    out!(
        o,
        "  Device Reliability:        {}",
        ok(w.device_reliability())
    );
    out!(
        o,
        "  Read Only:                 {}",
        if w.read_only() != 0 { "Yes" } else { "No" }
    );
    out!(
        o,
        "  Volatile Memory Backup:    {}",
        ok(w.volatile_memory_backup())
    );
    out!(
        o,
        "Current Temperature:         {}",
        kelvin({ h.temperature } as u32)
    );
    out!(o, "Temperature Threshold:       {}", kelvin(threshold));
    out!(o, "Available Spare:             {}%", h.available_spare);
    out!(
        o,
        "Available Spare Threshold:   {}%",
        h.available_spare_threshold
    );
    out!(o, "Life Percentage Used:        {}%", h.percentage_used);
    out!(
        o,
        "Data Units Read:             {}",
        u128_dec(h.data_units_read)
    );
    out!(
        o,
        "Data Units Written:          {}",
        u128_dec(h.data_units_written)
    );
    out!(
        o,
        "Host Read Commands:          {}",
        u128_dec(h.host_read_commands)
    );
    out!(
        o,
        "Host Write Commands:         {}",
        u128_dec(h.host_write_commands)
    );
    out!(
        o,
        "Controller Busy Time:        {} minutes",
        u128_dec(h.controller_busy_time)
    );
    out!(
        o,
        "Power Cycles:                {}",
        u128_dec(h.power_cycles)
    );
    out!(
        o,
        "Power On Hours:              {} hours",
        u128_dec(h.power_on_hours)
    );
    out!(
        o,
        "Unsafe Shutdowns:            {}",
        u128_dec(h.unsafe_shutdowns)
    );
    out!(
        o,
        "Unrecoverable Media Errors:  {}",
        u128_dec(h.media_errors)
    );
    out!(
        o,
        "Lifetime Error Log Entries:  {}",
        u128_dec(h.num_error_info_log_entries)
    );
    out!(o, "Warning Temperature Time:    {} minutes", {
        h.warning_temp_time
    });
    out!(o, "Critical Temperature Time:   {} minutes", {
        h.critical_temp_time
    });
    for (i, &t) in { h.temp_sensor }.iter().enumerate() {
        if t != 0 {
            out!(
                o,
                "Temperature Sensor {}:        {}",
                i + 1,
                kelvin(t as u32)
            );
        }
    }
    out!(o);
}

pub fn print_queues_and_thermal(o: &mut String, r: &CtrlrReport) {
    if let Some(v) = r.features.get(FEAT_NUMBER_OF_QUEUES) {
        out!(o, "Number of Queues");
        out!(o, "================");
        out!(
            o,
            "Number of I/O Submission Queues:      {}",
            (v & 0xffff) + 1
        );
        // NCQA is the high half (SPDK's tool prints NSQA twice).
        out!(o, "Number of I/O Completion Queues:      {}", (v >> 16) + 1);
        out!(o);
    }
    let c = r.cdata;
    if { c.hctma }.supported() != 0 {
        let t = |v: u16| {
            if v != 0 {
                kelvin(v as u32)
            } else {
                "Not Reported".into()
            }
        };
        out!(o, "Host Controlled Thermal Management");
        out!(o, "==================================");
        out!(o, "Minimum Thermal Management Temperature:  {}", t(c.mntmt));
        out!(
            o,
            "Maximum Thermal Management Temperature:   {}",
            t(c.mxtmt)
        );
        out!(o);
    }
    if let Some(zasl) = r.zns_zasl {
        out!(o, "ZNS Specific Controller Data");
        out!(o, "============================");
        out!(o, "Zone Append Size Limit:      {zasl}");
        out!(o);
        out!(o);
    }
}
