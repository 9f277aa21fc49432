/* C API tests for spdk/crc16.h, spdk/crc32.h and spdk/crc64.h. */
#include "spdk/stdinc.h"
#include "spdk/crc16.h"
#include "spdk/crc32.h"
#include "spdk/crc64.h"

#include "harness.h"

static const char check_str[] = "123456789";

/* Bitwise reference implementations, to compare with on random data. */
static uint32_t
ref_crc32_reflected(uint32_t poly, uint32_t reg, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		reg ^= p[i];
		for (int b = 0; b < 8; b++) {
			reg = (reg & 1) ? (reg >> 1) ^ poly : reg >> 1;
		}
	}
	return reg;
}

static uint16_t
ref_crc16_t10dif(uint16_t reg, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		reg ^= (uint16_t)(p[i] << 8);
		for (int b = 0; b < 8; b++) {
			reg = (reg & 0x8000) ? (uint16_t)((reg << 1) ^ SPDK_T10DIF_CRC16_POLYNOMIAL) :
			      (uint16_t)(reg << 1);
		}
	}
	return reg;
}

static uint64_t
ref_crc64_nvme(uint64_t crc, const uint8_t *p, size_t len)
{
	uint64_t reg = ~crc;

	for (size_t i = 0; i < len; i++) {
		reg ^= p[i];
		for (int b = 0; b < 8; b++) {
			reg = (reg & 1) ? (reg >> 1) ^ 0x9A6C9329AC4BC9B5ULL : reg >> 1;
		}
	}
	return ~reg;
}

static void
test_check_values(void)
{
	size_t len = strlen(check_str);

	CHECK(SPDK_CRC32_SIZE_BYTES == 4);
	CHECK(~spdk_crc32c_update(check_str, len, ~0u) == 0xE3069283u);
	CHECK(~spdk_crc32_ieee_update(check_str, len, ~0u) == 0xCBF43926u);
	CHECK(spdk_crc32c_nvme(check_str, len, 0) == 0xE3069283u);
	CHECK(spdk_crc16_t10dif(0, check_str, len) == 0xD0DB);
	CHECK(spdk_crc64_nvme(check_str, len, 0) == 0xAE8B14860A799888ULL);
}

static void
test_random_against_reference(void)
{
	static uint8_t buf[8192 + 7];
	uint8_t copy[8192 + 7];
	unsigned int seed = 12345;

	for (size_t i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)rand_r(&seed);
	}
	for (size_t off = 0; off < 8; off++) {
		size_t lens[] = { 0, 1, 5, 8, 15, 16, 17, 64, 100, 512, 4096, 8192 };
		for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
			const uint8_t *p = buf + off;
			size_t len = lens[k];

			CHECK(spdk_crc32c_update(p, len, 0x12345678u) ==
			      ref_crc32_reflected(0x82F63B78u, 0x12345678u, p, len));
			CHECK(spdk_crc32_ieee_update(p, len, ~0u) ==
			      ref_crc32_reflected(0xEDB88320u, ~0u, p, len));
			CHECK(spdk_crc16_t10dif(0x1111, p, len) == ref_crc16_t10dif(0x1111, p, len));
			CHECK(spdk_crc64_nvme(p, len, 0x42) == ref_crc64_nvme(0x42, p, len));

			memset(copy, 0, sizeof(copy));
			CHECK(spdk_crc16_t10dif_copy(0, copy, (uint8_t *)p, len) ==
			      ref_crc16_t10dif(0, p, len));
			CHECK(memcmp(copy, p, len) == 0);
		}
	}
}

static void
test_chaining(void)
{
	static uint8_t buf[4096];
	struct iovec iov[3];
	uint32_t whole, crc;

	for (size_t i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)(i * 7 + 3);
	}

	/* Register-style: the register flows from one call to the next. */
	whole = spdk_crc32c_update(buf, sizeof(buf), ~0u);
	crc = spdk_crc32c_update(buf, 1000, ~0u);
	crc = spdk_crc32c_update(buf + 1000, sizeof(buf) - 1000, crc);
	CHECK(crc == whole);

	/* The iovec form gives the same result as one flat buffer. */
	iov[0].iov_base = buf;
	iov[0].iov_len = 1;
	iov[1].iov_base = buf + 1;
	iov[1].iov_len = 2047;
	iov[2].iov_base = buf + 2048;
	iov[2].iov_len = 2048;
	CHECK(spdk_crc32c_iov_update(iov, 3, ~0u) == whole);

	/* Checksum-style functions chain on finished values. */
	CHECK(spdk_crc32c_nvme(buf + 100, sizeof(buf) - 100, spdk_crc32c_nvme(buf, 100, 0)) ==
	      spdk_crc32c_nvme(buf, sizeof(buf), 0));
	CHECK(spdk_crc64_nvme(buf + 9, sizeof(buf) - 9, spdk_crc64_nvme(buf, 9, 0)) ==
	      spdk_crc64_nvme(buf, sizeof(buf), 0));
	CHECK(spdk_crc16_t10dif(spdk_crc16_t10dif(0, buf, 512), buf + 512, 512) ==
	      spdk_crc16_t10dif(0, buf, 1024));
}

static void
test_bad_input(void)
{
	uint8_t dst[4] = { 0 };

	/* Zero length or NULL buffers leave the running value untouched. */
	CHECK(spdk_crc32c_update(NULL, 0, 0xabcdef01u) == 0xabcdef01u);
	CHECK(spdk_crc32c_update(NULL, 100, 0xabcdef01u) == 0xabcdef01u);
	CHECK(spdk_crc32_ieee_update(NULL, 100, 5) == 5);
	CHECK(spdk_crc32c_nvme(NULL, 100, 77) == 77);
	CHECK(spdk_crc16_t10dif(0x1234, NULL, 10) == 0x1234);
	CHECK(spdk_crc16_t10dif_copy(0x1234, NULL, (uint8_t *)"abcd", 4) == 0x1234);
	CHECK(spdk_crc16_t10dif_copy(0x1234, dst, NULL, 4) == 0x1234);
	CHECK(spdk_crc64_nvme(NULL, 8, 99) == 99);
	CHECK(spdk_crc32c_iov_update(NULL, 3, 42) == 42);
	CHECK(spdk_crc32c_iov_update((struct iovec *)dst, 0, 42) == 42);
	CHECK(spdk_crc32c_iov_update((struct iovec *)dst, -1, 42) == 42);
}

int
main(void)
{
	test_check_values();
	test_random_against_reference();
	test_chaining();
	test_bad_input();
	return harness_done("crc_test");
}
