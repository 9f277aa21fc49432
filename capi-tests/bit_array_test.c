/* spdk/bit_array.h used as SPDK code does (e.g. blobstore's cluster and
 * page maps): create, resize through the pointer, search, masks. */
#include "spdk/stdinc.h"
#include "spdk/bit_array.h"

#include "harness.h"

static void
test_basics(void)
{
	struct spdk_bit_array *ba = spdk_bit_array_create(100);
	uint32_t i;

	CHECK(ba != NULL);
	CHECK(spdk_bit_array_capacity(ba) == 100);
	CHECK(spdk_bit_array_count_set(ba) == 0);
	CHECK(spdk_bit_array_count_clear(ba) == 100);
	CHECK(spdk_bit_array_find_first_set(ba, 0) == UINT32_MAX);
	CHECK(spdk_bit_array_find_first_clear(ba, 0) == 0);

	CHECK(spdk_bit_array_set(ba, 0) == 0);
	CHECK(spdk_bit_array_set(ba, 63) == 0);
	CHECK(spdk_bit_array_set(ba, 64) == 0);
	CHECK(spdk_bit_array_set(ba, 99) == 0);
	CHECK(spdk_bit_array_set(ba, 100) == -EINVAL);
	CHECK(spdk_bit_array_set(ba, UINT32_MAX) == -EINVAL);
	CHECK(spdk_bit_array_get(ba, 63) && spdk_bit_array_get(ba, 64));
	CHECK(!spdk_bit_array_get(ba, 1) && !spdk_bit_array_get(ba, 100));
	CHECK(spdk_bit_array_count_set(ba) == 4);
	CHECK(spdk_bit_array_count_clear(ba) == 96);

	CHECK(spdk_bit_array_find_first_set(ba, 0) == 0);
	CHECK(spdk_bit_array_find_first_set(ba, 1) == 63);
	CHECK(spdk_bit_array_find_first_set(ba, 65) == 99);
	CHECK(spdk_bit_array_find_first_set(ba, 100) == UINT32_MAX);
	CHECK(spdk_bit_array_find_first_clear(ba, 63) == 65);

	spdk_bit_array_clear(ba, 63);
	spdk_bit_array_clear(ba, 1000);	/* past the end: ignored */
	CHECK(!spdk_bit_array_get(ba, 63));

	/* Walk the set bits as SPDK code does. */
	i = spdk_bit_array_find_first_set(ba, 0);
	CHECK(i == 0);
	i = spdk_bit_array_find_first_set(ba, i + 1);
	CHECK(i == 64);
	i = spdk_bit_array_find_first_set(ba, i + 1);
	CHECK(i == 99);
	i = spdk_bit_array_find_first_set(ba, i + 1);
	CHECK(i == UINT32_MAX);

	for (i = 0; i < 100; i++) {
		spdk_bit_array_set(ba, i);
	}
	CHECK(spdk_bit_array_find_first_clear(ba, 0) == UINT32_MAX);
	CHECK(spdk_bit_array_count_clear(ba) == 0);

	spdk_bit_array_free(&ba);
	CHECK(ba == NULL);
	spdk_bit_array_free(&ba);
	spdk_bit_array_free(NULL);
}

static void
test_resize(void)
{
	struct spdk_bit_array *ba = NULL;
	uint32_t i;

	/* resize creates when the pointer is NULL. */
	CHECK(spdk_bit_array_resize(&ba, 70) == 0);
	CHECK(ba != NULL);
	CHECK(spdk_bit_array_capacity(ba) == 70);
	for (i = 0; i < 70; i++) {
		spdk_bit_array_set(ba, i);
	}
	/* Shrinking drops the bits past the new end ... */
	CHECK(spdk_bit_array_resize(&ba, 66) == 0);
	CHECK(spdk_bit_array_count_set(ba) == 66);
	CHECK(spdk_bit_array_resize(&ba, 5) == 0);
	CHECK(spdk_bit_array_count_set(ba) == 5);
	/* ... so growing again shows them cleared. */
	CHECK(spdk_bit_array_resize(&ba, 1000) == 0);
	CHECK(spdk_bit_array_count_set(ba) == 5);
	CHECK(spdk_bit_array_find_first_clear(ba, 0) == 5);
	CHECK(spdk_bit_array_find_first_set(ba, 5) == UINT32_MAX);
	CHECK(spdk_bit_array_set(ba, 999) == 0);

	CHECK(spdk_bit_array_resize(&ba, UINT32_MAX) == -EINVAL);
	CHECK(spdk_bit_array_capacity(ba) == 1000);
	CHECK(spdk_bit_array_resize(NULL, 10) == -EINVAL);
	CHECK(spdk_bit_array_resize(&ba, 0) == 0);
	CHECK(spdk_bit_array_capacity(ba) == 0);
	CHECK(spdk_bit_array_find_first_clear(ba, 0) == UINT32_MAX);
	CHECK(spdk_bit_array_set(ba, 0) == -EINVAL);
	spdk_bit_array_free(&ba);

	CHECK(spdk_bit_array_create(UINT32_MAX) == NULL);
	ba = spdk_bit_array_create(0);
	CHECK(ba != NULL && spdk_bit_array_capacity(ba) == 0);
	spdk_bit_array_free(&ba);
}

static void
test_masks(void)
{
	struct spdk_bit_array *ba = spdk_bit_array_create(21);
	struct spdk_bit_array *other = spdk_bit_array_create(21);
	uint8_t mask[4];
	uint8_t in[3] = { 0x81, 0x00, 0xff };

	spdk_bit_array_set(ba, 0);
	spdk_bit_array_set(ba, 9);
	spdk_bit_array_set(ba, 20);
	memset(mask, 0xff, sizeof(mask));
	spdk_bit_array_store_mask(ba, mask);
	CHECK(mask[0] == 0x01);
	CHECK(mask[1] == 0x02);
	/* Bits 16..20 are written; the 3 bits past the end keep their value. */
	CHECK(mask[2] == 0xf0);
	CHECK(mask[3] == 0xff);

	spdk_bit_array_load_mask(other, mask);
	CHECK(spdk_bit_array_count_set(other) == 3);
	CHECK(spdk_bit_array_get(other, 20) && spdk_bit_array_get(other, 9));

	spdk_bit_array_load_mask(other, in);
	CHECK(spdk_bit_array_count_set(other) == 2 + 5);
	CHECK(spdk_bit_array_get(other, 7) && !spdk_bit_array_get(other, 9));

	spdk_bit_array_clear_mask(other);
	CHECK(spdk_bit_array_count_set(other) == 0);
	CHECK(spdk_bit_array_capacity(other) == 21);

	/* NULL is ignored. */
	spdk_bit_array_store_mask(ba, NULL);
	spdk_bit_array_load_mask(ba, NULL);
	spdk_bit_array_store_mask(NULL, mask);
	spdk_bit_array_load_mask(NULL, mask);
	spdk_bit_array_clear_mask(NULL);
	CHECK(spdk_bit_array_count_set(ba) == 3);
	CHECK(spdk_bit_array_capacity(NULL) == 0);
	CHECK(!spdk_bit_array_get(NULL, 0));
	CHECK(spdk_bit_array_set(NULL, 0) == -EINVAL);
	spdk_bit_array_clear(NULL, 0);
	CHECK(spdk_bit_array_find_first_set(NULL, 0) == UINT32_MAX);
	CHECK(spdk_bit_array_count_set(NULL) == 0);
	CHECK(spdk_bit_array_count_clear(NULL) == 0);

	spdk_bit_array_free(&ba);
	spdk_bit_array_free(&other);
}

int
main(void)
{
	test_basics();
	test_resize();
	test_masks();
	return harness_done("bit_array_test");
}
