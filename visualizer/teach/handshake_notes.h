// The Upgrade scene's teaching content (RFC 6455 4.1, 4.2): what every header
// of the real request and response does and which section says so; the
// Sec-WebSocket-Accept derivation step by step (key + GUID -> SHA-1 ->
// base64) computed with wire's own functions and checked against the
// response; and, for a failed upgrade (400/426), which rule the request broke
// (wire::validate_upgrade_request says which).
// Pure: no ImGui; tested in tests/visualizer/teach_handshake_test.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wire/events.h"
#include "wire/handshake.h"

namespace viz::teach {

struct HeaderNote {
  const char* what = "";    // one sentence for the room
  const char* rfc = "";     // "RFC 6455 4.1 (7)"; "" for headers outside the handshake
  bool handshake = false;   // part of the WebSocket opening handshake
};

// By name, ASCII case-insensitive; dir tells a request's header from a
// response's (Sec-WebSocket-Protocol offers vs chooses), and a response's
// status a 101 from a refusal. Unknown names get "not part of the handshake".
HeaderNote header_note(std::string_view name, wire::Direction dir, int status = 101);
// The request line or status line: "GET /chat HTTP/1.1", "HTTP/1.1 101 ...".
HeaderNote start_line_note(std::string_view start_line, wire::Direction dir);

// 4.2.2 (5.4) / 1.3: Sec-WebSocket-Accept = base64(SHA-1(key + GUID)).
struct AcceptDerivation {
  enum class Verdict : std::uint8_t {
    match,          // the response's Sec-WebSocket-Accept equals ours ✓
    mismatch,       // it differs ✗ (a client MUST fail the connection, 4.1)
    no_response,    // no 101 seen (yet), or no Sec-WebSocket-Accept in it
    no_key,         // the request had no Sec-WebSocket-Key
  };
  std::string key;                         // Sec-WebSocket-Key as sent
  std::string concatenated;                // key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
  std::array<std::uint8_t, 20> sha1{};     // SHA-1 of the concatenation
  std::string sha1_hex;                    // "b3 7a 4f 2c ..." (20 bytes, spaced)
  std::string accept;                      // base64 of the 20 bytes: what the server must send
  std::string response_accept;             // what the server did send ("" when absent)
  Verdict verdict = Verdict::no_key;
};
AcceptDerivation derive_accept(std::optional<std::string_view> key, std::optional<std::string_view> response_accept);

// The value of the first header with this name (case-insensitive), if any.
std::optional<std::string> find_header(const std::vector<std::pair<std::string, std::string>>& headers,
                                       std::string_view name);
// "HTTP/1.1 426 Upgrade Required" -> 426; 0 when it is not a status line.
int status_code(std::string_view status_line);

// The Upgrade scene's headline for a request and its answer (nullptr: none yet): "→ 101: now WebSocket",
// "→ 101, but the Accept is wrong" (a server behind --upstream can send one; 4.1: the client must fail
// it), "→ 426: upgrade refused", "→ no answer yet". `good` only for a 101 with the right Accept.
struct UpgradeVerdict {
  std::string text;
  bool good = false;
  bool answered = false;
};
UpgradeVerdict upgrade_verdict(const wire::Http& request, const wire::Http* response);

// Why an upgrade failed, for the room.
struct FailureExplanation {
  int status = 0;              // 400, 426, or what the server sent
  std::string rule;            // "RFC 6455 4.2.1 (6)"
  std::string what_was_wrong;  // the request's broken rule, from wire's validator
  std::string what_to_do;      // e.g. "send Sec-WebSocket-Version: 13" (from the 426's own header)
};
// request_start_line/headers: the GET as sent; response: the non-101 answer.
FailureExplanation explain_failed_upgrade(const wire::Http& request, const wire::Http& response);

}  // namespace viz::teach
