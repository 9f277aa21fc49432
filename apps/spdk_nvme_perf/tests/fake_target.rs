//! spdk_nvme_perf as a process against the NVMe library's in-process fake
//! NVMe/TCP target (crates/nvme/tests/fake_tcp) on 127.0.0.1: the results
//! table, the latency data, two cores, namespaces on every core, and the
//! failures (nobody listening, a bad option).

#[path = "../../../crates/nvme/tests/fake_tcp/mod.rs"]
mod fake_tcp;

use std::process::{Command, Output};

use fake_tcp::{Config, FakeTarget};

fn perf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spdk_nvme_perf"))
        .args(args)
        .output()
        .expect("spdk_nvme_perf runs")
}

fn trid(t: &FakeTarget) -> String {
    format!(
        "trtype:TCP adrfam:IPv4 traddr:127.0.0.1 trsvcid:{} subnqn:nqn.2024-01.io.spdk:fake",
        t.port()
    )
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The numbers of the line starting with `prefix` (after its colon).
fn numbers(out: &str, prefix: &str) -> Vec<f64> {
    let l = out
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} line in\n{out}"));
    l.rsplit(':')
        .next()
        .unwrap()
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect()
}

#[test]
fn randread_table() {
    let t = FakeTarget::start(Config::default());
    let r = trid(&t);
    let o = perf(&[
        "-q", "16", "-o", "4096", "-w", "randread", "-t", "1", "-r", &r,
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    let name = "TCP (addr:127.0.0.1 subnqn:nqn.2024-01.io.spdk:fake) NSID 1";
    assert!(out.contains("Initializing NVMe Controllers\n"), "{out}");
    assert!(out.contains(
        "Attached to NVMeoF Controller at TCP (addr:127.0.0.1 subnqn:nqn.2024-01.io.spdk:fake)
"
    ));
    assert!(out.contains(&format!("Associating {name} with lcore 0\n")));
    assert!(out.contains("Initialization complete. Launching workers.\n"));
    println!("{out}");
    let row = numbers(&out, &format!("{name} from core  0:"));
    let total = numbers(&out, "Total");
    assert_eq!(row.len(), 5);
    assert!(row[0] > 0.0, "IOPS {out}");
    assert!((row[1] - row[0] * 4096.0 / 1048576.0).abs() < 0.02);
    assert!(
        row[3] <= row[2] && row[2] <= row[4],
        "min <= avg <= max: {row:?}"
    );
    assert_eq!(row, total);
    assert!(t.violations().is_empty(), "{:?}", t.violations());
}

#[test]
fn mixed_with_latency_histogram() {
    let t = FakeTarget::start(Config::default());
    let r = trid(&t);
    let o = perf(&[
        "-q", "8", "-o", "8k", "-w", "randrw", "-M", "50", "-t", "1", "-LL", "-r", &r,
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(out.contains("Summary latency data for TCP (addr:127.0.0.1 subnqn:nqn.2024-01.io."));
    assert!(out.contains("Latency histogram for "));
    assert!(out.contains("       Range in us     Cumulative    IO count\n"));
    assert!(out.lines().any(|l| l.starts_with(" 99.00000% : ")));
    // The target saw writes (8 KiB: through R2T) and reads.
    let st = t.stats();
    assert!(st.r2t.load(std::sync::atomic::Ordering::SeqCst) > 0);
    assert!(st.c2h.load(std::sync::atomic::Ordering::SeqCst) > 0);
}

#[test]
fn two_cores_every_core() {
    let t = FakeTarget::start(Config::default());
    let r = trid(&t);
    let o = perf(&[
        "-q",
        "4",
        "-o",
        "4096",
        "-w",
        "read",
        "-t",
        "1",
        "-c",
        "0x3",
        "-P",
        "2",
        "--use-every-core",
        "-r",
        &r,
    ]);
    let (out, err) = text(&o);
    if err.contains("Unable to initialize SPDK env") {
        eprintln!("one core here: skipped");
        return;
    }
    assert!(o.status.success(), "{out}\n{err}");
    assert!(out.contains("from core  0:"), "{out}");
    assert!(out.contains("from core  1:"), "{out}");
    let total = numbers(&out, "Total");
    assert!(total[0] > 0.0);
}

#[test]
fn number_of_ios_ends_the_run() {
    let t = FakeTarget::start(Config::default());
    let r = trid(&t);
    let o = perf(&[
        "-q", "4", "-o", "512", "-w", "write", "-t", "30", "-d", "200", "-r", &r,
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    let row = numbers(&out, "Total");
    assert!(row[0] > 0.0);
}

#[test]
fn failures() {
    // Nobody listens on the port of a target that is gone.
    let port = FakeTarget::start(Config::default()).port();
    let r = format!(
        "trtype:TCP adrfam:IPv4 traddr:127.0.0.1 trsvcid:{port} subnqn:nqn.2024-01.io.spdk:fake"
    );
    let o = perf(&["-q", "1", "-o", "4096", "-w", "read", "-t", "1", "-r", &r]);
    let (out, err) = text(&o);
    assert!(!o.status.success(), "{out}\n{err}");
    assert!(err.contains("errors occurred"), "{err}");
    let o = perf(&["-q", "1", "-o", "4096", "-w", "bogus", "-t", "1", "-r", &r]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o)
        .1
        .contains("-w (--io-pattern) io pattern type must be one of"));
    let o = perf(&["-h"]);
    assert!(o.status.success());
    assert!(text(&o).0.contains("NVMe Performance Testing Tool"));
}

#[test]
fn io_unit_size_scatter_list() {
    // -O 1024: each 8 KiB buffer goes to the driver as eight pieces.
    let t = FakeTarget::start(Config::default());
    let r = trid(&t);
    let o = perf(&[
        "-q", "4", "-o", "8192", "-O", "1024", "-w", "randrw", "-M", "50", "-t", "1", "-r", &r,
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(numbers(&out, "Total")[0] > 0.0);
    assert!(t.violations().is_empty(), "{:?}", t.violations());
}

#[test]
fn the_io_loops_allocate_nothing() {
    // The tool counts its workers' heap allocations from the first
    // submission to the end of the drain when asked to.
    let t = FakeTarget::start(Config::default());
    let r = trid(&t);
    for extra in [
        &["-w", "randrw", "-M", "30", "-LL"][..],
        &["-w", "write", "-O", "512"],
    ] {
        let mut args = vec!["-q", "16", "-o", "4096", "-t", "1", "-r", &r];
        args.extend_from_slice(extra);
        let o = Command::new(env!("CARGO_BIN_EXE_spdk_nvme_perf"))
            .args(&args)
            .env("SPDK_NVME_PERF_COUNT_ALLOCS", "1")
            .output()
            .unwrap();
        let (out, err) = text(&o);
        assert!(o.status.success(), "{out}\n{err}");
        assert!(
            out.contains("Heap allocations in the workers' I/O loops: 0\n"),
            "{extra:?}: {out}"
        );
        assert!(numbers(&out, "Total")[0] > 0.0);
    }
}
