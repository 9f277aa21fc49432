//! SPDK's delay virtual bdev module (module/bdev/delay): a bdev that
//! claims another one and adds a configurable latency to its reads and
//! writes (average, and p99 for one I/O in a hundred), for testing
//! initiators' timeouts. [`register`] adds the module and its RPC methods
//! (bdev_delay_create, bdev_delay_delete, bdev_delay_update_latency).

use std::sync::Once;

mod io;
pub mod rpc;
mod vbdev;

pub use vbdev::{create, delete, module, update_latency, Latencies, LatencyType};

static REGISTER: Once = Once::new();

/// Adds the delay module to the bdev module list and registers its RPC
/// methods (once; before the bdev library initializes).
pub fn register() {
    REGISTER.call_once(|| {
        vbdev::register_module();
        rpc::register();
    });
}
