// HTTP/1.1 splitter for a tapped connection (RFC 9112): cuts each direction's
// byte stream into whole messages (head + body, exact bytes), pairs requests
// with responses (so it knows a HEAD response has no body and which 101
// answers an upgrade), and hands over to WebSocket framing after a 101 whose
// Upgrade names websocket (RFC 6455 4.1). Pure, bounded, never throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "wire/events.h"
#include "wire/handshake.h"
#include "wire/request_rules.h"

namespace wire {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpOptions {
  std::size_t max_head = 64 * 1024;        // a longer head becomes Raw and the direction stops
  std::size_t max_body_kept = 64 * 1024;   // body bytes kept in Http::bytes; the rest only counted
  // Set: requests (c2s) are checked as a server would (request_rules.h); a
  // refused one ends the direction with an HttpBreach. Unset: everything is
  // decoded as well as it can be (a viewer of someone else's bytes).
  std::optional<RequestLimits> request_rules{};
};

// ---- small parsers, usable on their own -------------------------------------

struct StatusLine { std::string version; int status = 0; std::string reason; };
// RFC 9112 3: method SP request-target SP HTTP-version (no CR/LF), strictly:
// a token method, a target without spaces or controls, "HTTP/" DIGIT "." DIGIT.
// (handshake.h's parse_request_line splits one; this says whether it is one.)
bool is_request_line(std::string_view line);
// RFC 9112 4: HTTP-version SP status-code SP [reason-phrase] (no CR/LF).
std::optional<StatusLine> parse_status_line(std::string_view line);
// RFC 9112 5: field-name ":" OWS field-value OWS; no whitespace before ':'.
std::optional<std::pair<std::string, std::string>> parse_field_line(std::string_view line);
// The first value of a field (names compare case-insensitively), or nullopt.
std::optional<std::string> find_header(const HttpHeaders& headers, std::string_view name);
// True when any field named `name` holds `token` in its comma-separated list
// (case-insensitive, as for Connection, Upgrade and Transfer-Encoding).
bool header_has_token(const HttpHeaders& headers, std::string_view name, std::string_view token);

// An Http unit's request head for handshake.h's validate_upgrade_request;
// nullopt when the unit is not a request.
std::optional<HttpHead> request_head(const Http& unit);
// The bytes of an Http unit's head (start line, fields, empty line; RFC 9112
// 2.1): the message minus its body, or up to the empty line when the body was cut.
std::size_t head_length(const Http& unit);
// The start line and fields of an Http unit, read again from its bytes' head
// (lines end in CRLF, RFC 9112 2.1; one field per line). False, and `unit`
// unchanged, when a line does not parse. Lets a holder keep the bytes alone.
bool reparse_head(Http& unit);

// ---- the splitter -----------------------------------------------------------

using HttpUnit = std::variant<Http, Raw>;   // conn left 0

// Bytes of one direction that come after the switch to WebSocket: the caller
// decodes them as frames, starting at `offset` in that direction's stream.
struct WebSocketBytes {
  Direction dir = Direction::c2s;
  std::uint64_t offset = 0;
  Bytes bytes;
};

// A request refused by HttpOptions::request_rules. Its head (or the bytes of
// it read so far) is the unit at unit_index; decoding of c2s then stops.
struct HttpBreach {
  std::size_t unit_index = 0;   // == units.size() when no byte of it was kept
  std::uint64_t offset = 0;     // c2s stream offset where the refused request begins
  RequestRefusal refusal;
};

struct HttpFeed {
  std::vector<HttpUnit> units;            // complete messages and unparsable bytes, in order
  std::vector<WebSocketBytes> websocket;  // set when a direction switched during this call
  std::vector<HttpBreach> breaches;       // requests refused during this call (request_rules only)
};

enum class HttpPhase : std::uint8_t { http, websocket, stopped };

class HttpSplitter {
 public:
  explicit HttpSplitter(HttpOptions options = {});
  ~HttpSplitter();
  HttpSplitter(HttpSplitter&&) noexcept;
  HttpSplitter& operator=(HttpSplitter&&) noexcept;

  // Bytes of one direction, any chunking, in the order they crossed the wire.
  // Once a direction is in HttpPhase::websocket, feeding it is a caller error
  // (the bytes come back in `websocket` untouched).
  HttpFeed feed(Direction dir, std::span<const std::uint8_t> bytes);
  // That direction ended (FIN): a response delimited by the close is emitted;
  // a message cut short becomes Raw.
  HttpFeed finish(Direction dir);

  HttpPhase phase(Direction dir) const;
  // Sec-WebSocket-Extensions of the 101 ("" when none or no 101 yet).
  const std::string& extensions() const;
  // Bytes held for a unit not yet complete (kept bytes only).
  std::size_t pending(Direction dir) const;
  // Stream offset of the first byte HTTP has not consumed; after a switch,
  // where that direction's WebSocket frames begin.
  std::uint64_t offset(Direction dir) const;
  // Stream offset up to which bytes are judged: whole messages, and the body
  // so far of a message whose head is complete. Not yet judged: a head still
  // arriving, and bytes held after an upgrade request until its answer.
  std::uint64_t settled(Direction dir) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wire
