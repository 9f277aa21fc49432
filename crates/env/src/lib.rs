//! SPDK's environment library (env.h): memory for DMA, address translation,
//! object pools, rings, time, cores and pinned threads, without DPDK.

pub mod memory;
pub mod mempool;
pub mod ring;

pub mod ffi {
    pub mod env;
}
