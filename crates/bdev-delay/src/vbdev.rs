//! The delay module's bdevs: a delay bdev claims its base bdev, passes
//! I/O down (io.rs) and holds each read/write completion back for the
//! configured average latency (or, for about one I/O in a hundred, the
//! p99 one).
//!
//! As for passthru, a delay bdev is a configured association completed
//! by examine_config when the base appears; a removed base unregisters it.

use std::ffi::{c_char, c_int, c_void, CString};
use std::ptr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use ::spdk_bdev::ffi::bdev::{
    spdk_bdev_close, spdk_bdev_desc, spdk_bdev_desc_get_bdev, spdk_bdev_event_type,
    spdk_bdev_open_ext,
};
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_fn_table, spdk_bdev_module, spdk_bdev_module_claim_bdev,
    spdk_bdev_module_examine_done, spdk_bdev_module_internal_fields, spdk_bdev_module_list_add,
    spdk_bdev_module_release_bdev, spdk_bdev_register, spdk_bdev_unregister,
    spdk_bdev_unregister_by_name, spdk_bdev_unregister_cb, BDEV_FLAG_DIF_IS_HEAD_OF_MD,
    BDEV_FLAG_MD_INTERLEAVE,
};
use ::spdk_thread::ffi::thread::{
    spdk_get_thread, spdk_io_device_register, spdk_io_device_unregister, spdk_thread,
    spdk_thread_send_msg,
};
use spdk_json::ffi::json::{spdk_json_write_ctx, writer_mut};
use spdk_json::JsonWriter;
use spdk_util::ffi::uuid::{spdk_uuid, spdk_uuid_u};

use crate::io;

/// SPDK's namespace for UUIDs derived from the base bdev's.
const NAMESPACE_UUID: &[u8] = b"4009b574-6430-4f1b-bc40-ace811091027";

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

#[derive(Clone)]
struct Assoc {
    vbdev: String,
    base: String,
    uuid: Option<[u8; 16]>,
    lat: Latencies,
}

#[repr(C)]
pub(crate) struct Node {
    pub(crate) bdev: spdk_bdev,
    pub(crate) name: CString,
    pub(crate) base_bdev: *mut spdk_bdev,
    pub(crate) base_desc: *mut spdk_bdev_desc,
    pub(crate) thread: *mut spdk_thread,
    /// Latencies in ticks, read on the I/O path, set by RPC at any time.
    pub(crate) ticks: [AtomicU64; 4],
    /// The same in microseconds, as configured (what the JSON shows: the
    /// tick rate is not a whole number of MHz, so converting back would
    /// drift).
    pub(crate) us: [AtomicU64; 4],
}

#[derive(Clone, Copy, PartialEq)]
struct NodePtr(*mut Node);
// SAFETY: nodes are shared by address; their fields follow SPDK's threading rules.
unsafe impl Send for NodePtr {}

static ASSOCS: Mutex<Vec<Assoc>> = Mutex::new(Vec::new());
static NODES: Mutex<Vec<NodePtr>> = Mutex::new(Vec::new());

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
    examine_config: Some(examine_config),
    examine_disk: None,
    async_init: false,
    async_fini: false,
    async_fini_start: false,
    internal: spdk_bdev_module_internal_fields::new(),
}));

static FN_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(destruct),
    submit_request: Some(io::submit_request),
    io_type_supported: Some(io::io_type_supported),
    get_io_channel: Some(io::get_io_channel),
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
    lock(&ASSOCS).clear();
}

fn us_to_ticks(us: u64) -> u64 {
    let t = us as u128 * spdk_env::ticks::ticks_hz() as u128 / 1_000_000;
    t.min(u64::MAX as u128) as u64
}

// ---- JSON ----

unsafe fn write_values(node: &Node, w: &mut JsonWriter) {
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
        let _ = w.named_int64(n, node.us[i].load(Ordering::Relaxed) as i64);
    }
}

unsafe extern "C" fn dump_info_json(ctx: *mut c_void, w: *mut spdk_json_write_ctx) -> c_int {
    let Some(w) = writer_mut(w) else {
        return -libc::EINVAL;
    };
    let _ = w.named_object_begin("delay");
    write_values(&*ctx.cast::<Node>(), w);
    let _ = w.object_end();
    0
}

unsafe extern "C" fn config_json(w: *mut spdk_json_write_ctx) -> c_int {
    let Some(w) = writer_mut(w) else {
        return -libc::EINVAL;
    };
    for n in lock(&NODES).iter() {
        let _ = w.object_begin();
        let _ = w.named_string("method", "bdev_delay_create");
        let _ = w.named_object_begin("params");
        write_values(&*n.0, w);
        let _ = w.object_end();
        let _ = w.object_end();
    }
    0
}

// ---- creation, examine, removal ----

unsafe extern "C" fn base_event(t: spdk_bdev_event_type, bdev: *mut spdk_bdev, _ctx: *mut c_void) {
    if t != spdk_bdev_event_type::SPDK_BDEV_EVENT_REMOVE {
        spdk_log::noticelog!("Unsupported bdev event: type {}", t as c_int);
        return;
    }
    let gone: Vec<NodePtr> = lock(&NODES)
        .iter()
        .copied()
        .filter(|n| (*n.0).base_bdev == bdev)
        .collect();
    for n in gone {
        spdk_bdev_unregister(ptr::addr_of_mut!((*n.0).bdev), None, ptr::null_mut());
    }
}

unsafe fn build(a: &Assoc) -> c_int {
    let base_name = CString::new(a.base.as_str()).unwrap_or_default();
    let mut desc = ptr::null_mut();
    let rc = spdk_bdev_open_ext(
        base_name.as_ptr(),
        true,
        Some(base_event),
        ptr::null_mut(),
        &mut desc,
    );
    if rc != 0 {
        if rc != -libc::ENODEV {
            spdk_log::errlog!("could not open bdev {}", a.base);
        }
        return rc;
    }
    let base = spdk_bdev_desc_get_bdev(desc);
    let Ok(name) = CString::new(a.vbdev.as_str()) else {
        spdk_bdev_close(desc);
        return -libc::EINVAL;
    };
    let us = a.lat.as_array();
    let node = Box::into_raw(Box::new(Node {
        bdev: spdk_bdev::zeroed(),
        name,
        base_bdev: base,
        base_desc: desc,
        thread: spdk_get_thread(),
        ticks: us.map(|v| AtomicU64::new(us_to_ticks(v))),
        us: us.map(AtomicU64::new),
    }));
    let b = &mut (*node).bdev;
    let src = &*base;
    b.name = (*node).name.as_ptr() as *mut c_char;
    b.product_name = c"delay".as_ptr() as *mut c_char;
    b.write_cache = src.write_cache;
    b.required_alignment = src.required_alignment;
    b.optimal_io_boundary = src.optimal_io_boundary;
    b.blocklen = src.blocklen;
    b.blockcnt = src.blockcnt;
    b.flags = src.flags & (BDEV_FLAG_MD_INTERLEAVE | BDEV_FLAG_DIF_IS_HEAD_OF_MD);
    b.md_len = src.md_len;
    b.dif_type = src.dif_type;
    b.dif_check_flags = src.dif_check_flags;
    b.dif_pi_format = src.dif_pi_format;
    b.numa = src.numa;
    let raw = match a.uuid {
        Some(u) => u,
        None => {
            let ns = spdk_util::uuid::parse(NAMESPACE_UUID).unwrap_or([0; 16]);
            spdk_util::uuid::generate_sha1(&ns, &src.uuid.u.raw)
        }
    };
    b.uuid = spdk_uuid {
        u: spdk_uuid_u { raw },
    };
    b.ctxt = node.cast();
    b.fn_table = &FN_TABLE;
    b.module = module();
    spdk_io_device_register(
        node.cast(),
        Some(io::ch_create),
        Some(io::ch_destroy),
        std::mem::size_of::<io::DelayChannel>() as u32,
        (*node).name.as_ptr(),
    );
    let rc = spdk_bdev_module_claim_bdev(base, desc, module());
    if rc != 0 {
        spdk_log::errlog!("could not claim bdev {}", a.base);
        undo(node);
        return rc;
    }
    lock(&NODES).push(NodePtr(node));
    let rc = spdk_bdev_register(ptr::addr_of_mut!((*node).bdev));
    if rc != 0 {
        spdk_log::errlog!("could not register delay_bdev");
        lock(&NODES).retain(|n| n.0 != node);
        spdk_bdev_module_release_bdev(base);
        undo(node);
        return rc;
    }
    0
}

unsafe fn undo(node: *mut Node) {
    spdk_bdev_close((*node).base_desc);
    spdk_io_device_unregister(node.cast(), None);
    drop(Box::from_raw(node));
}

fn exists(vbdev: &str) -> bool {
    // SAFETY: registered nodes.
    lock(&NODES)
        .iter()
        .any(|n| unsafe { (*n.0).bdev.name_bytes() } == vbdev.as_bytes())
}

unsafe fn build_for_base(base: &str) -> c_int {
    let todo: Vec<Assoc> = lock(&ASSOCS)
        .iter()
        .filter(|a| a.base == base && !exists(&a.vbdev))
        .cloned()
        .collect();
    for a in &todo {
        let rc = build(a);
        if rc != 0 {
            return rc;
        }
    }
    0
}

unsafe extern "C" fn examine_config(bdev: *mut spdk_bdev) {
    let name = String::from_utf8_lossy((*bdev).name_bytes()).into_owned();
    let _ = build_for_base(&name);
    spdk_bdev_module_examine_done(module());
}

unsafe extern "C" fn destruct(ctx: *mut c_void) -> c_int {
    let node = ctx.cast::<Node>();
    lock(&NODES).retain(|n| n.0 != node);
    spdk_bdev_module_release_bdev((*node).base_bdev);
    let t = (*node).thread;
    if !t.is_null() && t != spdk_get_thread() {
        spdk_thread_send_msg(t, Some(close_msg), (*node).base_desc.cast());
    } else {
        spdk_bdev_close((*node).base_desc);
    }
    spdk_io_device_unregister(node.cast(), Some(node_free));
    0
}

unsafe extern "C" fn close_msg(desc: *mut c_void) {
    spdk_bdev_close(desc.cast());
}

unsafe extern "C" fn node_free(dev: *mut c_void) {
    drop(Box::from_raw(dev.cast::<Node>()));
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
    {
        let mut l = lock(&ASSOCS);
        if l.iter().any(|a| a.vbdev == name) {
            spdk_log::errlog!("delay bdev {} already exists", name);
            return Err(-libc::EEXIST);
        }
        l.push(Assoc {
            vbdev: name.to_string(),
            base: base.to_string(),
            uuid,
            lat,
        });
    }
    match build_for_base(base) {
        0 => Ok(()),
        rc if rc == -libc::ENODEV => {
            spdk_log::noticelog!("vbdev creation deferred pending base bdev arrival");
            Ok(())
        }
        rc => {
            lock(&ASSOCS).retain(|a| a.vbdev != name);
            Err(rc)
        }
    }
}

/// Deletes the delay bdev `name` and its configuration (SPDK's
/// bdev_delay_delete); `cb(arg, rc)` when done (-ENODEV: no such bdev).
///
/// # Safety
/// Called on an SPDK thread; `arg` is what `cb` expects.
pub unsafe fn delete(name: &str, cb: spdk_bdev_unregister_cb, arg: *mut c_void) {
    let Ok(c) = CString::new(name) else {
        if let Some(f) = cb {
            f(arg, -libc::ENODEV);
        }
        return;
    };
    let rc = spdk_bdev_unregister_by_name(c.as_ptr(), module(), cb, arg);
    if rc != 0 {
        if let Some(f) = cb {
            f(arg, rc);
        }
        return;
    }
    lock(&ASSOCS).retain(|a| a.vbdev != name);
}

/// Sets one latency of the delay bdev `name` (SPDK's
/// bdev_delay_update_latency); I/Os already held keep their deadline.
/// -ENODEV when there is no such delay bdev.
pub fn update_latency(name: &str, t: LatencyType, us: u64) -> Result<(), c_int> {
    let i = t as usize;
    {
        let l = lock(&NODES);
        // SAFETY: registered nodes, under the list's lock.
        let node = l
            .iter()
            .find(|n| unsafe { (*n.0).bdev.name_bytes() } == name.as_bytes())
            .ok_or(-libc::ENODEV)?;
        // SAFETY: as above.
        unsafe {
            (*node.0).us[i].store(us, Ordering::Relaxed);
            (*node.0).ticks[i].store(us_to_ticks(us), Ordering::Relaxed);
        }
    }
    // The configuration the bdev comes back with after a hot remove.
    if let Some(a) = lock(&ASSOCS).iter_mut().find(|a| a.vbdev == name) {
        match t {
            LatencyType::AvgRead => a.lat.avg_read = us,
            LatencyType::P99Read => a.lat.p99_read = us,
            LatencyType::AvgWrite => a.lat.avg_write = us,
            LatencyType::P99Write => a.lat.p99_write = us,
        }
    }
    Ok(())
}
