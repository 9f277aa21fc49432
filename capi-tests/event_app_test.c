/* event.h as applications use it: spdk_app_start on two reactors when the
 * machine has two CPUs, a thread pinned to the last core, messages to it
 * and back, a poller, an event; then an io_device with a channel on the
 * app thread and one on the worker (two reactors), iterated with
 * spdk_for_each_channel (to the end, then stopped early by a non-zero
 * status), channels put on their threads, the device unregistered, and
 * spdk_app_stop with a clean return. */
#include "spdk/stdinc.h"
#include "spdk/event.h"
#include "spdk/thread.h"
#include "spdk/env.h"
#include "harness.h"

struct dev_ch {
	struct spdk_thread *thread;
	uint32_t core;
	int visits;
};

static struct spdk_thread *g_worker;
static struct spdk_poller *g_poller;
static int g_poller_runs;
static int g_msgs;
static uint32_t g_last_core;
static int g_device;
static struct spdk_io_channel *g_app_ch;
static struct spdk_io_channel *g_worker_ch;
static int g_creates, g_destroys;
static int g_iter_steps;
static bool g_cores_seen[2];
static bool g_unregistered;

static int
dev_create(void *io_device, void *ctx_buf)
{
	struct dev_ch *c = ctx_buf;

	CHECK(io_device == &g_device);
	c->thread = spdk_get_thread();
	c->core = spdk_env_get_current_core();
	c->visits = 0;
	g_creates++;
	return 0;
}

static void
dev_destroy(void *io_device, void *ctx_buf)
{
	struct dev_ch *c = ctx_buf;

	CHECK(c->thread == spdk_get_thread());
	g_destroys++;
}

static void
dev_unregistered(void *io_device)
{
	CHECK(io_device == &g_device);
	CHECK(spdk_thread_is_app_thread(NULL));
	CHECK(g_destroys == 2);
	g_unregistered = true;
	spdk_app_stop(0);
}

static void
unregister_dev(void *ctx)
{
	CHECK(spdk_thread_is_app_thread(NULL));
	spdk_io_device_unregister(&g_device, dev_unregistered);
}

/* On the worker: its channel goes, then the worker itself. */
static void
worker_put(void *ctx)
{
	CHECK(spdk_get_thread() == g_worker);
	spdk_put_io_channel(g_worker_ch);
	spdk_thread_exit(spdk_get_thread());
	spdk_thread_send_msg(spdk_thread_get_app_thread(), unregister_dev, NULL);
}

/* Each step runs on the thread owning the channel. */
static void
iter_step(struct spdk_io_channel_iter *i)
{
	struct spdk_io_channel *ch = spdk_io_channel_iter_get_channel(i);
	struct dev_ch *c = spdk_io_channel_get_ctx(ch);
	int *stop_after = spdk_io_channel_iter_get_ctx(i);

	CHECK(spdk_io_channel_iter_get_io_device(i) == &g_device);
	CHECK(spdk_io_channel_get_thread(ch) == spdk_get_thread());
	CHECK(c->thread == spdk_get_thread());
	CHECK(c->core == spdk_env_get_current_core());
	c->visits++;
	g_iter_steps++;
	if (c->core == spdk_env_get_first_core()) {
		g_cores_seen[0] = true;
	}
	if (c->core == g_last_core) {
		g_cores_seen[1] = true;
	}
	spdk_for_each_channel_continue(i, g_iter_steps == *stop_after ? -ECANCELED : 0);
}

static int g_stop_never = -1;
static int g_stop_first = 1;

static void
iter_stopped(struct spdk_io_channel_iter *i, int status)
{
	CHECK(spdk_thread_is_app_thread(NULL));
	CHECK(spdk_io_channel_iter_get_ctx(i) == &g_stop_first);
	CHECK(status == -ECANCELED);
	CHECK(g_iter_steps == 1);
	spdk_put_io_channel(g_app_ch);
	spdk_thread_send_msg(g_worker, worker_put, NULL);
}

static void
iter_done(struct spdk_io_channel_iter *i, int status)
{
	CHECK(spdk_thread_is_app_thread(NULL));
	CHECK(spdk_io_channel_iter_get_ctx(i) == &g_stop_never);
	CHECK(status == 0);
	CHECK(g_iter_steps == 2);
	CHECK(g_cores_seen[0] && g_cores_seen[1]);
	CHECK(g_creates == 2);
	/* Again, stopped by the first channel's non-zero status. */
	g_iter_steps = 0;
	spdk_for_each_channel(&g_device, iter_step, &g_stop_first, iter_stopped);
}

static void
channels_ready(void *ctx)
{
	CHECK(spdk_thread_is_app_thread(NULL));
	CHECK(g_msgs == 2);
	g_app_ch = spdk_get_io_channel(&g_device);
	CHECK(g_app_ch != NULL);
	CHECK(spdk_get_io_channel(&g_device) == g_app_ch);
	spdk_put_io_channel(g_app_ch);
	spdk_for_each_channel(&g_device, iter_step, &g_stop_never, iter_done);
}

static int
worker_poll(void *ctx)
{
	if (++g_poller_runs == 3) {
		spdk_poller_unregister(&g_poller);
		g_worker_ch = spdk_get_io_channel(&g_device);
		CHECK(g_worker_ch != NULL);
		spdk_thread_send_msg(spdk_thread_get_app_thread(), channels_ready, NULL);
	}
	return SPDK_POLLER_BUSY;
}

static void
on_worker(void *ctx)
{
	CHECK(spdk_get_thread() == g_worker);
	CHECK(spdk_env_get_current_core() == g_last_core);
	g_msgs++;
	g_poller = spdk_poller_register(worker_poll, NULL, 1000);
	CHECK(g_poller != NULL);
}

static void
on_event(void *arg1, void *arg2)
{
	CHECK(arg1 == (void *)1 && arg2 == (void *)2);
	g_msgs++;
	spdk_thread_send_msg(g_worker, on_worker, NULL);
}

static void
start(void *ctx)
{
	struct spdk_cpuset mask;
	struct spdk_event *ev;

	CHECK(spdk_thread_is_app_thread(NULL));
	CHECK(spdk_app_get_core_mask() != NULL);
	g_last_core = spdk_env_get_last_core();
	spdk_io_device_register(&g_device, dev_create, dev_destroy, sizeof(struct dev_ch),
				"event_app_test_dev");
	spdk_cpuset_zero(&mask);
	spdk_cpuset_set_cpu(&mask, g_last_core, true);
	g_worker = spdk_thread_create("worker", &mask);
	CHECK(g_worker != NULL);
	CHECK(spdk_event_allocate(9999, on_event, NULL, NULL) == NULL);
	ev = spdk_event_allocate(spdk_env_get_first_core(), on_event, (void *)1, (void *)2);
	CHECK(ev != NULL);
	spdk_event_call(ev);
}

int
main(int argc, char **argv)
{
	struct spdk_app_opts opts;
	char sock[64];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	CHECK(sizeof(opts) == 253);
	spdk_app_opts_init(&opts, sizeof(opts));
	CHECK(opts.shm_id == -1 && opts.opts_size == sizeof(opts));
	CHECK(spdk_app_start(NULL, start, NULL) == 1);
	opts.name = "event_app_test";
	opts.reactor_mask = cpus >= 2 ? "0x3" : "0x1";
	opts.no_huge = true;
	/* The cores are shared with other test runs: no per-core lock files. */
	opts.disable_cpumask_locks = true;
	snprintf(sock, sizeof(sock), "/tmp/event_app_test.%d.sock", getpid());
	opts.rpc_addr = sock;
	CHECK(spdk_app_start(&opts, start, NULL) == 0);
	CHECK(g_msgs == 2);
	CHECK(g_poller_runs == 3);
	CHECK(g_unregistered);
	CHECK(g_creates == 2 && g_destroys == 2);
	CHECK(access(sock, F_OK) != 0);
	spdk_app_fini();
	return harness_done("event_app");
}
