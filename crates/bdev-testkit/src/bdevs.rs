//! Bdevs for a test: lookup, malloc bases, asynchronous deletes run to
//! their completion, and open descriptors closed on hot remove.

use std::ffi::{c_int, c_void, CString};
use std::ptr;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_bdev::{core, malloc};
use ::spdk_thread::ffi::thread::*;

use crate::env::Env;

pub fn bdev(name: &str) -> *mut spdk_bdev {
    let c = CString::new(name).unwrap();
    // SAFETY: lookup by name.
    unsafe { spdk_bdev_get_by_name(c.as_ptr()) }
}

pub fn malloc_create(name: &str, num_blocks: u64, block_size: u32) -> *mut spdk_bdev {
    malloc::create(&malloc::MallocOpts {
        name: Some(name.into()),
        num_blocks,
        block_size,
        ..Default::default()
    })
    .expect("malloc create")
}

static UNREG: AtomicI64 = AtomicI64::new(i64::MIN);

/// The callback [`delete_sync`] passes.
///
/// # Safety
/// Called by the library as an unregister callback.
pub unsafe extern "C" fn unreg_done(_arg: *mut c_void, rc: c_int) {
    UNREG.store(rc as i64, Ordering::SeqCst);
}

/// Runs `f(cb, arg)`, an asynchronous delete/unregister, to its callback's rc.
pub fn delete_sync(env: &Env, f: impl FnOnce(spdk_bdev_unregister_cb, *mut c_void)) -> i64 {
    UNREG.store(i64::MIN, Ordering::SeqCst);
    f(Some(unreg_done), ptr::null_mut());
    env.poll_until(|| UNREG.load(Ordering::SeqCst) != i64::MIN);
    UNREG.load(Ordering::SeqCst)
}

pub fn malloc_delete(env: &Env, name: &str) -> i64 {
    delete_sync(env, |cb, arg| unsafe {
        malloc::delete(name.as_bytes(), cb, arg).expect("malloc delete")
    })
}

/// Counts remove events (see [`event_cb`]).
pub static REMOVED: AtomicUsize = AtomicUsize::new(0);

/// Counts remove events; the [`Open`] in `ctx` (if any) is closed.
///
/// # Safety
/// Called by the library as an event callback; `ctx` is null or an [`Open`].
pub unsafe extern "C" fn event_cb(t: spdk_bdev_event_type, _b: *mut spdk_bdev, ctx: *mut c_void) {
    if t == spdk_bdev_event_type::SPDK_BDEV_EVENT_REMOVE {
        REMOVED.fetch_add(1, Ordering::SeqCst);
        if !ctx.is_null() {
            (*ctx.cast::<Open>()).close();
        }
    }
}

/// An open descriptor and its channel; closed on a remove event.
pub struct Open {
    pub desc: *mut spdk_bdev_desc,
    pub ch: *mut spdk_io_channel,
}

impl Open {
    /// Opens `name`; Err(rc) as spdk_bdev_open_ext returns it.
    pub fn new(name: &str, write: bool) -> Result<Box<Open>, c_int> {
        let c = CString::new(name).unwrap();
        let mut o = Box::new(Open {
            desc: ptr::null_mut(),
            ch: ptr::null_mut(),
        });
        let ctx = (&mut *o as *mut Open).cast();
        // SAFETY: valid pointers; `o` outlives the descriptor.
        let rc = unsafe { spdk_bdev_open_ext(c.as_ptr(), write, Some(event_cb), ctx, &mut o.desc) };
        if rc != 0 {
            return Err(rc);
        }
        // SAFETY: an open descriptor.
        o.ch = unsafe { spdk_bdev_get_io_channel(o.desc) };
        assert!(!o.ch.is_null());
        Ok(o)
    }

    pub fn close(&mut self) {
        // SAFETY: our channel and descriptor, released once.
        unsafe {
            if !self.ch.is_null() {
                spdk_put_io_channel(self.ch);
                self.ch = ptr::null_mut();
            }
            if !self.desc.is_null() {
                spdk_bdev_close(self.desc);
                self.desc = ptr::null_mut();
            }
        }
    }

    /// The block size of the open bdev.
    pub fn block_size(&self) -> u64 {
        // SAFETY: an open descriptor.
        unsafe { (*spdk_bdev_desc_get_bdev(self.desc)).blocklen as u64 }
    }
}

pub fn claimed_by(b: *mut spdk_bdev) -> *mut spdk_bdev_module {
    // SAFETY: a registered bdev.
    unsafe { core::claim_of(b) }
}
