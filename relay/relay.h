// relay::Relay: the process's one application object. It owns the lws context
// (edge, inner and mirror vhosts), the chat service, the long-poll sessions,
// the mirror hub and the metrics; lws callbacks find it through the context's
// user pointer (Relay::of) and translate lws events into calls on the parts
// (the callbacks only translate events into calls). Everything runs on the one lws service thread; the only
// cross-thread entry is request_stop() (signals).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include <libwebsockets.h>

#include "relay/chat/service.h"
#include "relay/clock.h"
#include "relay/connections.h"
#include "relay/event_loop.h"
#include "relay/listen_address.h"
#include "relay/lws_handles.h"
#include "relay/metrics.h"
#include "relay/mirror/mirror_hub.h"
#include "relay/options.h"
#include "relay/poll/sessions.h"

namespace relay {

class EdgeTap;
class SocketTap;
class Tap;
class InnerServer;
class MirrorServer;

class Relay {
 public:
  explicit Relay(Options options);
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // Creates the context, prints the listening lines, serves until a stop is
  // requested, says goodbye (close 1001, held polls answered). Returns the exit code.
  int run();
  // Safe from a signal handler or another thread.
  static void request_stop();
  static bool stop_requested();

  static Relay& of(lws* wsi);

  // Hooks for main.cpp: after the listening lines (with the chat port), and
  // after the goodbye, before the context goes (e.g. start and stop --demo).
  std::function<void(int port)> on_listening;
  std::function<void()> on_stopping;

  // The parts, for the callbacks (all on the service thread).
  const Options& options() const { return options_; }
  const Clock& clock() const { return clock_; }
  std::int64_t now_us() const { return clock_.now_us(); }
  Metrics& metrics() { return metrics_; }
  Connections& connections() { return connections_; }
  MirrorHub& hub() { return hub_; }
  chat::Service& chat() { return chat_; }
  poll::Sessions& polls() { return polls_; }
  Tap& tap() { return *tap_; }
  EdgeTap& edge_tap() { return *edge_tap_; }        // only where the edge vhost exists
  SocketTap* socket_tap() { return socket_tap_.get(); }   // the plain relay's tap, else nullptr
  InnerServer& inner() { return *inner_; }
  MirrorServer& mirror() { return *mirror_; }
  lws_context* context() const { return context_.get(); }
  const EventLoop& loop() const { return *loop_; }
  lws_vhost* inner_vhost() const { return inner_vh_; }
  lws_vhost* edge_vhost() const { return edge_vh_; }
  bool stopping() const { return stopping_; }

  Gauges gauges();
  void publish(wire::EventBody body) { hub_.publish(std::move(body)); }
  // A violation: counted in the metrics and published as a `violation` event.
  void violation(std::uint64_t conn, const std::string& rule, const std::string& action);

 private:
  bool create_context();
  void housekeeping();
  static void on_tick(lws_sorted_usec_list_t* sul);
  bool resolve_addresses();
  void begin_shutdown();
  void log_poll_refusals();
  bool drained() const;
  // The tap sits on each client's own socket (socket_tap.h) unless a mode
  // needs a second connection per client: TLS (the ciphertext side), an
  // upstream server, a simulated long wire (edge_tap.h).
  bool tap_on_socket() const {
    return options_.tap && !options_.tls() && !options_.upstream() && options_.delay_ms == 0 &&
           options_.jitter_ms == 0;
  }

  Options options_;
  Clock clock_;
  Metrics metrics_;
  Connections connections_;
  MirrorHub hub_;
  chat::Service chat_;
  poll::Sessions polls_;
  // Before the parts and the context: the loop outlives the context and every timer on it.
  std::unique_ptr<EventLoop> loop_;
  // One of the two (relay/tap/tap.h); tap_ points at it.
  std::unique_ptr<EdgeTap> edge_tap_;
  std::unique_ptr<SocketTap> socket_tap_;
  Tap* tap_ = nullptr;
  std::unique_ptr<InnerServer> inner_;
  std::unique_ptr<MirrorServer> mirror_;
  ContextPtr context_;
  lws_vhost* edge_vh_ = nullptr;
  lws_vhost* inner_vh_ = nullptr;
  lws_vhost* mirror_vh_ = nullptr;
  ListenAddress bind_, mirror_bind_;   // --bind / --mirror-bind, resolved
  lws_retry_bo_t no_lws_keepalive_{};   // the inner vhost's: zeros, so lws keeps no keepalive timers
  struct Tick {
    lws_sorted_usec_list_t sul;   // first member: the sul callback gets its address
    Relay* relay;
  } tick_{};
  std::int64_t last_flush_us_ = 0;
  poll::Sessions::Counters poll_logged_;   // the counts at the last log_poll_refusals() line
  int actual_port_ = 0;
  bool stopping_ = false;
};

}  // namespace relay
