//! The raid tests' harness: the shared bdev test kit, raid creation and
//! deletion run to their completion, and a RAM bdev whose I/O can be
//! made to fail.
#![allow(dead_code)]

pub mod flaky;

use std::ffi::c_int;

use spdk_bdev_raid::{CreateOpts, Level};
pub use spdk_bdev_testkit::*;

pub fn opts(name: &str, level: Level, strip_kb: u32, bases: &[&str]) -> CreateOpts {
    CreateOpts {
        name: name.into(),
        strip_size_kb: strip_kb,
        level,
        base_bdevs: bases.iter().map(|s| s.to_string()).collect(),
        uuid: [0; 16],
        superblock: false,
    }
}

pub fn create_o(env: &Env, o: &CreateOpts) -> c_int {
    sync_op(env, |done| unsafe { spdk_bdev_raid::create(o, done) })
}

pub fn create(env: &Env, name: &str, level: Level, strip_kb: u32, bases: &[&str]) -> c_int {
    create_o(env, &opts(name, level, strip_kb, bases))
}

pub fn delete(env: &Env, name: &str) -> c_int {
    sync_op(env, |d| unsafe { spdk_bdev_raid::delete(name, d) })
}
