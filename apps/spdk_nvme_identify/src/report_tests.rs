//! The report's sections from made-up identify data and log pages.

use spdk_nvme::spec::ctrlr::CtrlrData;
use spdk_nvme::spec::log::CmdsAndEffectEntry;
use spdk_nvme::spec::ns::{LbaFormat, NsData};
use spdk_nvme::spec::regs::{Cap, Vs};
use spdk_nvme::spec::Pod;

use crate::data::{CtrlrReport, NsReport};

fn qemu_like() -> CtrlrReport {
    let mut c = CtrlrData::zeroed();
    c.vid = 0x1b36;
    c.ssvid = 0x1af4;
    let sn = b"deadbeef            ";
    let mn = b"QEMU NVMe Ctrl                          ";
    let mut sn8 = [0i8; 20];
    let mut mn8 = [0i8; 40];
    sn8.iter_mut().zip(sn).for_each(|(d, &s)| *d = s as i8);
    mn8.iter_mut().zip(mn).for_each(|(d, &s)| *d = s as i8);
    c.sn = sn8;
    c.mn = mn8;
    c.fr = *b"8.0.0   ";
    c.rab = 6;
    c.ieee = [0x00, 0x54, 0x52];
    c.mdts = 7;
    c.nn = 256;
    c.ver = Vs(0x0001_0400);
    c.oacs = { c.oacs }.with_fnvms(1).with_nms(1).with_dbcs(1);
    c.acl = 3;
    c.aerl = 3;
    c.frmw = c.frmw.with_num_slots(1).with_slot1_ro(1);
    c.lpa = c.lpa.with_cses(1).with_lpeds(1);
    c.elpe = 0;
    c.npss = 0;
    c.sqes = c.sqes.with_min(6).with_max(6);
    c.cqes = c.cqes.with_min(4).with_max(4);
    c.oncs = { c.oncs }
        .with_nvmcmps(1)
        .with_nvmdsmsv(1)
        .with_nvmwzsv(1)
        .with_tss(1);
    c.vwc = c.vwc.with_present(1);
    c.sgls = { c.sgls }.with_supported(1).with_bit_bucket_descriptor(1);
    c.kas = 0;
    c.subnqn[..16].copy_from_slice(b"nqn.2019-08.org.");
    let mut r = CtrlrReport::new(c);
    r.name = "PCIE (0000:00:04.0) [1b36:0010]".into();
    r.cap = Cap::default()
        .with_mqes(2047)
        .with_cqr(1)
        .with_to(15)
        .with_css(1)
        .with_mpsmax(4);
    r.vs = Vs(0x0001_0400);
    r.num_io_queues = 1024;
    r.features.0[1] = Some(0x7);
    r.features.0[2] = Some(0);
    r.features.0[4] = Some(343);
    r.features.0[7] = Some(0x003f_003f);
    r.health.temperature = 323;
    r.health.available_spare = 100;
    r.health.power_on_hours = [5, 0];
    let mut ce = r.cmd_effects;
    ce.admin_cmds_supported[6] = CmdsAndEffectEntry::default().with_csupp(1);
    ce.io_cmds_supported[1] = CmdsAndEffectEntry::default().with_csupp(1).with_lbcc(1);
    ce.io_cmds_supported[0x0d] = CmdsAndEffectEntry::default().with_csupp(1).with_cse(1);
    r.cmd_effects = ce;
    r.firmware.afi = r.firmware.afi.with_active_slot(1);
    r.firmware.revision[0] = *b"1.0     ";
    r
}

fn report(r: &CtrlrReport) -> String {
    let mut o = String::new();
    crate::ctrlr::print_header_and_capabilities(&mut o, r);
    crate::ctrlr::print_command_sets(&mut o, r);
    crate::logs::print_firmware(&mut o, r);
    crate::logs::print_ana(&mut o, r);
    crate::logs::print_cmd_effects(&mut o, r);
    crate::logs::print_error_log(&mut o, r);
    crate::logs::print_arbitration(&mut o, r);
    crate::logs::print_power(&mut o, r);
    crate::logs::print_health(&mut o, r);
    crate::logs::print_queues_and_thermal(&mut o, r);
    o
}

fn has(o: &str, line: &str) {
    assert!(o.lines().any(|l| l == line), "no line {line:?} in\n{o}");
}

#[test]
fn controller_sections() {
    let o = report(&qemu_like());
    let l: Vec<&str> = o.lines().collect();
    assert_eq!(
        l[0],
        "====================================================="
    );
    assert_eq!(l[1], "NVMe Controller at PCIE (0000:00:04.0) [1b36:0010]");
    assert_eq!(l[3], "Controller Capabilities/Features");
    for line in [
        "Vendor ID:                             1b36",
        "Subsystem Vendor ID:                   1af4",
        "Serial Number:                         deadbeef",
        "Model Number:                          QEMU NVMe Ctrl",
        "Firmware Version:                      8.0.0",
        "Recommended Arb Burst:                 6",
        "IEEE OUI Identifier:                   00 54 52",
        "  May have multiple subsystem ports:   No",
        "Max Data Transfer Size:                524288",
        "Max Number of Namespaces:              256",
        "Max Number of I/O Queues:              1024",
        "NVMe Specification Version (VS):       1.4",
        "NVMe Specification Version (Identify): 1.4",
        "Maximum Queue Entries:                 2048",
        "Contiguous Queues Required:            Yes",
        "Reset Timeout:                         7500 ms",
        "Doorbell Stride:                       4 bytes",
        "  NVM Command Set:                     Supported",
        "Memory Page Size Minimum:              4096 bytes",
        "Memory Page Size Maximum:              65536 bytes",
        "Controller Memory Buffer Support",
        "Supported:                             No",
        "Format NVM:                            Supported",
        "Namespace Management:                  Supported",
        "Doorbell Buffer Config:                Supported",
        "Abort Command Limit:                   4",
        "Number of Firmware Slots:              N/A",
        "Firmware Update Granularity:           No Information Provided",
        "Subsystem NQN:                         nqn.2019-08.org.",
        "Command Effects Log Page:              Supported",
        "Error Log Page Entries Supported:      1",
        "Keep Alive:                            Not Supported",
        "  Max:                       64",
        "  Min:                       16",
        "Compare Command:             Supported",
        "Volatile Write Cache:        Present",
        "Atomic Write Unit (Normal):  1",
        "  SGL Command Set:           Supported",
        "  SGL Bit Bucket Descriptor: Supported",
        "Replay Protected Memory Block:  Not Supported",
        "Active slot:                 1",
        "Slot 1 Firmware Revision:    1.0",
        "                      Identify (06h): Supported ",
        "                         Write (01h): Supported LBA-Change ",
        "          Reservation Register (0Dh): Supported Per-NS-Exclusive",
        "Arbitration Burst:           no limit",
        "Current Power State:             Power State #0",
        "  Max Power:                      0.00 W",
        "  Entry Latency:                 Not Reported",
        "  Idle Power:                     Not Reported",
        "Current Temperature:         323 Kelvin (50 Celsius)",
        "Temperature Threshold:       343 Kelvin (70 Celsius)",
        "Available Spare:             100%",
        "Power On Hours:              5 hours",
        "Number of I/O Submission Queues:      64",
        "Number of I/O Completion Queues:      64",
    ] {
        has(&o, line);
    }
    // Sections in SPDK's order.
    let pos = |s: &str| o.find(&format!("\n{s}\n")).unwrap_or_else(|| panic!("{s}"));
    let order = [
        "Controller Capabilities/Features",
        "Controller Memory Buffer Support",
        "Persistent Memory Region Support",
        "Admin Command Set Attributes",
        "NVM Command Set Attributes",
        "Firmware Slot Information",
        "Commands Supported and Effects",
        "Error Log",
        "Arbitration",
        "Power Management",
        "Health Information",
        "Number of Queues",
    ];
    assert!(order.windows(2).all(|w| pos(w[0]) < pos(w[1])));
    assert!(!o.contains("Asymmetric Namespace Access\n"));
}

#[test]
fn hex_dump_and_fabrics_header() {
    let mut r = qemu_like();
    r.fabrics = true;
    r.hex_dump = true;
    r.name = "TCP (addr:127.0.0.1 subnqn:nqn.a)".into();
    let o = report(&r);
    has(&o, "NVMeoF Controller at TCP (addr:127.0.0.1 subnqn:nqn.a)");
    has(
        &o,
        "00000000: 36 1B F4 1A 64 65 61 64-62 65 65 66 20 20 20 20  6...deadbeef....",
    );
}

#[test]
fn namespace_section() {
    let mut d = NsData::zeroed();
    d.nsze = 131072;
    d.ncap = 131072;
    d.nuse = 131072;
    d.nlbaf = 1;
    d.lbaf[0] = LbaFormat::default().with_lbads(9);
    d.lbaf[1] = LbaFormat::default().with_lbads(12).with_ms(8);
    d.flbas = d.flbas.with_format(1);
    d.nguid = [0x11; 16];
    d.eui64 = u64::from_le_bytes([1, 2, 3, 4, 5, 6, 7, 8]);
    d.nsfeat = d.nsfeat.with_thin_prov(1);
    let mut n = NsReport::from_data(1, d);
    n.flags = crate::ns::NS_DEALLOCATE_SUPPORTED | crate::ns::NS_FLUSH_SUPPORTED;
    n.dealloc_read_value = 1;
    n.error_recovery = Some(0);
    n.uuid = Some([
        0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0, 1, 2, 3, 4, 5, 6, 7,
    ]);
    let mut o = String::new();
    crate::ns::print_namespace(&mut o, &qemu_like().cdata, &n);
    let l: Vec<&str> = o.lines().collect();
    assert_eq!(l[0], "Namespace ID:1");
    assert_eq!(l[1], "Error Recovery Timeout:                Unlimited");
    for line in [
        "Command Set Identifier:                NVM (00h)",
        "Deallocate:                            Supported",
        "Deallocated Read Value:                All 0x00",
        "Flush:                                 Supported",
        "Reservation:                           Not Supported",
        "Metadata Transferred as:               Separate Metadata Buffer",
        "Namespace Sharing Capabilities:        Private",
        "Size (in LBAs):                        131072 (0GiB)",
        "Capacity (in LBAs):                    131072 (0GiB)",
        "NGUID:                                 11111111111111111111111111111111",
        "EUI64:                                 0102030405060708",
        "UUID:                                  12345678-9abc-def0-0001-020304050607",
        "Thin Provisioning:                     Supported",
        "Per-NS Atomic Units:                   No",
        "Number of LBA Formats:                 2",
        "Current LBA Format:                    LBA Format #01",
        "LBA Format #00: Data Size:   512  Metadata Size:     0",
        "LBA Format #01: Data Size:  4096  Metadata Size:     8",
    ] {
        has(&o, line);
    }
    assert!(o.ends_with("\n\n"));
}

#[test]
fn discovery_page() {
    use spdk_nvme::spec::fabrics::{DiscoveryLogPage, DiscoveryLogPageEntry};
    let mut h = DiscoveryLogPage::zeroed();
    h.genctr = 4;
    h.numrec = 1;
    let mut e = DiscoveryLogPageEntry::zeroed();
    e.trtype = 3;
    e.adrfam = 1;
    e.subtype = 2;
    e.portid = 1;
    e.cntlid = 0xffff;
    e.asqsz = 32;
    e.trsvcid[..4].copy_from_slice(b"4420");
    e.subnqn[..5].copy_from_slice(b"nqn.x");
    e.traddr[..9].copy_from_slice(b"10.0.2.15");
    let mut page = h.as_bytes().to_vec();
    page.extend_from_slice(e.as_bytes());
    let mut o = String::new();
    crate::discovery::print_discovery(&mut o, &page, false);
    for line in [
        "Generation Counter:                    4",
        "Number of Records:                     1",
        "Discovery Log Entry 0",
        "Transport Type:                        3 (TCP)",
        "Address Family:                        1 (IPv4)",
        "Subsystem Type:                        2 (NVM Subsystem)",
        "  Secure Channel:                      Not Specified",
        "Port ID:                               1 (0x0001)",
        "Controller ID:                         65535 (0xffff)",
        "Admin Max SQ Size:                     32",
        "Transport Service Identifier:          4420",
        "NVM Subsystem Qualified Name:          nqn.x",
        "Transport Address:                     10.0.2.15",
    ] {
        has(&o, line);
    }
    // A NUMREC beyond the bytes read stops at the end of the data.
    let mut short = page.clone();
    short[8] = 5;
    let mut o = String::new();
    crate::discovery::print_discovery(&mut o, &short, false);
    assert_eq!(o.matches("Discovery Log Entry").count(), 1);
}
