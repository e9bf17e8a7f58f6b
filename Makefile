# Stagepunt: `make run` serves the demo, `make test` runs every test.
# Both install what they need first (scripts/install-deps is idempotent).
SHELL := /bin/bash
JOBS ?= 2
BUILD ?= build
ASAN_BUILD ?= build-asan
CMAKE_COMMON = -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
export CCACHE_DIR ?= $(HOME)/.cache/ccache
export CCACHE_MAXSIZE ?= 5G
# Paths relative to the checkout, so that clones and worktrees share cache hits.
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= 1

.PHONY: all deps build build-asan run test test-unit test-asan test-e2e lint fuzz bench verify clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTAGEPUNT_WERROR=ON >/dev/null
	@ninja -C $(BUILD) -j$(JOBS)

# Debug (assertions on) at -O1, as AddressSanitizer's docs advise for
# reasonable speed: the sanitized suite is CPU-bound (docs/performance.md).
build-asan: deps
	@cmake -S . -B $(ASAN_BUILD) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug \
	  "-DCMAKE_CXX_FLAGS_DEBUG=-g -O1" -DSTAGEPUNT_SANITIZE=ON >/dev/null
	@ninja -C $(ASAN_BUILD) -j$(JOBS)

run: build
	@scripts/run-demo

# Every test: unit and integration tests on SQLite and a throwaway PostgreSQL
# cluster (release build with -Werror), the same again under ASan+UBSan, then
# the browser suite against a real server, and the go-live test that follows
# docs/deploy.md on a school without demo data.
test: build build-asan
	@scripts/check-doc-links
	@scripts/pg-test-cluster scripts/run-ctest $(BUILD)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
	 LSAN_OPTIONS=suppressions=$(CURDIR)/.lsan-suppressions:print_suppressions=0 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 scripts/pg-test-cluster scripts/run-ctest $(ASAN_BUILD)
	@scripts/run-e2e $(BUILD)
	@scripts/run-golive $(BUILD)
	@scripts/run-resilience $(BUILD)
	@scripts/static-analysis --changed $(BUILD)
	@scripts/run-fuzz --seconds 30

# Static analysis of all of src/ (clang-tidy and cppcheck; 0 findings), on the
# compile database of $(BUILD). `make test` runs clang-tidy only on the files
# whose last clean analysis is not remembered (scripts/tidy-cache).
lint: build
	@scripts/static-analysis $(BUILD)

# Every libFuzzer target for FUZZ_SECONDS each (make test runs them 30 s each).
FUZZ_SECONDS ?= 600
fuzz: deps
	@scripts/run-fuzz --seconds $(FUZZ_SECONDS)

bench: deps
	@cmake -S . -B build-bench $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release -DSTAGEPUNT_BENCH=ON >/dev/null
	@ninja -C build-bench -j$(JOBS)
	@bench/run-all build-bench

# Checks too slow for `make test` (several minutes): the example nginx TLS
# config under testssl.sh (scripts/check-tls), and the wapiti and sqlmap
# scans of a demo instance (scripts/scan, about 20 minutes).
verify: build
	@scripts/install-deps --verify
	@scripts/check-tls $(BUILD)
	@scripts/scan $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-bench frontend/dist
