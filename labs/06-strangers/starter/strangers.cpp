// Lab 6: strangers. Your code: write each function below (the contract is in ../include/strangers.h; the
// tasks are in ../README.md). Each answers nothing until you write it, so it scores 0 now.
#include "strangers.h"

namespace ws {

// TODO(lab 6, task 3): refill by the time passed (never above burst), then spend one token if there is one.
bool TokenBucket::take([[maybe_unused]] Millis now) { return false; }

// TODO(lab 6, task 1): a fresh label (your lab 5 stranger_label) and the welcome with the limits.
Outbox Strangers::on_open([[maybe_unused]] ConnId c, [[maybe_unused]] Millis now) { return {}; }

// TODO(lab 6, tasks 1-4): a token first; then find, leave, say, typing; bad_message for anything else.
Outbox Strangers::on_message([[maybe_unused]] ConnId c, [[maybe_unused]] std::string_view text,
                             [[maybe_unused]] Millis now) {
  return {};
}

// TODO(lab 6, task 2): like leave (never refused by the rate limit), then forget c.
Outbox Strangers::on_close([[maybe_unused]] ConnId c, [[maybe_unused]] Millis now) { return {}; }

Outbox Strangers::on_tick([[maybe_unused]] Millis now) { return {}; }

}  // namespace ws
