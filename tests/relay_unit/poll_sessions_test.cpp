// relay::poll::Sessions: CSPRNG ids, validation, last-recv time, 60 s expiry.
#include "relay/poll/sessions.h"

#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace relay::poll {
namespace {

TEST(PollSessions, IdsAre32LowercaseHexAndDistinct) {
  const std::regex form("[0-9a-f]{32}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = random_session_id();
    ASSERT_TRUE(std::regex_match(id, form)) << "id was \"" << id << "\"";
    EXPECT_TRUE(seen.insert(id).second) << "repeated id " << id;
  }
}

TEST(PollSessions, IdsUseAllSixteenDigitsInEveryPosition) {
  // A weak or constant generator (e.g. an unseeded PRNG, a counter) fails this.
  std::vector<std::set<char>> per_position(32);
  for (int i = 0; i < 2000; ++i) {
    const std::string id = random_session_id();
    for (std::size_t k = 0; k < 32; ++k) per_position[k].insert(id[k]);
  }
  for (std::size_t k = 0; k < 32; ++k) EXPECT_EQ(per_position[k].size(), 16U) << "position " << k;
}

TEST(PollSessions, OpenFindTouch) {
  Sessions sessions;
  const Session* s = sessions.open(7, 1'000);
  ASSERT_NE(s, nullptr);
  const std::string id = s->id;
  EXPECT_EQ(s->participant, 7U);
  EXPECT_EQ(s->opened_us, 1'000);
  EXPECT_EQ(s->last_recv_us, 1'000);
  ASSERT_NE(sessions.find(id), nullptr);
  EXPECT_EQ(sessions.find(id)->participant, 7U);
  EXPECT_TRUE(sessions.touch_recv(id, 5'000));
  EXPECT_EQ(sessions.find(id)->last_recv_us, 5'000);
  EXPECT_TRUE(sessions.touch_recv(id, 4'000));   // an older time never moves it back
  EXPECT_EQ(sessions.find(id)->last_recv_us, 5'000);
  EXPECT_EQ(sessions.size(), 1U);
}

TEST(PollSessions, MalformedAndUnknownIdsAreNotFound) {
  Sessions sessions;
  const std::string id = sessions.open(1, 0)->id;
  std::string upper = id;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string unknown = id;
  unknown[0] = unknown[0] == '0' ? '1' : '0';
  for (const std::string& bad : {std::string(), id.substr(0, 31), id + "0", std::string(32, 'g'), unknown}) {
    EXPECT_EQ(sessions.find(bad), nullptr) << "found \"" << bad << "\"";
    EXPECT_FALSE(sessions.touch_recv(bad, 1)) << bad;
  }
  if (upper != id) {
    EXPECT_EQ(sessions.find(upper), nullptr) << "upper-case id accepted";
  }
  EXPECT_TRUE(Sessions::is_well_formed(id));
  EXPECT_TRUE(Sessions::is_well_formed(unknown));
  EXPECT_FALSE(Sessions::is_well_formed(id.substr(1)));
}

TEST(PollSessions, NotFoundBodyIsJsonAndSaysWhy) {
  const auto malformed = nlohmann::json::parse(Sessions::not_found_body("xyz"));
  EXPECT_EQ(malformed["error"], "malformed_session");
  EXPECT_FALSE(malformed["detail"].get<std::string>().empty());
  const auto unknown = nlohmann::json::parse(Sessions::not_found_body(std::string(32, 'a')));
  EXPECT_EQ(unknown["error"], "unknown_session");
  EXPECT_NE(unknown["detail"].get<std::string>().find("/poll/open"), std::string::npos);
  // The body never echoes the id back (it might be anything a client sent).
  EXPECT_EQ(Sessions::not_found_body("<script>").find("<script>"), std::string::npos);
}

TEST(PollSessions, EndsSixtySecondsAfterTheLastRecv) {
  Sessions sessions;
  const std::string a = sessions.open(1, 0)->id;
  const std::string b = sessions.open(2, 0)->id;
  sessions.touch_recv(b, 30'000'000);
  EXPECT_TRUE(sessions.expire(59'999'999).empty());
  const auto ended = sessions.expire(60'000'000);
  ASSERT_EQ(ended.size(), 1U);
  EXPECT_EQ(ended[0].id, a);
  EXPECT_EQ(ended[0].participant, 1U);
  EXPECT_EQ(sessions.find(a), nullptr);
  ASSERT_NE(sessions.find(b), nullptr);
  EXPECT_TRUE(sessions.expire(89'999'999).empty());
  EXPECT_EQ(sessions.expire(90'000'000).size(), 1U);
  EXPECT_EQ(sessions.size(), 0U);
}

TEST(PollSessions, ExpiryIsConfigurable) {
  Sessions sessions(SessionLimits{1'000, 10});
  sessions.open(1, 0);
  EXPECT_TRUE(sessions.expire(999).empty());
  EXPECT_EQ(sessions.expire(1'000).size(), 1U);
}

TEST(PollSessions, StoreIsBounded) {
  Sessions sessions(SessionLimits{60'000'000, 3});
  for (chat::ParticipantId p = 1; p <= 3; ++p) EXPECT_NE(sessions.open(p, 0), nullptr);
  EXPECT_EQ(sessions.open(4, 0), nullptr) << "a fourth session beyond max_sessions=3";
  EXPECT_TRUE(sessions.erase(sessions.all().front().id));
  EXPECT_NE(sessions.open(5, 0), nullptr);
  EXPECT_FALSE(sessions.erase(std::string(32, '0')));
}

TEST(PollSessions, DrainBatchIsAJsonArrayOfQueuedMessages) {
  chat::Service service({}, 1, true);
  const auto p = service.connect(chat::Transport::long_poll);
  service.receive(p, R"({"type":"find"})", 0);
  const std::string body = drain_batch(service, p);
  const auto batch = nlohmann::json::parse(body);
  ASSERT_TRUE(batch.is_array()) << body;
  ASSERT_EQ(batch.size(), 2U) << body;
  EXPECT_EQ(batch[0]["type"], "welcome");
  EXPECT_EQ(batch[1]["type"], "waiting");
  EXPECT_EQ(drain_batch(service, p), "") << "nothing queued must give an empty body (answer 204 or hold)";
  for (int i = 0; i < 5; ++i) service.receive(p, R"({"type":"find"})", 0);
  EXPECT_EQ(nlohmann::json::parse(drain_batch(service, p, 3)).size(), 3U);
  EXPECT_EQ(service.queued(p), 2U);
}

}  // namespace
}  // namespace relay::poll

TEST(PollSessions, DeterministicIdsRepeatAcrossStores) {
  relay::poll::SessionLimits limits;
  limits.deterministic = true;
  relay::poll::Sessions first(limits), second(limits);
  const auto* a1 = first.open(1, 0);
  const auto* a2 = first.open(2, 0);
  const auto* b1 = second.open(1, 0);
  ASSERT_NE(a1, nullptr);
  ASSERT_NE(a2, nullptr);
  ASSERT_NE(b1, nullptr);
  EXPECT_EQ(a1->id, b1->id) << "--deterministic must give the same first id in every run";
  EXPECT_NE(a1->id, a2->id) << "ids within one run must still differ";
  EXPECT_TRUE(relay::poll::Sessions::is_well_formed(a1->id)) << "id: " << a1->id;
}

TEST(PollSessions, DefaultIdsComeFromTheOsAndDiffer) {
  relay::poll::Sessions first, second;
  const auto* a = first.open(1, 0);
  const auto* b = second.open(1, 0);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a->id, b->id) << "without --deterministic two stores must not repeat ids";
}
