//! The thread library's hot paths allocate nothing: a counting global
//! allocator watches message sends and polls, poller iterations and
//! spdk_get_io_channel/spdk_put_io_channel on an existing channel, after a
//! warm-up that may allocate once (caches, the channel itself).

use ::spdk_thread::ffi::thread::*;
use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

#[global_allocator]
static GLOBAL: spdk_util::alloc_count::CountingAlloc = spdk_util::alloc_count::CountingAlloc;

static MSGS: AtomicUsize = AtomicUsize::new(0);
static POLLS: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn count_msg(_arg: *mut c_void) {
    MSGS.fetch_add(1, Ordering::Relaxed);
}

unsafe extern "C" fn idle_poller(_arg: *mut c_void) -> c_int {
    POLLS.fetch_add(1, Ordering::Relaxed);
    0
}

unsafe extern "C" fn create_cb(_dev: *mut c_void, _ctx: *mut c_void) -> c_int {
    0
}

unsafe extern "C" fn destroy_cb(_dev: *mut c_void, _ctx: *mut c_void) {}

static DEVICE: u8 = 0;

#[test]
fn messages_pollers_and_channels_do_not_allocate() {
    unsafe {
        assert_eq!(spdk_thread_lib_init(None, 0), 0);
        let t = spdk_thread_create(c"noalloc".as_ptr(), ptr::null());
        assert!(!t.is_null());
        spdk_set_thread(t);
        let mut poller = spdk_poller_register(Some(idle_poller), ptr::null_mut(), 0);
        assert!(!poller.is_null());
        let dev = &DEVICE as *const u8 as *mut c_void;
        spdk_io_device_register(
            dev,
            Some(create_cb),
            Some(destroy_cb),
            16,
            c"noalloc_dev".as_ptr(),
        );
        let held = spdk_get_io_channel(dev);
        assert!(!held.is_null());

        let run = |n: usize| {
            for _ in 0..n {
                assert_eq!(spdk_thread_send_msg(t, Some(count_msg), ptr::null_mut()), 0);
                let ch = spdk_get_io_channel(dev);
                spdk_put_io_channel(ch);
                spdk_thread_poll(t, 0, 0);
            }
        };
        run(1000);
        let allocs = spdk_util::alloc_count::count_allocations(|| run(100_000));
        assert_eq!(allocs, 0, "allocations on the hot path");
        assert!(MSGS.load(Ordering::Relaxed) >= 100_000);
        assert!(POLLS.load(Ordering::Relaxed) >= 100_000);

        spdk_put_io_channel(held);
        spdk_poller_unregister(&mut poller);
        spdk_io_device_unregister(dev, None);
        spdk_thread_exit(t);
        while !spdk_thread_is_exited(t) {
            spdk_thread_poll(t, 0, 0);
        }
        spdk_thread_destroy(t);
        spdk_set_thread(ptr::null_mut());
        spdk_thread_lib_fini();
    }
}
