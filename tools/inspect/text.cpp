#include "text.h"

#include <fmt/format.h>

#include "wire/hex.h"
#include "wire/utf8.h"

namespace inspect {

std::optional<std::vector<std::uint8_t>> parse_hex(std::string_view text, std::string* error) {
  std::vector<std::uint8_t> out;
  int hi = -1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':' || c == ',' || c == '-') continue;
    // "0x81" and "\x81": skip the prefix when it starts a byte.
    if (hi < 0 && (c == '0' || c == '\\') && i + 1 < text.size() && (text[i + 1] == 'x' || text[i + 1] == 'X')) {
      ++i;
      continue;
    }
    const int v = wire::hex_digit(c);
    if (v < 0) {
      if (error) *error = fmt::format("'{}' at character {} is not a hex digit", c, i + 1);
      return std::nullopt;
    }
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi * 16 + v));
      hi = -1;
    }
  }
  if (hi >= 0) {
    if (error) *error = "an odd number of hex digits: each byte needs two";
    return std::nullopt;
  }
  return out;
}

std::string hex_spaced(std::span<const std::uint8_t> bytes, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < limit; ++i) {
    if (i) out += ' ';
    out += fmt::format("{:02x}", bytes[i]);
  }
  if (bytes.size() > limit) out += " …";
  return out;
}

std::string hex_compact(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

std::string bits(std::uint8_t b) {
  std::string out;
  for (int i = 7; i >= 0; --i) {
    out += ((b >> i) & 1) ? '1' : '0';
    if (i == 4) out += ' ';
  }
  return out;
}

std::string quoted_text(std::span<const std::uint8_t> bytes, std::size_t limit) {
  const auto shown = bytes.first(std::min(bytes.size(), limit));
  // A cut may fall inside a code point: then only the bytes shown must be valid so far.
  wire::Utf8Validator v;
  const bool utf8 = v.feed(shown).ok && (bytes.size() > limit || v.finish().ok);
  std::string out = "\"";
  for (std::size_t i = 0; i < shown.size(); ++i) {
    const std::uint8_t b = shown[i];
    if (b == '\n') out += "\\n";
    else if (b == '\r') out += "\\r";
    else if (b == '\t') out += "\\t";
    else if (b == '"') out += "\\\"";
    else if (b == '\\') out += "\\\\";
    else if (b < 0x20 || b == 0x7f || (b >= 0x80 && !utf8)) out += fmt::format("\\x{:02x}", b);
    else out += static_cast<char>(b);
  }
  out += "\"";
  if (bytes.size() > limit) out += "…";
  return out;
}

}  // namespace inspect
