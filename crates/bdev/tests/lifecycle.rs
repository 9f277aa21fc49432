//! The bdev library driven as a C program without the event framework
//! would: spdk_bdev_initialize / spdk_bdev_finish, a module with an
//! asynchronous fini_start (spdk_bdev_module_fini_start_done), and an
//! asynchronous open still waiting at finish (-ESHUTDOWN).

use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

use ::spdk_bdev::ffi::bdev::lifecycle::*;
use ::spdk_bdev::ffi::bdev::open_async::*;
use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::io::spdk_bdev_module_fini_start_done;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_thread::ffi::thread::*;

struct Cell<T>(std::cell::UnsafeCell<T>);
// SAFETY: one test thread.
unsafe impl<T> Sync for Cell<T> {}

static STEPS: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());

fn step(s: &'static str) {
    STEPS.lock().unwrap().push(s);
}

static SLOW: Cell<spdk_bdev_module> = Cell(std::cell::UnsafeCell::new(spdk_bdev_module {
    module_init: Some(slow_init),
    init_complete: Some(slow_init_complete),
    fini_start: Some(slow_fini_start),
    module_fini: Some(slow_fini),
    config_json: None,
    name: c"slow".as_ptr(),
    get_ctx_size: None,
    examine_config: None,
    examine_disk: None,
    async_init: false,
    async_fini: false,
    async_fini_start: true,
    internal: spdk_bdev_module_internal_fields::new(),
}));

unsafe extern "C" fn slow_init() -> c_int {
    step("init");
    0
}
unsafe extern "C" fn slow_init_complete() {
    step("init_complete");
}
unsafe extern "C" fn slow_fini_start() {
    step("fini_start");
    // Done later, from a message.
    spdk_thread_send_msg(spdk_get_thread(), Some(fini_start_later), ptr::null_mut());
}
unsafe extern "C" fn fini_start_later(_a: *mut c_void) {
    step("fini_start_done");
    spdk_bdev_module_fini_start_done();
}
unsafe extern "C" fn slow_fini() {
    step("fini");
}

static INIT_RC: AtomicI32 = AtomicI32::new(1);
static FINISHED: AtomicUsize = AtomicUsize::new(0);
static OPEN_RC: AtomicI32 = AtomicI32::new(1);

unsafe extern "C" fn inited(arg: *mut c_void, rc: c_int) {
    assert_eq!(arg as usize, 42);
    INIT_RC.store(rc, Ordering::SeqCst);
}
unsafe extern "C" fn finished(arg: *mut c_void) {
    assert_eq!(arg as usize, 43);
    FINISHED.fetch_add(1, Ordering::SeqCst);
}
unsafe extern "C" fn opened(d: *mut spdk_bdev_desc, rc: c_int, _a: *mut c_void) {
    assert!(d.is_null());
    OPEN_RC.store(rc, Ordering::SeqCst);
}
unsafe extern "C" fn ev(_t: spdk_bdev_event_type, _b: *mut spdk_bdev, _c: *mut c_void) {}

unsafe fn poll(t: *mut spdk_thread) {
    for _ in 0..200 {
        spdk_thread_poll(t, 0, 0);
    }
}

#[test]
fn initialize_and_finish_from_c() {
    unsafe {
        assert_eq!(spdk_thread_lib_init(None, 0), 0);
        let t = spdk_thread_create(c"app".as_ptr(), ptr::null());
        spdk_set_thread(t);
        spdk_bdev_module_list_add(SLOW.0.get());
        spdk_bdev_initialize(Some(inited), 42 as *mut c_void);
        poll(t);
        assert_eq!(INIT_RC.load(Ordering::SeqCst), 0);
        spdk_bdev_initialize(Some(inited), 42 as *mut c_void);
        assert_eq!(INIT_RC.load(Ordering::SeqCst), -libc::EALREADY);
        spdk_bdev_initialize(None, ptr::null_mut());
        assert_eq!(*STEPS.lock().unwrap(), ["init", "init_complete"]);

        // A null bdev from the built-in module works.
        let o = ::spdk_bdev::null::NullOpts {
            name: "n0".into(),
            num_blocks: 16,
            block_size: 512,
            ..Default::default()
        };
        ::spdk_bdev::null::create(&o).expect("null bdev");

        // An open still waiting for its bdev when the library finishes.
        let mut ao = spdk_bdev_open_async_opts {
            size: 16,
            timeout_ms: 60_000,
        };
        assert_eq!(
            spdk_bdev_open_async(
                c"missing".as_ptr(),
                false,
                Some(ev),
                ptr::null_mut(),
                &mut ao,
                Some(opened),
                ptr::null_mut()
            ),
            0
        );
        poll(t);
        assert_eq!(OPEN_RC.load(Ordering::SeqCst), 1, "still waiting");

        spdk_bdev_finish(Some(finished), 43 as *mut c_void);
        poll(t);
        assert_eq!(FINISHED.load(Ordering::SeqCst), 1);
        assert_eq!(OPEN_RC.load(Ordering::SeqCst), -libc::ESHUTDOWN);
        assert_eq!(
            *STEPS.lock().unwrap(),
            [
                "init",
                "init_complete",
                "fini_start",
                "fini_start_done",
                "fini"
            ],
            "bdevs go after the async fini_start is done, modules after"
        );
        assert!(spdk_bdev_first().is_null());
        // Finishing a finished library just calls back.
        spdk_bdev_finish(Some(finished), 43 as *mut c_void);
        assert_eq!(FINISHED.load(Ordering::SeqCst), 2);
    }
}
