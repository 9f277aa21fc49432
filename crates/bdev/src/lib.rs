//! SPDK's block device layer (include/spdk/bdev.h, bdev_module.h): bdev
//! modules (in Rust or C) register block devices; applications open them,
//! get per-thread channels and submit I/O that completes on the
//! submitting thread.
//!
//! The library is the "bdev" subsystem ([`register_subsystem`]); its RPC
//! methods and the null and malloc modules are built in.

use std::sync::Once;

/// Same contract as `core`.
#[allow(clippy::missing_safety_doc)]
pub mod abort;
/// Same contract as `core`.
#[allow(clippy::missing_safety_doc)]
pub mod aliases;
/// Same contract as `core`.
#[allow(clippy::missing_safety_doc)]
pub mod bounce;
/// The layer's internals work on the pointers the C ABI receives; each
/// function's contract is that of the C call it serves.
#[allow(clippy::missing_safety_doc)]
pub mod core;
/// Same contract as `core`.
#[allow(clippy::missing_safety_doc)]
pub mod emulate;
/// Same contract as `core`.
#[allow(clippy::missing_safety_doc)]
pub mod histogram;
/// Same contract as `core`.
#[allow(clippy::missing_safety_doc)]
pub mod iter;
/// Same contract as `core`.
#[allow(clippy::missing_safety_doc)]
pub mod lock;
pub mod malloc;
/// Same contract as `core`.
#[allow(clippy::missing_safety_doc)]
pub mod media;
pub mod null;
/// Same contract as `core`.
#[allow(clippy::missing_safety_doc)]
pub mod open_async;
/// Same contract as `core`.
#[allow(clippy::missing_safety_doc)]
pub mod part;
/// Same contract as `core`.
#[allow(clippy::missing_safety_doc)]
pub mod qd;
/// Same contract as `core`.
#[allow(clippy::missing_safety_doc)]
pub mod qos;
pub mod rpc;
/// Same contract as `core`.
#[allow(clippy::missing_safety_doc)]
pub mod scsi;
/// Same contract as `core`.
#[allow(clippy::missing_safety_doc)]
pub mod split;
/// Same contract as `core`.
#[allow(clippy::missing_safety_doc)]
pub mod submitted;
/// Same contract as `core`.
#[allow(clippy::missing_safety_doc)]
pub mod timeout;

/// The C ABI. Its unsafe functions take C pointers; their contract is the
/// one documented in the header, so no `# Safety` sections.
#[allow(non_camel_case_types, clippy::missing_safety_doc)]
pub mod ffi {
    pub mod bdev;
    pub mod bdev_module;
    pub mod bdev_zone;
}

pub use ffi::bdev::{spdk_bdev_desc, spdk_bdev_io_stat, spdk_bdev_io_type, spdk_bdev_opts};
pub use ffi::bdev_module::{spdk_bdev, spdk_bdev_io, spdk_bdev_module};

static BUILTIN: Once = Once::new();

/// Adds the Rust modules (null) to the module list and registers the RPC
/// methods (once).
pub fn register_builtin_modules() {
    BUILTIN.call_once(|| {
        null::register_module();
        malloc::register_module();
        rpc::register();
    });
}

unsafe fn init_done(rc: std::ffi::c_int) {
    spdk_init::ffi::init::internal::spdk_subsystem_init_next(rc);
}

unsafe fn fini_done(_rc: std::ffi::c_int) {
    spdk_init::ffi::init::internal::spdk_subsystem_fini_next();
}

unsafe extern "C" fn subsystem_init() {
    core::initialize(init_done);
}

unsafe extern "C" fn subsystem_fini() {
    if core::is_initialized() {
        core::finish(fini_done);
    } else {
        fini_done(0);
    }
}

/// Registers the "bdev" subsystem (and the built-in modules and RPCs).
pub fn register_subsystem() {
    register_builtin_modules();
    spdk_init::subsystem::register(spdk_init::subsystem::SubsystemDef {
        name: c"bdev",
        init: Some(subsystem_init),
        fini: Some(subsystem_fini),
        write_config_json: Some(rpc::write_config_json),
    });
}
