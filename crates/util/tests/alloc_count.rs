//! The counting allocator sees this thread's allocations and no other's.

use spdk_util::alloc_count::{count_allocations, CountingAlloc};

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

#[test]
fn counts_only_the_calling_thread() {
    let n = count_allocations(|| {
        let v: Vec<u8> = Vec::with_capacity(64);
        std::hint::black_box(&v);
    });
    assert_eq!(n, 1);
    let mut other = 0;
    let theirs = count_allocations(|| {
        other = std::thread::scope(|s| {
            s.spawn(|| count_allocations(|| drop(std::hint::black_box(vec![0u8; 64]))))
                .join()
                .unwrap()
        });
    });
    assert_eq!(other, 1, "the other thread counts its own");
    assert!(theirs >= 1, "spawning a thread allocates here");
    assert_eq!(
        count_allocations(|| {
            std::hint::black_box(1 + 1);
        }),
        0
    );
}
