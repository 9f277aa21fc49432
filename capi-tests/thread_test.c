/* spdk/thread.h as an SPDK application that drives its own threads uses it:
 * threads polled from two pthreads, messages, active and timed pollers,
 * io_devices with channels on several threads, spdk_for_each_channel,
 * exit and destroy, iobuf get/put with the wait callback, bad input. */
#include "spdk/stdinc.h"
#include "spdk/thread.h"

/* spdk_internal/thread.h is not installed (as in SPDK): its exported
 * functions, declared as in-tree code sees them. */
struct spdk_poller_stats {
	uint64_t run_count;
	uint64_t busy_count;
};
const char *spdk_poller_get_name(struct spdk_poller *poller);
uint64_t spdk_poller_get_period_ticks(struct spdk_poller *poller);
void spdk_poller_get_stats(struct spdk_poller *poller, struct spdk_poller_stats *stats);
const char *spdk_io_channel_get_io_device_name(struct spdk_io_channel *ch);
int spdk_io_channel_get_ref_count(struct spdk_io_channel *ch);
struct spdk_poller *spdk_thread_get_first_active_poller(struct spdk_thread *thread);
struct spdk_poller *spdk_thread_get_next_active_poller(struct spdk_poller *prev);
struct spdk_poller *spdk_thread_get_first_timed_poller(struct spdk_thread *thread);
struct spdk_poller *spdk_thread_get_next_timed_poller(struct spdk_poller *prev);
struct spdk_io_channel *spdk_thread_get_first_io_channel(struct spdk_thread *thread);

#include <pthread.h>

#include "harness.h"

#define NTHREADS 4

static struct spdk_thread *g_threads[NTHREADS];
static volatile bool g_stop;

/* Each pthread polls half of the threads until told to stop. */
static void *
poll_loop(void *arg)
{
	int first = (int)(intptr_t)arg;

	while (!__atomic_load_n(&g_stop, __ATOMIC_ACQUIRE)) {
		for (int i = first; i < NTHREADS; i += 2) {
			if (g_threads[i] != NULL) {
				spdk_thread_poll(g_threads[i], 0, 0);
			}
		}
	}
	return NULL;
}

static int g_msgs_ok;
static int g_msg_next;
static uint64_t g_msg_thread_id;

static void
ordered_msg(void *ctx)
{
	int v = (int)(intptr_t)ctx;

	if (v == __atomic_load_n(&g_msg_next, __ATOMIC_RELAXED) &&
	    spdk_thread_get_id(spdk_get_thread()) == g_msg_thread_id) {
		__atomic_fetch_add(&g_msgs_ok, 1, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&g_msg_next, v + 1, __ATOMIC_RELAXED);
}

static void
wait_for(int *counter, int value)
{
	for (int i = 0; i < 5000 && __atomic_load_n(counter, __ATOMIC_ACQUIRE) < value; i++) {
		usleep(1000);
	}
}

/* Test 1: messages sent from the main pthread run in order on their thread
 * while two pthreads poll. */
static void
test_messages(void)
{
	g_msg_thread_id = spdk_thread_get_id(g_threads[3]);
	for (int i = 0; i < 1000; i++) {
		CHECK(spdk_thread_send_msg(g_threads[3], ordered_msg, (void *)(intptr_t)i) == 0);
	}
	wait_for(&g_msgs_ok, 1000);
	CHECK(g_msgs_ok == 1000);
}

/* Everything below runs on the threads themselves, driven by messages, so
 * pollers and channels belong to the right thread. */
static int g_active_runs, g_timed_runs, g_step;
static struct spdk_poller *g_active, *g_timed;

static int
active_fn(void *arg)
{
	__atomic_fetch_add(&g_active_runs, 1, __ATOMIC_RELAXED);
	return SPDK_POLLER_IDLE;
}

static int
timed_fn(void *arg)
{
	__atomic_fetch_add(&g_timed_runs, 1, __ATOMIC_RELAXED);
	return SPDK_POLLER_BUSY;
}

static void
register_pollers(void *ctx)
{
	g_active = SPDK_POLLER_REGISTER(active_fn, NULL, 0);
	g_timed = spdk_poller_register_named(timed_fn, NULL, 2000, "timed");
	__atomic_store_n(&g_step, 1, __ATOMIC_RELEASE);
}

static int g_pollers_checked;

static void
unregister_pollers(void *ctx)
{
	struct spdk_thread *t = spdk_get_thread();
	struct spdk_poller_stats st;
	int n = 0;

	for (struct spdk_poller *p = spdk_thread_get_first_active_poller(t); p != NULL;
	     p = spdk_thread_get_next_active_poller(p)) {
		if (strcmp(spdk_poller_get_name(p), "active_fn") == 0) {
			n++;
		}
	}
	for (struct spdk_poller *p = spdk_thread_get_first_timed_poller(t); p != NULL;
	     p = spdk_thread_get_next_timed_poller(p)) {
		if (strcmp(spdk_poller_get_name(p), "timed") == 0) {
			spdk_poller_get_stats(p, &st);
			if (st.run_count > 0 && st.busy_count == st.run_count &&
			    spdk_poller_get_period_ticks(p) > 0) {
				n++;
			}
		}
	}
	if (spdk_thread_has_active_pollers(t) && spdk_thread_has_pollers(t)) {
		n++;
	}
	g_pollers_checked = n;
	spdk_poller_unregister(&g_active);
	spdk_poller_unregister(&g_timed);
	spdk_poller_unregister(&g_timed); /* NULL now: ignored */
	__atomic_store_n(&g_step, 2, __ATOMIC_RELEASE);
}

static void
test_pollers(void)
{
	g_step = 0;
	CHECK(spdk_thread_send_msg(g_threads[1], register_pollers, NULL) == 0);
	wait_for(&g_step, 1);
	wait_for(&g_timed_runs, 5);
	CHECK(g_timed_runs >= 5);
	CHECK(g_active_runs > g_timed_runs);
	CHECK(spdk_thread_send_msg(g_threads[1], unregister_pollers, NULL) == 0);
	wait_for(&g_step, 2);
	CHECK(g_step == 2);
	CHECK(g_pollers_checked == 3);
}

/* io_device with one channel per thread */
struct dev {
	int creates;
	int destroys;
	int unregistered;
	int visits;
	int done;
	int status;
};

static struct dev g_dev;

struct dev_ch {
	uint64_t magic;
	struct spdk_thread *owner;
};

static int
dev_create(void *io_device, void *ctx_buf)
{
	struct dev_ch *c = ctx_buf;

	c->magic = 0x5eed;
	c->owner = spdk_get_thread();
	__atomic_fetch_add(&((struct dev *)io_device)->creates, 1, __ATOMIC_RELAXED);
	return 0;
}

static void
dev_destroy(void *io_device, void *ctx_buf)
{
	struct dev_ch *c = ctx_buf;

	if (c->magic == 0x5eed && c->owner == spdk_get_thread()) {
		__atomic_fetch_add(&((struct dev *)io_device)->destroys, 1, __ATOMIC_RELAXED);
	}
}

static void
dev_unregistered(void *io_device)
{
	__atomic_fetch_add(&((struct dev *)io_device)->unregistered, 1, __ATOMIC_RELEASE);
}

static struct spdk_io_channel *g_ch[NTHREADS];
static int g_got;

static void
get_channel(void *ctx)
{
	int i = (int)(intptr_t)ctx;
	struct spdk_io_channel *again;

	g_ch[i] = spdk_get_io_channel(&g_dev);
	again = spdk_get_io_channel(&g_dev);
	if (g_ch[i] != NULL && again == g_ch[i] &&
	    spdk_io_channel_get_thread(g_ch[i]) == spdk_get_thread() &&
	    spdk_io_channel_get_io_device(g_ch[i]) == &g_dev &&
	    spdk_io_channel_from_ctx(spdk_io_channel_get_ctx(g_ch[i])) == g_ch[i] &&
	    ((struct dev_ch *)spdk_io_channel_get_ctx(g_ch[i]))->magic == 0x5eed &&
	    spdk_io_channel_get_ref_count(g_ch[i]) == 2 &&
	    strcmp(spdk_io_channel_get_io_device_name(g_ch[i]), "test_dev") == 0 &&
	    spdk_thread_get_first_io_channel(spdk_get_thread()) != NULL) {
		spdk_put_io_channel(again);
		__atomic_fetch_add(&g_got, 1, __ATOMIC_RELEASE);
	}
}

static void
visit(struct spdk_io_channel_iter *i)
{
	struct dev *d = spdk_io_channel_iter_get_ctx(i);
	struct spdk_io_channel *ch = spdk_io_channel_iter_get_channel(i);

	if (spdk_io_channel_iter_get_io_device(i) == &g_dev &&
	    spdk_io_channel_get_thread(ch) == spdk_get_thread()) {
		d->visits++;
	}
	spdk_for_each_channel_continue(i, 0);
}

static void
visit_done(struct spdk_io_channel_iter *i, int status)
{
	struct dev *d = spdk_io_channel_iter_get_ctx(i);

	d->status = status;
	__atomic_store_n(&d->done, 1, __ATOMIC_RELEASE);
}

static void
start_iteration(void *ctx)
{
	spdk_for_each_channel(&g_dev, visit, &g_dev, visit_done);
}

static int g_put;

static void
put_channel(void *ctx)
{
	int i = (int)(intptr_t)ctx;

	spdk_put_io_channel(g_ch[i]);
	if (i == 0) {
		/* Double put: refused with an error message. */
		spdk_put_io_channel(g_ch[i]);
	}
	__atomic_fetch_add(&g_put, 1, __ATOMIC_RELEASE);
}

static void
register_dev(void *ctx)
{
	spdk_io_device_register(&g_dev, dev_create, dev_destroy, sizeof(struct dev_ch), "test_dev");
	__atomic_store_n(&g_step, 3, __ATOMIC_RELEASE);
}

static void
unregister_dev(void *ctx)
{
	spdk_io_device_unregister(&g_dev, dev_unregistered);
	/* Unknown device: an error message, nothing else. */
	spdk_io_device_unregister(&g_put, NULL);
	__atomic_store_n(&g_step, 4, __ATOMIC_RELEASE);
}

static void
test_channels(void)
{
	CHECK(spdk_thread_send_msg(g_threads[0], register_dev, NULL) == 0);
	wait_for(&g_step, 3);
	for (int i = 0; i < NTHREADS; i++) {
		CHECK(spdk_thread_send_msg(g_threads[i], get_channel, (void *)(intptr_t)i) == 0);
	}
	wait_for(&g_got, NTHREADS);
	CHECK(g_got == NTHREADS);
	CHECK(g_dev.creates == NTHREADS);

	CHECK(spdk_thread_send_msg(g_threads[2], start_iteration, NULL) == 0);
	wait_for(&g_dev.done, 1);
	CHECK(g_dev.done == 1);
	CHECK(g_dev.status == 0);
	CHECK(g_dev.visits == NTHREADS);

	/* Unregister while channels are held: completes after the last put. */
	CHECK(spdk_thread_send_msg(g_threads[0], unregister_dev, NULL) == 0);
	wait_for(&g_step, 4);
	usleep(10000);
	CHECK(g_dev.unregistered == 0);
	for (int i = 0; i < NTHREADS; i++) {
		CHECK(spdk_thread_send_msg(g_threads[i], put_channel, (void *)(intptr_t)i) == 0);
	}
	wait_for(&g_put, NTHREADS);
	wait_for(&g_dev.unregistered, 1);
	CHECK(g_dev.unregistered == 1);
	CHECK(g_dev.destroys == NTHREADS);
}

/* iobuf: get until empty, wait, put hands the buffer to the waiter. */
static struct spdk_iobuf_channel g_iobuf_ch;
static struct spdk_iobuf_entry g_entry;
static void *g_waited_buf;
static int g_iobuf_ok;

static void
iobuf_cb(struct spdk_iobuf_entry *entry, void *buf)
{
	if (entry == &g_entry) {
		g_waited_buf = buf;
	}
}

static void
iobuf_stats_cb(struct spdk_iobuf_module_stats *modules, uint32_t num, void *arg)
{
	for (uint32_t i = 0; i < num; i++) {
		int one = 1;

		/* Two requests waited: one served by a put, one aborted. */
		if (strcmp(modules[i].module, "test_mod") == 0 && modules[i].large_pool.retry == 2 &&
		    modules[i].small_pool.cache == 1) {
			__atomic_compare_exchange_n(&g_iobuf_ok, &one, 2, false, __ATOMIC_ACQ_REL,
						    __ATOMIC_ACQUIRE);
		}
	}
}

static void
iobuf_test(void *ctx)
{
	struct spdk_iobuf_opts opts = {};
	void *bufs[8];
	void *b;
	int ok = 1;

	spdk_iobuf_get_opts(&opts, sizeof(opts));
	ok &= opts.large_pool_count == 8 && opts.opts_size == sizeof(opts);
	ok &= spdk_iobuf_register_module("test_mod") == 0;
	ok &= spdk_iobuf_register_module("test_mod") == -EEXIST;
	ok &= spdk_iobuf_channel_init(&g_iobuf_ch, "nope", 4, 2) == -ENODEV;
	ok &= spdk_iobuf_channel_init(&g_iobuf_ch, "test_mod", 4, 2) == 0;

	b = spdk_iobuf_get(&g_iobuf_ch, 512, NULL, NULL);
	ok &= b != NULL && ((uintptr_t)b % 4096) == 0;
	memset(b, 0xa5, 512);
	spdk_iobuf_put(&g_iobuf_ch, b, 512);

	for (int i = 0; i < 8; i++) {
		bufs[i] = spdk_iobuf_get(&g_iobuf_ch, 64 * 1024, NULL, NULL);
		ok &= bufs[i] != NULL;
	}
	/* Pool empty: the request waits. */
	ok &= spdk_iobuf_get(&g_iobuf_ch, 64 * 1024, &g_entry, iobuf_cb) == NULL;
	ok &= g_waited_buf == NULL;
	spdk_iobuf_put(&g_iobuf_ch, bufs[0], 64 * 1024);
	ok &= g_waited_buf == bufs[0];
	bufs[0] = g_waited_buf;
	/* Abort of a waiting entry. */
	ok &= spdk_iobuf_get(&g_iobuf_ch, 64 * 1024, &g_entry, iobuf_cb) == NULL;
	spdk_iobuf_entry_abort(&g_iobuf_ch, &g_entry, 64 * 1024);
	for (int i = 0; i < 8; i++) {
		spdk_iobuf_put(&g_iobuf_ch, bufs[i], 64 * 1024);
	}
	ok &= spdk_iobuf_get_stats(iobuf_stats_cb, NULL) == 0;
	__atomic_store_n(&g_iobuf_ok, ok ? 1 : -1, __ATOMIC_RELEASE);
}

static int g_iobuf_finished;

static void
iobuf_finished(void *arg)
{
	__atomic_store_n(&g_iobuf_finished, 1, __ATOMIC_RELEASE);
}

static void
iobuf_fini(void *ctx)
{
	spdk_iobuf_channel_fini(&g_iobuf_ch);
	spdk_iobuf_finish(iobuf_finished, NULL);
}

static void
iobuf_init(void *ctx)
{
	struct spdk_iobuf_opts opts = {};

	spdk_iobuf_get_opts(&opts, sizeof(opts));
	opts.small_pool_count = 64;
	opts.large_pool_count = 8;
	opts.large_bufsize = 64 * 1024;
	CHECK(spdk_iobuf_set_opts(&opts) == 0);
	opts.small_pool_count = 1;
	CHECK(spdk_iobuf_set_opts(&opts) == -EINVAL);
	CHECK(spdk_iobuf_set_opts(NULL) != 0);
	CHECK(spdk_iobuf_initialize() == 0);
	__atomic_store_n(&g_step, 5, __ATOMIC_RELEASE);
}

static void
test_iobuf(void)
{
	CHECK(spdk_thread_send_msg(g_threads[0], iobuf_init, NULL) == 0);
	wait_for(&g_step, 5);
	CHECK(spdk_thread_send_msg(g_threads[0], iobuf_test, NULL) == 0);
	wait_for(&g_iobuf_ok, 2);
	CHECK(g_iobuf_ok == 2);
	CHECK(spdk_thread_send_msg(g_threads[0], iobuf_fini, NULL) == 0);
	wait_for(&g_iobuf_finished, 1);
	CHECK(g_iobuf_finished == 1);
}

static int g_each_thread, g_each_done;

static void
count_thread(void *ctx)
{
	__atomic_fetch_add(&g_each_thread, 1, __ATOMIC_RELAXED);
}

static void
count_done(void *ctx)
{
	__atomic_store_n(&g_each_done, 1, __ATOMIC_RELEASE);
}

static void
start_for_each_thread(void *ctx)
{
	spdk_for_each_thread(count_thread, NULL, count_done);
}

static void
exit_self(void *ctx)
{
	spdk_thread_exit(spdk_get_thread());
}

static void
test_bad_input(void)
{
	struct spdk_poller *none = NULL;

	CHECK(spdk_thread_send_msg(NULL, ordered_msg, NULL) == -EINVAL);
	CHECK(spdk_thread_poll(NULL, 0, 0) == -EINVAL);
	CHECK(spdk_thread_exit(NULL) == -EINVAL);
	CHECK(!spdk_thread_is_running(NULL));
	spdk_poller_unregister(&none);
	spdk_poller_unregister(NULL);
	/* Not an SPDK thread here: */
	CHECK(spdk_get_thread() == NULL);
	CHECK(spdk_poller_register(active_fn, NULL, 0) == NULL);
	CHECK(spdk_get_io_channel(&g_dev) == NULL);
	spdk_put_io_channel(NULL);
	CHECK(spdk_thread_get_by_id(0) == NULL);
	CHECK(spdk_thread_get_by_id(1000000) == NULL);
}

int
main(void)
{
	pthread_t pt[2];
	struct spdk_cpuset mask;
	char name[32];

	CHECK(spdk_thread_create("early", NULL) == NULL); /* before lib_init */
	CHECK(spdk_thread_lib_init(NULL, 64) == 0);
	CHECK(spdk_thread_lib_init(NULL, 64) != 0);

	spdk_cpuset_zero(&mask);
	spdk_cpuset_set_cpu(&mask, 0, true);
	for (int i = 0; i < NTHREADS; i++) {
		snprintf(name, sizeof(name), "worker%d", i);
		g_threads[i] = spdk_thread_create(name, i == 1 ? &mask : NULL);
		CHECK(g_threads[i] != NULL);
	}
	CHECK(spdk_thread_get_count() == NTHREADS);
	CHECK(spdk_thread_get_app_thread() == g_threads[0]);
	CHECK(spdk_thread_is_app_thread(g_threads[0]));
	CHECK(!spdk_thread_is_app_thread(g_threads[1]));
	CHECK(strcmp(spdk_thread_get_name(g_threads[2]), "worker2") == 0);
	CHECK(spdk_thread_get_by_id(spdk_thread_get_id(g_threads[2])) == g_threads[2]);
	CHECK(spdk_cpuset_count(spdk_thread_get_cpumask(g_threads[1])) == 1);
	CHECK(spdk_thread_get_from_ctx(spdk_thread_get_ctx(g_threads[3])) == g_threads[3]);
	CHECK(spdk_thread_is_running(g_threads[3]));
	CHECK(!spdk_interrupt_mode_is_enabled());

	test_bad_input();

	pthread_create(&pt[0], NULL, poll_loop, (void *)0);
	pthread_create(&pt[1], NULL, poll_loop, (void *)1);

	test_messages();
	test_pollers();
	test_channels();
	test_iobuf();

	CHECK(spdk_thread_send_msg(g_threads[1], start_for_each_thread, NULL) == 0);
	wait_for(&g_each_done, 1);
	CHECK(g_each_done == 1);
	CHECK(g_each_thread == NTHREADS);

	for (int i = 0; i < NTHREADS; i++) {
		CHECK(spdk_thread_send_msg(g_threads[i], exit_self, NULL) == 0);
	}
	for (int n = 0; n < 5000; n++) {
		int exited = 0;

		for (int i = 0; i < NTHREADS; i++) {
			exited += spdk_thread_is_exited(g_threads[i]);
		}
		if (exited == NTHREADS) {
			break;
		}
		usleep(1000);
	}
	__atomic_store_n(&g_stop, true, __ATOMIC_RELEASE);
	pthread_join(pt[0], NULL);
	pthread_join(pt[1], NULL);

	for (int i = 0; i < NTHREADS; i++) {
		CHECK(spdk_thread_is_exited(g_threads[i]));
		CHECK(spdk_thread_send_msg(g_threads[i], ordered_msg, NULL) != 0);
		spdk_thread_destroy(g_threads[i]);
	}
	CHECK(spdk_thread_get_count() == 1); /* the app thread lives until lib_fini */
	spdk_thread_lib_fini();
	CHECK(spdk_thread_get_count() == 0);

	return harness_done("thread_test");
}
