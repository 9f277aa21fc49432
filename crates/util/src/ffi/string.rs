//! The C ABI of include/spdk/string.h.
//!
//! The printf-style functions (spdk_sprintf_alloc() and friends) are C
//! variadics and live in csrc/string.c; their prototypes are in
//! headers/string.pre.h.

// The C contract of each function (valid pointers, sizes) is its doc
// comment, which is also the header text.
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use core::cell::UnsafeCell;
use core::ffi::{c_char, c_int, c_long, c_longlong, c_void};
use core::ptr;
use std::ffi::CStr;

use crate::string as s;

/// The bytes of a C string, without its terminator.
///
/// # Safety
/// `p` must be a valid NUL-terminated string that outlives `'a`.
unsafe fn cbytes<'a>(p: *const c_char) -> &'a [u8] {
    CStr::from_ptr(p).to_bytes()
}

/// The bytes of a writable C string, *including* its terminator.
///
/// # Safety
/// `p` must be a valid, writable NUL-terminated string that outlives `'a`.
unsafe fn cbytes_with_nul_mut<'a>(p: *mut c_char) -> &'a mut [u8] {
    let len = libc::strlen(p);
    core::slice::from_raw_parts_mut(p.cast::<u8>(), len + 1)
}

/// Writes the message for error number `errnum` into `buf` (at most `buflen`
/// bytes including the terminator, truncating if needed). Unknown numbers
/// give "Unknown error N". Nothing is written when `buf` is NULL or `buflen`
/// is 0.
#[no_mangle]
pub unsafe extern "C" fn spdk_strerror_r(errnum: c_int, buf: *mut c_char, buflen: usize) {
    if buf.is_null() || buflen == 0 {
        return;
    }
    let msg = s::strerror_message(errnum);
    let dst = core::slice::from_raw_parts_mut(buf.cast::<u8>(), buflen);
    s::copy_truncated(dst, msg.as_bytes());
}

/// Size of the per-thread buffer spdk_strerror() returns.
const STRERROR_BUF_LEN: usize = 64;

thread_local! {
    static STRERROR_BUF: UnsafeCell<[u8; STRERROR_BUF_LEN]> =
        const { UnsafeCell::new([0; STRERROR_BUF_LEN]) };
}

/// Returns the message for error number `errnum` in a buffer owned by the
/// calling thread, so concurrent calls from different threads do not
/// interfere. The text stays valid until the same thread calls
/// spdk_strerror() again.
#[no_mangle]
pub extern "C" fn spdk_strerror(errnum: c_int) -> *const c_char {
    let msg = s::strerror_message(errnum);
    STRERROR_BUF
        .try_with(|cell| {
            // SAFETY: the buffer belongs to this thread and no reference to
            // it outlives this closure (C only holds the raw pointer).
            let buf = unsafe { &mut *cell.get() };
            s::copy_truncated(buf, msg.as_bytes());
            cell.get().cast::<c_char>().cast_const()
        })
        .unwrap_or(c"Unknown error".as_ptr())
}

/// Converts the whole of `nptr` to a non-negative `long` in `base` (0, or 2
/// to 36, with strtol()'s prefix and whitespace rules).
///
/// Returns the value, or a negative errno: -EINVAL when `nptr` is NULL, has
/// characters after the number or no digits, or `base` is invalid; -ERANGE
/// when the value overflows or is negative.
#[no_mangle]
pub unsafe extern "C" fn spdk_strtol(nptr: *const c_char, base: c_int) -> c_long {
    if nptr.is_null() {
        return -(libc::EINVAL as c_long);
    }
    s::strtol_checked(cbytes(nptr), base) as c_long
}

/// The `long long` counterpart of spdk_strtol(), with the same rules and
/// error values.
#[no_mangle]
pub unsafe extern "C" fn spdk_strtoll(nptr: *const c_char, base: c_int) -> c_longlong {
    if nptr.is_null() {
        return -(libc::EINVAL as c_longlong);
    }
    s::strtol_checked(cbytes(nptr), base) as c_longlong
}

/// Lowercases the ASCII letters of `s` in place and returns `s` (NULL for a
/// NULL `s`).
#[no_mangle]
pub unsafe extern "C" fn spdk_strlwr(s: *mut c_char) -> *mut c_char {
    if s.is_null() {
        return ptr::null_mut();
    }
    let b = cbytes_with_nul_mut(s);
    let n = b.len() - 1;
    s::strlwr(&mut b[..n]);
    s
}

/// Splits off the next field of `*stringp`, like strsep() but honouring
/// quoting: a backslash escapes the next character, and text between single
/// or double quotes (where backslash still escapes inside double quotes)
/// is taken literally. Quotes and escapes are removed in place and the
/// field is NUL-terminated; it ends at an unquoted character of `delim`, a
/// newline or the end of the string. Delimiters after the field are
/// skipped; `*stringp` is set to the next field, or NULL when none is left.
///
/// Returns the field, or NULL when `stringp` or `*stringp` is NULL.
/// A NULL `delim` is an empty set of delimiters.
#[no_mangle]
pub unsafe extern "C" fn spdk_strsepq(
    stringp: *mut *mut c_char,
    delim: *const c_char,
) -> *mut c_char {
    if stringp.is_null() || (*stringp).is_null() {
        return ptr::null_mut();
    }
    let p = *stringp;
    let delim = if delim.is_null() {
        &[][..]
    } else {
        cbytes(delim)
    };
    let step = s::strsepq(cbytes_with_nul_mut(p), delim);
    *stringp = match step.next {
        Some(off) => p.add(off),
        None => ptr::null_mut(),
    };
    p
}

/// Removes leading and trailing whitespace from `s` in place (the text is
/// moved to the start of the buffer) and returns `s`; NULL for NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_str_trim(s: *mut c_char) -> *mut c_char {
    if s.is_null() {
        return ptr::null_mut();
    }
    let b = cbytes_with_nul_mut(s);
    let n = b.len() - 1;
    let len = s::str_trim(&mut b[..n]);
    b[len] = 0;
    s
}

/// Strips every trailing carriage return and newline from `s` in place.
/// Returns how many characters were removed (0 for a NULL `s`).
#[no_mangle]
pub unsafe extern "C" fn spdk_str_chomp(s: *mut c_char) -> usize {
    if s.is_null() {
        return 0;
    }
    let b = cbytes_with_nul_mut(s);
    let len = b.len() - 1;
    let removed = s::chomp_len(&b[..len]);
    b[len - removed..len].fill(0);
    removed
}

/// Fills the `size`-byte field `dst` with the string `src` (without its
/// terminator) followed by `pad` bytes; `src` is cut at `size` bytes. The
/// result is not NUL-terminated. Nothing happens for a NULL `dst`; a NULL
/// `src` is treated as an empty string.
#[no_mangle]
pub unsafe extern "C" fn spdk_strcpy_pad(
    dst: *mut c_void,
    src: *const c_char,
    size: usize,
    pad: c_int,
) {
    if dst.is_null() || size == 0 {
        return;
    }
    let src = if src.is_null() { &[][..] } else { cbytes(src) };
    let dst = core::slice::from_raw_parts_mut(dst.cast::<u8>(), size);
    s::strcpy_pad(dst, src, pad as u8);
}

/// Length of the `size`-byte field `str` once its trailing run of `pad`
/// bytes is ignored (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_strlen_pad(str: *const c_void, size: usize, pad: c_int) -> usize {
    if str.is_null() || size == 0 {
        return 0;
    }
    s::strlen_pad(
        core::slice::from_raw_parts(str.cast::<u8>(), size),
        pad as u8,
    )
}

/// Splits an address of the form `host`, `host:port`, `[ipv6]` or
/// `[ipv6]:port` in place. `*host` and `*port` are pointed into `ip` (and
/// NUL-terminated there); `*port` is NULL when no port is given.
///
/// Returns 0, or -EINVAL for a NULL argument, a missing `]` or characters
/// other than `:` after it.
#[no_mangle]
pub unsafe extern "C" fn spdk_parse_ip_addr(
    ip: *mut c_char,
    host: *mut *mut c_char,
    port: *mut *mut c_char,
) -> c_int {
    if ip.is_null() || host.is_null() || port.is_null() {
        return -libc::EINVAL;
    }
    let (r, rc) = match s::parse_ip_addr(cbytes_with_nul_mut(ip)) {
        Ok(r) => (r, 0),
        Err(r) => (r, -libc::EINVAL),
    };
    *host = r.host.map_or(ptr::null_mut(), |o| ip.add(o));
    *port = r.port.map_or(ptr::null_mut(), |o| ip.add(o));
    rc
}

/// Parses a byte count: a decimal number optionally followed by a binary
/// multiplier `k`, `m` or `g` (either case, any characters after it such as
/// the `B` of `KB` are ignored). `*has_prefix` (optional) tells whether a
/// multiplier was present.
///
/// Returns 0, -EINVAL for a NULL `cap_str`/`cap`, a string not starting with
/// a number, a negative number or an unknown multiplier, or -ERANGE when the
/// result does not fit in 64 bits. `*cap` is only written on success.
#[no_mangle]
pub unsafe extern "C" fn spdk_parse_capacity(
    cap_str: *const c_char,
    cap: *mut u64,
    has_prefix: *mut bool,
) -> c_int {
    if cap_str.is_null() || cap.is_null() {
        return -libc::EINVAL;
    }
    match s::parse_capacity(cbytes(cap_str)) {
        Ok((v, prefix)) => {
            *cap = v;
            if !has_prefix.is_null() {
                *has_prefix = prefix;
            }
            0
        }
        Err(e) => e,
    }
}

/// Whether all `size` bytes at `data` are zero. An empty buffer is all
/// zeroes; a NULL `data` with a non-zero `size` is not.
#[no_mangle]
pub unsafe extern "C" fn spdk_mem_all_zero(data: *const c_void, size: usize) -> bool {
    if size == 0 {
        return true;
    }
    if data.is_null() {
        return false;
    }
    s::mem_all_zero(core::slice::from_raw_parts(data.cast::<u8>(), size))
}

/// Copies `bytes` into a new malloc()ed, NUL-terminated string.
unsafe fn malloc_str(bytes: &[u8]) -> *mut c_char {
    let p = libc::malloc(bytes.len() + 1).cast::<u8>();
    if p.is_null() {
        return ptr::null_mut();
    }
    ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
    *p.add(bytes.len()) = 0;
    p.cast()
}

/// Builds a NULL-terminated, calloc()ed array of malloc()ed strings, or
/// NULL when an allocation fails (everything allocated is released).
unsafe fn malloc_strarray<'a>(items: impl ExactSizeIterator<Item = &'a [u8]>) -> *mut *mut c_char {
    let count = items.len();
    let array = libc::calloc(count + 1, core::mem::size_of::<*mut c_char>()).cast::<*mut c_char>();
    if array.is_null() {
        return ptr::null_mut();
    }
    for (i, item) in items.enumerate() {
        let p = malloc_str(item);
        if p.is_null() {
            spdk_strarray_free(array);
            return ptr::null_mut();
        }
        *array.add(i) = p;
    }
    array
}

/// Splits `str` at every character found in `delim` into a NULL-terminated
/// array of newly allocated strings; consecutive delimiters give empty
/// strings. Release the result with spdk_strarray_free().
///
/// Returns NULL when `str` or `delim` is NULL or memory runs out.
#[no_mangle]
pub unsafe extern "C" fn spdk_strarray_from_string(
    str: *const c_char,
    delim: *const c_char,
) -> *mut *mut c_char {
    if str.is_null() || delim.is_null() {
        return ptr::null_mut();
    }
    let parts = s::split_any(cbytes(str), cbytes(delim));
    malloc_strarray(parts.into_iter())
}

/// Deep-copies a NULL-terminated array of strings (array and strings come
/// from the C allocator; release with spdk_strarray_free()).
///
/// Returns NULL for a NULL `strarray` or when memory runs out.
#[no_mangle]
pub unsafe extern "C" fn spdk_strarray_dup(strarray: *mut *const c_char) -> *mut *mut c_char {
    if strarray.is_null() {
        return ptr::null_mut();
    }
    let mut items = Vec::new();
    let mut i = 0;
    while !(*strarray.add(i)).is_null() {
        items.push(cbytes(*strarray.add(i)));
        i += 1;
    }
    malloc_strarray(items.into_iter())
}

/// Frees a NULL-terminated array of strings and the strings in it, as made
/// by spdk_strarray_from_string() or spdk_strarray_dup(). NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn spdk_strarray_free(strarray: *mut *mut c_char) {
    if strarray.is_null() {
        return;
    }
    let mut i = 0;
    while !(*strarray.add(i)).is_null() {
        libc::free((*strarray.add(i)).cast());
        i += 1;
    }
    libc::free(strarray.cast());
}

/// Writes `src` into the `size`-byte buffer `dst` with every occurrence of
/// `search` (scanning left to right, without overlaps) replaced by
/// `replace`, NUL-terminated.
///
/// Returns 0, or -EINVAL when an argument is NULL, `search` is empty, or the
/// result with its terminator does not fit in `size` bytes (then `dst` is
/// left untouched).
#[no_mangle]
pub unsafe extern "C" fn spdk_strcpy_replace(
    dst: *mut c_char,
    size: usize,
    src: *const c_char,
    search: *const c_char,
    replace: *const c_char,
) -> c_int {
    if dst.is_null() || src.is_null() || search.is_null() || replace.is_null() {
        return -libc::EINVAL;
    }
    let search = cbytes(search);
    if search.is_empty() {
        return -libc::EINVAL;
    }
    let out = s::replace_all(cbytes(src), search, cbytes(replace));
    if out.len() >= size {
        return -libc::EINVAL;
    }
    // dst may alias src: `out` is a separate copy, so this is safe.
    ptr::copy(out.as_ptr(), dst.cast::<u8>(), out.len());
    *dst.add(out.len()) = 0;
    0
}
