//! The Rust view of the structures of nvme_spec.h and nvmf_spec.h:
//! commands, completions, registers, identify data, log pages, features
//! and the fabrics capsules, with the C layouts (sizes, alignments and
//! field offsets are asserted beside each type; bitfield positions are
//! checked against the C headers by capi-tests/nvme_spec_bits.c, which
//! `bitcheck` generates).
//!
//! Bitfield words are [`bits::Field`] newtypes with a getter and a `with_`
//! builder per field. Types that C packs are `#[repr(C, packed)]`: read
//! their multi-byte fields by value (`let n = cdata.nn;`) and change
//! bitfield words by assignment (`cdata.oacs = cdata.oacs.with_nms(1)`).
//! Opcodes, status codes and other values are the enums of
//! [`crate::ffi::nvme_spec`]; compare wire values with them as integers.

#[macro_use]
pub mod bits;
pub mod cmd;
pub mod ctrlr;
pub mod fabrics;
pub mod feat;
pub mod log;
pub mod ns;
pub mod regs;

#[cfg(test)]
mod bitcheck;

pub use bits::Field;

/// Plain data of the specification: every bit pattern is a valid value and
/// there are no padding bytes, so a value can be built from bytes (a DMA
/// buffer, a PDU) and viewed as bytes.
///
/// # Safety
/// Implement only for `Copy` types made of integers (and arrays and
/// structs of them) without padding.
pub unsafe trait Pod: Copy + 'static {
    /// All zeroes.
    fn zeroed() -> Self {
        // SAFETY: any bit pattern, zero included, is a valid value.
        unsafe { core::mem::zeroed() }
    }

    /// The bytes of the value.
    fn as_bytes(&self) -> &[u8] {
        // SAFETY: no padding, so every byte is initialized.
        unsafe {
            core::slice::from_raw_parts((self as *const Self).cast::<u8>(), size_of::<Self>())
        }
    }

    /// The bytes of the value, writable.
    fn as_bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: any byte values make a valid value.
        unsafe {
            core::slice::from_raw_parts_mut((self as *mut Self).cast::<u8>(), size_of::<Self>())
        }
    }

    /// A copy of the value at the start of `bytes` (any alignment), or
    /// None when `bytes` is too short.
    fn read_from(bytes: &[u8]) -> Option<Self> {
        if bytes.len() < size_of::<Self>() {
            return None;
        }
        // SAFETY: long enough, and any bit pattern is a valid value.
        Some(unsafe { core::ptr::read_unaligned(bytes.as_ptr().cast::<Self>()) })
    }
}

/// Marks plain structs as [`Pod`].
macro_rules! pod {
    ($($t:ty),* $(,)?) => {
        $(unsafe impl $crate::spec::Pod for $t {})*
    };
}
pub(crate) use pod;

/// `Default` (all zeroes) for plain structs whose arrays are too long to
/// derive it.
macro_rules! zeroed_default {
    ($($t:ty),* $(,)?) => {
        $(impl Default for $t {
            fn default() -> Self {
                <$t as $crate::spec::Pod>::zeroed()
            }
        })*
    };
}
pub(crate) use zeroed_default;

/// Asserts at compile time the size, the alignment and the offset of each
/// named field of a type, as the C header has them.
macro_rules! layout {
    ($t:ty, size $size:expr, align $align:expr $(, $f:ident @ $off:expr)* $(,)?) => {
        const _: () = {
            assert!(core::mem::size_of::<$t>() == $size);
            assert!(core::mem::align_of::<$t>() == $align);
            $(assert!(core::mem::offset_of!($t, $f) == $off);)*
        };
    };
}
pub(crate) use layout;

/// NSID naming every namespace (`SPDK_NVME_GLOBAL_NS_TAG`).
pub const GLOBAL_NS_TAG: u32 = 0xffff_ffff;

/// Largest Dataset Management range (`SPDK_NVME_DATASET_MANAGEMENT_RANGE_MAX_BLOCKS`).
pub const DATASET_MANAGEMENT_RANGE_MAX_BLOCKS: u32 = 0xffff_ffff;

/// The VS register value of version `mjr.mnr.ter` (`SPDK_NVME_VERSION`).
pub const fn version(mjr: u32, mnr: u32, ter: u32) -> u32 {
    (mjr << 16) | (mnr << 8) | ter
}

/// The I/O flags of the `spdk_nvme_ns_cmd_*` functions
/// (`SPDK_NVME_IO_FLAGS_*`): bits 0-1 are the fused operation, bits 16-31
/// are copied into CDW12.
pub mod io_flags {
    pub const FUSE_FIRST: u32 = 1;
    pub const FUSE_SECOND: u32 = 2;
    pub const FUSE_MASK: u32 = 3;
    /// Directive type `dtype` (CDW12.DTYPE).
    pub const fn directive(dtype: u32) -> u32 {
        dtype << 20
    }
    pub const STREAMS_DIRECTIVE: u32 = directive(1);
    pub const DATA_PLACEMENT_DIRECTIVE: u32 = directive(2);
    pub const ZONE_APPEND_PIREMAP: u32 = 1 << 25;
    pub const PRCHK_REFTAG: u32 = 1 << 26;
    pub const PRCHK_APPTAG: u32 = 1 << 27;
    pub const PRCHK_GUARD: u32 = 1 << 28;
    pub const PRACT: u32 = 1 << 29;
    pub const FORCE_UNIT_ACCESS: u32 = 1 << 30;
    pub const LIMITED_RETRY: u32 = 1 << 31;
    pub const VALID_MASK: u32 = 0xffff_0003;
    pub const CDW12_MASK: u32 = 0xffff_0000;
    pub const PRCHK_MASK: u32 = 0x1c00_0000;
}

/// The data direction of an opcode: its two low bits
/// (`spdk_nvme_opc_get_data_transfer`; 0 none, 1 host to controller, 2
/// controller to host, 3 both).
pub const fn opc_data_transfer(opc: u8) -> u32 {
    (opc & 3) as u32
}

/// The 0's based dword count of a transfer of `len` bytes
/// (`spdk_nvme_bytes_to_numd`).
pub const fn bytes_to_numd(len: u32) -> u32 {
    (len >> 2).wrapping_sub(1)
}
