// The one thread-safe hand-off into the model: feeds push parsed
// events from their own threads, the UI thread takes them once per frame and
// appends them to the Model. Bounded: beyond `capacity` waiting events the
// newest are refused and counted (nothing is dropped silently).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "wire/events.h"

namespace viz {

class Inbox {
 public:
  explicit Inbox(std::size_t capacity = 1'000'000) : capacity_(capacity) {}

  // Any thread. Returns false (and counts it) when the inbox is full.
  bool push(wire::Event event);
  // UI thread: moves up to `max` waiting events, oldest first, into out (appended).
  std::size_t take(std::vector<wire::Event>& out, std::size_t max = SIZE_MAX);

  std::size_t waiting() const;
  std::uint64_t refused() const;   // events refused because the inbox was full

 private:
  mutable std::mutex mu_;
  std::vector<wire::Event> queue_;   // [head_, end) waiting
  std::size_t head_ = 0;
  std::size_t capacity_;
  std::uint64_t refused_ = 0;
};

}  // namespace viz
