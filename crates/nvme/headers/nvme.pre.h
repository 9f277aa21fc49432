/** \file
 * The NVMe driver. So far: transport IDs and host IDs (parsing, naming,
 * comparing). Probing, controllers, queue pairs and commands come later.
 */

/** The trstring of each transport the library names. */
#define SPDK_NVME_TRANSPORT_NAME_FC		"FC"
#define SPDK_NVME_TRANSPORT_NAME_PCIE		"PCIE"
#define SPDK_NVME_TRANSPORT_NAME_RDMA		"RDMA"
#define SPDK_NVME_TRANSPORT_NAME_TCP		"TCP"
#define SPDK_NVME_TRANSPORT_NAME_VFIOUSER	"VFIOUSER"
#define SPDK_NVME_TRANSPORT_NAME_CUSTOM		"CUSTOM"
