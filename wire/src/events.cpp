// The mirror event model's JSON form (docs/mirror-protocol.md).
#include "wire/events.h"

#include <cstdio>
#include <type_traits>

namespace wire {

const char* kind_name(const EventBody& body) {
  return std::visit(
      [](const auto& e) -> const char* {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, Hello>) return "hello";
        else if constexpr (std::is_same_v<T, Open>) return "open";
        else if constexpr (std::is_same_v<T, Close>) return "close";
        else if constexpr (std::is_same_v<T, Http>) return "http";
        else if constexpr (std::is_same_v<T, Frame>) return "frame";
        else if constexpr (std::is_same_v<T, Raw>) return "raw";
        else if constexpr (std::is_same_v<T, Violation>) return "violation";
        else if constexpr (std::is_same_v<T, Chat>) return "chat";
        else return "dropped";
      },
      body);
}

std::string mask_key_hex(std::uint32_t key) {
  char out[9];
  std::snprintf(out, sizeof out, "%08x", key);
  return out;
}

}  // namespace wire
