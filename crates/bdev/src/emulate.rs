//! Compare and copy for bdevs whose module does not do them, as SPDK
//! emulates them: a compare reads the range and compares it with the
//! caller's buffers, separate metadata too (SPDK_BDEV_IO_STATUS_MISCOMPARE
//! on a difference); a
//! copy reads and writes the range in buffer-sized steps, from the end
//! when the destination overlaps the source from above. The reads and
//! writes are ordinary bdev I/Os on the caller's channel; when none is
//! free the parent waits with spdk_bdev_queue_io_wait.

use std::ffi::c_void;
use std::ptr;

use libc::iovec;

use crate::core;
use crate::ffi::bdev::md_io::spdk_bdev_read_blocks_with_md;
use crate::ffi::bdev::spdk_bdev_io_type::*;
use crate::ffi::bdev::{spdk_bdev_free_io, spdk_bdev_read_blocks, spdk_bdev_writev_blocks};
use crate::ffi::bdev_module::spdk_bdev_io;

const SUCCESS: i8 = 1;
const FAILED: i8 = -1;
const MISCOMPARE: i8 = -5;

/// Takes over a compare or copy the module does not support.
pub unsafe fn start(io: *mut spdk_bdev_io) {
    (*io).internal.emu_child = ptr::null_mut();
    if (*io).r#type == SPDK_BDEV_IO_TYPE_COMPARE as u8 {
        compare_read(io.cast());
        return;
    }
    let p = &(*io).u.bdev;
    let i = &mut (*io).internal;
    i.split_remaining = p.num_blocks;
    let src = p.copy.src_offset_blocks;
    i.emu_backward = (p.offset_blocks > src && p.offset_blocks < src + p.num_blocks) as u8;
    copy_step(io.cast());
}

/// Retries `step` when a bdev_io is free again.
unsafe fn wait(parent: *mut spdk_bdev_io, step: unsafe extern "C" fn(*mut c_void)) {
    let e = &mut (*parent).internal.wait;
    e.bdev = (*parent).bdev;
    e.cb_fn = Some(step);
    e.cb_arg = parent.cast();
    if core::queue_io_wait(core::io_channel_of(parent), e) != 0 {
        finish(parent, FAILED);
    }
}

unsafe fn finish(parent: *mut spdk_bdev_io, status: i8) {
    let child = std::mem::replace(&mut (*parent).internal.emu_child, ptr::null_mut());
    if !child.is_null() {
        spdk_bdev_free_io(child);
    }
    core::complete(parent, status);
}

// ---- compare ----

unsafe extern "C" fn compare_read(arg: *mut c_void) {
    let parent = arg.cast::<spdk_bdev_io>();
    let p = &(*parent).u.bdev;
    if !p.md_buf.is_null() && (*parent).internal.has_buf == 0 {
        // Data and separate metadata are read into one buffer of ours.
        let b = &*(*parent).bdev;
        let len = p.num_blocks * (b.blocklen + b.md_len) as u64;
        core::own_buf(parent, len, Some(compare_buf_ready));
        return;
    }
    let (buf, md) = if (*parent).internal.has_buf != 0 {
        let data = p.num_blocks as usize * (*(*parent).bdev).blocklen as usize;
        let b = (*parent).internal.buf.cast::<u8>();
        (b.cast::<c_void>(), b.add(data).cast::<c_void>())
    } else {
        (ptr::null_mut(), ptr::null_mut())
    };
    let rc = spdk_bdev_read_blocks_with_md(
        core::desc_of(parent),
        core::io_channel_of(parent),
        buf,
        md,
        p.offset_blocks,
        p.num_blocks,
        Some(compare_read_done),
        parent.cast(),
    );
    if rc == -libc::ENOMEM {
        wait(parent, compare_read);
    } else if rc != 0 {
        finish(parent, FAILED);
    }
}

unsafe extern "C" fn compare_buf_ready(
    _ch: *mut ::spdk_thread::ffi::thread::spdk_io_channel,
    parent: *mut spdk_bdev_io,
    ok: bool,
) {
    if !ok {
        finish(parent, FAILED);
        return;
    }
    compare_read(parent.cast());
}

unsafe extern "C" fn compare_read_done(child: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let parent = arg.cast::<spdk_bdev_io>();
    (*parent).internal.emu_child = child;
    if !ok {
        finish(parent, FAILED);
        return;
    }
    let (c, p) = (&(*child).u.bdev, &(*parent).u.bdev);
    let b = &*(*parent).bdev;
    let len = p.num_blocks as usize * b.blocklen as usize;
    let mut same = iovs_equal(
        std::slice::from_raw_parts(c.iovs, c.iovcnt.max(0) as usize),
        std::slice::from_raw_parts(p.iovs, p.iovcnt.max(0) as usize),
        len,
    );
    if same && !p.md_buf.is_null() {
        let n = p.num_blocks as usize * b.md_len as usize;
        same = std::slice::from_raw_parts(c.md_buf.cast::<u8>(), n)
            == std::slice::from_raw_parts(p.md_buf.cast::<u8>(), n);
    }
    finish(parent, if same { SUCCESS } else { MISCOMPARE });
}

/// Whether the first `len` bytes of two scatter lists are equal (a list
/// shorter than `len` compares unequal).
fn iovs_equal(a: &[iovec], b: &[iovec], len: usize) -> bool {
    let (mut ai, mut ao, mut bi, mut bo, mut left) = (0, 0, 0, 0, len);
    while left > 0 {
        while ai < a.len() && ao == a[ai].iov_len {
            ai += 1;
            ao = 0;
        }
        while bi < b.len() && bo == b[bi].iov_len {
            bi += 1;
            bo = 0;
        }
        if ai == a.len() || bi == b.len() {
            return false;
        }
        let n = left.min(a[ai].iov_len - ao).min(b[bi].iov_len - bo);
        // SAFETY: both ranges lie within their iovecs.
        let (x, y) = unsafe {
            (
                std::slice::from_raw_parts(a[ai].iov_base.cast::<u8>().add(ao), n),
                std::slice::from_raw_parts(b[bi].iov_base.cast::<u8>().add(bo), n),
            )
        };
        if x != y {
            return false;
        }
        ao += n;
        bo += n;
        left -= n;
    }
    true
}

// ---- copy ----

/// The next step's (source, destination, blocks).
unsafe fn copy_range(parent: *mut spdk_bdev_io) -> (u64, u64, u64) {
    let p = &(*parent).u.bdev;
    let i = &(*parent).internal;
    let step = (core::large_buf_size() / (*(*parent).bdev).blocklen as u64).max(1);
    let n = step.min(i.split_remaining);
    let done = p.num_blocks - i.split_remaining;
    let at = if i.emu_backward != 0 {
        p.num_blocks - done - n
    } else {
        done
    };
    (p.copy.src_offset_blocks + at, p.offset_blocks + at, n)
}

unsafe extern "C" fn copy_step(arg: *mut c_void) {
    let parent = arg.cast::<spdk_bdev_io>();
    if (*parent).internal.split_remaining == 0 {
        finish(parent, SUCCESS);
        return;
    }
    let (src, _, n) = copy_range(parent);
    let rc = spdk_bdev_read_blocks(
        core::desc_of(parent),
        core::io_channel_of(parent),
        ptr::null_mut(),
        src,
        n,
        Some(copy_read_done),
        parent.cast(),
    );
    if rc == -libc::ENOMEM {
        wait(parent, copy_step);
    } else if rc != 0 {
        finish(parent, FAILED);
    }
}

unsafe extern "C" fn copy_read_done(child: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let parent = arg.cast::<spdk_bdev_io>();
    (*parent).internal.emu_child = child;
    if !ok {
        finish(parent, FAILED);
        return;
    }
    copy_write(parent.cast());
}

unsafe extern "C" fn copy_write(arg: *mut c_void) {
    let parent = arg.cast::<spdk_bdev_io>();
    let child = (*parent).internal.emu_child;
    let (_, dst, n) = copy_range(parent);
    let rc = spdk_bdev_writev_blocks(
        core::desc_of(parent),
        core::io_channel_of(parent),
        (*child).u.bdev.iovs,
        (*child).u.bdev.iovcnt,
        dst,
        n,
        Some(copy_write_done),
        parent.cast(),
    );
    if rc == -libc::ENOMEM {
        wait(parent, copy_write);
    } else if rc != 0 {
        finish(parent, FAILED);
    }
}

unsafe extern "C" fn copy_write_done(child: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let parent = arg.cast::<spdk_bdev_io>();
    spdk_bdev_free_io(child);
    let read = std::mem::replace(&mut (*parent).internal.emu_child, ptr::null_mut());
    spdk_bdev_free_io(read);
    if !ok {
        finish(parent, FAILED);
        return;
    }
    let (_, _, n) = copy_range(parent);
    (*parent).internal.split_remaining -= n;
    copy_step(parent.cast());
}

#[cfg(test)]
mod tests {
    use super::iovs_equal;
    use libc::iovec;

    fn iov(b: &mut [u8]) -> iovec {
        iovec {
            iov_base: b.as_mut_ptr().cast(),
            iov_len: b.len(),
        }
    }

    #[test]
    fn scatter_lists_compare_by_content() {
        let mut a = *b"hello world";
        let (mut b1, mut b2) = (*b"hel", *b"lo world");
        let (x, y) = a.split_at_mut(4);
        assert!(iovs_equal(
            &[iov(x), iov(y)],
            &[iov(&mut b1), iov(&mut b2)],
            11
        ));
        b2[3] = b'W';
        assert!(!iovs_equal(
            &[iov(&mut a)],
            &[iov(&mut b1), iov(&mut b2)],
            11
        ));
        assert!(iovs_equal(&[iov(&mut a)], &[iov(&mut b1), iov(&mut b2)], 5));
        assert!(
            !iovs_equal(&[iov(&mut b1)], &[iov(&mut a)], 11),
            "short list"
        );
    }
}
