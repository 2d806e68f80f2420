// relay::poll::Desk: what a /poll/* request gets, without lws (so unit tests
// and fuzz_poll_requests can drive it). The relay's glue (inner/poll_http.cpp)
// turns lws callbacks into these calls and keeps the held GETs itself.
//
//   POST /poll/open                 -> 200 {"session":ID} | 503 full | 429 too fast
//   POST /poll/send?session=ID body -> 204 (the body went to the chat) | 404 | 413
//   GET  /poll/recv?session=ID      -> hold for the participant | 404
// An id is honoured only from the address that opened it; from anywhere else
// it gets the same 404 as an unknown id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "relay/chat/service.h"
#include "relay/poll/sessions.h"

namespace relay::poll {

enum class Endpoint : std::uint8_t { open, send, recv };

struct Request {
  Endpoint endpoint = Endpoint::open;
  std::string session;                   // the session= argument, "" when absent
};

// The poll request named by method and path (path without its query); query
// is the argument list "a=1&session=ID" (already percent-decoded by the HTTP
// server). nullopt: not a /poll/ endpoint with its method (the caller's 404).
std::optional<Request> parse_request(std::string_view method, std::string_view path, std::string_view query);

struct Answer {
  int status = 200;                      // 0: hold the GET until participant has messages
  std::string body;                      // JSON, "" for 204 and holds
  bool retry_after = false;              // 429: add Retry-After: 1
  chat::ParticipantId participant = 0;   // whose session this request used (0: none)
};

class Desk {
 public:
  Desk(Sessions& sessions, chat::Service& chat, std::size_t max_body)
      : sessions_(sessions), chat_(chat), max_body_(max_body) {}

  Answer open(std::string_view address, std::int64_t now_us, const chat::Arrival& arrival = {});
  Answer send(const Request& r, std::string_view address, std::string_view body, bool body_too_big,
              std::int64_t now_us);
  Answer recv(const Request& r, std::string_view address, std::int64_t now_us);

  // Called with the participant once a request's session is known, before
  // the chat runs (so the relay can say which connection carried it).
  std::function<void(chat::ParticipantId)> on_session;

 private:
  Sessions& sessions_;
  chat::Service& chat_;
  std::size_t max_body_;
};

}  // namespace relay::poll
