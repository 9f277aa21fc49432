//! Rust functions called only by the C shim csrc/log.c (spdk_log() and
//! friends). They are named `rspdk_*` so that libspdk.so does not export them.

#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_char, c_int, c_void, CStr};

use crate::LogLevel;

unsafe fn opt_cstr<'a>(p: *const c_char) -> Option<&'a CStr> {
    if p.is_null() {
        None
    } else {
        Some(CStr::from_ptr(p))
    }
}

/// Decides what spdk_vlog() does with a message of `level`: 0 drop it,
/// 1 hand it to the user function stored in `*cb`, 2 format it and pass it to
/// rspdk_log_write().
#[no_mangle]
pub unsafe extern "C" fn rspdk_log_route(level: c_int, cb: *mut *const c_void) -> c_int {
    match crate::backend::route(level) {
        crate::backend::Route::Drop => 0,
        crate::backend::Route::User(f) => {
            if !cb.is_null() {
                *cb = f;
            }
            1
        }
        crate::backend::Route::Builtin => 2,
    }
}

/// Writes a formatted message of `level` to stderr and/or syslog.
#[no_mangle]
pub unsafe extern "C" fn rspdk_log_write(
    level: c_int,
    file: *const c_char,
    line: c_int,
    func: *const c_char,
    msg: *const c_char,
) {
    let (Some(level), Some(msg)) = (LogLevel::from_raw(level), opt_cstr(msg)) else {
        return;
    };
    let loc = opt_cstr(file).map(|f| {
        (
            f.to_bytes(),
            line,
            opt_cstr(func).map_or(&b""[..], |c| c.to_bytes()),
        )
    });
    crate::output::emit(level, loc, msg.to_bytes());
}

/// spdk_vflog()'s output: the message with a location prefix, to `fp`.
#[no_mangle]
pub unsafe extern "C" fn rspdk_log_write_file(
    fp: *mut libc::FILE,
    file: *const c_char,
    line: c_int,
    func: *const c_char,
    msg: *const c_char,
) {
    let Some(msg) = opt_cstr(msg) else { return };
    if fp.is_null() {
        return;
    }
    let loc = opt_cstr(file).map(|f| {
        (
            f.to_bytes(),
            line,
            opt_cstr(func).map_or(&b""[..], |c| c.to_bytes()),
        )
    });
    let text = crate::output::file_line(loc, msg.to_bytes());
    crate::output::write_file(fp, &text);
}
