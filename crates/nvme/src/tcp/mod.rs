//! NVMe/TCP PDUs (NVMe over Fabrics TCP transport specification): the
//! common header, every PDU type, header and data digests (CRC32C), a
//! serializer ([`encode`]) and an incremental, memory-safe parser for a
//! byte stream ([`PduReader`]) that rejects malformed PDUs with the fatal
//! error status (FES) and field offset a termination request carries.
//!
//! Internal to the library for now: the TCP transport (host side) and, later,
//! the NVMe-oF target build on it. No C header.

mod pdu;
mod reader;

pub use pdu::*;
pub use reader::*;

#[cfg(test)]
mod tests;
