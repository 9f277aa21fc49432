//! The NVMe/TCP I/O path allocates nothing once a queue pair is up:
//! in-capsule and R2T writes, chunked reads, with and without digests.

mod fake_tcp;
mod tcp_util;

use std::time::Duration;

use fake_tcp::{Config, FakeTarget};
use spdk_nvme::tcp::{TcpCtrlr, TcpCtrlrOpts};
use spdk_nvme::transport::{CtrlrTransport, QpairOpts};
use spdk_util::alloc_count::{count_allocations, CountingAlloc};
use tcp_util::Io;

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

#[test]
fn io_path_allocates_nothing() {
    for digests in [false, true] {
        let t = FakeTarget::start(Config {
            c2h_chunk: 8192,
            ..Config::default()
        });
        let mut o = TcpCtrlrOpts::new("127.0.0.1", &t.port(), "nqn.2024-01.io.spdk:fake");
        (o.hdgst, o.ddgst) = (digests, digests);
        o.timeout = Duration::from_secs(5);
        let mut c = TcpCtrlr::new(o).unwrap();
        let mut admin = c.create_admin_qpair(32).unwrap();
        c.enable().unwrap();
        let cd = c.identify_ctrlr().unwrap();
        c.set_ioccsz(cd.nvmf_specific.ioccsz);
        let q = c
            .create_io_qpair(
                &mut admin,
                1,
                &QpairOpts {
                    io_queue_size: 32,
                    io_queue_requests: 32,
                    qprio: 0,
                    delay_cmd_submit: true,
                },
            )
            .unwrap();
        let mut io = Io::new(q, 32);
        let mut bufs: Vec<Vec<u8>> = (0..16)
            .map(|i| vec![i as u8; if i % 2 == 0 { 4096 } else { 65536 }])
            .collect();
        let mut round = |io: &mut Io| {
            for (i, b) in bufs.iter_mut().enumerate() {
                io.submit_rw(i as u16, true, i as u64 * 128, b.len(), b.as_mut_ptr())
                    .unwrap();
                io.submit_rw(
                    16 + i as u16,
                    false,
                    i as u64 * 128 + 64,
                    b.len(),
                    b.as_mut_ptr(),
                )
                .unwrap();
            }
            for cid in 0..32u16 {
                assert!(io.wait(cid).unwrap().is_success());
            }
        };
        round(&mut io);
        let n = count_allocations(|| {
            for _ in 0..20 {
                round(&mut io);
            }
        });
        assert_eq!(n, 0, "allocations on the I/O path (digests {digests})");
        assert!(t.violations().is_empty(), "{:?}", t.violations());
    }
}
