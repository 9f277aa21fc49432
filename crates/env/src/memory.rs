//! DMA-capable memory: `spdk_malloc` and friends, memzones.
//!
//! Memory comes in 2 MiB-aligned regions, registered for DMA
//! (`spdk_mem_register`) as soon as they exist. A region is backed by
//! hugetlb pages when the machine has free ones and the environment allows
//! them; otherwise by ordinary memory asking for transparent hugepages,
//! because with 4 KiB pages the TLB misses of a 128 MiB malloc bdev cost a
//! third of its IOPS. Regions are memfd mappings, so they can be shared by
//! file descriptor (`spdk_mem_get_fd_and_offset`), except when the kernel
//! gives transparent hugepages to anonymous memory only (shmem_enabled
//! `never`, a common default): then speed wins and the region has no fd. Allocations are carved from
//! the regions by a first-fit allocator behind a lock: this is the control
//! path; the I/O path takes its buffers from pools.

use crate::mem_map::{self, VALUE_2MB};
use linked_list_allocator::Heap;
use std::alloc::Layout;
use std::collections::BTreeMap;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Smallest region mapped at once.
const REGION_MIN: usize = 8 << 20;
/// Alignment given when the caller asks for none.
const DEFAULT_ALIGN: usize = 64;
/// Bytes kept in front of each allocation: its block size, alignment and a
/// tag that catches frees of foreign pointers and double frees.
const HEADER: usize = 16;
const TAG_LIVE: u32 = 0x5350_444b;
const TAG_FREED: u32 = 0x4652_4545;

#[repr(C)]
struct Header {
    total: usize,
    align: u32,
    tag: u32,
}

/// The header of a live allocation, or None when `p` is not one.
fn header_of(p: NonNull<u8>, a: &Arena) -> Option<*mut Header> {
    let addr = p.as_ptr() as usize;
    let r = a
        .regions
        .iter()
        .find(|r| addr >= r.base + HEADER && addr < r.base + r.len)?;
    let _ = r;
    if !addr.is_multiple_of(16) {
        return None;
    }
    let h = (addr - HEADER) as *mut Header;
    // SAFETY: the header lies inside a mapped region.
    (unsafe { (*h).tag } == TAG_LIVE).then_some(h)
}

struct Region {
    base: usize,
    len: usize,
    /// None for anonymous memory (see the module comment).
    fd: Option<OwnedFd>,
    huge: bool,
    heap: Heap,
}

struct Arena {
    regions: Vec<Region>,
    zones: BTreeMap<String, (usize, usize)>,
}

static ARENA: Mutex<Arena> = Mutex::new(Arena {
    regions: Vec::new(),
    zones: BTreeMap::new(),
});
static ALLOW_HUGE: AtomicBool = AtomicBool::new(true);

fn arena() -> std::sync::MutexGuard<'static, Arena> {
    ARENA.lock().unwrap_or_else(|e| e.into_inner())
}

/// Where hugepage-backed regions get their files: a hugetlbfs mount and a
/// file name prefix (`hugedir` of the env options). None: the kernel's
/// default hugepage pool through memfd.
static HUGEDIR: Mutex<Option<(String, String)>> = Mutex::new(None);

/// Whether new regions may use hugepages (`no_huge` turns this off).
pub fn set_allow_hugepages(allow: bool) {
    ALLOW_HUGE.store(allow, Ordering::Relaxed);
}

/// Whether new regions may use hugepages.
pub fn hugepages_allowed() -> bool {
    ALLOW_HUGE.load(Ordering::Relaxed)
}

/// Hugepages of the default size the kernel has set aside (HugePages_Total).
pub fn hugepages_configured() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("HugePages_Total:"))
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Takes hugepages from files in the hugetlbfs mounted at `dir`, named
/// `<prefix>map_<n>` and unlinked once mapped, as SPDK names them.
pub fn set_hugedir(dir: Option<(String, String)>) {
    *HUGEDIR.lock().unwrap_or_else(|e| e.into_inner()) = dir;
}

/// A file descriptor for `len` bytes of backing memory.
fn backing_fd(len: usize, huge: bool) -> Option<OwnedFd> {
    let hugedir = HUGEDIR.lock().unwrap_or_else(|e| e.into_inner()).clone();
    // SAFETY: plain syscalls; every result is checked.
    unsafe {
        let fd = match (&hugedir, huge) {
            (Some((dir, prefix)), true) => {
                static SEQ: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
                let n = SEQ.fetch_add(1, Ordering::Relaxed);
                let path = std::ffi::CString::new(format!("{dir}/{prefix}map_{n}")).ok()?;
                let fd = libc::open(
                    path.as_ptr(),
                    libc::O_CREAT | libc::O_RDWR | libc::O_CLOEXEC,
                    0o600,
                );
                if fd >= 0 {
                    libc::unlink(path.as_ptr());
                }
                fd
            }
            _ => {
                let flags = libc::MFD_CLOEXEC | if huge { libc::MFD_HUGETLB } else { 0 };
                libc::memfd_create(c"spdk_mem".as_ptr(), flags)
            }
        };
        if fd < 0 {
            return None;
        }
        let fd = OwnedFd::from_raw_fd(fd);
        if libc::ftruncate(fd.as_raw_fd(), len as libc::off_t) != 0 {
            return None;
        }
        Some(fd)
    }
}

/// The selected word of a transparent-hugepage setting in sysfs
/// ("always [madvise] never" -> "madvise"), None when unreadable.
fn thp_setting(file: &str) -> Option<String> {
    let s = std::fs::read_to_string(format!("/sys/kernel/mm/transparent_hugepage/{file}")).ok()?;
    let start = s.find('[')? + 1;
    let end = start + s[start..].find(']')?;
    Some(s[start..end].to_string())
}

/// Whether ordinary regions should be anonymous memory: the kernel gives
/// transparent hugepages to anonymous mappings but not to memfds.
fn prefer_anonymous() -> bool {
    static ANON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ANON.get_or_init(|| {
        let anon_thp = matches!(
            thp_setting("enabled").as_deref(),
            Some("always" | "madvise")
        );
        let shmem_thp = !matches!(
            thp_setting("shmem_enabled").as_deref(),
            None | Some("never" | "deny")
        );
        anon_thp && !shmem_thp
    })
}

fn map_region(len: usize) -> Option<Region> {
    let len = len.div_ceil(VALUE_2MB as usize) * VALUE_2MB as usize;
    if ALLOW_HUGE.load(Ordering::Relaxed) {
        if let Some(r) = map_memfd(len, true) {
            return Some(r);
        }
    }
    map_memfd(len, false)
}

fn map_memfd(len: usize, huge: bool) -> Option<Region> {
    let fd = if huge || !prefer_anonymous() {
        Some(backing_fd(len, huge)?)
    } else {
        None
    };
    // SAFETY: plain syscalls; every result is checked.
    unsafe {
        // Reserve len + 2 MiB of address space so the region can start on a
        // 2 MiB boundary, then map the file over the aligned part.
        let span = len + VALUE_2MB as usize;
        let resv = libc::mmap(
            std::ptr::null_mut(),
            span,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        );
        if resv == libc::MAP_FAILED {
            return None;
        }
        let start = (resv as usize).next_multiple_of(VALUE_2MB as usize);
        let populate = if huge { libc::MAP_POPULATE } else { 0 };
        let (flags, raw_fd) = match &fd {
            Some(fd) => (libc::MAP_SHARED, fd.as_raw_fd()),
            None => (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1),
        };
        let p = libc::mmap(
            start as *mut _,
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            flags | libc::MAP_FIXED | populate,
            raw_fd,
            0,
        );
        if p == libc::MAP_FAILED {
            libc::munmap(resv, span);
            return None;
        }
        if !huge {
            // Advice only: a kernel without THP keeps 4 KiB pages.
            libc::madvise(p, len, libc::MADV_HUGEPAGE);
        }
        if start > resv as usize {
            libc::munmap(resv, start - resv as usize);
        }
        let tail = start + len;
        let resv_end = resv as usize + span;
        if resv_end > tail {
            libc::munmap(tail as *mut _, resv_end - tail);
        }
        // Shared hugetlb mappings reserve their pages at mmap time, so a
        // short hugepage pool fails above rather than faulting later.
        if mem_map::register(start as u64, len as u64).is_err() {
            libc::munmap(start as *mut _, len);
            return None;
        }
        Some(Region {
            base: start,
            len,
            fd,
            huge,
            heap: Heap::new(start as *mut u8, len),
        })
    }
}

/// Maps `mb` MiB up front (`mem_size` of the env options).
pub fn reserve(mb: usize) -> Result<(), i32> {
    let r = map_region(mb << 20).ok_or(-libc::ENOMEM)?;
    arena().regions.push(r);
    Ok(())
}

/// Whether any region is backed by hugepages.
pub fn uses_hugepages() -> bool {
    arena().regions.iter().any(|r| r.huge)
}

/// Allocates `size` bytes aligned to `align` (a power of two, or 0 for the
/// default of 64) from registered, DMA-capable memory.
pub fn dma_alloc(size: usize, align: usize, _numa_id: i32) -> Option<NonNull<u8>> {
    let align = if align == 0 { DEFAULT_ALIGN } else { align };
    if !align.is_power_of_two() {
        return None;
    }
    let align = align.max(HEADER);
    if align > u32::MAX as usize {
        return None;
    }
    let total = size.checked_add(align)?;
    let layout = Layout::from_size_align(total, align).ok()?;
    let mut a = arena();
    let block = a
        .regions
        .iter_mut()
        .find_map(|r| r.heap.allocate_first_fit(layout).ok());
    let block = match block {
        Some(b) => b,
        None => {
            let want = total.checked_add(2 * align)?.max(REGION_MIN);
            let mut r = map_region(want)?;
            let b = r.heap.allocate_first_fit(layout).ok()?;
            a.regions.push(r);
            b
        }
    };
    // SAFETY: block has `total` bytes; the header sits just before the
    // aligned user pointer, inside the block.
    unsafe {
        let user = block.as_ptr().add(align);
        (user.sub(HEADER) as *mut Header).write(Header {
            total,
            align: align as u32,
            tag: TAG_LIVE,
        });
        Some(NonNull::new_unchecked(user))
    }
}

/// Usable size of an allocation from `dma_alloc`, None if `p` is not a
/// live one.
pub fn dma_size(p: NonNull<u8>) -> Option<usize> {
    let a = arena();
    let h = header_of(p, &a)?;
    // SAFETY: checked live header.
    let h = unsafe { &*h };
    Some(h.total - h.align as usize)
}

/// Frees memory from `dma_alloc`. Returns false (and changes nothing) when
/// `p` is not a live allocation: a foreign pointer or a double free.
pub fn dma_free(p: NonNull<u8>) -> bool {
    let mut a = arena();
    let Some(h) = header_of(p, &a) else {
        return false;
    };
    // SAFETY: checked live header; the block is returned to its region.
    unsafe {
        let Header { total, align, .. } = h.read();
        (*h).tag = TAG_FREED;
        let block = NonNull::new_unchecked(p.as_ptr().sub(align as usize));
        let layout = Layout::from_size_align_unchecked(total, align as usize);
        let addr = block.as_ptr() as usize;
        if let Some(r) = a
            .regions
            .iter_mut()
            .find(|r| addr >= r.base && addr < r.base + r.len)
        {
            r.heap.deallocate(block, layout);
        }
    }
    true
}

/// Whether `p` points into memory handed out by this allocator.
pub fn owns(p: *const u8) -> bool {
    let addr = p as usize;
    arena()
        .regions
        .iter()
        .any(|r| addr >= r.base && addr < r.base + r.len)
}

/// `spdk_realloc`: a new block of `size` bytes with the old contents; the
/// old block is freed only on success. None for a foreign pointer too.
pub fn dma_realloc(p: NonNull<u8>, size: usize, align: usize) -> Option<NonNull<u8>> {
    let old = dma_size(p)?;
    let new = dma_alloc(size, align, -1)?;
    // SAFETY: both blocks are live and at least this long.
    unsafe { std::ptr::copy_nonoverlapping(p.as_ptr(), new.as_ptr(), old.min(size)) };
    dma_free(p);
    Some(new)
}

/// The memfd and offset backing `p` (`spdk_mem_get_fd_and_offset`):
/// Err(-ENOENT) for foreign memory, Err(-ENOTSUP) for an anonymous region.
pub fn fd_and_offset(p: *const u8) -> Result<(i32, u64), i32> {
    let addr = p as usize;
    let a = arena();
    let r = a
        .regions
        .iter()
        .find(|r| addr >= r.base && addr < r.base + r.len)
        .ok_or(-libc::ENOENT)?;
    let fd = r.fd.as_ref().ok_or(-libc::ENOTSUP)?;
    Ok((fd.as_raw_fd(), (addr - r.base) as u64))
}

/// Reserves a named, zeroed block (`spdk_memzone_reserve_aligned`).
pub fn memzone_reserve(name: &str, len: usize, align: usize) -> Result<NonNull<u8>, i32> {
    if name.is_empty() || name.len() >= crate::ffi::env::SPDK_MAX_MEMZONE_NAME_LEN as usize {
        return Err(-libc::EINVAL);
    }
    if arena().zones.contains_key(name) {
        return Err(-libc::EEXIST);
    }
    let len = len.max(1);
    let p = dma_alloc(len, align.max(64), -1).ok_or(-libc::ENOMEM)?;
    // SAFETY: fresh block of len bytes.
    unsafe { std::ptr::write_bytes(p.as_ptr(), 0, len) };
    let mut a = arena();
    if a.zones.contains_key(name) {
        drop(a);
        dma_free(p);
        return Err(-libc::EEXIST);
    }
    a.zones.insert(name.to_string(), (p.as_ptr() as usize, len));
    Ok(p)
}

pub fn memzone_lookup(name: &str) -> Option<NonNull<u8>> {
    arena()
        .zones
        .get(name)
        .and_then(|(p, _)| NonNull::new(*p as *mut u8))
}

pub fn memzone_free(name: &str) -> Result<(), i32> {
    let z = arena().zones.remove(name).ok_or(-libc::ENOENT)?;
    if let Some(p) = NonNull::new(z.0 as *mut u8) {
        dma_free(p);
    }
    Ok(())
}

/// Lines describing each memzone, for `spdk_memzone_dump`.
pub fn memzone_dump() -> Vec<String> {
    let a = arena();
    let mut v: Vec<_> = a
        .zones
        .iter()
        .map(|(n, (p, l))| format!("Zone {n}: addr={:#x}, len={l}", p))
        .collect();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alloc_align_free_realloc() {
        let p = dma_alloc(100, 4096, -1).unwrap();
        assert_eq!(p.as_ptr() as usize % 4096, 0);
        assert!(owns(p.as_ptr()));
        assert!(mem_map::is_registered(p.as_ptr() as u64, 100));
        unsafe { std::ptr::write_bytes(p.as_ptr(), 0xab, 100) };
        let q = dma_realloc(p, 10000, 64).unwrap();
        assert_eq!(unsafe { *q.as_ptr().add(99) }, 0xab);
        assert!(dma_size(q).unwrap() >= 10000);
        assert!(dma_free(q));
        assert!(!dma_free(q), "double free is refused");
        assert!(dma_alloc(10, 3, -1).is_none());
        let big = dma_alloc(20 << 20, 0, -1).unwrap();
        assert!(dma_free(big));
        let mut local = [0u8; 64];
        assert!(!dma_free(NonNull::new(local.as_mut_ptr()).unwrap()));
    }

    #[test]
    fn memzones() {
        let p = memzone_reserve("mz_test", 1000, 0).unwrap();
        assert_eq!(memzone_reserve("mz_test", 10, 0), Err(-libc::EEXIST));
        assert_eq!(memzone_lookup("mz_test"), Some(p));
        assert_eq!(memzone_free("mz_test"), Ok(()));
        assert_eq!(memzone_free("mz_test"), Err(-libc::ENOENT));
    }
}
