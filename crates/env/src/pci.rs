//! PCI addresses, and (submodules) devices found in sysfs and driven
//! through VFIO: SPDK's env PCI layer without DPDK.

pub mod device;
pub mod sysfs;
pub mod vfio;

use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Addr {
    pub domain: u32,
    pub bus: u8,
    pub dev: u8,
    pub func: u8,
}

fn hex(s: &str, max: u64) -> Option<u64> {
    if s.is_empty() || s.len() > 8 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(s, 16).ok().filter(|v| *v <= max)
}

/// Parses "DDDD:BB:DD.F", "BB:DD.F", "DDDD.BB.DD.F" (DPDK's forms, as SPDK
/// accepts) and also "DDDD:BB:DD" / "BB:DD" with function 0.
pub fn parse(s: &str) -> Option<Addr> {
    let s = s.trim();
    let (rest, func) = match s.rsplit_once('.') {
        Some((r, f))
            if !r.is_empty()
                && f.len() == 1
                && (r.contains(':') || r.matches('.').count() == 2) =>
        {
            (r, hex(f, 7)? as u8)
        }
        _ => (s, 0),
    };
    let parts: Vec<&str> = rest.split([':', '.']).collect();
    let (domain, bus, dev) = match parts.as_slice() {
        [b, d] => (0, hex(b, 0xff)?, hex(d, 0x1f)?),
        [dom, b, d] => (hex(dom, u32::MAX as u64)?, hex(b, 0xff)?, hex(d, 0x1f)?),
        _ => return None,
    };
    Some(Addr {
        domain: domain as u32,
        bus: bus as u8,
        dev: dev as u8,
        func,
    })
}

pub fn format(a: &Addr) -> String {
    format!("{:04x}:{:02x}:{:02x}.{:x}", a.domain, a.bus, a.dev, a.func)
}

pub fn compare(a: &Addr, b: &Addr) -> i32 {
    match a.cmp(b) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bdf() {
        let a = parse("0000:81:00.1").unwrap();
        assert_eq!(
            a,
            Addr {
                domain: 0,
                bus: 0x81,
                dev: 0,
                func: 1
            }
        );
        assert_eq!(format(&a), "0000:81:00.1");
        assert_eq!(parse("81:1f.0").unwrap().dev, 0x1f);
        assert_eq!(
            parse("0001.02.03.4").unwrap(),
            Addr {
                domain: 1,
                bus: 2,
                dev: 3,
                func: 4
            }
        );
        assert!(parse("0000:81:20.0").is_none());
        assert!(parse("0000:81:00.8").is_none());
        assert!(parse("zz:00.0").is_none());
        assert!(parse("").is_none());
        assert_eq!(
            compare(&parse("1:0.0").unwrap(), &parse("2:0.0").unwrap()),
            -1
        );
    }
}
