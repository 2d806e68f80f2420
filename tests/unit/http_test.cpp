// HttpSplitter (wire/http.h): whole messages with exact bytes and offsets
// whatever the chunking; bodies by Content-Length, chunked (with trailers),
// none (HEAD, 1xx, 204, 304) or until close; pipelining; the switch after a
// 101; Raw with a reason for what does not parse, and bounded buffering.
#include <gtest/gtest.h>

#include "wire/http.h"
#include "wire_test_support.h"

namespace wire {
namespace {

using test::as_span;
using test::bytes_of;
using test::escape_bytes;

struct Collected {
  std::vector<HttpUnit> units;
  std::vector<WebSocketBytes> websocket;
};

void add(Collected& c, HttpFeed&& f) {
  for (auto& u : f.units) c.units.push_back(std::move(u));
  for (auto& w : f.websocket) c.websocket.push_back(std::move(w));
}

// Feeds one direction's bytes cut as `chunking` says.
void feed(HttpSplitter& s, Direction dir, const test::Chunking& chunking, Collected& c) {
  for (auto piece : chunking.pieces) add(c, s.feed(dir, piece));
}

const Http& http_at(const Collected& c, std::size_t i) {
  static const Http none;
  if (i >= c.units.size() || !std::holds_alternative<Http>(c.units[i])) {
    ADD_FAILURE() << "unit " << i << " should have been an Http unit (have " << c.units.size() << " units)";
    return none;
  }
  return std::get<Http>(c.units[i]);
}

const Raw& raw_at(const Collected& c, std::size_t i) {
  static const Raw none;
  if (i >= c.units.size() || !std::holds_alternative<Raw>(c.units[i])) {
    ADD_FAILURE() << "unit " << i << " should have been a Raw unit (have " << c.units.size() << " units)";
    return none;
  }
  return std::get<Raw>(c.units[i]);
}

const std::string kPost = "POST /poll/send?session=ab HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
const std::string kGet = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

TEST(HttpSplitter, SplitsPipelinedRequestsAtEveryChunking) {
  const Bytes input = bytes_of(kPost + kGet);
  test::for_each_chunking(input, [&](const test::Chunking& chunking) {
    SCOPED_TRACE(chunking.name);
    HttpSplitter s;
    Collected c;
    feed(s, Direction::c2s, chunking, c);
    ASSERT_EQ(c.units.size(), 2u);
    const Http& post = http_at(c, 0);
    EXPECT_EQ(post.offset, 0u);
    EXPECT_EQ(post.start_line, "POST /poll/send?session=ab HTTP/1.1");
    EXPECT_EQ(post.body_len, 5u);
    EXPECT_BYTES_EQ(kPost, post.bytes);
    ASSERT_EQ(post.headers.size(), 2u);
    EXPECT_EQ(post.headers[1].first, "Content-Length");
    EXPECT_EQ(post.headers[1].second, "5");
    const Http& get = http_at(c, 1);
    EXPECT_EQ(get.offset, kPost.size()) << "the second request starts where the first ended";
    EXPECT_BYTES_EQ(kGet, get.bytes);
    EXPECT_EQ(s.pending(Direction::c2s), 0u);
  });
}

TEST(HttpSplitter, ReadsChunkedBodyWithTrailers) {
  const std::string response =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nExpires: never\r\n\r\n";
  const std::string next = "HTTP/1.1 204 No Content\r\n\r\n";
  const Bytes input = bytes_of(response + next);
  test::for_each_chunking(input, [&](const test::Chunking& chunking) {
    SCOPED_TRACE(chunking.name);
    HttpSplitter s;
    Collected c;
    add(c, s.feed(Direction::c2s, as_span(kGet)));
    add(c, s.feed(Direction::c2s, as_span(kGet)));
    feed(s, Direction::s2c, chunking, c);
    ASSERT_EQ(c.units.size(), 4u);
    const Http& r = http_at(c, 2);
    EXPECT_BYTES_EQ(response, r.bytes);
    EXPECT_EQ(r.body_len, response.size() - response.find("\r\n\r\n") - 4) << "chunked coding counted as on the wire";
    ASSERT_EQ(r.headers.size(), 2u) << "the trailer field follows the header fields";
    EXPECT_EQ(r.headers[1].first, "Expires");
    EXPECT_FALSE(r.truncated);
    EXPECT_BYTES_EQ(next, http_at(c, 3).bytes);
    EXPECT_EQ(http_at(c, 3).offset, response.size());
  });
}

TEST(HttpSplitter, ResponsesWithoutBody) {
  // RFC 9112 6.3 item 1: HEAD responses, 1xx, 204 and 304 end at the head,
  // whatever Content-Length says.
  HttpSplitter s;
  Collected c;
  add(c, s.feed(Direction::c2s, as_span("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n" + kGet + kGet)));
  const std::string head_resp = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
  const std::string cont = "HTTP/1.1 100 Continue\r\n\r\n";
  const std::string not_modified = "HTTP/1.1 304 Not Modified\r\nContent-Length: 20\r\n\r\n";
  const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
  add(c, s.feed(Direction::s2c, as_span(head_resp + cont + not_modified + ok)));
  ASSERT_EQ(c.units.size(), 7u);
  EXPECT_BYTES_EQ(head_resp, http_at(c, 3).bytes);
  EXPECT_BYTES_EQ(cont, http_at(c, 4).bytes);
  EXPECT_BYTES_EQ(not_modified, http_at(c, 5).bytes);
  EXPECT_BYTES_EQ(ok, http_at(c, 6).bytes);
}

TEST(HttpSplitter, ResponseDelimitedByCloseEndsAtFinish) {
  HttpSplitter s;
  Collected c;
  add(c, s.feed(Direction::c2s, as_span(kGet)));
  const std::string response = "HTTP/1.0 200 OK\r\n\r\nall of this until the close";
  add(c, s.feed(Direction::s2c, as_span(response)));
  EXPECT_EQ(c.units.size(), 1u) << "nothing is emitted before the close";
  EXPECT_EQ(s.pending(Direction::s2c), response.size());
  add(c, s.finish(Direction::s2c));
  ASSERT_EQ(c.units.size(), 2u);
  EXPECT_BYTES_EQ(response, http_at(c, 1).bytes);
  EXPECT_EQ(http_at(c, 1).body_len, 27u);
}

const std::string kUpgrade =
    "GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
const std::string k101 =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n";

TEST(HttpSplitter, SwitchesBothDirectionsAfter101) {
  const Bytes early_frame = test::from_hex("81 85 37 fa 21 3d 7f 9f 4d 51 58");
  const Bytes server_frame = test::from_hex("81 05 48 65 6c 6c 6f");
  Bytes c2s = bytes_of(kUpgrade);
  c2s.insert(c2s.end(), early_frame.begin(), early_frame.end());
  Bytes s2c = bytes_of(k101);
  s2c.insert(s2c.end(), server_frame.begin(), server_frame.end());
  test::for_each_chunking(s2c, [&](const test::Chunking& chunking) {
    SCOPED_TRACE(chunking.name);
    HttpSplitter s;
    Collected c;
    add(c, s.feed(Direction::c2s, c2s));
    EXPECT_EQ(s.phase(Direction::c2s), HttpPhase::http) << "held until the answer";
    feed(s, Direction::s2c, chunking, c);
    ASSERT_EQ(c.units.size(), 2u);
    EXPECT_BYTES_EQ(kUpgrade, http_at(c, 0).bytes);
    EXPECT_BYTES_EQ(k101, http_at(c, 1).bytes);
    EXPECT_EQ(s.phase(Direction::c2s), HttpPhase::websocket);
    EXPECT_EQ(s.phase(Direction::s2c), HttpPhase::websocket);
    EXPECT_EQ(s.extensions(), "permessage-deflate");
    Bytes c2s_ws, s2c_ws;
    for (const auto& w : c.websocket) {
      Bytes& to = w.dir == Direction::c2s ? c2s_ws : s2c_ws;
      if (to.empty()) {
        EXPECT_EQ(w.offset, w.dir == Direction::c2s ? kUpgrade.size() : k101.size());
      }
      to.insert(to.end(), w.bytes.begin(), w.bytes.end());
    }
    EXPECT_BYTES_EQ(early_frame, c2s_ws);
    EXPECT_BYTES_EQ(server_frame, s2c_ws);
  });
}

TEST(HttpSplitter, RefusedUpgradeLetsTheClientSpeakHttpAgain) {
  HttpSplitter s;
  Collected c;
  add(c, s.feed(Direction::c2s, as_span(kUpgrade + kGet)));
  ASSERT_EQ(c.units.size(), 1u) << "the GET after an upgrade request waits for the answer";
  const std::string refusal = "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 3\r\n\r\nno\n";
  add(c, s.feed(Direction::s2c, as_span(refusal)));
  ASSERT_EQ(c.units.size(), 3u);
  EXPECT_BYTES_EQ(refusal, http_at(c, 1).bytes);
  EXPECT_BYTES_EQ(kGet, http_at(c, 2).bytes);
  EXPECT_EQ(http_at(c, 2).offset, kUpgrade.size());
  EXPECT_EQ(s.phase(Direction::c2s), HttpPhase::http);
}

TEST(HttpSplitter, SkipsJunkToTheNextRequestLine) {
  const std::string junk = "hello there\r\n\x01\x02\r\n";
  HttpSplitter s;
  Collected c;
  add(c, s.feed(Direction::c2s, as_span(junk + kGet)));
  ASSERT_EQ(c.units.size(), 2u);
  const Raw& r = raw_at(c, 0);
  EXPECT_BYTES_EQ(junk, r.bytes);
  EXPECT_EQ(r.offset, 0u);
  EXPECT_NE(r.why.find("RFC 9112 3"), std::string::npos) << r.why;
  EXPECT_EQ(http_at(c, 1).offset, junk.size());
}

TEST(HttpSplitter, AcceptsBareLfLineEnds) {
  const std::string get = "GET /x HTTP/1.1\nHost: a\n\n";
  HttpSplitter s;
  Collected c;
  add(c, s.feed(Direction::c2s, as_span(get)));
  ASSERT_EQ(c.units.size(), 1u);
  EXPECT_EQ(http_at(c, 0).start_line, "GET /x HTTP/1.1");
  EXPECT_EQ(http_at(c, 0).headers.size(), 1u);
}

TEST(HttpSplitter, BadContentLengthStopsTheDirection) {
  const std::string bad = "POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n";
  HttpSplitter s;
  Collected c;
  add(c, s.feed(Direction::c2s, as_span(bad + "hello")));
  add(c, s.feed(Direction::c2s, as_span(kGet)));
  ASSERT_EQ(c.units.size(), 3u);
  EXPECT_BYTES_EQ(bad, raw_at(c, 0).bytes);
  EXPECT_NE(raw_at(c, 0).why.find("Content-Length"), std::string::npos) << raw_at(c, 0).why;
  EXPECT_EQ(raw_at(c, 1).offset, bad.size());
  EXPECT_EQ(raw_at(c, 2).offset, bad.size() + 5);
  EXPECT_BYTES_EQ(kGet, raw_at(c, 2).bytes);
  EXPECT_EQ(s.phase(Direction::c2s), HttpPhase::stopped);
}

TEST(HttpSplitter, HeadLongerThanTheLimitIsRawAndBounded) {
  HttpSplitter s(HttpOptions{256, 256});
  Collected c;
  add(c, s.feed(Direction::c2s, as_span("GET / HTTP/1.1\r\n")));
  for (int i = 0; i < 100; ++i) add(c, s.feed(Direction::c2s, as_span("X-Filler: 0123456789\r\n")));
  EXPECT_LE(s.pending(Direction::c2s), 300u) << "buffering stays bounded";
  ASSERT_GE(c.units.size(), 1u);
  EXPECT_NE(raw_at(c, 0).why.find("longer than 256"), std::string::npos) << raw_at(c, 0).why;
  EXPECT_EQ(s.phase(Direction::c2s), HttpPhase::stopped);
}

TEST(HttpSplitter, LargeBodyIsCountedButKeptOnlyUpToTheLimit) {
  HttpSplitter s(HttpOptions{1024, 16});
  Collected c;
  const std::string head = "POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n";
  add(c, s.feed(Direction::c2s, as_span(head + std::string(100, 'a'))));
  ASSERT_EQ(c.units.size(), 1u);
  EXPECT_EQ(http_at(c, 0).body_len, 100u);
  EXPECT_EQ(http_at(c, 0).bytes.size(), head.size() + 16);
  EXPECT_TRUE(http_at(c, 0).truncated);
}

TEST(HttpSplitter, ConnectionClosedMidMessageIsRaw) {
  HttpSplitter s;
  Collected c;
  add(c, s.feed(Direction::c2s, as_span("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")));
  add(c, s.finish(Direction::c2s));
  ASSERT_EQ(c.units.size(), 1u);
  EXPECT_NE(raw_at(c, 0).why.find("closed before the end"), std::string::npos) << raw_at(c, 0).why;
}

TEST(HttpSplitter, A101WhileTheClientIsMidLineStopsTheClientSideAtTheRightOffset) {
  // Found by fuzz_http_splitter: the Raw had offset 0 instead of the line's.
  HttpSplitter s;
  Collected c;
  add(c, s.feed(Direction::c2s, as_span("junk\r\n")));
  add(c, s.feed(Direction::c2s, as_span("partial line")));
  add(c, s.feed(Direction::s2c, as_span(k101)));
  ASSERT_EQ(c.units.size(), 3u);
  EXPECT_EQ(raw_at(c, 2).offset, 6u);
  EXPECT_BYTES_EQ(std::string("partial line"), raw_at(c, 2).bytes);
  EXPECT_EQ(s.phase(Direction::c2s), HttpPhase::stopped);
}

TEST(HttpSplitter, RequestWithUnknownTransferCodingStopsTheDirection) {
  // RFC 9112 6.3 item 4: without chunked last, a request's length is unknowable.
  HttpSplitter s;
  Collected c;
  add(c, s.feed(Direction::c2s, as_span("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nxyz")));
  ASSERT_EQ(c.units.size(), 2u);
  EXPECT_NE(raw_at(c, 0).why.find("RFC 9112 6.3"), std::string::npos) << raw_at(c, 0).why;
  EXPECT_EQ(s.phase(Direction::c2s), HttpPhase::stopped);
}

TEST(HttpSplitter, A101ToAnotherProtocolStopsBothDirections) {
  HttpSplitter s;
  Collected c;
  add(c, s.feed(Direction::c2s, as_span("GET / HTTP/1.1\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n")));
  add(c, s.feed(Direction::s2c, as_span("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\nPRI")));
  EXPECT_EQ(s.phase(Direction::c2s), HttpPhase::stopped);
  EXPECT_EQ(s.phase(Direction::s2c), HttpPhase::stopped);
  ASSERT_EQ(c.units.size(), 3u);
  EXPECT_BYTES_EQ(std::string("PRI"), raw_at(c, 2).bytes);
  EXPECT_NE(raw_at(c, 2).why.find("other than WebSocket"), std::string::npos) << raw_at(c, 2).why;
}

TEST(HttpSplitter, BytesHeldAfterAnUpgradeRequestAreBounded) {
  HttpSplitter s(HttpOptions{256, 256});
  Collected c;
  add(c, s.feed(Direction::c2s, as_span(kUpgrade)));
  for (int i = 0; i < 20; ++i) add(c, s.feed(Direction::c2s, Bytes(100, 0x81)));
  EXPECT_LE(s.pending(Direction::c2s), 256u + 100u);
  EXPECT_EQ(s.phase(Direction::c2s), HttpPhase::stopped);
  ASSERT_GE(c.units.size(), 2u);
  EXPECT_EQ(raw_at(c, 1).offset, kUpgrade.size());
}

TEST(HttpFields, ParsesAndRejectsFieldLines) {
  auto f = parse_field_line("Upgrade:   websocket  ");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->second, "websocket");
  EXPECT_FALSE(parse_field_line("Upgrade : websocket")) << "RFC 9112 5.1: no space before the colon";
  EXPECT_FALSE(parse_field_line("no colon here"));
  EXPECT_TRUE(is_request_line("GET /chat HTTP/1.1"));
  EXPECT_FALSE(is_request_line("GET /chat HTTP/1.1 extra"));
  EXPECT_FALSE(is_request_line("G@T /chat HTTP/1.1"));
  auto st = parse_status_line("HTTP/1.1 101 Switching Protocols");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->status, 101);
  EXPECT_FALSE(parse_status_line("HTTP/1.1 1O1 x"));
  HttpHeaders h{{"connection", "keep-alive, Upgrade"}};
  EXPECT_TRUE(header_has_token(h, "Connection", "upgrade"));
  EXPECT_FALSE(header_has_token(h, "Connection", "close"));
}

// A holder may keep a message's bytes alone (the relay's mirror keeps
// handshakes so): its start line and fields read back from them as split.
TEST(HttpFields, ReparseHeadReadsTheStartLineAndFieldsBackFromTheBytes) {
  const std::string wire_text =
      "POST /poll/send?session=x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nhi";
  HttpSplitter s;
  const Collected c = [&] {
    Collected out;
    add(out, s.feed(Direction::c2s, as_span(wire_text)));
    return out;
  }();
  Http kept = http_at(c, 0);
  const Http split = kept;
  kept.start_line.clear();
  kept.headers.clear();
  ASSERT_TRUE(reparse_head(kept)) << "bytes: " << escape_bytes(kept.bytes);
  EXPECT_EQ(kept.start_line, split.start_line);
  EXPECT_EQ(kept.headers, split.headers);
}

TEST(HttpFields, ReparseHeadLeavesAHeadItCannotReadUnchanged) {
  Http unit;
  unit.start_line = "GET / HTTP/1.1";
  unit.headers = {{"X-Folded", "a b"}};
  const std::string text = "GET / HTTP/1.1\r\nX-Folded: a\r\n b\r\n\r\n";   // obs-fold (RFC 9112 5.2)
  unit.bytes.assign(text.begin(), text.end());
  EXPECT_FALSE(reparse_head(unit));
  EXPECT_EQ(unit.start_line, "GET / HTTP/1.1");
  ASSERT_EQ(unit.headers.size(), 1u);
  EXPECT_EQ(unit.headers[0].second, "a b");
}

}  // namespace
}  // namespace wire
