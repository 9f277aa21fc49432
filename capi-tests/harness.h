/* Minimal test harness for the C API tests: counts checks and prints
 * "N passed, N failed" at the end, the line the test runners look for. */
#ifndef CAPI_HARNESS_H
#define CAPI_HARNESS_H

#include <stdio.h>

static int harness_passed;
static int harness_failed;

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (cond) {                                                  \
			harness_passed++;                                    \
		} else {                                                     \
			harness_failed++;                                    \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
				__LINE__, #cond);                            \
		}                                                            \
	} while (0)

static inline int
harness_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, harness_passed, harness_failed);
	return harness_failed == 0 ? 0 : 1;
}

#endif
