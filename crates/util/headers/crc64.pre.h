/** \file
 * CRC-64 checksum used by NVMe 64-bit protection information.
 */
