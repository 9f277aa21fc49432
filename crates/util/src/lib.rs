//! SPDK's util library: strings, math helpers, checksums, UUIDs, bit arrays
//! CPU sets and Zipf random numbers (string.h, util.h, crc*.h, uuid.h,
//! bit_array.h, cpuset.h, zipf.h),
//! plus the header-only parts (likely.h, assert.h, queue.h, stdinc.h,
//! version.h, endian.h).

pub mod alloc_count;
pub mod bit_array;
pub mod cpuset;
pub mod crc;
pub mod histogram;
pub mod string;
pub mod uuid;
pub mod zipf;

pub mod ffi {
    pub mod bit_array;
    pub mod cpuset;
    pub mod crc16;
    pub mod crc32;
    pub mod crc64;
    pub mod fd;
    pub mod string;
    pub mod util;
    pub mod uuid;
    pub mod zipf;
}
