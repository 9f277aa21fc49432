//! Base bdevs of a raid bdev: attaching one to its slot (open read-write,
//! claim, check it fits), examine of new bdevs, and removal (hot remove,
//! failure, bdev_raid_remove_base_bdev) with SPDK's consequences: a level
//! without redundancy goes offline, raid1 goes on degraded.

use std::ffi::{c_int, c_void, CStr, CString};
use std::ptr;

use ::spdk_bdev::ffi::bdev::{
    spdk_bdev_close, spdk_bdev_desc_get_bdev, spdk_bdev_event_type, spdk_bdev_get_by_name,
    spdk_bdev_open_ext,
};
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_module_claim_bdev, spdk_bdev_module_examine_done,
    spdk_bdev_module_release_bdev, BDEV_FLAG_MD_INTERLEAVE,
};
use ::spdk_thread::ffi::thread::{spdk_for_each_channel, spdk_io_channel_iter};

use crate::raid::{self, BaseInfo, DoneCb, RaidBdev, State};
use crate::rpc::strerror;
use crate::{channel, module};

unsafe fn bdev_name(b: *mut spdk_bdev) -> String {
    String::from_utf8_lossy((*b).name_bytes()).into_owned()
}

fn uuid_str(u: &[u8; 16]) -> CString {
    let s = format!(
        "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
        u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
        u[14], u[15]
    );
    CString::new(s).unwrap_or_default()
}

/// The slot whose attached base bdev is `bdev`, in any raid bdev.
pub unsafe fn find_base_by_bdev(bdev: *mut spdk_bdev) -> *mut BaseInfo {
    for r in raid::list() {
        for b in (*r).bases.iter_mut() {
            if !b.desc.is_null() && b.bdev == bdev {
                return b;
            }
        }
    }
    ptr::null_mut()
}

/// Adds the base bdev `name` to the first free slot of `raid` (SPDK's
/// raid_bdev_add_base_bdev). -ENODEV: it does not exist yet (a
/// configuring raid keeps the name and attaches it when it appears).
///
/// # Safety
/// On the app thread; `raid` is listed.
pub unsafe fn add_base(raid: *mut RaidBdev, name: &str, cb: Option<DoneCb>) -> c_int {
    let r = &mut *raid;
    let Ok(cname) = CString::new(name) else {
        return -libc::EINVAL;
    };
    let mut slot = None;
    if r.state == State::Configuring {
        // A slot that waits for this bdev by UUID.
        let bdev = spdk_bdev_get_by_name(cname.as_ptr());
        if !bdev.is_null() {
            let u = (*bdev).uuid.u.raw;
            slot = r.bases.iter().position(|b| b.name.is_none() && b.uuid == u);
        }
    }
    if slot.is_none() || r.state == State::Online {
        slot = r
            .bases
            .iter()
            .position(|b| b.name.is_none() && b.uuid == [0; 16]);
    }
    let Some(i) = slot else {
        spdk_log::errlog!(
            "no empty slot found in raid bdev '{}' for new base bdev '{}'",
            r.name_str(),
            name
        );
        return -libc::EINVAL;
    };
    if r.state == State::Online {
        // Joining an online array needs a rebuild, which is not provided.
        spdk_log::errlog!(
            "raid bdev '{}' is online: adding base bdev '{}' needs a rebuild (not supported)",
            r.name_str(),
            name
        );
        return -libc::EOPNOTSUPP;
    }
    let b: *mut BaseInfo = &mut r.bases[i];
    (*b).name = Some(cname);
    let rc = configure_base(b, cb);
    if rc != 0 && (rc != -libc::ENODEV || r.state != State::Configuring) {
        spdk_log::errlog!("base bdev '{}' configure failed: {}", name, strerror(rc));
        (*b).name = None;
    }
    rc
}

/// Opens, claims and checks the base bdev of slot `b`; then counts it
/// (and configures the raid bdev when it was the last one missing).
unsafe fn configure_base(b: *mut BaseInfo, cb: Option<DoneCb>) -> c_int {
    let raid = (*b).raid;
    let r = &mut *raid;
    if (*b).uuid != [0; 16] {
        // Known by UUID: the bdev must also carry the slot's name.
        let s = uuid_str(&(*b).uuid);
        let bdev = spdk_bdev_get_by_name(s.as_ptr());
        if bdev.is_null() {
            return -libc::ENODEV;
        }
        let found = CString::new((*bdev).name_bytes()).unwrap_or_default();
        match &(*b).name {
            None => (*b).name = Some(found),
            Some(n) if *n != found => {
                spdk_log::errlog!(
                    "Name mismatch for base bdev '{}' - expected '{}'",
                    found.to_string_lossy(),
                    n.to_string_lossy()
                );
                return -libc::EINVAL;
            }
            Some(_) => {}
        }
    }
    let Some(name) = (*b).name.clone() else {
        return -libc::EINVAL;
    };
    let mut desc = ptr::null_mut();
    let rc = spdk_bdev_open_ext(
        name.as_ptr(),
        true,
        Some(base_event),
        ptr::null_mut(),
        &mut desc,
    );
    if rc != 0 {
        if rc != -libc::ENODEV {
            spdk_log::errlog!("Unable to create desc on bdev '{}'", name.to_string_lossy());
        }
        return rc;
    }
    let bdev = spdk_bdev_desc_get_bdev(desc);
    let u = (*bdev).uuid.u.raw;
    if (*b).uuid == [0; 16] {
        (*b).uuid = u;
    } else if (*b).uuid != u {
        spdk_log::errlog!("UUID mismatch for base bdev '{}'", name.to_string_lossy());
        spdk_bdev_close(desc);
        return -libc::EINVAL;
    }
    let rc = spdk_bdev_module_claim_bdev(bdev, ptr::null_mut(), module::module());
    if rc != 0 {
        spdk_log::errlog!("Unable to claim this bdev as it is already claimed");
        spdk_bdev_close(desc);
        return rc;
    }
    (*b).desc = desc;
    (*b).bdev = bdev;
    (*b).blockcnt = (*bdev).blockcnt;
    let rc = check_base(r, b, bdev);
    if rc != 0 {
        free_base_resource(b);
        return rc;
    }
    (*b).configure_cb = cb;
    configure_base_cont(b);
    0
}

/// Whether the base bdev fits the slot and the raid bdev (first base:
/// the raid bdev takes its block format).
unsafe fn check_base(r: &mut RaidBdev, b: *mut BaseInfo, bdev: *mut spdk_bdev) -> c_int {
    let bd = &*bdev;
    if (*b).data_offset >= bd.blockcnt {
        spdk_log::errlog!(
            "Data offset {} exceeds base bdev capacity {} on bdev '{}'",
            (*b).data_offset,
            bd.blockcnt,
            bdev_name(bdev)
        );
        return -libc::EINVAL;
    }
    if (*b).data_size == 0 {
        (*b).data_size = bd.blockcnt - (*b).data_offset;
    } else if (*b).data_offset + (*b).data_size > bd.blockcnt {
        spdk_log::errlog!(
            "Data offset and size exceeds base bdev capacity {} on bdev '{}'",
            bd.blockcnt,
            bdev_name(bdev)
        );
        return -libc::EINVAL;
    }
    // Protection information (reference tag remapping) and separate
    // metadata buffers are not carried through the raid bdev.
    let interleaved = bd.flags & BDEV_FLAG_MD_INTERLEAVE != 0;
    if bd.dif_type != 0 || (bd.md_len != 0 && !interleaved) {
        spdk_log::errlog!(
            "Base bdev '{}' has DIF or DIX enabled - unsupported RAID configuration",
            bdev_name(bdev)
        );
        return -libc::EINVAL;
    }
    let rname = r.name_str();
    let rb = &mut r.bdev;
    if rb.blocklen == 0 {
        rb.blocklen = bd.blocklen;
        rb.md_len = bd.md_len;
        rb.flags = (rb.flags & !BDEV_FLAG_MD_INTERLEAVE) | (bd.flags & BDEV_FLAG_MD_INTERLEAVE);
        return 0;
    }
    if rb.blocklen != bd.blocklen {
        spdk_log::errlog!(
            "Raid bdev '{}' blocklen {} differs from base bdev '{}' blocklen {}",
            rname,
            rb.blocklen,
            bdev_name(bdev),
            bd.blocklen
        );
        return -libc::EINVAL;
    }
    if rb.md_len != bd.md_len
        || (rb.flags & BDEV_FLAG_MD_INTERLEAVE) != (bd.flags & BDEV_FLAG_MD_INTERLEAVE)
    {
        spdk_log::errlog!(
            "Raid bdev '{}' has different metadata format than base bdev '{}'",
            rname,
            bdev_name(bdev)
        );
        return -libc::EINVAL;
    }
    0
}

unsafe fn configure_base_cont(b: *mut BaseInfo) {
    let raid = (*b).raid;
    let r = &mut *raid;
    (*b).is_configured = true;
    r.num_discovered += 1;
    let mut cb = (*b).configure_cb.take();
    let mut rc = 0;
    if r.num_discovered == r.num_operational {
        rc = raid::configure(raid, &mut cb);
        if rc != 0 {
            spdk_log::errlog!("Failed to configure raid bdev: {}", strerror(rc));
        }
    }
    if let Some(cb) = cb {
        cb(rc);
    }
}

/// Releases the base bdev of slot `b` (claim, descriptor) and empties
/// the slot's name.
pub unsafe fn free_base_resource(b: *mut BaseInfo) {
    let r = &mut *(*b).raid;
    (*b).name = None;
    if r.state != State::Configuring {
        (*b).uuid = [0; 16];
    }
    (*b).is_failed = false;
    (*b).data_offset = 0;
    if (*b).desc.is_null() {
        return;
    }
    spdk_bdev_module_release_bdev((*b).bdev);
    spdk_bdev_close((*b).desc);
    (*b).desc = ptr::null_mut();
    (*b).bdev = ptr::null_mut();
    if (*b).is_configured {
        deconfigure_base(b);
    }
}

unsafe fn deconfigure_base(b: *mut BaseInfo) {
    let r = &mut *(*b).raid;
    r.num_discovered -= 1;
    (*b).is_configured = false;
}

/// The bdev layer's examine: a new bdev that a configuring raid bdev
/// waits for (by name or UUID) is attached to it.
pub unsafe extern "C" fn examine_disk(bdev: *mut spdk_bdev) {
    if find_base_by_bdev(bdev).is_null() {
        examine_no_sb(bdev);
    }
    spdk_bdev_module_examine_done(module::module());
}

unsafe fn examine_no_sb(bdev: *mut spdk_bdev) {
    let name = (*bdev).name_bytes().to_vec();
    let uuid = (*bdev).uuid.u.raw;
    for raid in raid::list() {
        if (*raid).state != State::Configuring {
            continue;
        }
        for i in 0..(*raid).num_bases() {
            let b = raid::base_of(raid, i);
            let by_name = (*b).name.as_ref().is_some_and(|n| n.as_bytes() == name);
            if (*b).desc.is_null() && (by_name || (*b).uuid == uuid) {
                let rc = configure_base(b, None);
                if rc != 0 {
                    spdk_log::errlog!(
                        "Failed to attach base bdev '{}' to raid bdev '{}': {}",
                        String::from_utf8_lossy(&name),
                        (*raid).name_str(),
                        strerror(rc)
                    );
                }
                break;
            }
        }
    }
}

/// Events of the base bdevs: a removed base leaves its raid bdev.
unsafe extern "C" fn base_event(t: spdk_bdev_event_type, bdev: *mut spdk_bdev, _ctx: *mut c_void) {
    match t {
        spdk_bdev_event_type::SPDK_BDEV_EVENT_REMOVE => {
            let rc = remove_base_bdev(bdev, None);
            if rc != 0 {
                spdk_log::errlog!(
                    "Failed to remove base bdev {}: {}",
                    bdev_name(bdev),
                    strerror(rc)
                );
            }
        }
        _ => spdk_log::noticelog!("Unsupported bdev event: type {}", t as i32),
    }
}

/// Removes the base bdev `bdev` from the raid bdev holding it (SPDK's
/// raid_bdev_remove_base_bdev); -ENODEV when no raid bdev holds it.
///
/// # Safety
/// On the app thread.
pub unsafe fn remove_base_bdev(bdev: *mut spdk_bdev, cb: Option<DoneCb>) -> c_int {
    let b = find_base_by_bdev(bdev);
    if b.is_null() {
        spdk_log::errlog!("bdev to remove '{}' not found", bdev_name(bdev));
        return -libc::ENODEV;
    }
    remove_base(b, cb)
}

/// Takes a base bdev out of its raid bdev. Not online: just released.
/// A level without redundancy goes offline. raid1: the base is detached
/// from every channel once its I/O there has drained, then released;
/// the array stays online while a mirror remains.
pub unsafe fn remove_base(b: *mut BaseInfo, cb: Option<DoneCb>) -> c_int {
    let raid = (*b).raid;
    let r = &mut *raid;
    if (*b).remove_scheduled || !(*b).is_configured {
        return -libc::ENODEV;
    }
    (*b).remove_scheduled = true;
    if r.state != State::Online {
        free_base_resource(b);
        (*b).remove_scheduled = false;
        if r.num_discovered == 0 && r.state == State::Offline && !r.registered {
            raid::cleanup_and_free(raid);
        }
        if let Some(cb) = cb {
            cb(0);
        }
    } else if r.min_operational == r.num_bases() {
        // No redundancy: the array cannot go on without this base.
        r.num_operational -= 1;
        raid::deconfigure(raid, cb);
    } else {
        (*b).remove_cb = cb;
        deconfigure_base(b);
        spdk_for_each_channel(
            raid.cast(),
            Some(channel::detach_slot),
            b.cast(),
            Some(detached),
        );
    }
    0
}

unsafe extern "C" fn detached(i: *mut spdk_io_channel_iter, _status: c_int) {
    let b = ::spdk_thread::ffi::thread::spdk_io_channel_iter_get_ctx(i).cast::<BaseInfo>();
    free_base_resource(b);
    let raid = (*b).raid;
    let r = &mut *raid;
    (*b).remove_scheduled = false;
    r.num_operational -= 1;
    let cb = (*b).remove_cb.take();
    if r.num_operational < r.min_operational {
        // The last mirror is gone.
        raid::deconfigure(raid, cb);
        return;
    }
    spdk_log::noticelog!(
        "raid bdev '{}' continues degraded: {} of {} base bdevs",
        r.name_str(),
        r.num_operational,
        r.num_bases()
    );
    if let Some(cb) = cb {
        cb(0);
    }
}

/// An I/O to the base bdev of `b` failed: take it out of its raid bdev
/// (from the app thread). Only levels with redundancy call it.
pub unsafe fn fail_base(b: *mut BaseInfo) {
    raid::on_app_thread(fail_base_on_app, b.cast());
}

unsafe extern "C" fn fail_base_on_app(arg: *mut c_void) {
    let b = arg.cast::<BaseInfo>();
    if (*b).is_failed || (*b).desc.is_null() {
        return;
    }
    (*b).is_failed = true;
    let r = &*(*b).raid;
    let slot = r
        .bases
        .iter()
        .position(|x| ptr::eq(x, b))
        .unwrap_or(usize::MAX);
    spdk_log::noticelog!(
        "Failing base bdev in slot {} ('{}') of raid bdev '{}'",
        slot,
        (*b).name
            .as_deref()
            .map(CStr::to_string_lossy)
            .unwrap_or_default(),
        r.name_str()
    );
    let rc = remove_base(
        b,
        Some(Box::new(move |rc| {
            if rc != 0 {
                spdk_log::warnlog!("Failed to remove a failed base bdev: {}", strerror(rc));
            }
        })),
    );
    if rc != 0 {
        spdk_log::warnlog!("Failed to remove a failed base bdev: {}", strerror(rc));
        (*b).is_failed = false;
    }
}
