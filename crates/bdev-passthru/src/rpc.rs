//! The passthru RPC methods (SPDK's vbdev_passthru_rpc.c).

use serde_json::Value;
use spdk_bdev_split::rpc::delete_by_name;
use spdk_rpc::params::Decoder;
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

fn bdev_passthru_create(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let base = d.req_str("base_bdev_name")?;
        let name = d.req_str("name")?;
        let uuid = d.opt_uuid("uuid")?;
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

fn bdev_passthru_delete(req: Request, params: Option<Value>) {
    delete_by_name(req, params, decode_failed, vbdev::delete);
}
