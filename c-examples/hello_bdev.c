/*
 * hello_bdev: the first program of an SPDK bdev user. An application (SPDK's
 * standard options) whose JSON configuration creates bdevs; it opens the one
 * named by -b (default Malloc0), writes "Hello World!" to its first block,
 * reads the block back, checks it, asks the bdev to compare it too
 * (spdk_bdev_compare_blocks), and stops: exit status 0 when all went well.
 *
 *   ./hello_bdev --json bdev.json -b Malloc0
 *
 * with bdev.json:
 *
 *   {"subsystems": [{"subsystem": "bdev", "config": [{"method":
 *     "bdev_malloc_create", "params": {"name": "Malloc0",
 *     "num_blocks": 8192, "block_size": 512}}]}]}
 *
 * Every I/O that finds no spdk_bdev_io free (-ENOMEM) waits for one with
 * spdk_bdev_queue_io_wait and is submitted again.
 */
#include "spdk/stdinc.h"
#include "spdk/bdev.h"
#include "spdk/env.h"
#include "spdk/event.h"
#include "spdk/log.h"
#include "spdk/string.h"
#include "spdk/thread.h"

#define HELLO_STRING "Hello World!\n"

static const char *g_bdev_name = "Malloc0";

struct hello_context {
	struct spdk_bdev *bdev;
	struct spdk_bdev_desc *desc;
	struct spdk_io_channel *ch;
	uint32_t block_size;
	char *wbuf;
	char *rbuf;
	struct spdk_bdev_io_wait_entry wait;
};

static void hello_read(void *arg);
static void hello_compare(void *arg);

/* Releases what the app holds and stops it with `rc` (spdk_app_start's
 * return value). */
static void
hello_stop(struct hello_context *ctx, int rc)
{
	if (ctx->ch != NULL) {
		spdk_put_io_channel(ctx->ch);
		ctx->ch = NULL;
	}
	if (ctx->desc != NULL) {
		spdk_bdev_close(ctx->desc);
		ctx->desc = NULL;
	}
	SPDK_NOTICELOG("Stopping app\n");
	spdk_app_stop(rc);
}

/* After a submission: -ENOMEM waits for a free spdk_bdev_io and calls
 * `step` again; any other error stops the app. */
static void
hello_submitted(struct hello_context *ctx, int rc, spdk_bdev_io_wait_cb step, const char *what)
{
	if (rc == 0) {
		return;
	}
	if (rc == -ENOMEM) {
		SPDK_NOTICELOG("Queueing %s\n", what);
		ctx->wait.bdev = ctx->bdev;
		ctx->wait.cb_fn = step;
		ctx->wait.cb_arg = ctx;
		rc = spdk_bdev_queue_io_wait(ctx->bdev, ctx->ch, &ctx->wait);
		if (rc == 0) {
			return;
		}
	}
	SPDK_ERRLOG("%s error while submitting the %s: %d\n", spdk_strerror(-rc), what, rc);
	hello_stop(ctx, -1);
}

static void
compare_complete(struct spdk_bdev_io *bdev_io, bool success, void *cb_arg)
{
	struct hello_context *ctx = cb_arg;
	uint32_t cdw0;
	int sct, sc;

	spdk_bdev_io_get_nvme_status(bdev_io, &cdw0, &sct, &sc);
	spdk_bdev_free_io(bdev_io);
	if (!success) {
		SPDK_ERRLOG("bdev compare failed (sct %d, sc 0x%x)\n", sct, sc);
		hello_stop(ctx, -1);
		return;
	}
	SPDK_NOTICELOG("bdev compare matched\n");
	hello_stop(ctx, 0);
}

static void
hello_compare(void *arg)
{
	struct hello_context *ctx = arg;
	int rc;

	rc = spdk_bdev_compare_blocks(ctx->desc, ctx->ch, ctx->wbuf, 0, 1, compare_complete, ctx);
	hello_submitted(ctx, rc, hello_compare, "compare");
}

static void
read_complete(struct spdk_bdev_io *bdev_io, bool success, void *cb_arg)
{
	struct hello_context *ctx = cb_arg;

	spdk_bdev_free_io(bdev_io);
	if (!success) {
		SPDK_ERRLOG("bdev io read error\n");
		hello_stop(ctx, -1);
		return;
	}
	SPDK_NOTICELOG("Read string from bdev : %s", ctx->rbuf);
	if (memcmp(ctx->rbuf, ctx->wbuf, ctx->block_size) != 0) {
		SPDK_ERRLOG("the block read back differs from the one written\n");
		hello_stop(ctx, -1);
		return;
	}
	hello_compare(ctx);
}

static void
hello_read(void *arg)
{
	struct hello_context *ctx = arg;
	int rc;

	SPDK_NOTICELOG("Reading io\n");
	rc = spdk_bdev_read(ctx->desc, ctx->ch, ctx->rbuf, 0, ctx->block_size, read_complete, ctx);
	hello_submitted(ctx, rc, hello_read, "read");
}

static void
write_complete(struct spdk_bdev_io *bdev_io, bool success, void *cb_arg)
{
	struct hello_context *ctx = cb_arg;

	spdk_bdev_free_io(bdev_io);
	if (!success) {
		SPDK_ERRLOG("bdev io write error: %d\n", EIO);
		hello_stop(ctx, -1);
		return;
	}
	SPDK_NOTICELOG("bdev io write completed successfully\n");
	hello_read(ctx);
}

static void
hello_write(void *arg)
{
	struct hello_context *ctx = arg;
	int rc;

	SPDK_NOTICELOG("Writing to the bdev\n");
	rc = spdk_bdev_write(ctx->desc, ctx->ch, ctx->wbuf, 0, ctx->block_size, write_complete, ctx);
	hello_submitted(ctx, rc, hello_write, "write");
}

/* hello_bdev is short-lived: events (removal, resize) are only logged. */
static void
hello_bdev_event(enum spdk_bdev_event_type type, struct spdk_bdev *bdev, void *event_ctx)
{
	SPDK_NOTICELOG("Unsupported bdev event: type %d\n", type);
}

static void
hello_start(void *arg)
{
	struct hello_context *ctx = arg;
	size_t align;
	int rc;

	SPDK_NOTICELOG("Successfully started the application\n");
	SPDK_NOTICELOG("Opening the bdev %s\n", g_bdev_name);
	rc = spdk_bdev_open_ext(g_bdev_name, true, hello_bdev_event, NULL, &ctx->desc);
	if (rc != 0) {
		SPDK_ERRLOG("Could not open bdev %s: %s\n", g_bdev_name, spdk_strerror(-rc));
		ctx->desc = NULL;
		spdk_app_stop(-1);
		return;
	}
	ctx->bdev = spdk_bdev_desc_get_bdev(ctx->desc);

	SPDK_NOTICELOG("Opening io channel\n");
	ctx->ch = spdk_bdev_get_io_channel(ctx->desc);
	if (ctx->ch == NULL) {
		SPDK_ERRLOG("Could not create bdev I/O channel\n");
		hello_stop(ctx, -1);
		return;
	}

	ctx->block_size = spdk_bdev_get_block_size(ctx->bdev);
	align = spdk_bdev_get_buf_align(ctx->bdev);
	ctx->wbuf = spdk_dma_zmalloc(ctx->block_size, align, NULL);
	ctx->rbuf = spdk_dma_zmalloc(ctx->block_size, align, NULL);
	if (ctx->wbuf == NULL || ctx->rbuf == NULL || ctx->block_size < sizeof(HELLO_STRING)) {
		SPDK_ERRLOG("Failed to allocate buffers\n");
		hello_stop(ctx, -1);
		return;
	}
	snprintf(ctx->wbuf, ctx->block_size, "%s", HELLO_STRING);
	hello_write(ctx);
}

static int
hello_parse_arg(int ch, char *arg)
{
	switch (ch) {
	case 'b':
		g_bdev_name = arg;
		return 0;
	default:
		return -EINVAL;
	}
}

static void
hello_usage(void)
{
	printf(" -b <bdev>                 name of the bdev to use (default Malloc0)\n");
}

int
main(int argc, char **argv)
{
	struct spdk_app_opts opts = {};
	struct hello_context ctx = {};
	int rc;

	spdk_app_opts_init(&opts, sizeof(opts));
	opts.name = "hello_bdev";
	rc = spdk_app_parse_args(argc, argv, &opts, "b:", NULL, hello_parse_arg, hello_usage);
	if (rc != SPDK_APP_PARSE_ARGS_SUCCESS) {
		return rc == SPDK_APP_PARSE_ARGS_HELP ? 0 : 1;
	}

	/* Runs hello_start on the app thread and returns when it (or an error
	 * on the way up) calls spdk_app_stop. */
	rc = spdk_app_start(&opts, hello_start, &ctx);
	if (rc != 0) {
		SPDK_ERRLOG("ERROR starting application or running hello_bdev\n");
	}
	spdk_dma_free(ctx.wbuf);
	spdk_dma_free(ctx.rbuf);
	spdk_app_fini();
	return rc == 0 ? 0 : 1;
}
