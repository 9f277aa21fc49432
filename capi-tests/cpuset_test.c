/* spdk/cpuset.h used the way SPDK applications use it: parse a -m core
 * mask, combine sets, walk the CPUs, print the mask back. */
#include "spdk/stdinc.h"
#include "spdk/cpuset.h"

#include "harness.h"

struct walk {
	uint32_t cpus[SPDK_CPUSET_SIZE];
	uint32_t n;
};

static void
walk_cb(void *ctx, uint32_t cpu)
{
	struct walk *w = ctx;

	w->cpus[w->n++] = cpu;
}

static int
only(const struct spdk_cpuset *set, uint32_t first, uint32_t last)
{
	uint32_t i;

	for (i = 0; i < SPDK_CPUSET_SIZE; i++) {
		if (spdk_cpuset_get_cpu(set, i) != (i >= first && i <= last)) {
			return 0;
		}
	}
	return 1;
}

static void
test_layout(void)
{
	struct spdk_cpuset s;

	CHECK(sizeof(struct spdk_cpuset) == SPDK_CPUSET_SIZE / 4 + 1 + SPDK_CPUSET_SIZE / 8);
	CHECK(sizeof(s.str) == 257);
	CHECK(sizeof(s.cpus) == 128);
	CHECK(offsetof(struct spdk_cpuset, cpus) == 257);

	/* A zeroed stack set is a valid empty set. */
	memset(&s, 0, sizeof(s));
	CHECK(spdk_cpuset_count(&s) == 0);
	spdk_cpuset_set_cpu(&s, 9, true);
	CHECK(s.cpus[1] == 0x02);
}

static void
test_parse(void)
{
	struct spdk_cpuset *set = spdk_cpuset_alloc();
	char buf[64];

	CHECK(set != NULL);
	CHECK(spdk_cpuset_count(set) == 0);

	CHECK(spdk_cpuset_parse(set, "0x3") == 0);
	CHECK(only(set, 0, 1));
	CHECK(spdk_cpuset_parse(set, "f") == 0);
	CHECK(only(set, 0, 3));
	CHECK(spdk_cpuset_parse(set, "  0XF0\t") == 0);
	CHECK(only(set, 4, 7));
	CHECK(spdk_cpuset_parse(set, "[0-3,7]") == 0);
	CHECK(spdk_cpuset_count(set) == 5);
	CHECK(spdk_cpuset_get_cpu(set, 7) && !spdk_cpuset_get_cpu(set, 6));
	CHECK(spdk_cpuset_parse(set, "[ 2 - 4 ]") == 0);
	CHECK(only(set, 2, 4));
	CHECK(spdk_cpuset_parse(set, "[1023]") == 0);
	CHECK(only(set, 1023, 1023));
	snprintf(buf, sizeof(buf), "[0-%d]", SPDK_CPUSET_SIZE - 1);
	CHECK(spdk_cpuset_parse(set, buf) == 0);
	CHECK(spdk_cpuset_count(set) == SPDK_CPUSET_SIZE);
	/* Linux sysfs style masks with commas. */
	CHECK(spdk_cpuset_parse(set, "ff,00000000") == 0);
	CHECK(only(set, 32, 39));

	/* Bad input: errors, and the set is kept. */
	CHECK(spdk_cpuset_parse(set, "[5]") == 0);
	CHECK(spdk_cpuset_parse(set, "0xZZ") < 0);
	CHECK(spdk_cpuset_parse(set, "[3-1]") < 0);
	CHECK(spdk_cpuset_parse(set, "[1024]") < 0);
	CHECK(spdk_cpuset_parse(set, "[99999999999999999999999]") < 0);
	CHECK(spdk_cpuset_parse(set, "") < 0);
	CHECK(spdk_cpuset_parse(set, "   ") < 0);
	CHECK(spdk_cpuset_parse(set, "[") < 0);
	CHECK(spdk_cpuset_parse(set, "[]") < 0);
	CHECK(spdk_cpuset_parse(set, "[1,]") < 0);
	CHECK(spdk_cpuset_parse(set, "[,1]") < 0);
	CHECK(spdk_cpuset_parse(set, "[1--2]") < 0);
	CHECK(spdk_cpuset_parse(set, "[1-") < 0);
	CHECK(spdk_cpuset_parse(set, "[a]") < 0);
	CHECK(spdk_cpuset_parse(set, "0x1 2") < 0);
	CHECK(spdk_cpuset_parse(set, NULL) < 0);
	CHECK(spdk_cpuset_parse(NULL, "0x1") < 0);
	CHECK(only(set, 5, 5));

	spdk_cpuset_free(set);
	spdk_cpuset_free(NULL);
}

static void
test_fmt(void)
{
	struct spdk_cpuset *set = spdk_cpuset_alloc();
	struct spdk_cpuset *back = spdk_cpuset_alloc();
	const char *s;
	uint32_t i;

	CHECK(strcmp(spdk_cpuset_fmt(set), "0") == 0);
	spdk_cpuset_set_cpu(set, 0, true);
	CHECK(strcmp(spdk_cpuset_fmt(set), "1") == 0);
	spdk_cpuset_set_cpu(set, 5, true);
	CHECK(strcmp(spdk_cpuset_fmt(set), "21") == 0);
	spdk_cpuset_set_cpu(set, 8, true);
	CHECK(strcmp(spdk_cpuset_fmt(set), "121") == 0);
	CHECK(spdk_cpuset_fmt(set) == set->str);

	spdk_cpuset_zero(set);
	spdk_cpuset_negate(set);
	s = spdk_cpuset_fmt(set);
	CHECK(strlen(s) == SPDK_CPUSET_SIZE / 4);
	for (i = 0; i < SPDK_CPUSET_SIZE / 4; i++) {
		if (s[i] != 'f') {
			break;
		}
	}
	CHECK(i == SPDK_CPUSET_SIZE / 4);

	/* The text parses back to the same set. */
	CHECK(spdk_cpuset_parse(set, "[0-10,12,128-254,1000]") == 0);
	CHECK(spdk_cpuset_parse(back, spdk_cpuset_fmt(set)) == 0);
	CHECK(spdk_cpuset_equal(set, back));

	CHECK(spdk_cpuset_fmt(NULL) == NULL);
	spdk_cpuset_free(set);
	spdk_cpuset_free(back);
}

static void
test_ops(void)
{
	struct spdk_cpuset a, b, c;
	struct walk w = { .n = 0 };

	spdk_cpuset_zero(&a);
	spdk_cpuset_zero(&b);
	CHECK(spdk_cpuset_parse(&a, "0xf") == 0);
	CHECK(spdk_cpuset_parse(&b, "0x3c") == 0);

	spdk_cpuset_copy(&c, &a);
	CHECK(spdk_cpuset_equal(&c, &a));
	spdk_cpuset_and(&c, &b);
	CHECK(only(&c, 2, 3));

	spdk_cpuset_copy(&c, &a);
	spdk_cpuset_or(&c, &b);
	CHECK(only(&c, 0, 5));

	spdk_cpuset_copy(&c, &a);
	spdk_cpuset_xor(&c, &b);
	CHECK(spdk_cpuset_count(&c) == 4);
	CHECK(spdk_cpuset_get_cpu(&c, 0) && spdk_cpuset_get_cpu(&c, 5));
	CHECK(!spdk_cpuset_get_cpu(&c, 2));
	CHECK(!spdk_cpuset_equal(&c, &a));

	spdk_cpuset_negate(&c);
	CHECK(spdk_cpuset_count(&c) == SPDK_CPUSET_SIZE - 4);

	spdk_cpuset_set_cpu(&a, 3, false);
	CHECK(only(&a, 0, 2));
	/* CPU numbers past the end are ignored. */
	spdk_cpuset_set_cpu(&a, SPDK_CPUSET_SIZE, true);
	spdk_cpuset_set_cpu(&a, UINT32_MAX, true);
	CHECK(only(&a, 0, 2));
	CHECK(!spdk_cpuset_get_cpu(&a, SPDK_CPUSET_SIZE));

	spdk_cpuset_set_cpu(&a, 700, true);
	spdk_cpuset_for_each_cpu(&a, walk_cb, &w);
	CHECK(w.n == 4);
	CHECK(w.cpus[0] == 0 && w.cpus[1] == 1 && w.cpus[2] == 2 && w.cpus[3] == 700);

	/* NULL arguments do nothing. */
	spdk_cpuset_for_each_cpu(&a, NULL, NULL);
	spdk_cpuset_for_each_cpu(NULL, walk_cb, &w);
	spdk_cpuset_and(NULL, &a);
	spdk_cpuset_or(&a, NULL);
	spdk_cpuset_xor(NULL, NULL);
	spdk_cpuset_copy(&a, NULL);
	spdk_cpuset_negate(NULL);
	spdk_cpuset_zero(NULL);
	spdk_cpuset_set_cpu(NULL, 1, true);
	CHECK(!spdk_cpuset_get_cpu(NULL, 1));
	CHECK(spdk_cpuset_count(NULL) == 0);
	CHECK(!spdk_cpuset_equal(&a, NULL));
	CHECK(spdk_cpuset_count(&a) == 4);
}

int
main(void)
{
	test_layout();
	test_parse();
	test_fmt();
	test_ops();
	return harness_done("cpuset_test");
}
