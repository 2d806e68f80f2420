// Lab 8 reference solution, part 1: one WebSocket's keepalive timer (RFC 6455 5.5.2, 5.5.3), a small state
// machine on the time the server gives it.
#include "survive.h"

namespace ws {

void Keepalive::heard(Millis now) {
  last_heard_ = now;
  ping_sent_ = -1;  // whatever came answers the ping: the client is there
}

KeepaliveAction Keepalive::tick(Millis now) {
  if (ping_sent_ >= 0) return now - ping_sent_ >= pong_within_ms_ ? KeepaliveAction::hang_up : KeepaliveAction::none;
  if (now - last_heard_ < ping_after_ms_) return KeepaliveAction::none;
  ping_sent_ = now;
  return KeepaliveAction::ping;
}

}  // namespace ws
