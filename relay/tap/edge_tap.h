// relay::EdgeTap: the byte-exact tap (docs/platform.md, "The byte-exact tap"). The edge vhost
// accepts each client as a raw socket; a socketpair joins it to the inner
// vhost, where libwebsockets does HTTP and WebSocket for real:
//
//   client <-TCP/TLS-> edge wsi --c2s queue--> shuttle wsi <-socketpair-> inner wsi (HTTP/WS)
//                              <--s2c queue--
//
// Every byte passes through the connection's TapStream (mirror events) on its
// way. One TapConnection per client (three wsis, one id in their opaque data).
// Each direction's queue has high/low water marks that pause the reading side
// (lws_rx_flow_control). A client frame that breaks a header rule (5.1
// unmasked, ...) is not forwarded: the edge sends the relay's close frame and
// drops the connection; nobody else notices.
//
// Letting go (tick(), every 250 ms): a connection whose s2c queue has waited
// --stall-secs for the client to take a byte is dropped (it does not read, so
// no close frame could reach it); when everything queued for clients (both
// tap queues plus the inner server's /echo and chat queues) passes
// --max-queued-bytes, the largest holders get close 1013 and are let go
// until the total is back under three quarters of the budget.
//
// --upstream HOST:PORT: the shuttle is a TCP client of that server instead of
// a socketpair to the inner vhost (lws connects without blocking; client
// bytes wait in to_inner until it is connected, within the same water marks,
// for --upstream-connect-secs at most). Refused or silent: the client gets a
// 502 (no server byte can have reached it). Unless --enforce, broken rules of
// either side are only reported (TapPolicy).
//
// --delay-ms / --jitter-ms (delay_line.h): the tap stands at the client's end
// of a simulated long wire. Client bytes are tapped as they arrive, then wait
// in c2s_delay before the inner server gets them; server bytes wait in
// s2c_delay, then are tapped and written to the client. So the mirror's t_us
// are the client's send and receive times (docs/mirror-protocol.md, "link").
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <unordered_set>
#include <vector>

#include <libwebsockets.h>

#include "relay/tap/byte_queue.h"
#include "relay/tap/delay_line.h"
#include "relay/tap/session_labels.h"
#include "relay/tap/tap.h"
#include "relay/tap/tap_stream.h"
#include "relay/tap/tls_observer.h"

namespace relay {

class Relay;

struct TapConnection {
  std::uint64_t id = 0;
  lws* edge = nullptr;       // the client's socket (nullptr once closed)
  lws* shuttle = nullptr;    // our end of the socketpair (nullptr once closed)
  std::unique_ptr<TapStream> stream;
  std::unique_ptr<TlsObserver> tls;   // --tls-cert: the ciphertext side (tls_record events)
  ByteQueue to_inner;        // c2s bytes for the shuttle
  ByteQueue to_client;       // s2c bytes for the edge
  bool edge_paused = false, shuttle_paused = false;
  std::size_t c2s_unchecked = 0, s2c_unchecked = 0;   // bytes written straight through since the last check
  bool tls_timeout_cleared = false;
  bool enforcing = false;    // a rule was broken: forward nothing more, close after the close frame
  bool plain_on_tls_port = false;   // no TLS handshake on a --tls-cert relay: answered 400 "speaks https"
  std::size_t observed = 0;  // --upstream: violations reported (not enforced) on this connection
  bool upstream_waiting = false;   // --upstream: the connect is under way (c2s bytes queue in to_inner)
  bool linger = false;       // an HTTP refusal: after it, half-close and read (discard) until EOF or 2 s
  bool lingering = false;
  bool client_closed_first = false, relay_closed_first = false;
  bool told_bytes_after_close = false;   // logged once: the client sent bytes after its Close
  std::int64_t s2c_waiting_since_us = -1;   // to_client non-empty since then (-1: empty)
  std::unique_ptr<DelayLine> c2s_delay, s2c_delay;   // --delay-ms only (else nullptr)
};

class EdgeTap final : public Tap {
 public:
  explicit EdgeTap(Relay& relay);
  static const lws_protocols* protocols();   // {edge, shuttle, terminator}
  static int callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, std::size_t len);

  std::size_t size() const { return conns_.size(); }
  bool drained() const override;             // every s2c queue empty
  void stop_timers() override;               // --delay-ms: drop what is on the simulated wires, stop their timers

  // Drops stalled connections and enforces the queued-bytes budget (see above).
  void tick(std::int64_t now_us) override;
  const Counters& counters() const override { return counters_; }
  // Tap queues + inner server queues.
  std::size_t queued_bytes() const override;

 private:
  int adopt_client(lws* wsi);
  bool adopt_inner(TapConnection& c);
  bool connect_upstream(TapConnection& c);
  void upstream_connected(TapConnection& c);
  void upstream_failed(TapConnection& c, const char* why);
  void report_observed(TapConnection& c, const TapVerdict& v);
  void server_broke(TapConnection& c, const Observed& o);
  int to_shuttle(TapConnection& c, std::span<const std::uint8_t> bytes);
  int client_rx(TapConnection& c, const std::uint8_t* in, std::size_t len);
  int shuttle_rx(TapConnection& c, const std::uint8_t* in, std::size_t len);
  int to_inner(TapConnection& c, const TapVerdict& v, bool fresh = true);
  int server_rx(TapConnection& c, std::span<const std::uint8_t> bytes);
  void start_delay(TapConnection& c);
  void delay_due(std::uint64_t id, bool c2s);
  int edge_writeable(TapConnection& c);
  int linger(TapConnection& c);
  int shuttle_writeable(TapConnection& c);
  int forward(lws* to, ByteQueue& queue, std::span<const std::uint8_t> bytes, std::size_t& unchecked);
  void enforce(TapConnection& c, const TapVerdict& v, bool log_it = true);
  std::size_t held_bytes(const TapConnection& c) const;
  void take_scan();
  void drop_stalled(std::int64_t now_us);
  void enforce_budget();
  void note_s2c_queued(TapConnection& c);
  void answer_refused_request(TapConnection& c, const TapVerdict& v);
  void answer_plain_on_tls_port(TapConnection& c);
  void side_closed(std::uint64_t id, bool edge_side);
  void publish_all(std::vector<wire::EventBody>& events);
  void observe_tls(lws* wsi);
  void forget_tls(lws* edge, TapConnection& c);

  Relay& relay_;
  std::map<std::uint64_t, TapConnection> conns_;
  // The tick looks only at connections that may hold bytes, so an idle one
  // costs it nothing: those a byte moved on since the last tick (`touched_`:
  // bytes enter a connection's queues only when its client sends, the inner
  // server writes to its socketpair, or its simulated wire releases some) and
  // those that held bytes at the last tick (`holding_`). `scan_` is their union.
  std::unordered_set<std::uint64_t> touched_, holding_;
  std::vector<std::uint64_t> scan_;
  std::unordered_set<std::uint64_t> tls_ids_;   // connections with a TLS observer (their summaries are flushed)
  // TLS observers attached before RAW_ADOPT gave the connection its id (lws 4.1.6
  // may read the ClientHello inside the adoption), keyed by the edge wsi.
  std::map<const lws*, std::unique_ptr<TlsObserver>> early_tls_;
  SessionLabels session_labels_;            // relay-wide: "session #3" for a long-poll id
  std::vector<std::uint8_t> scratch_;       // forward()'s write buffer, reused
  std::vector<wire::EventBody> events_;     // one chunk's mirror events, reused
  Counters counters_;
  LinkDelay link_;                          // --delay-ms / --jitter-ms
};

}  // namespace relay
