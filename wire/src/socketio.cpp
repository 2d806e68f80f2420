// Socket.IO 5's packets, read from the data of an Engine.IO message.
#include "wire/socketio.h"

#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

namespace wire::socketio {
namespace {

constexpr std::string_view kRule = "Socket.IO 5";
constexpr std::array<std::string_view, 7> kNames = {"CONNECT",       "DISCONNECT",   "EVENT",     "ACK",
                                                     "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Digits at the front of `rest`, consumed; nullopt when there are none (or too many for 64 bits).
std::optional<std::uint64_t> take_number(std::string_view& rest) {
  std::size_t n = 0;
  std::uint64_t value = 0;
  while (n < rest.size() && is_digit(rest[n])) {
    if (n == 19) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(rest[n] - '0');
    ++n;
  }
  if (n == 0) return std::nullopt;
  rest.remove_prefix(n);
  return value;
}

Error error(std::string reason, std::size_t offset) { return Error{std::string(kRule), std::move(reason), offset}; }

}  // namespace

std::string_view packet_type_name(PacketType type) { return kNames.at(static_cast<std::size_t>(type)); }

Result<Packet> parse_packet(std::string_view text) {
  if (text.empty() || text.front() < '0' || text.front() > '6')
    return error("a Socket.IO packet starts with its type, a digit 0-6 (0 CONNECT ... 6 BINARY_ACK)", 0);
  Packet p;
  p.type = static_cast<PacketType>(text.front() - '0');
  std::string_view rest = text.substr(1);
  const auto at = [&] { return text.size() - rest.size(); };
  if (p.type == PacketType::binary_event || p.type == PacketType::binary_ack) {
    const auto count = take_number(rest);
    if (!count || rest.empty() || rest.front() != '-')
      return error("a binary packet gives its number of attachments, then '-' (e.g. 51-[...])", at());
    p.attachments = static_cast<std::size_t>(*count);
    rest.remove_prefix(1);
  }
  if (!rest.empty() && rest.front() == '/') {  // a namespace other than "/" ends at ','
    const auto comma = rest.find(',');
    p.nsp = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  if (!rest.empty() && is_digit(rest.front())) {
    p.ack_id = take_number(rest);
    if (!p.ack_id) return error("an acknowledgement id fits in 64 bits", at());
  }
  p.data = rest;
  if (p.data.empty()) {
    if (p.type == PacketType::event || p.type == PacketType::binary_event || p.type == PacketType::ack ||
        p.type == PacketType::binary_ack)
      return error("an EVENT or ACK packet carries a JSON array", at());
    return p;
  }
  const auto j = nlohmann::json::parse(p.data, nullptr, false);
  if (j.is_discarded()) return error("the packet's payload is JSON", at());
  if (p.type == PacketType::event || p.type == PacketType::binary_event) {
    if (!j.is_array() || j.empty() || !j[0].is_string())
      return error("an EVENT's payload is an array whose first element is the event's name", at());
    p.event = j[0].get<std::string>();
  } else if ((p.type == PacketType::ack || p.type == PacketType::binary_ack) && !j.is_array()) {
    return error("an ACK's payload is an array of the acknowledgement's arguments", at());
  }
  return p;
}

std::string describe(const Packet& packet) {
  std::string line(packet_type_name(packet.type));
  if (packet.type == PacketType::event || packet.type == PacketType::binary_event) {
    const auto j = nlohmann::json::parse(packet.data, nullptr, false);
    const auto args = j.is_array() && !j.empty() ? j.size() - 1 : 0;
    line += " \"" + packet.event + "\" (" + std::to_string(args) + (args == 1 ? " argument)" : " arguments)");
  }
  const bool is_ack = packet.type == PacketType::ack || packet.type == PacketType::binary_ack;
  if (is_ack && packet.ack_id) line += " " + std::to_string(*packet.ack_id);   // the answer to request N
  if (packet.nsp != "/") line += " " + std::string(packet.nsp);
  if (!is_ack && packet.ack_id) line += ", ack " + std::to_string(*packet.ack_id);   // asks for an answer
  if (packet.attachments) line += " + " + std::to_string(packet.attachments) + " binary";
  return line;
}

}  // namespace wire::socketio
