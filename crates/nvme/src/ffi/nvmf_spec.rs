//! The C ABI of include/spdk/nvmf_spec.h: so far only the constants and
//! enums that transport IDs use. The NVMe over Fabrics command, response
//! and discovery log structures come with the fabrics transports (see
//! doc/nvme-spec-types.md).

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
