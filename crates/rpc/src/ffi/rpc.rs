//! rpc.h: the JSON-RPC method table and RPC servers.

use std::ffi::{c_char, c_int, CStr};
use std::ptr;

use spdk_json::ffi::json::spdk_json_val;
use spdk_jsonrpc::ffi::jsonrpc::spdk_jsonrpc_request;

use crate::server::RpcServer;

/// State mask bit: the method may be called before the subsystems are
/// initialized (e.g. with --wait-for-rpc).
pub const SPDK_RPC_STARTUP: u32 = 0x1;
/// State mask bit: the method may be called once the subsystems are
/// initialized.
pub const SPDK_RPC_RUNTIME: u32 = 0x2;

/// An RPC server listening on a Unix socket.
pub struct spdk_rpc_server {
    _opaque: [u8; 0],
}

/// A method handler: answer `request` (now or later) using `params`,
/// which is NULL when the request had none.
pub type spdk_rpc_method_handler =
    Option<unsafe extern "C" fn(request: *mut spdk_jsonrpc_request, params: *const spdk_json_val)>;

unsafe fn str_arg<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        None
    } else {
        CStr::from_ptr(p).to_str().ok()
    }
}

/// Checks that every method registration succeeded (no duplicate name, no
/// alias of a missing method).
///
/// \return true when the method table is consistent.
#[no_mangle]
pub extern "C" fn spdk_rpc_verify_methods() -> bool {
    crate::verify_methods()
}

/// Starts an RPC server on the Unix socket `listen_addr`. A lock file
/// `<listen_addr>.lock` keeps other processes from using the same path.
///
/// \return the server, or NULL when the path is unusable or in use.
#[no_mangle]
pub unsafe extern "C" fn spdk_rpc_server_listen(
    listen_addr: *const c_char,
) -> *mut spdk_rpc_server {
    let Some(addr) = str_arg(listen_addr) else {
        return ptr::null_mut();
    };
    match RpcServer::listen(addr) {
        Ok(s) => Box::into_raw(Box::new(s)).cast(),
        Err(_) => ptr::null_mut(),
    }
}

/// Accepts new connections and serves pending requests; never blocks.
#[no_mangle]
pub unsafe extern "C" fn spdk_rpc_server_accept(server: *mut spdk_rpc_server) {
    if let Some(s) = (server as *mut RpcServer).as_mut() {
        s.accept();
    }
}

/// Stops `server`, removes its socket and lock files and frees it.
#[no_mangle]
pub unsafe extern "C" fn spdk_rpc_server_close(server: *mut spdk_rpc_server) {
    if !server.is_null() {
        drop(Box::from_raw(server as *mut RpcServer));
    }
}

/// Registers `func` as the handler of `method`, callable in the states of
/// `state_mask` (SPDK_RPC_STARTUP, SPDK_RPC_RUNTIME or both). Registering
/// a name twice is an error reported by spdk_rpc_verify_methods().
#[no_mangle]
pub unsafe extern "C" fn spdk_rpc_register_method(
    method: *const c_char,
    func: spdk_rpc_method_handler,
    state_mask: u32,
) {
    match (str_arg(method), func) {
        (Some(m), Some(f)) => crate::register_c(m, f, state_mask),
        _ => spdk_log::errlog!("invalid RPC method registration"),
    }
}

/// Registers `alias` as a deprecated name of `method` (which must be
/// registered already); calling it logs a deprecation warning once.
#[no_mangle]
pub unsafe extern "C" fn spdk_rpc_register_alias_deprecated(
    method: *const c_char,
    alias: *const c_char,
) {
    match (str_arg(method), str_arg(alias)) {
        (Some(m), Some(a)) => crate::register_alias_deprecated(m, a),
        _ => spdk_log::errlog!("invalid RPC alias registration"),
    }
}

/// Whether `method` may be called in every state of `state_mask`.
///
/// \return 0 if so, -EPERM when it exists but not for those states,
/// -ENOENT when there is no such (allowed) method.
#[no_mangle]
pub unsafe extern "C" fn spdk_rpc_is_method_allowed(
    method: *const c_char,
    state_mask: u32,
) -> c_int {
    match str_arg(method) {
        Some(m) => crate::is_method_allowed(m, state_mask),
        None => -libc::ENOENT,
    }
}

/// Stores the state mask `method` was registered with in `*state_mask`.
///
/// \return 0, or -ENOENT when there is no such method (-EINVAL on NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_rpc_get_method_state_mask(
    method: *const c_char,
    state_mask: *mut u32,
) -> c_int {
    if state_mask.is_null() {
        return -libc::EINVAL;
    }
    let Some(m) = str_arg(method) else {
        return -libc::ENOENT;
    };
    match crate::method_state_mask(m) {
        Some(s) => {
            *state_mask = s;
            0
        }
        None => -libc::ENOENT,
    }
}

/// Sets the current RPC state (SPDK_RPC_STARTUP or SPDK_RPC_RUNTIME).
#[no_mangle]
pub extern "C" fn spdk_rpc_set_state(state_mask: u32) {
    crate::set_state(state_mask)
}

/// The current RPC state.
#[no_mangle]
pub extern "C" fn spdk_rpc_get_state() -> u32 {
    crate::state()
}

/// Restricts the callable methods to the NULL-terminated list
/// `rpc_allowlist` (copied); NULL allows every method again.
#[no_mangle]
pub unsafe extern "C" fn spdk_rpc_set_allowlist(rpc_allowlist: *mut *const c_char) {
    if rpc_allowlist.is_null() {
        crate::set_allowlist(None);
        return;
    }
    let mut list = Vec::new();
    let mut p = rpc_allowlist;
    while !(*p).is_null() {
        list.push(CStr::from_ptr(*p).to_string_lossy().into_owned());
        p = p.add(1);
    }
    crate::set_allowlist(Some(list));
}
