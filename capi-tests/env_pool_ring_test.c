/* spdk_mempool_* and spdk_ring_* of spdk/env.h, as a C user calls them. */
#include "spdk/stdinc.h"
#include "spdk/env.h"

#include <pthread.h>

#include "harness.h"

struct ctor_state {
	unsigned calls;
	unsigned idx_sum;
	struct spdk_mempool *seen_mp;
};

static void
init_elem(struct spdk_mempool *mp, void *opaque, void *obj, unsigned obj_idx)
{
	struct ctor_state *st = opaque;

	st->calls++;
	st->idx_sum += obj_idx;
	st->seen_mp = mp;
	*(uint32_t *)obj = 0xC0DE0000u + obj_idx;
}

struct iter_state {
	unsigned calls;
	unsigned bad;
};

static void
check_elem(struct spdk_mempool *mp, void *opaque, void *obj, unsigned obj_idx)
{
	struct iter_state *st = opaque;

	(void)mp;
	st->calls++;
	if (*(uint32_t *)obj != 0xC0DE0000u + obj_idx || ((uintptr_t)obj % 64) != 0) {
		st->bad++;
	}
}

static void
mem_chunk(struct spdk_mempool *mp, void *opaque, void *addr, uint64_t iova, size_t len,
	  unsigned mem_idx)
{
	size_t *total = opaque;

	(void)mp;
	(void)iova;
	(void)mem_idx;
	if (addr != NULL) {
		*total += len;
	}
}

/* A callback declared through SPDK's function typedef. */
static spdk_mempool_obj_cb_t count_elem;

static void
count_elem(struct spdk_mempool *mp, void *opaque, void *obj, unsigned obj_idx)
{
	(void)mp;
	(void)obj;
	(void)obj_idx;
	(*(unsigned *)opaque)++;
}

static void
test_mempool_basic(void)
{
	struct spdk_mempool *mp;
	void *e, *arr[16], *arr2[40];
	size_t i, j;
	int distinct = 1;

	mp = spdk_mempool_create("capi_basic", 32, 100, SPDK_MEMPOOL_DEFAULT_CACHE_SIZE,
				 SPDK_ENV_NUMA_ID_ANY);
	CHECK(mp != NULL);
	if (mp == NULL) {
		return;
	}
	CHECK(strcmp(spdk_mempool_get_name(mp), "capi_basic") == 0);
	CHECK(spdk_mempool_lookup("capi_basic") == mp);
	CHECK(spdk_mempool_lookup("capi_nope") == NULL);
	CHECK(spdk_mempool_count(mp) == 32);

	e = spdk_mempool_get(mp);
	CHECK(e != NULL);
	CHECK(((uintptr_t)e % 64) == 0);
	memset(e, 0xab, 100);
	CHECK(spdk_mempool_count(mp) == 31);
	spdk_mempool_put(mp, e);
	CHECK(spdk_mempool_count(mp) == 32);

	CHECK(spdk_mempool_get_bulk(mp, arr, 16) == 0);
	CHECK(spdk_mempool_count(mp) == 16);
	for (i = 0; i < 16; i++) {
		for (j = i + 1; j < 16; j++) {
			distinct &= arr[i] != arr[j];
		}
	}
	CHECK(distinct);
	/* All or nothing: 17 of 16 fails and takes nothing. */
	CHECK(spdk_mempool_get_bulk(mp, arr2, 17) == -ENOENT);
	CHECK(spdk_mempool_count(mp) == 16);
	CHECK(spdk_mempool_get_bulk(mp, arr2, 16) == 0);
	CHECK(spdk_mempool_count(mp) == 0);
	CHECK(spdk_mempool_get(mp) == NULL);
	CHECK(spdk_mempool_get_bulk(mp, arr2, 1) == -ENOENT);
	spdk_mempool_put_bulk(mp, arr, 16);
	spdk_mempool_put_bulk(mp, arr2, 16);
	CHECK(spdk_mempool_count(mp) == 32);
	CHECK(spdk_mempool_get_bulk(mp, arr2, 0) == 0);

	spdk_mempool_free(mp);
	CHECK(spdk_mempool_lookup("capi_basic") == NULL);
}

static void
test_mempool_ctor_iter(void)
{
	struct ctor_state st = {0};
	struct iter_state it = {0};
	struct spdk_mempool *mp;
	unsigned counted = 0;
	size_t total = 0;

	mp = spdk_mempool_create_ctor("capi_ctor", 50, 24, 0, SPDK_ENV_NUMA_ID_ANY,
				      init_elem, &st);
	CHECK(mp != NULL);
	if (mp == NULL) {
		return;
	}
	CHECK(st.calls == 50);
	CHECK(st.idx_sum == 50 * 49 / 2);
	CHECK(st.seen_mp == mp);
	CHECK(spdk_mempool_obj_iter(mp, check_elem, &it) == 50);
	CHECK(it.calls == 50 && it.bad == 0);
	CHECK(spdk_mempool_obj_iter(mp, count_elem, &counted) == 50);
	CHECK(counted == 50);
	CHECK(spdk_mempool_mem_iter(mp, mem_chunk, &total) == 1);
	CHECK(total >= 50 * 24);
	CHECK(spdk_mempool_obj_iter(mp, NULL, NULL) == 0);
	CHECK(spdk_mempool_obj_iter(NULL, check_elem, &it) == 0);
	spdk_mempool_free(mp);

	/* No constructor is fine too. */
	mp = spdk_mempool_create_ctor("capi_ctor", 4, 8, 0, SPDK_ENV_NUMA_ID_ANY, NULL, NULL);
	CHECK(mp != NULL);
	spdk_mempool_free(mp);
}

static void
test_mempool_bad_input(void)
{
	char long_name[SPDK_MAX_MEMPOOL_NAME_LEN + 8];
	char max_name[SPDK_MAX_MEMPOOL_NAME_LEN];
	struct spdk_mempool *mp, *mp2;
	void *arr[2];
	int x;

	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	memset(max_name, 'm', sizeof(max_name) - 1);
	max_name[sizeof(max_name) - 1] = '\0';

	CHECK(spdk_mempool_create(NULL, 8, 8, 0, -1) == NULL);
	CHECK(spdk_mempool_create("capi_bad", 0, 8, 0, -1) == NULL);
	CHECK(spdk_mempool_create("capi_bad", 8, 0, 0, -1) == NULL);
	CHECK(spdk_mempool_create("capi_bad", SIZE_MAX, 8, 0, -1) == NULL);
	CHECK(spdk_mempool_create("capi_bad", 1 << 20, SIZE_MAX / 2, 0, -1) == NULL);
	CHECK(spdk_mempool_create(long_name, 8, 8, 0, -1) == NULL);
	CHECK(spdk_mempool_create("", 8, 8, 0, -1) == NULL);

	mp = spdk_mempool_create(max_name, 8, 8, 0, -1);
	CHECK(mp != NULL);
	CHECK(spdk_mempool_lookup(max_name) == mp);
	/* Names are unique. */
	mp2 = spdk_mempool_create(max_name, 8, 8, 0, -1);
	CHECK(mp2 == NULL);

	CHECK(spdk_mempool_get(NULL) == NULL);
	CHECK(spdk_mempool_get_bulk(NULL, arr, 2) == -EINVAL);
	CHECK(spdk_mempool_get_bulk(mp, NULL, 2) == -EINVAL);
	spdk_mempool_put(NULL, arr);
	spdk_mempool_put(mp, NULL);
	spdk_mempool_put(mp, &x);		/* not an element: ignored */
	spdk_mempool_put_bulk(NULL, arr, 2);
	spdk_mempool_put_bulk(mp, NULL, 2);
	CHECK(spdk_mempool_count(mp) == 8);
	CHECK(spdk_mempool_count(NULL) == 0);
	CHECK(spdk_mempool_get_name(NULL) == NULL);
	CHECK(spdk_mempool_lookup(NULL) == NULL);
	CHECK(spdk_mempool_mem_iter(mp, NULL, NULL) == 0);
	spdk_mempool_free(NULL);

	/* Freeing with an element out warns, does not crash. */
	CHECK(spdk_mempool_get(mp) != NULL);
	spdk_mempool_free(mp);
	mp = spdk_mempool_create(max_name, 8, 8, 0, -1);
	CHECK(mp != NULL);
	spdk_mempool_free(mp);
}

#define THREADS 4
#define ROUNDS 20000

static void *
pool_worker(void *arg)
{
	struct spdk_mempool *mp = arg;
	void *held[8];
	int r, n, bad = 0;

	for (r = 0; r < ROUNDS; r++) {
		if (r % 2 == 0) {
			if (spdk_mempool_get_bulk(mp, held, 8) == 0) {
				for (n = 0; n < 8; n++) {
					*(uintptr_t *)held[n] = (uintptr_t)held[n];
				}
				for (n = 0; n < 8; n++) {
					bad |= *(uintptr_t *)held[n] != (uintptr_t)held[n];
				}
				spdk_mempool_put_bulk(mp, held, 8);
			}
		} else {
			for (n = 0; n < 8; n++) {
				held[n] = spdk_mempool_get(mp);
			}
			for (n = 0; n < 8; n++) {
				if (held[n] != NULL) {
					spdk_mempool_put(mp, held[n]);
				}
			}
		}
	}
	return bad ? (void *)1 : NULL;
}

static void
test_mempool_threads(void)
{
	pthread_t t[THREADS];
	struct spdk_mempool *mp;
	void *ret;
	int i, bad = 0;

	mp = spdk_mempool_create("capi_threads", 1024, 64, 32, -1);
	CHECK(mp != NULL);
	if (mp == NULL) {
		return;
	}
	for (i = 0; i < THREADS; i++) {
		CHECK(pthread_create(&t[i], NULL, pool_worker, mp) == 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &ret);
		bad |= ret != NULL;
	}
	CHECK(!bad);
	CHECK(spdk_mempool_count(mp) == 1024);
	spdk_mempool_free(mp);
}

static void
test_ring_type(enum spdk_ring_type type)
{
	struct spdk_ring *ring;
	void *objs[8], *out[8];
	size_t free_space = 12345;
	uintptr_t i;

	for (i = 0; i < 8; i++) {
		objs[i] = (void *)(i + 1);
	}
	ring = spdk_ring_create(type, 5, SPDK_ENV_NUMA_ID_ANY);
	CHECK(ring != NULL);
	if (ring == NULL) {
		return;
	}
	CHECK(spdk_ring_count(ring) == 0);
	CHECK(spdk_ring_enqueue(ring, objs, 3, &free_space) == 3);
	CHECK(free_space == 2);
	/* All or nothing: 3 more do not fit in the 2 left. */
	CHECK(spdk_ring_enqueue(ring, objs + 3, 3, &free_space) == 0);
	CHECK(free_space == 2);
	CHECK(spdk_ring_count(ring) == 3);
	CHECK(spdk_ring_enqueue(ring, objs + 3, 2, NULL) == 2);
	CHECK(spdk_ring_count(ring) == 5);
	CHECK(spdk_ring_enqueue(ring, objs + 5, 1, &free_space) == 0);
	CHECK(free_space == 0);
	/* Dequeue is a burst: up to count. */
	CHECK(spdk_ring_dequeue(ring, out, 2) == 2);
	CHECK(out[0] == objs[0] && out[1] == objs[1]);
	CHECK(spdk_ring_dequeue(ring, out, 8) == 3);
	CHECK(out[0] == objs[2] && out[1] == objs[3] && out[2] == objs[4]);
	CHECK(spdk_ring_dequeue(ring, out, 8) == 0);
	CHECK(spdk_ring_count(ring) == 0);
	/* Wrap around a few times. */
	for (i = 0; i < 100; i++) {
		CHECK(spdk_ring_enqueue(ring, &objs[i % 8], 1, NULL) == 1);
		CHECK(spdk_ring_dequeue(ring, out, 1) == 1 && out[0] == objs[i % 8]);
	}
	CHECK(spdk_ring_enqueue(ring, objs, 0, &free_space) == 0);
	CHECK(free_space == 5);
	CHECK(spdk_ring_enqueue(ring, NULL, 2, NULL) == 0);
	CHECK(spdk_ring_dequeue(ring, NULL, 2) == 0);
	CHECK(spdk_ring_enqueue(ring, objs, 2, NULL) == 2);
	spdk_ring_free(ring);		/* not empty: fine */
}

#define RING_ITEMS 100000

static void *
ring_producer(void *arg)
{
	struct spdk_ring *ring = arg;
	uintptr_t i = 1;
	void *obj;

	while (i <= RING_ITEMS) {
		obj = (void *)i;
		if (spdk_ring_enqueue(ring, &obj, 1, NULL) == 1) {
			i++;
		} else {
			sched_yield();
		}
	}
	return NULL;
}

static void
test_ring_threads(void)
{
	struct spdk_ring *ring;
	pthread_t t[2];
	void *out[16];
	uint64_t sum = 0, got = 0;
	size_t n, k;

	ring = spdk_ring_create(SPDK_RING_TYPE_MP_SC, 64, SPDK_ENV_NUMA_ID_ANY);
	CHECK(ring != NULL);
	if (ring == NULL) {
		return;
	}
	CHECK(pthread_create(&t[0], NULL, ring_producer, ring) == 0);
	CHECK(pthread_create(&t[1], NULL, ring_producer, ring) == 0);
	while (got < 2 * RING_ITEMS) {
		n = spdk_ring_dequeue(ring, out, 16);
		if (n == 0) {
			sched_yield();
		}
		for (k = 0; k < n; k++) {
			sum += (uintptr_t)out[k];
		}
		got += n;
	}
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	CHECK(got == 2 * RING_ITEMS);
	CHECK(sum == (uint64_t)RING_ITEMS * (RING_ITEMS + 1));
	spdk_ring_free(ring);
}

static void
test_ring_bad_input(void)
{
	size_t free_space = 7;
	void *obj = NULL;

	CHECK(spdk_ring_create(SPDK_RING_TYPE_MP_MC, 0, -1) == NULL);
	CHECK(spdk_ring_create((enum spdk_ring_type)3, 8, -1) == NULL);
	CHECK(spdk_ring_create((enum spdk_ring_type) - 1, 8, -1) == NULL);
	CHECK(spdk_ring_create(SPDK_RING_TYPE_SP_SC, SIZE_MAX, -1) == NULL);
	CHECK(spdk_ring_count(NULL) == 0);
	CHECK(spdk_ring_enqueue(NULL, &obj, 1, &free_space) == 0);
	CHECK(free_space == 0);
	CHECK(spdk_ring_dequeue(NULL, &obj, 1) == 0);
	spdk_ring_free(NULL);
}

int
main(void)
{
	CHECK(SPDK_RING_TYPE_SP_SC == 0);
	CHECK(SPDK_RING_TYPE_MP_SC == 1);
	CHECK(SPDK_RING_TYPE_MP_MC == 2);
	CHECK(SPDK_MEMPOOL_DEFAULT_CACHE_SIZE == SIZE_MAX);
	CHECK(SPDK_MAX_MEMPOOL_NAME_LEN == 29);

	test_mempool_basic();
	test_mempool_ctor_iter();
	test_mempool_bad_input();
	test_mempool_threads();
	test_ring_type(SPDK_RING_TYPE_SP_SC);
	test_ring_type(SPDK_RING_TYPE_MP_SC);
	test_ring_type(SPDK_RING_TYPE_MP_MC);
	test_ring_threads();
	test_ring_bad_input();
	return harness_done("env_pool_ring_test");
}
