// libFuzzer target: relay/chat's JSON from any client. The whole input is
// parsed once by parse_client_message; then it is read as lines "<op><json>"
// (op byte % 8: 0-3 the text of participant op%4 as a message, 4 connect,
// 5 disconnect, 6 advance the clock 1 s, 7 leave the text unused) driving a
// Service with four participants. Checks besides no crash / leak / UB:
// a parse gives a message or an error with a code and a detail; every
// queued message is one JSON object with a string "type"; queues stay
// within max_queued; `said` text is the sayer's text exactly.
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "relay/chat/messages.h"
#include "relay/chat/service.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void drain(relay::chat::Service& chat, relay::chat::ParticipantId id) {
  std::string text;
  while (chat.pop(id, text)) {
    const auto j = nlohmann::json::parse(text, nullptr, false);
    check(j.is_object() && j.contains("type") && j["type"].is_string());
    if (j["type"] == "said") check(j.contains("text") && j["text"].is_string() && !j["text"].get<std::string>().empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr std::size_t kMaxText = 64;
  const auto parsed = relay::chat::parse_client_message(input, kMaxText);
  if (const auto* e = std::get_if<relay::chat::ChatError>(&parsed)) {
    check(!e->code.empty() && !e->detail.empty());
    check(nlohmann::json::parse(relay::chat::error_json(*e), nullptr, false).is_object());
  } else {
    const auto& m = std::get<relay::chat::ClientMessage>(parsed);
    if (m.type == relay::chat::ClientType::say) check(!m.text.empty() && m.text.size() <= kMaxText);
    if (m.type == relay::chat::ClientType::join) check(relay::chat::is_valid_room_name(m.room));
  }

  relay::chat::Limits limits;
  limits.max_text_bytes = kMaxText;
  limits.max_queued = 8;
  relay::chat::Service chat(limits, 1, true);
  relay::chat::ParticipantId who[4] = {};
  for (auto& id : who) id = chat.connect(relay::chat::Transport::websocket);
  std::int64_t now_us = 1'000'000;
  std::string_view rest = input;
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.empty()) continue;
    const unsigned op = static_cast<unsigned char>(line[0]) % 8;
    line.remove_prefix(1);
    if (op < 4) {
      chat.receive(who[op], line, now_us);
    } else if (op == 4 || op == 5) {
      const std::size_t k = line.empty() ? 0 : static_cast<unsigned char>(line[0]) % 4;
      chat.disconnect(who[k]);
      if (op == 4) who[k] = chat.connect(relay::chat::Transport::long_poll);
    } else if (op == 6) {
      now_us += 1'000'000;
    }
    for (const auto id : who) check(chat.queued(id) <= limits.max_queued);
    if (op == 7) {
      for (const auto id : who) drain(chat, id);
    }
  }
  for (const auto id : who) drain(chat, id);
  return 0;
}
