#include "importer/ordered_pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace reelpress::importer {
namespace {

class OrderedPipelineTest : public ::testing::TestWithParam<unsigned> {};

TEST_P(OrderedPipelineTest, CommitsInSubmissionOrderOnTheCallingThread) {
  OrderedPipeline pipeline(GetParam(), /*max_pending=*/8);
  std::vector<int> committed;
  const auto caller = std::this_thread::get_id();
  for (int i = 0; i < 200; ++i) {
    auto value = std::make_shared<int>(0);
    auto s = pipeline.submit(
        [value, i] {
          // Later pieces finish first now and then; the order of commits must not care.
          if (i % 7 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
          *value = i * 2;
        },
        [&, value]() -> util::Status {
          EXPECT_EQ(std::this_thread::get_id(), caller);
          committed.push_back(*value / 2);
          return {};
        });
    ASSERT_TRUE(s);
  }
  ASSERT_TRUE(pipeline.drain());
  ASSERT_EQ(committed.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(committed[i], i);
}

TEST_P(OrderedPipelineTest, AFailedCommitStopsEverythingAfterIt) {
  OrderedPipeline pipeline(GetParam(), 4);
  int commits = 0;
  util::Status s;
  for (int i = 0; i < 50 && s; ++i) {
    s = pipeline.submit(nullptr, [&, i]() -> util::Status {
      if (i == 10) return util::fail(util::ErrorCode::kConflict, "number 10");
      ++commits;
      return {};
    });
  }
  if (s) s = pipeline.drain();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "number 10");
  EXPECT_EQ(commits, 10);
  auto again = pipeline.submit(nullptr, [&]() -> util::Status {
    ++commits;
    return {};
  });
  EXPECT_FALSE(again);
  EXPECT_FALSE(pipeline.drain());
  EXPECT_EQ(commits, 10);
}

TEST_P(OrderedPipelineTest, AnExceptionInTheWorkFailsItsCommit) {
  OrderedPipeline pipeline(GetParam());
  bool committed = false;
  auto s = pipeline.submit([] { throw std::runtime_error("boom"); },
                           [&]() -> util::Status {
                             committed = true;
                             return {};
                           });
  if (s) s = pipeline.drain();  // Without workers the piece is done, and failed, at once.
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, util::ErrorCode::kInternal);
  EXPECT_NE(s.error().message.find("boom"), std::string::npos);
  EXPECT_FALSE(committed);
}

TEST_P(OrderedPipelineTest, PendingWorkIsBounded) {
  OrderedPipeline pipeline(GetParam(), /*max_pending=*/3, /*max_pending_bytes=*/1000);
  std::atomic<int> started = 0;
  int committed = 0;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(pipeline.submit([&] { ++started; },
                                [&]() -> util::Status {
                                  ++committed;
                                  return {};
                                },
                                400));
    // Never more than three (and never more than 1000 bytes) uncommitted after a submit.
    EXPECT_GE(committed, i + 1 - 3);
    EXPECT_GE(committed, i + 1 - 2);
  }
  ASSERT_TRUE(pipeline.drain());
  EXPECT_EQ(committed, 20);
  EXPECT_EQ(started.load(), 20);
}

INSTANTIATE_TEST_SUITE_P(Workers, OrderedPipelineTest, ::testing::Values(0u, 1u, 3u),
                         [](const auto& workers) {
                           return "Threads" + std::to_string(workers.param);
                         });

}  // namespace
}  // namespace reelpress::importer
