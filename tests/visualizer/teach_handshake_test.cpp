// The Upgrade scene's content (visualizer/teach/handshake_notes.h): the
// accept derivation on RFC 6455 1.3's key, header notes, failed upgrades.
#include <string>

#include <gtest/gtest.h>

#include "teach/handshake_notes.h"

using viz::teach::AcceptDerivation;
using viz::teach::upgrade_verdict;

TEST(TeachHandshake, AcceptStepsOnRfcKey) {
  // RFC 6455 1.3: dGhlIHNhbXBsZSBub25jZQ== -> s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
  const auto d = viz::teach::derive_accept("dGhlIHNhbXBsZSBub25jZQ==", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(d.concatenated, "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
  EXPECT_EQ(d.sha1_hex, "b3 7a 4f 2c c0 62 4f 16 90 f6 46 06 cf 38 59 45 b2 be c4 ea");
  EXPECT_EQ(d.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(d.verdict, AcceptDerivation::Verdict::match);
}

TEST(TeachHandshake, AcceptMismatchIsFlagged) {
  const auto d = viz::teach::derive_accept("dGhlIHNhbXBsZSBub25jZQ==", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  EXPECT_EQ(d.verdict, AcceptDerivation::Verdict::mismatch);
  EXPECT_EQ(d.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(viz::teach::derive_accept(std::nullopt, std::nullopt).verdict, AcceptDerivation::Verdict::no_key);
  EXPECT_EQ(viz::teach::derive_accept("dGhlIHNhbXBsZSBub25jZQ==", std::nullopt).verdict,
            AcceptDerivation::Verdict::no_response);
}

TEST(TeachHandshake, EveryHandshakeHeaderIsAnnotated) {
  const char* request[] = {"Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Origin",
                           "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"};
  for (const char* name : request) {
    const auto n = viz::teach::header_note(name, wire::Direction::c2s);
    EXPECT_TRUE(n.handshake) << name;
    EXPECT_EQ(std::string(n.rfc).rfind("RFC 6455 4.1", 0), 0U) << name << ": " << n.rfc;
  }
  const char* response[] = {"Upgrade", "Connection", "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol",
                            "Sec-WebSocket-Extensions"};
  for (const char* name : response) {
    const auto n = viz::teach::header_note(name, wire::Direction::s2c);
    EXPECT_TRUE(n.handshake) << name;
    EXPECT_EQ(std::string(n.rfc).rfind("RFC 6455 4.2.2", 0), 0U) << name << ": " << n.rfc;
  }
}

TEST(TeachHandshake, NamesAreCaseInsensitiveAndUnknownOnesSaySo) {
  EXPECT_STREQ(viz::teach::header_note("sec-websocket-key", wire::Direction::c2s).rfc, "RFC 6455 4.1 (7)");
  const auto ua = viz::teach::header_note("User-Agent", wire::Direction::c2s);
  EXPECT_FALSE(ua.handshake);
  const auto x = viz::teach::header_note("Accept-Language", wire::Direction::c2s);
  EXPECT_FALSE(x.handshake);
  EXPECT_NE(std::string(x.what).find("ot part of the handshake"), std::string::npos) << x.what;
}

TEST(TeachHandshake, TheHeadlineSaysWhenA101HasTheWrongAccept) {
  wire::Http request;
  request.headers = {{"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
  EXPECT_EQ(upgrade_verdict(request, nullptr).text, "\xe2\x86\x92 no answer yet");
  wire::Http response;
  response.start_line = "HTTP/1.1 101 Switching Protocols";
  response.headers = {{"Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="}};
  EXPECT_EQ(upgrade_verdict(request, &response).text, "\xe2\x86\x92 101: now WebSocket");
  EXPECT_TRUE(upgrade_verdict(request, &response).good);
  response.headers = {{"Sec-WebSocket-Accept", "AAAAAAAAAAAAAAAAAAAAAAAAAAA="}};
  EXPECT_EQ(upgrade_verdict(request, &response).text, "\xe2\x86\x92 101, but the Accept is wrong");
  EXPECT_FALSE(upgrade_verdict(request, &response).good) << "RFC 6455 4.1: the client must fail this connection";
  response.start_line = "HTTP/1.1 426 Upgrade Required";
  EXPECT_EQ(upgrade_verdict(request, &response).text, "\xe2\x86\x92 426: upgrade refused");
}

TEST(TeachHandshake, StatusLines) {
  EXPECT_EQ(viz::teach::status_code("HTTP/1.1 101 Switching Protocols"), 101);
  EXPECT_EQ(viz::teach::status_code("HTTP/1.1 426 Upgrade Required"), 426);
  EXPECT_EQ(viz::teach::status_code("GET / HTTP/1.1"), 0);
  EXPECT_EQ(viz::teach::status_code("HTTP/1.1 1x1 Nope"), 0);
}

TEST(TeachHandshake, FailedUpgradeNamesTheBrokenRule) {
  wire::Http req;
  req.dir = wire::Direction::c2s;
  req.start_line = "GET /chat HTTP/1.1";
  req.headers = {{"Host", "127.0.0.1:7681"},
                 {"Upgrade", "websocket"},
                 {"Connection", "Upgrade"},
                 {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                 {"Sec-WebSocket-Version", "8"}};
  wire::Http resp;
  resp.dir = wire::Direction::s2c;
  resp.start_line = "HTTP/1.1 426 Upgrade Required";
  resp.headers = {{"Sec-WebSocket-Version", "13"}};
  const auto x = viz::teach::explain_failed_upgrade(req, resp);
  EXPECT_EQ(x.status, 426);
  EXPECT_EQ(x.rule.rfind("RFC 6455 4.2", 0), 0U) << x.rule;
  EXPECT_NE(x.what_was_wrong.find("Version"), std::string::npos) << x.what_was_wrong;
  EXPECT_NE(x.what_to_do.find("13"), std::string::npos) << x.what_to_do;

  req.headers.erase(req.headers.begin() + 3);   // no key -> 400
  req.headers.back().second = "13";
  resp.start_line = "HTTP/1.1 400 Bad Request";
  resp.headers.clear();
  const auto y = viz::teach::explain_failed_upgrade(req, resp);
  EXPECT_EQ(y.status, 400);
  EXPECT_EQ(y.rule, "RFC 6455 4.2.1");
  EXPECT_NE(y.what_was_wrong.find("Key"), std::string::npos) << y.what_was_wrong;
}

TEST(TeachHandshake, RefusalResponseHeadersAreNotDescribedAsA101) {
  const auto ok = viz::teach::header_note("Connection", wire::Direction::s2c, 101);
  const auto refused = viz::teach::header_note("Connection", wire::Direction::s2c, 426);
  EXPECT_STREQ(ok.rfc, "RFC 6455 4.2.2 (5.3)");
  EXPECT_STREQ(refused.rfc, "RFC 9110 7.6.1") << refused.what;
  EXPECT_NE(std::string(refused.what).find("stays HTTP"), std::string::npos) << refused.what;
}
