// relay::Clock: microseconds since the relay started (the mirror's t_us) on
// the monotonic clock, so events order the same way whatever the wall clock does.
#pragma once

#include <chrono>
#include <cstdint>

namespace relay {

class Clock {
 public:
  Clock() : start_(std::chrono::steady_clock::now()) {}
  std::int64_t now_us() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace relay
