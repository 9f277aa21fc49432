//! bdev_aio_create and bdev_aio_delete, with SPDK's parameters and errors
//! (module/bdev/aio/bdev_aio_rpc.c).

use std::ffi::{c_int, c_void, CString};

use serde_json::Value;
use spdk_rpc::params::{DecodeError, Decoder};
use spdk_rpc::{Request, SPDK_JSONRPC_ERROR_INTERNAL_ERROR, SPDK_RPC_RUNTIME};

use crate::disk::{self, AioOpts};

pub fn register() {
    spdk_rpc::register("bdev_aio_create", bdev_aio_create, SPDK_RPC_RUNTIME);
    spdk_rpc::register("bdev_aio_delete", bdev_aio_delete, SPDK_RPC_RUNTIME);
}

fn decode_failed(req: Request) {
    spdk_log::errlog!("spdk_json_decode_object failed");
    req.error(
        SPDK_JSONRPC_ERROR_INTERNAL_ERROR,
        "spdk_json_decode_object failed",
    );
}

fn uuid_param(d: &mut Decoder) -> Result<Option<[u8; 16]>, DecodeError> {
    let Some(u) = d.opt_str("uuid")? else {
        return Ok(None);
    };
    let c = CString::new(u).map_err(|_| DecodeError("uuid".into()))?;
    let mut uu = spdk_util::ffi::uuid::spdk_uuid {
        u: spdk_util::ffi::uuid::spdk_uuid_u { raw: [0; 16] },
    };
    // SAFETY: valid pointers.
    if unsafe { spdk_util::ffi::uuid::spdk_uuid_parse(&mut uu, c.as_ptr()) } != 0 {
        return Err(DecodeError("uuid".into()));
    }
    // SAFETY: raw view of the union.
    Ok(Some(unsafe { uu.u.raw }))
}

fn parse_create(params: Option<&Value>) -> Result<AioOpts, DecodeError> {
    let mut d = Decoder::new(params)?;
    let o = AioOpts {
        name: d.req_str("name")?,
        filename: d.req_str("filename")?,
        block_size: match d.opt_u64("block_size")? {
            None => 0,
            Some(v) => u32::try_from(v).map_err(|_| DecodeError("block_size".into()))?,
        },
        readonly: d.opt_bool("readonly")?.unwrap_or(false),
        fallocate: d.opt_bool("fallocate")?.unwrap_or(false),
        uuid: uuid_param(&mut d)?,
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

unsafe extern "C" fn delete_done(arg: *mut c_void, rc: c_int) {
    let req = Box::from_raw(arg.cast::<Request>());
    if rc == 0 {
        req.ok()
    } else {
        req.errno(rc)
    }
}

fn bdev_aio_delete(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let n = d.req_str("name")?;
        d.finish()?;
        Ok(n)
    });
    let name = match parsed {
        Ok(n) => n,
        Err(_) => return decode_failed(req),
    };
    let arg = Box::into_raw(Box::new(req));
    // SAFETY: RPC handlers run on an SPDK thread; arg is the boxed request.
    if let Err(rc) = unsafe { disk::delete(name.as_bytes(), Some(delete_done), arg.cast()) } {
        // SAFETY: not handed to anyone.
        unsafe { delete_done(arg.cast(), rc) };
    }
}
