//! The file or block device under a bdev: opening it, detecting and
//! checking its block size (SPDK's rules and messages), and telling a
//! device that went away from a failing one.

use std::ffi::{c_int, c_void, CString};
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};

use ::spdk_bdev::ffi::bdev_module::spdk_bdev_module;
use spdk_thread::ffi::thread::{spdk_thread_get_app_thread, spdk_thread_send_msg};
use spdk_util::ffi::fd::{spdk_fd_get_blocklen, spdk_fd_get_size};

use crate::errno;

/// A bdev's backing file; its descriptor is closed on drop.
pub struct BackingFile {
    /// The bdev's name.
    pub name: CString,
    pub filename: CString,
    /// -1 until [`BackingFile::open`].
    pub fd: c_int,
    /// open() flags, without O_DIRECT.
    flags: c_int,
    direct: bool,
    pub block_size: u32,
    /// What the device reports (0 for a regular file).
    pub detected_block_size: u32,
    /// The block size was given, not detected.
    pub block_size_override: bool,
    pub blockcnt: u64,
    hot_remove_in_progress: AtomicBool,
}

impl BackingFile {
    /// Names only (-EINVAL when one holds a NUL); nothing is opened yet.
    pub fn new(name: &str, filename: &str) -> Result<BackingFile, c_int> {
        Ok(BackingFile {
            name: CString::new(name).map_err(|_| -libc::EINVAL)?,
            filename: CString::new(filename).map_err(|_| -libc::EINVAL)?,
            fd: -1,
            flags: 0,
            direct: false,
            block_size: 0,
            detected_block_size: 0,
            block_size_override: false,
            blockcnt: 0,
            hot_remove_in_progress: AtomicBool::new(false),
        })
    }

    /// "name: filename", how log messages name the bdev.
    pub fn log_name(&self) -> String {
        format!(
            "{}: {}",
            self.name.to_string_lossy(),
            self.filename.to_string_lossy()
        )
    }

    fn open_flags(&self, flags: c_int) -> Result<c_int, c_int> {
        // SAFETY: a C string path.
        let fd = unsafe { libc::open(self.filename.as_ptr(), flags) };
        if fd < 0 {
            Err(-errno())
        } else {
            Ok(fd)
        }
    }

    /// Opens the file with `flags` and O_DIRECT, or without O_DIRECT where
    /// the file refuses it (as SPDK does on file systems without direct
    /// I/O). Failures are logged.
    pub fn open(&mut self, flags: c_int) -> Result<(), c_int> {
        self.flags = flags;
        let r = match self.open_flags(flags | libc::O_DIRECT) {
            Ok(fd) => Ok((fd, true)),
            Err(_) => self.open_flags(flags).map(|fd| (fd, false)),
        };
        match r {
            Ok((fd, direct)) => {
                (self.fd, self.direct) = (fd, direct);
                Ok(())
            }
            Err(rc) => {
                spdk_log::errlog!(
                    "[{}] open() failed: {}",
                    self.log_name(),
                    spdk_util::string::strerror_message(-rc)
                );
                Err(rc)
            }
        }
    }

    pub fn is_block_device(&self) -> bool {
        // SAFETY: fstat fills a plain struct.
        unsafe {
            let mut st: libc::stat = std::mem::zeroed();
            libc::fstat(self.fd, &mut st) == 0 && st.st_mode & libc::S_IFMT == libc::S_IFBLK
        }
    }

    /// Sets the block size and block count: `requested`, or the device's
    /// when 0, checked as SPDK does (at least 512, a power of 2, no
    /// smaller than the device's, dividing the size; -EINVAL and a log
    /// message otherwise). Leaves direct I/O when the file's alignment
    /// does not fit the block size.
    pub fn set_block_size(&mut self, requested: u32) -> Result<(), c_int> {
        let tag = self.log_name();
        let size = spdk_fd_get_size(self.fd);
        let detected = spdk_fd_get_blocklen(self.fd);
        let block_size = if requested == 0 {
            if detected == 0 {
                spdk_log::errlog!("[{}] Block size could not be auto-detected", tag);
                return Err(-libc::EINVAL);
            }
            detected
        } else {
            if requested < detected {
                spdk_log::errlog!(
                    "[{}] Specified block size {} is smaller than auto-detected block size {}",
                    tag,
                    requested,
                    detected
                );
                return Err(-libc::EINVAL);
            } else if detected != 0 && requested != detected {
                spdk_log::warnlog!(
                    "[{}] Specified block size {} does not match auto-detected block size {}",
                    tag,
                    requested,
                    detected
                );
            }
            requested
        };
        if block_size < 512 {
            spdk_log::errlog!(
                "[{}] Invalid block size {} (must be at least 512).",
                tag,
                block_size
            );
            return Err(-libc::EINVAL);
        }
        if !block_size.is_power_of_two() {
            spdk_log::errlog!(
                "[{}] Invalid block size {} (must be a power of 2.)",
                tag,
                block_size
            );
            return Err(-libc::EINVAL);
        }
        if !size.is_multiple_of(block_size as u64) {
            spdk_log::errlog!(
                "[{}] Disk size {} is not a multiple of block size {}",
                tag,
                size,
                block_size
            );
            return Err(-libc::EINVAL);
        }
        if self.direct {
            // Direct I/O at offsets that are not multiples of the file's
            // alignment fails: use the page cache for such block sizes.
            if let Some(a) = dio_offset_align(self.fd) {
                if a == 0 || !block_size.is_multiple_of(a) {
                    let fd = self.open_flags(self.flags)?;
                    // SAFETY: our descriptor, replaced.
                    unsafe { libc::close(self.fd) };
                    (self.fd, self.direct) = (fd, false);
                }
            }
        }
        self.block_size = block_size;
        self.detected_block_size = detected;
        self.block_size_override = requested != 0;
        self.blockcnt = size / block_size as u64;
        Ok(())
    }

    /// The error an I/O that failed with `rc` reports: -ENODEV when the
    /// device went away (a detached device or unmounted file system fails
    /// I/O with 0 or -EIO and then reports a size of 0).
    pub fn io_error(&self, rc: c_int) -> c_int {
        if (rc == -libc::EIO || rc >= 0) && spdk_fd_get_size(self.fd) == 0 {
            -libc::ENODEV
        } else {
            rc
        }
    }

    /// The file went away: unregister the bdev (of `module`) from the app
    /// thread, once.
    pub fn hot_remove(&self, module: *mut spdk_bdev_module) {
        if self.hot_remove_in_progress.swap(true, Ordering::Relaxed) {
            return;
        }
        spdk_log::errlog!(
            "[{}] hot-remove detected, unregistering bdev...",
            self.log_name()
        );
        let msg = Box::into_raw(Box::new(HotRemove {
            name: self.name.clone(),
            module,
        }));
        // SAFETY: the message owns its box until it runs.
        unsafe {
            let t = spdk_thread_get_app_thread();
            if t.is_null() || spdk_thread_send_msg(t, Some(hot_remove_msg), msg.cast()) != 0 {
                drop(Box::from_raw(msg));
                self.hot_remove_in_progress.store(false, Ordering::Relaxed);
            }
        }
    }
}

impl Drop for BackingFile {
    fn drop(&mut self) {
        // SAFETY: our descriptor, closed once.
        if self.fd >= 0 && unsafe { libc::close(self.fd) } < 0 {
            spdk_log::errlog!("close() failed (fd={}): {}", self.fd, errno());
        }
    }
}

struct HotRemove {
    name: CString,
    module: *mut spdk_bdev_module,
}

unsafe extern "C" fn hot_remove_msg(arg: *mut c_void) {
    let m = Box::from_raw(arg.cast::<HotRemove>());
    let _ = crate::delete(m.module, m.name.as_bytes(), None, ptr::null_mut());
}

/// The offset alignment direct I/O needs on `fd` (statx DIOALIGN), 0 when
/// direct I/O is unsupported, None when the kernel does not say.
fn dio_offset_align(fd: c_int) -> Option<u32> {
    // SAFETY: statx fills a plain struct; "" with AT_EMPTY_PATH names fd.
    unsafe {
        let mut st: libc::statx = std::mem::zeroed();
        let rc = libc::statx(
            fd,
            c"".as_ptr(),
            libc::AT_EMPTY_PATH,
            libc::STATX_DIOALIGN,
            &mut st,
        );
        if rc != 0 || st.stx_mask & libc::STATX_DIOALIGN == 0 {
            return None;
        }
        Some(st.stx_dio_offset_align)
    }
}
