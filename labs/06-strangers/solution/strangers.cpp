// Lab 6 reference solution: strangers paired first come, first paired; a token bucket per connection;
// text passes through (into the Outbox and nowhere else).
#include "strangers.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace ws {
namespace {

using json = nlohmann::ordered_json;

std::string error_json(const char* code, const std::string& detail) {
  return json{{"type", "error"}, {"code", code}, {"detail", detail}}.dump();
}

}  // namespace

bool TokenBucket::take(Millis now) {
  tokens_ = std::min(burst_, tokens_ + static_cast<double>(now - last_) * rate_ / 1000.0);
  last_ = now;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

Outbox Strangers::on_open(ConnId c, Millis now) {
  std::string label;
  do {
    label = stranger_label();
  } while (std::any_of(people_.begin(), people_.end(), [&](const auto& p) { return p.second.label == label; }));
  people_.try_emplace(c, Person{label, TokenBucket(limits_.rate_per_s, limits_.burst, now)});
  json limits = {{"max_text_bytes", limits_.max_text_bytes}, {"rate_per_s", limits_.rate_per_s}, {"burst", limits_.burst}};
  return {{c, json{{"type", "welcome"}, {"you", label}, {"limits", limits}}.dump()}};
}

Outbox Strangers::on_message(ConnId c, std::string_view text, Millis now) {
  auto it = people_.find(c);
  if (it == people_.end()) return {};
  Person& me = it->second;
  if (!me.bucket.take(now)) {
    return {{c, error_json("rate_limited", "slow down: at most " + json(limits_.rate_per_s).dump() + " messages a second")}};
  }
  auto bad = [&](const std::string& detail) { return Outbox{{c, error_json("bad_message", detail)}}; };
  json m = json::parse(text.begin(), text.end(), nullptr, false);
  if (m.is_discarded() || !m.is_object()) return bad("send one JSON object such as {\"type\":\"find\"}");
  if (!m.contains("type") || !m["type"].is_string()) return bad("missing string field \"type\" (find, say, typing, leave)");
  const std::string type = m["type"];
  Outbox out;

  if (type == "leave" || type == "find") {
    if (me.waiting && type == "find") return {{c, R"({"type":"waiting"})"}};
    if (me.waiting) waiting_.erase(std::find(waiting_.begin(), waiting_.end(), c));
    me.waiting = false;
    if (me.peer >= 0) {
      Person& peer = people_.at(me.peer);
      out.push_back({me.peer, json{{"type", "left"}, {"who", me.label}}.dump()});
      peer.peer = -1;
      me.peer = -1;
    }
    if (type == "leave") return out;
    if (waiting_.empty()) {
      waiting_.push_back(c);
      me.waiting = true;
      out.push_back({c, R"({"type":"waiting"})"});
      return out;
    }
    ConnId other = waiting_.front();
    waiting_.pop_front();
    Person& them = people_.at(other);
    them.waiting = false;
    them.peer = c;
    me.peer = other;
    out.push_back({other, json{{"type", "paired"}, {"peer", me.label}}.dump()});
    out.push_back({c, json{{"type", "paired"}, {"peer", them.label}}.dump()});
    return out;
  }
  if (type == "say") {
    if (!m.contains("text") || !m["text"].is_string() || m["text"].get<std::string>().empty()) {
      return bad("say needs a non-empty string \"text\"");
    }
    if (m["text"].get<std::string>().size() > limits_.max_text_bytes) {
      return {{c, error_json("too_long", "a text may be at most " + std::to_string(limits_.max_text_bytes) + " bytes")}};
    }
    if (me.peer < 0) return {{c, error_json("not_paired", "find a stranger first: {\"type\":\"find\"}")}};
    return {{me.peer, json{{"type", "said"}, {"from", me.label}, {"text", m["text"]}}.dump()}};
  }
  if (type == "typing") {
    if (!m.contains("on") || !m["on"].is_boolean()) return bad("typing needs a boolean \"on\"");
    if (me.peer < 0) return {};
    return {{me.peer, json{{"type", "typing"}, {"from", me.label}, {"on", m["on"]}}.dump()}};
  }
  return bad("unknown \"type\": expected find, say, typing or leave");
}

Outbox Strangers::on_close(ConnId c, Millis now) {
  auto it = people_.find(c);
  if (it == people_.end()) return {};
  it->second.bucket = TokenBucket(1, 1, now);  // leaving is never refused
  Outbox out = on_message(c, R"({"type":"leave"})", now);
  people_.erase(c);
  return out;
}

Outbox Strangers::on_tick(Millis) { return {}; }

}  // namespace ws
