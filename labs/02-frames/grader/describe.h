// How lab 2's types print in a transcript. Inline, in a header, so that later labs' graders (linked
// into the same program by a regression run) can include it without defining the functions twice.
#pragma once

#include "frame.h"

#include <cstdio>
#include <string>

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
