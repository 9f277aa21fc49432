//! Asymmetric Namespace Access: the ANA log page (log 0Ch) tells each
//! namespace's ANA group and that group's state. Read during
//! initialization when CMIC.ANARS is set (unless the options disable it)
//! and again on an ANA change notice, as SPDK does.

use std::ptr::NonNull;

use super::Ctrlr;
use crate::spec::cmd::{cdw10, cdw11, Cmd};
use crate::spec::log::{AnaGroupDescriptor, AnaPage};

/// Asymmetric Namespace Access log page identifier.
pub const LOG_ANA: u32 = 0x0c;
const HEADER: usize = size_of::<AnaPage>();
const DESC: usize = size_of::<AnaGroupDescriptor>();

/// DMA memory the ANA log page is read into; grows as SPDK's buffer does.
pub(crate) struct AnaBuf {
    p: NonNull<u8>,
    len: usize,
}

impl AnaBuf {
    fn new(len: usize) -> Result<AnaBuf, i32> {
        let p = spdk_env::memory::dma_alloc(len, 4096, -1).ok_or(-libc::ENOMEM)?;
        // SAFETY: a fresh allocation of len bytes.
        unsafe { std::ptr::write_bytes(p.as_ptr(), 0, len) };
        Ok(AnaBuf { p, len })
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: len bytes owned by self.
        unsafe { std::slice::from_raw_parts(self.p.as_ptr(), self.len) }
    }
}

impl Drop for AnaBuf {
    fn drop(&mut self) {
        spdk_env::memory::dma_free(self.p);
    }
}

/// Get Log Page ANA, `len` bytes from offset 0, all NSIDs.
pub(crate) fn ana_log_cmd(len: u32) -> Cmd {
    let numd = len / 4 - 1;
    let mut cmd = Cmd::new(super::admin::OPC_GET_LOG_PAGE, 0xffff_ffff);
    cmd.cdw10 = cdw10::GetLogPage(0)
        .with_lid(LOG_ANA)
        .with_numdl(numd & 0xffff)
        .0;
    cmd.cdw11 = cdw11::GetLogPage(0).with_numdu(numd >> 16).0;
    cmd
}

impl Ctrlr {
    /// The buffer for the ANA log page, sized as SPDK sizes it: the
    /// header, NANAGRPID group descriptors and one NSID per active
    /// namespace; reallocated only when that grows.
    pub(crate) fn ana_log_buf(&mut self) -> Result<(*mut u8, u32), i32> {
        let nanagrpid = { self.cdata.nanagrpid } as usize;
        let want = HEADER + nanagrpid * DESC + self.active_ns.len() * 4;
        // Get Log Page moves whole dwords.
        let want = want.next_multiple_of(4);
        if want > u32::MAX as usize {
            return Err(-libc::EINVAL);
        }
        if self.ana_log.as_ref().is_none_or(|b| b.len < want) {
            self.ana_log = Some(AnaBuf::new(want)?);
        }
        let b = self.ana_log.as_ref().ok_or(-libc::ENOMEM)?;
        Ok((b.p.as_ptr(), b.len as u32))
    }

    /// Reads the ANA log page now, polling (the driver's AER handling).
    pub(crate) fn update_ana_log_page(&mut self) -> Result<(), i32> {
        let (buf, len) = self.ana_log_buf()?;
        let cpl = self.admin_sync(ana_log_cmd(len), buf, len)?;
        if cpl.is_error() {
            return Err(-libc::EIO);
        }
        self.parse_ana_log();
        Ok(())
    }

    /// Takes each group descriptor of the log page just read: its
    /// NSIDs (those from 1 to NN) get its group ID and state. A
    /// descriptor running past the buffer ends the walk (SPDK trusts the
    /// controller here).
    pub(crate) fn parse_ana_log(&mut self) {
        let Some(b) = self.ana_log.as_ref() else {
            return;
        };
        let page = b.bytes();
        let rd32 = |o: usize| u32::from_le_bytes([page[o], page[o + 1], page[o + 2], page[o + 3]]);
        let ngroups = u16::from_le_bytes([page[8], page[9]]) as usize;
        let nn = { self.cdata.nn };
        let mut updates = Vec::new();
        let mut off = HEADER;
        for _ in 0..ngroups {
            if off + DESC > page.len() {
                break;
            }
            let grpid = rd32(off);
            let count = rd32(off + 4) as usize;
            let state = (page[off + 16] & 0x0f) as u32;
            let ids = off + DESC;
            let Some(end) = count.checked_mul(4).and_then(|n| n.checked_add(ids)) else {
                break;
            };
            if end > page.len() {
                spdk_log::errlog!("ANA group descriptor {} runs past the log page", grpid);
                break;
            }
            for i in 0..count {
                let nsid = rd32(ids + 4 * i);
                if nsid != 0 && nsid <= nn {
                    updates.push((nsid, grpid, state));
                }
            }
            off = end;
        }
        for (nsid, grpid, state) in updates {
            if let Some(ns) = self.get_ns(nsid) {
                // SAFETY: namespaces live as long as their controller.
                unsafe {
                    (*ns).ana_group_id = grpid;
                    (*ns).ana_state = state;
                }
            }
        }
    }
}
