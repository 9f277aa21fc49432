//! spdk_bdev_open_async(): opens a bdev, waiting up to a timeout for it to
//! appear (retrying every 100 ms from a poller on the caller's thread).
//! The callback always comes from a message, after the call returned;
//! the bdev library's finish fails the waiting opens with -ESHUTDOWN.

use std::ffi::{c_int, c_void, CString};
use std::ptr;
use std::sync::Mutex;

use ::spdk_thread::ffi::thread::{
    spdk_get_thread, spdk_poller, spdk_poller_register_named, spdk_poller_unregister, spdk_thread,
    spdk_thread_send_msg,
};

use crate::core::{self, Desc};
use crate::ffi::bdev::spdk_bdev_event_type;
use crate::ffi::bdev_module::spdk_bdev;

/// Called with the descriptor (or NULL), 0 or a negative errno, and the
/// caller's argument.
pub type OpenCb = unsafe extern "C" fn(*mut c_void, c_int, *mut c_void);
type EventCb = unsafe extern "C" fn(spdk_bdev_event_type, *mut spdk_bdev, *mut c_void);

struct Pending {
    name: CString,
    write: bool,
    event_cb: EventCb,
    event_ctx: *mut c_void,
    timeout_ms: u64,
    start: u64,
    cb: OpenCb,
    cb_arg: *mut c_void,
    thread: *mut spdk_thread,
    poller: *mut spdk_poller,
    rc: c_int,
    desc: *mut Desc,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct PendingPtr(*mut Pending);
// SAFETY: each entry is used on its own thread; the list only holds it.
unsafe impl Send for PendingPtr {}

static PENDING: Mutex<Vec<PendingPtr>> = Mutex::new(Vec::new());

/// Starts an asynchronous open; -ENOMEM when no poller can be made.
#[allow(clippy::too_many_arguments)]
pub unsafe fn open(
    name: CString,
    write: bool,
    event_cb: EventCb,
    event_ctx: *mut c_void,
    timeout_ms: u64,
    cb: OpenCb,
    cb_arg: *mut c_void,
) -> c_int {
    let p = Box::into_raw(Box::new(Pending {
        name,
        write,
        event_cb,
        event_ctx,
        timeout_ms,
        start: spdk_env::ticks::ticks(),
        cb,
        cb_arg,
        thread: spdk_get_thread(),
        poller: ptr::null_mut(),
        rc: 0,
        desc: ptr::null_mut(),
    }));
    (*p).poller =
        spdk_poller_register_named(Some(retry), p.cast(), 100_000, c"bdev_open_async".as_ptr());
    if (*p).poller.is_null() {
        spdk_log::errlog!("Failed to register bdev_open_async poller");
        drop(Box::from_raw(p));
        return -libc::ENOMEM;
    }
    core::lock(&PENDING).push(PendingPtr(p));
    attempt(p);
    0
}

unsafe extern "C" fn retry(arg: *mut c_void) -> c_int {
    attempt(arg.cast());
    1
}

/// One try: done on success, without a timeout, or past it.
unsafe fn attempt(p: *mut Pending) {
    if (*p).rc == -libc::ESHUTDOWN {
        return;
    }
    let r = core::open(
        (*p).name.as_bytes(),
        (*p).write,
        (*p).event_cb,
        (*p).event_ctx,
        false,
    );
    match r {
        Ok(d) => {
            (*p).desc = d;
            (*p).rc = 0;
        }
        Err(e) => {
            (*p).rc = e;
            if (*p).timeout_ms != 0 {
                let limit =
                    (*p).start + (*p).timeout_ms.saturating_mul(spdk_env::ticks::ticks_hz()) / 1000;
                if spdk_env::ticks::ticks() < limit {
                    return;
                }
                spdk_log::errlog!(
                    "Timed out while waiting for bdev '{}' to appear",
                    (*p).name.to_string_lossy()
                );
                (*p).rc = -libc::ETIMEDOUT;
            }
        }
    }
    spdk_poller_unregister(&mut (*p).poller);
    core::lock(&PENDING).retain(|x| x.0 != p);
    spdk_thread_send_msg((*p).thread, Some(done), p.cast());
}

unsafe extern "C" fn done(arg: *mut c_void) {
    let p = Box::from_raw(arg.cast::<Pending>());
    (p.cb)(p.desc.cast(), p.rc, p.cb_arg);
}

/// The library finishes: every waiting open fails with -ESHUTDOWN.
pub unsafe fn cancel_all() {
    let all = std::mem::take(&mut *core::lock(&PENDING));
    for p in all {
        (*p.0).rc = -libc::ESHUTDOWN;
        spdk_thread_send_msg((*p.0).thread, Some(cancel), p.0.cast());
    }
}

unsafe extern "C" fn cancel(arg: *mut c_void) {
    let p = arg.cast::<Pending>();
    if !(*p).poller.is_null() {
        spdk_poller_unregister(&mut (*p).poller);
    }
    done(arg);
}
