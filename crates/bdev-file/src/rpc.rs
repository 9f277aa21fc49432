//! The RPC parameters and handlers the file bdev modules share (SPDK's
//! bdev_aio_rpc.c and bdev_uring_rpc.c decode them alike).

use std::ffi::{c_int, c_void};

use ::spdk_bdev::ffi::bdev_module::spdk_bdev_module;
use serde_json::Value;
use spdk_rpc::params::{DecodeError, Decoder};
use spdk_rpc::{Request, SPDK_JSONRPC_ERROR_INTERNAL_ERROR};

/// Answers a request whose params did not decode.
pub fn decode_failed(req: Request) {
    spdk_log::errlog!("spdk_json_decode_object failed");
    req.error(
        SPDK_JSONRPC_ERROR_INTERNAL_ERROR,
        "spdk_json_decode_object failed",
    );
}

/// The members every create method takes.
pub struct CreateParams {
    pub name: String,
    pub filename: String,
    /// 0: the device's.
    pub block_size: u32,
    pub uuid: Option<[u8; 16]>,
}

/// Takes name, filename, block_size and uuid from `d`.
pub fn create_params(d: &mut Decoder) -> Result<CreateParams, DecodeError> {
    Ok(CreateParams {
        name: d.req_str("name")?,
        filename: d.req_str("filename")?,
        block_size: match d.opt_u64("block_size")? {
            None => 0,
            Some(v) => u32::try_from(v).map_err(|_| DecodeError("block_size".into()))?,
        },
        uuid: d.opt_uuid("uuid")?,
    })
}

unsafe extern "C" fn delete_done(arg: *mut c_void, rc: c_int) {
    let req = Box::from_raw(arg.cast::<Request>());
    if rc == 0 {
        req.ok()
    } else {
        req.errno(rc)
    }
}

/// The delete method of `module`'s bdevs: {"name"}, answered true once
/// the bdev is gone, or with the error (-ENODEV: no such bdev).
pub fn delete(req: Request, params: Option<Value>, module: fn() -> *mut spdk_bdev_module) {
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
    if let Err(rc) =
        unsafe { crate::delete(module(), name.as_bytes(), Some(delete_done), arg.cast()) }
    {
        // SAFETY: not handed to anyone.
        unsafe { delete_done(arg.cast(), rc) };
    }
}
