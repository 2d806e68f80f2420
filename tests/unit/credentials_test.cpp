// Credentials blanked in HTTP text (wire/credentials.h): same length, every
// place the relay's long-poll id and the credential fields appear.
#include <gtest/gtest.h>

#include "wire/credentials.h"
#include "wire/mask.h"
#include "wire_test_support.h"

namespace wire {
namespace {

const std::string kId = "7f3a9c0e5b2d4f6a8c1e3b5d7f9a0c2e";
const std::string kStars(32, '*');

std::string blanked(std::string text, Blanked* out = nullptr) {
  Bytes b(text.begin(), text.end());
  Blanked r = blank_credentials(std::span<std::uint8_t>(b));
  if (out) *out = r;
  return {b.begin(), b.end()};
}

TEST(Credentials, SessionIdInRequestTargetsAndJsonBodies) {
  Blanked b;
  EXPECT_EQ(blanked("GET /poll/recv?session=" + kId + " HTTP/1.1\r\n", &b),
            "GET /poll/recv?session=" + kStars + " HTTP/1.1\r\n");
  EXPECT_EQ(b.session, kId);
  EXPECT_EQ(blanked("POST /poll/send?x=1&session=" + kId + " HTTP/1.1"), "POST /poll/send?x=1&session=" + kStars + " HTTP/1.1");
  EXPECT_EQ(blanked("{\"session\":\"" + kId + "\"}", &b), "{\"session\":\"" + kStars + "\"}");
  EXPECT_EQ(b.session, kId);
  EXPECT_EQ(blanked("{\"session\" : \"" + kId + "\"}"), "{\"session\" : \"" + kStars + "\"}");
  EXPECT_EQ(blanked("Referer: http://h/poll?session=" + kId + "\r\n"), "Referer: http://h/poll?session=" + kStars + "\r\n");
  // Not a session parameter: left alone.
  EXPECT_EQ(blanked("GET /?mysession=abc HTTP/1.1"), "GET /?mysession=abc HTTP/1.1");
}

// Engine.IO (a Socket.IO server behind --upstream): the sid in polling URLs and the open packet.
TEST(Credentials, EngineIoSidInUrlsAndTheOpenPacket) {
  Blanked b;
  EXPECT_EQ(blanked("GET /socket.io/?EIO=4&transport=polling&sid=" + kId + " HTTP/1.1\r\n", &b),
            "GET /socket.io/?EIO=4&transport=polling&sid=" + kStars + " HTTP/1.1\r\n");
  EXPECT_EQ(b.session, kId);
  EXPECT_EQ(blanked("0{\"sid\":\"" + kId + "\",\"upgrades\":[\"websocket\"]}", &b),
            "0{\"sid\":\"" + kStars + "\",\"upgrades\":[\"websocket\"]}");
  EXPECT_EQ(b.session, kId);
  EXPECT_EQ(blanked("GET /?side=left&inside=1 HTTP/1.1"), "GET /?side=left&inside=1 HTTP/1.1");
}

// A frame's payload: unmasked, blanked, masked again with its own key (RFC 6455 5.3).
TEST(Credentials, SessionIdInAMaskedFramePayload) {
  const std::string text = "0{\"sid\":\"" + kId + "\"}";
  const MaskingKey key{0x37, 0xfa, 0x21, 0x3d};
  Frame f;
  f.masked = true;
  f.mask_key = 0x37fa213du;
  f.payload.assign(text.begin(), text.end());
  apply_mask(f.payload, key);
  Blanked b = blank_credentials(f);
  EXPECT_EQ(b.session, kId);
  apply_mask(f.payload, key);
  EXPECT_EQ(std::string(f.payload.begin(), f.payload.end()), "0{\"sid\":\"" + kStars + "\"}");
}

TEST(Credentials, CredentialFieldsKeepTheirLengthAndAuthScheme) {
  const std::string head =
      "GET / HTTP/1.1\r\nHost: x\r\nCookie: sid=abc; theme=dark\r\nauthorization: Bearer t0k3n\r\n"
      "Proxy-Authorization:Basic dXNlcg==\r\n\r\n";
  const std::string want = "GET / HTTP/1.1\r\nHost: x\r\nCookie: " + std::string(19, '*') +
                           "\r\nauthorization: Bearer " + std::string(5, '*') + "\r\nProxy-Authorization:Basic " +
                           std::string(8, '*') + "\r\n\r\n";
  Blanked b;
  EXPECT_EQ(blanked(head, &b), want);
  EXPECT_EQ(b.count, 3u);
  EXPECT_EQ(blanked("HTTP/1.1 200 OK\r\nSet-Cookie: a=b; Path=/\r\n\r\n"), "HTTP/1.1 200 OK\r\nSet-Cookie: " + std::string(11, '*') + "\r\n\r\n");
  // What was blanked, field by field and in order, so the relay can label each value (never show it).
  using Field = std::pair<std::string, std::string>;
  EXPECT_EQ(b.fields, (std::vector<Field>{{"Cookie", "sid=abc; theme=dark"}, {"Authorization", "t0k3n"},
                                          {"Proxy-Authorization", "dXNlcg=="}}));
}

TEST(Credentials, HttpUnitBytesAndParsedFieldsAgree) {
  Http h;
  const std::string text = "GET /poll/recv?session=" + kId + " HTTP/1.1\r\nHost: x\r\nCookie: a=b\r\n\r\n";
  h.bytes.assign(text.begin(), text.end());
  h.start_line = "GET /poll/recv?session=" + kId + " HTTP/1.1";
  h.headers = {{"Host", "x"}, {"Cookie", "a=b"}};
  Blanked b = blank_credentials(h);
  EXPECT_EQ(b.session, kId);
  EXPECT_EQ(h.start_line, "GET /poll/recv?session=" + kStars + " HTTP/1.1");
  EXPECT_EQ(h.headers[1].second, "***");
  const std::string now(h.bytes.begin(), h.bytes.end());
  EXPECT_EQ(now.size(), text.size());
  EXPECT_EQ(now.find(kId), std::string::npos) << now;
  EXPECT_NE(now.find(h.start_line + "\r\n"), std::string::npos) << "bytes and start_line blanked alike";
}

}  // namespace
}  // namespace wire
