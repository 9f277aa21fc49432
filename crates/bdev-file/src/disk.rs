//! A file bdev as a module registers it (its bdev, its backing file and
//! the module's own state), and what every such bdev does alike:
//! registration, destruct, channels, delete and its config JSON frame.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr;

use ::spdk_bdev::core;
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_fn_table, spdk_bdev_module, spdk_bdev_unregister_cb,
};
use spdk_json::JsonWriter;
use spdk_thread::ffi::thread::{
    spdk_get_io_channel, spdk_io_channel, spdk_io_channel_create_cb, spdk_io_channel_destroy_cb,
    spdk_io_device_register, spdk_io_device_unregister,
};

use crate::BackingFile;

/// A file bdev; `bdev` is first so the bdev, its context and its
/// io_device share an address.
#[repr(C)]
pub struct FileDisk<X> {
    pub bdev: spdk_bdev,
    pub file: BackingFile,
    /// The module's own state.
    pub ext: X,
}

/// How a module registers its disks.
pub struct DiskKind {
    pub module: fn() -> *mut spdk_bdev_module,
    pub product: &'static CStr,
    pub fn_table: &'static spdk_bdev_fn_table,
    pub write_cache: bool,
    pub ch_create: spdk_io_channel_create_cb,
    pub ch_destroy: spdk_io_channel_destroy_cb,
    pub ch_size: u32,
}

impl<X> FileDisk<X> {
    /// Registers a disk on `file` (opened, block size set) with
    /// `required_alignment` (log2) and `uuid` (none: the library makes
    /// one): first its io_device, so channels can be had as soon as the
    /// bdev is visible. Returns the bdev.
    pub fn register(
        file: BackingFile,
        ext: X,
        kind: &DiskKind,
        required_alignment: u32,
        uuid: Option<[u8; 16]>,
    ) -> Result<*mut spdk_bdev, c_int> {
        let mut d = Box::new(FileDisk {
            bdev: spdk_bdev::zeroed(),
            file,
            ext,
        });
        let b = &mut d.bdev;
        b.name = d.file.name.as_ptr() as *mut c_char;
        b.product_name = kind.product.as_ptr() as *mut c_char;
        b.module = (kind.module)();
        b.write_cache = kind.write_cache as _;
        b.blocklen = d.file.block_size;
        b.required_alignment = required_alignment as u8;
        b.blockcnt = d.file.blockcnt;
        if let Some(u) = uuid {
            b.uuid.u.raw = u;
        }
        b.fn_table = kind.fn_table;
        let raw = Box::into_raw(d);
        // SAFETY: a fresh disk, handed to the library; freed by free::<X>
        // once its io_device is gone.
        unsafe {
            (*raw).bdev.ctxt = raw.cast();
            spdk_io_device_register(
                raw.cast(),
                kind.ch_create,
                kind.ch_destroy,
                kind.ch_size,
                (*raw).file.name.as_ptr(),
            );
            let rc = core::register(ptr::addr_of_mut!((*raw).bdev));
            if rc != 0 {
                spdk_io_device_unregister(raw.cast(), Some(free::<X>));
                return Err(rc);
            }
            Ok(ptr::addr_of_mut!((*raw).bdev))
        }
    }
}

unsafe extern "C" fn free<X>(dev: *mut c_void) {
    // The backing file closes with it.
    drop(Box::from_raw(dev.cast::<FileDisk<X>>()));
}

/// fn_table.destruct of file disks: the disk is freed once its last
/// channel is gone.
///
/// # Safety
/// `ctx` is a registered `FileDisk<X>`.
pub unsafe extern "C" fn destruct<X>(ctx: *mut c_void) -> c_int {
    spdk_io_device_unregister(ctx, Some(free::<X>));
    0
}

/// fn_table.get_io_channel of file disks.
///
/// # Safety
/// `ctx` is a registered file disk.
pub unsafe extern "C" fn get_io_channel(ctx: *mut c_void) -> *mut spdk_io_channel {
    spdk_get_io_channel(ctx)
}

/// Deletes bdev `name` of `module` (bdev_aio_delete, bdev_uring_delete);
/// `cb(arg, rc)` when done. -ENODEV when there is no such bdev.
///
/// # Safety
/// Called on an SPDK thread; `arg` is what `cb` expects.
pub unsafe fn delete(
    module: *mut spdk_bdev_module,
    name: &[u8],
    cb: spdk_bdev_unregister_cb,
    arg: *mut c_void,
) -> Result<(), c_int> {
    let b = core::find(name);
    if b.is_null() || (*b).module != module {
        return Err(-libc::ENODEV);
    }
    core::unregister(b, cb, arg);
    Ok(())
}

/// Writes `{"method": method, "params": {"name": <b's name>, ...}}`, the
/// call that recreates `b`; `params` writes the members after the name.
pub fn write_config(
    w: &mut JsonWriter,
    method: &str,
    b: &spdk_bdev,
    params: impl FnOnce(&mut JsonWriter),
) {
    let _ = w.object_begin();
    let _ = w.named_string("method", method);
    let _ = w.named_object_begin("params");
    let _ = w.named_string("name", b.name_bytes());
    params(w);
    let _ = w.object_end();
    let _ = w.object_end();
}
