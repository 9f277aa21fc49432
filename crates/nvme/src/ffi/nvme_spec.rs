//! The C ABI of include/spdk/nvme_spec.h: the constants and enums of the
//! NVMe specification, emitted into the header by cbindgen.
//!
//! The structs and unions of that header (registers, commands, completions,
//! identify data, log pages) have C bitfields and anonymous members, which
//! cbindgen cannot print; their C view is written in
//! headers/nvme_spec.post.h and their Rust view, with the same layout, is
//! [`crate::spec`]. capi-tests/nvme_spec_bits.c, generated from the Rust
//! view, checks that the two agree (see doc/nvme-spec-types.md).
//!
//! Macros whose C type or form matters (`SPDK_NVME_GLOBAL_NS_TAG` is a
//! `uint32_t`, the `SPDK_NVME_IO_FLAGS_*` are unsigned shifts) and the
//! function-like ones are written in C in headers/nvme_spec.pre.h and
//! .post.h; only plain integer constants come from here.

pub mod enums;
pub mod opcodes;
pub mod status;

pub use enums::*;
pub use opcodes::*;
pub use status::*;

/// Most I/O queues a controller can have.
pub const SPDK_NVME_MAX_IO_QUEUES: u32 = 65535;
/// Fewest entries of any queue.
pub const SPDK_NVME_QUEUE_MIN_ENTRIES: u32 = 2;
/// Fewest entries of the admin queues.
pub const SPDK_NVME_ADMIN_QUEUE_MIN_ENTRIES: u32 = 2;
/// Most entries of the admin queues.
pub const SPDK_NVME_ADMIN_QUEUE_MAX_ENTRIES: u32 = 4096;
/// Admin queue sizes of controllers with the minimum-admin-queue quirk are
/// multiples of this.
pub const SPDK_NVME_ADMIN_QUEUE_QUIRK_ENTRIES_MULTIPLE: u32 = 64;
/// Fewest entries of an I/O queue.
pub const SPDK_NVME_IO_QUEUE_MIN_ENTRIES: u32 = 2;
/// Most entries of an I/O queue.
pub const SPDK_NVME_IO_QUEUE_MAX_ENTRIES: u32 = 65536;
/// Most ranges in one Dataset Management command.
pub const SPDK_NVME_DATASET_MANAGEMENT_MAX_RANGES: u32 = 256;
/// Most entries of the Changed Namespace List log page.
pub const SPDK_NVME_MAX_CHANGED_NAMESPACES: u32 = 1024;
/// Size of one doorbell register, in bytes.
pub const SPDK_NVME_DOORBELL_REGISTER_SIZE: u32 = 4;
/// Value written to NSSR to reset the NVM subsystem ("NVMe" in ASCII).
pub const SPDK_NVME_NSSR_VALUE: u32 = 0x4E564D65;
/// Mask of the queue priority in Create I/O Submission Queue's CDW11.
pub const SPDK_NVME_CREATE_IO_SQ_QPRIO_MASK: u32 = 0x3;
/// Arbitration burst value meaning "no limit".
pub const SPDK_NVME_ARBITRATION_BURST_UNLIMITED: u32 = 0x7;
/// Largest opcode.
pub const SPDK_NVME_MAX_OPC: u32 = 0xff;
/// Length of the serial number in identify controller data.
pub const SPDK_NVME_CTRLR_SN_LEN: usize = 20;
/// Length of the model number in identify controller data.
pub const SPDK_NVME_CTRLR_MN_LEN: usize = 40;
/// Length of the firmware revision in identify controller data.
pub const SPDK_NVME_CTRLR_FR_LEN: usize = 8;
/// Length of the maximum endurance group capacity field.
pub const SPDK_NVME_CTRLR_MEGCAP_LEN: usize = 16;
/// Length of the maximum domain namespace attachments field.
pub const SPDK_NVME_MAXDNA_FIELD_SIZE: usize = 16;
/// Size of an NQN field in identify data and fabrics structures.
pub const SPDK_NVME_NQN_FIELD_SIZE: usize = 256;
/// Size of the buffer of an Identify command.
pub const SPDK_NVME_IDENTIFY_BUFLEN: usize = 4096;
