/** \file
 * Open-Channel SSD specification 2.0: the data structures, opcodes, log
 * pages, features and status codes the OCSSD commands of nvme_ocssd.h
 * use.
 */

#ifdef __cplusplus
extern "C" {
#endif

/** Most LBAs one vector command (reset, read, write, copy) may carry. */
#define SPDK_NVME_OCSSD_MAX_LBAL_ENTRIES 64

/** How a device LBA splits into group, parallel unit, chunk and logical
 * block: the width in bits of each part, from the least significant
 * (logical block) up. */
struct spdk_ocssd_dev_lba_fmt {
	/** Bits of the group. */
	uint8_t grp_len;
	/** Bits of the parallel unit. */
	uint8_t pu_len;
	/** Bits of the chunk. */
	uint8_t chk_len;
	/** Bits of the logical block within its chunk. */
	uint8_t lbk_len;
	uint8_t reserved[4];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_ocssd_dev_lba_fmt) == 8, "Incorrect size");

/** Geometry data (admin opcode E2h), 4 KiB. */
struct spdk_ocssd_geometry_data {
	/** Version, major and minor. */
	uint8_t mjr;
	uint8_t mnr;
	uint8_t reserved1[6];

	/** Address format. */
	struct spdk_ocssd_dev_lba_fmt lbaf;

	/** Capabilities of media and controller. */
	struct {
		/** The vector chunk copy command is supported. */
		uint32_t vec_chk_cpy : 1;
		/** A free chunk may be reset again. */
		uint32_t multi_reset : 1;
		uint32_t reserved : 30;
	} mccap;

	uint8_t reserved2[12];

	/** Wear-level index delta threshold. */
	uint8_t wit;

	uint8_t reserved3[31];

	/** Groups. */
	uint16_t num_grp;
	/** Parallel units in a group. */
	uint16_t num_pu;
	/** Chunks in a parallel unit. */
	uint32_t num_chk;
	/** Logical blocks in a chunk. */
	uint32_t clba;

	uint8_t reserved4[52];

	/** Smallest write, logical blocks. */
	uint32_t ws_min;
	/** Optimal write, logical blocks. */
	uint32_t ws_opt;
	/** Cache minimum write size units. */
	uint32_t mw_cunits;
	/** Most chunks open at once, device wide. */
	uint32_t maxoc;
	/** Most chunks open at once in one parallel unit. */
	uint32_t maxocpu;

	uint8_t reserved5[44];

	/** Read time, typical and worst (ns). */
	uint32_t trdt;
	uint32_t trdm;
	/** Write time, typical and worst (ns). */
	uint32_t twrt;
	uint32_t twrm;
	/** Chunk reset time, typical and worst (ns). */
	uint32_t tcrst;
	uint32_t tcrsm;

	/** Bytes 216 to 255: reserved for further performance figures. */
	uint8_t reserved6[40];

	/** Bytes 256 to 3071. */
	uint8_t reserved7[2816];

	/** Bytes 3072 to 4095: vendor specific. */
	uint8_t vs[1024];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_ocssd_geometry_data) == 4096, "Incorrect size");

/** One entry of the chunk information log page (CAh). */
struct spdk_ocssd_chunk_information_entry {
	/** Chunk state: exactly one of the four is set. */
	struct {
		uint8_t free : 1;
		uint8_t closed : 1;
		uint8_t open : 1;
		uint8_t offline : 1;
		uint8_t reserved : 4;
	} cs;

	/** Chunk type. */
	struct {
		/** Written sequentially only. */
		uint8_t seq_write : 1;
		/** Random writes allowed. */
		uint8_t rnd_write : 1;
		uint8_t reserved1 : 2;
		/** Its size differs from the geometry's clba (see cnlb). */
		uint8_t size_deviate : 1;
		uint8_t reserved2 : 3;
	} ct;

	/** Wear-level index. */
	uint8_t wli;

	uint8_t reserved[5];

	/** First LBA of the chunk. */
	uint64_t slba;
	/** Logical blocks in the chunk. */
	uint64_t cnlb;
	/** Write pointer. */
	uint64_t wp;
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_ocssd_chunk_information_entry) == 32, "Incorrect size");

/** One entry of the chunk notification log page (D0h). */
struct spdk_ocssd_chunk_notification_entry {
	/** Notification count: starts at 1, one more for each new event. */
	uint64_t nc;
	/** The address the event is about (see mask). */
	uint64_t lba;
	/** The namespace the event is about. */
	uint32_t nsid;

	/** What happened. */
	struct {
		/** The error rate became low. */
		uint8_t error_rate_low : 1;
		/** The error rate became medium. */
		uint8_t error_rate_medium : 1;
		/** The error rate became high. */
		uint8_t error_rate_high : 1;
		/** The data became unrecoverable. */
		uint8_t unrecoverable : 1;
		/** The device refreshed the chunk. */
		uint8_t refreshed : 1;
		uint8_t rsvd : 3;
		/** The wear-level index left the threshold around the average. */
		uint8_t wit_exceeded : 1;
		uint8_t rsvd2 : 7;
	} state;

	/** What lba covers. */
	struct {
		/** The logical blocks from lba (nlb of them). */
		uint8_t lblk : 1;
		/** The chunk of lba. */
		uint8_t chunk : 1;
		/** The parallel unit of lba, all its chunks. */
		uint8_t pu : 1;
		uint8_t rsvd : 5;
	} mask;

	uint8_t rsvd[9];

	/** Logical blocks concerned, 0's based; valid with mask.lblk, and
	 * within the chunk. */
	uint16_t nlb;

	uint8_t rsvd2[30];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_ocssd_chunk_notification_entry) == 64, "Incorrect size");

/** Completion queue entry of the vector commands: dwords 0 and 1 hold a
 * bit per LBA of the list, set where that LBA failed. */
struct spdk_ocssd_vector_cpl {
	/* Dwords 0 and 1. */
	uint64_t lba_status;

	/* Dword 2: submission queue head and ID. */
	uint16_t sqhd;
	uint16_t sqid;

	/* Dword 3: command ID and status. */
	uint16_t cid;
	struct spdk_nvme_status status;
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_ocssd_vector_cpl) == 16, "Incorrect size");

/** OCSSD admin opcodes. */
enum spdk_ocssd_admin_opcode {
	SPDK_OCSSD_OPC_GEOMETRY = 0xE2
};

/** OCSSD I/O opcodes. */
enum spdk_ocssd_io_opcode {
	SPDK_OCSSD_OPC_VECTOR_RESET = 0x90,
	SPDK_OCSSD_OPC_VECTOR_WRITE = 0x91,
	SPDK_OCSSD_OPC_VECTOR_READ = 0x92,
	SPDK_OCSSD_OPC_VECTOR_COPY = 0x93
};

/** OCSSD log pages (Get Log Page LID). */
enum spdk_ocssd_log_page {
	/** Chunk information: spdk_ocssd_chunk_information_entry each. */
	SPDK_OCSSD_LOG_CHUNK_INFO = 0xCA,
	/** Chunk notifications: spdk_ocssd_chunk_notification_entry each. */
	SPDK_OCSSD_LOG_CHUNK_NOTIFICATION = 0xD0,
};

/** OCSSD features (Get / Set Features FID). */
enum spdk_ocssd_feat {
	/** Media feedback. */
	SPDK_OCSSD_FEAT_MEDIA_FEEDBACK = 0xCA
};

/** Status codes OCSSD adds to the media error type (SCT 2h). */
enum spdk_ocssd_media_error_status_code {
	/** The reset took the chunk offline, or it was offline already. */
	SPDK_OCSSD_SC_OFFLINE_CHUNK = 0xC0,
	/** Reset of a chunk that is free or open. */
	SPDK_OCSSD_SC_INVALID_RESET = 0xC1,
	/** The write failed and the chunk stays open: write the next unit. */
	SPDK_OCSSD_SC_WRITE_FAIL_WRITE_NEXT_UNIT = 0xF0,
	/** The write failed and the chunk was closed early: data up to its
	 * write pointer can be read. */
	SPDK_OCSSD_SC_WRITE_FAIL_CHUNK_EARLY_CLOSE = 0xF1,
	/** Write out of order in an open chunk, or to a closed or offline
	 * one. */
	SPDK_OCSSD_SC_OUT_OF_ORDER_WRITE = 0xF2,
	/** Read succeeded, but the data nears its ECC limit: refresh it. */
	SPDK_OCSSD_SC_READ_HIGH_ECC = 0xD0,
};

/** io_flags bit of the vector read, write and copy commands: limited
 * retry (CDW12 bit 31). The only flag they accept. */
#define SPDK_OCSSD_IO_FLAGS_LIMITED_RETRY (1U << 31)

#ifdef __cplusplus
}
#endif
