/*   SPDX-License-Identifier: BSD-3-Clause
 *
 * spdk_jsonrpc_send_error_response_fmt(): C-variadic, so written in C. It
 * formats the message and hands it to the Rust implementation.
 *
 * This file does not include spdk/jsonrpc.h, which is generated from the
 * crate it is built with.
 */

#include <stdarg.h>
#include <stdlib.h>

struct spdk_jsonrpc_request;

char *spdk_vsprintf_alloc(const char *format, va_list args);
void rspdk_jsonrpc_send_error_text(struct spdk_jsonrpc_request *request, int error_code,
				   const char *msg);
void spdk_jsonrpc_send_error_response_fmt(struct spdk_jsonrpc_request *request, int error_code,
		const char *fmt, ...);

void
spdk_jsonrpc_send_error_response_fmt(struct spdk_jsonrpc_request *request, int error_code,
				     const char *fmt, ...)
{
	va_list args;
	char *msg = NULL;

	if (fmt != NULL) {
		va_start(args, fmt);
		msg = spdk_vsprintf_alloc(fmt, args);
		va_end(args);
	}
	rspdk_jsonrpc_send_error_text(request, error_code, msg != NULL ? msg : "");
	free(msg);
}
