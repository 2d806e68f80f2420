// The lab 5 and 6 graders' way of calling a ChatLogic directly: each call and what it answered become
// transcript lines ("< to N: {...}"), and to(out, c) picks the messages for one connection, parsed.
// Inline in namespace chatgrade: lab 6's grader includes this file too.
#pragma once

#include "chat.h"
#include "describe.h"
#include "grade/grade.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace chatgrade {

class Calls {
 public:
  // quiet: no transcript lines (for hundreds of calls in a row).
  explicit Calls(ws::ChatLogic& logic, bool quiet = false) : logic_(logic), quiet_(quiet) {}
  ws::Outbox open(ws::ConnId c, ws::Millis now = 0) {
    return shown("on_open(" + std::to_string(c) + ")", logic_.on_open(c, now));
  }
  ws::Outbox msg(ws::ConnId c, const std::string& text, ws::Millis now = 0) {
    return shown("on_message(" + std::to_string(c) + ", " + grade::escape(text, 100) + ", now=" + std::to_string(now) + ")",
                 logic_.on_message(c, text, now));
  }
  ws::Outbox close(ws::ConnId c, ws::Millis now = 0) {
    return shown("on_close(" + std::to_string(c) + ")", logic_.on_close(c, now));
  }
  ws::Outbox tick(ws::Millis now) { return shown("on_tick(now=" + std::to_string(now) + ")", logic_.on_tick(now)); }

 private:
  ws::Outbox shown(const std::string& call, ws::Outbox out) {
    if (quiet_) return out;
    grade::step(call);
    for (const auto& o : out) grade::got("to " + std::to_string(o.to) + ": " + o.json);
    if (out.empty()) grade::step("(nothing to send)");
    return out;
  }
  ws::ChatLogic& logic_;
  bool quiet_;
};

// The messages for connection c, parsed (a message that is not JSON shows up as {"not_json": text}).
inline std::vector<nlohmann::json> to(const ws::Outbox& out, ws::ConnId c) {
  std::vector<nlohmann::json> got;
  for (const auto& o : out) {
    if (o.to != c) continue;
    nlohmann::json j = nlohmann::json::parse(o.json, nullptr, false);
    got.push_back(j.is_discarded() ? nlohmann::json{{"not_json", o.json}} : j);
  }
  return got;
}

}  // namespace chatgrade
