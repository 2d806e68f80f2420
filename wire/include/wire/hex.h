// wire::hex_digit: the value of one hexadecimal digit, the one place that
// knows it (HTTP chunk sizes, mask keys in mirror events, hex typed by people).
#pragma once

namespace wire {

// 0-15 for 0-9, a-f, A-F (RFC 5234 B.1 HEXDIG, case-insensitive as in RFC 9112); -1 otherwise.
constexpr int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace wire
