//! The aio module end to end on one SPDK thread: bdevs on temporary files
//! (and on a loop device when one can be attached), data written then read
//! back and compared (also from the file itself), readv/writev, buffers
//! that miss the alignment (bounced by the library), flush,
//! reset, unmap/write_zeroes through fallocate, read-only bdevs, more I/O
//! in flight than one AIO context holds, SPDK's errors for bad input, no
//! allocation per I/O, delete and library fini.

use std::ptr;

use ::spdk_bdev::core;
use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::*;
use spdk_bdev_aio::AioOpts;
use spdk_bdev_testkit::file::*;
use spdk_bdev_testkit::{delete_sync, one, start, Env, Open, IO_DONE};

#[global_allocator]
static GLOBAL: spdk_util::alloc_count::CountingAlloc = spdk_util::alloc_count::CountingAlloc;

fn tmp(tag: &str, len: u64) -> TmpFile {
    TmpFile::new("spdk-aio", tag, len)
}

fn opts(name: &str, file: &str, bs: u32) -> AioOpts {
    AioOpts {
        name: name.into(),
        filename: file.into(),
        block_size: bs,
        ..Default::default()
    }
}

fn delete(env: &Env, name: &str) {
    let rc = delete_sync(env, |cb, arg| unsafe {
        spdk_bdev_aio::delete(name.as_bytes(), cb, arg).unwrap()
    });
    assert_eq!(rc, 0);
}

fn bad_input(dir: &TmpFile) {
    let p = dir.path();
    let e = |o: AioOpts| spdk_bdev_aio::create(&o).err();
    assert_eq!(e(opts("x", "/nonexistent/file", 512)), Some(-libc::ENOENT));
    assert_eq!(
        e(opts("x", &p, 0)),
        Some(-libc::EINVAL),
        "no block size for a file"
    );
    assert_eq!(e(opts("x", &p, 256)), Some(-libc::EINVAL), "below 512");
    assert_eq!(
        e(opts("x", &p, 1536)),
        Some(-libc::EINVAL),
        "not a power of 2"
    );
    assert_eq!(e(opts("x\0y", &p, 512)), Some(-libc::EINVAL));
    let mut o = opts("x", &p, 512);
    o.nowait = true;
    assert_eq!(e(o), Some(-libc::ENOTSUP), "nowait on a regular file");
    let odd = tmp("odd", 1024 * 1024 + 100);
    assert_eq!(e(opts("x", &odd.path(), 512)), Some(-libc::EINVAL), "size");
    // SAFETY: a lookup by name.
    assert!(unsafe { core::find(b"x") }.is_null());
}

#[test]
fn aio_bdev_end_to_end() {
    let env = start(c"aio_test", &|| {
        spdk_bdev_aio::register();
        spdk_bdev_aio::register();
    });
    unsafe {
        assert!(!spdk_bdev_module_list_find(c"aio".as_ptr()).is_null());
        let cb = IO_DONE;
        let nul = ptr::null_mut();

        let f0 = tmp("0", 4 * 1024 * 1024);
        bad_input(&f0);

        // A 512-byte block bdev on a file.
        let b = spdk_bdev_aio::create(&opts("aio0", &f0.path(), 512)).expect("aio0");
        assert_eq!(
            spdk_bdev_aio::create(&opts("aio0", &f0.path(), 512)).err(),
            Some(-libc::EEXIST)
        );
        assert_eq!(spdk_bdev_get_block_size(b), 512);
        assert_eq!(spdk_bdev_get_num_blocks(b), 8192);
        assert_eq!(spdk_bdev_get_buf_align(b), 512);
        assert_eq!(
            std::ffi::CStr::from_ptr(spdk_bdev_get_product_name(b)).to_bytes(),
            b"AIO disk"
        );
        assert!(spdk_bdev_io_type_supported(b, IoTypeArg(4)), "flush");
        assert!(spdk_bdev_io_type_supported(b, IoTypeArg(5)), "reset");
        assert!(
            !spdk_bdev_io_type_supported(b, IoTypeArg(3)),
            "unmap without fallocate"
        );
        assert!(!spdk_bdev_io_type_supported(b, IoTypeArg(9)));
        let mut o = Open::new("aio0", true).unwrap();
        let (d, ch) = (o.desc, o.ch);
        data_round_trip(&env, &o, 512, Some(&f0), true);
        misaligned(&env, &o, 512);
        assert_eq!(
            spdk_bdev_write_zeroes_blocks(d, ch, 0, 1, cb, nul),
            -libc::ENOTSUP
        );
        assert!(one(&env, || spdk_bdev_reset(d, ch, cb, nul)));

        // A read without a buffer gets one from the library.
        read_without_buf(&env, &o);

        // More I/O than one AIO context holds (128): the rest is retried.
        write_burst(&env, &o, &f0, 300, 4096);

        // Steady-state I/O allocates nothing.
        let allocs = read_allocations(&env, &o, 200);
        assert_eq!(allocs, 0, "allocations on the I/O path");

        close(&env, &mut o);
        delete(&env, "aio0");
        assert!(core::find(b"aio0").is_null());
        assert_eq!(
            spdk_bdev_aio::delete(b"aio0", None, nul).err(),
            Some(-libc::ENODEV)
        );

        // fallocate: unmap and write_zeroes, 4 KiB blocks.
        let mut opt = opts("aio1", &f0.path(), 4096);
        opt.fallocate = true;
        let b1 = spdk_bdev_aio::create(&opt).expect("aio1");
        assert_eq!(spdk_bdev_get_num_blocks(b1), 1024);
        assert!(spdk_bdev_io_type_supported(b1, IoTypeArg(3)));
        assert!(spdk_bdev_io_type_supported(b1, IoTypeArg(9)));
        let mut o = Open::new("aio1", true).unwrap();
        let (d1, ch1) = (o.desc, o.ch);
        data_round_trip(&env, &o, 4096, Some(&f0), true);
        misaligned(&env, &o, 4096);
        let rb = Buf::new(8 * 4096, 0xff);
        assert!(one(&env, || spdk_bdev_write_zeroes_blocks(
            d1, ch1, 16, 4, cb, nul
        )));
        assert!(one(&env, || spdk_bdev_unmap_blocks(
            d1, ch1, 20, 4, cb, nul
        )));
        assert!(one(&env, || spdk_bdev_read_blocks(
            d1,
            ch1,
            rb.ptr(),
            16,
            8,
            cb,
            nul
        )));
        assert!(rb.slice().iter().all(|&x| x == 0), "zeroed and unmapped");
        close(&env, &mut o);
        delete(&env, "aio1");

        // Read-only: reads work, writes fail.
        let mut opt = opts("aio_ro", &f0.path(), 512);
        opt.readonly = true;
        spdk_bdev_aio::create(&opt).expect("aio_ro");
        let mut o = Open::new("aio_ro", true).unwrap();
        let (d2, ch2) = (o.desc, o.ch);
        let rb = Buf::new(4096, 0);
        assert!(one(&env, || spdk_bdev_read_blocks(
            d2,
            ch2,
            rb.ptr(),
            0,
            8,
            cb,
            nul
        )));
        assert!(!one(&env, || spdk_bdev_write_blocks(
            d2,
            ch2,
            rb.ptr(),
            0,
            8,
            cb,
            nul
        )));
        close(&env, &mut o);

        // A loop device, when this machine lets us attach one.
        if let Some(dev) = LoopDev::attach(&f0) {
            let b3 = spdk_bdev_aio::create(&opts("aio_loop", &dev.0, 0)).expect("aio on loop");
            assert_eq!(spdk_bdev_get_block_size(b3), 512, "detected block size");
            assert_eq!(spdk_bdev_get_num_blocks(b3), 8192);
            let mut opt = opts("aio_loop_nw", &dev.0, 4096);
            opt.nowait = true;
            spdk_bdev_aio::create(&opt).expect("nowait on a block device");
            delete(&env, "aio_loop_nw");
            let mut o = Open::new("aio_loop", true).unwrap();
            data_round_trip(&env, &o, 512, None, true);
            misaligned(&env, &o, 512);
            close(&env, &mut o);
            delete(&env, "aio_loop");
        } else {
            eprintln!("no loop device here: loop device part skipped");
        }
    }

    // The bdevs left are unregistered by the library's fini.
    env.finish();
    // SAFETY: a lookup by name.
    assert!(unsafe { core::find(b"aio_ro") }.is_null());
}
