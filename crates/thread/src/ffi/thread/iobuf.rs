//! spdk_iobuf_*: shared pools of small and large data buffers with
//! per-channel caches and a wait queue per thread for requests that find
//! the pools empty.
//!
//! The pools are MP/MC rings of buffer addresses over one DMA allocation
//! each; a module's `spdk_iobuf_channel` caches buffers in a list threaded
//! through the free buffers themselves, so get and put normally touch only
//! that list. Requests that cannot be served wait (FIFO, shared by all the
//! modules of the thread) and are handed the next buffer put back.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr::{self, NonNull};
use std::sync::{Mutex, MutexGuard};

use spdk_env::ffi::env::ring::{
    spdk_ring, spdk_ring_count, spdk_ring_create, spdk_ring_dequeue, spdk_ring_enqueue,
    spdk_ring_free, SpdkRingTypeArg,
};

use super::{
    spdk_for_each_channel_continue, spdk_get_io_channel, spdk_io_channel, spdk_io_channel_iter,
    spdk_io_channel_iter_get_channel, spdk_io_channel_iter_get_ctx, spdk_put_io_channel,
};
use crate::channel::{self, IoChannel};

/// Length of the per-channel cache array (one NUMA node).
pub const SPDK_CONFIG_MAX_NUMA_NODES: usize = 1;

const MIN_SMALL_POOL: u64 = 64;
const MIN_LARGE_POOL: u64 = 8;
const ALIGNMENT: u32 = 4096;
const MIN_SMALL_BUFSIZE: u32 = 4096;
const MIN_LARGE_BUFSIZE: u32 = 8192;
const MAX_CHANNELS: usize = 64;
const BATCH: usize = 32;

/// Sizes of the iobuf pools (spdk_iobuf_set_opts).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct spdk_iobuf_opts {
    /// Number of small buffers.
    pub small_pool_count: u64,
    /// Number of large buffers.
    pub large_pool_count: u64,
    /// Size of a small buffer.
    pub small_bufsize: u32,
    /// Size of a large buffer.
    pub large_bufsize: u32,
    /// Size of this structure as known by the caller.
    pub opts_size: usize,
    /// Per-NUMA-node pools (only one node is supported: must be 0).
    pub enable_numa: u8,
}

/// Where a module's buffers came from.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct spdk_iobuf_pool_stats {
    /// Taken from the channel's cache.
    pub cache: u64,
    /// Taken from the shared pool.
    pub main: u64,
    /// Requests that had to wait.
    pub retry: u64,
}

/// Statistics of one module.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct spdk_iobuf_module_stats {
    /// Small buffers.
    pub small_pool: spdk_iobuf_pool_stats,
    /// Large buffers.
    pub large_pool: spdk_iobuf_pool_stats,
    /// Module name.
    pub module: *const c_char,
}

/// Called with the buffer when a waiting request is served.
pub type spdk_iobuf_get_cb =
    Option<unsafe extern "C" fn(entry: *mut spdk_iobuf_entry, buf: *mut c_void)>;

#[doc(hidden)]
#[repr(C)]
pub struct IobufEntryLink {
    pub stqe_next: *mut spdk_iobuf_entry,
}

#[doc(hidden)]
#[repr(C)]
pub struct IobufBufferLink {
    pub stqe_next: *mut spdk_iobuf_buffer,
}

#[doc(hidden)]
#[repr(C)]
pub struct IobufEntryHead {
    pub stqh_first: *mut spdk_iobuf_entry,
    pub stqh_last: *mut *mut spdk_iobuf_entry,
}

#[doc(hidden)]
#[repr(C)]
pub struct IobufBufferHead {
    pub stqh_first: *mut spdk_iobuf_buffer,
    pub stqh_last: *mut *mut spdk_iobuf_buffer,
}

/// A request waiting for a buffer (embedded in the caller's request).
#[repr(C)]
pub struct spdk_iobuf_entry {
    /// Called with the buffer.
    pub cb_fn: spdk_iobuf_get_cb,
    /// Module that queued it.
    pub module: *const c_void,
    /// Wait-queue link.
    pub stailq: IobufEntryLink,
}

/// The link stored at the start of a free buffer.
#[repr(C)]
pub struct spdk_iobuf_buffer {
    /// Cache link.
    pub stailq: IobufBufferLink,
}

/// A channel's cache of one buffer size.
#[repr(C)]
pub struct spdk_iobuf_pool_cache {
    /// Shared pool.
    pub pool: *mut spdk_ring,
    /// Cached free buffers.
    pub cache: IobufBufferHead,
    /// Buffers in the cache.
    pub cache_count: u32,
    /// Buffers the cache keeps.
    pub cache_size: u32,
    /// The thread's wait queue for this size.
    pub queue: *mut IobufEntryHead,
    /// Buffer size.
    pub bufsize: u32,
    /// Statistics.
    pub stats: spdk_iobuf_pool_stats,
}

/// Small and large caches of one NUMA node.
#[repr(C)]
pub struct spdk_iobuf_node_cache {
    /// Small buffers.
    pub small: spdk_iobuf_pool_cache,
    /// Large buffers.
    pub large: spdk_iobuf_pool_cache,
}

/// A module's per-thread access to the pools (spdk_iobuf_channel_init).
#[repr(C)]
pub struct spdk_iobuf_channel {
    /// The module.
    pub module: *const c_void,
    /// The thread's iobuf io_channel.
    pub parent: *mut spdk_io_channel,
    /// Caches.
    pub cache: [spdk_iobuf_node_cache; SPDK_CONFIG_MAX_NUMA_NODES],
}

/// Completion of spdk_iobuf_finish().
pub type spdk_iobuf_finish_cb = Option<unsafe extern "C" fn(cb_arg: *mut c_void)>;
/// Called for each waiting entry by spdk_iobuf_for_each_entry(); non-zero
/// stops the walk.
pub type spdk_iobuf_for_each_entry_fn = Option<
    unsafe extern "C" fn(
        ch: *mut spdk_iobuf_channel,
        entry: *mut spdk_iobuf_entry,
        ctx: *mut c_void,
    ) -> c_int,
>;
/// Receives the statistics of spdk_iobuf_get_stats().
pub type spdk_iobuf_get_stats_cb = Option<
    unsafe extern "C" fn(
        modules: *mut spdk_iobuf_module_stats,
        num_modules: u32,
        cb_arg: *mut c_void,
    ),
>;

// ---- STAILQ helpers ----

unsafe fn eq_init(h: *mut IobufEntryHead) {
    (*h).stqh_first = ptr::null_mut();
    (*h).stqh_last = ptr::addr_of_mut!((*h).stqh_first);
}

unsafe fn eq_push_tail(h: *mut IobufEntryHead, e: *mut spdk_iobuf_entry) {
    (*e).stailq.stqe_next = ptr::null_mut();
    *(*h).stqh_last = e;
    (*h).stqh_last = ptr::addr_of_mut!((*e).stailq.stqe_next);
}

unsafe fn eq_pop_head(h: *mut IobufEntryHead) -> *mut spdk_iobuf_entry {
    let e = (*h).stqh_first;
    if !e.is_null() {
        (*h).stqh_first = (*e).stailq.stqe_next;
        if (*h).stqh_first.is_null() {
            (*h).stqh_last = ptr::addr_of_mut!((*h).stqh_first);
        }
    }
    e
}

unsafe fn eq_remove(h: *mut IobufEntryHead, e: *mut spdk_iobuf_entry) -> bool {
    let mut link: *mut *mut spdk_iobuf_entry = ptr::addr_of_mut!((*h).stqh_first);
    while !(*link).is_null() {
        if *link == e {
            *link = (*e).stailq.stqe_next;
            if (*link).is_null() {
                (*h).stqh_last = link;
            }
            return true;
        }
        link = ptr::addr_of_mut!((**link).stailq.stqe_next);
    }
    false
}

unsafe fn bq_init(h: *mut IobufBufferHead) {
    (*h).stqh_first = ptr::null_mut();
    (*h).stqh_last = ptr::addr_of_mut!((*h).stqh_first);
}

unsafe fn bq_push_head(h: *mut IobufBufferHead, b: *mut spdk_iobuf_buffer) {
    (*b).stailq.stqe_next = (*h).stqh_first;
    if (*h).stqh_first.is_null() {
        (*h).stqh_last = ptr::addr_of_mut!((*b).stailq.stqe_next);
    }
    (*h).stqh_first = b;
}

unsafe fn bq_push_tail(h: *mut IobufBufferHead, b: *mut spdk_iobuf_buffer) {
    (*b).stailq.stqe_next = ptr::null_mut();
    *(*h).stqh_last = b;
    (*h).stqh_last = ptr::addr_of_mut!((*b).stailq.stqe_next);
}

unsafe fn bq_pop_head(h: *mut IobufBufferHead) -> *mut spdk_iobuf_buffer {
    let b = (*h).stqh_first;
    if !b.is_null() {
        (*h).stqh_first = (*b).stailq.stqe_next;
        if (*h).stqh_first.is_null() {
            (*h).stqh_last = ptr::addr_of_mut!((*h).stqh_first);
        }
    }
    b
}

// ---- global state ----

/// The context of the iobuf io_channel of a thread.
#[repr(C)]
struct IobufThreadChannel {
    small_queue: IobufEntryHead,
    large_queue: IobufEntryHead,
    channels: [*mut spdk_iobuf_channel; MAX_CHANNELS],
}

struct Pool {
    ring: *mut spdk_ring,
    base: Option<NonNull<u8>>,
}

struct Module {
    name: CString,
}

struct State {
    opts: spdk_iobuf_opts,
    // Boxed: a module's address identifies it in channels.
    #[allow(clippy::vec_box)]
    modules: Vec<Box<Module>>,
    small: Pool,
    large: Pool,
    initialized: bool,
    finish: Option<(unsafe extern "C" fn(*mut c_void), usize)>,
}

// SAFETY: the raw pointers are rings and memory owned by the state.
unsafe impl Send for State {}

static STATE: Mutex<State> = Mutex::new(State {
    opts: spdk_iobuf_opts {
        small_pool_count: 8192,
        large_pool_count: 1024,
        small_bufsize: 8 * 1024,
        large_bufsize: 132 * 1024,
        opts_size: std::mem::size_of::<spdk_iobuf_opts>(),
        enable_numa: 0,
    },
    modules: Vec::new(),
    small: Pool {
        ring: ptr::null_mut(),
        base: None,
    },
    large: Pool {
        ring: ptr::null_mut(),
        base: None,
    },
    initialized: false,
    finish: None,
});

/// The io_device key of the iobuf channels.
static IOBUF_DEVICE: u8 = 0;

fn io_device() -> *mut c_void {
    ptr::addr_of!(IOBUF_DEVICE) as *mut c_void
}

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

unsafe extern "C" fn ch_create(_dev: *mut c_void, ctx: *mut c_void) -> c_int {
    let c = ctx.cast::<IobufThreadChannel>();
    eq_init(ptr::addr_of_mut!((*c).small_queue));
    eq_init(ptr::addr_of_mut!((*c).large_queue));
    0
}

unsafe extern "C" fn ch_destroy(_dev: *mut c_void, ctx: *mut c_void) {
    let c = ctx.cast::<IobufThreadChannel>();
    if !(*c).small_queue.stqh_first.is_null() || !(*c).large_queue.stqh_first.is_null() {
        spdk_log::errlog!("iobuf channel destroyed with requests still waiting for buffers");
    }
}

fn pool_create(count: u64, bufsize: u32) -> Result<Pool, c_int> {
    let ring = spdk_ring_create(SpdkRingTypeArg(2), count as usize, -1);
    if ring.is_null() {
        return Err(-libc::ENOMEM);
    }
    let total = (count as usize)
        .checked_mul(bufsize as usize)
        .ok_or(-libc::ENOMEM)?;
    let Some(base) = spdk_env::memory::dma_alloc(total, ALIGNMENT as usize, -1) else {
        // SAFETY: just created.
        unsafe { spdk_ring_free(ring) };
        return Err(-libc::ENOMEM);
    };
    for i in 0..count as usize {
        // SAFETY: inside the allocation; the ring has room for count.
        unsafe {
            let mut b = base.as_ptr().add(i * bufsize as usize).cast::<c_void>();
            spdk_ring_enqueue(ring, &mut b, 1, ptr::null_mut());
        }
    }
    Ok(Pool {
        ring,
        base: Some(base),
    })
}

fn pool_free(p: &mut Pool, expected: u64, what: &str) {
    if p.ring.is_null() {
        return;
    }
    // SAFETY: our ring.
    let n = unsafe { spdk_ring_count(p.ring) } as u64;
    if n != expected {
        spdk_log::errlog!("{} iobuf pool count is {}, expected {}", what, n, expected);
    }
    if let Some(b) = p.base.take() {
        spdk_env::memory::dma_free(b);
    }
    // SAFETY: our ring, no longer used.
    unsafe { spdk_ring_free(p.ring) };
    p.ring = ptr::null_mut();
}

/// Creates the buffer pools with the current options and registers the
/// iobuf io_device. Call from an SPDK thread.
///
/// \return 0, -ENOMEM, or -EALREADY when the pools exist already.
#[no_mangle]
pub extern "C" fn spdk_iobuf_initialize() -> c_int {
    let mut s = state();
    if s.initialized {
        // Not an error for a library that makes sure the pools exist (the
        // iobuf subsystem usually created them first).
        spdk_log::debuglog!(crate::thread::LOG_THREAD, "iobuf is already initialized");
        return -libc::EALREADY;
    }
    s.opts.small_bufsize = s.opts.small_bufsize.next_multiple_of(ALIGNMENT);
    s.opts.large_bufsize = s.opts.large_bufsize.next_multiple_of(ALIGNMENT);
    let small = match pool_create(s.opts.small_pool_count, s.opts.small_bufsize) {
        Ok(p) => p,
        Err(e) => {
            spdk_log::errlog!("Failed to create small iobuf pool");
            return e;
        }
    };
    let mut large = match pool_create(s.opts.large_pool_count, s.opts.large_bufsize) {
        Ok(p) => p,
        Err(e) => {
            let mut small = small;
            pool_free(&mut small, s.opts.small_pool_count, "small");
            spdk_log::errlog!("Failed to create large iobuf pool");
            return e;
        }
    };
    if let Err(e) = channel::register(
        io_device(),
        ch_create,
        ch_destroy,
        std::mem::size_of::<IobufThreadChannel>() as u32,
        Some(c"iobuf"),
    ) {
        let mut small = small;
        pool_free(&mut small, s.opts.small_pool_count, "small");
        pool_free(&mut large, s.opts.large_pool_count, "large");
        return e;
    }
    s.small = small;
    s.large = large;
    s.initialized = true;
    0
}

unsafe extern "C" fn iobuf_unregistered(_dev: *mut c_void) {
    let finish = {
        let mut s = state();
        s.modules.clear();
        let (sc, lc) = (s.opts.small_pool_count, s.opts.large_pool_count);
        pool_free(&mut s.small, sc, "small");
        pool_free(&mut s.large, lc, "large");
        s.finish.take()
    };
    if let Some((f, a)) = finish {
        f(a as *mut c_void);
    }
}

/// Releases the pools once every iobuf channel is gone, then calls
/// `cb_fn(cb_arg)` (at once when iobuf was not initialized).
#[no_mangle]
pub extern "C" fn spdk_iobuf_finish(cb_fn: spdk_iobuf_finish_cb, cb_arg: *mut c_void) {
    let was = {
        let mut s = state();
        let was = s.initialized;
        s.initialized = false;
        s.finish = cb_fn.map(|f| (f, cb_arg as usize));
        was
    };
    if !was {
        let f = state().finish.take();
        if let Some((f, a)) = f {
            // SAFETY: the caller's completion.
            unsafe { f(a as *mut c_void) };
        }
        return;
    }
    if channel::unregister(io_device(), Some(iobuf_unregistered)).is_err() {
        // SAFETY: run the teardown here when unregister could not.
        unsafe { iobuf_unregistered(io_device()) };
    }
}

/// Sets the pool options used by the next spdk_iobuf_initialize().
///
/// \return 0; -EINVAL for NULL, opts_size 0, counts or sizes below the
/// minimum (64 small / 8 large buffers, 4 KiB / 8 KiB), or enable_numa
/// when the cores are on more than one NUMA node.
#[no_mangle]
pub unsafe extern "C" fn spdk_iobuf_set_opts(opts: *const spdk_iobuf_opts) -> c_int {
    let Some(o) = opts.as_ref() else {
        spdk_log::errlog!("opts cannot be NULL");
        return -libc::EINVAL;
    };
    if o.opts_size == 0 {
        spdk_log::errlog!("opts_size inside opts cannot be zero value");
        return -libc::EINVAL;
    }
    let size = o.opts_size;
    let fits = |off: usize, len: usize| off + len <= size;
    let mut new = state().opts;
    if fits(0, 8) {
        new.small_pool_count = o.small_pool_count;
    }
    if fits(8, 8) {
        new.large_pool_count = o.large_pool_count;
    }
    if fits(16, 4) {
        new.small_bufsize = o.small_bufsize;
    }
    if fits(20, 4) {
        new.large_bufsize = o.large_bufsize;
    }
    if fits(32, 1) {
        new.enable_numa = o.enable_numa;
    }
    if new.small_pool_count < MIN_SMALL_POOL {
        spdk_log::errlog!("small_pool_count must be at least {}", MIN_SMALL_POOL);
        return -libc::EINVAL;
    }
    if new.large_pool_count < MIN_LARGE_POOL {
        spdk_log::errlog!("large_pool_count must be at least {}", MIN_LARGE_POOL);
        return -libc::EINVAL;
    }
    if new.small_bufsize < MIN_SMALL_BUFSIZE {
        spdk_log::errlog!("small_bufsize must be at least {}", MIN_SMALL_BUFSIZE);
        return -libc::EINVAL;
    }
    if new.large_bufsize < MIN_LARGE_BUFSIZE {
        spdk_log::errlog!("large_bufsize must be at least {}", MIN_LARGE_BUFSIZE);
        return -libc::EINVAL;
    }
    // One pool set serves NUMA node 0: per-node pools are only refused
    // when the application's cores span more nodes (as SPDK built with
    // SPDK_CONFIG_MAX_NUMA_NODES 1).
    let last_numa = spdk_env::cores::numa_ids().last().copied().unwrap_or(0);
    if new.enable_numa != 0 && last_numa >= SPDK_CONFIG_MAX_NUMA_NODES as i32 {
        spdk_log::errlog!(
            "max NUMA ID {} cannot be supported with SPDK_CONFIG_MAX_NUMA_NODES {}",
            last_numa,
            SPDK_CONFIG_MAX_NUMA_NODES
        );
        return -libc::EINVAL;
    }
    new.opts_size = size;
    state().opts = new;
    0
}

/// Copies the current options to `opts` (the fields that fit in
/// `opts_size`).
#[no_mangle]
pub unsafe extern "C" fn spdk_iobuf_get_opts(opts: *mut spdk_iobuf_opts, opts_size: usize) {
    if opts.is_null() || opts_size == 0 {
        spdk_log::errlog!("spdk_iobuf_get_opts: opts is NULL or opts_size is 0");
        return;
    }
    let cur = state().opts;
    let base = opts.cast::<u8>();
    let put = |off: usize, src: *const u8, len: usize| {
        if off + len <= opts_size {
            ptr::copy_nonoverlapping(src, base.add(off), len);
        }
    };
    put(0, ptr::addr_of!(cur.small_pool_count).cast(), 8);
    put(8, ptr::addr_of!(cur.large_pool_count).cast(), 8);
    put(16, ptr::addr_of!(cur.small_bufsize).cast(), 4);
    put(20, ptr::addr_of!(cur.large_bufsize).cast(), 4);
    put(24, ptr::addr_of!(opts_size).cast(), 8);
    put(32, ptr::addr_of!(cur.enable_numa).cast(), 1);
}

/// Registers a module that will use iobuf channels.
///
/// \return 0, -EEXIST when already registered, -EINVAL for NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_iobuf_register_module(name: *const c_char) -> c_int {
    if name.is_null() {
        return -libc::EINVAL;
    }
    let name = CStr::from_ptr(name);
    let mut s = state();
    if s.modules.iter().any(|m| m.name.as_c_str() == name) {
        return -libc::EEXIST;
    }
    s.modules.push(Box::new(Module { name: name.into() }));
    0
}

/// Unregisters a module.
///
/// \return 0, -ENOENT when unknown, -EINVAL for NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_iobuf_unregister_module(name: *const c_char) -> c_int {
    if name.is_null() {
        return -libc::EINVAL;
    }
    let name = CStr::from_ptr(name);
    let mut s = state();
    match s.modules.iter().position(|m| m.name.as_c_str() == name) {
        Some(i) => {
            s.modules.remove(i);
            0
        }
        None => -libc::ENOENT,
    }
}

unsafe fn pool_init(
    p: *mut spdk_iobuf_pool_cache,
    ring: *mut spdk_ring,
    queue: *mut IobufEntryHead,
    bufsize: u32,
    cache_size: u32,
) {
    (*p).pool = ring;
    bq_init(ptr::addr_of_mut!((*p).cache));
    (*p).cache_count = 0;
    (*p).cache_size = cache_size;
    (*p).queue = queue;
    (*p).bufsize = bufsize;
    (*p).stats = spdk_iobuf_pool_stats::default();
}

unsafe fn pool_populate(
    p: *mut spdk_iobuf_pool_cache,
    name: &CStr,
    what: &str,
) -> Result<(), c_int> {
    let mut remaining = (*p).cache_size as usize;
    let mut bufs = [ptr::null_mut::<c_void>(); 64];
    while remaining > 0 {
        let n = remaining.min(64);
        let got = spdk_ring_dequeue((*p).pool, bufs.as_mut_ptr(), n);
        for b in &bufs[..got] {
            bq_push_tail(ptr::addr_of_mut!((*p).cache), b.cast());
        }
        (*p).cache_count += got as u32;
        remaining -= got;
        if got != n {
            spdk_log::errlog!(
                "Failed to populate '{}' iobuf {} buffer cache at {}/{} entries. You may need to increase spdk_iobuf_opts.{}_pool_count",
                name.to_string_lossy(),
                what,
                (*p).cache_count,
                (*p).cache_size,
                what
            );
            return Err(-libc::ENOMEM);
        }
    }
    Ok(())
}

/// Sets up `ch` for module `name` on the current thread, with caches of
/// `small_cache_size` and `large_cache_size` buffers taken from the pools.
///
/// \return 0; -ENODEV for an unknown module; -ENOMEM when the pools cannot
/// fill the caches or the thread has too many iobuf channels; -EINVAL for
/// NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_iobuf_channel_init(
    ch: *mut spdk_iobuf_channel,
    name: *const c_char,
    small_cache_size: u32,
    large_cache_size: u32,
) -> c_int {
    if ch.is_null() || name.is_null() {
        return -libc::EINVAL;
    }
    let name = CStr::from_ptr(name);
    let (module, small_ring, large_ring, sbs, lbs) = {
        let s = state();
        let Some(m) = s.modules.iter().find(|m| m.name.as_c_str() == name) else {
            spdk_log::errlog!("Couldn't find iobuf module: '{}'", name.to_string_lossy());
            return -libc::ENODEV;
        };
        (
            &**m as *const Module as *const c_void,
            s.small.ring,
            s.large.ring,
            s.opts.small_bufsize,
            s.opts.large_bufsize,
        )
    };
    let ioch = spdk_get_io_channel(io_device());
    if ioch.is_null() {
        spdk_log::errlog!("Couldn't get iobuf IO channel");
        return -libc::ENOMEM;
    }
    let tch = IoChannel::ctx(ioch.cast()).cast::<IobufThreadChannel>();
    let Some(slot) = (*tch).channels.iter().position(|c| c.is_null()) else {
        spdk_log::errlog!("Max number of iobuf channels ({}) exceeded.", MAX_CHANNELS);
        spdk_put_io_channel(ioch);
        return -libc::ENOMEM;
    };
    (*tch).channels[slot] = ch;
    (*ch).parent = ioch;
    (*ch).module = module;
    let c = ptr::addr_of_mut!((*ch).cache[0]);
    pool_init(
        ptr::addr_of_mut!((*c).small),
        small_ring,
        ptr::addr_of_mut!((*tch).small_queue),
        sbs,
        small_cache_size,
    );
    pool_init(
        ptr::addr_of_mut!((*c).large),
        large_ring,
        ptr::addr_of_mut!((*tch).large_queue),
        lbs,
        large_cache_size,
    );
    let rc = pool_populate(ptr::addr_of_mut!((*c).small), name, "small")
        .and_then(|_| pool_populate(ptr::addr_of_mut!((*c).large), name, "large"));
    if let Err(e) = rc {
        spdk_iobuf_channel_fini(ch);
        return e;
    }
    0
}

unsafe fn pool_drain(p: *mut spdk_iobuf_pool_cache) {
    loop {
        let b = bq_pop_head(ptr::addr_of_mut!((*p).cache));
        if b.is_null() {
            break;
        }
        let mut v = b.cast::<c_void>();
        spdk_ring_enqueue((*p).pool, &mut v, 1, ptr::null_mut());
        (*p).cache_count = (*p).cache_count.saturating_sub(1);
    }
}

/// Returns the channel's cached buffers to the pools and releases its
/// thread's iobuf io_channel. Entries of this module must not be waiting.
#[no_mangle]
pub unsafe extern "C" fn spdk_iobuf_channel_fini(ch: *mut spdk_iobuf_channel) {
    let Some(c) = ch.as_mut() else {
        return;
    };
    if c.parent.is_null() {
        spdk_log::errlog!("spdk_iobuf_channel_fini: channel is not initialized");
        return;
    }
    let nc = ptr::addr_of_mut!(c.cache[0]);
    pool_drain(ptr::addr_of_mut!((*nc).small));
    pool_drain(ptr::addr_of_mut!((*nc).large));
    let tch = IoChannel::ctx(c.parent.cast()).cast::<IobufThreadChannel>();
    if let Some(slot) = (*tch).channels.iter().position(|x| *x == ch) {
        (*tch).channels[slot] = ptr::null_mut();
    }
    spdk_put_io_channel(c.parent);
    c.parent = ptr::null_mut();
}

#[inline]
unsafe fn pool_for(ch: *mut spdk_iobuf_channel, len: u64) -> *mut spdk_iobuf_pool_cache {
    let c = ptr::addr_of_mut!((*ch).cache[0]);
    if len <= (*c).small.bufsize as u64 {
        ptr::addr_of_mut!((*c).small)
    } else {
        ptr::addr_of_mut!((*c).large)
    }
}

/// Calls `cb_fn(ch, entry, cb_ctx)` for each request of `ch`'s module
/// waiting for a buffer on this thread; stops at a non-zero return.
///
/// \return 0, or the first non-zero value returned.
#[no_mangle]
pub unsafe extern "C" fn spdk_iobuf_for_each_entry(
    ch: *mut spdk_iobuf_channel,
    cb_fn: spdk_iobuf_for_each_entry_fn,
    cb_ctx: *mut c_void,
) -> c_int {
    let (Some(c), Some(f)) = (ch.as_ref(), cb_fn) else {
        return -libc::EINVAL;
    };
    let nc = &c.cache[0];
    for q in [nc.small.queue, nc.large.queue] {
        if q.is_null() {
            continue;
        }
        let mut e = (*q).stqh_first;
        while !e.is_null() {
            let next = (*e).stailq.stqe_next;
            if (*e).module == c.module {
                let rc = f(ch, e, cb_ctx);
                if rc != 0 {
                    return rc;
                }
            }
            e = next;
        }
    }
    0
}

/// Removes a waiting request of `len` bytes from the wait queue.
#[no_mangle]
pub unsafe extern "C" fn spdk_iobuf_entry_abort(
    ch: *mut spdk_iobuf_channel,
    entry: *mut spdk_iobuf_entry,
    len: u64,
) {
    if ch.is_null() || entry.is_null() {
        return;
    }
    let p = pool_for(ch, len);
    if !(*p).queue.is_null() {
        eq_remove((*p).queue, entry);
    }
}

/// Takes a buffer of at least `len` bytes. When none is free and `entry` is
/// not NULL, the request waits and `cb_fn(entry, buf)` is called later, on
/// this thread, from an spdk_iobuf_put().
///
/// \return the buffer, or NULL when none is free now (or `len` exceeds the
/// large buffer size, or `ch` is NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_iobuf_get(
    ch: *mut spdk_iobuf_channel,
    len: u64,
    entry: *mut spdk_iobuf_entry,
    cb_fn: spdk_iobuf_get_cb,
) -> *mut c_void {
    if ch.is_null() || (*ch).parent.is_null() {
        spdk_log::errlog!("spdk_iobuf_get: channel is NULL or not initialized");
        return ptr::null_mut();
    }
    if len > (*ch).cache[0].large.bufsize as u64 {
        spdk_log::errlog!(
            "spdk_iobuf_get: {} bytes is more than the large buffer size",
            len
        );
        return ptr::null_mut();
    }
    let p = pool_for(ch, len);
    let b = bq_pop_head(ptr::addr_of_mut!((*p).cache));
    if !b.is_null() {
        (*p).cache_count -= 1;
        (*p).stats.cache += 1;
        return b.cast();
    }
    let mut bufs = [ptr::null_mut::<c_void>(); BATCH];
    let want = BATCH.min(((*p).cache_size as usize).max(1));
    let n = spdk_ring_dequeue((*p).pool, bufs.as_mut_ptr(), want);
    if n == 0 {
        if !entry.is_null() {
            (*entry).module = (*ch).module;
            (*entry).cb_fn = cb_fn;
            eq_push_tail((*p).queue, entry);
            (*p).stats.retry += 1;
        }
        return ptr::null_mut();
    }
    (*p).stats.main += 1;
    for b in &bufs[..n - 1] {
        bq_push_head(ptr::addr_of_mut!((*p).cache), b.cast());
        (*p).cache_count += 1;
    }
    bufs[n - 1]
}

/// Returns a buffer of `len` bytes: it goes to the first waiting request of
/// this thread if there is one, else to the cache (overflow goes back to the
/// pool).
#[no_mangle]
pub unsafe extern "C" fn spdk_iobuf_put(ch: *mut spdk_iobuf_channel, buf: *mut c_void, len: u64) {
    if ch.is_null() || buf.is_null() || (*ch).parent.is_null() {
        spdk_log::errlog!("spdk_iobuf_put: NULL or uninitialized channel or buffer");
        return;
    }
    let p = pool_for(ch, len);
    let q = (*p).queue;
    if (*q).stqh_first.is_null() {
        if (*p).cache_size == 0 {
            let mut b = buf;
            spdk_ring_enqueue((*p).pool, &mut b, 1, ptr::null_mut());
            return;
        }
        bq_push_head(ptr::addr_of_mut!((*p).cache), buf.cast());
        (*p).cache_count += 1;
        let sz = BATCH.min((*p).cache_size as usize);
        if (*p).cache_count as usize >= (*p).cache_size as usize + sz {
            let mut bufs = [ptr::null_mut::<c_void>(); BATCH];
            for slot in bufs.iter_mut().take(sz) {
                *slot = bq_pop_head(ptr::addr_of_mut!((*p).cache)).cast();
                (*p).cache_count -= 1;
            }
            spdk_ring_enqueue((*p).pool, bufs.as_mut_ptr(), sz, ptr::null_mut());
        }
    } else {
        let e = eq_pop_head(q);
        if let Some(cb) = (*e).cb_fn {
            cb(e, buf);
        }
    }
}

struct StatsCtx {
    modules: Vec<spdk_iobuf_module_stats>,
    ids: Vec<*const c_void>,
    cb: unsafe extern "C" fn(*mut spdk_iobuf_module_stats, u32, *mut c_void),
    arg: *mut c_void,
}

unsafe extern "C" fn stats_step(i: *mut spdk_io_channel_iter) {
    let ctx = spdk_io_channel_iter_get_ctx(i).cast::<StatsCtx>();
    let ioch = spdk_io_channel_iter_get_channel(i);
    let tch = IoChannel::ctx(ioch.cast()).cast::<IobufThreadChannel>();
    for c in (*tch).channels {
        if c.is_null() {
            continue;
        }
        if let Some(k) = (*ctx).ids.iter().position(|m| *m == (*c).module) {
            let it = &mut (&mut (*ctx).modules)[k];
            let nc = &(*c).cache[0];
            it.small_pool.cache += nc.small.stats.cache;
            it.small_pool.main += nc.small.stats.main;
            it.small_pool.retry += nc.small.stats.retry;
            it.large_pool.cache += nc.large.stats.cache;
            it.large_pool.main += nc.large.stats.main;
            it.large_pool.retry += nc.large.stats.retry;
        }
    }
    spdk_for_each_channel_continue(i, 0);
}

unsafe extern "C" fn stats_done(i: *mut spdk_io_channel_iter, _status: c_int) {
    let mut ctx = Box::from_raw(spdk_io_channel_iter_get_ctx(i).cast::<StatsCtx>());
    let n = ctx.modules.len() as u32;
    (ctx.cb)(ctx.modules.as_mut_ptr(), n, ctx.arg);
}

/// Gathers per-module statistics from every thread's channels and passes
/// them to `cb_fn` on the calling thread.
///
/// \return 0, -EINVAL for a NULL callback.
#[no_mangle]
pub unsafe extern "C" fn spdk_iobuf_get_stats(
    cb_fn: spdk_iobuf_get_stats_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let Some(cb) = cb_fn else {
        return -libc::EINVAL;
    };
    let (modules, ids) = {
        let s = state();
        let modules = s
            .modules
            .iter()
            .map(|m| spdk_iobuf_module_stats {
                small_pool: Default::default(),
                large_pool: Default::default(),
                module: m.name.as_ptr(),
            })
            .collect();
        let ids = s
            .modules
            .iter()
            .map(|m| &**m as *const Module as *const c_void)
            .collect();
        (modules, ids)
    };
    let ctx = Box::into_raw(Box::new(StatsCtx {
        modules,
        ids,
        cb,
        arg: cb_arg,
    }));
    super::spdk_for_each_channel(io_device(), Some(stats_step), ctx.cast(), Some(stats_done));
    0
}
