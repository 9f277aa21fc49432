"""Compares libspdk.so's dynamic symbols with the headers' declarations."""
import re
import sys
from pathlib import Path

include, exports = Path(sys.argv[1]), Path(sys.argv[2])
syms = set(exports.read_text().split())
# A declaration: a return type, the name, "(" ... ");" at file scope. Static
# inline helpers and macros are not exported, so they are left out.
decl = re.compile(r"^[A-Za-z_][\w \t\*]*?\b(spdk_\w+)\s*\([^;{]*\)\s*;", re.M)
declared = {}
# spdk_internal/*.h (beside include/spdk) declares the internal functions
# SPDK exports too (spdk_poller_get_name, ...).
internal = include.parent / "spdk_internal"
for h in sorted(include.glob("*.h")) + sorted(internal.glob("*.h")):
    text = re.sub(r"/\*.*?\*/", "", h.read_text(), flags=re.S)
    text = re.sub(r"^\s*#.*?(?<!\\)$", "", text, flags=re.M | re.S)
    text = re.sub(r"static inline[^{]*\{", "", text)
    text = re.sub(r"typedef[^;]*;", "", text)
    names = set(decl.findall(text))
    if names:
        declared[h.name if h.parent == include else f"{h.parent.name}/{h.name}"] = names

ok = True
bad = sorted(s for s in syms if not s.startswith("spdk_"))
if bad:
    ok = False
    print("exported but not spdk_*:", " ".join(bad))
all_declared = set().union(*declared.values()) if declared else set()
undeclared = sorted(syms - all_declared)
if undeclared:
    ok = False
    print("exported but declared in no header:", " ".join(undeclared))
for h, names in declared.items():
    missing = sorted(names - syms)
    if missing:
        ok = False
        print(f"{h}: declared but not exported:", " ".join(missing))
total = 0
print("exported functions per header:")
for h, names in declared.items():
    n = len(names & syms)
    total += n
    print(f"  {h:<20} {n}")
print(f"  {'total':<20} {total}")
sys.exit(0 if ok else 1)
