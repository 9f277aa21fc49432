//! Semantics tests: message order, poller periods, pause/resume, channel
//! reference counting, unregister waiting for channels, for_each_channel
//! and for_each_thread across threads, exit and destroy.

use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Mutex, MutexGuard, Once};

use crate::channel;
use crate::ffi::thread::*;
use crate::thread::{self as th, ThreadState};
use crate::ThreadHandle;

static LOCK: Mutex<()> = Mutex::new(());
static INIT: Once = Once::new();

fn setup() -> MutexGuard<'static, ()> {
    let g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    INIT.call_once(|| {
        th::lib_init(None, None, None, 16, 4095).expect("lib init");
    });
    g
}

fn mk(name: &std::ffi::CStr) -> ThreadHandle {
    ThreadHandle::create(Some(name), None).expect("thread")
}

/// Exits, polls until exited and destroys.
fn finish(t: ThreadHandle) {
    t.set_current();
    t.exit();
    for _ in 0..1000 {
        t.poll(0, 0);
        if t.state() == ThreadState::Exited {
            break;
        }
    }
    assert_eq!(t.state(), ThreadState::Exited);
    unsafe { t.destroy() }.unwrap();
    th::set_current(ptr::null_mut());
}

unsafe extern "C" fn push_val(arg: *mut c_void) {
    let v = &mut *(arg as *mut (Vec<usize>, usize));
    v.0.push(v.1);
    v.1 += 1;
}

#[test]
fn messages_run_in_order_on_their_thread() {
    let _g = setup();
    let t = mk(c"msg");
    let mut state: (Vec<usize>, usize) = (Vec::new(), 0);
    for _ in 0..100 {
        t.send_msg(push_val, (&mut state as *mut (Vec<usize>, usize)).cast())
            .unwrap();
    }
    assert!(!t.is_idle());
    let mut polls = 0;
    while !t.is_idle() {
        assert!(t.poll(0, 0) >= 0);
        polls += 1;
    }
    // A batch is at most 8 messages.
    assert!(polls >= 100 / 8);
    assert_eq!(state.0, (0..100).collect::<Vec<_>>());
    // max_msgs bounds a poll.
    for _ in 0..5 {
        t.send_msg(push_val, (&mut state as *mut (Vec<usize>, usize)).cast())
            .unwrap();
    }
    assert_eq!(t.poll(2, 0), 1);
    assert_eq!(state.0.len(), 102);
    while !t.is_idle() {
        t.poll(0, 0);
    }
    assert_eq!(state.0.len(), 105);
    finish(t);
}

static ACTIVE_RUNS: AtomicU32 = AtomicU32::new(0);
static TIMED_RUNS: AtomicU32 = AtomicU32::new(0);

unsafe extern "C" fn active_poller(_: *mut c_void) -> c_int {
    ACTIVE_RUNS.fetch_add(1, Relaxed);
    0
}

unsafe extern "C" fn timed_poller(_: *mut c_void) -> c_int {
    TIMED_RUNS.fetch_add(1, Relaxed);
    1
}

#[test]
fn poller_periods_pause_resume_and_stats() {
    let _g = setup();
    let t = mk(c"pollers");
    t.set_current();
    ACTIVE_RUNS.store(0, Relaxed);
    TIMED_RUNS.store(0, Relaxed);
    let mut a = spdk_poller_register(Some(active_poller), ptr::null_mut(), 0);
    let start = spdk_env::ticks();
    let mut p = unsafe {
        spdk_poller_register_named(Some(timed_poller), ptr::null_mut(), 1000, c"tp".as_ptr())
    };
    assert!(!a.is_null() && !p.is_null());
    let ms = spdk_env::ticks_hz() / 1000;
    assert!(t.next_poller_expiration() >= start + ms);
    // Before the period: only the active poller runs; poll reports idle.
    assert_eq!(t.poll(0, start + 1), 0);
    assert_eq!(ACTIVE_RUNS.load(Relaxed), 1);
    assert_eq!(TIMED_RUNS.load(Relaxed), 0);
    // After one period the timed poller runs once, busy.
    let mut now = start + ms + ms / 2;
    assert_eq!(t.poll(0, now), 1);
    assert_eq!(TIMED_RUNS.load(Relaxed), 1);
    assert_eq!(t.poll(0, now), 0);
    assert_eq!(TIMED_RUNS.load(Relaxed), 1);
    now += ms;
    t.poll(0, now);
    assert_eq!(TIMED_RUNS.load(Relaxed), 2);
    assert_eq!(ACTIVE_RUNS.load(Relaxed), 4);
    // Introspection.
    unsafe {
        let th_raw = t.as_raw();
        assert_eq!(internal::spdk_thread_get_first_active_poller(th_raw), a);
        assert_eq!(internal::spdk_thread_get_first_timed_poller(th_raw), p);
        let mut st = internal::spdk_poller_stats::default();
        internal::spdk_poller_get_stats(p, &mut st);
        assert_eq!((st.run_count, st.busy_count), (2, 2));
        let name = std::ffi::CStr::from_ptr(internal::spdk_poller_get_name(p));
        assert_eq!(name.to_bytes(), b"tp");
    }
    // Pause: not run any more, listed as paused.
    unsafe { spdk_poller_pause(a) };
    t.poll(0, now);
    unsafe {
        assert_eq!(ACTIVE_RUNS.load(Relaxed), 4);
        assert_eq!(internal::spdk_thread_get_first_paused_poller(t.as_raw()), a);
        spdk_poller_resume(a);
    }
    t.poll(0, now);
    assert_eq!(ACTIVE_RUNS.load(Relaxed), 5);
    // Stats with the clock: an idle poll, then a busy one.
    t.poll(0, 0);
    t.send_msg(
        push_val,
        (&mut (Vec::new(), 0usize) as *mut (Vec<usize>, usize)).cast(),
    )
    .unwrap();
    assert_eq!(t.poll(0, 0), 1);
    let mut stats = spdk_thread_stats::default();
    assert_eq!(unsafe { spdk_thread_get_stats(&mut stats) }, 0);
    assert!(stats.busy_tsc > 0 && stats.idle_tsc > 0);
    unsafe {
        spdk_poller_unregister(&mut a);
        spdk_poller_unregister(&mut p);
    }
    assert!(a.is_null() && p.is_null());
    finish(t);
}

struct Dev {
    creates: u32,
    destroys: u32,
    unregistered: u32,
    visits: Vec<u64>,
    cpl_status: i32,
    cpl_calls: u32,
}

unsafe extern "C" fn dev_create(io_device: *mut c_void, ctx: *mut c_void) -> c_int {
    (*io_device.cast::<Dev>()).creates += 1;
    *ctx.cast::<u64>() = 0xabcd;
    0
}

unsafe extern "C" fn dev_destroy(io_device: *mut c_void, ctx: *mut c_void) {
    assert_eq!(*ctx.cast::<u64>(), 0xabcd);
    (*io_device.cast::<Dev>()).destroys += 1;
}

unsafe extern "C" fn dev_unregistered(io_device: *mut c_void) {
    (*io_device.cast::<Dev>()).unregistered += 1;
}

fn new_dev() -> Box<Dev> {
    Box::new(Dev {
        creates: 0,
        destroys: 0,
        unregistered: 0,
        visits: Vec::new(),
        cpl_status: 99,
        cpl_calls: 0,
    })
}

#[test]
fn channels_are_refcounted_and_unregister_waits() {
    let _g = setup();
    let t = mk(c"chan");
    t.set_current();
    let mut dev = new_dev();
    let d: *mut c_void = (&mut *dev as *mut Dev).cast();
    unsafe { spdk_io_device_register(d, Some(dev_create), Some(dev_destroy), 8, c"dev".as_ptr()) };
    let ch1 = spdk_get_io_channel(d);
    let ch2 = spdk_get_io_channel(d);
    assert!(!ch1.is_null());
    assert_eq!(ch1, ch2);
    assert_eq!(dev.creates, 1);
    unsafe {
        assert_eq!(internal::spdk_io_channel_get_ref_count(ch1), 2);
        assert_eq!(spdk_io_channel_get_thread(ch1), t.as_raw());
        assert_eq!(spdk_io_channel_get_io_device(ch1), d);
        let ctx = channel::IoChannel::ctx(ch1.cast());
        assert_eq!(spdk_io_channel_from_ctx(ctx), ch1);
        spdk_put_io_channel(ch1);
    }
    t.poll(0, 0);
    assert_eq!(dev.destroys, 0);
    // Last put: destroyed from a message, not at once.
    unsafe { spdk_put_io_channel(ch2) };
    assert_eq!(dev.destroys, 0);
    // A put/get pair before the message runs keeps the channel.
    let ch3 = spdk_get_io_channel(d);
    assert_eq!(ch3, ch1);
    t.poll(0, 0);
    assert_eq!(dev.destroys, 0);
    // Unregister with the channel held: callback only after release.
    spdk_io_device_unregister(d, Some(dev_unregistered));
    assert!(spdk_get_io_channel(d).is_null());
    t.poll(0, 0);
    assert_eq!(dev.unregistered, 0);
    unsafe { spdk_put_io_channel(ch3) };
    // Double put is refused.
    assert!(unsafe { channel::put(ch3.cast()) }.is_err());
    for _ in 0..4 {
        t.poll(0, 0);
    }
    assert_eq!(dev.destroys, 1);
    assert_eq!(dev.unregistered, 1);
    // Unknown device.
    assert!(channel::unregister(d, None).is_err());
    finish(t);
}

unsafe extern "C" fn visit(i: *mut spdk_io_channel_iter) {
    let dev = spdk_io_channel_iter_get_ctx(i).cast::<Dev>();
    let ch = spdk_io_channel_iter_get_channel(i);
    assert!(!ch.is_null());
    assert_eq!(spdk_io_channel_get_thread(ch), spdk_get_thread());
    (*dev).visits.push(spdk_thread_get_id(spdk_get_thread()));
    spdk_for_each_channel_continue(i, 0);
}

unsafe extern "C" fn visit_done(i: *mut spdk_io_channel_iter, status: c_int) {
    let dev = spdk_io_channel_iter_get_ctx(i).cast::<Dev>();
    assert!(spdk_io_channel_iter_get_channel(i).is_null());
    (*dev).cpl_status = status;
    (*dev).cpl_calls += 1;
}

#[test]
fn for_each_channel_visits_each_thread_then_completes() {
    let _g = setup();
    let ts: Vec<ThreadHandle> = [c"fe0", c"fe1", c"fe2"].iter().map(|n| mk(n)).collect();
    let mut dev = new_dev();
    let d: *mut c_void = (&mut *dev as *mut Dev).cast();
    ts[0].set_current();
    unsafe { spdk_io_device_register(d, Some(dev_create), Some(dev_destroy), 8, ptr::null()) };
    let mut chans = Vec::new();
    for t in &ts {
        t.set_current();
        chans.push(spdk_get_io_channel(d));
    }
    assert_eq!(dev.creates, 3);
    ts[1].set_current();
    spdk_for_each_channel(d, Some(visit), d, Some(visit_done));
    for _ in 0..10 {
        for t in &ts {
            t.poll(0, 0);
        }
    }
    assert_eq!(dev.cpl_calls, 1);
    assert_eq!(dev.cpl_status, 0);
    let mut ids: Vec<u64> = ts.iter().map(|t| t.id()).collect();
    ids.sort();
    assert_eq!(dev.visits, ids);
    // Unregister while an iteration runs: deferred until it completes.
    ts[0].set_current();
    spdk_for_each_channel(d, Some(visit), d, Some(visit_done));
    spdk_io_device_unregister(d, Some(dev_unregistered));
    for (t, ch) in ts.iter().zip(&chans) {
        t.set_current();
        unsafe { spdk_put_io_channel(*ch) };
    }
    for _ in 0..10 {
        for t in &ts {
            t.poll(0, 0);
        }
    }
    assert_eq!(dev.cpl_calls, 2);
    assert_eq!(dev.destroys, 3);
    assert_eq!(dev.unregistered, 1);
    for t in ts {
        finish(t);
    }
}

unsafe extern "C" fn count_thread(arg: *mut c_void) {
    let v = &mut *(arg as *mut (Vec<u64>, u32));
    v.0.push(spdk_thread_get_id(spdk_get_thread()));
}

unsafe extern "C" fn count_done(arg: *mut c_void) {
    let v = &mut *(arg as *mut (Vec<u64>, u32));
    v.1 += 1;
}

#[test]
fn for_each_thread_and_registry() {
    let _g = setup();
    let ts: Vec<ThreadHandle> = [c"ft0", c"ft1"].iter().map(|n| mk(n)).collect();
    let mut state: (Vec<u64>, u32) = (Vec::new(), 0);
    ts[0].set_current();
    spdk_for_each_thread(
        Some(count_thread),
        (&mut state as *mut (Vec<u64>, u32)).cast(),
        Some(count_done),
    );
    for _ in 0..10 {
        for t in crate::threads() {
            t.poll(0, 0);
        }
    }
    assert_eq!(state.1, 1);
    for t in &ts {
        assert!(state.0.contains(&t.id()));
        assert_eq!(
            ThreadHandle::from_raw(spdk_thread_get_by_id(t.id())),
            Some(*t)
        );
    }
    assert!(crate::thread_count() >= 2);
    assert!(spdk_thread_get_by_id(0).is_null());
    for t in ts {
        finish(t);
    }
}

unsafe extern "C" fn nop_poller(_: *mut c_void) -> c_int {
    0
}

#[test]
fn exit_waits_for_pollers_and_channels() {
    let _g = setup();
    let t = mk(c"exit");
    t.set_current();
    let ctx = t.ctx();
    assert!(!ctx.is_null());
    assert_eq!(ThreadHandle::from_ctx(ctx), Some(t));
    let mut p = spdk_poller_register(Some(nop_poller), ptr::null_mut(), 0);
    let mut dev = new_dev();
    let d: *mut c_void = (&mut *dev as *mut Dev).cast();
    unsafe { spdk_io_device_register(d, Some(dev_create), Some(dev_destroy), 8, ptr::null()) };
    let ch = spdk_get_io_channel(d);
    assert_eq!(unsafe { spdk_thread_exit(t.as_raw()) }, 0);
    assert_eq!(t.state(), ThreadState::Exiting);
    t.poll(0, 0);
    assert_eq!(t.state(), ThreadState::Exiting);
    // Destroy refuses a thread that is not exited.
    assert!(unsafe { th::destroy(t.as_raw().cast()) }.is_err());
    unsafe { spdk_poller_unregister(&mut p) };
    t.poll(0, 0);
    assert_eq!(t.state(), ThreadState::Exiting);
    unsafe { spdk_put_io_channel(ch) };
    spdk_io_device_unregister(d, None);
    t.poll(0, 0);
    t.poll(0, 0);
    assert_eq!(t.state(), ThreadState::Exited);
    assert_eq!(dev.destroys, 1);
    // An exited thread accepts no messages.
    assert!(t.send_msg(push_val, ptr::null_mut()).is_err());
    unsafe { t.destroy() }.unwrap();
    th::set_current(ptr::null_mut());
}

#[test]
fn bad_input_is_refused() {
    let _g = setup();
    unsafe {
        assert_eq!(
            spdk_thread_send_msg(ptr::null(), Some(push_val), ptr::null_mut()),
            -libc::EINVAL
        );
        assert_eq!(spdk_thread_poll(ptr::null_mut(), 0, 0), -libc::EINVAL);
        spdk_poller_unregister(ptr::null_mut());
        let mut none: *mut spdk_poller = ptr::null_mut();
        spdk_poller_unregister(&mut none);
    }
    th::set_current(ptr::null_mut());
    assert!(spdk_poller_register(Some(nop_poller), ptr::null_mut(), 0).is_null());
    assert!(spdk_get_io_channel(8 as *mut c_void).is_null());
}
