struct spdk_bdev_module;
struct spdk_bdev_fn_table;
struct spdk_bdev_alias;
struct spdk_bdev_part;

/** A name of a bdev (its own or an alias), as SPDK keeps it in its name tree. */
struct spdk_bdev_name {
	char *name;
	struct spdk_bdev *bdev;
	struct {
		struct spdk_bdev_name *rbe_left;
		struct spdk_bdev_name *rbe_right;
		struct spdk_bdev_name *rbe_parent;
		int rbe_color;
	} node;
};

/** One alias of a bdev: an entry of its `aliases` list. */
struct spdk_bdev_alias {
	struct spdk_bdev_name alias;
	TAILQ_ENTRY(spdk_bdev_alias) tailq;
};

/** A module's list of the parts it built (bdev part API). */
typedef TAILQ_HEAD(bdev_part_tailq, spdk_bdev_part) SPDK_BDEV_PART_TAILQ;

/**
 * A block device, filled in by its module before spdk_bdev_register().
 * Written by hand (C bitfields); the library's Rust definition has the
 * same layout, which is SPDK's.
 */
struct spdk_bdev {
	/** The module's context, passed to the function table's callbacks. */
	void *ctxt;
	/** Unique name. */
	char *name;
	/** Other names (spdk_bdev_alias_add(); the UUID is one). */
	TAILQ_HEAD(spdk_bdev_aliases_list, spdk_bdev_alias) aliases;
	/** Product name shown by bdev_get_bdevs. */
	char *product_name;
	/** Non-zero when the device has a volatile write cache. */
	int write_cache;
	/** Logical block size in bytes. */
	uint32_t blocklen;
	/** Physical block size in bytes (0: the logical one). */
	uint32_t phys_blocklen;
	/** Filled in by the library. */
	uint32_t io_type_supported;
	/** Number of logical blocks. */
	uint64_t blockcnt;
	struct {
		/** Split I/O on write unit boundaries. */
		uint32_t split_on_write_unit : 1;
		/** Split I/O on optimal_io_boundary. */
		uint32_t split_on_optimal_io_boundary : 1;
		/** Metadata is interleaved with the data. */
		uint32_t md_interleave : 1;
		/** DIF sits at the start of the metadata. */
		uint32_t dif_is_head_of_md : 1;
		/** Zoned device. */
		uint32_t zoned : 1;
		/** Reports media events. */
		uint32_t media_events : 1;
		/** Supports memory domains. */
		uint32_t memory_domains_supported : 1;
		uint32_t reserved : 25;
	};
	/** Write unit in blocks (0 or 1: one block). */
	uint32_t write_unit_size;
	/** Atomic compare-and-write unit in blocks. */
	uint16_t acwu;
	/** Required buffer alignment, as a power of 2 exponent (0: none). */
	uint8_t required_alignment;
	uint8_t reserved1;
	/** Optimal I/O boundary in blocks (0: none). */
	uint32_t optimal_io_boundary;
	uint32_t preferred_write_alignment;
	uint32_t preferred_write_granularity;
	uint32_t optimal_write_size;
	uint32_t preferred_unmap_alignment;
	uint32_t preferred_unmap_granularity;
	/** Largest segment of one I/O in bytes (0: no limit). */
	uint32_t max_segment_size;
	/** Largest number of segments of one I/O (0: no limit). */
	uint32_t max_num_segments;
	uint32_t max_unmap;
	uint32_t max_unmap_segments;
	uint32_t max_write_zeroes;
	uint32_t max_copy;
	uint32_t max_rw_size;
	/** UUID (generated at registration when all zeroes). */
	struct spdk_uuid uuid;
	/** Metadata bytes per block. */
	uint32_t md_len;
	uint8_t reserved2[4];
	/** enum spdk_dif_type. */
	uint32_t dif_type;
	/** enum spdk_dif_pi_format. */
	uint32_t dif_pi_format;
	uint8_t reserved3[4];
	uint32_t dif_check_flags;
	uint8_t reserved4[8];
	uint64_t zone_size;
	uint32_t max_zone_append_size;
	uint32_t max_open_zones;
	uint32_t max_active_zones;
	uint32_t optimal_open_zones;
	uint8_t reserved6[4];
	union spdk_bdev_nvme_ctratt ctratt;
	uint32_t nsid;
	uint16_t reset_io_drain_timeout;
	uint8_t reserved7[2];
	struct {
		uint32_t id_valid : 1;
		int32_t id : 31;
	} numa;
	uint32_t accel_sequence_supported;
	/** The module owning the bdev. */
	struct spdk_bdev_module *module;
	/** The module's functions for this bdev. */
	const struct spdk_bdev_fn_table *fn_table;
	/** Private to the bdev library. */
	struct {
		uint64_t reserved[42];
	} internal;
};
