//! The bdev RPC methods (SPDK's lib/bdev/bdev_rpc.c and the null
//! module's bdev_null_rpc.c) and the "bdev" subsystem's configuration.

use std::ffi::{c_int, c_void, CString};
use std::ptr;

use crate::ffi::bdev::{spdk_bdev_io_stat, spdk_bdev_reset_stat_mode};

use serde_json::Value;
use spdk_json::ffi::json::{spdk_json_write_ctx, writer_mut};
use spdk_json::JsonWriter;
use spdk_rpc::params::Decoder;
use spdk_rpc::{
    Request, SPDK_JSONRPC_ERROR_INTERNAL_ERROR, SPDK_JSONRPC_ERROR_INVALID_PARAMS,
    SPDK_RPC_RUNTIME, SPDK_RPC_STARTUP,
};

use crate::core;
use crate::ffi::bdev::{
    spdk_bdev_enable_histogram_opts, spdk_bdev_enable_histogram_opts_init,
    spdk_bdev_histogram_enable_ext, spdk_bdev_histogram_get, spdk_bdev_io_type, spdk_bdev_opts,
};
use crate::ffi::bdev_module::spdk_bdev;
use crate::{malloc, null, qos};

/// SPDK's names of the I/O types, indexed by `spdk_bdev_io_type`.
pub const IO_TYPE_NAMES: [&str; 23] = [
    "invalid",
    "read",
    "write",
    "unmap",
    "flush",
    "reset",
    "nvme_admin",
    "nvme_io",
    "nvme_io_md",
    "write_zeroes",
    "zcopy",
    "get_zone_info",
    "zone_management",
    "zone_append",
    "compare",
    "compare_and_write",
    "abort",
    "seek_hole",
    "seek_data",
    "copy",
    "nvme_iov_md",
    "nvme_nssr",
    "write_uncorrectable",
];

pub fn register() {
    spdk_rpc::register("bdev_get_bdevs", bdev_get_bdevs, SPDK_RPC_RUNTIME);
    spdk_rpc::register("bdev_set_options", bdev_set_options, SPDK_RPC_STARTUP);
    spdk_rpc::register(
        "bdev_wait_for_examine",
        bdev_wait_for_examine,
        SPDK_RPC_RUNTIME,
    );
    spdk_rpc::register("bdev_get_iostat", bdev_get_iostat, SPDK_RPC_RUNTIME);
    spdk_rpc::register("bdev_reset_iostat", bdev_reset_iostat, SPDK_RPC_RUNTIME);
    spdk_rpc::register("bdev_malloc_create", bdev_malloc_create, SPDK_RPC_RUNTIME);
    spdk_rpc::register("bdev_malloc_delete", bdev_malloc_delete, SPDK_RPC_RUNTIME);
    spdk_rpc::register("bdev_null_create", bdev_null_create, SPDK_RPC_RUNTIME);
    spdk_rpc::register("bdev_null_delete", bdev_null_delete, SPDK_RPC_RUNTIME);
    spdk_rpc::register("bdev_set_qos_limit", bdev_set_qos_limit, SPDK_RPC_RUNTIME);
    spdk_rpc::register(
        "bdev_enable_histogram",
        bdev_enable_histogram,
        SPDK_RPC_RUNTIME,
    );
    spdk_rpc::register("bdev_get_histogram", bdev_get_histogram, SPDK_RPC_RUNTIME);
    spdk_rpc::register(
        "bdev_set_qd_sampling_period",
        bdev_set_qd_sampling_period,
        SPDK_RPC_RUNTIME,
    );
}

fn bdev_set_qd_sampling_period(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let name = d.req_str("name")?;
        let period = d
            .opt_u64("period")?
            .ok_or_else(|| spdk_rpc::params::DecodeError("period".into()))?;
        d.finish()?;
        Ok((name, period))
    });
    let Ok((name, period)) = parsed else {
        return decode_failed(req);
    };
    // SAFETY: on the RPC (app) thread; the descriptor is ours.
    unsafe {
        match core::open(
            name.as_bytes(),
            false,
            core::ignore_event,
            ptr::null_mut(),
            false,
        ) {
            Ok(d) => {
                crate::qd::set_period(core::desc_bdev(d), period);
                core::close(d);
                req.result(&Value::Bool(true));
            }
            Err(rc) => {
                spdk_log::errlog!("Failed to open bdev '{}': {}", name, rc);
                req.errno(rc);
            }
        }
    }
}

fn decode_failed(req: Request) {
    spdk_log::errlog!("spdk_json_decode_object failed");
    req.error(
        SPDK_JSONRPC_ERROR_INTERNAL_ERROR,
        "spdk_json_decode_object failed",
    );
}

/// Writes one bdev as bdev_get_bdevs shows it.
///
/// # Safety
/// `bdev` is registered.
pub unsafe fn dump_bdev(w: &mut JsonWriter, bdev: *mut spdk_bdev) {
    let b = &*bdev;
    let _ = w.object_begin();
    let _ = w.named_string("name", b.name_bytes());
    let _ = w.named_array_begin("aliases");
    for a in crate::aliases::names(bdev) {
        let _ = w.string(&a);
    }
    let _ = w.array_end();
    let product = if b.product_name.is_null() {
        &b""[..]
    } else {
        std::ffi::CStr::from_ptr(b.product_name).to_bytes()
    };
    let _ = w.named_string("product_name", product);
    let _ = w.named_uint64("block_size", b.blocklen as u64);
    let _ = w.named_uint64("num_blocks", b.blockcnt);
    let _ = w.named_uint64(
        "preferred_write_alignment",
        b.preferred_write_alignment as u64,
    );
    let _ = w.named_uint64(
        "preferred_write_granularity",
        b.preferred_write_granularity as u64,
    );
    let _ = w.named_uint64("optimal_write_size", b.optimal_write_size as u64);
    let _ = w.named_uint64(
        "preferred_unmap_alignment",
        b.preferred_unmap_alignment as u64,
    );
    let _ = w.named_uint64(
        "preferred_unmap_granularity",
        b.preferred_unmap_granularity as u64,
    );
    let _ = w.name("uuid");
    let _ = w.uuid(&b.uuid.u.raw);
    if b.numa & 1 != 0 {
        let _ = w.named_int64("numa_id", (b.numa as i32 >> 1) as i64);
    }
    if b.md_len != 0 {
        let _ = w.named_uint64("md_size", b.md_len as u64);
        let _ = w.named_bool("md_interleave", b.md_interleave());
        let _ = w.named_uint64("dif_type", b.dif_type as u64);
    }
    let _ = w.named_object_begin("assigned_rate_limits");
    let limits = core::bdev_qos(bdev).map_or([0; qos::NUM_LIMITS], |q| q.get());
    for (k, v) in qos::RPC_NAMES.iter().zip(limits) {
        let _ = w.named_uint64(k, v);
    }
    let _ = w.object_end();
    let claim = core::claim_type(bdev);
    let _ = w.named_bool("claimed", claim != 0);
    if claim != 0 {
        let name = crate::ffi::bdev_module::spdk_bdev_claim_get_name(
            crate::ffi::bdev_module::ClaimTypeArg(claim as c_int),
        );
        let _ = w.named_string("claim_type", std::ffi::CStr::from_ptr(name).to_bytes());
    }
    let _ = w.named_bool("zoned", b.zoned());
    if b.zoned() {
        let _ = w.named_uint64("zone_size", b.zone_size);
        let _ = w.named_uint64("max_open_zones", b.max_open_zones as u64);
        let _ = w.named_uint64("optimal_open_zones", b.optimal_open_zones as u64);
    }
    let _ = w.named_object_begin("supported_io_types");
    for (i, name) in IO_TYPE_NAMES.iter().enumerate().skip(1) {
        let t = spdk_bdev_io_type::from_int(i as c_int).expect("io type");
        let _ = w.named_bool(name, core::io_type_supported(bdev, t));
    }
    let _ = w.object_end();
    let _ = w.named_object_begin("driver_specific");
    if let Some(f) = (*b.fn_table).dump_info_json {
        let raw: *mut JsonWriter = w;
        f(b.ctxt, raw.cast::<spdk_json_write_ctx>());
    }
    let _ = w.object_end();
    let _ = w.object_end();
}

fn bdev_get_bdevs(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let name = d.opt_str("name")?;
        let timeout = d.opt_u64("timeout")?;
        d.finish()?;
        Ok((name, timeout))
    });
    let (name, timeout) = match parsed {
        Ok(n) => n,
        Err(_) => return decode_failed(req),
    };
    let Some(n) = name else {
        let list = core::all();
        return req.write(|w| {
            let _ = w.array_begin();
            for b in list {
                // SAFETY: registered bdevs, on the RPC thread.
                unsafe { dump_bdev(w, b) };
            }
            let _ = w.array_end();
        });
    };
    // As SPDK: the named bdev is opened asynchronously, waiting up to
    // `timeout` ms for it to appear.
    let c = std::ffi::CString::new(n.clone()).unwrap_or_default();
    let arg = Box::into_raw(Box::new(req));
    // SAFETY: on the RPC thread; `arg` comes back in the callback.
    let rc = unsafe {
        crate::open_async::open(
            c,
            false,
            core::ignore_event,
            ptr::null_mut(),
            timeout.unwrap_or(0),
            got_bdev,
            arg.cast(),
        )
    };
    if rc != 0 {
        spdk_log::errlog!("spdk_bdev_open_async failed for '{}': rc={}", n, rc);
        // SAFETY: not handed to anyone.
        unsafe { Box::from_raw(arg) }.errno(rc);
    }
}

unsafe extern "C" fn got_bdev(desc: *mut c_void, rc: c_int, arg: *mut c_void) {
    let req = Box::from_raw(arg.cast::<Request>());
    if rc != 0 {
        return req.errno(rc);
    }
    let d = desc.cast::<core::Desc>();
    let b = core::desc_bdev(d);
    req.write(|w| {
        let _ = w.array_begin();
        dump_bdev(w, b);
        let _ = w.array_end();
    });
    core::close(d);
}

fn bdev_set_options(req: Request, params: Option<Value>) {
    let mut o = core::opts();
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        if let Some(v) = d.opt_u64("bdev_io_pool_size")? {
            o.bdev_io_pool_size = v as u32;
        }
        if let Some(v) = d.opt_u64("bdev_io_cache_size")? {
            o.bdev_io_cache_size = v as u32;
        }
        if let Some(v) = d.opt_bool("bdev_auto_examine")? {
            o.bdev_auto_examine = v;
        }
        if let Some(v) = d.opt_u64("iobuf_small_cache_size")? {
            o.iobuf_small_cache_size = v as u32;
        }
        if let Some(v) = d.opt_u64("iobuf_large_cache_size")? {
            o.iobuf_large_cache_size = v as u32;
        }
        d.finish()
    });
    if parsed.is_err() {
        return decode_failed(req);
    }
    match core::set_opts(o) {
        Ok(()) => req.ok(),
        Err(_) => req.errno(-libc::EINVAL),
    }
}

fn bdev_wait_for_examine(req: Request, params: Option<Value>) {
    if Decoder::new(params.as_ref())
        .and_then(|d| d.finish())
        .is_err()
    {
        return decode_failed(req);
    }
    let arg = Box::into_raw(Box::new(req));
    // SAFETY: RPC handlers run on the app thread; arg is the boxed request.
    unsafe { core::wait_for_examine(examine_waited, arg.cast()) };
}

unsafe extern "C" fn examine_waited(arg: *mut c_void) {
    Box::from_raw(arg.cast::<Request>()).ok();
}

fn bdev_null_create(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let mut o = null::NullOpts {
            name: d.req_str("name")?,
            ..Default::default()
        };
        if let Some(u) = d.opt_str("uuid")? {
            let c = CString::new(u).map_err(|_| spdk_rpc::params::DecodeError("uuid".into()))?;
            let mut uu = spdk_util::ffi::uuid::spdk_uuid {
                u: spdk_util::ffi::uuid::spdk_uuid_u { raw: [0; 16] },
            };
            // SAFETY: valid pointers.
            if unsafe { spdk_util::ffi::uuid::spdk_uuid_parse(&mut uu, c.as_ptr()) } != 0 {
                return Err(spdk_rpc::params::DecodeError("uuid".into()));
            }
            // SAFETY: raw view of the union.
            o.uuid = Some(unsafe { uu.u.raw });
        }
        o.num_blocks = d
            .opt_u64("num_blocks")?
            .ok_or_else(|| spdk_rpc::params::DecodeError("num_blocks".into()))?;
        let u32_of = |v: Option<u64>, n: &str| -> Result<u32, spdk_rpc::params::DecodeError> {
            match v {
                None => Ok(0),
                Some(v) => u32::try_from(v).map_err(|_| spdk_rpc::params::DecodeError(n.into())),
            }
        };
        o.block_size = match d.opt_u64("block_size")? {
            Some(v) => u32_of(Some(v), "block_size")?,
            None => return Err(spdk_rpc::params::DecodeError("block_size".into())),
        };
        o.physical_block_size = u32_of(d.opt_u64("physical_block_size")?, "physical_block_size")?;
        o.md_size = u32_of(d.opt_u64("md_size")?, "md_size")?;
        o.dif_type = d.opt_i64("dif_type")?.unwrap_or(0) as i32;
        o.dif_is_head_of_md = d.opt_bool("dif_is_head_of_md")?.unwrap_or(false);
        o.dif_pi_format = u32_of(d.opt_u64("dif_pi_format")?, "dif_pi_format")?;
        o.preferred_write_alignment = u32_of(d.opt_u64("preferred_write_alignment")?, "x")?;
        o.preferred_write_granularity = u32_of(d.opt_u64("preferred_write_granularity")?, "x")?;
        o.optimal_write_size = u32_of(d.opt_u64("optimal_write_size")?, "x")?;
        o.preferred_unmap_alignment = u32_of(d.opt_u64("preferred_unmap_alignment")?, "x")?;
        o.preferred_unmap_granularity = u32_of(d.opt_u64("preferred_unmap_granularity")?, "x")?;
        d.finish()?;
        Ok(o)
    });
    let o = match parsed {
        Ok(o) => o,
        Err(_) => return decode_failed(req),
    };
    match null::create(&o) {
        Ok(b) => {
            // SAFETY: just registered.
            let name = unsafe { (*b).name_bytes().to_vec() };
            req.result(&Value::String(String::from_utf8_lossy(&name).into_owned()))
        }
        Err(rc) => req.errno(rc),
    }
}

unsafe extern "C" fn null_delete_done(arg: *mut c_void, rc: c_int) {
    let req = Box::from_raw(arg.cast::<Request>());
    if rc == 0 {
        req.ok()
    } else {
        req.errno(rc)
    }
}

fn bdev_null_delete(req: Request, params: Option<Value>) {
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
    if let Err(rc) = unsafe { null::delete(name.as_bytes(), Some(null_delete_done), arg.cast()) } {
        // SAFETY: not handed to anyone.
        let req = unsafe { Box::from_raw(arg) };
        req.errno(rc);
    }
}

/// The "bdev" subsystem's configuration, as SPDK writes it.
///
/// # Safety
/// `w` is a writer from the init library.
pub unsafe extern "C" fn write_config_json(w: *mut spdk_json_write_ctx) {
    let Some(wr) = writer_mut(w) else { return };
    let o: spdk_bdev_opts = core::opts();
    let _ = wr.array_begin();
    let _ = wr.object_begin();
    let _ = wr.named_string("method", "bdev_set_options");
    let _ = wr.named_object_begin("params");
    let _ = wr.named_uint64("bdev_io_pool_size", o.bdev_io_pool_size as u64);
    let _ = wr.named_uint64("bdev_io_cache_size", o.bdev_io_cache_size as u64);
    let _ = wr.named_bool("bdev_auto_examine", o.bdev_auto_examine);
    let _ = wr.named_uint64("iobuf_small_cache_size", o.iobuf_small_cache_size as u64);
    let _ = wr.named_uint64("iobuf_large_cache_size", o.iobuf_large_cache_size as u64);
    let _ = wr.object_end();
    let _ = wr.object_end();
    for m in core::module_list() {
        if let Some(f) = (*m).config_json {
            f(w);
        }
    }
    for b in core::all() {
        if let Some(f) = (*(*b).fn_table).write_config_json {
            f(b, w);
        }
        write_qos_config(w, b);
        write_histogram_config(w, b);
    }
    let Some(wr) = writer_mut(w) else { return };
    let _ = wr.object_begin();
    let _ = wr.named_string("method", "bdev_wait_for_examine");
    let _ = wr.object_end();
    let _ = wr.array_end();
}

// ---- bdev_get_iostat / bdev_reset_iostat ----

fn parse_reset_mode(
    v: Option<String>,
) -> Result<spdk_bdev_reset_stat_mode, spdk_rpc::params::DecodeError> {
    use spdk_bdev_reset_stat_mode::*;
    Ok(match v.as_deref() {
        None | Some("none") => SPDK_BDEV_RESET_STAT_NONE,
        Some("all") => SPDK_BDEV_RESET_STAT_ALL,
        Some("maxmin") => SPDK_BDEV_RESET_STAT_MAXMIN,
        Some("error") => SPDK_BDEV_RESET_STAT_ERROR,
        Some(_) => {
            spdk_log::noticelog!("Invalid parameter value: mode");
            return Err(spdk_rpc::params::DecodeError("mode".into()));
        }
    })
}

/// Gathers the device statistics of `names` one bdev after the other.
struct IostatCtx {
    req: Option<Request>,
    names: Vec<String>,
    next: usize,
    mode: spdk_bdev_reset_stat_mode,
    ticks: u64,
    cur: spdk_bdev_io_stat,
    done: Vec<(String, spdk_bdev_io_stat, Option<[u64; 4]>)>,
    /// bdev_reset_iostat: answer true instead of the statistics.
    reset_only: bool,
}

unsafe fn iostat_step(ctx: *mut IostatCtx) {
    let c = &mut *ctx;
    if c.next == c.names.len() {
        let ctx = Box::from_raw(ctx);
        let Some(req) = ctx.req else { return };
        if ctx.reset_only {
            return req.ok();
        }
        let hz = spdk_env::ticks::ticks_hz();
        req.write(|w| {
            let _ = w.object_begin();
            let _ = w.named_uint64("tick_rate", hz);
            let _ = w.named_uint64("ticks", ctx.ticks);
            let _ = w.named_array_begin("bdevs");
            for (name, st, qd) in &ctx.done {
                let _ = w.object_begin();
                let _ = w.named_string("name", name);
                dump_io_stat(w, st);
                if let Some([period, depth, io_time, weighted]) = qd {
                    let _ = w.named_uint64("queue_depth_polling_period", *period);
                    let _ = w.named_uint64("queue_depth", *depth);
                    let _ = w.named_uint64("io_time", *io_time);
                    let _ = w.named_uint64("weighted_io_time", *weighted);
                }
                let _ = w.object_end();
            }
            let _ = w.array_end();
            let _ = w.object_end();
        });
        return;
    }
    let name = c.names[c.next].clone();
    c.next += 1;
    let b = core::find(name.as_bytes());
    if b.is_null() {
        let ctx = Box::from_raw(ctx);
        if let Some(req) = ctx.req {
            req.errno(-libc::ENODEV);
        }
        return;
    }
    c.cur = spdk_bdev_io_stat::new();
    core::device_stat(b, &mut c.cur, c.mode, iostat_bdev_done, ctx.cast());
}

unsafe extern "C" fn iostat_bdev_done(
    bdev: *mut spdk_bdev,
    stat: *mut spdk_bdev_io_stat,
    arg: *mut c_void,
    rc: c_int,
) {
    let ctx = arg.cast::<IostatCtx>();
    if rc != 0 {
        let ctx = Box::from_raw(ctx);
        if let Some(req) = ctx.req {
            req.errno(rc);
        }
        return;
    }
    let name = String::from_utf8_lossy((*bdev).name_bytes()).into_owned();
    let qd = core::state(bdev)
        .map(|s| &s.qd)
        .filter(|q| q.period() != 0)
        .map(|q| [q.period(), q.measured(), q.io_time(), q.weighted_io_time()]);
    (*ctx).done.push((name, *stat, qd));
    iostat_step(ctx);
}

/// SPDK's spdk_bdev_dump_io_stat_json().
pub fn dump_io_stat(w: &mut JsonWriter, s: &spdk_bdev_io_stat) {
    let min = |v: u64| if v == u64::MAX { 0 } else { v };
    let _ = w.named_uint64("bytes_read", s.bytes_read);
    let _ = w.named_uint64("num_read_ops", s.num_read_ops);
    let _ = w.named_uint64("bytes_written", s.bytes_written);
    let _ = w.named_uint64("num_write_ops", s.num_write_ops);
    let _ = w.named_uint64("bytes_unmapped", s.bytes_unmapped);
    let _ = w.named_uint64("num_unmap_ops", s.num_unmap_ops);
    let _ = w.named_uint64("bytes_copied", s.bytes_copied);
    let _ = w.named_uint64("num_copy_ops", s.num_copy_ops);
    let _ = w.named_uint64("read_latency_ticks", s.read_latency_ticks);
    let _ = w.named_uint64("max_read_latency_ticks", s.max_read_latency_ticks);
    let _ = w.named_uint64("min_read_latency_ticks", min(s.min_read_latency_ticks));
    let _ = w.named_uint64("write_latency_ticks", s.write_latency_ticks);
    let _ = w.named_uint64("max_write_latency_ticks", s.max_write_latency_ticks);
    let _ = w.named_uint64("min_write_latency_ticks", min(s.min_write_latency_ticks));
    let _ = w.named_uint64("unmap_latency_ticks", s.unmap_latency_ticks);
    let _ = w.named_uint64("max_unmap_latency_ticks", s.max_unmap_latency_ticks);
    let _ = w.named_uint64("min_unmap_latency_ticks", min(s.min_unmap_latency_ticks));
    let _ = w.named_uint64("copy_latency_ticks", s.copy_latency_ticks);
    let _ = w.named_uint64("max_copy_latency_ticks", s.max_copy_latency_ticks);
    let _ = w.named_uint64("min_copy_latency_ticks", min(s.min_copy_latency_ticks));
}

fn names_param(d: &mut Decoder) -> Result<Option<Vec<String>>, spdk_rpc::params::DecodeError> {
    match d.opt_value("names") {
        None => Ok(None),
        Some(Value::Array(a)) => a
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                _ => Err(spdk_rpc::params::DecodeError("names".into())),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(spdk_rpc::params::DecodeError("names".into())),
    }
}

fn start_iostat(
    req: Request,
    names: Vec<String>,
    mode: spdk_bdev_reset_stat_mode,
    reset_only: bool,
) {
    let ctx = Box::into_raw(Box::new(IostatCtx {
        req: Some(req),
        names,
        next: 0,
        mode,
        ticks: spdk_env::ticks::ticks(),
        cur: spdk_bdev_io_stat::new(),
        done: Vec::new(),
        reset_only,
    }));
    // SAFETY: RPC handlers run on an SPDK thread; ctx is ours until the end.
    unsafe { iostat_step(ctx) };
}

fn all_names() -> Vec<String> {
    core::all()
        .into_iter()
        // SAFETY: registered bdevs.
        .map(|b| unsafe { String::from_utf8_lossy((*b).name_bytes()).into_owned() })
        .collect()
}

fn bdev_get_iostat(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let name = d.opt_str("name")?;
        let per_channel = d.opt_bool("per_channel")?.unwrap_or(false);
        let mode = parse_reset_mode(d.opt_str("reset_mode")?)?;
        let names = names_param(&mut d)?;
        d.finish()?;
        Ok((name, per_channel, mode, names))
    });
    let (name, per_channel, mode, names) = match parsed {
        Ok(v) => v,
        Err(_) => return decode_failed(req),
    };
    if name.is_some() && names.is_some() {
        spdk_log::errlog!("Can't report statistics when both name and names provided");
        return req.errno(-libc::EINVAL);
    }
    let names = match (name, names) {
        (Some(n), _) => Some(vec![n]),
        (None, n) => n,
    };
    if per_channel {
        if names.as_ref().is_none_or(|n| n.len() != 1) {
            spdk_log::errlog!("Can't use per_channel with multiple bdevs");
            return req.errno(-libc::EINVAL);
        }
        // Per-channel listing is not provided yet.
        return req.errno(-libc::ENOTSUP);
    }
    start_iostat(req, names.unwrap_or_else(all_names), mode, false)
}

fn bdev_reset_iostat(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let name = d.opt_str("name")?;
        let mode = parse_reset_mode(Some(d.opt_str("mode")?.unwrap_or_else(|| "all".into())))?;
        d.finish()?;
        Ok((name, mode))
    });
    let (name, mode) = match parsed {
        Ok(v) => v,
        Err(_) => return decode_failed(req),
    };
    let names = match name {
        Some(n) => vec![n],
        None => all_names(),
    };
    start_iostat(req, names, mode, true)
}

// ---- malloc ----

fn uuid_param(d: &mut Decoder) -> Result<Option<[u8; 16]>, spdk_rpc::params::DecodeError> {
    let Some(u) = d.opt_str("uuid")? else {
        return Ok(None);
    };
    let c = CString::new(u).map_err(|_| spdk_rpc::params::DecodeError("uuid".into()))?;
    let mut uu = spdk_util::ffi::uuid::spdk_uuid {
        u: spdk_util::ffi::uuid::spdk_uuid_u { raw: [0; 16] },
    };
    // SAFETY: valid pointers.
    if unsafe { spdk_util::ffi::uuid::spdk_uuid_parse(&mut uu, c.as_ptr()) } != 0 {
        return Err(spdk_rpc::params::DecodeError("uuid".into()));
    }
    // SAFETY: raw view of the union.
    Ok(Some(unsafe { uu.u.raw }))
}

fn u32_param(d: &mut Decoder, name: &str) -> Result<Option<u32>, spdk_rpc::params::DecodeError> {
    match d.opt_u64(name)? {
        None => Ok(None),
        Some(v) => u32::try_from(v)
            .map(Some)
            .map_err(|_| spdk_rpc::params::DecodeError(name.into())),
    }
}

fn bdev_malloc_create(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let mut o = malloc::MallocOpts {
            name: d.opt_str("name")?,
            uuid: uuid_param(&mut d)?,
            ..Default::default()
        };
        o.num_blocks = d
            .opt_u64("num_blocks")?
            .ok_or_else(|| spdk_rpc::params::DecodeError("num_blocks".into()))?;
        o.block_size = u32_param(&mut d, "block_size")?
            .ok_or_else(|| spdk_rpc::params::DecodeError("block_size".into()))?;
        o.physical_block_size = u32_param(&mut d, "physical_block_size")?.unwrap_or(0);
        o.optimal_io_boundary = u32_param(&mut d, "optimal_io_boundary")?.unwrap_or(0);
        o.md_size = u32_param(&mut d, "md_size")?.unwrap_or(0);
        let md_interleave = d.opt_bool("md_interleave")?.unwrap_or(false);
        let dif_type = d.opt_i64("dif_type")?.unwrap_or(0);
        let _ = d.opt_bool("dif_is_head_of_md")?;
        let _ = u32_param(&mut d, "dif_pi_format")?;
        let numa_id = d.opt_i64("numa_id")?.unwrap_or(-1);
        d.finish()?;
        Ok((o, md_interleave, dif_type, numa_id))
    });
    let (o, md_interleave, dif_type, numa_id) = match parsed {
        Ok(v) => v,
        Err(_) => return decode_failed(req),
    };
    if md_interleave || dif_type != 0 || (numa_id != -1 && numa_id != 0) {
        // Metadata, protection information and NUMA placement need
        // libraries not provided yet.
        return req.errno(-libc::EINVAL);
    }
    match malloc::create(&o) {
        Ok(b) => {
            // SAFETY: just registered.
            let name = unsafe { (*b).name_bytes().to_vec() };
            req.result(&Value::String(String::from_utf8_lossy(&name).into_owned()))
        }
        Err(rc) => req.errno(rc),
    }
}

fn bdev_malloc_delete(req: Request, params: Option<Value>) {
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
    if let Err(rc) = unsafe { malloc::delete(name.as_bytes(), Some(null_delete_done), arg.cast()) }
    {
        // SAFETY: not handed to anyone.
        let req = unsafe { Box::from_raw(arg) };
        req.errno(rc);
    }
}

// ---- QoS ----

/// bdev_set_qos_limit: name plus any of the four limits (IO/s, MiB/s).
fn bdev_set_qos_limit(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let name = d.req_str("name")?;
        let mut limits = [qos::NOT_DEFINED; qos::NUM_LIMITS];
        for (i, k) in qos::RPC_NAMES.iter().enumerate() {
            if let Some(v) = d.opt_u64(k)? {
                limits[i] = v;
            }
        }
        d.finish()?;
        Ok((name, limits))
    });
    let Ok((name, mut limits)) = parsed else {
        return decode_failed(req);
    };
    // SAFETY: lookup on the RPC thread.
    let b = unsafe { core::find(name.as_bytes()) };
    let Some(q) = (unsafe { core::bdev_qos(b) }) else {
        spdk_log::errlog!("Failed to open bdev '{}': {}", name, -libc::ENODEV);
        return req.errno(-libc::ENODEV);
    };
    if limits.iter().all(|&l| l == qos::NOT_DEFINED) {
        spdk_log::errlog!("No rate limits specified");
        return req.error(
            SPDK_JSONRPC_ERROR_INVALID_PARAMS,
            "No rate limits specified",
        );
    }
    qos::normalize(&mut limits);
    q.set(&limits);
    req.ok();
}

/// The bdev_set_qos_limit entry of a bdev with limits, as SPDK saves it.
unsafe fn write_qos_config(w: *mut spdk_json_write_ctx, b: *mut spdk_bdev) {
    let Some(q) = core::bdev_qos(b) else { return };
    let limits = q.get();
    if limits.iter().all(|&l| l == 0) {
        return;
    }
    let Some(wr) = writer_mut(w) else { return };
    let _ = wr.object_begin();
    let _ = wr.named_string("method", "bdev_set_qos_limit");
    let _ = wr.named_object_begin("params");
    let _ = wr.named_string("name", (*b).name_bytes());
    for (k, v) in qos::RPC_NAMES.iter().zip(limits) {
        if v > 0 {
            let _ = wr.named_uint64(k, v);
        }
    }
    let _ = wr.object_end();
    let _ = wr.object_end();
}

// ---- latency histograms ----

/// bdev_enable_histogram: name, enable, and optionally opc (an I/O type
/// name), granularity, min_nsec, max_nsec.
fn bdev_enable_histogram(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let name = d.req_str("name")?;
        let enable = d
            .opt_bool("enable")?
            .ok_or_else(|| spdk_rpc::params::DecodeError("enable: missing".into()))?;
        let opc = d.opt_str("opc")?;
        let granularity = d.opt_u64("granularity")?.unwrap_or(7);
        let min = d.opt_u64("min_nsec")?.unwrap_or(0);
        let max = d.opt_u64("max_nsec")?.unwrap_or(u64::MAX);
        d.finish()?;
        Ok((name, enable, opc, granularity, min, max))
    });
    let Ok((name, enable, opc, granularity, min_nsec, max_nsec)) = parsed else {
        return decode_failed(req);
    };
    // SAFETY: lookup on the RPC thread.
    let b = unsafe { core::find(name.as_bytes()) };
    if b.is_null() {
        return req.errno(-libc::ENODEV);
    }
    let io_type = match opc {
        None => 0,
        Some(o) => match IO_TYPE_NAMES.iter().skip(1).position(|n| *n == o) {
            Some(i) => i as u8 + 1,
            None => {
                spdk_log::errlog!("Invalid IO type");
                return req.error(SPDK_JSONRPC_ERROR_INTERNAL_ERROR, "Invalid Io type");
            }
        },
    };
    // SAFETY: zeroed opts are valid; filled by the library.
    let mut opts: spdk_bdev_enable_histogram_opts = unsafe { std::mem::zeroed() };
    let size = std::mem::size_of::<spdk_bdev_enable_histogram_opts>();
    // SAFETY: a local opts struct of `size` bytes.
    unsafe { spdk_bdev_enable_histogram_opts_init(&mut opts, size) };
    opts.io_type = io_type;
    opts.granularity = granularity.min(u8::MAX as u64) as u8;
    opts.min_nsec = min_nsec;
    opts.max_nsec = max_nsec;
    let arg = Box::into_raw(Box::new(req));
    // SAFETY: a registered bdev; the callback takes the boxed request back.
    unsafe {
        spdk_bdev_histogram_enable_ext(b, Some(histogram_enabled), arg.cast(), enable, &mut opts)
    };
}

unsafe extern "C" fn histogram_enabled(arg: *mut c_void, status: c_int) {
    let req = *Box::from_raw(arg.cast::<Request>());
    if status == 0 {
        req.ok();
    } else {
        req.errno(status);
    }
}

struct HistogramGet {
    req: Request,
    hist: Box<spdk_util::histogram::Histogram>,
    view: spdk_util::histogram::HistogramData,
}

/// bdev_get_histogram: the bdev's merged histogram, its buckets base64
/// encoded (little-endian u64s) as SPDK's scripts/histogram.py reads them.
fn bdev_get_histogram(req: Request, params: Option<Value>) {
    let parsed = Decoder::new(params.as_ref()).and_then(|mut d| {
        let name = d.req_str("name")?;
        d.finish()?;
        Ok(name)
    });
    let Ok(name) = parsed else {
        return decode_failed(req);
    };
    // SAFETY: lookup on the RPC thread.
    let b = unsafe { core::find(name.as_bytes()) };
    // SAFETY: checked for NULL by the callee.
    let Some(cfg) = (unsafe { core::histogram_settings(b) }).map(|s| *core::lock(s)) else {
        return req.errno(-libc::ENODEV);
    };
    let Some(mut hist) = cfg.new_histogram() else {
        return req.errno(-libc::EFAULT);
    };
    let view = hist.c_view();
    let ctx = Box::into_raw(Box::new(HistogramGet { req, hist, view }));
    // SAFETY: the view points into the boxed histogram, which lives until
    // the callback; the callback takes the box back.
    unsafe {
        spdk_bdev_histogram_get(
            b,
            ptr::addr_of_mut!((*ctx).view),
            Some(histogram_got),
            ctx.cast(),
        )
    };
}

unsafe extern "C" fn histogram_got(
    arg: *mut c_void,
    status: c_int,
    _h: *mut spdk_util::histogram::HistogramData,
) {
    use base64::Engine;
    let ctx = *Box::from_raw(arg.cast::<HistogramGet>());
    if status != 0 {
        return ctx.req.error(
            SPDK_JSONRPC_ERROR_INTERNAL_ERROR,
            &spdk_util::string::strerror_message(-status),
        );
    }
    let bytes: Vec<u8> = ctx
        .hist
        .buckets()
        .iter()
        .flat_map(|b| b.to_le_bytes())
        .collect();
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    let v = &ctx.view;
    ctx.req.write(|w| {
        let _ = w.object_begin();
        let _ = w.named_string("histogram", &encoded);
        let _ = w.named_int64("granularity", v.granularity as i64);
        let _ = w.named_uint64("min_range", v.min_range as u64);
        let _ = w.named_uint64("max_range", v.max_range as u64);
        let _ = w.named_int64("tsc_rate", spdk_env::ticks::ticks_hz() as i64);
        let _ = w.object_end();
    });
}

/// The bdev_enable_histogram entry of a bdev with histograms on.
unsafe fn write_histogram_config(w: *mut spdk_json_write_ctx, b: *mut spdk_bdev) {
    let Some(cfg) = core::histogram_settings(b).map(|s| *core::lock(s)) else {
        return;
    };
    if !cfg.enabled {
        return;
    }
    let Some(wr) = writer_mut(w) else { return };
    let _ = wr.object_begin();
    let _ = wr.named_string("method", "bdev_enable_histogram");
    let _ = wr.named_object_begin("params");
    let _ = wr.named_string("name", (*b).name_bytes());
    let _ = wr.named_bool("enable", true);
    if cfg.io_type != 0 {
        if let Some(n) = IO_TYPE_NAMES.get(cfg.io_type as usize) {
            let _ = wr.named_string("opc", n);
        }
    }
    let _ = wr.object_end();
    let _ = wr.object_end();
}
