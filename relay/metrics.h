// relay::Metrics: the counters behind GET /metrics (Prometheus text format
// 0.0.4). Counts and byte totals only: never chat text, never addresses.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "wire/events.h"

namespace relay {

// What a connection carries, for the per-transport counters.
enum class Carrier : std::uint8_t { websocket, long_poll, http };
const char* carrier_name(Carrier c);   // "websocket" | "long_poll" | "http"

struct Gauges {                        // read at render time from the live objects
  std::size_t tcp_connections = 0, tls_connections = 0;
  std::size_t websocket_participants = 0, long_poll_participants = 0;
  std::size_t websockets_open = 0;     // chat + echo WebSocket connections
  std::size_t poll_sessions = 0, polls_held = 0;
  std::size_t mirror_subscribers = 0;
  std::uint64_t mirror_dropped = 0, mirror_events = 0;
  std::uint64_t mirror_handshakes_kept = 0, mirror_handshakes_not_kept = 0;   // hello's handshakes
  std::uint64_t over_cap_rejected = 0;
  std::uint64_t poll_refused_store_full = 0, poll_refused_address_full = 0;
  std::uint64_t poll_refused_address_rate = 0, poll_refused_relay_rate = 0, poll_wrong_address = 0;
  std::uint64_t stalled_dropped = 0, over_budget_cut = 0;
  std::size_t queued_bytes = 0;
  std::uint64_t accept_errors = 0;
  std::uint64_t keepalive_watched = 0, keepalive_pings = 0, keepalive_hang_ups = 0;
  std::size_t descriptor_limit = 0, open_descriptors = 0;
  std::uint64_t chat_said = 0, chat_dropped_outgoing = 0, chat_rate_limited = 0, chat_bad_messages = 0;
};

class Metrics {
 public:
  // Application messages (a WebSocket message, or one chat message in a poll body).
  void message(Carrier c, wire::Direction d, std::size_t payload_bytes);
  // Bytes that crossed the wire (tap only): frame headers + payloads, HTTP heads + bodies.
  void wire_bytes(Carrier c, wire::Direction d, std::size_t bytes);
  void violation(const std::string& rule);
  void http_request() { ++http_requests_; }
  // TLS records the tap observed (--tls-cert), and those folded into a summary event (the burst bound).
  void tls_record(bool summarised) { ++tls_records_; tls_records_summarised_ += summarised ? 1 : 0; }

  std::uint64_t messages(Carrier c, wire::Direction d) const { return messages_[index(c, d)]; }
  std::uint64_t violations(const std::string& rule) const;
  std::string render(const Gauges& g) const;

 private:
  static std::size_t index(Carrier c, wire::Direction d) {
    return static_cast<std::size_t>(c) * 2 + static_cast<std::size_t>(d);
  }
  std::array<std::uint64_t, 6> messages_{};
  std::array<std::uint64_t, 6> payload_bytes_{};
  std::array<std::uint64_t, 6> wire_bytes_{};
  std::map<std::string, std::uint64_t> violations_;
  std::uint64_t http_requests_ = 0;
  std::uint64_t tls_records_ = 0, tls_records_summarised_ = 0;
};

}  // namespace relay
