//! The application's cores ("lcores"): which exist, which CPUs each is
//! pinned to, which NUMA node it is on, and one pinned OS thread per core.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::ffi::c_void;
use std::sync::{Mutex, RwLock};
use std::thread::JoinHandle;

pub const LCORE_ID_ANY: u32 = u32::MAX;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lcore {
    pub id: u32,
    /// CPUs the core's thread is pinned to.
    pub cpus: Vec<usize>,
    pub numa_id: i32,
}

#[derive(Default)]
struct CoreSet {
    cores: Vec<Lcore>,
    main: u32,
}

static CORES: RwLock<CoreSet> = RwLock::new(CoreSet {
    cores: Vec::new(),
    main: LCORE_ID_ANY,
});
static LAUNCHED: Mutex<Vec<(u32, Option<JoinHandle<i32>>)>> = Mutex::new(Vec::new());

thread_local! {
    static CURRENT: Cell<u32> = const { Cell::new(LCORE_ID_ANY) };
}

fn cores() -> std::sync::RwLockReadGuard<'static, CoreSet> {
    CORES.read().unwrap_or_else(|e| e.into_inner())
}

/// Parses a list such as "3", "0-3" or "(0,2-3)" into numbers.
fn parse_group(s: &str) -> Result<Vec<usize>, i32> {
    let s = s
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(s);
    let mut out = Vec::new();
    for part in s.split(',') {
        let num = |t: &str| t.trim().parse::<usize>().map_err(|_| -libc::EINVAL);
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (num(a)?, num(b)?);
                if a > b || b >= 1024 {
                    return Err(-libc::EINVAL);
                }
                out.extend(a..=b);
            }
            None => {
                let n = num(part)?;
                if n >= 1024 {
                    return Err(-libc::EINVAL);
                }
                out.push(n);
            }
        }
    }
    Ok(out)
}

/// Splits on commas that are outside parentheses.
fn split_top(s: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0, 0, Vec::new());
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// DPDK's `--lcores` syntax: `lcores[@cpus]`, comma separated, where each
/// side is a number, a range or a parenthesised group. An lcore without
/// `@cpus` runs on the CPU of the same number.
pub fn parse_lcore_map(map: &str) -> Result<Vec<(u32, Vec<usize>)>, i32> {
    let mut out: Vec<(u32, Vec<usize>)> = Vec::new();
    for item in split_top(map.trim()) {
        if item.is_empty() {
            return Err(-libc::EINVAL);
        }
        let (lcores, cpus) = match item.split_once('@') {
            Some((l, c)) => (parse_group(l)?, Some(parse_group(c)?)),
            None => (parse_group(item)?, None),
        };
        for l in lcores {
            if out.iter().any(|(id, _)| *id as usize == l) {
                return Err(-libc::EINVAL);
            }
            out.push((l as u32, cpus.clone().unwrap_or_else(|| vec![l])));
        }
    }
    out.sort();
    Ok(out)
}

/// CPUs this process may run on.
pub fn allowed_cpus() -> BTreeSet<usize> {
    // SAFETY: cpu_set_t is plain data; sched_getaffinity fills it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return (0..1).collect();
        }
        (0..libc::CPU_SETSIZE as usize)
            .filter(|c| libc::CPU_ISSET(*c, &set))
            .collect()
    }
}

/// NUMA node of a CPU, from sysfs; 0 when the machine does not say.
pub fn cpu_numa_id(cpu: usize) -> i32 {
    let dir = format!("/sys/devices/system/cpu/cpu{cpu}");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if let Some(n) = name.strip_prefix("node").and_then(|n| n.parse().ok()) {
            return n;
        }
    }
    0
}

/// Sets the application's cores from a CPU list (from `core_mask`) or an
/// lcore map, and the main core (`main_core` < 0: the first one).
pub fn configure(cores: Vec<(u32, Vec<usize>)>, main_core: i32) -> Result<(), i32> {
    if cores.is_empty() {
        return Err(-libc::EINVAL);
    }
    let allowed = allowed_cpus();
    for (id, cpus) in &cores {
        if let Some(c) = cpus.iter().find(|c| !allowed.contains(c)) {
            spdk_log::errlog!("lcore {id}: CPU {c} is not available to this process");
            return Err(-libc::EINVAL);
        }
    }
    let main = if main_core < 0 {
        cores[0].0
    } else {
        main_core as u32
    };
    if !cores.iter().any(|(id, _)| *id == main) {
        spdk_log::errlog!("main core {main} is not in the core mask");
        return Err(-libc::EINVAL);
    }
    let cores = cores
        .into_iter()
        .map(|(id, cpus)| {
            let numa_id = cpus.first().map_or(0, |c| cpu_numa_id(*c));
            Lcore { id, cpus, numa_id }
        })
        .collect();
    *CORES.write().unwrap_or_else(|e| e.into_inner()) = CoreSet { cores, main };
    Ok(())
}

/// Forgets the cores (at `spdk_env_fini`).
pub fn reset() {
    *CORES.write().unwrap_or_else(|e| e.into_inner()) = CoreSet {
        cores: Vec::new(),
        main: LCORE_ID_ANY,
    };
}

pub fn count() -> u32 {
    cores().cores.len() as u32
}

pub fn main_core() -> u32 {
    cores().main
}

pub fn first() -> u32 {
    cores().cores.first().map_or(LCORE_ID_ANY, |c| c.id)
}

pub fn last() -> u32 {
    cores().cores.last().map_or(LCORE_ID_ANY, |c| c.id)
}

pub fn next(prev: u32) -> u32 {
    cores()
        .cores
        .iter()
        .find(|c| c.id > prev)
        .map_or(LCORE_ID_ANY, |c| c.id)
}

pub fn get(id: u32) -> Option<Lcore> {
    cores().cores.iter().find(|c| c.id == id).cloned()
}

pub fn ids() -> Vec<u32> {
    cores().cores.iter().map(|c| c.id).collect()
}

/// Distinct NUMA nodes of the application's cores, ascending.
pub fn numa_ids() -> Vec<i32> {
    let set: BTreeSet<i32> = cores().cores.iter().map(|c| c.numa_id).collect();
    set.into_iter().collect()
}

#[inline]
pub fn current() -> u32 {
    CURRENT.with(|c| c.get())
}

pub fn set_current(core: u32) {
    CURRENT.with(|c| c.set(core));
}

/// Pins the calling thread to `cpus`.
pub fn pin(cpus: &[usize]) -> Result<(), i32> {
    // SAFETY: cpu_set_t is plain data.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        for c in cpus {
            libc::CPU_SET(*c, &mut set);
        }
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            return Err(-std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EINVAL));
        }
    }
    Ok(())
}

/// Lets the calling thread run on every CPU of the machine.
pub fn unaffinitize() {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_CONF) }.max(1) as usize;
    let all: Vec<usize> = (0..n.min(libc::CPU_SETSIZE as usize)).collect();
    let _ = pin(&all);
}

pub fn affinity() -> Vec<usize> {
    allowed_cpus().into_iter().collect()
}

/// SMT siblings of a CPU, from sysfs.
pub fn smt_siblings(cpu: usize) -> Option<Vec<usize>> {
    let path = format!("/sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list");
    let text = std::fs::read_to_string(path).ok()?;
    parse_group(text.trim()).ok()
}

struct SendPtr(*mut c_void);
// SAFETY: the argument is handed to the new thread as SPDK documents.
unsafe impl Send for SendPtr {}

/// Starts `f(arg)` on a new thread pinned to `core` (one per core; never
/// the main core, which is the initialising thread's).
pub fn launch_pinned(
    core: u32,
    f: unsafe extern "C" fn(*mut c_void) -> i32,
    arg: *mut c_void,
) -> Result<(), i32> {
    let lcore = get(core).ok_or(-libc::EINVAL)?;
    if core == main_core() {
        return Err(-libc::EBUSY);
    }
    let mut launched = LAUNCHED.lock().unwrap_or_else(|e| e.into_inner());
    if launched.iter().any(|(c, _)| *c == core) {
        return Err(-libc::EBUSY);
    }
    let arg = SendPtr(arg);
    let handle = std::thread::Builder::new()
        .name(format!("lcore-worker-{core}"))
        .spawn(move || {
            let arg = arg;
            let _ = pin(&lcore.cpus);
            set_current(core);
            // SAFETY: the caller's thread function with its argument.
            unsafe { f(arg.0) }
        })
        .map_err(|_| -libc::EAGAIN)?;
    launched.push((core, Some(handle)));
    Ok(())
}

/// Waits for every thread started by `launch_pinned`.
pub fn wait_all() {
    let handles: Vec<_> = {
        let mut launched = LAUNCHED.lock().unwrap_or_else(|e| e.into_inner());
        launched.iter_mut().filter_map(|(_, h)| h.take()).collect()
    };
    for h in handles {
        let _ = h.join();
    }
    LAUNCHED.lock().unwrap_or_else(|e| e.into_inner()).clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lcore_maps() {
        assert_eq!(
            parse_lcore_map("0,1").unwrap(),
            vec![(0, vec![0]), (1, vec![1])]
        );
        assert_eq!(
            parse_lcore_map("0@1,(1-2)@(0,1)").unwrap(),
            vec![(0, vec![1]), (1, vec![0, 1]), (2, vec![0, 1])]
        );
        assert!(parse_lcore_map("0,0").is_err());
        assert!(parse_lcore_map("a").is_err());
        assert!(parse_lcore_map("3-1").is_err());
        assert!(parse_lcore_map("").is_err());
    }
}
