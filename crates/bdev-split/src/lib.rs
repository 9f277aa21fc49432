//! SPDK's split virtual bdev module (module/bdev/split): a base bdev
//! split into equal parts, each a bdev of its own. [`register`] adds the
//! module and its RPC methods (bdev_split_create, bdev_split_delete).
//!
//! [`part`] is the bdev part library SPDK keeps in lib/bdev/part.c (the
//! error module uses it too); [`assoc`] is what the passthru and delay
//! modules share (a bdev over one whole base, configured by name);
//! [`base_io`] passes a virtual bdev's I/O to its base (used by every
//! virtual bdev module here).

use std::sync::Once;

pub mod assoc;
pub mod base_io;
pub mod part;
pub mod rpc;
mod vbdev;

pub use vbdev::{create, delete, module, names};

static REGISTER: Once = Once::new();

/// Adds the split module to the bdev module list and registers its RPC
/// methods (once; before the bdev library initializes).
pub fn register() {
    REGISTER.call_once(|| {
        vbdev::register_module();
        rpc::register();
    });
}
