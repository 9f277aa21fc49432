/*
 * poller_perf: the cost of one poller call, as SPDK's
 * test/thread/poller_perf prints it: -b pollers with a period of -l
 * microseconds (0: active pollers, run every iteration) on the app thread
 * for -t seconds; the thread's busy cycles (spdk_thread_get_stats) over
 * the number of poller calls, in cycles and nanoseconds.
 *
 *   poller_perf -b POLLERS -l PERIOD_US -t SECONDS   (defaults: -b 1000 -l 0 -t 1)
 *
 * bench-run: -b 1000 -l 0 -t 1
 * bench-run: -b 1000 -l 1 -t 1
 * bench-run: -b 1 -l 0 -t 1
 */
#include "spdk/stdinc.h"
#include "spdk/env.h"
#include "spdk/event.h"
#include "spdk/string.h"
#include "spdk/thread.h"
#include "spdk/util.h"

#define MAX_POLLERS 1000

static int g_pollers_wanted = 1000;
static int g_period_us;
static int g_seconds = 1;

static struct spdk_poller *g_pollers[MAX_POLLERS];
static struct spdk_poller *g_end_timer;
static struct spdk_thread_stats g_before;
static uint64_t g_calls;
static bool g_done;

static int
count_call(void *arg)
{
	g_calls++;
	return SPDK_POLLER_BUSY;
}

static void
finish(void)
{
	struct spdk_thread_stats after;
	uint64_t hz = spdk_get_ticks_hz(), busy, cyc, nsec;

	if (g_done) {
		return;
	}
	g_done = true;
	spdk_thread_get_stats(&after);
	busy = after.busy_tsc - g_before.busy_tsc;
	cyc = g_calls ? busy / g_calls : 0;
	nsec = cyc * SPDK_SEC_TO_NSEC / hz;

	printf("\r ======================================\n");
	printf("\r busy:%" PRIu64 " (cyc)\n", busy);
	printf("\r total_run_count: %" PRIu64 "\n", g_calls);
	printf("\r tsc_hz: %" PRIu64 " (cyc)\n", hz);
	printf("\r ======================================\n");
	printf("\r poller_cost: %" PRIu64 " (cyc), %" PRIu64 " (nsec)\n", cyc, nsec);

	spdk_poller_unregister(&g_end_timer);
	for (int i = 0; i < g_pollers_wanted; i++) {
		spdk_poller_unregister(&g_pollers[i]);
	}
	spdk_app_stop(0);
}

static int
end_timer(void *arg)
{
	finish();
	return SPDK_POLLER_BUSY;
}

static void
bench_start(void *ctx)
{
	printf("Running %d pollers for %d seconds with %d microseconds period.\n",
	       g_pollers_wanted, g_seconds, g_period_us);
	fflush(stdout);
	for (int i = 0; i < g_pollers_wanted; i++) {
		g_pollers[i] = SPDK_POLLER_REGISTER(count_call, NULL, g_period_us);
		if (g_pollers[i] == NULL) {
			fprintf(stderr, "poller %d could not be registered\n", i);
			spdk_app_stop(1);
			return;
		}
	}
	spdk_thread_get_stats(&g_before);
	g_end_timer = SPDK_POLLER_REGISTER(end_timer, NULL, g_seconds * SPDK_SEC_TO_USEC);
}

static int
parse_arg(int ch, char *arg)
{
	long v = spdk_strtol(arg, 10);

	if (v < 0) {
		fprintf(stderr, "-%c wants a non-negative number\n", ch);
		return -EINVAL;
	}
	switch (ch) {
	case 'b':
		g_pollers_wanted = v;
		return 0;
	case 'l':
		g_period_us = v;
		return 0;
	case 't':
		g_seconds = v;
		return 0;
	default:
		return -EINVAL;
	}
}

static void
usage(void)
{
	printf(" -b <number>            number of pollers (1..%d, default 1000)\n", MAX_POLLERS);
	printf(" -l <period>            poller period in usec (default 0: active)\n");
	printf(" -t <time>              run time in seconds (default 1)\n");
}

int
main(int argc, char **argv)
{
	struct spdk_app_opts opts;
	int rc;

	spdk_app_opts_init(&opts, sizeof(opts));
	opts.name = "poller_perf";
	opts.rpc_addr = NULL;
	opts.print_level = SPDK_LOG_WARN;
	opts.shutdown_cb = finish;
	rc = spdk_app_parse_args(argc, argv, &opts, "b:l:t:", NULL, parse_arg, usage);
	if (rc != SPDK_APP_PARSE_ARGS_SUCCESS) {
		return rc == SPDK_APP_PARSE_ARGS_HELP ? 0 : 1;
	}
	if (g_pollers_wanted <= 0 || g_pollers_wanted > MAX_POLLERS || g_seconds <= 0) {
		fprintf(stderr, "need 1..%d pollers and a positive run time\n", MAX_POLLERS);
		return 1;
	}
	rc = spdk_app_start(&opts, bench_start, NULL);
	spdk_app_fini();
	return rc;
}
