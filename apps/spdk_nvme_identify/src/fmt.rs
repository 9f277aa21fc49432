//! Small printers shared by the report: SPDK's hex dump, the ASCII fields
//! of identify data, 128-bit counters, "Supported"/"Not Supported".

use std::fmt::Write;

/// Appends a formatted line (formatting into a String cannot fail).
macro_rules! out {
    ($o:expr) => {{
        $o.push('\n');
    }};
    ($o:expr, $($arg:tt)*) => {{
        let _ = writeln!($o, $($arg)*);
    }};
}
pub(crate) use out;

/// The hex dump of -x: offset, 16 bytes with a '-' after the eighth, then
/// the printable characters.
pub fn hex_dump(o: &mut String, data: &[u8]) {
    for (n, chunk) in data.chunks(16).enumerate() {
        let _ = write!(o, "{:08X}:", n * 16);
        for i in 0..16 {
            o.push(if i == 8 { '-' } else { ' ' });
            match chunk.get(i) {
                Some(b) => {
                    let _ = write!(o, "{b:02X}");
                }
                None => o.push_str("  "),
            }
        }
        o.push_str("  ");
        for &b in chunk {
            o.push(if b > 0x20 && b < 0x7f { b as char } else { '.' });
        }
        o.push('\n');
    }
}

/// An ASCII field of the specification: trailing spaces trimmed, bytes
/// outside 0x20..=0x7e shown as '.'.
pub fn ascii(buf: &[u8]) -> String {
    let end = buf.iter().rposition(|&b| b != b' ').map_or(0, |i| i + 1);
    buf[..end]
        .iter()
        .map(|&b| {
            if (0x20..=0x7e).contains(&b) {
                b as char
            } else {
                '.'
            }
        })
        .collect()
}

/// The same for the `char` arrays of the C structs.
pub fn ascii_i8(buf: &[i8]) -> String {
    let v: Vec<u8> = buf.iter().map(|&c| c as u8).collect();
    ascii(&v)
}

/// A NUL-terminated string inside a fixed field.
pub fn cstr(buf: &[u8]) -> String {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// A 128-bit counter (low word first) in hex, as SPDK prints it.
pub fn u128_hex(v: [u64; 2]) -> String {
    if v[1] != 0 {
        format!("0x{:X}{:016X}", v[1], v[0])
    } else {
        format!("0x{:X}", v[0])
    }
}

/// A 128-bit counter in decimal (hex when it needs more than 64 bits, as
/// SPDK).
pub fn u128_dec(v: [u64; 2]) -> String {
    if v[1] != 0 {
        u128_hex(v)
    } else {
        v[0].to_string()
    }
}

/// The bytes as uppercase hex, first byte first.
pub fn hex_be(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

pub fn supported(v: impl Into<u64>) -> &'static str {
    if v.into() != 0 {
        "Supported"
    } else {
        "Not Supported"
    }
}

pub fn yes_no(v: impl Into<u64>) -> &'static str {
    if v.into() != 0 {
        "Yes"
    } else {
        "No"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_dump_layout() {
        let mut o = String::new();
        let data: Vec<u8> = (0x30..0x30 + 20).collect();
        hex_dump(&mut o, &data);
        let l: Vec<&str> = o.lines().collect();
        assert_eq!(
            l[0],
            "00000000: 30 31 32 33 34 35 36 37-38 39 3A 3B 3C 3D 3E 3F  0123456789:;<=>?"
        );
        assert_eq!(
            l[1],
            "00000010: 40 41 42 43            -                         @ABC"
        );
        assert_eq!(l.len(), 2);
        let mut o = String::new();
        hex_dump(&mut o, &[0, b' ', 0x7f, b'a']);
        assert!(o.ends_with("  ...a\n"));
    }

    #[test]
    fn fields() {
        assert_eq!(ascii(b"QEMU NVMe Ctrl   "), "QEMU NVMe Ctrl");
        assert_eq!(ascii(b"a\x01b  "), "a.b");
        assert_eq!(ascii(b"    "), "");
        assert_eq!(cstr(b"nqn.x\0\0zz"), "nqn.x");
        assert_eq!(u128_dec([42, 0]), "42");
        assert_eq!(u128_dec([1, 2]), "0x20000000000000001");
        assert_eq!(hex_be(&[0xab, 0x01]), "AB01");
        assert_eq!(
            (supported(1u8), supported(0u32)),
            ("Supported", "Not Supported")
        );
    }
}
