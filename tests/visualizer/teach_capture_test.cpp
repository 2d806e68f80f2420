// The teaching scenes' logic on whole captures fed through viz::Model: a
// synthetic chat cut by wire's own StreamDecoder (a WebSocket pair, a
// long-poll pair, a refused upgrade, an unmasked client frame closed with
// 1002), and the bundled fixtures in fixtures/captures/ when they exist.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/model.h"
#include "model/stats.h"
#include "teach/handshake_notes.h"
#include "wire/capture.h"
#include "wire/close_code.h"
#include "wire/frame.h"
#include "wire/handshake.h"
#include "wire/stream_decoder.h"

namespace {

using wire::Direction;

// Builds the capture: events as the relay's tap would produce them.
class SyntheticChat {
 public:
  std::vector<wire::Event> events;

  SyntheticChat() {
    emit(wire::Hello{});
    websocket_pair();
    long_poll_pair();
    refused_upgrade();
    unmasked_client_frame();
  }

  static constexpr int kMessages = 4;
  static constexpr std::int64_t kWsDelayUs = 1200;     // say -> said on WebSocket
  static constexpr std::int64_t kPollDelayUs = 2500;   // send -> recv answer on long-poll

 private:
  void emit(wire::EventBody b) { events.push_back(wire::Event{seq_++, t_, std::move(b)}); }
  void feed(std::uint64_t conn, Direction d, const std::string& s) {
    t_ += 700;
    auto r = decoders_[conn].feed(d, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    for (auto& u : r.units) {
      std::visit(
          [&](auto& x) {
            x.conn = conn;
            emit(x);
          },
          u);
    }
  }
  void feed(std::uint64_t conn, Direction d, const wire::Bytes& b) { feed(conn, d, std::string(b.begin(), b.end())); }
  static wire::Bytes bytes(const std::string& s) { return wire::Bytes(s.begin(), s.end()); }
  static std::string ok_json(const std::string& body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  }
  static std::string request(const std::string& line, const std::string& body = "") {
    std::string s = line + "\r\nHost: 127.0.0.1:7681\r\n";
    if (!body.empty()) s += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    return s + "\r\n" + body;
  }
  static std::string say(int i) { return R"({"type":"say","text":"message )" + std::to_string(i) + "\"}"; }
  static std::string said(const std::string& from, int i) {
    return R"({"type":"said","from":")" + from + R"(","text":"message )" + std::to_string(i) + "\"}";
  }

  void websocket_pair() {
    const char* keys[] = {"dGhlIHNhbXBsZSBub25jZQ==", "AQIDBAUGBwgJCgsMDQ4PEA=="};
    const char* who[] = {"Stranger 7f3a", "Stranger 91c2"};
    for (std::uint64_t c = 1; c <= 2; ++c) {
      emit(wire::Open{c, wire::Transport::tcp});
      feed(c, Direction::c2s, wire::build_upgrade_request("127.0.0.1:7681", "/chat", keys[c - 1]));
      feed(c, Direction::s2c, wire::build_accept_response(keys[c - 1]));
      feed(c, Direction::s2c,
           wire::encode_server_frame(wire::Opcode::text, bytes(R"({"type":"welcome","you":")" + std::string(who[c - 1]) + "\"}")));
      emit(wire::Chat{c, "welcome", who[c - 1], ""});
    }
    for (int i = 0; i < kMessages; ++i) {
      const std::uint64_t from = i % 2 == 0 ? 1 : 2, to = 3 - from;
      const wire::MaskingKey key{0x37, 0xfa, static_cast<std::uint8_t>(0x21 + i), 0x3d};
      feed(from, Direction::c2s, wire::encode_client_frame(wire::Opcode::text, bytes(say(i)), key));
      t_ += kWsDelayUs - 700;   // feed() adds 700 us
      feed(to, Direction::s2c, wire::encode_server_frame(wire::Opcode::text, bytes(said(who[from - 1], i))));
    }
  }

  void long_poll_pair() {
    const char* sess[] = {"5f0c9a1e77d24b0c8e1f2a3b4c5d6e7f", "a1b2c3d4e5f60718293a4b5c6d7e8f90"};
    const char* who[] = {"Stranger 0b1e", "Stranger c0de"};
    for (std::uint64_t c = 3; c <= 4; ++c) {
      emit(wire::Open{c, wire::Transport::tcp});
      feed(c, Direction::c2s, request("POST /poll/open HTTP/1.1"));
      feed(c, Direction::s2c, ok_json(R"({"session":")" + std::string(sess[c - 3]) + "\"}"));
      feed(c, Direction::c2s, request("GET /poll/recv?session=" + std::string(sess[c - 3]) + " HTTP/1.1"));
      feed(c, Direction::s2c, ok_json(R"([{"type":"welcome","you":")" + std::string(who[c - 3]) + "\"}]"));
    }
    for (int i = 0; i < kMessages; ++i) {
      const std::uint64_t from = i % 2 == 0 ? 3 : 4, to = 7 - from;
      feed(to, Direction::c2s, request("GET /poll/recv?session=" + std::string(sess[to - 3]) + " HTTP/1.1"));
      feed(from, Direction::c2s, request("POST /poll/send?session=" + std::string(sess[from - 3]) + " HTTP/1.1", say(i)));
      const std::int64_t sent = t_;
      feed(from, Direction::s2c, std::string("HTTP/1.1 204 No Content\r\n\r\n"));
      t_ = sent + kPollDelayUs - 700;
      std::string array = "[";   // appended: GCC 12 -O3 warns falsely (-Wrestrict) on "lit" + std::string&&
      array += said(who[from - 3], i);
      array += ']';
      feed(to, Direction::s2c, ok_json(array));
    }
  }

  void refused_upgrade() {
    emit(wire::Open{5, wire::Transport::tcp});
    feed(5, Direction::c2s,
         std::string("GET /chat HTTP/1.1\r\nHost: 127.0.0.1:7681\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n"));
    feed(5, Direction::s2c, wire::build_rejection_response(wire::make_rejection(wire::UpgradeRejection::version_not_13)));
    emit(wire::Close{5, wire::ClosedBy::relay, std::nullopt, ""});
  }

  void unmasked_client_frame() {
    const char* key = "x3JJHMbDL1EzLkh9GBhXDw==";
    emit(wire::Open{6, wire::Transport::tcp});
    feed(6, Direction::c2s, wire::build_upgrade_request("127.0.0.1:7681", "/echo", key));
    feed(6, Direction::s2c, wire::build_accept_response(key));
    wire::FrameHeader h;
    h.opcode = wire::Opcode::text;
    h.masked = false;
    feed(6, Direction::c2s, wire::encode_frame(h, bytes("not masked")));
    emit(wire::Violation{6, "RFC 6455 5.1: client frames must be masked", "closed 1002"});
    feed(6, Direction::s2c, wire::encode_server_frame(wire::Opcode::close, wire::encode_close_payload(1002)));
    emit(wire::Close{6, wire::ClosedBy::relay, 1002, ""});
  }

  std::uint64_t seq_ = 0;
  std::int64_t t_ = 0;
  std::map<std::uint64_t, wire::StreamDecoder> decoders_;
};

std::unique_ptr<viz::Model> model_of(const std::vector<wire::Event>& events) {
  auto m = std::make_unique<viz::Model>();
  for (const wire::Event& e : events) m->add(e);
  return m;
}

}  // namespace

TEST(TeachCapture, SyntheticChatStatsPerTransport) {
  const SyntheticChat chat;
  const auto m = model_of(chat.events);
  const viz::TransportStats& ws = m->stats().websocket();
  const viz::TransportStats& lp = m->stats().long_poll();
  EXPECT_EQ(ws.sends, static_cast<std::uint64_t>(SyntheticChat::kMessages));
  EXPECT_EQ(ws.deliveries, static_cast<std::uint64_t>(SyntheticChat::kMessages));
  EXPECT_EQ(lp.sends, static_cast<std::uint64_t>(SyntheticChat::kMessages));
  EXPECT_EQ(lp.deliveries, static_cast<std::uint64_t>(SyntheticChat::kMessages));
  EXPECT_DOUBLE_EQ(ws.header_bytes_per_message(), 8.0) << "6-byte masked client header + 2-byte server header";
  EXPECT_DOUBLE_EQ(lp.requests_per_message(), 2.0);
  ASSERT_EQ(ws.latency.samples, static_cast<std::uint64_t>(SyntheticChat::kMessages));
  EXPECT_DOUBLE_EQ(ws.latency.min_ms, SyntheticChat::kWsDelayUs / 1000.0);
  EXPECT_DOUBLE_EQ(ws.latency.max_ms, SyntheticChat::kWsDelayUs / 1000.0);
  ASSERT_EQ(lp.latency.samples, static_cast<std::uint64_t>(SyntheticChat::kMessages));
  EXPECT_DOUBLE_EQ(lp.latency.mean_ms(), SyntheticChat::kPollDelayUs / 1000.0);
  const auto ratio = m->stats().bytes_ratio();
  ASSERT_TRUE(ratio.has_value());
  EXPECT_GT(*ratio, 3.0) << "long-poll heads vs 8 bytes of frame headers";
  EXPECT_EQ(m->stats().unmatched_deliveries(), 0U);
}

TEST(TeachCapture, UpgradesAreFoundAndChecked) {
  const SyntheticChat chat;
  const auto m = model_of(chat.events);
  const viz::ConnView* c1 = m->conn(1);
  ASSERT_NE(c1, nullptr);
  ASSERT_TRUE(c1->upgrade_request_seq.has_value());
  ASSERT_TRUE(c1->upgrade_response_seq.has_value());
  const wire::Http& req = *m->by_seq(*c1->upgrade_request_seq)->http();
  const wire::Http& resp = *m->by_seq(*c1->upgrade_response_seq)->http();
  const auto key = viz::teach::find_header(req.headers, "Sec-WebSocket-Key");
  const auto accept = viz::teach::find_header(resp.headers, "Sec-WebSocket-Accept");
  ASSERT_TRUE(key && accept);
  const auto d = viz::teach::derive_accept(*key, *accept);
  EXPECT_EQ(d.verdict, viz::teach::AcceptDerivation::Verdict::match) << "ours " << d.accept << ", sent " << *accept;

  const viz::ConnView* c5 = m->conn(5);
  ASSERT_NE(c5, nullptr);
  ASSERT_TRUE(c5->upgrade_request_seq && c5->upgrade_response_seq);
  const auto x = viz::teach::explain_failed_upgrade(*m->by_seq(*c5->upgrade_request_seq)->http(),
                                                    *m->by_seq(*c5->upgrade_response_seq)->http());
  EXPECT_EQ(x.status, 426);
  EXPECT_NE(x.what_to_do.find("13"), std::string::npos) << x.what_to_do;
}

TEST(TeachCapture, UnmaskedClientFrameIsAViolation) {
  const SyntheticChat chat;
  const auto m = model_of(chat.events);
  bool found = false;
  for (std::size_t i = 0; i < m->size(); ++i) {
    const viz::Entry& e = m->at(i);
    if (e.frame() && e.conn == 6 && e.frame()->dir == Direction::c2s) {
      found = true;
      EXPECT_FALSE(e.frame()->masked);
      EXPECT_TRUE(e.violation) << "seq " << e.seq() << " should be flagged: " << e.violation_rule;
    }
  }
  EXPECT_TRUE(found) << "the unmasked frame of conn 6 is missing from the model";
  ASSERT_NE(m->conn(6), nullptr);
  EXPECT_EQ(m->conn(6)->close_code, std::optional<std::uint16_t>(1002));
}

TEST(TeachCapture, FixtureCapturesGiveStats) {
#ifdef WIRELAB_SOURCE_DIR
  const std::filesystem::path dir = std::filesystem::path(WIRELAB_SOURCE_DIR) / "fixtures" / "captures";
#else
  const std::filesystem::path dir = std::filesystem::path(__FILE__).parent_path() / ".." / ".." / "fixtures" / "captures";
#endif
  if (!std::filesystem::exists(dir)) FAIL() << "the bundled captures are missing (scripts/make-fixtures makes them): " << dir.string();
  int files = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() != ".jsonl") continue;
    ++files;
    SCOPED_TRACE(f.path().filename().string());
    auto events = wire::read_capture_file(f.path().string());
    ASSERT_TRUE(events.ok()) << events.error().reason;
    const auto m = model_of(*events);
    const viz::Stats& s = m->stats();
    for (const viz::TransportStats* t : {&s.websocket(), &s.long_poll()}) {
      if (!t->has_messages()) continue;
      EXPECT_GT(t->bytes_per_message(), 0.0);
      EXPECT_LE(t->header_bytes_per_message() + t->payload_bytes_per_message(), static_cast<double>(t->total_bytes()));
      EXPECT_LE(t->latency.samples, t->deliveries);
    }
    if (s.websocket().has_messages()) {
      EXPECT_GE(s.websocket().header_bytes_per_message(), 4.0) << "at least 2 + 2 bytes of frame headers";
    }
    if (f.path().filename() == "demo-deterministic.jsonl") {
      // The relay's --demo pairs a WebSocket stranger with a long-polling one: both transports carry chat.
      EXPECT_TRUE(s.websocket().has_messages()) << "no WebSocket chat message found";
      EXPECT_TRUE(s.long_poll().has_messages()) << "no long-poll chat message found";
      EXPECT_GT(s.websocket().latency.samples + s.long_poll().latency.samples, 0U) << "no send matched to its delivery";
      EXPECT_EQ(s.unmatched_deliveries(), 0U);
    }
    if (s.websocket().has_messages() && s.long_poll().has_messages()) {
      EXPECT_GT(*s.bytes_ratio(), 1.0) << "long-poll should cost more per message than WebSocket";
    }
    if (f.path().filename() == "permessage-deflate.jsonl") {
      // Chromium compressed its frames (RFC 7692): RSV1 set, and wire inflates them back to chat JSON.
      std::size_t compressed = 0, inflated_chat = 0;
      for (std::size_t i = 0; i < m->size(); ++i) {
        const viz::Entry& e = m->at(i);
        if (!e.header || !e.header->rsv1) continue;
        ++compressed;
        if (e.inflated && std::string(e.inflated->begin(), e.inflated->end()).find("\"type\":") != std::string::npos) {
          ++inflated_chat;
        }
      }
      EXPECT_GE(compressed, 8U) << "frames with RSV1 in the deflate capture";
      EXPECT_EQ(inflated_chat, compressed) << "every compressed frame should inflate to a chat message";
    }
  }
  EXPECT_GT(files, 0) << "fixtures/captures exists but holds no .jsonl";
}
