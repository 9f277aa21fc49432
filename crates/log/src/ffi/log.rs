use std::ffi::c_int;
/// Log levels.
#[repr(C)]
pub enum spdk_log_level {
    /// All messages will be suppressed.
    SPDK_LOG_DISABLED = -1,
    SPDK_LOG_ERROR,
}
#[repr(transparent)]
#[doc(hidden)]
pub struct LogLevelArg(pub c_int);
#[repr(C)]
pub struct spdk_log_opts { pub size: usize, pub log: Option<extern "C" fn(c_int)> , pub other: *mut spdk_cpuset}
/// Set level.
#[no_mangle]
pub extern "C" fn spdk_log_set_level(level: LogLevelArg) {}
#[no_mangle]
pub extern "C" fn spdk_log_open(opts: *const spdk_log_opts) {}
