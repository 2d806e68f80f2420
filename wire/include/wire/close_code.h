// Close codes and close frame payloads (RFC 6455 5.5.1, 7.4).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "wire/events.h"
#include "wire/result.h"

namespace wire {

// "1000 Normal Closure", "1002 Protocol Error", "3001 (registered, 3000-3999)",
// "4000 (private use, 4000-4999)", "999 (invalid)".
std::string close_code_name(std::uint16_t code);

// 7.4.1-7.4.2: may this code appear in a close frame? 1000-1003, 1007-1011,
// the IANA-registered 1012-1014, and 3000-4999. Never 1004 (reserved), 1005,
// 1006 or 1015 (only reported locally), nor <1000 or 1016-2999.
bool is_valid_close_code(std::uint16_t code);

struct ClosePayload {
  std::optional<std::uint16_t> code;   // nullopt: an empty payload (no status code, 1005 locally)
  std::string reason;                  // UTF-8, may be empty
};

// Parses an unmasked close frame payload. Errors:
//   5.5.1: a 1-byte payload (a code needs 2 bytes)            -> close 1002
//   7.4.1: a code that may not appear on the wire             -> close 1002
//   8.1:   a reason that is not valid UTF-8 (offset in payload) -> close 1007
Result<ClosePayload> parse_close_payload(std::span<const std::uint8_t> payload);
// The close code a receiver sends for a parse_close_payload error (1002 or 1007).
std::uint16_t close_code_for_close_payload_error(const Error& e);

// Code (big-endian) + reason, ready to be a close frame's payload (5.5.1).
Bytes encode_close_payload(std::uint16_t code, std::string_view reason = {});

}  // namespace wire
