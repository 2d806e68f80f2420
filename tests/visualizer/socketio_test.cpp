// A Socket.IO app's session as the visualizer reads it (docs/socketio.md): the
// polling open, the probe, the upgrade and an event, each entry in words, and
// the session's story for the Conversation lane. Events as the relay mirrors
// them in front of a Socket.IO server (`--upstream`): sids blanked, labelled.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "model/describe.h"
#include "model/model.h"
#include "wire/capture.h"

namespace viz {
namespace {

class SocketIoSession {
 public:
  Model model;

  void http(std::uint64_t conn, wire::Direction dir, const std::string& start_line, const std::string& body,
            const std::string& session = "") {
    wire::Http h;
    h.conn = conn;
    h.dir = dir;
    h.start_line = start_line;
    h.headers = {{"Content-Length", std::to_string(body.size())}};
    const std::string bytes = start_line + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    h.bytes.assign(bytes.begin(), bytes.end());
    h.body_len = body.size();
    h.session = session;
    push(std::move(h));
  }
  // A whole text frame; from the client masked with key 0 (so its payload reads as sent).
  void text(std::uint64_t conn, wire::Direction dir, const std::string& payload) {
    wire::Frame f;
    f.conn = conn;
    f.dir = dir;
    f.opcode = 1;
    f.masked = dir == wire::Direction::c2s;
    f.payload_len = payload.size();
    f.header = {0x81, static_cast<std::uint8_t>((f.masked ? 0x80 : 0) | payload.size())};
    if (f.masked) {
      f.mask_key = 0;
      f.header.insert(f.header.end(), 4, 0);
    }
    f.payload.assign(payload.begin(), payload.end());
    push(std::move(f));
  }
  const Entry& last() const { return model.back(); }

 private:
  void push(wire::EventBody body) { model.add(wire::Event{++seq_, static_cast<std::int64_t>(seq_) * 1000, std::move(body)}); }
  std::uint64_t seq_ = 0;
};

constexpr auto c2s = wire::Direction::c2s;
constexpr auto s2c = wire::Direction::s2c;

TEST(VizSocketIo, TellsThePollingOpenTheProbeAndTheUpgrade) {
  SocketIoSession s;
  s.http(1, c2s, "GET /socket.io/?EIO=4&transport=polling&t=P0aB HTTP/1.1", "");
  s.http(1, s2c, "HTTP/1.1 200 OK",
         R"(0{"sid":"********************","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})",
         "session #1");
  EXPECT_EQ(describe(s.last()), "200 OK · session #1 · 118 B body · open (sid, upgrades: websocket)");
  EXPECT_EQ(s.model.engineio_story(1), "Socket.IO: polling");
  const ConnView* polling = s.model.conn(1);
  ASSERT_NE(polling, nullptr);
  EXPECT_TRUE(polling->engineio);
  EXPECT_STREQ(conn_role_name(polling->role), "long-poll");

  s.http(2, c2s, "POST /socket.io/?EIO=4&transport=polling&sid=******************** HTTP/1.1", "40", "session #1");
  EXPECT_NE(describe(s.last()).find("Socket.IO CONNECT"), std::string::npos) << describe(s.last());

  s.http(3, c2s, "GET /socket.io/?EIO=4&transport=websocket&sid=******************** HTTP/1.1", "", "session #1");
  s.http(3, s2c, "HTTP/1.1 101 Switching Protocols", "");
  s.text(3, c2s, "2probe");
  EXPECT_EQ(arrow_label(s.last()), "ping probe · masked");
  EXPECT_EQ(s.model.engineio_story(3), "Socket.IO: polling -> probing WebSocket");
  s.text(3, s2c, "3probe");
  s.http(1, c2s, "GET /socket.io/?EIO=4&transport=polling&sid=******************** HTTP/1.1", "", "session #1");
  s.http(1, s2c, "HTTP/1.1 200 OK", "6", "session #1");
  EXPECT_NE(describe(s.last()).find("noop"), std::string::npos) << describe(s.last());
  s.text(3, c2s, "5");
  EXPECT_EQ(s.model.engineio_story(3), "Socket.IO: polling -> upgraded to WebSocket");
  EXPECT_EQ(s.model.engineio_story(1), "Socket.IO: polling -> upgraded to WebSocket") << "one session, every connection";

  s.text(3, c2s, R"(420["chat message","hello"])");
  EXPECT_EQ(describe(s.last()), "text · 27 B · masked · Socket.IO EVENT \"chat message\" (1 argument), ack 0 “hello”");
  EXPECT_EQ(arrow_label(s.last()), "\"chat message\" “hello” · masked");
  s.text(3, s2c, R"(430["ok"])");
  EXPECT_EQ(arrow_label(s.last()), "ACK 0");
}

TEST(VizSocketIo, APollingBodyWithSeveralPacketsAndABrokenOne) {
  SocketIoSession s;
  s.http(1, c2s, "GET /socket.io/?EIO=4&transport=polling&sid=**** HTTP/1.1", "", "session #2");
  s.http(1, s2c, "HTTP/1.1 200 OK", "42[\"chat\",\"a\"]\x1e" "2", "session #2");
  EXPECT_EQ(arrow_label(s.last()), "200 OK · session #2 · \"chat\" “a” · ping");
  EXPECT_EQ(describe(s.last()), "200 OK · session #2 · 16 B body · Socket.IO EVENT \"chat\" (1 argument) “a” · ping");
  s.http(1, c2s, "POST /socket.io/?EIO=4&transport=polling&sid=**** HTTP/1.1", "9x", "session #2");
  EXPECT_NE(describe(s.last()).find("Engine.IO ✗"), std::string::npos) << describe(s.last());
}

TEST(VizSocketIo, OtherRequestsOnAPooledConnectionAreNotReadAsEngineIo) {
  SocketIoSession s;
  s.http(1, c2s, "GET /socket.io/?EIO=4&transport=polling HTTP/1.1", "");
  s.http(1, s2c, "HTTP/1.1 200 OK", R"(0{"sid":"****"})", "session #1");
  s.http(1, c2s, "GET /favicon.ico HTTP/1.1", "");
  s.http(1, s2c, "HTTP/1.1 404 Not Found", "not found\n");
  EXPECT_EQ(describe(s.last()), "404 Not Found · 10 B body") << "a favicon's answer is not Engine.IO packets";
}

TEST(VizSocketIo, OtherConnectionsAreNotReadAsEngineIo) {
  SocketIoSession s;
  s.http(1, c2s, "GET /chat HTTP/1.1", "");
  s.http(1, s2c, "HTTP/1.1 101 Switching Protocols", "");
  s.text(1, c2s, "2probe");
  EXPECT_TRUE(s.last().engineio.empty()) << s.last().engineio;
  EXPECT_EQ(s.model.engineio_story(1), "");
  EXPECT_EQ(arrow_label(s.last()), "text “2probe” · masked");
}

TEST(VizSocketIo, SocketIosOwnSidDoesNotMoveTheConnectionToAnotherSession) {
  SocketIoSession s;
  s.http(1, c2s, "GET /socket.io/?EIO=4&transport=polling HTTP/1.1", "");
  s.http(1, s2c, "HTTP/1.1 200 OK", R"(0{"sid":"****","upgrades":["websocket"]})", "session #1");
  s.http(1, c2s, "GET /socket.io/?EIO=4&transport=polling&sid=**** HTTP/1.1", "", "session #1");
  s.http(1, s2c, "HTTP/1.1 200 OK", R"(40{"sid":"****"})", "session #2");   // Socket.IO's CONNECT answer
  EXPECT_EQ(s.model.engineio_story(1), "Socket.IO: polling") << "still Engine.IO session #1's connection";
}

// The bundled capture (fixtures/captures/socketio-chromium.jsonl): two Chromium pages of
// tools/socketio-chat behind `wirelab-relay --upstream`, as the relay mirrored them.
TEST(VizSocketIo, TheBundledCaptureTellsBothPagesUpgrades) {
  const std::filesystem::path file = std::filesystem::path(WIRELAB_SOURCE_DIR) / "fixtures/captures/socketio-chromium.jsonl";
  auto events = wire::read_capture_file(file.string());
  ASSERT_TRUE(events.ok()) << file << ": " << events.error().reason;
  Model m;
  for (auto& e : *events) m.add(std::move(e));
  std::set<std::uint64_t> upgraded;
  for (const auto& [id, cv] : m.connections())
    if (cv.role == ConnRole::websocket && m.engineio_story(id) == "Socket.IO: polling -> upgraded to WebSocket")
      upgraded.insert(id);
  EXPECT_EQ(upgraded.size(), 2u) << "each page's WebSocket, after polling, the probe and the upgrade";
  std::size_t events_seen = 0, probes = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    const Entry& e = m.at(i);
    if (e.engineio.find("Socket.IO EVENT \"chat message\"") != std::string::npos) ++events_seen;
    if (e.engineio == "ping probe" || e.engineio == "pong probe") ++probes;
    EXPECT_EQ(e.engineio.find("✗"), std::string::npos) << "seq " << e.seq() << ": " << e.engineio;
  }
  EXPECT_EQ(events_seen, 6u) << "three lines, each sent and passed on";
  EXPECT_EQ(probes, 4u) << "2probe and 3probe on each page's WebSocket";
}

}  // namespace
}  // namespace viz
