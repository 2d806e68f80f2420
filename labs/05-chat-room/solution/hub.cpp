// Lab 5 reference solution, part 1: the room chat as pure logic (no sockets, no clock of its own).
// JSON with nlohmann-json (Debian's nlohmann-json3-dev): parsing never throws out of here.
#include "chat.h"

#include <sys/random.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace ws {
namespace {

using json = nlohmann::ordered_json;  // keeps "type" first, as the relay sends it

constexpr std::size_t kMaxText = 2000;

bool valid_room(const std::string& room) {
  if (room.empty() || room.size() > 32) return false;
  return std::all_of(room.begin(), room.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
  });
}

std::string error_json(const char* code, const std::string& detail) {
  return json{{"type", "error"}, {"code", code}, {"detail", detail}}.dump();
}

}  // namespace

std::string stranger_label() {
  unsigned char r[2];
  while (getrandom(r, sizeof r, 0) != sizeof r) {
  }  // the kernel's CSPRNG; only a signal can make it return short
  char text[16];
  std::snprintf(text, sizeof text, "Stranger %02x%02x", r[0], r[1]);
  return text;
}

Outbox Hub::on_open(ConnId c, Millis) {
  std::string label;
  do {
    label = stranger_label();
  } while (std::any_of(members_.begin(), members_.end(), [&](const auto& m) { return m.second.label == label; }));
  members_[c] = Member{label, "", -1};
  return {{c, json{{"type", "welcome"}, {"you", label}, {"limits", {{"max_text_bytes", kMaxText}}}}.dump()}};
}

namespace {

// Everyone in `ids` but `except` gets `text`.
void to_others(Outbox& out, const std::vector<ConnId>& ids, ConnId except, const std::string& text) {
  for (ConnId id : ids) {
    if (id != except) out.push_back({id, text});
  }
}

}  // namespace

Outbox Hub::on_message(ConnId c, std::string_view text, Millis now) {
  Outbox out;
  auto it = members_.find(c);
  if (it == members_.end()) return out;
  Member& me = it->second;
  auto bad = [&](const std::string& detail) { return Outbox{{c, error_json("bad_message", detail)}}; };

  json m = json::parse(text.begin(), text.end(), nullptr, false);  // no exceptions: discarded on error
  if (m.is_discarded() || !m.is_object()) return bad("send one JSON object such as {\"type\":\"join\",\"room\":\"cs101\"}");
  if (!m.contains("type") || !m["type"].is_string()) return bad("missing string field \"type\" (join, say, typing, leave)");
  const std::string type = m["type"];

  if (type == "join") {
    if (!m.contains("room") || !m["room"].is_string() || !valid_room(m["room"])) {
      return bad("join needs \"room\": 1-32 characters of a-z, 0-9, '-' and '_'");
    }
    const std::string room = m["room"];
    if (me.room == room) return {{c, json{{"type", "joined"}, {"room", room}, {"members", rooms_[room].size()}}.dump()}};
    out = on_message(c, R"({"type":"leave"})", now);
    auto& ids = rooms_[room];
    ids.push_back(c);
    me.room = room;
    to_others(out, ids, -1, json{{"type", "joined"}, {"room", room}, {"members", ids.size()}}.dump());
    return out;
  }
  if (type == "say") {
    if (!m.contains("text") || !m["text"].is_string() || m["text"].get<std::string>().empty() ||
        m["text"].get<std::string>().size() > kMaxText) {
      return bad("say needs a non-empty string \"text\" of at most 2000 bytes");
    }
    if (me.room.empty() || rooms_[me.room].size() < 2) {
      return {{c, error_json("not_paired", me.room.empty() ? "join a room first: {\"type\":\"join\",\"room\":\"cs101\"}"
                                                           : "nobody else is in this room yet")}};
    }
    me.typing_until = -1;  // the message replaces the indicator
    to_others(out, rooms_[me.room], c, json{{"type", "said"}, {"from", me.label}, {"text", m["text"]}}.dump());
    return out;
  }
  if (type == "typing") {
    if (!m.contains("on") || !m["on"].is_boolean()) return bad("typing needs a boolean \"on\"");
    if (me.room.empty()) return out;
    const bool on = m["on"];
    me.typing_until = on ? now + typing_expiry_ms_ : -1;
    to_others(out, rooms_[me.room], c, json{{"type", "typing"}, {"from", me.label}, {"on", on}}.dump());
    return out;
  }
  if (type == "leave") {
    if (me.room.empty()) return out;
    auto& ids = rooms_[me.room];
    ids.erase(std::remove(ids.begin(), ids.end(), c), ids.end());
    to_others(out, ids, c, json{{"type", "left"}, {"who", me.label}}.dump());
    if (ids.empty()) rooms_.erase(me.room);
    me.room.clear();
    me.typing_until = -1;
    return out;
  }
  return bad("unknown \"type\": expected join, say, typing or leave");
}

Outbox Hub::on_close(ConnId c, Millis now) {
  Outbox out = on_message(c, R"({"type":"leave"})", now);
  members_.erase(c);
  return out;
}

Outbox Hub::on_tick(Millis now) {
  Outbox out;
  for (auto& [c, me] : members_) {
    if (me.typing_until < 0 || now < me.typing_until) continue;
    me.typing_until = -1;
    to_others(out, rooms_[me.room], c, json{{"type", "typing"}, {"from", me.label}, {"on", false}}.dump());
  }
  return out;
}

}  // namespace ws
