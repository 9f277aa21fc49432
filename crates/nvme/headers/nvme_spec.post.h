/*
 * Controller registers. Each register is a union of its raw value and its
 * fields (`bits`).
 */

/** CAP: controller capabilities. */
union spdk_nvme_cap_register {
	uint64_t raw;
	struct {
		uint32_t mqes		: 16;	/**< largest queue size, 0's based */
		uint32_t cqr		: 1;	/**< queues must be physically contiguous */
		uint32_t ams		: 2;	/**< optional arbitration mechanisms (enum spdk_nvme_cap_ams bits) */
		uint32_t reserved1	: 5;
		uint32_t to		: 8;	/**< ready timeout, 500 ms units */
		uint32_t dstrd		: 4;	/**< doorbell stride: 4 << dstrd bytes */
		uint32_t nssrs		: 1;	/**< NVM subsystem reset supported */
		uint32_t css		: 8;	/**< command sets supported (SPDK_NVME_CAP_CSS_*) */
		uint32_t bps		: 1;	/**< boot partitions supported */
		uint32_t reserved2	: 2;
		uint32_t mpsmin		: 4;	/**< smallest memory page: 4 KiB << mpsmin */
		uint32_t mpsmax		: 4;	/**< largest memory page: 4 KiB << mpsmax */
		uint32_t pmrs		: 1;	/**< persistent memory region supported */
		uint32_t cmbs		: 1;	/**< controller memory buffer supported */
		uint32_t nsss		: 1;	/**< NVM subsystem shutdown supported */
		uint32_t crwms		: 1;	/**< controller ready with media supported */
		uint32_t crims		: 1;	/**< controller ready independent of media supported */
		uint32_t reserved3	: 3;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_cap_register) == 8, "size of CAP");

/** CC: controller configuration. */
union spdk_nvme_cc_register {
	uint32_t raw;
	struct {
		uint32_t en		: 1;	/**< enable */
		uint32_t reserved1	: 3;
		uint32_t css		: 3;	/**< command set (enum spdk_nvme_cc_css) */
		uint32_t mps		: 4;	/**< memory page size: 4 KiB << mps */
		uint32_t ams		: 3;	/**< arbitration (enum spdk_nvme_cc_ams) */
		uint32_t shn		: 2;	/**< shutdown notification (enum spdk_nvme_shn_value) */
		uint32_t iosqes		: 4;	/**< I/O SQ entry size, log2 */
		uint32_t iocqes		: 4;	/**< I/O CQ entry size, log2 */
		uint32_t crime		: 1;	/**< controller ready independent of media */
		uint32_t reserved2	: 7;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_cc_register) == 4, "size of CC");

/** CSTS: controller status. */
union spdk_nvme_csts_register {
	uint32_t raw;
	struct {
		uint32_t rdy		: 1;	/**< ready */
		uint32_t cfs		: 1;	/**< controller fatal status */
		uint32_t shst		: 2;	/**< shutdown status (enum spdk_nvme_shst_value) */
		uint32_t nssro		: 1;	/**< an NVM subsystem reset happened */
		uint32_t pp		: 1;	/**< processing paused */
		uint32_t reserved1	: 26;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_csts_register) == 4, "size of CSTS");

/** AQA: admin queue sizes (0's based). */
union spdk_nvme_aqa_register {
	uint32_t raw;
	struct {
		uint32_t asqs		: 12;	/**< admin submission queue size */
		uint32_t reserved1	: 4;
		uint32_t acqs		: 12;	/**< admin completion queue size */
		uint32_t reserved2	: 4;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_aqa_register) == 4, "size of AQA");

/** VS: the specification version the controller implements. */
union spdk_nvme_vs_register {
	uint32_t raw;
	struct {
		uint32_t ter		: 8;	/**< tertiary */
		uint32_t mnr		: 8;	/**< minor */
		uint32_t mjr		: 16;	/**< major */
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_vs_register) == 4, "size of VS");
SPDK_STATIC_ASSERT(SPDK_NVME_VERSION(1, 2, 1) == 0x00010201, "SPDK_NVME_VERSION");

/** CMBLOC: where the controller memory buffer is. */
union spdk_nvme_cmbloc_register {
	uint32_t raw;
	struct {
		uint32_t bir		: 3;	/**< BAR holding the CMB */
		uint32_t reserved1	: 9;
		uint32_t ofst		: 20;	/**< offset in the BAR, in size units */
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_cmbloc_register) == 4, "size of CMBLOC");

/** CMBSZ: size and uses of the controller memory buffer. */
union spdk_nvme_cmbsz_register {
	uint32_t raw;
	struct {
		uint32_t sqs		: 1;	/**< submission queues may live in the CMB */
		uint32_t cqs		: 1;	/**< completion queues may live in the CMB */
		uint32_t lists		: 1;	/**< PRP and SGL lists may live in the CMB */
		uint32_t rds		: 1;	/**< read data may land in the CMB */
		uint32_t wds		: 1;	/**< write data may come from the CMB */
		uint32_t reserved1	: 3;
		uint32_t szu		: 4;	/**< size unit: 4 KiB << (4 * szu) */
		uint32_t sz		: 20;	/**< size, in size units */
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_cmbsz_register) == 4, "size of CMBSZ");

/** CMBMSC: controller memory buffer memory space control. */
union spdk_nvme_cmbmsc_register {
	uint64_t raw;
	struct {
		uint64_t cre		: 1;	/**< capability registers enabled */
		uint64_t cmse		: 1;	/**< memory space enabled */
		uint64_t reserved	: 10;
		uint64_t cba		: 52;	/**< base address >> 12 */
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_cmbmsc_register) == 8, "size of CMBMSC");

/** CMBSTS: controller memory buffer status. */
union spdk_nvme_cmbsts_register {
	uint32_t raw;
	struct {
		uint32_t cbai		: 1;	/**< base address invalid */
		uint32_t reserved	: 31;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_cmbsts_register) == 4, "size of CMBSTS");

/** CMBEBS: controller memory buffer elasticity buffer size. */
union spdk_nvme_cmbebs_register {
	uint32_t raw;
	struct {
		uint32_t cmbszu		: 4;	/**< size units */
		uint32_t cmbrbb		: 1;	/**< reads bypass the buffer */
		uint32_t reserved	: 3;
		uint32_t cmbwbz		: 24;	/**< size, in units */
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_cmbebs_register) == 4, "size of CMBEBS");

/** CMBSWTP: controller memory buffer sustained write throughput. */
union spdk_nvme_cmbswtp_register {
	uint32_t raw;
	struct {
		uint32_t cmbswtu	: 4;	/**< throughput units */
		uint32_t reserved	: 4;
		uint32_t cmbswtv	: 24;	/**< throughput, in units */
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_cmbswtp_register) == 4, "size of CMBSWTP");

/** CRTO: controller ready timeouts, 500 ms units. */
union spdk_nvme_crto_register {
	uint32_t raw;
	struct {
		uint32_t crwmt		: 16;	/**< ready with media */
		uint32_t crimt		: 16;	/**< ready independent of media */
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_crto_register) == 4, "size of CRTO");

/** PMRCAP: persistent memory region capabilities. */
union spdk_nvme_pmrcap_register {
	uint32_t raw;
	struct {
		uint32_t reserved1	: 3;
		uint32_t rds		: 1;	/**< read data supported */
		uint32_t wds		: 1;	/**< write data supported */
		uint32_t bir		: 3;	/**< BAR holding the PMR */
		uint32_t pmrtu		: 2;	/**< timeout units: 0 = 500 ms, 1 = minutes */
		uint32_t pmrwbm		: 4;	/**< write barrier mechanisms */
		uint32_t reserved2	: 2;
		uint32_t pmrto		: 8;	/**< timeout, in timeout units */
		uint32_t cmss		: 1;	/**< memory space control supported */
		uint32_t reserved3	: 7;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_pmrcap_register) == 4, "size of PMRCAP");

/** PMRCTL: persistent memory region control. */
union spdk_nvme_pmrctl_register {
	uint32_t raw;
	struct {
		uint32_t en		: 1;	/**< enable */
		uint32_t reserved	: 31;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_pmrctl_register) == 4, "size of PMRCTL");

/** PMRSTS: persistent memory region status. */
union spdk_nvme_pmrsts_register {
	uint32_t raw;
	struct {
		uint32_t err		: 8;	/**< error */
		uint32_t nrdy		: 1;	/**< not ready */
		uint32_t hsts		: 3;	/**< health: normal, restore error, read only, unreliable */
		uint32_t cbai		: 1;	/**< base address invalid */
		uint32_t reserved	: 19;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_pmrsts_register) == 4, "size of PMRSTS");

/** PMREBS: persistent memory region elasticity buffer size. */
union spdk_nvme_pmrebs_register {
	uint32_t raw;
	struct {
		uint32_t pmrszu		: 4;	/**< units: bytes, KiB, MiB, GiB */
		uint32_t rbb		: 1;	/**< reads bypass the buffer */
		uint32_t reserved	: 3;
		uint32_t pmrwbz		: 24;	/**< size, in units */
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_pmrebs_register) == 4, "size of PMREBS");

/** PMRSWTP: persistent memory region sustained write throughput. */
union spdk_nvme_pmrswtp_register {
	uint32_t raw;
	struct {
		uint32_t pmrswtu	: 4;	/**< units: bytes, KiB, MiB, GiB per second */
		uint32_t reserved	: 4;
		uint32_t pmrswtv	: 24;	/**< throughput, in units */
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_pmrswtp_register) == 4, "size of PMRSWTP");

/** PMRMSCL: persistent memory region memory space control, low half. */
union spdk_nvme_pmrmscl_register {
	uint32_t raw;
	struct {
		uint32_t reserved1	: 1;
		uint32_t cmse		: 1;	/**< memory space enabled */
		uint32_t reserved2	: 10;
		uint32_t cba		: 20;	/**< base address bits 31:12 */
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_pmrmscl_register) == 4, "size of PMRMSCL");

/** BPINFO: boot partition information. */
union spdk_nvme_bpinfo_register {
	uint32_t raw;
	struct {
		uint32_t bpsz		: 15;	/**< partition size, 128 KiB units */
		uint32_t reserved1	: 9;
		uint32_t brs		: 2;	/**< read status (enum spdk_nvme_brs_value) */
		uint32_t reserved2	: 5;
		uint32_t abpid		: 1;	/**< active boot partition */
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_bpinfo_register) == 4, "size of BPINFO");

/** BPRSEL: boot partition read select. */
union spdk_nvme_bprsel_register {
	uint32_t raw;
	struct {
		uint32_t bprsz		: 10;	/**< read size, 4 KiB units */
		uint32_t bprof		: 20;	/**< read offset, 4 KiB units */
		uint32_t reserved	: 1;
		uint32_t bpid		: 1;	/**< partition to read */
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_bprsel_register) == 4, "size of BPRSEL");

/** The register file of a PCIe controller (BAR 0), up to the first
 * doorbells; doorbell i of queue q is at doorbell[0] + (2q + i) * stride. */
struct spdk_nvme_registers {
	union spdk_nvme_cap_register	cap;
	union spdk_nvme_vs_register	vs;
	uint32_t			intms;		/**< interrupt mask set */
	uint32_t			intmc;		/**< interrupt mask clear */
	union spdk_nvme_cc_register	cc;
	uint32_t			reserved1;
	union spdk_nvme_csts_register	csts;
	uint32_t			nssr;		/**< NVM subsystem reset (write SPDK_NVME_NSSR_VALUE) */
	union spdk_nvme_aqa_register	aqa;
	uint64_t			asq;		/**< admin submission queue base address */
	uint64_t			acq;		/**< admin completion queue base address */
	union spdk_nvme_cmbloc_register	cmbloc;
	union spdk_nvme_cmbsz_register	cmbsz;
	union spdk_nvme_bpinfo_register	bpinfo;
	union spdk_nvme_bprsel_register	bprsel;
	uint64_t			bpmbl;		/**< boot partition buffer address (4 KiB aligned) */
	union spdk_nvme_cmbmsc_register	cmbmsc;
	union spdk_nvme_cmbsts_register	cmbsts;
	union spdk_nvme_cmbebs_register	cmbebs;
	union spdk_nvme_cmbswtp_register cmbswtp;
	uint32_t			nssd;		/**< NVM subsystem shutdown */
	union spdk_nvme_crto_register	crto;
	uint32_t			reserved2[0x365];
	union spdk_nvme_pmrcap_register	pmrcap;
	union spdk_nvme_pmrctl_register	pmrctl;
	union spdk_nvme_pmrsts_register	pmrsts;
	union spdk_nvme_pmrebs_register	pmrebs;
	union spdk_nvme_pmrswtp_register pmrswtp;
	union spdk_nvme_pmrmscl_register pmrmscl;
	uint32_t			pmrmscu;	/**< PMR memory space control, high half */
	uint32_t			reserved3[0x79];
	struct {
		uint32_t	sq_tdbl;	/**< submission queue tail doorbell */
		uint32_t	cq_hdbl;	/**< completion queue head doorbell */
	} doorbell[1];
};
SPDK_STATIC_ASSERT(offsetof(struct spdk_nvme_registers, cc) == 0x14, "CC offset");
SPDK_STATIC_ASSERT(offsetof(struct spdk_nvme_registers, crto) == 0x68, "CRTO offset");
SPDK_STATIC_ASSERT(offsetof(struct spdk_nvme_registers, pmrcap) == 0xE00, "PMRCAP offset");
SPDK_STATIC_ASSERT(offsetof(struct spdk_nvme_registers, doorbell) == 0x1000, "doorbell offset");

/*
 * Commands.
 */

#pragma pack(push, 1)
/** An SGL descriptor: an address and, in its last byte, type and subtype
 * (enum spdk_nvme_sgl_descriptor_type / _subtype). */
struct spdk_nvme_sgl_descriptor {
	uint64_t address;
	union {
		/** The type and subtype, whatever the descriptor kind. */
		struct {
			uint8_t reserved[7];
			uint8_t subtype	: 4;
			uint8_t type	: 4;
		} generic;

		/** Data block, bit bucket and segment descriptors. */
		struct {
			uint32_t length;
			uint8_t reserved[3];
			uint8_t subtype	: 4;
			uint8_t type	: 4;
		} unkeyed;

		/** Keyed data block descriptors (RDMA). */
		struct {
			uint64_t length		: 24;
			uint64_t key		: 32;
			uint64_t subtype	: 4;
			uint64_t type		: 4;
		} keyed;
	};
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_sgl_descriptor) == 16, "size of an SGL descriptor");
#pragma pack(pop)

/** Arbitration feature (CDW11 of SPDK_NVME_FEAT_ARBITRATION). */
union spdk_nvme_feat_arbitration {
	uint32_t raw;
	struct {
		uint32_t ab		: 3;	/**< arbitration burst, log2 (7: unlimited) */
		uint32_t reserved	: 5;
		uint32_t lpw		: 8;	/**< low priority weight */
		uint32_t mpw		: 8;	/**< medium priority weight */
		uint32_t hpw		: 8;	/**< high priority weight */
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_arbitration) == 4, "feature size");

/** Power management feature. */
union spdk_nvme_feat_power_management {
	uint32_t raw;
	struct {
		uint32_t ps		: 5;	/**< power state */
		uint32_t wh		: 3;	/**< workload hint */
		uint32_t reserved	: 24;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_power_management) == 4, "feature size");

/** LBA range type feature. */
union spdk_nvme_feat_lba_range_type {
	uint32_t raw;
	struct {
		uint32_t num		: 6;	/**< number of ranges, 0's based */
		uint32_t reserved	: 26;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_lba_range_type) == 4, "feature size");

/** Temperature threshold feature. */
union spdk_nvme_feat_temperature_threshold {
	uint32_t raw;
	struct {
		uint32_t tmpth		: 16;	/**< threshold, kelvin */
		uint32_t tmpsel		: 4;	/**< which sensor */
		uint32_t thsel		: 2;	/**< over or under threshold */
		uint32_t reserved	: 10;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_temperature_threshold) == 4, "feature size");

/** Error recovery feature. */
union spdk_nvme_feat_error_recovery {
	uint32_t raw;
	struct {
		uint32_t tler		: 16;	/**< time limited error recovery, 100 ms units */
		uint32_t dulbe		: 1;	/**< report deallocated or unwritten block errors */
		uint32_t reserved	: 15;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_error_recovery) == 4, "feature size");

/** Volatile write cache feature. */
union spdk_nvme_feat_volatile_write_cache {
	uint32_t raw;
	struct {
		uint32_t wce		: 1;	/**< write cache enabled */
		uint32_t reserved	: 31;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_volatile_write_cache) == 4, "feature size");

/** Number of queues feature (both counts 0's based). */
union spdk_nvme_feat_number_of_queues {
	uint32_t raw;
	struct {
		uint32_t nsqr		: 16;	/**< I/O submission queues */
		uint32_t ncqr		: 16;	/**< I/O completion queues */
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_number_of_queues) == 4, "feature size");

/** Interrupt coalescing feature. */
union spdk_nvme_feat_interrupt_coalescing {
	uint32_t raw;
	struct {
		uint32_t thr		: 8;	/**< aggregation threshold, 0's based */
		uint32_t time		: 8;	/**< aggregation time, 100 us units */
		uint32_t reserved	: 16;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_interrupt_coalescing) == 4, "feature size");

/** Interrupt vector configuration feature. */
union spdk_nvme_feat_interrupt_vector_configuration {
	uint32_t raw;
	struct {
		uint32_t iv		: 16;	/**< interrupt vector */
		uint32_t cd		: 1;	/**< coalescing disabled */
		uint32_t reserved	: 15;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_interrupt_vector_configuration) == 4, "feature size");

/** Write atomicity normal feature. */
union spdk_nvme_feat_write_atomicity {
	uint32_t raw;
	struct {
		uint32_t dn		: 1;	/**< disable normal (only AWUPF applies) */
		uint32_t reserved	: 31;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_write_atomicity) == 4, "feature size");

/** Critical warnings: of the health log page, and which of them raise an
 * asynchronous event. */
union spdk_nvme_critical_warning_state {
	uint8_t raw;
	struct {
		uint8_t available_spare		: 1;
		uint8_t temperature		: 1;
		uint8_t device_reliability	: 1;
		uint8_t read_only		: 1;
		uint8_t volatile_memory_backup	: 1;
		uint8_t reserved		: 3;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_critical_warning_state) == 1, "size");

/** Asynchronous event configuration feature: the events to report. */
union spdk_nvme_feat_async_event_configuration {
	uint32_t raw;
	struct {
		union spdk_nvme_critical_warning_state crit_warn;
		uint8_t ns_attr_notice		: 1;
		uint8_t fw_activation_notice	: 1;
		uint8_t telemetry_log_notice	: 1;
		uint8_t ana_change_notice	: 1;
		uint8_t reserved1		: 4;
		uint16_t reserved2		: 15;
		uint16_t discovery_log_change_notice	: 1;	/**< fabrics discovery controllers */
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_async_event_configuration) == 4, "feature size");

/** Autonomous power state transition feature. */
union spdk_nvme_feat_autonomous_power_state_transition {
	uint32_t raw;
	struct {
		uint32_t apste		: 1;	/**< enabled */
		uint32_t reserved	: 31;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_autonomous_power_state_transition) == 4, "feature size");

/** Host memory buffer feature. */
union spdk_nvme_feat_host_mem_buffer {
	uint32_t raw;
	struct {
		uint32_t ehm		: 1;	/**< enable host memory */
		uint32_t mr		: 1;	/**< memory returned (same buffer as before) */
		uint32_t reserved	: 30;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_host_mem_buffer) == 4, "feature size");

/** Keep alive timer feature. */
union spdk_nvme_feat_keep_alive_timer {
	uint32_t raw;
	struct {
		uint32_t kato		: 32;	/**< keep alive timeout, ms */
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_keep_alive_timer) == 4, "feature size");

/** Host controlled thermal management feature (kelvin). */
union spdk_nvme_feat_host_controlled_thermal_management {
	uint32_t raw;
	struct {
		uint32_t tmt2		: 16;
		uint32_t tmt1		: 16;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_host_controlled_thermal_management) == 4, "feature size");

/** Non-operational power state config feature. */
union spdk_nvme_feat_non_operational_power_state_config {
	uint32_t raw;
	struct {
		uint32_t noppme		: 1;	/**< permissive mode enabled */
		uint32_t reserved	: 31;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_non_operational_power_state_config) == 4, "feature size");

/** Software progress marker feature. */
union spdk_nvme_feat_software_progress_marker {
	uint32_t raw;
	struct {
		uint32_t pbslc		: 8;	/**< pre-boot software load count */
		uint32_t reserved	: 24;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_software_progress_marker) == 4, "feature size");

/** Host identifier feature. */
union spdk_nvme_feat_host_identifier {
	uint32_t raw;
	struct {
		uint32_t exhid		: 1;	/**< 128-bit host identifier */
		uint32_t reserved	: 31;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_host_identifier) == 4, "feature size");

/** Reservation notification mask feature: notices not to log. */
union spdk_nvme_feat_reservation_notification_mask {
	uint32_t raw;
	struct {
		uint32_t reserved1	: 1;
		uint32_t regpre		: 1;	/**< registration preempted */
		uint32_t resrel		: 1;	/**< reservation released */
		uint32_t respre		: 1;	/**< reservation preempted */
		uint32_t reserved2	: 28;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_reservation_notification_mask) == 4, "feature size");

/** Reservation persistence feature. */
union spdk_nvme_feat_reservation_persistence {
	uint32_t raw;
	struct {
		uint32_t ptpl		: 1;	/**< persist through power loss */
		uint32_t reserved	: 31;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_reservation_persistence) == 4, "feature size");

/** Flexible data placement feature, CDW11. */
union spdk_nvme_feat_fdp_cdw11 {
	uint32_t raw;
	struct {
		uint32_t endgid		: 16;	/**< endurance group */
		uint32_t reserved	: 16;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_fdp_cdw11) == 4, "feature size");

/** Flexible data placement feature, CDW12. */
union spdk_nvme_feat_fdp_cdw12 {
	uint32_t raw;
	struct {
		uint32_t fdpe		: 1;	/**< enabled */
		uint32_t reserved1	: 7;
		uint32_t fdpci		: 8;	/**< configuration index */
		uint32_t reserved2	: 16;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_fdp_cdw12) == 4, "feature size");

/** FDP events feature, CDW11. */
union spdk_nvme_feat_fdp_events_cdw11 {
	uint32_t raw;
	struct {
		uint32_t phndl		: 16;	/**< placement handle */
		uint32_t noet		: 8;	/**< number of event types in the buffer */
		uint32_t reserved	: 8;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_fdp_events_cdw11) == 4, "feature size");

/** FDP events feature, CDW12 (Set Features). */
union spdk_nvme_feat_fdp_events_cdw12 {
	uint32_t raw;
	struct {
		uint32_t fdpee		: 1;	/**< enable the listed events */
		uint32_t reserved1	: 31;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_feat_fdp_events_cdw12) == 4, "feature size");

/** CDW10 of the commands that define it, one member per command. */
union spdk_nvme_cmd_cdw10 {
	uint32_t raw;

	struct {
		uint32_t cns		: 8;	/**< enum spdk_nvme_identify_cns */
		uint32_t reserved	: 8;
		uint32_t cntid		: 16;	/**< controller identifier */
	} identify;

	struct {
		uint32_t lid		: 8;	/**< log page (enum spdk_nvme_log_page) */
		uint32_t lsp		: 7;	/**< log specific field */
		uint32_t rae		: 1;	/**< retain asynchronous event */
		uint32_t numdl		: 16;	/**< dwords to read, 0's based, low half */
	} get_log_page;

	struct {
		uint32_t sqid		: 16;
		uint32_t cid		: 16;
	} abort;

	struct {
		uint32_t nssf		: 8;	/**< NVMe security specific field */
		uint32_t spsp0		: 8;
		uint32_t spsp1		: 8;
		uint32_t secp		: 8;	/**< security protocol */
	} sec_send_recv;

	struct {
		uint32_t qid		: 16;
		uint32_t qsize		: 16;	/**< 0's based */
	} create_io_q;

	struct {
		uint32_t qid		: 16;
		uint32_t reserved	: 16;
	} delete_io_q;

	struct {
		uint32_t fid		: 8;	/**< enum spdk_nvme_feat */
		uint32_t sel		: 3;	/**< current, default, saved or capabilities */
		uint32_t reserved	: 21;
	} get_features;

	struct {
		uint32_t fid		: 8;	/**< enum spdk_nvme_feat */
		uint32_t reserved	: 23;
		uint32_t sv		: 1;	/**< save */
	} set_features;

	struct {
		uint32_t sel		: 4;	/**< enum spdk_nvme_ns_attach_type */
		uint32_t reserved	: 28;
	} ns_attach;

	struct {
		uint32_t sel		: 4;	/**< enum spdk_nvme_ns_management_type */
		uint32_t reserved	: 28;
	} ns_manage;

	struct {
		uint32_t nr		: 8;	/**< number of ranges, 0's based */
		uint32_t reserved	: 24;
	} dsm;

	struct {
		uint32_t rrega		: 3;	/**< enum spdk_nvme_reservation_register_action */
		uint32_t iekey		: 1;	/**< ignore existing key */
		uint32_t reserved	: 26;
		uint32_t cptpl		: 2;	/**< enum spdk_nvme_reservation_register_cptpl */
	} resv_register;

	struct {
		uint32_t rrela		: 3;	/**< enum spdk_nvme_reservation_release_action */
		uint32_t iekey		: 1;
		uint32_t reserved1	: 4;
		uint32_t rtype		: 8;	/**< enum spdk_nvme_reservation_type */
		uint32_t reserved2	: 16;
	} resv_release;

	struct {
		uint32_t racqa		: 3;	/**< enum spdk_nvme_reservation_acquire_action */
		uint32_t iekey		: 1;
		uint32_t reserved1	: 4;
		uint32_t rtype		: 8;	/**< enum spdk_nvme_reservation_type */
		uint32_t reserved2	: 16;
	} resv_acquire;

	struct {
		uint32_t mo		: 8;	/**< management operation */
		uint32_t reserved	: 8;
		uint32_t mos		: 16;	/**< operation specific */
	} mgmt_send_recv;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_cmd_cdw10) == 4, "size of CDW10");

/** CDW11 of the commands that define it. */
union spdk_nvme_cmd_cdw11 {
	uint32_t raw;

	struct {
		uint32_t nvmsetid	: 16;	/**< NVM set */
		uint32_t reserved	: 8;
		uint32_t csi		: 8;	/**< enum spdk_nvme_csi */
	} identify;

	struct {
		uint32_t pc		: 1;	/**< physically contiguous */
		uint32_t qprio		: 2;	/**< enum spdk_nvme_qprio */
		uint32_t reserved	: 13;
		uint32_t cqid		: 16;	/**< completion queue of the new SQ */
	} create_io_sq;

	struct {
		uint32_t pc		: 1;	/**< physically contiguous */
		uint32_t ien		: 1;	/**< interrupts enabled */
		uint32_t reserved	: 14;
		uint32_t iv		: 16;	/**< interrupt vector */
	} create_io_cq;

	struct {
		uint32_t doper		: 8;	/**< directive operation */
		uint32_t dtype		: 8;	/**< enum spdk_nvme_directive_type */
		uint32_t dspec		: 16;	/**< directive specific */
	} directive;

	struct {
		uint32_t numdu		: 16;	/**< dwords to read, 0's based, high half */
		uint32_t lsid		: 16;	/**< log specific identifier */
	} get_log_page;

	struct {
		uint32_t eds		: 1;	/**< extended data structure */
		uint32_t reserved	: 31;
	} resv_report;

	union spdk_nvme_feat_arbitration feat_arbitration;
	union spdk_nvme_feat_power_management feat_power_management;
	union spdk_nvme_feat_lba_range_type feat_lba_range_type;
	union spdk_nvme_feat_temperature_threshold feat_temp_threshold;
	union spdk_nvme_feat_error_recovery feat_error_recovery;
	union spdk_nvme_feat_volatile_write_cache feat_volatile_write_cache;
	union spdk_nvme_feat_number_of_queues feat_num_of_queues;
	union spdk_nvme_feat_interrupt_coalescing feat_interrupt_coalescing;
	union spdk_nvme_feat_interrupt_vector_configuration feat_interrupt_vector_configuration;
	union spdk_nvme_feat_write_atomicity feat_write_atomicity;
	union spdk_nvme_feat_async_event_configuration feat_async_event_cfg;
	union spdk_nvme_feat_keep_alive_timer feat_keep_alive_timer;
	union spdk_nvme_feat_host_identifier feat_host_identifier;
	union spdk_nvme_feat_reservation_notification_mask feat_rsv_notification_mask;
	union spdk_nvme_feat_reservation_persistence feat_rsv_persistence;
	union spdk_nvme_feat_fdp_cdw11 feat_fdp_cdw11;
	union spdk_nvme_feat_fdp_events_cdw11 feat_fdp_events_cdw11;

	struct {
		uint32_t idr		: 1;	/**< integral dataset for read */
		uint32_t idw		: 1;	/**< integral dataset for write */
		uint32_t ad		: 1;	/**< deallocate */
		uint32_t reserved	: 29;
	} dsm;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_cmd_cdw11) == 4, "size of CDW11");

/** CDW12 of the commands that define it. */
union spdk_nvme_cmd_cdw12 {
	uint32_t raw;

	struct {
		uint32_t nlb		: 16;	/**< blocks, 0's based */
		uint32_t reserved	: 4;
		uint32_t dtype		: 4;	/**< directive type */
		uint32_t stc		: 1;	/**< storage tag check */
		uint32_t reserved2	: 1;
		uint32_t prchk		: 3;	/**< protection information check */
		uint32_t pract		: 1;	/**< protection information action */
		uint32_t fua		: 1;	/**< force unit access */
		uint32_t lr		: 1;	/**< limited retry */
	} write;

	struct {
		uint32_t nr		: 8;	/**< source ranges, 0's based */
		uint32_t df		: 4;	/**< descriptor format */
		uint32_t prinfor	: 4;	/**< protection information, read side */
		uint32_t reserved	: 4;
		uint32_t dtype		: 4;
		uint32_t stcw		: 1;	/**< storage tag check, write side */
		uint32_t reserved2	: 1;
		uint32_t prinfow	: 4;	/**< protection information, write side */
		uint32_t fua		: 1;
		uint32_t lr		: 1;
	} copy;

	struct {
		uint32_t nlb		: 16;	/**< blocks, 0's based */
		uint32_t reserved	: 8;
		uint32_t stc		: 1;
		uint32_t deac		: 1;	/**< deallocate */
		uint32_t prchk		: 3;
		uint32_t pract		: 1;
		uint32_t fua		: 1;
		uint32_t lr		: 1;
	} write_zeroes;

	union spdk_nvme_feat_fdp_cdw12 feat_fdp_cdw12;
	union spdk_nvme_feat_fdp_events_cdw12 feat_fdp_events_cdw12;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_cmd_cdw12) == 4, "size of CDW12");

/** CDW13 of the commands that define it. */
union spdk_nvme_cmd_cdw13 {
	uint32_t raw;

	struct {
		uint32_t dsm		: 8;	/**< dataset management hints */
		uint32_t reserved	: 8;
		uint32_t dspec		: 16;	/**< directive specific */
	} write;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_cmd_cdw13) == 4, "size of CDW13");

/** A submission queue entry. */
struct spdk_nvme_cmd {
	uint16_t opc	: 8;	/**< opcode */
	uint16_t fuse	: 2;	/**< enum spdk_nvme_cmd_fuse */
	uint16_t rsvd1	: 4;
	uint16_t psdt	: 2;	/**< enum spdk_nvme_psdt_value */
	uint16_t cid;		/**< command identifier */
	uint32_t nsid;		/**< namespace */
	uint32_t rsvd2;
	uint32_t rsvd3;
	uint64_t mptr;		/**< metadata pointer */

	/** Data pointer: two PRP entries or one SGL descriptor. */
	union {
		struct {
			uint64_t prp1;
			uint64_t prp2;
		} prp;

		struct spdk_nvme_sgl_descriptor sgl1;
	} dptr;

	/* Command specific dwords 10-13, raw or by field. */
	union {
		uint32_t cdw10;
		union spdk_nvme_cmd_cdw10 cdw10_bits;
	};
	union {
		uint32_t cdw11;
		union spdk_nvme_cmd_cdw11 cdw11_bits;
	};
	union {
		uint32_t cdw12;
		union spdk_nvme_cmd_cdw12 cdw12_bits;
	};
	union {
		uint32_t cdw13;
		union spdk_nvme_cmd_cdw13 cdw13_bits;
	};
	uint32_t cdw14;
	uint32_t cdw15;
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_cmd) == 64, "size of a command");

/** Status field of a completion. */
struct spdk_nvme_status {
	uint16_t p	: 1;	/**< phase tag */
	uint16_t sc	: 8;	/**< status code */
	uint16_t sct	: 3;	/**< status code type (enum spdk_nvme_status_code_type) */
	uint16_t crd	: 2;	/**< command retry delay (index into CRDT) */
	uint16_t m	: 1;	/**< more information in the error log */
	uint16_t dnr	: 1;	/**< do not retry */
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_status) == 2, "size of a status");

/** A completion queue entry. */
struct spdk_nvme_cpl {
	uint32_t	cdw0;	/**< command specific */
	uint32_t	cdw1;	/**< command specific */
	uint16_t	sqhd;	/**< submission queue head */
	uint16_t	sqid;	/**< submission queue */
	uint16_t	cid;	/**< command identifier */
	union {
		uint16_t		status_raw;
		struct spdk_nvme_status	status;
	};
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_cpl) == 16, "size of a completion");

/** A range of Dataset Management. */
struct spdk_nvme_dsm_range {
	union {
		struct {
			uint32_t af		: 4;	/**< access frequency */
			uint32_t al		: 2;	/**< access latency */
			uint32_t reserved0	: 2;
			uint32_t sr		: 1;	/**< sequential read */
			uint32_t sw		: 1;	/**< sequential write */
			uint32_t wp		: 1;	/**< write prepare */
			uint32_t reserved1	: 13;
			uint32_t access_size	: 8;	/**< command access size, blocks */
		} bits;
		uint32_t raw;
	} attributes;
	uint32_t length;	/**< blocks */
	uint64_t starting_lba;
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_dsm_range) == 16, "size of a DSM range");

/** A source range of Copy (descriptor format 0). */
struct spdk_nvme_scc_source_range {
	uint64_t reserved0;
	uint64_t slba;		/**< first block */
	uint16_t nlb;		/**< blocks, 0's based */
	uint16_t reserved18;
	uint32_t reserved20;
	uint32_t eilbrt;	/**< expected initial reference tag */
	uint16_t elbat;		/**< expected application tag */
	uint16_t elbatm;	/**< its mask */
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_scc_source_range) == 32, "size of a copy range");

/** The data direction of opcode `opc`, from its two low bits. */
static inline enum spdk_nvme_data_transfer
spdk_nvme_opc_get_data_transfer(uint8_t opc)
{
	return (enum spdk_nvme_data_transfer)(opc & 3);
}

/** The 0's based dword count (NUMD) of a transfer of `len` bytes. */
static inline uint32_t
spdk_nvme_bytes_to_numd(uint32_t len)
{
	return (len >> 2) - 1;
}

#pragma pack(push, 1)
/** Data of the host behavior support feature. */
struct spdk_nvme_host_behavior {
	uint8_t acre;		/**< advanced command retry enable */
	uint8_t etdas;		/**< extended telemetry data area 4 supported */
	uint8_t lbafee;		/**< LBA format extension enable */
	uint8_t reserved[509];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_host_behavior) == 512, "size");
#pragma pack(pop)

/** An FDP event type and whether it is enabled (FDP events feature). */
struct spdk_nvme_fdp_event_desc {
	uint8_t fdp_etype;	/**< enum spdk_nvme_fdp_event_type */
	union {
		uint8_t raw;
		struct {
			uint8_t fdp_ee		: 1;	/**< enabled */
			uint8_t reserved	: 7;
		} bits;
	} fdpeta;
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_fdp_event_desc) == 2, "size");

/** Status of one reclaim unit handle. */
struct spdk_nvme_fdp_ruhs_desc {
	uint16_t pid;		/**< placement identifier */
	uint16_t ruhid;		/**< reclaim unit handle */
	uint32_t earutr;	/**< estimated active reclaim unit time remaining, s */
	uint64_t ruamw;		/**< reclaim unit available media writes */
	uint8_t reserved[16];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_fdp_ruhs_desc) == 32, "size");

/** Reclaim unit handle status (I/O Management Receive). */
struct spdk_nvme_fdp_ruhs {
	uint8_t reserved[14];
	uint16_t nruhsd;	/**< descriptors that follow */
	struct spdk_nvme_fdp_ruhs_desc ruhs_desc[];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_fdp_ruhs) == 16, "size");

/*
 * Identify data.
 */

/** A power state descriptor of identify controller data. */
struct spdk_nvme_power_state {
	uint16_t mp;			/**< maximum power */
	uint8_t reserved1;
	uint8_t mps		: 1;	/**< max power scale: 0.01 W or 0.0001 W */
	uint8_t nops		: 1;	/**< non-operational state */
	uint8_t reserved2	: 6;
	uint32_t enlat;			/**< entry latency, us */
	uint32_t exlat;			/**< exit latency, us */
	uint8_t rrt		: 5;	/**< relative read throughput */
	uint8_t reserved3	: 3;
	uint8_t rrl		: 5;	/**< relative read latency */
	uint8_t reserved4	: 3;
	uint8_t rwt		: 5;	/**< relative write throughput */
	uint8_t reserved5	: 3;
	uint8_t rwl		: 5;	/**< relative write latency */
	uint8_t reserved6	: 3;
	uint16_t idlp;			/**< idle power */
	uint8_t reserved7	: 6;
	uint8_t ips		: 2;	/**< idle power scale */
	uint8_t reserved8;
	uint16_t actp;			/**< active power */
	uint8_t apw		: 3;	/**< active power workload */
	uint8_t reserved9	: 3;
	uint8_t aps		: 2;	/**< active power scale */
	uint8_t reserved10[9];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_power_state) == 32, "size of a power state");

/** The fabrics part of identify controller data (bytes 1792-2047). */
struct spdk_nvme_cdata_nvmf_specific {
	uint32_t	ioccsz;		/**< I/O command capsule size, 16-byte units */
	uint32_t	iorcsz;		/**< I/O response capsule size, 16-byte units */
	uint16_t	icdoff;		/**< in-capsule data offset, 16-byte units */
	struct {
		uint8_t	ctrlr_model	: 1;	/**< enum spdk_nvmf_ctrlr_model */
		uint8_t reserved	: 7;
	} ctrattr;			/**< controller attributes */
	uint8_t		msdbd;		/**< most SGL data block descriptors (0: no limit) */
	struct {
		uint16_t disconnect	: 1;	/**< Disconnect and single I/O queue deletion */
		uint16_t reserved	: 15;
	} ofcs;				/**< optional fabrics commands */
	uint8_t		reserved[242];
};

/** SGL support of identify controller data. */
struct spdk_nvme_cdata_sgls {
	uint32_t	supported		: 2;	/**< enum spdk_nvme_sgls_supported */
	uint32_t	keyed_sgl		: 1;
	uint32_t	reserved1		: 13;
	uint32_t	bit_bucket_descriptor	: 1;
	uint32_t	metadata_pointer	: 1;	/**< byte aligned contiguous metadata */
	uint32_t	oversized_sgl		: 1;
	uint32_t	metadata_address	: 1;	/**< metadata as an SGL segment */
	uint32_t	sgl_offset		: 1;
	uint32_t	transport_sgl		: 1;
	uint32_t	reserved2		: 10;
};

/** Optional NVM commands supported (ONCS). The second set of names is the
 * older one, kept for existing programs. */
struct spdk_nvme_cdata_oncs {
	union {
		uint16_t	raw;
		struct {
			uint16_t	nvmcmps		: 1;	/**< Compare */
			uint16_t	nvmwusv		: 1;	/**< Write Uncorrectable */
			uint16_t	nvmdsmsv	: 1;	/**< Dataset Management */
			uint16_t	nvmwzsv		: 1;	/**< Write Zeroes */
			uint16_t	ssfs		: 1;	/**< save/select in features */
			uint16_t	reservs		: 1;	/**< reservations */
			uint16_t	tss		: 1;	/**< timestamp */
			uint16_t	nvmvfys		: 1;	/**< Verify */
			uint16_t	nvmcpys		: 1;	/**< Copy */
			uint16_t	rsvd		: 7;
		};
		struct {
			uint16_t	compare		: 1;
			uint16_t	write_unc	: 1;
			uint16_t	dsm		: 1;
			uint16_t	write_zeroes	: 1;
			uint16_t	set_features_save : 1;
			uint16_t	reservations	: 1;
			uint16_t	timestamp	: 1;
			uint16_t	verify		: 1;
			uint16_t	copy		: 1;
			uint16_t	reserved9	: 7;
		};
	};
};

/** Optional admin commands supported (OACS), with the older names too. */
struct spdk_nvme_cdata_oacs {
	union {
		struct {
			uint16_t	ssrs	: 1;	/**< Security Send/Receive */
			uint16_t	fnvms	: 1;	/**< Format NVM */
			uint16_t	fwds	: 1;	/**< firmware download and commit */
			uint16_t	nms	: 1;	/**< namespace management */
			uint16_t	dsts	: 1;	/**< device self-test */
			uint16_t	dirs	: 1;	/**< directives */
			uint16_t	nsrs	: 1;	/**< NVMe-MI Send/Receive */
			uint16_t	vms	: 1;	/**< virtualization management */
			uint16_t	dbcs	: 1;	/**< doorbell buffer config */
			uint16_t	glss	: 1;	/**< Get LBA Status */
			uint16_t	cfls	: 1;	/**< command and feature lockdown */
			uint16_t	hmlms	: 1;	/**< host managed live migration */
			uint16_t	rsvd	: 4;
		};
		struct {
			uint16_t	security		: 1;
			uint16_t	format			: 1;
			uint16_t	firmware		: 1;
			uint16_t	ns_manage		: 1;
			uint16_t	device_self_test	: 1;
			uint16_t	directives		: 1;
			uint16_t	nvme_mi			: 1;
			uint16_t	virtualization_management : 1;
			uint16_t	doorbell_buffer_config	: 1;
			uint16_t	get_lba_status		: 1;
			uint16_t	command_feature_lockdown : 1;
			uint16_t	oacs_rsvd		: 5;
		};
	};
};

/** Fused operations supported, with the older name too. */
struct spdk_nvme_cdata_fuses {
	union {
		uint16_t	raw;
		struct {
			uint16_t	fcws	: 1;	/**< fused Compare and Write */
			uint16_t	rsvd	: 15;
		};
		struct {
			uint16_t	compare_and_write : 1;
			uint16_t	reserved	: 15;
		};
	};
};

/** Optional asynchronous events supported (OAES). */
struct spdk_nvme_cdata_oaes {
	uint32_t	reserved1		: 8;
	uint32_t	ns_attribute_notices	: 1;
	uint32_t	fw_activation_notices	: 1;
	uint32_t	reserved2		: 1;
	uint32_t	ana_change_notices	: 1;
	uint32_t	pleal_change_notices	: 1;	/**< predictable latency event aggregate log */
	uint32_t	lba_sia_notices		: 1;	/**< LBA status information alerts */
	uint32_t	egealp_change_notices	: 1;	/**< endurance group event aggregate log */
	uint32_t	nnvm_sse		: 1;	/**< normal NVM subsystem shutdown */
	uint32_t	reserved3		: 11;
	uint32_t	zdes_change_notices	: 1;	/**< zone descriptor changes */
	uint32_t	reserved4		: 3;
	uint32_t	discovery_log_change_notices : 1;
};

/** Controller attributes (CTRATT). */
union spdk_nvme_cdata_ctratt {
	uint32_t	raw;
	struct {
		uint32_t	host_id_exhid_supported		: 1;	/**< 128-bit host identifier */
		uint32_t	non_operational_power_state_permissive_mode : 1;
		uint32_t	nvm_sets			: 1;
		uint32_t	read_recovery_levels		: 1;
		uint32_t	endurance_groups		: 1;
		uint32_t	predictable_latency_mode	: 1;
		uint32_t	tbkas				: 1;	/**< traffic based keep alive */
		uint32_t	namespace_granularity		: 1;
		uint32_t	sq_associations			: 1;
		uint32_t	uuid_list			: 1;
		uint32_t	mds				: 1;	/**< multiple domains */
		uint32_t	fixed_capacity_management	: 1;
		uint32_t	variable_capacity_management	: 1;
		uint32_t	delete_endurance_group		: 1;
		uint32_t	delete_nvm_set			: 1;
		uint32_t	elbas				: 1;	/**< extended LBA formats */
		uint32_t	reserved1			: 3;
		uint32_t	fdps				: 1;	/**< flexible data placement */
		uint32_t	reserved2			: 12;
	} bits;
};

#pragma pack(push, 1)
/** Identify controller data (CNS 01h). */
struct spdk_nvme_ctrlr_data {
	/* Bytes 0-255: controller capabilities and features. */
	uint16_t		vid;		/**< PCI vendor ID */
	uint16_t		ssvid;		/**< PCI subsystem vendor ID */
	int8_t			sn[SPDK_NVME_CTRLR_SN_LEN];	/**< serial number, space padded */
	int8_t			mn[SPDK_NVME_CTRLR_MN_LEN];	/**< model number, space padded */
	uint8_t			fr[SPDK_NVME_CTRLR_FR_LEN];	/**< firmware revision, space padded */
	uint8_t			rab;		/**< recommended arbitration burst */
	uint8_t			ieee[3];	/**< IEEE OUI */

	/** Multi-path I/O and namespace sharing capabilities (CMIC), with the
	 * older names too. */
	struct {
		union {
			struct {
				uint8_t mports	: 1;	/**< several ports */
				uint8_t mctrs	: 1;	/**< several controllers */
				uint8_t ft	: 1;	/**< function type: SR-IOV virtual function */
				uint8_t anars	: 1;	/**< asymmetric namespace access reporting */
				uint8_t rsvd	: 4;
			};
			struct {
				uint8_t multi_port	: 1;
				uint8_t multi_ctrlr	: 1;
				uint8_t sr_iov		: 1;
				uint8_t ana_reporting	: 1;
				uint8_t reserved	: 4;
			};
		};
	} cmic;

	uint8_t			mdts;		/**< maximum transfer: CAP.MPSMIN pages << mdts (0: none) */
	uint16_t		cntlid;		/**< controller ID */
	union spdk_nvme_vs_register	ver;	/**< specification version */
	uint32_t		rtd3r;		/**< RTD3 resume latency, us */
	uint32_t		rtd3e;		/**< RTD3 entry latency, us */
	struct spdk_nvme_cdata_oaes oaes;
	union spdk_nvme_cdata_ctratt ctratt;
	uint16_t		rrls;		/**< read recovery levels supported */
	uint8_t			reserved_102[9];
	uint8_t			cntrltype;	/**< enum spdk_nvme_ctrlr_type */
	uint8_t			fguid[16];	/**< FRU globally unique identifier */
	uint16_t		crdt[3];	/**< command retry delay times, 100 ms units */
	uint8_t			reserved_134[119];

	/** NVM subsystem report. */
	struct {
		uint8_t		nvmesd		: 1;	/**< part of an NVMe storage device */
		uint8_t		nvmee		: 1;	/**< part of an NVMe enclosure */
		uint8_t		nvmsr_rsvd	: 6;
	} nvmsr;

	/** VPD write cycle information. */
	struct {
		uint8_t		vwcr		: 7;	/**< write cycles remaining */
		uint8_t		vwcrv		: 1;	/**< vwcr is valid */
	} vwci;

	/** Management endpoint capabilities. */
	struct {
		uint8_t		smbusme		: 1;	/**< SMBus/I2C port endpoint */
		uint8_t		pcieme		: 1;	/**< PCIe port endpoint */
		uint8_t		mec_rsvd	: 6;
	} mec;

	/* Bytes 256-511: admin command set attributes. */
	struct spdk_nvme_cdata_oacs oacs;
	uint8_t			acl;		/**< abort command limit, 0's based */
	uint8_t			aerl;		/**< asynchronous event request limit, 0's based */

	/** Firmware updates. */
	struct {
		uint8_t		slot1_ro	: 1;	/**< slot 1 is read only */
		uint8_t		num_slots	: 3;
		uint8_t		activation_without_reset : 1;
		uint8_t		multiple_update_detection : 1;
		uint8_t		frmw_rsvd	: 2;
	} frmw;

	/** Log page attributes (LPA), with the older names too. */
	struct {
		union {
			struct {
				uint8_t	smarts	: 1;	/**< SMART log per namespace */
				uint8_t	cses	: 1;	/**< commands supported and effects log */
				uint8_t	lpeds	: 1;	/**< extended data for Get Log Page */
				uint8_t	ts	: 1;	/**< telemetry logs */
				uint8_t	pes	: 1;	/**< persistent event log */
				uint8_t	mlps	: 1;	/**< miscellaneous log pages */
				uint8_t	da4s	: 1;	/**< telemetry data area 4 */
				uint8_t	rsvd	: 1;
			};
			struct {
				uint8_t	ns_smart	: 1;
				uint8_t	celp		: 1;
				uint8_t	edlp		: 1;
				uint8_t	telemetry	: 1;
				uint8_t	pelp		: 1;
				uint8_t	lplp		: 1;
				uint8_t	da4_telemetry	: 1;
				uint8_t	lpa_rsvd	: 1;
			};
		};
	} lpa;

	uint8_t			elpe;		/**< error log page entries, 0's based */
	uint8_t			npss;		/**< power states, 0's based */

	/** Admin vendor specific command configuration. */
	struct {
		uint8_t		spec_format	: 1;	/**< commands use the standard format */
		uint8_t		avscc_rsvd	: 7;
	} avscc;

	/** Autonomous power state transition attributes. */
	struct {
		uint8_t		supported	: 1;
		uint8_t		apsta_rsvd	: 7;
	} apsta;

	uint16_t		wctemp;		/**< warning composite temperature, kelvin */
	uint16_t		cctemp;		/**< critical composite temperature, kelvin */
	uint16_t		mtfa;		/**< maximum firmware activation time, 100 ms units */
	uint32_t		hmpre;		/**< host memory buffer preferred size, 4 KiB units */
	uint32_t		hmmin;		/**< host memory buffer minimum size, 4 KiB units */
	uint64_t		tnvmcap[2];	/**< total NVM capacity, bytes (128 bits) */
	uint64_t		unvmcap[2];	/**< unallocated NVM capacity, bytes (128 bits) */

	/** Replay protected memory block support. */
	struct {
		uint8_t		num_rpmb_units	: 3;
		uint8_t		auth_method	: 3;
		uint8_t		reserved1	: 2;
		uint8_t		reserved2;
		uint8_t		total_size;	/**< 128 KiB units, 0's based */
		uint8_t		access_size;	/**< 512-byte units, 0's based */
	} rpmbs;

	uint16_t		edstt;		/**< extended device self-test time, minutes */

	/** Device self-test options. */
	union {
		uint8_t	raw;
		struct {
			uint8_t	one_only	: 1;	/**< one self-test at a time */
			uint8_t	reserved	: 7;
		} bits;
	} dsto;

	uint8_t			fwug;		/**< firmware update granularity, 4 KiB units (0xff: any) */
	uint16_t		kas;		/**< keep alive granularity, 100 ms units (0: none) */

	/** Host controlled thermal management attributes. */
	union {
		uint16_t	raw;
		struct {
			uint16_t	supported	: 1;
			uint16_t	reserved	: 15;
		} bits;
	} hctma;

	uint16_t		mntmt;		/**< minimum thermal management temperature */
	uint16_t		mxtmt;		/**< maximum thermal management temperature */

	/** Sanitize capabilities. */
	union {
		uint32_t	raw;
		struct {
			uint32_t	crypto_erase	: 1;
			uint32_t	block_erase	: 1;
			uint32_t	overwrite	: 1;
			uint32_t	reserved	: 29;
		} bits;
	} sanicap;

	uint32_t		hmminds;	/**< host memory buffer minimum descriptor size, 4 KiB units */
	uint16_t		hmmaxd;		/**< host memory buffer most descriptors */
	uint16_t		nsetidmax;	/**< largest NVM set identifier */
	uint16_t		endgidmax;	/**< largest endurance group identifier */
	uint8_t			anatt;		/**< ANA transition time, s */

	/** Asymmetric namespace access capabilities. */
	struct {
		uint8_t		ana_optimized_state	: 1;
		uint8_t		ana_non_optimized_state	: 1;
		uint8_t		ana_inaccessible_state	: 1;
		uint8_t		ana_persistent_loss_state : 1;
		uint8_t		ana_change_state	: 1;
		uint8_t		reserved		: 1;
		uint8_t		no_change_anagrpid	: 1;	/**< ANAGRPID never changes */
		uint8_t		non_zero_anagrpid	: 1;	/**< non-zero ANAGRPID in Namespace Management */
	} anacap;

	uint32_t		anagrpmax;	/**< largest ANA group identifier */
	uint32_t		nanagrpid;	/**< number of ANA group identifiers */
	uint32_t		pels;		/**< persistent event log size, 64 KiB units */
	uint16_t		domain_identifier;
	uint8_t			reserved3[10];
	uint8_t			megcap[SPDK_NVME_CTRLR_MEGCAP_LEN];	/**< largest endurance group, bytes */
	uint8_t			reserved384[128];

	/* Bytes 512-703: NVM command set attributes. */

	/** Submission queue entry sizes, log2. */
	struct {
		uint8_t		min	: 4;
		uint8_t		max	: 4;
	} sqes;

	/** Completion queue entry sizes, log2. */
	struct {
		uint8_t		min	: 4;
		uint8_t		max	: 4;
	} cqes;

	uint16_t		maxcmd;		/**< most outstanding commands (fabrics) */
	uint32_t		nn;		/**< number of namespaces */
	struct spdk_nvme_cdata_oncs oncs;
	struct spdk_nvme_cdata_fuses fuses;

	/** Format NVM attributes. */
	struct {
		uint8_t		format_all_ns		: 1;	/**< formats apply to every namespace */
		uint8_t		erase_all_ns		: 1;	/**< secure erase applies to every namespace */
		uint8_t		crypto_erase_supported	: 1;
		uint8_t		reserved		: 5;
	} fna;

	/** Volatile write cache. */
	struct {
		uint8_t		present		: 1;
		uint8_t		flush_broadcast	: 2;	/**< enum spdk_nvme_flush_broadcast */
		uint8_t		reserved	: 5;
	} vwc;

	uint16_t		awun;		/**< atomic write unit normal, blocks, 0's based */
	uint16_t		awupf;		/**< atomic write unit power fail, blocks, 0's based */
	uint8_t			nvscc;		/**< NVM vendor specific command configuration */
	uint8_t			nwpc;		/**< namespace write protection capabilities */
	uint16_t		acwu;		/**< atomic compare and write unit, blocks, 0's based */

	/** Optional copy formats supported. */
	struct {
		uint16_t	copy_format0	: 1;
		uint16_t	reserved1	: 15;
	} ocfs;

	struct spdk_nvme_cdata_sgls sgls;
	uint32_t		mnan;		/**< most allowed namespaces */
	uint8_t			maxdna[SPDK_NVME_MAXDNA_FIELD_SIZE];	/**< most domain namespace attachments */
	uint32_t		maxcna;		/**< most I/O controller namespace attachments */
	uint8_t			reserved4[204];
	uint8_t			subnqn[SPDK_NVME_NQN_FIELD_SIZE];	/**< subsystem NQN, NUL terminated */
	uint8_t			reserved5[768];
	struct spdk_nvme_cdata_nvmf_specific nvmf_specific;

	/* Bytes 2048-3071: power state descriptors. */
	struct spdk_nvme_power_state	psd[32];

	/* Bytes 3072-4095: vendor specific. */
	uint8_t			vs[1024];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_ctrlr_data) == 4096, "size of identify controller data");
#pragma pack(pop)

/** Zoned namespace command set identify controller data. */
struct spdk_nvme_zns_ctrlr_data {
	uint8_t			zasl;		/**< zone append size limit, as MDTS */
	uint8_t			reserved1[4095];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_zns_ctrlr_data) == 4096, "size");

#pragma pack(push, 1)
/** Primary controller capabilities (CNS 14h). */
struct spdk_nvme_primary_ctrl_capabilities {
	uint16_t		cntlid;		/**< controller ID */
	uint16_t		portid;		/**< port ID */
	struct {
		uint8_t vq_supported	: 1;	/**< VQ resources */
		uint8_t vi_supported	: 1;	/**< VI resources */
		uint8_t reserved	: 6;
	} crt;				/**< controller resource types */
	uint8_t			reserved[27];
	uint32_t		vqfrt;		/**< VQ flexible resources, total */
	uint32_t		vqrfa;		/**< VQ flexible resources assigned to secondaries */
	uint16_t		vqrfap;		/**< VQ flexible resources allocated to the primary */
	uint16_t		vqprt;		/**< VQ private resources of the primary */
	uint16_t		vqfrsm;		/**< most VQ flexible resources per secondary */
	uint16_t		vqgran;		/**< VQ flexible resource granularity */
	uint8_t			reserved1[16];
	uint32_t		vifrt;		/**< VI flexible resources, total */
	uint32_t		virfa;		/**< VI flexible resources assigned to secondaries */
	uint16_t		virfap;		/**< VI flexible resources allocated to the primary */
	uint16_t		viprt;		/**< VI private resources of the primary */
	uint16_t		vifrsm;		/**< most VI flexible resources per secondary */
	uint16_t		vigran;		/**< VI flexible resource granularity */
	uint8_t			reserved2[4016];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_primary_ctrl_capabilities) == 4096, "size");

/** One secondary controller of the secondary controller list. */
struct spdk_nvme_secondary_ctrl_entry {
	uint16_t		scid;		/**< secondary controller ID */
	uint16_t		pcid;		/**< its primary controller ID */
	struct {
		uint8_t is_online	: 1;
		uint8_t reserved	: 7;
	} scs;				/**< state */
	uint8_t			reserved[3];
	uint16_t		vfn;		/**< SR-IOV virtual function number */
	uint16_t		nvq;		/**< VQ flexible resources assigned */
	uint16_t		nvi;		/**< VI flexible resources assigned */
	uint8_t			reserved1[18];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_secondary_ctrl_entry) == 32, "size");

/** Secondary controller list (CNS 15h). */
struct spdk_nvme_secondary_ctrl_list {
	uint8_t			number;		/**< entries used */
	uint8_t			reserved[31];
	struct spdk_nvme_secondary_ctrl_entry entries[127];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_secondary_ctrl_list) == 4096, "size");
#pragma pack(pop)

/** Reservation capabilities of a namespace, with the older names too. */
struct spdk_nvme_rescap {
	union {
		struct {
			uint8_t ptpls	: 1;	/**< persist through power loss */
			uint8_t wes	: 1;	/**< write exclusive */
			uint8_t eas	: 1;	/**< exclusive access */
			uint8_t weros	: 1;	/**< write exclusive, registrants only */
			uint8_t earos	: 1;	/**< exclusive access, registrants only */
			uint8_t wears	: 1;	/**< write exclusive, all registrants */
			uint8_t eaars	: 1;	/**< exclusive access, all registrants */
			uint8_t ieks	: 1;	/**< ignore existing key */
		};
		struct {
			uint8_t persist			: 1;
			uint8_t write_exclusive		: 1;
			uint8_t exclusive_access	: 1;
			uint8_t write_exclusive_reg_only : 1;
			uint8_t exclusive_access_reg_only : 1;
			uint8_t write_exclusive_all_reg	: 1;
			uint8_t exclusive_access_all_reg : 1;
			uint8_t ignore_existing_key	: 1;
		};
	};
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_rescap) == 1, "size");

/** Format progress indicator, with the older names too. */
struct spdk_nvme_fpi {
	union {
		struct {
			uint8_t rfnvm	: 7;	/**< percent of the format left */
			uint8_t fpis	: 1;	/**< indicator supported */
		};
		struct {
			uint8_t percentage_remaining	: 7;
			uint8_t fpi_supported		: 1;
		};
	};
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_fpi) == 1, "size");

/** Namespace multi-path I/O and sharing capabilities, with the older
 * names too. */
struct spdk_nvme_nmic {
	union {
		struct {
			uint8_t shrns	: 1;	/**< shared namespace */
			uint8_t disns	: 1;	/**< dispersed namespace */
			uint8_t rsvd	: 6;
		};
		struct {
			uint8_t can_share	: 1;
			uint8_t reserved	: 7;
		};
	};
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_nmic) == 1, "size");

/** Namespace attributes, with the older names too. */
struct spdk_nvme_nsattr {
	union {
		struct {
			uint8_t cwp	: 1;	/**< currently write protected */
			uint8_t rsvd	: 7;
		};
		struct {
			uint8_t write_protected	: 1;
			uint8_t reserved	: 7;
		};
	};
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_nsattr) == 1, "size");

/** Identify namespace data (CNS 00h). */
struct spdk_nvme_ns_data {
	uint64_t		nsze;		/**< size, blocks */
	uint64_t		ncap;		/**< capacity, blocks */
	uint64_t		nuse;		/**< utilization, blocks */

	/** Features. */
	struct {
		uint8_t		thin_prov		: 1;
		uint8_t		ns_atomic_write_unit	: 1;	/**< NAWUN, NAWUPF and NACWU apply */
		uint8_t		dealloc_or_unwritten_error : 1;
		uint8_t		guid_never_reused	: 1;
		uint8_t		optperf			: 1;	/**< NPWG..NOWS apply */
		uint8_t		reserved1		: 3;
	} nsfeat;

	uint8_t			nlbaf;		/**< LBA formats, 0's based */

	/** Formatted LBA size. */
	struct {
		uint8_t		format		: 4;	/**< format index, low bits */
		uint8_t		extended	: 1;	/**< metadata at the end of each block */
		uint8_t		msb_format	: 2;	/**< format index, high bits (nlbaf > 16) */
		uint8_t		reserved2	: 1;
	} flbas;

	/** Metadata capabilities. */
	struct {
		uint8_t		extended	: 1;	/**< metadata in the data buffer */
		uint8_t		pointer		: 1;	/**< metadata in a separate buffer */
		uint8_t		reserved3	: 6;
	} mc;

	/** End-to-end data protection capabilities. */
	struct {
		uint8_t		pit1		: 1;
		uint8_t		pit2		: 1;
		uint8_t		pit3		: 1;
		uint8_t		md_start	: 1;	/**< PI in the first bytes of metadata */
		uint8_t		md_end		: 1;	/**< PI in the last bytes of metadata */
	} dpc;

	/** End-to-end data protection settings. */
	struct {
		uint8_t		pit		: 3;	/**< enum spdk_nvme_pi_type */
		uint8_t		md_start	: 1;	/**< PI at the start of metadata (else the end) */
		uint8_t		reserved4	: 4;
	} dps;

	struct spdk_nvme_nmic nmic;

	/** Reservation capabilities. */
	union {
		struct spdk_nvme_rescap rescap;
		uint8_t raw;
	} nsrescap;

	struct spdk_nvme_fpi fpi;

	/** Deallocate features. */
	union {
		uint8_t		raw;
		struct {
			uint8_t	read_value		: 3;	/**< enum spdk_nvme_dealloc_logical_block_read_value */
			uint8_t	write_zero_deallocate	: 1;	/**< Write Zeroes may deallocate */
			uint8_t	guard_value		: 1;	/**< guard of deallocated blocks is the CRC */
			uint8_t	reserved		: 3;
		} bits;
	} dlfeat;

	uint16_t		nawun;		/**< atomic write unit normal */
	uint16_t		nawupf;		/**< atomic write unit power fail */
	uint16_t		nacwu;		/**< atomic compare and write unit */
	uint16_t		nabsn;		/**< atomic boundary size normal */
	uint16_t		nabo;		/**< atomic boundary offset */
	uint16_t		nabspf;		/**< atomic boundary size power fail */
	uint16_t		noiob;		/**< optimal I/O boundary, blocks */
	uint64_t		nvmcap[2];	/**< NVM capacity, bytes (128 bits) */
	uint16_t		npwg;		/**< preferred write granularity */
	uint16_t		npwa;		/**< preferred write alignment */
	uint16_t		npdg;		/**< preferred deallocate granularity */
	uint16_t		npda;		/**< preferred deallocate alignment */
	uint16_t		nows;		/**< optimal write size */
	uint16_t		mssrl;		/**< most blocks per copy source range */
	uint32_t		mcl;		/**< most blocks per copy */
	uint8_t			msrc;		/**< most copy source ranges, 0's based */
	uint8_t			reserved81[11];
	uint32_t		anagrpid;	/**< ANA group */
	uint8_t			reserved96[3];
	struct spdk_nvme_nsattr nsattr;
	uint16_t		nvmsetid;	/**< NVM set */
	uint16_t		endgid;		/**< endurance group */
	uint8_t			nguid[16];	/**< namespace globally unique identifier */
	uint64_t		eui64;		/**< IEEE extended unique identifier */

	/** LBA formats. */
	struct {
		uint32_t	ms		: 16;	/**< metadata bytes per block */
		uint32_t	lbads		: 8;	/**< block size, log2 */
		uint32_t	rp		: 2;	/**< relative performance */
		uint32_t	reserved6	: 6;
	} lbaf[64];

	uint8_t			vendor_specific[3712];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_ns_data) == 4096, "size of identify namespace data");

/** NVM command set identify namespace data (CNS 05h, CSI 0). */
struct spdk_nvme_nvm_ns_data {
	uint64_t		lbstm;		/**< storage tag mask */

	/** Protection information capabilities. */
	struct {
		uint8_t		_16bpists	: 1;	/**< 16-bit guard PI storage tag supported */
		uint8_t		_16bpistm	: 1;	/**< 16-bit guard PI storage tag mask */
		uint8_t		stcrs		: 1;	/**< storage tag check read supported */
		uint8_t		reserved	: 5;
	} pic;

	uint8_t			reserved[3];

	/** Extended LBA formats, one per LBA format. */
	struct {
		uint32_t	sts		: 7;	/**< storage tag size */
		uint32_t	pif		: 2;	/**< enum spdk_nvme_pi_format */
		uint32_t	reserved	: 23;
	} elbaf[64];

	uint8_t			reserved2[3828];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_nvm_ns_data) == 4096, "size");

/** NVM command set identify controller data (CNS 06h, CSI 0). */
struct spdk_nvme_nvm_ctrlr_data {
	uint8_t			vsl;		/**< Verify size limit, as MDTS */
	uint8_t			wzsl;		/**< Write Zeroes size limit, as MDTS */
	uint8_t			wusl;		/**< Write Uncorrectable size limit, as MDTS */
	uint8_t			dmrl;		/**< most Dataset Management ranges */
	uint32_t		dmrsl;		/**< most blocks per Dataset Management range */
	uint64_t		dmsl;		/**< most blocks per Dataset Management command */
	uint8_t			rsvd16[4080];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_nvm_ctrlr_data) == 4096, "size");

/** Zoned namespace command set identify namespace data (CNS 05h, CSI 2). */
struct spdk_nvme_zns_ns_data {
	/** Zone operation characteristics. */
	struct {
		uint16_t	variable_zone_capacity	: 1;
		uint16_t	zone_active_excursions	: 1;
		uint16_t	reserved0		: 14;
	} zoc;

	/** Optional zoned command support. */
	struct {
		uint16_t	read_across_zone_boundaries : 1;
		uint16_t	reserved0		: 15;
	} ozcs;

	uint32_t		mar;		/**< most active resources, 0's based */
	uint32_t		mor;		/**< most open resources, 0's based */
	uint32_t		rrl;		/**< reset recommended limit, s */
	uint32_t		frl;		/**< finish recommended limit, s */
	uint32_t		rrl1;
	uint32_t		rrl2;
	uint32_t		rrl3;
	uint32_t		frl1;
	uint32_t		frl2;
	uint32_t		frl3;
	uint8_t			reserved44[2772];

	/** Zoned LBA format extensions, one per LBA format. */
	struct {
		uint64_t	zsze;			/**< zone size, blocks */
		uint64_t	zdes		: 8;	/**< zone descriptor extension size, 64-byte units */
		uint64_t	reserved15	: 56;
	} lbafe[64];

	uint8_t			vendor_specific[256];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_zns_ns_data) == 4096, "size");

/** Command set independent identify namespace data (CNS 08h). */
struct spdk_nvme_ns_iocs_independent_data {
	/** Common namespace features. */
	struct {
		uint8_t reserved1	: 3;
		uint8_t uidreuse	: 1;	/**< NGUID/EUI64 may be reused */
		uint8_t rmedia		: 1;	/**< rotational media */
		uint8_t vwcnp		: 1;	/**< no volatile write cache */
		uint8_t reserved2	: 2;
	} nsfeat;

	struct spdk_nvme_nmic nmic;
	struct spdk_nvme_rescap rescap;
	struct spdk_nvme_fpi fpi;
	uint32_t anagrpid;			/**< ANA group */
	struct spdk_nvme_nsattr nsattr;
	uint8_t reserved1;
	uint16_t nvmsetid;			/**< NVM set */
	uint16_t endgid;			/**< endurance group */

	/** Namespace status. */
	struct {
		uint8_t nrdy		: 1;	/**< ready */
		uint8_t ioi		: 2;	/**< I/O impacted */
		uint8_t reserved	: 5;
	} nstat;

	/** Key per I/O status. */
	struct {
		uint8_t kpioens		: 1;	/**< enabled in the namespace */
		uint8_t kpiosns		: 1;	/**< supported in the namespace */
		uint8_t reserved	: 6;
	} kpios;

	uint16_t maxkt;				/**< largest key tag */
	uint16_t reserved2;
	uint32_t rgrpid;			/**< reachability group */
	uint8_t reserved3[4072];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_ns_iocs_independent_data) == 4096, "size");

/** One I/O command set combination (identify I/O command sets, CNS 1Ch). */
struct spdk_nvme_iocs_vector {
	uint8_t	nvm	: 1;
	uint8_t	kv	: 1;
	uint8_t	zns	: 1;
	uint8_t	rsvd	: 5;
	uint8_t	rsvd2[7];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_iocs_vector) == 8, "size");

/*
 * Reservations.
 */

/** Data of Reservation Acquire. */
struct spdk_nvme_reservation_acquire_data {
	uint64_t		crkey;		/**< current key */
	uint64_t		prkey;		/**< key to preempt */
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_reservation_acquire_data) == 16, "size");

#pragma pack(push, 1)
/** Header of the Reservation Report data. */
struct spdk_nvme_reservation_status_data {
	uint32_t		gen;		/**< generation counter */
	uint8_t			rtype;		/**< enum spdk_nvme_reservation_type */
	uint16_t		regctl;		/**< registered controllers (entries that follow) */
	uint16_t		reserved1;
	uint8_t			ptpls;		/**< persist through power loss state */
	uint8_t			reserved[14];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_reservation_status_data) == 24, "size");

/** Header of the extended Reservation Report data. */
struct spdk_nvme_reservation_status_extended_data {
	struct spdk_nvme_reservation_status_data data;
	uint8_t			reserved[40];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_reservation_status_extended_data) == 64, "size");

/** A registrant in the Reservation Report data. */
struct spdk_nvme_registered_ctrlr_data {
	uint16_t		cntlid;		/**< controller ID */
	struct {
		uint8_t		status		: 1;	/**< holds the reservation */
		uint8_t		reserved1	: 7;
	} rcsts;
	uint8_t			reserved2[5];
	uint64_t		hostid;		/**< 64-bit host identifier */
	uint64_t		rkey;		/**< its reservation key */
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_registered_ctrlr_data) == 24, "size");

/** A registrant in the extended Reservation Report data. */
struct spdk_nvme_registered_ctrlr_extended_data {
	uint16_t		cntlid;		/**< controller ID */
	struct {
		uint8_t		status		: 1;	/**< holds the reservation */
		uint8_t		reserved1	: 7;
	} rcsts;
	uint8_t			reserved2[5];
	uint64_t		rkey;		/**< its reservation key */
	uint8_t			hostid[16];	/**< 128-bit host identifier */
	uint8_t			reserved3[32];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_registered_ctrlr_extended_data) == 64, "size");
#pragma pack(pop)

/** Data of Reservation Register. */
struct spdk_nvme_reservation_register_data {
	uint64_t		crkey;		/**< current key */
	uint64_t		nrkey;		/**< new key */
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_reservation_register_data) == 16, "size");

/** Data of Reservation Release. */
struct spdk_nvme_reservation_key_data {
	uint64_t		crkey;		/**< current key */
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_reservation_key_data) == 8, "size");

/** Reservation notification log page. */
struct spdk_nvme_reservation_notification_log {
	uint64_t	log_page_count;		/**< increments with each new page */
	uint8_t		type;			/**< enum spdk_nvme_reservation_notification_log_page_type */
	uint8_t		num_avail_log_pages;	/**< more pages waiting */
	uint8_t		reserved[2];
	uint32_t	nsid;
	uint8_t		reserved1[48];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_reservation_notification_log) == 64, "size");

/*
 * Log pages.
 */

/** Supported log pages log page: one entry per log page identifier. */
struct spdk_nvme_supported_log_pages {
	struct {
		uint32_t lsupp		: 1;	/**< supported */
		uint32_t ios		: 1;	/**< index offset supported */
		uint32_t reserved	: 14;
		uint32_t lidsp		: 16;	/**< log page specific */
	} lids[256];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_supported_log_pages) == 1024, "size");

/** Feature identifiers supported and effects log page: one entry per
 * feature identifier. */
struct spdk_nvme_feature_ids_effects_log_page {
	struct {
		uint32_t fsupp		: 1;	/**< supported */
		uint32_t udcc		: 1;	/**< may change user data */
		uint32_t ncc		: 1;	/**< may change namespace capabilities */
		uint32_t nic		: 1;	/**< may change the namespace inventory */
		uint32_t ccc		: 1;	/**< may change controller capabilities */
		uint32_t reserved	: 14;
		uint32_t uss		: 1;	/**< UUID selection supported */
		/* Scope of the feature: */
		uint32_t nscpe		: 1;	/**< namespace */
		uint32_t cscpe		: 1;	/**< controller */
		uint32_t nsetscpe	: 1;	/**< NVM set */
		uint32_t egscpe		: 1;	/**< endurance group */
		uint32_t dscpe		: 1;	/**< domain */
		uint32_t nsscpe		: 1;	/**< NVM subsystem */
		uint32_t cdqscpe	: 1;	/**< controller data queue */
		uint32_t fsp_reserved	: 5;
	} fis[256];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_feature_ids_effects_log_page) == 1024, "size");

/** An entry of the error information log page. */
struct spdk_nvme_error_information_entry {
	uint64_t		error_count;	/**< unique, increasing */
	uint16_t		sqid;
	uint16_t		cid;
	struct spdk_nvme_status	status;
	uint16_t		error_location;	/**< byte and bit of the command in error */
	uint64_t		lba;
	uint32_t		nsid;
	uint8_t			vendor_specific; /**< vendor specific log page with more */
	uint8_t			trtype;		/**< transport type */
	uint8_t			reserved30[2];
	uint64_t		command_specific;
	uint16_t		trtype_specific;
	uint8_t			reserved42[22];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_error_information_entry) == 64, "size");

#pragma pack(push, 1)
/** SMART / health information log page. The 128-bit counters are two
 * 64-bit words, low word first. */
struct spdk_nvme_health_information_page {
	union spdk_nvme_critical_warning_state	critical_warning;
	uint16_t		temperature;		/**< composite temperature, kelvin */
	uint8_t			available_spare;	/**< percent */
	uint8_t			available_spare_threshold; /**< percent */
	uint8_t			percentage_used;	/**< estimate of life used */
	uint8_t			reserved[26];
	uint64_t		data_units_read[2];	/**< thousands of 512-byte units */
	uint64_t		data_units_written[2];	/**< thousands of 512-byte units */
	uint64_t		host_read_commands[2];
	uint64_t		host_write_commands[2];
	uint64_t		controller_busy_time[2]; /**< minutes */
	uint64_t		power_cycles[2];
	uint64_t		power_on_hours[2];
	uint64_t		unsafe_shutdowns[2];
	uint64_t		media_errors[2];
	uint64_t		num_error_info_log_entries[2];
	uint32_t		warning_temp_time;	/**< minutes above the warning temperature */
	uint32_t		critical_temp_time;	/**< minutes above the critical temperature */
	uint16_t		temp_sensor[8];		/**< kelvin */
	uint8_t			reserved2[296];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_health_information_page) == 512, "size");
#pragma pack(pop)

/** Commands supported and effects of one opcode. */
struct spdk_nvme_cmds_and_effect_entry {
	uint16_t csupp		: 1;	/**< supported */
	uint16_t lbcc		: 1;	/**< may change logical block content */
	uint16_t ncc		: 1;	/**< may change namespace capabilities */
	uint16_t nic		: 1;	/**< may change the namespace inventory */
	uint16_t ccc		: 1;	/**< may change controller capabilities */
	uint16_t reserved1	: 11;
	uint16_t cse		: 3;	/**< submission restriction: none, per namespace, any namespace */
	uint16_t uss		: 1;	/**< UUID selection supported */
	/* Scope of the command: */
	uint16_t nscpe		: 1;	/**< namespace */
	uint16_t cscpe		: 1;	/**< controller */
	uint16_t nsetscpe	: 1;	/**< NVM set */
	uint16_t egscpe		: 1;	/**< endurance group */
	uint16_t dscpe		: 1;	/**< domain */
	uint16_t nsscpe		: 1;	/**< NVM subsystem */
	uint16_t csp_reserved	: 6;
};

/** Commands supported and effects log page. */
struct spdk_nvme_cmds_and_effect_log_page {
	struct spdk_nvme_cmds_and_effect_entry admin_cmds_supported[256];	/**< by admin opcode */
	struct spdk_nvme_cmds_and_effect_entry io_cmds_supported[256];		/**< by I/O opcode */
	uint8_t reserved0[2048];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_cmds_and_effect_log_page) == 4096, "size");

/** Header of the host and controller initiated telemetry log pages. */
struct spdk_nvme_telemetry_log_page_hdr {
	uint8_t    lpi;			/**< log page identifier */
	uint8_t    rsvd[4];
	uint8_t    ieee_oui[3];
	uint16_t   dalb1;		/**< last block of data area 1 */
	uint16_t   dalb2;		/**< last block of data area 2 */
	uint16_t   dalb3;		/**< last block of data area 3 */
	uint8_t    rsvd1[368];
	uint8_t    ctrlr_avail;		/**< controller initiated data available */
	uint8_t    ctrlr_gen;		/**< controller initiated data generation */
	uint8_t    rsnident[128];	/**< reason identifier */
	uint8_t    telemetry_datablock[0];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_telemetry_log_page_hdr) == 512, "size");

/** Status of the last sanitize (SSTAT). */
struct spdk_nvme_sanitize_status_sstat {
	uint16_t status			: 3;	/**< enum spdk_nvme_sanitize_status_type */
	uint16_t complete_pass		: 5;	/**< overwrite passes done */
	uint16_t global_data_erase	: 1;	/**< nothing written since */
	uint16_t reserved		: 7;
};

/** Sanitize status log page. */
struct spdk_nvme_sanitize_status_log_page {
	uint16_t				sprog;		/**< progress, of 65536 */
	struct spdk_nvme_sanitize_status_sstat	sstat;
	uint32_t				scdw10;		/**< CDW10 of the sanitize command */
	uint32_t				et_overwrite;	/**< estimated time of an overwrite, s */
	uint32_t				et_block_erase;	/**< estimated time of a block erase, s */
	uint32_t				et_crypto_erase; /**< estimated time of a crypto erase, s */
	uint8_t					reserved[492];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_sanitize_status_log_page) == 512, "size");

/** CDW0 of an Asynchronous Event Request completion. */
union spdk_nvme_async_event_completion {
	uint32_t raw;
	struct {
		uint32_t async_event_type	: 3;	/**< enum spdk_nvme_async_event_type */
		uint32_t reserved1		: 5;
		uint32_t async_event_info	: 8;	/**< enum spdk_nvme_async_event_info_* */
		uint32_t log_page_identifier	: 8;	/**< log page to read to clear the event */
		uint32_t reserved2		: 8;
	} bits;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvme_async_event_completion) == 4, "size");

/** Firmware slot information log page. */
struct spdk_nvme_firmware_page {
	struct {
		uint8_t	active_slot	: 3;	/**< slot running now */
		uint8_t	reserved3	: 1;
		uint8_t	next_reset_slot	: 3;	/**< slot to run after the next reset */
		uint8_t	reserved7	: 1;
	} afi;
	uint8_t			reserved[7];
	uint8_t			revision[7][8];	/**< revision in each slot, ASCII */
	uint8_t			reserved2[448];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_firmware_page) == 512, "size");

/** Header of the asymmetric namespace access log page; group descriptors
 * follow. */
struct spdk_nvme_ana_page {
	uint64_t change_count;
	uint16_t num_ana_group_desc;
	uint8_t reserved[6];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_ana_page) == 16, "size");

/** An ANA group descriptor and its NSIDs. */
struct spdk_nvme_ana_group_descriptor {
	uint32_t ana_group_id;
	uint32_t num_of_nsid;
	uint64_t change_count;
	uint8_t ana_state : 4;		/**< enum spdk_nvme_ana_state */
	uint8_t reserved0 : 4;
	uint8_t reserved1[15];
	uint32_t nsid[];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_ana_group_descriptor) == 32, "size");

/** A reclaim unit handle descriptor of an FDP configuration. */
struct spdk_nvme_fdp_ruh_descriptor {
	uint8_t ruht;			/**< enum spdk_nvme_fdp_ruh_type */
	uint8_t reserved[3];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_fdp_ruh_descriptor) == 4, "size");

/** An FDP configuration descriptor; reclaim unit handle descriptors follow. */
struct spdk_nvme_fdp_cfg_descriptor {
	uint16_t ds;			/**< size of this descriptor */
	union {
		uint8_t raw;
		struct {
			uint8_t rgif	: 4;	/**< reclaim group identifier format */
			uint8_t fdpvwc	: 1;	/**< volatile write cache */
			uint8_t rsvd1	: 2;
			uint8_t fdpcv	: 1;	/**< configuration valid */
		} bits;
	} fdpa;				/**< attributes */
	uint8_t vss;			/**< vendor specific size */
	uint32_t nrg;			/**< reclaim groups */
	uint16_t nruh;			/**< reclaim unit handles */
	uint16_t maxpids;		/**< most placement identifiers */
	uint32_t nns;			/**< namespaces supported */
	uint64_t runs;			/**< reclaim unit nominal size, bytes */
	uint32_t erutl;			/**< estimated reclaim unit time limit, s */
	uint8_t rsvd28[36];
	struct spdk_nvme_fdp_ruh_descriptor ruh_desc[];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_fdp_cfg_descriptor) == 64, "size");

/** FDP configurations log page; configuration descriptors follow. */
struct spdk_nvme_fdp_cfg_log_page {
	uint16_t ncfg;			/**< configurations, 0's based */
	uint8_t version;
	uint8_t reserved1;
	uint32_t size;			/**< of the whole page, bytes */
	uint8_t reserved2[8];
	struct spdk_nvme_fdp_cfg_descriptor cfg_desc[];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_fdp_cfg_log_page) == 16, "size");

/** A reclaim unit handle usage descriptor. */
struct spdk_nvme_fdp_ruhu_descriptor {
	uint8_t ruha;			/**< enum spdk_nvme_fdp_ruh_attributes */
	uint8_t reserved[7];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_fdp_ruhu_descriptor) == 8, "size");

/** Reclaim unit handle usage log page; descriptors follow. */
struct spdk_nvme_fdp_ruhu_log_page {
	uint16_t nruh;			/**< reclaim unit handles */
	uint8_t reserved[6];
	struct spdk_nvme_fdp_ruhu_descriptor ruhu_desc[];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_fdp_ruhu_log_page) == 8, "size");

/** FDP statistics log page (128-bit byte counters). */
struct spdk_nvme_fdp_stats_log_page {
	uint64_t hbmw[2];		/**< host bytes with metadata written */
	uint64_t mbmw[2];		/**< media bytes with metadata written */
	uint64_t mbe[2];		/**< media bytes erased */
	uint8_t rsvd48[16];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_fdp_stats_log_page) == 64, "size");

#pragma pack(push, 1)
/** Type specific data of a media reallocated FDP event. */
struct spdk_nvme_fdp_event_media_reallocated {
	union {
		uint8_t raw;
		struct {
			uint8_t lbav		: 1;	/**< lba is valid */
			uint8_t reserved	: 7;
		} bits;
	} sef;				/**< specific event flags */
	uint8_t reserved1;
	uint16_t nlbam;			/**< blocks moved */
	uint64_t lba;
	uint8_t reserved2[4];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_fdp_event_media_reallocated) == 16, "size");

/** An FDP event. */
struct spdk_nvme_fdp_event {
	uint8_t etype;			/**< enum spdk_nvme_fdp_event_type */
	union {
		uint8_t raw;
		struct {
			uint8_t piv		: 1;	/**< pid is valid */
			uint8_t nsidv		: 1;	/**< nsid is valid */
			uint8_t lv		: 1;	/**< rgid and ruhid are valid */
			uint8_t reserved	: 5;
		} bits;
	} fdpef;			/**< event flags */
	uint16_t pid;			/**< placement identifier */
	uint64_t timestamp;
	uint32_t nsid;
	uint64_t event_type_specific[2];
	uint16_t rgid;			/**< reclaim group */
	uint16_t ruhid;			/**< reclaim unit handle */
	uint8_t reserved[4];
	uint8_t vs[24];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_fdp_event) == 64, "size");
#pragma pack(pop)

/** FDP events log page; events follow. */
struct spdk_nvme_fdp_events_log_page {
	uint32_t nevents;
	uint8_t reserved[60];
	struct spdk_nvme_fdp_event event[];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_fdp_events_log_page) == 64, "size");

/*
 * Namespace lists, command dwords and the remaining data structures.
 */

/** A list of NSIDs, ascending, ended by a zero entry. */
struct spdk_nvme_ns_list {
	uint32_t ns_list[1024];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_ns_list) == 4096, "size");

/** A namespace identification descriptor; nidl bytes of nid follow. */
struct spdk_nvme_ns_id_desc {
	uint8_t nidt;			/**< enum spdk_nvme_nidt */
	uint8_t nidl;			/**< length of nid */
	uint8_t reserved2;
	uint8_t reserved3;
	uint8_t nid[];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_ns_id_desc) == 4, "size");

/** A list of controller IDs. */
struct spdk_nvme_ctrlr_list {
	uint16_t ctrlr_count;
	uint16_t ctrlr_list[2047];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_ctrlr_list) == 4096, "size");

/** CDW10 of Format NVM. */
struct spdk_nvme_format {
	uint32_t	lbaf		: 4;	/**< LBA format index, low bits */
	uint32_t	ms		: 1;	/**< enum spdk_nvme_metadata_setting */
	uint32_t	pi		: 3;	/**< enum spdk_nvme_pi_type */
	uint32_t	pil		: 1;	/**< enum spdk_nvme_pi_location */
	uint32_t	ses		: 3;	/**< enum spdk_nvme_secure_erase_setting */
	uint32_t	lbafu		: 2;	/**< LBA format index, high bits */
	uint32_t	reserved	: 18;
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_format) == 4, "size");

/** Protection information (16-bit guard format), big endian on the wire. */
struct spdk_nvme_protection_info {
	uint16_t	guard;
	uint16_t	app_tag;
	uint32_t	ref_tag;
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_protection_info) == 8, "size");

/** CDW10 of Sanitize. */
struct spdk_nvme_sanitize {
	uint32_t sanact		: 3;	/**< enum spdk_sanitize_action */
	uint32_t ause		: 1;	/**< allow unrestricted sanitize exit */
	uint32_t owpass		: 4;	/**< overwrite passes */
	uint32_t oipbp		: 1;	/**< invert the pattern between passes */
	uint32_t ndas		: 1;	/**< no deallocate after sanitize */
	uint32_t reserved	: 22;
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_sanitize) == 4, "size");

/** CDW10 of Firmware Commit. */
struct spdk_nvme_fw_commit {
	uint32_t	fs		: 3;	/**< firmware slot (0: the controller picks) */
	uint32_t	ca		: 3;	/**< enum spdk_nvme_fw_commit_action */
	uint32_t	reserved	: 25;
	uint32_t	bpid		: 1;	/**< boot partition */
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_fw_commit) == 4, "size");

/** A zone descriptor of a zone report. */
struct spdk_nvme_zns_zone_desc {
	uint8_t zt		: 4;	/**< enum spdk_nvme_zns_zone_type */
	uint8_t rsvd0		: 4;
	uint8_t rsvd1		: 4;
	uint8_t zs		: 4;	/**< enum spdk_nvme_zns_zone_state */

	/** Zone attributes. */
	union {
		uint8_t raw;
		struct {
			uint8_t zfc	: 1;	/**< finished by the controller */
			uint8_t fzr	: 1;	/**< finish recommended */
			uint8_t rzr	: 1;	/**< reset recommended */
			uint8_t rsvd3	: 4;
			uint8_t zdev	: 1;	/**< descriptor extension valid */
		} bits;
	} za;

	uint8_t reserved[5];
	uint64_t zcap;			/**< capacity, blocks */
	uint64_t zslba;			/**< first block */
	uint64_t wp;			/**< write pointer */
	uint8_t reserved32[32];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_zns_zone_desc) == 64, "size");

/** Header of a zone report; zone descriptors follow. */
struct spdk_nvme_zns_zone_report {
	uint64_t nr_zones;
	uint8_t reserved8[56];
	struct spdk_nvme_zns_zone_desc descs[];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_zns_zone_report) == 64, "size");

/** Return parameters of the identify directive: the directives supported,
 * enabled and persistent across a controller reset. */
struct spdk_nvme_ns_identify_directive_param {
	struct {
		uint8_t identify	: 1;
		uint8_t streams		: 1;
		uint8_t data_pd		: 1;	/**< data placement */
		uint8_t reserved1	: 5;
		uint8_t reserved2[31];
	} directives_supported;
	struct {
		uint8_t identify	: 1;
		uint8_t streams		: 1;
		uint8_t data_pd		: 1;
		uint8_t reserved1	: 5;
		uint8_t reserved2[31];
	} directives_enabled;
	struct {
		uint8_t identify	: 1;
		uint8_t streams		: 1;
		uint8_t data_pd		: 1;
		uint8_t reserved1	: 5;
		uint8_t reserved2[31];
	} directives_persistence;
	uint32_t reserved[1000];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_ns_identify_directive_param) == 4096, "size");

/** Return parameters of the streams directive. */
struct spdk_nvme_ns_streams_data {
	uint16_t msl;			/**< most streams */
	uint16_t nssa;			/**< streams available in the subsystem */
	uint16_t nsso;			/**< streams open in the subsystem */
	struct {
		uint8_t ssid		: 1;	/**< stream IDs may be shared by hosts */
		uint8_t reserved	: 7;
	} nssc;				/**< subsystem stream capability */
	uint8_t reserved1[9];
	uint32_t sws;			/**< stream write size, blocks */
	uint16_t sgs;			/**< stream granularity size, sws units */
	uint16_t nsa;			/**< streams allocated to the namespace */
	uint16_t nso;			/**< streams open in the namespace */
	uint8_t reserved2[6];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_ns_streams_data) == 32, "size");

/** Open streams of a namespace (streams directive, get status). */
struct spdk_nvme_ns_streams_status {
	uint16_t open_streams_count;
	uint16_t stream_id[65535];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_ns_streams_status) == 131072, "size");

/*
 * Completion status helpers; `cpl` points to a struct spdk_nvme_cpl.
 */

/** Whether the command failed. */
#define spdk_nvme_cpl_is_error(cpl) \
	((cpl)->status.sc != SPDK_NVME_SC_SUCCESS || (cpl)->status.sct != SPDK_NVME_SCT_GENERIC)

/** Whether the command succeeded. */
#define spdk_nvme_cpl_is_success(cpl) (!spdk_nvme_cpl_is_error(cpl))

/** Whether the command failed a protection information check. */
#define spdk_nvme_cpl_is_pi_error(cpl) \
	((cpl)->status.sct == SPDK_NVME_SCT_MEDIA_ERROR && \
	 ((cpl)->status.sc == SPDK_NVME_SC_GUARD_CHECK_ERROR || \
	  (cpl)->status.sc == SPDK_NVME_SC_APPLICATION_TAG_CHECK_ERROR || \
	  (cpl)->status.sc == SPDK_NVME_SC_REFERENCE_TAG_CHECK_ERROR))

/** Whether an Abort command aborted its target (success, CDW0 bit 0 clear). */
#define spdk_nvme_cpl_is_abort_success(cpl) \
	(spdk_nvme_cpl_is_success(cpl) && !((cpl)->cdw0 & 1U))

/** Whether the status is path related. */
#define spdk_nvme_cpl_is_path_error(cpl) ((cpl)->status.sct == SPDK_NVME_SCT_PATH)

/** Whether the status is an asymmetric namespace access error. */
#define spdk_nvme_cpl_is_ana_error(cpl) \
	((cpl)->status.sct == SPDK_NVME_SCT_PATH && \
	 ((cpl)->status.sc == SPDK_NVME_SC_ASYMMETRIC_ACCESS_PERSISTENT_LOSS || \
	  (cpl)->status.sc == SPDK_NVME_SC_ASYMMETRIC_ACCESS_INACCESSIBLE || \
	  (cpl)->status.sc == SPDK_NVME_SC_ASYMMETRIC_ACCESS_TRANSITION))

/** Whether the command was aborted because its submission queue was deleted. */
#define spdk_nvme_cpl_is_aborted_sq_deletion(cpl) \
	((cpl)->status.sct == SPDK_NVME_SCT_GENERIC && \
	 (cpl)->status.sc == SPDK_NVME_SC_ABORTED_SQ_DELETION)

/** Whether the command was aborted by an Abort command. */
#define spdk_nvme_cpl_is_aborted_by_request(cpl) \
	((cpl)->status.sct == SPDK_NVME_SCT_GENERIC && \
	 (cpl)->status.sc == SPDK_NVME_SC_ABORTED_BY_REQUEST)

/*
 * I/O flags of the spdk_nvme_ns_cmd_* functions. Bits 0-1 are the fused
 * operation; bits 16-31 go as they are into CDW12 of the command.
 */

/** First or second command of a fused pair. */
#define SPDK_NVME_IO_FLAGS_FUSE_FIRST (SPDK_NVME_CMD_FUSE_FIRST << 0)
#define SPDK_NVME_IO_FLAGS_FUSE_SECOND (SPDK_NVME_CMD_FUSE_SECOND << 0)
#define SPDK_NVME_IO_FLAGS_FUSE_MASK (SPDK_NVME_CMD_FUSE_MASK << 0)

/** Directive type `dtype` for a write (CDW12.DTYPE). */
#define SPDK_NVME_IO_FLAGS_DIRECTIVE(dtype) (dtype << 20)
#define SPDK_NVME_IO_FLAGS_STREAMS_DIRECTIVE \
	SPDK_NVME_IO_FLAGS_DIRECTIVE(SPDK_NVME_DIRECTIVE_TYPE_STREAMS)
#define SPDK_NVME_IO_FLAGS_DATA_PLACEMENT_DIRECTIVE \
	SPDK_NVME_IO_FLAGS_DIRECTIVE(SPDK_NVME_DIRECTIVE_TYPE_DATA_PLACEMENT)
/** Zone Append: remap the reference tag of the written protection information. */
#define SPDK_NVME_IO_FLAGS_ZONE_APPEND_PIREMAP (1U << 25)
/** Check the reference tag of the protection information. */
#define SPDK_NVME_IO_FLAGS_PRCHK_REFTAG (1U << 26)
/** Check the application tag of the protection information. */
#define SPDK_NVME_IO_FLAGS_PRCHK_APPTAG (1U << 27)
/** Check the guard of the protection information. */
#define SPDK_NVME_IO_FLAGS_PRCHK_GUARD (1U << 28)
/** The controller inserts or strips the protection information. */
#define SPDK_NVME_IO_FLAGS_PRACT (1U << 29)
/** Force unit access. */
#define SPDK_NVME_IO_FLAGS_FORCE_UNIT_ACCESS (1U << 30)
/** Limited retry. */
#define SPDK_NVME_IO_FLAGS_LIMITED_RETRY (1U << 31)

/** The bits of the I/O flags that have a meaning. */
#define SPDK_NVME_IO_FLAGS_VALID_MASK 0xFFFF0003
/** The bits of the I/O flags that go into CDW12. */
#define SPDK_NVME_IO_FLAGS_CDW12_MASK 0xFFFF0000
/** The protection information check bits. */
#define SPDK_NVME_IO_FLAGS_PRCHK_MASK 0x1C000000
