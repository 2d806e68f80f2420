// StreamDecoder (wire/stream_decoder.h): a whole tapped connection, both
// directions, any chunking -> Http, Frame and Raw units with their exact bytes
// and offsets; breaches of the server-role rules reported beside the frame.
#include <gtest/gtest.h>

#include "wire/frame.h"
#include "wire/stream_decoder.h"
#include "wire_test_support.h"

namespace wire {
namespace {

using test::as_span;
using test::bytes_of;
using test::from_hex;

const std::string kUpgrade =
    "GET /chat HTTP/1.1\r\nHost: 127.0.0.1:7681\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
const std::string k101 =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
const std::string k101Deflate =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n\r\n";
const MaskingKey kKey{0x37, 0xfa, 0x21, 0x3d};

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

struct Session {
  StreamDecoder decoder;
  std::vector<Unit> units;
  std::vector<FrameBreach> breaches;   // unit_index rebased onto `units`

  explicit Session(StreamDecoderOptions o = {}) : decoder(o) {}
  void take(FeedResult&& r) {
    for (auto b : r.breaches) {
      b.unit_index += units.size();
      breaches.push_back(std::move(b));
    }
    for (auto& u : r.units) units.push_back(std::move(u));
  }
  void feed(Direction d, std::span<const std::uint8_t> b) { take(decoder.feed(d, b)); }
  void feed(Direction d, const test::Chunking& c) {
    for (auto p : c.pieces) feed(d, p);
  }
  void upgrade(const std::string& response = k101) {
    feed(Direction::c2s, as_span(kUpgrade));
    feed(Direction::s2c, as_span(response));
  }
  const Frame& frame(std::size_t i) const {
    static const Frame none;
    if (i >= units.size() || !std::holds_alternative<Frame>(units[i])) {
      ADD_FAILURE() << "unit " << i << " should have been a Frame (have " << units.size() << " units)";
      return none;
    }
    return std::get<Frame>(units[i]);
  }
};

// The bytes a unit covers on the wire (header + payload for frames).
Bytes wire_bytes(const Unit& u) {
  return std::visit(
      [](const auto& x) -> Bytes {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Frame>) return cat({x.header, x.payload});
        else return x.bytes;
      },
      u);
}

TEST(StreamDecoder, Rfc6455Section57ExamplesAtAnyChunking) {
  const Bytes c2s_frames = cat({
      from_hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"),            // masked "Hello"
      encode_client_frame(Opcode::text, as_span("Hel"), kKey, false),
      encode_client_frame(Opcode::continuation, as_span("lo"), kKey, true),
      from_hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"),            // masked pong "Hello"
      encode_client_frame(Opcode::binary, Bytes(256, 0xab), kKey),
  });
  const Bytes s2c_frames = cat({
      from_hex("81 05 48 65 6c 6c 6f"),                        // unmasked "Hello"
      from_hex("89 05 48 65 6c 6c 6f"),                        // unmasked ping "Hello"
      encode_server_frame(Opcode::binary, Bytes(65536, 0xcd)),
  });
  const Bytes c2s = cat({bytes_of(kUpgrade), c2s_frames});
  const Bytes s2c = cat({bytes_of(k101), s2c_frames});
  std::vector<test::Chunking> chunkings = test::random_chunkings(c2s, 7, 3);
  chunkings.push_back(test::chunk_whole(c2s));
  for (std::size_t cut : {std::size_t{1}, kUpgrade.size() - 1, kUpgrade.size(), kUpgrade.size() + 1, kUpgrade.size() + 9})
    chunkings.push_back(test::chunk_split_at(c2s, cut));
  for (const auto& chunking : chunkings) {
    SCOPED_TRACE(chunking.name.substr(0, 120));
    Session s;
    s.feed(Direction::c2s, chunking);
    s.feed(Direction::s2c, test::random_chunkings(s2c, 11, 1).front());
    ASSERT_EQ(s.units.size(), 10u);
    EXPECT_TRUE(s.breaches.empty()) << s.breaches.front().error.reason;
    // Units of one direction tile its stream, byte for byte.
    Bytes seen_c2s, seen_s2c;
    for (const auto& u : s.units) {
      const auto [dir, offset] = std::visit([](const auto& x) { return std::pair{x.dir, x.offset}; }, u);
      Bytes& seen = dir == Direction::c2s ? seen_c2s : seen_s2c;
      EXPECT_EQ(offset, seen.size());
      const Bytes b = wire_bytes(u);
      seen.insert(seen.end(), b.begin(), b.end());
    }
    EXPECT_BYTES_EQ(c2s, seen_c2s);
    EXPECT_BYTES_EQ(s2c, seen_s2c);
    // The masked "Hello": header exact, payload still masked, key as on the wire.
    const Frame& hello = s.frame(2);
    EXPECT_EQ(hello.dir, Direction::c2s);
    EXPECT_BYTES_EQ(from_hex("81 85 37 fa 21 3d"), hello.header);
    EXPECT_BYTES_EQ(from_hex("7f 9f 4d 51 58"), hello.payload);
    EXPECT_EQ(hello.mask_key, 0x37fa213du);
    EXPECT_EQ(hello.payload_len, 5u);
    EXPECT_FALSE(s.frame(3).fin);
    EXPECT_EQ(s.frame(4).opcode, 0);
    EXPECT_EQ(s.frame(5).opcode, 0xA);
    EXPECT_EQ(s.frame(6).payload_len, 256u);
    EXPECT_EQ(s.frame(6).header.size(), 8u);
    EXPECT_FALSE(s.frame(7).masked);
    EXPECT_FALSE(s.frame(7).mask_key.has_value());
    EXPECT_EQ(s.frame(8).opcode, 0x9);
    EXPECT_EQ(s.frame(9).payload_len, 65536u);
    EXPECT_EQ(s.frame(9).header.size(), 10u);
    EXPECT_FALSE(s.frame(9).truncated);
    EXPECT_EQ(s.decoder.phase(Direction::c2s), StreamDecoder::Phase::websocket);
    EXPECT_EQ(s.decoder.pending(Direction::c2s), 0u);
  }
}

struct BreachCase {
  std::string name;
  std::string response;
  Direction dir;
  Bytes frame;
  std::string rule;
};

TEST(StreamDecoder, ReportsEachServerRoleBreachAfterItsFrame) {
  const std::vector<BreachCase> cases = {
      {"unmasked client frame", k101, Direction::c2s, from_hex("81 05 48 65 6c 6c 6f"), "RFC 6455 5.1"},
      {"masked server frame", k101, Direction::s2c, from_hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"), "RFC 6455 5.1"},
      {"reserved opcode", k101, Direction::c2s, from_hex("83 80 01 02 03 04"), "RFC 6455 5.2"},
      {"rsv1 without extension", k101, Direction::c2s, from_hex("c1 80 01 02 03 04"), "RFC 6455 5.2"},
      {"rsv2 even with deflate", k101Deflate, Direction::c2s, from_hex("a1 80 01 02 03 04"), "RFC 6455 5.2"},
      {"fragmented ping", k101, Direction::c2s, from_hex("09 80 01 02 03 04"), "RFC 6455 5.5"},
      {"ping of 126 bytes", k101, Direction::c2s,
       encode_client_frame(Opcode::ping, Bytes(126, 0), kKey), "RFC 6455 5.5"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Session s;
    s.upgrade(c.response);
    const Bytes after = encode_server_frame(Opcode::text, as_span("ok"));
    s.feed(c.dir, cat({c.frame, c.dir == Direction::s2c ? after : encode_client_frame(Opcode::text, as_span("ok"), kKey)}));
    ASSERT_EQ(s.units.size(), 4u) << "the breaking frame and the next one are both emitted";
    const Frame& f = s.frame(2);
    EXPECT_EQ(wire_bytes(s.units[2]), c.frame);
    ASSERT_EQ(s.breaches.size(), 1u);
    EXPECT_EQ(s.breaches[0].unit_index, 2u);
    EXPECT_EQ(s.breaches[0].error.rule, c.rule) << s.breaches[0].error.reason;
    EXPECT_EQ(s.breaches[0].close_code, 1002);
    EXPECT_EQ(s.breaches[0].error.offset, f.offset + (c.rule == "RFC 6455 5.2" || c.name == "fragmented ping" ? 0 : 1));
  }
}

TEST(StreamDecoder, Rsv1IsAllowedAfterPermessageDeflate) {
  Session s;
  s.upgrade(k101Deflate);
  EXPECT_EQ(s.decoder.extensions(), "permessage-deflate; client_no_context_takeover");
  s.feed(Direction::c2s, from_hex("c1 80 01 02 03 04"));
  s.feed(Direction::s2c, from_hex("c1 00"));
  ASSERT_EQ(s.units.size(), 4u);
  EXPECT_EQ(s.frame(2).rsv, 4);
  EXPECT_TRUE(s.breaches.empty());
}

TEST(StreamDecoder, LengthWithTopBitSetIsRawAndStopsTheDirection) {
  Session s;
  s.upgrade();
  const Bytes bad = from_hex("82 ff 80 00 00 00 00 00 00 00");
  s.feed(Direction::c2s, cat({bad, from_hex("01 02 03")}));
  s.feed(Direction::c2s, from_hex("04 05"));
  ASSERT_EQ(s.units.size(), 5u);
  ASSERT_TRUE(std::holds_alternative<Raw>(s.units[2]));
  const Raw& r = std::get<Raw>(s.units[2]);
  EXPECT_EQ(r.offset, kUpgrade.size());
  EXPECT_BYTES_EQ(from_hex("82 ff 80"), r.bytes);
  EXPECT_NE(r.why.find("RFC 6455 5.2"), std::string::npos) << r.why;
  // 7.1.7: a breach like any other (the tap sends Close 1002 instead of a bare drop).
  ASSERT_EQ(s.breaches.size(), 1u);
  EXPECT_EQ(s.breaches[0].unit_index, 2u);
  EXPECT_EQ(s.breaches[0].close_code, 1002);
  EXPECT_EQ(s.breaches[0].error.offset, kUpgrade.size() + 2) << "the first byte of the 64-bit length";
  EXPECT_EQ(s.decoder.settled(Direction::c2s), kUpgrade.size()) << "nothing of the broken frame is judged fit to pass";
  EXPECT_EQ(s.decoder.phase(Direction::c2s), StreamDecoder::Phase::stopped);
  ASSERT_TRUE(std::holds_alternative<Raw>(s.units[4]));
  EXPECT_EQ(std::get<Raw>(s.units[4]).offset, kUpgrade.size() + 13);
  // The other direction carries on.
  s.feed(Direction::s2c, from_hex("81 00"));
  EXPECT_EQ(s.frame(5).opcode, 1);
}

TEST(StreamDecoder, HugePayloadIsTruncatedButCounted) {
  Session s(StreamDecoderOptions{16, 64 * 1024});
  s.upgrade();
  const Bytes big = encode_client_frame(Opcode::binary, Bytes(1000, 7), kKey);
  s.feed(Direction::c2s, big);
  s.feed(Direction::c2s, encode_client_frame(Opcode::text, as_span("x"), kKey));
  ASSERT_EQ(s.units.size(), 4u);
  EXPECT_EQ(s.frame(2).payload_len, 1000u);
  EXPECT_EQ(s.frame(2).payload.size(), 16u);
  EXPECT_TRUE(s.frame(2).truncated);
  EXPECT_EQ(s.frame(3).offset, kUpgrade.size() + big.size());
}

TEST(StreamDecoder, InterleavedDirectionsAndFinishMidFrame) {
  Session s;
  s.feed(Direction::c2s, as_span(kUpgrade.substr(0, 10)));
  s.feed(Direction::c2s, as_span(kUpgrade.substr(10)));
  s.feed(Direction::s2c, as_span(k101.substr(0, 30)));
  EXPECT_EQ(s.decoder.phase(Direction::s2c), StreamDecoder::Phase::http);
  s.feed(Direction::s2c, as_span(k101.substr(30)));
  s.feed(Direction::c2s, from_hex("81 85 37 fa"));
  EXPECT_EQ(s.decoder.pending(Direction::c2s), 4u);
  s.take(s.decoder.finish(Direction::c2s));
  ASSERT_EQ(s.units.size(), 3u);
  ASSERT_TRUE(std::holds_alternative<Raw>(s.units[2]));
  EXPECT_BYTES_EQ(from_hex("81 85 37 fa"), std::get<Raw>(s.units[2]).bytes);
  // Found by fuzz_stream_decoder: bytes after the end start after the cut header.
  s.feed(Direction::c2s, from_hex("00"));
  ASSERT_EQ(s.units.size(), 4u);
  ASSERT_TRUE(std::holds_alternative<Raw>(s.units[3]));
  EXPECT_EQ(std::get<Raw>(s.units[3]).offset, kUpgrade.size() + 4);
}

// 5.4: a continuation with nothing to continue, and a new data frame inside a
// fragmented message, are breaches (1002) like the header rules (issue 17 item 8).
TEST(StreamDecoder, FragmentationOrderBreachesAreReported) {
  {
    Session s;
    s.upgrade();
    s.feed(Direction::c2s, encode_client_frame(Opcode::continuation, as_span("lo"), kKey, true));
    ASSERT_EQ(s.breaches.size(), 1u);
    EXPECT_EQ(s.breaches[0].error.rule, "RFC 6455 5.4");
    EXPECT_EQ(s.breaches[0].close_code, 1002);
    EXPECT_EQ(s.breaches[0].unit_index, 2u);
  }
  {
    Session s;
    s.upgrade();
    s.feed(Direction::c2s, encode_client_frame(Opcode::text, as_span("Hel"), kKey, false));
    s.feed(Direction::c2s, encode_client_frame(Opcode::ping, as_span(""), kKey, true));   // 5.4: control frames may come between
    s.feed(Direction::c2s, encode_client_frame(Opcode::text, as_span("x"), kKey, true));
    ASSERT_EQ(s.breaches.size(), 1u);
    EXPECT_EQ(s.breaches[0].unit_index, 4u);
    EXPECT_NE(s.breaches[0].error.reason.find("before the fragmented message ended"), std::string::npos);
  }
}

// Bytes after an upgrade request are settled only once the 101 went by.
TEST(StreamDecoder, BytesAfterAnUpgradeRequestSettleWithThe101) {
  Session s;
  const Bytes frame = encode_client_frame(Opcode::text, as_span("Hello"), kKey);
  s.feed(Direction::c2s, cat({bytes_of(kUpgrade), frame}));
  EXPECT_EQ(s.decoder.settled(Direction::c2s), kUpgrade.size());
  s.feed(Direction::s2c, as_span(k101));
  EXPECT_EQ(s.decoder.settled(Direction::c2s), kUpgrade.size() + frame.size());
}

// 5.5.1, 7.4, 8.1: a close body is empty, or a code that may be sent plus a
// UTF-8 reason; anything else is a breach (1002, or 1007 for the reason).
TEST(StreamDecoder, CloseBodyRulesAreBreaches) {
  struct Case {
    const char* name;
    Bytes body;
    std::uint16_t close_code;   // 0: no breach
  };
  const Case cases[] = {
      {"empty body", {}, 0},
      {"1000 with a UTF-8 reason", cat({from_hex("03 e8"), bytes_of("κόσμε")}), 0},
      {"1-byte body", from_hex("03"), 1002},
      {"code 5000", from_hex("13 88"), 1002},
      {"code 1005 (never on the wire)", from_hex("03 ed"), 1002},
      {"reason with 0xff", from_hex("03 e8 61 ff"), 1007},
      {"reason cut inside a sequence", from_hex("03 e9 61 ce"), 1007},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Session s;
    s.upgrade();
    s.feed(Direction::c2s, encode_client_frame(Opcode::close, c.body, kKey));
    ASSERT_EQ(s.units.size(), 3u);
    if (c.close_code == 0) {
      EXPECT_TRUE(s.breaches.empty()) << s.breaches.front().error.reason;
      continue;
    }
    ASSERT_EQ(s.breaches.size(), 1u);
    EXPECT_EQ(s.breaches[0].unit_index, 2u);
    EXPECT_EQ(s.breaches[0].close_code, c.close_code) << s.breaches[0].error.reason;
  }
}

// A proxy passes on only settled bytes: a frame header only once whole and
// within the rules, a data payload as it comes, a control frame only whole.
TEST(StreamDecoder, FramesSettleOnlyOnceJudgedByteByByte) {
  Session s;
  s.upgrade();
  const std::uint64_t start = kUpgrade.size();
  const Bytes text = encode_client_frame(Opcode::text, as_span("Hello"), kKey);   // 6-byte header
  for (std::size_t i = 0; i < text.size(); ++i) {
    s.feed(Direction::c2s, std::span(text).subspan(i, 1));
    const std::uint64_t want = i + 1 < 6 ? start : start + i + 1;
    EXPECT_EQ(s.decoder.settled(Direction::c2s), want) << "after byte " << i << " of a text frame";
  }
  const std::uint64_t ping_at = start + text.size();
  const Bytes ping = encode_client_frame(Opcode::ping, as_span("p"), kKey);
  for (std::size_t i = 0; i < ping.size(); ++i) {
    s.feed(Direction::c2s, std::span(ping).subspan(i, 1));
    const std::uint64_t want = i + 1 < ping.size() ? ping_at : ping_at + ping.size();
    EXPECT_EQ(s.decoder.settled(Direction::c2s), want) << "after byte " << i << " of a ping";
  }
  const std::uint64_t rsv_at = ping_at + ping.size();
  Bytes rsv = encode_client_frame(Opcode::text, as_span("rsv"), kKey);
  rsv[0] |= 0x40;   // RSV1 without an extension
  for (std::size_t i = 0; i < rsv.size(); ++i) {
    s.feed(Direction::c2s, std::span(rsv).subspan(i, 1));
    EXPECT_EQ(s.decoder.settled(Direction::c2s), i + 1 < rsv.size() ? rsv_at : rsv_at + rsv.size())
        << "after byte " << i << " of RSV1 (whole: settled past it, and a breach says where it begins)";
  }
  ASSERT_EQ(s.breaches.size(), 1u);
  EXPECT_EQ(s.breaches[0].unit_index, 4u);
}

}  // namespace
}  // namespace wire