//! NVMe/TCP (NVMe over Fabrics TCP transport specification).
//!
//! The PDU codec: the common header, every PDU type, header and data
//! digests (CRC32C), a serializer ([`encode`]) and an incremental,
//! memory-safe parser for a byte stream ([`PduReader`]) that rejects
//! malformed PDUs with the fatal error status (FES) and field offset a
//! termination request carries. The fuzz target and test targets use them.
//!
//! The host transport: [`TcpCtrlr`] (admin connection, Property Get/Set
//! registers, I/O queue creation) and [`TcpQpair`] (a nonblocking
//! connection per queue: capsules with in-capsule data, R2T/H2C, C2H data
//! into the request's buffers, digests), built on a zero-allocation send
//! buffer and receive state machine ([`conn`]); [`discovery`] reads a
//! discovery controller's log.

mod conn;
pub mod ctrlr;
mod cursor;
pub mod discovery;
pub mod fabric;
mod pdu;
pub mod qpair;
mod reader;
mod tx;

pub use conn::ADMIN_IN_CAPSULE;
pub use ctrlr::{TcpCtrlr, TcpCtrlrOpts};
pub use pdu::*;
pub use qpair::TcpQpair;
pub use reader::*;

#[cfg(test)]
mod tests;
