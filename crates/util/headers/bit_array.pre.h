/** \file
 * Bit arrays that can be resized, with searches for the first set or
 * clear bit.
 */
