# The two commands of the README, for a fresh Debian 12 machine (as root):
#   make demo   install what is missing, build, open the demo console
#   make test   install what is missing, build strict and with sanitizers,
#               run every test (unit, real PostgreSQL/MariaDB/SQLite, console),
#               the unit tests, the SQLite conformance run and the scripted
#               console tests again under valgrind,
#               and each fuzz target for FUZZ_SECONDS
# Everything else is plain CMake: cmake -S . -B build && cmake --build build.

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
DEMO_DIR ?= rowferry-demo
FUZZ_SECONDS ?= 30

.PHONY: all deps test-deps build demo test test-strict test-asan test-valgrind test-fuzz bench clean

all: build

deps:
	./scripts/install-deps.sh --build

test-deps:
	./scripts/install-deps.sh --test

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	./$(BUILD)/rowferry demo $(DEMO_DIR)

# Strict build (-Werror) and the ASan+UBSan build, each running every test;
# memcheck over the strict build's unit and scripted console tests; the
# libFuzzer targets (clang) for a bounded time each.
test: test-deps
	$(MAKE) test-strict test-asan test-valgrind test-fuzz

# build-ci also holds the valgrind.* tests (label valgrind) once test-valgrind
# configured them; they run there, not here
test-strict:
	cmake -S . -B build-ci -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRF_WERROR=ON
	cmake --build build-ci -j$(JOBS)
	cd build-ci && ctest --output-on-failure --timeout 900 -LE valgrind

test-valgrind:
	cmake -S . -B build-ci -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRF_WERROR=ON -DRF_VALGRIND=ON
	cmake --build build-ci -j$(JOBS)
	cd build-ci && ctest --output-on-failure --timeout 900 -L valgrind -j$(JOBS)

test-fuzz:
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRF_FUZZ=ON \
		-DBUILD_TESTING=OFF
	cmake --build build-fuzz --target fuzz -j$(JOBS)
	JOBS=$(JOBS) ./tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

test-asan:
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DRF_WERROR=ON -DRF_SANITIZE=ON
	cmake --build build-asan -j$(JOBS)
	cd build-asan && ctest --output-on-failure --timeout 1500

bench:
	./scripts/install-deps.sh --bench
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release
	cmake --build build-bench -j$(JOBS)
	./bench/run.sh build-bench

clean:
	rm -rf build build-ci build-asan build-fuzz build-bench
