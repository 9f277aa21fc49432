//! SPDK's init library (include/spdk/init.h, include/spdk_internal/init.h):
//! subsystems and their ordered initialisation, the RPC servers of an
//! application, JSON configuration loading, and the framework RPC methods.

use std::sync::Once;

pub mod subsystem;

/// The C ABI. Its unsafe functions take C pointers; their contract is the
/// one documented in the header, so no `# Safety` sections.
#[allow(non_camel_case_types, clippy::missing_safety_doc)]
pub mod ffi {
    pub mod init;
}

static METHODS: Once = Once::new();

/// Registers this library's RPC methods (once).
pub fn register_methods() {
    METHODS.call_once(|| {});
}
