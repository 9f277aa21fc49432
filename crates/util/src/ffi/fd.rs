//! The C ABI of include/spdk/fd.h: sizes of files and block devices and the
//! O_NONBLOCK flag of descriptors.

// The C contract of each function (valid pointers, sizes) is its doc
// comment, which is also the header text.
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use core::ffi::c_int;

/// `_IOR(0x12, 114, size_t)`: size of a block device in bytes.
const BLKGETSIZE64: libc::c_ulong =
    (2 << 30) | ((core::mem::size_of::<usize>() as libc::c_ulong) << 16) | (0x12 << 8) | 114;
/// `_IO(0x12, 104)`: logical sector size of a block device.
const BLKSSZGET: libc::c_ulong = (0x12 << 8) | 104;

fn errno() -> c_int {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

/// Size in bytes of what `fd` refers to: the length of a regular file or
/// the capacity of a block device. Returns 0 for other kinds of files and
/// on error (such as an invalid descriptor).
#[no_mangle]
pub extern "C" fn spdk_fd_get_size(fd: c_int) -> u64 {
    // SAFETY: stat is plain data, filled by fstat; the ioctl writes a u64.
    unsafe {
        let mut st: libc::stat = core::mem::zeroed();
        if libc::fstat(fd, &mut st) != 0 {
            return 0;
        }
        match st.st_mode & libc::S_IFMT {
            libc::S_IFREG => u64::try_from(st.st_size).unwrap_or(0),
            libc::S_IFBLK | libc::S_IFCHR => {
                let mut size: u64 = 0;
                if libc::ioctl(fd, BLKGETSIZE64 as _, &mut size as *mut u64) == 0 {
                    size
                } else {
                    0
                }
            }
            _ => 0,
        }
    }
}

/// Logical block size in bytes of the block device open as `fd`, or 0 when
/// `fd` is not a block device or the size cannot be read.
#[no_mangle]
pub extern "C" fn spdk_fd_get_blocklen(fd: c_int) -> u32 {
    let mut blocklen: c_int = 0;
    // SAFETY: BLKSSZGET writes one int; on other files the ioctl fails.
    let rc = unsafe { libc::ioctl(fd, BLKSSZGET as _, &mut blocklen as *mut c_int) };
    if rc == 0 {
        u32::try_from(blocklen).unwrap_or(0)
    } else {
        0
    }
}

fn update_nonblock(fd: c_int, set: bool) -> c_int {
    // SAFETY: fcntl with F_GETFL/F_SETFL takes and returns plain ints.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 {
            return -errno();
        }
        let wanted = if set {
            flags | libc::O_NONBLOCK
        } else {
            flags & !libc::O_NONBLOCK
        };
        if wanted == flags {
            return 0;
        }
        if libc::fcntl(fd, libc::F_SETFL, wanted) < 0 {
            return -errno();
        }
    }
    0
}

/// Puts `fd` in non-blocking mode. Returns 0 (also when it already was) or
/// a negative errno such as -EBADF.
#[no_mangle]
pub extern "C" fn spdk_fd_set_nonblock(fd: c_int) -> c_int {
    update_nonblock(fd, true)
}

/// Puts `fd` back in blocking mode. Returns 0 (also when it already was) or
/// a negative errno such as -EBADF.
#[no_mangle]
pub extern "C" fn spdk_fd_clear_nonblock(fd: c_int) -> c_int {
    update_nonblock(fd, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::fd::AsRawFd;

    #[test]
    fn regular_file_and_flags() {
        let path = std::env::temp_dir().join(format!("spdk-fd-test-{}", std::process::id()));
        let mut f = std::fs::File::create(&path).unwrap();
        f.write_all(&[7u8; 1234]).unwrap();
        let fd = f.as_raw_fd();
        assert_eq!(spdk_fd_get_size(fd), 1234);
        assert_eq!(spdk_fd_get_blocklen(fd), 0);
        assert_eq!(spdk_fd_set_nonblock(fd), 0);
        assert_eq!(spdk_fd_set_nonblock(fd), 0);
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        assert_ne!(flags & libc::O_NONBLOCK, 0);
        assert_eq!(spdk_fd_clear_nonblock(fd), 0);
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        assert_eq!(flags & libc::O_NONBLOCK, 0);
        drop(f);
        let _ = std::fs::remove_file(&path);
        assert_eq!(spdk_fd_get_size(-1), 0);
        assert_eq!(spdk_fd_set_nonblock(-1), -libc::EBADF);
        assert_eq!(spdk_fd_clear_nonblock(-1), -libc::EBADF);
    }
}
