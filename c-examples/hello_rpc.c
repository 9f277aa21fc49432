/*
 * hello_rpc: an SPDK application with its own subsystem and its own
 * JSON-RPC methods, in the shape of SPDK's apps and modules.
 *
 *   - the "hello" subsystem (SPDK_SUBSYSTEM_REGISTER) owns a greeting: its
 *     init sets the default one unless a configuration already did, its
 *     fini frees it, and its config_json writes one hello_set_greeting call,
 *     so that save_config / --json bring the greeting back;
 *   - hello_set_greeting {"greeting": str, "punctuation": str (optional)}
 *     (allowed at startup and runtime, so that --json can replay it) and
 *     hello_get_greeting (runtime) answering {"greeting": ..., "sets": N}
 *     are registered with SPDK_RPC_REGISTER;
 *   - -G GREETING is an option of our own, parsed by spdk_app_parse_args;
 *   - it runs until SIGINT/SIGTERM or spdk_kill_instance.
 *
 * Built as any SPDK user would:
 *
 *   cc hello_rpc.c $(pkg-config --cflags --libs spdk_event spdk_rpc spdk_json \
 *       spdk_jsonrpc spdk_init spdk_thread spdk_env_dpdk spdk_util spdk_log spdk_syslibs)
 *
 * and driven with SPDK's Python client (scripts/hello-rpc-test.sh):
 *
 *   ./hello_rpc -r /tmp/hello.sock &
 *   spdk-rpc -s /tmp/hello.sock --plugin hello_rpc_plugin hello_set_greeting Bonjour
 */
#include "spdk/stdinc.h"
#include "spdk/event.h"
#include "spdk/json.h"
#include "spdk/jsonrpc.h"
#include "spdk/log.h"
#include "spdk/rpc.h"
#include "spdk/string.h"
#include "spdk/thread.h"
#include "spdk_internal/init.h"

#define HELLO_DEFAULT_GREETING "Hello"
#define HELLO_MAX_GREETING 256

/* Only touched on the app thread (RPCs and subsystem callbacks run there). */
static char *g_greeting;
static uint64_t g_sets;
static const char *g_cmdline_greeting;

/* ---- the subsystem ---- */

static int
hello_set(const char *greeting, const char *punctuation)
{
	char *s;

	if (strlen(greeting) == 0 || strlen(greeting) > HELLO_MAX_GREETING) {
		return -EINVAL;
	}
	s = spdk_sprintf_alloc("%s%s", greeting, punctuation ? punctuation : "");
	if (s == NULL) {
		return -ENOMEM;
	}
	free(g_greeting);
	g_greeting = s;
	g_sets++;
	return 0;
}

static void
hello_subsystem_init(void)
{
	int rc = 0;

	/* A --json configuration may have set it already (startup RPC). */
	if (g_greeting == NULL) {
		rc = hello_set(g_cmdline_greeting ? g_cmdline_greeting : HELLO_DEFAULT_GREETING, NULL);
	}
	SPDK_NOTICELOG("hello subsystem initialised: \"%s\"\n", g_greeting ? g_greeting : "");
	spdk_subsystem_init_next(rc);
}

static void
hello_subsystem_fini(void)
{
	SPDK_NOTICELOG("hello subsystem finished\n");
	free(g_greeting);
	g_greeting = NULL;
	spdk_subsystem_fini_next();
}

static void
hello_subsystem_write_config_json(struct spdk_json_write_ctx *w)
{
	spdk_json_write_array_begin(w);
	if (g_greeting != NULL) {
		spdk_json_write_object_begin(w);
		spdk_json_write_named_string(w, "method", "hello_set_greeting");
		spdk_json_write_named_object_begin(w, "params");
		spdk_json_write_named_string(w, "greeting", g_greeting);
		spdk_json_write_object_end(w);
		spdk_json_write_object_end(w);
	}
	spdk_json_write_array_end(w);
}

static struct spdk_subsystem g_hello_subsystem = {
	.name = "hello",
	.init = hello_subsystem_init,
	.fini = hello_subsystem_fini,
	.write_config_json = hello_subsystem_write_config_json,
};

SPDK_SUBSYSTEM_REGISTER(g_hello_subsystem);

/* ---- the RPC methods ---- */

struct rpc_hello_set_greeting {
	char *greeting;
	char *punctuation;
};

static const struct spdk_json_object_decoder rpc_hello_set_greeting_decoders[] = {
	{"greeting", offsetof(struct rpc_hello_set_greeting, greeting), spdk_json_decode_string},
	{"punctuation", offsetof(struct rpc_hello_set_greeting, punctuation), spdk_json_decode_string, true},
};

static void
rpc_hello_set_greeting(struct spdk_jsonrpc_request *request, const struct spdk_json_val *params)
{
	struct rpc_hello_set_greeting req = {};
	int rc;

	if (params == NULL ||
	    spdk_json_decode_object(params, rpc_hello_set_greeting_decoders,
				    SPDK_COUNTOF(rpc_hello_set_greeting_decoders), &req)) {
		spdk_jsonrpc_send_error_response(request, SPDK_JSONRPC_ERROR_INVALID_PARAMS,
						 "Invalid parameters");
		goto out;
	}
	rc = hello_set(req.greeting, req.punctuation);
	if (rc != 0) {
		spdk_jsonrpc_send_error_response_fmt(request, rc, "Cannot set the greeting: %s",
						     spdk_strerror(-rc));
		goto out;
	}
	spdk_jsonrpc_send_bool_response(request, true);
out:
	free(req.greeting);
	free(req.punctuation);
}
SPDK_RPC_REGISTER("hello_set_greeting", rpc_hello_set_greeting, SPDK_RPC_STARTUP | SPDK_RPC_RUNTIME)

static void
rpc_hello_get_greeting(struct spdk_jsonrpc_request *request, const struct spdk_json_val *params)
{
	struct spdk_json_write_ctx *w;

	if (params != NULL) {
		spdk_jsonrpc_send_error_response(request, SPDK_JSONRPC_ERROR_INVALID_PARAMS,
						 "hello_get_greeting takes no parameters");
		return;
	}
	w = spdk_jsonrpc_begin_result(request);
	spdk_json_write_object_begin(w);
	spdk_json_write_named_string(w, "greeting", g_greeting ? g_greeting : "");
	spdk_json_write_named_uint64(w, "sets", g_sets);
	spdk_json_write_named_string(w, "thread", spdk_thread_get_name(spdk_get_thread()));
	spdk_json_write_object_end(w);
	spdk_jsonrpc_end_result(request, w);
}
SPDK_RPC_REGISTER("hello_get_greeting", rpc_hello_get_greeting, SPDK_RPC_RUNTIME)

/* ---- the application ---- */

static void
hello_start(void *ctx)
{
	SPDK_NOTICELOG("hello_rpc is up on %u core(s); greeting \"%s\"\n",
		       spdk_env_get_core_count(), g_greeting ? g_greeting : "");
}

static int
hello_parse_arg(int ch, char *arg)
{
	switch (ch) {
	case 'G':
		g_cmdline_greeting = arg;
		return 0;
	default:
		return -EINVAL;
	}
}

static void
hello_usage(void)
{
	printf(" -G <greeting>             initial greeting (default \"%s\")\n",
	       HELLO_DEFAULT_GREETING);
}

int
main(int argc, char **argv)
{
	struct spdk_app_opts opts = {};
	int rc;

	spdk_app_opts_init(&opts, sizeof(opts));
	opts.name = "hello_rpc";
	rc = spdk_app_parse_args(argc, argv, &opts, "G:", NULL, hello_parse_arg, hello_usage);
	if (rc != SPDK_APP_PARSE_ARGS_SUCCESS) {
		return rc == SPDK_APP_PARSE_ARGS_HELP ? 0 : 1;
	}
	if (g_cmdline_greeting != NULL && strlen(g_cmdline_greeting) > HELLO_MAX_GREETING) {
		fprintf(stderr, "greeting too long\n");
		return 1;
	}

	rc = spdk_app_start(&opts, hello_start, NULL);
	if (rc != 0) {
		SPDK_ERRLOG("hello_rpc ended with %d\n", rc);
	}
	spdk_app_fini();
	return rc;
}
