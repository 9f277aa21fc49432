//! spdk_nvme_identify: SPDK's controller and namespace report, on the NVMe
//! library's C API.

// Shared with spdk_nvme_perf, which uses more of them.
#[allow(dead_code, unused_imports)]
#[path = "../../spdk_nvme_perf/src/api.rs"]
mod api;
#[allow(dead_code)]
#[path = "../../spdk_nvme_perf/src/getopt.rs"]
mod getopt;

mod collect;
mod ctrlr;
mod data;
mod discovery;
mod fmt;
mod logs;
mod names;
mod ns;
mod opts;
mod run;

#[cfg(test)]
mod report_tests;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let prog = args.first().cloned().unwrap_or_default();
    let rc = match opts::parse(&args) {
        Ok(o) => run::run(&o),
        Err(opts::Stop::Help) => {
            print!("{}", opts::usage(&prog));
            0
        }
        Err(opts::Stop::Error { msg, usage, code }) => {
            if !msg.is_empty() {
                eprintln!("{msg}");
            }
            if usage {
                print!("{}", opts::usage(&prog));
            }
            code
        }
    };
    std::process::exit(rc);
}
