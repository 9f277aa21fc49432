//! The model's admin commands.

use super::device::*;
use crate::spec::cmd::{cdw10, cdw11, Cmd};
use crate::spec::ctrlr::{CtrlrData, ZnsCtrlrData};
use crate::spec::feat::FeatNumberOfQueues;
use crate::spec::ns::{NsData, NvmNsData, ZnsNsData};
use crate::spec::Pod;

const OPC_DELETE_IO_SQ: u8 = 0x00;
const OPC_CREATE_IO_SQ: u8 = 0x01;
const OPC_GET_LOG_PAGE: u8 = 0x02;
const OPC_DELETE_IO_CQ: u8 = 0x04;
const OPC_CREATE_IO_CQ: u8 = 0x05;
const OPC_IDENTIFY: u8 = 0x06;
const OPC_ABORT: u8 = 0x08;
const OPC_SET_FEATURES: u8 = 0x09;
const OPC_GET_FEATURES: u8 = 0x0a;
const OPC_ASYNC_EVENT_REQUEST: u8 = 0x0c;
const OPC_KEEP_ALIVE: u8 = 0x18;
const OPC_DOORBELL_BUFFER_CONFIG: u8 = 0x7c;

const FEAT_NUMBER_OF_QUEUES: u32 = 0x07;
const ALL_NS: u32 = 0xffff_ffff;

// Command specific status codes.
const SC_COMPLETION_QUEUE_INVALID: u16 = 0x00;
const SC_INVALID_QUEUE_IDENTIFIER: u16 = 0x01;
const SC_INVALID_QUEUE_SIZE: u16 = 0x02;
const SC_ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED: u16 = 0x05;
const SC_INVALID_LOG_PAGE: u16 = 0x09;
const SC_INVALID_QUEUE_DELETION: u16 = 0x0c;

/// Most outstanding AER commands (AERL + 1).
const AER_LIMIT: usize = 4;

fn copy_str(dst: &mut [i8], s: &str) {
    for (i, d) in dst.iter_mut().enumerate() {
        *d = *s.as_bytes().get(i).unwrap_or(&b' ') as i8;
    }
}

impl Device {
    pub(super) fn admin(&mut self, cmd: &Cmd) -> Outcome {
        if cmd.psdt() != 0 {
            // PCIe admin commands use PRPs only.
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        }
        match cmd.opc() {
            OPC_IDENTIFY => self.identify(cmd),
            OPC_SET_FEATURES => self.set_features(cmd),
            OPC_GET_FEATURES => self.get_features(cmd),
            OPC_CREATE_IO_CQ => self.create_cq(cmd),
            OPC_CREATE_IO_SQ => self.create_sq(cmd),
            OPC_DELETE_IO_SQ => self.delete_sq(cmd),
            OPC_DELETE_IO_CQ => self.delete_cq(cmd),
            OPC_GET_LOG_PAGE => self.get_log_page(cmd),
            OPC_ASYNC_EVENT_REQUEST => {
                if self.aers.len() >= AER_LIMIT {
                    return fail(SCT_CMD, SC_ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED);
                }
                self.aers.push_back(cmd.cid);
                self.deliver_events();
                None
            }
            OPC_ABORT => self.abort(cmd),
            OPC_KEEP_ALIVE => {
                self.keep_alives += 1;
                OK
            }
            super::mgmt::OPC_NS_MANAGEMENT => self.ns_management(cmd),
            super::mgmt::OPC_NS_ATTACHMENT => self.ns_attachment(cmd),
            super::mgmt::OPC_FORMAT_NVM => self.format_nvm(cmd),
            super::fw::OPC_FIRMWARE_COMMIT => self.fw_commit(cmd),
            super::fw::OPC_FIRMWARE_IMAGE_DOWNLOAD => self.fw_image_download(cmd),
            super::sec::OPC_SECURITY_SEND | super::sec::OPC_SECURITY_RECEIVE => self.security(cmd),
            super::sec::OPC_DIRECTIVE_SEND | super::sec::OPC_DIRECTIVE_RECEIVE => {
                self.directive(cmd)
            }
            OPC_DOORBELL_BUFFER_CONFIG if self.cfg.shadow_doorbells => {
                let (shadow, ei) = (cmd.dptr.prp1, cmd.dptr.prp2);
                if shadow & 0xfff != 0
                    || ei & 0xfff != 0
                    || !self.reachable(shadow, 4096)
                    || !self.reachable(ei, 4096)
                {
                    return fail(SCT_GENERIC, SC_INVALID_FIELD);
                }
                self.dbbuf = Some((shadow, ei));
                OK
            }
            _ => {
                self.unknown_admin.push(*cmd);
                fail(SCT_GENERIC, SC_INVALID_OPCODE)
            }
        }
    }

    fn to_host_status(&self, cmd: &Cmd, data: &[u8]) -> Outcome {
        match self.write_host(cmd, data) {
            Ok(()) => OK,
            Err(sc) => fail(SCT_GENERIC, sc),
        }
    }

    fn identify(&mut self, cmd: &Cmd) -> Outcome {
        let cns = cdw10::Identify(cmd.cdw10).cns();
        let mut page = [0u8; 4096];
        match cns {
            // Identify Namespace: zeroes for an NSID with no active
            // namespace, the common capabilities for FFFFFFFFh.
            0 => {
                let ns = if cmd.nsid == ALL_NS {
                    self.common_ns_data()
                } else if cmd.nsid == 0 || cmd.nsid as usize > self.disks.len() {
                    return fail(SCT_GENERIC, SC_INVALID_NAMESPACE);
                } else if self.is_attached(cmd.nsid) {
                    self.ns_data(cmd.nsid)
                } else {
                    NsData::zeroed()
                };
                page.copy_from_slice(ns.as_bytes());
            }
            // Identify an allocated namespace (attached or not).
            0x11 => {
                if cmd.nsid == 0 || cmd.nsid as usize > self.disks.len() {
                    return fail(SCT_GENERIC, SC_INVALID_NAMESPACE);
                }
                page.copy_from_slice(self.ns_data(cmd.nsid).as_bytes());
            }
            0x10 => self.allocated_list(cmd.nsid, &mut page),
            0x12 => {
                if !self.is_allocated(cmd.nsid) {
                    return fail(SCT_GENERIC, SC_INVALID_FIELD);
                }
                let from = cdw10::Identify(cmd.cdw10).cntid() as u16;
                self.ctrlr_list(Some(cmd.nsid), from, &mut page);
            }
            0x13 => {
                let from = cdw10::Identify(cmd.cdw10).cntid() as u16;
                self.ctrlr_list(None, from, &mut page);
            }
            1 => page.copy_from_slice(self.cdata().as_bytes()),
            3 => {
                if !self.is_attached(cmd.nsid) {
                    return fail(SCT_GENERIC, SC_INVALID_NAMESPACE);
                }
                // A UUID (version 4 layout, the namespace ID in its last
                // byte), then the NVM command set.
                page[0] = 3;
                page[1] = 16;
                page[4..20].copy_from_slice(&[
                    0x53, 0x50, 0x44, 0x4b, 0x2d, 0x52, 0x43, 0x53, 0x80, 0, 0, 0, 0, 0, 0, 0,
                ]);
                page[4 + 6] = 0x40;
                page[19] = cmd.nsid as u8;
                page[20] = 4;
                page[21] = 1;
                let zoned = self.disks[cmd.nsid as usize - 1].cfg.zoned.is_some();
                page[24] = if zoned { 2 } else { 0 };
            }
            // I/O command set specific namespace / controller data.
            5 | 6 => {
                let csi = cmd.cdw11 >> 24;
                if self.cfg.refuse_zns_identify || !self.iocs() {
                    return fail(SCT_GENERIC, SC_INVALID_FIELD);
                }
                if cns == 5 {
                    let Some(d) = self.active(cmd.nsid).map(|i| &self.disks[i]) else {
                        return fail(SCT_GENERIC, SC_INVALID_NAMESPACE);
                    };
                    match (csi, d.cfg.zoned) {
                        (0, _) => {
                            // NVM command set data: the PI format of
                            // LBA format 0 (valid with CTRATT.ELBAS).
                            let pi = self.cfg.ns_pi.get(cmd.nsid as usize - 1);
                            if let (true, Some(&(_, pif))) = (self.cfg.elbas, pi) {
                                let mut nd = NvmNsData::zeroed();
                                nd.elbaf[0] = nd.elbaf[0].with_pif(pif as u32);
                                page.copy_from_slice(nd.as_bytes());
                            }
                        }
                        (2, Some(z)) => {
                            let mut zd = ZnsNsData::zeroed();
                            zd.mor = z.max_open.wrapping_sub(1);
                            zd.mar = z.max_active.wrapping_sub(1);
                            zd.lbafe[0].zsze = z.zone_size;
                            zd.lbafe[0].zdes = zd.lbafe[0].zdes.with_zdes(z.zdes as u64);
                            page.copy_from_slice(zd.as_bytes());
                        }
                        _ => return fail(SCT_GENERIC, SC_INVALID_FIELD),
                    }
                } else {
                    match csi {
                        0 => {}
                        2 => {
                            let mut zc = ZnsCtrlrData::zeroed();
                            zc.zasl = self.cfg.zasl;
                            page.copy_from_slice(zc.as_bytes());
                        }
                        _ => return fail(SCT_GENERIC, SC_INVALID_FIELD),
                    }
                }
            }
            2 => self.active_list(cmd.nsid, &mut page),
            _ => return fail(SCT_GENERIC, SC_INVALID_FIELD),
        }
        self.to_host_status(cmd, &page)
    }

    fn cdata(&self) -> CtrlrData {
        let mut c = CtrlrData::zeroed();
        c.vid = 0x1d1d;
        c.ssvid = 0x1d1d;
        copy_str(&mut c.sn, "SPDKRS0001");
        copy_str(&mut c.mn, "spdk-rs in-memory NVMe model");
        c.fr = self.fw.revision();
        c.mdts = self.cfg.mdts;
        c.cntlid = 1;
        c.ver = crate::spec::regs::Vs(self.reg(REG_VS));
        c.oacs = c
            .oacs
            .with_ssrs(1)
            .with_fnvms(1)
            .with_fwds(1)
            .with_nms(1)
            .with_dirs(1)
            .with_dbcs(self.cfg.shadow_doorbells as u16);
        c.frmw = self.fw.frmw();
        // Namespace attribute notices (and the changed namespace list).
        c.oaes = c.oaes.with_ns_attribute_notices(1);
        // Format and secure erase per namespace; cryptographic erase.
        c.fna = c.fna.with_crypto_erase_supported(1);
        let (total, free) = (self.total_capacity() as u128, self.free_capacity() as u128);
        c.tnvmcap = [total as u64, (total >> 64) as u64];
        c.unvmcap = [free as u64, (free >> 64) as u64];
        c.acl = 3;
        c.aerl = (AER_LIMIT - 1) as u8;
        c.lpa = c.lpa.with_smarts(0);
        c.elpe = 0;
        c.kas = self.cfg.kas;
        c.sqes = c.sqes.with_min(6).with_max(6);
        c.cqes = c.cqes.with_min(4).with_max(4);
        c.nn = self.disks.len() as u32;
        c.oncs = c
            .oncs
            .with_nvmcmps(1)
            .with_nvmdsmsv(1)
            .with_nvmwzsv(1)
            .with_nvmcpys(1)
            .with_reservs(1)
            .with_nvmwusv(1)
            .with_nvmvfys(1);
        c.vwc = c.vwc.with_present(1);
        c.sgls = c.sgls.with_supported(self.cfg.sgl as u32);
        // Copy limits: ranges (0's based) and blocks per range / command.
        c.ocfs = c.ocfs.with_copy_format0(1);
        let nqn = b"nqn.2019-08.io.spdk-rs:model";
        c.subnqn[..nqn.len()].copy_from_slice(nqn);
        c.ctratt = c.ctratt.with_elbas(self.cfg.elbas as u32);
        if !self.cfg.ana_groups.is_empty() {
            c.cmic = c.cmic.with_anars(1);
            c.oaes = c.oaes.with_ana_change_notices(1);
            c.anatt = 10;
            // Optimized, non-optimized, inaccessible, persistent loss,
            // change reported.
            c.anacap = crate::spec::ctrlr::Anacap(0x1f);
            c.anagrpmax = self.ana_states.keys().max().copied().unwrap_or(0);
            c.nanagrpid = self.ana_states.len() as u32;
        }
        c
    }

    fn set_features(&mut self, cmd: &Cmd) -> Outcome {
        let fid = cmd.cdw10 & 0xff;
        if fid == FEAT_NUMBER_OF_QUEUES {
            let want = FeatNumberOfQueues(cmd.cdw11);
            if want.nsqr() == 0xffff || want.ncqr() == 0xffff {
                return fail(SCT_GENERIC, SC_INVALID_FIELD);
            }
            let max = self.cfg.max_io_queues.saturating_sub(1) as u32;
            let granted = self
                .queues_granted
                .unwrap_or((want.nsqr().min(max) as u16, want.ncqr().min(max) as u16));
            self.queues_granted = Some(granted);
            let v = FeatNumberOfQueues(0)
                .with_nsqr(granted.0 as u32)
                .with_ncqr(granted.1 as u32);
            self.features[fid as usize] = v.0;
            return Some((SCT_GENERIC, 0, v.0));
        }
        self.features[fid as usize] = cmd.cdw11;
        OK
    }

    fn get_features(&mut self, cmd: &Cmd) -> Outcome {
        let fid = (cmd.cdw10 & 0xff) as usize;
        let v = if fid == FEAT_NUMBER_OF_QUEUES as usize && self.queues_granted.is_none() {
            let max = self.cfg.max_io_queues.saturating_sub(1) as u32;
            FeatNumberOfQueues(0).with_nsqr(max).with_ncqr(max).0
        } else {
            self.features[fid]
        };
        Some((SCT_GENERIC, 0, v))
    }

    fn io_qid_ok(&self, qid: u16, cq: bool) -> bool {
        let granted = match self.queues_granted {
            Some((s, c)) => (if cq { c } else { s }) as usize + 1,
            None => self.cfg.max_io_queues as usize,
        };
        qid >= 1 && (qid as usize) <= granted && (qid as usize) < self.sqs.len()
    }

    fn create_cq(&mut self, cmd: &Cmd) -> Outcome {
        let a = cdw10::CreateIoQ(cmd.cdw10);
        let b = cdw11::CreateIoCq(cmd.cdw11);
        let qid = a.qid() as u16;
        if !self.io_qid_ok(qid, true) || self.cqs[qid as usize].is_some() {
            return fail(SCT_CMD, SC_INVALID_QUEUE_IDENTIFIER);
        }
        let size = a.qsize() + 1;
        if size < 2 || size > self.cfg.mqes as u32 + 1 {
            return fail(SCT_CMD, SC_INVALID_QUEUE_SIZE);
        }
        let base = cmd.dptr.prp1;
        if b.pc() != 1 || base & 0xfff != 0 || !self.reachable(base, size as u64 * 16) {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        }
        self.cqs[qid as usize] = Some(Cq {
            base,
            size,
            tail: 0,
            phase: 1,
        });
        OK
    }

    fn create_sq(&mut self, cmd: &Cmd) -> Outcome {
        let a = cdw10::CreateIoQ(cmd.cdw10);
        let b = cdw11::CreateIoSq(cmd.cdw11);
        let qid = a.qid() as u16;
        if !self.io_qid_ok(qid, false) || self.sqs[qid as usize].is_some() {
            return fail(SCT_CMD, SC_INVALID_QUEUE_IDENTIFIER);
        }
        let cqid = b.cqid() as usize;
        if cqid == 0 || !matches!(self.cqs.get(cqid), Some(Some(_))) {
            return fail(SCT_CMD, SC_COMPLETION_QUEUE_INVALID);
        }
        let size = a.qsize() + 1;
        if size < 2 || size > self.cfg.mqes as u32 + 1 {
            return fail(SCT_CMD, SC_INVALID_QUEUE_SIZE);
        }
        let base = cmd.dptr.prp1;
        if b.pc() != 1 || base & 0xfff != 0 || !self.reachable(base, size as u64 * 64) {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        }
        self.set_reg(DOORBELLS + 8 * qid as u32, 0);
        self.set_reg(DOORBELLS + 8 * qid as u32 + 4, 0);
        self.sqs[qid as usize] = Some(Sq {
            base,
            size,
            head: 0,
            cqid: cqid as u16,
        });
        OK
    }

    fn delete_sq(&mut self, cmd: &Cmd) -> Outcome {
        let qid = cdw10::DeleteIoQ(cmd.cdw10).qid() as u16;
        if qid == 0 || !matches!(self.sqs.get(qid as usize), Some(Some(_))) {
            return fail(SCT_CMD, SC_INVALID_QUEUE_IDENTIFIER);
        }
        // Commands still held in the queue end aborted.
        let (gone, kept): (Vec<_>, Vec<_>) = self.held.iter().partition(|h| h.sqid == qid);
        self.held = kept;
        for h in gone {
            self.post(qid, h.cmd.cid, SCT_GENERIC, SC_ABORTED_SQ_DELETION, 0);
        }
        self.sqs[qid as usize] = None;
        OK
    }

    fn delete_cq(&mut self, cmd: &Cmd) -> Outcome {
        let qid = cdw10::DeleteIoQ(cmd.cdw10).qid() as u16;
        if qid == 0 || !matches!(self.cqs.get(qid as usize), Some(Some(_))) {
            return fail(SCT_CMD, SC_INVALID_QUEUE_IDENTIFIER);
        }
        if self.sqs.iter().flatten().any(|s| s.cqid == qid) {
            return fail(SCT_CMD, SC_INVALID_QUEUE_DELETION);
        }
        self.cqs[qid as usize] = None;
        OK
    }

    fn get_log_page(&mut self, cmd: &Cmd) -> Outcome {
        let a = cdw10::GetLogPage(cmd.cdw10);
        let b = cdw11::GetLogPage(cmd.cdw11);
        let numd = ((b.numdu() << 16) | a.numdl()) as u64 + 1;
        let offset = (cmd.cdw13 as u64) << 32 | cmd.cdw12 as u64;
        let len = (numd * 4) as usize;
        let mut page = vec![0u8; len.max(512)];
        match a.lid() {
            // Error information: nothing to report; SMART / health: a
            // healthy, cool device (300 K); the firmware slots.
            0x01 => {}
            0x03 => {
                let p = self.fw.slot_page();
                page[..512].copy_from_slice(p.as_bytes());
            }
            0x02 => page[1..3].copy_from_slice(&300u16.to_le_bytes()),
            // Commands Supported and Effects of the command set CSI:
            // the admin commands, then NVM's I/O commands and, for the
            // zoned set, its own (bit 0: supported).
            0x05 => {
                let csi = cmd.cdw14 >> 24;
                page.resize(4096.max(len), 0);
                let admin: &[u8] = &[
                    0x00, 0x01, 0x02, 0x04, 0x05, 0x06, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x10, 0x11,
                    0x15, 0x18, 0x19, 0x1a, 0x80, 0x81, 0x82,
                ];
                let mut io: Vec<u8> = vec![0x00, 0x01, 0x02, 0x05, 0x08, 0x09, 0x19];
                match csi {
                    0 => {}
                    2 if self.iocs() => {
                        io.extend_from_slice(&[0x79, 0x7a]);
                        if self.cfg.zone_append {
                            io.push(0x7d);
                        }
                    }
                    _ => return fail(SCT_GENERIC, SC_INVALID_FIELD),
                }
                for &o in admin {
                    page[4 * o as usize] = 1;
                }
                for &o in &io {
                    page[1024 + 4 * o as usize] = 1;
                }
            }
            0x0c if !self.cfg.ana_groups.is_empty() => {
                let log = self.ana_log();
                if page.len() < log.len() {
                    page.resize(log.len(), 0);
                }
                page[..log.len()].copy_from_slice(&log);
            }
            0x04 => {
                for (i, nsid) in self.changed_ns.iter().take(1024).enumerate() {
                    if (i + 1) * 4 <= page.len() {
                        page[i * 4..i * 4 + 4].copy_from_slice(&nsid.to_le_bytes());
                    }
                }
                if a.rae() == 0 {
                    self.changed_ns.clear();
                }
            }
            _ => return fail(SCT_CMD, SC_INVALID_LOG_PAGE),
        }
        if !offset.is_multiple_of(4) || offset as usize > page.len() {
            return fail(SCT_GENERIC, SC_INVALID_FIELD);
        }
        let mut data = page.split_off(offset as usize);
        data.resize(len, 0);
        self.to_host_status(cmd, &data)
    }

    fn abort(&mut self, cmd: &Cmd) -> Outcome {
        self.aborts += 1;
        let a = cdw10::Abort(cmd.cdw10);
        let (sqid, cid) = (a.sqid() as u16, a.cid() as u16);
        if let Some(i) = self
            .held
            .iter()
            .position(|h| h.sqid == sqid && h.cmd.cid == cid)
        {
            self.held.remove(i);
            self.post(sqid, cid, SCT_GENERIC, SC_ABORTED_BY_REQUEST, 0);
            // CDW0 bit 0 clear: aborted.
            return Some((SCT_GENERIC, 0, 0));
        }
        Some((SCT_GENERIC, 0, 1))
    }
}
