// How lab 2's types print in a transcript. Inline, in a header, so that later labs' graders (linked
// into the same program by a regression run) can include it without defining the functions twice.
#pragma once

#include "frame.h"
#include "grade/grade.h"

#include <cstdio>
#include <string>
#include <utility>

namespace ws {

inline std::string describe(Opcode op) {
  static const char* names[16] = {"continuation", "text",  "binary", "reserved_3", "reserved_4", "reserved_5",
                                  "reserved_6",   "reserved_7", "close", "ping", "pong", "reserved_b",
                                  "reserved_c",   "reserved_d", "reserved_e", "reserved_f"};
  auto v = static_cast<unsigned>(op);
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%x", v);
  return v < 16 ? std::string(names[v]) + " (" + hex + ")" : std::string("Opcode(") + hex + ")";
}

inline std::string describe(DecodeStatus s) {
  switch (s) {
    case DecodeStatus::complete: return "complete";
    case DecodeStatus::need_more: return "need_more";
    case DecodeStatus::invalid: return "invalid";
    case DecodeStatus::too_big: return "too_big";
  }
  return "DecodeStatus(" + std::to_string(static_cast<int>(s)) + ")";
}

inline std::string describe(const FrameHeader& h) {
  std::string s = "{fin=" + std::to_string(h.fin) + " rsv=" + std::to_string(h.rsv1) + std::to_string(h.rsv2) +
                  std::to_string(h.rsv3) + " opcode=" + describe(h.opcode) + " masked=" + std::to_string(h.masked) +
                  " payload_len=" + std::to_string(h.payload_len);
  if (h.masked) {
    char key[16];
    std::snprintf(key, sizeof key, "%02x%02x%02x%02x", h.masking_key[0], h.masking_key[1], h.masking_key[2],
                  h.masking_key[3]);
    s += std::string(" masking_key=") + key;
  }
  return s + "}";
}

}  // namespace ws

namespace lab2 {

// Byte 0 or byte 1 of a frame, shown in hex with what its bits say (RFC 6455 5.2), so that an expected
// 0x81 and an actual 0x88 read as "FIN + text" against "FIN + close".
struct FirstByte {
  std::uint8_t value = 0;
  bool operator==(const FirstByte&) const = default;
};
struct SecondByte {
  std::uint8_t value = 0;
  bool operator==(const SecondByte&) const = default;
};

inline std::string describe(FirstByte b) {
  static const std::pair<unsigned, const char*> flags[] = {{0x80, "FIN"}, {0x40, "RSV1"}, {0x20, "RSV2"}, {0x10, "RSV3"}};
  std::string bits;
  for (const auto& [mask, name] : flags) {
    if (b.value & mask) bits += std::string(name) + " + ";
  }
  std::string op = ws::describe(static_cast<ws::Opcode>(b.value & 0x0f));
  op = op.substr(0, op.find(' '));  // "text (0x1)" -> "text"
  return grade::hex_byte(b.value) + " (" + bits + op + ((b.value & 0x80) ? "" : ", no FIN") + ")";
}

inline std::string describe(SecondByte b) {
  unsigned len7 = b.value & 0x7fu;
  std::string length = len7 == 126 ? "126: a 16-bit length follows"
                       : len7 == 127 ? "127: a 64-bit length follows"
                                     : "length " + std::to_string(len7);
  return grade::hex_byte(b.value) + " (" + ((b.value & 0x80) ? "MASK + " : "unmasked, ") + length + ")";
}

}  // namespace lab2
