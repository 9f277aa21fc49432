//! Life of raid bdevs: configuring until the last base bdev registers,
//! creation errors as SPDK returns them, hot remove of a base (raid0 goes
//! offline, raid1 goes on degraded), removing a base with I/O in flight,
//! deletion, what bdev_get_bdevs and save_config show, and shutdown with
//! raid bdevs left.

mod common;

use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::Ordering;

use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_thread::ffi::thread::*;
use common::*;
use serde_json::json;
use spdk_bdev_raid::{Level, State};

const BS: usize = 512;

fn raid_module() -> *mut spdk_bdev_module {
    unsafe { spdk_bdev_module_list_find(c"raid".as_ptr()) }
}

#[test]
fn raid_lifecycle() {
    let env = setup(spdk_bdev_raid::register);
    let m = raid_module();
    assert!(!m.is_null());

    // ---- configuring until the last base appears ----
    malloc_create("A0", 64, 512);
    assert_eq!(create(&env, "late", Level::Raid0, 8, &["A0", "A1"]), 0);
    let info = spdk_bdev_raid::info("late").unwrap();
    assert_eq!(info.state, State::Configuring);
    assert_eq!(info.num_discovered, 1);
    assert_eq!(info.num_blocks, 0);
    assert!(bdev("late").is_null(), "not registered while configuring");
    assert_eq!(claimed_by(bdev("A0")), m);
    malloc_create("A1", 64, 512);
    env.poll();
    let info = spdk_bdev_raid::info("late").unwrap();
    assert_eq!(info.state, State::Online, "examine attached A1");
    assert_eq!(info.num_discovered, 2);
    assert_eq!(info.num_blocks, 128);
    assert_eq!(claimed_by(bdev("A1")), m);
    let late = bdev("late");
    assert!(!late.is_null());

    // What bdev_get_bdevs shows.
    let d = dump(late);
    assert_eq!(d["product_name"], "Raid Volume");
    assert_eq!(d["num_blocks"], 128);
    assert_eq!(d["supported_io_types"]["unmap"], true);
    assert_eq!(d["supported_io_types"]["write_zeroes"], false);
    let r = &d["driver_specific"]["raid"];
    assert_eq!(r["uuid"], d["uuid"]);
    assert_eq!(r["strip_size_kb"], 8);
    assert_eq!(r["state"], "online");
    assert_eq!(r["raid_level"], "raid0");
    assert_eq!(r["superblock"], false);
    assert_eq!(r["num_base_bdevs"], 2);
    assert_eq!(r["num_base_bdevs_discovered"], 2);
    assert_eq!(r["num_base_bdevs_operational"], 2);
    let list = r["base_bdevs_list"].as_array().unwrap();
    assert_eq!(list[1]["name"], "A1");
    assert_eq!(list[1]["is_configured"], true);
    assert_eq!(list[1]["data_offset"], 0);
    assert_eq!(list[1]["data_size"], 64);
    // What save_config writes for it, and for the module.
    let c = json_of(|w| unsafe { ((*(*late).fn_table).write_config_json.unwrap())(late, w) });
    assert_eq!(
        c,
        json!({"method": "bdev_raid_create", "params": {"name": "late", "uuid": d["uuid"],
            "strip_size_kb": 8, "raid_level": "raid0", "base_bdevs": ["A0", "A1"]}})
    );
    assert_eq!(
        module_config(m),
        json!([{"method": "bdev_raid_set_options",
            "params": {"process_window_size_kb": 1024, "process_max_bandwidth_mb_sec": 0}}])
    );

    // ---- creation errors ----
    malloc_create("B0", 64, 512);
    malloc_create("B1", 64, 512);
    let e = |name: &str, level, strip, bases: &[&str]| create(&env, name, level, strip, bases);
    assert_eq!(
        e("x", Level::Raid0, 3, &["B0", "B1"]),
        -libc::EINVAL,
        "strip not a power of two"
    );
    assert_eq!(
        e("x", Level::Raid0, 0, &["B0", "B1"]),
        -libc::EINVAL,
        "raid0 needs a strip"
    );
    assert_eq!(
        e("x", Level::Raid1, 64, &["B0", "B1"]),
        -libc::EINVAL,
        "raid1 has no strip"
    );
    assert_eq!(
        e("x", Level::Raid1, 0, &["B0"]),
        -libc::EINVAL,
        "raid1 needs two"
    );
    assert_eq!(
        e("x", Level::Raid5f, 64, &["B0", "B1", "B2"]),
        -libc::EINVAL,
        "no raid5f"
    );
    assert_eq!(
        e("x", Level::Raid0, 64, &["B0", ""]),
        -libc::EINVAL,
        "empty name"
    );
    assert_eq!(
        e("late", Level::Raid0, 64, &["B0"]),
        -libc::EEXIST,
        "raid name taken"
    );
    assert_eq!(
        e(&"n".repeat(64), Level::Raid0, 64, &["B0"]),
        -libc::EINVAL,
        "name too long"
    );
    let mut sb = opts("x", Level::Raid1, 0, &["B0", "B1"]);
    sb.superblock = true;
    assert_eq!(create_o(&env, &sb), -libc::EOPNOTSUPP);
    // A base claimed by another raid bdev: the new one is gone again and
    // the bases it took are released.
    assert_eq!(e("x", Level::Raid0, 64, &["B0", "A0"]), -libc::EPERM);
    assert!(spdk_bdev_raid::info("x").is_none());
    assert!(claimed_by(bdev("B0")).is_null());
    // Block sizes differ.
    malloc_create("C4k", 16, 4096);
    assert_eq!(e("x", Level::Raid1, 0, &["B0", "C4k"]), -libc::EINVAL);
    assert!(claimed_by(bdev("B0")).is_null());
    // A strip smaller than a block.
    assert_eq!(e("x", Level::Concat, 2, &["C4k"]), -libc::EINVAL);
    assert!(claimed_by(bdev("C4k")).is_null());
    // The raid name is a bdev name already: registration fails.
    assert_eq!(e("A0", Level::Raid1, 0, &["B0", "B1"]), -libc::EEXIST);
    assert!(spdk_bdev_raid::info("A0").is_none());
    assert!(claimed_by(bdev("B1")).is_null());
    assert_eq!(delete(&env, "nope"), -libc::ENODEV);

    // ---- raid0 loses a base: offline ----
    let mut o = Open::new("late", true).unwrap();
    REMOVED.store(0, Ordering::SeqCst);
    assert_eq!(malloc_delete(&env, "A1"), 0);
    assert_eq!(
        REMOVED.load(Ordering::SeqCst),
        1,
        "the raid bdev's users were told"
    );
    env.poll_until(|| bdev("late").is_null());
    let info = spdk_bdev_raid::info("late").unwrap();
    assert_eq!(info.state, State::Offline);
    assert_eq!(info.num_discovered, 1);
    assert_eq!(
        claimed_by(bdev("A0")),
        m,
        "the other base stays claimed (as SPDK)"
    );
    o.close();
    assert_eq!(delete(&env, "late"), 0);
    assert!(spdk_bdev_raid::info("late").is_none());
    assert!(claimed_by(bdev("A0")).is_null());

    // ---- raid1 loses a base: degraded, then offline ----
    assert_eq!(create(&env, "m", Level::Raid1, 0, &["B0", "B1"]), 0);
    let mut o = Open::new("m", true).unwrap();
    let data = pattern(64 * BS, 5);
    assert!(write(&env, &o, 0, &data));
    assert_eq!(malloc_delete(&env, "B1"), 0);
    let info = spdk_bdev_raid::info("m").unwrap();
    assert_eq!(info.state, State::Online);
    assert_eq!(info.num_operational, 1);
    assert_eq!(info.num_discovered, 1);
    assert_eq!(info.bases[1].name, None);
    assert_eq!(read(&env, &o, 0, data.len(), false).unwrap(), data);
    assert!(write(&env, &o, 0, &data));
    let mb = bdev("m");
    let c = json_of(|w| unsafe { ((*(*mb).fn_table).write_config_json.unwrap())(mb, w) });
    assert_eq!(
        c["params"]["base_bdevs"],
        json!(["B0", "removed_base_bdev_1"])
    );
    assert_eq!(
        dump(mb)["driver_specific"]["raid"]["base_bdevs_list"][1]["name"],
        json!(null)
    );
    REMOVED.store(0, Ordering::SeqCst);
    assert_eq!(malloc_delete(&env, "B0"), 0);
    env.poll_until(|| bdev("m").is_null());
    assert_eq!(REMOVED.load(Ordering::SeqCst), 1);
    assert_eq!(spdk_bdev_raid::info("m").unwrap().state, State::Offline);
    o.close();
    assert_eq!(delete(&env, "m"), 0);

    // ---- removing a mirror with writes in flight on two threads ----
    malloc_create("N0", 64, 512);
    malloc_create("N1", 64, 512);
    assert_eq!(create(&env, "m2", Level::Raid1, 0, &["N0", "N1"]), 0);
    let mut o = Open::new("m2", true).unwrap();
    let t2 = unsafe { spdk_thread_create(c"second".as_ptr(), ptr::null()) };
    assert!(!t2.is_null());
    spdk_set_thread(t2);
    let mut o2 = Open::new("m2", true).unwrap();
    spdk_set_thread(env.t);
    let mut buf = pattern(8 * BS, 9);
    let p = buf.as_mut_ptr().cast::<c_void>();
    let before = completed();
    for i in 0..8u64 {
        let (oo, t) = if i % 2 == 0 { (&o, env.t) } else { (&o2, t2) };
        unsafe {
            spdk_set_thread(t);
            let rc = spdk_bdev_write_blocks(oo.desc, oo.ch, p, i * 8, 8, IO_DONE, ptr::null_mut());
            spdk_set_thread(env.t);
            assert_eq!(rc, 0);
        }
    }
    let removed = std::rc::Rc::new(std::cell::Cell::new(i64::MIN));
    let r2 = removed.clone();
    unsafe {
        spdk_bdev_raid::remove_base_bdev("N0", move |rc| r2.set(rc as i64)).unwrap();
    }
    assert_eq!(
        unsafe { spdk_bdev_raid::remove_base_bdev("N0", |_| {}) },
        Err(-libc::ENODEV),
        "already being removed"
    );
    env.poll_until(|| {
        unsafe { spdk_thread_poll(t2, 0, 0) };
        removed.get() != i64::MIN && completed() == before + 8
    });
    assert_eq!(removed.get(), 0);
    assert_eq!(succeeded(), completed());
    assert!(claimed_by(bdev("N0")).is_null());
    assert_eq!(spdk_bdev_raid::info("m2").unwrap().num_operational, 1);
    // Both threads' channels go on with the remaining mirror.
    unsafe {
        spdk_set_thread(t2);
        let rc = spdk_bdev_write_blocks(o2.desc, o2.ch, p, 0, 8, IO_DONE, ptr::null_mut());
        spdk_set_thread(env.t);
        assert_eq!(rc, 0);
    }
    env.poll_until(|| {
        unsafe { spdk_thread_poll(t2, 0, 0) };
        completed() == before + 9
    });
    assert_eq!(succeeded(), completed());
    spdk_set_thread(t2);
    o2.close();
    spdk_set_thread(env.t);
    // The second thread ends once its channels are released.
    unsafe { assert_eq!(spdk_thread_exit(t2), 0) };
    env.poll_until(|| unsafe {
        spdk_thread_poll(t2, 0, 0);
        spdk_thread_is_exited(t2)
    });
    unsafe { spdk_thread_destroy(t2) };
    let mut n1 = Open::new("N1", false).unwrap();
    for i in 0..8 {
        assert_eq!(read(&env, &n1, i * 8, 8 * BS, false).unwrap(), buf);
    }
    n1.close();
    // Deleting an online raid bdev releases its bases.
    o.close();
    assert_eq!(delete(&env, "m2"), 0);
    assert!(bdev("m2").is_null());
    assert!(claimed_by(bdev("N1")).is_null());

    // ---- shutdown with an online and a configuring raid bdev ----
    assert_eq!(create(&env, "keep", Level::Concat, 4, &["N0", "N1"]), 0);
    malloc_create("W0", 16, 512);
    assert_eq!(create(&env, "wait", Level::Raid1, 0, &["W0", "Z9"]), 0);
    assert_eq!(
        spdk_bdev_raid::info("wait").unwrap().state,
        State::Configuring
    );
    env.finish();
}
