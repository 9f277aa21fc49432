//! The bdev layer itself: modules, the bdev registry, descriptors,
//! per-thread channels and the I/O path.
//!
//! Control path (registration, open/close, lookup) takes a mutex. The I/O
//! path takes no lock and allocates nothing: spdk_bdev_io come from a
//! per-thread cache in the thread's management channel, refilled from one
//! `spdk_env` mempool; statistics live in the per-thread bdev channel.

use std::ffi::{c_int, c_void, CStr};
use std::pin::Pin;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Mutex, MutexGuard};

use ::spdk_thread::channel::IoChannel;
use ::spdk_thread::ffi::thread::{
    spdk_get_io_channel, spdk_get_thread, spdk_io_channel, spdk_io_channel_from_ctx,
    spdk_io_device_register, spdk_io_device_unregister, spdk_put_io_channel, spdk_thread,
    spdk_thread_get_count, spdk_thread_send_msg,
};
use spdk_env::mempool::Mempool;

use crate::ffi::bdev::{
    spdk_bdev_event_type, spdk_bdev_io_completion_cb, spdk_bdev_io_stat, spdk_bdev_io_type,
    spdk_bdev_io_wait_entry, spdk_bdev_opts, spdk_bdev_reset_stat_mode,
};
use crate::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_io, spdk_bdev_io_get_buf_cb, spdk_bdev_module, spdk_bdev_unregister_cb,
};
use ::spdk_thread::ffi::thread::iobuf::{
    spdk_iobuf_channel, spdk_iobuf_channel_fini, spdk_iobuf_channel_init, spdk_iobuf_entry,
    spdk_iobuf_finish, spdk_iobuf_get, spdk_iobuf_get_opts, spdk_iobuf_initialize, spdk_iobuf_opts,
    spdk_iobuf_put, spdk_iobuf_register_module,
};

const IO_SIZE: usize = std::mem::size_of::<spdk_bdev_io>();
const STATUS_SUCCESS: i8 = 1;
const STATUS_PENDING: i8 = 0;
const STATUS_FAILED: i8 = -1;
const STATUS_NOMEM: i8 = -4;

// ---- options ----

static OPTS: Mutex<spdk_bdev_opts> = Mutex::new(spdk_bdev_opts {
    bdev_io_pool_size: 64 * 1024 - 1,
    bdev_io_cache_size: 256,
    bdev_auto_examine: true,
    reserved9: [0; 7],
    opts_size: std::mem::size_of::<spdk_bdev_opts>(),
    iobuf_small_cache_size: 128,
    iobuf_large_cache_size: 16,
});

pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// spdk_bdev_set_opts() refused: the pool needs at least `min` bdev_io.
#[derive(Debug, Clone, Copy)]
pub struct PoolTooSmall {
    pub min: u64,
}

pub fn opts() -> spdk_bdev_opts {
    *lock(&OPTS)
}

/// Sets the options; Err when the pool cannot feed every thread's cache.
pub fn set_opts(o: spdk_bdev_opts) -> Result<(), PoolTooSmall> {
    let threads = spdk_thread_get_count().max(1);
    let min = o.bdev_io_cache_size as u64 * (threads as u64 + 1);
    if (o.bdev_io_pool_size as u64) < min {
        spdk_log::errlog!(
            "bdev_io_pool_size {} is not compatible with bdev_io_cache_size {} and {} threads",
            { o.bdev_io_pool_size },
            { o.bdev_io_cache_size },
            threads
        );
        spdk_log::errlog!("bdev_io_pool_size must be at least {}", min);
        return Err(PoolTooSmall { min });
    }
    *lock(&OPTS) = o;
    Ok(())
}

// ---- modules ----

#[derive(Clone, Copy, PartialEq, Eq)]
struct ModPtr(*mut spdk_bdev_module);
// SAFETY: modules are static structs; only their address is shared.
unsafe impl Send for ModPtr {}

static MODULES: Mutex<Vec<ModPtr>> = Mutex::new(Vec::new());

pub unsafe fn module_add(m: *mut spdk_bdev_module) {
    let name = CStr::from_ptr((*m).name).to_bytes();
    let mut l = lock(&MODULES);
    if l.iter()
        .any(|p| CStr::from_ptr((*p.0).name).to_bytes() == name)
    {
        spdk_log::errlog!(
            "ERROR: module '{}' already registered.",
            String::from_utf8_lossy(name)
        );
        return;
    }
    l.push(ModPtr(m));
}

pub unsafe fn module_find(name: &[u8]) -> *mut spdk_bdev_module {
    lock(&MODULES)
        .iter()
        .find(|p| CStr::from_ptr((*p.0).name).to_bytes() == name)
        .map_or(ptr::null_mut(), |p| p.0)
}

fn modules() -> Vec<ModPtr> {
    crate::register_builtin_modules();
    lock(&MODULES).clone()
}

// ---- library state (init / fini) ----

/// Completion of [`initialize`] / [`finish`].
pub type DoneFn = unsafe fn(c_int);

struct Lib {
    initialized: bool,
    init_cb: Option<DoneFn>,
    init_looping: bool,
    fini_cb: Option<DoneFn>,
    fini_index: usize,
    fini_mods: Vec<ModPtr>,
    /// Modules whose fini_start is still to run (the last runs first).
    fini_start_mods: Vec<ModPtr>,
    fini_thread: *mut spdk_thread,
    ctx_size: usize,
}
// SAFETY: raw pointers to threads are only passed back to the thread library.
unsafe impl Send for Lib {}

static LIB: Mutex<Lib> = Mutex::new(Lib {
    initialized: false,
    init_cb: None,
    init_looping: false,
    fini_cb: None,
    fini_index: 0,
    fini_mods: Vec::new(),
    fini_start_mods: Vec::new(),
    fini_thread: ptr::null_mut(),
    ctx_size: 0,
});

static POOL: AtomicPtr<Mempool> = AtomicPtr::new(ptr::null_mut());
/// Whether this library initialized iobuf (then it finishes it too).
static OWN_IOBUF: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static MGMT_DEV: u8 = 0;

fn mgmt_dev() -> *mut c_void {
    ptr::addr_of!(MGMT_DEV) as *mut c_void
}

pub fn is_initialized() -> bool {
    lock(&LIB).initialized
}

/// The per-thread management channel: a cache of spdk_bdev_io and the
/// queue of io_wait entries.
#[repr(C)]
struct MgmtChannel {
    free: *mut spdk_bdev_io,
    count: u32,
    cache_size: u32,
    wait_head: *mut spdk_bdev_io_wait_entry,
    wait_tail: *mut spdk_bdev_io_wait_entry,
    iobuf_ok: bool,
    /// I/Os waiting for an iobuf buffer (their entries are queued in iobuf).
    buf_waiting: u32,
    iobuf: spdk_iobuf_channel,
}

unsafe extern "C" fn mgmt_create(_dev: *mut c_void, ctx: *mut c_void) -> c_int {
    let m = ctx.cast::<MgmtChannel>();
    let cache = opts().bdev_io_cache_size;
    let o = opts();
    ptr::write_bytes(m, 0, 1);
    (*m).cache_size = cache;
    (*m).iobuf_ok = spdk_iobuf_channel_init(
        ptr::addr_of_mut!((*m).iobuf),
        c"bdev".as_ptr(),
        o.iobuf_small_cache_size,
        o.iobuf_large_cache_size,
    ) == 0;
    let pool = POOL.load(Ordering::Acquire);
    if pool.is_null() {
        return -libc::ENOMEM;
    }
    for _ in 0..cache {
        let Some(e) = (*pool).get() else { break };
        let io = e.as_ptr().cast::<spdk_bdev_io>();
        (*io).internal.next = (*m).free;
        (*m).free = io;
        (*m).count += 1;
    }
    0
}

unsafe extern "C" fn mgmt_destroy(_dev: *mut c_void, ctx: *mut c_void) {
    let m = ctx.cast::<MgmtChannel>();
    let pool = POOL.load(Ordering::Acquire);
    while !(*m).free.is_null() {
        let io = (*m).free;
        (*m).free = (*io).internal.next;
        if let Some(p) = pool.as_ref() {
            p.put(ptr::NonNull::new_unchecked(io.cast()));
        }
    }
    (*m).count = 0;
    if (*m).iobuf_ok {
        spdk_iobuf_channel_fini(ptr::addr_of_mut!((*m).iobuf));
        (*m).iobuf_ok = false;
    }
}

/// Initializes the library: the bdev_io pool, then every module
/// (`done(rc)` when all finished, possibly later for async_init modules).
pub unsafe fn initialize(done: DoneFn) {
    let mods = modules();
    let mut ctx = 0usize;
    for m in &mods {
        if let Some(f) = (*m.0).get_ctx_size {
            ctx = ctx.max(f().max(0) as usize);
        }
    }
    let rc = spdk_iobuf_initialize();
    if rc != 0 && rc != -libc::EALREADY {
        done(rc);
        return;
    }
    OWN_IOBUF.store(rc == 0, Ordering::Relaxed);
    let _ = spdk_iobuf_register_module(c"bdev".as_ptr());
    load_large_bufsize();
    let o = opts();
    let name = format!("bdev_io_{}", std::process::id());
    let pool = match Mempool::new(
        name.as_bytes(),
        o.bdev_io_pool_size as usize,
        IO_SIZE + ctx,
        0,
        -1,
    ) {
        Ok(p) => p,
        Err(e) => {
            spdk_log::errlog!("could not allocate spdk_bdev_io pool: {}", e);
            done(-libc::ENOMEM);
            return;
        }
    };
    // SAFETY: the pool stays pinned in its box until `finish` drops it.
    let raw = Box::into_raw(Pin::into_inner_unchecked(pool));
    POOL.store(raw, Ordering::Release);
    spdk_io_device_register(
        mgmt_dev(),
        Some(mgmt_create),
        Some(mgmt_destroy),
        std::mem::size_of::<MgmtChannel>() as u32,
        c"bdev_mgr".as_ptr(),
    );
    {
        let mut l = lock(&LIB);
        l.ctx_size = ctx;
        l.init_cb = Some(done);
        l.init_looping = true;
    }
    for m in &mods {
        let m = m.0;
        if (*m).async_init {
            (*m).internal.action_in_progress += 1;
        }
        if let Some(f) = (*m).module_init {
            let rc = f();
            if rc != 0 {
                spdk_log::errlog!(
                    "bdev module {} failed to initialize: {}",
                    CStr::from_ptr((*m).name).to_string_lossy(),
                    rc
                );
                let cb = {
                    let mut l = lock(&LIB);
                    l.init_looping = false;
                    l.init_cb.take()
                };
                if let Some(cb) = cb {
                    cb(rc);
                }
                return;
            }
        }
    }
    lock(&LIB).init_looping = false;
    init_maybe_done();
}

/// Whether no module has an init or examine in progress.
unsafe fn all_actions_done() -> bool {
    lock(&MODULES)
        .iter()
        .all(|m| (*m.0).internal.action_in_progress == 0)
}

unsafe fn init_maybe_done() {
    let cb = {
        let mut l = lock(&LIB);
        if l.init_looping || l.init_cb.is_none() || !all_actions_done() {
            return;
        }
        l.initialized = true;
        l.init_cb.take()
    };
    for m in modules() {
        if let Some(f) = (*m.0).init_complete {
            f();
        }
    }
    if let Some(cb) = cb {
        cb(0);
    }
}

/// An init or examine of module `m` finished (spdk_bdev_module_init_done,
/// spdk_bdev_module_examine_done): counted on the app thread.
pub unsafe fn action_done(m: *mut spdk_bdev_module) {
    let app = ::spdk_thread::ffi::thread::spdk_thread_get_app_thread();
    if !app.is_null() && app != spdk_get_thread() {
        spdk_thread_send_msg(app, Some(action_done_msg), m.cast());
        return;
    }
    action_done_msg(m.cast());
}

unsafe extern "C" fn action_done_msg(arg: *mut c_void) {
    let m = arg.cast::<spdk_bdev_module>();
    if (*m).internal.action_in_progress == 0 {
        spdk_log::errlog!(
            "module {} reported an action done with none in progress",
            CStr::from_ptr((*m).name).to_string_lossy()
        );
        return;
    }
    (*m).internal.action_in_progress -= 1;
    init_maybe_done();
    examine_waiters_maybe_done();
}

#[derive(Clone, Copy)]
struct Waiter(unsafe extern "C" fn(*mut c_void), *mut c_void);
// SAFETY: called back on the app thread with the caller's own argument.
unsafe impl Send for Waiter {}

static EXAMINE_WAITERS: Mutex<Vec<Waiter>> = Mutex::new(Vec::new());

unsafe fn examine_waiters_maybe_done() {
    if !all_actions_done() {
        return;
    }
    let w = std::mem::take(&mut *lock(&EXAMINE_WAITERS));
    for Waiter(f, a) in w {
        f(a);
    }
}

/// spdk_bdev_wait_for_examine(): `cb(arg)` once no examine is in progress
/// (at once when none is).
pub unsafe fn wait_for_examine(cb: unsafe extern "C" fn(*mut c_void), arg: *mut c_void) {
    if all_actions_done() {
        cb(arg);
        return;
    }
    lock(&EXAMINE_WAITERS).push(Waiter(cb, arg));
}

/// SPDK's examine of a new bdev: every module's examine_config (which
/// must report done before returning), then examine_disk of every module
/// (of the claiming module only when the bdev got claimed).
unsafe fn examine(bdev: *mut spdk_bdev) {
    if !opts().bdev_auto_examine
        || !io_type_supported(bdev, spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_READ)
    {
        return;
    }
    let mods = modules();
    for m in &mods {
        let m = m.0;
        if let Some(f) = (*m).examine_config {
            (*m).internal.action_in_progress += 1;
            let before = (*m).internal.action_in_progress;
            f(bdev);
            if (*m).internal.action_in_progress == before {
                spdk_log::errlog!(
                    "examine_config for module {} did not call spdk_bdev_module_examine_done()",
                    CStr::from_ptr((*m).name).to_string_lossy()
                );
            }
        }
    }
    let claimer = claim_of(bdev);
    for m in &mods {
        let m = m.0;
        if !claimer.is_null() && claimer != m {
            continue;
        }
        if let Some(f) = (*m).examine_disk {
            (*m).internal.action_in_progress += 1;
            f(bdev);
        }
    }
}

/// Unregisters every bdev, finalizes the modules and frees the pool: as
/// SPDK, pending asynchronous opens fail with -ESHUTDOWN, examines finish
/// first, then every module's fini_start (waiting for the async ones'
/// spdk_bdev_module_fini_start_done()), most recently added first.
pub unsafe fn finish(done: DoneFn) {
    {
        let mut l = lock(&LIB);
        l.fini_cb = Some(done);
        l.fini_thread = spdk_get_thread();
        l.fini_start_mods = modules();
    }
    crate::open_async::cancel_all();
    wait_for_examine(fini_examined, ptr::null_mut());
}

unsafe extern "C" fn fini_examined(_arg: *mut c_void) {
    fini_start_next();
}

/// Runs the remaining fini_start callbacks until an async one.
unsafe fn fini_start_next() {
    loop {
        let m = {
            let mut l = lock(&LIB);
            match l.fini_start_mods.pop() {
                Some(m) => m.0,
                None => break,
            }
        };
        if let Some(f) = (*m).fini_start {
            f();
        }
        if (*m).async_fini_start {
            return; // resumes in spdk_bdev_module_fini_start_done()
        }
    }
    fini_unregister_next(ptr::null_mut(), 0);
}

/// spdk_bdev_module_fini_start_done(): the finish goes on, on its thread.
pub fn module_fini_start_done() {
    let t = lock(&LIB).fini_thread;
    // SAFETY: continues the finalization on its thread.
    unsafe {
        if t.is_null() || t == spdk_get_thread() {
            fini_start_next();
        } else {
            spdk_thread_send_msg(t, Some(fini_start_resume), ptr::null_mut());
        }
    }
}

unsafe extern "C" fn fini_start_resume(_arg: *mut c_void) {
    fini_start_next();
}

unsafe extern "C" fn fini_unregister_next(_arg: *mut c_void, _rc: c_int) {
    // The most recently registered bdev first, as SPDK does.
    let last = lock(&REGISTRY).last().map(|b| b.0);
    match last {
        Some(b) => {
            if (*state_of(b)).removing {
                // Being removed already: its unregister finishes it; retry after.
                let t = spdk_get_thread();
                spdk_thread_send_msg(t, Some(fini_retry), ptr::null_mut());
            } else {
                unregister(b, Some(fini_unregister_next), ptr::null_mut());
            }
        }
        None => {
            let mods = modules();
            {
                let mut l = lock(&LIB);
                l.fini_mods = mods;
                l.fini_index = l.fini_mods.len();
            }
            module_fini_next();
        }
    }
}

unsafe extern "C" fn fini_retry(_arg: *mut c_void) {
    fini_unregister_next(ptr::null_mut(), 0);
}

unsafe fn module_fini_next() {
    loop {
        let m = {
            let mut l = lock(&LIB);
            if l.fini_index == 0 {
                break;
            }
            l.fini_index -= 1;
            l.fini_mods[l.fini_index].0
        };
        if let Some(f) = (*m).module_fini {
            f();
            if (*m).async_fini {
                return; // resumes in spdk_bdev_module_fini_done()
            }
        }
    }
    spdk_io_device_unregister(mgmt_dev(), Some(fini_mgmt_done));
}

pub fn module_fini_done() {
    let t = lock(&LIB).fini_thread;
    // SAFETY: continues the finalization on its thread.
    unsafe {
        if t.is_null() || t == spdk_get_thread() {
            module_fini_next();
        } else {
            spdk_thread_send_msg(t, Some(fini_resume), ptr::null_mut());
        }
    }
}

unsafe extern "C" fn fini_resume(_arg: *mut c_void) {
    module_fini_next();
}

unsafe extern "C" fn fini_mgmt_done(_dev: *mut c_void) {
    let pool = POOL.swap(ptr::null_mut(), Ordering::AcqRel);
    if !pool.is_null() {
        let p = &*pool;
        if p.count() != p.size() {
            spdk_log::errlog!(
                "bdev IO pool count is {} but should be {}",
                p.count(),
                p.size()
            );
        }
        drop(Box::from_raw(pool));
    }
    lock(&LIB).initialized = false;
    if OWN_IOBUF.swap(false, Ordering::Relaxed) {
        spdk_iobuf_finish(Some(fini_iobuf_done), ptr::null_mut());
    } else {
        fini_iobuf_done(ptr::null_mut());
    }
}

unsafe extern "C" fn fini_iobuf_done(_arg: *mut c_void) {
    let cb = lock(&LIB).fini_cb.take();
    if let Some(cb) = cb {
        cb(0);
    }
}

// ---- bdev registry ----

#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BdevPtr(pub *mut spdk_bdev);
// SAFETY: only the address is shared; bdevs are used per SPDK's rules.
unsafe impl Send for BdevPtr {}

static REGISTRY: Mutex<Vec<BdevPtr>> = Mutex::new(Vec::new());

/// The registry (the bdev list; its lock also guards names and aliases).
pub fn registry() -> MutexGuard<'static, Vec<BdevPtr>> {
    lock(&REGISTRY)
}

/// The library's state of one registered bdev (behind `internal.state`).
pub struct BdevState {
    /// The I/O type the histogram counts (0: all), read without the lock
    /// on completion.
    histogram_io_type: std::sync::atomic::AtomicU8,
    removing: bool,
    descs: Vec<*mut Desc>,
    unregister_cb: spdk_bdev_unregister_cb,
    unregister_arg: *mut c_void,
    unregister_thread: *mut spdk_thread,
    uuid_str: Vec<u8>,
    io_dev_name: std::ffi::CString,
    /// Statistics of the channels already destroyed.
    closed_stat: Mutex<spdk_bdev_io_stat>,
    /// The module holding a v1 (exclusive write) claim, or NULL.
    claim_module: *mut spdk_bdev_module,
    /// The claim type (spdk_bdev_claim_type; 0: none).
    claim_type: u8,
    /// v2 claims: the key of shared-write claims, and the claimants.
    claim_key: u64,
    claims: Vec<(*mut Desc, *mut spdk_bdev_module)>,
    /// QoS rate limits (inactive until set).
    pub qos: crate::qos::Qos,
    /// Latency histogram settings.
    histogram: crate::histogram::Settings,
    /// LBA range locks and quiesced ranges.
    pub locks: Mutex<crate::lock::BdevLocks>,
    /// Queue depth sampling.
    pub qd: crate::qd::QdState,
}

unsafe fn state_of(b: *mut spdk_bdev) -> *mut BdevState {
    (*b).internal.state
}

fn io_dev(b: *mut spdk_bdev) -> *mut c_void {
    b.cast::<u8>().wrapping_add(1).cast()
}

pub unsafe fn find(name: &[u8]) -> *mut spdk_bdev {
    find_locked(&lock(&REGISTRY), name)
}

unsafe fn find_locked(r: &[BdevPtr], name: &[u8]) -> *mut spdk_bdev {
    for b in r.iter() {
        if (*b.0).name_bytes() == name || crate::aliases::has(&*b.0, name) {
            return b.0;
        }
    }
    for b in r.iter() {
        if (*state_of(b.0)).uuid_str.eq_ignore_ascii_case(name) {
            return b.0;
        }
    }
    ptr::null_mut()
}

/// The bdev after `prev` (the first for NULL); `leaf`: unclaimed only
/// (claims do not exist yet, so every bdev is a leaf).
pub fn next_of(prev: *mut spdk_bdev, leaf: bool) -> *mut spdk_bdev {
    let r = lock(&REGISTRY);
    let start = if prev.is_null() {
        0
    } else {
        match r.iter().position(|b| b.0 == prev) {
            Some(i) => i + 1,
            None => return ptr::null_mut(),
        }
    };
    r[start..]
        .iter()
        // SAFETY: registered bdevs have their state.
        .find(|b| !leaf || unsafe { (*state_of(b.0)).claim_module.is_null() })
        .map_or(ptr::null_mut(), |b| b.0)
}

/// The module claiming `bdev` (v1), or NULL.
pub unsafe fn claim_of(bdev: *mut spdk_bdev) -> *mut spdk_bdev_module {
    let _r = lock(&REGISTRY);
    let st = state_of(bdev);
    if st.is_null() {
        return ptr::null_mut();
    }
    (*st).claim_module
}

/// spdk_bdev_module_claim_bdev(): -EPERM when already claimed; a
/// read-only `desc` becomes writable.
pub unsafe fn claim(bdev: *mut spdk_bdev, desc: *mut Desc, module: *mut spdk_bdev_module) -> c_int {
    let _r = lock(&REGISTRY);
    let st = state_of(bdev);
    if st.is_null() {
        return -libc::ENODEV;
    }
    if (*st).claim_type != 0 {
        log_claimed(bdev, &*st);
        return -libc::EPERM;
    }
    if !desc.is_null() {
        (*desc).write = true;
    }
    (*st).claim_module = module;
    (*st).claim_type = CLAIM_EXCL_WRITE;
    0
}

pub unsafe fn release(bdev: *mut spdk_bdev) {
    let _r = lock(&REGISTRY);
    let st = state_of(bdev);
    if !st.is_null() && (*st).claim_type == CLAIM_EXCL_WRITE {
        (*st).claim_module = ptr::null_mut();
        (*st).claim_type = 0;
    }
}

const CLAIM_EXCL_WRITE: u8 = 1;
const CLAIM_RWO: u8 = 2;
const CLAIM_ROM: u8 = 3;
const CLAIM_RWM: u8 = 4;

unsafe fn log_claimed(bdev: *mut spdk_bdev, st: &BdevState) {
    let module = if st.claim_module.is_null() {
        "".into()
    } else {
        CStr::from_ptr((*st.claim_module).name).to_string_lossy()
    };
    let kind = crate::ffi::bdev_module::spdk_bdev_claim_get_name(
        crate::ffi::bdev_module::ClaimTypeArg(st.claim_type as c_int),
    );
    spdk_log::errlog!(
        "bdev {} already claimed: type {} by module {}",
        String::from_utf8_lossy((*bdev).name_bytes()),
        CStr::from_ptr(kind).to_string_lossy(),
        module
    );
}

/// The claim type of a bdev (spdk_bdev_claim_type; 0: not claimed).
pub unsafe fn claim_type(bdev: *mut spdk_bdev) -> u8 {
    let _r = lock(&REGISTRY);
    state_of(bdev).as_ref().map_or(0, |s| s.claim_type)
}

/// spdk_bdev_module_claim_bdev_desc(): a v2 claim held by `desc` until it
/// closes, with SPDK's rules per type.
pub unsafe fn claim_desc(
    desc: *mut Desc,
    ty: u8,
    key: u64,
    module: *mut spdk_bdev_module,
) -> c_int {
    let bdev = (*desc).bdev;
    if ty == CLAIM_EXCL_WRITE {
        return claim(bdev, desc, module);
    }
    let _r = lock(&REGISTRY);
    let Some(st) = state_of(bdev).as_mut() else {
        return -libc::ENODEV;
    };
    let name = String::from_utf8_lossy((*bdev).name_bytes()).into_owned();
    if st.claim_type != 0 && st.claim_type != ty {
        log_claimed(bdev, st);
        return -libc::EPERM;
    }
    if (*desc).claimed {
        spdk_log::errlog!("{}: descriptor already has a claim", name);
        return -libc::EPERM;
    }
    let other_writer = st.descs.iter().any(|&d| d != desc && (*d).write);
    match ty {
        CLAIM_RWO => {
            if key != 0 {
                spdk_log::errlog!(
                    "{}: key option not supported with read-write-once claims",
                    name
                );
                return -libc::EINVAL;
            }
            if st.claim_type != 0 {
                log_claimed(bdev, st);
                return -libc::EPERM;
            }
            if other_writer {
                spdk_log::noticelog!(
                    "{}: Cannot obtain read-write-once claim while another descriptor is open for writing",
                    name
                );
                return -libc::EPERM;
            }
        }
        CLAIM_ROM => {
            if (*desc).write {
                spdk_log::errlog!(
                    "{}: Cannot obtain read-only-many claim with writable descriptor",
                    name
                );
                return -libc::EINVAL;
            }
            if key != 0 {
                spdk_log::errlog!(
                    "{}: key option not supported with read-only-may claims",
                    name
                );
                return -libc::EINVAL;
            }
            if st.claim_type == 0 && other_writer {
                spdk_log::noticelog!(
                    "{}: Cannot obtain read-only-many claim while another descriptor is open for writing",
                    name
                );
                return -libc::EPERM;
            }
        }
        CLAIM_RWM => {
            if key == 0 {
                spdk_log::errlog!(
                    "{}: shared_claim_key option required with read-write-may claims",
                    name
                );
                return -libc::EINVAL;
            }
            if st.claim_type == 0 && other_writer {
                spdk_log::noticelog!(
                    "{}: Cannot obtain read-write-many claim while another descriptor is open for writing without a claim",
                    name
                );
                return -libc::EPERM;
            }
            if st.claim_type == CLAIM_RWM && key != st.claim_key {
                log_claimed(bdev, st);
                return -libc::EPERM;
            }
        }
        _ => {
            spdk_log::errlog!("{}: claim type {} not supported", name, ty);
            return -libc::ENOTSUP;
        }
    }
    if st.claim_type == 0 {
        st.claim_type = ty;
        st.claim_key = key;
        st.claim_module = module;
    }
    st.claims.push((desc, module));
    (*desc).claimed = true;
    if ty != CLAIM_ROM {
        (*desc).write = true;
    }
    0
}

/// Drops the v2 claim of a closing descriptor (registry lock held).
unsafe fn release_desc_claim(st: &mut BdevState, d: *mut Desc) {
    if !(*d).claimed {
        return;
    }
    (*d).claimed = false;
    st.claims.retain(|c| c.0 != d);
    match st.claims.first() {
        Some(&(_, m)) => st.claim_module = m,
        None => {
            st.claim_type = 0;
            st.claim_key = 0;
            st.claim_module = ptr::null_mut();
        }
    }
}

/// Every registered bdev, in registration order.
pub fn all() -> Vec<*mut spdk_bdev> {
    lock(&REGISTRY).iter().map(|b| b.0).collect()
}

pub unsafe fn register(bdev: *mut spdk_bdev) -> c_int {
    let b = &mut *bdev;
    if b.name.is_null() {
        spdk_log::errlog!("Bdev name is NULL");
        return -libc::EINVAL;
    }
    if b.name_bytes().is_empty() {
        spdk_log::errlog!("Bdev name must not be an empty string");
        return -libc::EINVAL;
    }
    if b.module.is_null() || b.fn_table.is_null() {
        spdk_log::errlog!(
            "Bdev {} has no module or function table",
            String::from_utf8_lossy(b.name_bytes())
        );
        return -libc::EINVAL;
    }
    let ft = &*b.fn_table;
    if ft.submit_request.is_none()
        || ft.get_io_channel.is_none()
        || ft.io_type_supported.is_none()
        || ft.destruct.is_none()
    {
        spdk_log::errlog!(
            "Bdev {} function table is incomplete",
            String::from_utf8_lossy(b.name_bytes())
        );
        return -libc::EINVAL;
    }
    if b.blocklen == 0 {
        spdk_log::errlog!(
            "Bdev {} invalid block length 0",
            String::from_utf8_lossy(b.name_bytes())
        );
        return -libc::EINVAL;
    }
    if !b.blocklen.is_multiple_of(512) && b.md_len == 0 {
        spdk_log::errlog!(
            "Bdev {} block length {} is not a multiple of 512",
            String::from_utf8_lossy(b.name_bytes()),
            b.blocklen
        );
        return -libc::EINVAL;
    }
    if !is_initialized() {
        spdk_log::errlog!("bdev layer is not initialized");
        return -libc::EINVAL;
    }
    if b.uuid.u.raw == [0u8; 16] {
        spdk_util::ffi::uuid::spdk_uuid_generate(&mut b.uuid);
    }
    let mut s = [0 as std::ffi::c_char; 37];
    spdk_util::ffi::uuid::spdk_uuid_fmt_lower(s.as_mut_ptr(), s.len(), &b.uuid);
    let uuid_str = CStr::from_ptr(s.as_ptr()).to_bytes().to_vec();
    if b.phys_blocklen == 0 {
        b.phys_blocklen = b.blocklen - b.md_len * b.md_interleave() as u32;
    }
    if b.write_unit_size == 0 {
        b.write_unit_size = 1;
    }
    if b.acwu == 0 {
        b.acwu = b.write_unit_size as u16;
    }
    {
        let mut r = lock(&REGISTRY);
        let name = b.name_bytes();
        if crate::aliases::taken(&r, name) {
            spdk_log::errlog!("Bdev name {} already exists", String::from_utf8_lossy(name));
            return -libc::EEXIST;
        }
        let io_dev_name = std::ffi::CString::new(format!("bdev_{}", String::from_utf8_lossy(name)))
            .unwrap_or_default();
        b.internal.state = Box::into_raw(Box::new(BdevState {
            removing: false,
            descs: Vec::new(),
            unregister_cb: None,
            unregister_arg: ptr::null_mut(),
            unregister_thread: ptr::null_mut(),
            uuid_str: uuid_str.clone(),
            io_dev_name,
            closed_stat: Mutex::new(spdk_bdev_io_stat::new()),
            claim_module: ptr::null_mut(),
            claim_type: 0,
            claim_key: 0,
            claims: Vec::new(),
            qos: Default::default(),
            histogram: Default::default(),
            histogram_io_type: Default::default(),
            locks: Default::default(),
            qd: Default::default(),
        }));
        crate::aliases::init(bdev);
        if uuid_str != b.name_bytes() {
            let rc = crate::aliases::add_locked(&r, bdev, &uuid_str);
            if rc != 0 {
                spdk_log::errlog!(
                    "Unable to add uuid:{} alias for bdev {}",
                    String::from_utf8_lossy(&uuid_str),
                    String::from_utf8_lossy(b.name_bytes())
                );
                drop(Box::from_raw(b.internal.state));
                b.internal.state = ptr::null_mut();
                return rc;
            }
        }
        r.push(BdevPtr(bdev));
    }
    spdk_io_device_register(
        io_dev(bdev),
        Some(channel_create),
        Some(channel_destroy),
        std::mem::size_of::<BdevChannel>() as u32,
        (*state_of(bdev)).io_dev_name.as_ptr(),
    );
    examine(bdev);
    0
}

/// An open descriptor.
pub struct Desc {
    pub bdev: *mut spdk_bdev,
    pub write: bool,
    pub hide_md: bool,
    event_cb: unsafe extern "C" fn(spdk_bdev_event_type, *mut spdk_bdev, *mut c_void),
    event_ctx: *mut c_void,
    thread: *mut spdk_thread,
    closed: bool,
    refs: u32,
    /// Holds a v2 claim on its bdev.
    claimed: bool,
    /// spdk_bdev_set_timeout() settings and poller.
    pub timeout: crate::timeout::DescTimeout,
    /// Media events waiting for spdk_bdev_get_media_events() (bdevs with
    /// media events only).
    pub media: Option<crate::media::Queue>,
}

pub unsafe fn open(
    name: &[u8],
    write: bool,
    event_cb: unsafe extern "C" fn(spdk_bdev_event_type, *mut spdk_bdev, *mut c_void),
    event_ctx: *mut c_void,
    hide_md: bool,
) -> Result<*mut Desc, c_int> {
    let thread = spdk_get_thread();
    if thread.is_null() {
        spdk_log::errlog!("Cannot open bdev from non-SPDK thread.");
        return Err(-libc::ENOTSUP);
    }
    let r = lock(&REGISTRY);
    let bdev = find_locked(&r, name);
    if bdev.is_null() {
        drop(r);
        spdk_log::noticelog!(
            "Currently unable to find bdev with name: {}",
            String::from_utf8_lossy(name)
        );
        return Err(-libc::ENODEV);
    }
    open_locked(bdev, write, event_cb, event_ctx, hide_md, thread)
}

/// Opens a bdev known by its pointer (-ENODEV when it is not registered
/// or is going away).
pub unsafe fn open_bdev(
    bdev: *mut spdk_bdev,
    write: bool,
    event_cb: unsafe extern "C" fn(spdk_bdev_event_type, *mut spdk_bdev, *mut c_void),
    event_ctx: *mut c_void,
) -> Result<*mut Desc, c_int> {
    let thread = spdk_get_thread();
    if thread.is_null() {
        return Err(-libc::ENOTSUP);
    }
    let r = lock(&REGISTRY);
    if !r.iter().any(|b| b.0 == bdev) {
        return Err(-libc::ENODEV);
    }
    open_locked(bdev, write, event_cb, event_ctx, false, thread)
}

/// An event callback that ignores events (the library's own descriptors).
pub unsafe extern "C" fn ignore_event(
    t: spdk_bdev_event_type,
    _b: *mut spdk_bdev,
    _ctx: *mut c_void,
) {
    spdk_log::noticelog!("Unexpected event type: {}", t as c_int);
}

unsafe fn open_locked(
    bdev: *mut spdk_bdev,
    write: bool,
    event_cb: unsafe extern "C" fn(spdk_bdev_event_type, *mut spdk_bdev, *mut c_void),
    event_ctx: *mut c_void,
    hide_md: bool,
    thread: *mut spdk_thread,
) -> Result<*mut Desc, c_int> {
    let st = &mut *state_of(bdev);
    if st.removing {
        return Err(-libc::ENODEV);
    }
    if write && st.claim_type != 0 {
        log_claimed(bdev, st);
        return Err(-libc::EPERM);
    }
    if hide_md && (*bdev).md_len != 0 {
        if !(*bdev).md_interleave() {
            spdk_log::errlog!("hide_metadata option is not supported with separate metadata.");
            return Err(-libc::EINVAL);
        }
        // Hiding interleaved metadata needs DIF insert/strip on every I/O,
        // which this library does not have.
        spdk_log::errlog!("hide_metadata option is not supported yet with interleaved metadata.");
        return Err(-libc::ENOTSUP);
    }
    let d = Box::into_raw(Box::new(Desc {
        bdev,
        write,
        hide_md,
        event_cb,
        event_ctx,
        thread,
        closed: false,
        refs: 0,
        claimed: false,
        timeout: Default::default(),
        media: crate::media::queue_for(&*bdev),
    }));
    st.descs.push(d);
    Ok(d)
}

pub unsafe fn close(d: *mut Desc) {
    let bdev = (*d).bdev;
    crate::timeout::stop(d);
    let (finish_now, free) = {
        let _r = lock(&REGISTRY);
        let st = &mut *state_of(bdev);
        st.descs.retain(|x| *x != d);
        release_desc_claim(st, d);
        (*d).closed = true;
        (st.removing && st.descs.is_empty(), (*d).refs == 0)
    };
    if free {
        drop(Box::from_raw(d));
    }
    if finish_now {
        unregister_finish(bdev);
    }
}

/// Keeps a descriptor's memory alive past its close (until the matching
/// [`desc_release`]).
pub unsafe fn desc_hold(d: *mut Desc) {
    let _r = lock(&REGISTRY);
    (*d).refs += 1;
}

/// Drops a [`desc_hold`] reference; false when the descriptor is closed
/// (then it may be gone).
pub unsafe fn desc_release(d: *mut Desc) -> bool {
    let (open, free) = {
        let _r = lock(&REGISTRY);
        (*d).refs -= 1;
        (!(*d).closed, (*d).closed && (*d).refs == 0)
    };
    if free {
        drop(Box::from_raw(d));
    }
    open
}

/// Whether a held descriptor was closed meanwhile.
pub unsafe fn desc_closed(d: *mut Desc) -> bool {
    let _r = lock(&REGISTRY);
    (*d).closed
}

/// The thread a descriptor was opened on.
pub unsafe fn desc_thread(d: *mut Desc) -> *mut spdk_thread {
    (*d).thread
}

/// Sends SPDK_BDEV_EVENT_MEDIA_MANAGEMENT to a descriptor's thread.
pub unsafe fn notify_media(d: *mut Desc) {
    desc_hold(d);
    spdk_thread_send_msg((*d).thread, Some(media_msg), d.cast());
}

unsafe extern "C" fn media_msg(arg: *mut c_void) {
    let d = arg.cast::<Desc>();
    if !desc_closed(d) {
        ((*d).event_cb)(
            spdk_bdev_event_type::SPDK_BDEV_EVENT_MEDIA_MANAGEMENT,
            (*d).bdev,
            (*d).event_ctx,
        );
    }
    desc_release(d);
}

/// The open descriptors of a bdev.
pub unsafe fn descs_of(bdev: *mut spdk_bdev) -> Vec<*mut Desc> {
    let _r = lock(&REGISTRY);
    state_of(bdev)
        .as_ref()
        .map_or(Vec::new(), |s| s.descs.clone())
}

/// Whether a bdev is being removed and nobody has it open (SPDK's
/// "removing" state).
pub unsafe fn removing_unopened(bdev: *mut spdk_bdev) -> bool {
    let _r = lock(&REGISTRY);
    state_of(bdev)
        .as_ref()
        .is_none_or(|s| s.removing && s.descs.is_empty())
}

pub unsafe fn unregister(bdev: *mut spdk_bdev, cb: spdk_bdev_unregister_cb, arg: *mut c_void) {
    let thread = spdk_get_thread();
    if thread.is_null() {
        spdk_log::errlog!("Cannot unregister bdev from non-SPDK thread.");
        if let Some(f) = cb {
            f(arg, -libc::ENOTSUP);
        }
        return;
    }
    let (descs, finish_now) = {
        let r = lock(&REGISTRY);
        if !r.iter().any(|b| b.0 == bdev) {
            drop(r);
            if let Some(f) = cb {
                f(arg, -libc::ENODEV);
            }
            return;
        }
        let st = &mut *state_of(bdev);
        if st.removing {
            drop(r);
            if let Some(f) = cb {
                f(arg, -libc::EBUSY);
            }
            return;
        }
        st.removing = true;
        crate::qd::stop_locked(bdev);
        st.unregister_cb = cb;
        st.unregister_arg = arg;
        st.unregister_thread = thread;
        for d in &st.descs {
            (**d).refs += 1;
        }
        (st.descs.clone(), st.descs.is_empty())
    };
    for d in descs {
        spdk_thread_send_msg((*d).thread, Some(notify_remove), d.cast());
    }
    if finish_now {
        unregister_finish(bdev);
    }
}

/// spdk_bdev_notify_blockcnt_change(): the module's bdev has a new size;
/// open descriptors get SPDK_BDEV_EVENT_RESIZE on their threads. A bdev
/// with open descriptors cannot shrink (-EBUSY).
pub unsafe fn notify_blockcnt_change(bdev: *mut spdk_bdev, size: u64) -> c_int {
    if size == (*bdev).blockcnt {
        return 0;
    }
    let descs = {
        let _r = lock(&REGISTRY);
        let Some(st) = state_of(bdev).as_mut() else {
            // Not registered yet: nobody to tell.
            (*bdev).blockcnt = size;
            return 0;
        };
        if !st.descs.is_empty() && size < (*bdev).blockcnt {
            return -libc::EBUSY;
        }
        (*bdev).blockcnt = size;
        for d in &st.descs {
            (**d).refs += 1;
        }
        st.descs.clone()
    };
    for d in descs {
        spdk_thread_send_msg((*d).thread, Some(notify_resize), d.cast());
    }
    0
}

unsafe extern "C" fn notify_resize(arg: *mut c_void) {
    let d = arg.cast::<Desc>();
    if !desc_closed(d) {
        ((*d).event_cb)(
            spdk_bdev_event_type::SPDK_BDEV_EVENT_RESIZE,
            (*d).bdev,
            (*d).event_ctx,
        );
    }
    desc_release(d);
}

unsafe extern "C" fn notify_remove(arg: *mut c_void) {
    let d = arg.cast::<Desc>();
    if !desc_closed(d) {
        ((*d).event_cb)(
            spdk_bdev_event_type::SPDK_BDEV_EVENT_REMOVE,
            (*d).bdev,
            (*d).event_ctx,
        );
    }
    desc_release(d);
}

unsafe fn unregister_finish(bdev: *mut spdk_bdev) {
    {
        let mut r = lock(&REGISTRY);
        r.retain(|b| b.0 != bdev);
        crate::aliases::del_all_locked(bdev);
    }
    spdk_io_device_unregister(io_dev(bdev), Some(unregister_io_dev_done));
}

unsafe extern "C" fn unregister_io_dev_done(dev: *mut c_void) {
    let bdev = dev.cast::<u8>().wrapping_sub(1).cast::<spdk_bdev>();
    let destruct = (*(*bdev).fn_table).destruct;
    let rc = match destruct {
        Some(f) => f((*bdev).ctxt),
        None => 0,
    };
    if rc < 0 {
        spdk_log::errlog!("destruct failed");
    }
    if rc <= 0 {
        destruct_done(bdev, rc.min(0));
    }
}

struct UnregDone {
    cb: unsafe extern "C" fn(*mut c_void, c_int),
    arg: *mut c_void,
    rc: c_int,
}

unsafe extern "C" fn unregister_cb_msg(arg: *mut c_void) {
    let u = Box::from_raw(arg.cast::<UnregDone>());
    (u.cb)(u.arg, u.rc);
}

pub unsafe fn destruct_done(bdev: *mut spdk_bdev, rc: c_int) {
    let st = state_of(bdev);
    if st.is_null() {
        return;
    }
    (*bdev).internal.state = ptr::null_mut();
    let st = Box::from_raw(st);
    if let Some(cb) = st.unregister_cb {
        if st.unregister_thread == spdk_get_thread() || st.unregister_thread.is_null() {
            cb(st.unregister_arg, rc);
        } else {
            let u = Box::into_raw(Box::new(UnregDone {
                cb,
                arg: st.unregister_arg,
                rc,
            }));
            spdk_thread_send_msg(st.unregister_thread, Some(unregister_cb_msg), u.cast());
        }
    }
}

pub unsafe fn io_type_supported(bdev: *mut spdk_bdev, t: spdk_bdev_io_type) -> bool {
    let ft = (*bdev).fn_table;
    if ft.is_null() {
        return false;
    }
    match (*ft).io_type_supported {
        Some(f) => f((*bdev).ctxt, t),
        None => false,
    }
}

// ---- channels ----

/// The per-thread state of one bdev.
#[repr(C)]
pub struct BdevChannel {
    bdev: *mut spdk_bdev,
    module_ch: *mut spdk_io_channel,
    submit: unsafe extern "C" fn(*mut spdk_io_channel, *mut spdk_bdev_io),
    mgmt: *mut MgmtChannel,
    mgmt_ioch: *mut spdk_io_channel,
    thread: *mut spdk_thread,
    io_outstanding: u64,
    stat: spdk_bdev_io_stat,
    /// I/Os the module completed with SPDK_BDEV_IO_STATUS_NOMEM, to submit
    /// again when another I/O completes (or from `nomem_poller` when none
    /// is outstanding).
    nomem_head: *mut spdk_bdev_io,
    nomem_tail: *mut spdk_bdev_io,
    nomem_poller: *mut ::spdk_thread::ffi::thread::spdk_poller,
    /// I/Os waiting for QoS quota.
    qos_queue: crate::qos::ChannelQueue,
    /// Latency histogram, while enabled.
    histogram: *mut spdk_util::histogram::Histogram,
    /// The I/Os in flight on this channel.
    submitted: crate::submitted::List,
    /// The LBA ranges locked on this bdev, and the I/Os they hold back.
    pub locks: crate::lock::ChannelLocks,
}

unsafe extern "C" fn channel_create(dev: *mut c_void, ctx: *mut c_void) -> c_int {
    let bdev = dev.cast::<u8>().wrapping_sub(1).cast::<spdk_bdev>();
    let ft = &*(*bdev).fn_table;
    let (Some(get), Some(submit)) = (ft.get_io_channel, ft.submit_request) else {
        return -libc::EINVAL;
    };
    let module_ch = get((*bdev).ctxt);
    if module_ch.is_null() {
        return -libc::ENOMEM;
    }
    let mgmt_ioch = spdk_get_io_channel(mgmt_dev());
    if mgmt_ioch.is_null() {
        spdk_put_io_channel(module_ch);
        return -libc::ENOMEM;
    }
    let mut stat = spdk_bdev_io_stat::new();
    stat.ticks_rate = spdk_env::ticks::ticks_hz();
    ctx.cast::<BdevChannel>().write(BdevChannel {
        bdev,
        module_ch,
        submit,
        mgmt: IoChannel::ctx(mgmt_ioch.cast()).cast(),
        mgmt_ioch,
        thread: spdk_get_thread(),
        io_outstanding: 0,
        stat,
        nomem_head: ptr::null_mut(),
        nomem_tail: ptr::null_mut(),
        nomem_poller: ptr::null_mut(),
        qos_queue: crate::qos::ChannelQueue::new(),
        histogram: ptr::null_mut(),
        submitted: crate::submitted::List::new(),
        locks: crate::lock::ChannelLocks::new(),
    });
    crate::lock::channel_created(ctx.cast());
    let st = state_of(bdev);
    if !st.is_null() {
        let cfg = *lock(&(*st).histogram);
        if cfg.enabled {
            // Failure leaves this channel without one, as SPDK.
            let _ = crate::histogram::attach(ctx.cast(), &cfg);
        }
    }
    0
}

unsafe extern "C" fn channel_destroy(_dev: *mut c_void, ctx: *mut c_void) {
    let ch = ctx.cast::<BdevChannel>();
    crate::lock::channel_destroyed(ch);
    crate::qos::fail_queued(ch);
    crate::histogram::detach(ch);
    if !(*ch).nomem_poller.is_null() {
        ::spdk_thread::ffi::thread::spdk_poller_unregister(&mut (*ch).nomem_poller);
    }
    // I/Os still waiting for module resources fail.
    let mut io = std::mem::replace(&mut (*ch).nomem_head, ptr::null_mut());
    (*ch).nomem_tail = ptr::null_mut();
    while !io.is_null() {
        let next = (*io).internal.next;
        (*io).internal.status = -1;
        (*ch).io_outstanding += 1;
        finish_io(io);
        io = next;
    }
    if (*ch).io_outstanding != 0 {
        spdk_log::errlog!(
            "bdev channel destroyed with {} I/O outstanding",
            (*ch).io_outstanding
        );
    }
    let st = state_of((*ch).bdev);
    if !st.is_null() {
        stat_add(&mut lock(&(*st).closed_stat), &(*ch).stat);
    }
    spdk_put_io_channel((*ch).module_ch);
    spdk_put_io_channel((*ch).mgmt_ioch);
}

pub unsafe fn get_io_channel(bdev: *mut spdk_bdev) -> *mut spdk_io_channel {
    spdk_get_io_channel(io_dev(bdev))
}

#[inline]
unsafe fn bdev_channel(ch: *mut spdk_io_channel) -> *mut BdevChannel {
    IoChannel::ctx(ch.cast()).cast()
}

pub unsafe fn channel_stat(
    ch: *mut spdk_io_channel,
    out: &mut spdk_bdev_io_stat,
    mode: spdk_bdev_reset_stat_mode,
) {
    let c = bdev_channel(ch);
    let keep = out.io_error;
    *out = (*c).stat;
    out.io_error = keep;
    reset_stat(&mut (*c).stat, mode);
}

pub fn reset_mode(v: c_int) -> Option<spdk_bdev_reset_stat_mode> {
    use spdk_bdev_reset_stat_mode::*;
    Some(match v {
        0 => SPDK_BDEV_RESET_STAT_ALL,
        1 => SPDK_BDEV_RESET_STAT_MAXMIN,
        2 => SPDK_BDEV_RESET_STAT_ERROR,
        3 => SPDK_BDEV_RESET_STAT_NONE,
        _ => return None,
    })
}

/// SPDK's spdk_bdev_reset_io_stat() (there are no error counters yet).
pub fn reset_stat(s: &mut spdk_bdev_io_stat, mode: spdk_bdev_reset_stat_mode) {
    use spdk_bdev_reset_stat_mode::*;
    if mode == SPDK_BDEV_RESET_STAT_NONE || mode == SPDK_BDEV_RESET_STAT_ERROR {
        return;
    }
    s.max_read_latency_ticks = 0;
    s.min_read_latency_ticks = u64::MAX;
    s.max_write_latency_ticks = 0;
    s.min_write_latency_ticks = u64::MAX;
    s.max_unmap_latency_ticks = 0;
    s.min_unmap_latency_ticks = u64::MAX;
    s.max_copy_latency_ticks = 0;
    s.min_copy_latency_ticks = u64::MAX;
    if mode != SPDK_BDEV_RESET_STAT_ALL {
        return;
    }
    s.bytes_read = 0;
    s.num_read_ops = 0;
    s.bytes_written = 0;
    s.num_write_ops = 0;
    s.bytes_unmapped = 0;
    s.num_unmap_ops = 0;
    s.bytes_copied = 0;
    s.num_copy_ops = 0;
    s.read_latency_ticks = 0;
    s.write_latency_ticks = 0;
    s.unmap_latency_ticks = 0;
    s.copy_latency_ticks = 0;
}

/// Adds `b` into `a` (sums; max of maxima, min of minima).
pub fn stat_add(a: &mut spdk_bdev_io_stat, b: &spdk_bdev_io_stat) {
    a.bytes_read += b.bytes_read;
    a.num_read_ops += b.num_read_ops;
    a.bytes_written += b.bytes_written;
    a.num_write_ops += b.num_write_ops;
    a.bytes_unmapped += b.bytes_unmapped;
    a.num_unmap_ops += b.num_unmap_ops;
    a.bytes_copied += b.bytes_copied;
    a.num_copy_ops += b.num_copy_ops;
    a.read_latency_ticks += b.read_latency_ticks;
    a.write_latency_ticks += b.write_latency_ticks;
    a.unmap_latency_ticks += b.unmap_latency_ticks;
    a.copy_latency_ticks += b.copy_latency_ticks;
    a.max_read_latency_ticks = a.max_read_latency_ticks.max(b.max_read_latency_ticks);
    a.min_read_latency_ticks = a.min_read_latency_ticks.min(b.min_read_latency_ticks);
    a.max_write_latency_ticks = a.max_write_latency_ticks.max(b.max_write_latency_ticks);
    a.min_write_latency_ticks = a.min_write_latency_ticks.min(b.min_write_latency_ticks);
    a.max_unmap_latency_ticks = a.max_unmap_latency_ticks.max(b.max_unmap_latency_ticks);
    a.min_unmap_latency_ticks = a.min_unmap_latency_ticks.min(b.min_unmap_latency_ticks);
    a.max_copy_latency_ticks = a.max_copy_latency_ticks.max(b.max_copy_latency_ticks);
    a.min_copy_latency_ticks = a.min_copy_latency_ticks.min(b.min_copy_latency_ticks);
}

struct DeviceStatCtx {
    bdev: *mut spdk_bdev,
    stat: *mut spdk_bdev_io_stat,
    mode: spdk_bdev_reset_stat_mode,
    cb: unsafe extern "C" fn(*mut spdk_bdev, *mut spdk_bdev_io_stat, *mut c_void, c_int),
    cb_arg: *mut c_void,
}

/// spdk_bdev_get_device_stat(): closed channels' statistics, then every
/// live channel's, gathered on their threads.
pub unsafe fn device_stat(
    bdev: *mut spdk_bdev,
    stat: *mut spdk_bdev_io_stat,
    mode: spdk_bdev_reset_stat_mode,
    cb: unsafe extern "C" fn(*mut spdk_bdev, *mut spdk_bdev_io_stat, *mut c_void, c_int),
    cb_arg: *mut c_void,
) {
    let st = state_of(bdev);
    if st.is_null() {
        cb(bdev, stat, cb_arg, -libc::ENODEV);
        return;
    }
    {
        let mut closed = lock(&(*st).closed_stat);
        let keep = (*stat).io_error;
        *stat = *closed;
        (*stat).io_error = keep;
        (*stat).ticks_rate = spdk_env::ticks::ticks_hz();
        reset_stat(&mut closed, mode);
    }
    let ctx = Box::into_raw(Box::new(DeviceStatCtx {
        bdev,
        stat,
        mode,
        cb,
        cb_arg,
    }));
    ::spdk_thread::ffi::thread::spdk_for_each_channel(
        io_dev(bdev),
        Some(device_stat_channel),
        ctx.cast(),
        Some(device_stat_done),
    );
}

unsafe extern "C" fn device_stat_channel(i: *mut ::spdk_thread::ffi::thread::spdk_io_channel_iter) {
    use ::spdk_thread::ffi::thread::*;
    let ctx = spdk_io_channel_iter_get_ctx(i).cast::<DeviceStatCtx>();
    let ch = spdk_io_channel_iter_get_channel(i);
    let c = bdev_channel(ch);
    stat_add(&mut *(*ctx).stat, &(*c).stat);
    reset_stat(&mut (*c).stat, (*ctx).mode);
    spdk_for_each_channel_continue(i, 0);
}

unsafe extern "C" fn device_stat_done(
    i: *mut ::spdk_thread::ffi::thread::spdk_io_channel_iter,
    status: c_int,
) {
    let ctx = Box::from_raw(
        ::spdk_thread::ffi::thread::spdk_io_channel_iter_get_ctx(i).cast::<DeviceStatCtx>(),
    );
    (ctx.cb)(ctx.bdev, ctx.stat, ctx.cb_arg, status);
}

// ---- completion status ----

const NVME_SCT_GENERIC: c_int = 0;
const NVME_SC_INTERNAL_DEVICE_ERROR: c_int = 0x06;
const NVME_SC_ABORTED_BY_REQUEST: c_int = 0x07;

pub unsafe fn set_nvme_status(
    io: *mut spdk_bdev_io,
    cdw0: u32,
    sct: c_int,
    sc: c_int,
) -> crate::ffi::bdev_module::spdk_bdev_io_status {
    use crate::ffi::bdev_module::spdk_bdev_io_status::*;
    let i = &mut (*io).internal;
    i.err_cdw0 = cdw0;
    i.err_sct = sct as i16;
    i.err_sc = sc as i16;
    if sct == NVME_SCT_GENERIC && sc == 0 {
        SPDK_BDEV_IO_STATUS_SUCCESS
    } else if sct == NVME_SCT_GENERIC && sc == NVME_SC_ABORTED_BY_REQUEST {
        SPDK_BDEV_IO_STATUS_ABORTED
    } else {
        SPDK_BDEV_IO_STATUS_NVME_ERROR
    }
}

pub unsafe fn nvme_status(io: *const spdk_bdev_io) -> (u32, c_int, c_int) {
    let i = &(*io).internal;
    if (*io).r#type == spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_ABORT as u8 {
        return ((i.status != STATUS_SUCCESS) as u32, NVME_SCT_GENERIC, 0);
    }
    let (sct, sc) = match i.status {
        STATUS_SUCCESS => (NVME_SCT_GENERIC, 0),
        -2 => (i.err_sct as c_int, i.err_sc as c_int),
        -7 => (NVME_SCT_GENERIC, NVME_SC_ABORTED_BY_REQUEST),
        // Media and data integrity errors: compare failure.
        -5 => (2, 0x85),
        _ => (NVME_SCT_GENERIC, NVME_SC_INTERNAL_DEVICE_ERROR),
    };
    (i.err_cdw0, sct, sc)
}

pub unsafe fn set_aio_status(
    io: *mut spdk_bdev_io,
    aio_result: c_int,
) -> crate::ffi::bdev_module::spdk_bdev_io_status {
    use crate::ffi::bdev_module::spdk_bdev_io_status::*;
    (*io).internal.err_aio = aio_result;
    if aio_result == 0 {
        SPDK_BDEV_IO_STATUS_SUCCESS
    } else {
        SPDK_BDEV_IO_STATUS_AIO_ERROR
    }
}

pub unsafe fn aio_status(io: *const spdk_bdev_io) -> c_int {
    match (*io).internal.status {
        STATUS_SUCCESS => 0,
        -8 => (*io).internal.err_aio,
        _ => -libc::EIO,
    }
}

// ---- I/O path ----

/// The arguments of one I/O call.
pub struct IoArgs {
    pub ty: spdk_bdev_io_type,
    pub buf: *mut c_void,
    pub iovs: *mut libc::iovec,
    pub iovcnt: c_int,
    pub offset_blocks: u64,
    pub num_blocks: u64,
    pub cb: spdk_bdev_io_completion_cb,
    pub cb_arg: *mut c_void,
    /// The write half of a compare-and-write; the source of a copy.
    pub fused_iovs: *mut libc::iovec,
    pub fused_iovcnt: c_int,
    pub src_offset_blocks: u64,
    /// An abort's target callback argument.
    pub abort_cb_arg: *mut c_void,
    /// Separate metadata (bdevs with md_len and no interleave), or NULL.
    pub md_buf: *mut c_void,
    /// DIF checks of the bdev this I/O leaves out.
    pub dif_exclude: u32,
}

#[inline]
unsafe fn get_io(m: *mut MgmtChannel) -> *mut spdk_bdev_io {
    let io = (*m).free;
    if !io.is_null() {
        (*m).free = (*io).internal.next;
        (*m).count -= 1;
        return io;
    }
    if !(*m).wait_head.is_null() {
        // Others wait already: they go first.
        return ptr::null_mut();
    }
    let pool = POOL.load(Ordering::Relaxed);
    match (*pool).get() {
        Some(e) => e.as_ptr().cast(),
        None => ptr::null_mut(),
    }
}

/// Validates and submits one I/O.
#[inline]
pub unsafe fn submit(d: &Desc, ch: *mut spdk_io_channel, a: IoArgs) -> c_int {
    use spdk_bdev_io_type::*;
    let bdev = d.bdev;
    let b = &*bdev;
    let is_write = !matches!(
        a.ty,
        SPDK_BDEV_IO_TYPE_READ
            | SPDK_BDEV_IO_TYPE_RESET
            | SPDK_BDEV_IO_TYPE_COMPARE
            | SPDK_BDEV_IO_TYPE_ABORT
            | SPDK_BDEV_IO_TYPE_SEEK_DATA
            | SPDK_BDEV_IO_TYPE_SEEK_HOLE
    );
    if is_write && !d.write {
        return -libc::EBADF;
    }
    if a.ty != SPDK_BDEV_IO_TYPE_RESET {
        match a.offset_blocks.checked_add(a.num_blocks) {
            Some(end) if end <= b.blockcnt => {}
            _ => return -libc::EINVAL,
        }
    }
    if !a.md_buf.is_null() && (b.md_len == 0 || b.md_interleave() || d.hide_md) {
        // Separate metadata only for bdevs that have it.
        return -libc::EINVAL;
    }
    if a.ty as u32 >= SPDK_BDEV_IO_TYPE_ZONE_APPEND as u32 {
        if let Err(e) = check_rare(bdev, &a) {
            return e;
        }
    }
    if a.ty == SPDK_BDEV_IO_TYPE_WRITE_ZEROES
        && !io_type_supported(bdev, SPDK_BDEV_IO_TYPE_WRITE_ZEROES)
    {
        return -libc::ENOTSUP;
    }
    let c = bdev_channel(ch);
    if (*c).bdev != bdev {
        return -libc::EINVAL;
    }
    let io = get_io((*c).mgmt);
    if io.is_null() {
        return -libc::ENOMEM;
    }
    let len = a.num_blocks * b.blocklen as u64;
    (*io).bdev = bdev;
    (*io).r#type = a.ty as u8;
    (*io).num_retries = 0;
    let p = &mut (*io).u.bdev;
    if a.iovs.is_null() {
        (*io).iov = libc::iovec {
            iov_base: a.buf,
            iov_len: len as usize,
        };
        p.iovs = ptr::addr_of_mut!((*io).iov);
        p.iovcnt = if matches!(
            a.ty,
            SPDK_BDEV_IO_TYPE_READ
                | SPDK_BDEV_IO_TYPE_WRITE
                | SPDK_BDEV_IO_TYPE_COMPARE
                | SPDK_BDEV_IO_TYPE_ZONE_APPEND
        ) {
            1
        } else {
            0
        };
    } else {
        p.iovs = a.iovs;
        p.iovcnt = a.iovcnt;
    }
    p.num_blocks = a.num_blocks;
    p.offset_blocks = a.offset_blocks;
    p.memory_domain = ptr::null_mut();
    p.memory_domain_ctx = ptr::null_mut();
    p.accel_sequence = ptr::null_mut();
    p.md_buf = a.md_buf;
    p.fused_iovs = a.fused_iovs;
    p.fused_iovcnt = a.fused_iovcnt;
    p.copy.src_offset_blocks = a.src_offset_blocks;
    p.abort.bio_cb_arg = a.abort_cb_arg;
    p.seek.offset = 0;
    p.dif_check_flags = b.dif_check_flags & !a.dif_exclude;
    init_internal(io, c, d, a.cb, a.cb_arg);
    if !(*c).locks.ranges.is_empty() && crate::lock::held_back(c, io) {
        return 0;
    }
    proceed(c, io)
}

/// The arguments of a zone information or management request.
pub struct ZoneArgs {
    pub ty: spdk_bdev_io_type,
    pub zone_id: u64,
    pub num_zones: u32,
    pub action: c_int,
    pub buf: *mut c_void,
}

/// Validates and submits a get_zone_info or zone_management request.
pub unsafe fn submit_zone(
    d: &Desc,
    ch: *mut spdk_io_channel,
    z: ZoneArgs,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let bdev = d.bdev;
    if z.ty == spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_ZONE_MANAGEMENT && !d.write {
        return -libc::EBADF;
    }
    if z.zone_id >= (*bdev).blockcnt {
        return -libc::EINVAL;
    }
    if !io_type_supported(bdev, z.ty) {
        return -libc::ENOTSUP;
    }
    let c = bdev_channel(ch);
    if (*c).bdev != bdev {
        return -libc::EINVAL;
    }
    let io = get_io((*c).mgmt);
    if io.is_null() {
        return -libc::ENOMEM;
    }
    (*io).bdev = bdev;
    (*io).r#type = z.ty as u8;
    (*io).num_retries = 0;
    (*io).u.zone_mgmt = crate::ffi::bdev_module::spdk_bdev_io_zone_mgmt_params {
        zone_id: z.zone_id,
        num_zones: z.num_zones,
        zone_action: crate::ffi::bdev_zone::ZoneActionArg(z.action),
        buf: z.buf,
    };
    init_internal(io, c, d, cb, cb_arg);
    proceed(c, io)
}

/// Validates and submits an NVMe passthru request (`p` as the module
/// receives it): the descriptor must be writable (the command is not
/// parsed), the module must support the type.
pub unsafe fn submit_nvme(
    d: &Desc,
    ch: *mut spdk_io_channel,
    ty: spdk_bdev_io_type,
    p: crate::ffi::bdev_module::spdk_bdev_io_nvme_passthru_params,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let bdev = d.bdev;
    if !d.write {
        return -libc::EBADF;
    }
    if !io_type_supported(bdev, ty) {
        return -libc::ENOTSUP;
    }
    let c = bdev_channel(ch);
    if (*c).bdev != bdev {
        return -libc::EINVAL;
    }
    let io = get_io((*c).mgmt);
    if io.is_null() {
        return -libc::ENOMEM;
    }
    (*io).bdev = bdev;
    (*io).r#type = ty as u8;
    (*io).num_retries = 0;
    (*io).u.nvme_passthru = p;
    init_internal(io, c, d, cb, cb_arg);
    // Range locks hold NVMe I/O back whatever it addresses (SPDK's rule).
    if !(*c).locks.ranges.is_empty() && crate::lock::held_back(c, io) {
        return 0;
    }
    proceed(c, io)
}

/// Fills the library's part of a new I/O of channel `c`.
#[inline]
pub unsafe fn init_internal(
    io: *mut spdk_bdev_io,
    c: *mut BdevChannel,
    d: &Desc,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) {
    let i = &mut (*io).internal;
    i.ch = c.cast();
    i.desc = (d as *const Desc) as *mut c_void;
    i.cb = cb;
    i.caller_ctx = cb_arg;
    i.submit_tsc = spdk_env::ticks::ticks();
    i.status = STATUS_PENDING;
    i.has_buf = 0;
    i.held = 0;
    i.err_cdw0 = 0;
    i.child = 0;
    i.tracked = 0;
    i.orig_iovs = ptr::null_mut();
}

/// Checks of the I/O types past compare: rare, kept off the common path.
#[cold]
unsafe fn check_rare(bdev: *mut spdk_bdev, a: &IoArgs) -> Result<(), c_int> {
    use spdk_bdev_io_type::*;
    let b = &*bdev;
    match a.ty {
        SPDK_BDEV_IO_TYPE_COMPARE_AND_WRITE if a.num_blocks > b.acwu as u64 => Err(-libc::EINVAL),
        SPDK_BDEV_IO_TYPE_COPY => match a.src_offset_blocks.checked_add(a.num_blocks) {
            Some(end) if end <= b.blockcnt => Ok(()),
            _ => Err(-libc::EINVAL),
        },
        SPDK_BDEV_IO_TYPE_WRITE_UNCORRECTABLE | SPDK_BDEV_IO_TYPE_ZONE_APPEND
            if !io_type_supported(bdev, a.ty) =>
        {
            Err(-libc::ENOTSUP)
        }
        _ => Ok(()),
    }
}

/// Takes a set-up I/O past the range locks: QoS, then on its way. A
/// failure before anything started gives the I/O back (Err to the caller).
#[inline]
pub unsafe fn proceed(c: *mut BdevChannel, io: *mut spdk_bdev_io) -> c_int {
    let qos = &(*state_of((*io).bdev)).qos;
    if qos.active() && crate::qos::throttle(c, qos, io) {
        return 0;
    }
    match start(c, io) {
        Ok(()) => 0,
        Err(e) => {
            release_unused(c, io);
            e
        }
    }
}

/// Submits an I/O the range locks held back, now that they let it pass
/// (a failure completes it).
pub unsafe fn resume(c: *mut BdevChannel, io: *mut spdk_bdev_io) {
    (*io).internal.submit_tsc = spdk_env::ticks::ticks();
    let qos = &(*state_of((*io).bdev)).qos;
    if qos.active() && crate::qos::throttle(c, qos, io) {
        return;
    }
    start_queued(c, io);
}

/// Sends a set-up I/O on its way: emulated, split or to the module. Err
/// (before anything started) when it cannot be split as it stands.
#[inline]
unsafe fn start(c: *mut BdevChannel, io: *mut spdk_bdev_io) -> Result<(), c_int> {
    use spdk_bdev_io_type::*;
    let bdev = (*io).bdev;
    let ty = (*io).r#type;
    if ty >= SPDK_BDEV_IO_TYPE_COMPARE as u8 && start_rare(c, io) {
        return Ok(());
    }
    if (crate::split::rw_limited(&*bdev) || ty >= SPDK_BDEV_IO_TYPE_UNMAP as u8)
        && crate::split::needed(io)?
    {
        hold(c, io, crate::split::start);
        return Ok(());
    }
    dispatch(c, io);
    Ok(())
}

/// The library takes `io` over (it is outstanding and on the channel's
/// submitted list, not given to the module) and starts `f` on it.
unsafe fn hold(c: *mut BdevChannel, io: *mut spdk_bdev_io, f: unsafe fn(*mut spdk_bdev_io)) {
    (*c).io_outstanding += 1;
    (*io).internal.held = 1;
    crate::submitted::push(ptr::addr_of_mut!((*c).submitted), io);
    (*io).internal.in_submit_request = 1;
    f(io);
    (*io).internal.in_submit_request = 0;
}

/// Abort, and compare, compare-and-write, copy and seeks the module does
/// not do: true when the library took the I/O over.
#[cold]
unsafe fn start_rare(c: *mut BdevChannel, io: *mut spdk_bdev_io) -> bool {
    use spdk_bdev_io_type::*;
    let ty =
        spdk_bdev_io_type::from_int((*io).r#type as c_int).unwrap_or(SPDK_BDEV_IO_TYPE_INVALID);
    if ty == SPDK_BDEV_IO_TYPE_ABORT {
        hold(c, io, crate::abort::start);
        return true;
    }
    if io_type_supported((*io).bdev, ty) {
        return false;
    }
    match ty {
        SPDK_BDEV_IO_TYPE_COMPARE | SPDK_BDEV_IO_TYPE_COPY => hold(c, io, crate::emulate::start),
        SPDK_BDEV_IO_TYPE_COMPARE_AND_WRITE => hold(c, io, crate::lock::compare_and_write),
        SPDK_BDEV_IO_TYPE_SEEK_DATA | SPDK_BDEV_IO_TYPE_SEEK_HOLE => {
            hold(c, io, seek_default);
        }
        _ => return false,
    }
    true
}

/// A bdev that cannot seek is all data, as SPDK assumes: data starts at
/// the offset, there is no hole.
unsafe fn seek_default(io: *mut spdk_bdev_io) {
    let p = &mut (*io).u.bdev;
    p.seek.offset = if (*io).r#type == spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_SEEK_DATA as u8 {
        p.offset_blocks
    } else {
        u64::MAX
    };
    complete(io, STATUS_SUCCESS);
}

/// Starts an I/O that waited for QoS quota (a failure completes it).
pub unsafe fn start_queued(c: *mut BdevChannel, io: *mut spdk_bdev_io) {
    if start(c, io).is_err() {
        fail_unstarted(c, io);
    }
}

/// Completes, failed, an I/O that never reached the module.
pub unsafe fn fail_unstarted(c: *mut BdevChannel, io: *mut spdk_bdev_io) {
    (*c).io_outstanding += 1;
    complete(io, STATUS_FAILED);
}

/// The channel's QoS queue.
pub unsafe fn qos_queue(c: *mut BdevChannel) -> *mut crate::qos::ChannelQueue {
    ptr::addr_of_mut!((*c).qos_queue)
}

/// The QoS state of the channel's bdev.
pub unsafe fn qos_of<'a>(c: *mut BdevChannel) -> &'a crate::qos::Qos {
    &(*state_of((*c).bdev)).qos
}

/// The histogram settings of a registered bdev.
pub unsafe fn histogram_settings<'a>(b: *mut spdk_bdev) -> Option<&'a crate::histogram::Settings> {
    if b.is_null() {
        return None;
    }
    state_of(b).as_ref().map(|s| &s.histogram)
}

/// The channel's histogram slot.
pub unsafe fn channel_histogram(c: *mut BdevChannel) -> *mut *mut spdk_util::histogram::Histogram {
    ptr::addr_of_mut!((*c).histogram)
}

/// The bdev's io_device (its channels are spdk_for_each_channel's).
pub fn io_device(b: *mut spdk_bdev) -> *mut c_void {
    io_dev(b)
}

/// The bdev channel of an spdk_io_channel from spdk_bdev_get_io_channel.
pub unsafe fn bdev_channel_of(ch: *mut spdk_io_channel) -> *mut BdevChannel {
    bdev_channel(ch)
}

/// The QoS state of a registered bdev.
pub unsafe fn bdev_qos<'a>(b: *mut spdk_bdev) -> Option<&'a crate::qos::Qos> {
    if b.is_null() {
        return None;
    }
    state_of(b).as_ref().map(|s| &s.qos)
}

/// Hands a set-up I/O to the module.
#[inline]
unsafe fn dispatch(c: *mut BdevChannel, io: *mut spdk_bdev_io) {
    (*io).internal.in_submit_request = 1;
    (*c).io_outstanding += 1;
    crate::submitted::push(ptr::addr_of_mut!((*c).submitted), io);
    ((*c).submit)((*c).module_ch, io);
    (*io).internal.in_submit_request = 0;
}

/// A bdev_io from the channel's thread cache or the pool (NULL: none).
pub unsafe fn alloc_io(c: *mut BdevChannel) -> *mut spdk_bdev_io {
    get_io((*c).mgmt)
}

/// Gives back a bdev_io of channel `c` that was never submitted.
pub unsafe fn release_unused(c: *mut BdevChannel, io: *mut spdk_bdev_io) {
    (*io).internal.ch = c.cast();
    (*io).internal.has_buf = 0;
    free_io(io)
}

/// Submits one child of a split parent to the module: same bdev, channel
/// and descriptor, the given range and iovecs; `cb` gets the parent.
pub unsafe fn submit_child(
    parent: *mut spdk_bdev_io,
    child: *mut spdk_bdev_io,
    offset_blocks: u64,
    num_blocks: u64,
    iovs: *mut libc::iovec,
    iovcnt: c_int,
    cb: unsafe extern "C" fn(*mut spdk_bdev_io, bool, *mut c_void),
) {
    (*child).bdev = (*parent).bdev;
    (*child).r#type = (*parent).r#type;
    (*child).num_retries = 0;
    let mut params = (*parent).u.bdev;
    if !params.md_buf.is_null() {
        // Separate metadata: the child's part of it.
        let skip = (offset_blocks - params.offset_blocks) * (*(*parent).bdev).md_len as u64;
        params.md_buf = params.md_buf.cast::<u8>().add(skip as usize).cast();
    }
    params.iovs = iovs;
    params.iovcnt = iovcnt;
    params.offset_blocks = offset_blocks;
    params.num_blocks = num_blocks;
    (*child).u.bdev = params;
    let (pi, ci) = (&(*parent).internal, &mut (*child).internal);
    ci.ch = pi.ch;
    ci.desc = pi.desc;
    ci.cb = Some(cb);
    ci.caller_ctx = parent.cast();
    ci.submit_tsc = pi.submit_tsc;
    ci.status = STATUS_PENDING;
    ci.has_buf = 0;
    ci.err_cdw0 = 0;
    ci.child = 1;
    ci.tracked = 0;
    ci.orig_iovs = ptr::null_mut();
    dispatch(pi.ch.cast(), child);
}

/// Submits an abort of `target` for the abort `parent`.
pub unsafe fn submit_abort_child(
    parent: *mut spdk_bdev_io,
    child: *mut spdk_bdev_io,
    target: *mut spdk_bdev_io,
    cb: unsafe extern "C" fn(*mut spdk_bdev_io, bool, *mut c_void),
) {
    (*child).bdev = (*parent).bdev;
    (*child).r#type = spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_ABORT as u8;
    (*child).num_retries = 0;
    (*child).u.abort = crate::ffi::bdev_module::spdk_bdev_io_abort_params {
        bio_to_abort: target,
    };
    let (pi, ci) = (&(*parent).internal, &mut (*child).internal);
    ci.ch = pi.ch;
    ci.desc = pi.desc;
    ci.cb = Some(cb);
    ci.caller_ctx = parent.cast();
    ci.submit_tsc = spdk_env::ticks::ticks();
    ci.status = STATUS_PENDING;
    ci.has_buf = 0;
    ci.err_cdw0 = 0;
    ci.child = 1;
    ci.tracked = 0;
    ci.orig_iovs = ptr::null_mut();
    dispatch(pi.ch.cast(), child);
}

/// The channel's list of I/Os in flight.
pub unsafe fn submitted_list(c: *mut BdevChannel) -> *mut crate::submitted::List {
    ptr::addr_of_mut!((*c).submitted)
}

/// Completes an I/O the library itself finished (a split parent).
pub unsafe fn complete_now(io: *mut spdk_bdev_io, ok: bool) {
    complete(io, if ok { STATUS_SUCCESS } else { STATUS_FAILED });
}

/// The descriptor an I/O was submitted through.
pub unsafe fn desc_of(io: *mut spdk_bdev_io) -> *mut crate::ffi::bdev::spdk_bdev_desc {
    (*io).internal.desc.cast()
}

/// Completes an I/O: on the submitting thread, never from inside the
/// module's submit_request.
#[inline]
pub unsafe fn complete(io: *mut spdk_bdev_io, status: i8) {
    (*io).internal.status = status;
    let c = (*io).internal.ch.cast::<BdevChannel>();
    if (*io).internal.in_submit_request != 0 || (*c).thread != spdk_get_thread() {
        let rc = spdk_thread_send_msg((*c).thread, Some(complete_msg), io.cast());
        if rc != 0 {
            spdk_log::errlog!("could not send an I/O completion to its thread: {}", rc);
        }
        return;
    }
    finish_io(io);
}

unsafe extern "C" fn complete_msg(arg: *mut c_void) {
    finish_io(arg.cast());
}

#[inline]
unsafe fn account(stat: &mut spdk_bdev_io_stat, ty: u8, bytes: u64, ticks: u64) {
    let (b, n, lat, max, min) = match ty {
        1 => (
            &mut stat.bytes_read,
            &mut stat.num_read_ops,
            &mut stat.read_latency_ticks,
            &mut stat.max_read_latency_ticks,
            &mut stat.min_read_latency_ticks,
        ),
        2 => (
            &mut stat.bytes_written,
            &mut stat.num_write_ops,
            &mut stat.write_latency_ticks,
            &mut stat.max_write_latency_ticks,
            &mut stat.min_write_latency_ticks,
        ),
        3 => (
            &mut stat.bytes_unmapped,
            &mut stat.num_unmap_ops,
            &mut stat.unmap_latency_ticks,
            &mut stat.max_unmap_latency_ticks,
            &mut stat.min_unmap_latency_ticks,
        ),
        _ => return,
    };
    *b += bytes;
    *n += 1;
    *lat += ticks;
    if ticks > *max {
        *max = ticks;
    }
    if ticks < *min {
        *min = ticks;
    }
}

/// The module ran out of resources for `io`: keep it for a retry.
#[cold]
unsafe fn queue_nomem(c: *mut BdevChannel, io: *mut spdk_bdev_io) {
    (*io).internal.next = ptr::null_mut();
    if (*c).nomem_tail.is_null() {
        (*c).nomem_head = io;
    } else {
        (*(*c).nomem_tail).internal.next = io;
    }
    (*c).nomem_tail = io;
    if (*c).io_outstanding == 0 && (*c).nomem_poller.is_null() {
        // Nothing in flight will trigger the retry: poll for it.
        (*c).nomem_poller =
            ::spdk_thread::ffi::thread::spdk_poller_register(Some(nomem_poll), c.cast(), 1000);
    }
}

unsafe extern "C" fn nomem_poll(arg: *mut c_void) -> c_int {
    let c = arg.cast::<BdevChannel>();
    ::spdk_thread::ffi::thread::spdk_poller_unregister(&mut (*c).nomem_poller);
    retry_nomem(c);
    1
}

/// Submits the I/Os of the NOMEM queue again, in order.
#[cold]
unsafe fn retry_nomem(c: *mut BdevChannel) {
    let mut io = std::mem::replace(&mut (*c).nomem_head, ptr::null_mut());
    (*c).nomem_tail = ptr::null_mut();
    while !io.is_null() {
        let next = (*io).internal.next;
        (*io).num_retries = (*io).num_retries.wrapping_add(1);
        (*io).internal.status = STATUS_PENDING;
        (*io).internal.in_submit_request = 1;
        (*c).io_outstanding += 1;
        // Still on the submitted list: it never left the channel.
        ((*c).submit)((*c).module_ch, io);
        (*io).internal.in_submit_request = 0;
        io = next;
    }
}

#[inline]
unsafe fn finish_io(io: *mut spdk_bdev_io) {
    let c = (*io).internal.ch.cast::<BdevChannel>();
    (*c).io_outstanding -= 1;
    if (*io).internal.status == STATUS_NOMEM {
        queue_nomem(c, io);
        return;
    }
    if (*io).internal.tracked != 0 {
        crate::submitted::remove(ptr::addr_of_mut!((*c).submitted), io);
    }
    if !(*c).nomem_head.is_null() {
        retry_nomem(c);
    }
    let ok = (*io).internal.status == STATUS_SUCCESS;
    if !(*io).internal.orig_iovs.is_null() {
        crate::bounce::finish(io, ok);
    }
    if ok && (*io).internal.child == 0 {
        let now = spdk_env::ticks::ticks();
        if !(*c).histogram.is_null() {
            tally(c, io, now);
        }
        // wrapping: the union holds other parameters for non-block types.
        let bytes = (*io)
            .u
            .bdev
            .num_blocks
            .wrapping_mul((*(*io).bdev).blocklen as u64);
        account(
            &mut (*c).stat,
            (*io).r#type,
            bytes,
            now.wrapping_sub((*io).internal.submit_tsc),
        );
    }
    match (*io).internal.cb {
        Some(cb) => cb(io, ok, (*io).internal.caller_ctx),
        None => free_io(io),
    }
}

#[cold]
unsafe fn tally(c: *mut BdevChannel, io: *mut spdk_bdev_io, now: u64) {
    let st = state_of((*c).bdev);
    let want = (*st).histogram_io_type();
    if want == 0 || want == (*io).r#type {
        (*(*c).histogram).tally(now.wrapping_sub((*io).internal.submit_tsc));
    }
}

/// Returns a completed I/O to the thread's cache (or the pool), then
/// wakes io_wait entries while I/Os are available.
#[inline]
pub unsafe fn free_io(io: *mut spdk_bdev_io) {
    let c = (*io).internal.ch.cast::<BdevChannel>();
    let m = (*c).mgmt;
    if (*io).internal.has_buf != 0 {
        (*io).internal.has_buf = 0;
        spdk_iobuf_put(
            ptr::addr_of_mut!((*m).iobuf),
            (*io).internal.buf,
            (*io).internal.buf_len,
        );
    }
    if (*m).count < (*m).cache_size {
        (*io).internal.next = (*m).free;
        (*m).free = io;
        (*m).count += 1;
        while (*m).count > 0 && !(*m).wait_head.is_null() {
            let e = (*m).wait_head;
            (*m).wait_head = (*e).link.tqe_next;
            if (*m).wait_head.is_null() {
                (*m).wait_tail = ptr::null_mut();
            }
            (*e).link.tqe_next = ptr::null_mut();
            if let Some(f) = (*e).cb_fn {
                f((*e).cb_arg);
            }
        }
    } else {
        let pool = POOL.load(Ordering::Relaxed);
        (*pool).put(ptr::NonNull::new_unchecked(io.cast()));
    }
}

pub unsafe fn queue_io_wait(ch: *mut spdk_io_channel, e: *mut spdk_bdev_io_wait_entry) -> c_int {
    let c = bdev_channel(ch);
    let m = (*c).mgmt;
    if (*m).count > 0 {
        spdk_log::errlog!("Cannot queue io_wait if spdk_bdev_io available in per-thread cache");
        return -libc::EINVAL;
    }
    (*e).link.tqe_next = ptr::null_mut();
    (*e).link.tqe_prev = ptr::null_mut();
    if (*m).wait_tail.is_null() {
        (*m).wait_head = e;
    } else {
        (*(*m).wait_tail).link.tqe_next = e;
    }
    (*m).wait_tail = e;
    0
}

pub unsafe fn io_channel_of(io: *mut spdk_bdev_io) -> *mut spdk_io_channel {
    spdk_io_channel_from_ctx((*io).internal.ch)
}

pub unsafe fn thread_of(io: *mut spdk_bdev_io) -> *mut spdk_thread {
    (*(*io).internal.ch.cast::<BdevChannel>()).thread
}

/// The number of bdev_io in the pool (for tests).
pub fn pool_count() -> usize {
    let p = POOL.load(Ordering::Acquire);
    // SAFETY: the pool lives while the library is initialized.
    unsafe { p.as_ref().map_or(0, |p| p.count()) }
}

#[allow(dead_code)]
fn _assert_send() {}

/// The registered modules, in registration order.
pub fn module_list() -> Vec<*mut spdk_bdev_module> {
    modules().into_iter().map(|m| m.0).collect()
}

// ---- data buffers (spdk_bdev_io_get_buf) ----

static LARGE_BUFSIZE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The size of the iobuf pool's large buffers.
pub fn large_buf_size() -> u64 {
    LARGE_BUFSIZE.load(Ordering::Relaxed)
}

fn load_large_bufsize() {
    // SAFETY: zeroed opts are valid; filled by the iobuf library.
    let mut o: spdk_iobuf_opts = unsafe { std::mem::zeroed() };
    // SAFETY: a local opts struct of the right size.
    unsafe { spdk_iobuf_get_opts(&mut o, std::mem::size_of::<spdk_iobuf_opts>()) };
    LARGE_BUFSIZE.store(o.large_bufsize as u64, Ordering::Relaxed);
}

unsafe fn attach_buf(io: *mut spdk_bdev_io, buf: *mut c_void) {
    let len = (*io).internal.buf_len;
    (*io).internal.buf = buf;
    (*io).internal.has_buf = 1;
    let iov = libc::iovec {
        iov_base: buf,
        iov_len: len as usize,
    };
    if (*io).internal.orig_iovs.is_null() {
        let p = &mut (*io).u.bdev;
        if p.iovs.is_null() || p.iovcnt < 1 {
            (*io).iov = iov;
            p.iovs = ptr::addr_of_mut!((*io).iov);
        } else {
            // In place, as SPDK: whoever handed down these iovecs (a part
            // or passthru module forwarding its own I/O) sees the buffer.
            *p.iovs = iov;
        }
    } else {
        (*io).internal.bounce_iov = iov;
        (*io).u.bdev.iovs = ptr::addr_of_mut!((*io).internal.bounce_iov);
        if (*io).r#type != spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_READ as u8 {
            crate::bounce::gather(&mut (*io).internal);
        }
    }
    (*io).u.bdev.iovcnt = 1;
}

unsafe fn buf_done(io: *mut spdk_bdev_io, ok: bool) {
    let c = (*io).internal.ch.cast::<BdevChannel>();
    if let Some(cb) = (*io).internal.get_buf_cb {
        cb((*c).module_ch, io, ok);
    }
}

unsafe extern "C" fn iobuf_ready(entry: *mut spdk_iobuf_entry, buf: *mut c_void) {
    let off = std::mem::offset_of!(spdk_bdev_io, internal)
        + std::mem::offset_of!(crate::ffi::bdev_module::spdk_bdev_io_internal_fields, iobuf);
    let io = entry.cast::<u8>().sub(off).cast::<spdk_bdev_io>();
    let c = (*io).internal.ch.cast::<BdevChannel>();
    (*(*c).mgmt).buf_waiting -= 1;
    attach_buf(io, buf);
    buf_done(io, true);
}

/// spdk_bdev_io_get_buf().
pub unsafe fn get_buf(io: *mut spdk_bdev_io, cb: spdk_bdev_io_get_buf_cb, len: u64) {
    let c = (*io).internal.ch.cast::<BdevChannel>();
    let m = (*c).mgmt;
    (*io).internal.get_buf_cb = cb;
    let p = &(*io).u.bdev;
    let has = !p.iovs.is_null() && p.iovcnt > 0 && !(*p.iovs).iov_base.is_null();
    let align = 1usize << (*(*io).bdev).required_alignment;
    if has && crate::bounce::aligned(p.iovs, p.iovcnt, align) {
        buf_done(io, true);
        return;
    }
    if !(*m).iobuf_ok || len == 0 || len > LARGE_BUFSIZE.load(Ordering::Relaxed) {
        spdk_log::errlog!("Length {} is larger than allowed buffer size", len);
        buf_done(io, false);
        return;
    }
    if has {
        // The caller's buffers are misaligned for this bdev: the module
        // gets an aligned one, copied in now or out on completion.
        (*io).internal.orig_iovs = p.iovs;
        (*io).internal.orig_iovcnt = p.iovcnt;
    }
    (*io).internal.buf_len = len;
    let buf = spdk_iobuf_get(
        ptr::addr_of_mut!((*m).iobuf),
        len,
        ptr::addr_of_mut!((*io).internal.iobuf),
        Some(iobuf_ready),
    );
    if buf.is_null() {
        (*m).buf_waiting += 1;
        return;
    }
    attach_buf(io, buf);
    buf_done(io, true);
}

impl BdevState {
    fn histogram_io_type(&self) -> u8 {
        self.histogram_io_type.load(Ordering::Relaxed)
    }

    /// Records the I/O type filter of the histogram being enabled.
    pub fn set_histogram_io_type(&self, t: u8) {
        self.histogram_io_type.store(t, Ordering::Relaxed);
    }
}

/// The state of a registered bdev (None before registration).
pub unsafe fn state<'a>(b: *mut spdk_bdev) -> Option<&'a BdevState> {
    if b.is_null() {
        return None;
    }
    state_of(b).as_ref()
}

/// The I/Os outstanding on a channel.
pub unsafe fn outstanding(c: *mut BdevChannel) -> u64 {
    (*c).io_outstanding
}

/// The bdev of a channel.
pub unsafe fn channel_bdev(c: *mut BdevChannel) -> *mut spdk_bdev {
    (*c).bdev
}

/// The descriptor behind a C handle.
pub unsafe fn desc_bdev(d: *const Desc) -> *mut spdk_bdev {
    (*d).bdev
}

/// Takes the completion status of `base` (with its NVMe or aio details)
/// for `io`; returns it.
pub unsafe fn copy_status(
    io: *mut spdk_bdev_io,
    base: *const spdk_bdev_io,
) -> crate::ffi::bdev_module::spdk_bdev_io_status {
    use crate::ffi::bdev_module::spdk_bdev_io_status::*;
    let b = &(*base).internal;
    match b.status {
        -2 => set_nvme_status(io, b.err_cdw0, b.err_sct as c_int, b.err_sc as c_int),
        -8 => set_aio_status(io, b.err_aio),
        1 => SPDK_BDEV_IO_STATUS_SUCCESS,
        0 => SPDK_BDEV_IO_STATUS_PENDING,
        -3 => {
            let i = &mut (*io).internal;
            (i.scsi_sc, i.scsi_sk, i.scsi_asc, i.scsi_ascq) =
                (b.scsi_sc, b.scsi_sk, b.scsi_asc, b.scsi_ascq);
            SPDK_BDEV_IO_STATUS_SCSI_ERROR
        }
        -4 => SPDK_BDEV_IO_STATUS_NOMEM,
        -5 => SPDK_BDEV_IO_STATUS_MISCOMPARE,
        -6 => SPDK_BDEV_IO_STATUS_FIRST_FUSED_FAILED,
        -7 => SPDK_BDEV_IO_STATUS_ABORTED,
        _ => SPDK_BDEV_IO_STATUS_FAILED,
    }
}

unsafe fn io_of_entry(entry: *mut spdk_iobuf_entry) -> *mut spdk_bdev_io {
    let off = std::mem::offset_of!(spdk_bdev_io, internal)
        + std::mem::offset_of!(crate::ffi::bdev_module::spdk_bdev_io_internal_fields, iobuf);
    entry.cast::<u8>().sub(off).cast::<spdk_bdev_io>()
}

unsafe extern "C" fn own_buf_ready(entry: *mut spdk_iobuf_entry, buf: *mut c_void) {
    let io = io_of_entry(entry);
    let c = (*io).internal.ch.cast::<BdevChannel>();
    (*(*c).mgmt).buf_waiting -= 1;
    (*io).internal.buf = buf;
    (*io).internal.has_buf = 1;
    buf_done(io, true);
}

/// A buffer of `len` bytes for the library's own use on an I/O it holds
/// (emulations), in `internal.buf` and released with the I/O; `cb` when
/// it is there (later when the pool is empty), failed when too large.
pub unsafe fn own_buf(io: *mut spdk_bdev_io, len: u64, cb: spdk_bdev_io_get_buf_cb) {
    let c = (*io).internal.ch.cast::<BdevChannel>();
    let m = (*c).mgmt;
    (*io).internal.get_buf_cb = cb;
    if !(*m).iobuf_ok || len == 0 || len > LARGE_BUFSIZE.load(Ordering::Relaxed) {
        spdk_log::errlog!("Length {} is larger than allowed buffer size", len);
        buf_done(io, false);
        return;
    }
    (*io).internal.buf_len = len;
    let buf = spdk_iobuf_get(
        ptr::addr_of_mut!((*m).iobuf),
        len,
        ptr::addr_of_mut!((*io).internal.iobuf),
        Some(own_buf_ready),
    );
    if buf.is_null() {
        (*m).buf_waiting += 1;
        return;
    }
    (*io).internal.buf = buf;
    (*io).internal.has_buf = 1;
    buf_done(io, true);
}

/// SPDK's NVMe status of both halves of a compare-and-write:
/// ((cdw0), (first sct, sc), (second sct, sc)).
pub unsafe fn nvme_fused_status(io: *const spdk_bdev_io) -> (u32, (c_int, c_int), (c_int, c_int)) {
    const MEDIA: c_int = 2;
    const COMPARE_FAILURE: c_int = 0x85;
    const FAILED_FUSED: c_int = 0x09;
    const G: c_int = NVME_SCT_GENERIC;
    let i = &(*io).internal;
    let (sct, sc) = (i.err_sct as c_int, i.err_sc as c_int);
    let pair = match i.status {
        -2 if sct == MEDIA && sc == COMPARE_FAILURE => ((sct, sc), (G, FAILED_FUSED)),
        -2 => ((G, 0), (sct, sc)),
        -7 => (
            (G, NVME_SC_ABORTED_BY_REQUEST),
            (G, NVME_SC_ABORTED_BY_REQUEST),
        ),
        STATUS_SUCCESS => ((G, 0), (G, 0)),
        -6 => ((G, NVME_SC_INTERNAL_DEVICE_ERROR), (G, FAILED_FUSED)),
        -5 => ((MEDIA, COMPARE_FAILURE), (G, FAILED_FUSED)),
        _ => (
            (G, NVME_SC_INTERNAL_DEVICE_ERROR),
            (G, NVME_SC_INTERNAL_DEVICE_ERROR),
        ),
    };
    (i.err_cdw0, pair.0, pair.1)
}
