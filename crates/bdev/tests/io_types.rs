//! I/O types beyond read/write: seeks, write-uncorrectable, separate
//! metadata buffers (with splitting), zone information/management/append,
//! the status of a base I/O copied to another, media events.

mod common;

use std::ffi::{c_int, c_void};
use std::ptr;

use ::spdk_bdev::ffi::bdev::md_io::*;
use ::spdk_bdev::ffi::bdev::media::spdk_bdev_get_media_events;
use ::spdk_bdev::ffi::bdev::spdk_bdev_io_type::*;
use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::io::*;
use ::spdk_bdev::ffi::bdev_module::stats::*;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_bdev::ffi::bdev_zone::*;
use ::spdk_thread::ffi::thread::*;
use common::*;

#[derive(Default)]
struct Media {
    events: Vec<spdk_bdev_media_event>,
    calls: usize,
}

unsafe extern "C" fn media_ev(t: spdk_bdev_event_type, _b: *mut spdk_bdev, ctx: *mut c_void) {
    if t != spdk_bdev_event_type::SPDK_BDEV_EVENT_MEDIA_MANAGEMENT {
        return;
    }
    let m = &mut *ctx.cast::<Media>();
    m.calls += 1;
    let mut buf = [spdk_bdev_media_event::default(); 5];
    loop {
        let n = spdk_bdev_get_media_events((*m).desc(), buf.as_mut_ptr(), buf.len());
        m.events.extend_from_slice(&buf[..n]);
        if n < buf.len() {
            break;
        }
    }
}

static mut MEDIA_DESC: *mut spdk_bdev_desc = ptr::null_mut();

impl Media {
    unsafe fn desc(&self) -> *mut spdk_bdev_desc {
        MEDIA_DESC
    }
}

unsafe fn wait(t: *mut spdk_thread, tr: &Track, n: usize) {
    assert!(poll_until(&[t], || tr.done == n), "{} of {n} done", tr.done);
}

#[test]
fn more_io_types() {
    unsafe {
        let t = init();
        let arg = |tr: &mut Track| ptr::addr_of_mut!(*tr).cast::<c_void>();

        // Seeks: a bdev that cannot seek is all data.
        create("plain", 32, 512, BASIC, |_| {});
        let d = open(c"plain", true);
        let ch = spdk_bdev_get_io_channel(d);
        let mut tr = Track::default();
        assert_eq!(spdk_bdev_seek_data(d, ch, 5, cb(), arg(&mut tr)), 0);
        assert_eq!(tr.done, 0);
        wait(t, &tr, 1);
        assert_eq!((tr.ok, tr.seek), (1, 5));
        assert_eq!(spdk_bdev_seek_hole(d, ch, 5, cb(), arg(&mut tr)), 0);
        wait(t, &tr, 2);
        assert_eq!((tr.ok, tr.seek), (2, u64::MAX));
        assert_eq!(
            spdk_bdev_seek_data(d, ch, 32, cb(), arg(&mut tr)),
            -libc::EINVAL
        );
        assert_eq!(spdk_bdev_io_get_seek_offset(ptr::null()), u64::MAX);
        // No write-uncorrectable there.
        assert_eq!(
            spdk_bdev_write_uncorrectable_blocks(d, ch, 0, 1, cb(), arg(&mut tr)),
            -libc::ENOTSUP
        );
        // No metadata there.
        let mut buf = vec![1u8; 4096];
        let mut md = vec![2u8; 64];
        let (bp, mp) = (
            buf.as_mut_ptr().cast::<c_void>(),
            md.as_mut_ptr().cast::<c_void>(),
        );
        assert_eq!(
            spdk_bdev_write_blocks_with_md(d, ch, bp, mp, 0, 1, cb(), arg(&mut tr)),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_write_blocks_with_md(d, ch, bp, ptr::null_mut(), 0, 1, cb(), arg(&mut tr)),
            0
        );
        wait(t, &tr, 3);
        // No zones there.
        let mut info = [std::mem::zeroed::<spdk_bdev_zone_info>(); 2];
        assert_eq!(
            spdk_bdev_get_zone_info(d, ch, 0, 1, info.as_mut_ptr(), cb(), arg(&mut tr)),
            -libc::ENOTSUP
        );
        assert_eq!(
            spdk_bdev_zone_management(d, ch, 0, ZoneActionArg(3), cb(), arg(&mut tr)),
            -libc::ENOTSUP
        );
        assert_eq!(
            spdk_bdev_zone_append(d, ch, bp, 0, 1, cb(), arg(&mut tr)),
            -libc::ENOTSUP
        );
        spdk_put_io_channel(ch);
        spdk_bdev_close(d);

        // A module that seeks and marks blocks uncorrectable.
        let seek_bits = bit(SPDK_BDEV_IO_TYPE_SEEK_DATA)
            | bit(SPDK_BDEV_IO_TYPE_SEEK_HOLE)
            | bit(SPDK_BDEV_IO_TYPE_WRITE_UNCORRECTABLE);
        let rs = create("seeker", 32, 512, BASIC | seek_bits, |_| {});
        let d = open(c"seeker", true);
        let ro = open(c"seeker", false);
        let ch = spdk_bdev_get_io_channel(d);
        let mut tr = Track::default();
        assert_eq!(
            spdk_bdev_write_blocks(d, ch, bp, 10, 2, cb(), arg(&mut tr)),
            0
        );
        wait(t, &tr, 1);
        assert_eq!(spdk_bdev_seek_data(ro, ch, 3, cb(), arg(&mut tr)), 0);
        wait(t, &tr, 2);
        assert_eq!(tr.seek, 10);
        assert_eq!(spdk_bdev_seek_hole(ro, ch, 10, cb(), arg(&mut tr)), 0);
        wait(t, &tr, 3);
        assert_eq!(tr.seek, 12);
        assert_eq!(
            spdk_bdev_write_uncorrectable_blocks(ro, ch, 10, 1, cb(), arg(&mut tr)),
            -libc::EBADF
        );
        assert_eq!(
            spdk_bdev_write_uncorrectable_blocks(d, ch, 31, 2, cb(), arg(&mut tr)),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_write_uncorrectable_blocks(d, ch, 10, 1, cb(), arg(&mut tr)),
            0
        );
        wait(t, &tr, 4);
        assert_eq!(
            spdk_bdev_read_blocks(ro, ch, bp, 10, 1, cb(), arg(&mut tr)),
            0
        );
        wait(t, &tr, 5);
        assert!(!tr.status[4], "reading an uncorrectable block fails");
        assert_eq!(tr.ok, 4);
        assert!((&(*rs).bad)[10]);
        spdk_put_io_channel(ch);
        spdk_bdev_close(ro);
        spdk_bdev_close(d);

        // Separate metadata, 8 bytes per block, reads and writes split at 3 blocks.
        let rm = create("sep", 32, 512, BASIC, |r| {
            r.bdev.md_len = 8;
            r.bdev.max_rw_size = 3;
        });
        let d = open(c"sep", true);
        let ch = spdk_bdev_get_io_channel(d);
        let mut tr = Track::default();
        let mut data: Vec<u8> = (0..8 * 512).map(|i| (i % 251) as u8).collect();
        let mut meta: Vec<u8> = (0..8 * 8).map(|i| i as u8).collect();
        assert_eq!(
            spdk_bdev_write_blocks_with_md(
                d,
                ch,
                data.as_mut_ptr().cast(),
                meta.as_mut_ptr().cast(),
                4,
                8,
                cb(),
                arg(&mut tr)
            ),
            0
        );
        wait(t, &tr, 1);
        assert_eq!(tr.ok, 1);
        assert_eq!(
            &(&(*rm).md)[4 * 8..12 * 8],
            &meta[..],
            "each piece's metadata in place"
        );
        assert_eq!(&(&(*rm).data)[4 * 512..12 * 512], &data[..]);
        let mut back = vec![0u8; 8 * 512];
        let mut back_md = vec![0u8; 64];
        let mut iov = [
            libc::iovec {
                iov_base: back.as_mut_ptr().cast(),
                iov_len: 1000,
            },
            libc::iovec {
                iov_base: back.as_mut_ptr().add(1000).cast(),
                iov_len: 8 * 512 - 1000,
            },
        ];
        assert_eq!(
            spdk_bdev_readv_blocks_with_md(
                d,
                ch,
                iov.as_mut_ptr(),
                2,
                back_md.as_mut_ptr().cast(),
                4,
                8,
                cb(),
                arg(&mut tr)
            ),
            0
        );
        wait(t, &tr, 2);
        assert_eq!((back == data, back_md == meta), (true, true));
        // The extended calls carry metadata too.
        let mut opts: spdk_bdev_ext_io_opts = std::mem::zeroed();
        opts.size = std::mem::size_of::<spdk_bdev_ext_io_opts>();
        back_md.fill(0);
        opts.metadata = back_md.as_mut_ptr().cast();
        assert_eq!(
            spdk_bdev_readv_blocks_ext(
                d,
                ch,
                iov.as_mut_ptr(),
                2,
                4,
                8,
                cb(),
                arg(&mut tr),
                &mut opts
            ),
            0
        );
        wait(t, &tr, 3);
        assert!(back_md == meta);
        assert_eq!(
            spdk_bdev_read_blocks_with_md(
                d,
                ch,
                ptr::null_mut(),
                back_md.as_mut_ptr().cast(),
                0,
                1,
                cb(),
                arg(&mut tr)
            ),
            -libc::EINVAL,
            "metadata needs a data buffer"
        );
        let mut cmp = data[..1024].to_vec();
        let mut cmp_md = meta[..16].to_vec();
        // Emulated (the module has no compare): data and metadata compared.
        let (cp, cmp_mp) = (cmp.as_mut_ptr().cast(), cmp_md.as_mut_ptr().cast());
        assert_eq!(
            spdk_bdev_compare_blocks_with_md(d, ch, cp, cmp_mp, 4, 2, cb(), arg(&mut tr)),
            0
        );
        wait(t, &tr, 4);
        assert!(tr.status[3], "data and metadata equal");
        cmp_md[9] ^= 0xff;
        assert_eq!(
            spdk_bdev_compare_blocks_with_md(d, ch, cp, cmp_mp, 4, 2, cb(), arg(&mut tr)),
            0
        );
        wait(t, &tr, 5);
        assert!(!tr.status[4], "metadata differs");
        cmp_md[9] ^= 0xff;
        let mut ci = [libc::iovec {
            iov_base: cp,
            iov_len: 1024,
        }];
        assert_eq!(
            spdk_bdev_comparev_blocks_with_md(
                d,
                ch,
                ci.as_mut_ptr(),
                1,
                cmp_mp,
                4,
                2,
                cb(),
                arg(&mut tr)
            ),
            0
        );
        wait(t, &tr, 6);
        assert!(tr.status[5]);
        let mut tr = Track {
            done: 3,
            ..Default::default()
        };
        (*rm).supported |= bit(SPDK_BDEV_IO_TYPE_COMPARE);
        (*rm).hold = true;
        assert_eq!(
            spdk_bdev_compare_blocks_with_md(
                d,
                ch,
                cmp.as_mut_ptr().cast(),
                cmp_md.as_mut_ptr().cast(),
                4,
                1,
                cb(),
                arg(&mut tr)
            ),
            0
        );
        let held: &Vec<_> = &(*rm).held;
        let io = held.first().copied();
        (*rm).hold = false;
        assert!(
            io.is_none(),
            "compares are not held: done at once by the module"
        );
        wait(t, &tr, 4);
        (*rm).supported &= !bit(SPDK_BDEV_IO_TYPE_COMPARE);
        spdk_put_io_channel(ch);
        spdk_bdev_close(d);

        // Interleaved metadata: no separate buffer.
        create("il", 8, 520, BASIC, |r| {
            r.bdev.md_len = 8;
            r.bdev.flags |= BDEV_FLAG_MD_INTERLEAVE;
        });
        let d = open(c"il", true);
        let ch = spdk_bdev_get_io_channel(d);
        let mut big = vec![0u8; 520];
        assert_eq!(
            spdk_bdev_write_blocks_with_md(
                d,
                ch,
                big.as_mut_ptr().cast(),
                mp,
                0,
                1,
                cb(),
                arg(&mut tr)
            ),
            -libc::EINVAL
        );
        spdk_put_io_channel(ch);
        spdk_bdev_close(d);

        // Zones: 4 zones of 8 blocks.
        let zone_bits = bit(SPDK_BDEV_IO_TYPE_GET_ZONE_INFO)
            | bit(SPDK_BDEV_IO_TYPE_ZONE_MANAGEMENT)
            | bit(SPDK_BDEV_IO_TYPE_ZONE_APPEND);
        let rz = create("zns", 32, 512, BASIC | zone_bits, |r| {
            r.bdev.flags |= BDEV_FLAG_ZONED;
            r.bdev.zone_size = 8;
        });
        let d = open(c"zns", true);
        let ro = open(c"zns", false);
        let ch = spdk_bdev_get_io_channel(d);
        let mut tr = Track::default();
        assert_eq!(
            spdk_bdev_zone_append(d, ch, bp, 8, 2, cb(), arg(&mut tr)),
            0
        );
        wait(t, &tr, 1);
        assert_eq!(tr.append, 8);
        let mut iov1 = [libc::iovec {
            iov_base: bp,
            iov_len: 512,
        }];
        assert_eq!(
            spdk_bdev_zone_appendv(d, ch, iov1.as_mut_ptr(), 1, 8, 1, cb(), arg(&mut tr)),
            0
        );
        wait(t, &tr, 2);
        assert_eq!(tr.append, 10, "after the first append");
        assert_eq!(
            spdk_bdev_get_zone_info(ro, ch, 8, 2, info.as_mut_ptr(), cb(), arg(&mut tr)),
            0
        );
        wait(t, &tr, 3);
        assert_eq!(
            (
                info[0].zone_id,
                info[0].write_pointer,
                info[1].zone_id,
                info[1].write_pointer
            ),
            (8, 11, 16, 16)
        );
        assert_eq!(
            spdk_bdev_zone_management(ro, ch, 8, ZoneActionArg(3), cb(), arg(&mut tr)),
            -libc::EBADF
        );
        assert_eq!(
            spdk_bdev_zone_management(d, ch, 8, ZoneActionArg(9), cb(), arg(&mut tr)),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_zone_management(d, ch, 40, ZoneActionArg(3), cb(), arg(&mut tr)),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_bdev_zone_management(d, ch, 8, ZoneActionArg(3), cb(), arg(&mut tr)),
            0
        );
        wait(t, &tr, 4);
        assert_eq!((&(*rz).wp)[1], 8, "reset");
        assert_eq!(
            spdk_bdev_zone_append(ro, ch, bp, 8, 1, cb(), arg(&mut tr)),
            -libc::EBADF
        );
        assert_eq!(
            spdk_bdev_get_zone_info(ro, ch, 0, 0, info.as_mut_ptr(), cb(), arg(&mut tr)),
            -libc::EINVAL
        );
        assert_eq!(tr.ok, 4);
        spdk_put_io_channel(ch);
        spdk_bdev_close(ro);
        spdk_bdev_close(d);

        // Media events go to the first writable descriptor.
        let rv = create("media", 8, 512, BASIC, |r| {
            r.bdev.flags |= BDEV_FLAG_MEDIA_EVENTS
        });
        let bv = ptr::addr_of_mut!((*rv).bdev);
        let ev = [spdk_bdev_media_event {
            offset: 1,
            num_blocks: 2,
        }; 70];
        assert_eq!(
            spdk_bdev_push_media_events(bv, ev.as_ptr(), 1),
            -libc::ENODEV,
            "nobody open"
        );
        let ro = open(c"media", false);
        assert_eq!(
            spdk_bdev_push_media_events(bv, ev.as_ptr(), 1),
            -libc::ENODEV,
            "read-only only"
        );
        let mut m = Media::default();
        let mut dw = ptr::null_mut();
        assert_eq!(
            spdk_bdev_open_ext(
                c"media".as_ptr(),
                true,
                Some(media_ev),
                ptr::addr_of_mut!(m).cast(),
                &mut dw
            ),
            0
        );
        MEDIA_DESC = dw;
        let mut evs: Vec<spdk_bdev_media_event> = (0..70)
            .map(|i| spdk_bdev_media_event {
                offset: i,
                num_blocks: 1,
            })
            .collect();
        assert_eq!(
            spdk_bdev_push_media_events(bv, evs.as_mut_ptr(), 70),
            64,
            "64 fit"
        );
        spdk_bdev_notify_media_management(bv);
        assert_eq!(m.calls, 0, "on the descriptor's thread, later");
        assert!(poll_until(&[t], || m.calls == 1));
        assert_eq!(m.events.len(), 64);
        assert_eq!(m.events[63].offset, 63);
        spdk_bdev_notify_media_management(bv);
        poll(t);
        assert_eq!(m.calls, 1, "nothing pending: no event");
        let p = create("plain2", 8, 512, BASIC, |_| {});
        let d2 = open(c"plain2", true);
        assert_eq!(
            spdk_bdev_push_media_events(ptr::addr_of_mut!((*p).bdev), ev.as_ptr(), 1),
            -libc::ENODEV,
            "no media events there"
        );
        spdk_bdev_close(d2);
        spdk_bdev_close(dw);
        spdk_bdev_close(ro);

        // Module side: a base I/O's status copied to another I/O.
        let rb = create("base", 8, 512, BASIC, |r| r.hold = true);
        let d = open(c"base", true);
        let ch = spdk_bdev_get_io_channel(d);
        let mut tr = Track::default();
        assert_eq!(
            spdk_bdev_read_blocks(d, ch, bp, 0, 1, cb(), arg(&mut tr)),
            0
        );
        assert_eq!(
            spdk_bdev_read_blocks(d, ch, bp, 1, 1, cb(), arg(&mut tr)),
            0
        );
        let (a, b) = ((&(*rb).held)[0], (&(*rb).held)[1]);
        (*rb).held.clear();
        (*b).internal.status = -2;
        (*b).internal.err_sct = 1;
        (*b).internal.err_sc = 0x80;
        assert_eq!(
            spdk_bdev_io_set_base_io_status(a, b),
            spdk_bdev_io_status::SPDK_BDEV_IO_STATUS_NVME_ERROR
        );
        spdk_bdev_io_complete_base_io_status(a, b);
        wait(t, &tr, 1);
        assert_eq!(tr.ok, 0);
        spdk_bdev_io_complete(b, IoStatusArg(1));
        wait(t, &tr, 2);
        assert_eq!(tr.ok, 1);
        spdk_put_io_channel(ch);
        spdk_bdev_close(d);
        let _: c_int = 0;
        fini(t);
    }
}
