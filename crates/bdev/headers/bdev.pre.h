/** A block device (defined in spdk/bdev_module.h). */
struct spdk_bdev;
/** One I/O request (defined in spdk/bdev_module.h). */
struct spdk_bdev_io;
/** An open handle to a bdev. */
struct spdk_bdev_desc;
struct spdk_bdev_io_wait_entry;
