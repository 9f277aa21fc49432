//! The application: spdk_app_start's sequence (environment, reactors, app
//! thread, RPC server, JSON configuration, subsystems, start callback) and
//! the orderly stop (subsystems finished in reverse, RPC servers closed,
//! reactors stopped).

use ::spdk_thread as sth;
use std::ffi::{c_int, c_void, CStr};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Mutex;

use spdk_rpc::{SPDK_RPC_RUNTIME, SPDK_RPC_STARTUP};
use spdk_util::ffi::cpuset::spdk_cpuset;
use sth::ffi::thread::{
    spdk_thread_create, spdk_thread_get_app_thread, spdk_thread_send_critical_msg,
    spdk_thread_send_msg,
};

use crate::ffi::event::opts::spdk_app_opts;

pub type StartFn = unsafe extern "C" fn(*mut c_void);

pub struct AppState {
    pub rpc_addr: Option<String>,
    pub allowlist: Option<Vec<String>>,
    pub shutdown_cb: Option<unsafe extern "C" fn()>,
    pub json_data: Option<Vec<u8>>,
    pub ignore_errors: bool,
    pub delay_init: bool,
    pub stopped: bool,
    pub start: Option<(StartFn, usize)>,
    pub rpc_log: (usize, c_int),
}

pub static APP: Mutex<AppState> = Mutex::new(AppState {
    rpc_addr: None,
    allowlist: None,
    shutdown_cb: None,
    json_data: None,
    ignore_errors: false,
    delay_init: false,
    stopped: false,
    start: None,
    rpc_log: (0, -1),
});
pub static RC: AtomicI32 = AtomicI32::new(0);
pub static SHM_ID: AtomicI32 = AtomicI32::new(-1);
static SIG_RECEIVED: AtomicBool = AtomicBool::new(false);
static ENV_WAS_SETUP: AtomicBool = AtomicBool::new(false);
pub static CORE_MASK: Mutex<Option<Box<spdk_cpuset>>> = Mutex::new(None);

pub fn app() -> std::sync::MutexGuard<'static, AppState> {
    APP.lock().unwrap_or_else(|e| e.into_inner())
}

unsafe fn opt_str(p: *const std::ffi::c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(CStr::from_ptr(p).to_string_lossy().into_owned())
    }
}

fn rpc_addr() -> Option<String> {
    app().rpc_addr.clone()
}

/// Brings everything up and runs the reactors until spdk_app_stop.
///
/// # Safety
/// `o` holds valid C strings and pointers as spdk_app_opts documents.
pub unsafe fn start(o: &spdk_app_opts, start_fn: StartFn, arg: *mut c_void) -> c_int {
    spdk_log::set_print_level(
        spdk_log::LogLevel::from_raw(o.print_level.0).unwrap_or(spdk_log::LogLevel::Info),
    );
    spdk_log::set_level(spdk_log::LogLevel::Notice);
    if o.enable_coredump {
        let lim = libc::rlimit {
            rlim_cur: 0x1_4000_0000,
            rlim_max: 0x1_4000_0000,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &lim);
    }
    let allowlist = if o.rpc_allowlist.is_null() {
        None
    } else {
        let mut v = Vec::new();
        let mut p = o.rpc_allowlist;
        while !(*p).is_null() {
            v.push(CStr::from_ptr(*p).to_string_lossy().into_owned());
            p = p.add(1);
        }
        Some(v)
    };
    {
        let mut a = app();
        *a = AppState {
            rpc_addr: opt_str(o.rpc_addr),
            allowlist,
            shutdown_cb: o.shutdown_cb,
            json_data: None,
            ignore_errors: o.json_config_ignore_errors,
            delay_init: o.delay_subsystem_init,
            stopped: false,
            start: Some((start_fn, arg as usize)),
            rpc_log: (o.rpc_log_file as usize, o.rpc_log_level.0),
        };
    }
    if crate::opts_check::check(o).is_err() {
        return 1;
    }
    RC.store(0, Ordering::Release);
    SHM_ID.store(o.shm_id, Ordering::Release);
    spdk_rpc::set_state(SPDK_RPC_STARTUP);

    let env = if ENV_WAS_SETUP.load(Ordering::Acquire) {
        spdk_env::init::reinit()
    } else {
        spdk_env::init::init(spdk_env::init::Options {
            name: opt_str(o.name).unwrap_or_default(),
            core_mask: opt_str(o.reactor_mask),
            lcore_map: opt_str(o.lcore_map),
            main_core: o.main_core,
            mem_size: o.mem_size,
            shm_id: o.shm_id,
            no_pci: o.no_pci,
            no_huge: o.no_huge,
            hugedir: opt_str(o.hugedir),
        })
    };
    if let Err(rc) = env {
        spdk_log::errlog!("Unable to initialize SPDK env ({rc})");
        return 1;
    }
    ENV_WAS_SETUP.store(true, Ordering::Release);
    // The application's core mask.
    let mut mask: Box<spdk_cpuset> = Box::new(std::mem::zeroed());
    for c in spdk_env::cores::ids() {
        spdk_util::ffi::cpuset::spdk_cpuset_set_cpu(&mut *mask, c, true);
    }
    *CORE_MASK.lock().unwrap_or_else(|e| e.into_inner()) = Some(mask);
    if !o.disable_cpumask_locks {
        if crate::core_locks::claim().is_err() {
            spdk_log::errlog!("Unable to acquire lock on assigned core mask - exiting.");
            return 1;
        }
    } else {
        spdk_log::noticelog!("CPU core locks deactivated.");
    }
    spdk_log::noticelog!("Total cores available: {}", spdk_env::cores::count());

    let cores = spdk_env::cores::count() as usize;
    let pool = if o.msg_mempool_size != 0 {
        o.msg_mempool_size
    } else {
        crate::ffi::event::opts::DEFAULT_MSG_MEMPOOL_SIZE.max(cores * 4 * 128)
    };
    if let Err(rc) = crate::reactor::init(pool) {
        spdk_log::errlog!("Reactor Initialization failed: rc = {rc}");
        return 1;
    }
    crate::subsystems::register_builtin();
    crate::rpcs::register();
    // As SPDK: tracing is set up unless disabled with 0 trace entries; we
    // have no trace library, so asking for tracepoints fails here.
    let mut copy = *o;
    if o.num_entries != 0 && crate::ffi::event::spdk_app_setup_trace(&mut copy) != 0 {
        return 1;
    }

    let mut main_mask: spdk_cpuset = std::mem::zeroed();
    spdk_util::ffi::cpuset::spdk_cpuset_set_cpu(&mut main_mask, spdk_env::cores::main_core(), true);
    spdk_thread_create(c"app_thread".as_ptr(), &main_mask);
    if spdk_thread_get_app_thread().is_null() {
        spdk_log::errlog!("Unable to create an spdk_thread for initialization");
        return 1;
    }
    if !o.disable_signal_handlers && setup_signals().is_err() {
        return 1;
    }
    if !o.json_config_file.is_null() {
        if !o.json_data.is_null() {
            spdk_log::errlog!("App opts json_config_file and json_data are mutually exclusive");
            return 1;
        }
        let path = CStr::from_ptr(o.json_config_file)
            .to_string_lossy()
            .into_owned();
        match std::fs::read(&path) {
            Ok(d) => app().json_data = Some(d),
            Err(e) => {
                spdk_log::errlog!("Read JSON configuration file {path} failed: {e}");
                return 1;
            }
        }
    } else if !o.json_data.is_null() && o.json_data_size > 0 {
        let d = std::slice::from_raw_parts(o.json_data.cast::<u8>(), o.json_data_size).to_vec();
        app().json_data = Some(d);
    }
    spdk_thread_send_msg(
        spdk_thread_get_app_thread(),
        Some(bootstrap),
        std::ptr::null_mut(),
    );
    crate::reactor::start();
    RC.load(Ordering::Acquire)
}

fn set_allowlist() {
    let l = app().allowlist.clone();
    spdk_rpc::set_allowlist(l);
}

unsafe extern "C" fn bootstrap(_: *mut c_void) {
    set_allowlist();
    let data = app().json_data.clone();
    match data {
        Some(d) => {
            let stop = !app().ignore_errors;
            spdk_init::json_config::load(&d, do_subsystem_init, std::ptr::null_mut(), stop);
        }
        None => do_subsystem_init(0, std::ptr::null_mut()),
    }
}

unsafe extern "C" fn do_subsystem_init(rc: c_int, _: *mut c_void) {
    if rc != 0 {
        stop(rc);
        return;
    }
    if let Some(addr) = rpc_addr() {
        if let Err(rc) = spdk_init::rpc_servers::initialize(&addr) {
            stop(rc);
            return;
        }
        let (file, level) = app().rpc_log;
        spdk_jsonrpc::ffi::jsonrpc::spdk_jsonrpc_set_log_file(file as *mut libc::FILE);
        spdk_jsonrpc::ffi::jsonrpc::spdk_jsonrpc_set_log_level(spdk_log::ffi::log::LogLevelArg(
            level,
        ));
        if app().delay_init {
            return;
        }
        spdk_init::rpc_servers::set_active(&addr, false);
    }
    spdk_init::register_methods();
    spdk_init::subsystem::init(subsystem_init_done, std::ptr::null_mut());
}

/// The subsystems are up: runtime state, runtime part of the JSON config,
/// then the application.
///
/// # Safety
/// Called on the app thread as an init completion.
pub unsafe extern "C" fn subsystem_init_done(rc: c_int, _: *mut c_void) {
    if rc != 0 {
        spdk_log::errlog!("Subsystem initialization failed with code: {rc}");
        stop(rc);
        return;
    }
    set_allowlist();
    spdk_rpc::set_state(SPDK_RPC_RUNTIME);
    let data = app().json_data.take();
    match data {
        Some(d) => {
            let stop_on_error = !app().ignore_errors;
            spdk_init::json_config::load(
                &d,
                start_application,
                std::ptr::null_mut(),
                stop_on_error,
            );
        }
        None => start_application(0, std::ptr::null_mut()),
    }
}

unsafe extern "C" fn start_application(rc: c_int, _: *mut c_void) {
    if rc != 0 {
        spdk_log::errlog!("Failed to load subsystems for RUNTIME state with code: {rc}");
        stop(rc);
        return;
    }
    if let Some(addr) = rpc_addr() {
        spdk_init::rpc_servers::set_active(&addr, true);
    }
    let start = app().start.take();
    if let Some((f, arg)) = start {
        f(arg as *mut c_void);
    }
}

unsafe extern "C" fn app_stop(arg: *mut c_void) {
    let rc = arg as isize as c_int;
    if RC.load(Ordering::Acquire) == 0 {
        RC.store(rc, Ordering::Release);
    }
    {
        let mut a = app();
        if a.stopped {
            spdk_log::noticelog!("spdk_app_stop called twice");
            return;
        }
        a.stopped = true;
        a.json_data = None;
    }
    spdk_init::subsystem::fini(subsystem_fini_done, std::ptr::null_mut());
}

unsafe extern "C" fn subsystem_fini_done(_: *mut c_void) {
    spdk_init::rpc_servers::finish_all();
    crate::reactor::stop();
}

/// spdk_app_stop: finish on the app thread.
pub fn stop(rc: c_int) {
    if rc != 0 {
        spdk_log::warnlog!("spdk_app_stop'd on non-zero");
    }
    // SAFETY: a message to the app thread.
    let r = unsafe {
        spdk_thread_send_msg(
            spdk_thread_get_app_thread(),
            Some(app_stop),
            rc as isize as *mut c_void,
        )
    };
    if r != 0 {
        spdk_log::errlog!("spdk_app_stop: no app thread");
    }
}

unsafe extern "C" fn app_start_shutdown(_: *mut c_void) {
    let cb = app().shutdown_cb.take();
    match cb {
        Some(f) => f(),
        None => stop(0),
    }
}

/// spdk_app_start_shutdown: from any thread, or a signal handler (the
/// critical message slot is async-signal-safe).
pub fn start_shutdown() {
    // SAFETY: the app thread, or an error when there is none.
    unsafe {
        spdk_thread_send_critical_msg(spdk_thread_get_app_thread(), Some(app_start_shutdown));
    }
}

extern "C" fn on_signal(_sig: c_int) {
    if !SIG_RECEIVED.swap(true, Ordering::AcqRel) {
        start_shutdown();
    }
}

fn setup_signals() -> Result<(), ()> {
    SIG_RECEIVED.store(false, Ordering::Release);
    // SAFETY: plain sigaction calls with a valid handler.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        libc::sigemptyset(&mut sa.sa_mask);
        sa.sa_sigaction = libc::SIG_IGN;
        if libc::sigaction(libc::SIGPIPE, &sa, std::ptr::null_mut()) < 0 {
            spdk_log::errlog!("sigaction(SIGPIPE) failed");
            return Err(());
        }
        sa.sa_sigaction = on_signal as extern "C" fn(c_int) as usize;
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in [libc::SIGINT, libc::SIGTERM] {
            if libc::sigaction(sig, &sa, std::ptr::null_mut()) < 0 {
                spdk_log::errlog!("sigaction failed");
                return Err(());
            }
            libc::sigaddset(&mut set, sig);
        }
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
    }
    Ok(())
}

/// spdk_app_fini: after spdk_app_start returned.
pub fn fini() {
    crate::reactor::fini();
    spdk_env::init::fini();
    let _ = crate::core_locks::unclaim();
}

/// framework_start_init's completion.
unsafe extern "C" fn start_init_cpl(rc: c_int, arg: *mut c_void) {
    let req = spdk_rpc::Request::from_raw(arg.cast());
    if rc != 0 {
        if let Some(addr) = rpc_addr() {
            spdk_init::rpc_servers::set_active(&addr, true);
        }
        req.error(
            spdk_rpc::SPDK_JSONRPC_ERROR_INTERNAL_ERROR,
            "framework_initialization failed",
        );
        subsystem_init_done(rc, std::ptr::null_mut());
        return;
    }
    subsystem_init_done(0, std::ptr::null_mut());
    req.ok();
}

/// The framework_start_init method.
pub fn framework_start_init(req: spdk_rpc::Request, params: Option<serde_json::Value>) {
    if params.is_some() {
        return req.error(
            spdk_rpc::SPDK_JSONRPC_ERROR_INVALID_PARAMS,
            "framework_start_init requires no parameters",
        );
    }
    if let Some(addr) = rpc_addr() {
        spdk_init::rpc_servers::set_active(&addr, false);
    }
    // SAFETY: the completion takes the request back.
    unsafe { spdk_init::subsystem::init(start_init_cpl, req.as_raw().cast()) };
}
