//! Aliases: other names of a bdev.

use std::ffi::{c_char, c_int, CStr};
use std::ptr;

use super::{spdk_bdev, AliasesHead};

/// Adds `alias` as another name of the registered `bdev`. 0, -EEXIST (a
/// bdev has that name or alias), -EINVAL (NULL or empty), -ENODEV (not
/// registered).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_alias_add(bdev: *mut spdk_bdev, alias: *const c_char) -> c_int {
    if alias.is_null() {
        spdk_log::errlog!("Empty alias passed");
        return -libc::EINVAL;
    }
    let a = CStr::from_ptr(alias).to_bytes();
    if bdev.is_null() || a.is_empty() {
        return -libc::EINVAL;
    }
    crate::aliases::add(bdev, a)
}

/// Removes an alias of `bdev`. 0, or -ENOENT when it has none by that name.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_alias_del(bdev: *mut spdk_bdev, alias: *const c_char) -> c_int {
    if bdev.is_null() || alias.is_null() {
        return -libc::EINVAL;
    }
    crate::aliases::del(bdev, CStr::from_ptr(alias).to_bytes())
}

/// Removes every alias of `bdev` (its UUID alias too).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_alias_del_all(bdev: *mut spdk_bdev) {
    if bdev.is_null() {
        return;
    }
    crate::aliases::del_all(bdev);
}

/// The list of the bdev's aliases (`struct spdk_bdev_alias` entries,
/// linked by `tailq`), or NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_aliases(bdev: *const spdk_bdev) -> *const AliasesHead {
    if bdev.is_null() {
        return ptr::null();
    }
    ptr::addr_of!((*bdev).aliases)
}
