//! SPDK's environment library (env.h) without DPDK: DMA-capable memory and
//! its address maps, object pools, rings, time, cores and pinned threads.
//! Memory comes from hugepages when the machine has them and from ordinary
//! pages otherwise, so everything but PCI device access works as a normal
//! user.

pub mod cores;
pub mod init;
pub mod mem_map;
pub mod memory;
pub mod mempool;
pub mod pci;
pub mod ring;
pub mod ticks;

/// The C ABI. Its unsafe functions take C pointers; their contract is the
/// one documented in the header, so no `# Safety` sections.
#[allow(non_camel_case_types, clippy::missing_safety_doc)]
pub mod ffi {
    pub mod env;
}

pub use ticks::{ticks, ticks_hz};

/// Parses a core mask as SPDK's `-m` takes it ("0x3", "[0-2,4]") into
/// the CPU numbers it names.
pub fn parse_core_mask(mask: &str) -> Result<Vec<u32>, i32> {
    let set = spdk_util::cpuset::CpuMask::parse(mask.as_bytes()).map_err(|_| -libc::EINVAL)?;
    let cpus: Vec<u32> = set.iter().collect();
    if cpus.is_empty() {
        return Err(-libc::EINVAL);
    }
    Ok(cpus)
}
