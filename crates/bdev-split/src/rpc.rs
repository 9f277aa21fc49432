//! The split RPC methods (SPDK's vbdev_split_rpc.c), and the delete
//! method of the modules that delete a bdev by its name.

use std::ffi::{c_int, c_void};

use ::spdk_bdev::ffi::bdev_module::spdk_bdev_unregister_cb;
use serde_json::Value;
use spdk_rpc::params::{DecodeError, Decoder};
use spdk_rpc::{Request, SPDK_JSONRPC_ERROR_INVALID_PARAMS, SPDK_RPC_RUNTIME};

use crate::vbdev;

pub fn register() {
    spdk_rpc::register("bdev_split_create", bdev_split_create, SPDK_RPC_RUNTIME);
    spdk_rpc::register("bdev_split_delete", bdev_split_delete, SPDK_RPC_RUNTIME);
}

fn strerror(rc: i32) -> String {
    let msg = std::io::Error::from_raw_os_error(rc.abs()).to_string();
    msg.split(" (os error").next().unwrap_or("").to_string()
}

fn bdev_split_create(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let base = d.req_str("base_bdev")?;
        let count = d
            .opt_u64("split_count")?
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| DecodeError("split_count".into()))?;
        let size_mb = d.opt_u64("split_size_mb")?.unwrap_or(0);
        d.finish()?;
        Ok((base, count, size_mb))
    });
    let Ok((base, count, size_mb)) = parsed else {
        return req.invalid_params();
    };
    // SAFETY: RPC handlers run on an SPDK thread.
    match unsafe { vbdev::create(&base, count, size_mb) } {
        Ok(names) => req.result(&Value::Array(
            names.into_iter().map(Value::String).collect(),
        )),
        Err(rc) => req.error(
            SPDK_JSONRPC_ERROR_INVALID_PARAMS,
            &format!(
                "Failed to create {} split bdevs from '{}': {}",
                count,
                base,
                strerror(rc)
            ),
        ),
    }
}

fn bdev_split_delete(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let base = d.req_str("base_bdev")?;
        d.finish()?;
        Ok(base)
    });
    let Ok(base) = parsed else {
        return req.invalid_params();
    };
    // SAFETY: RPC handlers run on an SPDK thread.
    match unsafe { vbdev::delete(&base) } {
        Ok(()) => req.ok(),
        Err(rc) => req.error(SPDK_JSONRPC_ERROR_INVALID_PARAMS, &strerror(rc)),
    }
}

/// A module's delete of bdev `name`, answering through `cb(arg, rc)`.
pub type DeleteFn = unsafe fn(name: &str, cb: spdk_bdev_unregister_cb, arg: *mut c_void);

unsafe extern "C" fn answer_bool(arg: *mut c_void, rc: c_int) {
    let req = Box::from_raw(arg.cast::<Request>());
    if rc == 0 {
        req.ok()
    } else {
        req.errno(rc)
    }
}

/// bdev_passthru_delete, bdev_delay_delete, bdev_error_delete: {"name"},
/// answered true once the bdev is gone, or with the error; params that
/// do not decode go to `decode_failed`.
pub fn delete_by_name(
    req: Request,
    params: Option<Value>,
    decode_failed: fn(Request),
    delete: DeleteFn,
) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let n = d.req_str("name")?;
        d.finish()?;
        Ok(n)
    });
    let Ok(name) = parsed else {
        return decode_failed(req);
    };
    let arg = Box::into_raw(Box::new(req));
    // SAFETY: on an SPDK thread; the callback takes the request back.
    unsafe { delete(&name, Some(answer_bool), arg.cast()) };
}
