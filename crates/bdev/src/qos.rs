//! QoS rate limits (spdk_bdev_set_qos_rate_limits, bdev_set_qos_limit):
//! read/write IOPS, read/write bytes, read bytes and write bytes per second,
//! enforced per 1 ms timeslice as SPDK does.
//!
//! SPDK funnels every I/O of a limited bdev through one QoS thread. Here
//! each bdev has shared quota counters instead: a submitting thread takes
//! its I/O's cost with atomic adds (no lock, no message hop), the first
//! thread to see a timeslice end refills them (debt carries over), and an
//! I/O that finds a quota spent waits in its channel's FIFO, which a
//! per-channel poller drains as quota returns. Bdevs without limits pay
//! one flag load per I/O.

use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

use ::spdk_thread::ffi::thread::{spdk_poller_register_named, spdk_poller_unregister};

use crate::core::{self, BdevChannel};
use crate::ffi::bdev::spdk_bdev_io_type::*;
use crate::ffi::bdev_module::spdk_bdev_io;

pub const NUM_LIMITS: usize = 4;
pub const RW_IOPS: usize = 0;
pub const RW_BPS: usize = 1;
pub const R_BPS: usize = 2;
pub const W_BPS: usize = 3;
/// "Leave this limit as it is" in spdk_bdev_set_qos_rate_limits.
pub const NOT_DEFINED: u64 = u64::MAX;
const MIN_IOS_PER_SEC: u64 = 1000;
const MIN_BYTES_PER_SEC: u64 = 1024 * 1024;
const MAX_MBYTES_PER_SEC: u64 = u64::MAX / (1024 * 1024);
const TIMESLICE_US: u64 = 1000;

/// The RPC parameter names of the limits, in limit order.
pub const RPC_NAMES: [&str; NUM_LIMITS] = [
    "rw_ios_per_sec",
    "rw_mbytes_per_sec",
    "r_mbytes_per_sec",
    "w_mbytes_per_sec",
];

/// One bdev's limits and quotas.
pub struct Qos {
    active: AtomicBool,
    /// Per second: I/Os for RW_IOPS, bytes for the others; 0: no limit.
    limits: [AtomicU64; NUM_LIMITS],
    /// What is left of each quota in this timeslice (may go negative).
    remaining: [AtomicI64; NUM_LIMITS],
    slice_end: AtomicU64,
}

impl Default for Qos {
    fn default() -> Self {
        Qos {
            active: AtomicBool::new(false),
            limits: Default::default(),
            remaining: Default::default(),
            slice_end: AtomicU64::new(0),
        }
    }
}

fn is_iops(i: usize) -> bool {
    i == RW_IOPS
}

/// Validates and normalises caller limits as SPDK does: byte limits come
/// in MiB/s and become bytes/s; each is rounded up to a multiple of its
/// minimum (1000 IO/s, 1 MiB/s).
pub fn normalize(limits: &mut [u64; NUM_LIMITS]) {
    for (i, l) in limits.iter_mut().enumerate() {
        if *l == NOT_DEFINED {
            continue;
        }
        let min = if is_iops(i) {
            MIN_IOS_PER_SEC
        } else {
            if *l > MAX_MBYTES_PER_SEC {
                spdk_log::warnlog!(
                    "Requested rate limit {} will result in uint64_t overflow, reset to {}",
                    *l,
                    MAX_MBYTES_PER_SEC
                );
                *l = MAX_MBYTES_PER_SEC;
            }
            *l *= 1024 * 1024;
            MIN_BYTES_PER_SEC
        };
        let rest = *l % min;
        if rest != 0 {
            spdk_log::errlog!("Requested rate limit {} is not a multiple of {}", *l, min);
            *l += min - rest;
            spdk_log::errlog!("Round up the rate limit to {}", *l);
        }
    }
}

impl Qos {
    /// Applies normalised limits (NOT_DEFINED keeps a limit as it is).
    pub fn set(&self, limits: &[u64; NUM_LIMITS]) {
        for (i, &l) in limits.iter().enumerate() {
            if l != NOT_DEFINED {
                self.limits[i].store(l, Ordering::Relaxed);
                self.remaining[i].store(quota(i, l), Ordering::Relaxed);
            }
        }
        let any = self.limits.iter().any(|l| l.load(Ordering::Relaxed) != 0);
        self.slice_end.store(0, Ordering::Relaxed);
        self.active.store(any, Ordering::Release);
    }

    /// The limits as spdk_bdev_get_qos_rate_limits reports them (IO/s,
    /// MiB/s; 0: none).
    pub fn get(&self) -> [u64; NUM_LIMITS] {
        let mut out = [0; NUM_LIMITS];
        for (i, o) in out.iter_mut().enumerate() {
            let l = self.limits[i].load(Ordering::Relaxed);
            *o = if is_iops(i) { l } else { l / 1024 / 1024 };
        }
        out
    }

    #[inline]
    pub fn active(&self) -> bool {
        self.active.load(Ordering::Relaxed)
    }

    /// Starts a new timeslice when the current one is over.
    fn refill(&self, now: u64) {
        let end = self.slice_end.load(Ordering::Acquire);
        if now < end {
            return;
        }
        let next = now + spdk_env::ticks::ticks_hz() * TIMESLICE_US / 1_000_000;
        if self
            .slice_end
            .compare_exchange(end, next, Ordering::AcqRel, Ordering::Relaxed)
            .is_err()
        {
            return; // another thread refills
        }
        for i in 0..NUM_LIMITS {
            let q = quota(i, self.limits[i].load(Ordering::Relaxed));
            if q > 0 {
                let _ = self.remaining[i]
                    .fetch_update(Ordering::AcqRel, Ordering::Relaxed, |r| Some(r.min(0) + q));
            }
        }
    }

    /// Takes the cost of `io` from the quotas, or false when one is spent.
    unsafe fn admit(&self, io: *mut spdk_bdev_io) -> bool {
        let ty = (*io).r#type;
        let read = ty == SPDK_BDEV_IO_TYPE_READ as u8;
        if !read && ty != SPDK_BDEV_IO_TYPE_WRITE as u8 {
            return true; // only reads and writes are limited
        }
        self.refill(spdk_env::ticks::ticks());
        let bytes = ((*io).u.bdev.num_blocks * (*(*io).bdev).blocklen as u64) as i64;
        let dir = if read { R_BPS } else { W_BPS };
        let costs = [(RW_IOPS, 1), (RW_BPS, bytes), (dir, bytes)];
        let limited = |i: usize| self.limits[i].load(Ordering::Relaxed) != 0;
        if costs
            .iter()
            .any(|&(i, _)| limited(i) && self.remaining[i].load(Ordering::Acquire) <= 0)
        {
            return false;
        }
        for (i, c) in costs {
            if limited(i) {
                self.remaining[i].fetch_sub(c, Ordering::AcqRel);
            }
        }
        true
    }
}

/// A timeslice's share of a per-second limit, at least SPDK's minimum
/// (1 I/O, 512 bytes); 0 without a limit.
fn quota(i: usize, per_sec: u64) -> i64 {
    if per_sec == 0 {
        return 0;
    }
    let min = if is_iops(i) { 1 } else { 512 };
    (per_sec * TIMESLICE_US / 1_000_000).max(min) as i64
}

/// Per-channel state: the I/Os waiting for quota, and the poller that
/// submits them.
pub struct ChannelQueue {
    head: *mut spdk_bdev_io,
    tail: *mut spdk_bdev_io,
    poller: *mut ::spdk_thread::ffi::thread::spdk_poller,
}

impl Default for ChannelQueue {
    fn default() -> Self {
        Self::new()
    }
}

impl ChannelQueue {
    pub const fn new() -> Self {
        ChannelQueue {
            head: ptr::null_mut(),
            tail: ptr::null_mut(),
            poller: ptr::null_mut(),
        }
    }
}

/// Whether `io` must wait; if so it is queued on its channel.
#[inline]
pub unsafe fn throttle(c: *mut BdevChannel, qos: &Qos, io: *mut spdk_bdev_io) -> bool {
    let q = core::qos_queue(c);
    if (*q).head.is_null() && qos.admit(io) {
        return false;
    }
    (*io).internal.next = ptr::null_mut();
    if (*q).tail.is_null() {
        (*q).head = io;
    } else {
        (*(*q).tail).internal.next = io;
    }
    (*q).tail = io;
    if (*q).poller.is_null() {
        (*q).poller = spdk_poller_register_named(
            Some(drain_poll),
            c.cast(),
            TIMESLICE_US / 4,
            c"bdev_qos".as_ptr(),
        );
    }
    true
}

/// Submits queued I/Os while quota allows (all of them once QoS is off).
unsafe extern "C" fn drain_poll(arg: *mut c_void) -> c_int {
    let c = arg.cast::<BdevChannel>();
    let q = core::qos_queue(c);
    let qos = core::qos_of(c);
    let mut n = 0;
    while !(*q).head.is_null() {
        let io = (*q).head;
        if qos.active() && !qos.admit(io) {
            break;
        }
        (*q).head = (*io).internal.next;
        if (*q).head.is_null() {
            (*q).tail = ptr::null_mut();
        }
        core::start_queued(c, io);
        n += 1;
    }
    if (*q).head.is_null() {
        spdk_poller_unregister(&mut (*q).poller);
    }
    n
}

/// Channel teardown: waiting I/Os fail.
pub unsafe fn fail_queued(c: *mut BdevChannel) {
    let q = core::qos_queue(c);
    if !(*q).poller.is_null() {
        spdk_poller_unregister(&mut (*q).poller);
    }
    let mut io = std::mem::replace(&mut (*q).head, ptr::null_mut());
    (*q).tail = ptr::null_mut();
    while !io.is_null() {
        let next = (*io).internal.next;
        core::fail_unstarted(c, io);
        io = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_normalised_as_spdk() {
        let mut l = [1500, 1, NOT_DEFINED, 0];
        normalize(&mut l);
        assert_eq!(l, [2000, 1024 * 1024, NOT_DEFINED, 0]);
        let mut l = [0, u64::MAX - 1, 0, 0];
        normalize(&mut l);
        assert_eq!(l[1], MAX_MBYTES_PER_SEC * 1024 * 1024);
    }

    #[test]
    fn quotas_per_timeslice() {
        assert_eq!(quota(RW_IOPS, 1000), 1);
        assert_eq!(quota(RW_IOPS, 20_000), 20);
        assert_eq!(quota(R_BPS, 1024 * 1024), 1048);
        assert_eq!(quota(W_BPS, 0), 0);
        let q = Qos::default();
        q.set(&[2000, NOT_DEFINED, NOT_DEFINED, 3 * 1024 * 1024]);
        assert!(q.active());
        assert_eq!(q.get(), [2000, 0, 0, 3]);
        q.set(&[0, NOT_DEFINED, NOT_DEFINED, 0]);
        assert!(!q.active());
    }
}
