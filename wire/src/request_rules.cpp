// A server's checks of a request head (request_rules.h), each with its RFC section.
#include "wire/request_rules.h"

#include "http_message.h"
#include "wire/handshake.h"
#include "wire/http.h"

namespace wire {

namespace {

RequestRefusal refuse(int status, std::string rule, std::string reason) {
  return RequestRefusal{status, std::move(rule), std::move(reason)};
}

std::string quote_text(std::string_view text) {
  std::string out = "\"";
  for (char c : text.substr(0, 60)) out += (c >= 0x20 && c < 0x7F) ? c : '?';
  return out + (text.size() > 60 ? "...\"" : "\"");
}

std::size_t count_fields(const HttpHeaders& headers, std::string_view name) {
  std::size_t n = 0;
  for (const auto& [k, v] : headers) n += detail::iequals(k, name) ? 1 : 0;
  return n;
}

// RFC 9110 8.6: Content-Length = 1*DIGIT (a list of one repeated value is tolerated by RFC 9112 6.3;
// this server takes only a single number).
bool is_one_number(std::string_view v) {
  v = detail::trim_ows(v);
  if (v.empty() || v.size() > 18) return false;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

RequestRefusal request_line_too_long(const RequestLimits& limits) {
  return refuse(414, "RFC 9112 3", "the request line is longer than this server reads (" +
                                        std::to_string(limits.max_head) + " bytes): 414 URI Too Long");
}

RequestRefusal head_too_large(const RequestLimits& limits) {
  return refuse(431, "RFC 6585 5", "the request head is longer than this server reads (" +
                                        std::to_string(limits.max_head) + " bytes)");
}

RequestRefusal too_many_fields(const RequestLimits& limits) {
  return refuse(431, "RFC 6585 5",
                "the request has more than " + std::to_string(limits.max_fields) + " header fields");
}

RequestRefusal not_a_request_line(std::string_view line) {
  return refuse(400, "RFC 9112 3",
                "a request line is method SP request-target SP HTTP-version, e.g. \"GET /chat HTTP/1.1\"; got " +
                    quote_text(line));
}

RequestRefusal not_a_field_line(std::string_view line) {
  return refuse(400, "RFC 9112 5",
                "a field line is name \":\" value, with no space before the colon and no line folding; got " +
                    quote_text(line));
}

// RFC 9110 4.2.2: an "https" address is served over TLS only, so the answer
// names the fix rather than the rule alone.
// RFC 9110 15.6.3: 502 Bad Gateway, "an invalid response from an inbound server"
// (here: none at all, the connection was refused or timed out).
RequestRefusal upstream_unreachable() {
  return refuse(502, "RFC 9110 15.6.3",
                "the server behind this relay (--upstream) refused the connection or did not answer: is it "
                "running, on that port?");
}

RequestRefusal plain_http_on_tls_port() {
  return refuse(400, "RFC 9110 4.2.2",
                "this port speaks https: open the same address with https:// (and wss:// for WebSockets); "
                "plain http:// and ws:// are not served here");
}

std::optional<RequestRefusal> check_request_head(std::string_view request_line, const HttpHeaders& headers,
                                                 const RequestLimits& limits) {
  if (!is_request_line(request_line)) return not_a_request_line(request_line);
  const auto line = parse_request_line(request_line);   // handshake.h; is_request_line made sure it splits
  const std::string& version = line->version;
  const bool upgrade = find_header(headers, "Upgrade").has_value();
  // RFC 6455 4.1: "the HTTP version MUST be at least 1.1" (HTTP/2 has its own upgrade, RFC 8441).
  if (upgrade && version != "HTTP/1.1")
    return refuse(400, "RFC 6455 4.1", "a WebSocket handshake is an HTTP/1.1 request; this one says " + version);
  // RFC 9112 2.3 / RFC 9110 15.6.6: this server speaks HTTP/1.x only.
  if (version[5] != '1')
    return refuse(505, "RFC 9110 15.6.6", version + " is not HTTP/1.x: 505 HTTP Version Not Supported");
  if (headers.size() > limits.max_fields) return too_many_fields(limits);
  // RFC 9112 3.2: an HTTP/1.1 request carries exactly one Host field.
  if (version == "HTTP/1.1" && count_fields(headers, "Host") != 1)
    return refuse(400, "RFC 9112 3.2",
                  count_fields(headers, "Host") == 0 ? "an HTTP/1.1 request must carry a Host header field"
                                                     : "a request must carry only one Host header field");
  const bool has_te = count_fields(headers, "Transfer-Encoding") > 0;
  const auto cl = find_header(headers, "Content-Length");
  // RFC 6455 4.1: the opening handshake is a GET with no body; bytes after it are frames.
  if (upgrade && (has_te || (cl && detail::trim_ows(*cl) != "0")))
    return refuse(400, "RFC 6455 4.1",
                  "an upgrade request has no body (it carried Content-Length or Transfer-Encoding); "
                  "the bytes after its head are WebSocket frames");
  // RFC 9112 6.1: both is a sign of request smuggling; the server MUST close after answering.
  if (has_te && cl)
    return refuse(400, "RFC 9112 6.1",
                  "a request with both Transfer-Encoding and Content-Length has two lengths; refused and closed");
  if (has_te && !limits.chunked_bodies)
    return refuse(411, "RFC 9110 15.5.12",
                  "this server needs Content-Length on a request body (chunked request bodies are not "
                  "supported): 411 Length Required");
  // RFC 9110 8.6 / RFC 9112 6.3: an invalid Content-Length is unrecoverable.
  if (cl && (count_fields(headers, "Content-Length") != 1 || !is_one_number(*cl)))
    return refuse(400, "RFC 9112 6.3", "Content-Length must be one decimal number; got " + quote_text(*cl));
  return std::nullopt;
}

std::string_view status_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 411: return "Length Required";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 502: return "Bad Gateway";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
  }
}

std::string build_refusal_response(const RequestRefusal& refusal) {
  const std::string body = refusal.rule + ": " + refusal.reason + "\n";
  std::string out = "HTTP/1.1 " + std::to_string(refusal.status) + " " + std::string(status_phrase(refusal.status));
  out += "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + std::to_string(body.size());
  out += "\r\nConnection: close\r\n\r\n" + body;
  return out;
}

}  // namespace wire
