//! String helpers behind include/spdk/string.h, written over byte slices so
//! they can be tested without C strings. The ffi layer turns C strings into
//! slices (usually including their terminating NUL when the function writes
//! terminators in place) and maps the results back to pointers.

use std::fmt::Write as _;

/// `isspace()` in the C locale.
#[inline]
pub fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// Lowercases ASCII letters in place (what `tolower()` does in the C locale).
pub fn strlwr(s: &mut [u8]) {
    s.make_ascii_lowercase();
}

/// Result of one [`strsepq`] step.
#[derive(Debug, PartialEq, Eq)]
pub struct SepStep {
    /// Offset in the buffer where the next field starts, or `None` when the
    /// string is exhausted.
    pub next: Option<usize>,
}

/// One step of SPDK's quote-aware `strsep()`.
///
/// `buf` is the remaining string *including* its terminating NUL (so
/// `buf.len() >= 1` and `buf[buf.len() - 1] == 0`). The field starting at
/// `buf[0]` is unquoted in place and NUL-terminated: backslash escapes the
/// next character, single and double quotes group characters (a backslash
/// also escapes inside double quotes), and the field ends at the first
/// unquoted byte of `delim`, a newline, or the end of the string. Delimiters
/// following the field are skipped.
pub fn strsepq(buf: &mut [u8], delim: &[u8]) -> SepStep {
    let is_delim = |c: u8| c != 0 && delim.contains(&c);
    let end = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
    let at = |buf: &[u8], i: usize| if i < end { buf[i] } else { 0 };

    let mut q = 0usize; // read position
    let mut r = 0usize; // write position
    let mut quote = 0u8;
    let mut escaped = false;
    loop {
        let c = at(buf, q);
        if c == 0 || c == b'\n' {
            break;
        }
        if escaped {
            escaped = false;
            buf[r] = c;
            r += 1;
            q += 1;
            continue;
        }
        if quote != 0 {
            q += 1;
            if quote == b'"' && c == b'\\' {
                escaped = true;
            } else if c == quote {
                quote = 0;
            } else {
                buf[r] = c;
                r += 1;
            }
            continue;
        }
        if c == b'\\' {
            escaped = true;
            q += 1;
            continue;
        }
        if c == b'"' || c == b'\'' {
            quote = c;
            q += 1;
            continue;
        }
        q += 1;
        if is_delim(c) {
            break;
        }
        buf[r] = c;
        r += 1;
    }
    // r <= q <= end, and buf[end] is the terminator slot when it exists.
    if r < buf.len() {
        buf[r] = 0;
    }
    // The terminator just written may be the byte at q (when nothing was
    // unescaped before a newline), so buf[q] is read again rather than
    // remembered: that newline then ends the whole string, as in SPDK.
    while q < end && is_delim(buf[q]) {
        q += 1;
    }
    SepStep {
        next: if q < end && buf[q] != 0 {
            Some(q)
        } else {
            None
        },
    }
}

/// Removes leading and trailing C-locale whitespace in place; `buf` is the
/// string without its terminator. Returns the new length (the caller writes
/// the terminator).
pub fn str_trim(buf: &mut [u8]) -> usize {
    let start = buf
        .iter()
        .position(|&c| !is_c_space(c))
        .unwrap_or(buf.len());
    let stop = buf
        .iter()
        .rposition(|&c| !is_c_space(c))
        .map_or(start, |i| i + 1);
    let len = stop.saturating_sub(start);
    buf.copy_within(start..start + len, 0);
    len
}

/// Number of trailing `\r` / `\n` bytes of `s` (the string without its
/// terminator): what `spdk_str_chomp()` removes.
pub fn chomp_len(s: &[u8]) -> usize {
    s.iter()
        .rev()
        .take_while(|&&c| c == b'\r' || c == b'\n')
        .count()
}

/// Copies `src` into `dst`, filling what is left of `dst` with `pad`; `src`
/// is truncated to `dst.len()` bytes.
pub fn strcpy_pad(dst: &mut [u8], src: &[u8], pad: u8) {
    let n = src.len().min(dst.len());
    dst[..n].copy_from_slice(&src[..n]);
    dst[n..].fill(pad);
}

/// Length of `s` once the trailing run of `pad` bytes is dropped.
pub fn strlen_pad(s: &[u8], pad: u8) -> usize {
    s.iter().rposition(|&c| c != pad).map_or(0, |i| i + 1)
}

/// Whether every byte of `data` is zero.
pub fn mem_all_zero(data: &[u8]) -> bool {
    // Compare word-sized chunks first; the tail bytes one at a time.
    let (head, words, tail) = unsafe { data.align_to::<u64>() };
    head.iter().all(|&b| b == 0) && words.iter().all(|&w| w == 0) && tail.iter().all(|&b| b == 0)
}

/// Where the host and port of an address string are, as found by
/// [`parse_ip_addr`]. Offsets are into the buffer passed in.
#[derive(Debug, PartialEq, Eq)]
pub struct HostPort {
    pub host: Option<usize>,
    pub port: Option<usize>,
}

/// Splits `host[:port]` or `[ipv6-host][:port]` in place, writing NUL
/// terminators. `buf` is the string *with* its terminating NUL. On error the
/// partial result is returned too, because SPDK reports a host it already
/// found even when the rest is malformed.
pub fn parse_ip_addr(buf: &mut [u8]) -> Result<HostPort, HostPort> {
    let end = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
    let at = |buf: &[u8], i: usize| if i < end { buf[i] } else { 0 };
    if at(buf, 0) == b'[' {
        let Some(close) = buf[..end].iter().position(|&c| c == b']') else {
            return Err(HostPort {
                host: None,
                port: None,
            });
        };
        buf[close] = 0;
        let host = Some(1);
        match at(buf, close + 1) {
            0 => return Ok(HostPort { host, port: None }),
            b':' => {}
            _ => return Err(HostPort { host, port: None }),
        }
        let port = close + 2;
        if at(buf, port) == 0 {
            return Ok(HostPort { host, port: None });
        }
        Ok(HostPort {
            host,
            port: Some(port),
        })
    } else {
        let Some(colon) = buf[..end].iter().position(|&c| c == b':') else {
            return Ok(HostPort {
                host: Some(0),
                port: None,
            });
        };
        buf[colon] = 0;
        let port = colon + 1;
        if at(buf, port) == 0 {
            return Ok(HostPort {
                host: Some(0),
                port: None,
            });
        }
        Ok(HostPort {
            host: Some(0),
            port: Some(port),
        })
    }
}

/// Parses a size such as `4096`, `128k`, `2M`, `1GB`: a decimal number
/// (after optional leading whitespace and `+`) optionally followed directly
/// by one of `kKmMgG` (binary multiples); anything after the prefix letter
/// is ignored, as in SPDK. Returns the value and whether a prefix was given.
///
/// Errors are negative errno values: `-EINVAL` for a string that does not
/// start with a number, a negative number or an unknown suffix, and
/// `-ERANGE` when the number or its scaled value does not fit in 64 bits.
pub fn parse_capacity(s: &[u8]) -> Result<(u64, bool), i32> {
    let mut i = s.iter().position(|&c| !is_c_space(c)).unwrap_or(s.len());
    match s.get(i) {
        Some(b'+') => i += 1,
        Some(b'-') => return Err(-libc::EINVAL),
        _ => {}
    }
    let digits = s[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return Err(-libc::EINVAL);
    }
    let mut value: u64 = 0;
    for &d in &s[i..i + digits] {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or(-libc::ERANGE)?;
    }
    let shift = match s.get(i + digits) {
        None | Some(0) => return Ok((value, false)),
        Some(b'k' | b'K') => 10,
        Some(b'm' | b'M') => 20,
        Some(b'g' | b'G') => 30,
        Some(_) => return Err(-libc::EINVAL),
    };
    if value.leading_zeros() < shift {
        return Err(-libc::ERANGE);
    }
    Ok((value << shift, true))
}

/// What `strtol()` found in a string: the value clamped to the target range
/// and how many bytes it consumed (0 when no number was found).
#[derive(Debug, PartialEq, Eq)]
struct StrtolResult {
    value: i64,
    consumed: usize,
    overflow: bool,
}

/// A re-implementation of C `strtol()` parsing for a 64-bit target type
/// (glibc semantics, without C23 `0b` prefixes). `Err(EINVAL)` for a bad
/// base, as strtol sets errno.
fn c_strtol(s: &[u8], base: u32) -> Result<StrtolResult, i32> {
    if base == 1 || base > 36 {
        return Err(libc::EINVAL);
    }
    let mut i = s.iter().position(|&c| !is_c_space(c)).unwrap_or(s.len());
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digit = |c: u8, base: u32| (c as char).to_digit(36).filter(|&d| d < base);
    let mut base = base;
    let has_hex_prefix = s.get(i) == Some(&b'0')
        && matches!(s.get(i + 1), Some(b'x' | b'X'))
        && s.get(i + 2).and_then(|&c| digit(c, 16)).is_some();
    if (base == 0 || base == 16) && has_hex_prefix {
        i += 2;
        base = 16;
    } else if base == 0 {
        base = if s.get(i) == Some(&b'0') { 8 } else { 10 };
    }
    let start = i;
    // Accumulate the magnitude as u128: 64 bits plus headroom.
    let mut magnitude: u128 = 0;
    let mut overflow = false;
    while let Some(d) = s.get(i).and_then(|&c| digit(c, base)) {
        if !overflow {
            magnitude = magnitude * u128::from(base) + u128::from(d);
            if magnitude > u128::from(u64::MAX) {
                overflow = true;
            }
        }
        i += 1;
    }
    if i == start {
        return Ok(StrtolResult {
            value: 0,
            consumed: 0,
            overflow: false,
        });
    }
    let value = if negative {
        if overflow || magnitude > u128::from(i64::MIN.unsigned_abs()) {
            overflow = true;
            i64::MIN
        } else {
            (magnitude as u64).wrapping_neg() as i64
        }
    } else if overflow || magnitude > i64::MAX as u128 {
        overflow = true;
        i64::MAX
    } else {
        magnitude as i64
    };
    Ok(StrtolResult {
        value,
        consumed: i,
        overflow,
    })
}

/// SPDK's checked `strtol()`: the whole string must be a non-negative
/// number in `base` (0 or 2..=36, with strtol's prefix rules). Returns the
/// value, or a negative errno: `-EINVAL` for trailing characters, no digits
/// or a bad base, `-ERANGE` for overflow or a negative number. An empty
/// string yields 0, as it does in SPDK.
pub fn strtol_checked(s: &[u8], base: i32) -> i64 {
    let Ok(base) = u32::try_from(base) else {
        return -i64::from(libc::EINVAL);
    };
    let r = match c_strtol(s, base) {
        Ok(r) => r,
        Err(e) => return -i64::from(e),
    };
    if r.overflow {
        return -i64::from(libc::ERANGE);
    }
    if r.consumed != s.len() {
        return -i64::from(libc::EINVAL);
    }
    if r.value < 0 {
        return -i64::from(libc::ERANGE);
    }
    r.value
}

/// The message of `errnum`, as `strerror()` gives it, or
/// `"Unknown error N"`.
pub fn strerror_message(errnum: i32) -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; the XSI variant (which the
    // libc crate binds on glibc) NUL-terminates on success.
    let rc = unsafe { libc::strerror_r(errnum, buf.as_mut_ptr().cast(), buf.len()) };
    if rc == 0 {
        let n = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
        if n > 0 {
            return String::from_utf8_lossy(&buf[..n]).into_owned();
        }
    }
    let mut s = String::new();
    let _ = write!(s, "Unknown error {errnum}");
    s
}

/// Copies `src` into `dst` like `snprintf(dst, len, "%s", src)`: truncated
/// to leave room for the terminator, always terminated when `dst` is not
/// empty.
pub fn copy_truncated(dst: &mut [u8], src: &[u8]) {
    if dst.is_empty() {
        return;
    }
    let n = src.len().min(dst.len() - 1);
    dst[..n].copy_from_slice(&src[..n]);
    dst[n] = 0;
}

/// Splits `s` at every byte found in `delim` (like repeated `strpbrk()`):
/// `n` delimiters always give `n + 1` items, empty ones included.
pub fn split_any<'a>(s: &'a [u8], delim: &[u8]) -> Vec<&'a [u8]> {
    s.split(|c| delim.contains(c)).collect()
}

/// Copies `src` with every non-overlapping occurrence of `search` (scanning
/// left to right) replaced by `replace`. An empty `search` leaves `src`
/// unchanged.
pub fn replace_all(src: &[u8], search: &[u8], replace: &[u8]) -> Vec<u8> {
    if search.is_empty() {
        return src.to_vec();
    }
    let mut out = Vec::with_capacity(src.len());
    let mut i = 0;
    while i < src.len() {
        if src[i..].starts_with(search) {
            out.extend_from_slice(replace);
            i += search.len();
        } else {
            out.push(src[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cstr(s: &str) -> Vec<u8> {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        v
    }

    fn field(buf: &[u8], at: usize) -> &str {
        let n = buf[at..].iter().position(|&c| c == 0).unwrap();
        std::str::from_utf8(&buf[at..at + n]).unwrap()
    }

    /// Runs strsepq over a whole string and collects the fields.
    fn sep_all(s: &str, delim: &str) -> Vec<String> {
        let mut buf = cstr(s);
        let mut out = Vec::new();
        let mut pos = Some(0);
        while let Some(p) = pos {
            let step = strsepq(&mut buf[p..], delim.as_bytes());
            out.push(field(&buf, p).to_string());
            pos = step.next.map(|n| n + p);
        }
        out
    }

    #[test]
    fn strsepq_quotes_and_escapes() {
        assert_eq!(sep_all("a b  c", " "), ["a", "b", "c"]);
        assert_eq!(sep_all("\"a b\" 'c d' e\\ f", " "), ["a b", "c d", "e f"]);
        assert_eq!(sep_all("\"x\\\"y\" z", " "), ["x\"y", "z"]);
        assert_eq!(sep_all("'x\\y'", " "), ["x\\y"]);
        assert_eq!(sep_all("", " "), [""]);
        assert_eq!(sep_all("a,b;c", ",;"), ["a", "b", "c"]);
        assert_eq!(sep_all("a b\nc", " "), ["a", "b"]);
        assert_eq!(sep_all("'a'\nc", " "), ["a", ""]);
        assert_eq!(sep_all("abc   ", " "), ["abc"]);
    }

    #[test]
    fn trim_and_chomp() {
        let mut b = *b"  hello world \t\n";
        let n = str_trim(&mut b);
        assert_eq!(&b[..n], b"hello world");
        let mut b = *b"   ";
        assert_eq!(str_trim(&mut b), 0);
        let mut b = *b"x";
        assert_eq!(str_trim(&mut b), 1);
        assert_eq!(chomp_len(b"abc\r\n\n"), 3);
        assert_eq!(chomp_len(b"abc"), 0);
        assert_eq!(chomp_len(b"\n"), 1);
        assert_eq!(chomp_len(b""), 0);
    }

    #[test]
    fn lowercase() {
        let mut b = *b"HeLLo-123\xc4";
        strlwr(&mut b);
        assert_eq!(&b, b"hello-123\xc4");
    }

    #[test]
    fn pad() {
        let mut d = [0u8; 8];
        strcpy_pad(&mut d, b"abc", b' ');
        assert_eq!(&d, b"abc     ");
        strcpy_pad(&mut d, b"0123456789", b' ');
        assert_eq!(&d, b"01234567");
        assert_eq!(strlen_pad(b"abc     ", b' '), 3);
        assert_eq!(strlen_pad(b"        ", b' '), 0);
        assert_eq!(strlen_pad(b"", b' '), 0);
        assert_eq!(strlen_pad(b" a", b' '), 2);
    }

    #[test]
    fn all_zero() {
        let mut v = vec![0u8; 1027];
        assert!(mem_all_zero(&v));
        assert!(mem_all_zero(&v[1..]));
        assert!(mem_all_zero(&[]));
        v[1026] = 1;
        assert!(!mem_all_zero(&v));
        assert!(!mem_all_zero(&v[3..]));
        v[1026] = 0;
        v[0] = 1;
        assert!(!mem_all_zero(&v));
    }

    #[test]
    fn ip_addr() {
        let mut b = cstr("192.168.0.1:4420");
        let r = parse_ip_addr(&mut b).unwrap();
        assert_eq!(field(&b, r.host.unwrap()), "192.168.0.1");
        assert_eq!(field(&b, r.port.unwrap()), "4420");

        let mut b = cstr("10.0.0.1");
        let r = parse_ip_addr(&mut b).unwrap();
        assert_eq!(field(&b, r.host.unwrap()), "10.0.0.1");
        assert_eq!(r.port, None);

        let mut b = cstr("10.0.0.1:");
        let r = parse_ip_addr(&mut b).unwrap();
        assert_eq!(field(&b, r.host.unwrap()), "10.0.0.1");
        assert_eq!(r.port, None);

        let mut b = cstr("[2001:db8::1]:4420");
        let r = parse_ip_addr(&mut b).unwrap();
        assert_eq!(field(&b, r.host.unwrap()), "2001:db8::1");
        assert_eq!(field(&b, r.port.unwrap()), "4420");

        let mut b = cstr("[::1]");
        let r = parse_ip_addr(&mut b).unwrap();
        assert_eq!(field(&b, r.host.unwrap()), "::1");
        assert_eq!(r.port, None);

        let mut b = cstr("[::1]:");
        assert_eq!(parse_ip_addr(&mut b).unwrap().port, None);
        let mut b = cstr("[::1");
        assert_eq!(
            parse_ip_addr(&mut b),
            Err(HostPort {
                host: None,
                port: None
            })
        );
        let mut b = cstr("[::1]x");
        assert_eq!(
            parse_ip_addr(&mut b),
            Err(HostPort {
                host: Some(1),
                port: None
            })
        );
    }

    #[test]
    fn capacity() {
        assert_eq!(parse_capacity(b"472"), Ok((472, false)));
        assert_eq!(
            parse_capacity(b"18446744073709551615"),
            Ok((u64::MAX, false))
        );
        assert_eq!(parse_capacity(b"18446744073709551616"), Err(-libc::ERANGE));
        assert_eq!(parse_capacity(b"12k"), Ok((12 << 10, true)));
        assert_eq!(parse_capacity(b"12KB"), Ok((12 << 10, true)));
        assert_eq!(parse_capacity(b"100M 512k"), Ok((100 << 20, true)));
        assert_eq!(parse_capacity(b"12k8K"), Ok((12 << 10, true)));
        assert_eq!(parse_capacity(b"4G"), Ok((4 << 30, true)));
        assert_eq!(parse_capacity(b" +7"), Ok((7, false)));
        assert_eq!(parse_capacity(b"G"), Err(-libc::EINVAL));
        assert_eq!(parse_capacity(b"darsto"), Err(-libc::EINVAL));
        assert_eq!(parse_capacity(b""), Err(-libc::EINVAL));
        assert_eq!(parse_capacity(b"12T"), Err(-libc::EINVAL));
        assert_eq!(parse_capacity(b"12 K"), Err(-libc::EINVAL));
        assert_eq!(parse_capacity(b"-1"), Err(-libc::EINVAL));
        assert_eq!(parse_capacity(b"17179869184G"), Err(-libc::ERANGE));
        assert_eq!(
            parse_capacity(b"17179869183G"),
            Ok((17179869183u64 << 30, true))
        );
    }

    #[test]
    fn strtol_like_spdk() {
        let e = |v: i32| -i64::from(v);
        assert_eq!(strtol_checked(b"no_digits", 10), e(libc::EINVAL));
        assert_eq!(strtol_checked(b"-9223372036854775809", 10), e(libc::ERANGE));
        assert_eq!(strtol_checked(b"-9223372036854775808", 10), e(libc::ERANGE));
        assert_eq!(strtol_checked(b"-9223372036854775807", 10), e(libc::ERANGE));
        assert_eq!(strtol_checked(b"9223372036854775806", 10), i64::MAX - 1);
        assert_eq!(strtol_checked(b"9223372036854775807", 10), i64::MAX);
        assert_eq!(strtol_checked(b"9223372036854775808", 10), e(libc::ERANGE));
        assert_eq!(
            strtol_checked(b"99999999999999999999999999999999x", 10),
            e(libc::ERANGE)
        );
        assert_eq!(strtol_checked(b"10_is_ten", 10), e(libc::EINVAL));
        assert_eq!(strtol_checked(b"ten_is_10", 10), e(libc::EINVAL));
        assert_eq!(strtol_checked(b"00000000", 10), 0);
        assert_eq!(strtol_checked(b"00000000", 1), e(libc::EINVAL));
        assert_eq!(strtol_checked(b"1", 37), e(libc::EINVAL));
        assert_eq!(strtol_checked(b"1", -1), e(libc::EINVAL));
        assert_eq!(strtol_checked(b"-0", 10), 0);
        assert_eq!(strtol_checked(b"", 10), 0);
        assert_eq!(strtol_checked(b"  42", 10), 42);
        assert_eq!(strtol_checked(b"42 ", 10), e(libc::EINVAL));
        assert_eq!(strtol_checked(b"+42", 10), 42);
        assert_eq!(strtol_checked(b"0x1f", 0), 31);
        assert_eq!(strtol_checked(b"0X1F", 16), 31);
        assert_eq!(strtol_checked(b"1f", 16), 31);
        assert_eq!(strtol_checked(b"017", 0), 15);
        assert_eq!(strtol_checked(b"019", 0), e(libc::EINVAL));
        assert_eq!(strtol_checked(b"0x", 16), e(libc::EINVAL));
        assert_eq!(strtol_checked(b"0x", 0), e(libc::EINVAL));
        assert_eq!(strtol_checked(b"zz", 36), 35 * 36 + 35);
        assert_eq!(strtol_checked(b"101", 2), 5);
        assert_eq!(strtol_checked(b"-5", 10), e(libc::ERANGE));
    }

    #[test]
    fn strerror_texts() {
        assert_eq!(strerror_message(libc::EINVAL), "Invalid argument");
        assert_eq!(strerror_message(0), "Success");
        assert!(strerror_message(123456).contains("123456"));
        let mut b = [0xffu8; 4];
        copy_truncated(&mut b, b"Invalid");
        assert_eq!(&b, b"Inv\0");
        let mut b: [u8; 0] = [];
        copy_truncated(&mut b, b"x");
    }

    #[test]
    fn split_and_replace() {
        assert_eq!(split_any(b"a,b;;c", b",;"), [&b"a"[..], b"b", b"", b"c"]);
        assert_eq!(split_any(b"", b","), [&b""[..]]);
        assert_eq!(split_any(b"abc", b""), [&b"abc"[..]]);
        assert_eq!(split_any(b",", b","), [&b""[..], b""]);
        assert_eq!(replace_all(b"aXbXXc", b"X", b"yy"), b"ayybyyyyc");
        assert_eq!(replace_all(b"aaaa", b"aa", b"b"), b"bb");
        assert_eq!(replace_all(b"abc", b"", b"zz"), b"abc");
        assert_eq!(replace_all(b"abc", b"abc", b""), b"");
    }
}
