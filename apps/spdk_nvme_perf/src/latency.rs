//! -l: the controller's own latency tracking (Intel's vendor feature and
//! log pages, which SPDK's tool reads when a controller supports them;
//! the others are reported as not supporting it).

use core::cell::Cell;
use core::ffi::c_void;

use spdk_env::ffi::env::{spdk_dma_free, spdk_dma_zmalloc};

use crate::api::*;
use crate::ctrlr::CtrlrEntry;

/// SPDK_NVME_INTEL_FEAT_LATENCY_TRACKING.
const FEAT_LATENCY_TRACKING: u8 = 0xe2;
/// SPDK_NVME_INTEL_LOG_READ_CMD_LATENCY and _WRITE_.
pub const LOG_READ_LATENCY: u8 = 0xc1;
pub const LOG_WRITE_LATENCY: u8 = 0xc2;
/// `struct spdk_nvme_intel_rw_latency_page`: two revision words, then
/// 32 buckets of 32 us, 31 of 1 ms and 31 of 32 ms.
const PAGE_LEN: usize = 4 + 4 * (32 + 31 + 31);

/// Done and succeeded (cells: the callback sets them while we poll).
type Done = (Cell<bool>, Cell<bool>);

unsafe extern "C" fn done(arg: *mut c_void, cpl: *const Cpl) {
    let d = &*(arg as *const Done);
    d.1.set(!(*cpl).is_error());
    d.0.set(true);
}

fn arg(d: &Done) -> *mut c_void {
    (d as *const Done).cast_mut().cast()
}

fn wait(ctrlr: *mut Ctrlr, d: &Done) {
    // SAFETY: an attached controller.
    while !d.0.get() && unsafe { spdk_nvme_ctrlr_process_admin_completions(ctrlr) } >= 0 {}
}

/// Turns the controller's latency tracking on or off when it has it.
pub fn set_tracking(ctrlr: *mut Ctrlr, enable: bool) {
    // SAFETY: an attached controller; the callback argument lives until
    // the command completes.
    unsafe {
        if !spdk_nvme_ctrlr_is_feature_supported(ctrlr, FEAT_LATENCY_TRACKING) {
            return;
        }
        let d: Done = Default::default();
        let rc = spdk_nvme_ctrlr_cmd_set_feature(
            ctrlr,
            FEAT_LATENCY_TRACKING,
            enable as u32,
            0,
            core::ptr::null_mut(),
            0,
            Some(done),
            arg(&d),
        );
        if rc != 0 {
            println!("fail to allocate nvme request.");
            return;
        }
        wait(ctrlr, &d);
        if !d.1.get() {
            println!("enable_latency_tracking_complete failed");
        }
    }
}

fn print_page(name: &str, page: &[u8]) {
    let word = |i: usize| u32::from_le_bytes([page[i], page[i + 1], page[i + 2], page[i + 3]]);
    println!();
    println!("{name}");
    println!("{}", "-".repeat(56));
    for i in 0..32 {
        let v = word(4 + 4 * i);
        if v != 0 {
            println!("Bucket {}us - {}us: {v}", i * 32, (i + 1) * 32);
        }
    }
    for i in 0..31 {
        let v = word(4 + 4 * (32 + i));
        if v != 0 {
            println!("Bucket {}ms - {}ms: {v}", i + 1, i + 2);
        }
    }
    for i in 0..31 {
        let v = word(4 + 4 * (63 + i));
        if v != 0 {
            println!("Bucket {}ms - {}ms: {v}", (i + 1) * 32, (i + 2) * 32);
        }
    }
}

/// SPDK's print_latency_statistics for "Read" or "Write".
pub fn print_statistics(op: &str, log_page: u8, ctrlrs: &[CtrlrEntry]) {
    println!("{op} Latency Statistics:");
    println!("{}", "=".repeat(56));
    for c in ctrlrs {
        // SAFETY: attached controllers; a DMA buffer of the page's size.
        unsafe {
            if !spdk_nvme_ctrlr_is_log_page_supported(c.ctrlr, log_page) {
                println!(
                    "Controller {}: {op} latency statistics not supported",
                    c.name
                );
                continue;
            }
            let buf = spdk_dma_zmalloc(PAGE_LEN, 4096, core::ptr::null_mut());
            if buf.is_null() {
                println!("Allocation error (latency page)");
                continue;
            }
            let d: Done = Default::default();
            let rc = spdk_nvme_ctrlr_cmd_get_log_page(
                c.ctrlr,
                log_page,
                0xffff_ffff,
                buf,
                PAGE_LEN as u32,
                0,
                Some(done),
                arg(&d),
            );
            if rc == 0 {
                wait(c.ctrlr, &d);
                print_page(&c.name, std::slice::from_raw_parts(buf.cast(), PAGE_LEN));
            } else {
                println!("nvme_ctrlr_cmd_get_log_page() failed");
            }
            spdk_dma_free(buf);
        }
    }
    println!();
}
