// What a reader's comment costs the store's writer thread (issue 4), without the network:
// batches of comments committed as GroupCommit commits them (one transaction, each comment a
// savepoint holding its replay digest and its row), into a database that already holds
// PREFILL comments and digests, so that the tables and indexes are as deep as on a busy site.
// Comments per second on one core, for batches of 1, 10 and 64.
//
// Run by bench/store_bench.sh; by hand:
//   build-bench/bench/store_benchmark --benchmark_repetitions=3
//   REELPRESS_BENCH_PREFILL=200000 build-bench/bench/store_benchmark
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "content/model.h"
#include "store/sqlite/sqlite_store.h"
#include "util/clock.h"

namespace {

using namespace reelpress;
namespace fs = std::filesystem;

constexpr std::int64_t kDefaultPrefill = 100000;

struct Site {
  fs::path dir;
  std::unique_ptr<store::sqlite::SqliteStore> store;
  content::Id entry_id = 0;
  std::mt19937_64 random{20261202};
  std::int64_t comments = 0;
};

Site* bench = nullptr;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "store_benchmark: %s\n", message.c_str());
  std::exit(1);
}

void check(const util::Status& status) {
  if (!status) die(status.error().describe());
}

// One comment as Submissions::save writes it: its digest (a fresh one, as every accepted post
// has), then its row.
util::Status save_one(Site& site) {
  std::string digest(32, '\0');
  for (std::size_t i = 0; i < digest.size(); i += 8) {
    const std::uint64_t bits = site.random();
    for (std::size_t b = 0; b < 8; ++b) digest[i + b] = static_cast<char>(bits >> (8 * b));
  }
  const util::UnixTime now = util::SystemClock::instance().now();
  auto fresh = site.store->record_submission(digest, now + 86400);
  if (!fresh) return util::fail(fresh.error());
  if (!*fresh) return util::fail(util::ErrorCode::kConflict, "a random digest came twice");
  content::Comment c;
  c.entry_id = site.entry_id;
  c.author_name = "Bench Reader";
  c.body_html =
      "<p>A benchmark comment number " + std::to_string(++site.comments) + " about the film.</p>";
  c.status = content::ModerationStatus::kPending;
  c.created_at = now;
  auto id = site.store->save_comment(c);
  if (!id) return util::fail(id.error());
  return {};
}

// A batch as GroupCommit::commit runs it.
void commit_batch(Site& site, int size) {
  check(site.store->transaction([&]() -> util::Status {
    for (int i = 0; i < size; ++i) {
      check(site.store->transaction([&] { return save_one(site); }));
    }
    return {};
  }));
}

void set_up() {
  bench = new Site;
  std::string pattern = (fs::temp_directory_path() / "reelpress-store-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) die("cannot make a temporary folder");
  bench->dir = pattern;
  auto store = store::sqlite::SqliteStore::open((bench->dir / "content.db").string());
  if (!store) die(store.error().describe());
  bench->store = std::move(*store);
  content::Entry entry;
  entry.slug = "the-well-keepers";
  entry.title = "The Well Keepers";
  entry.status = content::EntryStatus::kPublished;
  entry.published_at = 1310428800;
  auto id = bench->store->save_entry(entry);
  if (!id) die(id.error().describe());
  bench->entry_id = *id;
  const char* prefill = std::getenv("REELPRESS_BENCH_PREFILL");
  const std::int64_t n = prefill ? std::atoll(prefill) : kDefaultPrefill;
  for (std::int64_t done = 0; done < n; done += 256) commit_batch(*bench, 256);
}

void tear_down() {
  bench->store.reset();
  std::error_code ignored;
  fs::remove_all(bench->dir, ignored);
  delete bench;
}

void BM_CommentBatch(benchmark::State& state) {
  const int size = static_cast<int>(state.range(0));
  for (auto _ : state) commit_batch(*bench, size);
  state.SetItemsProcessed(state.iterations() * size);
}
BENCHMARK(BM_CommentBatch)->Arg(1)->Arg(10)->Arg(64)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  set_up();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  tear_down();
  return 0;
}
