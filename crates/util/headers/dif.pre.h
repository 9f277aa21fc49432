/** \file
 * Data integrity field (T10 DIF/DIX) definitions: the protection
 * information types and checks a bdev may declare. Only the constants are
 * provided yet (the DIF generate/verify functions are not).
 */

/** Reference and application tag values that turn their check off. */
#define SPDK_DIF_REFTAG_IGNORE		0xFFFFFFFF
#define SPDK_DIF_APPTAG_IGNORE		0xFFFF

/** Bits of a bdev's dif_check_flags. */
#define SPDK_DIF_FLAGS_REFTAG_CHECK	(1U << 26)
#define SPDK_DIF_FLAGS_APPTAG_CHECK	(1U << 27)
#define SPDK_DIF_FLAGS_GUARD_CHECK	(1U << 28)
#define SPDK_DIF_FLAGS_NVME_PRACT	(1U << 29)

/** Kinds of DIF error. */
#define SPDK_DIF_REFTAG_ERROR	0x1
#define SPDK_DIF_APPTAG_ERROR	0x2
#define SPDK_DIF_GUARD_ERROR	0x4
#define SPDK_DIF_DATA_ERROR	0x8

/** Protection information type. */
enum spdk_dif_type {
	SPDK_DIF_DISABLE = 0,
	SPDK_DIF_TYPE1 = 1,
	SPDK_DIF_TYPE2 = 2,
	SPDK_DIF_TYPE3 = 3,
};

/** A check DIF verification may do. */
enum spdk_dif_check_type {
	SPDK_DIF_CHECK_TYPE_REFTAG = 1,
	SPDK_DIF_CHECK_TYPE_APPTAG = 2,
	SPDK_DIF_CHECK_TYPE_GUARD = 3,
};

/** Protection information format (guard size). */
enum spdk_dif_pi_format {
	SPDK_DIF_PI_FORMAT_16 = 0,
	SPDK_DIF_PI_FORMAT_32 = 1,
	SPDK_DIF_PI_FORMAT_64 = 2,
};
