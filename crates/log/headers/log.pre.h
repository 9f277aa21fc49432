/**
 * \file
 * Logging: messages with a severity level go to stderr and/or syslog, or to
 * a function of the application; debug and info messages are further
 * controlled by named log flags.
 */

/**
 * A log function installed with spdk_log_open(). It receives every message
 * that is logged, with the printf-style format and its arguments.
 *
 * \param level Severity of the message (an enum spdk_log_level value).
 * \param file Source file of the message, or NULL for plain output.
 * \param line Source line of the message.
 * \param func Function the message comes from.
 * \param format printf-style format.
 * \param args Arguments of format.
 */
typedef void spdk_log_cb(int level, const char *file, const int line,
			 const char *func, const char *format, va_list args);

/**
 * Called with the user context when a log is opened by spdk_log_open_ext().
 *
 * \param ctx The user_ctx of struct spdk_log_opts.
 */
typedef void spdk_log_open_cb(void *ctx);

/**
 * Called with the user context when the log is closed by spdk_log_close().
 *
 * \param ctx The user_ctx of struct spdk_log_opts.
 */
typedef void spdk_log_close_cb(void *ctx);
