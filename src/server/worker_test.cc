#include "server/worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <thread>
#include <vector>

namespace reelpress::server {
namespace {

class NoHandler : public site::Handler {
 public:
  site::Response handle(const site::Request&) override { return {}; }
  site::Response error_page(int status) override {
    site::Response response;
    response.status = status;
    return response;
  }
};

// A worker with one loop thread, not running until run() is called.
struct Loop {
  NoHandler handler;
  ServerOptions options;
  AccessLog access_log{nullptr};
  SessionContext context{handler, options, access_log};
  Worker worker{context, 1};
};

// What the loop ran, in order: handed-back steps by number, other work as -1.
TEST(WorkerTest, HandedBackStepsRunInOrderAndLetOtherWorkHaveATurn) {
  Loop loop;
  std::vector<int> ran;
  const int steps = 3 * static_cast<int>(Worker::kStepsPerTurn) + 1;
  for (int i = 0; i < steps; ++i) loop.worker.hand_back([&ran, i] { ran.push_back(i); });
  // A reader's request ready on the loop while the steps wait, as the writer's answers to a
  // batch of comments arrive together.
  boost::asio::post(loop.worker.io_context(), [&ran] { ran.push_back(-1); });
  loop.worker.request_stop();
  loop.worker.run();

  std::vector<int> expected;
  for (int i = 0; i < steps; ++i) {
    if (i == static_cast<int>(Worker::kStepsPerTurn)) expected.push_back(-1);
    expected.push_back(i);
  }
  EXPECT_EQ(ran, expected);
}

TEST(WorkerTest, StepsHandedBackWhileOthersRunAreTakenToo) {
  Loop loop;
  std::vector<int> ran;
  // Each of the first steps hands back another, as the writer does while the loop answers
  // the previous batch; none may be left behind, and the loop ends only after the last.
  const int first = 2 * static_cast<int>(Worker::kStepsPerTurn);
  for (int i = 0; i < first; ++i) {
    loop.worker.hand_back([&loop, &ran, i, first] {
      ran.push_back(i);
      loop.worker.hand_back([&ran, i, first] { ran.push_back(first + i); });
    });
  }
  loop.worker.request_stop();
  loop.worker.run();

  std::vector<int> expected;
  for (int i = 0; i < 2 * first; ++i) expected.push_back(i);
  EXPECT_EQ(ran, expected);
}

TEST(WorkerTest, StepsFromAnotherThreadAllRun) {
  Loop loop;
  constexpr int kSteps = 10000;
  std::atomic<int> ran{0};
  std::thread loop_thread([&loop] { loop.worker.run(); });
  std::thread writer([&loop, &ran] {
    for (int i = 0; i < kSteps; ++i) loop.worker.hand_back([&ran] { ran.fetch_add(1); });
    // Asked after the last step was handed back: the loop still runs every step first.
    loop.worker.request_stop();
  });
  writer.join();
  loop_thread.join();
  EXPECT_EQ(ran.load(), kSteps);
}

}  // namespace
}  // namespace reelpress::server
