#include <stdarg.h>
int rspdk_internal_emit(int);
int spdk_log_shimtest(int n, ...) { va_list ap; va_start(ap, n); int v = va_arg(ap, int); va_end(ap); return rspdk_internal_emit(v + n); }
