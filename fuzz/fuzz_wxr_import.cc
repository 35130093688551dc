// libFuzzer target for the WordPress importer: any bytes as a WXR file, imported whole into an
// in-memory store (the reader, wpautop, shortcodes, the sanitizer and the store together, as
// `reelpress import` runs them). An import may fail, but only with a clear error: a message
// that is valid UTF-8 and names the file, and a store left empty. Anything else, and any
// crash or sanitizer report, aborts.
//
// Run: ./fuzz_wxr_import -dict=fuzz/wxr.dict -max_total_time=60 corpus/
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "importer/input_stream.h"
#include "importer/wxr_importer.h"
#include "store/sqlite/sqlite_store.h"
#include "util/text.h"

namespace {

using namespace reelpress;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_wxr_import: %s: %.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  auto store = store::sqlite::SqliteStore::open(":memory:");
  if (!store) fail("cannot open a store", store.error().message);
  auto input = importer::InputStream::from_string(
      std::string(reinterpret_cast<const char*>(data), size), "fuzz.xml");
  importer::ImportOptions options;
  options.render_threads = 0;  // One thread: reproducible, and libFuzzer's coverage is per run.
  auto summary = importer::import_wxr(**store, *input, options);
  if (summary) return 0;
  const std::string& message = summary.error().message;
  if (!util::is_valid_utf8(message)) fail("error message is not UTF-8", message);
  if (message.find("fuzz.xml") == std::string::npos) fail("error does not name the file", message);
  store::EntryQuery everything;
  everything.statuses = {content::EntryStatus::kPublished, content::EntryStatus::kDraft,
                         content::EntryStatus::kPrivate, content::EntryStatus::kScheduled,
                         content::EntryStatus::kTrash};
  everything.kinds = {content::EntryKind::kArticle, content::EntryKind::kPage};
  everything.limit = 0;
  auto left = (*store)->list_entries(everything);
  if (!left || left->total != 0) fail("a failed import left entries behind", message);
  return 0;
}
