// HttpSplitter: two message parsers (one per direction) and the pairing of
// requests with responses, which decides where each body ends (RFC 9112 6.3)
// and when both directions switch to WebSocket (RFC 6455 4.1-4.2).
#include "wire/http.h"

#include "http_message.h"
#include "wire/fifo.h"

namespace wire {

using detail::After;
using detail::BodyKind;
using detail::Framing;
using detail::Head;
using detail::MessageParser;

namespace {

// What a response needs to know about the request it answers.
struct RequestInfo {
  bool head = false;      // RFC 9110 9.3.2: a response to HEAD has no body
  bool connect = false;   // RFC 9110 9.3.6: a 2xx to CONNECT starts a tunnel
  bool upgrade = false;   // RFC 9110 7.8: the server may answer 101
};

// Requests kept for pairing; past this (a client pipelining thousands of
// requests) later responses are read as answers to GET.
constexpr std::size_t kMaxPendingRequests = 1024;

// RFC 9112 6.3 item 6 / RFC 9110 8.6: Content-Length = 1*DIGIT; a list of
// identical values is accepted, different values are an unrecoverable error.
std::optional<std::uint64_t> content_length(const HttpHeaders& headers, bool& present) {
  std::optional<std::uint64_t> result;
  present = false;
  for (const auto& [name, value] : headers) {
    if (!detail::iequals(name, "Content-Length")) continue;
    present = true;
    std::string_view rest = value;
    while (true) {
      const auto comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (item.empty() || item.size() > 18) return std::nullopt;
      std::uint64_t v = 0;
      for (char c : item) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
      }
      if (result && *result != v) return std::nullopt;
      result = v;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return result;
}

// RFC 9112 6.1: chunked must be the final transfer coding.
bool final_coding_is_chunked(const std::string& te) {
  std::string_view v = te;
  const auto comma = v.rfind(',');
  if (comma != std::string_view::npos) v.remove_prefix(comma + 1);
  return header_has_token({{"te", std::string(v)}}, "te", "chunked");
}

// Body framing from Transfer-Encoding / Content-Length (RFC 9112 6.3 items 3-8).
Framing body_framing(const HttpHeaders& headers, bool is_request) {
  Framing f;
  std::string te;
  bool has_te = false;
  for (const auto& [name, value] : headers) {
    if (detail::iequals(name, "Transfer-Encoding")) {
      te += (has_te ? "," : "") + value;
      has_te = true;
    }
  }
  if (has_te) {   // item 3: Transfer-Encoding overrides Content-Length
    if (final_coding_is_chunked(te)) f.body = BodyKind::chunked;
    else if (is_request)   // item 4: the server cannot tell the length: 400 and close
      f.error = "RFC 9112 6.3: a request whose Transfer-Encoding does not end in chunked has no knowable length";
    else f.body = BodyKind::until_close;
    return f;
  }
  bool has_cl = false;
  const auto cl = content_length(headers, has_cl);
  if (has_cl && !cl) {   // item 5: an invalid Content-Length is unrecoverable
    f.error = "RFC 9112 6.3: invalid or conflicting Content-Length";
    return f;
  }
  if (cl) {
    f.body = BodyKind::length;
    f.length = *cl;
  } else {
    f.body = is_request ? BodyKind::none : BodyKind::until_close;   // items 7 and 8
  }
  return f;
}

}  // namespace

struct HttpSplitter::Impl final : detail::Decider {
  explicit Impl(HttpOptions options)
      : c2s(Direction::c2s, options, this), s2c(Direction::s2c, options, this), rules(options.request_rules) {}
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() = default;

  MessageParser c2s, s2c;
  std::optional<RequestLimits> rules;
  Fifo<RequestInfo> requests;
  std::string extensions;
  // Set while a response head is read; acted on once that response is done.
  enum class Answer : std::uint8_t { none, switch_to_websocket, release, stop };
  Answer answer = Answer::none;
  std::string answer_why;

  MessageParser& parser(Direction d) { return d == Direction::c2s ? c2s : s2c; }

  Framing on_head(Direction dir, const Head& head) override {
    return dir == Direction::c2s ? on_request(head) : on_response(head);
  }

  Framing on_request(const Head& head) {
    const auto line = parse_request_line(head.start_line);   // handshake.h
    RequestInfo info;
    info.head = line && line->method == "HEAD";
    info.connect = line && line->method == "CONNECT";
    info.upgrade = find_header(head.headers, "Upgrade").has_value();
    if (requests.size() < kMaxPendingRequests) requests.push_back(info);
    Framing f = body_framing(head.headers, true);
    if (rules) f.refusal = check_request_head(head.start_line, head.headers, *rules);
    // RFC 6455 4.1: after an upgrade request the client may send frames as
    // soon as it sees the 101; hold its bytes until the answer is known.
    if (info.upgrade) f.after = After::hold;
    return f;
  }

  Framing on_response(const Head& head) {
    const auto line = parse_status_line(head.start_line);
    const int status = line ? line->status : 0;
    Framing f;
    // RFC 9110 15.2: 1xx responses are interim (no body); the final one follows.
    if (status >= 100 && status < 200 && status != 101) return f;
    RequestInfo info;
    if (!requests.empty()) {
      info = requests.front();
      requests.pop_front();
    }
    if (status == 101) {
      // RFC 6455 4.2.2: the 101's Upgrade names websocket; both directions switch.
      if (header_has_token(head.headers, "Upgrade", "websocket")) {
        f.after = After::switch_to_websocket;
        extensions.clear();
        for (const auto& [name, value] : head.headers) {
          if (detail::iequals(name, "Sec-WebSocket-Extensions"))
            extensions += (extensions.empty() ? "" : ", ") + value;
        }
        answer = Answer::switch_to_websocket;
      } else {
        f.after = After::stop;
        f.stop_why = "RFC 9110 15.2.2: switched to a protocol other than WebSocket";
        answer = Answer::stop;
        answer_why = f.stop_why;
      }
      return f;
    }
    if (info.upgrade) answer = Answer::release;   // upgrade refused: the client's bytes are HTTP again
    if (info.connect && status >= 200 && status < 300) {
      f.after = After::stop;
      f.stop_why = "RFC 9110 9.3.6: a CONNECT tunnel carries no HTTP";
      answer = Answer::stop;
      answer_why = f.stop_why;
      return f;
    }
    // RFC 9112 6.3 item 1: HEAD responses, 204 and 304 have no body.
    if (info.head || status == 204 || status == 304) return f;
    Framing body = body_framing(head.headers, false);
    body.after = f.after;
    return body;
  }

  // After an s2c feed: act on the answer to an upgrade request.
  void act_on_answer(HttpFeed& out) {
    switch (s2c.state()) {
      case MessageParser::State::start_line:
      case MessageParser::State::body_until_close:
      case MessageParser::State::switched:
      case MessageParser::State::stopped:
        break;
      default:
        return;   // the answering response is not complete yet
    }
    const Answer a = answer;
    answer = Answer::none;
    switch (a) {
      case Answer::none: break;
      case Answer::switch_to_websocket:
        if (!c2s.switch_to_websocket(out))
          c2s.stop_now(out, "RFC 6455 4.1: a 101 arrived while the client was in the middle of an HTTP message");
        break;
      case Answer::release: c2s.release_hold(out); break;
      case Answer::stop: c2s.stop_now(out, answer_why); break;
    }
  }
};

HttpSplitter::HttpSplitter(HttpOptions options) : impl_(std::make_unique<Impl>(options)) {}
HttpSplitter::~HttpSplitter() = default;
HttpSplitter::HttpSplitter(HttpSplitter&&) noexcept = default;
HttpSplitter& HttpSplitter::operator=(HttpSplitter&&) noexcept = default;

HttpFeed HttpSplitter::feed(Direction dir, std::span<const std::uint8_t> bytes) {
  HttpFeed out;
  MessageParser& p = impl_->parser(dir);
  const std::size_t used = p.feed(bytes, out);
  if (dir == Direction::s2c) impl_->act_on_answer(out);
  if (used < bytes.size())
    out.websocket.push_back(WebSocketBytes{dir, p.offset(), Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(used), bytes.end())});
  return out;
}

HttpFeed HttpSplitter::finish(Direction dir) {
  HttpFeed out;
  impl_->parser(dir).finish(out);
  if (dir == Direction::s2c) impl_->act_on_answer(out);
  return out;
}

HttpPhase HttpSplitter::phase(Direction dir) const {
  switch (impl_->parser(dir).state()) {
    case MessageParser::State::switched: return HttpPhase::websocket;
    case MessageParser::State::stopped: return HttpPhase::stopped;
    default: return HttpPhase::http;
  }
}

const std::string& HttpSplitter::extensions() const { return impl_->extensions; }
std::size_t HttpSplitter::pending(Direction dir) const { return impl_->parser(dir).pending(); }
std::uint64_t HttpSplitter::offset(Direction dir) const { return impl_->parser(dir).offset(); }
std::uint64_t HttpSplitter::settled(Direction dir) const { return impl_->parser(dir).settled(); }

}  // namespace wire
