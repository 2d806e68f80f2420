// Descriptions built from the decoded fields (never re-parsing bytes).
#include "model/describe.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "wire/close_code.h"
#include "wire/tls_record.h"

namespace viz {

std::string preview_text(const wire::Bytes& bytes, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0, i = 0;
  while (i < bytes.size()) {
    if (chars == max_chars) return out + "…";
    const std::uint8_t b = bytes[i];
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    bool valid = len > 0 && i + len <= bytes.size();
    for (std::size_t k = 1; valid && k < len; ++k) valid = (bytes[i + k] & 0xC0) == 0x80;
    if (!valid) {
      out += "\xEF\xBF\xBD";   // U+FFFD
      ++i;
    } else if (len == 1 && (b < 0x20 || b == 0x7F)) {
      out += "\xC2\xB7";       // a middle dot for control bytes
      ++i;
    } else {
      out.append(reinterpret_cast<const char*>(&bytes[i]), len);
      i += len;
    }
    ++chars;
  }
  return out;
}

namespace {

using Json = nlohmann::json;

// One chat message's words: its type, then what it carries.
std::optional<std::string> message_words(const Json& m, std::size_t max_chars) {
  if (!m.is_object()) return std::nullopt;
  const auto type = m.find("type");
  if (type == m.end() || !type->is_string()) return std::nullopt;
  std::string s = type->get<std::string>();
  const auto str = [&](const char* key) -> std::string {
    const auto it = m.find(key);
    return it != m.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (const std::string text = str("text"); !text.empty()) {
    s += " “" + preview_text(wire::Bytes(text.begin(), text.end()), max_chars) + "”";
  } else if (const auto on = m.find("on"); on != m.end() && on->is_boolean()) {
    s += on->get<bool>() ? " on" : " off";
  } else {
    for (const char* key : {"you", "peer", "who", "room", "code"}) {
      if (std::string v = str(key); !v.empty()) {
        s += ' ';
        s += v;
        break;
      }
    }
  }
  return s;
}

std::string status_of(const std::string& start_line) {
  // "HTTP/1.1 101 Switching Protocols" -> "101 Switching Protocols"
  auto sp = start_line.find(' ');
  return sp == std::string::npos ? start_line : start_line.substr(sp + 1);
}

std::string request_of(const std::string& start_line, bool short_form) {
  // "GET /chat HTTP/1.1" -> "GET /chat"
  auto sp = start_line.rfind(' ');
  std::string s = sp == std::string::npos ? start_line : start_line.substr(0, sp);
  if (short_form) {
    auto q = s.find('?');
    if (q != std::string::npos) s = s.substr(0, q) + "?…";
  }
  return s;
}

std::string close_text(const Entry& e) {
  const auto& p = e.payload_clear;
  if (p.size() < 2) return "close (no code)";
  const auto code = static_cast<std::uint16_t>((p[0] << 8) | p[1]);
  return "close " + wire::close_code_name(code);
}

}  // namespace

std::string shown_header_value(const wire::Http& h, const std::string& name, const std::string& value,
                               std::size_t& credential) {
  const auto same_name = [](std::string_view a, std::string_view b) {   // field names: case-insensitive
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  };
  if (credential >= h.credentials.size() || !same_name(name, h.credentials[credential].first)) return value;
  const std::string& label = h.credentials[credential++].second;
  const auto stars = value.find(std::string(1, '*'));
  if (stars == std::string::npos) return value;
  const std::size_t blanked = value.size() - stars;
  return value.substr(0, stars) + "[" + label + ": " + std::to_string(blanked) + (blanked == 1 ? " byte]" : " bytes]");
}

std::string describe(const Entry& e, std::size_t max_preview) {
  char buf[160];
  const auto& body = e.event.body;
  if (const auto* h = e.http()) {
    std::string s = h->dir == wire::Direction::c2s ? request_of(h->start_line, false) : status_of(h->start_line);
    if (!h->session.empty()) s += " · " + h->session;   // the long-poll id itself is blanked
    if (h->body_len > 0) {
      std::snprintf(buf, sizeof buf, " · %llu B body", static_cast<unsigned long long>(h->body_len));
      s += buf;
    }
    if (!e.engineio.empty()) s += " · " + e.engineio;
    return s;
  }
  if (const auto* f = e.frame()) {
    const auto op = static_cast<wire::Opcode>(f->opcode & 0x0F);
    std::string s;
    if (op == wire::Opcode::close) {
      s = close_text(e);
    } else {
      s = wire::opcode_name(op);
      if (op == wire::Opcode::continuation) s += std::string(" (") + wire::opcode_name(e.message_opcode) + ")";
    }
    if (!f->fin) s += " FIN=0";
    if (f->rsv & 0x4) s += " · compressed";
    std::snprintf(buf, sizeof buf, " · %llu B", static_cast<unsigned long long>(f->payload_len));
    s += buf;
    s += f->masked ? " · masked" : (f->dir == wire::Direction::c2s ? " · UNMASKED" : "");
    if (!e.engineio.empty()) {
      s += " · " + e.engineio;   // a Socket.IO app's packet, in its words
    } else if (e.message_opcode == wire::Opcode::text && op != wire::Opcode::close) {
      const wire::Bytes& shown = e.inflated ? *e.inflated : e.payload_clear;
      if (!(f->rsv & 0x4) || e.inflated) {
        // A whole chat message: its words, not its JSON (the search still finds them).
        const std::string_view json(reinterpret_cast<const char*>(shown.data()), shown.size());
        const auto words = f->fin && op != wire::Opcode::continuation && !f->truncated ? chat_words(json, max_preview)
                                                                                        : std::nullopt;
        s += words ? " · " + *words : " “" + preview_text(shown, max_preview) + "”";
      }
    }
    return s;
  }
  if (const auto* v = std::get_if<wire::Violation>(&body)) return "⚠ " + v->rule + " → " + v->action;
  if (const auto* r = std::get_if<wire::Raw>(&body)) {
    std::snprintf(buf, sizeof buf, "raw %zu B: ", r->bytes.size());
    return buf + r->why;
  }
  if (const auto* o = std::get_if<wire::Open>(&body)) {
    std::snprintf(buf, sizeof buf, "#%llu opened (%s)", static_cast<unsigned long long>(o->conn),
                  o->transport == wire::Transport::tls ? "TLS" : "TCP");
    return buf;
  }
  if (const auto* c = std::get_if<wire::Close>(&body)) {
    std::snprintf(buf, sizeof buf, "#%llu closed by %s", static_cast<unsigned long long>(c->conn),
                  c->by == wire::ClosedBy::client ? "client" : "relay");
    std::string s = buf;
    if (c->code) s += " · " + wire::close_code_name(*c->code);
    return s;
  }
  if (const auto* ch = e.chat()) {
    const std::string who = ch->bot ? ch->who + " (bot)" : ch->who;   // --demo's strangers, marked as the relay marks them
    if (ch->event == "paired") return who + " paired with " + ch->peer;
    if (ch->event == "said") return who + " said something" + (ch->peer.empty() ? "" : " to " + ch->peer);
    std::string s = who + " " + ch->event;
    if (!ch->peer.empty()) s += " (" + ch->peer + ")";
    return s;
  }
  if (const auto* hello = std::get_if<wire::Hello>(&body)) {
    return "hello: " + hello->relay + (hello->tap ? "" : " · tap off") + (hello->deterministic ? " · deterministic" : "");
  }
  if (const auto* d = std::get_if<wire::Dropped>(&body)) {
    std::snprintf(buf, sizeof buf, "dropped %llu events (this viewer was too slow)", static_cast<unsigned long long>(d->count));
    return buf;
  }
  if (const auto* t = e.tls_record()) {
    std::snprintf(buf, sizeof buf, "TLS %s record%s, %llu bytes", wire::tls_content_type_name(t->content_type),
                  t->count > 1 ? "s" : "", static_cast<unsigned long long>(t->length));
    return buf;
  }
  return wire::kind_name(body);
}

std::string arrow_label(const Entry& e, std::size_t max_preview) {
  if (const auto* h = e.http()) {
    std::string s = h->dir == wire::Direction::c2s ? request_of(h->start_line, true) : status_of(h->start_line);
    if (!h->session.empty()) s += " · " + h->session;
    if (!e.engineio_brief.empty()) return s + " · " + e.engineio_brief;
    // A body worth seeing (a long-poll answer carrying chat messages): its first characters.
    if (h->body_len > 0) {
      static constexpr std::uint8_t crlf2[] = {'\r', '\n', '\r', '\n'};
      auto end = std::search(h->bytes.begin(), h->bytes.end(), std::begin(crlf2), std::end(crlf2));
      if (end != h->bytes.end()) {
        s += ' ';   // appended in two steps: GCC 12 -O3 warns falsely (-Wrestrict) on "lit" + string&&
        const auto head = static_cast<std::size_t>(end - h->bytes.begin()) + 4;
        const std::string_view body(reinterpret_cast<const char*>(h->bytes.data()) + head, h->bytes.size() - head);
        const auto words = h->truncated ? std::nullopt : chat_words(body, max_preview);
        s += words ? *words : preview_text(wire::Bytes(end + 4, h->bytes.end()), max_preview);
      }
    }
    return s;
  }
  if (const auto* f = e.frame()) {
    const auto op = static_cast<wire::Opcode>(f->opcode & 0x0F);
    if (op == wire::Opcode::close) return close_text(e);
    if (!e.engineio_brief.empty()) return f->masked ? e.engineio_brief + " · masked" : e.engineio_brief;
    std::string s = wire::opcode_name(op);
    if (!f->fin) s += " FIN=0";
    const wire::Bytes* text = e.message_opcode != wire::Opcode::text ? nullptr
                              : e.inflated                          ? &*e.inflated
                              : !(f->rsv & 0x4)                     ? &e.payload_clear
                                                                    : nullptr;
    if (text != nullptr) {
      // A whole chat message in one frame: its words (unmasked), not its JSON.
      const std::string_view json(reinterpret_cast<const char*>(text->data()), text->size());
      const auto words = f->fin && op != wire::Opcode::continuation && !f->truncated ? chat_words(json, max_preview)
                                                                                      : std::nullopt;
      s = words ? *words : s + " “" + preview_text(*text, max_preview) + "”";
    } else if (f->rsv & 0x4) {
      s += " (compressed)";
    } else if (op == wire::Opcode::binary) {
      (s += ' ') += std::to_string(f->payload_len) + " B";
    }
    if (f->masked) s += " · masked";
    return s;
  }
  return describe(e, max_preview);
}

std::optional<std::string> chat_words(std::string_view json_text, std::size_t max_chars) {
  if (json_text.empty() || (json_text.front() != '{' && json_text.front() != '[')) return std::nullopt;
  const Json j = Json::parse(json_text.begin(), json_text.end(), nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  if (!j.is_array()) return message_words(j, max_chars);
  std::string out;
  for (const Json& m : j) {
    auto words = message_words(m, max_chars);
    if (!words) return std::nullopt;
    if (!out.empty()) out += " · ";
    out += *words;
  }
  return out;
}

bool contains_ci(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() &&
           std::tolower(static_cast<unsigned char>(hay[i + k])) == std::tolower(static_cast<unsigned char>(needle[k])))
      ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

bool passes(const ListFilter& f, const Entry& e) {
  if (f.violations_only && !e.violation) return false;
  bool shown = false;
  switch (e.kind) {
    case UnitKind::text:
    case UnitKind::binary: shown = f.data; break;
    case UnitKind::control:
    case UnitKind::close: shown = f.control; break;
    case UnitKind::http: shown = f.http; break;
    case UnitKind::raw:
    case UnitKind::violation: shown = true; break;   // always worth seeing
    case UnitKind::meta: shown = f.events; break;
    case UnitKind::tls: shown = false; break;   // scene 6 shows the records; the list shows what they carried
  }
  if (!shown) return false;
  return f.search.empty() || contains_ci(describe(e, 200), f.search);
}

}  // namespace viz
