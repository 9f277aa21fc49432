//! SPDK's error injection virtual bdev module (module/bdev/error):
//! `EE_<base>` passes I/O to its base bdev unless told to fail it, hold
//! it, corrupt its data or report no memory. [`register`] adds the module
//! and its RPC methods (bdev_error_create, bdev_error_delete,
//! bdev_error_inject_error).

use std::sync::Once;

mod io;
pub mod rpc;
mod vbdev;

pub use vbdev::{create, delete, inject_error, module, ErrorType, InjectOpts, IoType};

static REGISTER: Once = Once::new();

/// Adds the error module to the bdev module list and registers its RPC
/// methods (once; before the bdev library initializes).
pub fn register() {
    REGISTER.call_once(|| {
        vbdev::register_module();
        rpc::register();
    });
}
