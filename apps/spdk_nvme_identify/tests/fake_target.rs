//! spdk_nvme_identify as a process against the NVMe library's in-process
//! fake NVMe/TCP target (crates/nvme/tests/fake_tcp): the NVM subsystem's
//! report, the discovery controller's log page, hex dumps, failures.

#[path = "../../../crates/nvme/tests/fake_tcp/mod.rs"]
mod fake_tcp;

use std::process::{Command, Output};

use fake_tcp::{Config, FakeTarget};

fn identify(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spdk_nvme_identify"))
        .args(args)
        .output()
        .expect("spdk_nvme_identify runs")
}

fn has(out: &str, line: &str) {
    // Padded fields (spaces in the discovery log) print as they are.
    assert!(
        out.lines().any(|l| l.trim_end() == line),
        "no line {line:?} in\n{out}"
    );
}

#[test]
fn nvm_subsystem_report() {
    let t = FakeTarget::start(Config::default());
    let r = format!(
        "trtype:TCP adrfam:IPv4 traddr:127.0.0.1 trsvcid:{} subnqn:nqn.2024-01.io.spdk:fake",
        t.port()
    );
    let o = identify(&["-r", &r]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    has(
        &out,
        "NVMeoF Controller at TCP (addr:127.0.0.1 subnqn:nqn.2024-01.io.spdk:fake)",
    );
    for line in [
        "Vendor ID:                             1b36",
        // NUL padding (not the specification's spaces) shows as dots, as
        // SPDK's tool prints it.
        "Serial Number:                         FAKE................",
        "Model Number:                          Fake....................................",
        "Subsystem NQN:                         nqn.2024-01.io.spdk:fake",
        "Keep Alive:                            Supported",
        "Keep Alive Granularity:                1000 ms",
        "Active Namespaces",
        "Namespace ID:1",
        "Size (in LBAs):                        8192 (0GiB)",
        "LBA Format #00: Data Size:   512  Metadata Size:     0",
    ] {
        has(&out, line);
    }
    let o = identify(&["-x", "-r", &r]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.lines()
            .any(|l| l.starts_with("00000000: 36 1B 00 00 46 41 4B 45")),
        "{out}"
    );
}

#[test]
fn discovery_log() {
    let cfg = Config {
        discovery: vec![(
            "127.0.0.1".into(),
            "4420".into(),
            "nqn.2024-01.io.spdk:fake".into(),
        )],
        ..Config::default()
    };
    let t = FakeTarget::start(cfg);
    let r = format!(
        "trtype:TCP adrfam:IPv4 traddr:127.0.0.1 trsvcid:{} subnqn:nqn.2014-08.org.nvmexpress.discovery",
        t.port()
    );
    let o = identify(&["-r", &r]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    for line in [
        "Discovery Log Page",
        "Number of Records:                     1",
        "Discovery Log Entry 0",
        "Transport Type:                        3 (TCP)",
        "NVM Subsystem Qualified Name:          nqn.2024-01.io.spdk:fake",
        "Transport Address:                     127.0.0.1",
        "Transport Service Identifier:          4420",
    ] {
        has(&out, line);
    }
    assert!(!out.contains("Namespace ID:"));
}

#[test]
fn failures() {
    let port = FakeTarget::start(Config::default()).port();
    let r = format!("trtype:TCP adrfam:IPv4 traddr:127.0.0.1 trsvcid:{port} subnqn:nqn.x");
    let o = identify(&["-r", &r]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("spdk_nvme_connect() failed"));
    let o = identify(&["-H"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("-x         print hex dump of raw data"));
    let o = identify(&["-Q"]);
    assert_eq!(o.status.code(), Some(1));
}
