#!/bin/bash
# Builds every capi-tests/*.c against the staged install through pkg-config
# (-Wall -Werror) three ways: shared, shared with ASan/UBSan, and static
# (plain -lspdk plus `pkg-config --libs --static spdk_syslibs`), and runs
# them. As root, the shared build also runs as user nobody, to show that
# nothing needs root or hugepages. Prints "capi: N passed, N failed".
# usage: run-capi-tests.sh STAGE
set -u
stage=$1
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/capi
mkdir -p "$out"
export PKG_CONFIG_PATH=$stage/lib/pkgconfig
pcs="spdk_env_dpdk spdk_util spdk_log spdk_json spdk_jsonrpc spdk_thread spdk_rpc spdk_init spdk_event spdk_nvme spdk_bdev"
cflags="-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Werror -std=gnu11 -g $(pkg-config --cflags $pcs)"
libs="$(pkg-config --libs $pcs spdk_syslibs)"
static="-L$stage/lib -Wl,-Bstatic -lspdk -Wl,-Bdynamic $(pkg-config --libs --static spdk_syslibs)"
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
passed=0 failed=0

run() { # name, command...
	local name=$1; shift
	if timeout -k 10 120 "$@"; then
		passed=$((passed + 1))
	else
		echo "FAILED: $name" >&2
		failed=$((failed + 1))
	fi
}

as_nobody=
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null; then
	if runuser -u nobody -- test -x "$out" 2>/dev/null; then
		as_nobody=1
	else
		echo "note: $out is not reachable by user nobody; skipping the unprivileged runs"
	fi
fi

for src in "$root"/capi-tests/*.c; do
	t=$(basename "$src" .c)
	if ! ${CC:-cc} $cflags "$src" -o "$out/$t" $libs; then
		echo "FAILED: build $t" >&2; failed=$((failed + 1)); continue
	fi
	run "$t" env LD_LIBRARY_PATH="$stage/lib" "$out/$t"
	if [ -n "$as_nobody" ]; then
		run "$t (as nobody)" runuser -u nobody -- env LD_LIBRARY_PATH="$stage/lib" "$out/$t"
	fi
	if ${CC:-cc} $cflags $san "$src" -o "$out/$t.san" $libs; then
		run "$t (asan+ubsan)" env LD_LIBRARY_PATH="$stage/lib" ASAN_OPTIONS=detect_leaks=1 \
			UBSAN_OPTIONS=print_stacktrace=1 "$out/$t.san"
	else
		echo "FAILED: build $t with sanitizers" >&2; failed=$((failed + 1))
	fi
	if ${CC:-cc} $cflags "$src" -o "$out/$t.static" $static; then
		run "$t (static)" "$out/$t.static"
	else
		echo "FAILED: static link of $t" >&2; failed=$((failed + 1))
	fi
done
echo "capi: $passed passed, $failed failed"
[ "$failed" = 0 ]
