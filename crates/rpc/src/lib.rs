//! SPDK's RPC library (include/spdk/rpc.h): the table of JSON-RPC methods
//! with the states in which each may run, the dispatcher the JSON-RPC
//! server calls, and RPC servers on Unix sockets guarded by a lock file.
//!
//! Rust crates register methods with [`register`] (a handler receiving a
//! [`Request`] and the params as a `serde_json::Value`); C code uses
//! `spdk_rpc_register_method` / `SPDK_RPC_REGISTER`. Both live in one
//! table, so `rpc_get_methods` lists them all.

use std::ffi::{c_int, CString};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, Once};

use serde_json::{json, Value};
use spdk_json::ffi::json::spdk_json_val;
use spdk_json::JsonWriter;
use spdk_jsonrpc::ffi::jsonrpc::spdk_jsonrpc_request;

pub mod params;
pub mod server;

/// The C ABI. Its unsafe functions take C pointers; their contract is the
/// one documented in the header, so no `# Safety` sections.
#[allow(non_camel_case_types, clippy::missing_safety_doc)]
pub mod ffi {
    pub mod rpc;
}

pub use ffi::rpc::{SPDK_RPC_RUNTIME, SPDK_RPC_STARTUP};
pub use spdk_jsonrpc::{
    SPDK_JSONRPC_ERROR_INTERNAL_ERROR, SPDK_JSONRPC_ERROR_INVALID_PARAMS,
    SPDK_JSONRPC_ERROR_INVALID_REQUEST, SPDK_JSONRPC_ERROR_INVALID_STATE,
    SPDK_JSONRPC_ERROR_METHOD_NOT_FOUND, SPDK_JSONRPC_ERROR_PARSE_ERROR,
};

/// A C handler: `void (*)(struct spdk_jsonrpc_request *, const struct spdk_json_val *)`.
pub type CHandler = unsafe extern "C" fn(*mut spdk_jsonrpc_request, *const spdk_json_val);
/// A Rust handler: the request to answer (now or later, from any thread)
/// and the params (None when absent).
pub type RustHandler = fn(Request, Option<Value>);

#[derive(Clone, Copy)]
enum Handler {
    C(CHandler),
    Rust(RustHandler),
}

struct Method {
    name: String,
    handler: Option<Handler>,
    state_mask: u32,
    /// Index of the method this one is a deprecated alias of.
    alias_of: Option<usize>,
    warned: bool,
}

struct Table {
    /// In registration order; listings show the newest first, as SPDK's
    /// head-inserted list does.
    methods: Vec<Method>,
    allowlist: Option<Vec<String>>,
}

static TABLE: Mutex<Table> = Mutex::new(Table {
    methods: Vec::new(),
    allowlist: None,
});
static STATE: AtomicU32 = AtomicU32::new(SPDK_RPC_STARTUP);
static CORRECT: AtomicBool = AtomicBool::new(true);
static BUILTIN: Once = Once::new();

fn raw_table() -> MutexGuard<'static, Table> {
    TABLE.lock().unwrap_or_else(|e| e.into_inner())
}

/// The table, with this library's own methods registered on first use.
fn table() -> MutexGuard<'static, Table> {
    BUILTIN.call_once(|| {
        let mut t = raw_table();
        add(
            &mut t,
            "rpc_get_methods",
            Handler::Rust(rpc_get_methods),
            SPDK_RPC_STARTUP | SPDK_RPC_RUNTIME,
        );
        add(
            &mut t,
            "spdk_get_version",
            Handler::Rust(spdk_get_version),
            SPDK_RPC_STARTUP | SPDK_RPC_RUNTIME,
        );
    });
    raw_table()
}

impl Table {
    fn allowed(&self, name: &str) -> bool {
        match &self.allowlist {
            None => true,
            Some(l) => l.iter().any(|n| n == name),
        }
    }

    fn find(&self, name: &str) -> Option<usize> {
        self.methods.iter().position(|m| m.name == name)
    }
}

fn add(t: &mut Table, name: &str, handler: Handler, state_mask: u32) {
    if t.find(name).is_some() {
        spdk_log::errlog!("duplicate RPC {name} registered...");
        CORRECT.store(false, Ordering::Relaxed);
        return;
    }
    t.methods.push(Method {
        name: name.to_string(),
        handler: Some(handler),
        state_mask,
        alias_of: None,
        warned: false,
    });
}

/// Registers a C method handler (`spdk_rpc_register_method`).
pub fn register_c(name: &str, handler: CHandler, state_mask: u32) {
    add(&mut table(), name, Handler::C(handler), state_mask);
}

/// Registers a Rust method handler. A second registration of a name is an
/// error that makes [`verify_methods`] fail, as in SPDK.
pub fn register(name: &str, handler: RustHandler, state_mask: u32) {
    add(&mut table(), name, Handler::Rust(handler), state_mask);
}

/// Registers `alias` as a deprecated second name of `method`.
pub fn register_alias_deprecated(method: &str, alias: &str) {
    let mut t = table();
    let Some(base) = t.find(method) else {
        spdk_log::errlog!("cannot create alias {alias} - method {method} does not exist");
        CORRECT.store(false, Ordering::Relaxed);
        return;
    };
    if t.methods[base].alias_of.is_some() {
        spdk_log::errlog!("cannot create alias {alias} of alias {method}");
        CORRECT.store(false, Ordering::Relaxed);
        return;
    }
    if t.find(alias).is_some() {
        spdk_log::errlog!("duplicate RPC {alias} registered...");
        CORRECT.store(false, Ordering::Relaxed);
        return;
    }
    let state_mask = t.methods[base].state_mask;
    t.methods.push(Method {
        name: alias.to_string(),
        handler: None,
        state_mask,
        alias_of: Some(base),
        warned: false,
    });
}

/// False once a duplicate or a dangling alias was registered.
pub fn verify_methods() -> bool {
    // Make sure the built-in methods are in (their registration may be the
    // one that collides).
    drop(table());
    CORRECT.load(Ordering::Relaxed)
}

pub fn set_state(state: u32) {
    STATE.store(state, Ordering::Release);
}

pub fn state() -> u32 {
    STATE.load(Ordering::Acquire)
}

/// Restricts callable methods to `list` (None: every method).
pub fn set_allowlist(list: Option<Vec<String>>) {
    table().allowlist = list;
}

/// 0 when `method` exists, is allowed and runs in all states of
/// `state_mask`; -EPERM when it exists in other states only; -ENOENT.
pub fn is_method_allowed(method: &str, state_mask: u32) -> c_int {
    let t = table();
    if !t.allowed(method) {
        return -libc::ENOENT;
    }
    match t.find(method) {
        Some(i) if t.methods[i].state_mask & state_mask == state_mask => 0,
        Some(_) => -libc::EPERM,
        None => -libc::ENOENT,
    }
}

/// The state mask a method was registered with.
pub fn method_state_mask(method: &str) -> Option<u32> {
    let t = table();
    t.find(method).map(|i| t.methods[i].state_mask)
}

/// Names of the registered methods, newest first, as `rpc_get_methods`
/// lists them.
pub fn method_names(current_only: bool, include_aliases: bool) -> Vec<String> {
    let t = table();
    let st = state();
    t.methods
        .iter()
        .rev()
        .filter(|m| t.allowed(&m.name))
        .filter(|m| include_aliases || m.alias_of.is_none())
        .filter(|m| !current_only || m.state_mask & st == st)
        .map(|m| m.name.clone())
        .collect()
}

/// A request being answered. It may be answered later and from any
/// thread; answering consumes it.
pub struct Request(*mut spdk_jsonrpc_request);

// SAFETY: the JSON-RPC server lets a response be completed from any thread.
unsafe impl Send for Request {}

impl Request {
    /// Wraps a request given to a handler.
    ///
    /// # Safety
    /// `raw` is a request not answered yet.
    pub unsafe fn from_raw(raw: *mut spdk_jsonrpc_request) -> Request {
        Request(raw)
    }

    pub fn as_raw(&self) -> *mut spdk_jsonrpc_request {
        self.0
    }

    /// Answers with `result`.
    pub fn result(self, result: &Value) {
        // SAFETY: an unanswered request, answered once (self is consumed).
        unsafe { spdk_jsonrpc::send_result(self.0, result) }
    }

    /// Answers `true`.
    pub fn ok(self) {
        self.result(&Value::Bool(true))
    }

    /// Answers with a result written by `f`.
    pub fn write(self, f: impl FnOnce(&mut JsonWriter)) {
        // SAFETY: as in `result`.
        unsafe { spdk_jsonrpc::with_result(self.0, f) }
    }

    /// Answers with an error.
    pub fn error(self, code: c_int, msg: &str) {
        // SAFETY: as in `result`.
        unsafe { spdk_jsonrpc::send_error(self.0, code, msg) }
    }

    /// Answers with SPDK's usual "Invalid parameters" error.
    pub fn invalid_params(self) {
        self.error(SPDK_JSONRPC_ERROR_INVALID_PARAMS, "Invalid parameters")
    }

    /// Answers with an error built from a negative errno, as SPDK's
    /// `spdk_jsonrpc_send_error_response(request, rc, spdk_strerror(-rc))`.
    pub fn errno(self, rc: c_int) {
        let msg = std::io::Error::from_raw_os_error(rc.abs()).to_string();
        let msg = msg.split(" (os error").next().unwrap_or("").to_string();
        self.error(rc, &msg)
    }
}

/// Runs the method `name` for a request from a JSON-RPC server.
///
/// # Safety
/// `request` is an unanswered request; `params` is NULL or its params.
pub unsafe fn dispatch(
    request: *mut spdk_jsonrpc_request,
    name: &[u8],
    params: *const spdk_json_val,
) {
    let found = {
        let mut t = table();
        let name = String::from_utf8_lossy(name);
        match t.find(&name) {
            Some(i) if t.allowed(&name) => {
                let target = match t.methods[i].alias_of {
                    Some(base) => {
                        if !t.methods[i].warned {
                            t.methods[i].warned = true;
                            spdk_log::warnlog!(
                                "RPC method {} is deprecated.  Use {} instead.",
                                t.methods[i].name,
                                t.methods[base].name
                            );
                        }
                        base
                    }
                    None => i,
                };
                let m = &t.methods[target];
                Some((m.handler, m.state_mask))
            }
            _ => None,
        }
    };
    let Some((Some(handler), mask)) = found else {
        spdk_jsonrpc::send_error(
            request,
            SPDK_JSONRPC_ERROR_METHOD_NOT_FOUND,
            "Method not found",
        );
        return;
    };
    let st = state();
    if mask & st != st {
        let msg = if st == SPDK_RPC_STARTUP {
            "Method may only be called after framework is initialized \
             using framework_start_init RPC."
        } else {
            "Method may only be called before framework is initialized. \
             Use --wait-for-rpc command line parameter and then issue this RPC \
             before the framework_start_init RPC."
        };
        spdk_jsonrpc::send_error(request, SPDK_JSONRPC_ERROR_INVALID_STATE, msg);
        return;
    }
    match handler {
        Handler::C(f) => f(request, params),
        Handler::Rust(f) => match spdk_jsonrpc::params_value(params) {
            Ok(p) => f(Request(request), p),
            Err(_) => spdk_jsonrpc::send_error(
                request,
                SPDK_JSONRPC_ERROR_INVALID_PARAMS,
                "Invalid parameters",
            ),
        },
    }
}

fn rpc_get_methods(req: Request, params: Option<Value>) {
    let mut d = match params::Decoder::new(params.as_ref()) {
        Ok(d) => d,
        Err(_) => return req.invalid_params(),
    };
    let current = d.opt_bool("current");
    let aliases = d.opt_bool("include_aliases");
    let (Ok(current), Ok(aliases)) = (current, aliases) else {
        spdk_log::errlog!("spdk_json_decode_object failed");
        return req.invalid_params();
    };
    if d.finish().is_err() {
        spdk_log::errlog!("spdk_json_decode_object failed");
        return req.invalid_params();
    }
    let names = method_names(current.unwrap_or(false), aliases.unwrap_or(false));
    req.result(&Value::from(names));
}

/// SPDK's version string ("SPDK v26.01").
pub fn version_string() -> String {
    let (major, minor, patch) = version_fields();
    let mut s = format!("SPDK v{major}.{minor:02}");
    if patch != 0 {
        s.push_str(&format!(".{patch}"));
    }
    s
}

fn version_fields() -> (u32, u32, u32) {
    let v = env!("CARGO_PKG_VERSION");
    let mut it = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
    )
}

fn spdk_get_version(req: Request, params: Option<Value>) {
    if params.is_some() {
        return req.error(
            SPDK_JSONRPC_ERROR_INVALID_PARAMS,
            "spdk_get_version method requires no parameters",
        );
    }
    let (major, minor, patch) = version_fields();
    req.result(&json!({
        "version": version_string(),
        "fields": {"major": major, "minor": minor, "patch": patch, "suffix": ""}
    }));
}

/// A NUL-terminated copy of `s` (interior NULs cut it short).
pub fn cstring(s: &str) -> CString {
    let s = s.split('\0').next().unwrap_or("");
    CString::new(s).unwrap_or_default()
}

#[cfg(test)]
mod tests;
