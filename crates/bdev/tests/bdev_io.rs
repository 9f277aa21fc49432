//! The bdev layer end to end on one SPDK thread: library init with a small
//! bdev_io pool, a null bdev, open/close, channels, every I/O call, the
//! errors SPDK returns for bad input, -ENOMEM and spdk_bdev_queue_io_wait,
//! statistics, unregister with an open descriptor (remove event), fini.
//! A counting global allocator shows that steady-state I/O (submit,
//! complete, free) allocates nothing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::{c_int, c_void, CStr};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_bdev::{core, null};
use ::spdk_thread::ffi::thread::*;

struct Counting;
static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        System.dealloc(p, layout)
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        System.realloc(p, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

static INIT_RC: AtomicUsize = AtomicUsize::new(usize::MAX);
static FINI_DONE: AtomicBool = AtomicBool::new(false);
static DONE: AtomicUsize = AtomicUsize::new(0);
static OK: AtomicUsize = AtomicUsize::new(0);
static REMOVED: AtomicUsize = AtomicUsize::new(0);
static UNREG_RC: AtomicUsize = AtomicUsize::new(usize::MAX);
static WAKE: AtomicUsize = AtomicUsize::new(0);

unsafe fn init_done(rc: c_int) {
    INIT_RC.store(rc as usize, Ordering::SeqCst);
}
unsafe fn fini_done(_rc: c_int) {
    FINI_DONE.store(true, Ordering::SeqCst);
}

unsafe extern "C" fn io_done(io: *mut spdk_bdev_io, success: bool, _arg: *mut c_void) {
    DONE.fetch_add(1, Ordering::Relaxed);
    if success {
        OK.fetch_add(1, Ordering::Relaxed);
    }
    spdk_bdev_free_io(io);
}

static DESC_TO_CLOSE: std::sync::atomic::AtomicPtr<spdk_bdev_desc> =
    std::sync::atomic::AtomicPtr::new(ptr::null_mut());

unsafe extern "C" fn event_cb(t: spdk_bdev_event_type, _b: *mut spdk_bdev, _ctx: *mut c_void) {
    if t == spdk_bdev_event_type::SPDK_BDEV_EVENT_REMOVE {
        REMOVED.fetch_add(1, Ordering::SeqCst);
        let d = DESC_TO_CLOSE.swap(ptr::null_mut(), Ordering::SeqCst);
        if !d.is_null() {
            spdk_bdev_close(d);
        }
    }
}

unsafe extern "C" fn unreg_done(_arg: *mut c_void, rc: c_int) {
    UNREG_RC.store(rc as usize, Ordering::SeqCst);
}

unsafe extern "C" fn wake(_arg: *mut c_void) {
    WAKE.fetch_add(1, Ordering::SeqCst);
}

unsafe fn poll(t: *mut spdk_thread) {
    for _ in 0..4 {
        spdk_thread_poll(t, 0, 0);
    }
}

#[test]
fn null_bdev_io_end_to_end() {
    unsafe {
        assert_eq!(spdk_thread_lib_init(None, 0), 0);
        let t = spdk_thread_create(c"bdev_test".as_ptr(), ptr::null());
        assert!(!t.is_null());
        spdk_set_thread(t);

        // A small pool: 64 bdev_io, 16 cached per thread.
        let mut o: spdk_bdev_opts = std::mem::zeroed();
        spdk_bdev_get_opts(&mut o, std::mem::size_of::<spdk_bdev_opts>());
        assert_eq!({ o.bdev_io_pool_size }, 65535);
        assert_eq!({ o.bdev_io_cache_size }, 256);
        o.bdev_io_pool_size = 8;
        o.bdev_io_cache_size = 16;
        assert_eq!(
            spdk_bdev_set_opts(&mut o),
            -1,
            "pool smaller than the caches"
        );
        o.bdev_io_pool_size = 64;
        assert_eq!(spdk_bdev_set_opts(&mut o), 0);

        ::spdk_bdev::register_builtin_modules();
        core::initialize(init_done);
        poll(t);
        assert_eq!(INIT_RC.load(Ordering::SeqCst), 0);
        assert!(!spdk_bdev_module_list_find(c"null".as_ptr()).is_null());

        // Bad null bdevs, then a good one.
        let mut no = null::NullOpts {
            name: "null0".into(),
            num_blocks: 1024,
            block_size: 500,
            ..Default::default()
        };
        assert_eq!(null::create(&no).err(), Some(-libc::EINVAL));
        no.block_size = 512;
        no.num_blocks = 0;
        assert_eq!(null::create(&no).err(), Some(-libc::EINVAL));
        no.num_blocks = 1024;
        let b = null::create(&no).expect("null0");
        assert_eq!(null::create(&no).err(), Some(-libc::EEXIST));

        // Lookup, iteration, properties.
        assert_eq!(spdk_bdev_get_by_name(c"null0".as_ptr()), b);
        assert!(spdk_bdev_get_by_name(c"nope".as_ptr()).is_null());
        assert_eq!(spdk_bdev_first(), b);
        assert!(spdk_bdev_next(b).is_null());
        assert_eq!(spdk_bdev_first_leaf(), b);
        assert!(spdk_bdev_next_leaf(b).is_null());
        assert_eq!(CStr::from_ptr(spdk_bdev_get_name(b)).to_bytes(), b"null0");
        assert_eq!(
            CStr::from_ptr(spdk_bdev_get_product_name(b)).to_bytes(),
            b"Null disk"
        );
        assert_eq!(spdk_bdev_get_block_size(b), 512);
        assert_eq!(spdk_bdev_get_num_blocks(b), 1024);
        assert_eq!(spdk_bdev_get_write_unit_size(b), 1);
        assert_eq!(spdk_bdev_get_buf_align(b), 1);
        assert!(spdk_bdev_io_type_supported(b, IoTypeArg(1)));
        assert!(!spdk_bdev_io_type_supported(b, IoTypeArg(3)));
        assert!(!spdk_bdev_io_type_supported(b, IoTypeArg(99)));
        let mut s = [0 as std::ffi::c_char; 37];
        spdk_util::ffi::uuid::spdk_uuid_fmt_lower(s.as_mut_ptr(), 37, spdk_bdev_get_uuid(b));
        assert_eq!(spdk_bdev_get_by_name(s.as_ptr()), b, "found by UUID");

        // Open read-only and read-write.
        let mut ro = ptr::null_mut();
        let mut rw = ptr::null_mut();
        assert_eq!(
            spdk_bdev_open_ext(c"null0".as_ptr(), false, None, ptr::null_mut(), &mut ro),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_open_ext(
                c"nope".as_ptr(),
                false,
                Some(event_cb),
                ptr::null_mut(),
                &mut ro
            ),
            -libc::ENODEV
        );
        assert_eq!(
            spdk_bdev_open_ext(
                c"null0".as_ptr(),
                false,
                Some(event_cb),
                ptr::null_mut(),
                &mut ro
            ),
            0
        );
        assert_eq!(
            spdk_bdev_open_ext(
                c"null0".as_ptr(),
                true,
                Some(event_cb),
                ptr::null_mut(),
                &mut rw
            ),
            0
        );
        assert_eq!(spdk_bdev_desc_get_bdev(rw), b);
        let ch = spdk_bdev_get_io_channel(rw);
        assert!(!ch.is_null());

        let mut buf = vec![0xa5u8; 4096];
        let p = buf.as_mut_ptr().cast::<c_void>();
        assert_eq!(
            spdk_bdev_write_blocks(rw, ch, p, 0, 8, Some(io_done), ptr::null_mut()),
            0
        );
        assert_eq!(
            spdk_bdev_read_blocks(ro, ch, p, 8, 8, Some(io_done), ptr::null_mut()),
            0
        );
        assert_eq!(
            spdk_bdev_read(ro, ch, p, 4096, 4096, Some(io_done), ptr::null_mut()),
            0
        );
        assert_eq!(
            spdk_bdev_write(rw, ch, p, 4096, 4096, Some(io_done), ptr::null_mut()),
            0
        );
        let mut iov = [
            libc::iovec {
                iov_base: p,
                iov_len: 2048,
            },
            libc::iovec {
                iov_base: p.cast::<u8>().add(2048).cast(),
                iov_len: 2048,
            },
        ];
        assert_eq!(
            spdk_bdev_readv_blocks(
                ro,
                ch,
                iov.as_mut_ptr(),
                2,
                0,
                8,
                Some(io_done),
                ptr::null_mut()
            ),
            0
        );
        assert_eq!(
            spdk_bdev_writev(
                rw,
                ch,
                iov.as_mut_ptr(),
                2,
                0,
                4096,
                Some(io_done),
                ptr::null_mut()
            ),
            0
        );
        assert_eq!(
            spdk_bdev_write_zeroes_blocks(rw, ch, 0, 1024, Some(io_done), ptr::null_mut()),
            0
        );
        assert_eq!(spdk_bdev_reset(rw, ch, Some(io_done), ptr::null_mut()), 0);
        // Not supported by null: accepted, then fails (as SPDK).
        assert_eq!(
            spdk_bdev_unmap_blocks(rw, ch, 0, 8, Some(io_done), ptr::null_mut()),
            0
        );
        assert_eq!(
            spdk_bdev_flush_blocks(rw, ch, 0, 8, Some(io_done), ptr::null_mut()),
            0
        );
        // Read without a buffer: the module provides zeroes.
        assert_eq!(
            spdk_bdev_read_blocks(
                ro,
                ch,
                ptr::null_mut(),
                0,
                1,
                Some(io_done),
                ptr::null_mut()
            ),
            0
        );
        assert_eq!(
            DONE.load(Ordering::Relaxed),
            0,
            "completions wait for the poll"
        );
        poll(t);
        assert_eq!(DONE.load(Ordering::Relaxed), 11);
        assert_eq!(OK.load(Ordering::Relaxed), 9);

        // Bad input.
        let cb = Some(io_done as unsafe extern "C" fn(*mut spdk_bdev_io, bool, *mut c_void));
        assert_eq!(
            spdk_bdev_read_blocks(ro, ch, p, 1020, 8, cb, ptr::null_mut()),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_read_blocks(ro, ch, p, u64::MAX, 2, cb, ptr::null_mut()),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_read(ro, ch, p, 0, 100, cb, ptr::null_mut()),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_read(ro, ch, p, 100, 512, cb, ptr::null_mut()),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_read_blocks(ptr::null_mut(), ch, p, 0, 1, cb, ptr::null_mut()),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_read_blocks(ro, ptr::null_mut(), p, 0, 1, cb, ptr::null_mut()),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_write_blocks(ro, ch, p, 0, 1, cb, ptr::null_mut()),
            -libc::EBADF
        );
        assert_eq!(
            spdk_bdev_write_zeroes_blocks(ro, ch, 0, 1, cb, ptr::null_mut()),
            -libc::EBADF
        );
        assert_eq!(
            spdk_bdev_unmap_blocks(rw, ch, 0, 0, cb, ptr::null_mut()),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_readv_blocks(ro, ch, ptr::null_mut(), 1, 0, 1, cb, ptr::null_mut()),
            -libc::EINVAL
        );

        // Statistics of this channel.
        let mut st = spdk_bdev_io_stat::new();
        spdk_bdev_get_io_stat(b, ch, &mut st);
        assert_eq!(st.num_read_ops, 4);
        assert_eq!(st.bytes_read, 3 * 4096 + 512);
        assert_eq!(st.num_write_ops, 4, "write, write, writev, write_zeroes");
        assert!(st.ticks_rate > 0);

        // -ENOMEM when all 64 bdev_io are out, then spdk_bdev_queue_io_wait.
        let before = DONE.load(Ordering::Relaxed);
        let mut n = 0;
        let rc = loop {
            let rc = spdk_bdev_read_blocks(ro, ch, p, 0, 1, cb, ptr::null_mut());
            if rc != 0 {
                break rc;
            }
            n += 1;
        };
        assert_eq!(rc, -libc::ENOMEM);
        assert_eq!(n, 64);
        let mut entry = spdk_bdev_io_wait_entry {
            bdev: ptr::null_mut(),
            cb_fn: Some(wake),
            cb_arg: ptr::null_mut(),
            link: std::mem::zeroed(),
        };
        assert_eq!(
            spdk_bdev_queue_io_wait(b, ch, &mut entry),
            -libc::EINVAL,
            "wrong bdev"
        );
        entry.bdev = b;
        assert_eq!(spdk_bdev_queue_io_wait(b, ch, &mut entry), 0);
        assert_eq!(WAKE.load(Ordering::SeqCst), 0);
        poll(t);
        assert_eq!(WAKE.load(Ordering::SeqCst), 1);
        assert_eq!(DONE.load(Ordering::Relaxed) - before, 64);

        // Steady-state I/O allocates nothing.
        for _ in 0..3 {
            for _ in 0..32 {
                assert_eq!(
                    spdk_bdev_read_blocks(ro, ch, p, 0, 8, cb, ptr::null_mut()),
                    0
                );
            }
            poll(t);
        }
        ALLOCS.store(0, Ordering::SeqCst);
        COUNTING.store(true, Ordering::SeqCst);
        for _ in 0..100 {
            for i in 0..32 {
                let r = spdk_bdev_read_blocks(ro, ch, p, i * 8, 8, cb, ptr::null_mut());
                assert_eq!(r, 0);
            }
            poll(t);
        }
        COUNTING.store(false, Ordering::SeqCst);
        assert_eq!(ALLOCS.load(Ordering::SeqCst), 0, "the I/O path allocated");

        // A rough single-thread figure (debug or release, whatever the test build is).
        let total = 2_000_000u64;
        let start = std::time::Instant::now();
        let mut sent = 0u64;
        while sent < total {
            for _ in 0..48 {
                if spdk_bdev_read_blocks(ro, ch, p, 0, 8, cb, ptr::null_mut()) == 0 {
                    sent += 1;
                }
            }
            spdk_thread_poll(t, 0, 0);
        }
        poll(t);
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "null bdev: {:.2}M I/O per second on one thread (submit+complete+free)",
            total as f64 / secs / 1e6
        );

        spdk_put_io_channel(ch);
        spdk_bdev_close(ro);
        poll(t);

        // Unregister with a descriptor open: it gets the remove event and
        // closes; then destruct runs and the callback comes.
        DESC_TO_CLOSE.store(rw, Ordering::SeqCst);
        spdk_bdev_unregister(b, Some(unreg_done), ptr::null_mut());
        assert!(
            spdk_bdev_open_ext(
                c"null0".as_ptr(),
                false,
                Some(event_cb),
                ptr::null_mut(),
                &mut ro
            ) != 0
        );
        poll(t);
        assert_eq!(REMOVED.load(Ordering::SeqCst), 1);
        assert_eq!(UNREG_RC.load(Ordering::SeqCst), 0);
        assert!(spdk_bdev_get_by_name(c"null0".as_ptr()).is_null());
        assert!(spdk_bdev_first().is_null());

        // A bdev left registered is unregistered by fini.
        no.name = "null1".into();
        null::create(&no).expect("null1");
        core::finish(fini_done);
        for _ in 0..10 {
            poll(t);
        }
        assert!(FINI_DONE.load(Ordering::SeqCst));
        assert!(spdk_bdev_first().is_null());
        assert!(!core::is_initialized());
    }
}
