/* bdev.h and bdev_module.h as SPDK applications and modules use them, in
 * the style of SPDK's hello_bdev: an app on one reactor whose JSON
 * configuration creates a null bdev, plus a RAM bdev module written here in
 * C (SPDK_BDEV_MODULE_REGISTER). The app opens both, gets channels, writes
 * and reads back, checks the errors SPDK returns for bad input, runs the
 * bdev_io pool dry (-ENOMEM, spdk_bdev_queue_io_wait), reads statistics,
 * unregisters, and stops. Struct offsets are checked against SPDK's. */
#include "spdk/stdinc.h"
#include "spdk/event.h"
#include "spdk/thread.h"
#include "spdk/env.h"
#include "spdk/bdev.h"
#include "spdk/bdev_module.h"
#include "harness.h"

/* ---- a RAM bdev module in C ---- */

#define RAM_BLOCKS 64
#define RAM_BLOCKLEN 512

struct ram_io {
	uint64_t magic;
};

static char g_ram_data[RAM_BLOCKS * RAM_BLOCKLEN];
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
	default:
		spdk_bdev_io_complete(bdev_io, SPDK_BDEV_IO_STATUS_FAILED);
	}
}

static bool
ram_io_type_supported(void *ctx, enum spdk_bdev_io_type type)
{
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
static int g_removed, g_unregistered = -1, g_waits;
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
	}
}

static void stage_io(void);
static void stage_getbuf(void);
static void stage_errors(void);
static void stage_nomem(void);
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

	g_next = stage_done;
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
