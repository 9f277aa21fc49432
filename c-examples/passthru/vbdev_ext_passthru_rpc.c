/*
 * The JSON-RPC methods of the ext_passthru module (SPDK_RPC_REGISTER):
 *
 *   construct_ext_passthru_bdev {"base_bdev_name": str, "name": str}
 *       -> the new bdev's name
 *   delete_ext_passthru_bdev {"name": str} -> true
 *
 * Errors carry the negative errno and its text (-17 "File exists",
 * -19 "No such device", ...); bad parameters are -32602.
 */
#include "spdk/stdinc.h"
#include "spdk/json.h"
#include "spdk/jsonrpc.h"
#include "spdk/log.h"
#include "spdk/rpc.h"
#include "spdk/string.h"
#include "spdk/util.h"

#include "vbdev_ext_passthru.h"

struct rpc_construct_ext_passthru {
	char *base_bdev_name;
	char *name;
};

static const struct spdk_json_object_decoder rpc_construct_ext_passthru_decoders[] = {
	{"base_bdev_name", offsetof(struct rpc_construct_ext_passthru, base_bdev_name), spdk_json_decode_string},
	{"name", offsetof(struct rpc_construct_ext_passthru, name), spdk_json_decode_string},
};

static void
rpc_construct_ext_passthru_bdev(struct spdk_jsonrpc_request *request,
				const struct spdk_json_val *params)
{
	struct rpc_construct_ext_passthru req = {};
	struct spdk_json_write_ctx *w;
	int rc;

	if (params == NULL ||
	    spdk_json_decode_object(params, rpc_construct_ext_passthru_decoders,
				    SPDK_COUNTOF(rpc_construct_ext_passthru_decoders), &req)) {
		spdk_jsonrpc_send_error_response(request, SPDK_JSONRPC_ERROR_INVALID_PARAMS,
						 "Invalid parameters");
		goto out;
	}
	rc = ext_passthru_create(req.base_bdev_name, req.name);
	if (rc != 0) {
		spdk_jsonrpc_send_error_response(request, rc, spdk_strerror(-rc));
		goto out;
	}
	w = spdk_jsonrpc_begin_result(request);
	spdk_json_write_string(w, req.name);
	spdk_jsonrpc_end_result(request, w);
out:
	free(req.base_bdev_name);
	free(req.name);
}
SPDK_RPC_REGISTER("construct_ext_passthru_bdev", rpc_construct_ext_passthru_bdev, SPDK_RPC_RUNTIME)

struct rpc_delete_ext_passthru {
	char *name;
};

static const struct spdk_json_object_decoder rpc_delete_ext_passthru_decoders[] = {
	{"name", offsetof(struct rpc_delete_ext_passthru, name), spdk_json_decode_string},
};

static void
rpc_delete_ext_passthru_done(void *cb_arg, int rc)
{
	struct spdk_jsonrpc_request *request = cb_arg;

	if (rc != 0) {
		spdk_jsonrpc_send_error_response(request, rc, spdk_strerror(-rc));
		return;
	}
	spdk_jsonrpc_send_bool_response(request, true);
}

static void
rpc_delete_ext_passthru_bdev(struct spdk_jsonrpc_request *request,
			     const struct spdk_json_val *params)
{
	struct rpc_delete_ext_passthru req = {};

	if (params == NULL ||
	    spdk_json_decode_object(params, rpc_delete_ext_passthru_decoders,
				    SPDK_COUNTOF(rpc_delete_ext_passthru_decoders), &req)) {
		spdk_jsonrpc_send_error_response(request, SPDK_JSONRPC_ERROR_INVALID_PARAMS,
						 "Invalid parameters");
		goto out;
	}
	ext_passthru_delete(req.name, rpc_delete_ext_passthru_done, request);
out:
	free(req.name);
}
SPDK_RPC_REGISTER("delete_ext_passthru_bdev", rpc_delete_ext_passthru_bdev, SPDK_RPC_RUNTIME)
