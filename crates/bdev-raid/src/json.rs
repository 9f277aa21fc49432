//! JSON of raid bdevs in SPDK's shapes: the description that
//! bdev_raid_get_bdevs and bdev_get_bdevs' driver_specific "raid" show,
//! and the bdev_raid_create call save_config writes.

use std::ffi::{c_int, c_void};

use ::spdk_bdev::ffi::bdev_module::spdk_bdev;
use spdk_json::ffi::json::{spdk_json_write_ctx, writer_mut};
use spdk_json::JsonWriter;

use crate::raid::RaidBdev;

/// SPDK's raid_bdev_write_info_json().
///
/// # Safety
/// `r` is a listed raid bdev.
pub unsafe fn write_info(r: &RaidBdev, w: &mut JsonWriter) {
    let _ = w.name("uuid");
    let _ = w.uuid(&r.bdev.uuid.u.raw);
    let _ = w.named_uint64("strip_size_kb", r.strip_size_kb as u64);
    let _ = w.named_string("state", r.state.name());
    let _ = w.named_string("raid_level", r.level.name());
    let _ = w.named_bool("superblock", false);
    let _ = w.named_uint64("num_base_bdevs", r.num_bases() as u64);
    let _ = w.named_uint64("num_base_bdevs_discovered", r.num_discovered as u64);
    let _ = w.named_uint64("num_base_bdevs_operational", r.num_operational as u64);
    let _ = w.named_array_begin("base_bdevs_list");
    for b in &r.bases {
        let _ = w.object_begin();
        match &b.name {
            Some(n) => w.named_string("name", n.as_bytes()),
            None => w.named_null("name"),
        }
        .ok();
        let _ = w.name("uuid");
        let _ = w.uuid(&b.uuid);
        let _ = w.named_bool("is_configured", b.is_configured);
        let _ = w.named_uint64("data_offset", b.data_offset);
        let _ = w.named_uint64("data_size", b.data_size);
        let _ = w.object_end();
    }
    let _ = w.array_end();
}

/// The bdev's dump_info_json: a "raid" object in driver_specific.
pub unsafe extern "C" fn dump_info_json(ctx: *mut c_void, w: *mut spdk_json_write_ctx) -> c_int {
    let Some(w) = writer_mut(w) else {
        return -libc::EINVAL;
    };
    let r = &*ctx.cast::<RaidBdev>();
    let _ = w.named_object_begin("raid");
    write_info(r, w);
    let _ = w.object_end();
    0
}

/// The bdev's write_config_json: the bdev_raid_create call that makes it
/// again (a removed base appears as "removed_base_bdev_<slot>", as SPDK).
pub unsafe extern "C" fn write_config_json(bdev: *mut spdk_bdev, w: *mut spdk_json_write_ctx) {
    let Some(w) = writer_mut(w) else { return };
    let r = &*(*bdev).ctxt.cast::<RaidBdev>();
    let _ = w.object_begin();
    let _ = w.named_string("method", "bdev_raid_create");
    let _ = w.named_object_begin("params");
    let _ = w.named_string("name", (*bdev).name_bytes());
    let _ = w.name("uuid");
    let _ = w.uuid(&r.bdev.uuid.u.raw);
    if r.strip_size_kb != 0 {
        let _ = w.named_uint64("strip_size_kb", r.strip_size_kb as u64);
    }
    let _ = w.named_string("raid_level", r.level.name());
    let _ = w.named_array_begin("base_bdevs");
    for (i, b) in r.bases.iter().enumerate() {
        let _ = match &b.name {
            Some(n) => w.string(n.as_bytes()),
            None => w.string(format!("removed_base_bdev_{i}")),
        };
    }
    let _ = w.array_end();
    let _ = w.object_end();
    let _ = w.object_end();
}
