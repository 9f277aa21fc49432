//! The PCIe transport: queue pairs on memory rings ([`queue`]), their data
//! pointers ([`prp`]), and (beside them) BAR0 register access, VFIO and
//! enumeration. The queue code only sees doorbell pointers, so it drives a
//! real controller's BAR0 and the in-memory model alike.

pub mod prp;
pub mod queue;

pub use queue::{Doorbells, PcieQpair, QueueConfig};
