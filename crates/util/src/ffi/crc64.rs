//! The C ABI of include/spdk/crc64.h.

// The C contract of each function (valid pointers, sizes) is its doc
// comment, which is also the header text.
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use core::ffi::c_void;

use super::crc32::bytes;
use crate::crc;

/// CRC-64/NVME (the Rocksoft polynomial, used by NVMe 64-bit protection
/// information) of `len` bytes at `buf`. `crc` is the previous finished
/// checksum (0 to start) and the result is finished, so chained calls over
/// consecutive pieces give the checksum of the whole buffer.
/// A NULL `buf` returns `crc`.
#[no_mangle]
pub unsafe extern "C" fn spdk_crc64_nvme(buf: *const c_void, len: usize, crc: u64) -> u64 {
    match bytes(buf, len) {
        Some(b) => crc::crc64_nvme(b, crc),
        None => crc,
    }
}
