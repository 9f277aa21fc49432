//! SPDK's uring bdev module (module/bdev/uring): bdevs on regular files and
//! block devices, with I/O through io_uring. Each thread has one ring (the
//! module's "group" channel) shared by the uring bdevs used there: I/Os
//! queue SQEs as they are submitted, and the group's poller submits them
//! in one batch, then reaps the completions. The per-I/O context lives in
//! the bdev_io's driver_ctx, so the I/O path allocates nothing.
//!
//! [`register`] adds the module and its RPC methods (bdev_uring_create,
//! bdev_uring_delete) once; it must run before the bdev layer initializes.
//! Where io_uring is unavailable (old kernel, sysctl, seccomp),
//! bdev_uring_create fails and says why.

use std::cell::UnsafeCell;
use std::ffi::{c_int, c_void};
use std::sync::Once;

use ::spdk_bdev::core;
use ::spdk_bdev::ffi::bdev_module::{spdk_bdev_module, spdk_bdev_module_internal_fields};
use spdk_thread::ffi::thread::{spdk_io_device_register, spdk_io_device_unregister};

mod channel;
pub mod disk;
mod rpc;

pub use disk::{create, delete, UringOpts};

struct ModuleCell(UnsafeCell<spdk_bdev_module>);
// SAFETY: the bdev library writes the module struct only during init/fini.
unsafe impl Sync for ModuleCell {}

static URING_MODULE: ModuleCell = ModuleCell(UnsafeCell::new(spdk_bdev_module {
    module_init: Some(module_init),
    init_complete: None,
    fini_start: None,
    module_fini: Some(module_fini),
    config_json: None,
    name: c"uring".as_ptr(),
    get_ctx_size: Some(ctx_size),
    examine_config: None,
    examine_disk: None,
    async_init: false,
    async_fini: false,
    async_fini_start: false,
    internal: spdk_bdev_module_internal_fields::new(),
}));

/// The module (also the io_device of the per-thread group channels).
pub fn module() -> *mut spdk_bdev_module {
    URING_MODULE.0.get()
}

fn group_dev() -> *mut c_void {
    module().cast()
}

static REGISTER: Once = Once::new();

/// Adds the uring module to the bdev module list and registers its RPC
/// methods (idempotent).
pub fn register() {
    REGISTER.call_once(|| {
        // SAFETY: a static module with a static name.
        unsafe { core::module_add(module()) };
        rpc::register();
    });
}

unsafe extern "C" fn ctx_size() -> c_int {
    std::mem::size_of::<channel::UringTask>() as c_int
}

unsafe extern "C" fn module_init() -> c_int {
    spdk_io_device_register(
        group_dev(),
        Some(channel::group_create),
        Some(channel::group_destroy),
        std::mem::size_of::<channel::GroupChannel>() as u32,
        c"uring_module".as_ptr(),
    );
    0
}

unsafe extern "C" fn module_fini() {
    spdk_io_device_unregister(group_dev(), None);
}
