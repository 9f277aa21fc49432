//! The C ABI of include/spdk/bit_array.h.

#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_int, c_void};

use crate::bit_array::{BitArray, ResizeError, NOT_FOUND};

/// A bit array whose size can change; its contents are private. Bits
/// past its capacity read as 0.
pub struct spdk_bit_array {
    inner: BitArray,
}

fn errno_of(e: ResizeError) -> c_int {
    match e {
        ResizeError::TooLarge => -libc::EINVAL,
        ResizeError::NoMemory => -libc::ENOMEM,
    }
}

/// Number of bits the array holds.
///
/// \param ba Array to query.
///
/// \return its capacity in bits (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_bit_array_capacity(ba: *const spdk_bit_array) -> u32 {
    ba.as_ref().map_or(0, |b| b.inner.capacity())
}

/// Creates a bit array with every bit cleared.
///
/// \param num_bits Capacity in bits; at most UINT32_MAX - 1.
///
/// \return the new array, to be released with spdk_bit_array_free(), or
/// NULL when num_bits is UINT32_MAX or memory is exhausted.
#[no_mangle]
pub extern "C" fn spdk_bit_array_create(num_bits: u32) -> *mut spdk_bit_array {
    match BitArray::new(num_bits) {
        Ok(inner) => Box::into_raw(Box::new(spdk_bit_array { inner })),
        Err(_) => std::ptr::null_mut(),
    }
}

/// Releases a bit array and sets the caller's pointer to NULL. Nothing
/// happens when bap or *bap is NULL.
///
/// \param bap Address of the pointer to the array.
#[no_mangle]
pub unsafe extern "C" fn spdk_bit_array_free(bap: *mut *mut spdk_bit_array) {
    if bap.is_null() {
        return;
    }
    let ba = std::mem::replace(&mut *bap, std::ptr::null_mut());
    if !ba.is_null() {
        drop(Box::from_raw(ba));
    }
}

/// Changes the capacity of a bit array, or creates one when *bap is NULL.
/// Bits below both the old and the new capacity keep their value; bits
/// added by growing the array are cleared.
///
/// \param bap Address of the pointer to the array; *bap may be NULL, and
/// receives the (possibly new) array.
/// \param num_bits New capacity in bits; at most UINT32_MAX - 1.
///
/// \return 0 on success; -EINVAL when bap is NULL or num_bits is
/// UINT32_MAX; -ENOMEM when memory is exhausted (the array is then
/// unchanged).
#[no_mangle]
pub unsafe extern "C" fn spdk_bit_array_resize(
    bap: *mut *mut spdk_bit_array,
    num_bits: u32,
) -> c_int {
    if bap.is_null() {
        return -libc::EINVAL;
    }
    match (*bap).as_mut() {
        Some(ba) => match ba.inner.resize(num_bits) {
            Ok(()) => 0,
            Err(e) => errno_of(e),
        },
        None => match BitArray::new(num_bits) {
            Ok(inner) => {
                *bap = Box::into_raw(Box::new(spdk_bit_array { inner }));
                0
            }
            Err(e) => errno_of(e),
        },
    }
}

/// Reads one bit.
///
/// \param ba Array to read.
/// \param bit_index Index of the bit.
///
/// \return the bit's value; false for indexes past the capacity and for a
/// NULL array.
#[no_mangle]
pub unsafe extern "C" fn spdk_bit_array_get(ba: *const spdk_bit_array, bit_index: u32) -> bool {
    ba.as_ref().is_some_and(|b| b.inner.get(bit_index))
}

/// Sets one bit to 1.
///
/// \param ba Array to change.
/// \param bit_index Index of the bit.
///
/// \return 0 on success, -EINVAL when the index is past the capacity or ba
/// is NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_bit_array_set(ba: *mut spdk_bit_array, bit_index: u32) -> c_int {
    match ba.as_mut() {
        Some(b) => {
            if b.inner.set(bit_index) {
                0
            } else {
                -libc::EINVAL
            }
        }
        None => -libc::EINVAL,
    }
}

/// Clears one bit to 0. Indexes past the capacity (already 0) and a NULL
/// array are ignored.
///
/// \param ba Array to change.
/// \param bit_index Index of the bit.
#[no_mangle]
pub unsafe extern "C" fn spdk_bit_array_clear(ba: *mut spdk_bit_array, bit_index: u32) {
    if let Some(b) = ba.as_mut() {
        b.inner.clear(bit_index);
    }
}

/// Finds the first bit set to 1 at or after a given index.
///
/// \param ba Array to search.
/// \param start_bit_index Index to start from (0 for the whole array).
///
/// \return the index found, or UINT32_MAX when there is none (or ba is
/// NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_bit_array_find_first_set(
    ba: *const spdk_bit_array,
    start_bit_index: u32,
) -> u32 {
    ba.as_ref()
        .map_or(NOT_FOUND, |b| b.inner.find_first_set(start_bit_index))
}

/// Finds the first bit cleared to 0 at or after a given index, below the
/// capacity.
///
/// \param ba Array to search.
/// \param start_bit_index Index to start from (0 for the whole array).
///
/// \return the index found, or UINT32_MAX when there is none (or ba is
/// NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_bit_array_find_first_clear(
    ba: *const spdk_bit_array,
    start_bit_index: u32,
) -> u32 {
    ba.as_ref()
        .map_or(NOT_FOUND, |b| b.inner.find_first_clear(start_bit_index))
}

/// Counts the bits set to 1.
///
/// \param ba Array to count.
///
/// \return the number of 1 bits (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_bit_array_count_set(ba: *const spdk_bit_array) -> u32 {
    ba.as_ref().map_or(0, |b| b.inner.count_set())
}

/// Counts the bits cleared to 0 below the capacity.
///
/// \param ba Array to count.
///
/// \return the number of 0 bits (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_bit_array_count_clear(ba: *const spdk_bit_array) -> u32 {
    ba.as_ref().map_or(0, |b| b.inner.count_clear())
}

/// Copies the bits out to a plain bitmask: bit i of the array goes to bit
/// (i % 8) of byte i / 8. The mask must span the capacity rounded up to
/// whole bytes; in a last partial byte, bits past the capacity keep their
/// value. Nothing happens when a pointer is NULL.
///
/// \param ba Array to read.
/// \param mask Destination bitmask.
#[no_mangle]
pub unsafe extern "C" fn spdk_bit_array_store_mask(ba: *const spdk_bit_array, mask: *mut c_void) {
    let Some(b) = ba.as_ref() else { return };
    let len = b.inner.mask_len();
    if mask.is_null() || len == 0 {
        return;
    }
    b.inner
        .store_mask(std::slice::from_raw_parts_mut(mask as *mut u8, len));
}

/// Sets every bit of the array from a plain bitmask laid out as for
/// spdk_bit_array_store_mask(), spanning the capacity rounded up to whole
/// bytes. Nothing happens when a pointer is NULL.
///
/// \param ba Array to change.
/// \param mask Source bitmask.
#[no_mangle]
pub unsafe extern "C" fn spdk_bit_array_load_mask(ba: *mut spdk_bit_array, mask: *const c_void) {
    let Some(b) = ba.as_mut() else { return };
    let len = b.inner.mask_len();
    if mask.is_null() || len == 0 {
        return;
    }
    b.inner
        .load_mask(std::slice::from_raw_parts(mask as *const u8, len));
}

/// Clears every bit of the array. NULL is ignored.
///
/// \param ba Array to clear.
#[no_mangle]
pub unsafe extern "C" fn spdk_bit_array_clear_mask(ba: *mut spdk_bit_array) {
    if let Some(b) = ba.as_mut() {
        b.inner.clear_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    #[test]
    fn through_the_abi() {
        unsafe {
            let mut ba: *mut spdk_bit_array = ptr::null_mut();
            assert_eq!(spdk_bit_array_resize(&mut ba, 10), 0);
            assert!(!ba.is_null());
            assert_eq!(spdk_bit_array_capacity(ba), 10);
            assert_eq!(spdk_bit_array_set(ba, 10), -libc::EINVAL);
            assert_eq!(spdk_bit_array_set(ba, 3), 0);
            assert_eq!(spdk_bit_array_find_first_set(ba, 0), 3);
            assert_eq!(spdk_bit_array_resize(&mut ba, u32::MAX), -libc::EINVAL);
            assert_eq!(spdk_bit_array_resize(ptr::null_mut(), 5), -libc::EINVAL);
            let mut mask = [0u8; 2];
            spdk_bit_array_store_mask(ba, mask.as_mut_ptr() as *mut c_void);
            assert_eq!(mask, [8, 0]);
            spdk_bit_array_free(&mut ba);
            assert!(ba.is_null());
            spdk_bit_array_free(&mut ba);
            spdk_bit_array_free(ptr::null_mut());
            assert!(spdk_bit_array_create(u32::MAX).is_null());
            assert_eq!(spdk_bit_array_find_first_clear(ptr::null(), 0), u32::MAX);
        }
    }
}
