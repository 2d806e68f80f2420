// relay::chat::Service: labels, welcome, the stranger queue, say/typing/leave between a pair.
#include <set>

#include "chat_test_support.h"

namespace relay::chat::testing {
namespace {

using nlohmann::json;

TEST(ChatService, WelcomeComesFirstWithLabelAndLimits) {
  Limits limits;
  limits.max_text_bytes = 1234;
  limits.rate_per_s = 7;
  limits.burst = 9;
  Chat chat(limits);
  const ParticipantId a = chat.service.connect(Transport::long_poll);
  const auto got = chat.drain(a);
  ASSERT_EQ(got.size(), 1U) << dump_all(got);
  const json expected = {{"type", "welcome"},
                         {"you", chat.service.label(a)},
                         {"limits", {{"max_text_bytes", 1234}, {"rate_per_s", 7}, {"burst", 9}}}};
  EXPECT_EQ(got[0], expected) << "should have had " << expected.dump() << ", but instead it was " << got[0].dump();
  EXPECT_EQ(chat.service.transport(a), Transport::long_poll);
}

TEST(ChatService, LabelsAreStrangerAndFourHex) {
  Chat chat;
  const std::regex form("Stranger [0-9a-f]{4}");
  for (int i = 0; i < 50; ++i) {
    const ParticipantId id = chat.service.connect(Transport::websocket);
    EXPECT_TRUE(std::regex_match(chat.service.label(id), form)) << "label was \"" << chat.service.label(id) << "\"";
  }
}

TEST(ChatService, LabelsAreUniqueAmongLiveParticipants) {
  // 3,000 live participants out of 65,536 labels: birthday collisions are certain
  // (expected ~68), so uniqueness must be enforced, not hoped for.
  Chat chat;
  std::set<std::string> seen;
  for (int i = 0; i < 3000; ++i) {
    const ParticipantId id = chat.service.connect(Transport::websocket);
    EXPECT_TRUE(seen.insert(chat.service.label(id)).second) << "duplicate label " << chat.service.label(id);
  }
}

TEST(ChatService, DeterministicLabelsRepeatWithTheSameSeed) {
  Chat one({}, 7, true);
  Chat two({}, 7, true);
  Chat other({}, 8, true);
  std::string a, b, c;
  for (int i = 0; i < 10; ++i) {
    a += one.service.label(one.service.connect(Transport::websocket)) + ";";
    b += two.service.label(two.service.connect(Transport::websocket)) + ";";
    c += other.service.label(other.service.connect(Transport::websocket)) + ";";
  }
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c) << "seeds 7 and 8 gave the same labels";
}

TEST(ChatService, LabelIsFreedOnDisconnect) {
  Chat chat;
  const ParticipantId a = chat.service.connect(Transport::websocket);
  EXPECT_FALSE(chat.service.label(a).empty());
  chat.service.disconnect(a);
  EXPECT_FALSE(chat.service.exists(a));
  EXPECT_EQ(chat.service.label(a), "");
  EXPECT_EQ(chat.service.participants(), 0U);
  std::string out;
  EXPECT_FALSE(chat.service.pop(a, out));
}

TEST(ChatService, FirstFinderWaitsSecondPairsBoth) {
  Chat chat;
  const ParticipantId a = chat.join_quietly();
  const ParticipantId b = chat.join_quietly();
  chat.send(a, R"({"type":"find"})");
  EXPECT_EQ(types_of(chat.drain(a)), "waiting");
  chat.send(b, R"({"type":"find"})");
  const auto got_a = chat.drain(a);
  const auto got_b = chat.drain(b);
  ASSERT_EQ(got_a.size(), 1U) << dump_all(got_a);
  ASSERT_EQ(got_b.size(), 1U) << dump_all(got_b);
  EXPECT_EQ(got_a[0], (json{{"type", "paired"}, {"peer", chat.service.label(b)}}));
  EXPECT_EQ(got_b[0], (json{{"type", "paired"}, {"peer", chat.service.label(a)}}));
  EXPECT_EQ(chat.service.counters().pairs, 1U);
}

TEST(ChatService, StrangersPairInArrivalOrder) {
  Chat chat;
  const ParticipantId a = chat.join_quietly();
  const ParticipantId b = chat.join_quietly();
  const ParticipantId c = chat.join_quietly();
  const ParticipantId d = chat.join_quietly();
  chat.send(a, R"({"type":"find"})");
  chat.send(b, R"({"type":"find"})");   // pairs with a, the oldest waiting
  chat.send(c, R"({"type":"find"})");   // waits
  chat.send(d, R"({"type":"find"})");   // pairs with c
  EXPECT_EQ(chat.drain(b).back()["peer"], chat.service.label(a));
  EXPECT_EQ(types_of(chat.drain(c)), "waiting,paired");
  EXPECT_EQ(chat.drain(d).back()["peer"], chat.service.label(c));
}

TEST(ChatService, FindWhileWaitingKeepsThePlace) {
  Chat chat;
  const ParticipantId a = chat.join_quietly();
  chat.send(a, R"({"type":"find"})");
  chat.send(a, R"({"type":"find"})");
  EXPECT_EQ(types_of(chat.drain(a)), "waiting,waiting");
  const ParticipantId b = chat.join_quietly();
  chat.send(b, R"({"type":"find"})");
  EXPECT_EQ(types_of(chat.drain(a)), "paired") << "a must not pair with itself nor be queued twice";
  const ParticipantId c = chat.join_quietly();
  chat.send(c, R"({"type":"find"})");
  EXPECT_EQ(types_of(chat.drain(c)), "waiting");
}

TEST(ChatService, SaidGoesToThePeer) {
  Chat chat;
  const auto [a, b] = chat.pair();
  chat.send(a, R"({"type":"say","text":"hello, stranger"})");
  const auto got = chat.drain(b);
  ASSERT_EQ(got.size(), 1U) << dump_all(got);
  EXPECT_EQ(got[0], (json{{"type", "said"}, {"from", chat.service.label(a)}, {"text", "hello, stranger"}}));
  EXPECT_EQ(chat.service.counters().said, 1U);
}

TEST(ChatService, SaidNeverEchoesToSender) {
  Chat chat;
  const auto [a, b] = chat.pair();
  chat.send(a, R"({"type":"say","text":"one"})");
  chat.send(b, R"({"type":"say","text":"two"})");
  EXPECT_EQ(dump_all(chat.drain(a)), json({{"type", "said"}, {"from", chat.service.label(b)}, {"text", "two"}}).dump() + "\n");
  EXPECT_EQ(dump_all(chat.drain(b)), json({{"type", "said"}, {"from", chat.service.label(a)}, {"text", "one"}}).dump() + "\n");
  // In a room too.
  const ParticipantId r1 = chat.join_quietly();
  const ParticipantId r2 = chat.join_quietly();
  chat.send(r1, R"({"type":"join","room":"cs101"})");
  chat.send(r2, R"({"type":"join","room":"cs101"})");
  chat.drain(r1);
  chat.drain(r2);
  chat.send(r1, R"({"type":"say","text":"room hello"})");
  EXPECT_EQ(chat.drain(r1).size(), 0U) << "the sender got its own message back";
  EXPECT_EQ(types_of(chat.drain(r2)), "said");
}

TEST(ChatService, UnicodeTextTravelsIntact) {
  Chat chat;
  const auto [a, b] = chat.pair();
  chat.send(a, R"({"type":"say","text":"h\u00e9 \"q\" \\ \ud83d\ude00 ✓"})");
  const auto got = chat.drain(b);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0]["text"], "h\xc3\xa9 \"q\" \\ \xf0\x9f\x98\x80 \xe2\x9c\x93");
}

TEST(ChatService, FindWhilePairedLeavesFirst) {
  Chat chat;
  const auto [a, b] = chat.pair();
  chat.send(a, R"({"type":"find"})");
  EXPECT_EQ(chat.drain(b), std::vector<json>{json({{"type", "left"}, {"who", chat.service.label(a)}})});
  EXPECT_EQ(types_of(chat.drain(a)), "waiting") << "a must queue again, not keep b";
  chat.send(b, R"({"type":"say","text":"anyone?"})");
  const auto got_b = chat.drain(b);
  ASSERT_EQ(got_b.size(), 1U);
  EXPECT_EQ(got_b[0]["code"], "not_paired") << "b was left and is alone";
  // b finds again: pairs with a, who was waiting.
  chat.send(b, R"({"type":"find"})");
  EXPECT_EQ(chat.drain(a).back()["peer"], chat.service.label(b));
}

TEST(ChatService, JoinWhilePairedLeavesFirst) {
  Chat chat;
  const auto [a, b] = chat.pair();
  chat.send(a, R"({"type":"join","room":"lab-2"})");
  EXPECT_EQ(types_of(chat.drain(b)), "left");
  EXPECT_EQ(chat.drain(a), std::vector<json>{json({{"type", "joined"}, {"room", "lab-2"}, {"members", 1}})});
}

TEST(ChatService, LeaveTellsThePeerAndNotTheLeaver) {
  Chat chat;
  const auto [a, b] = chat.pair();
  chat.send(a, R"({"type":"leave"})");
  EXPECT_EQ(chat.drain(b), std::vector<json>{json({{"type", "left"}, {"who", chat.service.label(a)}})});
  EXPECT_TRUE(chat.drain(a).empty());
  chat.send(a, R"({"type":"say","text":"x"})");
  EXPECT_EQ(chat.drain(a).at(0)["code"], "not_paired");
}

TEST(ChatService, LeaveWhileWaitingLeavesTheQueue) {
  Chat chat;
  const ParticipantId a = chat.join_quietly();
  chat.send(a, R"({"type":"find"})");
  chat.send(a, R"({"type":"leave"})");
  chat.drain(a);
  const ParticipantId b = chat.join_quietly();
  chat.send(b, R"({"type":"find"})");
  EXPECT_EQ(types_of(chat.drain(b)), "waiting") << "b paired with a who had left the queue";
  EXPECT_TRUE(chat.drain(a).empty());
}

TEST(ChatService, DisconnectTellsThePeer) {
  Chat chat;
  const auto [a, b] = chat.pair();
  const std::string a_label = chat.service.label(a);
  chat.service.disconnect(a);
  EXPECT_EQ(chat.drain(b), std::vector<json>{json({{"type", "left"}, {"who", a_label}})});
  chat.service.disconnect(a);   // twice: ignored
  chat.send(b, R"({"type":"say","text":"x"})");
  EXPECT_EQ(chat.drain(b).at(0)["code"], "not_paired");
}

TEST(ChatService, DisconnectWhileWaitingLeavesTheQueue) {
  Chat chat;
  const ParticipantId a = chat.join_quietly();
  chat.send(a, R"({"type":"find"})");
  chat.service.disconnect(a);
  const ParticipantId b = chat.join_quietly();
  chat.send(b, R"({"type":"find"})");
  EXPECT_EQ(types_of(chat.drain(b)), "waiting");
}

TEST(ChatService, ExtraFieldsAreIgnored) {
  Chat chat;
  const auto [a, b] = chat.pair();
  chat.send(a, R"({"type":"say","text":"hi","name":"Alice","from":"Stranger 0000"})");
  const auto got = chat.drain(b);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0]["from"], chat.service.label(a)) << "a user chose their own label";
}

TEST(ChatService, TypingReachesThePeerOnly) {
  Chat chat;
  const auto [a, b] = chat.pair();
  chat.send(a, R"({"type":"typing","on":true})");
  chat.send(a, R"({"type":"typing","on":false})");
  EXPECT_EQ(chat.drain(b), (std::vector<json>{json({{"type", "typing"}, {"from", chat.service.label(a)}, {"on", true}}),
                                             json({{"type", "typing"}, {"from", chat.service.label(a)}, {"on", false}})}));
  EXPECT_TRUE(chat.drain(a).empty());
  const ParticipantId alone = chat.join_quietly();
  chat.send(alone, R"({"type":"typing","on":true})");
  EXPECT_TRUE(chat.drain(alone).empty()) << "typing alone is ignored, not an error";
}

TEST(ChatService, UnknownParticipantIsIgnored) {
  Chat chat;
  chat.service.receive(999, R"({"type":"find"})", 0);
  std::string out;
  EXPECT_FALSE(chat.service.pop(999, out));
  EXPECT_EQ(chat.service.queued(999), 0U);
  EXPECT_TRUE(chat.notes.empty());
}

// --demo's strangers: marked as bots, one label per bot for the whole run
// (a reconnect keeps it), the connection id in the welcome.
TEST(ChatService, BotsKeepOneLabelPerRunAndAreMarked) {
  Chat chat;
  const ParticipantId a = chat.service.connect(Transport::websocket, Arrival{12, "a"});
  const auto welcome = chat.drain(a);
  ASSERT_EQ(welcome.size(), 1U);
  EXPECT_EQ(welcome[0].value("conn", 0), 12) << welcome[0].dump();
  EXPECT_EQ(welcome[0].value("bot", false), true) << welcome[0].dump();
  ASSERT_FALSE(chat.notes.empty());
  EXPECT_TRUE(chat.notes.back().bot) << "the welcome note marks the bot";
  const std::string label = chat.service.label(a);
  chat.service.disconnect(a);
  for (int i = 0; i < 20; ++i) chat.join_quietly();   // humans come and go meanwhile
  const ParticipantId again = chat.service.connect(Transport::websocket, Arrival{40, "a"});
  EXPECT_EQ(chat.service.label(again), label) << "a bot that reconnects keeps its label";
  const ParticipantId twin = chat.service.connect(Transport::websocket, Arrival{41, "a"});
  EXPECT_NE(chat.service.label(twin), label) << "a second arrival under a connected bot's name is a human";
  EXPECT_FALSE(chat.drain(twin).at(0).contains("bot"));
  const auto people = chat.service.snapshot();
  for (const auto& p : people) EXPECT_EQ(p.bot, p.id == again) << p.label;
}

TEST(ChatService, WelcomeWithoutArrivalHasNoConnField) {
  Chat chat;
  const ParticipantId a = chat.service.connect(Transport::websocket);
  EXPECT_FALSE(chat.drain(a).at(0).contains("conn")) << "clients that never saw the field see the same welcome";
}

TEST(ChatService, HumansChattingCountsPairedHumansOnly) {
  Chat chat;
  const ParticipantId bot_a = chat.service.connect(Transport::websocket, Arrival{1, "a"});
  const ParticipantId bot_b = chat.service.connect(Transport::long_poll, Arrival{2, "b"});
  chat.send(bot_a, R"({"type":"find"})");
  chat.send(bot_b, R"({"type":"find"})");
  EXPECT_EQ(chat.service.humans_chatting(), 0U) << "two bots chatting are not humans";
  auto [x, y] = chat.pair();
  EXPECT_EQ(chat.service.humans_chatting(), 2U);
  chat.service.disconnect(x);
  EXPECT_EQ(chat.service.humans_chatting(), 0U) << "the peer of a human who left is alone again";
  (void)y;
}

}  // namespace
}  // namespace relay::chat::testing
