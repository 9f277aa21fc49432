//! The end-of-run report in SPDK's layout: the results table (IOPS, MiB/s,
//! average/min/max latency per namespace and core, then the total), the
//! latency percentiles of -L and the histogram of -LL.

use std::fmt::Write;

use spdk_util::histogram::Histogram;

/// SPDK's percentile cut-offs of the latency summary.
pub const LATENCY_CUTOFFS: [f64; 15] = [
    0.01, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999, 0.99999, 0.999999,
    0.9999999,
];

/// The counters of one namespace on one core.
pub struct NsResult<'a> {
    pub name: &'a str,
    pub lcore: u32,
    pub io_completed: u64,
    pub total_tsc: u64,
    pub min_tsc: u64,
    pub max_tsc: u64,
    pub histogram: &'a Histogram,
}

/// What the report needs besides the counters.
pub struct RunInfo {
    pub elapsed_usec: u64,
    pub io_size_bytes: u32,
    pub tsc_rate: u64,
    pub latency_level: u32,
}

fn us(tsc: f64, rate: u64) -> f64 {
    tsc * 1000.0 * 1000.0 / rate as f64
}

/// Calls `f(start, end, count, total, so_far)` for every bucket, as
/// spdk_histogram_data_iterate does.
pub fn iterate(h: &Histogram, mut f: impl FnMut(u64, u64, u64, u64, u64)) {
    let total: u64 = h.buckets().iter().sum();
    let mut so_far = 0;
    for (i, &count) in h.buckets().iter().enumerate() {
        so_far += count;
        let (start, end) = h.bucket_bounds(i);
        f(start, end, count, total, so_far);
    }
}

/// The results table and, with -L/-LL, the latency data.
pub fn performance(out: &mut String, rows: &[NsResult], run: &RunInfo) {
    let rate = run.tsc_rate.max(1);
    let w = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let rule = "=".repeat(56);
    let _ = writeln!(out, "{rule}");
    let _ = writeln!(out, "{:>1$}", "Latency(us)", w + 60);
    let _ = writeln!(
        out,
        "{:<w2$}: {:>10} {:>10} {:>10} {:>10} {:>10}",
        "Device Information",
        "IOPS",
        "MiB/s",
        "Average",
        "min",
        "max",
        w2 = w + 13
    );
    let (mut tot_iops, mut tot_mb, mut tot_ios, mut tot_tsc) = (0.0, 0.0, 0u64, 0u64);
    let (mut min_all, mut max_all) = (u64::MAX as f64, 0.0f64);
    let mut count = 0;
    for r in rows.iter().filter(|r| r.io_completed != 0) {
        let iops = r.io_completed as f64 * 1000.0 * 1000.0 / run.elapsed_usec as f64;
        let mb = iops * run.io_size_bytes as f64 / (1024.0 * 1024.0);
        let avg = us(r.total_tsc as f64 / r.io_completed as f64, rate);
        let min = us(r.min_tsc as f64, rate);
        let max = us(r.max_tsc as f64, rate);
        min_all = min_all.min(min);
        max_all = max_all.max(max);
        let _ = writeln!(
            out,
            "{:<w$.w$} from core {:2}: {iops:10.2} {mb:10.2} {avg:10.2} {min:10.2} {max:10.2}",
            r.name, r.lcore
        );
        tot_iops += iops;
        tot_mb += mb;
        tot_ios += r.io_completed;
        tot_tsc += r.total_tsc;
        count += 1;
    }
    if count != 0 && tot_ios != 0 {
        let avg = us(tot_tsc as f64 / tot_ios as f64, rate);
        let _ = writeln!(out, "{rule}");
        let _ = writeln!(
            out,
            "{:<w2$}: {tot_iops:10.2} {tot_mb:10.2} {avg:10.2} {min_all:10.2} {max_all:10.2}",
            "Total",
            w2 = w + 13
        );
        let _ = writeln!(out);
    }
    if run.latency_level == 0 || tot_ios == 0 {
        return;
    }
    for r in rows {
        let _ = writeln!(
            out,
            "Summary latency data for {:<43.43} from core {}:",
            r.name, r.lcore
        );
        let _ = writeln!(out, "{}", "=".repeat(81));
        let mut cut = LATENCY_CUTOFFS.iter().peekable();
        iterate(r.histogram, |_, end, count, total, so_far| {
            if count == 0 {
                return;
            }
            let pct = so_far as f64 / total as f64;
            while let Some(&&c) = cut.peek() {
                if pct < c {
                    break;
                }
                let _ = writeln!(out, "{:9.5}% : {:9.3}us", c * 100.0, us(end as f64, rate));
                cut.next();
            }
        });
        let _ = writeln!(out);
    }
    if run.latency_level == 1 {
        return;
    }
    for r in rows {
        let _ = writeln!(
            out,
            "Latency histogram for {:<43.43} from core {}:",
            r.name, r.lcore
        );
        let _ = writeln!(out, "{}", "=".repeat(78));
        let _ = writeln!(out, "       Range in us     Cumulative    IO count");
        iterate(r.histogram, |start, end, count, total, so_far| {
            if count == 0 {
                return;
            }
            let _ = writeln!(
                out,
                "{:9.3} - {:9.3}: {:9.4}%  ({count:9})",
                us(start as f64, rate),
                us(end as f64, rate),
                so_far as f64 * 100.0 / total as f64
            );
        });
        let _ = writeln!(out);
    }
}

/// The once-a-second line on a terminal: "%9ju IOPS, %8.2f MiB/s", with
/// the busy share of the cores under -m.
pub fn periodic(ios: u64, io_size: u32, warmup: bool, cores: Option<(u32, f64)>) -> String {
    let mb = ios as f64 * io_size as f64 / (1024.0 * 1024.0);
    let mut s = format!(
        "{}{ios:9} IOPS, {mb:8.2} MiB/s",
        if warmup { "[warmup] " } else { "" }
    );
    if let Some((n, busy)) = cores {
        let _ = write!(s, "{n:3} Core(s): {busy:6.2}% Busy");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist(values: &[u64]) -> Histogram {
        let mut h = Histogram::new(7, 0, u64::MAX).unwrap();
        values.iter().for_each(|&v| h.tally(v));
        h
    }

    #[test]
    fn table_layout_and_totals() {
        let h = hist(&[]);
        let name = "TCP (addr:127.0.0.1 subnqn:nqn.x) NSID 1";
        let rows = [
            NsResult {
                name,
                lcore: 0,
                io_completed: 2000,
                total_tsc: 2000 * 50,
                min_tsc: 10,
                max_tsc: 400,
                histogram: &h,
            },
            NsResult {
                name: "short",
                lcore: 1,
                io_completed: 1000,
                total_tsc: 1000 * 200,
                min_tsc: 5,
                max_tsc: 900,
                histogram: &h,
            },
            NsResult {
                name: "idle",
                lcore: 1,
                io_completed: 0,
                total_tsc: 0,
                min_tsc: u64::MAX,
                max_tsc: 0,
                histogram: &h,
            },
        ];
        let run = RunInfo {
            elapsed_usec: 1_000_000,
            io_size_bytes: 4096,
            tsc_rate: 1_000_000,
            latency_level: 0,
        };
        let mut s = String::new();
        performance(&mut s, &rows, &run);
        let w = name.len();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[0], "=".repeat(56));
        assert_eq!(lines[1].len(), w + 60);
        assert!(lines[1].ends_with("Latency(us)"));
        assert_eq!(
            lines[2],
            format!(
                "{:<1$}:       IOPS      MiB/s    Average        min        max",
                "Device Information",
                w + 13
            )
        );
        assert_eq!(
            lines[3],
            format!("{name} from core  0:    2000.00       7.81      50.00      10.00     400.00")
        );
        assert_eq!(
            lines[4],
            format!(
                "{:<1$} from core  1:    1000.00       3.91     200.00       5.00     900.00",
                "short", w
            )
        );
        assert_eq!(lines[5], "=".repeat(56));
        // Average over all I/Os: (100000 + 200000) / 3000 = 100.
        assert_eq!(
            lines[6],
            format!(
                "{:<1$}:    3000.00      11.72     100.00       5.00     900.00",
                "Total",
                w + 13
            )
        );
        assert_eq!((lines.len(), lines[7]), (8, ""));
        assert!(s.ends_with("\n\n"));
    }

    #[test]
    fn summary_and_histogram() {
        // 100 I/Os: 90 at 10 ticks, 9 at 100, 1 at 1000; 1 tick = 1 us.
        let mut v = vec![10u64; 90];
        v.extend([100; 9]);
        v.push(1000);
        let h = hist(&v);
        let rows = [NsResult {
            name: "PCIE (0000:00:04.0) NSID 1",
            lcore: 0,
            io_completed: 100,
            total_tsc: v.iter().sum(),
            min_tsc: 10,
            max_tsc: 1000,
            histogram: &h,
        }];
        let run = RunInfo {
            elapsed_usec: 1_000_000,
            io_size_bytes: 512,
            tsc_rate: 1_000_000,
            latency_level: 2,
        };
        let mut s = String::new();
        performance(&mut s, &rows, &run);
        let summary = s.split("Summary latency data for ").nth(1).unwrap();
        let lines: Vec<&str> = summary.lines().collect();
        assert_eq!(
            lines[0],
            format!("{:<43} from core 0:", "PCIE (0000:00:04.0) NSID 1")
        );
        assert_eq!(lines[1], "=".repeat(81));
        // 1%..90% are in the 10-tick bucket (end 11), 95..99% in 100's
        // (end 101), the rest in 1000's bucket [1000, 1004).
        assert_eq!(lines[2], "  1.00000% :    11.000us");
        assert_eq!(lines[7], " 90.00000% :    11.000us");
        assert_eq!(lines[8], " 95.00000% :   101.000us");
        assert_eq!(lines[10], " 99.00000% :   101.000us");
        assert_eq!(lines[11], " 99.50000% :  1004.000us");
        assert_eq!(lines[16], " 99.99999% :  1004.000us");
        assert_eq!(lines[17], "");
        let hist = s.split("Latency histogram for ").nth(1).unwrap();
        let lines: Vec<&str> = hist.lines().collect();
        assert_eq!(lines[1], "=".repeat(78));
        assert_eq!(lines[2], "       Range in us     Cumulative    IO count");
        assert_eq!(lines[3], "   10.000 -    11.000:   90.0000%  (       90)");
        assert_eq!(lines[4], "  100.000 -   101.000:   99.0000%  (        9)");
        assert_eq!(lines[5], " 1000.000 -  1004.000:  100.0000%  (        1)");
    }

    #[test]
    fn periodic_line() {
        assert_eq!(
            periodic(123456, 4096, false, None),
            "   123456 IOPS,   482.25 MiB/s"
        );
        assert_eq!(
            periodic(1, 4096, true, Some((2, 50.0))),
            "[warmup]         1 IOPS,     0.00 MiB/s  2 Core(s):  50.00% Busy"
        );
    }
}
