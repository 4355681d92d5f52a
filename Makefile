# Thin wrapper over CMake. `make demo` and `make test` work on a fresh Debian 12.
MAKEFLAGS  += --no-print-directory
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
BENCH      ?= all
FUZZ_SECONDS ?= 30

.PHONY: all build deps deps-npm test test-release test-asan bench fuzz demo clean

all: build

deps:
	@scripts/bootstrap.sh

deps-npm:
	@scripts/bootstrap.sh --with-npm

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

test: deps-npm test-release test-asan
	@echo "make test: all suites passed (release and ASan+UBSan)"

test-release: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Sanitized: every unit suite, and of the integration tests those of carekeyd
# and the attacks on it (the network-facing server, on SQLite and
# PostgreSQL). The CLI and browser journeys would add about seven minutes.
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCK_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@$(ASAN_ENV) ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -LE 'valgrind|slow|integration'
	@$(ASAN_ENV) ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -L integration -L 'server|security' -LE 'valgrind|slow'

bench: deps-npm build
	@scripts/bench.sh $(BUILD) $(BENCH)

fuzz: deps
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCK_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

demo: build
	@scripts/demo.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
