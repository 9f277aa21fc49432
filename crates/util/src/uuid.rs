//! UUIDs as SPDK handles them: 16 raw bytes in RFC 4122 (big-endian field)
//! order, written as 36 characters `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
//!
//! Parsing is as strict as libuuid's `uuid_parse`: exactly that form, hex
//! digits of either case, nothing before or after (no braces, no `urn:`,
//! no 32-digit form).

/// Length of the textual form, without the terminating NUL.
pub const UUID_TEXT_LEN: usize = 36;

/// Positions of the hyphens in the textual form.
const HYPHENS: [usize; 4] = [8, 13, 18, 23];

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Parses the 36-character form; `None` for anything else.
pub fn parse(text: &[u8]) -> Option<[u8; 16]> {
    if text.len() != UUID_TEXT_LEN {
        return None;
    }
    let mut out = [0u8; 16];
    let mut nibbles = 0usize;
    for (i, &c) in text.iter().enumerate() {
        if HYPHENS.contains(&i) {
            if c != b'-' {
                return None;
            }
            continue;
        }
        let v = hex_value(c)?;
        out[nibbles / 2] |= if nibbles & 1 == 0 { v << 4 } else { v };
        nibbles += 1;
    }
    Some(out)
}

/// The lower-case 36-character form of `uuid`.
pub fn format_lower(uuid: &[u8; 16]) -> [u8; UUID_TEXT_LEN] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [b'-'; UUID_TEXT_LEN];
    let mut bytes = uuid.iter();
    let mut i = 0;
    while i < UUID_TEXT_LEN {
        if HYPHENS.contains(&i) {
            i += 1;
            continue;
        }
        // 32 digit positions for 16 bytes: `bytes` cannot run out.
        let b = bytes.next().copied().unwrap_or(0);
        out[i] = HEX[usize::from(b >> 4)];
        out[i + 1] = HEX[usize::from(b & 0xf)];
        i += 2;
    }
    out
}

/// A new random (version 4) UUID.
pub fn generate_random() -> [u8; 16] {
    *uuid::Uuid::new_v4().as_bytes()
}

/// The name-based (version 5, SHA-1) UUID of `name` in namespace `ns`,
/// as RFC 4122 and libuuid's `uuid_generate_sha1` define it.
pub fn generate_sha1(ns: &[u8; 16], name: &[u8]) -> [u8; 16] {
    *uuid::Uuid::new_v5(&uuid::Uuid::from_bytes(*ns), name).as_bytes()
}

/// Orders UUIDs as libuuid does (byte-wise, most significant first):
/// -1, 0 or 1.
pub fn compare(a: &[u8; 16], b: &[u8; 16]) -> i32 {
    match a.cmp(b) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let s = b"0123ABCD-4567-89ab-cdef-0123456789AB";
        let u = parse(s).unwrap();
        assert_eq!(u[0], 0x01);
        assert_eq!(u[3], 0xcd);
        assert_eq!(u[15], 0xab);
        assert_eq!(&format_lower(&u), b"0123abcd-4567-89ab-cdef-0123456789ab");
        assert_eq!(parse(&format_lower(&u)), Some(u));
    }

    #[test]
    fn rejects() {
        for s in [
            "",
            "0123abcd-4567-89ab-cdef-0123456789a",
            "0123abcd-4567-89ab-cdef-0123456789abc",
            "0123abcd045670089ab-cdef-0123456789ab",
            "0123abcd-4567-89ab-cdef+0123456789ab",
            "0123abcg-4567-89ab-cdef-0123456789ab",
            "{123abcd-4567-89ab-cdef-0123456789a}",
            "0123abcd456789abcdef0123456789ab",
            " 0123abcd-4567-89ab-cdef-0123456789a",
            "0123abc--4567-89ab-cdef-0123456789ab",
        ] {
            assert_eq!(parse(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn sha1_matches_rfc() {
        // Name "www.example.com" in the DNS namespace (RFC 4122 appendix,
        // corrected erratum value).
        let dns = parse(b"6ba7b810-9dad-11d1-80b4-00c04fd430c8").unwrap();
        let u = generate_sha1(&dns, b"www.example.com");
        assert_eq!(&format_lower(&u), b"2ed6657d-e927-568b-95e1-2665a8aea6a2");
        assert_eq!(u[6] >> 4, 5);
        assert_eq!(u[8] & 0xc0, 0x80);
    }

    #[test]
    fn random_and_compare() {
        let a = generate_random();
        let b = generate_random();
        assert_ne!(a, b);
        assert_eq!(a[6] >> 4, 4);
        assert_eq!(a[8] & 0xc0, 0x80);
        let mut lo = [0u8; 16];
        let mut hi = [0u8; 16];
        hi[0] = 1;
        assert_eq!(compare(&lo, &hi), -1);
        assert_eq!(compare(&hi, &lo), 1);
        lo[0] = 1;
        assert_eq!(compare(&lo, &hi), 0);
    }
}
