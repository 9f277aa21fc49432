//! The JSON-RPC client: one non-blocking connection, one request in flight
//! and one parsed response at a time, driven by spdk_jsonrpc_client_poll().

use std::ffi::{c_int, c_void};
use std::ptr;

use spdk_json::ffi::json::{
    spdk_json_decode_object, spdk_json_object_decoder, spdk_json_parse, spdk_json_strequal,
    spdk_json_val, val_type, JsonValTypeArg, SPDK_JSON_PARSE_FLAG_DECODE_IN_PLACE,
};
use spdk_json::ValType;

use crate::ffi::jsonrpc::spdk_jsonrpc_client_response;
use crate::server::{SEND_BUF_SIZE_INIT, SEND_BUF_SIZE_MAX};

/// Largest response, in JSON tokens.
pub const CLIENT_MAX_VALUES: usize = 8192;

pub(crate) struct ClientRequest {
    pub send_buf: Vec<u8>,
    pub send_offset: usize,
    pub oversize: bool,
}

#[repr(C)]
pub(crate) struct Response {
    /// First, so a `spdk_jsonrpc_client_response *` is a `Response *`.
    pub jsonrpc: spdk_jsonrpc_client_response,
    pub buf: Vec<u8>,
    pub values: Vec<spdk_json_val>,
}

pub(crate) struct Client {
    pub fd: c_int,
    pub connected: bool,
    pub recv: Vec<u8>,
    pub resp: *mut Response,
    pub request: *mut ClientRequest,
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

pub(crate) fn new_request() -> *mut ClientRequest {
    Box::into_raw(Box::new(ClientRequest {
        send_buf: Vec::with_capacity(SEND_BUF_SIZE_INIT),
        send_offset: 0,
        oversize: false,
    }))
}

/// Appends to a request's buffer, within [`SEND_BUF_SIZE_MAX`].
pub(crate) unsafe fn request_append(req: *mut ClientRequest, d: &[u8]) -> c_int {
    let r = &mut *req;
    if r.send_buf.len() + d.len() > SEND_BUF_SIZE_MAX {
        if !r.oversize {
            spdk_log::errlog!("Send buf exceeded maximum size ({})", SEND_BUF_SIZE_MAX);
        }
        r.oversize = true;
        return -libc::ENOSPC;
    }
    r.send_buf.extend_from_slice(d);
    0
}

pub(crate) unsafe fn free_response(resp: *mut Response) {
    if !resp.is_null() {
        drop(Box::from_raw(resp));
    }
}

unsafe extern "C" fn capture_version(val: *const spdk_json_val, out: *mut c_void) -> c_int {
    if !spdk_json_strequal(val, c"2.0".as_ptr()) {
        return -1;
    }
    *(out as *mut *const spdk_json_val) = val;
    0
}

unsafe extern "C" fn capture_id(val: *const spdk_json_val, out: *mut c_void) -> c_int {
    // SPDK accepts string and number ids; null (the id of answers to
    // unparsable requests) is accepted too.
    if !matches!(
        val_type(val),
        ValType::String | ValType::Number | ValType::Null
    ) {
        return -libc::EINVAL;
    }
    *(out as *mut *const spdk_json_val) = val;
    0
}

unsafe extern "C" fn capture_any(val: *const spdk_json_val, out: *mut c_void) -> c_int {
    *(out as *mut *const spdk_json_val) = val;
    0
}

/// Parses a complete response out of the receive buffer: 1 when one is
/// ready, 0 when more data is needed, negative errno on error.
unsafe fn parse_response(c: &mut Client) -> c_int {
    let out = spdk_json::parse_into(&mut c.recv, 0, &mut spdk_json::parse::CountSink);
    let count = match out.result {
        Err(spdk_json::PARSE_INCOMPLETE) => return 0,
        Ok(n) if n > 0 && n <= CLIENT_MAX_VALUES => n,
        r => {
            spdk_log::errlog!("JSON parse error (rc: {:?})", r);
            return -libc::EINVAL;
        }
    };
    if !c.resp.is_null() {
        return -libc::ENOSPC;
    }
    let len = out.end;
    let mut buf: Vec<u8> = c.recv.drain(..len).collect();
    buf.push(0);
    let mut values: Vec<spdk_json_val> = (0..=count)
        .map(|_| spdk_json_val {
            start: ptr::null_mut(),
            len: 0,
            r#type: JsonValTypeArg(0),
        })
        .collect();
    let n = spdk_json_parse(
        buf.as_mut_ptr().cast(),
        len,
        values.as_mut_ptr(),
        count,
        ptr::null_mut(),
        SPDK_JSON_PARSE_FLAG_DECODE_IN_PLACE,
    );
    if n != count as isize || val_type(&values[0]) != ValType::ObjectBegin {
        spdk_log::errlog!("JSON-RPC response is not an object");
        return -libc::EINVAL;
    }
    let resp = Box::into_raw(Box::new(Response {
        jsonrpc: spdk_jsonrpc_client_response {
            version: ptr::null_mut(),
            id: ptr::null_mut(),
            result: ptr::null_mut(),
            error: ptr::null_mut(),
        },
        buf,
        values,
    }));
    let decoders = [
        spdk_json_object_decoder {
            name: c"jsonrpc".as_ptr(),
            offset: std::mem::offset_of!(spdk_jsonrpc_client_response, version),
            decode_func: Some(capture_version),
            optional: false,
        },
        spdk_json_object_decoder {
            name: c"id".as_ptr(),
            offset: std::mem::offset_of!(spdk_jsonrpc_client_response, id),
            decode_func: Some(capture_id),
            optional: true,
        },
        spdk_json_object_decoder {
            name: c"result".as_ptr(),
            offset: std::mem::offset_of!(spdk_jsonrpc_client_response, result),
            decode_func: Some(capture_any),
            optional: true,
        },
        spdk_json_object_decoder {
            name: c"error".as_ptr(),
            offset: std::mem::offset_of!(spdk_jsonrpc_client_response, error),
            decode_func: Some(capture_any),
            optional: true,
        },
    ];
    if spdk_json_decode_object(
        (*resp).values.as_ptr(),
        decoders.as_ptr(),
        decoders.len(),
        (&mut (*resp).jsonrpc as *mut spdk_jsonrpc_client_response).cast(),
    ) != 0
    {
        free_response(resp);
        return -libc::EINVAL;
    }
    c.resp = resp;
    1
}

unsafe fn send_pending(c: &mut Client) -> c_int {
    let req = c.request;
    if req.is_null() {
        return 0;
    }
    let r = &mut *req;
    if r.send_offset < r.send_buf.len() {
        let rest = &r.send_buf[r.send_offset..];
        let rc = libc::send(c.fd, rest.as_ptr().cast(), rest.len(), libc::MSG_NOSIGNAL);
        if rc < 0 {
            let e = errno();
            if e == libc::EINTR || e == libc::EAGAIN {
                return 0;
            }
            spdk_log::errlog!("send() failed ({})", e);
            return -e;
        }
        r.send_offset += rc as usize;
    }
    if r.send_offset >= r.send_buf.len() {
        c.request = ptr::null_mut();
        drop(Box::from_raw(req));
    }
    0
}

unsafe fn recv_some(c: &mut Client) -> c_int {
    let mut chunk = vec![0u8; SEND_BUF_SIZE_INIT];
    let rc = libc::recv(c.fd, chunk.as_mut_ptr().cast(), chunk.len(), 0);
    if rc < 0 {
        let e = errno();
        if e == libc::EINTR || e == libc::EAGAIN {
            return 0;
        }
        spdk_log::errlog!("recv() failed ({})", e);
        return -e;
    }
    if rc == 0 {
        return -libc::EIO;
    }
    if c.recv.len() + rc as usize > SEND_BUF_SIZE_MAX {
        return -libc::ENOSPC;
    }
    c.recv.extend_from_slice(&chunk[..rc as usize]);
    parse_response(c)
}

unsafe fn poll_connected(c: &mut Client, timeout: c_int) -> c_int {
    // A response already buffered needs no waiting.
    if c.resp.is_null() && !c.recv.is_empty() {
        let rc = parse_response(c);
        if rc != 0 {
            return rc;
        }
    }
    let mut pfd = libc::pollfd {
        fd: c.fd,
        events: libc::POLLIN | libc::POLLOUT,
        revents: 0,
    };
    let rc = libc::poll(&mut pfd, 1, timeout);
    let mut rc = if rc < 0 {
        let e = errno();
        if e == libc::EINTR {
            0
        } else {
            -e
        }
    } else if rc > 0 {
        let mut r = 0;
        if pfd.revents & libc::POLLOUT != 0 {
            r = send_pending(c);
        }
        if r == 0 && pfd.revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 {
            r = recv_some(c);
            if r == -libc::EAGAIN {
                r = 0;
            }
        }
        r
    } else {
        0
    };
    if rc > 0 {
        rc = 0;
    }
    if rc != 0 {
        rc
    } else if !c.resp.is_null() {
        1
    } else {
        0
    }
}

unsafe fn poll_connecting(c: &mut Client, timeout: c_int) -> c_int {
    let mut pfd = libc::pollfd {
        fd: c.fd,
        events: libc::POLLOUT,
        revents: 0,
    };
    let rc = libc::poll(&mut pfd, 1, timeout);
    if rc == 0 || (rc < 0 && errno() == libc::EINTR) {
        return -libc::ENOTCONN;
    }
    if rc < 0 || pfd.revents & !libc::POLLOUT != 0 {
        return -libc::EIO;
    }
    let mut err: c_int = 0;
    let mut len = std::mem::size_of::<c_int>() as libc::socklen_t;
    if libc::getsockopt(
        c.fd,
        libc::SOL_SOCKET,
        libc::SO_ERROR,
        (&mut err as *mut c_int).cast(),
        &mut len,
    ) != 0
        || err != 0
    {
        return -libc::EIO;
    }
    c.connected = true;
    0
}

pub(crate) unsafe fn poll(c: &mut Client, timeout: c_int) -> c_int {
    if c.connected {
        poll_connected(c, timeout)
    } else {
        poll_connecting(c, timeout)
    }
}

/// Opens a non-blocking connection to `addr`. Returns the client, or a
/// negative errno.
pub(crate) fn connect(addr: &[u8], family: c_int) -> Result<Box<Client>, c_int> {
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let addrlen: libc::socklen_t;
    let domain: c_int;
    if family == libc::AF_UNIX {
        let un = unsafe { &mut *(&mut storage as *mut _ as *mut libc::sockaddr_un) };
        if addr.len() >= un.sun_path.len() || addr.contains(&0) {
            spdk_log::errlog!("RPC Listen address Unix socket path too long");
            return Err(-libc::EINVAL);
        }
        un.sun_family = libc::AF_UNIX as libc::sa_family_t;
        for (d, &s) in un.sun_path.iter_mut().zip(addr) {
            *d = s as libc::c_char;
        }
        addrlen = std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t;
        domain = libc::AF_UNIX;
    } else {
        let text = std::str::from_utf8(addr).map_err(|_| -libc::EINVAL)?;
        let (host, port) = split_host_port(text).ok_or(-libc::EINVAL)?;
        use std::net::ToSocketAddrs;
        let sa = (host, port)
            .to_socket_addrs()
            .map_err(|_| -libc::ENOENT)?
            .next()
            .ok_or(-libc::ENOENT)?;
        match sa {
            std::net::SocketAddr::V4(v4) => {
                let sin = unsafe { &mut *(&mut storage as *mut _ as *mut libc::sockaddr_in) };
                sin.sin_family = libc::AF_INET as libc::sa_family_t;
                sin.sin_port = v4.port().to_be();
                sin.sin_addr.s_addr = u32::from(*v4.ip()).to_be();
                addrlen = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
                domain = libc::AF_INET;
            }
            std::net::SocketAddr::V6(v6) => {
                let sin6 = unsafe { &mut *(&mut storage as *mut _ as *mut libc::sockaddr_in6) };
                sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
                sin6.sin6_port = v6.port().to_be();
                sin6.sin6_addr.s6_addr = v6.ip().octets();
                sin6.sin6_scope_id = v6.scope_id();
                addrlen = std::mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t;
                domain = libc::AF_INET6;
            }
        }
    }
    // SAFETY: plain socket calls on a sockaddr we built.
    unsafe {
        let fd = libc::socket(
            domain,
            libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            0,
        );
        if fd < 0 {
            return Err(-errno());
        }
        let mut connected = true;
        if libc::connect(fd, &storage as *const _ as *const libc::sockaddr, addrlen) != 0 {
            let e = errno();
            if e != libc::EINPROGRESS {
                spdk_log::errlog!("could not connect to JSON-RPC server: errno {}", e);
                libc::close(fd);
                return Err(-e);
            }
            connected = false;
        }
        Ok(Box::new(Client {
            fd,
            connected,
            recv: Vec::new(),
            resp: ptr::null_mut(),
            request: ptr::null_mut(),
        }))
    }
}

/// "host", "host:port", "[v6]" or "[v6]:port" (port 5260 by default).
pub(crate) fn split_host_port(s: &str) -> Option<(&str, u16)> {
    const DEFAULT_PORT: u16 = 5260;
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        return match after.strip_prefix(':') {
            Some(p) => Some((host, p.parse().ok()?)),
            None if after.is_empty() => Some((host, DEFAULT_PORT)),
            None => None,
        };
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => Some((h, p.parse().ok()?)),
        Some(_) => Some((s, DEFAULT_PORT)),
        None => Some((s, DEFAULT_PORT)),
    }
}

#[allow(clippy::boxed_local)]
pub(crate) unsafe fn close(c: Box<Client>) {
    if c.fd >= 0 {
        libc::close(c.fd);
    }
    free_response(c.resp);
    if !c.request.is_null() {
        drop(Box::from_raw(c.request));
    }
}
