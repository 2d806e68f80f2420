// What a Socket.IO application's bytes mean (docs/socketio.md), for the lists
// and lanes: an Engine.IO connection's frames and polling bodies read through
// wire/engineio.h and wire/socketio.h. GL-free (tests/visualizer/socketio_test.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "wire/engineio.h"

namespace viz {

// The packets an entry carries, when its connection is Engine.IO's: a whole
// text or binary frame's one packet, or a polling body's packets. Empty for
// anything else (and for a body that does not parse: the entry says why).
struct EngineIoPackets {
  std::vector<wire::engineio::Packet> packets;   // views into the entry's bytes
  std::string error;                             // why the bytes are not Engine.IO, "" when they are
};
EngineIoPackets engineio_packets(const Entry& e);

// One line for a person: `ping probe`, `upgrade`, `open (sid, upgrades: websocket)`,
// `Socket.IO EVENT "chat message" (1 argument), ack 0 “hello”` (the first string
// argument, cut at max_preview), or for a polling body its packets joined by " · ".
// brief, for an arrow: `open`, `"chat message" “hello”`, `ACK 0`.
std::string engineio_words(const EngineIoPackets& p, std::size_t max_preview, bool brief = false);

}  // namespace viz
