//! The send side of a host connection: a preallocated byte buffer PDUs are
//! serialized into (no allocation per PDU) and flushed to the nonblocking
//! socket as it accepts bytes.

use std::io::{ErrorKind, Write};
use std::net::TcpStream;

use super::pdu::*;

/// Bytes queued for the socket: `buf[head..tail]`.
pub(crate) struct TxBuf {
    buf: Box<[u8]>,
    head: usize,
    tail: usize,
}

impl TxBuf {
    pub fn new(cap: usize) -> TxBuf {
        TxBuf {
            buf: vec![0u8; cap].into_boxed_slice(),
            head: 0,
            tail: 0,
        }
    }

    /// Bytes not yet accepted by the socket.
    pub fn pending(&self) -> usize {
        self.tail - self.head
    }

    /// Free bytes once the unsent ones are moved to the front.
    pub fn free(&self) -> usize {
        self.buf.len() - self.pending()
    }

    /// `n` contiguous free bytes at the end of the queue, or None when
    /// fewer are free. Moves the unsent bytes to the front when that makes
    /// room (rare: the queue is usually empty between batches).
    pub fn reserve(&mut self, n: usize) -> Option<&mut [u8]> {
        if self.buf.len() - self.tail < n {
            if self.free() < n {
                return None;
            }
            self.buf.copy_within(self.head..self.tail, 0);
            self.tail -= self.head;
            self.head = 0;
        }
        Some(&mut self.buf[self.tail..self.tail + n])
    }

    /// Up to `max` contiguous free bytes (fewer when that is all there is,
    /// possibly none), for a PDU streamed into the queue piece by piece.
    pub fn reserve_some(&mut self, max: usize) -> &mut [u8] {
        if self.buf.len() - self.tail < max && self.head > 0 {
            self.buf.copy_within(self.head..self.tail, 0);
            self.tail -= self.head;
            self.head = 0;
        }
        let n = max.min(self.buf.len() - self.tail);
        &mut self.buf[self.tail..self.tail + n]
    }

    /// The queued bytes.
    pub fn queued(&self) -> &[u8] {
        &self.buf[self.head..self.tail]
    }

    /// Forgets the queued bytes.
    pub fn clear(&mut self) {
        self.head = 0;
        self.tail = 0;
    }

    /// Queues `n` bytes written into the last `reserve`.
    pub fn commit(&mut self, n: usize) {
        self.tail += n;
    }

    /// Sends what the socket accepts. Ok(true) when everything went.
    pub fn flush(&mut self, sock: &mut TcpStream) -> Result<bool, i32> {
        while self.head < self.tail {
            match sock.write(&self.buf[self.head..self.tail]) {
                Ok(0) => return Err(libc::ECONNRESET),
                Ok(n) => self.head += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e.raw_os_error().unwrap_or(libc::EIO)),
            }
        }
        self.head = 0;
        self.tail = 0;
        Ok(true)
    }
}

/// Where the parts of a PDU go: header, its digest, padding, data, data
/// digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    pub hlen: usize,
    pub hdgst: bool,
    pub data_at: usize,
    pub data_len: usize,
    pub ddgst: bool,
    pub total: usize,
}

/// The layout of a PDU of type `t` carrying `data_len` bytes, with the
/// digests and the receiver's alignment in `opts`.
pub(crate) fn layout(t: PduType, data_len: usize, opts: &DigestOpts) -> Layout {
    let hlen = t.hlen();
    let hdgst = opts.hdgst && t.has_hdgst();
    let ddgst = opts.ddgst && t.carries_data() && data_len > 0;
    let header_end = hlen + if hdgst { DIGEST_LEN } else { 0 };
    let data_at = if data_len > 0 && t.carries_data() {
        data_offset(hlen, hdgst, opts.pda)
    } else {
        header_end
    };
    Layout {
        hlen,
        hdgst,
        data_at,
        data_len,
        ddgst,
        total: data_at + data_len + if ddgst { DIGEST_LEN } else { 0 },
    }
}

/// Writes the part of a PDU before its data into `out` (`l.data_at`
/// bytes): common header, PDU specific header (filled by `psh` after
/// zeroing), header digest, padding. For a PDU whose data follows later.
pub(crate) fn write_header(
    out: &mut [u8],
    t: PduType,
    flags: u8,
    l: &Layout,
    psh: impl FnOnce(&mut [u8]),
) {
    let out = &mut out[..l.data_at];
    let (hdr, rest) = out.split_at_mut(l.hlen);
    hdr[CH_LEN..].fill(0);
    psh(&mut hdr[CH_LEN..]);
    let mut f = flags;
    if l.hdgst {
        f |= CH_FLAGS_HDGSTF;
    }
    if l.ddgst {
        f |= CH_FLAGS_DDGSTF;
    }
    let pdo = if l.data_len > 0 { l.data_at as u8 } else { 0 };
    CommonHeader {
        pdu_type: t as u8,
        flags: f,
        hlen: l.hlen as u8,
        pdo,
        plen: l.total as u32,
    }
    .write(hdr);
    let mut at = 0;
    if l.hdgst {
        let d = digest(hdr);
        rest[..DIGEST_LEN].copy_from_slice(&d.to_le_bytes());
        at = DIGEST_LEN;
    }
    rest[at..].fill(0);
}

/// Serializes a PDU into `out` (exactly `l.total` bytes): `psh` fills the
/// PDU specific header (bytes 8..hlen, zeroed first), `fill` the data
/// (`l.data_len` bytes). Digests are computed here. `flags` are the
/// type-specific flags; the digest flags are added from `l`.
pub(crate) fn write_pdu<E>(
    out: &mut [u8],
    t: PduType,
    flags: u8,
    l: &Layout,
    psh: impl FnOnce(&mut [u8]),
    fill: impl FnOnce(&mut [u8]) -> Result<(), E>,
) -> Result<(), E> {
    let out = &mut out[..l.total];
    write_header(out, t, flags, l, psh);
    let data = &mut out[l.data_at..l.data_at + l.data_len];
    fill(data)?;
    if l.ddgst {
        let d = digest(data);
        out[l.data_at + l.data_len..].copy_from_slice(&d.to_le_bytes());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The zero-allocation writer produces what the reference encoder does.
    #[test]
    fn matches_encode() {
        for (hdgst, ddgst, pda) in [
            (false, false, 0),
            (true, false, 0),
            (false, true, 0),
            (true, true, 0),
            (true, true, 3),
        ] {
            let opts = DigestOpts { hdgst, ddgst, pda };
            let data: Vec<u8> = (0..1000u32).map(|i| i as u8).collect();
            let pdu = Pdu::H2CData {
                cccid: 7,
                ttag: 9,
                datao: 4096,
                last: true,
                data: data.clone(),
            };
            let mut want = Vec::new();
            encode(&pdu, &opts, &mut want).unwrap();
            let l = layout(PduType::H2CData, data.len(), &opts);
            let mut got = vec![0xaau8; l.total];
            write_pdu::<()>(
                &mut got,
                PduType::H2CData,
                DATA_FLAGS_LAST_PDU,
                &l,
                |h| {
                    h[0..2].copy_from_slice(&7u16.to_le_bytes());
                    h[2..4].copy_from_slice(&9u16.to_le_bytes());
                    h[4..8].copy_from_slice(&4096u32.to_le_bytes());
                    h[8..12].copy_from_slice(&1000u32.to_le_bytes());
                },
                |d| {
                    d.copy_from_slice(&data);
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(got, want, "{opts:?}");
        }
    }

    #[test]
    fn reserve_compacts() {
        let mut t = TxBuf::new(16);
        t.reserve(10).unwrap().fill(1);
        t.commit(10);
        t.head = 8;
        assert!(t.reserve(15).is_none());
        let b = t.reserve(14).unwrap();
        assert_eq!(b.len(), 14);
        assert_eq!(t.pending(), 2);
        assert_eq!(&t.buf[..2], &[1, 1]);
    }
}
