//! Bringing the environment up and down (`spdk_env_init` / `_fini`).

use crate::{cores, mem_map, memory};
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::Mutex;

/// What `spdk_env_init` takes from `struct spdk_env_opts`, in Rust form.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub name: String,
    pub core_mask: Option<String>,
    pub lcore_map: Option<String>,
    pub main_core: i32,
    /// MiB to map up front; <= 0 for none.
    pub mem_size: i32,
    pub shm_id: i32,
    pub no_pci: bool,
    pub no_huge: bool,
    pub hugedir: Option<String>,
}

/// Whether the environment has been initialised once (SPDK then accepts
/// only the re-initialisation form, `spdk_env_init(NULL)`).
static INITIALIZED: AtomicBool = AtomicBool::new(false);
static ACTIVE: AtomicBool = AtomicBool::new(false);
static OPTIONS: Mutex<Option<Options>> = Mutex::new(None);
static VTOPHYS: AtomicPtr<mem_map::MemMap> = AtomicPtr::new(std::ptr::null_mut());

pub fn is_initialized() -> bool {
    INITIALIZED.load(Ordering::Acquire)
}

pub fn options() -> Option<Options> {
    OPTIONS.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// IOVA = VA: registered memory translates to its own address. That is
/// what VFIO with an IOMMU uses and what the user-space transports need.
unsafe extern "C" fn vtophys_notify(
    _ctx: *mut c_void,
    map: *mut mem_map::MemMap,
    action: i32,
    vaddr: *mut c_void,
    len: usize,
) -> i32 {
    // SAFETY: map is alive while it is being notified.
    let map = unsafe { &*map };
    let va = vaddr as u64;
    let r = if action == 0 {
        map.set_translation(va, len as u64, va)
    } else {
        map.clear_translation(va, len as u64)
    };
    r.err().unwrap_or(0)
}

unsafe extern "C" fn vtophys_contiguous(a: u64, b: u64) -> i32 {
    (b == a + mem_map::VALUE_2MB || b == a + mem_map::VALUE_4KB) as i32
}

/// `spdk_vtophys`: the IOVA of `addr`, or None when it is not registered or
/// the environment has no translation (never initialised, or `no_pci`).
pub fn vtophys(addr: u64, size: Option<&mut u64>) -> Option<u64> {
    let map = VTOPHYS.load(Ordering::Acquire);
    if map.is_null() {
        return None;
    }
    // SAFETY: the map lives until spdk_env_fini.
    let map = unsafe { &*map };
    let t = map.translate(addr, size);
    if t == map.default_translation() {
        return None;
    }
    // The stored translation is that of the page; add the offset in it.
    let (_, page) = map.lookup(addr);
    Some(t + (addr & (page - 1)))
}

fn core_list(o: &Options) -> Result<Vec<(u32, Vec<usize>)>, i32> {
    if let Some(map) = &o.lcore_map {
        return cores::parse_lcore_map(map);
    }
    let mask = o.core_mask.as_deref().unwrap_or("0x1");
    let cpus = crate::parse_core_mask(mask)?;
    Ok(cpus.into_iter().map(|c| (c, vec![c as usize])).collect())
}

/// `spdk_env_init` with options.
pub fn init(o: Options) -> Result<(), i32> {
    if INITIALIZED.load(Ordering::Acquire) {
        spdk_log::errlog!("the environment is already initialized");
        return Err(-libc::EINVAL);
    }
    let list = core_list(&o)?;
    cores::configure(list, o.main_core)?;
    memory::set_allow_hugepages(!o.no_huge);
    // SPDK's hugepage file prefix: per shared-memory group, else per process.
    let prefix = if o.shm_id >= 0 {
        format!("spdk{}", o.shm_id)
    } else {
        format!("spdk_pid{}", std::process::id())
    };
    memory::set_hugedir(o.hugedir.clone().map(|d| (d, prefix)));
    if o.mem_size > 0 {
        if let Err(e) = memory::reserve(o.mem_size as usize) {
            cores::reset();
            return Err(e);
        }
    }
    if !o.no_pci {
        create_vtophys()?;
    }
    let main = cores::main_core();
    if let Some(lc) = cores::get(main) {
        let _ = cores::pin(&lc.cpus);
    }
    cores::set_current(main);
    *OPTIONS.lock().unwrap_or_else(|e| e.into_inner()) = Some(o);
    ACTIVE.store(true, Ordering::Release);
    INITIALIZED.store(true, Ordering::Release);
    Ok(())
}

fn create_vtophys() -> Result<(), i32> {
    if !VTOPHYS.load(Ordering::Acquire).is_null() {
        return Ok(());
    }
    let map = mem_map::alloc_map(
        u64::MAX,
        Some(vtophys_notify),
        Some(vtophys_contiguous),
        std::ptr::null_mut(),
    )
    .ok_or(-libc::ENOMEM)?;
    VTOPHYS.store(map, Ordering::Release);
    Ok(())
}

/// `spdk_env_init(NULL)` after `spdk_env_fini`: bring back what fini took
/// down, with the options of the first initialisation.
pub fn reinit() -> Result<(), i32> {
    if !INITIALIZED.load(Ordering::Acquire) {
        return Err(-libc::EINVAL);
    }
    if ACTIVE.load(Ordering::Acquire) {
        return Ok(());
    }
    let o = options().unwrap_or_default();
    if !o.no_pci {
        create_vtophys()?;
    }
    ACTIVE.store(true, Ordering::Release);
    Ok(())
}

/// `spdk_env_fini`: drops the address translation built at init; memory
/// already handed out stays valid, as with SPDK.
pub fn fini() {
    if !ACTIVE.swap(false, Ordering::AcqRel) {
        return;
    }
    let map = VTOPHYS.swap(std::ptr::null_mut(), Ordering::AcqRel);
    if !map.is_null() {
        // SAFETY: created by alloc_map in create_vtophys.
        unsafe { mem_map::free_map(map) };
    }
}
