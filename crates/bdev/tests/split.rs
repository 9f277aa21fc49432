//! Splitting: a RAM module with I/O limits records what it is given and
//! checks every request against them; data goes through scattered buffers
//! and is read back without limits.

use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

use ::spdk_bdev::core;
use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_thread::ffi::thread::*;
use libc::iovec;

const BS: u64 = 512;
const BLOCKS: u64 = 256;

static mut DISK: [u8; (BS * BLOCKS) as usize] = [0; (BS * BLOCKS) as usize];
static SUBMITS: AtomicUsize = AtomicUsize::new(0);
static VIOLATIONS: AtomicUsize = AtomicUsize::new(0);
static DONE: AtomicUsize = AtomicUsize::new(0);
static OK: AtomicUsize = AtomicUsize::new(0);
static INIT_RC: AtomicUsize = AtomicUsize::new(usize::MAX);
static DEV: u8 = 0;

struct Cell<T>(std::cell::UnsafeCell<T>);
// SAFETY: used from the test's one thread.
unsafe impl<T> Sync for Cell<T> {}

static MODULE: Cell<spdk_bdev_module> = Cell(std::cell::UnsafeCell::new(spdk_bdev_module {
    module_init: Some(rec_init),
    init_complete: None,
    fini_start: None,
    module_fini: None,
    config_json: None,
    name: c"rec".as_ptr(),
    get_ctx_size: None,
    examine_config: None,
    examine_disk: None,
    async_init: false,
    async_fini: false,
    async_fini_start: false,
    internal: spdk_bdev_module_internal_fields::new(),
}));

static FN_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(rec_destruct),
    submit_request: Some(rec_submit),
    io_type_supported: Some(rec_supported),
    get_io_channel: Some(rec_channel),
    dump_info_json: None,
    write_config_json: None,
    get_spin_time: None,
    get_module_ctx: None,
    get_memory_domains: None,
    reset_device_stat: None,
    dump_device_stat_json: None,
    accel_sequence_supported: None,
};

static ALIGNED_FN_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    submit_request: Some(aligned_submit),
    ..FN_TABLE
};

/// A module that needs aligned buffers: asks for one, then checks it.
unsafe extern "C" fn aligned_submit(_ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let len = (*io).u.bdev.num_blocks * BS;
    spdk_bdev_io_get_buf(io, Some(aligned_buf_ready), len);
}

unsafe extern "C" fn aligned_buf_ready(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io, ok: bool) {
    if !ok {
        spdk_bdev_io_complete(io, IoStatusArg(-1));
        return;
    }
    let p = &(*io).u.bdev;
    let align = spdk_bdev_get_buf_align((*io).bdev);
    let iovs = std::slice::from_raw_parts(p.iovs, p.iovcnt as usize);
    if iovs
        .iter()
        .any(|v| !(v.iov_base as usize).is_multiple_of(align))
    {
        VIOLATIONS.fetch_add(1, Ordering::Relaxed);
    }
    rec_submit(ch, io);
}

static HOLDING_FN_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    submit_request: Some(holding_submit),
    io_type_supported: Some(holding_supported),
    ..FN_TABLE
};

/// Reads a holding module keeps until aborted (one thread only).
static mut HELD: Vec<*mut spdk_bdev_io> = Vec::new();

unsafe extern "C" fn holding_supported(_c: *mut c_void, t: spdk_bdev_io_type) -> bool {
    use spdk_bdev_io_type::*;
    matches!(t, SPDK_BDEV_IO_TYPE_READ | SPDK_BDEV_IO_TYPE_ABORT)
}

/// Holds reads; an abort completes its target as aborted.
unsafe extern "C" fn holding_submit(_ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let held = &mut *ptr::addr_of_mut!(HELD);
    if (*io).r#type == spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_READ as u8 {
        held.push(io);
        return;
    }
    let target = (*io).u.abort.bio_to_abort;
    match held.iter().position(|&h| h == target) {
        Some(k) => {
            held.swap_remove(k);
            spdk_bdev_io_complete(target, IoStatusArg(-7));
            spdk_bdev_io_complete(io, IoStatusArg(1));
        }
        None => spdk_bdev_io_complete(io, IoStatusArg(-1)),
    }
}

unsafe extern "C" fn rec_init() -> c_int {
    spdk_io_device_register(
        ptr::addr_of!(DEV) as *mut c_void,
        Some(ch_noop),
        Some(ch_noop_destroy),
        8,
        c"rec".as_ptr(),
    );
    0
}
unsafe extern "C" fn ch_noop(_d: *mut c_void, _c: *mut c_void) -> c_int {
    0
}
unsafe extern "C" fn ch_noop_destroy(_d: *mut c_void, _c: *mut c_void) {}
unsafe extern "C" fn rec_destruct(_c: *mut c_void) -> c_int {
    0
}
unsafe extern "C" fn rec_channel(_c: *mut c_void) -> *mut spdk_io_channel {
    spdk_get_io_channel(ptr::addr_of!(DEV) as *mut c_void)
}
unsafe extern "C" fn rec_supported(_c: *mut c_void, t: spdk_bdev_io_type) -> bool {
    use spdk_bdev_io_type::*;
    matches!(
        t,
        SPDK_BDEV_IO_TYPE_READ | SPDK_BDEV_IO_TYPE_WRITE | SPDK_BDEV_IO_TYPE_UNMAP
    )
}

/// Checks the request against the bdev's limits, then copies.
unsafe extern "C" fn rec_submit(_ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let p = &(*io).u.bdev;
    if (*io).r#type == spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_READ as u8
        && (*p.iovs).iov_base.is_null()
    {
        // A read without a buffer (the library's emulations): get one.
        spdk_bdev_io_get_buf(io, Some(aligned_buf_ready), p.num_blocks * BS);
        return;
    }
    SUBMITS.fetch_add(1, Ordering::Relaxed);
    let b = &*(*io).bdev;
    let p = &(*io).u.bdev;
    let bad = |c: bool| {
        if c {
            VIOLATIONS.fetch_add(1, Ordering::Relaxed);
        }
    };
    if (*io).r#type == spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_UNMAP as u8 {
        // Unmaps are split by size only, as SPDK's.
        bad(b.max_unmap != 0 && p.num_blocks > b.max_unmap as u64);
        spdk_bdev_io_complete(io, IoStatusArg(1));
        return;
    }
    let last = p.offset_blocks + p.num_blocks - 1;
    let stripe = |x: u64| x.checked_div(b.optimal_io_boundary as u64);
    bad(stripe(p.offset_blocks) != stripe(last));
    bad(b.max_rw_size != 0 && p.num_blocks > b.max_rw_size as u64);
    bad(b.max_num_segments != 0 && p.iovcnt as u32 > b.max_num_segments);
    let iovs = std::slice::from_raw_parts(p.iovs, p.iovcnt as usize);
    let total: usize = iovs.iter().map(|v| v.iov_len).sum();
    bad(total as u64 != p.num_blocks * BS);
    bad(b.max_segment_size != 0 && iovs.iter().any(|v| v.iov_len > b.max_segment_size as usize));
    let disk = ptr::addr_of_mut!(DISK).cast::<u8>();
    let mut off = (p.offset_blocks * BS) as usize;
    let write = (*io).r#type == spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_WRITE as u8;
    for v in iovs {
        if write {
            ptr::copy_nonoverlapping(v.iov_base.cast::<u8>(), disk.add(off), v.iov_len);
        } else {
            ptr::copy_nonoverlapping(disk.add(off), v.iov_base.cast::<u8>(), v.iov_len);
        }
        off += v.iov_len;
    }
    spdk_bdev_io_complete(io, IoStatusArg(1));
}

unsafe fn init_done(rc: c_int) {
    INIT_RC.store(rc as usize, Ordering::SeqCst);
}

unsafe extern "C" fn done(io: *mut spdk_bdev_io, ok: bool, _arg: *mut c_void) {
    DONE.fetch_add(1, Ordering::SeqCst);
    if ok {
        OK.fetch_add(1, Ordering::SeqCst);
    }
    spdk_bdev_free_io(io);
}

static RESIZES: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn ev(t: spdk_bdev_event_type, _b: *mut spdk_bdev, _c: *mut c_void) {
    if t == spdk_bdev_event_type::SPDK_BDEV_EVENT_RESIZE {
        RESIZES.fetch_add(1, Ordering::SeqCst);
    }
}

unsafe fn poll(t: *mut spdk_thread) {
    for _ in 0..64 {
        spdk_thread_poll(t, 0, 0);
    }
}

/// Splits `len` bytes into uneven pieces (not block multiples) of `buf`.
fn scatter(buf: &mut [u8], sizes: &[usize]) -> Vec<iovec> {
    let mut v = Vec::new();
    let mut at = 0;
    let mut i = 0;
    while at < buf.len() {
        let n = sizes[i % sizes.len()].min(buf.len() - at);
        v.push(iovec {
            iov_base: buf[at..].as_mut_ptr().cast(),
            iov_len: n,
        });
        at += n;
        i += 1;
    }
    v
}

#[test]
fn limits_split_io_and_data_survives() {
    unsafe {
        assert_eq!(spdk_thread_lib_init(None, 0), 0);
        let t = spdk_thread_create(c"split".as_ptr(), ptr::null());
        spdk_set_thread(t);
        spdk_bdev_module_list_add(MODULE.0.get());
        core::initialize(init_done);
        poll(t);
        assert_eq!(INIT_RC.load(Ordering::SeqCst), 0);

        let bdev = Box::into_raw(Box::new(spdk_bdev::zeroed()));
        (*bdev).name = c"rec0".as_ptr() as *mut _;
        (*bdev).product_name = c"rec".as_ptr() as *mut _;
        (*bdev).blocklen = BS as u32;
        (*bdev).blockcnt = BLOCKS;
        (*bdev).module = MODULE.0.get();
        (*bdev).fn_table = &FN_TABLE;
        (*bdev).optimal_io_boundary = 16;
        (*bdev).flags |= BDEV_FLAG_SPLIT_ON_OPTIMAL_IO_BOUNDARY;
        (*bdev).max_rw_size = 6;
        (*bdev).max_segment_size = 700;
        (*bdev).max_num_segments = 5;
        (*bdev).max_unmap = 10;
        assert_eq!(spdk_bdev_register(bdev), 0);

        let mut desc = ptr::null_mut();
        assert_eq!(
            spdk_bdev_open_ext(c"rec0".as_ptr(), true, Some(ev), ptr::null_mut(), &mut desc),
            0
        );
        let ch = spdk_bdev_get_io_channel(desc);

        // 100 blocks from block 10: crosses boundaries, exceeds every
        // limit; buffers in odd-sized pieces, more than 32 of them.
        let n = 100u64;
        let mut src: Vec<u8> = (0..n * BS).map(|i| (i * 7 % 251) as u8).collect();
        let mut iov = scatter(&mut src, &[300, 1000, 77, 1200]);
        assert!(iov.len() > 32);
        let r = spdk_bdev_writev_blocks(
            desc,
            ch,
            iov.as_mut_ptr(),
            iov.len() as c_int,
            10,
            n,
            Some(done),
            ptr::null_mut(),
        );
        assert_eq!(r, 0);
        assert_eq!(DONE.load(Ordering::SeqCst), 0, "completed inside submit");
        poll(t);
        assert_eq!(
            (DONE.load(Ordering::SeqCst), OK.load(Ordering::SeqCst)),
            (1, 1)
        );
        assert!(SUBMITS.load(Ordering::Relaxed) >= 17);
        assert_eq!(VIOLATIONS.load(Ordering::Relaxed), 0);

        let mut dst = vec![0u8; (n * BS) as usize];
        let mut iov = scatter(&mut dst, &[512 * 3, 100, 4000]);
        let r = spdk_bdev_readv_blocks(
            desc,
            ch,
            iov.as_mut_ptr(),
            iov.len() as c_int,
            10,
            n,
            Some(done),
            ptr::null_mut(),
        );
        assert_eq!(r, 0);
        poll(t);
        assert_eq!(
            (DONE.load(Ordering::SeqCst), OK.load(Ordering::SeqCst)),
            (2, 2)
        );
        assert_eq!(VIOLATIONS.load(Ordering::Relaxed), 0);
        assert!(src == dst, "data read back differs");
        let disk = &*ptr::addr_of!(DISK);
        assert!(disk[(10 * BS) as usize..((10 + n) * BS) as usize] == src[..]);

        // A read with no buffer gets one, then is split.
        let r = spdk_bdev_read_blocks(
            desc,
            ch,
            ptr::null_mut(),
            0,
            40,
            Some(done),
            ptr::null_mut(),
        );
        assert_eq!(r, 0);
        poll(t);
        assert_eq!(
            (DONE.load(Ordering::SeqCst), OK.load(Ordering::SeqCst)),
            (3, 3)
        );

        // Buffers shorter than the I/O: the I/O fails, nothing crashes.
        let mut short = vec![0u8; 1000];
        let mut iov = [iovec {
            iov_base: short.as_mut_ptr().cast(),
            iov_len: short.len(),
        }];
        let r = spdk_bdev_readv_blocks(
            desc,
            ch,
            iov.as_mut_ptr(),
            1,
            0,
            20,
            Some(done),
            ptr::null_mut(),
        );
        assert_eq!(r, 0);
        poll(t);
        assert_eq!(
            (DONE.load(Ordering::SeqCst), OK.load(Ordering::SeqCst)),
            (4, 3)
        );

        // Unmap beyond max_unmap.
        let before = SUBMITS.load(Ordering::Relaxed);
        let r = spdk_bdev_unmap_blocks(desc, ch, 0, 95, Some(done), ptr::null_mut());
        assert_eq!(r, 0);
        poll(t);
        assert_eq!(
            (DONE.load(Ordering::SeqCst), OK.load(Ordering::SeqCst)),
            (5, 4)
        );
        assert!(SUBMITS.load(Ordering::Relaxed) - before >= 10);
        assert_eq!(VIOLATIONS.load(Ordering::Relaxed), 0);

        compare_and_copy(t, desc, ch);

        // Only the parents are counted.
        let mut st: spdk_bdev_io_stat = std::mem::zeroed();
        core::channel_stat(
            ch,
            &mut st,
            spdk_bdev_reset_stat_mode::SPDK_BDEV_RESET_STAT_NONE,
        );
        assert_eq!(
            st.num_write_ops,
            1 + 2 + 1,
            "+ the emulated copies' and compare-and-write's writes"
        );
        assert_eq!(
            st.num_read_ops,
            2 + 4 + 2,
            "+ the emulated compares' and copies' reads"
        );
        assert_eq!(st.bytes_written, (n + 20 + 1) * BS);
        qos_limits_rate(t, bdev, desc, ch);

        // Resize: growing tells the open descriptor; shrinking under it is refused.
        assert_eq!(spdk_bdev_notify_blockcnt_change(bdev, BLOCKS + 8), 0);
        assert_eq!(spdk_bdev_get_num_blocks(bdev), BLOCKS + 8);
        poll(t);
        assert_eq!(RESIZES.load(Ordering::SeqCst), 1);
        assert_eq!(spdk_bdev_notify_blockcnt_change(bdev, BLOCKS), -libc::EBUSY);
        assert_eq!(spdk_bdev_notify_blockcnt_change(bdev, BLOCKS + 8), 0);
        assert_eq!(
            spdk_bdev_notify_blockcnt_change(ptr::null_mut(), 1),
            -libc::EINVAL
        );
        poll(t);
        assert_eq!(
            RESIZES.load(Ordering::SeqCst),
            1,
            "no event without a change"
        );
        (*bdev).blockcnt = BLOCKS;
        histograms(t, bdev, desc, ch);

        spdk_put_io_channel(ch);
        spdk_bdev_close(desc);
        poll(t);

        aborts(t);
        claims_v2(t);

        // A bdev needing 4 KiB alignment gets bounce buffers for the
        // caller's misaligned ones; the data arrives all the same.
        let bdev = Box::into_raw(Box::new(spdk_bdev::zeroed()));
        (*bdev).name = c"rec1".as_ptr() as *mut _;
        (*bdev).product_name = c"rec".as_ptr() as *mut _;
        (*bdev).blocklen = BS as u32;
        (*bdev).blockcnt = BLOCKS;
        (*bdev).module = MODULE.0.get();
        (*bdev).fn_table = &ALIGNED_FN_TABLE;
        (*bdev).required_alignment = 12;
        assert_eq!(spdk_bdev_register(bdev), 0);
        assert_eq!(
            spdk_bdev_open_ext(c"rec1".as_ptr(), true, Some(ev), ptr::null_mut(), &mut desc),
            0
        );
        let ch = spdk_bdev_get_io_channel(desc);
        let mut big = vec![0u8; 8 * BS as usize + 1];
        let src = &mut big[1..];
        for (i, b) in src.iter_mut().enumerate() {
            *b = (i % 253) as u8;
        }
        let want = src.to_vec();
        let (d0, o0) = (DONE.load(Ordering::SeqCst), OK.load(Ordering::SeqCst));
        let r = spdk_bdev_write_blocks(
            desc,
            ch,
            src.as_mut_ptr().cast(),
            100,
            8,
            Some(done),
            ptr::null_mut(),
        );
        assert_eq!(r, 0);
        poll(t);
        src.fill(0);
        let r = spdk_bdev_read_blocks(
            desc,
            ch,
            src.as_mut_ptr().cast(),
            100,
            8,
            Some(done),
            ptr::null_mut(),
        );
        assert_eq!(r, 0);
        poll(t);
        assert_eq!(DONE.load(Ordering::SeqCst) - d0, 2);
        assert_eq!(OK.load(Ordering::SeqCst) - o0, 2);
        assert_eq!(VIOLATIONS.load(Ordering::Relaxed), 0);
        assert!(src[..] == want[..], "bounced data differs");
        spdk_put_io_channel(ch);
        spdk_bdev_close(desc);
        poll(t);
    }
}

/// Compare and copy, emulated (the module has neither): a compare that
/// matches, one that does not, a copy across split limits, an overlapping
/// copy, and bad ranges.
unsafe fn compare_and_copy(
    t: *mut spdk_thread,
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
) {
    let disk = ptr::addr_of_mut!(DISK).cast::<u8>();
    let block =
        |i: u64| std::slice::from_raw_parts(disk.add((i * BS) as usize), BS as usize).to_vec();
    let status = || (DONE.load(Ordering::SeqCst), OK.load(Ordering::SeqCst));

    let (d0, o0) = status();
    let mut same = [block(10), block(11)].concat();
    let r = spdk_bdev_compare_blocks(
        desc,
        ch,
        same.as_mut_ptr().cast(),
        10,
        2,
        Some(done),
        ptr::null_mut(),
    );
    assert_eq!(r, 0);
    poll(t);
    assert_eq!(status(), (d0 + 1, o0 + 1), "equal data compares equal");
    same[700] ^= 1;
    let r = spdk_bdev_compare_blocks(
        desc,
        ch,
        same.as_mut_ptr().cast(),
        10,
        2,
        Some(done),
        ptr::null_mut(),
    );
    assert_eq!(r, 0);
    poll(t);
    assert_eq!(status(), (d0 + 2, o0 + 1), "a changed byte miscompares");

    // Copy blocks 10..20 to 200..210, then 10..20 onto 15..25 (overlap).
    let want: Vec<Vec<u8>> = (10..20).map(block).collect();
    let r = spdk_bdev_copy_blocks(desc, ch, 200, 10, 10, Some(done), ptr::null_mut());
    assert_eq!(r, 0);
    poll(t);
    assert_eq!(status(), (d0 + 3, o0 + 2));
    for (k, w) in want.iter().enumerate() {
        assert!(block(200 + k as u64) == *w, "copied block {k}");
    }
    let r = spdk_bdev_copy_blocks(desc, ch, 15, 10, 10, Some(done), ptr::null_mut());
    assert_eq!(r, 0);
    poll(t);
    assert_eq!(status(), (d0 + 4, o0 + 3));
    for (k, w) in want.iter().enumerate() {
        assert!(block(15 + k as u64) == *w, "overlapping copy, block {k}");
    }

    // Bad ranges and arguments are refused at submission.
    assert_eq!(
        spdk_bdev_copy_blocks(desc, ch, 250, 0, 10, Some(done), ptr::null_mut()),
        -libc::EINVAL
    );
    assert_eq!(
        spdk_bdev_copy_blocks(desc, ch, 0, 250, 10, Some(done), ptr::null_mut()),
        -libc::EINVAL
    );
    assert_eq!(
        spdk_bdev_copy_blocks(desc, ch, 0, 1, 0, Some(done), ptr::null_mut()),
        -libc::EINVAL
    );
    assert_eq!(
        spdk_bdev_compare_blocks(desc, ch, ptr::null_mut(), 0, 1, Some(done), ptr::null_mut()),
        -libc::EINVAL
    );
    // No compare-and-write in this module: the library emulates it under
    // an LBA range lock (compare, then write).
    let mut iv = [iovec {
        iov_base: same.as_mut_ptr().cast(),
        iov_len: BS as usize,
    }];
    let mut wv = [iovec {
        iov_base: same.as_mut_ptr().cast(),
        iov_len: BS as usize,
    }];
    let caw = |n: u64, iv: &mut [iovec], wv: &mut [iovec]| {
        spdk_bdev_comparev_and_writev_blocks(
            desc,
            ch,
            iv.as_mut_ptr(),
            1,
            wv.as_mut_ptr(),
            1,
            0,
            n,
            Some(done),
            ptr::null_mut(),
        )
    };
    assert_eq!(
        caw(2, &mut iv, &mut wv),
        -libc::EINVAL,
        "beyond acwu (1 block by default)"
    );
    let mut old0 = block(0);
    let mut new0 = vec![0x5au8; BS as usize];
    iv[0].iov_base = old0.as_mut_ptr().cast();
    wv[0].iov_base = new0.as_mut_ptr().cast();
    let (d1, o1) = status();
    assert_eq!(caw(1, &mut iv, &mut wv), 0);
    for _ in 0..20 {
        poll(t);
    }
    assert_eq!(status(), (d1 + 1, o1 + 1), "emulated compare-and-write");
    assert!(block(0) == new0, "written after an equal compare");
    // The block no longer holds old0: miscompare, nothing written.
    wv[0].iov_base = same.as_mut_ptr().cast();
    assert_eq!(caw(1, &mut iv, &mut wv), 0);
    for _ in 0..20 {
        poll(t);
    }
    assert_eq!(status(), (d1 + 2, o1 + 1), "miscompare");
    assert!(block(0) == new0, "not written after a miscompare");
}

/// 1000 I/O per second is one per 1 ms timeslice: ten reads take about
/// ten timeslices; removing the limit releases the rest at once.
unsafe fn qos_limits_rate(
    t: *mut spdk_thread,
    bdev: *mut spdk_bdev,
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
) {
    let mut limits = [1000u64, u64::MAX, u64::MAX, u64::MAX];
    spdk_bdev_set_qos_rate_limits(bdev, limits.as_mut_ptr(), None, ptr::null_mut());
    let mut got = [0u64; 4];
    spdk_bdev_get_qos_rate_limits(bdev, got.as_mut_ptr());
    assert_eq!(got, [1000, 0, 0, 0]);
    let d0 = DONE.load(Ordering::SeqCst);
    let mut buf = vec![0u8; BS as usize];
    let start = std::time::Instant::now();
    for _ in 0..10 {
        let r = spdk_bdev_read_blocks(
            desc,
            ch,
            buf.as_mut_ptr().cast(),
            0,
            1,
            Some(done),
            ptr::null_mut(),
        );
        assert_eq!(r, 0);
    }
    poll(t);
    assert!(
        DONE.load(Ordering::SeqCst) - d0 <= 2,
        "the limit let a burst through"
    );
    while DONE.load(Ordering::SeqCst) - d0 < 10 {
        assert!(
            start.elapsed().as_secs() < 5,
            "throttled I/O never completed"
        );
        spdk_thread_poll(t, 0, 0);
    }
    assert!(start.elapsed() >= std::time::Duration::from_millis(7));
    // Without the limit, queued I/O goes at once.
    for _ in 0..5 {
        let r = spdk_bdev_read_blocks(
            desc,
            ch,
            buf.as_mut_ptr().cast(),
            0,
            1,
            Some(done),
            ptr::null_mut(),
        );
        assert_eq!(r, 0);
    }
    limits = [0, u64::MAX, u64::MAX, u64::MAX];
    spdk_bdev_set_qos_rate_limits(bdev, limits.as_mut_ptr(), None, ptr::null_mut());
    for _ in 0..2000 {
        spdk_thread_poll(t, 0, 0);
        if DONE.load(Ordering::SeqCst) - d0 == 15 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_micros(100));
    }
    assert_eq!(DONE.load(Ordering::SeqCst) - d0, 15);
    spdk_bdev_get_qos_rate_limits(bdev, got.as_mut_ptr());
    assert_eq!(got, [0; 4]);
}

static HIST_STATUS: AtomicUsize = AtomicUsize::new(usize::MAX);

unsafe extern "C" fn hist_status(_arg: *mut c_void, status: c_int) {
    HIST_STATUS.store(status as usize, Ordering::SeqCst);
}

unsafe extern "C" fn hist_data(
    arg: *mut c_void,
    status: c_int,
    h: *mut spdk_util::histogram::HistogramData,
) {
    HIST_STATUS.store(status as usize, Ordering::SeqCst);
    let h = &*h;
    let n = ((h.max_range - h.min_range + 1) as usize) << h.granularity;
    let total: u64 = std::slice::from_raw_parts(h.bucket, n).iter().sum();
    *arg.cast::<u64>() = total;
}

/// Histograms count completed reads (only reads, when asked), and are
/// gone once disabled.
unsafe fn histograms(
    t: *mut spdk_thread,
    bdev: *mut spdk_bdev,
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
) {
    let mut opts: spdk_bdev_enable_histogram_opts = std::mem::zeroed();
    spdk_bdev_enable_histogram_opts_init(&mut opts, std::mem::size_of_val(&opts));
    assert_eq!({ opts.granularity }, 7);
    opts.io_type = spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_READ as u8;
    spdk_bdev_histogram_enable_ext(bdev, Some(hist_status), ptr::null_mut(), true, &mut opts);
    poll(t);
    assert_eq!(HIST_STATUS.load(Ordering::SeqCst), 0);
    let mut buf = vec![0u8; BS as usize];
    for i in 0..6 {
        let r = if i % 2 == 0 {
            spdk_bdev_read_blocks(
                desc,
                ch,
                buf.as_mut_ptr().cast(),
                0,
                1,
                Some(done),
                ptr::null_mut(),
            )
        } else {
            spdk_bdev_write_blocks(
                desc,
                ch,
                buf.as_mut_ptr().cast(),
                0,
                1,
                Some(done),
                ptr::null_mut(),
            )
        };
        assert_eq!(r, 0);
    }
    poll(t);
    let mut hist = spdk_util::histogram::Histogram::new(7, 0, u64::MAX).unwrap();
    let mut view = hist.c_view();
    let mut total = 0u64;
    spdk_bdev_histogram_get(
        bdev,
        &mut view,
        Some(hist_data),
        ptr::addr_of_mut!(total).cast(),
    );
    poll(t);
    assert_eq!(HIST_STATUS.load(Ordering::SeqCst), 0);
    assert_eq!(total, 3, "only the three reads");
    total = 0;
    spdk_bdev_channel_get_histogram(ch, Some(hist_data), ptr::addr_of_mut!(total).cast());
    assert_eq!(total, 3);
    spdk_bdev_histogram_enable(bdev, Some(hist_status), ptr::null_mut(), false);
    poll(t);
    assert_eq!(HIST_STATUS.load(Ordering::SeqCst), 0);
    spdk_bdev_histogram_get(
        bdev,
        &mut view,
        Some(hist_data),
        ptr::addr_of_mut!(total).cast(),
    );
    poll(t);
    assert_eq!(HIST_STATUS.load(Ordering::SeqCst) as c_int, -libc::EFAULT);
}

static ABORTED: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn done_tagged(io: *mut spdk_bdev_io, ok: bool, _arg: *mut c_void) {
    if !ok {
        ABORTED.fetch_add(1, Ordering::SeqCst);
    }
    spdk_bdev_free_io(io);
}

/// spdk_bdev_abort: every I/O submitted with the argument goes, others
/// stay; nothing to abort fails; bdevs without abort refuse it.
unsafe fn aborts(t: *mut spdk_thread) {
    let bdev = Box::into_raw(Box::new(spdk_bdev::zeroed()));
    (*bdev).name = c"rec2".as_ptr() as *mut _;
    (*bdev).product_name = c"rec".as_ptr() as *mut _;
    (*bdev).blocklen = BS as u32;
    (*bdev).blockcnt = BLOCKS;
    (*bdev).module = MODULE.0.get();
    (*bdev).fn_table = &HOLDING_FN_TABLE;
    assert_eq!(spdk_bdev_register(bdev), 0);
    let mut desc = ptr::null_mut();
    assert_eq!(
        spdk_bdev_open_ext(
            c"rec2".as_ptr(),
            false,
            Some(ev),
            ptr::null_mut(),
            &mut desc
        ),
        0
    );
    let ch = spdk_bdev_get_io_channel(desc);
    let mut buf = vec![0u8; BS as usize];
    let mut tags = [0u8; 2];
    let (a, b): (*mut c_void, *mut c_void) = (
        ptr::addr_of_mut!(tags[0]).cast(),
        ptr::addr_of_mut!(tags[1]).cast(),
    );
    for arg in [a, a, b, a] {
        let r = spdk_bdev_read_blocks(
            desc,
            ch,
            buf.as_mut_ptr().cast(),
            0,
            1,
            Some(done_tagged),
            arg,
        );
        assert_eq!(r, 0);
    }
    poll(t);
    assert_eq!((*ptr::addr_of!(HELD)).len(), 4);
    let (d0, o0) = (DONE.load(Ordering::SeqCst), OK.load(Ordering::SeqCst));
    assert_eq!(spdk_bdev_abort(desc, ch, a, Some(done), ptr::null_mut()), 0);
    poll(t);
    assert_eq!(
        ABORTED.load(Ordering::SeqCst),
        3,
        "the three reads of `a` were aborted"
    );
    assert_eq!((*ptr::addr_of!(HELD)).len(), 1, "`b` is left");
    assert_eq!(
        (DONE.load(Ordering::SeqCst), OK.load(Ordering::SeqCst)),
        (d0 + 1, o0 + 1)
    );
    assert_eq!(spdk_bdev_abort(desc, ch, a, Some(done), ptr::null_mut()), 0);
    poll(t);
    assert_eq!(
        (DONE.load(Ordering::SeqCst), OK.load(Ordering::SeqCst)),
        (d0 + 2, o0 + 1),
        "nothing left to abort"
    );
    assert_eq!(
        spdk_bdev_abort(desc, ch, ptr::null_mut(), Some(done), ptr::null_mut()),
        -libc::EINVAL
    );
    assert_eq!(spdk_bdev_abort(desc, ch, b, Some(done), ptr::null_mut()), 0);
    poll(t);
    assert_eq!(ABORTED.load(Ordering::SeqCst), 4);
    assert!((*ptr::addr_of!(HELD)).is_empty());
    spdk_put_io_channel(ch);
    spdk_bdev_close(desc);
    // rec0 has no abort.
    let mut d0 = ptr::null_mut();
    assert_eq!(
        spdk_bdev_open_ext(c"rec0".as_ptr(), false, Some(ev), ptr::null_mut(), &mut d0),
        0
    );
    let ch0 = spdk_bdev_get_io_channel(d0);
    assert_eq!(
        spdk_bdev_abort(d0, ch0, a, Some(done), ptr::null_mut()),
        -libc::ENOTSUP
    );
    spdk_put_io_channel(ch0);
    spdk_bdev_close(d0);
    poll(t);
}

unsafe fn open(name: &std::ffi::CStr, write: bool) -> Result<*mut spdk_bdev_desc, c_int> {
    let mut d = ptr::null_mut();
    match spdk_bdev_open_ext(name.as_ptr(), write, Some(ev), ptr::null_mut(), &mut d) {
        0 => Ok(d),
        e => Err(e),
    }
}

/// v2 claims: read-many-write-none, read-many-write-one and shared-write
/// with keys, each released when its descriptor closes.
unsafe fn claims_v2(t: *mut spdk_thread) {
    use spdk_bdev_claim_type::*;
    let m = MODULE.0.get();
    let claim = |d, ty: spdk_bdev_claim_type, key: u64| {
        let mut o: spdk_bdev_claim_opts = std::mem::zeroed();
        spdk_bdev_claim_opts_init(&mut o, std::mem::size_of_val(&o));
        o.shared_claim_key = key;
        spdk_bdev_module_claim_bdev_desc(d, ClaimTypeArg(ty as c_int), &mut o, m)
    };
    let name = c"rec0";
    // Readers only.
    let (r1, r2) = (open(name, false).unwrap(), open(name, false).unwrap());
    assert_eq!(claim(r1, SPDK_BDEV_CLAIM_READ_MANY_WRITE_NONE, 0), 0);
    assert_eq!(claim(r2, SPDK_BDEV_CLAIM_READ_MANY_WRITE_NONE, 0), 0);
    assert_eq!(
        claim(r2, SPDK_BDEV_CLAIM_READ_MANY_WRITE_NONE, 0),
        -libc::EPERM,
        "twice"
    );
    assert_eq!(
        open(name, true).err(),
        Some(-libc::EPERM),
        "no writer under ROM"
    );
    assert_eq!(
        claim(r1, SPDK_BDEV_CLAIM_READ_MANY_WRITE_ONE, 0),
        -libc::EPERM
    );
    spdk_bdev_close(r1);
    spdk_bdev_close(r2);
    // One writer; readers without claims welcome.
    let w = open(name, true).unwrap();
    assert_eq!(
        claim(w, SPDK_BDEV_CLAIM_READ_MANY_WRITE_ONE, 7),
        -libc::EINVAL,
        "no key"
    );
    assert_eq!(claim(w, SPDK_BDEV_CLAIM_READ_MANY_WRITE_ONE, 0), 0);
    let r = open(name, false).unwrap();
    assert_eq!(open(name, true).err(), Some(-libc::EPERM));
    assert_eq!(
        spdk_bdev_module_claim_bdev(spdk_bdev_desc_get_bdev(r), r, m),
        -libc::EPERM,
        "v1 after v2"
    );
    spdk_bdev_close(r);
    spdk_bdev_close(w);
    // Shared writers with one key: a read-only descriptor is upgraded.
    let (a, b) = (open(name, false).unwrap(), open(name, false).unwrap());
    assert_eq!(
        claim(a, SPDK_BDEV_CLAIM_READ_MANY_WRITE_SHARED, 0),
        -libc::EINVAL,
        "key needed"
    );
    assert_eq!(claim(a, SPDK_BDEV_CLAIM_READ_MANY_WRITE_SHARED, 42), 0);
    assert_eq!(
        claim(b, SPDK_BDEV_CLAIM_READ_MANY_WRITE_SHARED, 41),
        -libc::EPERM,
        "other key"
    );
    assert_eq!(claim(b, SPDK_BDEV_CLAIM_READ_MANY_WRITE_SHARED, 42), 0);
    let ch = spdk_bdev_get_io_channel(b);
    let mut buf = vec![0u8; BS as usize];
    let d0 = DONE.load(Ordering::SeqCst);
    assert_eq!(
        spdk_bdev_write_blocks(
            b,
            ch,
            buf.as_mut_ptr().cast(),
            0,
            1,
            Some(done),
            ptr::null_mut()
        ),
        0,
        "upgraded to write"
    );
    poll(t);
    assert_eq!(DONE.load(Ordering::SeqCst), d0 + 1);
    spdk_put_io_channel(ch);
    spdk_bdev_close(a);
    spdk_bdev_close(b);
    poll(t);
    let w = open(name, true).expect("claims gone with their descriptors");
    spdk_bdev_close(w);
    poll(t);
}
