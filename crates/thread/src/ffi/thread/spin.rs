//! spdk_spin_*: spinlocks that may only be held by an SPDK thread and never
//! across a message or poller boundary. Misuse is reported and the call is
//! refused (SPDK aborts instead).

use std::ptr;

use libc::pthread_spinlock_t;

use super::spdk_thread;
use crate::thread::{self as th};

/// Debugging data of a spinlock (opaque).
pub struct spdk_spinlock_internal {
    _opaque: [u8; 0],
}

/// A spinlock usable only from SPDK threads. Use the functions below.
#[repr(C)]
pub struct spdk_spinlock {
    /// The lock itself.
    pub spinlock: pthread_spinlock_t,
    /// The SPDK thread holding it, or NULL.
    pub thread: *mut spdk_thread,
    /// Debugging data (unused here).
    pub internal: *mut spdk_spinlock_internal,
    /// Set by spdk_spin_init().
    pub initialized: bool,
    /// Set by spdk_spin_destroy().
    pub destroyed: bool,
}

fn spin_err(code: i32, what: &str) {
    spdk_log::errlog!("unrecoverable spinlock error {}: {}", code, what);
}

/// Initializes a spinlock.
#[no_mangle]
pub unsafe extern "C" fn spdk_spin_init(sspin: *mut spdk_spinlock) {
    let Some(s) = sspin.as_mut() else {
        return;
    };
    ptr::write_bytes(sspin, 0, 1);
    if libc::pthread_spin_init(&mut s.spinlock, libc::PTHREAD_PROCESS_PRIVATE) != 0 {
        spin_err(4, "Error from pthread_spinlock");
        return;
    }
    s.initialized = true;
}

/// Destroys a spinlock that is not held.
#[no_mangle]
pub unsafe extern "C" fn spdk_spin_destroy(sspin: *mut spdk_spinlock) {
    let Some(s) = sspin.as_mut() else {
        return;
    };
    if s.destroyed {
        return spin_err(8, "Lock has been destroyed");
    }
    if !s.initialized {
        return spin_err(9, "Lock has not been initialized");
    }
    if !s.thread.is_null() {
        return spin_err(5, "Destroying a held spinlock");
    }
    libc::pthread_spin_destroy(&mut s.spinlock);
    s.initialized = false;
    s.destroyed = true;
}

unsafe fn usable(s: &spdk_spinlock) -> Option<*mut th::Thread> {
    if s.destroyed {
        spin_err(8, "Lock has been destroyed");
        return None;
    }
    if !s.initialized {
        spin_err(9, "Lock has not been initialized");
        return None;
    }
    let t = th::current();
    if t.is_null() {
        spin_err(1, "Not an SPDK thread");
        return None;
    }
    Some(t)
}

/// Takes the lock (from an SPDK thread that does not hold it).
#[no_mangle]
pub unsafe extern "C" fn spdk_spin_lock(sspin: *mut spdk_spinlock) {
    let Some(s) = sspin.as_mut() else {
        return;
    };
    let Some(t) = usable(s) else {
        return;
    };
    if ptr::read_volatile(&s.thread) == t.cast() {
        return spin_err(2, "Deadlock detected");
    }
    if libc::pthread_spin_lock(&mut s.spinlock) != 0 {
        return spin_err(4, "Error from pthread_spinlock");
    }
    s.thread = t.cast();
    (*t).lock_count_add(1);
}

/// Releases the lock (from the SPDK thread holding it).
#[no_mangle]
pub unsafe extern "C" fn spdk_spin_unlock(sspin: *mut spdk_spinlock) {
    let Some(s) = sspin.as_mut() else {
        return;
    };
    let Some(t) = usable(s) else {
        return;
    };
    if s.thread != t.cast() {
        return spin_err(3, "Unlock on wrong SPDK thread");
    }
    (*t).lock_count_add(-1);
    s.thread = ptr::null_mut();
    libc::pthread_spin_unlock(&mut s.spinlock);
}

/// \return whether the current SPDK thread holds the lock.
#[no_mangle]
pub unsafe extern "C" fn spdk_spin_held(sspin: *mut spdk_spinlock) -> bool {
    let t = th::current();
    if t.is_null() {
        spin_err(1, "Not an SPDK thread");
        return false;
    }
    sspin
        .as_ref()
        .is_some_and(|s| s.thread == t.cast::<spdk_thread>())
}
