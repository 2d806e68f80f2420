// ServerRules (wire/server_rules.h): a server's mistakes, judged as its client
// would, from the units the StreamDecoder makes of real bytes.
#include <gtest/gtest.h>

#include "wire/close_code.h"
#include "wire/frame.h"
#include "wire/handshake.h"
#include "wire/server_rules.h"
#include "wire/stream_decoder.h"
#include "wire_test_support.h"

namespace wire {
namespace {

using test::bytes_of;

const std::string kKey = "dGhlIHNhbXBsZSBub25jZQ==";   // RFC 6455 1.3's example key

struct Conn {
  StreamDecoder decoder;
  ServerRules rules;
  std::vector<Error> errors;

  void feed(Direction dir, const std::string& text) { feed(dir, Bytes(text.begin(), text.end())); }
  void feed(Direction dir, const Bytes& bytes) {
    FeedResult r = decoder.feed(dir, bytes);
    for (const auto& u : r.units) {
      if (auto e = rules.check(u)) errors.push_back(*e);
    }
  }
};

std::string upgrade_request() { return build_upgrade_request("x", "/", kKey); }

TEST(ServerRules, ARightHandshakeAndCloseBreakNothing) {
  Conn c;
  c.feed(Direction::c2s, upgrade_request());
  c.feed(Direction::s2c, build_accept_response(kKey));
  c.feed(Direction::s2c, encode_server_frame(Opcode::text, bytes_of("hi")));
  c.feed(Direction::s2c, encode_server_frame(Opcode::close, encode_close_payload(1000, "")));
  EXPECT_TRUE(c.errors.empty()) << c.errors.front().rule << ": " << c.errors.front().reason;
}

TEST(ServerRules, AWrongAcceptIsFourOne) {
  Conn c;
  c.feed(Direction::c2s, upgrade_request());
  c.feed(Direction::s2c, build_accept_response("AAAAAAAAAAAAAAAAAAAAAA=="));
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].rule, "RFC 6455 4.1");
  EXPECT_NE(c.errors[0].reason.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos) << c.errors[0].reason;
  EXPECT_EQ(c.errors[0].offset, 0u);
}

TEST(ServerRules, A101WithoutConnectionUpgradeIsFourOne) {
  Conn c;
  c.feed(Direction::c2s, upgrade_request());
  c.feed(Direction::s2c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: " +
                             sec_websocket_accept(kKey) + "\r\n\r\n");
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].reason, "the 101 must have Connection: Upgrade");
}

TEST(ServerRules, A101ToAPlainRequestIsABreach) {
  Conn c;
  c.feed(Direction::c2s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  c.feed(Direction::s2c, "HTTP/1.1 101 Switching Protocols\r\n\r\n");
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].rule, "RFC 9110 7.8");
}

TEST(ServerRules, RefusingAnUpgradeIsAllowedAndPairsInOrder) {
  Conn c;
  c.feed(Direction::c2s, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n" + upgrade_request());
  c.feed(Direction::s2c, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  c.feed(Direction::s2c, build_accept_response(kKey));   // answers the second request: right
  EXPECT_TRUE(c.errors.empty()) << c.errors.front().rule << ": " << c.errors.front().reason;
}

TEST(ServerRules, AFrameAfterTheServersCloseIsFiveFiveOne) {
  Conn c;
  c.feed(Direction::c2s, upgrade_request());
  c.feed(Direction::s2c, build_accept_response(kKey));
  const Bytes close = encode_server_frame(Opcode::close, encode_close_payload(1000, ""));
  Bytes after = encode_server_frame(Opcode::text, bytes_of("late"));
  Bytes both = close;
  both.insert(both.end(), after.begin(), after.end());
  c.feed(Direction::s2c, both);
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].rule, "RFC 6455 5.5.1");
  EXPECT_EQ(c.errors[0].offset, build_accept_response(kKey).size() + close.size());
}

}  // namespace
}  // namespace wire
