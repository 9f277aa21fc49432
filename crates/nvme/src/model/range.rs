//! The model's data-less range commands: Write Uncorrectable marks blocks
//! bad, Verify fails on a range holding one (Unrecovered Read Error);
//! a later write of the blocks does not clear them in this model.

use super::device::*;
use crate::spec::cmd::Cmd;

pub(super) const OPC_WRITE_UNCORRECTABLE: u8 = 0x04;
pub(super) const OPC_VERIFY: u8 = 0x0c;

const SC_UNRECOVERED_READ_ERROR: u16 = 0x81;

impl Device {
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
