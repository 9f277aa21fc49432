//! spdk_pci_*: the C ABI of PCI drivers and devices (crate::pci). The
//! device struct is written in C in env.post.h (it has an anonymous
//! union); the Rust mirror below has its layout.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr;

use super::{spdk_pci_addr, spdk_pci_id};
use crate::pci::device::{self, PciDevice};

/// A registered PCI driver (opaque).
pub struct spdk_pci_driver {
    _opaque: [u8; 0],
}

/// `TAILQ_ENTRY(spdk_pci_device)`.
#[doc(hidden)]
#[repr(C)]
pub struct PciDeviceTailq {
    pub tqe_next: *mut spdk_pci_device,
    pub tqe_prev: *mut *mut spdk_pci_device,
}

/// `struct _spdk_pci_device_internal`.
#[doc(hidden)]
#[repr(C)]
pub struct PciDeviceInternal {
    pub driver: *mut spdk_pci_driver,
    pub attached: bool,
    pub claim_fd: c_int,
    pub pending_removal: bool,
    pub removed: bool,
    pub tailq: PciDeviceTailq,
}

/// `struct spdk_pci_device` (its C form is in env.post.h).
#[doc(hidden)]
#[repr(C)]
pub struct spdk_pci_device {
    pub parent: *mut spdk_pci_device,
    pub dev_handle: *mut c_void,
    pub addr: spdk_pci_addr,
    pub id: spdk_pci_id,
    /// Also `socket_id` in C (an anonymous union).
    pub numa_id: c_int,
    pub r#type: *const c_char,
    pub map_bar: Option<
        unsafe extern "C" fn(
            dev: *mut spdk_pci_device,
            bar: u32,
            mapped_addr: *mut *mut c_void,
            phys_addr: *mut u64,
            size: *mut u64,
        ) -> c_int,
    >,
    pub unmap_bar: Option<
        unsafe extern "C" fn(dev: *mut spdk_pci_device, bar: u32, addr: *mut c_void) -> c_int,
    >,
    pub cfg_read: Option<
        unsafe extern "C" fn(
            dev: *mut spdk_pci_device,
            value: *mut c_void,
            len: u32,
            offset: u32,
        ) -> c_int,
    >,
    pub cfg_write: Option<
        unsafe extern "C" fn(
            dev: *mut spdk_pci_device,
            value: *mut c_void,
            len: u32,
            offset: u32,
        ) -> c_int,
    >,
    pub internal: PciDeviceInternal,
}

const _: () = {
    use std::mem::{offset_of, size_of};
    assert!(size_of::<spdk_pci_device>() == 120);
    assert!(offset_of!(spdk_pci_device, addr) == 16);
    assert!(offset_of!(spdk_pci_device, id) == 24);
    assert!(offset_of!(spdk_pci_device, numa_id) == 36);
    assert!(offset_of!(spdk_pci_device, r#type) == 40);
    assert!(offset_of!(spdk_pci_device, map_bar) == 48);
    assert!(offset_of!(spdk_pci_device, internal) == 80);
    assert!(offset_of!(PciDeviceInternal, claim_fd) == 12);
    assert!(offset_of!(PciDeviceInternal, tailq) == 24);
};

/// Called for each device offered to a driver: 0 takes (attaches) it, 1
/// leaves it, -1 stops the enumeration with an error.
pub type spdk_pci_enum_cb =
    Option<unsafe extern "C" fn(enum_ctx: *mut c_void, dev: *mut spdk_pci_device) -> c_int>;

fn drv(d: *mut spdk_pci_driver) -> Option<&'static device::Driver> {
    device::driver_from_raw(d as *const device::Driver)
}

fn ours(dev: *mut spdk_pci_device) -> Option<PciDevice> {
    PciDevice::from_raw(dev)
}

/// Registers a driver by name for the devices of `id_table` (ended by an
/// entry with vendor_id 0; the table must stay valid). Used by
/// `SPDK_PCI_DRIVER_REGISTER`. NULL arguments are ignored.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_driver_register(
    name: *const c_char,
    id_table: *mut spdk_pci_id,
    flags: u32,
) {
    if name.is_null() || id_table.is_null() {
        spdk_log::errlog!("spdk_pci_driver_register: NULL name or id table");
        return;
    }
    device::driver_register(CStr::from_ptr(name), id_table, flags);
}

/// The driver registered under `name` ("nvme" is built in), or NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_get_driver(name: *const c_char) -> *mut spdk_pci_driver {
    if name.is_null() {
        return ptr::null_mut();
    }
    let name = CStr::from_ptr(name).to_string_lossy();
    device::get_driver(&name).map_or(ptr::null_mut(), |d| d.cast())
}

/// SPDK's NVMe driver: every device of class 01:08:02.
#[no_mangle]
pub extern "C" fn spdk_pci_nvme_get_driver() -> *mut spdk_pci_driver {
    device::nvme_driver() as *const device::Driver as *mut spdk_pci_driver
}

fn c_cb(
    cb: unsafe extern "C" fn(*mut c_void, *mut spdk_pci_device) -> c_int,
    ctx: *mut c_void,
) -> impl FnMut(PciDevice) -> i32 {
    // SAFETY: the caller's callback, called as documented.
    move |dev| unsafe { cb(ctx, dev.as_raw()) }
}

/// Offers every device of `driver` that nobody attached, and that is bound
/// to vfio-pci, to `enum_cb`; those it takes (0) stay attached until
/// `spdk_pci_device_detach`. Devices bound to another driver are skipped
/// with a notice, those VFIO cannot open with an error message. 0, or -1
/// when the callback returned a negative value or an argument is bad.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_enumerate(
    driver: *mut spdk_pci_driver,
    enum_cb: spdk_pci_enum_cb,
    enum_ctx: *mut c_void,
) -> c_int {
    let (Some(d), Some(cb)) = (drv(driver), enum_cb) else {
        return -1;
    };
    device::enumerate(d, &mut c_cb(cb, enum_ctx))
        .err()
        .unwrap_or(0)
}

/// Attaches the device at `pci_address` for `driver` and offers it to
/// `enum_cb`. 0; -EINVAL (bad argument); -ENODEV (no such device, not one
/// of the driver's, not bound to vfio-pci, no IOMMU group, no /dev/vfio);
/// -EACCES (not root); -ENOMEM (no hugepages); -EBUSY (already attached);
/// -1 when the callback did not take it. The reason is logged.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_attach(
    driver: *mut spdk_pci_driver,
    enum_cb: spdk_pci_enum_cb,
    enum_ctx: *mut c_void,
    pci_address: *mut spdk_pci_addr,
) -> c_int {
    let (Some(d), Some(cb), Some(a)) = (drv(driver), enum_cb, pci_address.as_ref()) else {
        return -libc::EINVAL;
    };
    device::attach(d, &device::from_c_addr(a), &mut c_cb(cb, enum_ctx))
        .err()
        .unwrap_or(0)
}

/// Releases an attached device: its claim, BAR mappings and VFIO handles.
#[no_mangle]
pub extern "C" fn spdk_pci_device_detach(device: *mut spdk_pci_device) {
    if let Some(d) = ours(device) {
        device::detach(d)
    }
}

/// Calls `fn(ctx, dev)` for every attached device.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_for_each_device(
    ctx: *mut c_void,
    r#fn: Option<unsafe extern "C" fn(ctx: *mut c_void, dev: *mut spdk_pci_device)>,
) {
    let Some(f) = r#fn else { return };
    device::for_each(|d| f(ctx, d.as_raw()));
}

/// Maps BAR `bar` (through the device's `map_bar`): its address, bus
/// address and size. 0 or a negative errno.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_map_bar(
    dev: *mut spdk_pci_device,
    bar: u32,
    mapped_addr: *mut *mut c_void,
    phys_addr: *mut u64,
    size: *mut u64,
) -> c_int {
    let Some(d) = dev.as_ref() else {
        return -libc::EINVAL;
    };
    let Some(f) = d.map_bar else {
        return -libc::ENOTSUP;
    };
    if mapped_addr.is_null() || phys_addr.is_null() || size.is_null() {
        return -libc::EINVAL;
    }
    f(dev, bar, mapped_addr, phys_addr, size)
}

/// Unmaps a BAR mapped with `spdk_pci_device_map_bar`. 0 or a negative errno.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_unmap_bar(
    dev: *mut spdk_pci_device,
    bar: u32,
    mapped_addr: *mut c_void,
) -> c_int {
    let Some(d) = dev.as_ref() else {
        return -libc::EINVAL;
    };
    let Some(f) = d.unmap_bar else {
        return -libc::ENOTSUP;
    };
    f(dev, bar, mapped_addr)
}

/// Reads `len` bytes of configuration space at `offset`. 0 or a negative errno.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_cfg_read(
    dev: *mut spdk_pci_device,
    buf: *mut c_void,
    len: u32,
    offset: u32,
) -> c_int {
    let Some(d) = dev.as_ref() else {
        return -libc::EINVAL;
    };
    let Some(f) = d.cfg_read else {
        return -libc::ENOTSUP;
    };
    if buf.is_null() {
        return -libc::EINVAL;
    }
    f(dev, buf, len, offset)
}

/// Writes `len` bytes of configuration space at `offset`. 0 or a negative errno.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_cfg_write(
    dev: *mut spdk_pci_device,
    buf: *mut c_void,
    len: u32,
    offset: u32,
) -> c_int {
    let Some(d) = dev.as_ref() else {
        return -libc::EINVAL;
    };
    let Some(f) = d.cfg_write else {
        return -libc::ENOTSUP;
    };
    if buf.is_null() {
        return -libc::EINVAL;
    }
    f(dev, buf, len, offset)
}

/// Reads one byte of configuration space.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_cfg_read8(
    dev: *mut spdk_pci_device,
    value: *mut u8,
    offset: u32,
) -> c_int {
    spdk_pci_device_cfg_read(dev, value.cast(), 1, offset)
}

/// Writes one byte of configuration space.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_cfg_write8(
    dev: *mut spdk_pci_device,
    mut value: u8,
    offset: u32,
) -> c_int {
    spdk_pci_device_cfg_write(dev, (&mut value as *mut u8).cast(), 1, offset)
}

/// Reads two bytes of configuration space.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_cfg_read16(
    dev: *mut spdk_pci_device,
    value: *mut u16,
    offset: u32,
) -> c_int {
    spdk_pci_device_cfg_read(dev, value.cast(), 2, offset)
}

/// Writes two bytes of configuration space.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_cfg_write16(
    dev: *mut spdk_pci_device,
    mut value: u16,
    offset: u32,
) -> c_int {
    spdk_pci_device_cfg_write(dev, (&mut value as *mut u16).cast(), 2, offset)
}

/// Reads four bytes of configuration space.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_cfg_read32(
    dev: *mut spdk_pci_device,
    value: *mut u32,
    offset: u32,
) -> c_int {
    spdk_pci_device_cfg_read(dev, value.cast(), 4, offset)
}

/// Writes four bytes of configuration space.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_cfg_write32(
    dev: *mut spdk_pci_device,
    mut value: u32,
    offset: u32,
) -> c_int {
    spdk_pci_device_cfg_write(dev, (&mut value as *mut u32).cast(), 4, offset)
}

/// The PCIe Device Serial Number capability as 16 hex digits. 0, or -1
/// when the device has none or `len` < 17.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_get_serial_number(
    dev: *mut spdk_pci_device,
    sn: *mut c_char,
    len: usize,
) -> c_int {
    if dev.is_null() || sn.is_null() || len < 17 {
        return -1;
    }
    let read32 = |off: u32| -> Option<u32> {
        let mut v = 0u32;
        (spdk_pci_device_cfg_read32(dev, &mut v, off) == 0).then_some(v)
    };
    // Walk the extended capabilities from 0x100; ID 3 is the serial number.
    let mut pos = 0x100u32;
    for _ in 0..64 {
        let Some(hdr) = read32(pos) else { return -1 };
        if hdr == 0 {
            return -1;
        }
        if hdr & 0xffff == 3 {
            let (Some(lo), Some(hi)) = (read32(pos + 4), read32(pos + 8)) else {
                return -1;
            };
            let s = format!("{hi:08x}{lo:08x}");
            ptr::copy_nonoverlapping(s.as_ptr(), sn.cast::<u8>(), 16);
            *sn.add(16) = 0;
            return 0;
        }
        pos = (hdr >> 20) & 0xffc;
        if pos < 0x100 {
            return -1;
        }
    }
    -1
}

/// Claims the device for this process: a lock on
/// /var/tmp/spdk_pci_lock_<BDF>. 0, -EACCES when claimed already (here or
/// by another process, whose pid is logged), or a negative errno.
#[no_mangle]
pub extern "C" fn spdk_pci_device_claim(dev: *mut spdk_pci_device) -> c_int {
    let Some(d) = ours(dev) else {
        return -libc::EINVAL;
    };
    device::claim(d).err().unwrap_or(0)
}

/// Releases a claim (the lock file goes away).
#[no_mangle]
pub extern "C" fn spdk_pci_device_unclaim(dev: *mut spdk_pci_device) {
    if let Some(d) = ours(dev) {
        device::unclaim(d)
    }
}

/// Whether the device was removed from the system (hot removal).
#[no_mangle]
pub extern "C" fn spdk_pci_device_is_removed(dev: *mut spdk_pci_device) -> bool {
    ours(dev).is_some_and(device::is_removed)
}

/// "pci" for the devices of this layer.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_get_type(dev: *const spdk_pci_device) -> *const c_char {
    dev.as_ref().map_or(ptr::null(), |d| d.r#type)
}

/// The device's address (all zero for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_get_addr(dev: *mut spdk_pci_device) -> spdk_pci_addr {
    dev.as_ref().map_or(
        spdk_pci_addr {
            domain: 0,
            bus: 0,
            dev: 0,
            func: 0,
        },
        |d| d.addr,
    )
}

/// The device's PCI domain.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_get_domain(dev: *mut spdk_pci_device) -> u32 {
    dev.as_ref().map_or(0, |d| d.addr.domain)
}

/// The device's bus number.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_get_bus(dev: *mut spdk_pci_device) -> u8 {
    dev.as_ref().map_or(0, |d| d.addr.bus)
}

/// The device's device number on its bus.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_get_dev(dev: *mut spdk_pci_device) -> u8 {
    dev.as_ref().map_or(0, |d| d.addr.dev)
}

/// The device's function number.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_get_func(dev: *mut spdk_pci_device) -> u8 {
    dev.as_ref().map_or(0, |d| d.addr.func)
}

/// The device's ids (all zero for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_get_id(dev: *mut spdk_pci_device) -> spdk_pci_id {
    dev.as_ref().map_or(
        spdk_pci_id {
            class_id: 0,
            vendor_id: 0,
            device_id: 0,
            subvendor_id: 0,
            subdevice_id: 0,
        },
        |d| d.id,
    )
}

/// The device's vendor id.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_get_vendor_id(dev: *mut spdk_pci_device) -> u16 {
    dev.as_ref().map_or(0, |d| d.id.vendor_id)
}

/// The device's device id.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_get_device_id(dev: *mut spdk_pci_device) -> u16 {
    dev.as_ref().map_or(0, |d| d.id.device_id)
}

/// The device's subsystem vendor id.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_get_subvendor_id(dev: *mut spdk_pci_device) -> u16 {
    dev.as_ref().map_or(0, |d| d.id.subvendor_id)
}

/// The device's subsystem device id.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_get_subdevice_id(dev: *mut spdk_pci_device) -> u16 {
    dev.as_ref().map_or(0, |d| d.id.subdevice_id)
}

/// The NUMA node of the device, or `SPDK_ENV_NUMA_ID_ANY` when unknown.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_device_get_numa_id(dev: *mut spdk_pci_device) -> c_int {
    dev.as_ref().map_or(-1, |d| d.numa_id)
}
