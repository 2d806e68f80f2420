// Engine.IO protocol 4, the transport under Socket.IO: its packets, its polling
// bodies and its request targets, as they cross the wire (docs/socketio.md
// shows a whole session). Socket.IO's own packets ride inside Engine.IO's
// `message` packets: see wire/socketio.h. Pure, never throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/result.h"

namespace wire::engineio {

// The first character of a text packet (Engine.IO 4, "Packet encoding").
enum class PacketType : std::uint8_t { open, close, ping, pong, message, upgrade, noop };
std::string_view packet_type_name(PacketType type);  // "open", "ping", ...

struct Packet {
  PacketType type = PacketType::message;
  // A binary message: a WebSocket binary frame (raw bytes, no type character),
  // or "b" + base64 in a polling body.
  bool binary = false;
  std::string_view data;  // what follows the type character (for "b", the base64 text)
};

// One packet: a WebSocket text frame's payload, or one record of a polling body.
Result<Packet> parse_packet(std::string_view text);
// A WebSocket binary frame is always a binary message (Engine.IO 4, "WebSocket").
Packet binary_frame_packet(std::string_view payload);

// A polling body (GET answer or POST request): packets separated by the record
// separator 0x1E (Engine.IO 4, "Packet encoding / HTTP long-polling").
inline constexpr char kRecordSeparator = '\x1e';
Result<std::vector<Packet>> split_payload(std::string_view body);

// The open packet's JSON (Engine.IO 4, "Handshake"): {"sid":...,"upgrades":[...],
// "pingInterval":...,"pingTimeout":...,"maxPayload":...}.
struct Handshake {
  std::string sid;                    // a credential: never shown, only its length is used
  std::vector<std::string> upgrades;  // "websocket" when the client may upgrade
  std::int64_t ping_interval_ms = 0;
  std::int64_t ping_timeout_ms = 0;
  std::int64_t max_payload = 0;
};
Result<Handshake> parse_handshake(std::string_view open_data);

// The probe of the upgrade (Engine.IO 4, "Upgrade"): the client sends "2probe"
// on the new WebSocket, the server answers "3probe", the client sends "5".
bool is_probe(const Packet& packet);

// A request target of Engine.IO: PATH?EIO=4&transport=polling|websocket[&sid=...].
enum class Transport : std::uint8_t { polling, websocket };
struct Target {
  std::string_view path;  // "/socket.io/" (Socket.IO's default) or "/engine.io/"
  int eio = 0;            // the protocol revision the client asked for
  Transport transport = Transport::polling;
  bool has_sid = false;   // a request of an established session
};
// nullopt when the target has no EIO and transport parameters: not Engine.IO.
std::optional<Target> parse_target(std::string_view request_target);

}  // namespace wire::engineio
