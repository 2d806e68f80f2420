// The tap's decoding half: units -> events, client frame rules -> verdicts.
#include "relay/tap/tap_stream.h"

#include <algorithm>
#include <variant>

#include "wire/close_code.h"
#include "wire/handshake.h"
#include "wire/mask.h"

namespace relay {

TapStream::TapStream(std::uint64_t conn, std::size_t max_payload_kept, Metrics& metrics)
    : conn_(conn), metrics_(metrics), decoder_(wire::StreamDecoderOptions{max_payload_kept, 64 * 1024}) {}

bool TapStream::websocket() const { return upgraded_; }

bool TapStream::at_server_frame_boundary() const {
  return decoder_.pending(wire::Direction::s2c) == 0 &&
         decoder_.phase(wire::Direction::s2c) == wire::StreamDecoder::Phase::websocket;
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

TapVerdict TapStream::client_bytes(std::span<const std::uint8_t> bytes, std::vector<wire::EventBody>& events) {
  TapVerdict v;
  v.forward = bytes.size();
  const std::uint64_t chunk_start = c2s_fed_;
  c2s_fed_ += bytes.size();
  wire::FeedResult r = decoder_.feed(wire::Direction::c2s, bytes);
  for (std::size_t i = 0; i < r.units.size(); ++i) {
    wire::Unit& u = r.units[i];
    account(u, wire::Direction::c2s);
    std::visit([&](auto& unit) { unit.conn = conn_; }, u);
    if (auto* f = std::get_if<wire::Frame>(&u)) note_close(*f);
    std::visit([&](auto& unit) { events.emplace_back(std::move(unit)); }, u);
    for (const auto& b : r.breaches) {
      if (b.unit_index != i || v.close) continue;
      // The offending frame is not forwarded: only the bytes before it go on.
      if (const auto* f = std::get_if<wire::Frame>(&events.back())) {
        const std::uint64_t at = f->offset > chunk_start ? f->offset - chunk_start : 0;
        v.forward = static_cast<std::size_t>(std::min<std::uint64_t>(at, bytes.size()));
      }
      v.close = true;
      v.close_code = b.close_code;
      const std::string& reason = b.error.reason;
      v.rule = b.error.rule + ": " + reason.substr(0, reason.find(';'));
    }
  }
  return v;
}

void TapStream::server_bytes(std::span<const std::uint8_t> bytes, std::vector<wire::EventBody>& events) {
  wire::FeedResult r = decoder_.feed(wire::Direction::s2c, bytes);
  for (wire::Unit& u : r.units) {
    account(u, wire::Direction::s2c);
    std::visit([&](auto& unit) { unit.conn = conn_; }, u);
    if (auto* f = std::get_if<wire::Frame>(&u)) note_close(*f);
    std::visit([&](auto& unit) { events.emplace_back(std::move(unit)); }, u);
  }
  if (!upgraded_ && decoder_.phase(wire::Direction::s2c) == wire::StreamDecoder::Phase::websocket) upgraded_ = true;
}

}  // namespace relay
