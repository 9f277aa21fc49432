//! event.h: the application framework (options, command line, start and
//! stop, reactors and events).

use ::spdk_thread as sth;
use std::ffi::{c_char, c_int, c_void};
use std::sync::atomic::Ordering;

use spdk_util::ffi::cpuset::{spdk_cpuset, spdk_cpuset_parse};
use sth::ffi::thread::spdk_msg_fn;

pub mod opts;

pub use opts::*;

/// An event's function: runs on the target core's reactor.
pub type spdk_event_fn = Option<unsafe extern "C" fn(arg1: *mut c_void, arg2: *mut c_void)>;

/// A message to a reactor (spdk_event_allocate / spdk_event_call).
pub struct spdk_event {
    _opaque: [u8; 0],
}

/// Starts the application: the environment from `opts_user` (core mask,
/// memory, ...), one reactor per core (pinned OS threads, the caller's
/// thread being the main core's), the app thread, the RPC server, the JSON
/// configuration and the subsystems; then `start_fn(ctx)` on the app
/// thread. Blocks until spdk_app_stop() and the shutdown finished.
///
/// \return the rc given to spdk_app_stop(), or 1 when start-up failed.
#[no_mangle]
pub unsafe extern "C" fn spdk_app_start(
    opts_user: *mut spdk_app_opts,
    start_fn: spdk_msg_fn,
    ctx: *mut c_void,
) -> c_int {
    if opts_user.is_null() {
        spdk_log::errlog!("opts_user should not be NULL");
        return 1;
    }
    let size = std::ptr::read_unaligned(std::ptr::addr_of!((*opts_user).opts_size));
    if size == 0 {
        spdk_log::errlog!("The opts_size in opts_user structure should not be zero value");
        return 1;
    }
    let mut o = opts::copy_user(opts_user);
    if o.name.is_null() {
        spdk_log::errlog!("spdk_app_opts::name not specified");
        return 1;
    }
    let Some(start) = start_fn else {
        spdk_log::errlog!("start_fn should not be NULL");
        return 1;
    };
    if o.rpc_addr.is_null() && o.delay_subsystem_init {
        spdk_log::errlog!("Cannot use '--wait-for-rpc' if no RPC server is going to be started.");
        return 1;
    }
    if o.lcore_map.is_null() && o.reactor_mask.is_null() {
        o.reactor_mask = c"0x1".as_ptr();
    }
    crate::app::start(&o, start, ctx)
}

/// Releases what spdk_app_start() set up (reactors, threads library,
/// environment); call after it returned.
#[no_mangle]
pub extern "C" fn spdk_app_fini() {
    crate::app::fini()
}

/// Starts the orderly shutdown, as SIGINT does: the opts' shutdown_cb on
/// the app thread when set, else spdk_app_stop(0).
#[no_mangle]
pub extern "C" fn spdk_app_start_shutdown() {
    crate::app::start_shutdown()
}

/// Stops the application: subsystems are finished in reverse order, the
/// RPC server closed, the reactors stopped, and spdk_app_start() returns
/// `rc`. Callable from any thread.
#[no_mangle]
pub extern "C" fn spdk_app_stop(rc: c_int) {
    crate::app::stop(rc)
}

/// \return the application's shared memory id (-1 when none).
#[no_mangle]
pub extern "C" fn spdk_app_get_shm_id() -> c_int {
    crate::app::SHM_ID.load(Ordering::Acquire)
}

/// Parses `mask` into `cpumask`, keeping only the cores of the
/// application (as SPDK: cores outside its mask are dropped, not refused;
/// the result may be empty).
///
/// \return 0, or a negative value on a bad mask (or before spdk_app_start).
#[no_mangle]
pub unsafe extern "C" fn spdk_app_parse_core_mask(
    mask: *const c_char,
    cpumask: *mut spdk_cpuset,
) -> c_int {
    if mask.is_null() || cpumask.is_null() {
        return -libc::EINVAL;
    }
    let rc = spdk_cpuset_parse(cpumask, mask);
    if rc < 0 {
        return rc;
    }
    let app = spdk_app_get_core_mask();
    if app.is_null() {
        return -libc::EINVAL;
    }
    spdk_util::ffi::cpuset::spdk_cpuset_and(cpumask, app);
    0
}

/// \return the application's core mask (NULL before spdk_app_start()).
#[no_mangle]
pub extern "C" fn spdk_app_get_core_mask() -> *const spdk_cpuset {
    crate::app::CORE_MASK
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_deref()
        .map_or(std::ptr::null(), |m| m as *const spdk_cpuset)
}

/// Prepares an event running `fn(arg1, arg2)` on core `lcore`'s reactor;
/// send it with spdk_event_call().
///
/// \return the event, or NULL when `lcore` has no reactor or fn is NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_event_allocate(
    lcore: u32,
    fn_: spdk_event_fn,
    arg1: *mut c_void,
    arg2: *mut c_void,
) -> *mut spdk_event {
    let Some(f) = fn_ else {
        return std::ptr::null_mut();
    };
    match crate::reactor::allocate(lcore, f, arg1, arg2) {
        Some(ev) => ev.as_ptr().cast(),
        None => {
            spdk_log::errlog!("no reactor on core {lcore}, or no free event");
            std::ptr::null_mut()
        }
    }
}

/// Sends an event made by spdk_event_allocate() (which it consumes).
#[no_mangle]
pub unsafe extern "C" fn spdk_event_call(event: *mut spdk_event) {
    if event.is_null() {
        return;
    }
    if let Some(ev) = std::ptr::NonNull::new(event.cast::<crate::reactor::Event>()) {
        crate::reactor::post(ev);
    }
}

/// Turns the reactors' context switch monitor on or off (on by default).
/// While on, each reactor reads its OS thread's voluntary and involuntary
/// context switch counts once a second and, when they changed, logs them
/// at INFO level under the "reactor" log flag.
#[no_mangle]
pub extern "C" fn spdk_framework_enable_context_switch_monitor(enabled: bool) {
    crate::reactor::CONTEXT_SWITCH_MONITOR.store(enabled, Ordering::Relaxed)
}

/// \return whether the context switch monitor is on.
#[no_mangle]
pub extern "C" fn spdk_framework_context_switch_monitor_enabled() -> bool {
    crate::reactor::CONTEXT_SWITCH_MONITOR.load(Ordering::Relaxed)
}

/// Sets up tracing from the options. This library has no trace buffers
/// yet: with no tracepoint group asked for (`tpoint_group_mask` NULL, as
/// by default) there is nothing to set up; asking for one is refused.
///
/// \return 0, -EINVAL for NULL opts, -ENOTSUP when tracepoints are asked for.
#[no_mangle]
pub unsafe extern "C" fn spdk_app_setup_trace(opts: *mut spdk_app_opts) -> c_int {
    if opts.is_null() {
        return -libc::EINVAL;
    }
    let mask = std::ptr::addr_of!((*opts).tpoint_group_mask).read_unaligned();
    if !mask.is_null() {
        spdk_log::errlog!(
            "Tracepoint group mask '{}' (-e/--tpoint-group) asked for, but this SPDK has no trace library",
            std::ffi::CStr::from_ptr(mask).to_string_lossy()
        );
        return -libc::ENOTSUP;
    }
    0
}
