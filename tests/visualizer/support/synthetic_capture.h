// A small, fully deterministic chat capture built with wire's encoders, for
// the visualizer's tests until (and beside) the relay's fixture captures:
// two WebSocket strangers paired and talking (masked client frames, ping/pong,
// a fragmented message, a normal close), one long-poll stranger, and one
// client that sends an UNMASKED frame and is closed with 1002 (RFC 6455 5.1).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wire/events.h"

namespace viz::testing {

struct SyntheticOptions {
  int chat_rounds = 3;              // say/said exchanges between the two WebSocket strangers
  std::int64_t step_us = 250'000;   // time between consecutive events
};

std::vector<wire::Event> synthetic_chat(const SyntheticOptions& options = {});
// Writes it as a capture file; false when the file cannot be written.
bool write_synthetic_capture(const std::string& path, const SyntheticOptions& options = {});

}  // namespace viz::testing
