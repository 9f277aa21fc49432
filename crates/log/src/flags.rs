//! The registry of log flags (SPDK's "log components").
//!
//! C flags are `struct spdk_log_flag`s owned by the caller
//! (SPDK_LOG_REGISTER_COMPONENT); Rust flags are [`LogFlag`] statics that
//! wrap one. All are kept in case-insensitive name order, and their
//! TAILQ_ENTRY links are kept consistent with that order.

use std::cell::UnsafeCell;
use std::cmp::Ordering as CmpOrdering;
use std::ffi::{c_int, c_void, CStr, CString};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Mutex, MutexGuard};

use crate::ffi::log::{spdk_log_flag, LogFlagTailq};

/// A log flag declared in Rust. Declare it with [`log_flag!`](crate::log_flag),
/// which also makes it known to the registry without a constructor, so
/// `spdk_log_set_flag()` finds it before it is ever used.
pub struct LogFlag {
    raw: UnsafeCell<spdk_log_flag>,
    name: &'static CStr,
    /// 0: not registered yet, 1: registered, 2: registration failed.
    state: AtomicU8,
}

// SAFETY: the links are only written under the registry mutex, and the
// `enabled` byte is accessed atomically.
unsafe impl Sync for LogFlag {}

impl LogFlag {
    /// A flag named `name`, disabled, not yet registered.
    pub const fn new(name: &'static CStr) -> LogFlag {
        LogFlag {
            raw: UnsafeCell::new(spdk_log_flag {
                tailq: LogFlagTailq {
                    tqe_next: ptr::null_mut(),
                    tqe_prev: ptr::null_mut(),
                },
                name: name.as_ptr(),
                enabled: false,
            }),
            name,
            state: AtomicU8::new(0),
        }
    }

    /// The flag's name.
    pub fn name(&self) -> &'static str {
        self.name.to_str().unwrap_or("")
    }

    fn enabled_cell(&self) -> &AtomicBool {
        // SAFETY: `enabled` is a bool inside our UnsafeCell, only ever accessed
        // atomically by Rust (C code reading it directly, as SPDK's macros do,
        // reads a single byte).
        unsafe { AtomicBool::from_ptr(ptr::addr_of_mut!((*self.raw.get()).enabled)) }
    }

    /// Whether the flag is enabled (registers it on first use if needed).
    #[inline]
    pub fn enabled(&'static self) -> bool {
        if self.state.load(Ordering::Acquire) == 0 {
            let _ = register_flag(self);
        }
        self.enabled_cell().load(Ordering::Relaxed)
    }

    /// Enables or disables this flag.
    pub fn set_enabled(&'static self, on: bool) {
        if self.state.load(Ordering::Acquire) == 0 {
            let _ = register_flag(self);
        }
        self.enabled_cell().store(on, Ordering::Relaxed);
    }

    /// The C view of this flag.
    pub fn as_raw(&'static self) -> *mut spdk_log_flag {
        self.raw.get()
    }
}

struct FlagPtr(*mut spdk_log_flag);
// SAFETY: registered flags live forever and are only relinked under the lock.
unsafe impl Send for FlagPtr {}

struct Registry {
    flags: Vec<FlagPtr>,
    scanned: bool,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    flags: Vec::new(),
    scanned: false,
});

/// The TAILQ_HEAD the registered flags' links hang from.
#[repr(C)]
struct Head {
    first: *mut spdk_log_flag,
    last: *mut *mut spdk_log_flag,
}
struct HeadCell(UnsafeCell<Head>);
// SAFETY: only touched under the registry lock.
unsafe impl Sync for HeadCell {}
static HEAD: HeadCell = HeadCell(UnsafeCell::new(Head {
    first: ptr::null_mut(),
    last: ptr::null_mut(),
}));

extern "C" {
    fn rspdk_log_flag_section(start: *mut *mut *mut c_void, stop: *mut *mut *mut c_void);
}

fn lock() -> MutexGuard<'static, Registry> {
    let mut reg = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    if !reg.scanned {
        reg.scanned = true;
        scan_section(&mut reg);
    }
    reg
}

/// Registers every flag declared with `log_flag!` that is linked in.
fn scan_section(reg: &mut Registry) {
    let mut start: *mut *mut c_void = ptr::null_mut();
    let mut stop: *mut *mut c_void = ptr::null_mut();
    // SAFETY: out-parameters; the section holds `&'static LogFlag`s and NULLs.
    unsafe {
        rspdk_log_flag_section(&mut start, &mut stop);
        if start.is_null() || stop.is_null() || stop < start {
            return;
        }
        let n = stop.offset_from(start) as usize;
        for i in 0..n {
            let p = *start.add(i) as *const LogFlag;
            if let Some(flag) = p.as_ref() {
                if let Err(e) = register_locked(reg, flag) {
                    crate::errlog!("cannot register log flag '{}': {}", flag.name(), e);
                }
            }
        }
    }
}

fn name_of(flag: *mut spdk_log_flag) -> &'static [u8] {
    // SAFETY: registered flags have a non-NULL name that outlives them.
    unsafe {
        let n = (*flag).name;
        if n.is_null() {
            b""
        } else {
            CStr::from_ptr(n).to_bytes()
        }
    }
}

fn cmp_ignore_case(a: &[u8], b: &[u8]) -> CmpOrdering {
    let a = a.iter().map(|c| c.to_ascii_lowercase());
    let b = b.iter().map(|c| c.to_ascii_lowercase());
    a.cmp(b)
}

fn enabled_of(flag: *mut spdk_log_flag) -> &'static AtomicBool {
    // SAFETY: registered flags are valid forever; see LogFlag::enabled_cell.
    unsafe { AtomicBool::from_ptr(ptr::addr_of_mut!((*flag).enabled)) }
}

fn relink(reg: &Registry) {
    // SAFETY: all pointers are registered flags; we hold the lock.
    unsafe {
        let head = HEAD.0.get();
        let n = reg.flags.len();
        (*head).first = reg.flags.first().map_or(ptr::null_mut(), |f| f.0);
        for (i, f) in reg.flags.iter().enumerate() {
            let t = &mut (*f.0).tailq;
            t.tqe_next = if i + 1 < n {
                reg.flags[i + 1].0
            } else {
                ptr::null_mut()
            };
            t.tqe_prev = if i == 0 {
                ptr::addr_of_mut!((*head).first)
            } else {
                let prev: *mut spdk_log_flag = reg.flags[i - 1].0;
                ptr::addr_of_mut!((*prev).tailq.tqe_next)
            };
        }
        (*head).last = match reg.flags.last() {
            Some(f) => ptr::addr_of_mut!((*f.0).tailq.tqe_next),
            None => ptr::addr_of_mut!((*head).first),
        };
    }
}

fn insert_locked(reg: &mut Registry, flag: *mut spdk_log_flag) -> Result<(), &'static str> {
    let name = name_of(flag);
    if name.is_empty() {
        return Err("empty name");
    }
    if reg
        .flags
        .iter()
        .any(|f| cmp_ignore_case(name_of(f.0), name) == CmpOrdering::Equal)
    {
        return Err("a flag of this name is already registered");
    }
    let pos = reg
        .flags
        .iter()
        .position(|f| cmp_ignore_case(name_of(f.0), name) == CmpOrdering::Greater)
        .unwrap_or(reg.flags.len());
    reg.flags.insert(pos, FlagPtr(flag));
    relink(reg);
    Ok(())
}

fn register_locked(reg: &mut Registry, flag: &'static LogFlag) -> Result<(), &'static str> {
    match flag.state.load(Ordering::Acquire) {
        1 => return Ok(()),
        2 => return Err("a flag of this name is already registered"),
        _ => {}
    }
    let r = insert_locked(reg, flag.raw.get());
    flag.state
        .store(if r.is_ok() { 1 } else { 2 }, Ordering::Release);
    r
}

/// Registers a Rust flag now (`log_flag!` flags are found automatically;
/// this is for flags created otherwise). Registering twice is harmless.
/// Fails with -EEXIST when another flag already has the name.
pub fn register_flag(flag: &'static LogFlag) -> Result<(), c_int> {
    let mut reg = lock();
    let r = register_locked(&mut reg, flag);
    drop(reg);
    r.map_err(|e| {
        crate::errlog!("cannot register log flag '{}': {}", flag.name(), e);
        -libc::EEXIST
    })
}

/// Registers a C flag (spdk_log_register_flag()).
pub(crate) fn register_raw(flag: *mut spdk_log_flag) -> Result<(), &'static str> {
    let mut reg = lock();
    insert_locked(&mut reg, flag)
}

pub(crate) fn first() -> *mut spdk_log_flag {
    lock().flags.first().map_or(ptr::null_mut(), |f| f.0)
}

pub(crate) fn next(flag: *mut spdk_log_flag) -> *mut spdk_log_flag {
    let reg = lock();
    match reg.flags.iter().position(|f| f.0 == flag) {
        Some(i) => reg.flags.get(i + 1).map_or(ptr::null_mut(), |f| f.0),
        None => ptr::null_mut(),
    }
}

pub(crate) fn get(name: &[u8]) -> bool {
    let reg = lock();
    reg.flags
        .iter()
        .find(|f| cmp_ignore_case(name_of(f.0), name) == CmpOrdering::Equal)
        .is_some_and(|f| enabled_of(f.0).load(Ordering::Relaxed))
}

/// Sets or clears every flag matching `pattern` (fnmatch, case-insensitive;
/// "all" means every flag). -EINVAL when nothing matches.
pub(crate) fn set(pattern: &CStr, value: bool) -> Result<(), c_int> {
    let reg = lock();
    if pattern.to_bytes().eq_ignore_ascii_case(b"all") {
        for f in &reg.flags {
            enabled_of(f.0).store(value, Ordering::Relaxed);
        }
        return Ok(());
    }
    let mut found = false;
    for f in &reg.flags {
        // SAFETY: both strings are NUL-terminated.
        let m = unsafe { libc::fnmatch(pattern.as_ptr(), (*f.0).name, libc::FNM_CASEFOLD) };
        if m == 0 {
            enabled_of(f.0).store(value, Ordering::Relaxed);
            found = true;
        }
    }
    if found {
        Ok(())
    } else {
        Err(-libc::EINVAL)
    }
}

/// Enables the flags matching `pattern` (a glob, or "all"). Err(-EINVAL)
/// when none matches.
pub fn set_flag(pattern: &str) -> Result<(), c_int> {
    let p = CString::new(pattern).map_err(|_| -libc::EINVAL)?;
    set(&p, true)
}

/// Disables the flags matching `pattern`, like [`set_flag`].
pub fn clear_flag(pattern: &str) -> Result<(), c_int> {
    let p = CString::new(pattern).map_err(|_| -libc::EINVAL)?;
    set(&p, false)
}

/// Whether the flag called `name` exists and is enabled.
pub fn flag_enabled(name: &str) -> bool {
    get(name.as_bytes())
}

/// The names of all registered flags, in order.
pub fn flag_names() -> Vec<String> {
    lock()
        .flags
        .iter()
        .map(|f| String::from_utf8_lossy(name_of(f.0)).into_owned())
        .collect()
}

/// The help text for the log flag option `log_arg`, in SPDK's layout: the
/// flags comma-separated after "(all, ", wrapped before 100 columns onto
/// lines indented by 27 spaces.
pub(crate) fn usage(log_arg: &str) -> String {
    const INDENT: &str = "                           ";
    const SEP: &str = ", ";
    const WIDTH: usize = 100;
    let mut first = format!(" {log_arg}, --logflag <flag>      enable log flag (all, ");
    // The first line is limited to WIDTH - 1 bytes, as by a fixed buffer.
    if first.len() > WIDTH - 1 {
        let mut cut = WIDTH - 1;
        while !first.is_char_boundary(cut) {
            cut -= 1;
        }
        first.truncate(cut);
    }
    let mut out = first.clone();
    let mut col = first.len();
    let names = flag_names();
    for (i, name) in names.iter().enumerate() {
        if col + name.len() + SEP.len() > WIDTH {
            out.push('\n');
            out.push_str(INDENT);
            col = INDENT.len();
        }
        out.push_str(name);
        col += name.len();
        if i + 1 == names.len() {
            break;
        }
        out.push_str(SEP);
        col += SEP.len();
    }
    out.push_str(")\n");
    out
}
