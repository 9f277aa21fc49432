/** \file
 * Open-Channel SSD 2.0 commands: whether a controller is open-channel,
 * its geometry, and the vector I/O commands, which address up to
 * SPDK_NVME_OCSSD_MAX_LBAL_ENTRIES logical blocks each by a list.
 */
