//! Lightweight threads: message rings, pollers, the registry of threads and
//! the library's global state (spdk_thread_lib_init).
//!
//! A `Thread` is owned by whoever polls it: its `Local` part (pollers,
//! channels, statistics) is only touched by the OS thread currently running
//! `Thread::poll` for it, or that has it set as current. Other OS threads
//! only use the message ring, the critical-message slot and the state.
//! No `&mut Local` is held across a callback into user code, since callbacks
//! may re-enter (register pollers, get channels, send messages...).

use std::cell::{Cell, UnsafeCell};
use std::collections::{BTreeMap, BinaryHeap};
use std::ffi::{c_void, CStr, CString};
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release, SeqCst};
use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, AtomicU8, AtomicUsize};
use std::sync::{Mutex, MutexGuard};

use spdk_env::mempool::Mempool;
use spdk_env::ring::{Ring, RingType};
use spdk_util::ffi::cpuset::spdk_cpuset;

use crate::channel::IoChannel;
use crate::ffi::thread::{spdk_thread_op, spdk_thread_stats};
use crate::poller::{Poller, PollerState};

spdk_log::log_flag!(pub static LOG_THREAD = "thread");

/// Messages a thread takes from its ring per poll at most.
pub const MSG_BATCH_SIZE: usize = 8;
/// Slots of each thread's message ring.
pub const MSG_RING_SIZE: usize = 65536;
/// Default number of message objects (SPDK_DEFAULT_MSG_MEMPOOL_SIZE).
pub const DEFAULT_MSG_MEMPOOL_SIZE: usize = 262144 - 1;
/// Per-OS-thread cache of message objects.
pub const MSG_CACHE_SIZE: usize = 512;
/// How long an exiting thread may wait for its pollers and channels.
pub const THREAD_EXIT_TIMEOUT_SEC: u64 = 5;
/// Longest thread, poller and io_device name kept (bytes).
pub const MAX_NAME_LEN: usize = 256;
/// Post-poller handlers per thread.
pub const MAX_POST_POLLER_HANDLERS: usize = 4;

/// A function run by a message.
pub type MsgFn = unsafe extern "C" fn(*mut c_void);
/// The scheduler's operation hook (SPDK_THREAD_OP_NEW / _RESCHED).
pub type ThreadOpFn =
    unsafe extern "C" fn(*mut crate::ffi::thread::spdk_thread, spdk_thread_op) -> i32;
/// Tells whether the framework supports an operation.
pub type ThreadOpSupportedFn = unsafe extern "C" fn(spdk_thread_op) -> bool;
/// Legacy hook called for each new thread.
pub type NewThreadFn = unsafe extern "C" fn(*mut crate::ffi::thread::spdk_thread) -> i32;

/// Lifecycle of a thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum ThreadState {
    /// Polled normally.
    Running = 0,
    /// spdk_thread_exit was called; waiting for pollers and channels to go.
    Exiting = 1,
    /// Ready for destroy.
    Exited = 2,
}

/// A message object (lives in the message mempool).
#[repr(C)]
pub(crate) struct Msg {
    f: MsgFn,
    arg: *mut c_void,
}

#[derive(Clone, Copy)]
#[repr(transparent)]
pub(crate) struct MsgPtr(*mut Msg);
// SAFETY: a message is handed whole from the sender to the receiver.
unsafe impl Send for MsgPtr {}

/// An entry of the timer heap: earliest `tick` first, then insertion order.
pub(crate) struct TimerEntry {
    pub tick: u64,
    pub seq: u64,
    pub poller: *mut Poller,
}

impl PartialEq for TimerEntry {
    fn eq(&self, o: &Self) -> bool {
        self.tick == o.tick && self.seq == o.seq
    }
}
impl Eq for TimerEntry {}
impl PartialOrd for TimerEntry {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for TimerEntry {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        // Reversed: BinaryHeap is a max-heap.
        (o.tick, o.seq).cmp(&(self.tick, self.seq))
    }
}

/// What only the polling OS thread touches.
pub(crate) struct Local {
    pub tsc_last: u64,
    pub stats: spdk_thread_stats,
    pub active: Vec<*mut Poller>,
    pub timers: BinaryHeap<TimerEntry>,
    pub timer_seq: u64,
    pub paused: Vec<*mut Poller>,
    pub pp_handlers: [(Option<MsgFn>, *mut c_void); MAX_POST_POLLER_HANDLERS],
    pub num_pp_handlers: usize,
    pub next_poller_id: u64,
    pub pending_unregister_count: i32,
    pub for_each_count: u32,
    /// Channels by (io_device pointer, device record pointer).
    pub channels: BTreeMap<(usize, usize), *mut IoChannel>,
    pub exit_timeout_tsc: u64,
    pub lock_count: i32,
    pub is_bound: bool,
}

/// A lightweight thread (`struct spdk_thread`). The user context of
/// `ctx_sz` bytes follows it at [`CTX_OFFSET`].
#[repr(C, align(64))]
pub struct Thread {
    local: UnsafeCell<Local>,
    messages: Ring<MsgPtr>,
    critical_msg: AtomicUsize,
    state: AtomicU8,
    id: u64,
    name: CString,
    cpumask: UnsafeCell<spdk_cpuset>,
    ctx_sz: usize,
}

/// Offset of the user context from the start of a thread.
pub const CTX_OFFSET: usize = std::mem::size_of::<Thread>().next_multiple_of(64);
const THREAD_ALIGN: usize = if std::mem::align_of::<Thread>() > 64 {
    std::mem::align_of::<Thread>()
} else {
    64
};

// ---- global state ----

struct Globals {
    new_thread_fn: Option<NewThreadFn>,
    op_fn: Option<ThreadOpFn>,
    op_supported_fn: Option<ThreadOpSupportedFn>,
}

static GLOBALS: Mutex<Globals> = Mutex::new(Globals {
    new_thread_fn: None,
    op_fn: None,
    op_supported_fn: None,
});
static CTX_SZ: AtomicUsize = AtomicUsize::new(0);
static MSG_POOL: AtomicPtr<Mempool> = AtomicPtr::new(ptr::null_mut());
static APP_THREAD: AtomicPtr<Thread> = AtomicPtr::new(ptr::null_mut());
static THREAD_COUNT: AtomicU32 = AtomicU32::new(0);
static NEXT_THREAD_ID: AtomicU64 = AtomicU64::new(1);

#[derive(Clone, Copy)]
struct ThreadPtr(*mut Thread);
// SAFETY: the registry only holds addresses of live threads.
unsafe impl Send for ThreadPtr {}

/// Threads in creation order (SPDK's g_threads, under g_devlist_mutex).
static THREADS: Mutex<Vec<ThreadPtr>> = Mutex::new(Vec::new());

fn globals() -> MutexGuard<'static, Globals> {
    GLOBALS.lock().unwrap_or_else(|e| e.into_inner())
}

fn threads() -> MutexGuard<'static, Vec<ThreadPtr>> {
    THREADS.lock().unwrap_or_else(|e| e.into_inner())
}

thread_local! {
    static CURRENT: Cell<*mut Thread> = const { Cell::new(ptr::null_mut()) };
}

/// The thread set on the calling OS thread (spdk_get_thread), or null.
#[inline]
pub fn current() -> *mut Thread {
    CURRENT.try_with(|c| c.get()).unwrap_or(ptr::null_mut())
}

/// Sets the calling OS thread's current thread (spdk_set_thread).
#[inline]
pub fn set_current(t: *mut Thread) {
    let _ = CURRENT.try_with(|c| c.set(t));
}

fn msg_pool() -> Option<&'static Mempool> {
    // SAFETY: the pool lives from lib_init to lib_fini.
    unsafe { MSG_POOL.load(Acquire).as_ref() }
}

/// Whether spdk_thread_lib_init has run (and lib_fini has not).
pub fn lib_initialized() -> bool {
    !MSG_POOL.load(Acquire).is_null()
}

/// spdk_thread_lib_init_ext: records the operation hooks and creates the
/// message pool of `msg_mempool_size` objects.
pub fn lib_init(
    new_thread_fn: Option<NewThreadFn>,
    op_fn: Option<ThreadOpFn>,
    op_supported_fn: Option<ThreadOpSupportedFn>,
    ctx_sz: usize,
    msg_mempool_size: usize,
) -> Result<(), i32> {
    if op_fn.is_some() != op_supported_fn.is_some() {
        spdk_log::errlog!("Both must be defined or undefined together.");
        return Err(-libc::EINVAL);
    }
    if lib_initialized() {
        spdk_log::errlog!("thread library is already initialized");
        return Err(-libc::EALREADY);
    }
    if msg_mempool_size == 0 {
        spdk_log::errlog!("message pool size must not be 0");
        return Err(-libc::EINVAL);
    }
    let name = format!("msgpool_{}", std::process::id());
    let pool = match Mempool::new(
        name.as_bytes(),
        msg_mempool_size,
        std::mem::size_of::<Msg>(),
        MSG_CACHE_SIZE.min(msg_mempool_size / 2),
        -1,
    ) {
        Ok(p) => p,
        Err(_) => {
            spdk_log::errlog!("spdk_msg_mempool creation failed");
            return Err(-libc::ENOMEM);
        }
    };
    {
        let mut g = globals();
        g.new_thread_fn = new_thread_fn;
        g.op_fn = op_fn;
        g.op_supported_fn = op_supported_fn;
    }
    CTX_SZ.store(ctx_sz, Relaxed);
    // SAFETY: the pool is never moved out of its box; lib_fini rebuilds it.
    let raw = Box::into_raw(unsafe { Pin::into_inner_unchecked(pool) });
    MSG_POOL.store(raw, Release);
    spdk_log::debuglog!(
        LOG_THREAD,
        "spdk_msg_mempool was created with size: {}",
        msg_mempool_size
    );
    Ok(())
}

/// spdk_thread_lib_fini: frees the app thread and the message pool.
pub fn lib_fini() {
    crate::channel::report_leftover_devices();
    {
        let mut g = globals();
        g.new_thread_fn = None;
        g.op_fn = None;
        g.op_supported_fn = None;
    }
    CTX_SZ.store(0, Relaxed);
    let app = APP_THREAD.swap(ptr::null_mut(), SeqCst);
    if !app.is_null() {
        // SAFETY: the app thread is only freed here.
        unsafe { free_thread(app) };
    }
    let pool = MSG_POOL.swap(ptr::null_mut(), SeqCst);
    if !pool.is_null() {
        // SAFETY: from Box::into_raw in lib_init.
        drop(unsafe { Box::from_raw(pool) });
    }
}

/// Calls the framework's reschedule operation for `t`, if supported.
pub(crate) fn op_resched(t: *mut Thread) -> Result<(), i32> {
    let (op, sup) = {
        let g = globals();
        (g.op_fn, g.op_supported_fn)
    };
    match (op, sup) {
        // SAFETY: framework callbacks registered at init.
        (Some(op), Some(sup)) if unsafe { sup(spdk_thread_op::SPDK_THREAD_OP_RESCHED) } => {
            unsafe { op(t.cast(), spdk_thread_op::SPDK_THREAD_OP_RESCHED) };
            Ok(())
        }
        _ => Err(-libc::ENOTSUP),
    }
}

impl Thread {
    /// Creates a thread (spdk_thread_create). `cpumask` None means all CPUs.
    pub fn create(name: Option<&CStr>, cpumask: Option<&spdk_cpuset>) -> Option<NonNull<Thread>> {
        if !lib_initialized() {
            spdk_log::errlog!("spdk_thread_lib_init() must be called before creating threads");
            return None;
        }
        let ctx_sz = CTX_SZ.load(Relaxed);
        let layout = std::alloc::Layout::from_size_align(CTX_OFFSET + ctx_sz, THREAD_ALIGN).ok()?;
        // SAFETY: non-zero size.
        let mem = unsafe { std::alloc::alloc_zeroed(layout) } as *mut Thread;
        if mem.is_null() {
            spdk_log::errlog!("Unable to allocate memory for thread");
            return None;
        }
        // SAFETY: MP/SC: anyone sends, only the polling thread receives.
        let ring = match unsafe { Ring::with_type(RingType::MpSc, MSG_RING_SIZE) } {
            Ok(r) => r,
            Err(_) => {
                spdk_log::errlog!("Unable to allocate memory for message ring");
                unsafe { std::alloc::dealloc(mem.cast(), layout) };
                return None;
            }
        };
        let mut mask = spdk_cpuset {
            str: [0; 257],
            cpus: [0xff; 128],
        };
        if let Some(m) = cpumask {
            mask.cpus = m.cpus;
        }
        let id = {
            let list = threads();
            let id = NEXT_THREAD_ID.load(Relaxed);
            if id == 0 {
                drop(list);
                spdk_log::errlog!("Thread ID rolled over. Further thread creation is not allowed.");
                unsafe { std::alloc::dealloc(mem.cast(), layout) };
                return None;
            }
            NEXT_THREAD_ID.store(id.wrapping_add(1), Relaxed);
            id
        };
        let name = match name {
            Some(n) => {
                let b = n.to_bytes();
                CString::new(&b[..b.len().min(MAX_NAME_LEN)]).unwrap_or_default()
            }
            None => CString::new(format!("{:p}", mem)).unwrap_or_default(),
        };
        let now = spdk_env::ticks();
        // SAFETY: mem is a fresh allocation of the right layout.
        unsafe {
            ptr::write(
                mem,
                Thread {
                    local: UnsafeCell::new(Local {
                        tsc_last: now,
                        stats: spdk_thread_stats {
                            busy_tsc: 0,
                            idle_tsc: 0,
                        },
                        active: Vec::new(),
                        timers: BinaryHeap::new(),
                        timer_seq: 0,
                        paused: Vec::new(),
                        pp_handlers: [(None, ptr::null_mut()); MAX_POST_POLLER_HANDLERS],
                        num_pp_handlers: 0,
                        next_poller_id: 1,
                        pending_unregister_count: 0,
                        for_each_count: 0,
                        channels: BTreeMap::new(),
                        exit_timeout_tsc: 0,
                        lock_count: 0,
                        is_bound: false,
                    }),
                    messages: ring,
                    critical_msg: AtomicUsize::new(0),
                    state: AtomicU8::new(ThreadState::Running as u8),
                    id,
                    name,
                    cpumask: UnsafeCell::new(mask),
                    ctx_sz,
                },
            );
        }
        {
            let mut list = threads();
            list.push(ThreadPtr(mem));
            THREAD_COUNT.fetch_add(1, Relaxed);
        }
        spdk_log::debuglog!(LOG_THREAD, "Allocating new thread ({}, {})", id, unsafe {
            (*mem).name_str()
        });
        let (nt, op, sup) = {
            let g = globals();
            (g.new_thread_fn, g.op_fn, g.op_supported_fn)
        };
        let mut rc = 0;
        // SAFETY: framework callbacks registered at init, given a live thread.
        unsafe {
            if let Some(f) = nt {
                rc = f(mem.cast());
            } else if let (Some(op), Some(sup)) = (op, sup) {
                if sup(spdk_thread_op::SPDK_THREAD_OP_NEW) {
                    rc = op(mem.cast(), spdk_thread_op::SPDK_THREAD_OP_NEW);
                }
            }
        }
        if rc != 0 {
            // SAFETY: nobody else has the thread yet.
            unsafe { free_thread(mem) };
            return None;
        }
        let _ = APP_THREAD.compare_exchange(ptr::null_mut(), mem, SeqCst, SeqCst);
        NonNull::new(mem)
    }

    #[inline]
    pub(crate) fn local(&self) -> *mut Local {
        self.local.get()
    }

    /// The thread's id (from 1, never reused).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The thread's name.
    pub fn name(&self) -> &CStr {
        &self.name
    }

    pub(crate) fn name_str(&self) -> std::borrow::Cow<'_, str> {
        self.name.to_string_lossy()
    }

    /// The thread's state.
    pub fn state(&self) -> ThreadState {
        match self.state.load(Acquire) {
            0 => ThreadState::Running,
            1 => ThreadState::Exiting,
            _ => ThreadState::Exited,
        }
    }

    fn set_state(&self, s: ThreadState) {
        self.state.store(s as u8, Release);
    }

    /// The thread's CPU mask (owned by the thread; the scheduler reads it).
    pub fn cpumask(&self) -> *mut spdk_cpuset {
        self.cpumask.get()
    }

    /// The user context (null when the library was set up with ctx_sz 0).
    pub fn ctx(&self) -> *mut c_void {
        if self.ctx_sz == 0 {
            return ptr::null_mut();
        }
        // SAFETY: the context follows the thread in the same allocation.
        unsafe { (self as *const Thread as *mut u8).add(CTX_OFFSET).cast() }
    }

    /// Messages waiting in the ring.
    pub fn pending_messages(&self) -> usize {
        self.messages.count()
    }

    /// Queues `f(arg)` to run on this thread (spdk_thread_send_msg).
    /// Takes a preallocated message object: no lock, no allocation.
    pub fn send_msg(&self, f: MsgFn, arg: *mut c_void) -> Result<(), i32> {
        if self.state() == ThreadState::Exited {
            spdk_log::errlog!("Thread {} is marked as exited.", self.name_str());
            return Err(-libc::EIO);
        }
        let Some(pool) = msg_pool() else {
            spdk_log::errlog!("thread library is not initialized");
            return Err(-libc::EINVAL);
        };
        let Some(m) = pool.get() else {
            spdk_log::errlog!("msg could not be allocated");
            return Err(-libc::ENOMEM);
        };
        let m = m.as_ptr().cast::<Msg>();
        // SAFETY: a free pool element, big enough for a Msg.
        unsafe { ptr::write(m, Msg { f, arg }) };
        if self.messages.enqueue(MsgPtr(m)).is_err() {
            spdk_log::errlog!("msg could not be enqueued");
            // SAFETY: m came from the pool.
            pool.put(unsafe { NonNull::new_unchecked(m.cast()) });
            return Err(-libc::ENOMEM);
        }
        Ok(())
    }

    /// Sets the one critical message (spdk_thread_send_critical_msg); it
    /// runs with a NULL argument at the start of the next poll.
    pub fn send_critical_msg(&self, f: MsgFn) -> Result<(), i32> {
        match self
            .critical_msg
            .compare_exchange(0, f as usize, AcqRel, Acquire)
        {
            Ok(_) => Ok(()),
            Err(_) => {
                spdk_log::errlog!(
                    "thread {} already has a critical message pending",
                    self.name_str()
                );
                Err(-libc::EBUSY)
            }
        }
    }

    fn run_msg_batch(&self, max_msgs: u32) -> usize {
        let max = if max_msgs > 0 {
            (max_msgs as usize).min(MSG_BATCH_SIZE)
        } else {
            MSG_BATCH_SIZE
        };
        let mut batch = [MsgPtr(ptr::null_mut()); MSG_BATCH_SIZE];
        let n = self.messages.dequeue_burst(&mut batch[..max]);
        if n == 0 {
            return 0;
        }
        let pool = msg_pool();
        for m in &batch[..n] {
            // SAFETY: a message written by send_msg.
            let Msg { f, arg } = unsafe { ptr::read(m.0) };
            if let Some(pool) = pool {
                // SAFETY: from the pool.
                pool.put(unsafe { NonNull::new_unchecked(m.0.cast()) });
            }
            // SAFETY: the sender's function and argument, on this thread.
            unsafe { f(arg) };
            self.check_no_locks();
        }
        n
    }

    fn check_no_locks(&self) {
        // SAFETY: owner thread.
        let lc = unsafe { (*self.local()).lock_count };
        if lc != 0 {
            spdk_log::errlog!(
                "unrecoverable spinlock error 7: Lock(s) held while SPDK thread going off CPU (thread->lock_count == 0)"
            );
            std::process::abort();
        }
    }

    fn run_pp_handlers(&self) {
        let l = self.local();
        // SAFETY: owner thread; no borrow kept across the callbacks.
        unsafe {
            let count = (*l).num_pp_handlers;
            (*l).num_pp_handlers = MAX_POST_POLLER_HANDLERS;
            for i in 0..count {
                let (f, a) = (*l).pp_handlers[i];
                (*l).pp_handlers[i] = (None, ptr::null_mut());
                if let Some(f) = f {
                    f(a);
                }
            }
            (*l).num_pp_handlers = 0;
        }
    }

    /// Registers a handler run once after the current poller returns.
    pub fn register_post_poller_handler(&self, f: MsgFn, arg: *mut c_void) {
        let l = self.local();
        // SAFETY: owner thread.
        unsafe {
            if (*l).num_pp_handlers >= MAX_POST_POLLER_HANDLERS {
                spdk_log::errlog!("Too many handlers registered");
                return;
            }
            let n = (*l).num_pp_handlers;
            (*l).pp_handlers[n] = (Some(f), arg);
            (*l).num_pp_handlers += 1;
        }
    }

    fn poll_once(&self, max_msgs: u32, now: u64) -> i32 {
        let l = self.local();
        let me = self as *const Thread as *mut Thread;
        let mut rc = 0;
        // SAFETY: we are the polling thread; every access goes through the
        // raw pointer and no reference is held across a callback.
        unsafe {
            (*l).tsc_last = now;
            // Read before swapping: a swap on every poll would dirty the
            // line that senders read.
            let crit = if self.critical_msg.load(Relaxed) != 0 {
                self.critical_msg.swap(0, AcqRel)
            } else {
                0
            };
            if crit != 0 {
                let f: MsgFn = std::mem::transmute::<usize, MsgFn>(crit);
                f(ptr::null_mut());
                rc = 1;
            }
            if self.run_msg_batch(max_msgs) > 0 {
                rc = 1;
            }
            // Active pollers, newest first; pollers added meanwhile wait
            // for the next poll.
            let mut i = (*l).active.len();
            while i > 0 {
                i -= 1;
                if i >= (*l).active.len() {
                    continue;
                }
                let p = (&(*l).active)[i];
                let prc = crate::poller::execute_active(me, p, i);
                if prc > rc {
                    rc = prc;
                }
                if (*l).num_pp_handlers > 0 {
                    self.run_pp_handlers();
                }
            }
            // Timed pollers that are due, earliest first.
            let start_seq = (*l).timer_seq;
            while let Some(top) = (*l).timers.peek() {
                if now < top.tick || top.seq >= start_seq {
                    break;
                }
                let e = (*l).timers.pop().unwrap_or_else(|| std::process::abort());
                let trc = crate::poller::execute_timed(me, e.poller, now);
                if trc > rc {
                    rc = trc;
                }
            }
        }
        rc
    }

    /// Polls the thread once (spdk_thread_poll): the critical message, up to
    /// `max_msgs` messages (0: the batch size), every active poller and the
    /// timed pollers due at `now` (0: read the clock). Returns 1 when
    /// something did work, 0 when idle, negative when a poller said so.
    pub fn poll(&self, max_msgs: u32, now: u64) -> i32 {
        let me = self as *const Thread as *mut Thread;
        let orig = current();
        set_current(me);
        let now = if now == 0 { spdk_env::ticks() } else { now };
        let rc = self.poll_once(max_msgs, now);
        if self.state() == ThreadState::Exiting {
            self.try_exit(now);
        }
        let end = spdk_env::ticks();
        // SAFETY: owner thread.
        unsafe {
            let l = self.local();
            if rc == 0 {
                (*l).stats.idle_tsc += end.saturating_sub(now);
            } else if rc > 0 {
                (*l).stats.busy_tsc += end.saturating_sub(now);
            }
            (*l).tsc_last = end;
        }
        set_current(orig);
        rc
    }

    fn try_exit(&self, now: u64) {
        let l = self.local();
        // SAFETY: owner thread.
        unsafe {
            if now < (*l).exit_timeout_tsc {
                if self.messages.count() > 0 {
                    spdk_log::infolog!(LOG_THREAD, "thread {} still has messages", self.name_str());
                    return;
                }
                if (*l).for_each_count > 0 {
                    spdk_log::infolog!(
                        LOG_THREAD,
                        "thread {} is still executing {} for_each_channels/threads",
                        self.name_str(),
                        (*l).for_each_count
                    );
                    return;
                }
                let live = |p: &*mut Poller| (**p).state != PollerState::Unregistered;
                if let Some(p) = (*l).active.iter().find(|p| live(p)) {
                    spdk_log::infolog!(
                        LOG_THREAD,
                        "thread {} still has active poller {}",
                        self.name_str(),
                        (**p).name_str()
                    );
                    return;
                }
                if let Some(e) = (*l).timers.iter().find(|e| live(&e.poller)) {
                    spdk_log::infolog!(
                        LOG_THREAD,
                        "thread {} still has active timed poller {}",
                        self.name_str(),
                        (*e.poller).name_str()
                    );
                    return;
                }
                if let Some(p) = (*l).paused.first() {
                    spdk_log::infolog!(
                        LOG_THREAD,
                        "thread {} still has paused poller {}",
                        self.name_str(),
                        (**p).name_str()
                    );
                    return;
                }
                if let Some(ch) = (*l).channels.values().next() {
                    spdk_log::infolog!(
                        LOG_THREAD,
                        "thread {} still has channel for io_device {}",
                        self.name_str(),
                        (**ch).dev_name()
                    );
                    return;
                }
                if (*l).pending_unregister_count > 0 {
                    spdk_log::infolog!(
                        LOG_THREAD,
                        "thread {} is still unregistering io_devices",
                        self.name_str()
                    );
                    return;
                }
            } else {
                spdk_log::errlog!(
                    "thread {} got timeout, and move it to the exited state forcefully",
                    self.name_str()
                );
            }
        }
        self.set_state(ThreadState::Exited);
    }

    /// Starts exiting (spdk_thread_exit): the thread keeps being polled until
    /// its pollers are unregistered and channels released (or 5 s pass),
    /// then becomes exited.
    pub fn exit(&self) {
        if self.state() >= ThreadState::Exiting {
            spdk_log::infolog!(LOG_THREAD, "thread {} is already exiting", self.name_str());
            return;
        }
        spdk_log::debuglog!(LOG_THREAD, "Exit thread {}", self.name_str());
        // SAFETY: owner thread.
        unsafe {
            (*self.local()).exit_timeout_tsc =
                spdk_env::ticks() + spdk_env::ticks_hz() * THREAD_EXIT_TIMEOUT_SEC;
        }
        self.set_state(ThreadState::Exiting);
    }

    /// Whether the thread has (unpaused) pollers or pending messages.
    pub fn is_idle(&self) -> bool {
        // SAFETY: owner thread (or a quiescent one).
        unsafe {
            let l = self.local();
            self.messages.count() == 0
                && (*l).active.is_empty()
                && (*l).timers.is_empty()
                && self.critical_msg.load(Relaxed) == 0
        }
    }

    /// Whether any active (period 0) poller is registered.
    pub fn has_active_pollers(&self) -> bool {
        // SAFETY: owner thread.
        unsafe { !(*self.local()).active.is_empty() }
    }

    /// Whether any poller at all (active, timed or paused) is registered.
    pub fn has_pollers(&self) -> bool {
        // SAFETY: owner thread.
        unsafe {
            let l = self.local();
            !(*l).active.is_empty() || !(*l).timers.is_empty() || !(*l).paused.is_empty()
        }
    }

    /// Tick of the earliest timed poller, 0 when there is none.
    pub fn next_poller_expiration(&self) -> u64 {
        // SAFETY: owner thread.
        unsafe { (*self.local()).timers.peek().map_or(0, |e| e.tick) }
    }

    /// Busy and idle ticks so far.
    pub fn stats(&self) -> spdk_thread_stats {
        // SAFETY: owner thread.
        unsafe { (*self.local()).stats }
    }

    /// End tick of the last poll.
    pub fn last_tsc(&self) -> u64 {
        // SAFETY: a plain read; a stale value is acceptable as in SPDK.
        unsafe { (*self.local()).tsc_last }
    }

    /// Whether the thread is bound to its current core.
    pub fn is_bound(&self) -> bool {
        // SAFETY: plain flag.
        unsafe { (*self.local()).is_bound }
    }

    /// Binds or unbinds the thread to its current core (scheduler hint).
    pub fn bind(&self, bind: bool) {
        // SAFETY: plain flag.
        unsafe { (*self.local()).is_bound = bind };
    }

    pub(crate) fn lock_count_add(&self, d: i32) -> i32 {
        // SAFETY: owner thread.
        unsafe {
            let l = self.local();
            (*l).lock_count += d;
            (*l).lock_count
        }
    }
}

/// Frees a thread: pollers left are dropped with a warning, channels left are
/// reported, message objects still queued go back to the pool.
///
/// # Safety
/// `t` is a live thread no one uses any more.
pub(crate) unsafe fn free_thread(t: *mut Thread) {
    let l = (*t).local();
    for ch in (*l).channels.values() {
        spdk_log::errlog!(
            "thread {} still has channel for io_device {}",
            (*t).name_str(),
            (**ch).dev_name()
        );
    }
    for p in std::mem::take(&mut (*l).active) {
        if (*p).state != PollerState::Unregistered {
            spdk_log::warnlog!(
                "active_poller {} still registered at thread exit",
                (*p).name_str()
            );
        }
        drop(Box::from_raw(p));
    }
    for e in std::mem::take(&mut (*l).timers) {
        if (*e.poller).state != PollerState::Unregistered {
            spdk_log::warnlog!(
                "timed_poller {} still registered at thread exit",
                (*e.poller).name_str()
            );
        }
        drop(Box::from_raw(e.poller));
    }
    for p in std::mem::take(&mut (*l).paused) {
        spdk_log::warnlog!(
            "paused_poller {} still registered at thread exit",
            (*p).name_str()
        );
        drop(Box::from_raw(p));
    }
    {
        let mut list = threads();
        if let Some(i) = list.iter().position(|x| x.0 == t) {
            list.remove(i);
            THREAD_COUNT.fetch_sub(1, Relaxed);
        }
    }
    if current() == t {
        set_current(ptr::null_mut());
    }
    if let Some(pool) = msg_pool() {
        while let Some(m) = (*t).messages.dequeue() {
            pool.put(NonNull::new_unchecked(m.0.cast()));
        }
    }
    let ctx_sz = (*t).ctx_sz;
    ptr::drop_in_place(t);
    let layout = std::alloc::Layout::from_size_align_unchecked(CTX_OFFSET + ctx_sz, THREAD_ALIGN);
    std::alloc::dealloc(t.cast(), layout);
}

/// spdk_thread_destroy: frees an exited thread (the app thread is kept
/// until lib_fini, as in SPDK).
///
/// # Safety
/// `t` is a live thread that no one polls any more.
pub unsafe fn destroy(t: *mut Thread) -> Result<(), i32> {
    if (*t).state() != ThreadState::Exited {
        spdk_log::errlog!(
            "thread {} is not exited; call spdk_thread_exit and poll it first",
            (*t).name_str()
        );
        return Err(-libc::EBUSY);
    }
    spdk_log::debuglog!(LOG_THREAD, "Destroy thread {}", (*t).name_str());
    if current() == t {
        set_current(ptr::null_mut());
    }
    if t != APP_THREAD.load(SeqCst) {
        free_thread(t);
    }
    Ok(())
}

/// The first thread created (spdk_thread_get_app_thread).
pub fn app_thread() -> *mut Thread {
    APP_THREAD.load(SeqCst)
}

/// Number of threads alive.
pub fn count() -> u32 {
    THREAD_COUNT.load(Relaxed)
}

/// The thread of id `id`, or null.
pub fn by_id(id: u64) -> *mut Thread {
    if id == 0 || id >= NEXT_THREAD_ID.load(Relaxed) {
        spdk_log::errlog!("invalid thread id: {}.", id);
        return ptr::null_mut();
    }
    threads()
        .iter()
        // SAFETY: registered threads are alive.
        .find(|t| unsafe { (*t.0).id } == id)
        .map_or(ptr::null_mut(), |t| t.0)
}

/// A snapshot of the live threads, in creation order.
pub fn all() -> Vec<NonNull<Thread>> {
    threads().iter().filter_map(|t| NonNull::new(t.0)).collect()
}

/// Whether `t` is a registered, live thread.
pub fn is_registered(t: *const Thread) -> bool {
    threads().iter().any(|x| ptr::eq(x.0, t))
}

/// The thread after `t` in creation order that is running, or null.
pub(crate) fn next_running_after(t: *mut Thread) -> *mut Thread {
    let list = threads();
    let start = list
        .iter()
        .position(|x| x.0 == t)
        .map_or(list.len(), |i| i + 1);
    list[start..]
        .iter()
        // SAFETY: registered threads are alive.
        .find(|x| unsafe { (*x.0).state() } == ThreadState::Running)
        .map_or(ptr::null_mut(), |x| x.0)
}

/// The first running thread, or null.
pub(crate) fn first_thread() -> *mut Thread {
    threads()
        .iter()
        // SAFETY: registered threads are alive.
        .find(|x| unsafe { (*x.0).state() } == ThreadState::Running)
        .map_or(ptr::null_mut(), |x| x.0)
}

// ---- spdk_for_each_thread ----

struct CallThread {
    cur: *mut Thread,
    f: MsgFn,
    ctx: *mut c_void,
    orig: *mut Thread,
    cpl: Option<MsgFn>,
}

unsafe extern "C" fn back_to_orig(arg: *mut c_void) {
    let ct = Box::from_raw(arg.cast::<CallThread>());
    (*(*ct.orig).local()).for_each_count -= 1;
    if let Some(c) = ct.cpl {
        c(ct.ctx);
    }
}

unsafe extern "C" fn on_thread(arg: *mut c_void) {
    let ct = arg.cast::<CallThread>();
    ((*ct).f)((*ct).ctx);
    let next = next_running_after((*ct).cur);
    (*ct).cur = next;
    let target = if next.is_null() { (*ct).orig } else { next };
    let f: MsgFn = if next.is_null() {
        back_to_orig
    } else {
        on_thread
    };
    if (*target).send_msg(f, arg).is_err() {
        spdk_log::errlog!("for_each_thread: could not continue the iteration");
    }
}

/// spdk_for_each_thread: runs `f(ctx)` on every thread in turn, then
/// `cpl(ctx)` on the calling thread.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn for_each_thread(f: MsgFn, ctx: *mut c_void, cpl: Option<MsgFn>) {
    let orig = current();
    if orig.is_null() {
        spdk_log::errlog!("No thread allocated");
        if let Some(c) = cpl {
            // SAFETY: the caller's completion.
            unsafe { c(ctx) };
        }
        return;
    }
    let first = first_thread();
    if first.is_null() {
        if let Some(c) = cpl {
            // SAFETY: the caller's completion.
            unsafe { c(ctx) };
        }
        return;
    }
    let ct = Box::into_raw(Box::new(CallThread {
        cur: first,
        f,
        ctx,
        orig,
        cpl,
    }));
    // SAFETY: orig is the current thread; first is live.
    unsafe {
        (*(*orig).local()).for_each_count += 1;
        spdk_log::debuglog!(
            LOG_THREAD,
            "Starting thread iteration from {}",
            (*orig).name_str()
        );
        if (*first).send_msg(on_thread, ct.cast()).is_err() {
            (*(*orig).local()).for_each_count -= 1;
            let ct = Box::from_raw(ct);
            if let Some(c) = ct.cpl {
                c(ct.ctx);
            }
        }
    }
}
