//! C ABI modules, one per header.

pub mod vmd;
