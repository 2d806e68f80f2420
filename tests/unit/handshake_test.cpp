// The opening handshake (RFC 6455 1.3, 4.1, 4.2, 9.1) and base64 (RFC 4648).
#include <gtest/gtest.h>

#include "wire/base64.h"
#include "wire/handshake.h"
#include "wire_test_support.h"

namespace wire {
namespace {

using test::escape_bytes;

TEST(Accept, RfcSection1_3Example) {
  // 1.3: key "dGhlIHNhbXBsZSBub25jZQ==" -> accept "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
  EXPECT_EQ(sec_websocket_accept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(kWebSocketGuid, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
}

TEST(Accept, Sha1OfTheKeyAndGuid) {
  // 1.3: SHA-1 of the concatenation is b3 7a 4f 2c c0 62 4f 16 90 f6 46 06 cf 38 59 45 b2 be c4 ea.
  const auto digest = sha1(std::string("dGhlIHNhbXBsZSBub25jZQ==") + std::string(kWebSocketGuid));
  EXPECT_BYTES_EQ(test::from_hex("b3 7a 4f 2c c0 62 4f 16 90 f6 46 06 cf 38 59 45 b2 be c4 ea"), digest);
}

TEST(Base64, Rfc4648TestVectors) {
  const std::pair<const char*, const char*> cases[] = {{"", ""},         {"f", "Zg=="},     {"fo", "Zm8="},
                                                       {"foo", "Zm9v"},  {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                                       {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : cases) {
    EXPECT_EQ(base64_encode(std::string_view(plain)), encoded);
    const auto back = base64_decode(encoded);
    ASSERT_TRUE(back.has_value()) << encoded;
    EXPECT_BYTES_EQ(plain, *back);
  }
}

TEST(Base64, RejectsWhatIsNotBase64) {
  for (const char* bad : {"Zg=", "Zg", "Z===", "Zm9v!A==", "Zm=v", "=Zm9", "Zm9v Zg=="})
    EXPECT_FALSE(base64_decode(bad).has_value()) << "\"" << bad << "\" should not decode";
}

// A valid upgrade request as a browser sends it (4.1).
HttpHead good_request() {
  HttpHead h;
  h.method = "GET";
  h.target = "/chat";
  h.version = "HTTP/1.1";
  h.headers = {{"Host", "server.example.com"},
               {"Upgrade", "websocket"},
               {"Connection", "Upgrade"},
               {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
               {"Origin", "http://example.com"},
               {"Sec-WebSocket-Protocol", "chat, superchat"},
               {"Sec-WebSocket-Version", "13"}};
  return h;
}

void set_header(HttpHead& h, const std::string& name, const std::optional<std::string>& value) {
  std::erase_if(h.headers, [&](const auto& kv) { return kv.first == name; });
  if (value) h.headers.emplace_back(name, *value);
}

TEST(UpgradeRequest, TheRfcExampleIsAccepted) {
  const auto v = validate_upgrade_request(good_request());
  ASSERT_TRUE(v.ok()) << v.rejection->reason;
  EXPECT_EQ(v.request.sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(v.request.protocols, (std::vector<std::string>{"chat", "superchat"}));
  EXPECT_EQ(v.request.host, "server.example.com");
  EXPECT_EQ(v.request.origin, "http://example.com");
  EXPECT_EQ(v.request.target, "/chat");
}

TEST(UpgradeRequest, HeaderNamesAndTokensInAnyCase) {
  HttpHead h = good_request();
  for (auto& [name, value] : h.headers) {
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  set_header(h, "upgrade", "WebSocket");
  set_header(h, "connection", "keep-alive, UPGRADE");
  const auto v = validate_upgrade_request(h);
  EXPECT_TRUE(v.ok()) << v.rejection->reason;
}

struct RejectCase {
  const char* name;
  void (*mutate)(HttpHead&);
  UpgradeRejection expected;
  int status;
};

class UpgradeRejections : public ::testing::TestWithParam<RejectCase> {};

TEST_P(UpgradeRejections, EachFailureHasItsOwnReason) {
  const RejectCase& c = GetParam();
  HttpHead h = good_request();
  c.mutate(h);
  const auto v = validate_upgrade_request(h);
  ASSERT_FALSE(v.ok()) << c.name << " should be rejected with " << upgrade_rejection_name(c.expected);
  EXPECT_EQ(v.rejection->why, c.expected) << "expected " << upgrade_rejection_name(c.expected) << ", got "
                                          << upgrade_rejection_name(v.rejection->why) << ": "
                                          << v.rejection->reason;
  EXPECT_EQ(v.rejection->status, c.status);
  EXPECT_FALSE(v.rejection->reason.empty());
  EXPECT_EQ(v.rejection->rule.rfind("RFC 6455 ", 0), 0u) << v.rejection->rule;
  const std::string response = build_rejection_response(*v.rejection);
  EXPECT_EQ(response.rfind("HTTP/1.1 " + std::to_string(c.status) + " ", 0), 0u) << response;
  EXPECT_EQ(response.find("Sec-WebSocket-Version: 13\r\n") != std::string::npos, c.status == 426)
      << "4.4: a 426 names the version; got " << escape_bytes(response, 200);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc6455_4_2_1, UpgradeRejections,
    ::testing::Values(
        RejectCase{"post", [](HttpHead& h) { h.method = "POST"; }, UpgradeRejection::not_get, 400},
        RejectCase{"http_1_0", [](HttpHead& h) { h.version = "HTTP/1.0"; }, UpgradeRejection::not_http_1_1, 400},
        RejectCase{"no_host", [](HttpHead& h) { set_header(h, "Host", std::nullopt); }, UpgradeRejection::no_host,
                   400},
        RejectCase{"upgrade_missing", [](HttpHead& h) { set_header(h, "Upgrade", std::nullopt); },
                   UpgradeRejection::upgrade_not_websocket, 400},
        RejectCase{"upgrade_h2c", [](HttpHead& h) { set_header(h, "Upgrade", "h2c"); },
                   UpgradeRejection::upgrade_not_websocket, 400},
        RejectCase{"connection_keep_alive", [](HttpHead& h) { set_header(h, "Connection", "keep-alive"); },
                   UpgradeRejection::connection_no_upgrade, 400},
        RejectCase{"connection_missing", [](HttpHead& h) { set_header(h, "Connection", std::nullopt); },
                   UpgradeRejection::connection_no_upgrade, 400},
        RejectCase{"key_missing", [](HttpHead& h) { set_header(h, "Sec-WebSocket-Key", std::nullopt); },
                   UpgradeRejection::key_missing, 400},
        RejectCase{"key_not_base64", [](HttpHead& h) { set_header(h, "Sec-WebSocket-Key", "not base64 at all!!!!!"); },
                   UpgradeRejection::key_invalid, 400},
        RejectCase{"key_15_bytes", [](HttpHead& h) { set_header(h, "Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA"); },
                   UpgradeRejection::key_invalid, 400},
        RejectCase{"version_missing", [](HttpHead& h) { set_header(h, "Sec-WebSocket-Version", std::nullopt); },
                   UpgradeRejection::version_missing, 426},
        RejectCase{"version_8", [](HttpHead& h) { set_header(h, "Sec-WebSocket-Version", "8"); },
                   UpgradeRejection::version_not_13, 426},
        RejectCase{"bad_protocol_list", [](HttpHead& h) { set_header(h, "Sec-WebSocket-Protocol", "chat, sp ace"); },
                   UpgradeRejection::bad_protocol_list, 400},
        RejectCase{"bad_extension_list",
                   [](HttpHead& h) { set_header(h, "Sec-WebSocket-Extensions", "permessage-deflate; =x"); },
                   UpgradeRejection::bad_extension_list, 400}),
    [](const ::testing::TestParamInfo<RejectCase>& p) { return std::string(p.param.name); });

TEST(UpgradeResponse, AcceptResponseForTheRfcKey) {
  EXPECT_EQ(build_accept_response("dGhlIHNhbXBsZSBub25jZQ==", "chat"),
            "HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            "Sec-WebSocket-Protocol: chat\r\n"
            "\r\n");
}

TEST(UpgradeResponse, ClientRequestValidatesOnTheServer) {
  const std::string req = build_upgrade_request("127.0.0.1:7681", "/echo", "dGhlIHNhbXBsZSBub25jZQ==");
  const auto line_end = req.find("\r\n");
  auto head = parse_request_line(req.substr(0, line_end));
  ASSERT_TRUE(head.has_value());
  std::size_t at = line_end + 2;
  while (req.compare(at, 2, "\r\n") != 0) {
    const auto end = req.find("\r\n", at);
    const auto colon = req.find(':', at);
    head->headers.emplace_back(req.substr(at, colon - at), req.substr(colon + 2, end - colon - 2));
    at = end + 2;
  }
  const auto v = validate_upgrade_request(*head);
  EXPECT_TRUE(v.ok()) << escape_bytes(req, 300);
}

TEST(HttpHead, HeaderLookupIsCaseInsensitiveAndJoinsRepeats) {
  HttpHead h;
  h.headers = {{"Sec-WebSocket-Protocol", "chat"}, {"sec-websocket-protocol", " superchat "}, {"Host", "a"}};
  EXPECT_EQ(h.header("SEC-WEBSOCKET-PROTOCOL"), "chat, superchat");
  EXPECT_EQ(h.header("Origin"), std::nullopt);
  // Two keys become one value that is not base64 of 16 bytes: rejected (4.2.1).
  HttpHead twice = good_request();
  twice.headers.emplace_back("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(validate_upgrade_request(twice).rejection->why, UpgradeRejection::key_invalid);
}

TEST(HttpHead, ParseRequestLine) {
  const auto h = parse_request_line("GET /chat HTTP/1.1");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->method, "GET");
  EXPECT_EQ(h->target, "/chat");
  EXPECT_EQ(h->version, "HTTP/1.1");
  EXPECT_FALSE(parse_request_line("GET /chat").has_value());
  EXPECT_FALSE(parse_request_line("GET  /chat HTTP/1.1").has_value());
  EXPECT_FALSE(parse_request_line("GET /a b HTTP/1.1").has_value());
}

HttpResponseHead good_response() {
  auto h = parse_response_line("HTTP/1.1 101 Switching Protocols");
  EXPECT_TRUE(h.has_value());
  h->headers = {{"Upgrade", "websocket"},
                {"Connection", "Upgrade"},
                {"Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="},
                {"Sec-WebSocket-Protocol", "chat"}};
  return *h;
}

TEST(UpgradeResponse, TheClientAcceptsTheRfcResponse) {
  const auto v = validate_upgrade_response(good_response(), "dGhlIHNhbXBsZSBub25jZQ==", {"chat", "superchat"});
  EXPECT_TRUE(v.ok()) << v.reason;
  EXPECT_EQ(v.protocol, "chat");
}

TEST(UpgradeResponse, EachClientCheckHasItsOwnReason) {
  const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
  const std::vector<std::string> offered = {"chat"};
  auto check = [&](HttpResponseHead h, ResponseRejection expected) {
    const auto v = validate_upgrade_response(h, key, offered);
    ASSERT_FALSE(v.ok()) << "expected rejection " << static_cast<int>(expected);
    EXPECT_EQ(*v.why, expected) << v.reason;
    EXPECT_EQ(v.rule, "RFC 6455 4.1");
  };
  HttpResponseHead h = good_response();
  h.status = 200;
  check(h, ResponseRejection::not_101);
  h = good_response();
  h.headers[0].second = "h2c";
  check(h, ResponseRejection::upgrade_not_websocket);
  h = good_response();
  h.headers[1].second = "close";
  check(h, ResponseRejection::connection_no_upgrade);
  h = good_response();
  h.headers[2].second = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo";   // one character short
  check(h, ResponseRejection::accept_mismatch);
  h = good_response();
  h.headers.emplace_back("Sec-WebSocket-Extensions", "permessage-deflate");
  check(h, ResponseRejection::extension_not_offered);
  h = good_response();
  h.headers[3].second = "superchat";
  check(h, ResponseRejection::protocol_not_offered);
}

TEST(UpgradeResponse, StatusLines) {
  EXPECT_EQ(parse_response_line("HTTP/1.1 426 Upgrade Required")->status, 426);
  EXPECT_EQ(parse_response_line("HTTP/1.1 204")->reason, "");
  EXPECT_FALSE(parse_response_line("HTTP/1.1 1O1 Switching").has_value());
  EXPECT_FALSE(parse_response_line("HTTP/1.1").has_value());
}

TEST(UpgradeResponse, WhatTheServerBuildsTheClientAccepts) {
  const std::string response = build_accept_response("x3JJHMbDL1EzLkh9GBhXDw==", "chat");
  auto head = parse_response_line(response.substr(0, response.find("\r\n")));
  ASSERT_TRUE(head.has_value()) << escape_bytes(response, 200);
  head->headers = {{"Upgrade", "websocket"}, {"Connection", "Upgrade"},
                   {"Sec-WebSocket-Accept", sec_websocket_accept("x3JJHMbDL1EzLkh9GBhXDw==")},
                   {"Sec-WebSocket-Protocol", "chat"}};
  EXPECT_NE(response.find("Sec-WebSocket-Accept: HSmrc0sMlYUkAGmm5OPpG2HaGWk=\r\n"), std::string::npos)
      << "RFC 6455 1.2's second example key; got " << escape_bytes(response, 200);
  EXPECT_TRUE(validate_upgrade_response(*head, "x3JJHMbDL1EzLkh9GBhXDw==", {"chat"}).ok());
}

TEST(ProtocolList, Tokens) {
  const auto r = parse_protocol_list(" wirelab.chat.v1 ,chat,, superchat ");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(*r, (std::vector<std::string>{"wirelab.chat.v1", "chat", "superchat"}));
  EXPECT_FALSE(parse_protocol_list("chat, \"quoted\"").ok());
}

TEST(ExtensionList, ParamsValuesAndQuotedStrings) {
  const auto r = parse_extension_list(
      "permessage-deflate; client_no_context_takeover; client_max_window_bits=\"10\", x-webkit-deflate-frame, "
      "foo;bar=baz");
  ASSERT_TRUE(r.ok()) << r.error().reason << " at " << r.error().offset;
  ASSERT_EQ(r->size(), 3u);
  const Extension& pmd = (*r)[0];
  EXPECT_EQ(pmd.name, "permessage-deflate");
  ASSERT_EQ(pmd.params.size(), 2u);
  EXPECT_EQ(pmd.params[0].name, "client_no_context_takeover");
  EXPECT_FALSE(pmd.params[0].value.has_value());
  EXPECT_EQ(pmd.params[1].name, "client_max_window_bits");
  EXPECT_EQ(pmd.params[1].value, "10");
  EXPECT_EQ((*r)[1].name, "x-webkit-deflate-frame");
  EXPECT_TRUE((*r)[1].params.empty());
  EXPECT_EQ((*r)[2].params[0].value, "baz");
  EXPECT_EQ(format_extension_list(*r),
            "permessage-deflate; client_no_context_takeover; client_max_window_bits=10, x-webkit-deflate-frame, "
            "foo; bar=baz");
}

TEST(ExtensionList, Errors) {
  EXPECT_FALSE(parse_extension_list("; client_no_context_takeover").ok());
  EXPECT_FALSE(parse_extension_list("permessage-deflate; a=b c").ok());
  EXPECT_FALSE(parse_extension_list("permessage-deflate; a=\"b c\"").ok());
  EXPECT_TRUE(parse_extension_list("").ok());
}

}  // namespace
}  // namespace wire
