// "Find my frame" without a display: a late hello's handshakes become the
// model's entries (the Upgrade scene's source), following one stranger picks
// their connection and newest frame, and arrow labels show the chat words
// (unmasked) instead of the JSON around them, and say "masked".
#include <gtest/gtest.h>

#include <string>

#include "model/describe.h"
#include "model/follow.h"
#include "model/model.h"
#include "wire/events.h"
#include "wire/mask.h"
#include "wire_test_support.h"

namespace viz {
namespace {

// A client text frame carrying `json`, masked with `key` as a browser would.
wire::Frame client_text(std::uint64_t conn, const std::string& json, std::uint32_t key) {
  wire::Frame f;
  f.conn = conn;
  f.dir = wire::Direction::c2s;
  f.opcode = 1;
  f.masked = true;
  f.mask_key = key;
  f.payload_len = json.size();
  f.header = {0x81, static_cast<std::uint8_t>(0x80 | json.size()), static_cast<std::uint8_t>(key >> 24),
              static_cast<std::uint8_t>(key >> 16), static_cast<std::uint8_t>(key >> 8), static_cast<std::uint8_t>(key)};
  f.payload.assign(json.begin(), json.end());
  const wire::MaskingKey k{static_cast<std::uint8_t>(key >> 24), static_cast<std::uint8_t>(key >> 16),
                           static_cast<std::uint8_t>(key >> 8), static_cast<std::uint8_t>(key)};
  wire::apply_mask(f.payload, k, 0);
  return f;
}

// The projector started after the students: #3's upgrade came long before.
wire::Hello late_hello_with_handshakes() {
  wire::Hello h;
  h.relay = "wirelab-relay test";
  h.connections = {{3, wire::Transport::tcp, "websocket", 100, "Stranger 4cba"},
                   {4, wire::Transport::tcp, "websocket", 150, "Stranger 0b07"}};
  h.participants = {{"Stranger 4cba", wire::ChatTransport::websocket, 3, wire::ChatState::lobby, "", ""},
                    {"Stranger 0b07", wire::ChatTransport::websocket, 4, wire::ChatState::lobby, "", "", true}};
  h.handshakes = {{5, 1000, wire::test::http_unit(3, wire::Direction::c2s, "GET /chat HTTP/1.1", {{"Upgrade", "websocket"}})},
                  {6, 1100, wire::test::http_unit(3, wire::Direction::s2c, "HTTP/1.1 101 Switching Protocols", {{"Upgrade", "websocket"}})},
                  {8, 1500, wire::test::http_unit(4, wire::Direction::c2s, "GET /chat?bot=a HTTP/1.1", {{"Upgrade", "websocket"}})},
                  {9, 1600, wire::test::http_unit(4, wire::Direction::s2c, "HTTP/1.1 101 Switching Protocols", {{"Upgrade", "websocket"}})}};
  return h;
}

TEST(VizFollow, LateHelloHandshakesAreTheUpgradesInTheModel) {
  Model m;
  m.add(wire::Event{40, 9000, late_hello_with_handshakes()});
  ASSERT_EQ(m.size(), 5u) << "four handshake messages, then the hello";
  EXPECT_EQ(m.at(0).seq(), 5u);
  EXPECT_TRUE(std::holds_alternative<wire::Hello>(m.back().event.body));
  const ConnView* cv = m.conn(3);
  ASSERT_NE(cv, nullptr);
  EXPECT_EQ(cv->upgrade_request_seq, std::optional<std::uint64_t>(5));
  EXPECT_EQ(cv->upgrade_response_seq, std::optional<std::uint64_t>(6)) << "the 101 pairs with its request";
  EXPECT_EQ(cv->role, ConnRole::websocket);
  EXPECT_FALSE(cv->bot);
  EXPECT_TRUE(m.conn(4)->bot) << "hello's participants mark the demo's strangers";
  EXPECT_TRUE(m.hello()->handshakes.empty()) << "kept once, as entries";
}

TEST(VizFollow, FollowingPicksTheirConnectionAndNewestClientFrame) {
  Model m;
  m.add(wire::Event{40, 9000, late_hello_with_handshakes()});
  m.add(wire::Event{41, 9100, client_text(3, R"({"type":"say","text":"mine"})", 0x37fa213d)});
  m.add(wire::Event{42, 9200, client_text(4, R"({"type":"say","text":"the bot's"})", 0x01020304)});
  Follower f;
  f.set(*stranger_label("4CBA"));
  EXPECT_TRUE(f.update(m));
  EXPECT_EQ(f.conn(), std::optional<std::uint64_t>(3));
  EXPECT_EQ(f.latest_frame(), std::optional<std::uint64_t>(41)) << "not the bot's frame (seq 42)";
  EXPECT_FALSE(f.update(m)) << "nothing new";
  m.add(wire::Event{43, 9300, client_text(3, R"({"type":"typing","on":true})", 0x0a0b0c0d)});
  EXPECT_TRUE(f.update(m));
  EXPECT_EQ(f.latest_frame(), std::optional<std::uint64_t>(43));
  EXPECT_TRUE(on_stranger(m, *m.by_seq(41), "Stranger 4cba"));
  EXPECT_FALSE(on_stranger(m, *m.by_seq(42), "Stranger 4cba"));
  EXPECT_FALSE(stranger_label("4cb").has_value());
  EXPECT_FALSE(stranger_label("4cbz").has_value());
  EXPECT_EQ(stranger_label("Stranger 4cba").value_or(""), "Stranger 4cba");
}

TEST(VizFollow, ArrowLabelsShowTheChatWordsUnmaskedAndSayMasked) {
  Model m;
  m.add(wire::Event{40, 9000, late_hello_with_handshakes()});
  m.add(wire::Event{41, 9100, client_text(3, R"({"type":"say","text":"WebSockets keep one connection open"})", 0x37fa213d)});
  const std::string label = arrow_label(m.back(), 64);
  EXPECT_EQ(label, "say “WebSockets keep one connection open” · masked")
      << "should have had the words without the JSON around them, but got " << label;
  const std::string cut = arrow_label(m.back(), 10);
  EXPECT_EQ(cut, "say “WebSockets…” · masked") << "the words are cut, the message kept: " << cut;
  EXPECT_EQ(chat_words(R"([{"type":"said","from":"Stranger 0b07","text":"hi"},{"type":"typing","from":"x","on":false}])", 40)
                .value_or("(none)"),
            "said “hi” · typing off");
  EXPECT_EQ(chat_words(R"({"type":"welcome","you":"Stranger 4cba","limits":{}})", 40).value_or("(none)"),
            "welcome Stranger 4cba");
  EXPECT_FALSE(chat_words("not json", 40).has_value());
  EXPECT_FALSE(chat_words(R"({"no":"type"})", 40).has_value());
}

}  // namespace
}  // namespace viz
