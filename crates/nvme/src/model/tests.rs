//! The model driven through the raw PCIe queue code (the core's tests
//! drive it through the driver).

use std::ptr;

use super::device::{REG_CC, REG_CSTS};
use super::*;
use crate::request::{Payload, Request};
use crate::spec::cmd::{Cmd, Cpl};
use crate::spec::ctrlr::CtrlrData;
use crate::spec::regs::Cc;
use crate::spec::Pod;
use crate::transport::{CtrlrTransport, QpairOpts, QpairTransport};

struct Dma(NonNullU8);
type NonNullU8 = std::ptr::NonNull<u8>;

impl Dma {
    fn new(len: usize) -> Dma {
        let p = spdk_env::memory::dma_alloc(len, 4096, -1).unwrap();
        unsafe { ptr::write_bytes(p.as_ptr(), 0, len) };
        Dma(p)
    }
    fn ptr(&self) -> *mut u8 {
        self.0.as_ptr()
    }
    #[allow(clippy::mut_from_ref)] // DMA memory the device also writes
    fn slice(&self, len: usize) -> &mut [u8] {
        unsafe { std::slice::from_raw_parts_mut(self.0.as_ptr(), len) }
    }
}

impl Drop for Dma {
    fn drop(&mut self) {
        spdk_env::memory::dma_free(self.0);
    }
}

fn up(model: &Model) -> (ModelCtrlr, ModelQpair) {
    let mut c = model.ctrlr();
    let mut admin = c.create_admin_qpair(32).unwrap();
    c.enable(&mut admin).unwrap();
    let cc = Cc(0).with_en(1).with_iosqes(6).with_iocqes(4);
    c.write_reg_4(REG_CC, cc.0).unwrap();
    let mut n = 0;
    while c.read_reg_4(REG_CSTS).unwrap() & 1 == 0 {
        n += 1;
        assert!(n < 10);
    }
    (c, admin)
}

/// Submits one request and waits for its completion.
fn run(q: &mut ModelQpair, r: &mut Request) -> Cpl {
    q.submit(r).unwrap();
    let mut got = None;
    for _ in 0..10 {
        q.process_completions(0, &mut |c| got = Some(*c)).unwrap();
        if got.is_some() {
            break;
        }
    }
    got.expect("a completion")
}

fn contig(cmd: Cmd, buf: *mut u8, len: u32) -> Request {
    let mut r = Request::empty();
    r.cmd = cmd;
    r.payload = Payload::Contig {
        buf,
        md: ptr::null_mut(),
    };
    r.payload_size = len;
    r
}

fn io_opts() -> QpairOpts {
    QpairOpts {
        io_queue_size: 64,
        io_queue_requests: 128,
        qprio: 0,
        delay_cmd_submit: true,
    }
}

#[test]
fn identify_and_io() {
    let model = Model::new(ModelConfig::default());
    let (mut c, mut admin) = up(&model);
    let buf = Dma::new(4096);
    let mut cmd = Cmd::new(0x06, 0);
    cmd.cdw10 = 1;
    let cpl = run(&mut admin, &mut contig(cmd, buf.ptr(), 4096));
    assert!(cpl.is_success());
    let cd = CtrlrData::read_from(buf.slice(4096)).unwrap();
    assert_eq!(cd.mn[0] as u8, b's');
    assert_eq!({ cd.nn }, 1);

    let mut q = c.create_io_qpair(&mut admin, 1, &io_opts()).unwrap();
    assert!(model.with(|d| d.has_io_queue(1)));
    // Write 16 KiB at an odd offset inside the page: PRP list.
    let data = Dma::new(32768);
    for (i, b) in data.slice(32768).iter_mut().enumerate() {
        *b = (i * 7 % 251) as u8;
    }
    let mut w = Cmd::new(0x01, 1);
    w.cdw10 = 3;
    w.cdw12 = 31;
    let cpl = run(
        &mut q,
        &mut contig(w, unsafe { data.ptr().add(512) }, 16384),
    );
    assert!(cpl.is_success(), "{cpl:?}");
    let disk = model.with(|d| d.disk(1).unwrap()[3 * 512..35 * 512].to_vec());
    assert_eq!(&disk[..], &data.slice(32768)[512..16896]);
    // Read it back elsewhere.
    let back = Dma::new(16384);
    let mut r = Cmd::new(0x02, 1);
    r.cdw10 = 3;
    r.cdw12 = 31;
    assert!(run(&mut q, &mut contig(r, back.ptr(), 16384)).is_success());
    assert_eq!(back.slice(16384), &disk[..]);
    // Out of range.
    r.cdw10 = 2040;
    let cpl = run(&mut q, &mut contig(r, back.ptr(), 16384));
    assert_eq!((cpl.status.sct(), cpl.status.sc()), (0, 0x80));
    c.delete_io_qpair(&mut admin, q).unwrap();
    assert!(!model.with(|d| d.has_io_queue(1)));
}

#[test]
fn a_wrong_prp_list_is_caught() {
    let model = Model::new(ModelConfig::default());
    let (mut c, mut admin) = up(&model);
    let mut q = c.create_io_qpair(&mut admin, 1, &io_opts()).unwrap();
    let data = Dma::new(16384);
    let mut r = Cmd::new(0x02, 1);
    r.cdw12 = 23;
    let mut req = contig(r, data.ptr(), 12288);
    q.submit(&mut req).unwrap();
    // Corrupt the list behind the host's back: an entry with an offset.
    let list = req.cmd.dptr.prp2 as *mut u64;
    unsafe { *list.add(1) += 8 };
    let mut got = None;
    q.process_completions(0, &mut |c| got = Some(*c)).unwrap();
    let cpl = got.unwrap();
    assert_eq!((cpl.status.sct(), cpl.status.sc()), (0, 0x13));
    // Memory the device cannot reach.
    let mut heap = vec![0u64; 1024];
    let mut req = contig(r, data.ptr(), 12288);
    q.submit(&mut req).unwrap();
    unsafe { *(req.cmd.dptr.prp2 as *mut u64) = heap.as_mut_ptr() as u64 & !0xfff };
    let mut got = None;
    q.process_completions(0, &mut |c| got = Some(*c)).unwrap();
    assert_eq!(got.unwrap().status.sc(), 0x04);
}

#[test]
fn faults() {
    let model = Model::new(ModelConfig::default());
    let (mut c, mut admin) = up(&model);
    let mut q = c.create_io_qpair(&mut admin, 1, &io_opts()).unwrap();
    let mut flush = Request::empty();
    flush.cmd = Cmd::new(0x00, 1);
    model.with(|d| d.faults.duplicate_next = true);
    q.submit(&mut flush).unwrap();
    let mut cids = vec![];
    q.process_completions(0, &mut |c| cids.push(c.cid)).unwrap();
    assert_eq!(cids, vec![0, 0]);
    model.with(|d| d.inject_completion(1, 0x1234));
    let mut cids = vec![];
    q.process_completions(0, &mut |c| cids.push(c.cid)).unwrap();
    assert_eq!(cids, vec![0x1234]);
    // A wrong phase hides the completion and all after it.
    model.with(|d| d.faults.wrong_phase_next = true);
    flush.cmd.cid = 1;
    q.submit(&mut flush).unwrap();
    flush.cmd.cid = 2;
    q.submit(&mut flush).unwrap();
    let mut n = 0;
    q.process_completions(0, &mut |_| n += 1).unwrap();
    assert_eq!(n, 0);
    // Fatal status: nothing is processed any more.
    model.with(|d| d.set_fatal());
    assert_eq!(c.read_reg_4(REG_CSTS).unwrap() & 2, 2);
    flush.cmd.cid = 3;
    q.submit(&mut flush).unwrap();
    assert_eq!(model.step(), 0);
}

#[test]
fn held_commands_and_abort() {
    let model = Model::new(ModelConfig::default());
    let (mut c, mut admin) = up(&model);
    let mut q = c.create_io_qpair(&mut admin, 1, &io_opts()).unwrap();
    model.with(|d| d.hold_io = true);
    let mut flush = Request::empty();
    flush.cmd = Cmd::new(0x00, 1);
    flush.cmd.cid = 5;
    q.submit(&mut flush).unwrap();
    let mut n = 0;
    q.process_completions(0, &mut |_| n += 1).unwrap();
    assert_eq!((n, model.with(|d| d.held().len())), (0, 1));
    let mut abort = Request::empty();
    abort.cmd = Cmd::new(0x08, 0);
    abort.cmd.cdw10 = 1 | 5 << 16;
    let cpl = run(&mut admin, &mut abort);
    assert_eq!((cpl.is_success(), cpl.cdw0 & 1), (true, 0));
    let mut got = None;
    q.process_completions(0, &mut |c| got = Some(*c)).unwrap();
    let got = got.unwrap();
    assert_eq!((got.cid, got.status.sc()), (5, 0x07));
}

#[test]
fn shadow_doorbells_reach_the_device() {
    let model = Model::new(ModelConfig {
        shadow_doorbells: true,
        ..Default::default()
    });
    let (mut c, mut admin) = up(&model);
    let mut q = c.create_io_qpair(&mut admin, 1, &io_opts()).unwrap();
    assert!(q.q.has_shadow());
    let mut flush = Request::empty();
    flush.cmd = Cmd::new(0x00, 1);
    for i in 0..20 {
        flush.cmd.cid = i;
        assert!(run(&mut q, &mut flush).is_success());
    }
}
