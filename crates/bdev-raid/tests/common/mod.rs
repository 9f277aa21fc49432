//! The raid tests' harness: the shared bdev test kit, and a RAM bdev
//! whose I/O can be made to fail.
#![allow(dead_code)]

pub mod flaky;

pub use spdk_bdev_testkit::*;
