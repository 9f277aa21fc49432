//! spdk_tgt: SPDK's all-in-one target. It starts the app framework with
//! SPDK's standard options (core mask, RPC socket, JSON config, ...) and
//! serves JSON-RPC until SIGINT/SIGTERM or spdk_kill_instance.
//!
//! Besides SPDK's options it takes `-f <file>` (write the pid there) and
//! `--default-config` (apply the configuration built into the binary
//! instead of a file: what `make run` starts).

use std::ffi::{c_char, c_int, c_void, CString};
use std::sync::Mutex;

use spdk::event::ffi::event::{
    spdk_app_fini, spdk_app_opts, spdk_app_opts_init, spdk_app_parse_args,
    spdk_app_parse_args_rvals, spdk_app_start,
};

/// The configuration `--default-config` applies.
const DEFAULT_CONFIG: &str = include_str!("default_config.json");

const OPT_DEFAULT_CONFIG: c_int = 300;

static PID_FILE: Mutex<Option<String>> = Mutex::new(None);
static USE_DEFAULT: Mutex<bool> = Mutex::new(false);

unsafe extern "C" fn usage() {
    let text = c" -f <file>                 pidfile save pid to file under given path\n     --default-config      apply the built-in default configuration\n";
    libc::printf(c"%s".as_ptr(), text.as_ptr());
}

unsafe extern "C" fn parse_arg(ch: c_int, arg: *mut c_char) -> c_int {
    match ch {
        c if c == b'f' as c_int => {
            let s = std::ffi::CStr::from_ptr(arg).to_string_lossy().into_owned();
            *PID_FILE.lock().unwrap_or_else(|e| e.into_inner()) = Some(s);
            0
        }
        OPT_DEFAULT_CONFIG => {
            *USE_DEFAULT.lock().unwrap_or_else(|e| e.into_inner()) = true;
            0
        }
        _ => -libc::EINVAL,
    }
}

unsafe extern "C" fn started(_ctx: *mut c_void) {
    spdk::log::noticelog!("spdk_tgt started");
}

fn main() {
    let args: Vec<CString> = std::env::args()
        .map(|a| CString::new(a).unwrap_or_default())
        .collect();
    let mut argv: Vec<*mut c_char> = args.iter().map(|a| a.as_ptr() as *mut c_char).collect();
    argv.push(std::ptr::null_mut());
    let long_opts = [
        libc::option {
            name: c"default-config".as_ptr(),
            has_arg: 0,
            flag: std::ptr::null_mut(),
            val: OPT_DEFAULT_CONFIG,
        },
        libc::option {
            name: std::ptr::null(),
            has_arg: 0,
            flag: std::ptr::null_mut(),
            val: 0,
        },
    ];
    // SAFETY: the C API used as a C program would, with live buffers.
    let rc = unsafe {
        let mut opts: spdk_app_opts = std::mem::zeroed();
        spdk_app_opts_init(&mut opts, std::mem::size_of::<spdk_app_opts>());
        opts.name = c"spdk_tgt".as_ptr();
        let r = spdk_app_parse_args(
            (argv.len() - 1) as c_int,
            argv.as_mut_ptr(),
            &mut opts,
            c"f:".as_ptr(),
            long_opts.as_ptr(),
            Some(parse_arg),
            Some(usage),
        );
        // As SPDK's spdk_tgt: the parse result is the exit code (0 after
        // the usage or version, 2 on bad arguments).
        if r != spdk_app_parse_args_rvals::SPDK_APP_PARSE_ARGS_SUCCESS {
            std::process::exit(r as c_int);
        }
        let default = DEFAULT_CONFIG.as_bytes().to_vec();
        if *USE_DEFAULT.lock().unwrap_or_else(|e| e.into_inner()) && opts.json_config_file.is_null()
        {
            opts.json_data = default.as_ptr() as *mut c_void;
            opts.json_data_size = default.len();
        }
        if let Some(p) = PID_FILE.lock().unwrap_or_else(|e| e.into_inner()).clone() {
            if let Err(e) = std::fs::write(&p, format!("{}\n", std::process::id())) {
                eprintln!("spdk_tgt: cannot write pid file {p}: {e}");
                std::process::exit(1);
            }
        }
        let rc = spdk_app_start(&mut opts, Some(started), std::ptr::null_mut());
        spdk_app_fini();
        rc
    };
    if let Some(p) = PID_FILE.lock().unwrap_or_else(|e| e.into_inner()).take() {
        let _ = std::fs::remove_file(p);
    }
    std::process::exit(rc);
}
