// What a server requires of a request head before serving it (RFC 9112,
// RFC 9110, RFC 6455 4.1), checked on the head alone, with the status to
// answer a broken one. A tapping proxy checks each request with these rules
// before its server sees a byte of it, so the proxy and the server never
// disagree about where a request ends (request smuggling) and no broken head
// is closed silently. Pure: no sockets, never throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wire {

struct RequestLimits {
  std::size_t max_head = 8 * 1024;   // request line + field lines, CRLFs included -> 431 (a longer request line: 414)
  std::size_t max_fields = 100;      // field lines in one head                     -> 431
  bool chunked_bodies = false;       // false: a request with Transfer-Encoding     -> 411
};

// Why a request head is refused and how to answer it.
struct RequestRefusal {
  int status = 400;      // 400, 411, 414, 431, 505; 0: no HTTP answer fits, just close
  std::string rule;      // "RFC 9112 3.2"
  std::string reason;    // one sentence a student can act on
};

// The checks that need the whole head, in this order: request line (400),
// version (505; an upgrade needs HTTP/1.1, 400), field count (431), Host for
// HTTP/1.1 (400), an upgrade with a body (400), Content-Length together with
// Transfer-Encoding (400), Transfer-Encoding at all when not accepted (411),
// Content-Length that is not one number (400).
std::optional<RequestRefusal> check_request_head(std::string_view request_line,
                                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                                 const RequestLimits& limits);

// The checks a parser makes while the head is still arriving.
RequestRefusal request_line_too_long(const RequestLimits& limits);   // 414
RequestRefusal head_too_large(const RequestLimits& limits);          // 431
RequestRefusal too_many_fields(const RequestLimits& limits);         // 431
RequestRefusal not_a_request_line(std::string_view line);            // 400
RequestRefusal not_a_field_line(std::string_view line);              // 400
// Plain bytes where a TLS handshake must come first: someone typed http:// (or
// ws://) for an https:// (wss://) address.
RequestRefusal plain_http_on_tls_port();                              // 400
// A gateway whose server (wirelab-relay --upstream) refused the connection or
// did not answer in time: nothing reached it, so the client is told so.
RequestRefusal upstream_unreachable();                                // 502

// "HTTP/1.1 431 Request Header Fields Too Large" with Connection: close and a
// text/plain body naming the rule (the connection is closed after it).
std::string build_refusal_response(const RequestRefusal& refusal);
std::string_view status_phrase(int status);   // "Bad Request", ...

}  // namespace wire
