//! The null bdev aborts I/O still waiting for its completion poller.

use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_bdev::{core, null};
use ::spdk_thread::ffi::thread::*;

static INIT_RC: AtomicUsize = AtomicUsize::new(usize::MAX);
static OK: AtomicUsize = AtomicUsize::new(0);
static FAILED: AtomicUsize = AtomicUsize::new(0);

unsafe fn init_done(rc: c_int) {
    INIT_RC.store(rc as usize, Ordering::SeqCst);
}

unsafe extern "C" fn done(io: *mut spdk_bdev_io, ok: bool, _arg: *mut c_void) {
    if ok { &OK } else { &FAILED }.fetch_add(1, Ordering::SeqCst);
    spdk_bdev_free_io(io);
}

unsafe extern "C" fn ev(_t: spdk_bdev_event_type, _b: *mut spdk_bdev, _c: *mut c_void) {}

#[test]
fn queued_null_io_is_aborted() {
    unsafe {
        assert_eq!(spdk_thread_lib_init(None, 0), 0);
        let t = spdk_thread_create(c"null_abort".as_ptr(), ptr::null());
        spdk_set_thread(t);
        ::spdk_bdev::register_builtin_modules();
        core::initialize(init_done);
        for _ in 0..8 {
            spdk_thread_poll(t, 0, 0);
        }
        assert_eq!(INIT_RC.load(Ordering::SeqCst), 0);
        let o = null::NullOpts {
            name: "n0".into(),
            num_blocks: 64,
            block_size: 512,
            ..Default::default()
        };
        null::create(&o).expect("null bdev");
        let mut desc = ptr::null_mut();
        assert_eq!(
            spdk_bdev_open_ext(c"n0".as_ptr(), false, Some(ev), ptr::null_mut(), &mut desc),
            0
        );
        let ch = spdk_bdev_get_io_channel(desc);
        let mut buf = [0u8; 512];
        let mut tag = 0u8;
        let tag_p: *mut c_void = ptr::addr_of_mut!(tag).cast();
        for arg in [tag_p, tag_p, ptr::null_mut()] {
            let r = spdk_bdev_read_blocks(desc, ch, buf.as_mut_ptr().cast(), 0, 1, Some(done), arg);
            assert_eq!(r, 0);
        }
        // Before the null poller runs, both tagged reads are aborted.
        let mut abort_ok = 0u8;
        let r = spdk_bdev_abort(
            desc,
            ch,
            tag_p,
            Some(done),
            ptr::addr_of_mut!(abort_ok).cast(),
        );
        assert_eq!(r, 0);
        for _ in 0..8 {
            spdk_thread_poll(t, 0, 0);
        }
        // Two aborted reads failed; the untagged read and the abort succeeded.
        assert_eq!(FAILED.load(Ordering::SeqCst), 2);
        assert_eq!(OK.load(Ordering::SeqCst), 2);
        spdk_put_io_channel(ch);
        spdk_bdev_close(desc);
        for _ in 0..8 {
            spdk_thread_poll(t, 0, 0);
        }
    }
}
