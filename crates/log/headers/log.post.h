SPDK_STATIC_ASSERT(sizeof(struct spdk_log_opts) == 40, "struct spdk_log_opts must keep its ABI size");

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Logs a printf-style message of severity `level` from `file`:`line` in
 * `func`. It is written to stderr when level is at most the print level,
 * and to syslog when it is at most the log level; with a log function
 * installed by spdk_log_open() it is passed to that function instead.
 * Messages of level SPDK_LOG_DISABLED or of an invalid level are dropped.
 * With a NULL file the message is written without location prefix.
 *
 * \param level Severity of the message.
 * \param file Source file name, or NULL.
 * \param line Source line.
 * \param func Function name.
 * \param format printf-style format, followed by its arguments.
 */
void spdk_log(enum spdk_log_level level, const char *file, const int line, const char *func,
	      const char *format, ...) __attribute__((__format__(__printf__, 5, 6)));

/**
 * spdk_log() with the arguments of the format in a va_list.
 *
 * \param level Severity of the message.
 * \param file Source file name, or NULL.
 * \param line Source line.
 * \param func Function name.
 * \param format printf-style format.
 * \param ap Arguments of format.
 */
void spdk_vlog(enum spdk_log_level level, const char *file, const int line, const char *func,
	       const char *format, va_list ap);

/**
 * Writes a printf-style message to `fp`, with the timestamp and the
 * location prefix (without level) of log lines, regardless of log levels.
 *
 * \param fp Stream to write to.
 * \param file Source file name, or NULL for no location prefix.
 * \param line Source line.
 * \param func Function name.
 * \param format printf-style format, followed by its arguments.
 */
void spdk_flog(FILE *fp, const char *file, const int line, const char *func,
	       const char *format, ...) __attribute__((__format__(__printf__, 5, 6)));

/**
 * spdk_flog() with the arguments of the format in a va_list.
 *
 * \param fp Stream to write to.
 * \param file Source file name, or NULL.
 * \param line Source line.
 * \param func Function name.
 * \param format printf-style format.
 * \param ap Arguments of format.
 */
void spdk_vflog(FILE *fp, const char *file, const int line, const char *func,
		const char *format, va_list ap);

#ifdef __cplusplus
}
#endif

/*
 * Debug-only parts: without DEBUG defined (release builds) debug logging is
 * compiled out entirely, as in SPDK. Log flags can still be set and queried.
 */
#ifdef DEBUG
#define SPDK_DEBUGLOG_FLAG_ENABLED(name) spdk_log_get_flag(name)
#else
#define SPDK_DEBUGLOG_FLAG_ENABLED(name) false
#endif

/** Logs a NOTICE message with the caller's location (printf-style arguments). */
#define SPDK_NOTICELOG(...) \
	spdk_log(SPDK_LOG_NOTICE, __FILE__, __LINE__, __func__, __VA_ARGS__)
/** Logs a WARNING message with the caller's location. */
#define SPDK_WARNLOG(...) \
	spdk_log(SPDK_LOG_WARN, __FILE__, __LINE__, __func__, __VA_ARGS__)
/** Logs an ERROR message with the caller's location. */
#define SPDK_ERRLOG(...) \
	spdk_log(SPDK_LOG_ERROR, __FILE__, __LINE__, __func__, __VA_ARGS__)
/** Logs a NOTICE message as formatted: timestamp, but no location or level. */
#define SPDK_PRINTF(...) \
	spdk_log(SPDK_LOG_NOTICE, NULL, -1, NULL, __VA_ARGS__)

/**
 * Logs an INFO message when the log flag `flag` (declared somewhere with
 * SPDK_LOG_REGISTER_COMPONENT(flag)) is enabled.
 */
#define SPDK_INFOLOG(flag, ...)								\
	do {										\
		extern struct spdk_log_flag SPDK_LOG_##flag;				\
		if (SPDK_LOG_##flag.enabled) {						\
			spdk_log(SPDK_LOG_INFO, __FILE__, __LINE__, __func__, __VA_ARGS__); \
		}									\
	} while (0)

/**
 * SPDK_ERRLOG() limited to one message a second per call site; the number
 * of messages dropped in between is reported with the next one. Needs
 * spdk/env.h for spdk_get_ticks().
 */
#define SPDK_ERRLOG_RATELIMIT(...)							\
	do {										\
		static uint64_t _spdk_rl_last;						\
		static uint64_t _spdk_rl_dropped;					\
		uint64_t _spdk_rl_now = spdk_get_ticks();				\
		if (_spdk_rl_now > _spdk_rl_last + spdk_get_ticks_hz()) {		\
			_spdk_rl_last = _spdk_rl_now;					\
			SPDK_ERRLOG(__VA_ARGS__);					\
			if (_spdk_rl_dropped > 0) {					\
				SPDK_ERRLOG("(same message squashed %" PRIu64 " times)\n", \
					    _spdk_rl_dropped);				\
				_spdk_rl_dropped = 0;					\
			}								\
		} else {								\
			_spdk_rl_dropped++;						\
		}									\
	} while (0)

#ifdef DEBUG
/** Logs a DEBUG message when `flag` is enabled (DEBUG builds only). */
#define SPDK_DEBUGLOG(flag, ...)							\
	do {										\
		extern struct spdk_log_flag SPDK_LOG_##flag;				\
		if (SPDK_LOG_##flag.enabled) {						\
			spdk_log(SPDK_LOG_DEBUG, __FILE__, __LINE__, __func__, __VA_ARGS__); \
		}									\
	} while (0)

/** Hex-dumps `len` bytes of `buf` to stderr when `flag` is enabled (DEBUG builds only). */
#define SPDK_LOGDUMP(flag, label, buf, len)						\
	do {										\
		extern struct spdk_log_flag SPDK_LOG_##flag;				\
		if (SPDK_LOG_##flag.enabled) {						\
			spdk_log_dump(stderr, (label), (buf), (len));			\
		}									\
	} while (0)
#else
#define SPDK_DEBUGLOG(...) do { } while (0)
#define SPDK_LOGDUMP(...) do { } while (0)
#endif

/**
 * Defines the log flag `flag` (the global struct spdk_log_flag SPDK_LOG_flag,
 * named "flag") and registers it at program start, so that SPDK_INFOLOG()
 * and SPDK_DEBUGLOG() can use it and spdk_log_set_flag() can enable it.
 */
#define SPDK_LOG_REGISTER_COMPONENT(flag)						\
	struct spdk_log_flag SPDK_LOG_##flag = {					\
		.name = #flag,								\
		.enabled = false,							\
	};										\
	__attribute__((constructor)) static void _spdk_log_register_##flag(void)	\
	{										\
		spdk_log_register_flag(#flag, &SPDK_LOG_##flag);			\
	}

/**
 * Defines and registers at program start the deprecation `tag` (see
 * spdk_log_deprecation_register()); SPDK_LOG_DEPRECATED(tag) reports a use.
 */
#define SPDK_LOG_DEPRECATION_REGISTER(tag, desc, release, rate)			\
	static struct spdk_deprecation *_deprecated_##tag;				\
	static void __attribute__((constructor)) _spdk_deprecation_register_##tag(void) \
	{										\
		int _rc = spdk_log_deprecation_register(#tag, desc, release, rate,	\
				&_deprecated_##tag);					\
		(void)_rc;								\
		assert(_rc == 0);							\
	}

/** Reports a use of the deprecation `tag` at the caller's location. */
#define SPDK_LOG_DEPRECATED(tag) \
	spdk_log_deprecated(_deprecated_##tag, __FILE__, __LINE__, __func__)
