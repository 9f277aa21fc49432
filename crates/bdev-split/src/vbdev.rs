//! The split module: a configuration (base name, count, size) splits its
//! base bdev into parts named `<base>p0`, `<base>p1`, ... now, or when
//! the base registers (examine_config). The configuration goes with the
//! last split bdev (delete or hot remove of the base), as in SPDK.

use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::{Mutex, MutexGuard};

use ::spdk_bdev::ffi::bdev::spdk_bdev_io_type;
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_fn_table, spdk_bdev_io, spdk_bdev_io_get_buf, spdk_bdev_module,
    spdk_bdev_module_examine_done, spdk_bdev_module_internal_fields, spdk_bdev_module_list_add,
};
use ::spdk_thread::ffi::thread::spdk_io_channel;
use spdk_json::ffi::json::{spdk_json_write_ctx, writer_mut};

use crate::base_io::{self, Retry};
use crate::part::{self, Part, PartBase, PartChannel, PartOps};

struct Config {
    base: String,
    count: u32,
    size_mb: u64,
    /// The opened base while its split bdevs exist.
    pbase: *mut PartBase,
}
// SAFETY: the base pointer is used on the control path only.
unsafe impl Send for Config {}

static CONFIGS: Mutex<Vec<Config>> = Mutex::new(Vec::new());

fn lock() -> MutexGuard<'static, Vec<Config>> {
    CONFIGS.lock().unwrap_or_else(|e| e.into_inner())
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
    name: c"split".as_ptr(),
    get_ctx_size: Some(ctx_size),
    examine_config: Some(examine_config),
    examine_disk: None,
    async_init: false,
    async_fini: false,
    async_fini_start: false,
    internal: spdk_bdev_module_internal_fields::new(),
}));

static FN_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(destruct),
    submit_request: Some(submit_request),
    io_type_supported: Some(part::io_type_supported),
    get_io_channel: Some(part::get_io_channel),
    dump_info_json: Some(dump_info_json),
    write_config_json: None,
    get_spin_time: None,
    get_module_ctx: None,
    get_memory_domains: None,
    reset_device_stat: None,
    dump_device_stat_json: None,
    accel_sequence_supported: None,
};

static OPS: PartOps = PartOps {
    module,
    fn_table: &FN_TABLE,
    channel_size: std::mem::size_of::<PartChannel>() as u32,
    ch_create: None,
    ch_destroy: None,
    part_freed: None,
    base_freed: Some(base_freed),
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
    lock().clear();
}

unsafe extern "C" fn ctx_size() -> c_int {
    std::mem::size_of::<Retry>() as c_int
}

// ---- I/O ----

#[inline]
unsafe fn retry_of(io: *mut spdk_bdev_io) -> *mut Retry {
    (*io).driver_ctx.as_mut_ptr().cast()
}

unsafe extern "C" fn submit_request(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    if (*io).r#type == spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_READ as u8 {
        let len = (*io).u.bdev.num_blocks * (*(*io).bdev).blocklen as u64;
        spdk_bdev_io_get_buf(io, Some(read_buf_ready), len);
        return;
    }
    forward(ch, io);
}

unsafe extern "C" fn read_buf_ready(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io, ok: bool) {
    if !ok {
        base_io::fail(io);
        return;
    }
    forward(ch, io);
}

unsafe fn forward(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let rc = part::submit(ch, io, Some(base_io::child_done));
    let base_ch = (*part::channel(ch)).base_ch;
    base_io::after_submit(rc, io, ch, base_ch, retry_of(io), resubmit);
}

unsafe extern "C" fn resubmit(arg: *mut c_void) {
    let io = arg.cast::<spdk_bdev_io>();
    forward((*retry_of(io)).ch, io);
}

unsafe extern "C" fn destruct(ctx: *mut c_void) -> c_int {
    part::destruct(ctx.cast())
}

// ---- JSON ----

unsafe extern "C" fn dump_info_json(ctx: *mut c_void, w: *mut spdk_json_write_ctx) -> c_int {
    let Some(w) = writer_mut(w) else {
        return -libc::EINVAL;
    };
    let p = ctx.cast::<Part>();
    let _ = w.named_object_begin("split");
    let _ = w.named_string("base_bdev", part::base_name(p));
    let _ = w.named_uint64("offset_blocks", (*p).offset_blocks);
    let _ = w.object_end();
    0
}

unsafe extern "C" fn config_json(w: *mut spdk_json_write_ctx) -> c_int {
    let Some(w) = writer_mut(w) else {
        return -libc::EINVAL;
    };
    for c in lock().iter() {
        let _ = w.object_begin();
        let _ = w.named_string("method", "bdev_split_create");
        let _ = w.named_object_begin("params");
        let _ = w.named_string("base_bdev", &c.base);
        let _ = w.named_uint64("split_count", c.count as u64);
        let _ = w.named_uint64("split_size_mb", c.size_mb);
        let _ = w.object_end();
        let _ = w.object_end();
    }
    0
}

// ---- creation, examine, removal ----

unsafe fn base_freed(base: *mut PartBase) {
    lock().retain(|c| c.pbase != base);
}

/// Splits `base` (which must exist: -ENODEV otherwise).
unsafe fn build(base: &str, count: u32, size_mb: u64) -> Result<*mut PartBase, c_int> {
    let pb = part::base_open(base, &OPS, ptr::null_mut())?;
    let b: &spdk_bdev = &*(*pb).bdev;
    let bs = b.blocklen as u64;
    let size_blocks = if size_mb != 0 {
        match size_mb.checked_mul(1024 * 1024) {
            Some(bytes) if bytes.is_multiple_of(bs) => bytes / bs,
            _ => {
                spdk_log::errlog!(
                    "Split size {} MB is not possible with block size {}",
                    size_mb,
                    bs
                );
                part::base_free(pb);
                return Err(-libc::EINVAL);
            }
        }
    } else {
        b.blockcnt / count as u64
    };
    let max = b.blockcnt.checked_div(size_blocks).unwrap_or(0);
    if max == 0 {
        spdk_log::errlog!("Split size exceeds the size of bdev {}", base);
        part::base_free(pb);
        return Err(-libc::EINVAL);
    }
    let mut n = count as u64;
    if n > max {
        spdk_log::warnlog!(
            "Split count {} is greater than maximum possible split count {} - clamping",
            n,
            max
        );
        n = max;
    }
    for i in 0..n {
        let name = format!("{base}p{i}");
        let r = part::construct(
            pb,
            &name,
            i * size_blocks,
            size_blocks,
            "Split Disk",
            None,
            ptr::null_mut(),
        );
        if let Err(rc) = r {
            spdk_log::errlog!("could not construct bdev part {}", name);
            if i == 0 {
                part::base_free(pb);
            } else {
                part::hotremove(pb);
            }
            return Err(rc);
        }
    }
    Ok(pb)
}

/// Builds the split bdevs of a configuration without any yet.
unsafe fn build_config(base: &str) -> Result<(), c_int> {
    let (count, size_mb) = match lock().iter().find(|c| c.base == base && c.pbase.is_null()) {
        Some(c) => (c.count, c.size_mb),
        None => return Ok(()),
    };
    let pb = build(base, count, size_mb)?;
    if let Some(c) = lock().iter_mut().find(|c| c.base == base) {
        c.pbase = pb;
    }
    Ok(())
}

unsafe extern "C" fn examine_config(bdev: *mut spdk_bdev) {
    let name = String::from_utf8_lossy((*bdev).name_bytes()).into_owned();
    if let Err(rc) = build_config(&name) {
        spdk_log::errlog!("could not split bdev {}: {}", name, rc);
    }
    spdk_bdev_module_examine_done(module());
}

/// Splits `base` into `count` bdevs of `size_mb` MiB each (0: the base's
/// size divided by `count`), now or when the base appears (SPDK's
/// bdev_split_create). Returns the names of the split bdevs made now.
/// -EINVAL (count 0, impossible size), -EEXIST (base configured already).
///
/// # Safety
/// Called on an SPDK thread after the bdev library initialized.
pub unsafe fn create(base: &str, count: u32, size_mb: u64) -> Result<Vec<String>, c_int> {
    if count == 0 {
        spdk_log::errlog!("Split bdev config: split_count can't be 0.");
        return Err(-libc::EINVAL);
    }
    {
        let mut l = lock();
        if l.iter().any(|c| c.base == base) {
            spdk_log::errlog!("Split bdev config for base bdev '{}' already exist.", base);
            return Err(-libc::EEXIST);
        }
        l.push(Config {
            base: base.to_string(),
            count,
            size_mb,
            pbase: ptr::null_mut(),
        });
    }
    match build_config(base) {
        Ok(()) => Ok(names(base)),
        Err(rc) if rc == -libc::ENODEV => Ok(Vec::new()),
        Err(rc) => {
            lock().retain(|c| !(c.base == base && c.pbase.is_null()));
            Err(rc)
        }
    }
}

/// The split bdevs of `base`.
pub fn names(base: &str) -> Vec<String> {
    let l = lock();
    let Some(c) = l.iter().find(|c| c.base == base && !c.pbase.is_null()) else {
        return Vec::new();
    };
    // SAFETY: a live base and its parts, under the configuration lock.
    unsafe {
        (*c.pbase)
            .parts
            .iter()
            .map(|p| String::from_utf8_lossy((**p).bdev.name_bytes()).into_owned())
            .collect()
    }
}

/// Removes the split configuration of `base` and its split bdevs (SPDK's
/// bdev_split_delete; they go asynchronously). -ENOENT when `base` has
/// no split configuration.
///
/// # Safety
/// Called on an SPDK thread.
pub unsafe fn delete(base: &str) -> Result<(), c_int> {
    let pb = {
        let mut l = lock();
        let Some(i) = l.iter().position(|c| c.base == base) else {
            spdk_log::errlog!("Split configuration for '{}' not found", base);
            return Err(-libc::ENOENT);
        };
        let pb = l[i].pbase;
        if pb.is_null() {
            l.remove(i);
        }
        pb
    };
    if !pb.is_null() {
        part::hotremove(pb);
    }
    Ok(())
}
