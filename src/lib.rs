//! libspdk: every crate's C ABI in one library. Referencing each crate
//! here is what links its `#[no_mangle]` functions into libspdk.a/.so.

pub use spdk_bdev as bdev;
pub use spdk_bdev_aio as bdev_aio;
pub use spdk_bdev_delay as bdev_delay;
pub use spdk_bdev_error as bdev_error;
pub use spdk_bdev_passthru as bdev_passthru;
pub use spdk_bdev_raid as bdev_raid;
pub use spdk_bdev_split as bdev_split;
pub use spdk_bdev_uring as bdev_uring;
pub use spdk_env as env;
pub use spdk_event as event;
pub use spdk_init as init;
pub use spdk_json as json;
pub use spdk_jsonrpc as jsonrpc;
pub use spdk_log as log;
pub use spdk_nvme as nvme;
pub use spdk_rpc as rpc;
pub use spdk_thread as thread;
pub use spdk_util as util;
pub use spdk_vmd as vmd;
