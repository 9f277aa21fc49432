//! spdk_nvme_identify: SPDK's controller and namespace report.
// The driver part (probe, queue pairs) comes when the NVMe library exports
// its controller API; until then only parsing and the printers are used.
#![allow(dead_code)]

#[path = "../../spdk_nvme_perf/src/getopt.rs"]
mod getopt;

mod ctrlr;
mod data;
mod discovery;
mod fmt;
mod logs;
mod names;
mod ns;
mod opts;

#[cfg(test)]
mod report_tests;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let prog = args.first().cloned().unwrap_or_default();
    match opts::parse(&args) {
        Ok(_o) => {}
        Err(opts::Stop::Help) => print!("{}", opts::usage(&prog)),
        Err(opts::Stop::Error { msg, usage, code }) => {
            if !msg.is_empty() {
                eprintln!("{msg}");
            }
            if usage {
                print!("{}", opts::usage(&prog));
            }
            std::process::exit(code);
        }
    }
}
