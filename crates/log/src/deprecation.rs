//! Deprecation notices: a registered deprecated feature logs a warning
//! (rate-limited) each time it is used, and counts its uses.

use std::ffi::{c_int, CStr, CString};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::ffi::log::spdk_deprecation;
use crate::{Location, LogLevel};

pub(crate) struct Deprecation {
    pub(crate) tag: CString,
    pub(crate) description: CString,
    pub(crate) remove_release: CString,
    interval: Duration,
    hits: AtomicU64,
    rate: Mutex<RateState>,
}

struct RateState {
    last_log: Option<Instant>,
    deferred: u32,
}

static ALL: Mutex<Vec<&'static spdk_deprecation>> = Mutex::new(Vec::new());

pub(crate) fn register(
    tag: &CStr,
    desc: &CStr,
    release: &CStr,
    rate_limit_seconds: u32,
) -> &'static spdk_deprecation {
    let d: &'static spdk_deprecation = Box::leak(Box::new(spdk_deprecation {
        inner: Deprecation {
            tag: tag.to_owned(),
            description: desc.to_owned(),
            remove_release: release.to_owned(),
            interval: Duration::from_secs(rate_limit_seconds.into()),
            hits: AtomicU64::new(0),
            rate: Mutex::new(RateState {
                last_log: None,
                deferred: 0,
            }),
        },
    }));
    ALL.lock().unwrap_or_else(|e| e.into_inner()).push(d);
    d
}

/// All deprecations in registration order.
pub(crate) fn all() -> Vec<&'static spdk_deprecation> {
    ALL.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

impl Deprecation {
    pub(crate) fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Counts one use and logs it unless rate-limited.
    pub(crate) fn hit(&self, file: Option<&CStr>, line: c_int, func: Option<&CStr>) {
        self.hits.fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        let suppressed = {
            let mut r = self.rate.lock().unwrap_or_else(|e| e.into_inner());
            if !self.interval.is_zero() {
                if let Some(last) = r.last_log {
                    if now < last + self.interval {
                        r.deferred = r.deferred.saturating_add(1);
                        return;
                    }
                }
            }
            r.last_log = Some(now);
            std::mem::take(&mut r.deferred)
        };
        let msg = format!(
            "{}: deprecated feature {} to be removed in {}\n",
            self.tag.to_string_lossy(),
            self.description.to_string_lossy(),
            self.remove_release.to_string_lossy()
        );
        let msg = crate::backend::to_cstring(msg.as_bytes());
        let loc = file.map(|f| (f, line, func.unwrap_or(c"")));
        crate::backend::log_c(LogLevel::Warn, loc, &msg);
        if suppressed != 0 {
            crate::warnlog!(
                "{}: {} messages suppressed",
                self.tag.to_string_lossy(),
                suppressed
            );
        }
    }
}

/// A deprecated feature registered from Rust.
#[derive(Clone, Copy)]
pub struct DeprecationHandle(&'static spdk_deprecation);

/// Registers a deprecated feature (see spdk_log_deprecation_register()).
/// Strings containing NUL bytes lose them.
pub fn register_deprecation(
    tag: &str,
    description: &str,
    remove_release: &str,
    rate_limit_seconds: u32,
) -> DeprecationHandle {
    let c = |s: &str| crate::backend::to_cstring(s.as_bytes());
    DeprecationHandle(register(
        &c(tag),
        &c(description),
        &c(remove_release),
        rate_limit_seconds,
    ))
}

impl DeprecationHandle {
    /// Records a use at `loc`, logging a warning unless rate-limited.
    pub fn hit(&self, loc: &Location) {
        let file = crate::backend::to_cstring(crate::basename(loc.file).as_bytes());
        let func = crate::backend::to_cstring(loc.func.as_bytes());
        self.0
            .inner
            .hit(Some(&file), crate::clamp_line(loc.line), Some(&func));
    }

    /// How many uses were recorded.
    pub fn hits(&self) -> u64 {
        self.0.inner.hits()
    }

    /// The C handle.
    pub fn as_raw(&self) -> *mut spdk_deprecation {
        self.0 as *const spdk_deprecation as *mut spdk_deprecation
    }
}
