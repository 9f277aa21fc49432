//! Loading a JSON configuration (`spdk_subsystem_load_config`): SPDK's
//! format, `{"subsystems": [{"subsystem": name, "config": [{"method": m,
//! "params": p}, ...]}]}`, applied by calling each method through a
//! JSON-RPC client connected to a temporary RPC server of this process,
//! one at a time, on the app thread. Methods not allowed in the current
//! RPC state are skipped (startup methods run before the subsystems are
//! initialised, runtime ones after).

use std::ffi::{c_int, c_void};

use serde_json::Value;
use spdk_json::ffi::json::writer_mut;
use spdk_jsonrpc::ffi::jsonrpc::{
    spdk_jsonrpc_begin_request, spdk_jsonrpc_client, spdk_jsonrpc_client_close,
    spdk_jsonrpc_client_connect, spdk_jsonrpc_client_create_request,
    spdk_jsonrpc_client_free_request, spdk_jsonrpc_client_free_response,
    spdk_jsonrpc_client_get_response, spdk_jsonrpc_client_poll, spdk_jsonrpc_client_send_request,
    spdk_jsonrpc_end_request,
};
use spdk_rpc::{SPDK_RPC_RUNTIME, SPDK_RPC_STARTUP};
use spdk_thread::ffi::thread::{
    spdk_poller, spdk_poller_register_named, spdk_poller_unregister, spdk_thread_poller_rc,
};

use crate::subsystem::InitCb;

const CONNECT_TIMEOUT_US: u64 = 1_000_000;
const REQUEST_TIMEOUT_US: u64 = 10_000_000;

enum Phase {
    Connecting,
    Idle,
    Waiting,
}

struct Ctx {
    cb: InitCb,
    cb_arg: *mut c_void,
    stop_on_error: bool,
    subsystems: Vec<Value>,
    sub_i: usize,
    cfg_i: usize,
    temp_path: String,
    client: *mut spdk_jsonrpc_client,
    poller: *mut spdk_poller,
    phase: Phase,
    deadline: u64,
    next_id: i32,
}

fn deadline(us: u64) -> u64 {
    spdk_env::ticks() + us * spdk_env::ticks_hz() / 1_000_000
}

/// Parses the configuration: Ok(subsystems) or Err(-EINVAL) with the
/// error logged.
fn parse(json: &[u8]) -> Result<Vec<Value>, c_int> {
    if json.is_empty() {
        spdk_log::errlog!("JSON data cannot be empty");
        return Err(-libc::EINVAL);
    }
    let v = spdk_json::parse_value(json, spdk_json::FLAG_ALLOW_COMMENTS).map_err(|_| {
        spdk_log::errlog!("Parsing JSON configuration failed");
        -libc::EINVAL
    })?;
    let Value::Object(top) = v else {
        spdk_log::errlog!("Invalid JSON configuration: not enclosed in {{}}.");
        return Err(-libc::EINVAL);
    };
    match top.get("subsystems") {
        None => {
            spdk_log::warnlog!("No 'subsystems' key JSON configuration file.");
            Ok(Vec::new())
        }
        Some(Value::Array(a)) => {
            if a.is_empty() {
                spdk_log::noticelog!("'subsystems' configuration is empty");
            }
            Ok(a.clone())
        }
        Some(_) => {
            spdk_log::errlog!("Invalid JSON configuration: 'subsystems' should be an array.");
            Err(-libc::EINVAL)
        }
    }
}

/// `spdk_subsystem_load_config`: applies `json` and calls `cb(rc, arg)`.
///
/// # Safety
/// `cb` must accept `cb_arg`; call on the app thread.
pub unsafe fn load(json: &[u8], cb: InitCb, cb_arg: *mut c_void, stop_on_error: bool) {
    let subsystems = match parse(json) {
        Ok(s) => s,
        // SAFETY: the caller's callback.
        Err(rc) => return unsafe { cb(rc, cb_arg) },
    };
    let temp_path = format!(
        "{}.{}_{}_config",
        crate::ffi::init::DEFAULT_RPC_ADDR,
        std::process::id(),
        spdk_env::ticks()
    );
    let ctx = Box::into_raw(Box::new(Ctx {
        cb,
        cb_arg,
        stop_on_error,
        subsystems,
        sub_i: 0,
        cfg_i: 0,
        temp_path,
        client: std::ptr::null_mut(),
        poller: std::ptr::null_mut(),
        phase: Phase::Connecting,
        deadline: deadline(CONNECT_TIMEOUT_US),
        next_id: 0,
    }));
    // SAFETY: ctx is ours until done() frees it.
    unsafe {
        let c = &mut *ctx;
        if crate::rpc_servers::initialize(&c.temp_path).is_err() {
            return done(ctx, -libc::EINVAL);
        }
        let path = spdk_rpc::cstring(&c.temp_path);
        c.client = spdk_jsonrpc_client_connect(path.as_ptr(), libc::AF_UNIX);
        if c.client.is_null() {
            spdk_log::errlog!("Failed to connect to '{}'", c.temp_path);
            return done(ctx, -libc::EINVAL);
        }
        c.poller =
            spdk_poller_register_named(Some(step), ctx.cast(), 100, c"json_config_load".as_ptr());
    }
}

unsafe fn done(ctx: *mut Ctx, rc: c_int) {
    let c = Box::from_raw(ctx);
    if !c.poller.is_null() {
        let mut p = c.poller;
        spdk_poller_unregister(&mut p);
    }
    if !c.client.is_null() {
        spdk_jsonrpc_client_close(c.client);
    }
    crate::rpc_servers::finish(&c.temp_path);
    (c.cb)(rc, c.cb_arg);
}

const BUSY: c_int = spdk_thread_poller_rc::SPDK_POLLER_BUSY as c_int;

unsafe extern "C" fn step(arg: *mut c_void) -> c_int {
    let ctx = arg.cast::<Ctx>();
    let c = &mut *ctx;
    match c.phase {
        Phase::Connecting => {
            let rc = spdk_jsonrpc_client_poll(c.client, 0);
            if rc != -libc::ENOTCONN {
                c.phase = Phase::Idle;
            } else if spdk_env::ticks() > c.deadline {
                spdk_log::warnlog!("RPC client command timeout.");
                done(ctx, -libc::ETIMEDOUT);
            }
            BUSY
        }
        Phase::Waiting => {
            let rc = spdk_jsonrpc_client_poll(c.client, 0);
            if rc == 0 {
                if spdk_env::ticks() > c.deadline {
                    spdk_log::warnlog!("RPC client command timeout.");
                    c.deadline = deadline(REQUEST_TIMEOUT_US);
                }
                return BUSY;
            }
            if rc < 0 {
                done(ctx, rc);
                return BUSY;
            }
            let resp = spdk_jsonrpc_client_get_response(c.client);
            let failed = !resp.is_null() && !(*resp).error.is_null();
            if failed {
                let text = spdk_json::ffi::json::value_from_raw((*resp).error)
                    .map(|v| v.to_string())
                    .unwrap_or_else(|_| "(?)".into());
                spdk_log::errlog!("error response: \n{text}");
            }
            if !resp.is_null() {
                spdk_jsonrpc_client_free_response(resp);
            }
            if failed && c.stop_on_error {
                done(ctx, -libc::EINVAL);
                return BUSY;
            }
            c.cfg_i += 1;
            c.phase = Phase::Idle;
            BUSY
        }
        Phase::Idle => {
            advance(ctx);
            BUSY
        }
    }
}

enum Next {
    Send(String, Option<Value>),
    Skip,
    Subsystem,
    Finished,
    Fail(c_int),
}

fn next_entry(c: &Ctx) -> Next {
    let Some(sub) = c.subsystems.get(c.sub_i) else {
        return Next::Finished;
    };
    let (name, config) = match sub {
        Value::Object(o)
            if o.len() == 2
                && matches!(o.get("subsystem"), Some(Value::String(_)))
                && matches!(o.get("config"), Some(Value::Array(_) | Value::Null)) =>
        {
            (o["subsystem"].as_str().unwrap_or(""), &o["config"])
        }
        _ => {
            spdk_log::errlog!("Failed to parse subsystem configuration");
            return Next::Fail(-libc::EINVAL);
        }
    };
    let entries: &[Value] = match config {
        Value::Array(a) => a,
        _ => &[],
    };
    let Some(entry) = entries.get(c.cfg_i) else {
        return Next::Subsystem;
    };
    let (method, params) = match entry {
        Value::Object(o)
            if matches!(o.get("method"), Some(Value::String(_)))
                && matches!(o.get("params"), None | Some(Value::Object(_)))
                && o.keys().all(|k| k == "method" || k == "params") =>
        {
            (o["method"].as_str().unwrap_or(""), o.get("params").cloned())
        }
        _ => {
            spdk_log::errlog!("Failed to decode config entry");
            return Next::Fail(-libc::EINVAL);
        }
    };
    let Some(mask) = spdk_rpc::method_state_mask(method) else {
        if !c.stop_on_error {
            return Next::Skip;
        }
        if !crate::subsystem::exists(name) {
            spdk_log::noticelog!(
                "Skipping method '{method}' because its subsystem '{name}' is not linked into this application."
            );
            return Next::Skip;
        }
        spdk_log::errlog!("Method '{method}' was not found");
        return Next::Fail(-libc::ENOENT);
    };
    let cur = spdk_rpc::state();
    if mask & cur != cur {
        return Next::Skip;
    }
    let both = SPDK_RPC_STARTUP | SPDK_RPC_RUNTIME;
    if mask & both == both && cur == SPDK_RPC_RUNTIME {
        // Already run in the startup pass.
        return Next::Skip;
    }
    Next::Send(method.to_string(), params)
}

unsafe fn advance(ctx: *mut Ctx) {
    let c = &mut *ctx;
    loop {
        match next_entry(c) {
            Next::Finished => return done(ctx, 0),
            Next::Fail(rc) => return done(ctx, rc),
            Next::Subsystem => {
                c.sub_i += 1;
                c.cfg_i = 0;
            }
            Next::Skip => c.cfg_i += 1,
            Next::Send(method, params) => {
                let req = spdk_jsonrpc_client_create_request();
                if req.is_null() {
                    return done(ctx, -libc::ENOMEM);
                }
                c.next_id += 1;
                let m = spdk_rpc::cstring(&method);
                let w = spdk_jsonrpc_begin_request(req, c.next_id, m.as_ptr());
                let Some(wr) = writer_mut(w) else {
                    spdk_jsonrpc_client_free_request(req);
                    return done(ctx, -libc::ENOMEM);
                };
                if let Some(p) = &params {
                    let _ = wr.name("params");
                    let _ = wr.value(p);
                }
                spdk_jsonrpc_end_request(req, w);
                c.deadline = deadline(REQUEST_TIMEOUT_US);
                let rc = spdk_jsonrpc_client_send_request(c.client, req);
                if rc != 0 {
                    return done(ctx, rc);
                }
                c.phase = Phase::Waiting;
                return;
            }
        }
    }
}
