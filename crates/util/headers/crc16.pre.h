/** \file
 * CRC-16 checksum used by T10 DIF guard tags.
 */

/** The generator polynomial of the T10-DIF CRC-16 (MSB-first form). */
#define SPDK_T10DIF_CRC16_POLYNOMIAL 0x8bb7u
