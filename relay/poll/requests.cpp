// The lws-free part of /poll/open, /poll/send and /poll/recv.
#include "relay/poll/requests.h"

#include <fmt/format.h>

#include "wire/query.h"

namespace relay::poll {

std::optional<Request> parse_request(std::string_view method, std::string_view path, std::string_view query) {
  Request r;
  if (path == "/poll/open" && method == "POST") {
    r.endpoint = Endpoint::open;
  } else if (path == "/poll/send" && method == "POST") {
    r.endpoint = Endpoint::send;
  } else if (path == "/poll/recv" && (method == "GET" || method == "HEAD")) {
    r.endpoint = Endpoint::recv;
  } else {
    return std::nullopt;
  }
  if (r.endpoint != Endpoint::open) r.session = wire::query_value(query, "session");
  return r;
}

Answer Desk::open(std::string_view address, std::int64_t now_us, const chat::Arrival& arrival) {
  Answer a;
  const Refusal refusal = sessions_.admit(address, now_us);
  switch (refusal) {
    case Refusal::none: break;
    case Refusal::store_full:
      return {503, R"({"error":"too_many_sessions","detail":"the relay has too many long-poll sessions; try again in a minute"})"};
    case Refusal::address_full:
      return {503, fmt::format(R"({{"error":"too_many_sessions","detail":"at most {} long-poll sessions from one address; )"
                               R"(let one expire (no recv for a while) or use the ones you have"}})",
                               sessions_.limits().max_per_address)};
    case Refusal::address_rate:
    case Refusal::relay_rate:
      a.status = 429;
      a.retry_after = true;
      a.body = R"({"error":"rate_limited","detail":"too many /poll/open requests; wait a second and try again"})";
      return a;
  }
  const chat::ParticipantId pid = chat_.connect(chat::Transport::long_poll, arrival);   // queues its welcome
  const Session* session = sessions_.open(pid, now_us, address);
  if (session == nullptr) {   // admit() said yes, so only a store changed in between
    chat_.disconnect(pid);
    return {503, R"({"error":"too_many_sessions","detail":"the relay has too many long-poll sessions"})"};
  }
  a.participant = pid;
  a.body = fmt::format(R"({{"session":"{}"}})", session->id);
  return a;
}

Answer Desk::send(const Request& r, std::string_view address, std::string_view body, bool body_too_big,
                  std::int64_t now_us) {
  const Session* session = sessions_.find(r.session, address);
  if (session == nullptr) return {404, Sessions::not_found_body(r.session)};
  if (body_too_big || body.size() > max_body_) {
    return {413, fmt::format(R"({{"error":"too_long","detail":"a message is at most {} bytes"}})", max_body_)};
  }
  const chat::ParticipantId pid = session->participant;
  if (on_session) on_session(pid);
  chat_.receive(pid, body, now_us);
  Answer a;
  a.status = 204;
  a.participant = pid;
  return a;
}

Answer Desk::recv(const Request& r, std::string_view address, std::int64_t now_us) {
  const Session* session = sessions_.find(r.session, address);
  if (session == nullptr) return {404, Sessions::not_found_body(r.session)};
  Answer a;
  a.status = 0;
  a.participant = session->participant;
  if (on_session) on_session(a.participant);
  sessions_.touch_recv(r.session, now_us);
  return a;
}

}  // namespace relay::poll
