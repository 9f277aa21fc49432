//! An in-memory NVMe controller for tests and the benchmark.
//!
//! The "device" ([`Model`]) has its registers in ordinary memory and works
//! the queues the host programs into them, reading commands and PRP/SGL
//! lists from host memory and writing completions there, as a PCIe
//! controller does by DMA (IOVA = VA; only memory registered with the
//! environment is reachable, as behind an IOMMU). The host side is the
//! real PCIe queue code ([`crate::pcie::PcieQpair`]) over those registers
//! ([`ModelCtrlr`], [`ModelQpair`]).
//!
//! The device runs when [`Model::step`] is called, and, unless
//! [`Model::set_auto_step`] turned it off, whenever the host polls or waits
//! on it. It can hold commands, raise asynchronous events and misbehave on
//! request (unknown CIDs, duplicate completions, a wrong phase, controller
//! fatal status) to exercise the host's error paths.
//!
//! Beyond I/O it manages namespaces (create, delete, attach, detach,
//! Format NVM: mgmt.rs), keeps firmware slots and boot partitions
//! (fw.rs), and answers Security Send / Receive with an echo protocol of
//! its own and the identify and streams directives (sec.rs); its
//! identify controller data announces all of them (OACS).
//!
//! It is reachable from Rust only: no transport type of the C API names it.

mod admin;
mod device;
mod dma;
mod fw;
mod io;
mod mgmt;
mod range;
mod resv;
mod sec;
mod transport;
mod zns;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Once;

pub use device::Device;
pub use fw::{FW_IMAGE_MAX, FW_REVISION};
pub use mgmt::STD_FORMATS;
pub use sec::{SECP_ECHO, SECP_INFO};
pub use transport::{ModelCtrlr, ModelQpair};
pub use zns::{ZS_CLOSED, ZS_EMPTY, ZS_EOPEN, ZS_FULL, ZS_IOPEN, ZS_OFFLINE, ZS_READ_ONLY};

/// A zoned namespace's geometry and limits.
#[derive(Clone, Copy, Debug)]
pub struct ModelZoned {
    /// Zone size, blocks.
    pub zone_size: u64,
    /// Writable blocks of a zone (0: the zone size).
    pub zone_capacity: u64,
    /// Most open zones (0: no limit).
    pub max_open: u32,
    /// Most active (open or closed) zones (0: no limit).
    pub max_active: u32,
    /// Zone descriptor extension size, 64-byte units (0: none).
    pub zdes: u8,
}

impl ModelZoned {
    pub(crate) fn zone_cap(&self) -> u64 {
        if self.zone_capacity == 0 {
            self.zone_size
        } else {
            self.zone_capacity.min(self.zone_size)
        }
    }
}

impl Default for ModelZoned {
    fn default() -> Self {
        ModelZoned {
            zone_size: 256,
            zone_capacity: 0,
            max_open: 0,
            max_active: 0,
            zdes: 0,
        }
    }
}

/// A namespace of the model.
#[derive(Clone, Copy, Debug)]
pub struct ModelNs {
    pub blocks: u64,
    /// 512 or 4096 (any power of two from 512 works).
    pub block_size: u32,
    /// Separate metadata bytes per block (0: none).
    pub md_size: u16,
    /// Optimal I/O boundary, in blocks (0: none).
    pub noiob: u16,
    /// A zoned namespace (Command Set Identifier 2) with these zones;
    /// the controller then offers all I/O command sets in CAP.CSS.
    pub zoned: Option<ModelZoned>,
}

impl Default for ModelNs {
    fn default() -> Self {
        ModelNs {
            blocks: 2048,
            block_size: 512,
            md_size: 0,
            noiob: 0,
            zoned: None,
        }
    }
}

/// What the model is and how it behaves.
#[derive(Clone, Debug)]
pub struct ModelConfig {
    pub namespaces: Vec<ModelNs>,
    /// I/O queues the controller grants (Number of Queues).
    pub max_io_queues: u16,
    /// CAP.MQES: largest queue, 0's based.
    pub mqes: u16,
    /// Identify MDTS (0: no limit), in 4 KiB pages as a power of two.
    pub mdts: u8,
    /// CAP.TO: ready timeout in 500 ms units.
    pub cap_to: u8,
    /// Identify SGLS.supported: 0 none, 1 byte aligned, 2 dword aligned.
    pub sgl: u8,
    /// Identify KAS (keep alive granularity, 100 ms units; 0: none).
    pub kas: u16,
    /// Keep Alive Timer feature value after reset (ms; 0: none).
    pub kato_ms: u32,
    /// Reads and writes move no data (benchmark).
    pub rings_only: bool,
    /// CSTS reads before RDY follows CC.EN.
    pub ready_delay: u32,
    /// RDY never follows CC.EN = 1 (a controller that does not come up).
    pub never_ready: bool,
    /// Doorbell Buffer Config supported; the model's host side uses it.
    pub shadow_doorbells: bool,
    /// Largest transfer the host side sizes its PRP lists for.
    pub max_xfer: u32,
    /// How long the host side waits for its own admin commands.
    pub internal_timeout_us: u64,
    /// Zone Append Size Limit (zoned controller data), 4 KiB pages as a
    /// power of two (0: MDTS).
    pub zasl: u8,
    /// Zone Append supported (in the zoned commands supported log).
    pub zone_append: bool,
    /// Refuse Identify CNS 05h and 06h (zoned command set data) with
    /// Invalid Field.
    pub refuse_zns_identify: bool,
    /// Asymmetric Namespace Access: the ANA group ID of each namespace
    /// (index NSID - 1; non-zero). Non-empty: the controller reports ANA
    /// (CMIC.ANARS, ANA change notices, the ANA log page); every group
    /// starts optimized ([`Device::set_ana_state`] changes one).
    pub ana_groups: Vec<u32>,
    /// CTRATT.ELBAS (extended LBA formats); the controller then offers
    /// all I/O command sets, and Identify CNS 05h CSI 00h reports the
    /// protection information format of [`ModelConfig::ns_pi`].
    pub elbas: bool,
    /// Protection information of each namespace (index NSID - 1):
    /// (DPS.PIT, ELBAF.PIF) of its LBA format; none when missing.
    /// Identify data only: I/O does not check or generate PI.
    pub ns_pi: Vec<(u8, u8)>,
    /// Namespaces the controller can have (NN): NSIDs beyond the
    /// configured namespaces start unallocated (0: just those).
    pub max_namespaces: u32,
    /// Total NVM capacity for namespace management, bytes (at least what
    /// the configured namespaces take).
    pub nvm_capacity: u64,
    /// Firmware slots (1 to 7); slot 1 holds the running firmware.
    pub fw_slots: u8,
    /// Firmware slot 1 is read only.
    pub fw_slot1_ro: bool,
    /// Size of each of the two boot partitions, 128 KiB units (0: no
    /// boot partitions; CAP.BPS then is 0).
    pub boot_partition_size: u16,
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            namespaces: vec![ModelNs::default()],
            max_io_queues: 16,
            mqes: 1023,
            mdts: 10,
            cap_to: 2,
            sgl: 0,
            kas: 0,
            kato_ms: 0,
            rings_only: false,
            ready_delay: 1,
            never_ready: false,
            shadow_doorbells: false,
            max_xfer: 4 << 20,
            internal_timeout_us: 2_000_000,
            zasl: 0,
            zone_append: true,
            refuse_zns_identify: false,
            ana_groups: Vec::new(),
            elbas: false,
            ns_pi: Vec::new(),
            max_namespaces: 0,
            nvm_capacity: 64 << 20,
            fw_slots: 3,
            fw_slot1_ro: true,
            boot_partition_size: 0,
        }
    }
}

/// The device, shared by the test (or benchmark) and the host transport.
#[derive(Clone)]
pub struct Model {
    dev: Rc<RefCell<Device>>,
}

impl Model {
    /// A model controller, disabled, with zeroed disks.
    pub fn new(cfg: ModelConfig) -> Model {
        ensure_env();
        Model {
            dev: Rc::new(RefCell::new(Device::new(cfg))),
        }
    }

    /// The host's view: register access and queue creation.
    pub fn ctrlr(&self) -> ModelCtrlr {
        ModelCtrlr::new(self.dev.clone())
    }

    /// Lets the device work its queues once; returns the commands it
    /// consumed.
    pub fn step(&self) -> usize {
        self.dev.borrow_mut().step()
    }

    /// Whether the device also runs when the host polls or waits.
    pub fn set_auto_step(&self, on: bool) {
        self.dev.borrow_mut().auto_step = on;
    }

    /// Runs `f` on the device (faults, held commands, disks).
    pub fn with<R>(&self, f: impl FnOnce(&mut Device) -> R) -> R {
        f(&mut self.dev.borrow_mut())
    }
}

/// Brings the environment up once per process (no hugepages needed), so
/// that DMA memory has IOVAs (IOVA = VA) as under VFIO. For tests and
/// benchmarks; applications call `spdk_env_init` themselves.
pub fn ensure_env() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if !spdk_env::init::is_initialized() {
            let o = spdk_env::init::Options {
                name: "nvme_model".into(),
                core_mask: Some("0x1".into()),
                shm_id: -1,
                no_huge: true,
                ..Default::default()
            };
            if let Err(e) = spdk_env::init::init(o) {
                spdk_log::errlog!("environment initialization failed: {}", e);
            }
            // init pins the calling thread to the main core; tests and
            // benchmarks run where the scheduler puts them.
            spdk_env::cores::unaffinitize();
        }
    });
}

#[cfg(test)]
mod tests;
