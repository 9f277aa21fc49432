//! For the modules on files (aio, uring): page-aligned buffers, temporary
//! files, loop devices, and the data checks both modules' tests run.

use std::ffi::c_void;
use std::io::{Read, Seek};
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};

use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::*;

use crate::bdevs::Open;
use crate::env::Env;
use crate::io::{completed, io_done, one, succeeded, wait_io, IO_DONE};

/// Closes `o` and polls, so its channel goes.
pub fn close(env: &Env, o: &mut Open) {
    o.close();
    env.poll();
}

/// A page-aligned buffer (direct I/O needs aligned memory).
pub struct Buf(*mut u8, usize);

impl Buf {
    pub fn new(len: usize, fill: u8) -> Buf {
        let l = std::alloc::Layout::from_size_align(len, 4096).unwrap();
        // SAFETY: non-zero size.
        let p = unsafe { std::alloc::alloc(l) };
        assert!(!p.is_null());
        // SAFETY: fresh allocation of len bytes.
        unsafe { ptr::write_bytes(p, fill, len) };
        Buf(p, len)
    }
    pub fn ptr(&self) -> *mut c_void {
        self.0.cast()
    }
    pub fn slice(&self) -> &[u8] {
        // SAFETY: owned allocation.
        unsafe { std::slice::from_raw_parts(self.0, self.1) }
    }
    pub fn slice_mut(&mut self) -> &mut [u8] {
        // SAFETY: owned allocation.
        unsafe { std::slice::from_raw_parts_mut(self.0, self.1) }
    }
}

impl Drop for Buf {
    fn drop(&mut self) {
        let l = std::alloc::Layout::from_size_align(self.1, 4096).unwrap();
        // SAFETY: allocated with this layout.
        unsafe { std::alloc::dealloc(self.0, l) };
    }
}

/// A temporary file of `len` bytes, removed on drop.
pub struct TmpFile(std::path::PathBuf);

impl TmpFile {
    /// `prefix` keeps the files of different test programs apart.
    pub fn new(prefix: &str, tag: &str, len: u64) -> TmpFile {
        let name = format!("{}-{}-{}", prefix, std::process::id(), tag);
        let p = std::env::temp_dir().join(name);
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(len).unwrap();
        TmpFile(p)
    }
    pub fn path(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
    pub fn read_at(&self, off: u64, len: usize) -> Vec<u8> {
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

/// A loop device over a file, detached on drop.
pub struct LoopDev(pub String);

impl LoopDev {
    /// None when this machine does not let us attach one.
    pub fn attach(f: &TmpFile) -> Option<LoopDev> {
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

/// Writes patterns at block 16 (byte i is `i * 7 + 3`) and 100, reads
/// them back (plain and vectored) and, given the bdev's `file`, checks
/// it holds them; writes the last block and refuses one past it; with
/// `flush`, flushes the whole bdev.
///
/// # Safety
/// `o` is open for writing on a bdev of `bs`-byte blocks.
pub unsafe fn data_round_trip(env: &Env, o: &Open, bs: u64, file: Option<&TmpFile>, flush: bool) {
    let (d, ch, cb) = (o.desc, o.ch, IO_DONE);
    let mut w = Buf::new(8 * bs as usize, 0);
    for (i, b) in w.slice_mut().iter_mut().enumerate() {
        *b = (i * 7 + 3) as u8;
    }
    let r = Buf::new(8 * bs as usize, 0xee);
    let nul = ptr::null_mut();
    assert!(one(env, || spdk_bdev_write_blocks(
        d,
        ch,
        w.ptr(),
        16,
        8,
        cb,
        nul
    )));
    assert!(one(env, || spdk_bdev_read_blocks(
        d,
        ch,
        r.ptr(),
        16,
        8,
        cb,
        nul
    )));
    assert_eq!(r.slice(), w.slice(), "read back what was written");
    if let Some(f) = file {
        assert_eq!(
            f.read_at(16 * bs, w.1),
            w.slice(),
            "the file holds the data"
        );
    }
    // Vectored: two iovecs of one and seven blocks.
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
    assert!(one(env, || spdk_bdev_writev_blocks(
        d,
        ch,
        wv.as_mut_ptr(),
        2,
        100,
        8,
        cb,
        nul
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
    assert!(one(env, || spdk_bdev_readv_blocks(
        d,
        ch,
        rv.as_mut_ptr(),
        2,
        100,
        8,
        cb,
        nul
    )));
    assert_eq!(&r2.slice()[..b], &w.slice()[7 * b..]);
    assert_eq!(&r2.slice()[b..], &w.slice()[..7 * b]);
    // The last block of the device, and one past it.
    let n = spdk_bdev_get_num_blocks(spdk_bdev_desc_get_bdev(d));
    assert!(one(env, || spdk_bdev_write_blocks(
        d,
        ch,
        w.ptr(),
        n - 1,
        1,
        cb,
        nul
    )));
    assert_eq!(
        spdk_bdev_read_blocks(d, ch, r.ptr(), n, 1, cb, nul),
        -libc::EINVAL
    );
    if flush {
        assert!(one(env, || spdk_bdev_flush_blocks(d, ch, 0, n, cb, nul)));
    }
}

/// Misaligned buffers: the library bounces them through aligned ones.
///
/// # Safety
/// As [`data_round_trip`].
pub unsafe fn misaligned(env: &Env, o: &Open, bs: usize) {
    let (d, ch, cb) = (o.desc, o.ch, IO_DONE);
    let mut wu = Buf::new(8 * bs + 64, 0);
    let ru = Buf::new(8 * bs + 64, 0);
    for (i, x) in wu.slice_mut().iter_mut().enumerate() {
        *x = (i * 31 + 1) as u8;
    }
    let (wp, rp) = (wu.0.add(8), ru.0.add(24));
    let nul = ptr::null_mut();
    assert!(one(env, || spdk_bdev_write_blocks(
        d,
        ch,
        wp.cast(),
        200,
        8,
        cb,
        nul
    )));
    assert!(one(env, || spdk_bdev_read_blocks(
        d,
        ch,
        rp.cast(),
        200,
        8,
        cb,
        nul
    )));
    assert_eq!(
        std::slice::from_raw_parts(rp, 8 * bs),
        std::slice::from_raw_parts(wp, 8 * bs)
    );
}

/// A read of block 16 without a buffer gets one from the library, with
/// what [`data_round_trip`] wrote there.
///
/// # Safety
/// `o` is open on a bdev [`data_round_trip`] wrote.
pub unsafe fn read_without_buf(env: &Env, o: &Open) {
    static GOOD: AtomicBool = AtomicBool::new(false);
    unsafe extern "C" fn nobuf_done(io: *mut spdk_bdev_io, ok: bool, _a: *mut c_void) {
        let (mut iov, mut n) = (ptr::null_mut::<libc::iovec>(), 0);
        spdk_bdev_io_get_iovec(io, &mut iov, &mut n);
        let first = *(*iov).iov_base.cast::<u8>();
        GOOD.store(ok && n == 1 && first == 3, Ordering::SeqCst);
        io_done(io, ok, ptr::null_mut());
    }
    let base = completed();
    let nul = ptr::null_mut();
    let rc = spdk_bdev_read_blocks(o.desc, o.ch, nul, 16, 1, Some(nobuf_done), nul);
    assert_eq!(rc, 0);
    wait_io(env, base, 1);
    assert!(GOOD.load(Ordering::SeqCst));
}

/// `n` writes of `len` bytes in flight at once (write i at byte i * len,
/// filled with i as u8): all succeed, the last one lands in `file`.
///
/// # Safety
/// `o` is open for writing on a bdev over `file`, large enough.
pub unsafe fn write_burst(env: &Env, o: &Open, file: &TmpFile, n: usize, len: usize) {
    let blocks = len as u64 / o.block_size();
    let bufs: Vec<Buf> = (0..n).map(|i| Buf::new(len, i as u8)).collect();
    let (base, okb) = (completed(), succeeded());
    for (i, w) in bufs.iter().enumerate() {
        let off = i as u64 * blocks;
        let rc =
            spdk_bdev_write_blocks(o.desc, o.ch, w.ptr(), off, blocks, IO_DONE, ptr::null_mut());
        assert_eq!(rc, 0);
    }
    wait_io(env, base, n);
    assert_eq!(succeeded() - okb, n);
    let last = file.read_at(((n - 1) * len) as u64, len);
    assert!(last.iter().all(|&x| x == (n - 1) as u8));
}

/// Allocations made by `n` reads of 4 KiB, one at a time. The test
/// binary's global allocator must be spdk_util's CountingAlloc.
///
/// # Safety
/// `o` is open on a bdev of at least `n` * 4 KiB.
pub unsafe fn read_allocations(env: &Env, o: &Open, n: u64) -> usize {
    let r = Buf::new(4096, 0);
    let blocks = 4096 / o.block_size();
    spdk_util::alloc_count::count_allocations(|| {
        for i in 0..n {
            let base = completed();
            let rc = spdk_bdev_read_blocks(
                o.desc,
                o.ch,
                r.ptr(),
                i * blocks,
                blocks,
                IO_DONE,
                ptr::null_mut(),
            );
            assert_eq!(rc, 0);
            wait_io(env, base, 1);
        }
    })
}
