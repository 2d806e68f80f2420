// Lab 4, part 1: UTF-8, close codes, and the Session that builds messages. Your code: write each
// function below (the contract is in ../include/message.h; the tasks are in ../README.md).
// It uses your labs 2 and 3 (encode_frame). Each function gives an obviously wrong answer until you
// write it, so it scores 0 now.
#include "message.h"

namespace ws {

// TODO(lab 4, task 1): RFC 3629's table, one byte at a time; remember where you are between calls.
bool Utf8Validator::feed([[maybe_unused]] std::span<const std::uint8_t> bytes) { return false; }

// TODO(lab 4, task 2): the codes of RFC 6455 7.4.1 and 7.4.2 that may be sent.
bool is_valid_close_code([[maybe_unused]] std::uint16_t code) { return false; }

// TODO(lab 4, task 2): 2 bytes of code (high byte first) and the reason, in a close frame from a server.
std::vector<std::uint8_t> close_frame([[maybe_unused]] std::uint16_t code, [[maybe_unused]] std::string_view reason) {
  return {};
}

// TODO(lab 4, task 3): messages from frames (5.4), ping/pong (5.5.2-3), close (5.5.1), UTF-8 (8.1).
Reaction Session::on_frame([[maybe_unused]] const Frame& frame) {
  Reaction r;
  r.close_connection = true;
  return r;
}

}  // namespace ws
