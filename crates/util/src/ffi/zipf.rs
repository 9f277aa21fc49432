//! The C ABI of include/spdk/zipf.h.

#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use crate::zipf::Zipf;

/// A Zipf generator (opaque).
pub struct spdk_zipf {
    _opaque: [u8; 0],
}

/// A generator of values in [0, `range`) with skew `theta` (greater than
/// 0, not 1; 0 is the most likely value), seeded with `seed` (0: a random
/// seed). NULL for bad arguments. Free it with spdk_zipf_free().
#[no_mangle]
pub extern "C" fn spdk_zipf_create(range: u64, theta: f64, seed: u32) -> *mut spdk_zipf {
    match Zipf::new(range, theta, seed) {
        Some(z) => Box::into_raw(Box::new(z)).cast(),
        None => std::ptr::null_mut(),
    }
}

/// Frees `*zipfp` and sets it to NULL (nothing for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_zipf_free(zipfp: *mut *mut spdk_zipf) {
    if zipfp.is_null() || (*zipfp).is_null() {
        return;
    }
    drop(Box::from_raw((*zipfp).cast::<Zipf>()));
    *zipfp = std::ptr::null_mut();
}

/// The next value (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_zipf_generate(zipf: *mut spdk_zipf) -> u64 {
    zipf.cast::<Zipf>().as_mut().map_or(0, Zipf::generate)
}
