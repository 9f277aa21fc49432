//! The delay module's bdevs: a delay bdev claims its base bdev, passes
//! I/O down (io.rs) and holds each read/write completion back for the
//! configured average latency (or, for about one I/O in a hundred, the
//! p99 one).
//!
//! As for passthru (and with the same machinery, spdk_bdev_split::assoc),
//! a delay bdev is a configured association completed by examine_config
//! when the base appears; a removed base unregisters it.

use std::ffi::{c_int, c_void, CStr};
use std::sync::atomic::{AtomicU64, Ordering};

use ::spdk_bdev::ffi::bdev::spdk_bdev_io_completion_cb;
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev_fn_table, spdk_bdev_module, spdk_bdev_module_internal_fields,
    spdk_bdev_module_list_add, spdk_bdev_unregister_cb,
};
use spdk_bdev_split::assoc::{self, AssocModule, BaseChannel, Node, Registry};
use spdk_json::ffi::json::{spdk_json_write_ctx, writer_mut};
use spdk_json::JsonWriter;

use crate::io;

/// Which latency an I/O gets (the index into the node's latencies and
/// the channel's queues).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LatencyType {
    AvgRead = 0,
    P99Read = 1,
    AvgWrite = 2,
    P99Write = 3,
}

/// The latencies of a delay bdev, in microseconds (avg/p99 read, avg/p99 write).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Latencies {
    pub avg_read: u64,
    pub p99_read: u64,
    pub avg_write: u64,
    pub p99_write: u64,
}

impl Latencies {
    fn as_array(&self) -> [u64; 4] {
        [self.avg_read, self.p99_read, self.avg_write, self.p99_write]
    }
}

pub(crate) struct Delay;

/// A delay bdev.
pub(crate) type DelayNode = Node<Delay>;

/// What a delay bdev has besides its base.
pub(crate) struct DelayState {
    /// Latencies in ticks, read on the I/O path, set by RPC at any time.
    pub(crate) ticks: [AtomicU64; 4],
    /// The same in microseconds, as configured (what the JSON shows: the
    /// tick rate is not a whole number of MHz, so converting back would
    /// drift).
    pub(crate) us: [AtomicU64; 4],
}

static REGISTRY: Registry<Delay> = Registry::new();

impl AssocModule for Delay {
    type Config = Latencies;
    type State = DelayState;
    const NAME: &'static str = "delay";
    const KIND: &'static str = "delay_bdev";
    const PRODUCT: &'static CStr = c"delay";
    /// SPDK's namespace for UUIDs derived from the base bdev's.
    const UUID_NAMESPACE: &'static [u8] = b"4009b574-6430-4f1b-bc40-ace811091027";
    const CHANNEL_SIZE: u32 = std::mem::size_of::<io::DelayChannel>() as u32;
    const CHILD_DONE: spdk_bdev_io_completion_cb = Some(io::child_done);

    fn module() -> *mut spdk_bdev_module {
        module()
    }
    fn fn_table() -> &'static spdk_bdev_fn_table {
        &FN_TABLE
    }
    fn registry() -> &'static Registry<Self> {
        &REGISTRY
    }
    fn state(lat: &Latencies) -> DelayState {
        let us = lat.as_array();
        DelayState {
            ticks: us.map(|v| AtomicU64::new(us_to_ticks(v))),
            us: us.map(AtomicU64::new),
        }
    }
    unsafe fn ch_create(_node: *mut DelayNode, ch: *mut BaseChannel) -> c_int {
        io::ch_create(ch)
    }
    unsafe fn ch_destroy(_node: *mut DelayNode, ch: *mut BaseChannel) {
        io::ch_destroy(ch)
    }
}

struct ModuleCell(std::cell::UnsafeCell<spdk_bdev_module>);
// SAFETY: the module struct is written by the bdev library only.
unsafe impl Sync for ModuleCell {}

static MODULE: ModuleCell = ModuleCell(std::cell::UnsafeCell::new(spdk_bdev_module {
    module_init: Some(module_init),
    init_complete: None,
    fini_start: None,
    module_fini: Some(module_fini),
    config_json: Some(config_json),
    name: c"delay".as_ptr(),
    get_ctx_size: Some(io::ctx_size),
    examine_config: Some(assoc::examine_config::<Delay>),
    examine_disk: None,
    async_init: false,
    async_fini: false,
    async_fini_start: false,
    internal: spdk_bdev_module_internal_fields::new(),
}));

static FN_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(assoc::destruct::<Delay>),
    submit_request: Some(io::submit_request),
    io_type_supported: Some(assoc::io_type_supported::<Delay>),
    get_io_channel: Some(assoc::get_io_channel),
    dump_info_json: Some(dump_info_json),
    write_config_json: None,
    get_spin_time: None,
    get_module_ctx: None,
    get_memory_domains: None,
    reset_device_stat: None,
    dump_device_stat_json: None,
    accel_sequence_supported: None,
};

pub fn module() -> *mut spdk_bdev_module {
    MODULE.0.get()
}

pub fn register_module() {
    // SAFETY: a static module with a static name.
    unsafe { spdk_bdev_module_list_add(module()) };
}

unsafe extern "C" fn module_init() -> c_int {
    0
}

unsafe extern "C" fn module_fini() {
    REGISTRY.clear();
}

fn us_to_ticks(us: u64) -> u64 {
    let t = us as u128 * spdk_env::ticks::ticks_hz() as u128 / 1_000_000;
    t.min(u64::MAX as u128) as u64
}

// ---- JSON ----

unsafe fn write_values(node: &DelayNode, w: &mut JsonWriter) {
    let _ = w.named_string("name", node.bdev.name_bytes());
    let _ = w.named_string("base_bdev_name", (*node.base_bdev).name_bytes());
    let uuid = node.bdev.uuid.u.raw;
    if uuid != [0; 16] {
        let _ = w.name("uuid");
        let _ = w.uuid(&uuid);
    }
    let names = [
        "avg_read_latency",
        "p99_read_latency",
        "avg_write_latency",
        "p99_write_latency",
    ];
    for (i, n) in names.iter().enumerate() {
        let _ = w.named_int64(n, node.state.us[i].load(Ordering::Relaxed) as i64);
    }
}

unsafe extern "C" fn dump_info_json(ctx: *mut c_void, w: *mut spdk_json_write_ctx) -> c_int {
    let Some(w) = writer_mut(w) else {
        return -libc::EINVAL;
    };
    let _ = w.named_object_begin("delay");
    write_values(&*ctx.cast::<DelayNode>(), w);
    let _ = w.object_end();
    0
}

unsafe extern "C" fn config_json(w: *mut spdk_json_write_ctx) -> c_int {
    let Some(w) = writer_mut(w) else {
        return -libc::EINVAL;
    };
    REGISTRY.for_each(|node| {
        let _ = w.object_begin();
        let _ = w.named_string("method", "bdev_delay_create");
        let _ = w.named_object_begin("params");
        // SAFETY: a registered node's base is open.
        unsafe { write_values(node, w) };
        let _ = w.object_end();
        let _ = w.object_end();
    });
    0
}

/// Creates the delay bdev `name` on `base` (SPDK's bdev_delay_create):
/// now when the base exists, else when it appears. -EINVAL when a p99
/// latency is below its average, -EEXIST when `name` is configured.
///
/// # Safety
/// Called on an SPDK thread after the bdev library initialized.
pub unsafe fn create(
    base: &str,
    name: &str,
    uuid: Option<[u8; 16]>,
    lat: Latencies,
) -> Result<(), c_int> {
    if lat.p99_read < lat.avg_read || lat.p99_write < lat.avg_write {
        spdk_log::errlog!(
            "Unable to create a delay bdev where p99 latency is less than average latency."
        );
        return Err(-libc::EINVAL);
    }
    assoc::create::<Delay>(base, name, uuid, lat)
}

/// Deletes the delay bdev `name` and its configuration (SPDK's
/// bdev_delay_delete); `cb(arg, rc)` when done (-ENODEV: no such bdev).
///
/// # Safety
/// Called on an SPDK thread; `arg` is what `cb` expects.
pub unsafe fn delete(name: &str, cb: spdk_bdev_unregister_cb, arg: *mut c_void) {
    assoc::delete::<Delay>(name, cb, arg)
}

/// Sets one latency of the delay bdev `name` (SPDK's
/// bdev_delay_update_latency); I/Os already held keep their deadline.
/// -ENODEV when there is no such delay bdev.
pub fn update_latency(name: &str, t: LatencyType, us: u64) -> Result<(), c_int> {
    let i = t as usize;
    REGISTRY
        .with_node(name, |node| {
            node.state.us[i].store(us, Ordering::Relaxed);
            node.state.ticks[i].store(us_to_ticks(us), Ordering::Relaxed);
        })
        .ok_or(-libc::ENODEV)?;
    // The configuration the bdev comes back with after a hot remove.
    REGISTRY.update_config(name, |lat| match t {
        LatencyType::AvgRead => lat.avg_read = us,
        LatencyType::P99Read => lat.p99_read = us,
        LatencyType::AvgWrite => lat.avg_write = us,
        LatencyType::P99Write => lat.p99_write = us,
    });
    Ok(())
}
