//! Properties and small calls: aliases (lookup, open, bdev_get_bdevs),
//! I/O type names, module name and context, DIF and metadata getters per
//! bdev and per descriptor (hide_metadata), zone geometry, NVMe
//! attributes, set_buf/set_md_buf, statistics helpers and JSON dumps.

mod common;

use std::cell::RefCell;
use std::ffi::{c_char, c_void, CStr};
use std::ptr;
use std::rc::Rc;

use ::spdk_bdev::ffi::bdev::props::*;
use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::aliases::*;
use ::spdk_bdev::ffi::bdev_module::io::*;
use ::spdk_bdev::ffi::bdev_module::stats::*;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_bdev::ffi::bdev_zone::*;
use ::spdk_thread::ffi::thread::spdk_put_io_channel;
use common::*;
use spdk_json::ffi::json::spdk_json_write_ctx;
use spdk_json::JsonWriter;

/// Runs `f` with a JSON writer and returns what it wrote.
unsafe fn json(f: impl FnOnce(*mut spdk_json_write_ctx)) -> String {
    let out = Rc::new(RefCell::new(Vec::new()));
    let o = out.clone();
    let mut w = JsonWriter::new(
        Box::new(move |b: &[u8]| {
            o.borrow_mut().extend_from_slice(b);
            0
        }),
        0,
    );
    f(ptr::addr_of_mut!(w).cast());
    w.end().unwrap();
    let s = String::from_utf8(out.borrow().clone()).unwrap();
    s
}

unsafe fn aliases_of(b: *mut spdk_bdev) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(&json(|w| {
        ::spdk_bdev::rpc::dump_bdev(spdk_json::ffi::json::writer_mut(w).unwrap(), b)
    }))
    .unwrap();
    v["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

unsafe fn uuid_str(b: *mut spdk_bdev) -> String {
    let mut s = [0 as c_char; 37];
    spdk_util::ffi::uuid::spdk_uuid_fmt_lower(s.as_mut_ptr(), 37, spdk_bdev_get_uuid(b));
    CStr::from_ptr(s.as_ptr()).to_string_lossy().into_owned()
}

unsafe fn c_aliases(b: *mut spdk_bdev) -> Vec<String> {
    // Walk the C list as TAILQ_FOREACH would.
    #[repr(C)]
    struct A {
        name: *mut c_char,
        bdev: *mut spdk_bdev,
        rb: [usize; 3],
        color: i32,
        next: *mut A,
        prev: *mut *mut A,
    }
    let head = spdk_bdev_get_aliases(b);
    let mut out = Vec::new();
    let mut it = (*head).tqh_first.cast::<A>();
    while !it.is_null() {
        assert_eq!((*it).bdev, b);
        out.push(CStr::from_ptr((*it).name).to_string_lossy().into_owned());
        it = (*it).next;
    }
    out
}

#[test]
fn properties_aliases_and_helpers() {
    unsafe {
        let t = init();
        let r0 = create("ram0", 64, 512, BASIC, |_| {});
        let b0 = ptr::addr_of_mut!((*r0).bdev);
        let r1 = create("ram1", 64, 512, BASIC, |_| {});
        let b1 = ptr::addr_of_mut!((*r1).bdev);

        // Aliases: the UUID is one; names are unique across names and aliases.
        let u0 = uuid_str(b0);
        assert_eq!(c_aliases(b0), vec![u0.clone()]);
        assert_eq!(aliases_of(b0), vec![u0.clone()]);
        assert_eq!(spdk_bdev_alias_add(b0, c"zero".as_ptr()), 0);
        assert_eq!(spdk_bdev_alias_add(b0, c"nul".as_ptr()), 0);
        assert_eq!(c_aliases(b0), vec![u0.clone(), "zero".into(), "nul".into()]);
        assert_eq!(spdk_bdev_alias_add(b1, c"zero".as_ptr()), -libc::EEXIST);
        assert_eq!(spdk_bdev_alias_add(b1, c"ram0".as_ptr()), -libc::EEXIST);
        assert_eq!(spdk_bdev_alias_add(b1, c"ram1".as_ptr()), -libc::EEXIST);
        assert_eq!(spdk_bdev_alias_add(b1, ptr::null()), -libc::EINVAL);
        assert_eq!(spdk_bdev_alias_add(b1, c"".as_ptr()), -libc::EINVAL);
        let mut unreg = spdk_bdev::zeroed();
        assert_eq!(
            spdk_bdev_alias_add(&mut unreg, c"x".as_ptr()),
            -libc::ENODEV
        );
        assert_eq!(spdk_bdev_get_by_name(c"zero".as_ptr()), b0);
        assert_eq!(spdk_bdev_get_by_name(c"nul".as_ptr()), b0);
        let d = open(c"zero", false);
        assert_eq!(spdk_bdev_desc_get_bdev(d), b0, "opened by alias");
        spdk_bdev_close(d);
        assert_eq!(
            aliases_of(b0),
            vec![u0.clone(), "zero".into(), "nul".into()]
        );
        assert_eq!(spdk_bdev_alias_del(b0, c"zero".as_ptr()), 0);
        assert_eq!(spdk_bdev_alias_del(b0, c"zero".as_ptr()), -libc::ENOENT);
        assert!(spdk_bdev_get_by_name(c"zero".as_ptr()).is_null());
        assert_eq!(c_aliases(b0), vec![u0.clone(), "nul".into()]);
        // A bdev can't take a name that is an alias.
        let mut clash = 0;
        let r = std::panic::catch_unwind(|| {
            create("nul", 8, 512, BASIC, |_| {});
        });
        if r.is_err() {
            clash += 1;
        }
        assert_eq!(clash, 1, "registering a bdev named like an alias fails");
        spdk_bdev_alias_del_all(b0);
        assert!(c_aliases(b0).is_empty());
        assert!(spdk_bdev_get_by_name(c"nul".as_ptr()).is_null());
        assert_eq!(
            spdk_bdev_get_by_name(
                CStr::from_ptr(std::ffi::CString::new(u0.clone()).unwrap().as_ptr()).as_ptr()
            ),
            b0,
            "found by UUID still"
        );
        assert!(spdk_bdev_get_aliases(ptr::null()).is_null());

        // I/O type names.
        let name = |t: i32| {
            let p = spdk_bdev_get_io_type_name(IoTypeArg(t));
            (!p.is_null()).then(|| CStr::from_ptr(p).to_str().unwrap().to_string())
        };
        assert_eq!(name(1).as_deref(), Some("read"));
        assert_eq!(name(22).as_deref(), Some("write_uncorrectable"));
        assert_eq!(name(0), None);
        assert_eq!(name(23), None);
        assert_eq!(name(-1), None);
        assert_eq!(spdk_bdev_get_io_type(c"write_zeroes".as_ptr()), 9);
        assert_eq!(spdk_bdev_get_io_type(c"seek_data".as_ptr()), 18);
        assert_eq!(spdk_bdev_get_io_type(c"invalid".as_ptr()), -1);
        assert_eq!(spdk_bdev_get_io_type(c"nope".as_ptr()), -1);
        assert_eq!(spdk_bdev_get_io_type(ptr::null()), -1);

        // Module name and context.
        assert_eq!(
            CStr::from_ptr(spdk_bdev_get_module_name(b0)).to_bytes(),
            b"ram"
        );
        assert!(spdk_bdev_get_module_name(ptr::null()).is_null());
        let d = open(c"ram0", false);
        assert_eq!(spdk_bdev_get_module_ctx(d), r0.cast::<c_void>());
        assert!(spdk_bdev_get_module_ctx(ptr::null_mut()).is_null());

        // Metadata and DIF: none here.
        assert_eq!(spdk_bdev_get_dif_type(b0), DifTypeRet(0));
        assert!(!spdk_bdev_is_dif_head_of_md(b0));
        assert!(!spdk_bdev_is_dif_check_enabled(b0, DifCheckTypeArg(1)));
        assert_eq!(spdk_bdev_desc_get_block_size(d), 512);
        assert_eq!(spdk_bdev_desc_get_md_size(d), 0);
        assert!(!spdk_bdev_desc_is_md_interleaved(d));
        assert!(!spdk_bdev_desc_is_md_separate(d));
        assert!(!spdk_bdev_is_zoned(b0));
        assert_eq!(spdk_bdev_get_numa_id(b0), -1);
        spdk_bdev_close(d);

        // Interleaved metadata with DIF type 1, guard and reftag checks.
        let ri = create("dif0", 16, 520, BASIC, |r| {
            r.bdev.md_len = 8;
            r.bdev.flags |= BDEV_FLAG_MD_INTERLEAVE | BDEV_FLAG_DIF_IS_HEAD_OF_MD;
            r.bdev.dif_type = 1;
            r.bdev.dif_pi_format = 0;
            r.bdev.dif_check_flags = (1 << 26) | (1 << 28);
            r.bdev.numa = (3 << 1) | 1;
            r.bdev.ctratt.raw = 1 << 19;
            r.bdev.nsid = 7;
            r.bdev.acwu = 4;
            r.bdev.max_copy = 9;
            r.bdev.preferred_write_alignment = 2;
            r.bdev.optimal_write_size = 8;
        });
        let bi = ptr::addr_of_mut!((*ri).bdev);
        assert_eq!(spdk_bdev_get_dif_type(bi), DifTypeRet(1));
        assert!(spdk_bdev_is_dif_head_of_md(bi));
        assert!(spdk_bdev_is_dif_check_enabled(bi, DifCheckTypeArg(1)));
        assert!(!spdk_bdev_is_dif_check_enabled(bi, DifCheckTypeArg(2)));
        assert!(spdk_bdev_is_dif_check_enabled(bi, DifCheckTypeArg(3)));
        assert!(!spdk_bdev_is_dif_check_enabled(bi, DifCheckTypeArg(9)));
        assert_eq!(spdk_bdev_get_numa_id(bi), 3);
        assert_eq!(spdk_bdev_get_nvme_ctratt(bi).raw, 1 << 19);
        assert_eq!(spdk_bdev_get_nvme_nsid(bi), 7);
        assert_eq!(spdk_bdev_get_acwu(bi), 4);
        assert_eq!(spdk_bdev_get_max_copy(bi), 9);
        assert_eq!(spdk_bdev_get_preferred_write_alignment(bi), 2);
        assert_eq!(spdk_bdev_get_optimal_write_size(bi), 8);
        let di = open(c"dif0", false);
        assert_eq!(spdk_bdev_desc_get_block_size(di), 520);
        assert_eq!(spdk_bdev_desc_get_md_size(di), 8);
        assert!(spdk_bdev_desc_is_md_interleaved(di));
        assert!(!spdk_bdev_desc_is_md_separate(di));
        assert_eq!(spdk_bdev_desc_get_dif_type(di), DifTypeRet(1));
        assert!(spdk_bdev_desc_is_dif_head_of_md(di));
        assert!(spdk_bdev_desc_is_dif_check_enabled(di, DifCheckTypeArg(3)));
        spdk_bdev_close(di);

        // hide_metadata: refused where it would need DIF insert/strip.
        let mut oo: spdk_bdev_open_opts = std::mem::zeroed();
        spdk_bdev_open_opts_init(&mut oo, std::mem::size_of::<spdk_bdev_open_opts>());
        oo.hide_metadata = true;
        let mut dd = ptr::null_mut();
        let open2 = |n: &CStr, o: *mut spdk_bdev_open_opts, dd: &mut *mut spdk_bdev_desc| {
            spdk_bdev_open_ext_v2(n.as_ptr(), false, Some(ev), ptr::null_mut(), o, dd)
        };
        assert_eq!(open2(c"dif0", &mut oo, &mut dd), -libc::ENOTSUP);
        let rs = create("sep0", 16, 512, BASIC, |r| r.bdev.md_len = 16);
        let bs = ptr::addr_of_mut!((*rs).bdev);
        assert_eq!(open2(c"sep0", &mut oo, &mut dd), -libc::EINVAL);
        assert_eq!(open2(c"ram0", &mut oo, &mut dd), 0, "nothing to hide");
        assert_eq!(spdk_bdev_desc_get_block_size(dd), 512);
        spdk_bdev_close(dd);
        let ds = open(c"sep0", true);
        assert!(spdk_bdev_desc_is_md_separate(ds));
        assert_eq!(spdk_bdev_desc_get_md_size(ds), 16);
        assert_eq!(spdk_bdev_get_dif_type(bs), DifTypeRet(0), "md without DIF");

        // The module's view of an I/O: callback argument, buffers.
        let ch = spdk_bdev_get_io_channel(ds);
        (*rs).hold = true;
        let mut tr = Track::default();
        let mut data = vec![7u8; 1024];
        let mut md = vec![9u8; 32];
        assert_eq!(
            md_io::spdk_bdev_write_blocks_with_md(
                ds,
                ch,
                data.as_mut_ptr().cast(),
                md.as_mut_ptr().cast(),
                2,
                2,
                cb(),
                ptr::addr_of_mut!(tr).cast()
            ),
            0
        );
        let io = (&(*rs).held)[0];
        assert_eq!(
            md_io::spdk_bdev_io_get_cb_arg(io),
            ptr::addr_of_mut!(tr).cast()
        );
        assert_eq!(md_io::spdk_bdev_io_get_md_buf(io), md.as_mut_ptr().cast());
        assert!(spdk_bdev_io_get_submit_tsc(io) > 0);
        assert!(!spdk_bdev_io_hide_metadata(io));
        let mut other = vec![3u8; 1024];
        let mut other_md = vec![4u8; 32];
        spdk_bdev_io_set_buf(io, other.as_mut_ptr().cast(), 1024);
        spdk_bdev_io_set_md_buf(io, other_md.as_mut_ptr().cast(), 16);
        assert_eq!(
            md_io::spdk_bdev_io_get_md_buf(io),
            md.as_mut_ptr().cast(),
            "too small: refused"
        );
        spdk_bdev_io_set_md_buf(io, other_md.as_mut_ptr().cast(), 32);
        assert_eq!(
            md_io::spdk_bdev_io_get_md_buf(io),
            other_md.as_mut_ptr().cast()
        );
        let mut iovs = ptr::null_mut();
        let mut n = 0;
        spdk_bdev_io_get_iovec(io, &mut iovs, &mut n);
        assert_eq!((n, (*iovs).iov_base), (1, other.as_mut_ptr().cast()));
        release(rs);
        poll(t);
        assert_eq!(tr.ok, 1);
        assert_eq!(
            &(&(*rs).data)[1024..2048],
            &other[..],
            "the module wrote the new buffer"
        );
        assert_eq!(&(&(*rs).md)[32..64], &other_md[..]);
        assert!(md_io::spdk_bdev_io_get_cb_arg(ptr::null_mut()).is_null());
        assert!(md_io::spdk_bdev_io_get_md_buf(ptr::null_mut()).is_null());
        spdk_bdev_io_set_buf(ptr::null_mut(), ptr::null_mut(), 0);
        (*rs).hold = false;
        spdk_put_io_channel(ch);
        spdk_bdev_close(ds);

        // Zone geometry.
        let rz = create("zns0", 64, 512, BASIC, |r| {
            r.bdev.flags |= BDEV_FLAG_ZONED;
            r.bdev.zone_size = 16;
            r.bdev.max_zone_append_size = 4;
            r.bdev.max_open_zones = 2;
            r.bdev.max_active_zones = 3;
            r.bdev.optimal_open_zones = 1;
        });
        let bz = ptr::addr_of_mut!((*rz).bdev);
        assert!(spdk_bdev_is_zoned(bz));
        assert_eq!(spdk_bdev_get_zone_size(bz), 16);
        assert_eq!(spdk_bdev_get_num_zones(bz), 4);
        assert_eq!(spdk_bdev_get_zone_id(bz, 37), 32);
        assert_eq!(spdk_bdev_get_max_zone_append_size(bz), 4);
        assert_eq!(spdk_bdev_get_max_open_zones(bz), 2);
        assert_eq!(spdk_bdev_get_max_active_zones(bz), 3);
        assert_eq!(spdk_bdev_get_optimal_open_zones(bz), 1);
        assert_eq!(spdk_bdev_get_num_zones(b0), 0);
        assert_eq!(spdk_bdev_get_zone_id(b0, 5), 0);

        // Statistics helpers and JSON.
        let mut a = spdk_bdev_io_stat::new();
        let mut b = spdk_bdev_io_stat::new();
        a.bytes_read = 10;
        a.max_read_latency_ticks = 5;
        a.min_read_latency_ticks = 5;
        b.bytes_read = 4;
        b.max_read_latency_ticks = 9;
        b.min_read_latency_ticks = 2;
        spdk_bdev_add_io_stat(&mut a, &mut b);
        assert_eq!(
            (
                a.bytes_read,
                a.max_read_latency_ticks,
                a.min_read_latency_ticks
            ),
            (14, 9, 2)
        );
        spdk_bdev_add_io_stat(ptr::null_mut(), &mut b);
        let s = json(|w| {
            let wr = spdk_json::ffi::json::writer_mut(w).unwrap();
            wr.object_begin().unwrap();
            spdk_bdev_dump_io_stat_json(&mut a, w);
            wr.object_end().unwrap();
        });
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["bytes_read"], 14);
        assert_eq!(v["min_write_latency_ticks"], 0);
        let s = json(|w| {
            let wr = spdk_json::ffi::json::writer_mut(w).unwrap();
            wr.object_begin().unwrap();
            assert_eq!(spdk_bdev_dump_info_json(b0, w), 0);
            wr.object_end().unwrap();
        });
        assert_eq!(s, r#"{"ram":{"test":true}}"#);
        assert_eq!(
            spdk_bdev_dump_info_json(ptr::null_mut(), ptr::null_mut()),
            -libc::EINVAL
        );
        let s = json(|w| lifecycle::spdk_bdev_subsystem_config_json(w));
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v[0]["method"], "bdev_set_options");
        assert_eq!(
            v.as_array().unwrap().last().unwrap()["method"],
            "bdev_wait_for_examine"
        );

        fini(t);
    }
}
