/* The printf-style writers (crates/json/csrc/json.c). */

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Writes a string value formatted like printf().
 *
 * \return 0 on success, -1 on failure.
 */
int spdk_json_write_string_fmt(struct spdk_json_write_ctx *w, const char *fmt,
			       ...) __attribute__((__format__(__printf__, 2, 3)));

/**
 * Writes a string value formatted like vprintf().
 */
int spdk_json_write_string_fmt_v(struct spdk_json_write_ctx *w, const char *fmt, va_list args);

/**
 * Writes member `name` with a string value formatted like printf().
 */
int spdk_json_write_named_string_fmt(struct spdk_json_write_ctx *w, const char *name,
				     const char *fmt, ...) __attribute__((__format__(__printf__, 3, 4)));

/**
 * Writes member `name` with a string value formatted like vprintf().
 */
int spdk_json_write_named_string_fmt_v(struct spdk_json_write_ctx *w, const char *name,
				       const char *fmt, va_list args);

#ifdef __cplusplus
}
#endif
