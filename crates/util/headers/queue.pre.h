/** \file
 * Intrusive lists and queues: the BSD queue(3) macros (SLIST, LIST,
 * STAILQ, TAILQ) from the C library, the ones it may lack (see
 * spdk/queue_extras.h), and helpers to tell whether a TAILQ entry is
 * linked.
 */

#ifdef __clang_analyzer__
/* The static analyzer loses track of elements unlinked through the
 * double pointers of a TAILQ; this version of TAILQ_REMOVE also asserts
 * that the element is gone, which lets it follow. */
#undef TAILQ_REMOVE
#define TAILQ_REMOVE(head, elm, field) do {					\
	__typeof__(elm) _spdk_tq_it;						\
	if (((elm)->field.tqe_next) != NULL) {					\
		(elm)->field.tqe_next->field.tqe_prev = (elm)->field.tqe_prev;	\
	} else {								\
		(head)->tqh_last = (elm)->field.tqe_prev;			\
	}									\
	*(elm)->field.tqe_prev = (elm)->field.tqe_next;				\
	TAILQ_FOREACH(_spdk_tq_it, head, field) {				\
		assert(_spdk_tq_it != (elm));					\
	}									\
} while (0)
#endif

/*
 * Linked-or-not tracking for TAILQ entries. An entry counts as linked when
 * its back pointer (tqe_prev) is set, so these only give meaningful answers
 * for entries that started zero-filled or were unlinked with
 * TAILQ_REMOVE_CLEAR() or marked with TAILQ_ENTRY_CLEAR().
 */

/** True when the entry `field` of `elm` is linked into a TAILQ. */
#define TAILQ_ENTRY_ENQUEUED(elm, field) ((elm)->field.tqe_prev != NULL)

/** True when the entry `field` of `elm` is not linked into any TAILQ. */
#define TAILQ_ENTRY_NOT_ENQUEUED(elm, field) (!TAILQ_ENTRY_ENQUEUED(elm, field))

/** Marks an entry that was just taken off its TAILQ (with TAILQ_REMOVE())
 * as unlinked. */
#define TAILQ_ENTRY_CLEAR(elm, field) do {					\
	assert(TAILQ_ENTRY_ENQUEUED(elm, field));				\
	(elm)->field.tqe_prev = NULL;						\
} while (0)

/** Takes `elm` off the TAILQ `head` and marks its entry as unlinked. */
#define TAILQ_REMOVE_CLEAR(head, elm, field) do {				\
	TAILQ_REMOVE(head, elm, field);						\
	TAILQ_ENTRY_CLEAR(elm, field);						\
} while (0)
