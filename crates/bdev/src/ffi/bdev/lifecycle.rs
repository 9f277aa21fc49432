//! The bdev library without the event framework: spdk_bdev_initialize,
//! spdk_bdev_finish, spdk_bdev_subsystem_config_json.

use std::ffi::{c_int, c_void};

use std::sync::Mutex;

use spdk_json::ffi::json::spdk_json_write_ctx;

use crate::core;

/// Called when spdk_bdev_initialize() is done: 0 or a negative errno.
pub type spdk_bdev_init_cb = Option<unsafe extern "C" fn(cb_arg: *mut c_void, rc: c_int)>;
/// Called when spdk_bdev_finish() is done.
pub type spdk_bdev_fini_cb = Option<unsafe extern "C" fn(cb_arg: *mut c_void)>;

#[derive(Clone, Copy)]
struct Cb<F>(F, *mut c_void);
// SAFETY: the caller's callback and argument, called back on its thread.
unsafe impl<F> Send for Cb<F> {}

type InitFn = unsafe extern "C" fn(*mut c_void, c_int);
type FiniFn = unsafe extern "C" fn(*mut c_void);

static INIT: Mutex<Option<Cb<InitFn>>> = Mutex::new(None);
static FINI: Mutex<Option<Cb<FiniFn>>> = Mutex::new(None);

unsafe fn init_done(rc: c_int) {
    if let Some(Cb(f, a)) = core::lock(&INIT).take() {
        f(a, rc);
    }
}

unsafe fn fini_done(_rc: c_int) {
    if let Some(Cb(f, a)) = core::lock(&FINI).take() {
        f(a);
    }
}

/// Initializes the bdev library and every registered module (the iobuf
/// pools too when nobody did); `cb_fn(cb_arg, rc)` when done, on the
/// calling SPDK thread. -EALREADY when it is initialized already.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_initialize(cb_fn: spdk_bdev_init_cb, cb_arg: *mut c_void) {
    let Some(f) = cb_fn else {
        spdk_log::errlog!("spdk_bdev_initialize: cb_fn is NULL");
        return;
    };
    if core::is_initialized() || core::lock(&INIT).is_some() {
        spdk_log::errlog!("the bdev library is initialized already");
        f(cb_arg, -libc::EALREADY);
        return;
    }
    *core::lock(&INIT) = Some(Cb(f, cb_arg));
    core::initialize(init_done);
}

/// Unregisters every bdev, finishes the modules and the library;
/// `cb_fn(cb_arg)` when done, on the calling thread.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_finish(cb_fn: spdk_bdev_fini_cb, cb_arg: *mut c_void) {
    let Some(f) = cb_fn else {
        spdk_log::errlog!("spdk_bdev_finish: cb_fn is NULL");
        return;
    };
    if !core::is_initialized() {
        f(cb_arg);
        return;
    }
    *core::lock(&FINI) = Some(Cb(f, cb_arg));
    core::finish(fini_done);
}

/// Writes the configuration of the bdev library, its modules and bdevs
/// (SPDK's "bdev" subsystem config: an array of RPC calls) into `w`.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_subsystem_config_json(w: *mut spdk_json_write_ctx) {
    if w.is_null() {
        return;
    }
    crate::rpc::write_config_json(w);
}
