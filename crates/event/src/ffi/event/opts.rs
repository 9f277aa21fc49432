//! `struct spdk_app_opts`, its defaults and the command line parser.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::mem::offset_of;
use std::ptr;
use std::sync::Mutex;

use spdk_env::ffi::env::{spdk_pci_addr, spdk_pci_addr_parse};
use spdk_log::ffi::log::{spdk_log_usage, LogCbPtr, LogLevelArg};
use spdk_util::ffi::string::{spdk_strarray_free, spdk_strarray_from_string};

/// Called on the app thread when the application is asked to stop (signal
/// or spdk_app_start_shutdown()).
pub type spdk_app_shutdown_cb = Option<unsafe extern "C" fn()>;

/// The RPC socket used when none is given.
pub(crate) const SPDK_DEFAULT_RPC_ADDR_STR: &str = "/var/tmp/spdk.sock";

/// The short options spdk_app_parse_args() handles itself (the header's
/// SPDK_APP_GETOPT_STRING); an application's own must not reuse them.
pub(crate) const SPDK_APP_GETOPT_STRING: &str = "c:de:ghi:m:n:p:r:s:uvA:B:L:RW:";

/// What spdk_app_parse_args() returns.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_app_parse_args_rvals {
    /// Help or the version was printed; the program should exit with 0.
    SPDK_APP_PARSE_ARGS_HELP = 0,
    /// Parsed; go on.
    SPDK_APP_PARSE_ARGS_SUCCESS = 1,
    /// Invalid arguments.
    SPDK_APP_PARSE_ARGS_FAIL = 2,
}

/// The same, under its typedef name.
pub type spdk_app_parse_args_rvals_t = spdk_app_parse_args_rvals;

/// Options of spdk_app_start(). Initialise with spdk_app_opts_init() and
/// pass its size: fields beyond it keep their defaults. Packed, as SPDK's,
/// with explicit reserved bytes where padding used to be.
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct spdk_app_opts {
    /// Application name (default: none).
    pub name: *const c_char,
    /// JSON configuration file to apply at start.
    pub json_config_file: *const c_char,
    /// Go on when an entry of the JSON configuration fails.
    pub json_config_ignore_errors: bool,
    pub reserved17: [u8; 7],
    /// RPC listen address: a Unix socket path (NULL: no RPC server).
    pub rpc_addr: *const c_char,
    /// Reactor core mask ("0x3", "[0-1]"); NULL means "0x1".
    pub reactor_mask: *const c_char,
    pub tpoint_group_mask: *const c_char,
    /// Shared memory id (-1: none, per-process).
    pub shm_id: c_int,
    pub reserved52: [u8; 4],
    /// Called on the app thread instead of spdk_app_stop(0) when a shutdown
    /// is requested.
    pub shutdown_cb: spdk_app_shutdown_cb,
    pub enable_coredump: bool,
    pub reserved65: [u8; 3],
    pub mem_channel: c_int,
    /// Core the app thread runs on (-1: the first core of the mask).
    pub main_core: c_int,
    /// MiB of memory to reserve up front (-1: default).
    pub mem_size: c_int,
    pub no_pci: bool,
    pub hugepage_single_segments: bool,
    pub unlink_hugepage: bool,
    pub no_huge: bool,
    pub reserved84: [u8; 4],
    pub hugedir: *const c_char,
    pub print_level: LogLevelArg,
    pub reserved100: [u8; 4],
    pub num_pci_addr: usize,
    pub pci_blocked: *mut spdk_pci_addr,
    pub pci_allowed: *mut spdk_pci_addr,
    pub iova_mode: *const c_char,
    /// Wait for the framework_start_init RPC before initialising the
    /// subsystems.
    pub delay_subsystem_init: bool,
    pub reserved137: [u8; 7],
    pub num_entries: u64,
    pub env_context: *mut c_void,
    pub log: LogCbPtr,
    pub base_virtaddr: u64,
    /// sizeof(struct spdk_app_opts) as the caller knows it.
    pub opts_size: usize,
    /// Do not install SIGINT/SIGTERM handlers; the application calls
    /// spdk_app_start_shutdown() itself.
    pub disable_signal_handlers: bool,
    pub interrupt_mode: bool,
    pub enforce_numa: bool,
    pub reserved187: [u8; 1],
    pub num_trace_threads: u32,
    pub msg_mempool_size: usize,
    /// NULL-terminated list of the RPC methods that may be called (NULL:
    /// all).
    pub rpc_allowlist: *mut *const c_char,
    pub vf_token: *const c_char,
    /// lcore to CPU map (DPDK's --lcores syntax), instead of reactor_mask.
    pub lcore_map: *const c_char,
    pub rpc_log_level: LogLevelArg,
    pub rpc_log_file: *mut libc::FILE,
    /// JSON configuration in memory, instead of json_config_file.
    pub json_data: *mut c_void,
    pub json_data_size: usize,
    pub disable_cpumask_locks: bool,
}

const _: () = assert!(std::mem::size_of::<spdk_app_opts>() == 253);
const _: () = assert!(offset_of!(spdk_app_opts, opts_size) == 176);
const _: () = assert!(offset_of!(spdk_app_opts, rpc_log_file) == 228);
const _: () = assert!(offset_of!(spdk_app_opts, disable_cpumask_locks) == 252);

/// Where each field ends, in declaration order: a caller's opts_size
/// covers the fields ending at or before it.
const FIELD_ENDS: [usize; 48] = [
    8, 16, 17, 24, 32, 40, 48, 52, 56, 64, 65, 68, 72, 76, 80, 81, 82, 83, 84, 88, 96, 100, 104,
    112, 120, 128, 136, 137, 144, 152, 160, 168, 176, 184, 185, 186, 187, 188, 192, 200, 208, 216,
    224, 228, 236, 244, 252, 253,
];

/// Bytes of whole fields within `size`.
pub(crate) fn covered(size: usize) -> usize {
    FIELD_ENDS
        .iter()
        .copied()
        .take_while(|e| *e <= size)
        .last()
        .unwrap_or(0)
}

pub(crate) const DEFAULT_MSG_MEMPOOL_SIZE: usize = 262143;
pub(crate) const DEFAULT_NUM_TRACE_ENTRIES: u64 = 32 * 1024;

/// The defaults of every field.
pub(crate) fn defaults() -> spdk_app_opts {
    // SAFETY: every field is plain data for which zero is valid.
    let mut o: spdk_app_opts = unsafe { std::mem::zeroed() };
    o.opts_size = std::mem::size_of::<spdk_app_opts>();
    o.enable_coredump = true;
    o.shm_id = -1;
    o.mem_size = -1;
    o.main_core = -1;
    o.mem_channel = -1;
    o.base_virtaddr = 0x2000_0000_0000;
    o.print_level = LogLevelArg(spdk_log::LogLevel::Info as c_int);
    o.rpc_addr = c"/var/tmp/spdk.sock".as_ptr();
    o.num_entries = DEFAULT_NUM_TRACE_ENTRIES;
    o.rpc_log_level = LogLevelArg(-1);
    o
}

/// Fills `opts` (of `opts_size` bytes as the caller knows it) with the
/// defaults: zero, then every field that fits gets its default value.
#[no_mangle]
pub unsafe extern "C" fn spdk_app_opts_init(opts: *mut spdk_app_opts, opts_size: usize) {
    if opts.is_null() {
        spdk_log::errlog!("opts should not be NULL");
        return;
    }
    if opts_size == 0 {
        spdk_log::errlog!("opts_size should not be zero value");
        return;
    }
    ptr::write_bytes(opts.cast::<u8>(), 0, opts_size);
    let mut d = defaults();
    d.opts_size = opts_size;
    let n = covered(opts_size);
    ptr::copy_nonoverlapping(
        (&d as *const spdk_app_opts).cast::<u8>(),
        opts.cast::<u8>(),
        n,
    );
}

/// The caller's options over the defaults, as far as its opts_size goes.
pub(crate) unsafe fn copy_user(user: *const spdk_app_opts) -> spdk_app_opts {
    let mut o = defaults();
    let size = ptr::read_unaligned(ptr::addr_of!((*user).opts_size));
    let n = covered(size);
    ptr::copy_nonoverlapping(
        user.cast::<u8>(),
        (&mut o as *mut spdk_app_opts).cast::<u8>(),
        n,
    );
    o.opts_size = size;
    o
}

extern "C" {
    static mut optarg: *mut c_char;
    static mut stdout: *mut libc::FILE;
}

struct ParseState {
    exe: Option<String>,
    default_mem_size: c_int,
}

static PARSE: Mutex<ParseState> = Mutex::new(ParseState {
    exe: None,
    default_mem_size: -1,
});

fn cprint(s: &str) {
    let c = std::ffi::CString::new(s.replace('\0', "")).unwrap_or_default();
    // SAFETY: a NUL-terminated string through "%s".
    unsafe {
        libc::printf(c"%s".as_ptr(), c.as_ptr());
    }
}

/// Prints the usage of the standard options, then the application's via
/// `app_usage`. Everything goes through C's stdout, in order.
pub(crate) fn usage(app_usage: Option<unsafe extern "C" fn()>) {
    let (exe, mem) = {
        let p = PARSE.lock().unwrap_or_else(|e| e.into_inner());
        (p.exe.clone().unwrap_or_default(), p.default_mem_size)
    };
    let mut s = String::new();
    let mut line = |l: &str| {
        s.push_str(l);
        s.push('\n');
    };
    line(&format!("{exe} [options]"));
    line("\nCPU options:");
    line(" -m, --cpumask <mask or list>    core mask (like 0xF) or core list in '[]' (like [0,1,10])");
    line("     --lcores <list>       lcore to CPU map: <lcores[@CPUs]>[<,lcores[@CPUs]>...];");
    line("                           groups in '(' ')', '-' for ranges, ',' between numbers,");
    line("                           '@CPUs' omitted when the CPUs are the lcores themselves");
    line("     --disable-cpumask-locks    do not take the per-core lock files");
    line("     --interrupt-mode      run the reactors in interrupt mode (not supported: refused)");
    line(" -p, --main-core <id>      core of the app thread (default: first core of the mask)");
    line("\nConfiguration options:");
    line(" -c, --config, --json  <config>     JSON config file");
    line(&format!(
        " -r, --rpc-socket <path>   RPC listen address (default {SPDK_DEFAULT_RPC_ADDR_STR})"
    ));
    line("     --no-rpc-server       do not start the RPC server (ignores --rpc-socket)");
    line("     --wait-for-rpc        wait for RPCs to initialize subsystems");
    line("     --rpcs-allowed        comma-separated list of permitted RPCs");
    line("     --json-ignore-init-errors    don't exit on invalid config entry");
    line("\nMemory options:");
    line("     --iova-mode <pa/va>   IOVA mode ('pa' or 'va')");
    line("     --base-virtaddr <addr>      base virtual address of DMA memory (default: 0x200000000000)");
    line("     --huge-dir <path>     hugetlbfs mount to reserve memory from");
    line(" -R, --huge-unlink         unlink huge files after initialization");
    line(" -n, --mem-channels <num>  number of memory channels");
    line(&format!(
        " -s, --mem-size <size>     memory size in MB to reserve (default: {}MB)",
        mem.max(0)
    ));
    line(&format!(
        "     --msg-mempool-size <size>  global message memory pool size in count (default: {DEFAULT_MSG_MEMPOOL_SIZE})"
    ));
    line("     --no-huge             run without using hugepages");
    line("     --enforce-numa        enforce NUMA allocations from the specified NUMA node");
    line(" -i, --shm-id <id>         shared memory ID (optional)");
    line(" -g, --single-file-segments   force creating just one hugetlbfs file");
    line("\nPCI options:");
    line(
        " -A, --pci-allowed <bdf>   pci addr to allow (-B and -A cannot be used at the same time; not supported yet: refused)",
    );
    line(" -B, --pci-blocked <bdf>   pci addr to block (can be used more than once; not supported yet: refused)");
    line(" -u, --no-pci              disable PCI access");
    line(
        "     --vfio-vf-token       VF token (UUID) shared between SR-IOV PF and VFs for vfio_pci",
    );
    line("\nLog options:");
    cprint(&s);
    // SAFETY: C's stdout, written by the log library in order with ours.
    unsafe { spdk_log_usage(stdout, c"-L".as_ptr()) };
    let mut s = String::new();
    let mut line = |l: &str| {
        s.push_str(l);
        s.push('\n');
    };
    line("     --silence-noticelog   disable notice level logging to stderr");
    line("\nTrace options:");
    line("     --num-trace-entries <num>   number of trace entries for each core, a power of 2,");
    line(&format!(
        "                                 0 to disable trace (default {DEFAULT_NUM_TRACE_ENTRIES})"
    ));
    line(" -e, --tpoint-group <group-name>[:<tpoint_mask>]   tracepoint groups to enable");
    line("                                 (no trace library here: refused)");
    line("\nOther options:");
    line(" -h, --help                show this usage");
    line(" -v, --version             print SPDK version");
    line(" -d, --limit-coredump      do not set max coredump size to RLIM_INFINITY");
    line("     --env-context         Opaque context for use of the env implementation");
    if app_usage.is_some() {
        line("\nApplication specific:");
    }
    cprint(&s);
    if let Some(f) = app_usage {
        // SAFETY: the application's usage printer.
        unsafe { f() };
    }
    // SAFETY: flushes C's stdout so the usage is out before anything else.
    unsafe { libc::fflush(stdout) };
}

/// Prints the usage of the standard options (valid after
/// spdk_app_parse_args()).
#[no_mangle]
pub extern "C" fn spdk_app_usage() {
    if PARSE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .exe
        .is_none()
    {
        spdk_log::errlog!("spdk_app_usage not valid before calling spdk_app_parse_args()");
        return;
    }
    usage(None);
}

macro_rules! long {
    ($name:literal, $has:expr, $val:expr) => {
        libc::option {
            name: $name.as_ptr(),
            has_arg: $has,
            flag: ptr::null_mut(),
            val: $val as c_int,
        }
    };
}

const NO: c_int = 0;
const REQ: c_int = 1;

const OPT_INTERRUPT_MODE: c_int = 256;
const OPT_SILENCE_NOTICELOG: c_int = 257;
const OPT_WAIT_FOR_RPC: c_int = 258;
const OPT_HUGE_DIR: c_int = 259;
const OPT_NUM_TRACE_ENTRIES: c_int = 260;
const OPT_JSON: c_int = 262;
const OPT_JSON_IGNORE_INIT_ERRORS: c_int = 263;
const OPT_IOVA_MODE: c_int = 264;
const OPT_BASE_VIRTADDR: c_int = 265;
const OPT_ENV_CONTEXT: c_int = 266;
const OPT_DISABLE_CPUMASK_LOCKS: c_int = 267;
const OPT_RPCS_ALLOWED: c_int = 268;
const OPT_VF_TOKEN: c_int = 269;
const OPT_MSG_MEMPOOL_SIZE: c_int = 270;
const OPT_LCORES: c_int = 271;
const OPT_NO_HUGE: c_int = 272;
const OPT_NO_RPC_SERVER: c_int = 273;
const OPT_ENFORCE_NUMA: c_int = 274;

fn standard_long_options() -> Vec<libc::option> {
    vec![
        long!(c"config", REQ, b'c'),
        long!(c"limit-coredump", NO, b'd'),
        long!(c"tpoint-group", REQ, b'e'),
        long!(c"single-file-segments", NO, b'g'),
        long!(c"help", NO, b'h'),
        long!(c"shm-id", REQ, b'i'),
        long!(c"cpumask", REQ, b'm'),
        long!(c"mem-channels", REQ, b'n'),
        long!(c"main-core", REQ, b'p'),
        long!(c"rpc-socket", REQ, b'r'),
        long!(c"mem-size", REQ, b's'),
        long!(c"no-pci", NO, b'u'),
        long!(c"version", NO, b'v'),
        long!(c"pci-blocked", REQ, b'B'),
        long!(c"logflag", REQ, b'L'),
        long!(c"huge-unlink", NO, b'R'),
        long!(c"pci-allowed", REQ, b'A'),
        long!(c"interrupt-mode", NO, OPT_INTERRUPT_MODE),
        long!(c"silence-noticelog", NO, OPT_SILENCE_NOTICELOG),
        long!(c"wait-for-rpc", NO, OPT_WAIT_FOR_RPC),
        long!(c"huge-dir", REQ, OPT_HUGE_DIR),
        long!(c"num-trace-entries", REQ, OPT_NUM_TRACE_ENTRIES),
        long!(c"json", REQ, OPT_JSON),
        long!(c"json-ignore-init-errors", NO, OPT_JSON_IGNORE_INIT_ERRORS),
        long!(c"iova-mode", REQ, OPT_IOVA_MODE),
        long!(c"base-virtaddr", REQ, OPT_BASE_VIRTADDR),
        long!(c"env-context", REQ, OPT_ENV_CONTEXT),
        long!(c"disable-cpumask-locks", NO, OPT_DISABLE_CPUMASK_LOCKS),
        long!(c"rpcs-allowed", REQ, OPT_RPCS_ALLOWED),
        long!(c"vfio-vf-token", REQ, OPT_VF_TOKEN),
        long!(c"msg-mempool-size", REQ, OPT_MSG_MEMPOOL_SIZE),
        long!(c"lcores", REQ, OPT_LCORES),
        long!(c"no-huge", NO, OPT_NO_HUGE),
        long!(c"no-rpc-server", NO, OPT_NO_RPC_SERVER),
        long!(c"enforce-numa", NO, OPT_ENFORCE_NUMA),
    ]
}

/// Parses an integer like strtol with base detection; None when the text
/// is not entirely a number or is negative.
fn parse_nonneg(s: &str) -> Option<i64> {
    let s = s.trim();
    let v = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()?
    } else if s.len() > 1 && s.starts_with('0') {
        i64::from_str_radix(&s[1..], 8).ok()?
    } else {
        s.parse::<i64>().ok()?
    };
    (v >= 0).then_some(v)
}

/// "1024", "1G", "512M", "4k": SPDK's capacity syntax; (value, had a
/// unit prefix).
fn parse_capacity(s: &str) -> Option<(u64, bool)> {
    let s = s.trim();
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    let v: u64 = digits.parse().ok()?;
    let rest = &s[digits.len()..];
    let shift = match rest {
        "" => return Some((v, false)),
        "k" | "K" => 10,
        "m" | "M" => 20,
        "g" | "G" => 30,
        "t" | "T" => 40,
        _ => return None,
    };
    v.checked_mul(1 << shift).map(|v| (v, true))
}

unsafe fn add_pci_addr(opts: &mut spdk_app_opts, allowed: bool, bdf: *const c_char) -> bool {
    let list = if allowed {
        opts.pci_allowed
    } else {
        opts.pci_blocked
    };
    let i = opts.num_pci_addr;
    let new = libc::realloc(list.cast(), std::mem::size_of::<spdk_pci_addr>() * (i + 1))
        .cast::<spdk_pci_addr>();
    if new.is_null() {
        spdk_log::errlog!("realloc error");
        return false;
    }
    if allowed {
        opts.pci_allowed = new;
    } else {
        opts.pci_blocked = new;
    }
    if spdk_pci_addr_parse(new.add(i), bdf) < 0 {
        spdk_log::errlog!("Invalid address {}", CStr::from_ptr(bdf).to_string_lossy());
        return false;
    }
    opts.num_pci_addr += 1;
    true
}

/// Parses SPDK's standard command line options into `opts` (initialised
/// with spdk_app_opts_init()), handing the application's own options
/// (`app_getopt_str`, `app_long_opts`) to `parse(ch, optarg)`; `-h`
/// prints the usage, the application's part through `usage()`.
///
/// \return SPDK_APP_PARSE_ARGS_SUCCESS, _HELP (help or version printed)
/// or _FAIL.
#[no_mangle]
pub unsafe extern "C" fn spdk_app_parse_args(
    argc: c_int,
    argv: *mut *mut c_char,
    opts: *mut spdk_app_opts,
    app_getopt_str: *const c_char,
    app_long_opts: *const libc::option,
    parse: Option<unsafe extern "C" fn(ch: c_int, arg: *mut c_char) -> c_int>,
    usage_cb: Option<unsafe extern "C" fn()>,
) -> spdk_app_parse_args_rvals_t {
    use spdk_app_parse_args_rvals::*;
    if opts.is_null() || argv.is_null() || argc < 1 {
        return SPDK_APP_PARSE_ARGS_FAIL;
    }
    let opts = &mut *opts;
    {
        let mut p = PARSE.lock().unwrap_or_else(|e| e.into_inner());
        p.default_mem_size = opts.mem_size;
        p.exe = Some(if (*argv).is_null() {
            String::new()
        } else {
            CStr::from_ptr(*argv).to_string_lossy().into_owned()
        });
    }
    let config = opts.json_config_file;
    if !config.is_null() && libc::access(config, libc::R_OK) != 0 {
        spdk_log::warnlog!(
            "Can't read JSON configuration file '{}'",
            CStr::from_ptr(config).to_string_lossy()
        );
        opts.json_config_file = ptr::null();
    }
    let mut long_opts = standard_long_options();
    if !app_long_opts.is_null() {
        let mut p = app_long_opts;
        while !(*p).name.is_null() {
            long_opts.push(*p);
            p = p.add(1);
        }
    }
    long_opts.push(libc::option {
        name: ptr::null(),
        has_arg: 0,
        flag: ptr::null_mut(),
        val: 0,
    });
    let app_short = if app_getopt_str.is_null() {
        String::new()
    } else {
        CStr::from_ptr(app_getopt_str)
            .to_string_lossy()
            .into_owned()
    };
    if !app_getopt_str.is_null() {
        if let Some(c) = app_short
            .chars()
            .filter(|c| !matches!(c, ':' | '+' | '-'))
            .find(|c| SPDK_APP_GETOPT_STRING.contains(*c))
        {
            spdk_log::errlog!(
                "Duplicated option '{c}' between app-specific command line parameter and generic spdk opts."
            );
            return SPDK_APP_PARSE_ARGS_FAIL;
        }
        if parse.is_none() {
            spdk_log::errlog!(
                "Parse function is required when app-specific command line parameters are provided."
            );
            return SPDK_APP_PARSE_ARGS_FAIL;
        }
    }
    let short = crate::cstring(&format!("{app_short}{SPDK_APP_GETOPT_STRING}"));
    let rv = parse_loop(argc, argv, opts, &short, &long_opts, parse, usage_cb);
    if rv != SPDK_APP_PARSE_ARGS_SUCCESS {
        libc::free(opts.pci_blocked.cast());
        opts.pci_blocked = ptr::null_mut();
        libc::free(opts.pci_allowed.cast());
        opts.pci_allowed = ptr::null_mut();
        spdk_strarray_free(opts.rpc_allowlist.cast());
        opts.rpc_allowlist = ptr::null_mut();
    }
    rv
}

unsafe fn parse_loop(
    argc: c_int,
    argv: *mut *mut c_char,
    opts: &mut spdk_app_opts,
    short: &CStr,
    long_opts: &[libc::option],
    parse: Option<unsafe extern "C" fn(c_int, *mut c_char) -> c_int>,
    usage_cb: Option<unsafe extern "C" fn()>,
) -> spdk_app_parse_args_rvals_t {
    use spdk_app_parse_args_rvals::*;
    let fail_usage = || {
        usage(usage_cb);
        SPDK_APP_PARSE_ARGS_FAIL
    };
    loop {
        let mut idx: c_int = 0;
        let ch = libc::getopt_long(argc, argv, short.as_ptr(), long_opts.as_ptr(), &mut idx);
        if ch == -1 {
            return SPDK_APP_PARSE_ARGS_SUCCESS;
        }
        let arg = optarg;
        let text = || {
            if arg.is_null() {
                String::new()
            } else {
                CStr::from_ptr(arg).to_string_lossy().into_owned()
            }
        };
        match ch {
            c if c == b'c' as c_int || c == OPT_JSON => opts.json_config_file = arg,
            OPT_JSON_IGNORE_INIT_ERRORS => opts.json_config_ignore_errors = true,
            c if c == b'd' as c_int => opts.enable_coredump = false,
            c if c == b'e' as c_int => opts.tpoint_group_mask = arg,
            c if c == b'g' as c_int => opts.hugepage_single_segments = true,
            c if c == b'h' as c_int => {
                usage(usage_cb);
                return SPDK_APP_PARSE_ARGS_HELP;
            }
            c if c == b'i' as c_int => {
                let t = text();
                let (neg, digits) = match t.strip_prefix('-') {
                    Some(d) => (true, d.to_string()),
                    None => (false, t.clone()),
                };
                match parse_nonneg(&digits).filter(|v| *v <= c_int::MAX as i64) {
                    Some(v) => opts.shm_id = if neg { -(v as c_int) } else { v as c_int },
                    None => {
                        spdk_log::errlog!("Invalid shared memory ID {t}");
                        return SPDK_APP_PARSE_ARGS_FAIL;
                    }
                }
            }
            c if c == b'm' as c_int => {
                if !opts.lcore_map.is_null() {
                    spdk_log::errlog!("lcore map and core mask can't be set simultaneously");
                    return SPDK_APP_PARSE_ARGS_FAIL;
                }
                opts.reactor_mask = arg;
            }
            OPT_LCORES => {
                if !opts.reactor_mask.is_null() {
                    spdk_log::errlog!("lcore map and core mask can't be set simultaneously");
                    return SPDK_APP_PARSE_ARGS_FAIL;
                }
                opts.lcore_map = arg;
            }
            OPT_DISABLE_CPUMASK_LOCKS => opts.disable_cpumask_locks = true,
            c if c == b'n' as c_int => match parse_nonneg(&text()) {
                Some(v) if v <= c_int::MAX as i64 => opts.mem_channel = v as c_int,
                _ => {
                    spdk_log::errlog!("Invalid memory channel {}", text());
                    return SPDK_APP_PARSE_ARGS_FAIL;
                }
            },
            c if c == b'p' as c_int => match parse_nonneg(&text()) {
                Some(v) if v <= c_int::MAX as i64 => opts.main_core = v as c_int,
                _ => {
                    spdk_log::errlog!("Invalid main core {}", text());
                    return SPDK_APP_PARSE_ARGS_FAIL;
                }
            },
            OPT_SILENCE_NOTICELOG => {
                opts.print_level = LogLevelArg(spdk_log::LogLevel::Warn as c_int)
            }
            c if c == b'r' as c_int => opts.rpc_addr = arg,
            OPT_NO_RPC_SERVER => opts.rpc_addr = ptr::null(),
            OPT_ENFORCE_NUMA => opts.enforce_numa = true,
            c if c == b's' as c_int => match parse_capacity(&text()) {
                Some((v, prefixed)) => {
                    let mb = if prefixed { v / (1024 * 1024) } else { v };
                    if mb > c_int::MAX as u64 {
                        spdk_log::errlog!("invalid memory pool size `-s {}`", text());
                        return fail_usage();
                    }
                    opts.mem_size = mb as c_int;
                }
                None => {
                    spdk_log::errlog!("invalid memory pool size `-s {}`", text());
                    return fail_usage();
                }
            },
            OPT_MSG_MEMPOOL_SIZE => match text().trim().parse::<i64>() {
                Ok(v) if v > 0 => opts.msg_mempool_size = v as usize,
                _ => {
                    spdk_log::errlog!("Invalid message memory pool size {}", text());
                    return SPDK_APP_PARSE_ARGS_FAIL;
                }
            },
            c if c == b'u' as c_int => opts.no_pci = true,
            OPT_WAIT_FOR_RPC => opts.delay_subsystem_init = true,
            c if c == b'B' as c_int || c == b'A' as c_int => {
                let allowed = c == b'A' as c_int;
                let other = if allowed {
                    opts.pci_blocked
                } else {
                    opts.pci_allowed
                };
                if !other.is_null() {
                    spdk_log::errlog!("-B and -A cannot be used at the same time");
                    return fail_usage();
                }
                if !add_pci_addr(opts, allowed, arg) {
                    return SPDK_APP_PARSE_ARGS_FAIL;
                }
            }
            OPT_NO_HUGE => opts.no_huge = true,
            c if c == b'L' as c_int => {
                if spdk_log::set_flag(&text()).is_err() {
                    spdk_log::errlog!("unknown flag: {}", text());
                    return fail_usage();
                }
                if cfg!(debug_assertions) {
                    opts.print_level = LogLevelArg(spdk_log::LogLevel::Debug as c_int);
                }
            }
            c if c == b'R' as c_int => opts.unlink_hugepage = true,
            OPT_BASE_VIRTADDR => match parse_nonneg(&text()) {
                Some(v) if v > 0 => opts.base_virtaddr = v as u64,
                _ => {
                    spdk_log::errlog!("Invalid base-virtaddr {}", text());
                    return fail_usage();
                }
            },
            OPT_HUGE_DIR => opts.hugedir = arg,
            OPT_IOVA_MODE => opts.iova_mode = arg,
            OPT_NUM_TRACE_ENTRIES => match parse_nonneg(&text()) {
                Some(v) if v == 0 || (v as u64).is_power_of_two() => opts.num_entries = v as u64,
                Some(_) => {
                    spdk_log::errlog!("num-trace-entries must be power of 2");
                    return fail_usage();
                }
                None => {
                    spdk_log::errlog!("Invalid num-trace-entries {}", text());
                    return fail_usage();
                }
            },
            OPT_ENV_CONTEXT => opts.env_context = arg.cast(),
            OPT_RPCS_ALLOWED => {
                let list = spdk_strarray_from_string(arg, c",".as_ptr());
                if list.is_null() {
                    spdk_log::errlog!("Invalid --rpcs-allowed argument");
                    return fail_usage();
                }
                spdk_strarray_free(opts.rpc_allowlist.cast());
                opts.rpc_allowlist = list.cast();
            }
            OPT_VF_TOKEN => opts.vf_token = arg,
            OPT_INTERRUPT_MODE => opts.interrupt_mode = true,
            c if c == b'v' as c_int => {
                cprint(&format!("{}\n", spdk_rpc::version_string()));
                libc::fflush(stdout);
                return SPDK_APP_PARSE_ARGS_HELP;
            }
            c if c == b'?' as c_int => return fail_usage(),
            _ => {
                let Some(f) = parse else {
                    spdk_log::errlog!(
                        "Unsupported app-specific command line parameter '{}'.",
                        char::from_u32(ch as u32).unwrap_or('?')
                    );
                    return SPDK_APP_PARSE_ARGS_FAIL;
                };
                let rc = f(ch, arg);
                if rc != 0 {
                    spdk_log::errlog!(
                        "Parsing app-specific command line parameter '{}' failed: {rc}",
                        char::from_u32(ch as u32).unwrap_or('?')
                    );
                    return SPDK_APP_PARSE_ARGS_FAIL;
                }
            }
        }
    }
}
