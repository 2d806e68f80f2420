// Socket.IO protocol 5: the packets inside Engine.IO's `message` packets
// ("4" + this), e.g. `42["chat message","hi"]` is an Engine.IO message whose
// Socket.IO packet is an EVENT named "chat message". docs/socketio.md shows a
// whole session. Pure, never throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wire/result.h"

namespace wire::socketio {

// The packet's first character (Socket.IO 5, "Packet types").
enum class PacketType : std::uint8_t { connect, disconnect, event, ack, connect_error, binary_event, binary_ack };
std::string_view packet_type_name(PacketType type);  // "CONNECT", "EVENT", ...

// <type>[<attachments>-][<namespace>,][<ack id>][<JSON>] (Socket.IO 5, "Packet format").
struct Packet {
  PacketType type = PacketType::event;
  std::size_t attachments = 0;       // binary attachments that follow (BINARY_EVENT, BINARY_ACK)
  std::string_view nsp = "/";        // the namespace; "/" when the packet names none
  std::optional<std::uint64_t> ack_id;
  std::string_view data;             // the JSON payload, "" when none
  std::string event;                 // EVENT / BINARY_EVENT: the first array element, the event's name
};

// One Socket.IO packet: the data of an Engine.IO text `message` packet.
Result<Packet> parse_packet(std::string_view text);

// A short line for a person: `EVENT "chat message" (1 argument), ack 12` (the sender
// asks for an answer), `ACK 12` (that answer), `CONNECT /admin`. Never the arguments themselves: they are the chat's text.
std::string describe(const Packet& packet);

}  // namespace wire::socketio
