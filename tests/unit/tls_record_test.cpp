// The TLS record splitter (RFC 8446 5.1) at every chunking, the body prefix
// bound, a length over 2^14 + 256, and the tls_record event's JSON round trip.
#include <gtest/gtest.h>

#include "wire/events.h"
#include "wire/tls_record.h"
#include "wire_test_support.h"

namespace wire {
namespace {

using test::escape_bytes;

// A ClientHello-looking record (22, 03 01, 5 bytes) then an application_data one (23, 03 03, 20 bytes).
Bytes two_records() {
  Bytes b = {22, 3, 1, 0, 5, 1, 0, 0, 1, 3};
  const Bytes second = {23, 3, 3, 0, 20};
  b.insert(b.end(), second.begin(), second.end());
  for (int i = 0; i < 20; ++i) b.push_back(static_cast<std::uint8_t>(0xa0 + i));
  return b;
}

TEST(TlsRecordReader, SplitsRecordsAtEveryChunkSize) {
  const Bytes in = two_records();
  for (std::size_t step = 1; step <= in.size(); ++step) {
    TlsRecordReader reader;
    std::vector<TlsRecordHead> out;
    for (std::size_t i = 0; i < in.size(); i += step) {
      reader.feed(std::span(in).subspan(i, std::min(step, in.size() - i)), out);
    }
    ASSERT_EQ(out.size(), 2u) << "chunks of " << step << " over " << escape_bytes(in);
    EXPECT_EQ(out[0].offset, 0u);
    EXPECT_EQ(out[0].content_type, 22);
    EXPECT_EQ(out[0].version, 0x0301);
    EXPECT_EQ(out[0].length, 5);
    EXPECT_EQ(out[0].body_head, (Bytes{1, 0, 0, 1, 3})) << escape_bytes(out[0].body_head);
    EXPECT_EQ(out[1].offset, 10u);
    EXPECT_EQ(out[1].content_type, 23);
    EXPECT_EQ(out[1].length, 20);
    ASSERT_EQ(out[1].body_head.size(), TlsRecordReader::kBodyHeadMax) << "only a prefix of the body is kept";
    EXPECT_EQ(out[1].body_head[15], 0xaf);
    EXPECT_EQ(reader.consumed(), in.size());
  }
}

TEST(TlsRecordReader, StopsAtALengthOverTheRfcLimit) {
  TlsRecordReader reader;
  std::vector<TlsRecordHead> out;
  const Bytes in = {23, 3, 3, 0x41, 0x01, 0, 0};   // 16641 > 2^14 + 256 (RFC 8446 5.2)
  reader.feed(in, out);
  EXPECT_TRUE(reader.failed());
  EXPECT_TRUE(out.empty());
}

TEST(TlsRecordEvent, RoundTripsThroughJson) {
  TlsRecord r;
  r.conn = 3;
  r.dir = Direction::s2c;
  r.offset = 133;
  r.content_type = 23;
  r.version = 0x0303;
  r.length = 28;
  r.body_head = {0xde, 0xad, 0xbe, 0xef};
  r.inner_type = 23;
  r.plain_offset = 129;
  r.plain_len = 11;
  const Event e{7, 1500, r};
  const std::string line = to_json_line(e);
  EXPECT_EQ(line,
            R"({"seq":7,"t_us":1500,"kind":"tls_record","conn":3,"dir":"s2c","offset":133,"content_type":23,)"
            R"("version":771,"length":28,"body_head":"3q2+7w==","inner_type":23,"plain_offset":129,"plain_len":11,)"
            R"("count":1})");
  auto back = parse_event_line(line);
  ASSERT_TRUE(back.ok()) << back.error().reason;
  const auto& got = std::get<TlsRecord>(back.value().body);
  EXPECT_EQ(got.plain_offset, std::optional<std::uint64_t>{129});
  EXPECT_EQ(got.inner_type, std::optional<std::uint8_t>{23});
  EXPECT_EQ(got.body_head, r.body_head);
  auto bad = parse_event_line(R"({"seq":1,"t_us":0,"kind":"tls_record","conn":3,"dir":"c2s","offset":0,)"
                              R"("content_type":22,"version":769,"length":5,"body_head":"","inner_type":null,)"
                              R"("plain_offset":null,"plain_len":0,"count":0})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().reason.find("count"), std::string::npos) << bad.error().reason;
}

// The examples of docs/mirror-protocol.md ("tls_record") read and write back byte for byte.
TEST(TlsRecordEvent, TheContractsExamplesRoundTrip) {
  const char* lines[] = {
      R"({"seq":2,"t_us":1400,"kind":"tls_record","conn":3,"dir":"c2s","offset":0,"content_type":22,"version":769,"length":512,"body_head":"AQAB/AMDxXq0Ss2FlLdXKw==","inner_type":null,"plain_offset":null,"plain_len":0,"count":1})",
      R"({"seq":18,"t_us":2100,"kind":"tls_record","conn":3,"dir":"c2s","offset":888,"content_type":23,"version":771,"length":28,"body_head":"5Zl1dCwOr8vkN0a3Up1j9A==","inner_type":23,"plain_offset":269,"plain_len":11,"count":1})",
      R"({"seq":21,"t_us":2301,"kind":"tls_record","conn":3,"dir":"s2c","offset":2026,"content_type":23,"version":771,"length":24,"body_head":"R2Zvh3kq0y8sR3lT9cBv2A==","inner_type":23,"plain_offset":129,"plain_len":7,"count":1})",
  };
  for (const char* line : lines) {
    auto e = parse_event_line(line);
    ASSERT_TRUE(e.ok()) << line << ": " << e.error().reason;
    EXPECT_EQ(to_json_line(*e), line);
  }
}

}  // namespace
}  // namespace wire
