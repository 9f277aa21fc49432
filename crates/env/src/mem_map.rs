//! Virtual-address translation maps (`spdk_mem_map`) and the registry of
//! memory registered for DMA (`spdk_mem_register`).
//!
//! A map covers the 48-bit user address space like SPDK's: a top table of
//! 1 GiB slots, each a table of 2 MiB entries, each of which may be split
//! into 4 KiB entries. Lookups are lock-free loads; updates take the map's
//! lock (they are control-path operations).

use std::collections::BTreeMap;
use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::Mutex;

pub const SHIFT_4KB: u32 = 12;
pub const SHIFT_2MB: u32 = 21;
pub const SHIFT_1GB: u32 = 30;
pub const VALUE_4KB: u64 = 1 << SHIFT_4KB;
pub const VALUE_2MB: u64 = 1 << SHIFT_2MB;
pub const MASK_4KB: u64 = VALUE_4KB - 1;
pub const MASK_2MB: u64 = VALUE_2MB - 1;
pub const MASK_256TB: u64 = (1 << 48) - 1;
const ENTRIES_1GB: usize = 1 << (48 - SHIFT_1GB);
const ENTRIES_PER_1GB: usize = 1 << (SHIFT_1GB - SHIFT_2MB);
const ENTRIES_PER_2MB: usize = 1 << (SHIFT_2MB - SHIFT_4KB);

/// What a map is told when memory is registered or unregistered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notify {
    Register,
    Unregister,
}

/// Callbacks of a map, in C form (`struct spdk_mem_map_ops`).
pub type NotifyCb = unsafe extern "C" fn(*mut c_void, *mut MemMap, i32, *mut c_void, usize) -> i32;
pub type ContiguousCb = unsafe extern "C" fn(u64, u64) -> i32;

struct Entry2Mb {
    translation: AtomicU64,
    pages_4kb: AtomicPtr<[AtomicU64; ENTRIES_PER_2MB]>,
}

type Table1Gb = [Entry2Mb; ENTRIES_PER_1GB];

pub struct MemMap {
    default_translation: u64,
    notify: Option<NotifyCb>,
    contiguous: Option<ContiguousCb>,
    cb_ctx: *mut c_void,
    top: Box<[AtomicPtr<Table1Gb>]>,
    update: Mutex<()>,
}

// SAFETY: the tables are atomics; cb_ctx is the caller's and SPDK lets maps
// be used from any thread.
unsafe impl Send for MemMap {}
unsafe impl Sync for MemMap {}

impl MemMap {
    fn new(
        default_translation: u64,
        notify: Option<NotifyCb>,
        contiguous: Option<ContiguousCb>,
        cb_ctx: *mut c_void,
    ) -> Box<MemMap> {
        let top = (0..ENTRIES_1GB)
            .map(|_| AtomicPtr::new(ptr::null_mut()))
            .collect();
        Box::new(MemMap {
            default_translation,
            notify,
            contiguous,
            cb_ctx,
            top,
            update: Mutex::new(()),
        })
    }

    pub fn default_translation(&self) -> u64 {
        self.default_translation
    }

    fn table_1gb(&self, vaddr: u64, create: bool) -> Option<&Table1Gb> {
        let slot = &self.top[(vaddr >> SHIFT_1GB) as usize];
        let mut p = slot.load(Ordering::Acquire);
        if p.is_null() {
            if !create {
                return None;
            }
            let d = self.default_translation;
            let table: Box<Table1Gb> = Box::new(std::array::from_fn(|_| Entry2Mb {
                translation: AtomicU64::new(d),
                pages_4kb: AtomicPtr::new(ptr::null_mut()),
            }));
            p = Box::into_raw(table);
            slot.store(p, Ordering::Release);
        }
        // SAFETY: tables live until the map is dropped.
        Some(unsafe { &*p })
    }

    /// The translation of the page holding `vaddr`, and that page's size.
    pub fn lookup(&self, vaddr: u64) -> (u64, u64) {
        let Some(t) = self.table_1gb(vaddr, false) else {
            return (self.default_translation, VALUE_2MB);
        };
        let e = &t[((vaddr >> SHIFT_2MB) as usize) & (ENTRIES_PER_1GB - 1)];
        let sub = e.pages_4kb.load(Ordering::Acquire);
        if sub.is_null() {
            (e.translation.load(Ordering::Acquire), VALUE_2MB)
        } else {
            // SAFETY: 4 KiB tables live until the map is dropped.
            let sub = unsafe { &*sub };
            (
                sub[((vaddr >> SHIFT_4KB) as usize) & (ENTRIES_PER_2MB - 1)]
                    .load(Ordering::Acquire),
                VALUE_4KB,
            )
        }
    }

    /// Sets the translation of [vaddr, vaddr+size); each following page gets
    /// `translation` advanced by the page size, as SPDK does.
    pub fn set_translation(&self, vaddr: u64, size: u64, mut translation: u64) -> Result<(), i32> {
        if vaddr & !MASK_256TB != 0 || vaddr & MASK_4KB != 0 || size & MASK_4KB != 0 {
            return Err(-libc::EINVAL);
        }
        let end = vaddr.checked_add(size).ok_or(-libc::EINVAL)?;
        if end > MASK_256TB + 1 {
            return Err(-libc::EINVAL);
        }
        let is_default = translation == self.default_translation;
        let _g = self.update.lock().unwrap_or_else(|e| e.into_inner());
        let mut va = vaddr;
        while va < end {
            let t = self.table_1gb(va, true).expect("created");
            let e = &t[((va >> SHIFT_2MB) as usize) & (ENTRIES_PER_1GB - 1)];
            let sub = e.pages_4kb.load(Ordering::Acquire);
            if va & MASK_2MB == 0 && end - va >= VALUE_2MB && sub.is_null() {
                e.translation.store(translation, Ordering::Release);
                va += VALUE_2MB;
                if !is_default {
                    translation = translation.wrapping_add(VALUE_2MB);
                }
                continue;
            }
            let sub = if sub.is_null() {
                // Split the 2 MiB entry into 4 KiB pages, keeping what it mapped.
                let base = e.translation.load(Ordering::Acquire);
                let d = self.default_translation;
                let pages: Box<[AtomicU64; ENTRIES_PER_2MB]> = Box::new(std::array::from_fn(|i| {
                    AtomicU64::new(if base == d {
                        d
                    } else {
                        base.wrapping_add(i as u64 * VALUE_4KB)
                    })
                }));
                let p = Box::into_raw(pages);
                e.pages_4kb.store(p, Ordering::Release);
                p
            } else {
                sub
            };
            // SAFETY: see lookup().
            let sub = unsafe { &*sub };
            sub[((va >> SHIFT_4KB) as usize) & (ENTRIES_PER_2MB - 1)]
                .store(translation, Ordering::Release);
            va += VALUE_4KB;
            if !is_default {
                translation = translation.wrapping_add(VALUE_4KB);
            }
        }
        Ok(())
    }

    pub fn clear_translation(&self, vaddr: u64, size: u64) -> Result<(), i32> {
        self.set_translation(vaddr, size, self.default_translation)
    }

    /// SPDK's `spdk_mem_map_translate`: the translation of the page holding
    /// `vaddr`; `size`, when given, is reduced to the length over which the
    /// translation stays contiguous (per the map's `are_contiguous`).
    pub fn translate(&self, vaddr: u64, size: Option<&mut u64>) -> u64 {
        if vaddr & !MASK_256TB != 0 {
            return self.default_translation;
        }
        let (first, page) = self.lookup(vaddr);
        let mut cur = page - (vaddr & (page - 1));
        let Some(size) = size else { return first };
        match self.contiguous {
            Some(contig) if first != self.default_translation => {
                let mut prev = first;
                let mut va = vaddr + cur;
                while cur < *size && va <= MASK_256TB {
                    let (t, page) = self.lookup(va);
                    // SAFETY: the caller's callback, called as SPDK documents.
                    if unsafe { contig(prev, t) } == 0 {
                        break;
                    }
                    cur += page;
                    va += page;
                    prev = t;
                }
            }
            _ => {}
        }
        *size = (*size).min(cur);
        first
    }
}

impl Drop for MemMap {
    fn drop(&mut self) {
        for slot in self.top.iter() {
            let p = slot.load(Ordering::Acquire);
            if p.is_null() {
                continue;
            }
            // SAFETY: created by Box::into_raw in table_1gb.
            let t = unsafe { Box::from_raw(p) };
            for e in t.iter() {
                let sub = e.pages_4kb.load(Ordering::Acquire);
                if !sub.is_null() {
                    // SAFETY: created by Box::into_raw in set_translation.
                    drop(unsafe { Box::from_raw(sub) });
                }
            }
        }
    }
}

struct Registry {
    /// Registered regions: start -> length.
    regions: BTreeMap<u64, u64>,
    /// Maps to notify, as raw pointers owned by their creators.
    maps: Vec<*mut MemMap>,
}

// SAFETY: the pointers are only dereferenced under the registry lock.
unsafe impl Send for Registry {}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    regions: BTreeMap::new(),
    maps: Vec::new(),
});

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

fn notify(map: *mut MemMap, action: Notify, vaddr: u64, len: u64) -> i32 {
    // SAFETY: maps in the registry are alive until unlinked under the lock.
    let m = unsafe { &*map };
    match m.notify {
        None => 0,
        // SAFETY: the caller's callback with its own context.
        Some(cb) => unsafe {
            cb(
                m.cb_ctx,
                map,
                match action {
                    Notify::Register => 0,
                    Notify::Unregister => 1,
                },
                vaddr as *mut c_void,
                len as usize,
            )
        },
    }
}

/// Creates a map and tells it about every region already registered.
/// On a failing notification, the regions already reported are
/// unregistered again and the map is not created.
pub fn alloc_map(
    default_translation: u64,
    notify_cb: Option<NotifyCb>,
    contiguous: Option<ContiguousCb>,
    cb_ctx: *mut c_void,
) -> Option<*mut MemMap> {
    let map = Box::into_raw(MemMap::new(
        default_translation,
        notify_cb,
        contiguous,
        cb_ctx,
    ));
    let mut reg = registry();
    let regions: Vec<(u64, u64)> = reg.regions.iter().map(|(a, b)| (*a, *b)).collect();
    for (i, (va, len)) in regions.iter().enumerate() {
        if notify(map, Notify::Register, *va, *len) != 0 {
            for (va, len) in regions[..i].iter().rev() {
                notify(map, Notify::Unregister, *va, *len);
            }
            // SAFETY: not shared yet.
            drop(unsafe { Box::from_raw(map) });
            return None;
        }
    }
    reg.maps.push(map);
    Some(map)
}

/// Unregisters every region from the map, unlinks and frees it.
///
/// # Safety
/// `map` must come from `alloc_map` and not be used afterwards.
pub unsafe fn free_map(map: *mut MemMap) {
    let mut reg = registry();
    let Some(pos) = reg.maps.iter().position(|m| *m == map) else {
        return;
    };
    reg.maps.remove(pos);
    let regions: Vec<(u64, u64)> = reg.regions.iter().map(|(a, b)| (*a, *b)).collect();
    for (va, len) in regions {
        notify(map, Notify::Unregister, va, len);
    }
    drop(Box::from_raw(map));
}

fn check_region(vaddr: u64, len: u64) -> Result<(), i32> {
    if vaddr & !MASK_256TB != 0 || vaddr & MASK_4KB != 0 || len & MASK_4KB != 0 {
        return Err(-libc::EINVAL);
    }
    vaddr
        .checked_add(len)
        .filter(|e| *e <= MASK_256TB + 1)
        .ok_or(-libc::EINVAL)?;
    Ok(())
}

/// `spdk_mem_register`: 4 KiB aligned; overlapping an existing
/// registration is -EBUSY. Every map is notified; if one refuses, the
/// others are told to forget the region again and the error is returned.
pub fn register(vaddr: u64, len: u64) -> Result<(), i32> {
    check_region(vaddr, len)?;
    if len == 0 {
        return Ok(());
    }
    let mut reg = registry();
    let overlaps = reg
        .regions
        .range(..vaddr + len)
        .next_back()
        .is_some_and(|(s, l)| s + l > vaddr);
    if overlaps {
        return Err(-libc::EBUSY);
    }
    let maps = reg.maps.clone();
    for (i, m) in maps.iter().enumerate() {
        let rc = notify(*m, Notify::Register, vaddr, len);
        if rc != 0 {
            for m in maps[..i].iter().rev() {
                notify(*m, Notify::Unregister, vaddr, len);
            }
            return Err(rc);
        }
    }
    reg.regions.insert(vaddr, len);
    Ok(())
}

/// `spdk_mem_unregister`: the range must be made of whole registrations.
pub fn unregister(vaddr: u64, len: u64) -> Result<(), i32> {
    check_region(vaddr, len)?;
    if len == 0 {
        return Ok(());
    }
    let mut reg = registry();
    let end = vaddr + len;
    let mut covered = vaddr;
    let mut parts = Vec::new();
    for (s, l) in reg.regions.range(vaddr..end) {
        if *s != covered || s + l > end {
            return Err(-libc::EINVAL);
        }
        parts.push((*s, *l));
        covered = s + l;
    }
    if covered != end {
        return Err(-libc::EINVAL);
    }
    let maps = reg.maps.clone();
    for (s, l) in parts {
        for m in &maps {
            let rc = notify(*m, Notify::Unregister, s, l);
            if rc != 0 {
                return Err(rc);
            }
        }
        reg.regions.remove(&s);
    }
    Ok(())
}

/// Whether [vaddr, vaddr+len) lies inside registered memory.
pub fn is_registered(vaddr: u64, len: u64) -> bool {
    let reg = registry();
    reg.regions
        .range(..=vaddr)
        .next_back()
        .is_some_and(|(s, l)| vaddr + len <= s + l)
}

#[cfg(test)]
mod tests {
    use super::*;

    unsafe extern "C" fn contiguous(a: u64, b: u64) -> i32 {
        (b == a + VALUE_2MB || b == a + VALUE_4KB) as i32
    }

    #[test]
    fn translate_2mb_and_4kb_pages() {
        let m = MemMap::new(u64::MAX, None, Some(contiguous), ptr::null_mut());
        assert_eq!(m.translate(0x4000_0000, None), u64::MAX);
        m.set_translation(0x4000_0000, 2 * VALUE_2MB, 0x10_0000_0000)
            .unwrap();
        assert_eq!(m.translate(0x4000_0000, None), 0x10_0000_0000);
        assert_eq!(m.translate(0x4020_0000, None), 0x10_0020_0000);
        let mut size = 8 * VALUE_2MB;
        m.translate(0x4000_1000, Some(&mut size));
        assert_eq!(size, 2 * VALUE_2MB - 0x1000);
        m.set_translation(0x4040_1000, VALUE_4KB, 7).unwrap();
        assert_eq!(m.translate(0x4040_1000, None), 7);
        assert_eq!(m.translate(0x4040_2000, None), u64::MAX);
        assert_eq!(m.set_translation(0x1001, 4096, 1), Err(-libc::EINVAL));
        assert_eq!(m.set_translation(1 << 48, 4096, 1), Err(-libc::EINVAL));
        m.clear_translation(0x4000_0000, VALUE_2MB).unwrap();
        assert_eq!(m.translate(0x4000_0000, None), u64::MAX);
    }
}
