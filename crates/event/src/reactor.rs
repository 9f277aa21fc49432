//! Reactors: one OS thread per core of the application, pinned to it,
//! polling the SPDK threads scheduled there and running the events sent to
//! its core. An idle reactor naps briefly instead of spinning.

use ::spdk_thread as sth;
use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use spdk_env::ring::Ring;
use spdk_util::ffi::cpuset::spdk_cpuset;
use sth::ffi::thread::{spdk_thread, spdk_thread_get_cpumask, spdk_thread_op};
use sth::{ThreadHandle, ThreadState};

pub const STATE_UNINIT: u8 = 0;
pub const STATE_INITIALIZED: u8 = 1;
pub const STATE_RUNNING: u8 = 2;
pub const STATE_EXITING: u8 = 3;
pub const STATE_SHUTDOWN: u8 = 4;

static STATE: AtomicU8 = AtomicU8::new(STATE_UNINIT);
static REACTORS: RwLock<Vec<Arc<Reactor>>> = RwLock::new(Vec::new());
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// Idle iterations before a reactor starts napping.
const IDLE_SPINS: u32 = 2000;
/// Longest nap, in microseconds.
const MAX_NAP_US: u64 = 200;

/// An event: a function with two arguments run on a reactor.
pub struct Event {
    pub lcore: u32,
    pub f: unsafe extern "C" fn(*mut c_void, *mut c_void),
    pub arg1: *mut c_void,
    pub arg2: *mut c_void,
}

pub struct Reactor {
    pub lcore: u32,
    incoming: Mutex<Vec<ThreadHandle>>,
    has_incoming: AtomicBool,
    events: Ring<usize>,
    pub busy_tsc: AtomicU64,
    pub idle_tsc: AtomicU64,
    pub tid: AtomicU64,
    /// Names and ids of the threads it runs, for framework_get_reactors.
    pub threads: Mutex<Vec<ThreadHandle>>,
}

pub fn state() -> u8 {
    STATE.load(Ordering::Acquire)
}

pub fn reactors() -> Vec<Arc<Reactor>> {
    REACTORS.read().unwrap_or_else(|e| e.into_inner()).clone()
}

pub fn get(lcore: u32) -> Option<Arc<Reactor>> {
    reactors().into_iter().find(|r| r.lcore == lcore)
}

unsafe extern "C" fn thread_op(thread: *mut spdk_thread, op: spdk_thread_op) -> c_int {
    match op {
        spdk_thread_op::SPDK_THREAD_OP_NEW => schedule(thread),
        _ => -libc::ENOTSUP,
    }
}

unsafe extern "C" fn thread_op_supported(op: spdk_thread_op) -> bool {
    matches!(op, spdk_thread_op::SPDK_THREAD_OP_NEW)
}

fn cpuset_has(mask: *const spdk_cpuset, cpu: u32) -> bool {
    // SAFETY: a thread's cpumask, valid while the thread lives.
    unsafe { spdk_util::ffi::cpuset::spdk_cpuset_get_cpu(mask, cpu) }
}

/// Hands a new thread to a reactor of its cpumask, round robin.
unsafe fn schedule(thread: *mut spdk_thread) -> c_int {
    let Some(h) = ThreadHandle::from_raw(thread) else {
        return -libc::EINVAL;
    };
    let all = reactors();
    if all.is_empty() {
        return -libc::ENOTSUP;
    }
    let mask = spdk_thread_get_cpumask(thread);
    let mut fit: Vec<&Arc<Reactor>> = all
        .iter()
        .filter(|r| !mask.is_null() && cpuset_has(mask, r.lcore))
        .collect();
    if fit.is_empty() {
        fit = all.iter().collect();
    }
    let r = fit[NEXT.fetch_add(1, Ordering::Relaxed) % fit.len()];
    r.incoming.lock().unwrap_or_else(|e| e.into_inner()).push(h);
    r.has_incoming.store(true, Ordering::Release);
    0
}

/// Creates a reactor per core and hooks the thread library to them.
pub fn init(msg_mempool_size: usize) -> Result<(), c_int> {
    let mut list = Vec::new();
    for lcore in spdk_env::cores::ids() {
        let events = Ring::new(65536).map_err(|e| e.errno())?;
        list.push(Arc::new(Reactor {
            lcore,
            incoming: Mutex::new(Vec::new()),
            has_incoming: AtomicBool::new(false),
            events,
            busy_tsc: AtomicU64::new(0),
            idle_tsc: AtomicU64::new(0),
            tid: AtomicU64::new(0),
            threads: Mutex::new(Vec::new()),
        }));
    }
    *REACTORS.write().unwrap_or_else(|e| e.into_inner()) = list;
    let rc = sth::ffi::thread::spdk_thread_lib_init_ext(
        Some(thread_op),
        Some(thread_op_supported),
        0,
        msg_mempool_size,
    );
    if rc != 0 {
        REACTORS.write().unwrap_or_else(|e| e.into_inner()).clear();
        return Err(rc);
    }
    STATE.store(STATE_INITIALIZED, Ordering::Release);
    Ok(())
}

/// Tears down what init built (after the reactors stopped).
pub fn fini() {
    if STATE.load(Ordering::Acquire) == STATE_UNINIT {
        return;
    }
    sth::ffi::thread::spdk_thread_lib_fini();
    REACTORS.write().unwrap_or_else(|e| e.into_inner()).clear();
    STATE.store(STATE_UNINIT, Ordering::Release);
}

/// Posts an event to its reactor.
pub fn post(ev: Box<Event>) {
    let Some(r) = get(ev.lcore) else {
        spdk_log::errlog!("no reactor on core {}", ev.lcore);
        return;
    };
    let p = Box::into_raw(ev) as usize;
    if r.events.enqueue(p).is_err() {
        spdk_log::errlog!("event ring of core {} is full", r.lcore);
        // SAFETY: not queued, still ours.
        drop(unsafe { Box::from_raw(p as *mut Event) });
    }
}

unsafe extern "C" fn reactor_thread(arg: *mut c_void) -> i32 {
    let r = Arc::from_raw(arg as *const Reactor);
    run(&r);
    0
}

/// Runs every reactor; returns when they all stopped (spdk_app_stop).
pub fn start() {
    STATE.store(STATE_RUNNING, Ordering::Release);
    let main = spdk_env::cores::main_core();
    for r in reactors() {
        if r.lcore == main {
            continue;
        }
        let p = Arc::into_raw(r.clone()) as *mut c_void;
        if let Err(rc) = spdk_env::cores::launch_pinned(r.lcore, reactor_thread, p) {
            spdk_log::errlog!("Unable to start reactor thread on core {}: {rc}", r.lcore);
            // SAFETY: the reference handed over above, not taken.
            drop(unsafe { Arc::from_raw(p as *const Reactor) });
        }
    }
    if let Some(r) = get(main) {
        run(&r);
    }
    spdk_env::cores::wait_all();
    STATE.store(STATE_SHUTDOWN, Ordering::Release);
}

/// Asks every reactor to stop once its threads have exited.
pub fn stop() {
    STATE.store(STATE_EXITING, Ordering::Release);
}

fn run_events(r: &Reactor) -> usize {
    let mut buf = [0usize; 8];
    let n = r.events.dequeue_burst(&mut buf);
    for p in &buf[..n] {
        // SAFETY: boxed by spdk_event_allocate, queued once.
        let ev = unsafe { Box::from_raw(*p as *mut Event) };
        // SAFETY: the caller's event function.
        unsafe { (ev.f)(ev.arg1, ev.arg2) };
    }
    n
}

fn take_incoming(r: &Reactor, threads: &mut Vec<ThreadHandle>) {
    if r.has_incoming.swap(false, Ordering::AcqRel) {
        let mut inc = r.incoming.lock().unwrap_or_else(|e| e.into_inner());
        threads.append(&mut inc);
        *r.threads.lock().unwrap_or_else(|e| e.into_inner()) = threads.clone();
    }
}

fn run(r: &Reactor) {
    // SAFETY: gettid has no preconditions.
    r.tid
        .store(unsafe { libc::gettid() } as u64, Ordering::Relaxed);
    let mut threads: Vec<ThreadHandle> = Vec::new();
    let mut idle_spins = 0u32;
    let mut last = spdk_env::ticks();
    loop {
        let mut busy = run_events(r) > 0;
        take_incoming(r, &mut threads);
        let now = spdk_env::ticks();
        let mut exited = false;
        for t in &threads {
            if t.poll(0, now) > 0 {
                busy = true;
            }
            if t.state() == ThreadState::Exited {
                exited = true;
            }
        }
        if exited {
            threads.retain(|t| {
                if t.state() == ThreadState::Exited {
                    // SAFETY: exited and no longer polled.
                    let _ = unsafe { t.destroy() };
                    false
                } else {
                    true
                }
            });
            *r.threads.lock().unwrap_or_else(|e| e.into_inner()) = threads.clone();
        }
        let end = spdk_env::ticks();
        if busy {
            r.busy_tsc.fetch_add(end - last, Ordering::Relaxed);
            idle_spins = 0;
        } else {
            r.idle_tsc.fetch_add(end - last, Ordering::Relaxed);
            idle_spins = idle_spins.saturating_add(1);
        }
        last = end;
        if STATE.load(Ordering::Acquire) != STATE_RUNNING {
            break;
        }
        if idle_spins > IDLE_SPINS {
            nap(&threads, end);
        }
    }
    // Exit every thread and keep polling until they are gone.
    for t in &threads {
        t.exit();
    }
    loop {
        run_events(r);
        take_incoming(r, &mut threads);
        let now = spdk_env::ticks();
        for t in &threads {
            if t.state() == ThreadState::Running {
                t.exit();
            }
            t.poll(0, now);
        }
        threads.retain(|t| {
            if t.state() == ThreadState::Exited {
                // SAFETY: exited and no longer polled.
                let _ = unsafe { t.destroy() };
                false
            } else {
                true
            }
        });
        if threads.is_empty() {
            break;
        }
        std::thread::yield_now();
    }
    r.threads.lock().unwrap_or_else(|e| e.into_inner()).clear();
}

/// Sleeps until the next timed poller is due, at most MAX_NAP_US.
fn nap(threads: &[ThreadHandle], now: u64) {
    let hz = spdk_env::ticks_hz().max(1);
    let mut us = MAX_NAP_US;
    for t in threads {
        let next = t.next_poller_expiration();
        if next != 0 {
            let left = next.saturating_sub(now) * 1_000_000 / hz;
            us = us.min(left);
        }
    }
    if us > 0 {
        std::thread::sleep(Duration::from_micros(us));
    }
}
