// relay::Keepalive: --ping-secs and --hangup-secs for every WebSocket, kept by
// the relay, not by libwebsockets.
//
// Why: lws 4.1.6 keeps each connection's keepalive timer in its one sorted
// linked list of timers, and re-inserts it with a walk from the list's head on
// every ping and every pong: O(open connections) each time. Behind 10,000
// idle connections pinged every 5 s that walk took 87% of a core, and chat
// messages waited 20 s (bench/README.md, "Keepalive at campus scale").
//
// How: a connection's state (KeepaliveState) lives in its own session; this
// class keeps only the schedule: 250 ms slots of an ordered map, each holding
// the ids of the connections whose next deadline (a ping, or the hang-up)
// falls in it. Hearing from the client only notes the time in the state; when
// the slot comes up, due() either acts or moves the id to the deadline that
// time gives. So a message costs a store, a ping or a pong a map insert.
//
// The rules (relay/README.md, "Limits"):
// - silent for --ping-secs (no message and no pong since the upgrade or the
//   last one): one ping; any message or pong starts the silence again;
// - silent for --hangup-secs: hung up (no close frame: a client that answers
//   nothing would not read one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

namespace relay {

// One connection's part, kept in its session (InnerSession::keepalive).
struct KeepaliveState {
  std::int64_t heard_us = 0;
  bool watched = false;    // between the upgrade and its close or hang-up
  bool pinged = false;     // a ping went out since heard_us
  std::int64_t slot = -1;  // where its live entry is; entries elsewhere are stale and skipped
};

class Keepalive {
 public:
  static constexpr std::int64_t kSlotUs = 250'000;   // the relay's tick: no deadline is met closer than this

  Keepalive(std::int64_t ping_after_us, std::int64_t hangup_after_us);

  // The upgrade (watching starts), then each message and each pong.
  void heard(std::uint64_t conn, KeepaliveState& s, std::int64_t now_us);
  void forget(KeepaliveState& s);   // closed: its entry is skipped when it comes up
  std::size_t size() const { return watched_; }
  std::uint64_t pings() const { return pings_; }         // counted by due()
  std::uint64_t hang_ups() const { return hang_ups_; }

  struct Due {
    std::vector<std::uint64_t> ping;      // send each a ping now
    std::vector<std::uint64_t> hang_up;   // drop each now (already forgotten here)
  };
  // The connection's state by its id, or nullptr once it is gone.
  using Lookup = std::function<KeepaliveState*(std::uint64_t conn)>;
  Due due(std::int64_t now_us, const Lookup& state_of);

 private:
  void schedule(std::uint64_t conn, KeepaliveState& s, std::int64_t at_us);
  void decide(std::uint64_t conn, KeepaliveState& s, std::int64_t now_us, Due& due);

  std::int64_t ping_after_us_, hangup_after_us_;
  std::size_t watched_ = 0;
  std::uint64_t pings_ = 0, hang_ups_ = 0;
  std::map<std::int64_t, std::vector<std::uint64_t>> slots_;   // slot (deadline / kSlotUs, rounded up) -> conns
};

}  // namespace relay
