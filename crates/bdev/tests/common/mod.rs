//! Shared by the integration tests: a RAM bdev module whose bdevs can
//! support any I/O type, have separate metadata, be zoned, or hold I/O
//! until the test releases it; library init/fini and polling helpers.
#![allow(dead_code)]

use std::ffi::{c_int, c_void, CString};
use std::ptr;
use std::sync::atomic::{AtomicI32, Ordering};

use ::spdk_bdev::core;
use ::spdk_bdev::ffi::bdev::spdk_bdev_io_type::{self, *};
use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_bdev::ffi::bdev_zone::*;
use ::spdk_thread::ffi::thread::*;

pub struct Cell<T>(pub std::cell::UnsafeCell<T>);
// SAFETY: tests drive the library from their threads as SPDK requires.
unsafe impl<T> Sync for Cell<T> {}

pub static MODULE: Cell<spdk_bdev_module> = Cell(std::cell::UnsafeCell::new(spdk_bdev_module {
    module_init: Some(ram_init),
    init_complete: None,
    fini_start: None,
    module_fini: None,
    config_json: None,
    name: c"ram".as_ptr(),
    get_ctx_size: None,
    examine_config: None,
    examine_disk: None,
    async_init: false,
    async_fini: false,
    async_fini_start: false,
    internal: spdk_bdev_module_internal_fields::new(),
}));

pub fn module() -> *mut spdk_bdev_module {
    MODULE.0.get()
}

pub static FN_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(ram_destruct),
    submit_request: Some(ram_submit),
    io_type_supported: Some(ram_supported),
    get_io_channel: Some(ram_channel),
    dump_info_json: Some(ram_dump_info),
    write_config_json: None,
    get_spin_time: None,
    get_module_ctx: Some(ram_module_ctx),
    get_memory_domains: None,
    reset_device_stat: None,
    dump_device_stat_json: None,
    accel_sequence_supported: None,
};

static DEV: u8 = 0;

/// A RAM bdev: its spdk_bdev first.
#[repr(C)]
pub struct Ram {
    pub bdev: spdk_bdev,
    name: CString,
    pub data: Vec<u8>,
    pub md: Vec<u8>,
    /// Bit n: I/O type n is supported.
    pub supported: u64,
    /// Reads and writes wait in `held` until released.
    pub hold: bool,
    pub held: Vec<*mut spdk_bdev_io>,
    /// Blocks written uncorrectable (reads of them fail).
    pub bad: Vec<bool>,
    /// Zone write pointers (zoned bdevs).
    pub wp: Vec<u64>,
    pub submits: usize,
}

pub fn bit(t: spdk_bdev_io_type) -> u64 {
    1 << t as u32
}

pub const BASIC: u64 = (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 9);

unsafe extern "C" fn ram_init() -> c_int {
    spdk_io_device_register(
        ptr::addr_of!(DEV) as *mut c_void,
        Some(ch_create),
        Some(ch_destroy),
        8,
        c"ram".as_ptr(),
    );
    0
}
unsafe extern "C" fn ch_create(_d: *mut c_void, _c: *mut c_void) -> c_int {
    0
}
unsafe extern "C" fn ch_destroy(_d: *mut c_void, _c: *mut c_void) {}

pub static DESTRUCTED: AtomicI32 = AtomicI32::new(0);

pub unsafe extern "C" fn ram_destruct(ctx: *mut c_void) -> c_int {
    DESTRUCTED.fetch_add(1, Ordering::SeqCst);
    drop(Box::from_raw(ctx.cast::<Ram>()));
    0
}
pub unsafe extern "C" fn ram_channel(_c: *mut c_void) -> *mut spdk_io_channel {
    spdk_get_io_channel(ptr::addr_of!(DEV) as *mut c_void)
}
pub unsafe extern "C" fn ram_supported(c: *mut c_void, t: spdk_bdev_io_type) -> bool {
    (*c.cast::<Ram>()).supported & bit(t) != 0
}
unsafe extern "C" fn ram_module_ctx(c: *mut c_void) -> *mut c_void {
    c
}
unsafe extern "C" fn ram_dump_info(
    _c: *mut c_void,
    w: *mut spdk_json::ffi::json::spdk_json_write_ctx,
) -> c_int {
    if let Some(w) = spdk_json::ffi::json::writer_mut(w) {
        let _ = w.named_object_begin("ram");
        let _ = w.named_bool("test", true);
        let _ = w.object_end();
    }
    0
}

/// Registers a RAM bdev (`cfg` may adjust it before registration).
pub unsafe fn create(
    name: &str,
    blocks: u64,
    block_size: u32,
    supported: u64,
    cfg: impl FnOnce(&mut Ram),
) -> *mut Ram {
    let r = Box::into_raw(Box::new(Ram {
        bdev: spdk_bdev::zeroed(),
        name: CString::new(name).unwrap(),
        data: vec![0; (blocks * block_size as u64) as usize],
        md: Vec::new(),
        supported,
        hold: false,
        held: Vec::new(),
        bad: vec![false; blocks as usize],
        wp: Vec::new(),
        submits: 0,
    }));
    let b = &mut (*r).bdev;
    b.name = (*r).name.as_ptr() as *mut _;
    b.product_name = c"RAM disk".as_ptr() as *mut _;
    b.blocklen = block_size;
    b.blockcnt = blocks;
    b.module = module();
    b.fn_table = &FN_TABLE;
    b.ctxt = r.cast();
    cfg(&mut *r);
    let md = (*r).bdev.md_len as u64;
    if md != 0 && !(*r).bdev.md_interleave() {
        (*r).md = vec![0; (blocks * md) as usize];
    }
    if (*r).bdev.zoned() {
        let zs = (*r).bdev.zone_size;
        (*r).wp = (0..blocks / zs).map(|z| z * zs).collect();
    }
    assert_eq!(spdk_bdev_register(&mut (*r).bdev), 0, "register {name}");
    r
}

unsafe fn iov_copy(io: *mut spdk_bdev_io, disk: *mut u8, to_disk: bool) {
    let p = &(*io).u.bdev;
    let mut at = 0usize;
    for v in std::slice::from_raw_parts(p.iovs, p.iovcnt as usize) {
        if to_disk {
            ptr::copy_nonoverlapping(v.iov_base.cast::<u8>(), disk.add(at), v.iov_len);
        } else {
            ptr::copy_nonoverlapping(disk.add(at), v.iov_base.cast::<u8>(), v.iov_len);
        }
        at += v.iov_len;
    }
}

unsafe extern "C" fn buf_ready(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io, ok: bool) {
    if !ok {
        spdk_bdev_io_complete(io, IoStatusArg(-1));
        return;
    }
    ram_submit(ch, io);
}

/// Does one I/O now (held ones too, when released).
pub unsafe fn execute(io: *mut spdk_bdev_io) {
    let r = &mut *(*(*io).bdev).ctxt.cast::<Ram>();
    let bs = r.bdev.blocklen as usize;
    let mdl = r.bdev.md_len as usize;
    let ty = spdk_bdev_io_type::from_int((*io).r#type as c_int).unwrap();
    let status = match ty {
        SPDK_BDEV_IO_TYPE_READ | SPDK_BDEV_IO_TYPE_WRITE => {
            let p = &(*io).u.bdev;
            let off = p.offset_blocks as usize;
            let n = p.num_blocks as usize;
            let write = ty == SPDK_BDEV_IO_TYPE_WRITE;
            if !write && r.bad[off..off + n].iter().any(|&b| b) {
                -1
            } else {
                iov_copy(io, r.data.as_mut_ptr().add(off * bs), write);
                if !p.md_buf.is_null() {
                    let m = r.md.as_mut_ptr().add(off * mdl);
                    if write {
                        ptr::copy_nonoverlapping(p.md_buf.cast::<u8>(), m, n * mdl);
                    } else {
                        ptr::copy_nonoverlapping(m, p.md_buf.cast::<u8>(), n * mdl);
                    }
                }
                if write {
                    r.bad[off..off + n].fill(false);
                }
                1
            }
        }
        SPDK_BDEV_IO_TYPE_UNMAP | SPDK_BDEV_IO_TYPE_WRITE_ZEROES => {
            let p = &(*io).u.bdev;
            let (o, n) = (p.offset_blocks as usize * bs, p.num_blocks as usize * bs);
            r.data[o..o + n].fill(0);
            1
        }
        SPDK_BDEV_IO_TYPE_WRITE_UNCORRECTABLE => {
            let p = &(*io).u.bdev;
            let (o, n) = (p.offset_blocks as usize, p.num_blocks as usize);
            r.bad[o..o + n].fill(true);
            1
        }
        SPDK_BDEV_IO_TYPE_SEEK_DATA | SPDK_BDEV_IO_TYPE_SEEK_HOLE => {
            let from = (*io).u.bdev.offset_blocks;
            let want_data = ty == SPDK_BDEV_IO_TYPE_SEEK_DATA;
            let found = (from..r.bdev.blockcnt).find(|&b| {
                let blk = &r.data[b as usize * bs..(b as usize + 1) * bs];
                blk.iter().any(|&x| x != 0) == want_data
            });
            (*io).u.bdev.seek.offset = found.unwrap_or(u64::MAX);
            1
        }
        SPDK_BDEV_IO_TYPE_GET_ZONE_INFO => {
            let z = (*io).u.zone_mgmt;
            let zs = r.bdev.zone_size;
            let info = z.buf.cast::<spdk_bdev_zone_info>();
            for k in 0..z.num_zones as u64 {
                let id = z.zone_id + k * zs;
                let i = (id / zs) as usize;
                if i >= r.wp.len() {
                    break;
                }
                *info.add(k as usize) = spdk_bdev_zone_info {
                    zone_id: id,
                    write_pointer: r.wp[i],
                    capacity: zs,
                    state: ZoneStateField(if r.wp[i] == id { 0 } else { 1 }),
                    r#type: ZoneTypeField(2),
                };
            }
            1
        }
        SPDK_BDEV_IO_TYPE_ZONE_MANAGEMENT => {
            let z = (*io).u.zone_mgmt;
            let i = (z.zone_id / r.bdev.zone_size) as usize;
            if z.zone_action.0 == spdk_bdev_zone_action::SPDK_BDEV_ZONE_RESET as c_int {
                r.wp[i] = z.zone_id;
            }
            1
        }
        SPDK_BDEV_IO_TYPE_ZONE_APPEND => {
            let p = &mut (*io).u.bdev;
            let zs = r.bdev.zone_size;
            let i = (p.offset_blocks / zs) as usize;
            let at = r.wp[i];
            p.offset_blocks = at;
            r.wp[i] += p.num_blocks;
            iov_copy(io, r.data.as_mut_ptr().add(at as usize * bs), true);
            1
        }
        SPDK_BDEV_IO_TYPE_ABORT => {
            let target = (*io).u.abort.bio_to_abort;
            match r.held.iter().position(|&h| h == target) {
                Some(k) => {
                    r.held.swap_remove(k);
                    spdk_bdev_io_complete(target, IoStatusArg(-7));
                    1
                }
                None => -1,
            }
        }
        _ => 1,
    };
    spdk_bdev_io_complete(io, IoStatusArg(status));
}

unsafe extern "C" fn ram_submit(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let r = &mut *(*(*io).bdev).ctxt.cast::<Ram>();
    let ty = (*io).r#type;
    let rw = ty == SPDK_BDEV_IO_TYPE_READ as u8 || ty == SPDK_BDEV_IO_TYPE_WRITE as u8;
    if ty == SPDK_BDEV_IO_TYPE_READ as u8 && (*(*io).u.bdev.iovs).iov_base.is_null() {
        let len = (*io).u.bdev.num_blocks * r.bdev.blocklen as u64;
        spdk_bdev_io_get_buf(io, Some(buf_ready), len);
        return;
    }
    let _ = ch;
    r.submits += 1;
    if r.hold && rw {
        r.held.push(io);
        return;
    }
    execute(io);
}

/// Completes every held I/O.
pub unsafe fn release(r: *mut Ram) {
    for io in std::mem::take(&mut (*r).held) {
        execute(io);
    }
}

// ---- library and threads ----

static INIT_RC: AtomicI32 = AtomicI32::new(i32::MIN);
static FINI: AtomicI32 = AtomicI32::new(0);

unsafe fn init_done(rc: c_int) {
    INIT_RC.store(rc, Ordering::SeqCst);
}
unsafe fn fini_done(_rc: c_int) {
    FINI.store(1, Ordering::SeqCst);
}

/// Thread library, the app thread (made current), the bdev library with
/// the RAM module.
pub unsafe fn init() -> *mut spdk_thread {
    assert_eq!(spdk_thread_lib_init(None, 0), 0);
    let t = spdk_thread_create(c"app".as_ptr(), ptr::null());
    spdk_set_thread(t);
    spdk_bdev_module_list_add(module());
    core::initialize(init_done);
    poll(t);
    assert_eq!(INIT_RC.load(Ordering::SeqCst), 0);
    t
}

/// Finishes the bdev library.
pub unsafe fn fini(t: *mut spdk_thread) {
    spdk_set_thread(t);
    core::finish(fini_done);
    poll_until(&[t], || FINI.load(Ordering::SeqCst) == 1);
}

pub unsafe fn poll(t: *mut spdk_thread) {
    for _ in 0..64 {
        spdk_thread_poll(t, 0, 0);
    }
}

/// Polls the threads (each current in turn) until `cond` or 5 s.
pub unsafe fn poll_until(threads: &[*mut spdk_thread], mut cond: impl FnMut() -> bool) -> bool {
    let me = spdk_get_thread();
    let end = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let ok = loop {
        if cond() {
            break true;
        }
        if std::time::Instant::now() > end {
            break false;
        }
        for &t in threads {
            spdk_set_thread(t);
            spdk_thread_poll(t, 0, 0);
        }
    };
    spdk_set_thread(me);
    ok
}

/// Completions seen by [`io_done`] (cb_arg points to one).
#[derive(Default, Debug, Clone)]
pub struct Track {
    pub done: usize,
    pub ok: usize,
    pub seek: u64,
    pub append: u64,
    pub status: Vec<bool>,
    /// spdk_bdev_io_get_nvme_fused_status() of the last one.
    pub fused: [i32; 4],
}

pub unsafe extern "C" fn io_done(io: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let t = &mut *arg.cast::<Track>();
    t.done += 1;
    t.ok += ok as usize;
    t.status.push(ok);
    t.seek = ::spdk_bdev::ffi::bdev::md_io::spdk_bdev_io_get_seek_offset(io);
    t.append = (*io).u.bdev.offset_blocks;
    let mut c = 0;
    let f = &mut t.fused;
    let (a, rest) = f.split_at_mut(1);
    let (b, rest) = rest.split_at_mut(1);
    let (x, y) = rest.split_at_mut(1);
    ::spdk_bdev::ffi::bdev::md_io::spdk_bdev_io_get_nvme_fused_status(
        io, &mut c, &mut a[0], &mut b[0], &mut x[0], &mut y[0],
    );
    spdk_bdev_free_io(io);
}

pub fn cb() -> spdk_bdev_io_completion_cb {
    Some(io_done)
}

pub unsafe extern "C" fn ev(_t: spdk_bdev_event_type, _b: *mut spdk_bdev, _c: *mut c_void) {}

/// Opens `name`.
pub unsafe fn open(name: &std::ffi::CStr, write: bool) -> *mut spdk_bdev_desc {
    let mut d = ptr::null_mut();
    assert_eq!(
        spdk_bdev_open_ext(name.as_ptr(), write, Some(ev), ptr::null_mut(), &mut d),
        0,
        "open {name:?}"
    );
    d
}
