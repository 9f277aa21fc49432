//! spdk_nvme_perf's command line: SPDK's option names, defaults, checks
//! and messages. Options this implementation cannot honour (kernel
//! devices, TLS, interrupts, tracing, ...) are refused by name rather than
//! silently ignored.

use std::ffi::CString;

use spdk_log::LogLevel;
use spdk_nvme::ffi::nvme::spdk_nvme_transport_type;
use spdk_nvme::ffi::nvme_util::{spdk_nvme_trid_entry, spdk_nvme_trid_entry_parse};
use spdk_nvme::spec::io_flags;
use spdk_util::string::{parse_capacity, strtol_checked};

use crate::getopt::{Getopt, HasArg, LongOpt};

/// Most -r options, as SPDK.
pub const MAX_TRID_ENTRY: usize = 256;
/// SPDK_CACHE_LINE_SIZE: the smallest buffer alignment -A takes.
pub const CACHE_LINE_SIZE: u32 = 64;

pub const GETOPT_SHORT: &str =
    "a:b:c:d:e:ghi:lmo:q:r:k:s:t:v:w:y:z:A:C:DEF:GHILM:NO:P:Q:RS:T:U:VZ:";

const fn lo(name: &'static str, has_arg: HasArg, val: i32) -> LongOpt {
    LongOpt { name, has_arg, val }
}
const R: HasArg = HasArg::Required;
const N: HasArg = HasArg::No;
const fn c(ch: u8) -> i32 {
    ch as i32
}

const TRANSPORT_STATS: i32 = 257;
const IOVA_MODE: i32 = 258;
const IO_QUEUE_SIZE: i32 = 259;
const DISABLE_KTLS: i32 = 260;
const ENABLE_KTLS: i32 = 261;
const TLS_VERSION: i32 = 262;
const PSK_PATH: i32 = 263;
const PSK_IDENTITY: i32 = 264;
const ZEROCOPY_THRESHOLD: i32 = 265;
const SOCK_IMPL: i32 = 266;
const TRANSPORT_TOS: i32 = 267;
const RDMA_SRQ_SIZE: i32 = 268;
const USE_EVERY_CORE: i32 = 269;
const NO_HUGE: i32 = 270;
const DHCHAP_PATH: i32 = 271;
const DHCHAP_CTRLR_PATH: i32 = 272;
const VFIO_VF_TOKEN: i32 = 273;
const LOG_LEVEL: i32 = 274;
const ENFORCE_NUMA: i32 = 275;

pub const LONG_OPTS: &[LongOpt] = &[
    lo("warmup-time", R, c(b'a')),
    lo("allowed-pci-addr", R, c(b'b')),
    lo("core-mask", R, c(b'c')),
    lo("metadata", R, c(b'e')),
    lo("mem-single-seg", N, c(b'g')),
    lo("help", N, c(b'h')),
    lo("shmem-grp-id", R, c(b'i')),
    lo("enable-ssd-latency-tracking", N, c(b'l')),
    lo("cpu-usage", N, c(b'm')),
    lo("io-size", R, c(b'o')),
    lo("io-depth", R, c(b'q')),
    lo("transport", R, c(b'r')),
    lo("keepalive", R, c(b'k')),
    lo("hugemem-size", R, c(b's')),
    lo("time", R, c(b't')),
    lo("number-ios", R, c(b'd')),
    lo("io-pattern", R, c(b'w')),
    lo("disable-zcopy", R, c(b'z')),
    lo("buffer-alignment", R, c(b'A')),
    lo("max-completion-per-poll", R, c(b'C')),
    lo("disable-sq-cmb", N, c(b'D')),
    lo("enable-interrupt", N, c(b'E')),
    lo("zipf", R, c(b'F')),
    lo("enable-debug", N, c(b'G')),
    lo("enable-tcp-hdgst", N, c(b'H')),
    lo("enable-tcp-ddgst", N, c(b'I')),
    lo("enable-sw-latency-tracking", N, c(b'L')),
    lo("rwmixread", R, c(b'M')),
    lo("no-shst-notification", N, c(b'N')),
    lo("io-unit-size", R, c(b'O')),
    lo("num-qpairs", R, c(b'P')),
    lo("continue-on-error", R, c(b'Q')),
    lo("enable-uring", N, c(b'R')),
    lo("default-sock-impl", R, c(b'S')),
    lo("logflag", R, c(b'T')),
    lo("num-unused-qpairs", R, c(b'U')),
    lo("enable-vmd", N, c(b'V')),
    lo("enable-zcopy", R, c(b'Z')),
    lo("tpoint-group-mask", R, c(b'y')),
    lo("transport-stats", N, TRANSPORT_STATS),
    lo("iova-mode", R, IOVA_MODE),
    lo("io-queue-size", R, IO_QUEUE_SIZE),
    lo("disable-ktls", N, DISABLE_KTLS),
    lo("enable-ktls", N, ENABLE_KTLS),
    lo("tls-version", R, TLS_VERSION),
    lo("psk-path", R, PSK_PATH),
    lo("psk-identity", R, PSK_IDENTITY),
    lo("zerocopy-threshold", R, ZEROCOPY_THRESHOLD),
    lo("zerocopy-threshold-sock-impl", R, SOCK_IMPL),
    lo("transport-tos", R, TRANSPORT_TOS),
    lo("rdma-srq-size", R, RDMA_SRQ_SIZE),
    lo("use-every-core", N, USE_EVERY_CORE),
    lo("no-huge", N, NO_HUGE),
    lo("dhchap-key", R, DHCHAP_PATH),
    lo("dhchap-ctrlr-key", R, DHCHAP_CTRLR_PATH),
    lo("vfio-vf-token", R, VFIO_VF_TOKEN),
    lo("log-level", R, LOG_LEVEL),
    lo("enforce-numa", N, ENFORCE_NUMA),
    lo("help-full", N, c(b'v')),
];

/// Everything the command line sets.
#[derive(Clone)]
pub struct Opts {
    /// The -r entries; a lone PCIe entry (all local controllers) when none
    /// was given.
    pub trids: Vec<spdk_nvme_trid_entry>,
    /// False when every -r is a fabrics one (the env needs no PCI).
    pub need_pci: bool,
    pub queue_depth: u32,
    pub io_size_bytes: u32,
    pub io_unit_size: u32,
    pub io_align: u32,
    /// The -w text without its "rand" prefix.
    pub workload_type: String,
    pub is_random: bool,
    /// Percentage of reads (100 read, 0 write).
    pub rw_percentage: i32,
    pub time_in_sec: u64,
    pub warmup_time_in_sec: u64,
    pub core_mask: Option<String>,
    pub nr_io_queues_per_ns: u32,
    pub nr_unused_io_queues: u32,
    pub io_queue_size: u32,
    pub max_completions: u32,
    pub number_ios: u64,
    pub number_ios_percent: u32,
    pub metacfg_pract_flag: u32,
    pub metacfg_prchk_flags: u32,
    pub zipf_theta: f64,
    pub use_every_core: bool,
    pub mem_size: i32,
    pub shm_id: i32,
    pub no_huge: bool,
    pub hugepage_single_segments: bool,
    pub iova_mode: Option<String>,
    pub enforce_numa: bool,
    pub allowed_pci: Vec<String>,
    pub header_digest: bool,
    pub data_digest: bool,
    pub keep_alive_timeout_ms: u32,
    /// 0 off, 1 summary (-L), 2 and more histogram (-LL).
    pub latency_sw_tracking_level: u32,
    pub latency_ssd_tracking: bool,
    pub no_shn_notification: bool,
    pub continue_on_error: bool,
    pub quiet_count: u32,
    pub log_level: LogLevel,
    pub monitor_perf_cores: bool,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            trids: Vec::new(),
            need_pci: true,
            queue_depth: 0,
            io_size_bytes: 0,
            io_unit_size: !3,
            io_align: 0x200,
            workload_type: String::new(),
            is_random: false,
            rw_percentage: -1,
            time_in_sec: 0,
            warmup_time_in_sec: 0,
            core_mask: None,
            nr_io_queues_per_ns: 1,
            nr_unused_io_queues: 0,
            io_queue_size: u16::MAX as u32,
            max_completions: 0,
            number_ios: 0,
            number_ios_percent: 0,
            metacfg_pract_flag: 0,
            metacfg_prchk_flags: 0,
            zipf_theta: 0.0,
            use_every_core: false,
            mem_size: -1,
            shm_id: -1,
            no_huge: false,
            hugepage_single_segments: false,
            iova_mode: None,
            enforce_numa: false,
            allowed_pci: Vec::new(),
            header_digest: false,
            data_digest: false,
            keep_alive_timeout_ms: 10_000,
            latency_sw_tracking_level: 0,
            latency_ssd_tracking: false,
            no_shn_notification: false,
            continue_on_error: false,
            quiet_count: 1,
            log_level: LogLevel::Error,
            monitor_perf_cores: false,
        }
    }
}

/// Why parsing stopped without options to run with.
#[derive(Debug, PartialEq, Eq)]
pub enum Stop {
    /// -h (short help) or -v (full help): print it, exit 0.
    Help { full: bool },
    /// An error: `msg` for stderr, then the full usage when `usage`, and
    /// the exit status SPDK's parse_args gives (a negative errno for some).
    Error { msg: String, usage: bool, code: i32 },
}

fn err(msg: impl Into<String>, usage: bool) -> Stop {
    Stop::Error {
        msg: msg.into(),
        usage,
        code: 1,
    }
}

/// spdk_strtol: a non-negative decimal or a negative errno.
fn strtol(s: &str) -> i64 {
    strtol_checked(s.as_bytes(), 10)
}

/// "N%" with N >= 1 (values above 100 allowed, as SPDK).
fn parse_percent(s: &str) -> Option<u32> {
    let digits = s.strip_suffix('%')?;
    let v: i64 = digits.trim_start().parse().ok()?;
    (1..=i32::MAX as i64).contains(&v).then_some(v as u32)
}

/// -e: "PRACT=0|1" and "PRCHK=GUARD|REFTAG|APPTAG" keys, SPDK's
/// separators (", \t\n") and messages.
pub fn parse_metadata(s: &str, o: &mut Opts) -> Result<(), String> {
    let sep = |ch: char| ", \t\n".contains(ch);
    let mut rest = s;
    loop {
        rest = rest.trim_start_matches(sep);
        if rest.is_empty() {
            return Ok(());
        }
        let Some((key, tail)) = rest.split_once('=') else {
            return Err("Key without '=' separator\nFailed to parse metadata".into());
        };
        if key.len() >= 32 {
            return Err(format!(
                "Key length {} is greater than maximum allowed 31\nFailed to parse metadata",
                key.len()
            ));
        }
        let vlen = tail.find(sep).unwrap_or(tail.len());
        if vlen == 0 {
            return Err("Key without value\nFailed to parse metadata".into());
        }
        let val = &tail[..vlen];
        match key {
            "PRACT" if val.starts_with('1') => o.metacfg_pract_flag = io_flags::PRACT,
            "PRACT" => {}
            "PRCHK" => {
                for (name, flag) in [
                    ("GUARD", io_flags::PRCHK_GUARD),
                    ("REFTAG", io_flags::PRCHK_REFTAG),
                    ("APPTAG", io_flags::PRCHK_APPTAG),
                ] {
                    if val.contains(name) {
                        o.metacfg_prchk_flags |= flag;
                    }
                }
            }
            _ => eprintln!("Unknown key '{key}'"),
        }
        rest = &tail[vlen..];
    }
}

/// Parses a -r string with spdk_nvme_trid_entry_parse (the C function SPDK
/// programs use).
pub fn parse_trid(s: &str) -> Option<spdk_nvme_trid_entry> {
    let cs = CString::new(s).ok()?;
    let mut e = spdk_nvme_trid_entry::default();
    // SAFETY: a valid entry and a NUL-terminated string.
    let rc = unsafe { spdk_nvme_trid_entry_parse(&mut e, cs.as_ptr()) };
    (rc == 0).then_some(e)
}

fn log_level(s: &str) -> Option<LogLevel> {
    Some(match s {
        "error" => LogLevel::Error,
        "warning" => LogLevel::Warn,
        "notice" => LogLevel::Notice,
        "info" => LogLevel::Info,
        "debug" => LogLevel::Debug,
        _ => return None,
    })
}

/// Options SPDK has that this implementation refuses, with the reason.
fn unsupported(op: i32) -> Option<&'static str> {
    Some(match op {
        x if x == c(b'E') => "interrupt mode is not supported by this NVMe driver",
        x if x == c(b'y') => "tracing is not supported",
        x if x == c(b'z') || x == c(b'Z') || x == ZEROCOPY_THRESHOLD || x == SOCK_IMPL => {
            "zero-copy socket options are not supported (the TCP transport uses kernel sockets)"
        }
        DISABLE_KTLS | ENABLE_KTLS | TLS_VERSION | PSK_PATH | PSK_IDENTITY => {
            "TLS (the ssl sock implementation) is not supported"
        }
        DHCHAP_PATH | DHCHAP_CTRLR_PATH => "DH-HMAC-CHAP is not supported",
        TRANSPORT_TOS | RDMA_SRQ_SIZE => "the RDMA transport is not supported",
        TRANSPORT_STATS => "transport statistics are not supported",
        VFIO_VF_TOKEN => "SR-IOV VF tokens are not supported",
        x if x == c(b'V') => "VMD is not supported",
        _ => return None,
    })
}

/// Parses the command line as SPDK's parse_args does.
pub fn parse(args: &[String]) -> Result<Opts, Stop> {
    let prog = args.first().map_or("spdk_nvme_perf", |s| s.as_str());
    let mut o = Opts::default();
    let mut mix_specified = false;
    let mut log_level_set = false;
    let mut debug_implied = false;
    let mut g = Getopt::new(args, GETOPT_SHORT, LONG_OPTS);
    while let Some(r) = g.next_opt() {
        let (op, arg) = r.map_err(|m| err(m, true))?;
        let a = arg.unwrap_or_default();
        if let Some(why) = unsupported(op) {
            return Err(err(format!("{prog}: {why}"), false));
        }
        match op {
            _ if [b'a', b'i', b'C', b'P', b'k', b't', b'M', b'U', b'Q']
                .iter()
                .any(|&ch| op == c(ch)) =>
            {
                let v = strtol(&a);
                if v < 0 {
                    return Err(Stop::Error {
                        msg: "Converting a string to integer failed".into(),
                        usage: false,
                        code: v as i32,
                    });
                }
                let v32 = v.min(u32::MAX as i64) as u32;
                match op as u8 {
                    b'a' => o.warmup_time_in_sec = v as u64,
                    b'i' => o.shm_id = v.min(i32::MAX as i64) as i32,
                    b'C' => o.max_completions = v32,
                    b'P' => o.nr_io_queues_per_ns = v32,
                    b'k' => o.keep_alive_timeout_ms = v32,
                    b't' => o.time_in_sec = v as u64,
                    b'M' => {
                        o.rw_percentage = v.min(i32::MAX as i64) as i32;
                        mix_specified = true;
                    }
                    b'U' => o.nr_unused_io_queues = v32,
                    _ => {
                        o.quiet_count = v32;
                        o.continue_on_error = true;
                    }
                }
            }
            _ if op == c(b'd') && a.contains('%') => match parse_percent(&a) {
                Some(p) => o.number_ios_percent = p,
                None => {
                    return Err(err(
                        format!("Invalid percent value for --number-ios: {a}"),
                        false,
                    ))
                }
            },
            _ if [b'o', b'O', b'A', b's', b'd', b'q']
                .iter()
                .any(|&ch| op == c(ch))
                || op == IO_QUEUE_SIZE =>
            {
                let Ok((v, _)) = parse_capacity(a.as_bytes()) else {
                    return Err(err("Converting a string to integer failed", false));
                };
                let v32 = v as u32;
                match op {
                    IO_QUEUE_SIZE => o.io_queue_size = v32,
                    _ => match op as u8 {
                        b'o' => o.io_size_bytes = v32,
                        b'O' => o.io_unit_size = v32,
                        b'q' => o.queue_depth = v32,
                        b's' => o.mem_size = v as i32,
                        b'd' => o.number_ios = v,
                        _ => {
                            if !v32.is_power_of_two() || v32 < CACHE_LINE_SIZE {
                                return Err(err(
                                    format!(
                                        "Wrong alignment {v32}. Must be power of 2 and not less than cache lize ({CACHE_LINE_SIZE})"
                                    ),
                                    true,
                                ));
                            }
                            o.io_align = v32;
                        }
                    },
                }
            }
            _ if op == c(b'F') => match a.trim().parse::<f64>() {
                Ok(t) if t >= 0.0 && t.is_finite() => o.zipf_theta = t,
                _ => return Err(err(format!("Illegal zipf theta value {a}"), false)),
            },
            _ if op == c(b'b') => {
                if o.allowed_pci.len() >= 128 {
                    return Err(err(
                        "Currently we only support allowed PCI device num=128",
                        true,
                    ));
                }
                o.allowed_pci.push(a);
            }
            _ if op == c(b'c') => o.core_mask = Some(a),
            _ if op == c(b'e') => {
                if let Err(m) = parse_metadata(&a, &mut o) {
                    return Err(err(m, true));
                }
            }
            _ if op == c(b'g') => o.hugepage_single_segments = true,
            _ if op == c(b'l') => o.latency_ssd_tracking = true,
            _ if op == c(b'm') => o.monitor_perf_cores = true,
            _ if op == c(b'r') => {
                if o.trids.len() == MAX_TRID_ENTRY {
                    return Err(err(
                        format!(
                            "Number of Transport ID specified with -r is limited to {MAX_TRID_ENTRY}"
                        ),
                        false,
                    ));
                }
                match parse_trid(&a) {
                    Some(e) => o.trids.push(e),
                    None => return Err(err(String::new(), true)),
                }
            }
            _ if op == c(b'w') => o.workload_type = a,
            _ if op == c(b'D') => {} // no CMB: submission queues are never in one
            _ if op == c(b'H') => o.header_digest = true,
            _ if op == c(b'I') => o.data_digest = true,
            _ if op == c(b'L') => o.latency_sw_tracking_level += 1,
            _ if op == c(b'N') => o.no_shn_notification = true,
            _ if op == c(b'G') => {
                return Err(err(
                    format!("{prog} must be configured with --enable-debug for -G flag"),
                    true,
                ))
            }
            _ if op == c(b'R') => {
                return Err(err(
                    format!("{prog} must be rebuilt with CONFIG_URING=y for -R flag."),
                    true,
                ))
            }
            _ if op == c(b'T') => {
                if spdk_log::set_flag(&a).is_err() {
                    return Err(err("unknown flag", true));
                }
                debug_implied = true;
            }
            _ if op == c(b'S') => {
                if a != "posix" {
                    return Err(err(
                        format!(
                            "spdk_sock_set_default_impl() failed to set sock impl {a}, rc -22: Invalid argument"
                        ),
                        false,
                    ));
                }
            }
            USE_EVERY_CORE => o.use_every_core = true,
            IOVA_MODE => o.iova_mode = Some(a),
            NO_HUGE => o.no_huge = true,
            ENFORCE_NUMA => o.enforce_numa = true,
            LOG_LEVEL => match log_level(&a) {
                Some(l) => {
                    o.log_level = l;
                    log_level_set = true;
                }
                None => return Err(err(format!("unknown log level {a}"), false)),
            },
            _ if op == c(b'h') => return Err(Stop::Help { full: false }),
            _ if op == c(b'v') => return Err(Stop::Help { full: true }),
            _ => return Err(err(String::new(), true)),
        }
    }
    check(&mut o, mix_specified)?;
    if !log_level_set && debug_implied {
        o.log_level = LogLevel::Debug;
    }
    if o.trids.is_empty() {
        // Every local PCIe controller.
        o.trids
            .push(parse_trid("trtype:PCIe").ok_or_else(|| err("", false))?);
    } else {
        o.need_pci = o
            .trids
            .iter()
            .any(|e| e.trid.trtype.0 == spdk_nvme_transport_type::SPDK_NVME_TRANSPORT_PCIE as i32);
    }
    Ok(o)
}

/// The checks after the options, in SPDK's order.
fn check(o: &mut Opts, mix_specified: bool) -> Result<(), Stop> {
    if o.nr_io_queues_per_ns == 0 {
        return Err(err("", true));
    }
    if o.queue_depth == 0 {
        return Err(err("missing -q (--io-depth) operand", true));
    }
    if o.io_size_bytes == 0 {
        return Err(err("missing -o (--io-size) operand", true));
    }
    if o.io_unit_size == 0 || !o.io_unit_size.is_multiple_of(4) {
        return Err(err(
            "io unit size can not be 0 or non 4-byte aligned",
            false,
        ));
    }
    if o.workload_type.is_empty() {
        return Err(err("missing -w (--io-pattern) operand", true));
    }
    if o.time_in_sec == 0 {
        return Err(err("missing -t (--time) operand", true));
    }
    if o.quiet_count == 0 {
        return Err(err(
            "-Q (--continue-on-error) value must be greater than 0",
            true,
        ));
    }
    if let Some(rest) = o.workload_type.strip_prefix("rand") {
        o.is_random = true;
        o.workload_type = rest.to_string();
    }
    match o.workload_type.as_str() {
        "read" | "write" => {
            o.rw_percentage = if o.workload_type == "read" { 100 } else { 0 };
            if mix_specified {
                eprintln!(
                    "Ignoring -M (--rwmixread) option... Please use -M option only when using rw or randrw."
                );
            }
        }
        "rw" => {
            if !(0..=100).contains(&o.rw_percentage) {
                return Err(err(
                    "-M (--rwmixread) must be specified to value from 0 to 100 for rw or randrw.",
                    false,
                ));
            }
        }
        _ => {
            return Err(err(
                "-w (--io-pattern) io pattern type must be one of\n(read, write, randread, randwrite, rw, randrw)",
                false,
            ))
        }
    }
    if (o.number_ios != 0 || o.number_ios_percent != 0) && o.warmup_time_in_sec != 0 {
        return Err(err(
            "-d (--number-ios) with -a (--warmup-time) is not supported",
            false,
        ));
    }
    if o.number_ios != 0 && o.number_ios < o.queue_depth as u64 {
        return Err(err(
            "-d (--number-ios) less than -q (--io-depth) is not supported",
            false,
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "opts_tests.rs"]
mod tests;
