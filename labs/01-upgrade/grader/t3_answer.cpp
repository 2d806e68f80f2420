// Lab 1 grader, tasks 5-6: answer_upgrade and serialize_response.
#include "support.h"

using lab1::Fields;

namespace {

ws::Response answer(const Fields& fields, const std::string& method = "GET", const std::string& version = "HTTP/1.1") {
  grade::step("answer_upgrade(the request below)");
  grade::sent(lab1::head(fields, method + " /chat " + version));
  return ws::answer_upgrade(lab1::request(fields, method, version));
}

void expect_101(const ws::Response& r, const std::string& key) {
  if (r.status == 426) grade::symptom("426 is for a missing or wrong Sec-WebSocket-Version only; this one says 13.");
  GRADE_ASSERT_EQ("status", 101, r.status);
  GRADE_EXPECT_EQ("Upgrade header", std::string("websocket"), lab1::response_header(r, "Upgrade"));
  GRADE_EXPECT_EQ("Connection header", std::string("Upgrade"), lab1::response_header(r, "Connection"));
  std::string got = lab1::response_header(r, "Sec-WebSocket-Accept");
  lab1::diagnose_accept(key, got);
  GRADE_EXPECT_EQ("Sec-WebSocket-Accept header", lab1::reference_accept(key), got);
}

}  // namespace

GRADED_TEST(Answer, SwitchingProtocols, 3,
            "RFC 6455 4.2.2: accept with 101 and the headers \"Upgrade: websocket\", \"Connection: Upgrade\" "
            "and \"Sec-WebSocket-Accept\" (from your sec_websocket_accept).") {
  auto r = answer(lab1::good_fields());
  expect_101(r, "dGhlIHNhbXBsZSBub25jZQ==");
  GRADE_EXPECT_EQ("reason", std::string("Switching Protocols"), r.reason);
}

GRADED_TEST(Answer, AcceptsWhatBrowsersSend, 1,
            "RFC 7230 3.2 and 7: header names in any case; Connection and Upgrade are token lists compared "
            "without regard to case (\"Connection: keep-alive, Upgrade\", \"Upgrade: WebSocket\").") {
  std::string key = lab1::random_key();
  Fields firefox = {{"Host", "127.0.0.1:7681"},
                    {"User-Agent", "Mozilla/5.0"},
                    {"Sec-WebSocket-Version", "13"},
                    {"Origin", "http://127.0.0.1:7681"},
                    {"Sec-WebSocket-Extensions", "permessage-deflate"},
                    {"Sec-WebSocket-Key", key},
                    {"Connection", "keep-alive, Upgrade"},
                    {"Upgrade", "websocket"}};
  auto r = answer(firefox);
  if (r.status == 400) {
    grade::symptom("Firefox's request got 400: its Connection header holds Upgrade as one token of a list. "
                   "Look for the token with has_token, never compare the whole value with == (RFC 7230 6.1).");
  }
  expect_101(r, key);
  Fields lower = {{"host", "a"}, {"upgrade", "WebSocket"}, {"connection", "upgrade"},
                  {"sec-websocket-key", key}, {"sec-websocket-version", "13"}};
  expect_101(answer(lower), key);
}

GRADED_TEST(Answer, BadRequests, 2,
            "RFC 6455 4.2.1: answer 400 when the method is not GET, the version not HTTP/1.1, or Host, "
            "Upgrade: websocket, Connection: Upgrade, or a Sec-WebSocket-Key of 16 base64-encoded bytes is "
            "missing or wrong.") {
  const Fields good = lab1::good_fields();
  struct Case { Fields fields; std::string method, version, what; };
  const Case cases[] = {
      {good, "POST", "HTTP/1.1", "a POST"},
      {good, "GET", "HTTP/1.0", "HTTP/1.0"},
      {lab1::without(good, "Host"), "GET", "HTTP/1.1", "no Host"},
      {lab1::without(good, "Upgrade"), "GET", "HTTP/1.1", "no Upgrade"},
      {lab1::with(good, "Upgrade", "h2c"), "GET", "HTTP/1.1", "Upgrade: h2c"},
      {lab1::without(good, "Connection"), "GET", "HTTP/1.1", "no Connection"},
      {lab1::with(good, "Connection", "keep-alive"), "GET", "HTTP/1.1", "Connection without Upgrade"},
      {lab1::without(good, "Sec-WebSocket-Key"), "GET", "HTTP/1.1", "no Sec-WebSocket-Key"},
      {lab1::with(good, "Sec-WebSocket-Key", "c2hvcnQ="), "GET", "HTTP/1.1", "a key of 5 bytes"},
      {lab1::with(good, "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ"), "GET", "HTTP/1.1", "a key without =="},
  };
  auto control = answer(good);
  GRADE_ASSERT_EQ("status for a good request (so that 400 is not by accident)", 101, control.status);
  for (const auto& c : cases) {
    auto r = answer(c.fields, c.method, c.version);
    if (r.status == 426) grade::symptom("426 is only for Sec-WebSocket-Version; " + c.what + " gets 400.");
    if (r.status == 101) grade::symptom("Check every item of RFC 6455 4.2.1 before accepting: " + c.what + " got 101.");
    GRADE_EXPECT_EQ("status for " + c.what, 400, r.status);
  }
}

GRADED_TEST(Answer, UnsupportedVersion, 2,
            "RFC 6455 4.4: a missing or unsupported Sec-WebSocket-Version gets 426 Upgrade Required with a "
            "\"Sec-WebSocket-Version: 13\" header saying which version the server speaks.") {
  const Fields good = lab1::good_fields();
  const std::pair<Fields, std::string> cases[] = {{lab1::with(good, "Sec-WebSocket-Version", "8"), "version 8"},
                                                  {lab1::with(good, "Sec-WebSocket-Version", "14"), "version 14"},
                                                  {lab1::without(good, "Sec-WebSocket-Version"), "no version"}};
  for (const auto& [fields, what] : cases) {
    auto r = answer(fields);
    if (r.status == 400) grade::symptom("A wrong or missing version is not a bad request: answer 426 (RFC 6455 4.4).");
    GRADE_EXPECT_EQ("status for " + what, 426, r.status);
    GRADE_EXPECT_EQ("Sec-WebSocket-Version header", std::string("13"), lab1::response_header(r, "Sec-WebSocket-Version"));
  }
}

GRADED_TEST(Serialize, ExactBytes, 1,
            "RFC 7230 3.1.2: status-line = HTTP-version SP status-code SP reason-phrase CRLF; then "
            "\"Name: value\\r\\n\" per header and an empty line \"\\r\\n\".") {
  ws::Response r{426, "Upgrade Required", {{"Sec-WebSocket-Version", "13"}, {"Content-Length", "0"}}};
  grade::step("serialize_response({426, \"Upgrade Required\", {{\"Sec-WebSocket-Version\", \"13\"}, "
              "{\"Content-Length\", \"0\"}}})");
  GRADE_EXPECT_EQ("bytes",
                  std::string("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n"),
                  ws::serialize_response(r));
}

GRADED_TEST(Serialize, RfcExampleEndToEnd, 2,
            "parse_request, answer_upgrade and serialize_response together must give RFC 6455 1.3's answer, "
            "byte for byte: 101, Upgrade, Connection, Sec-WebSocket-Accept, in this order.") {
  std::string bytes = lab1::head(lab1::good_fields());
  grade::step("serialize_response(answer_upgrade(parse_request(the request below).request))");
  grade::sent(bytes);
  auto parsed = ws::parse_request(bytes);
  GRADE_ASSERT_EQ("parse status", ws::ParseStatus::complete, parsed.status);
  std::string got = ws::serialize_response(ws::answer_upgrade(parsed.request));
  grade::got(got);
  GRADE_EXPECT_EQ("response bytes",
                  std::string("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"),
                  got);
}
