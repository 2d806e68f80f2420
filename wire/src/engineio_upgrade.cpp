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

namespace {

constexpr std::string_view kPolling[] = {"Socket.IO: polling", "polling"};
constexpr std::string_view kProbing[] = {"Socket.IO: polling -> probing WebSocket", "Socket.IO: probing WebSocket",
                                         "probing WebSocket"};
constexpr std::string_view kUpgraded[] = {"Socket.IO: polling -> upgraded to WebSocket", "Socket.IO: polling → WebSocket",
                                          "polling → WebSocket", "→ WebSocket"};
constexpr std::string_view kWebSocket[] = {"Socket.IO: WebSocket", "WebSocket"};

}  // namespace

std::span<const std::string_view> UpgradeTracker::label_forms() const {
  switch (stage_) {
    case Stage::polling: return kPolling;
    case Stage::probing: return kProbing;
    case Stage::upgraded: return kUpgraded;
    case Stage::websocket: return kWebSocket;
    case Stage::unknown: break;
  }
  return {};
}

std::string_view UpgradeTracker::label() const {
  const auto forms = label_forms();
  return forms.empty() ? std::string_view{} : forms.front();
}

}  // namespace wire::engineio
