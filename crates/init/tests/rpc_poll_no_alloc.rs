//! An RPC server with a connected but quiet client costs nothing on the
//! app thread's heap: its poller allocates nothing per poll.

use std::io::Write;
use std::ptr;

use ::spdk_thread::ffi::thread::*;
use spdk_util::alloc_count::{count_allocations, CountingAlloc};

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

#[test]
fn idle_rpc_polling_allocates_nothing() {
    let dir = std::env::temp_dir().join(format!("rpc-noalloc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("spdk.sock");
    unsafe {
        assert_eq!(spdk_thread_lib_init(None, 0), 0);
        let t = spdk_thread_create(c"rpc_noalloc".as_ptr(), ptr::null());
        spdk_set_thread(t);
        spdk_init::rpc_servers::initialize(sock.to_str().unwrap()).expect("server");
        // A client connects and says one thing, then stays quiet.
        let mut c = std::os::unix::net::UnixStream::connect(&sock).unwrap();
        c.write_all(br#"{"jsonrpc":"2.0","method":"spdk_get_version","id":1}"#)
            .unwrap();
        let poll_for = |ms: u64| {
            let end = std::time::Instant::now() + std::time::Duration::from_millis(ms);
            while std::time::Instant::now() < end {
                spdk_thread_poll(t, 0, 0);
            }
        };
        poll_for(50); // accept, answer, settle
        let n = count_allocations(|| poll_for(100));
        assert_eq!(n, 0, "allocations while polling an idle RPC server");
        drop(c);
        spdk_init::rpc_servers::finish(sock.to_str().unwrap());
        poll_for(20);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
