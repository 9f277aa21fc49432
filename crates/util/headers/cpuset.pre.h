/** \file
 * Sets of CPU cores: building, combining, and converting them from and to
 * the core mask text of SPDK's -m option.
 */
