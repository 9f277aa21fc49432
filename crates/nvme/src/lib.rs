//! SPDK's NVMe driver library (include/spdk/nvme.h, nvmf_spec.h and
//! spdk_internal/nvme_util.h): user-space, polled, lock-free and
//! allocation-free on the I/O path.
//!
//! The core ([`ctrlr`], [`qpair`], [`ns`], [`ns_cmd`], [`probe`]) is
//! transport independent; [`kind`] dispatches to the transports: PCIe over
//! VFIO ([`pcie`]), NVMe/TCP ([`tcp`]) and, for tests and benchmarks only,
//! the in-memory controller [`model`] driven through the PCIe queue code.
//! The C ABI is in [`ffi`]. See doc/nvme-driver.md.

pub mod ctrlr;
pub mod err_inject;
pub mod kind;
pub mod model;
pub mod ns;
pub mod ns_cmd;
pub mod ocssd;
pub mod pcie;
pub mod poll_group;
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
    pub mod nvme_ocssd;
    pub mod nvme_spec;
    pub mod nvme_util;
    pub mod nvme_zns;
    pub mod nvmf_spec;
}

/// The well-known NQN of a discovery controller (`SPDK_NVMF_DISCOVERY_NQN`).
pub const DISCOVERY_NQN: &str = "nqn.2014-08.org.nvmexpress.discovery";
