//! Bounded lock-free rings of `Copy` values, built like DPDK's rte_ring.
//!
//! Producers and consumers each own a (head, tail) pair of free-running
//! indices. A producer first reserves slots by advancing the producer head
//! (a compare-and-swap when several producers may race, a plain store when
//! there is only one), copies its values into the reserved slots, then
//! publishes them by moving the producer tail, in reservation order, with a
//! release store. Consumers mirror this on the consumer pair and read the
//! producer tail with acquire ordering, so the slot contents are visible
//! before they are read; producers read the consumer tail the same way
//! before reusing a slot. Each of the four indices sits on its own cache
//! line.
//!
//! The usable capacity is exactly the count asked for (like DPDK's
//! `RING_F_EXACT_SZ`, which SPDK uses); the slot array is rounded up to a
//! power of two so that an index maps to a slot with a mask.
//!
//! Nothing here allocates or locks after [`Ring::new`].

use std::cell::UnsafeCell;
use std::fmt;
use std::hint::spin_loop;
use std::mem::MaybeUninit;
use std::ptr;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

/// The largest element count a ring accepts (DPDK's limit as well).
pub const RING_MAX_COUNT: usize = 0x7fff_ffff;

/// Which sides of a ring may be used by several threads at the same time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RingType {
    /// One producer and one consumer at a time.
    SpSc,
    /// Any number of concurrent producers, one consumer at a time.
    MpSc,
    /// Any number of concurrent producers and consumers.
    MpMc,
}

/// Why a ring could not be created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RingError {
    /// The count was 0 or above [`RING_MAX_COUNT`].
    InvalidCount,
    /// The slot array could not be allocated.
    NoMemory,
}

impl RingError {
    /// The positive errno value that corresponds to this error.
    pub fn errno(self) -> i32 {
        match self {
            RingError::InvalidCount => libc::EINVAL,
            RingError::NoMemory => libc::ENOMEM,
        }
    }
}

impl fmt::Display for RingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RingError::InvalidCount => {
                write!(f, "ring count must be between 1 and {RING_MAX_COUNT}")
            }
            RingError::NoMemory => write!(f, "out of memory for the ring slots"),
        }
    }
}

impl std::error::Error for RingError {}

/// An index alone on its cache line (two lines, as adjacent-line prefetch
/// pairs them on x86).
#[repr(align(128))]
struct Line(AtomicUsize);

/// A head index, and beside it the last value its side read of the other
/// side's tail. Tails only grow, so that value is a lower bound of the tail
/// and can answer "is there room / is there data" without touching the
/// other side's cache line; the real tail is read when it cannot.
#[repr(align(128))]
struct HeadLine {
    head: AtomicUsize,
    seen_tail: AtomicUsize,
}

/// A fixed-capacity FIFO of `T` values, safe to share between threads as its
/// [`RingType`] allows.
pub struct Ring<T: Copy> {
    prod_head: HeadLine,
    prod_tail: Line,
    cons_head: HeadLine,
    cons_tail: Line,
    slots: Box<[UnsafeCell<MaybeUninit<T>>]>,
    mask: usize,
    capacity: usize,
    multi_prod: bool,
    multi_cons: bool,
    kind: RingType,
}

// SAFETY: slots are handed from producers to consumers through the
// acquire/release protocol on the tails; values move between threads, so T
// must be Send. The single-producer/single-consumer restriction is the
// contract of `Ring::with_type`.
unsafe impl<T: Copy + Send> Send for Ring<T> {}
// SAFETY: as above.
unsafe impl<T: Copy + Send> Sync for Ring<T> {}

/// Waits until `tail` reaches `old`: earlier reservations of the same side
/// publish first. Yields the CPU after a short spin, as the thread we wait
/// for may have been preempted.
#[inline]
fn wait_for_turn(tail: &AtomicUsize, old: usize) {
    let mut spins = 0u32;
    while tail.load(Acquire) != old {
        if spins < 128 {
            spins += 1;
            spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
}

impl<T: Copy> Ring<T> {
    /// Creates a multi-producer, multi-consumer ring holding up to `count`
    /// values.
    pub fn new(count: usize) -> Result<Self, RingError> {
        // SAFETY: an MP/MC ring has no single-thread restriction.
        unsafe { Self::with_type(RingType::MpMc, count) }
    }

    /// Creates a ring of the given type holding up to `count` values.
    ///
    /// # Safety
    /// For the single-producer types, the caller guarantees that no two
    /// threads enqueue at the same time; for the single-consumer types, that
    /// no two threads dequeue at the same time. (Handing a side over to
    /// another thread is fine when the handover itself synchronizes.)
    pub unsafe fn with_type(kind: RingType, count: usize) -> Result<Self, RingError> {
        if count == 0 || count > RING_MAX_COUNT {
            return Err(RingError::InvalidCount);
        }
        let size = count.next_power_of_two();
        let mut slots: Vec<UnsafeCell<MaybeUninit<T>>> = Vec::new();
        slots
            .try_reserve_exact(size)
            .map_err(|_| RingError::NoMemory)?;
        slots.resize_with(size, || UnsafeCell::new(MaybeUninit::uninit()));
        let (multi_prod, multi_cons) = match kind {
            RingType::SpSc => (false, false),
            RingType::MpSc => (true, false),
            RingType::MpMc => (true, true),
        };
        Ok(Ring {
            prod_head: HeadLine {
                head: AtomicUsize::new(0),
                seen_tail: AtomicUsize::new(0),
            },
            prod_tail: Line(AtomicUsize::new(0)),
            cons_head: HeadLine {
                head: AtomicUsize::new(0),
                seen_tail: AtomicUsize::new(0),
            },
            cons_tail: Line(AtomicUsize::new(0)),
            slots: slots.into_boxed_slice(),
            mask: size - 1,
            capacity: count,
            multi_prod,
            multi_cons,
            kind,
        })
    }

    /// The ring's type.
    pub fn kind(&self) -> RingType {
        self.kind
    }

    /// How many values the ring can hold.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many values are in the ring (a snapshot when others are busy).
    pub fn count(&self) -> usize {
        // Consumer tail first: the producer tail read after it can only be
        // further ahead, so the difference never goes negative.
        let cons = self.cons_tail.0.load(Acquire);
        let prod = self.prod_tail.0.load(Acquire);
        prod.wrapping_sub(cons).min(self.capacity)
    }

    /// How many more values fit (a snapshot when others are busy).
    pub fn free_count(&self) -> usize {
        self.capacity - self.count()
    }

    /// True when the ring holds no values.
    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    #[inline]
    fn slot_base(&self) -> *mut T {
        UnsafeCell::raw_get(self.slots.as_ptr()).cast::<T>()
    }

    /// Copies `n` values from `src` into the slots from index `start` on.
    ///
    /// # Safety
    /// The slots must be reserved by the caller and `src` valid for `n` reads.
    #[inline]
    unsafe fn write_slots(&self, start: usize, src: *const T, n: usize) {
        let base = self.slot_base();
        let idx = start & self.mask;
        let first = n.min(self.mask + 1 - idx);
        ptr::copy_nonoverlapping(src, base.add(idx), first);
        if first < n {
            ptr::copy_nonoverlapping(src.add(first), base, n - first);
        }
    }

    /// Copies `n` values from the slots from index `start` on into `dst`.
    ///
    /// # Safety
    /// The slots must be reserved by the caller and hold published values;
    /// `dst` must be valid for `n` writes.
    #[inline]
    unsafe fn read_slots(&self, start: usize, dst: *mut T, n: usize) {
        let base = self.slot_base();
        let idx = start & self.mask;
        let first = n.min(self.mask + 1 - idx);
        ptr::copy_nonoverlapping(base.add(idx), dst, first);
        if first < n {
            ptr::copy_nonoverlapping(base, dst.add(first), n - first);
        }
    }

    /// Enqueues `n` values from `src`: all of them or none when `exact`, as
    /// many as fit otherwise. Returns (number enqueued, free space left);
    /// after a successful enqueue that free space is only a lower bound.
    ///
    /// # Safety
    /// `src` must be valid for `n` reads.
    #[inline]
    unsafe fn enqueue_raw(&self, src: *const T, n: usize, exact: bool) -> (usize, usize) {
        let (old, k, free) = loop {
            // Acquire keeps the tail loads below from being done before
            // this one.
            let old = self.prod_head.head.load(Acquire);
            // First the remembered consumer tail. A stale one yields a free
            // count that is too small (fine) or, if older than a whole lap,
            // wraps above the capacity: then, or when it is not enough, read
            // the real tail. Acquire on both, and release when remembering,
            // so the consumers' reads of the slots happen before we reuse
            // them.
            let seen = self.prod_head.seen_tail.load(Acquire);
            let mut free = self.capacity.wrapping_add(seen).wrapping_sub(old);
            if free < n || free > self.capacity {
                let cons_tail = self.cons_tail.0.load(Acquire);
                free = self.capacity.wrapping_add(cons_tail).wrapping_sub(old);
                if cons_tail != seen {
                    self.prod_head.seen_tail.store(cons_tail, Release);
                }
            }
            let k = if n <= free {
                n
            } else if exact {
                0
            } else {
                free
            };
            if k == 0 {
                return (0, free.min(self.capacity));
            }
            let new = old.wrapping_add(k);
            if !self.multi_prod {
                self.prod_head.head.store(new, Relaxed);
                break (old, k, free);
            }
            if self
                .prod_head
                .head
                .compare_exchange_weak(old, new, Relaxed, Relaxed)
                .is_ok()
            {
                break (old, k, free);
            }
            spin_loop();
        };
        self.write_slots(old, src, k);
        if self.multi_prod {
            wait_for_turn(&self.prod_tail.0, old);
        }
        self.prod_tail.0.store(old.wrapping_add(k), Release);
        (k, free - k)
    }

    /// Dequeues up to `n` values into `dst`: exactly `n` or none when
    /// `exact`. Returns (number dequeued, values left).
    ///
    /// # Safety
    /// `dst` must be valid for `n` writes.
    #[inline]
    unsafe fn dequeue_raw(&self, dst: *mut T, n: usize, exact: bool) -> (usize, usize) {
        let (old, k, avail) = loop {
            let old = self.cons_head.head.load(Acquire);
            // The remembered producer tail first, as in enqueue_raw.
            let seen = self.cons_head.seen_tail.load(Acquire);
            let mut avail = seen.wrapping_sub(old);
            if avail < n || avail > self.capacity {
                let prod_tail = self.prod_tail.0.load(Acquire);
                avail = prod_tail.wrapping_sub(old);
                if prod_tail != seen {
                    self.cons_head.seen_tail.store(prod_tail, Release);
                }
            }
            let k = if n <= avail {
                n
            } else if exact {
                0
            } else {
                avail
            };
            if k == 0 {
                return (0, avail.min(self.capacity));
            }
            let new = old.wrapping_add(k);
            if !self.multi_cons {
                self.cons_head.head.store(new, Relaxed);
                break (old, k, avail);
            }
            if self
                .cons_head
                .head
                .compare_exchange_weak(old, new, Relaxed, Relaxed)
                .is_ok()
            {
                break (old, k, avail);
            }
            spin_loop();
        };
        self.read_slots(old, dst, k);
        if self.multi_cons {
            wait_for_turn(&self.cons_tail.0, old);
        }
        self.cons_tail.0.store(old.wrapping_add(k), Release);
        (k, avail - k)
    }

    /// Enqueues one value; gives it back when the ring is full.
    #[inline]
    pub fn enqueue(&self, value: T) -> Result<(), T> {
        // SAFETY: one readable value.
        match unsafe { self.enqueue_raw(&value, 1, true) } {
            (1, _) => Ok(()),
            _ => Err(value),
        }
    }

    /// Enqueues all of `values` or none of them. On success returns the free
    /// space left; when they do not all fit, returns the free space as error.
    #[inline]
    pub fn enqueue_bulk(&self, values: &[T]) -> Result<usize, usize> {
        // SAFETY: the slice is readable.
        unsafe { self.enqueue_bulk_raw(values.as_ptr(), values.len()) }
    }

    /// Enqueues as many of `values` as fit, from the front. Returns (number
    /// enqueued, free space left).
    #[inline]
    pub fn enqueue_burst(&self, values: &[T]) -> (usize, usize) {
        // SAFETY: the slice is readable.
        unsafe { self.enqueue_burst_raw(values.as_ptr(), values.len()) }
    }

    /// [`Ring::enqueue_bulk`] from a raw array.
    ///
    /// # Safety
    /// `src` must be valid for `n` reads of initialized values.
    #[inline]
    pub unsafe fn enqueue_bulk_raw(&self, src: *const T, n: usize) -> Result<usize, usize> {
        match self.enqueue_raw(src, n, true) {
            (k, _) if k == n => Ok(self.free_count()),
            (_, free) => Err(free),
        }
    }

    /// [`Ring::enqueue_bulk_raw`] without computing the free space: the
    /// cheapest way to enqueue several values all or nothing.
    ///
    /// # Safety
    /// `src` must be valid for `n` reads of initialized values.
    #[inline]
    pub unsafe fn try_enqueue_bulk_raw(&self, src: *const T, n: usize) -> bool {
        self.enqueue_raw(src, n, true).0 == n
    }

    /// [`Ring::enqueue_burst_raw`] returning only how many were enqueued.
    ///
    /// # Safety
    /// `src` must be valid for `n` reads of initialized values.
    #[inline]
    pub unsafe fn try_enqueue_burst_raw(&self, src: *const T, n: usize) -> usize {
        self.enqueue_raw(src, n, false).0
    }

    /// [`Ring::enqueue_burst`] from a raw array.
    ///
    /// # Safety
    /// `src` must be valid for `n` reads of initialized values.
    #[inline]
    pub unsafe fn enqueue_burst_raw(&self, src: *const T, n: usize) -> (usize, usize) {
        match self.enqueue_raw(src, n, false) {
            (0, free) => (0, free),
            (k, _) => (k, self.free_count()),
        }
    }

    /// Dequeues the oldest value, if any.
    #[inline]
    pub fn dequeue(&self) -> Option<T> {
        let mut out = MaybeUninit::<T>::uninit();
        // SAFETY: room for one value; it is initialized when one was dequeued.
        unsafe {
            match self.dequeue_raw(out.as_mut_ptr(), 1, true) {
                (1, _) => Some(out.assume_init()),
                _ => None,
            }
        }
    }

    /// Dequeues up to `out.len()` values into the front of `out`; returns
    /// how many.
    #[inline]
    pub fn dequeue_burst(&self, out: &mut [T]) -> usize {
        // SAFETY: the slice is writable.
        unsafe { self.dequeue_raw(out.as_mut_ptr(), out.len(), false).0 }
    }

    /// Fills all of `out` or dequeues nothing; returns whether it did.
    #[inline]
    pub fn dequeue_bulk(&self, out: &mut [T]) -> bool {
        // SAFETY: the slice is writable.
        unsafe { self.dequeue_raw(out.as_mut_ptr(), out.len(), true).0 == out.len() }
    }

    /// [`Ring::dequeue_burst`] into a raw array (which may be uninitialized).
    ///
    /// # Safety
    /// `dst` must be valid for `n` writes.
    #[inline]
    pub unsafe fn dequeue_burst_raw(&self, dst: *mut T, n: usize) -> usize {
        self.dequeue_raw(dst, n, false).0
    }

    /// [`Ring::dequeue_bulk`] into a raw array (which may be uninitialized).
    ///
    /// # Safety
    /// `dst` must be valid for `n` writes.
    #[inline]
    pub unsafe fn dequeue_bulk_raw(&self, dst: *mut T, n: usize) -> bool {
        self.dequeue_raw(dst, n, true).0 == n
    }
}

impl<T: Copy> fmt::Debug for Ring<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ring")
            .field("kind", &self.kind)
            .field("capacity", &self.capacity)
            .field("count", &self.count())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    #[test]
    fn rejects_bad_counts() {
        assert_eq!(Ring::<u32>::new(0).unwrap_err(), RingError::InvalidCount);
        assert_eq!(
            Ring::<u32>::new(RING_MAX_COUNT + 1).unwrap_err(),
            RingError::InvalidCount
        );
    }

    #[test]
    fn exact_capacity_and_fifo() {
        for kind in [RingType::SpSc, RingType::MpSc, RingType::MpMc] {
            for count in [1usize, 3, 4, 5, 100] {
                // SAFETY: single-threaded use.
                let r = unsafe { Ring::<usize>::with_type(kind, count) }.unwrap();
                assert_eq!(r.capacity(), count);
                for i in 0..count {
                    assert_eq!(r.enqueue(i), Ok(()));
                }
                assert_eq!(r.enqueue(999), Err(999));
                assert_eq!(r.count(), count);
                assert_eq!(r.free_count(), 0);
                for i in 0..count {
                    assert_eq!(r.dequeue(), Some(i));
                }
                assert_eq!(r.dequeue(), None);
                assert!(r.is_empty());
            }
        }
    }

    #[test]
    fn bulk_is_all_or_nothing_and_burst_partial() {
        let r = Ring::<u32>::new(6).unwrap();
        assert_eq!(r.enqueue_bulk(&[1, 2, 3, 4]), Ok(2));
        assert_eq!(r.enqueue_bulk(&[5, 6, 7]), Err(2));
        assert_eq!(r.count(), 4);
        assert_eq!(r.enqueue_burst(&[5, 6, 7]), (2, 0));
        let mut out = [0u32; 4];
        assert!(!r.dequeue_bulk(&mut [0u32; 7]));
        assert!(r.dequeue_bulk(&mut out));
        assert_eq!(out, [1, 2, 3, 4]);
        let mut out = [0u32; 8];
        assert_eq!(r.dequeue_burst(&mut out), 2);
        assert_eq!(&out[..2], &[5, 6]);
        assert_eq!(r.dequeue_burst(&mut out), 0);
        assert_eq!(r.enqueue_bulk(&[]), Ok(6));
    }

    #[test]
    fn wraps_around_many_times() {
        let r = Ring::<u64>::new(5).unwrap();
        let mut next_in = 0u64;
        let mut next_out = 0u64;
        for round in 0..10_000u64 {
            let n = (round % 5 + 1) as usize;
            let vals: Vec<u64> = (0..n as u64).map(|i| next_in + i).collect();
            if r.enqueue_bulk(&vals).is_ok() {
                next_in += n as u64;
            }
            let mut out = [0u64; 3];
            let got = r.dequeue_burst(&mut out);
            for v in &out[..got] {
                assert_eq!(*v, next_out);
                next_out += 1;
            }
        }
        assert_eq!(r.count() as u64, next_in - next_out);
    }

    /// Producers send known values (producer id in the high bits) through a
    /// ring of `count` slots; the consumers must receive exactly that
    /// multiset. RING_STRESS_SCALE=n multiplies the volume.
    fn transfer(kind: RingType, producers: usize, consumers: usize, count: usize) {
        let scale: u64 = std::env::var("RING_STRESS_SCALE")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        let per_producer: u64 = 50_000 * scale;
        // SAFETY: the single-side types are used by one thread on that side.
        let ring = Arc::new(unsafe { Ring::<u64>::with_type(kind, count) }.unwrap());
        let deadline = Instant::now() + Duration::from_secs(60 * scale);
        let total = producers as u64 * per_producer;
        let received = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::new();
        for p in 0..producers as u64 {
            let ring = ring.clone();
            handles.push(std::thread::spawn(move || {
                let mut i = 0;
                while i < per_producer {
                    // Alternate single and bulk enqueues.
                    let batch: Vec<u64> = (i..(i + 3).min(per_producer))
                        .map(|v| p << 32 | v)
                        .collect();
                    if ring.enqueue_bulk(&batch).is_ok() {
                        i += batch.len() as u64;
                    } else {
                        assert!(Instant::now() < deadline, "producer stuck");
                        std::thread::yield_now();
                    }
                }
                Vec::new()
            }));
        }
        for _ in 0..consumers {
            let ring = ring.clone();
            let received = received.clone();
            handles.push(std::thread::spawn(move || {
                let mut got = Vec::new();
                let mut buf = [0u64; 5];
                while (received.load(Relaxed) as u64) < total {
                    let n = ring.dequeue_burst(&mut buf);
                    if n == 0 {
                        assert!(Instant::now() < deadline, "consumer stuck");
                        std::thread::yield_now();
                        continue;
                    }
                    received.fetch_add(n, Relaxed);
                    got.extend_from_slice(&buf[..n]);
                }
                got
            }));
        }
        let mut all: Vec<u64> = Vec::new();
        let mut per_consumer_ordered = true;
        for h in handles {
            let got = h.join().unwrap();
            // Each producer's values reach a given consumer in order.
            let mut last = vec![None::<u64>; producers];
            for v in &got {
                let p = (v >> 32) as usize;
                if let Some(prev) = last[p] {
                    per_consumer_ordered &= prev < *v;
                }
                last[p] = Some(*v);
            }
            all.extend(got);
        }
        assert!(per_consumer_ordered);
        all.sort_unstable();
        let mut expect: Vec<u64> = (0..producers as u64)
            .flat_map(|p| (0..per_producer).map(move |v| p << 32 | v))
            .collect();
        expect.sort_unstable();
        assert_eq!(all, expect);
        assert!(ring.is_empty());
    }

    #[test]
    fn mpmc_four_by_four() {
        transfer(RingType::MpMc, 4, 4, 64);
    }

    #[test]
    fn mpmc_four_by_four_tiny_ring() {
        transfer(RingType::MpMc, 4, 4, 3);
    }

    #[test]
    fn mpsc_four_producers() {
        transfer(RingType::MpSc, 4, 1, 64);
    }

    #[test]
    fn spsc_two_threads() {
        transfer(RingType::SpSc, 1, 1, 5);
    }
}
