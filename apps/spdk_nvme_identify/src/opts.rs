//! spdk_nvme_identify's command line: SPDK's options, defaults and
//! messages.

use std::ffi::CString;

use spdk_nvme::ffi::nvme_util::{spdk_nvme_trid_entry, spdk_nvme_trid_entry_parse};
use spdk_util::string::strtol_checked;

use crate::getopt::{Getopt, HasArg, LongOpt};

pub const GETOPT_STRING: &str = "d:gi:op:r:v:xz::HL:S:Vs:";
const NO_HUGE: i32 = 257;
pub const LONG_OPTS: &[LongOpt] = &[LongOpt {
    name: "no-huge",
    has_arg: HasArg::No,
    val: NO_HUGE,
}];

#[derive(Clone)]
pub struct Opts {
    /// The -r transport ID (PCIe, all controllers, by default).
    pub trid: spdk_nvme_trid_entry,
    pub hex_dump: bool,
    pub mem_size: i32,
    pub shm_id: i32,
    pub main_core: i32,
    pub core_mask: String,
    pub single_seg: bool,
    pub iova_mode: Option<String>,
    pub no_huge: bool,
    /// Zones to list per ZNS namespace (0: all).
    pub zone_report_limit: i64,
}

/// Why parsing stopped.
#[derive(Debug, PartialEq, Eq)]
pub enum Stop {
    /// -H: print the usage, exit 0.
    Help,
    /// A message for stderr, the usage after it when `usage`, the exit
    /// status.
    Error { msg: String, usage: bool, code: i32 },
}

fn err(msg: impl Into<String>, usage: bool, code: i32) -> Stop {
    Stop::Error {
        msg: msg.into(),
        usage,
        code,
    }
}

fn parse_trid(e: &mut spdk_nvme_trid_entry, s: &str) -> bool {
    let Ok(cs) = CString::new(s) else {
        return false;
    };
    // SAFETY: a valid entry and a NUL-terminated string.
    unsafe { spdk_nvme_trid_entry_parse(e, cs.as_ptr()) == 0 }
}

/// Parses the command line as SPDK's identify does.
pub fn parse(args: &[String]) -> Result<Opts, Stop> {
    let prog = args.first().map_or("spdk_nvme_identify", |s| s.as_str());
    let mut o = Opts {
        trid: spdk_nvme_trid_entry::default(),
        hex_dump: false,
        mem_size: 0,
        shm_id: -1,
        main_core: 0,
        core_mask: "0x1".into(),
        single_seg: false,
        iova_mode: None,
        no_huge: false,
        zone_report_limit: 8,
    };
    if !parse_trid(&mut o.trid, "trtype:PCIe") {
        return Err(err("", false, 1));
    }
    let mut g = Getopt::new(args, GETOPT_STRING, LONG_OPTS);
    while let Some(r) = g.next_opt() {
        let (op, arg) = r.map_err(|m| err(m, true, 1))?;
        let a = arg.clone().unwrap_or_default();
        let num = || strtol_checked(a.as_bytes(), 10);
        match op {
            NO_HUGE => o.no_huge = true,
            _ => match op as u8 {
                b'd' => {
                    let v = num();
                    if v < 0 {
                        return Err(err("Invalid DPDK memory size", false, v as i32));
                    }
                    o.mem_size = v.min(i32::MAX as i64) as i32;
                }
                b'g' => o.single_seg = true,
                b'i' => {
                    let v = num();
                    if v < 0 {
                        return Err(err("Invalid shared memory ID", false, v as i32));
                    }
                    o.shm_id = v.min(i32::MAX as i64) as i32;
                }
                // OCSSD chunk details: there are no Open-Channel SSDs here.
                b'o' => {}
                b'p' => {
                    let v = num();
                    if v < 0 {
                        return Err(err("Invalid core number", false, v as i32));
                    }
                    if v > 63 {
                        return Err(err("Invalid core number", false, -libc::EINVAL));
                    }
                    o.main_core = v as i32;
                    o.core_mask = format!("0x{:x}", 1u64 << v);
                }
                b'r' => {
                    if !parse_trid(&mut o.trid, &a) {
                        return Err(err("", true, 1));
                    }
                }
                b'v' => o.iova_mode = Some(a),
                b'x' => o.hex_dump = true,
                b'z' => {
                    let v = match arg {
                        Some(_) => num(),
                        None => match g.peek_operand() {
                            Some(n) => {
                                g.skip();
                                strtol_checked(n.as_bytes(), 10)
                            }
                            None => 0,
                        },
                    };
                    if v < 0 {
                        return Err(err("Invalid Zone Report limit", false, v as i32));
                    }
                    o.zone_report_limit = v;
                }
                b'L' => {
                    if spdk_log::set_flag(&a).is_err() {
                        return Err(err("unknown flag", true, 1));
                    }
                }
                b'H' => return Err(Stop::Help),
                b'V' => return Err(err(format!("{prog} -V requires CONFIG_VMD=y"), true, 1)),
                b'S' => {
                    // The TCP transport uses the kernel's sockets ("posix").
                    if a != "posix" {
                        return Err(err("Invalid socket implementation", false, 1));
                    }
                }
                b's' => {
                    let v = num();
                    if v < 0 {
                        return Err(err(
                            "converting a string to integer failed",
                            false,
                            -libc::EINVAL,
                        ));
                    }
                    o.mem_size = v.min(i32::MAX as i64) as i32;
                }
                _ => return Err(err("", true, 1)),
            },
        }
    }
    Ok(o)
}

/// The usage text of -H and of errors.
pub fn usage(prog: &str) -> String {
    use spdk_nvme::ffi::nvme_util::spdk_nvme_trid_usage_opt as U;
    let trid = spdk_nvme::trid::usage(U::SPDK_NVME_TRID_USAGE_OPT_HOSTNQN as u32);
    format!(
        "{prog} [options]\noptions:\n{trid}\
\t-L         enable a debug log flag\n\
\t-i         shared memory group ID\n\
\t-p         core number in decimal to run this application which started from 0\n\
\t-d         DPDK huge memory size in MB\n\
\t-g         use single file descriptor for DPDK memory segments\n\
\t-v         IOVA mode ('pa' or 'va')\n\
\t-x         print hex dump of raw data\n\
\t-z         For NVMe Zoned Namespaces, dump the full zone report (-z) or the first N entries (-z N)\n\
\t-S         socket implementation, e.g. -S uring (default is posix)\n\
\t-s         memory size in MB for DPDK\n\
\t--no-huge  SPDK is run without hugepages\n\
\t-H         show this usage\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(a: &[&str]) -> Result<Opts, Stop> {
        let v: Vec<String> = std::iter::once("identify")
            .chain(a.iter().copied())
            .map(String::from)
            .collect();
        parse(&v)
    }

    fn cstr(b: &[core::ffi::c_char]) -> String {
        let v: Vec<u8> = b
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn options() {
        let o = run(&[]).ok().unwrap();
        assert_eq!(cstr(&o.trid.trid.traddr), "");
        assert_eq!(
            (o.core_mask.as_str(), o.zone_report_limit, o.hex_dump),
            ("0x1", 8, false)
        );
        let o = run(&[
            "-r",
            "trtype:TCP adrfam:IPv4 traddr:127.0.0.1 trsvcid:24420 subnqn:nqn.a hostnqn:nqn.h",
            "-x",
            "-p",
            "1",
            "-z",
            "3",
            "--no-huge",
            "-d",
            "64",
            "-S",
            "posix",
        ])
        .ok()
        .unwrap();
        assert_eq!(cstr(&o.trid.trid.traddr), "127.0.0.1");
        assert_eq!(cstr(&o.trid.trid.subnqn), "nqn.a");
        assert_eq!(cstr(&o.trid.hostnqn), "nqn.h");
        assert!(o.hex_dump && o.no_huge);
        assert_eq!((o.main_core, o.core_mask.as_str()), (1, "0x2"));
        assert_eq!((o.zone_report_limit, o.mem_size), (3, 64));
        assert_eq!(run(&["-z"]).ok().unwrap().zone_report_limit, 0);
        assert_eq!(run(&["-z5", "-x"]).ok().unwrap().zone_report_limit, 5);
    }

    #[test]
    fn errors() {
        let e = |a: &[&str]| match run(a) {
            Err(Stop::Error { msg, usage, code }) => (msg, usage, code),
            _ => panic!("{a:?} parsed"),
        };
        assert_eq!(run(&["-H"]).err(), Some(Stop::Help));
        assert_eq!(
            e(&["-d", "x"]),
            ("Invalid DPDK memory size".into(), false, -22)
        );
        assert_eq!(e(&["-p", "-1"]).0, "Invalid core number");
        assert!(e(&["-r", "traddr"]).1);
        assert_eq!(e(&["-V"]).0, "identify -V requires CONFIG_VMD=y");
        assert_eq!(e(&["-S", "uring"]).0, "Invalid socket implementation");
        assert_eq!(e(&["-q"]).0, "identify: invalid option -- 'q'");
        assert_eq!(e(&["-L", "no_such_flag_x"]).0, "unknown flag");
    }
}
