/** \file
 * Compile-time assertions.
 */

/**
 * Fails compilation with `msg` when the constant expression `cond` is
 * false. Expands to nothing where static_assert is unavailable.
 */
#ifdef static_assert
#define SPDK_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define SPDK_STATIC_ASSERT(cond, msg)
#endif
