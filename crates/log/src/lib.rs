//! SPDK logging (include/spdk/log.h): levels, stderr/syslog output, log flags
//! (components), hex dumps and deprecation notices.
//!
//! Rust crates log through the macros [`errlog!`], [`warnlog!`],
//! [`noticelog!`], [`infolog!`] and [`debuglog!`], which produce the same
//! lines as the C macros SPDK_ERRLOG() and friends, and declare their flags
//! with [`log_flag!`]:
//!
//! ```
//! spdk_log::log_flag!(pub static LOG_EXAMPLE = "example");
//! spdk_log::errlog!("cannot open {}", "/dev/null");
//! spdk_log::debuglog!(LOG_EXAMPLE, "only printed when the flag is set");
//! ```

use std::ffi::{c_int, CStr};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

pub mod ffi {
    pub mod log;
}

pub(crate) mod backend;
mod cshim;
mod deprecation;
mod flags;
pub(crate) mod hexdump;
mod macros;
pub(crate) mod output;

pub use deprecation::{register_deprecation, DeprecationHandle};
pub use flags::{clear_flag, flag_enabled, flag_names, register_flag, set_flag, LogFlag};
pub use hexdump::hexdump;

/// Severity of a message and threshold of an output (see `enum spdk_log_level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(i32)]
pub enum LogLevel {
    /// As a threshold: nothing is written.
    Disabled = -1,
    Error = 0,
    Warn = 1,
    Notice = 2,
    Info = 3,
    Debug = 4,
}

impl LogLevel {
    /// The level of a C `enum spdk_log_level` value, None when out of range.
    pub fn from_raw(v: c_int) -> Option<LogLevel> {
        Some(match v {
            -1 => LogLevel::Disabled,
            0 => LogLevel::Error,
            1 => LogLevel::Warn,
            2 => LogLevel::Notice,
            3 => LogLevel::Info,
            4 => LogLevel::Debug,
            _ => return None,
        })
    }

    /// The word printed between asterisks in a log line.
    pub fn name(self) -> &'static str {
        match self {
            LogLevel::Disabled => "DISABLED",
            LogLevel::Error => "ERROR",
            LogLevel::Warn => "WARNING",
            LogLevel::Notice => "NOTICE",
            LogLevel::Info => "INFO",
            LogLevel::Debug => "DEBUG",
        }
    }

    /// The syslog priority of messages of this level, -1 for Disabled.
    pub fn syslog_priority(self) -> c_int {
        match self {
            LogLevel::Disabled => -1,
            LogLevel::Error => libc::LOG_ERR,
            LogLevel::Warn => libc::LOG_WARNING,
            LogLevel::Notice => libc::LOG_NOTICE,
            LogLevel::Info | LogLevel::Debug => libc::LOG_INFO,
        }
    }
}

// Both thresholds start at SPDK_LOG_ERROR, as in SPDK (zero-initialized).
static LEVEL: AtomicI32 = AtomicI32::new(LogLevel::Error as i32);
static PRINT_LEVEL: AtomicI32 = AtomicI32::new(LogLevel::Error as i32);
static TIMESTAMPS: AtomicBool = AtomicBool::new(true);

fn load_level(a: &AtomicI32) -> LogLevel {
    LogLevel::from_raw(a.load(Ordering::Relaxed)).unwrap_or(LogLevel::Error)
}

/// Sets the syslog threshold.
pub fn set_level(level: LogLevel) {
    LEVEL.store(level as i32, Ordering::Relaxed);
}

/// The syslog threshold.
pub fn level() -> LogLevel {
    load_level(&LEVEL)
}

/// Sets the stderr threshold.
pub fn set_print_level(level: LogLevel) {
    PRINT_LEVEL.store(level as i32, Ordering::Relaxed);
}

/// The stderr threshold.
pub fn print_level() -> LogLevel {
    load_level(&PRINT_LEVEL)
}

/// Turns the timestamp prefix of stderr lines on or off.
pub fn set_timestamps(on: bool) {
    TIMESTAMPS.store(on, Ordering::Relaxed);
}

pub(crate) fn timestamps() -> bool {
    TIMESTAMPS.load(Ordering::Relaxed)
}

/// True when a message of `level` would go anywhere (a user log function
/// set with spdk_log_open() receives every message). Cheap: check it before
/// formatting.
pub fn would_log(level: LogLevel) -> bool {
    !matches!(backend::route(level as c_int), backend::Route::Drop)
}

/// Where a message comes from: `file`, `line` and function, as printed in
/// `file: 123:func: *ERROR*: ...`.
#[derive(Debug, Clone, Copy)]
pub struct Location {
    pub file: &'static str,
    pub line: u32,
    pub func: &'static str,
}

/// Logs a message of `level` like spdk_log(). Used by the macros; `args`
/// is formatted only when the message goes somewhere. A newline is added
/// unless the message ends with one.
pub fn log(level: LogLevel, loc: Option<&Location>, args: fmt::Arguments<'_>) {
    let route = backend::route(level as c_int);
    if matches!(route, backend::Route::Drop) {
        return;
    }
    let mut msg = match args.as_str() {
        Some(s) => s.to_string(),
        None => fmt::format(args),
    };
    if !msg.ends_with('\n') {
        msg.push('\n');
    }
    match route {
        backend::Route::Drop => {}
        backend::Route::Builtin => {
            let loc = loc.map(|l| {
                (
                    basename(l.file).as_bytes(),
                    clamp_line(l.line),
                    l.func.as_bytes(),
                )
            });
            output::emit(level, loc, msg.as_bytes());
        }
        backend::Route::User(_) => backend::log_through_user(level, loc, &msg),
    }
}

fn clamp_line(line: u32) -> c_int {
    c_int::try_from(line).unwrap_or(c_int::MAX)
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Turns `type_name` of a function-local item (`crate::module::func::f`)
/// into the name of the enclosing function, skipping closures.
#[doc(hidden)]
pub fn __func_name(type_name: &'static str) -> &'static str {
    let path = type_name.strip_suffix("::__f").unwrap_or(type_name);
    path.rsplit("::")
        .find(|s| !s.starts_with('{'))
        .unwrap_or(path)
}

/// Like SPDK_PRINTF(): a NOTICE message without location prefix, written
/// exactly as formatted (no newline added).
pub fn printf(args: fmt::Arguments<'_>) {
    let route = backend::route(LogLevel::Notice as c_int);
    if matches!(route, backend::Route::Drop) {
        return;
    }
    let msg = fmt::format(args);
    match route {
        backend::Route::Builtin => output::emit(LogLevel::Notice, None, msg.as_bytes()),
        backend::Route::User(_) => backend::log_through_user(LogLevel::Notice, None, &msg),
        backend::Route::Drop => {}
    }
}

/// The C string `s` (a literal with its NUL, from the macros) as a CStr.
#[doc(hidden)]
pub const fn __cstr(s: &'static str) -> &'static CStr {
    match CStr::from_bytes_with_nul(s.as_bytes()) {
        Ok(c) => c,
        Err(_) => panic!("log flag name must not contain NUL"),
    }
}

#[cfg(test)]
mod tests;
