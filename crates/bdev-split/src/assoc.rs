//! Virtual bdevs over one base bdev each, configured by association
//! (bdev name -> base name): what SPDK's passthru and delay modules share
//! (SPDK writes it out in each). An association becomes a bdev when its
//! base exists: at creation, or at examine_config when the base
//! registers. The bdev opens its base for writing, claims it, and passes
//! I/O down through a per-thread channel of the base. A removed base
//! unregisters the bdevs over it; their associations stay, so they come
//! back with the base.
//!
//! Unlike [`crate::part`] bdevs (split, error), these copy all of the
//! base's geometry (optimal_io_boundary and dif_pi_format too), derive
//! their UUID from the base's alone, and let the base go as soon as they
//! are destructed, as SPDK's passthru and delay do.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr;
use std::sync::{Mutex, MutexGuard};

use ::spdk_bdev::ffi::bdev::{
    spdk_bdev_close, spdk_bdev_desc, spdk_bdev_desc_get_bdev, spdk_bdev_event_type,
    spdk_bdev_get_io_channel, spdk_bdev_io_completion_cb, spdk_bdev_io_type,
    spdk_bdev_io_type_supported, spdk_bdev_open_ext, IoTypeArg,
};
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_fn_table, spdk_bdev_io, spdk_bdev_io_get_buf, spdk_bdev_module,
    spdk_bdev_module_claim_bdev, spdk_bdev_module_examine_done, spdk_bdev_module_release_bdev,
    spdk_bdev_register, spdk_bdev_unregister, spdk_bdev_unregister_by_name,
    spdk_bdev_unregister_cb, BDEV_FLAG_DIF_IS_HEAD_OF_MD, BDEV_FLAG_MD_INTERLEAVE,
};
use ::spdk_thread::channel::IoChannel;
use ::spdk_thread::ffi::thread::{
    spdk_get_io_channel, spdk_get_thread, spdk_io_channel, spdk_io_device_register,
    spdk_io_device_unregister, spdk_put_io_channel, spdk_thread, spdk_thread_send_msg,
};
use spdk_util::ffi::uuid::{spdk_uuid, spdk_uuid_u};

use crate::base_io::{self, Retry};

/// What a module of such bdevs provides. Its I/Os' driver_ctx starts
/// with a [`Retry`]; its channels start with a [`BaseChannel`].
pub trait AssocModule: Sized + 'static {
    /// Configuration an association keeps besides its names and UUID.
    type Config: Clone + Send;
    /// Per-bdev state, made from the configuration.
    type State;
    /// What messages call the module ("passthru bdev x already exists").
    const NAME: &'static str;
    /// What messages call one bdev ("could not register pt_bdev").
    const KIND: &'static str;
    const PRODUCT: &'static CStr;
    /// The namespace of the UUIDs derived from the base's (SPDK's value).
    const UUID_NAMESPACE: &'static [u8];
    /// The size of a channel (a [`BaseChannel`] first).
    const CHANNEL_SIZE: u32;
    /// The completion of the I/Os [`forward`] passes down (their
    /// argument is the module's I/O).
    const CHILD_DONE: spdk_bdev_io_completion_cb;

    fn module() -> *mut spdk_bdev_module;
    fn fn_table() -> &'static spdk_bdev_fn_table;
    fn registry() -> &'static Registry<Self>;
    fn state(config: &Self::Config) -> Self::State;

    /// Fills the rest of a new channel (its base channel is set); an
    /// error fails the channel.
    ///
    /// # Safety
    /// `ch` is a new channel of `node`, CHANNEL_SIZE bytes.
    unsafe fn ch_create(_node: *mut Node<Self>, _ch: *mut BaseChannel) -> c_int {
        0
    }
    /// Before the base channel is put.
    ///
    /// # Safety
    /// `ch` is a channel of `node` being destroyed.
    unsafe fn ch_destroy(_node: *mut Node<Self>, _ch: *mut BaseChannel) {}
    /// The bdev `name` was registered.
    fn registered(_name: &str) {}
}

/// An association.
#[derive(Clone)]
struct Assoc<C> {
    vbdev: String,
    base: String,
    uuid: Option<[u8; 16]>,
    config: C,
}

/// A registered bdev (its spdk_bdev first: `bdev.ctxt` and the io_device
/// are this node).
#[repr(C)]
pub struct Node<M: AssocModule> {
    pub bdev: spdk_bdev,
    name: CString,
    pub base_bdev: *mut spdk_bdev,
    pub base_desc: *mut spdk_bdev_desc,
    /// The thread that opened the base (it closes it too).
    thread: *mut spdk_thread,
    pub state: M::State,
}

/// The start of every channel.
#[repr(C)]
pub struct BaseChannel {
    pub base_ch: *mut spdk_io_channel,
}

struct NodePtr<M: AssocModule>(*mut Node<M>);
impl<M: AssocModule> Clone for NodePtr<M> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M: AssocModule> Copy for NodePtr<M> {}
// SAFETY: nodes are shared by address; their fields follow SPDK's threading rules.
unsafe impl<M: AssocModule> Send for NodePtr<M> {}

/// A module's associations and registered bdevs.
pub struct Registry<M: AssocModule> {
    assocs: Mutex<Vec<Assoc<M::Config>>>,
    nodes: Mutex<Vec<NodePtr<M>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl<M: AssocModule> Registry<M> {
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Registry {
            assocs: Mutex::new(Vec::new()),
            nodes: Mutex::new(Vec::new()),
        }
    }

    /// Forgets every association (module fini).
    pub fn clear(&self) {
        lock(&self.assocs).clear();
    }

    /// Runs `f` on each registered bdev, under the list's lock.
    pub fn for_each(&self, mut f: impl FnMut(&Node<M>)) {
        for n in lock(&self.nodes).iter() {
            // SAFETY: registered nodes live while listed.
            f(unsafe { &*n.0 });
        }
    }

    /// Runs `f` on registered bdev `name`, under the list's lock.
    pub fn with_node<R>(&self, name: &str, f: impl FnOnce(&Node<M>) -> R) -> Option<R> {
        let l = lock(&self.nodes);
        // SAFETY: registered nodes live while listed.
        let n = l
            .iter()
            .find(|n| unsafe { (*n.0).bdev.name_bytes() } == name.as_bytes())?;
        Some(f(unsafe { &*n.0 }))
    }

    /// Changes the configuration of association `name` (what its bdev
    /// comes back with after a hot remove).
    pub fn update_config(&self, name: &str, f: impl FnOnce(&mut M::Config)) {
        if let Some(a) = lock(&self.assocs).iter_mut().find(|a| a.vbdev == name) {
            f(&mut a.config);
        }
    }

    /// The base of association `name`.
    pub fn base_of(&self, name: &str) -> Option<String> {
        lock(&self.assocs)
            .iter()
            .find(|a| a.vbdev == name)
            .map(|a| a.base.clone())
    }

    fn exists(&self, vbdev: &str) -> bool {
        self.with_node(vbdev, |_| ()).is_some()
    }

    fn remove_node(&self, node: *mut Node<M>) {
        lock(&self.nodes).retain(|n| n.0 != node);
    }
}

/// Creates bdev `name` over `base` (SPDK's bdev_passthru_create and
/// bdev_delay_create): now when the base exists, else when it appears.
/// -EEXIST when `name` is configured already.
///
/// # Safety
/// Called on an SPDK thread after the bdev library initialized.
pub unsafe fn create<M: AssocModule>(
    base: &str,
    name: &str,
    uuid: Option<[u8; 16]>,
    config: M::Config,
) -> Result<(), c_int> {
    let reg = M::registry();
    {
        let mut l = lock(&reg.assocs);
        if l.iter().any(|a| a.vbdev == name) {
            spdk_log::errlog!("{} bdev {} already exists", M::NAME, name);
            return Err(-libc::EEXIST);
        }
        l.push(Assoc {
            vbdev: name.to_string(),
            base: base.to_string(),
            uuid,
            config,
        });
    }
    match build_for_base::<M>(base) {
        0 => Ok(()),
        rc if rc == -libc::ENODEV => {
            spdk_log::noticelog!("vbdev creation deferred pending base bdev arrival");
            Ok(())
        }
        rc => {
            lock(&reg.assocs).retain(|a| a.vbdev != name);
            Err(rc)
        }
    }
}

/// Deletes bdev `name` and its association; `cb(arg, rc)` when done
/// (-ENODEV: no such bdev of this module).
///
/// # Safety
/// Called on an SPDK thread; `arg` is what `cb` expects.
pub unsafe fn delete<M: AssocModule>(name: &str, cb: spdk_bdev_unregister_cb, arg: *mut c_void) {
    let rc = match CString::new(name) {
        Ok(c) => spdk_bdev_unregister_by_name(c.as_ptr(), M::module(), cb, arg),
        Err(_) => -libc::ENODEV,
    };
    if rc != 0 {
        if let Some(f) = cb {
            f(arg, rc);
        }
        return;
    }
    lock(&M::registry().assocs).retain(|a| a.vbdev != name);
}

/// Builds every association over `base` without a bdev yet; the first
/// error stops (-ENODEV: the base does not exist).
unsafe fn build_for_base<M: AssocModule>(base: &str) -> c_int {
    let reg = M::registry();
    let todo: Vec<Assoc<M::Config>> = lock(&reg.assocs)
        .iter()
        .filter(|a| a.base == base && !reg.exists(&a.vbdev))
        .cloned()
        .collect();
    for a in &todo {
        let rc = build::<M>(a);
        if rc != 0 {
            return rc;
        }
    }
    0
}

/// Registers the bdev of `a`, whose base must exist.
unsafe fn build<M: AssocModule>(a: &Assoc<M::Config>) -> c_int {
    let base_name = CString::new(a.base.as_str()).unwrap_or_default();
    let mut desc = ptr::null_mut();
    let rc = spdk_bdev_open_ext(
        base_name.as_ptr(),
        true,
        Some(base_event::<M>),
        ptr::null_mut(),
        &mut desc,
    );
    if rc != 0 {
        if rc != -libc::ENODEV {
            spdk_log::errlog!("could not open bdev {}", a.base);
        }
        return rc;
    }
    let base = spdk_bdev_desc_get_bdev(desc);
    let Ok(name) = CString::new(a.vbdev.as_str()) else {
        spdk_bdev_close(desc);
        return -libc::EINVAL;
    };
    let node = Box::into_raw(Box::new(Node::<M> {
        bdev: spdk_bdev::zeroed(),
        name,
        base_bdev: base,
        base_desc: desc,
        thread: spdk_get_thread(),
        state: M::state(&a.config),
    }));
    let b = &mut (*node).bdev;
    let src = &*base;
    b.name = (*node).name.as_ptr() as *mut c_char;
    b.product_name = M::PRODUCT.as_ptr() as *mut c_char;
    b.write_cache = src.write_cache;
    b.required_alignment = src.required_alignment;
    b.optimal_io_boundary = src.optimal_io_boundary;
    b.blocklen = src.blocklen;
    b.blockcnt = src.blockcnt;
    b.flags = src.flags & (BDEV_FLAG_MD_INTERLEAVE | BDEV_FLAG_DIF_IS_HEAD_OF_MD);
    b.md_len = src.md_len;
    b.dif_type = src.dif_type;
    b.dif_check_flags = src.dif_check_flags;
    b.dif_pi_format = src.dif_pi_format;
    b.numa = src.numa;
    let raw = match a.uuid {
        Some(u) => u,
        None => {
            let ns = spdk_util::uuid::parse(M::UUID_NAMESPACE).unwrap_or([0; 16]);
            spdk_util::uuid::generate_sha1(&ns, &src.uuid.u.raw)
        }
    };
    b.uuid = spdk_uuid {
        u: spdk_uuid_u { raw },
    };
    b.ctxt = node.cast();
    b.fn_table = M::fn_table();
    b.module = M::module();
    spdk_io_device_register(
        node.cast(),
        Some(ch_create::<M>),
        Some(ch_destroy::<M>),
        M::CHANNEL_SIZE,
        (*node).name.as_ptr(),
    );
    let rc = spdk_bdev_module_claim_bdev(base, desc, M::module());
    if rc != 0 {
        spdk_log::errlog!("could not claim bdev {}", a.base);
        undo(node);
        return rc;
    }
    lock(&M::registry().nodes).push(NodePtr(node));
    let rc = spdk_bdev_register(ptr::addr_of_mut!((*node).bdev));
    if rc != 0 {
        spdk_log::errlog!("could not register {}", M::KIND);
        M::registry().remove_node(node);
        spdk_bdev_module_release_bdev(base);
        undo(node);
        return rc;
    }
    M::registered(&a.vbdev);
    0
}

/// Frees a node that never got registered.
unsafe fn undo<M: AssocModule>(node: *mut Node<M>) {
    spdk_bdev_close((*node).base_desc);
    spdk_io_device_unregister(node.cast(), None);
    drop(Box::from_raw(node));
}

unsafe extern "C" fn base_event<M: AssocModule>(
    t: spdk_bdev_event_type,
    bdev: *mut spdk_bdev,
    _ctx: *mut c_void,
) {
    if t != spdk_bdev_event_type::SPDK_BDEV_EVENT_REMOVE {
        spdk_log::noticelog!("Unsupported bdev event: type {}", t as c_int);
        return;
    }
    let gone: Vec<NodePtr<M>> = lock(&M::registry().nodes)
        .iter()
        .copied()
        .filter(|n| (*n.0).base_bdev == bdev)
        .collect();
    for n in gone {
        spdk_bdev_unregister(ptr::addr_of_mut!((*n.0).bdev), None, ptr::null_mut());
    }
}

/// The module's examine_config: builds the associations over `bdev`.
///
/// # Safety
/// Called by the bdev library with a registered bdev.
pub unsafe extern "C" fn examine_config<M: AssocModule>(bdev: *mut spdk_bdev) {
    let name = String::from_utf8_lossy((*bdev).name_bytes()).into_owned();
    let _ = build_for_base::<M>(&name);
    spdk_bdev_module_examine_done(M::module());
}

/// fn_table.destruct: releases and closes the base (on the thread that
/// opened it); the node is freed once its channels are gone.
///
/// # Safety
/// `ctx` is a node of `M` being unregistered.
pub unsafe extern "C" fn destruct<M: AssocModule>(ctx: *mut c_void) -> c_int {
    let node = ctx.cast::<Node<M>>();
    M::registry().remove_node(node);
    spdk_bdev_module_release_bdev((*node).base_bdev);
    let t = (*node).thread;
    if !t.is_null() && t != spdk_get_thread() {
        spdk_thread_send_msg(t, Some(close_msg), (*node).base_desc.cast());
    } else {
        spdk_bdev_close((*node).base_desc);
    }
    spdk_io_device_unregister(node.cast(), Some(node_free::<M>));
    0
}

unsafe extern "C" fn close_msg(desc: *mut c_void) {
    spdk_bdev_close(desc.cast());
}

unsafe extern "C" fn node_free<M: AssocModule>(dev: *mut c_void) {
    drop(Box::from_raw(dev.cast::<Node<M>>()));
}

unsafe extern "C" fn ch_create<M: AssocModule>(dev: *mut c_void, buf: *mut c_void) -> c_int {
    let node = dev.cast::<Node<M>>();
    let ch = buf.cast::<BaseChannel>();
    let base_ch = spdk_bdev_get_io_channel((*node).base_desc);
    if base_ch.is_null() {
        return -libc::ENOMEM;
    }
    ch.write(BaseChannel { base_ch });
    let rc = M::ch_create(node, ch);
    if rc != 0 {
        spdk_put_io_channel(base_ch);
    }
    rc
}

unsafe extern "C" fn ch_destroy<M: AssocModule>(dev: *mut c_void, buf: *mut c_void) {
    let ch = buf.cast::<BaseChannel>();
    M::ch_destroy(dev.cast(), ch);
    spdk_put_io_channel((*ch).base_ch);
}

/// fn_table.get_io_channel.
///
/// # Safety
/// `ctx` is a node.
pub unsafe extern "C" fn get_io_channel(ctx: *mut c_void) -> *mut spdk_io_channel {
    spdk_get_io_channel(ctx)
}

/// fn_table.io_type_supported: what the base supports and can be passed
/// down.
///
/// # Safety
/// `ctx` is a node of `M`.
pub unsafe extern "C" fn io_type_supported<M: AssocModule>(
    ctx: *mut c_void,
    t: spdk_bdev_io_type,
) -> bool {
    let node = ctx.cast::<Node<M>>();
    base_io::forwardable_whole(t)
        && spdk_bdev_io_type_supported((*node).base_bdev, IoTypeArg(t as c_int))
}

/// The node an I/O was submitted to.
///
/// # Safety
/// `io` was submitted to a bdev of `M`.
#[inline]
pub unsafe fn node_of<M: AssocModule>(io: *mut spdk_bdev_io) -> *mut Node<M> {
    (*(*io).bdev).ctxt.cast()
}

#[inline]
unsafe fn retry_of(io: *mut spdk_bdev_io) -> *mut Retry {
    (*io).driver_ctx.as_mut_ptr().cast()
}

/// fn_table.submit_request of a module that only passes I/O down: reads
/// first get a buffer (so the base never hands out memory the virtual
/// bdev does not own), then every I/O goes to the base.
///
/// # Safety
/// `io` was submitted to a bdev of `M` on channel `ch`.
pub unsafe extern "C" fn submit_request<M: AssocModule>(
    ch: *mut spdk_io_channel,
    io: *mut spdk_bdev_io,
) {
    if (*io).r#type == spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_READ as u8 {
        read_with_buf::<M>(io);
    } else {
        forward::<M>(ch, io);
    }
}

/// Gets a buffer for read `io` if it has none, then [`forward`]s it.
///
/// # Safety
/// As [`submit_request`].
pub unsafe fn read_with_buf<M: AssocModule>(io: *mut spdk_bdev_io) {
    let len = (*io).u.bdev.num_blocks * (*(*io).bdev).blocklen as u64;
    spdk_bdev_io_get_buf(io, Some(read_buf_ready::<M>), len);
}

unsafe extern "C" fn read_buf_ready<M: AssocModule>(
    ch: *mut spdk_io_channel,
    io: *mut spdk_bdev_io,
    ok: bool,
) {
    if !ok {
        base_io::fail(io);
        return;
    }
    forward::<M>(ch, io);
}

/// Passes `io` to the base (completing through `M::CHILD_DONE`); when
/// the base has no spdk_bdev_io left it is resubmitted once one frees.
///
/// # Safety
/// As [`submit_request`].
pub unsafe fn forward<M: AssocModule>(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let base_ch = (*IoChannel::ctx(ch.cast()).cast::<BaseChannel>()).base_ch;
    let desc = (*node_of::<M>(io)).base_desc;
    let rc = base_io::submit(desc, base_ch, io, 0, M::CHILD_DONE);
    base_io::after_submit(rc, io, ch, base_ch, retry_of(io), resubmit::<M>);
}

unsafe extern "C" fn resubmit<M: AssocModule>(arg: *mut c_void) {
    let io = arg.cast::<spdk_bdev_io>();
    forward::<M>((*retry_of(io)).ch, io);
}
