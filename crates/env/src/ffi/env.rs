//! The C ABI of include/spdk/env.h (memory, translation, cores, threads,
//! time). Pools and rings are in the submodules.

use crate::{cores, init, mem_map, memory, pci, ticks};
use spdk_util::ffi::cpuset::spdk_cpuset;
use std::ffi::{c_char, c_int, c_uint, c_void, CStr};
use std::ptr::{self, NonNull};

pub mod mempool;
pub mod pci_device;
pub mod ring;

/// Longest memzone name, including the terminating NUL.
#[doc(hidden)]
pub const SPDK_MAX_MEMZONE_NAME_LEN: u32 = 32;

/// Options of `spdk_env_init`. Set them with `spdk_env_opts_init` first,
/// with `opts_size` set to `sizeof(struct spdk_env_opts)`.
#[repr(C)]
pub struct spdk_env_opts {
    /// Process name.
    pub name: *const c_char,
    /// Cores to run on: a hex mask ("0x3") or a list ("[0,2-3]").
    pub core_mask: *const c_char,
    /// Lcore to CPU map in DPDK's `--lcores` form; overrides `core_mask`.
    pub lcore_map: *const c_char,
    /// Shared memory group id (accepted; one process per group here).
    pub shm_id: c_int,
    /// Memory channels (no effect here).
    pub mem_channel: c_int,
    /// Main core, or -1 for the first core of the mask.
    pub main_core: c_int,
    /// MiB of DMA memory to map at start-up; -1 to map on demand.
    pub mem_size: c_int,
    /// Do not use PCI devices; also means no address translation.
    pub no_pci: bool,
    pub hugepage_single_segments: bool,
    pub unlink_hugepage: bool,
    /// Never use hugepages.
    pub no_huge: bool,
    pub reserved: u32,
    pub num_pci_addr: usize,
    /// Where hugetlbfs is mounted (the kernel's default pool is used).
    pub hugedir: *const c_char,
    pub pci_blocked: *mut spdk_pci_addr,
    pub pci_allowed: *mut spdk_pci_addr,
    pub iova_mode: *const c_char,
    pub base_virtaddr: u64,
    /// Opaque context of the environment implementation.
    pub env_context: *mut c_void,
    pub vf_token: *const c_char,
    /// Size of this structure as the caller knows it.
    pub opts_size: usize,
    pub enforce_numa: bool,
    pub reserved2: [u8; 7],
}

const _: () = assert!(std::mem::size_of::<spdk_env_opts>() == 128);

/// A PCI address (domain:bus:device.function).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_pci_addr {
    pub domain: u32,
    pub bus: u8,
    pub dev: u8,
    pub func: u8,
}

/// A PCI device identity; `SPDK_PCI_ANY_ID` / `SPDK_PCI_CLASS_ANY_ID` match any.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct spdk_pci_id {
    pub class_id: u32,
    pub vendor_id: u16,
    pub device_id: u16,
    pub subvendor_id: u16,
    pub subdevice_id: u16,
}

/// What a memory map is told about a region.
#[repr(C)]
pub enum spdk_mem_map_notify_action {
    SPDK_MEM_MAP_NOTIFY_REGISTER,
    SPDK_MEM_MAP_NOTIFY_UNREGISTER,
}

#[doc(hidden)]
#[repr(transparent)]
pub struct MemMapNotifyActionArg(pub c_int);

/// Told when memory is registered or unregistered; return 0 or a negative
/// errno (a failing registration is rolled back).
pub type spdk_mem_map_notify_cb = Option<
    unsafe extern "C" fn(
        cb_ctx: *mut c_void,
        map: *mut spdk_mem_map,
        action: MemMapNotifyActionArg,
        vaddr: *mut c_void,
        size: usize,
    ) -> c_int,
>;

/// Whether two page translations are contiguous (non-zero if so).
pub type spdk_mem_map_contiguous_translations =
    Option<unsafe extern "C" fn(addr_1: u64, addr_2: u64) -> c_int>;

/// Callbacks of a memory map.
#[repr(C)]
pub struct spdk_mem_map_ops {
    pub notify_cb: spdk_mem_map_notify_cb,
    pub are_contiguous: spdk_mem_map_contiguous_translations,
}

/// A map from virtual addresses to 64-bit translations, per 4 KiB or 2 MiB page.
pub struct spdk_mem_map {
    _opaque: [u8; 0],
}

/// Entry point of a pinned thread.
pub type thread_start_fn = Option<unsafe extern "C" fn(arg: *mut c_void) -> c_int>;

fn as_map(m: *const spdk_mem_map) -> *mut mem_map::MemMap {
    m as *mut mem_map::MemMap
}

unsafe fn opt_str(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(CStr::from_ptr(p).to_string_lossy().into_owned())
    }
}

fn alloc(
    size: usize,
    align: usize,
    unused: *mut u64,
    numa_id: c_int,
    flags: u32,
    zero: bool,
) -> *mut c_void {
    if flags == 0 || !unused.is_null() || size == 0 || (align != 0 && !align.is_power_of_two()) {
        return ptr::null_mut();
    }
    match memory::dma_alloc(size, align.max(64), numa_id) {
        Some(p) => {
            if zero {
                // SAFETY: a fresh block of at least `size` bytes.
                unsafe { ptr::write_bytes(p.as_ptr(), 0, size) };
            }
            p.as_ptr().cast()
        }
        None => ptr::null_mut(),
    }
}

/// Allocates `size` bytes of memory that devices may DMA to, aligned to
/// `align` (0: a cache line). `unused` must be NULL and `flags` non-zero
/// (`SPDK_MALLOC_DMA` and/or `SPDK_MALLOC_SHARE`). NULL on failure.
#[no_mangle]
pub extern "C" fn spdk_malloc(
    size: usize,
    align: usize,
    unused: *mut u64,
    numa_id: c_int,
    flags: u32,
) -> *mut c_void {
    alloc(size, align, unused, numa_id, flags, false)
}

/// `spdk_malloc`, with the memory zeroed.
#[no_mangle]
pub extern "C" fn spdk_zmalloc(
    size: usize,
    align: usize,
    unused: *mut u64,
    numa_id: c_int,
    flags: u32,
) -> *mut c_void {
    alloc(size, align, unused, numa_id, flags, true)
}

/// Resizes memory from `spdk_malloc`, keeping its contents. NULL `buf`
/// allocates; on failure NULL is returned and `buf` stays valid.
#[no_mangle]
pub extern "C" fn spdk_realloc(buf: *mut c_void, size: usize, align: usize) -> *mut c_void {
    let Some(p) = NonNull::new(buf.cast::<u8>()) else {
        return alloc(size, align, ptr::null_mut(), -1, 1, false);
    };
    if size == 0 {
        return ptr::null_mut();
    }
    memory::dma_realloc(p, size, align.max(64)).map_or(ptr::null_mut(), |p| p.as_ptr().cast())
}

/// Frees memory from `spdk_malloc`; NULL is ignored, and so (with an error
/// message) is a pointer that is not a live allocation.
#[no_mangle]
pub extern "C" fn spdk_free(buf: *mut c_void) {
    if let Some(p) = NonNull::new(buf.cast::<u8>()) {
        if !memory::dma_free(p) {
            spdk_log::errlog!(
                "spdk_free: {buf:p} is not memory from spdk_malloc (or was freed already)"
            );
        }
    }
}

/// `spdk_malloc` with `SPDK_MALLOC_DMA | SPDK_MALLOC_SHARE`.
#[no_mangle]
pub extern "C" fn spdk_dma_malloc_socket(
    size: usize,
    align: usize,
    unused: *mut u64,
    numa_id: c_int,
) -> *mut c_void {
    alloc(size, align, unused, numa_id, 3, false)
}

/// `spdk_dma_malloc_socket`, with the memory zeroed.
#[no_mangle]
pub extern "C" fn spdk_dma_zmalloc_socket(
    size: usize,
    align: usize,
    unused: *mut u64,
    numa_id: c_int,
) -> *mut c_void {
    alloc(size, align, unused, numa_id, 3, true)
}

/// `spdk_dma_malloc_socket` on any NUMA node.
#[no_mangle]
pub extern "C" fn spdk_dma_malloc(size: usize, align: usize, unused: *mut u64) -> *mut c_void {
    alloc(size, align, unused, -1, 3, false)
}

/// `spdk_dma_zmalloc_socket` on any NUMA node.
#[no_mangle]
pub extern "C" fn spdk_dma_zmalloc(size: usize, align: usize, unused: *mut u64) -> *mut c_void {
    alloc(size, align, unused, -1, 3, true)
}

/// `spdk_realloc`; `unused` must be NULL.
#[no_mangle]
pub extern "C" fn spdk_dma_realloc(
    buf: *mut c_void,
    size: usize,
    align: usize,
    unused: *mut u64,
) -> *mut c_void {
    if !unused.is_null() {
        return ptr::null_mut();
    }
    spdk_realloc(buf, size, align)
}

/// `spdk_free`.
#[no_mangle]
pub extern "C" fn spdk_dma_free(buf: *mut c_void) {
    spdk_free(buf)
}

/// Reserves a named, zeroed block of `len` bytes aligned to `align`.
/// NULL if the name is taken, empty or too long, or memory is short.
#[no_mangle]
pub unsafe extern "C" fn spdk_memzone_reserve_aligned(
    name: *const c_char,
    len: usize,
    _numa_id: c_int,
    _flags: c_uint,
    align: c_uint,
) -> *mut c_void {
    let Some(name) = opt_str(name) else {
        return ptr::null_mut();
    };
    if align != 0 && !align.is_power_of_two() {
        return ptr::null_mut();
    }
    memory::memzone_reserve(&name, len, align as usize)
        .map_or(ptr::null_mut(), |p| p.as_ptr().cast())
}

/// `spdk_memzone_reserve_aligned` with cache-line alignment.
#[no_mangle]
pub unsafe extern "C" fn spdk_memzone_reserve(
    name: *const c_char,
    len: usize,
    numa_id: c_int,
    flags: c_uint,
) -> *mut c_void {
    spdk_memzone_reserve_aligned(name, len, numa_id, flags, 64)
}

/// The memzone of that name, or NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_memzone_lookup(name: *const c_char) -> *mut c_void {
    let Some(name) = opt_str(name) else {
        return ptr::null_mut();
    };
    memory::memzone_lookup(&name).map_or(ptr::null_mut(), |p| p.as_ptr().cast())
}

/// Frees a memzone: 0, or -EINVAL / -ENOENT.
#[no_mangle]
pub unsafe extern "C" fn spdk_memzone_free(name: *const c_char) -> c_int {
    let Some(name) = opt_str(name) else {
        return -libc::EINVAL;
    };
    memory::memzone_free(&name).err().unwrap_or(0)
}

/// Writes one line per memzone to `f`.
#[no_mangle]
pub unsafe extern "C" fn spdk_memzone_dump(f: *mut libc::FILE) {
    if f.is_null() {
        return;
    }
    for line in memory::memzone_dump() {
        let line = format!("{line}\n");
        libc::fwrite(line.as_ptr().cast(), 1, line.len(), f);
    }
}

/// Fills `opts` with the defaults. Set `opts->opts_size` before calling.
#[no_mangle]
pub unsafe extern "C" fn spdk_env_opts_init(opts: *mut spdk_env_opts) {
    let Some(o) = opts.as_mut() else { return };
    let size = o.opts_size;
    ptr::write_bytes(
        opts.cast::<u8>(),
        0,
        std::mem::offset_of!(spdk_env_opts, opts_size),
    );
    o.name = c"spdk".as_ptr();
    o.core_mask = c"0x1".as_ptr();
    o.shm_id = -1;
    o.mem_size = -1;
    o.main_core = -1;
    o.mem_channel = -1;
    o.base_virtaddr = 0x2000_0000_0000;
    o.opts_size = size;
    if std::mem::offset_of!(spdk_env_opts, enforce_numa) < size {
        o.enforce_numa = false;
    }
}

/// Initialises the environment: cores, memory, address translation. Once
/// done, only `spdk_env_init(NULL)` (after `spdk_env_fini`) is accepted.
/// 0, or a negative errno.
#[no_mangle]
pub unsafe extern "C" fn spdk_env_init(opts: *const spdk_env_opts) -> c_int {
    if opts.is_null() {
        if !init::is_initialized() {
            eprintln!("NULL arguments to initialize the SPDK environment");
        }
        return init::reinit().err().unwrap_or(0);
    }
    if init::is_initialized() {
        eprintln!("Invalid arguments to reinitialize the SPDK environment");
        return -libc::EINVAL;
    }
    let o = &*opts;
    let min = std::mem::offset_of!(spdk_env_opts, opts_size) + std::mem::size_of::<usize>();
    if o.opts_size < min {
        eprintln!(
            "Invalid opts->opts_size {} too small, please set opts_size correctly",
            o.opts_size
        );
    }
    let options = init::Options {
        name: opt_str(o.name).unwrap_or_else(|| "spdk".into()),
        core_mask: opt_str(o.core_mask),
        lcore_map: opt_str(o.lcore_map),
        main_core: o.main_core,
        mem_size: o.mem_size,
        shm_id: o.shm_id,
        no_pci: o.no_pci,
        no_huge: o.no_huge,
        hugedir: opt_str(o.hugedir),
    };
    println!("Starting SPDK v26.01 (Rust) initialization...");
    init::init(options).err().unwrap_or(0)
}

/// Releases what `spdk_env_init` set up for address translation.
#[no_mangle]
pub extern "C" fn spdk_env_fini() {
    init::fini()
}

/// Number of cores the application runs on.
#[no_mangle]
pub extern "C" fn spdk_env_get_core_count() -> u32 {
    cores::count()
}

/// The core of the calling thread, or `SPDK_ENV_LCORE_ID_ANY` for a thread
/// that is not one of the application's pinned threads.
#[no_mangle]
pub extern "C" fn spdk_env_get_current_core() -> u32 {
    cores::current()
}

/// The main core.
#[no_mangle]
pub extern "C" fn spdk_env_get_main_core() -> u32 {
    cores::main_core()
}

/// The lowest core, or UINT32_MAX.
#[no_mangle]
pub extern "C" fn spdk_env_get_first_core() -> u32 {
    cores::first()
}

/// The highest core, or UINT32_MAX.
#[no_mangle]
pub extern "C" fn spdk_env_get_last_core() -> u32 {
    cores::last()
}

/// The core after `prev_core`, or UINT32_MAX.
#[no_mangle]
pub extern "C" fn spdk_env_get_next_core(prev_core: u32) -> u32 {
    cores::next(prev_core)
}

/// NUMA node of a core (of any CPU when it is not an application core);
/// `SPDK_ENV_NUMA_ID_ANY` for UINT32_MAX.
#[no_mangle]
pub extern "C" fn spdk_env_get_numa_id(core: u32) -> i32 {
    if core == cores::LCORE_ID_ANY {
        return -1;
    }
    cores::get(core).map_or_else(|| cores::cpu_numa_id(core as usize), |c| c.numa_id)
}

/// The lowest NUMA node the cores are on, or INT32_MAX.
#[no_mangle]
pub extern "C" fn spdk_env_get_first_numa_id() -> i32 {
    cores::numa_ids().first().copied().unwrap_or(i32::MAX)
}

/// The highest NUMA node the cores are on, or INT32_MAX.
#[no_mangle]
pub extern "C" fn spdk_env_get_last_numa_id() -> i32 {
    cores::numa_ids().last().copied().unwrap_or(i32::MAX)
}

/// The NUMA node after `prev_numa_id`, or INT32_MAX.
#[no_mangle]
pub extern "C" fn spdk_env_get_next_numa_id(prev_numa_id: i32) -> i32 {
    cores::numa_ids()
        .into_iter()
        .find(|n| *n > prev_numa_id)
        .unwrap_or(i32::MAX)
}

unsafe fn cpuset_zero(set: *mut spdk_cpuset) {
    spdk_util::ffi::cpuset::spdk_cpuset_zero(set);
}

unsafe fn cpuset_set(set: *mut spdk_cpuset, cpu: usize) {
    spdk_util::ffi::cpuset::spdk_cpuset_set_cpu(set, cpu as u32, true);
}

/// Fills `cpuset` with the application's cores.
#[no_mangle]
pub unsafe extern "C" fn spdk_env_get_cpuset(cpuset: *mut spdk_cpuset) {
    if cpuset.is_null() {
        return;
    }
    cpuset_zero(cpuset);
    for c in cores::ids() {
        cpuset_set(cpuset, c as usize);
    }
}

/// Fills `cpuset` with the SMT siblings of `core` (itself included), or of
/// every application core for UINT32_MAX. False when the machine does not
/// tell its topology.
#[no_mangle]
pub unsafe extern "C" fn spdk_env_core_get_smt_cpuset(cpuset: *mut spdk_cpuset, core: u32) -> bool {
    if cpuset.is_null() {
        return false;
    }
    cpuset_zero(cpuset);
    let list = if core == u32::MAX {
        cores::ids()
    } else {
        vec![core]
    };
    for c in list {
        let cpus = cores::get(c).map_or_else(|| vec![c as usize], |l| l.cpus);
        for cpu in cpus {
            let Some(sib) = cores::smt_siblings(cpu) else {
                return false;
            };
            for s in sib {
                cpuset_set(cpuset, s);
            }
        }
    }
    true
}

/// Starts `fn(arg)` on a new thread pinned to `core`, one per core and not
/// on the main core. 0, -EINVAL (no such core or NULL fn), -EBUSY.
#[no_mangle]
pub unsafe extern "C" fn spdk_env_thread_launch_pinned(
    core: u32,
    r#fn: thread_start_fn,
    arg: *mut c_void,
) -> c_int {
    let Some(f) = r#fn else { return -libc::EINVAL };
    cores::launch_pinned(core, f, arg).err().unwrap_or(0)
}

/// Waits until every thread started by `spdk_env_thread_launch_pinned` ends.
#[no_mangle]
pub extern "C" fn spdk_env_thread_wait_all() {
    cores::wait_all()
}

/// Always true: there are no secondary processes here.
#[no_mangle]
pub extern "C" fn spdk_process_is_primary() -> bool {
    true
}

/// The CPU's timestamp counter.
#[no_mangle]
pub extern "C" fn spdk_get_ticks() -> u64 {
    ticks::ticks()
}

/// Ticks per second.
#[no_mangle]
pub extern "C" fn spdk_get_ticks_hz() -> u64 {
    ticks::ticks_hz()
}

/// Busy-waits `us` microseconds.
#[no_mangle]
pub extern "C" fn spdk_delay_us(us: c_uint) {
    ticks::delay_us(us)
}

/// A CPU pause hint for spin loops.
#[no_mangle]
pub extern "C" fn spdk_pause() {
    std::hint::spin_loop()
}

/// Whether an IOMMU is present (VFIO can then map memory with IOVA = VA).
#[no_mangle]
pub extern "C" fn spdk_iommu_is_enabled() -> bool {
    std::fs::read_dir("/sys/kernel/iommu_groups").is_ok_and(|mut d| d.next().is_some())
}

/// The IO address of `buf` in registered memory, or `SPDK_VTOPHYS_ERROR`.
/// IOVA = VA: registered memory is its own IO address, the model VFIO
/// uses. With `size`, it is cut to the contiguous length from `buf`. Like
/// SPDK's, there is no translation in an environment set up with `no_pci`.
#[no_mangle]
pub unsafe extern "C" fn spdk_vtophys(buf: *const c_void, size: *mut u64) -> u64 {
    init::vtophys(buf as u64, size.as_mut()).unwrap_or(u64::MAX)
}

fn to_addr(a: &spdk_pci_addr) -> pci::Addr {
    pci::Addr {
        domain: a.domain,
        bus: a.bus,
        dev: a.dev,
        func: a.func,
    }
}

/// Orders two PCI addresses: <0, 0 or >0.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_addr_compare(
    a1: *const spdk_pci_addr,
    a2: *const spdk_pci_addr,
) -> c_int {
    match (a1.as_ref(), a2.as_ref()) {
        (Some(a), Some(b)) => pci::compare(&to_addr(a), &to_addr(b)),
        (None, Some(_)) => -1,
        (Some(_), None) => 1,
        (None, None) => 0,
    }
}

/// Parses "DDDD:BB:DD.F" (and DPDK's shorter forms). 0 or -EINVAL.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_addr_parse(
    addr: *mut spdk_pci_addr,
    bdf: *const c_char,
) -> c_int {
    let (Some(out), Some(s)) = (addr.as_mut(), opt_str(bdf)) else {
        return -libc::EINVAL;
    };
    match pci::parse(&s) {
        Some(a) => {
            *out = spdk_pci_addr {
                domain: a.domain,
                bus: a.bus,
                dev: a.dev,
                func: a.func,
            };
            0
        }
        None => -libc::EINVAL,
    }
}

/// Writes "DDDD:BB:DD.F" into `bdf`. 0, or -EINVAL when it does not fit.
#[no_mangle]
pub unsafe extern "C" fn spdk_pci_addr_fmt(
    bdf: *mut c_char,
    sz: usize,
    addr: *const spdk_pci_addr,
) -> c_int {
    let Some(a) = addr.as_ref() else {
        return -libc::EINVAL;
    };
    if bdf.is_null() {
        return -libc::EINVAL;
    }
    let s = pci::format(&to_addr(a));
    if s.len() + 1 > sz {
        return -libc::EINVAL;
    }
    ptr::copy_nonoverlapping(s.as_ptr(), bdf.cast::<u8>(), s.len());
    *bdf.add(s.len()) = 0;
    0
}

/// Lets the calling thread run on every CPU.
#[no_mangle]
pub extern "C" fn spdk_unaffinitize_thread() {
    cores::unaffinitize()
}

/// Calls `cb(arg)` with the calling thread allowed on every CPU, then
/// restores its affinity. Returns what `cb` returned.
#[no_mangle]
pub unsafe extern "C" fn spdk_call_unaffinitized(
    cb: Option<unsafe extern "C" fn(arg: *mut c_void) -> *mut c_void>,
    arg: *mut c_void,
) -> *mut c_void {
    let Some(cb) = cb else { return ptr::null_mut() };
    let saved = cores::affinity();
    cores::unaffinitize();
    let r = cb(arg);
    let _ = cores::pin(&saved);
    r
}

/// Creates a memory map; `ops->notify_cb` is called at once for every
/// region already registered. NULL on failure (a notification failed).
#[no_mangle]
pub unsafe extern "C" fn spdk_mem_map_alloc(
    default_translation: u64,
    ops: *const spdk_mem_map_ops,
    cb_ctx: *mut c_void,
) -> *mut spdk_mem_map {
    let (notify, contig) = match ops.as_ref() {
        // SAFETY: same signature; the enum argument is an int.
        Some(o) => (
            o.notify_cb
                .map(|f| std::mem::transmute::<_, mem_map::NotifyCb>(f)),
            o.are_contiguous,
        ),
        None => (None, None),
    };
    mem_map::alloc_map(default_translation, notify, contig, cb_ctx)
        .map_or(ptr::null_mut(), |m| m.cast())
}

/// Frees a memory map (its notify callback hears every region
/// unregistered) and sets `*pmap` to NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_mem_map_free(pmap: *mut *mut spdk_mem_map) {
    let Some(p) = pmap.as_mut() else { return };
    if p.is_null() {
        return;
    }
    mem_map::free_map(as_map(*p));
    *p = ptr::null_mut();
}

/// Sets the translation of [vaddr, vaddr + size), 4 KiB aligned; each page
/// after the first gets `translation` plus its offset. 0 or -EINVAL.
#[no_mangle]
pub unsafe extern "C" fn spdk_mem_map_set_translation(
    map: *mut spdk_mem_map,
    vaddr: u64,
    size: u64,
    translation: u64,
) -> c_int {
    let Some(m) = as_map(map).as_ref() else {
        return -libc::EINVAL;
    };
    m.set_translation(vaddr, size, translation)
        .err()
        .unwrap_or(0)
}

/// Resets [vaddr, vaddr + size) to the default translation.
#[no_mangle]
pub unsafe extern "C" fn spdk_mem_map_clear_translation(
    map: *mut spdk_mem_map,
    vaddr: u64,
    size: u64,
) -> c_int {
    let Some(m) = as_map(map).as_ref() else {
        return -libc::EINVAL;
    };
    m.clear_translation(vaddr, size).err().unwrap_or(0)
}

/// The translation of the page holding `vaddr` (the default one if
/// unset); `*size`, if given, is cut to the contiguously translated length.
#[no_mangle]
pub unsafe extern "C" fn spdk_mem_map_translate(
    map: *const spdk_mem_map,
    vaddr: u64,
    size: *mut u64,
) -> u64 {
    let Some(m) = as_map(map).as_ref() else {
        return u64::MAX;
    };
    m.translate(vaddr, size.as_mut())
}

/// Registers memory for DMA, 4 KiB aligned; every map is notified.
/// 0, -EINVAL, -EBUSY (overlaps a registration) or a map's error.
#[no_mangle]
pub extern "C" fn spdk_mem_register(vaddr: *mut c_void, len: usize) -> c_int {
    mem_map::register(vaddr as u64, len as u64)
        .err()
        .unwrap_or(0)
}

/// Unregisters memory registered with `spdk_mem_register` (whole
/// registrations only). 0 or -EINVAL.
#[no_mangle]
pub extern "C" fn spdk_mem_unregister(vaddr: *mut c_void, len: usize) -> c_int {
    mem_map::unregister(vaddr as u64, len as u64)
        .err()
        .unwrap_or(0)
}

/// NUMA node of the memory at `buf`, or `SPDK_ENV_NUMA_ID_ANY`.
#[no_mangle]
pub unsafe extern "C" fn spdk_mem_get_numa_id(buf: *const c_void, size: *mut u64) -> i32 {
    if buf.is_null() {
        return -1;
    }
    let mut node: c_int = -1;
    let page = (buf as usize) & !(4096 - 1);
    // get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR): the node backing the page.
    let rc = libc::syscall(
        libc::SYS_get_mempolicy,
        &mut node as *mut c_int,
        ptr::null_mut::<u64>(),
        0u64,
        page as *mut c_void,
        3u64,
    );
    if let Some(s) = size.as_mut() {
        *s = (*s).min(4096 - (buf as u64 & 4095));
    }
    if rc != 0 {
        return -1;
    }
    node
}

/// The file descriptor backing `vaddr` (memory from `spdk_malloc`) and the
/// offset in it. The fd, or -EINVAL / -ENOENT, or -ENOTSUP for memory that
/// has no file behind it (anonymous memory: taken where the kernel gives
/// transparent hugepages to anonymous memory but not to shared memory).
#[no_mangle]
pub unsafe extern "C" fn spdk_mem_get_fd_and_offset(vaddr: *mut c_void, offset: *mut u64) -> c_int {
    if vaddr.is_null() || offset.is_null() {
        return -libc::EINVAL;
    }
    match memory::fd_and_offset(vaddr.cast()) {
        Ok((fd, off)) => {
            *offset = off;
            fd
        }
        Err(e) => e,
    }
}

/// The calling thread's kernel thread id.
#[no_mangle]
pub extern "C" fn spdk_get_tid() -> c_int {
    // SAFETY: gettid has no preconditions.
    unsafe { libc::syscall(libc::SYS_gettid) as c_int }
}
