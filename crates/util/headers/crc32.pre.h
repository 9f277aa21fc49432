/** \file
 * CRC-32 checksums: IEEE 802.3 and Castagnoli (CRC-32C).
 */

/** Size in bytes of a CRC-32 value. */
#define SPDK_CRC32_SIZE_BYTES 4
