//! init.h: subsystem initialisation and the RPC servers of an application
//! (and, in `init/internal.rs`, spdk_internal/init.h).

use std::ffi::{c_char, c_int, c_void, CStr};

use spdk_log::ffi::log::LogLevelArg;

pub mod internal;

pub use internal::*;

/// Default RPC listen address (SPDK_DEFAULT_RPC_ADDR in the header).
pub const DEFAULT_RPC_ADDR: &str = "/var/tmp/spdk.sock";

/// Options of spdk_rpc_initialize().
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_rpc_opts {
    /// sizeof(struct spdk_rpc_opts) as the caller knows it.
    pub size: usize,
    /// Where the JSON-RPC server logs requests and responses (NULL: none).
    pub log_file: *mut libc::FILE,
    /// Level of that log (SPDK_LOG_DISABLED by default).
    pub log_level: LogLevelArg,
}

const _: () = assert!(std::mem::size_of::<spdk_rpc_opts>() == 24);

/// Called when subsystem initialisation finished: `rc` 0 on success.
pub type spdk_subsystem_init_fn = Option<unsafe extern "C" fn(rc: c_int, ctx: *mut c_void)>;

/// Called when every subsystem is finished.
pub type spdk_subsystem_fini_fn = Option<unsafe extern "C" fn(ctx: *mut c_void)>;

/// Initialises every registered subsystem, dependencies first, on the app
/// thread; `cb_fn(rc, cb_arg)` when done or failed.
#[no_mangle]
pub unsafe extern "C" fn spdk_subsystem_init(cb_fn: spdk_subsystem_init_fn, cb_arg: *mut c_void) {
    let Some(cb) = cb_fn else {
        spdk_log::errlog!("spdk_subsystem_init: no callback");
        return;
    };
    crate::register_methods();
    crate::subsystem::init(cb, cb_arg)
}

/// Finishes the initialised subsystems in reverse order, then
/// `cb_fn(cb_arg)`.
#[no_mangle]
pub unsafe extern "C" fn spdk_subsystem_fini(cb_fn: spdk_subsystem_fini_fn, cb_arg: *mut c_void) {
    let Some(cb) = cb_fn else {
        spdk_log::errlog!("spdk_subsystem_fini: no callback");
        return;
    };
    crate::subsystem::fini(cb, cb_arg)
}

/// Whether a subsystem named `name` is registered.
#[no_mangle]
pub unsafe extern "C" fn spdk_subsystem_exists(name: *const c_char) -> bool {
    if name.is_null() {
        return false;
    }
    match CStr::from_ptr(name).to_str() {
        Ok(n) => crate::subsystem::exists(n),
        Err(_) => false,
    }
}
