//! VFIO (type1 IOMMU) access to PCI functions, with raw ioctls: one
//! container per process, the IOMMU groups of the attached devices in it,
//! and every registered memory region DMA-mapped with IOVA = VA through a
//! memory map (`spdk_mem_map`) whose notifications map and unmap it.
//!
//! The kernel structures are declared here (a handful, stable ABI) rather
//! than pulled from a bindings crate.

use super::sysfs::SysDev;
use crate::mem_map::{self, MemMap};
use std::collections::BTreeMap;
use std::ffi::{c_void, CString};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

const VFIO_API_VERSION: libc::c_int = 0;
const VFIO_TYPE1_IOMMU: libc::c_ulong = 1;
const VFIO_TYPE1V2_IOMMU: libc::c_ulong = 3;
const VFIO_GET_API_VERSION: libc::c_ulong = 0x3b64;
const VFIO_CHECK_EXTENSION: libc::c_ulong = 0x3b65;
const VFIO_SET_IOMMU: libc::c_ulong = 0x3b66;
const VFIO_GROUP_GET_STATUS: libc::c_ulong = 0x3b67;
const VFIO_GROUP_SET_CONTAINER: libc::c_ulong = 0x3b68;
const VFIO_GROUP_UNSET_CONTAINER: libc::c_ulong = 0x3b69;
const VFIO_GROUP_GET_DEVICE_FD: libc::c_ulong = 0x3b6a;
const VFIO_DEVICE_GET_INFO: libc::c_ulong = 0x3b6b;
const VFIO_DEVICE_GET_REGION_INFO: libc::c_ulong = 0x3b6c;
const VFIO_DEVICE_RESET: libc::c_ulong = 0x3b6f;
const VFIO_IOMMU_GET_INFO: libc::c_ulong = 0x3b70;
const VFIO_IOMMU_MAP_DMA: libc::c_ulong = 0x3b71;
const VFIO_IOMMU_UNMAP_DMA: libc::c_ulong = 0x3b72;
const VFIO_GROUP_FLAGS_VIABLE: u32 = 1;
const VFIO_DEVICE_FLAGS_RESET: u32 = 1;
const VFIO_REGION_INFO_FLAG_MMAP: u32 = 4;
const VFIO_DMA_MAP_FLAG_READ_WRITE: u32 = 3;
const VFIO_IOMMU_INFO_CAPS: u32 = 2;
const VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE: u16 = 1;

/// Region index of the configuration space (`VFIO_PCI_CONFIG_REGION_INDEX`).
pub const CONFIG_REGION: u32 = 7;

#[repr(C)]
struct GroupStatus {
    argsz: u32,
    flags: u32,
}

#[repr(C)]
struct DeviceInfo {
    argsz: u32,
    flags: u32,
    num_regions: u32,
    num_irqs: u32,
    cap_offset: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct RegionInfo {
    argsz: u32,
    pub flags: u32,
    pub index: u32,
    cap_offset: u32,
    pub size: u64,
    /// Offset of the region in the device file.
    pub offset: u64,
}

#[repr(C)]
struct DmaMap {
    argsz: u32,
    flags: u32,
    vaddr: u64,
    iova: u64,
    size: u64,
}

#[repr(C)]
struct DmaUnmap {
    argsz: u32,
    flags: u32,
    iova: u64,
    size: u64,
}

fn errno() -> i32 {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

/// Where the VFIO character devices are; a test may point it elsewhere
/// with `SPDK_RS_VFIO_DIR`.
pub fn vfio_dir() -> PathBuf {
    std::env::var_os("SPDK_RS_VFIO_DIR").map_or_else(|| PathBuf::from("/dev/vfio"), PathBuf::from)
}

fn open_rw(path: &Path) -> Result<OwnedFd, i32> {
    let c = CString::new(path.as_os_str().as_encoded_bytes()).map_err(|_| libc::EINVAL)?;
    // SAFETY: a valid C string; the result is checked.
    let fd = unsafe { libc::open(c.as_ptr(), libc::O_RDWR | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(errno());
    }
    // SAFETY: a fresh descriptor we own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Explains a failed open of a VFIO node, SPDK_ERRLOG style, and gives the
/// errno to return.
fn open_error(path: &Path, err: i32) -> i32 {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    match err {
        libc::EACCES | libc::EPERM if !root => {
            spdk_log::errlog!(
                "cannot open {}: permission denied; PCI devices need root (or access to the VFIO group and a large enough RLIMIT_MEMLOCK)",
                path.display()
            );
            -libc::EACCES
        }
        libc::ENOENT => {
            spdk_log::errlog!(
                "{} does not exist: VFIO is not available (load it: modprobe vfio-pci)",
                path.display()
            );
            -libc::ENODEV
        }
        libc::EBUSY => {
            spdk_log::errlog!(
                "{} is busy: another process uses this VFIO group",
                path.display()
            );
            -libc::EBUSY
        }
        e => {
            spdk_log::errlog!(
                "cannot open {}: {}",
                path.display(),
                std::io::Error::from_raw_os_error(e)
            );
            -e
        }
    }
}

struct Group {
    fd: OwnedFd,
    users: u32,
}

struct Container {
    fd: OwnedFd,
    iommu_type: libc::c_ulong,
    groups: BTreeMap<u32, Group>,
    /// The memory map that DMA-maps registered memory, once the IOMMU is set.
    dma: *mut MemMap,
}

// SAFETY: the map pointer is only used under the VFIO lock.
unsafe impl Send for Container {}

static VFIO: Mutex<Option<Container>> = Mutex::new(None);

/// The highest IOVA the IOMMU translates (u64::MAX: not told).
static IOVA_END: AtomicU64 = AtomicU64::new(u64::MAX);

/// The end of the IOMMU's IOVA ranges (VFIO_IOMMU_GET_INFO's IOVA range
/// capability), when the kernel tells it.
fn iova_end(container: RawFd) -> Option<u64> {
    // struct vfio_iommu_type1_info: argsz, flags, iova_pgsizes, cap_offset.
    let mut buf = vec![0u64; 3];
    buf[0] = 24;
    // SAFETY: the kernel writes at most argsz bytes of our buffer.
    if unsafe { libc::ioctl(container, VFIO_IOMMU_GET_INFO, buf.as_mut_ptr()) } != 0 {
        return None;
    }
    let need = (buf[0] & 0xffff_ffff) as usize;
    if need > 24 && need < 1 << 16 {
        buf = vec![0u64; need.div_ceil(8)];
        buf[0] = need as u64;
        // SAFETY: as above, with room for the capabilities.
        if unsafe { libc::ioctl(container, VFIO_IOMMU_GET_INFO, buf.as_mut_ptr()) } != 0 {
            return None;
        }
    }
    let bytes: Vec<u8> = buf.iter().flat_map(|w| w.to_ne_bytes()).collect();
    let rd32 = |o: usize| {
        bytes
            .get(o..o + 4)
            .map(|b| u32::from_ne_bytes(b.try_into().unwrap()))
    };
    let rd64 = |o: usize| {
        bytes
            .get(o..o + 8)
            .map(|b| u64::from_ne_bytes(b.try_into().unwrap()))
    };
    if rd32(4)? & VFIO_IOMMU_INFO_CAPS == 0 {
        return None;
    }
    let mut off = rd32(16)? as usize;
    for _ in 0..16 {
        if off == 0 || off + 8 > bytes.len() {
            return None;
        }
        let id = rd32(off)? as u16;
        if id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE {
            let n = rd32(off + 8)? as usize;
            return (0..n).filter_map(|i| rd64(off + 16 + i * 16 + 8)).max();
        }
        off = rd32(off + 4)? as usize;
    }
    None
}

/// Maps (or unmaps) a registered region in the container whose fd is the
/// context: IOVA = VA.
unsafe extern "C" fn dma_notify(
    ctx: *mut c_void,
    _map: *mut MemMap,
    action: i32,
    vaddr: *mut c_void,
    len: usize,
) -> i32 {
    let fd = ctx as usize as RawFd;
    let end = IOVA_END.load(Ordering::Relaxed);
    if action == 0 && (vaddr as u64).saturating_add(len as u64 - 1) > end {
        spdk_log::errlog!(
            "cannot DMA-map {vaddr:p} (+{len:#x}): the IOMMU translates IOVAs up to {end:#x} only, and IOVA = VA needs the whole user address space (an IOMMU address width of 48 bits; QEMU: intel-iommu,aw-bits=48)"
        );
        return -libc::EINVAL;
    }
    if action == 0 {
        let m = DmaMap {
            argsz: size_of::<DmaMap>() as u32,
            flags: VFIO_DMA_MAP_FLAG_READ_WRITE,
            vaddr: vaddr as u64,
            iova: vaddr as u64,
            size: len as u64,
        };
        // SAFETY: the container fd is open while the map exists.
        if unsafe { libc::ioctl(fd, VFIO_IOMMU_MAP_DMA, &m) } != 0 {
            let e = errno();
            spdk_log::errlog!(
                "VFIO DMA map of {vaddr:p} (+{len:#x}) failed: {}",
                std::io::Error::from_raw_os_error(e)
            );
            return -e;
        }
    } else {
        let u = DmaUnmap {
            argsz: size_of::<DmaUnmap>() as u32,
            flags: 0,
            iova: vaddr as u64,
            size: len as u64,
        };
        // SAFETY: as above. A failure leaves nothing to undo.
        unsafe { libc::ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u) };
    }
    0
}

fn open_container(dir: &Path) -> Result<Container, i32> {
    let path = dir.join("vfio");
    let fd = open_rw(&path).map_err(|e| open_error(&path, e))?;
    // SAFETY: ioctls on our descriptor, results checked.
    unsafe {
        if libc::ioctl(fd.as_raw_fd(), VFIO_GET_API_VERSION) != VFIO_API_VERSION {
            spdk_log::errlog!("{}: unsupported VFIO API version", path.display());
            return Err(-libc::ENOTSUP);
        }
        let iommu_type = if libc::ioctl(fd.as_raw_fd(), VFIO_CHECK_EXTENSION, VFIO_TYPE1V2_IOMMU)
            == 1
        {
            VFIO_TYPE1V2_IOMMU
        } else if libc::ioctl(fd.as_raw_fd(), VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) == 1 {
            VFIO_TYPE1_IOMMU
        } else {
            spdk_log::errlog!("VFIO has no type1 IOMMU support (no IOMMU, or no-IOMMU mode, which is not supported)");
            return Err(-libc::ENOTSUP);
        };
        Ok(Container {
            fd,
            iommu_type,
            groups: BTreeMap::new(),
            dma: std::ptr::null_mut(),
        })
    }
}

/// Puts group `num` in the container (opening it on first use).
fn join_group(c: &mut Container, dir: &Path, num: u32) -> Result<(), i32> {
    if let Some(g) = c.groups.get_mut(&num) {
        g.users += 1;
        return Ok(());
    }
    let path = dir.join(num.to_string());
    let fd = open_rw(&path).map_err(|e| open_error(&path, e))?;
    let mut st = GroupStatus {
        argsz: size_of::<GroupStatus>() as u32,
        flags: 0,
    };
    // SAFETY: ioctls on our descriptors, results checked.
    unsafe {
        if libc::ioctl(fd.as_raw_fd(), VFIO_GROUP_GET_STATUS, &mut st) != 0 {
            return Err(open_error(&path, errno()));
        }
        if st.flags & VFIO_GROUP_FLAGS_VIABLE == 0 {
            spdk_log::errlog!(
                "VFIO group {num} is not viable: every device of IOMMU group {num} must be bound to vfio-pci (or to no driver)"
            );
            return Err(-libc::EPERM);
        }
        let cfd: RawFd = c.fd.as_raw_fd();
        if libc::ioctl(fd.as_raw_fd(), VFIO_GROUP_SET_CONTAINER, &cfd) != 0 {
            let e = errno();
            spdk_log::errlog!(
                "VFIO group {num}: cannot join the container: {}",
                std::io::Error::from_raw_os_error(e)
            );
            return Err(-e);
        }
        if c.dma.is_null() {
            // The first group: the IOMMU can be chosen now, then every
            // registered region (and those to come) is mapped.
            if libc::ioctl(c.fd.as_raw_fd(), VFIO_SET_IOMMU, c.iommu_type) != 0 {
                let e = errno();
                spdk_log::errlog!(
                    "VFIO: cannot set the type1 IOMMU: {}",
                    std::io::Error::from_raw_os_error(e)
                );
                libc::ioctl(fd.as_raw_fd(), VFIO_GROUP_UNSET_CONTAINER);
                return Err(-e);
            }
            IOVA_END.store(
                iova_end(c.fd.as_raw_fd()).unwrap_or(u64::MAX),
                Ordering::Relaxed,
            );
            let ctx = c.fd.as_raw_fd() as usize as *mut c_void;
            match mem_map::alloc_map(0, Some(dma_notify), None, ctx) {
                Some(m) => c.dma = m,
                None => {
                    spdk_log::errlog!("VFIO: cannot DMA-map the registered memory");
                    libc::ioctl(fd.as_raw_fd(), VFIO_GROUP_UNSET_CONTAINER);
                    return Err(-libc::ENOMEM);
                }
            }
        }
    }
    c.groups.insert(num, Group { fd, users: 1 });
    Ok(())
}

/// Drops one user of group `num`; the last one takes the group out of the
/// container, and the last group ends the DMA mappings.
fn leave_group(c: &mut Container, num: u32) {
    let Some(g) = c.groups.get_mut(&num) else {
        return;
    };
    g.users -= 1;
    if g.users > 0 {
        return;
    }
    if c.groups.len() == 1 && !c.dma.is_null() {
        // SAFETY: created by alloc_map in join_group; unmaps every region.
        unsafe { mem_map::free_map(c.dma) };
        c.dma = std::ptr::null_mut();
    }
    if let Some(g) = c.groups.remove(&num) {
        // SAFETY: our group descriptor.
        unsafe { libc::ioctl(g.fd.as_raw_fd(), VFIO_GROUP_UNSET_CONTAINER) };
    }
}

/// Whether device DMA may use the environment's memory: it must come from
/// hugepages (pinned, never moved or swapped while a device writes it).
fn check_hugepages() -> Result<(), i32> {
    if !crate::memory::hugepages_allowed() {
        spdk_log::errlog!("PCI devices need DMA memory from hugepages, and the environment was started without them (no_huge)");
        return Err(-libc::ENOMEM);
    }
    if !crate::memory::uses_hugepages() && crate::memory::hugepages_configured() == 0 {
        spdk_log::errlog!(
            "PCI devices need DMA memory from hugepages and this machine has none (configure some: echo 64 > /proc/sys/vm/nr_hugepages)"
        );
        return Err(-libc::ENOMEM);
    }
    Ok(())
}

/// An open VFIO device.
pub struct Device {
    fd: OwnedFd,
    group: u32,
    pub num_regions: u32,
}

/// Opens the device `sys` describes through VFIO, explaining why it cannot
/// be used when that is so (not bound to vfio-pci, no IOMMU group, no
/// /dev/vfio, not root, no hugepages).
pub fn open(sys: &SysDev) -> Result<Device, i32> {
    let bdf = super::format(&sys.addr);
    match sys.driver.as_deref() {
        Some("vfio-pci") => {}
        Some(other) => {
            spdk_log::errlog!(
                "PCI device {bdf} is bound to the '{other}' driver, not vfio-pci: unbind it and bind it to vfio-pci first"
            );
            return Err(-libc::ENODEV);
        }
        None => {
            spdk_log::errlog!(
                "PCI device {bdf} is not bound to any driver: bind it to vfio-pci first"
            );
            return Err(-libc::ENODEV);
        }
    }
    let Some(group) = sys.iommu_group else {
        spdk_log::errlog!("PCI device {bdf} has no IOMMU group: VFIO needs an enabled IOMMU (intel_iommu=on / amd_iommu=on)");
        return Err(-libc::ENODEV);
    };
    let dir = vfio_dir();
    if !dir.join("vfio").exists() {
        return Err(open_error(&dir.join("vfio"), libc::ENOENT));
    }
    let mut guard = VFIO.lock().unwrap_or_else(|e| e.into_inner());
    if guard.is_none() {
        *guard = Some(open_container(&dir)?);
    }
    check_hugepages()?;
    let c = guard.as_mut().expect("just set");
    join_group(c, &dir, group)?;
    let name = CString::new(bdf.as_str()).map_err(|_| -libc::EINVAL)?;
    let gfd = c.groups[&group].fd.as_raw_fd();
    // SAFETY: ioctls on our descriptors, results checked.
    let fd = unsafe { libc::ioctl(gfd, VFIO_GROUP_GET_DEVICE_FD, name.as_ptr()) };
    if fd < 0 {
        let e = errno();
        spdk_log::errlog!(
            "VFIO: cannot open device {bdf}: {}",
            std::io::Error::from_raw_os_error(e)
        );
        leave_group(c, group);
        return Err(-e);
    }
    // SAFETY: a fresh descriptor we own.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut info = DeviceInfo {
        argsz: size_of::<DeviceInfo>() as u32,
        flags: 0,
        num_regions: 0,
        num_irqs: 0,
        cap_offset: 0,
    };
    // SAFETY: as above.
    if unsafe { libc::ioctl(fd.as_raw_fd(), VFIO_DEVICE_GET_INFO, &mut info) } != 0 {
        let e = errno();
        leave_group(c, group);
        return Err(-e);
    }
    if info.flags & VFIO_DEVICE_FLAGS_RESET != 0 {
        // A clean device, whatever a previous user left running. Not all
        // devices can; that is no error.
        // SAFETY: as above.
        unsafe { libc::ioctl(fd.as_raw_fd(), VFIO_DEVICE_RESET) };
    }
    Ok(Device {
        fd,
        group,
        num_regions: info.num_regions,
    })
}

/// Closes a device; its group leaves the container when it was the last.
pub fn close(dev: Device) {
    let mut guard = VFIO.lock().unwrap_or_else(|e| e.into_inner());
    let group = dev.group;
    drop(dev.fd);
    if let Some(c) = guard.as_mut() {
        leave_group(c, group);
    }
}

impl Device {
    pub fn region(&self, index: u32) -> Result<RegionInfo, i32> {
        if index >= self.num_regions {
            return Err(-libc::EINVAL);
        }
        let mut r = RegionInfo {
            argsz: size_of::<RegionInfo>() as u32,
            index,
            ..Default::default()
        };
        // SAFETY: ioctl on our descriptor.
        if unsafe { libc::ioctl(self.fd.as_raw_fd(), VFIO_DEVICE_GET_REGION_INFO, &mut r) } != 0 {
            return Err(-errno());
        }
        Ok(r)
    }

    /// Maps a BAR (regions 0-5) into the process: its address and size.
    pub fn map_bar(&self, bar: u32) -> Result<(*mut u8, u64), i32> {
        if bar > 5 {
            return Err(-libc::EINVAL);
        }
        let r = self.region(bar)?;
        if r.size == 0 {
            return Err(-libc::ENODEV);
        }
        if r.flags & VFIO_REGION_INFO_FLAG_MMAP == 0 {
            spdk_log::errlog!(
                "BAR {bar} cannot be mapped (not an MMIO region, or VFIO forbids it)"
            );
            return Err(-libc::ENOTSUP);
        }
        // SAFETY: maps the region of our device file; checked.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                r.size as usize,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                self.fd.as_raw_fd(),
                r.offset as libc::off_t,
            )
        };
        if p == libc::MAP_FAILED {
            let e = errno();
            spdk_log::errlog!(
                "mmap of BAR {bar} failed: {}",
                std::io::Error::from_raw_os_error(e)
            );
            return Err(-e);
        }
        Ok((p.cast(), r.size))
    }

    /// Reads configuration space at `offset`.
    pub fn cfg_read(&self, buf: &mut [u8], offset: u32) -> Result<(), i32> {
        let r = self.region(CONFIG_REGION)?;
        if offset as u64 + buf.len() as u64 > r.size {
            return Err(-libc::EINVAL);
        }
        // SAFETY: reads into our buffer.
        let n = unsafe {
            libc::pread(
                self.fd.as_raw_fd(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                (r.offset + offset as u64) as libc::off_t,
            )
        };
        if n != buf.len() as isize {
            return Err(-libc::EIO);
        }
        Ok(())
    }

    /// Writes configuration space at `offset`.
    pub fn cfg_write(&self, buf: &[u8], offset: u32) -> Result<(), i32> {
        let r = self.region(CONFIG_REGION)?;
        if offset as u64 + buf.len() as u64 > r.size {
            return Err(-libc::EINVAL);
        }
        // SAFETY: writes from our buffer.
        let n = unsafe {
            libc::pwrite(
                self.fd.as_raw_fd(),
                buf.as_ptr().cast(),
                buf.len(),
                (r.offset + offset as u64) as libc::off_t,
            )
        };
        if n != buf.len() as isize {
            return Err(-libc::EIO);
        }
        Ok(())
    }
}
