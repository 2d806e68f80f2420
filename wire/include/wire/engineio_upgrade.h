// Where one Engine.IO session is in its transport story, from the packets seen
// on its polling requests and its WebSocket: what the Conversation lane says
// ("Socket.IO: polling -> upgraded to WebSocket"). An explicit state machine
// over Engine.IO 4's "Upgrade" section:
//   polling:   the open packet came in a polling answer;
//   probing:   the client sent "2probe" on a new WebSocket (the server answers "3probe");
//   upgraded:  the client sent "5" (upgrade) there: polling stops, the WebSocket carries all;
//   websocket: the open packet came on a WebSocket (a client that never polled).
// Pure: the caller says which connection and direction each packet took.
#pragma once

#include <span>
#include <string_view>

#include "wire/engineio.h"

namespace wire::engineio {

enum class Stage : std::uint8_t { unknown, polling, probing, upgraded, websocket };

class UpgradeTracker {
 public:
  void on_polling_packet(const Packet& packet, bool from_server);
  void on_websocket_packet(const Packet& packet, bool from_server);

  Stage stage() const { return stage_; }
  bool probe_answered() const { return probe_answered_; }
  // "Socket.IO: polling", "Socket.IO: polling -> probing WebSocket",
  // "Socket.IO: polling -> upgraded to WebSocket", "Socket.IO: WebSocket", or "" (unknown).
  std::string_view label() const;
  // The same, longest first, down to a few words, for a place with little room:
  // "Socket.IO: polling -> upgraded to WebSocket", "Socket.IO: polling → WebSocket", ... Empty when unknown.
  std::span<const std::string_view> label_forms() const;

 private:
  Stage stage_ = Stage::unknown;
  bool probe_answered_ = false;
};

}  // namespace wire::engineio
