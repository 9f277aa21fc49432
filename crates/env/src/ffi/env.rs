//! The C ABI of include/spdk/env.h.

pub mod mempool;
pub mod ring;
