//! What SPDK's bdev modules on regular files and block devices (aio,
//! uring) share: the backing file ([`BackingFile`]: opened with O_DIRECT
//! where the file allows it, the block size detected and checked as SPDK
//! does), the disk a module registers ([`FileDisk`]: its bdev, file and
//! the module's own state), delete and hot removal, the config JSON
//! frame and the create/delete RPC parameters ([`rpc`]).
//!
//! Only the I/O engines (Linux AIO, io_uring) and their options differ
//! between the modules.

mod backing;
mod disk;
pub mod rpc;

pub use backing::BackingFile;
pub use disk::{delete, destruct, get_io_channel, write_config, DiskKind, FileDisk};

/// The calling thread's errno.
pub fn errno() -> std::ffi::c_int {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}
