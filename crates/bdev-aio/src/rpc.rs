//! bdev_aio_create and bdev_aio_delete, with SPDK's parameters and errors
//! (module/bdev/aio/bdev_aio_rpc.c).

use std::ffi::c_void;

use serde_json::Value;
use spdk_bdev_file::rpc::{create_params, decode_failed};
use spdk_rpc::params::{DecodeError, Decoder};
use spdk_rpc::{Request, SPDK_RPC_RUNTIME};

use crate::disk::{self, AioOpts};

pub fn register() {
    spdk_rpc::register("bdev_aio_create", bdev_aio_create, SPDK_RPC_RUNTIME);
    spdk_rpc::register("bdev_aio_delete", bdev_aio_delete, SPDK_RPC_RUNTIME);
}

fn parse_create(params: Option<&Value>) -> Result<AioOpts, DecodeError> {
    let mut d = Decoder::new(params)?;
    let c = create_params(&mut d)?;
    let o = AioOpts {
        name: c.name,
        filename: c.filename,
        block_size: c.block_size,
        readonly: d.opt_bool("readonly")?.unwrap_or(false),
        fallocate: d.opt_bool("fallocate")?.unwrap_or(false),
        uuid: c.uuid,
        nowait: d.opt_bool("nowait")?.unwrap_or(false),
    };
    d.finish()?;
    Ok(o)
}

struct CreateCtx {
    req: Request,
    name: String,
}

unsafe extern "C" fn create_examined(arg: *mut c_void) {
    let c = Box::from_raw(arg.cast::<CreateCtx>());
    c.req.result(&Value::String(c.name));
}

fn bdev_aio_create(req: Request, params: Option<Value>) {
    let o = match parse_create(params.as_ref()) {
        Ok(o) => o,
        Err(_) => return decode_failed(req),
    };
    match disk::create(&o) {
        Ok(_) => {
            // SPDK answers once the new bdev has been examined.
            let c = Box::into_raw(Box::new(CreateCtx { req, name: o.name }));
            // SAFETY: RPC handlers run on the app thread; c is ours.
            unsafe { ::spdk_bdev::core::wait_for_examine(create_examined, c.cast()) };
        }
        Err(rc) => req.errno(rc),
    }
}

fn bdev_aio_delete(req: Request, params: Option<Value>) {
    spdk_bdev_file::rpc::delete(req, params, crate::module);
}
