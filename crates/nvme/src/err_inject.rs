//! Command error injection (`spdk_nvme_qpair_add_cmd_error_injection`),
//! a testing aid as in SPDK: commands of an opcode either never reach the
//! controller and complete with a chosen status after a delay
//! (`do_not_submit`), or are sent and their completion's status is
//! replaced; each rule acts `err_count` times. The I/O path pays one
//! empty-list check while no rule exists.

use crate::qpair::{Qpair, QpairState};
use crate::request::Request;
use crate::spec::cmd::{Cpl, Status};

/// One rule of a queue pair.
#[derive(Clone, Copy, Debug)]
pub struct ErrCmd {
    pub opc: u8,
    pub do_not_submit: bool,
    pub timeout_ticks: u64,
    pub err_count: u32,
    pub sct: u8,
    pub sc: u8,
}

/// A request held back by a `do_not_submit` rule.
#[derive(Clone, Copy, Debug)]
pub struct Held {
    pub req: *mut Request,
    pub due: u64,
    pub status: Status,
}

impl Qpair {
    /// Adds or replaces the rule for `rule.opc`. Room for every request
    /// the pair can hold is reserved now, so holding allocates nothing.
    pub fn add_error_injection(&mut self, rule: ErrCmd) {
        match self.c.err_cmds.iter_mut().find(|e| e.opc == rule.opc) {
            Some(e) => *e = rule,
            None => self.c.err_cmds.push(rule),
        }
        let want = self.pool_size();
        let have = self.c.err_reqs.capacity();
        if want > have {
            self.c.err_reqs.reserve(want - self.c.err_reqs.len());
        }
    }

    /// Removes the rule for `opc` (held requests still complete).
    pub fn remove_error_injection(&mut self, opc: u8) {
        self.c.err_cmds.retain(|e| e.opc != opc);
    }

    /// At submission: true when a `do_not_submit` rule took `r`.
    ///
    /// # Safety
    /// `r` is a leaf request of this pair, not submitted.
    pub(crate) unsafe fn inject_at_submit(&mut self, r: *mut Request) -> bool {
        let opc = (*r).cmd.opc();
        let Some(e) = self
            .c
            .err_cmds
            .iter_mut()
            .find(|e| e.do_not_submit && e.opc == opc && e.err_count > 0)
        else {
            return false;
        };
        if self.c.err_reqs.len() == self.c.err_reqs.capacity() {
            return false;
        }
        e.err_count -= 1;
        let status = Status::new(e.sct as u16, e.sc as u16);
        let due = spdk_env::ticks().saturating_add(e.timeout_ticks);
        self.c.err_reqs.push(Held {
            req: r,
            due,
            status,
        });
        true
    }

    /// At completion of a sent command: the status a rule imposes.
    ///
    /// # Safety
    /// `r` is the request `cpl` completes.
    pub(crate) unsafe fn inject_at_completion(&mut self, r: *mut Request, cpl: &mut Cpl) {
        let opc = (*r).cmd.opc();
        if let Some(e) = self
            .c
            .err_cmds
            .iter_mut()
            .find(|e| !e.do_not_submit && e.opc == opc && e.err_count > 0)
        {
            e.err_count -= 1;
            cpl.status = Status::new(e.sct as u16, e.sc as u16).with_p(cpl.status.p());
        }
    }

    /// Completes the held requests whose delay passed with their injected
    /// status; with `abort` (the pair's queue goes away), every one with
    /// that generic status instead, as the pair's other commands. Returns
    /// how many.
    ///
    /// # Safety
    /// As [`Qpair::process_completions`].
    pub(crate) unsafe fn complete_held(q: *mut Qpair, abort: Option<u16>) -> i32 {
        let all = abort.is_some();
        let now = spdk_env::ticks();
        let mut n = 0;
        let mut i = 0;
        loop {
            let h = {
                let held = &mut (*q).c.err_reqs;
                let Some(&h) = held.get(i) else { break };
                if !all && h.due > now {
                    i += 1;
                    continue;
                }
                held.swap_remove(i);
                h
            };
            let cpl = match abort {
                Some(sc) => crate::qpair::error_cpl((*q).c.id, 0, sc, (*q).c.abort_dnr),
                None => Cpl {
                    sqid: (*q).c.id,
                    status: h.status,
                    ..Default::default()
                },
            };
            Self::complete(q, h.req, &cpl);
            n += 1;
            if !all && (*q).c.state != QpairState::Connected {
                break;
            }
        }
        n
    }
}
