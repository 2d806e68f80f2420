// Per-message delivery latency as a distribution (issue 14 part 1): the
// Polling scene draws every kept sample and marks p50/p90, because a mean
// hides exactly the spikes long-polling has: the messages that arrived at the
// relay while no poll was held and waited for the client's next request.
// Bounded: the newest max_kept samples per transport. GL-free; tested in
// tests/visualizer/latency_capture_test.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace viz {

struct LatencySample {
  double ms = 0.0;               // send (client) -> delivery (client), from the mirror's t_us
  bool waited_for_poll = false;  // long-poll: sent before the poll request that carried it was sent
};

class LatencySamples {
 public:
  static constexpr std::size_t max_kept = 2048;
  void add(LatencySample s);
  const std::deque<LatencySample>& kept() const { return kept_; }
  std::size_t size() const { return kept_.size(); }
  std::size_t waited() const { return waited_; }   // among the kept ones
  // Nearest-rank percentile (q in (0, 1]) of the kept samples; nullopt when none.
  std::optional<double> percentile(double q) const;
  // The kept samples' ms, sorted (for a histogram or the percentiles).
  std::vector<double> sorted_ms() const;

 private:
  std::deque<LatencySample> kept_;
  std::size_t waited_ = 0;
};

}  // namespace viz
