// Engine.IO / Socket.IO readings of entries (docs/socketio.md).
#include "model/engineio_view.h"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

#include "model/describe.h"
#include "wire/socketio.h"

namespace viz {
namespace {

std::string_view as_view(const wire::Bytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// An HTTP message's body (after the blank line), "" when none was mirrored.
std::string_view body_of(const wire::Http& h) {
  static constexpr std::uint8_t crlf2[] = {'\r', '\n', '\r', '\n'};
  const auto end = std::search(h.bytes.begin(), h.bytes.end(), std::begin(crlf2), std::end(crlf2));
  if (end == h.bytes.end()) return {};
  const auto head = static_cast<std::size_t>(end - h.bytes.begin()) + 4;
  return as_view(h.bytes).substr(head);
}

// A Socket.IO packet in a person's words, with the first string argument of an event (the chat's text,
// which the visualizer shows as it shows the relay's own chat).
std::string socketio_words(std::string_view data, std::size_t max_preview, bool brief) {
  const auto p = wire::socketio::parse_packet(data);
  if (!p) return "Socket.IO ✗ " + p.error().reason;
  const bool event = p->type == wire::socketio::PacketType::event;
  std::string s = brief && event ? "\"" + p->event + "\""
                  : brief        ? wire::socketio::describe(*p)
                                 : "Socket.IO " + wire::socketio::describe(*p);
  if (event) {
    const auto j = nlohmann::json::parse(p->data, nullptr, false);
    if (j.is_array() && j.size() > 1 && j[1].is_string()) {
      const auto text = j[1].get<std::string>();
      s += " “" + preview_text(wire::Bytes(text.begin(), text.end()), max_preview) + "”";
    }
  }
  return s;
}

std::string packet_words(const wire::engineio::Packet& p, std::size_t max_preview, bool brief) {
  using wire::engineio::PacketType;
  if (p.binary) return "binary message, " + std::to_string(p.data.size()) + (p.data.size() == 1 ? " byte" : " bytes");
  switch (p.type) {
    case PacketType::open: {
      if (brief) return "open";
      const auto h = wire::engineio::parse_handshake(p.data);
      if (!h) return "open ✗ " + h.error().reason;
      std::string s = "open (sid";
      for (std::size_t i = 0; i < h->upgrades.size(); ++i) s += (i == 0 ? ", upgrades: " : ", ") + h->upgrades[i];
      return s + ")";
    }
    case PacketType::message: return socketio_words(p.data, max_preview, brief);
    case PacketType::ping:
    case PacketType::pong: return std::string(packet_type_name(p.type)) + (p.data.empty() ? "" : " " + std::string(p.data));
    default: return std::string(packet_type_name(p.type));
  }
}

}  // namespace

EngineIoPackets engineio_packets(const Entry& e) {
  EngineIoPackets out;
  if (const auto* f = e.frame()) {
    const auto op = static_cast<wire::Opcode>(f->opcode & 0x0F);
    // One frame, one packet (Engine.IO 4, "WebSocket"); fragments and cut payloads are left as bytes.
    if (!f->fin || f->truncated || (op != wire::Opcode::text && op != wire::Opcode::binary)) return out;
    const auto payload = as_view(e.inflated ? *e.inflated : e.payload_clear);
    if (op == wire::Opcode::binary) {
      out.packets.push_back(wire::engineio::binary_frame_packet(payload));
      return out;
    }
    auto p = wire::engineio::parse_packet(payload);
    if (p) out.packets.push_back(*p);
    else out.error = p.error().reason;
  } else if (const auto* h = e.http()) {
    const auto body = body_of(*h);
    if (body.empty() || h->truncated) return out;
    auto packets = wire::engineio::split_payload(body);
    if (packets) out.packets = std::move(packets).value();
    else out.error = packets.error().reason;
  }
  return out;
}

std::string engineio_words(const EngineIoPackets& p, std::size_t max_preview, bool brief) {
  if (!p.error.empty()) return "Engine.IO ✗ " + p.error;
  std::string s;
  for (const auto& packet : p.packets) {
    if (!s.empty()) s += " · ";
    s += packet_words(packet, max_preview, brief);
  }
  return s;
}

}  // namespace viz
