//! Feeds arbitrary bytes to the NVMe/TCP PDU reader, as either role, after
//! a valid connection setup with options taken from the input, in chunks
//! whose sizes also come from the input. The reader must never panic and
//! every PDU it returns must re-encode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spdk_nvme::tcp::{encode, DigestOpts, Pdu, PduReader, RecvError, Role};

fuzz_target!(|input: &[u8]| {
    let Some((&ctl, rest)) = input.split_first() else {
        return;
    };
    let Some((&chunk, data)) = rest.split_first() else {
        return;
    };
    let controller = ctl & 1 != 0;
    let opts = DigestOpts {
        hdgst: ctl & 2 != 0,
        ddgst: ctl & 4 != 0,
        pda: (ctl >> 3) & 0x1f,
    };
    let role = if controller {
        Role::Controller
    } else {
        Role::Host
    };
    let mut r = PduReader::new(role, 8192);
    let ic = if controller {
        Pdu::IcReq {
            pfv: 0,
            hpda: 0,
            hdgst: opts.hdgst,
            ddgst: opts.ddgst,
            maxr2t: 0,
        }
    } else {
        Pdu::IcResp {
            pfv: 0,
            cpda: 0,
            hdgst: opts.hdgst,
            ddgst: opts.ddgst,
            maxh2cdata: 8192,
        }
    };
    let mut setup = Vec::new();
    encode(&ic, &DigestOpts::default(), &mut setup).expect("ICReq/ICResp encodes");
    r.push(&setup).expect("a valid ICReq/ICResp parses");
    r.set_opts(opts);
    let step = usize::from(chunk).max(1);
    for piece in data.chunks(step) {
        let mut piece = piece;
        while !piece.is_empty() {
            match r.push(piece) {
                Ok((used, pdu)) => {
                    piece = &piece[used..];
                    if let Some(pdu) = pdu {
                        let mut out = Vec::new();
                        encode(&pdu, &opts, &mut out).expect("a parsed PDU re-encodes");
                    }
                }
                Err(RecvError::DataDigest { used, .. }) => piece = &piece[used..],
                Err(RecvError::Fatal { .. }) => return,
            }
        }
    }
});
