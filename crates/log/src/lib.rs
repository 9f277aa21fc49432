//! SPDK logging (log.h). (to be written)
pub mod ffi { pub mod log; }
