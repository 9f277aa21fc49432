/** \file
 * The NVMe driver: transport IDs, probing and attaching controllers
 * (PCIe through VFIO, NVMe/TCP), controllers, namespaces, queue pairs
 * and the commands submitted on them. Polled: completions are reaped by
 * spdk_nvme_qpair_process_completions() and
 * spdk_nvme_ctrlr_process_admin_completions().
 */

/** The trstring of each transport the library names. */
#define SPDK_NVME_TRANSPORT_NAME_FC		"FC"
#define SPDK_NVME_TRANSPORT_NAME_PCIE		"PCIE"
#define SPDK_NVME_TRANSPORT_NAME_RDMA		"RDMA"
#define SPDK_NVME_TRANSPORT_NAME_TCP		"TCP"
#define SPDK_NVME_TRANSPORT_NAME_VFIOUSER	"VFIOUSER"
#define SPDK_NVME_TRANSPORT_NAME_CUSTOM		"CUSTOM"

/** A key of the keyring library (see spdk/keyring.h). */
struct spdk_key;
struct spdk_nvme_cmd;
struct spdk_nvme_cpl;
struct spdk_memory_domain;
struct spdk_nvme_poll_group_stat;

/**
 * Completion of an accel operation: `status` is 0 or a negative errno.
 */
typedef void (*spdk_nvme_accel_completion_cb)(void *cb_arg, int status);

/**
 * Completion of one step of an accel sequence.
 */
typedef void (*spdk_nvme_accel_step_cb)(void *cb_arg);

/**
 * Accel callbacks an application may hand to spdk_nvme_poll_group_create().
 * (Written here by hand: cbindgen cannot print its callback types.) This
 * library checks them as SPDK does but does not call them: it computes
 * digests itself and takes no accel sequences.
 */
struct spdk_nvme_accel_fn_table {
	/** sizeof(struct spdk_nvme_accel_fn_table) as the caller knows it:
	 * only the fields within that size are read. */
	size_t table_size;
	uint8_t reserved8[8];
	/** Runs an accel sequence to its end. */
	void (*finish_sequence)(void *seq, spdk_nvme_accel_completion_cb cb_fn, void *cb_arg);
	/** Reverses the order of an accel sequence. */
	void (*reverse_sequence)(void *seq);
	/** Drops an accel sequence. */
	void (*abort_sequence)(void *seq);
	/** Appends a CRC-32C computation to a sequence. */
	int (*append_crc32c)(void *ctx, void **seq, uint32_t *dst, struct iovec *iovs, uint32_t iovcnt,
			     struct spdk_memory_domain *memory_domain, void *domain_ctx,
			     uint32_t seed, spdk_nvme_accel_step_cb cb_fn, void *cb_arg);
	/** Appends a copy to a sequence. */
	int (*append_copy)(void *ctx, void **seq, struct iovec *dst_iovs, uint32_t dst_iovcnt,
			   struct spdk_memory_domain *dst_domain, void *dst_domain_ctx,
			   struct iovec *src_iovs, uint32_t src_iovcnt,
			   struct spdk_memory_domain *src_domain, void *src_domain_ctx,
			   spdk_nvme_accel_step_cb cb_fn, void *cb_arg);
};

/**
 * How to create an I/O queue pair. Get the defaults with
 * spdk_nvme_ctrlr_get_default_io_qpair_opts(), then change what you need.
 * (Written here by hand: cbindgen cannot print its anonymous union.)
 */
struct spdk_nvme_io_qpair_opts {
	/** Priority of the queue with weighted round robin arbitration. */
	enum spdk_nvme_qprio qprio;
	/** Entries of the submission and completion queues. */
	uint32_t io_queue_size;
	/** Requests preallocated for the pair (at least io_queue_size; a
	 * split I/O takes one per piece). */
	uint32_t io_queue_requests;
	union {
		/** Ring the submission doorbell once per completion poll rather
		 * than once per command. */
		bool delay_cmd_submit;
		/** Former name of delay_cmd_submit. */
		bool delay_pcie_doorbell;
	};
	uint8_t reserved13[3];
	/** Caller-provided submission queue memory (not supported: NULL). */
	struct {
		struct spdk_nvme_cmd *vaddr;
		uint64_t paddr;
		uint64_t buffer_size;
	} sq;
	/** Caller-provided completion queue memory (not supported: NULL). */
	struct {
		struct spdk_nvme_cpl *vaddr;
		uint64_t paddr;
		uint64_t buffer_size;
	} cq;
	/** Create without connecting: connect later with
	 * spdk_nvme_ctrlr_connect_io_qpair() (after spdk_nvme_poll_group_add()). */
	bool create_only;
	/** Connect asynchronously (not supported: false). */
	bool async_mode;
	/** Do not merge contiguous SGL elements (PCIe). */
	bool disable_pcie_sgl_merge;
	uint8_t reserved67[5];
	/** sizeof(struct spdk_nvme_io_qpair_opts) as the caller knows it. */
	size_t opts_size;
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_io_qpair_opts) == 80, "Incorrect size");
