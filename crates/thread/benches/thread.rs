//! Thread library benchmarks (plain timing):
//! - message ping-pong between two threads, each polled by its own OS
//!   thread pinned to a different CPU;
//! - one spdk_thread_poll with a single idle active poller;
//! - spdk_get_io_channel + spdk_put_io_channel on an existing channel.

use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::time::Instant;

use spdk_thread::ffi::thread::{
    spdk_get_io_channel, spdk_io_device_register, spdk_io_device_unregister, spdk_poller_register,
    spdk_poller_unregister, spdk_put_io_channel, spdk_thread_lib_init,
};
use spdk_thread::{ThreadHandle, ThreadState};

const ROUND_TRIPS: u64 = 1_000_000;

static PONG: AtomicU64 = AtomicU64::new(0);
static STOP: AtomicBool = AtomicBool::new(false);
static mut PEER_A: Option<ThreadHandle> = None;
static mut PEER_B: Option<ThreadHandle> = None;

unsafe extern "C" fn on_b(_: *mut c_void) {
    let a = ptr::addr_of!(PEER_A).read().unwrap();
    a.send_msg(on_a, ptr::null_mut()).unwrap();
}

unsafe extern "C" fn on_a(_: *mut c_void) {
    let n = PONG.fetch_add(1, Relaxed) + 1;
    if n < ROUND_TRIPS {
        let b = ptr::addr_of!(PEER_B).read().unwrap();
        b.send_msg(on_b, ptr::null_mut()).unwrap();
    }
}

fn pin_to(i: usize) {
    let cpus: Vec<usize> = spdk_env::cores::allowed_cpus().into_iter().collect();
    if cpus.len() > 1 {
        let _ = spdk_env::cores::pin(&[cpus[i % cpus.len()]]);
    }
}

fn ping_pong() {
    let a = ThreadHandle::create(Some(c"bench_a"), None).unwrap();
    let b = ThreadHandle::create(Some(c"bench_b"), None).unwrap();
    unsafe {
        PEER_A = Some(a);
        PEER_B = Some(b);
    }
    STOP.store(false, Release);
    let poller_b = std::thread::spawn(move || {
        pin_to(1);
        b.set_current();
        while !STOP.load(Acquire) {
            b.poll(0, 0);
        }
    });
    pin_to(0);
    a.set_current();
    let start = Instant::now();
    b.send_msg(on_b, ptr::null_mut()).unwrap();
    while PONG.load(Relaxed) < ROUND_TRIPS {
        a.poll(0, 0);
    }
    let secs = start.elapsed().as_secs_f64();
    STOP.store(true, Release);
    poller_b.join().unwrap();
    println!(
        "thread msg ping-pong: {:.2} M round trips/s ({:.0} ns per round trip)",
        ROUND_TRIPS as f64 / secs / 1e6,
        secs * 1e9 / ROUND_TRIPS as f64
    );
    for t in [a, b] {
        t.set_current();
        t.exit();
        while t.state() != ThreadState::Exited {
            t.poll(0, 0);
        }
        unsafe { t.destroy() }.unwrap();
    }
}

unsafe extern "C" fn idle(_: *mut c_void) -> c_int {
    0
}

fn empty_poller() {
    let t = ThreadHandle::create(Some(c"bench_poll"), None).unwrap();
    t.set_current();
    let mut p = spdk_poller_register(Some(idle), ptr::null_mut(), 0);
    let n = 10_000_000u64;
    let start = Instant::now();
    for _ in 0..n {
        t.poll(0, 0);
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "thread poll, one idle active poller: {:.1} ns per spdk_thread_poll ({:.1} M polls/s)",
        secs * 1e9 / n as f64,
        n as f64 / secs / 1e6
    );
    unsafe { spdk_poller_unregister(&mut p) };
    t.exit();
    while t.state() != ThreadState::Exited {
        t.poll(0, 0);
    }
    unsafe { t.destroy() }.unwrap();
}

unsafe extern "C" fn ch_create(_: *mut c_void, _: *mut c_void) -> c_int {
    0
}
unsafe extern "C" fn ch_destroy(_: *mut c_void, _: *mut c_void) {}

fn get_put() {
    static DEV: u8 = 0;
    let dev = ptr::addr_of!(DEV) as *mut c_void;
    let t = ThreadHandle::create(Some(c"bench_ch"), None).unwrap();
    t.set_current();
    unsafe {
        spdk_io_device_register(
            dev,
            Some(ch_create),
            Some(ch_destroy),
            64,
            c"bench".as_ptr(),
        )
    };
    let held = spdk_get_io_channel(dev);
    let n = 10_000_000u64;
    let start = Instant::now();
    for _ in 0..n {
        let ch = spdk_get_io_channel(dev);
        unsafe { spdk_put_io_channel(std::hint::black_box(ch)) };
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "io_channel get+put (existing channel): {:.1} ns per pair",
        secs * 1e9 / n as f64
    );
    unsafe { spdk_put_io_channel(held) };
    spdk_io_device_unregister(dev, None);
    t.exit();
    while t.state() != ThreadState::Exited {
        t.poll(0, 0);
    }
    unsafe { t.destroy() }.unwrap();
}

fn main() {
    assert_eq!(spdk_thread_lib_init(None, 0), 0);
    // The first thread is the app thread; keep it out of the measurements.
    let _app = ThreadHandle::create(Some(c"app"), None).unwrap();
    ping_pong();
    empty_poller();
    get_put();
}
