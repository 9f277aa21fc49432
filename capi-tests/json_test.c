/* json.h as SPDK modules use it: parse a request in place, decode it into a
 * C struct with the stock decoders, walk and search values, write JSON into
 * a memory buffer (compact and formatted) and compare the exact text, and
 * reject malformed input. */
#include "spdk/stdinc.h"
#include "spdk/json.h"
#include "spdk/uuid.h"
#include "spdk/util.h"
#include "harness.h"

struct buf {
	char data[8192];
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

struct construct_malloc {
	char *name;
	uint64_t num_blocks;
	uint32_t block_size;
	struct spdk_uuid uuid;
	bool optimal;
	int32_t level;
	uint16_t port;
	uint8_t small;
};

static const struct spdk_json_object_decoder g_decoders[] = {
	{"name", offsetof(struct construct_malloc, name), spdk_json_decode_string, false},
	{"num_blocks", offsetof(struct construct_malloc, num_blocks), spdk_json_decode_uint64, false},
	{"block_size", offsetof(struct construct_malloc, block_size), spdk_json_decode_uint32, false},
	{"uuid", offsetof(struct construct_malloc, uuid), spdk_json_decode_uuid, true},
	{"optimal", offsetof(struct construct_malloc, optimal), spdk_json_decode_bool, true},
	{"level", offsetof(struct construct_malloc, level), spdk_json_decode_int32, true},
	{"port", offsetof(struct construct_malloc, port), spdk_json_decode_uint16, true},
	{"small", offsetof(struct construct_malloc, small), spdk_json_decode_uint8, true},
};

static ssize_t
parse(char *text, struct spdk_json_val *vals, size_t n)
{
	return spdk_json_parse(text, strlen(text), vals, n, NULL,
			       SPDK_JSON_PARSE_FLAG_DECODE_IN_PLACE);
}

static void
test_parse_decode(void)
{
	char text[] = "{\"name\": \"Mal\\u006coc0\", \"num_blocks\": 2048, \"block_size\": 512,"
		      " \"uuid\": \"b6c5a3e0-1234-4abc-8def-0123456789ab\", \"optimal\": true,"
		      " \"level\": -3, \"port\": 4420, \"small\": 2e1}";
	struct spdk_json_val vals[64];
	struct construct_malloc req = {};
	char uuid_str[SPDK_UUID_STRING_LEN];
	ssize_t n;
	void *end = NULL;

	/* First pass only counts, as SPDK's RPC server does. */
	n = spdk_json_parse(text, strlen(text), NULL, 0, &end, 0);
	CHECK(n == 18);
	CHECK(end == text + strlen(text));

	n = parse(text, vals, 64);
	CHECK(n == 18);
	CHECK(vals[0].type == SPDK_JSON_VAL_OBJECT_BEGIN && vals[0].len == 16);
	CHECK(vals[1].type == SPDK_JSON_VAL_NAME && spdk_json_strequal(&vals[1], "name"));
	CHECK(vals[2].type == SPDK_JSON_VAL_STRING && vals[2].len == 7);
	CHECK(vals[17].type == SPDK_JSON_VAL_OBJECT_END);
	CHECK(spdk_json_val_len(&vals[0]) == 18);
	CHECK(spdk_json_val_len(&vals[2]) == 1);
	CHECK(spdk_json_val_len(NULL) == 0);

	CHECK(spdk_json_decode_object(vals, g_decoders, SPDK_COUNTOF(g_decoders), &req) == 0);
	CHECK(req.name != NULL && strcmp(req.name, "Malloc0") == 0);
	CHECK(req.num_blocks == 2048 && req.block_size == 512);
	CHECK(req.optimal && req.level == -3 && req.port == 4420 && req.small == 20);
	spdk_uuid_fmt_lower(uuid_str, sizeof(uuid_str), &req.uuid);
	CHECK(strcmp(uuid_str, "b6c5a3e0-1234-4abc-8def-0123456789ab") == 0);
	spdk_json_free_object(g_decoders, SPDK_COUNTOF(g_decoders), &req);
	CHECK(req.name == NULL);

	/* Missing required member, unknown member, bad types and ranges. */
	{
		const char *bad[] = {
			"{\"name\": \"x\", \"num_blocks\": 1}",
			"{\"name\": \"x\", \"num_blocks\": 1, \"block_size\": 1, \"bogus\": 1}",
			"{\"name\": 5, \"num_blocks\": 1, \"block_size\": 1}",
			"{\"name\": \"x\", \"num_blocks\": -1, \"block_size\": 1}",
			"{\"name\": \"x\", \"num_blocks\": 1, \"block_size\": 1.5}",
			"{\"name\": \"x\", \"num_blocks\": 1, \"block_size\": 4294967296}",
			"{\"name\": \"x\", \"num_blocks\": 1, \"block_size\": 1, \"small\": 256}",
			"{\"name\": \"x\", \"num_blocks\": 1, \"block_size\": 1, \"uuid\": \"nope\"}",
			"{\"name\": \"x\", \"num_blocks\": 1, \"block_size\": 1, \"optimal\": 1}",
			"{\"name\": \"x\", \"name\": \"y\", \"num_blocks\": 1, \"block_size\": 1}",
			"[1, 2]",
		};
		size_t i;

		for (i = 0; i < SPDK_COUNTOF(bad); i++) {
			char copy[256];

			memset(&req, 0, sizeof(req));
			snprintf(copy, sizeof(copy), "%s", bad[i]);
			CHECK(parse(copy, vals, 64) > 0);
			CHECK(spdk_json_decode_object(vals, g_decoders, SPDK_COUNTOF(g_decoders), &req) != 0);
			spdk_json_free_object(g_decoders, SPDK_COUNTOF(g_decoders), &req);
		}
	}
	/* Relaxed decoding ignores unknown members. */
	{
		char copy[] = "{\"name\": \"x\", \"num_blocks\": 1, \"block_size\": 1, \"bogus\": [1]}";

		memset(&req, 0, sizeof(req));
		CHECK(parse(copy, vals, 64) > 0);
		CHECK(spdk_json_decode_object_relaxed(vals, g_decoders, SPDK_COUNTOF(g_decoders), &req) == 0);
		spdk_json_free_object(g_decoders, SPDK_COUNTOF(g_decoders), &req);
	}
}

static void
test_array_and_find(void)
{
	char text[] = "{\"bdevs\": [\"a\", \"b\", \"c\"], \"n\": {\"x\": 1}, \"s\": \"str\"}";
	struct spdk_json_val vals[32], *key, *val, *it;
	char *names[4] = {};
	size_t count = 0, i;
	int32_t num = 0;

	CHECK(parse(text, vals, 32) == 15);
	CHECK(spdk_json_find_array(vals, "bdevs", &key, &val) == 0);
	CHECK(key->type == SPDK_JSON_VAL_NAME && val->type == SPDK_JSON_VAL_ARRAY_BEGIN);
	CHECK(spdk_json_decode_array(val, spdk_json_decode_string, names, 4, &count, sizeof(char *)) == 0);
	CHECK(count == 3 && strcmp(names[2], "c") == 0);
	for (i = 0; i < count; i++) {
		free(names[i]);
	}
	memset(names, 0, sizeof(names));
	CHECK(spdk_json_decode_array(val, spdk_json_decode_string, names, 2, &count, sizeof(char *)) != 0);
	for (i = 0; i < 4; i++) {
		free(names[i]);
	}

	CHECK(spdk_json_find_string(vals, "s", NULL, &val) == 0);
	CHECK(spdk_json_strequal(val, "str"));
	CHECK(spdk_json_find_string(vals, "n", NULL, &val) == -EDOM);
	CHECK(spdk_json_find(vals, "missing", NULL, &val, SPDK_JSON_VAL_ANY) == -ENOENT);
	CHECK(spdk_json_find(&vals[2], "x", NULL, &val, SPDK_JSON_VAL_ANY) == -EPROTOTYPE);
	CHECK(spdk_json_find(vals, "n", NULL, &val, SPDK_JSON_VAL_OBJECT_BEGIN) == 0);
	CHECK(spdk_json_find(val, "x", NULL, &val, SPDK_JSON_VAL_NUMBER) == 0);
	CHECK(spdk_json_number_to_int32(val, &num) == 0 && num == 1);

	i = 0;
	for (it = spdk_json_object_first(vals); it != NULL; it = spdk_json_next(it)) {
		i++;
	}
	CHECK(i == 3);
	it = spdk_json_array_first(&vals[2]);
	CHECK(it != NULL && spdk_json_strequal(it, "a"));
	it = spdk_json_next(it);
	CHECK(it != NULL && spdk_json_strequal(it, "b"));
	it = spdk_json_next(spdk_json_next(it));
	CHECK(it == NULL);

	{
		char *dup = spdk_json_strdup(&vals[1]);

		CHECK(dup != NULL && strcmp(dup, "bdevs") == 0);
		free(dup);
		CHECK(spdk_json_strdup(&vals[0]) == NULL);
	}
	{
		char empty[] = "{} []";

		CHECK(parse(empty, vals, 32) == 2);
		CHECK(spdk_json_object_first(vals) == NULL);
		CHECK(spdk_json_array_first(vals) == NULL);
	}
}

static void
test_malformed(void)
{
	const char *invalid[] = { "[1,]", "{\"a\" 1}", "{\"a\":1,}", "\"\\x\"", "[1 2]", "}", "@",
				  "\"\\ud800\\u0041\"", "{1:2}", "/* no */ 1", "\"a\x01\""
				};
	const char *incomplete[] = { "", "[", "{\"a\":", "\"abc", "tru", "[1, 2", "-" };
	struct spdk_json_val vals[8];
	char copy[128];
	size_t i;
	ssize_t n;

	for (i = 0; i < SPDK_COUNTOF(invalid); i++) {
		snprintf(copy, sizeof(copy), "%s", invalid[i]);
		CHECK(parse(copy, vals, 8) == SPDK_JSON_PARSE_INVALID);
	}
	for (i = 0; i < SPDK_COUNTOF(incomplete); i++) {
		snprintf(copy, sizeof(copy), "%s", incomplete[i]);
		CHECK(parse(copy, vals, 8) == SPDK_JSON_PARSE_INCOMPLETE);
	}
	/* Comments only with the flag. */
	snprintf(copy, sizeof(copy), "/* c */ [1, // x\n 2]");
	n = spdk_json_parse(copy, strlen(copy), vals, 8, NULL, SPDK_JSON_PARSE_FLAG_ALLOW_COMMENTS);
	CHECK(n == 4);
	/* Too deep. */
	{
		char deep[200];

		memset(deep, '[', 100);
		memset(deep + 100, ']', 100);
		CHECK(spdk_json_parse(deep, sizeof(deep), NULL, 0, NULL, 0) ==
		      SPDK_JSON_PARSE_MAX_DEPTH_EXCEEDED);
	}
	/* More values than room: counted, only the first stored. */
	snprintf(copy, sizeof(copy), "[1, 2, 3, 4, 5, 6, 7, 8, 9]");
	CHECK(spdk_json_parse(copy, strlen(copy), vals, 2, NULL, 0) == 11);
	CHECK(spdk_json_parse(NULL, 4, vals, 8, NULL, 0) == SPDK_JSON_PARSE_INVALID);
}

static void
test_write(void)
{
	struct buf b = {};
	struct spdk_json_write_ctx *w;
	struct spdk_uuid uuid;
	uint8_t bytes[] = { 0x01, 0xab, 0xff };
	uint16_t utf16[] = { 'h', 0xe9, 0 };

	spdk_uuid_parse(&uuid, "b6c5a3e0-1234-4abc-8def-0123456789ab");
	w = spdk_json_write_begin(buf_write, &b, 0);
	CHECK(w != NULL);
	spdk_json_write_object_begin(w);
	spdk_json_write_named_string(w, "name", "Malloc0");
	spdk_json_write_named_uint64(w, "num_blocks", 18446744073709551615ULL);
	spdk_json_write_named_int32(w, "i", -2147483647 - 1);
	spdk_json_write_named_int64(w, "i64", -5);
	spdk_json_write_named_uint8(w, "u8", 255);
	spdk_json_write_named_uint16(w, "u16", 65535);
	spdk_json_write_named_uint32(w, "u32", 7);
	spdk_json_write_named_uint128(w, "u128", 0, 1);
	spdk_json_write_named_double(w, "d", 0.25);
	spdk_json_write_named_bool(w, "b", false);
	spdk_json_write_named_null(w, "z");
	spdk_json_write_named_string_fmt(w, "fmt", "%s-%d", "nvme", 3);
	spdk_json_write_named_bytearray(w, "bytes", bytes, sizeof(bytes));
	spdk_json_write_named_uuid(w, "uuid", &uuid);
	spdk_json_write_named_array_begin(w, "arr");
	spdk_json_write_string(w, "tab\there \"q\" \xc3\xa9 \xf0\x9f\x98\x80 /");
	spdk_json_write_string_utf16le(w, utf16);
	spdk_json_write_string_fmt(w, "%05u", 42u);
	spdk_json_write_val_raw(w, "{\"raw\":1}", 9);
	spdk_json_write_array_end(w);
	spdk_json_write_named_object_begin(w, "empty");
	spdk_json_write_object_end(w);
	spdk_json_write_object_end(w);
	CHECK(spdk_json_write_end(w) == 0);
	CHECK(strcmp(b.data,
		     "{\"name\":\"Malloc0\",\"num_blocks\":18446744073709551615,\"i\":-2147483648,"
		     "\"i64\":-5,\"u8\":255,\"u16\":65535,\"u32\":7,\"u128\":18446744073709551616,"
		     "\"d\":2.50000000000000000000e-01,\"b\":false,\"z\":null,\"fmt\":\"nvme-3\","
		     "\"bytes\":\"01ABFF\",\"uuid\":\"b6c5a3e0-1234-4abc-8def-0123456789ab\","
		     "\"arr\":[\"tab\\there \\\"q\\\" \\u00E9 \\uD83D\\uDE00 /\",\"h\\u00E9\",\"00042\","
		     "{\"raw\":1}],\"empty\":{}}") == 0);

	/* Formatted, as save_config writes. */
	memset(&b, 0, sizeof(b));
	w = spdk_json_write_begin(buf_write, &b, SPDK_JSON_WRITE_FLAG_FORMATTED);
	spdk_json_write_object_begin(w);
	spdk_json_write_named_array_begin(w, "subsystems");
	spdk_json_write_object_begin(w);
	spdk_json_write_named_string(w, "subsystem", "bdev");
	spdk_json_write_named_array_begin(w, "config");
	spdk_json_write_array_end(w);
	spdk_json_write_object_end(w);
	spdk_json_write_array_end(w);
	spdk_json_write_object_end(w);
	CHECK(spdk_json_write_end(w) == 0);
	CHECK(strcmp(b.data, "{\n  \"subsystems\": [\n    {\n      \"subsystem\": \"bdev\",\n"
		     "      \"config\": []\n    }\n  ]\n}") == 0);

	/* Re-writing parsed values. */
	{
		char text[] = "{\"a\": [1, 2.5e3, \"x\\ny\"], \"b\": {\"c\": null, \"d\": true}}";
		struct spdk_json_val vals[32];

		CHECK(parse(text, vals, 32) > 0);
		memset(&b, 0, sizeof(b));
		w = spdk_json_write_begin(buf_write, &b, 0);
		CHECK(spdk_json_write_val(w, vals) == 0);
		CHECK(spdk_json_write_end(w) == 0);
		CHECK(strcmp(b.data, "{\"a\":[1,2.5e3,\"x\\ny\"],\"b\":{\"c\":null,\"d\":true}}") == 0);
	}

	/* Failures: invalid UTF-8, unbalanced end, refusing callback, NULLs. */
	memset(&b, 0, sizeof(b));
	w = spdk_json_write_begin(buf_write, &b, 0);
	CHECK(spdk_json_write_string(w, "\xff") != 0);
	CHECK(spdk_json_write_end(w) != 0);
	w = spdk_json_write_begin(buf_write, &b, 0);
	CHECK(spdk_json_write_array_end(w) != 0);
	spdk_json_write_reset(w);
	CHECK(spdk_json_write_null(w) == 0);
	CHECK(spdk_json_write_end(w) == 0);
	CHECK(spdk_json_write_begin(NULL, NULL, 0) == NULL);
	CHECK(spdk_json_write_end(NULL) == 0);
	CHECK(spdk_json_write_null(NULL) != 0);
	CHECK(spdk_json_write_string(NULL, "x") != 0);
	{
		/* Output larger than the writer's buffer reaches the callback
		 * in chunks and stays intact. */
		char big[6000];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		memset(&b, 0, sizeof(b));
		w = spdk_json_write_begin(buf_write, &b, 0);
		CHECK(spdk_json_write_string(w, big) == 0);
		CHECK(spdk_json_write_end(w) == 0);
		CHECK(b.len == sizeof(big) + 1);
	}
}

int
main(void)
{
	test_parse_decode();
	test_array_and_find();
	test_malformed();
	test_write();
	return harness_done("json_test");
}
