//! The aio module end to end on one SPDK thread: bdevs on temporary files
//! (and on a loop device when one can be attached), data written then read
//! back and compared (also from the file itself), readv/writev, buffers
//! that miss the alignment (bounced by the library), flush,
//! reset, unmap/write_zeroes through fallocate, read-only bdevs, more I/O
//! in flight than one AIO context holds, SPDK's errors for bad input, no
//! allocation per I/O, delete and library fini.

use std::ffi::{c_int, c_void, CStr};
use std::io::Read;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ::spdk_bdev::core;
use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_thread::ffi::thread::*;
use spdk_bdev_aio::AioOpts;

#[global_allocator]
static GLOBAL: spdk_util::alloc_count::CountingAlloc = spdk_util::alloc_count::CountingAlloc;

static INIT_RC: AtomicI32 = AtomicI32::new(i32::MIN);
static FINI_DONE: AtomicBool = AtomicBool::new(false);
static DONE: AtomicUsize = AtomicUsize::new(0);
static OK: AtomicUsize = AtomicUsize::new(0);
static LAST_AIO: AtomicI32 = AtomicI32::new(0);
static UNREG_RC: AtomicI32 = AtomicI32::new(i32::MIN);

unsafe fn init_done(rc: c_int) {
    INIT_RC.store(rc, Ordering::SeqCst);
}
unsafe fn fini_done(_rc: c_int) {
    FINI_DONE.store(true, Ordering::SeqCst);
}

unsafe extern "C" fn io_done(io: *mut spdk_bdev_io, success: bool, _arg: *mut c_void) {
    let mut rc = 0;
    spdk_bdev_io_get_aio_status(io, &mut rc);
    LAST_AIO.store(rc, Ordering::SeqCst);
    DONE.fetch_add(1, Ordering::SeqCst);
    if success {
        OK.fetch_add(1, Ordering::SeqCst);
    }
    spdk_bdev_free_io(io);
}

unsafe extern "C" fn event_cb(_t: spdk_bdev_event_type, _b: *mut spdk_bdev, _ctx: *mut c_void) {}

unsafe extern "C" fn unreg_done(_arg: *mut c_void, rc: c_int) {
    UNREG_RC.store(rc, Ordering::SeqCst);
}

/// Polls `t` until `n` more I/Os (counted from `base`) have completed.
unsafe fn wait_io(t: *mut spdk_thread, base: usize, n: usize) {
    let end = Instant::now() + Duration::from_secs(10);
    while DONE.load(Ordering::SeqCst) < base + n {
        spdk_thread_poll(t, 0, 0);
        assert!(Instant::now() < end, "I/O did not complete");
    }
}

/// Submits one I/O with `f` and returns (success, aio status).
unsafe fn one(t: *mut spdk_thread, f: impl FnOnce() -> c_int) -> (bool, c_int) {
    let (d, o) = (DONE.load(Ordering::SeqCst), OK.load(Ordering::SeqCst));
    assert_eq!(f(), 0, "submission refused");
    wait_io(t, d, 1);
    (
        OK.load(Ordering::SeqCst) > o,
        LAST_AIO.load(Ordering::SeqCst),
    )
}

unsafe fn poll(t: *mut spdk_thread) {
    for _ in 0..8 {
        spdk_thread_poll(t, 0, 0);
    }
}

/// A page-aligned buffer (direct I/O needs aligned memory).
struct Buf(*mut u8, usize);
impl Buf {
    fn new(len: usize, fill: u8) -> Buf {
        let l = std::alloc::Layout::from_size_align(len, 4096).unwrap();
        // SAFETY: non-zero size.
        let p = unsafe { std::alloc::alloc(l) };
        assert!(!p.is_null());
        // SAFETY: fresh allocation of len bytes.
        unsafe { ptr::write_bytes(p, fill, len) };
        Buf(p, len)
    }
    fn ptr(&self) -> *mut c_void {
        self.0.cast()
    }
    fn slice(&self) -> &[u8] {
        // SAFETY: owned allocation.
        unsafe { std::slice::from_raw_parts(self.0, self.1) }
    }
}
impl Drop for Buf {
    fn drop(&mut self) {
        let l = std::alloc::Layout::from_size_align(self.1, 4096).unwrap();
        // SAFETY: allocated with this layout.
        unsafe { std::alloc::dealloc(self.0, l) };
    }
}

struct TmpFile(std::path::PathBuf);
impl TmpFile {
    fn new(tag: &str, len: u64) -> TmpFile {
        let p = std::env::temp_dir().join(format!("spdk-aio-{}-{}", std::process::id(), tag));
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(len).unwrap();
        TmpFile(p)
    }
    fn path(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
    fn read_at(&self, off: u64, len: usize) -> Vec<u8> {
        use std::io::Seek;
        let mut f = std::fs::File::open(&self.0).unwrap();
        f.seek(std::io::SeekFrom::Start(off)).unwrap();
        let mut v = vec![0u8; len];
        f.read_exact(&mut v).unwrap();
        v
    }
}
impl Drop for TmpFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn opts(name: &str, file: &str, bs: u32) -> AioOpts {
    AioOpts {
        name: name.into(),
        filename: file.into(),
        block_size: bs,
        ..Default::default()
    }
}

unsafe fn open(name: &CStr, write: bool) -> (*mut spdk_bdev_desc, *mut spdk_io_channel) {
    let mut d = ptr::null_mut();
    assert_eq!(
        spdk_bdev_open_ext(
            name.as_ptr(),
            write,
            Some(event_cb),
            ptr::null_mut(),
            &mut d
        ),
        0
    );
    let ch = spdk_bdev_get_io_channel(d);
    assert!(!ch.is_null());
    (d, ch)
}

unsafe fn delete(t: *mut spdk_thread, name: &str) {
    UNREG_RC.store(i32::MIN, Ordering::SeqCst);
    spdk_bdev_aio::delete(name.as_bytes(), Some(unreg_done), ptr::null_mut()).unwrap();
    poll(t);
    assert_eq!(UNREG_RC.load(Ordering::SeqCst), 0);
}

/// Writes patterns, reads them back (plain and vectored), checks the file.
unsafe fn data_round_trip(
    t: *mut spdk_thread,
    d: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    bs: u64,
    file: Option<&TmpFile>,
) {
    let cb = Some(io_done as unsafe extern "C" fn(_, _, _));
    let w = Buf::new(8 * bs as usize, 0);
    for (i, b) in std::slice::from_raw_parts_mut(w.0, w.1)
        .iter_mut()
        .enumerate()
    {
        *b = (i * 7 + 3) as u8;
    }
    let r = Buf::new(8 * bs as usize, 0xee);
    assert_eq!(
        one(t, || spdk_bdev_write_blocks(
            d,
            ch,
            w.ptr(),
            16,
            8,
            cb,
            ptr::null_mut()
        )),
        (true, 0)
    );
    assert_eq!(
        one(t, || spdk_bdev_read_blocks(
            d,
            ch,
            r.ptr(),
            16,
            8,
            cb,
            ptr::null_mut()
        )),
        (true, 0)
    );
    assert_eq!(r.slice(), w.slice(), "read back what was written");
    if let Some(f) = file {
        assert_eq!(
            f.read_at(16 * bs, w.1),
            w.slice(),
            "the file holds the data"
        );
    }
    // Vectored: two iovecs of one and seven blocks.
    let half = bs as usize;
    let mut wv = [
        libc::iovec {
            iov_base: w.ptr().cast::<u8>().add(7 * half).cast(),
            iov_len: half,
        },
        libc::iovec {
            iov_base: w.ptr(),
            iov_len: 7 * half,
        },
    ];
    assert_eq!(
        one(t, || spdk_bdev_writev_blocks(
            d,
            ch,
            wv.as_mut_ptr(),
            2,
            100,
            8,
            cb,
            ptr::null_mut()
        )),
        (true, 0)
    );
    let r2 = Buf::new(8 * bs as usize, 0);
    let mut rv = [
        libc::iovec {
            iov_base: r2.ptr(),
            iov_len: 4 * half,
        },
        libc::iovec {
            iov_base: r2.ptr().cast::<u8>().add(4 * half).cast(),
            iov_len: 4 * half,
        },
    ];
    assert_eq!(
        one(t, || spdk_bdev_readv_blocks(
            d,
            ch,
            rv.as_mut_ptr(),
            2,
            100,
            8,
            cb,
            ptr::null_mut()
        )),
        (true, 0)
    );
    assert_eq!(&r2.slice()[..half], &w.slice()[7 * half..]);
    assert_eq!(&r2.slice()[half..], &w.slice()[..7 * half]);
    // The last block of the device, and one past it.
    let n = spdk_bdev_get_num_blocks(spdk_bdev_desc_get_bdev(d));
    assert_eq!(
        one(t, || spdk_bdev_write_blocks(
            d,
            ch,
            w.ptr(),
            n - 1,
            1,
            cb,
            ptr::null_mut()
        )),
        (true, 0)
    );
    assert_eq!(
        spdk_bdev_read_blocks(d, ch, r.ptr(), n, 1, cb, ptr::null_mut()),
        -libc::EINVAL
    );
    assert_eq!(
        one(t, || spdk_bdev_flush_blocks(
            d,
            ch,
            0,
            n,
            cb,
            ptr::null_mut()
        )),
        (true, 0)
    );
}

unsafe fn bad_input(dir: &TmpFile) {
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
    let odd = TmpFile::new("odd", 1024 * 1024 + 100);
    assert_eq!(e(opts("x", &odd.path(), 512)), Some(-libc::EINVAL), "size");
    assert!(core::find(b"x").is_null());
}

#[test]
fn aio_bdev_end_to_end() {
    unsafe {
        assert_eq!(spdk_thread_lib_init(None, 0), 0);
        let t = spdk_thread_create(c"aio_test".as_ptr(), ptr::null());
        assert!(!t.is_null());
        spdk_set_thread(t);
        spdk_bdev_aio::register();
        spdk_bdev_aio::register();
        core::initialize(init_done);
        poll(t);
        assert_eq!(INIT_RC.load(Ordering::SeqCst), 0);
        assert!(!spdk_bdev_module_list_find(c"aio".as_ptr()).is_null());
        let cb = Some(io_done as unsafe extern "C" fn(_, _, _));

        let f0 = TmpFile::new("0", 4 * 1024 * 1024);
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
            CStr::from_ptr(spdk_bdev_get_product_name(b)).to_bytes(),
            b"AIO disk"
        );
        assert!(spdk_bdev_io_type_supported(b, IoTypeArg(4)), "flush");
        assert!(spdk_bdev_io_type_supported(b, IoTypeArg(5)), "reset");
        assert!(
            !spdk_bdev_io_type_supported(b, IoTypeArg(3)),
            "unmap without fallocate"
        );
        assert!(!spdk_bdev_io_type_supported(b, IoTypeArg(9)));
        let (d, ch) = open(c"aio0", true);
        data_round_trip(t, d, ch, 512, Some(&f0));
        misaligned(t, d, ch, 512);
        assert_eq!(
            spdk_bdev_write_zeroes_blocks(d, ch, 0, 1, cb, ptr::null_mut()),
            -libc::ENOTSUP
        );
        assert_eq!(
            one(t, || spdk_bdev_reset(d, ch, cb, ptr::null_mut())),
            (true, 0)
        );

        // A read without a buffer gets one from the library.
        let base = DONE.load(Ordering::SeqCst);
        static NOBUF_OK: AtomicBool = AtomicBool::new(false);
        unsafe extern "C" fn nobuf_done(io: *mut spdk_bdev_io, ok: bool, _a: *mut c_void) {
            let (mut iov, mut n) = (ptr::null_mut::<libc::iovec>(), 0);
            spdk_bdev_io_get_iovec(io, &mut iov, &mut n);
            let first = *(*iov).iov_base.cast::<u8>();
            NOBUF_OK.store(ok && n == 1 && first == 3, Ordering::SeqCst);
            io_done(io, ok, ptr::null_mut());
        }
        assert_eq!(
            spdk_bdev_read_blocks(
                d,
                ch,
                ptr::null_mut(),
                16,
                1,
                Some(nobuf_done),
                ptr::null_mut()
            ),
            0
        );
        wait_io(t, base, 1);
        assert!(NOBUF_OK.load(Ordering::SeqCst));

        // More I/O than one AIO context holds (128): the rest is retried.
        let bufs: Vec<Buf> = (0..300).map(|i| Buf::new(4096, i as u8)).collect();
        let (base, okb) = (DONE.load(Ordering::SeqCst), OK.load(Ordering::SeqCst));
        for (i, w) in bufs.iter().enumerate() {
            let rc = spdk_bdev_write_blocks(d, ch, w.ptr(), i as u64 * 8, 8, cb, ptr::null_mut());
            assert_eq!(rc, 0);
        }
        wait_io(t, base, 300);
        assert_eq!(OK.load(Ordering::SeqCst) - okb, 300);
        let chk = f0.read_at(299 * 4096, 4096);
        assert!(chk.iter().all(|&x| x == 299u32 as u8));

        // Steady-state I/O allocates nothing.
        let r = Buf::new(4096, 0);
        let allocs = spdk_util::alloc_count::count_allocations(|| {
            for i in 0..200 {
                let base = DONE.load(Ordering::SeqCst);
                let rc = spdk_bdev_read_blocks(d, ch, r.ptr(), i * 8, 8, cb, ptr::null_mut());
                assert_eq!(rc, 0);
                wait_io(t, base, 1);
            }
        });
        assert_eq!(allocs, 0, "allocations on the I/O path");

        spdk_put_io_channel(ch);
        spdk_bdev_close(d);
        poll(t);
        delete(t, "aio0");
        assert!(core::find(b"aio0").is_null());
        assert_eq!(
            spdk_bdev_aio::delete(b"aio0", None, ptr::null_mut()).err(),
            Some(-libc::ENODEV)
        );

        // fallocate: unmap and write_zeroes, 4 KiB blocks.
        let mut o = opts("aio1", &f0.path(), 4096);
        o.fallocate = true;
        let b1 = spdk_bdev_aio::create(&o).expect("aio1");
        assert_eq!(spdk_bdev_get_num_blocks(b1), 1024);
        assert!(spdk_bdev_io_type_supported(b1, IoTypeArg(3)));
        assert!(spdk_bdev_io_type_supported(b1, IoTypeArg(9)));
        let (d1, ch1) = open(c"aio1", true);
        data_round_trip(t, d1, ch1, 4096, Some(&f0));
        misaligned(t, d1, ch1, 4096);
        let rb = Buf::new(8 * 4096, 0xff);
        assert_eq!(
            one(t, || spdk_bdev_write_zeroes_blocks(
                d1,
                ch1,
                16,
                4,
                cb,
                ptr::null_mut()
            )),
            (true, 0)
        );
        assert_eq!(
            one(t, || spdk_bdev_unmap_blocks(
                d1,
                ch1,
                20,
                4,
                cb,
                ptr::null_mut()
            )),
            (true, 0)
        );
        assert_eq!(
            one(t, || spdk_bdev_read_blocks(
                d1,
                ch1,
                rb.ptr(),
                16,
                8,
                cb,
                ptr::null_mut()
            )),
            (true, 0)
        );
        assert!(rb.slice().iter().all(|&x| x == 0), "zeroed and unmapped");
        spdk_put_io_channel(ch1);
        spdk_bdev_close(d1);
        poll(t);
        delete(t, "aio1");

        // Read-only: reads work, writes fail.
        let mut o = opts("aio_ro", &f0.path(), 512);
        o.readonly = true;
        spdk_bdev_aio::create(&o).expect("aio_ro");
        let (d2, ch2) = open(c"aio_ro", true);
        let rb = Buf::new(4096, 0);
        assert_eq!(
            one(t, || spdk_bdev_read_blocks(
                d2,
                ch2,
                rb.ptr(),
                0,
                8,
                cb,
                ptr::null_mut()
            )),
            (true, 0)
        );
        assert!(
            !one(t, || spdk_bdev_write_blocks(
                d2,
                ch2,
                rb.ptr(),
                0,
                8,
                cb,
                ptr::null_mut()
            ))
            .0
        );
        spdk_put_io_channel(ch2);
        spdk_bdev_close(d2);
        poll(t);

        // A loop device, when this machine lets us attach one.
        if let Some(dev) = LoopDev::attach(&f0) {
            let b3 = spdk_bdev_aio::create(&opts("aio_loop", &dev.0, 0)).expect("aio on loop");
            assert_eq!(spdk_bdev_get_block_size(b3), 512, "detected block size");
            assert_eq!(spdk_bdev_get_num_blocks(b3), 8192);
            let mut o = opts("aio_loop_nw", &dev.0, 4096);
            o.nowait = true;
            spdk_bdev_aio::create(&o).expect("nowait on a block device");
            delete(t, "aio_loop_nw");
            let (d3, ch3) = open(c"aio_loop", true);
            data_round_trip(t, d3, ch3, 512, None);
            misaligned(t, d3, ch3, 512);
            spdk_put_io_channel(ch3);
            spdk_bdev_close(d3);
            poll(t);
            delete(t, "aio_loop");
        } else {
            eprintln!("no loop device here: loop device part skipped");
        }

        // The bdevs left are unregistered by the library's fini.
        core::finish(fini_done);
        let end = Instant::now() + Duration::from_secs(5);
        while !FINI_DONE.load(Ordering::SeqCst) {
            spdk_thread_poll(t, 0, 0);
            assert!(Instant::now() < end, "fini did not finish");
        }
        assert!(core::find(b"aio_ro").is_null());
    }
}

/// A loop device over a file, detached on drop.
struct LoopDev(String);
impl LoopDev {
    fn attach(f: &TmpFile) -> Option<LoopDev> {
        let out = std::process::Command::new("losetup")
            .args(["-f", "--show", &f.path()])
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        let dev = String::from_utf8(out.stdout).ok()?.trim().to_string();
        (!dev.is_empty()).then_some(LoopDev(dev))
    }
}
impl Drop for LoopDev {
    fn drop(&mut self) {
        let _ = std::process::Command::new("losetup")
            .args(["-d", &self.0])
            .status();
    }
}

/// Misaligned buffers: the library bounces them through aligned ones.
unsafe fn misaligned(
    t: *mut spdk_thread,
    d: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    bs: usize,
) {
    let cb = Some(io_done as unsafe extern "C" fn(_, _, _));
    let wu = Buf::new(8 * bs + 64, 0);
    let ru = Buf::new(8 * bs + 64, 0);
    for (i, x) in std::slice::from_raw_parts_mut(wu.0, wu.1)
        .iter_mut()
        .enumerate()
    {
        *x = (i * 31 + 1) as u8;
    }
    let (wp, rp) = (wu.0.add(8), ru.0.add(24));
    assert_eq!(
        one(t, || spdk_bdev_write_blocks(
            d,
            ch,
            wp.cast(),
            200,
            8,
            cb,
            ptr::null_mut()
        )),
        (true, 0)
    );
    assert_eq!(
        one(t, || spdk_bdev_read_blocks(
            d,
            ch,
            rp.cast(),
            200,
            8,
            cb,
            ptr::null_mut()
        )),
        (true, 0)
    );
    assert_eq!(
        std::slice::from_raw_parts(rp, 8 * bs),
        std::slice::from_raw_parts(wp, 8 * bs)
    );
}
