/*
 * ext_passthru: a virtual bdev module written against SPDK's public
 * bdev_module.h only, built outside the library (the Makefile beside this
 * file). An ext_passthru bdev claims a base bdev and passes every I/O down
 * to it unchanged.
 */
#ifndef VBDEV_EXT_PASSTHRU_H
#define VBDEV_EXT_PASSTHRU_H

#include "spdk/stdinc.h"
#include "spdk/bdev_module.h"

/*
 * Configures the passthru bdev `name` on `base_name` and builds it at once
 * when the base exists, else when the base registers (examine_config).
 * 0, -EEXIST (name configured already), -EINVAL, -ENOMEM, or the error of
 * opening/claiming/registering (e.g. -EPERM: the base is claimed).
 */
int ext_passthru_create(const char *base_name, const char *name);

/*
 * Drops the configuration of `name` and unregisters its bdev; cb_fn(cb_arg,
 * rc) when done, -ENODEV when there is no such passthru bdev.
 */
void ext_passthru_delete(const char *name, spdk_bdev_unregister_cb cb_fn, void *cb_arg);

#endif
