//! The subsystems of our Rust crates. They are registered from this list
//! when an application starts (no constructors in Rust code): a crate that
//! provides a subsystem adds its registration function here, as SPDK links
//! its `event_<name>` subsystem libraries.

/// Registration functions of the bdev modules that live in crates of their
/// own (`crates/bdev-<name>`): each adds its module and RPC methods, once.
/// They run before the bdev subsystem initializes, as SPDK's module
/// constructors do.
const BDEV_MODULES: &[fn()] = &[
    spdk_bdev_aio::register,
    spdk_bdev_uring::register,
    spdk_bdev_split::register,
    spdk_bdev_passthru::register,
    spdk_bdev_delay::register,
    spdk_bdev_error::register,
    spdk_bdev_raid::register,
];

/// Registration functions of the built-in subsystems, in registration
/// order (dependencies are declared by the functions themselves).
const BUILTIN: &[fn()] = &[
    crate::iobuf::register_subsystem,
    spdk_bdev::register_subsystem,
];

/// Registers the bdev modules and the built-in subsystems (idempotent:
/// registering a name again does nothing).
pub fn register_builtin() {
    for f in BDEV_MODULES.iter().chain(BUILTIN) {
        f();
    }
}
