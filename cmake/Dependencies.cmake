# Every dependency is a Debian 12 package installed by scripts/install-deps.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(mstch REQUIRED)
pkg_check_modules(MD4C REQUIRED IMPORTED_TARGET md4c md4c-html)
pkg_check_modules(GUMBO REQUIRED IMPORTED_TARGET gumbo)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(BROTLI REQUIRED IMPORTED_TARGET libbrotlienc libbrotlidec)
pkg_check_modules(LIBZIM REQUIRED IMPORTED_TARGET libzim)
pkg_check_modules(VIPS REQUIRED IMPORTED_TARGET vips-cpp)
pkg_check_modules(MAGIC REQUIRED IMPORTED_TARGET libmagic)
# jemalloc replaces glibc's malloc in the server and the benchmarks that measure it
# (reelpress_use_jemalloc). A comment's objects are made on a loop thread and freed on the
# store's writer, its answer the other way round; glibc then refills its per-thread caches
# from locked arenas, and malloc took a tenth of both threads' time. Not with the
# sanitizers, which replace malloc themselves.
if(NOT REELPRESS_SANITIZE AND NOT REELPRESS_BUILD_FUZZERS)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
endif()
if(REELPRESS_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(REELPRESS_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()

# Boost.Asio in Boost 1.74 uses std::exchange in awaitable.hpp without including <utility>.
add_library(reelpress_boost INTERFACE)
target_include_directories(reelpress_boost SYSTEM INTERFACE ${Boost_INCLUDE_DIRS})
target_compile_definitions(reelpress_boost INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
target_compile_options(reelpress_boost INTERFACE -include utility)
