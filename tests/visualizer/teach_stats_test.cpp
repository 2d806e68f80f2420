// Statistics per transport (visualizer/model/stats.h) on a synthetic chat
// made with wire's encoders: one pair of strangers over WebSocket and one
// over long-poll, with known byte counts and times.
#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "model/stats.h"
#include "wire/frame.h"
#include "wire/mask.h"

namespace {

using wire::Direction;

class Chat {
 public:
  viz::Stats stats;

  void frame(std::uint64_t conn, Direction dir, std::int64_t t_us, std::string_view json) {
    const wire::Bytes payload(json.begin(), json.end());
    const wire::Bytes bytes = dir == Direction::c2s
                                  ? wire::encode_client_frame(wire::Opcode::text, payload, {0x37, 0xfa, 0x21, 0x3d})
                                  : wire::encode_server_frame(wire::Opcode::text, payload);
    wire::FrameRules rules;
    rules.from_client = dir == Direction::c2s;
    wire::FrameHeaderDecoder d(rules);
    const auto step = d.feed(bytes);
    ASSERT_EQ(step.status, wire::FrameHeaderDecoder::Status::done);
    wire::Frame f;
    f.conn = conn;
    f.dir = dir;
    f.fin = true;
    f.opcode = 1;
    f.masked = step.header.masked;
    f.payload_len = step.header.payload_len;
    f.header.assign(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(step.consumed));
    f.payload.assign(bytes.begin() + static_cast<std::ptrdiff_t>(step.consumed), bytes.end());
    viz::Entry e;
    e.event = wire::Event{++seq_, t_us, f};
    e.kind = viz::UnitKind::text;
    e.conn = conn;
    e.dir = dir;
    e.header = step.header;
    e.payload_clear = f.payload;
    if (f.masked) wire::apply_mask(e.payload_clear, step.header.masking_key);
    stats.add(e);
  }

  // One HTTP message; returns its head length.
  std::size_t http(std::uint64_t conn, Direction dir, std::int64_t t_us, const std::string& start_line,
                   std::string_view body = {}) {
    std::string head = start_line + "\r\nHost: 127.0.0.1:7681\r\n";
    if (!body.empty()) head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    head += "\r\n";
    wire::Http h;
    h.conn = conn;
    h.dir = dir;
    h.start_line = start_line;
    h.headers = {{"Host", "127.0.0.1:7681"}};
    if (start_line.find("/chat") != std::string::npos) h.headers.emplace_back("Upgrade", "websocket");
    h.body_len = body.size();
    const std::string all = head + std::string(body);
    h.bytes.assign(all.begin(), all.end());
    viz::Entry e;
    e.event = wire::Event{++seq_, t_us, h};
    e.kind = viz::UnitKind::http;
    e.conn = conn;
    e.dir = dir;
    stats.add(e);
    return head.size();
  }

 private:
  std::uint64_t seq_ = 0;
};

constexpr std::string_view kSay = R"({"type":"say","text":"hi there"})";
constexpr std::string_view kSaidFromA = R"({"type":"said","from":"Stranger aaaa","text":"hi there"})";

}  // namespace

TEST(TeachStats, NoDataSaysSo) {
  viz::Stats s;
  EXPECT_FALSE(s.websocket().has_messages());
  EXPECT_FALSE(s.long_poll().has_messages());
  EXPECT_FALSE(s.bytes_ratio().has_value());
}

TEST(TeachStats, WebSocketMessageSplitsHeadersAndPayload) {
  Chat c;
  c.http(1, Direction::c2s, 0, "GET /chat HTTP/1.1");
  c.http(1, Direction::s2c, 10, "HTTP/1.1 101 Switching Protocols");
  c.frame(1, Direction::s2c, 100, R"({"type":"welcome","you":"Stranger aaaa"})");
  c.frame(2, Direction::s2c, 200, R"({"type":"welcome","you":"Stranger bbbb"})");
  c.frame(1, Direction::c2s, 1'000, kSay);
  c.frame(2, Direction::s2c, 3'500, kSaidFromA);
  const viz::TransportStats& ws = c.stats.websocket();
  EXPECT_EQ(ws.sends, 1U);
  EXPECT_EQ(ws.deliveries, 1U);
  EXPECT_DOUBLE_EQ(ws.header_bytes_per_message(), 6.0 + 2.0) << "masked client header 6 B + server header 2 B";
  EXPECT_DOUBLE_EQ(ws.payload_bytes_per_message(), static_cast<double>(kSay.size() + kSaidFromA.size()));
  EXPECT_DOUBLE_EQ(ws.requests_per_message(), 0.0);
  ASSERT_EQ(ws.latency.samples, 1U);
  EXPECT_DOUBLE_EQ(ws.latency.last_ms, 2.5) << "send at 1.0 ms, delivery at 3.5 ms";
  ASSERT_EQ(ws.cumulative().size(), 1U);
  EXPECT_EQ(ws.cumulative()[0].bytes, ws.total_bytes());
  EXPECT_FALSE(c.stats.long_poll().has_messages());
}

TEST(TeachStats, LongPollCountsBothExchangesOfAMessage) {
  Chat c;
  const auto open_req = c.http(3, Direction::c2s, 0, "POST /poll/open HTTP/1.1");
  const auto open_resp = c.http(3, Direction::s2c, 10, "HTTP/1.1 200 OK", R"({"session":"s1"})");
  (void)open_req;
  (void)open_resp;
  c.http(3, Direction::c2s, 20, "GET /poll/recv?session=s1 HTTP/1.1");
  c.http(3, Direction::s2c, 30, "HTTP/1.1 200 OK", R"([{"type":"welcome","you":"Stranger aaaa"}])");
  c.http(4, Direction::c2s, 40, "GET /poll/recv?session=s2 HTTP/1.1");
  c.http(4, Direction::s2c, 50, "HTTP/1.1 200 OK", R"([{"type":"welcome","you":"Stranger bbbb"}])");
  const auto recv_req = c.http(4, Direction::c2s, 60, "GET /poll/recv?session=s2 HTTP/1.1");
  const auto send_req = c.http(3, Direction::c2s, 10'000, "POST /poll/send?session=s1 HTTP/1.1", kSay);
  const auto send_resp = c.http(3, Direction::s2c, 10'100, "HTTP/1.1 204 No Content");
  const std::string body = "[" + std::string(kSaidFromA) + "]";
  const auto recv_resp = c.http(4, Direction::s2c, 15'000, "HTTP/1.1 200 OK", body);
  const viz::TransportStats& p = c.stats.long_poll();
  EXPECT_EQ(p.sends, 1U);
  EXPECT_EQ(p.deliveries, 1U);
  EXPECT_DOUBLE_EQ(p.header_bytes_per_message(), static_cast<double>(send_req + send_resp + recv_req + recv_resp));
  EXPECT_DOUBLE_EQ(p.payload_bytes_per_message(), static_cast<double>(kSay.size() + body.size()));
  EXPECT_DOUBLE_EQ(p.requests_per_message(), 2.0) << "one POST /poll/send + one GET /poll/recv";
  EXPECT_DOUBLE_EQ(p.all_requests_per_message(), 5.0) << "open + 3 recv + 1 send, for 1 message";
  ASSERT_EQ(p.latency.samples, 1U);
  EXPECT_DOUBLE_EQ(p.latency.last_ms, 5.0);
  EXPECT_FALSE(c.stats.websocket().has_messages());
}

TEST(TeachStats, RatioComparesBytesPerMessage) {
  Chat c;
  c.frame(1, Direction::s2c, 0, R"({"type":"welcome","you":"Stranger aaaa"})");
  c.frame(1, Direction::c2s, 10, kSay);
  c.frame(2, Direction::s2c, 20, kSaidFromA);
  c.http(3, Direction::c2s, 30, "POST /poll/send?session=x HTTP/1.1", kSay);
  c.http(3, Direction::s2c, 40, "HTTP/1.1 204 No Content");
  c.http(4, Direction::c2s, 50, "GET /poll/recv?session=y HTTP/1.1");
  c.http(4, Direction::s2c, 60, "HTTP/1.1 200 OK", "[" + std::string(kSaidFromA) + "]");
  const auto ratio = c.stats.bytes_ratio();
  ASSERT_TRUE(ratio.has_value());
  EXPECT_DOUBLE_EQ(*ratio, c.stats.long_poll().bytes_per_message() / c.stats.websocket().bytes_per_message());
  EXPECT_GT(*ratio, 2.0) << "HTTP heads dwarf 8 bytes of frame headers";
}

TEST(TeachStats, LatencyMatchesInOrderPerSender) {
  Chat c;
  c.frame(1, Direction::s2c, 0, R"({"type":"welcome","you":"Stranger aaaa"})");
  c.frame(1, Direction::c2s, 1'000, kSay);
  c.frame(1, Direction::c2s, 2'000, kSay);
  c.frame(2, Direction::s2c, 4'000, kSaidFromA);   // 3 ms after the first send
  c.frame(2, Direction::s2c, 4'500, kSaidFromA);   // 2.5 ms after the second
  const auto& l = c.stats.websocket().latency;
  ASSERT_EQ(l.samples, 2U);
  EXPECT_DOUBLE_EQ(l.min_ms, 2.5);
  EXPECT_DOUBLE_EQ(l.max_ms, 3.0);
  c.frame(2, Direction::s2c, 5'000, R"({"type":"said","from":"Stranger zzzz","text":"?"})");
  EXPECT_EQ(c.stats.unmatched_deliveries(), 1U) << "a sender never seen gives no latency";
  EXPECT_EQ(l.samples, 2U);
}

TEST(TeachStats, CumulativeCurveStaysBounded) {
  Chat c;
  c.frame(1, Direction::s2c, 0, R"({"type":"welcome","you":"Stranger aaaa"})");
  for (int i = 0; i < 10'000; ++i) c.frame(2, Direction::s2c, i, kSaidFromA);
  const auto& pts = c.stats.websocket().cumulative();
  EXPECT_LE(pts.size(), viz::TransportStats::max_points);
  EXPECT_GE(pts.size(), viz::TransportStats::max_points / 4);
  for (std::size_t i = 1; i < pts.size(); ++i) {
    ASSERT_GT(pts[i].message, pts[i - 1].message) << "at point " << i;
    ASSERT_GT(pts[i].bytes, pts[i - 1].bytes) << "at point " << i;
  }
}

TEST(TeachStats, MixedPairGivesEachTransportItsOwnLeg) {
  // The relay's --demo: Stranger aaaa on WebSocket (conn 1), Stranger bbbb on
  // long-poll (session s, POSTs on conn 2, held GETs on conn 3).
  Chat c;
  c.frame(1, Direction::s2c, 0, R"({"type":"welcome","you":"Stranger aaaa"})");
  c.http(3, Direction::c2s, 10, "GET /poll/recv?session=s HTTP/1.1");
  c.http(3, Direction::s2c, 20, "HTTP/1.1 200 OK", R"([{"type":"welcome","you":"Stranger bbbb"}])");
  c.http(3, Direction::c2s, 30, "GET /poll/recv?session=s HTTP/1.1");
  c.frame(1, Direction::c2s, 1'000, kSay);                                            // WebSocket send leg
  c.http(3, Direction::s2c, 1'300, "HTTP/1.1 200 OK", "[" + std::string(kSaidFromA) + "]");   // long-poll delivery
  c.http(2, Direction::c2s, 2'000, "POST /poll/send?session=s HTTP/1.1", kSay);        // long-poll send leg
  c.http(2, Direction::s2c, 2'100, "HTTP/1.1 204 No Content");
  c.frame(1, Direction::s2c, 2'400, R"({"type":"said","from":"Stranger bbbb","text":"hi there"})");   // WS delivery
  const viz::TransportStats& ws = c.stats.websocket();
  const viz::TransportStats& lp = c.stats.long_poll();
  EXPECT_EQ(ws.sends, 1U);
  EXPECT_EQ(ws.deliveries, 1U);
  EXPECT_EQ(lp.sends, 1U);
  EXPECT_EQ(lp.deliveries, 1U);
  ASSERT_EQ(lp.latency.samples, 1U) << "the WebSocket send delivered by long-poll";
  EXPECT_DOUBLE_EQ(lp.latency.last_ms, 0.3);
  ASSERT_EQ(ws.latency.samples, 1U) << "the long-poll send delivered over WebSocket";
  EXPECT_DOUBLE_EQ(ws.latency.last_ms, 0.4);
  EXPECT_EQ(c.stats.unmatched_deliveries(), 0U);
}
