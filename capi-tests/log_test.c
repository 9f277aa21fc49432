/* C API test of spdk/log.h: flags, levels, output format, usage, dumps,
 * deprecations and bad input. */

#include "spdk/stdinc.h"
#include "spdk/log.h"

#include "harness.h"

SPDK_LOG_REGISTER_COMPONENT(capi_alpha)
SPDK_LOG_REGISTER_COMPONENT(capi_beta)
SPDK_LOG_REGISTER_COMPONENT(Capi_Gamma)

SPDK_LOG_DEPRECATION_REGISTER(capi_old_api, "the old API", "v99.01", SPDK_LOG_DEPRECATION_ALWAYS)
SPDK_LOG_DEPRECATION_REGISTER(capi_limited, "a limited thing", "v99.05", SPDK_LOG_DEPRECATION_EVERY_24H)

/* ---- capturing log function ---------------------------------------------- */

static char g_cap[64][512];
static int g_cap_level[64];
static int g_cap_line[64];
static char g_cap_file[64][128];
static char g_cap_func[64][64];
static int g_ncap;

static void
capture_log(int level, const char *file, const int line, const char *func,
	    const char *format, va_list args)
{
	if (g_ncap >= 64) {
		return;
	}
	g_cap_level[g_ncap] = level;
	g_cap_line[g_ncap] = line;
	snprintf(g_cap_file[g_ncap], sizeof(g_cap_file[0]), "%s", file ? file : "(none)");
	snprintf(g_cap_func[g_ncap], sizeof(g_cap_func[0]), "%s", func ? func : "(none)");
	vsnprintf(g_cap[g_ncap], sizeof(g_cap[0]), format, args);
	g_ncap++;
}

static int g_open_calls, g_close_calls;
static void *g_open_ctx, *g_close_ctx;

static void
my_open(void *ctx)
{
	g_open_calls++;
	g_open_ctx = ctx;
}

static void
my_close(void *ctx)
{
	g_close_calls++;
	g_close_ctx = ctx;
}

/* ---- stderr redirection ---------------------------------------------------- */

static int g_saved_stderr = -1;
static char g_errpath[64];

static void
stderr_begin(void)
{
	int fd;

	snprintf(g_errpath, sizeof(g_errpath), "/tmp/log_test_XXXXXX");
	fd = mkstemp(g_errpath);
	CHECK(fd >= 0);
	fflush(stderr);
	g_saved_stderr = dup(2);
	dup2(fd, 2);
	close(fd);
}

/* Restores stderr and returns what was written to it (malloc'ed). */
static char *
stderr_end(void)
{
	FILE *f;
	char *text;
	long len;

	fflush(stderr);
	dup2(g_saved_stderr, 2);
	close(g_saved_stderr);
	f = fopen(g_errpath, "r");
	if (f == NULL) {
		return strdup("");
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = calloc(1, (size_t)len + 1);
	if (text != NULL && len > 0 && fread(text, 1, (size_t)len, f) != (size_t)len) {
		text[0] = '\0';
	}
	fclose(f);
	unlink(g_errpath);
	return text;
}

/* ---- tests ----------------------------------------------------------------- */

static void
test_defaults_and_levels(void)
{
	CHECK(spdk_log_get_level() == SPDK_LOG_ERROR);
	CHECK(spdk_log_get_print_level() == SPDK_LOG_ERROR);

	spdk_log_set_level(SPDK_LOG_DEBUG);
	CHECK(spdk_log_get_level() == SPDK_LOG_DEBUG);
	spdk_log_set_level(SPDK_LOG_DISABLED);
	CHECK(spdk_log_get_level() == SPDK_LOG_DISABLED);
	spdk_log_set_print_level(SPDK_LOG_NOTICE);
	CHECK(spdk_log_get_print_level() == SPDK_LOG_NOTICE);

	/* Invalid values are refused and leave the thresholds alone. */
	stderr_begin();
	spdk_log_set_level((enum spdk_log_level)42);
	spdk_log_set_print_level((enum spdk_log_level) - 7);
	free(stderr_end());
	CHECK(spdk_log_get_level() == SPDK_LOG_DISABLED);
	CHECK(spdk_log_get_print_level() == SPDK_LOG_NOTICE);

	CHECK(spdk_log_to_syslog_level(SPDK_LOG_ERROR) == LOG_ERR);
	CHECK(spdk_log_to_syslog_level(SPDK_LOG_WARN) == LOG_WARNING);
	CHECK(spdk_log_to_syslog_level(SPDK_LOG_NOTICE) == LOG_NOTICE);
	CHECK(spdk_log_to_syslog_level(SPDK_LOG_INFO) == LOG_INFO);
	CHECK(spdk_log_to_syslog_level(SPDK_LOG_DEBUG) == LOG_INFO);
	CHECK(spdk_log_to_syslog_level(SPDK_LOG_DISABLED) == -1);
	CHECK(spdk_log_to_syslog_level((enum spdk_log_level)99) == -1);
}

static int
count_flags(void)
{
	struct spdk_log_flag *f;
	int n = 0;

	for (f = spdk_log_get_first_flag(); f != NULL; f = spdk_log_get_next_flag(f)) {
		n++;
	}
	return n;
}

static void
test_flags(void)
{
	struct spdk_log_flag *f, *prev = NULL;
	struct spdk_log_flag stray = { .name = "stray" };
	struct spdk_log_flag dup = { .name = "capi_alpha" };
	int seen = 0, n;

	CHECK(!spdk_log_get_flag("capi_alpha"));
	CHECK(spdk_log_set_flag("capi_alpha") == 0);
	CHECK(spdk_log_get_flag("capi_alpha"));
	CHECK(SPDK_LOG_capi_alpha.enabled);
	CHECK(spdk_log_get_flag("CAPI_ALPHA"));
	CHECK(!spdk_log_get_flag("capi_beta"));
	CHECK(spdk_log_clear_flag("capi_alpha") == 0);
	CHECK(!spdk_log_get_flag("capi_alpha"));
	CHECK(!SPDK_LOG_capi_alpha.enabled);

	/* Globs, case-insensitive. */
	CHECK(spdk_log_set_flag("CAPI_*") == 0);
	CHECK(SPDK_LOG_capi_alpha.enabled && SPDK_LOG_capi_beta.enabled && SPDK_LOG_Capi_Gamma.enabled);
	CHECK(spdk_log_clear_flag("capi_[ab]*") == 0);
	CHECK(!SPDK_LOG_capi_alpha.enabled && !SPDK_LOG_capi_beta.enabled);
	CHECK(SPDK_LOG_Capi_Gamma.enabled);
	CHECK(spdk_log_set_flag("all") == 0);
	CHECK(SPDK_LOG_capi_alpha.enabled && SPDK_LOG_capi_beta.enabled);
	CHECK(spdk_log_clear_flag("ALL") == 0);
	CHECK(!SPDK_LOG_capi_alpha.enabled && !SPDK_LOG_Capi_Gamma.enabled);

	/* Unknown and bad names. */
	CHECK(spdk_log_set_flag("no_such_flag") == -EINVAL);
	CHECK(spdk_log_clear_flag("no_such_flag") == -EINVAL);
	CHECK(spdk_log_set_flag(NULL) == -EINVAL);
	CHECK(spdk_log_clear_flag(NULL) == -EINVAL);
	CHECK(!spdk_log_get_flag(NULL));
	CHECK(!spdk_log_get_flag("no_such_flag"));

	/* Iteration: sorted case-insensitively, TAILQ links consistent. */
	for (f = spdk_log_get_first_flag(); f != NULL; f = spdk_log_get_next_flag(f)) {
		CHECK(f->name != NULL);
		if (prev != NULL) {
			CHECK(strcasecmp(prev->name, f->name) < 0);
		}
		CHECK(TAILQ_NEXT(f, tailq) == spdk_log_get_next_flag(f));
		if (strncasecmp(f->name, "capi_", 5) == 0) {
			seen++;
		}
		prev = f;
	}
	CHECK(seen == 3);
	CHECK(spdk_log_get_next_flag(NULL) == NULL);
	CHECK(spdk_log_get_next_flag(&stray) == NULL);

	/* Bad registrations are refused. */
	n = count_flags();
	stderr_begin();
	spdk_log_register_flag("capi_alpha", &dup);
	spdk_log_register_flag("CAPI_ALPHA", &dup);
	spdk_log_register_flag(NULL, &stray);
	spdk_log_register_flag("stray", NULL);
	free(stderr_end());
	CHECK(count_flags() == n);
	CHECK(spdk_log_set_flag("stray") == -EINVAL);
}

static void
test_custom_log_function(void)
{
	int line;

	g_ncap = 0;
	spdk_log_open(capture_log);

	line = __LINE__ + 1;
	SPDK_ERRLOG("value %d and %s\n", 42, "text");
	CHECK(g_ncap == 1);
	CHECK(g_cap_level[0] == SPDK_LOG_ERROR);
	CHECK(strcmp(g_cap[0], "value 42 and text\n") == 0);
	CHECK(g_cap_line[0] == line);
	CHECK(strstr(g_cap_file[0], "log_test.c") != NULL);
	CHECK(strcmp(g_cap_func[0], "test_custom_log_function") == 0);

	/* The log function receives every level, whatever the thresholds. */
	SPDK_WARNLOG("w\n");
	SPDK_NOTICELOG("n\n");
	CHECK(g_ncap == 3);
	CHECK(g_cap_level[1] == SPDK_LOG_WARN && g_cap_level[2] == SPDK_LOG_NOTICE);

	/* INFOLOG depends on the flag. */
	SPDK_INFOLOG(capi_beta, "hidden\n");
	CHECK(g_ncap == 3);
	spdk_log_set_flag("capi_beta");
	SPDK_INFOLOG(capi_beta, "shown %d\n", 7);
	CHECK(g_ncap == 4 && g_cap_level[3] == SPDK_LOG_INFO && strcmp(g_cap[3], "shown 7\n") == 0);

	/* Without DEBUG, SPDK_DEBUGLOG is compiled out even with the flag on. */
	SPDK_DEBUGLOG(capi_beta, "debug\n");
#ifdef DEBUG
	CHECK(g_ncap == 5);
	g_ncap = 4;
#else
	CHECK(g_ncap == 4);
	CHECK(!SPDK_DEBUGLOG_FLAG_ENABLED("capi_beta"));
#endif
	spdk_log_clear_flag("capi_beta");

	/* SPDK_PRINTF has no location. */
	SPDK_PRINTF("plain %s\n", "words");
	CHECK(g_ncap == 5 && strcmp(g_cap_file[4], "(none)") == 0 && g_cap_line[4] == -1);

	/* Disabled and invalid levels are dropped. */
	spdk_log(SPDK_LOG_DISABLED, __FILE__, __LINE__, __func__, "no\n");
	spdk_log((enum spdk_log_level)17, __FILE__, __LINE__, __func__, "no\n");
	CHECK(g_ncap == 5);

	spdk_log_close();
	g_ncap = 0;
	stderr_begin();
	SPDK_ERRLOG("after close\n");
	free(stderr_end());
	CHECK(g_ncap == 0);

	/* spdk_log_open_ext with open/close callbacks and a context. */
	{
		struct spdk_log_opts opts;
		int ctx;

		memset(&opts, 0, sizeof(opts));
		opts.size = sizeof(opts);
		opts.log = capture_log;
		opts.open = my_open;
		opts.close = my_close;
		opts.user_ctx = &ctx;
		spdk_log_open_ext(&opts);
		CHECK(g_open_calls == 1 && g_open_ctx == &ctx);
		SPDK_NOTICELOG("ext\n");
		CHECK(g_ncap == 1);
		spdk_log_close();
		CHECK(g_close_calls == 1 && g_close_ctx == &ctx);

		/* A caller knowing only size and log: callbacks beyond are ignored. */
		opts.size = offsetof(struct spdk_log_opts, log) + sizeof(opts.log);
		spdk_log_open_ext(&opts);
		CHECK(g_open_calls == 1);
		SPDK_NOTICELOG("short opts\n");
		CHECK(g_ncap == 2);
		spdk_log_close();
		CHECK(g_close_calls == 1);
		g_ncap = 0;
	}
	CHECK(sizeof(struct spdk_log_opts) == 40);
}

static void
test_stderr_format(void)
{
	char *out, expect[256];
	int line;

	spdk_log_set_level(SPDK_LOG_DISABLED);
	spdk_log_set_print_level(SPDK_LOG_NOTICE);
	spdk_log_enable_timestamps(false);

	stderr_begin();
	line = __LINE__ + 1;
	SPDK_ERRLOG("hello %s\n", "world");
	SPDK_INFOLOG(capi_alpha, "not printed\n");
	spdk_log_set_flag("capi_alpha");
	SPDK_INFOLOG(capi_alpha, "info below the print level\n");
	spdk_log_clear_flag("capi_alpha");
	SPDK_WARNLOG("warn\n");
	SPDK_PRINTF("raw text\n");
	out = stderr_end();
	snprintf(expect, sizeof(expect),
		 "%s:%4d:%s: *ERROR*: hello world\n"
		 "%s:%4d:%s: *WARNING*: warn\n"
		 "raw text\n",
		 __FILE__, line, __func__, __FILE__, line + 5, __func__);
	CHECK(strcmp(out, expect) == 0);
	if (strcmp(out, expect) != 0) {
		fprintf(stderr, "got:\n%s\nexpected:\n%s\n", out, expect);
	}
	free(out);

	/* Timestamps: "[YYYY-MM-DD HH:MM:SS.uuuuuu] file: line:func: *NOTICE*: msg". */
	spdk_log_enable_timestamps(true);
	stderr_begin();
	spdk_log(SPDK_LOG_NOTICE, "f.c", 7, "fn", "stamp\n");
	out = stderr_end();
	{
		int y, mo, d, h, mi, s, us, n = 0;

		CHECK(sscanf(out, "[%4d-%2d-%2d %2d:%2d:%2d.%6d] %n", &y, &mo, &d, &h, &mi, &s, &us, &n) == 7);
		CHECK(n == 29);
		CHECK(out[0] == '[' && out[5] == '-' && out[11] == ' ' && out[20] == '.' && out[27] == ']');
		CHECK(strcmp(out + 29, "f.c:   7:fn: *NOTICE*: stamp\n") == 0);
	}
	free(out);
	spdk_log_enable_timestamps(false);

	/* Long messages are not truncated. */
	{
		char *big = malloc(5001);

		memset(big, 'x', 5000);
		big[5000] = '\0';
		stderr_begin();
		spdk_log(SPDK_LOG_ERROR, "f.c", 1, "fn", "%s|\n", big);
		out = stderr_end();
		CHECK(strlen(out) == strlen("f.c:   1:fn: *ERROR*: ") + 5000 + 2);
		CHECK(strstr(out, "x|\n") != NULL);
		free(out);
		free(big);
	}

	/* Print level DISABLED prints nothing. */
	spdk_log_set_print_level(SPDK_LOG_DISABLED);
	stderr_begin();
	SPDK_ERRLOG("silent\n");
	out = stderr_end();
	CHECK(out[0] == '\0');
	free(out);
	spdk_log_set_print_level(SPDK_LOG_NOTICE);
}

#define NTHREADS 4
#define NMSGS 300

static void *
log_thread(void *arg)
{
	long id = (long)arg;
	int i;

	for (i = 0; i < NMSGS; i++) {
		spdk_log(SPDK_LOG_ERROR, "t.c", (int)id, "thr", "thread %ld message %d %s\n", id, i,
			 "padding-padding-padding-padding-padding-padding");
	}
	return NULL;
}

static void
test_threads(void)
{
	pthread_t t[NTHREADS];
	char *out, *line, *save = NULL;
	int lines = 0, good = 0;
	long i;

	stderr_begin();
	for (i = 0; i < NTHREADS; i++) {
		pthread_create(&t[i], NULL, log_thread, (void *)i);
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], NULL);
	}
	out = stderr_end();
	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		int tid, msg, n = 0;

		lines++;
		if (sscanf(line, "t.c:   %d:thr: *ERROR*: thread %d message %d "
			   "padding-padding-padding-padding-padding-padding%n", &tid, &tid, &msg, &n) == 3 &&
		    line[n] == '\0') {
			good++;
		}
	}
	CHECK(lines == NTHREADS * NMSGS);
	CHECK(good == NTHREADS * NMSGS);
	free(out);
}

static void
test_flog(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	spdk_flog(f, "a.c", 12, "fn", "v=%d\n", 3);
	spdk_flog(f, NULL, 0, NULL, "bare\n");
	fclose(f);
	CHECK(strcmp(buf, "a.c:  12:fn: v=3\nbare\n") == 0);
	free(buf);
	spdk_flog(NULL, "a.c", 1, "fn", "nothing\n");
}

static void
test_usage(void)
{
	char *buf = NULL, *p;
	size_t len = 0;
	FILE *f;
	static struct spdk_log_flag many[16];
	static char names[16][32];
	int i, maxw = 0, cur = 0;

	for (i = 0; i < 16; i++) {
		snprintf(names[i], sizeof(names[i]), "capi_usage_flag_%02d", i);
		spdk_log_register_flag(names[i], &many[i]);
	}
	CHECK(many[3].name == names[3]);

	f = open_memstream(&buf, &len);
	spdk_log_usage(f, "-L");
	fclose(f);
	CHECK(strncmp(buf, " -L, --logflag <flag>      enable log flag (all, ", 48) == 0);
	CHECK(strstr(buf, "capi_alpha, capi_beta, ") != NULL);
	CHECK(strstr(buf, "capi_usage_flag_15") != NULL);
	CHECK(len >= 2 && strcmp(buf + len - 2, ")\n") == 0);
	for (p = buf; *p; p++) {
		if (*p == '\n') {
			maxw = cur > maxw ? cur : maxw;
			cur = 0;
		} else {
			cur++;
		}
	}
	CHECK(maxw <= 100);
	CHECK(strstr(buf, "\n                           ") != NULL);
	free(buf);

	spdk_log_usage(NULL, "-L");
}

static void
test_dump(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	char expect[512];

	f = open_memstream(&buf, &len);
	spdk_log_dump(f, "lbl", "0123456789abcdefghij", 20);
	fclose(f);
	snprintf(expect, sizeof(expect),
		 "lbl\n"
		 "00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  0123456789abcdef\n"
		 "00000010  67 68 69 6a %36s  ghij\n", "");
	CHECK(strcmp(buf, expect) == 0);
	free(buf);

	f = open_memstream(&buf, &len);
	spdk_log_dump(f, "short", "\x01" "A", 2);
	fclose(f);
	snprintf(expect, sizeof(expect), "short\n00000000  01 41 %18s %24s  .A\n", "", "");
	CHECK(strcmp(buf, expect) == 0);
	free(buf);

	f = open_memstream(&buf, &len);
	spdk_log_dump(f, "empty", NULL, 0);
	spdk_log_dump(f, "bad", NULL, 5);
	fclose(f);
	CHECK(strcmp(buf, "empty\n  \n") == 0);
	free(buf);

	spdk_log_dump(NULL, "x", "abc", 3);
}

struct dep_iter {
	int count;
	int stop_after;
	int found_old;
};

static int
dep_cb(void *ctx, struct spdk_deprecation *dep)
{
	struct dep_iter *it = ctx;

	it->count++;
	if (strcmp(spdk_deprecation_get_tag(dep), "capi_old_api") == 0) {
		it->found_old++;
	}
	return it->count == it->stop_after ? 5 : 0;
}

static void
test_deprecation(void)
{
	struct spdk_deprecation *d = NULL;
	struct dep_iter it = { 0 };

	g_ncap = 0;
	spdk_log_open(capture_log);
	SPDK_LOG_DEPRECATED(capi_old_api);
	SPDK_LOG_DEPRECATED(capi_old_api);
	CHECK(g_ncap == 2);
	CHECK(g_cap_level[0] == SPDK_LOG_WARN);
	CHECK(strcmp(g_cap[0], "capi_old_api: deprecated feature the old API to be removed in v99.01\n") == 0);
	CHECK(strcmp(g_cap_func[0], "test_deprecation") == 0);
	CHECK(spdk_deprecation_get_hits(_deprecated_capi_old_api) == 2);

	g_ncap = 0;
	SPDK_LOG_DEPRECATED(capi_limited);
	SPDK_LOG_DEPRECATED(capi_limited);
	SPDK_LOG_DEPRECATED(capi_limited);
	CHECK(g_ncap == 1);
	CHECK(spdk_deprecation_get_hits(_deprecated_capi_limited) == 3);
	CHECK(strcmp(spdk_deprecation_get_tag(_deprecated_capi_limited), "capi_limited") == 0);
	CHECK(strcmp(spdk_deprecation_get_description(_deprecated_capi_limited), "a limited thing") == 0);
	CHECK(strcmp(spdk_deprecation_get_remove_release(_deprecated_capi_limited), "v99.05") == 0);

	g_ncap = 0;
	spdk_log_deprecated(NULL, __FILE__, __LINE__, __func__);
	CHECK(g_ncap == 1 && g_cap_level[0] == SPDK_LOG_ERROR);
	spdk_log_close();

	CHECK(spdk_log_for_each_deprecation(&it, dep_cb) == 0);
	CHECK(it.count == 2 && it.found_old == 1);
	memset(&it, 0, sizeof(it));
	it.stop_after = 1;
	CHECK(spdk_log_for_each_deprecation(&it, dep_cb) == 5);
	CHECK(it.count == 1);
	CHECK(spdk_log_for_each_deprecation(NULL, NULL) == -EINVAL);

	CHECK(spdk_log_deprecation_register(NULL, "d", "r", 0, &d) == -EINVAL);
	CHECK(spdk_log_deprecation_register("t", NULL, "r", 0, &d) == -EINVAL);
	CHECK(spdk_log_deprecation_register("t", "d", NULL, 0, &d) == -EINVAL);
	CHECK(spdk_log_deprecation_register("t", "d", "r", 0, NULL) == -EINVAL);
	CHECK(d == NULL);
	CHECK(spdk_deprecation_get_tag(NULL) == NULL);
	CHECK(spdk_deprecation_get_description(NULL) == NULL);
	CHECK(spdk_deprecation_get_remove_release(NULL) == NULL);
	CHECK(spdk_deprecation_get_hits(NULL) == 0);
}

int
main(void)
{
	test_defaults_and_levels();
	test_flags();
	test_custom_log_function();
	test_stderr_format();
	test_threads();
	test_flog();
	test_usage();
	test_dump();
	test_deprecation();
	spdk_log_open(NULL);
	spdk_log_close();
	return harness_done("log_test");
}
