//! An RPC server: a JSON-RPC server on a Unix socket whose requests go to
//! the method table. A `<path>.lock` file held with flock() marks the
//! socket as owned, so a second process cannot take it over, and a stale
//! socket file left by a dead process can be removed safely.

use std::ffi::{c_int, CString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use spdk_json::ffi::json::{spdk_json_val, val_bytes};
use spdk_jsonrpc::ffi::jsonrpc::{
    spdk_jsonrpc_request, spdk_jsonrpc_server, spdk_jsonrpc_server_listen,
    spdk_jsonrpc_server_poll, spdk_jsonrpc_server_shutdown,
};

pub struct RpcServer {
    path: CString,
    lock_path: CString,
    lock_fd: c_int,
    jsonrpc: *mut spdk_jsonrpc_server,
}

// SAFETY: the server is used by one thread at a time (the app thread);
// moving it between threads is fine.
unsafe impl Send for RpcServer {}

unsafe extern "C" fn handle_request(
    request: *mut spdk_jsonrpc_request,
    method: *const spdk_json_val,
    params: *const spdk_json_val,
) {
    let name = if method.is_null() {
        &[][..]
    } else {
        val_bytes(method)
    };
    crate::dispatch(request, name, params);
}

/// Room in `sockaddr_un.sun_path`, with its terminating NUL.
const SUN_PATH_LEN: usize = 108;

impl RpcServer {
    /// Listens on the Unix socket `path`.
    pub fn listen(path: &str) -> Result<RpcServer, c_int> {
        if path.is_empty() || path.len() >= SUN_PATH_LEN || path.contains('\0') {
            spdk_log::errlog!("RPC Listen address Unix socket path too long");
            return Err(-libc::EINVAL);
        }
        let cpath = crate::cstring(path);
        let lock_path = crate::cstring(&format!("{path}.lock"));
        // SAFETY: plain syscalls on NUL-terminated paths.
        unsafe {
            let lock_fd = libc::open(
                lock_path.as_ptr(),
                libc::O_RDWR | libc::O_CREAT | libc::O_CLOEXEC,
                0o600,
            );
            if lock_fd < 0 {
                let e = std::io::Error::last_os_error();
                spdk_log::errlog!("Cannot open lock file {}: {e}", lock_path.to_string_lossy());
                return Err(-e.raw_os_error().unwrap_or(libc::EIO));
            }
            if libc::flock(lock_fd, libc::LOCK_EX | libc::LOCK_NB) != 0 {
                spdk_log::errlog!("RPC Unix domain socket path {path} in use. Specify another.");
                libc::close(lock_fd);
                return Err(-libc::EADDRINUSE);
            }
            // We hold the lock: a socket file still there is a leftover.
            libc::unlink(cpath.as_ptr());
            let mut addr: libc::sockaddr_un = std::mem::zeroed();
            addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
            for (d, s) in addr
                .sun_path
                .iter_mut()
                .zip(Path::new(path).as_os_str().as_bytes())
            {
                *d = *s as libc::c_char;
            }
            let jsonrpc = spdk_jsonrpc_server_listen(
                libc::AF_UNIX,
                0,
                (&mut addr as *mut libc::sockaddr_un).cast(),
                std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t,
                Some(handle_request),
            );
            if jsonrpc.is_null() {
                spdk_log::errlog!("spdk_jsonrpc_server_listen() failed");
                libc::close(lock_fd);
                libc::unlink(lock_path.as_ptr());
                return Err(-libc::EINVAL);
            }
            Ok(RpcServer {
                path: cpath,
                lock_path,
                lock_fd,
                jsonrpc,
            })
        }
    }

    /// Accepts connections and serves requests without blocking.
    pub fn accept(&mut self) {
        // SAFETY: the server lives until self is dropped.
        unsafe {
            spdk_jsonrpc_server_poll(self.jsonrpc);
        }
    }

    pub fn path(&self) -> &str {
        self.path.to_str().unwrap_or("")
    }
}

impl Drop for RpcServer {
    fn drop(&mut self) {
        // SAFETY: ours to close, once.
        unsafe {
            libc::unlink(self.path.as_ptr());
            spdk_jsonrpc_server_shutdown(self.jsonrpc);
            libc::close(self.lock_fd);
            libc::unlink(self.lock_path.as_ptr());
        }
    }
}
