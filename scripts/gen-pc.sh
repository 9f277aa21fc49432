#!/bin/sh
# Writes the pkg-config files: spdk.pc for the one library, spdk_<name>.pc
# for every SPDK library name (all requiring spdk), spdk_syslibs.pc with the
# system libraries a static link needs, and an empty spdk_dpdklibs.pc (no
# DPDK here).
# usage: gen-pc.sh OUTDIR PREFIX LIBDIR INCLUDEDIR VERSION SYSLIBS
set -eu
out=$1 prefix=$2 libdir=$3 includedir=$4 version=$5 syslibs=$6
here=$(dirname "$0")
mkdir -p "$out"
head() {
	printf 'prefix=%s\nlibdir=%s\nincludedir=%s\n\n' "$prefix" "$libdir" "$includedir"
}
{
	head
	printf 'Name: spdk\nDescription: SPDK, the Storage Performance Development Kit (Rust implementation)\n'
	printf 'Version: %s\nLibs: -L${libdir} -lspdk\nLibs.private: %s\nCflags: -I${includedir}\n' "$version" "$syslibs"
} > "$out/spdk.pc"
grep -v '^#' "$here/../pkgconfig/libraries.txt" | while read -r name; do
	[ -n "$name" ] || continue
	{
		head
		printf 'Name: spdk_%s\nDescription: SPDK %s library (part of libspdk)\n' "$name" "$name"
		printf 'Version: %s\nRequires: spdk\nLibs:\nCflags: -I${includedir}\n' "$version"
	} > "$out/spdk_$name.pc"
done
{
	head
	printf 'Name: spdk_syslibs\nDescription: System libraries used by SPDK\nVersion: 1.0\nLibs: %s\n' "$syslibs"
} > "$out/spdk_syslibs.pc"
{
	head
	printf 'Name: spdk_dpdklibs\nDescription: DPDK libraries used by SPDK (none: this SPDK has no DPDK)\nVersion: 1.0\nLibs:\n'
} > "$out/spdk_dpdklibs.pc"
