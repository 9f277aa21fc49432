//! The bdev layer end to end on one SPDK thread: library init with a small
//! bdev_io pool, a null bdev, open/close, channels, every I/O call, the
//! errors SPDK returns for bad input, -ENOMEM and spdk_bdev_queue_io_wait,
//! statistics, unregister with an open descriptor (remove event), fini.
//! A counting global allocator shows that steady-state I/O (submit,
//! complete, free) allocates nothing.

use std::ffi::{c_int, c_void, CStr};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_bdev::{core, null};
use ::spdk_thread::ffi::thread::*;

#[global_allocator]
static GLOBAL: spdk_util::alloc_count::CountingAlloc = spdk_util::alloc_count::CountingAlloc;

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

static DEV_STAT_RC: AtomicUsize = AtomicUsize::new(usize::MAX);

unsafe extern "C" fn dev_stat_done(
    _b: *mut spdk_bdev,
    _s: *mut spdk_bdev_io_stat,
    _arg: *mut c_void,
    rc: c_int,
) {
    DEV_STAT_RC.store(rc as usize, Ordering::SeqCst);
}

unsafe fn poll(t: *mut spdk_thread) {
    for _ in 0..4 {
        spdk_thread_poll(t, 0, 0);
    }
}

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
static THREAD_LIB: std::sync::Once = std::sync::Once::new();

fn serial() -> std::sync::MutexGuard<'static, ()> {
    let g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    THREAD_LIB.call_once(|| assert_eq!(spdk_thread_lib_init(None, 0), 0));
    g
}

#[test]
fn null_bdev_io_end_to_end() {
    let _g = serial();
    unsafe {
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
        spdk_bdev_get_io_stat(b, ch, &mut st, ResetStatModeArg(3));
        assert_eq!(st.num_read_ops, 4);
        assert_eq!(st.bytes_read, 3 * 4096 + 512);
        assert_eq!(
            st.num_write_ops, 3,
            "write, write, writev (write_zeroes is not counted, as in SPDK)"
        );
        assert!(st.ticks_rate > 0);
        // The device's statistics gather every channel's.
        let mut dev = spdk_bdev_io_stat::new();
        spdk_bdev_get_device_stat(
            b,
            &mut dev,
            ResetStatModeArg(1),
            Some(dev_stat_done),
            ptr::null_mut(),
        );
        poll(t);
        assert_eq!(DEV_STAT_RC.load(Ordering::SeqCst), 0);
        assert_eq!(dev.num_read_ops, 4);
        assert_eq!(dev.num_write_ops, 3);
        spdk_bdev_get_io_stat(b, ch, &mut st, ResetStatModeArg(0));
        assert_eq!(st.max_read_latency_ticks, 0, "max/min were reset");
        spdk_bdev_get_io_stat(b, ch, &mut st, ResetStatModeArg(3));
        assert_eq!(st.num_read_ops, 0, "everything was reset");
        // Extended calls: no options, or options this library honours.
        let mut eo: spdk_bdev_ext_io_opts = std::mem::zeroed();
        eo.size = std::mem::size_of::<spdk_bdev_ext_io_opts>();
        assert_eq!(
            spdk_bdev_readv_blocks_ext(
                ro,
                ch,
                iov.as_mut_ptr(),
                2,
                0,
                8,
                cb,
                ptr::null_mut(),
                &mut eo
            ),
            0
        );
        assert_eq!(
            spdk_bdev_writev_blocks_ext(
                rw,
                ch,
                iov.as_mut_ptr(),
                2,
                0,
                8,
                cb,
                ptr::null_mut(),
                ptr::null_mut()
            ),
            0
        );
        eo.metadata = p;
        assert_eq!(
            spdk_bdev_readv_blocks_ext(
                ro,
                ch,
                iov.as_mut_ptr(),
                2,
                0,
                8,
                cb,
                ptr::null_mut(),
                &mut eo
            ),
            -libc::EINVAL
        );
        eo.metadata = ptr::null_mut();
        eo.size = 0;
        assert_eq!(
            spdk_bdev_readv_blocks_ext(
                ro,
                ch,
                iov.as_mut_ptr(),
                2,
                0,
                8,
                cb,
                ptr::null_mut(),
                &mut eo
            ),
            -libc::EINVAL
        );
        poll(t);

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
        let allocs = spdk_util::alloc_count::count_allocations(|| {
            for _ in 0..100 {
                for i in 0..32 {
                    let r = spdk_bdev_read_blocks(ro, ch, p, i * 8, 8, cb, ptr::null_mut());
                    assert_eq!(r, 0);
                }
                poll(t);
            }
        });
        assert_eq!(allocs, 0, "the I/O path allocated");

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

        // Malloc: data written is read back; unmap zeroes.
        let mo = ::spdk_bdev::malloc::MallocOpts {
            num_blocks: 64,
            block_size: 512,
            ..Default::default()
        };
        let mb = ::spdk_bdev::malloc::create(&mo).expect("malloc");
        assert_eq!(
            CStr::from_ptr(spdk_bdev_get_name(mb)).to_bytes(),
            b"Malloc0"
        );
        let mut md = ptr::null_mut();
        assert_eq!(
            spdk_bdev_open_ext(
                c"Malloc0".as_ptr(),
                true,
                Some(event_cb),
                ptr::null_mut(),
                &mut md
            ),
            0
        );
        let mch = spdk_bdev_get_io_channel(md);
        let mut wbuf: Vec<u8> = (0..2048).map(|i| (i * 7 % 251) as u8).collect();
        let mut rbuf = vec![0u8; 2048];
        assert_eq!(
            spdk_bdev_write_blocks(md, mch, wbuf.as_mut_ptr().cast(), 3, 4, cb, ptr::null_mut()),
            0
        );
        poll(t);
        assert_eq!(
            spdk_bdev_read_blocks(md, mch, rbuf.as_mut_ptr().cast(), 3, 4, cb, ptr::null_mut()),
            0
        );
        poll(t);
        assert_eq!(wbuf, rbuf);
        assert_eq!(
            spdk_bdev_unmap_blocks(md, mch, 4, 1, cb, ptr::null_mut()),
            0
        );
        poll(t);
        assert_eq!(
            spdk_bdev_read_blocks(md, mch, rbuf.as_mut_ptr().cast(), 3, 4, cb, ptr::null_mut()),
            0
        );
        poll(t);
        assert_eq!(&rbuf[..512], &wbuf[..512]);
        assert!(rbuf[512..1024].iter().all(|&x| x == 0));
        assert_eq!(&rbuf[1024..], &wbuf[1024..]);
        spdk_put_io_channel(mch);
        spdk_bdev_close(md);
        poll(t);

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
        spdk_set_thread(ptr::null_mut());
    }
}

// ---- a Rust test module completing I/O from another thread ----

static DEV_THREAD: std::sync::atomic::AtomicPtr<spdk_thread> =
    std::sync::atomic::AtomicPtr::new(ptr::null_mut());
static HOLD: AtomicBool = AtomicBool::new(false);
static HELD: std::sync::Mutex<Vec<usize>> = std::sync::Mutex::new(Vec::new());
static XDEV: u8 = 0;
static X_DESTRUCTS: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn x_ch_create(_d: *mut c_void, _c: *mut c_void) -> c_int {
    0
}
unsafe extern "C" fn x_ch_destroy(_d: *mut c_void, _c: *mut c_void) {}

unsafe extern "C" fn x_complete_msg(arg: *mut c_void) {
    assert_eq!(spdk_get_thread(), DEV_THREAD.load(Ordering::SeqCst));
    spdk_bdev_io_complete_nvme_status(arg.cast(), 7, 0, 0);
}

static NOMEM_LEFT: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn x_submit(_ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    if NOMEM_LEFT.load(Ordering::SeqCst) > 0 {
        // Out of module resources: the bdev layer submits it again later.
        NOMEM_LEFT.fetch_sub(1, Ordering::SeqCst);
        spdk_bdev_io_complete(io, IoStatusArg(-4));
        return;
    }
    if HOLD.load(Ordering::SeqCst) {
        HELD.lock().unwrap().push(io as usize);
        return;
    }
    // Completed on the device thread: the callback must still run on the submitter's.
    spdk_thread_send_msg(
        DEV_THREAD.load(Ordering::SeqCst),
        Some(x_complete_msg),
        io.cast(),
    );
}

unsafe extern "C" fn x_supported(_c: *mut c_void, t: spdk_bdev_io_type) -> bool {
    matches!(
        t,
        spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_READ | spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_WRITE
    )
}

unsafe extern "C" fn x_get_ch(_c: *mut c_void) -> *mut spdk_io_channel {
    spdk_get_io_channel(ptr::addr_of!(XDEV) as *mut c_void)
}

unsafe extern "C" fn x_destruct(_c: *mut c_void) -> c_int {
    X_DESTRUCTS.fetch_add(1, Ordering::SeqCst);
    0
}

static X_FN: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(x_destruct),
    submit_request: Some(x_submit),
    io_type_supported: Some(x_supported),
    get_io_channel: Some(x_get_ch),
    dump_info_json: None,
    write_config_json: None,
    get_spin_time: None,
    get_module_ctx: None,
    get_memory_domains: None,
    reset_device_stat: None,
    dump_device_stat_json: None,
    accel_sequence_supported: None,
};

static X_ON_SUBMITTER: AtomicUsize = AtomicUsize::new(0);
static X_DONE: AtomicUsize = AtomicUsize::new(0);
static X_FAILED: AtomicUsize = AtomicUsize::new(0);
static SUBMITTER: std::sync::atomic::AtomicPtr<spdk_thread> =
    std::sync::atomic::AtomicPtr::new(ptr::null_mut());
static X_REMOVED: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn x_io_done(io: *mut spdk_bdev_io, success: bool, _a: *mut c_void) {
    if spdk_get_thread() == SUBMITTER.load(Ordering::SeqCst) {
        X_ON_SUBMITTER.fetch_add(1, Ordering::SeqCst);
    }
    X_DONE.fetch_add(1, Ordering::SeqCst);
    if success {
        let (mut cdw0, mut sct, mut sc) = (0u32, -1, -1);
        spdk_bdev_io_get_nvme_status(io, &mut cdw0, &mut sct, &mut sc);
        assert_eq!((cdw0, sct, sc), (7, 0, 0));
    } else {
        X_FAILED.fetch_add(1, Ordering::SeqCst);
        let (mut cdw0, mut sct, mut sc) = (0u32, -1, -1);
        spdk_bdev_io_get_nvme_status(io, &mut cdw0, &mut sct, &mut sc);
        assert_eq!(
            (sct, sc),
            (0, 0x06),
            "FAILED reads as an internal device error"
        );
        let mut aio = 0;
        spdk_bdev_io_get_aio_status(io, &mut aio);
        assert_eq!(aio, -libc::EIO);
    }
    spdk_bdev_free_io(io);
}

unsafe extern "C" fn x_event(t: spdk_bdev_event_type, _b: *mut spdk_bdev, _c: *mut c_void) {
    if t == spdk_bdev_event_type::SPDK_BDEV_EVENT_REMOVE {
        X_REMOVED.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn cross_thread_completion_and_hot_remove_with_io_in_flight() {
    let _g = serial();
    unsafe {
        let app = spdk_thread_create(c"submitter".as_ptr(), ptr::null());
        let dev_t = spdk_thread_create(c"device".as_ptr(), ptr::null());
        SUBMITTER.store(app, Ordering::SeqCst);
        DEV_THREAD.store(dev_t, Ordering::SeqCst);
        spdk_set_thread(app);
        INIT_RC.store(usize::MAX, Ordering::SeqCst);
        core::initialize(init_done);
        poll(app);
        assert_eq!(INIT_RC.load(Ordering::SeqCst), 0);
        let xdev = ptr::addr_of!(XDEV) as *mut c_void;
        spdk_io_device_register(
            xdev,
            Some(x_ch_create),
            Some(x_ch_destroy),
            8,
            c"xdev".as_ptr(),
        );

        let mut bdev = Box::new(spdk_bdev::zeroed());
        let name = c"x0";
        bdev.name = name.as_ptr() as *mut _;
        bdev.product_name = c"cross-thread test".as_ptr() as *mut _;
        bdev.blocklen = 4096;
        bdev.blockcnt = 128;
        bdev.fn_table = &X_FN;
        bdev.module = null::module();
        let b: *mut spdk_bdev = &mut *bdev;
        assert_eq!(spdk_bdev_register(b), 0);

        let mut desc = ptr::null_mut();
        assert_eq!(
            spdk_bdev_open_ext(
                name.as_ptr(),
                true,
                Some(x_event),
                ptr::null_mut(),
                &mut desc
            ),
            0
        );
        let ch = spdk_bdev_get_io_channel(desc);
        let mut buf = vec![0u8; 4096];
        let p = buf.as_mut_ptr().cast::<c_void>();
        for i in 0..8 {
            assert_eq!(
                spdk_bdev_read_blocks(desc, ch, p, i, 1, Some(x_io_done), ptr::null_mut()),
                0
            );
        }
        for _ in 0..3 {
            poll(dev_t);
            poll(app);
        }
        assert_eq!(X_DONE.load(Ordering::SeqCst), 8);
        assert_eq!(
            X_ON_SUBMITTER.load(Ordering::SeqCst),
            8,
            "callbacks on the submitting thread"
        );

        // SPDK_BDEV_IO_STATUS_NOMEM from the module: retried, not completed.
        NOMEM_LEFT.store(3, Ordering::SeqCst);
        assert_eq!(
            spdk_bdev_read_blocks(desc, ch, p, 0, 1, Some(x_io_done), ptr::null_mut()),
            0
        );
        let start = std::time::Instant::now();
        while X_DONE.load(Ordering::SeqCst) < 9 && start.elapsed().as_secs() < 5 {
            poll(app);
            poll(dev_t);
        }
        assert_eq!(X_DONE.load(Ordering::SeqCst), 9);
        assert_eq!(X_FAILED.load(Ordering::SeqCst), 0);
        assert_eq!(NOMEM_LEFT.load(Ordering::SeqCst), 0);

        // Hot remove while I/O is in flight: the descriptor gets the remove
        // event, the module fails what it holds, then the owner closes.
        HOLD.store(true, Ordering::SeqCst);
        for i in 0..4 {
            assert_eq!(
                spdk_bdev_write_blocks(desc, ch, p, i, 1, Some(x_io_done), ptr::null_mut()),
                0
            );
        }
        UNREG_RC.store(usize::MAX, Ordering::SeqCst);
        spdk_bdev_unregister(b, Some(unreg_done), ptr::null_mut());
        poll(app);
        assert_eq!(X_REMOVED.load(Ordering::SeqCst), 1);
        assert_eq!(UNREG_RC.load(Ordering::SeqCst), usize::MAX, "still open");
        assert!(
            spdk_bdev_open_ext(
                name.as_ptr(),
                false,
                Some(x_event),
                ptr::null_mut(),
                &mut ptr::null_mut()
            ) != 0
        );
        for io in HELD.lock().unwrap().drain(..) {
            spdk_bdev_io_complete(io as *mut spdk_bdev_io, IoStatusArg(-1));
        }
        poll(app);
        assert_eq!(X_DONE.load(Ordering::SeqCst), 13);
        assert_eq!(X_FAILED.load(Ordering::SeqCst), 4);
        spdk_put_io_channel(ch);
        spdk_bdev_close(desc);
        for _ in 0..3 {
            poll(app);
        }
        assert_eq!(UNREG_RC.load(Ordering::SeqCst), 0);
        assert_eq!(X_DESTRUCTS.load(Ordering::SeqCst), 1);

        FINI_DONE.store(false, Ordering::SeqCst);
        spdk_io_device_unregister(xdev, None);
        core::finish(fini_done);
        for _ in 0..5 {
            poll(app);
        }
        assert!(FINI_DONE.load(Ordering::SeqCst));
        drop(bdev);
        spdk_set_thread(ptr::null_mut());
    }
}
