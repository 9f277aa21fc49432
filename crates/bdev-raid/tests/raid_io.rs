//! Data through raid bdevs: written through the raid bdev, read back
//! through it and read directly from the base bdevs to check the layout
//! (raid0 striping, raid1 mirroring, concat), I/O crossing strips (split
//! by the bdev layer, and by the module itself when the layer does not),
//! unmap across strips, raid1 read balancing, read retry on another
//! mirror and degradation when a mirror fails, and no allocation on the
//! I/O path.

mod common;

use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::Ordering;

use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::*;
use common::*;
use spdk_bdev_raid::{Level, State};

#[global_allocator]
static GLOBAL: spdk_util::alloc_count::CountingAlloc = spdk_util::alloc_count::CountingAlloc;

const BS: usize = 512;

fn reg() {
    spdk_bdev_raid::register();
    flaky::register();
}

/// Base block of raid0 block `b` (strip of `strip` blocks over `n` bases).
fn raid0_place(b: usize, strip: usize, n: usize) -> (usize, usize) {
    let s = b / strip;
    (s % n, (s / n) * strip + b % strip)
}

/// Every block of `data` (raid blocks from 0) sits where raid0 puts it.
fn check_raid0_layout(env: &Env, bases: &[&str], strip: usize, data: &[u8]) {
    let base_data: Vec<Vec<u8>> = bases
        .iter()
        .map(|n| {
            let o = Open::new(n, false).expect("open base read-only");
            let blocks = unsafe { spdk_bdev_get_num_blocks(bdev(n)) } as usize;
            let d = read(env, &o, 0, blocks * BS, false).expect("base read");
            let mut o = o;
            o.close();
            d
        })
        .collect();
    for b in 0..data.len() / BS {
        let (i, lba) = raid0_place(b, strip, bases.len());
        assert_eq!(
            &base_data[i][lba * BS..(lba + 1) * BS],
            &data[b * BS..(b + 1) * BS],
            "raid block {b} is not at base {i} block {lba}"
        );
    }
}

#[test]
fn raid_data_paths() {
    let env = setup(reg);

    // ---- raid0: 3 bases of 64 blocks, 4 KiB strips (8 blocks) ----
    for n in ["M0", "M1", "M2"] {
        malloc_create(n, 64, 512);
    }
    assert_eq!(create(&env, "r0", Level::Raid0, 4, &["M0", "M1", "M2"]), 0);
    let info = spdk_bdev_raid::info("r0").expect("listed");
    assert_eq!(info.state, State::Online);
    assert_eq!(info.num_blocks, 192);
    let b = bdev("r0");
    assert!(!b.is_null());
    unsafe {
        assert_eq!(spdk_bdev_get_num_blocks(b), 192);
        assert_eq!(spdk_bdev_get_optimal_io_boundary(b), 8);
    }
    let o = Open::new("r0", true).expect("open r0");
    // One write over the whole bdev: 24 strips.
    let data = pattern(192 * BS, 7);
    assert!(write(&env, &o, 0, &data));
    assert_eq!(read(&env, &o, 0, data.len(), false).unwrap(), data);
    check_raid0_layout(&env, &["M0", "M1", "M2"], 8, &data);

    // Scattered iovecs not aligned to blocks, crossing strips.
    let mut data2 = data.clone();
    let part = pattern(30 * BS, 99);
    data2[5 * BS..35 * BS].copy_from_slice(&part);
    assert!(writev(&env, &o, 5, &part, 700));
    assert_eq!(readv(&env, &o, 0, data2.len(), 3000).unwrap(), data2);
    check_raid0_layout(&env, &["M0", "M1", "M2"], 8, &data2);
    // A read without a buffer: the bdev layer provides one.
    assert_eq!(
        read(&env, &o, 9, 4 * BS, true).unwrap(),
        data2[9 * BS..13 * BS].to_vec()
    );

    // Unmap over several strips (malloc zeroes what is unmapped).
    let (ok, _) = run_io(&env, 0, |cb, arg| unsafe {
        spdk_bdev_unmap_blocks(o.desc, o.ch, 3, 40, cb, arg)
    })
    .unwrap();
    assert!(ok);
    data2[3 * BS..43 * BS].fill(0);
    assert_eq!(read(&env, &o, 0, data2.len(), false).unwrap(), data2);
    check_raid0_layout(&env, &["M0", "M1", "M2"], 8, &data2);
    let (ok, _) = run_io(&env, 0, |cb, arg| unsafe {
        spdk_bdev_flush_blocks(o.desc, o.ch, 0, 192, cb, arg)
    })
    .unwrap();
    assert!(ok, "flush");
    let (ok, _) = run_io(&env, 0, |cb, arg| unsafe {
        spdk_bdev_reset(o.desc, o.ch, cb, arg)
    })
    .unwrap();
    assert!(ok, "reset");

    // Without the bdev layer's splitting the module cuts the I/O itself
    // (many waves of children through its scratch iovecs).
    unsafe {
        (*b).flags &= !BDEV_FLAG_SPLIT_ON_OPTIMAL_IO_BOUNDARY;
        (*b).optimal_io_boundary = 0;
    }
    let part = pattern(150 * BS, 55);
    data2[7 * BS..157 * BS].copy_from_slice(&part);
    assert!(writev(&env, &o, 7, &part, 700));
    assert_eq!(readv(&env, &o, 0, data2.len(), 1000).unwrap(), data2);
    assert_eq!(read(&env, &o, 0, data2.len(), false).unwrap(), data2);
    check_raid0_layout(&env, &["M0", "M1", "M2"], 8, &data2);
    unsafe {
        (*b).flags |= BDEV_FLAG_SPLIT_ON_OPTIMAL_IO_BOUNDARY;
        (*b).optimal_io_boundary = 8;
    }

    // Steady-state I/O through the raid bdev allocates nothing.
    let mut buf = vec![0u8; 24 * BS];
    let p = buf.as_mut_ptr().cast::<c_void>();
    let burst = |n: usize| unsafe {
        let before = completed();
        for i in 0..n {
            let off = (i * 8) as u64 % 168;
            assert_eq!(
                spdk_bdev_read_blocks(o.desc, o.ch, p, off, 16, IO_DONE, ptr::null_mut()),
                0
            );
            assert_eq!(
                spdk_bdev_write_blocks(o.desc, o.ch, p, off + 3, 8, IO_DONE, ptr::null_mut()),
                0
            );
        }
        env.poll_until(|| completed() == before + 2 * n);
    };
    burst(16);
    let allocs = spdk_util::alloc_count::count_allocations(|| {
        for _ in 0..20 {
            burst(16);
        }
    });
    assert_eq!(allocs, 0, "the raid I/O path allocated");
    assert_eq!(succeeded(), completed());
    let mut o = o;
    o.close();

    // ---- raid1 over two malloc bases ----
    malloc_create("M3", 64, 512);
    malloc_create("M4", 80, 512);
    assert_eq!(create(&env, "r1", Level::Raid1, 0, &["M3", "M4"]), 0);
    assert_eq!(
        spdk_bdev_raid::info("r1").unwrap().num_blocks,
        64,
        "the smallest mirror"
    );
    let mut o = Open::new("r1", true).unwrap();
    let data = pattern(64 * BS, 3);
    assert!(writev(&env, &o, 0, &data, 1536));
    assert_eq!(read(&env, &o, 0, data.len(), false).unwrap(), data);
    for n in ["M3", "M4"] {
        let mut bo = Open::new(n, false).unwrap();
        assert_eq!(
            read(&env, &bo, 0, data.len(), false).unwrap(),
            data,
            "mirror {n}"
        );
        bo.close();
    }
    o.close();

    // ---- raid1 over flaky bases: balancing, retry, degradation ----
    let f0 = flaky::create("F0", 32);
    let f1 = flaky::create("F1", 32);
    let (f0, f1) = unsafe { (&*f0, &*f1) };
    assert_eq!(create(&env, "rf", Level::Raid1, 0, &["F0", "F1"]), 0);
    let mut o = Open::new("rf", true).unwrap();
    let data = pattern(32 * BS, 11);
    assert!(write(&env, &o, 0, &data));
    assert_eq!(f0.data(), &data[..]);
    assert_eq!(f1.data(), &data[..]);
    // Two reads at once go to different mirrors.
    let mut b1 = vec![0u8; 8 * BS];
    let mut b2 = vec![0u8; 8 * BS];
    let before = completed();
    unsafe {
        assert_eq!(
            spdk_bdev_read_blocks(
                o.desc,
                o.ch,
                b1.as_mut_ptr().cast(),
                0,
                8,
                IO_DONE,
                ptr::null_mut()
            ),
            0
        );
        assert_eq!(
            spdk_bdev_read_blocks(
                o.desc,
                o.ch,
                b2.as_mut_ptr().cast(),
                8,
                8,
                IO_DONE,
                ptr::null_mut()
            ),
            0
        );
    }
    env.poll_until(|| completed() == before + 2);
    assert_eq!(f0.reads.load(Ordering::SeqCst), 1);
    assert_eq!(f1.reads.load(Ordering::SeqCst), 1);
    assert_eq!(&b1[..], &data[..8 * BS]);
    assert_eq!(&b2[..], &data[8 * BS..16 * BS]);

    // A failed read is retried on the other mirror and the good data is
    // written back to the one that failed.
    f0.fail_reads.store(true, Ordering::SeqCst);
    let w0 = f0.writes.load(Ordering::SeqCst);
    assert_eq!(
        read(&env, &o, 4, 4 * BS, false).unwrap(),
        data[4 * BS..8 * BS].to_vec()
    );
    assert_eq!(
        f0.writes.load(Ordering::SeqCst),
        w0 + 1,
        "read error corrected"
    );
    assert_eq!(spdk_bdev_raid::info("rf").unwrap().num_operational, 2);
    // When the correction fails too, the mirror leaves the array.
    f0.fail_writes.store(true, Ordering::SeqCst);
    assert_eq!(
        read(&env, &o, 4, 4 * BS, false).unwrap(),
        data[4 * BS..8 * BS].to_vec()
    );
    env.poll_until(|| spdk_bdev_raid::info("rf").unwrap().num_operational == 1);
    let info = spdk_bdev_raid::info("rf").unwrap();
    assert_eq!(info.state, State::Online, "degraded, still online");
    assert_eq!(info.bases[0].name, None);
    assert!(
        claimed_by(bdev("F0")).is_null(),
        "the failed mirror is released"
    );
    // Degraded: reads and writes use the remaining mirror.
    let r1 = f1.reads.load(Ordering::SeqCst);
    let newer = pattern(8 * BS, 77);
    assert!(write(&env, &o, 8, &newer));
    assert_eq!(read(&env, &o, 8, 8 * BS, false).unwrap(), newer);
    assert_eq!(f1.reads.load(Ordering::SeqCst), r1 + 1);
    assert_eq!(&f1.data()[8 * BS..16 * BS], &newer[..]);
    // The last mirror failing a write takes the array offline.
    REMOVED.store(0, Ordering::SeqCst);
    f1.fail_writes.store(true, Ordering::SeqCst);
    let mut bufw = newer.clone();
    let pw = bufw.as_mut_ptr().cast();
    let (ok, _) = run_io(&env, 0, |cb, arg| unsafe {
        spdk_bdev_write_blocks(o.desc, o.ch, pw, 8, 8, cb, arg)
    })
    .unwrap();
    assert!(!ok, "no mirror took the write");
    env.poll_until(|| REMOVED.load(Ordering::SeqCst) == 1);
    env.poll_until(|| bdev("rf").is_null());
    assert_eq!(spdk_bdev_raid::info("rf").unwrap().state, State::Offline);
    o.close();
    assert_eq!(
        sync_op(&env, |d| unsafe { spdk_bdev_raid::delete("rf", d) }),
        0
    );
    assert!(spdk_bdev_raid::info("rf").is_none());

    // ---- concat: 40 + 24 blocks, 4 KiB strips ----
    malloc_create("M5", 44, 512); // cut to 40 (whole strips)
    malloc_create("M6", 24, 512);
    assert_eq!(create(&env, "c0", Level::Concat, 4, &["M5", "M6"]), 0);
    assert_eq!(spdk_bdev_raid::info("c0").unwrap().num_blocks, 64);
    let mut o = Open::new("c0", true).unwrap();
    let data = pattern(64 * BS, 21);
    assert!(write(&env, &o, 0, &data), "concat write");
    assert!(writev(&env, &o, 0, &data, 5000), "concat writev");
    assert_eq!(read(&env, &o, 0, data.len(), false).unwrap(), data);
    let mut m5 = Open::new("M5", false).unwrap();
    let mut m6 = Open::new("M6", false).unwrap();
    assert_eq!(
        read(&env, &m5, 0, 40 * BS, false).unwrap(),
        data[..40 * BS].to_vec()
    );
    assert_eq!(
        read(&env, &m6, 0, 24 * BS, false).unwrap(),
        data[40 * BS..].to_vec()
    );
    // Unmap across the two bases.
    let (ok, _) = run_io(&env, 0, |cb, arg| unsafe {
        spdk_bdev_unmap_blocks(o.desc, o.ch, 36, 8, cb, arg)
    })
    .unwrap();
    assert!(ok);
    assert!(read(&env, &m5, 36, 4 * BS, false)
        .unwrap()
        .iter()
        .all(|x| *x == 0));
    assert!(read(&env, &m6, 0, 4 * BS, false)
        .unwrap()
        .iter()
        .all(|x| *x == 0));
    m5.close();
    m6.close();
    o.close();

    env.finish();
}
