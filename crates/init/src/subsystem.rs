//! Subsystems: named components initialised in dependency order on the
//! app thread and finished in reverse order, each writing its part of the
//! JSON configuration.
//!
//! C code registers `struct spdk_subsystem`s with SPDK_SUBSYSTEM_REGISTER;
//! Rust crates call [`register`] and [`add_depend`] (from the app
//! framework's registration list, not from constructors).

use std::ffi::{c_int, c_void, CStr};
use std::sync::{Mutex, MutexGuard};

use spdk_json::ffi::json::spdk_json_write_ctx;

use crate::ffi::init::{spdk_subsystem, spdk_subsystem_depend, DependTailq, SubsystemTailq};

/// Called when initialisation finished (rc 0) or failed.
pub type InitCb = unsafe extern "C" fn(rc: c_int, ctx: *mut c_void);
/// Called when every subsystem is finished.
pub type FiniCb = unsafe extern "C" fn(ctx: *mut c_void);

struct Sub(*mut spdk_subsystem);
struct Dep(*mut spdk_subsystem_depend);
// SAFETY: registered structs live for the whole program and are only used
// on the app thread (or under the registry's lock).
unsafe impl Send for Sub {}
unsafe impl Send for Dep {}

struct State {
    subsystems: Vec<Sub>,
    deps: Vec<Dep>,
    /// Index of the subsystem being initialised or finished.
    next: Option<usize>,
    initialized: bool,
    interrupted: bool,
    start: Option<(InitCb, usize)>,
    stop: Option<(FiniCb, usize)>,
}

static STATE: Mutex<State> = Mutex::new(State {
    subsystems: Vec::new(),
    deps: Vec::new(),
    next: None,
    initialized: false,
    interrupted: false,
    start: None,
    stop: None,
});

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

unsafe fn name_of<'a>(p: *const std::ffi::c_char) -> &'a [u8] {
    if p.is_null() {
        b""
    } else {
        CStr::from_ptr(p).to_bytes()
    }
}

impl State {
    fn find(&self, name: &[u8]) -> Option<usize> {
        // SAFETY: registered subsystems stay valid.
        self.subsystems
            .iter()
            .position(|s| unsafe { name_of((*s.0).name) } == name)
    }
}

/// Adds a subsystem (`spdk_add_subsystem`).
///
/// # Safety
/// `s` stays valid for the rest of the program.
pub unsafe fn add_raw(s: *mut spdk_subsystem) {
    if s.is_null() {
        return;
    }
    let mut st = state();
    if st.subsystems.iter().any(|x| x.0 == s) {
        return;
    }
    st.subsystems.push(Sub(s));
}

/// Adds a dependency (`spdk_add_subsystem_depend`).
///
/// # Safety
/// `d` stays valid for the rest of the program.
pub unsafe fn add_depend_raw(d: *mut spdk_subsystem_depend) {
    if d.is_null() {
        return;
    }
    let mut st = state();
    if st.deps.iter().any(|x| x.0 == d) {
        return;
    }
    st.deps.push(Dep(d));
}

/// A subsystem defined in Rust.
pub struct SubsystemDef {
    pub name: &'static CStr,
    /// Must end with `spdk_subsystem_init_next(rc)` (now or later).
    pub init: Option<unsafe extern "C" fn()>,
    /// Must end with `spdk_subsystem_fini_next()` (now or later).
    pub fini: Option<unsafe extern "C" fn()>,
    /// Writes the subsystem's configuration: an array of
    /// {"method", "params"} objects.
    pub write_config_json: Option<unsafe extern "C" fn(*mut spdk_json_write_ctx)>,
}

/// Registers a Rust subsystem; registering a name again does nothing.
pub fn register(def: SubsystemDef) {
    if state().find(def.name.to_bytes()).is_some() {
        return;
    }
    let s = Box::into_raw(Box::new(spdk_subsystem {
        name: def.name.as_ptr(),
        init: def.init,
        fini: def.fini,
        write_config_json: def.write_config_json,
        tailq: SubsystemTailq {
            tqe_next: std::ptr::null_mut(),
            tqe_prev: std::ptr::null_mut(),
        },
    }));
    // SAFETY: leaked, so valid forever.
    unsafe { add_raw(s) }
}

/// Declares that subsystem `name` needs `depends_on` initialised first.
pub fn add_depend(name: &'static CStr, depends_on: &'static CStr) {
    {
        let st = state();
        // SAFETY: registered dependencies stay valid.
        if st.deps.iter().any(|d| unsafe {
            name_of((*d.0).name) == name.to_bytes()
                && name_of((*d.0).depends_on) == depends_on.to_bytes()
        }) {
            return;
        }
    }
    let d = Box::into_raw(Box::new(spdk_subsystem_depend {
        name: name.as_ptr(),
        depends_on: depends_on.as_ptr(),
        tailq: DependTailq {
            tqe_next: std::ptr::null_mut(),
            tqe_prev: std::ptr::null_mut(),
        },
    }));
    // SAFETY: leaked, so valid forever.
    unsafe { add_depend_raw(d) }
}

pub fn exists(name: &str) -> bool {
    state().find(name.as_bytes()).is_some()
}

/// Names of the subsystems in their current order (initialisation order
/// once spdk_subsystem_init sorted them), with their dependencies.
pub fn list() -> Vec<(String, Vec<String>)> {
    let st = state();
    st.subsystems
        .iter()
        .map(|s| {
            // SAFETY: registered structs stay valid.
            unsafe {
                let name = name_of((*s.0).name);
                let deps = st
                    .deps
                    .iter()
                    .filter(|d| name_of((*d.0).name) == name)
                    .map(|d| String::from_utf8_lossy(name_of((*d.0).depends_on)).into_owned())
                    .collect();
                (String::from_utf8_lossy(name).into_owned(), deps)
            }
        })
        .collect()
}

/// The config writer of subsystem `name`: Err when there is no such
/// subsystem, Ok(None) when it has no configuration.
#[allow(clippy::type_complexity, clippy::result_unit_err)]
pub fn config_writer(
    name: &str,
) -> Result<Option<unsafe extern "C" fn(*mut spdk_json_write_ctx)>, ()> {
    let st = state();
    let i = st.find(name.as_bytes()).ok_or(())?;
    // SAFETY: registered structs stay valid.
    Ok(unsafe { (*st.subsystems[i].0).write_config_json })
}

/// Orders the subsystems so that each comes after those it depends on,
/// keeping registration order otherwise (SPDK's repeated passes).
fn sort(st: &mut State) {
    let mut rest: Vec<Sub> = std::mem::take(&mut st.subsystems);
    let mut sorted: Vec<Sub> = Vec::new();
    while !rest.is_empty() {
        let before = rest.len();
        let mut i = 0;
        while i < rest.len() {
            // SAFETY: registered structs stay valid.
            let ready = unsafe {
                let name = name_of((*rest[i].0).name);
                st.deps
                    .iter()
                    .filter(|d| name_of((*d.0).name) == name)
                    .all(|d| {
                        let on = name_of((*d.0).depends_on);
                        sorted.iter().any(|s| name_of((*s.0).name) == on)
                    })
            };
            if ready {
                sorted.push(rest.remove(i));
            } else {
                i += 1;
            }
        }
        if rest.len() == before {
            // A cycle: keep the rest as registered rather than loop forever.
            spdk_log::errlog!("subsystem dependencies form a cycle");
            sorted.append(&mut rest);
        }
    }
    st.subsystems = sorted;
}

/// `spdk_subsystem_init`: checks the dependencies, sorts, and initialises
/// each subsystem in turn; `cb(rc, ctx)` at the end.
///
/// # Safety
/// `cb` must accept `ctx`; call on the app thread.
pub unsafe fn init(cb: InitCb, ctx: *mut c_void) {
    let err = {
        let mut st = state();
        st.start = Some((cb, ctx as usize));
        st.next = None;
        st.initialized = false;
        st.interrupted = false;
        let mut err = false;
        for d in &st.deps {
            // SAFETY: registered structs stay valid.
            let (name, on) = unsafe { (name_of((*d.0).name), name_of((*d.0).depends_on)) };
            if st.find(name).is_none() {
                spdk_log::errlog!("subsystem {} is missing", String::from_utf8_lossy(name));
                err = true;
                break;
            }
            if st.find(on).is_none() {
                spdk_log::errlog!(
                    "subsystem {} dependency {} is missing",
                    String::from_utf8_lossy(name),
                    String::from_utf8_lossy(on)
                );
                err = true;
                break;
            }
        }
        if !err {
            sort(&mut st);
        }
        err
    };
    if err {
        // SAFETY: the caller's callback.
        unsafe { cb(-1, ctx) };
        return;
    }
    init_next(0);
}

/// `spdk_subsystem_init_next`: the current subsystem finished its
/// initialisation with `rc`; go on with the next one.
pub fn init_next(rc: c_int) {
    enum Step {
        Done(InitCb, usize, c_int),
        Call(unsafe extern "C" fn()),
        Skip,
        Nothing,
    }
    loop {
        let step = {
            let mut st = state();
            if st.interrupted {
                Step::Nothing
            } else if rc != 0 {
                if let Some(i) = st.next {
                    // SAFETY: registered structs stay valid.
                    let name = unsafe { name_of((*st.subsystems[i].0).name) };
                    spdk_log::errlog!("Init subsystem {} failed", String::from_utf8_lossy(name));
                }
                match st.start {
                    Some((cb, ctx)) => Step::Done(cb, ctx, rc),
                    None => Step::Nothing,
                }
            } else {
                let next = match st.next {
                    None => 0,
                    Some(i) => i + 1,
                };
                if next >= st.subsystems.len() {
                    st.next = None;
                    st.initialized = true;
                    // Fini walks back from the last one.
                    st.next = None;
                    match st.start {
                        Some((cb, ctx)) => Step::Done(cb, ctx, 0),
                        None => Step::Nothing,
                    }
                } else {
                    st.next = Some(next);
                    // SAFETY: registered structs stay valid.
                    match unsafe { (*st.subsystems[next].0).init } {
                        Some(f) => Step::Call(f),
                        None => Step::Skip,
                    }
                }
            }
        };
        match step {
            // SAFETY: callbacks registered by their owners.
            Step::Done(cb, ctx, rc) => unsafe { cb(rc, ctx as *mut c_void) },
            Step::Call(f) => unsafe { f() },
            Step::Skip => continue,
            Step::Nothing => {}
        }
        return;
    }
}

/// Whether every subsystem finished its initialisation.
pub fn initialized() -> bool {
    state().initialized
}

/// `spdk_subsystem_fini`: finishes the initialised subsystems in reverse
/// order, then `cb(ctx)`.
///
/// # Safety
/// `cb` must accept `ctx`; call on the app thread.
pub unsafe fn fini(cb: FiniCb, ctx: *mut c_void) {
    state().stop = Some((cb, ctx as usize));
    fini_next();
}

/// `spdk_subsystem_fini_next`: the current subsystem is finished; go on
/// with the previous one.
pub fn fini_next() {
    let call = {
        let mut st = state();
        match st.next {
            None => {
                if st.initialized && !st.subsystems.is_empty() {
                    st.next = Some(st.subsystems.len() - 1);
                }
            }
            Some(i) => {
                if st.initialized || st.interrupted {
                    st.next = i.checked_sub(1);
                } else {
                    // Stopped in the middle of initialisation: finish the
                    // one being initialised too.
                    st.interrupted = true;
                }
            }
        }
        let mut call = None;
        while let Some(i) = st.next {
            // SAFETY: registered structs stay valid.
            if let Some(f) = unsafe { (*st.subsystems[i].0).fini } {
                call = Some(f);
                break;
            }
            st.next = i.checked_sub(1);
        }
        match call {
            Some(f) => Ok(f),
            None => {
                st.initialized = false;
                Err(st.stop.take())
            }
        }
    };
    match call {
        // SAFETY: callbacks registered by their owners.
        Ok(f) => unsafe { f() },
        Err(Some((cb, ctx))) => unsafe { cb(ctx as *mut c_void) },
        Err(None) => {}
    }
}
