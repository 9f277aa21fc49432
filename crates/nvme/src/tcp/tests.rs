use super::*;
use proptest::prelude::*;

fn enc(pdu: &Pdu, opts: &DigestOpts) -> Vec<u8> {
    let mut v = Vec::new();
    encode(pdu, opts, &mut v).unwrap();
    v
}

fn ic_resp() -> Pdu {
    Pdu::IcResp {
        pfv: 0,
        cpda: 0,
        hdgst: true,
        ddgst: true,
        maxh2cdata: 131072,
    }
}

fn ic_req() -> Pdu {
    Pdu::IcReq {
        pfv: 0,
        hpda: 0,
        hdgst: true,
        ddgst: true,
        maxr2t: 0,
    }
}

/// A host-side reader that has seen its ICResp and uses `opts`.
fn host(opts: DigestOpts) -> PduReader {
    let mut r = PduReader::new(Role::Host, 1 << 20);
    let (_, p) = r.push(&enc(&ic_resp(), &opts)).unwrap();
    assert_eq!(p, Some(ic_resp()));
    r.set_opts(opts);
    r
}

fn fatal_of(e: RecvError) -> (Fes, u32) {
    match e {
        RecvError::Fatal { fes, fei, .. } => (fes, fei),
        other => panic!("not fatal: {other:?}"),
    }
}

#[test]
fn digest_is_crc32c() {
    assert_eq!(digest(b"123456789"), 0xE306_9283);
}

#[test]
fn wire_layout() {
    let b = enc(&ic_req(), &DigestOpts::default());
    assert_eq!(b.len(), 128);
    assert_eq!(&b[..8], &[0x00, 0, 128, 0, 128, 0, 0, 0]);
    assert_eq!(b[11], 3);
    let c2h = Pdu::C2HData {
        cccid: 0x1234,
        datao: 512,
        last: true,
        success: true,
        data: vec![7; 10],
    };
    let opts = DigestOpts {
        hdgst: true,
        ddgst: true,
        pda: 0,
    };
    let b = enc(&c2h, &opts);
    // 24 header + 4 hdgst + 10 data + 4 ddgst
    assert_eq!(b.len(), 42);
    assert_eq!(b[0], 0x07);
    assert_eq!(
        b[1],
        CH_FLAGS_HDGSTF | CH_FLAGS_DDGSTF | DATA_FLAGS_LAST_PDU | DATA_FLAGS_SUCCESS
    );
    assert_eq!(b[2], 24);
    assert_eq!(b[3], 28);
    assert_eq!(u32::from_le_bytes(b[4..8].try_into().unwrap()), 42);
    assert_eq!(&b[8..10], &[0x34, 0x12]);
    assert_eq!(u32::from_le_bytes(b[16..20].try_into().unwrap()), 10);
    assert_eq!(
        u32::from_le_bytes(b[24..28].try_into().unwrap()),
        digest(&b[..24])
    );
    // Alignment to (pda + 1) * 4 = 32 bytes.
    let b = enc(&c2h, &DigestOpts { pda: 7, ..opts });
    assert_eq!(b[3], 32);
    assert!(b[28..32].iter().all(|&x| x == 0));
    let cmd = Pdu::CapsuleCmd {
        sqe: [1; 64],
        data: vec![],
    };
    let b = enc(&cmd, &DigestOpts::default());
    assert_eq!((b.len(), b[2], b[3]), (72, 72, 0));
}

#[test]
fn partial_reads_byte_by_byte() {
    let opts = DigestOpts {
        hdgst: true,
        ddgst: true,
        pda: 3,
    };
    let pdus = vec![
        Pdu::CapsuleResp { cqe: [9; 16] },
        Pdu::C2HData {
            cccid: 3,
            datao: 0,
            last: false,
            success: false,
            data: (0..=255).collect(),
        },
        Pdu::R2T {
            cccid: 4,
            ttag: 5,
            r2to: 6,
            r2tl: 7,
        },
    ];
    let mut stream = Vec::new();
    for p in &pdus {
        encode(p, &opts, &mut stream).unwrap();
    }
    let mut r = host(opts);
    let mut got = Vec::new();
    for b in &stream {
        let (n, p) = r.push(std::slice::from_ref(b)).unwrap();
        assert_eq!(n, 1);
        got.extend(p);
    }
    assert_eq!(got, pdus);
    assert!(!r.in_progress());
}

#[test]
fn header_errors() {
    let none = DigestOpts::default();
    // Unknown type.
    let mut r = host(none);
    let mut b = enc(&Pdu::CapsuleResp { cqe: [0; 16] }, &none);
    b[0] = 0x08;
    assert_eq!(
        fatal_of(r.push(&b).unwrap_err()),
        (Fes::InvalidHeaderField, 0)
    );
    // Sticky.
    assert!(r.push(&[]).is_err());
    // Wrong direction: a host never receives a CapsuleCmd.
    let cmd = enc(
        &Pdu::CapsuleCmd {
            sqe: [0; 64],
            data: vec![],
        },
        &none,
    );
    assert_eq!(
        fatal_of(host(none).push(&cmd).unwrap_err()),
        (Fes::InvalidHeaderField, 0)
    );
    // Bad hlen.
    let mut b = enc(&Pdu::CapsuleResp { cqe: [0; 16] }, &none);
    b[2] = 25;
    assert_eq!(
        fatal_of(host(none).push(&b).unwrap_err()),
        (Fes::InvalidHeaderField, 2)
    );
    // Bad plen (too long for a CapsuleResp): detected from the common
    // header alone, before the body arrives.
    let mut b = enc(&Pdu::CapsuleResp { cqe: [0; 16] }, &none);
    b[4] = 200;
    assert_eq!(
        fatal_of(host(none).push(&b[..8]).unwrap_err()),
        (Fes::InvalidHeaderField, 4)
    );
    // Header digest flag without a negotiated header digest.
    let mut b = enc(&Pdu::CapsuleResp { cqe: [0; 16] }, &none);
    b[1] |= CH_FLAGS_HDGSTF;
    assert_eq!(
        fatal_of(host(none).push(&b).unwrap_err()),
        (Fes::InvalidHeaderField, 1)
    );
    // PDO pointing into the header.
    let c2h = Pdu::C2HData {
        cccid: 1,
        datao: 0,
        last: true,
        success: false,
        data: vec![1; 8],
    };
    let mut b = enc(&c2h, &none);
    b[3] = 8;
    assert_eq!(
        fatal_of(host(none).push(&b).unwrap_err()),
        (Fes::InvalidHeaderField, 3)
    );
    // PDO beyond PLEN.
    let mut b = enc(&c2h, &none);
    b[3] = 40;
    assert_eq!(
        fatal_of(host(none).push(&b).unwrap_err()),
        (Fes::InvalidHeaderField, 4)
    );
    // DATAL disagreeing with the data.
    let mut b = enc(&c2h, &none);
    b[16] = 9;
    assert_eq!(
        fatal_of(host(none).push(&b).unwrap_err()),
        (Fes::InvalidHeaderField, 16)
    );
    // Too much data.
    let mut r = host(none);
    r.set_max_data(4);
    assert_eq!(
        fatal_of(r.push(&enc(&c2h, &none)).unwrap_err()),
        (Fes::DataTransferLimitExceeded, 0)
    );
    // Termination request longer than allowed.
    let mut b = enc(&term_req(true, Fes::PduSequenceError, 0, &[1; 128]), &none);
    b[4..8].copy_from_slice(&(153u32).to_le_bytes());
    assert_eq!(
        fatal_of(host(none).push(&b).unwrap_err()),
        (Fes::InvalidHeaderField, 4)
    );
}

#[test]
fn sequence_errors() {
    let none = DigestOpts::default();
    // Anything but ICResp first.
    let mut r = PduReader::new(Role::Host, 4096);
    let b = enc(&Pdu::CapsuleResp { cqe: [0; 16] }, &none);
    assert_eq!(
        fatal_of(r.push(&b).unwrap_err()),
        (Fes::PduSequenceError, 0)
    );
    // A second ICResp.
    let mut r = host(none);
    let b = enc(&ic_resp(), &none);
    assert_eq!(
        fatal_of(r.push(&b).unwrap_err()),
        (Fes::PduSequenceError, 0)
    );
    // ICResp fields.
    for (at, v, fei) in [(8usize, 1u8, 8u32), (10, 32, 10), (13, 0, 12)] {
        let mut b = enc(&ic_resp(), &none);
        b[at] = v;
        if at == 13 {
            b[12..16].copy_from_slice(&4095u32.to_le_bytes());
        }
        let mut r = PduReader::new(Role::Host, 4096);
        assert_eq!(
            fatal_of(r.push(&b).unwrap_err()),
            (Fes::InvalidHeaderField, fei)
        );
    }
    // A controller takes an ICReq, then commands.
    let mut r = PduReader::new(Role::Controller, 8192);
    assert_eq!(r.push(&enc(&ic_req(), &none)).unwrap().1, Some(ic_req()));
    let cmd = Pdu::CapsuleCmd {
        sqe: [2; 64],
        data: vec![3; 100],
    };
    assert_eq!(r.push(&enc(&cmd, &none)).unwrap().1, Some(cmd));
}

#[test]
fn digest_errors() {
    let opts = DigestOpts {
        hdgst: true,
        ddgst: true,
        pda: 0,
    };
    let c2h = Pdu::C2HData {
        cccid: 77,
        datao: 0,
        last: true,
        success: false,
        data: vec![5; 64],
    };
    // Header digest: fatal.
    let mut b = enc(&c2h, &opts);
    b[25] ^= 1;
    assert_eq!(
        fatal_of(host(opts).push(&b).unwrap_err()),
        (Fes::HdgstError, 0)
    );
    // Data digest: this command fails, the stream goes on.
    let mut r = host(opts);
    let mut b = enc(&c2h, &opts);
    let n = b.len();
    b[n - 1] ^= 1;
    assert_eq!(
        r.push(&b).unwrap_err(),
        RecvError::DataDigest {
            cccid: 77,
            used: b.len()
        }
    );
    assert_eq!(r.push(&enc(&c2h, &opts)).unwrap().1, Some(c2h));
}

#[test]
fn term_req_carries_header() {
    let t = term_req(false, Fes::InvalidHeaderField, 2, &[0xaa; 200]);
    match &t {
        Pdu::TermReq { fes, fei, data, .. } => {
            assert_eq!((*fes, *fei, data.len()), (1, 2, 128));
        }
        _ => unreachable!(),
    }
    let mut r = PduReader::new(Role::Controller, 0);
    let b = enc(&t, &DigestOpts::default());
    assert_eq!(b.len(), 24 + 128);
    assert_eq!(r.push(&b).unwrap().1, Some(t));
    // FEI is only for field errors.
    match term_req(true, Fes::HdgstError, 5, &[1]) {
        Pdu::TermReq { fei, .. } => assert_eq!(fei, 0),
        _ => unreachable!(),
    }
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..=max)
}

fn host_pdu() -> impl Strategy<Value = Pdu> {
    prop_oneof![
        (1usize..=128, any::<u16>(), any::<u32>()).prop_map(|(n, fes, fei)| Pdu::TermReq {
            c2h: true,
            fes,
            fei,
            data: vec![0x5a; n],
        }),
        any::<[u8; 16]>().prop_map(|cqe| Pdu::CapsuleResp { cqe }),
        (
            any::<u16>(),
            any::<u32>(),
            any::<bool>(),
            any::<bool>(),
            bytes(600)
        )
            .prop_map(|(cccid, datao, last, success, data)| Pdu::C2HData {
                cccid,
                datao,
                last,
                success,
                data,
            }),
        (any::<u16>(), any::<u16>(), any::<u32>(), any::<u32>()).prop_map(
            |(cccid, ttag, r2to, r2tl)| Pdu::R2T {
                cccid,
                ttag,
                r2to,
                r2tl,
            }
        ),
    ]
}

fn controller_pdu() -> impl Strategy<Value = Pdu> {
    prop_oneof![
        (prop::array::uniform32(any::<u8>()), bytes(600)).prop_map(|(half, data)| {
            let mut sqe = [0u8; 64];
            sqe[..32].copy_from_slice(&half);
            sqe[32..].copy_from_slice(&half);
            Pdu::CapsuleCmd { sqe, data }
        }),
        (
            any::<u16>(),
            any::<u16>(),
            any::<u32>(),
            any::<bool>(),
            bytes(600)
        )
            .prop_map(|(cccid, ttag, datao, last, data)| Pdu::H2CData {
                cccid,
                ttag,
                datao,
                last,
                data,
            }),
        (1usize..=128).prop_map(|n| Pdu::TermReq {
            c2h: false,
            fes: 2,
            fei: 0,
            data: vec![1; n],
        }),
    ]
}

fn opts() -> impl Strategy<Value = DigestOpts> {
    (any::<bool>(), any::<bool>(), 0u8..=PDA_MAX).prop_map(|(hdgst, ddgst, pda)| DigestOpts {
        hdgst,
        ddgst,
        pda,
    })
}

/// Feeds `stream` to `r` in chunks of the given sizes (cycled).
fn feed(r: &mut PduReader, stream: &[u8], chunks: &[usize]) -> Result<Vec<Pdu>, RecvError> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut i = 0;
    while at < stream.len() {
        let n = chunks[i % chunks.len()].max(1).min(stream.len() - at);
        i += 1;
        let mut piece = &stream[at..at + n];
        at += n;
        while !piece.is_empty() {
            let (used, p) = r.push(piece)?;
            piece = &piece[used..];
            out.extend(p);
        }
    }
    Ok(out)
}

proptest! {
    #[test]
    fn host_round_trip(o in opts(), pdus in prop::collection::vec(host_pdu(), 1..8),
                       chunks in prop::collection::vec(1usize..200, 1..6)) {
        let mut stream = Vec::new();
        encode(&ic_resp(), &DigestOpts::default(), &mut stream).unwrap();
        let ic_len = stream.len();
        for p in &pdus {
            encode(p, &o, &mut stream).unwrap();
        }
        let mut r = PduReader::new(Role::Host, 1 << 16);
        let first = feed(&mut r, &stream[..ic_len], &chunks).unwrap();
        prop_assert_eq!(first, vec![ic_resp()]);
        r.set_opts(o);
        let got = feed(&mut r, &stream[ic_len..], &chunks).unwrap();
        prop_assert_eq!(got, pdus);
    }

    #[test]
    fn controller_round_trip(o in opts(), pdus in prop::collection::vec(controller_pdu(), 1..8),
                             chunks in prop::collection::vec(1usize..200, 1..6)) {
        let mut stream = Vec::new();
        encode(&ic_req(), &DigestOpts::default(), &mut stream).unwrap();
        let ic_len = stream.len();
        for p in &pdus {
            encode(p, &o, &mut stream).unwrap();
        }
        let mut r = PduReader::new(Role::Controller, 1 << 16);
        prop_assert_eq!(feed(&mut r, &stream[..ic_len], &chunks).unwrap(), vec![ic_req()]);
        r.set_opts(o);
        prop_assert_eq!(feed(&mut r, &stream[ic_len..], &chunks).unwrap(), pdus);
    }

    /// Mutated streams (flipped, inserted and removed bytes, truncation)
    /// give PDUs or errors, never a panic; the reader stays bounded.
    #[test]
    fn mutated_streams_never_panic(o in opts(), pdus in prop::collection::vec(host_pdu(), 1..6),
                                   muts in prop::collection::vec((any::<usize>(), any::<u8>(), 0u8..4), 1..12),
                                   chunks in prop::collection::vec(1usize..64, 1..4)) {
        let mut stream = Vec::new();
        encode(&ic_resp(), &DigestOpts::default(), &mut stream).unwrap();
        for p in &pdus {
            encode(p, &o, &mut stream).unwrap();
        }
        for (at, v, kind) in muts {
            if stream.is_empty() {
                break;
            }
            let i = at % stream.len();
            match kind {
                0 => stream[i] ^= v | 1,
                1 => stream.insert(i, v),
                2 => { stream.remove(i); }
                _ => stream.truncate(i),
            }
        }
        let mut r = PduReader::new(Role::Host, 4096);
        let mut fed_ic = false;
        let mut rest = &stream[..];
        let mut ci = 0;
        while !rest.is_empty() {
            let n = chunks[ci % chunks.len()].min(rest.len());
            ci += 1;
            let mut piece = &rest[..n];
            rest = &rest[n..];
            while !piece.is_empty() {
                match r.push(piece) {
                    Ok((used, p)) => {
                        prop_assert!(used > 0);
                        piece = &piece[used..];
                        if p.is_some() && !fed_ic {
                            fed_ic = true;
                            r.set_opts(o);
                        }
                    }
                    Err(RecvError::DataDigest { used, .. }) => {
                        prop_assert!(used > 0);
                        piece = &piece[used..];
                    }
                    Err(RecvError::Fatal { header, .. }) => {
                        prop_assert!(header.len() <= TERM_REQ_ERROR_DATA_MAX);
                        prop_assert!(r.push(piece).is_err());
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Random bytes, for both roles, any negotiated options.
    #[test]
    fn random_bytes_never_panic(o in opts(), data in bytes(2048), connected in any::<bool>(),
                                controller in any::<bool>()) {
        let role = if controller { Role::Controller } else { Role::Host };
        let mut r = PduReader::new(role, 1024);
        if connected {
            let ic = if controller { ic_req() } else { ic_resp() };
            r.push(&enc(&ic, &DigestOpts::default())).unwrap();
            r.set_opts(o);
        }
        let mut rest = &data[..];
        while !rest.is_empty() {
            match r.push(rest) {
                Ok((used, _)) | Err(RecvError::DataDigest { used, .. }) => rest = &rest[used..],
                Err(RecvError::Fatal { .. }) => break,
            }
        }
    }
}
