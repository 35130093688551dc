#include "store/sqlite/checkpointer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "util/scoped_temp_dir.h"

namespace reelpress::store::sqlite {
namespace {

using namespace std::chrono_literals;

class CheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (temp_.path() / "log.db").string();
    auto opened = Connection::open(path_, Connection::Kind::kFile);
    ASSERT_TRUE(opened) << opened.error().describe();
    writer_ = std::move(*opened);
    ASSERT_TRUE(writer_->execute("PRAGMA journal_mode = WAL"));
    ASSERT_TRUE(writer_->execute("CREATE TABLE t (x BLOB)"));
  }

  // One commit that appends about `pages` pages to the log.
  void commit_pages(int pages) {
    ASSERT_TRUE(writer_->execute("BEGIN"));
    for (int i = 0; i < pages; ++i) {
      ASSERT_TRUE(writer_->execute("INSERT INTO t VALUES (randomblob(3500))"));
    }
    ASSERT_TRUE(writer_->execute("COMMIT"));
  }

  // The log's frames, and how many of them are in the database file (a passive checkpoint
  // that copies nothing new tells both).
  std::pair<int, int> log_state() {
    int log = -1;
    int copied = -1;
    sqlite3_wal_checkpoint_v2(writer_->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    return {log, copied};
  }

  util::ScopedTempDir temp_;
  std::string path_;
  std::unique_ptr<Connection> writer_;
};

TEST_F(CheckpointerTest, ALogPastTheLimitIsCheckpointedByTheThreadNotTheWriter) {
  Checkpointer checkpoints(path_, 16);
  checkpoints.watch(*writer_);
  commit_pages(4);  // Below the limit: nothing to do.
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(checkpoints.background_checkpoints(), 0u);
  commit_pages(20);  // Past 16 pages, below 64.
  for (int i = 0; i < 10000 && checkpoints.background_checkpoints() == 0; ++i) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(checkpoints.background_checkpoints(), 1u);
  EXPECT_EQ(checkpoints.writer_checkpoints(), 0u);
  const auto [log, copied] = log_state();
  EXPECT_GE(log, 16);
  EXPECT_EQ(copied, log) << "the thread's checkpoint left frames behind";
}

TEST_F(CheckpointerTest, AWriterWhoseLogGrowsFourTimesPastTheLimitCheckpointsItself) {
  Checkpointer checkpoints(path_, 2);
  checkpoints.watch(*writer_);
  commit_pages(12);  // One commit of more than 8 pages: the writer does not leave it to the thread.
  EXPECT_EQ(checkpoints.writer_checkpoints(), 1u);
  const auto [log, copied] = log_state();
  EXPECT_EQ(copied, log);
}

TEST_F(CheckpointerTest, StoppingWhileCommitsAskForCheckpointsEndsCleanly) {
  auto checkpoints = std::make_unique<Checkpointer>(path_, 1);
  checkpoints->watch(*writer_);
  for (int i = 0; i < 20; ++i) commit_pages(2);
  writer_.reset();  // Watched connections close first.
  checkpoints.reset();
  // The data is all there, whatever the last checkpoint did.
  auto reader = Connection::open(path_, Connection::Kind::kFile);
  ASSERT_TRUE(reader);
  auto count = (*reader)->prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count);
  auto row = count->step();
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(count->int64(0), 40);
}

}  // namespace
}  // namespace reelpress::store::sqlite
