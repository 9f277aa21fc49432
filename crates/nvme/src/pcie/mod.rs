//! The PCIe transport: queue pairs on memory rings ([`queue`]), their data
//! pointers ([`prp`]), the controller behind BAR0 ([`ctrlr`]), its PCI
//! function through VFIO ([`vfio`]) and controller discovery
//! ([`enumerate`]). The queue code only sees doorbell pointers, so it
//! drives a real controller's BAR0 and the in-memory model alike.

pub mod ctrlr;
pub mod enumerate;
pub mod prp;
pub mod queue;
pub mod vfio;

pub use ctrlr::{PcieCtrlr, PcieOpts};
pub use queue::{Doorbells, PcieQpair, QueueConfig};
