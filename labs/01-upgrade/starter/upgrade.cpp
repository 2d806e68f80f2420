// Lab 1: the HTTP Upgrade. Your code: write each function below (the contract is in
// ../include/upgrade.h; the tasks, in order, are in ../README.md). Grade it with `wirelab-grade 1`.
// Each function returns an obviously wrong answer until you write it, so it scores 0 now.
#include "upgrade.h"

#include <openssl/sha.h>  // SHA1(data, len, out): the one thing you do not write yourself

namespace ws {

// TODO(lab 1, task 1): find the end of the head ("\r\n\r\n"), split the request-line into method,
// target and version, then each header line into name and value (trim spaces and tabs around the value).
// No "\r\n\r\n" yet: need_more (or invalid if already longer than max_head_len). Set head_len.
ParseResult parse_request([[maybe_unused]] std::string_view bytes) {
  ParseResult result;
  result.status = ParseStatus::invalid;
  result.error = "parse_request is not written yet";
  return result;
}

// TODO(lab 1, task 2): compare names without regard to case ("host" finds "Host").
std::optional<std::string> find_header([[maybe_unused]] const Request& request,
                                       [[maybe_unused]] std::string_view name) {
  return std::nullopt;
}

// TODO(lab 1, task 2): split `value` at commas, trim each part, compare without regard to case.
bool has_token([[maybe_unused]] std::string_view value, [[maybe_unused]] std::string_view token) {
  return false;
}

// TODO(lab 1, task 3): 3 bytes -> 4 characters of 6 bits each; pad the last group with '='.
std::string base64_encode([[maybe_unused]] std::span<const std::uint8_t> bytes) {
  return "TODO";
}

// TODO(lab 1, task 4): base64 of the 20-byte SHA-1 of key + websocket_guid.
std::string sec_websocket_accept([[maybe_unused]] std::string_view sec_websocket_key) {
  return "TODO";
}

// TODO(lab 1, task 5): check the request as RFC 6455 4.2.1 says; 101, 426 or 400.
Response answer_upgrade([[maybe_unused]] const Request& request) {
  return Response{};
}

// TODO(lab 1, task 6): status line, one line per header, a blank line; every line ends in "\r\n".
std::string serialize_response([[maybe_unused]] const Response& response) {
  return "";
}

}  // namespace ws
