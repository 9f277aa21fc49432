//! PCI drivers and devices as SPDK's env layer has them, without DPDK:
//! drivers are id tables registered by name; devices are found in sysfs,
//! opened through VFIO when a driver's enumerate callback takes them, and
//! listed while attached.
//!
//! Callbacks into the caller never run under the registry lock, so they
//! may call back into this module (claim, map a BAR, read config space).

use super::sysfs::{self, SysDev};
use super::{vfio, Addr};
use crate::ffi::env::pci_device::{spdk_pci_device, PciDeviceInternal, PciDeviceTailq};
use crate::ffi::env::{spdk_pci_addr, spdk_pci_id};
use std::ffi::{c_void, CStr, CString};
use std::path::PathBuf;
use std::ptr;
use std::sync::Mutex;

pub const PCI_ANY_ID: u16 = 0xffff;
pub const PCI_CLASS_ANY_ID: u32 = 0xff_ffff;
pub const PCI_CLASS_NVME: u32 = 0x01_0802;
pub const DRIVER_NEED_MAPPING: u32 = 1;
pub const DRIVER_WC_ACTIVATE: u32 = 2;

/// A registered driver (`struct spdk_pci_driver`): a name and the caller's
/// id table, ended by an entry whose vendor_id is 0.
pub struct Driver {
    pub name: CString,
    pub ids: *const spdk_pci_id,
    pub flags: u32,
}

/// A device of this layer, as handed to an enumerate callback: valid until
/// `detach`. The raw pointer is the C `struct spdk_pci_device *`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PciDevice(*mut spdk_pci_device);

// SAFETY: a handle; the device is used by one owner at a time, as in SPDK.
unsafe impl Send for PciDevice {}
unsafe impl Sync for PciDevice {}

impl PciDevice {
    /// The device behind a C pointer, when it is one this layer lists.
    pub fn from_raw(dev: *mut spdk_pci_device) -> Option<PciDevice> {
        is_ours(dev).then_some(PciDevice(dev))
    }

    pub fn as_raw(self) -> *mut spdk_pci_device {
        self.0
    }

    fn get(&self) -> &spdk_pci_device {
        // SAFETY: alive until detach; the owner does not use it after.
        unsafe { &*self.0 }
    }

    #[allow(clippy::mut_from_ref)]
    fn get_mut(&self) -> &mut spdk_pci_device {
        // SAFETY: as above; fields are changed by the owner only.
        unsafe { &mut *self.0 }
    }

    pub fn addr(&self) -> Addr {
        from_c_addr(&self.get().addr)
    }

    pub fn id(&self) -> spdk_pci_id {
        self.get().id
    }

    pub fn numa_id(&self) -> i32 {
        self.get().numa_id
    }
}

/// Our state behind `dev_handle`.
struct Handle {
    sys: SysDev,
    vfio: Option<vfio::Device>,
    bars: Mutex<[Option<(usize, u64)>; 6]>,
}

struct Registry {
    drivers: Vec<*mut Driver>,
    devices: Vec<*mut spdk_pci_device>,
}

// SAFETY: the pointers are owned by the registry (drivers live forever,
// devices until detach) and only touched under its lock or by the device's
// user.
unsafe impl Send for Registry {}

static REG: Mutex<Registry> = Mutex::new(Registry {
    drivers: Vec::new(),
    devices: Vec::new(),
});

fn reg() -> std::sync::MutexGuard<'static, Registry> {
    REG.lock().unwrap_or_else(|e| e.into_inner())
}

/// Where sysfs lists PCI devices; a test may point it at a fake tree with
/// `SPDK_RS_PCI_SYSFS`.
pub fn sysfs_root() -> PathBuf {
    std::env::var_os("SPDK_RS_PCI_SYSFS")
        .map_or_else(|| PathBuf::from(sysfs::SYSFS_PCI_DEVICES), PathBuf::from)
}

/// The id table of SPDK's NVMe driver: every NVMe class device.
struct IdTable([spdk_pci_id; 2]);
// SAFETY: read-only.
unsafe impl Sync for IdTable {}
static NVME_IDS: IdTable = IdTable([
    spdk_pci_id {
        class_id: PCI_CLASS_NVME,
        vendor_id: PCI_ANY_ID,
        device_id: PCI_ANY_ID,
        subvendor_id: PCI_ANY_ID,
        subdevice_id: PCI_ANY_ID,
    },
    spdk_pci_id {
        class_id: 0,
        vendor_id: 0,
        device_id: 0,
        subvendor_id: 0,
        subdevice_id: 0,
    },
]);

/// Registers a driver (`spdk_pci_driver_register`). The id table stays the
/// caller's and must outlive the process's use of the driver.
pub fn driver_register(name: &CStr, ids: *const spdk_pci_id, flags: u32) -> *mut Driver {
    let mut r = reg();
    builtins(&mut r);
    let d = Box::into_raw(Box::new(Driver {
        name: name.to_owned(),
        ids,
        flags,
    }));
    r.drivers.push(d);
    d
}

/// SPDK registers its NVMe driver from a constructor; ours is there from
/// the first look at the registry.
fn builtins(r: &mut Registry) {
    if r.drivers.is_empty() {
        r.drivers.push(Box::into_raw(Box::new(Driver {
            name: c"nvme".to_owned(),
            ids: NVME_IDS.0.as_ptr(),
            flags: DRIVER_NEED_MAPPING | DRIVER_WC_ACTIVATE,
        })));
    }
}

/// The first driver registered under `name`.
pub fn get_driver(name: &str) -> Option<*mut Driver> {
    let mut r = reg();
    builtins(&mut r);
    r.drivers
        .iter()
        .copied()
        // SAFETY: drivers are never freed.
        .find(|d| unsafe { (**d).name.to_bytes() } == name.as_bytes())
}

/// SPDK's NVMe driver (`spdk_pci_nvme_get_driver`).
pub fn nvme_driver() -> &'static Driver {
    let d = get_driver("nvme").expect("built in");
    // SAFETY: registered drivers are never freed.
    unsafe { &*d }
}

/// The driver behind a C pointer, when it is a registered one.
pub fn driver_from_raw(d: *const Driver) -> Option<&'static Driver> {
    let found = reg()
        .drivers
        .iter()
        .copied()
        .find(|x| std::ptr::eq(*x, d))?;
    // SAFETY: registered drivers are never freed.
    Some(unsafe { &*found })
}

fn id_matches(id: &spdk_pci_id, s: &SysDev) -> bool {
    (id.class_id == PCI_CLASS_ANY_ID || id.class_id == s.class_id)
        && (id.vendor_id == PCI_ANY_ID || id.vendor_id == s.vendor_id)
        && (id.device_id == PCI_ANY_ID || id.device_id == s.device_id)
        && (id.subvendor_id == PCI_ANY_ID || id.subvendor_id == s.subvendor_id)
        && (id.subdevice_id == PCI_ANY_ID || id.subdevice_id == s.subdevice_id)
}

/// Whether `drv`'s id table names the device.
pub fn driver_matches(drv: &Driver, s: &SysDev) -> bool {
    let mut p = drv.ids;
    if p.is_null() {
        return false;
    }
    // SAFETY: the table is the registrant's, ended by vendor_id 0.
    unsafe {
        while (*p).vendor_id != 0 {
            if id_matches(&*p, s) {
                return true;
            }
            p = p.add(1);
        }
    }
    false
}

fn to_c_addr(a: &Addr) -> spdk_pci_addr {
    spdk_pci_addr {
        domain: a.domain,
        bus: a.bus,
        dev: a.dev,
        func: a.func,
    }
}

pub fn from_c_addr(a: &spdk_pci_addr) -> Addr {
    Addr {
        domain: a.domain,
        bus: a.bus,
        dev: a.dev,
        func: a.func,
    }
}

fn handle(dev: PciDevice) -> &'static Handle {
    // SAFETY: devices of this module carry a Handle until detached.
    unsafe { &*(dev.get().dev_handle as *const Handle) }
}

/// Whether `dev` is a device this module created and still lists.
fn is_ours(dev: *mut spdk_pci_device) -> bool {
    !dev.is_null() && reg().devices.contains(&dev)
}

/// Opens `sys` through VFIO and wraps it as a (not yet listed) device.
fn create(sys: SysDev, drv: &'static Driver) -> Result<*mut spdk_pci_device, i32> {
    let v = vfio::open(&sys)?;
    let h = Box::new(Handle {
        vfio: Some(v),
        bars: Mutex::new([None; 6]),
        sys: sys.clone(),
    });
    let dev = Box::new(spdk_pci_device {
        parent: ptr::null_mut(),
        dev_handle: Box::into_raw(h).cast(),
        addr: to_c_addr(&sys.addr),
        id: spdk_pci_id {
            class_id: sys.class_id,
            vendor_id: sys.vendor_id,
            device_id: sys.device_id,
            subvendor_id: sys.subvendor_id,
            subdevice_id: sys.subdevice_id,
        },
        numa_id: sys.numa_id,
        r#type: c"pci".as_ptr(),
        map_bar: Some(cb_map_bar),
        unmap_bar: Some(cb_unmap_bar),
        cfg_read: Some(cb_cfg_read),
        cfg_write: Some(cb_cfg_write),
        internal: PciDeviceInternal {
            driver: drv as *const Driver as *mut _,
            attached: false,
            claim_fd: -1,
            pending_removal: false,
            removed: false,
            tailq: PciDeviceTailq {
                tqe_next: ptr::null_mut(),
                tqe_prev: ptr::null_mut(),
            },
        },
    });
    Ok(Box::into_raw(dev))
}

/// Unmaps, closes and frees a device created by `create`.
///
/// # Safety
/// `dev` comes from `create` and is not listed any more.
unsafe fn destroy(dev: *mut spdk_pci_device) {
    let d = Box::from_raw(dev);
    if d.internal.claim_fd >= 0 {
        unclaim_raw(&d.addr, d.internal.claim_fd);
    }
    let mut h = Box::from_raw(d.dev_handle as *mut Handle);
    let bars = *h.bars.lock().unwrap_or_else(|e| e.into_inner());
    for (p, len) in bars.into_iter().flatten() {
        libc::munmap(p as *mut c_void, len as usize);
    }
    if let Some(v) = h.vfio.take() {
        vfio::close(v);
    }
}

/// Offers `dev` to `cb`; lists it when taken (0), frees it otherwise
/// (unless the callback already detached it). Returns the callback's
/// answer.
fn offer(dev: *mut spdk_pci_device, cb: &mut dyn FnMut(PciDevice) -> i32) -> i32 {
    reg().devices.push(dev);
    let rc = cb(PciDevice(dev));
    let mut r = reg();
    let Some(pos) = r.devices.iter().position(|d| *d == dev) else {
        // A callback that gave up on the device detached it itself.
        return if rc == 0 { 1 } else { rc };
    };
    if rc == 0 {
        // SAFETY: ours and listed.
        unsafe { (*dev).internal.attached = true };
    } else {
        r.devices.remove(pos);
        drop(r);
        // SAFETY: created by `create`, no longer listed.
        unsafe { destroy(dev) };
    }
    rc
}

/// `spdk_pci_enumerate`: offers every device `drv` handles and nobody has
/// attached to `cb`. Devices bound to another kernel driver are skipped
/// with a notice; devices that cannot be opened are skipped with the error
/// logged. Err(-1) only when `cb` returned a negative value.
pub fn enumerate(d: &'static Driver, cb: &mut dyn FnMut(PciDevice) -> i32) -> Result<(), i32> {
    for sys in sysfs::scan(&sysfs_root()) {
        if !driver_matches(d, &sys) {
            continue;
        }
        let known = reg()
            .devices
            .iter()
            // SAFETY: listed devices are alive.
            .any(|p| unsafe { from_c_addr(&(**p).addr) } == sys.addr);
        if known {
            continue;
        }
        if sys.driver.as_deref() != Some("vfio-pci") {
            spdk_log::noticelog!(
                "PCI device {} skipped: {}; bind it to vfio-pci to use it",
                super::format(&sys.addr),
                sys.driver
                    .as_deref()
                    .map_or("bound to no driver".to_string(), |k| format!(
                        "bound to the '{k}' kernel driver"
                    ))
            );
            continue;
        }
        let Ok(dev) = create(sys, d) else { continue };
        if offer(dev, cb) < 0 {
            return Err(-1);
        }
    }
    Ok(())
}

/// `spdk_pci_device_attach`: the device at `addr`, for `drv`, offered to
/// `cb`. Errors name the reason: no such device, not handled by `drv`,
/// already attached, not usable through VFIO (see `vfio::open`), or the
/// callback refused it (-1 as SPDK).
pub fn attach(
    d: &'static Driver,
    addr: &Addr,
    cb: &mut dyn FnMut(PciDevice) -> i32,
) -> Result<(), i32> {
    let bdf = super::format(addr);
    let listed = reg()
        .devices
        .iter()
        .copied()
        // SAFETY: listed devices are alive.
        .find(|p| unsafe { from_c_addr(&(**p).addr) } == *addr);
    if listed.is_some() {
        spdk_log::errlog!("PCI device {bdf} is already attached");
        return Err(-libc::EBUSY);
    }
    let Some(sys) = sysfs::read(&sysfs_root(), addr) else {
        spdk_log::errlog!("no PCI device at {bdf}");
        return Err(-libc::ENODEV);
    };
    if !driver_matches(d, &sys) {
        spdk_log::errlog!(
            "PCI device {bdf} (class {:06x}, {:04x}:{:04x}) is not a device of the '{}' driver",
            sys.class_id,
            sys.vendor_id,
            sys.device_id,
            d.name.to_string_lossy()
        );
        return Err(-libc::ENODEV);
    }
    let dev = create(sys, d)?;
    match offer(dev, cb) {
        0 => Ok(()),
        _ => Err(-1),
    }
}

/// `spdk_pci_device_detach`: releases everything of an attached device.
pub fn detach(dev: PciDevice) {
    let dev = dev.0;
    let mut r = reg();
    let Some(pos) = r.devices.iter().position(|d| *d == dev) else {
        return;
    };
    r.devices.remove(pos);
    drop(r);
    // SAFETY: created by `create`, just unlisted.
    unsafe { destroy(dev) };
}

/// Calls `f` for every listed device (a snapshot of the list).
pub fn for_each(mut f: impl FnMut(PciDevice)) {
    let list = reg().devices.clone();
    for d in list {
        f(PciDevice(d));
    }
}

/// Whether the device was removed (its sysfs entry went away).
pub fn is_removed(dev: PciDevice) -> bool {
    let d = dev.get();
    d.internal.pending_removal
        || d.internal.removed
        || !sysfs::exists(&sysfs_root(), &from_c_addr(&d.addr))
}

fn lock_path(a: &spdk_pci_addr) -> String {
    format!(
        "/var/tmp/spdk_pci_lock_{:04x}:{:02x}:{:02x}.{:x}",
        a.domain, a.bus, a.dev, a.func
    )
}

/// `spdk_pci_device_claim`: a write lock on /var/tmp/spdk_pci_lock_<BDF>
/// holding our pid, as SPDK does, so two processes never drive one device.
pub fn claim(dev: PciDevice) -> Result<(), i32> {
    let d = dev.get_mut();
    let path = lock_path(&d.addr);
    if d.internal.claim_fd >= 0 {
        spdk_log::errlog!("device {path} is already claimed by this process");
        return Err(-libc::EACCES);
    }
    let c = CString::new(path.clone()).map_err(|_| -libc::EINVAL)?;
    // SAFETY: plain syscalls on our descriptor; every result checked.
    unsafe {
        let fd = libc::open(
            c.as_ptr(),
            libc::O_RDWR | libc::O_CREAT | libc::O_CLOEXEC,
            0o600,
        );
        if fd < 0 {
            let e = std::io::Error::last_os_error();
            spdk_log::errlog!("could not open {path}: {e}");
            return Err(-e.raw_os_error().unwrap_or(libc::EIO));
        }
        let isz = size_of::<libc::c_int>();
        if libc::ftruncate(fd, isz as libc::off_t) != 0 {
            let e = std::io::Error::last_os_error();
            spdk_log::errlog!("could not truncate {path}: {e}");
            libc::close(fd);
            return Err(-e.raw_os_error().unwrap_or(libc::EIO));
        }
        let mut lk: libc::flock = std::mem::zeroed();
        lk.l_type = libc::F_WRLCK as _;
        lk.l_whence = libc::SEEK_SET as _;
        if libc::fcntl(fd, libc::F_SETLK, &lk) != 0 {
            let mut pid: libc::c_int = 0;
            libc::pread(fd, (&mut pid as *mut libc::c_int).cast(), isz, 0);
            spdk_log::errlog!(
                "Cannot create lock on device {path}, probably process {pid} has claimed it"
            );
            libc::close(fd);
            return Err(-libc::EACCES);
        }
        let pid = libc::getpid();
        libc::pwrite(fd, (&pid as *const libc::c_int).cast(), isz, 0);
        d.internal.claim_fd = fd;
    }
    Ok(())
}

fn unclaim_raw(a: &spdk_pci_addr, fd: i32) {
    // SAFETY: our lock descriptor; the file is ours to remove.
    unsafe {
        libc::close(fd);
        if let Ok(c) = CString::new(lock_path(a)) {
            libc::unlink(c.as_ptr());
        }
    }
}

/// `spdk_pci_device_unclaim`.
pub fn unclaim(dev: PciDevice) {
    let d = dev.get_mut();
    if d.internal.claim_fd >= 0 {
        unclaim_raw(&d.addr, d.internal.claim_fd);
        d.internal.claim_fd = -1;
    }
}

/// Physical (bus) address of a BAR, from sysfs `resource`.
fn bar_phys(sys: &SysDev, bar: u32) -> u64 {
    let path = sysfs_root().join(super::format(&sys.addr)).join("resource");
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| {
            let line = s.lines().nth(bar as usize)?.to_string();
            let start = line.split_whitespace().next()?;
            u64::from_str_radix(start.trim_start_matches("0x"), 16).ok()
        })
        .unwrap_or(0)
}

/// Maps a BAR (once; later calls give the same mapping): address, bus
/// address and size.
pub fn map_bar(dev: PciDevice, bar: u32) -> Result<(*mut u8, u64, u64), i32> {
    let h = handle(dev);
    if bar > 5 {
        return Err(-libc::EINVAL);
    }
    let v = h.vfio.as_ref().ok_or(-libc::ENODEV)?;
    let mut bars = h.bars.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((p, len)) = bars[bar as usize] {
        return Ok((p as *mut u8, bar_phys(&h.sys, bar), len));
    }
    let (p, len) = v.map_bar(bar)?;
    bars[bar as usize] = Some((p as usize, len));
    Ok((p, bar_phys(&h.sys, bar), len))
}

/// Unmaps a BAR mapped by `map_bar` at `addr`.
pub fn unmap_bar(dev: PciDevice, bar: u32, addr: *mut c_void) -> Result<(), i32> {
    let h = handle(dev);
    if bar > 5 {
        return Err(-libc::EINVAL);
    }
    let mut bars = h.bars.lock().unwrap_or_else(|e| e.into_inner());
    match bars[bar as usize] {
        Some((p, len)) if p == addr as usize => {
            // SAFETY: our mapping.
            unsafe { libc::munmap(p as *mut c_void, len as usize) };
            bars[bar as usize] = None;
            Ok(())
        }
        _ => Err(-libc::EINVAL),
    }
}

/// Reads configuration space.
pub fn cfg_read(dev: PciDevice, buf: &mut [u8], offset: u32) -> Result<(), i32> {
    let h = handle(dev);
    h.vfio.as_ref().ok_or(-libc::ENODEV)?.cfg_read(buf, offset)
}

/// Writes configuration space.
pub fn cfg_write(dev: PciDevice, buf: &[u8], offset: u32) -> Result<(), i32> {
    let h = handle(dev);
    h.vfio.as_ref().ok_or(-libc::ENODEV)?.cfg_write(buf, offset)
}

unsafe extern "C" fn cb_map_bar(
    dev: *mut spdk_pci_device,
    bar: u32,
    mapped_addr: *mut *mut c_void,
    phys_addr: *mut u64,
    size: *mut u64,
) -> i32 {
    if mapped_addr.is_null() || phys_addr.is_null() || size.is_null() {
        return -libc::EINVAL;
    }
    let Some(dev) = PciDevice::from_raw(dev) else {
        return -libc::EINVAL;
    };
    match map_bar(dev, bar) {
        Ok((p, phys, len)) => {
            *mapped_addr = p.cast();
            *phys_addr = phys;
            *size = len;
            0
        }
        Err(e) => e,
    }
}

unsafe extern "C" fn cb_unmap_bar(dev: *mut spdk_pci_device, bar: u32, addr: *mut c_void) -> i32 {
    let Some(dev) = PciDevice::from_raw(dev) else {
        return -libc::EINVAL;
    };
    unmap_bar(dev, bar, addr).err().unwrap_or(0)
}

unsafe extern "C" fn cb_cfg_read(
    dev: *mut spdk_pci_device,
    value: *mut c_void,
    len: u32,
    offset: u32,
) -> i32 {
    if value.is_null() {
        return -libc::EINVAL;
    }
    let Some(dev) = PciDevice::from_raw(dev) else {
        return -libc::EINVAL;
    };
    let buf = std::slice::from_raw_parts_mut(value.cast::<u8>(), len as usize);
    cfg_read(dev, buf, offset).err().unwrap_or(0)
}

unsafe extern "C" fn cb_cfg_write(
    dev: *mut spdk_pci_device,
    value: *mut c_void,
    len: u32,
    offset: u32,
) -> i32 {
    if value.is_null() {
        return -libc::EINVAL;
    }
    let Some(dev) = PciDevice::from_raw(dev) else {
        return -libc::EINVAL;
    };
    let buf = std::slice::from_raw_parts(value.cast::<u8>(), len as usize);
    cfg_write(dev, buf, offset).err().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::super::sysfs::tests::fake_dev;
    use super::*;

    #[test]
    fn attach_explains_why_a_device_cannot_be_used() {
        let root = std::env::temp_dir().join(format!("spdk-pcidev-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        fake_dev(&root, "0000:00:04.0", PCI_CLASS_NVME, Some("nvme"));
        fake_dev(&root, "0000:00:05.0", PCI_CLASS_NVME, None);
        fake_dev(&root, "0000:00:06.0", PCI_CLASS_NVME, Some("vfio-pci"));
        fake_dev(&root, "0000:00:07.0", 0x020000, Some("vfio-pci"));
        // SAFETY: the only test of this crate that reads these variables.
        unsafe {
            std::env::set_var("SPDK_RS_PCI_SYSFS", &root);
            std::env::set_var("SPDK_RS_VFIO_DIR", root.join("no-vfio"));
        }
        let nvme = nvme_driver();
        let mut called = 0;
        let mut cb = |_d: PciDevice| {
            called += 1;
            0
        };
        let at = |s: &str| super::super::parse(s).unwrap();
        assert_eq!(
            attach(nvme, &at("0000:00:04.0"), &mut cb),
            Err(-libc::ENODEV)
        );
        assert_eq!(
            attach(nvme, &at("0000:00:05.0"), &mut cb),
            Err(-libc::ENODEV)
        );
        assert_eq!(
            attach(nvme, &at("0000:00:06.0"), &mut cb),
            Err(-libc::ENODEV)
        );
        assert_eq!(
            attach(nvme, &at("0000:00:07.0"), &mut cb),
            Err(-libc::ENODEV)
        );
        assert_eq!(
            attach(nvme, &at("0000:00:1f.0"), &mut cb),
            Err(-libc::ENODEV)
        );
        assert_eq!(enumerate(nvme, &mut cb), Ok(()));
        assert_eq!(called, 0);
        assert!(get_driver("nvme").is_some());
        assert!(get_driver("nope").is_none());
        assert!(PciDevice::from_raw(std::ptr::null_mut()).is_none());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn id_tables_match_like_dpdk() {
        let s = SysDev {
            addr: Addr::default(),
            class_id: PCI_CLASS_NVME,
            vendor_id: 0x1b36,
            device_id: 0x0010,
            subvendor_id: 0x1af4,
            subdevice_id: 0x1100,
            numa_id: -1,
            driver: None,
            iommu_group: None,
        };
        assert!(driver_matches(nvme_driver(), &s));
        let ids = Box::leak(Box::new([
            spdk_pci_id {
                class_id: PCI_CLASS_ANY_ID,
                vendor_id: 0x1b36,
                device_id: 0x0011,
                subvendor_id: PCI_ANY_ID,
                subdevice_id: PCI_ANY_ID,
            },
            spdk_pci_id {
                class_id: 0,
                vendor_id: 0,
                device_id: 0,
                subvendor_id: 0,
                subdevice_id: 0,
            },
        ]));
        let d = driver_register(c"other", ids.as_ptr(), 0);
        // SAFETY: just registered.
        let d = unsafe { &*d };
        assert!(!driver_matches(d, &s));
        ids[0].device_id = 0x0010;
        assert!(driver_matches(d, &s));
        assert!(driver_from_raw(d).is_some());
    }
}
