// The server's side of a tapped connection judged as a client would (server_rules.h).
#include "wire/server_rules.h"

#include <variant>

#include "wire/handshake.h"
#include "wire/http.h"

namespace wire {

namespace {

Error at(const std::string& rule, std::string reason, std::uint64_t offset) {
  return Error{rule, std::move(reason), static_cast<std::size_t>(offset)};
}

}  // namespace

std::optional<Error> ServerRules::check(const Unit& unit) {
  if (const auto* h = std::get_if<Http>(&unit)) {
    if (h->dir == Direction::c2s) {
      remember(*h);
      return std::nullopt;
    }
    return answer(*h);
  }
  if (const auto* f = std::get_if<Frame>(&unit); f != nullptr && f->dir == Direction::s2c) return frame(*f);
  return std::nullopt;
}

// 4.1: what the client asked for decides what a right 101 looks like.
void ServerRules::remember(const Http& request) {
  if (asked_.size() >= kMaxPending) asked_.pop_front();   // bounded: the oldest is forgotten
  Asked a;
  if (auto head = request_head(request)) {
    a.upgrade = head->method == "GET" && header_has_token(request.headers, "Upgrade", "websocket");
    a.key = head->header("Sec-WebSocket-Key").value_or("");
    if (auto offered = head->header("Sec-WebSocket-Protocol")) {
      if (auto list = parse_protocol_list(*offered)) a.protocols = std::move(list).value();
    }
    if (auto offered = head->header("Sec-WebSocket-Extensions")) {
      if (auto list = parse_extension_list(*offered)) {
        for (const auto& e : *list) a.extensions.push_back(e.name);
      }
    }
  }
  asked_.push_back(std::move(a));
}

std::optional<Error> ServerRules::answer(const Http& response) {
  const auto line = parse_status_line(response.start_line);
  if (!line) return std::nullopt;   // not a response: the splitter made it Raw-like already
  // RFC 9112 9.3 / RFC 9110 15.2: a 1xx other than 101 is interim, the final answer follows.
  if (line->status >= 100 && line->status < 200 && line->status != 101) return std::nullopt;
  std::optional<Asked> asked;
  if (!asked_.empty()) {
    asked = std::move(asked_.front());
    asked_.pop_front();
  }
  if (line->status != 101) return std::nullopt;   // 4.1 (1): refusing an upgrade is the server's right
  if (!asked || !asked->upgrade) {
    return at("RFC 9110 7.8", "the server answered 101 Switching Protocols to a request that asked for no upgrade",
              response.offset);
  }
  HttpResponseHead head;
  head.version = line->version;
  head.status = line->status;
  head.reason = line->reason;
  head.headers = response.headers;
  ResponseVerdict v = validate_upgrade_response(head, asked->key, asked->protocols, asked->extensions);
  if (v.ok()) return std::nullopt;
  return at(v.rule, v.reason, response.offset);
}

// 5.5.1: after sending a Close, an endpoint MUST NOT send any more data frames
// (nor anything else: the closing handshake ends the stream).
std::optional<Error> ServerRules::frame(const Frame& f) {
  if (server_closed_) {
    return at("RFC 6455 5.5.1", "the server sent a frame after its own Close frame", f.offset);
  }
  if (f.opcode == 0x8) server_closed_ = true;
  return std::nullopt;
}

}  // namespace wire
