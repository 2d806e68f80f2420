// Lab 2 grader, tasks 1-2: opcodes and encode_frame_header.
#include "support.h"

using lab2::Bytes;
using ws::Opcode;

GRADED_TEST(Opcodes, ControlAndReserved, 1,
            "RFC 6455 5.2 and 5.5: 0x8-0xF are control opcodes (the top bit of the 4); 0x3-0x7 and 0xB-0xF "
            "are reserved.") {
  for (unsigned v = 0; v < 16; ++v) {
    auto op = static_cast<Opcode>(v);
    grade::step("is_control and is_reserved(" + describe(op) + ")");
    GRADE_EXPECT_EQ("is_control", v >= 8, ws::is_control(op));
    GRADE_EXPECT_EQ("is_reserved", (v >= 3 && v <= 7) || v >= 11, ws::is_reserved(op));
  }
}

GRADED_TEST(Encode, RfcExamples, 2,
            "RFC 6455 5.7 shows these headers: byte 0 is FIN|RSV1|RSV2|RSV3|opcode, byte 1 is MASK|length, "
            "then the masking key.") {
  struct Case { ws::FrameHeader h; Bytes want; };
  const Case cases[] = {
      {lab2::header(Opcode::text, 5), {0x81, 0x05}},
      {lab2::masked(lab2::header(Opcode::text, 5)), {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d}},
      {lab2::header(Opcode::text, 3, false), {0x01, 0x03}},
      {lab2::header(Opcode::continuation, 2), {0x80, 0x02}},
      {lab2::header(Opcode::ping, 5), {0x89, 0x05}},
      {lab2::masked(lab2::header(Opcode::pong, 5)), {0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d}},
  };
  for (const auto& c : cases) GRADE_EXPECT_EQ("header bytes", c.want, lab2::encode(c.h));
}

GRADED_TEST(Encode, Length16, 2,
            "RFC 6455 5.2: a payload of 126 to 65535 bytes: 7-bit field 126, then the length in 16 bits, "
            "most significant byte first (5.7: 256 bytes -> \\x7e\\x01\\x00).") {
  for (std::uint64_t len : {256u, 126u, 1000u, 65535u}) {
    auto h = lab2::header(Opcode::binary, len);
    GRADE_EXPECT_EQ("header bytes", lab2::expected_bytes(h), lab2::encode(h));
  }
}

GRADED_TEST(Encode, Length64, 2,
            "RFC 6455 5.2: a payload of 65536 bytes or more: 7-bit field 127, then the length in 64 bits, "
            "most significant byte first (5.7: 64 KiB -> \\x7f\\x00\\x00\\x00\\x00\\x00\\x01\\x00\\x00).") {
  for (std::uint64_t len : {std::uint64_t{65536}, (std::uint64_t{1} << 32) + 5, (std::uint64_t{1} << 63) - 1}) {
    auto h = lab2::header(Opcode::binary, len);
    GRADE_EXPECT_EQ("header bytes", lab2::expected_bytes(h), lab2::encode(h));
  }
}

GRADED_TEST(Encode, LengthBoundaries, 3,
            "RFC 6455 5.2: lengths 0-125 go in the 7-bit field, 126-65535 take the 16-bit form, 65536 and "
            "up the 64-bit form (\"the minimal number of bytes MUST be used\"). Check 125/126 and 65535/65536.") {
  for (std::uint64_t len : {0u, 1u, 125u, 126u, 127u, 65535u, 65536u, 65537u}) {
    auto h = lab2::header(Opcode::text, len);
    GRADE_EXPECT_EQ("header bytes", lab2::expected_bytes(h), lab2::encode(h));
    auto m = lab2::masked(h, {0x01, 0x02, 0x03, 0x04});
    GRADE_EXPECT_EQ("header bytes", lab2::expected_bytes(m), lab2::encode(m));
  }
  for (int i = 0; i < 30; ++i) {
    auto h = lab2::random_header();
    Bytes want = lab2::expected_bytes(h);
    Bytes got = lab2::encode(h);
    GRADE_EXPECT_EQ("header bytes", want, got);
    if (want != got) break;
  }
}

GRADED_TEST(Encode, FlagsAndOpcodes, 2,
            "RFC 6455 5.2: FIN is 0x80 of byte 0, RSV1-3 are 0x40, 0x20, 0x10, the opcode the low 4 bits; "
            "MASK is 0x80 of byte 1.") {
  for (int i = 0; i < 40; ++i) {
    auto h = lab2::random_header(false);
    h.payload_len = grade::rng()() % 126;
    Bytes want = lab2::expected_bytes(h);
    Bytes got = lab2::encode(h);
    GRADE_EXPECT_EQ("header bytes", want, got);
    if (want != got) break;
  }
}
