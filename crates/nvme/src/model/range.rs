//! The model's data-less range commands: Write Uncorrectable marks blocks
//! bad, Verify fails on a range holding one (Unrecovered Read Error);
//! a later write of the blocks does not clear them in this model.

use super::device::*;
use crate::spec::cmd::Cmd;

pub(super) const OPC_WRITE_UNCORRECTABLE: u8 = 0x04;
pub(super) const OPC_VERIFY: u8 = 0x0c;
pub(super) const OPC_IO_MGMT_RECV: u8 = 0x12;
pub(super) const OPC_IO_MGMT_SEND: u8 = 0x1d;

const SC_UNRECOVERED_READ_ERROR: u16 = 0x81;

impl Device {
    /// I/O Management: Receive of Reclaim Unit Handle Status (MO 1)
    /// reports no handles (the model has no Flexible Data Placement);
    /// Send takes its data and does nothing. Other operations are
    /// invalid.
    pub(super) fn io_mgmt(&mut self, cmd: &Cmd) -> Outcome {
        let mo = cmd.cdw10 & 0xff;
        if cmd.opc() == OPC_IO_MGMT_RECV {
            if mo != 1 {
                return fail(SCT_GENERIC, SC_INVALID_FIELD);
            }
            let len = ((cmd.cdw11 as usize) + 1) * 4;
            let page = vec![0u8; len];
            return match self.write_host(cmd, &page) {
                Ok(()) => OK,
                Err(sc) => fail(SCT_GENERIC, sc),
            };
        }
        if mo != 1 {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        }
        OK
    }

    pub(super) fn range_cmd(&mut self, cmd: &Cmd, slba: u64, nlb: u64) -> Outcome {
        let blocks = self.disks[cmd.nsid as usize - 1].cfg.blocks;
        if slba.checked_add(nlb).is_none_or(|e| e > blocks) {
            return fail(SCT_GENERIC, SC_LBA_OUT_OF_RANGE);
        }
        let bad = self.uncorrectable.entry(cmd.nsid).or_default();
        if cmd.opc() == OPC_WRITE_UNCORRECTABLE {
            bad.push((slba, nlb));
            return OK;
        }
        let hit = bad.iter().any(|&(s, n)| s < slba + nlb && slba < s + n);
        if hit {
            return fail(SCT_MEDIA, SC_UNRECOVERED_READ_ERROR);
        }
        OK
    }
}
