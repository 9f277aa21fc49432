/** \file
 * UUIDs: parsing, formatting, comparison and generation (random and
 * SHA-1 name-based).
 */
