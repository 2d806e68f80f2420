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

TapStream::TapStream(std::uint64_t conn, std::size_t max_payload_kept, Metrics& metrics, SessionLabels& labels)
    : conn_(conn),
      metrics_(metrics),
      labels_(labels),
      decoder_(wire::StreamDecoderOptions{max_payload_kept, 64 * 1024, wire::RequestLimits{}}) {}

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
  } else if (auto* raw = std::get_if<wire::Raw>(&unit)) {
    wire::blank_credentials(*raw);
  }
}

// Units -> events; the first broken rule of a client frame or request becomes
// the verdict, and only the bytes before it may go on.
TapVerdict TapStream::take(wire::FeedResult& r, std::vector<wire::EventBody>& events) {
  TapVerdict v;
  std::uint64_t limit = decoder_.settled(wire::Direction::c2s);
  const auto refuse_at = [&](std::uint64_t offset) { limit = std::min(limit, offset); };
  for (const auto& b : r.refused) {
    if (v.close) break;
    refuse_at(b.offset);
    v.close = true;
    v.rule = b.refusal.rule + ": " + b.refusal.reason;
    v.http_status = b.refusal.status;
    if (b.refusal.status != 0) v.response = wire::build_refusal_response(b.refusal);
  }
  for (std::size_t i = 0; i < r.units.size(); ++i) {
    wire::Unit& u = r.units[i];
    const auto dir = std::visit([](const auto& unit) { return unit.dir; }, u);
    account(u, dir);
    blank(u);
    std::visit([&](auto& unit) { unit.conn = conn_; }, u);
    if (auto* f = std::get_if<wire::Frame>(&u)) {
      note_close(*f);
      for (const auto& b : r.breaches) {
        if (b.unit_index != i || v.close || f->dir != wire::Direction::c2s) continue;
        // The offending frame is not forwarded: only the bytes before it go on.
        refuse_at(f->offset);
        v.close = true;
        v.close_code = b.close_code;
        const std::string& reason = b.error.reason;
        v.rule = b.error.rule + ": " + reason.substr(0, reason.find(';'));
      }
    }
    std::visit([&](auto& unit) { events.emplace_back(std::move(unit)); }, u);
  }
  c2s_limit_ = limit;
  return v;
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
    return;
  }
  unreleased_.insert(unreleased_.end(), chunk.begin(), chunk.end());
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(want, unreleased_.size()));
  releasing_.assign(unreleased_.begin(), unreleased_.begin() + static_cast<std::ptrdiff_t>(n));
  unreleased_.erase(unreleased_.begin(), unreleased_.begin() + static_cast<std::ptrdiff_t>(n));
  v.forward = releasing_;
  c2s_released_ += n;
}

TapVerdict TapStream::client_bytes(std::span<const std::uint8_t> bytes, std::vector<wire::EventBody>& events) {
  wire::FeedResult r = decoder_.feed(wire::Direction::c2s, bytes);
  TapVerdict v = take(r, events);
  release(bytes, v);
  return v;
}

TapVerdict TapStream::server_bytes(std::span<const std::uint8_t> bytes, std::vector<wire::EventBody>& events) {
  wire::FeedResult r = decoder_.feed(wire::Direction::s2c, bytes);
  TapVerdict v = take(r, events);
  if (!upgraded_ && decoder_.phase(wire::Direction::s2c) == wire::StreamDecoder::Phase::websocket) upgraded_ = true;
  release({}, v);
  return v;
}

}  // namespace relay
