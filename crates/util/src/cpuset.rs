//! CPU sets: a fixed-size bitmap of CPU numbers, with SPDK's textual forms.
//!
//! Two textual forms are understood by [`CpuMask::parse`], the ones SPDK's
//! `-m` option accepts:
//! - a hexadecimal mask, optionally prefixed with `0x`/`0X`, least
//!   significant digit last (`"0x3"`, `"f0"`); commas are skipped so the
//!   comma-grouped masks Linux prints in sysfs can be passed as they are;
//! - a list in square brackets of CPU numbers and inclusive ranges,
//!   `"[0-3,7]"`, with spaces or tabs allowed around numbers.
//!
//! [`CpuMask::to_hex`] writes the hexadecimal form back, without `0x` and
//! without leading zero digits (an empty set is `"0"`).

use std::fmt;

/// Number of CPUs a set can hold.
pub const CPUSET_SIZE: usize = 1024;
/// Bytes of bitmap needed for [`CPUSET_SIZE`] CPUs.
pub const CPUSET_BYTES: usize = CPUSET_SIZE / 8;
/// Longest hexadecimal text [`CpuMask::to_hex`] produces (without NUL).
pub const CPUSET_HEX_LEN: usize = CPUSET_SIZE / 4;

/// Why a textual CPU mask was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Nothing but blanks.
    Empty,
    /// A character that is not a hex digit (or comma) in a hex mask.
    BadHexDigit(char),
    /// Unexpected character (or end of text, `None`) in a `[...]` list.
    BadListChar(Option<char>),
    /// A CPU number of the list is `CPUSET_SIZE` or more.
    OutOfRange,
    /// A range whose start is above its end, such as `[3-1]`.
    ReversedRange(u32, u32),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Empty => write!(f, "empty CPU mask"),
            ParseError::BadHexDigit(c) => write!(f, "invalid character {c:?} in CPU mask"),
            ParseError::BadListChar(Some(c)) => write!(f, "invalid character {c:?} in CPU list"),
            ParseError::BadListChar(None) => write!(f, "CPU list ends too early"),
            ParseError::OutOfRange => {
                write!(f, "CPU number out of range (max {})", CPUSET_SIZE - 1)
            }
            ParseError::ReversedRange(a, b) => write!(f, "invalid CPU range {a}-{b}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// A set of CPUs `0..CPUSET_SIZE`, bit `n % 8` of byte `n / 8` for CPU `n`
/// (the byte layout of `struct spdk_cpuset`'s `cpus`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CpuMask {
    bytes: [u8; CPUSET_BYTES],
}

impl Default for CpuMask {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for CpuMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; CPUSET_HEX_LEN];
        let n = self.to_hex(&mut buf);
        write!(f, "CpuMask(0x{})", String::from_utf8_lossy(&buf[..n]))
    }
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl CpuMask {
    /// The empty set.
    pub const fn new() -> Self {
        CpuMask {
            bytes: [0; CPUSET_BYTES],
        }
    }

    /// A set from its bitmap bytes.
    pub const fn from_bytes(bytes: [u8; CPUSET_BYTES]) -> Self {
        CpuMask { bytes }
    }

    /// The bitmap bytes.
    pub const fn bytes(&self) -> &[u8; CPUSET_BYTES] {
        &self.bytes
    }

    /// Adds (`true`) or removes CPU `cpu`; numbers past the set's size are
    /// ignored.
    pub fn set(&mut self, cpu: u32, state: bool) {
        let cpu = cpu as usize;
        if cpu >= CPUSET_SIZE {
            return;
        }
        let bit = 1u8 << (cpu % 8);
        if state {
            self.bytes[cpu / 8] |= bit;
        } else {
            self.bytes[cpu / 8] &= !bit;
        }
    }

    /// Whether CPU `cpu` is in the set (never for numbers past its size).
    pub fn get(&self, cpu: u32) -> bool {
        let cpu = cpu as usize;
        cpu < CPUSET_SIZE && self.bytes[cpu / 8] & (1 << (cpu % 8)) != 0
    }

    /// Removes every CPU.
    pub fn clear(&mut self) {
        self.bytes = [0; CPUSET_BYTES];
    }

    /// Number of CPUs in the set.
    pub fn count(&self) -> u32 {
        self.bytes.iter().map(|b| b.count_ones()).sum()
    }

    /// Keeps only the CPUs also in `other`.
    pub fn and_with(&mut self, other: &CpuMask) {
        self.bytes
            .iter_mut()
            .zip(other.bytes.iter())
            .for_each(|(a, b)| *a &= b);
    }

    /// Adds the CPUs of `other`.
    pub fn or_with(&mut self, other: &CpuMask) {
        self.bytes
            .iter_mut()
            .zip(other.bytes.iter())
            .for_each(|(a, b)| *a |= b);
    }

    /// Toggles the CPUs of `other`.
    pub fn xor_with(&mut self, other: &CpuMask) {
        self.bytes
            .iter_mut()
            .zip(other.bytes.iter())
            .for_each(|(a, b)| *a ^= b);
    }

    /// Replaces the set with its complement within `0..CPUSET_SIZE`.
    pub fn negate(&mut self) {
        self.bytes.iter_mut().for_each(|a| *a = !*a);
    }

    /// The CPUs of the set in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.bytes.iter().enumerate().flat_map(|(i, &b)| {
            (0..8u32)
                .filter(move |j| b & (1 << j) != 0)
                .map(move |j| i as u32 * 8 + j)
        })
    }

    /// Writes the set as lower-case hexadecimal digits, most significant
    /// first, without `0x` or leading zeros (at least one digit), into
    /// `out`, and returns the number of digits written.
    pub fn to_hex(&self, out: &mut [u8; CPUSET_HEX_LEN]) -> usize {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut n = 0;
        for i in (0..CPUSET_SIZE / 4).rev() {
            let nibble = (self.bytes[i / 2] >> ((i % 2) * 4)) & 0xf;
            if n == 0 && nibble == 0 && i != 0 {
                continue;
            }
            out[n] = HEX[nibble as usize];
            n += 1;
        }
        n
    }

    /// The set described by `text`, in either of SPDK's forms (see the
    /// module documentation). Leading and trailing spaces/tabs are ignored.
    /// Hex digits beyond the set's size are accepted and ignored, as SPDK
    /// does.
    pub fn parse(text: &[u8]) -> Result<CpuMask, ParseError> {
        let start = text
            .iter()
            .position(|&c| !is_blank(c))
            .ok_or(ParseError::Empty)?;
        let end = text
            .iter()
            .rposition(|&c| !is_blank(c))
            .map_or(start, |e| e + 1);
        let text = &text[start..end];
        match text.first() {
            None => Err(ParseError::Empty),
            Some(b'[') => Self::parse_list(&text[1..]),
            Some(_) => Self::parse_hex(text),
        }
    }

    fn parse_hex(text: &[u8]) -> Result<CpuMask, ParseError> {
        let digits = match text {
            [b'0', b'x' | b'X', rest @ ..] => rest,
            _ => text,
        };
        let mut set = CpuMask::new();
        let mut cpu = 0u32;
        for &c in digits.iter().rev() {
            if c == b',' {
                continue;
            }
            let v = hex_digit(c).ok_or(ParseError::BadHexDigit(c as char))?;
            for bit in 0..4 {
                if v & (1 << bit) != 0 {
                    set.set(cpu + bit, true);
                }
            }
            cpu = cpu.saturating_add(4);
        }
        Ok(set)
    }

    /// `text` is what follows the opening bracket.
    fn parse_list(text: &[u8]) -> Result<CpuMask, ParseError> {
        let mut set = CpuMask::new();
        let mut pos = 0;
        let at = |pos: usize| text.get(pos).copied();
        let bad = |pos: usize| ParseError::BadListChar(text.get(pos).map(|&c| c as char));
        let skip_blanks = |mut pos: usize| {
            while at(pos).is_some_and(is_blank) {
                pos += 1;
            }
            pos
        };
        // Reads one CPU number at `pos`; returns it and the position after
        // it and any blanks that follow.
        let number = |pos: usize| -> Result<(u32, usize), ParseError> {
            let pos = skip_blanks(pos);
            let mut end = pos;
            let mut value: u64 = 0;
            while let Some(c @ b'0'..=b'9') = at(end) {
                value = value.saturating_mul(10).saturating_add(u64::from(c - b'0'));
                end += 1;
            }
            if end == pos {
                return Err(bad(pos));
            }
            if value >= CPUSET_SIZE as u64 {
                return Err(ParseError::OutOfRange);
            }
            Ok((value as u32, skip_blanks(end)))
        };
        loop {
            let (first, next) = number(pos)?;
            let (last, next) = if at(next) == Some(b'-') {
                number(next + 1)?
            } else {
                (first, next)
            };
            if first > last {
                return Err(ParseError::ReversedRange(first, last));
            }
            for cpu in first..=last {
                set.set(cpu, true);
            }
            match at(next) {
                Some(b',') => pos = next + 1,
                Some(b']') => {
                    // Only white space may follow the closing bracket.
                    return match text[next + 1..]
                        .iter()
                        .position(|c| !c.is_ascii_whitespace())
                    {
                        None => Ok(set),
                        Some(p) => Err(bad(next + 1 + p)),
                    };
                }
                _ => return Err(bad(next)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<CpuMask, ParseError> {
        CpuMask::parse(s.as_bytes())
    }

    fn hex(m: &CpuMask) -> String {
        let mut buf = [0u8; CPUSET_HEX_LEN];
        let n = m.to_hex(&mut buf);
        String::from_utf8(buf[..n].to_vec()).unwrap()
    }

    fn cpus(m: &CpuMask) -> Vec<u32> {
        m.iter().collect()
    }

    #[test]
    fn hex_masks() {
        assert_eq!(cpus(&parse("0x3").unwrap()), [0, 1]);
        assert_eq!(cpus(&parse("f").unwrap()), [0, 1, 2, 3]);
        assert_eq!(cpus(&parse("0XF0").unwrap()), [4, 5, 6, 7]);
        assert_eq!(cpus(&parse("  0x1 \t").unwrap()), [0]);
        assert_eq!(cpus(&parse("0").unwrap()), Vec::<u32>::new());
        assert_eq!(cpus(&parse("0x").unwrap()), Vec::<u32>::new());
        assert_eq!(cpus(&parse("1,00000000").unwrap()), [32]);
        assert_eq!(cpus(&parse(",,,,,000,,1,0,0,,,,").unwrap()), [8]);
        let m = parse("0xF0000000000000000000000000000000000000000F0").unwrap();
        assert_eq!(cpus(&m), [4, 5, 6, 7, 168, 169, 170, 171]);
        // Digits past the last CPU are ignored.
        let long = format!("1{}", "0".repeat(256));
        assert_eq!(parse(&long).unwrap().count(), 0);
        let all = "f".repeat(300);
        assert_eq!(parse(&all).unwrap().count(), 1024);
    }

    #[test]
    fn bad_hex_masks() {
        assert_eq!(parse("0xZZ"), Err(ParseError::BadHexDigit('Z')));
        assert!(parse("0x1g").is_err());
        assert!(parse("1 2").is_err());
        assert!(parse("-1").is_err());
        assert_eq!(parse(""), Err(ParseError::Empty));
        assert_eq!(parse(" \t "), Err(ParseError::Empty));
    }

    #[test]
    fn lists() {
        assert_eq!(cpus(&parse("[1]").unwrap()), [1]);
        assert_eq!(cpus(&parse("[0-3,7]").unwrap()), [0, 1, 2, 3, 7]);
        assert_eq!(cpus(&parse("[ 0 - 2 , 5 ]").unwrap()), [0, 1, 2, 5]);
        assert_eq!(cpus(&parse("[3-3]").unwrap()), [3]);
        assert_eq!(cpus(&parse("[5,1]").unwrap()), [1, 5]);
        assert_eq!(cpus(&parse("[1]\n").unwrap()), [1]);
        let m = parse("[0-10,12,128-254]").unwrap();
        assert_eq!(m.count(), 11 + 1 + 127);
        assert_eq!(parse("[0-1023]").unwrap().count(), 1024);
    }

    #[test]
    fn bad_lists() {
        for s in [
            "[", "[]", "[10--11]", "[10-11,]", "[,10-11]", "[1-]", "[-1]", "[1", "[1,2", "[a]",
            "[0x1]", "[1 2]", "[1-2-3]", "[1]x", "[+1]",
        ] {
            assert!(parse(s).is_err(), "{s} accepted");
        }
        assert_eq!(parse("[11-10]"), Err(ParseError::ReversedRange(11, 10)));
        assert_eq!(parse("[3-1]"), Err(ParseError::ReversedRange(3, 1)));
        assert_eq!(parse("[1024]"), Err(ParseError::OutOfRange));
        assert_eq!(parse("[0-1024]"), Err(ParseError::OutOfRange));
        assert_eq!(
            parse("[184467440737095516150]"),
            Err(ParseError::OutOfRange)
        );
        assert_eq!(parse("[4294967296]"), Err(ParseError::OutOfRange));
    }

    #[test]
    fn format() {
        let mut m = CpuMask::new();
        assert_eq!(hex(&m), "0");
        m.set(0, true);
        assert_eq!(hex(&m), "1");
        m.set(4, true);
        assert_eq!(hex(&m), "11");
        m.set(8, true);
        assert_eq!(hex(&m), "111");
        m.clear();
        m.set(1023, true);
        let s = hex(&m);
        assert_eq!(s.len(), 256);
        assert!(s.starts_with('8') && s[1..].bytes().all(|c| c == b'0'));
        m.negate();
        assert_eq!(hex(&m), format!("7{}", "f".repeat(255)));
        // Round trip.
        let m = parse("[0-10,12,128-254,1000]").unwrap();
        assert_eq!(parse(&hex(&m)).unwrap(), m);
    }

    #[test]
    fn set_ops() {
        let mut a = parse("0xf").unwrap();
        let b = parse("0x3c").unwrap();
        let mut c = a;
        c.and_with(&b);
        assert_eq!(cpus(&c), [2, 3]);
        c = a;
        c.or_with(&b);
        assert_eq!(cpus(&c), [0, 1, 2, 3, 4, 5]);
        a.xor_with(&b);
        assert_eq!(cpus(&a), [0, 1, 4, 5]);
        a.negate();
        assert_eq!(a.count(), 1020);
        assert!(!a.get(0) && a.get(2) && a.get(1023) && !a.get(1024) && !a.get(u32::MAX));
        a.set(5000, true);
        assert_eq!(a.count(), 1020);
        a.set(2, false);
        assert!(!a.get(2));
    }
}
