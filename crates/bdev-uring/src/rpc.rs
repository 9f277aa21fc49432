//! bdev_uring_create and bdev_uring_delete, with SPDK's parameters and
//! errors (module/bdev/uring/bdev_uring_rpc.c).

use serde_json::Value;
use spdk_bdev_file::rpc::{create_params, decode_failed};
use spdk_rpc::params::{DecodeError, Decoder};
use spdk_rpc::{Request, SPDK_JSONRPC_ERROR_INTERNAL_ERROR, SPDK_RPC_RUNTIME};

use crate::disk::{self, UringOpts};

pub fn register() {
    spdk_rpc::register("bdev_uring_create", bdev_uring_create, SPDK_RPC_RUNTIME);
    spdk_rpc::register("bdev_uring_delete", bdev_uring_delete, SPDK_RPC_RUNTIME);
}

fn parse_create(params: Option<&Value>) -> Result<UringOpts, DecodeError> {
    let mut d = Decoder::new(params)?;
    let c = create_params(&mut d)?;
    d.finish()?;
    Ok(UringOpts {
        name: c.name,
        filename: c.filename,
        block_size: c.block_size,
        uuid: c.uuid,
    })
}

fn bdev_uring_create(req: Request, params: Option<Value>) {
    let o = match parse_create(params.as_ref()) {
        Ok(o) => o,
        Err(_) => return decode_failed(req),
    };
    match disk::create(&o) {
        Ok(_) => req.result(&Value::String(o.name)),
        Err(_) => {
            // SPDK reports every failure alike; the log says which.
            spdk_log::errlog!("Unable to create URING bdev from file {}", o.filename);
            req.error(
                SPDK_JSONRPC_ERROR_INTERNAL_ERROR,
                "Unable to create URING bdev.",
            )
        }
    }
}

fn bdev_uring_delete(req: Request, params: Option<Value>) {
    spdk_bdev_file::rpc::delete(req, params, crate::module);
}
