/*
 * io_channel_perf: spdk_get_io_channel + spdk_put_io_channel on a thread
 * that already holds a channel to the device (the per-I/O path of a bdev
 * module that looks its channel up), in ns per pair, best of five runs of
 * -t/5 seconds each. Then the same with no channel held (each get creates
 * the channel, each put destroys it through a message), for contrast.
 * Every core of the mask (-m) runs a thread of its own doing both at
 * once, each with its own channel to the one device: per-core figures,
 * which show whether the cores get in each other's way.
 * SPDK has no test of its own for this.
 *
 *   io_channel_perf -m MASK -t SECONDS         (defaults: -m 0x1 -t 1)
 *
 * bench-run: -t 1
 * bench-run: -m 0x3 -t 1
 */
#include "spdk/stdinc.h"
#include "spdk/env.h"
#include "spdk/event.h"
#include "spdk/string.h"
#include "spdk/thread.h"

#define MAX_WORKERS 64

/* One per core; only its own thread touches it until it reports. */
struct worker {
	uint32_t core;
	struct spdk_thread *thread;
	struct spdk_io_channel *held;
	struct spdk_poller *poller;
	double best_held;
	uint64_t creates;
	uint64_t pairs_unheld;
	uint64_t unheld_start;
	uint64_t unheld_end;
} __attribute__((aligned(64)));

static int g_seconds = 1;
static int g_device;
static struct worker g_workers[MAX_WORKERS];
static int g_num_workers;
static int g_reported; /* app thread only */
static struct spdk_thread *g_app;
static bool g_failed;

static int
ch_create(void *io_device, void *ctx_buf)
{
	memset(ctx_buf, 0, 64);
	for (int i = 0; i < g_num_workers; i++) {
		if (g_workers[i].thread == spdk_get_thread()) {
			g_workers[i].creates++;
		}
	}
	return 0;
}

static void
ch_destroy(void *io_device, void *ctx_buf)
{
}

static void
unregistered(void *io_device)
{
	spdk_app_stop(g_failed ? 1 : 0);
}

static void
worker_reported(void *arg)
{
	if (++g_reported == g_num_workers) {
		spdk_io_device_unregister(&g_device, unregistered);
	}
}

/* Unheld: one get+put per poller call, so that the deferred destroy
 * message of each put runs before the next get. */
static int
unheld_pair(void *arg)
{
	struct worker *w = arg;
	struct spdk_io_channel *ch;

	if (spdk_get_ticks() >= w->unheld_end) {
		spdk_poller_unregister(&w->poller);
		spdk_thread_exit(spdk_get_thread());
		spdk_thread_send_msg(g_app, worker_reported, w);
		return SPDK_POLLER_IDLE;
	}
	ch = spdk_get_io_channel(&g_device);
	if (ch == NULL) {
		fprintf(stderr, "spdk_get_io_channel failed\n");
		abort();
	}
	spdk_put_io_channel(ch);
	w->pairs_unheld++;
	return SPDK_POLLER_BUSY;
}

static void
worker_run(void *arg)
{
	struct worker *w = arg;
	uint64_t hz = spdk_get_ticks_hz(), slice = g_seconds * hz / 5;

	w->best_held = 1e30;
	w->held = spdk_get_io_channel(&g_device);
	if (w->held == NULL) {
		fprintf(stderr, "spdk_get_io_channel failed\n");
		abort();
	}
	for (int run = 0; run < 5; run++) {
		uint64_t n = 0, t0 = spdk_get_ticks(), t1;

		do {
			for (int i = 0; i < 4096; i++) {
				struct spdk_io_channel *ch = spdk_get_io_channel(&g_device);

				if (ch != w->held) {
					fprintf(stderr, "got a different channel\n");
					abort();
				}
				spdk_put_io_channel(ch);
			}
			n += 4096;
			t1 = spdk_get_ticks();
		} while (t1 - t0 < slice);
		double ns = (double)(t1 - t0) * 1e9 / hz / n;
		if (ns < w->best_held) {
			w->best_held = ns;
		}
	}
	if (w->creates != 1) {
		fprintf(stderr, "core %u: the held channel was created %" PRIu64 " times\n",
			w->core, w->creates);
		g_failed = true;
	}
	spdk_put_io_channel(w->held);
	w->unheld_start = spdk_get_ticks();
	w->unheld_end = w->unheld_start + hz / 5;
	w->poller = SPDK_POLLER_REGISTER(unheld_pair, w, 0);
}

static void
bench_start(void *ctx)
{
	struct spdk_cpuset mask;
	char name[32];
	uint32_t core;

	g_app = spdk_get_thread();
	spdk_io_device_register(&g_device, ch_create, ch_destroy, 64, "bench_device");
	SPDK_ENV_FOREACH_CORE(core) {
		struct worker *w;

		if (g_num_workers == MAX_WORKERS) {
			break;
		}
		w = &g_workers[g_num_workers];
		w->core = core;
		spdk_cpuset_zero(&mask);
		spdk_cpuset_set_cpu(&mask, core, true);
		snprintf(name, sizeof(name), "io_channel_perf_%u", core);
		w->thread = spdk_thread_create(name, &mask);
		if (w->thread == NULL) {
			fprintf(stderr, "cannot create a thread on core %u\n", core);
			g_failed = true;
			break;
		}
		g_num_workers++;
	}
	if (g_num_workers == 0) {
		spdk_io_device_unregister(&g_device, unregistered);
		return;
	}
	for (int i = 0; i < g_num_workers; i++) {
		spdk_thread_send_msg(g_workers[i].thread, worker_run, &g_workers[i]);
	}
}

static int
parse_arg(int ch, char *arg)
{
	long v = spdk_strtol(arg, 10);

	if (ch != 't' || v <= 0) {
		return -EINVAL;
	}
	g_seconds = v;
	return 0;
}

static void
usage(void)
{
	printf(" -t <time>              run time in seconds (default 1)\n");
}

int
main(int argc, char **argv)
{
	struct spdk_app_opts opts;
	int rc;

	spdk_app_opts_init(&opts, sizeof(opts));
	opts.name = "io_channel_perf";
	opts.rpc_addr = NULL;
	opts.print_level = SPDK_LOG_WARN;
	rc = spdk_app_parse_args(argc, argv, &opts, "t:", NULL, parse_arg, usage);
	if (rc != SPDK_APP_PARSE_ARGS_SUCCESS) {
		return rc == SPDK_APP_PARSE_ARGS_HELP ? 0 : 1;
	}
	rc = spdk_app_start(&opts, bench_start, NULL);
	spdk_app_fini();
	if (rc != 0) {
		return rc;
	}
	printf("%d core%s, one thread each, all at once:\n", g_num_workers,
	       g_num_workers > 1 ? "s" : "");
	for (int i = 0; i < g_num_workers; i++) {
		struct worker *w = &g_workers[i];

		printf("core %u: spdk_get_io_channel + spdk_put_io_channel, channel held: %.1f ns per pair\n",
		       w->core, w->best_held);
		if (w->pairs_unheld > 0) {
			printf("core %u: same, no channel held (create + deferred destroy): %.1f ns per pair"
			       " (one per poller call, %" PRIu64 " creates)\n",
			       w->core, 0.2e9 / w->pairs_unheld, w->creates - 1);
		}
	}
	return rc;
}
