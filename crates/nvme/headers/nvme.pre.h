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
	/** Create without connecting (not supported: false). */
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
