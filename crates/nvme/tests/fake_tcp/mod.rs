//! An in-process NVMe/TCP target for the host transport's tests and
//! benchmark: a listening socket on 127.0.0.1:0, a thread per connection,
//! speaking enough of the protocol (ICResp, Connect, Property Get/Set,
//! Identify, Get Log Page with a discovery log, Set Features, Keep Alive,
//! read/write/flush to RAM). It checks what the host sends with the PDU
//! reader (digests, alignment, lengths) and records any violation; a
//! `Bad` mode makes it send a malformed PDU instead of a normal answer.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use spdk_nvme::spec::cmd::Cmd;
use spdk_nvme::spec::ctrlr::CtrlrData;
use spdk_nvme::spec::fabrics::{DiscoveryLogPageEntry, FabricConnectData};
use spdk_nvme::spec::ns::{LbaFormat, NsData};
use spdk_nvme::spec::Pod;
use spdk_nvme::tcp::{encode, DigestOpts, Pdu, PduReader, RecvError, Role};

pub const BLOCK: usize = 512;

/// A malformed answer, sent for the first Read (or Write, for `BadR2t`)
/// on an I/O queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bad {
    /// A response capsule whose PLEN disagrees with its header.
    PduLength,
    /// A response with a PLEN of almost 4 GiB.
    HugeLength,
    /// A response whose header digest is wrong (needs header digests).
    HeaderDigest,
    /// C2H data whose data digest is wrong (needs data digests): the
    /// command fails, the connection lives on.
    DataDigest,
    /// A response for a CID the host did not send.
    UnknownCid,
    /// C2H data beyond the command's length.
    OversizeC2H,
    /// C2H data for a CID with no read in flight.
    C2HUnknownCid,
    /// Half a PDU, then the connection closes.
    EarlyClose,
    /// An R2T beyond the write's length (on the first Write).
    R2tOutOfRange,
    /// A termination request from the controller.
    TermReq,
    /// An unknown PDU type.
    UnknownType,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub subnqn: String,
    pub ns_blocks: u64,
    /// IOCCSZ, 16-byte units (64-byte SQE + in-capsule data).
    pub ioccsz: u32,
    pub maxh2cdata: u32,
    /// Most bytes one R2T asks for (several R2Ts per large write).
    pub r2t_max: u32,
    /// Bytes per C2H data PDU.
    pub c2h_chunk: u32,
    /// End reads with the C2H SUCCESS flag instead of a response capsule.
    pub c2h_success: bool,
    /// Controller PDU data alignment the target asks for.
    pub cpda: u8,
    /// Grant digests when asked.
    pub allow_digests: bool,
    pub mdts: u8,
    /// Records of the discovery log: (traddr, trsvcid, subnqn); an empty
    /// traddr or trsvcid is the target's own.
    pub discovery: Vec<(String, String, String)>,
    /// Bump the discovery generation counter after the first header read
    /// (the host must read again).
    pub discovery_changes_once: bool,
    pub bad: Option<Bad>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            subnqn: "nqn.2024-01.io.spdk:fake".into(),
            ns_blocks: 8192,
            ioccsz: (64 + 4096) / 16,
            maxh2cdata: 8192,
            r2t_max: 1 << 20,
            c2h_chunk: 128 * 1024,
            c2h_success: false,
            cpda: 0,
            allow_digests: true,
            mdts: 0,
            discovery: Vec::new(),
            discovery_changes_once: false,
            bad: None,
        }
    }
}

#[derive(Default)]
pub struct Stats {
    pub connects: AtomicU64,
    pub io_connects: AtomicU64,
    pub in_capsule_writes: AtomicU64,
    pub r2t: AtomicU64,
    pub h2c: AtomicU64,
    pub c2h: AtomicU64,
    pub prop_get: AtomicU64,
    pub prop_set: AtomicU64,
    pub hdgst_conns: AtomicU64,
    pub ddgst_conns: AtomicU64,
    pub kato: AtomicU64,
    pub keep_alive: AtomicU64,
    pub bad_sent: AtomicU64,
    pub log_reads: AtomicU64,
    /// Termination requests the host sent.
    pub term_reqs: AtomicU64,
    /// Source port of the last connection.
    pub peer_port: AtomicU64,
}

struct Shared {
    cfg: Config,
    ram: Mutex<Vec<u8>>,
    cc: Mutex<HashMap<u16, u32>>,
    next_cntlid: AtomicU64,
    stats: Stats,
    violations: Mutex<Vec<String>>,
    bad_done: AtomicBool,
    genctr: AtomicU64,
    stop: AtomicBool,
}

pub struct FakeTarget {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl FakeTarget {
    pub fn start(cfg: Config) -> FakeTarget {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let ram = vec![0u8; cfg.ns_blocks as usize * BLOCK];
        let shared = Arc::new(Shared {
            cfg,
            ram: Mutex::new(ram),
            cc: Mutex::new(HashMap::new()),
            next_cntlid: AtomicU64::new(1),
            stats: Stats::default(),
            violations: Mutex::new(Vec::new()),
            bad_done: AtomicBool::new(false),
            genctr: AtomicU64::new(1),
            stop: AtomicBool::new(false),
        });
        let sh = shared.clone();
        let thread = std::thread::spawn(move || {
            for s in l.incoming() {
                if sh.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(s) = s else { continue };
                let sh = sh.clone();
                std::thread::spawn(move || serve(s, sh));
            }
        });
        FakeTarget {
            addr,
            shared,
            thread: Some(thread),
        }
    }

    pub fn port(&self) -> String {
        self.addr.port().to_string()
    }

    pub fn stats(&self) -> &Stats {
        &self.shared.stats
    }

    pub fn violations(&self) -> Vec<String> {
        self.shared.violations.lock().unwrap().clone()
    }

    pub fn ram(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        self.shared.ram.lock().unwrap()
    }
}

impl Drop for FakeTarget {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

/// A write waiting for its data (R2T flow).
struct PendingWrite {
    cid: u16,
    at: usize,
    len: u32,
    got: u32,
    /// End of the data the current R2T asked for.
    r2t_end: u32,
    ttag: u16,
    data: Vec<u8>,
}

struct Conn {
    s: TcpStream,
    sh: Arc<Shared>,
    reader: PduReader,
    /// Digests and the host's alignment (HPDA) for what we send.
    tx: DigestOpts,
    qid: u16,
    cntlid: u16,
    writes: Vec<PendingWrite>,
    next_ttag: u16,
    /// Answers to the PDUs of one read, sent together.
    out: Vec<u8>,
}

fn violation(sh: &Shared, msg: String) {
    sh.violations.lock().unwrap().push(msg);
}

fn serve(s: TcpStream, sh: Arc<Shared>) {
    s.set_nodelay(true).unwrap();
    if let Ok(a) = s.peer_addr() {
        sh.stats
            .peer_port
            .store(u64::from(a.port()), Ordering::SeqCst);
    }
    let max = (sh.cfg.ioccsz * 16).max(sh.cfg.maxh2cdata) + 64;
    let mut c = Conn {
        s,
        sh,
        reader: PduReader::new(Role::Controller, max),
        tx: DigestOpts::default(),
        qid: 0,
        cntlid: 0,
        writes: Vec::new(),
        next_ttag: 1,
        out: Vec::new(),
    };
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match c.s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let mut input = &buf[..n];
        while !input.is_empty() {
            match c.reader.push(input) {
                Ok((used, pdu)) => {
                    input = &input[used..];
                    if let Some(p) = pdu {
                        if !c.handle(p) {
                            c.flush();
                            return;
                        }
                    }
                }
                Err(RecvError::DataDigest { cccid, used }) => {
                    violation(
                        &c.sh,
                        format!("data digest error from the host, CID {cccid}"),
                    );
                    input = &input[used..];
                }
                Err(RecvError::Fatal { fes, fei, .. }) => {
                    violation(&c.sh, format!("bad PDU from the host: {fes:?} at {fei}"));
                    return;
                }
            }
        }
        c.flush();
    }
}

impl Conn {
    fn send(&mut self, p: &Pdu) {
        encode(p, &self.tx, &mut self.out).unwrap();
    }

    fn send_raw(&mut self, v: &[u8]) {
        self.out.extend_from_slice(v);
    }

    fn flush(&mut self) {
        let _ = self.s.write_all(&self.out);
        self.out.clear();
    }

    fn resp(&mut self, cid: u16, cdw0: u32, cdw1: u32, sct: u16, sc: u16) {
        let mut cqe = [0u8; 16];
        cqe[0..4].copy_from_slice(&cdw0.to_le_bytes());
        cqe[4..8].copy_from_slice(&cdw1.to_le_bytes());
        cqe[10..12].copy_from_slice(&self.qid.to_le_bytes());
        cqe[12..14].copy_from_slice(&cid.to_le_bytes());
        let status: u16 = (sc << 1) | (sct << 9);
        cqe[14..16].copy_from_slice(&status.to_le_bytes());
        self.send(&Pdu::CapsuleResp { cqe });
    }

    fn ok(&mut self, cid: u16, cdw0: u32) {
        self.resp(cid, cdw0, 0, 0, 0);
    }

    /// Returns false to close the connection.
    fn handle(&mut self, p: Pdu) -> bool {
        match p {
            Pdu::IcReq {
                hpda, hdgst, ddgst, ..
            } => {
                let (h, d) = if self.sh.cfg.allow_digests {
                    (hdgst, ddgst)
                } else {
                    (false, false)
                };
                if h {
                    self.sh.stats.hdgst_conns.fetch_add(1, Ordering::SeqCst);
                }
                if d {
                    self.sh.stats.ddgst_conns.fetch_add(1, Ordering::SeqCst);
                }
                let resp = Pdu::IcResp {
                    pfv: 0,
                    cpda: self.sh.cfg.cpda,
                    hdgst: h,
                    ddgst: d,
                    maxh2cdata: self.sh.cfg.maxh2cdata,
                };
                self.send(&resp);
                self.reader.set_opts(DigestOpts {
                    hdgst: h,
                    ddgst: d,
                    pda: self.sh.cfg.cpda,
                });
                self.tx = DigestOpts {
                    hdgst: h,
                    ddgst: d,
                    pda: hpda,
                };
                true
            }
            Pdu::CapsuleCmd { sqe, data } => self.command(sqe, data),
            Pdu::H2CData {
                cccid,
                ttag,
                datao,
                last,
                data,
            } => self.h2c(cccid, ttag, datao, last, data),
            Pdu::TermReq { .. } => {
                self.sh.stats.term_reqs.fetch_add(1, Ordering::SeqCst);
                false
            }
            other => {
                violation(&self.sh, format!("unexpected PDU {:?}", other.pdu_type()));
                false
            }
        }
    }

    fn command(&mut self, sqe: [u8; 64], data: Vec<u8>) -> bool {
        let cmd = Cmd::read_from(&sqe).unwrap();
        let opc = cmd.opc();
        if cmd.psdt() != 1 {
            violation(&self.sh, format!("PSDT {} on opcode {opc:#x}", cmd.psdt()));
        }
        let sgl = cmd.dptr.sgl1();
        let (sgl_type, sgl_sub, sgl_len) = (
            sgl.desc.sgl_type() as u8,
            sgl.desc.subtype() as u8,
            sgl.desc.length() as u32,
        );
        let in_capsule = sgl_type == 0 && sgl_sub == 1;
        if in_capsule && sgl_len as usize != data.len() {
            violation(
                &self.sh,
                format!("in-capsule SGL length {sgl_len} with {} bytes", data.len()),
            );
        }
        if !(in_capsule || (sgl_type == 5 && sgl_sub == 0xa)) {
            violation(&self.sh, format!("SGL type {sgl_type:#x}/{sgl_sub:#x}"));
        }
        if !data.is_empty() && !in_capsule {
            violation(&self.sh, "capsule data without an in-capsule SGL".into());
        }
        if opc == 0x7f {
            return self.fabric(&cmd, sqe[4], data);
        }
        if self.qid == 0 {
            self.admin(&cmd, sgl_len);
            return true;
        }
        self.io(&cmd, sgl_len, in_capsule, data)
    }

    fn fabric(&mut self, cmd: &Cmd, fctype: u8, data: Vec<u8>) -> bool {
        let b = cmd.as_bytes();
        let cid = cmd.cid;
        match fctype {
            0x01 => {
                let Some(d) = FabricConnectData::read_from(&data) else {
                    violation(
                        &self.sh,
                        format!("Connect with {} bytes of data", data.len()),
                    );
                    self.resp(cid, 0, 0, 1, 0x82);
                    return true;
                };
                let qid = le16(b, 42);
                let kato = le32(b, 48);
                let sub = &d.subnqn;
                let end = sub.iter().position(|&x| x == 0).unwrap_or(0);
                let subnqn = std::str::from_utf8(&sub[..end]).unwrap_or("");
                let host_end = d.hostnqn.iter().position(|&x| x == 0).unwrap_or(0);
                if host_end == 0 {
                    violation(&self.sh, "Connect without a host NQN".into());
                }
                if subnqn != self.sh.cfg.subnqn && subnqn != spdk_nvme::DISCOVERY_NQN {
                    self.resp(cid, (1 << 16) | 256, 0, 1, 0x82);
                    return true;
                }
                self.sh.stats.connects.fetch_add(1, Ordering::SeqCst);
                self.qid = qid;
                if qid == 0 {
                    if d.cntlid != 0xffff {
                        violation(
                            &self.sh,
                            format!("admin Connect with cntlid {}", { d.cntlid }),
                        );
                    }
                    self.sh.stats.kato.store(u64::from(kato), Ordering::SeqCst);
                    self.cntlid = self.sh.next_cntlid.fetch_add(1, Ordering::SeqCst) as u16;
                    self.sh.cc.lock().unwrap().insert(self.cntlid, 0);
                } else {
                    self.sh.stats.io_connects.fetch_add(1, Ordering::SeqCst);
                    if kato != 0 {
                        violation(&self.sh, "KATO on an I/O queue Connect".into());
                    }
                    self.cntlid = d.cntlid;
                    if !self.sh.cc.lock().unwrap().contains_key(&self.cntlid) {
                        self.resp(cid, (1 << 16) | 16, 0, 1, 0x82);
                        return true;
                    }
                }
                let cntlid = self.cntlid;
                self.ok(cid, u32::from(cntlid));
            }
            0x04 => {
                self.sh.stats.prop_get.fetch_add(1, Ordering::SeqCst);
                let size8 = b[40] & 7 == 1;
                let ofst = le32(b, 44);
                let cc = *self.sh.cc.lock().unwrap().get(&self.cntlid).unwrap_or(&0);
                let v: u64 = match ofst {
                    // CAP: MQES 127, CQR, TO 1 (500 ms), CSS NVM.
                    0x00 => 127 | (1 << 16) | (1 << 24) | (1 << 37),
                    0x08 => 0x0001_0300,
                    0x14 => u64::from(cc),
                    0x1c => {
                        let rdy = u64::from(cc & 1);
                        let shst = if (cc >> 14) & 3 != 0 { 2 << 2 } else { 0 };
                        rdy | shst
                    }
                    _ => 0,
                };
                if !size8 && ofst == 0 {
                    violation(&self.sh, "CAP read with a 4-byte Property Get".into());
                }
                self.resp(cid, v as u32, (v >> 32) as u32, 0, 0);
            }
            0x00 => {
                self.sh.stats.prop_set.fetch_add(1, Ordering::SeqCst);
                let ofst = le32(b, 44);
                let v = u64::from_le_bytes(b[48..56].try_into().unwrap());
                if ofst == 0x14 {
                    self.sh.cc.lock().unwrap().insert(self.cntlid, v as u32);
                }
                self.ok(cid, 0);
            }
            _ => self.resp(cid, 0, 0, 0, 1),
        }
        true
    }

    fn enabled(&self) -> bool {
        self.sh
            .cc
            .lock()
            .unwrap()
            .get(&self.cntlid)
            .is_some_and(|cc| cc & 1 == 1)
    }

    fn admin(&mut self, cmd: &Cmd, len: u32) {
        let cid = cmd.cid;
        if !self.enabled() {
            // Command sequence error, as nvmet before CC.EN.
            self.resp(cid, 0, 0, 0, 0x0c);
            return;
        }
        match cmd.opc() {
            0x06 => {
                let cns = cmd.cdw10 & 0xff;
                let mut out = vec![0u8; 4096];
                match cns {
                    1 => {
                        let mut cd: CtrlrData = Pod::zeroed();
                        cd.vid = 0x1b36;
                        cd.sn[..4].copy_from_slice(&[0x46, 0x41, 0x4b, 0x45]);
                        cd.mn[..4].copy_from_slice(&[0x46, 0x61, 0x6b, 0x65]);
                        cd.mdts = self.sh.cfg.mdts;
                        cd.cntlid = self.cntlid;
                        cd.nn = 1;
                        cd.maxcmd = 128;
                        cd.kas = 10;
                        cd.nvmf_specific.ioccsz = self.sh.cfg.ioccsz;
                        cd.nvmf_specific.iorcsz = 1;
                        let nqn = self.sh.cfg.subnqn.as_bytes();
                        cd.subnqn[..nqn.len()].copy_from_slice(nqn);
                        out.copy_from_slice(cd.as_bytes());
                    }
                    0 => {
                        let mut nd: NsData = Pod::zeroed();
                        nd.nsze = self.sh.cfg.ns_blocks;
                        nd.ncap = self.sh.cfg.ns_blocks;
                        nd.nuse = self.sh.cfg.ns_blocks;
                        nd.lbaf[0] = LbaFormat(0).with_lbads(9);
                        out.copy_from_slice(nd.as_bytes());
                    }
                    2 => out[0..4].copy_from_slice(&1u32.to_le_bytes()),
                    _ => {}
                }
                self.c2h_all(cid, &out[..(len as usize).min(4096)]);
                if !self.sh.cfg.c2h_success {
                    self.ok(cid, 0);
                }
            }
            0x02 => {
                let lid = cmd.cdw10 & 0xff;
                let off = u64::from(cmd.cdw12) | (u64::from(cmd.cdw13) << 32);
                let numd = ((cmd.cdw10 >> 16) | (cmd.cdw11 << 16)) as usize + 1;
                if numd * 4 != len as usize {
                    violation(
                        &self.sh,
                        format!("Get Log Page NUMD {numd} with SGL length {len}"),
                    );
                }
                let log = if lid == 0x70 {
                    self.discovery_log(off)
                } else {
                    Vec::new()
                };
                let mut out = vec![0u8; len as usize];
                let o = off as usize;
                if o < log.len() {
                    let n = (log.len() - o).min(out.len());
                    out[..n].copy_from_slice(&log[o..o + n]);
                }
                self.c2h_all(cid, &out);
                if !self.sh.cfg.c2h_success {
                    self.ok(cid, 0);
                }
            }
            0x09 => {
                // Set Features: number of queues granted as asked.
                let v = if cmd.cdw10 & 0xff == 0x07 {
                    cmd.cdw11
                } else {
                    0
                };
                self.ok(cid, v);
            }
            0x0a => {
                // Get Features: the keep alive timer is what Connect set.
                let v = if cmd.cdw10 & 0xff == 0x0f {
                    self.sh.stats.kato.load(Ordering::SeqCst) as u32
                } else {
                    0
                };
                self.ok(cid, v);
            }
            0x18 => {
                self.sh.stats.keep_alive.fetch_add(1, Ordering::SeqCst);
                self.ok(cid, 0);
            }
            // Asynchronous Event Request: held.
            0x0c => {}
            _ => self.resp(cid, 0, 0, 0, 1),
        }
    }

    fn discovery_log(&self, off: u64) -> Vec<u8> {
        self.sh.stats.log_reads.fetch_add(1, Ordering::SeqCst);
        let recs = &self.sh.cfg.discovery;
        let mut log = vec![0u8; 1024 + 1024 * recs.len()];
        let g = self.sh.genctr.load(Ordering::SeqCst);
        log[0..8].copy_from_slice(&g.to_le_bytes());
        log[8..16].copy_from_slice(&(recs.len() as u64).to_le_bytes());
        for (i, (a, s, n)) in recs.iter().enumerate() {
            let mut e: DiscoveryLogPageEntry = Pod::zeroed();
            e.trtype = 3;
            e.adrfam = 1;
            e.subtype = 2;
            e.portid = 1;
            e.cntlid = 0xffff;
            e.asqsz = 32;
            // Space padded, as targets send them.
            let own = self.s.local_addr().unwrap();
            let a = if a.is_empty() {
                own.ip().to_string()
            } else {
                a.clone()
            };
            let s = if s.is_empty() {
                own.port().to_string()
            } else {
                s.clone()
            };
            e.trsvcid.fill(b' ');
            e.trsvcid[..s.len()].copy_from_slice(s.as_bytes());
            e.traddr.fill(b' ');
            e.traddr[..a.len()].copy_from_slice(a.as_bytes());
            e.subnqn[..n.len()].copy_from_slice(n.as_bytes());
            log[1024 * (i + 1)..1024 * (i + 2)].copy_from_slice(e.as_bytes());
        }
        // Change the log once, after the first full header read.
        if off == 0 && self.sh.cfg.discovery_changes_once && g == 1 {
            self.sh.genctr.store(2, Ordering::SeqCst);
        }
        log
    }

    /// Sends `data` as C2H data PDUs of the configured size.
    fn c2h_all(&mut self, cid: u16, data: &[u8]) {
        let chunk = self.sh.cfg.c2h_chunk.max(1) as usize;
        let mut o = 0;
        while o < data.len() {
            let n = chunk.min(data.len() - o);
            let last = o + n == data.len();
            self.sh.stats.c2h.fetch_add(1, Ordering::SeqCst);
            let p = Pdu::C2HData {
                cccid: cid,
                datao: o as u32,
                last,
                success: last && self.sh.cfg.c2h_success,
                data: data[o..o + n].to_vec(),
            };
            self.send(&p);
            o += n;
        }
    }

    fn range(&mut self, cmd: &Cmd) -> Option<(usize, usize)> {
        let slba = u64::from(cmd.cdw10) | (u64::from(cmd.cdw11) << 32);
        let nlb = u64::from(cmd.cdw12 & 0xffff) + 1;
        if cmd.nsid != 1 || slba + nlb > self.sh.cfg.ns_blocks {
            return None;
        }
        Some((slba as usize * BLOCK, nlb as usize * BLOCK))
    }

    /// Sends the misbehaviour once; returns true when it did.
    fn take_bad(&self, want: &[Bad]) -> Option<Bad> {
        let b = self.sh.cfg.bad?;
        if !want.contains(&b) || self.sh.bad_done.swap(true, Ordering::SeqCst) {
            return None;
        }
        self.sh.stats.bad_sent.fetch_add(1, Ordering::SeqCst);
        Some(b)
    }

    fn io(&mut self, cmd: &Cmd, len: u32, in_capsule: bool, data: Vec<u8>) -> bool {
        let cid = cmd.cid;
        match cmd.opc() {
            0x02 => {
                let Some((at, n)) = self.range(cmd) else {
                    self.resp(cid, 0, 0, 0, 0x80);
                    return true;
                };
                if n != len as usize {
                    violation(&self.sh, format!("read of {n} bytes with SGL length {len}"));
                }
                let d = self.sh.ram.lock().unwrap()[at..at + n].to_vec();
                if let Some(b) = self.take_bad(&[
                    Bad::PduLength,
                    Bad::HugeLength,
                    Bad::HeaderDigest,
                    Bad::DataDigest,
                    Bad::UnknownCid,
                    Bad::OversizeC2H,
                    Bad::C2HUnknownCid,
                    Bad::EarlyClose,
                    Bad::TermReq,
                    Bad::UnknownType,
                ]) {
                    return self.misbehave(b, cid, &d);
                }
                self.c2h_all(cid, &d);
                if !self.sh.cfg.c2h_success {
                    self.ok(cid, 0);
                }
            }
            0x01 => {
                let Some((at, n)) = self.range(cmd) else {
                    self.resp(cid, 0, 0, 0, 0x80);
                    return true;
                };
                if n != len as usize {
                    violation(
                        &self.sh,
                        format!("write of {n} bytes with SGL length {len}"),
                    );
                }
                if in_capsule {
                    self.sh
                        .stats
                        .in_capsule_writes
                        .fetch_add(1, Ordering::SeqCst);
                    if data.len() != n {
                        violation(&self.sh, "in-capsule write of the wrong size".into());
                    } else {
                        self.sh.ram.lock().unwrap()[at..at + n].copy_from_slice(&data);
                    }
                    self.ok(cid, 0);
                    return true;
                }
                if self.take_bad(&[Bad::R2tOutOfRange]).is_some() {
                    let p = Pdu::R2T {
                        cccid: cid,
                        ttag: 1,
                        r2to: 0,
                        r2tl: n as u32 + 4096,
                    };
                    self.send(&p);
                    return true;
                }
                let ttag = self.next_ttag;
                self.next_ttag = self.next_ttag.wrapping_add(1);
                let mut w = PendingWrite {
                    cid,
                    at,
                    len: n as u32,
                    got: 0,
                    r2t_end: 0,
                    ttag,
                    data: vec![0u8; n],
                };
                self.r2t(&mut w);
                self.writes.push(w);
            }
            0x00 => self.ok(cid, 0),
            _ => self.resp(cid, 0, 0, 0, 1),
        }
        true
    }

    fn r2t(&mut self, w: &mut PendingWrite) {
        let l = (w.len - w.got).min(self.sh.cfg.r2t_max);
        w.r2t_end = w.got + l;
        self.sh.stats.r2t.fetch_add(1, Ordering::SeqCst);
        let p = Pdu::R2T {
            cccid: w.cid,
            ttag: w.ttag,
            r2to: w.got,
            r2tl: l,
        };
        self.send(&p);
    }

    fn h2c(&mut self, cid: u16, ttag: u16, datao: u32, last: bool, data: Vec<u8>) -> bool {
        self.sh.stats.h2c.fetch_add(1, Ordering::SeqCst);
        let Some(i) = self.writes.iter().position(|w| w.cid == cid) else {
            violation(&self.sh, format!("H2C data for CID {cid} without a write"));
            return false;
        };
        let mut w = self.writes.swap_remove(i);
        if ttag != w.ttag || datao != w.got || datao + data.len() as u32 > w.r2t_end {
            violation(
                &self.sh,
                format!(
                    "H2C ttag {ttag} datao {datao} len {} for R2T up to {}",
                    data.len(),
                    w.r2t_end
                ),
            );
            return false;
        }
        if data.len() as u32 > self.sh.cfg.maxh2cdata {
            violation(
                &self.sh,
                format!("H2C of {} bytes > MAXH2CDATA", data.len()),
            );
        }
        w.data[datao as usize..datao as usize + data.len()].copy_from_slice(&data);
        w.got += data.len() as u32;
        if last != (w.got == w.r2t_end) {
            violation(
                &self.sh,
                format!("H2C LAST flag {last} at {} of {}", w.got, w.r2t_end),
            );
        }
        if w.got < w.r2t_end {
            self.writes.push(w);
        } else if w.got < w.len {
            self.r2t(&mut w);
            self.writes.push(w);
        } else {
            self.sh.ram.lock().unwrap()[w.at..w.at + w.len as usize].copy_from_slice(&w.data);
            self.ok(w.cid, 0);
        }
        true
    }

    fn misbehave(&mut self, b: Bad, cid: u16, d: &[u8]) -> bool {
        let cqe_for = |cid: u16| {
            let mut cqe = [0u8; 16];
            cqe[12..14].copy_from_slice(&cid.to_le_bytes());
            cqe
        };
        match b {
            Bad::PduLength => {
                let mut v = Vec::new();
                encode(&Pdu::CapsuleResp { cqe: cqe_for(cid) }, &self.tx, &mut v).unwrap();
                let plen = v.len() as u32 + 8;
                v[4..8].copy_from_slice(&plen.to_le_bytes());
                v.extend_from_slice(&[0; 8]);
                self.send_raw(&v);
            }
            Bad::HugeLength => {
                let mut v = Vec::new();
                encode(&Pdu::CapsuleResp { cqe: cqe_for(cid) }, &self.tx, &mut v).unwrap();
                v[4..8].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
                self.send_raw(&v);
            }
            Bad::HeaderDigest => {
                let mut v = Vec::new();
                encode(&Pdu::CapsuleResp { cqe: cqe_for(cid) }, &self.tx, &mut v).unwrap();
                v[24] ^= 0xff;
                self.send_raw(&v);
            }
            Bad::DataDigest => {
                let mut v = Vec::new();
                let p = Pdu::C2HData {
                    cccid: cid,
                    datao: 0,
                    last: true,
                    success: false,
                    data: d.to_vec(),
                };
                encode(&p, &self.tx, &mut v).unwrap();
                let n = v.len();
                v[n - 1] ^= 0xff;
                self.send_raw(&v);
                self.ok(cid, 0);
            }
            Bad::UnknownCid => {
                self.send(&Pdu::CapsuleResp {
                    cqe: cqe_for(cid ^ 0x40),
                });
            }
            Bad::OversizeC2H => {
                let mut big = d.to_vec();
                big.extend_from_slice(&[0x55; 512]);
                let p = Pdu::C2HData {
                    cccid: cid,
                    datao: 0,
                    last: true,
                    success: false,
                    data: big,
                };
                self.send(&p);
            }
            Bad::C2HUnknownCid => {
                let p = Pdu::C2HData {
                    cccid: cid ^ 0x40,
                    datao: 0,
                    last: true,
                    success: false,
                    data: d.to_vec(),
                };
                self.send(&p);
            }
            Bad::EarlyClose => {
                let mut v = Vec::new();
                let p = Pdu::C2HData {
                    cccid: cid,
                    datao: 0,
                    last: true,
                    success: false,
                    data: d.to_vec(),
                };
                encode(&p, &self.tx, &mut v).unwrap();
                self.send_raw(&v[..v.len() / 2]);
                self.flush();
                let _ = self.s.shutdown(std::net::Shutdown::Both);
                return false;
            }
            Bad::TermReq => {
                let p = spdk_nvme::tcp::term_req(
                    true,
                    spdk_nvme::tcp::Fes::InvalidHeaderField,
                    0,
                    &[0; 8],
                );
                self.send(&p);
            }
            Bad::UnknownType => {
                let mut v = Vec::new();
                encode(&Pdu::CapsuleResp { cqe: cqe_for(cid) }, &self.tx, &mut v).unwrap();
                v[0] = 0x08;
                self.send_raw(&v);
            }
            Bad::R2tOutOfRange => {}
        }
        true
    }
}
