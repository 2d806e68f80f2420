// Engine.IO 4's packets, polling bodies, handshake and request targets.
#include "wire/engineio.h"

#include <array>
#include <nlohmann/json.hpp>

namespace wire::engineio {
namespace {

constexpr std::string_view kRule = "Engine.IO 4";

constexpr std::array<std::string_view, 7> kNames = {"open", "close", "ping", "pong", "message", "upgrade", "noop"};

// The value of one query parameter, or nullopt (no decoding: Engine.IO's values are plain).
std::optional<std::string_view> query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace

std::string_view packet_type_name(PacketType type) { return kNames.at(static_cast<std::size_t>(type)); }

Result<Packet> parse_packet(std::string_view text) {
  if (text.empty()) return Error{std::string(kRule), "an Engine.IO packet needs at least its type character", 0};
  // "Packet encoding": in a polling body, a binary message is "b" + base64.
  if (text.front() == 'b') return Packet{PacketType::message, true, text.substr(1)};
  if (text.front() < '0' || text.front() > '6')
    return Error{std::string(kRule),
                 "an Engine.IO packet starts with its type, a digit 0-6 (0 open ... 6 noop), or b for binary", 0};
  return Packet{static_cast<PacketType>(text.front() - '0'), false, text.substr(1)};
}

Packet binary_frame_packet(std::string_view payload) { return Packet{PacketType::message, true, payload}; }

Result<std::vector<Packet>> split_payload(std::string_view body) {
  std::vector<Packet> packets;
  std::size_t offset = 0;
  for (;;) {
    const auto end = body.find(kRecordSeparator, offset);
    auto packet = parse_packet(body.substr(offset, end == std::string_view::npos ? end : end - offset));
    if (!packet) {
      auto error = packet.error();
      error.offset += offset;
      return error;
    }
    packets.push_back(*packet);
    if (end == std::string_view::npos) return packets;
    offset = end + 1;
  }
}

Result<Handshake> parse_handshake(std::string_view open_data) {
  const auto j = nlohmann::json::parse(open_data, nullptr, false);
  if (!j.is_object() || !j.contains("sid") || !j["sid"].is_string())
    return Error{std::string(kRule), "the open packet carries a JSON object with a \"sid\" string", 0};
  Handshake h;
  h.sid = j["sid"].get<std::string>();
  if (const auto u = j.find("upgrades"); u != j.end() && u->is_array())
    for (const auto& name : *u)
      if (name.is_string()) h.upgrades.push_back(name.get<std::string>());
  const auto number = [&j](const char* key) -> std::int64_t {
    const auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
  };
  h.ping_interval_ms = number("pingInterval");
  h.ping_timeout_ms = number("pingTimeout");
  h.max_payload = number("maxPayload");
  return h;
}

bool is_probe(const Packet& packet) {
  return !packet.binary && (packet.type == PacketType::ping || packet.type == PacketType::pong) &&
         packet.data == "probe";
}

std::optional<Target> parse_target(std::string_view request_target) {
  const auto question = request_target.find('?');
  if (question == std::string_view::npos) return std::nullopt;
  const auto query = request_target.substr(question + 1);
  const auto eio = query_value(query, "EIO");
  const auto transport = query_value(query, "transport");
  if (!eio || !transport || eio->size() != 1 || (*eio)[0] < '1' || (*eio)[0] > '9') return std::nullopt;
  Target t;
  t.path = request_target.substr(0, question);
  t.eio = (*eio)[0] - '0';
  if (*transport == "polling")
    t.transport = Transport::polling;
  else if (*transport == "websocket")
    t.transport = Transport::websocket;
  else
    return std::nullopt;
  t.has_sid = query_value(query, "sid").has_value();
  return t;
}

}  // namespace wire::engineio
