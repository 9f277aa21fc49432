//! The passthru RPC methods (SPDK's vbdev_passthru_rpc.c).

use std::ffi::{c_int, c_void};

use serde_json::Value;
use spdk_rpc::params::{DecodeError, Decoder};
use spdk_rpc::{Request, SPDK_JSONRPC_ERROR_INTERNAL_ERROR, SPDK_RPC_RUNTIME};

use crate::vbdev;

pub fn register() {
    spdk_rpc::register(
        "bdev_passthru_create",
        bdev_passthru_create,
        SPDK_RPC_RUNTIME,
    );
    spdk_rpc::register(
        "bdev_passthru_delete",
        bdev_passthru_delete,
        SPDK_RPC_RUNTIME,
    );
}

fn decode_failed(req: Request) {
    req.error(
        SPDK_JSONRPC_ERROR_INTERNAL_ERROR,
        "spdk_json_decode_object failed",
    );
}

/// An optional "uuid" member, decoded as spdk_json_decode_uuid does.
fn uuid_param(d: &mut Decoder) -> Result<Option<[u8; 16]>, DecodeError> {
    match d.opt_str("uuid")? {
        None => Ok(None),
        Some(s) => spdk_util::uuid::parse(s.as_bytes())
            .map(Some)
            .ok_or_else(|| DecodeError("uuid".into())),
    }
}

fn bdev_passthru_create(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let base = d.req_str("base_bdev_name")?;
        let name = d.req_str("name")?;
        let uuid = uuid_param(&mut d)?;
        d.finish()?;
        Ok((base, name, uuid))
    });
    let Ok((base, name, uuid)) = parsed else {
        return decode_failed(req);
    };
    // SAFETY: RPC handlers run on an SPDK thread.
    match unsafe { vbdev::create(&base, &name, uuid) } {
        Ok(()) => req.result(&Value::String(name)),
        Err(rc) => req.errno(rc),
    }
}

/// Answers a request boxed for an unregister callback.
unsafe extern "C" fn answer_bool(arg: *mut c_void, rc: c_int) {
    let req = Box::from_raw(arg.cast::<Request>());
    if rc == 0 {
        req.ok()
    } else {
        req.errno(rc)
    }
}

fn bdev_passthru_delete(req: Request, params: Option<Value>) {
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
    unsafe { vbdev::delete(&name, Some(answer_bool), arg.cast()) };
}
