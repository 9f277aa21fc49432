//! Named pools of fixed-size, cache-line aligned elements (spdk_mempool).
//!
//! All elements live in one block from [`crate::memory::dma_alloc`]. Free
//! elements are kept in a shared lock-free MP/MC [`Ring`] of element
//! pointers and, in front of it, in small per-thread caches: get and put
//! only touch the calling thread's cache, and move half a cache to or from
//! the ring at a time when the cache runs empty or full. Nothing locks or
//! allocates on get/put once a thread has used a pool (its cache array is
//! allocated on that first use).
//!
//! Threads are given small ids from a global allocator, and a pool keeps one
//! cache slot per id. When a thread exits its caches are flushed back to the
//! rings of all live pools and its id is returned, so no element is stranded.
//! Threads beyond [`MAX_CACHE_THREADS`] use the ring directly.
//!
//! Pools are registered by name for [`Mempool::lookup`]; the registry sits
//! behind a mutex and is only used on create, free, lookup and thread exit.

use std::cell::Cell;
use std::ffi::{c_char, CStr};
use std::fmt;
use std::io::Write;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize};
use std::sync::{Mutex, MutexGuard, OnceLock};

use crate::memory;
use crate::ring::Ring;

/// Size of the name buffer, NUL included: names have at most
/// `MEMPOOL_NAME_MAX - 1` bytes (SPDK_MAX_MEMPOOL_NAME_LEN).
pub const MEMPOOL_NAME_MAX: usize = 29;
/// Asks for the default cache size (SPDK_MEMPOOL_DEFAULT_CACHE_SIZE).
pub const MEMPOOL_DEFAULT_CACHE_SIZE: usize = usize::MAX;
/// Largest per-thread cache (DPDK's RTE_MEMPOOL_CACHE_MAX_SIZE).
pub const MEMPOOL_CACHE_MAX: usize = 512;
/// Largest element count of a pool.
pub const MEMPOOL_MAX_COUNT: usize = crate::ring::RING_MAX_COUNT;
/// How many threads at a time can have per-thread caches.
pub const MAX_CACHE_THREADS: usize = 256;
/// Element alignment and size granularity.
pub const MEMPOOL_ELEMENT_ALIGN: usize = 64;

/// Why a pool operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MempoolError {
    /// Empty name, zero count or size, or a count that is too large.
    InvalidArgument,
    /// The name does not fit in [`MEMPOOL_NAME_MAX`] bytes with its NUL.
    NameTooLong,
    /// A pool of that name exists.
    NameExists,
    /// Memory for the elements or the ring could not be allocated.
    NoMemory,
    /// Not enough free elements for the request.
    Empty,
}

impl MempoolError {
    /// The positive errno value that corresponds to this error.
    pub fn errno(self) -> i32 {
        match self {
            MempoolError::InvalidArgument => libc::EINVAL,
            MempoolError::NameTooLong => libc::ENAMETOOLONG,
            MempoolError::NameExists => libc::EEXIST,
            MempoolError::NoMemory => libc::ENOMEM,
            MempoolError::Empty => libc::ENOENT,
        }
    }
}

impl fmt::Display for MempoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            MempoolError::InvalidArgument => "invalid mempool argument",
            MempoolError::NameTooLong => "mempool name too long",
            MempoolError::NameExists => "a mempool with this name exists",
            MempoolError::NoMemory => "out of memory for the mempool",
            MempoolError::Empty => "not enough free elements in the mempool",
        };
        f.write_str(s)
    }
}

impl std::error::Error for MempoolError {}

/// An element pointer as stored in rings and caches.
#[repr(transparent)]
#[derive(Clone, Copy)]
struct Elem(*mut u8);

// SAFETY: an element pointer is only an address into the pool's block; the
// pool hands each element to one owner at a time.
unsafe impl Send for Elem {}

/// One thread's cache of free elements for one pool. `len` is written only
/// by the owning thread (plain loads and stores, no read-modify-write) and
/// read by `Mempool::count` from anywhere; `objs` is touched by the owner
/// only.
#[repr(align(128))]
struct Cache {
    len: AtomicUsize,
    objs: *mut Elem,
    cap: usize,
}

impl Cache {
    fn new(cap: usize) -> Option<Box<Cache>> {
        let mut v: Vec<Elem> = Vec::new();
        v.try_reserve_exact(cap).ok()?;
        v.resize(cap, Elem(ptr::null_mut()));
        let objs = Box::into_raw(v.into_boxed_slice()).cast::<Elem>();
        Some(Box::new(Cache {
            len: AtomicUsize::new(0),
            objs,
            cap,
        }))
    }
}

impl Drop for Cache {
    fn drop(&mut self) {
        // SAFETY: objs came from a boxed slice of `cap` elements.
        unsafe {
            drop(Box::from_raw(ptr::slice_from_raw_parts_mut(
                self.objs, self.cap,
            )))
        };
    }
}

/// A pool of `count` elements of `ele_size` bytes each.
///
/// Always pinned in a box: the registry and the C API refer to it by
/// address.
pub struct Mempool {
    name: [c_char; MEMPOOL_NAME_MAX],
    count: usize,
    ele_size: usize,
    stride: usize,
    base: NonNull<u8>,
    mem_len: usize,
    numa_id: i32,
    shared: Ring<Elem>,
    cache_size: usize,
    refill: usize,
    /// One slot per thread id, empty when the pool has no caches. A slot's
    /// cache is allocated on first use and freed with the pool.
    caches: Box<[AtomicPtr<Cache>]>,
    _pinned: PhantomPinned,
}

// SAFETY: shared state is the lock-free ring and atomics; each cache is only
// mutated by the thread owning its id.
unsafe impl Send for Mempool {}
// SAFETY: as above.
unsafe impl Sync for Mempool {}

#[derive(Clone, Copy)]
struct PoolRef(*const Mempool);
// SAFETY: pools are Sync; the registry only holds addresses of live pools.
unsafe impl Send for PoolRef {}

static REGISTRY: Mutex<Vec<PoolRef>> = Mutex::new(Vec::new());

fn registry() -> MutexGuard<'static, Vec<PoolRef>> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

fn warn(args: fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr(), "mempool: {args}");
}

fn cpu_count() -> usize {
    static CPUS: OnceLock<usize> = OnceLock::new();
    *CPUS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

// ---- thread ids ----

const SLOT_WORDS: usize = MAX_CACHE_THREADS / 64;
static SLOT_MAP: [AtomicU64; SLOT_WORDS] = [const { AtomicU64::new(0) }; SLOT_WORDS];
const UNASSIGNED: usize = usize::MAX;
const NO_SLOT: usize = usize::MAX - 1;

/// One more than the highest thread id ever handed out: caches at or
/// above it were never used.
static SLOTS_USED: AtomicUsize = AtomicUsize::new(0);

fn claim_slot() -> Option<usize> {
    for (w, word) in SLOT_MAP.iter().enumerate() {
        let mut cur = word.load(Relaxed);
        while cur != u64::MAX {
            let bit = (!cur).trailing_zeros() as usize;
            // Acquire: see the cache contents the previous owner left.
            match word.compare_exchange_weak(cur, cur | (1 << bit), Acquire, Relaxed) {
                Ok(_) => {
                    let id = w * 64 + bit;
                    SLOTS_USED.fetch_max(id + 1, Relaxed);
                    return Some(id);
                }
                Err(now) => cur = now,
            }
        }
    }
    None
}

fn release_slot(id: usize) {
    SLOT_MAP[id / 64].fetch_and(!(1u64 << (id % 64)), Release);
}

struct ThreadSlot {
    id: Cell<usize>,
}

impl Drop for ThreadSlot {
    fn drop(&mut self) {
        let id = self.id.get();
        if id < MAX_CACHE_THREADS {
            {
                let reg = registry();
                for p in reg.iter() {
                    // SAFETY: registered pools are alive while the lock is held.
                    unsafe { (*p.0).flush_slot(id) };
                }
            }
            release_slot(id);
        }
    }
}

thread_local! {
    static THREAD_SLOT: ThreadSlot = const { ThreadSlot { id: Cell::new(UNASSIGNED) } };
}

/// The calling thread's cache slot id, claimed on first use; None for
/// threads beyond the limit and during thread teardown.
#[inline]
fn current_slot() -> Option<usize> {
    THREAD_SLOT
        .try_with(|s| {
            let id = s.id.get();
            if id < MAX_CACHE_THREADS {
                Some(id)
            } else if id == UNASSIGNED {
                let got = claim_slot();
                s.id.set(got.unwrap_or(NO_SLOT));
                got
            } else {
                None
            }
        })
        .ok()
        .flatten()
}

impl Mempool {
    /// Creates a pool named `name` of `count` elements of `ele_size` bytes,
    /// with per-thread caches of up to `cache_size` elements
    /// ([`MEMPOOL_DEFAULT_CACHE_SIZE`] for the default, 0 for none).
    pub fn new(
        name: impl AsRef<[u8]>,
        count: usize,
        ele_size: usize,
        cache_size: usize,
        numa_id: i32,
    ) -> Result<Pin<Box<Mempool>>, MempoolError> {
        Self::with_init(name, count, ele_size, cache_size, numa_id, |_, _, _| {})
    }

    /// Like [`Mempool::new`], calling `init(pool, element, index)` once for
    /// each element before the pool is used.
    pub fn with_init<F>(
        name: impl AsRef<[u8]>,
        count: usize,
        ele_size: usize,
        cache_size: usize,
        numa_id: i32,
        mut init: F,
    ) -> Result<Pin<Box<Mempool>>, MempoolError>
    where
        F: FnMut(&Mempool, NonNull<u8>, u32),
    {
        let name = name.as_ref();
        if name.is_empty() || name.contains(&0) {
            return Err(MempoolError::InvalidArgument);
        }
        if name.len() >= MEMPOOL_NAME_MAX {
            return Err(MempoolError::NameTooLong);
        }
        if count == 0 || ele_size == 0 || count > MEMPOOL_MAX_COUNT {
            return Err(MempoolError::InvalidArgument);
        }
        let stride = ele_size
            .checked_next_multiple_of(MEMPOOL_ELEMENT_ALIGN)
            .ok_or(MempoolError::InvalidArgument)?;
        let mem_len = stride
            .checked_mul(count)
            .ok_or(MempoolError::InvalidArgument)?;
        if Self::lookup(name).is_some() {
            return Err(MempoolError::NameExists);
        }
        // As SPDK does: at most half of the elements may sit in caches (one
        // per core), and no cache is larger than DPDK's maximum.
        let cache_size = cache_size
            .min(count / 2 / cpu_count())
            .min(MEMPOOL_CACHE_MAX);
        let shared = Ring::new(count).map_err(|_| MempoolError::NoMemory)?;
        let base = memory::dma_alloc(mem_len, MEMPOOL_ELEMENT_ALIGN, numa_id)
            .ok_or(MempoolError::NoMemory)?;
        let caches = if cache_size > 0 {
            (0..MAX_CACHE_THREADS)
                .map(|_| AtomicPtr::new(ptr::null_mut()))
                .collect()
        } else {
            Box::default()
        };
        let mut buf: [c_char; MEMPOOL_NAME_MAX] = [0; MEMPOOL_NAME_MAX];
        for (d, s) in buf.iter_mut().zip(name) {
            *d = *s as c_char;
        }
        let pool = Box::pin(Mempool {
            name: buf,
            count,
            ele_size,
            stride,
            base,
            mem_len,
            numa_id,
            shared,
            cache_size,
            refill: (cache_size / 2).max(1),
            caches,
            _pinned: PhantomPinned,
        });
        for i in 0..count {
            init(&pool, pool.element(i), i as u32);
        }
        for i in 0..count {
            // Cannot fail: the ring holds exactly `count` values.
            let _ = pool.shared.enqueue(Elem(pool.element(i).as_ptr()));
        }
        let mut reg = registry();
        if reg.iter().any(|p| {
            // SAFETY: registered pools are alive while the lock is held.
            unsafe { (*p.0).name_bytes() == name }
        }) {
            drop(reg);
            return Err(MempoolError::NameExists);
        }
        reg.push(PoolRef(&*pool));
        Ok(pool)
    }

    /// Finds a live pool by name. The pointer stays valid until that pool is
    /// dropped; the caller must make sure it is not.
    pub fn lookup(name: impl AsRef<[u8]>) -> Option<NonNull<Mempool>> {
        let name = name.as_ref();
        let reg = registry();
        reg.iter()
            // SAFETY: registered pools are alive while the lock is held.
            .find(|p| unsafe { (*p.0).name_bytes() == name })
            .and_then(|p| NonNull::new(p.0 as *mut Mempool))
    }

    /// The pool's name without its NUL.
    pub fn name_bytes(&self) -> &[u8] {
        self.name_cstr().to_bytes()
    }

    /// The pool's name as a C string.
    pub fn name_cstr(&self) -> &CStr {
        // SAFETY: the buffer always ends with a NUL (names are shorter).
        unsafe { CStr::from_ptr(self.name.as_ptr()) }
    }

    /// The pool's name as a NUL-terminated C array, for the C API.
    pub fn name_ptr(&self) -> *const c_char {
        self.name.as_ptr()
    }

    /// Number of elements the pool was created with.
    pub fn size(&self) -> usize {
        self.count
    }

    /// Element size asked for at creation.
    pub fn ele_size(&self) -> usize {
        self.ele_size
    }

    /// Distance between consecutive elements (a multiple of the cache line).
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// Effective per-thread cache size (0 when there are no caches).
    pub fn cache_size(&self) -> usize {
        self.cache_size
    }

    /// NUMA node asked for at creation.
    pub fn numa_id(&self) -> i32 {
        self.numa_id
    }

    /// The element of index `idx` (< size).
    fn element(&self, idx: usize) -> NonNull<u8> {
        debug_assert!(idx < self.count);
        // SAFETY: idx * stride is inside the block.
        unsafe { NonNull::new_unchecked(self.base.as_ptr().add(idx * self.stride)) }
    }

    /// True when `p` points into this pool's element block.
    #[inline]
    pub fn owns(&self, p: *const u8) -> bool {
        (p as usize).wrapping_sub(self.base.as_ptr() as usize) < self.mem_len
    }

    /// Free elements: those in the shared ring plus those in every
    /// thread's cache (a snapshot when other threads are busy).
    pub fn count(&self) -> usize {
        let mut total = self.shared.count();
        let used = SLOTS_USED.load(Relaxed).min(self.caches.len());
        for slot in self.caches[..used].iter() {
            let c = slot.load(Acquire);
            // SAFETY: caches live as long as the pool.
            if let Some(c) = unsafe { c.as_ref() } {
                total += c.len.load(Relaxed);
            }
        }
        total.min(self.count)
    }

    /// The calling thread's cache for this pool, allocated on first use.
    #[inline]
    fn my_cache(&self) -> Option<&Cache> {
        if self.cache_size == 0 {
            return None;
        }
        let slot = self.caches.get(current_slot()?)?;
        let c = slot.load(Acquire);
        // SAFETY: caches live as long as the pool.
        match unsafe { c.as_ref() } {
            Some(c) => Some(c),
            None => self.new_cache(slot),
        }
    }

    #[cold]
    fn new_cache(&self, slot: &AtomicPtr<Cache>) -> Option<&Cache> {
        let c = Box::into_raw(Cache::new(self.cache_size)?);
        slot.store(c, Release);
        // SAFETY: just allocated; freed with the pool.
        Some(unsafe { &*c })
    }

    /// Moves the `k` oldest elements of cache `c` (holding `len`) to the
    /// ring; returns the new length.
    #[cold]
    fn flush(&self, c: &Cache, len: usize, k: usize) -> usize {
        // SAFETY: the cache belongs to the calling thread; [0, len) is
        // initialized and k <= len.
        unsafe {
            let done = self.shared.try_enqueue_burst_raw(c.objs, k);
            if done < k {
                // The ring had room for every element not in it: what did
                // not fit were elements put twice.
                warn(format_args!(
                    "{}: {} elements were put back twice",
                    self.name_display(),
                    k - done
                ));
            }
            ptr::copy(c.objs.add(k), c.objs, len - k);
        }
        let len = len - k;
        c.len.store(len, Relaxed);
        len
    }

    /// Returns every element of the cache of thread id `id` to the ring.
    /// Called by that thread only (at its exit).
    fn flush_slot(&self, id: usize) {
        let Some(slot) = self.caches.get(id) else {
            return;
        };
        // SAFETY: caches live as long as the pool.
        if let Some(c) = unsafe { slot.load(Acquire).as_ref() } {
            let len = c.len.load(Relaxed);
            self.flush(c, len, len);
        }
    }

    fn name_display(&self) -> String {
        String::from_utf8_lossy(self.name_bytes()).into_owned()
    }

    /// Takes a free element, or None when there is none.
    #[inline]
    pub fn get(&self) -> Option<NonNull<u8>> {
        match self.my_cache() {
            Some(c) => {
                let len = c.len.load(Relaxed);
                if len == 0 {
                    return self.refill_and_get(c);
                }
                // SAFETY: [0, len) of our own cache is initialized.
                let e = unsafe { *c.objs.add(len - 1) };
                c.len.store(len - 1, Relaxed);
                NonNull::new(e.0)
            }
            None => self.shared.dequeue().and_then(|e| NonNull::new(e.0)),
        }
    }

    #[cold]
    fn refill_and_get(&self, c: &Cache) -> Option<NonNull<u8>> {
        // SAFETY: the cache is empty and has room for `refill` elements.
        let got = unsafe {
            self.shared
                .dequeue_burst_raw(c.objs, self.refill.min(c.cap))
        };
        if got == 0 {
            return None;
        }
        // SAFETY: got elements were just written.
        let e = unsafe { *c.objs.add(got - 1) };
        c.len.store(got - 1, Relaxed);
        NonNull::new(e.0)
    }

    /// Returns an element. Pointers that do not belong to the pool are
    /// ignored (with a warning).
    #[inline]
    pub fn put(&self, p: NonNull<u8>) {
        if !self.owns(p.as_ptr()) {
            self.foreign_put(p.as_ptr());
            return;
        }
        match self.my_cache() {
            Some(c) => {
                let mut len = c.len.load(Relaxed);
                if len == c.cap {
                    len = self.flush(c, len, self.refill.min(len));
                }
                // SAFETY: len < cap, our own cache.
                unsafe { *c.objs.add(len) = Elem(p.as_ptr()) };
                c.len.store(len + 1, Relaxed);
            }
            None => {
                if self.shared.enqueue(Elem(p.as_ptr())).is_err() {
                    warn(format_args!(
                        "{}: element {:p} was put back twice",
                        self.name_display(),
                        p
                    ));
                }
            }
        }
    }

    #[cold]
    fn foreign_put(&self, p: *const u8) {
        warn(format_args!(
            "{}: ignoring put of {:p}, not an element of this pool",
            self.name_display(),
            p
        ));
    }

    /// Takes `n` elements into `out`, all of them or none.
    ///
    /// # Safety
    /// `out` must be valid for `n` pointer writes (it may be uninitialized).
    pub unsafe fn get_bulk_raw(&self, out: *mut *mut u8, n: usize) -> Result<(), MempoolError> {
        if n == 0 {
            return Ok(());
        }
        match self.my_cache() {
            Some(c) if n <= c.cap => {
                let mut len = c.len.load(Relaxed);
                if len < n {
                    let want = (n + self.refill).min(c.cap) - len;
                    len += self.shared.dequeue_burst_raw(c.objs.add(len), want);
                    c.len.store(len, Relaxed);
                    if len < n {
                        return Err(MempoolError::Empty);
                    }
                }
                ptr::copy_nonoverlapping(c.objs.add(len - n).cast::<*mut u8>(), out, n);
                c.len.store(len - n, Relaxed);
                Ok(())
            }
            Some(c) => {
                // Larger than the cache: from the ring, topped up with what
                // our own cache holds when the ring alone falls short.
                if self.shared.dequeue_bulk_raw(out.cast::<Elem>(), n) {
                    return Ok(());
                }
                let len = c.len.load(Relaxed);
                if len == 0
                    || !self
                        .shared
                        .dequeue_bulk_raw(out.add(len).cast::<Elem>(), n - len)
                {
                    return Err(MempoolError::Empty);
                }
                ptr::copy_nonoverlapping(c.objs.cast::<*mut u8>(), out, len);
                c.len.store(0, Relaxed);
                Ok(())
            }
            None => {
                if self.shared.dequeue_bulk_raw(out.cast::<Elem>(), n) {
                    Ok(())
                } else {
                    Err(MempoolError::Empty)
                }
            }
        }
    }

    /// Fills all of `out` with elements, or takes none.
    pub fn get_bulk(&self, out: &mut [*mut u8]) -> Result<(), MempoolError> {
        // SAFETY: the slice is writable.
        unsafe { self.get_bulk_raw(out.as_mut_ptr(), out.len()) }
    }

    /// Returns `n` elements from `items`. Null or foreign pointers among
    /// them are ignored (with a warning).
    ///
    /// # Safety
    /// `items` must be valid for `n` pointer reads.
    pub unsafe fn put_bulk_raw(&self, items: *const *mut u8, n: usize) {
        if n == 0 {
            return;
        }
        for i in 0..n {
            if !self.owns(*items.add(i)) {
                // Slow path: sort out the bad ones one by one.
                for j in 0..n {
                    match NonNull::new(*items.add(j)) {
                        Some(p) => self.put(p),
                        None => self.foreign_put(ptr::null()),
                    }
                }
                return;
            }
        }
        match self.my_cache() {
            Some(c) if n <= c.cap => {
                let mut len = c.len.load(Relaxed);
                if len + n > c.cap {
                    let k = (len + n - c.cap).max(self.refill).min(len);
                    len = self.flush(c, len, k);
                }
                ptr::copy_nonoverlapping(items, c.objs.add(len).cast::<*mut u8>(), n);
                c.len.store(len + n, Relaxed);
            }
            _ => {
                let done = self.shared.try_enqueue_burst_raw(items.cast::<Elem>(), n);
                if done < n {
                    warn(format_args!(
                        "{}: {} elements were put back twice",
                        self.name_display(),
                        n - done
                    ));
                }
            }
        }
    }

    /// Returns all elements of `items`.
    pub fn put_bulk(&self, items: &[*mut u8]) {
        // SAFETY: the slice is readable.
        unsafe { self.put_bulk_raw(items.as_ptr(), items.len()) }
    }

    /// Calls `f(element, index)` for every element of the pool, free or in
    /// use, in address order; returns the number of elements.
    pub fn obj_iter(&self, mut f: impl FnMut(NonNull<u8>, u32)) -> u32 {
        for i in 0..self.count {
            f(self.element(i), i as u32);
        }
        self.count as u32
    }

    /// The memory chunks holding the elements: (address, length). Always
    /// one chunk.
    pub fn mem_chunks(&self) -> [(NonNull<u8>, usize); 1] {
        [(self.base, self.mem_len)]
    }
}

impl Drop for Mempool {
    fn drop(&mut self) {
        let me: *const Mempool = self;
        registry().retain(|p| p.0 != me);
        let free = self.count();
        if free < self.count {
            warn(format_args!(
                "{}: freed with {} of {} elements still in use",
                self.name_display(),
                self.count - free,
                self.count
            ));
        }
        for slot in self.caches.iter() {
            let c = slot.swap(ptr::null_mut(), Relaxed);
            if !c.is_null() {
                // SAFETY: allocated by new_cache, owned by the pool.
                drop(unsafe { Box::from_raw(c) });
            }
        }
        // SAFETY: the block came from dma_alloc and nothing refers to it now.
        #[allow(unused_unsafe)]
        let _ = unsafe { memory::dma_free(self.base) };
    }
}

impl fmt::Debug for Mempool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mempool")
            .field("name", &self.name_display())
            .field("size", &self.count)
            .field("ele_size", &self.ele_size)
            .field("cache_size", &self.cache_size)
            .field("count", &self.count())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    #[test]
    fn argument_checks() {
        assert_eq!(
            Mempool::new("", 8, 8, 0, -1).unwrap_err(),
            MempoolError::InvalidArgument
        );
        assert_eq!(
            Mempool::new("a\0b", 8, 8, 0, -1).unwrap_err(),
            MempoolError::InvalidArgument
        );
        assert_eq!(
            Mempool::new("zero_count", 0, 8, 0, -1).unwrap_err(),
            MempoolError::InvalidArgument
        );
        assert_eq!(
            Mempool::new("zero_size", 8, 0, 0, -1).unwrap_err(),
            MempoolError::InvalidArgument
        );
        assert_eq!(
            Mempool::new("huge", 1 << 30, 1 << 40, 0, -1).unwrap_err(),
            MempoolError::InvalidArgument
        );
        let long = "x".repeat(MEMPOOL_NAME_MAX);
        assert_eq!(
            Mempool::new(&long, 8, 8, 0, -1).unwrap_err(),
            MempoolError::NameTooLong
        );
        let fits = "y".repeat(MEMPOOL_NAME_MAX - 1);
        let p = Mempool::new(&fits, 8, 8, 0, -1).unwrap();
        assert_eq!(p.name_bytes(), fits.as_bytes());
        assert_eq!(
            Mempool::new(&fits, 8, 8, 0, -1).unwrap_err(),
            MempoolError::NameExists
        );
        drop(p);
        assert!(Mempool::new(&fits, 8, 8, 0, -1).is_ok());
    }

    #[test]
    fn elements_are_distinct_aligned_and_all_or_nothing() {
        for cache in [0, 4, MEMPOOL_DEFAULT_CACHE_SIZE] {
            let name = format!("distinct_{}", cache.min(999));
            let p = Mempool::new(&name, 100, 72, cache, -1).unwrap();
            assert_eq!(p.stride(), 128);
            assert_eq!(p.count(), 100);
            let mut seen = HashSet::new();
            let mut held = Vec::new();
            while let Some(e) = p.get() {
                assert_eq!(e.as_ptr() as usize % MEMPOOL_ELEMENT_ALIGN, 0);
                assert!(p.owns(e.as_ptr()));
                assert!(seen.insert(e.as_ptr() as usize));
                held.push(e);
            }
            assert_eq!(held.len(), 100);
            assert_eq!(p.count(), 0);
            for e in held.drain(..50) {
                p.put(e);
            }
            assert_eq!(p.count(), 50);
            let mut arr = [ptr::null_mut(); 51];
            assert_eq!(p.get_bulk(&mut arr), Err(MempoolError::Empty));
            assert_eq!(p.count(), 50);
            assert!(p.get_bulk(&mut arr[..50]).is_ok());
            assert_eq!(p.count(), 0);
            p.put_bulk(&arr[..50]);
            for e in held.drain(..) {
                p.put(e);
            }
            assert_eq!(p.count(), 100);
        }
    }

    #[test]
    fn foreign_pointers_are_ignored() {
        let p = Mempool::new("foreign", 16, 8, 4, -1).unwrap();
        let mut x = 0u64;
        p.put(NonNull::from(&mut x).cast());
        p.put_bulk(&[ptr::null_mut()]);
        assert_eq!(p.count(), 16);
    }

    #[test]
    fn init_and_iter_visit_every_element() {
        let mut seen = Vec::new();
        let p = Mempool::with_init("init_iter", 10, 16, 0, -1, |pool, e, i| {
            assert_eq!(pool.size(), 10);
            // SAFETY: each element has 16 bytes.
            unsafe { e.as_ptr().cast::<u32>().write(i * 3) };
            seen.push(i);
        })
        .unwrap();
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
        let mut n = 0;
        assert_eq!(
            p.obj_iter(|e, i| {
                // SAFETY: written by init.
                assert_eq!(unsafe { e.as_ptr().cast::<u32>().read() }, i * 3);
                n += 1;
            }),
            10
        );
        assert_eq!(n, 10);
        assert_eq!(p.mem_chunks()[0].1, 10 * 64);
        assert!(Mempool::lookup("init_iter").is_some());
        drop(p);
        assert!(Mempool::lookup("init_iter").is_none());
    }

    #[test]
    fn cache_refills_and_flushes_in_halves() {
        // Large enough that the cache is not clamped below 64 on 2+ CPUs... or
        // on any machine: use the explicit size.
        let count = 64 * 2 * cpu_count() * 2;
        let p = Mempool::new("halves", count, 8, 64, -1).unwrap();
        assert_eq!(p.cache_size(), 64);
        let e = p.get().unwrap();
        assert_eq!(p.shared.count(), count - 32);
        p.put(e);
        let mut held = Vec::new();
        for _ in 0..200 {
            held.push(p.get().unwrap());
        }
        for e in held {
            p.put(e);
        }
        let c = p.my_cache().unwrap();
        assert!(c.len.load(Relaxed) <= 64);
        assert_eq!(p.count(), count);
    }

    #[test]
    fn threads_stress_and_exit_flush() {
        // No cache (all through the shared ring), a tiny one (constant
        // refills and flushes) and a large one.
        for cache in [0, 2, 128] {
            stress(cache);
        }
    }

    fn stress(cache: usize) {
        let threads = 6;
        let count = 4096;
        let name = format!("stress_{cache}");
        let pool: Arc<Pin<Box<Mempool>>> =
            Arc::new(Mempool::new(&name, count, 32, cache, -1).unwrap());
        assert_eq!(pool.cache_size(), cache);
        let stop = Arc::new(AtomicBool::new(false));
        let start = Arc::new(std::sync::Barrier::new(threads));
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut handles = Vec::new();
        for t in 0..threads {
            let pool = pool.clone();
            let stop = stop.clone();
            let start = start.clone();
            handles.push(std::thread::spawn(move || {
                let mut held: Vec<NonNull<u8>> = Vec::new();
                let mut arr = [ptr::null_mut(); 16];
                let mut rounds = 0u64;
                start.wait();
                while !stop.load(Relaxed) && rounds < 200_000 {
                    assert!(Instant::now() < deadline);
                    rounds += 1;
                    if rounds.is_multiple_of(3) {
                        if pool.get_bulk(&mut arr).is_ok() {
                            for e in arr {
                                // SAFETY: we own the element; mark it.
                                unsafe { e.cast::<u64>().write(t as u64) };
                            }
                            for e in arr {
                                // SAFETY: still ours.
                                assert_eq!(unsafe { e.cast::<u64>().read() }, t as u64);
                            }
                            pool.put_bulk(&arr);
                        }
                    } else if let Some(e) = pool.get() {
                        // SAFETY: we own the element.
                        unsafe { e.as_ptr().cast::<u64>().write(t as u64) };
                        held.push(e);
                    }
                    if held.len() > 100 || rounds.is_multiple_of(7) {
                        for e in held.drain(..) {
                            // SAFETY: nobody else had it.
                            assert_eq!(unsafe { e.as_ptr().cast::<u64>().read() }, t as u64);
                            pool.put(e);
                        }
                    }
                }
                for e in held {
                    pool.put(e);
                }
            }));
        }
        for h in handles {
            h.join().unwrap();
        }
        stop.store(true, Relaxed);
        assert_eq!(pool.count(), count);
        // The exited threads' caches were flushed back to the ring.
        assert_eq!(pool.shared.count() + p_local(&pool), count);
        // Every element can be taken again from this thread.
        let mut all = vec![ptr::null_mut(); count];
        assert!(pool.get_bulk(&mut all).is_ok());
        let set: HashSet<usize> = all.iter().map(|p| *p as usize).collect();
        assert_eq!(set.len(), count);
        pool.put_bulk(&all);
        assert_eq!(pool.count(), count);
    }

    fn p_local(p: &Mempool) -> usize {
        p.my_cache().map_or(0, |c| c.len.load(Relaxed))
    }
}
