//! The built-in output: line formatting, stderr and syslog.

use std::ffi::c_int;
use std::fmt::Write as _;

use crate::LogLevel;

extern "C" {
    fn rspdk_log_c_stderr() -> *mut libc::FILE;
}

/// A message's origin as C gives it: file, line, function.
pub(crate) type Loc<'a> = Option<(&'a [u8], c_int, &'a [u8])>;

/// `[YYYY-MM-DD HH:MM:SS.uuuuuu] ` in local time, or "" when timestamps are
/// turned off.
pub(crate) fn timestamp_prefix() -> String {
    if !crate::timestamps() {
        return String::new();
    }
    // SAFETY: plain libc calls on local out-parameters.
    unsafe {
        let mut ts: libc::timespec = std::mem::zeroed();
        libc::clock_gettime(libc::CLOCK_REALTIME, &mut ts);
        let usec = ts.tv_nsec / 1000;
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&ts.tv_sec, &mut tm).is_null() {
            return format!("[unknown date.{usec:06}] ");
        }
        format!(
            "[{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}] ",
            tm.tm_year + 1900,
            tm.tm_mon + 1,
            tm.tm_mday,
            tm.tm_hour,
            tm.tm_min,
            tm.tm_sec,
            usec
        )
    }
}

/// `file:line:func: *LEVEL*: ` (line right-aligned in four columns).
fn location_prefix(out: &mut Vec<u8>, loc: (&[u8], c_int, &[u8]), level: Option<LogLevel>) {
    let (file, line, func) = loc;
    out.extend_from_slice(file);
    let mut s = String::new();
    let _ = write!(s, ":{line:4}:");
    out.extend_from_slice(s.as_bytes());
    out.extend_from_slice(func);
    out.extend_from_slice(b": ");
    if let Some(level) = level {
        out.push(b'*');
        out.extend_from_slice(level.name().as_bytes());
        out.extend_from_slice(b"*: ");
    }
}

/// The stderr line of a message (without timestamp).
pub(crate) fn message_body(level: LogLevel, loc: Loc<'_>, msg: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(msg.len() + 64);
    if let Some(loc) = loc {
        location_prefix(&mut out, loc, Some(level));
    }
    out.extend_from_slice(msg);
    out
}

/// spdk_vflog()'s text: timestamp, location without level, message.
pub(crate) fn file_line(loc: Loc<'_>, msg: &[u8]) -> Vec<u8> {
    let mut out = timestamp_prefix().into_bytes();
    if let Some(loc) = loc {
        location_prefix(&mut out, loc, None);
    }
    out.extend_from_slice(msg);
    out
}

/// Writes `bytes` to a C stream with one call, so concurrent messages do not
/// interleave, and flushes it.
pub(crate) fn write_file(fp: *mut libc::FILE, bytes: &[u8]) {
    if fp.is_null() {
        return;
    }
    // SAFETY: fp is a stream supplied by the C caller (or C's stderr).
    unsafe {
        if !bytes.is_empty() {
            libc::fwrite(bytes.as_ptr().cast(), 1, bytes.len(), fp);
        }
        libc::fflush(fp);
    }
}

/// Writes a message to stderr and/or syslog according to the thresholds.
pub(crate) fn emit(level: LogLevel, loc: Loc<'_>, msg: &[u8]) {
    if level == LogLevel::Disabled {
        return;
    }
    let to_stderr = level <= crate::print_level();
    let to_syslog = level <= crate::level();
    if !to_stderr && !to_syslog {
        return;
    }
    let body = message_body(level, loc, msg);
    if to_stderr {
        let mut line = timestamp_prefix().into_bytes();
        line.extend_from_slice(&body);
        // SAFETY: returns C's stderr stream.
        write_file(unsafe { rspdk_log_c_stderr() }, &line);
    }
    if to_syslog {
        let text = crate::backend::to_cstring(&body);
        // SAFETY: "%s" with a NUL-terminated string.
        unsafe { libc::syslog(level.syslog_priority(), c"%s".as_ptr(), text.as_ptr()) };
    }
}
