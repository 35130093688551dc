#include "store/group_commit.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite_store.h"
#include "util/scoped_temp_dir.h"

namespace reelpress::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    auto opened = sqlite::SqliteStore::open((dir_ / "content.db").string());
    ASSERT_TRUE(opened) << opened.error().describe();
    store_ = std::move(*opened);
  }
  void TearDown() override { store_.reset(); }

  // Records `digest`; kConflict when it was there already (as a replayed form is).
  Status record(const std::string& digest) {
    auto fresh = store_->record_submission(digest, 4102444800);
    if (!fresh) return util::fail(fresh.error());
    if (!*fresh) return util::fail(util::ErrorCode::kConflict, "replayed " + digest);
    return {};
  }
  bool recorded(const std::string& digest) {
    // Recording again says whether it was kept; the probe itself is rolled back.
    bool was_there = false;
    (void)store_->transaction([&]() -> Status {
      auto fresh = store_->record_submission(digest, 4102444800);
      was_there = fresh && !*fresh;
      return util::fail(util::ErrorCode::kConflict, "probe, rolled back");
    });
    return was_there;
  }

  // Starts a call whose work blocks until `release` counts down, and waits until it holds
  // the batch; calls made meanwhile then queue up for the next batch.
  std::thread hold_a_batch(std::latch& release) {
    inside_ = false;
    std::thread holder([&release, this] {
      EXPECT_TRUE(commits_->run([&]() -> Status {
        inside_ = true;
        release.wait();
        return record("holder");
      }));
    });
    while (!inside_) std::this_thread::sleep_for(1ms);
    return holder;
  }

  // Submits the recording of `digest` without waiting; done_ and failed_ count the answers.
  void post(const std::string& digest) {
    commits_->submit([this, digest] { return record(digest); },
                     [this](Status s) {
                       if (!s) ++failed_;
                       ++done_;
                     });
  }
  // Waits up to 30 s for `n` answers.
  void wait_for_done(int n) {
    for (int i = 0; i < 30000 && done_ < n; ++i) std::this_thread::sleep_for(1ms);
  }

  void wait_for_waiting(std::size_t n) {
    for (int i = 0; i < 5000 && commits_->waiting() < n; ++i) std::this_thread::sleep_for(1ms);
    ASSERT_EQ(commits_->waiting(), n);
  }

  util::ScopedTempDir temp_;
  fs::path dir_;
  std::atomic<bool> inside_ = false;
  std::atomic<int> done_ = 0;    // Answers to post().
  std::atomic<int> failed_ = 0;  // Of which failures.
  std::unique_ptr<sqlite::SqliteStore> store_;
  std::unique_ptr<GroupCommit> commits_;
};

TEST_F(GroupCommitTest, ALoneCallIsItsOwnTransaction) {
  commits_ = std::make_unique<GroupCommit>(*store_);
  EXPECT_TRUE(commits_->run([&] { return record("a"); }));
  EXPECT_TRUE(recorded("a"));
  EXPECT_EQ(commits_->commits(), 1u);
  EXPECT_EQ(commits_->runs(), 1u);
}

TEST_F(GroupCommitTest, CallsThatWaitMeanwhileCommitTogetherAndAFailureUndoesOnlyItsOwn) {
  commits_ = std::make_unique<GroupCommit>(*store_);
  ASSERT_TRUE(commits_->run([&] { return record("old"); }));
  std::latch release(1);
  std::thread holder = hold_a_batch(release);

  std::vector<std::thread> callers;
  std::vector<Status> results(5);
  for (int i = 0; i < 5; ++i) {
    callers.emplace_back([&, i] {
      results[i] = commits_->run([&, i]() -> Status {
        if (i == 2) {
          // Writes, then fails: its write must go, the others' stay.
          if (auto s = record("failing"); !s) return s;
          return util::fail(util::ErrorCode::kInvalidArgument, "refused");
        }
        if (i == 4) return record("old");  // A replay.
        return record("caller-" + std::to_string(i));
      });
    });
  }
  wait_for_waiting(5);
  release.count_down();
  holder.join();
  for (std::thread& t : callers) t.join();

  EXPECT_TRUE(results[0]);
  EXPECT_TRUE(results[1]);
  EXPECT_TRUE(results[3]);
  ASSERT_FALSE(results[2]);
  EXPECT_EQ(results[2].error().code, util::ErrorCode::kInvalidArgument);
  ASSERT_FALSE(results[4]);
  EXPECT_EQ(results[4].error().code, util::ErrorCode::kConflict);
  EXPECT_TRUE(recorded("holder"));
  EXPECT_TRUE(recorded("caller-0"));
  EXPECT_TRUE(recorded("caller-3"));
  EXPECT_FALSE(recorded("failing"));
  // The first call, the holder's batch, and one batch for the five that waited.
  EXPECT_EQ(commits_->commits(), 3u);
  EXPECT_EQ(commits_->runs(), 7u);
}

TEST_F(GroupCommitTest, BatchesAreBoundedAndEveryCallIsServed) {
  commits_ = std::make_unique<GroupCommit>(*store_, GroupCommit::Options{.max_batch = 2});
  std::latch release(1);
  std::thread holder = hold_a_batch(release);
  std::vector<std::thread> callers;
  for (int i = 0; i < 5; ++i) {
    callers.emplace_back(
        [&, i] { EXPECT_TRUE(commits_->run([&, i] { return record("c" + std::to_string(i)); })); });
  }
  wait_for_waiting(5);
  release.count_down();
  holder.join();
  for (std::thread& t : callers) t.join();
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(recorded("c" + std::to_string(i)));
  EXPECT_EQ(commits_->commits(), 4u);  // The holder's, then 2 + 2 + 1.
}

TEST_F(GroupCommitTest, ManyThreadsLoseNothing) {
  commits_ = std::make_unique<GroupCommit>(*store_);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        EXPECT_TRUE(commits_->run(
            [&, t, i] { return record(std::to_string(t) + "-" + std::to_string(i)); }));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(commits_->runs(), 400u);
  EXPECT_LE(commits_->commits(), 400u);
  for (int t = 0; t < 8; ++t) {
    for (int i = 0; i < 50; ++i) EXPECT_TRUE(recorded(std::to_string(t) + "-" + std::to_string(i)));
  }
}

TEST_F(GroupCommitTest, ACallerThatWaitsForEachAnswerIsNeverHeldForCompany) {
  // A window of an hour: a writer that waited for company would never answer.
  commits_ = std::make_unique<GroupCommit>(*store_, GroupCommit::Options{.gather = 1h});
  std::atomic<int> answered = 0;
  std::thread caller([&] {
    for (int i = 0; i < 20; ++i) {
      EXPECT_TRUE(commits_->run([&, i] { return record("alone-" + std::to_string(i)); }));
      ++answered;
    }
  });
  for (int i = 0; i < 30000 && answered < 20; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(answered, 20) << "a lone caller was held waiting for others";
  commits_.reset();  // Stops any wait, so that the caller ends either way.
  caller.join();
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(recorded("alone-" + std::to_string(i)));
}

TEST_F(GroupCommitTest, PostsThatComeTogetherWaitForCompanyAndStoppingCommitsWhatWaits) {
  commits_ =
      std::make_unique<GroupCommit>(*store_, GroupCommit::Options{.max_batch = 8, .gather = 1h});
  std::latch release(1);
  std::thread holder = hold_a_batch(release);
  post("together-0");
  post("together-1");
  wait_for_waiting(2);
  release.count_down();
  holder.join();
  // Two came together: the writer waits for the batch to fill, however long that takes.
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(done_, 0);
  for (int i = 2; i < 8; ++i) post("together-" + std::to_string(i));
  wait_for_done(8);
  ASSERT_EQ(done_, 8);
  EXPECT_EQ(failed_, 0);
  EXPECT_EQ(commits_->commits(), 2u);  // The holder's, then the eight together.

  // That batch had company, so a new post waits for more; stopping commits it.
  post("last");
  commits_.reset();
  EXPECT_EQ(done_, 9);
  EXPECT_EQ(failed_, 0);
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(recorded("together-" + std::to_string(i)));
  EXPECT_TRUE(recorded("last"));
}

TEST_F(GroupCommitTest, ClientsThatEachWaitForTheirAnswerAreNotHeldAfterEveryBurst) {
  // Eight clients, each sending its next post once the last is answered: they come
  // together, and then nothing can come until their batch is committed. Waiting out the
  // window after every burst would take kRounds windows.
  constexpr auto kWindow = 300ms;
  constexpr int kRounds = 40;
  commits_ = std::make_unique<GroupCommit>(*store_, GroupCommit::Options{.gather = kWindow});
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < kRounds; ++i) {
        EXPECT_TRUE(commits_->run(
            [&, c, i] { return record("client-" + std::to_string(c) + "-" + std::to_string(i)); }));
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, kWindow * kRounds / 4)
      << "the writer waited for posts that could not come";
  EXPECT_LT(commits_->commits(), static_cast<std::size_t>(8 * kRounds));  // Still together.
}

TEST_F(GroupCommitTest, ABurstThatHasEndedIsCommittedWithoutWaitingOutTheWindow) {
  commits_ =
      std::make_unique<GroupCommit>(*store_, GroupCommit::Options{.max_batch = 64, .gather = 1h});
  std::latch release(1);
  std::thread holder = hold_a_batch(release);
  // 300 close together: the batches after the held one have company, and the last one is
  // not full; the burst is over once nothing has come for a few average gaps.
  for (int i = 0; i < 300; ++i) post("burst-" + std::to_string(i));
  release.count_down();
  holder.join();
  wait_for_done(300);
  EXPECT_EQ(done_, 300) << "the end of the burst waited for the hour-long window";
  EXPECT_EQ(failed_, 0);
  EXPECT_GE(commits_->commits(), 6u);  // The held one, four full batches of 64, the rest.
  commits_.reset();
}

}  // namespace
}  // namespace reelpress::store
