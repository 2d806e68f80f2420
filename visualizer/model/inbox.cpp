// Inbox: a mutex-guarded vector with a moving head, compacted when drained,
// so a burst of 100,000 events costs one allocation, not 100,000.
#include "model/inbox.h"

#include <algorithm>
#include <iterator>

namespace viz {

bool Inbox::push(wire::Event event) {
  std::lock_guard lock(mu_);
  if (queue_.size() - head_ >= capacity_) {
    ++refused_;
    return false;
  }
  queue_.push_back(std::move(event));
  return true;
}

std::size_t Inbox::take(std::vector<wire::Event>& out, std::size_t max) {
  std::lock_guard lock(mu_);
  const std::size_t n = std::min(max, queue_.size() - head_);
  auto first = queue_.begin() + static_cast<std::ptrdiff_t>(head_);
  out.insert(out.end(), std::make_move_iterator(first), std::make_move_iterator(first + static_cast<std::ptrdiff_t>(n)));
  head_ += n;
  if (head_ == queue_.size()) {
    queue_.clear();
    head_ = 0;
  } else if (head_ > 4096 && head_ * 2 > queue_.size()) {
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  return n;
}

std::size_t Inbox::waiting() const {
  std::lock_guard lock(mu_);
  return queue_.size() - head_;
}

std::uint64_t Inbox::refused() const {
  std::lock_guard lock(mu_);
  return refused_;
}

}  // namespace viz
