//! The C ABI of include/spdk/vmd.h: initialization and teardown only (see
//! the crate comment); the device list, LED and hotplug calls are not
//! exported since no VMD is ever attached.

use core::ffi::c_int;

use spdk_env::pci::device::sysfs_root;

/// Looks for Intel VMD controllers. 0 when there are none (nothing to
/// attach); -ENOTSUP when there is one: this library cannot enumerate the
/// NVMe devices behind it.
#[no_mangle]
pub extern "C" fn spdk_vmd_init() -> c_int {
    let vmds = crate::find_vmds(&sysfs_root());
    for d in &vmds {
        spdk_log::errlog!(
            "VMD at {}: Intel VMD is not supported by this library; NVMe devices behind it are not available",
            spdk_env::pci::format(&d.addr)
        );
    }
    if vmds.is_empty() {
        0
    } else {
        -libc::ENOTSUP
    }
}

/// Releases what spdk_vmd_init() took: nothing, since it attaches no VMD.
#[no_mangle]
pub extern "C" fn spdk_vmd_fini() {}
