//! spdk_log_dump()'s hex dump layout.

use std::fmt::Write as _;

/// Formats `data` under `label` as spdk_log_dump() prints it: per line of
/// sixteen bytes an 8-digit hex offset, the bytes in two groups of eight and
/// their printable ASCII characters ('.' for others).
pub fn hexdump(label: &str, data: &[u8]) -> String {
    String::from_utf8_lossy(&hexdump_bytes(label.as_bytes(), data)).into_owned()
}

pub(crate) fn hexdump_bytes(label: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(label.len() + 1 + data.len().div_ceil(16) * 80);
    out.extend_from_slice(label);
    out.push(b'\n');
    let mut row = String::with_capacity(80);
    let mut ascii = String::with_capacity(16);
    for (idx, &b) in data.iter().enumerate() {
        if idx != 0 && idx % 16 == 0 {
            out.extend_from_slice(row.as_bytes());
            out.push(b' ');
            out.extend_from_slice(ascii.as_bytes());
            out.push(b'\n');
            row.clear();
            ascii.clear();
        }
        if idx % 16 == 0 {
            let _ = write!(row, "{:08x} ", idx as u32);
        }
        if idx % 8 == 0 {
            row.push(' ');
        }
        let _ = write!(row, "{b:02x} ");
        ascii.push(if (0x20..0x7f).contains(&b) {
            b as char
        } else {
            '.'
        });
    }
    // Pad a short last line so its ASCII column lines up. (SPDK adds the
    // group gap only when the padding crosses offset 8 of the first line;
    // kept for byte-identical output.)
    let rem = data.len() % 16;
    let pad = if rem == 0 { 0 } else { 16 - rem };
    for idx in data.len()..data.len() + pad {
        if idx == 8 {
            row.push(' ');
        }
        row.push_str("   ");
    }
    out.extend_from_slice(row.as_bytes());
    out.extend_from_slice(b"  ");
    out.extend_from_slice(ascii.as_bytes());
    out.push(b'\n');
    out
}
