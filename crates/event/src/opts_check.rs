//! The spdk_app_opts fields that SPDK hands to DPDK or to libraries we do
//! not have. Those that only tune DPDK's own memory layout change nothing
//! here and are accepted with a notice; those that promise behaviour we
//! cannot give (interrupt mode, PCI allow/block lists, physical IOVAs,
//! NUMA-enforced memory on a multi-node machine) make spdk_app_start fail
//! rather than be silently ignored.

use std::ffi::CStr;

use crate::ffi::event::opts::spdk_app_opts;

/// SPDK's default --base-virtaddr.
const DEFAULT_BASE_VIRTADDR: u64 = 0x2000_0000_0000;

fn no_effect(what: &str, why: &str) {
    spdk_log::noticelog!("{what} has no effect here: {why}");
}

/// NUMA nodes of the machine (1 when sysfs does not say).
fn numa_nodes() -> usize {
    let n = std::fs::read_dir("/sys/devices/system/node")
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| {
                    let name = e.file_name();
                    let name = name.to_string_lossy();
                    name.strip_prefix("node")
                        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
                })
                .count()
        })
        .unwrap_or(0);
    n.max(1)
}

/// Logs the fields without effect and refuses those we cannot honour.
///
/// # Safety
/// The string fields of `o` are NULL or valid C strings.
pub(crate) unsafe fn check(o: &spdk_app_opts) -> Result<(), ()> {
    if o.interrupt_mode {
        spdk_log::errlog!(
            "Interrupt mode (--interrupt-mode) is not supported by this SPDK: reactors always poll"
        );
        return Err(());
    }
    if !o.pci_allowed.is_null() || !o.pci_blocked.is_null() {
        spdk_log::errlog!(
            "PCI allow/block lists (-A/-B) are not supported by this SPDK: it does not probe PCI devices yet"
        );
        return Err(());
    }
    if !o.iova_mode.is_null() {
        let mode = CStr::from_ptr(o.iova_mode).to_string_lossy();
        match &*mode {
            // What this environment always does.
            "va" => {}
            "pa" => {
                spdk_log::errlog!(
                    "IOVA mode 'pa' is not supported by this SPDK: IOVAs are always virtual addresses"
                );
                return Err(());
            }
            _ => {
                spdk_log::errlog!("Invalid IOVA mode '{mode}' (expected 'pa' or 'va')");
                return Err(());
            }
        }
    }
    if o.enforce_numa {
        if numa_nodes() > 1 {
            spdk_log::errlog!(
                "--enforce-numa is not supported by this SPDK on a machine with several NUMA nodes: memory is not placed per node"
            );
            return Err(());
        }
        no_effect("--enforce-numa", "the machine has one NUMA node");
    }
    if o.base_virtaddr != DEFAULT_BASE_VIRTADDR {
        no_effect("--base-virtaddr", "there is no DPDK memory map to place");
    }
    if o.hugepage_single_segments {
        no_effect(
            "-g/--single-file-segments",
            "hugepage memory is anonymous, not files",
        );
    }
    if o.unlink_hugepage {
        no_effect(
            "-R/--huge-unlink",
            "hugepage memory is anonymous, not files",
        );
    }
    if o.mem_channel > 0 {
        no_effect("-n/--mem-channels", "it is a DPDK allocation hint");
    }
    if !o.env_context.is_null() {
        no_effect(
            "--env-context",
            "there are no DPDK EAL arguments to add it to",
        );
    }
    if !o.vf_token.is_null() {
        no_effect(
            "--vfio-vf-token",
            "no PCI device is bound to VFIO by this SPDK yet",
        );
    }
    Ok(())
}
