//! DMA-capable memory. (Placeholder: the hugepage-backed allocator and the
//! address maps replace this; the signatures stay.)

use std::ptr::NonNull;

/// Allocates `size` bytes aligned to `align` (a power of two, or 0 for the
/// default of 64) that devices may DMA to. Returns None when out of memory.
pub fn dma_alloc(size: usize, align: usize, _numa_id: i32) -> Option<NonNull<u8>> {
    let align = if align == 0 { 64 } else { align }.max(std::mem::size_of::<usize>());
    if !align.is_power_of_two() {
        return None;
    }
    let mut p: *mut libc::c_void = std::ptr::null_mut();
    // SAFETY: posix_memalign writes p on success only.
    let rc = unsafe { libc::posix_memalign(&mut p, align, size.max(1)) };
    if rc != 0 {
        return None;
    }
    NonNull::new(p.cast())
}

/// Frees memory from `dma_alloc`.
///
/// # Safety
/// `p` must come from `dma_alloc` and not have been freed.
pub unsafe fn dma_free(p: NonNull<u8>) {
    libc::free(p.as_ptr().cast());
}
