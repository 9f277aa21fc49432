/** \file
 * Latency histograms: header-only, shared by the library (which fills
 * them) and programs (which read them). A value v falls in "range" r, the
 * position of its highest set bit above the granularity, and in one of
 * 2^granularity equal buckets inside that range, so relative precision
 * is the same at every magnitude.
 */

/** Buckets per range, as a power of two, unless one is asked for. */
#define SPDK_HISTOGRAM_GRANULARITY_DEFAULT	7
#define SPDK_HISTOGRAM_GRANULARITY(h)		(h)->granularity
#define SPDK_HISTOGRAM_BUCKET_LSB(h)		(64 - SPDK_HISTOGRAM_GRANULARITY(h))
#define SPDK_HISTOGRAM_NUM_BUCKETS_PER_RANGE(h)	(1ULL << SPDK_HISTOGRAM_GRANULARITY(h))
#define SPDK_HISTOGRAM_BUCKET_MASK(h)		(SPDK_HISTOGRAM_NUM_BUCKETS_PER_RANGE(h) - 1)
#define SPDK_HISTOGRAM_NUM_BUCKET_RANGES(h)	((h)->max_range - (h)->min_range + 1)
#define SPDK_HISTOGRAM_NUM_BUCKETS(h)		(SPDK_HISTOGRAM_NUM_BUCKETS_PER_RANGE(h) * \
						 SPDK_HISTOGRAM_NUM_BUCKET_RANGES(h))

/** A histogram: counts for ranges min_range..max_range, each range
 * 2^granularity buckets, in one calloc'd array. */
struct spdk_histogram_data {
	uint32_t	granularity;
	uint32_t	min_range;
	uint32_t	max_range;
	uint64_t	*bucket;
};

static inline uint64_t *
__spdk_histogram_get_bucket(const struct spdk_histogram_data *h, uint32_t range, uint32_t index)
{
	uint64_t slot = ((uint64_t)(range - h->min_range) << SPDK_HISTOGRAM_GRANULARITY(h)) + index;

	return &h->bucket[slot];
}

static inline void
__spdk_histogram_increment(struct spdk_histogram_data *h, uint32_t range, uint32_t index)
{
	(*__spdk_histogram_get_bucket(h, range, index))++;
}

static inline uint64_t
__spdk_histogram_get_count(const struct spdk_histogram_data *h, uint32_t range, uint32_t index)
{
	return *__spdk_histogram_get_bucket(h, range, index);
}

/** Zeroes every bucket. */
static inline void
spdk_histogram_data_reset(struct spdk_histogram_data *histogram)
{
	memset(histogram->bucket, 0, SPDK_HISTOGRAM_NUM_BUCKETS(histogram) * sizeof(uint64_t));
}

/* The range of a value: 0 for the smallest values, else how far its top
 * bit lies above the bucket bits. */
static inline uint32_t
__spdk_histogram_data_get_bucket_range(struct spdk_histogram_data *h, uint64_t datapoint)
{
	uint32_t lz = datapoint != 0 ? (uint32_t)__builtin_clzll(datapoint) : 64;

	return lz <= SPDK_HISTOGRAM_BUCKET_LSB(h) ? SPDK_HISTOGRAM_BUCKET_LSB(h) - lz : 0;
}

/* The bucket of a value inside its range: the bits just below its top bit. */
static inline uint32_t
__spdk_histogram_data_get_bucket_index(struct spdk_histogram_data *h, uint64_t datapoint,
				       uint32_t range)
{
	uint32_t shift = range > 0 ? range - 1 : 0;

	return (uint32_t)((datapoint >> shift) & SPDK_HISTOGRAM_BUCKET_MASK(h));
}

/** Counts one value (values outside the histogram's ranges go to its
 * first or last bucket). */
static inline void
spdk_histogram_data_tally(struct spdk_histogram_data *histogram, uint64_t datapoint)
{
	uint32_t range = __spdk_histogram_data_get_bucket_range(histogram, datapoint);
	uint32_t index;

	if (range < histogram->min_range) {
		range = histogram->min_range;
		index = 0;
	} else if (range > histogram->max_range) {
		range = histogram->max_range;
		index = (uint32_t)SPDK_HISTOGRAM_NUM_BUCKETS_PER_RANGE(histogram) - 1;
	} else {
		index = __spdk_histogram_data_get_bucket_index(histogram, datapoint, range);
	}
	__spdk_histogram_increment(histogram, range, index);
}

/* The first value past bucket (range, index). */
static inline uint64_t
__spdk_histogram_data_get_bucket_start(const struct spdk_histogram_data *h, uint32_t range,
				       uint32_t index)
{
	uint64_t next = (uint64_t)index + 1;

	if (range == 0) {
		return next;
	}
	return (1ULL << (range + SPDK_HISTOGRAM_GRANULARITY(h) - 1)) + (next << (range - 1));
}

/** Called per bucket by spdk_histogram_data_iterate(): the bucket's value
 * range [start, end), its count, the total count and the count so far. */
typedef void (*spdk_histogram_data_fn)(void *ctx, uint64_t start, uint64_t end, uint64_t count,
				       uint64_t total, uint64_t so_far);

/** Calls `fn` for every bucket, in increasing value order. */
static inline void
spdk_histogram_data_iterate(const struct spdk_histogram_data *histogram,
			    spdk_histogram_data_fn fn, void *ctx)
{
	uint64_t total = 0, so_far = 0, start = 0, end;
	uint64_t per_range = SPDK_HISTOGRAM_NUM_BUCKETS_PER_RANGE(histogram);
	uint32_t r;
	uint64_t i;

	for (r = histogram->min_range; r <= histogram->max_range; r++) {
		for (i = 0; i < per_range; i++) {
			total += __spdk_histogram_get_count(histogram, r, (uint32_t)i);
		}
	}
	for (r = histogram->min_range; r <= histogram->max_range; r++) {
		for (i = 0; i < per_range; i++) {
			uint64_t count = __spdk_histogram_get_count(histogram, r, (uint32_t)i);

			so_far += count;
			end = __spdk_histogram_data_get_bucket_start(histogram, r, (uint32_t)i);
			fn(ctx, start, end, count, total, so_far);
			start = end;
		}
	}
}

/** Adds `src`'s counts to `dst`'s; -EINVAL when their shapes differ. */
static inline int
spdk_histogram_data_merge(const struct spdk_histogram_data *dst,
			  const struct spdk_histogram_data *src)
{
	uint64_t i;

	if (dst->granularity != src->granularity || dst->min_range != src->min_range ||
	    dst->max_range != src->max_range) {
		return -EINVAL;
	}
	for (i = 0; i < SPDK_HISTOGRAM_NUM_BUCKETS(dst); i++) {
		dst->bucket[i] += src->bucket[i];
	}
	return 0;
}

/** A histogram of `granularity` covering values min_val..max_val-1; NULL
 * when the bounds are empty or memory runs out. */
static inline struct spdk_histogram_data *
spdk_histogram_data_alloc_sized_ext(uint32_t granularity, uint64_t min_val, uint64_t max_val)
{
	struct spdk_histogram_data *h;

	if (min_val >= max_val) {
		return NULL;
	}
	h = (struct spdk_histogram_data *)calloc(1, sizeof(*h));
	if (h == NULL) {
		return NULL;
	}
	h->granularity = granularity;
	h->min_range = __spdk_histogram_data_get_bucket_range(h, min_val);
	h->max_range = __spdk_histogram_data_get_bucket_range(h, max_val - 1);
	h->bucket = (uint64_t *)calloc(SPDK_HISTOGRAM_NUM_BUCKETS(h), sizeof(uint64_t));
	if (h->bucket == NULL) {
		free(h);
		return NULL;
	}
	return h;
}

/** A histogram of `granularity` over all 64-bit values. */
static inline struct spdk_histogram_data *
spdk_histogram_data_alloc_sized(uint32_t granularity)
{
	return spdk_histogram_data_alloc_sized_ext(granularity, 0, UINT64_MAX);
}

/** A histogram with the default granularity over all 64-bit values. */
static inline struct spdk_histogram_data *
spdk_histogram_data_alloc(void)
{
	return spdk_histogram_data_alloc_sized(SPDK_HISTOGRAM_GRANULARITY_DEFAULT);
}

/** Frees a histogram from one of the alloc functions (NULL is fine). */
static inline void
spdk_histogram_data_free(struct spdk_histogram_data *h)
{
	if (h == NULL) {
		return;
	}
	free(h->bucket);
	free(h);
}

/** Counts per interval between caller-given borders: border_count[i] is
 * how many values lie below borders[i] (the last entry counts all). */
struct spdk_histogram_borders {
	uint64_t *borders;
	size_t index;
	size_t num_borders_count;
	uint64_t border_count[0];
};

static inline void
__spdk_histogram_get_borders_count_cb(void *_ctx, uint64_t start, uint64_t end, uint64_t count,
				      uint64_t total, uint64_t so_far)
{
	struct spdk_histogram_borders *ctx = (struct spdk_histogram_borders *)_ctx;

	(void)end;
	(void)count;
	(void)total;
	while (ctx->index + 1 < ctx->num_borders_count && start > ctx->borders[ctx->index]) {
		ctx->border_count[ctx->index + 1] = ctx->border_count[ctx->index];
		ctx->index++;
	}
	ctx->border_count[ctx->index] = so_far;
}

/** Fills `ctx` (from spdk_histogram_get_borders_count_alloc_ctx) from `h`. */
static inline void
spdk_histogram_get_borders_count(struct spdk_histogram_data *h,
				 struct spdk_histogram_borders *ctx)
{
	spdk_histogram_data_iterate(h, __spdk_histogram_get_borders_count_cb, ctx);
}

/** A context for `num_borders` increasing borders (kept by reference);
 * NULL for none or when memory runs out. */
static inline struct spdk_histogram_borders *
spdk_histogram_get_borders_count_alloc_ctx(uint64_t *borders, size_t num_borders)
{
	struct spdk_histogram_borders *ctx;

	if (num_borders == 0) {
		return NULL;
	}
	/* One more count: values above the last border. */
	ctx = (struct spdk_histogram_borders *)calloc(1, sizeof(*ctx) +
			sizeof(uint64_t) * (num_borders + 1));
	if (ctx == NULL) {
		return NULL;
	}
	ctx->borders = borders;
	ctx->num_borders_count = num_borders + 1;
	return ctx;
}

/** Frees a borders context. */
static inline void
spdk_histogram_get_borders_count_free_ctx(struct spdk_histogram_borders *ctx)
{
	free(ctx);
}
