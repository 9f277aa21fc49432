//! The C ABI of include/spdk/uuid.h.

#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_char, c_int, CStr};
use std::ptr;

use crate::uuid as imp;

/// Size of a buffer that holds the text of a UUID: 36 characters and the
/// terminating NUL.
pub const SPDK_UUID_STRING_LEN: usize = 37;

/// The bytes of a UUID, reachable as `u.raw`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union spdk_uuid_u {
    pub raw: [u8; 16],
}

/// A UUID: 16 bytes in the order of its textual form (RFC 4122 network
/// byte order), so `u.raw[0]` holds the first two hex digits.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_uuid {
    pub u: spdk_uuid_u,
}

const _: () = assert!(std::mem::size_of::<spdk_uuid>() == 16);

/// Reads the bytes of `*p`, or `None` for NULL.
unsafe fn bytes_of(p: *const spdk_uuid) -> Option<[u8; 16]> {
    // SAFETY: the union's only member covers all of it; any bytes are valid.
    p.as_ref().map(|u| u.u.raw)
}

unsafe fn store(p: *mut spdk_uuid, bytes: [u8; 16]) {
    (*p).u.raw = bytes;
}

/// Reads a UUID from its textual form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`
/// (36 characters, hex digits of either case, nothing else around them).
///
/// \param[out] uuid Receives the UUID; untouched on failure.
/// \param uuid_str NUL-terminated text to read.
///
/// \return 0 on success, -EINVAL when a pointer is NULL or the text is not
/// a UUID.
#[no_mangle]
pub unsafe extern "C" fn spdk_uuid_parse(uuid: *mut spdk_uuid, uuid_str: *const c_char) -> c_int {
    if uuid.is_null() || uuid_str.is_null() {
        return -libc::EINVAL;
    }
    match imp::parse(CStr::from_ptr(uuid_str).to_bytes()) {
        Some(bytes) => {
            store(uuid, bytes);
            0
        }
        None => -libc::EINVAL,
    }
}

/// Writes the textual form of a UUID, with lower-case hex digits, as a
/// NUL-terminated string.
///
/// \param uuid_str Buffer for the text.
/// \param uuid_str_size Size of that buffer; at least SPDK_UUID_STRING_LEN.
/// \param uuid UUID to write out.
///
/// \return 0 on success, -EINVAL when the buffer is too small or a pointer
/// is NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_uuid_fmt_lower(
    uuid_str: *mut c_char,
    uuid_str_size: usize,
    uuid: *const spdk_uuid,
) -> c_int {
    if uuid_str.is_null() || uuid_str_size < SPDK_UUID_STRING_LEN {
        return -libc::EINVAL;
    }
    let Some(bytes) = bytes_of(uuid) else {
        return -libc::EINVAL;
    };
    let text = imp::format_lower(&bytes);
    ptr::copy_nonoverlapping(text.as_ptr() as *const c_char, uuid_str, text.len());
    *uuid_str.add(text.len()) = 0;
    0
}

/// Orders two UUIDs byte by byte, first byte most significant.
///
/// \param u1 First UUID.
/// \param u2 Second UUID.
///
/// \return 0 when they are equal, a negative value when u1 sorts first, a
/// positive one when u2 does. A NULL pointer sorts before any UUID.
#[no_mangle]
pub unsafe extern "C" fn spdk_uuid_compare(u1: *const spdk_uuid, u2: *const spdk_uuid) -> c_int {
    match (bytes_of(u1), bytes_of(u2)) {
        (Some(a), Some(b)) => imp::compare(&a, &b),
        (None, None) => 0,
        (None, Some(_)) => -1,
        (Some(_), None) => 1,
    }
}

/// Fills `uuid` with a new random (version 4) UUID. NULL is ignored.
///
/// \param[out] uuid Receives the UUID.
#[no_mangle]
pub unsafe extern "C" fn spdk_uuid_generate(uuid: *mut spdk_uuid) {
    if !uuid.is_null() {
        store(uuid, imp::generate_random());
    }
}

/// Computes the name-based, SHA-1 (version 5) UUID of a name within a
/// namespace, as RFC 4122 defines it: the same inputs always give the same
/// UUID.
///
/// \param[out] uuid Receives the UUID.
/// \param ns_uuid Namespace UUID.
/// \param name Bytes of the name (need not be NUL-terminated; may be NULL
/// when len is 0).
/// \param len Number of bytes in name.
///
/// \return 0 on success, -EINVAL when uuid or ns_uuid is NULL, or name is
/// NULL while len is not 0.
#[no_mangle]
pub unsafe extern "C" fn spdk_uuid_generate_sha1(
    uuid: *mut spdk_uuid,
    ns_uuid: *mut spdk_uuid,
    name: *const c_char,
    len: usize,
) -> c_int {
    if uuid.is_null() || (name.is_null() && len != 0) {
        return -libc::EINVAL;
    }
    let Some(ns) = bytes_of(ns_uuid) else {
        return -libc::EINVAL;
    };
    let name: &[u8] = if len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(name as *const u8, len)
    };
    store(uuid, imp::generate_sha1(&ns, name));
    0
}

/// Copies a UUID. Nothing happens when either pointer is NULL.
///
/// \param dst Where to copy to.
/// \param src UUID to copy.
#[no_mangle]
pub unsafe extern "C" fn spdk_uuid_copy(dst: *mut spdk_uuid, src: *const spdk_uuid) {
    if let (false, Some(bytes)) = (dst.is_null(), bytes_of(src)) {
        store(dst, bytes);
    }
}

/// Tells whether a UUID is the nil UUID (all 128 bits zero).
///
/// \param uuid UUID to test.
///
/// \return true for the nil UUID; false otherwise, and for NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_uuid_is_null(uuid: *const spdk_uuid) -> bool {
    bytes_of(uuid).is_some_and(|b| b == [0; 16])
}

/// Sets a UUID to the nil UUID (all bits zero). NULL is ignored.
///
/// \param uuid UUID to clear.
#[no_mangle]
pub unsafe extern "C" fn spdk_uuid_set_null(uuid: *mut spdk_uuid) {
    if !uuid.is_null() {
        store(uuid, [0; 16]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn through_the_abi() {
        unsafe {
            let mut u = spdk_uuid {
                u: spdk_uuid_u { raw: [0xff; 16] },
            };
            assert_eq!(
                spdk_uuid_parse(&mut u, c"a1b2c3d4-0000-4000-8000-00000000000F".as_ptr()),
                0
            );
            let mut buf = [0 as c_char; SPDK_UUID_STRING_LEN];
            assert_eq!(spdk_uuid_fmt_lower(buf.as_mut_ptr(), buf.len(), &u), 0);
            assert_eq!(
                CStr::from_ptr(buf.as_ptr()).to_str().unwrap(),
                "a1b2c3d4-0000-4000-8000-00000000000f"
            );
            assert_eq!(spdk_uuid_fmt_lower(buf.as_mut_ptr(), 36, &u), -libc::EINVAL);
            assert_eq!(spdk_uuid_parse(&mut u, c"nope".as_ptr()), -libc::EINVAL);
            assert_eq!(spdk_uuid_parse(&mut u, ptr::null()), -libc::EINVAL);
            assert!(!spdk_uuid_is_null(&u));
            spdk_uuid_set_null(&mut u);
            assert!(spdk_uuid_is_null(&u));
            assert!(!spdk_uuid_is_null(ptr::null()));
            let mut v = u;
            spdk_uuid_generate(&mut v);
            assert!(spdk_uuid_compare(&u, &v) < 0);
            spdk_uuid_copy(&mut u, &v);
            assert_eq!(spdk_uuid_compare(&u, &v), 0);
            let ns = v;
            assert_eq!(
                spdk_uuid_generate_sha1(&mut u, &ns as *const _ as *mut _, c"x".as_ptr(), 1),
                0
            );
            assert_eq!(
                spdk_uuid_generate_sha1(&mut v, &ns as *const _ as *mut _, c"x".as_ptr(), 1),
                0
            );
            assert_eq!(spdk_uuid_compare(&u, &v), 0);
            assert_eq!(
                spdk_uuid_generate_sha1(&mut u, ptr::null_mut(), c"x".as_ptr(), 1),
                -libc::EINVAL
            );
            assert_eq!(
                spdk_uuid_generate_sha1(&mut u, &ns as *const _ as *mut _, ptr::null(), 0),
                0
            );
        }
    }
}
