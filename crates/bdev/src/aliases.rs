//! Bdev aliases (spdk_bdev_alias_add/_del/_del_all, spdk_bdev_get_aliases):
//! other names a bdev is found and opened by. Names and aliases share one
//! namespace across all bdevs; registration adds the bdev's UUID as an
//! alias (unless it is its name), unregistration drops them all, as SPDK.
//!
//! The list is the C `TAILQ` in `struct spdk_bdev` (`aliases`) of `struct
//! spdk_bdev_alias` entries, so C code can walk it with `TAILQ_FOREACH`.
//! It changes under the registry lock.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr;

use crate::core::{self, BdevPtr};
use crate::ffi::bdev_module::spdk_bdev;

/// `struct spdk_bdev_alias` (its `struct spdk_bdev_name` inlined).
#[repr(C)]
pub struct Alias {
    name: *mut c_char,
    bdev: *mut spdk_bdev,
    /// The red-black tree entry SPDK keeps names in (unused here).
    rb: [*mut c_void; 3],
    rb_color: c_int,
    next: *mut Alias,
    prev: *mut *mut Alias,
}

const _: () = assert!(std::mem::size_of::<Alias>() == 64);

unsafe fn head_first(b: *mut spdk_bdev) -> *mut *mut Alias {
    ptr::addr_of_mut!((*b).aliases.tqh_first).cast()
}

unsafe fn head_last(b: *mut spdk_bdev) -> *mut *mut *mut Alias {
    ptr::addr_of_mut!((*b).aliases.tqh_last).cast()
}

/// An empty list (TAILQ_INIT), at registration.
pub unsafe fn init(b: *mut spdk_bdev) {
    *head_first(b) = ptr::null_mut();
    *head_last(b) = head_first(b);
}

/// The bdev's aliases, in order.
unsafe fn entries(b: *const spdk_bdev) -> Vec<*mut Alias> {
    let mut out = Vec::new();
    let mut it = (*b).aliases.tqh_first.cast::<Alias>();
    while !it.is_null() {
        out.push(it);
        it = (*it).next;
    }
    out
}

/// Whether `name` is one of the bdev's aliases.
pub unsafe fn has(b: &spdk_bdev, name: &[u8]) -> bool {
    let mut it = b.aliases.tqh_first.cast::<Alias>();
    while !it.is_null() {
        if CStr::from_ptr((*it).name).to_bytes() == name {
            return true;
        }
        it = (*it).next;
    }
    false
}

/// Whether a registered bdev has `name` as its name or an alias.
pub unsafe fn taken(r: &[BdevPtr], name: &[u8]) -> bool {
    r.iter()
        .any(|b| (*b.0).name_bytes() == name || has(&*b.0, name))
}

/// Adds an alias (registry lock held); -EEXIST when the name is taken.
pub unsafe fn add_locked(r: &[BdevPtr], b: *mut spdk_bdev, name: &[u8]) -> c_int {
    if taken(r, name) || (*b).name_bytes() == name {
        spdk_log::errlog!("Bdev name {} already exists", String::from_utf8_lossy(name));
        return -libc::EEXIST;
    }
    let Ok(c) = CString::new(name) else {
        return -libc::EINVAL;
    };
    let a = Box::into_raw(Box::new(Alias {
        name: c.into_raw(),
        bdev: b,
        rb: [ptr::null_mut(); 3],
        rb_color: 0,
        next: ptr::null_mut(),
        prev: *head_last(b),
    }));
    **head_last(b) = a;
    *head_last(b) = ptr::addr_of_mut!((*a).next);
    0
}

unsafe fn unlink(b: *mut spdk_bdev, a: *mut Alias) {
    if (*a).next.is_null() {
        *head_last(b) = (*a).prev;
    } else {
        (*(*a).next).prev = (*a).prev;
    }
    *(*a).prev = (*a).next;
    drop(CString::from_raw((*a).name));
    drop(Box::from_raw(a));
}

/// spdk_bdev_alias_add(): the bdev must be registered (-ENODEV).
pub unsafe fn add(b: *mut spdk_bdev, name: &[u8]) -> c_int {
    let r = core::registry();
    if !r.iter().any(|x| x.0 == b) {
        spdk_log::errlog!("Aliases can be added to registered bdevs only");
        return -libc::ENODEV;
    }
    add_locked(&r, b, name)
}

/// spdk_bdev_alias_del(): -ENOENT when the bdev has no such alias.
pub unsafe fn del(b: *mut spdk_bdev, name: &[u8]) -> c_int {
    let _r = core::registry();
    if (*b).aliases.tqh_last.is_null() {
        return -libc::ENOENT;
    }
    for a in entries(b) {
        if CStr::from_ptr((*a).name).to_bytes() == name {
            unlink(b, a);
            return 0;
        }
    }
    -libc::ENOENT
}

/// Drops every alias (registry lock held).
pub unsafe fn del_all_locked(b: *mut spdk_bdev) {
    if (*b).aliases.tqh_last.is_null() {
        return;
    }
    for a in entries(b) {
        unlink(b, a);
    }
}

/// spdk_bdev_alias_del_all().
pub unsafe fn del_all(b: *mut spdk_bdev) {
    let _r = core::registry();
    del_all_locked(b);
}

/// The aliases, for bdev_get_bdevs.
pub unsafe fn names(b: *mut spdk_bdev) -> Vec<Vec<u8>> {
    let _r = core::registry();
    entries(b)
        .into_iter()
        .map(|a| CStr::from_ptr((*a).name).to_bytes().to_vec())
        .collect()
}
