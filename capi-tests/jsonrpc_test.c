/* jsonrpc.h as SPDK uses it: a server on a Unix socket polled by the test,
 * answering through spdk_jsonrpc_begin_result()/end_result() and error
 * responses; a client (spdk_jsonrpc_client_*) calling it; raw socket peers
 * sending malformed JSON, batches and notifications. */
#define _GNU_SOURCE
#include "spdk/stdinc.h"
#include "spdk/json.h"
#include "spdk/jsonrpc.h"
#include "spdk/util.h"
#include "harness.h"

static struct spdk_jsonrpc_server *g_server;
static int g_requests;
static int g_closed;

static void
conn_closed(struct spdk_jsonrpc_server_conn *conn, void *arg)
{
	g_closed++;
}

static void
handle(struct spdk_jsonrpc_request *request, const struct spdk_json_val *method,
       const struct spdk_json_val *params)
{
	struct spdk_json_write_ctx *w;

	g_requests++;
	spdk_jsonrpc_conn_add_close_cb(spdk_jsonrpc_get_conn(request), conn_closed, NULL);
	if (spdk_json_strequal(method, "echo")) {
		w = spdk_jsonrpc_begin_result(request);
		if (params == NULL) {
			spdk_json_write_null(w);
		} else {
			spdk_json_write_val(w, params);
		}
		spdk_jsonrpc_end_result(request, w);
	} else if (spdk_json_strequal(method, "bool")) {
		spdk_jsonrpc_send_bool_response(request, true);
	} else if (spdk_json_strequal(method, "fail")) {
		spdk_jsonrpc_send_error_response_fmt(request, SPDK_JSONRPC_ERROR_INVALID_PARAMS,
						     "bad value %d", 7);
	} else {
		spdk_jsonrpc_send_error_response(request, SPDK_JSONRPC_ERROR_METHOD_NOT_FOUND,
						 "Method not found");
	}
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Drives server and client until a response arrives (or 5 s pass). */
static struct spdk_jsonrpc_client_response *
call(struct spdk_jsonrpc_client *client, int32_t id, const char *method, const char *params)
{
	struct spdk_jsonrpc_client_request *req = spdk_jsonrpc_client_create_request();
	struct spdk_json_write_ctx *w;
	uint64_t deadline = now_ms() + 5000;
	int rc;

	w = spdk_jsonrpc_begin_request(req, id, method);
	if (params != NULL) {
		spdk_json_write_name(w, "params");
		spdk_json_write_val_raw(w, params, strlen(params));
	}
	spdk_jsonrpc_end_request(req, w);
	CHECK(spdk_jsonrpc_client_send_request(client, req) == 0);
	while (now_ms() < deadline) {
		spdk_jsonrpc_server_poll(g_server);
		rc = spdk_jsonrpc_client_poll(client, 1);
		if (rc == 1) {
			return spdk_jsonrpc_client_get_response(client);
		}
		if (rc < 0 && rc != -ENOTCONN) {
			break;
		}
	}
	return NULL;
}

struct buf {
	char data[4096];
	size_t len;
};

static int
buf_write(void *ctx, const void *data, size_t size)
{
	struct buf *b = ctx;

	if (b->len + size >= sizeof(b->data)) {
		return -1;
	}
	memcpy(b->data + b->len, data, size);
	b->len += size;
	b->data[b->len] = '\0';
	return 0;
}

static int
val_text(const struct spdk_json_val *v, struct buf *b)
{
	struct spdk_json_write_ctx *w = spdk_json_write_begin(buf_write, b, 0);

	memset(b, 0, sizeof(*b));
	spdk_json_write_val(w, v);
	return spdk_json_write_end(w);
}

static void
test_client(const char *path)
{
	struct spdk_jsonrpc_client *client;
	struct spdk_jsonrpc_client_response *resp;
	struct buf b;
	int32_t code = 0;

	client = spdk_jsonrpc_client_connect(path, AF_UNIX);
	CHECK(client != NULL);
	if (client == NULL) {
		return;
	}
	resp = call(client, 1, "echo", "{\"a\": [1, \"x\\ny\"], \"b\": null}");
	CHECK(resp != NULL);
	if (resp != NULL) {
		CHECK(resp->error == NULL && resp->result != NULL);
		CHECK(resp->id != NULL && resp->id->type == SPDK_JSON_VAL_NUMBER);
		CHECK(val_text(resp->result, &b) == 0);
		CHECK(strcmp(b.data, "{\"a\":[1,\"x\\ny\"],\"b\":null}") == 0);
		spdk_jsonrpc_client_free_response(resp);
	}
	resp = call(client, 2, "bool", NULL);
	CHECK(resp != NULL && resp->result != NULL && resp->result->type == SPDK_JSON_VAL_TRUE);
	spdk_jsonrpc_client_free_response(resp);

	resp = call(client, 3, "no_such_method", NULL);
	CHECK(resp != NULL && resp->error != NULL && resp->result == NULL);
	if (resp != NULL && resp->error != NULL) {
		struct spdk_json_val *v;

		CHECK(spdk_json_find(resp->error, "code", NULL, &v, SPDK_JSON_VAL_NUMBER) == 0);
		CHECK(spdk_json_number_to_int32(v, &code) == 0 && code == -32601);
		CHECK(spdk_json_find_string(resp->error, "message", NULL, &v) == 0);
		CHECK(spdk_json_strequal(v, "Method not found"));
	}
	spdk_jsonrpc_client_free_response(resp);

	resp = call(client, 4, "fail", NULL);
	CHECK(resp != NULL && resp->error != NULL);
	if (resp != NULL && resp->error != NULL) {
		CHECK(val_text(resp->error, &b) == 0);
		CHECK(strcmp(b.data, "{\"code\":-32602,\"message\":\"bad value 7\"}") == 0);
	}
	spdk_jsonrpc_client_free_response(resp);

	/* Only one request in flight. */
	{
		struct spdk_jsonrpc_client_request *r1 = spdk_jsonrpc_client_create_request();
		struct spdk_jsonrpc_client_request *r2 = spdk_jsonrpc_client_create_request();

		spdk_jsonrpc_end_request(r1, spdk_jsonrpc_begin_request(r1, 5, "bool"));
		CHECK(spdk_jsonrpc_client_send_request(client, r1) == 0);
		CHECK(spdk_jsonrpc_client_send_request(client, r2) == -ENOSPC);
		spdk_jsonrpc_client_free_request(r2);
	}
	spdk_jsonrpc_client_close(client);

	CHECK(spdk_jsonrpc_client_connect("/nonexistent/dir/sock", AF_UNIX) == NULL);
}

/* Sends raw bytes and collects what comes back until `want` newline-ended
 * responses arrived, the peer closed, or 3 s passed. */
static int
raw_exchange(const char *path, const char *send_text, char *out, size_t out_len, int want,
	     bool *peer_closed)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint64_t deadline = now_ms() + 3000;
	size_t got = 0;
	int fd, lines = 0;

	*peer_closed = false;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		return -1;
	}
	spdk_jsonrpc_server_poll(g_server);
	if (send(fd, send_text, strlen(send_text), MSG_NOSIGNAL) != (ssize_t)strlen(send_text)) {
		close(fd);
		return -1;
	}
	out[0] = '\0';
	while (now_ms() < deadline && lines < want) {
		ssize_t n;

		spdk_jsonrpc_server_poll(g_server);
		n = recv(fd, out + got, out_len - got - 1, 0);
		if (n == 0) {
			*peer_closed = true;
			break;
		}
		if (n > 0) {
			size_t i;

			for (i = got; i < got + (size_t)n; i++) {
				lines += out[i] == '\n';
			}
			got += n;
			out[got] = '\0';
		} else {
			usleep(1000);
		}
	}
	close(fd);
	return lines;
}

static void
test_raw(const char *path)
{
	char out[4096];
	bool closed;

	/* Two requests in one write, one split over formatting whitespace;
	 * string id echoed as given; a notification gets no answer. */
	CHECK(raw_exchange(path,
			   "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":\"abc\",\"params\":[1]}\n"
			   "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[2]}"
			   "{\n  \"jsonrpc\": \"2.0\",\n  \"method\": \"bool\",\n  \"id\": 7\n}",
			   out, sizeof(out), 2, &closed) == 2);
	CHECK(strcmp(out, "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"result\":[1]}\n"
		     "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":true}\n") == 0);

	/* Not JSON: parse error, then the connection closes. */
	CHECK(raw_exchange(path, "{\"jsonrpc\":\"2.0\",,}", out, sizeof(out), 1, &closed) == 1);
	CHECK(strcmp(out, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
		     "\"message\":\"Parse error\"}}\n") == 0);

	/* Batches, bad members and non-objects are invalid requests. */
	CHECK(raw_exchange(path, "[{\"jsonrpc\":\"2.0\",\"method\":\"bool\",\"id\":1}]", out,
			   sizeof(out), 1, &closed) == 1);
	CHECK(strstr(out, "\"code\":-32600,\"message\":\"Invalid request\"") != NULL);
	CHECK(raw_exchange(path, "{\"jsonrpc\":\"1.0\",\"method\":\"bool\",\"id\":1}", out,
			   sizeof(out), 1, &closed) == 1);
	CHECK(strstr(out, "-32600") != NULL);
	CHECK(raw_exchange(path, "{\"method\":5,\"id\":2}", out, sizeof(out), 1, &closed) == 1);
	CHECK(strstr(out, "-32600") != NULL);
	CHECK(raw_exchange(path, "{\"method\":\"bool\",\"params\":3,\"id\":2}", out, sizeof(out), 1,
			   &closed) == 1);
	CHECK(strstr(out, "-32600") != NULL);
	CHECK(raw_exchange(path, "17 ", out, sizeof(out), 1, &closed) == 1);
	CHECK(strstr(out, "-32600") != NULL);
}

int
main(void)
{
	char dir[] = "/tmp/jsonrpc_test.XXXXXX";
	char path[100];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int i;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);

	g_server = spdk_jsonrpc_server_listen(AF_UNIX, 0, (struct sockaddr *)&sa, sizeof(sa), handle);
	CHECK(g_server != NULL);
	if (g_server == NULL) {
		rmdir(dir);
		return harness_done("jsonrpc_test");
	}
	/* A second server on the same path fails. */
	CHECK(spdk_jsonrpc_server_listen(AF_UNIX, 0, (struct sockaddr *)&sa, sizeof(sa), handle) == NULL);

	test_client(path);
	test_raw(path);
	CHECK(g_requests >= 7);
	for (i = 0; i < 10; i++) {
		spdk_jsonrpc_server_poll(g_server);
	}
	CHECK(g_closed >= 1);

	spdk_jsonrpc_server_shutdown(g_server);
	unlink(path);
	rmdir(dir);
	return harness_done("jsonrpc_test");
}
