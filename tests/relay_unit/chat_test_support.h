// Helpers for relay::chat tests: a Service with recorded notes and wake-ups,
// and drain() that pops a participant's queue as parsed JSON.
#pragma once

#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "relay/chat/service.h"

namespace relay::chat::testing {

struct Chat {
  explicit Chat(Limits limits = {}, std::uint64_t seed = 42, bool deterministic = true)
      : service(limits, seed, deterministic) {
    service.on_note = [this](const ChatNote& n) { notes.push_back(n); };
    service.on_ready = [this](ParticipantId id) { ready.push_back(id); };
  }
  // Connects and drops the welcome, so tests start from a clean queue.
  ParticipantId join_quietly() {
    const ParticipantId id = service.connect(Transport::websocket);
    drain(id);
    return id;
  }
  void send(ParticipantId id, const std::string& json) { service.receive(id, json, now_us); }
  std::vector<nlohmann::json> drain(ParticipantId id) {
    std::vector<nlohmann::json> out;
    std::string text;
    while (service.pop(id, text)) out.push_back(nlohmann::json::parse(text));
    return out;
  }
  std::vector<std::string> drain_text(ParticipantId id) {
    std::vector<std::string> out;
    std::string text;
    while (service.pop(id, text)) out.push_back(text);
    return out;
  }
  // Two paired strangers with empty queues.
  std::pair<ParticipantId, ParticipantId> pair() {
    const ParticipantId a = join_quietly();
    const ParticipantId b = join_quietly();
    send(a, R"({"type":"find"})");
    send(b, R"({"type":"find"})");
    drain(a);
    drain(b);
    return {a, b};
  }

  Service service;
  std::vector<ChatNote> notes;
  std::vector<ParticipantId> ready;
  std::int64_t now_us = 1'000'000;
};

inline std::string types_of(const std::vector<nlohmann::json>& messages) {
  std::string out;
  for (const auto& m : messages) out += (out.empty() ? "" : ",") + m.value("type", std::string("?"));
  return out;
}

inline std::string dump_all(const std::vector<nlohmann::json>& messages) {
  std::string out;
  for (const auto& m : messages) out += m.dump() + "\n";
  return out;
}

}  // namespace relay::chat::testing
