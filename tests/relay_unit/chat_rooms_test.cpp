// relay::chat::Service: rooms (join, joined to everyone, said to the others, left).
#include <set>

#include "chat_test_support.h"

namespace relay::chat::testing {
namespace {

using nlohmann::json;

TEST(ChatService, FindWhileInRoomLeavesTheRoom) {
  Chat chat;
  const ParticipantId a = chat.join_quietly();
  const ParticipantId b = chat.join_quietly();
  chat.send(a, R"({"type":"join","room":"cs101"})");
  chat.send(b, R"({"type":"join","room":"cs101"})");
  chat.drain(a);
  chat.drain(b);
  chat.send(a, R"({"type":"find"})");
  EXPECT_EQ(chat.drain(b), std::vector<json>{json({{"type", "left"}, {"who", chat.service.label(a)}})});
  EXPECT_EQ(types_of(chat.drain(a)), "waiting");
  chat.send(b, R"({"type":"say","text":"hi"})");
  EXPECT_EQ(chat.drain(b).at(0)["code"], "not_paired");
}

TEST(ChatService, RoomOfFiveEveryoneHearsEveryoneElse) {
  Chat chat;
  std::vector<ParticipantId> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(chat.join_quietly());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    chat.send(ids[i], R"({"type":"join","room":"cs101"})");
    // Everyone in the room (the newcomer too) hears joined with the new count.
    for (std::size_t k = 0; k <= i; ++k) {
      const auto got = chat.drain(ids[k]);
      ASSERT_EQ(got.size(), 1U) << "member " << k << " after join " << i << ":\n" << dump_all(got);
      EXPECT_EQ(got[0], (json{{"type", "joined"}, {"room", "cs101"}, {"members", i + 1}}));
    }
  }
  chat.send(ids[2], R"({"type":"say","text":"from two"})");
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const auto got = chat.drain(ids[k]);
    if (k == 2) {
      EXPECT_TRUE(got.empty()) << dump_all(got);
    } else {
      ASSERT_EQ(got.size(), 1U) << dump_all(got);
      EXPECT_EQ(got[0], (json{{"type", "said"}, {"from", chat.service.label(ids[2])}, {"text", "from two"}}));
    }
  }
  EXPECT_EQ(chat.service.counters().said, 4U);
  const std::string leaver = chat.service.label(ids[4]);
  chat.service.disconnect(ids[4]);
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(chat.drain(ids[k]), std::vector<json>{json({{"type", "left"}, {"who", leaver}})}) << "member " << k;
  }
}

TEST(ChatService, RoomMembersHearLeftWithWho) {
  Chat chat;
  const ParticipantId a = chat.join_quietly();
  const ParticipantId b = chat.join_quietly();
  const ParticipantId c = chat.join_quietly();
  for (const ParticipantId id : {a, b, c}) chat.send(id, R"({"type":"join","room":"r"})");
  for (const ParticipantId id : {a, b, c}) chat.drain(id);
  const std::string c_label = chat.service.label(c);
  chat.service.disconnect(c);
  const json left = {{"type", "left"}, {"who", c_label}};
  EXPECT_EQ(chat.drain(a), std::vector<json>{left});
  EXPECT_EQ(chat.drain(b), std::vector<json>{left});
  chat.send(b, R"({"type":"leave"})");
  EXPECT_EQ(chat.drain(a), std::vector<json>{json({{"type", "left"}, {"who", chat.service.label(b)}})});
  EXPECT_TRUE(chat.drain(b).empty()) << "the leaver is told nothing";
  chat.send(a, R"({"type":"say","text":"alone now"})");
  EXPECT_EQ(chat.drain(a).at(0)["code"], "not_paired");
}

TEST(ChatService, RejoiningTheSameRoomOnlyConfirms) {
  Chat chat;
  const ParticipantId a = chat.join_quietly();
  const ParticipantId b = chat.join_quietly();
  chat.send(a, R"({"type":"join","room":"r"})");
  chat.send(b, R"({"type":"join","room":"r"})");
  chat.drain(a);
  chat.drain(b);
  chat.send(b, R"({"type":"join","room":"r"})");
  EXPECT_TRUE(chat.drain(a).empty());
  EXPECT_EQ(chat.drain(b), std::vector<json>{json({{"type", "joined"}, {"room", "r"}, {"members", 2}})});
}

TEST(ChatService, ValidRoomNames) {
  Chat chat;
  const ParticipantId a = chat.join_quietly();
  for (const char* room : {"a", "cs101", "lab-2_b", "abcdefghijklmnopqrstuvwxyz012345"}) {
    chat.send(a, std::string(R"({"type":"join","room":")") + room + "\"}");
    const auto got = chat.drain(a);
    ASSERT_EQ(got.size(), 1U) << room;
    EXPECT_EQ(got[0]["type"], "joined") << room << ": " << got[0].dump();
  }
}

TEST(ChatService, TypingInARoomReachesTheOthers) {
  Chat chat;
  const ParticipantId a = chat.join_quietly();
  const ParticipantId b = chat.join_quietly();
  const ParticipantId c = chat.join_quietly();
  for (const ParticipantId id : {a, b, c}) chat.send(id, R"({"type":"join","room":"r"})");
  for (const ParticipantId id : {a, b, c}) chat.drain(id);
  chat.send(b, R"({"type":"typing","on":true})");
  EXPECT_EQ(types_of(chat.drain(a)), "typing");
  EXPECT_EQ(types_of(chat.drain(c)), "typing");
  EXPECT_TRUE(chat.drain(b).empty());
}

// The mirror's hello snapshot: where everyone is, as the notes said so far.
TEST(ChatService, SnapshotListsEveryPlacePeerAndRoom) {
  Chat chat;
  const auto [a, b] = chat.pair();
  const ParticipantId c = chat.join_quietly();
  chat.send(c, R"({"type":"join","room":"cs101"})");
  const ParticipantId d = chat.join_quietly();
  chat.send(d, R"({"type":"find"})");
  const ParticipantId e = chat.service.connect(Transport::long_poll);
  const auto got = chat.service.snapshot();
  ASSERT_EQ(got.size(), 5U);
  const auto show = [](const ParticipantState& p) {
    return p.label + " place=" + std::to_string(static_cast<int>(p.place)) + " peer=\"" + p.peer + "\" room=\"" +
           p.room + "\"";
  };
  const ParticipantId order[] = {a, b, c, d, e};
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].id, order[i]) << "oldest first";
    EXPECT_EQ(got[i].label, chat.service.label(order[i]));
  }
  EXPECT_TRUE(got[0].place == Place::paired && got[0].peer == chat.service.label(b)) << show(got[0]);
  EXPECT_TRUE(got[1].place == Place::paired && got[1].peer == chat.service.label(a)) << show(got[1]);
  EXPECT_TRUE(got[2].place == Place::room && got[2].room == "cs101" && got[2].peer.empty()) << show(got[2]);
  EXPECT_TRUE(got[3].place == Place::waiting && got[3].peer.empty()) << show(got[3]);
  EXPECT_TRUE(got[4].place == Place::lobby && got[4].transport == Transport::long_poll) << show(got[4]);
  // a leaves: both back in the lobby.
  chat.send(a, R"({"type":"leave"})");
  const auto after = chat.service.snapshot();
  EXPECT_TRUE(after[0].place == Place::lobby && after[0].peer.empty()) << show(after[0]);
  EXPECT_TRUE(after[1].place == Place::lobby && after[1].peer.empty()) << show(after[1]);
}

}  // namespace
}  // namespace relay::chat::testing
