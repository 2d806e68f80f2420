// relay::SessionLabels: one per relay (owned by the EdgeTap). The mirror shows
// a long-poll session as "session #3", never its id (the id is the whole
// credential: whoever holds it reads and posts as that stranger), and a Cookie
// or Authorization value (behind --upstream) as "credential #2". Numbers are
// given in order of first sight, each kind its own, so the same session or
// cookie keeps its label across requests and connections. Bounded: past kMax
// values the oldest label is forgotten (seen again later, it gets a new
// number), and counted.
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

  std::string label(const std::string& id) { return fmt::format("session #{}", number('s', id, last_session_)); }
  std::string credential_label(const std::string& value) {
    return fmt::format("credential #{}", number('c', value, last_credential_));
  }
  std::size_t size() const { return numbers_.size(); }
  std::uint64_t forgotten() const { return forgotten_; }

 private:
  // The number of `value` in its kind ('s' sessions, 'c' credentials), given at first sight.
  std::uint64_t number(char kind, const std::string& value, std::uint64_t& last) {
    std::string key = kind + value;
    auto it = numbers_.find(key);
    if (it == numbers_.end()) {
      if (order_.size() >= kMax) {
        numbers_.erase(order_.front());
        order_.pop_front();
        ++forgotten_;
      }
      it = numbers_.emplace(key, ++last).first;
      order_.push_back(std::move(key));
    }
    return it->second;
  }

  std::unordered_map<std::string, std::uint64_t> numbers_;
  std::deque<std::string> order_;   // first sight order, for the bound
  std::uint64_t last_session_ = 0;
  std::uint64_t last_credential_ = 0;
  std::uint64_t forgotten_ = 0;
};

}  // namespace relay
