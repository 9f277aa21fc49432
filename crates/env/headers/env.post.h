/* A PCI function handed to a driver's enumerate callback. `dev_handle` and
 * `internal` belong to the env layer; the callbacks are how the device's
 * BARs and configuration space are reached. */
struct spdk_pci_device {
	struct spdk_pci_device		*parent;
	void				*dev_handle;
	struct spdk_pci_addr		addr;
	struct spdk_pci_id		id;
	union {
		int			numa_id;
		int			socket_id; /* older name of numa_id */
	};
	const char			*type;

	int (*map_bar)(struct spdk_pci_device *dev, uint32_t bar,
		       void **mapped_addr, uint64_t *phys_addr, uint64_t *size);
	int (*unmap_bar)(struct spdk_pci_device *dev, uint32_t bar,
			 void *addr);
	int (*cfg_read)(struct spdk_pci_device *dev, void *value,
			uint32_t len, uint32_t offset);
	int (*cfg_write)(struct spdk_pci_device *dev, void *value,
			 uint32_t len, uint32_t offset);

	struct _spdk_pci_device_internal {
		struct spdk_pci_driver		*driver;
		bool				attached;
		/* the lock file held by spdk_pci_device_claim(), or -1 */
		int				claim_fd;
		bool				pending_removal;
		bool				removed;
		TAILQ_ENTRY(spdk_pci_device)	tailq;
	} internal;
};
