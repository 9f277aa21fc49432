/** \file
 * Definitions of the NVMe specification: controller registers, submission
 * and completion queue entries, identify data, features and log pages, with
 * the status codes and opcodes.
 *
 * Bitfield layouts are those of the x86-64 and aarch64 ABIs (little endian,
 * first field in the least significant bits), which match the wire order.
 */

/** NSID that names every namespace (and asks for global log pages). */
#define SPDK_NVME_GLOBAL_NS_TAG ((uint32_t)0xFFFFFFFF)

/** Most blocks one Dataset Management range can cover. */
#define SPDK_NVME_DATASET_MANAGEMENT_RANGE_MAX_BLOCKS 0xFFFFFFFFu

/** CAP.CSS bits: the NVM command set, the I/O command sets of identify
 * I/O command sets, and admin only. */
#define SPDK_NVME_CAP_CSS_NVM (1u << SPDK_NVME_CC_CSS_NVM)
#define SPDK_NVME_CAP_CSS_IOCS (1u << SPDK_NVME_CC_CSS_IOCS)
#define SPDK_NVME_CAP_CSS_NOIO (1u << SPDK_NVME_CC_CSS_NOIO)

/** A version number laid out as the VS register (major.minor.tertiary),
 * for comparing with its raw value. */
#define SPDK_NVME_VERSION(mjr, mnr, ter) \
	(((uint32_t)(mjr) << 16) | ((uint32_t)(mnr) << 8) | (uint32_t)(ter))

/** Notification mask bits of the Reservation Notification Mask feature. */
#define SPDK_NVME_REGISTRATION_PREEMPTED_MASK (1U << 1)
#define SPDK_NVME_RESERVATION_RELEASED_MASK (1U << 2)
#define SPDK_NVME_RESERVATION_PREEMPTED_MASK (1U << 3)

/** Whether log page identifier `lid` is in the vendor specific range. */
#define spdk_nvme_log_page_is_vendor_specific(lid) ((lid) >= SPDK_NVME_LOG_VENDOR_SPECIFIC_START)
