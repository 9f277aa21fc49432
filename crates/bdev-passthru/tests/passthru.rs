//! The passthru module end to end on one SPDK thread, over malloc bases:
//! deferred creation (examine), data through the passthru bdev, the
//! claim on the base, errors, JSON output, delete, hot remove of the base
//! (and the bdev coming back with it), and an I/O path that allocates
//! nothing.

use std::ptr;
use std::sync::atomic::Ordering;

use ::spdk_bdev::ffi::bdev::*;
use spdk_bdev_passthru as pt;
use spdk_bdev_testkit::*;

#[global_allocator]
static GLOBAL: spdk_util::alloc_count::CountingAlloc = spdk_util::alloc_count::CountingAlloc;

#[test]
fn passthru_end_to_end() {
    let env = setup(pt::register);
    unsafe {
        // Configured before its base exists: created when the base registers.
        pt::create("Mal0", "pt0", None).expect("deferred create");
        assert!(bdev("pt0").is_null());
        assert_eq!(pt::base_of("pt0").as_deref(), Some("Mal0"));
        let base = malloc_create("Mal0", 256, 512);
        let b = bdev("pt0");
        assert!(!b.is_null(), "created on examine");
        assert_eq!((*b).blockcnt, 256);
        assert_eq!((*b).blocklen, 512);
        assert_eq!(claimed_by(base), pt::module());
        // The UUID derives from the base's, as SPDK's.
        let ns = spdk_util::uuid::parse(b"7e25812e-c8c0-4d3f-8599-16d790555b85").unwrap();
        assert_eq!(
            (*b).uuid.u.raw,
            spdk_util::uuid::generate_sha1(&ns, &(*base).uuid.u.raw)
        );

        // The claim: nobody else writes the base; reading is fine.
        assert_eq!(Open::new("Mal0", true).err(), Some(-libc::EPERM));
        let mut base_ro = Open::new("Mal0", false).expect("base read-only");

        // Data written through pt0 lands on the base, and reads back.
        let mut o = Open::new("pt0", true).expect("open pt0");
        let data = pattern(4 * 512, 7);
        assert!(write(&env, &o, 10, &data));
        assert_eq!(read(&env, &base_ro, 10, data.len(), false).unwrap(), data);
        assert_eq!(read(&env, &o, 10, data.len(), false).unwrap(), data);
        assert_eq!(
            read(&env, &o, 10, data.len(), true).unwrap(),
            data,
            "no buffer"
        );
        let zeroes = run_io(&env, 0, |cb, arg| {
            spdk_bdev_write_zeroes_blocks(o.desc, o.ch, 11, 1, cb, arg)
        });
        assert_eq!(zeroes, Ok((true, vec![])));
        let got = read(&env, &base_ro, 10, data.len(), false).unwrap();
        assert_eq!(&got[..512], &data[..512]);
        assert!(got[512..1024].iter().all(|&x| x == 0));
        assert_eq!(&got[1024..], &data[1024..]);
        for f in [spdk_bdev_unmap_blocks, spdk_bdev_flush_blocks] {
            let r = run_io(&env, 0, |cb, arg| f(o.desc, o.ch, 0, 1, cb, arg));
            assert_eq!(r, Ok((true, vec![])));
        }
        let r = run_io(&env, 0, |cb, arg| spdk_bdev_reset(o.desc, o.ch, cb, arg));
        assert_eq!(r, Ok((true, vec![])));
        assert_eq!(
            spdk_bdev_read_blocks(o.desc, o.ch, ptr::null_mut(), 255, 2, None, ptr::null_mut()),
            -libc::EINVAL,
            "past the end"
        );

        // Steady-state I/O through the passthru allocates nothing.
        let mut buf = vec![0u8; 4096];
        let p = buf.as_mut_ptr().cast();
        for _ in 0..3 {
            assert!(write(&env, &o, 0, &data));
        }
        let allocs = io_allocations(&env, &o, p, 50, true, true);
        assert_eq!(allocs, 0, "the passthru I/O path allocated");

        // Errors: a configured name, a claimed base, a name taken by a bdev.
        assert_eq!(pt::create("Mal0", "pt0", None), Err(-libc::EEXIST));
        assert_eq!(pt::create("Mal0", "pt1", None), Err(-libc::EPERM));
        assert_eq!(pt::base_of("pt1"), None, "failed config not kept");
        malloc_create("Mal1", 64, 4096);
        assert_eq!(pt::create("Mal1", "Mal0", None), Err(-libc::EEXIST));
        assert!(claimed_by(bdev("Mal1")).is_null(), "claim released");

        // What bdev_get_bdevs and save_config show.
        let info = dump(b);
        assert_eq!(info["product_name"], "passthru");
        assert_eq!(info["driver_specific"]["passthru"]["name"], "pt0");
        assert_eq!(
            info["driver_specific"]["passthru"]["base_bdev_name"],
            "Mal0"
        );
        assert_eq!(dump(base)["claimed"], true);
        let cfg = module_config(pt::module());
        assert_eq!(cfg[0]["method"], "bdev_passthru_create");
        assert_eq!(cfg[0]["params"]["base_bdev_name"], "Mal0");
        assert_eq!(cfg[0]["params"]["name"], "pt0");
        assert_eq!(cfg[0]["params"]["uuid"], info["uuid"]);
        assert_eq!(cfg.as_array().unwrap().len(), 1);

        // Delete with our descriptor open: we get the remove event.
        let removed = REMOVED.load(Ordering::SeqCst);
        let rc = delete_sync(&env, |cb, arg| pt::delete("pt0", cb, arg));
        assert_eq!(rc, 0);
        assert_eq!(REMOVED.load(Ordering::SeqCst), removed + 1);
        assert!(o.desc.is_null(), "closed by the event");
        assert!(bdev("pt0").is_null());
        assert_eq!(pt::base_of("pt0"), None);
        env.poll();
        assert!(claimed_by(base).is_null());
        Open::new("Mal0", true)
            .expect("base writable again")
            .close();
        assert_eq!(
            delete_sync(&env, |cb, arg| pt::delete("pt0", cb, arg)),
            -libc::ENODEV as i64
        );
        // A user UUID is kept.
        let u = spdk_util::uuid::parse(b"0f6d2f4a-3c7b-4e3a-9d1e-123456789abc").unwrap();
        pt::create("Mal0", "pt2", Some(u)).expect("create pt2");
        assert_eq!((*bdev("pt2")).uuid.u.raw, u);

        // Hot remove of the base unregisters the passthru bdev.
        let mut o2 = Open::new("pt2", false).expect("open pt2");
        base_ro.close();
        assert_eq!(malloc_delete(&env, "Mal0"), 0);
        assert!(o2.desc.is_null(), "remove event reached pt2's user");
        assert!(bdev("pt2").is_null());
        assert!(bdev("Mal0").is_null());
        // The configuration stays: pt2 comes back with its base.
        assert_eq!(pt::base_of("pt2").as_deref(), Some("Mal0"));
        malloc_create("Mal0", 128, 512);
        let b2 = bdev("pt2");
        assert!(!b2.is_null());
        assert_eq!((*b2).blockcnt, 128);
        o2.close();

        // Aborts go down to a base that can abort (null): the passthru
        // read is found on the base by its callback argument, and its
        // aborted status comes back up.
        let nopts = ::spdk_bdev::null::NullOpts {
            name: "Null0".into(),
            num_blocks: 64,
            block_size: 512,
            ..Default::default()
        };
        ::spdk_bdev::null::create(&nopts).expect("null base");
        pt::create("Null0", "ptn", None).expect("passthru on null");
        assert!(
            spdk_bdev_io_type_supported(bdev("ptn"), IoTypeArg(16)),
            "abort forwarded"
        );
        assert!(
            !spdk_bdev_io_type_supported(bdev("ptn"), IoTypeArg(7)),
            "null has no NVMe I/O"
        );
        let mut on = Open::new("ptn", true).expect("open ptn");
        let mut rd = Box::new(Cpl {
            done: false,
            ok: true,
            out: vec![],
        });
        let mut rbuf = vec![0u8; 512];
        let rarg: *mut std::ffi::c_void = (&mut *rd as *mut Cpl).cast();
        let rc = spdk_bdev_read_blocks(
            on.desc,
            on.ch,
            rbuf.as_mut_ptr().cast(),
            0,
            1,
            Some(cpl_cb),
            rarg,
        );
        assert_eq!(rc, 0);
        let ab = run_io(&env, 0, |cb, arg| {
            spdk_bdev_abort(on.desc, on.ch, rarg, cb, arg)
        });
        assert_eq!(ab, Ok((true, vec![])), "abort succeeded");
        env.poll_until(|| rd.done);
        assert!(!rd.ok, "the read ended aborted");
        on.close();
        assert_eq!(delete_sync(&env, |cb, arg| pt::delete("ptn", cb, arg)), 0);
        assert_eq!(
            delete_sync(&env, |cb, arg| {
                ::spdk_bdev::null::delete(b"Null0", cb, arg).expect("delete Null0")
            }),
            0
        );

        assert_eq!(delete_sync(&env, |cb, arg| pt::delete("pt2", cb, arg)), 0);
        assert_eq!(malloc_delete(&env, "Mal0"), 0);
        assert_eq!(malloc_delete(&env, "Mal1"), 0);
        o.close();
    }
    env.finish();
}
