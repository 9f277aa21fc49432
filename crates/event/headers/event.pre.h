/** Short options spdk_app_parse_args() handles itself. */
#define SPDK_APP_GETOPT_STRING "c:de:ghi:m:n:p:r:s:uvA:B:L:RW:"

/** A signal handler. */
typedef void (*spdk_sighandler_t)(int signal);

struct spdk_poller;
