//! The model's Security Send / Receive and directives.
//!
//! Security protocols: 00h (information: Receive with SPSP 0000h lists
//! the supported protocols, in SPC-4's layout) and an echo protocol of
//! the model's own, F0h (vendor specific): Send keeps up to 4 KiB per
//! SPSP, Receive returns what was kept for that SPSP (zero padded, cut at
//! the allocation length). Any other protocol is an Invalid Field.
//!
//! Directives: Identify (Return Parameters; Enable Directive for
//! streams) and Streams (Return Parameters, Get Status, Allocate
//! Resources; Release Identifier, Release Resources), per attached
//! namespace. No stream is ever open: writes do not look at directives.

use super::device::*;
use crate::spec::cmd::{cdw11, Cmd};
use crate::spec::ns::{DirectiveTypes, NsIdentifyDirectiveParam, NsStreamsData};
use crate::spec::Pod;

pub(super) const OPC_SECURITY_SEND: u8 = 0x81;
pub(super) const OPC_SECURITY_RECEIVE: u8 = 0x82;
pub(super) const OPC_DIRECTIVE_SEND: u8 = 0x19;
pub(super) const OPC_DIRECTIVE_RECEIVE: u8 = 0x1a;

/// Security protocol information (Receive only).
pub const SECP_INFO: u8 = 0x00;
/// The model's echo protocol.
pub const SECP_ECHO: u8 = 0xf0;
const ECHO_MAX: usize = 4096;

const DTYPE_IDENTIFY: u32 = 0;
const DTYPE_STREAMS: u32 = 1;
// Identify directive operations.
const DOPER_RETURN_PARAMS: u32 = 1;
const DOPER_ENABLE: u32 = 1;
// Streams operations.
const DOPER_GET_STATUS: u32 = 2;
const DOPER_ALLOCATE_RESOURCES: u32 = 3;
const DOPER_RELEASE_ID: u32 = 1;
const DOPER_RELEASE_RESOURCES: u32 = 2;

/// Streams the subsystem (and so each namespace) can have.
const MAX_STREAMS: u16 = 16;

impl Device {
    pub(super) fn security(&mut self, cmd: &Cmd) -> Outcome {
        let secp = (cmd.cdw10 >> 24) as u8;
        let spsp = ((cmd.cdw10 >> 8) & 0xffff) as u16;
        // Transfer / allocation length.
        let len = cmd.cdw11 as usize;
        match (cmd.opc(), secp) {
            (OPC_SECURITY_RECEIVE, SECP_INFO) => {
                if spsp != 0 {
                    return fail(SCT_GENERIC, SC_INVALID_FIELD);
                }
                let list = [SECP_INFO, SECP_ECHO];
                let mut page = vec![0u8; 8 + list.len()];
                page[6..8].copy_from_slice(&(list.len() as u16).to_be_bytes());
                page[8..].copy_from_slice(&list);
                page.resize(len, 0);
                self.to_host(cmd, &page)
            }
            (OPC_SECURITY_RECEIVE, SECP_ECHO) => {
                let mut page = self.sec_echo.get(&spsp).cloned().unwrap_or_default();
                page.resize(len, 0);
                self.to_host(cmd, &page)
            }
            (OPC_SECURITY_SEND, SECP_ECHO) => {
                if len > ECHO_MAX {
                    return fail(SCT_GENERIC, SC_INVALID_FIELD);
                }
                let mut data = vec![0u8; len];
                if let Err(sc) = self.read_host(cmd, &mut data) {
                    return fail(SCT_GENERIC, sc);
                }
                self.sec_echo.insert(spsp, data);
                OK
            }
            _ => fail(SCT_GENERIC, SC_INVALID_FIELD),
        }
    }

    fn to_host(&self, cmd: &Cmd, data: &[u8]) -> Outcome {
        match self.write_host(cmd, data) {
            Ok(()) => OK,
            Err(sc) => fail(SCT_GENERIC, sc),
        }
    }

    pub(super) fn directive(&mut self, cmd: &Cmd) -> Outcome {
        let d = cdw11::Directive(cmd.cdw11);
        let (doper, dtype) = (d.doper(), d.dtype());
        let Some(i) = self.active(cmd.nsid) else {
            return fail(SCT_GENERIC, SC_INVALID_NAMESPACE);
        };
        // Data length: NUMD, 0's based dwords.
        let len = (cmd.cdw10 as usize + 1) * 4;
        let receive = cmd.opc() == OPC_DIRECTIVE_RECEIVE;
        match (receive, dtype, doper) {
            (true, DTYPE_IDENTIFY, DOPER_RETURN_PARAMS) => {
                let mut p = NsIdentifyDirectiveParam::zeroed();
                let types = DirectiveTypes(0).with_identify(1).with_streams(1);
                p.directives_supported.types = types;
                p.directives_enabled.types = DirectiveTypes(0)
                    .with_identify(1)
                    .with_streams(self.disks[i].streams_enabled as u8);
                let mut page = p.as_bytes().to_vec();
                page.resize(len.min(page.len()), 0);
                self.to_host(cmd, &page)
            }
            (false, DTYPE_IDENTIFY, DOPER_ENABLE) => {
                // CDW12: ENDIR (bit 0), the directive type (bits 15:8).
                let (enable, tdtype) = (cmd.cdw12 & 1 != 0, (cmd.cdw12 >> 8) & 0xff);
                if tdtype != DTYPE_STREAMS {
                    return fail(SCT_GENERIC, SC_INVALID_FIELD);
                }
                let disk = &mut self.disks[i];
                disk.streams_enabled = enable;
                if !enable {
                    disk.streams_allocated = 0;
                }
                OK
            }
            (_, DTYPE_STREAMS, _) if !self.disks[i].streams_enabled => {
                fail(SCT_GENERIC, SC_INVALID_FIELD)
            }
            (true, DTYPE_STREAMS, DOPER_RETURN_PARAMS) => {
                let allocated: u16 = self
                    .disks
                    .iter()
                    .filter(|d| d.attached)
                    .map(|d| d.streams_allocated)
                    .sum();
                let disk = &self.disks[i];
                let p = NsStreamsData {
                    msl: MAX_STREAMS,
                    nssa: MAX_STREAMS.saturating_sub(allocated),
                    nsso: 0,
                    sws: 1,
                    sgs: 1,
                    nsa: disk.streams_allocated,
                    nso: 0,
                    ..Default::default()
                };
                let mut page = p.as_bytes().to_vec();
                page.resize(len.min(page.len()), 0);
                self.to_host(cmd, &page)
            }
            (true, DTYPE_STREAMS, DOPER_GET_STATUS) => {
                // Open stream count 0, no identifiers.
                let page = vec![0u8; len.min(131072)];
                self.to_host(cmd, &page)
            }
            (true, DTYPE_STREAMS, DOPER_ALLOCATE_RESOURCES) => {
                let others: u16 = self
                    .disks
                    .iter()
                    .enumerate()
                    .filter(|(j, d)| *j != i && d.attached)
                    .map(|(_, d)| d.streams_allocated)
                    .sum();
                let want = (cmd.cdw12 & 0xffff) as u16;
                let got = want.min(MAX_STREAMS.saturating_sub(others));
                self.disks[i].streams_allocated = got;
                Some((SCT_GENERIC, 0, got as u32))
            }
            (false, DTYPE_STREAMS, DOPER_RELEASE_ID) => OK,
            (false, DTYPE_STREAMS, DOPER_RELEASE_RESOURCES) => {
                self.disks[i].streams_allocated = 0;
                OK
            }
            _ => fail(SCT_GENERIC, SC_INVALID_FIELD),
        }
    }
}
