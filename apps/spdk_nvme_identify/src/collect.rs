//! Reading what the report shows from a controller, through the NVMe
//! library's C functions as SPDK's tool does: Get Features one at a time,
//! log pages into DMA buffers, the discovery log with its generation
//! counter check. Failures are reported in the output, as SPDK's.

use core::cell::Cell;
use core::ffi::c_void;
use std::fmt::Write;

use spdk_env::ffi::env::{spdk_dma_free, spdk_dma_zmalloc};
use spdk_nvme::spec::cmd::Cmd;
use spdk_nvme::spec::fabrics::{DiscoveryLogPage, DiscoveryLogPageEntry};
use spdk_nvme::spec::log::{AnaGroupDescriptor, AnaPage, ErrorInformationEntry};
use spdk_nvme::spec::ns::NvmNsData;
use spdk_nvme::spec::Pod;

use crate::api::*;
use crate::data::{CtrlrReport, Features, NsReport};
use crate::fmt::out;
use crate::logs::{
    FEAT_ARBITRATION, FEAT_ERROR_RECOVERY, FEAT_NUMBER_OF_QUEUES, FEAT_POWER_MANAGEMENT,
    FEAT_TEMPERATURE_THRESHOLD,
};

const OPC_GET_FEATURES: u8 = 0x0a;
const OPC_IDENTIFY: u8 = 0x06;
const CNS_NS_ID_DESCRIPTOR_LIST: u32 = 0x03;
const CNS_IOCS_NS: u32 = 0x05;
const LOG_ERROR: u8 = 0x01;
const LOG_HEALTH: u8 = 0x02;
const LOG_FIRMWARE_SLOT: u8 = 0x03;
const LOG_COMMAND_EFFECTS: u8 = 0x05;
const LOG_ANA: u8 = 0x0c;
const LOG_DISCOVERY: u8 = 0x70;
const GLOBAL_NS_TAG: u32 = 0xffff_ffff;

/// A zeroed DMA buffer, freed on drop.
struct DmaBuf {
    ptr: *mut c_void,
    len: usize,
}

impl DmaBuf {
    fn new(len: usize) -> Option<DmaBuf> {
        let ptr = spdk_dma_zmalloc(len.max(4), 4096, core::ptr::null_mut());
        (!ptr.is_null()).then_some(DmaBuf { ptr, len })
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `len` bytes owned by self.
        unsafe { std::slice::from_raw_parts(self.ptr.cast(), self.len) }
    }
}

impl Drop for DmaBuf {
    fn drop(&mut self) {
        spdk_dma_free(self.ptr);
    }
}

/// The outcome of one admin command (cells: the completion callback sets
/// them while the caller polls).
#[derive(Default)]
struct Done {
    done: Cell<bool>,
    ok: Cell<bool>,
    cdw0: Cell<u32>,
}

impl Done {
    fn arg(&self) -> *mut c_void {
        (self as *const Done).cast_mut().cast()
    }
}

unsafe extern "C" fn done_cb(arg: *mut c_void, cpl: *const Cpl) {
    let d = &*(arg as *const Done);
    let cpl = &*cpl;
    d.ok.set(!cpl.is_error());
    d.cdw0.set(cpl.cdw0);
    d.done.set(true);
}

/// Polls the admin queue until `d` is done (or the controller fails).
fn wait(ctrlr: *mut Ctrlr, d: &Done) {
    while !d.done.get() {
        // SAFETY: an attached controller.
        if unsafe { spdk_nvme_ctrlr_process_admin_completions(ctrlr) } < 0 {
            break;
        }
    }
}

/// Get Features `fid`, as SPDK's get_feature (one command at a time).
fn get_feature(o: &mut String, ctrlr: *mut Ctrlr, fid: u8, cdw11: u32, nsid: u32) -> Option<u32> {
    let mut cmd = Cmd::new(OPC_GET_FEATURES, nsid);
    cmd.cdw10 = fid as u32;
    cmd.cdw11 = cdw11;
    let d = Done::default();
    // SAFETY: a valid command and a callback argument alive until done.
    let rc = unsafe {
        spdk_nvme_ctrlr_cmd_admin_raw(
            ctrlr,
            &mut cmd,
            core::ptr::null_mut(),
            0,
            Some(done_cb),
            d.arg(),
        )
    };
    if rc != 0 {
        out!(o, "get_feature(0x{fid:02X}) failed to submit command");
        return None;
    }
    wait(ctrlr, &d);
    if !d.ok.get() {
        out!(o, "get_feature(0x{fid:02X}) failed");
        return None;
    }
    Some(d.cdw0.get())
}

/// Reads `len` bytes of log page `lid` from `offset`; None (and SPDK's
/// message) when it fails.
fn get_log(o: &mut String, ctrlr: *mut Ctrlr, lid: u8, len: usize, offset: u64) -> Option<DmaBuf> {
    let buf = DmaBuf::new(len)?;
    let d = Done::default();
    // SAFETY: a DMA buffer of `len` bytes and a callback argument alive
    // until done.
    let rc = unsafe {
        spdk_nvme_ctrlr_cmd_get_log_page(
            ctrlr,
            lid,
            GLOBAL_NS_TAG,
            buf.ptr,
            len as u32,
            offset,
            Some(done_cb),
            d.arg(),
        )
    };
    if rc != 0 {
        out!(o, "spdk_nvme_ctrlr_cmd_get_log_page() failed");
        return None;
    }
    wait(ctrlr, &d);
    if !d.ok.get() {
        out!(o, "get log page failed");
        return None;
    }
    Some(buf)
}

/// The controller features SPDK's tool reads (discovery controllers
/// answer none).
fn ctrlr_features(o: &mut String, ctrlr: *mut Ctrlr) -> Features {
    let mut f = Features::default();
    for fid in [
        FEAT_ARBITRATION,
        FEAT_POWER_MANAGEMENT,
        FEAT_TEMPERATURE_THRESHOLD,
        FEAT_NUMBER_OF_QUEUES,
    ] {
        f.0[fid as usize] = get_feature(o, ctrlr, fid, 0, 0);
    }
    f
}

fn active_nsids(ctrlr: *mut Ctrlr) -> Vec<u32> {
    let mut v = Vec::new();
    // SAFETY: an attached controller.
    let mut nsid = unsafe { spdk_nvme_ctrlr_get_first_active_ns(ctrlr) };
    while nsid != 0 {
        v.push(nsid);
        nsid = unsafe { spdk_nvme_ctrlr_get_next_active_ns(ctrlr, nsid) };
    }
    v
}

/// The discovery log: the header, then every record, again from the
/// start when the generation counter moved meanwhile.
fn discovery_log(o: &mut String, ctrlr: *mut Ctrlr) -> Option<Vec<u8>> {
    let hsz = size_of::<DiscoveryLogPage>();
    let esz = size_of::<DiscoveryLogPageEntry>();
    for _ in 0..8 {
        let h = get_log(o, ctrlr, LOG_DISCOVERY, hsz, 0)?;
        let hdr = DiscoveryLogPage::read_from(h.bytes())?;
        let numrec = { hdr.numrec }.min(1000);
        let len = hsz + numrec as usize * esz;
        let page = get_log(o, ctrlr, LOG_DISCOVERY, len, 0)?;
        let again = DiscoveryLogPage::read_from(page.bytes())?;
        if { again.genctr } == { hdr.genctr } {
            return Some(page.bytes().to_vec());
        }
    }
    out!(o, "get discovery log page failed");
    None
}

/// SPDK's get_log_pages.
fn log_pages(o: &mut String, ctrlr: *mut Ctrlr, r: &mut CtrlrReport, discovery: bool) {
    let c = r.cdata;
    if !discovery {
        let n = c.elpe as usize + 1;
        if let Some(b) = get_log(
            o,
            ctrlr,
            LOG_ERROR,
            n * size_of::<ErrorInformationEntry>(),
            0,
        ) {
            r.error_log = b
                .bytes()
                .chunks(size_of::<ErrorInformationEntry>())
                .filter_map(ErrorInformationEntry::read_from)
                .collect();
        }
        if let Some(b) = get_log(o, ctrlr, LOG_HEALTH, size_of_val(&r.health), 0) {
            r.health = Pod::read_from(b.bytes()).unwrap_or(r.health);
        }
        if let Some(b) = get_log(o, ctrlr, LOG_FIRMWARE_SLOT, size_of_val(&r.firmware), 0) {
            r.firmware = Pod::read_from(b.bytes()).unwrap_or(r.firmware);
        }
    }
    // SAFETY: an attached controller.
    if unsafe { spdk_nvme_ctrlr_is_log_page_supported(ctrlr, LOG_ANA) } {
        // Groups with attached namespaces only: this is enough room.
        let len = size_of::<AnaPage>()
            + { c.nanagrpid } as usize * size_of::<AnaGroupDescriptor>()
            + active_nsids(ctrlr).len() * 4;
        r.ana = Some(
            get_log(o, ctrlr, LOG_ANA, len.next_multiple_of(4), 0)
                .map(|b| b.bytes().to_vec())
                .unwrap_or_else(|| vec![0; len]),
        );
    }
    if c.lpa.cses() != 0 {
        if let Some(b) = get_log(
            o,
            ctrlr,
            LOG_COMMAND_EFFECTS,
            size_of_val(&r.cmd_effects),
            0,
        ) {
            r.cmd_effects = Pod::read_from(b.bytes()).unwrap_or(r.cmd_effects);
        }
    }
    if discovery {
        r.discovery = discovery_log(o, ctrlr);
    }
}

/// The controller part of the report (everything before the namespaces).
pub fn controller(o: &mut String, ctrlr: *mut Ctrlr, hex: bool) -> CtrlrReport {
    // SAFETY: an attached controller: its data and options live with it.
    let (cdata, copts, trid) = unsafe {
        (
            *spdk_nvme_ctrlr_get_data(ctrlr),
            &*spdk_nvme_ctrlr_get_opts(ctrlr),
            &*spdk_nvme_ctrlr_get_transport_id(ctrlr),
        )
    };
    let discovery = unsafe { spdk_nvme_ctrlr_is_discovery(ctrlr) };
    let mut r = CtrlrReport::new(cdata);
    r.name = build_name(ctrlr, core::ptr::null_mut());
    r.fabrics = !is_pcie(trid);
    r.hex_dump = hex;
    r.num_io_queues = copts.num_io_queues;
    // SAFETY: as above. (The library has no CMBSZ/PMRCAP getters: those
    // stay unknown.)
    unsafe {
        r.cap = spdk_nvme_ctrlr_get_regs_cap(ctrlr);
        r.vs = spdk_nvme_ctrlr_get_regs_vs(ctrlr);
    }
    if !discovery {
        r.features = ctrlr_features(o, ctrlr);
    }
    log_pages(o, ctrlr, &mut r, discovery);
    r
}

/// The active namespaces, each with its Error Recovery feature read just
/// before (the messages of failures land in order, as SPDK's).
pub fn namespaces(
    o: &mut String,
    ctrlr: *mut Ctrlr,
    hex: bool,
    mut each: impl FnMut(&mut String, &NsReport),
) {
    for nsid in active_nsids(ctrlr) {
        let error_recovery = get_feature(o, ctrlr, FEAT_ERROR_RECOVERY, 0, nsid);
        // SAFETY: an active namespace of an attached controller.
        let ns = unsafe { spdk_nvme_ctrlr_get_ns(ctrlr, nsid) };
        if ns.is_null() {
            continue;
        }
        let n = unsafe { ns_report(ctrlr, ns, hex, error_recovery) };
        each(o, &n);
    }
}

/// Identify with `cns` (and `csi` in CDW11) for namespace `nsid`.
fn identify(ctrlr: *mut Ctrlr, cns: u32, csi: u32, nsid: u32) -> Option<DmaBuf> {
    let buf = DmaBuf::new(4096)?;
    let mut cmd = Cmd::new(OPC_IDENTIFY, nsid);
    cmd.cdw10 = cns;
    cmd.cdw11 = csi << 24;
    let d = Done::default();
    // SAFETY: a 4 KiB DMA buffer and a callback argument alive until done.
    let rc = unsafe {
        spdk_nvme_ctrlr_cmd_admin_raw(ctrlr, &mut cmd, buf.ptr, 4096, Some(done_cb), d.arg())
    };
    if rc != 0 {
        return None;
    }
    wait(ctrlr, &d);
    d.ok.get().then_some(buf)
}

/// The command set and UUID from the namespace identification descriptor
/// list (Identify CNS 03h), as SPDK's driver keeps them: NVM and none when
/// the controller has no list.
fn ns_ids(ctrlr: *mut Ctrlr, nsid: u32) -> (u32, Option<[u8; 16]>) {
    let (mut csi, mut uuid) = (0, None);
    let Some(b) = identify(ctrlr, CNS_NS_ID_DESCRIPTOR_LIST, 0, nsid) else {
        return (csi, uuid);
    };
    let list = b.bytes();
    let mut off = 0;
    while off + 4 <= list.len() {
        let (nidt, nidl) = (list[off], list[off + 1] as usize);
        let Some(id) = list.get(off + 4..off + 4 + nidl) else {
            break;
        };
        if nidt == 0 {
            break;
        }
        match (nidt, nidl) {
            (3, 16) => uuid = id.try_into().ok(),
            (4, 1) => csi = id[0] as u32,
            _ => {}
        }
        off += 4 + nidl;
    }
    (csi, uuid)
}

unsafe fn ns_report(
    ctrlr: *mut Ctrlr,
    ns: *mut Ns,
    hex: bool,
    error_recovery: Option<u32>,
) -> NsReport {
    let data = *spdk_nvme_ns_get_data(ns);
    let id = spdk_nvme_ns_get_id(ns);
    let mut n = NsReport::from_data(id, data);
    n.hex_dump = hex;
    n.error_recovery = error_recovery;
    n.flags = spdk_nvme_ns_get_flags(ns);
    n.format_index = spdk_nvme_ns_get_active_format_index(ns);
    n.dealloc_read_value = spdk_nvme_ns_get_dealloc_logical_block_read_value(ns).0 as u32;
    (n.csi, n.uuid) = ns_ids(ctrlr, id);
    // The NVM command set's own namespace data, which SPDK reads when the
    // controller has extended LBA formats.
    if n.csi == 0 && { (*spdk_nvme_ctrlr_get_data(ctrlr)).ctratt }.elbas() != 0 {
        n.nvm = identify(ctrlr, CNS_IOCS_NS, 0, id).and_then(|b| NvmNsData::read_from(b.bytes()));
    }
    n
}
