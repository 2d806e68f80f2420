// The relay's lifecycle: context and vhosts, the listening lines, the service
// loop, housekeeping ticks, and the goodbye (close 1001, held polls answered).
#include "relay/relay.h"

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <variant>

#include <fmt/core.h>

#include "relay/descriptors.h"
#include "relay/inner/inner_server.h"
#include "relay/listen_address.h"
#include "relay/log.h"
#include "relay/mirror/mirror_server.h"
#include "relay/tap/edge_tap.h"
#include "relay/tap/socket_tap.h"

#ifndef WIRELAB_VERSION
#define WIRELAB_VERSION "0.0.0"
#endif

namespace relay {
namespace {

std::atomic<bool> g_stop{false};
// lws logs through a plain function: its gate lives here (service thread only).
LwsLogGate g_lws_log_gate;
Clock g_log_clock;

MirrorConfig mirror_config(const Options& o) {
  MirrorConfig c;
  c.max_events = o.mirror_queue_events;
  c.max_bytes = o.mirror_queue_bytes;
  c.max_payload = o.mirror_max_payload;
  c.redact = o.redact;
  c.hello.version = 1;
  std::string lws_version = lws_get_library_version();   // "4.1.6-" on Debian: keep the digits and dots
  lws_version = lws_version.substr(0, lws_version.find_first_not_of("0123456789."));
  c.hello.relay = fmt::format("wirelab-relay {} (libwebsockets {})", WIRELAB_VERSION, lws_version);
  c.hello.tap = o.tap;
  c.hello.deterministic = o.deterministic;
  if (o.delay_ms > 0 || o.jitter_ms > 0) c.hello.link = wire::Link{o.delay_ms, o.jitter_ms};
  return c;
}

chat::Limits chat_limits(const Options& o) {
  chat::Limits l;
  l.max_text_bytes = o.chat_max_text;
  l.rate_per_s = o.chat_rate;
  l.burst = o.chat_burst;
  l.max_queued = o.chat_max_queued;
  return l;
}

std::uint64_t label_seed(const Options& o) { return o.deterministic ? 7681 : std::random_device{}(); }

poll::SessionLimits poll_limits(const Options& o) {
  poll::SessionLimits l;
  l.expiry_us = std::int64_t{o.poll_expiry_secs} * 1'000'000;
  l.deterministic = o.deterministic;
  l.max_per_address = o.poll_max_per_addr;
  l.opens_per_s_per_address = o.poll_opens_per_sec_per_addr;
  l.opens_burst_per_address = 2 * o.poll_opens_per_sec_per_addr;
  l.opens_per_s = o.poll_opens_per_sec;
  l.opens_burst = 2 * o.poll_opens_per_sec;
  return l;
}

void lws_log_line(int level, const char* line) {
  if (!g_lws_log_gate.admit(line, g_log_clock.now_us())) return;   // counted, summarised by the tick
  // lws lines end with a newline already.
  fmt::print(stderr, "wirelab-relay: lws{}: {}", level == LLL_ERR ? " error" : "", line);
}

}  // namespace

Relay::Relay(Options options)
    : options_(std::move(options)),
      connections_(options_.max_conns_per_addr),
      hub_(mirror_config(options_), clock_),
      chat_(chat_limits(options_), label_seed(options_), options_.deterministic),
      polls_(poll_limits(options_)),
      inner_(std::make_unique<InnerServer>(*this)),
      mirror_(std::make_unique<MirrorServer>(*this)) {
  log::verbosity() = options_.verbose;
  if (tap_on_socket()) {
    socket_tap_ = std::make_unique<SocketTap>(*this);
    tap_ = socket_tap_.get();
  } else {
    edge_tap_ = std::make_unique<EdgeTap>(*this);
    tap_ = edge_tap_.get();
  }
  hub_.set_snapshot([this] { return connections_.snapshot(); });
  chat_.on_ready = [this](chat::ParticipantId id) { inner_->on_chat_ready(id); };
  chat_.on_note = [this](const chat::ChatNote& n) { inner_->on_chat_note(n); };
  tick_.relay = this;
}

Relay::~Relay() {
  tap_->stop_timers();   // its timers live in the context's lists
  // Destroy the context (and with it every wsi and its callbacks) while the
  // parts the callbacks use still exist.
  context_.reset();
}

void Relay::request_stop() { g_stop.store(true); }
bool Relay::stop_requested() { return g_stop.load(); }

Relay& Relay::of(lws* wsi) { return *static_cast<Relay*>(lws_context_user(lws_get_context(wsi))); }

void Relay::violation(std::uint64_t conn, const std::string& rule, const std::string& action) {
  metrics_.violation(rule);
  publish(wire::Violation{conn, rule, action});
}

Gauges Relay::gauges() {
  Gauges g;
  g.tcp_connections = connections_.count(wire::Transport::tcp);
  g.tls_connections = connections_.count(wire::Transport::tls);
  g.websocket_participants = inner_->ws_participants();
  g.long_poll_participants = polls_.size();
  g.websockets_open = inner_->websockets();
  g.poll_sessions = polls_.size();
  g.polls_held = inner_->held_polls();
  g.keepalive_watched = inner_->keepalive().size();
  g.keepalive_pings = inner_->keepalive().pings();
  g.keepalive_hang_ups = inner_->keepalive().hang_ups();
  g.mirror_subscribers = hub_.subscribers();
  g.mirror_dropped = hub_.dropped_total();
  g.mirror_events = hub_.published();
  g.mirror_handshakes_kept = hub_.handshakes_kept();
  g.mirror_handshakes_not_kept = hub_.handshakes_not_kept();
  g.over_cap_rejected = connections_.rejected_over_cap();
  const auto& c = chat_.counters();
  g.chat_said = c.said;
  g.chat_dropped_outgoing = c.dropped_outgoing;
  g.chat_rate_limited = c.rate_limited;
  g.chat_bad_messages = c.bad_messages;
  const auto& p = polls_.counters();
  g.poll_refused_store_full = p.refused_store_full;
  g.poll_refused_address_full = p.refused_address_full;
  g.poll_refused_address_rate = p.refused_address_rate;
  g.poll_refused_relay_rate = p.refused_relay_rate;
  g.poll_wrong_address = p.wrong_address;
  g.stalled_dropped = tap_->counters().stalled;
  g.over_budget_cut = tap_->counters().over_budget;
  g.queued_bytes = tap_->queued_bytes();
  g.accept_errors = g_lws_log_gate.accept_errors();
  g.descriptor_limit = descriptor_limit();
  g.open_descriptors = open_descriptors();
  return g;
}

// --bind and --mirror-bind as numeric addresses (listen_address.h says why
// lws is never given a name); the mirror's token rule on the resolved address.
bool Relay::resolve_addresses() {
  auto chat = resolve_listen_address(options_.bind);
  if (const auto* why = std::get_if<std::string>(&chat)) {
    log::info("--bind {}: {}", options_.bind, *why);
    return false;
  }
  auto mirror = resolve_listen_address(options_.mirror_bind);
  if (const auto* why = std::get_if<std::string>(&mirror)) {
    log::info("--mirror-bind {}: {}", options_.mirror_bind, *why);
    return false;
  }
  bind_ = std::get<ListenAddress>(chat);
  mirror_bind_ = std::get<ListenAddress>(mirror);
  if (!mirror_bind_.loopback && options_.mirror_token.empty()) {
    log::info("--mirror-bind {} is {}, not loopback: set --mirror-token", options_.mirror_bind, mirror_bind_.numeric);
    return false;
  }
  return true;
}

bool Relay::create_context() {
  if (!resolve_addresses()) return false;
  const int lws_levels = LLL_ERR | LLL_WARN | (options_.verbose >= 2 ? LLL_NOTICE : 0);
  lws_set_log_level(lws_levels, lws_log_line);

  const RaisedLimit raised = raise_descriptor_limit();
  lws_context_creation_info info{};
  info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
  info.user = this;
  info.port = CONTEXT_PORT_NO_LISTEN;
  // lws 4.1.6 keeps 4 KiB of header data per request and closes silently past
  // it; the tap answers heads over wire::RequestLimits' 8 KiB with 431 first.
  info.max_http_header_data = 16 * 1024;
  LoopKind kind = LoopKind::epoll;
  parse_loop_kind(options_.event_loop, kind);   // CLI11 allowed only the two names
  loop_ = std::make_unique<EventLoop>(kind);
  if (!loop_->error().empty()) {
    log::info("{}", loop_->error());
    return false;
  }
  loop_->configure(info);
  std::size_t table = 0;
  {
    // No fd_limit_per_thread: lws's table is sized while the soft limit is held below (descriptors.h).
    const LwsTableScope scope;
    context_.reset(lws_create_context(&info));
    table = scope.table();
  }
  set_lws_table(table);
  log::detail("descriptors: ulimit -n {} (was {}, hard limit {}); libwebsockets' table {}", raised.now, raised.before,
              raised.hard, table);
  if (!context_) {
    log::info("could not create the libwebsockets context{}",
              kind == LoopKind::epoll ? ": is Debian's libwebsockets-evlib-ev installed (scripts/setup installs it)? "
                                        "--event-loop poll runs without it"
                                      : "");
    return false;
  }

  // Keepalive (--ping-secs, --hangup-secs) is the inner server's own
  // (relay/inner/keepalive.h): lws's costs O(open connections) per ping. A
  // policy whose hang-up is 0 makes lws 4.1.6 keep no keepalive timer at all.
  no_lws_keepalive_.secs_since_valid_ping = 0;
  no_lws_keepalive_.secs_since_valid_hangup = 0;

  const std::uint64_t tls_options = options_.tls() ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0;
  // The inner vhost: HTTP, /chat, /echo, long-poll. Behind the edge tap it
  // listens nowhere (connections arrive through socketpairs); otherwise it is
  // the listener (--no-tap, or the tap on each client's socket).
  lws_context_creation_info inner{};
  inner.vhost_name = "inner";
  inner.protocols = InnerServer::protocols();
  inner.retry_and_idle_policy = &no_lws_keepalive_;
  // RFC 7692: only on request, since compressed payloads hide the text the masking lesson unmasks.
  static const lws_extension kDeflate[] = {
      {"permessage-deflate", lws_extension_callback_pm_deflate,
       "permessage-deflate; client_no_context_takeover; client_max_window_bits"},
      {nullptr, nullptr, nullptr},
  };
  if (options_.permessage_deflate) inner.extensions = kDeflate;
  const bool behind_edge = options_.tap && !tap_on_socket();
  if (behind_edge) {
    inner.port = CONTEXT_PORT_NO_LISTEN_SERVER;
  } else {
    inner.port = options_.port;
    inner.iface = bind_.numeric.c_str();
    inner.options = tls_options | exact_bind_options(bind_);
    if (options_.tls()) {
      inner.ssl_cert_filepath = options_.tls_cert.c_str();
      inner.ssl_private_key_filepath = options_.tls_key.c_str();
      inner.alpn = "http/1.1";
    }
  }
  inner_vh_ = lws_create_vhost(context_.get(), &inner);
  if (inner_vh_ == nullptr) {
    log::info("could not listen on {} (--bind {})", host_port(bind_, options_.port), options_.bind);
    return false;
  }
  int port = behind_edge ? 0 : lws_get_vhost_listen_port(inner_vh_);

  if (behind_edge) {
    // The edge: accepts clients as raw sockets (docs/platform.md, "The byte-exact tap").
    lws_context_creation_info edge{};
    edge.vhost_name = "edge";
    edge.port = options_.port;
    edge.iface = bind_.numeric.c_str();
    edge.protocols = EdgeTap::protocols();
    edge.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG | tls_options | exact_bind_options(bind_);
    edge.listen_accept_role = "raw-skt";
    edge.listen_accept_protocol = "wirelab-edge";
    if (options_.tls()) {
      // A connection whose first byte is not a TLS record is let in (lws 4.1.6
      // fails it unless one of the "what next" options is set too) so that the
      // tap can answer http:// with a 400 that says "https"; none is served
      // (EdgeTap::answer_plain_on_tls_port).
      edge.options |= LWS_SERVER_OPTION_ALLOW_NON_SSL_ON_SSL_PORT | LWS_SERVER_OPTION_ALLOW_HTTP_ON_HTTPS_LISTENER;
      edge.ssl_cert_filepath = options_.tls_cert.c_str();
      edge.ssl_private_key_filepath = options_.tls_key.c_str();
      edge.alpn = "http/1.1";   // the inner side speaks HTTP/1.1 only
      edge.ssl_info_event_mask = SSL_CB_HANDSHAKE_START;   // EdgeTap::observe_tls: the ciphertext side
    }
    edge_vh_ = lws_create_vhost(context_.get(), &edge);
    if (edge_vh_ == nullptr) {
      log::info("could not listen on {} (--bind {})", host_port(bind_, options_.port), options_.bind);
      return false;
    }
    port = lws_get_vhost_listen_port(edge_vh_);
  }

  lws_context_creation_info mirror{};
  mirror.vhost_name = "mirror";
  mirror.port = options_.mirror_port;
  mirror.iface = mirror_bind_.numeric.c_str();
  mirror.options = exact_bind_options(mirror_bind_);
  mirror.protocols = MirrorServer::protocols();
  mirror_vh_ = lws_create_vhost(context_.get(), &mirror);
  if (mirror_vh_ == nullptr) {
    log::info("could not listen on {} for the mirror (--mirror-bind {})", host_port(mirror_bind_, options_.mirror_port),
              options_.mirror_bind);
    return false;
  }
  const int mirror_port = lws_get_vhost_listen_port(mirror_vh_);
  if (port <= 0 || mirror_port <= 0) {   // never "listening on ...:0"
    log::info("a listener has no port (chat {}, mirror {})", port, mirror_port);
    return false;
  }

  // The process contract: one line each on stdout, flushed (tests wait for them).
  fmt::print("wirelab-relay: listening on {}://{}\n", options_.tls() ? "https" : "http", host_port(bind_, port));
  fmt::print("wirelab-relay: mirror on ws://{}/mirror\n", host_port(mirror_bind_, mirror_port));
  std::fflush(stdout);
  actual_port_ = port;
  return true;
}

void Relay::on_tick(lws_sorted_usec_list_t* sul) {
  reinterpret_cast<Tick*>(sul)->relay->housekeeping();
}

void Relay::housekeeping() {
  const std::int64_t now = now_us();
  inner_->tick(now);
  if (options_.tap) tap_->tick(now);
  if (const std::string s = g_lws_log_gate.summary(g_log_clock.now_us()); !s.empty()) log::info("{}", s);
  if (now - last_flush_us_ >= 1'000'000) {
    log_poll_refusals();
    hub_.flush_capture();
    last_flush_us_ = now;
  }
  lws_sul_schedule(context_.get(), 0, &tick_.sul, on_tick, 250 * LWS_US_PER_MS);
}

// Once a second at most: what the long-poll limits refused since the last
// line (counts only; never an address or an id).
void Relay::log_poll_refusals() {
  const poll::Sessions::Counters& c = polls_.counters();
  const poll::Sessions::Counters& p = poll_logged_;
  const std::uint64_t full = c.refused_address_full - p.refused_address_full;
  const std::uint64_t rate = c.refused_address_rate - p.refused_address_rate;
  const std::uint64_t relay_rate = c.refused_relay_rate - p.refused_relay_rate;
  const std::uint64_t store = c.refused_store_full - p.refused_store_full;
  const std::uint64_t wrong = c.wrong_address - p.wrong_address;
  if (full + rate + relay_rate + store + wrong == 0) return;
  log::info("long-poll limits in the last second: {} opens over --poll-max-per-addr, {} over the per-address "
            "rate, {} over the relay-wide rate, {} with the store full; {} session ids used from another address",
            full, rate, relay_rate, store, wrong);
  poll_logged_ = c;
}

void Relay::begin_shutdown() {
  stopping_ = true;
  log::info("stopping: close 1001 to {} WebSockets, answering {} held polls", inner_->websockets(),
            inner_->held_polls());
  inner_->say_goodbye();
  mirror_->say_goodbye();
}

bool Relay::drained() const {
  return inner_->websockets() == 0 && inner_->held_polls() == 0 && mirror_->size() == 0 && tap_->drained();
}

int Relay::run() {
  if (!create_context()) return 1;
  if (!options_.capture.empty()) {
    log::info("WARNING: --capture {}: every mirror event is written to this file, chat text included{}",
              options_.capture, options_.redact ? " (redacted: no payload bytes)" : "");
    if (std::string why = hub_.open_capture(options_.capture); !why.empty()) {
      log::info("{}", why);
      return 1;
    }
  }
  log::info("ready: tap {}, tls {}, permessage-deflate {}, mirror payload limit {} bytes, event loop {}{}",
            !options_.tap ? "off" : tap_on_socket() ? "on (each client's own socket)" : "on (edge and shuttle)", options_.tls() ? "on" : "off", options_.permessage_deflate ? "offered" : "off",
            options_.mirror_max_payload, loop_->backend(), options_.redact ? ", redacted" : "");
  if (options_.upstream()) {
    log::info("upstream: every client is forwarded to {}:{} (the relay's chat is not served); broken rules are {}",
              options_.upstream_host, options_.upstream_port,
              options_.enforce ? "enforced (--enforce)" : "shown, not enforced (add --enforce to close)");
  }
  lws_sul_schedule(context_.get(), 0, &tick_.sul, on_tick, 250 * LWS_US_PER_MS);
  loop_->start(context_.get());
  if (on_listening) on_listening(actual_port_);

  while (!stop_requested()) {
    if (!loop_->serve_once(context_.get())) break;
  }
  begin_shutdown();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (!drained() && std::chrono::steady_clock::now() < deadline) {
    if (!loop_->serve_once(context_.get())) break;
  }
  if (on_stopping) on_stopping();
  hub_.flush_capture();
  lws_sul_cancel(&tick_.sul);
  tap_->stop_timers();   // their timers live in lws's lists: out before the context goes
  context_.reset();
  log::info("stopped");
  return 0;
}

}  // namespace relay
