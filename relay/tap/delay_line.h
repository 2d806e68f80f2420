// relay::DelayLine: one direction of --delay-ms's simulated wire. The edge
// holds a connection's bytes here, in order, until their release time, and a
// timer on the relay's loop (LoopTimer) calls `due` when the oldest chunk may go on. Created only
// when --delay-ms or --jitter-ms is set: without them the tap has no line and
// pays one null check per chunk. Bounded like the tap queues: the edge counts
// size() in its water marks and in --max-queued-bytes.
//
// relay::LinkDelay: how long each chunk waits, N ms plus a uniform 0..J ms,
// never less than the chunk ahead of it needed (so order holds with jitter).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <span>
#include <vector>

#include <libwebsockets.h>

#include "relay/event_loop.h"
#include "wire/fifo.h"

namespace relay {

class LinkDelay {
 public:
  LinkDelay(int delay_ms, int jitter_ms, bool deterministic);
  bool active() const { return delay_us_ > 0 || jitter_us_ > 0; }
  std::int64_t next_us();   // delay_us + uniform [0, jitter_us]

 private:
  std::int64_t delay_us_, jitter_us_;
  std::mt19937_64 rng_;
};

class DelayLine {
 public:
  DelayLine(const EventLoop& loop, lws_context* context, std::function<void()> due);
  DelayLine(const DelayLine&) = delete;
  DelayLine& operator=(const DelayLine&) = delete;

  // Holds bytes until release_us (relay clock), or until the chunk ahead goes if later.
  void push(std::span<const std::uint8_t> bytes, std::int64_t release_us, std::int64_t now_us);
  bool empty() const { return chunks_.empty(); }
  std::size_t size() const { return size_; }
  bool front_due(std::int64_t now_us) const { return !chunks_.empty() && chunks_.front().release_us <= now_us; }
  std::vector<std::uint8_t> pop();
  // Schedules `due` for the oldest chunk's release (nothing when empty).
  void arm(std::int64_t now_us);
  void clear();

 private:
  struct Chunk {
    std::int64_t release_us;
    std::vector<std::uint8_t> bytes;
  };
  wire::Fifo<Chunk> chunks_;
  std::size_t size_ = 0;
  std::int64_t last_release_us_ = 0;
  LoopTimer timer_;
};

}  // namespace relay
