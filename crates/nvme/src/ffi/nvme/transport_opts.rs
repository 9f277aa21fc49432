//! Options of the transports (`struct spdk_nvme_transport_opts`,
//! spdk_nvme_transport_get_opts / _set_opts), process-wide as in SPDK.
//! The RDMA fields are kept and given back, but no RDMA transport exists
//! here to use them; tcp_connect_timeout_ms bounds the TCP connect of
//! controllers attached afterwards.

use core::ffi::c_int;
use core::mem::{offset_of, size_of};
use core::ptr;
use std::sync::Mutex;

/// Transport options; `opts_size` tells how much of it the caller knows.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct spdk_nvme_transport_opts {
    /// RDMA: shared receive queue depth (kept, unused: no RDMA here).
    pub rdma_srq_size: u32,
    pub reserved4: [u8; 4],
    /// Bytes of this structure the caller knows.
    pub opts_size: usize,
    /// RDMA: completion queue depth limit, 0 for none (kept, unused).
    pub rdma_max_cq_size: u32,
    /// RDMA: connection manager event timeout, ms (kept, unused).
    pub rdma_cm_event_timeout_ms: u16,
    /// RDMA: a UMR per I/O (kept, unused).
    pub rdma_umr_per_io: bool,
    pub reserved23: u8,
    /// TCP connect timeout, ms; 0: the driver's default (10 s, or the
    /// controller's fabrics_connect_timeout_us).
    pub tcp_connect_timeout_ms: u32,
}

const _: () = assert!(size_of::<spdk_nvme_transport_opts>() == 32);

static OPTS: Mutex<spdk_nvme_transport_opts> = Mutex::new(spdk_nvme_transport_opts {
    rdma_srq_size: 0,
    reserved4: [0; 4],
    opts_size: size_of::<spdk_nvme_transport_opts>(),
    rdma_max_cq_size: 0,
    rdma_cm_event_timeout_ms: 1000,
    rdma_umr_per_io: false,
    reserved23: 0,
    tcp_connect_timeout_ms: 0,
});

fn current() -> spdk_nvme_transport_opts {
    *OPTS.lock().unwrap_or_else(|e| e.into_inner())
}

/// The TCP connect timeout in force, ms (0: default).
pub fn tcp_connect_timeout_ms() -> u32 {
    current().tcp_connect_timeout_ms
}

/// Whether a field at `off` of `len` bytes lies within `size` bytes.
fn within(off: usize, len: usize, size: usize) -> bool {
    off + len <= size
}

/// Copies each field of `src` that fits in `size` bytes into `dst`.
fn copy_fields(dst: &mut spdk_nvme_transport_opts, src: &spdk_nvme_transport_opts, size: usize) {
    macro_rules! field {
        ($f:ident) => {
            if within(
                offset_of!(spdk_nvme_transport_opts, $f),
                size_of_val(&src.$f),
                size,
            ) {
                dst.$f = src.$f;
            }
        };
    }
    field!(rdma_srq_size);
    field!(rdma_max_cq_size);
    field!(rdma_cm_event_timeout_ms);
    field!(rdma_umr_per_io);
    field!(tcp_connect_timeout_ms);
}

/// Fills the fields of `opts` that fit in `opts_size` bytes with the
/// current options (nothing for NULL or a size of 0).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_transport_get_opts(
    opts: *mut spdk_nvme_transport_opts,
    opts_size: usize,
) {
    if opts.is_null() || opts_size == 0 {
        spdk_log::errlog!("spdk_nvme_transport_get_opts: NULL opts or a size of 0");
        return;
    }
    // Only the caller's bytes are touched: work on a copy of them.
    let n = opts_size.min(size_of::<spdk_nvme_transport_opts>());
    let mut mine = current();
    ptr::copy_nonoverlapping(opts.cast::<u8>(), ptr::addr_of_mut!(mine).cast::<u8>(), n);
    copy_fields(&mut mine, &current(), opts_size);
    mine.opts_size = opts_size;
    ptr::copy_nonoverlapping(ptr::addr_of!(mine).cast::<u8>(), opts.cast::<u8>(), n);
}

/// Sets the options from the fields of `opts` that fit in its own
/// `opts_size`. 0, or -EINVAL for NULL, a size of 0, or a TCP connect
/// timeout above INT_MAX ms.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_transport_set_opts(
    opts: *const spdk_nvme_transport_opts,
    opts_size: usize,
) -> c_int {
    if opts.is_null() || opts_size == 0 {
        spdk_log::errlog!("spdk_nvme_transport_set_opts: NULL opts or a size of 0");
        return -libc::EINVAL;
    }
    let n = opts_size.min(size_of::<spdk_nvme_transport_opts>());
    let mut given = current();
    ptr::copy_nonoverlapping(opts.cast::<u8>(), ptr::addr_of_mut!(given).cast::<u8>(), n);
    let mut next = current();
    copy_fields(&mut next, &given, given.opts_size.min(n));
    if next.tcp_connect_timeout_ms > i32::MAX as u32 {
        spdk_log::errlog!("tcp_connect_timeout_ms cannot exceed INT_MAX");
        return -libc::EINVAL;
    }
    next.opts_size = given.opts_size;
    *OPTS.lock().unwrap_or_else(|e| e.into_inner()) = next;
    0
}
