//! The streaming JSON parser of spdk_json_parse(): one pass over a byte
//! buffer that records every token as a [`Val`] (type, offset, length),
//! optionally decoding string escapes in place.
//!
//! The parser is iterative (an explicit stack of at most
//! [`MAX_NESTING_DEPTH`] open containers), never reads outside the buffer
//! and never panics, whatever the input: it is meant for bytes read from a
//! socket.

use crate::utf;

/// What a parsed token is; the discriminants are SPDK's
/// `enum spdk_json_val_type` values (one bit each, so sets can be or-ed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum ValType {
    /// Not a value (also "any type" for searches).
    Invalid = 0,
    Null = 1 << 1,
    True = 1 << 2,
    False = 1 << 3,
    Number = 1 << 4,
    String = 1 << 5,
    ArrayBegin = 1 << 6,
    ArrayEnd = 1 << 7,
    ObjectBegin = 1 << 8,
    ObjectEnd = 1 << 9,
    /// An object member's name.
    Name = 1 << 10,
}

impl ValType {
    /// The type of a raw C value, None for values that are not a type.
    pub fn from_raw(v: u32) -> Option<ValType> {
        Some(match v {
            0 => ValType::Invalid,
            2 => ValType::Null,
            4 => ValType::True,
            8 => ValType::False,
            16 => ValType::Number,
            32 => ValType::String,
            64 => ValType::ArrayBegin,
            128 => ValType::ArrayEnd,
            256 => ValType::ObjectBegin,
            512 => ValType::ObjectEnd,
            1024 => ValType::Name,
            _ => return None,
        })
    }
}

/// The input is not JSON.
pub const PARSE_INVALID: i32 = -1;
/// The input is valid so far but ends before a complete value.
pub const PARSE_INCOMPLETE: i32 = -2;
/// Containers are nested deeper than [`MAX_NESTING_DEPTH`].
pub const PARSE_MAX_DEPTH_EXCEEDED: i32 = -3;

/// Decode strings and names in place (the buffer is modified).
pub const FLAG_DECODE_IN_PLACE: u32 = 1;
/// Accept `/* ... */` and `// ...` comments between tokens.
pub const FLAG_ALLOW_COMMENTS: u32 = 2;

/// How many arrays/objects may be open at once.
pub const MAX_NESTING_DEPTH: usize = 64;

/// One token of a parsed buffer.
///
/// For strings and names `start` is the offset of the first character
/// after the opening quote and `len` the decoded length in bytes; for
/// numbers and literals, their text; for `ArrayBegin`/`ObjectBegin`, `len`
/// is the number of values inside (nested ones included, the matching
/// `_END` excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Val {
    pub ty: ValType,
    pub start: usize,
    pub len: u32,
}

/// Receives the tokens of a parse. Index `idx` counts every token, also
/// those a bounded sink does not keep.
pub trait ValSink {
    /// Token number `idx` was found.
    fn add(&mut self, idx: usize, ty: ValType, start: usize, len: u32);
    /// The container opened by token `idx` holds `len` values.
    fn set_len(&mut self, idx: usize, len: u32);
}

/// Counts tokens only.
pub struct CountSink;

impl ValSink for CountSink {
    fn add(&mut self, _: usize, _: ValType, _: usize, _: u32) {}
    fn set_len(&mut self, _: usize, _: u32) {}
}

impl ValSink for Vec<Val> {
    fn add(&mut self, idx: usize, ty: ValType, start: usize, len: u32) {
        debug_assert_eq!(idx, self.len());
        self.push(Val { ty, start, len });
    }
    fn set_len(&mut self, idx: usize, len: u32) {
        if let Some(v) = self.get_mut(idx) {
            v.len = len;
        }
    }
}

/// The outcome of [`parse_into`]: the number of tokens or one of the
/// negative `PARSE_*` codes, and the offset where parsing stopped (after
/// the value and its trailing whitespace on success).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOutcome {
    pub result: Result<usize, i32>,
    pub end: usize,
}

fn hex_value(c: u8) -> Option<u32> {
    (c as char).to_digit(16)
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Reads `\uXXXX` (and its low-surrogate partner) at `pos`. Returns the
/// code point and the position after the escape(s).
fn unicode_escape(buf: &[u8], mut pos: usize) -> Result<(u32, usize), (i32, usize)> {
    let mut high: Option<u32> = None;
    loop {
        // backslash, 'u', four hex digits; each must also leave room for more
        if buf.get(pos) != Some(&b'\\') {
            return Err((PARSE_INVALID, pos));
        }
        pos += 1;
        match buf.get(pos) {
            None => return Err((PARSE_INCOMPLETE, pos)),
            Some(b'u') => pos += 1,
            Some(_) => return Err((PARSE_INVALID, pos)),
        }
        let mut v = 0u32;
        for _ in 0..4 {
            let Some(&c) = buf.get(pos) else {
                return Err((PARSE_INCOMPLETE, pos));
            };
            let Some(d) = hex_value(c) else {
                return Err((PARSE_INVALID, pos));
            };
            v = (v << 4) | d;
            pos += 1;
        }
        if pos >= buf.len() {
            // A string still needs at least its closing quote.
            return Err((PARSE_INCOMPLETE, pos));
        }
        match high {
            Some(h) => {
                if !utf::is_surrogate_low(v) {
                    return Err((PARSE_INVALID, pos));
                }
                return Ok((utf::surrogate_pair_decode(h, v), pos));
            }
            None if utf::is_surrogate_high(v) => high = Some(v),
            None if utf::is_surrogate_low(v) => return Err((PARSE_INVALID, pos)),
            None => return Ok((v, pos)),
        }
    }
}

/// Decodes the string whose opening quote is at `start`. Returns the
/// decoded length and the offset after the closing quote; when `in_place`,
/// the decoded bytes are written from `start + 1` on.
fn decode_string(
    buf: &mut [u8],
    start: usize,
    in_place: bool,
) -> Result<(usize, usize), (i32, usize)> {
    if buf.len() - start < 2 {
        return Err((PARSE_INCOMPLETE, start));
    }
    if buf[start] != b'"' {
        return Err((PARSE_INVALID, start + 1));
    }
    let mut pos = start + 1;
    let mut out = start + 1;
    while pos < buf.len() {
        let c = buf[pos];
        if c == b'"' {
            return Ok((out - start - 1, pos + 1));
        } else if c == b'\\' {
            let Some(&e) = buf.get(pos + 1) else {
                return Err((PARSE_INCOMPLETE, pos));
            };
            let simple = match e {
                b'b' => Some(0x08),
                b'f' => Some(0x0c),
                b'n' => Some(b'\n'),
                b'r' => Some(b'\r'),
                b't' => Some(b'\t'),
                b'/' => Some(b'/'),
                b'"' => Some(b'"'),
                b'\\' => Some(b'\\'),
                _ => None,
            };
            if let Some(s) = simple {
                if in_place {
                    buf[out] = s;
                }
                out += 1;
                pos += 2;
                continue;
            }
            let (cp, next) = unicode_escape(buf, pos)?;
            let mut enc = [0u8; 4];
            let n = utf::encode_utf8(cp, &mut enc).ok_or((PARSE_INVALID, pos))?;
            // The escape is 6 or 12 bytes long and produces at most 4, so
            // the output never overtakes the input.
            if in_place {
                buf[out..out + n].copy_from_slice(&enc[..n]);
            }
            out += n;
            pos = next;
        } else if c <= 0x1f {
            return Err((PARSE_INVALID, pos));
        } else {
            let n = match utf::utf8_char_len(&buf[pos..]) {
                Ok(n) => n,
                Err(utf::Utf8Error::Truncated) => return Err((PARSE_INCOMPLETE, pos)),
                Err(utf::Utf8Error::Invalid) => return Err((PARSE_INVALID, pos)),
            };
            if in_place && out != pos {
                buf.copy_within(pos..pos + n, out);
            }
            out += n;
            pos += n;
        }
    }
    Err((PARSE_INCOMPLETE, pos))
}

/// Checks the number starting at `start`; returns its length.
fn number_len(buf: &[u8], start: usize) -> Result<usize, i32> {
    #[derive(Clone, Copy)]
    enum S {
        First,
        IntFirstDigit,
        IntDigits,
        FracOrExp,
        FracFirstDigit,
        FracDigits,
        ExpSign,
        ExpFirstDigit,
        ExpDigits,
    }
    let mut p = start;
    let mut s = S::First;
    loop {
        let Some(&c) = buf.get(p) else {
            // End of input: accepting states are complete numbers.
            return match s {
                S::IntDigits | S::FracOrExp | S::FracDigits | S::ExpDigits => Ok(p - start),
                _ => Err(PARSE_INCOMPLETE),
            };
        };
        let next = match (s, c) {
            (S::First, b'1'..=b'9') => Some(S::IntDigits),
            (S::First, b'0') => Some(S::FracOrExp),
            (S::First, b'-') => Some(S::IntFirstDigit),
            (S::IntFirstDigit, b'0') => Some(S::FracOrExp),
            (S::IntFirstDigit, b'1'..=b'9') => Some(S::IntDigits),
            (S::IntDigits, b'0'..=b'9') => Some(S::IntDigits),
            (S::IntDigits | S::FracOrExp, b'.') => Some(S::FracFirstDigit),
            (S::IntDigits | S::FracOrExp | S::FracDigits, b'e' | b'E') => Some(S::ExpSign),
            (S::FracFirstDigit | S::FracDigits, b'0'..=b'9') => Some(S::FracDigits),
            (S::ExpSign, b'0'..=b'9') => Some(S::ExpDigits),
            (S::ExpSign, b'-' | b'+') => Some(S::ExpFirstDigit),
            (S::ExpFirstDigit | S::ExpDigits, b'0'..=b'9') => Some(S::ExpDigits),
            _ => None,
        };
        match next {
            Some(n) => {
                s = n;
                p += 1;
            }
            None => {
                return match s {
                    S::IntDigits | S::FracOrExp | S::FracDigits | S::ExpDigits => Ok(p - start),
                    _ => Err(PARSE_INVALID),
                };
            }
        }
    }
}

/// Length of the comment at `start` (which is a '/').
fn comment_len(buf: &[u8], start: usize) -> Result<usize, i32> {
    let rest = &buf[start..];
    if rest.len() < 2 {
        return Err(PARSE_INCOMPLETE);
    }
    match rest[1] {
        b'*' => rest[2..]
            .windows(2)
            .position(|w| w == b"*/")
            .map(|i| i + 4)
            .ok_or(PARSE_INCOMPLETE),
        b'/' => rest[2..]
            .iter()
            .position(|&c| c == b'\r' || c == b'\n')
            .map(|i| i + 2)
            .ok_or(PARSE_INCOMPLETE),
        _ => Err(PARSE_INVALID),
    }
}

/// Parses one JSON value (with surrounding whitespace) from the start of
/// `buf`, reporting its tokens to `sink`. See spdk_json_parse().
pub fn parse_into(buf: &mut [u8], flags: u32, sink: &mut dyn ValSink) -> ParseOutcome {
    #[derive(PartialEq, Eq, Clone, Copy)]
    enum St {
        Value,
        ValueSeparator,
        Name,
        NameSeparator,
        End,
    }
    let mut containers = [ValType::Invalid; MAX_NESTING_DEPTH];
    let mut con_value = [0usize; MAX_NESTING_DEPTH];
    let mut depth = 0usize;
    let mut cur = 0usize;
    let mut state = St::Value;
    let mut trailing_comma = false;
    let mut pos = 0usize;
    let in_place = flags & FLAG_DECODE_IN_PLACE != 0;

    macro_rules! fail {
        ($code:expr, $at:expr) => {
            return ParseOutcome {
                result: Err($code),
                end: $at,
            }
        };
    }
    let after_value = |depth: usize| {
        if depth > 0 {
            St::ValueSeparator
        } else {
            St::End
        }
    };

    while pos < buf.len() {
        let c = buf[pos];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
            b't' | b'f' | b'n' => {
                if state != St::Value {
                    fail!(PARSE_INVALID, pos);
                }
                let (lit, ty): (&[u8], ValType) = match c {
                    b't' => (b"true", ValType::True),
                    b'f' => (b"false", ValType::False),
                    _ => (b"null", ValType::Null),
                };
                let rest = &buf[pos..];
                if rest.len() < lit.len() {
                    // SPDK reports a short literal as incomplete as long
                    // as the buffer ends before its length.
                    fail!(PARSE_INCOMPLETE, pos);
                }
                if &rest[..lit.len()] != lit {
                    fail!(PARSE_INVALID, pos);
                }
                sink.add(cur, ty, pos, lit.len() as u32);
                cur += 1;
                pos += lit.len();
                state = after_value(depth);
                trailing_comma = false;
            }
            b'"' => {
                if state != St::Value && state != St::Name {
                    fail!(PARSE_INVALID, pos);
                }
                match decode_string(buf, pos, in_place) {
                    Ok((len, next)) => {
                        let ty = if state == St::Value {
                            ValType::String
                        } else {
                            ValType::Name
                        };
                        sink.add(cur, ty, pos + 1, len as u32);
                        cur += 1;
                        pos = next;
                        state = if state == St::Name {
                            St::NameSeparator
                        } else {
                            after_value(depth)
                        };
                        trailing_comma = false;
                    }
                    Err((code, at)) => fail!(code, at),
                }
            }
            b'-' | b'0'..=b'9' => {
                if state != St::Value {
                    fail!(PARSE_INVALID, pos);
                }
                match number_len(buf, pos) {
                    Ok(n) => {
                        sink.add(cur, ValType::Number, pos, n as u32);
                        cur += 1;
                        pos += n;
                        state = after_value(depth);
                        trailing_comma = false;
                    }
                    Err(code) => fail!(code, pos),
                }
            }
            b'{' | b'[' => {
                if state != St::Value {
                    fail!(PARSE_INVALID, pos);
                }
                if depth == MAX_NESTING_DEPTH {
                    fail!(PARSE_MAX_DEPTH_EXCEEDED, pos);
                }
                let ty = if c == b'{' {
                    state = St::Name;
                    ValType::ObjectBegin
                } else {
                    state = St::Value;
                    ValType::ArrayBegin
                };
                con_value[depth] = cur;
                containers[depth] = ty;
                depth += 1;
                sink.add(cur, ty, pos, 1);
                cur += 1;
                pos += 1;
                trailing_comma = false;
            }
            b'}' | b']' => {
                if trailing_comma || depth == 0 {
                    fail!(PARSE_INVALID, pos);
                }
                depth -= 1;
                let con_type = containers[depth];
                let con_start = con_value[depth];
                let (ok_state, want, end_ty) = if c == b'}' {
                    (
                        state == St::Name || state == St::ValueSeparator,
                        ValType::ObjectBegin,
                        ValType::ObjectEnd,
                    )
                } else {
                    (
                        state == St::Value || state == St::ValueSeparator,
                        ValType::ArrayBegin,
                        ValType::ArrayEnd,
                    )
                };
                if !ok_state || con_type != want {
                    fail!(PARSE_INVALID, pos);
                }
                sink.set_len(con_start, (cur - con_start - 1) as u32);
                sink.add(cur, end_ty, pos, 1);
                cur += 1;
                pos += 1;
                state = after_value(depth);
                trailing_comma = false;
            }
            b',' => {
                if state != St::ValueSeparator || depth == 0 {
                    fail!(PARSE_INVALID, pos);
                }
                pos += 1;
                state = if containers[depth - 1] == ValType::ArrayBegin {
                    St::Value
                } else {
                    St::Name
                };
                trailing_comma = true;
            }
            b':' => {
                if state != St::NameSeparator {
                    fail!(PARSE_INVALID, pos);
                }
                pos += 1;
                state = St::Value;
            }
            b'/' => {
                if flags & FLAG_ALLOW_COMMENTS == 0 {
                    fail!(PARSE_INVALID, pos);
                }
                match comment_len(buf, pos) {
                    Ok(n) => pos += n,
                    Err(code) => fail!(code, pos),
                }
            }
            _ => fail!(PARSE_INVALID, pos),
        }
        if state == St::End {
            break;
        }
    }
    if state != St::End {
        fail!(PARSE_INCOMPLETE, pos);
    }
    while pos < buf.len() && is_ws(buf[pos]) {
        pos += 1;
    }
    ParseOutcome {
        result: Ok(cur),
        end: pos,
    }
}

/// A parsed buffer: its (decoded) bytes and tokens.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub buf: Vec<u8>,
    pub vals: Vec<Val>,
    /// Offset after the value and its trailing whitespace.
    pub end: usize,
}

impl Parsed {
    /// The bytes of token `i` (decoded text for strings and names).
    pub fn bytes(&self, i: usize) -> &[u8] {
        let v = &self.vals[i];
        match v.ty {
            ValType::String | ValType::Name | ValType::Number => {
                &self.buf[v.start..v.start + v.len as usize]
            }
            _ => &[],
        }
    }
}

/// Parses the first JSON value of `input` (decoding strings), for Rust
/// callers. Errors are the negative `PARSE_*` codes.
pub fn parse(input: &[u8], flags: u32) -> Result<Parsed, i32> {
    let mut buf = input.to_vec();
    let mut vals = Vec::new();
    let out = parse_into(&mut buf, flags | FLAG_DECODE_IN_PLACE, &mut vals);
    out.result.map(|_| Parsed {
        buf,
        vals,
        end: out.end,
    })
}
