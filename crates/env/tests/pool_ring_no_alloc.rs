//! The pool and ring hot paths must not allocate: counts allocations with a
//! wrapping global allocator during get/put and enqueue/dequeue after a
//! warm-up (which may allocate the thread's cache once).

use std::ptr;

#[global_allocator]
static GLOBAL: spdk_util::alloc_count::CountingAlloc = spdk_util::alloc_count::CountingAlloc;

#[test]
fn hot_paths_do_not_allocate() {
    use spdk_env::mempool::Mempool;
    use spdk_env::ring::{Ring, RingType};

    let pool = Mempool::new("noalloc_pool", 4096, 64, 64, -1).unwrap();
    let nocache = Mempool::new("noalloc_nocache", 64, 64, 0, -1).unwrap();
    // SAFETY: used by this thread only.
    let spsc = unsafe { Ring::<usize>::with_type(RingType::SpSc, 64) }.unwrap();
    let mpmc = Ring::<usize>::new(64).unwrap();
    let mut arr = [ptr::null_mut(); 32];
    let mut out = [0usize; 8];

    let mut run = |iters: usize| {
        for i in 0..iters {
            let e = pool.get().unwrap();
            pool.put(e);
            // Walk the cache through refills and flushes too.
            if i % 1000 == 0 {
                for _ in 0..200 {
                    arr[0] = pool.get().unwrap().as_ptr();
                    pool.put_bulk(&arr[..1]);
                }
            }
            pool.get_bulk(&mut arr).unwrap();
            pool.put_bulk(&arr);
            let e = nocache.get().unwrap();
            nocache.put(e);
            spsc.enqueue(i).unwrap();
            assert_eq!(spsc.dequeue(), Some(i));
            mpmc.enqueue_bulk(&[i, i + 1]).unwrap();
            assert_eq!(mpmc.dequeue_burst(&mut out), 2);
        }
    };
    run(1000); // warm-up: the per-thread cache is allocated here
    let allocs = spdk_util::alloc_count::count_allocations(|| run(100_000));
    assert_eq!(allocs, 0, "allocations on the hot path");
    assert_eq!(pool.count(), 4096);
}
