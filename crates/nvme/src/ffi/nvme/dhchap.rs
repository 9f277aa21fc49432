//! Names of the DH-HMAC-CHAP hash functions and Diffie-Hellman groups
//! (`spdk_nvme_dhchap_get_*`), as NVMe-oF in-band authentication and
//! SPDK's RPCs spell them. Only the names: this library does not
//! authenticate yet.

use core::ffi::{c_char, c_int, CStr};
use core::ptr;

/// (id of `enum spdk_nvmf_dhchap_hash`, name, digest bytes).
const DIGESTS: [(c_int, &CStr, u8); 3] =
    [(1, c"sha256", 32), (2, c"sha384", 48), (3, c"sha512", 64)];

/// (id of `enum spdk_nvmf_dhchap_dhgroup`, name).
const DHGROUPS: [(c_int, &CStr); 6] = [
    (0, c"null"),
    (1, c"ffdhe2048"),
    (2, c"ffdhe3072"),
    (3, c"ffdhe4096"),
    (4, c"ffdhe6144"),
    (5, c"ffdhe8192"),
];

unsafe fn name_of<'a>(p: *const c_char) -> Option<&'a CStr> {
    (!p.is_null()).then(|| CStr::from_ptr(p))
}

/// The name of digest `id` ("sha256"...), NULL for an unknown one.
#[no_mangle]
pub extern "C" fn spdk_nvme_dhchap_get_digest_name(id: c_int) -> *const c_char {
    DIGESTS
        .iter()
        .find(|d| d.0 == id)
        .map_or(ptr::null(), |d| d.1.as_ptr())
}

/// The id of the digest called `name` (exact spelling), -EINVAL if none.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_dhchap_get_digest_id(name: *const c_char) -> c_int {
    let Some(n) = name_of(name) else {
        return -libc::EINVAL;
    };
    DIGESTS
        .iter()
        .find(|d| d.1 == n)
        .map_or(-libc::EINVAL, |d| d.0)
}

/// The length in bytes of digest `id`, 0 for an unknown one.
#[no_mangle]
pub extern "C" fn spdk_nvme_dhchap_get_digest_length(id: c_int) -> u8 {
    DIGESTS.iter().find(|d| d.0 == id).map_or(0, |d| d.2)
}

/// The name of Diffie-Hellman group `id` ("null", "ffdhe2048"...), NULL
/// for an unknown one.
#[no_mangle]
pub extern "C" fn spdk_nvme_dhchap_get_dhgroup_name(id: c_int) -> *const c_char {
    DHGROUPS
        .iter()
        .find(|g| g.0 == id)
        .map_or(ptr::null(), |g| g.1.as_ptr())
}

/// The id of the Diffie-Hellman group called `name`, -EINVAL if none.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_dhchap_get_dhgroup_id(name: *const c_char) -> c_int {
    let Some(n) = name_of(name) else {
        return -libc::EINVAL;
    };
    DHGROUPS
        .iter()
        .find(|g| g.1 == n)
        .map_or(-libc::EINVAL, |g| g.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_both_ways() {
        unsafe {
            for (id, name, len) in DIGESTS {
                assert_eq!(CStr::from_ptr(spdk_nvme_dhchap_get_digest_name(id)), name);
                assert_eq!(spdk_nvme_dhchap_get_digest_id(name.as_ptr()), id);
                assert_eq!(spdk_nvme_dhchap_get_digest_length(id), len);
            }
            for (id, name) in DHGROUPS {
                assert_eq!(CStr::from_ptr(spdk_nvme_dhchap_get_dhgroup_name(id)), name);
                assert_eq!(spdk_nvme_dhchap_get_dhgroup_id(name.as_ptr()), id);
            }
            assert!(spdk_nvme_dhchap_get_digest_name(0).is_null());
            assert_eq!(spdk_nvme_dhchap_get_digest_length(9), 0);
            assert_eq!(
                spdk_nvme_dhchap_get_digest_id(c"SHA256".as_ptr()),
                -libc::EINVAL
            );
            assert_eq!(spdk_nvme_dhchap_get_dhgroup_id(ptr::null()), -libc::EINVAL);
            assert!(spdk_nvme_dhchap_get_dhgroup_name(6).is_null());
        }
    }
}
