//! spdk_internal/thread.h: introspection of pollers and channels, used by
//! the thread_get_pollers / thread_get_io_channels RPCs. Call these on the
//! thread that owns the poller or channel.

use std::ffi::{c_char, c_int};
use std::ptr;

use super::{spdk_io_channel, spdk_poller, spdk_thread, t_of};
use crate::channel::{self, IoChannel, IoDevice};
use crate::poller::{self, Poller};

/// Run counters of a poller.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct spdk_poller_stats {
    /// Times the poller ran.
    pub run_count: u64,
    /// Times it reported being busy.
    pub busy_count: u64,
}

/// A registered io_device (opaque).
pub struct io_device {
    _opaque: [u8; 0],
}

unsafe fn p<'a>(poller: *mut spdk_poller) -> Option<&'a Poller> {
    poller.cast::<Poller>().as_ref()
}

/// \return the poller's name ("" for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_poller_get_name(poller: *mut spdk_poller) -> *const c_char {
    p(poller).map_or(c"".as_ptr(), |p| p.name().as_ptr())
}

/// \return the poller's id within its thread (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_poller_get_id(poller: *mut spdk_poller) -> u64 {
    p(poller).map_or(0, |p| p.id())
}

/// \return "waiting", "running", "unregistered", "pausing" or "paused"
/// (NULL for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_poller_get_state_str(poller: *mut spdk_poller) -> *const c_char {
    p(poller).map_or(ptr::null(), |p| p.state().as_cstr().as_ptr())
}

/// \return the poller's period in ticks (0: runs on every poll).
#[no_mangle]
pub unsafe extern "C" fn spdk_poller_get_period_ticks(poller: *mut spdk_poller) -> u64 {
    p(poller).map_or(0, |p| p.period_ticks())
}

/// Copies the poller's run counters to `stats`.
#[no_mangle]
pub unsafe extern "C" fn spdk_poller_get_stats(
    poller: *mut spdk_poller,
    stats: *mut spdk_poller_stats,
) {
    if let (Some(p), Some(s)) = (p(poller), stats.as_mut()) {
        let (run, busy) = p.counts();
        s.run_count = run;
        s.busy_count = busy;
    }
}

/// \return the name of the device `ch` belongs to.
#[no_mangle]
pub unsafe extern "C" fn spdk_io_channel_get_io_device_name(
    ch: *mut spdk_io_channel,
) -> *const c_char {
    match ch.cast::<IoChannel>().as_ref() {
        Some(c) => (*c.dev()).name().as_ptr(),
        None => c"".as_ptr(),
    }
}

/// \return the number of references held on `ch`.
#[no_mangle]
pub unsafe extern "C" fn spdk_io_channel_get_ref_count(ch: *mut spdk_io_channel) -> c_int {
    ch.cast::<IoChannel>()
        .as_ref()
        .map_or(0, |c| c.ref_count() as c_int)
}

/// \return the device's name.
#[no_mangle]
pub unsafe extern "C" fn spdk_io_device_get_name(dev: *mut io_device) -> *const c_char {
    match dev.cast::<IoDevice>().as_ref() {
        Some(d) => d.name().as_ptr(),
        None => c"".as_ptr(),
    }
}

fn first(v: Vec<*mut Poller>) -> *mut spdk_poller {
    v.first().copied().unwrap_or(ptr::null_mut()).cast()
}

unsafe fn next_of(
    prev: *mut spdk_poller,
    list: unsafe fn(*mut crate::thread::Thread) -> Vec<*mut Poller>,
) -> *mut spdk_poller {
    let Some(pp) = p(prev) else {
        return ptr::null_mut();
    };
    poller::next_in(&list(pp.thread()), prev.cast()).cast()
}

/// \return the first active poller of `thread`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_get_first_active_poller(
    thread: *mut spdk_thread,
) -> *mut spdk_poller {
    if thread.is_null() {
        return ptr::null_mut();
    }
    first(poller::active_pollers(t_of(thread)))
}

/// \return the active poller after `prev`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_get_next_active_poller(
    prev: *mut spdk_poller,
) -> *mut spdk_poller {
    next_of(prev, poller::active_pollers)
}

/// \return the timed poller of `thread` due first, or NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_get_first_timed_poller(
    thread: *mut spdk_thread,
) -> *mut spdk_poller {
    if thread.is_null() {
        return ptr::null_mut();
    }
    first(poller::timed_pollers(t_of(thread)))
}

/// \return the timed poller due after `prev`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_get_next_timed_poller(
    prev: *mut spdk_poller,
) -> *mut spdk_poller {
    next_of(prev, poller::timed_pollers)
}

/// \return the first paused poller of `thread`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_get_first_paused_poller(
    thread: *mut spdk_thread,
) -> *mut spdk_poller {
    if thread.is_null() {
        return ptr::null_mut();
    }
    first(poller::paused_pollers(t_of(thread)))
}

/// \return the paused poller after `prev`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_get_next_paused_poller(
    prev: *mut spdk_poller,
) -> *mut spdk_poller {
    next_of(prev, poller::paused_pollers)
}

/// \return the first channel of `thread`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_get_first_io_channel(
    thread: *mut spdk_thread,
) -> *mut spdk_io_channel {
    if thread.is_null() {
        return ptr::null_mut();
    }
    channel::channels_of(t_of(thread))
        .first()
        .copied()
        .unwrap_or(ptr::null_mut())
        .cast()
}

/// \return the channel of the same thread after `prev`, or NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_thread_get_next_io_channel(
    prev: *mut spdk_io_channel,
) -> *mut spdk_io_channel {
    let Some(c) = prev.cast::<IoChannel>().as_ref() else {
        return ptr::null_mut();
    };
    let list = channel::channels_of(c.thread());
    list.iter()
        .position(|x| *x == prev.cast())
        .and_then(|i| list.get(i + 1).copied())
        .unwrap_or(ptr::null_mut())
        .cast()
}
