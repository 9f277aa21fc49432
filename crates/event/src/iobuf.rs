//! The "iobuf" subsystem (SPDK's module/event/subsystems/iobuf): creates
//! the shared buffer pools of the thread library before the subsystems
//! that take buffers from them (bdev), writes their options into the
//! configuration, and serves iobuf_set_options (before initialisation)
//! and iobuf_get_stats.

use std::ffi::{c_void, CStr};
use std::sync::Once;

use ::spdk_thread::ffi::thread::iobuf::{
    spdk_iobuf_finish, spdk_iobuf_get_opts, spdk_iobuf_get_stats, spdk_iobuf_initialize,
    spdk_iobuf_module_stats, spdk_iobuf_opts, spdk_iobuf_set_opts,
};
use serde_json::{json, Value};
use spdk_json::ffi::json::spdk_json_write_ctx;
use spdk_rpc::params::Decoder;
use spdk_rpc::{Request, SPDK_JSONRPC_ERROR_INVALID_PARAMS, SPDK_RPC_RUNTIME, SPDK_RPC_STARTUP};

static ONCE: Once = Once::new();

/// Registers the subsystem and its RPC methods (once). The bdev layer
/// takes its buffers from iobuf, so bdev depends on it, as in SPDK.
pub fn register_subsystem() {
    ONCE.call_once(|| {
        spdk_init::subsystem::register(spdk_init::subsystem::SubsystemDef {
            name: c"iobuf",
            init: Some(subsystem_init),
            fini: Some(subsystem_fini),
            write_config_json: Some(write_config_json),
        });
        spdk_init::subsystem::add_depend(c"bdev", c"iobuf");
        spdk_rpc::register("iobuf_set_options", iobuf_set_options, SPDK_RPC_STARTUP);
        spdk_rpc::register("iobuf_get_stats", iobuf_get_stats, SPDK_RPC_RUNTIME);
    });
}

unsafe extern "C" fn subsystem_init() {
    let rc = spdk_iobuf_initialize();
    if rc != 0 {
        spdk_log::errlog!("Failed to initialize iobuf");
    }
    spdk_init::subsystem::init_next(rc);
}

unsafe extern "C" fn finished(_ctx: *mut c_void) {
    spdk_init::subsystem::fini_next();
}

unsafe extern "C" fn subsystem_fini() {
    spdk_iobuf_finish(Some(finished), std::ptr::null_mut());
}

fn current_opts() -> spdk_iobuf_opts {
    // SAFETY: plain data, filled in by spdk_iobuf_get_opts.
    let mut o: spdk_iobuf_opts = unsafe { std::mem::zeroed() };
    unsafe { spdk_iobuf_get_opts(&mut o, std::mem::size_of::<spdk_iobuf_opts>()) };
    o
}

unsafe extern "C" fn write_config_json(w: *mut spdk_json_write_ctx) {
    let Some(wr) = spdk_json::ffi::json::writer_mut(w) else {
        return;
    };
    let o = current_opts();
    let _ = wr.array_begin();
    let _ = wr.object_begin();
    let _ = wr.named_string("method", "iobuf_set_options");
    let _ = wr.named_object_begin("params");
    let _ = wr.named_uint64("small_pool_count", o.small_pool_count);
    let _ = wr.named_uint64("large_pool_count", o.large_pool_count);
    let _ = wr.named_uint64("small_bufsize", o.small_bufsize.into());
    let _ = wr.named_uint64("large_bufsize", o.large_bufsize.into());
    let _ = wr.named_bool("enable_numa", o.enable_numa != 0);
    let _ = wr.object_end();
    let _ = wr.object_end();
    let _ = wr.array_end();
}

/// The iobuf_set_options parameters over the current options; None when
/// they do not decode (unknown names, wrong types, sizes over 32 bits).
fn decode_set_options(params: Option<&Value>) -> Option<spdk_iobuf_opts> {
    let mut o = current_opts();
    // As spdk_json_decode_object: the params object is required.
    let mut d = Decoder::new(Some(params?)).ok()?;
    if let Some(v) = d.opt_u64("small_pool_count").ok()? {
        o.small_pool_count = v;
    }
    if let Some(v) = d.opt_u64("large_pool_count").ok()? {
        o.large_pool_count = v;
    }
    if let Some(v) = d.opt_u64("small_bufsize").ok()? {
        o.small_bufsize = u32::try_from(v).ok()?;
    }
    if let Some(v) = d.opt_u64("large_bufsize").ok()? {
        o.large_bufsize = u32::try_from(v).ok()?;
    }
    if let Some(v) = d.opt_bool("enable_numa").ok()? {
        o.enable_numa = v as u8;
    }
    d.finish().ok()?;
    Some(o)
}

fn iobuf_set_options(req: Request, params: Option<Value>) {
    let Some(o) = decode_set_options(params.as_ref()) else {
        return req.error(
            SPDK_JSONRPC_ERROR_INVALID_PARAMS,
            "spdk_json_decode_object failed",
        );
    };
    // SAFETY: a complete options struct.
    let rc = unsafe { spdk_iobuf_set_opts(&o) };
    if rc != 0 {
        return req.errno(rc);
    }
    req.ok()
}

unsafe extern "C" fn stats_done(
    modules: *mut spdk_iobuf_module_stats,
    num_modules: u32,
    arg: *mut c_void,
) {
    let req = Request::from_raw(arg.cast());
    let list: &[spdk_iobuf_module_stats] = if modules.is_null() || num_modules == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(modules, num_modules as usize)
    };
    let out: Vec<Value> = list
        .iter()
        .map(|m| {
            let name = if m.module.is_null() {
                String::new()
            } else {
                CStr::from_ptr(m.module).to_string_lossy().into_owned()
            };
            json!({
                "module": name,
                "small_pool": {
                    "cache": m.small_pool.cache,
                    "main": m.small_pool.main,
                    "retry": m.small_pool.retry,
                },
                "large_pool": {
                    "cache": m.large_pool.cache,
                    "main": m.large_pool.main,
                    "retry": m.large_pool.retry,
                },
            })
        })
        .collect();
    req.result(&Value::Array(out));
}

fn iobuf_get_stats(req: Request, _params: Option<Value>) {
    let raw = req.as_raw();
    // SAFETY: the request goes to stats_done, which answers it.
    let rc = unsafe { spdk_iobuf_get_stats(Some(stats_done), raw.cast()) };
    if rc != 0 {
        // SAFETY: not handed over: answer it here.
        unsafe { Request::from_raw(raw) }.errno(rc);
    }
}
