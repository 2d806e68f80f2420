// UTF-8 validation (RFC 3629, RFC 6455 8.1), after Markus Kuhn's "UTF-8
// decoder capability and stress test": every case whole, split at every point
// and one byte at a time, with the offset of the first bad byte.
#include <gtest/gtest.h>

#include "wire/utf8.h"
#include "wire_test_support.h"

namespace wire {
namespace {

using test::escape_bytes;
using test::from_hex;

struct Utf8Case {
  const char* name;
  const char* hex;
  bool valid;
  std::size_t bad_offset;   // !valid: where the validator must point
};

// Validates the input fed in the given pieces, then finish().
Utf8Check check_pieces(const test::Chunking& c) {
  Utf8Validator v;
  for (auto piece : c.pieces) {
    const Utf8Check r = v.feed(piece);
    if (!r) return r;
  }
  return v.finish();
}

class Utf8Kuhn : public ::testing::TestWithParam<Utf8Case> {};

TEST_P(Utf8Kuhn, SameVerdictAtEveryChunking) {
  const Utf8Case& c = GetParam();
  const Bytes input = from_hex(c.hex);
  test::for_each_chunking(input, [&](const test::Chunking& chunking) {
    const Utf8Check r = check_pieces(chunking);
    EXPECT_EQ(r.ok, c.valid) << c.name << ": " << escape_bytes(input) << " fed " << chunking.name
                             << " should have been " << (c.valid ? "valid" : "invalid") << " (RFC 3629 4)";
    if (!c.valid && !r.ok) {
      EXPECT_EQ(r.offset, c.bad_offset) << c.name << ": " << escape_bytes(input) << " fed " << chunking.name;
    }
  });
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3629, Utf8Kuhn,
    ::testing::Values(
        // Kuhn 1 and 2: correct text and the first/last sequences of each length.
        Utf8Case{"empty", "", true, 0},
        Utf8Case{"greek_kosme", "ce ba e1 bd b9 cf 83 ce bc ce b5", true, 0},
        Utf8Case{"u0000", "00", true, 0},
        Utf8Case{"u0080", "c2 80", true, 0},
        Utf8Case{"u0800", "e0 a0 80", true, 0},
        Utf8Case{"u10000", "f0 90 80 80", true, 0},
        Utf8Case{"u007f", "7f", true, 0},
        Utf8Case{"u07ff", "df bf", true, 0},
        Utf8Case{"uffff", "ef bf bf", true, 0},
        Utf8Case{"u10ffff", "f4 8f bf bf", true, 0},
        Utf8Case{"ud7ff", "ed 9f bf", true, 0},
        Utf8Case{"ue000", "ee 80 80", true, 0},
        Utf8Case{"ufffd", "ef bf bd", true, 0},
        Utf8Case{"ascii_run_then_euro", "48 65 6c 6c 6f 2d 77 6f 72 6c 64 e2 82 ac", true, 0},
        // Kuhn 2.3 / 3.x: beyond U+10FFFF.
        Utf8Case{"u110000", "f4 90 80 80", false, 1},
        Utf8Case{"f5_lead", "f5 80 80 80", false, 0},
        Utf8Case{"five_byte_form", "f8 88 80 80 80", false, 0},
        Utf8Case{"six_byte_form", "fc 84 80 80 80 80", false, 0},
        // Kuhn 3.1: lone continuation bytes.
        Utf8Case{"lone_continuation_80", "80", false, 0},
        Utf8Case{"lone_continuation_bf", "bf", false, 0},
        Utf8Case{"continuation_after_ascii", "41 42 80 43", false, 2},
        Utf8Case{"two_continuations", "80 bf", false, 0},
        // Kuhn 3.2: lonely start characters followed by a space.
        Utf8Case{"lonely_c0", "c0 20", false, 0},
        Utf8Case{"lonely_e0", "e0 20", false, 1},
        Utf8Case{"lonely_f0", "f0 20", false, 1},
        // Kuhn 3.3: sequences with the last byte missing, at the end of the message.
        Utf8Case{"truncated_2", "c2", false, 0},
        Utf8Case{"truncated_3", "e2 82", false, 0},
        Utf8Case{"truncated_4", "f0 9f 98", false, 0},
        Utf8Case{"text_then_truncated_4", "48 69 20 f0 9f 98", false, 3},
        // Kuhn 3.5: impossible bytes.
        Utf8Case{"fe", "fe", false, 0},
        Utf8Case{"ff", "ff", false, 0},
        Utf8Case{"fe_fe_ff_ff", "fe fe ff ff", false, 0},
        // Kuhn 4.1-4.2: overlong forms (of '/' and the maximum overlongs).
        Utf8Case{"overlong_slash_2", "c0 af", false, 0},
        Utf8Case{"overlong_slash_3", "e0 80 af", false, 1},
        Utf8Case{"overlong_slash_4", "f0 80 80 af", false, 1},
        Utf8Case{"overlong_max_2", "c1 bf", false, 0},
        Utf8Case{"overlong_max_3", "e0 9f bf", false, 1},
        Utf8Case{"overlong_max_4", "f0 8f bf bf", false, 1},
        Utf8Case{"overlong_nul_2", "c0 80", false, 0},
        // Kuhn 5.1-5.2: UTF-16 surrogates, single and paired.
        Utf8Case{"surrogate_d800", "ed a0 80", false, 1},
        Utf8Case{"surrogate_dfff", "ed bf bf", false, 1},
        Utf8Case{"surrogate_pair", "ed a0 80 ed b0 80", false, 1},
        // Autobahn 6.x style: valid text then a bad byte far in.
        Utf8Case{"valid_then_bad", "ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64", false, 12}),
    [](const ::testing::TestParamInfo<Utf8Case>& p) { return std::string(p.param.name); });

TEST(Utf8Validator, StaysInvalidUntilReset) {
  Utf8Validator v;
  EXPECT_FALSE(v.feed(from_hex("ff")).ok);
  EXPECT_FALSE(v.feed(test::bytes_of("fine")).ok) << "once invalid, always invalid until reset()";
  v.reset();
  EXPECT_TRUE(v.feed(test::bytes_of("fine")).ok);
  EXPECT_TRUE(v.finish().ok);
}

TEST(Utf8Validator, OffsetsCountFromTheFirstByteEverFed) {
  Utf8Validator v;
  EXPECT_TRUE(v.feed(test::bytes_of("0123456789")).ok);
  const Utf8Check r = v.feed(from_hex("41 c0"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.offset, 11u);
}

TEST(Utf8Validator, AcrossFragmentsLikeAWebSocketMessage) {
  // 8.1 / 5.6: "κόσμε" split inside a code point across two frames is still valid.
  Utf8Validator v;
  EXPECT_TRUE(v.feed(from_hex("ce ba e1")).ok);
  EXPECT_TRUE(v.in_sequence());
  EXPECT_TRUE(v.feed(from_hex("bd b9 cf 83 ce bc ce b5")).ok);
  EXPECT_TRUE(v.finish().ok);
}

TEST(Utf8Validator, WholeStringHelpers) {
  EXPECT_TRUE(is_valid_utf8(std::string_view("Hello, wörld €")));
  EXPECT_FALSE(is_valid_utf8(std::string_view("\xed\xa0\x80")));
}

}  // namespace
}  // namespace wire
