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

DelayLine::DelayLine(lws_context* context, std::function<void()> due) : context_(context), due_(std::move(due)) {
  timer_.self = this;
}

// The sul lives inside this object: it must leave lws's list before the memory goes.
DelayLine::~DelayLine() { lws_sul_cancel(&timer_.sul); }

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
  lws_sul_cancel(&timer_.sul);
  if (chunks_.empty()) return;
  const std::int64_t wait_us = std::max<std::int64_t>(chunks_.front().release_us - now_us, 1);
  lws_sul_schedule(context_, 0, &timer_.sul, fire, wait_us);
}

void DelayLine::clear() {
  lws_sul_cancel(&timer_.sul);
  chunks_.clear();
  size_ = 0;
}

void DelayLine::fire(lws_sorted_usec_list_t* sul) {
  DelayLine* self = reinterpret_cast<Timer*>(sul)->self;
  self->due_();   // may destroy nothing: the edge erases connections only on RAW_CLOSE
}

}  // namespace relay
