// A visualizer that subscribes late: the model learns strangers, pairings and
// rooms from hello's chat snapshot (docs/mirror-protocol.md "hello"), before
// any `chat` event, and an older hello without it still loads.
#include <gtest/gtest.h>

#include <string>

#include "model/model.h"
#include "wire/events.h"

namespace viz {
namespace {

std::string show(const ConnView* cv) {
  if (cv == nullptr) return "(no such connection)";
  return std::string("#").append(std::to_string(cv->conn)) + " role=" + conn_role_name(cv->role) + " stranger=\"" + cv->stranger +
         "\" peer=\"" + cv->peer + "\"";
}

// Mid-chat: #3 a WebSocket stranger paired with a long-poll stranger whose
// recv is held on #6 (its send went on #5); #7 in a room; #8 not chatting.
wire::Hello late_hello() {
  wire::Hello h;
  h.relay = "wirelab-relay test";
  h.connections = {{3, wire::Transport::tcp, "websocket", 100, "Stranger 7f3a"},
                   {5, wire::Transport::tcp, "http", 200, "Stranger 91c2"},
                   {6, wire::Transport::tcp, "http", 300, "Stranger 91c2"},
                   {7, wire::Transport::tcp, "websocket", 400, "Stranger 0c55"},
                   {8, wire::Transport::tcp, "http", 500, ""}};
  h.participants = {{"Stranger 7f3a", wire::ChatTransport::websocket, 3, wire::ChatState::paired, "Stranger 91c2", ""},
                    {"Stranger 91c2", wire::ChatTransport::long_poll, 6, wire::ChatState::paired, "Stranger 7f3a", ""},
                    {"Stranger 0c55", wire::ChatTransport::websocket, 7, wire::ChatState::room, "", "cs101"}};
  return h;
}

TEST(VizModelHello, ChatSnapshotNamesLanesAndPairsAtOnce) {
  Model m;
  m.add(wire::Event{40, 9000, late_hello()});   // the first and only event so far
  struct Want {
    std::uint64_t conn;
    ConnRole role;
    std::string stranger, peer;
  };
  const Want wants[] = {{3, ConnRole::websocket, "Stranger 7f3a", "Stranger 91c2"},
                        {5, ConnRole::long_poll, "Stranger 91c2", "Stranger 7f3a"},
                        {6, ConnRole::long_poll, "Stranger 91c2", "Stranger 7f3a"},
                        {7, ConnRole::websocket, "Stranger 0c55", "room cs101"},
                        {8, ConnRole::unknown, "", ""}};
  for (const Want& w : wants) {
    const ConnView* cv = m.conn(w.conn);
    ASSERT_NE(cv, nullptr) << "#" << w.conn << " is in hello's connections";
    EXPECT_EQ(cv->stranger, w.stranger) << show(cv);
    EXPECT_EQ(cv->peer, w.peer) << show(cv);
    EXPECT_EQ(cv->role, w.role) << "should have had role " << conn_role_name(w.role) << ", but " << show(cv);
    EXPECT_TRUE(cv->open) << show(cv);
  }
  ASSERT_EQ(m.pairings().size(), 1u) << "hello lists both sides of a pair: one pairing";
  const Pairing& p = m.pairings()[0];
  EXPECT_EQ(p.a, "Stranger 7f3a");
  EXPECT_EQ(p.b, "Stranger 91c2");
  EXPECT_EQ(p.conn_a, 3u);
  EXPECT_EQ(p.conn_b, 6u);
  EXPECT_EQ(p.seq, 40u);
}

TEST(VizModelHello, LaterChatEventsStillApply) {
  Model m;
  m.add(wire::Event{40, 9000, late_hello()});
  m.add(wire::Event{41, 9100, wire::Chat{3, "left", "Stranger 7f3a", "Stranger 91c2"}});
  EXPECT_EQ(m.conn(3)->stranger, "Stranger 7f3a") << show(m.conn(3));
  EXPECT_EQ(m.conn(3)->peer, "") << "`left` ends the pair: " << show(m.conn(3));
  ASSERT_EQ(m.pairings().size(), 1u);
}

TEST(VizModelHello, OlderHelloWithoutChatSnapshotLoads) {
  wire::Hello h;
  h.connections = {{3, wire::Transport::tcp, "websocket", 100}};
  Model m;
  m.add(wire::Event{0, 0, h});
  ASSERT_NE(m.conn(3), nullptr);
  EXPECT_EQ(m.conn(3)->stranger, "") << show(m.conn(3));
  EXPECT_EQ(m.conn(3)->role, ConnRole::websocket);
  EXPECT_TRUE(m.pairings().empty());
}

}  // namespace
}  // namespace viz
