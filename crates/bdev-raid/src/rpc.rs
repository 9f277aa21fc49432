//! The raid RPC methods, with SPDK's parameters, results and errors
//! (module/bdev/raid/bdev_raid_rpc.c).

use std::cell::RefCell;
use std::ffi::{c_int, c_void, CString};
use std::rc::Rc;

use ::spdk_bdev::ffi::bdev::{
    spdk_bdev_close, spdk_bdev_desc_get_bdev, spdk_bdev_event_type, spdk_bdev_open_ext,
};
use ::spdk_bdev::ffi::bdev_module::spdk_bdev;
use serde_json::Value;
use spdk_rpc::params::{DecodeError, Decoder};
use spdk_rpc::{
    Request, SPDK_JSONRPC_ERROR_INTERNAL_ERROR, SPDK_JSONRPC_ERROR_PARSE_ERROR, SPDK_RPC_RUNTIME,
    SPDK_RPC_STARTUP,
};

use crate::create::{self, CreateOpts};
use crate::raid::{self, Level, State};
use crate::{base, json, module};

/// SPDK's limit of base bdevs in one bdev_raid_create.
const MAX_BASE_BDEVS: usize = 255;

pub fn register() {
    spdk_rpc::register("bdev_raid_get_bdevs", bdev_raid_get_bdevs, SPDK_RPC_RUNTIME);
    spdk_rpc::register("bdev_raid_create", bdev_raid_create, SPDK_RPC_RUNTIME);
    spdk_rpc::register("bdev_raid_delete", bdev_raid_delete, SPDK_RPC_RUNTIME);
    spdk_rpc::register(
        "bdev_raid_remove_base_bdev",
        bdev_raid_remove_base_bdev,
        SPDK_RPC_RUNTIME,
    );
    spdk_rpc::register(
        "bdev_raid_set_options",
        bdev_raid_set_options,
        SPDK_RPC_STARTUP | SPDK_RPC_RUNTIME,
    );
}

/// spdk_strerror(-rc).
pub fn strerror(rc: c_int) -> String {
    let msg = std::io::Error::from_raw_os_error(rc.abs()).to_string();
    msg.split(" (os error").next().unwrap_or("").to_string()
}

fn decode_failed(req: Request, code: c_int) {
    spdk_log::errlog!("spdk_json_decode_object failed");
    req.error(code, "spdk_json_decode_object failed");
}

fn bdev_raid_get_bdevs(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let c = d.req_str("category")?;
        d.finish()?;
        Ok(c)
    });
    let Ok(category) = parsed else {
        return decode_failed(req, SPDK_JSONRPC_ERROR_PARSE_ERROR);
    };
    let state = State::parse(&category);
    if state.is_none() && category != "all" {
        return req.errno(-libc::EINVAL);
    }
    req.write(|w| {
        let _ = w.array_begin();
        for r in raid::list() {
            // SAFETY: listed raid bdevs, on the RPC (app) thread.
            let r = unsafe { &*r };
            if state.is_some_and(|s| s != r.state) {
                continue;
            }
            let _ = w.object_begin();
            let _ = w.named_string("name", r.name_str());
            let _ = w.name("uuid");
            // SAFETY: as above (and any bytes are a UUID).
            unsafe {
                let _ = w.uuid(&r.bdev.uuid.u.raw);
                json::write_info(r, w);
            }
            let _ = w.object_end();
        }
        let _ = w.array_end();
    });
}

fn parse_create(params: Option<&Value>) -> Result<CreateOpts, DecodeError> {
    let mut d = Decoder::new(params)?;
    let name = d.req_str("name")?;
    let strip_size_kb = match d.opt_u64("strip_size_kb")? {
        None => 0,
        Some(v) => u32::try_from(v).map_err(|_| DecodeError("strip_size_kb".into()))?,
    };
    let level =
        Level::parse(&d.req_str("raid_level")?).ok_or_else(|| DecodeError("raid_level".into()))?;
    let base_bdevs = match d.opt_value("base_bdevs") {
        Some(Value::Array(a)) if a.len() <= MAX_BASE_BDEVS => a
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                _ => Err(DecodeError("base_bdevs".into())),
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err(DecodeError("base_bdevs".into())),
    };
    let uuid = d.opt_uuid("uuid")?.unwrap_or([0; 16]);
    let superblock = d.opt_bool("superblock")?.unwrap_or(false);
    d.finish()?;
    Ok(CreateOpts {
        name,
        strip_size_kb,
        level,
        base_bdevs,
        uuid,
        superblock,
    })
}

fn bdev_raid_create(req: Request, params: Option<Value>) {
    let p = match parse_create(params.as_ref()) {
        Ok(p) => p,
        Err(_) => return decode_failed(req, SPDK_JSONRPC_ERROR_PARSE_ERROR),
    };
    if p.base_bdevs.iter().any(|b| b.is_empty()) {
        return req.error(
            -libc::EINVAL,
            &format!(
                "The base bdev name cannot be empty: {}",
                strerror(-libc::EINVAL)
            ),
        );
    }
    // The request is answered by `done`, or here when nothing was created.
    let slot = Rc::new(RefCell::new(Some(req)));
    let s = slot.clone();
    let name = p.name.clone();
    let done: raid::DoneCb = Box::new(move |rc| {
        let Some(req) = s.borrow_mut().take() else {
            return;
        };
        if rc != 0 {
            req.error(
                rc,
                &format!("Failed to create RAID bdev {}: {}", name, strerror(rc)),
            );
        } else {
            req.ok();
        }
    });
    // SAFETY: RPC handlers run on the app thread.
    if let Err(rc) = unsafe { create::create(&p, done) } {
        if let Some(req) = slot.borrow_mut().take() {
            req.error(
                rc,
                &format!("Failed to create RAID bdev {}: {}", p.name, strerror(rc)),
            );
        }
    }
}

fn bdev_raid_delete(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let n = d.req_str("name")?;
        // Sent by newer clients; there is no superblock to clear.
        let _clear_sb = d.opt_bool("clear_sb")?;
        d.finish()?;
        Ok(n)
    });
    let Ok(name) = parsed else {
        return decode_failed(req, SPDK_JSONRPC_ERROR_PARSE_ERROR);
    };
    let raid = raid::find_by_name(&name);
    if raid.is_null() {
        return req.error(-libc::ENODEV, &format!("raid bdev {name} not found"));
    }
    let done: raid::DoneCb = Box::new(move |rc| {
        if rc != 0 {
            spdk_log::errlog!(
                "Failed to delete raid bdev {} ({}): {}",
                name,
                rc,
                strerror(rc)
            );
            req.error(SPDK_JSONRPC_ERROR_INTERNAL_ERROR, &strerror(rc));
        } else {
            req.ok();
        }
    });
    // SAFETY: app thread; a listed raid bdev.
    unsafe { raid::delete(raid, Some(done)) };
}

unsafe extern "C" fn ignore_event(_t: spdk_bdev_event_type, _b: *mut spdk_bdev, _c: *mut c_void) {}

fn bdev_raid_remove_base_bdev(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let n = d.req_str("name")?;
        d.finish()?;
        Ok(n)
    });
    let Ok(name) = parsed else {
        return decode_failed(req, SPDK_JSONRPC_ERROR_PARSE_ERROR);
    };
    let removed = |req: Request, rc: c_int| {
        if rc != 0 {
            req.error(rc, "Failed to remove base bdev from raid bdev");
        } else {
            req.ok();
        }
    };
    let Ok(cname) = CString::new(name) else {
        return removed(req, -libc::EINVAL);
    };
    let mut desc = std::ptr::null_mut();
    // SAFETY: app thread; valid pointers.
    let rc = unsafe {
        spdk_bdev_open_ext(
            cname.as_ptr(),
            false,
            Some(ignore_event),
            std::ptr::null_mut(),
            &mut desc,
        )
    };
    if rc != 0 {
        return removed(req, rc);
    }
    // The request is answered by the removal's callback, or here on error.
    let slot = Rc::new(RefCell::new(Some(req)));
    let s = slot.clone();
    // SAFETY: app thread; desc is open.
    let rc = unsafe {
        let bdev = spdk_bdev_desc_get_bdev(desc);
        let rc = base::remove_base_bdev(
            bdev,
            Some(Box::new(move |rc| {
                if let Some(req) = s.borrow_mut().take() {
                    removed(req, rc);
                }
            })),
        );
        spdk_bdev_close(desc);
        rc
    };
    if rc != 0 {
        if let Some(req) = slot.borrow_mut().take() {
            removed(req, rc);
        }
    }
}

fn bdev_raid_set_options(req: Request, params: Option<Value>) {
    let mut o = module::opts();
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let u32_of = |v: Option<u64>, n: &str| -> Result<Option<u32>, DecodeError> {
            v.map(|v| u32::try_from(v).map_err(|_| DecodeError(n.into())))
                .transpose()
        };
        if let Some(v) = u32_of(d.opt_u64("process_window_size_kb")?, "window")? {
            o.process_window_size_kb = v;
        }
        if let Some(v) = u32_of(d.opt_u64("process_max_bandwidth_mb_sec")?, "bandwidth")? {
            o.process_max_bandwidth_mb_sec = v;
        }
        d.finish()
    });
    if parsed.is_err() {
        return decode_failed(req, SPDK_JSONRPC_ERROR_PARSE_ERROR);
    }
    match module::set_opts(o) {
        Ok(()) => req.ok(),
        Err(rc) => req.errno(rc),
    }
}
