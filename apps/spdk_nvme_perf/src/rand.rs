//! The random offsets of rand* workloads: SPDK's xorshift64 and, for -F,
//! a Zipf distribution (Gray et al., "Quickly generating billion-record
//! synthetic databases"), with no allocation per draw.

/// One step of xorshift64 (spdk_rand_xorshift64).
#[inline]
pub fn xorshift64(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x
}

/// A non-zero seed that differs between threads and runs.
pub fn seed() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    // SAFETY: gettid has no preconditions.
    let tid = unsafe { libc::gettid() } as u64;
    (t ^ tid.rotate_left(32)) | 1
}

/// Zipf-distributed values in 0..range, item 0 the most popular.
pub struct Zipf {
    range: u64,
    theta: f64,
    alpha: f64,
    zetan: f64,
    eta: f64,
    state: u64,
}

fn zeta(n: u64, theta: f64) -> f64 {
    (1..=n).map(|i| (i as f64).powf(-theta)).sum()
}

impl Zipf {
    /// None for an empty range or theta 1 (where the method divides by 0).
    pub fn new(range: u64, theta: f64, seed: u64) -> Option<Zipf> {
        if range == 0 || theta == 1.0 || theta.is_nan() || theta <= 0.0 {
            return None;
        }
        let zetan = zeta(range, theta);
        let zeta2 = zeta(2.min(range), theta);
        let eta = (1.0 - (2.0 / range as f64).powf(1.0 - theta)) / (1.0 - zeta2 / zetan);
        Some(Zipf {
            range,
            theta,
            alpha: 1.0 / (1.0 - theta),
            zetan,
            eta,
            state: seed | 1,
        })
    }

    #[inline]
    pub fn generate(&mut self) -> u64 {
        let u = (xorshift64(&mut self.state) >> 11) as f64 / (1u64 << 53) as f64;
        let uz = u * self.zetan;
        if uz < 1.0 {
            return 0;
        }
        if uz < 1.0 + 0.5f64.powf(self.theta) {
            return 1.min(self.range - 1);
        }
        let v = (self.range as f64 * (self.eta * u - self.eta + 1.0).powf(self.alpha)) as u64;
        v.min(self.range - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xorshift_is_spdks() {
        let mut s = 1u64;
        assert_eq!(xorshift64(&mut s), 1082269761);
        assert_ne!(xorshift64(&mut s), 1082269761);
    }

    #[test]
    fn zipf_prefers_small_values_and_stays_in_range() {
        assert!(Zipf::new(0, 0.5, 1).is_none());
        assert!(Zipf::new(10, 1.0, 1).is_none());
        let mut z = Zipf::new(1000, 0.9, 42).unwrap();
        let mut hits = vec![0u32; 1000];
        for _ in 0..100_000 {
            hits[z.generate() as usize] += 1;
        }
        assert!(hits[0] > hits[10] && hits[10] > hits[500]);
        assert!(hits[0] > 5_000, "{}", hits[0]);
        let mut one = Zipf::new(1, 0.5, 3).unwrap();
        assert!((0..100).all(|_| one.generate() == 0));
    }
}
