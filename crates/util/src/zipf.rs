//! Zipf-distributed random numbers (spdk/zipf.h), by Gray et al.'s method
//! ("Quickly generating billion-record synthetic databases", SIGMOD '94),
//! which SPDK's and fio's generators use too: a few pow() calls per value
//! after a one-time zeta sum.

/// Terms of the zeta sum computed one by one; beyond, the sum goes by
/// trapezoids of `ZETA_STEP` terms (as SPDK's, so big ranges start fast).
const ZETA_EXACT: u64 = 10_000_000;
const ZETA_STEP: u64 = 1_000_000;

fn term(i: u64, theta: f64) -> f64 {
    (1.0 / (i as f64 + 1.0)).powf(theta)
}

/// Sum over i in 0..n of 1/(i+1)^theta.
fn zeta(n: u64, theta: f64) -> f64 {
    let exact = n.min(ZETA_EXACT);
    let mut z: f64 = (0..exact).map(|i| term(i, theta)).sum();
    let mut i = exact;
    while i < n {
        let count = ZETA_STEP.min(n - i);
        z += (term(i, theta) + term(i + count, theta)) * count as f64 / 2.0;
        i += count;
    }
    z
}

/// A generator of values in 0..range, 0 the most frequent.
#[derive(Clone, Debug)]
pub struct Zipf {
    range: u64,
    alpha: f64,
    eta: f64,
    theta: f64,
    zetan: f64,
    val1_limit: f64,
    state: u64,
}

impl Zipf {
    /// None for an empty range or a theta that is not in (0, 1) or above 1
    /// (theta 1 divides by zero). A seed of 0 picks one at random.
    pub fn new(range: u64, theta: f64, seed: u32) -> Option<Zipf> {
        if range == 0 || !theta.is_finite() || theta <= 0.0 || theta == 1.0 {
            return None;
        }
        let zetan = zeta(range, theta);
        let state = match seed {
            0 => {
                crate::uuid::generate_random()
                    .iter()
                    .fold(0u64, |a, &b| a.rotate_left(8) ^ b as u64)
                    | 1
            }
            s => s as u64,
        };
        Some(Zipf {
            range,
            alpha: 1.0 / (1.0 - theta),
            eta: (1.0 - (2.0 / range as f64).powf(1.0 - theta)) / (1.0 - zeta(2, theta) / zetan),
            theta,
            zetan,
            val1_limit: 1.0 + 0.5f64.powf(theta),
            state,
        })
    }

    fn next_u64(&mut self) -> u64 {
        // xorshift64 (never 0 from a non-zero state).
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }

    /// The next value.
    pub fn generate(&mut self) -> u64 {
        let u = self.next_u64() as f64 / u64::MAX as f64;
        let uz = u * self.zetan;
        if uz < 1.0 {
            return 0;
        }
        if uz < self.val1_limit {
            return 1;
        }
        let v = self.range as f64 * (self.eta * (u - 1.0) + 1.0).powf(self.alpha);
        (v as u64) % self.range
    }

    pub fn theta(&self) -> f64 {
        self.theta
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skewed_towards_small_values_and_in_range() {
        let mut z = Zipf::new(1000, 1.2, 7).unwrap();
        let mut hits = vec![0u32; 1000];
        for _ in 0..100_000 {
            let v = z.generate();
            assert!(v < 1000);
            hits[v as usize] += 1;
        }
        assert!(hits[0] > hits[1] && hits[1] > hits[10] && hits[10] > hits[500]);
        // theta 1.2 over 1000 values: value 0 takes about a quarter.
        assert!((15_000..40_000).contains(&hits[0]), "{}", hits[0]);
        let mut again = Zipf::new(1000, 1.2, 7).unwrap();
        let mut first = Zipf::new(1000, 1.2, 7).unwrap();
        assert_eq!(again.generate(), first.generate(), "same seed, same values");
        let mut other = Zipf::new(1000, 1.2, 8).unwrap();
        let a: Vec<u64> = (0..32).map(|_| again.generate()).collect();
        let b: Vec<u64> = (0..32).map(|_| other.generate()).collect();
        assert_ne!(a, b, "the seed is used");
        assert!(Zipf::new(0, 1.2, 1).is_none());
        assert!(Zipf::new(10, 1.0, 1).is_none());
        assert!(Zipf::new(10, f64::NAN, 1).is_none());
        // 2^32 values: 10 M exact terms, then 4 K trapezoids.
        assert!(Zipf::new(1 << 32, 0.8, 3).is_some());
    }
}
