//! The uring module end to end on one SPDK thread: bdevs on temporary
//! files (and on a loop device when one can be attached), data written
//! then read back and compared (also from the file itself), readv/writev,
//! misaligned buffers (bounced by the library),
//! reads without a buffer, more I/O than a ring holds, SPDK's errors for
//! bad input, no allocation per I/O, delete and library fini; and a
//! thread where io_uring is forbidden (seccomp) gets an error, not a crash.

use std::ffi::{c_int, c_void, CStr};
use std::io::Read;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ::spdk_bdev::core;
use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_thread::ffi::thread::*;
use spdk_bdev_uring::UringOpts;

#[global_allocator]
static GLOBAL: spdk_util::alloc_count::CountingAlloc = spdk_util::alloc_count::CountingAlloc;

static INIT_RC: AtomicI32 = AtomicI32::new(i32::MIN);
static FINI_DONE: AtomicBool = AtomicBool::new(false);
static DONE: AtomicUsize = AtomicUsize::new(0);
static OK: AtomicUsize = AtomicUsize::new(0);
static UNREG_RC: AtomicI32 = AtomicI32::new(i32::MIN);

unsafe fn init_done(rc: c_int) {
    INIT_RC.store(rc, Ordering::SeqCst);
}
unsafe fn fini_done(_rc: c_int) {
    FINI_DONE.store(true, Ordering::SeqCst);
}

unsafe extern "C" fn io_done(io: *mut spdk_bdev_io, success: bool, _arg: *mut c_void) {
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

unsafe fn wait_io(t: *mut spdk_thread, base: usize, n: usize) {
    let end = Instant::now() + Duration::from_secs(10);
    while DONE.load(Ordering::SeqCst) < base + n {
        spdk_thread_poll(t, 0, 0);
        assert!(Instant::now() < end, "I/O did not complete");
    }
}

/// Submits one I/O with `f`; returns whether it succeeded.
unsafe fn one(t: *mut spdk_thread, f: impl FnOnce() -> c_int) -> bool {
    let (d, o) = (DONE.load(Ordering::SeqCst), OK.load(Ordering::SeqCst));
    assert_eq!(f(), 0, "submission refused");
    wait_io(t, d, 1);
    OK.load(Ordering::SeqCst) > o
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
        let p = std::env::temp_dir().join(format!("spdk-uring-{}-{}", std::process::id(), tag));
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

fn opts(name: &str, file: &str, bs: u32) -> UringOpts {
    UringOpts {
        name: name.into(),
        filename: file.into(),
        block_size: bs,
        uuid: None,
    }
}

unsafe fn open(name: &CStr) -> (*mut spdk_bdev_desc, *mut spdk_io_channel) {
    let mut d = ptr::null_mut();
    assert_eq!(
        spdk_bdev_open_ext(name.as_ptr(), true, Some(event_cb), ptr::null_mut(), &mut d),
        0
    );
    let ch = spdk_bdev_get_io_channel(d);
    assert!(!ch.is_null());
    (d, ch)
}

unsafe fn close(t: *mut spdk_thread, d: *mut spdk_bdev_desc, ch: *mut spdk_io_channel) {
    spdk_put_io_channel(ch);
    spdk_bdev_close(d);
    poll(t);
}

unsafe fn delete(t: *mut spdk_thread, name: &str) {
    UNREG_RC.store(i32::MIN, Ordering::SeqCst);
    spdk_bdev_uring::delete(name.as_bytes(), Some(unreg_done), ptr::null_mut()).unwrap();
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
        *b = (i * 13 + 5) as u8;
    }
    let r = Buf::new(8 * bs as usize, 0xee);
    assert!(one(t, || spdk_bdev_write_blocks(
        d,
        ch,
        w.ptr(),
        16,
        8,
        cb,
        ptr::null_mut()
    )));
    assert!(one(t, || spdk_bdev_read_blocks(
        d,
        ch,
        r.ptr(),
        16,
        8,
        cb,
        ptr::null_mut()
    )));
    assert_eq!(r.slice(), w.slice(), "read back what was written");
    if let Some(f) = file {
        assert_eq!(
            f.read_at(16 * bs, w.1),
            w.slice(),
            "the file holds the data"
        );
    }
    let b = bs as usize;
    let mut wv = [
        libc::iovec {
            iov_base: w.ptr().cast::<u8>().add(7 * b).cast(),
            iov_len: b,
        },
        libc::iovec {
            iov_base: w.ptr(),
            iov_len: 7 * b,
        },
    ];
    assert!(one(t, || spdk_bdev_writev_blocks(
        d,
        ch,
        wv.as_mut_ptr(),
        2,
        100,
        8,
        cb,
        ptr::null_mut()
    )));
    let r2 = Buf::new(8 * b, 0);
    let mut rv = [
        libc::iovec {
            iov_base: r2.ptr(),
            iov_len: 4 * b,
        },
        libc::iovec {
            iov_base: r2.ptr().cast::<u8>().add(4 * b).cast(),
            iov_len: 4 * b,
        },
    ];
    assert!(one(t, || spdk_bdev_readv_blocks(
        d,
        ch,
        rv.as_mut_ptr(),
        2,
        100,
        8,
        cb,
        ptr::null_mut()
    )));
    assert_eq!(&r2.slice()[..b], &w.slice()[7 * b..]);
    assert_eq!(&r2.slice()[b..], &w.slice()[..7 * b]);
    let n = spdk_bdev_get_num_blocks(spdk_bdev_desc_get_bdev(d));
    assert!(one(t, || spdk_bdev_write_blocks(
        d,
        ch,
        w.ptr(),
        n - 1,
        1,
        cb,
        ptr::null_mut()
    )));
    assert_eq!(
        spdk_bdev_read_blocks(d, ch, r.ptr(), n, 1, cb, ptr::null_mut()),
        -libc::EINVAL
    );
}

#[test]
fn uring_bdev_end_to_end() {
    unsafe {
        assert_eq!(spdk_thread_lib_init(None, 0), 0);
        let t = spdk_thread_create(c"uring_test".as_ptr(), ptr::null());
        assert!(!t.is_null());
        spdk_set_thread(t);
        spdk_bdev_uring::register();
        spdk_bdev_uring::register();
        core::initialize(init_done);
        poll(t);
        assert_eq!(INIT_RC.load(Ordering::SeqCst), 0);
        assert!(!spdk_bdev_module_list_find(c"uring".as_ptr()).is_null());
        let cb = Some(io_done as unsafe extern "C" fn(_, _, _));

        let f0 = TmpFile::new("0", 4 * 1024 * 1024);
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
        let odd = TmpFile::new("odd", 4096 * 3 + 512);
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
            CStr::from_ptr(spdk_bdev_get_product_name(b)).to_bytes(),
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
        let (d, ch) = open(c"uring0");
        data_round_trip(t, d, ch, 512, Some(&f0));
        misaligned(t, d, ch, 512);
        assert_eq!(
            spdk_bdev_write_zeroes_blocks(d, ch, 0, 1, cb, ptr::null_mut()),
            -libc::ENOTSUP
        );
        assert!(!one(t, || spdk_bdev_flush_blocks(
            d,
            ch,
            0,
            1,
            cb,
            ptr::null_mut()
        )));

        // A read without a buffer gets one from the library.
        static NOBUF_OK: AtomicBool = AtomicBool::new(false);
        unsafe extern "C" fn nobuf_done(io: *mut spdk_bdev_io, ok: bool, _a: *mut c_void) {
            let (mut iov, mut n) = (ptr::null_mut::<libc::iovec>(), 0);
            spdk_bdev_io_get_iovec(io, &mut iov, &mut n);
            let first = *(*iov).iov_base.cast::<u8>();
            NOBUF_OK.store(ok && n == 1 && first == 5, Ordering::SeqCst);
            io_done(io, ok, ptr::null_mut());
        }
        let base = DONE.load(Ordering::SeqCst);
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

        // More I/O than the ring holds (512): the rest is retried.
        let bufs: Vec<Buf> = (0..700).map(|i| Buf::new(2048, i as u8)).collect();
        let (base, okb) = (DONE.load(Ordering::SeqCst), OK.load(Ordering::SeqCst));
        for (i, w) in bufs.iter().enumerate() {
            let rc = spdk_bdev_write_blocks(d, ch, w.ptr(), i as u64 * 4, 4, cb, ptr::null_mut());
            assert_eq!(rc, 0);
        }
        wait_io(t, base, 700);
        assert_eq!(OK.load(Ordering::SeqCst) - okb, 700);
        assert!(f0
            .read_at(699 * 2048, 2048)
            .iter()
            .all(|&x| x == 699u32 as u8));

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
        close(t, d, ch);
        delete(t, "uring0");
        assert!(core::find(b"uring0").is_null());
        assert_eq!(
            spdk_bdev_uring::delete(b"uring0", None, ptr::null_mut()).err(),
            Some(-libc::ENODEV)
        );

        // 4 KiB blocks.
        spdk_bdev_uring::create(&opts("uring1", &p, 4096)).expect("uring1");
        let (d, ch) = open(c"uring1");
        data_round_trip(t, d, ch, 4096, Some(&f0));
        misaligned(t, d, ch, 4096);
        close(t, d, ch);

        if let Some(dev) = LoopDev::attach(&f0) {
            let b = spdk_bdev_uring::create(&opts("uring_loop", &dev.0, 0)).expect("loop");
            assert_eq!(spdk_bdev_get_block_size(b), 512, "detected block size");
            assert_eq!(spdk_bdev_get_num_blocks(b), 8192);
            let (d, ch) = open(c"uring_loop");
            data_round_trip(t, d, ch, 512, None);
            misaligned(t, d, ch, 512);
            close(t, d, ch);
            delete(t, "uring_loop");
        } else {
            eprintln!("no loop device here: loop device part skipped");
        }

        core::finish(fini_done);
        let end = Instant::now() + Duration::from_secs(5);
        while !FINI_DONE.load(Ordering::SeqCst) {
            spdk_thread_poll(t, 0, 0);
            assert!(Instant::now() < end, "fini did not finish");
        }
        assert!(core::find(b"uring1").is_null());
    }
}

/// With io_uring_setup forbidden on this thread (a seccomp filter, as a
/// container runtime would install), creation fails with that errno.
#[test]
fn uring_unavailable_is_an_error() {
    let f = TmpFile::new("noring", 1024 * 1024);
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
    assert!(one(t, || spdk_bdev_write_blocks(
        d,
        ch,
        wp.cast(),
        200,
        8,
        cb,
        ptr::null_mut()
    )));
    assert!(one(t, || spdk_bdev_read_blocks(
        d,
        ch,
        rp.cast(),
        200,
        8,
        cb,
        ptr::null_mut()
    )));
    assert_eq!(
        std::slice::from_raw_parts(rp, 8 * bs),
        std::slice::from_raw_parts(wp, 8 * bs)
    );
}
