//! SPDK's thread library (include/spdk/thread.h): lightweight threads with
//! message rings, pollers, io_devices with per-thread channels, iobuf
//! buffer pools and spinlocks, with SPDK's semantics.
//!
//! Programs drive threads with `spdk_thread_poll`; the event library's
//! reactors use the safe API below ([`ThreadHandle`] and the functions of
//! this module).

use std::ffi::{c_void, CStr};
use std::ptr::NonNull;

pub mod channel;
pub mod poller;
pub mod thread;

#[allow(non_camel_case_types, clippy::missing_safety_doc)]
pub mod ffi {
    pub mod thread;
}

pub use ffi::thread::{spdk_thread, spdk_thread_op, spdk_thread_stats};
pub use thread::{MsgFn, NewThreadFn, Thread, ThreadOpFn, ThreadOpSupportedFn, ThreadState};

/// A handle to a live `spdk_thread`, for frameworks (reactors) that run
/// threads. Copyable and sendable: it is a pointer; the thread must not be
/// destroyed while handles are used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ThreadHandle(NonNull<Thread>);

// SAFETY: the cross-thread operations (send_msg, state, id, name) are
// thread-safe; the owner-only ones are documented as such, as in SPDK.
unsafe impl Send for ThreadHandle {}
// SAFETY: as above.
unsafe impl Sync for ThreadHandle {}

impl ThreadHandle {
    /// Creates a thread (spdk_thread_create); None on failure.
    pub fn create(
        name: Option<&CStr>,
        cpumask: Option<&spdk_util::ffi::cpuset::spdk_cpuset>,
    ) -> Option<Self> {
        Thread::create(name, cpumask).map(ThreadHandle)
    }

    /// Wraps a C `struct spdk_thread *` (None for NULL).
    pub fn from_raw(p: *mut spdk_thread) -> Option<Self> {
        NonNull::new(p.cast::<Thread>()).map(ThreadHandle)
    }

    /// The C pointer.
    pub fn as_raw(self) -> *mut spdk_thread {
        self.0.as_ptr().cast()
    }

    fn t(&self) -> &Thread {
        // SAFETY: a handle refers to a live thread (type contract).
        unsafe { self.0.as_ref() }
    }

    /// The calling OS thread's current thread.
    pub fn current() -> Option<Self> {
        NonNull::new(thread::current()).map(ThreadHandle)
    }

    /// Makes this the calling OS thread's current thread.
    pub fn set_current(self) {
        thread::set_current(self.0.as_ptr());
    }

    /// Polls once on the calling OS thread (spdk_thread_poll); 1 busy, 0 idle.
    /// Only one OS thread may poll a thread at a time.
    pub fn poll(self, max_msgs: u32, now: u64) -> i32 {
        self.t().poll(max_msgs, now)
    }

    /// Queues `f(arg)` to run on the thread; from any OS thread.
    pub fn send_msg(self, f: MsgFn, arg: *mut c_void) -> Result<(), i32> {
        self.t().send_msg(f, arg)
    }

    /// Thread id (from 1).
    pub fn id(self) -> u64 {
        self.t().id()
    }

    /// Thread name.
    pub fn name(&self) -> &CStr {
        // SAFETY: as `t`.
        unsafe { self.0.as_ref() }.name()
    }

    /// Lifecycle state.
    pub fn state(self) -> ThreadState {
        self.t().state()
    }

    /// Starts the exit (spdk_thread_exit); call on the owning OS thread.
    pub fn exit(self) {
        self.t().exit()
    }

    /// Frees an exited thread (spdk_thread_destroy).
    ///
    /// # Safety
    /// No handle to the thread may be used afterwards.
    pub unsafe fn destroy(self) -> Result<(), i32> {
        thread::destroy(self.0.as_ptr())
    }

    /// No messages and no unpaused pollers.
    pub fn is_idle(self) -> bool {
        self.t().is_idle()
    }

    /// Has any poller (spdk_thread_has_pollers).
    pub fn has_pollers(self) -> bool {
        self.t().has_pollers()
    }

    /// Has active (period 0) pollers.
    pub fn has_active_pollers(self) -> bool {
        self.t().has_active_pollers()
    }

    /// Tick the next timed poller is due (0: none).
    pub fn next_poller_expiration(self) -> u64 {
        self.t().next_poller_expiration()
    }

    /// Busy/idle ticks.
    pub fn stats(self) -> spdk_thread_stats {
        self.t().stats()
    }

    /// End tick of the last poll.
    pub fn last_tsc(self) -> u64 {
        self.t().last_tsc()
    }

    /// The thread's cpumask (read by the scheduler).
    pub fn cpumask(self) -> *mut spdk_util::ffi::cpuset::spdk_cpuset {
        self.t().cpumask()
    }

    /// Whether the thread is bound to its core.
    pub fn is_bound(self) -> bool {
        self.t().is_bound()
    }

    /// The per-thread context reserved by lib_init (null when ctx_sz was 0).
    pub fn ctx(self) -> *mut c_void {
        self.t().ctx()
    }

    /// The thread owning context `ctx`.
    pub fn from_ctx(ctx: *mut c_void) -> Option<Self> {
        Self::from_raw(ffi::thread::spdk_thread_get_from_ctx(ctx))
    }
}

/// spdk_thread_lib_init_ext from Rust: the framework's operation hooks,
/// per-thread context size and message pool size.
pub fn lib_init_ext(
    op_fn: Option<ThreadOpFn>,
    op_supported_fn: Option<ThreadOpSupportedFn>,
    ctx_sz: usize,
    msg_mempool_size: usize,
) -> Result<(), i32> {
    thread::lib_init(None, op_fn, op_supported_fn, ctx_sz, msg_mempool_size)
}

/// spdk_thread_lib_fini.
pub fn lib_fini() {
    thread::lib_fini()
}

/// The live threads, in creation order (a snapshot).
pub fn threads() -> Vec<ThreadHandle> {
    thread::all().into_iter().map(ThreadHandle).collect()
}

/// The app thread (the first created).
pub fn app_thread() -> Option<ThreadHandle> {
    NonNull::new(thread::app_thread()).map(ThreadHandle)
}

/// Number of live threads.
pub fn thread_count() -> u32 {
    thread::count()
}

/// Default message pool size (SPDK_DEFAULT_MSG_MEMPOOL_SIZE).
pub const DEFAULT_MSG_MEMPOOL_SIZE: usize = thread::DEFAULT_MSG_MEMPOOL_SIZE;

#[cfg(test)]
mod tests;
