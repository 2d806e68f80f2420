// KeySource: splitmix64 (Steele, Lea, Flood 2014), small and with no bad seeds.
#include "keys.h"

#include <array>
#include <random>

#include "wire/base64.h"

namespace relay::demo {

namespace {
std::uint64_t random_seed() {
  std::random_device rd;
  return (std::uint64_t{rd()} << 32) ^ rd();
}
}  // namespace

KeySource::KeySource(bool deterministic)
    : KeySource(deterministic, deterministic ? kDeterministicSeed : random_seed()) {}

KeySource::KeySource(bool deterministic, std::uint64_t seed) : deterministic_(deterministic), state_(seed) {}

std::uint64_t KeySource::next_u64() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

wire::MaskingKey KeySource::next_masking_key() {
  const std::uint64_t r = next_u64();
  return {static_cast<std::uint8_t>(r >> 24), static_cast<std::uint8_t>(r >> 16), static_cast<std::uint8_t>(r >> 8),
          static_cast<std::uint8_t>(r)};
}

std::string KeySource::next_sec_websocket_key() {
  if (deterministic_) return kRfcExampleKey;
  std::array<std::uint8_t, 16> nonce{};
  for (std::size_t i = 0; i < nonce.size(); i += 8) {
    const std::uint64_t r = next_u64();
    for (std::size_t j = 0; j < 8; ++j) nonce[i + j] = static_cast<std::uint8_t>(r >> (8 * j));
  }
  return wire::base64_encode(nonce);
}

std::uint32_t KeySource::next_between(std::uint32_t lo, std::uint32_t hi) {
  if (hi <= lo) return lo;
  return lo + static_cast<std::uint32_t>(next_u64() % (std::uint64_t{hi} - lo + 1));
}

}  // namespace relay::demo
