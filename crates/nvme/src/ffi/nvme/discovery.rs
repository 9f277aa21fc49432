//! The discovery log page of a fabrics discovery controller, read
//! whole and consistently (`spdk_nvme_ctrlr_get_discovery_log_page`).

use core::ffi::{c_int, c_void};
use core::ptr::{self, NonNull};

use super::ctrlr::{ctrlr_of, spdk_nvme_ctrlr};
use crate::ctrlr::admin::OPC_GET_LOG_PAGE;
use crate::spec::cmd::{cdw10, cdw11, Cmd, Cpl};
use crate::spec::fabrics::DiscoveryLogPage;

/// `spdk_nvme_discovery_cb`: (cb_arg, rc, cpl, log_page). `rc` 0 means
/// `cpl` is valid; `log_page` is the whole page on success (NULL
/// otherwise), the application frees it with free().
pub type spdk_nvme_discovery_cb = Option<
    unsafe extern "C" fn(
        cb_arg: *mut c_void,
        rc: c_int,
        cpl: *const Cpl,
        log_page: *mut DiscoveryLogPage,
    ),
>;

const LOG_DISCOVERY: u32 = 0x70;
/// The log page header (and each record) is 1 KiB.
const HEADER: usize = 1024;
const RECORD: usize = 1024;

/// DMA memory a part of the log is read into.
struct Dma {
    p: NonNull<u8>,
    len: usize,
}

impl Dma {
    fn new(len: usize) -> Option<Dma> {
        let p = spdk_env::memory::dma_alloc(len, 4096, -1)?;
        // SAFETY: a fresh allocation of len bytes.
        unsafe { ptr::write_bytes(p.as_ptr(), 0, len) };
        Some(Dma { p, len })
    }
}

impl Drop for Dma {
    fn drop(&mut self) {
        spdk_env::memory::dma_free(self.p);
    }
}

/// One read of the log, from the header to the last generation check.
struct Ctx {
    ctrlr: *mut spdk_nvme_ctrlr,
    /// The header, then the whole page.
    page: Dma,
    /// The generation counter read after the records.
    end: Dma,
    start_genctr: u64,
    cb_fn: spdk_nvme_discovery_cb,
    cb_arg: *mut c_void,
}

impl Ctx {
    unsafe fn report(&self, rc: c_int, cpl: Option<&Cpl>, page: *mut DiscoveryLogPage) {
        if let Some(cb) = self.cb_fn {
            cb(
                self.cb_arg,
                rc,
                cpl.map_or(ptr::null(), |c| c as *const Cpl),
                page,
            );
        }
    }
}

/// Get Log Page Discovery, `len` bytes at offset 0 into `buf`.
unsafe fn read(
    ctrlr: *mut spdk_nvme_ctrlr,
    buf: *mut u8,
    len: usize,
    cb: unsafe extern "C" fn(*mut c_void, *const Cpl),
    arg: *mut c_void,
) -> c_int {
    let Some(c) = ctrlr_of(ctrlr) else {
        return -libc::EINVAL;
    };
    let Ok(len) = u32::try_from(len) else {
        return -libc::EINVAL;
    };
    let numd = len / 4 - 1;
    let mut cmd = Cmd::new(OPC_GET_LOG_PAGE, 0);
    cmd.cdw10 = cdw10::GetLogPage(0)
        .with_lid(LOG_DISCOVERY)
        .with_numdl(numd & 0xffff)
        .0;
    cmd.cdw11 = cdw11::GetLogPage(0).with_numdu(numd >> 16).0;
    c.admin_submit(cmd, buf, len, Some(cb), arg)
}

unsafe extern "C" fn header_done(arg: *mut c_void, cpl: *const Cpl) {
    let mut ctx = Box::from_raw(arg as *mut Ctx);
    let cpl = *cpl;
    if cpl.is_error() {
        // Perhaps not a discovery controller: the completion says so.
        ctx.report(0, Some(&cpl), ptr::null_mut());
        return;
    }
    let h = std::slice::from_raw_parts(ctx.page.p.as_ptr(), HEADER);
    let genctr = u64::from_le_bytes(h[0..8].try_into().unwrap_or_default());
    let numrec = u64::from_le_bytes(h[8..16].try_into().unwrap_or_default());
    let recfmt = u16::from_le_bytes([h[16], h[17]]);
    if recfmt != 0 {
        spdk_log::errlog!("unrecognized discovery log record format {}", recfmt);
        ctx.report(-libc::EINVAL, None, ptr::null_mut());
        return;
    }
    ctx.start_genctr = genctr;
    if numrec == 0 {
        // The header is the whole log.
        page_done(Box::into_raw(ctx).cast(), &cpl);
        return;
    }
    // The whole page: one command, as SPDK sends it.
    let size = usize::try_from(numrec)
        .ok()
        .and_then(|n| n.checked_mul(RECORD))
        .and_then(|n| n.checked_add(HEADER))
        .filter(|&n| n <= u32::MAX as usize);
    let Some(page) = size.and_then(Dma::new) else {
        spdk_log::errlog!(
            "could not allocate a buffer for the discovery log ({} records)",
            numrec
        );
        ctx.report(-libc::ENOMEM, None, ptr::null_mut());
        return;
    };
    ctx.page = page;
    let (c, buf, len) = (ctx.ctrlr, ctx.page.p.as_ptr(), ctx.page.len);
    let raw = Box::into_raw(ctx);
    let rc = read(c, buf, len, page_done, raw.cast());
    if rc != 0 {
        Box::from_raw(raw).report(rc, None, ptr::null_mut());
    }
}

unsafe extern "C" fn page_done(arg: *mut c_void, cpl: *const Cpl) {
    let ctx = Box::from_raw(arg as *mut Ctx);
    let cpl = *cpl;
    if cpl.is_error() {
        ctx.report(0, Some(&cpl), ptr::null_mut());
        return;
    }
    // The generation counter again: a change means the records may mix
    // two versions of the log.
    let (c, buf) = (ctx.ctrlr, ctx.end.p.as_ptr());
    let raw = Box::into_raw(ctx);
    let rc = read(c, buf, 8, final_done, raw.cast());
    if rc != 0 {
        Box::from_raw(raw).report(rc, None, ptr::null_mut());
    }
}

unsafe extern "C" fn final_done(arg: *mut c_void, cpl: *const Cpl) {
    let ctx = Box::from_raw(arg as *mut Ctx);
    let cpl = *cpl;
    if cpl.is_error() {
        ctx.report(0, Some(&cpl), ptr::null_mut());
        return;
    }
    let end = std::slice::from_raw_parts(ctx.end.p.as_ptr(), 8);
    let end = u64::from_le_bytes(end.try_into().unwrap_or_default());
    if end != ctx.start_genctr {
        // The log changed underneath: start over, as SPDK does.
        let (c, cb, cb_arg) = (ctx.ctrlr, ctx.cb_fn, ctx.cb_arg);
        drop(ctx);
        let rc = spdk_nvme_ctrlr_get_discovery_log_page(c, cb, cb_arg);
        if rc != 0 {
            if let Some(cb) = cb {
                cb(cb_arg, rc, ptr::null(), ptr::null_mut());
            }
        }
        return;
    }
    // The application frees the page with free(): hand it malloc memory.
    let len = ctx.page.len;
    let out = libc::malloc(len) as *mut u8;
    if out.is_null() {
        ctx.report(-libc::ENOMEM, None, ptr::null_mut());
        return;
    }
    ptr::copy_nonoverlapping(ctx.page.p.as_ptr(), out, len);
    ctx.report(0, Some(&cpl), out.cast());
}

/// Reads the whole discovery log page of a (fabrics) discovery
/// controller, as SPDK: the 1 KiB header, then header and all records
/// in one Get Log Page, then the generation counter again; when it
/// changed, the read starts over. `cb_fn` then gets rc 0 with the last
/// completion and the page (malloc memory the application frees with
/// free()), rc 0 with an error completion and NULL when a command failed
/// (a controller that is no discovery controller answers so), or a
/// negative errno (-EINVAL for an unknown record format, -ENOMEM) with
/// NULL completion and page. The completions come from
/// spdk_nvme_ctrlr_process_admin_completions. Returns 0, or -EINVAL /
/// -ENOMEM / -ENXIO when the first command could not be sent (no
/// callback then).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ctrlr_get_discovery_log_page(
    ctrlr: *mut spdk_nvme_ctrlr,
    cb_fn: spdk_nvme_discovery_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if ctrlr_of(ctrlr).is_none() {
        return -libc::EINVAL;
    }
    let (Some(page), Some(end)) = (Dma::new(HEADER), Dma::new(8)) else {
        return -libc::ENOMEM;
    };
    let buf = page.p.as_ptr();
    let raw = Box::into_raw(Box::new(Ctx {
        ctrlr,
        page,
        end,
        start_genctr: 0,
        cb_fn,
        cb_arg,
    }));
    let rc = read(ctrlr, buf, HEADER, header_done, raw.cast());
    if rc != 0 {
        drop(Box::from_raw(raw));
    }
    rc
}
