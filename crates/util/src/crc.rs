//! CRC-16 (T10-DIF), CRC-32 (IEEE, Castagnoli) and CRC-64 (NVMe) with SPDK's
//! seed and finalization conventions, computed by the SIMD-accelerated
//! `crc-fast` crate.
//!
//! SPDK exposes two kinds of "update" functions:
//! - register style (`crc32_ieee_update`, `crc32c_update`, `crc16_t10dif`):
//!   the caller passes the raw shift register in and gets it back without any
//!   final XOR, so it chooses the initial value and the inversion itself;
//! - checksum style (`crc32c_nvme`, `crc64_nvme`): the caller passes the
//!   previous *final* checksum (0 to start) and gets the next final checksum.

use crc_fast::{CrcAlgorithm, Digest};

/// Runs `algorithm` over `buf` starting from the raw register `state` and
/// returns the raw register (no output XOR).
#[inline]
fn run(algorithm: CrcAlgorithm, state: u64, buf: &[u8]) -> u64 {
    if buf.is_empty() {
        return state;
    }
    let mut digest = Digest::new_with_init_state(algorithm, state);
    digest.update(buf);
    digest.get_state()
}

/// Reflected CRC-32 (polynomial 0x04C11DB7) register update; no inversion.
pub fn crc32_ieee_update(buf: &[u8], crc: u32) -> u32 {
    run(CrcAlgorithm::Crc32IsoHdlc, u64::from(crc), buf) as u32
}

/// Reflected CRC-32C (Castagnoli, 0x1EDC6F41) register update; no inversion.
pub fn crc32c_update(buf: &[u8], crc: u32) -> u32 {
    run(CrcAlgorithm::Crc32Iscsi, u64::from(crc), buf) as u32
}

/// CRC-32C as used by NVMe protection information: `crc` is the previous
/// finished checksum (0 for a fresh one) and the result is finished too.
pub fn crc32c_nvme(buf: &[u8], crc: u32) -> u32 {
    !crc32c_update(buf, !crc)
}

/// Non-reflected CRC-16 T10-DIF (polynomial 0x8BB7) register update.
pub fn crc16_t10dif(init: u16, buf: &[u8]) -> u16 {
    run(CrcAlgorithm::Crc16T10Dif, u64::from(init), buf) as u16
}

/// CRC-64/NVME (Rocksoft polynomial, reflected); `crc` is the previous
/// finished checksum (0 for a fresh one) and the result is finished too.
pub fn crc64_nvme(buf: &[u8], crc: u64) -> u64 {
    !run(CrcAlgorithm::Crc64Nvme, !crc, buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHECK: &[u8] = b"123456789";

    /// Bit-at-a-time reflected CRC, the textbook definition.
    fn slow_reflected(poly_reflected: u64, width: u32, mut reg: u64, buf: &[u8]) -> u64 {
        let mask = if width == 64 {
            u64::MAX
        } else {
            (1u64 << width) - 1
        };
        for &b in buf {
            reg ^= u64::from(b);
            for _ in 0..8 {
                reg = if reg & 1 != 0 {
                    (reg >> 1) ^ poly_reflected
                } else {
                    reg >> 1
                };
            }
        }
        reg & mask
    }

    /// Bit-at-a-time MSB-first CRC-16.
    fn slow_crc16(poly: u16, mut reg: u16, buf: &[u8]) -> u16 {
        for &b in buf {
            reg ^= u16::from(b) << 8;
            for _ in 0..8 {
                reg = if reg & 0x8000 != 0 {
                    (reg << 1) ^ poly
                } else {
                    reg << 1
                };
            }
        }
        reg
    }

    fn pattern(len: usize) -> Vec<u8> {
        (0..len)
            .map(|i| (i.wrapping_mul(131) ^ (i >> 3)) as u8)
            .collect()
    }

    #[test]
    fn check_values() {
        assert_eq!(!crc32c_update(CHECK, !0), 0xE306_9283);
        assert_eq!(!crc32_ieee_update(CHECK, !0), 0xCBF4_3926);
        assert_eq!(crc32c_nvme(CHECK, 0), 0xE306_9283);
        assert_eq!(crc16_t10dif(0, CHECK), 0xD0DB);
        assert_eq!(crc64_nvme(CHECK, 0), 0xAE8B_1486_0A79_9888);
    }

    #[test]
    fn empty_input_keeps_state() {
        assert_eq!(crc32c_update(&[], 0x1234_5678), 0x1234_5678);
        assert_eq!(crc32_ieee_update(&[], 0xdead_beef), 0xdead_beef);
        assert_eq!(crc16_t10dif(0xabcd, &[]), 0xabcd);
        assert_eq!(crc64_nvme(&[], 0x55), 0x55);
        assert_eq!(crc32c_nvme(&[], 7), 7);
    }

    #[test]
    fn matches_bitwise_reference_for_many_lengths_and_seeds() {
        let data = pattern(4096 + 17);
        for len in [
            1usize, 2, 3, 7, 8, 15, 16, 17, 31, 63, 64, 65, 255, 256, 511, 512, 4096, 4113,
        ] {
            let d = &data[..len];
            for seed in [0u32, !0, 0x1234_5678] {
                assert_eq!(
                    u64::from(crc32c_update(d, seed)),
                    slow_reflected(0x82F6_3B78, 32, u64::from(seed), d),
                    "crc32c len {len}"
                );
                assert_eq!(
                    u64::from(crc32_ieee_update(d, seed)),
                    slow_reflected(0xEDB8_8320, 32, u64::from(seed), d),
                    "crc32 len {len}"
                );
                let s16 = seed as u16;
                assert_eq!(
                    crc16_t10dif(s16, d),
                    slow_crc16(0x8BB7, s16, d),
                    "crc16 len {len}"
                );
                let s64 = u64::from(seed) << 13;
                assert_eq!(
                    crc64_nvme(d, s64),
                    !slow_reflected(0x9A6C_9329_AC4B_C9B5, 64, !s64, d),
                    "crc64 len {len}"
                );
            }
        }
    }

    #[test]
    fn chaining_equals_one_shot() {
        let data = pattern(1000);
        let (a, b) = data.split_at(333);
        assert_eq!(
            crc32c_update(b, crc32c_update(a, !0)),
            crc32c_update(&data, !0)
        );
        assert_eq!(crc32c_nvme(b, crc32c_nvme(a, 0)), crc32c_nvme(&data, 0));
        assert_eq!(crc16_t10dif(crc16_t10dif(0, a), b), crc16_t10dif(0, &data));
        assert_eq!(crc64_nvme(b, crc64_nvme(a, 0)), crc64_nvme(&data, 0));
        assert_eq!(
            crc32_ieee_update(b, crc32_ieee_update(a, !0)),
            crc32_ieee_update(&data, !0)
        );
    }
}
