// Close codes and close payloads (RFC 6455 5.5.1, 7.4).
#include <gtest/gtest.h>

#include "wire/close_code.h"
#include "wire_test_support.h"

namespace wire {
namespace {

using test::escape_bytes;
using test::from_hex;

TEST(CloseCode, Names) {
  EXPECT_EQ(close_code_name(1000), "1000 Normal Closure");
  EXPECT_EQ(close_code_name(1002), "1002 Protocol Error");
  EXPECT_EQ(close_code_name(1007), "1007 Invalid Frame Payload Data");
  EXPECT_EQ(close_code_name(1009), "1009 Message Too Big");
  EXPECT_EQ(close_code_name(3001), "3001 (registered, 3000-3999)");
  EXPECT_EQ(close_code_name(4000), "4000 (private use, 4000-4999)");
  EXPECT_EQ(close_code_name(999), "999 (invalid)");
}

TEST(CloseCode, ValidRangesOfSection7_4) {
  struct Case {
    std::uint16_t code;
    bool valid;
  };
  const Case cases[] = {{0, false},    {999, false},  {1000, true},  {1001, true},  {1002, true},  {1003, true},
                        {1004, false}, {1005, false}, {1006, false}, {1007, true},  {1008, true},  {1009, true},
                        {1010, true},  {1011, true},  {1012, true},  {1013, true},  {1014, true},  {1015, false},
                        {1016, false}, {2000, false}, {2999, false}, {3000, true},  {3999, true},  {4000, true},
                        {4999, true},  {5000, false}, {65535, false}};
  for (const auto& c : cases)
    EXPECT_EQ(is_valid_close_code(c.code), c.valid)
        << close_code_name(c.code) << " should be " << (c.valid ? "valid" : "invalid") << " on the wire (7.4)";
}

TEST(ClosePayload, EmptyHasNoCode) {
  const auto r = parse_close_payload({});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->code.has_value());
  EXPECT_EQ(r->reason, "");
}

TEST(ClosePayload, CodeAndReason) {
  const Bytes payload = encode_close_payload(1001, "bye");
  EXPECT_BYTES_EQ(from_hex("03 e9 62 79 65"), payload);
  const auto r = parse_close_payload(payload);
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(r->code, 1001);
  EXPECT_EQ(r->reason, "bye");
}

TEST(ClosePayload, OneByteIsAnError) {
  const Bytes payload = from_hex("03");
  const auto r = parse_close_payload(payload);
  ASSERT_FALSE(r.ok()) << escape_bytes(payload) << " should be rejected (5.5.1)";
  EXPECT_EQ(r.error().rule, "RFC 6455 5.5.1");
  EXPECT_EQ(close_code_for_close_payload_error(r.error()), 1002);
}

TEST(ClosePayload, InvalidCodesAreErrors) {
  for (std::uint16_t code : std::initializer_list<std::uint16_t>{0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000}) {
    const Bytes payload = encode_close_payload(code);
    const auto r = parse_close_payload(payload);
    ASSERT_FALSE(r.ok()) << escape_bytes(payload) << " (" << close_code_name(code) << ") should be rejected (7.4.1)";
    EXPECT_EQ(r.error().rule, "RFC 6455 7.4.1");
    EXPECT_EQ(close_code_for_close_payload_error(r.error()), 1002);
  }
}

TEST(ClosePayload, ReasonMustBeUtf8) {
  const Bytes payload = from_hex("03 e8 6f 6b ed a0 80");   // 1000, "ok" + a surrogate
  const auto r = parse_close_payload(payload);
  ASSERT_FALSE(r.ok()) << escape_bytes(payload) << " should be rejected (8.1)";
  EXPECT_EQ(r.error().rule, "RFC 6455 8.1");
  EXPECT_EQ(r.error().offset, 5u) << "the offset points at the surrogate's second byte";
  EXPECT_EQ(close_code_for_close_payload_error(r.error()), 1007);
}

}  // namespace
}  // namespace wire
