//! The C ABI of include/spdk/nvmf_spec.h: the constants and enums of the
//! NVMe over Fabrics specification and of its RDMA and TCP transports.
//!
//! The structs of that header (fabrics command capsules, connect data,
//! discovery log, authentication messages, RDMA private data, TCP PDU
//! headers) are written in C in headers/nvmf_spec.post.h, as those of
//! nvme_spec.h are; their Rust view is [`crate::spec::fabrics`]. So is
//! `enum spdk_nvme_tcp_term_req_fes`, which has two names for one value (a
//! Rust enum cannot).

/// Shortest valid NQN: the "nqn.yyyy-mm." prefix the specification requires.
pub const SPDK_NVMF_NQN_MIN_LEN: usize = 11;
/// Longest valid NQN, in bytes, without the terminator.
pub const SPDK_NVMF_NQN_MAX_LEN: usize = 223;
/// Length of the prefix of a UUID-based NQN (`SPDK_NVMF_NQN_UUID_PRE`).
pub const SPDK_NVMF_NQN_UUID_PRE_LEN: usize = 32;
/// Longest label of a domain name (RFC 1034), as NQN validation uses it.
pub const SPDK_DOMAIN_LABEL_MAX_LEN: usize = 63;
/// Longest transport name in a transport ID, without the terminator.
pub const SPDK_NVMF_TRSTRING_MAX_LEN: usize = 32;
/// Longest transport address in a transport ID, without the terminator.
pub const SPDK_NVMF_TRADDR_MAX_LEN: usize = 256;
/// Longest transport service ID in a transport ID, without the terminator.
pub const SPDK_NVMF_TRSVCID_MAX_LEN: usize = 32;
/// Length of a UUID in text form, without the terminator.
pub const SPDK_NVMF_UUID_STRING_LEN: usize = 36;
/// Opcode of every fabrics command (the command type is in fctype).
pub const SPDK_NVME_OPC_FABRIC: u32 = 0x7f;
/// Property Get/Set attribute size: 4 bytes.
pub const SPDK_NVMF_PROP_SIZE_4: u32 = 0;
/// Property Get/Set attribute size: 8 bytes.
pub const SPDK_NVMF_PROP_SIZE_8: u32 = 1;
/// Smallest admin submission queue a discovery log entry may announce.
pub const SPDK_NVMF_MIN_ADMIN_MAX_SQ_SIZE: u32 = 32;
/// Security protocol of NVMe in-band authentication (SECP).
pub const SPDK_NVMF_AUTH_SECP_NVME: u32 = 0xe9;
/// Reason code of AUTH_Failure messages: authentication failed.
pub const SPDK_NVMF_AUTH_FAILURE: u32 = 1;
/// SGL subtype of an RDMA keyed data block that invalidates its key.
pub const SPDK_NVME_SGL_SUBTYPE_INVALIDATE_KEY: u32 = 0xf;
/// Largest host PDU data alignment (HPDA) of NVMe/TCP.
pub const SPDK_NVME_TCP_HPDA_MAX: u32 = 31;
/// Largest controller PDU data alignment (CPDA) of NVMe/TCP.
pub const SPDK_NVME_TCP_CPDA_MAX: u32 = 31;
/// Most bytes of the offending PDU header a TCP termination request carries.
pub const SPDK_NVME_TCP_TERM_REQ_ERROR_DATA_MAX_SIZE: u32 = 128;

/// Transport types of NVMe over Fabrics (the TRTYPE field).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_trtype {
    /// RDMA (RoCE, iWARP, InfiniBand).
    SPDK_NVMF_TRTYPE_RDMA = 0x1,
    /// Fibre Channel.
    SPDK_NVMF_TRTYPE_FC = 0x2,
    /// TCP.
    SPDK_NVMF_TRTYPE_TCP = 0x3,
    /// Loopback inside one host.
    SPDK_NVMF_TRTYPE_INTRA_HOST = 0xfe,
}

/// Address families of a transport address (the ADRFAM field).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_adrfam {
    /// IPv4 (AF_INET).
    SPDK_NVMF_ADRFAM_IPV4 = 0x1,
    /// IPv6 (AF_INET6).
    SPDK_NVMF_ADRFAM_IPV6 = 0x2,
    /// InfiniBand (AF_IB).
    SPDK_NVMF_ADRFAM_IB = 0x3,
    /// Fibre Channel.
    SPDK_NVMF_ADRFAM_FC = 0x4,
    /// Loopback inside one host.
    SPDK_NVMF_ADRFAM_INTRA_HOST = 0xfe,
}

/// Fabrics command types (fctype of a fabrics command capsule).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_fabric_cmd_types {
    SPDK_NVMF_FABRIC_COMMAND_PROPERTY_SET = 0x00,
    SPDK_NVMF_FABRIC_COMMAND_CONNECT = 0x01,
    SPDK_NVMF_FABRIC_COMMAND_PROPERTY_GET = 0x04,
    SPDK_NVMF_FABRIC_COMMAND_AUTHENTICATION_SEND = 0x05,
    SPDK_NVMF_FABRIC_COMMAND_AUTHENTICATION_RECV = 0x06,
    SPDK_NVMF_FABRIC_COMMAND_START_VENDOR_SPECIFIC = 0xc0,
}

/// Command specific status codes of fabrics commands.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_fabric_cmd_status_code {
    SPDK_NVMF_FABRIC_SC_INCOMPATIBLE_FORMAT = 0x80,
    SPDK_NVMF_FABRIC_SC_CONTROLLER_BUSY = 0x81,
    SPDK_NVMF_FABRIC_SC_INVALID_PARAM = 0x82,
    SPDK_NVMF_FABRIC_SC_RESTART_DISCOVERY = 0x83,
    SPDK_NVMF_FABRIC_SC_INVALID_HOST = 0x84,
    SPDK_NVMF_FABRIC_SC_LOG_RESTART_DISCOVERY = 0x90,
    SPDK_NVMF_FABRIC_SC_AUTH_REQUIRED = 0x91,
}

/// RDMA queue pair service types.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_rdma_qptype {
    SPDK_NVMF_RDMA_QPTYPE_RELIABLE_CONNECTED = 0x1,
    SPDK_NVMF_RDMA_QPTYPE_RELIABLE_DATAGRAM = 0x2,
}

/// RDMA provider types.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_rdma_prtype {
    SPDK_NVMF_RDMA_PRTYPE_NONE = 0x1,
    SPDK_NVMF_RDMA_PRTYPE_IB = 0x2,
    SPDK_NVMF_RDMA_PRTYPE_ROCE = 0x3,
    SPDK_NVMF_RDMA_PRTYPE_ROCE2 = 0x4,
    SPDK_NVMF_RDMA_PRTYPE_IWARP = 0x5,
}

/// RDMA connection management services.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_rdma_cms {
    /// rdma_cm (sockets-like addressing).
    SPDK_NVMF_RDMA_CMS_RDMA_CM = 0x1,
}

/// Subsystem types of discovery log entries.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_subtype {
    /// A referral to another discovery service.
    SPDK_NVMF_SUBTYPE_DISCOVERY = 0x1,
    /// An NVM subsystem.
    SPDK_NVMF_SUBTYPE_NVME = 0x2,
    /// The discovery subsystem being asked.
    SPDK_NVMF_SUBTYPE_DISCOVERY_CURRENT = 0x3,
}

/// Secure channel requirement of a discovery log entry (treq).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_treq_secure_channel {
    SPDK_NVMF_TREQ_SECURE_CHANNEL_NOT_SPECIFIED = 0x0,
    SPDK_NVMF_TREQ_SECURE_CHANNEL_REQUIRED = 0x1,
    SPDK_NVMF_TREQ_SECURE_CHANNEL_NOT_REQUIRED = 0x2,
}

/// Security types of NVMe/TCP (transport specific address subtype).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_tcp_secure_socket_type {
    SPDK_NVME_TCP_SECURITY_NONE = 0,
    SPDK_NVME_TCP_SECURITY_TLS_1_2 = 1,
    SPDK_NVME_TCP_SECURITY_TLS_1_3 = 2,
}

/// Authentication message types.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_auth_type {
    SPDK_NVMF_AUTH_TYPE_COMMON_MESSAGE = 0x0,
    SPDK_NVMF_AUTH_TYPE_DHCHAP = 0x1,
}

/// Authentication message identifiers.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_auth_id {
    SPDK_NVMF_AUTH_ID_NEGOTIATE = 0x00,
    SPDK_NVMF_AUTH_ID_DHCHAP_CHALLENGE = 0x01,
    SPDK_NVMF_AUTH_ID_DHCHAP_REPLY = 0x02,
    SPDK_NVMF_AUTH_ID_DHCHAP_SUCCESS1 = 0x03,
    SPDK_NVMF_AUTH_ID_DHCHAP_SUCCESS2 = 0x04,
    SPDK_NVMF_AUTH_ID_FAILURE2 = 0xf0,
    SPDK_NVMF_AUTH_ID_FAILURE1 = 0xf1,
}

/// DH-HMAC-CHAP hash functions.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_dhchap_hash {
    SPDK_NVMF_DHCHAP_HASH_NONE = 0x0,
    SPDK_NVMF_DHCHAP_HASH_SHA256 = 0x1,
    SPDK_NVMF_DHCHAP_HASH_SHA384 = 0x2,
    SPDK_NVMF_DHCHAP_HASH_SHA512 = 0x3,
}

/// DH-HMAC-CHAP Diffie-Hellman groups.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_dhchap_dhgroup {
    SPDK_NVMF_DHCHAP_DHGROUP_NULL = 0x0,
    SPDK_NVMF_DHCHAP_DHGROUP_2048 = 0x1,
    SPDK_NVMF_DHCHAP_DHGROUP_3072 = 0x2,
    SPDK_NVMF_DHCHAP_DHGROUP_4096 = 0x3,
    SPDK_NVMF_DHCHAP_DHGROUP_6144 = 0x4,
    SPDK_NVMF_DHCHAP_DHGROUP_8192 = 0x5,
}

/// Secure channel concatenation of AUTH_Negotiate.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_auth_scc {
    SPDK_NVMF_AUTH_SCC_DISABLED = 0,
    /// With TLS (NVMe/TCP).
    SPDK_NVMF_AUTH_SCC_TLS = 1,
}

/// Reason code explanations of AUTH_Failure messages.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_auth_failure_reason {
    SPDK_NVMF_AUTH_FAILED = 0x1,
    SPDK_NVMF_AUTH_PROTOCOL_UNUSABLE = 0x2,
    SPDK_NVMF_AUTH_SCC_MISMATCH = 0x3,
    SPDK_NVMF_AUTH_HASH_UNUSABLE = 0x4,
    SPDK_NVMF_AUTH_DHGROUP_UNUSABLE = 0x5,
    SPDK_NVMF_AUTH_INCORRECT_PAYLOAD = 0x6,
    SPDK_NVMF_AUTH_INCORRECT_PROTOCOL_MESSAGE = 0x7,
}

/// Status of an RDMA connection rejection (reject private data, sts).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvmf_rdma_transport_error {
    SPDK_NVMF_RDMA_ERROR_INVALID_PRIVATE_DATA_LENGTH = 0x1,
    SPDK_NVMF_RDMA_ERROR_INVALID_RECFMT = 0x2,
    SPDK_NVMF_RDMA_ERROR_INVALID_QID = 0x3,
    SPDK_NVMF_RDMA_ERROR_INVALID_HSQSIZE = 0x4,
    SPDK_NVMF_RDMA_ERROR_INVALID_HRQSIZE = 0x5,
    SPDK_NVMF_RDMA_ERROR_NO_RESOURCES = 0x6,
    SPDK_NVMF_RDMA_ERROR_INVALID_IRD = 0x7,
    SPDK_NVMF_RDMA_ERROR_INVALID_ORD = 0x8,
}

/// NVMe/TCP PDU types.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_tcp_pdu_type {
    /// Initialize connection request (ICReq).
    SPDK_NVME_TCP_PDU_TYPE_IC_REQ = 0x00,
    /// Initialize connection response (ICResp).
    SPDK_NVME_TCP_PDU_TYPE_IC_RESP = 0x01,
    /// Termination request from the host.
    SPDK_NVME_TCP_PDU_TYPE_H2C_TERM_REQ = 0x02,
    /// Termination request from the controller.
    SPDK_NVME_TCP_PDU_TYPE_C2H_TERM_REQ = 0x03,
    /// Command capsule.
    SPDK_NVME_TCP_PDU_TYPE_CAPSULE_CMD = 0x04,
    /// Response capsule.
    SPDK_NVME_TCP_PDU_TYPE_CAPSULE_RESP = 0x05,
    /// Data from the host.
    SPDK_NVME_TCP_PDU_TYPE_H2C_DATA = 0x06,
    /// Data from the controller.
    SPDK_NVME_TCP_PDU_TYPE_C2H_DATA = 0x07,
    /// Ready to transfer.
    SPDK_NVME_TCP_PDU_TYPE_R2T = 0x09,
}
