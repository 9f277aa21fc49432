//! The host side of the model: the transport interfaces over the model's
//! registers, with the real PCIe queue pairs.

use std::cell::RefCell;
use std::ptr::NonNull;
use std::rc::Rc;

use super::device::*;
use crate::pcie::queue::Shadow;
use crate::pcie::{Doorbells, PcieQpair, QueueConfig};
use crate::request::Request;
use crate::spec::cmd::{cdw10, cdw11, Cmd, Cpl};
use crate::transport::{CtrlrTransport, QpairOpts, QpairTransport, QueueFull};

/// The model as a controller transport.
pub struct ModelCtrlr {
    dev: Rc<RefCell<Device>>,
    regs: *mut u32,
    reg_len: u32,
    /// Shadow doorbell and event index pages, once configured.
    dbbuf: Option<(NonNull<u8>, NonNull<u8>)>,
}

/// A PCIe queue pair on the model; polling it lets the device run first
/// (unless auto-step is off).
pub struct ModelQpair {
    pub q: PcieQpair,
    dev: Rc<RefCell<Device>>,
}

impl ModelCtrlr {
    pub(super) fn new(dev: Rc<RefCell<Device>>) -> ModelCtrlr {
        let (regs, reg_len) = {
            let mut d = dev.borrow_mut();
            (d.regs_ptr(), d.reg_len())
        };
        ModelCtrlr {
            dev,
            regs,
            reg_len,
            dbbuf: None,
        }
    }

    fn doorbells(&self, qid: u16) -> Doorbells {
        // SAFETY: qid is below the model's queue count (checked by callers);
        // the register memory lives as long as the device.
        unsafe {
            Doorbells {
                sq_tdbl: self.regs.add((DOORBELLS / 4) as usize + 2 * qid as usize),
                cq_hdbl: self
                    .regs
                    .add((DOORBELLS / 4) as usize + 2 * qid as usize + 1),
            }
        }
    }

    fn config(&self, qid: u16, entries: u32, delay: bool) -> QueueConfig {
        let d = self.dev.borrow();
        QueueConfig {
            qid,
            entries,
            page_size: 4096,
            max_xfer: d.cfg.max_xfer,
            sgl: qid > 0 && d.cfg.sgl != 0,
            sgl_dword_aligned: d.cfg.sgl == 2,
            delay_cmd_submit: delay,
        }
    }

    /// Runs an admin command of the transport's own, playing the device
    /// while it waits.
    fn exec(&self, admin: &mut ModelQpair, cmd: Cmd) -> Result<Cpl, i32> {
        let timeout = self.dev.borrow().cfg.internal_timeout_us;
        let dev = self.dev.clone();
        let cpl = admin.q.exec_internal(
            cmd,
            &mut || {
                dev.borrow_mut().step();
            },
            timeout,
        )?;
        if cpl.is_error() {
            spdk_log::errlog!(
                "admin command {:#x} failed: sct {:#x} sc {:#x}",
                cmd.opc(),
                cpl.status.sct(),
                cpl.status.sc()
            );
            return Err(-libc::EIO);
        }
        Ok(cpl)
    }

    /// Sets up the shadow doorbell buffers on first use.
    fn shadow_for(&mut self, admin: &mut ModelQpair, qid: u16) -> Result<Option<Shadow>, i32> {
        if !self.dev.borrow().cfg.shadow_doorbells {
            return Ok(None);
        }
        if self.dbbuf.is_none() {
            let a = spdk_env::memory::dma_alloc(4096, 4096, -1).ok_or(-libc::ENOMEM)?;
            let b = match spdk_env::memory::dma_alloc(4096, 4096, -1) {
                Some(b) => b,
                None => {
                    spdk_env::memory::dma_free(a);
                    return Err(-libc::ENOMEM);
                }
            };
            // SAFETY: fresh pages.
            unsafe {
                std::ptr::write_bytes(a.as_ptr(), 0, 4096);
                std::ptr::write_bytes(b.as_ptr(), 0, 4096);
            }
            let mut cmd = Cmd::new(0x7c, 0);
            cmd.dptr.prp1 = a.as_ptr() as u64;
            cmd.dptr.prp2 = b.as_ptr() as u64;
            if let Err(e) = self.exec(admin, cmd) {
                spdk_env::memory::dma_free(a);
                spdk_env::memory::dma_free(b);
                return Err(e);
            }
            self.dbbuf = Some((a, b));
        }
        let Some((a, b)) = self.dbbuf else {
            return Ok(None);
        };
        let (a, b): (*mut u32, *mut u32) = (a.as_ptr().cast(), b.as_ptr().cast());
        let i = 2 * qid as usize;
        // SAFETY: qid < 512 keeps the slots in the pages (checked by the
        // caller against the model's queue count).
        Ok(Some(unsafe {
            Shadow {
                sq_tdbl: a.add(i),
                cq_hdbl: a.add(i + 1),
                sq_eventidx: b.add(i),
                cq_eventidx: b.add(i + 1),
            }
        }))
    }
}

impl Drop for ModelCtrlr {
    fn drop(&mut self) {
        if let Some((a, b)) = self.dbbuf.take() {
            spdk_env::memory::dma_free(a);
            spdk_env::memory::dma_free(b);
        }
    }
}

impl CtrlrTransport for ModelCtrlr {
    type Qpair = ModelQpair;

    fn read_reg_4(&mut self, offset: u32) -> Result<u32, i32> {
        if !offset.is_multiple_of(4) || offset + 4 > DOORBELLS {
            return Err(-libc::EINVAL);
        }
        let mut d = self.dev.borrow_mut();
        if offset == REG_CSTS {
            d.on_csts_read();
        }
        if offset == REG_BPINFO {
            d.on_bpinfo_read();
        }
        Ok(d.reg(offset))
    }

    fn read_reg_8(&mut self, offset: u32) -> Result<u64, i32> {
        if !offset.is_multiple_of(8) || offset + 8 > DOORBELLS {
            return Err(-libc::EINVAL);
        }
        Ok(self.dev.borrow().reg_8(offset))
    }

    fn write_reg_4(&mut self, offset: u32, value: u32) -> Result<(), i32> {
        if !offset.is_multiple_of(4) || offset + 4 > DOORBELLS {
            return Err(-libc::EINVAL);
        }
        let mut d = self.dev.borrow_mut();
        let old = d.reg(offset);
        d.set_reg(offset, value);
        d.on_reg_write(offset, old);
        Ok(())
    }

    fn write_reg_8(&mut self, offset: u32, value: u64) -> Result<(), i32> {
        if !offset.is_multiple_of(8) || offset + 8 > DOORBELLS {
            return Err(-libc::EINVAL);
        }
        self.dev.borrow_mut().set_reg_8(offset, value);
        Ok(())
    }

    fn max_xfer_size(&self) -> u32 {
        self.dev.borrow().cfg.max_xfer
    }

    fn max_sges(&self) -> u16 {
        let d = self.dev.borrow();
        let list = crate::pcie::prp::list_bytes_for(d.cfg.max_xfer, 4096);
        if d.cfg.sgl != 0 {
            (list / 16).min(u16::MAX as u32) as u16
        } else {
            (d.cfg.max_xfer / 4096 + 1).min(u16::MAX as u32) as u16
        }
    }

    fn create_admin_qpair(&mut self, entries: u32) -> Result<ModelQpair, i32> {
        let cfg = self.config(0, entries, false);
        let q = PcieQpair::new(&cfg, self.doorbells(0))?;
        // A new admin queue after a reset: the old shadow pages went with
        // the controller's state.
        if let Some((a, b)) = self.dbbuf.take() {
            spdk_env::memory::dma_free(a);
            spdk_env::memory::dma_free(b);
        }
        Ok(ModelQpair {
            q,
            dev: self.dev.clone(),
        })
    }

    fn enable(&mut self, admin: &mut ModelQpair) -> Result<(), i32> {
        let n = admin.q.entries() - 1;
        self.write_reg_4(REG_AQA, n | n << 16)?;
        self.write_reg_8(REG_ASQ, admin.q.sq_iova())?;
        self.write_reg_8(REG_ACQ, admin.q.cq_iova())
    }

    fn create_io_qpair(
        &mut self,
        admin: &mut ModelQpair,
        qid: u16,
        opts: &QpairOpts,
    ) -> Result<ModelQpair, i32> {
        if qid == 0 || (qid as u32 + 1) * 8 + DOORBELLS > self.reg_len {
            return Err(-libc::EINVAL);
        }
        let cfg = self.config(qid, opts.io_queue_size, opts.delay_cmd_submit);
        let mut q = PcieQpair::new(&cfg, self.doorbells(qid))?;
        let size = opts.io_queue_size - 1;
        let mut cmd = Cmd::new(0x05, 0);
        cmd.cdw10 = cdw10::CreateIoQ(0).with_qid(qid as u32).with_qsize(size).0;
        cmd.cdw11 = cdw11::CreateIoCq(0).with_pc(1).0;
        cmd.dptr.prp1 = q.cq_iova();
        self.exec(admin, cmd)?;
        let mut cmd = Cmd::new(0x01, 0);
        cmd.cdw10 = cdw10::CreateIoQ(0).with_qid(qid as u32).with_qsize(size).0;
        cmd.cdw11 = cdw11::CreateIoSq(0)
            .with_pc(1)
            .with_qprio(opts.qprio & 3)
            .with_cqid(qid as u32)
            .0;
        cmd.dptr.prp1 = q.sq_iova();
        if let Err(e) = self.exec(admin, cmd) {
            let mut del = Cmd::new(0x04, 0);
            del.cdw10 = qid as u32;
            let _ = self.exec(admin, del);
            return Err(e);
        }
        if let Some(s) = self.shadow_for(admin, qid)? {
            // SAFETY: slots in the shadow pages, which live until reset.
            unsafe { q.set_shadow(s) };
        }
        Ok(ModelQpair {
            q,
            dev: self.dev.clone(),
        })
    }

    fn delete_io_qpair(&mut self, admin: &mut ModelQpair, qpair: ModelQpair) -> Result<(), i32> {
        let qid = qpair.q.qid() as u32;
        let mut cmd = Cmd::new(0x00, 0);
        cmd.cdw10 = qid;
        let r = self.exec(admin, cmd);
        let mut cmd = Cmd::new(0x04, 0);
        cmd.cdw10 = qid;
        r.and(self.exec(admin, cmd)).map(|_| ())
    }
}

impl QpairTransport for ModelQpair {
    #[inline]
    fn submit(&mut self, req: &mut Request) -> Result<(), Result<QueueFull, i32>> {
        self.q.submit(req)
    }

    #[inline]
    fn flush(&mut self) {
        self.q.flush()
    }

    #[inline]
    fn process_completions(&mut self, max: u32, done: &mut dyn FnMut(&Cpl)) -> Result<u32, i32> {
        {
            let mut d = self.dev.borrow_mut();
            if d.auto_step {
                self.q.flush();
                d.step();
            }
        }
        self.q.process_completions(max, done)
    }

    #[inline]
    fn qid(&self) -> u16 {
        self.q.qid()
    }
}
