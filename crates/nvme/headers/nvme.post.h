/** Whether a transport type is a fabrics transport (a TRTYPE value, or a
 * custom fabrics transport); PCIe, vfio-user and custom ones are not. */
static inline bool
spdk_nvme_trtype_is_fabrics(enum spdk_nvme_transport_type trtype)
{
	return (unsigned int)trtype <= UINT8_MAX || trtype == SPDK_NVME_TRANSPORT_CUSTOM_FABRICS;
}

/** Shorthand for enum spdk_nvme_transport_type. */
typedef enum spdk_nvme_transport_type spdk_nvme_transport_type_t;

/** Shorthand for enum spdk_nvme_qp_failure_reason. */
typedef enum spdk_nvme_qp_failure_reason spdk_nvme_qp_failure_reason;

/** Counters of one RDMA device (no RDMA transport here: never filled). */
struct spdk_nvme_rdma_device_stat {
	const char *name;
	uint64_t polls;
	uint64_t idle_polls;
	uint64_t completions;
	uint64_t queued_requests;
	uint64_t total_send_wrs;
	uint64_t send_doorbell_updates;
	uint64_t total_recv_wrs;
	uint64_t recv_doorbell_updates;
};

/** Counters of the PCIe pairs of a poll group. */
struct spdk_nvme_pcie_stat {
	/** Completion polls of its pairs. */
	uint64_t polls;
	/** Polls that found no completion. */
	uint64_t idle_polls;
	/** Completions reaped. */
	uint64_t completions;
	/** Completion queue head doorbell register writes. */
	uint64_t cq_mmio_doorbell_updates;
	/** Completion queue head shadow doorbell writes. */
	uint64_t cq_shadow_doorbell_updates;
	/** Requests handed to the queues. */
	uint64_t submitted_requests;
	/** Times a request waited for a free queue slot. */
	uint64_t queued_requests;
	/** Submission queue tail doorbell register writes. */
	uint64_t sq_mmio_doorbell_updates;
	/** Submission queue tail shadow doorbell writes. */
	uint64_t sq_shadow_doorbell_updates;
};

/** Counters of the TCP pairs of a poll group. */
struct spdk_nvme_tcp_stat {
	/** Polls of the group. */
	uint64_t polls;
	/** Polls without socket events (not counted here: 0). */
	uint64_t idle_polls;
	/** Socket events (not counted here: 0). */
	uint64_t socket_completions;
	/** NVMe completions reaped. */
	uint64_t nvme_completions;
	/** Requests handed to the connections. */
	uint64_t submitted_requests;
	/** Times a request waited for a free slot. */
	uint64_t queued_requests;
};

/** Counters of one transport of a poll group; `trtype` tells which
 * member of the union holds them. */
struct spdk_nvme_transport_poll_group_stat {
	spdk_nvme_transport_type_t trtype;
	union {
		struct {
			uint32_t num_devices;
			struct spdk_nvme_rdma_device_stat *device_stats;
		} rdma;
		struct spdk_nvme_pcie_stat pcie;
		struct spdk_nvme_tcp_stat tcp;
	};
};

/** Statistics of a poll group (spdk_nvme_poll_group_get_stats()): one
 * entry per transport that had pairs in it. */
struct spdk_nvme_poll_group_stat {
	uint32_t num_transports;
	struct spdk_nvme_transport_poll_group_stat **transport_stat;
};

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The controller's registers as mapped from BAR0 (PCIe), NULL for a
 * fabrics controller (its registers are reached by Property Get/Set).
 * (Declared here by hand: cbindgen cannot print the volatile.)
 */
volatile struct spdk_nvme_registers *spdk_nvme_ctrlr_get_registers(struct spdk_nvme_ctrlr *ctrlr);

#ifdef __cplusplus
}
#endif
