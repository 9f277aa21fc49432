//! The JSON-RPC 2.0 server: a listening stream socket polled by
//! spdk_jsonrpc_server_poll() (no threads), at most [`MAX_CONNS`]
//! connections, each reading a stream of JSON values into a
//! [`RECV_BUF_SIZE`] buffer. Every complete value becomes a request handed
//! to the handler; responses are queued per connection (from any thread)
//! and sent in order by later polls.

use std::collections::VecDeque;
use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::Mutex;

use spdk_json::ffi::json::{
    spdk_json_decode_object, spdk_json_object_decoder, spdk_json_parse, spdk_json_strequal,
    spdk_json_val, val_type, writer_from_raw, writer_into_raw, writer_mut, JsonValTypeArg,
    SPDK_JSON_PARSE_FLAG_DECODE_IN_PLACE,
};
use spdk_json::{JsonWriter, ValType};

use crate::ffi::jsonrpc::{
    spdk_jsonrpc_conn_closed_fn, spdk_jsonrpc_handle_request_fn, spdk_jsonrpc_request,
    spdk_jsonrpc_server_conn, SPDK_JSONRPC_ERROR_INTERNAL_ERROR, SPDK_JSONRPC_ERROR_INVALID_PARAMS,
    SPDK_JSONRPC_ERROR_INVALID_REQUEST, SPDK_JSONRPC_ERROR_METHOD_NOT_FOUND,
    SPDK_JSONRPC_ERROR_PARSE_ERROR,
};
use crate::log::jsonrpc_log;

/// Bytes a connection buffers while a request is incomplete.
pub const RECV_BUF_SIZE: usize = 32 * 1024;
/// Initial size of a response buffer.
pub const SEND_BUF_SIZE_INIT: usize = 32 * 1024;
/// Largest response (or client request) in bytes.
pub const SEND_BUF_SIZE_MAX: usize = 32 * 1024 * 1024;
/// Connections a server accepts at once.
pub const MAX_CONNS: usize = 64;
/// Largest request, in JSON tokens.
pub const MAX_VALUES: usize = 1024;

pub(crate) struct Server {
    pub fd: c_int,
    pub handler: spdk_jsonrpc_handle_request_fn,
    pub conns: Vec<*mut Conn>,
}

#[derive(Default)]
pub(crate) struct Queues {
    /// Requests not yet freed (handed to the handler, queued or sending).
    pub outstanding: u32,
    /// Requests whose response is not ready yet.
    pub pending: Vec<*mut Request>,
    pub send_queue: VecDeque<*mut Request>,
    pub close_cb: Option<(spdk_jsonrpc_conn_closed_fn, *mut c_void)>,
}

pub(crate) struct Conn {
    pub fd: c_int,
    /// No more reading: the peer closed, or the stream cannot be resynced.
    pub closed: bool,
    pub recv_buf: Box<[u8; RECV_BUF_SIZE]>,
    pub recv_len: usize,
    pub q: Mutex<Queues>,
    pub send_request: *mut Request,
}

// SAFETY: the raw pointers are only dereferenced under the server's
// documented rules (responses may be completed from any thread; queues
// are protected by the mutex).
unsafe impl Send for Conn {}

pub(crate) struct Request {
    pub conn: *mut Conn,
    /// Index of the id token in `values`, when the request had one.
    pub id: Option<usize>,
    pub recv: Vec<u8>,
    pub values: Vec<spdk_json_val>,
    pub send_buf: Vec<u8>,
    pub send_offset: usize,
    /// The response writer, NULL once the response is finished.
    pub response: *mut spdk_json::ffi::json::spdk_json_write_ctx,
    pub oversize: bool,
}

impl Conn {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queues> {
        self.q.lock().unwrap_or_else(|e| e.into_inner())
    }
}

unsafe fn new_request(conn: *mut Conn) -> *mut Request {
    let req = Box::into_raw(Box::new(Request {
        conn,
        id: None,
        recv: Vec::new(),
        values: Vec::new(),
        send_buf: Vec::with_capacity(SEND_BUF_SIZE_INIT),
        send_offset: 0,
        response: ptr::null_mut(),
        oversize: false,
    }));
    let sink = move |d: &[u8]| -> i32 {
        // SAFETY: the writer is owned by the request and dropped before it.
        let r = unsafe { &mut *req };
        if r.send_buf.len() + d.len() > SEND_BUF_SIZE_MAX {
            if !r.oversize {
                spdk_log::errlog!("Send buf exceeded maximum size ({})", SEND_BUF_SIZE_MAX);
            }
            r.oversize = true;
            return -1;
        }
        r.send_buf.extend_from_slice(d);
        0
    };
    (*req).response = writer_into_raw(JsonWriter::new(Box::new(sink), 0));
    let mut q = (*conn).lock();
    q.outstanding += 1;
    q.pending.push(req);
    req
}

/// Frees a request (its response must be finished or abandoned).
pub(crate) unsafe fn free_request(req: *mut Request) {
    if req.is_null() {
        return;
    }
    let conn = (*req).conn;
    if !conn.is_null() {
        let mut q = (*conn).lock();
        q.outstanding = q.outstanding.saturating_sub(1);
        q.pending.retain(|&r| r != req);
    }
    let r = Box::from_raw(req);
    drop(writer_from_raw(r.response));
}

fn error_message(code: c_int) -> &'static str {
    match code {
        SPDK_JSONRPC_ERROR_PARSE_ERROR => "Parse error",
        SPDK_JSONRPC_ERROR_INVALID_REQUEST => "Invalid request",
        SPDK_JSONRPC_ERROR_METHOD_NOT_FOUND => "Method not found",
        SPDK_JSONRPC_ERROR_INVALID_PARAMS => "Invalid parameters",
        SPDK_JSONRPC_ERROR_INTERNAL_ERROR => "Internal error",
        _ => "Error",
    }
}

pub(crate) unsafe fn handle_error(req: *mut Request, code: c_int) {
    send_error(req, code, error_message(code).as_bytes());
}

/// Starts `{"jsonrpc":"2.0","id":...` in the request's writer.
pub(crate) unsafe fn begin_response(
    req: *mut Request,
) -> *mut spdk_json::ffi::json::spdk_json_write_ctx {
    let r = &mut *req;
    let wp = r.response;
    if let Some(w) = writer_mut(wp) {
        let _ = w.object_begin();
        let _ = w.named_string("jsonrpc", "2.0");
        let _ = w.name("id");
        match r.id {
            Some(i) => {
                let _ = spdk_json::ffi::json::spdk_json_write_val(wp, &r.values[i]);
            }
            None => {
                let _ = w.null();
            }
        }
    }
    wp
}

/// Queues the request's finished response (or frees it when its
/// connection is gone).
unsafe fn send_response(req: *mut Request) {
    let conn = (*req).conn;
    if conn.is_null() {
        spdk_log::warnlog!("Unable to send response: connection closed.");
        free_request(req);
        return;
    }
    let mut q = (*conn).lock();
    q.pending.retain(|&r| r != req);
    q.send_queue.push_back(req);
}

pub(crate) unsafe fn end_response(req: *mut Request) {
    let r = &mut *req;
    if let Some(w) = writer_mut(r.response) {
        let _ = w.object_end();
    }
    let failed = writer_from_raw(r.response)
        .map(|w| w.end().is_err())
        .unwrap_or(true);
    r.response = ptr::null_mut();
    if failed {
        spdk_log::errlog!("Failed to write JSON-RPC response");
    }
    r.send_buf.push(b'\n');
    send_response(req);
}

pub(crate) unsafe fn skip_response(req: *mut Request) {
    let r = &mut *req;
    drop(writer_from_raw(r.response));
    r.response = ptr::null_mut();
    r.send_buf.clear();
    send_response(req);
}

/// Whether the request has an id to answer to (notifications have none).
pub(crate) unsafe fn has_id(req: *mut Request) -> bool {
    let r = &*req;
    match r.id {
        Some(i) => val_type(&r.values[i]) != ValType::Null,
        None => false,
    }
}

pub(crate) unsafe fn send_error(req: *mut Request, code: c_int, msg: &[u8]) {
    let r = &mut *req;
    let Some(w) = writer_mut(r.response) else {
        return;
    };
    w.reset();
    r.send_buf.clear();
    begin_response(req);
    let _ = w.named_object_begin("error");
    let _ = w.name("code");
    let _ = w.int64(code as i64);
    let _ = w.name("message");
    if w.string(msg).is_err() {
        // not UTF-8: keep the response well-formed
        let _ = w.string(String::from_utf8_lossy(msg).as_bytes());
    }
    let _ = w.object_end();
    end_response(req);
}

#[repr(C)]
struct Fields {
    version: *const spdk_json_val,
    method: *const spdk_json_val,
    params: *const spdk_json_val,
    id: *const spdk_json_val,
}

unsafe extern "C" fn capture_val(val: *const spdk_json_val, out: *mut c_void) -> c_int {
    *(out as *mut *const spdk_json_val) = val;
    0
}

unsafe fn parse_single_request(server: *mut Server, req: *mut Request) {
    let decoders = [
        spdk_json_object_decoder {
            name: c"jsonrpc".as_ptr(),
            offset: std::mem::offset_of!(Fields, version),
            decode_func: Some(capture_val),
            optional: true,
        },
        spdk_json_object_decoder {
            name: c"method".as_ptr(),
            offset: std::mem::offset_of!(Fields, method),
            decode_func: Some(capture_val),
            optional: false,
        },
        spdk_json_object_decoder {
            name: c"params".as_ptr(),
            offset: std::mem::offset_of!(Fields, params),
            decode_func: Some(capture_val),
            optional: true,
        },
        spdk_json_object_decoder {
            name: c"id".as_ptr(),
            offset: std::mem::offset_of!(Fields, id),
            decode_func: Some(capture_val),
            optional: true,
        },
    ];
    let mut f = Fields {
        version: ptr::null(),
        method: ptr::null(),
        params: ptr::null(),
        id: ptr::null(),
    };
    let values = (*req).values.as_ptr();
    let ok = spdk_json_decode_object(
        values,
        decoders.as_ptr(),
        decoders.len(),
        (&mut f as *mut Fields).cast(),
    ) == 0;
    let valid = ok
        && (f.version.is_null()
            || (val_type(f.version) == ValType::String
                && spdk_json_strequal(f.version, c"2.0".as_ptr())))
        && !f.method.is_null()
        && val_type(f.method) == ValType::String
        && (f.id.is_null()
            || matches!(
                val_type(f.id),
                ValType::String | ValType::Number | ValType::Null
            ))
        && (f.params.is_null()
            || matches!(
                val_type(f.params),
                ValType::Null | ValType::ArrayBegin | ValType::ObjectBegin
            ));
    if !f.id.is_null()
        && matches!(
            val_type(f.id),
            ValType::String | ValType::Number | ValType::Null
        )
    {
        (*req).id = Some(f.id.offset_from(values) as usize);
    }
    if !valid {
        handle_error(req, SPDK_JSONRPC_ERROR_INVALID_REQUEST);
        return;
    }
    let params = if f.params.is_null() || val_type(f.params) == ValType::Null {
        ptr::null()
    } else {
        f.params
    };
    match (*server).handler {
        Some(h) => h(req as *mut spdk_jsonrpc_request, f.method, params),
        None => handle_error(req, SPDK_JSONRPC_ERROR_METHOD_NOT_FOUND),
    }
}

enum Parsed {
    /// Needs more data.
    Incomplete,
    /// A request of this many bytes was taken.
    Took(usize),
    /// The stream is broken (a parse error was answered).
    Broken,
}

unsafe fn parse_request(server: *mut Server, conn: *mut Conn, offset: usize) -> Parsed {
    let c = &mut *conn;
    let data = &mut c.recv_buf[offset..c.recv_len];
    let out = spdk_json::parse_into(data, 0, &mut spdk_json::parse::CountSink);
    if out.result == Err(spdk_json::PARSE_INCOMPLETE) {
        return Parsed::Incomplete;
    }
    let len = out.end;
    let req = new_request(conn);
    let r = &mut *req;
    r.recv = Vec::with_capacity(len + 1);
    r.recv.extend_from_slice(&data[..len]);
    r.recv.push(0);
    jsonrpc_log(&r.recv[..len], "request: ");
    let count = match out.result {
        Ok(n) if n > 0 && n <= MAX_VALUES => n,
        _ => {
            spdk_log::debuglog!(crate::LOG_RPC, "JSON parse error");
            handle_error(req, SPDK_JSONRPC_ERROR_PARSE_ERROR);
            return Parsed::Broken;
        }
    };
    // One more token, zeroed (SPDK_JSON_VAL_INVALID), ends the array for
    // walkers such as spdk_json_next().
    r.values = (0..=count)
        .map(|_| spdk_json_val {
            start: ptr::null_mut(),
            len: 0,
            r#type: JsonValTypeArg(0),
        })
        .collect();
    let n = spdk_json_parse(
        r.recv.as_mut_ptr().cast(),
        len,
        r.values.as_mut_ptr(),
        count,
        ptr::null_mut(),
        SPDK_JSON_PARSE_FLAG_DECODE_IN_PLACE,
    );
    if n != count as isize {
        handle_error(req, SPDK_JSONRPC_ERROR_PARSE_ERROR);
        return Parsed::Broken;
    }
    match val_type(&r.values[0]) {
        ValType::ObjectBegin => parse_single_request(server, req),
        _ => {
            // Batches (arrays) are not supported, as in SPDK.
            handle_error(req, SPDK_JSONRPC_ERROR_INVALID_REQUEST)
        }
    }
    Parsed::Took(len)
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn would_block(e: c_int) -> bool {
    e == libc::EAGAIN || e == libc::EWOULDBLOCK || e == libc::EINTR
}

unsafe fn conn_recv(server: *mut Server, conn: *mut Conn) -> Result<(), ()> {
    let c = &mut *conn;
    let avail = RECV_BUF_SIZE - c.recv_len;
    if avail == 0 {
        // A request larger than the buffer can never complete.
        spdk_log::errlog!("JSON-RPC request exceeds {} bytes", RECV_BUF_SIZE);
        c.closed = true;
        return Ok(());
    }
    let rc = libc::recv(
        c.fd,
        c.recv_buf.as_mut_ptr().add(c.recv_len).cast(),
        avail,
        0,
    );
    if rc < 0 {
        return if would_block(errno()) {
            Ok(())
        } else {
            Err(())
        };
    }
    if rc == 0 {
        c.closed = true;
        return Ok(());
    }
    c.recv_len += rc as usize;
    let mut offset = 0;
    loop {
        match parse_request(server, conn, offset) {
            Parsed::Incomplete => break,
            Parsed::Took(n) => offset += n,
            Parsed::Broken => {
                // No resync point in a JSON stream: answer, then close.
                spdk_log::errlog!("jsonrpc parse request failed");
                (*conn).closed = true;
                break;
            }
        }
    }
    let c = &mut *conn;
    if offset > 0 {
        c.recv_buf.copy_within(offset..c.recv_len, 0);
        c.recv_len -= offset;
    }
    Ok(())
}

unsafe fn conn_send(conn: *mut Conn) -> Result<(), ()> {
    loop {
        let c = &mut *conn;
        if c.send_request.is_null() {
            let next = c.lock().send_queue.pop_front();
            c.send_request = next.unwrap_or(ptr::null_mut());
        }
        let req = c.send_request;
        if req.is_null() {
            return Ok(());
        }
        let r = &mut *req;
        while r.send_offset < r.send_buf.len() {
            let rest = &r.send_buf[r.send_offset..];
            let rc = libc::send(c.fd, rest.as_ptr().cast(), rest.len(), libc::MSG_NOSIGNAL);
            if rc < 0 {
                return if would_block(errno()) {
                    Ok(())
                } else {
                    Err(())
                };
            }
            r.send_offset += rc as usize;
        }
        c.send_request = ptr::null_mut();
        if !r.send_buf.is_empty() {
            jsonrpc_log(&r.send_buf, "response: ");
        }
        free_request(req);
    }
}

/// Detaches every request from the connection and frees those queued.
unsafe fn free_conn_requests(conn: *mut Conn) {
    let c = &mut *conn;
    let sending = std::mem::replace(&mut c.send_request, ptr::null_mut());
    free_request(sending);
    let queued: Vec<*mut Request> = {
        let mut q = c.lock();
        for &r in &q.pending {
            (*r).conn = ptr::null_mut();
        }
        let detached = q.pending.len() as u32;
        q.pending.clear();
        q.outstanding = q.outstanding.saturating_sub(detached);
        q.send_queue.drain(..).collect()
    };
    for r in queued {
        free_request(r);
    }
}

pub(crate) unsafe fn conn_close(conn: *mut Conn) {
    let c = &mut *conn;
    c.closed = true;
    if c.fd >= 0 {
        free_conn_requests(conn);
        libc::close(c.fd);
        c.fd = -1;
        let cb = c.lock().close_cb;
        if let Some((Some(f), ctx)) = cb {
            f(conn as *mut spdk_jsonrpc_server_conn, ctx);
        }
    }
}

unsafe fn accept(server: *mut Server) {
    let s = &mut *server;
    let fd = libc::accept4(
        s.fd,
        ptr::null_mut(),
        ptr::null_mut(),
        libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
    );
    if fd < 0 {
        return;
    }
    let conn = Box::into_raw(Box::new(Conn {
        fd,
        closed: false,
        recv_buf: Box::new([0; RECV_BUF_SIZE]),
        recv_len: 0,
        q: Mutex::new(Queues::default()),
        send_request: ptr::null_mut(),
    }));
    s.conns.push(conn);
}

/// One pass over the server: retire closed connections, accept one new
/// connection, send queued responses and read requests.
pub(crate) unsafe fn poll(server: *mut Server) {
    let s = &mut *server;
    let mut i = 0;
    while i < s.conns.len() {
        let conn = s.conns[i];
        let outstanding = (*conn).lock().outstanding;
        if (*conn).closed && outstanding == 0 {
            conn_close(conn);
        }
        if (*conn).fd == -1 && (*conn).lock().outstanding == 0 {
            s.conns.remove(i);
            drop(Box::from_raw(conn));
            continue;
        }
        i += 1;
    }
    if s.conns.len() < MAX_CONNS {
        accept(server);
    }
    // By index: a request handler may add connections (never removes them
    // here), and cloning the list would allocate on every poll.
    let mut i = 0;
    // The explicit borrow is what rustc asks for on a raw pointer's field.
    #[allow(clippy::needless_borrow)]
    while let Some(&conn) = (&(*server).conns).get(i) {
        i += 1;
        if (*conn).fd == -1 {
            continue;
        }
        if conn_send(conn).is_err() {
            conn_close(conn);
            continue;
        }
        if !(*conn).closed && conn_recv(server, conn).is_err() {
            conn_close(conn);
        }
    }
}

pub(crate) unsafe fn shutdown(server: *mut Server) {
    let s = Box::from_raw(server);
    libc::close(s.fd);
    for &conn in &s.conns {
        conn_close(conn);
        drop(Box::from_raw(conn));
    }
}
