// The opening handshake (RFC 6455 4.1 client, 4.2 server): the accept value,
// the server's checks of an upgrade request, its 101 and rejection responses,
// and the Sec-WebSocket-Protocol / Sec-WebSocket-Extensions lists (9.1, 11.3).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wire/result.h"

namespace wire {

// 1.3 / 4.2.2: the GUID appended to the key before hashing.
inline constexpr std::string_view kWebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// 4.2.2: base64(SHA-1(key + GUID)). "dGhlIHNhbXBsZSBub25jZQ==" -> "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
std::string sec_websocket_accept(std::string_view key);
std::array<std::uint8_t, 20> sha1(std::span<const std::uint8_t> bytes);   // OpenSSL EVP
std::array<std::uint8_t, 20> sha1(std::string_view text);

// An HTTP/1.1 request head as a splitter produces it: the request line in
// three parts and the header fields in wire order, names as sent.
struct HttpHead {
  std::string method;    // "GET"
  std::string target;    // "/chat"
  std::string version;   // "HTTP/1.1"
  std::vector<std::pair<std::string, std::string>> headers;

  // All fields with this name (ASCII case-insensitive), values joined with
  // ", " as RFC 7230 3.2.2 allows for list fields; nullopt when absent.
  std::optional<std::string> header(std::string_view name) const;
};
// Splits "GET /chat HTTP/1.1" into an HttpHead (headers left empty); nullopt
// unless it has exactly three space-separated parts.
std::optional<HttpHead> parse_request_line(std::string_view start_line);

// 9.1: Sec-WebSocket-Extensions = extension *("," extension);
// extension = token *(";" param); param = token ["=" (token | quoted-string)].
struct ExtensionParam {
  std::string name;
  std::optional<std::string> value;   // unquoted; nullopt for a bare "client_no_context_takeover"
};
struct Extension {
  std::string name;                   // "permessage-deflate"
  std::vector<ExtensionParam> params;
};
Result<std::vector<Extension>> parse_extension_list(std::string_view value);
std::string format_extension_list(const std::vector<Extension>& extensions);
// 4.1 / 11.3.4: Sec-WebSocket-Protocol = token *("," token).
Result<std::vector<std::string>> parse_protocol_list(std::string_view value);

// Each way an upgrade request can fail 4.2.1, with its own value.
enum class UpgradeRejection : std::uint8_t {
  not_get,                 // 4.2.1 (1): the method MUST be GET                        -> 400
  not_http_1_1,            // 4.2.1 (1): HTTP/1.1 or higher                            -> 400
  no_host,                 // 4.2.1 (2): a Host header field                            -> 400
  upgrade_not_websocket,   // 4.2.1 (3): Upgrade containing "websocket" (any case)      -> 400
  connection_no_upgrade,   // 4.2.1 (4): Connection holding the "Upgrade" token         -> 400
  key_missing,             // 4.2.1 (5): a Sec-WebSocket-Key                            -> 400
  key_invalid,             // 4.2.1 (5): the key must be base64 of 16 bytes             -> 400
  version_missing,         // 4.2.1 (6): Sec-WebSocket-Version                          -> 426 + version 13
  version_not_13,          // 4.2.1 (6), 4.4: the version MUST be 13                    -> 426 + version 13
  bad_protocol_list,       // 4.1 / 11.3.4: Sec-WebSocket-Protocol must be a token list -> 400
  bad_extension_list,      // 9.1: Sec-WebSocket-Extensions must parse                  -> 400
};

struct Rejection {
  UpgradeRejection why = UpgradeRejection::not_get;
  int status = 400;        // 400 Bad Request, or 426 Upgrade Required (then send Sec-WebSocket-Version: 13)
  std::string rule;        // "RFC 6455 4.2.1"
  std::string reason;      // one sentence a student can act on
};

struct UpgradeRequest {
  std::string target;
  std::string host;
  std::string origin;                      // "" when absent (non-browser clients)
  std::string sec_websocket_key;
  std::vector<std::string> protocols;      // offered subprotocols, in order
  std::vector<Extension> extensions;       // offered extensions, in order
};

struct UpgradeVerdict {
  UpgradeRequest request;                  // ok(): what the client asked for
  std::optional<Rejection> rejection;      // !ok(): the first rule broken
  bool ok() const { return !rejection.has_value(); }
};

// The server's checks of 4.2.1, in the order listed there.
UpgradeVerdict validate_upgrade_request(const HttpHead& head);
Rejection make_rejection(UpgradeRejection why);   // status, rule and reason for each value
const char* upgrade_rejection_name(UpgradeRejection why);   // "not_get", ...

// 4.2.2: "HTTP/1.1 101 Switching Protocols" with Upgrade, Connection and
// Sec-WebSocket-Accept, plus the chosen subprotocol / extensions when not empty.
std::string build_accept_response(std::string_view sec_websocket_key, std::string_view protocol = {},
                                  std::string_view extensions = {});
// 4.2.1 / 4.4: "HTTP/1.1 400 Bad Request" or "426 Upgrade Required" with
// Sec-WebSocket-Version: 13, Connection: close and a text/plain body naming the rule.
std::string build_rejection_response(const Rejection& rejection);
// ---- the client's side (4.1, after the request is sent) ----

// An HTTP/1.1 response head: the status line in three parts and the headers.
struct HttpResponseHead {
  std::string version;   // "HTTP/1.1"
  int status = 0;        // 101
  std::string reason;    // "Switching Protocols"
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> header(std::string_view name) const;   // as HttpHead::header
};
// Splits "HTTP/1.1 101 Switching Protocols"; nullopt unless version SP 3-digit status [SP reason].
std::optional<HttpResponseHead> parse_response_line(std::string_view status_line);

// Each way a server's answer fails the client's checks of 4.1 (the client
// MUST _Fail the WebSocket Connection_), with its own value.
enum class ResponseRejection : std::uint8_t {
  not_101,                 // 4.1 (1): any status other than 101 ends the handshake
  upgrade_not_websocket,   // 4.1 (2): Upgrade must be "websocket" (any case)
  connection_no_upgrade,   // 4.1 (3): Connection must hold the "Upgrade" token
  accept_mismatch,         // 4.1 (4): Sec-WebSocket-Accept missing or not base64(SHA-1(key + GUID))
  extension_not_offered,   // 4.1 (5): an extension the client did not ask for
  protocol_not_offered,    // 4.1 (6): a subprotocol the client did not offer
};
struct ResponseVerdict {
  std::optional<ResponseRejection> why;   // nullopt: the connection is open
  std::string rule;                       // "RFC 6455 4.1"
  std::string reason;
  std::string protocol;                   // ok: the chosen subprotocol, "" for none
  std::vector<Extension> extensions;      // ok: the accepted extensions
  bool ok() const { return !why.has_value(); }
};
// The client's checks of 4.1 on the server's response to a request sent with
// sec_websocket_key, offering these subprotocols and extension names.
ResponseVerdict validate_upgrade_response(const HttpResponseHead& head, std::string_view sec_websocket_key,
                                          const std::vector<std::string>& offered_protocols = {},
                                          const std::vector<std::string>& offered_extensions = {});

// 4.1: a client's upgrade request (key: 16 random bytes, base64).
std::string build_upgrade_request(std::string_view host, std::string_view target, std::string_view sec_websocket_key,
                                  std::string_view protocols = {}, std::string_view extensions = {});

}  // namespace wire
