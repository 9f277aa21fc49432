#!/bin/bash
# Builds each bench/*.c through pkg-config against the staged install, as
# an SPDK program would be built, and runs it once per "bench-run: ARGS"
# line of its source (once with no arguments when it has none).
# usage: run-bench.sh STAGE [name...]
set -eu
stage=$1; shift
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/bench
mkdir -p "$out"
export PKG_CONFIG_PATH=$stage/lib/pkgconfig
export LD_LIBRARY_PATH=$stage/lib
pcs="spdk_event spdk_rpc spdk_json spdk_jsonrpc spdk_init spdk_thread spdk_env_dpdk spdk_util spdk_log spdk_syslibs"
if [ $# -gt 0 ]; then
	srcs=(); for n in "$@"; do srcs+=("$root/bench/$n.c"); done
else
	srcs=("$root"/bench/*.c)
fi
for src in "${srcs[@]}"; do
	n=$(basename "$src" .c)
	${CC:-cc} -O2 -Wall -Werror -o "$out/$n" "$src" $(pkg-config --cflags --libs $pcs)
	runs=$(sed -n 's/^ \* bench-run:[[:space:]]*//p' "$src")
	[ -n "$runs" ] || runs=" "
	while IFS= read -r args; do
		echo "== $n $args"
		# shellcheck disable=SC2086
		timeout -k 10 60 "$out/$n" $args </dev/null
	done <<<"$runs"
done
