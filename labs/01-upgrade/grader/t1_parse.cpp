// Lab 1 grader, tasks 1-2: parse_request, find_header, has_token.
#include "support.h"

using lab1::Fields;

namespace {

ws::ParseResult parse(const std::string& bytes) {
  grade::step("parse_request(the " + std::to_string(bytes.size()) + " bytes below)");
  grade::sent(bytes);
  return ws::parse_request(bytes);
}

}  // namespace

GRADED_TEST(Parse, RequestLine, 2,
            "RFC 7230 3.1.1: request-line = method SP request-target SP HTTP-version CRLF; "
            "split the first line at its two spaces.") {
  auto r = parse(lab1::head(lab1::good_fields()));
  GRADE_ASSERT_EQ("status", ws::ParseStatus::complete, r.status);
  GRADE_EXPECT_EQ("request.method", std::string("GET"), r.request.method);
  GRADE_EXPECT_EQ("request.target", std::string("/chat"), r.request.target);
  GRADE_EXPECT_EQ("request.version", std::string("HTTP/1.1"), r.request.version);
  r = parse(lab1::head({{"Host", "example.com"}}, "OPTIONS /a/b?c=d HTTP/1.0"));
  GRADE_ASSERT_EQ("status", ws::ParseStatus::complete, r.status);
  GRADE_EXPECT_EQ("request.method", std::string("OPTIONS"), r.request.method);
  GRADE_EXPECT_EQ("request.target", std::string("/a/b?c=d"), r.request.target);
  GRADE_EXPECT_EQ("request.version", std::string("HTTP/1.0"), r.request.version);
}

GRADED_TEST(Parse, HeaderFields, 2,
            "RFC 7230 3.2: header-field = field-name \":\" OWS field-value OWS. Keep the name as sent; "
            "remove spaces and tabs around the value, but not inside it.") {
  std::string bytes = "GET /chat HTTP/1.1\r\nHost:127.0.0.1:7681\r\nUpgrade:   websocket  \r\n"
                      "X-Tabs:\t a b \t\r\nX-Empty:\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
  auto r = parse(bytes);
  GRADE_ASSERT_EQ("status", ws::ParseStatus::complete, r.status);
  GRADE_ASSERT_EQ("request.headers.size()", std::size_t{5}, r.request.headers.size());
  const char* names[] = {"Host", "Upgrade", "X-Tabs", "X-Empty", "sec-websocket-key"};
  const char* values[] = {"127.0.0.1:7681", "websocket", "a b", "", "dGhlIHNhbXBsZSBub25jZQ=="};
  for (std::size_t i = 0; i < 5; ++i) {
    std::string at = "request.headers[" + std::to_string(i) + "]";
    GRADE_EXPECT_EQ(at + ".name", std::string(names[i]), r.request.headers[i].name);
    GRADE_EXPECT_EQ(at + ".value", std::string(values[i]), r.request.headers[i].value);
  }
}

GRADED_TEST(Parse, NeedMoreUntilBlankLine, 2,
            "RFC 7230 3: the head ends at the first empty line, \"\\r\\n\\r\\n\". Until it has come, "
            "TCP may have delivered any part of it: answer need_more and wait for more bytes.") {
  std::string bytes = lab1::head(lab1::good_fields());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto r = ws::parse_request(std::string_view(bytes).substr(0, n));
    if (r.status != ws::ParseStatus::need_more) {
      grade::step("parse_request(the first " + std::to_string(n) + " bytes of a request)");
      grade::sent(bytes.substr(0, n));
      if (r.status == ws::ParseStatus::complete) {
        grade::symptom("A head is complete only at \"\\r\\n\\r\\n\"; a lone \"\\r\\n\" ends just one line (RFC 7230 3).");
      }
      GRADE_ASSERT_EQ("status", ws::ParseStatus::need_more, r.status);
    }
  }
  grade::ok("need_more for each of the " + std::to_string(bytes.size()) + " shorter prefixes");
  auto r = parse(bytes);
  GRADE_EXPECT_EQ("status once the blank line is there", ws::ParseStatus::complete, r.status);
}

GRADED_TEST(Parse, HeadLenStopsAtBlankLine, 1,
            "head_len counts the head up to and including \"\\r\\n\\r\\n\"; bytes after it are not part of "
            "the head (after a 101 they are WebSocket frames, RFC 6455 4.1).") {
  std::string request = lab1::head(lab1::good_fields());
  std::string more = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";  // RFC 6455 5.7's masked "Hello"
  auto r = parse(request + more);
  GRADE_ASSERT_EQ("status", ws::ParseStatus::complete, r.status);
  GRADE_EXPECT_EQ("head_len", request.size(), r.head_len);
  GRADE_EXPECT_EQ("request.headers.size()", lab1::good_fields().size(), r.request.headers.size());
}

GRADED_TEST(Parse, RejectsMalformedHeads, 2,
            "Answer invalid (and the server 400) for every form listed above parse_request in upgrade.h: "
            "a request-line without exactly two spaces, a version that is not HTTP/digit.digit, a header "
            "line without ':', whitespace before ':' (RFC 7230 3.2.4), an empty name, or a line starting "
            "with whitespace (obsolete line folding, 3.2.4).") {
  const std::string ok = "Host: 127.0.0.1\r\n";
  const std::string bad[] = {
      "GET /chat\r\n" + ok + "\r\n",
      "GET /chat HTTP/1.1 x\r\n" + ok + "\r\n",
      "GET  /chat HTTP/1.1\r\n" + ok + "\r\n",
      "GET /chat HTTQ/1.1\r\n" + ok + "\r\n",
      "GET /chat HTTP/11\r\n" + ok + "\r\n",
      "GET /chat http/1.1\r\n" + ok + "\r\n",
      "GET /chat HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n",
      "GET /chat HTTP/1.1\r\nHost : 127.0.0.1\r\n\r\n",
      "GET /chat HTTP/1.1\r\nHost\t: 127.0.0.1\r\n\r\n",
      "GET /chat HTTP/1.1\r\n: 127.0.0.1\r\n\r\n",
      "GET /chat HTTP/1.1\r\n" + ok + " folded: line\r\n\r\n",
  };
  auto control = parse("GET /chat HTTP/1.1\r\n" + ok + "\r\n");
  GRADE_ASSERT_EQ("status of a good head (so that rejecting is not by accident)", ws::ParseStatus::complete,
                  control.status);
  for (const auto& bytes : bad) {
    auto r = parse(bytes);
    GRADE_EXPECT_EQ("status", ws::ParseStatus::invalid, r.status);
  }
}

GRADED_TEST(Parse, RejectsHugeHead, 1,
            "Bound what you buffer: a head longer than max_head_len (8192) bytes is invalid, whether its "
            "blank line has come or not, or a peer can make your server hold any amount of memory.") {
  std::string fits = "GET /chat HTTP/1.1\r\nX-Padding: " + std::string(8000, 'a') + "\r\n\r\n";
  grade::step("parse_request(\"GET /chat HTTP/1.1\\r\\nX-Padding: aaaa…\\r\\n\\r\\n\" : 8035 bytes, complete)");
  GRADE_ASSERT_EQ("status of a long head that fits", ws::ParseStatus::complete, ws::parse_request(fits).status);
  std::string bytes = "GET /chat HTTP/1.1\r\nX-Padding: " + std::string(9000, 'a');
  grade::step("parse_request(\"GET /chat HTTP/1.1\\r\\nX-Padding: aaaa…\" : 9031 bytes, no blank line)");
  auto r = ws::parse_request(bytes);
  GRADE_EXPECT_EQ("status", ws::ParseStatus::invalid, r.status);
  std::string whole = "GET /chat HTTP/1.1\r\nX-Padding: " + std::string(9000, 'a') + "\r\n\r\n";
  grade::step("parse_request(\"GET /chat HTTP/1.1\\r\\nX-Padding: aaaa…\\r\\n\\r\\n\" : 9035 bytes, complete but too long)");
  GRADE_EXPECT_EQ("status", ws::ParseStatus::invalid, ws::parse_request(whole).status);
}

GRADED_TEST(Headers, FindIgnoresCase, 1,
            "RFC 7230 3.2: field names are case-insensitive: find_header(r, \"host\") finds \"Host\". "
            "Return the first match, or nullopt when there is none.") {
  ws::Request r = lab1::request({{"Host", "a"}, {"sec-websocket-key", "k"}, {"X-Twice", "1"}, {"x-twice", "2"}});
  struct Case { const char* name; std::optional<std::string> want; };
  const Case cases[] = {{"Host", "a"}, {"host", "a"}, {"HOST", "a"}, {"Sec-WebSocket-Key", "k"},
                        {"X-Twice", "1"}, {"Origin", std::nullopt}, {"Hos", std::nullopt}};
  for (const auto& c : cases) {
    grade::step(std::string("find_header(request with Host, sec-websocket-key, X-Twice: 1, x-twice: 2, \"") +
                c.name + "\")");
    auto got = ws::find_header(r, c.name);
    if (c.want && !got && ws::find_header(r, "Host")) {
      grade::symptom(std::string("\"Host\" is found but \"") + c.name + "\" is not: you compared the names exactly. "
                     "Compare them letter by letter without regard to case (RFC 7230 3.2).");
    }
    GRADE_EXPECT_EQ("found", c.want.has_value(), got.has_value());
    if (c.want && got) GRADE_EXPECT_EQ("value", *c.want, *got);
  }
}

GRADED_TEST(Headers, TokenLists, 2,
            "RFC 7230 7: Connection and Upgrade carry comma-separated lists, compared without regard to "
            "case. Browsers send \"Connection: keep-alive, Upgrade\" (Firefox) and \"Upgrade: websocket\".") {
  struct Case { const char* value; const char* token; bool want; };
  const Case cases[] = {{"Upgrade", "Upgrade", true},          {"upgrade", "Upgrade", true},
                        {"keep-alive, Upgrade", "upgrade", true}, {"keep-alive,Upgrade", "upgrade", true},
                        {"Upgrade , keep-alive", "upgrade", true}, {"WebSocket", "websocket", true},
                        {"keep-alive", "upgrade", false},         {"Upgraded", "upgrade", false},
                        {"", "upgrade", false},                   {"up grade", "upgrade", false}};
  for (const auto& c : cases) {
    grade::step(std::string("has_token(\"") + c.value + "\", \"" + c.token + "\")");
    bool got = ws::has_token(c.value, c.token);
    if (!got && c.want && std::string(c.value).find(',') != std::string::npos) {
      grade::symptom("A list may hold several tokens: split at ',' and trim spaces around each (RFC 7230 7).");
    }
    GRADE_EXPECT_EQ("has_token", c.want, got);
  }
}
