// relay::Keepalive: --ping-secs and --hangup-secs for every WebSocket, kept by
// the relay, not by libwebsockets.
//
// Why: lws 4.1.6 keeps each connection's keepalive timer in its one sorted
// linked list of timers, and re-inserts it with a walk from the list's head on
// every ping and every pong: O(open connections) each time. Behind 10,000
// idle connections pinged every 5 s that walk took 87% of a core, and chat
// messages waited 20 s (bench/README.md, "Keepalive at campus scale").
//
// How: a connection's next deadline (its ping, or its hang-up) sits in a
// 250 ms slot of an ordered map. Hearing from the client only notes the time;
// when the entry comes up, due() either acts or moves it to the deadline that
// time gives. So a frame costs a hash lookup, a ping or a pong a map insert.
//
// The rules (relay/README.md, "Limits"):
// - silent for --ping-secs (no frame and no pong since the upgrade or the last
//   one): one ping; any frame or pong starts the silence again;
// - silent for --hangup-secs: hung up (no close frame: a client that answers
//   nothing would not read one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

namespace relay {

class Keepalive {
 public:
  static constexpr std::int64_t kSlotUs = 250'000;   // the relay's tick: no deadline is met closer than this

  Keepalive(std::int64_t ping_after_us, std::int64_t hangup_after_us);

  void heard(std::uint64_t conn, std::int64_t now_us);   // the upgrade, any frame, any pong
  void forget(std::uint64_t conn);                       // closed
  std::size_t size() const { return conns_.size(); }
  std::uint64_t pings() const { return pings_; }         // counted by due()
  std::uint64_t hang_ups() const { return hang_ups_; }

  struct Due {
    std::vector<std::uint64_t> ping;      // send each a ping now
    std::vector<std::uint64_t> hang_up;   // drop each now (already forgotten here)
  };
  Due due(std::int64_t now_us);

 private:
  struct State {
    std::int64_t heard_us = 0;
    bool pinged = false;     // a ping went out since heard_us
    std::int64_t slot = -1;  // where its live entry is; entries elsewhere are stale and skipped
  };
  void schedule(std::uint64_t conn, State& s, std::int64_t at_us);
  void decide(std::uint64_t conn, State& s, std::int64_t now_us, Due& due);

  std::int64_t ping_after_us_, hangup_after_us_;
  std::uint64_t pings_ = 0, hang_ups_ = 0;
  std::unordered_map<std::uint64_t, State> conns_;
  std::map<std::int64_t, std::vector<std::uint64_t>> slots_;   // slot (deadline / kSlotUs, rounded up) -> conns
};

}  // namespace relay
