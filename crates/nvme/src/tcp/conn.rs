//! One NVMe/TCP connection, host side: the socket, the send buffer, the
//! receive state machine and the per-command transfer state. A queue pair
//! ([`super::qpair::TcpQpair`]) wraps one.
//!
//! Steady state allocates nothing: PDUs are serialized into the
//! preallocated [`TxBuf`]; received headers go to a fixed buffer and C2H
//! data straight into the request's buffers (through a staging buffer, or
//! a direct `read` into the request when much data is left). Every
//! protocol violation of the controller fails the connection with an
//! error, never a panic.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::ptr;
use std::time::{Duration, Instant};

use super::cursor::Cursor;
use super::pdu::*;
use super::reader::{check_common_header, PduReader, RecvError, Role};
use super::tx::{layout, write_header, write_pdu, TxBuf};
use crate::ffi::nvme_spec::status::spdk_nvme_generic_command_status_code as sc;
use crate::request::{Payload, Request};
use crate::spec::cmd::{Cmd, Cpl, SglDesc, SglDescriptor, Status};
use crate::spec::opc_data_transfer;

/// Largest received header we buffer: a data PDU's header up to its PDO
/// (at most 255), a termination request (152), ICResp (128).
const HDR_MAX: usize = 256;
/// Receive staging buffer.
const RX_BUF: usize = 64 * 1024;
/// Send buffer: room for a batch of capsules and H2C data.
const TX_BUF: usize = 256 * 1024;
/// Capsules waiting for a streamed H2C PDU to end.
const DEFER_BUF: usize = 128 * 1024;
/// C2H data at least this long left and nothing staged: read it straight
/// into the request's buffer.
const DIRECT_MIN: u32 = 8 * 1024;
/// In-capsule data of admin and fabrics commands, as SPDK allows it.
pub const ADMIN_IN_CAPSULE: u32 = 8192;
/// Most in-capsule data of an I/O command we use, whatever IOCCSZ allows.
const MAX_IN_CAPSULE: u32 = 64 * 1024;

const OPC_FABRIC: u8 = 0x7f;

const SGL_TYPE_TRANSPORT_DATA_BLOCK: u64 = 0x5;
const SGL_SUBTYPE_TRANSPORT: u64 = 0xa;
/// PSDT: SGL for data, metadata pointer contiguous (what NVMe/TCP uses).
const PSDT_SGL_MPTR_CONTIG: u8 = 1;

/// Data direction of a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    None,
    H2C,
    C2H,
}

/// A command in flight: its request and how far its data got.
#[derive(Clone, Copy)]
struct Slot {
    req: *mut Request,
    active: bool,
    dir: Dir,
    cid: u16,
    /// Bytes the command moves.
    xfer: u32,
    /// Bytes moved so far (sent for writes, received for reads).
    done: u32,
    /// Bytes the controller asked for with an R2T, not sent yet.
    r2t_left: u32,
    ttag: u16,
    /// In the H2C work queue (may outlive the command: checked on pop).
    queued: bool,
    /// A C2H PDU of this command failed its data digest.
    ddgst_err: bool,
    /// The caller's buffer walk failed: discard data, fail the command.
    bad_payload: bool,
    cursor: Cursor,
}

impl Slot {
    const EMPTY: Slot = Slot {
        req: ptr::null_mut(),
        active: false,
        dir: Dir::None,
        cid: 0,
        xfer: 0,
        done: 0,
        r2t_left: 0,
        ttag: 0,
        queued: false,
        ddgst_err: false,
        bad_payload: false,
        cursor: Cursor::new(),
    };
}

/// The H2C data PDU being written into the send buffer.
#[derive(Clone, Copy, Debug)]
struct H2cStream {
    idx: usize,
    /// Data bytes still to write.
    left: u32,
    crc: u32,
    /// Its command completed meanwhile: pad with zeroes.
    orphan: bool,
}

/// Where the receiver is within the current PDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rx {
    /// Reading the header (up to the data for data PDUs) into `hdr`.
    Header,
    /// C2H data of slot `idx`: `left` bytes to go.
    Data {
        idx: usize,
        left: u32,
        last: bool,
        success: bool,
    },
    /// The data digest after C2H data.
    Ddgst {
        idx: usize,
        have: usize,
        last: bool,
        success: bool,
    },
}

/// Why a connection failed.
#[derive(Debug)]
enum Failure {
    /// The controller broke the protocol: tell it with a termination
    /// request (`fes`, `fei`, the offending header in `hdr`).
    Proto { fes: Fes, fei: u32 },
    /// Socket error, peer close, or a termination request received.
    Io(i32),
}

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn errno_of(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(libc::EIO)
}

/// What a new connection asks for.
#[derive(Clone, Debug)]
pub struct ConnParams {
    pub addrs: Vec<SocketAddr>,
    /// Local address to bind (host ID's hostaddr/hostsvcid), if any.
    pub src: Option<SocketAddr>,
    /// SO_PRIORITY of the socket (the transport ID's priority; 0: unset).
    pub priority: i32,
    pub qid: u16,
    pub hdgst: bool,
    pub ddgst: bool,
    /// Commands are identified by CIDs below this; one more CID (this
    /// value) is the connection's own (Connect, Property Get/Set).
    pub cids: u16,
    /// Most in-capsule data of a write (IOCCSZ bytes minus the SQE).
    pub in_capsule_max: u32,
    /// Send submissions on `flush`/`process_completions` only.
    pub delay_cmd_submit: bool,
    pub timeout: Duration,
    /// The TCP connect itself.
    pub connect_timeout: Duration,
}

/// A connected NVMe/TCP queue (after ICReq/ICResp).
pub struct Conn {
    qid: u16,
    sock: TcpStream,
    tx: TxBuf,
    /// Capsules queued while an H2C PDU is being streamed into `tx`.
    tx_defer: TxBuf,
    h2c_cur: Option<H2cStream>,
    /// An R2T came in during this poll: send its data before reading on.
    r2t_arrived: bool,
    rxbuf: Box<[u8]>,
    rx_pos: usize,
    rx_end: usize,
    rx: Rx,
    hdr: [u8; HDR_MAX],
    hdr_have: usize,
    hdr_need: usize,
    plen: usize,
    crc: u32,
    /// Digests, and the controller's alignment (CPDA) for what we send.
    tx_opts: DigestOpts,
    /// Digests, and our alignment (HPDA 0) for what we receive.
    rx_opts: DigestOpts,
    maxh2cdata: u32,
    in_capsule_max: u32,
    slots: Box<[Slot]>,
    internal_cid: u16,
    /// Ring of slot indexes with R2T data to send.
    h2c: Box<[u16]>,
    h2c_head: usize,
    h2c_len: usize,
    /// Completions reaped while waiting for an internal command.
    stash: Vec<Cpl>,
    stashing: bool,
    internal_done: Option<Cpl>,
    failed: Option<i32>,
    delay_cmd_submit: bool,
    timeout: Duration,
}

// SAFETY: the raw pointers are the core's requests in flight on this
// queue pair; they move between threads with it and are only touched by
// the thread that polls it.
unsafe impl Send for Conn {}

/// A blocking TCP connection to the first address that answers within
/// `timeout`, bound to `src` when given.
fn tcp_connect(
    addrs: &[SocketAddr],
    src: Option<SocketAddr>,
    timeout: Duration,
) -> Result<TcpStream, i32> {
    let mut last = libc::ECONNREFUSED;
    for a in addrs {
        let r = match src {
            None => TcpStream::connect_timeout(a, timeout).map_err(|e| errno_of(&e)),
            Some(s) => connect_from(a, &s, timeout),
        };
        match r {
            Ok(s) => return Ok(s),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Connects from a given local address: socket, bind, nonblocking
/// connect, wait for it.
fn connect_from(dst: &SocketAddr, src: &SocketAddr, timeout: Duration) -> Result<TcpStream, i32> {
    use std::os::fd::FromRawFd;
    fn sockaddr(a: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
        // SAFETY: all-zero sockaddr_storage is valid.
        let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let len = match a {
            SocketAddr::V4(v4) => {
                let sin = libc::sockaddr_in {
                    sin_family: libc::AF_INET as libc::sa_family_t,
                    sin_port: v4.port().to_be(),
                    sin_addr: libc::in_addr {
                        s_addr: u32::from_ne_bytes(v4.ip().octets()),
                    },
                    sin_zero: [0; 8],
                };
                // SAFETY: sockaddr_in fits in sockaddr_storage.
                unsafe { ptr::write((&mut ss as *mut libc::sockaddr_storage).cast(), sin) };
                std::mem::size_of::<libc::sockaddr_in>()
            }
            SocketAddr::V6(v6) => {
                let sin6 = libc::sockaddr_in6 {
                    sin6_family: libc::AF_INET6 as libc::sa_family_t,
                    sin6_port: v6.port().to_be(),
                    sin6_flowinfo: v6.flowinfo(),
                    sin6_addr: libc::in6_addr {
                        s6_addr: v6.ip().octets(),
                    },
                    sin6_scope_id: v6.scope_id(),
                };
                // SAFETY: sockaddr_in6 fits in sockaddr_storage.
                unsafe { ptr::write((&mut ss as *mut libc::sockaddr_storage).cast(), sin6) };
                std::mem::size_of::<libc::sockaddr_in6>()
            }
        };
        (ss, len as libc::socklen_t)
    }
    let fam = if dst.is_ipv4() {
        libc::AF_INET
    } else {
        libc::AF_INET6
    };
    // SAFETY: plain socket calls on a descriptor we own.
    unsafe {
        let fd = libc::socket(fam, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(*libc::__errno_location());
        }
        let s = TcpStream::from_raw_fd(fd);
        let (sa, len) = sockaddr(src);
        if libc::bind(fd, (&sa as *const libc::sockaddr_storage).cast(), len) != 0 {
            return Err(*libc::__errno_location());
        }
        s.set_nonblocking(true).map_err(|e| errno_of(&e))?;
        let (da, len) = sockaddr(dst);
        if libc::connect(fd, (&da as *const libc::sockaddr_storage).cast(), len) != 0 {
            let e = *libc::__errno_location();
            if e != libc::EINPROGRESS {
                return Err(e);
            }
            let mut p = libc::pollfd {
                fd,
                events: libc::POLLOUT,
                revents: 0,
            };
            let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
            if libc::poll(&mut p, 1, ms) != 1 {
                return Err(libc::ETIMEDOUT);
            }
            let mut err: libc::c_int = 0;
            let mut l = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_ERROR,
                (&mut err as *mut libc::c_int).cast(),
                &mut l,
            );
            if err != 0 {
                return Err(err);
            }
        }
        s.set_nonblocking(false).map_err(|e| errno_of(&e))?;
        Ok(s)
    }
}

impl Conn {
    /// Connects and exchanges ICReq/ICResp (blocking, bounded by
    /// `p.timeout`); the socket is nonblocking afterwards.
    pub fn connect(p: &ConnParams) -> Result<Conn, i32> {
        let mut sock = tcp_connect(&p.addrs, p.src, p.connect_timeout).map_err(|e| -e)?;
        let io = |e: std::io::Error| -errno_of(&e);
        if p.priority != 0 {
            let v: libc::c_int = p.priority;
            // SAFETY: a valid int option on our socket.
            let r = unsafe {
                libc::setsockopt(
                    sock.as_raw_fd(),
                    libc::SOL_SOCKET,
                    libc::SO_PRIORITY,
                    (&v as *const libc::c_int).cast(),
                    size_of::<libc::c_int>() as libc::socklen_t,
                )
            };
            if r != 0 {
                return Err(-libc::EINVAL);
            }
        }
        sock.set_nodelay(true).map_err(io)?;
        sock.set_read_timeout(Some(p.timeout)).map_err(io)?;
        sock.set_write_timeout(Some(p.timeout)).map_err(io)?;
        let mut ic = Vec::with_capacity(128);
        let icreq = Pdu::IcReq {
            pfv: 0,
            hpda: 0,
            hdgst: p.hdgst,
            ddgst: p.ddgst,
            // 0's based: one R2T outstanding per command.
            maxr2t: 0,
        };
        if encode(&icreq, &DigestOpts::default(), &mut ic).is_err() {
            return Err(-libc::EINVAL);
        }
        sock.write_all(&ic).map_err(io)?;
        let resp = read_one_pdu(&mut sock).map_err(|e| {
            spdk_log::errlog!("NVMe/TCP: no valid ICResp from {:?}: {}", p.addrs, e);
            -e
        })?;
        let (cpda, hdgst, ddgst, maxh2cdata) = match resp {
            Pdu::IcResp {
                cpda,
                hdgst,
                ddgst,
                maxh2cdata,
                ..
            } => (cpda, hdgst, ddgst, maxh2cdata),
            Pdu::TermReq { fes, fei, .. } => {
                spdk_log::errlog!(
                    "NVMe/TCP: connection refused with a termination request (fes {:#x}, fei {:#x})",
                    fes,
                    fei
                );
                return Err(-libc::ECONNREFUSED);
            }
            _ => return Err(-libc::EPROTO),
        };
        if (hdgst && !p.hdgst) || (ddgst && !p.ddgst) {
            spdk_log::errlog!("NVMe/TCP: the controller enabled a digest the host did not ask for");
            return Err(-libc::EPROTO);
        }
        sock.set_nonblocking(true).map_err(io)?;
        let n = usize::from(p.cids) + 1;
        Ok(Conn {
            qid: p.qid,
            sock,
            tx: TxBuf::new(TX_BUF),
            tx_defer: TxBuf::new(DEFER_BUF),
            h2c_cur: None,
            r2t_arrived: false,
            rxbuf: vec![0u8; RX_BUF].into_boxed_slice(),
            rx_pos: 0,
            rx_end: 0,
            rx: Rx::Header,
            hdr: [0; HDR_MAX],
            hdr_have: 0,
            hdr_need: CH_LEN,
            plen: 0,
            crc: 0,
            tx_opts: DigestOpts {
                hdgst,
                ddgst,
                pda: cpda,
            },
            rx_opts: DigestOpts {
                hdgst,
                ddgst,
                pda: 0,
            },
            maxh2cdata,
            in_capsule_max: p.in_capsule_max.min(MAX_IN_CAPSULE),
            slots: vec![Slot::EMPTY; n].into_boxed_slice(),
            internal_cid: p.cids,
            h2c: vec![0u16; n].into_boxed_slice(),
            h2c_head: 0,
            h2c_len: 0,
            stash: Vec::with_capacity(n),
            stashing: false,
            internal_done: None,
            failed: None,
            delay_cmd_submit: p.delay_cmd_submit,
            timeout: p.timeout,
        })
    }

    pub fn qid(&self) -> u16 {
        self.qid
    }

    /// Header and data digests in use.
    pub fn digests(&self) -> (bool, bool) {
        (self.tx_opts.hdgst, self.tx_opts.ddgst)
    }

    pub fn maxh2cdata(&self) -> u32 {
        self.maxh2cdata
    }

    /// The connection failed (negative errno of the cause).
    pub fn failed(&self) -> Option<i32> {
        self.failed
    }

    /// Commands in flight.
    pub fn outstanding(&self) -> usize {
        self.slots.iter().filter(|s| s.active).count()
    }

    fn slot_index(&self, cid: u16) -> Option<usize> {
        if cid == self.internal_cid {
            Some(self.slots.len() - 1)
        } else if cid < self.internal_cid {
            Some(usize::from(cid))
        } else {
            None
        }
    }

    /// Queues `req`'s command capsule (and its in-capsule data).
    pub fn submit(
        &mut self,
        req: &mut Request,
    ) -> Result<(), Result<crate::transport::QueueFull, i32>> {
        if self.failed.is_some() {
            return Err(Err(-libc::ENXIO));
        }
        let cid = req.cmd.cid;
        // The internal CID is not the core's to use.
        let idx = match self.slot_index(cid) {
            Some(i) if cid != self.internal_cid => i,
            _ => {
                spdk_log::errlog!("NVMe/TCP qid {}: CID {} out of range", self.qid, cid);
                return Err(Err(-libc::EINVAL));
            }
        };
        self.submit_at(idx, req)
    }

    fn submit_at(
        &mut self,
        idx: usize,
        req: &mut Request,
    ) -> Result<(), Result<crate::transport::QueueFull, i32>> {
        if self.slots[idx].active {
            spdk_log::errlog!(
                "NVMe/TCP qid {}: CID {} already in flight",
                self.qid,
                req.cmd.cid
            );
            return Err(Err(-libc::EINVAL));
        }
        let fabric = req.cmd.opc() == OPC_FABRIC;
        let xfer = if fabric {
            // The fabrics command type (byte 4) gives the direction.
            opc_data_transfer((req.cmd.nsid & 0xff) as u8)
        } else {
            opc_data_transfer(req.cmd.opc())
        };
        let size = req.payload_size;
        let dir = match (xfer, size) {
            (_, 0) => Dir::None,
            (1, _) => Dir::H2C,
            (2, _) => Dir::C2H,
            _ => return Err(Err(-libc::EINVAL)),
        };
        let icd_max = if fabric || self.qid == 0 {
            ADMIN_IN_CAPSULE
        } else {
            self.in_capsule_max
        };
        let in_capsule = dir == Dir::H2C && size <= icd_max;
        req.cmd.set_psdt(PSDT_SGL_MPTR_CONTIG);
        req.cmd.dptr.set_sgl1(if in_capsule {
            SglDescriptor::in_capsule(0, size)
        } else {
            SglDescriptor {
                address: 0,
                desc: SglDesc(0)
                    .with_length(u64::from(size))
                    .with_subtype(SGL_SUBTYPE_TRANSPORT)
                    .with_sgl_type(SGL_TYPE_TRANSPORT_DATA_BLOCK),
            }
        });
        let data_len = if in_capsule { size as usize } else { 0 };
        let l = layout(PduType::CapsuleCmd, data_len, &self.tx_opts);
        if l.total > DEFER_BUF {
            return Err(Err(-libc::EINVAL));
        }
        if !self.room_for(l.total) {
            if self.kick().is_err() {
                return Err(Err(-libc::ENXIO));
            }
            if !self.room_for(l.total) {
                return Err(Ok(crate::transport::QueueFull));
            }
        }
        let mut cursor = Cursor::new();
        let defer = self.deferring();
        let buf = if defer {
            &mut self.tx_defer
        } else {
            &mut self.tx
        };
        let Some(out) = buf.reserve(l.total) else {
            return Err(Ok(crate::transport::QueueFull));
        };
        let sqe = req.cmd;
        let r: &Request = req;
        let written = write_pdu(
            out,
            PduType::CapsuleCmd,
            0,
            &l,
            |h| h[..64].copy_from_slice(crate::spec::Pod::as_bytes(&sqe)),
            // SAFETY: the caller's payload is valid while the request is
            // in flight.
            |d| unsafe { cursor.read_into(r, d) },
        );
        if written.is_err() {
            return Err(Err(-libc::EINVAL));
        }
        if defer {
            self.tx_defer.commit(l.total);
        } else {
            self.tx.commit(l.total);
        }
        self.slots[idx] = Slot {
            req,
            active: true,
            dir,
            cid: sqe.cid,
            xfer: size,
            done: if in_capsule { size } else { 0 },
            queued: self.slots[idx].queued,
            cursor,
            ..Slot::EMPTY
        };
        if !self.delay_cmd_submit || idx == self.slots.len() - 1 {
            // A send error fails the connection; the command then fails
            // with the others.
            let _ = self.kick();
        }
        Ok(())
    }

    /// Capsules go behind the H2C PDU being streamed.
    fn deferring(&self) -> bool {
        self.h2c_cur.is_some() || self.tx_defer.pending() > 0
    }

    fn room_for(&self, n: usize) -> bool {
        if self.deferring() {
            self.tx_defer.free() >= n
        } else {
            self.tx.free() >= n
        }
    }

    /// Sends queued bytes and builds pending H2C data until the socket
    /// takes no more; fails the connection on a socket error.
    pub fn kick(&mut self) -> Result<(), i32> {
        if self.failed.is_some() {
            return Err(-libc::ENXIO);
        }
        loop {
            let r = self.pump_h2c().and_then(|_| {
                if self.tx.pending() == 0 {
                    return Ok(false);
                }
                self.flush_tx()
            });
            match r {
                Err(f) => {
                    self.fail(f);
                    return Err(-libc::ENXIO);
                }
                // All sent: more H2C data may fit now.
                Ok(true) => continue,
                Ok(false) => return Ok(()),
            }
        }
    }

    fn flush_tx(&mut self) -> Result<bool, Failure> {
        self.tx.flush(&mut self.sock).map_err(Failure::Io)
    }

    /// Builds H2C data PDUs for pending R2Ts while the send buffer has
    /// room. A PDU carries what the R2T asked for, up to MAXH2CDATA (one
    /// PDU per R2T when it fits, as Linux hosts send and as some kernel
    /// targets need for data digests); it is streamed into the buffer as
    /// room frees, its data digest computed on the way. Capsules submitted
    /// meanwhile wait in `tx_defer` so that they do not land inside it.
    fn pump_h2c(&mut self) -> Result<(), Failure> {
        loop {
            if let Some(cur) = self.h2c_cur {
                if !self.stream_h2c(cur)? {
                    return Ok(());
                }
                self.h2c_cur = None;
            }
            if self.tx_defer.pending() > 0 {
                let n = self.tx_defer.pending();
                let Some(out) = self.tx.reserve(n) else {
                    return Ok(());
                };
                out.copy_from_slice(self.tx_defer.queued());
                self.tx.commit(n);
                self.tx_defer.clear();
            }
            if self.h2c_len == 0 {
                return Ok(());
            }
            let idx = usize::from(self.h2c[self.h2c_head]);
            let s = &mut self.slots[idx];
            if !s.active || s.r2t_left == 0 {
                s.queued = false;
                self.h2c_head = (self.h2c_head + 1) % self.h2c.len();
                self.h2c_len -= 1;
                continue;
            }
            let chunk = s.r2t_left.min(self.maxh2cdata);
            let l = layout(PduType::H2CData, chunk as usize, &self.tx_opts);
            let last = chunk == s.r2t_left;
            let (cid, ttag, datao) = (s.cid, s.ttag, s.done);
            let Some(out) = self.tx.reserve(l.data_at) else {
                return Ok(());
            };
            write_header(
                out,
                PduType::H2CData,
                if last { DATA_FLAGS_LAST_PDU } else { 0 },
                &l,
                |h| {
                    h[0..2].copy_from_slice(&cid.to_le_bytes());
                    h[2..4].copy_from_slice(&ttag.to_le_bytes());
                    h[4..8].copy_from_slice(&datao.to_le_bytes());
                    h[8..12].copy_from_slice(&chunk.to_le_bytes());
                },
            );
            self.tx.commit(l.data_at);
            s.done += chunk;
            s.r2t_left -= chunk;
            self.h2c_cur = Some(H2cStream {
                idx,
                left: chunk,
                crc: !0,
                orphan: false,
            });
        }
    }

    /// Copies more of the current H2C PDU's data (and then its digest)
    /// into the send buffer; true when the PDU is complete.
    fn stream_h2c(&mut self, mut cur: H2cStream) -> Result<bool, Failure> {
        while cur.left > 0 {
            let out = self.tx.reserve_some(cur.left as usize);
            let n = out.len();
            if n == 0 {
                self.h2c_cur = Some(cur);
                return Ok(false);
            }
            let s = &mut self.slots[cur.idx];
            if cur.orphan {
                // The command ended early (the controller answered before
                // taking all its data): the PDU still needs its bytes.
                out.fill(0);
            } else {
                // SAFETY: the slot is active, its request in flight.
                if unsafe { s.cursor.read_into(&*s.req, out) }.is_err() {
                    // The controller waits for data we cannot produce.
                    spdk_log::errlog!(
                        "NVMe/TCP qid {}: the write data of CID {} could not be read",
                        self.qid,
                        s.cid
                    );
                    return Err(Failure::Io(libc::EINVAL));
                }
            }
            if self.tx_opts.ddgst {
                cur.crc = spdk_util::crc::crc32c_update(out, cur.crc);
            }
            self.tx.commit(n);
            cur.left -= n as u32;
        }
        if self.tx_opts.ddgst {
            let Some(out) = self.tx.reserve(DIGEST_LEN) else {
                self.h2c_cur = Some(cur);
                return Ok(false);
            };
            out.copy_from_slice(&(!cur.crc).to_le_bytes());
            self.tx.commit(DIGEST_LEN);
        }
        Ok(true)
    }

    /// Fails the connection: a termination request for a protocol error,
    /// then the socket is shut down. Outstanding commands are forgotten
    /// (the core fails them).
    fn fail(&mut self, f: Failure) {
        if self.failed.is_some() {
            return;
        }
        let errno = match f {
            Failure::Proto { fes, fei } => {
                spdk_log::errlog!(
                    "NVMe/TCP qid {}: bad PDU from the controller (fes {:?}, field offset {}): closing",
                    self.qid,
                    fes,
                    fei
                );
                let n = self.hdr_have.clamp(CH_LEN, HDR_MAX);
                let t = term_req(false, fes, fei, &self.hdr[..n]);
                let mut v = Vec::new();
                if encode(&t, &DigestOpts::default(), &mut v).is_ok() {
                    if let Some(out) = self.tx.reserve(v.len()) {
                        out.copy_from_slice(&v);
                        self.tx.commit(v.len());
                    }
                }
                let _ = self.tx.flush(&mut self.sock);
                libc::EPROTO
            }
            Failure::Io(e) => {
                spdk_log::errlog!(
                    "NVMe/TCP qid {}: connection failed: {}",
                    self.qid,
                    std::io::Error::from_raw_os_error(e)
                );
                e
            }
        };
        let _ = self.sock.shutdown(std::net::Shutdown::Both);
        self.failed = Some(-errno);
        for s in self.slots.iter_mut() {
            *s = Slot::EMPTY;
        }
        self.h2c_len = 0;
        self.h2c_cur = None;
        self.tx_defer.clear();
        self.stash.clear();
    }

    /// Shuts the connection down (queue pair deletion).
    pub fn close(&mut self) {
        let _ = self.tx.flush(&mut self.sock);
        let _ = self.sock.shutdown(std::net::Shutdown::Both);
        if self.failed.is_none() {
            self.failed = Some(-libc::ENOTCONN);
        }
        for s in self.slots.iter_mut() {
            *s = Slot::EMPTY;
        }
        self.h2c_len = 0;
        self.h2c_cur = None;
    }

    /// Reaps up to `max` completions (0: all there are), handing each to
    /// `done`. Err(-ENXIO) once the connection failed.
    pub fn process(&mut self, max: u32, done: &mut dyn FnMut(&Cpl)) -> Result<u32, i32> {
        if self.failed.is_some() {
            return Err(-libc::ENXIO);
        }
        let mut n = 0u32;
        if !self.stashing && !self.stash.is_empty() {
            let k = if max == 0 {
                self.stash.len()
            } else {
                self.stash.len().min(max as usize)
            };
            for i in 0..k {
                let c = self.stash[i];
                done(&c);
            }
            self.stash.drain(..k);
            n = k as u32;
        }
        self.kick()?;
        loop {
            if max != 0 && n >= max {
                break;
            }
            if self.needs_bytes() && self.rx_pos == self.rx_end {
                match self.fill_rx() {
                    Ok(true) => continue,
                    Ok(false) => break,
                    Err(f) => {
                        self.fail(f);
                        return Err(-libc::ENXIO);
                    }
                }
            }
            match self.step() {
                Ok(None) => {}
                Ok(Some((idx, cpl))) => {
                    if idx == self.slots.len() - 1 {
                        self.internal_done = Some(cpl);
                    } else if self.stashing {
                        self.stash.push(cpl);
                    } else {
                        done(&cpl);
                        n += 1;
                    }
                }
                Err(f) => {
                    self.fail(f);
                    return Err(-libc::ENXIO);
                }
            }
            if self.r2t_arrived {
                // Start the data at once; the reads go on after.
                self.r2t_arrived = false;
                self.kick()?;
            }
        }
        self.kick()?;
        Ok(n)
    }

    fn needs_bytes(&self) -> bool {
        !matches!(self.rx, Rx::Data { left: 0, .. })
    }

    /// Receives more bytes: into the staging buffer, or straight into the
    /// request for a long C2H payload. Ok(false) when none are there.
    fn fill_rx(&mut self) -> Result<bool, Failure> {
        if let Rx::Data { idx, left, .. } = &mut self.rx {
            let s = &mut self.slots[*idx];
            if *left >= DIRECT_MIN && !s.bad_payload {
                // SAFETY: the slot is active, its request in flight.
                let piece = unsafe { s.cursor.peek(&*s.req, *left) };
                if let Ok((p, len)) = piece {
                    // SAFETY: `p` has `len` writable bytes of the caller's
                    // buffer.
                    let dst = unsafe { std::slice::from_raw_parts_mut(p, len as usize) };
                    return match self.sock.read(dst) {
                        Ok(0) => Err(Failure::Io(libc::ECONNRESET)),
                        Ok(k) => {
                            if self.rx_opts.ddgst {
                                self.crc = spdk_util::crc::crc32c_update(&dst[..k], self.crc);
                            }
                            s.cursor.advance(k as u32);
                            *left -= k as u32;
                            Ok(true)
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => Ok(false),
                        Err(e) if e.kind() == ErrorKind::Interrupted => Ok(true),
                        Err(e) => Err(Failure::Io(errno_of(&e))),
                    };
                }
            }
        }
        match self.sock.read(&mut self.rxbuf) {
            Ok(0) => Err(Failure::Io(libc::ECONNRESET)),
            Ok(k) => {
                self.rx_pos = 0;
                self.rx_end = k;
                Ok(true)
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => Ok(false),
            Err(e) if e.kind() == ErrorKind::Interrupted => Ok(true),
            Err(e) => Err(Failure::Io(errno_of(&e))),
        }
    }

    /// Advances the receiver with the staged bytes; returns a completion
    /// (slot index and entry) when one is due.
    fn step(&mut self) -> Result<Option<(usize, Cpl)>, Failure> {
        match self.rx {
            Rx::Header => {
                let k = (self.hdr_need - self.hdr_have).min(self.rx_end - self.rx_pos);
                self.hdr[self.hdr_have..self.hdr_have + k]
                    .copy_from_slice(&self.rxbuf[self.rx_pos..self.rx_pos + k]);
                self.hdr_have += k;
                self.rx_pos += k;
                if self.hdr_have < self.hdr_need {
                    return Ok(None);
                }
                if self.hdr_need == CH_LEN {
                    let plen = check_common_header(
                        Role::Host,
                        true,
                        &self.rx_opts,
                        u32::MAX,
                        &self.hdr[..CH_LEN],
                    )
                    .map_err(|e| match e {
                        RecvError::Fatal { fes, fei, .. } => Failure::Proto { fes, fei },
                        RecvError::DataDigest { .. } => Failure::Io(libc::EPROTO),
                    })?;
                    let t = PduType::from_u8(self.hdr[0]).ok_or(Failure::Io(libc::EPROTO))?;
                    let header_end = t.hlen()
                        + if self.rx_opts.hdgst && t.has_hdgst() {
                            DIGEST_LEN
                        } else {
                            0
                        };
                    let need = if t.carries_data() && plen > header_end {
                        usize::from(self.hdr[3])
                    } else {
                        plen
                    };
                    if need > HDR_MAX {
                        return Err(Failure::Proto {
                            fes: Fes::InvalidHeaderField,
                            fei: off::PLEN,
                        });
                    }
                    self.plen = plen;
                    if need > CH_LEN {
                        self.hdr_need = need;
                        return Ok(None);
                    }
                }
                let r = self.on_header();
                if r.is_ok() {
                    self.hdr_have = 0;
                    self.hdr_need = CH_LEN;
                }
                r
            }
            Rx::Data {
                idx,
                left,
                last,
                success,
            } => {
                if left == 0 {
                    return self.data_end(idx, last, success);
                }
                let k = (left as usize).min(self.rx_end - self.rx_pos);
                let src = &self.rxbuf[self.rx_pos..self.rx_pos + k];
                if self.rx_opts.ddgst {
                    self.crc = spdk_util::crc::crc32c_update(src, self.crc);
                }
                let s = &mut self.slots[idx];
                if !s.bad_payload {
                    // SAFETY: the slot is active, its request in flight.
                    if unsafe { s.cursor.write_from(&*s.req, src) }.is_err() {
                        s.bad_payload = true;
                    }
                }
                self.rx_pos += k;
                let left = left - k as u32;
                self.rx = Rx::Data {
                    idx,
                    left,
                    last,
                    success,
                };
                if left == 0 {
                    return self.data_end(idx, last, success);
                }
                Ok(None)
            }
            Rx::Ddgst {
                idx,
                have,
                last,
                success,
            } => {
                let k = (DIGEST_LEN - have).min(self.rx_end - self.rx_pos);
                self.hdr[have..have + k].copy_from_slice(&self.rxbuf[self.rx_pos..self.rx_pos + k]);
                self.rx_pos += k;
                let have = have + k;
                if have < DIGEST_LEN {
                    self.rx = Rx::Ddgst {
                        idx,
                        have,
                        last,
                        success,
                    };
                    return Ok(None);
                }
                if le32(&self.hdr, 0) != !self.crc {
                    spdk_log::errlog!(
                        "NVMe/TCP qid {}: data digest error on C2H data of CID {}",
                        self.qid,
                        self.slots[idx].cid
                    );
                    self.slots[idx].ddgst_err = true;
                }
                self.rx = Rx::Header;
                self.c2h_end(idx, last, success)
            }
        }
    }

    /// The C2H payload is in: the digest next, or the PDU is done.
    fn data_end(
        &mut self,
        idx: usize,
        last: bool,
        success: bool,
    ) -> Result<Option<(usize, Cpl)>, Failure> {
        if self.rx_opts.ddgst {
            self.rx = Rx::Ddgst {
                idx,
                have: 0,
                last,
                success,
            };
            return Ok(None);
        }
        self.rx = Rx::Header;
        self.c2h_end(idx, last, success)
    }

    /// A C2H data PDU is complete; with the SUCCESS flag it also completes
    /// the command (no response capsule follows).
    fn c2h_end(
        &mut self,
        idx: usize,
        _last: bool,
        success: bool,
    ) -> Result<Option<(usize, Cpl)>, Failure> {
        if !success {
            return Ok(None);
        }
        let s = &self.slots[idx];
        let cpl = Cpl {
            cid: s.cid,
            sqid: self.qid,
            ..Default::default()
        };
        Ok(Some((idx, self.complete(idx, cpl))))
    }

    /// Ends the command of slot `idx` with `cpl`, made an error when its
    /// data went wrong.
    fn complete(&mut self, idx: usize, mut cpl: Cpl) -> Cpl {
        let s = &mut self.slots[idx];
        if cpl.is_success() {
            if s.ddgst_err {
                cpl.status =
                    Status::new(0, sc::SPDK_NVME_SC_COMMAND_TRANSIENT_TRANSPORT_ERROR as u16);
            } else if s.bad_payload {
                cpl.status = Status::new(0, sc::SPDK_NVME_SC_DATA_TRANSFER_ERROR as u16);
            }
        }
        let queued = s.queued;
        *s = Slot::EMPTY;
        s.queued = queued;
        if let Some(cur) = &mut self.h2c_cur {
            if cur.idx == idx {
                cur.orphan = true;
            }
        }
        cpl
    }

    /// A whole header (up to the data) is in `hdr`.
    fn on_header(&mut self) -> Result<Option<(usize, Cpl)>, Failure> {
        let h = &self.hdr;
        let bad = |fei| Failure::Proto {
            fes: Fes::InvalidHeaderField,
            fei,
        };
        let t = PduType::from_u8(h[0]).ok_or(bad(off::PDU_TYPE))?;
        let hlen = t.hlen();
        let hdgst = self.rx_opts.hdgst && t.has_hdgst();
        if hdgst && digest(&h[..hlen]) != le32(h, hlen) {
            return Err(Failure::Proto {
                fes: Fes::HdgstError,
                fei: 0,
            });
        }
        match t {
            PduType::CapsuleResp => {
                let cpl = Cpl {
                    cdw0: le32(h, 8),
                    cdw1: le32(h, 12),
                    sqhd: le16(h, 16),
                    sqid: le16(h, 18),
                    cid: le16(h, 20),
                    status: Status(le16(h, 22)),
                };
                let idx = self.active_slot(cpl.cid).ok_or_else(|| {
                    spdk_log::errlog!(
                        "NVMe/TCP qid {}: response for CID {} which is not in flight",
                        self.qid,
                        cpl.cid
                    );
                    bad(8 + 12)
                })?;
                Ok(Some((idx, self.complete(idx, cpl))))
            }
            PduType::C2HData => {
                let cid = le16(h, 8);
                let datao = le32(h, 12);
                let datal = le32(h, 16);
                let flags = h[1];
                let header_end = hlen + if hdgst { DIGEST_LEN } else { 0 };
                let dd = if h[1] & CH_FLAGS_DDGSTF != 0 {
                    DIGEST_LEN
                } else {
                    0
                };
                let have = if self.plen > header_end {
                    self.plen - usize::from(h[3]) - dd
                } else {
                    0
                };
                if datal as usize != have {
                    return Err(bad(off::DATAL));
                }
                let last = flags & DATA_FLAGS_LAST_PDU != 0;
                let success = flags & DATA_FLAGS_SUCCESS != 0;
                if success && !last {
                    return Err(bad(off::FLAGS));
                }
                let idx = match self.active_slot(cid) {
                    Some(i) if self.slots[i].dir == Dir::C2H => i,
                    _ => {
                        spdk_log::errlog!(
                            "NVMe/TCP qid {}: C2H data for CID {} which is not a read in flight",
                            self.qid,
                            cid
                        );
                        return Err(bad(8));
                    }
                };
                let s = &mut self.slots[idx];
                if datao != s.done {
                    return Err(bad(off::DATAO));
                }
                if u64::from(datao) + u64::from(datal) > u64::from(s.xfer) {
                    spdk_log::errlog!(
                        "NVMe/TCP qid {}: C2H data beyond the {} bytes of CID {}",
                        self.qid,
                        s.xfer,
                        cid
                    );
                    return Err(Failure::Proto {
                        fes: Fes::DataTransferOutOfRange,
                        fei: off::DATAL,
                    });
                }
                s.done += datal;
                self.crc = !0;
                self.rx = Rx::Data {
                    idx,
                    left: datal,
                    last,
                    success,
                };
                if datal == 0 {
                    self.rx = Rx::Header;
                    return self.c2h_end(idx, last, success);
                }
                Ok(None)
            }
            PduType::R2T => {
                let cid = le16(h, 8);
                let ttag = le16(h, 10);
                let r2to = le32(h, 12);
                let r2tl = le32(h, 16);
                let idx = match self.active_slot(cid) {
                    Some(i) if self.slots[i].dir == Dir::H2C => i,
                    _ => {
                        spdk_log::errlog!(
                            "NVMe/TCP qid {}: R2T for CID {} which is not a write in flight",
                            self.qid,
                            cid
                        );
                        return Err(bad(8));
                    }
                };
                let s = &mut self.slots[idx];
                if s.r2t_left != 0 {
                    return Err(Failure::Proto {
                        fes: Fes::DataTransferLimitExceeded,
                        fei: 0,
                    });
                }
                if r2to != s.done {
                    return Err(bad(12));
                }
                if r2tl == 0 || u64::from(r2to) + u64::from(r2tl) > u64::from(s.xfer) {
                    return Err(Failure::Proto {
                        fes: Fes::DataTransferOutOfRange,
                        fei: 16,
                    });
                }
                s.ttag = ttag;
                s.r2t_left = r2tl;
                self.r2t_arrived = true;
                if !s.queued {
                    s.queued = true;
                    let at = (self.h2c_head + self.h2c_len) % self.h2c.len();
                    self.h2c[at] = idx as u16;
                    self.h2c_len += 1;
                }
                Ok(None)
            }
            PduType::C2HTermReq => {
                spdk_log::errlog!(
                    "NVMe/TCP qid {}: the controller ended the connection (termination request fes {:#x}, fei {:#x})",
                    self.qid,
                    le16(h, 8),
                    le32(h, 10)
                );
                Err(Failure::Io(libc::ECONNRESET))
            }
            _ => Err(Failure::Proto {
                fes: Fes::PduSequenceError,
                fei: 0,
            }),
        }
    }

    fn active_slot(&self, cid: u16) -> Option<usize> {
        self.slot_index(cid).filter(|&i| self.slots[i].active)
    }

    /// Runs one command of the connection itself (Connect, Property
    /// Get/Set, or a synchronous admin command before the core exists)
    /// with `data` as its buffer, waiting up to the connection's timeout.
    /// Completions of other commands that arrive meanwhile are kept for the
    /// next [`Conn::process`]. A timeout fails the connection.
    pub fn exec_sync(&mut self, cmd: Cmd, data: Option<&mut [u8]>) -> Result<Cpl, i32> {
        if self.failed.is_some() {
            return Err(-libc::ENXIO);
        }
        let idx = self.slots.len() - 1;
        if self.slots[idx].active {
            return Err(-libc::EBUSY);
        }
        let mut req = Request::empty();
        req.cmd = cmd;
        req.cmd.cid = self.internal_cid;
        if let Some(d) = data {
            req.payload = Payload::Contig {
                buf: d.as_mut_ptr(),
                md: ptr::null_mut(),
            };
            req.payload_size = u32::try_from(d.len()).map_err(|_| -libc::EINVAL)?;
        }
        let deadline = Instant::now() + self.timeout;
        self.internal_done = None;
        loop {
            match self.submit_at(idx, &mut req) {
                Ok(()) => break,
                Err(Ok(_)) => self.wait_step(deadline)?,
                Err(Err(e)) => return Err(e),
            }
        }
        let r = loop {
            if let Some(c) = self.internal_done.take() {
                break Ok(c);
            }
            if let Err(e) = self.wait_step(deadline) {
                break Err(e);
            }
        };
        // The slot must not keep a pointer to `req` past this frame.
        if self.slots[idx].active {
            self.fail(Failure::Io(libc::ETIMEDOUT));
        }
        r
    }

    /// Polls once with completions stashed, then waits for the socket.
    fn wait_step(&mut self, deadline: Instant) -> Result<(), i32> {
        self.stashing = true;
        let r = self.process(0, &mut |_| {});
        self.stashing = false;
        r?;
        if self.internal_done.is_some() {
            return Ok(());
        }
        let now = Instant::now();
        if now >= deadline {
            spdk_log::errlog!("NVMe/TCP qid {}: command timed out", self.qid);
            self.fail(Failure::Io(libc::ETIMEDOUT));
            return Err(-libc::ETIMEDOUT);
        }
        let ms = (deadline - now).as_millis().clamp(1, 100) as i32;
        let mut p = libc::pollfd {
            fd: self.sock.as_raw_fd(),
            events: libc::POLLIN
                | if self.tx.pending() > 0 {
                    libc::POLLOUT
                } else {
                    0
                },
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        unsafe { libc::poll(&mut p, 1, ms) };
        Ok(())
    }
}

/// Reads one PDU (the ICResp or a termination request) with blocking
/// reads, never past its end.
fn read_one_pdu(sock: &mut TcpStream) -> Result<Pdu, i32> {
    // A read timeout is a timeout, not "try again".
    let errno = |e: std::io::Error| match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => libc::ETIMEDOUT,
        _ => errno_of(&e),
    };
    let mut r = PduReader::new(Role::Host, 0);
    let mut ch = [0u8; CH_LEN];
    sock.read_exact(&mut ch).map_err(errno)?;
    match r.push(&ch) {
        Ok((_, Some(p))) => return Ok(p),
        Ok(_) => {}
        Err(_) => return Err(libc::EPROTO),
    }
    let plen = CommonHeader::parse(&ch).plen as usize;
    // The reader accepted the header, so plen is small (<= 152).
    let mut rest = vec![0u8; plen.saturating_sub(CH_LEN)];
    sock.read_exact(&mut rest).map_err(errno)?;
    match r.push(&rest) {
        Ok((_, Some(p))) => Ok(p),
        _ => Err(libc::EPROTO),
    }
}
