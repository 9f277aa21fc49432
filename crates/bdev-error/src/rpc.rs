//! The error injection RPC methods (SPDK's vbdev_error_rpc.c).

use serde_json::Value;
use spdk_bdev_split::rpc::delete_by_name;
use spdk_rpc::params::{DecodeError, Decoder};
use spdk_rpc::{Request, SPDK_JSONRPC_ERROR_INTERNAL_ERROR, SPDK_RPC_RUNTIME};

use crate::vbdev::{self, ErrorType, InjectOpts, IoType};

pub fn register() {
    spdk_rpc::register("bdev_error_create", bdev_error_create, SPDK_RPC_RUNTIME);
    spdk_rpc::register("bdev_error_delete", bdev_error_delete, SPDK_RPC_RUNTIME);
    spdk_rpc::register(
        "bdev_error_inject_error",
        bdev_error_inject_error,
        SPDK_RPC_RUNTIME,
    );
}

fn decode_failed(req: Request) {
    spdk_log::errlog!("spdk_json_decode_object failed");
    req.error(
        SPDK_JSONRPC_ERROR_INTERNAL_ERROR,
        "spdk_json_decode_object failed",
    );
}

fn bad(name: &str) -> DecodeError {
    DecodeError(name.into())
}

fn bdev_error_create(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let base = d.req_str("base_name")?;
        let uuid = d.opt_uuid("uuid")?;
        d.finish()?;
        Ok((base, uuid))
    });
    let Ok((base, uuid)) = parsed else {
        return decode_failed(req);
    };
    // SAFETY: RPC handlers run on an SPDK thread.
    match unsafe { vbdev::create(&base, uuid) } {
        Ok(()) => req.ok(),
        Err(rc) => req.errno(rc),
    }
}

fn bdev_error_delete(req: Request, params: Option<Value>) {
    delete_by_name(req, params, decode_failed, vbdev::delete);
}

fn decode_inject(d: &mut Decoder) -> Result<(String, InjectOpts), DecodeError> {
    let name = d.req_str("name")?;
    let io_type = match d.req_str("io_type")?.as_str() {
        "read" => IoType::Read,
        "write" => IoType::Write,
        "flush" => IoType::Flush,
        "unmap" => IoType::Unmap,
        "all" => IoType::All,
        "clear" => IoType::Clear,
        _ => {
            spdk_log::noticelog!("Invalid parameter value: io_type");
            return Err(bad("io_type"));
        }
    };
    let error_type = match d.req_str("error_type")?.as_str() {
        "failure" => ErrorType::Failure,
        "pending" => ErrorType::Pending,
        "corrupt_data" => ErrorType::CorruptData,
        "nomem" => ErrorType::Nomem,
        _ => {
            spdk_log::noticelog!("Invalid parameter value: error_type");
            return Err(bad("error_type"));
        }
    };
    let num = match d.opt_u64("num")? {
        None => 1,
        Some(v) => u32::try_from(v).map_err(|_| bad("num"))?,
    };
    let queue_depth = d.opt_u64("queue_depth")?.unwrap_or(0);
    let corrupt_offset = d.opt_u64("corrupt_offset")?.unwrap_or(0);
    let corrupt_value = match d.opt_u64("corrupt_value")? {
        None => 0,
        Some(v) => u8::try_from(v).map_err(|_| bad("corrupt_value"))?,
    };
    Ok((
        name,
        InjectOpts {
            io_type,
            error_type,
            num,
            queue_depth,
            corrupt_offset,
            corrupt_value,
        },
    ))
}

fn bdev_error_inject_error(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let r = decode_inject(&mut d)?;
        d.finish()?;
        Ok(r)
    });
    let Ok((name, opts)) = parsed else {
        return decode_failed(req);
    };
    match vbdev::inject_error(&name, &opts) {
        Ok(()) => req.ok(),
        Err(rc) => req.errno(rc),
    }
}
