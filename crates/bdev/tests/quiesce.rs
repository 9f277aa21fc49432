//! LBA range locks across channels: spdk_bdev_quiesce/_range hold new
//! I/O back on every channel and report once what was in flight has
//! drained; overlapping quiesces wait their turn; compare-and-write is
//! emulated under a lock, serialised with a concurrent one.

mod common;

use std::ffi::{c_int, c_void};
use std::ptr;

use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::quiesce::*;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_thread::ffi::thread::*;
use common::*;

#[derive(Default)]
struct Q {
    rc: Vec<c_int>,
}

unsafe extern "C" fn qdone(arg: *mut c_void, status: c_int) {
    (*arg.cast::<Q>()).rc.push(status);
}

fn qcb() -> spdk_bdev_quiesce_cb {
    Some(qdone)
}

static OTHER: Cell<spdk_bdev_module> = Cell(std::cell::UnsafeCell::new(spdk_bdev_module {
    module_init: None,
    init_complete: None,
    fini_start: None,
    module_fini: None,
    config_json: None,
    name: c"other".as_ptr(),
    get_ctx_size: None,
    examine_config: None,
    examine_disk: None,
    async_init: false,
    async_fini: false,
    async_fini_start: false,
    internal: spdk_bdev_module_internal_fields::new(),
}));

#[test]
fn quiesce_and_range_locks() {
    unsafe {
        let t = init();
        let t2 = spdk_thread_create(c"second".as_ptr(), ptr::null());
        let ts = [t, t2];
        let r = create("q0", 64, 512, BASIC, |r| r.hold = true);
        let b = ptr::addr_of_mut!((*r).bdev);
        let m = module();
        let d = open(c"q0", true);
        let ch1 = spdk_bdev_get_io_channel(d);
        spdk_set_thread(t2);
        let ch2 = spdk_bdev_get_io_channel(d);
        spdk_set_thread(t);
        let mut buf = vec![0u8; 8 * 512];
        let p = buf.as_mut_ptr().cast::<c_void>();
        let mut tr1 = Track::default();
        let mut tr2 = Track::default();
        let a1 = ptr::addr_of_mut!(tr1).cast::<c_void>();
        let a2 = ptr::addr_of_mut!(tr2).cast::<c_void>();
        let on2 = |f: &mut dyn FnMut() -> c_int| {
            spdk_set_thread(t2);
            let rc = f();
            spdk_set_thread(t);
            rc
        };

        // In flight on both channels.
        assert_eq!(spdk_bdev_write_blocks(d, ch1, p, 0, 1, cb(), a1), 0);
        assert_eq!(
            on2(&mut || spdk_bdev_write_blocks(d, ch2, p, 10, 1, cb(), a2)),
            0
        );
        assert_eq!((*r).submits, 2);

        // Bad requests.
        let mut q = Q::default();
        let qa = ptr::addr_of_mut!(q).cast::<c_void>();
        assert_eq!(
            spdk_bdev_quiesce(b, OTHER.0.get(), qcb(), qa),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_quiesce(ptr::null_mut(), m, qcb(), qa),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_quiesce_range(b, m, 60, 5, qcb(), qa),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_unquiesce(b, m, qcb(), qa),
            -libc::EINVAL,
            "not quiesced"
        );

        // Quiesce: granted only once the I/O in flight has completed.
        assert_eq!(spdk_bdev_quiesce(b, m, qcb(), qa), 0);
        for _ in 0..20 {
            poll(t);
            poll(t2);
        }
        assert!(q.rc.is_empty(), "waits for the writes in flight");
        (*r).hold = false;
        release(r);
        assert!(poll_until(&ts, || q.rc == [0]));
        assert_eq!((tr1.done, tr2.done), (1, 1));
        // Now new I/O, reads too, waits on both channels.
        assert_eq!(spdk_bdev_write_blocks(d, ch1, p, 5, 1, cb(), a1), 0);
        assert_eq!(
            on2(&mut || spdk_bdev_read_blocks(d, ch2, p, 20, 1, cb(), a2)),
            0
        );
        for _ in 0..10 {
            poll(t);
            poll(t2);
        }
        assert_eq!((*r).submits, 2, "held back by the library");
        assert_eq!(spdk_bdev_unquiesce(b, m, qcb(), qa), 0);
        assert!(poll_until(&ts, || q.rc == [0, 0]));
        assert!(poll_until(&ts, || tr1.done == 2 && tr2.done == 2));
        assert_eq!((tr1.ok, tr2.ok), (2, 2));
        assert_eq!(spdk_bdev_unquiesce(b, m, qcb(), qa), -libc::EINVAL);

        // A range: only overlapping I/O waits; reads too.
        assert_eq!(spdk_bdev_quiesce_range(b, m, 0, 8, qcb(), qa), 0);
        assert!(poll_until(&ts, || q.rc.len() == 3));
        assert_eq!(spdk_bdev_write_blocks(d, ch1, p, 20, 1, cb(), a1), 0);
        assert_eq!(spdk_bdev_write_blocks(d, ch1, p, 6, 4, cb(), a1), 0);
        assert_eq!(
            on2(&mut || spdk_bdev_read_blocks(d, ch2, p, 7, 1, cb(), a2)),
            0
        );
        assert!(poll_until(&ts, || tr1.done == 3));
        for _ in 0..10 {
            poll(t);
            poll(t2);
        }
        assert_eq!((tr1.done, tr2.done), (3, 2), "the overlapping ones wait");
        // An overlapping quiesce waits for the first.
        let mut q2 = Q::default();
        let q2a = ptr::addr_of_mut!(q2).cast::<c_void>();
        assert_eq!(spdk_bdev_quiesce_range(b, m, 4, 8, qcb(), q2a), 0);
        for _ in 0..10 {
            poll(t);
            poll(t2);
        }
        assert!(q2.rc.is_empty());
        assert_eq!(
            spdk_bdev_unquiesce_range(b, m, 0, 4, qcb(), qa),
            -libc::EINVAL,
            "not that range"
        );
        assert_eq!(spdk_bdev_unquiesce_range(b, m, 0, 8, qcb(), qa), 0);
        assert!(poll_until(&ts, || q.rc.len() == 4 && q2.rc == [0]));
        // The held I/O went on at the unquiesce and drained before 4..12
        // was granted (as SPDK: the second lock waits for what is in flight).
        assert_eq!((tr1.done, tr2.done), (4, 3));
        assert_eq!(spdk_bdev_write_blocks(d, ch1, p, 10, 1, cb(), a1), 0);
        for _ in 0..10 {
            poll(t);
            poll(t2);
        }
        assert_eq!(tr1.done, 4, "4..12 holds block 10");
        assert_eq!(spdk_bdev_unquiesce_range(b, m, 4, 8, qcb(), q2a), 0);
        assert!(poll_until(&ts, || tr1.done == 5));
        assert_eq!(q2.rc, [0, 0]);

        // Compare-and-write emulated on both threads at once, on one block:
        // serialised, so exactly one finds the old data.
        (&mut (*r).data)[..512].fill(0xaa);
        let mut old = vec![0xaau8; 512];
        let mut w1 = vec![1u8; 512];
        let mut w2 = vec![2u8; 512];
        let mut ci = [libc::iovec {
            iov_base: old.as_mut_ptr().cast(),
            iov_len: 512,
        }];
        let mut wi1 = [libc::iovec {
            iov_base: w1.as_mut_ptr().cast(),
            iov_len: 512,
        }];
        let mut wi2 = [libc::iovec {
            iov_base: w2.as_mut_ptr().cast(),
            iov_len: 512,
        }];
        let mut c1 = Track::default();
        let mut c2 = Track::default();
        assert_eq!(
            spdk_bdev_comparev_and_writev_blocks(
                d,
                ch1,
                ci.as_mut_ptr(),
                1,
                wi1.as_mut_ptr(),
                1,
                0,
                1,
                cb(),
                ptr::addr_of_mut!(c1).cast()
            ),
            0
        );
        assert_eq!(
            on2(&mut || spdk_bdev_comparev_and_writev_blocks(
                d,
                ch2,
                ci.as_mut_ptr(),
                1,
                wi2.as_mut_ptr(),
                1,
                0,
                1,
                cb(),
                ptr::addr_of_mut!(c2).cast()
            )),
            0
        );
        assert!(poll_until(&ts, || c1.done == 1 && c2.done == 1));
        assert_eq!(c1.ok + c2.ok, 1, "one compare found the other's write");
        let first = &(&(*r).data)[..512];
        assert!(first == &w1[..] && c1.ok == 1 || first == &w2[..] && c2.ok == 1);

        // A write waits while a compare-and-write holds its block.
        (*r).hold = true;
        assert_eq!(
            spdk_bdev_comparev_and_writev_blocks(
                d,
                ch1,
                ci.as_mut_ptr(),
                1,
                wi1.as_mut_ptr(),
                1,
                0,
                1,
                cb(),
                ptr::addr_of_mut!(c1).cast()
            ),
            0
        );
        // The compare's read is held by the module: the lock is taken.
        assert!(poll_until(&ts, || (*r).held.len() == 1));
        let before = (*r).submits;
        assert_eq!(
            on2(&mut || spdk_bdev_write_blocks(d, ch2, p, 0, 1, cb(), a2)),
            0
        );
        for _ in 0..10 {
            poll(t);
            poll(t2);
        }
        assert_eq!((*r).submits, before, "the write waits for the unlock");
        (*r).hold = false;
        release(r);
        assert!(poll_until(&ts, || c1.done == 2 && tr2.done == 4));
        assert!(!c1.status[1], "miscompare: the block holds a new value");
        assert_eq!(
            c1.fused,
            [2, 0x85, 0, 0x09],
            "compare failure, write not done"
        );
        assert_eq!(tr2.ok, 4);

        spdk_set_thread(t2);
        spdk_put_io_channel(ch2);
        spdk_set_thread(t);
        spdk_put_io_channel(ch1);
        spdk_bdev_close(d);
        poll(t2);
        poll(t);
        spdk_set_thread(t2);
        spdk_thread_exit(t2);
        poll_until(&[t2], || spdk_thread_is_exited(t2));
        spdk_thread_destroy(t2);
        spdk_set_thread(t);
        fini(t);
    }
}
