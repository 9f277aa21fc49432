//! The model's reservations, for one host (this controller, ID 1): a key
//! per namespace once registered, and the reservation it may hold.
//! Enough of the specification's rules to exercise the driver's
//! reservation commands and their data in both directions.

use super::device::*;
use crate::spec::cmd::Cmd;

pub(super) const OPC_RESERVATION_REGISTER: u8 = 0x0d;
pub(super) const OPC_RESERVATION_REPORT: u8 = 0x0e;
pub(super) const OPC_RESERVATION_ACQUIRE: u8 = 0x11;
pub(super) const OPC_RESERVATION_RELEASE: u8 = 0x15;

const SC_RESERVATION_CONFLICT: u16 = 0x83;

/// One namespace's reservation state.
#[derive(Clone, Copy, Debug, Default)]
pub struct Resv {
    /// This host's key, once registered.
    pub key: Option<u64>,
    /// The type of the reservation this host holds (0: none).
    pub rtype: u8,
    /// Generation: bumped by register, unregister, preempt, clear.
    pub gen: u32,
    /// Persist through power loss (CPTPL 2 sets, 3 clears).
    pub ptpl: bool,
}

fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().unwrap_or_default())
}

impl Device {
    pub(super) fn reservation(&mut self, cmd: &Cmd) -> Outcome {
        let nsid = cmd.nsid;
        let mut r = self.resv.get(&nsid).copied().unwrap_or_default();
        let (action, iekey) = (cmd.cdw10 & 7, cmd.cdw10 & 8 != 0);
        let rtype = ((cmd.cdw10 >> 8) & 0xff) as u8;
        let key_ok = |r: &Resv, crkey: u64| iekey || r.key == Some(crkey);
        let out = match cmd.opc() {
            OPC_RESERVATION_REGISTER => {
                let mut d = [0u8; 16];
                if let Err(sc) = self.read_host(cmd, &mut d) {
                    return fail(SCT_GENERIC, sc);
                }
                let (crkey, nrkey) = (u64_at(&d, 0), u64_at(&d, 8));
                match (action, r.key) {
                    // Register: again with the same key is fine.
                    (0, None) => r.key = Some(nrkey),
                    (0, Some(k)) if k == nrkey => {}
                    (1, Some(_)) if key_ok(&r, crkey) => {
                        r = Resv {
                            gen: r.gen,
                            ..Resv::default()
                        };
                    }
                    (2, _) if r.key.is_some() && key_ok(&r, crkey) || iekey => r.key = Some(nrkey),
                    (0..=2, _) => return fail(SCT_GENERIC, SC_RESERVATION_CONFLICT),
                    _ => return fail(SCT_GENERIC, SC_INVALID_FIELD),
                }
                match cmd.cdw10 >> 30 {
                    2 => r.ptpl = true,
                    3 => r.ptpl = false,
                    _ => {}
                }
                r.gen = r.gen.wrapping_add(1);
                OK
            }
            OPC_RESERVATION_ACQUIRE => {
                let mut d = [0u8; 16];
                if let Err(sc) = self.read_host(cmd, &mut d) {
                    return fail(SCT_GENERIC, sc);
                }
                if !(1..=6).contains(&rtype) || action > 2 {
                    return fail(SCT_GENERIC, SC_INVALID_FIELD);
                }
                if r.key.is_none() || !key_ok(&r, u64_at(&d, 0)) {
                    return fail(SCT_GENERIC, SC_RESERVATION_CONFLICT);
                }
                match action {
                    0 if r.rtype == 0 || r.rtype == rtype => r.rtype = rtype,
                    0 => return fail(SCT_GENERIC, SC_RESERVATION_CONFLICT),
                    // Preempt (and abort): the only registrant takes it.
                    _ => {
                        r.rtype = rtype;
                        r.gen = r.gen.wrapping_add(1);
                    }
                }
                OK
            }
            OPC_RESERVATION_RELEASE => {
                let mut d = [0u8; 8];
                if let Err(sc) = self.read_host(cmd, &mut d) {
                    return fail(SCT_GENERIC, sc);
                }
                if r.key.is_none() || !key_ok(&r, u64_at(&d, 0)) {
                    return fail(SCT_GENERIC, SC_RESERVATION_CONFLICT);
                }
                match action {
                    0 if r.rtype == 0 => {}
                    0 if r.rtype == rtype => r.rtype = 0,
                    0 => return fail(SCT_GENERIC, SC_INVALID_FIELD),
                    1 => {
                        r = Resv {
                            gen: r.gen.wrapping_add(1),
                            ..Resv::default()
                        }
                    }
                    _ => return fail(SCT_GENERIC, SC_INVALID_FIELD),
                }
                OK
            }
            _ => return self.reservation_report(cmd, &r),
        };
        self.resv.insert(nsid, r);
        out
    }

    /// Reservation status (24-byte header), then one registered
    /// controller entry (24 bytes) when this host is registered; the
    /// extended forms (64 + 64 bytes) with CDW11.EDS.
    fn reservation_report(&self, cmd: &Cmd, r: &Resv) -> Outcome {
        let len = ((cmd.cdw10 as usize) + 1) * 4;
        let eds = cmd.cdw11 & 1 != 0;
        let (head, entry) = if eds { (64, 64) } else { (24, 24) };
        let mut page = vec![0u8; head + entry];
        page[0..4].copy_from_slice(&r.gen.to_le_bytes());
        page[4] = r.rtype;
        let regctl = r.key.is_some() as u16;
        page[5..7].copy_from_slice(&regctl.to_le_bytes());
        page[9] = r.ptpl as u8;
        if let Some(key) = r.key {
            let e = &mut page[head..];
            e[0..2].copy_from_slice(&1u16.to_le_bytes());
            e[2] = (r.rtype != 0) as u8;
            // Host identifier 0, then the key (the extended entry keeps
            // the key first and a 128-bit host identifier after it).
            let key_at = if eds { 8 } else { 16 };
            e[key_at..key_at + 8].copy_from_slice(&key.to_le_bytes());
        }
        page.resize(len.max(page.len()), 0);
        match self.write_host(cmd, &page[..len]) {
            Ok(()) => OK,
            Err(sc) => fail(SCT_GENERIC, sc),
        }
    }
}
