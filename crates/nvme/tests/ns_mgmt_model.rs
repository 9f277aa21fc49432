//! Controller management through the C API against the in-memory model:
//! namespace management and attachment (the driver's namespaces follow),
//! Format NVM (data erased, LBA format changed), firmware update (slots,
//! activation at reset, the commit's status), Security Send / Receive
//! (the model's echo protocol), directives (identify and streams) and
//! boot partitions; each with its errors.

use std::ffi::{c_int, c_void};
use std::ptr;

use spdk_nvme::ffi::nvme::ctrlr::*;
use spdk_nvme::ffi::nvme::ctrlr_mgmt::*;
use spdk_nvme::ffi::nvme::ns::*;
use spdk_nvme::ffi::nvme::ns_cmd::*;
use spdk_nvme::ffi::nvme::probe::spdk_nvme_detach;
use spdk_nvme::ffi::nvme::qpair::*;
use spdk_nvme::model::{Model, ModelConfig, ModelNs, FW_REVISION, SECP_ECHO, SECP_INFO};
use spdk_nvme::probe;
use spdk_nvme::spec::cmd::{Cmd, Cpl, Status};
use spdk_nvme::spec::log::FirmwarePage;
use spdk_nvme::spec::ns::{
    CtrlrList, Flbas, Format, NsData, NsIdentifyDirectiveParam, NsStreamsData,
};
use spdk_nvme::spec::Pod;

const ALL_NS: u32 = 0xffff_ffff;
const SCT_GENERIC: u16 = 0;
const SCT_CMD: u16 = 1;
const SC_INVALID_FIELD: u16 = 0x02;
const SC_INVALID_NAMESPACE: u16 = 0x0b;
const SC_INVALID_FIRMWARE_SLOT: u16 = 0x06;
const SC_INVALID_FIRMWARE_IMAGE: u16 = 0x07;
const SC_FIRMWARE_REQ_CONVENTIONAL_RESET: u16 = 0x0b;
const SC_FIRMWARE_REQ_NVM_RESET: u16 = 0x10;

const FW_REPLACE: FwCommitActionArg = FwCommitActionArg(0);
const FW_REPLACE_AND_ENABLE: FwCommitActionArg = FwCommitActionArg(1);
const FW_ENABLE: FwCommitActionArg = FwCommitActionArg(2);

fn attach(model: &Model) -> *mut spdk_nvme_ctrlr {
    probe::attach_model(model, None).expect("attach").cast()
}

/// DMA-able memory.
struct Buf {
    p: *mut u8,
    len: usize,
}

impl Buf {
    fn new(len: usize) -> Buf {
        let p = spdk_env::memory::dma_alloc(len, 4096, -1)
            .expect("dma")
            .as_ptr();
        unsafe { ptr::write_bytes(p, 0, len) };
        Buf { p, len }
    }
    fn fill(&self, seed: u8) {
        for i in 0..self.len {
            unsafe { *self.p.add(i) = (i as u8).wrapping_mul(7).wrapping_add(seed) };
        }
    }
    fn bytes(&self) -> &[u8] {
        unsafe { std::slice::from_raw_parts(self.p, self.len) }
    }
    fn vp(&self) -> *mut c_void {
        self.p.cast()
    }
}

impl Drop for Buf {
    fn drop(&mut self) {
        spdk_env::memory::dma_free(std::ptr::NonNull::new(self.p).unwrap());
    }
}

#[derive(Default)]
struct Done {
    cpls: Vec<Cpl>,
}

impl Done {
    fn arg(&mut self) -> *mut c_void {
        self as *mut Done as *mut c_void
    }
    fn last(&self) -> Cpl {
        *self.cpls.last().expect("a completion")
    }
}

unsafe extern "C" fn cb(arg: *mut c_void, cpl: *const Cpl) {
    (*(arg as *mut Done)).cpls.push(*cpl);
}

fn sc(c: &Cpl) -> (u16, u16) {
    (c.status.sct(), c.status.sc())
}

fn st(s: &Status) -> (u16, u16) {
    (s.sct(), s.sc())
}

/// Polls the admin queue until `d` has `n` completions.
unsafe fn admin_wait(c: *mut spdk_nvme_ctrlr, d: &Done, n: usize) -> Cpl {
    for _ in 0..100_000 {
        if d.cpls.len() >= n {
            return d.last();
        }
        assert!(spdk_nvme_ctrlr_process_admin_completions(c) >= 0);
    }
    panic!("only {} of {} admin completions", d.cpls.len(), n);
}

/// Runs one admin command (`f` submits it) and returns its completion.
unsafe fn admin_run(
    c: *mut spdk_nvme_ctrlr,
    f: impl FnOnce(spdk_nvme_cmd_cb, *mut c_void) -> c_int,
) -> Cpl {
    let mut d = Done::default();
    assert_eq!(f(Some(cb), d.arg()), 0);
    admin_wait(c, &d, 1)
}

unsafe fn io_run(
    q: *mut spdk_nvme_qpair,
    f: impl FnOnce(spdk_nvme_cmd_cb, *mut c_void) -> c_int,
) -> Cpl {
    let mut d = Done::default();
    assert_eq!(f(Some(cb), d.arg()), 0);
    for _ in 0..100_000 {
        if !d.cpls.is_empty() {
            return d.last();
        }
        assert!(spdk_nvme_qpair_process_completions(q, 0) >= 0);
    }
    panic!("no I/O completion");
}

/// The active NSIDs, by the driver's iteration.
unsafe fn active(c: *mut spdk_nvme_ctrlr) -> Vec<u32> {
    let mut v = Vec::new();
    let mut n = spdk_nvme_ctrlr_get_first_active_ns(c);
    while n != 0 {
        v.push(n);
        n = spdk_nvme_ctrlr_get_next_active_ns(c, n);
    }
    v
}

fn ctrlr_list(ids: &[u16]) -> CtrlrList {
    let mut l = CtrlrList::zeroed();
    l.ctrlr_count = ids.len() as u16;
    l.ctrlr_list[..ids.len()].copy_from_slice(ids);
    l
}

fn ns_request(blocks: u64, format: u8) -> NsData {
    let mut d = NsData::zeroed();
    d.nsze = blocks;
    d.ncap = blocks;
    d.flbas = Flbas(0).with_format(format);
    d
}

/// Identify (CNS `cns`, NSID `nsid`) through the raw admin command.
unsafe fn identify(c: *mut spdk_nvme_ctrlr, cns: u32, nsid: u32) -> (Cpl, Vec<u8>) {
    let b = Buf::new(4096);
    let mut cmd = Cmd::new(0x06, nsid);
    cmd.cdw10 = cns;
    let cpl = admin_run(c, |f, a| {
        spdk_nvme_ctrlr_cmd_admin_raw(c, &mut cmd, b.vp(), 4096, f, a)
    });
    (cpl, b.bytes().to_vec())
}

/// Writes `blocks` blocks of a pattern at `lba` and reads them back.
unsafe fn write_pattern(
    ns: *mut spdk_nvme_ns,
    q: *mut spdk_nvme_qpair,
    lba: u64,
    blocks: u32,
) -> Vec<u8> {
    let bs = spdk_nvme_ns_get_sector_size(ns) as usize;
    let w = Buf::new(blocks as usize * bs);
    w.fill(lba as u8 + 1);
    let cpl = io_run(q, |f, a| {
        spdk_nvme_ns_cmd_write(ns, q, w.vp(), lba, blocks, f, a, 0)
    });
    assert!(cpl.is_success(), "write {:?}", sc(&cpl));
    w.bytes().to_vec()
}

unsafe fn read(
    ns: *mut spdk_nvme_ns,
    q: *mut spdk_nvme_qpair,
    lba: u64,
    blocks: u32,
) -> (Cpl, Vec<u8>) {
    let bs = spdk_nvme_ns_get_sector_size(ns) as usize;
    let r = Buf::new(blocks as usize * bs);
    r.fill(0x5a);
    let cpl = io_run(q, |f, a| {
        spdk_nvme_ns_cmd_read(ns, q, r.vp(), lba, blocks, f, a, 0)
    });
    (cpl, r.bytes().to_vec())
}

fn mgmt_cfg() -> ModelConfig {
    ModelConfig {
        namespaces: vec![ModelNs::default()],
        max_namespaces: 4,
        nvm_capacity: 8 << 20,
        ..Default::default()
    }
}

#[derive(Default)]
struct Events {
    cdw0: Vec<u32>,
}

unsafe extern "C" fn aer_cb(arg: *mut c_void, cpl: *const Cpl) {
    (*(arg as *mut Events)).cdw0.push((*cpl).cdw0);
}

// ---- namespace management ----

#[test]
fn identify_announces_management() {
    let model = Model::new(mgmt_cfg());
    let c = attach(&model);
    unsafe {
        let cd = &*spdk_nvme_ctrlr_get_data(c);
        let oacs = cd.oacs;
        assert_eq!(
            (
                oacs.ssrs(),
                oacs.fnvms(),
                oacs.fwds(),
                oacs.nms(),
                oacs.dirs()
            ),
            (1, 1, 1, 1, 1)
        );
        assert_eq!({ cd.nn }, 4);
        assert_eq!({ cd.tnvmcap }[0], 8 << 20);
        // The configured namespace takes 1 MiB.
        assert_eq!({ cd.unvmcap }[0], 7 << 20);
        assert_eq!((cd.frmw.num_slots(), cd.frmw.slot1_ro()), (3, 1));
        assert_eq!(cd.fr, FW_REVISION);
        let flags = spdk_nvme_ctrlr_get_flags(c);
        assert_ne!(
            flags & spdk_nvme_ctrlr_flags::SPDK_NVME_CTRLR_SECURITY_SEND_RECV_SUPPORTED as u64,
            0
        );
        assert_ne!(
            flags & spdk_nvme_ctrlr_flags::SPDK_NVME_CTRLR_DIRECTIVES_SUPPORTED as u64,
            0
        );
        assert!(spdk_nvme_ctrlr_is_log_page_supported(c, 4));
        assert_eq!(spdk_nvme_ctrlr_get_num_ns(c), 4);
        assert_eq!(active(c), vec![1]);
        // Inactive NSIDs have namespace objects, inactive.
        assert!(!spdk_nvme_ns_is_active(spdk_nvme_ctrlr_get_ns(c, 3)));
        // The formats a namespace can be created with (NSID FFFFFFFFh).
        let (cpl, page) = identify(c, 0, ALL_NS);
        assert!(cpl.is_success());
        let common = NsData::read_from(&page).unwrap();
        assert_eq!(common.nlbaf, 4);
        assert_eq!(common.lbaf[2].lbads(), 12);
        spdk_nvme_detach(c);
    }
}

#[test]
fn create_attach_detach_delete() {
    let model = Model::new(mgmt_cfg());
    let c = attach(&model);
    unsafe {
        let mut ev = Events::default();
        spdk_nvme_ctrlr_register_aer_callback(c, Some(aer_cb), (&mut ev as *mut Events).cast());
        let q = spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0);
        assert!(!q.is_null());

        // Create: 1024 blocks of 4 KiB (format 2); not attached yet.
        let mut req = ns_request(1024, 2);
        let nsid = spdk_nvme_ctrlr_create_ns(c, &mut req);
        assert_eq!(nsid, 2);
        assert_eq!(active(c), vec![1]);
        assert!(model.with(|m| m.is_allocated(2) && !m.is_attached(2)));
        // Identify CNS 11h sees it allocated, CNS 10h lists it, CNS 00h
        // gives zeroes for it while it is not attached.
        let (cpl, page) = identify(c, 0x11, 2);
        assert!(cpl.is_success());
        let nd = NsData::read_from(&page).unwrap();
        assert_eq!(
            ({ nd.nsze }, nd.lba_format_index(), nd.block_size()),
            (1024, 2, 4096)
        );
        let (_, page) = identify(c, 0x10, 0);
        assert_eq!(&page[..12], &[1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
        let (cpl, page) = identify(c, 0, 2);
        assert!(cpl.is_success() && page.iter().all(|&b| b == 0));
        // Identify CNS 12h: no controller attached to it yet.
        let (_, page) = identify(c, 0x12, 2);
        assert_eq!(&page[..2], &[0, 0]);

        // Attach to controller 1: the driver's namespaces follow.
        let mut list = ctrlr_list(&[1]);
        assert_eq!(spdk_nvme_ctrlr_attach_ns(c, 2, &mut list), 0);
        assert_eq!(active(c), vec![1, 2]);
        let ns2 = spdk_nvme_ctrlr_get_ns(c, 2);
        assert!(spdk_nvme_ns_is_active(ns2));
        assert_eq!(spdk_nvme_ns_get_sector_size(ns2), 4096);
        assert_eq!(spdk_nvme_ns_get_num_sectors(ns2), 1024);
        let (_, page) = identify(c, 0x12, 2);
        assert_eq!(&page[..4], &[1, 0, 1, 0]);
        let w = write_pattern(ns2, q, 10, 3);
        let (cpl, r) = read(ns2, q, 10, 3);
        assert!(cpl.is_success());
        assert_eq!(w, r);
        // The model told the host (a namespace attribute notice, changed
        // namespace list log page); it comes with the next poll.
        for _ in 0..10 {
            spdk_nvme_ctrlr_process_admin_completions(c);
        }
        assert_eq!(ev.cdw0, vec![2 | 4 << 16]);
        assert_eq!(active(c), vec![1, 2]);

        // Attached twice: the controller's error.
        assert_eq!(spdk_nvme_ctrlr_attach_ns(c, 2, &mut list), -libc::EIO);

        // Detach: inactive for the driver, still there on the device.
        assert_eq!(spdk_nvme_ctrlr_detach_ns(c, 2, &mut list), 0);
        assert_eq!(active(c), vec![1]);
        assert!(!spdk_nvme_ns_is_active(ns2));
        assert!(model.with(|m| m.is_allocated(2) && !m.is_attached(2)));
        let b = Buf::new(4096);
        let mut d = Done::default();
        assert_ne!(
            spdk_nvme_ns_cmd_read(ns2, q, b.vp(), 0, 1, Some(cb), d.arg(), 0),
            0
        );
        assert_eq!(spdk_nvme_ctrlr_detach_ns(c, 2, &mut list), -libc::EIO);
        // Attached again: the data is still there.
        assert_eq!(spdk_nvme_ctrlr_attach_ns(c, 2, &mut list), 0);
        assert_eq!(active(c), vec![1, 2]);
        let (_, r) = read(ns2, q, 10, 3);
        assert_eq!(w, r);

        // Deleting an attached namespace detaches it.
        assert_eq!(spdk_nvme_ctrlr_delete_ns(c, 2), 0);
        assert_eq!(active(c), vec![1]);
        assert!(!model.with(|m| m.is_allocated(2)));
        assert_eq!(spdk_nvme_ctrlr_delete_ns(c, 2), -libc::EIO);
        // Its NSID is free again; a new namespace there is blank.
        let mut req = ns_request(64, 0);
        assert_eq!(spdk_nvme_ctrlr_create_ns(c, &mut req), 2);
        assert_eq!(spdk_nvme_ctrlr_attach_ns(c, 2, &mut list), 0);
        assert_eq!(spdk_nvme_ns_get_sector_size(ns2), 512);
        assert_eq!(spdk_nvme_ns_get_num_sectors(ns2), 64);
        let (_, r) = read(ns2, q, 10, 1);
        assert!(r.iter().all(|&b| b == 0));

        // Delete every namespace (NSID FFFFFFFFh).
        assert_eq!(spdk_nvme_ctrlr_delete_ns(c, ALL_NS), 0);
        assert_eq!(active(c), Vec::<u32>::new());
        assert_eq!(spdk_nvme_ctrlr_get_first_active_ns(c), 0);

        spdk_nvme_ctrlr_free_io_qpair(q);
        spdk_nvme_detach(c);
    }
}

#[test]
fn management_errors() {
    let model = Model::new(mgmt_cfg());
    let c = attach(&model);
    unsafe {
        let mut list = ctrlr_list(&[1]);
        // Bad arguments.
        assert_eq!(spdk_nvme_ctrlr_attach_ns(c, 0, &mut list), -libc::EINVAL);
        assert_eq!(spdk_nvme_ctrlr_detach_ns(c, 0, &mut list), -libc::EINVAL);
        assert_eq!(
            spdk_nvme_ctrlr_attach_ns(c, 1, ptr::null_mut()),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ctrlr_detach_ns(c, 1, ptr::null_mut()),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ctrlr_attach_ns(ptr::null_mut(), 1, &mut list),
            -libc::EINVAL
        );
        assert_eq!(spdk_nvme_ctrlr_delete_ns(c, 0), -libc::EINVAL);
        assert_eq!(spdk_nvme_ctrlr_delete_ns(ptr::null_mut(), 1), -libc::EINVAL);
        assert_eq!(spdk_nvme_ctrlr_create_ns(c, ptr::null_mut()), 0);
        let mut req = ns_request(8, 0);
        assert_eq!(spdk_nvme_ctrlr_create_ns(ptr::null_mut(), &mut req), 0);

        // The controller's refusals: create gives 0, the others -EIO.
        // Too big for the capacity left (7 MiB).
        let mut req = ns_request(2048, 4);
        assert_eq!(spdk_nvme_ctrlr_create_ns(c, &mut req), 0);
        // No such LBA format; a capacity other than the size.
        let mut req = ns_request(8, 9);
        assert_eq!(spdk_nvme_ctrlr_create_ns(c, &mut req), 0);
        let mut req = ns_request(8, 0);
        req.ncap = 4;
        assert_eq!(spdk_nvme_ctrlr_create_ns(c, &mut req), 0);
        // Unallocated, or beyond NN.
        assert_eq!(spdk_nvme_ctrlr_attach_ns(c, 3, &mut list), -libc::EIO);
        assert_eq!(spdk_nvme_ctrlr_attach_ns(c, 9, &mut list), -libc::EIO);
        assert_eq!(spdk_nvme_ctrlr_delete_ns(c, 3), -libc::EIO);
        // A controller list naming another controller, or none.
        let mut req = ns_request(8, 0);
        let nsid = spdk_nvme_ctrlr_create_ns(c, &mut req);
        assert_eq!(nsid, 2);
        let mut bad = ctrlr_list(&[1, 7]);
        assert_eq!(spdk_nvme_ctrlr_attach_ns(c, nsid, &mut bad), -libc::EIO);
        let mut empty = ctrlr_list(&[]);
        assert_eq!(spdk_nvme_ctrlr_attach_ns(c, nsid, &mut empty), -libc::EIO);
        assert_eq!(active(c), vec![1]);
        // Every NSID taken: no more namespaces.
        for want in [3, 4] {
            let mut req = ns_request(8, 0);
            assert_eq!(spdk_nvme_ctrlr_create_ns(c, &mut req), want);
        }
        let mut req = ns_request(8, 0);
        assert_eq!(spdk_nvme_ctrlr_create_ns(c, &mut req), 0);
        spdk_nvme_detach(c);
    }
}

#[test]
fn another_host_detaching_a_namespace() {
    let model = Model::new(ModelConfig {
        namespaces: vec![ModelNs::default(), ModelNs::default()],
        ..Default::default()
    });
    let c = attach(&model);
    unsafe {
        let mut ev = Events::default();
        spdk_nvme_ctrlr_register_aer_callback(c, Some(aer_cb), (&mut ev as *mut Events).cast());
        assert_eq!(active(c), vec![1, 2]);
        assert!(model.with(|m| m.set_attached(1, false)));
        for _ in 0..10 {
            spdk_nvme_ctrlr_process_admin_completions(c);
        }
        assert_eq!(ev.cdw0, vec![2 | 4 << 16]);
        assert_eq!(active(c), vec![2]);
        assert!(model.with(|m| m.set_attached(1, true)));
        for _ in 0..10 {
            spdk_nvme_ctrlr_process_admin_completions(c);
        }
        assert_eq!(active(c), vec![1, 2]);
        spdk_nvme_detach(c);
    }
}

// ---- Format NVM ----

#[test]
fn format_erases_and_changes_the_lba_format() {
    let model = Model::new(ModelConfig {
        namespaces: vec![ModelNs::default(), ModelNs::default()],
        ..Default::default()
    });
    let c = attach(&model);
    unsafe {
        let q = spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0);
        let (ns1, ns2) = (spdk_nvme_ctrlr_get_ns(c, 1), spdk_nvme_ctrlr_get_ns(c, 2));
        write_pattern(ns1, q, 0, 8);
        let w2 = write_pattern(ns2, q, 0, 8);

        // Same format, user data erase: ns 1 reads zeroes, ns 2 keeps.
        let mut f = Format(0).with_lbaf(0).with_ses(1);
        assert_eq!(spdk_nvme_ctrlr_format(c, 1, &mut f), 0);
        // The reset gave the pair new queues: same handle.
        assert!(spdk_nvme_qpair_is_connected(q));
        let (cpl, r) = read(ns1, q, 0, 8);
        assert!(cpl.is_success());
        assert!(r.iter().all(|&b| b == 0));
        let (_, r) = read(ns2, q, 0, 8);
        assert_eq!(r, w2);

        // LBA format 2 (4 KiB blocks): the capacity stays, in bigger
        // blocks; the driver sees the new format after the reset.
        let nd = &*spdk_nvme_ns_get_data(ns1);
        assert_eq!(nd.lbaf[2].lbads(), 12);
        let mut f = Format(0).with_lbaf(2);
        assert_eq!(spdk_nvme_ctrlr_format(c, 1, &mut f), 0);
        assert_eq!(spdk_nvme_ns_get_sector_size(ns1), 4096);
        assert_eq!(spdk_nvme_ns_get_num_sectors(ns1), 2048 * 512 / 4096);
        assert_eq!(spdk_nvme_ns_get_active_format_index(ns1), 2);
        let w = write_pattern(ns1, q, 3, 2);
        let (_, r) = read(ns1, q, 3, 2);
        assert_eq!(w, r);
        // LBA format 1: 512-byte blocks with 8 bytes of metadata.
        let mut f = Format(0).with_lbaf(1);
        assert_eq!(spdk_nvme_ctrlr_format(c, 1, &mut f), 0);
        assert_eq!(spdk_nvme_ns_get_sector_size(ns1), 512);
        assert_eq!(spdk_nvme_ns_get_md_size(ns1), 8);
        assert_eq!(spdk_nvme_ns_get_num_sectors(ns1), 2048);
        assert_eq!(model.with(|m| m.ns_geometry(1)), Some((512, 8, 2048)));

        // Every namespace (NSID FFFFFFFFh) back to format 0.
        write_pattern(ns2, q, 100, 4);
        let mut f = Format(0).with_lbaf(0);
        assert_eq!(spdk_nvme_ctrlr_format(c, ALL_NS, &mut f), 0);
        assert_eq!(spdk_nvme_ns_get_md_size(ns1), 0);
        let (_, r) = read(ns2, q, 100, 4);
        assert!(r.iter().all(|&b| b == 0));

        // Errors: NULL; the controller's refusals leave the namespace.
        assert_eq!(spdk_nvme_ctrlr_format(c, 1, ptr::null_mut()), -libc::EINVAL);
        assert_eq!(
            spdk_nvme_ctrlr_format(ptr::null_mut(), 1, &mut f),
            -libc::EINVAL
        );
        let w = write_pattern(ns1, q, 0, 1);
        for mut bad in [
            Format(0).with_lbaf(9),
            Format(0).with_pi(1),
            Format(0).with_lbaf(1).with_ms(1),
            Format(0).with_ses(3),
        ] {
            assert_eq!(spdk_nvme_ctrlr_format(c, 1, &mut bad), -libc::EIO);
        }
        assert_eq!(spdk_nvme_ctrlr_format(c, 3, &mut f), -libc::EIO);
        assert_eq!(spdk_nvme_ctrlr_format(c, 0, &mut f), -libc::EIO);
        let (_, r) = read(ns1, q, 0, 1);
        assert_eq!(w, r);

        spdk_nvme_ctrlr_free_io_qpair(q);
        spdk_nvme_detach(c);
    }
}

// ---- firmware ----

fn image(rev: &[u8; 8], len: usize) -> Vec<u8> {
    let mut v: Vec<u8> = (0..len).map(|i| (i * 13) as u8).collect();
    v[..8].copy_from_slice(rev);
    v
}

unsafe fn slot_page(c: *mut spdk_nvme_ctrlr) -> FirmwarePage {
    let b = Buf::new(512);
    let cpl = admin_run(c, |f, a| {
        spdk_nvme_ctrlr_cmd_get_log_page(c, 3, ALL_NS, b.vp(), 512, 0, f, a)
    });
    assert!(cpl.is_success());
    FirmwarePage::read_from(b.bytes()).unwrap()
}

#[test]
fn firmware_update() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let q = spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0);
        let p = slot_page(c);
        assert_eq!((p.afi.active_slot(), p.afi.next_reset_slot()), (1, 0));
        assert_eq!(p.revision[0], FW_REVISION);

        // An image of three pieces (4 KiB pages), replaced and enabled in
        // slot 2: it runs after the reset the function does.
        let mut img = image(b"2.0-rc1 ", 10_000);
        let mut s = Status(0xffff);
        assert_eq!(
            spdk_nvme_ctrlr_update_firmware(
                c,
                img.as_mut_ptr().cast(),
                10_000,
                2,
                FW_REPLACE_AND_ENABLE,
                &mut s
            ),
            0
        );
        assert_eq!(s.0 & !1, 0);
        assert_eq!((*spdk_nvme_ctrlr_get_data(c)).fr, *b"2.0-rc1 ");
        let p = slot_page(c);
        assert_eq!((p.afi.active_slot(), p.afi.next_reset_slot()), (2, 0));
        assert_eq!(p.revision[0], FW_REVISION);
        assert_eq!(p.revision[1], *b"2.0-rc1 ");
        // The pair came back from the reset.
        assert!(spdk_nvme_qpair_is_connected(q));

        // Replace only, slot 0 (the controller's choice: slot 3).
        let mut img3 = image(b"3.0     ", 4096);
        assert_eq!(
            spdk_nvme_ctrlr_update_firmware(
                c,
                img3.as_mut_ptr().cast(),
                4096,
                0,
                FW_REPLACE,
                &mut s
            ),
            0
        );
        let p = slot_page(c);
        assert_eq!((p.afi.active_slot(), p.afi.next_reset_slot()), (2, 0));
        assert_eq!(p.revision[2], *b"3.0     ");
        assert_eq!((*spdk_nvme_ctrlr_get_data(c)).fr, *b"2.0-rc1 ");

        // SPDK's own refusals: -1 for a size not a multiple of 4 or
        // another commit action; the status stays zero.
        s = Status(0xffff);
        assert_eq!(
            spdk_nvme_ctrlr_update_firmware(c, img.as_mut_ptr().cast(), 10, 2, FW_REPLACE, &mut s),
            -1
        );
        assert_eq!(s.0, 0);
        assert_eq!(
            spdk_nvme_ctrlr_update_firmware(c, img.as_mut_ptr().cast(), 8, 2, FW_ENABLE, &mut s),
            -1
        );
        // NULL status, NULL image, slots beyond 7.
        assert_eq!(
            spdk_nvme_ctrlr_update_firmware(
                c,
                img.as_mut_ptr().cast(),
                8,
                2,
                FW_REPLACE,
                ptr::null_mut()
            ),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ctrlr_update_firmware(c, ptr::null_mut(), 8, 2, FW_REPLACE, &mut s),
            -libc::EINVAL
        );
        for slot in [-1, 8] {
            assert_eq!(
                spdk_nvme_ctrlr_update_firmware(
                    c,
                    img.as_mut_ptr().cast(),
                    8,
                    slot,
                    FW_REPLACE,
                    &mut s
                ),
                -libc::EINVAL
            );
        }

        // The controller's refusals come back in the status: slot 1 is
        // read only, slot 5 does not exist, an image without a revision.
        for slot in [1, 5] {
            assert_eq!(
                spdk_nvme_ctrlr_update_firmware(
                    c,
                    img.as_mut_ptr().cast(),
                    4096,
                    slot,
                    FW_REPLACE,
                    &mut s
                ),
                -libc::EIO
            );
            assert_eq!(st(&s), (SCT_CMD, SC_INVALID_FIRMWARE_SLOT));
        }
        let mut junk = vec![0u8; 64];
        assert_eq!(
            spdk_nvme_ctrlr_update_firmware(c, junk.as_mut_ptr().cast(), 64, 2, FW_REPLACE, &mut s),
            -libc::EIO
        );
        assert_eq!(st(&s), (SCT_CMD, SC_INVALID_FIRMWARE_IMAGE));

        // A controller asking for a conventional reset: -EIO, no reset
        // (the new image waits).
        model.with(|m| m.fw_activation_status = SC_FIRMWARE_REQ_CONVENTIONAL_RESET);
        assert_eq!(
            spdk_nvme_ctrlr_update_firmware(
                c,
                img3.as_mut_ptr().cast(),
                4096,
                3,
                FW_REPLACE_AND_ENABLE,
                &mut s
            ),
            -libc::EIO
        );
        assert_eq!(st(&s), (SCT_CMD, SC_FIRMWARE_REQ_CONVENTIONAL_RESET));
        assert_eq!((*spdk_nvme_ctrlr_get_data(c)).fr, *b"2.0-rc1 ");
        assert_eq!(model.with(|m| m.firmware()), (2, *b"2.0-rc1 ", 3));
        // One asking for an NVM subsystem reset: done, and the driver
        // resets the controller (the model activates then).
        model.with(|m| m.fw_activation_status = SC_FIRMWARE_REQ_NVM_RESET);
        assert_eq!(
            spdk_nvme_ctrlr_update_firmware(
                c,
                img3.as_mut_ptr().cast(),
                4096,
                3,
                FW_REPLACE_AND_ENABLE,
                &mut s
            ),
            0
        );
        assert_eq!(st(&s), (SCT_CMD, SC_FIRMWARE_REQ_NVM_RESET));
        assert_eq!((*spdk_nvme_ctrlr_get_data(c)).fr, *b"3.0     ");
        assert_eq!(model.with(|m| m.firmware()), (3, *b"3.0     ", 0));

        spdk_nvme_ctrlr_free_io_qpair(q);
        spdk_nvme_detach(c);
    }
}

// ---- security ----

#[test]
fn security_send_and_receive() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        // Ordinary memory: the driver copies it through DMA memory.
        let mut info = vec![0xffu8; 32];
        assert_eq!(
            spdk_nvme_ctrlr_security_receive(c, SECP_INFO, 0, 0, info.as_mut_ptr().cast(), 32),
            0
        );
        assert_eq!(
            &info[..12],
            &[0, 0, 0, 0, 0, 0, 0, 2, SECP_INFO, SECP_ECHO, 0, 0]
        );

        // The echo protocol keeps what was sent per SPSP.
        let mut msg: Vec<u8> = (0..100u8).collect();
        assert_eq!(
            spdk_nvme_ctrlr_security_send(c, SECP_ECHO, 0x1234, 0, msg.as_mut_ptr().cast(), 100),
            0
        );
        let mut back = vec![0u8; 128];
        assert_eq!(
            spdk_nvme_ctrlr_security_receive(
                c,
                SECP_ECHO,
                0x1234,
                0,
                back.as_mut_ptr().cast(),
                128
            ),
            0
        );
        assert_eq!(&back[..100], &msg[..]);
        assert!(back[100..].iter().all(|&b| b == 0));
        let mut other = vec![0xffu8; 16];
        assert_eq!(
            spdk_nvme_ctrlr_security_receive(c, SECP_ECHO, 0x34, 0, other.as_mut_ptr().cast(), 16),
            0
        );
        assert!(other.iter().all(|&b| b == 0));

        // The asynchronous forms.
        let mut msg2 = *b"asynchronous echo protocol data!";
        let cpl = admin_run(c, |f, a| {
            spdk_nvme_ctrlr_cmd_security_send(
                c,
                SECP_ECHO,
                7,
                0,
                msg2.as_mut_ptr().cast(),
                32,
                f,
                a,
            )
        });
        assert!(cpl.is_success());
        let mut back2 = [0u8; 32];
        let cpl = admin_run(c, |f, a| {
            spdk_nvme_ctrlr_cmd_security_receive(
                c,
                SECP_ECHO,
                7,
                0,
                back2.as_mut_ptr().cast(),
                32,
                f,
                a,
            )
        });
        assert!(cpl.is_success());
        assert_eq!(back2, msg2);

        // An unknown protocol: the controller's status, -EIO when waited.
        let cpl = admin_run(c, |f, a| {
            spdk_nvme_ctrlr_cmd_security_receive(c, 0x42, 0, 0, back2.as_mut_ptr().cast(), 32, f, a)
        });
        assert_eq!(sc(&cpl), (SCT_GENERIC, SC_INVALID_FIELD));
        assert_eq!(
            spdk_nvme_ctrlr_security_send(c, SECP_INFO, 0, 0, msg.as_mut_ptr().cast(), 4),
            -libc::EIO
        );

        // Bad arguments.
        let null = ptr::null_mut();
        assert_eq!(
            spdk_nvme_ctrlr_security_receive(c, SECP_ECHO, 0, 0, null, 16),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ctrlr_security_send(c, SECP_ECHO, 0, 0, null, 16),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ctrlr_cmd_security_send(c, SECP_ECHO, 0, 0, null, 16, Some(cb), null),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ctrlr_security_receive(
                ptr::null_mut(),
                SECP_ECHO,
                0,
                0,
                back.as_mut_ptr().cast(),
                16
            ),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ctrlr_security_receive(c, SECP_ECHO, 0, 0, back.as_mut_ptr().cast(), 1 << 32),
            -libc::EINVAL
        );
        spdk_nvme_detach(c);
    }
}

// ---- directives ----

#[test]
fn directives() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let params = |c| {
            let mut p = vec![0u8; 4096];
            let cpl = admin_run(c, |f, a| {
                spdk_nvme_ctrlr_cmd_directive_receive(
                    c,
                    1,
                    1,
                    0,
                    0,
                    p.as_mut_ptr().cast(),
                    4096,
                    0,
                    0,
                    f,
                    a,
                )
            });
            assert!(cpl.is_success());
            NsIdentifyDirectiveParam::read_from(&p).unwrap()
        };
        let p = params(c);
        assert_eq!(p.directives_supported.types.identify(), 1);
        assert_eq!(p.directives_supported.types.streams(), 1);
        assert_eq!(p.directives_enabled.types.identify(), 1);
        assert_eq!(p.directives_enabled.types.streams(), 0);

        // Streams are refused until enabled (Identify, Enable Directive:
        // ENDIR and the type in CDW12).
        let mut sd = [0u8; 32];
        let cpl = admin_run(c, |f, a| {
            spdk_nvme_ctrlr_cmd_directive_receive(
                c,
                1,
                1,
                1,
                0,
                sd.as_mut_ptr().cast(),
                32,
                0,
                0,
                f,
                a,
            )
        });
        assert_eq!(sc(&cpl), (SCT_GENERIC, SC_INVALID_FIELD));
        let cpl = admin_run(c, |f, a| {
            spdk_nvme_ctrlr_cmd_directive_send(
                c,
                1,
                1,
                0,
                0,
                ptr::null_mut(),
                0,
                1 | 1 << 8,
                0,
                f,
                a,
            )
        });
        assert!(cpl.is_success());
        assert_eq!(params(c).directives_enabled.types.streams(), 1);
        let cpl = admin_run(c, |f, a| {
            spdk_nvme_ctrlr_cmd_directive_receive(
                c,
                1,
                1,
                1,
                0,
                sd.as_mut_ptr().cast(),
                32,
                0,
                0,
                f,
                a,
            )
        });
        assert!(cpl.is_success());
        let s = NsStreamsData::read_from(&sd).unwrap();
        assert_eq!((s.msl, s.nssa, s.nsa), (16, 16, 0));
        // Allocate Resources: the count granted in CDW0.
        let cpl = admin_run(c, |f, a| {
            spdk_nvme_ctrlr_cmd_directive_receive(c, 1, 3, 1, 0, ptr::null_mut(), 0, 4, 0, f, a)
        });
        assert!(cpl.is_success());
        assert_eq!(cpl.cdw0, 4);
        let cpl = admin_run(c, |f, a| {
            spdk_nvme_ctrlr_cmd_directive_receive(
                c,
                1,
                1,
                1,
                0,
                sd.as_mut_ptr().cast(),
                32,
                0,
                0,
                f,
                a,
            )
        });
        assert!(cpl.is_success());
        let s = NsStreamsData::read_from(&sd).unwrap();
        assert_eq!((s.nssa, s.nsa), (12, 4));
        // Release Resources, then disable.
        let cpl = admin_run(c, |f, a| {
            spdk_nvme_ctrlr_cmd_directive_send(c, 1, 2, 1, 0, ptr::null_mut(), 0, 0, 0, f, a)
        });
        assert!(cpl.is_success());
        let cpl = admin_run(c, |f, a| {
            spdk_nvme_ctrlr_cmd_directive_send(c, 1, 1, 0, 0, ptr::null_mut(), 0, 1 << 8, 0, f, a)
        });
        assert!(cpl.is_success());
        assert_eq!(params(c).directives_enabled.types.streams(), 0);

        // The controller's refusals: another namespace, another type.
        let cpl = admin_run(c, |f, a| {
            spdk_nvme_ctrlr_cmd_directive_receive(
                c,
                9,
                1,
                0,
                0,
                sd.as_mut_ptr().cast(),
                32,
                0,
                0,
                f,
                a,
            )
        });
        assert_eq!(sc(&cpl), (SCT_GENERIC, SC_INVALID_NAMESPACE));
        let cpl = admin_run(c, |f, a| {
            spdk_nvme_ctrlr_cmd_directive_send(
                c,
                1,
                1,
                0,
                0,
                ptr::null_mut(),
                0,
                1 | 5 << 8,
                0,
                f,
                a,
            )
        });
        assert_eq!(sc(&cpl), (SCT_GENERIC, SC_INVALID_FIELD));

        // Bad arguments: fields beyond their width, no buffer.
        let null = ptr::null_mut();
        let p = sd.as_mut_ptr().cast();
        for (op, ty, sp) in [(0x100, 0, 0), (1, 0x100, 0), (1, 0, 0x10000)] {
            assert_eq!(
                spdk_nvme_ctrlr_cmd_directive_receive(
                    c,
                    1,
                    op,
                    ty,
                    sp,
                    p,
                    32,
                    0,
                    0,
                    Some(cb),
                    null
                ),
                -libc::EINVAL
            );
            assert_eq!(
                spdk_nvme_ctrlr_cmd_directive_send(c, 1, op, ty, sp, p, 32, 0, 0, Some(cb), null),
                -libc::EINVAL
            );
        }
        assert_eq!(
            spdk_nvme_ctrlr_cmd_directive_receive(c, 1, 1, 0, 0, null, 32, 0, 0, Some(cb), null),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ctrlr_cmd_directive_send(
                ptr::null_mut(),
                1,
                1,
                0,
                0,
                p,
                32,
                0,
                0,
                Some(cb),
                null
            ),
            -libc::EINVAL
        );
        spdk_nvme_detach(c);
    }
}

// ---- boot partitions ----

unsafe fn bp_read(c: *mut spdk_nvme_ctrlr, buf: &Buf, bprsz: u32, bprof: u32, bpid: u32) -> c_int {
    assert_eq!(
        spdk_nvme_ctrlr_read_boot_partition_start(c, buf.vp(), bprsz, bprof, bpid),
        0
    );
    for _ in 0..100 {
        let rc = spdk_nvme_ctrlr_read_boot_partition_poll(c);
        if rc != -libc::EAGAIN {
            return rc;
        }
    }
    panic!("boot partition read never done");
}

#[test]
fn boot_partitions() {
    let model = Model::new(ModelConfig {
        boot_partition_size: 1,
        ..Default::default()
    });
    let c = attach(&model);
    unsafe {
        assert_eq!(spdk_nvme_ctrlr_get_regs_cap(c).bps(), 1);
        let bpinfo = spdk_nvme_ctrlr_get_regs_bpinfo(c);
        assert_eq!((bpinfo.bpsz(), bpinfo.brs(), bpinfo.abpid()), (1, 0, 0));
        // No read started yet.
        assert_eq!(spdk_nvme_ctrlr_read_boot_partition_poll(c), -libc::EINVAL);

        // Write partition 1 (ordinary memory, 128 KiB): downloaded,
        // replaced, activated; one callback at the end.
        let mut img: Vec<u8> = (0..128 << 10).map(|i: usize| (i / 7) as u8).collect();
        let mut d = Done::default();
        assert_eq!(
            spdk_nvme_ctrlr_write_boot_partition(
                c,
                img.as_mut_ptr().cast(),
                img.len() as u32,
                1,
                Some(cb),
                d.arg()
            ),
            0
        );
        let cpl = admin_wait(c, &d, 1);
        assert!(cpl.is_success(), "{:?}", sc(&cpl));
        for _ in 0..10 {
            spdk_nvme_ctrlr_process_admin_completions(c);
        }
        assert_eq!(d.cpls.len(), 1);
        assert_eq!(
            model.with(|m| m.boot_partition(1).map(|b| b.to_vec())),
            Some(img.clone())
        );
        assert_eq!(spdk_nvme_ctrlr_get_regs_bpinfo(c).abpid(), 1);

        // Read 8 KiB from 12 KiB into it: in progress, then done.
        let buf = Buf::new(8192);
        assert_eq!(
            spdk_nvme_ctrlr_read_boot_partition_start(c, buf.vp(), 2, 3, 1),
            0
        );
        assert_eq!(spdk_nvme_ctrlr_read_boot_partition_poll(c), -libc::EAGAIN);
        assert_eq!(spdk_nvme_ctrlr_read_boot_partition_poll(c), 0);
        assert_eq!(buf.bytes(), &img[3 * 4096..5 * 4096]);
        buf.fill(9);
        assert_eq!(bp_read(c, &buf, 2, 3, 1), 0);
        assert_eq!(buf.bytes(), &img[3 * 4096..5 * 4096]);
        assert_eq!(spdk_nvme_ctrlr_read_boot_partition_poll(c), 0);
        // Partition 0 is blank.
        assert_eq!(bp_read(c, &buf, 2, 0, 0), 0);
        assert!(buf.bytes().iter().all(|&b| b == 0));
        // Beyond the partition: the read fails.
        assert_eq!(bp_read(c, &buf, 2, 31, 1), -libc::EIO);
        // One read at a time.
        assert_eq!(
            spdk_nvme_ctrlr_read_boot_partition_start(c, buf.vp(), 1, 0, 1),
            0
        );
        assert_eq!(
            spdk_nvme_ctrlr_read_boot_partition_start(c, buf.vp(), 1, 0, 1),
            -libc::EALREADY
        );
        while spdk_nvme_ctrlr_read_boot_partition_poll(c) == -libc::EAGAIN {}

        // Bad arguments.
        assert_eq!(
            spdk_nvme_ctrlr_read_boot_partition_start(c, buf.vp(), 0, 0, 0),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ctrlr_read_boot_partition_start(c, buf.vp(), 1, 0, 2),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ctrlr_read_boot_partition_start(c, buf.vp(), 1024, 0, 0),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ctrlr_read_boot_partition_start(c, ptr::null_mut(), 1, 0, 0),
            -libc::EFAULT
        );
        // Memory the controller cannot reach, or too little of it.
        let mut plain = vec![0u8; 8192];
        assert_eq!(
            spdk_nvme_ctrlr_read_boot_partition_start(c, plain.as_mut_ptr().cast(), 1, 0, 0),
            -libc::EFAULT
        );
        let null = ptr::null_mut();
        let p = img.as_mut_ptr().cast();
        assert_eq!(
            spdk_nvme_ctrlr_write_boot_partition(c, null, 4096, 0, Some(cb), null),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ctrlr_write_boot_partition(c, p, 0, 0, Some(cb), null),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ctrlr_write_boot_partition(c, p, 6, 0, Some(cb), null),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ctrlr_write_boot_partition(c, p, 4096, 2, Some(cb), null),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ctrlr_read_boot_partition_poll(ptr::null_mut()),
            -libc::EINVAL
        );

        // An image larger than the partition: the commit's error reaches
        // the callback.
        let mut big = vec![1u8; 256 << 10];
        let mut d = Done::default();
        assert_eq!(
            spdk_nvme_ctrlr_write_boot_partition(
                c,
                big.as_mut_ptr().cast(),
                big.len() as u32,
                0,
                Some(cb),
                d.arg()
            ),
            0
        );
        let cpl = admin_wait(c, &d, 1);
        assert_eq!(sc(&cpl), (SCT_CMD, SC_INVALID_FIRMWARE_IMAGE));
        assert!(model.with(|m| m.boot_partition(0).unwrap().iter().all(|&b| b == 0)));
        spdk_nvme_detach(c);
    }

    // A controller without boot partitions.
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let buf = Buf::new(4096);
        assert_eq!(
            spdk_nvme_ctrlr_read_boot_partition_start(c, buf.vp(), 1, 0, 0),
            -libc::ENOTSUP
        );
        assert_eq!(
            spdk_nvme_ctrlr_write_boot_partition(c, buf.vp(), 4096, 0, Some(cb), ptr::null_mut()),
            -libc::ENOTSUP
        );
        spdk_nvme_detach(c);
    }
}
