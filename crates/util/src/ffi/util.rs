//! The C ABI of include/spdk/util.h: integer logarithms and iovec helpers
//! (N-way segment iterator, copies between iovecs and flat buffers).
//!
//! `struct spdk_ioviter` ends in a union with a flexible array, which
//! cbindgen cannot express; its C definition is hand-written in
//! headers/util.post.h and the Rust mirror below ([`IovIter`]) is renamed
//! to it in util.toml.

// The C contract of each function (valid pointers, sizes) is its doc
// comment, which is also the header text.
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use core::ffi::{c_int, c_void};
use core::ptr;

use libc::iovec;

/// Base-2 logarithm of `x`, rounded down; 0 for 0.
#[no_mangle]
pub extern "C" fn spdk_u32log2(x: u32) -> u32 {
    x.checked_ilog2().unwrap_or(0)
}

/// Base-2 logarithm of `x`, rounded down; 0 for 0.
#[no_mangle]
pub extern "C" fn spdk_u64log2(x: u64) -> u64 {
    u64::from(x.checked_ilog2().unwrap_or(0))
}

/// Position of one iovec array inside a `struct spdk_ioviter`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct spdk_single_ioviter {
    /// The iovec array being walked.
    pub iov: *mut iovec,
    /// Number of elements in `iov`.
    pub iovcnt: usize,
    /// Index of the current element.
    pub idx: usize,
    /// Bytes left in the current element.
    pub iov_len: usize,
    /// Next unread byte of the current element.
    pub iov_base: *mut u8,
}

/// Rust view of `struct spdk_ioviter`: `count` iterators, of which the
/// first two are inline (the caller allocates room for more with
/// SPDK_IOVITER_SIZE()).
#[doc(hidden)]
#[repr(C)]
pub struct IovIter {
    pub count: u32,
    pub iters: [spdk_single_ioviter; 2],
}

/// State of a piecewise copy into or out of an iovec array.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct spdk_iov_xfer {
    /// The iovec array.
    pub iovs: *mut iovec,
    /// Number of elements in `iovs`.
    pub iovcnt: c_int,
    /// Index of the element the next byte goes to or comes from.
    pub cur_iov_idx: c_int,
    /// Offset of the next byte inside that element.
    pub cur_iov_offset: usize,
}

/// Pointer to iterator `i` of `iter` (which may lie past the inline pair).
///
/// # Safety
/// `iter` must point to an iterator allocated for more than `i` entries.
unsafe fn single(iter: *mut IovIter, i: usize) -> *mut spdk_single_ioviter {
    ptr::addr_of_mut!((*iter).iters)
        .cast::<spdk_single_ioviter>()
        .add(i)
}

/// Points `it` at the first element of `iov` (an empty walk when `iov` is
/// NULL or has no elements).
unsafe fn single_init(it: *mut spdk_single_ioviter, iov: *mut iovec, iovcnt: usize) {
    let (iovcnt, len, base) = if iov.is_null() || iovcnt == 0 {
        (0, 0, ptr::null_mut())
    } else {
        ((iovcnt), (*iov).iov_len, (*iov).iov_base.cast::<u8>())
    };
    it.write(spdk_single_ioviter {
        iov,
        iovcnt,
        idx: 0,
        iov_len: len,
        iov_base: base,
    });
}

/// Sets up an iterator over `count` iovec arrays at once and returns the
/// first common segment, like spdk_ioviter_nextv(). `iter` must have room
/// for `count` arrays (see SPDK_IOVITER_SIZE()).
///
/// Returns the segment length, 0 when any array is empty or an argument is
/// NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_ioviter_firstv(
    iter: *mut IovIter,
    count: u32,
    iov: *mut *mut iovec,
    iovcnt: *mut usize,
    out: *mut *mut c_void,
) -> usize {
    if iter.is_null() {
        return 0;
    }
    if iov.is_null() || iovcnt.is_null() || out.is_null() {
        (*iter).count = 0;
        return 0;
    }
    (*iter).count = count;
    for i in 0..count as usize {
        single_init(single(iter, i), *iov.add(i), *iovcnt.add(i));
    }
    spdk_ioviter_nextv(iter, out)
}

/// Two-array form of spdk_ioviter_firstv(): walks a source and a destination
/// iovec array together. `*src` and `*dst` receive the first segment.
///
/// Returns the segment length, or 0 when there is none.
#[no_mangle]
pub unsafe extern "C" fn spdk_ioviter_first(
    iter: *mut IovIter,
    siov: *mut iovec,
    siovcnt: usize,
    diov: *mut iovec,
    diovcnt: usize,
    src: *mut *mut c_void,
    dst: *mut *mut c_void,
) -> usize {
    if iter.is_null() {
        return 0;
    }
    let mut iovs = [siov, diov];
    let mut cnts = [siovcnt, diovcnt];
    let mut out = [ptr::null_mut(); 2];
    if src.is_null() || dst.is_null() {
        (*iter).count = 0;
        return 0;
    }
    let len = spdk_ioviter_firstv(
        iter,
        2,
        iovs.as_mut_ptr(),
        cnts.as_mut_ptr(),
        out.as_mut_ptr(),
    );
    if len > 0 {
        *src = out[0];
        *dst = out[1];
    }
    len
}

/// Advances the iterator: returns the length of the next stretch that is
/// contiguous in every array (never more than UINT32_MAX bytes), with the
/// start of it in each array stored in `out[i]`. Returns 0 once any array
/// is exhausted (or for NULL arguments).
#[no_mangle]
pub unsafe extern "C" fn spdk_ioviter_nextv(iter: *mut IovIter, out: *mut *mut c_void) -> usize {
    if iter.is_null() || out.is_null() {
        return 0;
    }
    let count = (*iter).count as usize;
    if count == 0 {
        return 0;
    }
    let mut len = u32::MAX as usize;
    for i in 0..count {
        let it = &*single(iter, i);
        if it.idx >= it.iovcnt || it.iov_len == 0 {
            return 0;
        }
        len = len.min(it.iov_len);
    }
    for i in 0..count {
        let it = &mut *single(iter, i);
        *out.add(i) = it.iov_base.cast();
        if it.iov_len == len {
            it.idx += 1;
            if it.idx < it.iovcnt {
                let next = &*it.iov.add(it.idx);
                it.iov_len = next.iov_len;
                it.iov_base = next.iov_base.cast();
            }
        } else {
            it.iov_base = it.iov_base.add(len);
            it.iov_len -= len;
        }
    }
    len
}

/// Two-array form of spdk_ioviter_nextv().
#[no_mangle]
pub unsafe extern "C" fn spdk_ioviter_next(
    iter: *mut IovIter,
    src: *mut *mut c_void,
    dst: *mut *mut c_void,
) -> usize {
    if iter.is_null() || src.is_null() || dst.is_null() {
        return 0;
    }
    let mut out = [ptr::null_mut(); 2];
    if (*iter).count > 2 {
        // A wider iterator would write past `out`.
        return 0;
    }
    let len = spdk_ioviter_nextv(iter, out.as_mut_ptr());
    if len > 0 {
        *src = out[0];
        *dst = out[1];
    }
    len
}

/// The elements of an iovec array as a slice (empty for NULL / count <= 0).
unsafe fn iov_slice<'a>(iovs: *mut iovec, iovcnt: c_int) -> &'a [iovec] {
    if iovs.is_null() || iovcnt <= 0 {
        return &[];
    }
    core::slice::from_raw_parts(iovs, iovcnt as usize)
}

/// Sets every byte described by the iovec array to `c` (as an unsigned
/// char). Elements with a NULL base are skipped.
#[no_mangle]
pub unsafe extern "C" fn spdk_iov_memset(iovs: *mut iovec, iovcnt: c_int, c: c_int) {
    for v in iov_slice(iovs, iovcnt) {
        if !v.iov_base.is_null() {
            ptr::write_bytes(v.iov_base.cast::<u8>(), c as u8, v.iov_len);
        }
    }
}

/// Copies between two iovec arrays, segment by segment, with `copy`.
unsafe fn iov_transfer(
    siov: *mut iovec,
    siovcnt: usize,
    diov: *mut iovec,
    diovcnt: usize,
    copy: unsafe fn(*const u8, *mut u8, usize),
) -> usize {
    let mut iter = IovIter {
        count: 0,
        iters: [core::mem::zeroed(); 2],
    };
    let (mut src, mut dst) = (ptr::null_mut::<c_void>(), ptr::null_mut::<c_void>());
    let mut total = 0usize;
    let mut len = spdk_ioviter_first(&mut iter, siov, siovcnt, diov, diovcnt, &mut src, &mut dst);
    while len != 0 {
        if !src.is_null() && !dst.is_null() {
            copy(src.cast_const().cast(), dst.cast(), len);
        }
        total += len;
        len = spdk_ioviter_next(&mut iter, &mut src, &mut dst);
    }
    total
}

unsafe fn copy_disjoint(src: *const u8, dst: *mut u8, len: usize) {
    ptr::copy_nonoverlapping(src, dst, len);
}

unsafe fn copy_overlapping(src: *const u8, dst: *mut u8, len: usize) {
    ptr::copy(src, dst, len);
}

/// Copies the data described by the source iovec array into the
/// destination one, stopping when either runs out. The two must not
/// overlap (see spdk_iovmove()).
///
/// Returns the number of bytes copied.
#[no_mangle]
pub unsafe extern "C" fn spdk_iovcpy(
    siov: *mut iovec,
    siovcnt: usize,
    diov: *mut iovec,
    diovcnt: usize,
) -> usize {
    iov_transfer(siov, siovcnt, diov, diovcnt, copy_disjoint)
}

/// spdk_iovcpy() for buffers that may overlap (memmove semantics per
/// segment).
///
/// Returns the number of bytes copied.
#[no_mangle]
pub unsafe extern "C" fn spdk_iovmove(
    siov: *mut iovec,
    siovcnt: usize,
    diov: *mut iovec,
    diovcnt: usize,
) -> usize {
    iov_transfer(siov, siovcnt, diov, diovcnt, copy_overlapping)
}

/// Starts a piecewise transfer at the beginning of the iovec array.
#[no_mangle]
pub unsafe extern "C" fn spdk_iov_xfer_init(
    ix: *mut spdk_iov_xfer,
    iovs: *mut iovec,
    iovcnt: c_int,
) {
    if ix.is_null() {
        return;
    }
    let iovcnt = if iovs.is_null() { 0 } else { iovcnt.max(0) };
    ix.write(spdk_iov_xfer {
        iovs,
        iovcnt,
        cur_iov_idx: 0,
        cur_iov_offset: 0,
    });
}

/// Moves up to `buf_len` bytes between the flat buffer and the iovec array
/// at the transfer's position, advancing it. Returns the bytes moved.
unsafe fn iov_xfer(ix: *mut spdk_iov_xfer, buf: *mut u8, buf_len: usize, to_buf: bool) -> usize {
    if ix.is_null() || buf.is_null() || buf_len == 0 {
        return 0;
    }
    let ix = &mut *ix;
    let iovs = iov_slice(ix.iovs, ix.iovcnt);
    let mut done = 0usize;
    while done < buf_len {
        let Ok(idx) = usize::try_from(ix.cur_iov_idx) else {
            break;
        };
        let Some(iov) = iovs.get(idx) else { break };
        let remain = iov.iov_len.saturating_sub(ix.cur_iov_offset);
        if remain == 0 || iov.iov_base.is_null() {
            ix.cur_iov_idx += 1;
            ix.cur_iov_offset = 0;
            continue;
        }
        let n = remain.min(buf_len - done);
        let at = iov.iov_base.cast::<u8>().add(ix.cur_iov_offset);
        if to_buf {
            ptr::copy_nonoverlapping(at.cast_const(), buf.add(done), n);
        } else {
            ptr::copy_nonoverlapping(buf.add(done).cast_const(), at, n);
        }
        done += n;
        ix.cur_iov_offset += n;
    }
    done
}

/// Copies up to `buf_len` bytes from `buf` into the iovec array at the
/// transfer's position and advances it.
///
/// Returns the number of bytes copied (less than `buf_len` when the iovec
/// array is full; 0 for NULL arguments).
#[no_mangle]
pub unsafe extern "C" fn spdk_iov_xfer_from_buf(
    ix: *mut spdk_iov_xfer,
    buf: *const c_void,
    buf_len: usize,
) -> usize {
    iov_xfer(ix, buf.cast_mut().cast(), buf_len, false)
}

/// Copies up to `buf_len` bytes from the iovec array at the transfer's
/// position into `buf` and advances it. (`buf` is written even though SPDK
/// declares it const.)
///
/// Returns the number of bytes copied (less than `buf_len` when the iovec
/// array is exhausted; 0 for NULL arguments).
#[no_mangle]
pub unsafe extern "C" fn spdk_iov_xfer_to_buf(
    ix: *mut spdk_iov_xfer,
    buf: *const c_void,
    buf_len: usize,
) -> usize {
    iov_xfer(ix, buf.cast_mut().cast(), buf_len, true)
}

/// Gathers the contents of the iovec array into `buf`, at most `buf_len`
/// bytes.
#[no_mangle]
pub unsafe extern "C" fn spdk_copy_iovs_to_buf(
    buf: *mut c_void,
    buf_len: usize,
    iovs: *mut iovec,
    iovcnt: c_int,
) {
    let mut ix = spdk_iov_xfer {
        iovs: ptr::null_mut(),
        iovcnt: 0,
        cur_iov_idx: 0,
        cur_iov_offset: 0,
    };
    spdk_iov_xfer_init(&mut ix, iovs, iovcnt);
    iov_xfer(&mut ix, buf.cast(), buf_len, true);
}

/// Scatters at most `buf_len` bytes of `buf` into the iovec array.
#[no_mangle]
pub unsafe extern "C" fn spdk_copy_buf_to_iovs(
    iovs: *mut iovec,
    iovcnt: c_int,
    buf: *mut c_void,
    buf_len: usize,
) {
    let mut ix = spdk_iov_xfer {
        iovs: ptr::null_mut(),
        iovcnt: 0,
        cur_iov_idx: 0,
        cur_iov_offset: 0,
    };
    spdk_iov_xfer_init(&mut ix, iovs, iovcnt);
    iov_xfer(&mut ix, buf.cast(), buf_len, false);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iov(buf: &mut [u8]) -> iovec {
        iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        }
    }

    #[test]
    fn log2() {
        assert_eq!(spdk_u32log2(0), 0);
        assert_eq!(spdk_u32log2(1), 0);
        assert_eq!(spdk_u32log2(4096), 12);
        assert_eq!(spdk_u32log2(4097), 12);
        assert_eq!(spdk_u32log2(u32::MAX), 31);
        assert_eq!(spdk_u64log2(0), 0);
        assert_eq!(spdk_u64log2(1 << 40), 40);
        assert_eq!(spdk_u64log2(u64::MAX), 63);
    }

    #[test]
    fn layout() {
        assert_eq!(core::mem::size_of::<spdk_single_ioviter>(), 40);
        assert_eq!(core::mem::size_of::<IovIter>(), 88);
        assert_eq!(core::mem::offset_of!(IovIter, iters), 8);
        assert_eq!(core::mem::size_of::<spdk_iov_xfer>(), 24);
    }

    #[test]
    fn iovcpy_uneven_segments() {
        let mut src: Vec<u8> = (0..100u8).collect();
        let (a, b) = src.split_at_mut(37);
        let mut siov = [iov(a), iov(b)];
        let mut d1 = [0u8; 10];
        let mut d2 = [0u8; 50];
        let mut d3 = [0u8; 60];
        let mut diov = [iov(&mut d1), iov(&mut d2), iov(&mut d3)];
        let n = unsafe { spdk_iovcpy(siov.as_mut_ptr(), 2, diov.as_mut_ptr(), 3) };
        assert_eq!(n, 100);
        let flat: Vec<u8> = d1.iter().chain(&d2).chain(&d3[..40]).copied().collect();
        assert_eq!(flat, (0..100u8).collect::<Vec<_>>());
        assert!(d3[40..].iter().all(|&c| c == 0));
        assert_eq!(
            unsafe { spdk_iovcpy(ptr::null_mut(), 3, diov.as_mut_ptr(), 3) },
            0
        );
        assert_eq!(
            unsafe { spdk_iovcpy(siov.as_mut_ptr(), 0, diov.as_mut_ptr(), 3) },
            0
        );
    }

    #[test]
    fn xfer_roundtrip() {
        let mut a = [0u8; 3];
        let mut b = [0u8; 0];
        let mut c = [0u8; 5];
        let mut iovs = [iov(&mut a), iov(&mut b), iov(&mut c)];
        let data = *b"abcdefghij";
        let mut ix = spdk_iov_xfer {
            iovs: ptr::null_mut(),
            iovcnt: 0,
            cur_iov_idx: 0,
            cur_iov_offset: 0,
        };
        unsafe {
            spdk_iov_xfer_init(&mut ix, iovs.as_mut_ptr(), 3);
            assert_eq!(spdk_iov_xfer_from_buf(&mut ix, data.as_ptr().cast(), 2), 2);
            assert_eq!(
                spdk_iov_xfer_from_buf(&mut ix, data[2..].as_ptr().cast(), 8),
                6
            );
            assert_eq!(spdk_iov_xfer_from_buf(&mut ix, data.as_ptr().cast(), 8), 0);
        }
        assert_eq!(&a, b"abc");
        assert_eq!(&c, b"defgh");
        let mut out = [0u8; 8];
        unsafe { spdk_copy_iovs_to_buf(out.as_mut_ptr().cast(), 8, iovs.as_mut_ptr(), 3) };
        assert_eq!(&out, b"abcdefgh");
    }
}
