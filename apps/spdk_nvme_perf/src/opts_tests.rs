//! Tests of the command line: values, defaults, SPDK's checks and messages.

use super::*;

fn run(a: &[&str]) -> Result<Opts, Stop> {
    let v: Vec<String> = std::iter::once("perf")
        .chain(a.iter().copied())
        .map(String::from)
        .collect();
    parse(&v)
}

fn msg(r: Result<Opts, Stop>) -> (String, bool, i32) {
    match r {
        Err(Stop::Error { msg, usage, code }) => (msg, usage, code),
        Err(Stop::Help { .. }) => panic!("help"),
        Ok(_) => panic!("parsed"),
    }
}

const TCP: &str =
    "trtype:TCP adrfam:IPv4 traddr:127.0.0.1 trsvcid:4420 subnqn:nqn.2024-01.io.spdk:c1";

fn cstr(b: &[core::ffi::c_char]) -> String {
    let v: Vec<u8> = b
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8(v).unwrap()
}

#[test]
fn a_full_command_line() {
    let o = run(&[
        "-q",
        "32",
        "-o",
        "4k",
        "-w",
        "randread",
        "-t",
        "2",
        "-r",
        TCP,
        "-c",
        "0x3",
        "-LL",
        "-P",
        "2",
        "--io-queue-size=64",
        "-C",
        "16",
        "-k",
        "0",
        "-H",
        "-I",
        "--use-every-core",
    ])
    .ok()
    .unwrap();
    assert_eq!(
        (o.queue_depth, o.io_size_bytes, o.time_in_sec),
        (32, 4096, 2)
    );
    assert!(o.is_random);
    assert_eq!((o.workload_type.as_str(), o.rw_percentage), ("read", 100));
    assert_eq!(o.core_mask.as_deref(), Some("0x3"));
    assert_eq!(o.latency_sw_tracking_level, 2);
    assert_eq!(
        (o.nr_io_queues_per_ns, o.io_queue_size, o.max_completions),
        (2, 64, 16)
    );
    assert_eq!(o.keep_alive_timeout_ms, 0);
    assert!(o.header_digest && o.data_digest && o.use_every_core);
    assert_eq!(o.trids.len(), 1);
    assert!(!o.need_pci);
    let t = &o.trids[0].trid;
    assert_eq!(cstr(&t.traddr), "127.0.0.1");
    assert_eq!(cstr(&t.trsvcid), "4420");
    assert_eq!(cstr(&t.subnqn), "nqn.2024-01.io.spdk:c1");
    assert_eq!(
        t.trtype.0,
        spdk_nvme_transport_type::SPDK_NVME_TRANSPORT_TCP as i32
    );
}

#[test]
fn defaults_and_the_pcie_default_trid() {
    let o = run(&["-q", "1", "-o", "512", "-w", "write", "-t", "1"])
        .ok()
        .unwrap();
    assert_eq!(o.rw_percentage, 0);
    assert!(!o.is_random);
    assert!(o.need_pci);
    assert_eq!(o.trids.len(), 1);
    assert_eq!(
        o.trids[0].trid.trtype.0,
        spdk_nvme_transport_type::SPDK_NVME_TRANSPORT_PCIE as i32
    );
    assert_eq!(
        (o.io_align, o.io_unit_size, o.nr_io_queues_per_ns),
        (0x200, !3, 1)
    );
    assert_eq!((o.keep_alive_timeout_ms, o.io_queue_size), (10_000, 65535));
    assert_eq!(o.log_level, LogLevel::Error);
}

#[test]
fn several_transports_and_namespaces() {
    let o = run(&[
        "-q",
        "8",
        "-o",
        "4096",
        "-w",
        "rw",
        "-M",
        "70",
        "-t",
        "1",
        "-r",
        TCP,
        "--transport",
        &format!("{TCP} ns:2 hostnqn:nqn.host"),
        "-r",
        "trtype:PCIe traddr:0000:00:04.0",
    ])
    .ok()
    .unwrap();
    assert_eq!(o.rw_percentage, 70);
    assert_eq!(o.trids.len(), 3);
    assert_eq!(o.trids[1].nsid, 2);
    assert_eq!(cstr(&o.trids[1].hostnqn), "nqn.host");
    assert!(o.need_pci);
}

#[test]
fn required_operands_in_spdk_order() {
    let m = |a: &[&str]| msg(run(a)).0;
    assert_eq!(m(&[]), "missing -q (--io-depth) operand");
    assert_eq!(m(&["-q", "1"]), "missing -o (--io-size) operand");
    assert_eq!(
        m(&["-q", "1", "-o", "1"]),
        "missing -w (--io-pattern) operand"
    );
    assert_eq!(
        m(&["-q", "1", "-o", "1", "-w", "read"]),
        "missing -t (--time) operand"
    );
    assert!(msg(run(&[])).1, "usage follows");
    assert_eq!(
        m(&["-q", "1", "-o", "1", "-w", "rw", "-t", "1"]),
        "-M (--rwmixread) must be specified to value from 0 to 100 for rw or randrw."
    );
    assert_eq!(
        m(&["-q", "1", "-o", "1", "-w", "randrw", "-M", "101", "-t", "1"]),
        "-M (--rwmixread) must be specified to value from 0 to 100 for rw or randrw."
    );
    assert!(m(&["-q", "1", "-o", "1", "-w", "verify", "-t", "1"])
        .starts_with("-w (--io-pattern) io pattern type must be one of"));
    assert_eq!(
        m(&["-q", "1", "-o", "1", "-w", "read", "-t", "1", "-O", "6"]),
        "io unit size can not be 0 or non 4-byte aligned"
    );
    assert_eq!(
        m(&["-q", "4", "-o", "1", "-w", "read", "-t", "1", "-d", "2"]),
        "-d (--number-ios) less than -q (--io-depth) is not supported"
    );
    assert_eq!(
        m(&["-q", "4", "-o", "1", "-w", "read", "-t", "1", "-d", "50%", "-a", "1"]),
        "-d (--number-ios) with -a (--warmup-time) is not supported"
    );
    assert_eq!(
        m(&["-q", "1", "-o", "1", "-w", "read", "-t", "1", "-Q", "0"]),
        "-Q (--continue-on-error) value must be greater than 0"
    );
}

#[test]
fn bad_values() {
    let (m, usage, code) = msg(run(&["-t", "abc"]));
    assert_eq!(
        (m.as_str(), usage, code),
        ("Converting a string to integer failed", false, -22)
    );
    assert_eq!(msg(run(&["-q", "x"])).2, 1);
    assert!(msg(run(&["-A", "32"])).0.starts_with("Wrong alignment 32."));
    assert_eq!(
        msg(run(&["-d", "0%"])).0,
        "Invalid percent value for --number-ios: 0%"
    );
    assert_eq!(msg(run(&["-F", "-1"])).0, "Illegal zipf theta value -1");
    assert_eq!(
        msg(run(&["--log-level", "loud"])).0,
        "unknown log level loud"
    );
    assert!(msg(run(&["-r", "trtype:XYZ traddr"])).1);
    assert_eq!(msg(run(&["-T", "no_such_flag_anywhere"])).0, "unknown flag");
    assert!(msg(run(&["-S", "uring"]))
        .0
        .contains("failed to set sock impl uring"));
    assert_eq!(msg(run(&["-j"])).0, "perf: invalid option -- 'j'");
}

#[test]
fn refused_options_say_why() {
    for a in [
        &["-E"][..],
        &["-y", "nvme"],
        &["--psk-path", "/k"],
        &["-Z", "posix"],
        &["-V"],
    ] {
        let (m, _, code) = msg(run(a));
        assert!(
            m.starts_with("perf: ") && m.contains("not supported"),
            "{m}"
        );
        assert_eq!(code, 1);
    }
    assert!(msg(run(&["-G"])).0.contains("--enable-debug for -G flag"));
    assert!(msg(run(&["-R"])).0.contains("CONFIG_URING=y for -R flag."));
}

#[test]
fn help() {
    assert_eq!(run(&["-h"]).err(), Some(Stop::Help { full: false }));
    assert_eq!(run(&["--help-full"]).err(), Some(Stop::Help { full: true }));
    // SPDK's optstring has "v:": -v alone lacks its argument.
    assert_eq!(run(&["-v", "1"]).err(), Some(Stop::Help { full: true }));
    assert!(msg(run(&["-v"])).0.contains("requires an argument"));
}

#[test]
fn metadata_keys() {
    let mut o = Opts::default();
    parse_metadata("PRACT=1,PRCHK=GUARD|REFTAG", &mut o).unwrap();
    assert_eq!(o.metacfg_pract_flag, io_flags::PRACT);
    assert_eq!(
        o.metacfg_prchk_flags,
        io_flags::PRCHK_GUARD | io_flags::PRCHK_REFTAG
    );
    let mut o = Opts::default();
    parse_metadata(" PRACT=0\tPRCHK=APPTAG ", &mut o).unwrap();
    assert_eq!(
        (o.metacfg_pract_flag, o.metacfg_prchk_flags),
        (0, io_flags::PRCHK_APPTAG)
    );
    assert!(parse_metadata("PRACT", &mut o)
        .unwrap_err()
        .starts_with("Key without '='"));
    assert!(parse_metadata("PRACT=,", &mut o)
        .unwrap_err()
        .starts_with("Key without value"));
    let d = run(&["-q", "4", "-o", "1", "-w", "read", "-t", "1", "-d", "150%"])
        .ok()
        .unwrap();
    assert_eq!(d.number_ios_percent, 150);
}
