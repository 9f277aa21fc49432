# libspdk: SPDK's C API implemented in Rust.
#   make            build build/lib/libspdk.{so,a} and build-tree .pc files
#   make examples   build the library and run the C examples against it
#   make test       everything CI runs: lint, Rust tests, C API tests
#   make headers    regenerate include/spdk/*.h from the crates
#   make install / uninstall   (PREFIX, LIBDIR, INCLUDEDIR, DESTDIR)
#   make bench      the C benchmarks (env, event_perf, poller_perf, ...) and the Rust ones

PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DESTDIR    ?=
CARGO      ?= cargo
CC         ?= cc

SO_MAJOR   := 26
SO_MINOR   := 1
VERSION    := $(SO_MAJOR).$(SO_MINOR)
SONAME     := libspdk.so.$(SO_MAJOR)
SOFILE     := libspdk.so.$(VERSION)
# What Rust's standard library needs from the system when linked statically.
SYSLIBS    := -lpthread -ldl -lm -lrt -lutil -lgcc_s

ROOT       := $(abspath .)
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(ROOT)/target)
BUILD      := $(ROOT)/build
STAGE      := $(BUILD)/stage

RPC_SOCK   ?= /var/tmp/spdk.sock
# The programs make builds and installs beside the library.
APPS       := spdk_tgt bdevperf spdk_nvme_identify spdk_nvme_perf

.PHONY: passthru-test module-test bdevperf bdevperf-test bench-bdev rpc-client-test struct-size-test deps all lib headers check-headers pc install uninstall stage examples run test lint rust-test capi-test bench clean

all: lib pc

# What a fresh Debian machine needs besides the Rust toolchain.
deps:
	@missing=""; for t in cc:gcc make:make pkg-config:pkg-config python3:python3 nm:binutils runuser:util-linux; do \
		command -v $${t%%:*} >/dev/null || missing="$$missing $${t#*:}"; done; \
	if [ -n "$$missing" ]; then apt-get update -q && apt-get install -y -q $$missing; fi
	@rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt
	@python3 -m pip --version >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q python3-pip; }
	@python3 -c 'import spdk.rpc' 2>/dev/null || python3 -m pip install -q spdk 2>/dev/null || \
		python3 -m pip install -q --break-system-packages spdk

lib:
	$(CARGO) build --release -p spdk $(APPS:%=-p %)
	@mkdir -p $(BUILD)/lib
	cp $(TARGET_DIR)/release/libspdk.a $(BUILD)/lib/libspdk.a
	$(CC) -shared -o $(BUILD)/lib/$(SOFILE) \
		-Wl,--whole-archive $(TARGET_DIR)/release/libspdk.a -Wl,--no-whole-archive \
		-Wl,--version-script=$(ROOT)/spdk.map -Wl,-soname,$(SONAME) \
		-Wl,--gc-sections -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack $(SYSLIBS)
	ln -sf $(SOFILE) $(BUILD)/lib/$(SONAME)
	ln -sf $(SONAME) $(BUILD)/lib/libspdk.so

# Build-tree .pc files, for using the library without installing it.
pc:
	scripts/gen-pc.sh $(BUILD)/lib/pkgconfig $(ROOT) $(BUILD)/lib $(ROOT)/include $(VERSION) "$(SYSLIBS)"

headers:
	$(CARGO) run -q -p gen-headers

# The sizes SPDK pins, checked from C for the types our headers define.
struct-size-test:
	python3 scripts/gen-struct-size-test.py

check-headers:
	$(CARGO) run -q -p gen-headers -- --check

install: all
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/spdk
	install -m 644 $(BUILD)/lib/libspdk.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(BUILD)/lib/$(SOFILE) $(DESTDIR)$(LIBDIR)/
	ln -sf $(SOFILE) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libspdk.so
	install -m 644 include/spdk/*.h $(DESTDIR)$(INCLUDEDIR)/spdk/
	install -d $(DESTDIR)$(INCLUDEDIR)/spdk_internal $(DESTDIR)$(PREFIX)/bin
	install -m 644 include/spdk_internal/*.h $(DESTDIR)$(INCLUDEDIR)/spdk_internal/
	for a in $(APPS); do install -m 755 $(TARGET_DIR)/release/$$a $(DESTDIR)$(PREFIX)/bin/$$a; done
	scripts/gen-pc.sh $(BUILD)/pc-install $(PREFIX) $(LIBDIR) $(INCLUDEDIR) $(VERSION) "$(SYSLIBS)"
	install -m 644 $(BUILD)/pc-install/*.pc $(DESTDIR)$(LIBDIR)/pkgconfig/

# Removes exactly what install put there.
uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libspdk.a $(DESTDIR)$(LIBDIR)/$(SOFILE) \
		$(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libspdk.so
	cd include/spdk && for h in *.h; do rm -f $(DESTDIR)$(INCLUDEDIR)/spdk/$$h; done
	-rmdir $(DESTDIR)$(INCLUDEDIR)/spdk 2>/dev/null
	cd include/spdk_internal && for h in *.h; do rm -f $(DESTDIR)$(INCLUDEDIR)/spdk_internal/$$h; done
	-rmdir $(DESTDIR)$(INCLUDEDIR)/spdk_internal 2>/dev/null
	for a in $(APPS); do rm -f $(DESTDIR)$(PREFIX)/bin/$$a; done
	rm -f $(DESTDIR)$(LIBDIR)/pkgconfig/spdk.pc $(DESTDIR)$(LIBDIR)/pkgconfig/spdk_syslibs.pc \
		$(DESTDIR)$(LIBDIR)/pkgconfig/spdk_dpdklibs.pc
	for n in $$(grep -v '^#' pkgconfig/libraries.txt); do rm -f $(DESTDIR)$(LIBDIR)/pkgconfig/spdk_$$n.pc; done

# A private install that the C tests and examples build against.
stage:
	rm -rf $(STAGE)
	$(MAKE) --no-print-directory install PREFIX=$(STAGE) DESTDIR=

examples: stage
	scripts/run-examples.sh $(STAGE)

# The bdev module written in C (c-examples/passthru) in a running app,
# driven with SPDK's client; I/O through it; its configuration saved and loaded.
passthru-test: stage
	scripts/passthru-test.sh $(STAGE)

# The C examples, then spdk_tgt on its built-in default configuration
# (RPC_SOCK to move its socket; Ctrl-C stops it).
run: examples
	$(TARGET_DIR)/release/spdk_tgt --default-config -r $(RPC_SOCK)

# The official SPDK Python client (PyPI spdk) against spdk_tgt.
rpc-client-test:
	scripts/rpc-client-test.sh

# The NVMe driver against real peers in throwaway Linux guests (shared/lab):
# QEMU's NVMe controller through VFIO, and the kernel's nvmet over TCP
# (the driver, then spdk_nvme_identify, spdk_nvme_perf and hello_nvme).
lab-test: stage
	scripts/nvme-pcie-lab-test.sh
	scripts/nvme-tcp-lab-test.sh
	scripts/nvme-tools-lab-test.sh $(STAGE)

# Each bdev module's test with SPDK's client (scripts/module-tests/*.sh).
module-test:
	@set -e; for t in scripts/module-tests/*.sh; do [ -e "$$t" ] || continue; echo "== $$t"; bash $$t; done

# bdevperf (release build), its test on null bdevs, and the null-bdev
# figures (4 KiB, QD 128, randread/randwrite, 10 s each on one core).
bdevperf:
	$(CARGO) build --release -p bdevperf

bdevperf-test:
	scripts/bdevperf-test.sh

bench-bdev:
	scripts/bdevperf-test.sh bench

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(MAKE) --no-print-directory check-headers
	python3 scripts/gen-struct-size-test.py --check

rust-test:
	$(CARGO) test --workspace

capi-test: stage
	scripts/check-exports.sh $(BUILD)/lib/$(SOFILE)
	scripts/run-capi-tests.sh $(STAGE)
	scripts/install-test.sh

test: lint rust-test capi-test examples passthru-test rpc-client-test module-test bdevperf-test lab-test

# C benchmarks through the installed library (what SPDK programs pay;
# each bench/*.c runs once per "bench-run:" line), then the Rust-side ones.
bench: stage
	scripts/run-bench.sh $(STAGE)
	$(CARGO) bench -p spdk-env --bench pool_ring
	$(CARGO) bench -p spdk-thread --bench thread
	$(CARGO) bench -p spdk-nvme --bench nvme_queue

clean:
	$(CARGO) clean
	rm -rf $(BUILD)
