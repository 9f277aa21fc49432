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

unsafe fn str_arg<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        None
    } else {
        CStr::from_ptr(p).to_str().ok()
    }
}

/// Starts an RPC server on the Unix socket `listen_addr`, served by a
/// poller of the calling (app) thread. `opts` (may be NULL) sets the
/// JSON-RPC log.
///
/// \return 0, -EINVAL (bad address, inconsistent methods or options),
/// -EADDRINUSE when this process already listens there.
#[no_mangle]
pub unsafe extern "C" fn spdk_rpc_initialize(
    listen_addr: *const c_char,
    opts: *const spdk_rpc_opts,
) -> c_int {
    let Some(addr) = str_arg(listen_addr) else {
        return -libc::EINVAL;
    };
    if let Some(o) = opts.as_ref() {
        if o.size == 0 {
            spdk_log::errlog!("size in the options structure should not be zero");
            return -libc::EINVAL;
        }
    }
    if let Err(rc) = crate::rpc_servers::initialize(addr) {
        return rc;
    }
    let mut file = std::ptr::null_mut();
    let mut level = LogLevelArg(-1);
    if let Some(o) = opts.as_ref() {
        let end_file = std::mem::offset_of!(spdk_rpc_opts, log_file) + 8;
        let end_level = std::mem::offset_of!(spdk_rpc_opts, log_level) + 4;
        if o.size >= end_file {
            file = o.log_file;
        }
        if o.size >= end_level {
            level = o.log_level;
        }
    }
    if !opts.is_null() {
        spdk_jsonrpc::ffi::jsonrpc::spdk_jsonrpc_set_log_file(file);
        spdk_jsonrpc::ffi::jsonrpc::spdk_jsonrpc_set_log_level(level);
    }
    0
}

/// Stops every RPC server started by spdk_rpc_initialize().
#[no_mangle]
pub extern "C" fn spdk_rpc_finish() {
    crate::rpc_servers::finish_all()
}

/// Stops the RPC server listening on `listen_addr`.
#[no_mangle]
pub unsafe extern "C" fn spdk_rpc_server_finish(listen_addr: *const c_char) {
    if let Some(a) = str_arg(listen_addr) {
        crate::rpc_servers::finish(a)
    }
}

/// Stops serving requests on `listen_addr` (connections wait) until
/// spdk_rpc_server_resume().
#[no_mangle]
pub unsafe extern "C" fn spdk_rpc_server_pause(listen_addr: *const c_char) {
    if let Some(a) = str_arg(listen_addr) {
        crate::rpc_servers::set_active(a, false)
    }
}

/// Serves requests on `listen_addr` again.
#[no_mangle]
pub unsafe extern "C" fn spdk_rpc_server_resume(listen_addr: *const c_char) {
    if let Some(a) = str_arg(listen_addr) {
        crate::rpc_servers::set_active(a, true)
    }
}

/// Applies a JSON configuration (`json`, `json_size` bytes, SPDK's
/// {"subsystems": [...]} format) by calling its RPC methods in order, those
/// allowed in the current RPC state only; `cb_fn(rc, cb_arg)` at the end.
/// With `stop_on_error`, the first failing method ends the loading.
#[no_mangle]
pub unsafe extern "C" fn spdk_subsystem_load_config(
    json: *mut c_void,
    json_size: libc::ssize_t,
    cb_fn: spdk_subsystem_init_fn,
    cb_arg: *mut c_void,
    stop_on_error: bool,
) {
    let Some(cb) = cb_fn else {
        spdk_log::errlog!("spdk_subsystem_load_config: no callback");
        return;
    };
    let data: &[u8] = if json.is_null() || json_size <= 0 {
        &[]
    } else {
        std::slice::from_raw_parts(json.cast::<u8>(), json_size as usize)
    };
    crate::register_methods();
    crate::json_config::load(data, cb, cb_arg, stop_on_error)
}
