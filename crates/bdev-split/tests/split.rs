//! The split module end to end on one SPDK thread, over malloc bases:
//! deferred creation (examine), data landing at each part's offset, the
//! claim on the base, sizes and clamping, errors, JSON output, delete
//! with a part open, hot remove of the base.

use std::ptr;

use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::spdk_bdev_module_claim_bdev;
use spdk_bdev_split as split;
use spdk_bdev_testkit::*;

fn part_uuid(base: &[u8; 16], offset: u64, num: u64) -> [u8; 16] {
    let mut name = base.to_vec();
    name.extend_from_slice(&offset.to_ne_bytes());
    name.extend_from_slice(&num.to_ne_bytes());
    let ns = spdk_util::uuid::parse(b"976b899e-3e1e-4d71-ab69-c2b08e9df8b8").unwrap();
    spdk_util::uuid::generate_sha1(&ns, &name)
}

#[test]
fn split_end_to_end() {
    let mut env = setup(split::register);
    unsafe {
        // Configured before the base exists: split when it registers.
        assert_eq!(split::create("Mal0", 4, 0), Ok(vec![]));
        assert!(bdev("Mal0p0").is_null());
        let base = malloc_create("Mal0", 1024, 512);
        assert_eq!(
            split::names("Mal0"),
            ["Mal0p0", "Mal0p1", "Mal0p2", "Mal0p3"]
        );
        for i in 0..4 {
            let b = bdev(&format!("Mal0p{i}"));
            assert!(!b.is_null());
            assert_eq!((*b).blockcnt, 256);
            assert_eq!((*b).blocklen, 512);
            assert_eq!(
                (*b).uuid.u.raw,
                part_uuid(&(*base).uuid.u.raw, i * 256, 256)
            );
        }
        assert_eq!(claimed_by(base), split::module());
        assert_eq!(Open::new("Mal0", true).err(), Some(-libc::EPERM));

        // Each part writes at its own offset of the base.
        let base_ro = Open::new("Mal0", false).expect("base read-only");
        let mut parts: Vec<_> = (0..4)
            .map(|i| Open::new(&format!("Mal0p{i}"), true).expect("open part"))
            .collect();
        for (i, o) in parts.iter().enumerate() {
            assert!(write(&env, o, 3, &pattern(1024, i as u8)));
        }
        for (i, o) in parts.iter().enumerate() {
            let want = pattern(1024, i as u8);
            let at = i as u64 * 256 + 3;
            assert_eq!(read(&env, &base_ro, at, 1024, false).unwrap(), want);
            assert_eq!(read(&env, o, 3, 1024, true).unwrap(), want, "no buffer");
        }
        let p1 = &parts[1];
        let r = run_io(&env, 0, |cb, arg| {
            spdk_bdev_write_zeroes_blocks(p1.desc, p1.ch, 3, 1, cb, arg)
        });
        assert_eq!(r, Ok((true, vec![])));
        assert!(read(&env, &base_ro, 259, 512, false)
            .unwrap()
            .iter()
            .all(|&x| x == 0));
        assert_eq!(
            read(&env, &base_ro, 3, 512, false).unwrap(),
            pattern(1024, 0)[..512],
            "neighbour untouched"
        );
        assert_eq!(
            spdk_bdev_read_blocks(
                p1.desc,
                p1.ch,
                ptr::null_mut(),
                255,
                2,
                None,
                ptr::null_mut()
            ),
            -libc::EINVAL,
            "a part ends at its size"
        );

        // A part used from a second thread has its own base channel there.
        let t2 = env.add_thread(c"second");
        let mut o2 = env.on(t2, || Open::new("Mal0p2", true).expect("open on t2"));
        let d2 = pattern(2048, 42);
        assert!(env.on(t2, || write(&env, &o2, 100, &d2)));
        assert!(
            read(&env, &base_ro, 612, 2048, false).unwrap() == d2,
            "at 512 + 100"
        );
        env.on(t2, || o2.close());
        env.poll();

        // Sizes: 1 MiB parts of a 2 MiB base, count clamped to 2.
        malloc_create("Mal3", 4096, 512);
        assert_eq!(
            split::create("Mal3", 5, 1),
            Ok(vec!["Mal3p0".into(), "Mal3p1".into()])
        );
        assert_eq!((*bdev("Mal3p1")).blockcnt, 2048);

        // Errors, none of which keeps a configuration.
        assert_eq!(split::create("Mal0", 2, 0), Err(-libc::EEXIST));
        assert_eq!(split::create("X", 0, 0), Err(-libc::EINVAL));
        malloc_create("Mal1", 1024, 512);
        assert_eq!(
            split::create("Mal1", 2, 1),
            Err(-libc::EINVAL),
            "1 MiB > base"
        );
        assert!(claimed_by(bdev("Mal1")).is_null());
        let mut other = Open::new("Mal1", false).unwrap();
        assert_eq!(
            spdk_bdev_module_claim_bdev(bdev("Mal1"), other.desc, ::spdk_bdev::malloc::module()),
            0
        );
        assert_eq!(
            split::create("Mal1", 2, 0),
            Err(-libc::EPERM),
            "claimed base"
        );
        ::spdk_bdev::ffi::bdev_module::spdk_bdev_module_release_bdev(bdev("Mal1"));
        other.close();

        // What bdev_get_bdevs and save_config show.
        let info = dump(bdev("Mal0p1"));
        assert_eq!(info["product_name"], "Split Disk");
        assert_eq!(info["driver_specific"]["split"]["base_bdev"], "Mal0");
        assert_eq!(info["driver_specific"]["split"]["offset_blocks"], 256);
        let cfg = module_config(split::module());
        assert_eq!(cfg.as_array().unwrap().len(), 2);
        assert_eq!(cfg[0]["method"], "bdev_split_create");
        assert_eq!(
            cfg[0]["params"],
            serde_json::json!({"base_bdev": "Mal0", "split_count": 4, "split_size_mb": 0})
        );
        assert_eq!(
            cfg[1]["params"],
            serde_json::json!({"base_bdev": "Mal3", "split_count": 5, "split_size_mb": 1})
        );

        // Delete while parts are open: their users get remove events.
        assert_eq!(split::delete("Mal0"), Ok(()));
        env.poll_until(|| bdev("Mal0p3").is_null() && bdev("Mal0p0").is_null());
        env.poll();
        assert!(
            parts.iter().all(|o| o.desc.is_null()),
            "closed by the events"
        );
        assert!(claimed_by(base).is_null());
        assert_eq!(split::names("Mal0"), Vec::<String>::new());
        assert_eq!(split::delete("Mal0"), Err(-libc::ENOENT));
        Open::new("Mal0", true).expect("writable again").close();

        // Hot remove of the base takes its parts and configuration.
        assert_eq!(malloc_delete(&env, "Mal3"), 0);
        assert!(bdev("Mal3p0").is_null() && bdev("Mal3p1").is_null());
        assert_eq!(split::delete("Mal3"), Err(-libc::ENOENT));
        assert_eq!(module_config(split::module()), serde_json::json!([]));

        // A configuration whose base never came is just dropped.
        assert_eq!(split::create("Nope", 2, 0), Ok(vec![]));
        assert_eq!(split::delete("Nope"), Ok(()));
        assert_eq!(split::delete("Nope"), Err(-libc::ENOENT));

        for o in parts.iter_mut() {
            o.close();
        }
        let mut base_ro = base_ro;
        base_ro.close();
        assert_eq!(malloc_delete(&env, "Mal0"), 0);
        assert_eq!(malloc_delete(&env, "Mal1"), 0);
    }
    env.finish();
}
