/** \file
 * String helpers: allocation-backed printf, in-place parsing and trimming,
 * checked number conversion and arrays of strings.
 */

/** Turns the macro argument into a string literal without expanding it. */
#define _SPDK_STRINGIFY(x) #x
/** Turns the expansion of the macro argument into a string literal. */
#define SPDK_STRINGIFY(x) _SPDK_STRINGIFY(x)

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Formats like sprintf() into a newly malloc()ed string of the right size.
 *
 * \param format printf-style format.
 * \return the string (release it with free()), or NULL on failure.
 */
char *spdk_sprintf_alloc(const char *format, ...) __attribute__((format(printf, 1, 2)));

/**
 * va_list form of spdk_sprintf_alloc().
 *
 * \param format printf-style format.
 * \param args the arguments of the format.
 * \return the string (release it with free()), or NULL on failure.
 */
char *spdk_vsprintf_alloc(const char *format, va_list args);

/**
 * Appends formatted text to a malloc()ed string, growing it with realloc().
 *
 * A NULL `buffer` behaves like spdk_sprintf_alloc(). On failure NULL is
 * returned and `buffer` is still valid and unchanged; on success `buffer`
 * must no longer be used (it may have moved).
 *
 * \param buffer string to extend, or NULL.
 * \param format printf-style format.
 * \return the extended string (release it with free()), or NULL on failure.
 */
char *spdk_sprintf_append_realloc(char *buffer, const char *format, ...);

/**
 * va_list form of spdk_sprintf_append_realloc().
 *
 * \param buffer string to extend, or NULL.
 * \param format printf-style format.
 * \param args the arguments of the format.
 * \return the extended string (release it with free()), or NULL on failure.
 */
char *spdk_vsprintf_append_realloc(char *buffer, const char *format, va_list args);

#ifdef __cplusplus
}
#endif
