/** \file
 * Vendor-specific log pages and features of Intel NVMe SSDs (DC P3700
 * family). Read them with spdk_nvme_ctrlr_cmd_get_log_page() and
 * spdk_nvme_ctrlr_cmd_get_feature() / _set_feature() using the identifiers
 * below.
 */

#ifdef __cplusplus
extern "C" {
#endif

/** Intel feature identifiers (Get / Set Features FID). */
enum spdk_nvme_intel_feat {
	SPDK_NVME_INTEL_FEAT_MAX_LBA = 0xC1,
	SPDK_NVME_INTEL_FEAT_NATIVE_MAX_LBA = 0xC2,
	SPDK_NVME_INTEL_FEAT_POWER_GOVERNOR_SETTING = 0xC6,
	SPDK_NVME_INTEL_FEAT_SMBUS_ADDRESS = 0xC8,
	SPDK_NVME_INTEL_FEAT_LED_PATTERN = 0xC9,
	SPDK_NVME_INTEL_FEAT_RESET_TIMED_WORKLOAD_COUNTERS = 0xD5,
	SPDK_NVME_INTEL_FEAT_LATENCY_TRACKING = 0xE2,
};

/** Command specific status codes of Set Features Max LBA. */
enum spdk_nvme_intel_set_max_lba_command_status_code {
	SPDK_NVME_INTEL_EXCEEDS_AVAILABLE_CAPACITY = 0xC0,
	SPDK_NVME_INTEL_SMALLER_THAN_MIN_LIMIT = 0xC1,
	SPDK_NVME_INTEL_SMALLER_THAN_NS_REQUIREMENTS = 0xC2,
};

/** Intel log page identifiers (Get Log Page LID). */
enum spdk_nvme_intel_log_page {
	SPDK_NVME_INTEL_LOG_PAGE_DIRECTORY = 0xC0,
	SPDK_NVME_INTEL_LOG_READ_CMD_LATENCY = 0xC1,
	SPDK_NVME_INTEL_LOG_WRITE_CMD_LATENCY = 0xC2,
	SPDK_NVME_INTEL_LOG_TEMPERATURE = 0xC5,
	SPDK_NVME_INTEL_LOG_SMART = 0xCA,
	SPDK_NVME_INTEL_MARKETING_DESCRIPTION = 0xDD,
};

/** Attribute codes of the Intel SMART log page. */
enum spdk_nvme_intel_smart_attribute_code {
	SPDK_NVME_INTEL_SMART_PROGRAM_FAIL_COUNT = 0xAB,
	SPDK_NVME_INTEL_SMART_ERASE_FAIL_COUNT = 0xAC,
	SPDK_NVME_INTEL_SMART_WEAR_LEVELING_COUNT = 0xAD,
	SPDK_NVME_INTEL_SMART_E2E_ERROR_COUNT = 0xB8,
	SPDK_NVME_INTEL_SMART_CRC_ERROR_COUNT = 0xC7,
	SPDK_NVME_INTEL_SMART_MEDIA_WEAR = 0xE2,
	SPDK_NVME_INTEL_SMART_HOST_READ_PERCENTAGE = 0xE3,
	SPDK_NVME_INTEL_SMART_TIMER = 0xE4,
	SPDK_NVME_INTEL_SMART_THERMAL_THROTTLE_STATUS = 0xEA,
	SPDK_NVME_INTEL_SMART_RETRY_BUFFER_OVERFLOW_COUNTER = 0xF0,
	SPDK_NVME_INTEL_SMART_PLL_LOCK_LOSS_COUNT = 0xF3,
	SPDK_NVME_INTEL_SMART_NAND_BYTES_WRITTEN = 0xF4,
	SPDK_NVME_INTEL_SMART_HOST_BYTES_WRITTEN = 0xF5,
};

/** Log page directory (LID C0h): the length of each Intel log page the
 * drive has, 0 when it lacks it. */
struct spdk_nvme_intel_log_page_directory {
	uint8_t version[2];
	uint8_t reserved[384];
	/** At byte 386: read command latency (C1h). */
	uint8_t read_latency_log_len;
	uint8_t reserved2;
	/** At byte 388: write command latency (C2h). */
	uint8_t write_latency_log_len;
	uint8_t reserved3[5];
	/** At byte 394: temperature statistics (C5h). */
	uint8_t temperature_statistics_log_len;
	uint8_t reserved4[9];
	/** At byte 404: SMART attributes (CAh). */
	uint8_t smart_log_len;
	uint8_t reserved5[37];
	/** At byte 442: marketing description (DDh). */
	uint8_t marketing_description_log_len;
	uint8_t reserved6[69];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_intel_log_page_directory) == 512, "Incorrect size");

/** Read (C1h) or write (C2h) command latency histogram. The field names
 * keep SPDK's spelling ("revison"). */
struct spdk_nvme_intel_rw_latency_page {
	uint16_t major_revison;
	uint16_t minor_revison;
	/** Buckets of 32 us from 0 to 1 ms. */
	uint32_t buckets_32us[32];
	/** Buckets of 1 ms from 1 to 32 ms. */
	uint32_t buckets_1ms[31];
	/** Buckets of 32 ms from 32 ms to 1 s. */
	uint32_t buckets_32ms[31];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_intel_rw_latency_page) == 380, "Incorrect size");

/** Temperature statistics (C5h), degrees Celsius. */
struct spdk_nvme_intel_temperature_page {
	uint64_t current_temperature;
	uint64_t shutdown_flag_last;
	uint64_t shutdown_flag_life;
	uint64_t highest_temperature;
	uint64_t lowest_temperature;
	uint64_t reserved[5];
	uint64_t specified_max_op_temperature;
	uint64_t reserved2;
	uint64_t specified_min_op_temperature;
	uint64_t estimated_offset;
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_intel_temperature_page) == 112, "Incorrect size");

/** One attribute of the SMART page: 12 bytes, a 48-bit raw value. */
struct spdk_nvme_intel_smart_attribute {
	/** An spdk_nvme_intel_smart_attribute_code. */
	uint8_t code;
	uint8_t reserved[2];
	uint8_t normalized_value;
	uint8_t reserved2;
	uint8_t raw_value[6];
	uint8_t reserved3;
};

#pragma pack(push, 1)
/** SMART attributes page (CAh). */
struct spdk_nvme_intel_smart_information_page {
	struct spdk_nvme_intel_smart_attribute attributes[13];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_intel_smart_information_page) == 156, "Incorrect size");
#pragma pack(pop)

/** Power governor feature (C6h). */
union spdk_nvme_intel_feat_power_governor {
	uint32_t raw;
	struct {
		/** 0 = 25 W, 1 = 20 W, 2 = 10 W. */
		uint32_t power_governor_setting : 8;
		uint32_t reserved : 24;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_intel_feat_power_governor) == 4, "Incorrect size");

/** SMBus address feature (C8h). */
union spdk_nvme_intel_feat_smbus_address {
	uint32_t raw;
	struct {
		uint32_t reserved : 1;
		uint32_t smbus_controller_address : 8;
		uint32_t reserved2 : 23;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_intel_feat_smbus_address) == 4, "Incorrect size");

/** LED pattern feature (C9h). */
union spdk_nvme_intel_feat_led_pattern {
	uint32_t raw;
	struct {
		uint32_t feature_options : 24;
		uint32_t value : 8;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_intel_feat_led_pattern) == 4, "Incorrect size");

/** Reset timed workload counters feature (D5h); set only. */
union spdk_nvme_intel_feat_reset_timed_workload_counters {
	uint32_t raw;
	struct {
		/** 1 resets the E2h, E3h and E4h SMART counters; 0 does nothing. */
		uint32_t reset : 1;
		uint32_t reserved : 31;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_intel_feat_reset_timed_workload_counters) == 4,
		   "Incorrect size");

/** Latency tracking feature (E2h): fills the C1h / C2h histograms. */
union spdk_nvme_intel_feat_latency_tracking {
	uint32_t raw;
	struct {
		/** 1 enables tracking, 0 (the default) disables it. */
		uint32_t enable : 32;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_intel_feat_latency_tracking) == 4, "Incorrect size");

/** Marketing description (DDh). The page is 512 bytes, but some old
 * firmware writes a few bytes more, so the buffer is a full 4 KiB. */
struct spdk_nvme_intel_marketing_description_page {
	uint8_t marketing_product[512];
	uint8_t reserved[3584];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_intel_marketing_description_page) == 4096,
		   "Incorrect size");

#ifdef __cplusplus
}
#endif
