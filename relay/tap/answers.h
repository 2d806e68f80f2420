// The tap's own words, the same from either tap (edge_tap.h, socket_tap.h):
// the close frame it sends for a broken rule, the 1013 cut of the
// queued-bytes budget and who goes first, and the connection's `close` event.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "relay/tap/tap_stream.h"
#include "wire/events.h"

namespace relay {

// The relay's close frame for a verdict: its close code, and the rule's
// section as the reason ("RFC 6455 5.1"), unmasked (RFC 6455 5.1: a server
// never masks).
wire::Bytes close_frame_for(const TapVerdict& v);

// Over --max-queued-bytes: the largest holders first, until the total is back
// under three quarters of the budget. `holders` are (bytes held, connection);
// the result is the connections to cut, in that order.
std::vector<std::uint64_t> holders_to_cut(std::vector<std::pair<std::size_t, std::uint64_t>> holders,
                                          std::size_t total, std::size_t budget);
// The verdict that cuts one of them: close 1013 Try Again Later (RFC 6455 7.4.1).
TapVerdict budget_cut(std::size_t held, std::size_t budget);

// The violation of a client dropped for taking no byte for --stall-secs.
std::string stalled_rule(int stall_secs);

// The `close` event: the first Close frame on the wire decides who closed and
// why; without one, whoever hung up first.
wire::Close close_event(std::uint64_t conn, const TapStream& stream, wire::ClosedBy hung_up_first);

}  // namespace relay
