//! spdk_nvme_perf: SPDK's NVMe benchmark on this library's NVMe driver.
// The driver part (probe, queue pairs) comes when the NVMe library exports
// its controller API; until then only parsing and the printers are used.
#![allow(dead_code)]

mod getopt;
mod opts;
mod report;
mod usage;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let prog = args.first().cloned().unwrap_or_default();
    match opts::parse(&args) {
        Ok(_o) => {}
        Err(opts::Stop::Help { full }) => {
            print!(
                "{}",
                if full {
                    usage::full(&prog)
                } else {
                    usage::basic(&prog)
                }
            );
        }
        Err(opts::Stop::Error {
            msg,
            usage: u,
            code,
        }) => {
            if !msg.is_empty() {
                eprintln!("{msg}");
            }
            if u {
                print!("{}", usage::full(&prog));
            }
            eprintln!("{prog}: errors occurred");
            std::process::exit(code);
        }
    }
}
