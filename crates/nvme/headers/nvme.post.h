/** Whether a transport type is a fabrics transport (a TRTYPE value, or a
 * custom fabrics transport); PCIe, vfio-user and custom ones are not. */
static inline bool
spdk_nvme_trtype_is_fabrics(enum spdk_nvme_transport_type trtype)
{
	return (unsigned int)trtype <= UINT8_MAX || trtype == SPDK_NVME_TRANSPORT_CUSTOM_FABRICS;
}

/** Shorthand for enum spdk_nvme_transport_type. */
typedef enum spdk_nvme_transport_type spdk_nvme_transport_type_t;
