//! bdev_raid_create as a whole: create the raid bdev, add its base bdevs
//! by name (those missing are attached later by examine) and report once
//! every present base has been attached; on failure the raid bdev is
//! deleted again (SPDK's rpc_bdev_raid_create).

use std::cell::RefCell;
use std::ffi::c_int;
use std::rc::Rc;

use crate::raid::{self, DoneCb, Level, RaidBdev};
use crate::{base, rpc::strerror};

/// The parameters of bdev_raid_create.
#[derive(Clone, Debug)]
pub struct CreateOpts {
    pub name: String,
    /// 0 for raid1; a power of two otherwise.
    pub strip_size_kb: u32,
    pub level: Level,
    pub base_bdevs: Vec<String>,
    /// All zero: generated when the raid bdev registers.
    pub uuid: [u8; 16],
    /// Refused (-EOPNOTSUPP): superblocks are not provided.
    pub superblock: bool,
}

struct Ctx {
    done: Option<DoneCb>,
    raid: *mut RaidBdev,
    name: String,
    remaining: usize,
    status: c_int,
}

fn part_done(ctx: &Rc<RefCell<Ctx>>, status: c_int) {
    let mut c = ctx.borrow_mut();
    if status != 0 {
        c.status = status;
    }
    c.remaining -= 1;
    if c.remaining > 0 {
        return;
    }
    let Some(done) = c.done.take() else { return };
    let (raid, rc) = (c.raid, c.status);
    drop(c);
    if rc != 0 {
        // SAFETY: on the app thread; the raid bdev is still listed.
        unsafe { raid::delete(raid, None) };
    }
    done(rc);
}

/// Creates a raid bdev with its base bdevs; `done(rc)` once the present
/// base bdevs are attached (0: created, online or configuring; otherwise
/// the raid bdev was deleted again). An error found before anything was
/// created is returned instead (`done` is not called).
///
/// # Safety
/// On the app thread, with the bdev layer initialized.
pub unsafe fn create(o: &CreateOpts, done: DoneCb) -> Result<(), c_int> {
    if o.base_bdevs.iter().any(|b| b.is_empty()) {
        return Err(-libc::EINVAL);
    }
    let n = o.base_bdevs.len();
    let raid = raid::create(&o.name, o.strip_size_kb, n, o.level, o.superblock, o.uuid)?;
    let ctx = Rc::new(RefCell::new(Ctx {
        done: Some(done),
        raid,
        name: o.name.clone(),
        remaining: n,
        status: 0,
    }));
    for (i, name) in o.base_bdevs.iter().enumerate() {
        let c = ctx.clone();
        let rc = base::add_base(raid, name, Some(Box::new(move |rc| part_done(&c, rc))));
        if rc == -libc::ENODEV {
            // Attached by examine when it appears.
            part_done(&ctx, 0);
        } else if rc != 0 {
            spdk_log::debuglog!(
                crate::LOG_RAID,
                "Failed to add base bdev {} to RAID bdev {}: {}",
                name,
                ctx.borrow().name,
                strerror(rc)
            );
            ctx.borrow_mut().remaining -= n - i - 1;
            part_done(&ctx, rc);
            break;
        }
    }
    Ok(())
}
