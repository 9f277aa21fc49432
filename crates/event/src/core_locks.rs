//! Per-core lock files, as SPDK takes them: /var/tmp/spdk_cpu_lock_NNN for
//! each core of the application, held with an fcntl write lock for as long
//! as the application runs, with the owner's pid written in the file. A
//! second SPDK application on one of those cores cannot take the lock and
//! refuses to start (unless --disable-cpumask-locks).

use std::ffi::CString;
use std::sync::Mutex;

/// Open lock files, by core.
static LOCKS: Mutex<Vec<(u32, libc::c_int)>> = Mutex::new(Vec::new());

fn path(core: u32) -> String {
    format!("/var/tmp/spdk_cpu_lock_{core:03}")
}

fn errno_str() -> String {
    std::io::Error::last_os_error().to_string()
}

/// Opens, locks and stamps the lock file of `core`; the open descriptor.
fn claim_one(core: u32) -> Result<libc::c_int, ()> {
    let name = path(core);
    let c = CString::new(name.clone()).map_err(|_| ())?;
    // SAFETY: plain system calls on a descriptor we own; the mapping is
    // one int of a file we just sized.
    unsafe {
        let fd = libc::open(
            c.as_ptr(),
            libc::O_RDWR | libc::O_CREAT | libc::O_CLOEXEC,
            (libc::S_IRUSR | libc::S_IWUSR) as libc::c_uint,
        );
        if fd < 0 {
            spdk_log::errlog!("Could not open {name} ({}).", errno_str());
            return Err(());
        }
        let size = std::mem::size_of::<libc::c_int>();
        if libc::ftruncate(fd, size as libc::off_t) != 0 {
            spdk_log::errlog!("Could not truncate {name} ({}).", errno_str());
            libc::close(fd);
            return Err(());
        }
        let map = libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            fd,
            0,
        );
        if map == libc::MAP_FAILED {
            spdk_log::errlog!("Could not mmap core {name} ({}).", errno_str());
            libc::close(fd);
            return Err(());
        }
        let pid = map.cast::<libc::c_int>();
        let mut lock: libc::flock = std::mem::zeroed();
        lock.l_type = libc::F_WRLCK as libc::c_short;
        lock.l_whence = libc::SEEK_SET as libc::c_short;
        if libc::fcntl(fd, libc::F_SETLK, &lock) != 0 {
            spdk_log::errlog!(
                "Cannot create lock on core {core}, probably process {} has claimed it.",
                pid.read_volatile()
            );
            libc::munmap(map, size);
            libc::close(fd);
            return Err(());
        }
        // The pid tells a later claimer who holds the core.
        pid.write_volatile(libc::getpid());
        libc::munmap(map, size);
        Ok(fd)
    }
}

/// Locks every core of the application not locked yet. On failure every
/// lock is released and the core that could not be claimed is returned.
pub fn claim() -> Result<(), u32> {
    let mut locks = LOCKS.lock().unwrap_or_else(|e| e.into_inner());
    for core in spdk_env::cores::ids() {
        if locks.iter().any(|(c, _)| *c == core) {
            continue;
        }
        match claim_one(core) {
            Ok(fd) => locks.push((core, fd)),
            Err(()) => {
                drop(locks);
                let _ = unclaim();
                return Err(core);
            }
        }
    }
    Ok(())
}

/// Releases and removes every lock file; on failure, the core whose file
/// could not be released.
pub fn unclaim() -> Result<(), u32> {
    let mut locks = LOCKS.lock().unwrap_or_else(|e| e.into_inner());
    while let Some((core, fd)) = locks.pop() {
        // SAFETY: a descriptor opened by claim_one.
        if unsafe { libc::close(fd) } != 0 {
            spdk_log::errlog!("Failed to close lock fd for core {core}: {}", errno_str());
            return Err(core);
        }
        if let Err(e) = std::fs::remove_file(path(core)) {
            spdk_log::errlog!("Failed to unlink lock fd for core {core}: {e}");
            return Err(core);
        }
    }
    Ok(())
}
