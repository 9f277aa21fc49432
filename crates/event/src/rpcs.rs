//! RPC methods of the app framework: framework_start_init and
//! framework_wait_init, reactors and threads introspection, logging and
//! spdk_kill_instance.

use ::spdk_thread as sth;
use std::ffi::{c_void, CStr};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Mutex, Once};

use serde_json::{json, Value};
use spdk_rpc::params::Decoder;
use spdk_rpc::{Request, SPDK_JSONRPC_ERROR_INVALID_PARAMS, SPDK_RPC_RUNTIME, SPDK_RPC_STARTUP};
use spdk_util::ffi::cpuset::spdk_cpuset;
use sth::ffi::thread::{
    spdk_for_each_thread, spdk_get_thread, spdk_poller, spdk_poller_register_named,
    spdk_poller_unregister, spdk_thread, spdk_thread_poller_rc,
};

static ONCE: Once = Once::new();

pub fn register() {
    ONCE.call_once(|| {
        let both = SPDK_RPC_STARTUP | SPDK_RPC_RUNTIME;
        spdk_rpc::register(
            "framework_start_init",
            crate::app::framework_start_init,
            SPDK_RPC_STARTUP,
        );
        spdk_rpc::register("framework_wait_init", framework_wait_init, both);
        spdk_rpc::register(
            "framework_get_reactors",
            framework_get_reactors,
            SPDK_RPC_RUNTIME,
        );
        spdk_rpc::register("thread_get_stats", thread_get_stats, SPDK_RPC_RUNTIME);
        spdk_rpc::register("thread_get_pollers", thread_get_pollers, SPDK_RPC_RUNTIME);
        spdk_rpc::register(
            "thread_get_io_channels",
            thread_get_io_channels,
            SPDK_RPC_RUNTIME,
        );
        spdk_rpc::register("log_set_print_level", log_set_print_level, both);
        spdk_rpc::register("log_get_print_level", log_get_print_level, both);
        spdk_rpc::register("log_set_level", log_set_level, both);
        spdk_rpc::register("log_get_level", log_get_level, both);
        spdk_rpc::register("log_set_flag", log_set_flag, both);
        spdk_rpc::register("log_clear_flag", log_clear_flag, both);
        spdk_rpc::register("log_get_flags", log_get_flags, both);
        spdk_rpc::register("spdk_kill_instance", spdk_kill_instance, SPDK_RPC_RUNTIME);
        spdk_rpc::register("thread_set_cpumask", thread_set_cpumask, SPDK_RPC_RUNTIME);
        spdk_rpc::register(
            "framework_monitor_context_switch",
            framework_monitor_context_switch,
            SPDK_RPC_RUNTIME,
        );
        spdk_rpc::register(
            "framework_enable_cpumask_locks",
            framework_enable_cpumask_locks,
            both,
        );
        spdk_rpc::register(
            "framework_disable_cpumask_locks",
            framework_disable_cpumask_locks,
            both,
        );
    });
}

fn no_params(req: Request, params: &Option<Value>, name: &str) -> Option<Request> {
    if params.is_some() {
        req.error(
            SPDK_JSONRPC_ERROR_INVALID_PARAMS,
            &format!("'{name}' requires no arguments"),
        );
        None
    } else {
        Some(req)
    }
}

struct WaitCtx {
    req: Option<Request>,
    poller: *mut spdk_poller,
}

unsafe extern "C" fn wait_init_poll(arg: *mut c_void) -> i32 {
    let ctx = arg.cast::<WaitCtx>();
    if spdk_rpc::state() == SPDK_RPC_RUNTIME {
        let mut c = Box::from_raw(ctx);
        if let Some(r) = c.req.take() {
            r.ok();
        }
        spdk_poller_unregister(&mut c.poller);
    }
    spdk_thread_poller_rc::SPDK_POLLER_BUSY as i32
}

fn framework_wait_init(req: Request, _params: Option<Value>) {
    if spdk_rpc::state() == SPDK_RPC_RUNTIME {
        return req.ok();
    }
    let ctx = Box::into_raw(Box::new(WaitCtx {
        req: Some(req),
        poller: std::ptr::null_mut(),
    }));
    // SAFETY: ctx lives until the poller frees it.
    unsafe {
        (*ctx).poller = spdk_poller_register_named(
            Some(wait_init_poll),
            ctx.cast(),
            0,
            c"rpc_subsystem_init_poller_ctx".as_ptr(),
        );
    }
}

unsafe fn thread_name(t: *mut spdk_thread) -> String {
    CStr::from_ptr(sth::ffi::thread::spdk_thread_get_name(t))
        .to_string_lossy()
        .into_owned()
}

/// The thread's cpumask as SPDK's RPCs write it: limited to the
/// application's cores, in spdk_cpuset_fmt's bare hex (no "0x").
unsafe fn thread_cpumask(t: *mut spdk_thread) -> String {
    use spdk_util::ffi::cpuset::{spdk_cpuset_and, spdk_cpuset_copy, spdk_cpuset_fmt};
    let mut m: spdk_cpuset = std::mem::zeroed();
    let app = crate::ffi::event::spdk_app_get_core_mask();
    if !app.is_null() {
        spdk_cpuset_copy(&mut m, app);
    }
    let tm = sth::ffi::thread::spdk_thread_get_cpumask(t);
    if !tm.is_null() {
        spdk_cpuset_and(&mut m, tm);
    }
    CStr::from_ptr(spdk_cpuset_fmt(&mut m))
        .to_string_lossy()
        .into_owned()
}

/// (user, system, irq) jiffies of a CPU from /proc/stat.
fn proc_stat(cpu: u32) -> Option<(u64, u64, u64)> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let line = text
        .lines()
        .find(|l| l.split_whitespace().next() == Some(&format!("cpu{cpu}")))?;
    let f: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    Some((*f.first()?, *f.get(2)?, *f.get(5)?))
}

/// The CPU time of a core since the first call (made when the reactors
/// start), as SPDK reports it: zeros when /proc/stat does not say.
fn cpu_time_since_start(cpu: u32) -> (u64, u64, u64) {
    type CpuTimes = (u64, u64, u64);
    static START: std::sync::Mutex<Vec<(u32, CpuTimes)>> = std::sync::Mutex::new(Vec::new());
    let Some(now) = proc_stat(cpu) else {
        return (0, 0, 0);
    };
    let mut start = START.lock().unwrap_or_else(|e| e.into_inner());
    let base = match start.iter().find(|(c, _)| *c == cpu) {
        Some((_, b)) => *b,
        None => {
            start.push((cpu, now));
            now
        }
    };
    (
        now.0.saturating_sub(base.0),
        now.1.saturating_sub(base.1),
        now.2.saturating_sub(base.2),
    )
}

/// Takes the /proc/stat baseline of every core (at reactor start).
pub fn record_cpu_time_baseline() {
    for c in spdk_env::cores::ids() {
        cpu_time_since_start(c);
    }
}

fn framework_get_reactors(req: Request, params: Option<Value>) {
    let Some(req) = no_params(req, &params, "framework_get_reactors") else {
        return;
    };
    let now = spdk_env::ticks();
    let mut reactors = Vec::new();
    for r in crate::reactor::reactors() {
        let (usr, sys, irq) = cpu_time_since_start(r.lcore);
        let threads = r.threads.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let lw: Vec<Value> = threads
            .iter()
            .map(|t| {
                // SAFETY: threads of a running reactor.
                unsafe {
                    // Ticks since the thread came to this reactor.
                    let lw = crate::reactor::lw_thread(*t);
                    let start = lw.as_ref().map_or(now, |l| l.tsc_start.load(Relaxed));
                    json!({
                        "name": thread_name(t.as_raw()),
                        "id": t.id(),
                        "cpumask": thread_cpumask(t.as_raw()),
                        "elapsed": now.saturating_sub(start),
                    })
                }
            })
            .collect();
        reactors.push(json!({
            "lcore": r.lcore,
            "tid": r.tid.load(std::sync::atomic::Ordering::Relaxed),
            "busy": r.busy_tsc.load(std::sync::atomic::Ordering::Relaxed),
            "idle": r.idle_tsc.load(std::sync::atomic::Ordering::Relaxed),
            "in_interrupt": false,
            "irq": irq, "sys": sys, "usr": usr,
            "lw_threads": lw,
        }));
    }
    req.result(&json!({
        "tick_rate": spdk_env::ticks_hz(),
        "pid": std::process::id(),
        "reactors": reactors,
    }));
}

/// Collects one JSON object per thread, each built on its own thread, then
/// answers with {"tick_rate", "threads": [...]}.
struct Collect {
    req: Option<Request>,
    f: fn(*mut spdk_thread) -> Value,
    out: Mutex<Vec<Value>>,
}

unsafe extern "C" fn collect_one(arg: *mut c_void) {
    let c = &*(arg as *const Collect);
    let v = (c.f)(spdk_get_thread());
    c.out.lock().unwrap_or_else(|e| e.into_inner()).push(v);
}

unsafe extern "C" fn collect_done(arg: *mut c_void) {
    let mut c = Box::from_raw(arg as *mut Collect);
    let threads = std::mem::take(&mut *c.out.lock().unwrap_or_else(|e| e.into_inner()));
    if let Some(r) = c.req.take() {
        r.result(&json!({"tick_rate": spdk_env::ticks_hz(), "threads": threads}));
    }
}

fn for_each_thread(req: Request, f: fn(*mut spdk_thread) -> Value) {
    let c = Box::into_raw(Box::new(Collect {
        req: Some(req),
        f,
        out: Mutex::new(Vec::new()),
    }));
    spdk_for_each_thread(Some(collect_one), c.cast(), Some(collect_done));
}

fn thread_stats(t: *mut spdk_thread) -> Value {
    let Some(h) = sth::ThreadHandle::from_raw(t) else {
        return Value::Null;
    };
    let s = h.stats();
    // SAFETY: runs on `t` itself.
    unsafe {
        let th = t.cast::<sth::Thread>();
        json!({
            "name": thread_name(t),
            "id": h.id(),
            "cpumask": thread_cpumask(t),
            "busy": s.busy_tsc,
            "idle": s.idle_tsc,
            "active_pollers_count": sth::poller::active_pollers(th).len(),
            "timed_pollers_count": sth::poller::timed_pollers(th).len(),
            "paused_pollers_count": sth::poller::paused_pollers(th).len(),
        })
    }
}

fn thread_get_stats(req: Request, params: Option<Value>) {
    if let Some(req) = no_params(req, &params, "thread_get_stats") {
        for_each_thread(req, thread_stats);
    }
}

unsafe fn pollers_json(list: Vec<*mut sth::poller::Poller>) -> Vec<Value> {
    list.into_iter()
        .map(|p| {
            let p = &*p;
            let (run, busy) = p.counts();
            let mut v = json!({
                "name": p.name().to_string_lossy(),
                "id": p.id(),
                "state": p.state().as_cstr().to_string_lossy(),
                "run_count": run,
                "busy_count": busy,
            });
            if p.period_ticks() != 0 {
                v["period_ticks"] = json!(p.period_ticks());
            }
            v
        })
        .collect()
}

fn thread_pollers(t: *mut spdk_thread) -> Value {
    // SAFETY: runs on `t` itself.
    unsafe {
        let th = t.cast::<sth::Thread>();
        json!({
            "name": thread_name(t),
            "id": sth::ffi::thread::spdk_thread_get_id(t),
            "active_pollers": pollers_json(sth::poller::active_pollers(th)),
            "timed_pollers": pollers_json(sth::poller::timed_pollers(th)),
            "paused_pollers": pollers_json(sth::poller::paused_pollers(th)),
        })
    }
}

fn thread_get_pollers(req: Request, params: Option<Value>) {
    if let Some(req) = no_params(req, &params, "thread_get_pollers") {
        for_each_thread(req, thread_pollers);
    }
}

fn thread_channels(t: *mut spdk_thread) -> Value {
    // SAFETY: runs on `t` itself.
    unsafe {
        let th = t.cast::<sth::Thread>();
        let chans: Vec<Value> = sth::channel::channels_of(th)
            .into_iter()
            .map(|ch| {
                let c = &*ch;
                json!({"name": (*c.dev()).name().to_string_lossy(), "ref": c.ref_count()})
            })
            .collect();
        json!({"name": thread_name(t), "io_channels": chans})
    }
}

fn thread_get_io_channels(req: Request, params: Option<Value>) {
    if let Some(req) = no_params(req, &params, "thread_get_io_channels") {
        for_each_thread(req, thread_channels);
    }
}

fn parse_level(s: &str) -> Option<spdk_log::LogLevel> {
    use spdk_log::LogLevel::*;
    match s.to_ascii_uppercase().as_str() {
        "ERROR" => Some(Error),
        "WARNING" | "WARN" => Some(Warn),
        "NOTICE" => Some(Notice),
        "INFO" => Some(Info),
        "DEBUG" => Some(Debug),
        _ => None,
    }
}

fn level_param(req: Request, params: Option<Value>, set: fn(spdk_log::LogLevel)) {
    let level = Decoder::new(params.as_ref()).and_then(|mut d| {
        let l = d.req_str("level")?;
        d.finish()?;
        Ok(l)
    });
    let Ok(level) = level else {
        spdk_log::errlog!("spdk_json_decode_object failed");
        return req.invalid_params();
    };
    match parse_level(&level) {
        Some(l) => {
            set(l);
            req.ok()
        }
        None => {
            spdk_log::errlog!("tried to set invalid log level");
            req.error(SPDK_JSONRPC_ERROR_INVALID_PARAMS, "invalid log level")
        }
    }
}

fn log_set_print_level(req: Request, params: Option<Value>) {
    level_param(req, params, spdk_log::set_print_level)
}

fn log_set_level(req: Request, params: Option<Value>) {
    level_param(req, params, spdk_log::set_level)
}

fn log_get_print_level(req: Request, params: Option<Value>) {
    if let Some(req) = no_params(req, &params, "log_get_print_level") {
        req.result(&json!(spdk_log::print_level().name()));
    }
}

fn log_get_level(req: Request, params: Option<Value>) {
    if let Some(req) = no_params(req, &params, "log_get_level") {
        req.result(&json!(spdk_log::level().name()));
    }
}

fn flag_param(req: Request, params: Option<Value>, on: bool) {
    let flag = Decoder::new(params.as_ref()).and_then(|mut d| {
        let f = d.req_str("flag")?;
        d.finish()?;
        Ok(f)
    });
    let Ok(flag) = flag else {
        spdk_log::errlog!("spdk_json_decode_object failed");
        return req.invalid_params();
    };
    let r = if on {
        spdk_log::set_flag(&flag)
    } else {
        spdk_log::clear_flag(&flag)
    };
    match r {
        Ok(()) => req.ok(),
        Err(_) => req.error(SPDK_JSONRPC_ERROR_INVALID_PARAMS, "Invalid parameters"),
    }
}

fn log_set_flag(req: Request, params: Option<Value>) {
    flag_param(req, params, true)
}

fn log_clear_flag(req: Request, params: Option<Value>) {
    flag_param(req, params, false)
}

fn log_get_flags(req: Request, params: Option<Value>) {
    if let Some(req) = no_params(req, &params, "log_get_flags") {
        let mut m = serde_json::Map::new();
        for f in spdk_log::flag_names() {
            let on = spdk_log::flag_enabled(&f);
            m.insert(f, Value::Bool(on));
        }
        req.result(&Value::Object(m));
    }
}

/// The signals spdk_kill_instance may send, as SPDK's table. The app
/// framework handles SIGINT and SIGTERM (orderly shutdown); the others get
/// their default action unless the application installed a handler: as in
/// SPDK, SIGUSR1 then terminates the process.
const KILL_SIGNALS: [(&str, i32); 6] = [
    ("SIGINT", libc::SIGINT),
    ("SIGTERM", libc::SIGTERM),
    ("SIGQUIT", libc::SIGQUIT),
    ("SIGHUP", libc::SIGHUP),
    ("SIGKILL", libc::SIGKILL),
    ("SIGUSR1", libc::SIGUSR1),
];

fn spdk_kill_instance(req: Request, params: Option<Value>) {
    let name = Decoder::new(params.as_ref()).and_then(|mut d| {
        let n = d.req_str("sig_name")?;
        d.finish()?;
        Ok(n)
    });
    let Ok(name) = name else {
        return req.invalid_params();
    };
    // A name, or the signal's number in decimal.
    let number = name.trim().parse::<i32>().ok();
    let Some(&(_, sig)) = KILL_SIGNALS
        .iter()
        .find(|(n, s)| *n == name || number == Some(*s))
    else {
        return req.invalid_params();
    };
    spdk_log::debuglog!(spdk_jsonrpc::LOG_RPC, "sending signal {sig}");
    req.ok();
    // The answer is sent by the RPC server's next poll, and a shutdown
    // closes the server: signal once that poll has run (as in SPDK, where
    // the slower shutdown leaves the server that time).
    let k = Box::into_raw(Box::new(DelayedKill {
        sig,
        poller: std::ptr::null_mut(),
    }));
    // SAFETY: k lives until the poller frees it.
    unsafe {
        (*k).poller = spdk_poller_register_named(
            Some(kill_later),
            k.cast(),
            KILL_DELAY_US,
            c"spdk_kill_instance".as_ptr(),
        );
        if (*k).poller.is_null() {
            let k = Box::from_raw(k);
            libc::kill(libc::getpid(), k.sig);
        }
    }
}

/// Two periods of the RPC server's poller.
const KILL_DELAY_US: u64 = 2 * spdk_init::rpc_servers::RPC_SELECT_INTERVAL_US;

struct DelayedKill {
    sig: i32,
    poller: *mut spdk_poller,
}

unsafe extern "C" fn kill_later(arg: *mut c_void) -> i32 {
    let mut k = Box::from_raw(arg.cast::<DelayedKill>());
    spdk_poller_unregister(&mut k.poller);
    // SAFETY: signals this process, as asked.
    libc::kill(libc::getpid(), k.sig);
    spdk_thread_poller_rc::SPDK_POLLER_BUSY as i32
}

fn framework_monitor_context_switch(req: Request, params: Option<Value>) {
    if params.is_some() {
        let enabled = Decoder::new(params.as_ref()).and_then(|mut d| {
            let e = d.opt_bool("enabled")?;
            d.finish()?;
            Ok(e)
        });
        match enabled {
            Ok(Some(e)) => crate::ffi::event::spdk_framework_enable_context_switch_monitor(e),
            Ok(None) | Err(_) => {
                return req.error(SPDK_JSONRPC_ERROR_INVALID_PARAMS, "Invalid parameters");
            }
        }
    }
    req.result(&json!({
        "enabled": crate::ffi::event::spdk_framework_context_switch_monitor_enabled()
    }));
}

fn framework_enable_cpumask_locks(req: Request, params: Option<Value>) {
    if params.is_some() {
        // SPDK's message, its missing space included.
        return req.error(
            SPDK_JSONRPC_ERROR_INVALID_PARAMS,
            "framework_enable_cpumask_locksrequires no arguments",
        );
    }
    match crate::core_locks::claim() {
        Ok(()) => req.ok(),
        Err(core) => req.error(
            spdk_rpc::SPDK_JSONRPC_ERROR_INTERNAL_ERROR,
            &format!("Failed to claim CPU core: {core}"),
        ),
    }
}

fn framework_disable_cpumask_locks(req: Request, params: Option<Value>) {
    if params.is_some() {
        return req.error(
            SPDK_JSONRPC_ERROR_INVALID_PARAMS,
            "framework_disable_cpumask_locksrequires no arguments",
        );
    }
    match crate::core_locks::unclaim() {
        Ok(()) => req.ok(),
        Err(core) => req.error(
            spdk_rpc::SPDK_JSONRPC_ERROR_INTERNAL_ERROR,
            &format!("Failed to unclaim CPU core: {core}"),
        ),
    }
}

/// thread_set_cpumask: the request travels to the thread, which sets its
/// own mask (the reactor moves it after that poll), and back.
struct SetMask {
    req: Option<Request>,
    mask: spdk_cpuset,
    status: std::ffi::c_int,
    orig: *mut spdk_thread,
}

unsafe extern "C" fn set_mask_on_thread(arg: *mut c_void) {
    let c = arg.cast::<SetMask>();
    (*c).status = sth::ffi::thread::spdk_thread_set_cpumask(&mut (*c).mask);
    if sth::ffi::thread::spdk_thread_send_msg((*c).orig, Some(set_mask_done), arg) != 0 {
        spdk_log::errlog!("thread_set_cpumask: could not answer from the thread");
    }
}

unsafe extern "C" fn set_mask_done(arg: *mut c_void) {
    let mut c = Box::from_raw(arg.cast::<SetMask>());
    let Some(req) = c.req.take() else {
        return;
    };
    if c.status == 0 {
        req.ok();
    } else {
        req.error(
            spdk_rpc::SPDK_JSONRPC_ERROR_INTERNAL_ERROR,
            &spdk_util::string::strerror_message(-c.status),
        );
    }
}

fn thread_set_cpumask(req: Request, params: Option<Value>) {
    let p = Decoder::new(params.as_ref()).and_then(|mut d| {
        let id = d.opt_u64("id")?;
        let mask = d.req_str("cpumask")?;
        d.finish()?;
        Ok((id, mask))
    });
    let Ok((Some(id), mask)) = p else {
        spdk_log::errlog!("spdk_json_decode_object failed");
        return req.error(
            SPDK_JSONRPC_ERROR_INVALID_PARAMS,
            "spdk_json_decode_object failed",
        );
    };
    let thread = sth::ffi::thread::spdk_thread_get_by_id(id);
    if thread.is_null() {
        spdk_log::errlog!("Thread {id} does not exist");
        return req.error(
            SPDK_JSONRPC_ERROR_INVALID_PARAMS,
            &format!("Thread {id} does not exist"),
        );
    }
    // SAFETY: a zeroed cpuset is valid; the C string lives across the call.
    let mut set: spdk_cpuset = unsafe { std::mem::zeroed() };
    let cmask = crate::cstring(&mask);
    if unsafe { crate::ffi::event::spdk_app_parse_core_mask(cmask.as_ptr(), &mut set) } != 0 {
        spdk_log::errlog!("Invalid cpumask {mask}");
        return req.error(
            spdk_rpc::SPDK_JSONRPC_ERROR_INTERNAL_ERROR,
            &format!("Invalid cpumask {mask}"),
        );
    }
    // SAFETY: a valid cpuset; the app's mask exists at runtime.
    unsafe {
        if spdk_util::ffi::cpuset::spdk_cpuset_count(&set) == 0 {
            let mut app: spdk_cpuset = std::mem::zeroed();
            spdk_util::ffi::cpuset::spdk_cpuset_copy(
                &mut app,
                crate::ffi::event::spdk_app_get_core_mask(),
            );
            let fmt = CStr::from_ptr(spdk_util::ffi::cpuset::spdk_cpuset_fmt(&mut app));
            return req.error(
                spdk_rpc::SPDK_JSONRPC_ERROR_INTERNAL_ERROR,
                &format!(
                    "No CPU is selected from reactor mask {}",
                    fmt.to_string_lossy()
                ),
            );
        }
    }
    let c = Box::into_raw(Box::new(SetMask {
        req: Some(req),
        mask: set,
        status: 0,
        orig: spdk_get_thread(),
    }));
    // SAFETY: c lives until set_mask_done.
    unsafe {
        if sth::ffi::thread::spdk_thread_send_msg(thread, Some(set_mask_on_thread), c.cast()) != 0 {
            let mut c = Box::from_raw(c);
            if let Some(req) = c.req.take() {
                req.error(
                    spdk_rpc::SPDK_JSONRPC_ERROR_INTERNAL_ERROR,
                    "Unable to send the message to the thread",
                );
            }
        }
    }
}
