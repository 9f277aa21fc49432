//! What the bdev module crates' integration tests share: SPDK threads
//! driving the bdev library ([`env`]), malloc bases and open descriptors
//! ([`bdevs`]), synchronous I/O ([`io`]), JSON capture of what
//! bdev_get_bdevs / save_config show ([`json`]) and, for the modules on
//! files (aio, uring), aligned buffers, temporary files, loop devices and
//! allocation-free I/O checks ([`file`]).
//!
//! A dev-dependency only: each test binary gets its own copy, so the
//! statics here (completion counters) are per binary, as the tests'
//! own were.

// Tests hand these helpers the bdev and module pointers the library gave
// them; marking every helper unsafe would only move the noise there.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

pub mod bdevs;
pub mod env;
pub mod file;
pub mod io;
pub mod json;

pub use bdevs::*;
pub use env::*;
pub use io::*;
pub use json::*;
