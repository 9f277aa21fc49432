//! The raid bdev: its levels and states, the list of raid bdevs, and its
//! life cycle (create, configure when every base bdev is there, register,
//! deconfigure, destruct, delete), as SPDK's bdev_raid.c drives it.
//!
//! Everything here runs on the app thread (RPCs, examine, bdev events and
//! destruct are brought there), so the raid bdev's fields are plain data
//! reached through raw pointers; the list itself is behind a mutex that
//! is never held while calling out.

use std::ffi::{c_int, c_void, CString};
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use ::spdk_bdev::ffi::bdev::spdk_bdev_desc;
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_destruct_done, spdk_bdev_register, spdk_bdev_unregister,
    BDEV_FLAG_MD_INTERLEAVE, BDEV_FLAG_SPLIT_ON_OPTIMAL_IO_BOUNDARY,
};
use ::spdk_thread::ffi::thread::{
    spdk_get_thread, spdk_io_device_register, spdk_io_device_unregister,
    spdk_thread_get_app_thread, spdk_thread_send_msg,
};

use crate::{base, channel, concat, module, raid0, raid1};

/// Longest raid bdev name + 1 (the size of the name in SPDK's superblock).
const NAME_SIZE: usize = 64;

/// A RAID level, with SPDK's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Raid0 = 0,
    Raid1 = 1,
    Raid5f = 95,
    Concat = 99,
}

/// SPDK's names of the levels; the first of each level is the one shown.
const LEVEL_NAMES: [(&str, Level); 7] = [
    ("raid0", Level::Raid0),
    ("0", Level::Raid0),
    ("raid1", Level::Raid1),
    ("1", Level::Raid1),
    ("raid5f", Level::Raid5f),
    ("5f", Level::Raid5f),
    ("concat", Level::Concat),
];

impl Level {
    /// The level named `s` (case-insensitive), as SPDK's
    /// raid_bdev_str_to_level().
    pub fn parse(s: &str) -> Option<Level> {
        LEVEL_NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|(_, l)| *l)
    }

    pub fn name(self) -> &'static str {
        LEVEL_NAMES
            .iter()
            .find(|(_, l)| *l == self)
            .map_or("", |(n, _)| n)
    }

    /// (fewest base bdevs, fewest operational base bdevs given `n`) of
    /// the levels this module implements; None for the others.
    fn constraints(self, n: usize) -> Option<(usize, usize)> {
        match self {
            Level::Raid0 | Level::Concat => Some((1, n)),
            // Any one mirror keeps the array operational.
            Level::Raid1 => Some((2, 1)),
            Level::Raid5f => None,
        }
    }
}

/// The state of a raid bdev, with SPDK's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Registered with the bdev layer.
    Online,
    /// Waiting for base bdevs.
    Configuring,
    /// Unregistered after a failure or a removal; only deletion remains.
    Offline,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Online => "online",
            State::Configuring => "configuring",
            State::Offline => "offline",
        }
    }

    /// The state named `s` (case-insensitive); None for any other name.
    pub fn parse(s: &str) -> Option<State> {
        [State::Online, State::Configuring, State::Offline]
            .into_iter()
            .find(|st| st.name().eq_ignore_ascii_case(s))
    }
}

/// Completion of a control-path operation (0 or a negative errno).
pub type DoneCb = Box<dyn FnOnce(c_int)>;

/// One slot of a raid bdev: the base bdev that belongs there.
pub struct BaseInfo {
    pub raid: *mut RaidBdev,
    /// None when the slot is empty (the base was removed).
    pub name: Option<CString>,
    /// All zero until the base bdev is known.
    pub uuid: [u8; 16],
    /// Open (read-write, claimed) while the base bdev is attached.
    pub desc: *mut spdk_bdev_desc,
    pub bdev: *mut spdk_bdev,
    pub data_offset: u64,
    pub data_size: u64,
    /// The base is being removed (hot remove, failure or raid deletion).
    pub remove_scheduled: bool,
    pub remove_cb: Option<DoneCb>,
    pub blockcnt: u64,
    /// Counted in num_discovered and used for I/O.
    pub is_configured: bool,
    /// Removed because an I/O to it failed.
    pub is_failed: bool,
    pub configure_cb: Option<DoneCb>,
}

impl BaseInfo {
    fn new(raid: *mut RaidBdev) -> BaseInfo {
        BaseInfo {
            raid,
            name: None,
            uuid: [0; 16],
            desc: ptr::null_mut(),
            bdev: ptr::null_mut(),
            data_offset: 0,
            data_size: 0,
            remove_scheduled: false,
            remove_cb: None,
            blockcnt: 0,
            is_configured: false,
            is_failed: false,
            configure_cb: None,
        }
    }
}

/// A raid bdev. `bdev` comes first: the bdev's ctxt, the raid bdev and
/// its io_device are one address.
#[repr(C)]
pub struct RaidBdev {
    pub bdev: spdk_bdev,
    name: CString,
    /// One per slot; never resized, so pointers to a BaseInfo stay valid.
    pub bases: Vec<BaseInfo>,
    /// Strip size in blocks (0 for raid1), its log2 and the requested KiB.
    pub strip_size: u32,
    pub strip_shift: u32,
    pub strip_size_kb: u32,
    pub state: State,
    pub num_discovered: usize,
    pub num_operational: usize,
    pub min_operational: usize,
    pub level: Level,
    pub destroy_started: bool,
    /// From the bdev's registration until its destruct has finished.
    pub registered: bool,
    /// A deletion asked while the bdev was being unregistered: finished
    /// when the destruct is.
    delete_cb: Option<DoneCb>,
    /// concat: (first block, blocks) of each base in the raid bdev.
    pub ranges: Vec<(u64, u64)>,
}

impl RaidBdev {
    pub fn num_bases(&self) -> usize {
        self.bases.len()
    }

    pub fn name_str(&self) -> String {
        self.name.to_string_lossy().into_owned()
    }
}

/// Slot `i` of `raid`.
pub unsafe fn base_of(raid: *mut RaidBdev, i: usize) -> *mut BaseInfo {
    let bases = &mut (*raid).bases;
    &mut bases[i]
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct RaidPtr(*mut RaidBdev);
// SAFETY: only the address crosses threads; the raid is used on the app thread.
unsafe impl Send for RaidPtr {}

/// Every raid bdev, in creation order (SPDK's g_raid_bdev_list).
static RAIDS: Mutex<Vec<RaidPtr>> = Mutex::new(Vec::new());

/// The bdev layer is shutting down (raid bdevs release all their bases).
static SHUTDOWN: AtomicBool = AtomicBool::new(false);

fn raids_lock() -> std::sync::MutexGuard<'static, Vec<RaidPtr>> {
    RAIDS.lock().unwrap_or_else(|e| e.into_inner())
}

/// A snapshot of the raid bdevs, in creation order.
pub fn list() -> Vec<*mut RaidBdev> {
    raids_lock().iter().map(|r| r.0).collect()
}

/// The raid bdev named `name`, or NULL.
pub fn find_by_name(name: &str) -> *mut RaidBdev {
    list()
        .into_iter()
        // SAFETY: listed raid bdevs are alive.
        .find(|r| unsafe { (**r).name.as_bytes() } == name.as_bytes())
        .unwrap_or(ptr::null_mut())
}

pub fn set_shutdown(v: bool) {
    SHUTDOWN.store(v, Ordering::Relaxed);
}

pub fn shutdown_started() -> bool {
    SHUTDOWN.load(Ordering::Relaxed)
}

/// Runs `f(arg)` on the app thread: at once when already there.
pub unsafe fn on_app_thread(f: unsafe extern "C" fn(*mut c_void), arg: *mut c_void) {
    let app = spdk_thread_get_app_thread();
    if app.is_null() || app == spdk_get_thread() {
        f(arg);
    } else if spdk_thread_send_msg(app, Some(f), arg) != 0 {
        spdk_log::errlog!("raid: could not send a message to the app thread");
    }
}

/// Creates a raid bdev in the "configuring" state (SPDK's
/// raid_bdev_create); its base bdevs are added by name afterwards.
/// `strip_size_kb` is 0 for raid1 and a power of two otherwise; a zero
/// `uuid` means one is generated when the raid bdev registers.
///
/// # Safety
/// On the app thread.
pub unsafe fn create(
    name: &str,
    strip_size_kb: u32,
    num_base_bdevs: usize,
    level: Level,
    superblock: bool,
    uuid: [u8; 16],
) -> Result<*mut RaidBdev, c_int> {
    if name.len() >= NAME_SIZE {
        spdk_log::errlog!(
            "Raid bdev name '{}' exceeds {} characters",
            name,
            NAME_SIZE - 1
        );
        return Err(-libc::EINVAL);
    }
    let cname = CString::new(name).map_err(|_| -libc::EINVAL)?;
    if !find_by_name(name).is_null() {
        spdk_log::errlog!("Duplicate raid bdev name found: {}", name);
        return Err(-libc::EEXIST);
    }
    if level == Level::Raid1 {
        if strip_size_kb != 0 {
            spdk_log::errlog!("Strip size is not supported by raid1");
            return Err(-libc::EINVAL);
        }
    } else if !strip_size_kb.is_power_of_two() {
        spdk_log::errlog!("Invalid strip size {}", strip_size_kb);
        return Err(-libc::EINVAL);
    }
    let Some((min_bases, min_operational)) = level.constraints(num_base_bdevs) else {
        spdk_log::errlog!("Unsupported raid level '{}'", level as i32);
        return Err(-libc::EINVAL);
    };
    if num_base_bdevs < min_bases {
        spdk_log::errlog!(
            "At least {} base devices required for {}",
            min_bases,
            level.name()
        );
        return Err(-libc::EINVAL);
    }
    if num_base_bdevs > u8::MAX as usize {
        spdk_log::errlog!("At most {} base devices are supported", u8::MAX);
        return Err(-libc::EINVAL);
    }
    if superblock {
        // The on-disk superblock (and the examine that reads it) is not
        // provided: refuse rather than create a raid that forgets it.
        spdk_log::errlog!("Raid bdev '{}': superblock is not supported", name);
        return Err(-libc::EOPNOTSUPP);
    }
    let mut r = Box::new(RaidBdev {
        bdev: spdk_bdev::zeroed(),
        name: cname,
        bases: Vec::new(),
        strip_size: 0,
        strip_shift: 0,
        strip_size_kb,
        state: State::Configuring,
        num_discovered: 0,
        num_operational: num_base_bdevs,
        min_operational,
        level,
        destroy_started: false,
        registered: false,
        delete_cb: None,
        ranges: Vec::new(),
    });
    let raw: *mut RaidBdev = &mut *r;
    r.bases = (0..num_base_bdevs).map(|_| BaseInfo::new(raw)).collect();
    let b = &mut r.bdev;
    b.name = r.name.as_ptr() as *mut _;
    b.product_name = c"Raid Volume".as_ptr() as *mut _;
    b.ctxt = raw.cast();
    b.fn_table = module::fn_table();
    b.module = module::module();
    b.write_cache = 0;
    b.uuid.u.raw = uuid;
    let raw = Box::into_raw(r);
    raids_lock().push(RaidPtr(raw));
    Ok(raw)
}

/// Removes `raid` from the list and frees it.
pub unsafe fn cleanup_and_free(raid: *mut RaidBdev) {
    raids_lock().retain(|r| r.0 != raid);
    drop(Box::from_raw(raid));
}

/// Deletes a raid bdev (SPDK's raid_bdev_delete): an online one is
/// unregistered first; `cb(rc)` when done (-EALREADY when a deletion is
/// already under way).
///
/// # Safety
/// On the app thread; `raid` is listed.
pub unsafe fn delete(raid: *mut RaidBdev, cb: Option<DoneCb>) {
    let r = &mut *raid;
    if r.destroy_started {
        if let Some(cb) = cb {
            cb(-libc::EALREADY);
        }
        return;
    }
    r.destroy_started = true;
    if r.registered && r.state != State::Online {
        // Its bdev is being unregistered: the bases go in its destruct,
        // and the raid bdev with it.
        for b in r.bases.iter_mut() {
            b.remove_scheduled = true;
        }
        r.delete_cb = cb;
        return;
    }
    for i in 0..r.num_bases() {
        let b: *mut BaseInfo = &mut r.bases[i];
        (*b).remove_scheduled = true;
        if r.state != State::Online {
            base::free_base_resource(b);
        }
    }
    if r.num_discovered == 0 {
        cleanup_and_free(raid);
        if let Some(cb) = cb {
            cb(0);
        }
    } else {
        deconfigure(raid, cb);
    }
}

/// Brings a raid bdev whose base bdevs are all there online: sizes it
/// for its level and registers it. Errors leave it configuring. An error
/// before the registration is returned (`cb` left to the caller);
/// otherwise `cb` is taken and gets the registration's result.
pub unsafe fn configure(raid: *mut RaidBdev, cb: &mut Option<DoneCb>) -> c_int {
    let r = &mut *raid;
    let data_block = r.bdev.blocklen
        - if r.bdev.flags & BDEV_FLAG_MD_INTERLEAVE != 0 {
            r.bdev.md_len
        } else {
            0
        };
    let strip = (r.strip_size_kb as u64 * 1024 / data_block as u64) as u32;
    if strip == 0 && r.level != Level::Raid1 {
        spdk_log::errlog!("Strip size cannot be smaller than the device block size");
        return -libc::EINVAL;
    }
    r.strip_size = strip;
    r.strip_shift = if strip == 0 {
        0
    } else {
        strip.trailing_zeros()
    };
    match r.level {
        Level::Raid0 => raid0::start(r),
        Level::Raid1 => raid1::start(r),
        Level::Concat => concat::start(r),
        Level::Raid5f => return -libc::EINVAL,
    }
    r.state = State::Online;
    spdk_io_device_register(
        raid.cast(),
        Some(channel::create_cb),
        Some(channel::destroy_cb),
        channel::ctx_size(r.num_bases()) as u32,
        r.name.as_ptr(),
    );
    let rc = spdk_bdev_register(&mut r.bdev);
    r.registered = rc == 0;
    if rc != 0 {
        spdk_log::errlog!(
            "Failed to register raid bdev '{}': {}",
            r.name_str(),
            crate::rpc::strerror(rc)
        );
        spdk_io_device_unregister(raid.cast(), None);
        r.state = State::Configuring;
    }
    if let Some(cb) = cb.take() {
        cb(rc);
    }
    0
}

/// Clears the split flag and boundary (levels that need no splitting).
pub fn no_split(b: &mut spdk_bdev) {
    b.optimal_io_boundary = 0;
    b.flags &= !BDEV_FLAG_SPLIT_ON_OPTIMAL_IO_BOUNDARY;
}

/// Asks the bdev layer to split I/O at every `boundary` blocks.
pub fn split_at(b: &mut spdk_bdev, boundary: u32) {
    b.optimal_io_boundary = boundary;
    b.flags |= BDEV_FLAG_SPLIT_ON_OPTIMAL_IO_BOUNDARY;
}

unsafe extern "C" fn unregister_done(arg: *mut c_void, rc: c_int) {
    let cb = Box::from_raw(arg.cast::<Option<DoneCb>>());
    if let Some(cb) = *cb {
        cb(rc);
    }
}

/// Takes an online raid bdev offline: unregisters it (`cb` when the
/// unregistration finishes); `cb(0)` at once when it is not online.
pub unsafe fn deconfigure(raid: *mut RaidBdev, cb: Option<DoneCb>) {
    let r = &mut *raid;
    if r.state != State::Online {
        if let Some(cb) = cb {
            cb(0);
        }
        return;
    }
    r.state = State::Offline;
    spdk_log::debuglog!(
        crate::LOG_RAID,
        "raid bdev {} state changing from online to offline",
        r.name_str()
    );
    let arg = Box::into_raw(Box::new(cb));
    spdk_bdev_unregister(&mut r.bdev, Some(unregister_done), arg.cast());
}

/// The bdev's destruct: finished on the app thread (returns 1, then
/// spdk_bdev_destruct_done).
pub unsafe extern "C" fn destruct(ctx: *mut c_void) -> c_int {
    on_app_thread(destruct_on_app, ctx);
    1
}

unsafe extern "C" fn destruct_on_app(ctx: *mut c_void) {
    let raid = ctx.cast::<RaidBdev>();
    let r = &mut *raid;
    let shutdown = shutdown_started();
    for i in 0..r.num_bases() {
        let b: *mut BaseInfo = &mut r.bases[i];
        // Bases whose removal asked for this unregistration are released
        // now; at shutdown every base is.
        if shutdown || (*b).remove_scheduled {
            base::free_base_resource(b);
        }
    }
    if shutdown || r.state == State::Online {
        // Unregistered without going through deconfigure: offline too.
        r.state = State::Offline;
    }
    r.ranges = Vec::new();
    spdk_io_device_unregister(raid.cast(), Some(io_device_unregistered));
}

unsafe extern "C" fn io_device_unregistered(dev: *mut c_void) {
    let raid = dev.cast::<RaidBdev>();
    (*raid).registered = false;
    let delete_cb = (*raid).delete_cb.take();
    if (*raid).num_discovered == 0 {
        // No base left: the raid bdev goes away with its bdev.
        raids_lock().retain(|r| r.0 != raid);
        spdk_bdev_destruct_done(&mut (*raid).bdev, 0);
        drop(Box::from_raw(raid));
    } else {
        spdk_bdev_destruct_done(&mut (*raid).bdev, 0);
    }
    if let Some(cb) = delete_cb {
        cb(0);
    }
}

/// The bdev layer starts shutting down: raid bdevs that are not online
/// release their bases now (online ones do it in destruct).
pub unsafe fn fini_start() {
    for raid in list() {
        if (*raid).state != State::Online {
            for i in 0..(*raid).num_bases() {
                let b = base_of(raid, i);
                base::free_base_resource(b);
            }
        }
    }
    set_shutdown(true);
}

/// The module finishes: whatever raid bdev is left is freed.
pub unsafe fn fini() {
    for raid in list() {
        cleanup_and_free(raid);
    }
}

#[cfg(test)]
pub mod tests_support {
    use super::*;

    /// A raid bdev of `n` empty slots, not listed (layout tests).
    pub fn raid(n: usize, level: Level) -> Box<RaidBdev> {
        let mut r = Box::new(RaidBdev {
            bdev: spdk_bdev::zeroed(),
            name: CString::new("test").unwrap_or_default(),
            bases: Vec::new(),
            strip_size: 0,
            strip_shift: 0,
            strip_size_kb: 0,
            state: State::Configuring,
            num_discovered: 0,
            num_operational: n,
            min_operational: n,
            level,
            destroy_started: false,
            registered: false,
            delete_cb: None,
            ranges: Vec::new(),
        });
        let raw: *mut RaidBdev = &mut *r;
        r.bases = (0..n).map(|_| BaseInfo::new(raw)).collect();
        r
    }
}
