/* C API tests for spdk/string.h. */
#include "spdk/stdinc.h"
#include "spdk/string.h"

#include "harness.h"

static char *
call_vsprintf_alloc(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = spdk_vsprintf_alloc(fmt, ap);
	va_end(ap);
	return s;
}

static char *
call_vappend(char *buf, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = spdk_vsprintf_append_realloc(buf, fmt, ap);
	va_end(ap);
	return s;
}

static void
test_sprintf(void)
{
	char *s, *t;
	char big[5000];

	s = spdk_sprintf_alloc("%s-%d-%#x", "nvme", 42, 255);
	CHECK(s != NULL && strcmp(s, "nvme-42-0xff") == 0);
	free(s);

	s = spdk_sprintf_alloc("%s", "");
	CHECK(s != NULL && s[0] == '\0');
	free(s);

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = call_vsprintf_alloc("<%s>", big);
	CHECK(s != NULL && strlen(s) == sizeof(big) + 1 && s[0] == '<' && s[sizeof(big)] == '>');
	free(s);

	/* Appending: NULL buffer behaves like spdk_sprintf_alloc(). */
	s = spdk_sprintf_append_realloc(NULL, "%s", "a");
	CHECK(s != NULL && strcmp(s, "a") == 0);
	s = spdk_sprintf_append_realloc(s, "%d", 12);
	CHECK(s != NULL && strcmp(s, "a12") == 0);
	t = call_vappend(s, " %s", big);
	CHECK(t != NULL && strncmp(t, "a12 aaa", 7) == 0 && strlen(t) == 4 + sizeof(big) - 1);
	s = t;
	t = spdk_sprintf_append_realloc(s, "%s", "");
	CHECK(t != NULL && strlen(t) == 4 + sizeof(big) - 1);
	free(t);

	/* A NULL format is an error, and the buffer is left as it was. */
	s = strdup("keep");
	CHECK(spdk_vsprintf_append_realloc != NULL);
	t = call_vappend(s, NULL);
	CHECK(t == NULL && strcmp(s, "keep") == 0);
	free(s);
	CHECK(call_vsprintf_alloc(NULL) == NULL);
}

static void
test_strerror(void)
{
	char buf[64];
	char tiny[4];
	const char *a, *b;

	spdk_strerror_r(EINVAL, buf, sizeof(buf));
	CHECK(strcmp(buf, strerror(EINVAL)) == 0);
	spdk_strerror_r(ENOMEM, tiny, sizeof(tiny));
	CHECK(strlen(tiny) == 3 && strncmp(tiny, strerror(ENOMEM), 3) == 0);
	spdk_strerror_r(987654, buf, sizeof(buf));
	CHECK(strstr(buf, "987654") != NULL);
	spdk_strerror_r(-5, buf, sizeof(buf));
	CHECK(strstr(buf, "-5") != NULL);
	spdk_strerror_r(EIO, NULL, 10);
	spdk_strerror_r(EIO, buf, 0);

	a = spdk_strerror(ENOENT);
	CHECK(a != NULL && strcmp(a, strerror(ENOENT)) == 0);
	b = spdk_strerror(EAGAIN);
	CHECK(b != NULL && strcmp(b, strerror(EAGAIN)) == 0);
	CHECK(strlen(spdk_strerror(123456)) > 0);
}

static void *
strerror_thread(void *arg)
{
	const char *msg = spdk_strerror(EPERM);
	const char **out = arg;

	*out = msg;
	/* Another thread's call must not change our text. */
	usleep(20000);
	return strcmp(msg, strerror(EPERM)) == 0 ? (void *)1 : NULL;
}

static void
test_strerror_threads(void)
{
	pthread_t t;
	const char *theirs = NULL;
	const char *mine;
	void *ok = NULL;

	CHECK(pthread_create(&t, NULL, strerror_thread, &theirs) == 0);
	mine = spdk_strerror(ENOSPC);
	pthread_join(t, &ok);
	CHECK(ok == (void *)1);
	CHECK(theirs != mine);
	CHECK(strcmp(mine, strerror(ENOSPC)) == 0);
}

static void
test_strtol(void)
{
	char str[64];

	CHECK(spdk_strtol("12345", 10) == 12345);
	CHECK(spdk_strtol("0x1F", 0) == 31);
	CHECK(spdk_strtol("ff", 16) == 255);
	CHECK(spdk_strtol("017", 0) == 15);
	CHECK(spdk_strtol("-0", 10) == 0);
	CHECK(spdk_strtol("00000000", 10) == 0);
	CHECK(spdk_strtol("no_digits", 10) == -EINVAL);
	CHECK(spdk_strtol("10_is_ten", 10) == -EINVAL);
	CHECK(spdk_strtol("ten_is_10", 10) == -EINVAL);
	CHECK(spdk_strtol("12 ", 10) == -EINVAL);
	CHECK(spdk_strtol("-1", 10) == -ERANGE);
	CHECK(spdk_strtol("1", 1) == -EINVAL);
	CHECK(spdk_strtol("1", 37) == -EINVAL);
	CHECK(spdk_strtol(NULL, 10) == -EINVAL);

	snprintf(str, sizeof(str), "%ld", LONG_MAX);
	CHECK(spdk_strtol(str, 10) == LONG_MAX);
	snprintf(str, sizeof(str), "%ld", LONG_MAX - 1);
	CHECK(spdk_strtol(str, 10) == LONG_MAX - 1);
	snprintf(str, sizeof(str), "%lu", (unsigned long)LONG_MAX + 1);
	CHECK(spdk_strtol(str, 10) == -ERANGE);
	snprintf(str, sizeof(str), "%ld", LONG_MIN);
	CHECK(spdk_strtol(str, 10) == -ERANGE);
	CHECK(spdk_strtol("-99999999999999999999999", 10) == -ERANGE);

	snprintf(str, sizeof(str), "%lld", LLONG_MAX);
	CHECK(spdk_strtoll(str, 10) == LLONG_MAX);
	snprintf(str, sizeof(str), "%llu", (unsigned long long)LLONG_MAX + 1);
	CHECK(spdk_strtoll(str, 10) == -ERANGE);
	CHECK(spdk_strtoll("777", 8) == 511);
	CHECK(spdk_strtoll("z", 36) == 35);
	CHECK(spdk_strtoll("-12", 10) == -ERANGE);
	CHECK(spdk_strtoll("abc", 10) == -EINVAL);
	CHECK(spdk_strtoll(NULL, 0) == -EINVAL);
}

static void
test_in_place(void)
{
	char s[64];
	char *p;

	strcpy(s, "MiXeD Case 123");
	CHECK(spdk_strlwr(s) == s && strcmp(s, "mixed case 123") == 0);
	CHECK(spdk_strlwr(NULL) == NULL);

	strcpy(s, " \t  padded text \r\n ");
	CHECK(spdk_str_trim(s) == s && strcmp(s, "padded text") == 0);
	strcpy(s, "    ");
	CHECK(spdk_str_trim(s) == s && s[0] == '\0');
	strcpy(s, "");
	CHECK(spdk_str_trim(s) == s && s[0] == '\0');
	CHECK(spdk_str_trim(NULL) == NULL);

	strcpy(s, "line\r\n\n");
	CHECK(spdk_str_chomp(s) == 3 && strcmp(s, "line") == 0);
	CHECK(spdk_str_chomp(s) == 0 && strcmp(s, "line") == 0);
	strcpy(s, "\n");
	CHECK(spdk_str_chomp(s) == 1 && s[0] == '\0');
	CHECK(spdk_str_chomp(NULL) == 0);

	/* strsepq: quotes group, backslash escapes, delimiters collapse. */
	strcpy(s, "a \"b c\"  'd e' f\\ g");
	p = s;
	CHECK(strcmp(spdk_strsepq(&p, " "), "a") == 0);
	CHECK(strcmp(spdk_strsepq(&p, " "), "b c") == 0);
	CHECK(strcmp(spdk_strsepq(&p, " "), "d e") == 0);
	CHECK(strcmp(spdk_strsepq(&p, " "), "f g") == 0);
	CHECK(p == NULL);
	CHECK(spdk_strsepq(&p, " ") == NULL);
	CHECK(spdk_strsepq(NULL, " ") == NULL);
	strcpy(s, "k=v,x=y");
	p = s;
	CHECK(strcmp(spdk_strsepq(&p, ",="), "k") == 0);
	CHECK(strcmp(spdk_strsepq(&p, ",="), "v") == 0);
	CHECK(strcmp(spdk_strsepq(&p, NULL), "x=y") == 0);
	CHECK(p == NULL);
}

static void
test_pad(void)
{
	char field[8];

	spdk_strcpy_pad(field, "abc", sizeof(field), ' ');
	CHECK(memcmp(field, "abc     ", 8) == 0);
	CHECK(spdk_strlen_pad(field, sizeof(field), ' ') == 3);
	spdk_strcpy_pad(field, "0123456789", sizeof(field), ' ');
	CHECK(memcmp(field, "01234567", 8) == 0);
	CHECK(spdk_strlen_pad(field, sizeof(field), ' ') == 8);
	spdk_strcpy_pad(field, "", sizeof(field), 'x');
	CHECK(memcmp(field, "xxxxxxxx", 8) == 0);
	CHECK(spdk_strlen_pad(field, sizeof(field), 'x') == 0);
	CHECK(spdk_strlen_pad(field, 0, 'x') == 0);
	CHECK(spdk_strlen_pad(NULL, 8, 'x') == 0);
	spdk_strcpy_pad(NULL, "abc", 8, ' ');
	spdk_strcpy_pad(field, NULL, sizeof(field), '-');
	CHECK(memcmp(field, "--------", 8) == 0);
}

static void
test_parse_ip(void)
{
	char ip[64];
	char *host, *port;

	strcpy(ip, "192.168.0.1:4420");
	CHECK(spdk_parse_ip_addr(ip, &host, &port) == 0);
	CHECK(host && strcmp(host, "192.168.0.1") == 0 && port && strcmp(port, "4420") == 0);

	strcpy(ip, "10.0.0.1");
	CHECK(spdk_parse_ip_addr(ip, &host, &port) == 0);
	CHECK(host && strcmp(host, "10.0.0.1") == 0 && port == NULL);

	strcpy(ip, "[2001:db8::1]:8009");
	CHECK(spdk_parse_ip_addr(ip, &host, &port) == 0);
	CHECK(host && strcmp(host, "2001:db8::1") == 0 && port && strcmp(port, "8009") == 0);

	strcpy(ip, "[::1]");
	CHECK(spdk_parse_ip_addr(ip, &host, &port) == 0);
	CHECK(host && strcmp(host, "::1") == 0 && port == NULL);

	strcpy(ip, "[::1");
	CHECK(spdk_parse_ip_addr(ip, &host, &port) == -EINVAL);
	strcpy(ip, "[::1]x");
	CHECK(spdk_parse_ip_addr(ip, &host, &port) == -EINVAL);
	CHECK(spdk_parse_ip_addr(NULL, &host, &port) == -EINVAL);
	strcpy(ip, "1.2.3.4");
	CHECK(spdk_parse_ip_addr(ip, NULL, &port) == -EINVAL);
	CHECK(spdk_parse_ip_addr(ip, &host, NULL) == -EINVAL);
}

static void
test_parse_capacity(void)
{
	uint64_t cap = 0;
	bool has_prefix = true;
	char str[64];

	CHECK(spdk_parse_capacity("472", &cap, &has_prefix) == 0);
	CHECK(cap == 472 && has_prefix == false);
	snprintf(str, sizeof(str), "%" PRIu64, UINT64_MAX);
	CHECK(spdk_parse_capacity(str, &cap, &has_prefix) == 0 && cap == UINT64_MAX);
	CHECK(spdk_parse_capacity("12k", &cap, &has_prefix) == 0 && cap == 12 * 1024 && has_prefix);
	CHECK(spdk_parse_capacity("12KB", &cap, NULL) == 0 && cap == 12 * 1024);
	CHECK(spdk_parse_capacity("100M", &cap, NULL) == 0 && cap == 100ULL << 20);
	CHECK(spdk_parse_capacity("4G", &cap, NULL) == 0 && cap == 4ULL << 30);
	CHECK(spdk_parse_capacity("2g", &cap, NULL) == 0 && cap == 2ULL << 30);
	CHECK(spdk_parse_capacity("G", &cap, NULL) == -EINVAL);
	CHECK(spdk_parse_capacity("darsto", &cap, NULL) == -EINVAL);
	CHECK(spdk_parse_capacity("", &cap, NULL) == -EINVAL);
	CHECK(spdk_parse_capacity("5T", &cap, NULL) == -EINVAL);
	CHECK(spdk_parse_capacity("99999999999999999999", &cap, NULL) == -ERANGE);
	CHECK(spdk_parse_capacity("99999999999G", &cap, NULL) == -ERANGE);
	CHECK(spdk_parse_capacity(NULL, &cap, NULL) == -EINVAL);
	CHECK(spdk_parse_capacity("1", NULL, NULL) == -EINVAL);
}

static void
test_mem_all_zero(void)
{
	uint8_t buf[333] = { 0 };

	CHECK(spdk_mem_all_zero(buf, sizeof(buf)));
	CHECK(spdk_mem_all_zero(buf + 1, sizeof(buf) - 1));
	CHECK(spdk_mem_all_zero(buf, 0));
	CHECK(spdk_mem_all_zero(NULL, 0));
	CHECK(!spdk_mem_all_zero(NULL, 5));
	buf[332] = 1;
	CHECK(!spdk_mem_all_zero(buf, sizeof(buf)));
	CHECK(spdk_mem_all_zero(buf, sizeof(buf) - 1));
}

static void
test_strarray(void)
{
	char **a, **b;
	const char *in[] = { "x", "", "yz", NULL };

	a = spdk_strarray_from_string("a,b;;c", ",;");
	CHECK(a != NULL);
	if (a != NULL) {
		CHECK(strcmp(a[0], "a") == 0 && strcmp(a[1], "b") == 0);
		CHECK(strcmp(a[2], "") == 0 && strcmp(a[3], "c") == 0 && a[4] == NULL);
	}
	b = spdk_strarray_dup((const char **)a);
	CHECK(b != NULL && b != a && b[0] != a[0] && strcmp(b[3], "c") == 0 && b[4] == NULL);
	spdk_strarray_free(a);
	spdk_strarray_free(b);

	a = spdk_strarray_from_string("", ",");
	CHECK(a != NULL && a[0] != NULL && a[0][0] == '\0' && a[1] == NULL);
	spdk_strarray_free(a);

	b = spdk_strarray_dup(in);
	CHECK(b != NULL && strcmp(b[2], "yz") == 0 && b[1][0] == '\0' && b[3] == NULL);
	/* Strings come from malloc(): the caller may free them one by one too. */
	free(b[0]);
	b[0] = strdup("replaced");
	spdk_strarray_free(b);

	CHECK(spdk_strarray_from_string(NULL, ",") == NULL);
	CHECK(spdk_strarray_from_string("a", NULL) == NULL);
	CHECK(spdk_strarray_dup(NULL) == NULL);
	spdk_strarray_free(NULL);
}

static void
test_strcpy_replace(void)
{
	char dst[32];

	CHECK(spdk_strcpy_replace(dst, sizeof(dst), "a-b-c", "-", "::") == 0);
	CHECK(strcmp(dst, "a::b::c") == 0);
	CHECK(spdk_strcpy_replace(dst, sizeof(dst), "aaaa", "aa", "b") == 0);
	CHECK(strcmp(dst, "bb") == 0);
	CHECK(spdk_strcpy_replace(dst, sizeof(dst), "none", "x", "y") == 0);
	CHECK(strcmp(dst, "none") == 0);
	/* Exactly fitting (7 chars + NUL in 8 bytes), then one byte short. */
	CHECK(spdk_strcpy_replace(dst, 8, "a-b-c", "-", "::") == 0);
	CHECK(spdk_strcpy_replace(dst, 7, "a-b-c", "-", "::") == -EINVAL);
	CHECK(spdk_strcpy_replace(NULL, 8, "a", "a", "b") == -EINVAL);
	CHECK(spdk_strcpy_replace(dst, 8, NULL, "a", "b") == -EINVAL);
	CHECK(spdk_strcpy_replace(dst, 8, "a", NULL, "b") == -EINVAL);
	CHECK(spdk_strcpy_replace(dst, 8, "a", "a", NULL) == -EINVAL);
	CHECK(spdk_strcpy_replace(dst, 8, "a", "", "b") == -EINVAL);
	CHECK(spdk_strcpy_replace(dst, 0, "a", "a", "b") == -EINVAL);
}

static void
test_macros(void)
{
#define TEST_NUM 42
	CHECK(strcmp(SPDK_STRINGIFY(TEST_NUM), "42") == 0);
	CHECK(strcmp(_SPDK_STRINGIFY(TEST_NUM), "TEST_NUM") == 0);
#undef TEST_NUM
}

int
main(void)
{
	test_sprintf();
	test_strerror();
	test_strerror_threads();
	test_strtol();
	test_in_place();
	test_pad();
	test_parse_ip();
	test_parse_capacity();
	test_mem_all_zero();
	test_strarray();
	test_strcpy_replace();
	test_macros();
	return harness_done("string_test");
}
