// SqliteStore: the contract suite on ":memory:" and on a file, then what only SQLite does
// (files, migrations, locks between processes, durability after a kill).
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/store_contract_test.h"

namespace reelpress::store::sqlite {
namespace {

namespace fs = std::filesystem;
using contract::expect_error;
using contract::kAired;
using contract::must;
using contract::StoreBackend;
using contract::StoreContractTest;

// A folder for this test program's database files, removed when the program ends. On
// /dev/shm when there is one: a memory file system makes fsync free, so creating and closing
// a database file takes a millisecond instead of tens, and the suite stays fast.
class TempFolder : public ::testing::Environment {
 public:
  static fs::path path() {
    static const fs::path folder = [] {
      std::error_code error;
      const bool shm = fs::is_directory("/dev/shm", error) && ::access("/dev/shm", W_OK) == 0;
      fs::path p = (shm ? fs::path("/dev/shm") : fs::temp_directory_path()) /
                   ("reelpress-store-test-" + std::to_string(::getpid()));
      fs::create_directories(p);
      return p;
    }();
    return folder;
  }
  // A path no test has used yet.
  static std::string fresh_file(const std::string& stem) {
    static std::atomic<int> counter{0};
    return (path() / (stem + "-" + std::to_string(++counter) + ".db")).string();
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(path(), ignored);
  }
};

const auto* const kTempFolder = ::testing::AddGlobalTestEnvironment(new TempFolder);

std::unique_ptr<Store> open_or_report(const std::string& path) {
  auto store = SqliteStore::open(path);
  if (!store) {
    ADD_FAILURE() << store.error().describe();
    return nullptr;
  }
  return std::move(*store);
}

INSTANTIATE_TEST_SUITE_P(
    Sqlite, StoreContractTest,
    ::testing::Values(
        StoreBackend{"Memory", [] { return open_or_report(":memory:"); }},
        StoreBackend{"File", [] { return open_or_report(TempFolder::fresh_file("contract")); }}),
    contract::backend_name);

// A plain SQLite handle, to look at or damage a file behind the store's back.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK) << path;
  }
  ~RawDatabase() { sqlite3_close(db_); }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;

  void execute(const std::string& sql) {
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << sql << ": " << (message ? message : "");
    sqlite3_free(message);
  }

  // The first column of every row, as text.
  std::vector<std::string> column(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr), SQLITE_OK) << sql;
    while (sqlite3_step(statement) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
      out.emplace_back(text ? text : "");
    }
    sqlite3_finalize(statement);
    return out;
  }

  std::string value(const std::string& sql) {
    auto values = column(sql);
    return values.empty() ? "<no row>" : values.front();
  }

 private:
  sqlite3* db_ = nullptr;
};

std::unique_ptr<SqliteStore> open_file(const std::string& path,
                                       const util::Clock& clock = util::SystemClock::instance()) {
  return must(SqliteStore::open(path, clock));
}

content::Entry article(const std::string& slug) {
  content::Entry entry;
  entry.slug = slug;
  entry.title = slug;
  entry.kind = content::EntryKind::kArticle;
  entry.status = content::EntryStatus::kPublished;
  entry.published_at = kAired;
  return entry;
}

// ---- Files and settings ------------------------------------------------------------------

TEST(SqliteStore, FileIsInWalModeAtTheLatestSchema) {
  const std::string path = TempFolder::fresh_file("wal");
  auto store = open_file(path);
  RawDatabase raw(path);
  EXPECT_EQ(raw.value("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.value("PRAGMA user_version"), std::to_string(latest_schema_version()));
  EXPECT_EQ(raw.value("PRAGMA application_id"), std::to_string(kApplicationId));
}

TEST(SqliteStore, ConnectionsEnforceForeignKeys) {
  const std::string path = TempFolder::fresh_file("fk");
  auto connection = must(Connection::open(path, Connection::Kind::kFile));
  must(migrate(*connection, path));
  auto statement = must(connection->prepare("PRAGMA foreign_keys"));
  ASSERT_TRUE(must(statement.step()));
  EXPECT_EQ(statement.int64(0), 1);
}

TEST(SqliteStore, ReopenedFileKeepsItsContent) {
  const std::string path = TempFolder::fresh_file("reopen");
  Id id = 0;
  {
    auto store = open_file(path);
    id = must(store->save_entry(article("kept")));
  }
  auto store = open_file(path);
  EXPECT_EQ(must(store->entry_by_id(id)).slug, "kept");
}

TEST(SqliteStore, MemoryStoresAreSeparate) {
  auto first = open_file(":memory:");
  auto second = open_file(":memory:");
  must(first->save_tag(content::Tag{0, "only-here", "Only here"}));
  expect_error(second->tag_by_slug("only-here"), util::ErrorCode::kNotFound);
}

TEST(SqliteStore, MemoryStoreIsSharedByEveryThread) {
  auto store = open_file(":memory:");
  std::thread writer([&] { must(store->save_tag(content::Tag{0, "from-thread", "T"})); });
  writer.join();
  must(store->tag_by_slug("from-thread"));
}

TEST(SqliteStore, CommentsHaveNoColumnForClientTraces) {
  const std::string path = TempFolder::fresh_file("privacy");
  auto store = open_file(path);
  RawDatabase raw(path);
  for (const std::string& column : raw.column("SELECT name FROM pragma_table_info('comments')")) {
    EXPECT_EQ(column.find("ip"), std::string::npos) << column;
    EXPECT_EQ(column.find("agent"), std::string::npos) << column;
    EXPECT_EQ(column.find("host"), std::string::npos) << column;
  }
}

// ---- Migrations --------------------------------------------------------------------------

TEST(SqliteStore, MigrationsAreNumberedWithoutGaps) {
  int expected = 1;
  for (const Migration& step : migrations()) EXPECT_EQ(step.version, expected++);
  EXPECT_GE(latest_schema_version(), 2);
}

TEST(SqliteStore, VersionOneDatabaseIsUpgradedInPlace) {
  const std::string path = TempFolder::fresh_file("v1");
  {
    // A database as the first release left it, with content written by that release.
    auto connection = must(Connection::open(path, Connection::Kind::kFile));
    must(migrate(*connection, path, 1));
    must(connection->execute_script(
        "INSERT INTO users (id, login, display_name, email, role, password_hash, created_at) "
        "VALUES (1, 'ana', 'Ana', '', 'editor', '', 1310428800);"
        "INSERT INTO categories (id, parent_id, slug, name, description) "
        "VALUES (3, NULL, 'episodes', 'Episodes', '');"
        "INSERT INTO entries (id, slug, title, kicker, kind, status, password, body_format, "
        "body, body_html, excerpt, published_at, modified_at, author_id, film_id, parent_id, "
        "menu_order, sticky, comments_open) VALUES (4990, 'salt-road', 'The Salt Road', '', "
        "'introduction', 'published', '', 'markdown', 'Body', '<p>Body</p>', '', 1310428800, "
        "1310428800, 1, NULL, NULL, 0, 0, 1);"
        "INSERT INTO entry_categories (entry_id, position, category_id) VALUES (4990, 0, 3);"
        "INSERT INTO comments (id, entry_id, parent_id, author_name, author_email, author_url, "
        "body_html, status, created_at) VALUES (7, 4990, NULL, 'Reader', '', '', '<p>Hi</p>', "
        "'approved', 1310428900);"));
    EXPECT_EQ(must(schema_version(*connection)), 1);
  }

  auto store = open_file(path);
  RawDatabase raw(path);
  EXPECT_EQ(raw.value("PRAGMA user_version"), std::to_string(latest_schema_version()));

  content::Entry entry = must(store->entry_by_id(4990));
  EXPECT_EQ(entry.title, "The Salt Road");
  EXPECT_EQ(entry.kind, content::EntryKind::kIntroduction);
  EXPECT_EQ(entry.author_id, std::optional<Id>(1));
  EXPECT_EQ(entry.category_ids, std::vector<Id>{3});
  EXPECT_EQ(must(store->approved_comment_count(4990)), 1);
  EXPECT_EQ(must(store->user_by_login("ana")).role, content::Role::kEditor);

  // The tables of version 2 work, and their writes are counted.
  const std::int64_t before = must(store->change_counter());
  content::Media media;
  media.path = "2011/07/poster.jpg";
  media.entry_id = 4990;
  must(store->save_media(media));
  must(store->save_redirect(content::Redirect{"/?p=4990", 4990, ""}));
  EXPECT_EQ(must(store->media_by_path("2011/07/poster.jpg")).entry_id, std::optional<Id>(4990));
  EXPECT_EQ(must(store->redirect_from("/?p=4990")).entry_id, std::optional<Id>(4990));
  EXPECT_GT(must(store->change_counter()), before);
  // New ids continue after the imported ones.
  EXPECT_GT(must(store->save_entry(article("next"))), 4990);
}

// The server and a CLI command may both open a new site's file at once: one migrates, the
// other waits for it and finds the work done.
TEST(SqliteStore, ConcurrentOpensOfANewFileMigrateItOnce) {
  const std::string path = TempFolder::fresh_file("race");
  std::vector<std::thread> threads;
  std::atomic<int> opened{0};
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] {
      auto store = SqliteStore::open(path);
      EXPECT_TRUE(store) << store.error().describe();
      if (store) ++opened;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(opened.load(), 3);
  EXPECT_EQ(RawDatabase(path).value("PRAGMA user_version"),
            std::to_string(latest_schema_version()));
}

TEST(SqliteStore, NewerSchemaIsRefused) {
  const std::string path = TempFolder::fresh_file("newer");
  { open_file(path); }
  const int newer = latest_schema_version() + 5;
  RawDatabase(path).execute("PRAGMA user_version = " + std::to_string(newer));

  auto store = SqliteStore::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, util::ErrorCode::kCorrupt);
  EXPECT_EQ(store.error().message,
            path + " is at schema version " + std::to_string(newer) + " but this reelpress knows " +
                std::to_string(latest_schema_version()) + "; upgrade reelpress");
}

TEST(SqliteStore, FileThatIsNotADatabaseIsCorrupt) {
  const std::string path = TempFolder::fresh_file("text");
  std::ofstream(path) << std::string(4096, 'x');
  auto store = SqliteStore::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, util::ErrorCode::kCorrupt) << store.error().describe();
  EXPECT_NE(store.error().message.find(path + " is not a reelpress database"), std::string::npos)
      << store.error().message;
}

TEST(SqliteStore, AnotherProgramsDatabaseIsRefused) {
  const std::string path = TempFolder::fresh_file("foreign");
  RawDatabase(path).execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)");
  auto store = SqliteStore::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, util::ErrorCode::kCorrupt);
  EXPECT_NE(store.error().message.find("another program"), std::string::npos)
      << store.error().message;
  // And it was left alone.
  EXPECT_EQ(RawDatabase(path).value("PRAGMA user_version"), "0");
}

TEST(SqliteStore, UnwritablePathIsAnIoError) {
  const std::string path = (TempFolder::path() / "no-such-folder" / "content.db").string();
  auto store = SqliteStore::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, util::ErrorCode::kIo) << store.error().describe();
  EXPECT_NE(store.error().message.find(path), std::string::npos) << store.error().message;
}

TEST(SqliteStore, ReadOnlyFileIsAnIoError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes to read-only files";
  const std::string path = TempFolder::fresh_file("read-only");
  { open_file(path); }
  fs::permissions(path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  auto store = SqliteStore::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, util::ErrorCode::kIo) << store.error().describe();
}

// ---- Behaviour beyond the contract -------------------------------------------------------

TEST(SqliteStore, ZeroCreationTimesTakeTheClock) {
  const util::FixedClock clock(kAired + 42);
  auto store = open_file(":memory:", clock);
  const Id entry_id = must(store->save_entry(article("e")));

  content::Comment comment;
  comment.entry_id = entry_id;
  EXPECT_EQ(must(store->comment_by_id(must(store->save_comment(comment)))).created_at, kAired + 42);
  content::Organization org;
  EXPECT_EQ(must(store->organization_by_id(must(store->save_organization(org)))).created_at,
            kAired + 42);
  content::User user;
  user.login = "ana";
  EXPECT_EQ(must(store->user_by_id(must(store->save_user(user)))).created_at, kAired + 42);
  content::Media media;
  media.path = "m.jpg";
  must(store->save_media(media));
  EXPECT_EQ(must(store->media_by_path("m.jpg")).uploaded_at, kAired + 42);

  comment.created_at = kAired;  // Given times are kept.
  EXPECT_EQ(must(store->comment_by_id(must(store->save_comment(comment)))).created_at, kAired);
}

// An expiry later than any test's clock (the year 2100).
constexpr util::UnixTime kFar = 4102444800;

// The i-th digest named after `prefix`, its first byte spread over every value as real
// digests' are (the move into form_submissions goes in digest order).
std::string spread(const std::string& prefix, std::size_t i) {
  return std::string(1, static_cast<char>(i % 256)) + prefix + std::to_string(i);
}

// Records `count` digests, spread(prefix, 0...), in one transaction.
void record_digests(SqliteStore& store, const std::string& prefix, std::size_t count,
                    util::UnixTime expires_at) {
  must(store.transaction([&]() -> Status {
    for (std::size_t i = 0; i < count; ++i) {
      EXPECT_TRUE(must(store.record_submission(spread(prefix, i), expires_at)));
    }
    return {};
  }));
}

// Records `count` new digests, each in a transaction of its own: `count` steps of a move.
void record_steps(SqliteStore& store, const std::string& prefix, int count,
                  util::UnixTime expires_at) {
  for (int i = 0; i < count; ++i) {
    EXPECT_TRUE(must(store.record_submission(spread(prefix, i), expires_at)));
  }
}

std::size_t rows(const std::string& path, const std::string& table) {
  return std::stoul(RawDatabase(path).value("SELECT count(*) FROM " + table));
}

TEST(SqliteStore, RecentDigestsMoveInStepsAndExpiredOnesAreForgottenThen) {
  util::FixedClock clock(kAired);
  const std::string path = TempFolder::fresh_file("digests");
  auto store = open_file(path, clock);
  EXPECT_TRUE(must(store->record_submission("old", kAired + 10)));
  EXPECT_TRUE(must(store->record_submission("live", kAired + 1000)));
  clock.set(kAired + 100);
  record_digests(*store, "filler", SqliteStore::kRecentDigests - 3, kAired + 1000);
  EXPECT_EQ(rows(path, "form_submissions_recent"), SqliteStore::kRecentDigests - 1);
  EXPECT_EQ(rows(path, "form_submissions"), 0u);

  // The kRecentDigests-th starts the move: a step per transaction, never all at once.
  EXPECT_TRUE(must(store->record_submission(spread("step", 0), kAired + 1000)));
  const std::size_t first_step = rows(path, "form_submissions");
  EXPECT_GT(first_step, 0u);
  EXPECT_LT(first_step, SqliteStore::kRecentDigests / 8);
  record_steps(*store, "more", SqliteStore::kSortInSteps - 1, kAired + 1000);
  EXPECT_EQ(rows(path, "form_submissions"), SqliteStore::kRecentDigests - 1);  // Not "old".
  EXPECT_FALSE(must(store->record_submission("live", kAired + 1000)));         // Takes no step.
  EXPECT_EQ(rows(path, "form_submissions_recent"),
            SqliteStore::kRecentDigests - 1 + SqliteStore::kSortInSteps);

  // The next transaction forgets the moved ones: those recorded during the move stay.
  EXPECT_TRUE(must(store->record_submission("after", kAired + 1000)));
  EXPECT_EQ(rows(path, "form_submissions_recent"),
            static_cast<std::size_t>(SqliteStore::kSortInSteps));
  for (const std::string& seen : {std::string("live"), spread("filler", 7), spread("step", 0),
                                  spread("more", 3), std::string("after")}) {
    EXPECT_FALSE(must(store->record_submission(seen, kAired + 1000))) << seen;
  }
  EXPECT_TRUE(must(store->record_submission("old", kAired + 1000)));
}

TEST(SqliteStore, DigestsRecordedByAnotherProcessAreReplaysAndSurviveARestart) {
  const std::string path = TempFolder::fresh_file("digests-shared");
  // Two stores on one file keep their own connections and memory, as two processes would.
  auto first = open_file(path);
  auto second = open_file(path);
  EXPECT_TRUE(must(first->record_submission("first's", kFar)));
  EXPECT_FALSE(must(second->record_submission("first's", kFar)));
  EXPECT_TRUE(must(second->record_submission("second's", kFar)));
  EXPECT_FALSE(must(first->record_submission("second's", kFar)));
  // The second moves them; the first, whose memory still lists them, finds them moved.
  record_digests(*second, "filler", SqliteStore::kRecentDigests - 2, kFar);
  record_steps(*second, "step", SqliteStore::kSortInSteps, kFar);
  EXPECT_EQ(rows(path, "form_submissions_recent"),
            static_cast<std::size_t>(SqliteStore::kSortInSteps));
  EXPECT_FALSE(must(first->record_submission("first's", kFar)));
  EXPECT_FALSE(must(first->record_submission(spread("filler", 5), kFar)));
  EXPECT_FALSE(must(first->record_submission(spread("step", 9), kFar)));
  EXPECT_TRUE(must(first->record_submission("recent", kFar)));
  first.reset();
  second.reset();

  auto reopened = open_file(path);
  EXPECT_FALSE(must(reopened->record_submission("recent", kFar)));
  EXPECT_FALSE(must(reopened->record_submission("second's", kFar)));
}

TEST(SqliteStore, TwoProcessesMovingDigestsAtOnceLoseNone) {
  const std::string path = TempFolder::fresh_file("digests-two-moves");
  auto first = open_file(path);
  auto second = open_file(path);
  record_digests(*first, "early", SqliteStore::kRecentDigests, kFar);
  record_steps(*first, "first", 3, kFar);  // The first's move is four steps in.
  // The second starts a move of its own, and finishes it: the recent table loses what it
  // moved, while the first's move is under way.
  record_steps(*second, "second", SqliteStore::kSortInSteps + 1, kFar);
  // Left: those recorded during its move.
  EXPECT_EQ(rows(path, "form_submissions_recent"),
            static_cast<std::size_t>(SqliteStore::kSortInSteps));
  record_digests(*second, "late", 100, kFar);
  record_steps(*first, "first-again", SqliteStore::kSortInSteps, kFar);  // Finishes its own.
  first.reset();
  second.reset();

  auto reopened = open_file(path);
  for (const auto& [prefix, count] : std::vector<std::pair<std::string, std::size_t>>{
           {"early", SqliteStore::kRecentDigests},
           {"first", 3},
           {"second", SqliteStore::kSortInSteps + 1},
           {"late", 100},
           {"first-again", SqliteStore::kSortInSteps}}) {
    for (std::size_t i = 0; i < count; ++i) {
      EXPECT_FALSE(must(reopened->record_submission(spread(prefix, i), kFar)))
          << prefix << " " << i;
    }
  }
  EXPECT_EQ(rows(path, "form_submissions") + rows(path, "form_submissions_recent"),
            SqliteStore::kRecentDigests + 3 + SqliteStore::kSortInSteps + 1 + 100 +
                SqliteStore::kSortInSteps);
}

TEST(SqliteStore, StepsOfAMoveThatAreRolledBackForgetNothing) {
  const std::string path = TempFolder::fresh_file("digests-rollback");
  auto store = open_file(path);
  record_digests(*store, "kept", SqliteStore::kRecentDigests - 1, kFar);
  const auto refused = [&](const std::string& digest) {
    return store->transaction([&]() -> Status {
      EXPECT_TRUE(must(store->record_submission(digest, kFar)));
      EXPECT_FALSE(must(store->record_submission(spread("kept", 3), kFar)));
      return util::fail(util::ErrorCode::kInvalidArgument, "the comment was refused");
    });
  };
  ASSERT_FALSE(refused("first step"));  // Would have moved the first run of them.
  EXPECT_EQ(rows(path, "form_submissions"), 0u);
  EXPECT_FALSE(must(store->record_submission(spread("kept", 3), kFar)));
  record_steps(*store, "step", SqliteStore::kSortInSteps, kFar);
  EXPECT_EQ(rows(path, "form_submissions"), SqliteStore::kRecentDigests);

  ASSERT_FALSE(refused("last step"));  // Would have forgotten the moved ones.
  EXPECT_EQ(rows(path, "form_submissions_recent"),
            SqliteStore::kRecentDigests - 1 + SqliteStore::kSortInSteps);
  EXPECT_TRUE(must(store->record_submission("last step", kFar)));
  EXPECT_EQ(rows(path, "form_submissions_recent"),
            static_cast<std::size_t>(SqliteStore::kSortInSteps));
  EXPECT_FALSE(must(store->record_submission(spread("kept", 3), kFar)));
  EXPECT_FALSE(must(store->record_submission(spread("step", 15), kFar)));
  EXPECT_TRUE(must(store->record_submission("first step", kFar)));
}

TEST(SqliteConnection, AnUndoRunsWhenTheLevelHoldingItIsRolledBack) {
  auto c = must(Connection::open(":memory:", Connection::Kind::kMemory));
  std::vector<std::string> undone;
  const auto note = [&](std::string what) {
    c->on_rollback([&undone, what] { undone.push_back(what); });
  };
  note("outside any transaction");  // Nothing to undo: not kept.
  const auto fails = [](auto&& body) {
    return [body]() -> Status {
      body();
      return util::fail(util::ErrorCode::kInvalidArgument, "no");
    };
  };
  const auto succeeds = [](auto&& body) {
    return [body]() -> Status {
      body();
      return {};
    };
  };
  using Kind = Connection::TransactionKind;
  ASSERT_TRUE(c->in_transaction(
      Kind::kWrite, succeeds([&] {
        note("outer");
        // Released into the outer level, then rolled back with it? No: the outer commits.
        EXPECT_TRUE(c->in_transaction(Kind::kWrite, succeeds([&] { note("released"); })));
        EXPECT_FALSE(c->in_transaction(Kind::kWrite, fails([&] { note("savepoint"); })));
        EXPECT_EQ(undone, std::vector<std::string>{"savepoint"});
      })));
  undone.clear();
  EXPECT_FALSE(c->in_transaction(
      Kind::kWrite, fails([&] {
        note("first");
        EXPECT_TRUE(c->in_transaction(Kind::kWrite, succeeds([&] { note("second"); })));
        EXPECT_TRUE(c->in_transaction(Kind::kWrite, succeeds([&] {
                                        EXPECT_FALSE(c->in_transaction(
                                            Kind::kWrite, fails([&] { note("deep"); })));
                                        note("third");
                                      })));
      })));
  EXPECT_EQ(undone, (std::vector<std::string>{"deep", "third", "second", "first"}));
  // A committed transaction forgot its undos: nothing runs later.
  undone.clear();
  EXPECT_FALSE(c->in_transaction(Kind::kWrite, fails([] {})));
  EXPECT_TRUE(undone.empty());
}

TEST(SqliteStore, SiteSecretsAndDigestsAreBlobsNoCounterSees) {
  const std::string path = TempFolder::fresh_file("secrets");
  auto store = open_file(path);
  must(store->site_secret("form-key", 32));
  record_digests(*store, "digest", SqliteStore::kRecentDigests, kFar);
  record_steps(*store, "step", SqliteStore::kSortInSteps, kFar);
  RawDatabase raw(path);
  EXPECT_EQ(raw.value("SELECT typeof(value) FROM site_secrets"), "blob");
  EXPECT_EQ(raw.value("SELECT DISTINCT typeof(digest) FROM form_submissions"), "blob");
  EXPECT_EQ(raw.value("SELECT typeof(digest) FROM form_submissions_recent"), "blob");
  EXPECT_EQ(raw.value("SELECT value FROM change_counter"), "0");
}

TEST(SqliteStore, CategoryCannotBecomeItsOwnAncestor) {
  auto store = open_file(":memory:");
  content::Category root{0, std::nullopt, "root", "Root", ""};
  root.id = must(store->save_category(root));
  const Id child = must(store->save_category(content::Category{0, root.id, "child", "C", ""}));
  root.parent_id = child;
  expect_error(store->save_category(root), util::ErrorCode::kInvalidArgument);
  root.parent_id = root.id;
  expect_error(store->save_category(root), util::ErrorCode::kInvalidArgument);
}

TEST(SqliteStore, RowsMayComeInAnyOrderInsideATransaction) {
  auto store = open_file(":memory:");
  // An import meets a child page before its parent.
  must(store->transaction([&]() -> Status {
    content::Entry child = article("child");
    child.kind = content::EntryKind::kPage;
    child.parent_id = 500;
    must(store->save_entry(child));
    content::Entry parent = article("parent");
    parent.id = 500;
    return store->save_entry(parent).map([](Id) {});
  }));
  EXPECT_EQ(must(store->child_pages(500, content::EntryStatus::kPublished)).size(), 1u);

  // A reference still dangling at commit fails the whole transaction.
  Status dangling = store->transaction([&]() -> Status {
    must(store->save_tag(content::Tag{0, "lost", "Lost"}));
    content::Entry orphan = article("orphan");
    orphan.parent_id = 600;
    return store->save_entry(orphan).map([](Id) {});
  });
  expect_error(dangling, util::ErrorCode::kInvalidArgument);
  expect_error(store->tag_by_slug("lost"), util::ErrorCode::kNotFound);
}

TEST(SqliteStore, DuplicateRelationIdsAreStoredOnce) {
  auto store = open_file(":memory:");
  const Id a = must(store->save_category(content::Category{0, std::nullopt, "a", "A", ""}));
  const Id b = must(store->save_category(content::Category{0, std::nullopt, "b", "B", ""}));
  content::Entry entry = article("twice");
  entry.category_ids = {b, a, b};
  const Id id = must(store->save_entry(entry));
  EXPECT_EQ(must(store->entry_by_id(id)).category_ids, (std::vector<Id>{b, a}));
}

TEST(SqliteStore, UnknownStoredNamesAreCorrupt) {
  const std::string path = TempFolder::fresh_file("unknown-kind");
  auto store = open_file(path);
  const Id id = must(store->save_entry(article("e")));
  RawDatabase(path).execute("UPDATE entries SET kind = 'hologram'");
  expect_error(store->entry_by_id(id), util::ErrorCode::kCorrupt);
}

TEST(SqliteStore, InvalidQueriesAreRefused) {
  auto store = open_file(":memory:");
  EntryQuery no_status;
  no_status.statuses.clear();
  expect_error(store->list_entries(no_status), util::ErrorCode::kInvalidArgument);
  EntryQuery negative;
  negative.offset = -1;
  expect_error(store->list_entries(negative), util::ErrorCode::kInvalidArgument);
  content::Tag negative_id{-5, "t", "T"};
  expect_error(store->save_tag(negative_id), util::ErrorCode::kInvalidArgument);
}

// ---- Threads and processes ---------------------------------------------------------------

TEST(SqliteStore, ConnectionsCloseWhenTheirThreadsExit) {
  auto store = open_file(TempFolder::fresh_file("threads"));
  EXPECT_EQ(store->open_connection_count(), 1u);  // The opening thread's.
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] { must(store->tags()); });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(store->open_connection_count(), 1u);
}

// BEGIN IMMEDIATE makes read-modify-write transactions on different threads take turns.
TEST(SqliteStore, TransactionsOnDifferentThreadsTakeTurns) {
  auto store = open_file(TempFolder::fresh_file("turns"));
  const Id counter = must(store->save_tag(content::Tag{0, "counter", "0"}));
  constexpr int kThreads = 3;
  constexpr int kIncrements = 15;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        Status status = store->transaction([&]() -> Status {
          auto tag = store->tag_by_id(counter);
          if (!tag) return util::fail(tag.error());
          tag->name = std::to_string(std::stoi(tag->name) + 1);
          return store->save_tag(*tag).map([](Id) {});
        });
        EXPECT_TRUE(status) << status.error().describe();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(must(store->tag_by_id(counter)).name, std::to_string(kThreads * kIncrements));
}

TEST(SqliteStore, SecondStoreOnTheFileSeesWritesThroughChangeCounter) {
  const std::string path = TempFolder::fresh_file("two-stores");
  auto server = open_file(path);
  auto cli = open_file(path);  // As the CLI would, in another process.
  const std::int64_t before = must(server->change_counter());
  must(cli->save_tag(content::Tag{0, "from-cli", "From the CLI"}));
  EXPECT_GT(must(server->change_counter()), before);
  must(server->tag_by_slug("from-cli"));
}

TEST(SqliteStore, WriterWaitsForAnotherWritersLock) {
  const std::string path = TempFolder::fresh_file("busy");
  auto server = open_file(path);
  auto cli = open_file(path);
  std::atomic<bool> locked{false};
  std::thread holder([&] {
    must(server->transaction([&]() -> Status {
      must(server->save_tag(content::Tag{0, "server", "S"}));
      locked = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      return {};
    }));
  });
  while (!locked) std::this_thread::yield();
  const auto start = std::chrono::steady_clock::now();
  must(cli->save_tag(content::Tag{0, "cli", "C"}));  // Waits rather than failing.
  const auto waited = std::chrono::steady_clock::now() - start;
  holder.join();
  EXPECT_GE(waited, std::chrono::milliseconds(50));
  must(cli->tag_by_slug("server"));
}

// The durability promise of sqlite_store.h: an acknowledged write survives the process
// being killed (WAL, synchronous=NORMAL), with no clean shutdown at all.
TEST(SqliteStore, AcknowledgedWriteSurvivesKill) {
  const std::string path = TempFolder::fresh_file("kill");
  Id entry_id = 0;
  {
    auto store = open_file(path);
    entry_id = must(store->save_entry(article("story")));
  }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child must not return into GoogleTest: it writes, then dies without cleanup.
    auto store = SqliteStore::open(path);
    if (!store) ::_exit(2);
    content::Comment comment;
    comment.entry_id = entry_id;
    comment.author_name = "Reader";
    comment.body_html = "<p>Acknowledged.</p>";
    comment.status = content::ModerationStatus::kApproved;
    comment.created_at = kAired;
    if (!(*store)->save_comment(comment)) ::_exit(3);
    ::kill(::getpid(), SIGKILL);
    ::_exit(4);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);

  auto store = open_file(path);
  EXPECT_EQ(must(store->approved_comment_count(entry_id)), 1);
}

}  // namespace
}  // namespace reelpress::store::sqlite
