//! The namespace part of the report ("Namespace ID:n" and what follows).

use std::fmt::Write;

use spdk_nvme::spec::ctrlr::CtrlrData;
use spdk_nvme::spec::Pod;

use crate::data::NsReport;
use crate::fmt::{hex_be, hex_dump, out, supported as sup, yes_no};
use crate::names::{csi_name, pi_format};

/// `spdk_nvme_ns_flags` bits the report reads.
pub const NS_DEALLOCATE_SUPPORTED: u32 = 1 << 0;
pub const NS_FLUSH_SUPPORTED: u32 = 1 << 1;
pub const NS_RESERVATION_SUPPORTED: u32 = 1 << 2;
pub const NS_DPS_PI_SUPPORTED: u32 = 1 << 4;

const GIB: u64 = 1024 * 1024 * 1024;

fn uuid_lower(u: &[u8; 16]) -> String {
    let h: String = u.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

pub fn print_namespace(o: &mut String, cdata: &CtrlrData, n: &NsReport) {
    let d = &n.data;
    out!(o, "Namespace ID:{}", n.id);
    if n.hex_dump {
        hex_dump(o, d.as_bytes());
        out!(o);
    }
    if let Some(tler) = n.error_recovery.map(|v| v & 0xffff) {
        if tler == 0 {
            out!(o, "Error Recovery Timeout:                Unlimited");
        } else {
            out!(
                o,
                "Error Recovery Timeout:                {} milliseconds",
                tler * 100
            );
        }
    }
    out!(
        o,
        "Command Set Identifier:                {} ({:02X}h)",
        csi_name(n.csi),
        n.csi
    );
    out!(
        o,
        "Deallocate:                            {}",
        sup(n.flags & NS_DEALLOCATE_SUPPORTED)
    );
    out!(
        o,
        "Deallocated/Unwritten Error:           {}",
        sup(d.nsfeat.dealloc_or_unwritten_error())
    );
    out!(
        o,
        "Deallocated Read Value:                {}",
        match n.dealloc_read_value {
            1 => "All 0x00",
            2 => "All 0xFF",
            _ => "Unknown",
        }
    );
    out!(
        o,
        "Deallocate in Write Zeroes:            {}",
        sup(d.dlfeat.write_zero_deallocate())
    );
    out!(
        o,
        "Deallocated Guard Field:               {}",
        if d.dlfeat.guard_value() != 0 {
            "CRC for Read Value"
        } else {
            "0xFFFF"
        }
    );
    out!(
        o,
        "Flush:                                 {}",
        sup(n.flags & NS_FLUSH_SUPPORTED)
    );
    out!(
        o,
        "Reservation:                           {}",
        sup(n.flags & NS_RESERVATION_SUPPORTED)
    );
    if n.flags & NS_DPS_PI_SUPPORTED != 0 {
        out!(o, "End-to-End Data Protection:            Supported");
        out!(
            o,
            "Protection Type:                       Type{}",
            d.dps.pit()
        );
        out!(
            o,
            "Protection Information Transferred as: {}",
            if d.dps.md_start() != 0 {
                "First 8/16 Bytes"
            } else {
                "Last 8/16 Bytes"
            }
        );
    }
    let fmt = d.lbaf[(n.format_index & 63) as usize];
    if fmt.ms() > 0 {
        out!(
            o,
            "Metadata Transferred as:               {}",
            if d.flbas.extended() != 0 {
                "Extended Data LBA"
            } else {
                "Separate Metadata Buffer"
            }
        );
    }
    out!(
        o,
        "Namespace Sharing Capabilities:        {}",
        if d.nmic.shrns() != 0 {
            "Multiple Controllers"
        } else {
            "Private"
        }
    );
    let bs = 1u64.checked_shl(fmt.lbads()).unwrap_or(0);
    for (what, v) in [
        ("Size", d.nsze),
        ("Capacity", d.ncap),
        ("Utilization", d.nuse),
    ] {
        let gib = v.wrapping_mul(bs) / GIB;
        out!(o, "{:<39}{v} ({gib}GiB)", format!("{what} (in LBAs):"));
    }
    if d.noiob != 0 {
        out!(
            o,
            "Optimal I/O Boundary:                  {} blocks",
            d.noiob
        );
    }
    if d.nguid.iter().any(|&b| b != 0) {
        out!(
            o,
            "NGUID:                                 {}",
            hex_be(&d.nguid)
        );
    }
    if d.eui64 != 0 {
        out!(
            o,
            "EUI64:                                 {}",
            hex_be(&d.eui64.to_le_bytes())
        );
    }
    if let Some(u) = &n.uuid {
        out!(
            o,
            "UUID:                                  {}",
            uuid_lower(u)
        );
    }
    out!(
        o,
        "Thin Provisioning:                     {}",
        sup(d.nsfeat.thin_prov())
    );
    out!(
        o,
        "Per-NS Atomic Units:                   {}",
        yes_no(d.nsfeat.ns_atomic_write_unit())
    );
    if d.nsfeat.ns_atomic_write_unit() != 0 {
        for (label, v) in [
            ("  Atomic Write Unit (Normal):          ", d.nawun),
            ("  Atomic Write Unit (PFail):           ", d.nawupf),
            ("  Preferred Write Granularity:         ", d.npwg),
            ("  Atomic Compare & Write Unit:         ", d.nacwu),
        ] {
            if v != 0 {
                out!(o, "{label}{}", v as u32 + 1);
            }
        }
        out!(o, "  Atomic Boundary Size (Normal):       {}", d.nabsn);
        out!(o, "  Atomic Boundary Size (PFail):        {}", d.nabspf);
        out!(o, "  Atomic Boundary Offset:              {}", d.nabo);
    }
    if { cdata.oncs }.nvmcpys() != 0 {
        out!(o, "Maximum Single Source Range Length:    {}", d.mssrl);
        out!(o, "Maximum Copy Length:                   {}", d.mcl);
        out!(
            o,
            "Maximum Source Range Count:            {}",
            d.msrc as u32 + 1
        );
    }
    out!(
        o,
        "NGUID/EUI64 Never Reused:              {}",
        yes_no(d.nsfeat.guid_never_reused())
    );
    if cdata.cmic.anars() != 0 {
        out!(o, "ANA group ID:                          {}", d.anagrpid);
    }
    out!(
        o,
        "Namespace Write Protected:             {}",
        yes_no(d.nsattr.cwp())
    );
    let ctratt = { cdata.ctratt };
    if ctratt.nvm_sets() != 0 {
        out!(o, "NVM set ID:                            {}", d.nvmsetid);
    }
    if ctratt.endurance_groups() != 0 {
        out!(o, "Endurance group ID:                    {}", d.endgid);
    }
    out!(
        o,
        "Number of LBA Formats:                 {}",
        d.nlbaf as u32 + 1
    );
    out!(
        o,
        "Current LBA Format:                    LBA Format #{:02}",
        n.format_index
    );
    let count = (d.nlbaf as usize + 1).min(64);
    for (i, f) in d.lbaf.iter().take(count).enumerate() {
        let size = 1u64.checked_shl(f.lbads()).unwrap_or(0);
        out!(
            o,
            "LBA Format #{i:02}: Data Size: {size:5}  Metadata Size: {:5}",
            f.ms()
        );
    }
    out!(o);
    if let Some(nvm) = &n.nvm {
        let pic = nvm.pic;
        out!(o, "NVM Specific Namespace Data");
        out!(o, "===========================");
        out!(
            o,
            "Logical Block Storage Tag Mask:               {:x}",
            nvm.lbstm
        );
        out!(o, "Protection Information Capabilities:");
        out!(
            o,
            "  16b Guard Protection Information Storage Tag Support:  {}",
            yes_no(pic._16bpists())
        );
        out!(
            o,
            "  16b Guard Protection Information Storage Tag Mask:     {}",
            if pic._16bpistm() != 0 {
                "LBSTM must be all 1s"
            } else {
                "Any bit in LBSTM can be 0"
            }
        );
        out!(
            o,
            "  Storage Tag Check Read Support:                        {}",
            yes_no(pic.stcrs())
        );
        for (i, e) in nvm.elbaf.iter().take(count).enumerate() {
            out!(
                o,
                "Extended LBA Format #{i:02}: Storage Tag Size: {:<2}, Protection Information Format: {}",
                e.sts(),
                pi_format(e.pif())
            );
        }
    }
}
