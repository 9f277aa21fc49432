//! Latency histograms with the bucket layout of spdk/histogram_data.h (a
//! header-only part of SPDK's API): the library tallies per-channel
//! histograms here and merges them into the caller's C histogram.

/// `struct spdk_histogram_data` as the header defines it.
#[repr(C)]
pub struct HistogramData {
    pub granularity: u32,
    pub min_range: u32,
    pub max_range: u32,
    pub bucket: *mut u64,
}

/// What a histogram holds, from its buckets (see Histogram::summary).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    pub count: u64,
    /// Sum over the tallied values of their bucket's midpoint.
    pub total: u64,
    pub min: u64,
    pub max: u64,
}

/// Two histograms of different granularity or bounds cannot be merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShapeMismatch;

/// A histogram owned by Rust, shaped like `spdk_histogram_data_alloc_sized_ext`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Histogram {
    granularity: u32,
    min_range: u32,
    max_range: u32,
    buckets: Box<[u64]>,
}

fn range_of(granularity: u32, v: u64) -> u32 {
    let lsb = 64 - granularity;
    let lz = v.leading_zeros();
    lsb.saturating_sub(lz)
}

impl Histogram {
    /// Covers values `min..max` (None when empty or the granularity is
    /// outside 1..=31).
    pub fn new(granularity: u32, min: u64, max: u64) -> Option<Histogram> {
        if min >= max || !(1..=31).contains(&granularity) {
            return None;
        }
        let (min_range, max_range) = (range_of(granularity, min), range_of(granularity, max - 1));
        let n = ((max_range - min_range + 1) as usize) << granularity;
        Some(Histogram {
            granularity,
            min_range,
            max_range,
            buckets: vec![0; n].into_boxed_slice(),
        })
    }

    pub fn granularity(&self) -> u32 {
        self.granularity
    }

    fn per_range(&self) -> u64 {
        1 << self.granularity
    }

    /// Counts one value (out-of-range values land in the end buckets).
    #[inline]
    pub fn tally(&mut self, v: u64) {
        let r = range_of(self.granularity, v);
        let (r, i) = if r < self.min_range {
            (self.min_range, 0)
        } else if r > self.max_range {
            (self.max_range, self.per_range() - 1)
        } else {
            (r, (v >> r.saturating_sub(1)) & (self.per_range() - 1))
        };
        let slot = (((r - self.min_range) as u64) << self.granularity) + i;
        self.buckets[slot as usize] += 1;
    }

    pub fn clear(&mut self) {
        self.buckets.fill(0);
    }

    pub fn buckets(&self) -> &[u64] {
        &self.buckets
    }

    /// Adds this histogram's counts to another of the same shape.
    pub fn merge_into(&self, dst: &mut Histogram) -> Result<(), ShapeMismatch> {
        if !self.same_shape(dst.granularity, dst.min_range, dst.max_range) {
            return Err(ShapeMismatch);
        }
        dst.buckets
            .iter_mut()
            .zip(self.buckets.iter())
            .for_each(|(d, s)| *d += s);
        Ok(())
    }

    fn same_shape(&self, g: u32, min: u32, max: u32) -> bool {
        (g, min, max) == (self.granularity, self.min_range, self.max_range)
    }

    /// Adds this histogram's counts to a C one; Err when their shapes differ.
    ///
    /// # Safety
    /// `dst` is a valid histogram from the header's alloc functions.
    pub unsafe fn merge_into_c(&self, dst: *mut HistogramData) -> Result<(), ShapeMismatch> {
        let d = &mut *dst;
        if d.bucket.is_null() || !self.same_shape(d.granularity, d.min_range, d.max_range) {
            return Err(ShapeMismatch);
        }
        let out = std::slice::from_raw_parts_mut(d.bucket, self.buckets.len());
        out.iter_mut()
            .zip(self.buckets.iter())
            .for_each(|(d, s)| *d += s);
        Ok(())
    }

    /// A copy of a C histogram (None when its shape is not one of ours).
    ///
    /// # Safety
    /// `src` is a valid histogram: `bucket` holds every bucket of its shape.
    pub unsafe fn from_c(src: &HistogramData) -> Option<Histogram> {
        if src.bucket.is_null()
            || !(1..=31).contains(&src.granularity)
            || src.min_range > src.max_range
            || src.max_range > 64
        {
            return None;
        }
        let n = ((src.max_range - src.min_range + 1) as usize) << src.granularity;
        Some(Histogram {
            granularity: src.granularity,
            min_range: src.min_range,
            max_range: src.max_range,
            buckets: std::slice::from_raw_parts(src.bucket, n).into(),
        })
    }

    /// Count, sum of bucket midpoints, smallest and largest value bound of
    /// what was tallied, as SPDK's tools read a histogram (None if empty).
    pub fn summary(&self) -> Option<Summary> {
        let first = self.buckets.iter().position(|&c| c != 0)?;
        let last = self.buckets.iter().rposition(|&c| c != 0)?;
        let mut s = Summary {
            count: 0,
            total: 0,
            min: self.bucket_bounds(first).0,
            max: self.bucket_bounds(last).1,
        };
        for (i, &c) in self
            .buckets
            .iter()
            .enumerate()
            .skip(first)
            .take(last + 1 - first)
        {
            if c != 0 {
                let (lo, hi) = self.bucket_bounds(i);
                let mid = ((lo as u128 + hi as u128) / 2) as u64;
                s.count += c;
                s.total = s.total.wrapping_add(mid.wrapping_mul(c));
            }
        }
        Some(s)
    }

    /// A C view of this histogram, valid while it lives unchanged.
    pub fn c_view(&mut self) -> HistogramData {
        HistogramData {
            granularity: self.granularity,
            min_range: self.min_range,
            max_range: self.max_range,
            bucket: self.buckets.as_mut_ptr(),
        }
    }

    /// The value range [start, end) of bucket `i` of the flat array.
    pub fn bucket_bounds(&self, i: usize) -> (u64, u64) {
        let end = |k: usize| {
            let r = self.min_range + (k as u64 >> self.granularity) as u32;
            let idx = (k as u64 & (self.per_range() - 1)) + 1;
            if r == 0 {
                idx
            } else {
                (1u64 << (r + self.granularity - 1)).wrapping_add(idx << (r - 1))
            }
        };
        (if i == 0 { 0 } else { end(i - 1) }, end(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_values_are_exact_and_large_ones_relative() {
        let mut h = Histogram::new(7, 0, u64::MAX).unwrap();
        assert_eq!(h.buckets().len(), (58 << 7) as usize);
        for v in [0, 1, 127, 128, 129, 1000, u64::MAX] {
            h.tally(v);
        }
        let hit: Vec<usize> = (0..h.buckets().len())
            .filter(|&i| h.buckets()[i] != 0)
            .collect();
        assert_eq!(hit.len(), 7);
        for (&i, v) in hit.iter().zip([0u64, 1, 127, 128, 129, 1000, u64::MAX]) {
            let (s, e) = h.bucket_bounds(i);
            assert!(
                s <= v && (v < e || e == 0 || v == u64::MAX),
                "{v} not in [{s}, {e})"
            );
        }
        let mut g = Histogram::new(7, 0, u64::MAX).unwrap();
        h.merge_into(&mut g).unwrap();
        h.merge_into(&mut g).unwrap();
        assert_eq!(g.buckets().iter().sum::<u64>(), 14);
        assert!(h
            .merge_into(&mut Histogram::new(5, 0, u64::MAX).unwrap())
            .is_err());
        assert!(Histogram::new(7, 10, 10).is_none());
    }

    #[test]
    fn summary_and_copy_from_c() {
        let mut h = Histogram::new(7, 0, u64::MAX).unwrap();
        assert_eq!(h.summary(), None);
        for v in [10, 20, 1000] {
            h.tally(v);
        }
        let s = h.summary().unwrap();
        assert_eq!(s.count, 3);
        // Values below 2^7 have buckets of their own: the minimum is exact.
        assert_eq!(s.min, 10);
        assert!(s.max > 1000 && s.max < 1010);
        assert!((1025..=1040).contains(&s.total), "{}", s.total);
        let view = h.c_view();
        let copy = unsafe { Histogram::from_c(&view) }.unwrap();
        assert_eq!(copy, h);
    }
}
