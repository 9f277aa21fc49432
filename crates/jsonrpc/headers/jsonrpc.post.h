/* The printf-style error response (crates/jsonrpc/csrc/jsonrpc.c). */

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Answers the request with an error whose message is formatted like
 * printf().
 */
void spdk_jsonrpc_send_error_response_fmt(struct spdk_jsonrpc_request *request,
		int error_code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#ifdef __cplusplus
}
#endif
