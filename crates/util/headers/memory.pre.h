/** \file
 * Sizes, masks and rounding helpers for 4 KiB and 2 MiB pages.
 */

/* VFIO (device assignment through the IOMMU) exists on Linux >= 3.6. */
#ifndef __linux__
#define VFIO_ENABLED 0
#else
#include <linux/version.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(3, 6, 0)
#define VFIO_ENABLED 1
#else
#define VFIO_ENABLED 0
#endif
#endif

/** log2 of 2 MiB. */
#define SHIFT_2MB		21
/** 2 MiB. */
#define VALUE_2MB		(1ULL << SHIFT_2MB)
/** Mask of the offset bits inside a 2 MiB page. */
#define MASK_2MB		(VALUE_2MB - 1)

/** log2 of 4 KiB. */
#define SHIFT_4KB		12
/** 4 KiB. */
#define VALUE_4KB		(1ULL << SHIFT_4KB)
/** Mask of the offset bits inside a 4 KiB page. */
#define MASK_4KB		(VALUE_4KB - 1)

/** Offset of `ptr` inside its 4 KiB page. */
#define _4KB_OFFSET(ptr)	(((uintptr_t)(ptr)) & MASK_4KB)
/** Offset of `ptr` inside its 2 MiB page. */
#define _2MB_OFFSET(ptr)	(((uintptr_t)(ptr)) & MASK_2MB)
/** Start of the 2 MiB page holding `ptr`. */
#define _2MB_PAGE(ptr)		FLOOR_2MB((uintptr_t)(ptr))
/** `x` rounded down to a multiple of 2 MiB. */
#define FLOOR_2MB(x)		(((uintptr_t)(x)) & ~MASK_2MB)
/** `x` rounded up to a multiple of 2 MiB. */
#define CEIL_2MB(x)		FLOOR_2MB(((uintptr_t)(x)) + VALUE_2MB - 1)
