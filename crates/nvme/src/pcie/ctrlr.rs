//! A PCIe controller: its registers through BAR0 (MMIO), the admin queue
//! registers, I/O queue creation and deletion with admin commands, and
//! shadow doorbells (Doorbell Buffer Config) when the controller offers
//! them. The core drives the init state machine; this is the transport.

use std::ptr::NonNull;

use super::queue::{Doorbells, PcieQpair, QueueConfig, Shadow};
use super::vfio::PciFunction;
use crate::spec::cmd::{Cmd, Cpl};
use crate::spec::ctrlr::{CdataOacs, CtrlrData};
use crate::spec::regs::{Aqa, Cap};
use crate::transport::{CtrlrTransport, QpairOpts, QpairTransport as _};
use spdk_env::pci::device::PciDevice;

/// Register offsets (`struct spdk_nvme_registers`).
pub const REG_CAP: u32 = 0x00;
pub const REG_VS: u32 = 0x08;
pub const REG_CC: u32 = 0x14;
pub const REG_CSTS: u32 = 0x1c;
pub const REG_AQA: u32 = 0x24;
pub const REG_ASQ: u32 = 0x28;
pub const REG_ACQ: u32 = 0x30;
/// The first doorbell.
const DOORBELL_BASE: u64 = 0x1000;

/// Admin opcodes this transport sends itself.
const OPC_DELETE_IO_SQ: u8 = 0x00;
const OPC_CREATE_IO_SQ: u8 = 0x01;
const OPC_DELETE_IO_CQ: u8 = 0x04;
const OPC_CREATE_IO_CQ: u8 = 0x05;
const OPC_DOORBELL_BUFFER_CONFIG: u8 = 0x7c;

/// SPDK's PRP list length per request (`NVME_MAX_PRP_LIST_ENTRIES`): with
/// 4 KiB pages, transfers up to 2012 KiB before MDTS.
pub const MAX_PRP_LIST_ENTRIES: u32 = 503;

/// Transport options of a PCIe controller.
#[derive(Clone, Copy, Debug)]
pub struct PcieOpts {
    /// Largest transfer of one command before MDTS (0: SPDK's,
    /// `MAX_PRP_LIST_ENTRIES` pages). Larger values chain PRP list pages.
    pub max_xfer: u32,
    /// How long the transport's own admin commands (queue creation) may
    /// take.
    pub admin_timeout_us: u64,
}

impl Default for PcieOpts {
    fn default() -> Self {
        PcieOpts {
            max_xfer: 0,
            admin_timeout_us: 30_000_000,
        }
    }
}

/// The shadow doorbell and event index pages (one memory page each).
struct DbBuf {
    shadow: NonNull<u8>,
    eventidx: NonNull<u8>,
    shadow_iova: u64,
    eventidx_iova: u64,
}

impl Drop for DbBuf {
    fn drop(&mut self) {
        spdk_env::memory::dma_free(self.shadow);
        spdk_env::memory::dma_free(self.eventidx);
    }
}

/// A controller behind VFIO.
pub struct PcieCtrlr {
    regs: NonNull<u8>,
    bar_len: u64,
    cap: Cap,
    /// Bytes from one doorbell to the next (4 << CAP.DSTRD).
    db_stride: u64,
    page_size: u32,
    max_xfer: u32,
    sgl: bool,
    sgl_dword_aligned: bool,
    dbbuf: Option<DbBuf>,
    /// The controller took the shadow doorbell pages (since its last reset).
    shadow_on: bool,
    timeout_us: u64,
    // Last: the registers stay mapped until everything above is gone.
    func: PciFunction,
}

// SAFETY: the register mapping is owned through `func`; one user at a time.
unsafe impl Send for PcieCtrlr {}

fn status_err(what: &str, qid: u16, cpl: &Cpl) -> i32 {
    spdk_log::errlog!(
        "{what} (qid {qid}) failed: sct {:#x} sc {:#x}",
        cpl.status.sct(),
        cpl.status.sc()
    );
    -libc::EIO
}

impl PcieCtrlr {
    /// A controller on `func`: reads CAP for the doorbell stride and the
    /// memory page size (the smallest the controller takes, 4 KiB on
    /// every known one).
    pub fn new(func: PciFunction, opts: &PcieOpts) -> Result<PcieCtrlr, i32> {
        let (regs, bar_len) = func.bar0();
        if bar_len < DOORBELL_BASE + 8 {
            spdk_log::errlog!("BAR0 of {bar_len} bytes is too small for an NVMe controller");
            return Err(-libc::EINVAL);
        }
        let mut c = PcieCtrlr {
            regs,
            bar_len,
            cap: Cap(0),
            db_stride: 4,
            page_size: 4096,
            max_xfer: 0,
            sgl: false,
            sgl_dword_aligned: false,
            dbbuf: None,
            shadow_on: false,
            timeout_us: opts.admin_timeout_us.max(1000),
            func,
        };
        let cap = Cap(c.read_reg_8(REG_CAP)?);
        if cap.0 == u64::MAX {
            spdk_log::errlog!(
                "controller registers read all ones: the device is gone or not responding"
            );
            return Err(-libc::ENODEV);
        }
        c.cap = cap;
        c.db_stride = 4u64 << cap.dstrd();
        c.page_size = 4096u32 << cap.mpsmin();
        c.max_xfer = if opts.max_xfer == 0 {
            MAX_PRP_LIST_ENTRIES * c.page_size
        } else {
            opts.max_xfer.max(c.page_size)
        };
        Ok(c)
    }

    pub fn cap(&self) -> Cap {
        self.cap
    }

    /// The memory page size to program into CC.MPS.
    /// The mapped register space (BAR0), for `spdk_nvme_ctrlr_get_registers`.
    pub fn registers(&self) -> *mut u8 {
        self.regs.as_ptr()
    }

    pub fn page_size(&self) -> u32 {
        self.page_size
    }

    /// The PCI device (`spdk_nvme_ctrlr_get_pci_device`).
    pub fn pci_device(&self) -> PciDevice {
        self.func.device()
    }
    /// Describes I/O data with SGLs (from identify: SGLS supported) instead
    /// of PRPs, for queue pairs created afterwards.
    pub fn set_sgl(&mut self, supported: bool, dword_aligned: bool) {
        self.sgl = supported;
        self.sgl_dword_aligned = dword_aligned;
    }

    /// What identify told: like SPDK, I/O queue pairs describe data with
    /// SGLs when the controller supports them (the admin queue keeps PRPs).
    pub fn identified(&mut self, cdata: &CtrlrData) {
        let s = { cdata.sgls }.supported();
        self.set_sgl(s != 0, s == 2);
    }

    /// Whether queue pairs created now use shadow doorbells.
    pub fn has_shadow_doorbells(&self) -> bool {
        self.shadow_on
    }

    fn check(&self, offset: u32, len: u64) -> Result<*mut u8, i32> {
        if !(offset as u64).is_multiple_of(len) || offset as u64 + len > self.bar_len {
            return Err(-libc::EINVAL);
        }
        // SAFETY: inside the BAR mapping.
        Ok(unsafe { self.regs.as_ptr().add(offset as usize) })
    }

    /// The doorbells of queue `qid`.
    pub fn doorbells(&self, qid: u16) -> Result<Doorbells, i32> {
        let sq = DOORBELL_BASE + 2 * qid as u64 * self.db_stride;
        let cq = sq + self.db_stride;
        if cq + 4 > self.bar_len {
            spdk_log::errlog!("queue {qid}: its doorbells lie beyond BAR0");
            return Err(-libc::EINVAL);
        }
        // SAFETY: both inside the BAR mapping.
        unsafe {
            Ok(Doorbells {
                sq_tdbl: self.regs.as_ptr().add(sq as usize).cast(),
                cq_hdbl: self.regs.as_ptr().add(cq as usize).cast(),
            })
        }
    }

    /// The transport's own admin command, waited for.
    fn admin(&self, admin: &mut PcieQpair, cmd: Cmd, what: &str, qid: u16) -> Result<Cpl, i32> {
        let cpl = admin
            .exec_internal(cmd, &mut || (), self.timeout_us)
            .inspect_err(|e| {
                spdk_log::errlog!("{what} (qid {qid}) got no completion ({e})");
            })?;
        if cpl.status.sc() != 0 || cpl.status.sct() != 0 {
            return Err(status_err(what, qid, &cpl));
        }
        Ok(cpl)
    }

    /// Sends Doorbell Buffer Config when the controller offers it (OACS
    /// bit 8), so that I/O queue pairs created afterwards write their
    /// doorbells to memory and MMIO only when the controller's event
    /// index asks for it. The admin queue keeps MMIO doorbells, as SPDK's
    /// and Linux's drivers do. Ok(false) when not offered or refused.
    pub fn setup_shadow_doorbells(
        &mut self,
        admin: &mut PcieQpair,
        oacs: CdataOacs,
    ) -> Result<bool, i32> {
        self.shadow_on = false;
        if oacs.dbcs() == 0 {
            return Ok(false);
        }
        let page = self.page_size as usize;
        // After a reset the same pages serve again (queue pairs of before
        // may still point at them), cleared: the new queues start at 0.
        if let Some(b) = &self.dbbuf {
            // SAFETY: our two pages.
            unsafe {
                std::ptr::write_bytes(b.shadow.as_ptr(), 0, page);
                std::ptr::write_bytes(b.eventidx.as_ptr(), 0, page);
            }
            let (s, e) = (b.shadow_iova, b.eventidx_iova);
            return self.send_dbbuf_config(admin, s, e);
        }
        let alloc = || -> Result<(NonNull<u8>, u64), i32> {
            let p = spdk_env::memory::dma_alloc(page, page, -1).ok_or(-libc::ENOMEM)?;
            // SAFETY: a fresh block of one page.
            unsafe { std::ptr::write_bytes(p.as_ptr(), 0, page) };
            match spdk_env::init::vtophys(p.as_ptr() as u64, None) {
                Some(iova) => Ok((p, iova)),
                None => {
                    spdk_env::memory::dma_free(p);
                    Err(-libc::EFAULT)
                }
            }
        };
        let (shadow, shadow_iova) = alloc()?;
        let (eventidx, eventidx_iova) = match alloc() {
            Ok(v) => v,
            Err(e) => {
                spdk_env::memory::dma_free(shadow);
                return Err(e);
            }
        };
        self.dbbuf = Some(DbBuf {
            shadow,
            eventidx,
            shadow_iova,
            eventidx_iova,
        });
        self.send_dbbuf_config(admin, shadow_iova, eventidx_iova)
    }

    fn send_dbbuf_config(
        &mut self,
        admin: &mut PcieQpair,
        shadow: u64,
        eventidx: u64,
    ) -> Result<bool, i32> {
        let mut cmd = Cmd::new(OPC_DOORBELL_BUFFER_CONFIG, 0);
        cmd.dptr.prp1 = shadow;
        cmd.dptr.prp2 = eventidx;
        match self.admin(admin, cmd, "Doorbell Buffer Config", 0) {
            Ok(_) => {
                self.shadow_on = true;
                Ok(true)
            }
            // A controller may refuse it; the doorbells then stay MMIO.
            Err(e) if e == -libc::EIO => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The shadow slots of queue `qid`, when it has some.
    fn shadow(&self, qid: u16) -> Option<Shadow> {
        let b = self.dbbuf.as_ref().filter(|_| self.shadow_on)?;
        // Same layout as the doorbell registers.
        let sq = 2 * qid as u64 * self.db_stride;
        let cq = sq + self.db_stride;
        if cq + 4 > self.page_size as u64 {
            return None;
        }
        // SAFETY: inside the two pages.
        unsafe {
            Some(Shadow {
                sq_tdbl: b.shadow.as_ptr().add(sq as usize).cast(),
                cq_hdbl: b.shadow.as_ptr().add(cq as usize).cast(),
                sq_eventidx: b.eventidx.as_ptr().add(sq as usize).cast(),
                cq_eventidx: b.eventidx.as_ptr().add(cq as usize).cast(),
            })
        }
    }

    fn queue_config(&self, qid: u16, entries: u32, sgl: bool, delay: bool) -> QueueConfig {
        QueueConfig {
            qid,
            entries,
            page_size: self.page_size,
            max_xfer: self.max_xfer,
            sgl,
            sgl_dword_aligned: self.sgl_dword_aligned,
            delay_cmd_submit: delay,
        }
    }

    fn check_entries(&self, entries: u32) -> Result<(), i32> {
        let max = self.cap.mqes() as u32 + 1;
        if entries < 2 || entries > max {
            spdk_log::errlog!("queue size {entries} outside 2..={max} (CAP.MQES)");
            return Err(-libc::EINVAL);
        }
        Ok(())
    }
}

impl CtrlrTransport for PcieCtrlr {
    type Qpair = PcieQpair;

    fn read_reg_4(&mut self, offset: u32) -> Result<u32, i32> {
        let p = self.check(offset, 4)?;
        // SAFETY: an aligned register inside BAR0.
        Ok(unsafe { p.cast::<u32>().read_volatile() })
    }

    fn read_reg_8(&mut self, offset: u32) -> Result<u64, i32> {
        let p = self.check(offset, 8)?;
        // One 64-bit access, as SPDK's spdk_mmio_read_8.
        // SAFETY: an aligned register inside BAR0.
        Ok(unsafe { p.cast::<u64>().read_volatile() })
    }

    fn write_reg_4(&mut self, offset: u32, value: u32) -> Result<(), i32> {
        let p = self.check(offset, 4)?;
        // SAFETY: an aligned register inside BAR0.
        unsafe { p.cast::<u32>().write_volatile(value) };
        Ok(())
    }

    fn write_reg_8(&mut self, offset: u32, value: u64) -> Result<(), i32> {
        let p = self.check(offset, 8)?;
        // SAFETY: an aligned register inside BAR0.
        unsafe { p.cast::<u64>().write_volatile(value) };
        Ok(())
    }

    fn max_xfer_size(&self) -> u32 {
        self.max_xfer
    }

    fn max_sges(&self) -> u16 {
        let list = super::prp::list_bytes_for(self.max_xfer, self.page_size);
        (list / if self.sgl { 16 } else { 8 }).min(u16::MAX as u32) as u16
    }

    fn create_admin_qpair(&mut self, entries: u32) -> Result<PcieQpair, i32> {
        // AQA holds 12-bit sizes: at most 4096 entries.
        if !(2..=4096).contains(&entries) {
            return Err(-libc::EINVAL);
        }
        let db = self.doorbells(0)?;
        PcieQpair::new(&self.queue_config(0, entries, false, false), db)
    }

    fn enable(&mut self, admin: &mut PcieQpair) -> Result<(), i32> {
        let n = admin.entries() - 1;
        let aqa = Aqa::default().with_asqs(n).with_acqs(n);
        self.write_reg_4(REG_AQA, aqa.0)?;
        self.write_reg_8(REG_ASQ, admin.sq_iova())?;
        self.write_reg_8(REG_ACQ, admin.cq_iova())
    }

    fn create_io_qpair(
        &mut self,
        admin: &mut PcieQpair,
        qid: u16,
        opts: &QpairOpts,
    ) -> Result<PcieQpair, i32> {
        if qid == 0 {
            return Err(-libc::EINVAL);
        }
        self.check_entries(opts.io_queue_size)?;
        let db = self.doorbells(qid)?;
        let cfg = self.queue_config(qid, opts.io_queue_size, self.sgl, opts.delay_cmd_submit);
        let mut q = PcieQpair::new(&cfg, db)?;
        let qsize = opts.io_queue_size - 1;
        // Physically contiguous, interrupts off: the driver polls.
        let mut cq = Cmd::new(OPC_CREATE_IO_CQ, 0);
        cq.cdw10 = (qsize << 16) | qid as u32;
        cq.cdw11 = 1;
        cq.dptr.prp1 = q.cq_iova();
        self.admin(admin, cq, "Create I/O CQ", qid)?;
        let mut sq = Cmd::new(OPC_CREATE_IO_SQ, 0);
        sq.cdw10 = (qsize << 16) | qid as u32;
        sq.cdw11 = ((qid as u32) << 16) | ((opts.qprio & 3) << 1) | 1;
        sq.dptr.prp1 = q.sq_iova();
        if let Err(e) = self.admin(admin, sq, "Create I/O SQ", qid) {
            let mut del = Cmd::new(OPC_DELETE_IO_CQ, 0);
            del.cdw10 = qid as u32;
            let _ = self.admin(admin, del, "Delete I/O CQ", qid);
            return Err(e);
        }
        if let Some(s) = self.shadow(qid) {
            // SAFETY: slots of the shadow pages, which live as long as
            // `self` (a reset replaces them only after the pairs are gone).
            unsafe { q.set_shadow(s) };
        }
        Ok(q)
    }

    fn delete_io_qpair(&mut self, admin: &mut PcieQpair, qpair: PcieQpair) -> Result<(), i32> {
        let qid = qpair.qid();
        let mut sq = Cmd::new(OPC_DELETE_IO_SQ, 0);
        sq.cdw10 = qid as u32;
        let r = self.admin(admin, sq, "Delete I/O SQ", qid);
        let mut cq = Cmd::new(OPC_DELETE_IO_CQ, 0);
        cq.cdw10 = qid as u32;
        let r2 = self.admin(admin, cq, "Delete I/O CQ", qid);
        // The rings are freed only now, once the controller let go of them.
        drop(qpair);
        r.and(r2).map(|_| ())
    }
}
