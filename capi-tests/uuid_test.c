/* spdk/uuid.h used as SPDK code does: parse, print, compare and derive
 * UUIDs, with malformed input. */
#include "spdk/stdinc.h"
#include "spdk/uuid.h"

#include "harness.h"

SPDK_STATIC_ASSERT(sizeof(struct spdk_uuid) == 16, "spdk_uuid is 16 bytes");

static void
test_parse_fmt(void)
{
	struct spdk_uuid u, v;
	char str[SPDK_UUID_STRING_LEN];
	char small[SPDK_UUID_STRING_LEN - 1];

	CHECK(SPDK_UUID_STRING_LEN == 37);
	CHECK(spdk_uuid_parse(&u, "0123ABCD-4567-89ab-CDEF-0123456789ab") == 0);
	CHECK(u.u.raw[0] == 0x01 && u.u.raw[1] == 0x23 && u.u.raw[3] == 0xcd);
	CHECK(u.u.raw[6] == 0x89 && u.u.raw[15] == 0xab);
	memset(str, 'x', sizeof(str));
	CHECK(spdk_uuid_fmt_lower(str, sizeof(str), &u) == 0);
	CHECK(strcmp(str, "0123abcd-4567-89ab-cdef-0123456789ab") == 0);
	CHECK(spdk_uuid_fmt_lower(small, sizeof(small), &u) == -EINVAL);
	CHECK(spdk_uuid_fmt_lower(NULL, sizeof(str), &u) == -EINVAL);
	CHECK(spdk_uuid_fmt_lower(str, sizeof(str), NULL) == -EINVAL);

	/* Bad strings: -EINVAL and the UUID is untouched. */
	v = u;
	CHECK(spdk_uuid_parse(&v, "") == -EINVAL);
	CHECK(spdk_uuid_parse(&v, "not-a-uuid") == -EINVAL);
	CHECK(spdk_uuid_parse(&v, "0123abcd-4567-89ab-cdef-0123456789a") == -EINVAL);
	CHECK(spdk_uuid_parse(&v, "0123abcd-4567-89ab-cdef-0123456789abc") == -EINVAL);
	CHECK(spdk_uuid_parse(&v, "0123abcd:4567-89ab-cdef-0123456789ab") == -EINVAL);
	CHECK(spdk_uuid_parse(&v, "0123abcg-4567-89ab-cdef-0123456789ab") == -EINVAL);
	CHECK(spdk_uuid_parse(&v, "0123abcd456789abcdef0123456789ab") == -EINVAL);
	CHECK(spdk_uuid_parse(&v, "{0123abcd-4567-89ab-cdef-0123456789}") == -EINVAL);
	CHECK(spdk_uuid_parse(&v, NULL) == -EINVAL);
	CHECK(spdk_uuid_parse(NULL, "0123abcd-4567-89ab-cdef-0123456789ab") == -EINVAL);
	CHECK(spdk_uuid_compare(&u, &v) == 0);
}

static void
test_compare_copy_null(void)
{
	struct spdk_uuid a, b;

	spdk_uuid_set_null(&a);
	CHECK(spdk_uuid_is_null(&a));
	spdk_uuid_generate(&b);
	CHECK(!spdk_uuid_is_null(&b));
	CHECK((b.u.raw[6] >> 4) == 4);		/* version 4 */
	CHECK((b.u.raw[8] & 0xc0) == 0x80);	/* RFC 4122 variant */
	CHECK(spdk_uuid_compare(&a, &b) < 0);
	CHECK(spdk_uuid_compare(&b, &a) > 0);
	CHECK(spdk_uuid_compare(&b, &b) == 0);

	spdk_uuid_copy(&a, &b);
	CHECK(spdk_uuid_compare(&a, &b) == 0);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	spdk_uuid_generate(&a);
	CHECK(spdk_uuid_compare(&a, &b) != 0);

	CHECK(spdk_uuid_parse(&a, "00000000-0000-0000-0000-000000000001") == 0);
	CHECK(spdk_uuid_parse(&b, "00000000-0000-0000-0000-000000000002") == 0);
	CHECK(spdk_uuid_compare(&a, &b) < 0);
	CHECK(spdk_uuid_parse(&b, "10000000-0000-0000-0000-000000000000") == 0);
	CHECK(spdk_uuid_compare(&a, &b) < 0);

	/* NULL pointers are not crashes. */
	CHECK(!spdk_uuid_is_null(NULL));
	spdk_uuid_set_null(NULL);
	spdk_uuid_generate(NULL);
	spdk_uuid_copy(NULL, &a);
	spdk_uuid_copy(&a, NULL);
	CHECK(spdk_uuid_compare(NULL, NULL) == 0);
}

static void
test_sha1(void)
{
	struct spdk_uuid ns, u, again;
	char str[SPDK_UUID_STRING_LEN];
	const char *name = "www.example.com";

	/* RFC 4122's DNS namespace and its well-known version 5 example. */
	CHECK(spdk_uuid_parse(&ns, "6ba7b810-9dad-11d1-80b4-00c04fd430c8") == 0);
	CHECK(spdk_uuid_generate_sha1(&u, &ns, name, strlen(name)) == 0);
	CHECK(spdk_uuid_fmt_lower(str, sizeof(str), &u) == 0);
	CHECK(strcmp(str, "2ed6657d-e927-568b-95e1-2665a8aea6a2") == 0);
	CHECK(spdk_uuid_generate_sha1(&again, &ns, name, strlen(name)) == 0);
	CHECK(spdk_uuid_compare(&u, &again) == 0);
	CHECK(spdk_uuid_generate_sha1(&again, &ns, name, strlen(name) - 1) == 0);
	CHECK(spdk_uuid_compare(&u, &again) != 0);
	/* Binary names may hold NUL bytes. */
	CHECK(spdk_uuid_generate_sha1(&again, &ns, "a\0b", 3) == 0);
	CHECK((again.u.raw[6] >> 4) == 5);

	CHECK(spdk_uuid_generate_sha1(NULL, &ns, name, 1) == -EINVAL);
	CHECK(spdk_uuid_generate_sha1(&u, NULL, name, 1) == -EINVAL);
	CHECK(spdk_uuid_generate_sha1(&u, &ns, NULL, 1) == -EINVAL);
	CHECK(spdk_uuid_generate_sha1(&u, &ns, NULL, 0) == 0);
}

int
main(void)
{
	test_parse_fmt();
	test_compare_copy_null();
	test_sha1();
	return harness_done("uuid_test");
}
