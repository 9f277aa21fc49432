/* env.h as SPDK programs use it: init and its errors, DMA memory, address
 * translation and memory maps, memzones, cores and pinned threads, time,
 * PCI addresses. */
#define _GNU_SOURCE
#include "spdk/stdinc.h"
#include "spdk/env.h"
#include "spdk/cpuset.h"
#include "spdk/string.h"
#include "harness.h"

static int g_notified_register, g_notified_unregister;
static int g_refuse;

static int
count_notify(void *ctx, struct spdk_mem_map *map, enum spdk_mem_map_notify_action action,
	     void *vaddr, size_t size)
{
	if (g_refuse) {
		return -EPERM;
	}
	if (action == SPDK_MEM_MAP_NOTIFY_REGISTER) {
		g_notified_register++;
		return spdk_mem_map_set_translation(map, (uint64_t)vaddr, size, 0x1000);
	}
	g_notified_unregister++;
	return spdk_mem_map_clear_translation(map, (uint64_t)vaddr, size);
}

static volatile uint32_t g_thread_core = UINT32_MAX - 1;

static int
pinned_thread(void *arg)
{
	g_thread_core = spdk_env_get_current_core();
	*(int *)arg = 42;
	return 0;
}

static void
test_init_errors(void)
{
	struct spdk_env_opts opts;

	/* Before any init, NULL is not a valid re-initialisation. */
	CHECK(spdk_env_init(NULL) == -EINVAL);

	/* SPDK's layout, field by field where it matters for ABI. */
	CHECK(offsetof(struct spdk_env_opts, shm_id) == 24);
	CHECK(offsetof(struct spdk_env_opts, no_pci) == 40);
	CHECK(offsetof(struct spdk_env_opts, num_pci_addr) == 48);
	CHECK(offsetof(struct spdk_env_opts, base_virtaddr) == 88);
	CHECK(offsetof(struct spdk_env_opts, opts_size) == 112);
	CHECK(offsetof(struct spdk_env_opts, enforce_numa) == 120);

	opts.opts_size = sizeof(opts);
	spdk_env_opts_init(&opts);
	CHECK(strcmp(opts.name, "spdk") == 0);
	CHECK(strcmp(opts.core_mask, "0x1") == 0);
	CHECK(opts.shm_id == -1 && opts.mem_size == -1 && opts.main_core == -1);
	CHECK(opts.opts_size == sizeof(opts));
	spdk_env_opts_init(NULL); /* no crash */

	opts.core_mask = "0xZZ";
	CHECK(spdk_env_init(&opts) < 0);
	opts.core_mask = "0x0";
	CHECK(spdk_env_init(&opts) < 0);
	opts.core_mask = "0x1";
	opts.main_core = 5;
	CHECK(spdk_env_init(&opts) < 0);
	opts.main_core = -1;
	opts.lcore_map = "0@(0,";
	CHECK(spdk_env_init(&opts) < 0);
}

/* CPUs 0 and 1 usable? Asked before init, which pins the main thread. */
static uint32_t g_ncpus;

static uint32_t
cpus_available(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	sched_getaffinity(0, sizeof(set), &set);
	return CPU_ISSET(0, &set) && CPU_ISSET(1, &set) ? 2 : 1;
}

static void
test_init(void)
{
	struct spdk_env_opts opts;

	opts.opts_size = sizeof(opts);
	spdk_env_opts_init(&opts);
	opts.name = "env_test";
	opts.core_mask = g_ncpus == 2 ? "0x3" : "0x1";
	opts.mem_size = 16;
	CHECK(spdk_env_init(&opts) == 0);
	/* Once up, only the NULL form is accepted. */
	CHECK(spdk_env_init(&opts) == -EINVAL);
}

static void
test_malloc(void)
{
	uint64_t dummy = 0;
	char *p, *q;
	int i;

	CHECK(spdk_malloc(100, 0, NULL, SPDK_ENV_NUMA_ID_ANY, 0) == NULL); /* flags 0 */
	CHECK(spdk_malloc(100, 0, &dummy, SPDK_ENV_NUMA_ID_ANY, SPDK_MALLOC_DMA) == NULL);
	CHECK(spdk_malloc(0, 0, NULL, SPDK_ENV_NUMA_ID_ANY, SPDK_MALLOC_DMA) == NULL);
	CHECK(spdk_malloc(100, 3, NULL, SPDK_ENV_NUMA_ID_ANY, SPDK_MALLOC_DMA) == NULL);
	CHECK(spdk_dma_malloc(100, 0, &dummy) == NULL);

	p = spdk_malloc(1000, 0, NULL, SPDK_ENV_NUMA_ID_ANY, SPDK_MALLOC_DMA);
	CHECK(p != NULL && ((uintptr_t)p % 64) == 0);
	memset(p, 'x', 1000);
	q = spdk_realloc(p, 100000, 4096);
	CHECK(q != NULL && ((uintptr_t)q % 4096) == 0 && q[999] == 'x');
	spdk_free(q);

	p = spdk_zmalloc(8192, 0x200000, NULL, 0, SPDK_MALLOC_DMA | SPDK_MALLOC_SHARE);
	CHECK(p != NULL && ((uintptr_t)p & 0x1fffff) == 0);
	for (i = 0; i < 8192 && p[i] == 0; i++);
	CHECK(i == 8192);
	spdk_free(p);

	p = spdk_dma_zmalloc_socket(64, 0, NULL, 0);
	CHECK(p != NULL && p[63] == 0);
	q = spdk_dma_realloc(p, 128, 0, NULL);
	CHECK(q != NULL);
	CHECK(spdk_dma_realloc(q, 128, 0, &dummy) == NULL);
	spdk_dma_free(q);

	/* Bad frees are reported, not fatal. */
	spdk_free(NULL);
	spdk_free(&dummy);
	p = spdk_dma_malloc(64, 0, NULL);
	spdk_dma_free(p);
	spdk_dma_free(p);

	/* Many small and large ones, all distinct and writable. */
	{
		void *v[64];
		for (i = 0; i < 64; i++) {
			v[i] = spdk_dma_malloc(i % 2 ? 100 : 3 << 20, 512, NULL);
			CHECK(v[i] != NULL);
			if (v[i]) {
				memset(v[i], i, 100);
			}
		}
		for (i = 0; i < 64; i++) {
			CHECK(v[i] == NULL || ((char *)v[i])[99] == (char)i);
			spdk_dma_free(v[i]);
		}
	}
}

static void
test_translation(void)
{
	struct spdk_mem_map_ops ops = { .notify_cb = count_notify, .are_contiguous = NULL };
	struct spdk_mem_map *map;
	uint64_t size, local = 0, offset = 0;
	char *buf, *region;
	int fd;

	buf = spdk_dma_malloc(3 * 4096, 4096, NULL);
	CHECK(buf != NULL);
	size = 3 * 4096;
	CHECK(spdk_vtophys(buf, &size) == (uint64_t)buf); /* IOVA = VA */
	CHECK(size == 3 * 4096);
	CHECK(spdk_vtophys(buf + 5, NULL) == (uint64_t)buf + 5);
	CHECK(spdk_vtophys(&local, NULL) == SPDK_VTOPHYS_ERROR);
	/* Shareable unless the kernel gives hugepages to anonymous memory only. */
	fd = spdk_mem_get_fd_and_offset(buf, &offset);
	CHECK(fd >= 0 || fd == -ENOTSUP);
	CHECK(spdk_mem_get_fd_and_offset(&local, &offset) < 0);
	CHECK(spdk_mem_get_fd_and_offset(NULL, &offset) == -EINVAL);
	spdk_dma_free(buf);

	/* A new map hears about every region already registered. */
	map = spdk_mem_map_alloc(0, &ops, NULL);
	CHECK(map != NULL);
	CHECK(g_notified_register > 0);

	region = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(region != MAP_FAILED);
	CHECK(spdk_mem_register(region + 1, 4096) == -EINVAL);
	CHECK(spdk_mem_register(region, 4095) == -EINVAL);
	CHECK(spdk_mem_register(region, 2 << 20) == 0);
	CHECK(spdk_mem_register(region + 4096, 4096) == -EBUSY);
	CHECK(spdk_mem_map_translate(map, (uint64_t)region, NULL) == 0x1000);
	CHECK(spdk_mem_map_translate(map, (uint64_t)region + (3 << 20), NULL) == 0);
	CHECK(spdk_vtophys(region + 100, NULL) == (uint64_t)region + 100);
	CHECK(spdk_mem_unregister(region, 4096) == -EINVAL); /* part of a registration */
	CHECK(spdk_mem_unregister(region + (2 << 20), 4096) == -EINVAL); /* never registered */
	CHECK(spdk_mem_unregister(region, 2 << 20) == 0);
	CHECK(g_notified_unregister == 1);
	CHECK(spdk_mem_map_translate(map, (uint64_t)region, NULL) == 0);
	CHECK(spdk_vtophys(region, NULL) == SPDK_VTOPHYS_ERROR);

	/* A refusing map makes registration fail, and nothing stays registered. */
	g_refuse = 1;
	CHECK(spdk_mem_register(region, 2 << 20) == -EPERM);
	g_refuse = 0;
	CHECK(spdk_vtophys(region, NULL) == SPDK_VTOPHYS_ERROR);
	CHECK(spdk_mem_register(region, 2 << 20) == 0);
	CHECK(spdk_mem_unregister(region, 2 << 20) == 0);
	munmap(region, 4 << 20);

	CHECK(spdk_mem_map_set_translation(map, 0x1001, 4096, 1) == -EINVAL);
	CHECK(spdk_mem_map_set_translation(map, 1ULL << 48, 4096, 1) == -EINVAL);
	CHECK(spdk_mem_map_set_translation(NULL, 0, 4096, 1) == -EINVAL);
	CHECK(spdk_mem_map_set_translation(map, 0x40000000, 0x400000, 0x100000000ULL) == 0);
	size = 0x400000;
	CHECK(spdk_mem_map_translate(map, 0x40200000, &size) == 0x100200000ULL);
	CHECK(size == 0x200000); /* no are_contiguous: one page at a time */
	CHECK(spdk_mem_map_clear_translation(map, 0x40000000, 0x400000) == 0);
	CHECK(spdk_mem_map_translate(map, 0x40000000, NULL) == 0);

	spdk_mem_map_free(&map);
	CHECK(map == NULL);
	spdk_mem_map_free(&map);
	spdk_mem_map_free(NULL);
}

static void
test_memzone(void)
{
	char *z = spdk_memzone_reserve("env_test_zone", 1000, SPDK_ENV_NUMA_ID_ANY, 0);

	CHECK(z != NULL && z[999] == 0);
	CHECK(spdk_memzone_reserve("env_test_zone", 10, SPDK_ENV_NUMA_ID_ANY, 0) == NULL);
	CHECK(spdk_memzone_lookup("env_test_zone") == z);
	CHECK(spdk_memzone_lookup("nope") == NULL);
	CHECK(spdk_memzone_reserve(NULL, 10, 0, 0) == NULL);
	CHECK(spdk_memzone_reserve("a_name_that_is_far_too_long_for_a_memzone", 10, 0, 0) == NULL);
	CHECK(spdk_memzone_reserve_aligned("env_test_zone2", 10, 0, 0, 4096) != NULL);
	CHECK(((uintptr_t)spdk_memzone_lookup("env_test_zone2") % 4096) == 0);
	spdk_memzone_dump(stdout);
	CHECK(spdk_memzone_free("env_test_zone") == 0);
	CHECK(spdk_memzone_free("env_test_zone") < 0);
	CHECK(spdk_memzone_free("env_test_zone2") == 0);
	CHECK(spdk_memzone_free(NULL) < 0);
}

static void
test_cores(void)
{
	uint32_t core, n = 0, ncpus = g_ncpus;
	struct spdk_cpuset *set = spdk_cpuset_alloc();
	int32_t numa;
	int arg = 0;

	CHECK(spdk_env_get_core_count() == ncpus);
	CHECK(spdk_env_get_first_core() == 0);
	CHECK(spdk_env_get_last_core() == ncpus - 1);
	CHECK(spdk_env_get_main_core() == 0);
	CHECK(spdk_env_get_current_core() == 0);
	SPDK_ENV_FOREACH_CORE(core) {
		n++;
		CHECK(spdk_env_get_numa_id(core) >= 0);
	}
	CHECK(n == ncpus);
	CHECK(spdk_env_get_next_core(ncpus - 1) == UINT32_MAX);
	n = 0;
	SPDK_ENV_FOREACH_NUMA_ID(numa) {
		n++;
	}
	CHECK(n >= 1);
	spdk_env_get_cpuset(set);
	CHECK(spdk_cpuset_count(set) == ncpus);
	CHECK(spdk_env_core_get_smt_cpuset(set, 0) == false || spdk_cpuset_get_cpu(set, 0));
	spdk_env_get_cpuset(NULL);
	spdk_cpuset_free(set);

	CHECK(spdk_env_thread_launch_pinned(0, pinned_thread, &arg) == -EBUSY); /* main core */
	CHECK(spdk_env_thread_launch_pinned(77, pinned_thread, &arg) == -EINVAL);
	CHECK(spdk_env_thread_launch_pinned(1, NULL, &arg) == -EINVAL);
	if (ncpus == 2) {
		CHECK(spdk_env_thread_launch_pinned(1, pinned_thread, &arg) == 0);
		CHECK(spdk_env_thread_launch_pinned(1, pinned_thread, &arg) == -EBUSY);
		spdk_env_thread_wait_all();
		CHECK(arg == 42);
		CHECK(g_thread_core == 1);
	}
	spdk_env_thread_wait_all();
	CHECK(spdk_process_is_primary());
	CHECK(spdk_get_tid() > 0);
}

static void
test_time(void)
{
	uint64_t hz = spdk_get_ticks_hz(), t0 = spdk_get_ticks(), t1;

	CHECK(hz > 1000000);
	spdk_delay_us(1000);
	t1 = spdk_get_ticks();
	CHECK(t1 - t0 >= hz / 1000 * 9 / 10);
	spdk_pause();
}

static void
test_pci_addr(void)
{
	struct spdk_pci_addr a, b;
	char bdf[32];

	CHECK(spdk_pci_addr_parse(&a, "0000:81:00.1") == 0);
	CHECK(a.domain == 0 && a.bus == 0x81 && a.dev == 0 && a.func == 1);
	CHECK(spdk_pci_addr_fmt(bdf, sizeof(bdf), &a) == 0 && strcmp(bdf, "0000:81:00.1") == 0);
	CHECK(spdk_pci_addr_fmt(bdf, 5, &a) < 0);
	CHECK(spdk_pci_addr_parse(&b, "81:00.2") == 0);
	CHECK(spdk_pci_addr_compare(&a, &b) < 0);
	CHECK(spdk_pci_addr_compare(&b, &a) > 0);
	CHECK(spdk_pci_addr_compare(&a, &a) == 0);
	CHECK(spdk_pci_addr_parse(&a, "not-a-bdf") < 0);
	CHECK(spdk_pci_addr_parse(&a, NULL) < 0);
	CHECK(spdk_pci_addr_parse(NULL, "0000:00:00.0") < 0);
}

int
main(void)
{
	g_ncpus = cpus_available();
	test_init_errors();
	test_init();
	test_malloc();
	test_translation();
	test_memzone();
	test_cores();
	test_time();
	test_pci_addr();

	spdk_env_fini();
	CHECK(spdk_vtophys(&g_refuse, NULL) == SPDK_VTOPHYS_ERROR);
	/* After fini, the NULL form brings the environment back. */
	CHECK(spdk_env_init(NULL) == 0);
	{
		char *p = spdk_dma_malloc(4096, 4096, NULL);
		CHECK(p != NULL && spdk_vtophys(p, NULL) == (uint64_t)p);
		spdk_dma_free(p);
	}
	spdk_env_fini();
	return harness_done("env_test");
}
