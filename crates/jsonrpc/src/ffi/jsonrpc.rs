//! The C ABI of include/spdk/jsonrpc.h: a polled JSON-RPC 2.0 server and
//! client over stream sockets (Unix or TCP).

#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr;

use spdk_json::ffi::json::{spdk_json_val, spdk_json_write_ctx, writer_into_raw, writer_mut};
use spdk_json::JsonWriter;
use spdk_log::ffi::log::LogLevelArg;

use crate::client::{self, Client, ClientRequest, Response};
use crate::server::{self, Conn, Request, Server};

/// Invalid JSON was received.
pub const SPDK_JSONRPC_ERROR_PARSE_ERROR: c_int = -32700;
/// The JSON received is not a valid request object.
pub const SPDK_JSONRPC_ERROR_INVALID_REQUEST: c_int = -32600;
/// No such method.
pub const SPDK_JSONRPC_ERROR_METHOD_NOT_FOUND: c_int = -32601;
/// The method's parameters are invalid.
pub const SPDK_JSONRPC_ERROR_INVALID_PARAMS: c_int = -32602;
/// Internal JSON-RPC error.
pub const SPDK_JSONRPC_ERROR_INTERNAL_ERROR: c_int = -32603;
/// SPDK's code for a method called in the wrong state.
pub const SPDK_JSONRPC_ERROR_INVALID_STATE: c_int = -1;

/// A listening JSON-RPC server.
pub struct spdk_jsonrpc_server {
    _opaque: [u8; 0],
}

/// One request received by a server, to be answered exactly once.
pub struct spdk_jsonrpc_request {
    _opaque: [u8; 0],
}

/// A client connection to a JSON-RPC server.
pub struct spdk_jsonrpc_client {
    _opaque: [u8; 0],
}

/// A request built by a client.
pub struct spdk_jsonrpc_client_request {
    _opaque: [u8; 0],
}

/// One connection accepted by a server.
pub struct spdk_jsonrpc_server_conn {
    _opaque: [u8; 0],
}

/// A response received by a client: pointers into its parsed values (NULL
/// for members that are absent).
#[repr(C)]
pub struct spdk_jsonrpc_client_response {
    pub version: *mut spdk_json_val,
    pub id: *mut spdk_json_val,
    pub result: *mut spdk_json_val,
    pub error: *mut spdk_json_val,
}

/// Called for each request: `method` is its method string, `params` its
/// params array or object (NULL when absent or null).
pub type spdk_jsonrpc_handle_request_fn = Option<
    unsafe extern "C" fn(
        request: *mut spdk_jsonrpc_request,
        method: *const spdk_json_val,
        params: *const spdk_json_val,
    ),
>;

/// Called when a connection closes.
pub type spdk_jsonrpc_conn_closed_fn =
    Option<unsafe extern "C" fn(conn: *mut spdk_jsonrpc_server_conn, arg: *mut c_void)>;

/// Parses the `result` of a response.
pub type spdk_jsonrpc_client_response_parser =
    Option<unsafe extern "C" fn(parser_ctx: *mut c_void, result: *const spdk_json_val) -> c_int>;

/// The address of a callback, for identity comparisons (C compares
/// function pointers by address).
fn fn_addr(f: spdk_jsonrpc_conn_closed_fn) -> usize {
    f.map_or(0, |p| p as usize)
}

fn req_of(r: *mut spdk_jsonrpc_request) -> *mut Request {
    r.cast()
}

/// Creates a server listening on `listen_addr` (a stream socket of
/// `domain`/`protocol`, SO_REUSEADDR, backlog 512). Requests are read and
/// `handle_request` called from spdk_jsonrpc_server_poll().
///
/// \return the server, or NULL on error.
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_server_listen(
    domain: c_int,
    protocol: c_int,
    listen_addr: *mut libc::sockaddr,
    addrlen: libc::socklen_t,
    handle_request: spdk_jsonrpc_handle_request_fn,
) -> *mut spdk_jsonrpc_server {
    if listen_addr.is_null() {
        return ptr::null_mut();
    }
    let fd = libc::socket(
        domain,
        libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
        protocol,
    );
    if fd < 0 {
        spdk_log::errlog!("socket() failed");
        return ptr::null_mut();
    }
    let one: c_int = 1;
    if libc::setsockopt(
        fd,
        libc::SOL_SOCKET,
        libc::SO_REUSEADDR,
        (&one as *const c_int).cast(),
        std::mem::size_of::<c_int>() as libc::socklen_t,
    ) != 0
    {
        spdk_log::errlog!(
            "could not set SO_REUSEADDR sock option: {}",
            std::io::Error::last_os_error()
        );
        libc::close(fd);
        return ptr::null_mut();
    }
    if libc::bind(fd, listen_addr, addrlen) != 0 {
        spdk_log::errlog!(
            "could not bind JSON-RPC server: {}",
            std::io::Error::last_os_error()
        );
        libc::close(fd);
        return ptr::null_mut();
    }
    if libc::listen(fd, 512) != 0 {
        spdk_log::errlog!("listen() failed: {}", std::io::Error::last_os_error());
        libc::close(fd);
        return ptr::null_mut();
    }
    Box::into_raw(Box::new(Server {
        fd,
        handler: handle_request,
        conns: Vec::new(),
    }))
    .cast()
}

/// Accepts connections, reads requests (calling the handler) and sends
/// finished responses, without blocking.
///
/// \return 0.
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_server_poll(server: *mut spdk_jsonrpc_server) -> c_int {
    if server.is_null() {
        return -libc::EINVAL;
    }
    server::poll(server.cast());
    0
}

/// Closes the listening socket and every connection and frees the server.
/// Requests still being handled are answered into the void.
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_server_shutdown(server: *mut spdk_jsonrpc_server) {
    if !server.is_null() {
        server::shutdown(server.cast());
    }
}

/// The connection a request came on; NULL once that connection is closed.
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_get_conn(
    request: *mut spdk_jsonrpc_request,
) -> *mut spdk_jsonrpc_server_conn {
    if request.is_null() {
        return ptr::null_mut();
    }
    (*req_of(request)).conn.cast()
}

/// Registers the (single) callback run when `conn` closes.
///
/// \return 0, -EEXIST when this callback is already registered, -ENOSPC
/// when another one is, -EINVAL on NULL arguments.
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_conn_add_close_cb(
    conn: *mut spdk_jsonrpc_server_conn,
    cb: spdk_jsonrpc_conn_closed_fn,
    ctx: *mut c_void,
) -> c_int {
    let Some(c) = (conn as *mut Conn).as_ref() else {
        return -libc::EINVAL;
    };
    if cb.is_none() {
        return -libc::EINVAL;
    }
    let mut q = c.q.lock().unwrap_or_else(|e| e.into_inner());
    match q.close_cb {
        None => {
            q.close_cb = Some((cb, ctx));
            0
        }
        Some((f, x)) if fn_addr(f) == fn_addr(cb) && x == ctx => -libc::EEXIST,
        Some(_) => -libc::ENOSPC,
    }
}

/// Removes the close callback registered with these arguments.
///
/// \return 0, or -ENOENT when it is not the registered one.
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_conn_del_close_cb(
    conn: *mut spdk_jsonrpc_server_conn,
    cb: spdk_jsonrpc_conn_closed_fn,
    ctx: *mut c_void,
) -> c_int {
    let Some(c) = (conn as *mut Conn).as_ref() else {
        return -libc::EINVAL;
    };
    let mut q = c.q.lock().unwrap_or_else(|e| e.into_inner());
    match q.close_cb {
        Some((f, x)) if fn_addr(f) == fn_addr(cb) && x == ctx => {
            q.close_cb = None;
            0
        }
        _ => -libc::ENOENT,
    }
}

/// Starts a successful response: writes `{"jsonrpc":"2.0","id":...,
/// "result":` and returns the writer for the result value. Finish with
/// spdk_jsonrpc_end_result().
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_begin_result(
    request: *mut spdk_jsonrpc_request,
) -> *mut spdk_json_write_ctx {
    if request.is_null() {
        return ptr::null_mut();
    }
    let w = server::begin_response(req_of(request));
    if let Some(x) = writer_mut(w) {
        let _ = x.name("result");
    }
    w
}

/// Finishes and queues the response begun with spdk_jsonrpc_begin_result()
/// (nothing is sent for notifications, i.e. requests without an id or with
/// a null id) and releases the request.
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_end_result(
    request: *mut spdk_jsonrpc_request,
    w: *mut spdk_json_write_ctx,
) {
    if request.is_null() {
        return;
    }
    let req = req_of(request);
    if w.is_null() || w != (*req).response {
        spdk_log::errlog!("spdk_jsonrpc_end_result() with a foreign writer");
        return;
    }
    if server::has_id(req) {
        server::end_response(req);
    } else {
        server::skip_response(req);
    }
}

/// Answers the request with the boolean `value` as result.
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_send_bool_response(
    request: *mut spdk_jsonrpc_request,
    value: bool,
) {
    let w = spdk_jsonrpc_begin_result(request);
    if let Some(x) = writer_mut(w) {
        let _ = x.bool(value);
        spdk_jsonrpc_end_result(request, w);
    }
}

/// Answers the request with `{"code": error_code, "message": msg}` as
/// error (also for notifications), discarding anything written so far.
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_send_error_response(
    request: *mut spdk_jsonrpc_request,
    error_code: c_int,
    msg: *const c_char,
) {
    if request.is_null() {
        return;
    }
    let text: &[u8] = if msg.is_null() {
        b""
    } else {
        CStr::from_ptr(msg).to_bytes()
    };
    server::send_error(req_of(request), error_code, text);
}

/// Starts a client request in `request`: `{"jsonrpc":"2.0"`, then `"id"`
/// when `id` is not negative and `"method"` when `method` is not NULL.
/// Add `"params"` with the returned writer, then call
/// spdk_jsonrpc_end_request().
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_begin_request(
    request: *mut spdk_jsonrpc_client_request,
    id: i32,
    method: *const c_char,
) -> *mut spdk_json_write_ctx {
    if request.is_null() {
        return ptr::null_mut();
    }
    let req = request as *mut ClientRequest;
    let sink = move |d: &[u8]| -> i32 {
        // SAFETY: the request outlives the writer (end_request ends it).
        unsafe { client::request_append(req, d) }
    };
    let mut w = JsonWriter::new(Box::new(sink), 0);
    let _ = w.object_begin();
    let _ = w.named_string("jsonrpc", "2.0");
    if id >= 0 {
        let _ = w.name("id");
        let _ = w.int64(id as i64);
    }
    if !method.is_null() {
        let _ = w.named_string("method", CStr::from_ptr(method).to_bytes());
    }
    writer_into_raw(w)
}

/// Closes the request object, frees the writer and ends the request with a
/// newline.
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_end_request(
    request: *mut spdk_jsonrpc_client_request,
    w: *mut spdk_json_write_ctx,
) {
    if let Some(x) = writer_mut(w) {
        let _ = x.object_end();
    }
    spdk_json::ffi::json::spdk_json_write_end(w);
    if !request.is_null() {
        client::request_append(request.cast(), b"\n");
    }
}

/// Connects to a server at `addr`: a Unix socket path for AF_UNIX,
/// otherwise `host`, `host:port`, `[ipv6]:port` (port 5260 by default).
/// The connection may still be in progress; spdk_jsonrpc_client_poll()
/// completes it.
///
/// \return the client, or NULL with errno set.
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_client_connect(
    addr: *const c_char,
    addr_family: c_int,
) -> *mut spdk_jsonrpc_client {
    if addr.is_null() {
        *libc::__errno_location() = libc::EINVAL;
        return ptr::null_mut();
    }
    match client::connect(CStr::from_ptr(addr).to_bytes(), addr_family) {
        Ok(c) => Box::into_raw(c).cast(),
        Err(e) => {
            *libc::__errno_location() = -e;
            ptr::null_mut()
        }
    }
}

/// Closes the connection and frees the client with any pending request or
/// unclaimed response.
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_client_close(client: *mut spdk_jsonrpc_client) {
    if !client.is_null() {
        client::close(Box::from_raw(client as *mut Client));
    }
}

/// A new, empty client request.
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_client_create_request() -> *mut spdk_jsonrpc_client_request {
    client::new_request().cast()
}

/// Frees a request that was not handed to spdk_jsonrpc_client_send_request().
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_client_free_request(req: *mut spdk_jsonrpc_client_request) {
    if !req.is_null() {
        drop(Box::from_raw(req as *mut ClientRequest));
    }
}

/// Queues `req` to be sent by spdk_jsonrpc_client_poll(); the client takes
/// ownership of it.
///
/// \return 0, or -ENOSPC while another request is still being sent.
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_client_send_request(
    client: *mut spdk_jsonrpc_client,
    req: *mut spdk_jsonrpc_client_request,
) -> c_int {
    let Some(c) = (client as *mut Client).as_mut() else {
        return -libc::EINVAL;
    };
    if req.is_null() {
        return -libc::EINVAL;
    }
    if !c.request.is_null() {
        return -libc::ENOSPC;
    }
    c.request = req.cast();
    0
}

/// Waits up to `timeout` ms (poll(2) semantics) to finish connecting, send
/// the pending request and receive a response.
///
/// \return 1 when a response is ready, 0 when not yet, -ENOTCONN while
/// still connecting, other negative errno on failure (-EIO when the server
/// closed the connection).
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_client_poll(
    client: *mut spdk_jsonrpc_client,
    timeout: c_int,
) -> c_int {
    match (client as *mut Client).as_mut() {
        Some(c) => client::poll(c, timeout),
        None => -libc::EINVAL,
    }
}

/// Takes the received response (free it with
/// spdk_jsonrpc_client_free_response()), or NULL when none is ready.
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_client_get_response(
    client: *mut spdk_jsonrpc_client,
) -> *mut spdk_jsonrpc_client_response {
    let Some(c) = (client as *mut Client).as_mut() else {
        return ptr::null_mut();
    };
    let r = std::mem::replace(&mut c.resp, ptr::null_mut());
    r.cast()
}

/// Frees a response from spdk_jsonrpc_client_get_response().
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_client_free_response(
    resp: *mut spdk_jsonrpc_client_response,
) {
    client::free_response(resp as *mut Response);
}

/// Logs every request and response at `level` (SPDK_LOG_DISABLED: off).
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_set_log_level(level: LogLevelArg) {
    if let Some(l) = spdk_log::LogLevel::from_raw(level.0) {
        crate::log::set_level(l);
    }
}

/// Also writes every request and response to `file` (NULL: stop).
#[no_mangle]
pub unsafe extern "C" fn spdk_jsonrpc_set_log_file(file: *mut libc::FILE) {
    crate::log::set_file(file);
}
