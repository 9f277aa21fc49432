//! Whatever a controller sends after the connection is up, the host
//! transport answers with a completion or an error, never a panic or a
//! write outside the command's buffer: valid answers with random bytes
//! flipped, cut or inserted, and plain garbage.

mod tcp_util;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use proptest::prelude::*;
use spdk_nvme::spec::cmd::Cmd;
use spdk_nvme::tcp::{encode, DigestOpts, Pdu, PduReader, Role, TcpCtrlr, TcpCtrlrOpts};
use spdk_nvme::transport::CtrlrTransport;
use tcp_util::Io;

/// A controller that sets up the connection and answers Connect, then
/// sends `bytes` as the answer to the next command and closes.
fn serve(l: TcpListener, opts: DigestOpts, bytes: Vec<u8>) {
    let Ok((mut s, _)) = l.accept() else { return };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let mut r = PduReader::new(Role::Controller, 1 << 20);
    let mut buf = vec![0u8; 65536];
    let mut cmds = 0;
    let mut out = Vec::new();
    while cmds < 2 {
        let Ok(n) = s.read(&mut buf) else { return };
        if n == 0 {
            return;
        }
        let Ok(pdus) = r.push_all(&buf[..n]) else {
            return;
        };
        for p in pdus {
            match p {
                Pdu::IcReq { hdgst, ddgst, .. } => {
                    let resp = Pdu::IcResp {
                        pfv: 0,
                        cpda: opts.pda,
                        hdgst: hdgst && opts.hdgst,
                        ddgst: ddgst && opts.ddgst,
                        maxh2cdata: 8192,
                    };
                    encode(&resp, &DigestOpts::default(), &mut out).unwrap();
                    let _ = s.write_all(&out);
                    out.clear();
                    r.set_opts(DigestOpts { pda: 0, ..opts });
                }
                Pdu::CapsuleCmd { sqe, .. } => {
                    cmds += 1;
                    if cmds == 1 {
                        let mut cqe = [0u8; 16];
                        cqe[0] = 1;
                        cqe[12..14].copy_from_slice(&sqe[2..4]);
                        encode(&Pdu::CapsuleResp { cqe }, &opts, &mut out).unwrap();
                        let _ = s.write_all(&out);
                        out.clear();
                    }
                }
                _ => {}
            }
        }
    }
    let _ = s.write_all(&bytes);
}

/// The valid answer to a 4 KiB read with CID 0: C2H data then a response.
fn valid_answer(opts: &DigestOpts, chunks: usize) -> Vec<u8> {
    let mut v = Vec::new();
    let per = 4096 / chunks;
    for i in 0..chunks {
        let p = Pdu::C2HData {
            cccid: 0,
            datao: (i * per) as u32,
            last: i + 1 == chunks,
            success: false,
            data: vec![0xab; per],
        };
        encode(&p, opts, &mut v).unwrap();
    }
    encode(&Pdu::CapsuleResp { cqe: [0; 16] }, opts, &mut v).unwrap();
    v
}

/// Runs one exchange; the read's buffer has guard bytes on both sides
/// that must stay untouched. Returns the read's result and its data.
fn exchange(opts: DigestOpts, bytes: Vec<u8>) -> (Result<spdk_nvme::spec::cmd::Cpl, i32>, Vec<u8>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let srv = std::thread::spawn(move || serve(l, opts, bytes));
    let mut o = TcpCtrlrOpts::new("127.0.0.1", &port.to_string(), "nqn.fuzz");
    (o.hdgst, o.ddgst) = (opts.hdgst, opts.ddgst);
    o.timeout = Duration::from_secs(5);
    let mut c = TcpCtrlr::new(o).unwrap();
    let admin = c.create_admin_qpair(32).unwrap();
    let mut io = Io::new(admin, 32);
    let mut buf = vec![0x11u8; 4096 + 128];
    let mut cmd = Cmd::new(0x02, 0);
    cmd.cdw10 = 0x01 | (1023 << 16);
    let payload = spdk_nvme::request::Payload::Contig {
        buf: buf[64..].as_mut_ptr(),
        md: std::ptr::null_mut(),
    };
    io.submit_cmd(0, cmd, payload, 4096).unwrap();
    let r = io.wait(0);
    match r {
        Ok(c) => assert_eq!(c.cid, 0),
        Err(e) => assert!(e == -libc::ENXIO || e == -libc::ETIMEDOUT, "{e}"),
    }
    assert!(
        buf[..64].iter().all(|&b| b == 0x11),
        "written before the buffer"
    );
    assert!(
        buf[64 + 4096..].iter().all(|&b| b == 0x11),
        "written after the buffer"
    );
    drop(io);
    drop(c);
    srv.join().unwrap();
    (r, buf[64..64 + 4096].to_vec())
}

#[test]
fn valid_answers_complete() {
    for (hdgst, ddgst, pda) in [(false, false, 0), (true, true, 0), (true, true, 3)] {
        let opts = DigestOpts { hdgst, ddgst, pda };
        for chunks in [1, 2, 8] {
            let (r, data) = exchange(opts, valid_answer(&DigestOpts { pda: 0, ..opts }, chunks));
            assert!(r.unwrap().is_success());
            assert!(data.iter().all(|&b| b == 0xab));
        }
    }
}

fn digest_opts() -> impl Strategy<Value = DigestOpts> {
    (
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(0u8), Just(3u8)],
    )
        .prop_map(|(hdgst, ddgst, pda)| DigestOpts { hdgst, ddgst, pda })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn mutated_answers(
        opts in digest_opts(),
        chunks in prop_oneof![Just(1usize), Just(2), Just(8)],
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        cut in any::<prop::sample::Index>(),
        insert in proptest::collection::vec(any::<u8>(), 0..16),
    ) {
        let mut v = valid_answer(&DigestOpts { pda: 0, ..opts }, chunks);
        for (i, x) in &flips {
            let at = i.index(v.len());
            v[at] ^= x;
        }
        if !insert.is_empty() {
            let at = cut.index(v.len());
            v.splice(at..at, insert.iter().copied());
        } else if flips.is_empty() {
            v.truncate(cut.index(v.len()));
        }
        let _ = exchange(opts, v);
    }

    #[test]
    fn garbage(opts in digest_opts(), bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = exchange(opts, bytes);
    }
}
