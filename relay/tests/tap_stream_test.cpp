// TapStream: units -> events with the connection id, the verdict for an
// unmasked client frame (only the bytes before it go on), the first close
// frame deciding the `close` event, bytes held until judged, refused requests
// and blanked credentials. Pure (no lws).
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "relay/tap/tap_stream.h"
#include "wire/frame.h"
#include "wire/mask.h"

namespace relay {
namespace {

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

const std::string kUpgrade =
    "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
const std::string k101 =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

std::string text_of(std::span<const std::uint8_t> b) { return {b.begin(), b.end()}; }

struct Upgraded {
  Metrics metrics;
  SessionLabels labels;
  TapStream tap;
  std::vector<wire::EventBody> events;
  explicit Upgraded(TapPolicy policy = {}) : tap{12, 64 * 1024, metrics, labels, policy} {
    tap.client_bytes(bytes_of(kUpgrade), events);
    tap.server_bytes(bytes_of(k101), events);
  }
};

const TapPolicy kObserve{false, false, true, true};          // --upstream
const TapPolicy kEnforceUpstream{false, true, true, true};   // --upstream --enforce

TEST(TapStream, HandshakeBecomesTwoHttpEventsWithTheConnId) {
  Upgraded u;
  ASSERT_EQ(u.events.size(), 2u);
  const auto* req = std::get_if<wire::Http>(&u.events[0]);
  const auto* resp = std::get_if<wire::Http>(&u.events[1]);
  ASSERT_NE(req, nullptr);
  ASSERT_NE(resp, nullptr);
  EXPECT_EQ(req->conn, 12u);
  EXPECT_EQ(req->start_line, "GET /echo HTTP/1.1");
  EXPECT_EQ(std::string(req->bytes.begin(), req->bytes.end()), kUpgrade) << "the exact request bytes";
  EXPECT_TRUE(u.tap.websocket());
}

// RFC 6455 5.7: masked "Hello" (key 37 fa 21 3d) passes; then an unmasked one in
// the same chunk: only the masked frame's 11 bytes may be forwarded.
TEST(TapStream, UnmaskedClientFrameStopsForwardingAtItsFirstByte) {
  Upgraded u;
  u.events.clear();
  const std::string masked = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
  const std::string unmasked = "\x81\x05Hello";
  TapVerdict v = u.tap.client_bytes(bytes_of(masked + unmasked), u.events);
  EXPECT_TRUE(v.close);
  EXPECT_EQ(v.forward.size(), masked.size()) << "should forward the 11 bytes before the unmasked frame";
  EXPECT_EQ(v.close_code, 1002);
  EXPECT_EQ(v.rule, "RFC 6455 5.1: client frames must be masked");
  ASSERT_EQ(u.events.size(), 2u) << "both frames get their frame event";
  const auto* f = std::get_if<wire::Frame>(&u.events[1]);
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(f->masked);
  EXPECT_TRUE(u.tap.at_server_frame_boundary());
}

TEST(TapStream, FirstCloseFrameIsTheClients) {
  Upgraded u;
  wire::MaskingKey key{1, 2, 3, 4};
  const std::uint8_t payload[] = {0x03, 0xe8, 'b', 'y', 'e'};   // 1000 "bye"
  wire::Bytes frame = wire::encode_client_frame(wire::Opcode::close, payload, key);
  u.tap.client_bytes(frame, u.events);
  const std::uint8_t reply[] = {0x03, 0xe8};
  u.tap.server_bytes(wire::encode_server_frame(wire::Opcode::close, reply), u.events);
  ASSERT_TRUE(u.tap.first_close().has_value());
  EXPECT_EQ(u.tap.first_close()->by, wire::ClosedBy::client);
  EXPECT_EQ(u.tap.first_close()->code, std::optional<std::uint16_t>(1000));
  EXPECT_EQ(u.tap.first_close()->reason, "bye");
}

struct Fresh {
  Metrics metrics;
  SessionLabels labels;
  TapStream tap{7, 64 * 1024, metrics, labels};
  std::vector<wire::EventBody> events;
};

// Issue 17: frames sent in the same write as the upgrade request wait for the
// 101 (lws 4.1.6 overwrites input read together with the request), and are
// checked then: an unmasked one closes 1002 and is never forwarded.
TEST(TapStream, FramesSentWithTheUpgradeWaitForThe101AndAreChecked) {
  Fresh t;
  const std::string in = kUpgrade + "\x81\x05Hello";   // forward may point into it: keep it alive
  TapVerdict v = t.tap.client_bytes(bytes_of(in), t.events);
  EXPECT_FALSE(v.close);
  EXPECT_EQ(text_of(v.forward), kUpgrade) << "only the request may go on before its answer";
  v = t.tap.server_bytes(bytes_of(k101), t.events);
  EXPECT_TRUE(v.close) << "the unmasked frame held since the request breaks RFC 6455 5.1";
  EXPECT_EQ(v.rule, "RFC 6455 5.1: client frames must be masked");
  EXPECT_TRUE(v.forward.empty()) << "should forward nothing of the unmasked frame, but forwarded "
                                 << v.forward.size() << " bytes";
}

TEST(TapStream, MaskedFramesSentWithTheUpgradeGoOnExactlyAfterThe101) {
  Fresh t;
  const std::string masked = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
  const std::string in = kUpgrade + masked + masked;
  TapVerdict v = t.tap.client_bytes(bytes_of(in), t.events);
  EXPECT_EQ(text_of(v.forward), kUpgrade);
  v = t.tap.server_bytes(bytes_of(k101), t.events);
  EXPECT_FALSE(v.close);
  EXPECT_EQ(text_of(v.forward), masked + masked) << "the held frames, byte for byte";
  v = t.tap.client_bytes(bytes_of(masked), t.events);
  EXPECT_EQ(text_of(v.forward), masked) << "after the switch, straight through";
}

TEST(TapStream, RequestHeadGoesOnOnlyWhenWhole) {
  Fresh t;
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  TapVerdict v = t.tap.client_bytes(bytes_of(get.substr(0, 20)), t.events);
  EXPECT_TRUE(v.forward.empty());
  v = t.tap.client_bytes(bytes_of(get.substr(20)), t.events);
  EXPECT_EQ(text_of(v.forward), get);
}

TEST(TapStream, UpgradeWithABodyIsRefused400BeforeTheServerSeesIt) {
  Fresh t;
  std::string req = kUpgrade;
  req.insert(req.size() - 2, "Content-Length: 1000000\r\n");
  const std::string in = req + "\x81\x05Hello";
  TapVerdict v = t.tap.client_bytes(bytes_of(in), t.events);
  EXPECT_TRUE(v.close);
  EXPECT_EQ(v.http_status, 400);
  EXPECT_TRUE(v.forward.empty());
  EXPECT_EQ(v.rule.rfind("RFC 6455 4.1", 0), 0u) << v.rule;
  EXPECT_EQ(v.response.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << v.response;
}

TEST(TapStream, SessionIdIsBlankedAndLabelled) {
  Fresh t;
  const std::string id = "0123456789abcdef0123456789abcdef";
  const std::string get = "GET /poll/recv?session=" + id + " HTTP/1.1\r\nHost: x\r\n\r\n";
  t.tap.client_bytes(bytes_of(get), t.events);
  ASSERT_EQ(t.events.size(), 1u);
  const auto* h = std::get_if<wire::Http>(&t.events[0]);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->start_line, "GET /poll/recv?session=" + std::string(32, '*') + " HTTP/1.1");
  EXPECT_EQ(h->bytes.size(), get.size()) << "same length";
  EXPECT_EQ(text_of(h->bytes).find(id), std::string::npos);
  EXPECT_EQ(h->session, "session #1");
}

// --upstream (observing): an unmasked client frame is reported, and every byte goes on at once.
TEST(TapStream, ObservingReportsAClientBreachAndForwardsEverything) {
  Upgraded u(kObserve);
  u.events.clear();
  const std::string unmasked = "\x81\x05Hello";
  const std::string masked = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
  const std::string both = unmasked + masked;   // v.forward points into it
  TapVerdict v = u.tap.client_bytes(bytes_of(both), u.events);
  EXPECT_FALSE(v.close);
  EXPECT_EQ(text_of(v.forward), both) << "nothing held back, nothing cut";
  ASSERT_EQ(v.observed.size(), 1u);
  EXPECT_EQ(v.observed[0].rule, "RFC 6455 5.1: client frames must be masked");
  EXPECT_FALSE(v.observed[0].by_server);
  EXPECT_EQ(u.events.size(), 2u);
}

// --upstream: the server's mistakes (wire::ServerRules, and 5.1 for its frames) are reported too,
// and its bytes after its own Close still reach the client and the mirror.
TEST(TapStream, ObservingReportsTheServersMistakesAndPassesAllItsBytes) {
  Metrics metrics;
  SessionLabels labels;
  TapStream tap{3, 64 * 1024, metrics, labels, kObserve};
  std::vector<wire::EventBody> events;
  tap.client_bytes(bytes_of(kUpgrade), events);
  std::string wrong = k101;
  wrong.replace(wrong.find("s3pP"), 4, "AAAA");
  const std::string masked = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
  const std::string close("\x88\x00", 2);
  const std::string after = "\x81\x02hi";
  const std::string all = wrong + masked + close + after;
  TapVerdict v = tap.server_bytes(bytes_of(all), events);
  EXPECT_EQ(v.s2c_pass, all.size());
  ASSERT_EQ(v.observed.size(), 3u);
  EXPECT_EQ(v.observed[0].rule.substr(0, 12), "RFC 6455 4.1");
  EXPECT_EQ(v.observed[1].rule, "RFC 6455 5.1: server frames must not be masked");
  EXPECT_EQ(v.observed[2].rule, "RFC 6455 5.5.1: the server sent a frame after its own Close frame");
  for (const auto& o : v.observed) EXPECT_TRUE(o.by_server) << o.rule;
  EXPECT_EQ(events.size(), 5u) << "request, 101, masked frame, close, the frame after it";
}

// --upstream --enforce: the server's first mistake is the verdict; nothing from that unit on goes out.
TEST(TapStream, EnforcingStopsTheServerAtItsBrokenUnit) {
  Upgraded u(kEnforceUpstream);
  const std::string ok = "\x81\x02ok";
  const std::string masked = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
  TapVerdict v = u.tap.server_bytes(bytes_of(ok + masked), u.events);
  ASSERT_TRUE(v.server_broke.has_value());
  EXPECT_EQ(v.server_broke->rule, "RFC 6455 5.1: server frames must not be masked");
  EXPECT_EQ(v.s2c_pass, ok.size());
  EXPECT_TRUE(v.observed.empty());
}

// Observing, a request is not held to the relay's own request rules: a 9 KiB head (431 for the relay's
// own server) is decoded, passed on whole and not reported.
TEST(TapStream, ObservingDoesNotApplyTheRelaysRequestRules) {
  Metrics metrics;
  SessionLabels labels;
  TapStream tap{4, 64 * 1024, metrics, labels, kObserve};
  std::vector<wire::EventBody> events;
  const std::string big = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n";
  TapVerdict v = tap.client_bytes(bytes_of(big), events);
  EXPECT_TRUE(v.observed.empty()) << v.observed.front().rule;
  EXPECT_EQ(v.forward.size(), big.size());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(std::get_if<wire::Http>(&events[0]), nullptr);
}

// --upstream in front of Socket.IO: Engine.IO's open packet over WebSocket carries the session id.
TEST(TapStream, SessionIdsInFramesAreBlankedBehindUpstream) {
  Upgraded u(kObserve);
  u.events.clear();
  const std::string open = R"(0{"sid":"Xy12_abcDEF","upgrades":[]})";
  u.tap.server_bytes(wire::encode_server_frame(wire::Opcode::text, bytes_of(open)), u.events);
  ASSERT_EQ(u.events.size(), 1u);
  const auto& f = std::get<wire::Frame>(u.events[0]);
  EXPECT_EQ(text_of(f.payload), R"(0{"sid":"***********","upgrades":[]})");
  wire::MaskingKey key{0x37, 0xfa, 0x21, 0x3d};
  const std::string said = R"(42["hello",{"session":"abc"}])";
  const wire::Bytes frame = wire::encode_client_frame(wire::Opcode::text, bytes_of(said), key);
  u.tap.client_bytes(frame, u.events);
  ASSERT_EQ(u.events.size(), 2u);
  wire::Bytes payload = std::get<wire::Frame>(u.events[1]).payload;
  wire::apply_mask(payload, key);
  EXPECT_EQ(text_of(payload), R"(42["hello",{"session":"***"}])") << "blanked, then masked again with its own key";
}

// The relay's own server is not judged: lws is right by construction, and its mode is unchanged.
TEST(TapStream, TheRelaysOwnServerIsNotJudged) {
  Upgraded u;
  const std::string masked = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
  TapVerdict v = u.tap.server_bytes(bytes_of(masked), u.events);
  EXPECT_FALSE(v.server_broke.has_value());
  EXPECT_TRUE(v.observed.empty());
  EXPECT_EQ(v.s2c_pass, masked.size());
}

}  // namespace
// A credential field gets a label in order of first sight, relay-wide: the same cookie on a second
// connection is the same label, another value is a new one; the value itself is in no event.
TEST(TapStream, CredentialFieldsAreLabelledNotShown) {
  Metrics metrics;
  SessionLabels labels;
  const auto request = [&](std::uint64_t conn, const std::string& cookie) {
    TapStream tap{conn, 64 * 1024, metrics, labels, kObserve};
    std::vector<wire::EventBody> events;
    tap.client_bytes(bytes_of("GET /a HTTP/1.1\r\nHost: x\r\nCookie: " + cookie + "\r\nAuthorization: Bearer tok\r\n\r\n"),
                     events);
    EXPECT_EQ(events.size(), 1u);
    const auto* h = events.empty() ? nullptr : std::get_if<wire::Http>(&events[0]);
    EXPECT_NE(h, nullptr);
    if (h == nullptr) return std::vector<std::pair<std::string, std::string>>{};
    EXPECT_EQ(wire::to_json_line(wire::Event{1, 0, *h}).find(cookie), std::string::npos) << "the cookie's value leaked";
    return h->credentials;
  };
  using Labels = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(request(1, "theme=dark; id=42"), (Labels{{"Cookie", "credential #1"}, {"Authorization", "credential #2"}}));
  EXPECT_EQ(request(2, "theme=dark; id=42"), (Labels{{"Cookie", "credential #1"}, {"Authorization", "credential #2"}}))
      << "the same values on another connection keep their labels";
  EXPECT_EQ(request(3, "theme=light; id=43"), (Labels{{"Cookie", "credential #3"}, {"Authorization", "credential #2"}}));
}

}  // namespace relay
