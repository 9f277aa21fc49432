
/**
 * Iterator walking several iovec arrays in step. It holds two arrays
 * inline; for `count` arrays allocate SPDK_IOVITER_SIZE(count) bytes.
 */
struct spdk_ioviter {
	uint32_t	count;

	union {
		struct spdk_single_ioviter iters_compat[2];
		struct spdk_single_ioviter iters[0];
	};
};

/** Bytes needed for a struct spdk_ioviter over `count` (>= 2) arrays. */
#define SPDK_IOVITER_SIZE(count) \
	(sizeof(struct spdk_single_ioviter) * ((count) - 2) + sizeof(struct spdk_ioviter))

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Advances a xorshift64 generator and returns its new value.
 *
 * \param state generator state; must not be 0.
 * \return the next pseudo-random value (also stored in `*state`).
 */
static inline uint64_t
spdk_rand_xorshift64(uint64_t *state)
{
	uint64_t v = *state;

	v ^= v << 13;
	v ^= v >> 7;
	v ^= v << 17;
	*state = v;
	return v;
}

/**
 * A non-zero starting state for spdk_rand_xorshift64(), taken from rand().
 */
static inline uint64_t
spdk_rand_xorshift64_seed(void)
{
	uint64_t seed = ((uint64_t)rand() << 32) | (uint64_t)rand();

	return seed != 0 ? seed : 1;
}

/** The smallest power of two >= `x` (for `x` >= 2). */
static inline uint32_t
spdk_align32pow2(uint32_t x)
{
	return 1u << (1 + spdk_u32log2(x - 1));
}

/** The smallest power of two >= `x` (for `x` >= 2). */
static inline uint64_t
spdk_align64pow2(uint64_t x)
{
	return 1ULL << (1 + spdk_u64log2(x - 1));
}

/** Whether `x` is a power of two (0 is not). */
static inline bool
spdk_u32_is_pow2(uint32_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/** Whether `x` is a power of two (0 is not). */
static inline bool
spdk_u64_is_pow2(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/** `num / divisor` rounded up. */
static inline uint64_t
spdk_divide_round_up(uint64_t num, uint64_t divisor)
{
	return (num + divisor - 1) / divisor;
}

/** `num` rounded up to a multiple of `divisor`. */
static inline uint64_t
spdk_round_up(uint64_t num, uint64_t divisor)
{
	return spdk_divide_round_up(num, divisor) * divisor;
}

/** Serial-number (RFC 1982 style) addition of 32-bit sequence numbers. */
static inline uint32_t
spdk_sn32_add(uint32_t s1, uint32_t s2)
{
	return (uint32_t)(s1 + s2);
}

/** Whether sequence number `s1` comes before `s2` in serial arithmetic. */
static inline bool
spdk_sn32_lt(uint32_t s1, uint32_t s2)
{
	if (s1 == s2) {
		return false;
	}
	return (s1 < s2 && s2 - s1 < SPDK_SN32_CMPMAX) ||
	       (s1 > s2 && s1 - s2 > SPDK_SN32_CMPMAX);
}

/** Whether sequence number `s1` comes after `s2` in serial arithmetic. */
static inline bool
spdk_sn32_gt(uint32_t s1, uint32_t s2)
{
	if (s1 == s2) {
		return false;
	}
	return (s1 < s2 && s2 - s1 > SPDK_SN32_CMPMAX) ||
	       (s1 > s2 && s1 - s2 < SPDK_SN32_CMPMAX);
}

/**
 * Writes `count` bytes of value `ch` at `data`, never more than
 * `data_size`, through a volatile pointer so the compiler cannot drop the
 * stores (for wiping secrets). A NULL `data` is ignored.
 */
static inline void
spdk_memset_s(void *data, size_t data_size, int ch, size_t count)
{
	volatile unsigned char *p = (volatile unsigned char *)data;
	size_t i;

	if (p == NULL) {
		return;
	}
	if (count > data_size) {
		count = data_size;
	}
	for (i = 0; i < count; i++) {
		p[i] = (unsigned char)ch;
	}
}

#ifdef __cplusplus
}
#endif
