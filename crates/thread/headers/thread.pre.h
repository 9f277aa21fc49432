#ifndef SPDK_CONFIG_MAX_NUMA_NODES
/* Per-NUMA iobuf caches: this implementation keeps one node. */
#define SPDK_CONFIG_MAX_NUMA_NODES 1
#endif

/** Size of the header of struct spdk_io_channel; the context follows it. */
#define SPDK_IO_CHANNEL_STRUCT_SIZE	96

/** Messages a thread keeps cached for its own sends. */
#define SPDK_MSG_MEMPOOL_CACHE_SIZE	1024
/** Default number of message objects (a power of 2 minus 1). */
#define SPDK_DEFAULT_MSG_MEMPOOL_SIZE (262144 - 1)

struct spdk_thread;
struct spdk_poller;
struct spdk_io_channel;
struct spdk_io_channel_iter;
struct spdk_iobuf_entry;
struct spdk_iobuf_buffer;

typedef STAILQ_HEAD(, spdk_iobuf_entry) spdk_iobuf_entry_stailq_t;
typedef STAILQ_HEAD(, spdk_iobuf_buffer) spdk_iobuf_buffer_stailq_t;
