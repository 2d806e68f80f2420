// Blanking credentials in HTTP text (credentials.h): same length, in place.
#include "wire/credentials.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <string_view>

#include "http_message.h"
#include "wire/mask.h"

namespace wire {

namespace {

using Text = std::span<std::uint8_t>;

// Fields whose whole value is a credential; the Authorization ones keep their scheme.
struct CredentialField {
  std::string_view name;
  bool keeps_scheme;
};
constexpr std::array<CredentialField, 4> kFields{{
    {"Cookie", false}, {"Set-Cookie", false}, {"Authorization", true}, {"Proxy-Authorization", true}}};

bool is_ows(std::uint8_t c) { return c == ' ' || c == '\t'; }
bool is_id_char(std::uint8_t c) { return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '%' || c == '.'; }

std::string_view view(Text t) { return {reinterpret_cast<const char*>(t.data()), t.size()}; }

// Overwrites [from, to) and counts it; returns what was there.
std::string blank(Text t, std::size_t from, std::size_t to, Blanked& b) {
  if (from >= to) return {};
  std::string was(view(t.subspan(from, to - from)));
  std::fill(t.begin() + static_cast<std::ptrdiff_t>(from), t.begin() + static_cast<std::ptrdiff_t>(to),
            static_cast<std::uint8_t>(kBlank));
  ++b.count;
  return was;
}

void note_session(Blanked& b, std::string id) {
  if (b.session.empty()) b.session = std::move(id);
}

// A field value (OWS already outside [from, to)): the whole value, or all after the scheme.
std::string blank_value(Text t, std::size_t from, std::size_t to, bool keeps_scheme, Blanked& b) {
  while (from < to && is_ows(t[from])) ++from;
  while (to > from && is_ows(t[to - 1])) --to;
  if (keeps_scheme) {   // RFC 9110 11.4: credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
    std::size_t sp = from;
    while (sp < to && t[sp] != ' ') ++sp;
    if (sp < to) from = sp + 1;
  }
  return blank(t, from, to, b);
}

// One line "Name: value" whose name is a credential field.
void blank_field_line(Text line, Blanked& b) {
  const std::string_view s = view(line);
  const auto colon = s.find(':');
  if (colon == std::string_view::npos) return;
  for (const auto& f : kFields) {
    if (detail::iequals(s.substr(0, colon), f.name)) {
      std::string was = blank_value(line, colon + 1, line.size(), f.keeps_scheme, b);
      if (!was.empty()) b.fields.emplace_back(std::string(f.name), std::move(was));
      return;
    }
  }
}

// Names whose value is a session id: the relay's long-poll `session`, and
// Engine.IO's `sid` (Socket.IO's transport: "?EIO=4&transport=polling&sid=ID",
// and the open packet's {"sid":"ID"}), for a server behind --upstream.
constexpr std::array<std::string_view, 2> kSessionNames{"session", "sid"};

// "?NAME=ID" / "&NAME=ID" and "NAME":"ID" (JSON, OWS around the colon).
void blank_sessions(Text t, std::string_view name, Blanked& b) {
  const std::string_view s = view(t);
  for (std::size_t at = s.find(name); at != std::string_view::npos; at = s.find(name, at + 1)) {
    const std::size_t end = at + name.size();
    if (at > 0 && (s[at - 1] == '?' || s[at - 1] == '&') && end < s.size() && s[end] == '=') {
      std::size_t stop = end + 1;
      while (stop < s.size() && is_id_char(t[stop])) ++stop;
      note_session(b, blank(t, end + 1, stop, b));
    } else if (at > 0 && s[at - 1] == '"' && end < s.size() && s[end] == '"') {
      std::size_t i = end + 1;
      while (i < s.size() && is_ows(t[i])) ++i;
      if (i >= s.size() || s[i] != ':') continue;
      ++i;
      while (i < s.size() && is_ows(t[i])) ++i;
      if (i >= s.size() || s[i] != '"') continue;
      const std::size_t close = s.find('"', i + 1);
      if (close == std::string_view::npos) continue;
      note_session(b, blank(t, i + 1, close, b));
    }
  }
}

void blank_sessions(Text t, Blanked& b) {
  for (std::string_view name : kSessionNames) blank_sessions(t, name, b);
}

Text as_text(std::string& s) { return {reinterpret_cast<std::uint8_t*>(s.data()), s.size()}; }

}  // namespace

Blanked blank_credentials(Text text) {
  Blanked b;
  for (std::size_t start = 0; start < text.size();) {
    const auto* lf = static_cast<const std::uint8_t*>(std::memchr(text.data() + start, '\n', text.size() - start));
    const std::size_t end = lf ? static_cast<std::size_t>(lf - text.data()) : text.size();
    std::size_t line_end = end;
    if (line_end > start && text[line_end - 1] == '\r') --line_end;
    blank_field_line(text.subspan(start, line_end - start), b);
    start = end + 1;
  }
  blank_sessions(text, b);
  return b;
}

Blanked blank_credentials(Http& message) {
  Blanked b = blank_credentials(Text(message.bytes));
  Blanked fields;   // the parsed copies get the same treatment (counted once, in the bytes)
  blank_sessions(as_text(message.start_line), fields);
  for (auto& [name, value] : message.headers) {
    bool credential = false;
    for (const auto& f : kFields) {
      if (detail::iequals(name, f.name)) {
        blank_value(as_text(value), 0, value.size(), f.keeps_scheme, fields);
        credential = true;
      }
    }
    if (!credential) blank_sessions(as_text(value), fields);
  }
  if (b.session.empty()) b.session = std::move(fields.session);
  return b;
}

Blanked blank_credentials(Raw& unit) { return blank_credentials(Text(unit.bytes)); }

Blanked blank_credentials(Frame& frame) {
  Blanked b;
  if (frame.payload.empty()) return b;
  MaskingKey key{};
  if (frame.mask_key) {
    const std::uint32_t k = *frame.mask_key;
    key = {static_cast<std::uint8_t>(k >> 24), static_cast<std::uint8_t>(k >> 16), static_cast<std::uint8_t>(k >> 8),
           static_cast<std::uint8_t>(k)};
    apply_mask(frame.payload, key);   // RFC 6455 5.3: XOR, so the same call masks it again below
  }
  blank_sessions(Text(frame.payload), b);
  if (frame.mask_key) apply_mask(frame.payload, key);
  return b;
}

}  // namespace wire
