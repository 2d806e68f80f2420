// relay::poll admission and poll::Desk (issue 17 item 5): sessions per
// address, opens per second, an id honoured only from the address that
// opened it; parse_request's paths, methods and query.
#include "relay/poll/requests.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace relay::poll {
namespace {

SessionLimits limits(std::size_t per_address, double rate_per_address, double rate) {
  SessionLimits l;
  l.deterministic = true;
  l.max_per_address = per_address;
  l.opens_per_s_per_address = rate_per_address;
  l.opens_burst_per_address = 2 * rate_per_address;
  l.opens_per_s = rate;
  l.opens_burst = 2 * rate;
  return l;
}

TEST(PollAdmission, SessionsPerAddressAreCapped) {
  Sessions sessions(limits(3, 1000, 1000));
  for (chat::ParticipantId p = 1; p <= 3; ++p) {
    ASSERT_EQ(sessions.admit("10.0.0.1", 0), Refusal::none) << "open " << p;
    ASSERT_NE(sessions.open(p, 0, "10.0.0.1"), nullptr);
  }
  EXPECT_EQ(sessions.admit("10.0.0.1", 0), Refusal::address_full);
  EXPECT_EQ(sessions.open(4, 0, "10.0.0.1"), nullptr) << "open() alone must respect the cap too";
  EXPECT_EQ(sessions.admit("10.0.0.2", 0), Refusal::none) << "another address is not affected";
  EXPECT_EQ(sessions.counters().refused_address_full, 1U);
  // A session that ends frees its address's place.
  ASSERT_TRUE(sessions.erase(sessions.all().front().id));
  EXPECT_EQ(sessions.count_from("10.0.0.1"), 2U);
  EXPECT_EQ(sessions.admit("10.0.0.1", 0), Refusal::none);
}

TEST(PollAdmission, ExpiryFreesTheAddressPlace) {
  SessionLimits l = limits(1, 1000, 1000);
  l.expiry_us = 1'000;
  Sessions sessions(l);
  ASSERT_NE(sessions.open(1, 0, "a"), nullptr);
  EXPECT_EQ(sessions.admit("a", 0), Refusal::address_full);
  EXPECT_EQ(sessions.expire(1'000).size(), 1U);
  EXPECT_EQ(sessions.count_from("a"), 0U);
  EXPECT_EQ(sessions.admit("a", 1'000), Refusal::none);
}

TEST(PollAdmission, OpensPerSecondPerAddressThenRelayWide) {
  Sessions sessions(limits(100, 2, 5));   // per address: 2/s, burst 4; relay: 5/s, burst 10
  int admitted = 0;
  for (int i = 0; i < 10; ++i) admitted += sessions.admit("a", 0) == Refusal::none;
  EXPECT_EQ(admitted, 4) << "burst of 4 from one address";
  EXPECT_EQ(sessions.admit("a", 0), Refusal::address_rate);
  EXPECT_EQ(sessions.admit("a", 500'000), Refusal::none) << "half a second refills one";
  // Other addresses share the relay-wide bucket: 10 - 4 at 0 s, + 2.5 by 0.5 s,
  // - 1 for "a" = 7.5 (refused per-address opens took none of it).
  int others = 0;
  for (int i = 0; i < 10; ++i) others += sessions.admit("b" + std::to_string(i), 500'000) == Refusal::none;
  EXPECT_EQ(others, 7);
  EXPECT_EQ(sessions.admit("c", 500'000), Refusal::relay_rate);
  EXPECT_GT(sessions.counters().refused_relay_rate, 0U);
}

TEST(PollAdmission, AnIdIsHonouredOnlyFromItsAddress) {
  Sessions sessions(limits(10, 10, 10));
  const std::string id = sessions.open(7, 0, "127.0.0.1")->id;
  EXPECT_NE(sessions.find(id, "127.0.0.1"), nullptr);
  EXPECT_EQ(sessions.find(id, "127.0.0.2"), nullptr) << "the bare id must not work from another address";
  EXPECT_EQ(sessions.find(id, ""), nullptr);
  EXPECT_EQ(sessions.counters().wrong_address, 2U);
}

TEST(PollAdmission, IdleAddressesAreForgotten) {
  Sessions sessions(limits(10, 1, 1000));   // burst 2, refilled in 2 s
  for (int i = 0; i < 2; ++i) ASSERT_EQ(sessions.admit("a", 0), Refusal::none);
  EXPECT_EQ(sessions.admit("a", 0), Refusal::address_rate);
  sessions.expire(3'000'000);   // no session from "a", its bucket long full again
  EXPECT_EQ(sessions.admit("a", 3'000'000), Refusal::none);
  EXPECT_EQ(sessions.admit("a", 3'000'000), Refusal::none) << "a forgotten address starts with a full bucket";
}

TEST(PollRequests, ParseRequestRoutesByMethodAndPath) {
  auto r = parse_request("POST", "/poll/open", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->endpoint, Endpoint::open);
  r = parse_request("POST", "/poll/send", "x=1&session=abc&session=def");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->endpoint, Endpoint::send);
  EXPECT_EQ(r->session, "abc") << "the first session= wins";
  r = parse_request("GET", "/poll/recv", "session=");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->session, "");
  EXPECT_FALSE(parse_request("GET", "/poll/open", ""));
  EXPECT_FALSE(parse_request("POST", "/poll/recv", ""));
  EXPECT_FALSE(parse_request("POST", "/poll/sendx", ""));
  EXPECT_EQ(parse_request("POST", "/poll/send", "xsession=1&session=2")->session, "2") << "a name is matched whole";
}

TEST(PollRequests, DeskAnswers) {
  chat::Service chat({}, 1, true);
  Sessions sessions(limits(1, 1, 1000));
  Desk desk(sessions, chat, 64);
  const Answer opened = desk.open("a", 0);
  ASSERT_EQ(opened.status, 200) << opened.body;
  const std::string id = nlohmann::json::parse(opened.body)["session"];
  EXPECT_EQ(desk.open("a", 0).status, 503) << "one session per address here";
  const Answer thief = desk.send(Request{Endpoint::send, id}, "b", R"({"type":"find"})", false, 0);
  EXPECT_EQ(thief.status, 404);
  EXPECT_EQ(nlohmann::json::parse(thief.body)["error"], "unknown_session");
  EXPECT_EQ(chat.queued(opened.participant), 1U) << "the thief's message must not reach the chat";
  EXPECT_EQ(desk.send(Request{Endpoint::send, id}, "a", std::string(65, 'x'), false, 0).status, 413);
  EXPECT_EQ(desk.send(Request{Endpoint::send, id}, "a", R"({"type":"find"})", false, 0).status, 204);
  const Answer held = desk.recv(Request{Endpoint::recv, id}, "a", 5);
  EXPECT_EQ(held.status, 0);
  EXPECT_EQ(held.participant, opened.participant);
  EXPECT_EQ(sessions.find(id, "a")->last_recv_us, 5);
  Sessions many(limits(100, 1, 1000));
  Desk busy(many, chat, 64);
  busy.open("c", 0);
  busy.open("c", 0);
  const Answer limited = busy.open("c", 0);
  EXPECT_EQ(limited.status, 429);
  EXPECT_TRUE(limited.retry_after);
  EXPECT_EQ(nlohmann::json::parse(limited.body)["error"], "rate_limited");
}

}  // namespace
}  // namespace relay::poll
