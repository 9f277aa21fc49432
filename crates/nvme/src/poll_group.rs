//! Poll groups: I/O queue pairs polled for completions as one unit, from
//! one thread, with a callback for each pair that is disconnected.
//!
//! A pair joins a group while disconnected (allocated with `create_only`,
//! or disconnected by the application) and is then connected, polled and
//! reconnected through the usual calls; the group reads each member's
//! state when it polls, so a pair failed by its controller or its
//! transport is reported to the disconnected callback from then on until
//! it is reconnected, removed or freed.
//!
//! Callbacks (completions and the disconnected callback) may free,
//! disconnect, remove or add pairs while the group polls: the members are
//! a vector walked with a cursor that removals adjust. Polling allocates
//! nothing and takes no lock.
//!
//! Statistics follow SPDK's per-transport groups: one set of counters per
//! transport that ever had a pair in the group (PCIe, which includes the
//! in-memory model, and TCP), counting what the members did while they
//! were members.

use std::ffi::c_void;

use crate::kind::CtrlrKind;
use crate::qpair::{PairStats, Qpair, QpairState};

/// The transports a group keeps statistics for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupTransport {
    /// PCIe (and the in-memory model, which runs the PCIe queue code).
    Pcie,
    Tcp,
}

/// Counters of one transport of a group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TransportStats {
    /// Counters of the members of this transport while they were members.
    pub pairs: PairStats,
    /// Calls of [`PollGroup::process_completions`] since the transport
    /// joined the group (TCP counts its polls per group, as SPDK).
    pub group_polls: u64,
}

struct Member {
    q: *mut Qpair,
    /// The pair's counters when it joined.
    base: PairStats,
    transport: GroupTransport,
}

/// A poll group.
pub struct PollGroup {
    pub ctx: *mut c_void,
    members: Vec<Member>,
    /// The next member to poll while polling.
    cursor: usize,
    in_process: bool,
    /// Counters of pairs that left, per transport; Some once a pair of
    /// that transport joined.
    pcie: Option<TransportStats>,
    tcp: Option<TransportStats>,
}

/// The group transport of a pair.
///
/// # Safety
/// `q` is a live pair with a live controller.
unsafe fn transport_of(q: *mut Qpair) -> GroupTransport {
    let c = (*q).c.ctrlr;
    if !c.is_null() && matches!((*c).t, CtrlrKind::Tcp(_)) {
        GroupTransport::Tcp
    } else {
        GroupTransport::Pcie
    }
}

impl PollGroup {
    /// An empty group with the application's context `ctx`.
    pub fn new(ctx: *mut c_void) -> Box<PollGroup> {
        Box::new(PollGroup {
            ctx,
            members: Vec::new(),
            cursor: 0,
            in_process: false,
            pcie: None,
            tcp: None,
        })
    }

    /// Pairs in the group.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    fn stats_mut(&mut self, t: GroupTransport) -> &mut Option<TransportStats> {
        match t {
            GroupTransport::Pcie => &mut self.pcie,
            GroupTransport::Tcp => &mut self.tcp,
        }
    }

    /// Adds a disconnected I/O pair. -EINVAL when the pair is connected,
    /// is an admin pair or already belongs to a group.
    ///
    /// # Safety
    /// `g` and `q` are live; `q` is an I/O pair of a live controller.
    pub unsafe fn add(g: *mut PollGroup, q: *mut Qpair) -> Result<(), i32> {
        if (*q).c.state != QpairState::Disconnected || (*q).is_admin() || !(*q).c.group.is_null() {
            return Err(-libc::EINVAL);
        }
        let t = transport_of(q);
        let g = &mut *g;
        g.members.try_reserve(1).map_err(|_| -libc::ENOMEM)?;
        g.stats_mut(t).get_or_insert_with(TransportStats::default);
        g.members.push(Member {
            q,
            base: (*q).stats(),
            transport: t,
        });
        (*q).c.group = g;
        Ok(())
    }

    /// Removes a disconnected pair. -EINVAL when it is connected, -ENODEV
    /// when no pair of its transport was ever in the group, -ENOENT when
    /// it is not in the group.
    ///
    /// # Safety
    /// `g` and `q` are live.
    pub unsafe fn remove(g: *mut PollGroup, q: *mut Qpair) -> Result<(), i32> {
        if (*q).c.state != QpairState::Disconnected {
            return Err(-libc::EINVAL);
        }
        if (*g).stats_mut(transport_of(q)).is_none() {
            return Err(-libc::ENODEV);
        }
        if Self::detach(g, q) {
            Ok(())
        } else {
            Err(-libc::ENOENT)
        }
    }

    /// Takes `q` out of the group whatever its state (the pair is being
    /// freed); its counters stay with the group. Whether it was a member.
    ///
    /// # Safety
    /// `g` and `q` are live.
    pub(crate) unsafe fn detach(g: *mut PollGroup, q: *mut Qpair) -> bool {
        let g = &mut *g;
        let Some(j) = g.members.iter().position(|m| m.q == q) else {
            return false;
        };
        let m = g.members.remove(j);
        if g.in_process && j < g.cursor {
            g.cursor -= 1;
        }
        let delta = (*q).stats().since(&m.base);
        if let Some(s) = g.stats_mut(m.transport) {
            s.pairs.add(&delta);
        }
        (*q).c.group = std::ptr::null_mut();
        true
    }

    /// Polls every member: up to `per_qpair` completions each (0: all
    /// there are), and `cb` for each pair that is disconnected or fails
    /// in this call. Returns the completions, or -ENXIO when a pair failed
    /// in this call (the others were still polled). 0 when called from
    /// one of its own callbacks.
    ///
    /// # Safety
    /// `g` is live; callbacks may use the group and its pairs.
    pub unsafe fn process_completions<F: FnMut(*mut Qpair, *mut c_void)>(
        g: *mut PollGroup,
        per_qpair: u32,
        mut cb: F,
    ) -> i64 {
        if (*g).in_process {
            return 0;
        }
        (*g).in_process = true;
        if let Some(t) = (*g).tcp.as_mut() {
            t.group_polls += 1;
        }
        if let Some(t) = (*g).pcie.as_mut() {
            t.group_polls += 1;
        }
        let mut total: i64 = 0;
        let mut failed = false;
        (*g).cursor = 0;
        while (*g).cursor < (*g).members.len() {
            let i = (*g).cursor;
            let q = (&(*g).members)[i].q;
            (*g).cursor = i + 1;
            if (*q).c.state != QpairState::Connected {
                cb(q, (*g).ctx);
                continue;
            }
            let rc = Qpair::process_completions(q, per_qpair);
            if rc >= 0 {
                total += rc as i64;
                continue;
            }
            failed = true;
            // Report it unless a callback already freed or removed it.
            let c = (*g).cursor;
            if c > 0 && (&(*g).members)[c - 1].q == q && (*q).c.state != QpairState::Connected {
                cb(q, (*g).ctx);
            }
        }
        (*g).in_process = false;
        if failed {
            -(libc::ENXIO as i64)
        } else {
            total
        }
    }

    /// 0 when every member is connected, -EIO when one is not (pairs
    /// connect synchronously here: none is ever still connecting).
    pub fn all_connected(&self) -> i32 {
        for m in &self.members {
            // SAFETY: members are live pairs.
            if unsafe { (*m.q).c.state } != QpairState::Connected {
                return -libc::EIO;
            }
        }
        0
    }

    /// The counters of each transport that had pairs in the group, PCIe
    /// first: those of pairs that left plus those of the members since
    /// they joined.
    pub fn stats(&self) -> Vec<(GroupTransport, TransportStats)> {
        let mut out = Vec::new();
        for (t, s) in [
            (GroupTransport::Pcie, self.pcie),
            (GroupTransport::Tcp, self.tcp),
        ] {
            let Some(mut s) = s else { continue };
            for m in self.members.iter().filter(|m| m.transport == t) {
                // SAFETY: members are live pairs.
                let now = unsafe { (*m.q).stats() };
                s.pairs.add(&now.since(&m.base));
            }
            out.push((t, s));
        }
        out
    }

    /// Whether the group is polling (its callbacks are running).
    pub fn in_process(&self) -> bool {
        self.in_process
    }
}
