// relay::demo::KeySource: where the demo strangers' random bytes come from.
// RFC 6455 4.1 wants a fresh random Sec-WebSocket-Key per handshake and 5.3
// a fresh unpredictable masking key per frame. With --deterministic both come
// from a fixed-seed PRNG instead (the key is RFC 6455 1.3's example), so two
// runs put the same bytes on the wire. Not a CSPRNG: it is a teaching demo.
#pragma once

#include <cstdint>
#include <string>

#include "wire/frame.h"

namespace relay::demo {

// RFC 6455 1.3's example key; its accept is "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
inline constexpr const char* kRfcExampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
inline constexpr std::uint64_t kDeterministicSeed = 0x77697265'6c616221ULL;   // "wirelab!"

class KeySource {
 public:
  // deterministic: fixed seed and the RFC's key; else seeded from std::random_device.
  explicit KeySource(bool deterministic);
  KeySource(bool deterministic, std::uint64_t seed);

  wire::MaskingKey next_masking_key();     // 5.3: one per client frame
  std::string next_sec_websocket_key();    // 4.1: base64 of 16 bytes, one per handshake
  std::uint64_t next_u64();                // splitmix64
  // A whole number of milliseconds in [lo, hi], for pacing.
  std::uint32_t next_between(std::uint32_t lo, std::uint32_t hi);
  bool deterministic() const { return deterministic_; }

 private:
  bool deterministic_;
  std::uint64_t state_;
};

}  // namespace relay::demo
