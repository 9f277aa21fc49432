//! Timing of the object pool and ring hot paths, in nanoseconds per pair of
//! operations. Run with `cargo bench -p spdk-env --bench pool_ring`.

use std::hint::black_box;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use spdk_env::mempool::Mempool;
use spdk_env::ring::{Ring, RingType};

/// Runs `f(iters)` a few times and returns the best ns per iteration.
fn best_of(iters: u64, mut f: impl FnMut(u64)) -> f64 {
    f(iters / 10); // warm-up
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        f(iters);
        best = best.min(t.elapsed().as_nanos() as f64 / iters as f64);
    }
    best
}

fn main() {
    const N: u64 = 5_000_000;

    let pool = Mempool::new("bench_pool", 8192, 64, 256, -1).expect("pool");
    let ns = best_of(N, |n| {
        for _ in 0..n {
            let e = pool.get().expect("element");
            pool.put(black_box(e));
        }
    });
    println!("mempool get+put: {ns:.1} ns/pair");

    let mut arr = [ptr::null_mut(); 32];
    let ns = best_of(N / 32, |n| {
        for _ in 0..n {
            pool.get_bulk(&mut arr).expect("elements");
            pool.put_bulk(black_box(&arr));
        }
    }) / 32.0;
    println!("mempool get_bulk+put_bulk(32): {ns:.1} ns/element pair");

    let nocache = Mempool::new("bench_nocache", 8192, 64, 0, -1).expect("pool");
    let ns = best_of(N, |n| {
        for _ in 0..n {
            let e = nocache.get().expect("element");
            nocache.put(black_box(e));
        }
    });
    println!("mempool get+put (no cache, shared ring): {ns:.1} ns/pair");

    for (kind, label) in [(RingType::SpSc, "SP/SC"), (RingType::MpMc, "MP/MC")] {
        // SAFETY: used by this thread only.
        let ring = unsafe { Ring::<usize>::with_type(kind, 1024) }.expect("ring");
        let ns = best_of(N, |n| {
            for i in 0..n as usize {
                let _ = ring.enqueue(black_box(i));
                black_box(ring.dequeue());
            }
        });
        println!("ring {label} enqueue+dequeue: {ns:.1} ns/pair");
    }

    // Two threads: one enqueues, the other dequeues, through an MP/MC ring.
    let ring = Arc::new(Ring::<usize>::new(1024).expect("ring"));
    let total: usize = 4_000_000;
    let done = Arc::new(AtomicBool::new(false));
    let consumer = {
        let ring = ring.clone();
        let done = done.clone();
        std::thread::spawn(move || {
            let mut got = 0usize;
            let mut buf = [0usize; 32];
            while got < total {
                let n = ring.dequeue_burst(&mut buf);
                if n == 0 {
                    std::hint::spin_loop();
                }
                got += n;
            }
            done.store(true, Ordering::Release);
        })
    };
    let t = Instant::now();
    let mut i = 0;
    while i < total {
        if ring.enqueue(i).is_ok() {
            i += 1;
        } else {
            std::hint::spin_loop();
        }
    }
    consumer.join().expect("consumer");
    let ns = t.elapsed().as_nanos() as f64 / total as f64;
    println!(
        "ring MP/MC two threads (single enqueue, burst dequeue): {ns:.1} ns/element, {:.1} M elements/s",
        1e3 / ns
    );
    assert!(done.load(Ordering::Acquire));

    // Ping-pong: one element bounces between two threads through two MP/MC
    // rings; a round trip is two cross-core hand-offs.
    let ping = Arc::new(Ring::<usize>::new(64).expect("ring"));
    let pong = Arc::new(Ring::<usize>::new(64).expect("ring"));
    let trips: usize = 200_000;
    let echo = {
        let (ping, pong) = (ping.clone(), pong.clone());
        std::thread::spawn(move || {
            for _ in 0..trips {
                let v = loop {
                    if let Some(v) = ping.dequeue() {
                        break v;
                    }
                    std::hint::spin_loop();
                };
                let _ = pong.enqueue(v + 1);
            }
        })
    };
    let t = Instant::now();
    for i in 0..trips {
        let _ = ping.enqueue(i);
        loop {
            if let Some(v) = pong.dequeue() {
                assert_eq!(v, i + 1);
                break;
            }
            std::hint::spin_loop();
        }
    }
    echo.join().expect("echo");
    let ns = t.elapsed().as_nanos() as f64 / trips as f64;
    println!("ring MP/MC two-thread ping-pong: {ns:.1} ns/round trip");
}
