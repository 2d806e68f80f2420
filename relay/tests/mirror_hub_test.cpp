// MirrorHub: bounded per-subscriber queues with `dropped`, --redact and
// --mirror-max-payload shaping, hello first. Pure (no lws).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "relay/mirror/mirror_hub.h"
#include "wire_test_support.h"

namespace relay {
namespace {

wire::Frame frame_with_payload(std::size_t n) {
  wire::Frame f;
  f.conn = 1;
  f.payload_len = n;
  f.header = {0x81, 0x7e, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
  f.payload.assign(n, 0x41);
  return f;
}

std::vector<nlohmann::json> drain(MirrorHub& hub, MirrorHub::SubscriberId id) {
  std::vector<nlohmann::json> out;
  std::string text;
  while (hub.pop(id, text)) out.push_back(nlohmann::json::parse(text));
  return out;
}

TEST(MirrorHub, HelloFirstThenOnlyNewEvents) {
  Clock clock;
  MirrorHub hub(MirrorConfig{}, clock);
  hub.publish(wire::Open{1, wire::Transport::tcp});   // nobody listening: not kept
  int wakes = 0;
  auto id = hub.subscribe([&] { ++wakes; });
  hub.publish(wire::Open{2, wire::Transport::tls});
  auto events = drain(hub, id);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["kind"], "hello");
  EXPECT_EQ(events[1]["kind"], "open");
  EXPECT_EQ(events[1]["conn"], 2);
  EXPECT_EQ(events[1]["seq"], 2) << "seq counts every event the relay produced";
  EXPECT_GE(wakes, 1);
}

TEST(MirrorHub, HelloCarriesTheChatSnapshot) {
  Clock clock;
  MirrorHub hub(MirrorConfig{}, clock);
  hub.set_snapshot([] { return std::vector<wire::ConnectionInfo>{{3, wire::Transport::tcp, "websocket", 10}}; });
  hub.set_chat_snapshot([](wire::Hello& hello) {
    hello.connections.at(0).who = "Stranger 7f3a";
    hello.participants.push_back({"Stranger 7f3a", wire::ChatTransport::websocket, 3, wire::ChatState::lobby, "", ""});
  });
  const auto events = drain(hub, hub.subscribe([] {}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["connections"][0].value("who", ""), "Stranger 7f3a") << events[0].dump();
  ASSERT_EQ(events[0]["participants"].size(), 1u) << events[0].dump();
  EXPECT_EQ(events[0]["participants"][0]["state"], "lobby") << events[0].dump();
}

TEST(MirrorHub, SlowSubscriberGetsDroppedWithTheCount) {
  Clock clock;
  MirrorConfig config;
  config.max_events = 10;
  MirrorHub hub(config, clock);
  auto id = hub.subscribe([] {});
  for (int i = 0; i < 100; ++i) hub.publish(wire::Open{static_cast<std::uint64_t>(i + 1), wire::Transport::tcp});
  auto first = drain(hub, id);
  // hello + 9 opens fit; 91 were missed; the dropped notice comes once there is room.
  ASSERT_EQ(first.size(), 11u) << "queue of 10, then the dropped notice when drained";
  EXPECT_EQ(first.back()["kind"], "dropped");
  EXPECT_EQ(first.back()["count"], 91) << "should have missed 100 - 9 events";
  EXPECT_EQ(hub.dropped_total(), 91u);
  hub.publish(wire::Open{500, wire::Transport::tcp});
  auto next = drain(hub, id);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0]["conn"], 500);
}

TEST(MirrorHub, MaxPayloadTruncatesAndKeepsTheLength) {
  Clock clock;
  MirrorConfig config;
  config.max_payload = 16;
  MirrorHub hub(config, clock);
  auto id = hub.subscribe([] {});
  hub.publish(frame_with_payload(300));
  auto events = drain(hub, id);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1]["payload_len"], 300);
  EXPECT_EQ(events[1]["truncated"], true);
  EXPECT_EQ(events[1]["payload"], "QUFBQUFBQUFBQUFBQUFBQQ==") << "16 bytes of 'A'";
}

TEST(MirrorHub, RedactKeepsHeaderAndLengthButNoPayloadOrBody) {
  Clock clock;
  MirrorConfig config;
  config.redact = true;
  MirrorHub hub(config, clock);
  auto id = hub.subscribe([] {});
  hub.publish(frame_with_payload(5));
  wire::Http h;
  h.conn = 1;
  h.start_line = "POST /poll/send?session=x HTTP/1.1";
  const std::string msg = "POST /poll/send?session=x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
  h.bytes.assign(msg.begin(), msg.end());
  h.body_len = 5;
  hub.publish(h);
  auto events = drain(hub, id);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1]["payload"], "");
  EXPECT_EQ(events[1]["truncated"], true);
  EXPECT_EQ(events[1]["payload_len"], 5);
  EXPECT_EQ(events[1]["header"], "gX4ABQ==");
  EXPECT_EQ(events[2]["body_len"], 5);
  EXPECT_EQ(events[2]["truncated"], true);
  const std::string head = "POST /poll/send?session=x HTTP/1.1\r\nContent-Length: 5\r\n\r\n";
  EXPECT_EQ(events[2]["bytes"].get<std::string>().size(), (head.size() + 2) / 3 * 4) << "the head only";
}


using wire::test::http_unit;

wire::Http upgrade_request(std::uint64_t conn) {
  return http_unit(conn, wire::Direction::c2s, "GET /chat HTTP/1.1",
                   {{"Host", "127.0.0.1"}, {"Upgrade", "websocket"}, {"Connection", "Upgrade"}});
}
wire::Http switching(std::uint64_t conn) {
  return http_unit(conn, wire::Direction::s2c, "HTTP/1.1 101 Switching Protocols", {{"Upgrade", "websocket"}});
}

// A late subscriber (the projector started after the students) still gets
// every open connection's upgrade, as it was published, and nothing else.
TEST(MirrorHub, LateHelloCarriesTheOpenConnectionsHandshakes) {
  Clock clock;
  MirrorHub hub(MirrorConfig{}, clock);
  hub.publish(wire::Open{1, wire::Transport::tcp});   // seq 1, nobody listening
  hub.publish(http_unit(1, wire::Direction::c2s, "GET / HTTP/1.1", {{"Host", "127.0.0.1"}}));
  hub.publish(http_unit(1, wire::Direction::s2c, "HTTP/1.1 200 OK", {{"Content-Length", "0"}}));
  hub.publish(upgrade_request(1));                      // seq 4
  hub.publish(switching(1));                            // seq 5
  hub.publish(wire::Open{2, wire::Transport::tcp});
  hub.publish(upgrade_request(2));                      // seq 7
  hub.publish(switching(2));
  hub.publish(wire::Close{2, wire::ClosedBy::client, 1000, ""});   // #2 gone: forgotten
  EXPECT_EQ(hub.handshakes_kept(), 1u);
  const auto events = drain(hub, hub.subscribe([] {}));
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].contains("handshakes")) << events[0].dump();
  const auto& hs = events[0]["handshakes"];
  ASSERT_EQ(hs.size(), 2u) << "should have had #1's upgrade request and its 101, but had " << hs.dump();
  EXPECT_EQ(hs[0]["seq"], 4);
  EXPECT_EQ(hs[0]["kind"], "http");
  EXPECT_EQ(hs[0]["start_line"], "GET /chat HTTP/1.1");
  EXPECT_EQ(hs[1]["seq"], 5);
  EXPECT_EQ(hs[1]["start_line"], "HTTP/1.1 101 Switching Protocols");
  // The line decodes back (wire reads the handshakes as http events).
  auto back = wire::parse_event_line(events[0].dump());
  ASSERT_TRUE(back.ok()) << back.error().reason;
  EXPECT_EQ(std::get<wire::Hello>(back->body).handshakes.size(), 2u);
}

TEST(MirrorHub, KeptHandshakesAreShapedLikeThePublishedOnes) {
  Clock clock;
  MirrorConfig config;
  config.redact = true;
  MirrorHub hub(config, clock);
  wire::Http req = upgrade_request(3);
  const std::string body = "secret body";
  req.bytes.insert(req.bytes.end(), body.begin(), body.end());
  req.body_len = body.size();
  hub.publish(req);
  const auto events = drain(hub, hub.subscribe([] {}));
  ASSERT_EQ(events.at(0)["handshakes"].size(), 1u) << events[0].dump();
  EXPECT_EQ(events[0]["handshakes"][0]["truncated"], true) << "--redact keeps the head only, in hello too";
  EXPECT_EQ(events[0]["handshakes"][0]["body_len"], body.size());
}

TEST(MirrorHub, HelloWithoutOpenUpgradesHasNoHandshakesField) {
  Clock clock;
  MirrorHub hub(MirrorConfig{}, clock);
  hub.publish(http_unit(1, wire::Direction::c2s, "GET / HTTP/1.1", {{"Host", "127.0.0.1"}}));
  const auto events = drain(hub, hub.subscribe([] {}));
  EXPECT_FALSE(events.at(0).contains("handshakes")) << "older readers see the hello they know: " << events[0].dump();
}

}  // namespace
}  // namespace relay
