// Request rules (wire/request_rules.h) on their own and inside the
// HttpSplitter: each broken head gets its status and RFC section, and a
// splitter with rules never judges a head before it is whole.
#include <gtest/gtest.h>

#include "wire/http.h"
#include "wire/request_rules.h"
#include "wire_test_support.h"

namespace wire {
namespace {

using test::as_span;

HttpHeaders fields(std::initializer_list<std::pair<std::string, std::string>> f) { return HttpHeaders(f); }

const HttpHeaders kUpgradeFields = fields({{"Host", "127.0.0.1"}, {"Upgrade", "websocket"},
                                            {"Connection", "Upgrade"}, {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                                            {"Sec-WebSocket-Version", "13"}});

struct Case {
  std::string name, line;
  HttpHeaders headers;
  int status;
  std::string rule;
};

TEST(RequestRules, EachBrokenHeadHasItsStatusAndRule) {
  HttpHeaders cl = kUpgradeFields;
  cl.emplace_back("Content-Length", "1000000");
  HttpHeaders te = kUpgradeFields;
  te.emplace_back("Transfer-Encoding", "chunked");
  HttpHeaders many = fields({{"Host", "x"}});
  for (int i = 0; i < 101; ++i) many.emplace_back("X-" + std::to_string(i), "1");
  const std::vector<Case> cases = {
      {"no version", "GET /", fields({{"Host", "x"}}), 400, "RFC 9112 3"},
      {"HTTP/1.1 without Host", "GET / HTTP/1.1", {}, 400, "RFC 9112 3.2"},
      {"two Hosts", "GET / HTTP/1.1", fields({{"Host", "a"}, {"host", "b"}}), 400, "RFC 9112 3.2"},
      {"HTTP/1.0 upgrade", "GET /chat HTTP/1.0", kUpgradeFields, 400, "RFC 6455 4.1"},
      {"HTTP/2.0 upgrade", "GET /chat HTTP/2.0", kUpgradeFields, 400, "RFC 6455 4.1"},
      {"HTTP/2.0 plain", "GET / HTTP/2.0", fields({{"Host", "x"}}), 505, "RFC 9110 15.6.6"},
      {"upgrade with Content-Length", "GET /chat HTTP/1.1", cl, 400, "RFC 6455 4.1"},
      {"upgrade with Transfer-Encoding", "GET /chat HTTP/1.1", te, 400, "RFC 6455 4.1"},
      {"Content-Length and Transfer-Encoding", "POST /poll/send HTTP/1.1",
       fields({{"Host", "x"}, {"Content-Length", "5"}, {"Transfer-Encoding", "chunked"}}), 400, "RFC 9112 6.1"},
      {"chunked body", "POST /poll/send HTTP/1.1", fields({{"Host", "x"}, {"Transfer-Encoding", "chunked"}}), 411,
       "RFC 9110 15.5.12"},
      {"bad Content-Length", "POST /poll/send HTTP/1.1", fields({{"Host", "x"}, {"Content-Length", "5, 6"}}), 400,
       "RFC 9112 6.3"},
      {"101 fields", "GET / HTTP/1.1", many, 431, "RFC 6585 5"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = check_request_head(c.line, c.headers, RequestLimits{});
    ASSERT_TRUE(r.has_value()) << "should have been refused with " << c.status << ", but was accepted";
    EXPECT_EQ(r->status, c.status) << r->rule << ": " << r->reason;
    EXPECT_EQ(r->rule, c.rule) << r->reason;
  }
}

TEST(RequestRules, GoodHeadsPass) {
  EXPECT_FALSE(check_request_head("GET /chat HTTP/1.1", kUpgradeFields, RequestLimits{}));
  EXPECT_FALSE(check_request_head("GET / HTTP/1.0", {}, RequestLimits{})) << "HTTP/1.0 needs no Host";
  EXPECT_FALSE(check_request_head("POST /poll/send?session=1 HTTP/1.1",
                                  fields({{"Host", "x"}, {"Content-Length", "12"}}), RequestLimits{}));
  HttpHeaders zero = kUpgradeFields;
  zero.emplace_back("Content-Length", "0");
  EXPECT_FALSE(check_request_head("GET /chat HTTP/1.1", zero, RequestLimits{})) << "a zero length is no body";
}

TEST(RequestRules, RefusalResponseNamesTheRuleAndCloses) {
  const std::string r = build_refusal_response(RequestRefusal{431, "RFC 6585 5", "too long"});
  EXPECT_EQ(r.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0), 0u) << r;
  EXPECT_NE(r.find("Connection: close\r\n"), std::string::npos) << r;
  EXPECT_NE(r.find("\r\n\r\nRFC 6585 5: too long\n"), std::string::npos) << r;
}

struct Split {
  HttpSplitter splitter{HttpOptions{64 * 1024, 64 * 1024, RequestLimits{}}};
  std::vector<HttpBreach> breaches;
  std::size_t units = 0;
  void feed(const std::string& s) {
    HttpFeed f = splitter.feed(Direction::c2s, as_span(s));
    units += f.units.size();
    for (auto& b : f.breaches) breaches.push_back(b);
  }
};

TEST(RequestRules, SplitterRefusesLongHeadsBeforeTheyEnd) {
  for (std::size_t line : {std::size_t{8 * 1024}, std::size_t{64 * 1024}}) {
    SCOPED_TRACE(line);
    Split s;
    s.feed("GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(line, 'a'));   // no line end yet
    ASSERT_EQ(s.breaches.size(), 1u);
    EXPECT_EQ(s.breaches[0].refusal.status, 431);
    EXPECT_EQ(s.breaches[0].offset, 0u);
  }
  Split s;
  s.feed("GET /" + std::string(9000, 'a'));
  ASSERT_EQ(s.breaches.size(), 1u);
  EXPECT_EQ(s.breaches[0].refusal.status, 414);
}

TEST(RequestRules, SplitterSettlesAHeadOnlyWhenWholeAndAccepted) {
  Split s;
  const std::string first = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
  s.feed(first + "GET /b HTTP/1.1\r\nHo");
  EXPECT_EQ(s.splitter.settled(Direction::c2s), first.size()) << "the second head is not whole yet";
  s.feed("st: x\r\n\r\nGET /nover\r\n\r\n");
  ASSERT_EQ(s.breaches.size(), 1u);
  EXPECT_EQ(s.breaches[0].refusal.status, 400);
  EXPECT_EQ(s.breaches[0].offset, first.size() * 2) << "the refused request begins after the two good ones";
}

TEST(RequestRules, PlainHttpOnATlsPortIsToldTheSchemeToType) {
  const RequestRefusal r = plain_http_on_tls_port();
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.rule, "RFC 9110 4.2.2");
  EXPECT_NE(r.reason.find("https://"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("wss://"), std::string::npos) << r.reason;
  const std::string response = build_refusal_response(r);
  EXPECT_EQ(response.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << response;
}

}  // namespace
}  // namespace wire
