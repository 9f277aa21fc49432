/*
 * io_channel_perf: spdk_get_io_channel + spdk_put_io_channel on a thread
 * that already holds a channel to the device (the per-I/O path of a bdev
 * module that looks its channel up), in ns per pair, best of five runs of
 * -t/5 seconds each. Then the same with no channel held (each get creates
 * the channel, each put destroys it through a message), for contrast.
 * SPDK has no test of its own for this.
 *
 *   io_channel_perf -t SECONDS                 (default 1)
 *
 * bench-run: -t 1
 */
#include "spdk/stdinc.h"
#include "spdk/env.h"
#include "spdk/event.h"
#include "spdk/string.h"
#include "spdk/thread.h"

static int g_seconds = 1;
static int g_device;
static uint64_t g_creates;
static struct spdk_io_channel *g_held;
static struct spdk_poller *g_poller;
static double g_best_held = 1e30;
static uint64_t g_pairs_unheld;
static uint64_t g_unheld_start;
static uint64_t g_unheld_end;

static int
ch_create(void *io_device, void *ctx_buf)
{
	g_creates++;
	memset(ctx_buf, 0, 64);
	return 0;
}

static void
ch_destroy(void *io_device, void *ctx_buf)
{
}

static void
unregistered(void *io_device)
{
	spdk_app_stop(0);
}

/* Unheld: one get+put per poller call, so that the deferred destroy
 * message of each put runs before the next get. */
static int
unheld_pair(void *arg)
{
	struct spdk_io_channel *ch;

	if (spdk_get_ticks() >= g_unheld_end) {
		spdk_poller_unregister(&g_poller);
		spdk_io_device_unregister(&g_device, unregistered);
		return SPDK_POLLER_IDLE;
	}
	ch = spdk_get_io_channel(&g_device);
	if (ch == NULL) {
		fprintf(stderr, "spdk_get_io_channel failed\n");
		abort();
	}
	spdk_put_io_channel(ch);
	g_pairs_unheld++;
	return SPDK_POLLER_BUSY;
}

static void
bench_start(void *ctx)
{
	uint64_t hz = spdk_get_ticks_hz(), slice = g_seconds * hz / 5;

	spdk_io_device_register(&g_device, ch_create, ch_destroy, 64, "bench_device");
	g_held = spdk_get_io_channel(&g_device);
	if (g_held == NULL) {
		fprintf(stderr, "spdk_get_io_channel failed\n");
		spdk_app_stop(1);
		return;
	}
	for (int run = 0; run < 5; run++) {
		uint64_t n = 0, t0 = spdk_get_ticks(), t1;

		do {
			for (int i = 0; i < 4096; i++) {
				struct spdk_io_channel *ch = spdk_get_io_channel(&g_device);

				if (ch != g_held) {
					fprintf(stderr, "got a different channel\n");
					abort();
				}
				spdk_put_io_channel(ch);
			}
			n += 4096;
			t1 = spdk_get_ticks();
		} while (t1 - t0 < slice);
		double ns = (double)(t1 - t0) * 1e9 / hz / n;
		if (ns < g_best_held) {
			g_best_held = ns;
		}
	}
	if (g_creates != 1) {
		fprintf(stderr, "the held channel was created %" PRIu64 " times\n", g_creates);
	}
	spdk_put_io_channel(g_held);
	g_unheld_start = spdk_get_ticks();
	g_unheld_end = g_unheld_start + hz / 5;
	g_poller = SPDK_POLLER_REGISTER(unheld_pair, NULL, 0);
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
	opts.reactor_mask = "0x1";
	rc = spdk_app_parse_args(argc, argv, &opts, "t:", NULL, parse_arg, usage);
	if (rc != SPDK_APP_PARSE_ARGS_SUCCESS) {
		return rc == SPDK_APP_PARSE_ARGS_HELP ? 0 : 1;
	}
	rc = spdk_app_start(&opts, bench_start, NULL);
	spdk_app_fini();
	if (rc == 0) {
		printf("spdk_get_io_channel + spdk_put_io_channel, channel held: %.1f ns per pair\n",
		       g_best_held);
		if (g_pairs_unheld > 0) {
			printf("same, no channel held (create + deferred destroy): %.1f ns per pair"
			       " (one per poller call, %" PRIu64 " creates)\n",
			       0.2e9 / g_pairs_unheld, g_creates - 1);
		}
	}
	return rc;
}
