// Scene 6's model side over the bundled wss:// capture (fixtures/captures/
// wss-chromium.jsonl, two Chromium pages over https/wss): every text frame has
// the TLS records that carried it, their plaintext ranges cover it exactly,
// and the records add up; an older capture without tls_record replays as before.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "model/describe.h"
#include "model/model.h"
#include "model/tls_link.h"
#include "wire/capture.h"

namespace {

const std::string kFixtures = std::string(WIRELAB_SOURCE_DIR) + "/fixtures/captures/";

void load(viz::Model& m, const std::string& name) {
  auto events = wire::read_capture_file(kFixtures + name);
  ASSERT_TRUE(events.ok()) << name << ": " << events.error().reason;
  for (auto& e : *events) m.add(std::move(e));
}

TEST(TlsLink, EveryTextFrameOfTheWssCaptureHasTheRecordsThatCarriedIt) {
  viz::Model m;
  load(m, "wss-chromium.jsonl");
  std::size_t frames = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    const viz::Entry& e = m.at(i);
    if (e.kind != viz::UnitKind::text) continue;
    ++frames;
    const auto span = viz::plain_span(e);
    ASSERT_TRUE(span.has_value());
    const auto records = viz::records_carrying(m, i);
    ASSERT_FALSE(records.empty()) << "frame #" << e.seq() << " on conn #" << e.conn << ": no record";
    const auto& first = *m.at(records.front()).tls_record();
    const auto& last = *m.at(records.back()).tls_record();
    EXPECT_LE(*first.plain_offset, span->begin) << "frame #" << e.seq();
    EXPECT_GE(*last.plain_offset + last.plain_len, span->end) << "frame #" << e.seq();
    for (std::size_t r : records) {
      EXPECT_EQ(m.at(r).tls_record()->content_type, 23) << "application_data carries frames";
      EXPECT_EQ(m.at(r).tls_record()->dir, *e.dir);
      EXPECT_LE(m.at(r).tls_record()->body_head.size(), 16u) << "only a prefix of the ciphertext";
    }
  }
  EXPECT_GE(frames, 6u) << "three lines, each sent and received";
}

TEST(TlsLink, ARecordLeadsBackToTheUnitItCarried) {
  viz::Model m;
  load(m, "wss-chromium.jsonl");
  std::size_t checked = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m.at(i).kind != viz::UnitKind::text) continue;
    for (std::size_t r : viz::records_carrying(m, i)) {
      const auto unit = viz::unit_carried_by(m, r);
      ASSERT_TRUE(unit.has_value()) << "record #" << m.at(r).seq();
      const auto span = viz::plain_span(m.at(*unit));
      EXPECT_LE(span->begin, viz::plain_span(m.at(i))->begin) << "the first unit the record carried";
      ++checked;
    }
  }
  EXPECT_GE(checked, 6u);
  EXPECT_FALSE(viz::unit_carried_by(m, 0).has_value()) << "hello is no record";
}

TEST(TlsLink, TheDefaultIsTheNewestTextFrameOfATlsConnection) {
  viz::Model m;
  load(m, "wss-chromium.jsonl");
  const auto i = viz::default_tls_unit(m);
  ASSERT_TRUE(i.has_value());
  const viz::Entry& e = m.at(*i);
  EXPECT_EQ(e.kind, viz::UnitKind::text);
  ASSERT_NE(m.conn(e.conn), nullptr);
  EXPECT_EQ(m.conn(e.conn)->transport, wire::Transport::tls);
  for (std::size_t k = *i + 1; k < m.size(); ++k) EXPECT_NE(m.at(k).kind, viz::UnitKind::text) << "a newer text frame";
}

TEST(TlsLink, TotalsAddUpAndDescribeNamesTheRecord) {
  viz::Model m;
  load(m, "wss-chromium.jsonl");
  const auto i = viz::default_tls_unit(m);
  ASSERT_TRUE(i.has_value());
  const auto totals = viz::tls_totals(m, m.at(*i).conn);
  std::uint64_t wire_bytes = 0;
  for (std::size_t k = 0; k < m.size(); ++k) {
    const auto* r = m.at(k).tls_record();
    if (r && r->conn == m.at(*i).conn) wire_bytes += 5 * r->count + r->length;
  }
  EXPECT_EQ(totals.wire_bytes, wire_bytes);
  EXPECT_GE(totals.handshake_records, 2u) << "at least the ClientHello and the ServerHello";
  const auto records = viz::records_carrying(m, *i);
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(viz::describe(m.at(records.front())).rfind("TLS application_data record", 0), 0u)
      << viz::describe(m.at(records.front()));
  viz::ListFilter all;
  EXPECT_FALSE(viz::passes(all, m.at(records.front()))) << "records stay out of the event list (scene 6 shows them)";
}

TEST(TlsLink, ACaptureWithoutTlsRecordsReplaysAsBefore) {
  viz::Model m;
  load(m, "chromium-session.jsonl");
  ASSERT_GT(m.size(), 0u);
  for (std::size_t k = 0; k < m.size(); ++k) EXPECT_NE(m.at(k).kind, viz::UnitKind::tls);
  EXPECT_FALSE(viz::default_tls_unit(m).has_value()) << "ws:// only: nothing for scene 6 to pick";
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (m.at(k).kind == viz::UnitKind::text) {
      EXPECT_TRUE(viz::records_carrying(m, k).empty());
      break;
    }
  }
}

}  // namespace
