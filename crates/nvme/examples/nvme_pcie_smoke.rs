//! nvme_pcie_smoke BDF [--queues N] [--check-errors [--unbound BDF]]
//!
//! Drives a real NVMe controller through VFIO, twice:
//!
//! 1. through the driver (probe by PCIe transport ID, the core's init
//!    state machine with shadow doorbells, namespaces, I/O queue pairs,
//!    namespace commands split by the core, reset, detach), as an SPDK
//!    program does;
//! 2. through the PCIe transport alone (pcie::ctrlr, pcie::queue), to
//!    reach what the driver does not choose by itself: PRPs and SGLs on
//!    demand, chained PRP list pages, queue deletion, shutdown.
//!
//! Prints one PASS/FAIL line per check and "N passed, N failed". Made for
//! the lab guest (QEMU's NVMe controller behind a vIOMMU,
//! scripts/nvme-pcie-lab-test.sh).

use std::ffi::c_void;
use std::process::ExitCode;
use std::ptr::{self, NonNull};

use spdk_env::pci::device::PciDevice;
use spdk_nvme::ffi::nvme::ctrlr::{
    spdk_nvme_ctrlr, spdk_nvme_ctrlr_get_data, spdk_nvme_ctrlr_get_flags, spdk_nvme_ctrlr_get_ns,
    spdk_nvme_ctrlr_get_pci_device, spdk_nvme_ctrlr_reset,
};
use spdk_nvme::ffi::nvme::ns::{
    spdk_nvme_ns, spdk_nvme_ns_get_num_sectors, spdk_nvme_ns_get_sector_size,
};
use spdk_nvme::ffi::nvme::ns_cmd::{spdk_nvme_ns_cmd_read, spdk_nvme_ns_cmd_write};
use spdk_nvme::ffi::nvme::opts::spdk_nvme_ctrlr_opts;
use spdk_nvme::ffi::nvme::probe::{spdk_nvme_detach, spdk_nvme_probe};
use spdk_nvme::ffi::nvme::qpair::{
    spdk_nvme_ctrlr_alloc_io_qpair, spdk_nvme_ctrlr_free_io_qpair, spdk_nvme_qpair,
    spdk_nvme_qpair_process_completions,
};
use spdk_nvme::ffi::nvme::{spdk_nvme_transport_id, spdk_nvme_transport_id_parse};
use spdk_nvme::pcie::enumerate::{probe, Take};
use spdk_nvme::pcie::vfio::PciFunction;
use spdk_nvme::pcie::{ctrlr, PcieCtrlr, PcieOpts, PcieQpair};
use spdk_nvme::request::{Payload, Request};
use spdk_nvme::spec::cmd::{Cmd, Cpl};
use spdk_nvme::spec::ctrlr::CtrlrData;
use spdk_nvme::spec::ns::NsData;
use spdk_nvme::spec::regs::{Cc, Csts};
use spdk_nvme::spec::Pod;
use spdk_nvme::transport::{CtrlrTransport, QpairOpts, QpairTransport};

const ADMIN_ENTRIES: u32 = 32;
const IO_ENTRIES: u32 = 64;
const TIMEOUT_US: u64 = 20_000_000;

struct Checks {
    passed: u32,
    failed: u32,
}

impl Checks {
    fn check(&mut self, ok: bool, what: &str) -> bool {
        if ok {
            self.passed += 1;
            println!("PASS {what}");
        } else {
            self.failed += 1;
            println!("FAIL {what}");
        }
        ok
    }
}

/// DMA memory from the environment (hugepages in the guest).
struct Buf {
    p: NonNull<u8>,
    len: usize,
}

impl Buf {
    fn new(len: usize) -> Buf {
        let p = spdk_env::memory::dma_alloc(len, 4096, -1).expect("DMA memory");
        // SAFETY: a fresh block of len bytes.
        unsafe { ptr::write_bytes(p.as_ptr(), 0, len) };
        Buf { p, len }
    }
    #[allow(clippy::mut_from_ref)]
    fn bytes(&self) -> &mut [u8] {
        // SAFETY: our block.
        unsafe { std::slice::from_raw_parts_mut(self.p.as_ptr(), self.len) }
    }
}

impl Drop for Buf {
    fn drop(&mut self) {
        spdk_env::memory::dma_free(self.p);
    }
}

fn pattern(buf: &mut [u8], lba: u64, seed: u8) {
    for (i, b) in buf.iter_mut().enumerate() {
        *b = (lba as usize * 7 + i * 13 + seed as usize) as u8 ^ (i >> 9) as u8;
    }
}

/// Submits `cmds` (with their data) at once, rings once, and waits for
/// all completions. Returns them in CID order.
fn exec_batch(q: &mut PcieQpair, cmds: &[(Cmd, Option<(*mut u8, u32)>)]) -> Result<Vec<Cpl>, i32> {
    let mut reqs: Vec<Request> = Vec::with_capacity(cmds.len());
    for (i, (cmd, data)) in cmds.iter().enumerate() {
        let mut r = Request::empty();
        r.cmd = *cmd;
        r.cmd.cid = i as u16;
        if let Some((buf, len)) = data {
            r.payload = Payload::Contig {
                buf: *buf,
                md: ptr::null_mut(),
            };
            r.payload_size = *len;
        }
        reqs.push(r);
    }
    for r in reqs.iter_mut() {
        match q.submit(r) {
            Ok(()) => {}
            Err(Ok(_)) => return Err(-libc::EBUSY),
            Err(Err(e)) => return Err(e),
        }
    }
    q.flush();
    let mut out: Vec<Option<Cpl>> = vec![None; cmds.len()];
    let mut left = cmds.len();
    let deadline = spdk_env::ticks() + TIMEOUT_US * spdk_env::ticks_hz() / 1_000_000;
    while left > 0 {
        q.process_completions(0, &mut |c| {
            if let Some(slot) = out.get_mut(c.cid as usize) {
                if slot.is_none() {
                    *slot = Some(*c);
                    left -= 1;
                }
            }
        })?;
        if spdk_env::ticks() > deadline {
            return Err(-libc::ETIMEDOUT);
        }
    }
    Ok(out.into_iter().map(|c| c.expect("all done")).collect())
}

fn exec(q: &mut PcieQpair, cmd: Cmd, data: Option<(*mut u8, u32)>) -> Result<Cpl, i32> {
    let c = exec_batch(q, &[(cmd, data)])?.remove(0);
    if c.status.sc() != 0 || c.status.sct() != 0 {
        eprintln!(
            "smoke: opcode {:#x} failed: sct {:#x} sc {:#x}",
            cmd.opc(),
            c.status.sct(),
            c.status.sc()
        );
        return Err(-libc::EIO);
    }
    Ok(c)
}

fn rw_cmd(write: bool, nsid: u32, lba: u64, blocks: u32) -> Cmd {
    let mut c = Cmd::new(if write { 0x01 } else { 0x02 }, nsid);
    c.cdw10 = lba as u32;
    c.cdw11 = (lba >> 32) as u32;
    c.cdw12 = blocks - 1;
    c
}

fn wait_csts(c: &mut PcieCtrlr, what: &str, done: impl Fn(Csts) -> bool) -> Result<(), i32> {
    let to_ms = c.cap().to().max(1) * 500;
    let deadline = spdk_env::ticks() + to_ms * spdk_env::ticks_hz() / 1000;
    loop {
        let csts = Csts(c.read_reg_4(ctrlr::REG_CSTS)?);
        if csts.cfs() == 1 {
            eprintln!("smoke: controller fatal status while waiting for {what}");
            return Err(-libc::EIO);
        }
        if done(csts) {
            return Ok(());
        }
        if spdk_env::ticks() > deadline {
            eprintln!("smoke: {what} not reached in {to_ms} ms");
            return Err(-libc::ETIMEDOUT);
        }
        std::thread::sleep(std::time::Duration::from_micros(100));
    }
}

/// What identify told, kept across resets.
struct Info {
    cdata: CtrlrData,
    block: u32,
    blocks: u64,
    max_io: u32,
}

fn c_str(b: &[i8]) -> String {
    let v: Vec<u8> = b.iter().map(|c| *c as u8).collect();
    String::from_utf8_lossy(&v).trim_end().to_string()
}

/// The init sequence (what the core's state machine does): disable,
/// admin queue, enable, identify, number of queues, shadow doorbells.
fn bring_up(c: &mut PcieCtrlr, nqueues: u16, ck: &mut Checks) -> Result<(PcieQpair, Info), i32> {
    let cc = Cc(c.read_reg_4(ctrlr::REG_CC)?);
    if cc.en() == 1 {
        c.write_reg_4(ctrlr::REG_CC, cc.with_en(0).0)?;
    }
    wait_csts(c, "CSTS.RDY = 0", |s| s.rdy() == 0)?;
    let mut admin = c.create_admin_qpair(ADMIN_ENTRIES)?;
    c.enable(&mut admin)?;
    let mps = c.page_size().trailing_zeros() - 12;
    let cc = Cc::default()
        .with_en(1)
        .with_css(0)
        .with_mps(mps)
        .with_ams(0)
        .with_shn(0)
        .with_iosqes(6)
        .with_iocqes(4);
    c.write_reg_4(ctrlr::REG_CC, cc.0)?;
    wait_csts(c, "CSTS.RDY = 1", |s| s.rdy() == 1)?;
    ck.check(true, "controller enabled (CC.EN=1, CSTS.RDY=1)");
    // What spdk_nvme_ctrlr_get_registers() hands out: BAR0 as mapped.
    // SAFETY: VS lies at offset 8 of the mapped register space.
    let vs_mapped = unsafe { (c.registers().add(8) as *const u32).read_volatile() };
    ck.check(
        vs_mapped == c.read_reg_4(0x08)? && vs_mapped != 0,
        "registers mapped (spdk_nvme_ctrlr_get_registers): VS read directly",
    );

    let buf = Buf::new(4096);
    let mut id = Cmd::new(0x06, 0);
    id.cdw10 = 1;
    exec(&mut admin, id, Some((buf.p.as_ptr(), 4096)))?;
    let cdata = CtrlrData::read_from(buf.bytes()).ok_or(-libc::EIO)?;
    let mn = c_str(&{ cdata.mn });
    ck.check(!mn.is_empty(), "identify controller");
    println!(
        "smoke: model '{}' serial '{}' firmware '{}' mdts {} oacs {:#x} sgls {:#x}",
        mn,
        c_str(&{ cdata.sn }),
        String::from_utf8_lossy(&{ cdata.fr }).trim_end(),
        cdata.mdts,
        { cdata.oacs }.0,
        { cdata.sgls }.0
    );

    let mut nq = Cmd::new(0x09, 0);
    nq.cdw10 = 0x07;
    nq.cdw11 = (nqueues as u32 - 1) | ((nqueues as u32 - 1) << 16);
    let cpl = exec(&mut admin, nq, None)?;
    let granted = (cpl.cdw0 & 0xffff).min(cpl.cdw0 >> 16) + 1;
    ck.check(
        granted >= nqueues as u32,
        &format!("number of queues: {granted} granted, {nqueues} asked"),
    );
    let oacs = cdata.oacs;
    let shadow = c.setup_shadow_doorbells(&mut admin, oacs)?;
    if { cdata.oacs }.dbcs() == 1 {
        ck.check(
            shadow,
            "shadow doorbells configured (Doorbell Buffer Config)",
        );
    } else {
        println!("smoke: the controller offers no shadow doorbells");
    }

    let mut idns = Cmd::new(0x06, 1);
    idns.cdw10 = 0;
    buf.bytes().fill(0);
    exec(&mut admin, idns, Some((buf.p.as_ptr(), 4096)))?;
    let ns = NsData::read_from(buf.bytes()).ok_or(-libc::EIO)?;
    let block = ns.block_size();
    let blocks = ns.nsze;
    ck.check(blocks > 0 && block >= 512, "identify namespace 1");
    println!(
        "smoke: namespace 1: {blocks} blocks of {block} bytes ({} MiB)",
        (blocks * block as u64) >> 20
    );
    let mdts_bytes = if cdata.mdts == 0 {
        u32::MAX
    } else {
        (c.page_size() as u64 * (1u64 << cdata.mdts)).min(u32::MAX as u64) as u32
    };
    let max_io = c.max_xfer_size().min(mdts_bytes);
    Ok((
        admin,
        Info {
            cdata,
            block,
            blocks,
            max_io,
        },
    ))
}

fn io_opts() -> QpairOpts {
    QpairOpts {
        io_queue_size: IO_ENTRIES,
        io_queue_requests: IO_ENTRIES * 2,
        qprio: 0,
        delay_cmd_submit: true,
    }
}

/// Writes a pattern and reads it back: one command each way.
fn write_read(q: &mut PcieQpair, info: &Info, lba: u64, bytes: u32, seed: u8) -> Result<bool, i32> {
    let blocks = bytes / info.block;
    let w = Buf::new(bytes as usize);
    let r = Buf::new(bytes as usize);
    pattern(w.bytes(), lba, seed);
    exec(q, rw_cmd(true, 1, lba, blocks), Some((w.p.as_ptr(), bytes)))?;
    exec(
        q,
        rw_cmd(false, 1, lba, blocks),
        Some((r.p.as_ptr(), bytes)),
    )?;
    Ok(w.bytes() == r.bytes())
}

/// Reads back what `write_read` wrote with `seed`.
fn verify(q: &mut PcieQpair, info: &Info, lba: u64, bytes: u32, seed: u8) -> Result<bool, i32> {
    let r = Buf::new(bytes as usize);
    let w = Buf::new(bytes as usize);
    pattern(w.bytes(), lba, seed);
    exec(
        q,
        rw_cmd(false, 1, lba, bytes / info.block),
        Some((r.p.as_ptr(), bytes)),
    )?;
    Ok(w.bytes() == r.bytes())
}

fn us(ticks: u64) -> f64 {
    ticks as f64 * 1e6 / spdk_env::ticks_hz() as f64
}

/// Queue depth 1 and a full batch of 4 KiB reads: microseconds per I/O.
fn measure(q: &mut PcieQpair, info: &Info) -> Result<(f64, f64), i32> {
    let n = 100u32;
    let bs = 4096u32;
    let buf = Buf::new((bs * 32) as usize);
    let t0 = spdk_env::ticks();
    for i in 0..n {
        exec(
            q,
            rw_cmd(false, 1, (i % 32) as u64 * 8, bs / info.block),
            Some((buf.p.as_ptr(), bs)),
        )?;
    }
    let qd1 = us(spdk_env::ticks() - t0) / n as f64;
    let cmds: Vec<_> = (0..32u32)
        .map(|i| {
            // SAFETY: inside buf.
            let p = unsafe { buf.p.as_ptr().add((i * bs) as usize) };
            (
                rw_cmd(false, 1, i as u64 * 8, bs / info.block),
                Some((p, bs)),
            )
        })
        .collect();
    let t0 = spdk_env::ticks();
    let rounds = 5;
    for _ in 0..rounds {
        let cpls = exec_batch(q, &cmds)?;
        if cpls
            .iter()
            .any(|c| c.status.sc() != 0 || c.status.sct() != 0)
        {
            return Err(-libc::EIO);
        }
    }
    let qd32 = us(spdk_env::ticks() - t0) / (32 * rounds) as f64;
    Ok((qd1, qd32))
}

fn shutdown(c: &mut PcieCtrlr) -> Result<(), i32> {
    let cc = Cc(c.read_reg_4(ctrlr::REG_CC)?);
    c.write_reg_4(ctrlr::REG_CC, cc.with_shn(1).0)?;
    wait_csts(c, "shutdown complete", |s| s.shst() == 2)
}

fn run(c: &mut PcieCtrlr, nqueues: u16, ck: &mut Checks) -> Result<(), i32> {
    let (mut admin, info) = bring_up(c, nqueues + 1, ck)?;
    ck.check(
        spdk_env::memory::uses_hugepages(),
        "DMA memory from hugepages",
    );
    let shadow = c.has_shadow_doorbells();

    // Several I/O queue pairs, each with its own data.
    let mut qs = Vec::new();
    for qid in 1..=nqueues {
        qs.push(c.create_io_qpair(&mut admin, qid, &io_opts())?);
    }
    ck.check(
        qs.len() == nqueues as usize,
        &format!("{nqueues} I/O queue pairs created"),
    );
    let mut all = true;
    for (i, q) in qs.iter_mut().enumerate() {
        all &= write_read(q, &info, i as u64 * 64, 8 * info.block, 1)?;
    }
    ck.check(
        all,
        &format!("write + read back on each of {nqueues} queue pairs"),
    );

    // A transfer that needs a PRP list (16 pages).
    let lba_list = 4096 * 512 / info.block as u64;
    ck.check(
        write_read(&mut qs[0], &info, lba_list, 64 << 10, 2)?,
        "64 KiB I/O (PRP list)",
    );
    // A transfer over more entries than one list page holds: chained
    // list pages (needs MDTS above 2 MiB).
    let big = (4u32 << 20).min(info.max_io);
    let lba_big = 8192 * 512 / info.block as u64;
    if big > 2 << 20 && (lba_big + (big / info.block) as u64) <= info.blocks {
        ck.check(
            write_read(qs.last_mut().expect("one"), &info, lba_big, big, 3)?,
            &format!("{} KiB I/O (chained PRP list pages)", big >> 10),
        );
    } else {
        println!(
            "smoke: largest I/O is {} KiB (MDTS {}): no chained PRP list test",
            info.max_io >> 10,
            info.cdata.mdts
        );
    }
    // SGLs, when the controller takes them.
    let sgls = { info.cdata.sgls }.supported();
    if sgls != 0 {
        c.set_sgl(true, sgls == 2);
        let mut q = c.create_io_qpair(&mut admin, nqueues + 1, &io_opts())?;
        ck.check(
            write_read(&mut q, &info, lba_list + 256, 64 << 10, 4)?,
            "64 KiB I/O described with SGLs",
        );
        c.delete_io_qpair(&mut admin, q)?;
        c.set_sgl(false, false);
    }
    if shadow {
        ck.check(true, "I/O with shadow doorbells");
    }
    let (qd1, qd32) = measure(&mut qs[0], &info)?;
    println!("smoke: 4 KiB reads: {qd1:.1} us per I/O at QD1, {qd32:.1} us per I/O at QD32");

    // Reset: disable (the controller forgets every queue), then the whole
    // init again; the data written before must still be there.
    let t0 = spdk_env::ticks();
    let cc = Cc(c.read_reg_4(ctrlr::REG_CC)?);
    c.write_reg_4(ctrlr::REG_CC, cc.with_en(0).0)?;
    wait_csts(c, "CSTS.RDY = 0 (reset)", |s| s.rdy() == 0)?;
    drop(qs);
    drop(admin);
    let (mut admin, info) = bring_up(c, nqueues + 1, ck)?;
    let mut qs = Vec::new();
    for qid in 1..=nqueues {
        qs.push(c.create_io_qpair(&mut admin, qid, &io_opts())?);
    }
    println!(
        "smoke: reset and re-init took {:.0} ms",
        us(spdk_env::ticks() - t0) / 1000.0
    );
    let mut all = true;
    for (i, q) in qs.iter_mut().enumerate() {
        all &= verify(q, &info, i as u64 * 64, 8 * info.block, 1)?;
        all &= write_read(q, &info, i as u64 * 64 + 16, 8 * info.block, 5)?;
    }
    ck.check(all, "after reset: data kept, new I/O on every queue pair");
    ck.check(
        verify(&mut qs[0], &info, lba_list, 64 << 10, 2)?,
        "after reset: PRP list data read back",
    );

    let mut deleted = 0;
    for q in qs {
        c.delete_io_qpair(&mut admin, q)?;
        deleted += 1;
    }
    ck.check(
        deleted == nqueues,
        "I/O queue pairs deleted (Delete I/O SQ/CQ)",
    );
    shutdown(c)?;
    ck.check(true, "shutdown (CC.SHN, CSTS.SHST complete)");
    Ok(())
}

/// Completions counted by the driver's callback.
struct Done {
    n: u32,
    errors: u32,
}

unsafe extern "C" fn io_done(arg: *mut c_void, cpl: *const Cpl) {
    let d = &mut *(arg as *mut Done);
    d.n += 1;
    if !(*cpl).is_success() {
        d.errors += 1;
    }
}

unsafe extern "C" fn attached(
    ctx: *mut c_void,
    _t: *const spdk_nvme_transport_id,
    c: *mut spdk_nvme_ctrlr,
    _o: *const spdk_nvme_ctrlr_opts,
) {
    *(ctx as *mut *mut spdk_nvme_ctrlr) = c;
}

/// Polls `q` until `n` commands completed (or time runs out). `d` is
/// written by the completion callback, hence read through the pointer.
unsafe fn wait_io(q: *mut spdk_nvme_qpair, d: *const Done, n: u32) -> bool {
    let deadline = spdk_env::ticks() + TIMEOUT_US * spdk_env::ticks_hz() / 1_000_000;
    while ptr::addr_of!((*d).n).read_volatile() < n {
        if spdk_nvme_qpair_process_completions(q, 0) < 0 || spdk_env::ticks() > deadline {
            return false;
        }
    }
    ptr::addr_of!((*d).errors).read_volatile() == 0
}

/// Writes a pattern with spdk_nvme_ns_cmd_write, reads it back, compares.
unsafe fn api_write_read(
    ns: *mut spdk_nvme_ns,
    q: *mut spdk_nvme_qpair,
    lba: u64,
    bytes: u32,
    seed: u8,
) -> bool {
    let w = Buf::new(bytes as usize);
    let r = Buf::new(bytes as usize);
    pattern(w.bytes(), lba, seed);
    let mut d = Done { n: 0, errors: 0 };
    let dp = &mut d as *mut Done;
    let arg = dp as *mut c_void;
    let n = bytes / spdk_nvme_ns_get_sector_size(ns);
    let (wp, rp) = (w.p.as_ptr().cast(), r.p.as_ptr().cast());
    let rc = spdk_nvme_ns_cmd_write(ns, q, wp, lba, n, Some(io_done), arg, 0);
    if rc != 0 || !wait_io(q, dp, 1) {
        eprintln!(
            "smoke: write of {bytes} bytes at {lba}: rc {rc}, {} done, {} errors",
            d.n, d.errors
        );
        return false;
    }
    let rc = spdk_nvme_ns_cmd_read(ns, q, rp, lba, n, Some(io_done), arg, 0);
    if rc != 0 || !wait_io(q, dp, 2) {
        eprintln!(
            "smoke: read of {bytes} bytes at {lba}: rc {rc}, {} done, {} errors",
            d.n, d.errors
        );
        return false;
    }
    w.bytes() == r.bytes()
}

/// Part 1: SPDK's API, from spdk_nvme_probe to spdk_nvme_detach.
fn run_driver(bdf: &str, nqueues: u16, ck: &mut Checks) -> Result<(), i32> {
    let mut t = spdk_nvme_transport_id::default();
    let s =
        std::ffi::CString::new(format!("trtype:PCIe traddr:{bdf}")).map_err(|_| -libc::EINVAL)?;
    let mut c: *mut spdk_nvme_ctrlr = ptr::null_mut();
    let ctx = &mut c as *mut *mut spdk_nvme_ctrlr as *mut c_void;
    // SAFETY: SPDK's API with our callback and context.
    let rc = unsafe {
        spdk_nvme_transport_id_parse(&mut t, s.as_ptr());
        spdk_nvme_probe(&t, ctx, None, Some(attached), None)
    };
    if !ck.check(
        rc == 0 && !c.is_null(),
        "driver: spdk_nvme_probe(trtype:PCIe traddr:BDF) attaches it",
    ) {
        return Err(rc.min(-1));
    }
    // SAFETY: the attached controller, until spdk_nvme_detach.
    unsafe {
        let cdata = &*spdk_nvme_ctrlr_get_data(c);
        let mn = c_str(&{ cdata.mn });
        let sgl = spdk_nvme_ctrlr_get_flags(c) & 1 != 0;
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let blocks = if ns.is_null() {
            0
        } else {
            spdk_nvme_ns_get_num_sectors(ns)
        };
        ck.check(
            !mn.is_empty() && blocks > 0,
            &format!("driver: identify ('{mn}', namespace 1 of {blocks} blocks, SGL {sgl})"),
        );
        let pci = spdk_nvme_ctrlr_get_pci_device(c);
        let want = spdk_env::pci::parse(bdf);
        let got = PciDevice::from_raw(pci).map(|d| d.addr());
        ck.check(
            got.is_some() && got == want,
            "driver: spdk_nvme_ctrlr_get_pci_device gives the device",
        );
        if blocks == 0 {
            spdk_nvme_detach(c);
            return Err(-libc::ENODEV);
        }
        let block = spdk_nvme_ns_get_sector_size(ns);
        let mut qs = Vec::new();
        for _ in 0..nqueues {
            let q = spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0);
            if q.is_null() {
                break;
            }
            qs.push(q);
        }
        if ck.check(
            qs.len() == nqueues as usize,
            &format!("driver: {nqueues} I/O queue pairs"),
        ) {
            let mut ok = true;
            for (i, q) in qs.iter().enumerate() {
                ok &= api_write_read(ns, *q, 1024 + i as u64 * 64, 8 * block, 11);
            }
            ck.check(ok, "driver: write + read back on every queue pair");
            // Above the transport's largest transfer: the driver splits it.
            let big_lba = (16u64 << 20) / block as u64;
            ck.check(
                api_write_read(ns, qs[0], big_lba, 4 << 20, 12),
                "driver: 4 MiB I/O split by the driver",
            );
            ck.check(
                spdk_nvme_ctrlr_reset(c) == 0,
                "driver: spdk_nvme_ctrlr_reset",
            );
            let mut ok = true;
            for (i, q) in qs.iter().enumerate() {
                ok &= api_write_read(ns, *q, 1024 + i as u64 * 64 + 16, 8 * block, 13);
            }
            ck.check(ok, "driver: I/O on every queue pair after the reset");
        }
        for q in qs {
            spdk_nvme_ctrlr_free_io_qpair(q);
        }
        ck.check(
            spdk_nvme_detach(c) == 0,
            "driver: spdk_nvme_detach (shutdown)",
        );
    }
    Ok(())
}

/// The errors a user meets, with their explanations (logged by the env),
/// and enumeration, which offers only the controller bound to vfio-pci.
fn check_errors(bdf: &str, unbound: Option<&str>, ck: &mut Checks) {
    let mut seen = Vec::new();
    let mut look = |d: PciDevice| {
        seen.push(spdk_env::pci::format(&d.addr()));
        Ok(Take::Skip)
    };
    let rc = probe("", &mut look);
    let want = spdk_env::pci::parse(bdf).map(|a| spdk_env::pci::format(&a));
    ck.check(
        rc.is_ok() && want.is_some_and(|w| seen == [w]),
        &format!("enumeration offers the vfio-pci controller only ({seen:?})"),
    );
    let mut never = |_d: PciDevice| Ok(Take::Skip);
    ck.check(
        probe("0000:ff:1f.7", &mut never) == Err(-libc::ENODEV),
        "no device at the address: -ENODEV",
    );
    if let Some(u) = unbound {
        ck.check(
            probe(u, &mut never) == Err(-libc::ENODEV),
            "device not bound to vfio-pci: -ENODEV",
        );
    }
    // Not root: a child process drops to nobody and tries.
    // SAFETY: fork in a single-threaded program; the child only probes
    // and exits.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: plain syscalls in the child.
        unsafe {
            if libc::setgid(65534) != 0 || libc::setuid(65534) != 0 {
                libc::_exit(2);
            }
        }
        let rc = probe(bdf, &mut never);
        eprintln!("smoke: as nobody: {rc:?}");
        // SAFETY: ends the child without running the parent's exit hooks.
        unsafe { libc::_exit(if rc == Err(-libc::EACCES) { 0 } else { 1 }) };
    }
    let mut status = 0;
    // SAFETY: waits for our child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    ck.check(
        pid > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "not root: -EACCES",
    );
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut bdf = None;
    let mut unbound = None;
    let mut nqueues: u16 = 4;
    let mut errors = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--queues" => {
                i += 1;
                nqueues = args.get(i).and_then(|v| v.parse().ok()).unwrap_or(0);
            }
            "--unbound" => {
                i += 1;
                unbound = args.get(i).cloned();
            }
            "--check-errors" => errors = true,
            a if bdf.is_none() && !a.starts_with('-') => bdf = Some(a.to_string()),
            a => {
                eprintln!("nvme_pcie_smoke: unknown argument '{a}'");
                return ExitCode::from(2);
            }
        }
        i += 1;
    }
    let Some(bdf) = bdf.filter(|_| (1..=63).contains(&nqueues)) else {
        eprintln!("usage: nvme_pcie_smoke BDF [--queues 1..63] [--check-errors [--unbound BDF]]");
        return ExitCode::from(2);
    };
    let opts = spdk_env::init::Options {
        name: "nvme_pcie_smoke".into(),
        core_mask: Some("0x1".into()),
        shm_id: -1,
        main_core: -1,
        ..Default::default()
    };
    if let Err(e) = spdk_env::init::init(opts) {
        eprintln!("nvme_pcie_smoke: environment: {e}");
        return ExitCode::from(1);
    }
    let mut ck = Checks {
        passed: 0,
        failed: 0,
    };
    if errors {
        check_errors(&bdf, unbound.as_deref(), &mut ck);
    }
    if let Err(e) = run_driver(&bdf, nqueues, &mut ck) {
        ck.check(false, &format!("driver: the run stopped with error {e}"));
    }

    // Attach through the env's NVMe driver, as spdk_nvme_probe will. Big
    // transfers chain PRP list pages.
    let popts = PcieOpts {
        max_xfer: 8 << 20,
        ..Default::default()
    };
    let mut found: Option<PcieCtrlr> = None;
    let mut cb = |dev: PciDevice| -> Result<Take, i32> {
        let f = PciFunction::open(dev)?;
        found = Some(PcieCtrlr::new(f, &popts)?);
        Ok(Take::Attach)
    };
    let rc = probe(&bdf, &mut cb);
    let Some(mut c) = found.filter(|_| rc.is_ok()) else {
        ck.check(false, &format!("attach {bdf} through VFIO ({rc:?})"));
        println!(
            "nvme_pcie_smoke: {} passed, {} failed",
            ck.passed, ck.failed
        );
        return ExitCode::from(1);
    };
    let vs = c.read_reg_4(ctrlr::REG_VS).unwrap_or(0);
    let cap = c.cap();
    ck.check(
        cap.0 != 0 && vs >> 16 >= 1,
        "attach through VFIO, BAR0 mapped",
    );
    println!(
        "smoke: {bdf}: CAP {:#018x} (MQES {}, DSTRD {}, TO {} ms) VS {}.{}",
        cap.0,
        cap.mqes() + 1,
        cap.dstrd(),
        cap.to() as u32 * 500,
        vs >> 16,
        (vs >> 8) & 0xff
    );
    if let Err(e) = run(&mut c, nqueues, &mut ck) {
        ck.check(false, &format!("the run stopped with error {e}"));
    }
    drop(c);
    let mut left = 0;
    spdk_env::pci::device::for_each(|_| left += 1);
    ck.check(left == 0, "detached: no PCI device left attached");
    println!(
        "nvme_pcie_smoke: {} passed, {} failed",
        ck.passed, ck.failed
    );
    if ck.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
