/*
 * passthru_app: spdk_tgt with the ext_passthru bdev module built in. It
 * takes SPDK's standard application options (spdk_app_parse_args), so
 *
 *   ./passthru_app -c config.json -r /tmp/pt.sock
 *
 * loads a JSON configuration (construct_ext_passthru_bdev included) and
 * serves SPDK's RPCs plus the module's own until SIGINT/SIGTERM or
 * spdk_kill_instance.
 */
#include "spdk/stdinc.h"
#include "spdk/env.h"
#include "spdk/event.h"
#include "spdk/log.h"

static void
passthru_app_started(void *ctx)
{
	SPDK_NOTICELOG("passthru_app started on %u core(s)\n", spdk_env_get_core_count());
}

int
main(int argc, char **argv)
{
	struct spdk_app_opts opts = {};
	int rc;

	spdk_app_opts_init(&opts, sizeof(opts));
	opts.name = "passthru_app";
	rc = spdk_app_parse_args(argc, argv, &opts, NULL, NULL, NULL, NULL);
	if (rc != SPDK_APP_PARSE_ARGS_SUCCESS) {
		return rc == SPDK_APP_PARSE_ARGS_HELP ? 0 : 1;
	}
	rc = spdk_app_start(&opts, passthru_app_started, NULL);
	if (rc != 0) {
		SPDK_ERRLOG("passthru_app ended with %d\n", rc);
	}
	spdk_app_fini();
	return rc;
}
