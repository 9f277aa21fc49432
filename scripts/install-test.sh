#!/bin/bash
# make install with PREFIX and DESTDIR puts the library, headers and .pc
# files in place; a program builds from them; make uninstall removes
# exactly that.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make -C "$root" --no-print-directory -s install PREFIX=/opt/spdk-test DESTDIR="$dest" >/dev/null
for f in lib/libspdk.a lib/libspdk.so lib/pkgconfig/spdk_env_dpdk.pc lib/pkgconfig/spdk_nvme.pc \
	lib/pkgconfig/spdk_syslibs.pc lib/pkgconfig/spdk_bdev_modules.pc include/spdk/env.h \
	bin/spdk_tgt bin/bdevperf bin/spdk_nvme_identify bin/spdk_nvme_perf; do
	test -e "$dest/opt/spdk-test/$f" || { echo "install-test: missing $f"; exit 1; }
done
libs=$(PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_PATH=$dest/opt/spdk-test/lib/pkgconfig \
	pkg-config --cflags --libs spdk_env_dpdk spdk_util spdk_log spdk_syslibs)
echo "install-test: pkg-config gives: $libs"
echo '#include "spdk/env.h"
int main(void) { struct spdk_env_opts o; o.opts_size = sizeof(o); spdk_env_opts_init(&o); return o.shm_id == -1 ? 0 : 1; }' \
	> "$dest/t.c"
${CC:-cc} -Wall -Werror "$dest/t.c" -o "$dest/t" $libs
LD_LIBRARY_PATH=$dest/opt/spdk-test/lib "$dest/t"
rm -f "$dest/t" "$dest/t.c"
make -C "$root" --no-print-directory -s uninstall PREFIX=/opt/spdk-test DESTDIR="$dest" >/dev/null
left=$(find "$dest" -type f -o -type l)
if [ -n "$left" ]; then
	echo "install-test: uninstall left: $left"; exit 1
fi
echo "install-test: 1 passed, 0 failed"
