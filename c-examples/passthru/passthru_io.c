/*
 * passthru_io: every bdev I/O call through an ext_passthru bdev, with the
 * data checked on the passthru and on its base. An app with the module
 * built in; its JSON configuration creates the base and the passthru:
 *
 *   ./passthru_io --json io.json -b pt0 -a Malloc0 [-N ptnull] [-m 0x3]
 *
 * The base must be at least 64 blocks of 512 bytes and the bdev_io pool
 * small (bdev_set_options bdev_io_pool_size 32, bdev_io_cache_size 16), so
 * that the passthru's own submissions to its base run out of spdk_bdev_io
 * and wait for them. -N names an ext_passthru bdev that the configuration
 * creates on HoldRam, a bdev module of this program that registers it
 * later: compare, copy and abort then go through the passthru to a base
 * that does them itself. Prints "passthru_io: N passed, N failed"; exit status
 * 0 when none failed.
 */
#include "spdk/stdinc.h"
#include "spdk/bdev.h"
#include "spdk/bdev_module.h"
#include "spdk/env.h"
#include "spdk/event.h"
#include "spdk/cpuset.h"
#include "spdk/log.h"
#include "spdk/nvme_spec.h"
#include "spdk/queue.h"
#include "spdk/string.h"
#include "spdk/thread.h"

#define BS 512
#define NBLK 8
#define LEN (NBLK * BS)
#define BURST 48

static const char *g_pt_name = "pt0";
static const char *g_base_name = "Malloc0";
static const char *g_ptn_name;
static int g_passed, g_failed;

#define CHECK(c) do { if (c) { g_passed++; } else { g_failed++; \
	fprintf(stderr, "FAILED: %s (%s:%d)\n", #c, __FILE__, __LINE__); } } while (0)

static struct spdk_bdev_desc *g_pt, *g_pt_ro, *g_base;
static struct spdk_io_channel *g_pt_ch, *g_base_ch;
static char *g_a, *g_b, *g_c, *g_zero, *g_rd, *g_burst;
static int g_outstanding;
static void (*g_next)(void);

static void
run_next(void *arg)
{
	g_next();
}

/* Completion that counts, frees and moves to the next stage when the
 * last outstanding I/O of this one is in. `cb_arg` is the expected
 * success (a non-NULL pointer: success). */
static void
io_done(struct spdk_bdev_io *bdev_io, bool success, void *cb_arg)
{
	CHECK(success == (cb_arg != NULL));
	spdk_bdev_free_io(bdev_io);
	if (--g_outstanding == 0) {
		spdk_thread_send_msg(spdk_get_thread(), run_next, NULL);
	}
}

#define OK ((void *)1)
#define SUBMIT(call) do { int _rc = (call); CHECK(_rc == 0); if (_rc == 0) g_outstanding++; } while (0)

static void
fill(char *buf, char seed)
{
	int i;

	for (i = 0; i < LEN; i++) {
		buf[i] = (char)(seed + i * 7);
	}
}

static void stage_write(void);
static void stage_read(void);
static void stage_getbuf(void);
static void stage_compare(void);
static void stage_copy(void);
static void stage_zero(void);
static void stage_zero_check(void);
static void stage_misc(void);
static void stage_burst(void);
static void stage_thread(void);
static void stage_end(void);
static void event_cb(enum spdk_bdev_event_type type, struct spdk_bdev *bdev, void *ctx);

static void
stage_write(void)
{
	struct iovec iov[2] = {
		{ .iov_base = g_b, .iov_len = BS },
		{ .iov_base = g_b + BS, .iov_len = LEN - BS },
	};

	g_next = stage_read;
	SUBMIT(spdk_bdev_write_blocks(g_pt, g_pt_ch, g_a, 0, NBLK, io_done, OK));
	SUBMIT(spdk_bdev_writev_blocks(g_pt, g_pt_ch, iov, 2, NBLK, NBLK, io_done, OK));
}

static void
stage_read(void)
{
	static struct iovec iov[3];

	/* What the passthru wrote is on its base, at the same blocks. */
	g_next = stage_getbuf;
	memset(g_rd, 0, 4 * LEN);
	SUBMIT(spdk_bdev_read_blocks(g_base, g_base_ch, g_rd, 0, 2 * NBLK, io_done, OK));
	SUBMIT(spdk_bdev_read_blocks(g_pt, g_pt_ch, g_rd + 2 * LEN, 0, NBLK, io_done, OK));
	iov[0].iov_base = g_rd + 3 * LEN;
	iov[0].iov_len = BS;
	iov[1].iov_base = g_rd + 3 * LEN + BS;
	iov[1].iov_len = 2 * BS;
	iov[2].iov_base = g_rd + 3 * LEN + 3 * BS;
	iov[2].iov_len = LEN - 3 * BS;
	SUBMIT(spdk_bdev_readv_blocks(g_pt_ro, g_pt_ch, iov, 3, NBLK, NBLK, io_done, OK));
}

static int g_getbuf_matches;

static void
getbuf_done(struct spdk_bdev_io *bdev_io, bool success, void *cb_arg)
{
	struct iovec *iovs = NULL;
	int iovcnt = 0, i;
	size_t off = 0;
	bool same = success;

	spdk_bdev_io_get_iovec(bdev_io, &iovs, &iovcnt);
	for (i = 0; same && i < iovcnt; i++) {
		same = off + iovs[i].iov_len <= LEN && memcmp(iovs[i].iov_base, g_a + off, iovs[i].iov_len) == 0;
		off += iovs[i].iov_len;
	}
	if (same && off == LEN) {
		g_getbuf_matches++;
	}
	io_done(bdev_io, success, cb_arg);
}

static void
stage_getbuf(void)
{
	CHECK(memcmp(g_rd, g_a, LEN) == 0);
	CHECK(memcmp(g_rd + LEN, g_b, LEN) == 0);
	CHECK(memcmp(g_rd + 2 * LEN, g_a, LEN) == 0);
	CHECK(memcmp(g_rd + 3 * LEN, g_b, LEN) == 0);
	/* No buffer: the passthru gets one (spdk_bdev_io_get_buf) before
	 * passing the read down. */
	g_next = stage_compare;
	SUBMIT(spdk_bdev_read_blocks(g_pt, g_pt_ch, NULL, 0, NBLK, getbuf_done, OK));
}

static int g_miscompares;

static void
miscompare_done(struct spdk_bdev_io *bdev_io, bool success, void *cb_arg)
{
	uint32_t cdw0 = 1;
	int sct = -1, sc = -1;

	spdk_bdev_io_get_nvme_status(bdev_io, &cdw0, &sct, &sc);
	if (!success && sct == SPDK_NVME_SCT_MEDIA_ERROR && sc == SPDK_NVME_SC_COMPARE_FAILURE) {
		g_miscompares++;
	}
	io_done(bdev_io, success, cb_arg);
}

static void
stage_compare(void)
{
	static struct iovec iov[2];

	CHECK(g_getbuf_matches == 1);
	g_next = stage_copy;
	SUBMIT(spdk_bdev_compare_blocks(g_pt_ro, g_pt_ch, g_a, 0, NBLK, io_done, OK));
	/* C is A with one byte changed in block 5. */
	SUBMIT(spdk_bdev_compare_blocks(g_pt, g_pt_ch, g_c, 0, NBLK, miscompare_done, NULL));
	iov[0].iov_base = g_b;
	iov[0].iov_len = 3 * BS;
	iov[1].iov_base = g_b + 3 * BS;
	iov[1].iov_len = LEN - 3 * BS;
	SUBMIT(spdk_bdev_comparev_blocks(g_pt, g_pt_ch, iov, 2, NBLK, NBLK, io_done, OK));
	SUBMIT(spdk_bdev_comparev_blocks(g_pt, g_pt_ch, iov, 2, 0, NBLK, miscompare_done, NULL));
}

static void stage_copy2(void);

static void
stage_copy(void)
{
	CHECK(g_miscompares == 2);
	/* Blocks 0-7 (A) to 32-39, then 8-15 (B) to 36-43: the second
	 * overwrites half of the first's destination. */
	g_next = stage_copy2;
	SUBMIT(spdk_bdev_copy_blocks(g_pt, g_pt_ch, 32, 0, NBLK, io_done, OK));
}

static void
stage_copy2(void)
{
	g_next = stage_zero;
	SUBMIT(spdk_bdev_copy_blocks(g_pt, g_pt_ch, 36, NBLK, NBLK, io_done, OK));
}

static void
stage_zero(void)
{
	g_next = stage_zero_check;
	memset(g_rd, 0xff, 4 * LEN);
	SUBMIT(spdk_bdev_read_blocks(g_base, g_base_ch, g_rd, 32, NBLK + 4, io_done, OK));
	SUBMIT(spdk_bdev_write_zeroes_blocks(g_pt, g_pt_ch, 0, 4, io_done, OK));
	SUBMIT(spdk_bdev_unmap_blocks(g_pt, g_pt_ch, NBLK, NBLK, io_done, OK));
}

static void
stage_zero_check(void)
{
	/* 32-35: A's first half; 36-43: B. */
	CHECK(memcmp(g_rd, g_a, 4 * BS) == 0);
	CHECK(memcmp(g_rd + 4 * BS, g_b, LEN) == 0);
	g_next = stage_misc;
	memset(g_rd, 0xff, 4 * LEN);
	SUBMIT(spdk_bdev_read_blocks(g_pt, g_pt_ch, g_rd, 0, 2 * NBLK, io_done, OK));
}

static struct iovec g_caw_z;
static void stage_misc_rest(void);

static void
stage_misc(void)
{
	/* Zeroed, then A's second half, then unmapped (zeroes). */
	CHECK(memcmp(g_rd, g_zero, 4 * BS) == 0);
	CHECK(memcmp(g_rd + 4 * BS, g_a + 4 * BS, 4 * BS) == 0);
	CHECK(memcmp(g_rd + LEN, g_zero, LEN) == 0);
	g_caw_z = (struct iovec) { .iov_base = g_zero, .iov_len = BS };

	/* The base (malloc) has no compare-and-write: the library emulates it
	 * above the passthru (range lock, compare, write). Block 0 holds
	 * zeroes: compare them, write zeroes again. */
	g_next = stage_misc_rest;
	SUBMIT(spdk_bdev_comparev_and_writev_blocks(g_pt, g_pt_ch, &g_caw_z, 1, &g_caw_z, 1, 0, 1,
			io_done, OK));
}

static void
stage_misc_rest(void)
{
	/* Bad requests: errors, no I/O. */
	CHECK(spdk_bdev_read_blocks(g_pt, g_pt_ch, g_rd, spdk_bdev_get_num_blocks(spdk_bdev_desc_get_bdev(g_pt)),
				    1, io_done, OK) == -EINVAL);
	CHECK(spdk_bdev_write_blocks(g_pt_ro, g_pt_ch, g_a, 0, 1, io_done, OK) == -EBADF);
	CHECK(spdk_bdev_copy_blocks(g_pt, g_pt_ch, 0, UINT64_MAX - 1, 4, io_done, OK) == -EINVAL);

	g_next = stage_burst;
	SUBMIT(spdk_bdev_flush_blocks(g_pt, g_pt_ch, 0, NBLK, io_done, OK));
	SUBMIT(spdk_bdev_reset(g_pt, g_pt_ch, io_done, OK));
}

static void burst_check(void);

static int g_burst_next, g_burst_nomem;
static struct spdk_bdev_io_wait_entry g_burst_wait;

/* Submits the burst's reads until the pool runs dry, then waits for a
 * free spdk_bdev_io (behind the passthru's own waits) and goes on. */
static void
burst_submit(void *arg)
{
	struct spdk_bdev *pt = spdk_bdev_desc_get_bdev(g_pt);
	int rc;

	while (g_burst_next < BURST) {
		rc = spdk_bdev_read_blocks(g_pt, g_pt_ch, g_burst + g_burst_next * BS,
					   32 + (g_burst_next % NBLK), 1, io_done, OK);
		if (rc == -ENOMEM) {
			g_burst_nomem++;
			g_burst_wait.bdev = pt;
			g_burst_wait.cb_fn = burst_submit;
			g_burst_wait.cb_arg = NULL;
			rc = spdk_bdev_queue_io_wait(pt, g_pt_ch, &g_burst_wait);
			CHECK(rc == 0);
			if (rc != 0) {
				g_burst_next = BURST;
			}
			return;
		}
		CHECK(rc == 0);
		if (rc != 0) {
			g_burst_next = BURST;
			return;
		}
		g_outstanding++;
		g_burst_next++;
	}
}

static void
stage_burst(void)
{
	/* BURST reads through the passthru each need two spdk_bdev_io of the
	 * pool's 32: some of the passthru's reads to its base must wait for
	 * one, and so must this submitter. */
	g_next = burst_check;
	memset(g_burst, 0, BURST * BS);
	burst_submit(NULL);
}

static void
burst_check(void)
{
	int i, same = 0;

	if (g_burst_next < BURST) {
		/* Drained before the last submissions: they come. */
		return;
	}
	/* Blocks 32-35 hold A's first four blocks, 36-39 B's. */
	for (i = 0; i < BURST; i++) {
		int k = i % NBLK;
		const char *want = k < 4 ? g_a + k * BS : g_b + (k - 4) * BS;

		same += memcmp(g_burst + i * BS, want, BS) == 0;
	}
	CHECK(same == BURST);
	CHECK(g_burst_nomem > 0);
	stage_thread();
}

/* ---- I/O from a second thread: its own passthru channel ---- */

static struct spdk_thread *g_app_thread, *g_worker;
static char *g_wbuf;
static int g_worker_ok;

static void stage_hold(void);

static void
worker_back(void *arg)
{
	CHECK(g_worker_ok == 1);
	stage_hold();
}

static void
worker_done(struct spdk_bdev_io *bdev_io, bool success, void *cb_arg)
{
	struct spdk_io_channel *ch = cb_arg;

	g_worker_ok = success && spdk_get_thread() == g_worker && memcmp(g_wbuf, g_b, LEN) == 0;
	spdk_bdev_free_io(bdev_io);
	spdk_put_io_channel(ch);
	spdk_thread_exit(g_worker);
	spdk_thread_send_msg(g_app_thread, worker_back, NULL);
}

static void
worker_start(void *arg)
{
	struct spdk_io_channel *ch = spdk_bdev_get_io_channel(g_pt);
	int rc = -ENOMEM;

	if (ch != NULL) {
		rc = spdk_bdev_read_blocks(g_pt, ch, g_wbuf, 36, NBLK, worker_done, ch);
	}
	if (rc != 0) {
		if (ch != NULL) {
			spdk_put_io_channel(ch);
		}
		spdk_thread_exit(g_worker);
		spdk_thread_send_msg(g_app_thread, worker_back, NULL);
	}
}

static void
stage_thread(void)
{
	struct spdk_cpuset mask;
	uint32_t core = spdk_env_get_first_core(), c;

	/* On the last core of the app's mask (another reactor when -m has two). */
	SPDK_ENV_FOREACH_CORE(c) {
		core = c;
	}
	spdk_cpuset_zero(&mask);
	spdk_cpuset_set_cpu(&mask, core, true);
	g_app_thread = spdk_get_thread();
	g_worker = spdk_thread_create("pt_worker", &mask);
	CHECK(g_worker != NULL);
	if (g_worker == NULL) {
		stage_end();
		return;
	}
	spdk_thread_send_msg(g_worker, worker_start, NULL);
}

/* ---- a base of our own: compare, copy and abort forwarded ---- */

/*
 * HoldRam: a RAM bdev module of this program that does compare and copy
 * itself and can abort, because it holds every I/O until its channel's
 * poller runs. The passthru announces what its base supports, so these
 * reach it through the passthru instead of being emulated above it.
 */
#define HOLD_BLOCKS 64

struct hold_io {
	TAILQ_ENTRY(hold_io) link;
};

struct hold_channel {
	TAILQ_HEAD(, hold_io) queue;
	struct spdk_poller *poller;
};

static char g_hold_data[HOLD_BLOCKS * BS];
static int g_hold_dev;
static struct spdk_bdev g_hold_bdev;
static int g_hold_compares, g_hold_copies, g_hold_aborts;

static int hold_init(void);
static void hold_fini(void);
static int hold_ctx_size(void) { return sizeof(struct hold_io); }

static struct spdk_bdev_module g_hold_module = {
	.name = "pt_io_hold",
	.module_init = hold_init,
	.module_fini = hold_fini,
	.get_ctx_size = hold_ctx_size,
};
SPDK_BDEV_MODULE_REGISTER(pt_io_hold, &g_hold_module)

static void
hold_execute(struct spdk_bdev_io *io)
{
	struct spdk_bdev_io_block_params *p = &io->u.bdev;
	char *at = g_hold_data + p->offset_blocks * BS;
	bool same = true;
	int i;

	switch (io->type) {
	case SPDK_BDEV_IO_TYPE_READ:
	case SPDK_BDEV_IO_TYPE_WRITE:
	case SPDK_BDEV_IO_TYPE_COMPARE:
		g_hold_compares += io->type == SPDK_BDEV_IO_TYPE_COMPARE;
		for (i = 0; i < p->iovcnt; i++) {
			if (io->type == SPDK_BDEV_IO_TYPE_READ) {
				memcpy(p->iovs[i].iov_base, at, p->iovs[i].iov_len);
			} else if (io->type == SPDK_BDEV_IO_TYPE_WRITE) {
				memcpy(at, p->iovs[i].iov_base, p->iovs[i].iov_len);
			} else {
				same = same && memcmp(at, p->iovs[i].iov_base, p->iovs[i].iov_len) == 0;
			}
			at += p->iovs[i].iov_len;
		}
		spdk_bdev_io_complete(io, same ? SPDK_BDEV_IO_STATUS_SUCCESS : SPDK_BDEV_IO_STATUS_MISCOMPARE);
		break;
	case SPDK_BDEV_IO_TYPE_COPY:
		g_hold_copies++;
		memmove(at, g_hold_data + p->copy.src_offset_blocks * BS, p->num_blocks * BS);
		spdk_bdev_io_complete(io, SPDK_BDEV_IO_STATUS_SUCCESS);
		break;
	default:
		spdk_bdev_io_complete(io, SPDK_BDEV_IO_STATUS_FAILED);
	}
}

static int
hold_poll(void *arg)
{
	struct hold_channel *hc = arg;
	struct hold_io *h;
	int n = 0;

	while ((h = TAILQ_FIRST(&hc->queue)) != NULL) {
		TAILQ_REMOVE(&hc->queue, h, link);
		hold_execute(spdk_bdev_io_from_ctx(h));
		n++;
	}
	return n > 0 ? SPDK_POLLER_BUSY : SPDK_POLLER_IDLE;
}

static void
hold_submit(struct spdk_io_channel *ch, struct spdk_bdev_io *io)
{
	struct hold_channel *hc = spdk_io_channel_get_ctx(ch);
	struct hold_io *h;

	if (io->type == SPDK_BDEV_IO_TYPE_ABORT) {
		g_hold_aborts++;
		TAILQ_FOREACH(h, &hc->queue, link) {
			if (spdk_bdev_io_from_ctx(h) == io->u.abort.bio_to_abort) {
				TAILQ_REMOVE(&hc->queue, h, link);
				spdk_bdev_io_complete(io->u.abort.bio_to_abort, SPDK_BDEV_IO_STATUS_ABORTED);
				spdk_bdev_io_complete(io, SPDK_BDEV_IO_STATUS_SUCCESS);
				return;
			}
		}
		spdk_bdev_io_complete(io, SPDK_BDEV_IO_STATUS_FAILED);
		return;
	}
	if (io->type == SPDK_BDEV_IO_TYPE_READ && io->u.bdev.iovs[0].iov_base == NULL) {
		/* The passthru always brings a buffer. */
		spdk_bdev_io_complete(io, SPDK_BDEV_IO_STATUS_FAILED);
		return;
	}
	h = (struct hold_io *)io->driver_ctx;
	TAILQ_INSERT_TAIL(&hc->queue, h, link);
}

static bool
hold_io_type_supported(void *ctx, enum spdk_bdev_io_type type)
{
	return type == SPDK_BDEV_IO_TYPE_READ || type == SPDK_BDEV_IO_TYPE_WRITE ||
	       type == SPDK_BDEV_IO_TYPE_COMPARE || type == SPDK_BDEV_IO_TYPE_COPY ||
	       type == SPDK_BDEV_IO_TYPE_ABORT;
}

static struct spdk_io_channel *
hold_get_io_channel(void *ctx)
{
	return spdk_get_io_channel(&g_hold_dev);
}

static int
hold_ch_create(void *dev, void *ctx)
{
	struct hold_channel *hc = ctx;

	TAILQ_INIT(&hc->queue);
	hc->poller = SPDK_POLLER_REGISTER(hold_poll, hc, 0);
	return hc->poller != NULL ? 0 : -ENOMEM;
}

static void
hold_ch_destroy(void *dev, void *ctx)
{
	struct hold_channel *hc = ctx;

	spdk_poller_unregister(&hc->poller);
}

static int
hold_destruct(void *ctx)
{
	return 0;
}

static const struct spdk_bdev_fn_table g_hold_fn_table = {
	.destruct = hold_destruct,
	.submit_request = hold_submit,
	.io_type_supported = hold_io_type_supported,
	.get_io_channel = hold_get_io_channel,
};

static int
hold_init(void)
{
	spdk_io_device_register(&g_hold_dev, hold_ch_create, hold_ch_destroy,
				sizeof(struct hold_channel), "pt_io_hold");
	return 0;
}

static void
hold_fini(void)
{
	spdk_io_device_unregister(&g_hold_dev, NULL);
}

/* The passthru on HoldRam (-N), which the JSON configuration set up
 * before HoldRam existed: examine_config builds it inside the
 * registration. */
static struct spdk_bdev_desc *g_ptn;
static struct spdk_io_channel *g_ptn_ch;
static int g_abort_marker, g_stray_marker, g_abort_step;
static void stage_hold_compare(void);
static void stage_hold_abort(void);

static void
stage_hold(void)
{
	if (g_ptn_name == NULL) {
		stage_end();
		return;
	}
	g_hold_bdev.name = "HoldRam";
	g_hold_bdev.product_name = "passthru_io hold disk";
	g_hold_bdev.blocklen = BS;
	g_hold_bdev.blockcnt = HOLD_BLOCKS;
	g_hold_bdev.ctxt = &g_hold_dev;
	g_hold_bdev.fn_table = &g_hold_fn_table;
	g_hold_bdev.module = &g_hold_module;
	CHECK(spdk_bdev_register(&g_hold_bdev) == 0);
	CHECK(spdk_bdev_open_ext(g_ptn_name, true, event_cb, NULL, &g_ptn) == 0);
	if (g_ptn == NULL || (g_ptn_ch = spdk_bdev_get_io_channel(g_ptn)) == NULL) {
		stage_end();
		return;
	}
	CHECK(spdk_bdev_io_type_supported(spdk_bdev_desc_get_bdev(g_ptn), SPDK_BDEV_IO_TYPE_COMPARE));
	CHECK(spdk_bdev_io_type_supported(spdk_bdev_desc_get_bdev(g_ptn), SPDK_BDEV_IO_TYPE_ABORT));
	CHECK(!spdk_bdev_io_type_supported(spdk_bdev_desc_get_bdev(g_ptn), SPDK_BDEV_IO_TYPE_UNMAP));
	g_next = stage_hold_compare;
	SUBMIT(spdk_bdev_write_blocks(g_ptn, g_ptn_ch, g_a, 0, NBLK, io_done, OK));
}

static void
stage_hold_compare(void)
{
	CHECK(memcmp(g_hold_data, g_a, LEN) == 0);
	g_miscompares = 0;
	g_next = stage_hold_abort;
	SUBMIT(spdk_bdev_compare_blocks(g_ptn, g_ptn_ch, g_a, 0, NBLK, io_done, OK));
	SUBMIT(spdk_bdev_compare_blocks(g_ptn, g_ptn_ch, g_c, 0, NBLK, miscompare_done, NULL));
	SUBMIT(spdk_bdev_copy_blocks(g_ptn, g_ptn_ch, 16, 0, NBLK, io_done, OK));
}

static void
aborted_read_done(struct spdk_bdev_io *bdev_io, bool success, void *cb_arg)
{
	uint32_t cdw0 = 1;
	int sct = -1, sc = -1;

	spdk_bdev_io_get_nvme_status(bdev_io, &cdw0, &sct, &sc);
	CHECK(!success);
	CHECK(sct == SPDK_NVME_SCT_GENERIC && sc == SPDK_NVME_SC_ABORTED_BY_REQUEST);
	CHECK(cb_arg == &g_abort_marker);
	g_abort_step++;
	spdk_bdev_free_io(bdev_io);
}

static void
abort_finish(void)
{
	CHECK(g_abort_step == 3);
	CHECK(g_hold_aborts == 1);
	spdk_put_io_channel(g_ptn_ch);
	spdk_bdev_close(g_ptn);
	stage_end();
}

static void
abort_done(struct spdk_bdev_io *bdev_io, bool success, void *cb_arg)
{
	spdk_bdev_free_io(bdev_io);
	if (cb_arg == &g_abort_marker) {
		/* The read was found and aborted, before this completion. */
		CHECK(success);
		CHECK(g_abort_step == 1);
		g_abort_step++;
		/* Nothing was submitted with this argument: the abort fails
		 * (the library finds nothing on the passthru's channel). */
		CHECK(spdk_bdev_abort(g_ptn, g_ptn_ch, &g_stray_marker, abort_done, &g_stray_marker) == 0);
		return;
	}
	CHECK(!success);
	g_abort_step++;
	abort_finish();
}

static void
stage_hold_abort(void)
{
	int rc;

	/* Compare and copy reached HoldRam: done there, not emulated. */
	CHECK(g_miscompares == 1);
	CHECK(g_hold_compares == 2 && g_hold_copies == 1);
	CHECK(memcmp(g_hold_data + 16 * BS, g_a, LEN) == 0);
	CHECK(spdk_bdev_abort(g_ptn, g_ptn_ch, NULL, abort_done, NULL) == -EINVAL);
	/* A read held by HoldRam until its poller runs: abort it now,
	 * through the passthru. */
	rc = spdk_bdev_read_blocks(g_ptn, g_ptn_ch, g_rd, 0, 1, aborted_read_done, &g_abort_marker);
	CHECK(rc == 0);
	rc = spdk_bdev_abort(g_ptn, g_ptn_ch, &g_abort_marker, abort_done, &g_abort_marker);
	CHECK(rc == 0);
	if (rc != 0) {
		abort_finish();
	}
}

static void
stage_end(void)
{
	struct spdk_bdev_desc *d = NULL;

	/* The base is claimed: readers only. */
	CHECK(spdk_bdev_open_ext(g_base_name, true, event_cb, NULL, &d) == -EPERM);
	spdk_put_io_channel(g_pt_ch);
	spdk_put_io_channel(g_base_ch);
	spdk_bdev_close(g_pt_ro);
	spdk_bdev_close(g_pt);
	spdk_bdev_close(g_base);
	spdk_app_stop(g_failed == 0 ? 0 : -1);
}

static void
event_cb(enum spdk_bdev_event_type type, struct spdk_bdev *bdev, void *ctx)
{
	SPDK_NOTICELOG("bdev event %d on %s\n", type, spdk_bdev_get_name(bdev));
}

static void
io_start(void *arg)
{
	struct spdk_bdev *pt;

	if (spdk_bdev_open_ext(g_pt_name, true, event_cb, NULL, &g_pt) != 0 ||
	    spdk_bdev_open_ext(g_pt_name, false, event_cb, NULL, &g_pt_ro) != 0 ||
	    spdk_bdev_open_ext(g_base_name, false, event_cb, NULL, &g_base) != 0) {
		SPDK_ERRLOG("cannot open %s and %s\n", g_pt_name, g_base_name);
		spdk_app_stop(-1);
		return;
	}
	pt = spdk_bdev_desc_get_bdev(g_pt);
	CHECK(strcmp(spdk_bdev_get_product_name(pt), "ext_passthru") == 0);
	CHECK(spdk_bdev_get_block_size(pt) == BS);
	CHECK(spdk_bdev_get_num_blocks(pt) == spdk_bdev_get_num_blocks(spdk_bdev_desc_get_bdev(g_base)));
	CHECK(spdk_bdev_get_num_blocks(pt) >= 64);
	CHECK(spdk_bdev_io_type_supported(pt, SPDK_BDEV_IO_TYPE_UNMAP));
	CHECK(!spdk_bdev_io_type_supported(pt, SPDK_BDEV_IO_TYPE_NVME_ADMIN));
	if (g_failed != 0) {
		spdk_app_stop(-1);
		return;
	}
	g_pt_ch = spdk_bdev_get_io_channel(g_pt);
	g_base_ch = spdk_bdev_get_io_channel(g_base);
	CHECK(g_pt_ch != NULL && g_base_ch != NULL);
	stage_write();
}

static int
parse_arg(int ch, char *arg)
{
	switch (ch) {
	case 'b':
		g_pt_name = arg;
		return 0;
	case 'a':
		g_base_name = arg;
		return 0;
	case 'N':
		g_ptn_name = arg;
		return 0;
	default:
		return -EINVAL;
	}
}

static void
usage(void)
{
	printf(" -b <bdev>                 the ext_passthru bdev (default pt0)\n");
	printf(" -a <bdev>                 its base (default Malloc0)\n");
	printf(" -N <bdev>                 an ext_passthru bdev the configuration puts on HoldRam,\n");
	printf("                           a RAM bdev of this program (compare, copy, abort)\n");
}

int
main(int argc, char **argv)
{
	struct spdk_app_opts opts = {};
	int rc;

	spdk_app_opts_init(&opts, sizeof(opts));
	opts.name = "passthru_io";
	rc = spdk_app_parse_args(argc, argv, &opts, "b:a:N:", NULL, parse_arg, usage);
	if (rc != SPDK_APP_PARSE_ARGS_SUCCESS) {
		return rc == SPDK_APP_PARSE_ARGS_HELP ? 0 : 1;
	}
	/* -L ext_passthru: show the module's INFO messages (its waits for a
	 * free spdk_bdev_io). */
	if (spdk_log_get_flag("ext_passthru")) {
		opts.print_level = SPDK_LOG_INFO;
	}
	g_a = spdk_dma_zmalloc(LEN, 4096, NULL);
	g_b = spdk_dma_zmalloc(LEN, 4096, NULL);
	g_c = spdk_dma_zmalloc(LEN, 4096, NULL);
	g_zero = spdk_dma_zmalloc(LEN, 4096, NULL);
	g_rd = spdk_dma_zmalloc(4 * LEN, 4096, NULL);
	g_burst = spdk_dma_zmalloc(BURST * BS, 4096, NULL);
	g_wbuf = spdk_dma_zmalloc(LEN, 4096, NULL);
	if (!g_a || !g_b || !g_c || !g_zero || !g_rd || !g_burst || !g_wbuf) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	fill(g_a, 'A');
	fill(g_b, 'b');
	memcpy(g_c, g_a, LEN);
	g_c[5 * BS + 17] ^= 1;

	rc = spdk_app_start(&opts, io_start, NULL);
	spdk_app_fini();
	spdk_dma_free(g_a);
	spdk_dma_free(g_b);
	spdk_dma_free(g_c);
	spdk_dma_free(g_zero);
	spdk_dma_free(g_rd);
	spdk_dma_free(g_burst);
	spdk_dma_free(g_wbuf);
	printf("passthru_io: %d passed, %d failed\n", g_passed, g_failed);
	return rc == 0 && g_failed == 0 ? 0 : 1;
}
