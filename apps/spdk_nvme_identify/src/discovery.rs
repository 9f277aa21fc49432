//! The discovery log page section of a discovery controller's report.

use std::fmt::Write;

use spdk_nvme::ffi::nvme::{
    spdk_nvme_transport_id_adrfam_str, spdk_nvme_transport_id_trtype_str, AdrfamArg,
    TransportTypeArg,
};
use spdk_nvme::spec::fabrics::{DiscoveryLogPage, DiscoveryLogPageEntry};
use spdk_nvme::spec::Pod;

use crate::fmt::{cstr, hex_dump, out};

/// "(null)" for a value the library has no name for, as printf shows a
/// NULL string.
fn name(p: *const core::ffi::c_char) -> String {
    if p.is_null() {
        return "(null)".into();
    }
    // SAFETY: the library returns static NUL-terminated strings.
    unsafe { std::ffi::CStr::from_ptr(p) }
        .to_string_lossy()
        .into_owned()
}

fn subtype(s: u8) -> &'static str {
    match s {
        1 => "Referral to a discovery service",
        2 => "NVM Subsystem",
        3 => "Current Discovery Subsystem",
        _ => "Unknown",
    }
}

fn rdma(o: &mut String, e: &DiscoveryLogPageEntry) {
    let r = e.tsas.rdma();
    let qptype = match r.rdma_qptype {
        1 => "Reliable Connected",
        2 => "Reliable Datagram",
        _ => "Unknown",
    };
    let prtype = match r.rdma_prtype {
        1 => "No provider specified",
        2 => "InfiniBand",
        3 => "InfiniBand RoCE",
        4 => "InfiniBand RoCE v2",
        5 => "iWARP",
        _ => "Unknown",
    };
    out!(o, "Transport Specific Address Subtype - RDMA");
    out!(
        o,
        "  RDMA QP Service Type:                {} ({qptype})",
        r.rdma_qptype
    );
    out!(
        o,
        "  RDMA Provider Type:                  {} ({prtype})",
        r.rdma_prtype
    );
    out!(
        o,
        "  RDMA CM Service:                     {} ({})",
        r.rdma_cms,
        if r.rdma_cms == 1 {
            "RDMA_CM"
        } else {
            "Unknown"
        }
    );
    if e.adrfam == 3 {
        out!(o, "  RDMA Partition Key:                  {}", {
            r.rdma_pkey
        });
    }
}

/// The page: header, then each entry (as many as both NUMREC and the
/// bytes read allow).
pub fn print_discovery(o: &mut String, page: &[u8], hex: bool) {
    let Some(h) = DiscoveryLogPage::read_from(page) else {
        return;
    };
    out!(o, "Discovery Log Page");
    out!(o, "==================");
    if hex {
        hex_dump(o, page);
        out!(o);
    }
    let numrec = { h.numrec };
    out!(o, "Generation Counter:                    {}", { h.genctr });
    out!(o, "Number of Records:                     {numrec}");
    out!(o, "Record Format:                         {}", { h.recfmt });
    out!(o);
    let base = size_of::<DiscoveryLogPage>();
    let esz = size_of::<DiscoveryLogPageEntry>();
    for i in 0..numrec {
        let off = base + i as usize * esz;
        let Some(e) = page.get(off..).and_then(DiscoveryLogPageEntry::read_from) else {
            break;
        };
        out!(o, "Discovery Log Entry {i}");
        out!(o, "----------------------");
        out!(
            o,
            "Transport Type:                        {} ({})",
            e.trtype,
            name(spdk_nvme_transport_id_trtype_str(TransportTypeArg(
                e.trtype as i32
            )))
        );
        out!(
            o,
            "Address Family:                        {} ({})",
            e.adrfam,
            name(spdk_nvme_transport_id_adrfam_str(AdrfamArg(
                e.adrfam as i32
            )))
        );
        out!(
            o,
            "Subsystem Type:                        {} ({})",
            e.subtype,
            subtype(e.subtype)
        );
        let eflags = { e.eflags };
        out!(o, "Entry Flags:");
        out!(o, "  Duplicate Returned Information:\t\t\t{}", eflags & 1);
        out!(
            o,
            "  Explicit Persistent Connection Support for Discovery: {}",
            (eflags >> 1) & 1
        );
        out!(o, "Transport Requirements:");
        out!(
            o,
            "  Secure Channel:                      {}",
            match e.treq.secure_channel() {
                0 => "Not Specified",
                1 => "Required",
                2 => "Not Required",
                _ => "Reserved",
            }
        );
        let (portid, cntlid) = ({ e.portid }, { e.cntlid });
        out!(
            o,
            "Port ID:                               {portid} (0x{portid:04x})"
        );
        out!(
            o,
            "Controller ID:                         {cntlid} (0x{cntlid:04x})"
        );
        out!(o, "Admin Max SQ Size:                     {}", { e.asqsz });
        out!(
            o,
            "Transport Service Identifier:          {}",
            cstr(&{ e.trsvcid })
        );
        out!(
            o,
            "NVM Subsystem Qualified Name:          {}",
            cstr(&{ e.subnqn })
        );
        out!(
            o,
            "Transport Address:                     {}",
            cstr(&{ e.traddr })
        );
        if e.trtype == 1 {
            rdma(o, &e);
        }
    }
}
