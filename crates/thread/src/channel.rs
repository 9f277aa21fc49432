//! io_devices and their per-thread io_channels.
//!
//! Devices live in a registry keyed by the user's io_device pointer, behind
//! one mutex (SPDK's g_devlist_mutex) that also guards each device's
//! bookkeeping (reference count, set of threads with a channel). Each thread
//! keeps its own channels in a map only it touches, so getting a channel
//! that already exists and putting one back take no lock.

use std::collections::BTreeMap;
use std::ffi::{c_int, c_void, CStr, CString};
use std::ptr;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::{Acquire, Release};
use std::sync::{Mutex, MutexGuard};

use crate::thread::{current, MsgFn, Thread, ThreadState, LOG_THREAD, MAX_NAME_LEN};

/// Channel constructor: (io_device, ctx_buf) -> 0 or negative errno.
pub type CreateCb = unsafe extern "C" fn(*mut c_void, *mut c_void) -> c_int;
/// Channel destructor: (io_device, ctx_buf).
pub type DestroyCb = unsafe extern "C" fn(*mut c_void, *mut c_void);
/// Called on the unregistering thread once every channel is gone.
pub type UnregisterCb = unsafe extern "C" fn(*mut c_void);
/// Per-channel step of spdk_for_each_channel.
pub type ChannelMsg = unsafe extern "C" fn(*mut IoChannelIter);
/// Completion of spdk_for_each_channel.
pub type ChannelCpl = unsafe extern "C" fn(*mut IoChannelIter, c_int);

/// Size of the channel header; the device's context follows it.
pub const IO_CHANNEL_STRUCT_SIZE: usize = 96;

/// A registered device (`struct io_device`).
pub struct IoDevice {
    io_device: *mut c_void,
    name: CString,
    create_cb: CreateCb,
    destroy_cb: DestroyCb,
    unregister_cb: Option<UnregisterCb>,
    unregister_thread: *mut Thread,
    ctx_size: u32,
    for_each_count: u32,
    refcnt: u32,
    pending_unregister: bool,
    unregistered: AtomicBool,
    /// Threads with a channel, by thread id.
    threads: BTreeMap<u64, *mut Thread>,
}

impl IoDevice {
    /// The device's name.
    pub fn name(&self) -> &CStr {
        &self.name
    }
}

/// `struct spdk_io_channel`: a 96-byte header, then the device's context.
#[repr(C)]
pub struct IoChannel {
    thread: *mut Thread,
    dev: *mut IoDevice,
    refs: u32,
    destroy_ref: u32,
    destroy_cb: DestroyCb,
    _reserved: [u8; 64],
}

const _: () = assert!(std::mem::size_of::<IoChannel>() == IO_CHANNEL_STRUCT_SIZE);

impl IoChannel {
    /// The context area that follows the header.
    pub fn ctx(this: *mut IoChannel) -> *mut c_void {
        // SAFETY: every channel is allocated with its context behind it.
        unsafe { this.cast::<u8>().add(IO_CHANNEL_STRUCT_SIZE).cast() }
    }

    /// The channel whose context is `ctx`.
    pub fn from_ctx(ctx: *mut c_void) -> *mut IoChannel {
        ctx.cast::<u8>().wrapping_sub(IO_CHANNEL_STRUCT_SIZE).cast()
    }

    /// Owning thread.
    pub fn thread(&self) -> *mut Thread {
        self.thread
    }

    /// The user's io_device pointer.
    pub fn io_device(&self) -> *mut c_void {
        // SAFETY: the device outlives its channels.
        unsafe { (*self.dev).io_device }
    }

    /// The device record.
    pub fn dev(&self) -> *mut IoDevice {
        self.dev
    }

    /// References held.
    pub fn ref_count(&self) -> u32 {
        self.refs
    }

    pub(crate) fn dev_name(&self) -> std::borrow::Cow<'_, str> {
        // SAFETY: the device outlives its channels.
        unsafe { (*self.dev).name.to_string_lossy() }
    }

    fn key(&self) -> (usize, usize) {
        (self.io_device() as usize, self.dev as usize)
    }
}

struct DevPtr(*mut IoDevice);
// SAFETY: device records are only touched under the registry lock.
unsafe impl Send for DevPtr {}

static DEVICES: Mutex<BTreeMap<usize, DevPtr>> = Mutex::new(BTreeMap::new());

fn devices() -> MutexGuard<'static, BTreeMap<usize, DevPtr>> {
    DEVICES.lock().unwrap_or_else(|e| e.into_inner())
}

fn dev_get(list: &BTreeMap<usize, DevPtr>, io_device: *mut c_void) -> *mut IoDevice {
    list.get(&(io_device as usize))
        .map_or(ptr::null_mut(), |d| d.0)
}

/// Logs devices still registered (spdk_thread_lib_fini).
pub(crate) fn report_leftover_devices() {
    for d in devices().values() {
        // SAFETY: registered devices are alive.
        spdk_log::errlog!("io_device {} not unregistered", unsafe {
            (*d.0).name.to_string_lossy()
        });
    }
}

/// Whether `io_device` is registered.
pub fn is_registered(io_device: *mut c_void) -> bool {
    !dev_get(&devices(), io_device).is_null()
}

/// spdk_io_device_register.
pub fn register(
    io_device: *mut c_void,
    create_cb: CreateCb,
    destroy_cb: DestroyCb,
    ctx_size: u32,
    name: Option<&CStr>,
) -> Result<(), i32> {
    let t = current();
    if t.is_null() {
        spdk_log::errlog!("called from non-SPDK thread");
        return Err(-libc::EINVAL);
    }
    let dev = Box::into_raw(Box::new(IoDevice {
        io_device,
        name: CString::default(),
        create_cb,
        destroy_cb,
        unregister_cb: None,
        unregister_thread: ptr::null_mut(),
        ctx_size,
        for_each_count: 0,
        refcnt: 0,
        pending_unregister: false,
        unregistered: AtomicBool::new(false),
        threads: BTreeMap::new(),
    }));
    // SAFETY: dev was just allocated.
    unsafe {
        (*dev).name = match name {
            Some(n) => {
                let b = n.to_bytes();
                CString::new(&b[..b.len().min(MAX_NAME_LEN)]).unwrap_or_default()
            }
            None => CString::new(format!("{:p}", dev)).unwrap_or_default(),
        };
        spdk_log::debuglog!(
            LOG_THREAD,
            "Registering io_device {} ({:p}) on thread {}",
            (*dev).name.to_string_lossy(),
            io_device,
            (*t).name_str()
        );
    }
    let mut list = devices();
    if let Some(old) = list.get(&(io_device as usize)) {
        // SAFETY: registered devices are alive; dev is ours.
        unsafe {
            spdk_log::errlog!(
                "io_device {:p} already registered (old:{} new:{})",
                io_device,
                (*old.0).name.to_string_lossy(),
                (*dev).name.to_string_lossy()
            );
            drop(Box::from_raw(dev));
        }
        return Err(-libc::EEXIST);
    }
    list.insert(io_device as usize, DevPtr(dev));
    Ok(())
}

unsafe extern "C" fn finish_unregister(arg: *mut c_void) {
    let dev = Box::from_raw(arg.cast::<IoDevice>());
    let t = current();
    spdk_log::debuglog!(
        LOG_THREAD,
        "Finishing unregistration of io_device {} ({:p})",
        dev.name.to_string_lossy(),
        dev.io_device
    );
    if !t.is_null() {
        (*(*t).local()).pending_unregister_count -= 1;
    }
    if let Some(cb) = dev.unregister_cb {
        cb(dev.io_device);
    }
}

/// Frees a device, or hands it to its unregistering thread for the callback.
unsafe fn dev_free(dev: *mut IoDevice) {
    if (*dev).unregister_cb.is_none() {
        drop(Box::from_raw(dev));
    } else {
        let t = (*dev).unregister_thread;
        if (*t).send_msg(finish_unregister, dev.cast()).is_err() {
            spdk_log::errlog!("could not send the unregister completion of io_device");
        }
    }
}

/// spdk_io_device_unregister: the device disappears at once for new
/// channels; `cb` runs on the calling thread once every channel is released.
pub fn unregister(io_device: *mut c_void, cb: Option<UnregisterCb>) -> Result<(), i32> {
    let t = current();
    if t.is_null() {
        spdk_log::errlog!("called from non-SPDK thread");
        return Err(-libc::EINVAL);
    }
    let mut list = devices();
    let dev = dev_get(&list, io_device);
    if dev.is_null() {
        spdk_log::errlog!("io_device {:p} not found", io_device);
        return Err(-libc::ENODEV);
    }
    // SAFETY: registered device, under the lock.
    unsafe {
        if (*dev).pending_unregister && (*dev).for_each_count > 0 {
            spdk_log::errlog!("io_device {:p} already has a pending unregister", io_device);
            return Err(-libc::EBUSY);
        }
        (*dev).unregister_cb = cb;
        (*dev).unregister_thread = t;
        if (*dev).for_each_count > 0 {
            spdk_log::warnlog!(
                "io_device {} ({:p}) has {} for_each calls outstanding",
                (*dev).name.to_string_lossy(),
                io_device,
                (*dev).for_each_count
            );
            (*dev).pending_unregister = true;
            return Ok(());
        }
        (*dev).unregistered.store(true, Release);
        list.remove(&(io_device as usize));
        let refcnt = (*dev).refcnt;
        drop(list);
        spdk_log::debuglog!(
            LOG_THREAD,
            "Unregistering io_device {} ({:p}) from thread {}",
            (*dev).name.to_string_lossy(),
            io_device,
            (*t).name_str()
        );
        if cb.is_some() {
            (*(*t).local()).pending_unregister_count += 1;
        }
        if refcnt == 0 {
            dev_free(dev);
        }
    }
    Ok(())
}

/// spdk_get_io_channel: the current thread's channel for `io_device`,
/// created (with the device's create callback) on first use.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn get(io_device: *mut c_void) -> *mut IoChannel {
    let t = current();
    if t.is_null() {
        spdk_log::errlog!("No thread allocated");
        return ptr::null_mut();
    }
    // SAFETY: t is the current thread, owned by the caller.
    unsafe {
        if (*t).state() == ThreadState::Exited {
            spdk_log::errlog!("Thread {} is marked as exited", (*t).name_str());
            return ptr::null_mut();
        }
        // Fast path: an existing channel of a still-registered device.
        let l = (*t).local();
        let key = io_device as usize;
        for (_, ch) in (*l).channels.range((key, 0)..=(key, usize::MAX)) {
            let ch = *ch;
            if !(*(*ch).dev).unregistered.load(Acquire) {
                (*ch).refs += 1;
                return ch;
            }
        }
        let list = devices();
        let dev = dev_get(&list, io_device);
        if dev.is_null() {
            spdk_log::errlog!("could not find io_device {:p}", io_device);
            return ptr::null_mut();
        }
        let size = IO_CHANNEL_STRUCT_SIZE + (*dev).ctx_size as usize;
        let ch = libc::calloc(1, size).cast::<IoChannel>();
        if ch.is_null() {
            spdk_log::errlog!("could not calloc spdk_io_channel");
            return ptr::null_mut();
        }
        ptr::write(
            ch,
            IoChannel {
                thread: t,
                dev,
                refs: 1,
                destroy_ref: 0,
                destroy_cb: (*dev).destroy_cb,
                _reserved: [0; 64],
            },
        );
        (*l).channels.insert((*ch).key(), ch);
        (*dev).refcnt += 1;
        (*dev).threads.insert((*t).id(), t);
        let create_cb = (*dev).create_cb;
        drop(list);
        spdk_log::debuglog!(
            LOG_THREAD,
            "Get io_channel {:p} for io_device {} ({:p}) on thread {} refcnt 1",
            ch,
            (*dev).name.to_string_lossy(),
            io_device,
            (*t).name_str()
        );
        let rc = create_cb(io_device, IoChannel::ctx(ch));
        if rc != 0 {
            let list = devices();
            (*l).channels.remove(&(*ch).key());
            (*dev).refcnt -= 1;
            (*dev).threads.remove(&(*t).id());
            spdk_log::errlog!(
                "could not create io_channel for io_device {} ({:p}): rc={}",
                (*dev).name.to_string_lossy(),
                io_device,
                rc
            );
            let remove = (*dev).unregistered.load(Acquire) && (*dev).refcnt == 0;
            drop(list);
            libc::free(ch.cast());
            if remove {
                dev_free(dev);
            }
            return ptr::null_mut();
        }
        ch
    }
}

unsafe extern "C" fn put_deferred(arg: *mut c_void) {
    let ch = arg.cast::<IoChannel>();
    let t = current();
    (*ch).destroy_ref -= 1;
    if (*ch).refs > 0 || (*ch).destroy_ref > 0 {
        // Got again after the put, or another put is pending.
        return;
    }
    let dev = (*ch).dev;
    spdk_log::debuglog!(
        LOG_THREAD,
        "Releasing io_channel {:p} for io_device {} on thread {}",
        ch,
        (*dev).name.to_string_lossy(),
        (*t).name_str()
    );
    (*(*t).local()).channels.remove(&(*ch).key());
    {
        let _list = devices();
        (*dev).threads.remove(&(*t).id());
    }
    ((*ch).destroy_cb)((*dev).io_device, IoChannel::ctx(ch));
    let remove = {
        let _list = devices();
        (*dev).refcnt -= 1;
        (*dev).unregistered.load(Acquire) && (*dev).refcnt == 0
    };
    if remove {
        dev_free(dev);
    }
    libc::free(ch.cast());
}

/// Whether `ch` is a channel of the current thread (without reading it).
fn owned_by_current(ch: *mut IoChannel) -> Option<*mut Thread> {
    let t = current();
    if t.is_null() {
        return None;
    }
    // SAFETY: the current thread's own map.
    let found = unsafe { (*(*t).local()).channels.values().any(|c| *c == ch) };
    found.then_some(t)
}

/// spdk_put_io_channel: drops a reference; the last one destroys the channel
/// from a message, so it is still usable until the caller returns.
///
/// # Safety
/// `ch` is non-null.
pub unsafe fn put(ch: *mut IoChannel) -> Result<(), i32> {
    let Some(t) = owned_by_current(ch) else {
        spdk_log::errlog!(
            "spdk_put_io_channel({:p}): not a channel of the current thread (released twice, or wrong thread)",
            ch
        );
        return Err(-libc::EINVAL);
    };
    if (*ch).refs == 0 {
        spdk_log::errlog!("spdk_put_io_channel({:p}): channel already released", ch);
        return Err(-libc::EINVAL);
    }
    (*ch).refs -= 1;
    if (*ch).refs == 0 {
        (*ch).destroy_ref += 1;
        if let Err(e) = (*t).send_msg(put_deferred, ch.cast()) {
            (*ch).destroy_ref -= 1;
            (*ch).refs += 1;
            return Err(e);
        }
    }
    Ok(())
}

/// spdk_io_channel_ref: one more reference, from the owning thread.
///
/// # Safety
/// `ch` is non-null.
pub unsafe fn add_ref(ch: *mut IoChannel) -> *mut IoChannel {
    if owned_by_current(ch).is_none() || (*ch).refs == 0 {
        spdk_log::errlog!(
            "spdk_io_channel_ref({:p}): not a live channel of the current thread",
            ch
        );
        return ptr::null_mut();
    }
    (*ch).refs += 1;
    ch
}

/// Channels of `t` in (io_device) order.
///
/// # Safety
/// Owner thread of `t`.
pub unsafe fn channels_of(t: *mut Thread) -> Vec<*mut IoChannel> {
    (*(*t).local()).channels.values().copied().collect()
}

// ---- spdk_for_each_channel ----

/// `struct spdk_io_channel_iter`.
pub struct IoChannelIter {
    io_device: *mut c_void,
    dev: *mut IoDevice,
    f: ChannelMsg,
    status: c_int,
    ctx: *mut c_void,
    ch: *mut IoChannel,
    cur: *mut Thread,
    orig: *mut Thread,
    cpl: Option<ChannelCpl>,
}

impl IoChannelIter {
    /// The device iterated.
    pub fn io_device(&self) -> *mut c_void {
        self.io_device
    }
    /// The channel of the thread being visited (null in the completion).
    pub fn channel(&self) -> *mut IoChannel {
        self.ch
    }
    /// The caller's context.
    pub fn ctx(&self) -> *mut c_void {
        self.ctx
    }
}

unsafe extern "C" fn call_completion(arg: *mut c_void) {
    let i = Box::from_raw(arg.cast::<IoChannelIter>());
    (*(*i.orig).local()).for_each_count -= 1;
    let raw = Box::into_raw(i);
    if let Some(cpl) = (*raw).cpl {
        cpl(raw, (*raw).status);
    }
    drop(Box::from_raw(raw));
}

unsafe extern "C" fn call_channel(arg: *mut c_void) {
    let i = arg.cast::<IoChannelIter>();
    let l = (*(*i).cur).local();
    let key = ((*i).io_device as usize, (*i).dev as usize);
    (*i).ch = (*l).channels.get(&key).copied().unwrap_or(ptr::null_mut());
    if (*i).ch.is_null() {
        // Released before this message ran: skip this thread.
        for_each_continue(i, 0);
    } else {
        ((*i).f)(i);
    }
}

fn send_or_log(t: *mut Thread, f: MsgFn, arg: *mut c_void) {
    // SAFETY: threads holding channels, or the iteration's origin, are alive.
    if unsafe { (*t).send_msg(f, arg) }.is_err() {
        spdk_log::errlog!("for_each_channel: could not send a message");
    }
}

/// spdk_for_each_channel: `f` runs on each thread that has a channel of the
/// device, in thread id order, each calling spdk_for_each_channel_continue;
/// then `cpl` runs on the calling thread.
pub fn for_each_channel(
    io_device: *mut c_void,
    f: ChannelMsg,
    ctx: *mut c_void,
    cpl: Option<ChannelCpl>,
) {
    let orig = current();
    if orig.is_null() {
        spdk_log::errlog!("spdk_for_each_channel called from non-SPDK thread");
        return;
    }
    let i = Box::into_raw(Box::new(IoChannelIter {
        io_device,
        dev: ptr::null_mut(),
        f,
        status: 0,
        ctx,
        ch: ptr::null_mut(),
        cur: ptr::null_mut(),
        orig,
        cpl,
    }));
    // SAFETY: orig is current; i is ours; devices under the lock.
    unsafe {
        (*(*orig).local()).for_each_count += 1;
        let list = devices();
        let dev = dev_get(&list, io_device);
        (*i).dev = dev;
        if dev.is_null() {
            spdk_log::errlog!("could not find io_device {:p}", io_device);
            (*i).status = -libc::ENODEV;
        } else if (*dev).pending_unregister {
            spdk_log::errlog!("io_device {:p} has a pending unregister", io_device);
            (*i).status = -libc::ENODEV;
        } else if let Some((_, t)) = (*dev).threads.iter().next() {
            (*dev).for_each_count += 1;
            (*i).cur = *t;
            send_or_log(*t, call_channel, i.cast());
            return;
        }
        drop(list);
        send_or_log(orig, call_completion, i.cast());
    }
}

unsafe extern "C" fn pending_unregister(arg: *mut c_void) {
    let dev = arg.cast::<IoDevice>();
    let _ = unregister((*dev).io_device, (*dev).unregister_cb);
}

/// spdk_for_each_channel_continue: moves to the next thread, or ends the
/// iteration (with `status`) when `status` is non-zero or none is left.
///
/// # Safety
/// `i` is a live iterator and this runs on its current thread.
pub unsafe fn for_each_continue(i: *mut IoChannelIter, status: c_int) {
    (*i).status = status;
    let dev = (*i).dev;
    let mut list = Some(devices());
    if status == 0 {
        let next_id = (*(*i).cur).id() + 1;
        if let Some((_, t)) = (*dev).threads.range(next_id..).next() {
            (*i).cur = *t;
            let t = *t;
            drop(list.take());
            send_or_log(t, call_channel, i.cast());
            return;
        }
    }
    (*dev).for_each_count -= 1;
    (*i).ch = ptr::null_mut();
    let pend = (*dev).pending_unregister && (*dev).for_each_count == 0;
    drop(list.take());
    send_or_log((*i).orig, call_completion, i.cast());
    if pend {
        send_or_log((*dev).unregister_thread, pending_unregister, dev.cast());
    }
}
