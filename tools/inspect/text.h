// Small text helpers for wirelab-inspect: hex in, hex and readable text out.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace inspect {

// "81 85 37fa", "81:85", "0x81 0x85", "\x81\x85" -> bytes. On failure,
// nullopt and *error says which character is wrong.
std::optional<std::vector<std::uint8_t>> parse_hex(std::string_view text, std::string* error);

// "7f 9f 4d 51 58" (spaced) or "7f9f4d5158" (compact); at most `limit` bytes, then " …".
std::string hex_spaced(std::span<const std::uint8_t> bytes, std::size_t limit = 64);
std::string hex_compact(std::span<const std::uint8_t> bytes);

// A byte as "1000 0001".
std::string bits(std::uint8_t b);

// Bytes as a quoted string a terminal can show: valid UTF-8 stays as it is,
// control characters and bytes that are not UTF-8 become \n, \t, \xNN. At most
// `limit` bytes, then "…".
std::string quoted_text(std::span<const std::uint8_t> bytes, std::size_t limit = 256);

}  // namespace inspect
