//! nvme_ocssd.h through its C functions against the in-memory model
//! controller: the model is no open-channel SSD (it answers the OCSSD
//! opcodes Invalid Opcode), so these check what reaches the controller
//! (opcode, NSID, the dwords of SPDK's encoding, LBA lists in DMA memory,
//! data and metadata pointers), the completions, and bad input.

use std::ffi::c_void;
use std::ptr;

use spdk_nvme::ffi::nvme::ctrlr::*;
use spdk_nvme::ffi::nvme::probe::spdk_nvme_detach;
use spdk_nvme::ffi::nvme::qpair::*;
use spdk_nvme::ffi::nvme_ocssd::*;
use spdk_nvme::model::{Model, ModelConfig, ModelNs};
use spdk_nvme::probe;
use spdk_nvme::spec::cmd::{Cmd, Cpl};

const SCT_GENERIC: u16 = 0;
const SC_INVALID_OPCODE: u16 = 1;

struct Buf {
    p: *mut u8,
}

impl Buf {
    fn new(len: usize) -> Buf {
        let p = spdk_env::memory::dma_alloc(len, 4096, -1)
            .expect("dma")
            .as_ptr();
        unsafe { ptr::write_bytes(p, 0, len) };
        Buf { p }
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
}

unsafe extern "C" fn cb(arg: *mut c_void, cpl: *const Cpl) {
    (*(arg as *mut Done)).cpls.push(*cpl);
}

fn attach(model: &Model) -> *mut spdk_nvme_ctrlr {
    probe::attach_model(model, None).expect("attach").cast()
}

fn invalid_opcode(c: &Cpl) -> bool {
    c.status.sct() == SCT_GENERIC && c.status.sc() == SC_INVALID_OPCODE
}

unsafe fn admin_until(c: *mut spdk_nvme_ctrlr, d: &Done, n: usize) {
    for _ in 0..100_000 {
        if d.cpls.len() >= n {
            return;
        }
        spdk_nvme_ctrlr_process_admin_completions(c);
    }
    panic!("admin command did not complete");
}

unsafe fn poll_until(q: *mut spdk_nvme_qpair, d: &Done, n: usize) {
    for _ in 0..100_000 {
        if d.cpls.len() >= n {
            return;
        }
        assert!(spdk_nvme_qpair_process_completions(q, 0) >= 0);
    }
    panic!("I/O command did not complete");
}

/// The commands the model holds (after letting it consume what was sent).
unsafe fn held_cmds(model: &Model, q: *mut spdk_nvme_qpair) -> Vec<Cmd> {
    assert!(spdk_nvme_qpair_process_completions(q, 0) >= 0);
    model.with(|m| m.held().iter().map(|h| h.cmd).collect())
}

/// The one command the model holds now, then lets it complete.
unsafe fn take_held(model: &Model, q: *mut spdk_nvme_qpair, d: &Done) -> Cmd {
    let held = held_cmds(model, q);
    assert_eq!(held.len(), 1, "one command held");
    let n = d.cpls.len();
    model.with(|m| m.release_held());
    poll_until(q, d, n + 1);
    assert!(invalid_opcode(d.cpls.last().unwrap()));
    held[0]
}

fn dw64(lo: u32, hi: u32) -> u64 {
    lo as u64 | (hi as u64) << 32
}

/// The `n` LBAs at bus address `a` (IOVA = VA in this environment).
unsafe fn list_at(a: u64, n: usize) -> Vec<u64> {
    std::slice::from_raw_parts(a as *const u64, n).to_vec()
}

#[test]
fn the_model_is_not_open_channel() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        assert!(!spdk_nvme_ctrlr_is_ocssd_supported(c));
        assert!(!spdk_nvme_ctrlr_is_ocssd_supported(ptr::null_mut()));
        spdk_nvme_detach(c);
    }
}

#[test]
fn geometry_reaches_the_controller() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        // Any memory will do: the data comes through a DMA copy.
        let mut geo = vec![0xa5u8; 4096];
        let mut d = Done::default();
        assert_eq!(
            spdk_nvme_ocssd_ctrlr_cmd_geometry(
                c,
                1,
                geo.as_mut_ptr().cast(),
                4096,
                Some(cb),
                d.arg()
            ),
            0
        );
        admin_until(c, &d, 1);
        assert!(invalid_opcode(&d.cpls[0]));
        let cmds = model.with(|m| std::mem::take(&mut m.unknown_admin));
        assert_eq!(cmds.len(), 1);
        let cmd = cmds[0];
        assert_eq!(cmd.opc(), 0xe2);
        assert_eq!({ cmd.nsid }, 1);
        assert_eq!(cmd.psdt(), 0);
        assert_ne!({ cmd.dptr.prp1 }, 0);
        assert_eq!(cmd.dptr.prp1 & 0xfff, 0, "a whole page of DMA memory");
        assert_eq!(({ cmd.cdw10 }, { cmd.cdw11 }, { cmd.cdw12 }), (0, 0, 0));
        // The controller sent nothing: the caller gets the zeroed copy.
        assert!(geo.iter().all(|&b| b == 0));

        // Wrong size, no buffer, no controller.
        let e = -libc::EINVAL;
        let p = geo.as_mut_ptr().cast();
        assert_eq!(
            spdk_nvme_ocssd_ctrlr_cmd_geometry(c, 1, p, 4095, Some(cb), d.arg()),
            e
        );
        assert_eq!(
            spdk_nvme_ocssd_ctrlr_cmd_geometry(c, 1, p, 8192, Some(cb), d.arg()),
            e
        );
        assert_eq!(
            spdk_nvme_ocssd_ctrlr_cmd_geometry(c, 1, ptr::null_mut(), 4096, Some(cb), d.arg()),
            e
        );
        assert_eq!(
            spdk_nvme_ocssd_ctrlr_cmd_geometry(ptr::null_mut(), 1, p, 4096, Some(cb), d.arg()),
            e
        );
        assert!(model.with(|m| m.unknown_admin.is_empty()));
        spdk_nvme_detach(c);
    }
}

#[test]
fn vector_commands_carry_spdks_encoding() {
    let model = Model::new(ModelConfig {
        namespaces: vec![ModelNs {
            md_size: 8,
            ..ModelNs::default()
        }],
        ..ModelConfig::default()
    });
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0);
        assert!(!q.is_null());
        let mut d = Done::default();
        let data = Buf::new(64 * 512);
        let md = Buf::new(64 * 8);
        model.with(|m| m.hold_io = true);

        // One LBA: the LBA itself in CDW10-11.
        let mut one = [0x1234_5678_9abcu64];
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_write(
                ns,
                q,
                data.vp(),
                one.as_mut_ptr(),
                1,
                Some(cb),
                d.arg(),
                0
            ),
            0
        );
        let cmd = take_held(&model, q, &d);
        assert_eq!(cmd.opc(), 0x91);
        assert_eq!({ cmd.nsid }, 1);
        assert_eq!(dw64(cmd.cdw10, cmd.cdw11), 0x1234_5678_9abc);
        assert_eq!({ cmd.cdw12 }, 0);
        assert_eq!({ cmd.dptr.prp1 }, data.p as u64);
        assert_eq!({ cmd.mptr }, 0);

        // Several: the bus address of a copy of the list; limited retry
        // in CDW12 bit 31; 3 sectors and their metadata.
        model.with(|m| m.hold_io = true);
        let mut lbas = [10u64, 20, 30];
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_read_with_md(
                ns,
                q,
                data.vp(),
                md.vp(),
                lbas.as_mut_ptr(),
                3,
                Some(cb),
                d.arg(),
                1 << 31
            ),
            0
        );
        // The caller's list may change at once: the command has its own.
        lbas[0] = 99;
        let held = held_cmds(&model, q);
        let list = dw64(held[0].cdw10, held[0].cdw11);
        assert_ne!(list, lbas.as_ptr() as u64);
        assert_eq!(list_at(list, 3), vec![10, 20, 30]);
        let cmd = take_held(&model, q, &d);
        assert_eq!(cmd.opc(), 0x92);
        assert_eq!({ cmd.cdw12 }, 2 | 1 << 31);
        assert_eq!({ cmd.dptr.prp1 }, data.p as u64);
        assert_eq!({ cmd.mptr }, md.p as u64);

        // Plain read and write with metadata: same encodings.
        model.with(|m| m.hold_io = true);
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_read(
                ns,
                q,
                data.vp(),
                one.as_mut_ptr(),
                1,
                Some(cb),
                d.arg(),
                0
            ),
            0
        );
        let cmd = take_held(&model, q, &d);
        assert_eq!((cmd.opc(), { cmd.mptr }), (0x92, 0));
        model.with(|m| m.hold_io = true);
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_write_with_md(
                ns,
                q,
                data.vp(),
                md.vp(),
                one.as_mut_ptr(),
                1,
                Some(cb),
                d.arg(),
                0
            ),
            0
        );
        let cmd = take_held(&model, q, &d);
        assert_eq!((cmd.opc(), { cmd.mptr }), (0x91, md.p as u64));

        // Reset: no data; the chunk information buffer in MPTR.
        model.with(|m| m.hold_io = true);
        let info = Buf::new(64 * 32);
        let mut chunks = [0x100u64, 0x200];
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_reset(
                ns,
                q,
                chunks.as_mut_ptr(),
                2,
                info.p.cast(),
                Some(cb),
                d.arg()
            ),
            0
        );
        let held = held_cmds(&model, q);
        assert_eq!(
            list_at(dw64(held[0].cdw10, held[0].cdw11), 2),
            vec![0x100, 0x200]
        );
        let cmd = take_held(&model, q, &d);
        assert_eq!(cmd.opc(), 0x90);
        assert_eq!({ cmd.cdw12 }, 1);
        assert_eq!({ cmd.mptr }, info.p as u64);
        assert_eq!({ cmd.dptr.prp1 }, 0);

        // Reset without chunk information, one LBA.
        model.with(|m| m.hold_io = true);
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_reset(
                ns,
                q,
                one.as_mut_ptr(),
                1,
                ptr::null_mut(),
                Some(cb),
                d.arg()
            ),
            0
        );
        let cmd = take_held(&model, q, &d);
        assert_eq!(dw64(cmd.cdw10, cmd.cdw11), 0x1234_5678_9abc);
        assert_eq!({ cmd.mptr }, 0);

        // Copy: sources in CDW10-11, destinations in CDW14-15.
        model.with(|m| m.hold_io = true);
        let mut src = [1u64; 64];
        let mut dst = [2u64; 64];
        for i in 0..64 {
            src[i] = i as u64;
            dst[i] = 1000 + i as u64;
        }
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_copy(
                ns,
                q,
                dst.as_mut_ptr(),
                src.as_mut_ptr(),
                64,
                Some(cb),
                d.arg(),
                1 << 31
            ),
            0
        );
        let held = held_cmds(&model, q);
        assert_eq!(
            list_at(dw64(held[0].cdw10, held[0].cdw11), 64),
            src.to_vec()
        );
        assert_eq!(
            list_at(dw64(held[0].cdw14, held[0].cdw15), 64),
            dst.to_vec()
        );
        let cmd = take_held(&model, q, &d);
        assert_eq!(cmd.opc(), 0x93);
        assert_eq!({ cmd.cdw12 }, 63 | 1 << 31);
        model.with(|m| m.hold_io = true);
        let (mut s1, mut d1) = ([7u64], [8u64]);
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_copy(
                ns,
                q,
                d1.as_mut_ptr(),
                s1.as_mut_ptr(),
                1,
                Some(cb),
                d.arg(),
                0
            ),
            0
        );
        let cmd = take_held(&model, q, &d);
        assert_eq!(dw64(cmd.cdw10, cmd.cdw11), 7);
        assert_eq!(dw64(cmd.cdw14, cmd.cdw15), 8);
        model.with(|m| m.hold_io = false);

        spdk_nvme_ctrlr_free_io_qpair(q);
        spdk_nvme_detach(c);
    }
}

#[test]
fn vector_commands_reject_bad_input() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0);
        let mut d = Done::default();
        let data = Buf::new(65 * 512);
        let mut lbas = [0u64; 65];
        let l = lbas.as_mut_ptr();
        let b = data.vp();
        let a = d.arg();
        let e = -libc::EINVAL;
        let write =
            |ns, q, b, l, n, f| spdk_nvme_ocssd_ns_cmd_vector_write(ns, q, b, l, n, Some(cb), a, f);
        assert_eq!(write(ptr::null_mut(), q, b, l, 1, 0), e);
        assert_eq!(write(ns, ptr::null_mut(), b, l, 1, 0), e);
        assert_eq!(write(ns, q, ptr::null_mut(), l, 1, 0), e);
        assert_eq!(write(ns, q, b, ptr::null_mut(), 1, 0), e);
        assert_eq!(write(ns, q, b, l, 0, 0), e);
        assert_eq!(write(ns, q, b, l, 65, 0), e);
        // Only limited retry is a vector I/O flag (FUA is not).
        assert_eq!(write(ns, q, b, l, 1, 1 << 30), e);
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_read(ns, q, b, l, 65, Some(cb), a, 0),
            e
        );
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_read_with_md(
                ns,
                q,
                ptr::null_mut(),
                b,
                l,
                1,
                Some(cb),
                a,
                0
            ),
            e
        );
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_reset(
                ns,
                q,
                ptr::null_mut(),
                1,
                ptr::null_mut(),
                Some(cb),
                a
            ),
            e
        );
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_reset(ns, q, l, 65, ptr::null_mut(), Some(cb), a),
            e
        );
        // Chunk information must be DMA-able memory.
        let mut heap = vec![0u8; 64];
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_reset(ns, q, l, 2, heap.as_mut_ptr().cast(), Some(cb), a),
            e
        );
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_copy(ns, q, ptr::null_mut(), l, 1, Some(cb), a, 0),
            e
        );
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_copy(ns, q, l, ptr::null_mut(), 1, Some(cb), a, 0),
            e
        );
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_copy(ns, q, l, l, 1, Some(cb), a, 1),
            e
        );
        assert_eq!(
            spdk_nvme_ocssd_ns_cmd_vector_copy(ptr::null_mut(), q, l, l, 1, Some(cb), a, 0),
            e
        );
        assert!(d.cpls.is_empty());
        // Nothing reached the controller.
        assert_eq!(spdk_nvme_qpair_process_completions(q, 0), 0);
        spdk_nvme_ctrlr_free_io_qpair(q);
        spdk_nvme_detach(c);
    }
}
