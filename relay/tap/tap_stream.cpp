// The tap's decoding half: units -> events, client frame rules -> verdicts.
#include "relay/tap/tap_stream.h"

#include <algorithm>
#include <variant>

#include "wire/close_code.h"
#include "wire/credentials.h"
#include "wire/request_rules.h"
#include "wire/handshake.h"
#include "wire/mask.h"

namespace relay {

TapStream::TapStream(std::uint64_t conn, std::size_t max_payload_kept, Metrics& metrics, SessionLabels& labels,
                     TapPolicy policy)
    : conn_(conn),
      policy_(policy),
      metrics_(metrics),
      labels_(labels),
      // Observing (--upstream), requests are decoded as well as they can be, not judged as the relay's own
      // server would judge them: a head over its 8 KiB is no rule of someone else's server, and a refused
      // request would stop the decoding of everything after it.
      decoder_(wire::StreamDecoderOptions{max_payload_kept, 64 * 1024,
                                          policy.enforce ? std::optional{wire::RequestLimits{}} : std::nullopt}) {}

bool TapStream::websocket() const { return upgraded_; }

bool TapStream::at_server_frame_boundary() const {
  return decoder_.pending(wire::Direction::s2c) == 0 &&
         decoder_.phase(wire::Direction::s2c) == wire::StreamDecoder::Phase::websocket;
}

bool TapStream::at_server_message_boundary() const {
  return decoder_.pending(wire::Direction::s2c) == 0 &&
         decoder_.phase(wire::Direction::s2c) == wire::StreamDecoder::Phase::http;
}

// Which transport a unit belongs to, for the wire-byte counters: frames are
// WebSocket; an HTTP request is long-poll for /poll/..., WebSocket for an
// upgrade to /chat or /echo, plain HTTP otherwise; a response inherits its request's.
void TapStream::account(const wire::Unit& unit, wire::Direction dir) {
  if (const auto* f = std::get_if<wire::Frame>(&unit)) {
    metrics_.wire_bytes(Carrier::websocket, dir, f->header.size() + static_cast<std::size_t>(f->payload_len));
    return;
  }
  if (const auto* h = std::get_if<wire::Http>(&unit)) {
    Carrier c = Carrier::http;
    if (dir == wire::Direction::c2s) {
      if (auto line = wire::parse_request_line(h->start_line)) {
        if (line->target.rfind("/poll/", 0) == 0) c = Carrier::long_poll;
        else if (line->target.rfind("/chat", 0) == 0 || line->target.rfind("/echo", 0) == 0) c = Carrier::websocket;
      }
      request_carriers_.push_back(c);
    } else if (!request_carriers_.empty()) {
      c = request_carriers_.front();
      request_carriers_.pop_front();
    }
    metrics_.wire_bytes(c, dir, h->bytes.size());
  }
}

// 5.5.1: the first close frame tells who started the closing handshake and why.
void TapStream::note_close(const wire::Frame& f) {
  if (first_close_ || f.opcode != 0x8) return;
  FirstClose fc;
  fc.by = f.dir == wire::Direction::c2s ? wire::ClosedBy::client : wire::ClosedBy::relay;
  wire::Bytes payload = f.payload;
  if (f.masked && f.header.size() >= 4) {
    wire::MaskingKey key{};
    std::copy(f.header.end() - 4, f.header.end(), key.begin());
    wire::apply_mask(payload, key);
  }
  if (!f.truncated) {
    auto parsed = wire::parse_close_payload(payload);
    if (parsed.ok()) {
      fc.code = parsed->code;
      fc.reason = parsed->reason;
    }
  }
  first_close_ = std::move(fc);
}

// Credentials never leave in an event (wire/credentials.h); the session gets its label.
void TapStream::blank(wire::Unit& unit) {
  if (auto* h = std::get_if<wire::Http>(&unit)) {
    wire::Blanked b = wire::blank_credentials(*h);
    if (!b.session.empty()) h->session = labels_.label(b.session);
    for (const auto& [name, value] : b.fields) h->credentials.emplace_back(name, labels_.credential_label(value));
  } else if (auto* raw = std::get_if<wire::Raw>(&unit)) {
    wire::blank_credentials(*raw);
  } else if (auto* f = std::get_if<wire::Frame>(&unit); f != nullptr && policy_.blank_frames) {
    wire::blank_credentials(*f);
  }
}

// Units -> events; the first broken rule of a client frame or request becomes
// the verdict, and only the bytes before it may go on. Observing (no
// --enforce), every broken rule is only reported and every byte goes on.
TapVerdict TapStream::take(wire::FeedResult& r, std::vector<wire::EventBody>& events) {
  TapVerdict v;
  std::uint64_t limit = policy_.enforce ? decoder_.settled(wire::Direction::c2s) : c2s_fed_;
  for (const auto& b : r.refused) {
    std::string rule = b.refusal.rule + ": " + b.refusal.reason;
    if (!policy_.enforce) {
      v.observed.push_back(Observed{std::move(rule), false});
      continue;
    }
    if (v.close) break;
    limit = std::min(limit, b.offset);
    v.close = true;
    v.rule = std::move(rule);
    v.http_status = b.refusal.status;
    if (b.refusal.status != 0) v.response = wire::build_refusal_response(b.refusal);
  }
  for (std::size_t i = 0; i < r.units.size(); ++i) {
    wire::Unit& u = r.units[i];
    const auto dir = std::visit([](const auto& unit) { return unit.dir; }, u);
    const auto offset = std::visit([](const auto& unit) { return unit.offset; }, u);
    if (policy_.judge_server) judge_server(r, i, u, v);   // before blanking: 4.1 needs the request as sent
    // 5.5.1: nothing the server wrote after its Close reaches the client, nor the mirror (unless observing).
    if (dir == wire::Direction::s2c && s2c_close_end_ && offset >= *s2c_close_end_ && policy_.enforce) continue;
    account(u, dir);
    blank(u);
    std::visit([&](auto& unit) { unit.conn = conn_; }, u);
    bool broken = false;
    if (dir == wire::Direction::c2s) judge_client(r, i, offset, v, limit, broken);
    if (auto* f = std::get_if<wire::Frame>(&u)) {
      note_close(*f);
      if (!broken) follow(*f);
    }
    std::visit([&](auto& unit) { events.emplace_back(std::move(unit)); }, u);
  }
  // 5.5.3: one ping at a time reaches lws; the next once its pong went by.
  if (policy_.hold_for_lws && !ping_ends_.empty()) limit = std::min(limit, ping_ends_.front());
  if (policy_.enforce && c2s_close_end_) limit = std::min(limit, *c2s_close_end_);
  c2s_limit_ = limit;
  return v;
}

// The rules the client's unit i breaks: the first one is the verdict (the
// offending frame, or the bytes that cannot be framed, is not forwarded:
// only the bytes before it go on); observing, each is only reported.
void TapStream::judge_client(const wire::FeedResult& r, std::size_t i, std::uint64_t offset, TapVerdict& v,
                             std::uint64_t& limit, bool& broken) {
  for (const auto& b : r.breaches) {
    if (b.unit_index != i) continue;
    broken = true;
    const std::string& reason = b.error.reason;
    std::string rule = b.error.rule + ": " + reason.substr(0, reason.find(';'));
    if (!policy_.enforce) {
      v.observed.push_back(Observed{std::move(rule), false});
      continue;
    }
    if (v.close) continue;
    limit = std::min(limit, offset);
    v.close = true;
    v.close_code = b.close_code;
    v.rule = std::move(rule);
  }
}

// A server behind --upstream (wire/server_rules.h): the decoder's frame
// breaches on s2c units (5.1: a masked server frame, ...) and the rules that
// need the request or the past (4.1's 101, 5.5.1). Every unit is shown to
// ServerRules, the client's requests too (they say what a right 101 is).
void TapStream::judge_server(const wire::FeedResult& r, std::size_t i, const wire::Unit& u, TapVerdict& v) {
  std::optional<wire::Error> e = server_rules_.check(u);
  const auto dir = std::visit([](const auto& unit) { return unit.dir; }, u);
  if (dir != wire::Direction::s2c) return;
  std::optional<Observed> seen;
  for (const auto& b : r.breaches) {
    if (b.unit_index != i) continue;
    const std::string& reason = b.error.reason;
    seen = Observed{b.error.rule + ": " + reason.substr(0, reason.find(';')), true};
    break;
  }
  if (!seen && e) seen = Observed{e->rule + ": " + e->reason, true};
  if (!seen) return;
  if (!policy_.enforce) {
    v.observed.push_back(std::move(*seen));
  } else if (!v.server_broke) {
    v.server_broke = std::move(seen);
    s2c_broken_at_ = std::visit([](const auto& unit) { return unit.offset; }, u);
  }
}

// The frames that hold the c2s stream back or end a direction (see the header).
void TapStream::follow(const wire::Frame& f) {
  const std::uint64_t end = f.offset + f.header.size() + f.payload_len;
  const auto op = static_cast<wire::Opcode>(f.opcode);
  if (f.dir == wire::Direction::c2s) {
    if (op == wire::Opcode::ping && !c2s_close_end_) ping_ends_.push_back(end);
    if (op == wire::Opcode::close && !c2s_close_end_) c2s_close_end_ = end;
    return;
  }
  if (op == wire::Opcode::pong && !ping_ends_.empty()) ping_ends_.pop_front();
  if (op == wire::Opcode::close && !s2c_close_end_) s2c_close_end_ = end;
}

// Moves the judged c2s bytes (up to c2s_limit_) into v.forward: straight from
// the chunk when nothing is held, else through unreleased_.
void TapStream::release(std::span<const std::uint8_t> chunk, TapVerdict& v) {
  const std::uint64_t want = c2s_limit_ > c2s_released_ ? c2s_limit_ - c2s_released_ : 0;
  if (unreleased_.empty()) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(want, chunk.size()));
    v.forward = chunk.first(n);
    unreleased_.assign(chunk.begin() + static_cast<std::ptrdiff_t>(n), chunk.end());
    c2s_released_ += n;
    drop_after_client_close();
    return;
  }
  unreleased_.insert(unreleased_.end(), chunk.begin(), chunk.end());
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(want, unreleased_.size()));
  releasing_.assign(unreleased_.begin(), unreleased_.begin() + static_cast<std::ptrdiff_t>(n));
  unreleased_.erase(unreleased_.begin(), unreleased_.begin() + static_cast<std::ptrdiff_t>(n));
  v.forward = releasing_;
  c2s_released_ += n;
  drop_after_client_close();
}

// 5.5.1: the client sends nothing after its Close; what it sends anyway is
// mirrored but never reaches the server (lws 4.1.6 dropped the connection
// without its Close reply when bytes followed the client's Close).
void TapStream::drop_after_client_close() {
  if (!policy_.enforce || !c2s_close_end_ || *c2s_close_end_ < c2s_released_) return;
  const std::uint64_t keep = *c2s_close_end_ - c2s_released_;
  if (unreleased_.size() <= keep) return;
  dropped_after_close_ += unreleased_.size() - keep;
  unreleased_.resize(static_cast<std::size_t>(keep));
}

TapVerdict TapStream::client_bytes(std::span<const std::uint8_t> bytes, std::vector<wire::EventBody>& events) {
  c2s_fed_ += bytes.size();
  wire::FeedResult r = decoder_.feed(wire::Direction::c2s, bytes);
  TapVerdict v = take(r, events);
  release(bytes, v);
  return v;
}

TapVerdict TapStream::server_bytes(std::span<const std::uint8_t> bytes, std::vector<wire::EventBody>& events) {
  if (s2c_close_end_ && policy_.enforce) {   // 5.5.1: after the server's Close, nothing (not even decoded)
    TapVerdict v;
    release({}, v);
    return v;
  }
  wire::FeedResult r = decoder_.feed(wire::Direction::s2c, bytes);
  const std::uint64_t start = s2c_fed_;
  s2c_fed_ += bytes.size();
  TapVerdict v = take(r, events);
  v.s2c_pass = s2c_close_end_ && policy_.enforce ? static_cast<std::size_t>(*s2c_close_end_ - start) : bytes.size();
  if (s2c_broken_at_) {   // --enforce: the server broke a rule; nothing from that unit on reaches the client
    v.s2c_pass = std::min(v.s2c_pass, static_cast<std::size_t>(*s2c_broken_at_ > start ? *s2c_broken_at_ - start : 0));
  }
  if (!upgraded_ && decoder_.phase(wire::Direction::s2c) == wire::StreamDecoder::Phase::websocket) upgraded_ = true;
  release({}, v);
  return v;
}

}  // namespace relay
