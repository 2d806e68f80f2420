// The visualizer's model without GL: derived fields through wire, HTTP
// pairing, violations, connections and strangers, eviction, descriptions,
// filters, and the statistics fed on every entry. Runs on the synthetic
// capture (support/) and, when present, on the bundled fixture captures.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "model/describe.h"
#include "model/model.h"
#include "model/stats.h"
#include "synthetic_capture.h"
#include "wire_test_support.h"
#include "wire/capture.h"

namespace viz {
namespace {

std::string escaped(const wire::Bytes& b, std::size_t max = 64) {
  std::string s;
  for (std::size_t i = 0; i < b.size() && i < max; ++i) {
    const auto c = b[i];
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      s += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      s += buf;
    }
  }
  return b.size() > max ? s + "…" : s;
}

std::string text(const wire::Bytes& b) { return std::string(b.begin(), b.end()); }

Model& loaded(Model& m, const std::vector<wire::Event>& events) {
  for (const auto& e : events) m.add(e);
  return m;
}

// The first frame entry matching a predicate, or nullptr.
template <class Pred>
const Entry* first(const Model& m, Pred pred) {
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (pred(m.at(i))) return &m.at(i);
  }
  return nullptr;
}

TEST(VizModel, UnmasksClientFramesThroughWire) {
  Model m;
  loaded(m, testing::synthetic_chat());
  const Entry* say = first(m, [](const Entry& e) {
    return e.frame() && e.frame()->masked && text(e.payload_clear).find("\"say\"") != std::string::npos;
  });
  ASSERT_NE(say, nullptr) << "should have had a masked client `say` frame";
  EXPECT_EQ(text(say->payload_clear), R"({"type":"say","text":"Hello"})")
      << "unmasked payload was \"" << escaped(say->payload_clear) << "\"";
  EXPECT_NE(text(say->frame()->payload), text(say->payload_clear)) << "the wire payload stays masked (RFC 6455 5.3)";
  ASSERT_TRUE(say->header.has_value());
  EXPECT_TRUE(say->header->fin);
  EXPECT_TRUE(say->header->masked);
  EXPECT_EQ(say->header->opcode, wire::Opcode::text);
  EXPECT_EQ(say->kind, UnitKind::text);
  EXPECT_FALSE(say->violation) << say->violation_rule;
}

TEST(VizModel, ContinuationTakesItsMessageOpcode) {
  Model m;
  loaded(m, testing::synthetic_chat());
  const Entry* cont = first(m, [](const Entry& e) { return e.frame() && e.frame()->opcode == 0; });
  ASSERT_NE(cont, nullptr);
  EXPECT_EQ(cont->message_opcode, wire::Opcode::text) << "5.4: a continuation belongs to the text message it continues";
  EXPECT_EQ(cont->kind, UnitKind::text);
}

TEST(VizModel, PairsEachResponseWithItsRequest) {
  Model m;
  loaded(m, testing::synthetic_chat());
  const ConnView* c1 = m.conn(1);
  ASSERT_NE(c1, nullptr);
  ASSERT_TRUE(c1->upgrade_request_seq && c1->upgrade_response_seq);
  const Entry* req = m.by_seq(*c1->upgrade_request_seq);
  const Entry* resp = m.by_seq(*c1->upgrade_response_seq);
  ASSERT_TRUE(req && resp);
  EXPECT_EQ(req->paired_seq, resp->seq());
  EXPECT_EQ(resp->paired_seq, req->seq());
  EXPECT_EQ(resp->http()->start_line, "HTTP/1.1 101 Switching Protocols");
  EXPECT_EQ(c1->role, ConnRole::websocket);
}

TEST(VizModel, FlagsAnUnmaskedClientFrameAndItsViolation) {
  Model m;
  loaded(m, testing::synthetic_chat());
  const Entry* bad = first(m, [](const Entry& e) { return e.frame() && e.frame()->dir == wire::Direction::c2s && !e.frame()->masked; });
  ASSERT_NE(bad, nullptr);
  EXPECT_TRUE(bad->violation) << "RFC 6455 5.1: a client frame without MASK breaks a rule";
  EXPECT_NE(bad->violation_rule.find("5.1"), std::string::npos) << "rule was \"" << bad->violation_rule << "\"";
  const ConnView* c4 = m.conn(4);
  ASSERT_NE(c4, nullptr);
  EXPECT_FALSE(c4->open);
  EXPECT_EQ(c4->close_code, std::optional<std::uint16_t>(1002));
  EXPECT_EQ(c4->violations, 1u);
  EXPECT_NE(describe(*bad).find("UNMASKED"), std::string::npos) << describe(*bad);
}

TEST(VizModel, KnowsStrangersTransportsAndPairings) {
  Model m;
  loaded(m, testing::synthetic_chat());
  ASSERT_EQ(m.pairings().size(), 1u) << "the relay reports `paired` once per side: one pairing";
  EXPECT_EQ(m.pairings()[0].a, "Stranger 7f3a");
  EXPECT_EQ(m.pairings()[0].b, "Stranger 91c2");
  EXPECT_EQ(m.pairings()[0].conn_a, 1u);
  EXPECT_EQ(m.pairings()[0].conn_b, 2u);
  EXPECT_EQ(m.conn(1)->stranger, "Stranger 7f3a") << "a `left` naming the peer must not rename conn #1";
  EXPECT_EQ(m.conn(2)->stranger, "Stranger 91c2");
  EXPECT_EQ(m.conn(3)->role, ConnRole::long_poll);
  EXPECT_EQ(m.conn(3)->stranger, "Stranger 0c55");
  EXPECT_EQ(m.conn(2)->close_code, std::optional<std::uint16_t>(1000));
}

TEST(VizModel, EvictsTheOldestAndCountsThem) {
  const auto events = testing::synthetic_chat();
  Model m(ModelLimits{10, 100, 1024});
  loaded(m, events);
  EXPECT_EQ(m.size(), 10u);
  EXPECT_EQ(m.evicted(), events.size() - 10) << "every evicted event is counted";
  EXPECT_EQ(m.ingested(), events.size());
  EXPECT_EQ(m.at(0).seq(), events[events.size() - 10].seq);
  EXPECT_EQ(m.by_seq(0), nullptr) << "seq 0 was evicted";
  EXPECT_NE(m.by_seq(events.back().seq), nullptr);
  const auto gen = m.generation();
  m.clear();
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.evicted(), 0u);
  EXPECT_NE(m.generation(), gen);
}

// RFC 7692 7.2.3.1: "Hello" compressed is f2 48 cd c9 c9 07 00; the model
// inflates it through wire for a connection whose 101 accepted permessage-deflate.
TEST(VizModel, InflatesPermessageDeflateThroughWire) {
  Model m;
  auto http = [](std::uint64_t seq, wire::Direction dir, std::string start, std::vector<std::pair<std::string, std::string>> h) {
    return wire::Event{seq, 0, wire::test::http_unit(1, dir, std::move(start), std::move(h))};
  };
  m.add(wire::Event{0, 0, wire::Open{1, wire::Transport::tcp}});
  m.add(http(1, wire::Direction::c2s, "GET /echo HTTP/1.1",
             {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}, {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
              {"Sec-WebSocket-Version", "13"}, {"Sec-WebSocket-Extensions", "permessage-deflate"}}));
  m.add(http(2, wire::Direction::s2c, "HTTP/1.1 101 Switching Protocols",
             {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}, {"Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="},
              {"Sec-WebSocket-Extensions", "permessage-deflate"}}));
  wire::Frame f;
  f.conn = 1;
  f.dir = wire::Direction::s2c;
  f.fin = true;
  f.rsv = 4;
  f.opcode = 1;
  f.payload_len = 7;
  f.header = {0xc1, 0x07};
  f.payload = {0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00};
  m.add(wire::Event{3, 0, f});
  ASSERT_TRUE(m.conn(1)->deflate) << "extensions were \"" << m.conn(1)->extensions << "\"";
  const Entry& e = m.back();
  EXPECT_FALSE(e.violation) << "rsv1 is allowed once permessage-deflate is negotiated: " << e.violation_rule;
  ASSERT_TRUE(e.inflated.has_value()) << "should have had the inflated message";
  EXPECT_EQ(text(*e.inflated), "Hello") << "inflated to \"" << escaped(*e.inflated) << "\"";
  EXPECT_NE(describe(e).find("Hello"), std::string::npos) << describe(e);
}

TEST(VizModel, FindsEntriesBySeq) {
  Model m;
  loaded(m, testing::synthetic_chat());
  for (std::size_t i = 0; i < m.size(); ++i) {
    ASSERT_EQ(m.find_seq(m.at(i).seq()), std::optional<std::size_t>(i));
  }
  EXPECT_FALSE(m.find_seq(100000).has_value());
}

// Scenes cache by version(): a replay stepping back clears and re-adds one
// event fewer, and that must still read as a change.
TEST(VizModel, VersionChangesAcrossAClearAndOneEventFewer) {
  const auto events = testing::synthetic_chat();
  Model m;
  for (std::size_t i = 0; i < 5; ++i) m.add(events[i]);
  const std::uint64_t before = m.version();
  m.clear();
  for (std::size_t i = 0; i < 4; ++i) m.add(events[i]);
  EXPECT_NE(m.version(), before) << "5 events, then clear and 4: scenes would keep a stale cache";
  const std::uint64_t after = m.version();
  m.add(events[4]);
  EXPECT_NE(m.version(), after);
}

// find_seq guesses the index from the seq (mirror seqs have no gaps); with gaps
// (a `dropped` stretch, a hand-made capture) and after eviction it must still be exact.
TEST(VizModel, FindsEntriesBySeqAcrossGapsAndEviction) {
  Model m(ModelLimits{5, 10'000, 64 * 1024});
  const auto events = testing::synthetic_chat();
  const std::uint64_t seqs[] = {0, 1, 2, 5, 6, 10, 11, 40};
  for (std::size_t i = 0; i < std::size(seqs); ++i) {
    wire::Event e = events[i + 1];   // not the hello
    e.seq = seqs[i];
    m.add(std::move(e));
  }
  ASSERT_EQ(m.size(), 5u) << "the bound keeps the newest 5: seqs 5, 6, 10, 11, 40";
  const std::pair<std::uint64_t, std::optional<std::size_t>> cases[] = {
      {0, std::nullopt}, {2, std::nullopt}, {3, std::nullopt}, {5, 0}, {6, 1}, {7, std::nullopt},
      {10, 2}, {11, 3}, {12, std::nullopt}, {40, 4}, {41, std::nullopt}};
  for (const auto& [seq, index] : cases) {
    EXPECT_EQ(m.find_seq(seq), index) << "seq " << seq;
  }
}

TEST(VizModel, CountsDroppedEvents) {
  Model m;
  wire::Event e;
  e.seq = 5;
  e.body = wire::Dropped{17};
  m.add(e);
  EXPECT_EQ(m.dropped(), 17u);
}

TEST(VizDescribe, NamesCloseCodesAndCutsPreviews) {
  Model m;
  loaded(m, testing::synthetic_chat());
  const Entry* close = first(m, [](const Entry& e) { return e.frame() && e.frame()->opcode == 8 && e.conn == 2; });
  ASSERT_NE(close, nullptr);
  EXPECT_NE(describe(*close).find("1000 Normal Closure"), std::string::npos) << describe(*close);
  wire::Bytes long_text(100, 'a');
  EXPECT_EQ(preview_text(long_text, 5), "aaaaa…");
  EXPECT_EQ(preview_text(wire::Bytes{'a', 0x01, 0xff}, 10), "a·\xEF\xBF\xBD") << "control bytes and bad UTF-8 stay visible";
}

// Behind --upstream the relay labels each blanked credential; the Upgrade scene shows the label.
TEST(VizDescribe, ACredentialShowsItsLabelNotItsStars) {
  wire::Http h;
  h.headers = {{"Host", "x"}, {"cookie", "***********"}, {"Authorization", "Bearer *****"}};
  h.credentials = {{"Cookie", "credential #1"}, {"Authorization", "credential #2"}};
  std::size_t credential = 0;
  std::vector<std::string> shown;
  for (const auto& [name, value] : h.headers) shown.push_back(shown_header_value(h, name, value, credential));
  EXPECT_EQ(shown, (std::vector<std::string>{"x", "[credential #1: 11 bytes]", "Bearer [credential #2: 5 bytes]"}));
  h.credentials.clear();
  credential = 0;
  EXPECT_EQ(shown_header_value(h, "Cookie", "***", credential), "***") << "an older capture: no labels, stars stay";
}

TEST(VizDescribe, FiltersMatchTheIssuesFourFilters) {
  Model m;
  loaded(m, testing::synthetic_chat());
  ListFilter only_violations;
  only_violations.violations_only = true;
  std::size_t n = 0;
  for (std::size_t i = 0; i < m.size(); ++i) n += passes(only_violations, m.at(i)) ? 1 : 0;
  EXPECT_EQ(n, 2u) << "the unmasked frame and the violation event";
  ListFilter http_only{false, false, true, false, false, ""};
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (passes(http_only, m.at(i))) {
      EXPECT_TRUE(m.at(i).http() || m.at(i).violation) << describe(m.at(i));
    }
  }
  ListFilter search;
  search.search = "1002";
  std::size_t hits = 0;
  for (std::size_t i = 0; i < m.size(); ++i) hits += passes(search, m.at(i)) ? 1 : 0;
  EXPECT_GE(hits, 2u);
}

TEST(VizStats, AreFedOnEveryEntry) {
  Model m;
  loaded(m, testing::synthetic_chat());
  EXPECT_GT(m.stats().websocket().sends, 0u) << "the model calls Stats::add for every entry";
  EXPECT_GT(m.stats().websocket().total_units, 0u);
}

// The bundled fixtures (R2's captures) load, and the model sees conversations in them.
TEST(VizFixtures, LoadIntoTheModel) {
  const std::filesystem::path dir = std::filesystem::path(WIRELAB_SOURCE_DIR) / "fixtures" / "captures";
  if (!std::filesystem::exists(dir)) FAIL() << "the bundled captures are missing (scripts/make-fixtures makes them): " << dir;
  int files = 0;
  for (const auto& de : std::filesystem::directory_iterator(dir)) {
    if (de.path().extension() != ".jsonl") continue;
    ++files;
    auto events = wire::read_capture_file(de.path().string());
    ASSERT_TRUE(events.ok()) << de.path() << ": " << events.error().reason;
    Model m;
    loaded(m, *events);
    EXPECT_EQ(m.size(), events->size()) << de.path();
    EXPECT_FALSE(m.connections().empty()) << de.path();
    if (de.path().filename() == "socketio-chromium.jsonl") {
      // A Socket.IO app behind --upstream: not the relay's chat, so its statistics stay empty;
      // its conversation is Socket.IO's events (tests/visualizer/socketio_test.cpp reads them).
      EXPECT_TRUE(first(m, [](const Entry& e) { return e.engineio.find("Socket.IO EVENT") != std::string::npos; }))
          << de.path();
      continue;
    }
    EXPECT_TRUE(m.stats().websocket().has_messages() || m.stats().long_poll().has_messages()) << de.path();
  }
  if (files == 0) FAIL() << "no .jsonl in " << dir;
}

}  // namespace
}  // namespace viz
