//! PDU types, their wire layout and the serializer.

/// Size of the common header that starts every PDU.
pub const CH_LEN: usize = 8;
/// Size of a header or data digest.
pub const DIGEST_LEN: usize = 4;
/// Largest host/controller PDU data alignment value (HPDA/CPDA).
pub const PDA_MAX: u8 = 31;
/// Most bytes of the offending PDU header a termination request carries.
pub const TERM_REQ_ERROR_DATA_MAX: usize = 128;
/// Largest termination request PDU.
pub const TERM_REQ_PDU_MAX: usize = TERM_REQ_ERROR_DATA_MAX + 24;
/// Smallest MAXH2CDATA a controller may announce.
pub const MAXH2CDATA_MIN: u32 = 4096;

/// Common header flag: a header digest follows the PDU header.
pub const CH_FLAGS_HDGSTF: u8 = 1 << 0;
/// Common header flag: a data digest follows the PDU data.
pub const CH_FLAGS_DDGSTF: u8 = 1 << 1;
/// H2CData/C2HData flag: last data PDU of the command.
pub const DATA_FLAGS_LAST_PDU: u8 = 1 << 2;
/// C2HData flag: the command completed successfully; no CapsuleResp follows.
pub const DATA_FLAGS_SUCCESS: u8 = 1 << 3;

/// Byte offsets of the common header fields (for a termination request's
/// FEI, "field error information").
pub mod off {
    pub const PDU_TYPE: u32 = 0;
    pub const FLAGS: u32 = 1;
    pub const HLEN: u32 = 2;
    pub const PDO: u32 = 3;
    pub const PLEN: u32 = 4;
    /// ICReq/ICResp PFV.
    pub const PFV: u32 = 8;
    /// ICReq HPDA / ICResp CPDA.
    pub const PDA: u32 = 10;
    /// ICResp MAXH2CDATA.
    pub const MAXH2CDATA: u32 = 12;
    /// H2CData/C2HData DATAO.
    pub const DATAO: u32 = 12;
    /// H2CData/C2HData DATAL.
    pub const DATAL: u32 = 16;
}

/// PDU types (`enum spdk_nvme_tcp_pdu_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum PduType {
    IcReq = 0x00,
    IcResp = 0x01,
    H2CTermReq = 0x02,
    C2HTermReq = 0x03,
    CapsuleCmd = 0x04,
    CapsuleResp = 0x05,
    H2CData = 0x06,
    C2HData = 0x07,
    R2T = 0x09,
}

impl PduType {
    pub fn from_u8(v: u8) -> Option<PduType> {
        use PduType::*;
        Some(match v {
            0x00 => IcReq,
            0x01 => IcResp,
            0x02 => H2CTermReq,
            0x03 => C2HTermReq,
            0x04 => CapsuleCmd,
            0x05 => CapsuleResp,
            0x06 => H2CData,
            0x07 => C2HData,
            0x09 => R2T,
            _ => return None,
        })
    }

    /// The PDU header length (HLEN) the specification fixes for the type.
    pub fn hlen(self) -> usize {
        use PduType::*;
        match self {
            IcReq | IcResp => 128,
            CapsuleCmd => 72,
            H2CTermReq | C2HTermReq | CapsuleResp | H2CData | C2HData | R2T => 24,
        }
    }

    /// Whether a negotiated header digest follows this type's header
    /// (never for the connection setup and termination PDUs).
    pub fn has_hdgst(self) -> bool {
        !matches!(
            self,
            PduType::IcReq | PduType::IcResp | PduType::H2CTermReq | PduType::C2HTermReq
        )
    }

    /// Whether this type carries command data (and so a data digest and a
    /// PDO-aligned data offset).
    pub fn carries_data(self) -> bool {
        matches!(
            self,
            PduType::CapsuleCmd | PduType::H2CData | PduType::C2HData
        )
    }

    /// Whether the host sends this type (else the controller does).
    pub fn host_to_controller(self) -> bool {
        matches!(
            self,
            PduType::IcReq | PduType::H2CTermReq | PduType::CapsuleCmd | PduType::H2CData
        )
    }
}

/// Fatal error status of a termination request (`enum spdk_nvme_tcp_term_req_fes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u16)]
pub enum Fes {
    InvalidHeaderField = 0x01,
    PduSequenceError = 0x02,
    HdgstError = 0x03,
    DataTransferOutOfRange = 0x04,
    /// Also "R2T limit exceeded" (the same value).
    DataTransferLimitExceeded = 0x05,
    InvalidDataUnsupportedParameter = 0x06,
}

/// The 8-byte common header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommonHeader {
    pub pdu_type: u8,
    pub flags: u8,
    pub hlen: u8,
    pub pdo: u8,
    pub plen: u32,
}

impl CommonHeader {
    pub fn parse(b: &[u8; CH_LEN]) -> CommonHeader {
        CommonHeader {
            pdu_type: b[0],
            flags: b[1],
            hlen: b[2],
            pdo: b[3],
            plen: u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
        }
    }

    pub fn write(&self, out: &mut [u8]) {
        out[0] = self.pdu_type;
        out[1] = self.flags;
        out[2] = self.hlen;
        out[3] = self.pdo;
        out[4..8].copy_from_slice(&self.plen.to_le_bytes());
    }
}

/// A decoded PDU. Flags other than the digest flags are decoded into the
/// variants' fields; the digest flags follow from the [`DigestOpts`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pdu {
    /// Connection request from the host.
    IcReq {
        pfv: u16,
        hpda: u8,
        hdgst: bool,
        ddgst: bool,
        maxr2t: u32,
    },
    /// Connection response from the controller.
    IcResp {
        pfv: u16,
        cpda: u8,
        hdgst: bool,
        ddgst: bool,
        maxh2cdata: u32,
    },
    /// Fatal error report; `c2h` tells the direction. `data` is the
    /// offending PDU header (at most 128 bytes).
    TermReq {
        c2h: bool,
        fes: u16,
        fei: u32,
        data: Vec<u8>,
    },
    /// A command (64-byte submission queue entry) with in-capsule data.
    CapsuleCmd { sqe: [u8; 64], data: Vec<u8> },
    /// A completion (16-byte completion queue entry).
    CapsuleResp { cqe: [u8; 16] },
    /// Data the host sends for a write, answering an R2T.
    H2CData {
        cccid: u16,
        ttag: u16,
        datao: u32,
        last: bool,
        data: Vec<u8>,
    },
    /// Data the controller sends for a read.
    C2HData {
        cccid: u16,
        datao: u32,
        last: bool,
        success: bool,
        data: Vec<u8>,
    },
    /// The controller asks for `r2tl` bytes at offset `r2to` of a write.
    R2T {
        cccid: u16,
        ttag: u16,
        r2to: u32,
        r2tl: u32,
    },
}

impl Pdu {
    pub fn pdu_type(&self) -> PduType {
        match self {
            Pdu::IcReq { .. } => PduType::IcReq,
            Pdu::IcResp { .. } => PduType::IcResp,
            Pdu::TermReq { c2h: false, .. } => PduType::H2CTermReq,
            Pdu::TermReq { c2h: true, .. } => PduType::C2HTermReq,
            Pdu::CapsuleCmd { .. } => PduType::CapsuleCmd,
            Pdu::CapsuleResp { .. } => PduType::CapsuleResp,
            Pdu::H2CData { .. } => PduType::H2CData,
            Pdu::C2HData { .. } => PduType::C2HData,
            Pdu::R2T { .. } => PduType::R2T,
        }
    }

    /// The PDU data (empty for the types without data).
    pub fn data(&self) -> &[u8] {
        match self {
            Pdu::TermReq { data, .. }
            | Pdu::CapsuleCmd { data, .. }
            | Pdu::H2CData { data, .. }
            | Pdu::C2HData { data, .. } => data,
            _ => &[],
        }
    }
}

/// What the connection negotiated: digests, and the data alignment the
/// receiver asked for (HPDA for C2H PDUs, CPDA for H2C PDUs; 0 to 31,
/// meaning (pda + 1) * 4 bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DigestOpts {
    pub hdgst: bool,
    pub ddgst: bool,
    pub pda: u8,
}

/// The NVMe/TCP digest: CRC32C, seeded with all ones and inverted.
pub fn digest(buf: &[u8]) -> u32 {
    spdk_util::crc::crc32c_nvme(buf, 0)
}

/// Where the data of a data-carrying PDU starts: after the header and its
/// digest, rounded up to the receiver's alignment.
pub fn data_offset(hlen: usize, hdgst: bool, pda: u8) -> usize {
    let base = hlen + if hdgst { DIGEST_LEN } else { 0 };
    let align = (usize::from(pda.min(PDA_MAX)) + 1) * 4;
    if pda == 0 {
        base
    } else {
        base.div_ceil(align) * align
    }
}

/// Appends `pdu` to `out` in wire format, with the digests and data
/// alignment of `opts` (digests only where the type allows them). Fails
/// with `Err` only when a length does not fit its field.
pub fn encode(pdu: &Pdu, opts: &DigestOpts, out: &mut Vec<u8>) -> Result<(), &'static str> {
    let t = pdu.pdu_type();
    let hlen = t.hlen();
    let mut hdr = vec![0u8; hlen];
    let mut flags = 0u8;
    match pdu {
        Pdu::IcReq {
            pfv,
            hpda,
            hdgst,
            ddgst,
            maxr2t,
        } => {
            hdr[8..10].copy_from_slice(&pfv.to_le_bytes());
            hdr[10] = *hpda;
            hdr[11] = u8::from(*hdgst) | (u8::from(*ddgst) << 1);
            hdr[12..16].copy_from_slice(&maxr2t.to_le_bytes());
        }
        Pdu::IcResp {
            pfv,
            cpda,
            hdgst,
            ddgst,
            maxh2cdata,
        } => {
            hdr[8..10].copy_from_slice(&pfv.to_le_bytes());
            hdr[10] = *cpda;
            hdr[11] = u8::from(*hdgst) | (u8::from(*ddgst) << 1);
            hdr[12..16].copy_from_slice(&maxh2cdata.to_le_bytes());
        }
        Pdu::TermReq { fes, fei, data, .. } => {
            if data.len() > TERM_REQ_ERROR_DATA_MAX {
                return Err("termination request data longer than 128 bytes");
            }
            hdr[8..10].copy_from_slice(&fes.to_le_bytes());
            hdr[10..14].copy_from_slice(&fei.to_le_bytes());
        }
        Pdu::CapsuleCmd { sqe, .. } => hdr[8..72].copy_from_slice(sqe),
        Pdu::CapsuleResp { cqe } => hdr[8..24].copy_from_slice(cqe),
        Pdu::H2CData {
            cccid,
            ttag,
            datao,
            last,
            data,
        } => {
            let datal = u32::try_from(data.len()).map_err(|_| "data too long")?;
            hdr[8..10].copy_from_slice(&cccid.to_le_bytes());
            hdr[10..12].copy_from_slice(&ttag.to_le_bytes());
            hdr[12..16].copy_from_slice(&datao.to_le_bytes());
            hdr[16..20].copy_from_slice(&datal.to_le_bytes());
            if *last {
                flags |= DATA_FLAGS_LAST_PDU;
            }
        }
        Pdu::C2HData {
            cccid,
            datao,
            last,
            success,
            data,
        } => {
            let datal = u32::try_from(data.len()).map_err(|_| "data too long")?;
            hdr[8..10].copy_from_slice(&cccid.to_le_bytes());
            hdr[12..16].copy_from_slice(&datao.to_le_bytes());
            hdr[16..20].copy_from_slice(&datal.to_le_bytes());
            if *last {
                flags |= DATA_FLAGS_LAST_PDU;
            }
            if *success {
                flags |= DATA_FLAGS_SUCCESS;
            }
        }
        Pdu::R2T {
            cccid,
            ttag,
            r2to,
            r2tl,
        } => {
            hdr[8..10].copy_from_slice(&cccid.to_le_bytes());
            hdr[10..12].copy_from_slice(&ttag.to_le_bytes());
            hdr[12..16].copy_from_slice(&r2to.to_le_bytes());
            hdr[16..20].copy_from_slice(&r2tl.to_le_bytes());
        }
    }
    let data = pdu.data();
    let hdgst = opts.hdgst && t.has_hdgst();
    let ddgst = opts.ddgst && t.carries_data() && !data.is_empty();
    if hdgst {
        flags |= CH_FLAGS_HDGSTF;
    }
    if ddgst {
        flags |= CH_FLAGS_DDGSTF;
    }
    let header_end = hlen + if hdgst { DIGEST_LEN } else { 0 };
    let (pdo, data_at) = if data.is_empty() {
        (0, header_end)
    } else if t.carries_data() {
        let at = data_offset(hlen, hdgst, opts.pda);
        (
            u8::try_from(at).map_err(|_| "data offset does not fit PDO")?,
            at,
        )
    } else {
        // Termination requests: the data follows the header, PDO is 0.
        (0, header_end)
    };
    let plen = data_at + data.len() + if ddgst { DIGEST_LEN } else { 0 };
    let ch = CommonHeader {
        pdu_type: t as u8,
        flags,
        hlen: hlen as u8,
        pdo,
        plen: u32::try_from(plen).map_err(|_| "PDU too long")?,
    };
    ch.write(&mut hdr);
    out.extend_from_slice(&hdr);
    if hdgst {
        out.extend_from_slice(&digest(&hdr).to_le_bytes());
    }
    out.resize(out.len() + (data_at - header_end), 0);
    out.extend_from_slice(data);
    if ddgst {
        out.extend_from_slice(&digest(data).to_le_bytes());
    }
    Ok(())
}

/// The termination request to send for a receive error: the offending
/// header (up to 128 bytes) and, for a header field error, its offset.
pub fn term_req(c2h: bool, fes: Fes, fei: u32, offending_header: &[u8]) -> Pdu {
    let n = offending_header.len().min(TERM_REQ_ERROR_DATA_MAX);
    let fei = match fes {
        Fes::InvalidHeaderField | Fes::InvalidDataUnsupportedParameter => fei,
        _ => 0,
    };
    Pdu::TermReq {
        c2h,
        fes: fes as u16,
        fei,
        data: offending_header[..n].to_vec(),
    }
}
