//! The C ABI of include/spdk/crc16.h.

// The C contract of each function (valid pointers, sizes) is its doc
// comment, which is also the header text.
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use core::ffi::c_void;

use super::crc32::bytes;
use crate::crc;

/// Computes the T10-DIF CRC-16 (polynomial 0x8BB7, not reflected, no final
/// XOR) of `len` bytes at `buf`, starting from `init_crc` (0 for a fresh
/// guard, or the result of a previous call to continue it).
/// A NULL `buf` returns `init_crc`.
#[no_mangle]
pub unsafe extern "C" fn spdk_crc16_t10dif(init_crc: u16, buf: *const c_void, len: usize) -> u16 {
    match bytes(buf, len) {
        Some(b) => crc::crc16_t10dif(init_crc, b),
        None => init_crc,
    }
}

/// Copies `len` bytes from `src` to `dst` (which must not overlap) and
/// returns the T10-DIF CRC-16 of them, as spdk_crc16_t10dif() would.
/// With a NULL `src` or `dst` nothing is copied and `init_crc` is returned.
#[no_mangle]
pub unsafe extern "C" fn spdk_crc16_t10dif_copy(
    init_crc: u16,
    dst: *mut u8,
    src: *mut u8,
    len: usize,
) -> u16 {
    if len == 0 {
        return init_crc;
    }
    if dst.is_null() || src.is_null() {
        return init_crc;
    }
    let s = core::slice::from_raw_parts(src.cast_const(), len);
    let crc = crc::crc16_t10dif(init_crc, s);
    core::ptr::copy_nonoverlapping(src.cast_const(), dst, len);
    crc
}
