/* event.h as applications use it: spdk_app_start on two reactors when the
 * machine has two CPUs, a thread pinned to the last core, messages to it
 * and back, a poller, an event, then spdk_app_stop and a clean return. */
#include "spdk/stdinc.h"
#include "spdk/event.h"
#include "spdk/thread.h"
#include "spdk/env.h"
#include "harness.h"

static struct spdk_thread *g_worker;
static struct spdk_poller *g_poller;
static int g_poller_runs;
static int g_msgs;
static uint32_t g_last_core;

static void
done_on_app(void *ctx)
{
	CHECK(spdk_thread_is_app_thread(NULL));
	CHECK(g_msgs == 2);
	spdk_app_stop(0);
}

static int
worker_poll(void *ctx)
{
	if (++g_poller_runs == 3) {
		spdk_poller_unregister(&g_poller);
		spdk_thread_exit(spdk_get_thread());
		spdk_thread_send_msg(spdk_thread_get_app_thread(), done_on_app, NULL);
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
	snprintf(sock, sizeof(sock), "/tmp/event_app_test.%d.sock", getpid());
	opts.rpc_addr = sock;
	CHECK(spdk_app_start(&opts, start, NULL) == 0);
	CHECK(g_msgs == 2);
	CHECK(g_poller_runs == 3);
	CHECK(access(sock, F_OK) != 0);
	spdk_app_fini();
	return harness_done("event_app");
}
