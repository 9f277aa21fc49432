//! Media management events (spdk_bdev_push_media_events,
//! spdk_bdev_notify_media_management, spdk_bdev_get_media_events): a bdev
//! whose module reports media events gives each descriptor room for 64;
//! the module pushes events to the first writable descriptor and then
//! notifies, and the owner reads them from its
//! SPDK_BDEV_EVENT_MEDIA_MANAGEMENT callback, as SPDK.

use std::collections::VecDeque;
use std::sync::Mutex;

use crate::core::{self, Desc};
use crate::ffi::bdev::spdk_bdev_media_event;
use crate::ffi::bdev_module::{spdk_bdev, BDEV_FLAG_MEDIA_EVENTS};

/// Events one descriptor can hold.
const POOL_SIZE: usize = 64;

/// A descriptor's pending events.
pub type Queue = Mutex<VecDeque<spdk_bdev_media_event>>;

/// The queue of a new descriptor (None when the bdev has no media events).
pub fn queue_for(b: &spdk_bdev) -> Option<Queue> {
    (b.flags & BDEV_FLAG_MEDIA_EVENTS != 0).then(|| Mutex::new(VecDeque::with_capacity(POOL_SIZE)))
}

/// Queues events for the first writable descriptor: how many fit, or
/// -ENODEV when there is no such descriptor.
pub unsafe fn push(bdev: *mut spdk_bdev, events: &[spdk_bdev_media_event]) -> i32 {
    let descs = core::descs_of(bdev);
    let Some(&d) = descs.iter().find(|&&d| (*d).write) else {
        return -libc::ENODEV;
    };
    let Some(q) = (*d).media.as_ref() else {
        return -libc::ENODEV;
    };
    let mut q = core::lock(q);
    let n = events.len().min(POOL_SIZE - q.len());
    q.extend(events[..n].iter().copied());
    n as i32
}

/// Tells every descriptor with pending events.
pub unsafe fn notify(bdev: *mut spdk_bdev) {
    for d in core::descs_of(bdev) {
        let pending = (*d)
            .media
            .as_ref()
            .is_some_and(|q| !core::lock(q).is_empty());
        if pending {
            core::notify_media(d);
        }
    }
}

/// Takes up to `out.len()` events of a descriptor.
pub unsafe fn take(d: *mut Desc, out: &mut [spdk_bdev_media_event]) -> usize {
    let Some(q) = (*d).media.as_ref() else {
        return 0;
    };
    let mut q = core::lock(q);
    let mut n = 0;
    while n < out.len() {
        let Some(e) = q.pop_front() else { break };
        out[n] = e;
        n += 1;
    }
    n
}
