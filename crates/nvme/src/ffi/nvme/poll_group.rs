//! Poll groups (`struct spdk_nvme_poll_group`): queue pairs polled as one
//! unit from one thread, and their statistics.
//!
//! Interrupt mode (spdk_nvme_poll_group_wait, the fd group, the interrupt
//! callback) is not provided: the driver is polled only.
//!
//! `struct spdk_nvme_accel_fn_table` and the statistics structs have
//! anonymous unions or callback types cbindgen cannot print: their C view
//! is written in headers/nvme.pre.h and nvme.post.h, and the Rust types
//! here (excluded from the header) have the same layout.

use core::ffi::{c_char, c_int, c_void};
use core::mem::{offset_of, size_of};
use core::ptr;

use super::qpair::{qp, spdk_nvme_qpair};
use super::{spdk_nvme_transport_type, TransportTypeArg};
use crate::poll_group::{GroupTransport, PollGroup, TransportStats};
use crate::qpair::Qpair;

/// A poll group: I/O queue pairs polled for completions as a unit.
pub struct spdk_nvme_poll_group {
    _opaque: [u8; 0],
}

#[inline]
fn pg(p: *mut spdk_nvme_poll_group) -> *mut PollGroup {
    p.cast()
}

/// `spdk_nvme_disconnected_qpair_cb`: called by
/// spdk_nvme_poll_group_process_completions() for each disconnected pair,
/// with the group's context.
pub type spdk_nvme_disconnected_qpair_cb =
    Option<unsafe extern "C" fn(qpair: *mut spdk_nvme_qpair, poll_group_ctx: *mut c_void)>;

/// `struct spdk_nvme_accel_fn_table` (C view in headers/nvme.pre.h). The
/// callbacks are only checked as SPDK checks them, never called: the
/// driver computes digests itself and takes no accel sequences.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct spdk_nvme_accel_fn_table {
    pub table_size: usize,
    pub reserved8: [u8; 8],
    pub finish_sequence: *const c_void,
    pub reverse_sequence: *const c_void,
    pub abort_sequence: *const c_void,
    pub append_crc32c: *const c_void,
    pub append_copy: *const c_void,
}

const _: () = assert!(size_of::<spdk_nvme_accel_fn_table>() == 56);

/// `struct spdk_nvme_rdma_device_stat` (no RDMA transport here: never
/// filled; C view in headers/nvme.post.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct spdk_nvme_rdma_device_stat {
    pub name: *const c_char,
    pub polls: u64,
    pub idle_polls: u64,
    pub completions: u64,
    pub queued_requests: u64,
    pub total_send_wrs: u64,
    pub send_doorbell_updates: u64,
    pub total_recv_wrs: u64,
    pub recv_doorbell_updates: u64,
}

/// `struct spdk_nvme_pcie_stat`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct spdk_nvme_pcie_stat {
    pub polls: u64,
    pub idle_polls: u64,
    pub completions: u64,
    pub cq_mmio_doorbell_updates: u64,
    pub cq_shadow_doorbell_updates: u64,
    pub submitted_requests: u64,
    pub queued_requests: u64,
    pub sq_mmio_doorbell_updates: u64,
    pub sq_shadow_doorbell_updates: u64,
}

/// `struct spdk_nvme_tcp_stat`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct spdk_nvme_tcp_stat {
    pub polls: u64,
    pub idle_polls: u64,
    pub socket_completions: u64,
    pub nvme_completions: u64,
    pub submitted_requests: u64,
    pub queued_requests: u64,
}

/// The `rdma` member of the union.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RdmaGroupStat {
    pub num_devices: u32,
    pub device_stats: *mut spdk_nvme_rdma_device_stat,
}

/// The anonymous union of `struct spdk_nvme_transport_poll_group_stat`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union TransportStatUnion {
    pub rdma: RdmaGroupStat,
    pub pcie: spdk_nvme_pcie_stat,
    pub tcp: spdk_nvme_tcp_stat,
}

/// `struct spdk_nvme_transport_poll_group_stat`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_nvme_transport_poll_group_stat {
    pub trtype: TransportTypeArg,
    pub u: TransportStatUnion,
}

/// `struct spdk_nvme_poll_group_stat`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct spdk_nvme_poll_group_stat {
    pub num_transports: u32,
    pub transport_stat: *mut *mut spdk_nvme_transport_poll_group_stat,
}

const _: () = {
    assert!(size_of::<spdk_nvme_pcie_stat>() == 72);
    assert!(size_of::<spdk_nvme_tcp_stat>() == 48);
    assert!(size_of::<spdk_nvme_rdma_device_stat>() == 72);
    assert!(offset_of!(spdk_nvme_transport_poll_group_stat, u) == 8);
    assert!(size_of::<spdk_nvme_transport_poll_group_stat>() == 80);
    assert!(size_of::<spdk_nvme_poll_group_stat>() == 16);
};

/// Creates a poll group with the application's context `ctx` (see
/// spdk_nvme_poll_group_get_ctx()). `table` (may be NULL) is checked as
/// SPDK checks it: the sequence callbacks (finish, reverse, abort) must
/// be all set or all NULL, and append_crc32c or append_copy need them.
/// Its callbacks are not used: the driver computes digests itself and
/// takes no accel sequences, as with a NULL table.
///
/// Returns the group, or NULL when `table` is inconsistent.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_poll_group_create(
    ctx: *mut c_void,
    table: *mut spdk_nvme_accel_fn_table,
) -> *mut spdk_nvme_poll_group {
    if !table.is_null() {
        // Only the caller's `table_size` bytes are read (an older or
        // smaller table): the rest stays zero.
        let size = ptr::read_unaligned(ptr::addr_of!((*table).table_size));
        let mut t: spdk_nvme_accel_fn_table = core::mem::zeroed();
        let n = size.min(size_of::<spdk_nvme_accel_fn_table>());
        ptr::copy_nonoverlapping(table.cast::<u8>(), ptr::addr_of_mut!(t).cast::<u8>(), n);
        t.table_size = size;
        if size != 0 && !accel_table_valid(&t) {
            return ptr::null_mut();
        }
    }
    Box::into_raw(PollGroup::new(ctx)).cast()
}

/// Whether the callbacks of `t` within its `table_size` are consistent.
unsafe fn accel_table_valid(t: &spdk_nvme_accel_fn_table) -> bool {
    type T = spdk_nvme_accel_fn_table;
    let set = |off: usize, p: *const c_void| {
        off + size_of::<*const c_void>() <= t.table_size && !p.is_null()
    };
    let finish = set(offset_of!(T, finish_sequence), t.finish_sequence);
    let reverse = set(offset_of!(T, reverse_sequence), t.reverse_sequence);
    let abort = set(offset_of!(T, abort_sequence), t.abort_sequence);
    let crc = set(offset_of!(T, append_crc32c), t.append_crc32c);
    let copy = set(offset_of!(T, append_copy), t.append_copy);
    if (finish && reverse && abort) != (finish || reverse || abort) {
        spdk_log::errlog!(
            "Invalid accel_fn_table: the sequence callbacks must be all set or all NULL"
        );
        return false;
    }
    if (crc || copy) && !finish {
        spdk_log::errlog!(
            "Invalid accel_fn_table: append_crc32c/append_copy need the sequence callbacks"
        );
        return false;
    }
    true
}

/// Adds a disconnected I/O queue pair (allocated with `create_only` and
/// not connected yet, or disconnected with
/// spdk_nvme_ctrlr_disconnect_io_qpair()) to `group`; connect it
/// afterwards with spdk_nvme_ctrlr_connect_io_qpair().
///
/// Returns 0, or -EINVAL when a pointer is NULL, the pair is connected,
/// is not an I/O pair or already belongs to a group, or -ENOMEM.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_poll_group_add(
    group: *mut spdk_nvme_poll_group,
    qpair: *mut spdk_nvme_qpair,
) -> c_int {
    let q = qp(qpair);
    if group.is_null() || !io_qpair_ok(q) {
        return -libc::EINVAL;
    }
    match PollGroup::add(pg(group), q) {
        Ok(()) => 0,
        Err(e) => e,
    }
}

/// Whether `q` is an I/O pair of a live controller.
unsafe fn io_qpair_ok(q: *mut Qpair) -> bool {
    if q.is_null() {
        return false;
    }
    let c = (*q).c.ctrlr;
    !c.is_null() && (*c).owns_qpair(q)
}

/// Removes a disconnected pair from `group` (freeing a pair with
/// spdk_nvme_ctrlr_free_io_qpair() removes it too).
///
/// Returns 0, -EINVAL when a pointer is NULL or the pair is connected,
/// -ENODEV when the group never had a pair of its transport, or -ENOENT
/// when it is not in the group.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_poll_group_remove(
    group: *mut spdk_nvme_poll_group,
    qpair: *mut spdk_nvme_qpair,
) -> c_int {
    let q = qp(qpair);
    if group.is_null() || q.is_null() {
        return -libc::EINVAL;
    }
    match PollGroup::remove(pg(group), q) {
        Ok(()) => 0,
        Err(e) => e,
    }
}

/// Destroys an empty poll group.
///
/// Returns 0, -EBUSY when pairs remain in it (or it is polling: called
/// from one of its callbacks), or -EINVAL when `group` is NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_poll_group_destroy(group: *mut spdk_nvme_poll_group) -> c_int {
    let g = pg(group);
    if g.is_null() {
        return -libc::EINVAL;
    }
    if !(*g).is_empty() || (*g).in_process() {
        return -libc::EBUSY;
    }
    drop(Box::from_raw(g));
    0
}

/// Polls every pair of `group`: up to `completions_per_qpair` completions
/// each (0: all there are), running their callbacks, and calls
/// `disconnected_qpair_cb` (with the group's context) for each pair that
/// is disconnected, including those that fail in this call. The
/// application then reconnects (spdk_nvme_ctrlr_reconnect_io_qpair()) or
/// frees them; the callback may do either at once.
///
/// Returns the completions of all pairs, -EINVAL when `group` or the
/// callback is NULL, or -ENXIO when a pair failed in this call (the
/// others were still polled). Returns 0 when called from one of the
/// group's own callbacks.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_poll_group_process_completions(
    group: *mut spdk_nvme_poll_group,
    completions_per_qpair: u32,
    disconnected_qpair_cb: spdk_nvme_disconnected_qpair_cb,
) -> i64 {
    let g = pg(group);
    let Some(cb) = disconnected_qpair_cb else {
        return -(libc::EINVAL as i64);
    };
    if g.is_null() {
        return -(libc::EINVAL as i64);
    }
    PollGroup::process_completions(g, completions_per_qpair, |q, ctx| {
        // SAFETY: the application's callback, with one of its pairs.
        unsafe { cb(q.cast(), ctx) }
    })
}

/// Whether every pair of the group is connected: 0 when all are (or the
/// group is empty), -EIO when one is not, -EINVAL when `group` is NULL.
/// (Pairs connect synchronously here: -EAGAIN, still connecting, does
/// not occur.)
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_poll_group_all_connected(
    group: *mut spdk_nvme_poll_group,
) -> c_int {
    match pg(group).as_ref() {
        Some(g) => g.all_connected(),
        None => -libc::EINVAL,
    }
}

/// The context given to spdk_nvme_poll_group_create() (NULL for a NULL
/// group).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_poll_group_get_ctx(
    group: *mut spdk_nvme_poll_group,
) -> *mut c_void {
    pg(group).as_ref().map_or(ptr::null_mut(), |g| g.ctx)
}

/// Statistics of `group`, one entry per transport that had pairs in it
/// (PCIe, TCP), counting what its pairs did while they were in the
/// group. PCIe: polls, idle polls, completions, submitted and queued
/// (waiting for a free slot) requests, SQ and CQ doorbell writes (MMIO
/// and shadow). TCP: polls (calls of
/// spdk_nvme_poll_group_process_completions()), NVMe completions,
/// submitted and queued requests; idle_polls and socket_completions
/// (socket group events) are not counted and stay 0. Free the result
/// with spdk_nvme_poll_group_free_stats().
///
/// Returns 0, -EINVAL when a pointer is NULL, or -ENOTSUP when no pair
/// was ever added to the group.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_poll_group_get_stats(
    group: *mut spdk_nvme_poll_group,
    stats: *mut *mut spdk_nvme_poll_group_stat,
) -> c_int {
    let (Some(g), false) = (pg(group).as_ref(), stats.is_null()) else {
        return -libc::EINVAL;
    };
    let per = g.stats();
    if per.is_empty() {
        return -libc::ENOTSUP;
    }
    let list: Box<[*mut spdk_nvme_transport_poll_group_stat]> = per
        .iter()
        .map(|&(t, s)| Box::into_raw(Box::new(transport_stat(t, &s))))
        .collect();
    let n = list.len() as u32;
    let out = Box::new(spdk_nvme_poll_group_stat {
        num_transports: n,
        transport_stat: Box::into_raw(list).cast(),
    });
    *stats = Box::into_raw(out);
    0
}

fn transport_stat(t: GroupTransport, s: &TransportStats) -> spdk_nvme_transport_poll_group_stat {
    let p = &s.pairs;
    match t {
        GroupTransport::Pcie => spdk_nvme_transport_poll_group_stat {
            trtype: TransportTypeArg(spdk_nvme_transport_type::SPDK_NVME_TRANSPORT_PCIE as c_int),
            u: TransportStatUnion {
                pcie: spdk_nvme_pcie_stat {
                    polls: p.polls,
                    idle_polls: p.idle_polls,
                    completions: p.completions,
                    cq_mmio_doorbell_updates: p.db.cq_mmio,
                    cq_shadow_doorbell_updates: p.db.cq_shadow,
                    submitted_requests: p.submitted,
                    queued_requests: p.queued,
                    sq_mmio_doorbell_updates: p.db.sq_mmio,
                    sq_shadow_doorbell_updates: p.db.sq_shadow,
                },
            },
        },
        GroupTransport::Tcp => spdk_nvme_transport_poll_group_stat {
            trtype: TransportTypeArg(spdk_nvme_transport_type::SPDK_NVME_TRANSPORT_TCP as c_int),
            u: TransportStatUnion {
                tcp: spdk_nvme_tcp_stat {
                    polls: s.group_polls,
                    idle_polls: 0,
                    socket_completions: 0,
                    nvme_completions: p.completions,
                    submitted_requests: p.submitted,
                    queued_requests: p.queued,
                },
            },
        },
    }
}

/// Frees statistics from spdk_nvme_poll_group_get_stats().
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_poll_group_free_stats(
    group: *mut spdk_nvme_poll_group,
    stat: *mut spdk_nvme_poll_group_stat,
) {
    let _ = group;
    if stat.is_null() {
        return;
    }
    let s = Box::from_raw(stat);
    if !s.transport_stat.is_null() {
        let list = Box::from_raw(ptr::slice_from_raw_parts_mut(
            s.transport_stat,
            s.num_transports as usize,
        ));
        for &t in list.iter() {
            if !t.is_null() {
                drop(Box::from_raw(t));
            }
        }
    }
}
