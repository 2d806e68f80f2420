// Anonymous labels: "Stranger " + 4 lowercase hex digits from a seeded PRNG.
#include "relay/chat/labels.h"

#include <fmt/format.h>

namespace relay::chat {

namespace {
std::uint64_t mix_seed(std::uint64_t seed, bool deterministic) {
  if (deterministic) return seed;
  std::random_device device;
  const std::uint64_t hi = device();
  const std::uint64_t lo = device();
  return seed ^ (hi << 32U) ^ lo;
}
}  // namespace

LabelMaker::LabelMaker(std::uint64_t seed, bool deterministic) : rng_(mix_seed(seed, deterministic)) {}

std::string LabelMaker::candidate(int hex_digits) {
  // Raw engine bits (not a distribution) so a seed gives the same labels with any standard library.
  const std::uint64_t bits = rng_();
  if (hex_digits == 4) return fmt::format("Stranger {:04x}", bits & 0xffffU);
  return fmt::format("Stranger {:08x}", bits & 0xffffffffU);
}

std::string LabelMaker::take() {
  // 65,536 four-digit labels: collisions are rare while few are live; after many
  // tries (tens of thousands live) fall back to eight digits rather than loop forever.
  for (int attempt = 0; attempt < 4096; ++attempt) {
    std::string label = candidate(4);
    if (in_use_.insert(label).second) return label;
  }
  for (;;) {
    std::string label = candidate(8);
    if (in_use_.insert(label).second) return label;
  }
}

void LabelMaker::release(const std::string& label) { in_use_.erase(label); }

}  // namespace relay::chat
