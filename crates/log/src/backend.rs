//! Where messages go: a user log function set with spdk_log_open*(), or the
//! built-in stderr/syslog output.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Mutex;

use crate::ffi::log::LogCtxCb;
use crate::LogLevel;

/// The user's spdk_log_cb, NULL for the built-in output. Read on every
/// message, so kept outside the mutex.
static USER_LOG: AtomicPtr<c_void> = AtomicPtr::new(ptr::null_mut());

struct Opener {
    open: LogCtxCb,
    close: LogCtxCb,
    ctx: *mut c_void,
}

// SAFETY: the context pointer is only handed back to the user's callbacks.
unsafe impl Send for Opener {}

static OPENER: Mutex<Opener> = Mutex::new(Opener {
    open: None,
    close: None,
    ctx: ptr::null_mut(),
});

fn opener() -> std::sync::MutexGuard<'static, Opener> {
    OPENER.lock().unwrap_or_else(|e| e.into_inner())
}

/// What to do with a message.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Route {
    Drop,
    /// Pass it, unformatted, to this spdk_log_cb.
    User(*const c_void),
    /// Format it and write it to stderr and/or syslog.
    Builtin,
}

pub(crate) fn route(level: c_int) -> Route {
    let Some(level) = LogLevel::from_raw(level) else {
        return Route::Drop;
    };
    if level == LogLevel::Disabled {
        return Route::Drop;
    }
    let user = USER_LOG.load(Ordering::Acquire);
    if !user.is_null() {
        return Route::User(user);
    }
    if level > crate::print_level() && level > crate::level() {
        return Route::Drop;
    }
    Route::Builtin
}

unsafe extern "C" fn syslog_open(_ctx: *mut c_void) {
    libc::openlog(c"spdk".as_ptr(), libc::LOG_PID, libc::LOG_LOCAL7);
}

unsafe extern "C" fn syslog_close(_ctx: *mut c_void) {
    libc::closelog();
}

/// spdk_log_open(NULL): built-in output with syslog opened as "spdk".
pub(crate) fn open_default() {
    open(
        ptr::null(),
        Some(syslog_open),
        Some(syslog_close),
        ptr::null_mut(),
    );
}

/// Installs a log function (or none) and open/close callbacks, and calls
/// the open callback.
pub(crate) fn open(log: *const c_void, open: LogCtxCb, close: LogCtxCb, ctx: *mut c_void) {
    {
        let mut o = opener();
        o.open = open;
        o.close = close;
        o.ctx = ctx;
        USER_LOG.store(log as *mut c_void, Ordering::Release);
    }
    if let Some(f) = open {
        // SAFETY: a callback the caller supplied for exactly this call.
        unsafe { f(ctx) };
    }
}

/// Calls the close callback and returns to the built-in output.
pub(crate) fn close() {
    let (close, ctx) = {
        let mut o = opener();
        let r = (o.close.take(), o.ctx);
        o.open = None;
        o.ctx = ptr::null_mut();
        USER_LOG.store(ptr::null_mut(), Ordering::Release);
        r
    };
    if let Some(f) = close {
        // SAFETY: as in open().
        unsafe { f(ctx) };
    }
}

extern "C" {
    fn spdk_log(
        level: c_int,
        file: *const c_char,
        line: c_int,
        func: *const c_char,
        format: *const c_char,
        ...
    );
}

pub(crate) fn to_cstring(s: &[u8]) -> CString {
    let v: Vec<u8> = s.iter().copied().filter(|&b| b != 0).collect();
    CString::new(v).unwrap_or_default()
}

/// Hands a message formatted in Rust to the user's log function, through
/// spdk_log() with a "%s" format (the function wants a va_list).
pub(crate) fn log_through_user(level: LogLevel, loc: Option<&crate::Location>, msg: &str) {
    let msg = to_cstring(msg.as_bytes());
    match loc {
        Some(l) => {
            let file = to_cstring(crate::basename(l.file).as_bytes());
            let func = to_cstring(l.func.as_bytes());
            log_c(level, Some((&file, crate::clamp_line(l.line), &func)), &msg);
        }
        None => log_c(level, None, &msg),
    }
}

/// spdk_log(level, file, line, func, "%s", msg).
pub(crate) fn log_c(level: LogLevel, loc: Option<(&CStr, c_int, &CStr)>, msg: &CStr) {
    let (file, line, func) = match loc {
        Some((f, l, fu)) => (f.as_ptr(), l, fu.as_ptr()),
        None => (ptr::null(), -1, ptr::null()),
    };
    // SAFETY: all strings are NUL-terminated and live across the call.
    unsafe {
        spdk_log(
            level as c_int,
            file,
            line,
            func,
            c"%s".as_ptr(),
            msg.as_ptr(),
        )
    };
}
