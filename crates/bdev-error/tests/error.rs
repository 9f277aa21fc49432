//! The error injection module end to end on one SPDK thread, over malloc
//! bases: pass-through, each error type (failure, pending until a reset,
//! corrupt data on writes and reads, nomem retried by the bdev layer),
//! counts, queue depth, clear, errors, JSON output, deferred creation,
//! hot remove and delete.

use ::spdk_bdev::ffi::bdev::*;
use spdk_bdev_error as err;
use spdk_bdev_error::{ErrorType, InjectOpts, IoType};
use spdk_bdev_testkit::*;

fn inj(io_type: IoType, error_type: ErrorType, num: u32) -> InjectOpts {
    InjectOpts {
        io_type,
        error_type,
        num,
        queue_depth: 0,
        corrupt_offset: 0,
        corrupt_value: 0,
    }
}

#[test]
fn error_end_to_end() {
    let env = setup(err::register);
    unsafe {
        let base = malloc_create("Mal0", 256, 512);
        err::create("Mal0", None).expect("create");
        let b = bdev("EE_Mal0");
        assert!(!b.is_null());
        assert_eq!((*b).blockcnt, 256);
        assert_eq!(claimed_by(base), err::module());
        let mut name = (*base).uuid.u.raw.to_vec();
        name.extend_from_slice(&0u64.to_ne_bytes());
        name.extend_from_slice(&256u64.to_ne_bytes());
        let ns = spdk_util::uuid::parse(b"976b899e-3e1e-4d71-ab69-c2b08e9df8b8").unwrap();
        assert_eq!((*b).uuid.u.raw, spdk_util::uuid::generate_sha1(&ns, &name));

        let o = Open::new("EE_Mal0", true).expect("open");
        let base_ro = Open::new("Mal0", false).expect("open base");
        let data = pattern(2048, 9);
        assert!(write(&env, &o, 0, &data));
        assert_eq!(read(&env, &base_ro, 0, 2048, false).unwrap(), data);

        // Failures, counted.
        err::inject_error("EE_Mal0", &inj(IoType::Read, ErrorType::Failure, 2)).unwrap();
        assert_eq!(read(&env, &o, 0, 512, false), None);
        assert_eq!(read(&env, &o, 0, 512, true), None);
        assert_eq!(read(&env, &o, 0, 512, false).unwrap(), data[..512]);
        err::inject_error("EE_Mal0", &inj(IoType::Write, ErrorType::Failure, 1)).unwrap();
        assert!(!write(&env, &o, 0, &pattern(512, 1)));
        assert_eq!(
            read(&env, &base_ro, 0, 512, false).unwrap(),
            data[..512],
            "not written"
        );
        err::inject_error("EE_Mal0", &inj(IoType::All, ErrorType::Failure, 5)).unwrap();
        let r = run_io(&env, 0, |cb, arg| {
            spdk_bdev_flush_blocks(o.desc, o.ch, 0, 1, cb, arg)
        });
        assert_eq!(r, Ok((false, vec![])));
        err::inject_error("EE_Mal0", &inj(IoType::Clear, ErrorType::Failure, 0)).unwrap();
        assert!(write(&env, &o, 0, &data));

        // Only at a queue depth: one I/O alone is not affected.
        let mut qd = inj(IoType::Read, ErrorType::Failure, 1);
        qd.queue_depth = 2;
        err::inject_error("EE_Mal0", &qd).unwrap();
        assert!(read(&env, &o, 0, 512, false).is_some());
        err::inject_error("EE_Mal0", &inj(IoType::Clear, ErrorType::Failure, 0)).unwrap();

        // Corrupt data: a write lands altered, a read returns altered data.
        let mut c = inj(IoType::Write, ErrorType::CorruptData, 1);
        c.corrupt_offset = 5;
        c.corrupt_value = 0xff;
        err::inject_error("EE_Mal0", &c).unwrap();
        assert!(write(&env, &o, 0, &data));
        let got = read(&env, &base_ro, 0, 2048, false).unwrap();
        assert_eq!(got[5], data[5] ^ 0xff);
        assert_eq!(got[..5], data[..5]);
        assert!(write(&env, &o, 0, &data), "count used up");
        let mut c = inj(IoType::Read, ErrorType::CorruptData, 1);
        c.corrupt_offset = 600;
        c.corrupt_value = 0x0f;
        err::inject_error("EE_Mal0", &c).unwrap();
        let got = read(&env, &o, 0, 2048, true).unwrap();
        assert_eq!(got[600], data[600] ^ 0x0f);
        assert_eq!(
            read(&env, &base_ro, 0, 2048, false).unwrap(),
            data,
            "base intact"
        );
        c.corrupt_value = 0;
        assert_eq!(err::inject_error("EE_Mal0", &c), Err(-libc::EINVAL));

        // No memory: the bdev layer retries until the count is used up.
        err::inject_error("EE_Mal0", &inj(IoType::Write, ErrorType::Nomem, 3)).unwrap();
        assert!(write(&env, &o, 8, &data));
        assert_eq!(read(&env, &base_ro, 8, 2048, false).unwrap(), data);

        // Pending until a reset aborts it.
        err::inject_error("EE_Mal0", &inj(IoType::Write, ErrorType::Pending, 1)).unwrap();
        let mut buf = data.clone();
        reset_aborts_held_write(&env, &o, buf.as_mut_ptr().cast());

        // Errors.
        let f = inj(IoType::Read, ErrorType::Failure, 1);
        assert_eq!(
            err::inject_error("Mal0", &f),
            Err(-libc::ENODEV),
            "not an error bdev"
        );
        assert_eq!(err::inject_error("nope", &f), Err(-libc::ENODEV));
        assert_eq!(err::create("Mal0", None), Err(-libc::EEXIST));

        // Deferred creation with a UUID.
        let u = spdk_util::uuid::parse(b"0f6d2f4a-3c7b-4e3a-9d1e-123456789abc").unwrap();
        err::create("Mal9", Some(u)).expect("deferred");
        assert!(bdev("EE_Mal9").is_null());
        malloc_create("Mal9", 64, 4096);
        assert_eq!((*bdev("EE_Mal9")).uuid.u.raw, u);

        // JSON.
        let info = dump(b);
        assert_eq!(info["product_name"], "Error Injection Disk");
        assert_eq!(info["driver_specific"]["error_disk"]["base_bdev"], "Mal0");
        assert_eq!(
            module_config(err::module()),
            serde_json::json!([
                {"method": "bdev_error_create", "params": {"base_name": "Mal0"}},
                {"method": "bdev_error_create",
                 "params": {"base_name": "Mal9", "uuid": "0f6d2f4a-3c7b-4e3a-9d1e-123456789abc"}}
            ])
        );

        // Hot remove takes the error bdev and its configuration.
        assert_eq!(malloc_delete(&env, "Mal9"), 0);
        assert!(bdev("EE_Mal9").is_null());
        assert_eq!(module_config(err::module()).as_array().unwrap().len(), 1);

        // Delete.
        let mut o = o;
        o.close();
        assert_eq!(
            delete_sync(&env, |cb, arg| err::delete("EE_Mal0", cb, arg)),
            0
        );
        assert!(bdev("EE_Mal0").is_null());
        assert_eq!(module_config(err::module()), serde_json::json!([]));
        env.poll();
        assert!(claimed_by(base).is_null());
        assert_eq!(
            delete_sync(&env, |cb, arg| err::delete("EE_Mal0", cb, arg)),
            -libc::ENODEV as i64
        );
        let mut base_ro = base_ro;
        base_ro.close();
        assert_eq!(malloc_delete(&env, "Mal0"), 0);
    }
    env.finish();
}
