//! spdk_ring_*: the C ABI of the lock-free rings (crate::ring).

use std::ffi::{c_int, c_void};

use crate::ring::{Ring, RingType};

/// A fixed-size FIFO of object pointers.
pub struct spdk_ring {
    _opaque: [u8; 0],
}

/// Which sides of a ring may be used by several threads at once.
#[repr(C)]
pub enum spdk_ring_type {
    /// One producer and one consumer at a time.
    SPDK_RING_TYPE_SP_SC = 0,
    /// Several producers, one consumer at a time.
    SPDK_RING_TYPE_MP_SC = 1,
    /// Several producers and several consumers.
    SPDK_RING_TYPE_MP_MC = 2,
}

/// `enum spdk_ring_type` as received from C (any int value).
#[doc(hidden)]
#[repr(transparent)]
pub struct SpdkRingTypeArg(pub c_int);

/// An object pointer stored in a ring.
#[repr(transparent)]
#[derive(Clone, Copy)]
struct Obj(*mut c_void);

// SAFETY: the ring only carries the pointer values; what they point to is
// the users' business, as in C.
unsafe impl Send for Obj {}

type CRing = Ring<Obj>;

fn ring_ref<'a>(ring: *mut spdk_ring) -> Option<&'a CRing> {
    // SAFETY: a non-null spdk_ring pointer comes from spdk_ring_create.
    unsafe { ring.cast::<CRing>().as_ref() }
}

/// Creates a ring of type `type` that holds up to `count` object pointers
/// (exactly `count`: no power-of-two rounding is visible). `numa_id` is a
/// placement hint. Returns NULL for an unknown type, a count of 0 or above
/// 2^31 - 1, or when out of memory.
#[no_mangle]
pub extern "C" fn spdk_ring_create(
    r#type: SpdkRingTypeArg,
    count: usize,
    numa_id: c_int,
) -> *mut spdk_ring {
    let _ = numa_id;
    let kind = match r#type.0 {
        0 => RingType::SpSc,
        1 => RingType::MpSc,
        2 => RingType::MpMc,
        _ => return std::ptr::null_mut(),
    };
    // SAFETY: the single-side contract is SPDK's documented one for C users.
    match unsafe { CRing::with_type(kind, count) } {
        Ok(r) => Box::into_raw(Box::new(r)).cast::<spdk_ring>(),
        Err(_) => std::ptr::null_mut(),
    }
}

/// Frees a ring (NULL is ignored). Pointers still in it are dropped.
///
/// # Safety
/// `ring` is NULL or from spdk_ring_create, and no longer used.
#[no_mangle]
pub unsafe extern "C" fn spdk_ring_free(ring: *mut spdk_ring) {
    if !ring.is_null() {
        drop(Box::from_raw(ring.cast::<CRing>()));
    }
}

/// Number of object pointers in the ring (0 for NULL).
///
/// # Safety
/// `ring` is NULL or a live ring.
#[no_mangle]
pub unsafe extern "C" fn spdk_ring_count(ring: *mut spdk_ring) -> usize {
    ring_ref(ring).map_or(0, |r| r.count())
}

/// Adds the `count` pointers of `objs` to the ring, all of them or none.
/// Returns how many were added (`count` or 0). When `free_space` is not
/// NULL it receives the number of free slots left afterwards.
///
/// # Safety
/// `ring` is NULL or a live ring; `objs` holds `count` pointers;
/// `free_space` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn spdk_ring_enqueue(
    ring: *mut spdk_ring,
    objs: *mut *mut c_void,
    count: usize,
    free_space: *mut usize,
) -> usize {
    let Some(r) = ring_ref(ring) else {
        if !free_space.is_null() {
            *free_space = 0;
        }
        return 0;
    };
    if objs.is_null() || count == 0 {
        if !free_space.is_null() {
            *free_space = r.free_count();
        }
        return 0;
    }
    if free_space.is_null() {
        return if r.try_enqueue_bulk_raw(objs.cast::<Obj>(), count) {
            count
        } else {
            0
        };
    }
    let (done, free) = match r.enqueue_bulk_raw(objs.cast::<Obj>(), count) {
        Ok(free) => (count, free),
        Err(free) => (0, free),
    };
    *free_space = free;
    done
}

/// Takes up to `count` pointers from the ring into `objs`, oldest first.
/// Returns how many were taken (0 for NULL arguments).
///
/// # Safety
/// `ring` is NULL or a live ring; `objs` has room for `count` pointers.
#[no_mangle]
pub unsafe extern "C" fn spdk_ring_dequeue(
    ring: *mut spdk_ring,
    objs: *mut *mut c_void,
    count: usize,
) -> usize {
    match ring_ref(ring) {
        Some(r) if !objs.is_null() => r.dequeue_burst_raw(objs.cast::<Obj>(), count),
        _ => 0,
    }
}
