// Message reassembly (RFC 6455 5.4, 5.5, 8.1, 7.4.1): fragments joined,
// control frames interleaved, each failure with its close code.
#include <gtest/gtest.h>

#include "wire/message.h"
#include "wire_test_support.h"

namespace wire {
namespace {

using Kind = MessageAssembler::Kind;
using test::bytes_of;
using test::escape_bytes;
using test::from_hex;

FrameHeader frame(Opcode op, bool fin, bool rsv1 = false) {
  FrameHeader h;
  h.opcode = op;
  h.fin = fin;
  h.rsv1 = rsv1;
  return h;
}

TEST(MessageAssembler, SingleFrameMessage) {
  MessageAssembler a;
  const auto out = a.feed(frame(Opcode::text, true), bytes_of("Hello"));
  ASSERT_EQ(out.kind, Kind::message);
  EXPECT_EQ(out.message.opcode, Opcode::text);
  EXPECT_BYTES_EQ("Hello", out.message.payload);
  EXPECT_EQ(out.message.frames, 1u);
}

TEST(MessageAssembler, FragmentsWithControlFramesInterleaved) {
  // 5.4: control frames MAY be injected in the middle of a fragmented message.
  MessageAssembler a;
  EXPECT_EQ(a.feed(frame(Opcode::text, false), bytes_of("Hel")).kind, Kind::need_more);
  auto ping = a.feed(frame(Opcode::ping, true), bytes_of("p1"));
  ASSERT_EQ(ping.kind, Kind::control);
  EXPECT_EQ(ping.message.opcode, Opcode::ping);
  EXPECT_BYTES_EQ("p1", ping.message.payload);
  EXPECT_TRUE(a.in_message());
  EXPECT_EQ(a.feed(frame(Opcode::continuation, false), bytes_of("l")).kind, Kind::need_more);
  EXPECT_EQ(a.feed(frame(Opcode::pong, true), {}).kind, Kind::control);
  const auto done = a.feed(frame(Opcode::continuation, true), bytes_of("o"));
  ASSERT_EQ(done.kind, Kind::message);
  EXPECT_EQ(done.message.opcode, Opcode::text);
  EXPECT_BYTES_EQ("Hello", done.message.payload);
  EXPECT_EQ(done.message.frames, 3u);
  EXPECT_FALSE(a.in_message());
  // And the next message starts cleanly.
  EXPECT_EQ(a.feed(frame(Opcode::binary, true), from_hex("00 ff")).kind, Kind::message);
}

TEST(MessageAssembler, CloseFrameIsParsed) {
  MessageAssembler a;
  const auto out = a.feed(frame(Opcode::close, true), encode_close_payload(1000, "done"));
  ASSERT_EQ(out.kind, Kind::control);
  ASSERT_TRUE(out.close.has_value());
  EXPECT_EQ(out.close->code, 1000);
  EXPECT_EQ(out.close->reason, "done");
}

void expect_error(const MessageAssembler::Output& out, MessageError kind, std::uint16_t code, const char* rule) {
  ASSERT_EQ(out.kind, Kind::error);
  ASSERT_TRUE(out.error_kind.has_value());
  EXPECT_EQ(*out.error_kind, kind) << "expected " << message_error_name(kind) << ", got "
                                   << message_error_name(*out.error_kind) << ": " << out.error.reason;
  EXPECT_EQ(out.close_code, code);
  EXPECT_EQ(out.error.rule, rule);
}

TEST(MessageAssembler, ContinuationWithoutStartIs1002) {
  MessageAssembler a;
  expect_error(a.feed(frame(Opcode::continuation, true), bytes_of("lo")), MessageError::continuation_without_start,
               1002, "RFC 6455 5.4");
}

TEST(MessageAssembler, NewDataFrameInsideFragmentedMessageIs1002) {
  MessageAssembler a;
  a.feed(frame(Opcode::text, false), bytes_of("Hel"));
  expect_error(a.feed(frame(Opcode::binary, true), bytes_of("x")), MessageError::data_inside_fragmented, 1002,
               "RFC 6455 5.4");
  // Sticky: the connection is failed.
  EXPECT_EQ(a.feed(frame(Opcode::text, true), bytes_of("ok")).kind, Kind::error);
}

TEST(MessageAssembler, InvalidUtf8Is1007EvenSplitAcrossFragments) {
  MessageAssembler a;
  // "κ" is ce ba; split between frames it is fine ...
  EXPECT_EQ(a.feed(frame(Opcode::text, false), from_hex("ce")).kind, Kind::need_more);
  EXPECT_EQ(a.feed(frame(Opcode::continuation, false), from_hex("ba")).kind, Kind::need_more);
  // ... but a surrogate fails on the frame that carries it (fail fast, 8.1).
  const auto out = a.feed(frame(Opcode::continuation, false), from_hex("41 ed a0 80"));
  expect_error(out, MessageError::invalid_utf8, 1007, "RFC 6455 8.1");
  EXPECT_EQ(out.error.offset, 4u) << "offset within the message payload";
}

TEST(MessageAssembler, TextCutInsideACodePointAtTheEndIs1007) {
  MessageAssembler a;
  expect_error(a.feed(frame(Opcode::text, true), from_hex("48 69 e2 82")), MessageError::invalid_utf8, 1007,
               "RFC 6455 8.1");
}

TEST(MessageAssembler, BinaryIsNotCheckedForUtf8) {
  MessageAssembler a;
  EXPECT_EQ(a.feed(frame(Opcode::binary, true), from_hex("ff fe")).kind, Kind::message);
}

TEST(MessageAssembler, CompressedTextIsLeftForTheInflater) {
  // RFC 7692 6: rsv1 marks a compressed message; UTF-8 is checked after inflating.
  MessageAssembler a;
  const auto out = a.feed(frame(Opcode::text, true, true), from_hex("f2 48 cd c9 c9 07 00"));
  ASSERT_EQ(out.kind, Kind::message);
  EXPECT_TRUE(out.message.compressed);
}

TEST(MessageAssembler, OverTheSizeLimitIs1009) {
  MessageAssembler a(MessageLimits{10, true});
  EXPECT_EQ(a.feed(frame(Opcode::binary, false), Bytes(6, 1)).kind, Kind::need_more);
  expect_error(a.feed(frame(Opcode::continuation, true), Bytes(5, 1)), MessageError::too_big, 1009,
               "RFC 6455 7.4.1");
}

TEST(MessageAssembler, ExactlyAtTheSizeLimitIsFine) {
  MessageAssembler a(MessageLimits{10, true});
  a.feed(frame(Opcode::binary, false), Bytes(6, 1));
  EXPECT_EQ(a.feed(frame(Opcode::continuation, true), Bytes(4, 1)).kind, Kind::message);
}

TEST(MessageAssembler, BadClosePayloads) {
  {
    MessageAssembler a;
    expect_error(a.feed(frame(Opcode::close, true), from_hex("03")), MessageError::bad_close_payload, 1002,
                 "RFC 6455 5.5.1");
  }
  {
    MessageAssembler a;
    expect_error(a.feed(frame(Opcode::close, true), encode_close_payload(1005)), MessageError::bad_close_payload,
                 1002, "RFC 6455 5.5.1");
  }
  {
    MessageAssembler a;
    expect_error(a.feed(frame(Opcode::close, true), from_hex("03 e8 ff")), MessageError::bad_close_payload, 1007,
                 "RFC 6455 5.5.1");
  }
}

}  // namespace
}  // namespace wire
