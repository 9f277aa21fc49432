/** \file
 * Branch prediction hints.
 */

/** Tells the compiler `cond` is expected to be false. */
#define spdk_unlikely(cond)	__builtin_expect((cond), 0)
/** Tells the compiler `cond` is expected to be true. */
#define spdk_likely(cond)	__builtin_expect(!!(cond), 1)
