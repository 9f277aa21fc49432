//! SPDK's RAID bdev module (module/bdev/raid) for the levels raid0
//! (striping), raid1 (mirroring) and concat, as a Rust bdev module that
//! uses the bdev layer's C ABI exactly as SPDK's C module does: it opens
//! and claims its base bdevs, keeps one channel per base bdev in each
//! thread's raid channel and turns every I/O into child I/Os on the bases.
//!
//! A raid bdev whose base bdevs do not all exist yet stays "configuring";
//! the module's examine attaches them as they register, and the raid bdev
//! registers ("online") when the last one is there. Superblocks and
//! background processes (rebuild) are not provided: `superblock: true` is
//! refused.
//!
//! [`register`] adds the module and its RPC methods (bdev_raid_create,
//! bdev_raid_delete, bdev_raid_get_bdevs, bdev_raid_remove_base_bdev,
//! bdev_raid_set_options).

use std::ffi::{c_int, CString};
use std::sync::Once;

mod base;
mod channel;
mod concat;
mod create;
mod io;
mod json;
mod module;
mod raid;
mod raid0;
mod raid1;
mod rpc;
mod split;

pub use create::CreateOpts;
pub use raid::{Level, State};

spdk_log::log_flag!(pub static LOG_RAID = "bdev_raid");

static REGISTER: Once = Once::new();

/// Adds the raid module to the bdev module list and registers its RPC
/// methods (once). Call it before the bdev layer initializes, as SPDK's
/// module constructor runs before it.
pub fn register() {
    REGISTER.call_once(|| {
        module::register_module();
        rpc::register();
    });
}

/// One slot of a raid bdev, as bdev_raid_get_bdevs shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseSlot {
    /// None: the base was removed.
    pub name: Option<String>,
    pub is_configured: bool,
    pub data_size: u64,
}

/// A raid bdev, as bdev_raid_get_bdevs shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaidInfo {
    pub name: String,
    pub state: State,
    pub level: Level,
    pub strip_size_kb: u32,
    pub num_discovered: usize,
    pub num_operational: usize,
    pub bases: Vec<BaseSlot>,
    /// The raid bdev's size (0 until it is configured).
    pub num_blocks: u64,
}

/// The raid bdev `name`, if any. Call it on the app thread.
pub fn info(name: &str) -> Option<RaidInfo> {
    let r = raid::find_by_name(name);
    // SAFETY: a listed raid bdev, read on the thread that changes it.
    let r = unsafe { r.as_ref()? };
    Some(RaidInfo {
        name: r.name_str(),
        state: r.state,
        level: r.level,
        strip_size_kb: r.strip_size_kb,
        num_discovered: r.num_discovered,
        num_operational: r.num_operational,
        bases: r
            .bases
            .iter()
            .map(|b| BaseSlot {
                name: b.name.as_ref().map(|n| n.to_string_lossy().into_owned()),
                is_configured: b.is_configured,
                data_size: b.data_size,
            })
            .collect(),
        num_blocks: r.bdev.blockcnt,
    })
}

/// Creates a raid bdev and adds its base bdevs (bdev_raid_create);
/// `done(rc)` once the base bdevs present are attached (on failure the
/// raid bdev is gone again). Errors found before anything was created
/// are returned, and `done` is not called.
///
/// # Safety
/// On the app thread, with the bdev layer initialized.
pub unsafe fn create(o: &CreateOpts, done: impl FnOnce(c_int) + 'static) -> Result<(), c_int> {
    create::create(o, Box::new(done))
}

/// Deletes the raid bdev `name` (bdev_raid_delete): `done(rc)` when it is
/// gone. -ENODEV when there is no such raid bdev.
///
/// # Safety
/// On the app thread.
pub unsafe fn delete(name: &str, done: impl FnOnce(c_int) + 'static) -> Result<(), c_int> {
    let r = raid::find_by_name(name);
    if r.is_null() {
        return Err(-libc::ENODEV);
    }
    raid::delete(r, Some(Box::new(done)));
    Ok(())
}

/// Takes the base bdev `name` out of its raid bdev
/// (bdev_raid_remove_base_bdev): `done(rc)` when removed. -ENODEV when
/// no raid bdev holds it.
///
/// # Safety
/// On the app thread.
pub unsafe fn remove_base_bdev(
    name: &str,
    done: impl FnOnce(c_int) + 'static,
) -> Result<(), c_int> {
    let c = CString::new(name).map_err(|_| -libc::EINVAL)?;
    let b = ::spdk_bdev::ffi::bdev::spdk_bdev_get_by_name(c.as_ptr());
    if b.is_null() {
        return Err(-libc::ENODEV);
    }
    match base::remove_base_bdev(b, Some(Box::new(done))) {
        0 => Ok(()),
        rc => Err(rc),
    }
}
