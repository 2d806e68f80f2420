// Base64 (RFC 4648 section 4, the standard alphabet with '=' padding): the
// encoding of Sec-WebSocket-Key / Sec-WebSocket-Accept (RFC 6455 4.1, 4.2.2)
// and of the mirror's byte fields.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wire {

std::string base64_encode(std::span<const std::uint8_t> bytes);
std::string base64_encode(std::string_view text);

// Strict decoding: standard alphabet only, length a multiple of 4, '=' only as
// the last one or two characters, no whitespace. nullopt when it is not base64.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace wire
