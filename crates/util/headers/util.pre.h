/** \file
 * General helpers: min/max and alignment macros, integer logarithms,
 * serial-number arithmetic and iovec iteration and copying.
 */

/** Size in bytes of a CPU cache line, for alignment of hot structures. */
#define SPDK_CACHE_LINE_SIZE 64

/** The smaller of two values (arguments may be evaluated twice). */
#define spdk_min(a,b) (((a)<(b))?(a):(b))
/** The larger of two values (arguments may be evaluated twice). */
#define spdk_max(a,b) (((a)>(b))?(a):(b))

/** Number of elements of an array (not a pointer). */
#define SPDK_COUNTOF(arr) (sizeof(arr) / sizeof((arr)[0]))

/** The address of the `type` object whose `member` is at `ptr`. */
#define SPDK_CONTAINEROF(ptr, type, member) ((type *)((uintptr_t)ptr - offsetof(type, member)))

/** Bytes of the object at `ptr` up to the end of `member`. */
#define SPDK_SIZEOF(ptr, member) (offsetof(__typeof__(*(ptr)), member) + sizeof((ptr)->member))

/** Size of `member` of struct type `type`. */
#define SPDK_SIZEOF_MEMBER(type, member) (sizeof(((type *)0)->member))

/** Number of elements of the array `member` of struct type `type`. */
#define SPDK_COUNTOF_MEMBER(type, member) (SPDK_COUNTOF(((type *)0)->member))

/** Milliseconds per second. */
#define SPDK_SEC_TO_MSEC 1000ULL
/** Microseconds per second. */
#define SPDK_SEC_TO_USEC 1000000ULL
/** Nanoseconds per second. */
#define SPDK_SEC_TO_NSEC 1000000000ULL

/** Microseconds per millisecond. */
#define SPDK_MSEC_TO_USEC 1000ULL

/** Division of unsigned integers rounding up. */
#define SPDK_CEIL_DIV(x,y) (((x)+(y)-1)/(y))

/**
 * Rounds `val` down to a multiple of `align` (a power of two); the result
 * has the type of `val`.
 */
#define SPDK_ALIGN_FLOOR(val, align) \
	(__typeof__(val))((val) & (~((__typeof__(val))((align) - 1))))

/**
 * Rounds `val` up to a multiple of `align` (a power of two); the result has
 * the type of `val`.
 */
#define SPDK_ALIGN_CEIL(val, align) \
	SPDK_ALIGN_FLOOR(((val) + ((__typeof__(val)) (align) - 1)), align)

/** An unsigned long with only bit `n` set. */
#define SPDK_BIT(n) (1ul << (n))

/**
 * Whether `field` lies entirely within the first `size` bytes of the
 * size-tracked object `obj`; the size defaults to `(obj)->size` when the
 * optional third argument is left out.
 */
#define SPDK_FIELD_VALID(obj, field, ...) \
	_SPDK_FIELD_VALID(obj, field, ## __VA_ARGS__, (obj)->size)

#define _SPDK_FIELD_VALID(obj, field, size, ...) \
	((size) >= (offsetof(__typeof__(*(obj)), field) + sizeof((obj)->field)))

/**
 * `(obj)->field` when the size-tracked object is large enough to hold it,
 * otherwise `defval`; the size defaults to `(obj)->size` when the optional
 * fourth argument is left out.
 */
#define SPDK_GET_FIELD(obj, field, defval, ...) \
	_SPDK_GET_FIELD(obj, field, defval, ## __VA_ARGS__, (obj)->size)

#define _SPDK_GET_FIELD(obj, field, defval, size, ...) \
	(SPDK_FIELD_VALID(obj, field, size) ? (obj)->field : (defval))

/**
 * Sets `*(piovcnt)` to 1 and `*(piov)` to describe the single buffer
 * `buf` of `buflen` bytes.
 */
#define SPDK_IOV_ONE(piov, piovcnt, buf, buflen) do {	\
	(piov)->iov_base = (buf);			\
	(piov)->iov_len = (buflen);			\
	*(piovcnt) = 1;					\
} while (0)

/**
 * Fills `arr[0..arr_size)` with a pointer to a static dummy buffer of
 * `buf_size` bytes so static analysers do not flag the array as holding
 * NULL pointers.
 */
#define SPDK_CLANG_ANALYZER_PREINIT_PTR_ARRAY(arr, arr_size, buf_size) \
	do { \
		static char dummy_buf[buf_size]; \
		int i; \
		for (i = 0; i < arr_size; i++) { \
			arr[i] = (void *)dummy_buf; \
		} \
	} while (0)

/** Half the serial-number space: the limit of spdk_sn32_lt()/gt(). */
#define SPDK_SN32_CMPMAX	(1U << (32 - 1))

struct spdk_ioviter;
