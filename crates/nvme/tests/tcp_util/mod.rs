//! A minimal stand-in for the driver core over one TCP queue pair: a
//! fixed pool of requests indexed by CID, read/write commands, waiting for
//! completions. Used by the tests, the benchmark and the lab smoke test.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use spdk_nvme::request::{Payload, Request};
use spdk_nvme::spec::cmd::{Cmd, Cpl};
use spdk_nvme::tcp::TcpQpair;
use spdk_nvme::transport::QpairTransport;

pub struct Io {
    pub q: TcpQpair,
    pub reqs: Box<[Request]>,
    pub busy: Box<[bool]>,
    pub cpls: Box<[Option<Cpl>]>,
    pub completed: u64,
    /// log2 of the namespace's block size.
    pub block_shift: u32,
}

impl Io {
    pub fn new(q: TcpQpair, n: usize) -> Io {
        Io {
            q,
            reqs: (0..n).map(|_| Request::empty()).collect(),
            busy: vec![false; n].into_boxed_slice(),
            cpls: vec![None; n].into_boxed_slice(),
            completed: 0,
            block_shift: 9,
        }
    }

    /// Submits a read (opc 2) or write (opc 1) of `len` bytes (whole
    /// blocks) at `lba` to/from `buf` with CID `cid`.
    pub fn submit_rw(
        &mut self,
        cid: u16,
        write: bool,
        lba: u64,
        len: usize,
        buf: *mut u8,
    ) -> Result<(), i32> {
        let nlb = (len >> self.block_shift) as u32;
        let mut cmd = Cmd::new(if write { 1 } else { 2 }, 1);
        cmd.cdw10 = lba as u32;
        cmd.cdw11 = (lba >> 32) as u32;
        cmd.cdw12 = nlb - 1;
        let payload = Payload::Contig {
            buf,
            md: std::ptr::null_mut(),
        };
        self.submit_cmd(cid, cmd, payload, len as u32)
    }

    pub fn submit_cmd(
        &mut self,
        cid: u16,
        mut cmd: Cmd,
        payload: Payload,
        size: u32,
    ) -> Result<(), i32> {
        let i = cid as usize;
        assert!(!self.busy[i]);
        cmd.cid = cid;
        let r = &mut self.reqs[i];
        r.cmd = cmd;
        r.payload = payload;
        r.payload_size = size;
        r.payload_offset = 0;
        self.cpls[i] = None;
        match self.q.submit(r) {
            Ok(()) => {
                self.busy[i] = true;
                Ok(())
            }
            Err(Ok(_)) => Err(-libc::EAGAIN),
            Err(Err(e)) => Err(e),
        }
    }

    /// Reaps what is there; Err when the queue pair failed.
    pub fn poll(&mut self) -> Result<u32, i32> {
        let busy = &mut self.busy;
        let cpls = &mut self.cpls;
        let mut n = 0u32;
        let r = self.q.process_completions(0, &mut |c: &Cpl| {
            let i = c.cid as usize;
            assert!(busy[i], "completion for CID {} not in flight", c.cid);
            busy[i] = false;
            cpls[i] = Some(*c);
            n += 1;
        });
        self.completed += u64::from(n);
        r
    }

    /// Waits for `cid` (up to 10 s).
    pub fn wait(&mut self, cid: u16) -> Result<Cpl, i32> {
        let end = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(c) = self.cpls[cid as usize].take() {
                return Ok(c);
            }
            if let Err(e) = self.poll() {
                // A poll may complete commands and then find the
                // connection gone (as SPDK, it reports the failure).
                return self.cpls[cid as usize].take().ok_or(e);
            }
            if Instant::now() > end {
                return Err(-libc::ETIMEDOUT);
            }
        }
    }

    pub fn rw(&mut self, write: bool, lba: u64, buf: &mut [u8]) -> Result<Cpl, i32> {
        self.submit_rw(0, write, lba, buf.len(), buf.as_mut_ptr())?;
        self.wait(0)
    }
}

/// A recognisable pattern for block `lba` and seed.
pub fn pattern(buf: &mut [u8], lba: u64, seed: u8) {
    for (i, b) in buf.iter_mut().enumerate() {
        *b = (i as u64 / 7 + lba * 13 + u64::from(seed)) as u8 ^ (i as u8);
    }
}
