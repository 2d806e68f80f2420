// relay::demo::Script: what the two demo strangers say and do, in order.
// Stranger A speaks WebSocket, stranger B long-polls. A round is a few friendly
// lines about WebSockets (each announced by a typing indicator), a ping from A,
// and an ending: even rounds A skips (leave + find), odd rounds A hangs up and
// reconnects. Pure: no sockets, no clocks; the pacing comes from here too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace relay::demo {

class KeySource;

enum class Who : std::uint8_t { a, b };
enum class Action : std::uint8_t {
  say,         // typing on, a short pause, then the line
  ping,        // A sends a ping (5.5.2) and waits for the relay's pong (5.5.3)
  skip,        // A: leave + find; B hears `left` and finds again
  reconnect,   // A: close 1000, a new TCP connection and handshake, find; B finds again
};

struct Step {
  Who who = Who::a;
  Action action = Action::say;
  std::string text;                 // say: the line
  std::uint32_t typing_ms = 0;      // say: between typing on and the line
  std::uint32_t pause_ms = 0;       // after the step, before the next one (1-2 s: readable)
};

const char* who_name(Who w);        // "A", "B"
const char* action_name(Action a);  // "say", "ping", "skip", "reconnect"

// The steps of round `round` (0, 1, ...). deterministic: fixed pauses from a
// table; else each pause is drawn in [1000, 2000] ms from `rng`.
std::vector<Step> round_steps(std::size_t round, bool deterministic, KeySource& rng);

// The relay's limit for a `say` (relay::chat::Limits::max_text_bytes); every line fits well under it.
inline constexpr std::size_t kMaxLineBytes = 200;

// Client messages of relay/README.md "Chat messages", as compact JSON text with "type" first.
std::string find_json();
std::string leave_json();
std::string say_json(std::string_view text);
std::string typing_json(bool on);

}  // namespace relay::demo
