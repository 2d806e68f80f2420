// The tap's lws half: the edge and shuttle raw protocols (docs/platform.md, "The byte-exact tap").
#include "relay/tap/edge_tap.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>

#include <fmt/core.h>

#include "relay/descriptors.h"
#include "relay/inner/inner_server.h"
#include "relay/log.h"
#include "relay/relay.h"
#include "relay/tap/answers.h"
#include "wire/close_code.h"
#include "wire/frame.h"
#include "wire/request_rules.h"

namespace relay {
namespace {

constexpr unsigned kEdgeId = 1;      // lws copies protocol arrays: compare by id, never by address
constexpr unsigned kShuttleId = 2;
constexpr std::size_t kHighWater = 256 * 1024;   // pause the reading side above this ...
constexpr std::size_t kLowWater = 64 * 1024;     // ... and resume below this
constexpr std::size_t kMaxObserved = 64;         // violation events shown per connection while observing

// The connection's judge (tap_stream.h): the relay's own server, or --upstream's.
TapPolicy tap_policy(const Options& o) {
  if (!o.upstream()) return TapPolicy{};
  return TapPolicy{false, o.enforce, true, true};
}

const lws_protocols kEdgeProtocols[] = {
    {"wirelab-edge", EdgeTap::callback, 0, 64 * 1024, kEdgeId, nullptr, 0},
    {"wirelab-shuttle", EdgeTap::callback, 0, 64 * 1024, kShuttleId, nullptr, 0},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0},   // terminator
};

// Bytes a connection's simulated wire holds (--delay-ms; 0 without it).
std::size_t delayed(const std::unique_ptr<DelayLine>& line) { return line ? line->size() : 0; }

}  // namespace

EdgeTap::EdgeTap(Relay& relay)
    : relay_(relay),
      link_(relay.options().delay_ms, relay.options().jitter_ms, relay.options().deterministic) {}

const lws_protocols* EdgeTap::protocols() { return kEdgeProtocols; }

bool EdgeTap::drained() const {
  for (const auto& [id, c] : conns_) {
    if (!c.to_client.empty() || delayed(c.s2c_delay) > 0) return false;
  }
  return true;
}

void EdgeTap::stop_timers() {
  for (auto& [id, c] : conns_) {
    if (c.c2s_delay) c.c2s_delay->clear();
    if (c.s2c_delay) c.s2c_delay->clear();
  }
}

int EdgeTap::callback(lws* wsi, lws_callback_reasons reason, void* /*user*/, void* in, std::size_t len) {
  // Accepted, not yet adopted: lws must never be handed a socket past its table (descriptors.h).
  if (reason == LWS_CALLBACK_FILTER_NETWORK_CONNECTION) return fits_lws_table(accepted_fd(in)) ? 0 : 1;
  // Only edge wsis have TLS, and lws sends WSI_DESTROY to the vhost's first
  // protocol (the edge's): both may come before the wsi has a protocol.
  if (reason == LWS_CALLBACK_SSL_INFO) {   // SSL_CB_HANDSHAKE_START: before the first TLS byte is read
    Relay::of(wsi).edge_tap().observe_tls(wsi);
    return 0;
  }
  if (reason == LWS_CALLBACK_WSI_DESTROY) {   // the SSL is freed by now: never touch it
    EdgeTap& tap = Relay::of(wsi).edge_tap();
    if (auto early = tap.early_tls_.find(wsi); early != tap.early_tls_.end()) {
      early->second->abandon();
      tap.early_tls_.erase(early);
    }
    // --upstream: a connect that failed may end without RAW_CLOSE (it never was established).
    auto it = tap.conns_.find(conn_id(wsi));
    if (Relay::of(wsi).options().upstream() && it != tap.conns_.end() && it->second.shuttle == wsi) {
      if (it->second.upstream_waiting) tap.upstream_failed(it->second, "gone before it connected");
      else tap.side_closed(it->first, false);
    }
    return 0;
  }
  if (reason == LWS_CALLBACK_CLIENT_CONNECTION_ERROR) {   // --upstream's connect failed (maybe inside the call)
    EdgeTap& tap = Relay::of(wsi).edge_tap();
    auto it = tap.conns_.find(conn_id(wsi));
    if (it != tap.conns_.end()) tap.upstream_failed(it->second, in != nullptr ? static_cast<const char*>(in) : "");
    return 0;
  }
  const lws_protocols* p = lws_get_protocol(wsi);
  if (p == nullptr) return 0;   // TLS setup callbacks have no protocol yet
  const bool edge = p->id == kEdgeId;
  EdgeTap& tap = Relay::of(wsi).edge_tap();
  if (reason == LWS_CALLBACK_RAW_ADOPT) return edge ? tap.adopt_client(wsi) : 0;

  auto it = tap.conns_.find(conn_id(wsi));
  const auto* bytes = static_cast<const std::uint8_t*>(in);
  switch (reason) {
    case LWS_CALLBACK_RAW_CONNECTED:   // only --upstream's shuttle is a client
      if (it == tap.conns_.end()) return -1;
      it->second.shuttle = wsi;   // the connect may complete inside lws_client_connect_via_info
      tap.upstream_connected(it->second);
      return 0;
    case LWS_CALLBACK_RAW_RX:
      if (it == tap.conns_.end()) return -1;
      tap.touched_.insert(it->first);
      return edge ? tap.client_rx(it->second, bytes, len) : tap.shuttle_rx(it->second, bytes, len);
    case LWS_CALLBACK_RAW_WRITEABLE:
      if (it == tap.conns_.end()) return -1;
      tap.touched_.insert(it->first);
      return edge ? tap.edge_writeable(it->second) : tap.shuttle_writeable(it->second);
    case LWS_CALLBACK_RAW_CLOSE:
      tap.side_closed(conn_id(wsi), edge);
      return 0;
    default:
      return 0;
  }
}

// A client connected to the edge: register it, make the socketpair, adopt
// one end as our shuttle and the other as an HTTP connection of the inner vhost.
int EdgeTap::adopt_client(lws* wsi) {
  Relay& r = relay_;
  char address[128] = "";
  lws_get_peer_simple(wsi, address, sizeof address);
  const auto transport = lws_is_ssl(wsi) ? wire::Transport::tls : wire::Transport::tcp;
  ConnRecord& rec = r.connections().add(transport, address, r.now_us());
  const std::uint64_t id = rec.id;

  TapConnection& c = conns_[id];
  c.id = id;
  c.edge = wsi;
  c.stream = std::make_unique<TapStream>(id, r.options().mirror_max_payload, r.metrics(), session_labels_,
                                         tap_policy(r.options()));
  set_conn_id(wsi, id);
  if (link_.active()) start_delay(c);
  if (r.options().upstream()) {
    r.publish(wire::Open{id, transport});   // before the connect: a refusal's 502 follows it
    if (!connect_upstream(c)) return -1;
  } else {
    if (!adopt_inner(c)) return -1;
    r.publish(wire::Open{id, transport});
  }
  if (auto early = early_tls_.extract(wsi)) {
    c.tls = std::move(early.mapped());
    c.tls->start(id);   // after `open`: the records read during the adoption
    tls_ids_.insert(id);
  }
  touched_.insert(id);
  log::detail("conn #{}: open ({}), {} connections", id, transport == wire::Transport::tls ? "tls" : "tcp",
              r.connections().size());
  return 0;
}

// The relay's own server: a socketpair, one end adopted as our shuttle, the
// other as an HTTP connection of the inner vhost. False: the connection is dropped.
bool EdgeTap::adopt_inner(TapConnection& c) {
  Relay& r = relay_;
  const std::uint64_t id = c.id;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) != 0) {
    log::info("conn #{}: socketpair failed ({}; {} of ulimit -n {} descriptors open, 3 per tapped client); "
              "dropping the connection", id, std::strerror(errno), open_descriptors(), descriptor_limit());
    conns_.erase(id);
    r.connections().remove(id);
    return false;
  }
  Fd shuttle_fd(sv[0]), inner_fd(sv[1]);
  if (!fits_lws_table(sv[0]) || !fits_lws_table(sv[1])) {   // lws must never be handed these (descriptors.h)
    log::detail("conn #{}: its socketpair is past libwebsockets' table of {}; dropping the connection", id,
                lws_table());
    conns_.erase(id);
    r.connections().remove(id);
    return false;
  }

  lws_adopt_desc_t shuttle{};
  shuttle.vh = r.edge_vhost();
  shuttle.type = LWS_ADOPT_SOCKET;
  shuttle.fd.sockfd = shuttle_fd.release();
  shuttle.vh_prot_name = "wirelab-shuttle";
  shuttle.opaque = id_as_opaque(id);
  c.shuttle = lws_adopt_descriptor_vhost_via_info(&shuttle);   // closes the fd itself on failure
  if (c.shuttle == nullptr) {
    log::info("conn #{}: adopting the shuttle failed (libwebsockets' table is full at {} of ulimit -n {} "
              "descriptors open, 3 per tapped client); dropping the connection", id, open_descriptors(),
              descriptor_limit());
    conns_.erase(id);
    r.connections().remove(id);
    return false;
  }
  lws_adopt_desc_t inner{};
  inner.vh = r.inner_vhost();
  inner.type = static_cast<lws_adoption_type>(LWS_ADOPT_SOCKET | LWS_ADOPT_HTTP);
  inner.fd.sockfd = inner_fd.release();
  inner.opaque = id_as_opaque(id);
  if (lws_adopt_descriptor_vhost_via_info(&inner) == nullptr) {
    log::info("conn #{}: adopting the inner side failed; dropping the connection", id);
    c.enforcing = true;
    lws_callback_on_writable(c.shuttle);
    return false;
  }
  return true;
}

// --upstream: the shuttle is a TCP client of HOST:PORT; lws connects without
// blocking (RAW_CONNECTED or CLIENT_CONNECTION_ERROR follow, maybe inside the
// call). Client bytes wait in to_inner meanwhile. False: the connection is dropped.
bool EdgeTap::connect_upstream(TapConnection& c) {
  const Options& o = relay_.options();
  lws_client_connect_info i{};
  i.context = relay_.context();
  i.vhost = relay_.edge_vhost();
  i.address = o.upstream_host.c_str();
  i.port = o.upstream_port;
  i.host = i.address;
  i.origin = i.address;
  i.path = "/";
  i.method = "RAW";   // lws 4.1.6: a raw-skt client, bytes both ways as RAW_RX / lws_write(LWS_WRITE_RAW)
  i.local_protocol_name = "wirelab-shuttle";
  i.opaque_user_data = id_as_opaque(c.id);
  c.upstream_waiting = true;
  if (!next_descriptor_fits_lws_table()) {   // lws must never make a socket past its table (descriptors.h)
    upstream_failed(c, "out of descriptors");
    return true;   // the edge stays to carry the 502
  }
  lws* wsi = lws_client_connect_via_info(&i);
  if (wsi == nullptr) {
    upstream_failed(c, "the connect could not start");   // nothing if the error callback told already
    return true;   // the edge stays to carry the 502
  }
  if (c.upstream_waiting) {
    c.shuttle = wsi;
    lws_set_timeout(wsi, PENDING_TIMEOUT_AWAITING_CONNECT_RESPONSE, o.upstream_connect_secs);
  }
  return true;
}

void EdgeTap::upstream_connected(TapConnection& c) {
  c.upstream_waiting = false;
  lws_set_timeout(c.shuttle, NO_PENDING_TIMEOUT, 0);
  log::detail("conn #{}: connected to the upstream", c.id);
  // Bytes the client sent meanwhile go now; a client already gone closes this side.
  if (!c.to_inner.empty() || c.edge == nullptr || c.enforcing) lws_callback_on_writable(c.shuttle);
}

// Refused, unreachable, or no answer within --upstream-connect-secs: nothing reached the
// server. A client that has had no server byte yet gets a 502 that says so
// (RFC 9110 15.6.3); one that has closes. Then this side counts as closed.
void EdgeTap::upstream_failed(TapConnection& c, const char* why) {
  if (!c.upstream_waiting) return;
  c.upstream_waiting = false;
  c.to_inner.clear();
  const Options& o = relay_.options();
  log::info("conn #{}: the upstream {}:{} did not take the connection ({}): answered 502", c.id, o.upstream_host,
            o.upstream_port, why);
  if (c.edge != nullptr && !c.enforcing && c.stream->at_server_message_boundary()) {
    TapVerdict v;
    const wire::RequestRefusal refusal = wire::upstream_unreachable();
    v.http_status = refusal.status;
    v.rule = refusal.rule + ": " + refusal.reason;
    v.response = wire::build_refusal_response(refusal);
    c.enforcing = true;
    answer_refused_request(c, v);
  }
  c.shuttle = nullptr;   // the wsi (if any) is lws's to free; side_closed must not wait for it
  side_closed(c.id, false);   // may erase c
}

// The ciphertext side (relay/tap/tls_observer.h): lws 4.1.6 reports
// SSL_CB_HANDSHAKE_START (vhost ssl_info_event_mask) from inside SSL_accept,
// before OpenSSL reads the ClientHello, sometimes before RAW_ADOPT.
void EdgeTap::observe_tls(lws* wsi) {
  SSL* ssl = lws_get_ssl(wsi);
  if (ssl == nullptr) return;
  auto it = conns_.find(conn_id(wsi));
  if (it != conns_.end() && it->second.tls) return;   // already watched (a later handshake message)
  if (it == conns_.end() && early_tls_.count(wsi) > 0) return;
  auto observer = std::make_unique<TlsObserver>(
      it == conns_.end() ? 0 : it->first, ssl, relay_.metrics(),
      [this](wire::EventBody body) { relay_.publish(std::move(body)); }, [this] { return relay_.now_us(); });
  if (it != conns_.end()) {
    it->second.tls = std::move(observer);
    tls_ids_.insert(it->first);
  } else {
    early_tls_[wsi] = std::move(observer);
  }
}

// The SSL goes with the edge wsi: stop watching it (or forget it untouched
// when lws already freed it: plain http on the TLS port).
void EdgeTap::forget_tls(lws* edge, TapConnection& c) {
  if (!c.tls) return;
  if (edge == nullptr || lws_get_ssl(edge) != c.tls->ssl()) c.tls->abandon();
  else c.tls->detach();
}

void EdgeTap::publish_all(std::vector<wire::EventBody>& events) {
  for (auto& e : events) relay_.publish(std::move(e));
  events.clear();
}

// c2s: tap, then queue for the inner server (only the bytes before a broken rule).
// Fair shares come from lws 4.1.6 itself: a raw socket is read once per poll
// turn, at most pt_serv_buf_size (4 KiB), so a flood gets 4 KiB a turn like a
// quiet pair; its queues then pause it (water marks) or cut it (tick()).
int EdgeTap::client_rx(TapConnection& c, const std::uint8_t* in, std::size_t len) {
  if (!c.tls_timeout_cleared) {
    // lws arms a 5 s timeout on TLS adoption that raw never clears.
    lws_set_timeout(c.edge, NO_PENDING_TIMEOUT, 0);
    c.tls_timeout_cleared = true;
    // lws decides "not TLS" only when the first bytes arrive, after adoption.
    c.plain_on_tls_port = relay_.options().tls() && !lws_is_ssl(c.edge);
    if (c.plain_on_tls_port) forget_tls(c.edge, c);
  }
  if (c.enforcing) return 0;
  if (c.plain_on_tls_port) {
    answer_plain_on_tls_port(c);
    return 0;
  }
  TapVerdict v = c.stream->client_bytes({in, len}, events_);
  publish_all(events_);
  report_observed(c, v);
  if (c.stream->dropped_after_close() > 0 && !c.told_bytes_after_close) {
    c.told_bytes_after_close = true;
    log::info("conn #{}: the client sent bytes after its Close frame: mirrored, not passed on (RFC 6455 5.5.1)", c.id);
  }
  return to_inner(c, v);
}

// The client bytes a verdict released go on to the inner server; a broken
// rule stops everything after them.
// With --delay-ms they cross the simulated wire first: `fresh` bytes (just
// arrived) wait the link's delay; bytes the tap held back until the server
// answered have waited longer already and only keep their place in line.
int EdgeTap::to_inner(TapConnection& c, const TapVerdict& v, bool fresh) {
  if (v.close) {
    // The connection goes now: what is still on the simulated wire goes first, in order.
    while (c.c2s_delay && !c.c2s_delay->empty()) c.to_inner.push(c.c2s_delay->pop());
    if (c.c2s_delay) c.c2s_delay->clear();
    c.to_inner.push(v.forward);
    enforce(c, v);
    return 0;
  }
  if (c.c2s_delay) {
    const std::int64_t now = relay_.now_us();
    c.c2s_delay->push(v.forward, now + (fresh ? link_.next_us() : 0), now);
  } else if (to_shuttle(c, v.forward) < 0) {
    return -1;
  }
  // Client bytes the tap holds back (a ping waiting for its pong, a header being judged) count too.
  const std::size_t waiting = c.to_inner.size() + c.stream->held() + delayed(c.c2s_delay);
  if (waiting > kHighWater && !c.edge_paused && c.edge != nullptr) {
    lws_rx_flow_control(c.edge, 0);
    c.edge_paused = true;
  } else if (waiting < kLowWater && c.edge_paused && c.edge != nullptr && !c.linger) {
    lws_rx_flow_control(c.edge, 1);   // held bytes went on straight (a pong released them): no WRITEABLE follows
    c.edge_paused = false;
  }
  return 0;
}

// s2c: tap, then queue for the client. The answer to an upgrade request
// releases the client bytes held since (frames sent with the request).
int EdgeTap::shuttle_rx(TapConnection& c, const std::uint8_t* in, std::size_t len) {
  if (c.enforcing || c.edge == nullptr) return 0;
  if (!c.s2c_delay) return server_rx(c, {in, len});
  // --delay-ms: onto the simulated wire; tapped when they reach the client's end (delay_due).
  const std::int64_t now = relay_.now_us();
  c.s2c_delay->push({in, len}, now + link_.next_us(), now);
  if (c.s2c_delay->size() + c.to_client.size() > kHighWater && !c.shuttle_paused && c.shuttle != nullptr) {
    lws_rx_flow_control(c.shuttle, 0);
    c.shuttle_paused = true;
  }
  return 0;
}

// Server bytes at the client's end of the wire: tapped, then written to the client.
int EdgeTap::server_rx(TapConnection& c, std::span<const std::uint8_t> bytes) {
  if (c.enforcing || c.edge == nullptr) return 0;
  const std::size_t len = bytes.size();
  TapVerdict v = c.stream->server_bytes(bytes, events_);
  publish_all(events_);
  report_observed(c, v);
  if (v.server_broke) {   // --upstream --enforce: what came before the broken unit, then the connection goes
    forward(c.edge, c.to_client, bytes.first(v.s2c_pass), c.s2c_unchecked);
    server_broke(c, *v.server_broke);
    return 0;
  }
  if (v.s2c_pass < len) {
    // 5.5.1: lws 4.1.6 can still write (an /echo reply) after its own Close.
    log::info("conn #{}: {} bytes from the server after its Close frame: not sent (RFC 6455 5.5.1)", c.id,
              len - v.s2c_pass);
  }
  if (forward(c.edge, c.to_client, bytes.first(v.s2c_pass), c.s2c_unchecked) < 0) return 0;   // the edge closes itself
  note_s2c_queued(c);
  if (c.to_client.size() + delayed(c.s2c_delay) > kHighWater && !c.shuttle_paused && c.shuttle != nullptr) {
    lws_rx_flow_control(c.shuttle, 0);
    c.shuttle_paused = true;
  }
  if (!v.forward.empty() || v.close) return to_inner(c, v, false) < 0 ? -1 : 0;
  return 0;
}

// --delay-ms: one line per direction, woken by its own lws timer.
void EdgeTap::start_delay(TapConnection& c) {
  const std::uint64_t id = c.id;
  c.c2s_delay = std::make_unique<DelayLine>(relay_.loop(), relay_.context(), [this, id] { delay_due(id, true); });
  c.s2c_delay = std::make_unique<DelayLine>(relay_.loop(), relay_.context(), [this, id] { delay_due(id, false); });
}

// The oldest chunks on a simulated wire reached its far end: c2s ones go to the
// inner server, s2c ones are tapped and go to the client, in order.
void EdgeTap::delay_due(std::uint64_t id, bool c2s) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  touched_.insert(id);
  TapConnection& c = it->second;
  DelayLine& line = c2s ? *c.c2s_delay : *c.s2c_delay;
  const std::int64_t now = relay_.now_us();
  while (line.front_due(now)) {
    const std::vector<std::uint8_t> chunk = line.pop();
    if (c2s) {
      if (to_shuttle(c, chunk) < 0) break;
    } else {
      server_rx(c, chunk);
    }
  }
  line.arm(now);
  if (c2s && c.edge_paused && c.edge != nullptr && !c.linger &&
      c.to_inner.size() + c.stream->held() + line.size() < kLowWater) {
    lws_rx_flow_control(c.edge, 1);
    c.edge_paused = false;
  }
  if (!c2s && c.shuttle_paused && c.shuttle != nullptr && c.to_client.size() + line.size() < kLowWater) {
    lws_rx_flow_control(c.shuttle, 1);
    c.shuttle_paused = false;
  }
  // The other side left while these bytes were on the wire: its WRITEABLE closes this side now.
  if (line.empty() && c2s && c.edge == nullptr && c.shuttle != nullptr) lws_callback_on_writable(c.shuttle);
  if (line.empty() && !c2s && c.shuttle == nullptr && c.edge != nullptr) lws_callback_on_writable(c.edge);
}

// Client bytes for the server: queued while --upstream's connect is under way.
int EdgeTap::to_shuttle(TapConnection& c, std::span<const std::uint8_t> bytes) {
  if (c.upstream_waiting) {
    c.to_inner.push(bytes);
    return 0;
  }
  return forward(c.shuttle, c.to_inner, bytes, c.c2s_unchecked);
}

// --upstream without --enforce: rules broken by either side become red
// `violation` events and nothing else happens (the point is to see a
// student's own server's mistakes). At most kMaxObserved per connection.
void EdgeTap::report_observed(TapConnection& c, const TapVerdict& v) {
  for (const Observed& o : v.observed) {
    if (c.observed++ >= kMaxObserved) {
      if (c.observed == kMaxObserved + 1) {
        relay_.violation(c.id, fmt::format("relay limit: more than {} violations on this connection", kMaxObserved),
                         "observed, not closed; the rest are counted, not shown");
      } else {
        relay_.metrics().violation(o.rule);
      }
      continue;
    }
    relay_.violation(c.id, o.rule, o.by_server ? "the server's: observed, not closed (--enforce closes)"
                                               : "observed, not closed (--enforce closes)");
  }
}

// --upstream --enforce: the server broke a rule. Its client was owed a correct
// server; no close frame can stand for the server's, so both sides are dropped.
void EdgeTap::server_broke(TapConnection& c, const Observed& o) {
  relay_.violation(c.id, o.rule, "the server's: dropped");
  log::info("conn #{}: the server broke {} -> dropped", c.id, o.rule.substr(0, o.rule.find(':')));
  c.enforcing = true;
  c.to_inner.clear();
  if (c.c2s_delay) c.c2s_delay->clear();
  if (c.edge != nullptr) lws_callback_on_writable(c.edge);   // flushes what came before, then closes
  if (c.shuttle != nullptr) lws_set_timeout(c.shuttle, PENDING_TIMEOUT_KILLED_BY_PARENT, LWS_TO_KILL_ASYNC);
}

// Straight through when nothing is queued and the socket takes it: a relay
// hop costs no extra poll round (the tap's price is its latency); otherwise
// queued for WRITEABLE, in order. lws keeps any partial write itself.
int EdgeTap::forward(lws* to, ByteQueue& queue, std::span<const std::uint8_t> bytes, std::size_t& unchecked) {
  if (bytes.empty() || to == nullptr) return 0;
  // lws keeps what a socket does not take and sends it first, so order holds;
  // asking the socket (a poll() each) only every 64 KiB bounds what lws holds.
  bool open = queue.empty();
  if (open && unchecked + bytes.size() > 64 * 1024) {
    open = !lws_send_pipe_choked(to);
    if (open) unchecked = 0;
  }
  if (open) {
    unchecked += bytes.size();
    scratch_.assign(bytes.begin(), bytes.end());   // lws_write wants a mutable buffer; reused, no allocation per write
    if (lws_write(to, scratch_.data(), scratch_.size(), LWS_WRITE_RAW) < 0) {
      lws_set_timeout(to, PENDING_TIMEOUT_KILLED_BY_PARENT, LWS_TO_KILL_ASYNC);
      return -1;
    }
    return 0;
  }
  queue.push(bytes);
  lws_callback_on_writable(to);
  return 0;
}

// One write per WRITEABLE; hang up once flushed if the other side is gone.
int EdgeTap::edge_writeable(TapConnection& c) {
  if (!c.to_client.empty()) {
    auto& chunk = c.to_client.front();
    if (lws_write(c.edge, chunk.data(), chunk.size(), LWS_WRITE_RAW) < 0) return -1;
    c.to_client.pop();
    c.s2c_unchecked = 0;
    // WRITEABLE came, so the client took what lws held before: progress.
    c.s2c_waiting_since_us = c.to_client.empty() ? -1 : relay_.now_us();
  }
  if (c.shuttle_paused && c.shuttle != nullptr && c.to_client.size() + delayed(c.s2c_delay) < kLowWater) {
    lws_rx_flow_control(c.shuttle, 1);
    c.shuttle_paused = false;
  }
  if (!c.to_client.empty()) {
    lws_callback_on_writable(c.edge);
    return 0;
  }
  if (c.linger) return linger(c);
  if (!c.enforcing && delayed(c.s2c_delay) > 0) return 0;   // the server's last bytes are still on the wire
  return c.enforcing || c.shuttle == nullptr ? -1 : 0;
}

// RFC 9112 9.6: a server that closes while the client is still sending (a
// head it refused, a body) makes the kernel answer with RST, which can
// destroy the answer before the client reads it. So: half-close, keep
// reading (client_rx discards while enforcing) until the client's EOF or 2 s.
int EdgeTap::linger(TapConnection& c) {
  if (!c.lingering) {
    c.lingering = true;
    shutdown(lws_get_socket_fd(c.edge), SHUT_WR);
    lws_set_timeout(c.edge, PENDING_TIMEOUT_USER_OK, 2);
    if (c.edge_paused) {
      lws_rx_flow_control(c.edge, 1);
      c.edge_paused = false;
    }
  }
  return 0;
}

int EdgeTap::shuttle_writeable(TapConnection& c) {
  if (c.upstream_waiting) return 0;   // RAW_CONNECTED asks again
  if (!c.to_inner.empty()) {
    auto& chunk = c.to_inner.front();
    if (lws_write(c.shuttle, chunk.data(), chunk.size(), LWS_WRITE_RAW) < 0) return -1;
    c.to_inner.pop();
    c.c2s_unchecked = 0;
  }
  if (c.edge_paused && c.edge != nullptr && c.to_inner.size() + c.stream->held() + delayed(c.c2s_delay) < kLowWater) {
    lws_rx_flow_control(c.edge, 1);
    c.edge_paused = false;
  }
  if (!c.to_inner.empty()) {
    lws_callback_on_writable(c.shuttle);
    return 0;
  }
  if (!c.enforcing && delayed(c.c2s_delay) > 0) return 0;   // the client's last bytes are still on the wire
  return c.enforcing || c.edge == nullptr ? -1 : 0;
}

// RFC 6455 5.1 (and the other header rules): "the server MUST close the
// connection upon receiving a frame that is not masked" - lws 4.1.6 does not,
// so the tap does: the frame's event, a violation, the relay's close frame
// (its own event), then the connection is dropped on both sides.
void EdgeTap::enforce(TapConnection& c, const TapVerdict& v, bool log_it) {
  c.enforcing = true;
  if (c.s2c_delay) c.s2c_delay->clear();   // not tapped yet: the close frame is the last thing sent
  if (v.http_status != 0) {
    answer_refused_request(c, v);
    return;
  }
  relay_.violation(c.id, v.rule, fmt::format("closed {}", v.close_code));
  // 5.5.1: one Close only; when the server already sent its own, nothing follows it.
  if (c.stream->at_server_frame_boundary() && !c.stream->server_closed() && c.edge != nullptr) {
    const wire::Bytes frame = close_frame_for(v);
    std::vector<wire::EventBody> events;
    c.stream->server_bytes(frame, events);
    publish_all(events);
    c.to_client.push(frame);
  }
  if (log_it) log::info("conn #{}: {} -> closed {}", c.id, v.rule, v.close_code);
  if (c.edge != nullptr) lws_callback_on_writable(c.edge);
  if (c.shuttle != nullptr) lws_callback_on_writable(c.shuttle);
}

void EdgeTap::note_s2c_queued(TapConnection& c) {
  if (!c.to_client.empty() && c.s2c_waiting_since_us < 0) c.s2c_waiting_since_us = relay_.now_us();
}

void EdgeTap::tick(std::int64_t now_us) {
  for (auto id = tls_ids_.begin(); id != tls_ids_.end();) {
    auto it = conns_.find(*id);
    if (it == conns_.end() || !it->second.tls) {
      id = tls_ids_.erase(id);
      continue;
    }
    it->second.tls->flush();
    ++id;
  }
  take_scan();
  drop_stalled(now_us);
  enforce_budget();
}

void EdgeTap::take_scan() {
  scan_.clear();
  for (const std::uint64_t id : touched_) scan_.push_back(id);
  for (const std::uint64_t id : holding_) {
    if (touched_.count(id) == 0) scan_.push_back(id);
  }
  touched_.clear();
  holding_.clear();
}

// A client that takes no byte for --stall-secs while bytes wait for it does
// not read: no close frame could reach it, so it is dropped, both sides. The
// same goes for one that was already being closed (1002, 1013) but never
// took its close frame.
void EdgeTap::drop_stalled(std::int64_t now_us) {
  const std::int64_t stall_us = std::int64_t{relay_.options().stall_secs} * 1'000'000;
  std::size_t dropped = 0;
  for (const std::uint64_t id : scan_) {   // to_client is empty on every other connection
    auto it = conns_.find(id);
    if (it == conns_.end()) continue;
    TapConnection& c = it->second;
    if (c.edge == nullptr || c.s2c_waiting_since_us < 0 || now_us - c.s2c_waiting_since_us < stall_us) continue;
    c.s2c_waiting_since_us = -1;
    c.to_client.clear();
    if (c.s2c_delay) c.s2c_delay->clear();
    lws_set_timeout(c.edge, PENDING_TIMEOUT_KILLED_BY_PARENT, LWS_TO_KILL_ASYNC);
    if (c.enforcing) continue;   // already closing for a reason of its own (and already counted)
    relay_.violation(id, stalled_rule(relay_.options().stall_secs),
                     "dropped");
    c.enforcing = true;
    c.to_inner.clear();
    if (c.c2s_delay) c.c2s_delay->clear();
    // Not a WRITEABLE: the inner side may have stopped reading (its /echo
    // replies wait for this very client), so the socketpair may never drain.
    if (c.shuttle != nullptr) lws_set_timeout(c.shuttle, PENDING_TIMEOUT_KILLED_BY_PARENT, LWS_TO_KILL_ASYNC);
    ++dropped;
  }
  if (dropped > 0) {
    counters_.stalled += dropped;
    log::info("dropped {} connections that read nothing for {} s ({} so far)", dropped,
              relay_.options().stall_secs, counters_.stalled);
  }
}

// Everything queued for clients, relay-wide, has a budget: above it the
// largest holders are cut first (1013 Try Again Later, RFC 6455 7.4.1), so a
// few floods cannot take the memory every quiet connection needs.
std::size_t EdgeTap::held_bytes(const TapConnection& c) const {
  return c.to_inner.size() + c.to_client.size() + delayed(c.c2s_delay) + delayed(c.s2c_delay) +
         relay_.inner().held_bytes(c.id);
}

std::size_t EdgeTap::queued_bytes() const {
  std::size_t total = 0;
  for (const auto& [id, c] : conns_) total += held_bytes(c);
  return total;
}

void EdgeTap::enforce_budget() {
  std::vector<std::pair<std::size_t, std::uint64_t>> holders;   // (bytes, conn)
  std::size_t total = 0;
  for (const std::uint64_t id : scan_) {   // every other connection holds nothing
    auto it = conns_.find(id);
    if (it == conns_.end()) continue;
    const TapConnection& c = it->second;
    const std::size_t held = held_bytes(c);
    if (held == 0) continue;
    holding_.insert(id);
    total += held;
    if (!c.enforcing) holders.emplace_back(held, id);
  }
  const std::size_t budget = relay_.options().max_queued_bytes;
  std::size_t cut = 0;
  for (const std::uint64_t id : holders_to_cut(std::move(holders), total, budget)) {
    TapConnection& c = conns_.at(id);
    const TapVerdict v = budget_cut(held_bytes(c), budget);
    c.to_inner.clear();
    if (c.c2s_delay) c.c2s_delay->clear();
    relay_.inner().release(id);
    ++cut;
    enforce(c, v, false);   // the close frame after what is queued, then the connection goes
    // A client that does not read would keep its queue: it has 2 s to take it.
    if (c.edge != nullptr) lws_set_timeout(c.edge, PENDING_TIMEOUT_USER_OK, 2);
  }
  if (cut == 0) return;   // the ones cut before are still leaving (2 s at most)
  counters_.over_budget += cut;
  log::info("queued bytes over --max-queued-bytes {}: cut the {} largest holders (1013), {} so far", budget, cut,
            counters_.over_budget);
}

// A request head broke a rule (wire/request_rules.h): the inner server never
// saw it; the edge answers it (its own http event), then closes (RFC 9112 6.1,
// 9.6: a server that refuses a request's framing closes the connection).
void EdgeTap::answer_refused_request(TapConnection& c, const TapVerdict& v) {
  c.linger = true;
  relay_.violation(c.id, v.rule, fmt::format("answered {}, closed", v.http_status));
  if (c.stream->at_server_message_boundary() && c.edge != nullptr) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(v.response.data());
    std::span<const std::uint8_t> response{bytes, v.response.size()};
    std::vector<wire::EventBody> events;
    c.stream->server_bytes(response, events);
    publish_all(events);
    c.to_client.push(response);
  }
  log::info("conn #{}: {} -> answered {}", c.id, v.rule.substr(0, v.rule.find(':')), v.http_status);
  if (c.edge != nullptr) lws_callback_on_writable(c.edge);
  if (c.shuttle != nullptr) lws_callback_on_writable(c.shuttle);
}

// http:// typed for an https:// relay. Without an answer the browser shows a
// bare connection reset; the 400 says what to type instead. The bytes are not
// tapped: plain bytes on a TLS port are not a conversation, and could carry a
// cookie meant for another site. The class sees the violation.
void EdgeTap::answer_plain_on_tls_port(TapConnection& c) {
  c.enforcing = true;
  c.linger = true;
  const wire::RequestRefusal refusal = wire::plain_http_on_tls_port();
  relay_.violation(c.id, refusal.rule + ": " + refusal.reason, "answered 400, closed");
  const std::string response = wire::build_refusal_response(refusal);
  c.to_client.push({reinterpret_cast<const std::uint8_t*>(response.data()), response.size()});
  log::info("conn #{}: plain http on the TLS port -> answered 400 (this port speaks https)", c.id);
  if (c.edge != nullptr) lws_callback_on_writable(c.edge);
  if (c.shuttle != nullptr) lws_callback_on_writable(c.shuttle);
}

void EdgeTap::side_closed(std::uint64_t id, bool edge_side) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  TapConnection& c = it->second;
  if (edge_side) {
    forget_tls(c.edge, c);
    c.edge = nullptr;
    if (!c.relay_closed_first) c.client_closed_first = true;
    c.to_client.clear();
    if (c.s2c_delay) c.s2c_delay->clear();
    if (c.shuttle != nullptr) {
      // Flush what the client sent last to the inner server, but within 2 s:
      // an inner side that stopped reading would otherwise keep it forever.
      lws_callback_on_writable(c.shuttle);
      lws_set_timeout(c.shuttle, PENDING_TIMEOUT_USER_OK, 2);
    }
  } else {
    if (c.upstream_waiting) {   // --upstream: closed before it connected
      upstream_failed(c, "closed before it connected");
      return;
    }
    c.shuttle = nullptr;
    if (!c.client_closed_first) c.relay_closed_first = true;
    c.to_inner.clear();
    if (c.c2s_delay) c.c2s_delay->clear();
    if (c.edge != nullptr) lws_callback_on_writable(c.edge);
  }
  if (c.edge != nullptr || c.shuttle != nullptr) return;

  wire::Close ev = close_event(id, *c.stream, c.client_closed_first ? wire::ClosedBy::client : wire::ClosedBy::relay);
  relay_.publish(std::move(ev));
  relay_.connections().remove(id);
  conns_.erase(it);
  log::detail("conn #{}: closed, {} connections", id, relay_.connections().size());
}

}  // namespace relay
