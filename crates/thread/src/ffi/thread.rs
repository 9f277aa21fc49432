//! The C ABI of include/spdk/thread.h (threads, messages, pollers, io
//! devices and channels; iobuf and spinlocks are in the submodules) and of
//! include/spdk_internal/thread.h (in `internal`).

use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr;

use spdk_util::ffi::cpuset::spdk_cpuset;

use crate::channel::{self, IoChannel, IoChannelIter};
use crate::poller;
use crate::thread::{self as th, Thread, ThreadState};

pub mod internal;
pub mod iobuf;
pub mod spin;

/// A lightweight thread: a message queue and pollers, run by whoever calls
/// spdk_thread_poll() on it.
pub struct spdk_thread {
    _opaque: [u8; 0],
}

/// A function registered to run on a thread repeatedly.
pub struct spdk_poller {
    _opaque: [u8; 0],
}

/// A thread's context for one io_device; its device context follows the
/// first SPDK_IO_CHANNEL_STRUCT_SIZE bytes.
pub struct spdk_io_channel {
    _opaque: [u8; 0],
}

/// The state of one spdk_for_each_channel() iteration.
pub struct spdk_io_channel_iter {
    _opaque: [u8; 0],
}

/// What a poller function returns.
#[repr(C)]
pub enum spdk_thread_poller_rc {
    /// Nothing was done.
    SPDK_POLLER_IDLE,
    /// Some work was done.
    SPDK_POLLER_BUSY,
}

/// Operations the framework that runs the threads may implement.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_thread_op {
    /// A thread was created: start polling it.
    SPDK_THREAD_OP_NEW,
    /// The thread's cpumask changed: move it where it now belongs.
    SPDK_THREAD_OP_RESCHED,
}

/// Busy and idle time of a thread, in ticks.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct spdk_thread_stats {
    /// Ticks spent in polls that did work.
    pub busy_tsc: u64,
    /// Ticks spent in polls that found nothing to do.
    pub idle_tsc: u64,
}

/// Called for each new thread; returns 0 when the thread will be polled.
pub type spdk_new_thread_fn = Option<unsafe extern "C" fn(thread: *mut spdk_thread) -> c_int>;
/// Performs a thread operation; returns 0 on success.
pub type spdk_thread_op_fn =
    Option<unsafe extern "C" fn(thread: *mut spdk_thread, op: spdk_thread_op) -> c_int>;
/// Tells whether an operation is supported.
pub type spdk_thread_op_supported_fn = Option<unsafe extern "C" fn(op: spdk_thread_op) -> bool>;
/// A function run by a message.
pub type spdk_msg_fn = Option<unsafe extern "C" fn(ctx: *mut c_void)>;
/// Passes a message to a thread through a framework-specific path.
pub type spdk_thread_pass_msg =
    Option<unsafe extern "C" fn(fn_: spdk_msg_fn, ctx: *mut c_void, thread_ctx: *mut c_void)>;
/// A poller function: SPDK_POLLER_BUSY when it did work, SPDK_POLLER_IDLE
/// otherwise.
pub type spdk_poller_fn = Option<unsafe extern "C" fn(ctx: *mut c_void) -> c_int>;
/// Switches a poller between interrupt and poll mode.
pub type spdk_poller_set_interrupt_mode_cb = Option<
    unsafe extern "C" fn(poller: *mut spdk_poller, cb_arg: *mut c_void, interrupt_mode: bool),
>;
/// Initializes a new channel's context; returns 0 or a negative errno.
pub type spdk_io_channel_create_cb =
    Option<unsafe extern "C" fn(io_device: *mut c_void, ctx_buf: *mut c_void) -> c_int>;
/// Releases what a channel's context holds.
pub type spdk_io_channel_destroy_cb =
    Option<unsafe extern "C" fn(io_device: *mut c_void, ctx_buf: *mut c_void)>;
/// Completion of spdk_io_device_unregister().
pub type spdk_io_device_unregister_cb = Option<unsafe extern "C" fn(io_device: *mut c_void)>;
/// Called on each thread with a channel, by spdk_for_each_channel().
pub type spdk_channel_msg = Option<unsafe extern "C" fn(i: *mut spdk_io_channel_iter)>;
/// Completion of spdk_for_each_channel().
pub type spdk_channel_for_each_cpl =
    Option<unsafe extern "C" fn(i: *mut spdk_io_channel_iter, status: c_int)>;
/// Called once after the current poller returns.
pub type spdk_post_poller_fn = Option<unsafe extern "C" fn(fn_arg: *mut c_void)>;

#[inline]
pub(crate) fn t_of(thread: *const spdk_thread) -> *mut Thread {
    thread as *mut Thread
}

#[inline]
pub(crate) fn thread_ref<'a>(thread: *const spdk_thread, func: &str) -> Option<&'a Thread> {
    if thread.is_null() {
        spdk_log::errlog!("{}: thread is NULL", func);
        return None;
    }
    // SAFETY: a non-null spdk_thread comes from spdk_thread_create.
    Some(unsafe { &*t_of(thread) })
}

unsafe fn opt_cstr<'a>(s: *const c_char) -> Option<&'a CStr> {
    if s.is_null() {
        None
    } else {
        Some(CStr::from_ptr(s))
    }
}

// ---- library ----

/// Initializes the thread library. `new_thread_fn`, when not NULL, is called
/// for each thread created; `ctx_sz` bytes of per-thread context are
/// reserved for spdk_thread_get_ctx().
///
/// \return 0, or a negative errno (-ENOMEM when the message pool cannot be
/// created, -EALREADY when already initialized).
#[no_mangle]
pub extern "C" fn spdk_thread_lib_init(new_thread_fn: spdk_new_thread_fn, ctx_sz: usize) -> c_int {
    match th::lib_init(
        new_thread_fn,
        None,
        None,
        ctx_sz,
        th::DEFAULT_MSG_MEMPOOL_SIZE,
    ) {
        Ok(()) => 0,
        Err(e) => e,
    }
}

/// Initializes the thread library with the framework's operation callbacks
/// (both or neither), `ctx_sz` bytes of per-thread context and a message
/// pool of `msg_mempool_size` messages.
///
/// \return 0, or a negative errno.
#[no_mangle]
pub extern "C" fn spdk_thread_lib_init_ext(
    thread_op_fn: spdk_thread_op_fn,
    thread_op_supported_fn: spdk_thread_op_supported_fn,
    ctx_sz: usize,
    msg_mempool_size: usize,
) -> c_int {
    match th::lib_init(
        None,
        thread_op_fn,
        thread_op_supported_fn,
        ctx_sz,
        msg_mempool_size,
    ) {
        Ok(()) => 0,
        Err(e) => e,
    }
}

/// Releases the thread library: frees the app thread and the message pool.
/// Every other thread must have been destroyed first.
#[no_mangle]
pub extern "C" fn spdk_thread_lib_fini() {
    th::lib_fini();
}

// ---- threads ----

/// Creates a thread named `name` (NULL: named after its address) allowed on
/// `cpumask` (NULL: every CPU). The framework's new-thread callback, if
/// any, is called. The first thread created is the app thread.
///
/// \return the thread, or NULL on failure (also before spdk_thread_lib_init).
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_create(
    name: *const c_char,
    cpumask: *const spdk_cpuset,
) -> *mut spdk_thread {
    Thread::create(opt_cstr(name), cpumask.as_ref()).map_or(ptr::null_mut(), |t| t.as_ptr().cast())
}

/// \return the app thread (the first thread created), or NULL.
#[no_mangle]
pub extern "C" fn spdk_thread_get_app_thread() -> *mut spdk_thread {
    th::app_thread().cast()
}

/// \return whether `thread` (NULL: the current thread) is the app thread.
#[no_mangle]
pub extern "C" fn spdk_thread_is_app_thread(thread: *mut spdk_thread) -> bool {
    let t = if thread.is_null() {
        th::current()
    } else {
        t_of(thread)
    };
    !t.is_null() && t == th::app_thread()
}

/// Sets the thread the calling OS thread works for (NULL: none).
#[no_mangle]
pub extern "C" fn spdk_set_thread(thread: *mut spdk_thread) {
    th::set_current(t_of(thread));
}

/// Binds `thread` to its current core (a hint for the scheduler) or not.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_bind(thread: *mut spdk_thread, bind: bool) {
    if let Some(t) = thread_ref(thread, "spdk_thread_bind") {
        t.bind(bind);
    }
}

/// \return whether `thread` is bound to its current core.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_is_bound(thread: *mut spdk_thread) -> bool {
    thread_ref(thread, "spdk_thread_is_bound").is_some_and(|t| t.is_bound())
}

/// Starts the exit of `thread`, which must be the current thread. It keeps
/// being polled until its pollers are unregistered, its channels released
/// and its messages run (or 5 seconds pass), then it is exited and can be
/// destroyed.
///
/// \return 0 (also when already exiting), -EINVAL for NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_exit(thread: *mut spdk_thread) -> c_int {
    let Some(t) = thread_ref(thread, "spdk_thread_exit") else {
        return -libc::EINVAL;
    };
    t.exit();
    0
}

/// \return whether `thread` has completed its exit.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_is_exited(thread: *mut spdk_thread) -> bool {
    thread_ref(thread, "spdk_thread_is_exited").is_some_and(|t| t.state() == ThreadState::Exited)
}

/// \return whether `thread` is running (not exiting nor exited).
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_is_running(thread: *mut spdk_thread) -> bool {
    thread_ref(thread, "spdk_thread_is_running").is_some_and(|t| t.state() == ThreadState::Running)
}

/// Frees an exited thread. A thread that is not exited is left alone (with
/// an error message). The app thread is freed by spdk_thread_lib_fini().
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_destroy(thread: *mut spdk_thread) {
    if thread_ref(thread, "spdk_thread_destroy").is_some() {
        let _ = th::destroy(t_of(thread));
    }
}

/// \return the thread's context (the ctx_sz bytes given at library init),
/// or NULL when ctx_sz was 0.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_get_ctx(thread: *mut spdk_thread) -> *mut c_void {
    thread_ref(thread, "spdk_thread_get_ctx").map_or(ptr::null_mut(), |t| t.ctx())
}

/// \return the thread's CPU mask.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_get_cpumask(thread: *mut spdk_thread) -> *mut spdk_cpuset {
    thread_ref(thread, "spdk_thread_get_cpumask").map_or(ptr::null_mut(), |t| t.cpumask())
}

/// Changes the current thread's CPU mask and asks the framework to
/// reschedule it.
///
/// \return 0; -ENOTSUP when the framework cannot reschedule; -EINVAL when
/// not called from an SPDK thread or `cpumask` is NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_set_cpumask(cpumask: *mut spdk_cpuset) -> c_int {
    let t = th::current();
    if t.is_null() {
        spdk_log::errlog!("Called from non-SPDK thread");
        return -libc::EINVAL;
    }
    let Some(m) = cpumask.as_ref() else {
        return -libc::EINVAL;
    };
    let old = (*(*t).cpumask()).cpus;
    (*(*t).cpumask()).cpus = m.cpus;
    match th::op_resched(t) {
        Ok(()) => 0,
        Err(e) => {
            (*(*t).cpumask()).cpus = old;
            spdk_log::errlog!("Framework does not support reschedule operation.");
            e
        }
    }
}

/// \return the thread whose context is `ctx`, or NULL for NULL.
#[no_mangle]
pub extern "C" fn spdk_thread_get_from_ctx(ctx: *mut c_void) -> *mut spdk_thread {
    if ctx.is_null() {
        return ptr::null_mut();
    }
    ctx.cast::<u8>().wrapping_sub(th::CTX_OFFSET).cast()
}

/// Polls `thread` once on the calling OS thread: its critical message, up
/// to `max_msgs` messages (0: a default batch), every active poller and the
/// timed pollers due at `now` (0: the current tick).
///
/// \return 1 when work was done, 0 when idle, negative when a poller failed.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_poll(
    thread: *mut spdk_thread,
    max_msgs: u32,
    now: u64,
) -> c_int {
    match thread_ref(thread, "spdk_thread_poll") {
        Some(t) => t.poll(max_msgs, now),
        None => -libc::EINVAL,
    }
}

/// \return the tick at which the next timed poller is due, 0 when none.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_next_poller_expiration(thread: *mut spdk_thread) -> u64 {
    thread_ref(thread, "spdk_thread_next_poller_expiration")
        .map_or(0, |t| t.next_poller_expiration())
}

/// \return 1 when `thread` has active (period 0) pollers, else 0.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_has_active_pollers(thread: *mut spdk_thread) -> c_int {
    thread_ref(thread, "spdk_thread_has_active_pollers")
        .map_or(0, |t| t.has_active_pollers() as c_int)
}

/// \return whether `thread` has any poller, paused ones included.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_has_pollers(thread: *mut spdk_thread) -> bool {
    thread_ref(thread, "spdk_thread_has_pollers").is_some_and(|t| t.has_pollers())
}

/// \return whether `thread` has no messages and no unpaused pollers.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_is_idle(thread: *mut spdk_thread) -> bool {
    thread_ref(thread, "spdk_thread_is_idle").is_some_and(|t| t.is_idle())
}

/// \return the number of threads alive.
#[no_mangle]
pub extern "C" fn spdk_thread_get_count() -> u32 {
    th::count()
}

/// \return the calling OS thread's current thread, or NULL.
#[no_mangle]
pub extern "C" fn spdk_get_thread() -> *mut spdk_thread {
    th::current().cast()
}

/// \return the thread's name ("" for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_get_name(thread: *const spdk_thread) -> *const c_char {
    thread_ref(thread, "spdk_thread_get_name").map_or(c"".as_ptr(), |t| t.name().as_ptr())
}

/// \return the thread's id (from 1), 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_get_id(thread: *const spdk_thread) -> u64 {
    thread_ref(thread, "spdk_thread_get_id").map_or(0, |t| t.id())
}

/// \return the live thread with id `id`, or NULL.
#[no_mangle]
pub extern "C" fn spdk_thread_get_by_id(id: u64) -> *mut spdk_thread {
    th::by_id(id).cast()
}

/// Copies the current thread's busy and idle ticks to `stats`.
///
/// \return 0, or -EINVAL off an SPDK thread or for NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_get_stats(stats: *mut spdk_thread_stats) -> c_int {
    let t = th::current();
    if t.is_null() {
        spdk_log::errlog!("No thread allocated");
        return -libc::EINVAL;
    }
    if stats.is_null() {
        return -libc::EINVAL;
    }
    *stats = (*t).stats();
    0
}

/// \return the tick at which `thread` (NULL: the current one) last finished
/// a poll.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_get_last_tsc(thread: *mut spdk_thread) -> u64 {
    let t = if thread.is_null() {
        th::current()
    } else {
        t_of(thread)
    };
    if t.is_null() {
        return 0;
    }
    (*t).last_tsc()
}

/// Queues `fn(ctx)` to run on `thread`. May be called from any OS thread;
/// messages from one sender run in the order sent.
///
/// \return 0; -EINVAL for NULL arguments; -EIO when the thread has exited;
/// -ENOMEM when the message pool or the thread's ring is exhausted.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_send_msg(
    thread: *const spdk_thread,
    fn_: spdk_msg_fn,
    ctx: *mut c_void,
) -> c_int {
    let Some(t) = thread_ref(thread, "spdk_thread_send_msg") else {
        return -libc::EINVAL;
    };
    let Some(f) = fn_ else {
        spdk_log::errlog!("spdk_thread_send_msg: fn is NULL");
        return -libc::EINVAL;
    };
    match t.send_msg(f, ctx) {
        Ok(()) => 0,
        Err(e) => e,
    }
}

/// Makes `fn(NULL)` run first in the next poll of `thread`, without using
/// memory (safe from a signal handler). One may be pending at a time.
///
/// \return 0; -EBUSY when one is already pending; -EINVAL for NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_send_critical_msg(
    thread: *mut spdk_thread,
    fn_: spdk_msg_fn,
) -> c_int {
    let Some(t) = thread_ref(thread, "spdk_thread_send_critical_msg") else {
        return -libc::EINVAL;
    };
    let Some(f) = fn_ else {
        return -libc::EINVAL;
    };
    match t.send_critical_msg(f) {
        Ok(()) => 0,
        Err(e) => e,
    }
}

/// Runs `fn(ctx)` on every thread, one after the other, then `cpl(ctx)` on
/// the calling thread.
#[no_mangle]
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub extern "C" fn spdk_for_each_thread(fn_: spdk_msg_fn, ctx: *mut c_void, cpl: spdk_msg_fn) {
    let Some(f) = fn_ else {
        spdk_log::errlog!("spdk_for_each_thread: fn is NULL");
        if let Some(c) = cpl {
            // SAFETY: the caller's completion.
            unsafe { c(ctx) };
        }
        return;
    };
    th::for_each_thread(f, ctx, cpl);
}

/// \return the thread's trace owner id (0: tracing is not available).
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_get_trace_id(thread: *mut spdk_thread) -> u16 {
    let _ = thread;
    0
}

/// Registers `fn(fn_arg)` to run once on the current thread right after the
/// poller now running returns (up to 4 at a time).
#[no_mangle]
pub extern "C" fn spdk_thread_register_post_poller_handler(
    fn_: spdk_post_poller_fn,
    fn_arg: *mut c_void,
) {
    let t = th::current();
    if t.is_null() {
        spdk_log::errlog!("spdk_thread_register_post_poller_handler called from non-SPDK thread");
        return;
    }
    let Some(f) = fn_ else {
        return;
    };
    // SAFETY: current thread.
    unsafe { (*t).register_post_poller_handler(f, fn_arg) };
}

/// \return false: threads always run in poll mode.
#[no_mangle]
pub extern "C" fn spdk_interrupt_mode_is_enabled() -> bool {
    false
}

// ---- pollers ----

/// Registers `fn(arg)` on the current thread to run on every poll
/// (`period_microseconds` 0) or every `period_microseconds`.
///
/// \return the poller, or NULL off an SPDK thread, on an exited thread or
/// for a NULL `fn`.
#[no_mangle]
pub extern "C" fn spdk_poller_register(
    fn_: spdk_poller_fn,
    arg: *mut c_void,
    period_microseconds: u64,
) -> *mut spdk_poller {
    match fn_ {
        Some(f) => poller::register(f, arg, period_microseconds, None).cast(),
        None => {
            spdk_log::errlog!("spdk_poller_register: fn is NULL");
            ptr::null_mut()
        }
    }
}

/// Like spdk_poller_register(), with a name (NULL: named after `fn`).
#[no_mangle]
pub unsafe extern "C" fn spdk_poller_register_named(
    fn_: spdk_poller_fn,
    arg: *mut c_void,
    period_microseconds: u64,
    name: *const c_char,
) -> *mut spdk_poller {
    match fn_ {
        Some(f) => poller::register(f, arg, period_microseconds, opt_cstr(name)).cast(),
        None => {
            spdk_log::errlog!("spdk_poller_register_named: fn is NULL");
            ptr::null_mut()
        }
    }
}

/// Unregisters `*ppoller` (from its own thread) and sets `*ppoller` to
/// NULL. The poller does not run again; it is freed by a later poll, so a
/// poller may unregister itself. NULL and pointers to NULL are ignored.
#[no_mangle]
pub unsafe extern "C" fn spdk_poller_unregister(ppoller: *mut *mut spdk_poller) {
    if ppoller.is_null() {
        spdk_log::errlog!("spdk_poller_unregister: ppoller is NULL");
        return;
    }
    let p = *ppoller;
    if p.is_null() {
        return;
    }
    *ppoller = ptr::null_mut();
    poller::unregister(p.cast());
}

/// Stops running `poller` until spdk_poller_resume() (from its thread).
#[no_mangle]
pub unsafe extern "C" fn spdk_poller_pause(poller: *mut spdk_poller) {
    if poller.is_null() {
        spdk_log::errlog!("spdk_poller_pause: poller is NULL");
        return;
    }
    poller::pause(poller.cast());
}

/// Resumes a paused poller (from its thread).
#[no_mangle]
pub unsafe extern "C" fn spdk_poller_resume(poller: *mut spdk_poller) {
    if poller.is_null() {
        spdk_log::errlog!("spdk_poller_resume: poller is NULL");
        return;
    }
    poller::resume(poller.cast());
}

/// Registers the callback that would switch `poller` between interrupt and
/// poll mode. Threads here always poll, so it is recorded but not called.
#[no_mangle]
pub unsafe extern "C" fn spdk_poller_register_interrupt(
    poller: *mut spdk_poller,
    cb_fn: spdk_poller_set_interrupt_mode_cb,
    cb_arg: *mut c_void,
) {
    if poller.is_null() {
        spdk_log::errlog!("spdk_poller_register_interrupt: poller is NULL");
        return;
    }
    poller::register_interrupt(poller.cast(), cb_fn, cb_arg);
}

// ---- io devices and channels ----

/// Registers `io_device` (any unique pointer): each thread's channel for it
/// gets `ctx_size` bytes of context, set up by `create_cb` and torn down by
/// `destroy_cb` on that thread. Must be called from an SPDK thread. A
/// device registered twice is reported and ignored.
#[no_mangle]
pub unsafe extern "C" fn spdk_io_device_register(
    io_device: *mut c_void,
    create_cb: spdk_io_channel_create_cb,
    destroy_cb: spdk_io_channel_destroy_cb,
    ctx_size: u32,
    name: *const c_char,
) {
    let (Some(c), Some(d)) = (create_cb, destroy_cb) else {
        spdk_log::errlog!("spdk_io_device_register: create_cb and destroy_cb are required");
        return;
    };
    if io_device.is_null() {
        spdk_log::errlog!("spdk_io_device_register: io_device is NULL");
        return;
    }
    let _ = channel::register(io_device, c, d, ctx_size, opt_cstr(name));
}

/// Unregisters `io_device`: no new channel can be got; once every channel
/// is released, `unregister_cb(io_device)` (if not NULL) runs on the
/// calling thread. An unknown device is reported and ignored.
#[no_mangle]
pub extern "C" fn spdk_io_device_unregister(
    io_device: *mut c_void,
    unregister_cb: spdk_io_device_unregister_cb,
) {
    let _ = channel::unregister(io_device, unregister_cb);
}

/// \return the current thread's channel for `io_device` (created on first
/// use, one more reference otherwise), or NULL when the device is unknown,
/// off an SPDK thread, or the create callback failed.
#[no_mangle]
pub extern "C" fn spdk_get_io_channel(io_device: *mut c_void) -> *mut spdk_io_channel {
    channel::get(io_device).cast()
}

/// Releases a reference to `ch` (on its thread). The last one destroys the
/// channel from a message, after the caller returns. Releasing a channel
/// not held by the current thread is reported and ignored.
#[no_mangle]
pub unsafe extern "C" fn spdk_put_io_channel(ch: *mut spdk_io_channel) {
    if ch.is_null() {
        spdk_log::errlog!("spdk_put_io_channel: ch is NULL");
        return;
    }
    let _ = channel::put(ch.cast());
}

/// Takes one more reference to `ch` (on its thread).
///
/// \return `ch`, or NULL when it is not a live channel of the current thread.
#[no_mangle]
pub unsafe extern "C" fn spdk_io_channel_ref(ch: *mut spdk_io_channel) -> *mut spdk_io_channel {
    if ch.is_null() {
        return ptr::null_mut();
    }
    channel::add_ref(ch.cast()).cast()
}

/// \return the channel whose context is `ctx`.
#[no_mangle]
pub extern "C" fn spdk_io_channel_from_ctx(ctx: *mut c_void) -> *mut spdk_io_channel {
    if ctx.is_null() {
        return ptr::null_mut();
    }
    IoChannel::from_ctx(ctx).cast()
}

/// \return the thread that owns `ch`.
#[no_mangle]
pub unsafe extern "C" fn spdk_io_channel_get_thread(ch: *mut spdk_io_channel) -> *mut spdk_thread {
    match ch.cast::<IoChannel>().as_ref() {
        Some(c) => c.thread().cast(),
        None => ptr::null_mut(),
    }
}

/// \return the io_device pointer `ch` belongs to.
#[no_mangle]
pub unsafe extern "C" fn spdk_io_channel_get_io_device(ch: *mut spdk_io_channel) -> *mut c_void {
    match ch.cast::<IoChannel>().as_ref() {
        Some(c) => c.io_device(),
        None => ptr::null_mut(),
    }
}

/// Calls `fn(i)` on each thread that has a channel for `io_device`, in
/// turn; each call must end with spdk_for_each_channel_continue(). Then
/// `cpl(i, status)` runs on the calling thread.
#[no_mangle]
pub extern "C" fn spdk_for_each_channel(
    io_device: *mut c_void,
    fn_: spdk_channel_msg,
    ctx: *mut c_void,
    cpl: spdk_channel_for_each_cpl,
) {
    let Some(f) = fn_ else {
        spdk_log::errlog!("spdk_for_each_channel: fn is NULL");
        return;
    };
    // SAFETY: same ABI; the iterator type is opaque to C.
    let f: channel::ChannelMsg = unsafe { std::mem::transmute::<_, channel::ChannelMsg>(f) };
    let cpl: Option<channel::ChannelCpl> =
        cpl.map(|c| unsafe { std::mem::transmute::<_, channel::ChannelCpl>(c) });
    channel::for_each_channel(io_device, f, ctx, cpl);
}

/// \return the io_device of the iteration.
#[no_mangle]
pub unsafe extern "C" fn spdk_io_channel_iter_get_io_device(
    i: *mut spdk_io_channel_iter,
) -> *mut c_void {
    i.cast::<IoChannelIter>()
        .as_ref()
        .map_or(ptr::null_mut(), |i| i.io_device())
}

/// \return the channel of the thread being visited (NULL in the completion).
#[no_mangle]
pub unsafe extern "C" fn spdk_io_channel_iter_get_channel(
    i: *mut spdk_io_channel_iter,
) -> *mut spdk_io_channel {
    i.cast::<IoChannelIter>()
        .as_ref()
        .map_or(ptr::null_mut(), |i| i.channel().cast())
}

/// \return the context given to spdk_for_each_channel().
#[no_mangle]
pub unsafe extern "C" fn spdk_io_channel_iter_get_ctx(i: *mut spdk_io_channel_iter) -> *mut c_void {
    i.cast::<IoChannelIter>()
        .as_ref()
        .map_or(ptr::null_mut(), |i| i.ctx())
}

/// Ends the current step of spdk_for_each_channel(): `status` 0 moves on to
/// the next thread, anything else stops the iteration with that status.
#[no_mangle]
pub unsafe extern "C" fn spdk_for_each_channel_continue(
    i: *mut spdk_io_channel_iter,
    status: c_int,
) {
    if i.is_null() {
        spdk_log::errlog!("spdk_for_each_channel_continue: iterator is NULL");
        return;
    }
    channel::for_each_continue(i.cast(), status);
}
