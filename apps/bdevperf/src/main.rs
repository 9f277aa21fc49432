//! bdevperf: SPDK's bdev benchmark. Jobs on the bdevs of the configuration
//! (`-c`/`--json`), each keeping `-q` I/Os of `-o` bytes in flight with the
//! `-w` pattern for `-t` seconds on the cores of `-m`, then SPDK's results
//! table; with `-z` each run waits for the perform_tests RPC and answers
//! it with the results.

mod io;
mod job;
mod opts;
mod report;
mod rpc;
mod run;
mod workload;

use std::ffi::{c_char, c_int, CString};
use std::ptr;

use spdk::event::ffi::event::{
    spdk_app_fini, spdk_app_opts, spdk_app_opts_init, spdk_app_parse_args,
    spdk_app_parse_args_rvals, spdk_app_start, spdk_app_usage,
};

fn main() {
    let args: Vec<CString> = std::env::args()
        .map(|a| CString::new(a).unwrap_or_default())
        .collect();
    let mut argv: Vec<*mut c_char> = args.iter().map(|a| a.as_ptr() as *mut c_char).collect();
    argv.push(ptr::null_mut());
    // SAFETY: the C API used as a C program would, with live buffers.
    let rc = unsafe {
        let mut o: spdk_app_opts = std::mem::zeroed();
        spdk_app_opts_init(&mut o, std::mem::size_of::<spdk_app_opts>());
        o.name = c"bdevperf".as_ptr();
        o.rpc_addr = ptr::null();
        o.shutdown_cb = Some(run::shutdown_cb);
        let r = spdk_app_parse_args(
            (argv.len() - 1) as c_int,
            argv.as_mut_ptr(),
            &mut o,
            opts::GETOPT.as_ptr(),
            ptr::null(),
            Some(opts::parse_arg),
            Some(opts::usage),
        );
        if r != spdk_app_parse_args_rvals::SPDK_APP_PARSE_ARGS_SUCCESS {
            std::process::exit(r as c_int);
        }
        let (wait, log_file, ok) = {
            let mut p = opts::opts();
            let ok = opts::verify_test_params(&mut p);
            (p.wait_for_tests, p.rpc_log_file.clone(), ok)
        };
        // Runs are started over RPC: listen where SPDK's tools look.
        if wait && o.rpc_addr.is_null() {
            o.rpc_addr = c"/var/tmp/spdk.sock".as_ptr();
        }
        if let Some(f) = log_file {
            let fp = libc::fopen(f.as_ptr(), c"a".as_ptr());
            if fp.is_null() {
                eprintln!("Failed to open {}", f.to_string_lossy());
                std::process::exit(1);
            }
            o.rpc_log_file = fp;
        }
        if !ok && !wait {
            spdk_app_usage();
            opts::usage();
            std::process::exit(1);
        }
        rpc::register();
        let rc = spdk_app_start(&mut o, Some(run::bdevperf_run), ptr::null_mut());
        spdk_app_fini();
        rc
    };
    std::process::exit(rc);
}
