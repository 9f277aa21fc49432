/** \file
 * Zoned block devices: zone geometry, zone information, zone management
 * and zone append, passed to modules that support the zone I/O types.
 */

struct spdk_bdev;
struct spdk_bdev_desc;
struct spdk_io_channel;

/** The state of a zone. */
enum spdk_bdev_zone_state {
	SPDK_BDEV_ZONE_STATE_EMPTY	= 0x0,
	SPDK_BDEV_ZONE_STATE_IMP_OPEN	= 0x1,
	/* Kept for older users: an implicitly opened zone. */
	SPDK_BDEV_ZONE_STATE_OPEN	= SPDK_BDEV_ZONE_STATE_IMP_OPEN,
	SPDK_BDEV_ZONE_STATE_FULL	= 0x2,
	SPDK_BDEV_ZONE_STATE_CLOSED	= 0x3,
	SPDK_BDEV_ZONE_STATE_READ_ONLY	= 0x4,
	SPDK_BDEV_ZONE_STATE_OFFLINE	= 0x5,
	SPDK_BDEV_ZONE_STATE_EXP_OPEN	= 0x6,
	SPDK_BDEV_ZONE_STATE_NOT_WP	= 0x7,
};
