// Test helpers shared by every wire/ unit test (header-only).
//
// What it gives you:
//   - from_hex("81 05 48 65") / bytes_of("Hello"): build inputs readably; http_unit(...) a head-only `http` unit.
//   - escape_bytes(bytes): "\x81\x05..." cut at 64 bytes with "…", as every failure shows bytes.
//   - EXPECT_BYTES_EQ(expected, actual): on failure prints both as \xNN, their
//     lengths and the offset of the first differing byte.
//   - PrintTo for FrameHeader, Opcode, FrameError and Error, so EXPECT_EQ on
//     them shows readable values; hex(bytes) wraps bytes so EXPECT_EQ prints \xNN.
//   - Chunking: for_each_chunking(bytes, fn) calls fn once per way of cutting
//     the input: whole, split at every point (2 pieces), one byte at a time.
//     random_chunkings(bytes, seed, n) adds random cuts with a fixed seed.
//     Put SCOPED_TRACE(chunking.name) in fn so a failure names the cut.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "wire/events.h"
#include "wire/frame.h"
#include "wire/hex.h"
#include "wire/result.h"

namespace wire::test {

// ---- building inputs -------------------------------------------------------

// "81 05 48" or "810548" (spaces, ':' and '-' ignored) -> bytes. Bad hex
// is a programmer error in a test: it fails the test loudly.
inline Bytes from_hex(std::string_view hex) {
  Bytes out;
  int hi = -1;
  for (char c : hex) {
    const int v = wire::hex_digit(c);
    if (c == ' ' || c == ':' || c == '-' || c == '\n') continue;
    if (v < 0) {
      ADD_FAILURE() << "from_hex: not a hex digit: '" << c << "' in \"" << hex << "\"";
      return out;
    }
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi * 16 + v));
      hi = -1;
    }
  }
  if (hi >= 0) ADD_FAILURE() << "from_hex: odd number of hex digits in \"" << hex << "\"";
  return out;
}

inline Bytes bytes_of(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

// A head-only HTTP message as the mirror's `http` unit: start line, headers,
// and its exact bytes (CRLFs, the empty line).
inline Http http_unit(std::uint64_t conn, Direction dir, std::string start_line,
                      std::vector<std::pair<std::string, std::string>> headers) {
  Http h;
  h.conn = conn;
  h.dir = dir;
  h.start_line = std::move(start_line);
  h.headers = std::move(headers);
  std::string text = h.start_line + "\r\n";
  for (const auto& [name, value] : h.headers) text += name + ": " + value + "\r\n";
  text += "\r\n";
  h.bytes.assign(text.begin(), text.end());
  return h;
}

inline std::string string_of(std::span<const std::uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

// ---- printing --------------------------------------------------------------

// Every byte as \xNN (lowercase), at most `limit` bytes, then "…".
inline std::string escape_bytes(std::span<const std::uint8_t> bytes, std::size_t limit = 64) {
  std::string out;
  const std::size_t n = std::min(bytes.size(), limit);
  out.reserve(n * 4 + 4);
  for (std::size_t i = 0; i < n; ++i) {
    char buf[5];
    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(bytes[i]));
    out += buf;
  }
  if (bytes.size() > limit) out += "…";
  return out;
}
inline std::string escape_bytes(std::string_view text, std::size_t limit = 64) {
  return escape_bytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                      limit);
}

// Anything byte-like as a span: Bytes, std::array, std::string, string literals.
inline std::span<const std::uint8_t> as_span(std::span<const std::uint8_t> s) { return s; }
inline std::span<const std::uint8_t> as_span(const Bytes& b) { return b; }
inline std::span<const std::uint8_t> as_span(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::span<const std::uint8_t> as_span(const std::string& s) { return as_span(std::string_view(s)); }
inline std::span<const std::uint8_t> as_span(const char* s) { return as_span(std::string_view(s)); }
template <std::size_t N>
inline std::span<const std::uint8_t> as_span(const std::array<std::uint8_t, N>& a) { return a; }

// The predicate-formatter behind EXPECT_BYTES_EQ.
template <class E, class A>
::testing::AssertionResult BytesEqual(const char* expected_expr, const char* actual_expr, const E& expected_v,
                                      const A& actual_v) {
  const auto expected = as_span(expected_v);
  const auto actual = as_span(actual_v);
  if (std::equal(expected.begin(), expected.end(), actual.begin(), actual.end()))
    return ::testing::AssertionSuccess();
  std::size_t at = 0;
  while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) ++at;
  auto window = [at](std::span<const std::uint8_t> b) {
    const std::size_t from = at > 8 ? at - 8 : 0;
    return std::string(from > 0 ? "…" : "") + escape_bytes(b.subspan(std::min(from, b.size())), 32);
  };
  return ::testing::AssertionFailure()
         << actual_expr << " should have been " << expected_expr << "\n"
         << "  expected (" << expected.size() << " bytes): " << escape_bytes(expected) << "\n"
         << "  actual   (" << actual.size() << " bytes): " << escape_bytes(actual) << "\n"
         << "  first difference at offset " << at << ": expected " << window(expected) << "\n"
         << "                                     actual " << window(actual);
}

}  // namespace wire::test

#define EXPECT_BYTES_EQ(expected, actual) EXPECT_PRED_FORMAT2(::wire::test::BytesEqual, expected, actual)
#define ASSERT_BYTES_EQ(expected, actual) ASSERT_PRED_FORMAT2(::wire::test::BytesEqual, expected, actual)

// PrintTo overloads live in the types' own namespace so GoogleTest finds them.
namespace wire {

inline void PrintTo(Opcode op, std::ostream* os) {
  *os << opcode_name(op) << " (0x" << std::hex << static_cast<unsigned>(op) << std::dec << ")";
}

inline void PrintTo(const FrameHeader& h, std::ostream* os) {
  *os << "{fin=" << h.fin << " rsv=" << h.rsv1 << h.rsv2 << h.rsv3 << " opcode=";
  PrintTo(h.opcode, os);
  *os << " masked=" << h.masked << " payload_len=" << h.payload_len;
  if (length_form(h) != minimal_length_form(h.payload_len)) *os << " (" << length_form_name(length_form(h)) << " form)";
  if (h.masked) *os << " masking_key=" << test::escape_bytes(h.masking_key);
  *os << "}";
}

inline void PrintTo(const Error& e, std::ostream* os) {
  *os << "{" << e.rule << ": " << e.reason << " @ offset " << e.offset << "}";
}

inline void PrintTo(FrameError e, std::ostream* os) {
  const Error err = frame_error(e, 0);
  *os << err.rule << ": " << err.reason;
}

}  // namespace wire

namespace wire::test {

// Bytes that print as \xNN in any GoogleTest assertion (std::vector<uint8_t>
// itself prints as a list of chars, and its PrintTo cannot be overloaded from
// here): EXPECT_EQ(hex(expected), hex(actual)). EXPECT_BYTES_EQ says more.
struct HexBytes {
  Bytes bytes;
  friend bool operator==(const HexBytes&, const HexBytes&) = default;
  friend void PrintTo(const HexBytes& b, std::ostream* os) {
    *os << b.bytes.size() << " bytes: " << escape_bytes(b.bytes);
  }
};
inline HexBytes hex(std::span<const std::uint8_t> bytes) { return {Bytes(bytes.begin(), bytes.end())}; }

// ---- chunking --------------------------------------------------------------

// One way of cutting an input into consecutive pieces that cover it exactly.
struct Chunking {
  std::string name;                                   // "whole", "split at 3", "one byte at a time", ...
  std::vector<std::span<const std::uint8_t>> pieces;  // views into the caller's bytes
};

inline Chunking chunk_whole(std::span<const std::uint8_t> data) { return {"whole", {data}}; }

inline Chunking chunk_split_at(std::span<const std::uint8_t> data, std::size_t k) {
  Chunking c{"split at ", {data.first(k), data.subspan(k)}};
  c.name += std::to_string(k);
  return c;
}

inline Chunking chunk_one_byte_at_a_time(std::span<const std::uint8_t> data) {
  Chunking c{"one byte at a time", {}};
  c.pieces.reserve(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) c.pieces.push_back(data.subspan(i, 1));
  return c;
}

// Cuts at random points (fixed seed: the same cuts every run).
inline std::vector<Chunking> random_chunkings(std::span<const std::uint8_t> data, std::uint32_t seed, int count) {
  std::mt19937 rng(seed);
  std::vector<Chunking> out;
  for (int n = 0; n < count; ++n) {
    Chunking c{"random cuts #", {}};
    c.name += std::to_string(n);
    c.name += " (seed ";
    c.name += std::to_string(seed);
    c.name += "):";
    std::size_t at = 0;
    while (at < data.size()) {
      const std::size_t left = data.size() - at;
      const std::size_t len = std::uniform_int_distribution<std::size_t>(1, std::min<std::size_t>(left, 17))(rng);
      c.pieces.push_back(data.subspan(at, len));
      c.name += ' ';   // appended in two steps: GCC 12 -O3 warns falsely (-Wrestrict) on " " + to_string()
      c.name += std::to_string(len);
      at += len;
    }
    out.push_back(std::move(c));
  }
  return out;
}

// Every chunking the tests require: whole, every split point (1..n-1) and one
// byte at a time. fn(const Chunking&) is called once per chunking.
template <class Fn>
void for_each_chunking(std::span<const std::uint8_t> data, Fn&& fn) {
  fn(chunk_whole(data));
  for (std::size_t k = 1; k < data.size(); ++k) fn(chunk_split_at(data, k));
  if (data.size() > 1) fn(chunk_one_byte_at_a_time(data));
}

}  // namespace wire::test
