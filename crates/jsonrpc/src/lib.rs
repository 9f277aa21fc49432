//! SPDK's JSON-RPC library (include/spdk/jsonrpc.h): a polled JSON-RPC 2.0
//! server over stream sockets with SPDK's framing, limits and error codes,
//! and the matching client.
//!
//! Rust code (the rpc crate) drives the server through the C ABI in
//! [`ffi::jsonrpc`] (it is plain Rust to call) and answers requests with
//! the helpers here:
//! - [`params_value`]: a request's params as a `serde_json::Value`;
//! - [`send_result`]: answer with a `serde_json::Value` result;
//! - [`with_result`]: answer by writing the result with a [`JsonWriter`];
//! - [`send_error`]: answer with an error code and message.

use std::ffi::{c_char, c_int};

use spdk_json::ffi::json::{spdk_json_val, value_from_raw, writer_mut};
use spdk_json::{JsonWriter, ValueError};

pub mod client;
mod log;
pub mod server;

pub mod ffi {
    pub mod jsonrpc;
}

use ffi::jsonrpc::{
    spdk_jsonrpc_begin_result, spdk_jsonrpc_end_result, spdk_jsonrpc_request,
    spdk_jsonrpc_send_error_response,
};

pub use ffi::jsonrpc::{
    SPDK_JSONRPC_ERROR_INTERNAL_ERROR, SPDK_JSONRPC_ERROR_INVALID_PARAMS,
    SPDK_JSONRPC_ERROR_INVALID_REQUEST, SPDK_JSONRPC_ERROR_INVALID_STATE,
    SPDK_JSONRPC_ERROR_METHOD_NOT_FOUND, SPDK_JSONRPC_ERROR_PARSE_ERROR,
};

spdk_log::log_flag!(pub static LOG_RPC = "rpc");

/// The params a handler received, as a value (None when absent).
///
/// # Safety
/// `params` is NULL or the params pointer given to the handler.
pub unsafe fn params_value(
    params: *const spdk_json_val,
) -> Result<Option<serde_json::Value>, ValueError> {
    if params.is_null() {
        Ok(None)
    } else {
        value_from_raw(params).map(Some)
    }
}

/// Answers `request` with `result`.
///
/// # Safety
/// `request` is a request not answered yet; it is released.
pub unsafe fn send_result(request: *mut spdk_jsonrpc_request, result: &serde_json::Value) {
    with_result(request, |w| {
        let _ = w.value(result);
    })
}

/// Answers `request` with a result written by `f`.
///
/// # Safety
/// As [`send_result`].
pub unsafe fn with_result(request: *mut spdk_jsonrpc_request, f: impl FnOnce(&mut JsonWriter)) {
    let w = spdk_jsonrpc_begin_result(request);
    if let Some(x) = writer_mut(w) {
        f(x);
        spdk_jsonrpc_end_result(request, w);
    }
}

/// Answers `request` with an error.
///
/// # Safety
/// As [`send_result`].
pub unsafe fn send_error(request: *mut spdk_jsonrpc_request, code: c_int, msg: &str) {
    if request.is_null() {
        return;
    }
    server::send_error(request.cast(), code, msg.as_bytes());
}

/// Called by the C shim of spdk_jsonrpc_send_error_response_fmt().
///
/// # Safety
/// As spdk_jsonrpc_send_error_response().
#[no_mangle]
pub unsafe extern "C" fn rspdk_jsonrpc_send_error_text(
    request: *mut spdk_jsonrpc_request,
    error_code: c_int,
    msg: *const c_char,
) {
    spdk_jsonrpc_send_error_response(request, error_code, msg);
}

#[cfg(test)]
mod tests;
