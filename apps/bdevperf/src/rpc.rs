//! perform_tests (`-z`): the RPC that starts a run with optional new
//! parameters and answers with the results (SPDK's rpc_perform_tests).

use spdk::rpc::params::Decoder;
use spdk::rpc::{
    Request, RustHandler, SPDK_JSONRPC_ERROR_INTERNAL_ERROR, SPDK_JSONRPC_ERROR_PARSE_ERROR,
    SPDK_RPC_RUNTIME,
};

use crate::opts::{opts, parse_io_size, verify_test_params, Opts};

/// The params SPDK decodes (all optional; zero means "keep").
#[derive(Default)]
struct Params {
    time_in_sec: i64,
    workload_type: Option<String>,
    queue_depth: u32,
    io_size: Option<String>,
    rw_percentage: i64,
}

fn decode(d: &mut Decoder) -> Option<Params> {
    let int32 = |v: Option<i64>| match v {
        None => Some(0),
        Some(x) => i32::try_from(x).ok().map(i64::from),
    };
    Some(Params {
        time_in_sec: int32(d.opt_i64("time_in_sec").ok()?)?,
        workload_type: d.opt_str("workload_type").ok()?,
        queue_depth: match d.opt_u64("queue_depth").ok()? {
            None => 0,
            Some(x) => u32::try_from(x).ok()?,
        },
        io_size: d.opt_str("io_size").ok()?,
        rw_percentage: int32(d.opt_i64("rw_percentage").ok()?)?,
    })
}

/// SPDK's rpc_apply_bdevperf_params.
fn apply(o: &mut Opts, p: &Params) {
    if let Some(w) = &p.workload_type {
        o.workload_type = Some(w.clone());
    }
    if p.queue_depth != 0 {
        o.queue_depth = p.queue_depth;
    }
    if let Some(s) = &p.io_size {
        let _ = parse_io_size(o, s);
    }
    if p.time_in_sec != 0 {
        o.time_in_sec = p.time_in_sec;
    }
    if p.rw_percentage != 0 {
        o.rw_percentage = p.rw_percentage;
        o.mix_specified = true;
    } else {
        o.mix_specified = false;
    }
}

fn perform_tests(req: Request, d: Option<Decoder>) {
    if crate::run::request_pending() {
        eprintln!("Another test is already in progress.");
        let msg = spdk::util::string::strerror_message(libc::EINPROGRESS);
        req.error(SPDK_JSONRPC_ERROR_INTERNAL_ERROR, &msg);
        return;
    }
    let p = match d.map(|mut d| decode(&mut d)) {
        Some(None) => {
            req.error(
                SPDK_JSONRPC_ERROR_PARSE_ERROR,
                "spdk_json_decode_object failed",
            );
            return;
        }
        Some(Some(p)) => Some(p),
        None => None,
    };
    {
        let mut o = opts();
        if let Some(p) = &p {
            let backup = Params {
                time_in_sec: o.time_in_sec,
                workload_type: o.workload_type.clone(),
                queue_depth: o.queue_depth,
                io_size: Some(o.io_size.to_string()),
                rw_percentage: o.rw_percentage,
            };
            apply(&mut o, p);
            if !verify_test_params(&mut o) {
                apply(&mut o, &backup);
                drop(o);
                req.error(
                    SPDK_JSONRPC_ERROR_PARSE_ERROR,
                    "Invalid parameters provided",
                );
                return;
            }
        } else if !verify_test_params(&mut o) {
            drop(o);
            req.error(
                SPDK_JSONRPC_ERROR_PARSE_ERROR,
                "Invalid parameters provided",
            );
            return;
        }
    }
    // SAFETY: RPC handlers run on the app thread.
    unsafe { crate::run::run_for_request(req) };
}

/// Adds perform_tests to the RPC methods (before the app starts).
pub fn register() {
    let h: RustHandler = |req, params| {
        // Params that are not an object fail decoding, as in SPDK.
        let d = match params.as_ref().map(|v| Decoder::new(Some(v))) {
            None => None,
            Some(Ok(d)) => Some(d),
            Some(Err(_)) => {
                req.error(
                    SPDK_JSONRPC_ERROR_PARSE_ERROR,
                    "spdk_json_decode_object failed",
                );
                return;
            }
        };
        perform_tests(req, d);
    };
    spdk::rpc::register("perform_tests", h, SPDK_RPC_RUNTIME);
}
