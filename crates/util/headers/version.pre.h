/** \file
 * The SPDK release this library implements the API of.
 */

/** Major version: the release year minus 2000. */
#define SPDK_VERSION_MAJOR	26

/** Minor version: the release month. */
#define SPDK_VERSION_MINOR	1

/** Patch level of a maintenance release (0 for the first release). */
#define SPDK_VERSION_PATCH	0

/** Suffix appended to the version string (such as "-pre"). */
#define SPDK_VERSION_SUFFIX	""

/**
 * Folds a version into one number that compares in release order, e.g.
 * `#if SPDK_VERSION >= SPDK_VERSION_NUM(24, 9, 0)`.
 */
#define SPDK_VERSION_NUM(major, minor, patch) \
	(((major) * 100 + (minor)) * 100 + (patch))

/** This version as a SPDK_VERSION_NUM() value. */
#define SPDK_VERSION	SPDK_VERSION_NUM(SPDK_VERSION_MAJOR, SPDK_VERSION_MINOR, SPDK_VERSION_PATCH)

#define SPDK_VERSION_STRINGIFY_x(x)	#x
#define SPDK_VERSION_STRINGIFY(x)	SPDK_VERSION_STRINGIFY_x(x)

#define SPDK_VERSION_MAJOR_STRING	SPDK_VERSION_STRINGIFY(SPDK_VERSION_MAJOR)

/* The minor number is written with two digits ("v26.01"). */
#if SPDK_VERSION_MINOR < 10
#define SPDK_VERSION_MINOR_STRING	".0" SPDK_VERSION_STRINGIFY(SPDK_VERSION_MINOR)
#else
#define SPDK_VERSION_MINOR_STRING	"." SPDK_VERSION_STRINGIFY(SPDK_VERSION_MINOR)
#endif

/* The patch level is only shown when it is not 0. */
#if SPDK_VERSION_PATCH != 0
#define SPDK_VERSION_PATCH_STRING	"." SPDK_VERSION_STRINGIFY(SPDK_VERSION_PATCH)
#else
#define SPDK_VERSION_PATCH_STRING	""
#endif

/* A build may define SPDK_GIT_COMMIT to have the commit in the string. */
#ifdef SPDK_GIT_COMMIT
#define SPDK_GIT_COMMIT_STRING SPDK_VERSION_STRINGIFY(SPDK_GIT_COMMIT)
#define SPDK_GIT_COMMIT_STRING_SHA1 " git sha1 " SPDK_GIT_COMMIT_STRING
#else
#define SPDK_GIT_COMMIT_STRING ""
#define SPDK_GIT_COMMIT_STRING_SHA1 ""
#endif

/** Human-readable version, "SPDK v26.01" for this release. */
#define SPDK_VERSION_STRING	\
	"SPDK v" \
	SPDK_VERSION_MAJOR_STRING \
	SPDK_VERSION_MINOR_STRING \
	SPDK_VERSION_PATCH_STRING \
	SPDK_VERSION_SUFFIX \
	SPDK_GIT_COMMIT_STRING_SHA1
