/* The printf-style allocation helpers of spdk/string.h. They are C variadic
 * functions, which stable Rust cannot define, so they are written here and
 * linked into the spdk-util crate by build.rs. Memory they return comes from
 * malloc()/realloc() so callers release it with free(). */

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *spdk_vsprintf_append_realloc(char *buffer, const char *format, va_list args);
char *spdk_sprintf_append_realloc(char *buffer, const char *format, ...);
char *spdk_vsprintf_alloc(const char *format, va_list args);
char *spdk_sprintf_alloc(const char *format, ...);

char *
spdk_vsprintf_append_realloc(char *buffer, const char *format, va_list args)
{
	va_list measure;
	size_t old_len, total;
	char *grown;
	int needed;

	if (format == NULL) {
		return NULL;
	}

	old_len = buffer != NULL ? strlen(buffer) : 0;

	/* First pass only measures; args is consumed by the second one. */
	va_copy(measure, args);
	needed = vsnprintf(NULL, 0, format, measure);
	va_end(measure);
	if (needed < 0) {
		return NULL;
	}

	total = old_len + (size_t)needed + 1;
	if (total <= old_len) {
		return NULL;
	}

	/* On failure realloc() leaves the caller's buffer intact. */
	grown = realloc(buffer, total);
	if (grown == NULL) {
		return NULL;
	}

	if (vsnprintf(grown + old_len, total - old_len, format, args) < 0) {
		/* The caller's text is still there; drop the partial append. */
		grown[old_len] = '\0';
	}
	return grown;
}

char *
spdk_sprintf_append_realloc(char *buffer, const char *format, ...)
{
	va_list args;
	char *result;

	va_start(args, format);
	result = spdk_vsprintf_append_realloc(buffer, format, args);
	va_end(args);
	return result;
}

char *
spdk_vsprintf_alloc(const char *format, va_list args)
{
	return spdk_vsprintf_append_realloc(NULL, format, args);
}

char *
spdk_sprintf_alloc(const char *format, ...)
{
	va_list args;
	char *result;

	va_start(args, format);
	result = spdk_vsprintf_alloc(format, args);
	va_end(args);
	return result;
}
