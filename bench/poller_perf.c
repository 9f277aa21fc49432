/*
 * poller_perf: the cost of one poller call, as SPDK's
 * test/thread/poller_perf prints it: -b pollers with a period of -l
 * microseconds (0: active pollers, run every iteration) for -t seconds;
 * the thread's busy cycles (spdk_thread_get_stats) over the number of
 * poller calls, in cycles and nanoseconds. Every core of the mask (-m)
 * runs a thread of its own with -b pollers, all at once; each core's
 * figure is printed, then the total over the cores.
 *
 *   poller_perf -m MASK -b POLLERS -l PERIOD_US -t SECONDS
 *               (defaults: -m 0x1 -b 1000 -l 0 -t 1)
 *
 * bench-run: -b 1000 -l 0 -t 1
 * bench-run: -b 1000 -l 1 -t 1
 * bench-run: -b 1 -l 0 -t 1
 * bench-run: -m 0x3 -b 1000 -l 0 -t 1
 * bench-run: -m 0x3 -b 1 -l 0 -t 1
 */
#include "spdk/stdinc.h"
#include "spdk/env.h"
#include "spdk/event.h"
#include "spdk/string.h"
#include "spdk/thread.h"
#include "spdk/util.h"

#define MAX_POLLERS 1000
#define MAX_WORKERS 64

/* One per core; only its own thread touches it until it reports. */
struct worker {
	uint32_t core;
	struct spdk_thread *thread;
	struct spdk_poller *pollers[MAX_POLLERS];
	struct spdk_poller *end_timer;
	struct spdk_thread_stats before;
	uint64_t calls;
	uint64_t busy;
	bool done;
};

static int g_pollers_wanted = 1000;
static int g_period_us;
static int g_seconds = 1;

static struct worker g_workers[MAX_WORKERS];
static int g_num_workers;
static int g_reported; /* app thread only */
static struct spdk_thread *g_app;

static int
count_call(void *arg)
{
	struct worker *w = arg;

	w->calls++;
	return SPDK_POLLER_BUSY;
}

static void
print_cost(const char *what, uint64_t busy, uint64_t calls)
{
	uint64_t hz = spdk_get_ticks_hz();
	uint64_t cyc = calls ? busy / calls : 0;

	printf("\r ======================================\n");
	printf("\r %s\n", what);
	printf("\r busy:%" PRIu64 " (cyc)\n", busy);
	printf("\r total_run_count: %" PRIu64 "\n", calls);
	printf("\r tsc_hz: %" PRIu64 " (cyc)\n", hz);
	printf("\r ======================================\n");
	printf("\r poller_cost: %" PRIu64 " (cyc), %" PRIu64 " (nsec)\n", cyc,
	       (uint64_t)(cyc * SPDK_SEC_TO_NSEC / hz));
}

static void
worker_reported(void *arg)
{
	uint64_t busy = 0, calls = 0;
	char what[64];

	if (++g_reported < g_num_workers) {
		return;
	}
	for (int i = 0; i < g_num_workers; i++) {
		struct worker *w = &g_workers[i];

		snprintf(what, sizeof(what), "core %u", w->core);
		print_cost(what, w->busy, w->calls);
		busy += w->busy;
		calls += w->calls;
	}
	if (g_num_workers > 1) {
		snprintf(what, sizeof(what), "all %d cores", g_num_workers);
		print_cost(what, busy, calls);
	}
	spdk_app_stop(0);
}

/* On the worker: its figures, its pollers gone, then the thread. */
static void
worker_finish(void *arg)
{
	struct worker *w = arg;
	struct spdk_thread_stats after;

	if (w->done) {
		return;
	}
	w->done = true;
	spdk_thread_get_stats(&after);
	w->busy = after.busy_tsc - w->before.busy_tsc;
	spdk_poller_unregister(&w->end_timer);
	for (int i = 0; i < g_pollers_wanted; i++) {
		spdk_poller_unregister(&w->pollers[i]);
	}
	spdk_thread_exit(spdk_get_thread());
	spdk_thread_send_msg(g_app, worker_reported, w);
}

static int
end_timer(void *arg)
{
	worker_finish(arg);
	return SPDK_POLLER_BUSY;
}

static void
worker_start(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < g_pollers_wanted; i++) {
		w->pollers[i] = SPDK_POLLER_REGISTER(count_call, w, g_period_us);
		if (w->pollers[i] == NULL) {
			fprintf(stderr, "poller %d could not be registered\n", i);
			abort();
		}
	}
	spdk_thread_get_stats(&w->before);
	w->end_timer = SPDK_POLLER_REGISTER(end_timer, w, g_seconds * SPDK_SEC_TO_USEC);
}

/* SIGINT: every worker stops now and reports what it has. */
static void
shutdown_cb(void)
{
	for (int i = 0; i < g_num_workers; i++) {
		spdk_thread_send_msg(g_workers[i].thread, worker_finish, &g_workers[i]);
	}
}

static void
bench_start(void *ctx)
{
	struct spdk_cpuset mask;
	char name[32];
	uint32_t core;

	g_app = spdk_get_thread();
	printf("Running %d pollers per core on %u cores for %d seconds with %d microseconds period.\n",
	       g_pollers_wanted, spdk_env_get_core_count(), g_seconds, g_period_us);
	fflush(stdout);
	SPDK_ENV_FOREACH_CORE(core) {
		struct worker *w;

		if (g_num_workers == MAX_WORKERS) {
			break;
		}
		w = &g_workers[g_num_workers];
		w->core = core;
		spdk_cpuset_zero(&mask);
		spdk_cpuset_set_cpu(&mask, core, true);
		snprintf(name, sizeof(name), "poller_perf_%u", core);
		w->thread = spdk_thread_create(name, &mask);
		if (w->thread == NULL) {
			fprintf(stderr, "cannot create a thread on core %u\n", core);
			spdk_app_stop(1);
			return;
		}
		g_num_workers++;
	}
	for (int i = 0; i < g_num_workers; i++) {
		spdk_thread_send_msg(g_workers[i].thread, worker_start, &g_workers[i]);
	}
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
	printf(" -b <number>            number of pollers per core (1..%d, default 1000)\n",
	       MAX_POLLERS);
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
	opts.shutdown_cb = shutdown_cb;
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
