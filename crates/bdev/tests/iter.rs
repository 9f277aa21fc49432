//! Walking bdevs, channels and I/O in flight: spdk_for_each_bdev*,
//! spdk_bdev_for_each_channel across two threads, spdk_bdev_for_each_bdev_io,
//! spdk_bdev_get_current_qd, queue depth sampling, I/O timeouts, and
//! spdk_bdev_open_async.

mod common;

use std::ffi::{c_int, c_void, CStr};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

use ::spdk_bdev::ffi::bdev::iter::*;
use ::spdk_bdev::ffi::bdev::open_async::*;
use ::spdk_bdev::ffi::bdev::stats::*;
use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::stats::*;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_thread::ffi::thread::*;
use common::*;

unsafe extern "C" fn collect(ctx: *mut c_void, b: *mut spdk_bdev) -> c_int {
    let v = &mut *ctx.cast::<Vec<String>>();
    v.push(
        CStr::from_ptr(spdk_bdev_get_name(b))
            .to_string_lossy()
            .into_owned(),
    );
    if v.len() == 99 {
        return -libc::ECANCELED;
    }
    0
}

unsafe extern "C" fn stop_at_two(ctx: *mut c_void, b: *mut spdk_bdev) -> c_int {
    collect(ctx, b);
    if (*ctx.cast::<Vec<String>>()).len() == 2 {
        -libc::EINTR
    } else {
        0
    }
}

struct ChWalk {
    threads: Vec<*mut spdk_thread>,
    done: Option<c_int>,
}

unsafe extern "C" fn walk_ch(
    i: *mut spdk_bdev_channel_iter,
    _b: *mut spdk_bdev,
    ch: *mut spdk_io_channel,
    ctx: *mut c_void,
) {
    let w = &mut *ctx.cast::<ChWalk>();
    assert_eq!(
        spdk_io_channel_get_thread(ch),
        spdk_get_thread(),
        "on the channel's thread"
    );
    w.threads.push(spdk_get_thread());
    spdk_bdev_for_each_channel_continue(i, 0);
}

unsafe extern "C" fn walk_done(_b: *mut spdk_bdev, ctx: *mut c_void, status: c_int) {
    (*ctx.cast::<ChWalk>()).done = Some(status);
}

struct IoWalk {
    ios: Vec<*mut spdk_bdev_io>,
    rc: Option<c_int>,
}

unsafe extern "C" fn walk_io(ctx: *mut c_void, io: *mut spdk_bdev_io) -> c_int {
    (*ctx.cast::<IoWalk>()).ios.push(io);
    0
}

unsafe extern "C" fn walk_io_done(ctx: *mut c_void, rc: c_int) {
    (*ctx.cast::<IoWalk>()).rc = Some(rc);
}

static QD: AtomicUsize = AtomicUsize::new(usize::MAX);

unsafe extern "C" fn qd_done(_b: *mut spdk_bdev, qd: u64, _arg: *mut c_void, rc: c_int) {
    assert_eq!(rc, 0);
    QD.store(qd as usize, Ordering::SeqCst);
}

struct Timeouts {
    ios: Vec<*mut spdk_bdev_io>,
}

unsafe extern "C" fn on_timeout(arg: *mut c_void, io: *mut spdk_bdev_io) {
    let t = &mut *arg.cast::<Timeouts>();
    if !t.ios.contains(&io) {
        t.ios.push(io);
    }
}

#[derive(Default)]
struct Opened {
    rc: Option<c_int>,
    desc: usize,
}

unsafe extern "C" fn opened(desc: *mut spdk_bdev_desc, rc: c_int, arg: *mut c_void) {
    let o = &mut *arg.cast::<Opened>();
    o.rc = Some(rc);
    o.desc = desc as usize;
}

#[test]
fn walks_queue_depth_timeouts_async_open() {
    unsafe {
        let t = init();
        let t2 = spdk_thread_create(c"second".as_ptr(), ptr::null());
        let r0 = create("r0", 64, 512, BASIC, |_| {});
        let b0 = ptr::addr_of_mut!((*r0).bdev);
        create("r1", 64, 512, BASIC, |_| {});
        create("r2", 64, 512, BASIC, |_| {});

        // Every bdev; leaves only; stopping early; by name.
        let mut names: Vec<String> = Vec::new();
        let ctx = ptr::addr_of_mut!(names).cast();
        assert_eq!(spdk_for_each_bdev(ctx, Some(collect)), 0);
        assert_eq!(names, ["r0", "r1", "r2"]);
        let d1 = open(c"r1", false);
        assert_eq!(
            spdk_bdev_module_claim_bdev(spdk_bdev_desc_get_bdev(d1), d1, module()),
            0
        );
        names.clear();
        assert_eq!(spdk_for_each_bdev_leaf(ctx, Some(collect)), 0);
        assert_eq!(names, ["r0", "r2"], "r1 is claimed");
        names.clear();
        assert_eq!(spdk_for_each_bdev(ctx, Some(stop_at_two)), -libc::EINTR);
        assert_eq!(names, ["r0", "r1"]);
        names.clear();
        let mut list = [c"r2".as_ptr(), c"r0".as_ptr()];
        assert_eq!(
            spdk_for_each_bdev_by_name(ctx, Some(collect), list.as_mut_ptr(), 2),
            0
        );
        assert_eq!(names, ["r2", "r0"]);
        let mut bad = [c"r2".as_ptr(), c"nope".as_ptr(), c"r0".as_ptr()];
        names.clear();
        assert_eq!(
            spdk_for_each_bdev_by_name(ctx, Some(collect), bad.as_mut_ptr(), 3),
            -libc::ENODEV
        );
        assert_eq!(names, ["r2"]);
        assert_eq!(spdk_for_each_bdev(ctx, None), -libc::EINVAL);
        spdk_bdev_module_release_bdev(spdk_bdev_desc_get_bdev(d1));
        spdk_bdev_close(d1);

        // Channels on two threads.
        let d = open(c"r0", true);
        let ch1 = spdk_bdev_get_io_channel(d);
        spdk_set_thread(t2);
        let ch2 = spdk_bdev_get_io_channel(d);
        spdk_set_thread(t);
        let mut w = ChWalk {
            threads: Vec::new(),
            done: None,
        };
        spdk_bdev_for_each_channel(
            b0,
            Some(walk_ch),
            ptr::addr_of_mut!(w).cast(),
            Some(walk_done),
        );
        assert!(poll_until(&[t, t2], || w.done.is_some()));
        assert_eq!(w.done, Some(0));
        w.threads.sort();
        let mut want = vec![t, t2];
        want.sort();
        assert_eq!(w.threads, want);

        // I/O in flight on both channels, held by the module.
        (*r0).hold = true;
        let mut tr1 = Track::default();
        let mut tr2 = Track::default();
        let mut buf = vec![0u8; 4096];
        let p = buf.as_mut_ptr().cast::<c_void>();
        assert_eq!(
            spdk_bdev_write_blocks(d, ch1, p, 0, 1, cb(), ptr::addr_of_mut!(tr1).cast()),
            0
        );
        assert_eq!(
            spdk_bdev_read_blocks(d, ch1, p, 1, 1, cb(), ptr::addr_of_mut!(tr1).cast()),
            0
        );
        spdk_set_thread(t2);
        assert_eq!(
            spdk_bdev_read_blocks(d, ch2, p, 2, 2, cb(), ptr::addr_of_mut!(tr2).cast()),
            0
        );
        spdk_set_thread(t);
        let mut iw = IoWalk {
            ios: Vec::new(),
            rc: None,
        };
        spdk_bdev_for_each_bdev_io(
            b0,
            ptr::addr_of_mut!(iw).cast(),
            Some(walk_io),
            Some(walk_io_done),
        );
        assert!(poll_until(&[t, t2], || iw.rc.is_some()));
        assert_eq!(iw.rc, Some(0));
        let mut held = (*r0).held.clone();
        held.sort();
        iw.ios.sort();
        assert_eq!(iw.ios, held, "every I/O in flight, on either thread");
        spdk_bdev_get_current_qd(b0, Some(qd_done), ptr::null_mut());
        assert!(poll_until(&[t, t2], || QD.load(Ordering::SeqCst) != usize::MAX));
        assert_eq!(QD.load(Ordering::SeqCst), 3);

        // Sampling every 1 ms: depth 3 while held.
        assert_eq!(spdk_bdev_get_qd(b0), u64::MAX, "not sampling");
        assert_eq!(spdk_bdev_get_qd_sampling_period(b0), 0);
        spdk_bdev_set_qd_sampling_period(b0, 1000);
        assert_eq!(spdk_bdev_get_qd_sampling_period(b0), 1000);
        assert!(poll_until(&[t, t2], || spdk_bdev_get_qd(b0) == 3));
        assert!(poll_until(&[t, t2], || spdk_bdev_get_io_time(b0) >= 2000));
        let io_time = spdk_bdev_get_io_time(b0);
        assert!(spdk_bdev_get_weighted_io_time(b0) >= 3 * io_time - 3000);

        // Timeouts: 1 s, reported to this descriptor's callback only.
        let mut to = Timeouts { ios: Vec::new() };
        assert_eq!(
            spdk_bdev_set_timeout(d, 1, None, ptr::null_mut()),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_set_timeout(d, 1, Some(on_timeout), ptr::addr_of_mut!(to).cast()),
            0
        );
        spdk_set_thread(t2);
        assert_eq!(
            spdk_bdev_set_timeout(d, 1, Some(on_timeout), ptr::null_mut()),
            -libc::EINVAL,
            "only on the descriptor's thread"
        );
        spdk_set_thread(t);
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert!(poll_until(&[t, t2], || to.ios.len() == 3));
        to.ios.sort();
        assert_eq!(to.ios, held);
        assert_eq!(spdk_bdev_set_timeout(d, 0, None, ptr::null_mut()), 0);

        // Released: idle again.
        (*r0).hold = false;
        release(r0);
        assert!(poll_until(&[t, t2], || tr1.done == 2 && tr2.done == 1));
        assert!(poll_until(&[t, t2], || spdk_bdev_get_qd(b0) == 0));
        spdk_bdev_set_qd_sampling_period(b0, 0);
        assert!(poll_until(&[t, t2], || spdk_bdev_get_qd_sampling_period(
            b0
        ) == 0));
        spdk_set_thread(t2);
        spdk_put_io_channel(ch2);
        spdk_set_thread(t);
        spdk_put_io_channel(ch1);
        spdk_bdev_close(d);
        poll(t2);
        poll(t);

        // Asynchronous open: now, not at all, after a while, never.
        let mut o = Opened::default();
        let oarg = ptr::addr_of_mut!(o).cast();
        assert_eq!(
            spdk_bdev_open_async(
                c"r0".as_ptr(),
                false,
                Some(ev),
                ptr::null_mut(),
                ptr::null_mut(),
                Some(opened),
                oarg
            ),
            0
        );
        assert_eq!(o.rc, None, "called back after the call returned");
        assert!(poll_until(&[t], || o.rc.is_some()));
        assert_eq!(o.rc, Some(0));
        spdk_bdev_close(o.desc as *mut spdk_bdev_desc);
        o = Opened::default();
        assert_eq!(
            spdk_bdev_open_async(
                c"late".as_ptr(),
                false,
                Some(ev),
                ptr::null_mut(),
                ptr::null_mut(),
                Some(opened),
                oarg
            ),
            0
        );
        assert!(poll_until(&[t], || o.rc.is_some()));
        assert_eq!(o.rc, Some(-libc::ENODEV));
        let mut ao = spdk_bdev_open_async_opts {
            size: 16,
            timeout_ms: 3000,
        };
        o = Opened::default();
        assert_eq!(
            spdk_bdev_open_async(
                c"late".as_ptr(),
                true,
                Some(ev),
                ptr::null_mut(),
                &mut ao,
                Some(opened),
                oarg
            ),
            0
        );
        poll(t);
        assert_eq!(o.rc, None, "waiting for it to appear");
        create("late", 8, 512, BASIC, |_| {});
        assert!(poll_until(&[t], || o.rc.is_some()));
        assert_eq!(o.rc, Some(0));
        assert_eq!(
            CStr::from_ptr(spdk_bdev_get_name(spdk_bdev_desc_get_bdev(
                o.desc as *mut _
            )))
            .to_bytes(),
            b"late"
        );
        spdk_bdev_close(o.desc as *mut spdk_bdev_desc);
        ao.timeout_ms = 300;
        o = Opened::default();
        let start = std::time::Instant::now();
        assert_eq!(
            spdk_bdev_open_async(
                c"never".as_ptr(),
                false,
                Some(ev),
                ptr::null_mut(),
                &mut ao,
                Some(opened),
                oarg
            ),
            0
        );
        assert!(poll_until(&[t], || o.rc.is_some()));
        assert_eq!(o.rc, Some(-libc::ETIMEDOUT));
        assert!(start.elapsed() >= std::time::Duration::from_millis(300));
        ao.size = 0;
        assert_eq!(
            spdk_bdev_open_async(
                c"r0".as_ptr(),
                false,
                Some(ev),
                ptr::null_mut(),
                &mut ao,
                Some(opened),
                oarg
            ),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_open_async(
                c"r0".as_ptr(),
                false,
                None,
                ptr::null_mut(),
                ptr::null_mut(),
                Some(opened),
                oarg
            ),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_open_async(
                c"r0".as_ptr(),
                false,
                Some(ev),
                ptr::null_mut(),
                ptr::null_mut(),
                None,
                oarg
            ),
            -libc::EINVAL
        );

        spdk_set_thread(t2);
        spdk_thread_exit(t2);
        poll_until(&[t2], || spdk_thread_is_exited(t2));
        spdk_thread_destroy(t2);
        spdk_set_thread(t);
        fini(t);
    }
}
