// Close codes (RFC 6455 7.4, IANA "WebSocket Close Code Number Registry") and
// close frame payloads (5.5.1).
#include "wire/close_code.h"

#include "wire/utf8.h"

namespace wire {

namespace {
const char* registered_name(std::uint16_t code) {
  switch (code) {
    case 1000: return "Normal Closure";
    case 1001: return "Going Away";
    case 1002: return "Protocol Error";
    case 1003: return "Unsupported Data";
    case 1004: return "Reserved";
    case 1005: return "No Status Received";
    case 1006: return "Abnormal Closure";
    case 1007: return "Invalid Frame Payload Data";
    case 1008: return "Policy Violation";
    case 1009: return "Message Too Big";
    case 1010: return "Mandatory Extension";
    case 1011: return "Internal Error";
    case 1012: return "Service Restart";
    case 1013: return "Try Again Later";
    case 1014: return "Bad Gateway";
    case 1015: return "TLS Handshake";
    default: return nullptr;
  }
}
}  // namespace

std::string close_code_name(std::uint16_t code) {
  std::string out = std::to_string(code) + " ";
  if (const char* name = registered_name(code)) return out + name;
  if (code >= 3000 && code <= 3999) return out + "(registered, 3000-3999)";
  if (code >= 4000 && code <= 4999) return out + "(private use, 4000-4999)";
  if (code >= 1016 && code <= 2999) return out + "(reserved for the protocol, invalid)";
  return out + "(invalid)";
}

bool is_valid_close_code(std::uint16_t code) {
  // 7.4.1: 1004 is reserved; 1005, 1006 and 1015 MUST NOT be set in a close frame.
  if (code == 1004 || code == 1005 || code == 1006 || code == 1015) return false;
  if (code >= 1000 && code <= 1014) return true;
  // 7.4.2: 3000-3999 registered with IANA, 4000-4999 private use.
  if (code >= 3000 && code <= 4999) return true;
  // 7.4.2: 0-999 are not used; 1016-2999 are reserved for this protocol and its extensions.
  return false;
}

Result<ClosePayload> parse_close_payload(std::span<const std::uint8_t> payload) {
  ClosePayload out;
  if (payload.empty()) return out;   // 5.5.1: the body is optional
  // 5.5.1: if there is a body, its first two bytes MUST be a 2-byte status code.
  if (payload.size() == 1)
    return Error{"RFC 6455 5.5.1", "a close payload of 1 byte: a status code needs 2 bytes", 0};
  const auto code = static_cast<std::uint16_t>((payload[0] << 8) | payload[1]);
  // 7.4.1 / 7.4.2: only codes that may appear on the wire.
  if (!is_valid_close_code(code))
    return Error{"RFC 6455 7.4.1", "close code " + close_code_name(code) + " may not be sent in a close frame", 0};
  // 5.5.1: the rest is a reason in UTF-8 (8.1: invalid UTF-8 fails with 1007).
  const auto reason = payload.subspan(2);
  Utf8Validator v;
  Utf8Check c = v.feed(reason);
  if (c.ok) c = v.finish();
  if (!c.ok) return Error{"RFC 6455 8.1", "the close reason is not valid UTF-8", 2 + c.offset};
  out.code = code;
  out.reason.assign(reason.begin(), reason.end());
  return out;
}

std::uint16_t close_code_for_close_payload_error(const Error& e) {
  return e.rule == "RFC 6455 8.1" ? 1007 : 1002;
}

Bytes encode_close_payload(std::uint16_t code, std::string_view reason) {
  Bytes out;
  out.reserve(2 + reason.size());
  out.push_back(static_cast<std::uint8_t>(code >> 8));
  out.push_back(static_cast<std::uint8_t>(code & 0xFF));
  out.insert(out.end(), reason.begin(), reason.end());
  return out;
}

}  // namespace wire
