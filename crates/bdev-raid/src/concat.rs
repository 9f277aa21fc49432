//! concat: the base bdevs one after the other, each cut to a whole number
//! of strips.

use crate::raid::{self, RaidBdev};

pub fn start(r: &mut RaidBdev) {
    let mut total = 0u64;
    let mut ranges = Vec::with_capacity(r.num_bases());
    for b in r.bases.iter_mut() {
        let blocks = (b.data_size >> r.strip_shift) << r.strip_shift;
        b.data_size = blocks;
        ranges.push((total, blocks));
        total += blocks;
    }
    r.ranges = ranges;
    r.bdev.blockcnt = total;
    raid::split_at(&mut r.bdev, r.strip_size);
}

/// (base, lba in it, blocks left in that base) of raid block `off`.
#[inline]
pub fn map(r: &RaidBdev, off: u64) -> (usize, u64, u64) {
    for (i, &(start, len)) in r.ranges.iter().enumerate() {
        if off < start + len {
            return (i, off - start, start + len - off);
        }
    }
    // Past the end (the bdev layer checks ranges): the last base refuses it.
    let last = r.ranges.len().saturating_sub(1);
    (last, off, 1)
}

/// How many bases a range without data touches.
pub fn null_parts(r: &RaidBdev, off: u64, num: u64) -> u32 {
    if num == 0 {
        return 0;
    }
    let (first, _, _) = map(r, off);
    let (last, _, _) = map(r, off + num - 1);
    (last - first + 1) as u32
}

/// Part `k`: the piece of the range on the k-th base it touches.
pub fn null_range(r: &RaidBdev, off: u64, num: u64, k: u32) -> (usize, u64, u64) {
    let (first, _, _) = map(r, off);
    let i = first + k as usize;
    let (start, len) = r.ranges[i];
    let from = off.max(start);
    let to = (off + num).min(start + len);
    (i, from - start, to - from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_each_other() {
        let mut r = raid::tests_support::raid(3, raid::Level::Concat);
        r.strip_size = 4;
        r.strip_shift = 2;
        for (b, size) in r.bases.iter_mut().zip([10u64, 8, 17]) {
            b.data_size = size;
        }
        start(&mut r);
        assert_eq!(r.ranges, vec![(0, 8), (8, 8), (16, 16)]);
        assert_eq!(r.bdev.blockcnt, 32);
        assert_eq!(map(&r, 7), (0, 7, 1));
        assert_eq!(map(&r, 8), (1, 0, 8));
        assert_eq!(map(&r, 20), (2, 4, 12));
        assert_eq!(null_parts(&r, 6, 12), 3);
        assert_eq!(null_range(&r, 6, 12, 0), (0, 6, 2));
        assert_eq!(null_range(&r, 6, 12, 1), (1, 0, 8));
        assert_eq!(null_range(&r, 6, 12, 2), (2, 0, 2));
    }
}
