//! The NVMe/TCP controller: where it is, who the host is, its admin
//! connection (fabrics Connect with the keep-alive timeout), registers as
//! Property Get/Set on it, and I/O queues as new connections.

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Mutex, TryLockError};
use std::time::{Duration, Instant};

use super::conn::{Conn, ConnParams};
use super::fabric;
use super::qpair::TcpQpair;
use crate::spec::cmd::{Cmd, Cpl};
use crate::spec::ctrlr::CtrlrData;
use crate::spec::regs::{Cap, Cc, Csts};
use crate::spec::Pod;
use crate::transport::{CtrlrTransport, QpairOpts};

/// Register offsets (`struct spdk_nvme_registers`).
pub mod reg {
    pub const CAP: u32 = 0x00;
    pub const VS: u32 = 0x08;
    pub const CC: u32 = 0x14;
    pub const CSTS: u32 = 0x1c;
}

/// SGL elements one command may use (SPDK's NVMe/TCP limit).
pub const MAX_SGES: u16 = 16;

/// How to reach a controller and who the host is.
#[derive(Clone, Debug)]
pub struct TcpCtrlrOpts {
    /// Transport address and service (host name or IP, port).
    pub traddr: String,
    pub trsvcid: String,
    /// Local address to connect from (host ID), if any.
    pub src: Option<SocketAddr>,
    /// SO_PRIORITY of the connections (0: unset).
    pub priority: i32,
    pub subnqn: String,
    pub hostnqn: String,
    pub hostid: [u8; 16],
    /// Keep alive timeout sent in the admin Connect, ms (0: none).
    pub kato_ms: u32,
    pub hdgst: bool,
    pub ddgst: bool,
    /// Connection setup and synchronous command (Connect, Property
    /// Get/Set) timeout.
    pub timeout: Duration,
    /// The TCP connect alone (spdk_nvme_transport_opts'
    /// tcp_connect_timeout_ms); None: `timeout`.
    pub connect_timeout: Option<Duration>,
    /// Admin commands are identified by CIDs below this.
    pub admin_cids: u16,
}

impl TcpCtrlrOpts {
    /// Defaults as SPDK's: a random host ID and the UUID host NQN made from
    /// it, 10 s keep alive, no digests.
    pub fn new(traddr: &str, trsvcid: &str, subnqn: &str) -> TcpCtrlrOpts {
        let hostid = spdk_util::uuid::generate_random();
        let u = spdk_util::uuid::format_lower(&hostid);
        let hostnqn = format!(
            "nqn.2014-08.org.nvmexpress:uuid:{}",
            String::from_utf8_lossy(&u).trim_end_matches('\0')
        );
        TcpCtrlrOpts {
            traddr: traddr.to_string(),
            trsvcid: trsvcid.to_string(),
            src: None,
            priority: 0,
            subnqn: subnqn.to_string(),
            hostnqn,
            hostid,
            kato_ms: 10_000,
            hdgst: false,
            ddgst: false,
            timeout: Duration::from_secs(10),
            connect_timeout: None,
            admin_cids: 64,
        }
    }
}

/// A controller reached over NVMe/TCP.
pub struct TcpCtrlr {
    opts: TcpCtrlrOpts,
    addrs: Vec<SocketAddr>,
    admin: Option<Arc<Mutex<Conn>>>,
    cntlid: u16,
    /// In-capsule data an I/O command may carry (IOCCSZ minus the SQE).
    ioccsz_bytes: u32,
}

impl TcpCtrlr {
    /// Resolves the address; connects nothing yet.
    pub fn new(opts: TcpCtrlrOpts) -> Result<TcpCtrlr, i32> {
        let port: u16 = opts.trsvcid.trim().parse().map_err(|_| -libc::EINVAL)?;
        let addrs: Vec<SocketAddr> = (opts.traddr.trim(), port)
            .to_socket_addrs()
            .map_err(|e| {
                spdk_log::errlog!("NVMe/TCP: cannot resolve {}: {}", opts.traddr, e);
                -libc::EINVAL
            })?
            .collect();
        if addrs.is_empty() {
            return Err(-libc::EINVAL);
        }
        Ok(TcpCtrlr {
            opts,
            addrs,
            admin: None,
            cntlid: 0,
            ioccsz_bytes: 0,
        })
    }

    pub fn opts(&self) -> &TcpCtrlrOpts {
        &self.opts
    }

    /// Points the controller at another address (failover to another
    /// path of the same subsystem): the connections made from now on go
    /// there. Err (nothing changed) when the address does not resolve.
    pub fn retarget(&mut self, traddr: &str, trsvcid: &str) -> Result<(), i32> {
        let mut o = self.opts.clone();
        o.traddr = traddr.to_string();
        o.trsvcid = trsvcid.to_string();
        let mut t = TcpCtrlr::new(o)?;
        std::mem::swap(&mut self.opts, &mut t.opts);
        std::mem::swap(&mut self.addrs, &mut t.addrs);
        Ok(())
    }

    /// The controller ID the admin Connect returned.
    pub fn cntlid(&self) -> u16 {
        self.cntlid
    }

    /// Takes IOCCSZ from identify controller data (16-byte units): how
    /// much write data later I/O queues put inside the capsule.
    pub fn set_ioccsz(&mut self, ioccsz: u32) {
        self.ioccsz_bytes = ioccsz.saturating_mul(16).saturating_sub(64);
    }

    /// How often the core should send Keep Alive (half the timeout, as
    /// SPDK), or None without keep alive.
    pub fn keep_alive_interval(&self) -> Option<Duration> {
        (self.opts.kato_ms != 0).then(|| Duration::from_millis(u64::from(self.opts.kato_ms) / 2))
    }

    /// Opens a connection for queue `qid` and sends its Connect.
    fn connect_queue(
        &mut self,
        qid: u16,
        entries: u32,
        cids: u16,
        delay: bool,
    ) -> Result<Conn, i32> {
        let mut conn = Conn::connect(&ConnParams {
            addrs: self.addrs.clone(),
            src: self.opts.src,
            priority: self.opts.priority,
            qid,
            hdgst: self.opts.hdgst,
            ddgst: self.opts.ddgst,
            cids,
            in_capsule_max: self.ioccsz_bytes,
            delay_cmd_submit: delay,
            timeout: self.opts.timeout,
            connect_timeout: self.opts.connect_timeout.unwrap_or(self.opts.timeout),
        })
        .inspect_err(|&e| {
            spdk_log::errlog!(
                "NVMe/TCP: connecting queue {} to {}:{} failed: {}",
                qid,
                self.opts.traddr,
                self.opts.trsvcid,
                std::io::Error::from_raw_os_error(-e)
            );
        })?;
        let cntlid = if qid == 0 {
            fabric::CNTLID_DYNAMIC
        } else {
            self.cntlid
        };
        let (cmd, mut data) = fabric::connect(
            qid,
            entries,
            self.opts.kato_ms,
            cntlid,
            &self.opts.hostid,
            &self.opts.subnqn,
            &self.opts.hostnqn,
        )?;
        let cpl = conn.exec_sync(cmd, Some(data.as_bytes_mut()))?;
        if cpl.is_error() {
            spdk_log::errlog!(
                "NVMe/TCP: Connect of queue {} to {} refused: sct {:#x} sc {:#x} (cdw0 {:#x})",
                qid,
                self.opts.subnqn,
                cpl.status.sct(),
                cpl.status.sc(),
                cpl.cdw0
            );
            return Err(-libc::EIO);
        }
        if qid == 0 {
            self.cntlid = (cpl.cdw0 & 0xffff) as u16;
        }
        Ok(conn)
    }

    /// Runs `cmd` on the admin queue and waits for it; -EIO when the
    /// controller fails it.
    pub fn admin_sync(&mut self, cmd: Cmd, data: Option<&mut [u8]>) -> Result<Cpl, i32> {
        let m = self.admin.as_ref().ok_or(-libc::ENOTCONN)?;
        let cpl = match m.try_lock() {
            Ok(mut c) => c.exec_sync(cmd, data),
            Err(TryLockError::Poisoned(p)) => p.into_inner().exec_sync(cmd, data),
            Err(TryLockError::WouldBlock) => Err(-libc::EBUSY),
        }?;
        if cpl.is_error() {
            return Err(-libc::EIO);
        }
        Ok(cpl)
    }

    /// Enables the controller (CC.EN with 64/16-byte queue entries) and
    /// waits for CSTS.RDY up to CAP.TO: what the core's init does, for
    /// discovery and the tests that run without it.
    pub fn enable(&mut self) -> Result<(), i32> {
        let cap = Cap(self.read_reg_8(reg::CAP)?);
        let cc = Cc(0).with_en(1).with_iosqes(6).with_iocqes(4);
        self.write_reg_4(reg::CC, cc.0)?;
        let deadline = Instant::now() + Duration::from_millis(500 * cap.to().max(1));
        loop {
            let csts = Csts(self.read_reg_4(reg::CSTS)?);
            if csts.rdy() == 1 {
                return Ok(());
            }
            if csts.cfs() == 1 || Instant::now() >= deadline {
                return Err(-libc::ETIMEDOUT);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Identify Controller, synchronously.
    pub fn identify_ctrlr(&mut self) -> Result<Box<CtrlrData>, i32> {
        let mut cd: Box<CtrlrData> = Box::new(Pod::zeroed());
        let mut cmd = Cmd::new(0x06, 0);
        cmd.cdw10 = 1;
        self.admin_sync(cmd, Some(cd.as_bytes_mut()))?;
        Ok(cd)
    }

    /// Get Log Page `lid` at byte `offset` into `buf`, synchronously.
    pub fn get_log_page(
        &mut self,
        lid: u8,
        nsid: u32,
        offset: u64,
        buf: &mut [u8],
    ) -> Result<(), i32> {
        if buf.is_empty() || !buf.len().is_multiple_of(4) || !offset.is_multiple_of(4) {
            return Err(-libc::EINVAL);
        }
        let numd = (buf.len() / 4 - 1) as u32;
        let mut cmd = Cmd::new(0x02, nsid);
        cmd.cdw10 = u32::from(lid) | ((numd & 0xffff) << 16);
        cmd.cdw11 = numd >> 16;
        cmd.cdw12 = offset as u32;
        cmd.cdw13 = (offset >> 32) as u32;
        self.admin_sync(cmd, Some(buf)).map(|_| ())
    }

    fn prop(&mut self, cmd: Cmd) -> Result<Cpl, i32> {
        self.admin_sync(cmd, None)
    }

    /// Closes the admin connection.
    pub fn destruct(&mut self) {
        if let Some(m) = self.admin.take() {
            match m.try_lock() {
                Ok(mut c) => c.close(),
                Err(TryLockError::Poisoned(p)) => p.into_inner().close(),
                // In use further up: it closes when its last user drops it.
                Err(TryLockError::WouldBlock) => {}
            }
        }
    }
}

impl Drop for TcpCtrlr {
    fn drop(&mut self) {
        self.destruct();
    }
}

impl CtrlrTransport for TcpCtrlr {
    type Qpair = TcpQpair;

    fn read_reg_4(&mut self, offset: u32) -> Result<u32, i32> {
        Ok(self.prop(fabric::prop_get(offset, false))?.cdw0)
    }

    fn read_reg_8(&mut self, offset: u32) -> Result<u64, i32> {
        let c = self.prop(fabric::prop_get(offset, true))?;
        Ok(u64::from(c.cdw0) | (u64::from(c.cdw1) << 32))
    }

    fn write_reg_4(&mut self, offset: u32, value: u32) -> Result<(), i32> {
        self.prop(fabric::prop_set(offset, u64::from(value), false))
            .map(|_| ())
    }

    fn write_reg_8(&mut self, offset: u32, value: u64) -> Result<(), i32> {
        self.prop(fabric::prop_set(offset, value, true)).map(|_| ())
    }

    fn max_xfer_size(&self) -> u32 {
        // TCP itself has no limit; MDTS applies.
        u32::MAX
    }

    fn max_sges(&self) -> u16 {
        MAX_SGES
    }

    fn create_admin_qpair(&mut self, entries: u32) -> Result<TcpQpair, i32> {
        let cids = self
            .opts
            .admin_cids
            .max(u16::try_from(entries).unwrap_or(u16::MAX - 1));
        // After a reset: the old association ends with its connection.
        self.destruct();
        let conn = self.connect_queue(0, entries, cids, false)?;
        let m = Arc::new(Mutex::new(conn));
        self.admin = Some(m.clone());
        Ok(TcpQpair::shared(m, 0))
    }

    fn create_io_qpair(
        &mut self,
        _admin: &mut TcpQpair,
        qid: u16,
        opts: &QpairOpts,
    ) -> Result<TcpQpair, i32> {
        if qid == 0 {
            return Err(-libc::EINVAL);
        }
        let cids = opts
            .io_queue_requests
            .max(opts.io_queue_size)
            .min(u32::from(u16::MAX - 1)) as u16;
        let conn = self.connect_queue(qid, opts.io_queue_size, cids, opts.delay_cmd_submit)?;
        Ok(TcpQpair::own(conn))
    }

    fn delete_io_qpair(&mut self, _admin: &mut TcpQpair, mut qpair: TcpQpair) -> Result<(), i32> {
        qpair.disconnect();
        Ok(())
    }
}
