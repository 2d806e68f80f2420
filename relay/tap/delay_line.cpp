// The simulated wire of --delay-ms / --jitter-ms (delay_line.h).
#include "relay/tap/delay_line.h"

#include <algorithm>

namespace relay {

LinkDelay::LinkDelay(int delay_ms, int jitter_ms, bool deterministic)
    : delay_us_(std::int64_t{delay_ms} * 1000),
      jitter_us_(std::int64_t{jitter_ms} * 1000),
      // --deterministic: the same jitter sequence every run (seed fixed, like the demo's masks).
      rng_(deterministic ? 0x77697265u : std::random_device{}()) {}

std::int64_t LinkDelay::next_us() {
  if (jitter_us_ <= 0) return delay_us_;
  return delay_us_ + std::uniform_int_distribution<std::int64_t>(0, jitter_us_)(rng_);
}

// `due` may destroy nothing: the edge erases connections only on RAW_CLOSE.
DelayLine::DelayLine(const EventLoop& loop, lws_context* context, std::function<void()> due)
    : timer_(loop, context, std::move(due)) {}

void DelayLine::push(std::span<const std::uint8_t> bytes, std::int64_t release_us, std::int64_t now_us) {
  if (bytes.empty()) return;
  // A later chunk never overtakes an earlier one, whatever its jitter: TCP keeps order.
  release_us = std::max(release_us, last_release_us_);
  last_release_us_ = release_us;
  const bool was_empty = chunks_.empty();
  chunks_.push_back(Chunk{release_us, {bytes.begin(), bytes.end()}});
  size_ += bytes.size();
  if (was_empty) arm(now_us);   // else the timer is already set for an earlier chunk
}

std::vector<std::uint8_t> DelayLine::pop() {
  std::vector<std::uint8_t> bytes = std::move(chunks_.front().bytes);
  size_ -= bytes.size();
  chunks_.pop_front();
  return bytes;
}

void DelayLine::arm(std::int64_t now_us) {
  timer_.cancel();
  if (chunks_.empty()) return;
  timer_.schedule(chunks_.front().release_us - now_us);
}

void DelayLine::clear() {
  timer_.cancel();
  chunks_.clear();
  size_ = 0;
}

}  // namespace relay
