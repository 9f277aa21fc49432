//! The nvme_zns.h C API against the in-memory model with a zoned
//! namespace: the zoned data fetched at initialization and its getters,
//! Zone Append (the LBA in the completion, never split, its limits),
//! writes against the write pointer, zone reports (full, partial,
//! filtered, extended), zone state transitions (single and select all),
//! and a controller refusing the zoned identify data.

use std::ffi::{c_int, c_void};
use std::ptr;

use spdk_nvme::ffi::nvme::ctrlr::*;
use spdk_nvme::ffi::nvme::ns::*;
use spdk_nvme::ffi::nvme::ns_cmd::*;
use spdk_nvme::ffi::nvme::probe::spdk_nvme_detach;
use spdk_nvme::ffi::nvme::qpair::*;
use spdk_nvme::ffi::nvme_zns::*;
use spdk_nvme::model::{self, Model, ModelConfig, ModelNs, ModelZoned};
use spdk_nvme::probe;
use spdk_nvme::spec::cmd::Cpl;
use spdk_nvme::spec::ns::{ZnsZoneDesc, ZnsZoneReport};
use spdk_nvme::spec::Pod;

#[global_allocator]
static GLOBAL: spdk_util::alloc_count::CountingAlloc = spdk_util::alloc_count::CountingAlloc;

const ZONE: u64 = 256;
const ZONES: u64 = 16;
const BS: usize = 512;

// Status codes of the zoned command set (command specific).
const SC_ZONE_BOUNDARY_ERROR: u16 = 0xb8;
const SC_ZONE_IS_FULL: u16 = 0xb9;
const SC_ZONE_IS_OFFLINE: u16 = 0xbb;
const SC_ZONE_INVALID_WRITE: u16 = 0xbc;
const SC_TOO_MANY_OPEN_ZONES: u16 = 0xbe;
const SC_INVALID_ZONE_STATE_TRANSITION: u16 = 0xbf;

// Report filters (enum spdk_nvme_zns_zra_report_opts).
const ZRA_ALL: ZraArg = ZraArg(0);
const ZRA_EMPTY: ZraArg = ZraArg(1);
const ZRA_IOPEN: ZraArg = ZraArg(2);
const ZRA_FULL: ZraArg = ZraArg(5);

fn zoned_cfg() -> ModelConfig {
    ModelConfig {
        namespaces: vec![
            ModelNs {
                blocks: ZONE * ZONES,
                zoned: Some(ModelZoned {
                    zone_size: ZONE,
                    zone_capacity: 0,
                    max_open: 4,
                    max_active: 6,
                    zdes: 1,
                }),
                ..Default::default()
            },
            ModelNs::default(),
        ],
        // 16 KiB zone appends.
        zasl: 2,
        ..Default::default()
    }
}

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
            unsafe { *self.p.add(i) = (i as u8).wrapping_mul(7).wrapping_add(seed) };
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
    fn last(&self) -> Cpl {
        *self.cpls.last().expect("a completion")
    }
}

unsafe extern "C" fn cb(arg: *mut c_void, cpl: *const Cpl) {
    let d = &mut *(arg as *mut Done);
    d.n += 1;
    d.cpls.push(*cpl);
}

unsafe fn wait(q: *mut spdk_nvme_qpair, d: &Done, n: usize) -> Cpl {
    for _ in 0..100_000 {
        if d.n >= n {
            return d.last();
        }
        assert!(spdk_nvme_qpair_process_completions(q, 0) >= 0);
    }
    panic!("only {} of {} completions", d.n, n);
}

fn sc(c: &Cpl) -> (u16, u16) {
    (c.status.sct(), c.status.sc())
}

/// Runs one command (`f` submits it with the callback and argument) and
/// returns its completion.
unsafe fn run(
    q: *mut spdk_nvme_qpair,
    f: impl FnOnce(spdk_nvme_cmd_cb, *mut c_void) -> c_int,
) -> Cpl {
    let mut d = Done::default();
    assert_eq!(f(Some(cb), d.arg()), 0);
    wait(q, &d, 1)
}

struct Setup {
    model: Model,
    c: *mut spdk_nvme_ctrlr,
    ns: *mut spdk_nvme_ns,
    q: *mut spdk_nvme_qpair,
}

impl Drop for Setup {
    fn drop(&mut self) {
        unsafe {
            spdk_nvme_ctrlr_free_io_qpair(self.q);
            spdk_nvme_detach(self.c);
        }
    }
}

fn setup(cfg: ModelConfig) -> Setup {
    let model = Model::new(cfg);
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0);
        assert!(!q.is_null());
        Setup { model, c, ns, q }
    }
}

unsafe fn write(s: &Setup, lba: u64, blocks: u32, seed: u8) -> Cpl {
    let b = Buf::new(blocks as usize * BS);
    b.fill(seed);
    run(s.q, |f, a| {
        spdk_nvme_ns_cmd_write(s.ns, s.q, b.vp(), lba, blocks, f, a, 0)
    })
}

unsafe fn append(s: &Setup, zslba: u64, blocks: u32, b: &Buf) -> Cpl {
    run(s.q, |f, a| {
        spdk_nvme_zns_zone_append(s.ns, s.q, b.vp(), zslba, blocks, f, a, 0)
    })
}

/// A zone report of `len` bytes: (nr_zones, descriptors in it).
unsafe fn report(
    s: &Setup,
    slba: u64,
    len: usize,
    opts: ZraArg,
    partial: bool,
) -> (u64, Vec<ZnsZoneDesc>) {
    // Ordinary memory: the driver bounces it.
    let mut out = vec![0xa5u8; len];
    let p = out.as_mut_ptr().cast();
    let c = run(s.q, |f, a| {
        spdk_nvme_zns_report_zones(s.ns, s.q, p, len as u32, slba, opts, partial, f, a)
    });
    assert!(c.is_success(), "report {:?}", sc(&c));
    let hdr = ZnsZoneReport::read_from(&out[..64]).unwrap();
    let descs = out[64..]
        .chunks_exact(64)
        .take(hdr.nr_zones as usize)
        .filter_map(ZnsZoneDesc::read_from)
        .collect();
    (hdr.nr_zones, descs)
}

fn state(d: &ZnsZoneDesc) -> u8 {
    d.zt_zs.zs() as u8
}

unsafe fn zone_state(s: &Setup, zone: u64) -> u8 {
    let (_, d) = report(s, zone * ZONE, 128, ZRA_ALL, true);
    assert_eq!({ d[0].zslba }, zone * ZONE);
    state(&d[0])
}

#[test]
fn getters_of_zoned_and_other_namespaces() {
    let s = setup(zoned_cfg());
    unsafe {
        let ns = s.ns;
        assert_eq!(spdk_nvme_ns_get_csi(ns).0, 2);
        let zd = spdk_nvme_zns_ns_get_data(ns);
        assert!(!zd.is_null());
        assert_eq!({ (*zd).lbafe[0].zsze }, ZONE);
        assert_eq!(spdk_nvme_zns_ns_get_zone_size_sectors(ns), ZONE);
        assert_eq!(spdk_nvme_zns_ns_get_zone_size(ns), ZONE * BS as u64);
        assert_eq!(spdk_nvme_zns_ns_get_num_zones(ns), ZONES);
        assert_eq!(spdk_nvme_zns_ns_get_max_open_zones(ns), 4);
        assert_eq!(spdk_nvme_zns_ns_get_max_active_zones(ns), 6);
        let cd = spdk_nvme_zns_ctrlr_get_data(s.c);
        assert!(!cd.is_null());
        assert_eq!((*cd).zasl, 2);
        assert_eq!(spdk_nvme_zns_ctrlr_get_max_zone_append_size(s.c), 16384);
        // Zone append is in the zoned commands supported log.
        assert_ne!(spdk_nvme_ctrlr_get_flags(s.c) & (1 << 5), 0);
        // All I/O command sets were enabled (CC.CSS 6).
        assert_eq!((*spdk_nvme_ctrlr_get_opts(s.c)).command_set.0, 6);

        // The NVM namespace has no zoned data.
        let nvm = spdk_nvme_ctrlr_get_ns(s.c, 2);
        assert_eq!(spdk_nvme_ns_get_csi(nvm).0, 0);
        assert!(spdk_nvme_zns_ns_get_data(nvm).is_null());
        assert_eq!(spdk_nvme_zns_ns_get_zone_size_sectors(nvm), 0);
        assert_eq!(spdk_nvme_zns_ns_get_zone_size(nvm), 0);
        assert_eq!(spdk_nvme_zns_ns_get_num_zones(nvm), 0);
        assert_eq!(spdk_nvme_zns_ns_get_max_open_zones(nvm), 0);
        assert_eq!(spdk_nvme_zns_ns_get_max_active_zones(nvm), 0);
        // NULL handles.
        assert!(spdk_nvme_zns_ns_get_data(ptr::null_mut()).is_null());
        assert_eq!(spdk_nvme_zns_ns_get_num_zones(ptr::null_mut()), 0);
        assert!(spdk_nvme_zns_ctrlr_get_data(ptr::null_mut()).is_null());
        assert_eq!(spdk_nvme_zns_ctrlr_get_max_zone_append_size(ptr::null()), 0);
    }
}

#[test]
fn nvm_only_controller_has_no_zoned_data() {
    let s = setup(ModelConfig::default());
    unsafe {
        assert!(spdk_nvme_zns_ctrlr_get_data(s.c).is_null());
        assert_eq!(spdk_nvme_zns_ctrlr_get_max_zone_append_size(s.c), 0);
        assert!(spdk_nvme_zns_ns_get_data(s.ns).is_null());
        assert_eq!((*spdk_nvme_ctrlr_get_opts(s.c)).command_set.0, 0);
        let b = Buf::new(4096);
        let rc = spdk_nvme_zns_zone_append(s.ns, s.q, b.vp(), 0, 1, Some(cb), ptr::null_mut(), 0);
        assert_eq!(rc, -libc::EINVAL);
    }
}

#[test]
fn append_returns_the_lba_and_allocates_nothing() {
    let s = setup(zoned_cfg());
    unsafe {
        let b = Buf::new(8 * BS);
        b.fill(1);
        let c = append(&s, 0, 4, &b);
        assert!(c.is_success(), "{:?}", sc(&c));
        assert_eq!((c.cdw0, c.cdw1), (0, 0));
        let c = append(&s, 0, 8, &b);
        assert_eq!(c.cdw0, 4);
        let c = append(&s, ZONE, 2, &b);
        assert_eq!(c.cdw0 as u64, ZONE);
        assert_eq!(zone_state(&s, 0), model::ZS_IOPEN);
        // The data landed where the completions said.
        let disk = s
            .model
            .with(|d| d.disk(1).unwrap()[4 * BS..12 * BS].to_vec());
        assert_eq!(disk, b.bytes()[..8 * BS]);
        assert_eq!(s.model.with(|d| d.zone(1, 0)), Some((model::ZS_IOPEN, 12)));

        // With metadata arguments and through a scatter list (one element).
        let c = run(s.q, |f, a| {
            spdk_nvme_zns_zone_append_with_md(
                s.ns,
                s.q,
                b.vp(),
                ptr::null_mut(),
                0,
                1,
                f,
                a,
                0,
                0,
                0,
            )
        });
        assert_eq!(c.cdw0, 12);
        // The scatter list's callbacks get the command's callback
        // argument, as in SPDK.
        let mut sg = Sgl {
            elems: vec![(b.p, 4096)],
            i: 0,
            off: 0,
            cpl: None,
        };
        let sarg = &mut sg as *mut Sgl as *mut c_void;
        let rc = spdk_nvme_zns_zone_appendv(
            s.ns,
            s.q,
            0,
            8,
            Some(sgl_done),
            sarg,
            0,
            Some(sgl_reset),
            Some(sgl_next),
        );
        assert_eq!(rc, 0);
        for _ in 0..100_000 {
            if sg.cpl.is_some() {
                break;
            }
            spdk_nvme_qpair_process_completions(s.q, 0);
        }
        let c = sg.cpl.expect("appendv completion");
        assert!(c.is_success(), "{:?}", sc(&c));
        assert_eq!(c.cdw0, 13);
        assert_eq!(s.model.with(|d| d.zone(1, 0)), Some((model::ZS_IOPEN, 21)));

        // Submit and complete appends without allocating.
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        unsafe extern "C" fn count(_a: *mut c_void, cpl: *const Cpl) {
            assert!((*cpl).is_success());
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        let zs = 3 * ZONE;
        spdk_nvme_zns_zone_append(s.ns, s.q, b.vp(), zs, 1, Some(count), ptr::null_mut(), 0);
        spdk_nvme_qpair_process_completions(s.q, 0);
        let allocs = spdk_util::alloc_count::count_allocations(|| {
            for _ in 0..100 {
                let rc = spdk_nvme_zns_zone_append(
                    s.ns,
                    s.q,
                    b.vp(),
                    zs,
                    1,
                    Some(count),
                    ptr::null_mut(),
                    0,
                );
                assert_eq!(rc, 0);
                spdk_nvme_qpair_process_completions(s.q, 0);
            }
            while spdk_nvme_qpair_get_num_outstanding_reqs(s.q) > 0 {
                spdk_nvme_qpair_process_completions(s.q, 0);
            }
        });
        assert_eq!(N.load(std::sync::atomic::Ordering::Relaxed), 101);
        assert_eq!(allocs, 0, "allocations during zone appends");
    }
}

struct Sgl {
    elems: Vec<(*mut u8, u32)>,
    i: usize,
    off: u32,
    cpl: Option<Cpl>,
}

unsafe extern "C" fn sgl_done(arg: *mut c_void, cpl: *const Cpl) {
    (*(arg as *mut Sgl)).cpl = Some(*cpl);
}

unsafe extern "C" fn sgl_reset(arg: *mut c_void, offset: u32) {
    let s = &mut *(arg as *mut Sgl);
    s.i = 0;
    s.off = offset;
    while s.i < s.elems.len() && s.off >= s.elems[s.i].1 {
        s.off -= s.elems[s.i].1;
        s.i += 1;
    }
}

unsafe extern "C" fn sgl_next(arg: *mut c_void, addr: *mut *mut c_void, len: *mut u32) -> c_int {
    let s = &mut *(arg as *mut Sgl);
    let Some(&(p, l)) = s.elems.get(s.i) else {
        return -1;
    };
    *addr = p.add(s.off as usize).cast();
    *len = l - s.off;
    s.off = 0;
    s.i += 1;
    0
}

#[test]
fn append_limits_are_einval() {
    let s = setup(zoned_cfg());
    unsafe {
        let b = Buf::new(64 * 1024);
        let (ns, q) = (s.ns, s.q);
        let n = ptr::null_mut();
        // 32 blocks = 16 KiB fits; 33 do not (never split).
        let c = append(&s, 0, 32, &b);
        assert!(c.is_success());
        assert_eq!(
            spdk_nvme_zns_zone_append(ns, q, b.vp(), 0, 33, Some(cb), n, 0),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_zns_zone_append(ns, q, ptr::null_mut(), 0, 1, Some(cb), n, 0),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_zns_zone_append(ptr::null_mut(), q, b.vp(), 0, 1, Some(cb), n, 0),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_zns_zone_append(ns, ptr::null_mut(), b.vp(), 0, 1, Some(cb), n, 0),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_zns_zone_append(ns, q, b.vp(), 0, 0, Some(cb), n, 0),
            -libc::EINVAL
        );
        // Bad io_flags.
        assert_eq!(
            spdk_nvme_zns_zone_append(ns, q, b.vp(), 0, 1, Some(cb), n, 0x100),
            -libc::EINVAL
        );
        // The NVM namespace has no zone append.
        let nvm = spdk_nvme_ctrlr_get_ns(s.c, 2);
        assert_eq!(
            spdk_nvme_zns_zone_append(nvm, q, b.vp(), 0, 1, Some(cb), n, 0),
            -libc::EINVAL
        );
        // Missing scatter list callbacks.
        assert_eq!(
            spdk_nvme_zns_zone_appendv(ns, q, 0, 1, Some(cb), n, 0, None, Some(sgl_next)),
            -libc::EINVAL
        );
        // A scatter list PRPs cannot carry in one command (an element
        // ending mid-page): it would be split, so it is refused.
        let mut sg = Sgl {
            elems: vec![(b.p, 512), (b.p.add(8192), 512)],
            i: 0,
            off: 0,
            cpl: None,
        };
        let sarg = &mut sg as *mut Sgl as *mut c_void;
        assert_eq!(
            spdk_nvme_zns_zone_appendv(
                ns,
                q,
                0,
                2,
                Some(sgl_done),
                sarg,
                0,
                Some(sgl_reset),
                Some(sgl_next)
            ),
            -libc::EINVAL
        );
        // Nothing was left behind in the pair.
        assert_eq!(spdk_nvme_qpair_get_num_outstanding_reqs(q), 0);
        // Management: NULL or empty buffers.
        assert_eq!(
            spdk_nvme_zns_report_zones(
                ns,
                q,
                ptr::null_mut(),
                4096,
                0,
                ZRA_ALL,
                false,
                Some(cb),
                n
            ),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_zns_report_zones(ns, q, b.vp(), 0, 0, ZRA_ALL, false, Some(cb), n),
            -libc::EINVAL
        );
        // A filter beyond its 8-bit field is refused, not truncated.
        for bad in [0x101, -1] {
            let rc =
                spdk_nvme_zns_report_zones(ns, q, b.vp(), 4096, 0, ZraArg(bad), false, Some(cb), n);
            assert_eq!(rc, -libc::EINVAL);
        }
        assert_eq!(
            spdk_nvme_zns_set_zone_desc_ext(ns, q, 0, b.vp(), 0, Some(cb), n),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_zns_set_zone_desc_ext(ns, q, 0, ptr::null_mut(), 64, Some(cb), n),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_zns_reset_zone(ptr::null_mut(), q, 0, false, Some(cb), n),
            -libc::EINVAL
        );
    }
}

#[test]
fn controller_without_zone_append() {
    let mut cfg = zoned_cfg();
    cfg.zone_append = false;
    let s = setup(cfg);
    unsafe {
        assert_eq!(spdk_nvme_ctrlr_get_flags(s.c) & (1 << 5), 0);
        let b = Buf::new(4096);
        let rc = spdk_nvme_zns_zone_append(s.ns, s.q, b.vp(), 0, 1, Some(cb), ptr::null_mut(), 0);
        assert_eq!(rc, -libc::EINVAL);
        // Writes still work.
        assert!(write(&s, 0, 1, 0).is_success());
    }
}

#[test]
fn writes_follow_the_write_pointer_until_full() {
    let s = setup(zoned_cfg());
    unsafe {
        assert!(write(&s, 0, 8, 1).is_success());
        assert!(write(&s, 8, 8, 2).is_success());
        // Behind or ahead of the write pointer.
        assert_eq!(sc(&write(&s, 0, 1, 3)), (1, SC_ZONE_INVALID_WRITE));
        assert_eq!(sc(&write(&s, 20, 1, 3)), (1, SC_ZONE_INVALID_WRITE));
        // Across the zone's end.
        assert!(write(&s, ZONE, ZONE as u32 - 1, 4).is_success());
        assert_eq!(
            sc(&write(&s, 2 * ZONE - 1, 2, 5)),
            (1, SC_ZONE_BOUNDARY_ERROR)
        );
        // Filling it makes it full.
        assert!(write(&s, 2 * ZONE - 1, 1, 5).is_success());
        assert_eq!(zone_state(&s, 1), model::ZS_FULL);
        assert_eq!(sc(&write(&s, ZONE, 1, 6)), (1, SC_ZONE_IS_FULL));
        let b = Buf::new(4096);
        assert_eq!(sc(&append(&s, ZONE, 1, &b)), (1, SC_ZONE_IS_FULL));
        // Append to a zone start only.
        assert_eq!(sc(&append(&s, 1, 1, &b)), (0, 2));
        // Reads stay in one zone.
        let r = Buf::new(8 * BS);
        let c = run(s.q, |f, a| {
            spdk_nvme_ns_cmd_read(s.ns, s.q, r.vp(), ZONE - 2, 4, f, a, 0)
        });
        assert_eq!(sc(&c), (1, SC_ZONE_BOUNDARY_ERROR));
        let c = run(s.q, |f, a| {
            spdk_nvme_ns_cmd_read(s.ns, s.q, r.vp(), 8, 8, f, a, 0)
        });
        assert!(c.is_success());
        let disk = s
            .model
            .with(|d| d.disk(1).unwrap()[8 * BS..16 * BS].to_vec());
        assert_eq!(disk, r.bytes());
    }
}

#[test]
fn reports_full_partial_and_filtered() {
    let s = setup(zoned_cfg());
    unsafe {
        assert!(write(&s, 0, 4, 1).is_success());
        assert!(write(&s, 2 * ZONE, ZONE as u32, 2).is_success());
        let (nr, d) = report(&s, 0, 64 + 64 * ZONES as usize, ZRA_ALL, false);
        assert_eq!(nr, ZONES);
        assert_eq!(d.len(), ZONES as usize);
        for (i, z) in d.iter().enumerate() {
            assert_eq!({ z.zslba }, i as u64 * ZONE);
            assert_eq!({ z.zcap }, ZONE);
            assert_eq!(z.zt_zs.zt(), 2);
        }
        assert_eq!((state(&d[0]), { d[0].wp }), (model::ZS_IOPEN, 4));
        assert_eq!(state(&d[1]), model::ZS_EMPTY);
        assert_eq!(state(&d[2]), model::ZS_FULL);
        // Room for two descriptors: partial counts those, else all.
        let len = 64 + 2 * 64;
        let (nr, d) = report(&s, 0, len, ZRA_ALL, true);
        assert_eq!((nr, d.len()), (2, 2));
        let (nr, _) = report(&s, 0, len, ZRA_ALL, false);
        assert_eq!(nr, ZONES);
        // From a LBA inside zone 3.
        let (nr, d) = report(&s, 3 * ZONE + 7, 4096, ZRA_ALL, false);
        assert_eq!(nr, ZONES - 3);
        assert_eq!({ d[0].zslba }, 3 * ZONE);
        // Filters.
        let (nr, d) = report(&s, 0, 4096, ZRA_FULL, false);
        assert_eq!((nr, { d[0].zslba }), (1, 2 * ZONE));
        let (nr, d) = report(&s, 0, 4096, ZRA_IOPEN, false);
        assert_eq!((nr, { d[0].zslba }), (1, 0));
        let (nr, _) = report(&s, 0, 4096, ZRA_EMPTY, false);
        assert_eq!(nr, ZONES - 2);
        // Out of range.
        let mut out = [0u8; 4096];
        let c = run(s.q, |f, a| {
            spdk_nvme_zns_report_zones(
                s.ns,
                s.q,
                out.as_mut_ptr().cast(),
                4096,
                ZONE * ZONES,
                ZRA_ALL,
                false,
                f,
                a,
            )
        });
        assert_eq!(sc(&c), (0, 0x80));
    }
}

#[test]
fn zone_state_transitions() {
    let s = setup(zoned_cfg());
    unsafe {
        let (ns, q) = (s.ns, s.q);
        let z = |i: u64| i * ZONE;
        let ok = |c: Cpl| assert!(c.is_success(), "{:?}", sc(&c));
        ok(run(q, |f, a| {
            spdk_nvme_zns_open_zone(ns, q, z(3), false, f, a)
        }));
        assert_eq!(zone_state(&s, 3), model::ZS_EOPEN);
        ok(run(q, |f, a| {
            spdk_nvme_zns_close_zone(ns, q, z(3), false, f, a)
        }));
        assert_eq!(zone_state(&s, 3), model::ZS_CLOSED);
        // A closed zone opens implicitly on a write at its pointer.
        assert!(write(&s, z(3), 2, 0).is_success());
        assert_eq!(zone_state(&s, 3), model::ZS_IOPEN);
        ok(run(q, |f, a| {
            spdk_nvme_zns_finish_zone(ns, q, z(3), false, f, a)
        }));
        assert_eq!(zone_state(&s, 3), model::ZS_FULL);
        ok(run(q, |f, a| {
            spdk_nvme_zns_reset_zone(ns, q, z(3), false, f, a)
        }));
        assert_eq!(
            s.model.with(|d| d.zone(1, 3)),
            Some((model::ZS_EMPTY, z(3)))
        );
        // Closing an empty zone, offlining one that is not read only.
        let c = run(q, |f, a| spdk_nvme_zns_close_zone(ns, q, z(3), false, f, a));
        assert_eq!(sc(&c), (1, SC_INVALID_ZONE_STATE_TRANSITION));
        let c = run(q, |f, a| {
            spdk_nvme_zns_offline_zone(ns, q, z(3), false, f, a)
        });
        assert_eq!(sc(&c), (1, SC_INVALID_ZONE_STATE_TRANSITION));
        // Not a zone start.
        let c = run(q, |f, a| {
            spdk_nvme_zns_open_zone(ns, q, z(3) + 1, false, f, a)
        });
        assert_eq!(sc(&c), (0, 2));
        // A read-only zone goes offline; it cannot be read then.
        s.model
            .with(|d| d.set_zone_state(1, 5, model::ZS_READ_ONLY));
        ok(run(q, |f, a| {
            spdk_nvme_zns_offline_zone(ns, q, z(5), false, f, a)
        }));
        assert_eq!(zone_state(&s, 5), model::ZS_OFFLINE);
        let r = Buf::new(4096);
        let c = run(q, |f, a| {
            spdk_nvme_ns_cmd_read(ns, q, r.vp(), z(5), 1, f, a, 0)
        });
        assert_eq!(sc(&c), (1, SC_ZONE_IS_OFFLINE));

        // Open limit 4: explicitly open zones are not closed for a fifth.
        for i in 6..10 {
            ok(run(q, |f, a| {
                spdk_nvme_zns_open_zone(ns, q, z(i), false, f, a)
            }));
        }
        let c = run(q, |f, a| spdk_nvme_zns_open_zone(ns, q, z(10), false, f, a));
        assert_eq!(sc(&c), (1, SC_TOO_MANY_OPEN_ZONES));
        // Select all: close every open zone, then reset everything.
        ok(run(q, |f, a| {
            spdk_nvme_zns_close_zone(ns, q, 0, true, f, a)
        }));
        for i in 6..10 {
            assert_eq!(zone_state(&s, i), model::ZS_CLOSED);
        }
        ok(run(q, |f, a| spdk_nvme_zns_open_zone(ns, q, 0, true, f, a)));
        assert_eq!(zone_state(&s, 7), model::ZS_EOPEN);
        ok(run(q, |f, a| {
            spdk_nvme_zns_finish_zone(ns, q, 0, true, f, a)
        }));
        assert_eq!(zone_state(&s, 8), model::ZS_FULL);
        ok(run(q, |f, a| {
            spdk_nvme_zns_reset_zone(ns, q, 0, true, f, a)
        }));
        let (nr, _) = report(&s, 0, 4096, ZRA_EMPTY, false);
        // Every zone but the offline one.
        assert_eq!(nr, ZONES - 1);
    }
}

#[test]
fn descriptor_extension_and_extended_report() {
    let s = setup(zoned_cfg());
    unsafe {
        let (ns, q) = (s.ns, s.q);
        let ext = [0x5au8; 64];
        let p = ext.as_ptr() as *mut c_void;
        let c = run(q, |f, a| {
            spdk_nvme_zns_set_zone_desc_ext(ns, q, ZONE, p, 64, f, a)
        });
        assert!(c.is_success(), "{:?}", sc(&c));
        assert_eq!(zone_state(&s, 1), model::ZS_CLOSED);
        // Twice: the zone is no longer empty.
        let c = run(q, |f, a| {
            spdk_nvme_zns_set_zone_desc_ext(ns, q, ZONE, p, 64, f, a)
        });
        assert_eq!(sc(&c), (1, SC_INVALID_ZONE_STATE_TRANSITION));
        let mut out = vec![0u8; 64 + 2 * 128];
        let o = out.as_mut_ptr().cast();
        let len = out.len() as u32;
        let c = run(q, |f, a| {
            spdk_nvme_zns_ext_report_zones(ns, q, o, len, 0, ZRA_ALL, true, f, a)
        });
        assert!(c.is_success());
        assert_eq!(u64::from_le_bytes(out[..8].try_into().unwrap()), 2);
        let d1 = ZnsZoneDesc::read_from(&out[64 + 128..64 + 192]).unwrap();
        assert_eq!({ d1.zslba }, ZONE);
        assert_eq!(d1.za.zdev(), 1);
        assert_eq!(&out[64 + 192..64 + 256], &ext[..]);
        let d0 = ZnsZoneDesc::read_from(&out[64..128]).unwrap();
        assert_eq!(d0.za.zdev(), 0);
    }
}

#[test]
fn init_tolerates_a_controller_refusing_zoned_identify() {
    let mut cfg = zoned_cfg();
    cfg.refuse_zns_identify = true;
    let model = Model::new(cfg);
    let c = attach(&model);
    unsafe {
        assert!(spdk_nvme_zns_ctrlr_get_data(c).is_null());
        assert_eq!(spdk_nvme_zns_ctrlr_get_max_zone_append_size(c), 0);
        // As SPDK: a namespace whose command set data is refused with
        // Invalid Field is taken as inactive; the others work.
        assert!(!spdk_nvme_ctrlr_is_active_ns(c, 1));
        let ns1 = spdk_nvme_ctrlr_get_ns(c, 1);
        assert!(spdk_nvme_zns_ns_get_data(ns1).is_null());
        assert!(spdk_nvme_ctrlr_is_active_ns(c, 2));
        let ns2 = spdk_nvme_ctrlr_get_ns(c, 2);
        let q = spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0);
        let b = Buf::new(4096);
        let cpl = run(q, |f, a| {
            spdk_nvme_ns_cmd_write(ns2, q, b.vp(), 0, 1, f, a, 0)
        });
        assert!(cpl.is_success());
        spdk_nvme_ctrlr_free_io_qpair(q);
        spdk_nvme_detach(c);
    }
}

/// The controller's options with `command_set` set.
fn opts_with_css(css: i32) -> spdk_nvme::ffi::nvme::opts::spdk_nvme_ctrlr_opts {
    use spdk_nvme::ffi::nvme::opts::*;
    spdk_nvme_ctrlr_opts {
        command_set: CcCssArg(css),
        ..Default::default()
    }
}

#[test]
fn command_set_selection() {
    unsafe {
        // NVM asked of a zoned controller: no zoned data at all.
        let model = Model::new(zoned_cfg());
        let c: *mut spdk_nvme_ctrlr = probe::attach_model(&model, Some(opts_with_css(0)))
            .expect("attach")
            .cast();
        assert_eq!((*spdk_nvme_ctrlr_get_opts(c)).command_set.0, 0);
        assert!(spdk_nvme_zns_ctrlr_get_data(c).is_null());
        assert!(spdk_nvme_zns_ns_get_data(spdk_nvme_ctrlr_get_ns(c, 1)).is_null());
        spdk_nvme_detach(c);
        // All I/O command sets asked of an NVM-only controller: NVM, as
        // SPDK falls back (the controller would refuse CC.CSS 6).
        let model = Model::new(ModelConfig::default());
        let c: *mut spdk_nvme_ctrlr = probe::attach_model(&model, Some(opts_with_css(6)))
            .expect("attach")
            .cast();
        assert_eq!((*spdk_nvme_ctrlr_get_opts(c)).command_set.0, 0);
        spdk_nvme_detach(c);
        // Explicitly all I/O command sets on the zoned controller.
        let model = Model::new(zoned_cfg());
        let c: *mut spdk_nvme_ctrlr = probe::attach_model(&model, Some(opts_with_css(6)))
            .expect("attach")
            .cast();
        assert_eq!((*spdk_nvme_ctrlr_get_opts(c)).command_set.0, 6);
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        assert_eq!(spdk_nvme_zns_ns_get_num_zones(ns), ZONES);
        // A reset fetches the zoned data again, in the same places.
        let (nd, cd) = (
            spdk_nvme_zns_ns_get_data(ns),
            spdk_nvme_zns_ctrlr_get_data(c),
        );
        assert_eq!(spdk_nvme_ctrlr_reset(c), 0);
        assert_eq!(spdk_nvme_zns_ns_get_data(ns), nd);
        assert_eq!(spdk_nvme_zns_ctrlr_get_data(c), cd);
        assert_ne!(spdk_nvme_ctrlr_get_flags(c) & (1 << 5), 0);
        assert_eq!(spdk_nvme_zns_ctrlr_get_max_zone_append_size(c), 16384);
        spdk_nvme_detach(c);
    }
}
