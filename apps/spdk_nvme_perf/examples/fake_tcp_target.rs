//! The NVMe library's in-process fake NVMe/TCP target
//! (crates/nvme/tests/fake_tcp) as a process, for running spdk_nvme_perf
//! or spdk_nvme_identify against a loopback target by hand or for a
//! measurement: prints "listening on 127.0.0.1:PORT subnqn NQN" and
//! serves until stdin closes or it is killed.
//!
//! usage: fake_tcp_target [MiB of namespace (default 64)]

#[path = "../../../crates/nvme/tests/fake_tcp/mod.rs"]
mod fake_tcp;

use std::io::{Read, Write};

fn main() {
    let mib: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(64);
    let cfg = fake_tcp::Config {
        ns_blocks: mib * 1024 * 1024 / fake_tcp::BLOCK as u64,
        ..fake_tcp::Config::default()
    };
    let nqn = cfg.subnqn.clone();
    let t = fake_tcp::FakeTarget::start(cfg);
    println!("listening on 127.0.0.1:{} subnqn {nqn}", t.port());
    let _ = std::io::stdout().flush();
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    let v = t.violations();
    if !v.is_empty() {
        eprintln!("fake_tcp_target: protocol violations: {v:?}");
        std::process::exit(1);
    }
}
