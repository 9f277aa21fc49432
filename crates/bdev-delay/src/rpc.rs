//! The delay RPC methods (SPDK's vbdev_delay_rpc.c).

use serde_json::Value;
use spdk_bdev_split::rpc::delete_by_name;
use spdk_rpc::params::{DecodeError, Decoder};
use spdk_rpc::{
    Request, SPDK_JSONRPC_ERROR_INTERNAL_ERROR, SPDK_JSONRPC_ERROR_INVALID_PARAMS, SPDK_RPC_RUNTIME,
};

use crate::vbdev::{self, Latencies, LatencyType};

pub fn register() {
    spdk_rpc::register("bdev_delay_create", bdev_delay_create, SPDK_RPC_RUNTIME);
    spdk_rpc::register("bdev_delay_delete", bdev_delay_delete, SPDK_RPC_RUNTIME);
    spdk_rpc::register(
        "bdev_delay_update_latency",
        bdev_delay_update_latency,
        SPDK_RPC_RUNTIME,
    );
}

fn decode_failed(req: Request) {
    req.error(
        SPDK_JSONRPC_ERROR_INTERNAL_ERROR,
        "spdk_json_decode_object failed",
    );
}

fn req_u64(d: &mut Decoder, name: &str) -> Result<u64, DecodeError> {
    d.opt_u64(name)?
        .ok_or_else(|| DecodeError(format!("{name}: missing")))
}

fn bdev_delay_create(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let base = d.req_str("base_bdev_name")?;
        let name = d.req_str("name")?;
        let uuid = d.opt_uuid("uuid")?;
        let lat = Latencies {
            avg_read: req_u64(&mut d, "avg_read_latency")?,
            p99_read: req_u64(&mut d, "p99_read_latency")?,
            avg_write: req_u64(&mut d, "avg_write_latency")?,
            p99_write: req_u64(&mut d, "p99_write_latency")?,
        };
        d.finish()?;
        Ok((base, name, uuid, lat))
    });
    let Ok((base, name, uuid, lat)) = parsed else {
        return decode_failed(req);
    };
    // SAFETY: RPC handlers run on an SPDK thread.
    match unsafe { vbdev::create(&base, &name, uuid, lat) } {
        Ok(()) => req.result(&Value::String(name)),
        Err(rc) => req.errno(rc),
    }
}

fn bdev_delay_delete(req: Request, params: Option<Value>) {
    delete_by_name(req, params, decode_failed, vbdev::delete);
}

fn bdev_delay_update_latency(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let name = d.req_str("delay_bdev_name")?;
        let t = d.req_str("latency_type")?;
        let us = req_u64(&mut d, "latency_us")?;
        d.finish()?;
        Ok((name, t, us))
    });
    let Ok((name, t, us)) = parsed else {
        return decode_failed(req);
    };
    let t = match t.as_str() {
        "avg_read" => LatencyType::AvgRead,
        "p99_read" => LatencyType::P99Read,
        "avg_write" => LatencyType::AvgWrite,
        "p99_write" => LatencyType::P99Write,
        _ => {
            return req.error(
                SPDK_JSONRPC_ERROR_INVALID_PARAMS,
                "Please specify a valid latency type.",
            )
        }
    };
    match vbdev::update_latency(&name, t, us) {
        Ok(()) => req.ok(),
        Err(_) => req.error(
            SPDK_JSONRPC_ERROR_INVALID_PARAMS,
            "The requested bdev does not exist.",
        ),
    }
}
