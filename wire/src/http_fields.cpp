// The small HTTP/1.1 parsers (RFC 9112 3-5, RFC 9110 5.6): start lines,
// field lines and token lists. Lenient only where RFC 9112 allows it.
#include <algorithm>
#include <cctype>

#include "http_message.h"
#include "wire/http.h"

namespace wire {

namespace {


// RFC 9112 2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT
bool is_http_version(std::string_view s) {
  return s.size() == 8 && s.substr(0, 5) == "HTTP/" && std::isdigit(static_cast<unsigned char>(s[5])) &&
         s[6] == '.' && std::isdigit(static_cast<unsigned char>(s[7]));
}


}  // namespace

namespace detail {
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 9110 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
bool is_tchar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (std::isalnum(u)) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}
bool is_token(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar); }
}  // namespace detail

using detail::iequals;
using detail::is_token;
using detail::trim_ows;

bool is_request_line(std::string_view line) {
  // RFC 9112 3: request-line = method SP request-target SP HTTP-version
  const auto r = parse_request_line(line);
  if (!r || !is_token(r->method) || !is_http_version(r->version)) return false;
  // RFC 9112 3.2: the request-target holds no whitespace or control characters.
  for (char c : r->target) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return false;
  }
  return true;
}

std::optional<HttpHead> request_head(const Http& unit) {
  if (unit.dir != Direction::c2s) return std::nullopt;
  auto head = parse_request_line(unit.start_line);
  if (head) head->headers = unit.headers;
  return head;
}

std::size_t head_length(const Http& unit) {
  if (!unit.truncated && unit.bytes.size() >= unit.body_len) {
    return unit.bytes.size() - static_cast<std::size_t>(unit.body_len);
  }
  static constexpr std::string_view crlfcrlf = "\r\n\r\n";
  const auto it = std::search(unit.bytes.begin(), unit.bytes.end(), crlfcrlf.begin(), crlfcrlf.end());
  return it == unit.bytes.end() ? unit.bytes.size() : static_cast<std::size_t>(it - unit.bytes.begin()) + 4;
}

bool reparse_head(Http& unit) {
  const std::string_view bytes(reinterpret_cast<const char*>(unit.bytes.data()), head_length(unit));
  std::size_t at = bytes.find("\r\n");
  if (at == std::string_view::npos) return false;
  std::string start_line(bytes.substr(0, at));
  HttpHeaders headers;
  for (at += 2; at < bytes.size();) {
    const std::size_t end = bytes.find("\r\n", at);
    if (end == std::string_view::npos) return false;
    if (end == at) break;   // the empty line: the head's end
    auto field = parse_field_line(bytes.substr(at, end - at));
    if (!field) return false;
    headers.push_back(std::move(*field));
    at = end + 2;
  }
  unit.start_line = std::move(start_line);
  unit.headers = std::move(headers);
  return true;
}

std::optional<StatusLine> parse_status_line(std::string_view line) {
  // RFC 9112 4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
  if (line.size() < 12 || !is_http_version(line.substr(0, 8)) || line[8] != ' ') return std::nullopt;
  int status = 0;
  for (std::size_t i = 9; i < 12; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(line[i]))) return std::nullopt;
    status = status * 10 + (line[i] - '0');
  }
  if (status < 100) return std::nullopt;
  // The SP before an empty reason is sometimes left out; RFC 9112 4 asks
  // recipients to accept an empty reason, so accept both.
  if (line.size() > 12 && line[12] != ' ') return std::nullopt;
  StatusLine s{std::string(line.substr(0, 8)), status, line.size() > 13 ? std::string(line.substr(13)) : ""};
  for (char c : s.reason) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7F) return std::nullopt;
  }
  return s;
}

std::optional<std::pair<std::string, std::string>> parse_field_line(std::string_view line) {
  // RFC 9112 5: field-line = field-name ":" OWS field-value OWS
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  // RFC 9112 5.1: no whitespace is allowed between the field name and the colon.
  const std::string_view name = line.substr(0, colon);
  if (!is_token(name)) return std::nullopt;
  const std::string_view value = trim_ows(line.substr(colon + 1));
  // RFC 9110 5.5: field values hold no CR, LF or NUL.
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return std::nullopt;
  }
  return std::make_pair(std::string(name), std::string(value));
}

std::optional<std::string> find_header(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return std::nullopt;
}

bool header_has_token(const HttpHeaders& headers, std::string_view name, std::string_view token) {
  for (const auto& [n, v] : headers) {
    if (!iequals(n, name)) continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      std::string_view item = trim_ows(rest.substr(0, comma));
      // Parameters (";q=..") are not part of the token.
      item = trim_ows(item.substr(0, item.find(';')));
      if (iequals(item, token)) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

}  // namespace wire
