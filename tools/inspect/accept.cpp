// wirelab-inspect accept KEY: the server's Sec-WebSocket-Accept for a client's
// Sec-WebSocket-Key (RFC 6455 4.2.2), step by step with --explain.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "text.h"
#include "wire/base64.h"
#include "wire/handshake.h"

namespace inspect {

int run_accept(const AcceptOptions& o, std::ostream& out, std::ostream& err) {
  const std::string joined = o.key + std::string(wire::kWebSocketGuid);
  const auto digest = wire::sha1(joined);
  const std::string accept = wire::base64_encode(digest);
  const auto decoded = wire::base64_decode(o.key);
  const bool key_ok = decoded && decoded->size() == 16;   // 4.1: base64 of 16 random bytes

  if (o.json) {
    nlohmann::json j = {{"sec_websocket_key", o.key},
                        {"guid", std::string(wire::kWebSocketGuid)},
                        {"key_plus_guid", joined},
                        {"sha1_hex", hex_compact(digest)},
                        {"sec_websocket_accept", accept},
                        {"key_is_16_bytes_base64", key_ok}};
    out << j.dump(2) << "\n";
    return key_ok ? kOk : kBrokenRule;
  }
  if (!o.explain) {
    out << accept << "\n";
    if (!key_ok)
      err << "note: \"" << o.key << "\" is not the base64 of 16 bytes; a server must answer 400 (RFC 6455 4.2.1)\n";
    return key_ok ? kOk : kBrokenRule;
  }
  fmt::print(out, "Sec-WebSocket-Accept for Sec-WebSocket-Key: {}   (RFC 6455 4.2.2)\n\n", o.key);
  fmt::print(out, "1. key + GUID (the key as sent, not decoded; the GUID is fixed by RFC 6455 1.3):\n   {}\n\n",
             joined);
  fmt::print(out, "2. SHA-1 of those {} ASCII bytes (20 bytes):\n   {}\n\n", joined.size(), hex_spaced(digest));
  fmt::print(out, "3. base64 of the 20 SHA-1 bytes (not of the hex text):\n   {}\n\n", accept);
  fmt::print(out, "The server sends:  Sec-WebSocket-Accept: {}\n", accept);
  if (key_ok)
    fmt::print(out, "The key decodes to 16 bytes ({}), as RFC 6455 4.1 requires.\n", hex_spaced(*decoded));
  else
    fmt::print(out,
               "Warning: the key does not decode to 16 bytes, so a server must reject the handshake with 400 "
               "(RFC 6455 4.2.1).\n");
  return key_ok ? kOk : kBrokenRule;
}

}  // namespace inspect
