//! A RAM bdev module ("flaky") whose reads or writes can be made to fail,
//! to see what a raid bdev does with a failing base.

use std::cell::UnsafeCell;
use std::ffi::{c_int, c_void, CString};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ::spdk_bdev::core;
use ::spdk_bdev::ffi::bdev::spdk_bdev_io_type;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_thread::ffi::thread::*;

pub struct Flaky {
    bdev: spdk_bdev,
    _name: CString,
    data: Vec<u8>,
    pub fail_reads: AtomicBool,
    pub fail_writes: AtomicBool,
    pub reads: AtomicUsize,
    pub writes: AtomicUsize,
}

struct Cell<T>(UnsafeCell<T>);
// SAFETY: the library writes the module only during init/fini.
unsafe impl<T> Sync for Cell<T> {}

static MODULE: Cell<spdk_bdev_module> = Cell(UnsafeCell::new(spdk_bdev_module {
    module_init: Some(init),
    init_complete: None,
    fini_start: None,
    module_fini: Some(fini),
    config_json: None,
    name: c"flaky".as_ptr(),
    get_ctx_size: None,
    examine_config: None,
    examine_disk: None,
    async_init: false,
    async_fini: false,
    async_fini_start: false,
    internal: spdk_bdev_module_internal_fields::new(),
}));

static FN: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(destruct),
    submit_request: Some(submit),
    io_type_supported: Some(supported),
    get_io_channel: Some(get_ch),
    dump_info_json: None,
    write_config_json: None,
    get_spin_time: None,
    get_module_ctx: None,
    get_memory_domains: None,
    reset_device_stat: None,
    dump_device_stat_json: None,
    accel_sequence_supported: None,
};

static DEV: u8 = 0;

fn dev() -> *mut c_void {
    ptr::addr_of!(DEV) as *mut c_void
}

pub fn register() {
    // SAFETY: a static module.
    unsafe { core::module_add(MODULE.0.get()) };
}

unsafe extern "C" fn ch_create(_d: *mut c_void, _c: *mut c_void) -> c_int {
    0
}
unsafe extern "C" fn ch_destroy(_d: *mut c_void, _c: *mut c_void) {}

unsafe extern "C" fn init() -> c_int {
    spdk_io_device_register(
        dev(),
        Some(ch_create),
        Some(ch_destroy),
        0,
        c"flaky".as_ptr(),
    );
    0
}

unsafe extern "C" fn fini() {
    spdk_io_device_unregister(dev(), None);
}

unsafe extern "C" fn get_ch(_ctx: *mut c_void) -> *mut spdk_io_channel {
    spdk_get_io_channel(dev())
}

unsafe extern "C" fn supported(_ctx: *mut c_void, t: spdk_bdev_io_type) -> bool {
    matches!(
        t,
        spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_READ | spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_WRITE
    )
}

unsafe extern "C" fn destruct(ctx: *mut c_void) -> c_int {
    drop(Box::from_raw(ctx.cast::<Flaky>()));
    0
}

unsafe extern "C" fn submit(_ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let f = &mut *(*(*io).bdev).ctxt.cast::<Flaky>();
    let p = &(*io).u.bdev;
    let bs = f.bdev.blocklen as usize;
    let mut off = p.offset_blocks as usize * bs;
    let write = (*io).r#type == 2;
    let fail = if write {
        f.writes.fetch_add(1, Ordering::SeqCst);
        f.fail_writes.load(Ordering::SeqCst)
    } else {
        f.reads.fetch_add(1, Ordering::SeqCst);
        f.fail_reads.load(Ordering::SeqCst)
    };
    if !fail {
        for i in 0..p.iovcnt as usize {
            let v = &*p.iovs.add(i);
            let d = f.data.as_mut_ptr().add(off);
            if write {
                ptr::copy_nonoverlapping(v.iov_base.cast::<u8>(), d, v.iov_len);
            } else {
                ptr::copy_nonoverlapping(d, v.iov_base.cast::<u8>(), v.iov_len);
            }
            off += v.iov_len;
        }
    }
    // Completed inside submit: the library delivers it later.
    spdk_bdev_io_complete(io, IoStatusArg(if fail { -1 } else { 1 }));
}

/// Registers a flaky bdev of `blocks` 512-byte blocks; the returned
/// pointer stays valid until it is unregistered.
pub fn create(name: &str, blocks: u64) -> *mut Flaky {
    let mut f = Box::new(Flaky {
        bdev: spdk_bdev::zeroed(),
        _name: CString::new(name).unwrap(),
        data: vec![0; blocks as usize * 512],
        fail_reads: AtomicBool::new(false),
        fail_writes: AtomicBool::new(false),
        reads: AtomicUsize::new(0),
        writes: AtomicUsize::new(0),
    });
    f.bdev.name = f._name.as_ptr() as *mut _;
    f.bdev.product_name = c"Flaky disk".as_ptr() as *mut _;
    f.bdev.blocklen = 512;
    f.bdev.blockcnt = blocks;
    f.bdev.module = MODULE.0.get();
    f.bdev.fn_table = &FN;
    let raw = Box::into_raw(f);
    // SAFETY: a filled-in bdev whose ctxt is its container.
    unsafe {
        (*raw).bdev.ctxt = raw.cast();
        assert_eq!(core::register(ptr::addr_of_mut!((*raw).bdev)), 0);
    }
    raw
}

impl Flaky {
    pub fn data(&self) -> &[u8] {
        &self.data
    }
}
