/* Any NUMA node (the two names mean the same). */
#define SPDK_ENV_NUMA_ID_ANY	(-1)
#define SPDK_ENV_SOCKET_ID_ANY	(-1)
/* Not one of the application's cores. */
#define SPDK_ENV_LCORE_ID_ANY	(UINT32_MAX)

/* spdk_malloc() flags: memory a device may DMA to; memory shareable with
 * other processes of the same shm_id. */
#define SPDK_MALLOC_DMA    0x01
#define SPDK_MALLOC_SHARE  0x02

#define SPDK_MAX_MEMPOOL_NAME_LEN 29
#define SPDK_MEMZONE_NO_IOVA_CONTIG 0x00100000

/* Returned by spdk_vtophys() for memory that has no translation. */
#define SPDK_VTOPHYS_ERROR	(0xFFFFFFFFFFFFFFFFULL)

/* Walks the application's cores, lowest first. */
#define SPDK_ENV_FOREACH_CORE(i)		\
	for (i = spdk_env_get_first_core();	\
	     i < UINT32_MAX;			\
	     i = spdk_env_get_next_core(i))

/* Walks the NUMA nodes of the application's cores. */
#define SPDK_ENV_FOREACH_NUMA_ID(i)			\
	for (i = spdk_env_get_first_numa_id();		\
	     i < INT32_MAX;				\
	     i = spdk_env_get_next_numa_id(i))

/* Initialiser fields of a struct spdk_pci_id matching one vendor/device. */
#define SPDK_PCI_DEVICE(vend, dev)          \
	.class_id = SPDK_PCI_CLASS_ANY_ID,      \
	.vendor_id = (vend),                    \
	.device_id = (dev),                     \
	.subvendor_id = SPDK_PCI_ANY_ID,        \
	.subdevice_id = SPDK_PCI_ANY_ID

#define SPDK_PCI_DRIVER_NEED_MAPPING 0x0001
#define SPDK_PCI_DRIVER_WC_ACTIVATE 0x0002

/* Registers a PCI driver named `name` before main() runs. */
#define SPDK_PCI_DRIVER_REGISTER(name, id_table, flags) \
__attribute__((constructor)) static void _spdk_pci_driver_register_##name(void) \
{ \
	spdk_pci_driver_register(#name, id_table, flags); \
}

struct spdk_cpuset;
struct spdk_pci_device;
struct spdk_pci_driver;

/* Pools (src/ffi/env/mempool.rs): SPDK's callback typedefs are function
 * types, which cbindgen cannot generate. */
struct spdk_mempool;

/* cache_size of spdk_mempool_create(): let the library choose. */
#define SPDK_MEMPOOL_DEFAULT_CACHE_SIZE	SIZE_MAX

/* Called once per element: at creation (spdk_mempool_create_ctor()) or by
 * spdk_mempool_obj_iter(). */
typedef void (spdk_mempool_obj_cb_t)(struct spdk_mempool *mp, void *opaque, void *obj,
				     unsigned obj_idx);

/* Called once per memory chunk of a pool by spdk_mempool_mem_iter(). */
typedef void (spdk_mempool_mem_cb_t)(struct spdk_mempool *mp, void *opaque, void *addr,
				     uint64_t iova, size_t len, unsigned mem_idx);
