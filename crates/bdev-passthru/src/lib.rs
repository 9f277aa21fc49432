//! SPDK's passthru virtual bdev module (module/bdev/passthru): a bdev
//! that claims another one and passes its I/O through unchanged.
//! [`register`] adds the module and its RPC methods (bdev_passthru_create,
//! bdev_passthru_delete).

use std::sync::Once;

pub mod rpc;
mod vbdev;

pub use vbdev::{base_of, create, delete, module};

static REGISTER: Once = Once::new();

/// Adds the passthru module to the bdev module list and registers its RPC
/// methods (once; before the bdev library initializes).
pub fn register() {
    REGISTER.call_once(|| {
        vbdev::register_module();
        rpc::register();
    });
}
