//! The uring module end to end on one SPDK thread: bdevs on temporary
//! files (and on a loop device when one can be attached), data written
//! then read back and compared (also from the file itself), readv/writev,
//! misaligned buffers (bounced by the library),
//! reads without a buffer, more I/O than a ring holds, SPDK's errors for
//! bad input, no allocation per I/O, delete and library fini; and a
//! thread where io_uring is forbidden (seccomp) gets an error, not a crash.

use std::ptr;

use ::spdk_bdev::core;
use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::*;
use spdk_bdev_testkit::file::*;
use spdk_bdev_testkit::{delete_sync, one, start, Env, Open, IO_DONE};
use spdk_bdev_uring::UringOpts;

#[global_allocator]
static GLOBAL: spdk_util::alloc_count::CountingAlloc = spdk_util::alloc_count::CountingAlloc;

fn tmp(tag: &str, len: u64) -> TmpFile {
    TmpFile::new("spdk-uring", tag, len)
}

fn opts(name: &str, file: &str, bs: u32) -> UringOpts {
    UringOpts {
        name: name.into(),
        filename: file.into(),
        block_size: bs,
        uuid: None,
    }
}

fn delete(env: &Env, name: &str) {
    let rc = delete_sync(env, |cb, arg| unsafe {
        spdk_bdev_uring::delete(name.as_bytes(), cb, arg).unwrap()
    });
    assert_eq!(rc, 0);
}

#[test]
fn uring_bdev_end_to_end() {
    let env = start(c"uring_test", &|| {
        spdk_bdev_uring::register();
        spdk_bdev_uring::register();
    });
    unsafe {
        assert!(!spdk_bdev_module_list_find(c"uring".as_ptr()).is_null());
        let cb = IO_DONE;
        let nul = ptr::null_mut();

        let f0 = tmp("0", 4 * 1024 * 1024);
        let p = f0.path();
        let e = |o: UringOpts| spdk_bdev_uring::create(&o).err();
        assert_eq!(e(opts("x", "/nonexistent/file", 512)), Some(-libc::ENOENT));
        assert_eq!(
            e(opts("x", &p, 0)),
            Some(-libc::EINVAL),
            "no block size for a file"
        );
        assert_eq!(e(opts("x", &p, 256)), Some(-libc::EINVAL));
        assert_eq!(e(opts("x", &p, 3072)), Some(-libc::EINVAL));
        let odd = tmp("odd", 4096 * 3 + 512);
        assert_eq!(e(opts("x", &odd.path(), 4096)), Some(-libc::EINVAL));
        assert!(core::find(b"x").is_null());

        let b = spdk_bdev_uring::create(&opts("uring0", &p, 512)).expect("uring0");
        assert_eq!(
            spdk_bdev_uring::create(&opts("uring0", &p, 512)).err(),
            Some(-libc::EEXIST)
        );
        assert_eq!(spdk_bdev_get_block_size(b), 512);
        assert_eq!(spdk_bdev_get_num_blocks(b), 8192);
        assert_eq!(
            std::ffi::CStr::from_ptr(spdk_bdev_get_product_name(b)).to_bytes(),
            b"URING bdev"
        );
        for (ty, want) in [
            (1, true),
            (2, true),
            (3, false),
            (4, false),
            (5, false),
            (9, false),
        ] {
            assert_eq!(
                spdk_bdev_io_type_supported(b, IoTypeArg(ty)),
                want,
                "type {ty}"
            );
        }
        let mut o = Open::new("uring0", true).unwrap();
        let (d, ch) = (o.desc, o.ch);
        data_round_trip(&env, &o, 512, Some(&f0), false);
        misaligned(&env, &o, 512);
        assert_eq!(
            spdk_bdev_write_zeroes_blocks(d, ch, 0, 1, cb, nul),
            -libc::ENOTSUP
        );
        assert!(!one(&env, || spdk_bdev_flush_blocks(d, ch, 0, 1, cb, nul)));

        // A read without a buffer gets one from the library.
        read_without_buf(&env, &o);

        // More I/O than the ring holds (512): the rest is retried.
        write_burst(&env, &o, &f0, 700, 2048);

        // Steady-state I/O allocates nothing.
        let allocs = read_allocations(&env, &o, 200);
        assert_eq!(allocs, 0, "allocations on the I/O path");
        close(&env, &mut o);
        delete(&env, "uring0");
        assert!(core::find(b"uring0").is_null());
        assert_eq!(
            spdk_bdev_uring::delete(b"uring0", None, nul).err(),
            Some(-libc::ENODEV)
        );

        // 4 KiB blocks.
        spdk_bdev_uring::create(&opts("uring1", &p, 4096)).expect("uring1");
        let mut o = Open::new("uring1", true).unwrap();
        data_round_trip(&env, &o, 4096, Some(&f0), false);
        misaligned(&env, &o, 4096);
        close(&env, &mut o);

        if let Some(dev) = LoopDev::attach(&f0) {
            let b = spdk_bdev_uring::create(&opts("uring_loop", &dev.0, 0)).expect("loop");
            assert_eq!(spdk_bdev_get_block_size(b), 512, "detected block size");
            assert_eq!(spdk_bdev_get_num_blocks(b), 8192);
            let mut o = Open::new("uring_loop", true).unwrap();
            data_round_trip(&env, &o, 512, None, false);
            misaligned(&env, &o, 512);
            close(&env, &mut o);
            delete(&env, "uring_loop");
        } else {
            eprintln!("no loop device here: loop device part skipped");
        }
    }

    env.finish();
    // SAFETY: a lookup by name.
    assert!(unsafe { core::find(b"uring1") }.is_null());
}

/// With io_uring_setup forbidden on this thread (a seccomp filter, as a
/// container runtime would install), creation fails with that errno.
#[test]
fn uring_unavailable_is_an_error() {
    let f = tmp("noring", 1024 * 1024);
    const LD_W_ABS: u16 = 0x20;
    const JEQ_K: u16 = 0x15;
    const RET_K: u16 = 0x06;
    let prog = [
        libc::sock_filter {
            code: LD_W_ABS,
            jt: 0,
            jf: 0,
            k: 0, // seccomp_data.nr
        },
        libc::sock_filter {
            code: JEQ_K,
            jt: 0,
            jf: 1,
            k: libc::SYS_io_uring_setup as u32,
        },
        libc::sock_filter {
            code: RET_K,
            jt: 0,
            jf: 0,
            k: libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32,
        },
        libc::sock_filter {
            code: RET_K,
            jt: 0,
            jf: 0,
            k: libc::SECCOMP_RET_ALLOW,
        },
    ];
    let fprog = libc::sock_fprog {
        len: prog.len() as u16,
        filter: prog.as_ptr() as *mut libc::sock_filter,
    };
    // SAFETY: the filter applies to this test's thread only (no TSYNC).
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
        assert_eq!(
            libc::prctl(
                libc::PR_SET_SECCOMP,
                libc::SECCOMP_MODE_FILTER,
                &fprog as *const libc::sock_fprog
            ),
            0
        );
    }
    assert_eq!(
        spdk_bdev_uring::create(&opts("noring", &f.path(), 512)).err(),
        Some(-libc::ENOSYS)
    );
}
