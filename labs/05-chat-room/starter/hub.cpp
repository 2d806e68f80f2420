// Lab 5, part 1: the room chat as pure logic. Your code: write each function below (the contract is in
// ../include/chat.h; the tasks are in ../README.md). For JSON, nlohmann-json is installed:
// #include <nlohmann/json.hpp> (parse with json::parse(text, nullptr, false): no exceptions, check
// is_discarded()). Each function answers nothing until you write it, so it scores 0 now.
#include "chat.h"

namespace ws {

// TODO(lab 5, task 1): "Stranger " + 4 hex digits from getrandom(2) (<sys/random.h>) or std::random_device.
std::string stranger_label() { return ""; }

// TODO(lab 5, task 2): a label no open connection has; the welcome to c.
Outbox Hub::on_open([[maybe_unused]] ConnId c, [[maybe_unused]] Millis now) { return {}; }

// TODO(lab 5, tasks 2-4): join, say, typing, leave; bad_message for anything else.
Outbox Hub::on_message([[maybe_unused]] ConnId c, [[maybe_unused]] std::string_view text, [[maybe_unused]] Millis now) {
  return {};
}

// TODO(lab 5, task 2): like leave, then forget c.
Outbox Hub::on_close([[maybe_unused]] ConnId c, [[maybe_unused]] Millis now) { return {}; }

// TODO(lab 5, task 4): typing flags older than typing_expiry_ms_ end: typing false to the others.
Outbox Hub::on_tick([[maybe_unused]] Millis now) { return {}; }

}  // namespace ws
