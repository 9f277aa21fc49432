//! spdk_bdev_open_async().

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr;

use super::{spdk_bdev_desc, spdk_bdev_event_cb_t};

/// Called when spdk_bdev_open_async() finishes: the descriptor (NULL on
/// failure), 0 or a negative errno, the caller's argument.
pub type spdk_bdev_open_async_cb_t =
    Option<unsafe extern "C" fn(desc: *mut spdk_bdev_desc, rc: c_int, cb_arg: *mut c_void)>;

/// Options of spdk_bdev_open_async().
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_bdev_open_async_opts {
    /// sizeof(struct spdk_bdev_open_async_opts) as the caller knows it.
    pub size: usize,
    /// How long to wait for the bdev to appear, in milliseconds (0: fail
    /// at once when it does not exist).
    pub timeout_ms: u64,
}

const _: () = assert!(std::mem::size_of::<spdk_bdev_open_async_opts>() == 16);

/// Opens `bdev_name` like spdk_bdev_open_ext(), waiting up to
/// `opts->timeout_ms` for it to be registered. `open_cb(desc, rc, arg)`
/// runs later on the calling thread: rc 0, -ENODEV (no timeout),
/// -ETIMEDOUT, -ESHUTDOWN (the library finished), or an open error.
/// Returns 0, or -EINVAL (missing callback or name, opts->size 0).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_open_async(
    bdev_name: *const c_char,
    write: bool,
    event_cb: spdk_bdev_event_cb_t,
    event_ctx: *mut c_void,
    opts: *mut spdk_bdev_open_async_opts,
    open_cb: spdk_bdev_open_async_cb_t,
    open_cb_arg: *mut c_void,
) -> c_int {
    let Some(ev) = event_cb else {
        spdk_log::errlog!("Missing event callback function");
        return -libc::EINVAL;
    };
    let Some(cb) = open_cb else {
        spdk_log::errlog!("Missing open callback function");
        return -libc::EINVAL;
    };
    if bdev_name.is_null() {
        return -libc::EINVAL;
    }
    let mut timeout_ms = 0;
    if !opts.is_null() {
        let size = ptr::read_unaligned(ptr::addr_of!((*opts).size));
        if size == 0 {
            spdk_log::errlog!("size in the options structure should not be zero");
            return -libc::EINVAL;
        }
        if size >= 16 {
            timeout_ms = ptr::read_unaligned(ptr::addr_of!((*opts).timeout_ms));
        }
    }
    if ::spdk_thread::ffi::thread::spdk_get_thread().is_null() {
        return -libc::ENOTSUP;
    }
    let name = CString::from(CStr::from_ptr(bdev_name));
    // SAFETY: same ABI; the descriptor type is opaque to C.
    let cb = std::mem::transmute::<
        unsafe extern "C" fn(*mut spdk_bdev_desc, c_int, *mut c_void),
        crate::open_async::OpenCb,
    >(cb);
    crate::open_async::open(name, write, ev, event_ctx, timeout_ms, cb, open_cb_arg)
}
