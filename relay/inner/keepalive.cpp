#include "relay/inner/keepalive.h"

#include <algorithm>
#include <utility>

namespace relay {

Keepalive::Keepalive(std::int64_t ping_after_us, std::int64_t hangup_after_us)
    : ping_after_us_(ping_after_us), hangup_after_us_(hangup_after_us) {}

void Keepalive::heard(std::uint64_t conn, KeepaliveState& s, std::int64_t now_us) {
  const bool added = !s.watched;
  const bool was_pinged = s.pinged;
  if (added) ++watched_;
  s.watched = true;
  s.heard_us = now_us;
  s.pinged = false;
  // A live entry before the new deadline moves itself when it comes up. Only
  // after a ping is it the hang-up's, which may be later than the next ping.
  if (added || was_pinged) schedule(conn, s, now_us + std::min(ping_after_us_, hangup_after_us_));
}

void Keepalive::forget(KeepaliveState& s) {
  if (s.watched) --watched_;
  s = KeepaliveState{};
}

Keepalive::Due Keepalive::due(std::int64_t now_us, const Lookup& state_of) {
  Due due;
  while (!slots_.empty() && slots_.begin()->first * kSlotUs <= now_us) {
    const std::int64_t slot = slots_.begin()->first;
    const std::vector<std::uint64_t> conns = std::move(slots_.begin()->second);
    slots_.erase(slots_.begin());
    for (const std::uint64_t conn : conns) {
      KeepaliveState* s = state_of(conn);
      if (s == nullptr || !s->watched || s->slot != slot) continue;   // closed, or moved since
      decide(conn, *s, now_us, due);
    }
  }
  return due;
}

// Its deadline has come: act, or move on to the one its last sign of life gives.
void Keepalive::decide(std::uint64_t conn, KeepaliveState& s, std::int64_t now_us, Due& due) {
  s.slot = -1;
  const std::int64_t ping_at = s.heard_us + ping_after_us_;
  const std::int64_t hang_up_at = s.heard_us + hangup_after_us_;
  if (now_us >= hang_up_at) {
    due.hang_up.push_back(conn);
    ++hang_ups_;
    forget(s);
    return;
  }
  if (!s.pinged && now_us >= ping_at) {
    s.pinged = true;
    due.ping.push_back(conn);
    ++pings_;
  }
  schedule(conn, s, s.pinged ? hang_up_at : std::min(ping_at, hang_up_at));
}

void Keepalive::schedule(std::uint64_t conn, KeepaliveState& s, std::int64_t at_us) {
  const std::int64_t slot = (at_us + kSlotUs - 1) / kSlotUs;
  if (s.slot == slot) return;
  slots_[slot].push_back(conn);
  s.slot = slot;
}

}  // namespace relay
