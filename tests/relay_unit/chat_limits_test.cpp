// relay::chat::Service: errors, the rate limit, bounded queues, wake-ups and mirror notes.
#include <set>

#include "chat_test_support.h"

namespace relay::chat::testing {
namespace {

using nlohmann::json;

TEST(ChatService, SayWhenAloneIsNotPaired) {
  Chat chat;
  const ParticipantId a = chat.join_quietly();
  chat.send(a, R"({"type":"say","text":"hello?"})");
  auto got = chat.drain(a);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0]["type"], "error");
  EXPECT_EQ(got[0]["code"], "not_paired");
  EXPECT_NE(got[0]["detail"].get<std::string>().find("find"), std::string::npos) << got[0].dump();
  chat.send(a, R"({"type":"find"})");
  chat.drain(a);
  chat.send(a, R"({"type":"say","text":"hello?"})");
  got = chat.drain(a);
  EXPECT_EQ(got.at(0)["code"], "not_paired") << "waiting is still alone";
  chat.send(a, R"({"type":"join","room":"empty"})");
  chat.drain(a);
  chat.send(a, R"({"type":"say","text":"hello?"})");
  EXPECT_EQ(chat.drain(a).at(0)["code"], "not_paired") << "alone in a room";
  EXPECT_EQ(chat.service.counters().not_paired, 3U);
}

TEST(ChatService, TooLongCountsUtf8Bytes) {
  Limits limits;
  limits.max_text_bytes = 10;
  Chat chat(limits);
  const auto [a, b] = chat.pair();
  chat.send(a, R"({"type":"say","text":"0123456789"})");   // exactly 10: fine
  EXPECT_EQ(types_of(chat.drain(b)), "said");
  // 5 x "é" is 5 characters but 10 bytes: fine; 6 x is 12 bytes: too long.
  chat.send(a, R"({"type":"say","text":"ééééé"})");
  EXPECT_EQ(types_of(chat.drain(b)), "said");
  chat.send(a, R"({"type":"say","text":"éééééé"})");
  EXPECT_TRUE(chat.drain(b).empty()) << "a too-long message was sent";
  const auto got = chat.drain(a);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0]["code"], "too_long");
  EXPECT_NE(got[0]["detail"].get<std::string>().find("12"), std::string::npos) << got[0].dump();
  chat.send(a, R"({"type":"say","text":"01234567890"})");
  EXPECT_EQ(chat.drain(a).at(0)["code"], "too_long");
  EXPECT_EQ(chat.service.counters().too_long, 2U);
}

TEST(ChatService, HugeMessageIsTooLongWithoutParsing) {
  Chat chat;
  const auto [a, b] = chat.pair();
  chat.send(a, std::string(50'000, '['));
  EXPECT_EQ(chat.drain(a).at(0)["code"], "too_long");
  EXPECT_TRUE(chat.drain(b).empty());
}

struct BadCase {
  const char* input;
  const char* detail_mentions;
};

TEST(ChatService, BadMessagesGetBadMessageWithAHint) {
  const std::vector<BadCase> cases = {
      {"not json", "not valid JSON"},
      {"{\"type\":\"say\",", "not valid JSON"},
      {"", "not valid JSON"},
      {"[1,2]", "JSON object"},
      {"\"find\"", "JSON object"},
      {"{}", "missing field \"type\""},
      {"{\"type\":7}", "must be a string"},
      {"{\"type\":\"sya\",\"text\":\"x\"}", "unknown type \"sya\""},
      {"{\"type\":\"say\"}", "\"text\""},
      {"{\"type\":\"say\",\"text\":5}", "\"text\""},
      {"{\"type\":\"say\",\"text\":\"\"}", "non-empty"},
      {"{\"type\":\"join\"}", "\"room\""},
      {"{\"type\":\"join\",\"room\":\"\"}", "1-32"},
      {"{\"type\":\"join\",\"room\":\"CS101\"}", "1-32"},
      {"{\"type\":\"join\",\"room\":\"a b\"}", "1-32"},
      {"{\"type\":\"join\",\"room\":\"abcdefghijklmnopqrstuvwxyz0123456\"}", "1-32"},
      {"{\"type\":\"typing\"}", "\"on\""},
      {"{\"type\":\"typing\",\"on\":\"yes\"}", "\"on\""},
      {"{\"type\":\"say\",\"text\":\"\xff\"}", "not valid JSON"},   // invalid UTF-8 inside a string
  };
  Limits limits;
  limits.burst = 1000;
  Chat chat(limits);
  const auto [a, b] = chat.pair();
  for (const auto& c : cases) {
    chat.send(a, c.input);
    const auto got = chat.drain(a);
    ASSERT_EQ(got.size(), 1U) << "input " << c.input << "\n" << dump_all(got);
    EXPECT_EQ(got[0]["type"], "error") << "input " << c.input;
    EXPECT_EQ(got[0]["code"], "bad_message") << "input " << c.input;
    const std::string detail = got[0].value("detail", std::string());
    EXPECT_NE(detail.find(c.detail_mentions), std::string::npos)
        << "input " << c.input << ": detail should mention " << c.detail_mentions << ", but it was: " << detail;
  }
  EXPECT_TRUE(chat.drain(b).empty()) << "the peer heard about a bad message";
  EXPECT_EQ(chat.service.counters().bad_messages, cases.size());
}

TEST(ChatService, RateLimitRefusesPastTheBurstAndRefills) {
  Limits limits;
  limits.rate_per_s = 10;
  limits.burst = 20;
  Chat chat(limits);
  const auto [a, b] = chat.pair();   // pairing spent one of a's and one of b's tokens
  chat.now_us = 5'000'000;           // 4 s later: both buckets full again
  for (int i = 0; i < 20; ++i) chat.send(a, R"({"type":"say","text":"m"})");
  EXPECT_EQ(chat.drain(b).size(), 20U);
  EXPECT_TRUE(chat.drain(a).empty());
  chat.send(a, R"({"type":"say","text":"one too many"})");
  EXPECT_TRUE(chat.drain(b).empty()) << "a rate-limited message was sent";
  const auto got = chat.drain(a);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0]["code"], "rate_limited");
  EXPECT_EQ(chat.service.counters().rate_limited, 1U);
  chat.now_us += 100'000;   // 0.1 s at 10/s: one token
  chat.send(a, R"({"type":"say","text":"m"})");
  chat.send(a, R"({"type":"say","text":"m"})");
  EXPECT_EQ(chat.drain(b).size(), 1U);
  EXPECT_EQ(types_of(chat.drain(a)), "error");
  chat.now_us += 60'000'000;   // a minute: back to the burst, never more
  for (int i = 0; i < 25; ++i) chat.send(a, R"({"type":"say","text":"m"})");
  EXPECT_EQ(chat.drain(b).size(), 20U);
  EXPECT_EQ(chat.drain(a).size(), 5U);
  EXPECT_EQ(chat.service.counters().rate_limited, 7U);
}

TEST(ChatService, RateLimitIsPerParticipant) {
  Limits limits;
  limits.burst = 3;
  limits.rate_per_s = 1;
  Chat chat(limits);
  const auto [a, b] = chat.pair();
  for (int i = 0; i < 10; ++i) chat.send(a, R"({"type":"say","text":"flood"})");
  chat.send(b, R"({"type":"say","text":"still fine"})");
  const auto got_a = chat.drain(a);
  EXPECT_EQ(got_a.back()["type"], "said") << "b was limited by a's flood:\n" << dump_all(got_a);
}

TEST(ChatService, FullQueueDropsTheOldestAndCounts) {
  Limits limits;
  limits.max_queued = 3;
  limits.burst = 100;
  Chat chat(limits);
  const auto [a, b] = chat.pair();
  for (int i = 1; i <= 5; ++i) chat.send(a, R"({"type":"say","text":"m)" + std::to_string(i) + "\"}");
  EXPECT_EQ(chat.service.queued(b), 3U);
  const auto got = chat.drain(b);
  ASSERT_EQ(got.size(), 3U);
  EXPECT_EQ(got[0]["text"], "m3");
  EXPECT_EQ(got[2]["text"], "m5");
  EXPECT_EQ(chat.service.dropped(b), 2U);
  EXPECT_EQ(chat.service.counters().dropped_outgoing, 2U);
  EXPECT_EQ(chat.service.dropped(a), 0U);
}

TEST(ChatService, OnReadyFiresForEveryQueuedMessage) {
  Chat chat;
  const auto [a, b] = chat.pair();
  chat.ready.clear();
  chat.send(a, R"({"type":"say","text":"x"})");
  chat.send(a, R"({"type":"say","text":"y"})");
  EXPECT_EQ(chat.ready, (std::vector<ParticipantId>{b, b}));
  chat.send(a, "bad");
  EXPECT_EQ(chat.ready.back(), a);
}

TEST(ChatService, NotesNameEventsAndLabelsButNeverText) {
  Chat chat;
  const auto [a, b] = chat.pair();
  const ParticipantId c = chat.join_quietly();
  const ParticipantId d = chat.join_quietly();
  chat.send(c, R"({"type":"join","room":"cs101"})");
  chat.send(d, R"({"type":"join","room":"cs101"})");
  chat.notes.clear();
  const std::string ld = chat.service.label(d);
  chat.send(a, R"({"type":"say","text":"SECRET-MARKER-1"})");
  chat.send(c, R"({"type":"say","text":"SECRET-MARKER-2"})");
  chat.send(b, R"({"type":"leave"})");
  chat.service.disconnect(d);
  std::string all;
  for (const auto& n : chat.notes) all += n.event + "|" + n.who + "|" + n.peer + "|" + n.room + "\n";
  const std::string la = chat.service.label(a), lb = chat.service.label(b), lc = chat.service.label(c);
  const std::string expected = "said|" + la + "|" + lb + "|\n" + "said|" + lc + "||cs101\n" + "left|" + lb + "|" + la +
                               "|\n" + "left|" + ld + "||cs101\n";
  EXPECT_EQ(all, expected);
  EXPECT_EQ(all.find("SECRET"), std::string::npos);
  EXPECT_EQ(chat.notes[0].who_id, a);
  EXPECT_EQ(chat.notes[3].who_id, d);
}

TEST(ChatService, NotesForWelcomePairedJoined) {
  Chat chat;
  const ParticipantId a = chat.service.connect(Transport::websocket);
  const ParticipantId b = chat.service.connect(Transport::long_poll);
  chat.send(a, R"({"type":"find"})");
  chat.send(b, R"({"type":"find"})");
  chat.send(a, R"({"type":"join","room":"x"})");
  std::string all;
  for (const auto& n : chat.notes) all += std::to_string(n.who_id) + ":" + n.event + "|" + n.who + "|" + n.peer + "|" + n.room + "\n";
  const std::string la = chat.service.label(a), lb = chat.service.label(b), ia = std::to_string(a), ib = std::to_string(b);
  const std::string expected = ia + ":welcome|" + la + "||\n" + ib + ":welcome|" + lb + "||\n" + ia + ":waiting|" + la +
                               "||\n" + ia + ":paired|" + la + "|" + lb + "|\n" + ib + ":paired|" + lb + "|" + la + "|\n" +
                               ia + ":left|" + la + "|" + lb + "|\n" + ia + ":joined|" + la + "||x\n";
  EXPECT_EQ(all, expected);
}

}  // namespace
}  // namespace relay::chat::testing
