# The two commands a new machine needs: `make run` and `make test`. Everything else is a
# shortcut for work on the code. Builds are incremental (Ninja, ccache).
BUILD      ?= build
ASAN_BUILD ?= build-asan
DEMO       ?= demo-site
LISTEN     ?= 127.0.0.1:8080
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=

.PHONY: deps configure build run test check-format format asan bench fuzz clean

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	@$(MAKE) --no-print-directory deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DREELPRESS_BUILD_TESTS=ON $(CMAKE_ARGS)

configure: $(BUILD)/build.ninja

build: configure
	ninja -C $(BUILD) -j $(JOBS)

run: deps build
	@test -f $(DEMO)/site.toml || $(BUILD)/reelpress init $(DEMO) --demo
	$(BUILD)/reelpress serve $(DEMO) --listen $(LISTEN)

test: deps build check-format
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 300

check-format:
	@scripts/check-format

format:
	@scripts/check-format --fix

# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DREELPRESS_SANITIZE=ON -DREELPRESS_BUILD_TESTS=ON
	ninja -C $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

bench: deps
	bench/run

fuzz:
	@scripts/install-deps --fuzz
	CXX=clang++ CC=clang cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREELPRESS_BUILD_FUZZERS=ON -DREELPRESS_BUILD_TESTS=OFF
	ninja -C build-fuzz -j $(JOBS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
