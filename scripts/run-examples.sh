#!/bin/bash
# Builds each c-examples/*.c exactly as an SPDK user would, through
# pkg-config against the installed library, and runs it. An example that
# is a server (runs until stopped) has a driver, scripts/<name>-test.sh
# (underscores as dashes), which gets the stage and the built program.
# An example in a directory (c-examples/<dir>/, a bdev module and the
# programs carrying it) is built by its own Makefile, also through
# pkg-config; its programs are checked to start (-h) here, and its driver,
# scripts/<dir>-test.sh, runs from `make test` as a target of its own.
# usage: run-examples.sh STAGE
set -eu
stage=$1
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/examples
mkdir -p "$out"
export PKG_CONFIG_PATH=$stage/lib/pkgconfig
for src in "$root"/c-examples/*.c; do
	t=$(basename "$src" .c)
	echo "== $t"
	${CC:-cc} -Wall -Werror -o "$out/$t" "$src" \
		$(pkg-config --cflags --libs spdk_event spdk_bdev spdk_nvme spdk_rpc spdk_json spdk_jsonrpc \
			spdk_init spdk_thread spdk_env_dpdk spdk_util spdk_log spdk_syslibs)
	driver=$root/scripts/$(echo "$t" | tr _ -)-test.sh
	if [ -x "$driver" ]; then
		timeout -k 10 300 "$driver" "$stage" "$out/$t"
	else
		LD_LIBRARY_PATH=$stage/lib timeout -k 10 60 "$out/$t"
	fi
done
for mk in "$root"/c-examples/*/Makefile; do
	[ -e "$mk" ] || continue
	dir=$(dirname "$mk")
	t=$(basename "$dir")
	echo "== $t/"
	mkdir -p "$out/$t"
	make -s -C "$dir" O="$out/$t"
	for prog in "$out/$t"/*; do
		[ -x "$prog" ] || continue
		LD_LIBRARY_PATH=$stage/lib timeout -k 10 60 "$prog" -h >/dev/null
	done
done
