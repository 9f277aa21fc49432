/* spdk/queue.h used as SPDK code does: intrusive lists of requests,
 * walked with the _SAFE iterators while elements are removed and freed. */
#include "spdk/stdinc.h"

#ifdef QUEUE_TEST_OWN_MACROS
/* Build with -DQUEUE_TEST_OWN_MACROS to exercise spdk/queue_extras.h's
 * fallbacks for the macros glibc already has, as on a C library without
 * them: drop glibc's before the extras are read. */
#include <sys/queue.h>
#undef SLIST_FIRST
#undef SLIST_NEXT
#undef SLIST_EMPTY
#undef STAILQ_HEAD
#undef STAILQ_HEAD_INITIALIZER
#undef STAILQ_FIRST
#undef STAILQ_NEXT
#undef STAILQ_EMPTY
#undef STAILQ_CONCAT
#undef LIST_HEAD
#undef LIST_HEAD_INITIALIZER
#undef LIST_ENTRY
#undef LIST_FIRST
#undef LIST_NEXT
#undef LIST_EMPTY
#undef TAILQ_FIRST
#undef TAILQ_NEXT
#undef TAILQ_EMPTY
#undef TAILQ_LAST
#undef TAILQ_PREV
#undef TAILQ_FOREACH_REVERSE
#include "spdk/queue_extras.h"
#endif

#include "spdk/queue.h"

#include "harness.h"

struct req {
	int id;
	TAILQ_ENTRY(req) tailq;
	STAILQ_ENTRY(req) stailq;
	LIST_ENTRY(req) list;
	SLIST_ENTRY(req) slist;
};

TAILQ_HEAD(req_tailq, req);
STAILQ_HEAD(req_stailq, req);
LIST_HEAD(req_list, req);
SLIST_HEAD(req_slist, req);

static struct req *
new_req(int id)
{
	struct req *r = calloc(1, sizeof(*r));

	if (r != NULL) {
		r->id = id;
	}
	return r;
}

static void
test_tailq(void)
{
	struct req_tailq q = TAILQ_HEAD_INITIALIZER(q);
	struct req_tailq other;
	struct req *r, *tmp, *keep[6];
	int i, sum, order[6], n;

	TAILQ_INIT(&other);
	CHECK(TAILQ_EMPTY(&q));
	CHECK(TAILQ_LAST(&q, req_tailq) == NULL);
	for (i = 0; i < 6; i++) {
		keep[i] = new_req(i);
		CHECK(TAILQ_ENTRY_NOT_ENQUEUED(keep[i], tailq));
		TAILQ_INSERT_TAIL(&q, keep[i], tailq);
		CHECK(TAILQ_ENTRY_ENQUEUED(keep[i], tailq));
	}
	CHECK(TAILQ_FIRST(&q)->id == 0);
	CHECK(TAILQ_LAST(&q, req_tailq)->id == 5);
	CHECK(TAILQ_PREV(keep[3], req_tailq, tailq) == keep[2]);
	CHECK(TAILQ_PREV(keep[0], req_tailq, tailq) == NULL);

	/* Reverse, safe: remove the odd ones from the back. */
	n = 0;
	TAILQ_FOREACH_REVERSE_SAFE(r, &q, req_tailq, tailq, tmp) {
		order[n++] = r->id;
		if (r->id % 2) {
			TAILQ_REMOVE_CLEAR(&q, r, tailq);
			CHECK(TAILQ_ENTRY_NOT_ENQUEUED(r, tailq));
		}
	}
	CHECK(n == 6 && order[0] == 5 && order[5] == 0);

	/* FROM: start in the middle; NULL starts at the head. */
	r = keep[2];
	n = 0;
	TAILQ_FOREACH_FROM(r, &q, tailq) {
		n++;
	}
	CHECK(n == 2);
	r = NULL;
	n = 0;
	TAILQ_FOREACH_FROM(r, &q, tailq) {
		n++;
	}
	CHECK(n == 3);
	r = keep[2];
	n = 0;
	TAILQ_FOREACH_REVERSE_FROM(r, &q, req_tailq, tailq) {
		n++;
	}
	CHECK(n == 2);
	r = keep[4];
	n = 0;
	TAILQ_FOREACH_FROM_SAFE(r, &q, tailq, tmp) {
		TAILQ_REMOVE(&q, r, tailq);
		TAILQ_INSERT_TAIL(&other, r, tailq);
		n++;
	}
	CHECK(n == 1);
	CHECK(TAILQ_LAST(&q, req_tailq) == keep[2]);

	/* Swap the two queues, including into and out of emptiness. */
	TAILQ_SWAP(&q, &other, req, tailq);
	CHECK(TAILQ_FIRST(&q) == keep[4] && TAILQ_LAST(&q, req_tailq) == keep[4]);
	CHECK(TAILQ_FIRST(&other) == keep[0] && TAILQ_LAST(&other, req_tailq) == keep[2]);
	CHECK(keep[0]->tailq.tqe_prev == &other.tqh_first);
	CHECK(keep[4]->tailq.tqe_prev == &q.tqh_first);
	TAILQ_REMOVE(&q, keep[4], tailq);
	CHECK(TAILQ_EMPTY(&q));
	TAILQ_SWAP(&q, &other, req, tailq);
	CHECK(TAILQ_EMPTY(&other) && TAILQ_LAST(&other, req_tailq) == NULL);
	TAILQ_INSERT_TAIL(&other, keep[4], tailq);	/* tail link of the emptied head works */
	CHECK(TAILQ_FIRST(&other) == keep[4]);
	TAILQ_FOREACH_REVERSE_FROM_SAFE(r, &other, req_tailq, tailq, tmp) {
		TAILQ_REMOVE(&other, r, tailq);
	}
	CHECK(TAILQ_EMPTY(&other));

	/* Free everything while walking. */
	sum = 0;
	TAILQ_FOREACH_SAFE(r, &q, tailq, tmp) {
		sum += r->id;
		TAILQ_REMOVE(&q, r, tailq);
		free(r);
	}
	CHECK(sum == 0 + 2 + 4 - 4);	/* 0, 2 and (4 moved out) */
	CHECK(TAILQ_EMPTY(&q));
	for (i = 1; i < 6; i += 2) {
		free(keep[i]);
	}
	free(keep[4]);
}

static void
test_stailq(void)
{
	struct req_stailq q = STAILQ_HEAD_INITIALIZER(q);
	struct req_stailq other = STAILQ_HEAD_INITIALIZER(other);
	struct req *r, *tmp, *keep[5];
	int i, n;

	CHECK(STAILQ_LAST(&q, req, stailq) == NULL);
	for (i = 0; i < 5; i++) {
		keep[i] = new_req(i);
		STAILQ_INSERT_TAIL(&q, keep[i], stailq);
		CHECK(STAILQ_LAST(&q, req, stailq) == keep[i]);
	}
	/* Remove after an element, including the last one. */
	STAILQ_REMOVE_AFTER(&q, keep[0], stailq);
	CHECK(STAILQ_NEXT(keep[0], stailq) == keep[2]);
	STAILQ_REMOVE_AFTER(&q, keep[3], stailq);
	CHECK(STAILQ_LAST(&q, req, stailq) == keep[3]);
	STAILQ_INSERT_TAIL(&q, keep[4], stailq);
	CHECK(STAILQ_LAST(&q, req, stailq) == keep[4]);

	r = keep[2];
	n = 0;
	STAILQ_FOREACH_FROM(r, &q, stailq) {
		n++;
	}
	CHECK(n == 3);

	STAILQ_INSERT_TAIL(&other, keep[1], stailq);
	STAILQ_SWAP(&q, &other, req);
	CHECK(STAILQ_FIRST(&q) == keep[1] && STAILQ_LAST(&q, req, stailq) == keep[1]);
	CHECK(STAILQ_LAST(&other, req, stailq) == keep[4]);
	STAILQ_CONCAT(&q, &other);
	CHECK(STAILQ_EMPTY(&other));
	CHECK(STAILQ_LAST(&q, req, stailq) == keep[4]);
	r = new_req(9);	/* the macros evaluate their arguments more than once */
	STAILQ_INSERT_TAIL(&other, r, stailq);
	CHECK(STAILQ_FIRST(&other)->id == 9);
	STAILQ_CONCAT(&q, &other);

	n = 0;
	r = NULL;
	STAILQ_FOREACH_FROM_SAFE(r, &q, stailq, tmp) {
		n++;
	}
	CHECK(n == 6);
	/* ids 1, 0, 2, 3, 4, 9 */
	n = 0;
	STAILQ_FOREACH_SAFE(r, &q, stailq, tmp) {
		n += r->id;
		STAILQ_REMOVE(&q, r, req, stailq);
		free(r);
	}
	CHECK(n == 19);
	CHECK(STAILQ_EMPTY(&q) && STAILQ_LAST(&q, req, stailq) == NULL);
}

static void
test_lists(void)
{
	struct req_list l = LIST_HEAD_INITIALIZER(l);
	struct req_list l2 = LIST_HEAD_INITIALIZER(l2);
	struct req_slist s = SLIST_HEAD_INITIALIZER(s);
	struct req_slist s2 = SLIST_HEAD_INITIALIZER(s2);
	struct req *r, *tmp, *keep[4];
	int i, n;

	for (i = 0; i < 4; i++) {
		keep[i] = new_req(i);
		LIST_INSERT_HEAD(&l, keep[i], list);
		SLIST_INSERT_HEAD(&s, keep[i], slist);
	}
	/* Both lists read 3, 2, 1, 0. */
	CHECK(LIST_PREV(keep[3], &l, req, list) == NULL);
	CHECK(LIST_PREV(keep[0], &l, req, list) == keep[1]);

	LIST_SWAP(&l, &l2, req, list);
	CHECK(LIST_EMPTY(&l) && LIST_FIRST(&l2) == keep[3]);
	CHECK(LIST_PREV(keep[3], &l2, req, list) == NULL);
	LIST_REMOVE(keep[3], list);	/* uses the re-aimed back pointer */
	CHECK(LIST_FIRST(&l2) == keep[2]);
	LIST_INSERT_HEAD(&l, keep[3], list);

	r = keep[1];
	n = 0;
	LIST_FOREACH_FROM(r, &l2, list) {
		n++;
	}
	CHECK(n == 2);
	n = 0;
	r = keep[1];
	LIST_FOREACH_FROM_SAFE(r, &l2, list, tmp) {
		LIST_REMOVE(r, list);
		n++;
	}
	CHECK(n == 2 && LIST_FIRST(&l2) == keep[2] && LIST_NEXT(keep[2], list) == NULL);
	n = 0;
	LIST_FOREACH_SAFE(r, &l2, list, tmp) {
		LIST_REMOVE(r, list);
		n++;
	}
	CHECK(n == 1 && LIST_EMPTY(&l2));

	SLIST_SWAP(&s, &s2, req);
	CHECK(SLIST_EMPTY(&s) && SLIST_FIRST(&s2) == keep[3]);
	SLIST_REMOVE_AFTER(keep[3], slist);
	CHECK(SLIST_NEXT(keep[3], slist) == keep[1]);
	r = keep[1];
	n = 0;
	SLIST_FOREACH_FROM(r, &s2, slist) {
		n++;
	}
	CHECK(n == 2);
	r = NULL;
	n = 0;
	SLIST_FOREACH_FROM_SAFE(r, &s2, slist, tmp) {
		n++;
	}
	CHECK(n == 3);
	n = 0;
	SLIST_FOREACH_SAFE(r, &s2, slist, tmp) {
		SLIST_REMOVE(&s2, r, req, slist);
		n++;
	}
	CHECK(n == 3 && SLIST_EMPTY(&s2));

	for (i = 0; i < 4; i++) {
		free(keep[i]);
	}
}

int
main(void)
{
	test_tailq();
	test_stailq();
	test_lists();
	return harness_done("queue_test");
}
