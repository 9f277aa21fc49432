/*
 * event_perf: events per second per reactor, the figure SPDK's
 * test/event/event_perf prints. Every reactor of the mask starts four
 * event chains; each event passes itself on to the next core of the mask
 * (round robin, back to the first after the last) until the time is up.
 * Counts are kept per receiving core, each on its own cache line.
 *
 *   event_perf -m MASK -t SECONDS        (defaults: -m 0x1 -t 1)
 *
 * bench-run: -m 0x1 -t 1
 * bench-run: -m 0x3 -t 1
 */
#include "spdk/stdinc.h"
#include "spdk/env.h"
#include "spdk/event.h"
#include "spdk/string.h"

#define CHAINS_PER_CORE 4

struct core_count {
	uint64_t events;
} __attribute__((aligned(64)));

static struct core_count *g_counts;
static uint64_t g_deadline;
static int g_seconds = 1;
static bool g_stopping;

static uint32_t
core_after(uint32_t core)
{
	uint32_t next = spdk_env_get_next_core(core);

	return next == UINT32_MAX ? spdk_env_get_first_core() : next;
}

static void
pass_on(void *arg1, void *arg2)
{
	static __thread uint32_t t_next = UINT32_MAX;
	uint32_t me = spdk_env_get_current_core();

	g_counts[me].events++;
	if (spdk_get_ticks() >= g_deadline) {
		if (!__atomic_exchange_n(&g_stopping, true, __ATOMIC_ACQ_REL)) {
			spdk_app_stop(0);
		}
		return;
	}
	if (t_next == UINT32_MAX) {
		t_next = core_after(me);
	}
	spdk_event_call(spdk_event_allocate(t_next, pass_on, NULL, NULL));
}

static void
start_chains(void *arg1, void *arg2)
{
	for (int i = 0; i < CHAINS_PER_CORE; i++) {
		pass_on(NULL, NULL);
	}
}

static void
bench_start(void *ctx)
{
	uint32_t core;

	g_counts = calloc(spdk_env_get_last_core() + 1, sizeof(*g_counts));
	if (g_counts == NULL) {
		fprintf(stderr, "out of memory\n");
		spdk_app_stop(1);
		return;
	}
	g_deadline = spdk_get_ticks() + g_seconds * spdk_get_ticks_hz();
	SPDK_ENV_FOREACH_CORE(core) {
		spdk_event_call(spdk_event_allocate(core, start_chains, NULL, NULL));
	}
}

static void
usage(const char *prog)
{
	printf("%s options\n", prog);
	printf("\t[-m core mask of the reactors (default 0x1)]\n");
	printf("\t[-t time in seconds (default 1)]\n");
}

int
main(int argc, char **argv)
{
	struct spdk_app_opts opts = {};
	uint32_t core;
	int op, rc;

	spdk_app_opts_init(&opts, sizeof(opts));
	opts.name = "event_perf";
	opts.rpc_addr = NULL;
	opts.print_level = SPDK_LOG_WARN;
	while ((op = getopt(argc, argv, "m:t:h")) != -1) {
		switch (op) {
		case 'm':
			opts.reactor_mask = optarg;
			break;
		case 't':
			g_seconds = spdk_strtol(optarg, 10);
			if (g_seconds <= 0) {
				fprintf(stderr, "invalid run time\n");
				return 1;
			}
			break;
		default:
			usage(argv[0]);
			return op == 'h' ? 0 : 1;
		}
	}

	printf("Running I/O for %d seconds...", g_seconds);
	fflush(stdout);
	rc = spdk_app_start(&opts, bench_start, NULL);
	spdk_app_fini();
	if (g_counts != NULL) {
		printf("\n");
		SPDK_ENV_FOREACH_CORE(core) {
			printf("lcore %2u: %8" PRIu64 "\n", core, g_counts[core].events / g_seconds);
		}
		free(g_counts);
	}
	printf("done.\n");
	return rc;
}
