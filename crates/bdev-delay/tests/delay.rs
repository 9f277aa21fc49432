//! The delay module end to end on one SPDK thread, over malloc bases:
//! data through the delay bdev, latencies applied and updated, a reset
//! aborting held completions, errors, JSON output, deferred creation,
//! hot remove, delete, and an I/O path that allocates nothing.

use std::time::{Duration, Instant};

use spdk_bdev_delay as delay;
use spdk_bdev_delay::{Latencies, LatencyType};
use spdk_bdev_testkit::*;

#[global_allocator]
static GLOBAL: spdk_util::alloc_count::CountingAlloc = spdk_util::alloc_count::CountingAlloc;

fn lat(avg_read: u64, p99_read: u64, avg_write: u64, p99_write: u64) -> Latencies {
    Latencies {
        avg_read,
        p99_read,
        avg_write,
        p99_write,
    }
}

#[test]
fn delay_end_to_end() {
    let mut env = setup(delay::register);
    unsafe {
        let base = malloc_create("Mal0", 256, 512);
        delay::create("Mal0", "d0", None, lat(0, 0, 0, 0)).expect("create d0");
        let b = bdev("d0");
        assert!(!b.is_null());
        assert_eq!(claimed_by(base), delay::module());
        assert_eq!(Open::new("Mal0", true).err(), Some(-libc::EPERM));

        // Data goes through unchanged.
        let mut o = Open::new("d0", true).expect("open d0");
        let base_ro = Open::new("Mal0", false).expect("open base");
        let data = pattern(8 * 512, 3);
        assert!(write(&env, &o, 100, &data));
        assert_eq!(read(&env, &base_ro, 100, data.len(), false).unwrap(), data);
        assert_eq!(read(&env, &o, 100, data.len(), true).unwrap(), data);

        // Without latency the I/O path allocates nothing.
        let mut buf = vec![0u8; 4096];
        let p = buf.as_mut_ptr().cast();
        let allocs = io_allocations(&env, &o, p, 50, false, true);
        assert_eq!(allocs, 0, "the delay I/O path allocated");

        // Latencies: 30 ms for writes (average and p99 alike).
        delay::update_latency("d0", LatencyType::AvgWrite, 30_000).unwrap();
        delay::update_latency("d0", LatencyType::P99Write, 30_000).unwrap();
        let start = Instant::now();
        assert!(write(&env, &o, 0, &data));
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(30), "write delayed: {took:?}");
        assert_eq!(
            delay::update_latency("nope", LatencyType::AvgRead, 1),
            Err(-libc::ENODEV)
        );

        // Held writes (10 s) are aborted by a reset, which then succeeds.
        delay::update_latency("d0", LatencyType::AvgWrite, 10_000_000).unwrap();
        delay::update_latency("d0", LatencyType::P99Write, 10_000_000).unwrap();
        reset_aborts_held_write(&env, &o, p);

        // A second thread gets its own channel, queues and poller.
        delay::update_latency("d0", LatencyType::AvgWrite, 2000).unwrap();
        delay::update_latency("d0", LatencyType::P99Write, 2000).unwrap();
        let t2 = env.add_thread(c"second");
        let mut o2 = env.on(t2, || Open::new("d0", true).expect("open on t2"));
        let d2 = pattern(1024, 77);
        assert!(env.on(t2, || write(&env, &o2, 50, &d2)));
        assert!(
            read(&env, &o, 50, 1024, false).unwrap() == d2,
            "t2's write read on t1"
        );
        let back = env.on(t2, || read(&env, &o2, 50, 1024, true)).unwrap();
        assert!(back == d2, "read back on t2");
        env.on(t2, || o2.close());
        env.poll();

        // Errors.
        assert_eq!(
            delay::create("Mal0", "d1", None, lat(10, 5, 0, 0)),
            Err(-libc::EINVAL),
            "p99 below average"
        );
        assert_eq!(
            delay::create("Mal0", "d0", None, lat(0, 0, 0, 0)),
            Err(-libc::EEXIST)
        );
        assert_eq!(
            delay::create("Mal0", "d1", None, lat(0, 0, 0, 0)),
            Err(-libc::EPERM)
        );

        // JSON: microseconds as configured.
        delay::update_latency("d0", LatencyType::AvgRead, 7).unwrap();
        let info = dump(b);
        let d = &info["driver_specific"]["delay"];
        assert_eq!(d["name"], "d0");
        assert_eq!(d["base_bdev_name"], "Mal0");
        assert_eq!(d["avg_read_latency"], 7);
        assert_eq!(d["p99_read_latency"], 0);
        assert_eq!(d["avg_write_latency"], 2000);
        assert_eq!(d["uuid"], info["uuid"]);
        assert_eq!(info["product_name"], "delay");
        let cfg = module_config(delay::module());
        assert_eq!(cfg[0]["method"], "bdev_delay_create");
        assert_eq!(cfg[0]["params"], *d);

        // Deferred creation, then hot remove of the base.
        delay::create("Mal9", "d9", None, lat(1, 2, 3, 4)).expect("deferred");
        assert!(bdev("d9").is_null());
        malloc_create("Mal9", 64, 4096);
        assert!(!bdev("d9").is_null());
        let u = spdk_util::uuid::parse(b"4009b574-6430-4f1b-bc40-ace811091027").unwrap();
        assert_eq!(
            (*bdev("d9")).uuid.u.raw,
            spdk_util::uuid::generate_sha1(&u, &(*bdev("Mal9")).uuid.u.raw)
        );
        assert_eq!(malloc_delete(&env, "Mal9"), 0);
        assert!(bdev("d9").is_null());
        assert_eq!(
            delete_sync(&env, |cb, arg| delay::delete("d9", cb, arg)),
            -libc::ENODEV as i64
        );

        // Delete.
        o.close();
        let mut base_ro = base_ro;
        base_ro.close();
        assert_eq!(delete_sync(&env, |cb, arg| delay::delete("d0", cb, arg)), 0);
        assert!(bdev("d0").is_null());
        env.poll();
        assert!(claimed_by(base).is_null());
        assert_eq!(malloc_delete(&env, "Mal0"), 0);
    }
    env.finish();
}
