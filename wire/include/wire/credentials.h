// Credentials in HTTP bytes that a mirror or a capture must never carry, found
// and overwritten in place by '*' of the same length, so byte counts, offsets
// and the long-poll / WebSocket comparisons stay exact:
//   - the long-poll session id: "?session=ID" / "&session=ID" anywhere (request
//     targets, Referer), and "session":"ID" in a JSON body (POST /poll/open's answer);
//     the same for Engine.IO's "sid" (a Socket.IO server behind --upstream);
//   - the values of Cookie, Set-Cookie, Authorization and Proxy-Authorization
//     (the two Authorization fields keep their scheme: "Bearer ******").
// Nothing in WebSocket frames of the chat is a credential. Pure, never throws.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "wire/events.h"

namespace wire {

inline constexpr char kBlank = '*';

struct Blanked {
  std::size_t count = 0;   // credentials overwritten
  std::string session;     // the first session id found (before blanking), "" when none: to label it
  // Each blanked field, in order: its name as kFields spells it ("Cookie", "Authorization") and its
  // value before blanking (for Authorization, the part after the scheme), to give it a stable label.
  std::vector<std::pair<std::string, std::string>> fields;
};

// Any HTTP text (a head, a whole message, bytes that did not parse): every
// line is looked at as a field line, and session ids anywhere.
Blanked blank_credentials(std::span<std::uint8_t> text);
// One message: its bytes, its start line and header values, consistently.
Blanked blank_credentials(Http& message);
Blanked blank_credentials(Raw& unit);
// A frame's payload (a server behind --upstream: Engine.IO's open packet
// `0{"sid":"ID",...}` and Socket.IO's CONNECT answer travel in WebSocket
// frames too): session ids only, blanked in the unmasked text and masked
// again with the frame's own key, so the bytes stay the frame's, same length.
Blanked blank_credentials(Frame& frame);

}  // namespace wire
