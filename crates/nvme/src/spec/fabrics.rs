//! The structures of nvmf_spec.h: fabrics command and response capsules,
//! connect data, the discovery log page, in-band authentication messages,
//! RDMA private data and NVMe/TCP PDU headers. C packs all of them.

use super::cmd::{Cmd, Cpl, SglDescriptor, Status};
use super::{layout, pod, zeroed_default, Pod};

/// A fabrics command, generic view (`struct spdk_nvmf_capsule_cmd`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug)]
pub struct CapsuleCmd {
    pub opcode: u8,
    pub reserved1: u8,
    pub cid: u16,
    /// `spdk_nvmf_fabric_cmd_types`.
    pub fctype: u8,
    pub reserved2: [u8; 35],
    pub fabric_specific: [u8; 24],
}

/// Authentication Receive (`struct spdk_nvmf_fabric_auth_recv_cmd`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FabricAuthRecvCmd {
    pub opcode: u8,
    pub reserved1: u8,
    pub cid: u16,
    pub fctype: u8,
    pub reserved2: [u8; 19],
    pub sgl1: SglDescriptor,
    pub reserved3: u8,
    pub spsp0: u8,
    pub spsp1: u8,
    pub secp: u8,
    /// Allocation length.
    pub al: u32,
    pub reserved4: [u8; 16],
}

/// Authentication Send (`struct spdk_nvmf_fabric_auth_send_cmd`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FabricAuthSendCmd {
    pub opcode: u8,
    pub reserved1: u8,
    pub cid: u16,
    pub fctype: u8,
    pub reserved2: [u8; 19],
    pub sgl1: SglDescriptor,
    pub reserved3: u8,
    pub spsp0: u8,
    pub spsp1: u8,
    pub secp: u8,
    /// Transfer length.
    pub tl: u32,
    pub reserved4: [u8; 16],
}

/// Data of Connect (`struct spdk_nvmf_fabric_connect_data`).
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct FabricConnectData {
    pub hostid: [u8; 16],
    pub cntlid: u16,
    pub reserved5: [u8; 238],
    pub subnqn: [u8; 256],
    pub hostnqn: [u8; 256],
    pub reserved6: [u8; 256],
}

/// Connect (`struct spdk_nvmf_fabric_connect_cmd`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FabricConnectCmd {
    pub opcode: u8,
    pub reserved1: u8,
    pub cid: u16,
    pub fctype: u8,
    pub reserved2: [u8; 19],
    pub sgl1: SglDescriptor,
    pub recfmt: u16,
    pub qid: u16,
    /// 0's based.
    pub sqsize: u16,
    pub cattr: u8,
    pub reserved3: u8,
    /// Keep alive timeout, ms.
    pub kato: u32,
    pub reserved4: [u8; 12],
}

bitfields! {
    /// Status code specific dword of a successful Connect response.
    pub struct ConnectRspSuccess(u32) {
        cntlid / with_cntlid: 0, 16 => "success.cntlid";
        reserved1: 16, 1 => "success.authreq.reserved1";
        /// Authentication required.
        atr / with_atr: 17, 1 => "success.authreq.atr";
        /// Secure channel concatenation required.
        ascr / with_ascr: 18, 1 => "success.authreq.ascr";
        reserved2: 19, 13 => "success.authreq.reserved2";
    }
}

bitfields! {
    /// Status code specific dword of a Connect response with invalid
    /// parameters.
    pub struct ConnectRspInvalid(u32) {
        /// Offset of the invalid parameter.
        ipo / with_ipo: 0, 16 => "invalid.ipo";
        /// 0: in the command, 1: in the data.
        iattr / with_iattr: 16, 8 => "invalid.iattr";
        reserved: 24, 8 => "invalid.reserved";
    }
}

/// Response to Connect (`struct spdk_nvmf_fabric_connect_rsp`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FabricConnectRsp {
    /// Raw; read it with [`ConnectRspSuccess`] or [`ConnectRspInvalid`].
    pub status_code_specific: u32,
    pub reserved0: u32,
    pub sqhd: u16,
    pub reserved1: u16,
    pub cid: u16,
    pub status: Status,
}

bitfields! {
    /// Property size attribute of Property Get/Set.
    pub struct PropAttrib(u8) {
        /// `SPDK_NVMF_PROP_SIZE_4` or `_8`.
        size / with_size: 0, 3;
        reserved: 3, 5;
    }
}

/// Property Get (`struct spdk_nvmf_fabric_prop_get_cmd`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug)]
pub struct FabricPropGetCmd {
    pub opcode: u8,
    pub reserved1: u8,
    pub cid: u16,
    pub fctype: u8,
    pub reserved2: [u8; 35],
    pub attrib: PropAttrib,
    pub reserved3: [u8; 3],
    /// Register offset.
    pub ofst: u32,
    pub reserved4: [u8; 16],
}

/// Response to Property Get (`struct spdk_nvmf_fabric_prop_get_rsp`; C's
/// `value.u32.low/high` are the halves of `value`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FabricPropGetRsp {
    pub value: u64,
    pub sqhd: u16,
    pub reserved0: u16,
    pub cid: u16,
    pub status: Status,
}

/// Property Set (`struct spdk_nvmf_fabric_prop_set_cmd`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug)]
pub struct FabricPropSetCmd {
    pub opcode: u8,
    pub reserved0: u8,
    pub cid: u16,
    pub fctype: u8,
    pub reserved1: [u8; 35],
    pub attrib: PropAttrib,
    pub reserved2: [u8; 3],
    pub ofst: u32,
    pub value: u64,
    pub reserved4: [u8; 8],
}

/// RDMA transport specific address subtype (`struct
/// spdk_nvmf_rdma_transport_specific_address_subtype`).
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct RdmaTransportSpecificAddressSubtype {
    pub rdma_qptype: u8,
    pub rdma_prtype: u8,
    pub rdma_cms: u8,
    pub reserved0: [u8; 5],
    pub rdma_pkey: u16,
    pub reserved2: [u8; 246],
}

/// TCP transport specific address subtype (`struct
/// spdk_nvme_tcp_transport_specific_address_subtype`).
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct TcpTransportSpecificAddressSubtype {
    /// `spdk_nvme_tcp_secure_socket_type`.
    pub sectype: u8,
    pub reserved0: [u8; 255],
}

/// Transport specific address subtype (`union
/// spdk_nvmf_transport_specific_address_subtype`): raw bytes, read as the
/// RDMA or TCP view.
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct TransportSpecificAddressSubtype {
    pub raw: [u8; 256],
}

impl TransportSpecificAddressSubtype {
    pub fn rdma(&self) -> RdmaTransportSpecificAddressSubtype {
        Pod::read_from(&self.raw).unwrap_or_else(Pod::zeroed)
    }

    pub fn tcp(&self) -> TcpTransportSpecificAddressSubtype {
        Pod::read_from(&self.raw).unwrap_or_else(Pod::zeroed)
    }
}

bitfields! {
    /// Transport requirements of a discovery log entry.
    pub struct Treq(u8) {
        /// `spdk_nvmf_treq_secure_channel`.
        secure_channel / with_secure_channel: 0, 2;
        reserved: 2, 6;
    }
}

/// A discovery log entry (`struct spdk_nvmf_discovery_log_page_entry`).
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct DiscoveryLogPageEntry {
    pub trtype: u8,
    pub adrfam: u8,
    pub subtype: u8,
    pub treq: Treq,
    pub portid: u16,
    pub cntlid: u16,
    pub asqsz: u16,
    pub eflags: u16,
    pub reserved0: [u8; 20],
    pub trsvcid: [u8; 32],
    pub reserved1: [u8; 192],
    pub subnqn: [u8; 256],
    pub traddr: [u8; 256],
    pub tsas: TransportSpecificAddressSubtype,
}

/// Header of the discovery log page (`struct spdk_nvmf_discovery_log_page`);
/// `numrec` entries follow.
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct DiscoveryLogPage {
    pub genctr: u64,
    pub numrec: u64,
    pub recfmt: u16,
    pub reserved0: [u8; 1006],
    pub entries: [DiscoveryLogPageEntry; 0],
}

/// A protocol descriptor of AUTH_Negotiate (`struct spdk_nvmf_auth_descriptor`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct AuthDescriptor {
    pub auth_id: u8,
    pub reserved0: u8,
    pub halen: u8,
    pub dhlen: u8,
    pub hash_id_list: [u8; 30],
    pub dhg_id_list: [u8; 30],
}

/// AUTH_Negotiate (`struct spdk_nvmf_auth_negotiate`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct AuthNegotiate {
    pub auth_type: u8,
    pub auth_id: u8,
    pub reserved0: [u8; 2],
    pub t_id: u16,
    pub sc_c: u8,
    pub napd: u8,
    pub descriptors: [AuthDescriptor; 0],
}

/// DH-HMAC-CHAP_Challenge (`struct spdk_nvmf_dhchap_challenge`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct DhchapChallenge {
    pub auth_type: u8,
    pub auth_id: u8,
    pub reserved0: [u8; 2],
    pub t_id: u16,
    pub hl: u8,
    pub reserved1: u8,
    pub hash_id: u8,
    pub dhg_id: u8,
    pub dhvlen: u16,
    pub seqnum: u32,
    pub cval: [u8; 0],
}

/// DH-HMAC-CHAP_Reply (`struct spdk_nvmf_dhchap_reply`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct DhchapReply {
    pub auth_type: u8,
    pub auth_id: u8,
    pub reserved0: [u8; 2],
    pub t_id: u16,
    pub hl: u8,
    pub reserved1: u8,
    pub cvalid: u8,
    pub reserved2: u8,
    pub dhvlen: u16,
    pub seqnum: u32,
    pub rval: [u8; 0],
}

/// DH-HMAC-CHAP_Success1 (`struct spdk_nvmf_dhchap_success1`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct DhchapSuccess1 {
    pub auth_type: u8,
    pub auth_id: u8,
    pub reserved0: [u8; 2],
    pub t_id: u16,
    pub hl: u8,
    pub reserved1: u8,
    pub rvalid: u8,
    pub reserved2: [u8; 7],
    pub rval: [u8; 0],
}

/// DH-HMAC-CHAP_Success2 (`struct spdk_nvmf_dhchap_success2`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct DhchapSuccess2 {
    pub auth_type: u8,
    pub auth_id: u8,
    pub reserved0: [u8; 2],
    pub t_id: u16,
    pub reserved1: [u8; 10],
}

/// AUTH_Failure1/2 (`struct spdk_nvmf_auth_failure`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct AuthFailure {
    pub auth_type: u8,
    pub auth_id: u8,
    pub reserved0: [u8; 2],
    pub t_id: u16,
    pub rc: u8,
    pub rce: u8,
}

/// Private data of an RDMA connection request (`struct
/// spdk_nvmf_rdma_request_private_data`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct RdmaRequestPrivateData {
    pub recfmt: u16,
    pub qid: u16,
    pub hrqsize: u16,
    pub hsqsize: u16,
    pub cntlid: u16,
    pub reserved: [u8; 22],
}

/// Private data of an RDMA connection accept (`struct
/// spdk_nvmf_rdma_accept_private_data`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct RdmaAcceptPrivateData {
    pub recfmt: u16,
    pub crqsize: u16,
    pub reserved: [u8; 28],
}

/// Private data of an RDMA connection reject (`struct
/// spdk_nvmf_rdma_reject_private_data`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct RdmaRejectPrivateData {
    pub recfmt: u16,
    /// `spdk_nvmf_rdma_transport_error`.
    pub sts: u16,
}

/// RDMA private data of any kind (`union spdk_nvmf_rdma_private_data`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct RdmaPrivateData {
    pub raw: [u8; 32],
}

impl RdmaPrivateData {
    pub fn pd_request(&self) -> RdmaRequestPrivateData {
        Pod::read_from(&self.raw).unwrap_or_default()
    }

    pub fn pd_accept(&self) -> RdmaAcceptPrivateData {
        Pod::read_from(&self.raw).unwrap_or_default()
    }

    pub fn pd_reject(&self) -> RdmaRejectPrivateData {
        Pod::read_from(&self.raw).unwrap_or_default()
    }
}

/// The header common to every NVMe/TCP PDU (`struct
/// spdk_nvme_tcp_common_pdu_hdr`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpCommonPduHdr {
    /// `spdk_nvme_tcp_pdu_type`.
    pub pdu_type: u8,
    pub flags: u8,
    pub hlen: u8,
    pub pdo: u8,
    pub plen: u32,
}

bitfields! {
    /// Digests requested (ICReq) or enabled (ICResp).
    pub struct TcpDigests(u8) {
        hdgst_enable / with_hdgst_enable: 0, 1;
        ddgst_enable / with_ddgst_enable: 1, 1;
        reserved: 2, 6;
    }
}

/// ICReq (`struct spdk_nvme_tcp_ic_req`).
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct TcpIcReq {
    pub common: TcpCommonPduHdr,
    pub pfv: u16,
    pub hpda: u8,
    pub dgst: TcpDigests,
    pub maxr2t: u32,
    pub reserved16: [u8; 112],
}

/// ICResp (`struct spdk_nvme_tcp_ic_resp`).
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct TcpIcResp {
    pub common: TcpCommonPduHdr,
    pub pfv: u16,
    pub cpda: u8,
    pub dgst: TcpDigests,
    pub maxh2cdata: u32,
    pub reserved16: [u8; 112],
}

/// Termination request header (`struct spdk_nvme_tcp_term_req_hdr`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TcpTermReqHdr {
    pub common: TcpCommonPduHdr,
    /// `spdk_nvme_tcp_term_req_fes`.
    pub fes: u16,
    pub fei: [u8; 4],
    pub reserved14: [u8; 10],
}

/// Command capsule PDU header (`struct spdk_nvme_tcp_cmd`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TcpCmd {
    pub common: TcpCommonPduHdr,
    pub ccsqe: Cmd,
}

/// Response capsule PDU (`struct spdk_nvme_tcp_rsp`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TcpRsp {
    pub common: TcpCommonPduHdr,
    pub rccqe: Cpl,
}

/// H2CData PDU header (`struct spdk_nvme_tcp_h2c_data_hdr`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TcpH2cDataHdr {
    pub common: TcpCommonPduHdr,
    pub cccid: u16,
    pub ttag: u16,
    pub datao: u32,
    pub datal: u32,
    pub reserved20: [u8; 4],
}

/// C2HData PDU header (`struct spdk_nvme_tcp_c2h_data_hdr`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TcpC2hDataHdr {
    pub common: TcpCommonPduHdr,
    pub cccid: u16,
    pub reserved10: [u8; 2],
    pub datao: u32,
    pub datal: u32,
    pub reserved20: [u8; 4],
}

/// R2T PDU header (`struct spdk_nvme_tcp_r2t_hdr`).
#[repr(C, packed)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TcpR2tHdr {
    pub common: TcpCommonPduHdr,
    pub cccid: u16,
    pub ttag: u16,
    pub r2to: u32,
    pub r2tl: u32,
    pub reserved20: [u8; 4],
}

zeroed_default!(CapsuleCmd, FabricPropGetCmd, FabricPropSetCmd);

pod!(
    CapsuleCmd,
    FabricAuthRecvCmd,
    FabricAuthSendCmd,
    FabricConnectData,
    FabricConnectCmd,
    FabricConnectRsp,
    FabricPropGetCmd,
    FabricPropGetRsp,
    FabricPropSetCmd,
    RdmaTransportSpecificAddressSubtype,
    TcpTransportSpecificAddressSubtype,
    TransportSpecificAddressSubtype,
    DiscoveryLogPageEntry,
    DiscoveryLogPage,
    AuthDescriptor,
    AuthNegotiate,
    DhchapChallenge,
    DhchapReply,
    DhchapSuccess1,
    DhchapSuccess2,
    AuthFailure,
    RdmaRequestPrivateData,
    RdmaAcceptPrivateData,
    RdmaRejectPrivateData,
    RdmaPrivateData,
    TcpCommonPduHdr,
    TcpIcReq,
    TcpIcResp,
    TcpTermReqHdr,
    TcpCmd,
    TcpRsp,
    TcpH2cDataHdr,
    TcpC2hDataHdr,
    TcpR2tHdr,
);

layout!(CapsuleCmd, size 64, align 1, opcode @ 0, reserved1 @ 1, cid @ 2, fctype @ 4,
    reserved2 @ 5, fabric_specific @ 40);
layout!(FabricAuthRecvCmd, size 64, align 1, fctype @ 4, reserved2 @ 5, sgl1 @ 24,
    reserved3 @ 40, spsp0 @ 41, spsp1 @ 42, secp @ 43, al @ 44, reserved4 @ 48);
layout!(FabricAuthSendCmd, size 64, align 1, fctype @ 4, reserved2 @ 5, sgl1 @ 24,
    reserved3 @ 40, spsp0 @ 41, spsp1 @ 42, secp @ 43, tl @ 44, reserved4 @ 48);
layout!(FabricConnectData, size 1024, align 1, hostid @ 0, cntlid @ 16,
    reserved5 @ 18, subnqn @ 256, hostnqn @ 512, reserved6 @ 768);
layout!(FabricConnectCmd, size 64, align 1, fctype @ 4, sgl1 @ 24, recfmt @ 40,
    qid @ 42, sqsize @ 44, cattr @ 46, reserved3 @ 47, kato @ 48, reserved4 @ 52);
layout!(FabricConnectRsp, size 16, align 1, status_code_specific @ 0, reserved0 @ 4,
    sqhd @ 8, reserved1 @ 10, cid @ 12, status @ 14);
layout!(FabricPropGetCmd, size 64, align 1, fctype @ 4, reserved2 @ 5, attrib @ 40,
    reserved3 @ 41, ofst @ 44, reserved4 @ 48);
layout!(FabricPropGetRsp, size 16, align 1, value @ 0, sqhd @ 8, reserved0 @ 10,
    cid @ 12, status @ 14);
layout!(FabricPropSetCmd, size 64, align 1, fctype @ 4, reserved1 @ 5, attrib @ 40,
    reserved2 @ 41, ofst @ 44, value @ 48, reserved4 @ 56);
layout!(RdmaTransportSpecificAddressSubtype, size 256, align 1, rdma_qptype @ 0,
    rdma_prtype @ 1, rdma_cms @ 2, reserved0 @ 3, rdma_pkey @ 8, reserved2 @ 10);
layout!(TcpTransportSpecificAddressSubtype, size 256, align 1, sectype @ 0,
    reserved0 @ 1);
layout!(TransportSpecificAddressSubtype, size 256, align 1, raw @ 0);
layout!(DiscoveryLogPageEntry, size 1024, align 1, trtype @ 0, adrfam @ 1,
    subtype @ 2, treq @ 3, portid @ 4, cntlid @ 6, asqsz @ 8, eflags @ 10,
    reserved0 @ 12, trsvcid @ 32, reserved1 @ 64, subnqn @ 256, traddr @ 512,
    tsas @ 768);
layout!(DiscoveryLogPage, size 1024, align 1, genctr @ 0, numrec @ 8, recfmt @ 16,
    reserved0 @ 18, entries @ 1024);
layout!(AuthDescriptor, size 64, align 1, auth_id @ 0, halen @ 2, dhlen @ 3,
    hash_id_list @ 4, dhg_id_list @ 34);
layout!(AuthNegotiate, size 8, align 1, auth_type @ 0, auth_id @ 1, t_id @ 4,
    sc_c @ 6, napd @ 7, descriptors @ 8);
layout!(DhchapChallenge, size 16, align 1, t_id @ 4, hl @ 6, hash_id @ 8, dhg_id @ 9,
    dhvlen @ 10, seqnum @ 12, cval @ 16);
layout!(DhchapReply, size 16, align 1, t_id @ 4, hl @ 6, cvalid @ 8, dhvlen @ 10,
    seqnum @ 12, rval @ 16);
layout!(DhchapSuccess1, size 16, align 1, t_id @ 4, hl @ 6, rvalid @ 8,
    reserved2 @ 9, rval @ 16);
layout!(DhchapSuccess2, size 16, align 1, t_id @ 4, reserved1 @ 6);
layout!(AuthFailure, size 8, align 1, t_id @ 4, rc @ 6, rce @ 7);
layout!(RdmaRequestPrivateData, size 32, align 1, recfmt @ 0, qid @ 2, hrqsize @ 4,
    hsqsize @ 6, cntlid @ 8, reserved @ 10);
layout!(RdmaAcceptPrivateData, size 32, align 1, recfmt @ 0, crqsize @ 2,
    reserved @ 4);
layout!(RdmaRejectPrivateData, size 4, align 1, recfmt @ 0, sts @ 2);
layout!(RdmaPrivateData, size 32, align 1, raw @ 0);
layout!(TcpCommonPduHdr, size 8, align 1, pdu_type @ 0, flags @ 1, hlen @ 2, pdo @ 3,
    plen @ 4);
layout!(TcpIcReq, size 128, align 1, common @ 0, pfv @ 8, hpda @ 10, dgst @ 11,
    maxr2t @ 12, reserved16 @ 16);
layout!(TcpIcResp, size 128, align 1, common @ 0, pfv @ 8, cpda @ 10, dgst @ 11,
    maxh2cdata @ 12, reserved16 @ 16);
layout!(TcpTermReqHdr, size 24, align 1, common @ 0, fes @ 8, fei @ 10,
    reserved14 @ 14);
layout!(TcpCmd, size 72, align 1, common @ 0, ccsqe @ 8);
layout!(TcpRsp, size 24, align 1, common @ 0, rccqe @ 8);
layout!(TcpH2cDataHdr, size 24, align 1, common @ 0, cccid @ 8, ttag @ 10,
    datao @ 12, datal @ 16, reserved20 @ 20);
layout!(TcpC2hDataHdr, size 24, align 1, common @ 0, cccid @ 8, reserved10 @ 10,
    datao @ 12, datal @ 16, reserved20 @ 20);
layout!(TcpR2tHdr, size 24, align 1, common @ 0, cccid @ 8, ttag @ 10, r2to @ 12,
    r2tl @ 16, reserved20 @ 20);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_capsule_and_response() {
        let mut cmd = FabricConnectCmd {
            opcode: 0x7f,
            fctype: 0x01,
            cid: 3,
            sqsize: 127,
            kato: 10_000,
            ..Default::default()
        };
        cmd.sgl1 = SglDescriptor::in_capsule(0, 1024);
        let b = cmd.as_bytes();
        assert_eq!(&b[0..5], &[0x7f, 0, 3, 0, 0x01]);
        assert_eq!(&b[44..46], &127u16.to_le_bytes());
        assert_eq!(&b[48..52], &10_000u32.to_le_bytes());
        assert_eq!(b[39], 0x01);

        let rsp = FabricConnectRsp {
            status_code_specific: ConnectRspSuccess(0).with_cntlid(5).with_atr(1).0,
            ..Default::default()
        };
        let s = ConnectRspSuccess(rsp.status_code_specific);
        assert_eq!((s.cntlid(), s.atr(), s.ascr()), (5, 1, 0));
        assert_eq!(&rsp.as_bytes()[0..4], &[5, 0, 2, 0]);
    }

    #[test]
    fn tcp_pdu_headers() {
        let mut raw = [0u8; 128];
        raw[0] = 0x01;
        raw[2] = 128;
        raw[4..8].copy_from_slice(&128u32.to_le_bytes());
        raw[11] = 0b11;
        raw[12..16].copy_from_slice(&131072u32.to_le_bytes());
        let r = TcpIcResp::read_from(&raw).unwrap();
        assert_eq!(
            (r.common.pdu_type, r.common.hlen, { r.common.plen }),
            (1, 128, 128)
        );
        assert_eq!((r.dgst.hdgst_enable(), r.dgst.ddgst_enable()), (1, 1));
        assert_eq!({ r.maxh2cdata }, 131072);
        assert!(TcpIcResp::read_from(&raw[..127]).is_none());
    }
}
