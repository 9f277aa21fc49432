//! The incremental PDU parser.

use super::pdu::*;

/// Which end of the connection receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The host: receives ICResp, C2HTermReq, CapsuleResp, C2HData, R2T.
    Host,
    /// The controller: receives ICReq, H2CTermReq, CapsuleCmd, H2CData.
    Controller,
}

/// A receive error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecvError {
    /// The stream is unusable: answer with a termination request carrying
    /// `fes`, `fei` and the offending `header` (see [`term_req`]) and close
    /// the connection. Every later call returns the same error.
    Fatal { fes: Fes, fei: u32, header: Vec<u8> },
    /// The data of one PDU failed its data digest. The PDU was consumed and
    /// the stream stays usable; the command `cccid` fails (SPDK completes it
    /// with a transient transport error). `used` is how many bytes of the
    /// input this call consumed, as [`PduReader::push`] returns on success.
    DataDigest { cccid: u16, used: usize },
}

/// Reads PDUs from a byte stream that arrives in pieces of any size.
///
/// Memory is bounded: only the PDU being received is buffered, and its
/// length is checked against the limits as soon as its 8-byte common
/// header is in, before its body is read.
#[derive(Debug)]
pub struct PduReader {
    role: Role,
    opts: DigestOpts,
    max_data: u32,
    connected: bool,
    buf: Vec<u8>,
    plen: usize,
    failed: Option<RecvError>,
}

fn fatal(fes: Fes, fei: u32, header: &[u8]) -> RecvError {
    RecvError::Fatal {
        fes,
        fei,
        header: header[..header.len().min(TERM_REQ_ERROR_DATA_MAX)].to_vec(),
    }
}

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl PduReader {
    /// A reader for a new connection: only the initialize-connection PDU
    /// (ICReq or ICResp) is accepted first, without digests. `max_data` is
    /// the most data one PDU may carry (in-capsule data size, MAXH2CDATA, or
    /// the largest transfer for C2H data).
    pub fn new(role: Role, max_data: u32) -> PduReader {
        PduReader {
            role,
            opts: DigestOpts::default(),
            max_data,
            connected: false,
            buf: Vec::new(),
            plen: 0,
            failed: None,
        }
    }

    /// Sets the negotiated digests and the data alignment this side asked
    /// for; call it after the ICReq/ICResp exchange (between PDUs).
    pub fn set_opts(&mut self, opts: DigestOpts) {
        self.opts = opts;
    }

    /// Sets the most data one PDU may carry.
    pub fn set_max_data(&mut self, max_data: u32) {
        self.max_data = max_data;
    }

    /// Whether the initialize-connection PDU has been received.
    pub fn connected(&self) -> bool {
        self.connected
    }

    /// Whether a PDU is partly received.
    pub fn in_progress(&self) -> bool {
        !self.buf.is_empty()
    }

    /// Consumes bytes of `input` up to the end of the current PDU. Returns
    /// how many bytes were used and the PDU when it is complete; call again
    /// with the rest of the input.
    pub fn push(&mut self, input: &[u8]) -> Result<(usize, Option<Pdu>), RecvError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let mut used = 0;
        if self.buf.len() < CH_LEN {
            let n = (CH_LEN - self.buf.len()).min(input.len());
            self.buf.extend_from_slice(&input[..n]);
            used = n;
            if self.buf.len() < CH_LEN {
                return Ok((used, None));
            }
            match self.check_common_header() {
                Ok(plen) => {
                    self.plen = plen;
                    self.buf.reserve_exact(plen - CH_LEN);
                }
                Err(e) => return Err(self.fail(e)),
            }
        }
        let n = (self.plen - self.buf.len()).min(input.len() - used);
        self.buf.extend_from_slice(&input[used..used + n]);
        used += n;
        if self.buf.len() < self.plen {
            return Ok((used, None));
        }
        let r = self.decode();
        self.buf.clear();
        match r {
            Ok(pdu) => Ok((used, Some(pdu))),
            Err(RecvError::DataDigest { cccid, .. }) => Err(RecvError::DataDigest { cccid, used }),
            Err(e) => Err(self.fail(e)),
        }
    }

    /// Parses every complete PDU of `input`, keeping a partial one for the
    /// next call. A data digest error ends the call (the PDUs before it are
    /// lost to the caller); use [`PduReader::push`] to go on after one.
    pub fn push_all(&mut self, mut input: &[u8]) -> Result<Vec<Pdu>, RecvError> {
        let mut out = Vec::new();
        while !input.is_empty() {
            let (n, pdu) = self.push(input)?;
            input = &input[n..];
            out.extend(pdu);
        }
        Ok(out)
    }

    fn fail(&mut self, e: RecvError) -> RecvError {
        self.failed = Some(e.clone());
        e
    }

    /// Validates the common header; returns the PDU length to read.
    fn check_common_header(&self) -> Result<usize, RecvError> {
        check_common_header(
            self.role,
            self.connected,
            &self.opts,
            self.max_data,
            &self.buf[..CH_LEN],
        )
    }

    /// Decodes the complete PDU in `buf` (its header was validated).
    fn decode(&mut self) -> Result<Pdu, RecvError> {
        let b = &self.buf[..];
        let mut chb = [0u8; CH_LEN];
        chb.copy_from_slice(&b[..CH_LEN]);
        let ch = CommonHeader::parse(&chb);
        // Validated by check_common_header.
        let Some(t) = PduType::from_u8(ch.pdu_type) else {
            return Err(fatal(Fes::InvalidHeaderField, off::PDU_TYPE, b));
        };
        let hlen = t.hlen();
        let hdgst = ch.flags & CH_FLAGS_HDGSTF != 0;
        if hdgst && digest(&b[..hlen]) != le32(b, hlen) {
            return Err(fatal(Fes::HdgstError, 0, &b[..hlen]));
        }
        let bad = |fei| fatal(Fes::InvalidHeaderField, fei, &b[..hlen]);
        let header_end = hlen + if hdgst { DIGEST_LEN } else { 0 };
        let (data, ddgst_ok) = if t.carries_data() && b.len() > header_end {
            let dd = if ch.flags & CH_FLAGS_DDGSTF != 0 {
                DIGEST_LEN
            } else {
                0
            };
            let data = &b[usize::from(ch.pdo)..b.len() - dd];
            let ok = dd == 0 || digest(data) == le32(b, b.len() - dd);
            (data, ok)
        } else {
            (&b[0..0], true)
        };
        let pdu = match t {
            PduType::IcReq | PduType::IcResp => {
                let pfv = le16(b, 8);
                if pfv != 0 {
                    return Err(bad(off::PFV));
                }
                if b[10] > PDA_MAX {
                    return Err(bad(off::PDA));
                }
                let (hd, dd) = (b[11] & 1 != 0, b[11] & 2 != 0);
                if t == PduType::IcReq {
                    Pdu::IcReq {
                        pfv,
                        hpda: b[10],
                        hdgst: hd,
                        ddgst: dd,
                        maxr2t: le32(b, 12),
                    }
                } else {
                    let maxh2cdata = le32(b, 12);
                    if maxh2cdata < MAXH2CDATA_MIN || !maxh2cdata.is_multiple_of(4) {
                        return Err(bad(off::MAXH2CDATA));
                    }
                    Pdu::IcResp {
                        pfv,
                        cpda: b[10],
                        hdgst: hd,
                        ddgst: dd,
                        maxh2cdata,
                    }
                }
            }
            PduType::H2CTermReq | PduType::C2HTermReq => Pdu::TermReq {
                c2h: t == PduType::C2HTermReq,
                fes: le16(b, 8),
                fei: le32(b, 10),
                data: b[hlen..].to_vec(),
            },
            PduType::CapsuleCmd => {
                let mut sqe = [0u8; 64];
                sqe.copy_from_slice(&b[8..72]);
                if !ddgst_ok {
                    return Err(RecvError::DataDigest {
                        cccid: le16(&sqe, 2),
                        used: 0,
                    });
                }
                Pdu::CapsuleCmd {
                    sqe,
                    data: data.to_vec(),
                }
            }
            PduType::CapsuleResp => {
                let mut cqe = [0u8; 16];
                cqe.copy_from_slice(&b[8..24]);
                Pdu::CapsuleResp { cqe }
            }
            PduType::H2CData | PduType::C2HData => {
                let cccid = le16(b, 8);
                if le32(b, off::DATAL as usize) as usize != data.len() {
                    return Err(bad(off::DATAL));
                }
                if !ddgst_ok {
                    return Err(RecvError::DataDigest { cccid, used: 0 });
                }
                let last = ch.flags & DATA_FLAGS_LAST_PDU != 0;
                if t == PduType::H2CData {
                    Pdu::H2CData {
                        cccid,
                        ttag: le16(b, 10),
                        datao: le32(b, 12),
                        last,
                        data: data.to_vec(),
                    }
                } else {
                    Pdu::C2HData {
                        cccid,
                        datao: le32(b, 12),
                        last,
                        success: ch.flags & DATA_FLAGS_SUCCESS != 0,
                        data: data.to_vec(),
                    }
                }
            }
            PduType::R2T => Pdu::R2T {
                cccid: le16(b, 8),
                ttag: le16(b, 10),
                r2to: le32(b, 12),
                r2tl: le32(b, 16),
            },
        };
        if matches!(t, PduType::IcReq | PduType::IcResp) {
            self.connected = true;
        }
        Ok(pdu)
    }
}

/// Validates a common header `h` (8 bytes) received by `role` with the
/// negotiated `opts` (`connected`: the ICReq/ICResp exchange is done);
/// returns the PDU length. `max_data` bounds the data of one PDU.
pub(crate) fn check_common_header(
    role: Role,
    connected: bool,
    opts: &DigestOpts,
    max_data: u32,
    h: &[u8],
) -> Result<usize, RecvError> {
    let mut chb = [0u8; CH_LEN];
    chb.copy_from_slice(&h[..CH_LEN]);
    let ch = CommonHeader::parse(&chb);
    let bad = |fei| fatal(Fes::InvalidHeaderField, fei, h);
    let t = PduType::from_u8(ch.pdu_type).ok_or_else(|| bad(off::PDU_TYPE))?;
    if t.host_to_controller() != (role == Role::Controller) {
        return Err(bad(off::PDU_TYPE));
    }
    let is_ic = matches!(t, PduType::IcReq | PduType::IcResp);
    let is_term = matches!(t, PduType::H2CTermReq | PduType::C2HTermReq);
    if (is_ic && connected) || (!is_ic && !is_term && !connected) {
        return Err(fatal(Fes::PduSequenceError, 0, h));
    }
    let hlen = t.hlen();
    if usize::from(ch.hlen) != hlen {
        return Err(bad(off::HLEN));
    }
    let hdgst = opts.hdgst && t.has_hdgst() && connected;
    if (ch.flags & CH_FLAGS_HDGSTF != 0) != hdgst {
        return Err(bad(off::FLAGS));
    }
    let plen = ch.plen as usize;
    let header_end = hlen + if hdgst { DIGEST_LEN } else { 0 };
    let ddgst_flag = ch.flags & CH_FLAGS_DDGSTF != 0;
    if is_ic {
        if plen != hlen {
            return Err(bad(off::PLEN));
        }
    } else if is_term {
        if plen <= hlen || plen > TERM_REQ_PDU_MAX {
            return Err(bad(off::PLEN));
        }
    } else if !t.carries_data() {
        if ddgst_flag {
            return Err(bad(off::FLAGS));
        }
        if plen != header_end {
            return Err(bad(off::PLEN));
        }
    } else if plen == header_end {
        // A data PDU without data: no data digest, PDO unused.
        if ddgst_flag {
            return Err(bad(off::FLAGS));
        }
    } else {
        if plen < header_end {
            return Err(bad(off::PLEN));
        }
        if ddgst_flag != opts.ddgst {
            return Err(bad(off::FLAGS));
        }
        let pdo = usize::from(ch.pdo);
        let align = (usize::from(opts.pda.min(PDA_MAX)) + 1) * 4;
        if pdo < header_end || (opts.pda != 0 && !pdo.is_multiple_of(align)) {
            return Err(bad(off::PDO));
        }
        let dd = if ddgst_flag { DIGEST_LEN } else { 0 };
        if plen < pdo + dd + 1 {
            return Err(bad(off::PLEN));
        }
        if plen - pdo - dd > max_data as usize {
            return Err(fatal(Fes::DataTransferLimitExceeded, 0, h));
        }
    }
    Ok(plen)
}
