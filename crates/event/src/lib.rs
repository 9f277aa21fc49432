//! SPDK event library. (being written)

#[allow(non_camel_case_types, clippy::missing_safety_doc)]
pub mod ffi {}
