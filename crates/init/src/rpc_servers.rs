//! The application's RPC servers (`spdk_rpc_initialize` and friends): each
//! listening address served by one poller on the app thread.

use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use spdk_rpc::server::RpcServer;
use spdk_thread::ffi::thread::{
    spdk_poller, spdk_poller_register_named, spdk_poller_unregister, spdk_thread_poller_rc,
};

/// How often the servers are polled, in microseconds.
pub const RPC_SELECT_INTERVAL_US: u64 = 4000;

struct Entry {
    addr: String,
    server: Mutex<Option<RpcServer>>,
    active: AtomicBool,
    /// Finished while being polled: dropped by the poller afterwards.
    closing: AtomicBool,
}

struct Servers {
    list: Vec<Arc<Entry>>,
    poller: usize,
}

static SERVERS: Mutex<Servers> = Mutex::new(Servers {
    list: Vec::new(),
    poller: 0,
});

fn servers() -> std::sync::MutexGuard<'static, Servers> {
    SERVERS.lock().unwrap_or_else(|e| e.into_inner())
}

unsafe extern "C" fn poll_servers(_arg: *mut c_void) -> c_int {
    // By index, taking each entry under the lock and serving it without:
    // handlers may start or stop servers. Nothing is allocated per poll.
    let mut i = 0;
    loop {
        let Some(e) = servers().list.get(i).cloned() else {
            break;
        };
        i += 1;
        if !e.active.load(Ordering::Acquire) {
            continue;
        }
        let mut guard = e.server.lock().unwrap_or_else(|x| x.into_inner());
        if let Some(s) = guard.as_mut() {
            s.accept();
        }
        if e.closing.load(Ordering::Acquire) {
            *guard = None;
        }
    }
    spdk_thread_poller_rc::SPDK_POLLER_BUSY as c_int
}

/// Starts a server on `addr` and the poller serving it.
pub fn initialize(addr: &str) -> Result<(), c_int> {
    crate::register_methods();
    if !spdk_rpc::verify_methods() {
        return Err(-libc::EINVAL);
    }
    if servers().list.iter().any(|e| e.addr == addr) {
        spdk_log::errlog!("Socket listen_addr already in use");
        return Err(-libc::EADDRINUSE);
    }
    let server = RpcServer::listen(addr).map_err(|_| {
        spdk_log::errlog!("Unable to start RPC service at {addr}");
        -libc::EINVAL
    })?;
    let mut s = servers();
    s.list.push(Arc::new(Entry {
        addr: addr.to_string(),
        server: Mutex::new(Some(server)),
        active: AtomicBool::new(true),
        closing: AtomicBool::new(false),
    }));
    if s.poller == 0 {
        // SAFETY: a static name and a poller function without context.
        let p = unsafe {
            spdk_poller_register_named(
                Some(poll_servers),
                std::ptr::null_mut(),
                RPC_SELECT_INTERVAL_US,
                c"rpc_subsystem_poll_servers".as_ptr(),
            )
        };
        s.poller = p as usize;
    }
    Ok(())
}

/// Stops the server on `addr`.
pub fn finish(addr: &str) {
    let (entry, poller) = {
        let mut s = servers();
        let Some(i) = s.list.iter().position(|e| e.addr == addr) else {
            spdk_log::errlog!("No server listening on provided address: {addr}");
            return;
        };
        let entry = s.list.remove(i);
        let poller = if s.list.is_empty() {
            std::mem::take(&mut s.poller)
        } else {
            0
        };
        (entry, poller)
    };
    match entry.server.try_lock() {
        Ok(mut g) => *g = None,
        Err(_) => entry.closing.store(true, Ordering::Release),
    }
    if poller != 0 {
        let mut p = poller as *mut spdk_poller;
        // SAFETY: the poller registered by initialize, on the app thread.
        unsafe { spdk_poller_unregister(&mut p) };
    }
}

/// Stops every server.
pub fn finish_all() {
    let addrs: Vec<String> = servers().list.iter().map(|e| e.addr.clone()).collect();
    for a in addrs {
        finish(&a);
    }
}

/// Pauses or resumes serving `addr`.
pub fn set_active(addr: &str, active: bool) {
    let s = servers();
    match s.list.iter().find(|e| e.addr == addr) {
        Some(e) => e.active.store(active, Ordering::Release),
        None => spdk_log::errlog!("No server listening on provided address: {addr}"),
    }
}
