/*
 * hello_env: the smallest SPDK program. It brings up the environment on
 * one core, allocates DMA-capable memory, looks up its IO address, checks a
 * CRC32C of it and logs what it did. Built as any SPDK user would:
 *
 *   cc hello_env.c $(pkg-config --cflags --libs spdk_env_dpdk spdk_util spdk_log spdk_syslibs)
 */
#include "spdk/stdinc.h"
#include "spdk/env.h"
#include "spdk/log.h"
#include "spdk/crc32.h"
#include "spdk/string.h"

int
main(void)
{
	struct spdk_env_opts opts;
	const char *msg = "Hello from SPDK!";
	uint64_t size = 4096, iova;
	uint32_t crc, core;
	char *buf;
	int rc;

	opts.opts_size = sizeof(opts);
	spdk_env_opts_init(&opts);
	opts.name = "hello_env";
	rc = spdk_env_init(&opts);
	if (rc < 0) {
		fprintf(stderr, "Unable to initialize the SPDK env: %s\n", spdk_strerror(-rc));
		return 1;
	}
	spdk_log_set_print_level(SPDK_LOG_NOTICE);

	buf = spdk_dma_zmalloc(4096, 4096, NULL);
	if (buf == NULL) {
		SPDK_ERRLOG("could not allocate a DMA buffer\n");
		spdk_env_fini();
		return 1;
	}
	snprintf(buf, 4096, "%s", msg);
	iova = spdk_vtophys(buf, &size);
	crc = spdk_crc32c_update(buf, strlen(msg), ~0u) ^ ~0u;

	SPDK_ENV_FOREACH_CORE(core) {
		SPDK_NOTICELOG("core %u is on NUMA node %d\n", core, spdk_env_get_numa_id(core));
	}
	SPDK_NOTICELOG("buffer %p has IO address 0x%" PRIx64 " (%" PRIu64 " contiguous bytes)\n",
		       (void *)buf, iova, size);
	SPDK_NOTICELOG("\"%s\" has CRC32C 0x%08x\n", buf, crc);
	printf("%s\n", buf);

	spdk_dma_free(buf);
	spdk_env_fini();
	return iova == SPDK_VTOPHYS_ERROR ? 1 : 0;
}
