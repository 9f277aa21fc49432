//! The C ABI of include/spdk/log.h.
//!
//! The printf-style entry points (`spdk_log`, `spdk_vlog`, `spdk_flog`,
//! `spdk_vflog`) are C code in `csrc/log.c`; they format the message and call
//! the `rspdk_*` functions at the end of this file.

#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr;

use crate::deprecation::Deprecation;
use crate::{flags, LogLevel};

/// With this rate limit a deprecation is reported at most once a day.
pub const SPDK_LOG_DEPRECATION_EVERY_24H: u32 = 86400;
/// With this rate limit every use of a deprecated feature is reported.
pub const SPDK_LOG_DEPRECATION_ALWAYS: u32 = 0;

/// Severity of a log message, and the thresholds compared against it: a
/// message is written when its level is at most the threshold.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum spdk_log_level {
    /// As a threshold: write nothing at all.
    SPDK_LOG_DISABLED = -1,
    SPDK_LOG_ERROR = 0,
    SPDK_LOG_WARN = 1,
    SPDK_LOG_NOTICE = 2,
    SPDK_LOG_INFO = 3,
    SPDK_LOG_DEBUG = 4,
}

impl From<LogLevel> for spdk_log_level {
    fn from(l: LogLevel) -> Self {
        match l {
            LogLevel::Disabled => spdk_log_level::SPDK_LOG_DISABLED,
            LogLevel::Error => spdk_log_level::SPDK_LOG_ERROR,
            LogLevel::Warn => spdk_log_level::SPDK_LOG_WARN,
            LogLevel::Notice => spdk_log_level::SPDK_LOG_NOTICE,
            LogLevel::Info => spdk_log_level::SPDK_LOG_INFO,
            LogLevel::Debug => spdk_log_level::SPDK_LOG_DEBUG,
        }
    }
}

/// `enum spdk_log_level` as received from C: any int may arrive.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Debug, Clone, Copy)]
pub struct LogLevelArg(pub c_int);

/// A `spdk_log_cb *`: the ABI of a C function taking a `va_list`, which Rust
/// never calls (the C shim does), so it is kept as an untyped code pointer.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Debug, Clone, Copy)]
pub struct LogCbPtr(pub *const c_void);

/// A `spdk_log_open_cb *` / `spdk_log_close_cb *`.
#[doc(hidden)]
pub type LogCtxCb = Option<unsafe extern "C" fn(ctx: *mut c_void)>;

/// The `TAILQ_ENTRY(spdk_log_flag)` of a flag.
#[doc(hidden)]
#[repr(C)]
#[derive(Debug)]
pub struct LogFlagTailq {
    pub tqe_next: *mut spdk_log_flag,
    pub tqe_prev: *mut *mut spdk_log_flag,
}

/// Options of spdk_log_open_ext(): where messages go instead of syslog.
#[repr(C)]
pub struct spdk_log_opts {
    /// sizeof(struct spdk_log_opts) as the caller knows it. Fields that do not
    /// fit in this size are taken as NULL.
    pub size: usize,
    /// Receives every message (unfiltered, unformatted); NULL for the
    /// built-in stderr/syslog output.
    pub log: LogCbPtr,
    /// Called with user_ctx by spdk_log_open_ext(), may be NULL.
    pub open: LogOpenCb,
    /// Called with user_ctx by spdk_log_close(), may be NULL.
    pub close: LogCloseCb,
    /// Passed to open and close.
    pub user_ctx: *mut c_void,
}

#[doc(hidden)]
pub type LogOpenCb = LogCtxCb;
#[doc(hidden)]
pub type LogCloseCb = LogCtxCb;

/// A debug/info log flag (log component). The library links the registered
/// flags in name order; C code declares them with
/// SPDK_LOG_REGISTER_COMPONENT().
#[repr(C)]
#[derive(Debug)]
pub struct spdk_log_flag {
    pub tailq: LogFlagTailq,
    pub name: *const c_char,
    pub enabled: bool,
}

/// An opaque registered deprecation.
pub struct spdk_deprecation {
    pub(crate) inner: Deprecation,
}

/// Called by spdk_log_for_each_deprecation() for each deprecation; a non-zero
/// return value stops the iteration.
pub type spdk_log_for_each_deprecation_fn =
    Option<unsafe extern "C" fn(ctx: *mut c_void, deprecation: *mut spdk_deprecation) -> c_int>;

unsafe fn opt_cstr<'a>(p: *const c_char) -> Option<&'a CStr> {
    if p.is_null() {
        None
    } else {
        Some(CStr::from_ptr(p))
    }
}

/// Starts logging: through `log` when it is not NULL, otherwise to syslog
/// (opened with the identity "spdk"). stderr printing is unaffected.
#[no_mangle]
pub unsafe extern "C" fn spdk_log_open(log: LogCbPtr) {
    if log.0.is_null() {
        crate::backend::open_default();
    } else {
        crate::backend::open(log.0, None, None, ptr::null_mut());
    }
}

/// Like spdk_log_open() with a user context: opts->open(opts->user_ctx) is
/// called now and opts->close(opts->user_ctx) by spdk_log_close(). A NULL
/// opts selects syslog.
#[no_mangle]
pub unsafe extern "C" fn spdk_log_open_ext(opts: *mut spdk_log_opts) {
    if opts.is_null() {
        crate::backend::open_default();
        return;
    }
    let size = (*opts).size;
    let base = opts as *const u8;
    // Reads one field when it lies within the caller's declared size.
    macro_rules! field {
        ($f:ident, $t:ty, $dflt:expr) => {{
            let off = std::mem::offset_of!(spdk_log_opts, $f);
            if off + std::mem::size_of::<$t>() <= size {
                ptr::read_unaligned(base.add(off) as *const $t)
            } else {
                $dflt
            }
        }};
    }
    let log: LogCbPtr = field!(log, LogCbPtr, LogCbPtr(ptr::null()));
    let open: LogCtxCb = field!(open, LogCtxCb, None);
    let close: LogCtxCb = field!(close, LogCtxCb, None);
    let ctx: *mut c_void = field!(user_ctx, *mut c_void, ptr::null_mut());
    crate::backend::open(log.0, open, close, ctx);
}

/// Stops logging through the function given to spdk_log_open*() (calling its
/// close callback); later messages use the built-in output.
#[no_mangle]
pub extern "C" fn spdk_log_close() {
    crate::backend::close();
}

/// Turns the `[date time.usec] ` prefix of stderr lines on (the default) or off.
#[no_mangle]
pub extern "C" fn spdk_log_enable_timestamps(value: bool) {
    crate::set_timestamps(value);
}

/// Sets the syslog threshold: messages of a higher level are not sent to
/// syslog. An out-of-range value is reported and ignored.
#[no_mangle]
pub extern "C" fn spdk_log_set_level(level: LogLevelArg) {
    match LogLevel::from_raw(level.0) {
        Some(l) => crate::set_level(l),
        None => crate::errlog!("invalid log level {}", level.0),
    }
}

/// Returns the syslog threshold.
#[no_mangle]
pub extern "C" fn spdk_log_get_level() -> spdk_log_level {
    crate::level().into()
}

/// Maps a level to the syslog priority used for it: -1 for
/// SPDK_LOG_DISABLED and for values that are not a level.
#[no_mangle]
pub extern "C" fn spdk_log_to_syslog_level(level: LogLevelArg) -> c_int {
    match LogLevel::from_raw(level.0) {
        Some(l) => l.syslog_priority(),
        None => -1,
    }
}

/// Sets the stderr threshold: messages of this level or a lower one are also
/// printed to stderr. An out-of-range value is reported and ignored.
#[no_mangle]
pub extern "C" fn spdk_log_set_print_level(level: LogLevelArg) {
    match LogLevel::from_raw(level.0) {
        Some(l) => crate::set_print_level(l),
        None => crate::errlog!("invalid print level {}", level.0),
    }
}

/// Returns the stderr threshold.
#[no_mangle]
pub extern "C" fn spdk_log_get_print_level() -> spdk_log_level {
    crate::print_level().into()
}

/// Writes `label` and a hex and ASCII dump of `len` bytes at `buf` to `fp`,
/// sixteen bytes a line. Nothing is written when fp is NULL, or buf is NULL
/// with a non-zero len.
#[no_mangle]
pub unsafe extern "C" fn spdk_log_dump(
    fp: *mut libc::FILE,
    label: *const c_char,
    buf: *const c_void,
    len: usize,
) {
    if fp.is_null() || (buf.is_null() && len != 0) {
        return;
    }
    let data: &[u8] = if len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(buf as *const u8, len)
    };
    let label = opt_cstr(label).map_or(&b""[..], |c| c.to_bytes());
    let text = crate::hexdump::hexdump_bytes(label, data);
    crate::output::write_file(fp, &text);
}

/// Adds `flag` to the registered flags under `name` (stored in flag->name
/// when that is NULL). A NULL argument or an already used name is reported
/// and the flag is not added.
#[no_mangle]
pub unsafe extern "C" fn spdk_log_register_flag(name: *const c_char, flag: *mut spdk_log_flag) {
    let Some(name) = opt_cstr(name) else {
        crate::errlog!("spdk_log_register_flag: NULL flag name");
        return;
    };
    if flag.is_null() {
        crate::errlog!("spdk_log_register_flag: NULL flag for {:?}", name);
        return;
    }
    if (*flag).name.is_null() {
        (*flag).name = name.as_ptr();
    }
    if let Err(e) = flags::register_raw(flag) {
        crate::errlog!(
            "cannot register log flag '{}': {}",
            name.to_string_lossy(),
            e
        );
    }
}

/// Returns the first registered flag in name order, NULL when there is none.
#[no_mangle]
pub extern "C" fn spdk_log_get_first_flag() -> *mut spdk_log_flag {
    flags::first()
}

/// Returns the flag after `flag` in name order; NULL after the last one and
/// for NULL or unregistered flags.
#[no_mangle]
pub extern "C" fn spdk_log_get_next_flag(flag: *mut spdk_log_flag) -> *mut spdk_log_flag {
    if flag.is_null() {
        return ptr::null_mut();
    }
    flags::next(flag)
}

/// Returns true when a flag of this name (case-insensitive) is registered and
/// enabled; false otherwise and for NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_log_get_flag(flag: *const c_char) -> bool {
    match opt_cstr(flag) {
        Some(name) => flags::get(name.to_bytes()),
        None => false,
    }
}

/// Enables every flag matching the fnmatch(3) pattern (case-insensitive), or
/// all flags for "all". Returns 0, or -EINVAL for NULL or when nothing matches.
#[no_mangle]
pub unsafe extern "C" fn spdk_log_set_flag(flag: *const c_char) -> c_int {
    match opt_cstr(flag) {
        Some(p) => flags::set(p, true).map_or_else(|e| e, |_| 0),
        None => -libc::EINVAL,
    }
}

/// Disables every flag matching the pattern, like spdk_log_set_flag().
#[no_mangle]
pub unsafe extern "C" fn spdk_log_clear_flag(flag: *const c_char) -> c_int {
    match opt_cstr(flag) {
        Some(p) => flags::set(p, false).map_or_else(|e| e, |_| 0),
        None => -libc::EINVAL,
    }
}

/// Prints the help text of the log-flag command line option `log_arg` (for
/// example "-L") to `f`, listing the registered flags.
#[no_mangle]
pub unsafe extern "C" fn spdk_log_usage(f: *mut libc::FILE, log_arg: *const c_char) {
    if f.is_null() {
        return;
    }
    let arg = opt_cstr(log_arg).map(|c| c.to_string_lossy().into_owned());
    let text = flags::usage(arg.as_deref().unwrap_or("(null)"));
    crate::output::write_file(f, text.as_bytes());
}

/// Registers a deprecated feature and stores its handle in `*reg`. Uses are
/// reported with spdk_log_deprecated(), at most once per
/// `rate_limit_seconds` (0: every time). Returns 0, or -EINVAL for a NULL
/// argument.
#[no_mangle]
pub unsafe extern "C" fn spdk_log_deprecation_register(
    tag: *const c_char,
    description: *const c_char,
    remove_release: *const c_char,
    rate_limit_seconds: u32,
    reg: *mut *mut spdk_deprecation,
) -> c_int {
    let (Some(tag), Some(desc), Some(rel)) = (
        opt_cstr(tag),
        opt_cstr(description),
        opt_cstr(remove_release),
    ) else {
        return -libc::EINVAL;
    };
    if reg.is_null() {
        return -libc::EINVAL;
    }
    let d = crate::deprecation::register(tag, desc, rel, rate_limit_seconds);
    *reg = d as *const spdk_deprecation as *mut spdk_deprecation;
    0
}

/// Counts a use of a deprecated feature and logs a warning naming it and
/// the location, subject to the deprecation's rate limit.
#[no_mangle]
pub unsafe extern "C" fn spdk_log_deprecated(
    deprecation: *mut spdk_deprecation,
    file: *const c_char,
    line: u32,
    func: *const c_char,
) {
    let file = opt_cstr(file);
    let func = opt_cstr(func);
    if deprecation.is_null() {
        crate::errlog!(
            "NULL deprecation used at {}:{}:{}",
            file.map(|c| c.to_string_lossy()).unwrap_or_default(),
            line,
            func.map(|c| c.to_string_lossy()).unwrap_or_default()
        );
        return;
    }
    let line = c_int::try_from(line).unwrap_or(c_int::MAX);
    (*deprecation).inner.hit(file, line, func);
}

/// Calls `fn` for each registered deprecation in registration order until it
/// returns non-zero. Returns the last value returned by `fn`, 0 when there
/// are no deprecations, or -EINVAL for a NULL `fn`.
#[no_mangle]
pub unsafe extern "C" fn spdk_log_for_each_deprecation(
    ctx: *mut c_void,
    r#fn: spdk_log_for_each_deprecation_fn,
) -> c_int {
    let Some(f) = r#fn else {
        return -libc::EINVAL;
    };
    let mut rc = 0;
    for d in crate::deprecation::all() {
        rc = f(ctx, d as *const spdk_deprecation as *mut spdk_deprecation);
        if rc != 0 {
            break;
        }
    }
    rc
}

/// Returns the tag of a deprecation (NULL for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_deprecation_get_tag(
    deprecation: *const spdk_deprecation,
) -> *const c_char {
    match deprecation.as_ref() {
        Some(d) => d.inner.tag.as_ptr(),
        None => ptr::null(),
    }
}

/// Returns the description of a deprecation (NULL for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_deprecation_get_description(
    deprecation: *const spdk_deprecation,
) -> *const c_char {
    match deprecation.as_ref() {
        Some(d) => d.inner.description.as_ptr(),
        None => ptr::null(),
    }
}

/// Returns the release that will remove the deprecated feature (NULL for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_deprecation_get_remove_release(
    deprecation: *const spdk_deprecation,
) -> *const c_char {
    match deprecation.as_ref() {
        Some(d) => d.inner.remove_release.as_ptr(),
        None => ptr::null(),
    }
}

/// Returns how many times the deprecated feature was used (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_deprecation_get_hits(deprecation: *const spdk_deprecation) -> u64 {
    match deprecation.as_ref() {
        Some(d) => d.inner.hits(),
        None => 0,
    }
}
