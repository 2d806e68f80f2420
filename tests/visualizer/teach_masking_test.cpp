// Masking steps (visualizer/teach/masking.h): key byte i mod 4, the XOR, and
// the step/play state driven only by dt.
#include <cstdio>
#include <span>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "wire_test_support.h"
#include "teach/masking.h"
#include "wire/frame.h"

using wire::test::escape_bytes;
using wire::test::from_hex;


TEST(TeachMasking, Rfc57MaskedHelloUnmasksByteByByte) {
  // 5.7: 81 85 37 fa 21 3d 7f 9f 4d 51 58 -> "Hello".
  const wire::Bytes masked = from_hex("7f 9f 4d 51 58");
  const wire::MaskingKey key{0x37, 0xfa, 0x21, 0x3d};
  const auto steps = viz::teach::mask_steps(masked, key);
  ASSERT_EQ(steps.size(), 5U);
  const std::string hello = "Hello";
  for (std::size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE("byte " + std::to_string(i));
    EXPECT_EQ(steps[i].index, i);
    EXPECT_EQ(steps[i].masked, masked[i]);
    EXPECT_EQ(steps[i].key_index, i % 4) << "key byte cycles i mod 4";
    EXPECT_EQ(steps[i].key_byte, key[i % 4]);
    EXPECT_EQ(steps[i].clear, static_cast<std::uint8_t>(hello[i]))
        << "should have had '" << hello[i] << "', but instead it was \\x" << std::hex << int{steps[i].clear};
    EXPECT_EQ(steps[i].clear, steps[i].masked ^ steps[i].key_byte);
  }
  EXPECT_EQ(steps[4].key_index, 0U) << "the fifth byte uses key byte 0 again";
}

TEST(TeachMasking, LimitBoundsTheSteps) {
  const wire::Bytes masked(100, 0x55);
  EXPECT_EQ(viz::teach::mask_steps(masked, {1, 2, 3, 4}, 10).size(), 10U);
  EXPECT_TRUE(viz::teach::mask_steps({}, {1, 2, 3, 4}).empty());
}

TEST(TeachMasking, PlayerAdvancesOnlyWithDt) {
  viz::teach::MaskingPlayer p;
  p.reset(5);
  p.set_speed(2.0f);
  EXPECT_EQ(p.done(), 0U);
  p.advance(0.0f);
  EXPECT_EQ(p.done(), 0U);
  p.advance(0.5f);   // 1 byte at 2 bytes/s
  EXPECT_EQ(p.done(), 1U);
  p.advance(1.0f);
  EXPECT_EQ(p.done(), 3U);
  p.advance(10.0f);
  EXPECT_EQ(p.done(), 5U) << "never past the end";
  p.advance(3.5f);   // holds at the end, then loops
  EXPECT_EQ(p.done(), 0U);
}

TEST(TeachMasking, StepForwardAndBackPause) {
  viz::teach::MaskingPlayer p;
  p.reset(3);
  p.step_forward();
  EXPECT_FALSE(p.playing());
  EXPECT_EQ(p.done(), 1U);
  p.advance(5.0f);
  EXPECT_EQ(p.done(), 1U) << "paused: dt does not move it";
  p.step_back();
  p.step_back();
  EXPECT_EQ(p.done(), 0U);
  p.show_all();
  EXPECT_EQ(p.done(), 3U);
  p.step_forward();
  EXPECT_EQ(p.done(), 3U);
}
