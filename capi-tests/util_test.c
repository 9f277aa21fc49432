/* C API tests for spdk/util.h, spdk/fd.h and the header-only helpers
 * (likely.h, assert.h, version.h, endian.h, memory.h). */
#include "spdk/stdinc.h"
#include "spdk/util.h"
#include "spdk/fd.h"
#include "spdk/likely.h"
#include "spdk/assert.h"
#include "spdk/version.h"
#include "spdk/endian.h"
#include "spdk/memory.h"

#include "harness.h"

struct sized_opts {
	size_t size;
	int a;
	uint64_t b;
};

struct outer {
	int x;
	double y;
	char name[16];
};

SPDK_STATIC_ASSERT(sizeof(struct spdk_single_ioviter) == 40, "single ioviter size");
SPDK_STATIC_ASSERT(sizeof(struct spdk_ioviter) == 88, "ioviter size");
SPDK_STATIC_ASSERT(sizeof(struct spdk_iov_xfer) == 24, "iov_xfer size");

static void
test_macros(void)
{
	struct outer o;
	struct sized_opts opts = { .size = offsetof(struct sized_opts, b), .a = 5, .b = 9 };
	int arr[7];
	uint32_t u = 1000;

	CHECK(spdk_min(3, 9) == 3 && spdk_max(3, 9) == 9);
	CHECK(SPDK_COUNTOF(arr) == 7);
	CHECK(SPDK_CONTAINEROF(&o.name, struct outer, name) == &o);
	CHECK(SPDK_SIZEOF(&o, y) == offsetof(struct outer, y) + sizeof(double));
	CHECK(SPDK_SIZEOF_MEMBER(struct outer, name) == 16);
	CHECK(SPDK_COUNTOF_MEMBER(struct outer, name) == 16);
	CHECK(SPDK_SEC_TO_USEC == 1000000ULL && SPDK_SEC_TO_MSEC == 1000ULL);
	CHECK(SPDK_SEC_TO_NSEC == 1000000000ULL && SPDK_MSEC_TO_USEC == 1000ULL);
	CHECK(SPDK_CEIL_DIV(10, 4) == 3 && SPDK_CEIL_DIV(8, 4) == 2);
	CHECK(SPDK_ALIGN_FLOOR(u, 64) == 960 && SPDK_ALIGN_CEIL(u, 64) == 1024);
	CHECK(SPDK_ALIGN_CEIL(1024u, 64) == 1024);
	CHECK(SPDK_BIT(0) == 1 && SPDK_BIT(40) == (1ul << 40));
	CHECK(SPDK_CACHE_LINE_SIZE == 64);
	CHECK(SPDK_FIELD_VALID(&opts, a));
	CHECK(!SPDK_FIELD_VALID(&opts, b));
	CHECK(SPDK_FIELD_VALID(&opts, b, sizeof(opts)));
	CHECK(SPDK_GET_FIELD(&opts, a, -1) == 5);
	CHECK(SPDK_GET_FIELD(&opts, b, 77) == 77);
	CHECK(SPDK_GET_FIELD(&opts, b, 77, sizeof(opts)) == 9);
	CHECK(SPDK_IOVITER_SIZE(2) == sizeof(struct spdk_ioviter));
	CHECK(SPDK_IOVITER_SIZE(4) == sizeof(struct spdk_ioviter) + 2 * sizeof(struct spdk_single_ioviter));

	if (spdk_likely(u == 1000)) {
		CHECK(1);
	}
	if (spdk_unlikely(u != 1000)) {
		CHECK(0);
	}
}

static void
test_math(void)
{
	uint64_t state = 88172645463325252ULL, first;

	CHECK(spdk_u32log2(0) == 0 && spdk_u32log2(1) == 0 && spdk_u32log2(4096) == 12);
	CHECK(spdk_u32log2(4097) == 12 && spdk_u32log2(UINT32_MAX) == 31);
	CHECK(spdk_u64log2(0) == 0 && spdk_u64log2(1ULL << 50) == 50 && spdk_u64log2(UINT64_MAX) == 63);
	CHECK(spdk_align32pow2(5) == 8 && spdk_align32pow2(8) == 8 && spdk_align32pow2(1025) == 2048);
	CHECK(spdk_align64pow2(5) == 8 && spdk_align64pow2((1ULL << 40) + 1) == (1ULL << 41));
	CHECK(spdk_u32_is_pow2(1) && spdk_u32_is_pow2(1u << 31) && !spdk_u32_is_pow2(0) &&
	      !spdk_u32_is_pow2(6));
	CHECK(spdk_u64_is_pow2(1ULL << 63) && !spdk_u64_is_pow2(0) && !spdk_u64_is_pow2(3));
	CHECK(spdk_divide_round_up(10, 3) == 4 && spdk_divide_round_up(9, 3) == 3);
	CHECK(spdk_round_up(10, 4) == 12 && spdk_round_up(12, 4) == 12);
	CHECK(spdk_sn32_add(UINT32_MAX, 2) == 1);
	CHECK(spdk_sn32_lt(1, 2) && !spdk_sn32_lt(2, 1) && !spdk_sn32_lt(5, 5));
	CHECK(spdk_sn32_lt(UINT32_MAX, 1) && spdk_sn32_gt(1, UINT32_MAX));
	CHECK(spdk_sn32_gt(2, 1) && !spdk_sn32_gt(1, 2) && !spdk_sn32_gt(5, 5));

	first = spdk_rand_xorshift64(&state);
	CHECK(first == state && first != 0);
	CHECK(spdk_rand_xorshift64(&state) != first);
	CHECK(spdk_rand_xorshift64_seed() != 0);
}

static void
test_memset_s(void)
{
	uint8_t buf[16];

	memset(buf, 0, sizeof(buf));
	spdk_memset_s(buf, 8, 0xAB, 100);
	CHECK(buf[0] == 0xAB && buf[7] == 0xAB && buf[8] == 0);
	spdk_memset_s(buf, sizeof(buf), 0, 4);
	CHECK(buf[3] == 0 && buf[4] == 0xAB);
	spdk_memset_s(NULL, 8, 1, 8);
}

static void
test_ioviter(void)
{
	uint8_t src[4096], dst1[1024], dst2[1024], dst3[2048];
	struct iovec siov[1] = { { src, sizeof(src) } };
	struct iovec diov[3] = { { dst1, sizeof(dst1) }, { dst2, sizeof(dst2) }, { dst3, sizeof(dst3) } };
	struct spdk_ioviter iter;
	void *s, *d;
	size_t len, total = 0;
	int segments = 0;

	for (len = spdk_ioviter_first(&iter, siov, 1, diov, 3, &s, &d); len != 0;
	     len = spdk_ioviter_next(&iter, &s, &d)) {
		CHECK((uint8_t *)s == src + total);
		total += len;
		segments++;
	}
	CHECK(total == 4096 && segments == 3);

	/* An empty side stops the iteration at once. */
	CHECK(spdk_ioviter_first(&iter, siov, 0, diov, 3, &s, &d) == 0);
	CHECK(spdk_ioviter_first(&iter, NULL, 1, diov, 3, &s, &d) == 0);
	CHECK(spdk_ioviter_first(NULL, siov, 1, diov, 3, &s, &d) == 0);
	CHECK(spdk_ioviter_next(NULL, &s, &d) == 0);
}

static void
test_ioviter_nway(void)
{
	uint8_t a[300], b[100], c[200], d[500];
	struct iovec ia[1] = { { a, sizeof(a) } };
	struct iovec ib[3] = { { b, 100 }, { c, 100 }, { c + 100, 100 } };
	struct iovec id[2] = { { d, 50 }, { d + 50, 450 } };
	struct iovec *iovs[3] = { ia, ib, id };
	size_t cnts[3] = { 1, 3, 2 };
	void *out[3];
	struct spdk_ioviter *iter = malloc(SPDK_IOVITER_SIZE(3));
	size_t len, total = 0;
	int segments = 0;

	CHECK(iter != NULL);
	if (iter == NULL) {
		return;
	}
	for (len = spdk_ioviter_firstv(iter, 3, iovs, cnts, out); len != 0;
	     len = spdk_ioviter_nextv(iter, out)) {
		CHECK(out[0] == a + total);
		total += len;
		segments++;
	}
	/* Breaks at 50 (d), 100 (b), 200 (c), 300 (a and c): 4 segments. */
	CHECK(total == 300 && segments == 4);
	CHECK(spdk_ioviter_firstv(iter, 3, NULL, cnts, out) == 0);
	CHECK(spdk_ioviter_nextv(iter, NULL) == 0);
	free(iter);
}

static void
test_iovcpy(void)
{
	char src[64], dst[64];
	struct iovec siov[3], diov[2];
	char *buf;

	for (int i = 0; i < 64; i++) {
		src[i] = (char)i;
	}
	memset(dst, 0xff, sizeof(dst));
	siov[0] = (struct iovec) { src, 10 };
	siov[1] = (struct iovec) { src + 10, 0 };
	siov[2] = (struct iovec) { src + 10, 54 };
	diov[0] = (struct iovec) { dst, 33 };
	diov[1] = (struct iovec) { dst + 33, 20 };
	CHECK(spdk_iovcpy(siov, 3, diov, 2) == 10);
	/* The zero-length source element ends the copy, as in SPDK. */
	CHECK(memcmp(dst, src, 10) == 0 && (uint8_t)dst[10] == 0xff);

	siov[1] = (struct iovec) { src + 10, 54 };
	CHECK(spdk_iovcpy(siov, 2, diov, 2) == 53);
	CHECK(memcmp(dst, src, 53) == 0 && (uint8_t)dst[53] == 0xff);

	/* Overlapping move inside one buffer. */
	buf = malloc(32);
	CHECK(buf != NULL);
	if (buf != NULL) {
		memcpy(buf, "0123456789abcdefghijklmnopqrstuv", 32);
		siov[0] = (struct iovec) { buf, 16 };
		diov[0] = (struct iovec) { buf + 4, 16 };
		CHECK(spdk_iovmove(siov, 1, diov, 1) == 16);
		CHECK(memcmp(buf, "01230123456789abcdefkl", 22) == 0);
		free(buf);
	}
	CHECK(spdk_iovcpy(NULL, 1, diov, 1) == 0);
	CHECK(spdk_iovmove(siov, 1, NULL, 1) == 0);
}

static void
test_xfer(void)
{
	char a[5], b[3], c[10];
	struct iovec iovs[3] = { { a, 5 }, { b, 3 }, { c, 10 } };
	struct spdk_iov_xfer ix;
	char out[20];
	struct iovec one;
	int cnt = 0;

	spdk_iov_xfer_init(&ix, iovs, 3);
	CHECK(spdk_iov_xfer_from_buf(&ix, "hello", 5) == 5);
	CHECK(spdk_iov_xfer_from_buf(&ix, "wor", 3) == 3);
	CHECK(spdk_iov_xfer_from_buf(&ix, "ld and more!", 12) == 10);
	CHECK(spdk_iov_xfer_from_buf(&ix, "x", 1) == 0);
	CHECK(memcmp(a, "hello", 5) == 0 && memcmp(b, "wor", 3) == 0 && memcmp(c, "ld and mor", 10) == 0);

	spdk_iov_xfer_init(&ix, iovs, 3);
	memset(out, 0, sizeof(out));
	CHECK(spdk_iov_xfer_to_buf(&ix, out, 7) == 7);
	CHECK(spdk_iov_xfer_to_buf(&ix, out + 7, 13) == 11);
	CHECK(memcmp(out, "helloworld and mor", 18) == 0);

	memset(out, 0, sizeof(out));
	spdk_copy_iovs_to_buf(out, 6, iovs, 3);
	CHECK(memcmp(out, "hellow", 6) == 0 && out[6] == 0);
	spdk_copy_buf_to_iovs(iovs, 3, "HELLOWORLD", 10);
	CHECK(memcmp(a, "HELLO", 5) == 0 && memcmp(b, "WOR", 3) == 0 && memcmp(c, "LD", 2) == 0);

	spdk_iov_memset(iovs, 3, 'z');
	CHECK(a[0] == 'z' && b[2] == 'z' && c[9] == 'z');
	spdk_iov_memset(NULL, 3, 'z');
	spdk_iov_memset(iovs, -1, 'q');
	CHECK(a[0] == 'z');

	SPDK_IOV_ONE(&one, &cnt, out, sizeof(out));
	CHECK(one.iov_base == out && one.iov_len == sizeof(out) && cnt == 1);

	/* NULL arguments are no-ops. */
	spdk_iov_xfer_init(NULL, iovs, 3);
	CHECK(spdk_iov_xfer_to_buf(NULL, out, 3) == 0);
	spdk_iov_xfer_init(&ix, NULL, 3);
	CHECK(spdk_iov_xfer_from_buf(&ix, "abc", 3) == 0);
	spdk_copy_iovs_to_buf(NULL, 5, iovs, 3);
	spdk_copy_buf_to_iovs(NULL, 3, out, 5);
}

static void
test_fd(void)
{
	char path[] = "/tmp/spdk_util_test_XXXXXX";
	char data[3000];
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0) {
		return;
	}
	memset(data, 'd', sizeof(data));
	CHECK(write(fd, data, sizeof(data)) == (ssize_t)sizeof(data));
	CHECK(spdk_fd_get_size(fd) == sizeof(data));
	CHECK(spdk_fd_get_blocklen(fd) == 0);
	CHECK(spdk_fd_set_nonblock(fd) == 0);
	CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
	CHECK(spdk_fd_clear_nonblock(fd) == 0);
	CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) == 0);
	close(fd);
	unlink(path);
	CHECK(spdk_fd_get_size(-1) == 0);
	CHECK(spdk_fd_set_nonblock(-1) == -EBADF);
	CHECK(spdk_fd_clear_nonblock(-1) == -EBADF);
}

static void
test_endian(void)
{
	uint8_t b[9];

	to_be16(b, 0x1234);
	CHECK(b[0] == 0x12 && b[1] == 0x34 && from_be16(b) == 0x1234);
	to_le16(b, 0x1234);
	CHECK(b[0] == 0x34 && from_le16(b) == 0x1234);
	to_be32(b + 1, 0xA1B2C3D4u);
	CHECK(b[1] == 0xA1 && b[4] == 0xD4 && from_be32(b + 1) == 0xA1B2C3D4u);
	to_le32(b + 1, 0xA1B2C3D4u);
	CHECK(b[1] == 0xD4 && b[4] == 0xA1 && from_le32(b + 1) == 0xA1B2C3D4u);
	to_be64(b + 1, 0x0102030405060708ULL);
	CHECK(b[1] == 1 && b[8] == 8 && from_be64(b + 1) == 0x0102030405060708ULL);
	to_le64(b + 1, 0x0102030405060708ULL);
	CHECK(b[1] == 8 && b[8] == 1 && from_le64(b + 1) == 0x0102030405060708ULL);
}

static void
test_version_and_memory(void)
{
	CHECK(SPDK_VERSION_MAJOR == 26 && SPDK_VERSION_MINOR == 1 && SPDK_VERSION_PATCH == 0);
	CHECK(strcmp(SPDK_VERSION_SUFFIX, "") == 0);
	CHECK(strcmp(SPDK_VERSION_STRING, "SPDK v26.01") == 0);
	CHECK(SPDK_VERSION == SPDK_VERSION_NUM(26, 1, 0) && SPDK_VERSION == 260100);
#if SPDK_VERSION < SPDK_VERSION_NUM(26, 1, 0)
	CHECK(0);
#endif
	CHECK(VALUE_2MB == 2 * 1024 * 1024 && VALUE_4KB == 4096);
	CHECK(MASK_2MB == VALUE_2MB - 1 && MASK_4KB == 4095);
	CHECK(FLOOR_2MB(0x200123) == 0x200000 && CEIL_2MB(0x200001) == 0x400000);
	CHECK(CEIL_2MB(0x200000) == 0x200000);
	CHECK(_2MB_OFFSET((void *)0x200123) == 0x123 && _4KB_OFFSET((void *)0x1234) == 0x234);
	CHECK(_2MB_PAGE((void *)0x3fffff) == 0x200000);
	CHECK(VFIO_ENABLED == 0 || VFIO_ENABLED == 1);
}

int
main(void)
{
	test_macros();
	test_math();
	test_memset_s();
	test_ioviter();
	test_ioviter_nway();
	test_iovcpy();
	test_xfer();
	test_fd();
	test_endian();
	test_version_and_memory();
	return harness_done("util_test");
}
