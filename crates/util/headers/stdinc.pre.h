/** \file
 * The system headers SPDK code expects to be available after including
 * spdk/stdinc.h.
 */

#ifdef __linux__
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/xattr.h>
#endif

#ifdef __FreeBSD__
#include <sys/sysctl.h>
#endif

#if defined(__linux__) || defined(__FreeBSD__)
#include <aio.h>
#endif

/* Some C libraries lack the "required key not available" error code. */
#ifndef ENOKEY
#define ENOKEY 126
#endif
