//! SPDK threads driving the bdev library for a test.

use std::ffi::{c_int, CStr};
use std::ptr;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

use ::spdk_bdev::core;
use ::spdk_thread::ffi::thread::*;

pub struct Env {
    pub t: *mut spdk_thread,
    /// More SPDK threads, polled with `t`.
    pub others: Vec<*mut spdk_thread>,
}

static INIT_RC: AtomicI64 = AtomicI64::new(i64::MIN);
static FINI: AtomicUsize = AtomicUsize::new(0);

unsafe fn init_done(rc: c_int) {
    INIT_RC.store(rc as i64, Ordering::SeqCst);
}
unsafe fn fini_done(_rc: c_int) {
    FINI.store(1, Ordering::SeqCst);
}

/// Starts the thread library, one SPDK thread and the bdev library with
/// the built-in modules plus those `register` adds.
pub fn setup(register: fn()) -> Env {
    start(c"vbdev_test", &|| {
        ::spdk_bdev::register_builtin_modules();
        register();
    })
}

/// As [`setup`] on a thread called `name`, with only the modules
/// `register` adds.
pub fn start(name: &CStr, register: &dyn Fn()) -> Env {
    // SAFETY: the test's own thread library and thread.
    let t = unsafe {
        assert_eq!(spdk_thread_lib_init(None, 0), 0);
        let t = spdk_thread_create(name.as_ptr(), ptr::null());
        assert!(!t.is_null());
        spdk_set_thread(t);
        register();
        core::initialize(init_done);
        t
    };
    let env = Env {
        t,
        others: Vec::new(),
    };
    env.poll_until(|| INIT_RC.load(Ordering::SeqCst) != i64::MIN);
    assert_eq!(INIT_RC.load(Ordering::SeqCst), 0);
    env
}

impl Env {
    pub fn poll(&self) {
        for _ in 0..4 {
            for t in std::iter::once(&self.t).chain(&self.others) {
                // SAFETY: the test's own threads.
                unsafe { spdk_thread_poll(*t, 0, 0) };
            }
        }
    }

    /// Another SPDK thread, polled with the first.
    pub fn add_thread(&mut self, name: &CStr) -> *mut spdk_thread {
        // SAFETY: a new thread owned by the test.
        let t = unsafe { spdk_thread_create(name.as_ptr(), ptr::null()) };
        assert!(!t.is_null());
        self.others.push(t);
        t
    }

    /// Runs `f` as SPDK thread `t`, then comes back to the first thread.
    pub fn on<R>(&self, t: *mut spdk_thread, f: impl FnOnce() -> R) -> R {
        spdk_set_thread(t);
        let r = f();
        spdk_set_thread(self.t);
        r
    }

    /// Polls until `f` holds (panics after 5 s).
    pub fn poll_until(&self, f: impl Fn() -> bool) {
        let start = std::time::Instant::now();
        while !f() {
            assert!(start.elapsed().as_secs() < 5, "timed out");
            self.poll();
        }
    }

    /// Finishes the bdev library (the bdevs left are unregistered).
    pub fn finish(self) {
        // SAFETY: the library started by setup/start, on its thread.
        unsafe { core::finish(fini_done) };
        self.poll_until(|| FINI.load(Ordering::SeqCst) == 1);
        spdk_set_thread(ptr::null_mut());
    }
}
