#include "site/snapshot.h"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"

namespace reelpress::site {
namespace {

content::Entry page(content::Id id, std::string slug, content::EntryStatus status,
                    std::optional<content::Id> parent = std::nullopt) {
  content::Entry e;
  e.id = id;
  e.slug = std::move(slug);
  e.title = "Page " + std::to_string(id);
  e.kind = content::EntryKind::kPage;
  e.status = status;
  e.parent_id = parent;
  e.published_at = e.modified_at = 1310500800;
  return e;
}

TEST(Snapshot, PageUnderADraftParentKeepsItsFullPath) {
  auto store = store::sqlite::SqliteStore::open(":memory:");
  ASSERT_TRUE(store) << store.error().describe();
  ASSERT_TRUE((*store)->save_entry(page(10, "draft-parent", content::EntryStatus::kDraft)));
  ASSERT_TRUE((*store)->save_entry(page(11, "child", content::EntryStatus::kPublished, 10)));
  ASSERT_TRUE((*store)->save_entry(page(12, "about", content::EntryStatus::kPublished)));
  const auto snapshot = Snapshot::load(**store, config::SiteSettings{});
  ASSERT_TRUE(snapshot) << snapshot.error().describe();
  EXPECT_EQ((*snapshot)->entry_path(*(*store)->entry_by_id(11)), "/draft-parent/child/");
  // Only published top-level pages are in the navigation.
  ASSERT_EQ((*snapshot)->nav().size(), 1u);
  EXPECT_EQ((*snapshot)->nav()[0].url, "/about/");
}

}  // namespace
}  // namespace reelpress::site
