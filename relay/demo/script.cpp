// The demo's dialogue: two strangers who happen to be learning WebSockets.
#include "script.h"

#include <array>

#include <nlohmann/json.hpp>

#include "keys.h"

namespace relay::demo {

namespace {

struct Line {
  Who who;
  const char* text;
};

// Two conversations, alternating by round. A opens, B answers, in turns.
constexpr std::array<Line, 6> kConversationOne{{
    {Who::a, "Hi stranger! Are you on a WebSocket too?"},
    {Who::b, "Hello! No, I'm long-polling: one HTTP request per message."},
    {Who::a, "Every frame I send is masked with a fresh 4-byte key."},
    {Who::b, "And each of my messages is a whole POST with headers."},
    {Who::a, "My header here is only 6 bytes: 2 plus the mask."},
    {Who::b, "Mine carry a few hundred bytes of HTTP. Watch the counter!"},
}};
constexpr std::array<Line, 6> kConversationTwo{{
    {Who::a, "Hello again! I just reconnected with a brand new handshake."},
    {Who::b, "Did the relay answer 101 Switching Protocols?"},
    {Who::a, "Yes, and the accept was SHA-1 of my key plus the GUID."},
    {Who::b, "My GET is held open until you say something. Like now."},
    {Who::a, "Opcode 1 means text, 9 is ping, 10 is pong, 8 is close."},
    {Who::b, "Nice. The relay keeps nothing: it only passes us along."},
}};

// Fixed pacing for --deterministic: readable, between 1 and 2 seconds.
constexpr std::array<std::uint32_t, 7> kPauses{1400, 1700, 1200, 1900, 1500, 1300, 1600};
constexpr std::array<std::uint32_t, 3> kTyping{700, 900, 600};

std::string text_of(nlohmann::ordered_json j) { return j.dump(); }

}  // namespace

const char* who_name(Who w) { return w == Who::a ? "A" : "B"; }

const char* action_name(Action a) {
  switch (a) {
    case Action::say: return "say";
    case Action::ping: return "ping";
    case Action::skip: return "skip";
    case Action::reconnect: return "reconnect";
  }
  return "?";
}

std::vector<Step> round_steps(std::size_t round, bool deterministic, KeySource& rng) {
  const auto& lines = round % 2 == 0 ? kConversationOne : kConversationTwo;
  std::vector<Step> steps;
  std::size_t n = 0;
  auto pause = [&] { return deterministic ? kPauses[n++ % kPauses.size()] : rng.next_between(1000, 2000); };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::uint32_t typing = deterministic ? kTyping[i % kTyping.size()] : rng.next_between(500, 1000);
    steps.push_back({lines[i].who, Action::say, lines[i].text, typing, pause()});
    if (i == 2) steps.push_back({Who::a, Action::ping, {}, 0, pause()});
  }
  steps.push_back({Who::a, round % 2 == 0 ? Action::skip : Action::reconnect, {}, 0, pause()});
  return steps;
}

std::string find_json() { return text_of({{"type", "find"}}); }
std::string leave_json() { return text_of({{"type", "leave"}}); }
std::string say_json(std::string_view text) { return text_of({{"type", "say"}, {"text", text}}); }
std::string typing_json(bool on) { return text_of({{"type", "typing"}, {"on", on}}); }

}  // namespace relay::demo
