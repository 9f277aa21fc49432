/** \file
 * The parts of the BSD queue(3) interface that some C libraries' (notably
 * glibc's) <sys/queue.h> do not provide: the _FOREACH_FROM and _SAFE
 * iterators, _LAST/_PREV lookups, _SWAP, _CONCAT and _REMOVE_AFTER.
 *
 * Include spdk/queue.h rather than this file. Every macro here is defined
 * only when the C library has not defined one of that name, so a complete
 * <sys/queue.h> keeps its own definitions. They follow the queue(3)
 * manual page:
 *
 * - SLIST: singly linked list, head holds the first element.
 * - LIST: doubly linked list, head holds the first element.
 * - STAILQ: singly linked tail queue, head holds first and last.
 * - TAILQ: doubly linked tail queue, head holds first and last.
 *
 * The _SAFE iterators read the next element before running the loop body,
 * so the body may unlink or free the current element. The _FROM iterators
 * start at `var` when it is not NULL, and at the first element otherwise.
 */

/* GCC 13 and later warn (-Wdangling-pointer) about heads of local queues
 * handed to TAILQ_SWAP(); the code is correct, so the warning is silenced
 * around it. */
#if defined(__GNUC__) && !defined(__clang__) && (__GNUC__ >= 13)
#define SPDK_QE_SUPPRESS_WARNINGS()						\
	_Pragma("GCC diagnostic push")						\
	_Pragma("GCC diagnostic ignored \"-Wdangling-pointer\"")
#define SPDK_QE_UNSUPPRESS_WARNINGS() _Pragma("GCC diagnostic pop")
#else
#define SPDK_QE_SUPPRESS_WARNINGS()
#define SPDK_QE_UNSUPPRESS_WARNINGS()
#endif

/* The structure of type `type` whose member `member` is at address `ptr`. */
#define SPDK_QE_CONTAINER(ptr, type, member)					\
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* Consistency checks of the BSD kernel; nothing in user space. */
#ifndef QMD_LIST_CHECK_HEAD
#define QMD_LIST_CHECK_HEAD(head, field)
#endif
#ifndef QMD_LIST_CHECK_NEXT
#define QMD_LIST_CHECK_NEXT(elm, field)
#endif
#ifndef QMD_LIST_CHECK_PREV
#define QMD_LIST_CHECK_PREV(elm, field)
#endif
#ifndef QMD_TAILQ_CHECK_HEAD
#define QMD_TAILQ_CHECK_HEAD(head, field)
#endif
#ifndef QMD_TAILQ_CHECK_TAIL
#define QMD_TAILQ_CHECK_TAIL(head, headname)
#endif
#ifndef QMD_TAILQ_CHECK_NEXT
#define QMD_TAILQ_CHECK_NEXT(elm, field)
#endif
#ifndef QMD_TAILQ_CHECK_PREV
#define QMD_TAILQ_CHECK_PREV(elm, field)
#endif

/*
 * Singly linked lists (SLIST).
 */
#ifndef SLIST_FIRST
#define SLIST_FIRST(head) ((head)->slh_first)
#endif

#ifndef SLIST_NEXT
#define SLIST_NEXT(elm, field) ((elm)->field.sle_next)
#endif

#ifndef SLIST_EMPTY
#define SLIST_EMPTY(head) (SLIST_FIRST(head) == NULL)
#endif

#ifndef SLIST_FOREACH_FROM
#define SLIST_FOREACH_FROM(var, head, field)					\
	for ((var) = ((var) != NULL ? (var) : SLIST_FIRST(head));		\
	     (var) != NULL;							\
	     (var) = SLIST_NEXT((var), field))
#endif

#ifndef SLIST_FOREACH_SAFE
#define SLIST_FOREACH_SAFE(var, head, field, tvar)				\
	for ((var) = SLIST_FIRST(head);						\
	     (var) != NULL && ((tvar) = SLIST_NEXT((var), field), 1);		\
	     (var) = (tvar))
#endif

#ifndef SLIST_FOREACH_FROM_SAFE
#define SLIST_FOREACH_FROM_SAFE(var, head, field, tvar)				\
	for ((var) = ((var) != NULL ? (var) : SLIST_FIRST(head));		\
	     (var) != NULL && ((tvar) = SLIST_NEXT((var), field), 1);		\
	     (var) = (tvar))
#endif

#ifndef SLIST_REMOVE_AFTER
#define SLIST_REMOVE_AFTER(elm, field) do {					\
	SLIST_NEXT((elm), field) = SLIST_NEXT(SLIST_NEXT((elm), field), field);	\
} while (0)
#endif

#ifndef SLIST_SWAP
#define SLIST_SWAP(head1, head2, type) do {					\
	struct type *_spdk_qe_first = SLIST_FIRST(head1);			\
	SLIST_FIRST(head1) = SLIST_FIRST(head2);				\
	SLIST_FIRST(head2) = _spdk_qe_first;					\
} while (0)
#endif

/*
 * Singly linked tail queues (STAILQ). stqh_last points at the link field
 * that holds NULL: stqh_first when empty, else the last element's
 * stqe_next.
 */
#ifndef STAILQ_HEAD
#define STAILQ_HEAD(name, type)							\
struct name {									\
	struct type *stqh_first;	/* first element, or NULL */		\
	struct type **stqh_last;	/* the link to fill when appending */	\
}
#endif

#ifndef STAILQ_HEAD_INITIALIZER
#define STAILQ_HEAD_INITIALIZER(head) { NULL, &(head).stqh_first }
#endif

#ifndef STAILQ_FIRST
#define STAILQ_FIRST(head) ((head)->stqh_first)
#endif

#ifndef STAILQ_NEXT
#define STAILQ_NEXT(elm, field) ((elm)->field.stqe_next)
#endif

#ifndef STAILQ_EMPTY
#define STAILQ_EMPTY(head) (STAILQ_FIRST(head) == NULL)
#endif

#ifndef STAILQ_FOREACH_FROM
#define STAILQ_FOREACH_FROM(var, head, field)					\
	for ((var) = ((var) != NULL ? (var) : STAILQ_FIRST(head));		\
	     (var) != NULL;							\
	     (var) = STAILQ_NEXT((var), field))
#endif

#ifndef STAILQ_FOREACH_SAFE
#define STAILQ_FOREACH_SAFE(var, head, field, tvar)				\
	for ((var) = STAILQ_FIRST(head);					\
	     (var) != NULL && ((tvar) = STAILQ_NEXT((var), field), 1);		\
	     (var) = (tvar))
#endif

#ifndef STAILQ_FOREACH_FROM_SAFE
#define STAILQ_FOREACH_FROM_SAFE(var, head, field, tvar)			\
	for ((var) = ((var) != NULL ? (var) : STAILQ_FIRST(head));		\
	     (var) != NULL && ((tvar) = STAILQ_NEXT((var), field), 1);		\
	     (var) = (tvar))
#endif

/* The last element (of type struct `type`, linked through `field`), or
 * NULL when the queue is empty. */
#ifndef STAILQ_LAST
#define STAILQ_LAST(head, type, field)						\
	(STAILQ_EMPTY(head) ? NULL :						\
	 SPDK_QE_CONTAINER((head)->stqh_last, struct type, field.stqe_next))
#endif

#ifndef STAILQ_REMOVE_AFTER
#define STAILQ_REMOVE_AFTER(head, elm, field) do {				\
	STAILQ_NEXT((elm), field) = STAILQ_NEXT(STAILQ_NEXT((elm), field), field); \
	if (STAILQ_NEXT((elm), field) == NULL) {				\
		(head)->stqh_last = &STAILQ_NEXT((elm), field);			\
	}									\
} while (0)
#endif

/* Appends every element of head2 to head1 and leaves head2 empty. */
#ifndef STAILQ_CONCAT
#define STAILQ_CONCAT(head1, head2) do {					\
	if (!STAILQ_EMPTY(head2)) {						\
		*(head1)->stqh_last = STAILQ_FIRST(head2);			\
		(head1)->stqh_last = (head2)->stqh_last;			\
		STAILQ_FIRST(head2) = NULL;					\
		(head2)->stqh_last = &STAILQ_FIRST(head2);			\
	}									\
} while (0)
#endif

#ifndef STAILQ_SWAP
#define STAILQ_SWAP(head1, head2, type) do {					\
	struct type *_spdk_qe_first = STAILQ_FIRST(head1);			\
	struct type **_spdk_qe_last = (head1)->stqh_last;			\
	STAILQ_FIRST(head1) = STAILQ_FIRST(head2);				\
	(head1)->stqh_last = (head2)->stqh_last;				\
	STAILQ_FIRST(head2) = _spdk_qe_first;					\
	(head2)->stqh_last = _spdk_qe_last;					\
	/* An empty queue's tail link is its own head. */			\
	if (STAILQ_EMPTY(head1)) {						\
		(head1)->stqh_last = &STAILQ_FIRST(head1);			\
	}									\
	if (STAILQ_EMPTY(head2)) {						\
		(head2)->stqh_last = &STAILQ_FIRST(head2);			\
	}									\
} while (0)
#endif

/*
 * Doubly linked lists (LIST). le_prev points at the link that points at
 * the element: the head's lh_first or the previous element's le_next.
 */
#ifndef LIST_HEAD
#define LIST_HEAD(name, type)							\
struct name {									\
	struct type *lh_first;	/* first element, or NULL */			\
}
#endif

#ifndef LIST_HEAD_INITIALIZER
#define LIST_HEAD_INITIALIZER(head) { NULL }
#endif

#ifndef LIST_ENTRY
#define LIST_ENTRY(type)							\
struct {									\
	struct type *le_next;	/* next element, or NULL */			\
	struct type **le_prev;	/* the link that points here */			\
}
#endif

#ifndef LIST_FIRST
#define LIST_FIRST(head) ((head)->lh_first)
#endif

#ifndef LIST_NEXT
#define LIST_NEXT(elm, field) ((elm)->field.le_next)
#endif

#ifndef LIST_EMPTY
#define LIST_EMPTY(head) (LIST_FIRST(head) == NULL)
#endif

#ifndef LIST_FOREACH_FROM
#define LIST_FOREACH_FROM(var, head, field)					\
	for ((var) = ((var) != NULL ? (var) : LIST_FIRST(head));		\
	     (var) != NULL;							\
	     (var) = LIST_NEXT((var), field))
#endif

#ifndef LIST_FOREACH_SAFE
#define LIST_FOREACH_SAFE(var, head, field, tvar)				\
	for ((var) = LIST_FIRST(head);						\
	     (var) != NULL && ((tvar) = LIST_NEXT((var), field), 1);		\
	     (var) = (tvar))
#endif

#ifndef LIST_FOREACH_FROM_SAFE
#define LIST_FOREACH_FROM_SAFE(var, head, field, tvar)				\
	for ((var) = ((var) != NULL ? (var) : LIST_FIRST(head));		\
	     (var) != NULL && ((tvar) = LIST_NEXT((var), field), 1);		\
	     (var) = (tvar))
#endif

/* The element before `elm` (of type struct `type`), or NULL when `elm` is
 * the first one of `head`. */
#ifndef LIST_PREV
#define LIST_PREV(elm, head, type, field)					\
	((elm)->field.le_prev == &LIST_FIRST(head) ? NULL :			\
	 SPDK_QE_CONTAINER((elm)->field.le_prev, struct type, field.le_next))
#endif

#ifndef LIST_SWAP
#define LIST_SWAP(head1, head2, type, field) do {				\
	struct type *_spdk_qe_first = LIST_FIRST(head1);			\
	LIST_FIRST(head1) = LIST_FIRST(head2);					\
	LIST_FIRST(head2) = _spdk_qe_first;					\
	/* The first elements now hang off the other head. */			\
	if (LIST_FIRST(head1) != NULL) {					\
		LIST_FIRST(head1)->field.le_prev = &LIST_FIRST(head1);		\
	}									\
	if (LIST_FIRST(head2) != NULL) {					\
		LIST_FIRST(head2)->field.le_prev = &LIST_FIRST(head2);		\
	}									\
} while (0)
#endif

/*
 * Doubly linked tail queues (TAILQ). tqh_last points at the link that
 * holds NULL (tqh_first when empty, else the last element's tqe_next);
 * tqe_prev points at the link that points at the element. A head and an
 * entry have the same layout, which is what lets TAILQ_LAST and
 * TAILQ_PREV step backwards.
 */
#ifndef TAILQ_FIRST
#define TAILQ_FIRST(head) ((head)->tqh_first)
#endif

#ifndef TAILQ_NEXT
#define TAILQ_NEXT(elm, field) ((elm)->field.tqe_next)
#endif

#ifndef TAILQ_EMPTY
#define TAILQ_EMPTY(head) (TAILQ_FIRST(head) == NULL)
#endif

/* `headname` is the struct tag given to TAILQ_HEAD(). */
#ifndef TAILQ_LAST
#define TAILQ_LAST(head, headname)						\
	(*(((struct headname *)((head)->tqh_last))->tqh_last))
#endif

#ifndef TAILQ_PREV
#define TAILQ_PREV(elm, headname, field)					\
	(*(((struct headname *)((elm)->field.tqe_prev))->tqh_last))
#endif

#ifndef TAILQ_FOREACH_FROM
#define TAILQ_FOREACH_FROM(var, head, field)					\
	for ((var) = ((var) != NULL ? (var) : TAILQ_FIRST(head));		\
	     (var) != NULL;							\
	     (var) = TAILQ_NEXT((var), field))
#endif

#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)				\
	for ((var) = TAILQ_FIRST(head);						\
	     (var) != NULL && ((tvar) = TAILQ_NEXT((var), field), 1);		\
	     (var) = (tvar))
#endif

#ifndef TAILQ_FOREACH_FROM_SAFE
#define TAILQ_FOREACH_FROM_SAFE(var, head, field, tvar)				\
	for ((var) = ((var) != NULL ? (var) : TAILQ_FIRST(head));		\
	     (var) != NULL && ((tvar) = TAILQ_NEXT((var), field), 1);		\
	     (var) = (tvar))
#endif

#ifndef TAILQ_FOREACH_REVERSE
#define TAILQ_FOREACH_REVERSE(var, head, headname, field)			\
	for ((var) = TAILQ_LAST((head), headname);				\
	     (var) != NULL;							\
	     (var) = TAILQ_PREV((var), headname, field))
#endif

#ifndef TAILQ_FOREACH_REVERSE_FROM
#define TAILQ_FOREACH_REVERSE_FROM(var, head, headname, field)			\
	for ((var) = ((var) != NULL ? (var) : TAILQ_LAST((head), headname));	\
	     (var) != NULL;							\
	     (var) = TAILQ_PREV((var), headname, field))
#endif

#ifndef TAILQ_FOREACH_REVERSE_SAFE
#define TAILQ_FOREACH_REVERSE_SAFE(var, head, headname, field, tvar)		\
	for ((var) = TAILQ_LAST((head), headname);				\
	     (var) != NULL && ((tvar) = TAILQ_PREV((var), headname, field), 1);	\
	     (var) = (tvar))
#endif

#ifndef TAILQ_FOREACH_REVERSE_FROM_SAFE
#define TAILQ_FOREACH_REVERSE_FROM_SAFE(var, head, headname, field, tvar)	\
	for ((var) = ((var) != NULL ? (var) : TAILQ_LAST((head), headname));	\
	     (var) != NULL && ((tvar) = TAILQ_PREV((var), headname, field), 1);	\
	     (var) = (tvar))
#endif

#ifndef TAILQ_SWAP
#define TAILQ_SWAP(head1, head2, type, field) do {				\
	SPDK_QE_SUPPRESS_WARNINGS()						\
	struct type *_spdk_qe_first = TAILQ_FIRST(head1);			\
	struct type **_spdk_qe_last = (head1)->tqh_last;			\
	TAILQ_FIRST(head1) = TAILQ_FIRST(head2);				\
	(head1)->tqh_last = (head2)->tqh_last;					\
	TAILQ_FIRST(head2) = _spdk_qe_first;					\
	(head2)->tqh_last = _spdk_qe_last;					\
	/* Re-aim the first elements at their new heads; an empty queue's */	\
	/* tail link is its own head. */					\
	if (TAILQ_FIRST(head1) != NULL) {					\
		TAILQ_FIRST(head1)->field.tqe_prev = &TAILQ_FIRST(head1);	\
	} else {								\
		(head1)->tqh_last = &TAILQ_FIRST(head1);			\
	}									\
	if (TAILQ_FIRST(head2) != NULL) {					\
		TAILQ_FIRST(head2)->field.tqe_prev = &TAILQ_FIRST(head2);	\
	} else {								\
		(head2)->tqh_last = &TAILQ_FIRST(head2);			\
	}									\
	SPDK_QE_UNSUPPRESS_WARNINGS()						\
} while (0)
#endif
