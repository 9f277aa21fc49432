//! SPDK's init library (include/spdk/init.h, include/spdk_internal/init.h):
//! subsystems and their ordered initialisation, the RPC servers of an
//! application, JSON configuration loading, and the framework RPC methods
//! about subsystems.

use std::sync::Once;

use serde_json::Value;
use spdk_jsonrpc::ffi::jsonrpc::{spdk_jsonrpc_begin_result, spdk_jsonrpc_end_result};
use spdk_rpc::{Request, SPDK_JSONRPC_ERROR_INVALID_PARAMS, SPDK_RPC_RUNTIME};

pub mod json_config;
pub mod rpc_servers;
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
    METHODS.call_once(|| {
        spdk_rpc::register(
            "framework_get_subsystems",
            framework_get_subsystems,
            SPDK_RPC_RUNTIME,
        );
        spdk_rpc::register(
            "framework_get_config",
            framework_get_config,
            SPDK_RPC_RUNTIME,
        );
    });
}

fn framework_get_subsystems(req: Request, params: Option<Value>) {
    if params.is_some() {
        return req.error(
            SPDK_JSONRPC_ERROR_INVALID_PARAMS,
            "'framework_get_subsystems' requires no arguments",
        );
    }
    let list: Vec<Value> = subsystem::list()
        .into_iter()
        .map(|(name, deps)| serde_json::json!({"subsystem": name, "depends_on": deps}))
        .collect();
    req.result(&Value::Array(list));
}

fn framework_get_config(req: Request, params: Option<Value>) {
    let name = spdk_rpc::params::Decoder::new(params.as_ref()).and_then(|mut d| {
        let n = d.req_str("name")?;
        // Newer clients (PyPI spdk >= 26.x save_config) always send
        // with_batches; configurations are written flat either way.
        d.opt_bool("with_batches")?;
        d.finish()?;
        Ok(n)
    });
    let Ok(name) = name else {
        return req.error(SPDK_JSONRPC_ERROR_INVALID_PARAMS, "Invalid arguments");
    };
    match subsystem::config_writer(&name) {
        Err(()) => req.error(
            SPDK_JSONRPC_ERROR_INVALID_PARAMS,
            &format!("Subsystem '{name}' not found"),
        ),
        Ok(None) => req.result(&Value::Null),
        Ok(Some(f)) => {
            let raw = req.as_raw();
            // SAFETY: an unanswered request; its writer goes to the
            // subsystem's callback and back.
            unsafe {
                let w = spdk_jsonrpc_begin_result(raw);
                if !w.is_null() {
                    f(w);
                    spdk_jsonrpc_end_result(raw, w);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
