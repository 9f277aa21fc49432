//! raid0: strips of `strip_size` blocks laid round-robin over the base
//! bdevs; strip s lives on base s % n, as strip s / n of that base.

use crate::raid::{self, RaidBdev};

/// Sizes the raid bdev: every base contributes the same whole number of
/// strips (of the smallest base).
pub fn start(r: &mut RaidBdev) {
    let min = r.bases.iter().map(|b| b.data_size).min().unwrap_or(0);
    let per_base = (min >> r.strip_shift) << r.strip_shift;
    for b in r.bases.iter_mut() {
        b.data_size = per_base;
    }
    r.bdev.blockcnt = per_base * r.num_bases() as u64;
    if r.num_bases() > 1 {
        raid::split_at(&mut r.bdev, r.strip_size);
    } else {
        // One base: blocks map one to one, nothing to split.
        raid::no_split(&mut r.bdev);
    }
}

/// (base, lba in it, blocks left in the strip) of raid block `off`.
#[inline]
pub fn map(r: &RaidBdev, off: u64) -> (usize, u64, u64) {
    let n = r.num_bases() as u64;
    if n == 1 {
        return (0, off, u64::MAX);
    }
    let strip = off >> r.strip_shift;
    let in_strip = off & (r.strip_size as u64 - 1);
    let lba = ((strip / n) << r.strip_shift) + in_strip;
    ((strip % n) as usize, lba, r.strip_size as u64 - in_strip)
}

/// How many bases a range without data (unmap, flush) touches.
pub fn null_parts(r: &RaidBdev, off: u64, num: u64) -> u32 {
    if num == 0 {
        return 0;
    }
    let first = off >> r.strip_shift;
    let last = (off + num - 1) >> r.strip_shift;
    (last - first + 1).min(r.num_bases() as u64) as u32
}

/// Part `k` of a range without data: the base holding the range's k-th
/// strip and the contiguous span of its strips that the range covers.
pub fn null_range(r: &RaidBdev, off: u64, num: u64, k: u32) -> (usize, u64, u64) {
    let n = r.num_bases() as u64;
    let strip = r.strip_size as u64;
    let end = off + num - 1;
    let first = off >> r.strip_shift;
    let last = end >> r.strip_shift;
    // The first and last strips of this base inside [first, last].
    let s0 = first + k as u64;
    let s1 = last - (last - s0) % n;
    let head = if s0 == first { off & (strip - 1) } else { 0 };
    let tail = if s1 == last {
        end & (strip - 1)
    } else {
        strip - 1
    };
    let lba = (s0 / n) * strip + head;
    let blocks = (s1 / n - s0 / n) * strip + tail + 1 - head;
    ((s0 % n) as usize, lba, blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(n: usize, strip: u32) -> Box<RaidBdev> {
        let mut r = raid::tests_support::raid(n, raid::Level::Raid0);
        r.strip_size = strip;
        r.strip_shift = strip.trailing_zeros();
        r
    }

    #[test]
    fn map_walks_strips_round_robin() {
        let r = layout(3, 8);
        assert_eq!(map(&r, 0), (0, 0, 8));
        assert_eq!(map(&r, 5), (0, 5, 3));
        assert_eq!(map(&r, 8), (1, 0, 8));
        assert_eq!(map(&r, 16), (2, 0, 8));
        assert_eq!(map(&r, 24 + 2), (0, 8 + 2, 6));
    }

    /// Every block of a range without data is covered exactly once, at
    /// the place `map` gives it.
    #[test]
    fn null_ranges_cover_the_range() {
        for n in 1..5usize {
            let r = layout(n, 4);
            for off in 0..40u64 {
                for num in 1..40u64 {
                    let parts = null_parts(&r, off, num);
                    let mut seen = std::collections::HashSet::new();
                    for k in 0..parts {
                        let (b, lba, len) = null_range(&r, off, num, k);
                        for x in lba..lba + len {
                            assert!(seen.insert((b, x)), "block twice n={n} off={off} num={num}");
                        }
                    }
                    let want: std::collections::HashSet<_> = (off..off + num)
                        .map(|x| {
                            let (b, lba, _) = map(&r, x);
                            (b, lba)
                        })
                        .collect();
                    assert_eq!(seen, want, "n={n} off={off} num={num}");
                }
            }
        }
    }
}
