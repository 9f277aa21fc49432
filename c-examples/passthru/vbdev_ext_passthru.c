/*
 * ext_passthru: a bdev module in C that uses only SPDK's public API
 * (spdk/bdev_module.h), as an out-of-tree module would.
 *
 *   - each passthru bdev opens its base with spdk_bdev_open_ext, claims it
 *     (spdk_bdev_module_claim_bdev) and registers itself as an io_device
 *     whose per-thread channels hold a channel of the base;
 *   - every I/O type the base supports (read, write, unmap, flush,
 *     write_zeroes, reset, compare, compare-and-write, copy, abort) is passed
 *     down with the matching spdk_bdev_* call and completed with
 *     spdk_bdev_io_complete, keeping a
 *     miscompare, an abort, an NVMe or an aio error as the base reported it;
 *     a base out of spdk_bdev_io (-ENOMEM) queues the I/O with
 *     spdk_bdev_queue_io_wait, in the per-I/O context (no allocation);
 *   - configurations whose base does not exist yet are built by
 *     examine_config when the base registers; a removed base unregisters its
 *     passthru bdevs (the configuration stays, so they come back with it);
 *     a resized base resizes them;
 *   - save_config writes one construct_ext_passthru_bdev per passthru bdev
 *     (write_config_json) and per configuration still waiting for its base
 *     (the module's config_json).
 *
 * Every callback of the module runs on the app thread except the I/O path,
 * which runs on the submitting thread and touches only that thread's
 * channel and the I/O's own context.
 */
#include "spdk/stdinc.h"
#include "spdk/bdev.h"
#include "spdk/bdev_module.h"
#include "spdk/json.h"
#include "spdk/log.h"
#include "spdk/nvme_spec.h"
#include "spdk/queue.h"
#include "spdk/string.h"
#include "spdk/thread.h"
#include "spdk/util.h"
#include "spdk/uuid.h"

#include "vbdev_ext_passthru.h"

SPDK_LOG_REGISTER_COMPONENT(ext_passthru)

/* Namespace of the UUIDs derived from the base's, so that a passthru bdev
 * keeps its UUID across restarts. */
#define EXT_PT_UUID_NAMESPACE "5b0a3c1e-2f4d-4e8a-9c61-7d2e8f4a0b93"

/* A configured passthru bdev (kept until deleted). */
struct pt_config {
	char *name;
	char *base_name;
	TAILQ_ENTRY(pt_config) link;
};

/* A registered passthru bdev: bdev.ctxt and the io_device are the node. */
struct pt_node {
	struct spdk_bdev bdev;
	struct spdk_bdev *base;
	struct spdk_bdev_desc *base_desc;
	/* The thread that opened base_desc, which must close it. */
	struct spdk_thread *thread;
	TAILQ_ENTRY(pt_node) link;
};

/* Per-thread channel of a passthru bdev. */
struct pt_channel {
	struct spdk_io_channel *base_ch;
};

/* driver_ctx of each I/O: what a retry after -ENOMEM needs. */
struct pt_io {
	struct spdk_io_channel *ch;
	struct spdk_bdev_io_wait_entry wait;
};

static TAILQ_HEAD(, pt_config) g_configs = TAILQ_HEAD_INITIALIZER(g_configs);
static TAILQ_HEAD(, pt_node) g_nodes = TAILQ_HEAD_INITIALIZER(g_nodes);

static int pt_module_init(void);
static void pt_module_fini(void);
static int pt_get_ctx_size(void);
static void pt_examine_config(struct spdk_bdev *bdev);
static int pt_config_json(struct spdk_json_write_ctx *w);

static struct spdk_bdev_module g_ext_passthru_module = {
	.name = "ext_passthru",
	.module_init = pt_module_init,
	.module_fini = pt_module_fini,
	.get_ctx_size = pt_get_ctx_size,
	.examine_config = pt_examine_config,
	.config_json = pt_config_json,
};

SPDK_BDEV_MODULE_REGISTER(ext_passthru, &g_ext_passthru_module)

static int
pt_module_init(void)
{
	return 0;
}

static void
pt_config_free(struct pt_config *c)
{
	free(c->name);
	free(c->base_name);
	free(c);
}

static void
pt_module_fini(void)
{
	struct pt_config *c;

	while ((c = TAILQ_FIRST(&g_configs)) != NULL) {
		TAILQ_REMOVE(&g_configs, c, link);
		pt_config_free(c);
	}
}

static int
pt_get_ctx_size(void)
{
	return sizeof(struct pt_io);
}

/* ---- the I/O path ---- */

/* The status of the base's I/O, carried over to ours: miscompares, aborts,
 * NVMe and aio errors stay what they were. */
static void
pt_base_done(struct spdk_bdev_io *base_io, bool success, void *cb_arg)
{
	struct spdk_bdev_io *io = cb_arg;
	uint32_t cdw0 = 0;
	int sct = 0, sc = 0, aio = 0;

	if (success) {
		/* Freed first, so that the upper callback may reuse it. */
		spdk_bdev_free_io(base_io);
		spdk_bdev_io_complete(io, SPDK_BDEV_IO_STATUS_SUCCESS);
		return;
	}
	spdk_bdev_io_get_nvme_status(base_io, &cdw0, &sct, &sc);
	spdk_bdev_io_get_aio_status(base_io, &aio);
	spdk_bdev_free_io(base_io);
	if (sct == SPDK_NVME_SCT_GENERIC && sc == SPDK_NVME_SC_SUCCESS) {
		/* A failed abort (nothing found) has no error status. */
		spdk_bdev_io_complete(io, SPDK_BDEV_IO_STATUS_FAILED);
	} else if (sct == SPDK_NVME_SCT_MEDIA_ERROR && sc == SPDK_NVME_SC_COMPARE_FAILURE) {
		spdk_bdev_io_complete(io, SPDK_BDEV_IO_STATUS_MISCOMPARE);
	} else if (sct == SPDK_NVME_SCT_GENERIC && sc == SPDK_NVME_SC_ABORTED_BY_REQUEST) {
		spdk_bdev_io_complete(io, SPDK_BDEV_IO_STATUS_ABORTED);
	} else if (!(sct == SPDK_NVME_SCT_GENERIC && sc == SPDK_NVME_SC_INTERNAL_DEVICE_ERROR)) {
		spdk_bdev_io_complete_nvme_status(io, cdw0, sct, sc);
	} else if (aio != 0 && aio != -EIO) {
		spdk_bdev_io_complete_aio_status(io, aio);
	} else {
		spdk_bdev_io_complete(io, SPDK_BDEV_IO_STATUS_FAILED);
	}
}

static void pt_forward(struct spdk_bdev_io *io);

static void
pt_resubmit(void *arg)
{
	pt_forward(arg);
}

/* Passes `io` down to the base on this thread's base channel. */
static void
pt_forward(struct spdk_bdev_io *io)
{
	struct pt_node *pt = io->bdev->ctxt;
	struct pt_io *pio = (struct pt_io *)io->driver_ctx;
	struct pt_channel *pch = spdk_io_channel_get_ctx(pio->ch);
	struct spdk_bdev_io_block_params *p = &io->u.bdev;
	struct spdk_bdev_desc *d = pt->base_desc;
	struct spdk_io_channel *bch = pch->base_ch;
	int rc;

	switch (io->type) {
	case SPDK_BDEV_IO_TYPE_READ:
		rc = spdk_bdev_readv_blocks(d, bch, p->iovs, p->iovcnt, p->offset_blocks,
					    p->num_blocks, pt_base_done, io);
		break;
	case SPDK_BDEV_IO_TYPE_WRITE:
		rc = spdk_bdev_writev_blocks(d, bch, p->iovs, p->iovcnt, p->offset_blocks,
					     p->num_blocks, pt_base_done, io);
		break;
	case SPDK_BDEV_IO_TYPE_UNMAP:
		rc = spdk_bdev_unmap_blocks(d, bch, p->offset_blocks, p->num_blocks, pt_base_done, io);
		break;
	case SPDK_BDEV_IO_TYPE_FLUSH:
		rc = spdk_bdev_flush_blocks(d, bch, p->offset_blocks, p->num_blocks, pt_base_done, io);
		break;
	case SPDK_BDEV_IO_TYPE_WRITE_ZEROES:
		rc = spdk_bdev_write_zeroes_blocks(d, bch, p->offset_blocks, p->num_blocks,
						   pt_base_done, io);
		break;
	case SPDK_BDEV_IO_TYPE_RESET:
		rc = spdk_bdev_reset(d, bch, pt_base_done, io);
		break;
	case SPDK_BDEV_IO_TYPE_COMPARE:
		rc = spdk_bdev_comparev_blocks(d, bch, p->iovs, p->iovcnt, p->offset_blocks,
					       p->num_blocks, pt_base_done, io);
		break;
	case SPDK_BDEV_IO_TYPE_COMPARE_AND_WRITE:
		rc = spdk_bdev_comparev_and_writev_blocks(d, bch, p->iovs, p->iovcnt, p->fused_iovs,
				p->fused_iovcnt, p->offset_blocks, p->num_blocks,
				pt_base_done, io);
		break;
	case SPDK_BDEV_IO_TYPE_COPY:
		rc = spdk_bdev_copy_blocks(d, bch, p->offset_blocks, p->copy.src_offset_blocks,
					   p->num_blocks, pt_base_done, io);
		break;
	case SPDK_BDEV_IO_TYPE_ABORT:
		/* Our I/O to abort went down with itself as the callback
		 * argument: that is what the base looks for. */
		rc = spdk_bdev_abort(d, bch, io->u.abort.bio_to_abort, pt_base_done, io);
		break;
	default:
		/* io_type_supported announced no other type. */
		SPDK_ERRLOG("ext_passthru: unexpected I/O type %d\n", io->type);
		rc = -EINVAL;
		break;
	}
	if (rc == 0) {
		return;
	}
	if (rc == -ENOMEM) {
		/* The base has no spdk_bdev_io left on this thread: try again
		 * when one is freed. */
		pio->wait.bdev = pt->base;
		pio->wait.cb_fn = pt_resubmit;
		pio->wait.cb_arg = io;
		rc = spdk_bdev_queue_io_wait(pt->base, bch, &pio->wait);
		if (rc == 0) {
			SPDK_INFOLOG(ext_passthru, "%s: I/O queued until the base has a bdev_io\n",
				     pt->bdev.name);
			return;
		}
	}
	SPDK_ERRLOG("ext_passthru %s: submission to %s failed: %s\n", pt->bdev.name,
		    spdk_bdev_get_name(pt->base), spdk_strerror(-rc));
	spdk_bdev_io_complete(io, SPDK_BDEV_IO_STATUS_FAILED);
}

/* A read may arrive without a buffer: get one of our own, so that the base
 * never lends us memory we would hand back up. */
static void
pt_read_buf_ready(struct spdk_io_channel *ch, struct spdk_bdev_io *io, bool success)
{
	if (!success) {
		spdk_bdev_io_complete(io, SPDK_BDEV_IO_STATUS_FAILED);
		return;
	}
	pt_forward(io);
}

static void
pt_submit_request(struct spdk_io_channel *ch, struct spdk_bdev_io *io)
{
	struct pt_io *pio = (struct pt_io *)io->driver_ctx;

	pio->ch = ch;
	if (io->type == SPDK_BDEV_IO_TYPE_READ) {
		spdk_bdev_io_get_buf(io, pt_read_buf_ready,
				     io->u.bdev.num_blocks * io->bdev->blocklen);
		return;
	}
	pt_forward(io);
}

static bool
pt_io_type_supported(void *ctx, enum spdk_bdev_io_type type)
{
	struct pt_node *pt = ctx;

	switch (type) {
	case SPDK_BDEV_IO_TYPE_READ:
	case SPDK_BDEV_IO_TYPE_WRITE:
	case SPDK_BDEV_IO_TYPE_UNMAP:
	case SPDK_BDEV_IO_TYPE_FLUSH:
	case SPDK_BDEV_IO_TYPE_WRITE_ZEROES:
	case SPDK_BDEV_IO_TYPE_RESET:
	case SPDK_BDEV_IO_TYPE_COMPARE:
	case SPDK_BDEV_IO_TYPE_COMPARE_AND_WRITE:
	case SPDK_BDEV_IO_TYPE_COPY:
	case SPDK_BDEV_IO_TYPE_ABORT:
		return spdk_bdev_io_type_supported(pt->base, type);
	default:
		return false;
	}
}

static struct spdk_io_channel *
pt_get_io_channel(void *ctx)
{
	return spdk_get_io_channel(ctx);
}

static int
pt_channel_create(void *io_device, void *ctx_buf)
{
	struct pt_node *pt = io_device;
	struct pt_channel *pch = ctx_buf;

	pch->base_ch = spdk_bdev_get_io_channel(pt->base_desc);
	return pch->base_ch != NULL ? 0 : -ENOMEM;
}

static void
pt_channel_destroy(void *io_device, void *ctx_buf)
{
	struct pt_channel *pch = ctx_buf;

	spdk_put_io_channel(pch->base_ch);
}

/* ---- JSON ---- */

/* bdev_get_bdevs' driver_specific section. */
static int
pt_dump_info_json(void *ctx, struct spdk_json_write_ctx *w)
{
	struct pt_node *pt = ctx;

	spdk_json_write_named_object_begin(w, "ext_passthru");
	spdk_json_write_named_string(w, "name", spdk_bdev_get_name(&pt->bdev));
	spdk_json_write_named_string(w, "base_bdev_name", spdk_bdev_get_name(pt->base));
	spdk_json_write_object_end(w);
	return 0;
}

static void
pt_write_construct(struct spdk_json_write_ctx *w, const char *base_name, const char *name)
{
	spdk_json_write_object_begin(w);
	spdk_json_write_named_string(w, "method", "construct_ext_passthru_bdev");
	spdk_json_write_named_object_begin(w, "params");
	spdk_json_write_named_string(w, "base_bdev_name", base_name);
	spdk_json_write_named_string(w, "name", name);
	spdk_json_write_object_end(w);
	spdk_json_write_object_end(w);
}

/* save_config: a registered passthru bdev, after its base. */
static void
pt_write_config_json(struct spdk_bdev *bdev, struct spdk_json_write_ctx *w)
{
	struct pt_node *pt = bdev->ctxt;

	pt_write_construct(w, spdk_bdev_get_name(pt->base), spdk_bdev_get_name(bdev));
}

static struct pt_node *
pt_find_node(const char *name)
{
	struct pt_node *pt;

	TAILQ_FOREACH(pt, &g_nodes, link) {
		if (strcmp(pt->bdev.name, name) == 0) {
			return pt;
		}
	}
	return NULL;
}

/* save_config: the configurations still waiting for their base. */
static int
pt_config_json(struct spdk_json_write_ctx *w)
{
	struct pt_config *c;

	TAILQ_FOREACH(c, &g_configs, link) {
		if (pt_find_node(c->name) == NULL) {
			pt_write_construct(w, c->base_name, c->name);
		}
	}
	return 0;
}

/* ---- building and tearing down ---- */

static void
pt_close_base(void *desc)
{
	spdk_bdev_close(desc);
}

static void
pt_node_free(void *io_device)
{
	struct pt_node *pt = io_device;

	free(pt->bdev.name);
	free(pt);
}

static int
pt_destruct(void *ctx)
{
	struct pt_node *pt = ctx;

	TAILQ_REMOVE(&g_nodes, pt, link);
	spdk_bdev_module_release_bdev(pt->base);
	if (pt->thread != NULL && pt->thread != spdk_get_thread()) {
		spdk_thread_send_msg(pt->thread, pt_close_base, pt->base_desc);
	} else {
		spdk_bdev_close(pt->base_desc);
	}
	/* The node goes when the last channel of it is gone. */
	spdk_io_device_unregister(pt, pt_node_free);
	return 0;
}

static const struct spdk_bdev_fn_table g_pt_fn_table = {
	.destruct = pt_destruct,
	.submit_request = pt_submit_request,
	.io_type_supported = pt_io_type_supported,
	.get_io_channel = pt_get_io_channel,
	.dump_info_json = pt_dump_info_json,
	.write_config_json = pt_write_config_json,
};

/* Events of a base, on the thread that opened it. */
static void
pt_base_event(enum spdk_bdev_event_type type, struct spdk_bdev *bdev, void *ctx)
{
	struct pt_node *pt, *tmp;

	switch (type) {
	case SPDK_BDEV_EVENT_REMOVE:
		TAILQ_FOREACH_SAFE(pt, &g_nodes, link, tmp) {
			if (pt->base == bdev) {
				spdk_bdev_unregister(&pt->bdev, NULL, NULL);
			}
		}
		break;
	case SPDK_BDEV_EVENT_RESIZE:
		TAILQ_FOREACH(pt, &g_nodes, link) {
			if (pt->base == bdev &&
			    spdk_bdev_notify_blockcnt_change(&pt->bdev, spdk_bdev_get_num_blocks(bdev)) != 0) {
				SPDK_ERRLOG("ext_passthru %s: cannot follow the resize of %s\n",
					    pt->bdev.name, spdk_bdev_get_name(bdev));
			}
		}
		break;
	default:
		SPDK_NOTICELOG("ext_passthru: unsupported bdev event %d\n", type);
		break;
	}
}

/* Registers the passthru bdev of `c`, whose base exists. */
static int
pt_build(struct pt_config *c)
{
	struct spdk_bdev_desc *desc;
	struct spdk_bdev *base;
	struct spdk_uuid ns;
	struct pt_node *pt;
	int rc;

	rc = spdk_bdev_open_ext(c->base_name, true, pt_base_event, NULL, &desc);
	if (rc != 0) {
		if (rc != -ENODEV) {
			SPDK_ERRLOG("ext_passthru: cannot open %s: %s\n", c->base_name, spdk_strerror(-rc));
		}
		return rc;
	}
	base = spdk_bdev_desc_get_bdev(desc);
	if (spdk_bdev_is_md_separate(base)) {
		/* Separate metadata would need the *_with_md calls. */
		SPDK_ERRLOG("ext_passthru: %s has separate metadata, not supported\n", c->base_name);
		spdk_bdev_close(desc);
		return -ENOTSUP;
	}
	pt = calloc(1, sizeof(*pt));
	if (pt == NULL || (pt->bdev.name = strdup(c->name)) == NULL) {
		free(pt);
		spdk_bdev_close(desc);
		return -ENOMEM;
	}
	pt->base = base;
	pt->base_desc = desc;
	pt->thread = spdk_get_thread();

	pt->bdev.product_name = "ext_passthru";
	pt->bdev.write_cache = base->write_cache;
	pt->bdev.blocklen = base->blocklen;
	pt->bdev.phys_blocklen = base->phys_blocklen;
	pt->bdev.blockcnt = base->blockcnt;
	pt->bdev.write_unit_size = base->write_unit_size;
	pt->bdev.acwu = base->acwu;
	pt->bdev.required_alignment = base->required_alignment;
	pt->bdev.optimal_io_boundary = base->optimal_io_boundary;
	pt->bdev.md_interleave = base->md_interleave;
	pt->bdev.md_len = base->md_len;
	spdk_uuid_parse(&ns, EXT_PT_UUID_NAMESPACE);
	spdk_uuid_generate_sha1(&pt->bdev.uuid, &ns, (const char *)&base->uuid, sizeof(base->uuid));
	pt->bdev.ctxt = pt;
	pt->bdev.fn_table = &g_pt_fn_table;
	pt->bdev.module = &g_ext_passthru_module;

	spdk_io_device_register(pt, pt_channel_create, pt_channel_destroy,
				sizeof(struct pt_channel), c->name);
	rc = spdk_bdev_module_claim_bdev(base, desc, &g_ext_passthru_module);
	if (rc != 0) {
		SPDK_ERRLOG("ext_passthru: cannot claim %s: %s\n", c->base_name, spdk_strerror(-rc));
		goto undo;
	}
	TAILQ_INSERT_TAIL(&g_nodes, pt, link);
	rc = spdk_bdev_register(&pt->bdev);
	if (rc != 0) {
		SPDK_ERRLOG("ext_passthru: cannot register %s: %s\n", c->name, spdk_strerror(-rc));
		TAILQ_REMOVE(&g_nodes, pt, link);
		spdk_bdev_module_release_bdev(base);
		goto undo;
	}
	SPDK_NOTICELOG("ext_passthru %s created on %s\n", c->name, c->base_name);
	return 0;
undo:
	spdk_bdev_close(desc);
	spdk_io_device_unregister(pt, pt_node_free);
	return rc;
}

/* A new bdev: build the configurations waiting for it. */
static void
pt_examine_config(struct spdk_bdev *bdev)
{
	struct pt_config *c;

	TAILQ_FOREACH(c, &g_configs, link) {
		if (strcmp(c->base_name, spdk_bdev_get_name(bdev)) == 0 &&
		    pt_find_node(c->name) == NULL) {
			pt_build(c);
		}
	}
	spdk_bdev_module_examine_done(&g_ext_passthru_module);
}

static struct pt_config *
pt_find_config(const char *name)
{
	struct pt_config *c;

	TAILQ_FOREACH(c, &g_configs, link) {
		if (strcmp(c->name, name) == 0) {
			return c;
		}
	}
	return NULL;
}

int
ext_passthru_create(const char *base_name, const char *name)
{
	struct pt_config *c;
	int rc;

	if (base_name == NULL || name == NULL || *base_name == '\0' || *name == '\0') {
		return -EINVAL;
	}
	if (pt_find_config(name) != NULL) {
		SPDK_ERRLOG("ext_passthru %s already exists\n", name);
		return -EEXIST;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return -ENOMEM;
	}
	c->name = strdup(name);
	c->base_name = strdup(base_name);
	if (c->name == NULL || c->base_name == NULL) {
		pt_config_free(c);
		return -ENOMEM;
	}
	TAILQ_INSERT_TAIL(&g_configs, c, link);
	rc = pt_build(c);
	if (rc == -ENODEV) {
		SPDK_NOTICELOG("ext_passthru %s: waiting for base bdev %s\n", name, base_name);
		return 0;
	}
	if (rc != 0) {
		TAILQ_REMOVE(&g_configs, c, link);
		pt_config_free(c);
	}
	return rc;
}

void
ext_passthru_delete(const char *name, spdk_bdev_unregister_cb cb_fn, void *cb_arg)
{
	struct pt_config *c = pt_find_config(name);
	int rc;

	if (c != NULL) {
		TAILQ_REMOVE(&g_configs, c, link);
		pt_config_free(c);
	}
	rc = spdk_bdev_unregister_by_name(name, &g_ext_passthru_module, cb_fn, cb_arg);
	if (rc != 0 && cb_fn != NULL) {
		/* A configuration that was waiting for its base is simply gone. */
		cb_fn(cb_arg, c != NULL ? 0 : rc);
	}
}
