/** \file
 * Helpers for file descriptors: file and block device sizes, blocking mode.
 */
