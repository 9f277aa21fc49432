//! Test harness of the raid module (after the passthru module's): one
//! SPDK thread driving the bdev library, malloc base bdevs, synchronous
//! I/O helpers, JSON capture of what bdev_get_bdevs / save_config would
//! show, and a RAM bdev whose I/O can be made to fail.
#![allow(dead_code)]

pub mod flaky;

use std::ffi::{c_int, c_void, CString};
use std::ptr;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::*;
use ::spdk_bdev::{core, malloc};
use ::spdk_thread::ffi::thread::*;
use spdk_json::ffi::json::{writer_from_raw, writer_into_raw};
use spdk_json::JsonWriter;

pub struct Env {
    pub t: *mut spdk_thread,
}

static INIT_RC: AtomicI64 = AtomicI64::new(i64::MIN);
static FINI: AtomicUsize = AtomicUsize::new(0);

unsafe fn init_done(rc: c_int) {
    INIT_RC.store(rc as i64, Ordering::SeqCst);
}
unsafe fn fini_done(_rc: c_int) {
    FINI.store(1, Ordering::SeqCst);
}

/// Starts the thread library, one SPDK thread and the bdev library with
/// the built-in modules plus those `register` adds.
pub fn setup(register: fn()) -> Env {
    unsafe {
        assert_eq!(spdk_thread_lib_init(None, 0), 0);
        let t = spdk_thread_create(c"vbdev_test".as_ptr(), ptr::null());
        assert!(!t.is_null());
        spdk_set_thread(t);
        ::spdk_bdev::register_builtin_modules();
        register();
        core::initialize(init_done);
        let env = Env { t };
        env.poll_until(|| INIT_RC.load(Ordering::SeqCst) != i64::MIN);
        assert_eq!(INIT_RC.load(Ordering::SeqCst), 0);
        env
    }
}

impl Env {
    pub fn poll(&self) {
        for _ in 0..4 {
            // SAFETY: the test's own thread.
            unsafe { spdk_thread_poll(self.t, 0, 0) };
        }
    }

    /// Polls until `f` holds (panics after 5 s).
    pub fn poll_until(&self, f: impl Fn() -> bool) {
        let start = std::time::Instant::now();
        while !f() {
            assert!(start.elapsed().as_secs() < 5, "timed out");
            self.poll();
        }
    }

    pub fn finish(self) {
        unsafe {
            core::finish(fini_done);
            self.poll_until(|| FINI.load(Ordering::SeqCst) == 1);
            spdk_set_thread(ptr::null_mut());
        }
    }
}

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

/// Counts remove events; the descriptor in `ctx` (if any) is closed.
pub static REMOVED: AtomicUsize = AtomicUsize::new(0);

pub unsafe extern "C" fn event_cb(t: spdk_bdev_event_type, _b: *mut spdk_bdev, ctx: *mut c_void) {
    if t == spdk_bdev_event_type::SPDK_BDEV_EVENT_REMOVE {
        REMOVED.fetch_add(1, Ordering::SeqCst);
        if !ctx.is_null() {
            let slot = ctx.cast::<Open>();
            if !(*slot).ch.is_null() {
                spdk_put_io_channel((*slot).ch);
                (*slot).ch = ptr::null_mut();
            }
            if !(*slot).desc.is_null() {
                spdk_bdev_close((*slot).desc);
                (*slot).desc = ptr::null_mut();
            }
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
}

/// The outcome of one I/O; `out` receives a read's data when the caller
/// gave no buffer.
pub struct Cpl {
    pub done: bool,
    pub ok: bool,
    pub out: Vec<u8>,
}

pub unsafe extern "C" fn cpl_cb(io: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let c = &mut *arg.cast::<Cpl>();
    c.done = true;
    c.ok = ok;
    if ok && !c.out.is_empty() {
        let mut iovs = ptr::null_mut();
        let mut n = 0;
        spdk_bdev_io_get_iovec(io, &mut iovs, &mut n);
        let mut off = 0;
        for i in 0..n as usize {
            let v = &*iovs.add(i);
            let len = v.iov_len.min(c.out.len() - off);
            ptr::copy_nonoverlapping(v.iov_base.cast::<u8>(), c.out.as_mut_ptr().add(off), len);
            off += len;
        }
    }
    spdk_bdev_free_io(io);
}

/// Submits with `f(cb, arg)` and polls to completion: Err(rc) when the
/// submission failed, else the I/O's success.
pub fn run_io(
    env: &Env,
    out_len: usize,
    f: impl FnOnce(spdk_bdev_io_completion_cb, *mut c_void) -> c_int,
) -> Result<(bool, Vec<u8>), c_int> {
    let mut c = Box::new(Cpl {
        done: false,
        ok: false,
        out: vec![0; out_len],
    });
    let arg = (&mut *c as *mut Cpl).cast();
    let rc = f(Some(cpl_cb), arg);
    if rc != 0 {
        return Err(rc);
    }
    env.poll_until(|| c.done);
    Ok((c.ok, std::mem::take(&mut c.out)))
}

pub fn write(env: &Env, o: &Open, off: u64, data: &[u8]) -> bool {
    let mut buf = data.to_vec();
    let bs = unsafe { (*spdk_bdev_desc_get_bdev(o.desc)).blocklen } as u64;
    let p = buf.as_mut_ptr().cast();
    let n = data.len() as u64 / bs;
    run_io(env, 0, |cb, arg| unsafe {
        spdk_bdev_write_blocks(o.desc, o.ch, p, off, n, cb, arg)
    })
    .expect("write submitted")
    .0
}

/// Reads `len` bytes at block `off` into a buffer of ours (or, with
/// `no_buf`, into one the bdev provides).
pub fn read(env: &Env, o: &Open, off: u64, len: usize, no_buf: bool) -> Option<Vec<u8>> {
    let bs = unsafe { (*spdk_bdev_desc_get_bdev(o.desc)).blocklen } as u64;
    let n = len as u64 / bs;
    let mut buf = vec![0u8; len];
    let p = if no_buf {
        ptr::null_mut()
    } else {
        buf.as_mut_ptr().cast()
    };
    let (ok, out) = run_io(env, if no_buf { len } else { 0 }, |cb, arg| unsafe {
        spdk_bdev_read_blocks(o.desc, o.ch, p, off, n, cb, arg)
    })
    .expect("read submitted");
    if !ok {
        return None;
    }
    Some(if no_buf { out } else { buf })
}

/// Output of `f` on a JSON writer, parsed.
pub fn json_of(
    f: impl FnOnce(*mut spdk_json::ffi::json::spdk_json_write_ctx),
) -> serde_json::Value {
    let out = Arc::new(Mutex::new(Vec::<u8>::new()));
    let sink = out.clone();
    let w = JsonWriter::new(
        Box::new(move |b: &[u8]| {
            sink.lock().unwrap().extend_from_slice(b);
            0
        }),
        0,
    );
    let raw = writer_into_raw(w);
    f(raw);
    // SAFETY: the writer made above.
    let w = unsafe { writer_from_raw(raw) }.unwrap();
    assert!((*w).end().is_ok());
    let bytes = out.lock().unwrap().clone();
    serde_json::from_slice(&bytes).expect("valid JSON")
}

/// What bdev_get_bdevs shows of `b`.
pub fn dump(b: *mut spdk_bdev) -> serde_json::Value {
    json_of(|w| unsafe {
        let w = spdk_json::ffi::json::writer_mut(w).unwrap();
        ::spdk_bdev::rpc::dump_bdev(w, b);
    })
}

/// What a module's config_json writes, as an array.
pub fn module_config(m: *mut spdk_bdev_module) -> serde_json::Value {
    json_of(|w| unsafe {
        spdk_json::ffi::json::writer_mut(w)
            .unwrap()
            .array_begin()
            .unwrap();
        ((*m).config_json.unwrap())(w);
        spdk_json::ffi::json::writer_mut(w)
            .unwrap()
            .array_end()
            .unwrap();
    })
}

pub fn claimed_by(b: *mut spdk_bdev) -> *mut spdk_bdev_module {
    // SAFETY: a registered bdev.
    unsafe { core::claim_of(b) }
}

pub fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// Writes `data` at block `off` through `iovs` iovecs cut at `cut`-byte
/// steps (the last one takes the rest).
pub fn writev(env: &Env, o: &Open, off: u64, data: &[u8], cut: usize) -> bool {
    let mut buf = data.to_vec();
    let mut iovs: Vec<libc::iovec> = buf
        .chunks_mut(cut)
        .map(|c| libc::iovec {
            iov_base: c.as_mut_ptr().cast(),
            iov_len: c.len(),
        })
        .collect();
    let bs = unsafe { (*spdk_bdev_desc_get_bdev(o.desc)).blocklen } as u64;
    let n = data.len() as u64 / bs;
    let (p, cnt) = (iovs.as_mut_ptr(), iovs.len() as c_int);
    run_io(env, 0, |cb, arg| unsafe {
        spdk_bdev_writev_blocks(o.desc, o.ch, p, cnt, off, n, cb, arg)
    })
    .expect("writev submitted")
    .0
}

/// Reads `len` bytes at block `off` through iovecs cut at `cut` bytes.
pub fn readv(env: &Env, o: &Open, off: u64, len: usize, cut: usize) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; len];
    let mut iovs: Vec<libc::iovec> = buf
        .chunks_mut(cut)
        .map(|c| libc::iovec {
            iov_base: c.as_mut_ptr().cast(),
            iov_len: c.len(),
        })
        .collect();
    let bs = unsafe { (*spdk_bdev_desc_get_bdev(o.desc)).blocklen } as u64;
    let n = len as u64 / bs;
    let (p, cnt) = (iovs.as_mut_ptr(), iovs.len() as c_int);
    let (ok, _) = run_io(env, 0, |cb, arg| unsafe {
        spdk_bdev_readv_blocks(o.desc, o.ch, p, cnt, off, n, cb, arg)
    })
    .expect("readv submitted");
    ok.then_some(buf)
}

/// Runs a raid control operation (`f` gets the completion) to its rc.
pub fn sync_op(env: &Env, f: impl FnOnce(Box<dyn FnOnce(c_int)>) -> Result<(), c_int>) -> c_int {
    let rc = std::rc::Rc::new(std::cell::Cell::new(i64::MIN));
    let r = rc.clone();
    if let Err(e) = f(Box::new(move |x| r.set(x as i64))) {
        return e;
    }
    env.poll_until(|| rc.get() != i64::MIN);
    rc.get() as c_int
}
