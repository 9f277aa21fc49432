/* bdev.h and bdev_module.h as SPDK applications and modules use them, in
 * the style of SPDK's hello_bdev: an app on one reactor whose JSON
 * configuration creates a null bdev, plus a RAM bdev module written here in
 * C (SPDK_BDEV_MODULE_REGISTER). The app opens both, gets channels, writes
 * and reads back, checks the errors SPDK returns for bad input, runs the
 * bdev_io pool dry (-ENOMEM, spdk_bdev_queue_io_wait), reads statistics,
 * compares and copies (emulated by the library, then done by the module),
 * sets QoS limits and runs I/O under them, resizes the RAM bdev, splits
 * its I/O on an optimal boundary, unregisters, and stops. Struct offsets
 * are checked against SPDK's. */
#include "spdk/stdinc.h"
#include "spdk/event.h"
#include "spdk/thread.h"
#include "spdk/env.h"
#include "spdk/bdev.h"
#include "spdk/bdev_module.h"
#include "spdk/nvme_spec.h"
#include "harness.h"

/* ---- a RAM bdev module in C ---- */

#define RAM_BLOCKS 64
#define RAM_CAPACITY 128 /* room to grow (spdk_bdev_notify_blockcnt_change) */
#define RAM_BLOCKLEN 512

struct ram_io {
	uint64_t magic;
};

static char g_ram_data[RAM_CAPACITY * RAM_BLOCKLEN];
/* Compare and copy done by the module (else the library emulates them). */
static bool g_ram_native;
static int g_ram_compares, g_ram_copies;
/* When set, every read and write must stay within one stripe of this many
 * blocks: the library splits the others. */
static uint64_t g_ram_boundary;
static int g_ram_rw, g_ram_crossings;
static int g_ram_dev;
static int g_ram_inits, g_ram_destructs, g_ram_submits;
static struct spdk_bdev g_ram_bdev;

static int ram_init(void);
static void ram_fini(void);
static int ram_ctx_size(void) { return sizeof(struct ram_io); }
static void ram_examine_config(struct spdk_bdev *bdev);
static void ram_examine_disk(struct spdk_bdev *bdev);

static struct spdk_bdev_module g_ram_module = {
	.name = "ctest_ram",
	.module_init = ram_init,
	.module_fini = ram_fini,
	.get_ctx_size = ram_ctx_size,
	.examine_config = ram_examine_config,
	.examine_disk = ram_examine_disk,
};

static int g_examine_configs, g_examine_disks, g_examine_waited;

static void
ram_examine_config(struct spdk_bdev *bdev)
{
	g_examine_configs++;
	spdk_bdev_module_examine_done(&g_ram_module);
}

static void
ram_examine_disk_done(void *ctx)
{
	g_examine_disks++;
	spdk_bdev_module_examine_done(&g_ram_module);
}

static void
ram_examine_disk(struct spdk_bdev *bdev)
{
	/* Asynchronous, as a module reading labels would be. */
	spdk_thread_send_msg(spdk_get_thread(), ram_examine_disk_done, NULL);
}

static void
examine_waited(void *arg)
{
	CHECK(g_examine_disks == g_examine_configs);
	g_examine_waited++;
}
SPDK_BDEV_MODULE_REGISTER(ctest_ram, &g_ram_module)

static int ram_ch_create(void *dev, void *ctx) { return 0; }
static void ram_ch_destroy(void *dev, void *ctx) {}

static int
ram_init(void)
{
	g_ram_inits++;
	spdk_io_device_register(&g_ram_dev, ram_ch_create, ram_ch_destroy, 8, "ctest_ram");
	return 0;
}

static void
ram_fini(void)
{
	spdk_io_device_unregister(&g_ram_dev, NULL);
}

static int
ram_destruct(void *ctx)
{
	CHECK(ctx == &g_ram_dev);
	g_ram_destructs++;
	return 0;
}

static int g_get_bufs;

static void
ram_got_buf(struct spdk_io_channel *ch, struct spdk_bdev_io *bdev_io, bool success)
{
	CHECK(success);
	CHECK(bdev_io->u.bdev.iovcnt == 1 && bdev_io->u.bdev.iovs[0].iov_base != NULL);
	CHECK(bdev_io->u.bdev.iovs[0].iov_len == bdev_io->u.bdev.num_blocks * RAM_BLOCKLEN);
	g_get_bufs++;
	memcpy(bdev_io->u.bdev.iovs[0].iov_base,
	       g_ram_data + bdev_io->u.bdev.offset_blocks * RAM_BLOCKLEN,
	       bdev_io->u.bdev.iovs[0].iov_len);
	spdk_bdev_io_complete(bdev_io, SPDK_BDEV_IO_STATUS_SUCCESS);
}

static void
ram_submit(struct spdk_io_channel *ch, struct spdk_bdev_io *bdev_io)
{
	struct ram_io *rio = (struct ram_io *)bdev_io->driver_ctx;
	uint64_t off = bdev_io->u.bdev.offset_blocks * RAM_BLOCKLEN;
	int i;

	g_ram_submits++;
	CHECK(((uintptr_t)bdev_io->driver_ctx % 64) == 0);
	CHECK(spdk_bdev_io_from_ctx(rio) == bdev_io);
	CHECK(spdk_bdev_io_get_thread(bdev_io) == spdk_get_thread());
	rio->magic = 0x1234;
	if (g_ram_boundary != 0 &&
	    (bdev_io->type == SPDK_BDEV_IO_TYPE_READ || bdev_io->type == SPDK_BDEV_IO_TYPE_WRITE)) {
		g_ram_rw++;
		if (bdev_io->u.bdev.offset_blocks % g_ram_boundary + bdev_io->u.bdev.num_blocks > g_ram_boundary) {
			g_ram_crossings++;
		}
	}
	if (bdev_io->type == SPDK_BDEV_IO_TYPE_READ && bdev_io->u.bdev.iovs[0].iov_base == NULL) {
		/* A read without a buffer: ask the library for one. */
		spdk_bdev_io_get_buf(bdev_io, ram_got_buf,
				     bdev_io->u.bdev.num_blocks * RAM_BLOCKLEN);
		return;
	}
	switch (bdev_io->type) {
	case SPDK_BDEV_IO_TYPE_READ:
	case SPDK_BDEV_IO_TYPE_WRITE:
		for (i = 0; i < bdev_io->u.bdev.iovcnt; i++) {
			struct iovec *v = &bdev_io->u.bdev.iovs[i];
			if (bdev_io->type == SPDK_BDEV_IO_TYPE_READ) {
				memcpy(v->iov_base, g_ram_data + off, v->iov_len);
			} else {
				memcpy(g_ram_data + off, v->iov_base, v->iov_len);
			}
			off += v->iov_len;
		}
		/* Completed inside submit_request: the library defers the callback. */
		spdk_bdev_io_complete(bdev_io, SPDK_BDEV_IO_STATUS_SUCCESS);
		break;
	case SPDK_BDEV_IO_TYPE_COMPARE: {
		bool same = true;

		g_ram_compares++;
		for (i = 0; i < bdev_io->u.bdev.iovcnt; i++) {
			struct iovec *v = &bdev_io->u.bdev.iovs[i];
			same = same && memcmp(v->iov_base, g_ram_data + off, v->iov_len) == 0;
			off += v->iov_len;
		}
		spdk_bdev_io_complete(bdev_io, same ? SPDK_BDEV_IO_STATUS_SUCCESS :
				      SPDK_BDEV_IO_STATUS_MISCOMPARE);
		break;
	}
	case SPDK_BDEV_IO_TYPE_COPY:
		g_ram_copies++;
		memmove(g_ram_data + off, g_ram_data + bdev_io->u.bdev.copy.src_offset_blocks * RAM_BLOCKLEN,
			bdev_io->u.bdev.num_blocks * RAM_BLOCKLEN);
		spdk_bdev_io_complete(bdev_io, SPDK_BDEV_IO_STATUS_SUCCESS);
		break;
	default:
		spdk_bdev_io_complete(bdev_io, SPDK_BDEV_IO_STATUS_FAILED);
	}
}

static bool
ram_io_type_supported(void *ctx, enum spdk_bdev_io_type type)
{
	if (type == SPDK_BDEV_IO_TYPE_COMPARE || type == SPDK_BDEV_IO_TYPE_COPY) {
		return g_ram_native;
	}
	return type == SPDK_BDEV_IO_TYPE_READ || type == SPDK_BDEV_IO_TYPE_WRITE;
}

static struct spdk_io_channel *
ram_get_io_channel(void *ctx)
{
	return spdk_get_io_channel(&g_ram_dev);
}

static const struct spdk_bdev_fn_table g_ram_fn_table = {
	.destruct = ram_destruct,
	.submit_request = ram_submit,
	.io_type_supported = ram_io_type_supported,
	.get_io_channel = ram_get_io_channel,
};

/* ---- the application ---- */

static struct spdk_bdev_desc *g_null_rw, *g_null_ro, *g_ram_desc;
static struct spdk_io_channel *g_null_ch, *g_ram_ch;
static char *g_buf, *g_buf2;
static int g_outstanding, g_ok, g_failed, g_callbacks_on_app_thread;
static int g_removed, g_resized, g_unregistered = -1, g_waits;
static struct spdk_bdev_io_wait_entry g_wait;
static void (*g_next)(void);

static void
event_cb(enum spdk_bdev_event_type type, struct spdk_bdev *bdev, void *ctx)
{
	if (type == SPDK_BDEV_EVENT_REMOVE) {
		g_removed++;
		CHECK(bdev == &g_ram_bdev);
		CHECK(ctx == &g_ram_bdev);
		spdk_bdev_close(g_ram_desc);
	} else if (type == SPDK_BDEV_EVENT_RESIZE) {
		CHECK(bdev == &g_ram_bdev && ctx == &g_ram_bdev);
		CHECK(spdk_get_thread() != NULL && spdk_thread_is_app_thread(NULL));
		g_resized++;
	}
}

static void stage_io(void);
static void stage_getbuf(void);
static void stage_errors(void);
static void stage_nomem(void);
static void stage_compare(void);
static void stage_done(void);

static void
run_next(void *ctx)
{
	g_next();
}

static void
io_done(struct spdk_bdev_io *bdev_io, bool success, void *cb_arg)
{
	if (success) {
		g_ok++;
	} else {
		g_failed++;
	}
	if (spdk_thread_is_app_thread(NULL)) {
		g_callbacks_on_app_thread++;
	}
	spdk_bdev_free_io(bdev_io);
	if (--g_outstanding == 0 && g_next != NULL) {
		spdk_thread_send_msg(spdk_get_thread(), run_next, NULL);
	}
}

#define SUBMIT(call) do { int _rc = (call); CHECK(_rc == 0); if (_rc == 0) g_outstanding++; } while (0)

static void
start(void *ctx)
{
	struct spdk_bdev *null0, *b;
	int n = 0;

	null0 = spdk_bdev_get_by_name("null0");
	CHECK(null0 != NULL);
	CHECK(g_ram_inits == 1);
	CHECK(g_examine_configs == 1); /* null0, from the JSON configuration */

	/* The C module's bdev. */
	g_ram_bdev.name = "ram0";
	g_ram_bdev.product_name = "C RAM disk";
	g_ram_bdev.blocklen = RAM_BLOCKLEN;
	g_ram_bdev.blockcnt = RAM_BLOCKS;
	g_ram_bdev.ctxt = &g_ram_dev;
	g_ram_bdev.fn_table = &g_ram_fn_table;
	g_ram_bdev.module = &g_ram_module;
	g_ram_bdev.split_on_optimal_io_boundary = 0;
	g_ram_bdev.acwu = 1;
	CHECK(spdk_bdev_register(&g_ram_bdev) == 0);
	CHECK(g_examine_configs == 2); /* examine_config runs inside the registration */
	CHECK(spdk_bdev_wait_for_examine(examine_waited, NULL) == 0);
	CHECK(g_examine_waited == 0); /* ram0's examine_disk is still running */
	CHECK(spdk_bdev_wait_for_examine(NULL, NULL) == -EINVAL);
	CHECK(spdk_bdev_register(&g_ram_bdev) == -EEXIST);
	CHECK(spdk_bdev_register(NULL) == -EINVAL);
	CHECK(spdk_bdev_module_list_find("ctest_ram") == &g_ram_module);
	CHECK(spdk_bdev_module_list_find("null") != NULL);

	for (b = spdk_bdev_first(); b != NULL; b = spdk_bdev_next(b)) {
		n++;
	}
	CHECK(n == 2);
	CHECK(spdk_bdev_first_leaf() != NULL);
	CHECK(spdk_bdev_get_by_name("ram0") == &g_ram_bdev);
	CHECK(strcmp(spdk_bdev_get_name(null0), "null0") == 0);
	CHECK(strcmp(spdk_bdev_get_product_name(null0), "Null disk") == 0);
	CHECK(spdk_bdev_get_block_size(null0) == 4096);
	CHECK(spdk_bdev_get_num_blocks(null0) == 1024);
	CHECK(spdk_bdev_get_write_unit_size(null0) == 1);
	CHECK(spdk_bdev_get_buf_align(null0) == 1);
	CHECK(spdk_bdev_get_optimal_io_boundary(null0) == 0);
	CHECK(spdk_bdev_get_uuid(null0) != NULL);
	CHECK(spdk_bdev_io_type_supported(null0, SPDK_BDEV_IO_TYPE_WRITE_ZEROES));
	CHECK(!spdk_bdev_io_type_supported(null0, SPDK_BDEV_IO_TYPE_UNMAP));
	CHECK(!spdk_bdev_io_type_supported(&g_ram_bdev, SPDK_BDEV_IO_TYPE_WRITE_ZEROES));

	CHECK(spdk_bdev_open_ext("null0", true, NULL, NULL, &g_null_rw) == -EINVAL);
	CHECK(spdk_bdev_open_ext("nope", true, event_cb, NULL, &g_null_rw) == -ENODEV);
	CHECK(spdk_bdev_open_ext("null0", true, event_cb, NULL, &g_null_rw) == 0);
	CHECK(spdk_bdev_open_ext("null0", false, event_cb, NULL, &g_null_ro) == 0);
	CHECK(spdk_bdev_open_ext("ram0", true, event_cb, &g_ram_bdev, &g_ram_desc) == 0);
	CHECK(spdk_bdev_desc_get_bdev(g_null_rw) == null0);

	/* A v1 claim: no more writers, not a leaf; readers still welcome. */
	{
		struct spdk_bdev_desc *d = NULL;
		int leaves = 0;

		CHECK(spdk_bdev_module_claim_bdev(&g_ram_bdev, NULL, &g_ram_module) == 0);
		CHECK(spdk_bdev_module_claim_bdev(&g_ram_bdev, NULL, &g_ram_module) == -EPERM);
		CHECK(spdk_bdev_open_ext("ram0", true, event_cb, NULL, &d) == -EPERM);
		CHECK(spdk_bdev_open_ext("ram0", false, event_cb, NULL, &d) == 0);
		spdk_bdev_close(d);
		for (b = spdk_bdev_first_leaf(); b != NULL; b = spdk_bdev_next_leaf(b)) {
			leaves++;
		}
		CHECK(leaves == 1);
		spdk_bdev_module_release_bdev(&g_ram_bdev);
		CHECK(spdk_bdev_first_leaf() != NULL && spdk_bdev_next_leaf(spdk_bdev_first_leaf()) != NULL);
		CHECK(strcmp(spdk_bdev_claim_get_name(SPDK_BDEV_CLAIM_EXCL_WRITE), "exclusive_write") == 0);
	}
	g_null_ch = spdk_bdev_get_io_channel(g_null_rw);
	g_ram_ch = spdk_bdev_get_io_channel(g_ram_desc);
	CHECK(g_null_ch != NULL && g_ram_ch != NULL);
	g_buf = spdk_dma_zmalloc(8 * 4096, 4096, NULL);
	g_buf2 = spdk_dma_zmalloc(8 * 4096, 4096, NULL);
	CHECK(g_buf != NULL && g_buf2 != NULL);
	stage_io();
}

static void
stage_io(void)
{
	struct iovec iov[2];

	memset(g_buf, 0x5a, 4096);
	g_next = stage_getbuf;
	SUBMIT(spdk_bdev_write_blocks(g_null_rw, g_null_ch, g_buf, 0, 1, io_done, NULL));
	SUBMIT(spdk_bdev_read(g_null_ro, g_null_ch, g_buf2, 4096, 8192, io_done, NULL));
	SUBMIT(spdk_bdev_write_zeroes_blocks(g_null_rw, g_null_ch, 0, 1024, io_done, NULL));
	SUBMIT(spdk_bdev_flush_blocks(g_null_rw, g_null_ch, 0, 1, io_done, NULL)); /* fails: not supported */
	SUBMIT(spdk_bdev_reset(g_null_rw, g_null_ch, io_done, NULL));
	/* RAM: write 8 blocks in two iovecs, read them back. */
	iov[0].iov_base = g_buf;
	iov[0].iov_len = 2048;
	iov[1].iov_base = g_buf + 2048;
	iov[1].iov_len = 2048;
	SUBMIT(spdk_bdev_writev_blocks(g_ram_desc, g_ram_ch, iov, 2, 4, 8, io_done, NULL));
	SUBMIT(spdk_bdev_read_blocks(g_ram_desc, g_ram_ch, g_buf2 + 4096, 4, 8, io_done, NULL));
	CHECK(g_ok == 0); /* nothing completes before the submitter returns */
}

static int g_iov_matches;
static struct spdk_bdev_io_stat g_dev_stat;
static void dev_stat_done(struct spdk_bdev *bdev, struct spdk_bdev_io_stat *stat, void *cb_arg, int rc);

static void
getbuf_done(struct spdk_bdev_io *bdev_io, bool success, void *cb_arg)
{
	struct iovec *iovs = NULL;
	int iovcnt = 0;

	uint32_t cdw0 = 1;
	int sct = -1, sc = -1, aio = 1;

	spdk_bdev_io_get_nvme_status(bdev_io, &cdw0, &sct, &sc);
	CHECK(cdw0 == 0 && sct == 0 && sc == 0);
	spdk_bdev_io_get_aio_status(bdev_io, &aio);
	CHECK(aio == 0);
	spdk_bdev_io_get_iovec(bdev_io, &iovs, &iovcnt);
	if (success && iovcnt == 1 && iovs[0].iov_len == 8 * RAM_BLOCKLEN &&
	    memcmp(iovs[0].iov_base, g_buf, 4096) == 0) {
		g_iov_matches++;
	}
	io_done(bdev_io, success, cb_arg);
}

static void
stage_getbuf(void)
{
	CHECK(g_ok == 6 && g_failed == 1);
	g_next = stage_errors;
	/* ram0 gets its buffer with spdk_bdev_io_get_buf() (iobuf). */
	SUBMIT(spdk_bdev_read_blocks(g_ram_desc, g_ram_ch, NULL, 4, 8, getbuf_done, NULL));
	/* Null gives zeroes of its own. */
	SUBMIT(spdk_bdev_read_blocks(g_null_ro, g_null_ch, NULL, 0, 1, io_done, NULL));
}

static void
stage_errors(void)
{
	struct spdk_bdev *null0 = spdk_bdev_desc_get_bdev(g_null_rw);
	struct spdk_bdev_io_stat stat;

	CHECK(g_ok == 8 && g_failed == 1);
	CHECK(g_callbacks_on_app_thread == 9);
	CHECK(memcmp(g_buf, g_buf2 + 4096, 4096) == 0);
	CHECK(g_ram_submits == 3);
	CHECK(g_get_bufs == 1 && g_iov_matches == 1);
	CHECK(g_examine_waited == 1 && g_examine_disks == 2);

	/* Out of range, misaligned, NULL descriptor, read-only descriptor. */
	CHECK(spdk_bdev_read_blocks(g_null_ro, g_null_ch, g_buf, 1024, 1, io_done, NULL) == -EINVAL);
	CHECK(spdk_bdev_read_blocks(g_null_ro, g_null_ch, g_buf, 1020, 8, io_done, NULL) == -EINVAL);
	CHECK(spdk_bdev_read_blocks(g_null_ro, g_null_ch, g_buf, UINT64_MAX, 2, io_done, NULL) == -EINVAL);
	CHECK(spdk_bdev_read(g_null_ro, g_null_ch, g_buf, 0, 1000, io_done, NULL) == -EINVAL);
	CHECK(spdk_bdev_write(g_null_rw, g_null_ch, g_buf, 512, 4096, io_done, NULL) == -EINVAL);
	CHECK(spdk_bdev_read_blocks(NULL, g_null_ch, g_buf, 0, 1, io_done, NULL) == -EINVAL);
	CHECK(spdk_bdev_write_blocks(g_null_ro, g_null_ch, g_buf, 0, 1, io_done, NULL) == -EBADF);
	CHECK(spdk_bdev_writev_blocks(g_null_ro, g_null_ch, NULL, 0, 0, 1, io_done, NULL) == -EINVAL);
	CHECK(spdk_bdev_unmap_blocks(g_null_ro, g_null_ch, 0, 1, io_done, NULL) == -EBADF);
	CHECK(spdk_bdev_unmap_blocks(g_null_rw, g_null_ch, 0, 0, io_done, NULL) == -EINVAL);
	CHECK(spdk_bdev_write_zeroes_blocks(g_ram_desc, g_ram_ch, 0, 1, io_done, NULL) == -ENOTSUP);
	CHECK(spdk_bdev_get_io_channel(NULL) == NULL);
	CHECK(spdk_bdev_desc_get_bdev(NULL) == NULL);
	CHECK(spdk_bdev_get_by_name(NULL) == NULL);

	spdk_bdev_get_io_stat(null0, g_null_ch, &stat, SPDK_BDEV_RESET_STAT_NONE);
	CHECK(stat.num_read_ops == 2 && stat.bytes_read == 8192 + 4096);
	CHECK(stat.num_write_ops == 1 && stat.bytes_written == 4096); /* write_zeroes is not counted */
	CHECK(stat.ticks_rate == spdk_get_ticks_hz());
	CHECK(stat.max_read_latency_ticks >= stat.min_read_latency_ticks);
	memset(&g_dev_stat, 0, sizeof(g_dev_stat));
	spdk_bdev_get_device_stat(null0, &g_dev_stat, SPDK_BDEV_RESET_STAT_MAXMIN, dev_stat_done, null0);
}

static void
dev_stat_done(struct spdk_bdev *bdev, struct spdk_bdev_io_stat *stat, void *cb_arg, int rc)
{
	struct spdk_bdev_io_stat after;

	CHECK(rc == 0 && bdev == cb_arg && stat == &g_dev_stat);
	CHECK(stat->num_read_ops == 2 && stat->num_write_ops == 1);
	spdk_bdev_get_io_stat(bdev, g_null_ch, &after, SPDK_BDEV_RESET_STAT_ALL);
	CHECK(after.max_read_latency_ticks == 0 && after.num_read_ops == 2);
	spdk_bdev_get_io_stat(bdev, g_null_ch, &after, SPDK_BDEV_RESET_STAT_NONE);
	CHECK(after.num_read_ops == 0);
	stage_nomem();
}

static void
io_wait_cb(void *arg)
{
	g_waits++;
	/* A bdev_io is available again: this submission succeeds. */
	SUBMIT(spdk_bdev_read_blocks(g_null_ro, g_null_ch, g_buf, 0, 1, io_done, NULL));
}

static void
stage_nomem(void)
{
	int i, rc = 0;

	g_next = stage_compare;
	for (i = 0; i < 1000; i++) {
		rc = spdk_bdev_read_blocks(g_null_ro, g_null_ch, g_buf, i % 1024, 1, io_done, NULL);
		if (rc != 0) {
			break;
		}
		g_outstanding++;
	}
	CHECK(rc == -ENOMEM);
	CHECK(g_outstanding == 32); /* bdev_io_pool_size below */
	g_wait.bdev = spdk_bdev_desc_get_bdev(g_null_ro);
	g_wait.cb_fn = io_wait_cb;
	g_wait.cb_arg = NULL;
	CHECK(spdk_bdev_queue_io_wait(g_wait.bdev, g_null_ch, &g_wait) == 0);
}

/* ---- compare and copy: emulated by the library, then by the module ---- */

#define PAT_BLOCKS 8
#define PAT_LEN (PAT_BLOCKS * RAM_BLOCKLEN)

static char *g_pat, *g_bad, *g_zero;
static int g_cmp_ok, g_cmp_mis, g_cmp_other;

static void
cmp_done(struct spdk_bdev_io *bdev_io, bool success, void *cb_arg)
{
	uint32_t cdw0 = 1;
	int sct = -1, sc = -1;

	spdk_bdev_io_get_nvme_status(bdev_io, &cdw0, &sct, &sc);
	if (success && sct == SPDK_NVME_SCT_GENERIC && sc == SPDK_NVME_SC_SUCCESS) {
		g_cmp_ok++;
	} else if (!success && sct == SPDK_NVME_SCT_MEDIA_ERROR && sc == SPDK_NVME_SC_COMPARE_FAILURE) {
		g_cmp_mis++;
	} else {
		g_cmp_other++;
	}
	io_done(bdev_io, success, cb_arg);
}

static void stage_compare_check(void);
static void stage_overlap_check(void);
static void stage_caw(void);

/* RAM blocks 16-23 hold the pattern: compare it (equal, and with one byte
 * changed), in one buffer and in pieces, and copy it to blocks 32-39. */
static void
compare_copy_set(void)
{
	static struct iovec iov[3], bad[2];

	memcpy(g_ram_data + 16 * RAM_BLOCKLEN, g_pat, PAT_LEN);
	memset(g_ram_data + 32 * RAM_BLOCKLEN, 0, PAT_LEN);
	g_cmp_ok = g_cmp_mis = g_cmp_other = 0;
	g_ram_compares = g_ram_copies = 0;
	iov[0].iov_base = g_pat;
	iov[0].iov_len = 512;
	iov[1].iov_base = g_pat + 512;
	iov[1].iov_len = 1536;
	iov[2].iov_base = g_pat + 2048;
	iov[2].iov_len = PAT_LEN - 2048;
	bad[0].iov_base = g_bad;
	bad[0].iov_len = 1024;
	bad[1].iov_base = g_bad + 1024;
	bad[1].iov_len = PAT_LEN - 1024;
	g_next = stage_compare_check;
	SUBMIT(spdk_bdev_compare_blocks(g_ram_desc, g_ram_ch, g_pat, 16, PAT_BLOCKS, cmp_done, NULL));
	SUBMIT(spdk_bdev_compare_blocks(g_ram_desc, g_ram_ch, g_bad, 16, PAT_BLOCKS, cmp_done, NULL));
	SUBMIT(spdk_bdev_comparev_blocks(g_ram_desc, g_ram_ch, iov, 3, 16, PAT_BLOCKS, cmp_done, NULL));
	SUBMIT(spdk_bdev_comparev_blocks(g_ram_desc, g_ram_ch, bad, 2, 16, PAT_BLOCKS, cmp_done, NULL));
	/* A partial compare: the last two blocks only. */
	SUBMIT(spdk_bdev_compare_blocks(g_ram_desc, g_ram_ch, g_pat + 6 * RAM_BLOCKLEN, 22, 2, cmp_done, NULL));
	SUBMIT(spdk_bdev_copy_blocks(g_ram_desc, g_ram_ch, 32, 16, PAT_BLOCKS, io_done, NULL));
	/* Compare needs no write access: null0 through its read-only descriptor. */
	SUBMIT(spdk_bdev_compare_blocks(g_null_ro, g_null_ch, g_zero, 0, 1, cmp_done, NULL));
}

static void
stage_compare(void)
{
	int i;

	g_pat = spdk_dma_zmalloc(PAT_LEN, 4096, NULL);
	g_bad = spdk_dma_zmalloc(PAT_LEN, 4096, NULL);
	g_zero = spdk_dma_zmalloc(4096, 4096, NULL);
	CHECK(g_pat != NULL && g_bad != NULL && g_zero != NULL);
	for (i = 0; i < PAT_LEN; i++) {
		g_pat[i] = (char)(i * 13 + 7);
	}
	memcpy(g_bad, g_pat, PAT_LEN);
	g_bad[5 * RAM_BLOCKLEN + 100] ^= 0x10;

	/* Bad input. */
	CHECK(spdk_bdev_compare_blocks(g_ram_desc, g_ram_ch, g_pat, RAM_BLOCKS - 1, 2, cmp_done, NULL) == -EINVAL);
	CHECK(spdk_bdev_comparev_blocks(g_ram_desc, g_ram_ch, NULL, 0, 0, 1, cmp_done, NULL) == -EINVAL);
	CHECK(spdk_bdev_copy_blocks(g_ram_desc, g_ram_ch, 0, RAM_BLOCKS - 1, 2, io_done, NULL) == -EINVAL);
	CHECK(spdk_bdev_copy_blocks(g_ram_desc, g_ram_ch, RAM_BLOCKS - 1, 0, 2, io_done, NULL) == -EINVAL);
	CHECK(spdk_bdev_copy_blocks(g_null_ro, g_null_ch, 1, 0, 1, io_done, NULL) == -EBADF);
	CHECK(spdk_bdev_compare_blocks(NULL, g_ram_ch, g_pat, 0, 1, cmp_done, NULL) == -EINVAL);

	/* The module has neither: the library compares and copies with reads
	 * and writes. */
	g_ram_native = false;
	CHECK(!spdk_bdev_io_type_supported(&g_ram_bdev, SPDK_BDEV_IO_TYPE_COMPARE));
	compare_copy_set();
}

static void
stage_compare_check(void)
{
	CHECK(g_cmp_ok == 4 && g_cmp_mis == 2 && g_cmp_other == 0);
	CHECK(memcmp(g_ram_data + 32 * RAM_BLOCKLEN, g_pat, PAT_LEN) == 0);
	CHECK(g_ram_copies == (g_ram_native ? 1 : 0));
	CHECK(g_ram_compares == (g_ram_native ? 5 : 0));
	/* Copy onto an overlapping range (16-23 to 20-27): the source as it
	 * was before the copy. */
	g_next = stage_overlap_check;
	SUBMIT(spdk_bdev_copy_blocks(g_ram_desc, g_ram_ch, 20, 16, PAT_BLOCKS, io_done, NULL));
}

static void
stage_overlap_check(void)
{
	CHECK(memcmp(g_ram_data + 16 * RAM_BLOCKLEN, g_pat, 4 * RAM_BLOCKLEN) == 0);
	CHECK(memcmp(g_ram_data + 20 * RAM_BLOCKLEN, g_pat, PAT_LEN) == 0);
	if (!g_ram_native) {
		/* Again, done by the module this time. */
		g_ram_native = true;
		CHECK(spdk_bdev_io_type_supported(&g_ram_bdev, SPDK_BDEV_IO_TYPE_COPY));
		compare_copy_set();
		return;
	}
	CHECK(g_ram_copies == 2);
	stage_caw();
}

static void stage_qos(void);

/* ---- compare-and-write: emulated by the library (a range lock, a
 * compare, then the write) when the module has none ---- */

static int g_caw_ok, g_caw_failed;
static struct iovec g_caw_c, g_caw_w, g_caw_mis;

static void
caw_done(struct spdk_bdev_io *bdev_io, bool success, void *cb_arg)
{
	if (success) {
		g_caw_ok++;
	} else {
		g_caw_failed++;
	}
	io_done(bdev_io, true, cb_arg);
}

static void stage_caw_check(void);

static void
stage_caw(void)
{
	struct iovec c2 = { .iov_base = g_pat, .iov_len = 2 * RAM_BLOCKLEN };
	struct iovec w2 = { .iov_base = g_bad, .iov_len = 2 * RAM_BLOCKLEN };
	struct iovec cn = { .iov_base = g_buf, .iov_len = 2 * 4096 };

	/* Beyond the atomic compare-and-write unit (1 block: ram0's, and
	 * null0's, which the library set to its write unit). */
	CHECK(spdk_bdev_comparev_and_writev_blocks(g_ram_desc, g_ram_ch, &c2, 1, &w2, 1, 16, 2,
			io_done, NULL) == -EINVAL);
	CHECK(spdk_bdev_comparev_and_writev_blocks(g_null_rw, g_null_ch, &cn, 1, &cn, 1, 0, 2,
			io_done, NULL) == -EINVAL);
	CHECK(spdk_bdev_comparev_and_writev_blocks(g_ram_desc, g_ram_ch, NULL, 0, &c2, 1, 16, 1,
			io_done, NULL) == -EINVAL);
	CHECK(memcmp(g_ram_data + 16 * RAM_BLOCKLEN, g_pat, RAM_BLOCKLEN) == 0);
	/* Within it, submitted together: block 16 holds g_pat, so the first
	 * compares equal and writes zeroes; the second, serialised behind it
	 * by the range lock, then miscompares and writes nothing. */
	g_caw_c = (struct iovec) { .iov_base = g_pat, .iov_len = RAM_BLOCKLEN };
	g_caw_w = (struct iovec) { .iov_base = g_zero, .iov_len = RAM_BLOCKLEN };
	g_caw_mis = (struct iovec) { .iov_base = g_pat, .iov_len = RAM_BLOCKLEN };
	g_next = stage_caw_check;
	SUBMIT(spdk_bdev_comparev_and_writev_blocks(g_ram_desc, g_ram_ch, &g_caw_c, 1, &g_caw_w, 1,
			16, 1, caw_done, NULL));
	SUBMIT(spdk_bdev_comparev_and_writev_blocks(g_ram_desc, g_ram_ch, &g_caw_mis, 1, &g_caw_w,
			1, 16, 1, caw_done, NULL));
}

static void
stage_caw_check(void)
{
	CHECK(g_caw_ok == 1 && g_caw_failed == 1);
	CHECK(memcmp(g_ram_data + 16 * RAM_BLOCKLEN, g_zero, RAM_BLOCKLEN) == 0);
	/* Put the pattern back for the stages after. */
	memcpy(g_ram_data + 16 * RAM_BLOCKLEN, g_pat, RAM_BLOCKLEN);
	g_ram_native = false;
	stage_qos();
}

/* ---- QoS rate limits on null0, and I/O under them ---- */

#define QOS_IOS 20

static int g_qos_step, g_qos_status = 1;
static uint64_t g_qos_start;
static void stage_qos_io_done(void);
static void stage_resize(void);

static void
qos_set_done(void *cb_arg, int status)
{
	struct spdk_bdev *null0 = spdk_bdev_desc_get_bdev(g_null_rw);
	uint64_t got[SPDK_BDEV_QOS_NUM_RATE_LIMIT_TYPES];
	uint64_t keep = UINT64_MAX;
	int i;

	CHECK(cb_arg == &g_qos_step);
	CHECK(spdk_thread_is_app_thread(NULL));
	g_qos_status = status;
	memset(got, 0xff, sizeof(got));
	spdk_bdev_get_qos_rate_limits(null0, got);
	switch (g_qos_step++) {
	case 0: {
		/* 1500 IO/s rounds up to 2000; 10 MiB/s stays. */
		CHECK(status == 0);
		CHECK(got[0] == 2000 && got[1] == 10 && got[2] == 0 && got[3] == 0);
		g_next = stage_qos_io_done;
		g_qos_start = spdk_get_ticks();
		for (i = 0; i < QOS_IOS; i++) {
			SUBMIT(spdk_bdev_read_blocks(g_null_ro, g_null_ch, g_buf, i, 1, io_done, NULL));
		}
		return;
	}
	case 1: {
		/* UINT64_MAX leaves a limit as it is; 0 removes it. */
		uint64_t l[SPDK_BDEV_QOS_NUM_RATE_LIMIT_TYPES] = { keep, 0, 5, keep };

		CHECK(status == 0);
		CHECK(got[0] == 2000 && got[1] == 10 && got[2] == 0 && got[3] == 0);
		spdk_bdev_set_qos_rate_limits(null0, l, qos_set_done, &g_qos_step);
		return;
	}
	case 2: {
		uint64_t l[SPDK_BDEV_QOS_NUM_RATE_LIMIT_TYPES] = { 0, 0, 0, 0 };

		CHECK(status == 0);
		CHECK(got[0] == 2000 && got[1] == 0 && got[2] == 5 && got[3] == 0);
		spdk_bdev_set_qos_rate_limits(null0, l, qos_set_done, &g_qos_step);
		return;
	}
	case 3:
		CHECK(status == 0);
		CHECK(got[0] == 0 && got[1] == 0 && got[2] == 0 && got[3] == 0);
		/* No limits array. */
		spdk_bdev_set_qos_rate_limits(null0, NULL, qos_set_done, &g_qos_step);
		return;
	default:
		CHECK(status == -EINVAL);
		stage_resize();
	}
}

static void
stage_qos(void)
{
	struct spdk_bdev *null0 = spdk_bdev_desc_get_bdev(g_null_rw);
	uint64_t got[SPDK_BDEV_QOS_NUM_RATE_LIMIT_TYPES];
	uint64_t l[SPDK_BDEV_QOS_NUM_RATE_LIMIT_TYPES] = { 1500, 10, UINT64_MAX, UINT64_MAX };

	CHECK(strcmp(spdk_bdev_get_qos_rpc_type(SPDK_BDEV_QOS_RW_IOPS_RATE_LIMIT), "rw_ios_per_sec") == 0);
	CHECK(strcmp(spdk_bdev_get_qos_rpc_type(SPDK_BDEV_QOS_RW_BPS_RATE_LIMIT), "rw_mbytes_per_sec") == 0);
	CHECK(strcmp(spdk_bdev_get_qos_rpc_type(SPDK_BDEV_QOS_R_BPS_RATE_LIMIT), "r_mbytes_per_sec") == 0);
	CHECK(strcmp(spdk_bdev_get_qos_rpc_type(SPDK_BDEV_QOS_W_BPS_RATE_LIMIT), "w_mbytes_per_sec") == 0);
	CHECK(spdk_bdev_get_qos_rpc_type(SPDK_BDEV_QOS_NUM_RATE_LIMIT_TYPES) == NULL);
	memset(got, 0xff, sizeof(got));
	spdk_bdev_get_qos_rate_limits(null0, got);
	CHECK(got[0] == 0 && got[1] == 0 && got[2] == 0 && got[3] == 0);
	spdk_bdev_set_qos_rate_limits(null0, l, qos_set_done, &g_qos_step);
	/* The callback comes after this call returns. */
	CHECK(g_qos_status == 1 && g_qos_step == 0);
}

static void
stage_qos_io_done(void)
{
	uint64_t ms = (spdk_get_ticks() - g_qos_start) * 1000 / spdk_get_ticks_hz();
	uint64_t l[SPDK_BDEV_QOS_NUM_RATE_LIMIT_TYPES] = { UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX };

	/* 20 reads at 2000 IO/s take about 10 ms: never much less. */
	CHECK(ms >= 5);
	spdk_bdev_set_qos_rate_limits(spdk_bdev_desc_get_bdev(g_null_rw), l, qos_set_done, &g_qos_step);
}

/* ---- resize: spdk_bdev_notify_blockcnt_change ---- */

static void stage_split(void);

static void
stage_resize(void)
{
	CHECK(spdk_bdev_notify_blockcnt_change(NULL, 1) == -EINVAL);
	/* ram0 is open: it may grow, not shrink. */
	CHECK(spdk_bdev_notify_blockcnt_change(&g_ram_bdev, RAM_BLOCKS / 2) == -EBUSY);
	CHECK(spdk_bdev_get_num_blocks(&g_ram_bdev) == RAM_BLOCKS);
	CHECK(spdk_bdev_read_blocks(g_ram_desc, g_ram_ch, g_buf, RAM_BLOCKS, 1, io_done, NULL) == -EINVAL);
	CHECK(spdk_bdev_notify_blockcnt_change(&g_ram_bdev, RAM_CAPACITY) == 0);
	CHECK(spdk_bdev_get_num_blocks(&g_ram_bdev) == RAM_CAPACITY);
	/* The event reaches the descriptor on its thread, later. */
	CHECK(g_resized == 0);
	g_next = stage_split;
	SUBMIT(spdk_bdev_read_blocks(g_ram_desc, g_ram_ch, g_buf, RAM_CAPACITY - 1, 1, io_done, NULL));
}

/* ---- splitting on the optimal I/O boundary ---- */

#define SPLIT_OFF 45
#define SPLIT_BLOCKS 20
#define SPLIT_LEN (SPLIT_BLOCKS * RAM_BLOCKLEN)

static char *g_sbuf, *g_sbuf2;
static int g_ok_before;
static void stage_split_read(void);
static void stage_split_check(void);

static void
stage_split(void)
{
	static struct iovec iov[3];
	int i;

	CHECK(g_resized == 1);
	/* The library reads these at each submission: from now on, no read
	 * or write may reach the module across an 8-block boundary. */
	g_ram_bdev.optimal_io_boundary = 8;
	g_ram_bdev.split_on_optimal_io_boundary = 1;
	g_ram_boundary = 8;
	g_ram_rw = g_ram_crossings = 0;
	CHECK(spdk_bdev_get_optimal_io_boundary(&g_ram_bdev) == 8);
	g_sbuf = spdk_dma_zmalloc(SPLIT_LEN, 4096, NULL);
	g_sbuf2 = spdk_dma_zmalloc(SPLIT_LEN, 4096, NULL);
	CHECK(g_sbuf != NULL && g_sbuf2 != NULL);
	for (i = 0; i < SPLIT_LEN; i++) {
		g_sbuf[i] = (char)(i * 31 + 3);
	}
	/* Blocks 45-64 in pieces that end mid-block: children 45-47, 48-55,
	 * 56-63 and 64, each with its slice of the pieces. */
	iov[0].iov_base = g_sbuf;
	iov[0].iov_len = 1000;
	iov[1].iov_base = g_sbuf + 1000;
	iov[1].iov_len = 4000;
	iov[2].iov_base = g_sbuf + 5000;
	iov[2].iov_len = SPLIT_LEN - 5000;
	g_ok_before = g_ok;
	g_next = stage_split_read;
	SUBMIT(spdk_bdev_writev_blocks(g_ram_desc, g_ram_ch, iov, 3, SPLIT_OFF, SPLIT_BLOCKS, io_done, NULL));
}

static void
stage_split_read(void)
{
	CHECK(g_ok == g_ok_before + 1);
	CHECK(g_ram_rw == 4 && g_ram_crossings == 0);
	CHECK(memcmp(g_ram_data + SPLIT_OFF * RAM_BLOCKLEN, g_sbuf, SPLIT_LEN) == 0);
	g_next = stage_split_check;
	SUBMIT(spdk_bdev_read_blocks(g_ram_desc, g_ram_ch, g_sbuf2, SPLIT_OFF, SPLIT_BLOCKS, io_done, NULL));
	/* Within one stripe: not split. */
	SUBMIT(spdk_bdev_read_blocks(g_ram_desc, g_ram_ch, g_buf, 48, 8, io_done, NULL));
}

static void
stage_split_check(void)
{
	CHECK(g_ok == g_ok_before + 3);
	CHECK(g_ram_rw == 4 + 4 + 1 && g_ram_crossings == 0);
	CHECK(memcmp(g_sbuf2, g_sbuf, SPLIT_LEN) == 0);
	CHECK(memcmp(g_buf, g_sbuf + 3 * RAM_BLOCKLEN, 8 * RAM_BLOCKLEN) == 0);
	g_ram_bdev.optimal_io_boundary = 0;
	g_ram_bdev.split_on_optimal_io_boundary = 0;
	g_ram_boundary = 0;
	spdk_dma_free(g_sbuf);
	spdk_dma_free(g_sbuf2);
	spdk_dma_free(g_pat);
	spdk_dma_free(g_bad);
	spdk_dma_free(g_zero);
	stage_done();
}

static void
unregister_done(void *arg, int rc)
{
	g_unregistered = rc;
	CHECK(g_ram_destructs == 1);
	spdk_app_stop(0);
}

static void
stage_done(void)
{
	CHECK(g_waits == 1);
	spdk_put_io_channel(g_null_ch);
	spdk_put_io_channel(g_ram_ch);
	spdk_bdev_close(g_null_ro);
	spdk_bdev_close(g_null_rw);
	g_next = NULL;
	/* ram0 is still open: the unregister sends a remove event, whose
	 * handler closes it; then destruct runs and unregister_done stops. */
	spdk_bdev_unregister(&g_ram_bdev, unregister_done, NULL);
	CHECK(spdk_bdev_open_ext("ram0", false, event_cb, NULL, &g_null_ro) == -ENODEV);
}

static void
check_layouts(void)
{
	/* Offsets of SPDK v26.01 (x86-64), from its headers. */
	CHECK(sizeof(struct spdk_bdev) == 576);
	CHECK(offsetof(struct spdk_bdev, name) == 8);
	CHECK(offsetof(struct spdk_bdev, product_name) == 32);
	CHECK(offsetof(struct spdk_bdev, write_cache) == 40);
	CHECK(offsetof(struct spdk_bdev, blocklen) == 44);
	CHECK(offsetof(struct spdk_bdev, blockcnt) == 56);
	CHECK(offsetof(struct spdk_bdev, write_unit_size) == 68);
	CHECK(offsetof(struct spdk_bdev, required_alignment) == 74);
	CHECK(offsetof(struct spdk_bdev, optimal_io_boundary) == 76);
	CHECK(offsetof(struct spdk_bdev, max_rw_size) == 124);
	CHECK(offsetof(struct spdk_bdev, uuid) == 128);
	CHECK(offsetof(struct spdk_bdev, md_len) == 144);
	CHECK(offsetof(struct spdk_bdev, dif_type) == 152);
	CHECK(offsetof(struct spdk_bdev, zone_size) == 176);
	CHECK(offsetof(struct spdk_bdev, ctratt) == 204);
	CHECK(offsetof(struct spdk_bdev, nsid) == 208);
	CHECK(offsetof(struct spdk_bdev, numa) == 216);
	CHECK(offsetof(struct spdk_bdev, module) == 224);
	CHECK(offsetof(struct spdk_bdev, fn_table) == 232);
	CHECK(offsetof(struct spdk_bdev, internal) == 240);
	CHECK(sizeof(struct spdk_bdev_module) == 152);
	CHECK(offsetof(struct spdk_bdev_module, name) == 40);
	CHECK(offsetof(struct spdk_bdev_module, async_init) == 72);
	CHECK(offsetof(struct spdk_bdev_module, internal) == 80);
	CHECK(sizeof(struct spdk_bdev_fn_table) == 96);
	CHECK(sizeof(struct spdk_bdev_io) == 1216);
	CHECK(offsetof(struct spdk_bdev_io, type) == 8);
	CHECK(offsetof(struct spdk_bdev_io, u.bdev.iovs) == 576);
	CHECK(offsetof(struct spdk_bdev_io, u.bdev.iovcnt) == 584);
	CHECK(offsetof(struct spdk_bdev_io, u.bdev.num_blocks) == 592);
	CHECK(offsetof(struct spdk_bdev_io, u.bdev.offset_blocks) == 600);
	CHECK(offsetof(struct spdk_bdev_io, u.bdev.md_buf) == 632);
	CHECK(offsetof(struct spdk_bdev_io, internal) == 832);
	CHECK(offsetof(struct spdk_bdev_io, driver_ctx) == 1216);
	CHECK(sizeof(struct spdk_bdev_io_stat) == 176);
	CHECK(sizeof(struct spdk_bdev_opts) == 32);
	CHECK(sizeof(struct spdk_bdev_ext_io_opts) == 52);
	CHECK(sizeof(struct spdk_bdev_open_opts) == 16);
	/* The bitfields land where SPDK's do. */
	{
		struct spdk_bdev b;
		memset(&b, 0, sizeof(b));
		b.split_on_optimal_io_boundary = 1;
		CHECK(((uint32_t *)&b)[16] == 2);
	}
}

int
main(int argc, char **argv)
{
	struct spdk_app_opts opts;
	struct spdk_bdev_opts bopts;
	char sock[64], cfg[64];
	FILE *f;

	check_layouts();

	spdk_bdev_get_opts(&bopts, sizeof(bopts));
	CHECK(bopts.bdev_io_pool_size == 65535 && bopts.bdev_io_cache_size == 256);
	CHECK(bopts.opts_size == sizeof(bopts));
	bopts.bdev_io_pool_size = 8;
	bopts.bdev_io_cache_size = 16;
	CHECK(spdk_bdev_set_opts(&bopts) == -1);
	CHECK(spdk_bdev_set_opts(NULL) == -1);
	/* A tiny pool (half of it cached by the app thread): the 33rd
	 * outstanding I/O gets -ENOMEM. */
	bopts.bdev_io_pool_size = 32;
	bopts.bdev_io_cache_size = 16;
	CHECK(spdk_bdev_set_opts(&bopts) == 0);

	snprintf(cfg, sizeof(cfg), "/tmp/bdev_test.%d.json", getpid());
	f = fopen(cfg, "w");
	CHECK(f != NULL);
	if (f == NULL) {
		return harness_done("bdev");
	}
	fprintf(f, "{\"subsystems\": [{\"subsystem\": \"bdev\", \"config\": ["
		"{\"method\": \"bdev_null_create\", \"params\": "
		"{\"name\": \"null0\", \"num_blocks\": 1024, \"block_size\": 4096}}]}]}\n");
	fclose(f);

	spdk_app_opts_init(&opts, sizeof(opts));
	opts.name = "bdev_test";
	opts.reactor_mask = "0x1";
	opts.no_huge = true;
	opts.json_config_file = cfg;
	snprintf(sock, sizeof(sock), "/tmp/bdev_test.%d.sock", getpid());
	opts.rpc_addr = sock;
	CHECK(spdk_app_start(&opts, start, NULL) == 0);
	unlink(cfg);
	CHECK(g_unregistered == 0);
	CHECK(g_removed == 1);
	CHECK(spdk_bdev_get_by_name("ram0") == NULL);
	spdk_dma_free(g_buf);
	spdk_dma_free(g_buf2);
	spdk_app_fini();
	return harness_done("bdev");
}
