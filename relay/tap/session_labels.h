// relay::SessionLabels: one per relay (owned by the EdgeTap). The mirror shows
// a long-poll session as "session #3", never its id (the id is the whole
// credential: whoever holds it reads and posts as that stranger). Numbers are
// given in order of first sight, so the same session keeps its label across
// requests and connections. Bounded: past kMax ids the oldest label is
// forgotten (a session seen again later gets a new number), and counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

#include <fmt/core.h>

namespace relay {

class SessionLabels {
 public:
  static constexpr std::size_t kMax = 16 * 1024;   // above the poll store's 10,000 sessions

  std::string label(const std::string& id) {
    auto it = numbers_.find(id);
    if (it == numbers_.end()) {
      if (order_.size() >= kMax) {
        numbers_.erase(order_.front());
        order_.pop_front();
        ++forgotten_;
      }
      it = numbers_.emplace(id, ++last_).first;
      order_.push_back(id);
    }
    return fmt::format("session #{}", it->second);
  }
  std::size_t size() const { return numbers_.size(); }
  std::uint64_t forgotten() const { return forgotten_; }

 private:
  std::unordered_map<std::string, std::uint64_t> numbers_;
  std::deque<std::string> order_;   // first sight order, for the bound
  std::uint64_t last_ = 0;
  std::uint64_t forgotten_ = 0;
};

}  // namespace relay
