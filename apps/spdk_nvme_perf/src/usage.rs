//! The help texts (-h, -v/--help-full) in SPDK's words, listing the
//! options this implementation runs with.

use spdk_nvme::ffi::nvme_util::spdk_nvme_trid_usage_opt as U;

/// The short help of -h.
pub fn basic(prog: &str) -> String {
    format!(
        "{prog} - NVMe Performance Testing Tool\n\n\
ESSENTIAL OPTIONS:\n\
\x20 -q, --io-depth <val>     Queue depth (required)\n\
\x20 -o, --io-size <val>      I/O size in bytes (required)\n\
\x20 -w, --io-pattern <type>  Workload: read, write, randread, randwrite, rw, randrw (required)\n\
\x20 -t, --time <sec>         Test duration in seconds (required)\n\
\x20 -r, --transport <fmt>    Target device/transport (required)\n\
\x20 -c, --core-mask <mask>   CPU core mask (default: 1)\n\
\n\
EXAMPLES:\n\
\x20 Local NVMe:  {prog} -q 64 -o 4k -w randread -t 60 -r 'trtype:PCIe traddr:0000:01:00.0'\n\
\x20 NVMe-oF TCP: {prog} -q 64 -o 4K -w randread -t 60 -r 'trtype:TCP adrfam:IPv4 traddr:192.168.1.100 trsvcid:4420'\n\
\n\
For complete options: {prog} --help-full or -v\n"
    )
}

/// The full help of -v and of errors.
pub fn full(prog: &str) -> String {
    let trid = spdk_nvme::trid::usage(
        U::SPDK_NVME_TRID_USAGE_OPT_LONGOPT as u32
            | U::SPDK_NVME_TRID_USAGE_OPT_MULTI as u32
            | U::SPDK_NVME_TRID_USAGE_OPT_NS as u32
            | U::SPDK_NVME_TRID_USAGE_OPT_HOSTNQN as u32,
    );
    format!(
        "{prog} options\n\n\
==== BASIC OPTIONS ====\n\n\
\t-q, --io-depth <val> io depth\n\
\t-o, --io-size <val> io size in bytes\n\
\t-w, --io-pattern <pattern> io pattern type, must be one of\n\
\t\t(read, write, randread, randwrite, rw, randrw)\n\
\t-M, --rwmixread <0-100> rwmixread (100 for reads, 0 for writes)\n\
\t-t, --time <sec> time in seconds\n\
\t-a, --warmup-time <sec> warmup time in seconds\n\
\t-c, --core-mask <mask> core mask for I/O submission/completion.\n\
\t\t(default: 1)\n\
{trid}\n\
==== ADVANCED OPTIONS ====\n\n\
\t--use-every-core for each namespace, I/Os are submitted from all cores\n\
\t--io-queue-size <val> size of NVMe IO queue. Default: maximum allowed by controller\n\
\t-O, --io-unit-size io unit size in bytes (4-byte aligned) for SPDK driver. default: same as io size\n\
\t-P, --num-qpairs <val> number of io queues per namespace. default: 1\n\
\t-U, --num-unused-qpairs <val> number of unused io queues per controller. default: 0\n\
\t-A, --buffer-alignment IO buffer alignment. Must be power of 2 and not less than cache line (64)\n\
\t-s, --hugemem-size <MB> DPDK huge memory size in MB.\n\
\t-g, --mem-single-seg use single file descriptor for DPDK memory segments\n\
\t-C, --max-completion-per-poll <val> max completions per poll\n\
\t\t(default: 0 - unlimited)\n\
\t-i, --shmem-grp-id <id> shared memory group ID\n\
\t-d, --number-ios <val> number of I/O to perform per thread on each namespace. Note: this is additional exit criteria.\n\
\t\t(default: 0 - unlimited)\n\
\t\tYou may also specify an integer percent of the namespace size as <N>% (e.g. -d 50% for 50% of the namespace size)\n\
\t-e, --metadata <fmt> metadata configuration\n\
\t\t Keys:\n\
\t\t  PRACT      Protection Information Action bit (PRACT=1 or PRACT=0)\n\
\t\t  PRCHK      Control of Protection Information Checking (PRCHK=GUARD|REFTAG|APPTAG)\n\
\t\t Example: -e 'PRACT=0,PRCHK=GUARD|REFTAG|APPTAG'\n\
\t\t          -e 'PRACT=1,PRCHK=GUARD'\n\
\t-F, --zipf <theta> use zipf distribution for random I/O\n\
\t--iova-mode <mode> specify DPDK IOVA mode: va|pa\n\
\t--no-huge, SPDK is run without hugepages\n\
\t--enforce-numa, SPDK is run with enforce-numa environment flag, useful to enforce NUMA restrictions on huge page allocations\n\
\n\
==== PCIe OPTIONS ====\n\n\
\t-b, --allowed-pci-addr <addr> allowed local PCIe device address\n\
\t\t Example: -b 0000:d8:00.0 -b 0000:d9:00.0\n\
\t-D, --disable-sq-cmb disable submission queue in controller memory buffer, default: enabled\n\
\n\
==== TCP OPTIONS ====\n\n\
\t-S, --default-sock-impl <impl> set the default sock impl, e.g. \"posix\"\n\
\t-k, --keepalive <ms> keep alive timeout period in millisecond\n\
\t-H, --enable-tcp-hdgst enable header digest for TCP transport, default: disabled\n\
\t-I, --enable-tcp-ddgst enable data digest for TCP transport, default: disabled\n\
\n\
==== LOGGING ====\n\n\
\t--log-level <level>   set log level (error, warning, notice, info, debug)\n\
\t                   (Note: use -T to enable component-specific logs)\n\
\t-L, --enable-sw-latency-tracking enable latency tracking via sw, default: disabled\n\
\t\t-L for latency summary, -LL for detailed histogram\n\
\t-l, --enable-ssd-latency-tracking enable latency tracking via ssd (if supported), default: disabled\n\
\t-N, --no-shst-notification no shutdown notification process for controllers, default: disabled\n\
\t-Q, --continue-on-error <val> Do not stop on error. Log I/O errors every N times (default: 1)\n\
\t-T, --logflag <flag> enable a debug log flag (see spdk_log_usage)\n\
\t-m, --cpu-usage display real-time overall cpu usage on used cores\n\
\n\n"
    )
}
