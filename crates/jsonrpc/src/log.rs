//! Logging of requests and responses (spdk_jsonrpc_set_log_level() and
//! spdk_jsonrpc_set_log_file()).

use std::sync::atomic::{AtomicI32, AtomicPtr, Ordering};

use spdk_log::LogLevel;

static LEVEL: AtomicI32 = AtomicI32::new(LogLevel::Disabled as i32);
static FILE: AtomicPtr<libc::FILE> = AtomicPtr::new(std::ptr::null_mut());

pub(crate) fn set_level(level: LogLevel) {
    LEVEL.store(level as i32, Ordering::Relaxed);
}

pub(crate) fn set_file(f: *mut libc::FILE) {
    FILE.store(f, Ordering::Relaxed);
}

/// Logs `text` (newlines removed) after `prefix` where logging is enabled.
pub(crate) fn jsonrpc_log(text: &[u8], prefix: &str) {
    let level = LogLevel::from_raw(LEVEL.load(Ordering::Relaxed)).unwrap_or(LogLevel::Disabled);
    let file = FILE.load(Ordering::Relaxed);
    if level == LogLevel::Disabled && file.is_null() {
        return;
    }
    let end = text.iter().position(|&c| c == 0).unwrap_or(text.len());
    let flat: Vec<u8> = text[..end]
        .iter()
        .copied()
        .filter(|&c| c != b'\n')
        .collect();
    let flat = String::from_utf8_lossy(&flat);
    if level != LogLevel::Disabled {
        spdk_log::log(level, None, format_args!("{prefix}{flat}\n"));
    }
    if !file.is_null() {
        let line = format!("{prefix}{flat}\n");
        // SAFETY: the caller of spdk_jsonrpc_set_log_file() keeps it open.
        unsafe {
            libc::fwrite(line.as_ptr().cast(), 1, line.len(), file);
            libc::fflush(file);
        }
    }
}
