//! The C ABI of include/spdk/crc32.h.

// The C contract of each function (valid pointers, sizes) is its doc
// comment, which is also the header text.
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use core::ffi::{c_int, c_void};

use crate::crc;

/// Views `len` bytes at `buf` as a slice; `None` for a NULL buffer.
///
/// # Safety
/// A non-NULL `buf` must be readable for `len` bytes.
pub(crate) unsafe fn bytes<'a>(buf: *const c_void, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if buf.is_null() {
        return None;
    }
    Some(core::slice::from_raw_parts(buf.cast::<u8>(), len))
}

/// Feeds `len` bytes at `buf` into a CRC-32 (IEEE 802.3, reflected) register.
///
/// `crc` is the raw register from the previous call; no initial or final
/// inversion is applied, so a standard CRC-32 is
/// `~spdk_crc32_ieee_update(buf, len, ~0u)`. A NULL `buf` leaves `crc` as is.
#[no_mangle]
pub unsafe extern "C" fn spdk_crc32_ieee_update(buf: *const c_void, len: usize, crc: u32) -> u32 {
    match bytes(buf, len) {
        Some(b) => crc::crc32_ieee_update(b, crc),
        None => crc,
    }
}

/// Feeds `len` bytes at `buf` into a CRC-32C (Castagnoli) register.
///
/// `crc` is the raw register from the previous call; no inversion is applied,
/// so a standard CRC-32C is `~spdk_crc32c_update(buf, len, ~0u)`.
/// A NULL `buf` leaves `crc` as is.
#[no_mangle]
pub unsafe extern "C" fn spdk_crc32c_update(buf: *const c_void, len: usize, crc: u32) -> u32 {
    match bytes(buf, len) {
        Some(b) => crc::crc32c_update(b, crc),
        None => crc,
    }
}

/// Feeds every element of an iovec array, in order, into a CRC-32C register
/// (same convention as spdk_crc32c_update()). A NULL `iov` or a
/// non-positive `iovcnt` returns `crc32c` unchanged; elements with a NULL
/// base are skipped.
#[no_mangle]
pub unsafe extern "C" fn spdk_crc32c_iov_update(
    iov: *mut libc::iovec,
    iovcnt: c_int,
    crc32c: u32,
) -> u32 {
    if iov.is_null() || iovcnt <= 0 {
        return crc32c;
    }
    let iovs = core::slice::from_raw_parts(iov, iovcnt as usize);
    let mut crc = crc32c;
    for v in iovs {
        if let Some(b) = bytes(v.iov_base, v.iov_len) {
            crc = crc::crc32c_update(b, crc);
        }
    }
    crc
}

/// CRC-32C for NVMe protection information: `crc` is the previous finished
/// checksum (0 to start a new one) and the result is a finished checksum,
/// so chained calls over consecutive pieces give the checksum of the whole.
/// A NULL `buf` leaves `crc` as is.
#[no_mangle]
pub unsafe extern "C" fn spdk_crc32c_nvme(buf: *const c_void, len: usize, crc: u32) -> u32 {
    match bytes(buf, len) {
        Some(b) => crc::crc32c_nvme(b, crc),
        None => crc,
    }
}
