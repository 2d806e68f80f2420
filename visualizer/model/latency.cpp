// Latency distribution per transport (latency.h).
#include "model/latency.h"

#include <algorithm>
#include <cmath>

namespace viz {

void LatencySamples::add(LatencySample s) {
  if (kept_.size() == max_kept) {
    if (kept_.front().waited_for_poll) --waited_;
    kept_.pop_front();
  }
  if (s.waited_for_poll) ++waited_;
  kept_.push_back(s);
}

std::vector<double> LatencySamples::sorted_ms() const {
  std::vector<double> v;
  v.reserve(kept_.size());
  for (const LatencySample& s : kept_) v.push_back(s.ms);
  std::sort(v.begin(), v.end());
  return v;
}

std::optional<double> LatencySamples::percentile(double q) const {
  if (kept_.empty()) return std::nullopt;
  const std::vector<double> v = sorted_ms();
  // Nearest rank: the smallest sample with at least q of them at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size())));
  return v[std::max<std::size_t>(rank, 1) - 1];
}

}  // namespace viz
