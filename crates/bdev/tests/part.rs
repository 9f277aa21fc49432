//! The bdev part C API, used as a C module would: a base over a RAM bdev,
//! two parts of it, I/O forwarded with the offset (and through the _ext
//! completion), UUIDs, errors, unregistering a part, and hot removal of
//! the base taking the parts and the base with it.

mod common;

use std::ffi::{c_int, c_void, CStr};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::part::*;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_thread::ffi::thread::*;
use common::*;

static PT: Cell<spdk_bdev_module> = Cell(std::cell::UnsafeCell::new(spdk_bdev_module {
    module_init: None,
    init_complete: None,
    fini_start: None,
    module_fini: None,
    config_json: None,
    name: c"pt".as_ptr(),
    get_ctx_size: None,
    examine_config: None,
    examine_disk: None,
    async_init: false,
    async_fini: false,
    async_fini_start: false,
    internal: spdk_bdev_module_internal_fields::new(),
}));

static FN: Cell<spdk_bdev_fn_table> = Cell(std::cell::UnsafeCell::new(spdk_bdev_fn_table {
    destruct: Some(pt_destruct),
    submit_request: Some(pt_submit),
    io_type_supported: None,
    get_io_channel: None,
    dump_info_json: None,
    write_config_json: None,
    get_spin_time: None,
    get_module_ctx: None,
    get_memory_domains: None,
    reset_device_stat: None,
    dump_device_stat_json: None,
    accel_sequence_supported: None,
}));

static PARTS: Cell<PartTailq> = Cell(std::cell::UnsafeCell::new(PartTailq {
    tqh_first: ptr::null_mut(),
    tqh_last: ptr::null_mut(),
}));

static FREED: AtomicUsize = AtomicUsize::new(0);
static CH_CREATED: AtomicUsize = AtomicUsize::new(0);
static EXT_DONE: AtomicUsize = AtomicUsize::new(0);
static USE_EXT: AtomicUsize = AtomicUsize::new(0);

/// The module's channel: the part channel, then its own field.
#[repr(C)]
struct PtChannel {
    part: spdk_bdev_part_channel,
    mine: u64,
}

unsafe extern "C" fn pt_destruct(ctx: *mut c_void) -> c_int {
    spdk_bdev_part_free(ctx.cast())
}

unsafe extern "C" fn ext_done(io: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    assert!(arg.is_null());
    EXT_DONE.fetch_add(1, Ordering::SeqCst);
    spdk_bdev_io_complete(io, IoStatusArg(if ok { 1 } else { -1 }));
}

unsafe extern "C" fn pt_submit(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let pch = ::spdk_thread::channel::IoChannel::ctx(ch.cast()).cast::<PtChannel>();
    assert_eq!((*pch).mine, 77, "the module's channel fields");
    let rc = if USE_EXT.load(Ordering::SeqCst) != 0 {
        spdk_bdev_part_submit_request_ext(ptr::addr_of_mut!((*pch).part), io, Some(ext_done))
    } else {
        spdk_bdev_part_submit_request(ptr::addr_of_mut!((*pch).part), io)
    };
    if rc != 0 {
        spdk_bdev_io_complete(io, IoStatusArg(-1));
    }
}

unsafe extern "C" fn ch_create(_dev: *mut c_void, ctx: *mut c_void) -> c_int {
    CH_CREATED.fetch_add(1, Ordering::SeqCst);
    (*ctx.cast::<PtChannel>()).mine = 77;
    0
}
unsafe extern "C" fn ch_destroy(_dev: *mut c_void, _ctx: *mut c_void) {}

unsafe extern "C" fn base_removed(base: *mut c_void) {
    spdk_bdev_part_base_hotremove(base.cast(), PARTS.0.get());
}

unsafe extern "C" fn base_freed(ctx: *mut c_void) {
    assert_eq!(ctx as usize, 5);
    FREED.fetch_add(1, Ordering::SeqCst);
}

unsafe fn new_part() -> *mut spdk_bdev_part {
    libc::calloc(1, std::mem::size_of::<spdk_bdev_part>()).cast()
}

unsafe fn parts() -> Vec<String> {
    let mut out = Vec::new();
    let mut p = (*PARTS.0.get()).tqh_first;
    while !p.is_null() {
        out.push(
            CStr::from_ptr(spdk_bdev_get_name(spdk_bdev_part_get_bdev(p)))
                .to_string_lossy()
                .into_owned(),
        );
        p = (*p).tailq.tqe_next;
    }
    out
}

unsafe fn construct_base(name: &CStr, base: &mut *mut spdk_bdev_part_base) -> c_int {
    spdk_bdev_part_base_construct_ext(
        name.as_ptr(),
        Some(base_removed),
        PT.0.get(),
        FN.0.get(),
        PARTS.0.get(),
        Some(base_freed),
        5 as *mut c_void,
        std::mem::size_of::<PtChannel>() as u32,
        Some(ch_create),
        Some(ch_destroy),
        base,
    )
}

#[test]
fn parts_of_a_base() {
    unsafe {
        let t = init();
        let q = PARTS.0.get();
        (*q).tqh_last = ptr::addr_of_mut!((*q).tqh_first);
        let r = create("disk", 64, 512, BASIC, |_| {});
        let disk = ptr::addr_of_mut!((*r).bdev);

        // The base.
        let mut base = ptr::null_mut();
        assert_eq!(construct_base(c"nodisk", &mut base), -libc::ENODEV);
        assert_eq!(
            FREED.load(Ordering::SeqCst),
            0,
            "free_fn only for other errors"
        );
        let mut spare = ptr::null_mut();
        assert_eq!(construct_base(c"disk", &mut spare), 0);
        spdk_bdev_part_base_free(spare);
        assert_eq!(FREED.load(Ordering::SeqCst), 1, "a base freed unused");
        poll(t);
        let mut base = ptr::null_mut();
        assert_eq!(construct_base(c"disk", &mut base), 0);
        assert_eq!(spdk_bdev_part_base_get_bdev(base), disk);
        assert_eq!(
            CStr::from_ptr(spdk_bdev_part_base_get_bdev_name(base)).to_bytes(),
            b"disk"
        );
        assert!(!spdk_bdev_part_base_get_desc(base).is_null());
        assert_eq!(spdk_bdev_part_base_get_tailq(base), q);
        assert_eq!(spdk_bdev_part_base_get_ctx(base) as usize, 5);
        assert!(
            (*FN.0.get()).get_io_channel.is_some(),
            "the library fills the table in"
        );
        assert_eq!(
            spdk_bdev_part_base_construct_ext(
                c"disk".as_ptr(),
                None,
                PT.0.get(),
                FN.0.get(),
                q,
                None,
                ptr::null_mut(),
                8,
                None,
                None,
                &mut ptr::null_mut()
            ),
            -libc::EINVAL,
            "channel smaller than struct spdk_bdev_part_channel"
        );

        // Two parts; the base is claimed with the first.
        let p0 = new_part();
        let p1 = new_part();
        let bad = new_part();
        assert_eq!(
            spdk_bdev_part_construct(
                bad,
                base,
                c"disk_x".as_ptr() as *mut _,
                60,
                8,
                c"Part".as_ptr() as *mut _
            ),
            -1,
            "beyond the base"
        );
        libc::free(bad.cast());
        assert_eq!(
            spdk_bdev_part_construct(
                p0,
                base,
                c"disk_p0".as_ptr() as *mut _,
                0,
                16,
                c"Part".as_ptr() as *mut _
            ),
            0
        );
        let mut opts: spdk_bdev_part_construct_opts = std::mem::zeroed();
        spdk_bdev_part_construct_opts_init(
            &mut opts,
            std::mem::size_of::<spdk_bdev_part_construct_opts>() as u64,
        );
        assert_eq!(opts.opts_size, 24);
        opts.uuid.u.raw = [7; 16];
        assert_eq!(
            spdk_bdev_part_construct_ext(
                p1,
                base,
                c"disk_p1".as_ptr() as *mut _,
                16,
                32,
                c"Part".as_ptr() as *mut _,
                &opts
            ),
            0
        );
        assert_eq!(parts(), ["disk_p0", "disk_p1"]);
        let b0 = spdk_bdev_part_get_bdev(p0);
        let b1 = spdk_bdev_part_get_bdev(p1);
        assert_eq!(spdk_bdev_get_by_name(c"disk_p1".as_ptr()), b1);
        assert_eq!(
            (
                spdk_bdev_get_num_blocks(b1),
                spdk_bdev_part_get_offset_blocks(p1)
            ),
            (32, 16)
        );
        assert_eq!(spdk_bdev_part_get_base(p1), base);
        assert_eq!(spdk_bdev_part_get_base_bdev(p1), disk);
        assert_eq!((*spdk_bdev_get_uuid(b1)).u.raw, [7; 16]);
        let u0 = (*spdk_bdev_get_uuid(b0)).u.raw;
        assert_ne!(u0, [0; 16]);
        assert_ne!(
            u0,
            (*spdk_bdev_get_uuid(disk)).u.raw,
            "derived from the base's, not equal"
        );
        assert_eq!(u0[6] >> 4, 5, "a name-based (SHA-1) UUID");
        let mut dw = ptr::null_mut();
        assert_eq!(
            spdk_bdev_open_ext(c"disk".as_ptr(), true, Some(ev), ptr::null_mut(), &mut dw),
            -libc::EPERM,
            "the base is claimed"
        );

        // I/O lands at the part's offset.
        let d1 = open(c"disk_p1", true);
        let ch = spdk_bdev_get_io_channel(d1);
        assert_eq!(CH_CREATED.load(Ordering::SeqCst), 1);
        let mut tr = Track::default();
        let a = ptr::addr_of_mut!(tr).cast::<c_void>();
        let mut buf: Vec<u8> = (0..1024).map(|i| (i % 13) as u8).collect();
        assert_eq!(
            spdk_bdev_write_blocks(d1, ch, buf.as_mut_ptr().cast(), 2, 2, cb(), a),
            0
        );
        assert!(poll_until(&[t], || tr.done == 1));
        assert_eq!(&(&(*r).data)[18 * 512..20 * 512], &buf[..]);
        let mut back = vec![0u8; 1024];
        assert_eq!(
            spdk_bdev_read_blocks(d1, ch, back.as_mut_ptr().cast(), 2, 2, cb(), a),
            0
        );
        assert!(poll_until(&[t], || tr.done == 2));
        assert!(back == buf);
        // Copy within the part (emulated above the part, forwarded below).
        assert_eq!(spdk_bdev_copy_blocks(d1, ch, 10, 2, 2, cb(), a), 0);
        assert!(poll_until(&[t], || tr.done == 3));
        assert_eq!(&(&(*r).data)[26 * 512..28 * 512], &buf[..]);
        assert_eq!(spdk_bdev_unmap_blocks(d1, ch, 2, 1, cb(), a), 0);
        assert_eq!(spdk_bdev_flush_blocks(d1, ch, 0, 32, cb(), a), 0);
        assert_eq!(spdk_bdev_reset(d1, ch, cb(), a), 0);
        assert!(poll_until(&[t], || tr.done == 6));
        assert_eq!(tr.ok, 6);
        assert!((&(*r).data)[18 * 512..19 * 512].iter().all(|&x| x == 0));
        // The module's own completion.
        USE_EXT.store(1, Ordering::SeqCst);
        assert_eq!(
            spdk_bdev_read_blocks(d1, ch, back.as_mut_ptr().cast(), 3, 1, cb(), a),
            0
        );
        assert!(poll_until(&[t], || tr.done == 7));
        assert_eq!((EXT_DONE.load(Ordering::SeqCst), tr.ok), (1, 7));
        USE_EXT.store(0, Ordering::SeqCst);
        // Types parts do not forward fail.
        assert!(
            !spdk_bdev_io_type_supported(b1, IoTypeArg(6)),
            "no NVMe admin through a part"
        );
        assert_eq!(
            spdk_bdev_part_submit_request(ptr::null_mut(), ptr::null_mut()),
            -libc::EINVAL
        );
        spdk_put_io_channel(ch);
        spdk_bdev_close(d1);

        // Unregistering a part frees it; the base stays for the other.
        let mut unreg = Track::default();
        spdk_bdev_unregister(b0, Some(unreg_done), ptr::addr_of_mut!(unreg).cast());
        assert!(poll_until(&[t], || unreg.done == 1));
        assert_eq!(parts(), ["disk_p1"]);
        assert_eq!(FREED.load(Ordering::SeqCst), 1);

        // Hot removal of the base: the remaining part goes, then the base.
        let mut gone = Track::default();
        spdk_bdev_unregister(disk, Some(unreg_done), ptr::addr_of_mut!(gone).cast());
        assert!(poll_until(&[t], || gone.done == 1));
        assert!(parts().is_empty());
        assert_eq!(FREED.load(Ordering::SeqCst), 2, "free_fn of the base");
        assert!(spdk_bdev_get_by_name(c"disk_p1".as_ptr()).is_null());
        assert!(spdk_bdev_first().is_null());
        fini(t);
    }
}

unsafe extern "C" fn unreg_done(arg: *mut c_void, rc: c_int) {
    assert_eq!(rc, 0);
    (*arg.cast::<Track>()).done += 1;
}
