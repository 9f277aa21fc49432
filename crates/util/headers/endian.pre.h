/** \file
 * Loading and storing integers with a fixed byte order at any alignment.
 */

#ifdef __cplusplus
extern "C" {
#endif

/** Reads a 16-bit big-endian integer from `ptr`. */
static inline uint16_t
from_be16(const void *ptr)
{
	const uint8_t *b = (const uint8_t *)ptr;

	return (uint16_t)(((uint16_t)b[0] << 8) |
		(uint16_t)b[1]);
}

/** Writes `in` at `out` as a 16-bit big-endian integer. */
static inline void
to_be16(void *out, uint16_t in)
{
	uint8_t *b = (uint8_t *)out;

	b[0] = (uint8_t)(in >> 8);
	b[1] = (uint8_t)in;
}

/** Reads a 16-bit little-endian integer from `ptr`. */
static inline uint16_t
from_le16(const void *ptr)
{
	const uint8_t *b = (const uint8_t *)ptr;

	return (uint16_t)(((uint16_t)b[1] << 8) |
		(uint16_t)b[0]);
}

/** Writes `in` at `out` as a 16-bit little-endian integer. */
static inline void
to_le16(void *out, uint16_t in)
{
	uint8_t *b = (uint8_t *)out;

	b[1] = (uint8_t)(in >> 8);
	b[0] = (uint8_t)in;
}

/** Reads a 32-bit big-endian integer from `ptr`. */
static inline uint32_t
from_be32(const void *ptr)
{
	const uint8_t *b = (const uint8_t *)ptr;

	return (uint32_t)(((uint32_t)b[0] << 24) |
		((uint32_t)b[1] << 16) |
		((uint32_t)b[2] << 8) |
		(uint32_t)b[3]);
}

/** Writes `in` at `out` as a 32-bit big-endian integer. */
static inline void
to_be32(void *out, uint32_t in)
{
	uint8_t *b = (uint8_t *)out;

	b[0] = (uint8_t)(in >> 24);
	b[1] = (uint8_t)(in >> 16);
	b[2] = (uint8_t)(in >> 8);
	b[3] = (uint8_t)in;
}

/** Reads a 32-bit little-endian integer from `ptr`. */
static inline uint32_t
from_le32(const void *ptr)
{
	const uint8_t *b = (const uint8_t *)ptr;

	return (uint32_t)(((uint32_t)b[3] << 24) |
		((uint32_t)b[2] << 16) |
		((uint32_t)b[1] << 8) |
		(uint32_t)b[0]);
}

/** Writes `in` at `out` as a 32-bit little-endian integer. */
static inline void
to_le32(void *out, uint32_t in)
{
	uint8_t *b = (uint8_t *)out;

	b[3] = (uint8_t)(in >> 24);
	b[2] = (uint8_t)(in >> 16);
	b[1] = (uint8_t)(in >> 8);
	b[0] = (uint8_t)in;
}

/** Reads a 64-bit big-endian integer from `ptr`. */
static inline uint64_t
from_be64(const void *ptr)
{
	const uint8_t *b = (const uint8_t *)ptr;

	return (uint64_t)(((uint64_t)b[0] << 56) |
		((uint64_t)b[1] << 48) |
		((uint64_t)b[2] << 40) |
		((uint64_t)b[3] << 32) |
		((uint64_t)b[4] << 24) |
		((uint64_t)b[5] << 16) |
		((uint64_t)b[6] << 8) |
		(uint64_t)b[7]);
}

/** Writes `in` at `out` as a 64-bit big-endian integer. */
static inline void
to_be64(void *out, uint64_t in)
{
	uint8_t *b = (uint8_t *)out;

	b[0] = (uint8_t)(in >> 56);
	b[1] = (uint8_t)(in >> 48);
	b[2] = (uint8_t)(in >> 40);
	b[3] = (uint8_t)(in >> 32);
	b[4] = (uint8_t)(in >> 24);
	b[5] = (uint8_t)(in >> 16);
	b[6] = (uint8_t)(in >> 8);
	b[7] = (uint8_t)in;
}

/** Reads a 64-bit little-endian integer from `ptr`. */
static inline uint64_t
from_le64(const void *ptr)
{
	const uint8_t *b = (const uint8_t *)ptr;

	return (uint64_t)(((uint64_t)b[7] << 56) |
		((uint64_t)b[6] << 48) |
		((uint64_t)b[5] << 40) |
		((uint64_t)b[4] << 32) |
		((uint64_t)b[3] << 24) |
		((uint64_t)b[2] << 16) |
		((uint64_t)b[1] << 8) |
		(uint64_t)b[0]);
}

/** Writes `in` at `out` as a 64-bit little-endian integer. */
static inline void
to_le64(void *out, uint64_t in)
{
	uint8_t *b = (uint8_t *)out;

	b[7] = (uint8_t)(in >> 56);
	b[6] = (uint8_t)(in >> 48);
	b[5] = (uint8_t)(in >> 40);
	b[4] = (uint8_t)(in >> 32);
	b[3] = (uint8_t)(in >> 24);
	b[2] = (uint8_t)(in >> 16);
	b[1] = (uint8_t)(in >> 8);
	b[0] = (uint8_t)in;
}

#ifdef __cplusplus
}
#endif
