// The mirror event model's JSON form (docs/mirror-protocol.md): writing is
// total (every Event has one JSON form), reading never throws and names the
// field that is missing or of the wrong type.
#include "wire/events.h"

#include <cstdio>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "json_text.h"
#include "wire/base64.h"

namespace wire {

const char* kind_name(const EventBody& body) {
  return std::visit(
      [](const auto& e) -> const char* {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, Hello>) return "hello";
        else if constexpr (std::is_same_v<T, Open>) return "open";
        else if constexpr (std::is_same_v<T, Close>) return "close";
        else if constexpr (std::is_same_v<T, Http>) return "http";
        else if constexpr (std::is_same_v<T, Frame>) return "frame";
        else if constexpr (std::is_same_v<T, Raw>) return "raw";
        else if constexpr (std::is_same_v<T, Violation>) return "violation";
        else if constexpr (std::is_same_v<T, Chat>) return "chat";
        else if constexpr (std::is_same_v<T, TlsRecord>) return "tls_record";
        else return "dropped";
      },
      body);
}

std::string mask_key_hex(std::uint32_t key) {
  char out[9];
  std::snprintf(out, sizeof out, "%08x", key);
  return out;
}

const char* chat_transport_name(ChatTransport t) {
  return t == ChatTransport::websocket ? "websocket" : "long-poll";
}

const char* chat_state_name(ChatState s) {
  switch (s) {
    case ChatState::lobby: return "lobby";
    case ChatState::waiting: return "waiting";
    case ChatState::paired: return "paired";
    case ChatState::room: return "room";
  }
  return "lobby";
}

namespace {

using ojson = nlohmann::ordered_json;
using detail::valid_utf8_or_replaced;

const char* dir_name(Direction d) { return d == Direction::c2s ? "c2s" : "s2c"; }
const char* transport_name(Transport t) { return t == Transport::tcp ? "tcp" : "tls"; }

// Field order follows docs/mirror-protocol.md so capture lines read well
// (J = ordered_json); to_json() builds the same fields in a plain json.
template <class J>
struct Writer {
  J& j;
  void operator()(const Hello& e) const {
    j["version"] = e.version;
    j["relay"] = valid_utf8_or_replaced(e.relay);
    j["tap"] = e.tap;
    j["deterministic"] = e.deterministic;
    if (e.link) j["link"] = J{{"delay_ms", e.link->delay_ms}, {"jitter_ms", e.link->jitter_ms}};   // additive
    J conns = J::array();
    for (const auto& c : e.connections) {
      J entry{{"conn", c.conn}, {"transport", transport_name(c.transport)},
              {"state", valid_utf8_or_replaced(c.state)}, {"opened_t_us", c.opened_t_us}};
      if (!c.who.empty()) entry["who"] = valid_utf8_or_replaced(c.who);
      conns.push_back(std::move(entry));
    }
    j["connections"] = std::move(conns);
    J people = J::array();
    for (const auto& p : e.participants) {
      J entry{{"who", valid_utf8_or_replaced(p.who)}, {"transport", chat_transport_name(p.transport)},
              {"conn", p.conn}, {"state", chat_state_name(p.state)}};
      if (!p.peer.empty()) entry["peer"] = valid_utf8_or_replaced(p.peer);
      if (!p.room.empty()) entry["room"] = valid_utf8_or_replaced(p.room);
      if (p.bot) entry["bot"] = true;
      people.push_back(std::move(entry));
    }
    j["participants"] = std::move(people);
    if (e.handshakes.empty()) return;   // additive: older readers never see the field
    J handshakes = J::array();
    for (const auto& h : e.handshakes) {
      J entry{{"seq", h.seq}, {"t_us", h.t_us}, {"kind", "http"}};
      Writer<J>{entry}(h.http);
      handshakes.push_back(std::move(entry));
    }
    j["handshakes"] = std::move(handshakes);
  }
  void operator()(const Open& e) const {
    j["conn"] = e.conn;
    j["transport"] = transport_name(e.transport);
  }
  void operator()(const Close& e) const {
    j["conn"] = e.conn;
    j["by"] = e.by == ClosedBy::client ? "client" : "relay";
    if (e.code) j["code"] = *e.code;
    else j["code"] = nullptr;
    j["reason"] = valid_utf8_or_replaced(e.reason);
  }
  void operator()(const Http& e) const {
    j["conn"] = e.conn;
    j["dir"] = dir_name(e.dir);
    j["offset"] = e.offset;
    j["start_line"] = valid_utf8_or_replaced(e.start_line);
    J headers = J::array();
    for (const auto& [name, value] : e.headers) {
      headers.push_back(J::array({valid_utf8_or_replaced(name), valid_utf8_or_replaced(value)}));
    }
    j["headers"] = std::move(headers);
    j["body_len"] = e.body_len;
    j["bytes"] = base64_encode(e.bytes);
    j["truncated"] = e.truncated;
    if (!e.session.empty()) j["session"] = valid_utf8_or_replaced(e.session);
    if (!e.credentials.empty()) {
      J credentials = J::array();
      for (const auto& [name, label] : e.credentials)
        credentials.push_back(J::array({valid_utf8_or_replaced(name), valid_utf8_or_replaced(label)}));
      j["credentials"] = std::move(credentials);
    }
  }
  void operator()(const Frame& e) const {
    j["conn"] = e.conn;
    j["dir"] = dir_name(e.dir);
    j["offset"] = e.offset;
    j["fin"] = e.fin;
    j["rsv"] = e.rsv;
    j["opcode"] = e.opcode;
    j["masked"] = e.masked;
    if (e.mask_key) j["mask_key"] = mask_key_hex(*e.mask_key);
    else j["mask_key"] = nullptr;
    j["payload_len"] = e.payload_len;
    j["header"] = base64_encode(e.header);
    j["payload"] = base64_encode(e.payload);
    j["truncated"] = e.truncated;
  }
  void operator()(const Raw& e) const {
    j["conn"] = e.conn;
    j["dir"] = dir_name(e.dir);
    j["offset"] = e.offset;
    j["bytes"] = base64_encode(e.bytes);
    j["why"] = valid_utf8_or_replaced(e.why);
  }
  void operator()(const Violation& e) const {
    j["conn"] = e.conn;
    j["rule"] = valid_utf8_or_replaced(e.rule);
    j["action"] = valid_utf8_or_replaced(e.action);
  }
  void operator()(const Chat& e) const {
    j["conn"] = e.conn;
    j["event"] = valid_utf8_or_replaced(e.event);
    j["who"] = valid_utf8_or_replaced(e.who);
    j["peer"] = valid_utf8_or_replaced(e.peer);
    if (e.bot) j["bot"] = true;
  }
  void operator()(const Dropped& e) const { j["count"] = e.count; }
  void operator()(const TlsRecord& e) const {
    j["conn"] = e.conn;
    j["dir"] = dir_name(e.dir);
    j["offset"] = e.offset;
    j["content_type"] = e.content_type;
    j["version"] = e.version;
    j["length"] = e.length;
    j["body_head"] = base64_encode(e.body_head);
    if (e.inner_type) j["inner_type"] = *e.inner_type;
    else j["inner_type"] = nullptr;
    if (e.plain_offset) j["plain_offset"] = *e.plain_offset;
    else j["plain_offset"] = nullptr;
    j["plain_len"] = e.plain_len;
    j["count"] = e.count;
  }
};

template <class J>
J to_json_as(const Event& event) {
  J j;
  j["seq"] = event.seq;
  j["t_us"] = event.t_us;
  j["kind"] = kind_name(event.body);
  std::visit(Writer<J>{j}, event.body);
  return j;
}

}  // namespace

nlohmann::json to_json(const Event& event) {
  // Strings are made valid UTF-8 here, so any dump() of the result succeeds.
  return to_json_as<nlohmann::json>(event);
}

std::string to_json_line(const Event& event) {
  return to_json_as<ojson>(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace wire
