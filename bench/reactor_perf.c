/*
 * reactor_perf: events per second on one reactor, the figure SPDK's
 * test/event/reactor_perf prints: -q chains of events, each event sending
 * the next one to its own core, until a -t second timed poller stops the
 * application.
 *
 *   reactor_perf -q DEPTH -t SECONDS           (defaults: -q 1 -t 1)
 *
 * bench-run: -q 1 -t 1
 * bench-run: -q 128 -t 1
 */
#include "spdk/stdinc.h"
#include "spdk/env.h"
#include "spdk/event.h"
#include "spdk/string.h"
#include "spdk/thread.h"

static int g_seconds = 1;
static int g_depth = 1;
static uint64_t g_events;
static bool g_stopping;
static struct spdk_poller *g_end;

static void
again(void *arg1, void *arg2)
{
	g_events++;
	if (g_stopping) {
		return;
	}
	spdk_event_call(spdk_event_allocate(spdk_env_get_current_core(), again, NULL, NULL));
}

static void
stop(void)
{
	if (!g_stopping) {
		g_stopping = true;
		spdk_poller_unregister(&g_end);
		spdk_app_stop(0);
	}
}

static int
end_timer(void *arg)
{
	printf("test_end\n");
	stop();
	return SPDK_POLLER_BUSY;
}

static void
bench_start(void *ctx)
{
	printf("test_start\n");
	g_end = SPDK_POLLER_REGISTER(end_timer, NULL, g_seconds * SPDK_SEC_TO_USEC);
	for (int i = 0; i < g_depth; i++) {
		again(NULL, NULL);
	}
}

static void
usage(const char *prog)
{
	printf("%s options\n", prog);
	printf("\t[-q queue depth (default 1)]\n");
	printf("\t[-t time in seconds (default 1)]\n");
}

int
main(int argc, char **argv)
{
	struct spdk_app_opts opts;
	long v;
	int op, rc;

	spdk_app_opts_init(&opts, sizeof(opts));
	opts.name = "reactor_perf";
	opts.rpc_addr = NULL;
	opts.print_level = SPDK_LOG_WARN;
	opts.shutdown_cb = stop;
	while ((op = getopt(argc, argv, "q:t:h")) != -1) {
		if (op == 'h' || op == '?') {
			usage(argv[0]);
			return op == 'h' ? 0 : 1;
		}
		v = spdk_strtol(optarg, 10);
		if (v <= 0) {
			fprintf(stderr, "-%c wants a positive number\n", op);
			return 1;
		}
		if (op == 'q') {
			g_depth = v;
		} else {
			g_seconds = v;
		}
	}
	rc = spdk_app_start(&opts, bench_start, NULL);
	spdk_app_fini();
	printf("Performance: %8" PRIu64 " events per second\n", g_events / g_seconds);
	return rc;
}
