// Lab 2 grader support (see support.h).
#include "support.h"

#include <cstdio>
#include <memory>

namespace lab2 {

ws::FrameHeader header(ws::Opcode op, std::uint64_t len, bool fin) {
  ws::FrameHeader h;
  h.opcode = op;
  h.payload_len = len;
  h.fin = fin;
  return h;
}

ws::FrameHeader masked(ws::FrameHeader h, std::array<std::uint8_t, 4> key) {
  h.masked = true;
  h.masking_key = key;
  return h;
}

Bytes expected_bytes(const ws::FrameHeader& h) {
  Bytes b(2);
  b[0] = static_cast<std::uint8_t>((h.fin << 7) | (h.rsv1 << 6) | (h.rsv2 << 5) | (h.rsv3 << 4) |
                                   static_cast<int>(h.opcode));
  b[1] = h.masked ? 0x80 : 0;
  int ext = h.payload_len < 126 ? 0 : h.payload_len < 65536 ? 2 : 8;
  b[1] = static_cast<std::uint8_t>(b[1] | (ext == 0 ? h.payload_len : ext == 2 ? 126 : 127));
  for (int i = ext - 1; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(h.payload_len >> (8 * i)));
  if (h.masked) b.insert(b.end(), h.masking_key.begin(), h.masking_key.end());
  return b;
}

Bytes random_bytes(std::size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(grade::rng()());
  return b;
}

std::uint64_t random_len() {
  auto& r = grade::rng();
  switch (r() % 6) {
    case 0: return r() % 126;
    case 1: return 124 + r() % 4;                        // 124-127: around the first boundary
    case 2: return 126 + r() % (65536 - 126);
    case 3: return 65534 + r() % 4;                      // 65534-65537: around the second
    case 4: return 65536 + r() % (std::uint64_t{1} << 40);
    default: return (std::uint64_t{1} << 63) - 1 - r() % 1000;
  }
}

ws::FrameHeader random_header(bool valid_only) {
  auto& r = grade::rng();
  static const ws::Opcode data[] = {ws::Opcode::continuation, ws::Opcode::text, ws::Opcode::binary};
  static const ws::Opcode control[] = {ws::Opcode::close, ws::Opcode::ping, ws::Opcode::pong};
  ws::FrameHeader h;
  if (r() % 4 == 0) {
    h.opcode = control[r() % 3];
    h.payload_len = r() % 126;
  } else {
    h.opcode = data[r() % 3];
    h.fin = r() % 2 == 0;
    h.payload_len = random_len();
  }
  if (!valid_only) {
    h.rsv1 = r() % 2;
    h.rsv2 = r() % 2;
    h.rsv3 = r() % 2;
    h.opcode = static_cast<ws::Opcode>(r() % 16);
  }
  if (r() % 2 == 0) {
    Bytes key = random_bytes(4);
    h = masked(h, {key[0], key[1], key[2], key[3]});
  }
  return h;
}

Bytes encode(const ws::FrameHeader& h) {
  grade::step("encode_frame_header(" + describe(h) + ")");
  Bytes got = ws::encode_frame_header(h);
  Bytes want = expected_bytes(h);
  if (got == want) return got;
  if (got.empty()) {
    grade::symptom("encode_frame_header returned no bytes: is it still the starter's? (task 2 in the README)");
  } else if (got.size() < 2 || got.size() != want.size() || (got[1] & 0x7f) != (want[1] & 0x7f)) {
    unsigned len7 = want[1] & 0x7f;
    std::uint64_t n = h.payload_len;
    if (n == 125 || n == 126 || n == 127 || n == 65535 || n == 65536 || n == 65537) {
      grade::symptom("Off by one at a length boundary: the 7-bit field holds lengths 0-125; 126 means a 16-bit "
                     "length follows (126-65535), 127 a 64-bit one (65536 and up). RFC 6455 5.2.");
    } else if (got.size() >= 2 && (got[1] & 0x7f) != len7) {
      grade::symptom("For payload_len " + std::to_string(n) + " the 7-bit field must be " + std::to_string(len7) +
                     " (RFC 6455 5.2: the shortest form that fits).");
    } else {
      grade::symptom("This header is " + std::to_string(want.size()) + " bytes: 2, plus 2 or 8 of extended "
                     "length, plus 4 of masking key if masked (RFC 6455 5.2).");
    }
  } else if (got.size() == want.size() && got.size() > 2) {
    std::size_t ext = got.size() - 2 - (h.masked ? 4 : 0);
    bool reversed = ext > 1;
    for (std::size_t i = 0; i < ext && reversed; ++i) reversed = got[2 + i] == want[2 + ext - 1 - i];
    if (reversed && got[2] != want[2]) {
      grade::symptom("The extended length is in network byte order: most significant byte first (RFC 6455 5.2).");
    }
  } else if (got.size() >= 1 && got[0] != want[0]) {
    grade::symptom("Byte 0 is FIN (0x80), RSV1 (0x40), RSV2 (0x20), RSV3 (0x10), then the 4-bit opcode (RFC 6455 5.2).");
  }
  if (got.size() >= 2 && (got[1] & 0x80) != (want[1] & 0x80)) {
    grade::symptom("The MASK bit is the top bit of byte 1; the masking key follows the length (RFC 6455 5.2).");
  }
  return got;
}

ws::HeaderResult decode(const Bytes& bytes, bool show) {
  if (show) {
    grade::step("decode_frame_header(" + std::to_string(bytes.size()) + " bytes)");
    grade::sent(bytes);
  } else {
    grade::doing("decode_frame_header(\"" + grade::hex(bytes) + "\") : " + std::to_string(bytes.size()) + " bytes");
  }
  // An exact-size copy on the heap: a read past the end is a sanitizer report, not a lucky pass.
  std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[bytes.size() + (bytes.empty() ? 1 : 0)]);
  std::copy(bytes.begin(), bytes.end(), copy.get());
  return ws::decode_frame_header(std::span<const std::uint8_t>(copy.get(), bytes.size()));
}

}  // namespace lab2
