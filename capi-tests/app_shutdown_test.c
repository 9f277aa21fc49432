/* SIGINT with opts.shutdown_cb set: the callback runs on the app thread
 * (once, even for a second signal), finishes the application's own work
 * (a poller and a worker thread on another reactor) and then calls
 * spdk_app_stop(0): spdk_app_start returns 0 and everything is released.
 * Then spdk_app_start_shutdown() without a callback set stops the app
 * directly (a second start in the same process, as SPDK allows). */
#include "spdk/stdinc.h"
#include "spdk/event.h"
#include "spdk/thread.h"
#include "spdk/env.h"
#include "harness.h"

static struct spdk_poller *g_work;
static struct spdk_poller *g_finish;
static struct spdk_thread *g_worker;
static int g_shutdown_calls;
static int g_work_runs;
static bool g_worker_gone;
static bool g_started;

static void
worker_exit(void *ctx)
{
	spdk_thread_exit(spdk_get_thread());
	g_worker_gone = true;
}

/* Give the second signal time to arrive, then stop. */
static int
finish(void *ctx)
{
	CHECK(spdk_thread_is_app_thread(NULL));
	spdk_poller_unregister(&g_finish);
	CHECK(g_shutdown_calls == 1);
	spdk_app_stop(0);
	return SPDK_POLLER_BUSY;
}

static void
shutdown_cb(void)
{
	CHECK(spdk_thread_is_app_thread(NULL));
	g_shutdown_calls++;
	spdk_poller_unregister(&g_work);
	spdk_thread_send_msg(g_worker, worker_exit, NULL);
	g_finish = spdk_poller_register(finish, NULL, 50 * 1000);
	CHECK(g_finish != NULL);
}

static int
work(void *ctx)
{
	if (++g_work_runs == 5) {
		/* Twice: the framework calls shutdown_cb only for the first. */
		CHECK(kill(getpid(), SIGINT) == 0);
		CHECK(kill(getpid(), SIGINT) == 0);
	}
	return SPDK_POLLER_BUSY;
}

static void
start(void *ctx)
{
	struct spdk_cpuset mask;

	CHECK(spdk_thread_is_app_thread(NULL));
	spdk_cpuset_zero(&mask);
	spdk_cpuset_set_cpu(&mask, spdk_env_get_last_core(), true);
	g_worker = spdk_thread_create("shutdown_worker", &mask);
	CHECK(g_worker != NULL);
	g_work = spdk_poller_register(work, NULL, 1000);
	CHECK(g_work != NULL);
}

static void
start_then_shutdown(void *ctx)
{
	g_started = true;
	spdk_app_start_shutdown();
}

int
main(int argc, char **argv)
{
	struct spdk_app_opts opts;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	spdk_app_opts_init(&opts, sizeof(opts));
	opts.name = "app_shutdown_test";
	opts.reactor_mask = cpus >= 2 ? "0x3" : "0x1";
	opts.rpc_addr = NULL;
	opts.shutdown_cb = shutdown_cb;
	/* The cores are shared with other test runs: no per-core lock files. */
	opts.disable_cpumask_locks = true;
	CHECK(spdk_app_start(&opts, start, NULL) == 0);
	CHECK(g_shutdown_calls == 1);
	CHECK(g_work_runs >= 5);
	CHECK(g_work == NULL && g_finish == NULL);
	CHECK(g_worker_gone);
	spdk_app_fini();

	/* No callback: the shutdown request stops the application itself. */
	opts.shutdown_cb = NULL;
	CHECK(spdk_app_start(&opts, start_then_shutdown, NULL) == 0);
	CHECK(g_started);
	CHECK(g_shutdown_calls == 1);
	spdk_app_fini();
	return harness_done("app_shutdown");
}
