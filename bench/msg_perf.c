/*
 * msg_perf: spdk_thread_send_msg ping-pong. The app thread (first core)
 * and a worker thread pinned to the last core of the mask bounce -q
 * messages between them for -t seconds; prints round trips per second and
 * the time of one round trip (two messages). With -m 0x1 both threads
 * share one reactor. SPDK has no test of its own for this; the nearest is
 * test/event/event_perf (events between reactors).
 *
 *   msg_perf -m MASK -q IN_FLIGHT -t SECONDS  (defaults: 0x3 on 2+ CPUs, -q 1, -t 1)
 *
 * bench-run: -m 0x3 -q 1 -t 1
 * bench-run: -m 0x3 -q 32 -t 1
 * bench-run: -m 0x1 -q 1 -t 1
 */
#include "spdk/stdinc.h"
#include "spdk/env.h"
#include "spdk/event.h"
#include "spdk/string.h"
#include "spdk/thread.h"

static int g_seconds = 1;
static int g_in_flight = 1;

static struct spdk_thread *g_app;
static struct spdk_thread *g_worker;
static uint64_t g_deadline;
static uint64_t g_start_tsc;
static uint64_t g_end_tsc;
static uint64_t g_round_trips; /* app thread only */
static int g_outstanding;      /* app thread only */

static void ping(void *ctx);

static void
worker_exit(void *ctx)
{
	spdk_thread_exit(spdk_get_thread());
}

static void
pong(void *ctx)
{
	g_round_trips++;
	if (spdk_get_ticks() < g_deadline) {
		spdk_thread_send_msg(g_worker, ping, ctx);
		return;
	}
	if (--g_outstanding == 0) {
		g_end_tsc = spdk_get_ticks();
		spdk_thread_send_msg(g_worker, worker_exit, NULL);
		spdk_app_stop(0);
	}
}

static void
ping(void *ctx)
{
	spdk_thread_send_msg(g_app, pong, ctx);
}

static void
worker_ready(void *ctx)
{
	/* Runs on the worker: tell the app thread to start bouncing. */
	spdk_thread_send_msg(g_app, ctx, NULL);
}

static void
go(void *ctx)
{
	g_start_tsc = spdk_get_ticks();
	g_deadline = g_start_tsc + g_seconds * spdk_get_ticks_hz();
	g_outstanding = g_in_flight;
	for (int i = 0; i < g_in_flight; i++) {
		spdk_thread_send_msg(g_worker, ping, NULL);
	}
}

static void
bench_start(void *ctx)
{
	struct spdk_cpuset mask;
	uint32_t last = spdk_env_get_last_core();

	g_app = spdk_get_thread();
	spdk_cpuset_zero(&mask);
	spdk_cpuset_set_cpu(&mask, last, true);
	g_worker = spdk_thread_create("pong", &mask);
	if (g_worker == NULL) {
		fprintf(stderr, "cannot create the worker thread\n");
		spdk_app_stop(1);
		return;
	}
	printf("Ping-pong between core %u and core %u, %d in flight, for %d seconds\n",
	       spdk_env_get_first_core(), last, g_in_flight, g_seconds);
	fflush(stdout);
	spdk_thread_send_msg(g_worker, worker_ready, go);
}

static int
parse_arg(int ch, char *arg)
{
	long v = spdk_strtol(arg, 10);

	if (v <= 0) {
		fprintf(stderr, "-%c wants a positive number\n", ch);
		return -EINVAL;
	}
	switch (ch) {
	case 'q':
		g_in_flight = v;
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
	printf(" -q <number>            messages in flight (default 1)\n");
	printf(" -t <time>              run time in seconds (default 1)\n");
}

int
main(int argc, char **argv)
{
	struct spdk_app_opts opts;
	double secs;
	int rc;

	spdk_app_opts_init(&opts, sizeof(opts));
	opts.name = "msg_perf";
	opts.rpc_addr = NULL;
	opts.print_level = SPDK_LOG_WARN;
	opts.reactor_mask = sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? "0x3" : "0x1";
	rc = spdk_app_parse_args(argc, argv, &opts, "q:t:", NULL, parse_arg, usage);
	if (rc != SPDK_APP_PARSE_ARGS_SUCCESS) {
		return rc == SPDK_APP_PARSE_ARGS_HELP ? 0 : 1;
	}
	rc = spdk_app_start(&opts, bench_start, NULL);
	spdk_app_fini();
	if (rc == 0 && g_end_tsc > g_start_tsc) {
		secs = (double)(g_end_tsc - g_start_tsc) / spdk_get_ticks_hz();
		printf("round trips: %" PRIu64 " in %.3f s\n", g_round_trips, secs);
		printf("Performance: %10.0f round trips per second (%.0f messages per second), "
		       "%.1f ns per round trip\n", g_round_trips / secs, 2 * g_round_trips / secs,
		       secs * 1e9 / g_round_trips * g_in_flight);
	}
	return rc;
}
