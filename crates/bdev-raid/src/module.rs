//! The "raid" bdev module and its bdevs' function table, as the C structs
//! the bdev layer calls, and the module's options (bdev_raid_set_options).

use std::cell::UnsafeCell;
use std::ffi::c_int;
use std::sync::Mutex;

use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev_fn_table, spdk_bdev_module, spdk_bdev_module_internal_fields,
};
use spdk_json::ffi::json::{spdk_json_write_ctx, writer_mut};

use crate::{base, channel, io, json, raid};

struct ModuleCell(UnsafeCell<spdk_bdev_module>);
// SAFETY: the bdev library writes the struct only during init/fini and examine.
unsafe impl Sync for ModuleCell {}

static RAID_MODULE: ModuleCell = ModuleCell(UnsafeCell::new(spdk_bdev_module {
    module_init: Some(init),
    init_complete: None,
    fini_start: Some(fini_start),
    module_fini: Some(fini),
    config_json: Some(config_json),
    name: c"raid".as_ptr(),
    get_ctx_size: Some(io::ctx_size),
    examine_config: None,
    examine_disk: Some(base::examine_disk),
    async_init: false,
    async_fini: false,
    async_fini_start: false,
    internal: spdk_bdev_module_internal_fields::new(),
}));

static FN_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(raid::destruct),
    submit_request: Some(io::submit_request),
    io_type_supported: Some(io::io_type_supported),
    get_io_channel: Some(channel::get_io_channel),
    dump_info_json: Some(json::dump_info_json),
    write_config_json: Some(json::write_config_json),
    get_spin_time: None,
    get_module_ctx: None,
    get_memory_domains: None,
    reset_device_stat: None,
    dump_device_stat_json: None,
    accel_sequence_supported: None,
};

pub fn module() -> *mut spdk_bdev_module {
    RAID_MODULE.0.get()
}

pub fn fn_table() -> *const spdk_bdev_fn_table {
    &FN_TABLE
}

pub fn register_module() {
    // SAFETY: a static module with a static name.
    unsafe { ::spdk_bdev::core::module_add(module()) };
}

/// bdev_raid_set_options: limits of background processes (rebuild).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opts {
    pub process_window_size_kb: u32,
    pub process_max_bandwidth_mb_sec: u32,
}

static OPTS: Mutex<Opts> = Mutex::new(Opts {
    process_window_size_kb: 1024,
    process_max_bandwidth_mb_sec: 0,
});

pub fn opts() -> Opts {
    *OPTS.lock().unwrap_or_else(|e| e.into_inner())
}

/// -EINVAL for a zero window, as SPDK.
pub fn set_opts(o: Opts) -> Result<(), c_int> {
    if o.process_window_size_kb == 0 {
        return Err(-libc::EINVAL);
    }
    *OPTS.lock().unwrap_or_else(|e| e.into_inner()) = o;
    Ok(())
}

unsafe extern "C" fn init() -> c_int {
    raid::set_shutdown(false);
    0
}

unsafe extern "C" fn fini_start() {
    raid::fini_start();
}

unsafe extern "C" fn fini() {
    raid::fini();
}

/// The module's part of save_config: its options.
unsafe extern "C" fn config_json(w: *mut spdk_json_write_ctx) -> c_int {
    let Some(w) = writer_mut(w) else {
        return -libc::EINVAL;
    };
    let o = opts();
    let _ = w.object_begin();
    let _ = w.named_string("method", "bdev_raid_set_options");
    let _ = w.named_object_begin("params");
    let _ = w.named_uint64("process_window_size_kb", o.process_window_size_kb as u64);
    let _ = w.named_uint64(
        "process_max_bandwidth_mb_sec",
        o.process_max_bandwidth_mb_sec as u64,
    );
    let _ = w.object_end();
    let _ = w.object_end();
    0
}
