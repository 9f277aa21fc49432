//! spdk_mempool_*: the C ABI of the object pools (crate::mempool).

use std::ffi::{c_char, c_int, c_uint, c_void, CStr};
use std::pin::Pin;
use std::ptr::{self, NonNull};

use crate::mempool::Mempool;

/// A named pool of fixed-size elements.
pub struct spdk_mempool {
    _opaque: [u8; 0],
}

#[doc(hidden)]
pub type MempoolObjCbFn = unsafe extern "C" fn(*mut spdk_mempool, *mut c_void, *mut c_void, c_uint);

#[doc(hidden)]
pub type MempoolMemCbFn =
    unsafe extern "C" fn(*mut spdk_mempool, *mut c_void, *mut c_void, u64, usize, c_uint);

/// `spdk_mempool_obj_cb_t *` (a pointer to SPDK's function typedef).
#[doc(hidden)]
#[repr(transparent)]
pub struct SpdkMempoolObjCb(pub Option<MempoolObjCbFn>);

/// `spdk_mempool_mem_cb_t *` (a pointer to SPDK's function typedef).
#[doc(hidden)]
#[repr(transparent)]
pub struct SpdkMempoolMemCb(pub Option<MempoolMemCbFn>);

fn to_c(p: &Mempool) -> *mut spdk_mempool {
    (p as *const Mempool).cast_mut().cast()
}

/// # Safety
/// `mp` is NULL or a live pool from spdk_mempool_create*.
unsafe fn pool<'a>(mp: *const spdk_mempool) -> Option<&'a Mempool> {
    mp.cast::<Mempool>().as_ref()
}

/// Creates a pool named `name` of `count` elements of `ele_size` bytes each,
/// every element aligned to a cache line. Each thread may keep up to
/// `cache_size` free elements for itself (SPDK_MEMPOOL_DEFAULT_CACHE_SIZE
/// for the default, 0 for none; it is capped so that at most half of the
/// elements can be cached). Returns NULL when `name` is NULL, empty, not
/// shorter than SPDK_MAX_MEMPOOL_NAME_LEN or already used, when `count` or
/// `ele_size` is 0, or when out of memory.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn spdk_mempool_create(
    name: *const c_char,
    count: usize,
    ele_size: usize,
    cache_size: usize,
    numa_id: c_int,
) -> *mut spdk_mempool {
    spdk_mempool_create_ctor(
        name,
        count,
        ele_size,
        cache_size,
        numa_id,
        SpdkMempoolObjCb(None),
        ptr::null_mut(),
    )
}

/// Like spdk_mempool_create(), then calls `obj_init(pool, obj_init_arg,
/// element, index)` once for every element (when `obj_init` is not NULL)
/// before any element can be taken.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `obj_init` is NULL or a valid
/// callback.
#[no_mangle]
pub unsafe extern "C" fn spdk_mempool_create_ctor(
    name: *const c_char,
    count: usize,
    ele_size: usize,
    cache_size: usize,
    numa_id: c_int,
    obj_init: SpdkMempoolObjCb,
    obj_init_arg: *mut c_void,
) -> *mut spdk_mempool {
    if name.is_null() {
        return ptr::null_mut();
    }
    let name = CStr::from_ptr(name).to_bytes();
    let created = Mempool::with_init(name, count, ele_size, cache_size, numa_id, |p, e, i| {
        if let Some(cb) = obj_init.0 {
            cb(to_c(p), obj_init_arg, e.as_ptr().cast(), i);
        }
    });
    match created {
        Ok(p) => Box::into_raw(Pin::into_inner_unchecked(p)).cast(),
        Err(_) => ptr::null_mut(),
    }
}

/// The pool's name (NULL for a NULL pool). The string belongs to the pool.
///
/// # Safety
/// `mp` is NULL or a live pool.
#[no_mangle]
pub unsafe extern "C" fn spdk_mempool_get_name(mp: *mut spdk_mempool) -> *mut c_char {
    pool(mp).map_or(ptr::null_mut(), |p| p.name_ptr().cast_mut())
}

/// Frees a pool and its elements (NULL is ignored). Freeing a pool with
/// elements still taken prints a warning; those elements become invalid.
///
/// # Safety
/// `mp` is NULL or a live pool that no thread uses any more.
#[no_mangle]
pub unsafe extern "C" fn spdk_mempool_free(mp: *mut spdk_mempool) {
    if !mp.is_null() {
        drop(Pin::new_unchecked(Box::from_raw(mp.cast::<Mempool>())));
    }
}

/// Takes a free element; NULL when none is left or `mp` is NULL.
///
/// # Safety
/// `mp` is NULL or a live pool.
#[no_mangle]
pub unsafe extern "C" fn spdk_mempool_get(mp: *mut spdk_mempool) -> *mut c_void {
    pool(mp)
        .and_then(|p| p.get())
        .map_or(ptr::null_mut(), |e| e.as_ptr().cast())
}

/// Takes `count` elements into `ele_arr`, all or none. Returns 0 on success,
/// -ENOENT when fewer than `count` are free, -EINVAL for NULL arguments.
///
/// # Safety
/// `mp` is NULL or a live pool; `ele_arr` has room for `count` pointers.
#[no_mangle]
pub unsafe extern "C" fn spdk_mempool_get_bulk(
    mp: *mut spdk_mempool,
    ele_arr: *mut *mut c_void,
    count: usize,
) -> c_int {
    let Some(p) = pool(mp) else {
        return -libc::EINVAL;
    };
    if count == 0 {
        return 0;
    }
    if ele_arr.is_null() {
        return -libc::EINVAL;
    }
    match p.get_bulk_raw(ele_arr.cast::<*mut u8>(), count) {
        Ok(()) => 0,
        Err(e) => -e.errno(),
    }
}

/// Returns an element to its pool. NULL and pointers that are not elements
/// of the pool are ignored.
///
/// # Safety
/// `mp` is NULL or a live pool; `ele` is not used after this call.
#[no_mangle]
pub unsafe extern "C" fn spdk_mempool_put(mp: *mut spdk_mempool, ele: *mut c_void) {
    if let (Some(p), Some(e)) = (pool(mp), NonNull::new(ele)) {
        p.put(e.cast());
    }
}

/// Returns the `count` elements of `ele_arr` to the pool; NULL or foreign
/// pointers among them are ignored.
///
/// # Safety
/// `mp` is NULL or a live pool; `ele_arr` holds `count` pointers.
#[no_mangle]
pub unsafe extern "C" fn spdk_mempool_put_bulk(
    mp: *mut spdk_mempool,
    ele_arr: *mut *mut c_void,
    count: usize,
) {
    if let Some(p) = pool(mp) {
        if !ele_arr.is_null() {
            p.put_bulk_raw(ele_arr.cast::<*mut u8>().cast_const(), count);
        }
    }
}

/// Number of free elements, counting those in per-thread caches (0 for
/// NULL).
///
/// # Safety
/// `pool` is NULL or a live pool.
#[no_mangle]
pub unsafe extern "C" fn spdk_mempool_count(pool: *const spdk_mempool) -> usize {
    self::pool(pool).map_or(0, |p| p.count())
}

/// Calls `obj_cb(mp, obj_cb_arg, element, index)` for every element, free or
/// taken, and returns how many elements there are (0 for NULL arguments).
///
/// # Safety
/// `mp` is NULL or a live pool; `obj_cb` is NULL or a valid callback.
#[no_mangle]
pub unsafe extern "C" fn spdk_mempool_obj_iter(
    mp: *mut spdk_mempool,
    obj_cb: SpdkMempoolObjCb,
    obj_cb_arg: *mut c_void,
) -> u32 {
    match (pool(mp), obj_cb.0) {
        (Some(p), Some(cb)) => p.obj_iter(|e, i| cb(mp, obj_cb_arg, e.as_ptr().cast(), i)),
        _ => 0,
    }
}

/// Calls `mem_cb(mp, mem_cb_arg, address, iova, length, index)` for every
/// memory chunk holding elements (one) and returns the number of chunks
/// (0 for NULL arguments).
///
/// # Safety
/// `mp` is NULL or a live pool; `mem_cb` is NULL or a valid callback.
#[no_mangle]
pub unsafe extern "C" fn spdk_mempool_mem_iter(
    mp: *mut spdk_mempool,
    mem_cb: SpdkMempoolMemCb,
    mem_cb_arg: *mut c_void,
) -> u32 {
    let (Some(p), Some(cb)) = (pool(mp), mem_cb.0) else {
        return 0;
    };
    let chunks = p.mem_chunks();
    for (i, (addr, len)) in chunks.iter().enumerate() {
        // IOVA = VA until the address maps provide a translation.
        cb(
            mp,
            mem_cb_arg,
            addr.as_ptr().cast(),
            addr.as_ptr() as u64,
            *len,
            i as c_uint,
        );
    }
    chunks.len() as u32
}

/// Finds a pool by name; NULL when there is none (or `name` is NULL).
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn spdk_mempool_lookup(name: *const c_char) -> *mut spdk_mempool {
    if name.is_null() {
        return ptr::null_mut();
    }
    Mempool::lookup(CStr::from_ptr(name).to_bytes()).map_or(ptr::null_mut(), |p| p.as_ptr().cast())
}
