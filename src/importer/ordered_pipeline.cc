#include "importer/ordered_pipeline.h"

#include <exception>

namespace reelpress::importer {

OrderedPipeline::OrderedPipeline(unsigned workers, std::size_t max_pending,
                                 std::size_t max_pending_bytes)
    : max_pending_(max_pending == 0 ? 1 : max_pending), max_pending_bytes_(max_pending_bytes) {
  threads_.reserve(workers);
  for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { worker_loop(); });
}

OrderedPipeline::~OrderedPipeline() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();  // Not started: skipped.
  }
  work_ready_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void OrderedPipeline::worker_loop() {
  while (true) {
    std::shared_ptr<Piece> piece;
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      piece = std::move(queue_.front());
      queue_.pop_front();
      piece->started = true;
    }
    run(*piece);
  }
}

void OrderedPipeline::run(Piece& piece) {
  try {
    if (piece.work) piece.work();
  } catch (const std::exception& e) {
    piece.failure = std::make_unique<util::Error>(
        util::Error{util::ErrorCode::kInternal, std::string("rendering failed: ") + e.what()});
  } catch (...) {
    piece.failure =
        std::make_unique<util::Error>(util::Error{util::ErrorCode::kInternal, "rendering failed"});
  }
  {
    std::lock_guard lock(mutex_);
    piece.done = true;
  }
  piece_done_.notify_all();
}

util::Status OrderedPipeline::submit(std::function<void()> work,
                                     std::function<util::Status()> commit, std::size_t bytes) {
  if (failed_) return util::fail(*failed_);
  auto piece = std::make_shared<Piece>();
  piece->work = std::move(work);
  piece->commit = std::move(commit);
  piece->bytes = bytes;
  pending_.push_back(piece);
  pending_bytes_ += bytes;
  if (threads_.empty()) {
    piece->started = true;
    run(*piece);
  } else {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(piece);
    }
    work_ready_.notify_one();
  }
  return commit_ready(max_pending_, max_pending_bytes_);
}

util::Status OrderedPipeline::drain() { return commit_ready(0, 0); }

util::Status OrderedPipeline::commit_ready(std::size_t keep_pieces, std::size_t keep_bytes) {
  if (failed_) return util::fail(*failed_);
  while (!pending_.empty()) {
    std::shared_ptr<Piece> front = pending_.front();
    const bool must_wait = pending_.size() > keep_pieces || pending_bytes_ > keep_bytes;
    {
      std::unique_lock lock(mutex_);
      if (!front->done) {
        if (!must_wait) return {};
        // Rather than sit idle, do work that no worker has taken yet: the front first.
        std::shared_ptr<Piece> own;
        if (!front->started) {
          for (auto it = queue_.begin(); it != queue_.end(); ++it) {
            if (*it == front) {
              queue_.erase(it);
              break;
            }
          }
          own = front;
        } else if (!queue_.empty()) {
          own = std::move(queue_.front());
          queue_.pop_front();
        }
        if (own) {
          own->started = true;
          lock.unlock();
          run(*own);
          continue;
        }
        piece_done_.wait(lock, [&] { return front->done; });
      }
    }
    pending_.pop_front();
    pending_bytes_ -= front->bytes;
    util::Status status =
        front->failure ? util::Status(util::fail(*front->failure)) : front->commit();
    if (!status) {
      failed_ = std::make_unique<util::Error>(status.error());
      return status;
    }
  }
  return {};
}

}  // namespace reelpress::importer
