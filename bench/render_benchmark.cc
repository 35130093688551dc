// Cache-miss render speed (issue 5): entry pages rendered per second on one core, through the
// whole SiteHandler path (routing, entry resolution, store reads, templates, compression off
// as the cache would then add it) with the page cache off, round-robin over every published
// entry of tests/fixtures/wordpress-2010.wxr.gz imported into a temporary site.
//
// Run by bench/render_bench.sh; by hand:
//   build-bench/bench/render_benchmark FIXTURE --benchmark_repetitions=3
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "importer/wxr_importer.h"
#include "render/theme.h"
#include "site/site_handler.h"
#include "site/snapshot.h"
#include "store/sqlite/sqlite_store.h"
#include "util/clock.h"
#include "util/text.h"

namespace {

using namespace reelpress;
namespace fs = std::filesystem;

struct Site {
  fs::path dir;
  std::unique_ptr<store::sqlite::SqliteStore> store;
  std::unique_ptr<site::SiteHandler> handler;
  std::vector<std::string> entry_paths;  // Decoded.
};

Site* bench = nullptr;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "render_benchmark: %s\n", message.c_str());
  std::exit(1);
}

void set_up(const std::string& fixture, bool compress) {
  bench = new Site;
  std::string pattern = (fs::temp_directory_path() / "reelpress-render-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) die("cannot make a temporary folder");
  bench->dir = pattern;
  auto store = store::sqlite::SqliteStore::open((bench->dir / "content.db").string());
  if (!store) die(store.error().message);
  bench->store = std::move(*store);
  auto imported = importer::import_wxr_file(*bench->store, fixture);
  if (!imported) die(imported.error().message);
  auto theme = render::Theme::load(bench->dir / "theme");
  if (!theme) die(theme.error().message);
  config::SiteSettings settings;
  site::SiteHandler::Options options;
  options.cache_pages = false;
  options.compress = compress;
  auto handler = site::SiteHandler::create(*bench->store, *theme, settings,
                                           util::SystemClock::instance(), options);
  if (!handler) die(handler.error().message);
  bench->handler = std::move(*handler);
  auto snapshot = site::Snapshot::load(*bench->store, settings);
  if (!snapshot) die(snapshot.error().message);
  store::EntryQuery query;
  query.limit = 100000;
  auto list = bench->store->list_entries(query);
  if (!list) die(list.error().message);
  for (const content::Entry& e : list->entries) {
    bench->entry_paths.push_back(util::percent_decode((*snapshot)->entry_path(e)).value_or(""));
  }
  if (bench->entry_paths.empty()) die("the fixture has no published entries");
}

void BM_EntryPageMiss(benchmark::State& state) {
  std::size_t next = 0;
  site::Request request;
  std::size_t bytes = 0;
  for (auto _ : state) {
    request.path = bench->entry_paths[next++ % bench->entry_paths.size()];
    request.target = request.path;
    site::Response response = bench->handler->handle(request);
    if (response.status != 200)
      state.SkipWithError(
          ("status " + std::to_string(response.status) + " for " + request.path).c_str());
    bytes += response.body ? response.body->identity.size() : 0;
    benchmark::DoNotOptimize(response);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_EntryPageMiss)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc < 2) die("usage: render_benchmark FIXTURE.wxr[.gz] [--compress] [benchmark flags]");
  const bool compress = argc > 2 && std::string(argv[2]) == "--compress";
  set_up(argv[1], compress);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  fs::remove_all(bench->dir);
  return 0;
}
