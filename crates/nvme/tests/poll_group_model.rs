//! Poll groups and queue pair connect / disconnect / reconnect through the
//! nvme.h C API against the in-memory model controller: pairs created with
//! `create_only`, added while disconnected (a connected one is refused),
//! connected, polled as a group with data checked, failed by the
//! controller and reported to the disconnected callback (which frees or
//! reconnects them), removal rules, destroy with pairs left, statistics,
//! the accel table checks, and no allocation while a group polls.

use std::ffi::c_void;
use std::ptr;

use spdk_nvme::ffi::nvme::ctrlr::*;
use spdk_nvme::ffi::nvme::ns::*;
use spdk_nvme::ffi::nvme::ns_cmd::*;
use spdk_nvme::ffi::nvme::opts::*;
use spdk_nvme::ffi::nvme::poll_group::*;
use spdk_nvme::ffi::nvme::probe::*;
use spdk_nvme::ffi::nvme::qpair::*;
use spdk_nvme::ffi::nvme::spdk_nvme_transport_type;
use spdk_nvme::model::{Model, ModelConfig};
use spdk_nvme::probe;
use spdk_nvme::spec::cmd::Cpl;

#[global_allocator]
static GLOBAL: spdk_util::alloc_count::CountingAlloc = spdk_util::alloc_count::CountingAlloc;

use spdk_nvme_qp_failure_reason as Reason;

fn attach(model: &Model) -> *mut spdk_nvme_ctrlr {
    probe::attach_model(model, None).expect("attach").cast()
}

struct Buf {
    p: *mut u8,
    len: usize,
}

impl Buf {
    fn new(len: usize) -> Buf {
        let p = spdk_env::memory::dma_alloc(len, 4096, -1)
            .expect("dma")
            .as_ptr();
        unsafe { ptr::write_bytes(p, 0, len) };
        Buf { p, len }
    }
    fn fill(&self, seed: u8) {
        for i in 0..self.len {
            unsafe { *self.p.add(i) = (i as u8).wrapping_mul(13).wrapping_add(seed) };
        }
    }
    fn bytes(&self) -> &[u8] {
        unsafe { std::slice::from_raw_parts(self.p, self.len) }
    }
    fn vp(&self) -> *mut c_void {
        self.p.cast()
    }
}

impl Drop for Buf {
    fn drop(&mut self) {
        spdk_env::memory::dma_free(std::ptr::NonNull::new(self.p).unwrap());
    }
}

#[derive(Default)]
struct Done {
    n: usize,
    cpls: Vec<Cpl>,
}

impl Done {
    fn arg(&mut self) -> *mut c_void {
        self as *mut Done as *mut c_void
    }
}

unsafe extern "C" fn cb(arg: *mut c_void, cpl: *const Cpl) {
    let d = &mut *(arg as *mut Done);
    d.n += 1;
    d.cpls.push(*cpl);
}

/// What the disconnected callback saw, and what it should do.
#[derive(Default)]
struct Disc {
    seen: Vec<*mut spdk_nvme_qpair>,
    free: bool,
    reconnect: bool,
    rcs: Vec<i32>,
}

unsafe extern "C" fn disc_cb(q: *mut spdk_nvme_qpair, ctx: *mut c_void) {
    let d = &mut *(ctx as *mut Disc);
    d.seen.push(q);
    if d.reconnect {
        d.rcs.push(spdk_nvme_ctrlr_reconnect_io_qpair(q));
    }
    if d.free {
        d.rcs.push(spdk_nvme_ctrlr_free_io_qpair(q));
    }
}

unsafe extern "C" fn never(_q: *mut spdk_nvme_qpair, _ctx: *mut c_void) {
    panic!("no pair should be disconnected");
}

/// An I/O pair created with `create_only`: allocated, not connected.
unsafe fn create_only(c: *mut spdk_nvme_ctrlr) -> *mut spdk_nvme_qpair {
    let mut o: spdk_nvme_io_qpair_opts = std::mem::zeroed();
    let size = std::mem::size_of::<spdk_nvme_io_qpair_opts>();
    spdk_nvme_ctrlr_get_default_io_qpair_opts(c, &mut o, size);
    o.create_only = true;
    let q = spdk_nvme_ctrlr_alloc_io_qpair(c, &o, size);
    assert!(!q.is_null());
    q
}

/// Polls the group until `d` has `n` completions; the group must report
/// no disconnected pair.
unsafe fn group_until(g: *mut spdk_nvme_poll_group, d: *const Done, n: usize) {
    for _ in 0..100_000 {
        if ptr::read_volatile(&(*d).n) >= n {
            return;
        }
        assert!(spdk_nvme_poll_group_process_completions(g, 0, Some(never)) >= 0);
    }
    panic!("only {} of {} completions", (*d).n, n);
}

unsafe fn pcie_stat(g: *mut spdk_nvme_poll_group) -> spdk_nvme_pcie_stat {
    let mut s: *mut spdk_nvme_poll_group_stat = ptr::null_mut();
    assert_eq!(spdk_nvme_poll_group_get_stats(g, &mut s), 0);
    assert_eq!((*s).num_transports, 1);
    let t = *(*s).transport_stat;
    assert_eq!(
        (*t).trtype.0,
        spdk_nvme_transport_type::SPDK_NVME_TRANSPORT_PCIE as i32
    );
    let p = (*t).u.pcie;
    spdk_nvme_poll_group_free_stats(g, s);
    p
}

#[test]
fn create_only_add_connect_and_io_across_two_pairs() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let bs = spdk_nvme_ns_get_sector_size(ns) as usize;
        let mut ctx = 0u8;
        let g = spdk_nvme_poll_group_create((&mut ctx as *mut u8).cast(), ptr::null_mut());
        assert!(!g.is_null());
        assert_eq!(
            spdk_nvme_poll_group_get_ctx(g),
            (&mut ctx as *mut u8).cast()
        );
        // No pair yet: no statistics (SPDK: -ENOTSUP).
        let mut s: *mut spdk_nvme_poll_group_stat = ptr::null_mut();
        assert_eq!(spdk_nvme_poll_group_get_stats(g, &mut s), -libc::ENOTSUP);

        // A connected pair is refused.
        let connected = spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0);
        assert!(spdk_nvme_qpair_is_connected(connected));
        assert_eq!(spdk_nvme_poll_group_add(g, connected), -libc::EINVAL);
        assert_eq!(
            spdk_nvme_ctrlr_connect_io_qpair(c, connected),
            -libc::EISCONN
        );

        // create_only pairs: not connected, I/O refused, until connected.
        let q1 = create_only(c);
        let q2 = create_only(c);
        assert!(!spdk_nvme_qpair_is_connected(q1));
        assert_eq!(
            spdk_nvme_qpair_get_failure_reason(q1),
            Reason::SPDK_NVME_QPAIR_FAILURE_NONE
        );
        let qid1 = spdk_nvme_qpair_get_id(q1);
        assert!(!model.with(|m| m.has_io_queue(qid1)));
        let b = Buf::new(4096);
        let mut d = Done::default();
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q1, b.vp(), 0, 1, Some(cb), d.arg(), 0),
            -libc::ENXIO
        );
        assert_eq!(spdk_nvme_qpair_process_completions(q1, 0), -libc::ENXIO);
        assert_eq!(spdk_nvme_poll_group_add(g, q1), 0);
        assert_eq!(spdk_nvme_poll_group_add(g, q1), -libc::EINVAL);
        assert_eq!(spdk_nvme_poll_group_add(g, q2), 0);
        assert_eq!(spdk_nvme_poll_group_all_connected(g), -libc::EIO);
        assert_eq!(spdk_nvme_ctrlr_connect_io_qpair(c, q1), 0);
        assert_eq!(spdk_nvme_ctrlr_connect_io_qpair(c, q2), 0);
        assert!(model.with(|m| m.has_io_queue(qid1)));
        assert_eq!(spdk_nvme_ctrlr_connect_io_qpair(c, q1), -libc::EISCONN);
        assert_eq!(spdk_nvme_poll_group_all_connected(g), 0);
        // Connected members cannot be removed.
        assert_eq!(spdk_nvme_poll_group_remove(g, q1), -libc::EINVAL);

        // I/O on both pairs, completed by polling the group only.
        let blocks = 8u32;
        let len = blocks as usize * bs;
        let w1 = Buf::new(len);
        let w2 = Buf::new(len);
        w1.fill(1);
        w2.fill(2);
        let r1 = Buf::new(len);
        let r2 = Buf::new(len);
        let mut d = Done::default();
        let da = d.arg();
        assert_eq!(
            spdk_nvme_ns_cmd_write(ns, q1, w1.vp(), 0, blocks, Some(cb), da, 0),
            0
        );
        assert_eq!(
            spdk_nvme_ns_cmd_write(ns, q2, w2.vp(), 64, blocks, Some(cb), da, 0),
            0
        );
        group_until(g, da.cast(), 2);
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q1, r1.vp(), 0, blocks, Some(cb), da, 0),
            0
        );
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q2, r2.vp(), 64, blocks, Some(cb), da, 0),
            0
        );
        group_until(g, da.cast(), 4);
        assert!(d.cpls.iter().all(|c| c.is_success()));
        assert!(w1.bytes() == r1.bytes(), "pair 1 data differs");
        assert!(w2.bytes() == r2.bytes(), "pair 2 data differs");
        // Each call reports how many completions it reaped.
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q1, r1.vp(), 0, blocks, Some(cb), da, 0),
            0
        );
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q2, r2.vp(), 64, blocks, Some(cb), da, 0),
            0
        );
        assert_eq!(
            spdk_nvme_poll_group_process_completions(g, 0, Some(never)),
            2
        );

        // Statistics: what the two pairs did in the group.
        let p = pcie_stat(g);
        assert_eq!(p.submitted_requests, 6);
        assert_eq!(p.completions, 6);
        assert_eq!(p.queued_requests, 0);
        assert!(p.polls >= 6 && p.idle_polls < p.polls, "{p:?}");
        assert!(p.sq_mmio_doorbell_updates + p.sq_shadow_doorbell_updates >= 6);
        assert!(p.cq_mmio_doorbell_updates + p.cq_shadow_doorbell_updates >= 3);

        // NULL callback or group.
        assert_eq!(
            spdk_nvme_poll_group_process_completions(g, 0, None),
            -(libc::EINVAL as i64)
        );
        assert_eq!(
            spdk_nvme_poll_group_process_completions(ptr::null_mut(), 0, Some(never)),
            -(libc::EINVAL as i64)
        );

        // Destroy with pairs left: -EBUSY. Freeing a pair takes it out.
        assert_eq!(spdk_nvme_poll_group_destroy(g), -libc::EBUSY);
        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q1), 0);
        assert_eq!(spdk_nvme_poll_group_destroy(g), -libc::EBUSY);
        // Remove a disconnected member; again: not there.
        spdk_nvme_ctrlr_disconnect_io_qpair(q2);
        assert_eq!(spdk_nvme_poll_group_remove(g, q2), 0);
        assert_eq!(spdk_nvme_poll_group_remove(g, q2), -libc::ENOENT);
        // Counters of pairs that left stay with the group.
        assert_eq!(pcie_stat(g).completions, 6);
        assert_eq!(spdk_nvme_poll_group_destroy(g), 0);
        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q2), 0);
        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(connected), 0);
        spdk_nvme_detach(c);
    }
}

#[test]
fn failed_controller_reaches_the_disconnected_callback() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let mut disc = Disc::default();
        let g = spdk_nvme_poll_group_create((&mut disc as *mut Disc).cast(), ptr::null_mut());
        let q1 = create_only(c);
        let q2 = create_only(c);
        for q in [q1, q2] {
            assert_eq!(spdk_nvme_poll_group_add(g, q), 0);
            assert_eq!(spdk_nvme_ctrlr_connect_io_qpair(c, q), 0);
        }
        // A command the device holds, so it is outstanding at the failure.
        model.set_auto_step(false);
        let b = Buf::new(4096);
        let mut d = Done::default();
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q1, b.vp(), 0, 8, Some(cb), d.arg(), 0),
            0
        );
        assert_eq!(
            spdk_nvme_poll_group_process_completions(g, 0, Some(disc_cb)),
            0
        );
        assert!(disc.seen.is_empty());
        spdk_nvme_ctrlr_fail(c);
        assert_eq!(d.n, 1);
        assert!(d.cpls[0].is_error());
        for q in [q1, q2] {
            assert!(!spdk_nvme_qpair_is_connected(q));
            assert_eq!(
                spdk_nvme_qpair_get_failure_reason(q),
                Reason::SPDK_NVME_QPAIR_FAILURE_LOCAL
            );
        }
        // Every disconnected pair is reported on each poll until the
        // application acts; a failed controller cannot reconnect them.
        disc.reconnect = true;
        assert_eq!(
            spdk_nvme_poll_group_process_completions(g, 0, Some(disc_cb)),
            0
        );
        assert_eq!(disc.seen, vec![q1, q2]);
        assert_eq!(disc.rcs, vec![-libc::ENXIO, -libc::ENXIO]);
        assert_eq!(spdk_nvme_poll_group_all_connected(g), -libc::EIO);
        assert_eq!(spdk_nvme_poll_group_destroy(g), -libc::EBUSY);
        // The callback frees them; the group is then empty.
        disc.reconnect = false;
        disc.free = true;
        disc.seen.clear();
        disc.rcs.clear();
        assert_eq!(
            spdk_nvme_poll_group_process_completions(g, 0, Some(disc_cb)),
            0
        );
        assert_eq!(disc.seen, vec![q1, q2]);
        assert_eq!(disc.rcs, vec![0, 0]);
        assert_eq!(spdk_nvme_poll_group_destroy(g), 0);
        spdk_nvme_detach(c);
    }
}

#[test]
fn disconnect_reconnect_and_reset() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let mut disc = Disc::default();
        let g = spdk_nvme_poll_group_create((&mut disc as *mut Disc).cast(), ptr::null_mut());
        let q = create_only(c);
        let qid = spdk_nvme_qpair_get_id(q);
        assert_eq!(spdk_nvme_poll_group_add(g, q), 0);
        assert_eq!(spdk_nvme_ctrlr_reconnect_io_qpair(q), 0);
        assert!(spdk_nvme_qpair_is_connected(q));
        // Reconnecting a connected pair does nothing.
        assert_eq!(spdk_nvme_ctrlr_reconnect_io_qpair(q), 0);

        // Disconnect with a command outstanding: it ends aborted, the
        // controller's queues go, I/O and polling report -ENXIO.
        model.set_auto_step(false);
        let b = Buf::new(4096);
        let mut d = Done::default();
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 8, Some(cb), d.arg(), 0),
            0
        );
        assert_eq!(spdk_nvme_qpair_process_completions(q, 0), 0);
        spdk_nvme_ctrlr_disconnect_io_qpair(q);
        assert_eq!(d.n, 1);
        assert_eq!((d.cpls[0].status.sct(), d.cpls[0].status.sc()), (0, 0x08));
        model.set_auto_step(true);
        assert!(!model.with(|m| m.has_io_queue(qid)));
        assert_eq!(spdk_nvme_qpair_process_completions(q, 0), -libc::ENXIO);
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 8, Some(cb), d.arg(), 0),
            -libc::ENXIO
        );
        // Disconnected by the application: the reason stays NONE (SPDK).
        assert_eq!(
            spdk_nvme_qpair_get_failure_reason(q),
            Reason::SPDK_NVME_QPAIR_FAILURE_NONE
        );
        // A controller reset leaves it disconnected.
        assert_eq!(spdk_nvme_ctrlr_reset(c), 0);
        assert!(!spdk_nvme_qpair_is_connected(q));
        assert!(!model.with(|m| m.has_io_queue(qid)));
        // The group reports it; the callback reconnects it.
        disc.reconnect = true;
        assert_eq!(
            spdk_nvme_poll_group_process_completions(g, 0, Some(disc_cb)),
            0
        );
        assert_eq!(disc.seen, vec![q]);
        assert_eq!(disc.rcs, vec![0]);
        assert!(spdk_nvme_qpair_is_connected(q));
        assert!(model.with(|m| m.has_io_queue(qid)));
        let mut d = Done::default();
        let da = d.arg();
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 8, Some(cb), da, 0),
            0
        );
        group_until(g, da.cast(), 1);
        assert!(d.cpls[0].is_success());

        // A reset reconnects a connected member: the reason is LOCAL
        // while it runs, NONE after.
        assert_eq!(spdk_nvme_ctrlr_reset(c), 0);
        assert!(spdk_nvme_qpair_is_connected(q));
        assert_eq!(
            spdk_nvme_qpair_get_failure_reason(q),
            Reason::SPDK_NVME_QPAIR_FAILURE_NONE
        );
        assert_eq!(spdk_nvme_poll_group_all_connected(g), 0);

        // Bad handles.
        assert_eq!(
            spdk_nvme_ctrlr_connect_io_qpair(ptr::null_mut(), q),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ctrlr_reconnect_io_qpair(ptr::null_mut()),
            -libc::EINVAL
        );
        spdk_nvme_ctrlr_disconnect_io_qpair(ptr::null_mut());
        assert_eq!(spdk_nvme_poll_group_add(g, ptr::null_mut()), -libc::EINVAL);
        assert_eq!(spdk_nvme_poll_group_destroy(ptr::null_mut()), -libc::EINVAL);

        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
        assert_eq!(spdk_nvme_poll_group_destroy(g), 0);
        spdk_nvme_detach(c);
    }
}

#[test]
fn free_a_member_from_its_completion_callback() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let g = spdk_nvme_poll_group_create(ptr::null_mut(), ptr::null_mut());
        let qs: Vec<_> = (0..3).map(|_| create_only(c)).collect();
        for &q in &qs {
            assert_eq!(spdk_nvme_poll_group_add(g, q), 0);
            assert_eq!(spdk_nvme_ctrlr_connect_io_qpair(c, q), 0);
        }
        unsafe extern "C" fn free_me(arg: *mut c_void, _c: *const Cpl) {
            assert_eq!(spdk_nvme_ctrlr_free_io_qpair(arg.cast()), 0);
        }
        let b = Buf::new(4096);
        // The first pair frees itself; the others still get polled.
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, qs[0], b.vp(), 0, 1, Some(free_me), qs[0].cast(), 0),
            0
        );
        let mut d = Done::default();
        for &q in &qs[1..] {
            assert_eq!(
                spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 1, Some(cb), d.arg(), 0),
                0
            );
        }
        assert_eq!(
            spdk_nvme_poll_group_process_completions(g, 0, Some(never)),
            3
        );
        assert_eq!(d.n, 2);
        for &q in &qs[1..] {
            assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
        }
        assert_eq!(spdk_nvme_poll_group_destroy(g), 0);
        spdk_nvme_detach(c);
    }
}

#[test]
fn accel_table_is_checked_as_spdk_does() {
    unsafe extern "C" fn f() {}
    let fp = f as *const c_void;
    let table = |size: usize, fns: [bool; 5]| spdk_nvme_accel_fn_table {
        table_size: size,
        reserved8: [0; 8],
        finish_sequence: if fns[0] { fp } else { ptr::null() },
        reverse_sequence: if fns[1] { fp } else { ptr::null() },
        abort_sequence: if fns[2] { fp } else { ptr::null() },
        append_crc32c: if fns[3] { fp } else { ptr::null() },
        append_copy: if fns[4] { fp } else { ptr::null() },
    };
    let full = std::mem::size_of::<spdk_nvme_accel_fn_table>();
    unsafe {
        let try_create = |mut t: spdk_nvme_accel_fn_table| {
            let g = spdk_nvme_poll_group_create(ptr::null_mut(), &mut t);
            if g.is_null() {
                false
            } else {
                assert_eq!(spdk_nvme_poll_group_destroy(g), 0);
                true
            }
        };
        assert!(try_create(table(full, [false; 5])));
        assert!(try_create(table(full, [true, true, true, true, true])));
        assert!(try_create(table(full, [true, true, true, false, false])));
        // Some sequence callbacks only, or appends without them: refused.
        assert!(!try_create(table(full, [true, false, false, false, false])));
        assert!(!try_create(table(full, [false, false, false, true, false])));
        // Fields past table_size do not count; table_size 0: no table.
        assert!(!try_create(table(24, [true, true, true, false, false])));
        assert!(try_create(table(0, [true, false, false, true, false])));
    }
}

#[test]
fn group_polling_allocates_nothing() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let g = spdk_nvme_poll_group_create(ptr::null_mut(), ptr::null_mut());
        let qs: Vec<_> = (0..2).map(|_| create_only(c)).collect();
        for &q in &qs {
            assert_eq!(spdk_nvme_poll_group_add(g, q), 0);
            assert_eq!(spdk_nvme_ctrlr_connect_io_qpair(c, q), 0);
        }
        let b = Buf::new(65536);
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        unsafe extern "C" fn count(_a: *mut c_void, cpl: *const Cpl) {
            assert!((*cpl).is_success());
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        // Warm up.
        spdk_nvme_ns_cmd_read(ns, qs[0], b.vp(), 0, 8, Some(count), ptr::null_mut(), 0);
        spdk_nvme_poll_group_process_completions(g, 0, Some(never));
        let allocs = spdk_util::alloc_count::count_allocations(|| {
            for i in 0..1000u64 {
                let lba = (i * 16) % 1024;
                for &q in &qs {
                    spdk_nvme_ns_cmd_read(ns, q, b.vp(), lba, 8, Some(count), ptr::null_mut(), 0);
                    spdk_nvme_ns_cmd_write(ns, q, b.vp(), lba, 16, Some(count), ptr::null_mut(), 0);
                }
                spdk_nvme_poll_group_process_completions(g, 0, Some(never));
            }
            while qs
                .iter()
                .any(|&q| spdk_nvme_qpair_get_num_outstanding_reqs(q) > 0)
            {
                spdk_nvme_poll_group_process_completions(g, 0, Some(never));
            }
        });
        assert_eq!(allocs, 0, "allocations while the group polls");
        assert_eq!(N.load(std::sync::atomic::Ordering::Relaxed), 4001);
        for &q in &qs {
            assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
        }
        assert_eq!(spdk_nvme_poll_group_destroy(g), 0);
        spdk_nvme_detach(c);
    }
}
