//! UTF-8 / UTF-16 helpers with the strictness SPDK's JSON code applies: no
//! overlong forms, no encoded surrogates, nothing above U+10FFFF.

/// Why a byte sequence is not one UTF-8 character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Utf8Error {
    /// A valid beginning cut short by the end of the input.
    Truncated,
    /// Not UTF-8.
    Invalid,
}

fn tail(b: u8) -> bool {
    (0x80..=0xBF).contains(&b)
}

/// Length of the UTF-8 character at the start of `s` (which is not empty).
pub fn utf8_char_len(s: &[u8]) -> Result<usize, Utf8Error> {
    let Some(&b0) = s.first() else {
        return Err(Utf8Error::Truncated);
    };
    let (n, lo, hi) = match b0 {
        0x00..=0x7F => return Ok(1),
        0xC2..=0xDF => (2, 0x80, 0xBF),
        0xE0 => (3, 0xA0, 0xBF),
        0xED => (3, 0x80, 0x9F),
        0xE1..=0xEC | 0xEE..=0xEF => (3, 0x80, 0xBF),
        0xF0 => (4, 0x90, 0xBF),
        0xF1..=0xF3 => (4, 0x80, 0xBF),
        0xF4 => (4, 0x80, 0x8F),
        _ => return Err(Utf8Error::Invalid),
    };
    for i in 1..n {
        let Some(&b) = s.get(i) else {
            return Err(Utf8Error::Truncated);
        };
        let ok = if i == 1 {
            (lo..=hi).contains(&b)
        } else {
            tail(b)
        };
        if !ok {
            return Err(Utf8Error::Invalid);
        }
    }
    Ok(n)
}

/// Decodes the valid UTF-8 character `s` (as checked by [`utf8_char_len`]).
pub fn utf8_decode(s: &[u8]) -> u32 {
    match s.len() {
        1 => s[0] as u32,
        2 => ((s[0] as u32 & 0x1F) << 6) | (s[1] as u32 & 0x3F),
        3 => ((s[0] as u32 & 0x0F) << 12) | ((s[1] as u32 & 0x3F) << 6) | (s[2] as u32 & 0x3F),
        _ => {
            ((s[0] as u32 & 0x07) << 18)
                | ((s[1] as u32 & 0x3F) << 12)
                | ((s[2] as u32 & 0x3F) << 6)
                | (s[3] as u32 & 0x3F)
        }
    }
}

/// Encodes code point `c`; None for surrogates and values past U+10FFFF.
pub fn encode_utf8(c: u32, out: &mut [u8; 4]) -> Option<usize> {
    let ch = char::from_u32(c)?;
    Some(ch.encode_utf8(out).len())
}

pub fn is_surrogate_high(v: u32) -> bool {
    (0xD800..=0xDBFF).contains(&v)
}

pub fn is_surrogate_low(v: u32) -> bool {
    (0xDC00..=0xDFFF).contains(&v)
}

pub fn surrogate_pair_decode(high: u32, low: u32) -> u32 {
    0x10000 + (((high & 0x3FF) << 10) | (low & 0x3FF))
}

pub fn surrogate_pair_encode(c: u32) -> (u16, u16) {
    let v = c - 0x10000;
    ((0xD800 | (v >> 10)) as u16, (0xDC00 | (v & 0x3FF)) as u16)
}
