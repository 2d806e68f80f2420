// relay::chat::TokenBucket: the per-participant rate limit (one per participant).
// Starts full (burst tokens); refills rate_per_s tokens a second up to burst;
// each client message takes one token. An empty bucket refuses the message.
#pragma once

#include <algorithm>
#include <cstdint>

namespace relay::chat {

class TokenBucket {
 public:
  TokenBucket(double rate_per_s, double burst) : rate_per_s_(rate_per_s), burst_(burst), tokens_(burst) {}

  // Takes one token at now_us (a monotonic clock); false when the bucket is empty.
  bool take(std::int64_t now_us) {
    if (started_ && now_us > last_us_) {   // a clock that goes back refills nothing
      const double elapsed_s = static_cast<double>(now_us - last_us_) / 1e6;
      tokens_ = std::min(burst_, tokens_ + elapsed_s * rate_per_s_);
    }
    if (!started_ || now_us > last_us_) last_us_ = now_us;
    started_ = true;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }
  double tokens() const { return tokens_; }

 private:
  double rate_per_s_;
  double burst_;
  double tokens_;
  std::int64_t last_us_ = 0;
  bool started_ = false;
};

}  // namespace relay::chat
