//! The JSON writer behind spdk_json_write_*(): output is produced in chunks
//! of up to [`WRITE_BUF_SIZE`] bytes and handed to a sink (the C
//! `write_cb`), byte for byte as SPDK's writer formats it: compact, or with
//! [`FLAG_FORMATTED`] two-space indentation and `": "` after names; strings
//! escape `"` `\` and control characters, and every non-ASCII character as
//! `\uXXXX` (surrogate pairs above U+FFFF); doubles as `%.20e`.

use std::io::Write as _;

use crate::parse::{Val, ValType};
use crate::utf;

/// Pretty-print (newlines and two-space indentation).
pub const FLAG_FORMATTED: u32 = 1;

/// Output is buffered in chunks of this size before the sink sees it.
pub const WRITE_BUF_SIZE: usize = 4096;

/// A write failed (the sink refused data, a string was not UTF-8, or the
/// structure was unbalanced). The writer remembers it: [`JsonWriter::end`]
/// fails too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteError;

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON write failed")
    }
}

impl std::error::Error for WriteError {}

pub type WriteResult = Result<(), WriteError>;

/// Where the writer's output goes: returns 0 on success, anything else
/// fails the writer (the C `spdk_json_write_cb`).
pub type Sink<'a> = Box<dyn FnMut(&[u8]) -> i32 + 'a>;

/// An SPDK-compatible JSON writer.
pub struct JsonWriter<'a> {
    sink: Sink<'a>,
    flags: u32,
    indent: u32,
    new_indent: bool,
    first_value: bool,
    failed: bool,
    filled: usize,
    buf: Box<[u8; WRITE_BUF_SIZE]>,
}

impl<'a> JsonWriter<'a> {
    /// A writer that hands its output to `sink`; `flags` is 0 or
    /// [`FLAG_FORMATTED`].
    pub fn new(sink: Sink<'a>, flags: u32) -> JsonWriter<'a> {
        JsonWriter {
            sink,
            flags,
            indent: 0,
            new_indent: false,
            first_value: true,
            failed: false,
            filled: 0,
            buf: Box::new([0; WRITE_BUF_SIZE]),
        }
    }

    /// Whether a write has failed since the start or the last reset.
    pub fn failed(&self) -> bool {
        self.failed
    }

    fn fail(&mut self) -> WriteResult {
        self.failed = true;
        Err(WriteError)
    }

    fn flush(&mut self) -> WriteResult {
        let n = self.filled;
        if (self.sink)(&self.buf[..n]) != 0 {
            return self.fail();
        }
        self.filled = 0;
        Ok(())
    }

    /// Flushes what is buffered (the sink is called even with nothing) and
    /// reports whether anything failed.
    pub fn end(mut self) -> WriteResult {
        let failed = self.failed;
        let r = self.flush();
        if failed || r.is_err() {
            Err(WriteError)
        } else {
            Ok(())
        }
    }

    /// Forgets buffered output, the failure flag and the nesting state.
    pub fn reset(&mut self) {
        self.filled = 0;
        self.failed = false;
        self.first_value = true;
        self.new_indent = false;
        self.indent = 0;
    }

    fn emit(&mut self, mut data: &[u8]) -> WriteResult {
        loop {
            let room = WRITE_BUF_SIZE - self.filled;
            if data.len() <= room {
                self.buf[self.filled..self.filled + data.len()].copy_from_slice(data);
                self.filled += data.len();
                return Ok(());
            }
            self.buf[self.filled..].copy_from_slice(&data[..room]);
            self.filled = WRITE_BUF_SIZE;
            data = &data[room..];
            self.flush()?;
        }
    }

    fn formatted(&self) -> bool {
        self.flags & FLAG_FORMATTED != 0
    }

    fn emit_fmt(&mut self, data: &[u8]) -> WriteResult {
        if self.formatted() {
            self.emit(data)
        } else {
            Ok(())
        }
    }

    fn emit_indent(&mut self) -> WriteResult {
        if self.formatted() {
            for _ in 0..self.indent {
                self.emit(b"  ")?;
            }
        }
        Ok(())
    }

    fn begin_value(&mut self) -> WriteResult {
        let r = self.begin_value_inner();
        if r.is_err() {
            self.failed = true;
        }
        r
    }

    fn begin_value_inner(&mut self) -> WriteResult {
        if self.new_indent {
            self.emit_fmt(b"\n")?;
            self.emit_indent()?;
        }
        if !self.first_value {
            self.emit(b",")?;
            self.emit_fmt(b"\n")?;
            self.emit_indent()?;
        }
        self.first_value = false;
        self.new_indent = false;
        Ok(())
    }

    /// Writes `data` as a value, unchecked.
    pub fn val_raw(&mut self, data: &[u8]) -> WriteResult {
        self.begin_value()?;
        self.emit(data)
    }

    pub fn null(&mut self) -> WriteResult {
        self.val_raw(b"null")
    }

    pub fn bool(&mut self, v: bool) -> WriteResult {
        self.val_raw(if v { b"true" } else { b"false" })
    }

    fn display(&mut self, v: impl std::fmt::Display) -> WriteResult {
        let mut tmp = [0u8; 48];
        let mut cur = std::io::Cursor::new(&mut tmp[..]);
        if write!(cur, "{v}").is_err() {
            self.begin_value()?;
            return self.fail();
        }
        let n = cur.position() as usize;
        self.val_raw(&tmp[..n])
    }

    pub fn uint64(&mut self, v: u64) -> WriteResult {
        self.display(v)
    }

    pub fn int64(&mut self, v: i64) -> WriteResult {
        self.display(v)
    }

    /// Writes the 128-bit unsigned number `high << 64 | low`.
    pub fn uint128(&mut self, low: u64, high: u64) -> WriteResult {
        self.display(((high as u128) << 64) | low as u128)
    }

    /// Writes `v` like printf's `%.20e` (so also `inf` and `nan`).
    pub fn double(&mut self, v: f64) -> WriteResult {
        let mut tmp = [0u8; 64];
        // SAFETY: the format is NUL-terminated and consumes one double;
        // snprintf writes at most tmp.len() bytes.
        let n = unsafe {
            libc::snprintf(
                tmp.as_mut_ptr().cast(),
                tmp.len(),
                c"%.20e".as_ptr(),
                v as libc::c_double,
            )
        };
        if n <= 0 || n as usize >= 32 {
            self.begin_value()?;
            return self.fail();
        }
        self.val_raw(&tmp[..n as usize])
    }

    fn codepoint(&mut self, c: u32) -> WriteResult {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let esc = match c {
            0x08 => Some(b'b'),
            0x0c => Some(b'f'),
            0x0a => Some(b'n'),
            0x0d => Some(b'r'),
            0x09 => Some(b't'),
            0x22 => Some(b'"'),
            0x5c => Some(b'\\'),
            _ => None,
        };
        if let Some(e) = esc {
            return self.emit(&[b'\\', e]);
        }
        if (0x20..0x7F).contains(&c) {
            return self.emit(&[c as u8]);
        }
        let u4 = |v: u16| -> [u8; 6] {
            [
                b'\\',
                b'u',
                HEX[(v >> 12) as usize & 15],
                HEX[(v >> 8) as usize & 15],
                HEX[(v >> 4) as usize & 15],
                HEX[v as usize & 15],
            ]
        };
        if c < 0x10000 {
            self.emit(&u4(c as u16))
        } else {
            let (h, l) = utf::surrogate_pair_encode(c);
            self.emit(&u4(h))?;
            self.emit(&u4(l))
        }
    }

    fn string_or_name(&mut self, s: &[u8]) -> WriteResult {
        self.emit(b"\"")?;
        let mut p = 0;
        while p < s.len() {
            let Ok(n) = utf::utf8_char_len(&s[p..]) else {
                return self.fail();
            };
            let c = utf::utf8_decode(&s[p..p + n]);
            if self.codepoint(c).is_err() {
                return self.fail();
            }
            p += n;
        }
        self.emit(b"\"")
    }

    /// Writes a string value from UTF-8 bytes (fails on invalid UTF-8).
    pub fn string(&mut self, s: impl AsRef<[u8]>) -> WriteResult {
        self.begin_value()?;
        self.string_or_name(s.as_ref())
    }

    /// Writes a string value from UTF-16LE code units.
    pub fn string_utf16le(&mut self, s: &[u16]) -> WriteResult {
        self.begin_value()?;
        self.emit(b"\"")?;
        let mut i = 0;
        while i < s.len() {
            let hi = u16::from_le(s[i]) as u32;
            let c = if utf::is_surrogate_high(hi) {
                let Some(&lo) = s.get(i + 1) else {
                    return self.fail();
                };
                let lo = u16::from_le(lo) as u32;
                if !utf::is_surrogate_low(lo) {
                    return self.fail();
                }
                i += 2;
                utf::surrogate_pair_decode(hi, lo)
            } else if utf::is_surrogate_low(hi) {
                return self.fail();
            } else {
                i += 1;
                hi
            };
            if self.codepoint(c).is_err() {
                return self.fail();
            }
        }
        self.emit(b"\"")
    }

    /// Writes bytes as a string of upper-case hex digit pairs.
    pub fn bytearray(&mut self, b: &[u8]) -> WriteResult {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut s = Vec::with_capacity(b.len() * 2);
        for &x in b {
            s.push(HEX[(x >> 4) as usize]);
            s.push(HEX[(x & 15) as usize]);
        }
        self.string(&s)
    }

    /// Writes a UUID in its lower-case text form.
    pub fn uuid(&mut self, u: &[u8; 16]) -> WriteResult {
        let text = spdk_util::uuid::format_lower(u);
        let n = text.iter().position(|&c| c == 0).unwrap_or(text.len());
        self.string(&text[..n])
    }

    fn container_begin(&mut self, open: &[u8]) -> WriteResult {
        self.begin_value()?;
        self.first_value = true;
        self.new_indent = true;
        self.indent += 1;
        if self.emit(open).is_err() {
            return self.fail();
        }
        Ok(())
    }

    fn container_end(&mut self, close: &[u8]) -> WriteResult {
        self.first_value = false;
        if self.indent == 0 {
            return self.fail();
        }
        self.indent -= 1;
        if !self.new_indent && (self.emit_fmt(b"\n").is_err() || self.emit_indent().is_err()) {
            return self.fail();
        }
        self.new_indent = false;
        self.emit(close)
    }

    pub fn array_begin(&mut self) -> WriteResult {
        self.container_begin(b"[")
    }

    pub fn array_end(&mut self) -> WriteResult {
        self.container_end(b"]")
    }

    pub fn object_begin(&mut self) -> WriteResult {
        self.container_begin(b"{")
    }

    pub fn object_end(&mut self) -> WriteResult {
        self.container_end(b"}")
    }

    /// Writes an object member's name; the next write is its value.
    pub fn name(&mut self, name: impl AsRef<[u8]>) -> WriteResult {
        self.begin_value()?;
        if self.string_or_name(name.as_ref()).is_err() {
            return self.fail();
        }
        self.first_value = true;
        if self.emit(b":").is_err() {
            return self.fail();
        }
        self.emit_fmt(b" ")
    }

    /// `name` then `f(self)`: the `spdk_json_write_named_*` pattern.
    pub fn named(
        &mut self,
        name: impl AsRef<[u8]>,
        f: impl FnOnce(&mut Self) -> WriteResult,
    ) -> WriteResult {
        self.name(name)?;
        f(self)
    }

    pub fn named_string(&mut self, name: &str, v: impl AsRef<[u8]>) -> WriteResult {
        self.name(name)?;
        self.string(v)
    }

    pub fn named_uint64(&mut self, name: &str, v: u64) -> WriteResult {
        self.name(name)?;
        self.uint64(v)
    }

    pub fn named_int64(&mut self, name: &str, v: i64) -> WriteResult {
        self.name(name)?;
        self.int64(v)
    }

    pub fn named_bool(&mut self, name: &str, v: bool) -> WriteResult {
        self.name(name)?;
        self.bool(v)
    }

    pub fn named_null(&mut self, name: &str) -> WriteResult {
        self.name(name)?;
        self.null()
    }

    pub fn named_object_begin(&mut self, name: &str) -> WriteResult {
        self.name(name)?;
        self.object_begin()
    }

    pub fn named_array_begin(&mut self, name: &str) -> WriteResult {
        self.name(name)?;
        self.array_begin()
    }

    /// Writes one parsed token (`bytes` is its text, see [`Val`]).
    pub fn token(&mut self, ty: ValType, bytes: &[u8]) -> WriteResult {
        match ty {
            ValType::Number => self.val_raw(bytes),
            ValType::String => self.string(bytes),
            ValType::Name => self.name(bytes),
            ValType::True => self.bool(true),
            ValType::False => self.bool(false),
            ValType::Null => self.null(),
            ValType::ArrayBegin => self.array_begin(),
            ValType::ObjectBegin => self.object_begin(),
            ValType::ArrayEnd => self.array_end(),
            ValType::ObjectEnd => self.object_end(),
            ValType::Invalid => self.fail(),
        }
    }

    /// Writes the value starting at `vals[0]` (a whole container with its
    /// contents), whose text lives in `buf`.
    pub fn write_vals(&mut self, buf: &[u8], vals: &[Val]) -> WriteResult {
        let Some(first) = vals.first() else {
            return self.fail();
        };
        let count = match first.ty {
            ValType::ArrayBegin | ValType::ObjectBegin => first.len as usize + 2,
            _ => 1,
        };
        if count > vals.len() {
            return self.fail();
        }
        for v in &vals[..count] {
            let bytes = match v.ty {
                ValType::String | ValType::Name | ValType::Number => {
                    match buf.get(v.start..v.start.saturating_add(v.len as usize)) {
                        Some(b) => b,
                        None => return self.fail(),
                    }
                }
                _ => &[],
            };
            if self.token(v.ty, bytes).is_err() {
                return self.fail();
            }
        }
        Ok(())
    }

    /// Writes a serde_json value (integers as integers, other numbers like
    /// [`JsonWriter::double`], object members in map order).
    pub fn value(&mut self, v: &serde_json::Value) -> WriteResult {
        use serde_json::Value;
        match v {
            Value::Null => self.null(),
            Value::Bool(b) => self.bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    self.uint64(u)
                } else if let Some(i) = n.as_i64() {
                    self.int64(i)
                } else {
                    self.double(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => self.string(s),
            Value::Array(a) => {
                self.array_begin()?;
                for x in a {
                    self.value(x)?;
                }
                self.array_end()
            }
            Value::Object(m) => {
                self.object_begin()?;
                for (k, x) in m {
                    self.name(k)?;
                    self.value(x)?;
                }
                self.object_end()
            }
        }
    }
}

/// Formats `v` as SPDK's writer would (`formatted`: with
/// [`FLAG_FORMATTED`]).
pub fn to_string(v: &serde_json::Value, formatted: bool) -> Result<String, WriteError> {
    let mut out = Vec::new();
    {
        let mut w = JsonWriter::new(
            Box::new(|d: &[u8]| {
                out.extend_from_slice(d);
                0
            }),
            if formatted { FLAG_FORMATTED } else { 0 },
        );
        w.value(v)?;
        w.end()?;
    }
    String::from_utf8(out).map_err(|_| WriteError)
}
