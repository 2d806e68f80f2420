// The opening handshake (RFC 6455 4.1-4.2): Sec-WebSocket-Accept, the
// server's checks of 4.2.1, its responses, and the header lists of 9.1/11.3.
#include "wire/handshake.h"

#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

#include "http_message.h"
#include "wire/base64.h"

namespace wire {

// ---- SHA-1 and the accept value -----------------------------------------------

std::array<std::uint8_t, 20> sha1(std::span<const std::uint8_t> bytes) {
  std::array<std::uint8_t, 20> out{};
  unsigned int len = 0;
  // EVP_Digest does init/update/final in one call; it fails only on a broken OpenSSL.
  if (EVP_Digest(bytes.data(), bytes.size(), out.data(), &len, EVP_sha1(), nullptr) != 1 || len != out.size())
    throw std::runtime_error("OpenSSL EVP_Digest(SHA-1) failed");
  return out;
}

std::array<std::uint8_t, 20> sha1(std::string_view text) {
  return sha1(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

// 4.2.2 (5.4): the key (as sent, without decoding) + the GUID, SHA-1, base64.
std::string sec_websocket_accept(std::string_view key) {
  std::string joined(key);
  joined += kWebSocketGuid;
  return base64_encode(sha1(joined));
}

// ---- header lists; the token and OWS helpers are the HTTP parser's (http_message.h) ----

namespace {

using detail::iequals;
using detail::is_token;
using detail::trim_ows;

// Splits a #list on commas (outside quoted strings), trimmed, empty elements dropped (RFC 7230 7).
std::vector<std::string_view> split_list(std::string_view value, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    if (i < value.size()) {
      const char c = value[i];
      if (quoted && c == '\\') {
        ++i;
        continue;
      }
      if (c == '"') quoted = !quoted;
      if (quoted || c != sep) continue;
    }
    auto item = trim_ows(value.substr(start, i - start));
    if (!item.empty() || sep == ';') out.push_back(item);
    start = i + 1;
  }
  return out;
}

bool list_has_token(std::string_view value, std::string_view token) {
  for (auto item : split_list(value, ','))
    if (iequals(item, token)) return true;
  return false;
}

}  // namespace

namespace {
std::optional<std::string> joined_header(const std::vector<std::pair<std::string, std::string>>& headers,
                                       std::string_view name) {
  std::optional<std::string> out;
  for (const auto& [n, v] : headers) {
    if (!iequals(n, name)) continue;
    if (out) *out += ", ";
    else out.emplace();
    *out += trim_ows(v);
  }
  return out;
}
}  // namespace

std::optional<std::string> HttpHead::header(std::string_view name) const { return joined_header(headers, name); }

std::optional<std::string> HttpResponseHead::header(std::string_view name) const {
  return joined_header(headers, name);
}

std::optional<HttpResponseHead> parse_response_line(std::string_view status_line) {
  const auto sp1 = status_line.find(' ');
  if (sp1 == std::string_view::npos || sp1 == 0) return std::nullopt;
  const auto code = status_line.substr(sp1 + 1, 3);
  if (code.size() != 3 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  const auto rest = status_line.substr(sp1 + 4);
  if (!rest.empty() && rest.front() != ' ') return std::nullopt;
  HttpResponseHead h;
  h.version = status_line.substr(0, sp1);
  h.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  h.reason = rest.empty() ? std::string() : std::string(rest.substr(1));
  return h;
}

std::optional<HttpHead> parse_request_line(std::string_view start_line) {
  const auto sp1 = start_line.find(' ');
  if (sp1 == std::string_view::npos) return std::nullopt;
  const auto sp2 = start_line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || start_line.find(' ', sp2 + 1) != std::string_view::npos) return std::nullopt;
  HttpHead h;
  h.method = start_line.substr(0, sp1);
  h.target = start_line.substr(sp1 + 1, sp2 - sp1 - 1);
  h.version = start_line.substr(sp2 + 1);
  if (h.method.empty() || h.target.empty() || h.version.empty()) return std::nullopt;
  return h;
}

// ---- Sec-WebSocket-Protocol / Sec-WebSocket-Extensions ------------------------------

Result<std::vector<std::string>> parse_protocol_list(std::string_view value) {
  std::vector<std::string> out;
  std::size_t offset = 0;
  for (auto item : split_list(value, ',')) {
    // 4.1: each subprotocol is a token (RFC 7230 3.2.6).
    if (!is_token(item)) {
      offset = static_cast<std::size_t>(item.data() - value.data());
      return Error{"RFC 6455 4.1", "Sec-WebSocket-Protocol must be a comma-separated list of tokens; \"" +
                                       std::string(item) + "\" is not a token",
                   offset};
    }
    out.emplace_back(item);
  }
  return out;
}

Result<std::vector<Extension>> parse_extension_list(std::string_view value) {
  std::vector<Extension> out;
  for (auto item : split_list(value, ',')) {
    const auto item_offset = static_cast<std::size_t>(item.data() - value.data());
    auto parts = split_list(item, ';');
    Extension ext;
    // 9.1: extension-token first.
    if (parts.empty() || !is_token(parts[0]))
      return Error{"RFC 6455 9.1", "an extension must start with its name (a token)", item_offset};
    ext.name = parts[0];
    for (std::size_t i = 1; i < parts.size(); ++i) {
      const auto part = parts[i];
      const auto at = static_cast<std::size_t>(part.data() - value.data());
      ExtensionParam p;
      const auto eq = part.find('=');
      const auto name = trim_ows(part.substr(0, eq));
      // 9.1: extension-param = token [ "=" (token | quoted-string) ]
      if (!is_token(name)) return Error{"RFC 6455 9.1", "an extension parameter name must be a token", at};
      p.name = name;
      if (eq != std::string_view::npos) {
        auto v = trim_ows(part.substr(eq + 1));
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
          std::string unq;
          for (std::size_t j = 1; j + 1 < v.size(); ++j) {
            if (v[j] == '\\' && j + 2 < v.size()) ++j;
            unq += v[j];
          }
          // 9.1: a quoted value must still be a token once unquoted.
          if (!is_token(unq))
            return Error{"RFC 6455 9.1", "a quoted extension parameter value must be a token once unquoted", at};
          p.value = unq;
        } else if (is_token(v)) {
          p.value = std::string(v);
        } else {
          return Error{"RFC 6455 9.1", "an extension parameter value must be a token or a quoted string", at};
        }
      }
      ext.params.push_back(std::move(p));
    }
    out.push_back(std::move(ext));
  }
  return out;
}

std::string format_extension_list(const std::vector<Extension>& extensions) {
  std::string out;
  for (const auto& e : extensions) {
    if (!out.empty()) out += ", ";
    out += e.name;
    for (const auto& p : e.params) {
      out += "; " + p.name;
      if (p.value) out += "=" + *p.value;
    }
  }
  return out;
}

// ---- the server's checks (4.2.1) ------------------------------------------------

const char* upgrade_rejection_name(UpgradeRejection why) {
  switch (why) {
    case UpgradeRejection::not_get: return "not_get";
    case UpgradeRejection::not_http_1_1: return "not_http_1_1";
    case UpgradeRejection::no_host: return "no_host";
    case UpgradeRejection::upgrade_not_websocket: return "upgrade_not_websocket";
    case UpgradeRejection::connection_no_upgrade: return "connection_no_upgrade";
    case UpgradeRejection::key_missing: return "key_missing";
    case UpgradeRejection::key_invalid: return "key_invalid";
    case UpgradeRejection::version_missing: return "version_missing";
    case UpgradeRejection::version_not_13: return "version_not_13";
    case UpgradeRejection::bad_protocol_list: return "bad_protocol_list";
    case UpgradeRejection::bad_extension_list: return "bad_extension_list";
  }
  return "?";
}

Rejection make_rejection(UpgradeRejection why) {
  const std::string r = "RFC 6455 4.2.1";
  switch (why) {
    case UpgradeRejection::not_get:
      return {why, 400, r, "the opening handshake must be a GET request"};
    case UpgradeRejection::not_http_1_1:
      return {why, 400, r, "the opening handshake must be HTTP/1.1 or higher"};
    case UpgradeRejection::no_host:
      return {why, 400, r, "the request must have a Host header field"};
    case UpgradeRejection::upgrade_not_websocket:
      return {why, 400, r, "the request must have an Upgrade header field containing \"websocket\""};
    case UpgradeRejection::connection_no_upgrade:
      return {why, 400, r, "the Connection header field must include the \"Upgrade\" token"};
    case UpgradeRejection::key_missing:
      return {why, 400, r, "the request must have a Sec-WebSocket-Key header field"};
    case UpgradeRejection::key_invalid:
      return {why, 400, r, "Sec-WebSocket-Key must be the base64 encoding of 16 bytes (24 characters)"};
    case UpgradeRejection::version_missing:
      return {why, 426, "RFC 6455 4.2.2", "the request must have Sec-WebSocket-Version: 13"};
    case UpgradeRejection::version_not_13:
      return {why, 426, "RFC 6455 4.2.2", "this server speaks only Sec-WebSocket-Version 13"};
    case UpgradeRejection::bad_protocol_list:
      return {why, 400, "RFC 6455 4.1", "Sec-WebSocket-Protocol must be a comma-separated list of tokens"};
    case UpgradeRejection::bad_extension_list:
      return {why, 400, "RFC 6455 9.1", "Sec-WebSocket-Extensions does not parse as an extension list"};
  }
  return {why, 400, r, "bad upgrade request"};
}

namespace {
// "HTTP/1.1", "HTTP/1.2", "HTTP/2.0": HTTP/x.y with (x, y) >= (1, 1).
bool is_http_1_1_or_higher(std::string_view v) {
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || v[6] != '.') return false;
  const char major = v[5], minor = v[7];
  if (major < '0' || major > '9' || minor < '0' || minor > '9') return false;
  return major > '1' || (major == '1' && minor >= '1');
}
}  // namespace

UpgradeVerdict validate_upgrade_request(const HttpHead& head) {
  UpgradeVerdict v;
  auto reject = [&](UpgradeRejection why) {
    v.rejection = make_rejection(why);
    return v;
  };
  // 4.2.1 (1): an HTTP/1.1 or higher GET request.
  if (head.method != "GET") return reject(UpgradeRejection::not_get);
  if (!is_http_1_1_or_higher(head.version)) return reject(UpgradeRejection::not_http_1_1);
  // 4.2.1 (2): a Host header field.
  const auto host = head.header("Host");
  if (!host || host->empty()) return reject(UpgradeRejection::no_host);
  // 4.2.1 (3): Upgrade containing "websocket", ASCII case-insensitive.
  const auto upgrade = head.header("Upgrade");
  if (!upgrade || !list_has_token(*upgrade, "websocket")) return reject(UpgradeRejection::upgrade_not_websocket);
  // 4.2.1 (4): Connection including the "Upgrade" token, ASCII case-insensitive.
  const auto connection = head.header("Connection");
  if (!connection || !list_has_token(*connection, "Upgrade")) return reject(UpgradeRejection::connection_no_upgrade);
  // 4.2.1 (5): Sec-WebSocket-Key, base64 that decodes to 16 bytes.
  const auto key = head.header("Sec-WebSocket-Key");
  if (!key || key->empty()) return reject(UpgradeRejection::key_missing);
  const auto decoded = base64_decode(*key);
  if (!decoded || decoded->size() != 16) return reject(UpgradeRejection::key_invalid);
  // 4.2.1 (6): Sec-WebSocket-Version 13; 4.2.2 / 4.4: otherwise 426 naming 13.
  const auto version = head.header("Sec-WebSocket-Version");
  if (!version || version->empty()) return reject(UpgradeRejection::version_missing);
  if (*version != "13") return reject(UpgradeRejection::version_not_13);
  // 4.2.1 (8), (9): optional lists, which must parse when present.
  if (const auto protocols = head.header("Sec-WebSocket-Protocol")) {
    auto parsed = parse_protocol_list(*protocols);
    if (!parsed) return reject(UpgradeRejection::bad_protocol_list);
    v.request.protocols = std::move(parsed).value();
  }
  if (const auto extensions = head.header("Sec-WebSocket-Extensions")) {
    auto parsed = parse_extension_list(*extensions);
    if (!parsed) return reject(UpgradeRejection::bad_extension_list);
    v.request.extensions = std::move(parsed).value();
  }
  v.request.target = head.target;
  v.request.host = *host;
  v.request.origin = head.header("Origin").value_or("");
  v.request.sec_websocket_key = *key;
  return v;
}

// ---- responses and the client's request ---------------------------------------------

std::string build_accept_response(std::string_view sec_websocket_key, std::string_view protocol,
                                  std::string_view extensions) {
  std::string out = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
  out += "Sec-WebSocket-Accept: " + sec_websocket_accept(sec_websocket_key) + "\r\n";
  if (!protocol.empty()) out += "Sec-WebSocket-Protocol: " + std::string(protocol) + "\r\n";
  if (!extensions.empty()) out += "Sec-WebSocket-Extensions: " + std::string(extensions) + "\r\n";
  out += "\r\n";
  return out;
}

std::string build_rejection_response(const Rejection& rejection) {
  const std::string body = rejection.rule + ": " + rejection.reason + "\n";
  std::string out = "HTTP/1.1 " + std::to_string(rejection.status) +
                    (rejection.status == 426 ? " Upgrade Required\r\n" : " Bad Request\r\n");
  // 4.4: tell the client which version this server speaks.
  if (rejection.status == 426) out += "Sec-WebSocket-Version: 13\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "Connection: close\r\n\r\n";
  out += body;
  return out;
}

ResponseVerdict validate_upgrade_response(const HttpResponseHead& head, std::string_view sec_websocket_key,
                                          const std::vector<std::string>& offered_protocols,
                                          const std::vector<std::string>& offered_extensions) {
  ResponseVerdict v;
  auto fail = [&](ResponseRejection why, std::string reason) {
    v.why = why;
    v.rule = "RFC 6455 4.1";
    v.reason = std::move(reason);
    return v;
  };
  // 4.1 (1): a status other than 101 is handled as ordinary HTTP; no WebSocket.
  if (head.status != 101) return fail(ResponseRejection::not_101, "the server answered " + std::to_string(head.status) +
                                                                    ", not 101 Switching Protocols");
  // 4.1 (2): Upgrade: websocket, ASCII case-insensitive.
  const auto upgrade = head.header("Upgrade");
  if (!upgrade || !list_has_token(*upgrade, "websocket"))
    return fail(ResponseRejection::upgrade_not_websocket, "the 101 must have Upgrade: websocket");
  // 4.1 (3): Connection: Upgrade, ASCII case-insensitive.
  const auto connection = head.header("Connection");
  if (!connection || !list_has_token(*connection, "Upgrade"))
    return fail(ResponseRejection::connection_no_upgrade, "the 101 must have Connection: Upgrade");
  // 4.1 (4): Sec-WebSocket-Accept = base64(SHA-1(key + GUID)), compared exactly.
  const auto accept = head.header("Sec-WebSocket-Accept");
  if (!accept || *accept != sec_websocket_accept(sec_websocket_key))
    return fail(ResponseRejection::accept_mismatch, "Sec-WebSocket-Accept must be " +
                                                        sec_websocket_accept(sec_websocket_key) + ", the value for "
                                                        "the key this client sent");
  // 4.1 (5): only extensions the client offered.
  if (const auto ext = head.header("Sec-WebSocket-Extensions")) {
    auto parsed = parse_extension_list(*ext);
    if (!parsed) return fail(ResponseRejection::extension_not_offered, "Sec-WebSocket-Extensions does not parse");
    for (const auto& e : *parsed) {
      if (std::find(offered_extensions.begin(), offered_extensions.end(), e.name) == offered_extensions.end())
        return fail(ResponseRejection::extension_not_offered, "the server chose extension \"" + e.name +
                                                                  "\", which the client did not offer");
    }
    v.extensions = std::move(parsed).value();
  }
  // 4.1 (6): only a subprotocol the client offered (one value).
  if (const auto protocol = head.header("Sec-WebSocket-Protocol")) {
    if (std::find(offered_protocols.begin(), offered_protocols.end(), *protocol) == offered_protocols.end())
      return fail(ResponseRejection::protocol_not_offered, "the server chose subprotocol \"" + *protocol +
                                                               "\", which the client did not offer");
    v.protocol = *protocol;
  }
  return v;
}

std::string build_upgrade_request(std::string_view host, std::string_view target, std::string_view sec_websocket_key,
                                  std::string_view protocols, std::string_view extensions) {
  std::string out = "GET " + std::string(target) + " HTTP/1.1\r\n";
  out += "Host: " + std::string(host) + "\r\n";
  out += "Upgrade: websocket\r\nConnection: Upgrade\r\n";
  out += "Sec-WebSocket-Key: " + std::string(sec_websocket_key) + "\r\n";
  out += "Sec-WebSocket-Version: 13\r\n";
  if (!protocols.empty()) out += "Sec-WebSocket-Protocol: " + std::string(protocols) + "\r\n";
  if (!extensions.empty()) out += "Sec-WebSocket-Extensions: " + std::string(extensions) + "\r\n";
  out += "\r\n";
  return out;
}

}  // namespace wire
