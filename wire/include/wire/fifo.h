// wire::Fifo: a first-in, first-out queue that allocates nothing while it is
// empty. Every connection holds several queues (its bytes waiting for a
// WRITEABLE, requests waiting for their responses, pings waiting for their
// pongs, chat lines waiting for the client) that are empty nearly all the time.
// libstdc++'s std::deque allocates 576 bytes as soon as it is constructed (its
// map and a first 512-byte block), so those empty queues were more than a third
// of a tapped idle connection's memory (bench/README.md, "Memory per idle
// connection"). Here the items sit in one vector from a head index on; the
// consumed front is cut off when it is most of the vector, so push and pop
// stay O(1) amortised, and an emptied queue keeps only its vector's capacity.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace wire {

template <class T>
class Fifo {
 public:
  bool empty() const { return head_ == items_.size(); }
  std::size_t size() const { return items_.size() - head_; }

  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }
  T& back() { return items_.back(); }

  void push_back(T item) { items_.push_back(std::move(item)); }
  template <class... Args>
  T& emplace_back(Args&&... args) {
    return items_.emplace_back(std::forward<Args>(args)...);
  }

  // The item leaves at once (its own memory is freed now, not at the next cut).
  void pop_front() {
    items_[head_] = T{};
    ++head_;
    if (head_ == items_.size()) {
      clear();
    } else if (head_ >= kCutAt && 2 * head_ >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  void clear() {
    items_.clear();
    head_ = 0;
  }

  auto begin() const { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
  auto end() const { return items_.end(); }
  auto begin() { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
  auto end() { return items_.end(); }

 private:
  static constexpr std::size_t kCutAt = 16;   // below this, a cut would move more often than it saves
  std::vector<T> items_;
  std::size_t head_ = 0;
};

}  // namespace wire
