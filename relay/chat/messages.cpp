// The chat's JSON, parsed and built with nlohmann-json (relay/README.md "Chat messages").
#include "relay/chat/messages.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "relay/chat/service.h"

namespace relay::chat {

namespace {

using ordered = nlohmann::ordered_json;

ChatError bad(std::string detail) { return ChatError{"bad_message", std::move(detail)}; }

// A number as an integer when it is one (10, not 10.0), for a tidy welcome.
ordered number(double value) {
  if (std::floor(value) == value && std::fabs(value) < 9e15) return static_cast<std::int64_t>(value);
  return value;
}

const char* const kExpected = "expected one of find, join, say, typing, leave";

}  // namespace

bool is_valid_room_name(std::string_view room) {
  if (room.empty() || room.size() > 32) return false;
  for (const char c : room) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::variant<ClientMessage, ChatError> parse_client_message(std::string_view json_text,
                                                            std::size_t max_text_bytes) {
  // A say text may be escaped (\u0001 is 6 bytes for 1): anything longer than
  // that could ever be is refused before parsing.
  if (json_text.size() > 6 * max_text_bytes + 256) {
    return ChatError{"too_long", fmt::format("message is {} bytes; a say text may be at most {} bytes",
                                             json_text.size(), max_text_bytes)};
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text.begin(), json_text.end());
  } catch (const nlohmann::json::parse_error& e) {
    return bad(fmt::format("not valid JSON (at byte {}): send one JSON object such as {{\"type\":\"find\"}}",
                           e.byte));
  } catch (const nlohmann::json::exception&) {
    // Found by fuzz_poll_requests: a number too large for a double (9e999)
    // is out_of_range, not parse_error; uncaught, it ended the relay.
    return bad("a number in the message is too large: send one JSON object such as {\"type\":\"find\"}");
  }
  if (!j.is_object()) return bad("the message must be a JSON object such as {\"type\":\"find\"}");
  const auto type_it = j.find("type");
  if (type_it == j.end()) return bad(fmt::format("missing field \"type\" ({})", kExpected));
  if (!type_it->is_string()) return bad(fmt::format("field \"type\" must be a string ({})", kExpected));
  const auto& type = type_it->get_ref<const std::string&>();

  ClientMessage m;
  if (type == "find") {
    m.type = ClientType::find;
  } else if (type == "leave") {
    m.type = ClientType::leave;
  } else if (type == "join") {
    m.type = ClientType::join;
    const auto room = j.find("room");
    if (room == j.end() || !room->is_string()) {
      return bad("join needs a string field \"room\", e.g. {\"type\":\"join\",\"room\":\"cs101\"}");
    }
    m.room = room->get<std::string>();
    if (!is_valid_room_name(m.room)) {
      return bad("room names are 1-32 characters of a-z, 0-9, '-' and '_', e.g. \"cs101\"");
    }
  } else if (type == "say") {
    m.type = ClientType::say;
    const auto text = j.find("text");
    if (text == j.end() || !text->is_string()) {
      return bad("say needs a string field \"text\", e.g. {\"type\":\"say\",\"text\":\"hi\"}");
    }
    m.text = text->get<std::string>();
    if (m.text.empty()) return bad("say needs a non-empty \"text\"");
    if (m.text.size() > max_text_bytes) {
      return ChatError{"too_long", fmt::format("text is {} UTF-8 bytes; the limit is {}", m.text.size(),
                                               max_text_bytes)};
    }
  } else if (type == "typing") {
    m.type = ClientType::typing;
    const auto on = j.find("on");
    if (on == j.end() || !on->is_boolean()) {
      return bad("typing needs a boolean field \"on\", e.g. {\"type\":\"typing\",\"on\":true}");
    }
    m.on = on->get<bool>();
  } else {
    // Echo at most 32 bytes of the unknown type (it is the student's own input, not chat text).
    const std::string shown = nlohmann::json(type.substr(0, 32)).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
    return bad(fmt::format("unknown type {}: {}", shown, kExpected));
  }
  return m;
}

std::string welcome_json(const std::string& you, const Limits& limits, std::uint64_t conn, bool bot) {
  ordered j;
  j["type"] = "welcome";
  j["you"] = you;
  j["limits"] = ordered{{"max_text_bytes", limits.max_text_bytes},
                        {"rate_per_s", number(limits.rate_per_s)},
                        {"burst", number(limits.burst)}};
  if (conn != 0) j["conn"] = conn;   // "find my frame": the connection to look for on the projector
  if (bot) j["bot"] = true;
  return j.dump();
}

std::string waiting_json() { return R"({"type":"waiting"})"; }

std::string paired_json(const std::string& peer) { return ordered{{"type", "paired"}, {"peer", peer}}.dump(); }

std::string joined_json(const std::string& room, std::size_t members) {
  return ordered{{"type", "joined"}, {"room", room}, {"members", members}}.dump();
}

std::string said_json(const std::string& from, const std::string& text) {
  return ordered{{"type", "said"}, {"from", from}, {"text", text}}.dump();
}

std::string typing_json(const std::string& from, bool on) {
  return ordered{{"type", "typing"}, {"from", from}, {"on", on}}.dump();
}

std::string left_json(const std::string& who) { return ordered{{"type", "left"}, {"who", who}}.dump(); }

std::string error_json(const ChatError& error) {
  return ordered{{"type", "error"}, {"code", error.code}, {"detail", error.detail}}.dump(-1, ' ', false,
                                                                                      nlohmann::json::error_handler_t::replace);
}

}  // namespace relay::chat
