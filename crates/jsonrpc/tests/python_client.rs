//! Interoperability with SPDK's own Python client (the `spdk` package on
//! PyPI, spdk/rpc/client.py): a server polled by this test answers
//! `echo`, `big` and unknown methods on a Unix socket in a private /tmp
//! directory while `python3` calls it. Skipped (with a note) when Python or
//! the package cannot be had.

use std::ffi::c_char;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use spdk_json::ffi::json::{spdk_json_strequal, spdk_json_val};
use spdk_jsonrpc::ffi::jsonrpc::*;

unsafe extern "C" fn handle(
    request: *mut spdk_jsonrpc_request,
    method: *const spdk_json_val,
    params: *const spdk_json_val,
) {
    if spdk_json_strequal(method, c"echo".as_ptr()) {
        let v = spdk_jsonrpc::params_value(params)
            .ok()
            .flatten()
            .unwrap_or(serde_json::Value::Null);
        spdk_jsonrpc::send_result(request, &v);
    } else if spdk_json_strequal(method, c"big".as_ptr()) {
        // A result larger than the writer's chunks and the client's reads.
        spdk_jsonrpc::with_result(request, |w| {
            let _ = w.array_begin();
            for i in 0..20000u64 {
                let _ = w.uint64(i);
            }
            let _ = w.array_end();
        });
    } else {
        spdk_jsonrpc::send_error(
            request,
            SPDK_JSONRPC_ERROR_METHOD_NOT_FOUND,
            "Method not found",
        );
    }
}

fn have_spdk_python() -> bool {
    let ok = |args: &[&str]| {
        Command::new("python3")
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    if ok(&["-c", "import spdk.rpc.client"]) {
        return true;
    }
    let _ = Command::new("timeout")
        .args(["120", "python3", "-m", "pip", "install", "-q", "spdk"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    ok(&["-c", "import spdk.rpc.client"])
}

const SCRIPT: &str = r#"
import sys, json
from spdk.rpc.client import JSONRPCClient, JSONRPCException
c = JSONRPCClient(sys.argv[1], timeout=10.0)
r = c.call('echo', {'name': 'Malloc0', 'n': [1, 2.5, None, True], 's': 'h\u00e9 \U0001F600 "q"'})
print(json.dumps(r, sort_keys=True))
print(len(c.call('big')))
try:
    c.call('no_such_method')
    print('no error')
except JSONRPCException as e:
    print('error:', 'Method not found' in str(e), '-32601' in str(e))
c.close()
"#;

#[test]
fn spdk_python_client() {
    if !have_spdk_python() {
        eprintln!("note: python3 with the `spdk` package is not available; skipping");
        return;
    }
    let mut dir = *b"/tmp/jsonrpc_py.XXXXXX\0";
    // SAFETY: a writable NUL-terminated template.
    let d = unsafe { libc::mkdtemp(dir.as_mut_ptr() as *mut c_char) };
    assert!(!d.is_null());
    let dir = String::from_utf8(dir[..dir.len() - 1].to_vec()).unwrap();
    let path = format!("{dir}/spdk.sock");
    let mut sa: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    sa.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (d, s) in sa.sun_path.iter_mut().zip(path.bytes()) {
        *d = s as c_char;
    }
    let server = unsafe {
        spdk_jsonrpc_server_listen(
            libc::AF_UNIX,
            0,
            (&mut sa as *mut libc::sockaddr_un).cast(),
            std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t,
            Some(handle),
        )
    };
    assert!(!server.is_null());
    let mut child = Command::new("timeout")
        .args(["60", "python3", "-c", SCRIPT, &path])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        unsafe { spdk_jsonrpc_server_poll(server) };
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "python client timed out");
        std::thread::sleep(Duration::from_micros(200));
    };
    let out = child.wait_with_output().unwrap();
    unsafe { spdk_jsonrpc_server_shutdown(server) };
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_dir(&dir);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(status.success(), "python failed: {text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        r#"{"n": [1, 2.5, null, true], "name": "Malloc0", "s": "h\u00e9 \ud83d\ude00 \"q\""}"#
    );
    assert_eq!(lines[1], "20000");
    assert_eq!(lines[2], "error: True True");
}
