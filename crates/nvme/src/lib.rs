//! SPDK's NVMe driver library (include/spdk/nvme.h, nvmf_spec.h and
//! spdk_internal/nvme_util.h).
//!
//! This first slice holds what needs no controller: transport IDs (parsing,
//! comparing, naming) and the NVMe/TCP PDU codec ([`tcp`]) that the TCP
//! transport will be built on. Controllers, queue pairs and commands come
//! later; nothing about them is exported yet.

pub mod ctrlr;
pub mod kind;
pub mod model;
pub mod ns;
pub mod ns_cmd;
pub mod pcie;
pub mod print;
pub mod probe;
pub mod qpair;
pub mod request;
pub mod spec;
pub mod tcp;
pub mod transport;
pub mod trid;

#[allow(non_camel_case_types, clippy::missing_safety_doc)]
pub mod ffi {
    pub mod nvme;
    pub mod nvme_spec;
    pub mod nvme_util;
    pub mod nvmf_spec;
}

/// The well-known NQN of a discovery controller (`SPDK_NVMF_DISCOVERY_NQN`).
pub const DISCOVERY_NQN: &str = "nqn.2014-08.org.nvmexpress.discovery";
