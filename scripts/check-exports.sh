#!/bin/bash
# libspdk.so must export SPDK's functions and nothing else: every dynamic
# symbol is spdk_* and declared in a header of include/spdk, and every
# function those headers declare is exported. Prints the count per header.
# usage: check-exports.sh path/to/libspdk.so
set -eu
lib=$1
root=$(cd "$(dirname "$0")/.." && pwd)
nm -D --defined-only "$lib" | awk '{print $3}' | sort -u > "$root/build/exports.txt"
python3 "$root/scripts/export-report.py" "$root/include/spdk" "$root/build/exports.txt"
