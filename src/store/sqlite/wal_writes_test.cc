#include "store/sqlite/wal_writes.h"

#include <errno.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace reelpress::store::sqlite {
namespace {

namespace fs = std::filesystem;

// The default (unix) VFS lets its system calls be replaced: these count the writes that reach
// the files and, when asked, fail them as a full disk does.
std::atomic<int> writes{0};
std::atomic<bool> disk_full{false};

ssize_t counted_pwrite(int fd, const void* data, size_t size, off_t offset) {
  ++writes;
  if (disk_full) {
    errno = ENOSPC;
    return -1;
  }
  return ::pwrite(fd, data, size, offset);
}

ssize_t counted_write(int fd, const void* data, size_t size) {
  ++writes;
  if (disk_full) {
    errno = ENOSPC;
    return -1;
  }
  return ::write(fd, data, size);
}

class WalWrites : public ::testing::Test {
 protected:
  void SetUp() override {
    unix_ = sqlite3_vfs_find(nullptr);
    ASSERT_NE(unix_, nullptr);
    for (const char* call : {"pwrite", "pwrite64"}) {
      if (unix_->xGetSystemCall(unix_, call) != nullptr) {
        unix_->xSetSystemCall(unix_, call, reinterpret_cast<sqlite3_syscall_ptr>(counted_pwrite));
      }
    }
    unix_->xSetSystemCall(unix_, "write", reinterpret_cast<sqlite3_syscall_ptr>(counted_write));
    vfs_ = register_wal_writes_vfs("wal-writes-test", unix_);
    ASSERT_NE(vfs_, nullptr);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("reelpress-wal-writes-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }

  void TearDown() override {
    disk_full = false;
    for (const char* call : {"pwrite", "pwrite64", "write"}) {
      unix_->xSetSystemCall(unix_, call, nullptr);  // Back to the real one.
    }
    fs::remove_all(dir_);
  }

  // A connection to db in WAL mode through `vfs` (nullptr: SQLite's default), with no
  // automatic checkpoints, so that commits write the log only.
  sqlite3* open(const std::string& name, const char* vfs) {
    sqlite3* db = nullptr;
    const std::string path = (dir_ / name).string();
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs),
              SQLITE_OK);
    exec(db, "PRAGMA journal_mode = WAL");
    exec(db, "PRAGMA wal_autocheckpoint = 0");
    exec(db, "PRAGMA synchronous = NORMAL");
    return db;
  }

  static int exec(sqlite3* db, const std::string& sql) {
    return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  }

  static std::string value(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK) << sql;
    std::string result;
    if (sqlite3_step(statement) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(statement, 0);
      result = text ? reinterpret_cast<const char*>(text) : "NULL";
    }
    sqlite3_finalize(statement);
    return result;
  }

  // One transaction of `rows` rows of about 300 bytes, in a table and an index: a few dozen
  // pages. Returns the writes it made.
  static int insert_rows(sqlite3* db, int first, int rows, int* rc = nullptr) {
    const int before = writes;
    const int result =
        exec(db, "BEGIN; INSERT INTO t (id, body) " +
                     series(first, first + rows - 1, "printf('%0300d', value)") + "; COMMIT");
    if (rc != nullptr) *rc = result;
    if (result != SQLITE_OK) exec(db, "ROLLBACK");
    return writes - before;
  }

  // Opens `name` again with SQLite's own VFS: it holds `rows` rows of t, and is whole.
  void expect_rows_after_reopening(const std::string& name, int rows) {
    sqlite3* reopened = open(name, nullptr);
    EXPECT_EQ(value(reopened, "SELECT count(*) FROM t"), std::to_string(rows));
    EXPECT_EQ(value(reopened, "PRAGMA integrity_check"), "ok");
    sqlite3_close(reopened);
  }

  // SELECT value, BODY for value from `from` to `to` (SQLite's generate_series is not built
  // into the library).
  static std::string series(int from, int to, const std::string& body) {
    return "WITH RECURSIVE s(value) AS (SELECT " + std::to_string(from) +
           " UNION ALL SELECT value + 1 FROM s WHERE value < " + std::to_string(to) +
           ") SELECT value, " + body + " FROM s";
  }

  sqlite3_vfs* unix_ = nullptr;
  const char* vfs_ = nullptr;
  fs::path dir_;
};

TEST_F(WalWrites, ACommitReachesTheLogInOneWrite) {
  for (const char* vfs : {static_cast<const char*>(nullptr), vfs_}) {
    sqlite3* db = open(vfs ? "combined.db" : "plain.db", vfs);
    ASSERT_EQ(exec(db,
                   "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT);"
                   "CREATE INDEX t_by_body ON t (body)"),
              SQLITE_OK);
    const int made = insert_rows(db, 1, 100);
    if (vfs == nullptr) {
      EXPECT_GT(made, 20) << "two writes a page without gathering";
    } else {
      EXPECT_EQ(made, 1);
    }
    EXPECT_EQ(value(db, "SELECT count(*) FROM t"), "100");
    sqlite3_close(db);
  }
}

TEST_F(WalWrites, WhatIsCommittedIsReadByAnotherConnectionAndAfterReopening) {
  sqlite3* writer = open("shared.db", vfs_);
  ASSERT_EQ(exec(writer, "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)"), SQLITE_OK);
  sqlite3* reader = open("shared.db", nullptr);
  for (int round = 0; round < 20; ++round) {
    insert_rows(writer, round * 50 + 1, 50);
    EXPECT_EQ(value(reader, "SELECT count(*) FROM t"), std::to_string((round + 1) * 50));
  }
  sqlite3_close(reader);
  sqlite3_close(writer);
  expect_rows_after_reopening("shared.db", 1000);
}

TEST_F(WalWrites, AFullDiskFailsTheCommitAndKeepsEveryCommitBefore) {
  sqlite3* db = open("full.db", vfs_);
  ASSERT_EQ(exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)"), SQLITE_OK);
  insert_rows(db, 1, 100);
  disk_full = true;
  int rc = SQLITE_OK;
  insert_rows(db, 101, 100, &rc);
  EXPECT_EQ(rc & 0xff, SQLITE_FULL) << sqlite3_errstr(rc);
  disk_full = false;
  sqlite3* reader = open("full.db", nullptr);
  EXPECT_EQ(value(reader, "SELECT count(*) FROM t"), "100");
  insert_rows(db, 201, 100, &rc);  // The next commit works.
  EXPECT_EQ(rc, SQLITE_OK);
  EXPECT_EQ(value(reader, "SELECT count(*) FROM t"), "200");
  EXPECT_EQ(value(reader, "SELECT count(*) FROM t WHERE id BETWEEN 101 AND 200"), "0");
  sqlite3_close(reader);
  sqlite3_close(db);
  expect_rows_after_reopening("full.db", 200);
}

// A transaction larger than the page cache writes frames before its commit, reads some back
// and rewrites them in place: every write and read must keep SQLite's order.
TEST_F(WalWrites, TransactionsLargerThanTheCacheCommitAndRollBackWhole) {
  sqlite3* db = open("large.db", vfs_);
  ASSERT_EQ(exec(db, "PRAGMA cache_size = 10"), SQLITE_OK);
  ASSERT_EQ(exec(db,
                 "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT);"
                 "CREATE INDEX t_by_body ON t (body)"),
            SQLITE_OK);
  ASSERT_EQ(exec(db, "BEGIN; INSERT INTO t " + series(1, 3000, "printf('%0300d', value)") +
                         ";"
                         "UPDATE t SET body = printf('%0299d', id) WHERE id % 7 = 0;"
                         "DELETE FROM t WHERE id % 11 = 0;"
                         "COMMIT"),
            SQLITE_OK);
  ASSERT_EQ(exec(db, "BEGIN; INSERT INTO t " + series(5001, 8000, "'gone'") +
                         ";"
                         "UPDATE t SET body = 'gone' WHERE id < 1000;"),
            SQLITE_OK);
  ASSERT_EQ(exec(db, "ROLLBACK"), SQLITE_OK);
  sqlite3* reader = open("large.db", nullptr);
  EXPECT_EQ(value(reader, "SELECT count(*) FROM t"), std::to_string(3000 - 3000 / 11));
  EXPECT_EQ(value(reader, "SELECT count(*) FROM t WHERE length(body) = 299"),
            std::to_string(3000 / 7 - 3000 / 77));
  EXPECT_EQ(value(reader, "SELECT count(*) FROM t WHERE body = 'gone'"), "0");
  EXPECT_EQ(value(reader, "PRAGMA integrity_check"), "ok");
  sqlite3_close(reader);
  sqlite3_close(db);
}

}  // namespace
}  // namespace reelpress::store::sqlite
