//! spdk_nvme_perf: SPDK's NVMe benchmark on this library's NVMe driver.
mod api;
mod ctrlr;
mod getopt;
mod latency;
mod opts;
mod rand;
mod report;
mod run;
mod task;
mod usage;
mod worker;

// Counts allocations only inside count_allocations (the workers' runs).
#[global_allocator]
static GLOBAL: spdk_util::alloc_count::CountingAlloc = spdk_util::alloc_count::CountingAlloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let prog = args.first().cloned().unwrap_or_default();
    let rc = match opts::parse(&args) {
        Ok(o) => run::run(&o),
        Err(opts::Stop::Help { full }) => {
            print!(
                "{}",
                if full {
                    usage::full(&prog)
                } else {
                    usage::basic(&prog)
                }
            );
            0
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
            code
        }
    };
    if rc != 0 {
        eprintln!("{prog}: errors occurred");
    }
    std::process::exit(rc);
}
