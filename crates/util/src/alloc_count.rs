//! A counting global allocator for tests that prove a hot path allocates
//! nothing. Only the calling thread's allocations inside
//! [`count_allocations`] are counted, so the test harness's own threads
//! (timers, output capture) cannot make such a test flaky.
//!
//! ```ignore
//! #[global_allocator]
//! static GLOBAL: spdk_util::alloc_count::CountingAlloc = spdk_util::alloc_count::CountingAlloc;
//! assert_eq!(spdk_util::alloc_count::count_allocations(|| hot_path()), 0);
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    // const-initialised and Drop-free: reading it never allocates.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

/// Forwards to the system allocator, counting the calling thread's
/// allocations and reallocations while [`count_allocations`] runs.
pub struct CountingAlloc;

fn note() {
    // try_with: the allocator may be called while the thread is exiting.
    let _ = COUNTING.try_with(|c| {
        if c.get() {
            let _ = ALLOCS.try_with(|a| a.set(a.get() + 1));
        }
    });
}

// SAFETY: every call forwards to the system allocator unchanged.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        System.alloc_zeroed(layout)
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        System.dealloc(p, layout)
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        System.realloc(p, layout, new_size)
    }
}

/// Runs `f` on this thread and returns how many allocations it made
/// (counted only when [`CountingAlloc`] is the global allocator).
pub fn count_allocations(f: impl FnOnce()) -> usize {
    ALLOCS.with(|a| a.set(0));
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCS.with(|a| a.get())
}
