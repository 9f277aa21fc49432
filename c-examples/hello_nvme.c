/*   SPDX-License-Identifier: BSD-3-Clause
 *
 * hello_nvme: the NVMe driver's "hello world", as SPDK's
 * examples/nvme/hello_world does it: probe the controllers of a
 * transport ID (-r; every local PCIe controller by default), take each
 * active namespace as the controllers attach, write "Hello world!\n" to
 * its LBA 0, read the block back into another buffer, check and print it,
 * then detach the controllers. Exits 1 on any failure.
 */

#include "spdk/stdinc.h"

#include "spdk/env.h"
#include "spdk/log.h"
#include "spdk/nvme.h"
#include "spdk/string.h"
#include "spdk_internal/nvme_util.h"

#define HELLO_TEXT "Hello world!\n"
#define MAX_NAMESPACES 64

struct hello_ns {
	struct spdk_nvme_ctrlr *ctrlr;
	struct spdk_nvme_ns *ns;
	struct spdk_nvme_qpair *qpair;
};

/* Where one namespace's write-then-read stands. */
struct hello_io {
	struct hello_ns *entry;
	char *buf;
	size_t buf_len;
	bool done;
	bool failed;
};

static struct spdk_nvme_ctrlr *g_ctrlrs[MAX_NAMESPACES];
static int g_num_ctrlrs;
static struct hello_ns g_ns[MAX_NAMESPACES];
static int g_num_ns;
static struct spdk_nvme_transport_id g_trid;

static void
add_namespace(struct spdk_nvme_ctrlr *ctrlr, struct spdk_nvme_ns *ns)
{
	if (!spdk_nvme_ns_is_active(ns) || g_num_ns == MAX_NAMESPACES) {
		return;
	}
	g_ns[g_num_ns].ctrlr = ctrlr;
	g_ns[g_num_ns].ns = ns;
	g_num_ns++;
	printf("  Namespace ID: %u size: %juGB\n", spdk_nvme_ns_get_id(ns),
	       (uintmax_t)(spdk_nvme_ns_get_size(ns) / 1000000000));
}

static bool
probe_cb(void *cb_ctx, const struct spdk_nvme_transport_id *trid,
	 struct spdk_nvme_ctrlr_opts *opts)
{
	printf("Attaching to %s\n", trid->traddr);
	return g_num_ctrlrs < MAX_NAMESPACES;
}

static void
attach_cb(void *cb_ctx, const struct spdk_nvme_transport_id *trid,
	  struct spdk_nvme_ctrlr *ctrlr, const struct spdk_nvme_ctrlr_opts *opts)
{
	const struct spdk_nvme_ctrlr_data *cdata = spdk_nvme_ctrlr_get_data(ctrlr);
	uint32_t nsid;

	printf("Attached to %s\n", trid->traddr);
	printf("Controller: %-20.20s (%-20.20s)\n", (const char *)cdata->mn,
	       (const char *)cdata->sn);
	g_ctrlrs[g_num_ctrlrs++] = ctrlr;
	for (nsid = spdk_nvme_ctrlr_get_first_active_ns(ctrlr); nsid != 0;
	     nsid = spdk_nvme_ctrlr_get_next_active_ns(ctrlr, nsid)) {
		struct spdk_nvme_ns *ns = spdk_nvme_ctrlr_get_ns(ctrlr, nsid);

		if (ns != NULL) {
			add_namespace(ctrlr, ns);
		}
	}
}

static void
report_error(const char *what, const struct spdk_nvme_cpl *cpl)
{
	fprintf(stderr, "%s failed: status code type 0x%x, status code 0x%x\n", what,
		cpl->status.sct, cpl->status.sc);
}

static void
read_done(void *arg, const struct spdk_nvme_cpl *cpl)
{
	struct hello_io *io = arg;

	io->done = true;
	if (spdk_nvme_cpl_is_error(cpl)) {
		report_error("Read", cpl);
		io->failed = true;
		return;
	}
	if (strncmp(io->buf, HELLO_TEXT, io->buf_len) != 0) {
		fprintf(stderr, "Read data doesn't match write data\n");
		io->failed = true;
		return;
	}
	printf("%s", io->buf);
}

static void
write_done(void *arg, const struct spdk_nvme_cpl *cpl)
{
	struct hello_io *io = arg;
	int rc;

	if (spdk_nvme_cpl_is_error(cpl)) {
		report_error("Write", cpl);
		io->done = io->failed = true;
		return;
	}
	/* Read into a fresh buffer so that the data surely came from the device. */
	spdk_free(io->buf);
	io->buf = spdk_zmalloc(io->buf_len, 0x1000, NULL, SPDK_ENV_NUMA_ID_ANY, SPDK_MALLOC_DMA);
	if (io->buf == NULL) {
		fprintf(stderr, "read buffer allocation failed\n");
		io->done = io->failed = true;
		return;
	}
	rc = spdk_nvme_ns_cmd_read(io->entry->ns, io->entry->qpair, io->buf, 0, 1, read_done, io, 0);
	if (rc != 0) {
		fprintf(stderr, "starting read I/O failed: %s\n", spdk_strerror(-rc));
		io->done = io->failed = true;
	}
}

/* Writes and reads back LBA 0 of one namespace; 0 on success. */
static int
hello_namespace(struct hello_ns *entry)
{
	struct hello_io io = { .entry = entry };
	uint32_t sector = spdk_nvme_ns_get_sector_size(entry->ns);
	int rc;

	entry->qpair = spdk_nvme_ctrlr_alloc_io_qpair(entry->ctrlr, NULL, 0);
	if (entry->qpair == NULL) {
		fprintf(stderr, "ERROR: spdk_nvme_ctrlr_alloc_io_qpair() failed\n");
		return -1;
	}
	io.buf_len = sector > 0x1000 ? sector : 0x1000;
	io.buf = spdk_zmalloc(io.buf_len, 0x1000, NULL, SPDK_ENV_NUMA_ID_ANY, SPDK_MALLOC_DMA);
	if (io.buf == NULL) {
		fprintf(stderr, "ERROR: write buffer allocation failed\n");
		spdk_nvme_ctrlr_free_io_qpair(entry->qpair);
		return -1;
	}
	printf("INFO: using host memory buffer for IO\n");
	snprintf(io.buf, io.buf_len, "%s", HELLO_TEXT);
	rc = spdk_nvme_ns_cmd_write(entry->ns, entry->qpair, io.buf, 0, 1, write_done, &io, 0);
	if (rc != 0) {
		fprintf(stderr, "starting write I/O failed: %s\n", spdk_strerror(-rc));
		io.done = io.failed = true;
	}
	while (!io.done) {
		if (spdk_nvme_qpair_process_completions(entry->qpair, 0) < 0) {
			fprintf(stderr, "ERROR: the queue pair failed\n");
			io.failed = true;
			break;
		}
	}
	spdk_free(io.buf);
	spdk_nvme_ctrlr_free_io_qpair(entry->qpair);
	return io.failed ? -1 : 0;
}

static void
detach_all(void)
{
	struct spdk_nvme_detach_ctx *detach_ctx = NULL;
	int i;

	for (i = 0; i < g_num_ctrlrs; i++) {
		spdk_nvme_detach_async(g_ctrlrs[i], &detach_ctx);
	}
	if (detach_ctx != NULL) {
		spdk_nvme_detach_poll(detach_ctx);
	}
}

static void
usage(const char *prog)
{
	printf("%s [options]\n", prog);
	printf("options:\n");
	printf("\t-d, --hugemem-size <MB>     huge memory size in MB\n");
	printf("\t-g, --mem-single-seg        use single file descriptor for memory segments\n");
	printf("\t-i, --shmem-grp-id <id>     shared memory group ID\n");
	spdk_nvme_transport_id_usage(stdout, 0);
	spdk_log_usage(stdout, "\t-L");
	printf("\t-h, --help                  show this usage\n");
}

static const struct option g_long_opts[] = {
	{"hugemem-size", required_argument, NULL, 'd'},
	{"mem-single-seg", no_argument, NULL, 'g'},
	{"help", no_argument, NULL, 'h'},
	{"shmem-grp-id", required_argument, NULL, 'i'},
	{"transport", required_argument, NULL, 'r'},
	{"logflag", required_argument, NULL, 'L'},
	{NULL, 0, NULL, 0}
};

/* 0 to run, 1 to stop with an error, -1 to stop with success (help). */
static int
parse_args(int argc, char **argv, struct spdk_env_opts *env_opts)
{
	long v;
	int op;

	spdk_nvme_trid_populate_transport(&g_trid, SPDK_NVME_TRANSPORT_PCIE);
	snprintf(g_trid.subnqn, sizeof(g_trid.subnqn), "%s", SPDK_NVMF_DISCOVERY_NQN);
	while ((op = getopt_long(argc, argv, "d:ghi:r:L:", g_long_opts, NULL)) != -1) {
		switch (op) {
		case 'd':
		case 'i':
			v = spdk_strtol(optarg, 10);
			if (v < 0 || v > INT_MAX) {
				fprintf(stderr, "Invalid value for -%c: %s\n", op, optarg);
				return 1;
			}
			if (op == 'd') {
				env_opts->mem_size = (int)v;
			} else {
				env_opts->shm_id = (int)v;
			}
			break;
		case 'g':
			env_opts->hugepage_single_segments = true;
			break;
		case 'r':
			if (spdk_nvme_transport_id_parse(&g_trid, optarg) != 0) {
				fprintf(stderr, "Error parsing transport address\n");
				return 1;
			}
			break;
		case 'L':
			if (spdk_log_set_flag(optarg) < 0) {
				fprintf(stderr, "unknown flag\n");
				usage(argv[0]);
				return 1;
			}
			break;
		case 'h':
			usage(argv[0]);
			return -1;
		default:
			usage(argv[0]);
			return 1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct spdk_env_opts opts;
	int rc, i;

	opts.opts_size = sizeof(opts);
	spdk_env_opts_init(&opts);
	rc = parse_args(argc, argv, &opts);
	if (rc != 0) {
		return rc < 0 ? 0 : rc;
	}
	opts.name = "hello_nvme";
	if (g_trid.trtype != SPDK_NVME_TRANSPORT_PCIE) {
		opts.no_pci = true;
	}
	if (spdk_env_init(&opts) < 0) {
		fprintf(stderr, "Unable to initialize SPDK env\n");
		return 1;
	}

	printf("Initializing NVMe Controllers\n");
	rc = spdk_nvme_probe(&g_trid, NULL, probe_cb, attach_cb, NULL);
	if (rc != 0) {
		fprintf(stderr, "spdk_nvme_probe() failed\n");
		rc = 1;
		goto out;
	}
	if (g_num_ctrlrs == 0) {
		fprintf(stderr, "no NVMe controllers found\n");
		rc = 1;
		goto out;
	}
	printf("Initialization complete.\n");
	for (i = 0; i < g_num_ns; i++) {
		if (hello_namespace(&g_ns[i]) != 0) {
			rc = 1;
		}
	}
	if (g_num_ns == 0) {
		fprintf(stderr, "no active namespaces\n");
		rc = 1;
	}
out:
	detach_all();
	spdk_env_fini();
	return rc;
}
