// Statistics per transport (issue 4 §2): the same chat over WebSocket and
// over long-poll, measured from the bytes the relay mirrored. The Polling
// scene draws them; the Model calls Stats::add() once per entry.
//
// A "chat message" has two legs:
//   send     client -> relay  WebSocket: the c2s text frame {"type":"say"}
//                             long-poll: POST /poll/send with that body, and its 204
//   delivery relay -> client  WebSocket: the s2c text frame {"type":"said"}
//                             long-poll: GET /poll/recv and its 200 whose JSON array holds the said
// Header bytes are frame headers (2-14 bytes) or whole HTTP heads (request
// line/status line, header fields, empty line); payload bytes are frame
// payloads or HTTP bodies. Per-message figures add the mean send leg and the
// mean delivery leg, so a pair of strangers on different transports still
// gives each transport its own leg. Everything else on the transport's
// connections (upgrades, idle polls that end in 204, pings, welcome, typing)
// is counted in the totals, which the cumulative curves use.
// Only the JSON `type`, `from` and `you` fields are read; message text is
// never stored (transit without storage). GL-free; tested in tests/visualizer/teach_stats_test.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/latency.h"
#include "model/model.h"

namespace viz {

enum class TransportKind : std::uint8_t { websocket, long_poll };
const char* transport_kind_name(TransportKind k);   // "WebSocket" | "long-poll"

struct LatencyStats {
  std::uint64_t samples = 0;
  double sum_ms = 0.0, min_ms = 0.0, max_ms = 0.0, last_ms = 0.0;
  double mean_ms() const { return samples ? sum_ms / static_cast<double>(samples) : 0.0; }
  void add(double ms);
};

// One point of a cumulative curve: after the n-th delivered chat message on
// this transport, this many bytes had crossed its connections in total.
struct CumulativePoint {
  std::uint64_t message = 0;   // n, 1-based
  std::uint64_t bytes = 0;     // all bytes on the transport so far
  std::int64_t t_us = 0;
};

class TransportStats {
 public:
  // Chat-message legs.
  std::uint64_t sends = 0, deliveries = 0;
  std::uint64_t send_header_bytes = 0, send_payload_bytes = 0, send_requests = 0;
  std::uint64_t delivery_header_bytes = 0, delivery_payload_bytes = 0, delivery_requests = 0;
  // Everything on this transport's connections.
  std::uint64_t total_header_bytes = 0, total_payload_bytes = 0, total_requests = 0, total_units = 0;
  LatencyStats latency;   // send -> delivery, where both ends were seen
  LatencySamples latency_samples;   // the same, one sample each (newest kept): the distribution

  bool has_messages() const { return sends > 0 || deliveries > 0; }
  std::uint64_t total_bytes() const { return total_header_bytes + total_payload_bytes; }
  // Mean send leg + mean delivery leg (a leg never seen counts 0).
  double header_bytes_per_message() const;
  double payload_bytes_per_message() const;
  double bytes_per_message() const { return header_bytes_per_message() + payload_bytes_per_message(); }
  double requests_per_message() const;        // the requests that carried the message
  double all_requests_per_message() const;    // every request (idle polls, open) / messages delivered
  // At most max_points; when full, every other point is dropped and the stride doubles.
  const std::vector<CumulativePoint>& cumulative() const { return cumulative_; }
  void add_cumulative_point(std::int64_t t_us);

  static constexpr std::size_t max_points = 4096;

 private:
  std::vector<CumulativePoint> cumulative_;
  std::uint64_t stride_ = 1;
};

class Stats {
 public:
  Stats();
  ~Stats();
  Stats(const Stats&) = delete;
  Stats& operator=(const Stats&) = delete;
  // Called by the Model once per entry, after it is appended; m is not used
  // beyond this call. The overload without m is what the tests drive.
  void add(const Entry& e, const Model& m);
  void add(const Entry& e);

  const TransportStats& of(TransportKind k) const { return k == TransportKind::websocket ? ws_ : poll_; }
  const TransportStats& websocket() const { return ws_; }
  const TransportStats& long_poll() const { return poll_; }
  // long-poll bytes / WebSocket bytes per message; nullopt unless both have messages.
  std::optional<double> bytes_ratio() const;
  // Deliveries whose send was not seen (sender unknown, or its send evicted): no latency for them.
  std::uint64_t unmatched_deliveries() const { return unmatched_; }

 private:
  struct Tracker;                 // per-connection and per-stranger state (stats.cpp)
  void on_http(const Entry& e);
  void on_send(const std::string& who, std::int64_t t_us);
  // request_t_us: when the long-poll recv that carried the message was sent (-1 for WebSocket).
  void on_delivery(TransportKind k, const std::string& from, const std::string& receiver, std::int64_t t_us,
                   std::int64_t request_t_us = -1);
  TransportStats& mut(TransportKind k) { return k == TransportKind::websocket ? ws_ : poll_; }
  TransportStats ws_, poll_;
  std::unique_ptr<Tracker> tracker_;
  std::uint64_t unmatched_ = 0;
};

}  // namespace viz
