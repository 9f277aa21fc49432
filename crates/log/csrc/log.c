/*   SPDX-License-Identifier: BSD-3-Clause
 *
 * The printf-style part of the log library. Stable Rust cannot define
 * C-variadic functions, so spdk_log(), spdk_vlog(), spdk_flog() and
 * spdk_vflog() live here. They only format; filtering and output are done by
 * the Rust functions rspdk_log_route(), rspdk_log_write() and
 * rspdk_log_write_file() (crates/log/src/ffi/log.rs).
 *
 * This file deliberately does not include spdk/log.h: that header is
 * generated from the crate this file is built with.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* The log callback of spdk_log_open(): spdk_log_cb in spdk/log.h. */
typedef void rspdk_user_log_fn(int level, const char *file, const int line,
			       const char *func, const char *format, va_list args);

/* Implemented in Rust. */
int rspdk_log_route(int level, const void **cb);
void rspdk_log_write(int level, const char *file, int line, const char *func,
		     const char *msg);
void rspdk_log_write_file(FILE *fp, const char *file, int line, const char *func,
			  const char *msg);

/* Messages up to this size are formatted on the stack. */
#define RSPDK_LOG_STACK_BUF 1024

/*
 * Formats format/ap into stack_buf, or into a heap buffer (returned in
 * *heap, to be freed by the caller) when the text does not fit. When the
 * heap buffer cannot be allocated the message is truncated. Returns the
 * text, or NULL when the format is invalid.
 */
static const char *
rspdk_format(char *stack_buf, size_t stack_len, char **heap, const char *format, va_list ap)
{
	va_list copy;
	int len;

	*heap = NULL;
	va_copy(copy, ap);
	len = vsnprintf(stack_buf, stack_len, format, ap);
	if (len < 0) {
		va_end(copy);
		return NULL;
	}
	if ((size_t)len >= stack_len) {
		char *big = malloc((size_t)len + 1);

		if (big != NULL && vsnprintf(big, (size_t)len + 1, format, copy) >= 0) {
			*heap = big;
			va_end(copy);
			return big;
		}
		free(big);
	}
	va_end(copy);
	return stack_buf;
}

void
spdk_vlog(int level, const char *file, const int line, const char *func,
	  const char *format, va_list ap)
{
	char stack_buf[RSPDK_LOG_STACK_BUF];
	const void *cb = NULL;
	const char *msg;
	char *heap;

	if (format == NULL) {
		return;
	}

	switch (rspdk_log_route(level, &cb)) {
	case 1:
		if (cb != NULL) {
			((rspdk_user_log_fn *)cb)(level, file, line, func, format, ap);
		}
		return;
	case 2:
		break;
	default:
		return;
	}

	msg = rspdk_format(stack_buf, sizeof(stack_buf), &heap, format, ap);
	if (msg != NULL) {
		rspdk_log_write(level, file, line, func, msg);
	}
	free(heap);
}

void
spdk_log(int level, const char *file, const int line, const char *func,
	 const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	spdk_vlog(level, file, line, func, format, ap);
	va_end(ap);
}

void
spdk_vflog(FILE *fp, const char *file, const int line, const char *func,
	   const char *format, va_list ap)
{
	char stack_buf[RSPDK_LOG_STACK_BUF];
	const char *msg;
	char *heap;

	if (fp == NULL || format == NULL) {
		return;
	}

	msg = rspdk_format(stack_buf, sizeof(stack_buf), &heap, format, ap);
	if (msg != NULL) {
		rspdk_log_write_file(fp, file, line, func, msg);
	}
	free(heap);
}

void
spdk_flog(FILE *fp, const char *file, const int line, const char *func,
	  const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	spdk_vflog(fp, file, line, func, format, ap);
	va_end(ap);
}

/* The C library's stderr stream, for the Rust side. */
FILE *
rspdk_log_c_stderr(void)
{
	return stderr;
}

/*
 * Log flags declared in Rust with spdk_log::log_flag! put a pointer to
 * themselves into the "spdk_log_flags" section; the linker provides the
 * bounds of that section. The NULL entry below makes sure the section
 * exists even when no Rust flag is linked in; the weak declarations keep the
 * link working with linkers that do not provide the symbols.
 */
extern void *__start_spdk_log_flags[] __attribute__((weak, visibility("hidden")));
extern void *__stop_spdk_log_flags[] __attribute__((weak, visibility("hidden")));
static void *rspdk_log_flags_anchor __attribute__((used, section("spdk_log_flags"))) = NULL;

void
rspdk_log_flag_section(void ***start, void ***stop)
{
	(void)rspdk_log_flags_anchor;
	*start = __start_spdk_log_flags;
	*stop = __stop_spdk_log_flags;
}
