/*   SPDX-License-Identifier: BSD-3-Clause
 *
 * The printf-style string writers of spdk/json.h. Stable Rust cannot define
 * C-variadic functions, so they live here: each formats its arguments with
 * spdk_vsprintf_alloc() (crates/util) and writes the text through the Rust
 * writer functions.
 *
 * This file does not include spdk/json.h, which is generated from the crate
 * it is built with.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

struct spdk_json_write_ctx;

/* Implemented in Rust (crates/json/src/ffi/json.rs, crates/util). */
int spdk_json_write_string(struct spdk_json_write_ctx *w, const char *val);
int spdk_json_write_name(struct spdk_json_write_ctx *w, const char *name);
char *spdk_vsprintf_alloc(const char *format, va_list args);

int spdk_json_write_string_fmt_v(struct spdk_json_write_ctx *w, const char *fmt, va_list args);
int spdk_json_write_string_fmt(struct spdk_json_write_ctx *w, const char *fmt, ...);
int spdk_json_write_named_string_fmt_v(struct spdk_json_write_ctx *w, const char *name,
				       const char *fmt, va_list args);
int spdk_json_write_named_string_fmt(struct spdk_json_write_ctx *w, const char *name,
				     const char *fmt, ...);

int
spdk_json_write_string_fmt_v(struct spdk_json_write_ctx *w, const char *fmt, va_list args)
{
	char *text;
	int rc;

	if (w == NULL || fmt == NULL) {
		return -1;
	}
	text = spdk_vsprintf_alloc(fmt, args);
	if (text == NULL) {
		return -1;
	}
	rc = spdk_json_write_string(w, text);
	free(text);
	return rc;
}

int
spdk_json_write_string_fmt(struct spdk_json_write_ctx *w, const char *fmt, ...)
{
	va_list args;
	int rc;

	va_start(args, fmt);
	rc = spdk_json_write_string_fmt_v(w, fmt, args);
	va_end(args);
	return rc;
}

int
spdk_json_write_named_string_fmt_v(struct spdk_json_write_ctx *w, const char *name,
				   const char *fmt, va_list args)
{
	int rc;

	rc = spdk_json_write_name(w, name);
	if (rc != 0) {
		return rc;
	}
	return spdk_json_write_string_fmt_v(w, fmt, args);
}

int
spdk_json_write_named_string_fmt(struct spdk_json_write_ctx *w, const char *name,
				 const char *fmt, ...)
{
	va_list args;
	int rc;

	va_start(args, fmt);
	rc = spdk_json_write_named_string_fmt_v(w, name, fmt, args);
	va_end(args);
	return rc;
}
