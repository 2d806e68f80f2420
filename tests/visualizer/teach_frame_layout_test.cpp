// Frame anatomy (visualizer/teach/frame_layout.h): every field of RFC 6455
// 5.2's diagram maps to the right bit range and header bytes, with the bits
// actually sent, for the 5.7 examples in all three payload-length forms.
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "wire_test_support.h"
#include "teach/frame_layout.h"
#include "wire/frame.h"

using wire::test::escape_bytes;
using wire::test::from_hex;

namespace {

using viz::teach::FieldId;
using viz::teach::FrameField;

wire::FrameHeader decode(const wire::Bytes& bytes) {
  wire::FrameRules rules;
  rules.from_client = (bytes.size() > 1 && (bytes[1] & 0x80) != 0);
  rules.stop_on_rule_break = false;
  wire::FrameHeaderDecoder d(rules);
  const auto step = d.feed(bytes);
  EXPECT_EQ(step.status, wire::FrameHeaderDecoder::Status::done) << "decoding " << escape_bytes(bytes);
  return step.header;
}

struct Expected {
  FieldId id;
  std::size_t bit_begin, bit_count, first_byte, end_byte;
  std::uint64_t raw;
};

void expect_layout(const wire::Bytes& frame, const std::vector<Expected>& want) {
  SCOPED_TRACE("frame " + escape_bytes(frame));
  const wire::FrameHeader h = decode(frame);
  const std::span<const std::uint8_t> header(frame.data(), h.header_len());
  const std::vector<FrameField> fields = viz::teach::frame_layout(h, header);
  ASSERT_EQ(fields.size(), want.size()) << "should have had " << want.size() << " fields, but instead had "
                                        << fields.size();
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(std::string("field ") + fields[i].name);
    EXPECT_EQ(fields[i].id, want[i].id);
    EXPECT_EQ(fields[i].bit_begin, want[i].bit_begin) << "bit range start";
    EXPECT_EQ(fields[i].bit_count, want[i].bit_count) << "bit count";
    EXPECT_EQ(fields[i].first_byte(), want[i].first_byte) << "first header byte";
    EXPECT_EQ(fields[i].end_byte(), want[i].end_byte) << "one past the last byte";
    if (want[i].id != FieldId::payload) {
      EXPECT_EQ(fields[i].raw, want[i].raw) << "bits as a number";
      EXPECT_EQ(fields[i].bits.size(), want[i].bit_count) << "bits string: " << fields[i].bits;
    }
  }
}

}  // namespace

TEST(TeachFrameLayout, UnmaskedHelloSevenBitLength) {
  // 5.7: a single-frame unmasked text message "Hello".
  expect_layout(from_hex("81 05 48 65 6c 6c 6f"), {
                                                       {FieldId::fin, 0, 1, 0, 1, 1},
                                                       {FieldId::rsv1, 1, 1, 0, 1, 0},
                                                       {FieldId::rsv2, 2, 1, 0, 1, 0},
                                                       {FieldId::rsv3, 3, 1, 0, 1, 0},
                                                       {FieldId::opcode, 4, 4, 0, 1, 0x1},
                                                       {FieldId::mask, 8, 1, 1, 2, 0},
                                                       {FieldId::payload_len, 9, 7, 1, 2, 5},
                                                       {FieldId::payload, 16, 40, 2, 7, 0},
                                                   });
}

TEST(TeachFrameLayout, MaskedHelloHasKeyInBytesTwoToFive) {
  // 5.7: a masked text message "Hello", key 37 fa 21 3d.
  expect_layout(from_hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"), {
                                                                   {FieldId::fin, 0, 1, 0, 1, 1},
                                                                   {FieldId::rsv1, 1, 1, 0, 1, 0},
                                                                   {FieldId::rsv2, 2, 1, 0, 1, 0},
                                                                   {FieldId::rsv3, 3, 1, 0, 1, 0},
                                                                   {FieldId::opcode, 4, 4, 0, 1, 0x1},
                                                                   {FieldId::mask, 8, 1, 1, 2, 1},
                                                                   {FieldId::payload_len, 9, 7, 1, 2, 5},
                                                                   {FieldId::masking_key, 16, 32, 2, 6, 0x37fa213d},
                                                                   {FieldId::payload, 48, 40, 6, 11, 0},
                                                               });
}

TEST(TeachFrameLayout, SixteenBitLengthIn256ByteBinary) {
  // 5.7: 256 bytes binary in a single unmasked frame: 82 7E 01 00.
  wire::Bytes frame = from_hex("82 7E 01 00");
  frame.resize(4 + 256, 0);
  expect_layout(frame, {
                           {FieldId::fin, 0, 1, 0, 1, 1},
                           {FieldId::rsv1, 1, 1, 0, 1, 0},
                           {FieldId::rsv2, 2, 1, 0, 1, 0},
                           {FieldId::rsv3, 3, 1, 0, 1, 0},
                           {FieldId::opcode, 4, 4, 0, 1, 0x2},
                           {FieldId::mask, 8, 1, 1, 2, 0},
                           {FieldId::payload_len, 9, 7, 1, 2, 126},
                           {FieldId::extended_len_16, 16, 16, 2, 4, 256},
                           {FieldId::payload, 32, 256 * 8, 4, 260, 0},
                       });
}

TEST(TeachFrameLayout, SixtyFourBitLengthIn64KiBBinary) {
  // 5.7: 64 KiB binary in a single unmasked frame: 82 7F 00 00 00 00 00 01 00 00.
  const wire::Bytes header = from_hex("82 7F 00 00 00 00 00 01 00 00");
  expect_layout(header, {
                            {FieldId::fin, 0, 1, 0, 1, 1},
                            {FieldId::rsv1, 1, 1, 0, 1, 0},
                            {FieldId::rsv2, 2, 1, 0, 1, 0},
                            {FieldId::rsv3, 3, 1, 0, 1, 0},
                            {FieldId::opcode, 4, 4, 0, 1, 0x2},
                            {FieldId::mask, 8, 1, 1, 2, 0},
                            {FieldId::payload_len, 9, 7, 1, 2, 127},
                            {FieldId::extended_len_64, 16, 64, 2, 10, 65536},
                            {FieldId::payload, 80, 65536 * 8, 10, 10 + 65536, 0},
                        });
}

TEST(TeachFrameLayout, MaskedSixteenBitLengthPutsKeyAfterExtendedLength) {
  const wire::MaskingKey key{0x01, 0x02, 0x03, 0x04};
  const wire::Bytes payload(300, 'a');
  const wire::Bytes frame = wire::encode_client_frame(wire::Opcode::text, payload, key);
  const wire::FrameHeader h = decode(frame);
  const auto fields = viz::teach::frame_layout(h, std::span<const std::uint8_t>(frame.data(), h.header_len()));
  ASSERT_EQ(fields.size(), 10U);
  EXPECT_EQ(fields[7].id, FieldId::extended_len_16);
  EXPECT_EQ(fields[7].raw, 300U);
  EXPECT_EQ(fields[8].id, FieldId::masking_key);
  EXPECT_EQ(fields[8].first_byte(), 4U);
  EXPECT_EQ(fields[8].end_byte(), 8U);
  EXPECT_EQ(fields[8].value, "01 02 03 04");
  EXPECT_EQ(fields[9].first_byte(), 8U) << "payload starts after the 8 header bytes";
}

TEST(TeachFrameLayout, BitsAreTheBitsOnTheWire) {
  // A close frame with RSV1 set (as permessage-deflate would on a data frame): 0xC8 = 1100 1000.
  const wire::Bytes frame = from_hex("c8 02 03 e8");
  wire::FrameRules rules;
  rules.from_client = false;
  rules.stop_on_rule_break = false;
  wire::FrameHeaderDecoder d(rules);
  const auto step = d.feed(frame);
  ASSERT_EQ(step.status, wire::FrameHeaderDecoder::Status::done);
  const auto fields = viz::teach::frame_layout(step.header, std::span<const std::uint8_t>(frame.data(), 2));
  ASSERT_GE(fields.size(), 7U);
  EXPECT_EQ(fields[0].bits, "1");
  EXPECT_EQ(fields[1].bits, "1") << "RSV1";
  EXPECT_EQ(fields[4].bits, "1000") << "opcode close";
  EXPECT_EQ(fields[4].value, "0x8 close");
  EXPECT_EQ(fields[6].bits, "0000010");
  EXPECT_NE(fields[1].value.find("permessage-deflate"), std::string::npos) << fields[1].value;
}

TEST(TeachFrameLayout, ShortHeaderGivesOnlyWholeFields) {
  const wire::Bytes frame = from_hex("82 7E 01 00");
  const wire::FrameHeader h = decode(frame);
  const auto fields = viz::teach::frame_layout(h, std::span<const std::uint8_t>(frame.data(), 3));
  ASSERT_EQ(fields.size(), 7U) << "the 16-bit length needs bytes 2 and 3";
}

TEST(TeachFrameLayout, EveryFieldCitesAnRfcSection) {
  const wire::Bytes frame = from_hex("81 85 37 fa 21 3d 7f 9f 4d 51 58");
  const wire::FrameHeader h = decode(frame);
  for (const FrameField& f : viz::teach::frame_layout(h, std::span<const std::uint8_t>(frame.data(), 6))) {
    EXPECT_EQ(std::string(f.rfc).rfind("RFC 6455", 0), 0U) << f.name << ": " << f.rfc;
    EXPECT_GT(std::string(f.help).size(), 20U) << f.name;
  }
}

TEST(TeachFrameLayout, ReadBitsMsbFirst) {
  const wire::Bytes b = from_hex("81 85");
  EXPECT_EQ(viz::teach::read_bits(b, 0, 1), 1U);
  EXPECT_EQ(viz::teach::read_bits(b, 4, 4), 1U);
  EXPECT_EQ(viz::teach::read_bits(b, 9, 7), 5U);
  EXPECT_EQ(viz::teach::read_bits(b, 0, 16), 0x8185U);
  EXPECT_EQ(viz::teach::read_bits(b, 12, 8), 0x50U) << "bits past the end read as 0";
}
