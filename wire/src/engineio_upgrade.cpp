// Engine.IO 4's upgrade from polling to WebSocket, as a state machine.
#include "wire/engineio_upgrade.h"

namespace wire::engineio {

void UpgradeTracker::on_polling_packet(const Packet& packet, bool from_server) {
  if (stage_ == Stage::unknown && from_server && packet.type == PacketType::open) stage_ = Stage::polling;
}

void UpgradeTracker::on_websocket_packet(const Packet& packet, bool from_server) {
  switch (stage_) {
    case Stage::unknown:
      if (from_server && packet.type == PacketType::open) stage_ = Stage::websocket;
      break;
    case Stage::polling:
      if (!from_server && is_probe(packet) && packet.type == PacketType::ping) stage_ = Stage::probing;
      break;
    case Stage::probing:
      if (from_server && is_probe(packet) && packet.type == PacketType::pong) probe_answered_ = true;
      // "Upgrade": the client sends the upgrade packet once the probe came back.
      if (!from_server && packet.type == PacketType::upgrade && probe_answered_) stage_ = Stage::upgraded;
      break;
    case Stage::upgraded:
    case Stage::websocket:
      break;
  }
}

std::string_view UpgradeTracker::label() const {
  switch (stage_) {
    case Stage::polling: return "Socket.IO: polling";
    case Stage::probing: return "Socket.IO: polling -> probing WebSocket";
    case Stage::upgraded: return "Socket.IO: polling -> upgraded to WebSocket";
    case Stage::websocket: return "Socket.IO: WebSocket";
    case Stage::unknown: break;
  }
  return "";
}

}  // namespace wire::engineio
