//! Pollers: functions a thread calls on every poll (period 0, "active") or
//! every `period` microseconds ("timed", kept in a heap by next run tick).
//! Unregistering and pausing only change the state; the poll loop moves or
//! frees the poller when it reaches it, so a poller may unregister or pause
//! itself or another one from inside its function.

use std::ffi::{c_int, c_void, CStr, CString};
use std::ptr;

use crate::thread::{current, Thread, ThreadState, TimerEntry, MAX_NAME_LEN};

/// A poller function: > 0 busy, 0 idle, < 0 error.
pub type PollerFn = unsafe extern "C" fn(*mut c_void) -> c_int;
/// The interrupt-mode switch callback of spdk_poller_register_interrupt.
pub type SetIntrFn = unsafe extern "C" fn(*mut crate::ffi::thread::spdk_poller, *mut c_void, bool);

/// Where a poller is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PollerState {
    /// Registered, not running.
    Waiting,
    /// Its function is running.
    Running,
    /// Unregistered; freed by the next poll that reaches it.
    Unregistered,
    /// Being paused; moved to the paused list by the next poll.
    Pausing,
    /// Paused.
    Paused,
}

impl PollerState {
    /// SPDK's name of the state (spdk_poller_get_state_str).
    pub fn as_cstr(self) -> &'static CStr {
        match self {
            PollerState::Waiting => c"waiting",
            PollerState::Running => c"running",
            PollerState::Unregistered => c"unregistered",
            PollerState::Pausing => c"pausing",
            PollerState::Paused => c"paused",
        }
    }
}

/// `struct spdk_poller`.
pub struct Poller {
    pub(crate) state: PollerState,
    pub(crate) period_ticks: u64,
    pub(crate) next_run_tick: u64,
    pub(crate) run_count: u64,
    pub(crate) busy_count: u64,
    pub(crate) id: u64,
    f: PollerFn,
    arg: *mut c_void,
    pub(crate) thread: *mut Thread,
    pub(crate) name: CString,
    pub(crate) set_intr: Option<(SetIntrFn, *mut c_void)>,
}

impl Poller {
    pub(crate) fn name_str(&self) -> std::borrow::Cow<'_, str> {
        self.name.to_string_lossy()
    }

    /// The poller's name.
    pub fn name(&self) -> &CStr {
        &self.name
    }

    /// The poller's id (unique within its thread).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Its state.
    pub fn state(&self) -> PollerState {
        self.state
    }

    /// Period in ticks (0 for an active poller).
    pub fn period_ticks(&self) -> u64 {
        self.period_ticks
    }

    /// (runs, runs that reported busy).
    pub fn counts(&self) -> (u64, u64) {
        (self.run_count, self.busy_count)
    }

    /// The thread it runs on.
    pub fn thread(&self) -> *mut Thread {
        self.thread
    }
}

/// Microseconds to ticks, without overflowing for long periods.
pub fn us_to_ticks(us: u64) -> u64 {
    if us == 0 {
        return 0;
    }
    let hz = spdk_env::ticks_hz();
    let q = us / 1_000_000;
    let r = us % 1_000_000;
    hz.wrapping_mul(q) + ((hz as u128 * r as u128) / 1_000_000) as u64
}

unsafe fn insert_timer(t: *mut Thread, p: *mut Poller, now: u64) {
    let l = (*t).local();
    (*p).next_run_tick = now + (*p).period_ticks;
    let seq = (*l).timer_seq;
    (*l).timer_seq += 1;
    (*l).timers.push(TimerEntry {
        tick: (*p).next_run_tick,
        seq,
        poller: p,
    });
}

unsafe fn insert(t: *mut Thread, p: *mut Poller) {
    if (*p).period_ticks > 0 {
        insert_timer(t, p, spdk_env::ticks());
    } else {
        (*(*t).local()).active.push(p);
    }
}

/// Registers a poller on the current thread (spdk_poller_register_named).
pub fn register(f: PollerFn, arg: *mut c_void, period_us: u64, name: Option<&CStr>) -> *mut Poller {
    let t = current();
    if t.is_null() {
        spdk_log::errlog!("spdk_poller_register called from a non-SPDK thread");
        return ptr::null_mut();
    }
    // SAFETY: the current thread is live and owned by the caller.
    unsafe {
        if (*t).state() == ThreadState::Exited {
            spdk_log::errlog!("thread {} is marked as exited", (*t).name_str());
            return ptr::null_mut();
        }
        let name = match name {
            Some(n) => {
                let b = n.to_bytes();
                CString::new(&b[..b.len().min(MAX_NAME_LEN)]).unwrap_or_default()
            }
            None => CString::new(format!("{:p}", f as *const c_void)).unwrap_or_default(),
        };
        let l = (*t).local();
        if (*l).next_poller_id == 0 {
            spdk_log::warnlog!("Poller ID rolled over. Poller ID is duplicated.");
            (*l).next_poller_id = 1;
        }
        let id = (*l).next_poller_id;
        (*l).next_poller_id = id.wrapping_add(1);
        let p = Box::into_raw(Box::new(Poller {
            state: PollerState::Waiting,
            period_ticks: us_to_ticks(period_us),
            next_run_tick: 0,
            run_count: 0,
            busy_count: 0,
            id,
            f,
            arg,
            thread: t,
            name,
            set_intr: None,
        }));
        insert(t, p);
        p
    }
}

unsafe fn check_owner(func: &str, p: *mut Poller) -> Option<*mut Thread> {
    let t = current();
    if t.is_null() {
        spdk_log::errlog!(
            "{}({}) called from a non-SPDK thread",
            func,
            (*p).name_str()
        );
        return None;
    }
    if (*p).thread != t {
        let pt = (*p).thread;
        spdk_log::errlog!(
            "{}({}) called from wrong thread {}:{} (should be {}:{})",
            func,
            (*p).name_str(),
            (*t).name_str(),
            (*t).id(),
            (*pt).name_str(),
            (*pt).id()
        );
        return None;
    }
    Some(t)
}

/// Marks a poller unregistered; the thread frees it on its next poll.
///
/// # Safety
/// `p` is a live poller.
pub unsafe fn unregister(p: *mut Poller) {
    let Some(t) = check_owner("spdk_poller_unregister", p) else {
        return;
    };
    if (*p).state == PollerState::Paused {
        let l = (*t).local();
        if let Some(i) = (*l).paused.iter().position(|x| *x == p) {
            (*l).paused.remove(i);
        }
        (*l).active.push(p);
        (*p).period_ticks = 0;
    }
    (*p).state = PollerState::Unregistered;
}

/// Pauses a poller (it stops running from the next poll on).
///
/// # Safety
/// `p` is a live poller.
pub unsafe fn pause(p: *mut Poller) {
    if check_owner("spdk_poller_pause", p).is_none() {
        return;
    }
    match (*p).state {
        PollerState::Running | PollerState::Waiting => (*p).state = PollerState::Pausing,
        _ => {}
    }
}

/// Resumes a paused poller.
///
/// # Safety
/// `p` is a live poller.
pub unsafe fn resume(p: *mut Poller) {
    let Some(t) = check_owner("spdk_poller_resume", p) else {
        return;
    };
    match (*p).state {
        PollerState::Paused => {
            let l = (*t).local();
            if let Some(i) = (*l).paused.iter().position(|x| *x == p) {
                (*l).paused.remove(i);
            }
            insert(t, p);
            (*p).state = PollerState::Waiting;
        }
        PollerState::Pausing => (*p).state = PollerState::Waiting,
        _ => {}
    }
}

/// Records the interrupt-mode callback (never called: threads always poll).
///
/// # Safety
/// `p` is a live poller.
pub unsafe fn register_interrupt(p: *mut Poller, cb: Option<SetIntrFn>, arg: *mut c_void) {
    if check_owner("spdk_poller_register_interrupt", p).is_none() {
        return;
    }
    (*p).set_intr = cb.map(|c| (c, arg));
}

unsafe fn run(t: *mut Thread, p: *mut Poller) -> i32 {
    (*p).state = PollerState::Running;
    let rc = ((*p).f)((*p).arg);
    if (*(*t).local()).lock_count != 0 {
        spdk_log::errlog!(
            "unrecoverable spinlock error 7: Lock(s) held while SPDK thread going off CPU"
        );
        std::process::abort();
    }
    (*p).run_count += 1;
    if rc > 0 {
        (*p).busy_count += 1;
    }
    rc
}

unsafe fn remove_active_at(t: *mut Thread, p: *mut Poller, idx: usize) {
    let l = (*t).local();
    let active = &mut (*l).active;
    if active.get(idx) == Some(&p) {
        active.remove(idx);
    } else if let Some(i) = active.iter().position(|x| *x == p) {
        active.remove(i);
    }
}

/// Runs (or retires) the active poller at index `idx`.
pub(crate) unsafe fn execute_active(t: *mut Thread, p: *mut Poller, idx: usize) -> i32 {
    match (*p).state {
        PollerState::Unregistered => {
            remove_active_at(t, p, idx);
            drop(Box::from_raw(p));
            return 0;
        }
        PollerState::Pausing => {
            remove_active_at(t, p, idx);
            (*(*t).local()).paused.push(p);
            (*p).state = PollerState::Paused;
            return 0;
        }
        PollerState::Waiting => {}
        _ => return 0,
    }
    let rc = run(t, p);
    match (*p).state {
        PollerState::Unregistered => {
            remove_active_at(t, p, idx);
            drop(Box::from_raw(p));
        }
        PollerState::Pausing => {
            remove_active_at(t, p, idx);
            (*(*t).local()).paused.push(p);
            (*p).state = PollerState::Paused;
        }
        PollerState::Running => (*p).state = PollerState::Waiting,
        _ => {}
    }
    rc
}

/// Runs (or retires) a timed poller just taken off the heap.
pub(crate) unsafe fn execute_timed(t: *mut Thread, p: *mut Poller, now: u64) -> i32 {
    match (*p).state {
        PollerState::Unregistered => {
            drop(Box::from_raw(p));
            return 0;
        }
        PollerState::Pausing => {
            (*(*t).local()).paused.push(p);
            (*p).state = PollerState::Paused;
            return 0;
        }
        PollerState::Waiting => {}
        _ => return 0,
    }
    let rc = run(t, p);
    match (*p).state {
        PollerState::Unregistered => drop(Box::from_raw(p)),
        PollerState::Pausing => {
            (*(*t).local()).paused.push(p);
            (*p).state = PollerState::Paused;
        }
        PollerState::Paused => {}
        PollerState::Running | PollerState::Waiting => {
            (*p).state = PollerState::Waiting;
            insert_timer(t, p, now);
        }
    }
    rc
}

/// Active pollers of `t` in list order.
///
/// # Safety
/// Owner thread of `t`, or a quiescent one.
pub unsafe fn active_pollers(t: *mut Thread) -> Vec<*mut Poller> {
    (*(*t).local()).active.clone()
}

/// Timed pollers of `t` by next run tick.
///
/// # Safety
/// As [`active_pollers`].
pub unsafe fn timed_pollers(t: *mut Thread) -> Vec<*mut Poller> {
    let l = (*t).local();
    let mut v: Vec<&TimerEntry> = (*l).timers.iter().collect();
    v.sort_by_key(|e| (e.tick, e.seq));
    v.into_iter().map(|e| e.poller).collect()
}

/// Paused pollers of `t`.
///
/// # Safety
/// As [`active_pollers`].
pub unsafe fn paused_pollers(t: *mut Thread) -> Vec<*mut Poller> {
    (*(*t).local()).paused.clone()
}

/// The poller after `prev` in `list`, or null.
pub(crate) fn next_in(list: &[*mut Poller], prev: *mut Poller) -> *mut Poller {
    list.iter()
        .position(|x| *x == prev)
        .and_then(|i| list.get(i + 1).copied())
        .unwrap_or(ptr::null_mut())
}
