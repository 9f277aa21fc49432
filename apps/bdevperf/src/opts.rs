//! bdevperf's own command line options (after the app framework's), the
//! checks SPDK's verify_test_params makes, and the usage text.

use std::ffi::{c_char, c_int, CStr, CString};
use std::sync::{Mutex, MutexGuard};

use spdk::util::ffi::string::{spdk_parse_capacity, spdk_strtoll};

use crate::workload::{Workload, PATTERN_TYPES};

/// The getopt string: SPDK's options that this bdevperf implements.
pub const GETOPT: &CStr = c"Zzfq:o:t:w:CEHJ:M:P:S:T:U";

/// SPDK's limit of a bdev large buffer, above which zcopy is not used.
pub const LARGE_BUF_MAX_SIZE: i64 = 64 * 1024;

pub struct Opts {
    pub workload_type: Option<String>,
    pub io_size: i64,
    /// -1 until given: rw and randrw need it.
    pub rw_percentage: i64,
    pub mix_specified: bool,
    pub queue_depth: u32,
    pub time_in_sec: i64,
    pub time_in_usec: u64,
    pub continue_on_failure: bool,
    pub zcopy: bool,
    pub wait_for_tests: bool,
    /// -C: every core runs a job on each bdev.
    pub multithread: bool,
    /// -E: one SPDK thread per core shared by the jobs of that core.
    pub one_thread_per_lcore: bool,
    pub job_bdev_name: Option<String>,
    /// No -S: one running IOPS line per second instead of job tables.
    pub summarize: bool,
    pub period_usec: u64,
    pub ema_period: u64,
    pub unique_writes: bool,
    pub rpc_log_file: Option<CString>,
}

static OPTS: Mutex<Opts> = Mutex::new(Opts {
    workload_type: None,
    io_size: 0,
    rw_percentage: -1,
    mix_specified: false,
    queue_depth: 0,
    time_in_sec: 0,
    time_in_usec: 0,
    continue_on_failure: false,
    zcopy: false,
    wait_for_tests: false,
    multithread: false,
    one_thread_per_lcore: false,
    job_bdev_name: None,
    summarize: true,
    period_usec: 1_000_000,
    ema_period: 0,
    unique_writes: false,
    rpc_log_file: None,
});

/// The options; not used on the I/O path (jobs copy what they need).
pub fn opts() -> MutexGuard<'static, Opts> {
    OPTS.lock().unwrap_or_else(|e| e.into_inner())
}

/// `-o`: a size with an optional k/m/g suffix, as spdk_parse_capacity.
pub fn parse_io_size(o: &mut Opts, arg: &str) -> Result<(), ()> {
    let c = CString::new(arg).map_err(|_| ())?;
    let mut size = 0u64;
    // SAFETY: a NUL-terminated string and a valid output pointer.
    let rc = unsafe { spdk_parse_capacity(c.as_ptr(), &mut size, std::ptr::null_mut()) };
    if rc != 0 || size > i32::MAX as u64 {
        eprintln!("Invalid IO size: {arg}");
        return Err(());
    }
    o.io_size = size as i64;
    Ok(())
}

/// The option callback of spdk_app_parse_args.
pub unsafe extern "C" fn parse_arg(ch: c_int, arg: *mut c_char) -> c_int {
    let v = if arg.is_null() {
        String::new()
    } else {
        CStr::from_ptr(arg).to_string_lossy().into_owned()
    };
    let mut o = opts();
    let ch = ch as u8;
    match ch {
        b'w' => o.workload_type = Some(v),
        b'T' => o.job_bdev_name = Some(v),
        b'z' => o.wait_for_tests = true,
        b'Z' => o.zcopy = true,
        b'C' => o.multithread = true,
        b'f' => o.continue_on_failure = true,
        // Buffers come from the same allocator either way.
        b'H' => {}
        b'E' => o.one_thread_per_lcore = true,
        b'J' => o.rpc_log_file = CString::new(v).ok(),
        b'U' => o.unique_writes = true,
        b'o' => {
            if parse_io_size(&mut o, &v).is_err() {
                return -libc::EINVAL;
            }
        }
        _ => {
            let tmp = spdk_strtoll(arg, 10);
            if tmp < 0 {
                eprintln!("Parse failed for the option {}.", ch as char);
                return tmp as c_int;
            } else if tmp >= i32::MAX as i64 {
                eprintln!("Parsed option was too large {}.", ch as char);
                return -libc::ERANGE;
            }
            match ch {
                b'q' => o.queue_depth = tmp as u32,
                b't' => o.time_in_sec = tmp,
                b'M' => {
                    o.rw_percentage = tmp;
                    o.mix_specified = true;
                }
                b'P' => o.ema_period = tmp as u64,
                b'S' => {
                    o.summarize = false;
                    o.period_usec = tmp as u64 * 1_000_000;
                }
                _ => return -libc::EINVAL,
            }
        }
    }
    0
}

/// bdevperf's part of the usage text.
pub unsafe extern "C" fn usage() {
    let text = format!(
        " -q <depth>                io depth\n\
         \x20-o <size>                 io size in bytes\n\
         \x20-w <type>                 io pattern type, must be one of {PATTERN_TYPES}\n\
         \x20-t <time>                 time in seconds\n\
         \x20-M <percent>              rwmixread (100 for reads, 0 for writes)\n\
         \x20-P <num>                  number of moving average period\n\
         \t\t(If set to n, show weighted mean of the previous n IO/s in real time)\n\
         \t\t(Formula: M = 2 / (n + 1), EMA[i+1] = IO/s * M + (1 - M) * EMA[i])\n\
         \t\t(only valid with -S)\n\
         \x20-S <period>               show performance result in real time every <period> seconds\n\
         \x20-T <bdev>                 bdev to run against. Default: all available bdevs.\n\
         \x20-f                        continue processing I/O even after failures\n\
         \x20-Z                        enable using zcopy bdev API for read or write I/O (not supported here)\n\
         \x20-z                        start bdevperf, but wait for perform_tests RPC to start tests\n\
         \x20-C                        enable every core to send I/Os to each bdev\n\
         \x20-E                        share per lcore thread among jobs\n\
         \x20-J                        File name to open with append mode and log JSON RPC calls.\n\
         \x20-U                        generate unique data for each write I/O, has no effect on non-write I/O\n\
         \x20-H                        allocate non-huge data buffers\n"
    );
    print!("{text}");
}

/// SPDK's verify_test_params: whether the options make a test; sets the
/// run time in microseconds and the derived flags.
pub fn verify_test_params(o: &mut Opts) -> bool {
    if o.queue_depth == 0 || o.io_size <= 0 || o.time_in_sec <= 0 {
        return false;
    }
    let Some(name) = o.workload_type.clone() else {
        return false;
    };
    o.time_in_usec = o.time_in_sec as u64 * 1_000_000;
    if o.ema_period > 0 && o.summarize {
        eprintln!("-P option must be specified with -S option");
        return false;
    }
    if o.io_size > LARGE_BUF_MAX_SIZE {
        println!(
            "I/O size of {} is greater than zero copy threshold ({}).",
            o.io_size, LARGE_BUF_MAX_SIZE
        );
        println!("Zero copy mechanism will not be used.");
        o.zcopy = false;
    }
    let Some(w) = Workload::parse(&name) else {
        eprintln!("rw must be one of\n{PATTERN_TYPES}");
        return false;
    };
    if matches!(w, Workload::Verify | Workload::Reset) {
        o.rw_percentage = 50;
    }
    if w.mixed() {
        if !(0..=100).contains(&o.rw_percentage) {
            eprintln!("-M must be specified to value from 0 to 100 for rw or randrw.");
            return false;
        }
    } else if o.mix_specified {
        eprintln!("Ignoring -M option... Please use -M option only when using rw or randrw.");
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Opts {
        Opts {
            workload_type: Some("randread".into()),
            io_size: 4096,
            rw_percentage: -1,
            mix_specified: false,
            queue_depth: 8,
            time_in_sec: 1,
            time_in_usec: 0,
            continue_on_failure: false,
            zcopy: false,
            wait_for_tests: false,
            multithread: false,
            one_thread_per_lcore: false,
            job_bdev_name: None,
            summarize: true,
            period_usec: 1_000_000,
            ema_period: 0,
            unique_writes: false,
            rpc_log_file: None,
        }
    }

    #[test]
    fn checks() {
        let mut o = base();
        assert!(verify_test_params(&mut o));
        assert_eq!(o.time_in_usec, 1_000_000);
        o.workload_type = Some("randrw".into());
        assert!(!verify_test_params(&mut o), "randrw needs -M");
        o.rw_percentage = 70;
        assert!(verify_test_params(&mut o));
        o.rw_percentage = 101;
        assert!(!verify_test_params(&mut o));
        let mut o = base();
        o.queue_depth = 0;
        assert!(!verify_test_params(&mut o));
        let mut o = base();
        o.workload_type = Some("bogus".into());
        assert!(!verify_test_params(&mut o));
        let mut o = base();
        o.ema_period = 3;
        assert!(!verify_test_params(&mut o), "-P without -S");
    }

    #[test]
    fn io_size_suffixes() {
        let mut o = base();
        assert!(parse_io_size(&mut o, "4k").is_ok());
        assert_eq!(o.io_size, 4096);
        assert!(parse_io_size(&mut o, "128K").is_ok());
        assert_eq!(o.io_size, 128 * 1024);
        assert!(parse_io_size(&mut o, "x").is_err());
    }
}
