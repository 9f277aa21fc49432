//! The C ABI of include/spdk/cpuset.h.

#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_char, c_void, CStr};
use std::ptr;

use crate::cpuset::{CpuMask, CPUSET_BYTES, CPUSET_HEX_LEN};

/// Number of CPUs a `struct spdk_cpuset` can hold (CPU numbers 0 to
/// SPDK_CPUSET_SIZE - 1).
pub const SPDK_CPUSET_SIZE: usize = 1024;

/// A set of CPUs.
///
/// `cpus` is a bitmap: CPU n is bit (n % 8) of byte n / 8. `str` is where
/// spdk_cpuset_fmt() writes its text. Use the functions below rather than
/// the fields.
#[repr(C)]
pub struct spdk_cpuset {
    /// SPDK_CPUSET_SIZE / 4 + 1 bytes: room for the hex digits and a NUL.
    pub str: [c_char; 257],
    /// SPDK_CPUSET_SIZE / 8 bytes.
    pub cpus: [u8; 128],
}

const _: () = assert!(CPUSET_BYTES == SPDK_CPUSET_SIZE / 8);
const _: () = assert!(CPUSET_HEX_LEN + 1 == SPDK_CPUSET_SIZE / 4 + 1);
const _: () = assert!(std::mem::size_of::<[c_char; 257]>() == SPDK_CPUSET_SIZE / 4 + 1);
const _: () = assert!(std::mem::size_of::<[u8; 128]>() == SPDK_CPUSET_SIZE / 8);
const _: () = assert!(std::mem::size_of::<spdk_cpuset>() == 385);

unsafe fn mask_of(set: *const spdk_cpuset) -> Option<CpuMask> {
    set.as_ref().map(|s| CpuMask::from_bytes(s.cpus))
}

/// Applies `f` to the mask of `set` and stores the result; NULL is ignored.
unsafe fn update(set: *mut spdk_cpuset, f: impl FnOnce(&mut CpuMask)) {
    if let Some(s) = set.as_mut() {
        let mut m = CpuMask::from_bytes(s.cpus);
        f(&mut m);
        s.cpus = *m.bytes();
    }
}

/// Allocates an empty CPU set.
///
/// \return the new set, to be released with spdk_cpuset_free(), or NULL when
/// memory is exhausted.
#[no_mangle]
pub extern "C" fn spdk_cpuset_alloc() -> *mut spdk_cpuset {
    // SAFETY: calloc either fails or returns zeroed memory of the size asked,
    // and all-zero bytes are a valid, empty spdk_cpuset.
    unsafe { libc::calloc(1, std::mem::size_of::<spdk_cpuset>()) as *mut spdk_cpuset }
}

/// Releases a set obtained from spdk_cpuset_alloc(). NULL is ignored.
///
/// \param set Set to release.
#[no_mangle]
pub unsafe extern "C" fn spdk_cpuset_free(set: *mut spdk_cpuset) {
    libc::free(set as *mut c_void);
}

/// Tells whether two sets hold the same CPUs.
///
/// \param set1 First set.
/// \param set2 Second set.
///
/// \return true when they are equal; false when they differ or either
/// pointer is NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_cpuset_equal(
    set1: *const spdk_cpuset,
    set2: *const spdk_cpuset,
) -> bool {
    match (set1.as_ref(), set2.as_ref()) {
        (Some(a), Some(b)) => a.cpus == b.cpus,
        _ => false,
    }
}

/// Makes `dst` hold exactly the CPUs of `src`. Nothing happens when either
/// pointer is NULL.
///
/// \param dst Set to overwrite.
/// \param src Set to copy.
#[no_mangle]
pub unsafe extern "C" fn spdk_cpuset_copy(dst: *mut spdk_cpuset, src: *const spdk_cpuset) {
    if dst.is_null() || src.is_null() || ptr::eq(dst, src) {
        return;
    }
    (*dst).cpus = (*src).cpus;
}

/// Intersection: keeps in `dst` only the CPUs that are also in `src`.
///
/// \param dst First operand, receives the result.
/// \param src Second operand.
#[no_mangle]
pub unsafe extern "C" fn spdk_cpuset_and(dst: *mut spdk_cpuset, src: *const spdk_cpuset) {
    if let Some(other) = mask_of(src) {
        update(dst, |m| m.and_with(&other));
    }
}

/// Union: adds the CPUs of `src` to `dst`.
///
/// \param dst First operand, receives the result.
/// \param src Second operand.
#[no_mangle]
pub unsafe extern "C" fn spdk_cpuset_or(dst: *mut spdk_cpuset, src: *const spdk_cpuset) {
    if let Some(other) = mask_of(src) {
        update(dst, |m| m.or_with(&other));
    }
}

/// Symmetric difference: toggles in `dst` the CPUs that are in `src`.
///
/// \param dst First operand, receives the result.
/// \param src Second operand.
#[no_mangle]
pub unsafe extern "C" fn spdk_cpuset_xor(dst: *mut spdk_cpuset, src: *const spdk_cpuset) {
    if let Some(other) = mask_of(src) {
        update(dst, |m| m.xor_with(&other));
    }
}

/// Complement: every CPU number below SPDK_CPUSET_SIZE that was in the set
/// is removed and every other one is added.
///
/// \param set Set to invert in place.
#[no_mangle]
pub unsafe extern "C" fn spdk_cpuset_negate(set: *mut spdk_cpuset) {
    update(set, CpuMask::negate);
}

/// Removes every CPU from the set.
///
/// \param set Set to empty.
#[no_mangle]
pub unsafe extern "C" fn spdk_cpuset_zero(set: *mut spdk_cpuset) {
    update(set, CpuMask::clear);
}

/// Adds a CPU to the set or removes it. CPU numbers of SPDK_CPUSET_SIZE
/// and above are ignored.
///
/// \param set Set to change.
/// \param cpu CPU number.
/// \param state true to add the CPU, false to remove it.
#[no_mangle]
pub unsafe extern "C" fn spdk_cpuset_set_cpu(set: *mut spdk_cpuset, cpu: u32, state: bool) {
    update(set, |m| m.set(cpu, state));
}

/// Tells whether a CPU is in the set.
///
/// \param set Set to query.
/// \param cpu CPU number.
///
/// \return true when it is; false when it is not, when the number is out
/// of range or when set is NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_cpuset_get_cpu(set: *const spdk_cpuset, cpu: u32) -> bool {
    mask_of(set).is_some_and(|m| m.get(cpu))
}

/// Calls `fn` once for every CPU in the set, in increasing CPU order.
/// Nothing happens when set or func is NULL.
///
/// \param set Set to walk.
/// \param func Function called with `ctx` and a CPU number.
/// \param ctx Opaque argument passed to func.
#[no_mangle]
pub unsafe extern "C" fn spdk_cpuset_for_each_cpu(
    set: *const spdk_cpuset,
    func: Option<unsafe extern "C" fn(ctx: *mut c_void, cpu: u32)>,
    ctx: *mut c_void,
) {
    let (Some(m), Some(f)) = (mask_of(set), func) else {
        return;
    };
    // The callback may change the set; walk the copy taken on entry.
    for cpu in m.iter() {
        f(ctx, cpu);
    }
}

/// Counts the CPUs in the set.
///
/// \param set Set to query.
///
/// \return the number of CPUs in it (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_cpuset_count(set: *const spdk_cpuset) -> u32 {
    mask_of(set).map_or(0, |m| m.count())
}

/// Writes the set as a hexadecimal mask (lower case, no `0x`, no leading
/// zeros; "0" for an empty set) into the set's own `str` buffer.
///
/// \param set Set to format.
///
/// \return `set->str`, valid until the set changes, is formatted again or
/// is freed; NULL when set is NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_cpuset_fmt(set: *mut spdk_cpuset) -> *const c_char {
    let Some(s) = set.as_mut() else {
        return ptr::null();
    };
    let mut buf = [0u8; CPUSET_HEX_LEN];
    let n = CpuMask::from_bytes(s.cpus).to_hex(&mut buf);
    for (d, &c) in s.str.iter_mut().zip(buf[..n].iter()) {
        *d = c as c_char;
    }
    s.str[n] = 0;
    s.str.as_ptr()
}

/// Sets `set` from a textual CPU mask: either a hexadecimal number with or
/// without a `0x` prefix (commas are skipped, as in the masks Linux shows in
/// sysfs; digits past CPU SPDK_CPUSET_SIZE - 1 are ignored), or a list of
/// CPU numbers and inclusive ranges in square brackets such as "[0-3,7]".
/// Spaces and tabs around the text and around list items are allowed.
///
/// \param set Set to fill; left unchanged when the text is rejected.
/// \param mask NUL-terminated text.
///
/// \return 0 on success; -1 when a pointer is NULL, the text is empty or
/// malformed, a range is reversed, or a listed CPU is SPDK_CPUSET_SIZE or
/// more.
#[no_mangle]
pub unsafe extern "C" fn spdk_cpuset_parse(set: *mut spdk_cpuset, mask: *const c_char) -> i32 {
    if set.is_null() || mask.is_null() {
        return -1;
    }
    match CpuMask::parse(CStr::from_ptr(mask).to_bytes()) {
        Ok(m) => {
            (*set).cpus = *m.bytes();
            0
        }
        Err(_) => -1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    unsafe extern "C" fn collect(ctx: *mut c_void, cpu: u32) {
        (*(ctx as *mut Vec<u32>)).push(cpu);
    }

    #[test]
    fn through_the_abi() {
        unsafe {
            let s = spdk_cpuset_alloc();
            assert!(!s.is_null());
            assert_eq!(spdk_cpuset_count(s), 0);
            assert_eq!(CStr::from_ptr(spdk_cpuset_fmt(s)).to_str().unwrap(), "0");
            assert_eq!(spdk_cpuset_parse(s, c"[0-3, 9]".as_ptr()), 0);
            assert_eq!(CStr::from_ptr(spdk_cpuset_fmt(s)).to_str().unwrap(), "20f");
            let mut seen: Vec<u32> = Vec::new();
            spdk_cpuset_for_each_cpu(s, Some(collect), &mut seen as *mut _ as *mut c_void);
            assert_eq!(seen, [0, 1, 2, 3, 9]);
            assert_eq!(spdk_cpuset_parse(s, c"0xZZ".as_ptr()), -1);
            assert_eq!(spdk_cpuset_count(s), 5);
            assert_eq!(spdk_cpuset_parse(s, ptr::null()), -1);
            assert_eq!(spdk_cpuset_parse(ptr::null_mut(), c"1".as_ptr()), -1);
            spdk_cpuset_set_cpu(s, 1024, true);
            assert!(!spdk_cpuset_get_cpu(s, 1024));
            assert!(spdk_cpuset_fmt(ptr::null_mut()).is_null());
            spdk_cpuset_free(s);
            spdk_cpuset_free(ptr::null_mut());
        }
    }
}
