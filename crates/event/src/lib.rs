//! SPDK's event library (include/spdk/event.h): the application framework.
//! `spdk_app_start` brings up the environment, one reactor (a pinned OS
//! thread running SPDK threads) per core of the mask, the subsystems and
//! the RPC server, then calls the application on the app thread.

use std::ffi::CString;

pub mod app;
pub(crate) mod core_locks;
pub mod iobuf;
pub(crate) mod opts_check;
pub mod reactor;
pub mod rpcs;
pub mod subsystems;

/// The C ABI. Its unsafe functions take C pointers; their contract is the
/// one documented in the header, so no `# Safety` sections.
#[allow(non_camel_case_types, clippy::missing_safety_doc)]
pub mod ffi {
    pub mod event;
}

/// A NUL-terminated copy of `s` (cut at an interior NUL).
pub(crate) fn cstring(s: &str) -> CString {
    CString::new(s.split('\0').next().unwrap_or("")).unwrap_or_default()
}
