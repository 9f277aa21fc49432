//! Controller and queue pair options (`struct spdk_nvme_ctrlr_opts`,
//! `struct spdk_nvme_io_qpair_opts`) and their defaults.
//!
//! `struct spdk_nvme_io_qpair_opts` has an anonymous union and unnamed
//! nested structs, which cbindgen cannot print: its C view is written in
//! headers/nvme.pre.h and this Rust type (excluded from the header) has
//! the same layout, asserted below and from C by struct_sizes.c.

use core::ffi::{c_char, c_int};
use core::mem::{offset_of, size_of};
use std::sync::OnceLock;

use crate::spec::cmd::{Cmd, Cpl};

/// A key of the keyring library (TLS PSKs, DH-HMAC-CHAP secrets). Not
/// used by this driver; kept for the layout of the options.
#[doc(hidden)]
pub struct SpdkKey {
    _opaque: [u8; 0],
}

/// `enum spdk_nvme_cc_ams` as C stores it.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CcAmsArg(pub c_int);

/// `enum spdk_nvme_cc_css` as C stores it.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CcCssArg(pub c_int);

/// `enum spdk_nvme_qprio` as C stores it.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QprioArg(pub c_int);

/// How to initialize a controller. Get the defaults with
/// spdk_nvme_ctrlr_get_default_ctrlr_opts(), then change what you need;
/// the probe callback may change them per controller.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_nvme_ctrlr_opts {
    /// I/O queues to ask for (Set Features Number of Queues); the
    /// controller may grant fewer.
    pub num_io_queues: u32,
    /// Put submission queues in the controller memory buffer (not
    /// supported: ignored).
    pub use_cmb_sqs: bool,
    /// Skip the shutdown notification on detach.
    pub no_shn_notification: bool,
    /// Interrupt-driven completions (not supported: must stay false).
    pub enable_interrupts: bool,
    pub reserved7: u8,
    /// Arbitration mechanism written to CC.AMS.
    pub arb_mechanism: CcAmsArg,
    /// Arbitration burst, a power of two (7: no limit).
    pub arbitration_burst: u8,
    /// Weighted round robin weights.
    pub low_priority_weight: u8,
    pub medium_priority_weight: u8,
    pub high_priority_weight: u8,
    /// Keep alive timeout in milliseconds (0: no keep alive).
    pub keep_alive_timeout_ms: u32,
    /// Retries of a command failing with a transport error.
    pub transport_retry_count: u8,
    pub reserved21: [u8; 3],
    /// Entries of each I/O queue.
    pub io_queue_size: u32,
    /// Host NQN (fabrics).
    pub hostnqn: [c_char; 224],
    /// Requests preallocated per I/O queue pair (at least io_queue_size).
    pub io_queue_requests: u32,
    /// Source address of fabrics connections.
    pub src_addr: [c_char; 257],
    /// Source service ID of fabrics connections.
    pub src_svcid: [c_char; 33],
    /// Host identifier (64 bits).
    pub host_id: [u8; 8],
    /// Extended host identifier (128 bits).
    pub extended_host_id: [u8; 16],
    pub reserved570: [u8; 2],
    /// I/O command set written to CC.CSS.
    pub command_set: CcCssArg,
    /// Timeout of admin commands during initialization, milliseconds.
    pub admin_timeout_ms: u32,
    /// NVMe/TCP header digest.
    pub header_digest: bool,
    /// NVMe/TCP data digest.
    pub data_digest: bool,
    /// Do not log failed commands.
    pub disable_error_logging: bool,
    /// RDMA ACK timeout (2^n * 4.096 us; 0: disabled).
    pub transport_ack_timeout: u8,
    /// Entries of the admin queue.
    pub admin_queue_size: u16,
    pub reserved586: [u8; 6],
    /// sizeof(struct spdk_nvme_ctrlr_opts) as the caller knows it.
    pub opts_size: usize,
    /// Timeout of the fabrics Connect command, microseconds.
    pub fabrics_connect_timeout_us: u64,
    /// Do not read the ANA log page.
    pub disable_read_ana_log_page: bool,
    pub reserved610: [u8; 6],
    /// Disable submission queue flow control (fabrics).
    pub disable_sq_flow_control: bool,
    /// Do not read the Changed Namespace List log page on a namespace
    /// attribute notice.
    pub disable_read_changed_ns_list_log_page: u8,
    pub reserved617: [u8; 200],
    /// RDMA type of service.
    pub transport_tos: u8,
    /// TLS pre-shared key (NVMe/TCP).
    pub tls_psk: *mut SpdkKey,
    /// DH-HMAC-CHAP host key.
    pub dhchap_key: *mut SpdkKey,
    /// DH-HMAC-CHAP controller key.
    pub dhchap_ctrlr_key: *mut SpdkKey,
    /// Allowed DH-HMAC-CHAP digests (bit per spdk_nvmf_dhchap_hash).
    pub dhchap_digests: u32,
    /// Allowed DH-HMAC-CHAP groups (bit per spdk_nvmf_dhchap_dhgroup).
    pub dhchap_dhgroups: u32,
}

const _: () = {
    type O = spdk_nvme_ctrlr_opts;
    assert!(size_of::<O>() == 856);
    assert!(offset_of!(O, arb_mechanism) == 8);
    assert!(offset_of!(O, keep_alive_timeout_ms) == 16);
    assert!(offset_of!(O, io_queue_size) == 24);
    assert!(offset_of!(O, hostnqn) == 28);
    assert!(offset_of!(O, io_queue_requests) == 252);
    assert!(offset_of!(O, src_addr) == 256);
    assert!(offset_of!(O, host_id) == 546);
    assert!(offset_of!(O, extended_host_id) == 554);
    assert!(offset_of!(O, command_set) == 572);
    assert!(offset_of!(O, admin_timeout_ms) == 576);
    assert!(offset_of!(O, admin_queue_size) == 584);
    assert!(offset_of!(O, opts_size) == 592);
    assert!(offset_of!(O, fabrics_connect_timeout_us) == 600);
    assert!(offset_of!(O, disable_read_ana_log_page) == 608);
    assert!(offset_of!(O, disable_sq_flow_control) == 615);
    assert!(offset_of!(O, transport_tos) == 817);
    assert!(offset_of!(O, tls_psk) == 824);
    assert!(offset_of!(O, dhchap_dhgroups) == 852);
};

/// Defaults (SPDK's): 1024 I/O queues of 256 entries, 512 requests each,
/// a 32-entry admin queue, 10 s keep alive, 30 s admin timeout.
pub(crate) const DEFAULT_MAX_IO_QUEUES: u32 = 1024;
pub(crate) const DEFAULT_IO_QUEUE_SIZE: u32 = 256;
pub(crate) const DEFAULT_IO_QUEUE_REQUESTS: u32 = 512;
pub(crate) const DEFAULT_ADMIN_QUEUE_SIZE: u16 = 32;
pub(crate) const DEFAULT_KEEP_ALIVE_TIMEOUT_MS: u32 = 10_000;
pub(crate) const DEFAULT_ADMIN_TIMEOUT_MS: u32 = 30_000;
pub(crate) const DEFAULT_RETRY_COUNT: u8 = 4;
/// CC.CSS "all supported I/O command sets" is chosen from CAP.CSS;
/// SPDK's default value CHAR_BIT means "pick from CAP".
pub(crate) const DEFAULT_COMMAND_SET: c_int = 8;

/// This process's host identifier (a random UUID, as SPDK makes one) and
/// the NQN derived from it.
pub fn default_host_id() -> &'static ([u8; 16], [u8; 128]) {
    static ID: OnceLock<([u8; 16], [u8; 128])> = OnceLock::new();
    ID.get_or_init(|| {
        let id = spdk_util::uuid::generate_random();
        let text = spdk_util::uuid::format_lower(&id);
        let mut nqn = [0u8; 128];
        let s = format!(
            "nqn.2014-08.org.nvmexpress:uuid:{}",
            String::from_utf8_lossy(&text[..36])
        );
        nqn[..s.len()].copy_from_slice(s.as_bytes());
        (id, nqn)
    })
}

impl Default for spdk_nvme_ctrlr_opts {
    fn default() -> Self {
        let (id, nqn) = default_host_id();
        let mut hostnqn = [0 as c_char; 224];
        for (d, s) in hostnqn.iter_mut().zip(nqn.iter()) {
            *d = *s as c_char;
        }
        spdk_nvme_ctrlr_opts {
            num_io_queues: DEFAULT_MAX_IO_QUEUES,
            use_cmb_sqs: false,
            no_shn_notification: false,
            enable_interrupts: false,
            reserved7: 0,
            arb_mechanism: CcAmsArg(0),
            arbitration_burst: 0,
            low_priority_weight: 0,
            medium_priority_weight: 0,
            high_priority_weight: 0,
            keep_alive_timeout_ms: DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
            transport_retry_count: DEFAULT_RETRY_COUNT,
            reserved21: [0; 3],
            io_queue_size: DEFAULT_IO_QUEUE_SIZE,
            hostnqn,
            io_queue_requests: DEFAULT_IO_QUEUE_REQUESTS,
            src_addr: [0; 257],
            src_svcid: [0; 33],
            host_id: [0; 8],
            extended_host_id: *id,
            reserved570: [0; 2],
            command_set: CcCssArg(DEFAULT_COMMAND_SET),
            admin_timeout_ms: DEFAULT_ADMIN_TIMEOUT_MS,
            header_digest: false,
            data_digest: false,
            disable_error_logging: false,
            transport_ack_timeout: 0,
            admin_queue_size: DEFAULT_ADMIN_QUEUE_SIZE,
            reserved586: [0; 6],
            opts_size: size_of::<spdk_nvme_ctrlr_opts>(),
            fabrics_connect_timeout_us: 500_000,
            disable_read_ana_log_page: false,
            reserved610: [0; 6],
            disable_sq_flow_control: false,
            disable_read_changed_ns_list_log_page: 0,
            reserved617: [0; 200],
            transport_tos: 0,
            tls_psk: core::ptr::null_mut(),
            dhchap_key: core::ptr::null_mut(),
            dhchap_ctrlr_key: core::ptr::null_mut(),
            // SHA-256/384/512; NULL and the five FFDHE groups.
            dhchap_digests: 0b1110,
            dhchap_dhgroups: 0b11_1111,
        }
    }
}

/// Copies the first `size` bytes of `src` over `dst` (the fields a caller
/// of that `opts_size` knows), never past either struct.
///
/// # Safety
/// `src` is readable for `size` bytes (bounded by the struct size).
pub unsafe fn copy_prefix<T: Copy>(dst: &mut T, src: *const T, size: usize) {
    let n = size.min(size_of::<T>());
    core::ptr::copy_nonoverlapping(src.cast::<u8>(), (dst as *mut T).cast::<u8>(), n);
}

/// The SQ or CQ memory a caller may give a queue pair (not supported:
/// must be NULL/0).
#[doc(hidden)]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct QueueMem<T> {
    pub vaddr: *mut T,
    pub paddr: u64,
    pub buffer_size: u64,
}

/// How to create an I/O queue pair (C view in nvme.pre.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct spdk_nvme_io_qpair_opts {
    pub qprio: QprioArg,
    pub io_queue_size: u32,
    pub io_queue_requests: u32,
    /// Also named delay_pcie_doorbell in C (a union of the two).
    pub delay_cmd_submit: bool,
    pub reserved13: [u8; 3],
    pub sq: QueueMem<Cmd>,
    pub cq: QueueMem<Cpl>,
    pub create_only: bool,
    pub async_mode: bool,
    pub disable_pcie_sgl_merge: bool,
    pub reserved67: [u8; 5],
    pub opts_size: usize,
}

const _: () = {
    type O = spdk_nvme_io_qpair_opts;
    assert!(size_of::<O>() == 80);
    assert!(offset_of!(O, delay_cmd_submit) == 12);
    assert!(offset_of!(O, sq) == 16);
    assert!(offset_of!(O, cq) == 40);
    assert!(offset_of!(O, create_only) == 64);
    assert!(offset_of!(O, opts_size) == 72);
};

impl spdk_nvme_io_qpair_opts {
    /// The defaults for a controller opened with `c`.
    pub fn defaults(c: &spdk_nvme_ctrlr_opts) -> Self {
        spdk_nvme_io_qpair_opts {
            // SPDK_NVME_QPRIO_URGENT
            qprio: QprioArg(0),
            io_queue_size: c.io_queue_size,
            io_queue_requests: c.io_queue_requests,
            delay_cmd_submit: false,
            reserved13: [0; 3],
            sq: QueueMem {
                vaddr: core::ptr::null_mut(),
                paddr: 0,
                buffer_size: 0,
            },
            cq: QueueMem {
                vaddr: core::ptr::null_mut(),
                paddr: 0,
                buffer_size: 0,
            },
            create_only: false,
            async_mode: false,
            disable_pcie_sgl_merge: false,
            reserved67: [0; 5],
            opts_size: size_of::<spdk_nvme_io_qpair_opts>(),
        }
    }
}
