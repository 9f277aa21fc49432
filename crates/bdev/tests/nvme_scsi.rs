//! NVMe passthru (what the module receives, the errors) and the SCSI view
//! of completion statuses (each branch, a sample of the NVMe table).

mod common;

use std::ffi::{c_int, c_void};
use std::ptr;

use ::spdk_bdev::ffi::bdev::nvme_passthru::*;
use ::spdk_bdev::ffi::bdev::scsi_status::spdk_bdev_io_get_scsi_status;
use ::spdk_bdev::ffi::bdev::spdk_bdev_io_type::*;
use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::scsi::*;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_bdev::scsi::{translate, ScsiStatus};
use ::spdk_thread::ffi::thread::*;
use common::*;

/// What the module got.
#[derive(Clone, Copy)]
struct Seen {
    ty: u8,
    cmd: [u8; 64],
    iovs: *mut libc::iovec,
    iovcnt: c_int,
    buf: *mut c_void,
    nbytes: usize,
    md_buf: *mut c_void,
    md_len: usize,
}

static SEEN: Cell<Vec<Seen>> = Cell(std::cell::UnsafeCell::new(Vec::new()));

fn seen() -> &'static mut Vec<Seen> {
    unsafe { &mut *SEEN.0.get() }
}

// Opcodes telling the test module how to complete.
const OPC_OK: u8 = 0x02;
const OPC_MEDIA: u8 = 0x10;
const OPC_SCSI: u8 = 0x11;
const OPC_SCSI_GOOD: u8 = 0x12;
const OPC_SCSI_SET: u8 = 0x13;
const OPC_MISCOMPARE: u8 = 0x14;
const OPC_FAIL: u8 = 0x15;

unsafe extern "C" fn nv_submit(_ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let p = (*io).u.nvme_passthru;
    seen().push(Seen {
        ty: (*io).r#type,
        cmd: p.cmd.raw,
        iovs: p.iovs,
        iovcnt: p.iovcnt,
        buf: p.buf,
        nbytes: p.nbytes,
        md_buf: p.md_buf,
        md_len: p.md_len,
    });
    match p.cmd.raw[0] {
        OPC_OK => spdk_bdev_io_complete_nvme_status(io, 0x1234, 0, 0),
        OPC_MEDIA => spdk_bdev_io_complete_nvme_status(io, 7, 2, 0x81),
        OPC_SCSI => {
            spdk_bdev_io_complete_scsi_status(io, ScsiStatusArg(2), ScsiSenseArg(5), 0x24, 0)
        }
        OPC_SCSI_GOOD => {
            spdk_bdev_io_complete_scsi_status(io, ScsiStatusArg(0), ScsiSenseArg(0), 0, 0)
        }
        OPC_SCSI_SET => {
            let s = spdk_bdev_io_set_scsi_status(io, ScsiStatusArg(0x18), ScsiSenseArg(0), 0, 0);
            assert_eq!(s, spdk_bdev_io_status::SPDK_BDEV_IO_STATUS_SCSI_ERROR);
            let g = spdk_bdev_io_set_scsi_status(io, ScsiStatusArg(0), ScsiSenseArg(0), 0, 0);
            assert_eq!(g, spdk_bdev_io_status::SPDK_BDEV_IO_STATUS_SUCCESS);
            spdk_bdev_io_complete(io, IoStatusArg(s as c_int));
        }
        OPC_MISCOMPARE => spdk_bdev_io_complete(io, IoStatusArg(-5)),
        OPC_FAIL => spdk_bdev_io_complete(io, IoStatusArg(-1)),
        _ => spdk_bdev_io_complete(io, IoStatusArg(1)),
    }
}

static NV_TABLE: spdk_bdev_fn_table = spdk_bdev_fn_table {
    destruct: Some(ram_destruct),
    submit_request: Some(nv_submit),
    io_type_supported: Some(ram_supported),
    get_io_channel: Some(ram_channel),
    dump_info_json: None,
    write_config_json: None,
    get_spin_time: None,
    get_module_ctx: None,
    get_memory_domains: None,
    reset_device_stat: None,
    dump_device_stat_json: None,
    accel_sequence_supported: None,
};

/// A completion: success, NVMe (cdw0, sct, sc), SCSI (sc, sk, asc, ascq).
type Done = (bool, [i64; 3], [c_int; 4]);

unsafe extern "C" fn done(io: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let v = &mut *arg.cast::<Vec<Done>>();
    let (mut cdw0, mut sct, mut sc) = (0u32, 0, 0);
    spdk_bdev_io_get_nvme_status(io, &mut cdw0, &mut sct, &mut sc);
    let mut s = [0; 4];
    let [a, b, c, d] = &mut s;
    spdk_bdev_io_get_scsi_status(io, a, b, c, d);
    v.push((ok, [cdw0 as i64, sct as i64, sc as i64], s));
    spdk_bdev_free_io(io);
}

fn cmd(opc: u8, cdw10: u32) -> NvmeCmd {
    let mut c = NvmeCmd { raw: [0; 64] };
    c.raw[0] = opc;
    c.raw[4..8].copy_from_slice(&1u32.to_le_bytes());
    c.raw[40..44].copy_from_slice(&cdw10.to_le_bytes());
    c
}

#[test]
fn nvme_passthru_and_scsi_status() {
    unsafe {
        let t = init();
        let nv_bits = bit(SPDK_BDEV_IO_TYPE_NVME_ADMIN)
            | bit(SPDK_BDEV_IO_TYPE_NVME_IO)
            | bit(SPDK_BDEV_IO_TYPE_NVME_IO_MD)
            | bit(SPDK_BDEV_IO_TYPE_NVME_IOV_MD);
        create("nv", 32, 512, BASIC | nv_bits, |r| {
            r.bdev.fn_table = &NV_TABLE
        });
        create("plain", 32, 512, BASIC, |_| {});
        let d = open(c"nv", true);
        let ro = open(c"nv", false);
        let pd = open(c"plain", true);
        let ch = spdk_bdev_get_io_channel(d);
        let pch = spdk_bdev_get_io_channel(pd);
        let mut got: Vec<Done> = Vec::new();
        let arg = ptr::addr_of_mut!(got).cast::<c_void>();
        let cb = Some(done as unsafe extern "C" fn(_, _, _));
        let mut buf = vec![0u8; 4096];
        let mut md = vec![0u8; 64];
        let (bp, mp) = (
            buf.as_mut_ptr().cast::<c_void>(),
            md.as_mut_ptr().cast::<c_void>(),
        );
        let mut iov = [
            libc::iovec {
                iov_base: bp,
                iov_len: 1024,
            },
            libc::iovec {
                iov_base: bp.add(1024),
                iov_len: 3072,
            },
        ];

        // Errors: read-only descriptor, unsupported types, no command.
        let c = cmd(OPC_OK, 0);
        assert_eq!(
            spdk_bdev_nvme_admin_passthru(ro, ch, &c, bp, 4096, cb, arg),
            -libc::EBADF
        );
        assert_eq!(
            spdk_bdev_nvme_io_passthru(ro, ch, &c, bp, 4096, cb, arg),
            -libc::EBADF
        );
        assert_eq!(
            spdk_bdev_nvme_io_passthru_md(ro, ch, &c, bp, 4096, mp, 64, cb, arg),
            -libc::EBADF
        );
        assert_eq!(
            spdk_bdev_nvme_iov_passthru_md(ro, ch, &c, iov.as_mut_ptr(), 2, 4096, mp, 64, cb, arg),
            -libc::EBADF
        );
        assert_eq!(
            spdk_bdev_nvme_admin_passthru(pd, pch, &c, bp, 4096, cb, arg),
            -libc::ENOTSUP
        );
        assert_eq!(
            spdk_bdev_nvme_io_passthru(pd, pch, &c, bp, 4096, cb, arg),
            -libc::ENOTSUP
        );
        assert_eq!(
            spdk_bdev_nvme_io_passthru_md(pd, pch, &c, bp, 4096, mp, 64, cb, arg),
            -libc::ENOTSUP
        );
        assert_eq!(
            spdk_bdev_nvme_iov_passthru_md(pd, pch, &c, iov.as_mut_ptr(), 2, 4096, mp, 64, cb, arg),
            -libc::ENOTSUP
        );
        assert_eq!(
            spdk_bdev_nvme_io_passthru(d, ch, ptr::null(), bp, 4096, cb, arg),
            -libc::EINVAL
        );
        assert!(seen().is_empty());

        // The four types reach the module with their command and buffers.
        let admin = cmd(0x06, 1); // identify controller
        assert_eq!(
            spdk_bdev_nvme_admin_passthru(d, ch, &admin, bp, 4096, cb, arg),
            0
        );
        let io_c = cmd(OPC_OK, 5);
        assert_eq!(
            spdk_bdev_nvme_io_passthru(d, ch, &io_c, bp, 512, cb, arg),
            0
        );
        assert_eq!(
            spdk_bdev_nvme_io_passthru_md(d, ch, &io_c, bp, 1024, mp, 16, cb, arg),
            0
        );
        let iov_c = cmd(OPC_OK, 9);
        assert_eq!(
            spdk_bdev_nvme_iov_passthru_md(
                d,
                ch,
                &iov_c,
                iov.as_mut_ptr(),
                2,
                4096,
                mp,
                64,
                cb,
                arg
            ),
            0
        );
        assert!(poll_until(&[t], || got.len() == 4));
        let s = seen().clone();
        assert_eq!(s.len(), 4);
        assert_eq!(s[0].ty, SPDK_BDEV_IO_TYPE_NVME_ADMIN as u8);
        assert_eq!(s[0].cmd, admin.raw);
        assert_eq!((s[0].buf, s[0].nbytes), (bp, 4096));
        assert_eq!(
            (s[0].md_buf, s[0].md_len, s[0].iovcnt),
            (ptr::null_mut(), 0, 0)
        );
        assert_eq!(s[1].ty, SPDK_BDEV_IO_TYPE_NVME_IO as u8);
        assert_eq!(s[1].cmd, io_c.raw);
        assert_eq!(
            (s[1].buf, s[1].nbytes, s[1].md_buf),
            (bp, 512, ptr::null_mut())
        );
        assert_eq!(s[2].ty, SPDK_BDEV_IO_TYPE_NVME_IO_MD as u8);
        assert_eq!(
            (s[2].buf, s[2].nbytes, s[2].md_buf, s[2].md_len),
            (bp, 1024, mp, 16)
        );
        assert_eq!(s[3].ty, SPDK_BDEV_IO_TYPE_NVME_IOV_MD as u8);
        assert_eq!(s[3].cmd, iov_c.raw);
        assert_eq!(
            (s[3].iovs, s[3].iovcnt, s[3].buf),
            (iov.as_mut_ptr(), 2, ptr::null_mut())
        );
        assert_eq!((s[3].nbytes, s[3].md_buf, s[3].md_len), (4096, mp, 64));
        // Module's NVMe success: cdw0 passed on, SCSI GOOD.
        for g in &got[1..] {
            assert_eq!(*g, (true, [0x1234, 0, 0], [0, 0, 0, 0]));
        }

        // SCSI view of each completion kind.
        let kinds = [
            OPC_MEDIA,
            OPC_SCSI,
            OPC_SCSI_GOOD,
            OPC_SCSI_SET,
            OPC_MISCOMPARE,
            OPC_FAIL,
        ];
        got.clear();
        for k in kinds {
            let c = cmd(k, 0);
            assert_eq!(spdk_bdev_nvme_io_passthru(d, ch, &c, bp, 512, cb, arg), 0);
        }
        assert!(poll_until(&[t], || got.len() == kinds.len()));
        // NVMe unrecovered read error: translated.
        assert_eq!(got[0], (false, [7, 2, 0x81], [0x02, 0x03, 0x11, 0x00]));
        // The module's SCSI error as stored.
        assert_eq!(got[1].2, [0x02, 0x05, 0x24, 0x00]);
        assert!(!got[1].0);
        // SCSI GOOD is success.
        assert_eq!((got[2].0, got[2].2), (true, [0, 0, 0, 0]));
        // Reservation conflict (set, then completed).
        assert_eq!((got[3].0, got[3].2), (false, [0x18, 0, 0, 0]));
        // Miscompare: CHECK CONDITION / MISCOMPARE / during verify.
        assert_eq!(got[4].2, [0x02, 0x0e, 0x1d, 0x00]);
        // Anything else: CHECK CONDITION / ABORTED COMMAND.
        assert_eq!(got[5].2, [0x02, 0x0b, 0x00, 0x00]);

        spdk_put_io_channel(ch);
        spdk_put_io_channel(pch);
        spdk_bdev_close(ro);
        spdk_bdev_close(d);
        spdk_bdev_close(pd);
        poll(t);
        fini(t);
    }
}

#[test]
fn nvme_to_scsi_table() {
    // (sct, sc) -> (status, sense key, ASC, ASCQ), a sample of SPDK's table.
    let cases: [((i32, i32), ScsiStatus); 18] = [
        ((0, 0x00), (0x00, 0x00, 0x00, 0x00)),
        ((0, 0x01), (0x02, 0x05, 0x20, 0x00)),
        ((0, 0x02), (0x02, 0x05, 0x24, 0x00)),
        ((0, 0x04), (0x02, 0x03, 0x00, 0x00)),
        ((0, 0x05), (0x40, 0x0b, 0x0b, 0x08)),
        ((0, 0x06), (0x02, 0x04, 0x44, 0x00)),
        ((0, 0x08), (0x40, 0x0b, 0x00, 0x00)),
        ((0, 0x0b), (0x02, 0x05, 0x20, 0x09)),
        ((0, 0x80), (0x02, 0x05, 0x21, 0x00)),
        ((0, 0x82), (0x02, 0x02, 0x04, 0x00)),
        ((0, 0x83), (0x18, 0x00, 0x00, 0x00)),
        ((0, 0x84), (0x02, 0x05, 0x00, 0x00)),
        ((1, 0x0a), (0x02, 0x05, 0x31, 0x01)),
        ((1, 0x82), (0x02, 0x07, 0x27, 0x00)),
        ((2, 0x80), (0x02, 0x03, 0x03, 0x00)),
        ((2, 0x84), (0x02, 0x03, 0x10, 0x03)),
        ((2, 0x86), (0x02, 0x07, 0x20, 0x02)),
        ((7, 0x01), (0x02, 0x05, 0x00, 0x00)),
    ];
    for ((sct, sc), want) in cases {
        assert_eq!(translate(sct, sc), want, "sct {sct} sc {sc:#x}");
    }
    assert_eq!(translate(2, 0x85), (0x02, 0x0e, 0x1d, 0x00));
    assert_eq!(translate(1, 0x00), (0x02, 0x05, 0x00, 0x00));
}
