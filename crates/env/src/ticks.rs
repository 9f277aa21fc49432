//! Time in ticks: the CPU's timestamp counter where it has one, calibrated
//! once against the monotonic clock.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

#[inline(always)]
pub fn ticks() -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: rdtsc has no preconditions on x86_64.
        unsafe { core::arch::x86_64::_rdtsc() }
    }
    #[cfg(target_arch = "aarch64")]
    {
        let v: u64;
        // SAFETY: reading the virtual counter is allowed at EL0 on Linux.
        unsafe { core::arch::asm!("mrs {}, cntvct_el0", out(reg) v) };
        v
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        monotonic_ns()
    }
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid out pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC_RAW, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Ticks per second.
pub fn ticks_hz() -> u64 {
    static HZ: OnceLock<u64> = OnceLock::new();
    *HZ.get_or_init(calibrate)
}

fn calibrate() -> u64 {
    #[cfg(target_arch = "aarch64")]
    {
        let f: u64;
        // SAFETY: reading the counter frequency is allowed at EL0 on Linux.
        unsafe { core::arch::asm!("mrs {}, cntfrq_el0", out(reg) f) };
        return f;
    }
    #[allow(unreachable_code)]
    {
        if !cfg!(target_arch = "x86_64") {
            return 1_000_000_000;
        }
        // Count ticks over 20 ms of wall time, three times, keep the median.
        let mut samples = [0u64; 3];
        for s in samples.iter_mut() {
            let t0 = Instant::now();
            let c0 = ticks();
            while t0.elapsed() < Duration::from_millis(20) {
                std::hint::spin_loop();
            }
            let c1 = ticks();
            let ns = t0.elapsed().as_nanos() as u64;
            *s = ((c1 - c0) as u128 * 1_000_000_000 / ns.max(1) as u128) as u64;
        }
        samples.sort_unstable();
        // Round to 1 kHz; the counter's nominal rate has no finer meaning.
        (samples[1] + 500) / 1000 * 1000
    }
}

/// Busy-waits `us` microseconds, as SPDK's `spdk_delay_us` does.
pub fn delay_us(us: u32) {
    let end = ticks().saturating_add(us as u64 * ticks_hz() / 1_000_000);
    while ticks() < end {
        std::hint::spin_loop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hz_is_plausible_and_delay_waits() {
        let hz = ticks_hz();
        assert!(hz > 1_000_000, "{hz}");
        let t = Instant::now();
        delay_us(2000);
        assert!(t.elapsed() >= Duration::from_micros(1900));
    }
}
