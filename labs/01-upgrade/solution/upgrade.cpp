// Lab 1 reference solution: parse the request head, check the upgrade, answer it.
#include "upgrade.h"

#include <openssl/sha.h>

#include <cctype>

namespace ws {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

ParseResult invalid(std::string why) {
  ParseResult r;
  r.status = ParseStatus::invalid;
  r.error = std::move(why);
  return r;
}

// "HTTP/" DIGIT "." DIGIT (RFC 7230 2.6)
bool is_http_version(std::string_view v) {
  return v.size() == 8 && v.substr(0, 5) == "HTTP/" && std::isdigit(static_cast<unsigned char>(v[5])) &&
         v[6] == '.' && std::isdigit(static_cast<unsigned char>(v[7]));
}

bool is_base64_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
}

// 4.2.1 item 5: the key is base64 of 16 bytes, so 22 characters and "==".
bool is_valid_key(std::string_view key) {
  if (key.size() != 24 || key.substr(22) != "==") return false;
  for (char c : key.substr(0, 22)) {
    if (!is_base64_char(c)) return false;
  }
  return true;
}

Response bad_request() { return Response{400, "Bad Request", {}}; }

}  // namespace

ParseResult parse_request(std::string_view bytes) {
  std::size_t end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (bytes.size() > max_head_len) return invalid("request head longer than 8192 bytes");
    return ParseResult{};  // need_more
  }
  if (end + 4 > max_head_len) return invalid("request head longer than 8192 bytes");

  ParseResult result;
  std::string_view head = bytes.substr(0, end + 2);  // every line ends in "\r\n"
  std::size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);

  // RFC 7230 3.1.1: request-line = method SP request-target SP HTTP-version CRLF
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return invalid("request-line is not: method SP target SP version");
  }
  Request& req = result.request;
  req.method = line.substr(0, sp1);
  req.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  req.version = line.substr(sp2 + 1);
  if (req.method.empty() || req.target.empty()) return invalid("empty method or request-target");
  if (!is_http_version(req.version)) return invalid("bad HTTP-version");

  // RFC 7230 3.2: header-field = field-name ":" OWS field-value OWS
  std::size_t pos = eol + 2;
  while (pos < head.size()) {
    eol = head.find("\r\n", pos);
    line = head.substr(pos, eol - pos);
    pos = eol + 2;
    if (is_space(line.front())) return invalid("obs-fold: a header line starts with whitespace");
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return invalid("header line without a colon");
    std::string_view name = line.substr(0, colon);
    if (name.empty()) return invalid("empty header name");
    // 3.2.4: no whitespace is allowed between the header field-name and colon
    if (is_space(name.back())) return invalid("whitespace before the colon");
    req.headers.push_back(Header{std::string(name), std::string(trim(line.substr(colon + 1)))});
  }
  result.status = ParseStatus::complete;
  result.head_len = end + 4;
  return result;
}

std::optional<std::string> find_header(const Request& request, std::string_view name) {
  for (const Header& h : request.headers) {
    if (equals_ignore_case(h.name, name)) return h.value;
  }
  return std::nullopt;
}

bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    std::size_t comma = value.find(',');
    if (equals_ignore_case(trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  // Every 3 bytes (24 bits) become 4 characters of 6 bits each.
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t n = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  // RFC 4648 4: 1 byte left -> 2 characters and "=="; 2 bytes left -> 3 characters and "=".
  std::size_t left = bytes.size() - i;
  if (left == 1) {
    std::uint32_t n = std::uint32_t{bytes[i]} << 16;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += "==";
  } else if (left == 2) {
    std::uint32_t n = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string sec_websocket_accept(std::string_view sec_websocket_key) {
  std::string text = std::string(sec_websocket_key) + std::string(websocket_guid);
  std::uint8_t digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return base64_encode(digest);
}

Response answer_upgrade(const Request& request) {
  // 4.2.1 item 1: "An HTTP/1.1 or higher GET request"
  if (request.method != "GET" || request.version != "HTTP/1.1") return bad_request();
  // item 2: a Host header field
  if (!find_header(request, "Host")) return bad_request();
  // item 3: an Upgrade header field containing "websocket"
  auto upgrade = find_header(request, "Upgrade");
  if (!upgrade || !has_token(*upgrade, "websocket")) return bad_request();
  // item 4: a Connection header field that includes the token "Upgrade"
  auto connection = find_header(request, "Connection");
  if (!connection || !has_token(*connection, "Upgrade")) return bad_request();
  // item 6 and 4.4: a version other than 13 gets 426 and the version we speak
  auto version = find_header(request, "Sec-WebSocket-Version");
  if (!version || *version != "13") {
    return Response{426, "Upgrade Required", {{"Sec-WebSocket-Version", "13"}}};
  }
  // item 5: Sec-WebSocket-Key, base64 of 16 bytes
  auto key = find_header(request, "Sec-WebSocket-Key");
  if (!key || !is_valid_key(*key)) return bad_request();

  return Response{101, "Switching Protocols",
                  {{"Upgrade", "websocket"},
                   {"Connection", "Upgrade"},
                   {"Sec-WebSocket-Accept", sec_websocket_accept(*key)}}};
}

std::string serialize_response(const Response& response) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + response.reason + "\r\n";
  for (const Header& h : response.headers) out += h.name + ": " + h.value + "\r\n";
  out += "\r\n";
  return out;
}

}  // namespace ws
