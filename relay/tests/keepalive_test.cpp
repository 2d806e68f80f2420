// relay::Keepalive (relay/inner/keepalive.h): who is pinged and who is hung up,
// by the relay's clock, to within one 250 ms slot.
#include "relay/inner/keepalive.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace relay {
namespace {

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kSlot = Keepalive::kSlotUs;
using Ids = std::vector<std::uint64_t>;

// The schedule, with each connection's state kept beside it as InnerServer
// keeps it in its sessions.
class Conns {
 public:
  Conns(std::int64_t ping_after_us, std::int64_t hangup_after_us) : k_(ping_after_us, hangup_after_us) {}
  void heard(std::uint64_t conn, std::int64_t now_us) { k_.heard(conn, states_[conn], now_us); }
  void forget(std::uint64_t conn) {
    k_.forget(states_[conn]);
    states_.erase(conn);
  }
  Keepalive::Due due(std::int64_t now_us) {
    return k_.due(now_us, [this](std::uint64_t conn) -> KeepaliveState* {
      auto it = states_.find(conn);
      return it == states_.end() ? nullptr : &it->second;
    });
  }
  std::size_t size() const { return k_.size(); }

 private:
  Keepalive k_;
  std::unordered_map<std::uint64_t, KeepaliveState> states_;
};

TEST(Keepalive, ASilentConnectionIsPingedOnceThenHungUp) {
  Conns k(1 * kSecond, 3 * kSecond);   // --ping-secs 1 --hangup-secs 3
  k.heard(7, 0);
  EXPECT_EQ(k.due(kSecond - 1).ping, Ids{}) << "silent for less than --ping-secs";
  EXPECT_EQ(k.due(kSecond).ping, Ids{7});
  const Keepalive::Due later = k.due(2 * kSecond);
  EXPECT_EQ(later.ping, Ids{}) << "one ping per silence, not one per tick";
  EXPECT_EQ(later.hang_up, Ids{});
  EXPECT_EQ(k.due(3 * kSecond - 1).hang_up, Ids{});
  EXPECT_EQ(k.due(3 * kSecond).hang_up, Ids{7}) << "silent for --hangup-secs";
  EXPECT_EQ(k.size(), 0U) << "a connection hung up is forgotten";
  EXPECT_EQ(k.due(100 * kSecond).hang_up, Ids{}) << "and hung up once";
}

TEST(Keepalive, APongStartsTheSilenceAgain) {
  Conns k(1 * kSecond, 3 * kSecond);
  k.heard(7, 0);
  EXPECT_EQ(k.due(kSecond).ping, Ids{7});
  k.heard(7, kSecond + kSecond / 2);   // its pong
  EXPECT_EQ(k.due(2 * kSecond + kSecond / 2).ping, Ids{7}) << "pinged again after 1 s of new silence";
  EXPECT_EQ(k.due(3 * kSecond).hang_up, Ids{}) << "3 s after the handshake, but 1.5 s after the pong";
  EXPECT_EQ(k.due(4 * kSecond + kSecond / 2 - 1).hang_up, Ids{});
  EXPECT_EQ(k.due(4 * kSecond + kSecond / 2).hang_up, Ids{7});
}

// The entry waiting for the hang-up (60 s) must not delay the next ping (5 s after the pong).
TEST(Keepalive, AfterAPongTheNextPingIsNotHeldBackByTheHangUp) {
  Conns k(5 * kSecond, 60 * kSecond);
  k.heard(7, 0);
  EXPECT_EQ(k.due(5 * kSecond).ping, Ids{7});
  k.heard(7, 5 * kSecond + 10'000);   // the pong, 10 ms later
  EXPECT_EQ(k.due(10 * kSecond).ping, Ids{}) << "4.99 s of silence";
  EXPECT_EQ(k.due(10 * kSecond + kSlot).ping, Ids{7}) << "5 s of silence, within one slot";
}

// A chatting client is never pinged; its frames move no entry, the entry moves itself.
TEST(Keepalive, AClientThatKeepsTalkingIsNeverPinged) {
  Conns k(1 * kSecond, 3 * kSecond);
  for (std::int64_t t = 0; t <= 20 * kSecond; t += kSlot) {
    k.heard(7, t);
    const Keepalive::Due due = k.due(t);
    ASSERT_EQ(due.ping, Ids{}) << "at " << t << " us";
    ASSERT_EQ(due.hang_up, Ids{}) << "at " << t << " us";
  }
  EXPECT_EQ(k.due(21 * kSecond).ping, Ids{7}) << "then silent for 1 s";
}

TEST(Keepalive, AHangUpShorterThanThePingComesWithoutAPing) {
  Conns k(10 * kSecond, 2 * kSecond);   // --ping-secs 10 --hangup-secs 2
  k.heard(7, 0);
  const Keepalive::Due due = k.due(2 * kSecond);
  EXPECT_EQ(due.ping, Ids{});
  EXPECT_EQ(due.hang_up, Ids{7});
}

TEST(Keepalive, AForgottenConnectionIsNeitherPingedNorHungUp) {
  Conns k(1 * kSecond, 3 * kSecond);
  k.heard(7, 0);
  k.heard(8, 0);
  k.forget(7);
  EXPECT_EQ(k.due(kSecond).ping, Ids{8});
  EXPECT_EQ(k.due(10 * kSecond).hang_up, Ids{8});
}

// wirelab_keepalive_watched: a connection hung up, then closed, is not counted off twice.
TEST(Keepalive, TheWatchedCountFollowsHangUpsAndCloses) {
  Conns k(1 * kSecond, 3 * kSecond);
  k.heard(7, 0);
  k.heard(8, 0);
  k.heard(7, kSecond / 2);   // a message: still one connection
  EXPECT_EQ(k.size(), 2U);
  EXPECT_EQ(k.due(3 * kSecond).hang_up, Ids{8});
  EXPECT_EQ(k.size(), 1U);
  k.forget(8);   // its close, after the hang-up
  EXPECT_EQ(k.size(), 1U);
  k.forget(7);
  EXPECT_EQ(k.size(), 0U);
}

TEST(Keepalive, ThousandsOfIdleConnectionsComeDueInOrderOfSilence) {
  Conns k(30 * kSecond, 60 * kSecond);
  for (std::uint64_t id = 1; id <= 10'000; ++id) k.heard(id, static_cast<std::int64_t>(id) * 1000);   // 1 ms apart
  EXPECT_EQ(k.due(30 * kSecond).ping, Ids{}) << "the first is silent for 29.999 s";
  const Ids first = k.due(30 * kSecond + kSlot).ping;
  ASSERT_EQ(first.size(), 250U) << "silent for 30 s by 30.25 s: ids 1 to 250";
  EXPECT_EQ(first.front(), 1U);
  EXPECT_EQ(first.back(), 250U);
  EXPECT_EQ(k.size(), 10'000U);
}

}  // namespace
}  // namespace relay
