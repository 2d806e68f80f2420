// Reading mirror events from JSON (docs/mirror-protocol.md). Never throws on
// bad input: the first problem becomes an Error naming the field.
#include <limits>

#include <nlohmann/json.hpp>

#include "json_text.h"
#include "wire/base64.h"
#include "wire/hex.h"
#include "wire/events.h"

namespace wire {

namespace {

using json = nlohmann::json;
constexpr const char* kContract = "docs/mirror-protocol.md";

// Reads typed fields off one JSON object; remembers the first error and
// returns defaults after it, so a reader is a straight list of fields.
class Fields {
 public:
  explicit Fields(const json& j) : j_(j) {}
  const std::optional<Error>& error() const { return error_; }

  const json* get(const char* name) {
    if (error_) return nullptr;
    auto it = j_.find(name);
    if (it == j_.end()) {
      fail(name, "missing");
      return nullptr;
    }
    return &*it;
  }
  std::uint64_t u64(const char* name) {
    const json* v = get(name);
    if (!v) return 0;
    if (v->is_number_unsigned()) return v->get<std::uint64_t>();
    fail(name, v->is_number_integer() ? "must not be negative" : "must be an integer");
    return 0;
  }
  std::int64_t i64(const char* name) {
    const json* v = get(name);
    if (!v) return 0;
    if (v->is_number_integer()) {
      if (v->is_number_unsigned() && v->get<std::uint64_t>() > std::numeric_limits<std::int64_t>::max()) {
        fail(name, "is too large");
        return 0;
      }
      return v->get<std::int64_t>();
    }
    fail(name, "must be an integer");
    return 0;
  }
  template <class T>
  T bounded(const char* name, std::uint64_t max) {
    const std::uint64_t v = u64(name);
    if (v > max) {
      fail(name, "must be at most " + std::to_string(max));
      return 0;
    }
    return static_cast<T>(v);
  }
  bool boolean(const char* name) {
    const json* v = get(name);
    if (!v) return false;
    if (v->is_boolean()) return v->get<bool>();
    fail(name, "must be true or false");
    return false;
  }
  std::string string(const char* name) {
    const json* v = get(name);
    if (!v) return {};
    if (v->is_string()) return v->get<std::string>();
    fail(name, "must be a string");
    return {};
  }
  // Added after the first draft of v1: absent means false.
  bool optional_boolean(const char* name) {
    if (error_ || !j_.contains(name)) return false;
    return boolean(name);
  }
  // Added after the first draft of v1: absent means "".
  std::string optional_string(const char* name) {
    if (error_ || !j_.contains(name)) return {};
    return string(name);
  }
  Bytes bytes(const char* name) {
    const std::string text = string(name);
    if (error_) return {};
    auto decoded = base64_decode(text);
    if (!decoded) {
      fail(name, "not valid standard base64");
      return {};
    }
    return std::move(*decoded);
  }
  Direction dir() {
    const std::string s = string("dir");
    if (s == "s2c") return Direction::s2c;
    if (s != "c2s" && !error_) fail("dir", "must be \"c2s\" or \"s2c\"");
    return Direction::c2s;
  }
  Transport transport() {
    const std::string s = string("transport");
    if (s == "tls") return Transport::tls;
    if (s != "tcp" && !error_) fail("transport", "must be \"tcp\" or \"tls\"");
    return Transport::tcp;
  }
  void fail(const std::string& name, const std::string& what) {
    if (!error_) error_ = Error{kContract, "field \"" + name + "\": " + what, 0};
  }

 private:
  const json& j_;
  std::optional<Error> error_;
};

ParticipantInfo read_participant(Fields& f) {
  ParticipantInfo p;
  p.who = f.string("who");
  const std::string transport = f.string("transport");
  if (transport == "long-poll") p.transport = ChatTransport::long_poll;
  else if (transport != "websocket" && !f.error()) f.fail("transport", "must be \"websocket\" or \"long-poll\"");
  p.conn = f.u64("conn");
  const std::string state = f.string("state");
  if (state == "waiting") p.state = ChatState::waiting;
  else if (state == "paired") p.state = ChatState::paired;
  else if (state == "room") p.state = ChatState::room;
  else if (state != "lobby" && !f.error()) f.fail("state", "must be \"lobby\", \"waiting\", \"paired\" or \"room\"");
  p.peer = f.optional_string("peer");
  p.room = f.optional_string("room");
  p.bot = f.optional_boolean("bot");
  // The state names its partner: a pair has a peer, a room a name.
  if (p.state == ChatState::paired && p.peer.empty()) f.fail("peer", "missing (state is \"paired\")");
  if (p.state == ChatState::room && p.room.empty()) f.fail("room", "missing (state is \"room\")");
  return p;
}

// Added after the first draft of v1: a hello without "participants" has none.
void read_participants(Fields& f, const json& j, Hello& e) {
  if (f.error() || !j.contains("participants")) return;
  const json& people = *j.find("participants");
  if (!people.is_array()) {
    f.fail("participants", "must be an array");
    return;
  }
  for (std::size_t i = 0; i < people.size(); ++i) {
    const json& p = people[i];
    const std::string where = "participants[" + std::to_string(i) + "]";
    if (!p.is_object()) {
      f.fail(where, "must be an object");
      return;
    }
    Fields pf(p);
    ParticipantInfo info = read_participant(pf);
    if (pf.error()) {
      f.fail(where, pf.error()->reason);
      return;
    }
    e.participants.push_back(std::move(info));
  }
}

// Added after the first draft of v1: a hello without "link" has no simulated delay.
void read_link(Fields& f, const json& j, Hello& e) {
  if (f.error() || !j.contains("link")) return;
  const json& l = *j.find("link");
  if (!l.is_object()) {
    f.fail("link", "must be an object");
    return;
  }
  Fields lf(l);
  Link link;
  link.delay_ms = lf.bounded<int>("delay_ms", 3'600'000);
  link.jitter_ms = lf.bounded<int>("jitter_ms", 3'600'000);
  if (lf.error()) {
    f.fail("link", lf.error()->reason);
    return;
  }
  e.link = link;
}

Http read_http(Fields& f, const json& j);

// Added after the first draft of v1: a hello without "handshakes" has none.
// Each entry is a whole `http` event, read as one.
void read_handshakes(Fields& f, const json& j, Hello& e) {
  if (f.error() || !j.contains("handshakes")) return;
  const json& list = *j.find("handshakes");
  if (!list.is_array()) {
    f.fail("handshakes", "must be an array of http events");
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& h = list[i];
    const std::string where = "handshakes[" + std::to_string(i) + "]";
    if (!h.is_object()) {
      f.fail(where, "must be an http event object");
      return;
    }
    Fields hf(h);
    HelloHttp unit;
    unit.seq = hf.u64("seq");
    unit.t_us = hf.i64("t_us");
    if (hf.string("kind") != "http" && !hf.error()) hf.fail("kind", "must be \"http\"");
    if (!hf.error()) unit.http = read_http(hf, h);
    if (hf.error()) {
      f.fail(where, hf.error()->reason);
      return;
    }
    e.handshakes.push_back(std::move(unit));
  }
}

Hello read_hello(Fields& f, const json& j) {
  Hello e;
  e.version = f.bounded<int>("version", 1000000);
  e.relay = f.string("relay");
  e.tap = f.boolean("tap");
  e.deterministic = f.boolean("deterministic");
  const json* conns = f.get("connections");
  if (conns && !conns->is_array()) f.fail("connections", "must be an array");
  if (!conns || f.error()) return e;
  for (std::size_t i = 0; i < conns->size(); ++i) {
    const json& c = (*conns)[i];
    const std::string where = "connections[" + std::to_string(i) + "]";
    if (!c.is_object()) {
      f.fail(where, "must be an object");
      return e;
    }
    Fields cf(c);
    ConnectionInfo info;
    info.conn = cf.u64("conn");
    info.transport = cf.transport();
    info.state = cf.string("state");
    info.opened_t_us = cf.i64("opened_t_us");
    info.who = cf.optional_string("who");
    if (cf.error()) {
      f.fail(where, cf.error()->reason);
      return e;
    }
    e.connections.push_back(std::move(info));
  }
  read_link(f, j, e);
  read_participants(f, j, e);
  read_handshakes(f, j, e);
  return e;
}

Close read_close(Fields& f) {
  Close e;
  e.conn = f.u64("conn");
  const std::string by = f.string("by");
  if (by == "relay") e.by = ClosedBy::relay;
  else if (by != "client" && !f.error()) f.fail("by", "must be \"client\" or \"relay\"");
  const json* code = f.get("code");
  if (code && !code->is_null()) e.code = f.bounded<std::uint16_t>("code", 65535);
  e.reason = f.string("reason");
  return e;
}

// An array of [string, string] pairs (headers, credentials); the first bad element fails the event.
std::vector<std::pair<std::string, std::string>> string_pairs(Fields& f, const std::string& name, const json* pairs) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!pairs) return out;
  if (!pairs->is_array()) {
    f.fail(name.c_str(), "must be an array of [name, value] pairs");
    return out;
  }
  for (std::size_t i = 0; i < pairs->size(); ++i) {
    const json& p = (*pairs)[i];
    if (!p.is_array() || p.size() != 2 || !p[0].is_string() || !p[1].is_string()) {
      f.fail((name + "[" + std::to_string(i) + "]").c_str(), "must be a [name, value] pair of strings");
      break;
    }
    out.emplace_back(p[0].get<std::string>(), p[1].get<std::string>());
  }
  return out;
}

Http read_http(Fields& f, const json& j) {
  Http e;
  e.conn = f.u64("conn");
  e.dir = f.dir();
  e.offset = f.u64("offset");
  e.start_line = f.string("start_line");
  e.headers = string_pairs(f, "headers", f.get("headers"));
  e.body_len = f.u64("body_len");
  e.bytes = f.bytes("bytes");
  // Added after the first draft of v1: absent means false.
  if (j.contains("truncated")) e.truncated = f.boolean("truncated");
  e.session = f.optional_string("session");
  // Added in version 1 with --upstream: absent means none.
  if (j.contains("credentials")) e.credentials = string_pairs(f, "credentials", f.get("credentials"));
  return e;
}

Frame read_frame(Fields& f) {
  Frame e;
  e.conn = f.u64("conn");
  e.dir = f.dir();
  e.offset = f.u64("offset");
  e.fin = f.boolean("fin");
  e.rsv = f.bounded<std::uint8_t>("rsv", 7);
  e.opcode = f.bounded<std::uint8_t>("opcode", 15);
  e.masked = f.boolean("masked");
  const json* key = f.get("mask_key");
  if (key && !key->is_null()) {
    const std::string hex = f.string("mask_key");
    bool ok = hex.size() == 8;
    std::uint32_t v = 0;
    for (char c : hex) {
      const int d = hex_digit(c);
      if (d < 0 || (c >= 'A' && c <= 'F')) ok = false;   // the contract writes lowercase only
      v = (v << 4) | static_cast<std::uint32_t>(d < 0 ? 0 : d);
    }
    if (!ok) f.fail("mask_key", "must be 8 lowercase hex digits or null");
    e.mask_key = v;
  }
  e.payload_len = f.u64("payload_len");
  e.header = f.bytes("header");
  e.payload = f.bytes("payload");
  e.truncated = f.boolean("truncated");
  return e;
}

Raw read_raw(Fields& f) {
  Raw e;
  e.conn = f.u64("conn");
  e.dir = f.dir();
  e.offset = f.u64("offset");
  e.bytes = f.bytes("bytes");
  e.why = f.string("why");
  return e;
}

std::optional<std::uint64_t> nullable_u64(Fields& f, const json* v, const char* name, std::uint64_t max) {
  if (v == nullptr || v->is_null()) return std::nullopt;
  return f.bounded<std::uint64_t>(name, max);
}

TlsRecord read_tls_record(Fields& f) {
  TlsRecord e;
  e.conn = f.u64("conn");
  e.dir = f.dir();
  e.offset = f.u64("offset");
  e.content_type = f.bounded<std::uint8_t>("content_type", 255);
  e.version = f.bounded<std::uint16_t>("version", 0xffff);
  e.length = f.u64("length");
  e.body_head = f.bytes("body_head");
  if (e.body_head.size() > 16) f.fail("body_head", "must hold at most 16 bytes");
  if (auto t = nullable_u64(f, f.get("inner_type"), "inner_type", 255)) e.inner_type = static_cast<std::uint8_t>(*t);
  e.plain_offset = nullable_u64(f, f.get("plain_offset"), "plain_offset", std::numeric_limits<std::uint64_t>::max());
  e.plain_len = f.u64("plain_len");
  e.count = f.u64("count");
  if (e.count == 0) f.fail("count", "must be at least 1");
  return e;
}

}  // namespace

Result<Event> event_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return Error{kContract, "an event must be a JSON object", 0};
  Fields f(j);
  Event event;
  event.seq = f.u64("seq");
  event.t_us = f.i64("t_us");
  const std::string kind = f.string("kind");
  if (f.error()) return *f.error();
  if (kind == "hello") event.body = read_hello(f, j);
  else if (kind == "open") event.body = Open{f.u64("conn"), f.transport()};
  else if (kind == "close") event.body = read_close(f);
  else if (kind == "http") event.body = read_http(f, j);
  else if (kind == "frame") event.body = read_frame(f);
  else if (kind == "raw") event.body = read_raw(f);
  else if (kind == "violation") event.body = Violation{f.u64("conn"), f.string("rule"), f.string("action")};
  else if (kind == "chat") event.body = Chat{f.u64("conn"), f.string("event"), f.string("who"), f.string("peer"),
                                             f.optional_boolean("bot")};
  else if (kind == "dropped") event.body = Dropped{f.u64("count")};
  else if (kind == "tls_record") event.body = read_tls_record(f);
  else return Error{kContract, "field \"kind\": unknown kind \"" + detail::valid_utf8_or_replaced(kind) + "\"", 0};
  if (f.error()) return *f.error();
  return event;
}

Result<Event> parse_event_line(std::string_view line) {
  // allow_exceptions = false: a parse error gives a "discarded" value, no throw.
  json j = json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded()) return Error{"RFC 8259", "not valid JSON", 0};
  try {
    return event_from_json(j);
  } catch (const json::exception& e) {   // not expected: every access is type-checked
    return Error{kContract, std::string("unexpected JSON error: ") + e.what(), 0};
  }
}

}  // namespace wire
