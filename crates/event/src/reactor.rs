//! Reactors: one OS thread per core of the application, pinned to it,
//! polling the SPDK threads scheduled there and running the events sent to
//! its core. An idle reactor naps briefly instead of spinning.

use ::spdk_thread as sth;
use std::ffi::{c_int, c_void};
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use spdk_env::mempool::{Mempool, MEMPOOL_DEFAULT_CACHE_SIZE};
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
/// The reactor of each core, for lock-free lookups on the event path. Each
/// entry holds one reference of its Arc from init to fini.
static BY_CORE: [AtomicPtr<Reactor>; MAX_CORES] =
    [const { AtomicPtr::new(ptr::null_mut()) }; MAX_CORES];
const MAX_CORES: usize = 1024;
/// Preallocated events, as SPDK's event mempool.
static EVENTS: AtomicPtr<Mempool> = AtomicPtr::new(ptr::null_mut());
/// Events available to all reactors together (SPDK's default is 262143).
const EVENT_POOL_SIZE: usize = 65535;
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// Whether reactors log their context switches (spdk_framework_enable_
/// context_switch_monitor; on by default, as in SPDK).
pub static CONTEXT_SWITCH_MONITOR: AtomicBool = AtomicBool::new(true);

spdk_log::log_flag!(pub static LOG_REACTOR = "reactor");

/// The context switch monitor of one reactor: once a second, the OS
/// thread's context switch counts, logged when they changed.
struct SwitchMonitor {
    period: u64,
    last_tsc: u64,
    voluntary: i64,
    involuntary: i64,
}

impl SwitchMonitor {
    fn new(now: u64) -> Self {
        SwitchMonitor {
            period: spdk_env::ticks_hz(),
            last_tsc: now,
            voluntary: 0,
            involuntary: 0,
        }
    }

    fn tick(&mut self, lcore: u32, now: u64) {
        if now.saturating_sub(self.last_tsc) <= self.period
            || !CONTEXT_SWITCH_MONITOR.load(Ordering::Relaxed)
        {
            return;
        }
        self.last_tsc = now;
        // SAFETY: getrusage fills the struct it is given.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut ru) } != 0 {
            return;
        }
        if ru.ru_nvcsw != self.voluntary || ru.ru_nivcsw != self.involuntary {
            spdk_log::infolog!(
                LOG_REACTOR,
                "Reactor {}: {} voluntary context switches and {} involuntary context switches in the last second.",
                lcore,
                ru.ru_nvcsw - self.voluntary,
                ru.ru_nivcsw - self.involuntary
            );
        }
        self.voluntary = ru.ru_nvcsw;
        self.involuntary = ru.ru_nivcsw;
    }
}

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

/// The reactor of `lcore` without a lock or a reference count: valid until
/// fini, which is after every reactor stopped.
fn reactor_of(lcore: u32) -> Option<&'static Reactor> {
    let p = BY_CORE.get(lcore as usize)?.load(Ordering::Acquire);
    // SAFETY: the table holds a reference until fini.
    unsafe { p.as_ref() }
}

/// Takes an event from the pool and fills it in; None when `lcore` has no
/// reactor or the pool is empty.
pub fn allocate(
    lcore: u32,
    f: unsafe extern "C" fn(*mut c_void, *mut c_void),
    arg1: *mut c_void,
    arg2: *mut c_void,
) -> Option<NonNull<Event>> {
    reactor_of(lcore)?;
    let p = event_pool()?.get()?.cast::<Event>();
    // SAFETY: a free pool element, sized and aligned for an Event.
    unsafe {
        p.as_ptr().write(Event {
            lcore,
            f,
            arg1,
            arg2,
        })
    };
    Some(p)
}

/// The event pool: valid from init to fini, like the reactors.
fn event_pool() -> Option<&'static Mempool> {
    // SAFETY: set at init from a leaked pinned box, freed at fini.
    unsafe { EVENTS.load(Ordering::Acquire).as_ref() }
}

fn free_event(p: NonNull<Event>) {
    if let Some(pool) = event_pool() {
        pool.put(p.cast());
    }
}

/// What the framework keeps in each thread's context (SPDK's
/// spdk_lw_thread): only the reactor running the thread touches it.
#[repr(C)]
pub struct LwThread {
    /// spdk_thread_set_cpumask asked for a move to a core of the new mask.
    resched: bool,
    /// Tick the thread was handed to its current reactor (read by
    /// framework_get_reactors from the app thread).
    pub tsc_start: AtomicU64,
}

/// The framework's part of a thread's context.
pub fn lw_thread(t: ThreadHandle) -> *mut LwThread {
    t.ctx().cast()
}

unsafe extern "C" fn thread_op(thread: *mut spdk_thread, op: spdk_thread_op) -> c_int {
    match op {
        spdk_thread_op::SPDK_THREAD_OP_NEW => schedule(thread),
        spdk_thread_op::SPDK_THREAD_OP_RESCHED => {
            // Called on the thread itself, so on the reactor running it:
            // that reactor moves it after this poll.
            let Some(lw) = ThreadHandle::from_raw(thread)
                .map(lw_thread)
                .filter(|p| !p.is_null())
            else {
                return -libc::EINVAL;
            };
            (*lw).resched = true;
            0
        }
    }
}

unsafe extern "C" fn thread_op_supported(op: spdk_thread_op) -> bool {
    matches!(
        op,
        spdk_thread_op::SPDK_THREAD_OP_NEW | spdk_thread_op::SPDK_THREAD_OP_RESCHED
    )
}

fn cpuset_has(mask: *const spdk_cpuset, cpu: u32) -> bool {
    // SAFETY: a thread's cpumask, valid while the thread lives.
    unsafe { spdk_util::ffi::cpuset::spdk_cpuset_get_cpu(mask, cpu) }
}

/// Hands a new or rescheduled thread to a reactor of its cpumask, round
/// robin (any reactor when the mask names none of the application's).
unsafe fn schedule(thread: *mut spdk_thread) -> c_int {
    let Some(h) = ThreadHandle::from_raw(thread) else {
        return -libc::EINVAL;
    };
    let lw = lw_thread(h);
    if !lw.is_null() {
        lw.write(LwThread {
            resched: false,
            tsc_start: AtomicU64::new(spdk_env::ticks()),
        });
    }
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
    let pool = Mempool::new(
        "evtpool",
        EVENT_POOL_SIZE,
        std::mem::size_of::<Event>(),
        MEMPOOL_DEFAULT_CACHE_SIZE,
        -1,
    )
    .map_err(|_| -libc::ENOMEM)?;
    // SAFETY: the pool stays where it is until fini re-boxes it.
    let raw = Box::into_raw(unsafe { Pin::into_inner_unchecked(pool) });
    EVENTS.store(raw, Ordering::Release);
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
    for r in &list {
        if let Some(slot) = BY_CORE.get(r.lcore as usize) {
            slot.store(Arc::into_raw(r.clone()) as *mut Reactor, Ordering::Release);
        }
    }
    *REACTORS.write().unwrap_or_else(|e| e.into_inner()) = list;
    let rc = sth::ffi::thread::spdk_thread_lib_init_ext(
        Some(thread_op),
        Some(thread_op_supported),
        std::mem::size_of::<LwThread>(),
        msg_mempool_size,
    );
    if rc != 0 {
        release_reactors();
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
    release_reactors();
    STATE.store(STATE_UNINIT, Ordering::Release);
}

fn release_reactors() {
    for slot in BY_CORE.iter() {
        let p = slot.swap(ptr::null_mut(), Ordering::AcqRel);
        if !p.is_null() {
            // SAFETY: the reference stored at init.
            drop(unsafe { Arc::from_raw(p) });
        }
    }
    REACTORS.write().unwrap_or_else(|e| e.into_inner()).clear();
    let pool = EVENTS.swap(ptr::null_mut(), Ordering::AcqRel);
    if !pool.is_null() {
        // SAFETY: the box leaked at init.
        drop(unsafe { Box::from_raw(pool) });
    }
}

/// Posts an event from `allocate` to its reactor.
pub fn post(ev: NonNull<Event>) {
    // SAFETY: a filled-in event from allocate().
    let lcore = unsafe { ev.as_ref().lcore };
    let Some(r) = reactor_of(lcore) else {
        spdk_log::errlog!("no reactor on core {lcore}");
        free_event(ev);
        return;
    };
    if r.events.enqueue(ev.as_ptr() as usize).is_err() {
        spdk_log::errlog!("event ring of core {lcore} is full");
        free_event(ev);
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
    crate::rpcs::record_cpu_time_baseline();
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
        let Some(p) = NonNull::new(*p as *mut Event) else {
            continue;
        };
        // SAFETY: an event from allocate(), queued once; copied out so its
        // element can go back to the pool before the function runs.
        let ev = unsafe { p.as_ptr().read() };
        free_event(p);
        // SAFETY: the caller's event function.
        unsafe { (ev.f)(ev.arg1, ev.arg2) };
    }
    n
}

fn take_incoming(r: &Reactor, threads: &mut Vec<ThreadHandle>) {
    if r.has_incoming.load(Ordering::Relaxed) && r.has_incoming.swap(false, Ordering::AcqRel) {
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
    let mut busy_total = r.busy_tsc.load(Ordering::Relaxed);
    let mut idle_total = r.idle_tsc.load(Ordering::Relaxed);
    let mut switches = SwitchMonitor::new(last);
    loop {
        let mut busy = run_events(r) > 0;
        take_incoming(r, &mut threads);
        let now = spdk_env::ticks();
        let mut leaving = false;
        for t in &threads {
            if t.poll(0, now) > 0 {
                busy = true;
            }
            if t.state() == ThreadState::Exited || wants_move(*t) {
                leaving = true;
            }
        }
        if leaving {
            threads.retain(|t| {
                if t.state() == ThreadState::Exited {
                    // SAFETY: exited and no longer polled.
                    let _ = unsafe { t.destroy() };
                    false
                } else if wants_move(*t) {
                    // SAFETY: a live thread this reactor stops polling.
                    unsafe { schedule(t.as_raw()) };
                    false
                } else {
                    true
                }
            });
            *r.threads.lock().unwrap_or_else(|e| e.into_inner()) = threads.clone();
        }
        let end = spdk_env::ticks();
        if busy {
            // Only this reactor writes its counters: a plain store of a
            // running total, no locked read-modify-write per iteration.
            busy_total += end - last;
            r.busy_tsc.store(busy_total, Ordering::Relaxed);
            idle_spins = 0;
        } else {
            idle_total += end - last;
            r.idle_tsc.store(idle_total, Ordering::Relaxed);
            idle_spins = idle_spins.saturating_add(1);
        }
        last = end;
        switches.tick(r.lcore, end);
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
        // A thread another reactor moved here just before it stopped is
        // still ours to finish.
        if threads.is_empty()
            && r.incoming
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .is_empty()
        {
            break;
        }
        std::thread::yield_now();
    }
    // Events still queued target a reactor that is gone: give them back.
    let mut buf = [0usize; 32];
    loop {
        let n = r.events.dequeue_burst(&mut buf);
        if n == 0 {
            break;
        }
        for p in &buf[..n] {
            if let Some(p) = NonNull::new(*p as *mut Event) {
                free_event(p);
            }
        }
    }
    r.threads.lock().unwrap_or_else(|e| e.into_inner()).clear();
}

/// Whether `t` asked to move (spdk_thread_set_cpumask) and may: not while
/// bound to its core, and not once the reactors stop.
fn wants_move(t: ThreadHandle) -> bool {
    let lw = lw_thread(t);
    // SAFETY: the context of a thread this reactor runs.
    !lw.is_null()
        && unsafe { (*lw).resched }
        && !t.is_bound()
        && STATE.load(Ordering::Acquire) == STATE_RUNNING
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
