// Statistics per transport; the definitions are in stats.h.
//
// Latency (send -> delivery) is measured only where both ends were seen:
// each stranger's sends are kept in time order (bounded); a `said` delivered
// to receiver R names its sender X in `from`, and R's k-th said from X is
// matched with X's k-th send since R started receiving from X (a cursor per
// (X, R)). The relay forwards one stranger's messages in order over one
// connection or session, so time order plus the pairing recovers the match
// without reading message text. A receiver's cursor starts at the oldest send
// of X that no receiver has claimed yet, so a stranger paired mid-stream does
// not inherit older messages.
//
// A long-poll message "waited for a poll" when its recv request was sent after
// the message was: no poll was held for it when it reached the relay (both
// legs cross the same simulated wire, so the order at the client's end, where
// the tap stamps t_us, is the order at the relay). It then costs at least the
// trip of that request on top of the message's own.
#include "model/stats.h"

#include <algorithm>
#include <deque>
#include <map>
#include <string_view>

#include <nlohmann/json.hpp>

#include "wire/handshake.h"
#include "wire/http.h"
#include "wire/query.h"

namespace viz {

const char* transport_kind_name(TransportKind k) {
  return k == TransportKind::websocket ? "WebSocket" : "long-poll";
}

void LatencyStats::add(double ms) {
  if (samples == 0 || ms < min_ms) min_ms = ms;
  if (samples == 0 || ms > max_ms) max_ms = ms;
  sum_ms += ms;
  last_ms = ms;
  ++samples;
}

namespace {
double per(std::uint64_t n, std::uint64_t d) { return d ? static_cast<double>(n) / static_cast<double>(d) : 0.0; }
}  // namespace

double TransportStats::header_bytes_per_message() const {
  return per(send_header_bytes, sends) + per(delivery_header_bytes, deliveries);
}
double TransportStats::payload_bytes_per_message() const {
  return per(send_payload_bytes, sends) + per(delivery_payload_bytes, deliveries);
}
double TransportStats::requests_per_message() const {
  return per(send_requests, sends) + per(delivery_requests, deliveries);
}
double TransportStats::all_requests_per_message() const { return per(total_requests, deliveries); }

void TransportStats::add_cumulative_point(std::int64_t t_us) {
  if (deliveries % stride_ != 0 && deliveries != 1) return;
  cumulative_.push_back(CumulativePoint{deliveries, total_bytes(), t_us});
  if (cumulative_.size() >= max_points) {   // keep every other point, double the stride (bounded)
    std::size_t w = 0;
    for (std::size_t r = 0; r < cumulative_.size(); r += 2) cumulative_[w++] = cumulative_[r];
    cumulative_.resize(w);
    stride_ *= 2;
  }
}

std::optional<double> Stats::bytes_ratio() const {
  if (!ws_.has_messages() || !poll_.has_messages()) return std::nullopt;
  const double w = ws_.bytes_per_message();
  if (w <= 0.0) return std::nullopt;
  return poll_.bytes_per_message() / w;
}

// ---- tracking state ---------------------------------------------------------

struct Stats::Tracker {
  enum class Role : std::uint8_t { unknown, websocket, long_poll, other };
  enum class ReqKind : std::uint8_t { say, recv, other };
  struct Request {                   // a request waiting for its response (RFC 9112 9.3: in order)
    ReqKind kind = ReqKind::other;
    std::uint64_t head = 0, body = 0;
    std::int64_t t_us = 0;           // when the request was sent
    std::string session;
  };
  struct Conn {                      // one per connection seen; erased on `close`
    Role role = Role::unknown;
    std::string who;                 // the stranger on a WebSocket connection
    std::deque<Request> pending;
  };
  struct Sender {                    // one per stranger that sent a say
    std::deque<std::int64_t> sends;  // t_us of each send, oldest first
    std::uint64_t base = 0;          // index of sends.front()
    std::uint64_t unclaimed = 0;     // first send no receiver has matched yet
    std::map<std::string, std::uint64_t> cursor;   // receiver -> next send index
  };
  static constexpr std::size_t max_sends_kept = 1024;
  static constexpr std::size_t max_senders = 4096;
  static constexpr std::size_t max_pending = 64;

  std::map<std::uint64_t, Conn> conns;
  std::map<std::string, std::string> session_who;   // long-poll session -> stranger
  std::map<std::string, Sender> senders;
};

Stats::Stats() : tracker_(std::make_unique<Tracker>()) {}
Stats::~Stats() = default;

void Stats::add(const Entry& e, const Model& /*m*/) { add(e); }

namespace {

using Json = nlohmann::json;

Json parse_json(std::span<const std::uint8_t> bytes) {
  const auto* p = reinterpret_cast<const char*>(bytes.data());
  return Json::parse(p, p + bytes.size(), nullptr, /*allow_exceptions=*/false);
}

std::string string_field(const Json& j, const char* name) {
  if (!j.is_object()) return {};
  const auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char ch) { return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch; };
           return lower(x) == lower(y);
         });
}

// 4.1: the upgrade request names websocket in Upgrade (any case).
bool has_upgrade_websocket(const wire::Http& h) {
  for (const auto& [name, value] : h.headers) {
    if (iequals(name, "upgrade") && iequals(value, "websocket")) return true;
  }
  return false;
}

}  // namespace

void Stats::add(const Entry& e) {
  Tracker& t = *tracker_;
  if (const auto* close = std::get_if<wire::Close>(&e.event.body)) {
    t.conns.erase(close->conn);
    return;
  }
  if (const wire::Chat* chat = e.chat()) {
    if (chat->event == "welcome" && !chat->who.empty()) t.conns[chat->conn].who = chat->who;
    return;
  }
  if (e.conn == 0) return;
  if (e.frame() == nullptr && e.http() == nullptr) return;
  if (t.conns.size() > 10'000 && t.conns.find(e.conn) == t.conns.end()) t.conns.erase(t.conns.begin());
  Tracker::Conn& c = t.conns[e.conn];
  if (const wire::Frame* f = e.frame()) {
    if (c.role == Tracker::Role::unknown) c.role = Tracker::Role::websocket;
    if (c.role != Tracker::Role::websocket) return;
    TransportStats& ws = ws_;
    ++ws.total_units;
    ws.total_header_bytes += f->header.size();
    ws.total_payload_bytes += f->payload_len;
    // One whole text message in one frame: the chat's JSON (fragmented messages are counted in the totals only).
    if (!f->fin || f->opcode != static_cast<std::uint8_t>(wire::Opcode::text) || f->truncated) return;
    const wire::Bytes& data = e.inflated ? *e.inflated : e.payload_clear;
    const Json j = parse_json(data);
    const std::string type = string_field(j, "type");
    if (f->dir == wire::Direction::c2s && type == "say") {
      ++ws.sends;
      ws.send_header_bytes += f->header.size();
      ws.send_payload_bytes += f->payload_len;
      if (!c.who.empty()) on_send(c.who, e.event.t_us);
    } else if (f->dir == wire::Direction::s2c && type == "welcome") {
      c.who = string_field(j, "you");
    } else if (f->dir == wire::Direction::s2c && type == "said") {
      ++ws.deliveries;
      ws.delivery_header_bytes += f->header.size();
      ws.delivery_payload_bytes += f->payload_len;
      on_delivery(TransportKind::websocket, string_field(j, "from"), "conn " + std::to_string(e.conn),
                  e.event.t_us);
      ws.add_cumulative_point(e.event.t_us);
    }
    return;
  }
  on_http(e);
}

void Stats::on_http(const Entry& e) {
  Tracker& t = *tracker_;
  Tracker::Conn& c = t.conns[e.conn];
  const wire::Http& h = *e.http();
  const std::uint64_t head = wire::head_length(h);
  const std::span<const std::uint8_t> body =
      std::span<const std::uint8_t>(h.bytes).subspan(std::min<std::size_t>(head, h.bytes.size()));
  if (h.dir == wire::Direction::c2s) {
    Tracker::Request req{Tracker::ReqKind::other, head, h.body_len, e.event.t_us, {}};
    const auto line = wire::parse_request_line(h.start_line);
    const std::string target = line ? line->target : std::string{};
    if (target.rfind("/poll/", 0) == 0) {
      c.role = Tracker::Role::long_poll;
      // The relay's label ("session #3"; the id itself is blanked), or the id in older captures.
      req.session = !h.session.empty() ? h.session : wire::query_value(target, "session");
      const std::string path = target.substr(0, target.find('?'));
      TransportStats& p = poll_;
      ++p.total_requests;
      ++p.total_units;
      p.total_header_bytes += head;
      p.total_payload_bytes += h.body_len;
      if (path == "/poll/recv") {
        req.kind = Tracker::ReqKind::recv;
      } else if (path == "/poll/send" && !h.truncated && string_field(parse_json(body), "type") == "say") {
        req.kind = Tracker::ReqKind::say;
        ++p.sends;
        ++p.send_requests;
        p.send_header_bytes += head;
        p.send_payload_bytes += h.body_len;
        const auto who = t.session_who.find(req.session);
        if (who != t.session_who.end()) on_send(who->second, e.event.t_us);
      }
    } else if (has_upgrade_websocket(h)) {
      c.role = Tracker::Role::websocket;   // the upgrade's bytes are WebSocket's overhead
      ++ws_.total_requests;
      ++ws_.total_units;
      ws_.total_header_bytes += head;
      ws_.total_payload_bytes += h.body_len;
    } else if (c.role == Tracker::Role::unknown) {
      c.role = Tracker::Role::other;
    }
    if (c.pending.size() < Tracker::max_pending) c.pending.push_back(std::move(req));
    return;
  }
  // A response answers the oldest request on this connection (RFC 9112 9.3).
  Tracker::Request req;
  if (!c.pending.empty()) {
    req = std::move(c.pending.front());
    c.pending.pop_front();
  }
  if (c.role == Tracker::Role::websocket) {
    ++ws_.total_units;
    ws_.total_header_bytes += head;
    ws_.total_payload_bytes += h.body_len;
    return;
  }
  if (c.role != Tracker::Role::long_poll) return;
  TransportStats& p = poll_;
  ++p.total_units;
  p.total_header_bytes += head;
  p.total_payload_bytes += h.body_len;
  if (req.kind == Tracker::ReqKind::say) {
    p.send_header_bytes += head;        // the 204 belongs to the send leg
    p.send_payload_bytes += h.body_len;
    return;
  }
  if (req.kind != Tracker::ReqKind::recv || h.truncated) return;
  const Json arr = parse_json(body);
  if (!arr.is_array()) return;
  std::vector<std::string> said_from;
  for (const Json& m : arr) {
    const std::string type = string_field(m, "type");
    if (type == "welcome" && !req.session.empty()) {
      t.session_who[req.session] = string_field(m, "you");
    } else if (type == "said") {
      said_from.push_back(string_field(m, "from"));
    }
  }
  if (said_from.empty()) return;   // an idle poll or one with only typing/paired: totals only
  p.deliveries += said_from.size();
  ++p.delivery_requests;
  p.delivery_header_bytes += req.head + head;
  p.delivery_payload_bytes += req.body + h.body_len;
  for (const std::string& from : said_from) {
    const bool labelled = req.session.rfind("session ", 0) == 0;   // already "session #3"
    on_delivery(TransportKind::long_poll, from, labelled ? req.session : "session " + req.session, e.event.t_us,
                req.t_us);
  }
  p.add_cumulative_point(e.event.t_us);
}

void Stats::on_send(const std::string& who, std::int64_t t_us) {
  Tracker& t = *tracker_;
  if (t.senders.size() >= Tracker::max_senders && t.senders.find(who) == t.senders.end()) {
    t.senders.erase(t.senders.begin());
  }
  Tracker::Sender& s = t.senders[who];
  s.sends.push_back(t_us);
  if (s.sends.size() > Tracker::max_sends_kept) {
    s.sends.pop_front();
    ++s.base;
  }
}

void Stats::on_delivery(TransportKind k, const std::string& from, const std::string& receiver, std::int64_t t_us,
                        std::int64_t request_t_us) {
  Tracker& t = *tracker_;
  const auto it = t.senders.find(from);
  if (it == t.senders.end()) {
    ++unmatched_;
    return;
  }
  Tracker::Sender& s = it->second;
  std::uint64_t& next = s.cursor.try_emplace(receiver, s.unclaimed).first->second;
  next = std::max(next, s.base);
  if (next >= s.base + s.sends.size() || s.sends[next - s.base] > t_us) {
    ++unmatched_;
    return;
  }
  const std::int64_t sent_us = s.sends[next - s.base];
  const double ms = static_cast<double>(t_us - sent_us) / 1000.0;
  mut(k).latency.add(ms);
  mut(k).latency_samples.add(LatencySample{ms, request_t_us > sent_us});
  ++next;
  s.unclaimed = std::max(s.unclaimed, next);
}

}  // namespace viz
