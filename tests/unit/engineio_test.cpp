// Engine.IO 4: packets, polling bodies, the handshake, request targets and the
// upgrade from polling to WebSocket, on the bytes a real Socket.IO 4.8 server
// and client exchange (docs/socketio.md).
#include <gtest/gtest.h>

#include "wire/engineio.h"
#include "wire/engineio_upgrade.h"
#include "wire_test_support.h"

namespace wire::engineio {
namespace {

using test::escape_bytes;

TEST(EngineIoPacket, TypeIsTheFirstCharacter) {
  struct Case {
    std::string_view text;
    PacketType type;
    std::string_view data;
  };
  const Case cases[] = {{"0{\"sid\":\"x\"}", PacketType::open, "{\"sid\":\"x\"}"},
                        {"1", PacketType::close, ""},
                        {"2", PacketType::ping, ""},
                        {"3probe", PacketType::pong, "probe"},
                        {"4hello", PacketType::message, "hello"},
                        {"5", PacketType::upgrade, ""},
                        {"6", PacketType::noop, ""}};
  for (const auto& c : cases) {
    const auto p = parse_packet(c.text);
    ASSERT_TRUE(p.ok()) << escape_bytes(c.text) << ": " << p.error().reason;
    EXPECT_EQ(packet_type_name(p->type), packet_type_name(c.type)) << escape_bytes(c.text);
    EXPECT_EQ(p->data, c.data) << escape_bytes(c.text);
    EXPECT_FALSE(p->binary) << escape_bytes(c.text);
  }
}

TEST(EngineIoPacket, BinaryInAPollingBodyIsBPlusBase64) {
  const auto p = parse_packet("bAQID");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->binary);
  EXPECT_EQ(packet_type_name(p->type), "message");
  EXPECT_EQ(p->data, "AQID");
}

TEST(EngineIoPacket, AWebSocketBinaryFrameIsABinaryMessage) {
  const auto p = binary_frame_packet("\x01\x02\x03");
  EXPECT_TRUE(p.binary);
  EXPECT_EQ(packet_type_name(p.type), "message");
  EXPECT_EQ(escape_bytes(p.data), "\\x01\\x02\\x03");
}

TEST(EngineIoPacket, RejectsEmptyAndUnknownTypes) {
  for (std::string_view bad : {"", "7", "x", "\x1e"}) {
    const auto p = parse_packet(bad);
    ASSERT_FALSE(p.ok()) << "expected an error for " << escape_bytes(bad);
    EXPECT_EQ(p.error().rule, "Engine.IO 4");
  }
}

TEST(EngineIoPayload, SplitsOnTheRecordSeparator) {
  const auto packets = split_payload("42[\"chat\",\"a\"]\x1e" "2\x1e" "bAQID");
  ASSERT_TRUE(packets.ok()) << packets.error().reason;
  ASSERT_EQ(packets->size(), 3u);
  EXPECT_EQ((*packets)[0].data, "2[\"chat\",\"a\"]");
  EXPECT_EQ(packet_type_name((*packets)[1].type), "ping");
  EXPECT_TRUE((*packets)[2].binary);
}

TEST(EngineIoPayload, ABadRecordIsReportedAtItsOffset) {
  const auto packets = split_payload("4a\x1e" "9b");
  ASSERT_FALSE(packets.ok());
  EXPECT_EQ(packets.error().offset, 3u) << "the second record starts after \"4a\\x1e\"";
}

TEST(EngineIoPayload, AnEmptyRecordIsAnError) {
  EXPECT_FALSE(split_payload("4a\x1e").ok()) << "a trailing separator leaves an empty packet";
}

TEST(EngineIoHandshake, ReadsTheOpenPacket) {
  const auto h = parse_handshake(
      R"({"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})");
  ASSERT_TRUE(h.ok()) << h.error().reason;
  EXPECT_EQ(h->sid.size(), 20u);
  ASSERT_EQ(h->upgrades.size(), 1u);
  EXPECT_EQ(h->upgrades[0], "websocket");
  EXPECT_EQ(h->ping_interval_ms, 25000);
  EXPECT_EQ(h->ping_timeout_ms, 20000);
  EXPECT_EQ(h->max_payload, 1000000);
}

TEST(EngineIoHandshake, NeedsASid) {
  for (std::string_view bad : {"", "{}", "{\"sid\":3}", "[\"sid\"]", "{\"sid\":\"a\""})
    EXPECT_FALSE(parse_handshake(bad).ok()) << "expected an error for " << escape_bytes(bad);
}

TEST(EngineIoTarget, ReadsTransportAndSid) {
  const auto polling = parse_target("/socket.io/?EIO=4&transport=polling&t=P0aBcDe");
  ASSERT_TRUE(polling.has_value());
  EXPECT_EQ(polling->path, "/socket.io/");
  EXPECT_EQ(polling->eio, 4);
  EXPECT_EQ(polling->transport, Transport::polling);
  EXPECT_FALSE(polling->has_sid);

  const auto ws = parse_target("/socket.io/?EIO=4&transport=websocket&sid=****************AAAC");
  ASSERT_TRUE(ws.has_value());
  EXPECT_EQ(ws->transport, Transport::websocket);
  EXPECT_TRUE(ws->has_sid);
}

TEST(EngineIoTarget, OtherTargetsAreNotEngineIo) {
  for (std::string_view other : {"/", "/chat", "/poll/recv?session=abc", "/socket.io/?EIO=4",
                                 "/socket.io/?transport=polling", "/socket.io/?EIO=4&transport=flash",
                                 "/socket.io/?EIO=44&transport=polling"})
    EXPECT_FALSE(parse_target(other).has_value()) << other;
}

// The sequence a socket.io-client 4 in a browser produces (Engine.IO 4, "Upgrade").
TEST(EngineIoUpgrade, PollingThenProbeThenUpgrade) {
  UpgradeTracker t;
  EXPECT_EQ(t.label(), "");
  t.on_polling_packet(*parse_packet("0{\"sid\":\"x\",\"upgrades\":[\"websocket\"]}"), true);
  EXPECT_EQ(t.label(), "Socket.IO: polling");
  t.on_polling_packet(*parse_packet("40"), false);
  t.on_websocket_packet(*parse_packet("2probe"), false);
  EXPECT_EQ(t.label(), "Socket.IO: polling -> probing WebSocket");
  t.on_websocket_packet(*parse_packet("5"), false);
  EXPECT_EQ(t.stage(), Stage::probing) << "the upgrade packet counts only after the server's 3probe";
  t.on_websocket_packet(*parse_packet("3probe"), true);
  EXPECT_TRUE(t.probe_answered());
  t.on_websocket_packet(*parse_packet("5"), false);
  EXPECT_EQ(t.label(), "Socket.IO: polling -> upgraded to WebSocket");
  const auto forms = t.label_forms();
  ASSERT_GE(forms.size(), 2u);
  for (std::size_t i = 1; i < forms.size(); ++i)
    EXPECT_LT(forms[i].size(), forms[i - 1].size()) << "forms run longest first: " << forms[i];
  t.on_websocket_packet(*parse_packet("1"), false);
  EXPECT_EQ(t.stage(), Stage::upgraded) << "a close later does not rewrite how the session got there";
}

TEST(EngineIoUpgrade, AWebSocketOnlyClient) {
  UpgradeTracker t;
  t.on_websocket_packet(*parse_packet("0{\"sid\":\"x\",\"upgrades\":[]}"), true);
  EXPECT_EQ(t.label(), "Socket.IO: WebSocket");
}

TEST(EngineIoUpgrade, AnUnansweredProbeStaysProbing) {
  UpgradeTracker t;
  t.on_polling_packet(*parse_packet("0{\"sid\":\"x\"}"), true);
  t.on_websocket_packet(*parse_packet("2probe"), true);
  EXPECT_EQ(t.stage(), Stage::polling) << "a probe comes from the client";
  t.on_websocket_packet(*parse_packet("2probe"), false);
  t.on_websocket_packet(*parse_packet("3"), true);
  EXPECT_FALSE(t.probe_answered()) << "a pong without \"probe\" is not the probe's answer";
}

}  // namespace
}  // namespace wire::engineio
