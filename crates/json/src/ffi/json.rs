//! The C ABI of include/spdk/json.h: parsing, decoding and writing JSON.

#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr;

use spdk_util::ffi::uuid::spdk_uuid;

use crate::number;
use crate::parse::{self, ValSink, ValType};
use crate::write::JsonWriter;

spdk_log::log_flag!(static LOG_JSON_UTIL = "json_util");

/// The kind of a parsed JSON token. Values are single bits so that a set of
/// types (as taken by spdk_json_find()) is their bitwise or.
#[repr(C)]
pub enum spdk_json_val_type {
    SPDK_JSON_VAL_INVALID = 0,
    SPDK_JSON_VAL_NULL = 1 << 1,
    SPDK_JSON_VAL_TRUE = 1 << 2,
    SPDK_JSON_VAL_FALSE = 1 << 3,
    SPDK_JSON_VAL_NUMBER = 1 << 4,
    SPDK_JSON_VAL_STRING = 1 << 5,
    SPDK_JSON_VAL_ARRAY_BEGIN = 1 << 6,
    SPDK_JSON_VAL_ARRAY_END = 1 << 7,
    SPDK_JSON_VAL_OBJECT_BEGIN = 1 << 8,
    SPDK_JSON_VAL_OBJECT_END = 1 << 9,
    SPDK_JSON_VAL_NAME = 1 << 10,
}

/// `enum spdk_json_val_type` as C stores it (any bit pattern is readable).
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct JsonValTypeArg(pub u32);

impl JsonValTypeArg {
    fn get(self) -> ValType {
        ValType::from_raw(self.0).unwrap_or(ValType::Invalid)
    }
}

/// One token of parsed JSON.
#[repr(C)]
pub struct spdk_json_val {
    /// Where the token is in the parsed buffer. Strings and names: their
    /// first (decoded) character after the opening quote. Numbers: their
    /// text. Arrays and objects: the opening bracket or brace.
    pub start: *mut c_void,
    /// Strings, names and numbers: length in bytes at `start`.
    /// `_BEGIN` tokens: how many tokens the container holds (nested ones
    /// included, its `_END` excluded), so its `_END` is `len + 1` tokens on.
    pub len: u32,
    /// What the token is.
    pub r#type: JsonValTypeArg,
}

/// spdk_json_parse(): the input is not valid JSON.
pub const SPDK_JSON_PARSE_INVALID: c_int = -1;
/// spdk_json_parse(): the input ends before a complete value.
pub const SPDK_JSON_PARSE_INCOMPLETE: c_int = -2;
/// spdk_json_parse(): arrays/objects nest deeper than 64 levels.
pub const SPDK_JSON_PARSE_MAX_DEPTH_EXCEEDED: c_int = -3;
/// Parse flag: decode strings and names in the input buffer itself.
pub const SPDK_JSON_PARSE_FLAG_DECODE_IN_PLACE: u32 = 1;
/// Parse flag: accept C and C++ style comments (not standard JSON).
pub const SPDK_JSON_PARSE_FLAG_ALLOW_COMMENTS: u32 = 2;
/// Writer flag: indent the output (two spaces a level, a space after ':').
pub const SPDK_JSON_WRITE_FLAG_FORMATTED: u32 = 1;

/// Decodes one value into `out`; returns 0 on success.
pub type spdk_json_decode_fn =
    Option<unsafe extern "C" fn(val: *const spdk_json_val, out: *mut c_void) -> c_int>;

/// How spdk_json_decode_object() fills one member of a C struct.
#[repr(C)]
pub struct spdk_json_object_decoder {
    /// The member's name in the JSON object.
    pub name: *const c_char,
    /// Offset of the field in the output struct.
    pub offset: usize,
    /// Decodes the member's value into the field.
    pub decode_func: spdk_json_decode_fn,
    /// Whether the member may be absent.
    pub optional: bool,
}

/// A JSON writer (created by spdk_json_write_begin()).
pub struct spdk_json_write_ctx {
    _opaque: [u8; 0],
}

/// Receives the writer's output; returns 0 on success, anything else fails
/// the writer.
pub type spdk_json_write_cb =
    Option<unsafe extern "C" fn(cb_ctx: *mut c_void, data: *const c_void, size: usize) -> c_int>;

// ---------------------------------------------------------------------------
// Helpers shared with Rust callers (e.g. the jsonrpc crate).

/// The type of a token.
pub unsafe fn val_type(v: *const spdk_json_val) -> ValType {
    (*v).r#type.get()
}

/// The text of a string, name or number token (empty for the others).
pub unsafe fn val_bytes<'a>(v: *const spdk_json_val) -> &'a [u8] {
    let v = &*v;
    match v.r#type.get() {
        ValType::String | ValType::Name | ValType::Number if !v.start.is_null() => {
            std::slice::from_raw_parts(v.start as *const u8, v.len as usize)
        }
        _ => &[],
    }
}

/// Converts the value at `v` (with everything it contains) to a
/// `serde_json::Value`. `v` must point into an array of tokens as
/// spdk_json_parse() produces.
pub unsafe fn value_from_raw(
    v: *const spdk_json_val,
) -> Result<serde_json::Value, crate::ValueError> {
    if v.is_null() {
        return Err(crate::ValueError::Malformed);
    }
    let count = spdk_json_val_len(v);
    crate::value::build_value(count, |i| {
        let t = v.add(i);
        (val_type(t), val_bytes(t))
    })
}

/// Hands a Rust writer to C as a `struct spdk_json_write_ctx *`; release it
/// with spdk_json_write_end() or [`writer_from_raw`].
pub fn writer_into_raw(w: JsonWriter<'static>) -> *mut spdk_json_write_ctx {
    Box::into_raw(Box::new(w)).cast()
}

/// Takes back a writer made by [`writer_into_raw`] or spdk_json_write_begin().
pub unsafe fn writer_from_raw(w: *mut spdk_json_write_ctx) -> Option<Box<JsonWriter<'static>>> {
    if w.is_null() {
        None
    } else {
        Some(Box::from_raw(w.cast()))
    }
}

/// Borrows the writer behind a C pointer.
pub unsafe fn writer_mut<'a>(w: *mut spdk_json_write_ctx) -> Option<&'a mut JsonWriter<'static>> {
    (w as *mut JsonWriter<'static>).as_mut()
}

fn rc(r: crate::WriteResult) -> c_int {
    if r.is_ok() {
        0
    } else {
        -1
    }
}

unsafe fn cstr<'a>(s: *const c_char) -> Option<&'a [u8]> {
    if s.is_null() {
        None
    } else {
        Some(CStr::from_ptr(s).to_bytes())
    }
}

unsafe fn bytes<'a>(p: *const c_void, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        Some(&[])
    } else if p.is_null() {
        None
    } else {
        Some(std::slice::from_raw_parts(p as *const u8, len))
    }
}

// ---------------------------------------------------------------------------
// Parsing

struct CSink {
    base: *mut u8,
    values: *mut spdk_json_val,
    num: usize,
}

impl ValSink for CSink {
    fn add(&mut self, idx: usize, ty: ValType, start: usize, len: u32) {
        if !self.values.is_null() && idx < self.num {
            // SAFETY: idx < num, the caller's array length; start is an
            // offset inside the parsed buffer.
            unsafe {
                let v = &mut *self.values.add(idx);
                v.start = self.base.add(start).cast();
                v.len = len;
                v.r#type = JsonValTypeArg(ty as u32);
            }
        }
    }

    fn set_len(&mut self, idx: usize, len: u32) {
        if !self.values.is_null() && idx < self.num {
            // SAFETY: as above.
            unsafe { (*self.values.add(idx)).len = len }
        }
    }
}

/// Parses the JSON value at the start of `json` (`size` bytes; UTF-8).
///
/// Each token is stored in `values` while there is room (`num_values`
/// entries; `values` may be NULL to only count). With
/// SPDK_JSON_PARSE_FLAG_DECODE_IN_PLACE, string escapes are decoded in the
/// buffer itself; with SPDK_JSON_PARSE_FLAG_ALLOW_COMMENTS, comments are
/// skipped. When `end` is not NULL it receives the address after the value
/// and its trailing whitespace (or where parsing stopped).
///
/// \return the number of tokens (which may exceed `num_values`: then only
/// the first `num_values` were stored), SPDK_JSON_PARSE_INVALID,
/// SPDK_JSON_PARSE_INCOMPLETE when the data ends too early, or
/// SPDK_JSON_PARSE_MAX_DEPTH_EXCEEDED.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_parse(
    json: *mut c_void,
    size: usize,
    values: *mut spdk_json_val,
    num_values: usize,
    end: *mut *mut c_void,
    flags: u32,
) -> isize {
    if json.is_null() {
        if !end.is_null() {
            *end = json;
        }
        return if size == 0 {
            SPDK_JSON_PARSE_INCOMPLETE as isize
        } else {
            SPDK_JSON_PARSE_INVALID as isize
        };
    }
    let base = json as *mut u8;
    let buf = std::slice::from_raw_parts_mut(base, size);
    let mut sink = CSink {
        base,
        values,
        num: num_values,
    };
    let out = parse::parse_into(buf, flags, &mut sink);
    if !end.is_null() {
        *end = base.add(out.end).cast();
    }
    match out.result {
        Ok(n) => n as isize,
        Err(code) => code as isize,
    }
}

// ---------------------------------------------------------------------------
// Values

/// How many tokens the value at `val` spans: a container's contents plus
/// its _BEGIN and _END tokens, 1 for anything else, 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_val_len(val: *const spdk_json_val) -> usize {
    if val.is_null() {
        return 0;
    }
    match val_type(val) {
        ValType::ArrayBegin | ValType::ObjectBegin => (*val).len as usize + 2,
        _ => 1,
    }
}

/// Whether the string or name `val` equals the C string `str`.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_strequal(val: *const spdk_json_val, str: *const c_char) -> bool {
    if val.is_null() || str.is_null() {
        return false;
    }
    if !matches!(val_type(val), ValType::String | ValType::Name) {
        return false;
    }
    val_bytes(val) == CStr::from_ptr(str).to_bytes()
}

unsafe fn malloc_str(b: &[u8]) -> *mut c_char {
    let s = libc::malloc(b.len() + 1) as *mut u8;
    if s.is_null() {
        return ptr::null_mut();
    }
    ptr::copy_nonoverlapping(b.as_ptr(), s, b.len());
    *s.add(b.len()) = 0;
    s.cast()
}

/// Copies the string or name `val` into a new NUL-terminated string (free
/// it with free()). NULL when `val` is not a string, contains a NUL byte,
/// or memory is short.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_strdup(val: *const spdk_json_val) -> *mut c_char {
    if val.is_null() || !matches!(val_type(val), ValType::String | ValType::Name) {
        return ptr::null_mut();
    }
    let b = val_bytes(val);
    if b.contains(&0) {
        return ptr::null_mut();
    }
    malloc_str(b)
}

unsafe fn number_text<'a>(val: *const spdk_json_val) -> Result<&'a [u8], c_int> {
    if val.is_null() || val_type(val) != ValType::Number {
        return Err(-libc::EINVAL);
    }
    Ok(val_bytes(val))
}

/// Converts the number `val` to a `uint8_t` ("2e1" and "20.0" are 20).
///
/// \return 0 on success, -EINVAL when `val` is not a number, -ERANGE when
/// it is not an integer in range (`*num` is then unchanged).
#[no_mangle]
pub unsafe extern "C" fn spdk_json_number_to_uint8(
    val: *const spdk_json_val,
    num: *mut u8,
) -> c_int {
    match number_text(val) {
        Err(e) => e,
        Ok(_) if num.is_null() => -libc::EINVAL,
        Ok(text) => match number::to_unsigned(text, u8::MAX as u64) {
            Ok(v) => {
                *num = v as u8;
                0
            }
            Err(e) => e,
        },
    }
}

/// Converts the number `val` to a `uint16_t`.
///
/// \return 0 on success, -EINVAL when `val` is not a number, -ERANGE when
/// it is not an integer in range (`*num` is then unchanged).
#[no_mangle]
pub unsafe extern "C" fn spdk_json_number_to_uint16(
    val: *const spdk_json_val,
    num: *mut u16,
) -> c_int {
    match number_text(val) {
        Err(e) => e,
        Ok(_) if num.is_null() => -libc::EINVAL,
        Ok(text) => match number::to_unsigned(text, u16::MAX as u64) {
            Ok(v) => {
                *num = v as u16;
                0
            }
            Err(e) => e,
        },
    }
}

/// Converts the number `val` to a `uint32_t`.
///
/// \return 0 on success, -EINVAL when `val` is not a number, -ERANGE when
/// it is not an integer in range (`*num` is then unchanged).
#[no_mangle]
pub unsafe extern "C" fn spdk_json_number_to_uint32(
    val: *const spdk_json_val,
    num: *mut u32,
) -> c_int {
    match number_text(val) {
        Err(e) => e,
        Ok(_) if num.is_null() => -libc::EINVAL,
        Ok(text) => match number::to_unsigned(text, u32::MAX as u64) {
            Ok(v) => {
                *num = v as u32;
                0
            }
            Err(e) => e,
        },
    }
}

/// Converts the number `val` to a `uint64_t`.
///
/// \return 0 on success, -EINVAL when `val` is not a number, -ERANGE when
/// it is not an integer in range (`*num` is then unchanged).
#[no_mangle]
pub unsafe extern "C" fn spdk_json_number_to_uint64(
    val: *const spdk_json_val,
    num: *mut u64,
) -> c_int {
    match number_text(val) {
        Err(e) => e,
        Ok(_) if num.is_null() => -libc::EINVAL,
        Ok(text) => match number::to_unsigned(text, u64::MAX) {
            Ok(v) => {
                *num = v;
                0
            }
            Err(e) => e,
        },
    }
}

/// Converts the number `val` to an `int32_t`.
///
/// \return 0 on success, -EINVAL when `val` is not a number, -ERANGE when
/// it is not an integer in range.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_number_to_int32(
    val: *const spdk_json_val,
    num: *mut i32,
) -> c_int {
    let text = match number_text(val) {
        Ok(t) => t,
        Err(e) => return e,
    };
    if num.is_null() {
        return -libc::EINVAL;
    }
    match number::to_i32(text) {
        Ok(v) => {
            *num = v;
            0
        }
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------
// Decoders

unsafe fn decode_object(
    values: *const spdk_json_val,
    decoders: *const spdk_json_object_decoder,
    num_decoders: usize,
    out: *mut c_void,
    relaxed: bool,
) -> c_int {
    if values.is_null() || val_type(values) != ValType::ObjectBegin {
        return -1;
    }
    if decoders.is_null() && num_decoders > 0 {
        return -1;
    }
    let decs: &[spdk_json_object_decoder] = if num_decoders == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(decoders, num_decoders)
    };
    let mut seen = vec![false; num_decoders];
    let mut invalid = false;
    let total = (*values).len as usize;
    let mut i = 0usize;
    while i < total {
        let name = values.add(i + 1);
        let v = values.add(i + 2);
        let mut found = false;
        for (k, dec) in decs.iter().enumerate() {
            if !spdk_json_strequal(name, dec.name) {
                continue;
            }
            found = true;
            let dname = String::from_utf8_lossy(cstr(dec.name).unwrap_or_default());
            if seen[k] {
                invalid = true;
                spdk_log::debuglog!(LOG_JSON_UTIL, "Duplicate key '{}'", dname);
            } else {
                seen[k] = true;
                let field = (out as *mut u8).wrapping_add(dec.offset).cast::<c_void>();
                let ok = match dec.decode_func {
                    Some(f) => f(v, field) == 0,
                    None => false,
                };
                if !ok {
                    invalid = true;
                    spdk_log::debuglog!(LOG_JSON_UTIL, "Decoder failed to decode key '{}'", dname);
                }
            }
            break;
        }
        if !relaxed && !found {
            invalid = true;
            spdk_log::debuglog!(
                LOG_JSON_UTIL,
                "Decoder not found for key '{}'",
                String::from_utf8_lossy(val_bytes(name))
            );
        }
        i += 1 + spdk_json_val_len(v);
    }
    if decs.iter().zip(&seen).any(|(d, &s)| !d.optional && !s) {
        invalid = true;
    }
    if invalid {
        -1
    } else {
        0
    }
}

/// Decodes the object `values` into the struct at `out`, member by member
/// with `decoders`. Members without a decoder, duplicate members, failed
/// decoders and missing required members make it fail, after every
/// decodable member has been stored.
///
/// \return 0 on success, -1 on failure.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_decode_object(
    values: *const spdk_json_val,
    decoders: *const spdk_json_object_decoder,
    num_decoders: usize,
    out: *mut c_void,
) -> c_int {
    decode_object(values, decoders, num_decoders, out, false)
}

/// Like spdk_json_decode_object(), but members without a decoder are
/// ignored.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_decode_object_relaxed(
    values: *const spdk_json_val,
    decoders: *const spdk_json_object_decoder,
    num_decoders: usize,
    out: *mut c_void,
) -> c_int {
    decode_object(values, decoders, num_decoders, out, true)
}

/// Decodes the array `values` element by element with `decode_func` into
/// `out`, advancing `stride` bytes per element; `*out_size` receives the
/// number of elements.
///
/// \return 0 on success, -1 when `values` is not an array, an element fails
/// to decode, or there are more than `max_size` elements.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_decode_array(
    values: *const spdk_json_val,
    decode_func: spdk_json_decode_fn,
    out: *mut c_void,
    max_size: usize,
    out_size: *mut usize,
    stride: usize,
) -> c_int {
    if values.is_null() || val_type(values) != ValType::ArrayBegin || out_size.is_null() {
        return -1;
    }
    let Some(f) = decode_func else {
        return -1;
    };
    *out_size = 0;
    let total = (*values).len as usize;
    let mut field = out as *mut u8;
    let mut i = 0usize;
    while i < total {
        let v = values.add(i + 1);
        if *out_size == max_size {
            return -1;
        }
        if f(v, field.cast()) != 0 {
            return -1;
        }
        i += spdk_json_val_len(v);
        field = field.wrapping_add(stride);
        *out_size += 1;
    }
    0
}

/// Decodes `true`/`false` into the `bool` at `out`.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_decode_bool(
    val: *const spdk_json_val,
    out: *mut c_void,
) -> c_int {
    if val.is_null() || out.is_null() {
        return -1;
    }
    match val_type(val) {
        ValType::True => *(out as *mut bool) = true,
        ValType::False => *(out as *mut bool) = false,
        _ => return -1,
    }
    0
}

/// Decodes a number into the `uint8_t` at `out` (see spdk_json_number_to_uint8()).
#[no_mangle]
pub unsafe extern "C" fn spdk_json_decode_uint8(
    val: *const spdk_json_val,
    out: *mut c_void,
) -> c_int {
    spdk_json_number_to_uint8(val, out.cast())
}

/// Decodes a number into the `uint16_t` at `out`.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_decode_uint16(
    val: *const spdk_json_val,
    out: *mut c_void,
) -> c_int {
    spdk_json_number_to_uint16(val, out.cast())
}

/// Decodes a number into the `int32_t` at `out`.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_decode_int32(
    val: *const spdk_json_val,
    out: *mut c_void,
) -> c_int {
    spdk_json_number_to_int32(val, out.cast())
}

/// Decodes a number into the `uint32_t` at `out`.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_decode_uint32(
    val: *const spdk_json_val,
    out: *mut c_void,
) -> c_int {
    spdk_json_number_to_uint32(val, out.cast())
}

/// Decodes a number into the `uint64_t` at `out`.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_decode_uint64(
    val: *const spdk_json_val,
    out: *mut c_void,
) -> c_int {
    spdk_json_number_to_uint64(val, out.cast())
}

/// Decodes a string into the `char *` at `out`: the previous string there
/// is freed and replaced by a malloc()ed copy (NULL on failure).
///
/// \return 0 on success, -1 when `val` is not a string without NUL bytes.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_decode_string(
    val: *const spdk_json_val,
    out: *mut c_void,
) -> c_int {
    if out.is_null() {
        return -1;
    }
    let s = out as *mut *mut c_char;
    libc::free((*s).cast());
    *s = if val.is_null() {
        ptr::null_mut()
    } else {
        spdk_json_strdup(val)
    };
    if (*s).is_null() {
        -1
    } else {
        0
    }
}

/// Decodes a UUID string into the `struct spdk_uuid` at `out`.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_decode_uuid(
    val: *const spdk_json_val,
    out: *mut c_void,
) -> c_int {
    if val.is_null() || out.is_null() || val_type(val) != ValType::String {
        return -1;
    }
    let text = val_bytes(val);
    if text.contains(&0) {
        return -1;
    }
    match spdk_util::uuid::parse(text) {
        Some(b) => {
            (*(out as *mut spdk_uuid)).u.raw = b;
            0
        }
        None => -1,
    }
}

/// Releases what the decoders stored in `obj` (the strings of
/// spdk_json_decode_string(), for example) by running each decoder on an
/// invalid value.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_free_object(
    decoders: *const spdk_json_object_decoder,
    num_decoders: usize,
    obj: *mut c_void,
) {
    if decoders.is_null() || obj.is_null() {
        return;
    }
    let invalid = spdk_json_val {
        start: c"".as_ptr() as *mut c_void,
        len: 0,
        r#type: JsonValTypeArg(ValType::Invalid as u32),
    };
    for dec in std::slice::from_raw_parts(decoders, num_decoders) {
        if let Some(f) = dec.decode_func {
            f(&invalid, (obj as *mut u8).wrapping_add(dec.offset).cast());
        }
    }
}

// ---------------------------------------------------------------------------
// Navigation

unsafe fn json_first(object: *mut spdk_json_val, ty: ValType) -> *mut spdk_json_val {
    if object.is_null() || val_type(object) != ty {
        return ptr::null_mut();
    }
    object.add(1)
}

unsafe fn skip_container(val: *mut spdk_json_val) -> *mut spdk_json_val {
    let begin = val_type(val);
    let end = match begin {
        ValType::ObjectBegin => ValType::ObjectEnd,
        ValType::ArrayBegin => ValType::ArrayEnd,
        _ => return ptr::null_mut(),
    };
    let mut lvl = 1u32;
    let mut it = val.add(1);
    while lvl != 0 && val_type(it) != ValType::Invalid {
        let t = val_type(it);
        if t == begin {
            lvl += 1;
        } else if t == end {
            lvl -= 1;
        }
        it = it.add(1);
    }
    if lvl != 0 {
        spdk_log::debuglog!(
            LOG_JSON_UTIL,
            "Can't find end of object: lvl ({}) != 0",
            lvl
        );
        return ptr::null_mut();
    }
    it
}

/// The next member (name token) of an object or the next element of an
/// array after `pos`; NULL at the end of the container.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_next(pos: *mut spdk_json_val) -> *mut spdk_json_val {
    if pos.is_null() {
        return ptr::null_mut();
    }
    let next = match val_type(pos) {
        ValType::Name => {
            let v = pos.add(1);
            match val_type(v) {
                ValType::Name => return ptr::null_mut(),
                ValType::ArrayBegin | ValType::ObjectBegin => skip_container(v),
                ValType::ArrayEnd | ValType::ObjectEnd | ValType::Invalid => {
                    return ptr::null_mut()
                }
                _ => v.add(1),
            }
        }
        // SPDK returns the following token even when it closes the
        // container; the documented behaviour (NULL at the end) is kept here.
        ValType::Null | ValType::True | ValType::False | ValType::Number | ValType::String => {
            pos.add(1)
        }
        ValType::ArrayBegin | ValType::ObjectBegin => skip_container(pos),
        ValType::ArrayEnd | ValType::ObjectEnd | ValType::Invalid => return ptr::null_mut(),
    };
    if next.is_null() {
        return next;
    }
    match val_type(next) {
        ValType::ArrayEnd | ValType::ObjectEnd | ValType::Invalid => ptr::null_mut(),
        _ => next,
    }
}

/// Finds member `key_name` of `object` (not searching nested objects). When
/// `type` is not SPDK_JSON_VAL_ANY (0), the value's type must be one of its
/// bits. `key` and `val` (either may be NULL) receive the name and value.
///
/// \return 0 if found; -EINVAL on a duplicate key or NULL argument,
/// -ENOENT when absent, -EDOM on a type mismatch, -EPROTOTYPE when
/// `object` is not an object.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_find(
    object: *mut spdk_json_val,
    key_name: *const c_char,
    key: *mut *mut spdk_json_val,
    val: *mut *mut spdk_json_val,
    r#type: JsonValTypeArg,
) -> c_int {
    if object.is_null() || key_name.is_null() {
        return -libc::EINVAL;
    }
    if val_type(object) != ValType::ObjectBegin {
        return -libc::EPROTOTYPE;
    }
    let first = object.add(1);
    let mut k: *mut spdk_json_val = ptr::null_mut();
    let mut v: *mut spdk_json_val = ptr::null_mut();
    let mut it = first;
    while !it.is_null() {
        if val_type(it) == ValType::Name && spdk_json_strequal(it, key_name) {
            if !k.is_null() {
                spdk_log::debuglog!(LOG_JSON_UTIL, "Duplicate key");
                return -libc::EINVAL;
            }
            k = it;
            v = it.add(1);
            if r#type.0 != 0 && ((*v).r#type.0 & r#type.0) == 0 {
                return -libc::EDOM;
            }
        }
        it = spdk_json_next(it);
    }
    if !key.is_null() {
        *key = k;
    }
    if !val.is_null() {
        *val = v;
    }
    if v.is_null() {
        -libc::ENOENT
    } else {
        0
    }
}

/// spdk_json_find() for a string value.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_find_string(
    object: *mut spdk_json_val,
    key_name: *const c_char,
    key: *mut *mut spdk_json_val,
    val: *mut *mut spdk_json_val,
) -> c_int {
    spdk_json_find(
        object,
        key_name,
        key,
        val,
        JsonValTypeArg(ValType::String as u32),
    )
}

/// spdk_json_find() for an array value.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_find_array(
    object: *mut spdk_json_val,
    key_name: *const c_char,
    key: *mut *mut spdk_json_val,
    value: *mut *mut spdk_json_val,
) -> c_int {
    spdk_json_find(
        object,
        key_name,
        key,
        value,
        JsonValTypeArg(ValType::ArrayBegin as u32),
    )
}

/// The first member (its name token) of `object`; NULL when it is empty or
/// not an object.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_object_first(object: *mut spdk_json_val) -> *mut spdk_json_val {
    let first = json_first(object, ValType::ObjectBegin);
    if first.is_null() || val_type(first) == ValType::ObjectEnd {
        ptr::null_mut()
    } else {
        first
    }
}

/// The first element of `array_begin`; NULL when it is empty or not an
/// array.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_array_first(
    array_begin: *mut spdk_json_val,
) -> *mut spdk_json_val {
    let first = json_first(array_begin, ValType::ArrayBegin);
    if first.is_null() || val_type(first) == ValType::ArrayEnd {
        ptr::null_mut()
    } else {
        first
    }
}

// ---------------------------------------------------------------------------
// Writer

/// Starts writing JSON: output goes to `write_cb(cb_ctx, data, size)` in
/// chunks of up to 4 KiB. `flags` may be SPDK_JSON_WRITE_FLAG_FORMATTED.
///
/// \return the writer (finish it with spdk_json_write_end()), NULL when
/// `write_cb` is NULL or memory is short.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_begin(
    write_cb: spdk_json_write_cb,
    cb_ctx: *mut c_void,
    flags: u32,
) -> *mut spdk_json_write_ctx {
    let Some(cb) = write_cb else {
        return ptr::null_mut();
    };
    let sink = Box::new(move |d: &[u8]| {
        // SAFETY: calling the user's callback as documented.
        unsafe { cb(cb_ctx, d.as_ptr().cast(), d.len()) }
    });
    writer_into_raw(JsonWriter::new(sink, flags))
}

/// Flushes the output to the callback and frees the writer.
///
/// \return 0 when every write succeeded (or `w` is NULL), -1 otherwise.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_end(w: *mut spdk_json_write_ctx) -> c_int {
    match writer_from_raw(w) {
        None => 0,
        Some(w) => rc(w.end()),
    }
}

/// Discards unflushed output and the failure state: the writer starts over.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_reset(w: *mut spdk_json_write_ctx) {
    if let Some(w) = writer_mut(w) {
        w.reset();
    }
}

macro_rules! with_writer {
    ($w:expr, |$x:ident| $body:expr) => {
        match writer_mut($w) {
            Some($x) => rc($body),
            None => -1,
        }
    };
}

/// Writes `null`. Like every spdk_json_write_*() function, returns 0 on
/// success and -1 on failure (which spdk_json_write_end() reports too).
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_null(w: *mut spdk_json_write_ctx) -> c_int {
    with_writer!(w, |x| x.null())
}

/// Writes `true` or `false`.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_bool(w: *mut spdk_json_write_ctx, val: bool) -> c_int {
    with_writer!(w, |x| x.bool(val))
}

/// Writes an unsigned 8-bit number.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_uint8(w: *mut spdk_json_write_ctx, val: u8) -> c_int {
    with_writer!(w, |x| x.uint64(val as u64))
}

/// Writes an unsigned 16-bit number.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_uint16(w: *mut spdk_json_write_ctx, val: u16) -> c_int {
    with_writer!(w, |x| x.uint64(val as u64))
}

/// Writes a signed 32-bit number.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_int32(w: *mut spdk_json_write_ctx, val: i32) -> c_int {
    with_writer!(w, |x| x.int64(val as i64))
}

/// Writes an unsigned 32-bit number.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_uint32(w: *mut spdk_json_write_ctx, val: u32) -> c_int {
    with_writer!(w, |x| x.uint64(val as u64))
}

/// Writes a signed 64-bit number.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_int64(w: *mut spdk_json_write_ctx, val: i64) -> c_int {
    with_writer!(w, |x| x.int64(val))
}

/// Writes an unsigned 64-bit number.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_uint64(w: *mut spdk_json_write_ctx, val: u64) -> c_int {
    with_writer!(w, |x| x.uint64(val))
}

/// Writes the unsigned 128-bit number `high_val << 64 | low_val` in decimal.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_uint128(
    w: *mut spdk_json_write_ctx,
    low_val: u64,
    high_val: u64,
) -> c_int {
    with_writer!(w, |x| x.uint128(low_val, high_val))
}

/// Writes a double in `%.20e` notation.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_double(w: *mut spdk_json_write_ctx, val: f64) -> c_int {
    with_writer!(w, |x| x.double(val))
}

/// Writes the NUL-terminated UTF-8 string `val` as a JSON string (fails on
/// invalid UTF-8).
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_string(
    w: *mut spdk_json_write_ctx,
    val: *const c_char,
) -> c_int {
    match cstr(val) {
        Some(s) => with_writer!(w, |x| x.string(s)),
        None => -1,
    }
}

/// Writes `len` bytes of UTF-8 at `val` (NUL bytes included) as a string.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_string_raw(
    w: *mut spdk_json_write_ctx,
    val: *const c_char,
    len: usize,
) -> c_int {
    match bytes(val.cast(), len) {
        Some(s) => with_writer!(w, |x| x.string(s)),
        None => -1,
    }
}

/// Writes `len` bytes at `val` as a string of upper-case hex digit pairs.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_bytearray(
    w: *mut spdk_json_write_ctx,
    val: *const c_void,
    len: usize,
) -> c_int {
    match bytes(val, len) {
        Some(s) => with_writer!(w, |x| x.bytearray(s)),
        None => -1,
    }
}

/// Writes `uuid` as a lower-case UUID string.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_uuid(
    w: *mut spdk_json_write_ctx,
    uuid: *const spdk_uuid,
) -> c_int {
    match uuid.as_ref() {
        Some(u) => {
            let raw = u.u.raw;
            with_writer!(w, |x| x.uuid(&raw))
        }
        None => -1,
    }
}

/// Writes a NUL-terminated UTF-16LE string.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_string_utf16le(
    w: *mut spdk_json_write_ctx,
    val: *const u16,
) -> c_int {
    if val.is_null() {
        return -1;
    }
    let mut len = 0usize;
    while *val.add(len) != 0 {
        len += 1;
    }
    spdk_json_write_string_utf16le_raw(w, val, len)
}

/// Writes `len` UTF-16LE code units at `val` as a string.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_string_utf16le_raw(
    w: *mut spdk_json_write_ctx,
    val: *const u16,
    len: usize,
) -> c_int {
    let s: &[u16] = if len == 0 {
        &[]
    } else if val.is_null() {
        return -1;
    } else {
        std::slice::from_raw_parts(val, len)
    };
    with_writer!(w, |x| x.string_utf16le(s))
}

/// Opens an array.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_array_begin(w: *mut spdk_json_write_ctx) -> c_int {
    with_writer!(w, |x| x.array_begin())
}

/// Closes the innermost array.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_array_end(w: *mut spdk_json_write_ctx) -> c_int {
    with_writer!(w, |x| x.array_end())
}

/// Opens an object.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_object_begin(w: *mut spdk_json_write_ctx) -> c_int {
    with_writer!(w, |x| x.object_begin())
}

/// Closes the innermost object.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_object_end(w: *mut spdk_json_write_ctx) -> c_int {
    with_writer!(w, |x| x.object_end())
}

/// Writes an object member's name; the next value written is its value.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_name(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
) -> c_int {
    match cstr(name) {
        Some(s) => with_writer!(w, |x| x.name(s)),
        None => -1,
    }
}

/// Writes a member name of `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_name_raw(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
    len: usize,
) -> c_int {
    match bytes(name.cast(), len) {
        Some(s) => with_writer!(w, |x| x.name(s)),
        None => -1,
    }
}

/// Writes a parsed value again: a scalar, or a whole array/object from its
/// _BEGIN token through its _END.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_val(
    w: *mut spdk_json_write_ctx,
    val: *const spdk_json_val,
) -> c_int {
    let Some(x) = writer_mut(w) else {
        return -1;
    };
    if val.is_null() {
        return -1;
    }
    let count = spdk_json_val_len(val);
    for i in 0..count {
        let t = val.add(i);
        if x.token(val_type(t), val_bytes(t)).is_err() {
            return -1;
        }
    }
    0
}

/// Appends `len` bytes to the output as a value, without any check.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_val_raw(
    w: *mut spdk_json_write_ctx,
    data: *const c_void,
    len: usize,
) -> c_int {
    match bytes(data, len) {
        Some(s) => with_writer!(w, |x| x.val_raw(s)),
        None => -1,
    }
}

/// Writes member `name` with value `null`.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_named_null(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
) -> c_int {
    match spdk_json_write_name(w, name) {
        0 => spdk_json_write_null(w),
        rc => rc,
    }
}

/// Writes member `name` with a boolean.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_named_bool(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
    val: bool,
) -> c_int {
    match spdk_json_write_name(w, name) {
        0 => spdk_json_write_bool(w, val),
        rc => rc,
    }
}

/// Writes member `name` with a number.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_named_uint8(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
    val: u8,
) -> c_int {
    match spdk_json_write_name(w, name) {
        0 => spdk_json_write_uint8(w, val),
        rc => rc,
    }
}

/// Writes member `name` with a number.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_named_uint16(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
    val: u16,
) -> c_int {
    match spdk_json_write_name(w, name) {
        0 => spdk_json_write_uint16(w, val),
        rc => rc,
    }
}

/// Writes member `name` with a number.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_named_int32(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
    val: i32,
) -> c_int {
    match spdk_json_write_name(w, name) {
        0 => spdk_json_write_int32(w, val),
        rc => rc,
    }
}

/// Writes member `name` with a number.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_named_uint32(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
    val: u32,
) -> c_int {
    match spdk_json_write_name(w, name) {
        0 => spdk_json_write_uint32(w, val),
        rc => rc,
    }
}

/// Writes member `name` with a number.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_named_int64(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
    val: i64,
) -> c_int {
    match spdk_json_write_name(w, name) {
        0 => spdk_json_write_int64(w, val),
        rc => rc,
    }
}

/// Writes member `name` with a number.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_named_uint64(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
    val: u64,
) -> c_int {
    match spdk_json_write_name(w, name) {
        0 => spdk_json_write_uint64(w, val),
        rc => rc,
    }
}

/// Writes member `name` with a 128-bit number.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_named_uint128(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
    low_val: u64,
    high_val: u64,
) -> c_int {
    match spdk_json_write_name(w, name) {
        0 => spdk_json_write_uint128(w, low_val, high_val),
        rc => rc,
    }
}

/// Writes member `name` with a double.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_named_double(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
    val: f64,
) -> c_int {
    match spdk_json_write_name(w, name) {
        0 => spdk_json_write_double(w, val),
        rc => rc,
    }
}

/// Writes member `name` with a string.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_named_string(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
    val: *const c_char,
) -> c_int {
    match spdk_json_write_name(w, name) {
        0 => spdk_json_write_string(w, val),
        rc => rc,
    }
}

/// Writes member `name` with a hex byte string.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_named_bytearray(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
    val: *const c_void,
    len: usize,
) -> c_int {
    match spdk_json_write_name(w, name) {
        0 => spdk_json_write_bytearray(w, val, len),
        rc => rc,
    }
}

/// Writes member `name` with a UUID string.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_named_uuid(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
    uuid: *const spdk_uuid,
) -> c_int {
    match spdk_json_write_name(w, name) {
        0 => spdk_json_write_uuid(w, uuid),
        rc => rc,
    }
}

/// Writes member `name` and opens an array as its value.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_named_array_begin(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
) -> c_int {
    match spdk_json_write_name(w, name) {
        0 => spdk_json_write_array_begin(w),
        rc => rc,
    }
}

/// Writes member `name` and opens an object as its value.
#[no_mangle]
pub unsafe extern "C" fn spdk_json_write_named_object_begin(
    w: *mut spdk_json_write_ctx,
    name: *const c_char,
) -> c_int {
    match spdk_json_write_name(w, name) {
        0 => spdk_json_write_object_begin(w),
        rc => rc,
    }
}
