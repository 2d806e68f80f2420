// The tap on the client's own socket (socket_tap.h).
#include "relay/tap/socket_tap.h"

#include <poll.h>
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

namespace relay {
namespace {

constexpr std::size_t kHeldHighWater = 256 * 1024;   // held or waiting for lws: stop reading the socket above this
constexpr std::size_t kHeldLowWater = 64 * 1024;     // ... and read again below this
// lws rx flow control keeps one bit per reason; the inner server pauses with
// the user bit (ws_session.cpp), the tap with one of its own, so neither
// lifts the other's pause.
constexpr int kTapFlowReason = 1 << 2;

}  // namespace

SocketTap::SocketTap(Relay& relay) : relay_(relay) { install_socket_hook(this); }

SocketTap::~SocketTap() { install_socket_hook(nullptr); }

void SocketTap::stop_timers() { wake_timer_.reset(); }

TappedSocket* SocketTap::find(std::uint64_t id) {
  auto it = conns_.find(id);
  return it == conns_.end() ? nullptr : it->second.get();
}

// A client connected to the inner vhost: register it before lws reads a byte.
int SocketTap::adopt(lws* wsi) {
  Relay& r = relay_;
  const int fd = lws_get_socket_fd(wsi);
  if (fd < 0) return -1;
  if (!wake_timer_) wake_timer_ = std::make_unique<LoopTimer>(r.loop(), r.context(), [this] { run_wakes(); });
  char address[128] = "";
  lws_get_peer_simple(wsi, address, sizeof address);
  const std::uint64_t id = r.connections().add(wire::Transport::tcp, address, r.now_us()).id;
  auto owned = std::make_unique<TappedSocket>();
  TappedSocket& s = *owned;
  s.id = id;
  s.wsi = wsi;
  s.fd = fd;
  s.last_sent_us = r.now_us();
  s.stream.emplace(id, r.options().mirror_max_payload, r.metrics(), session_labels_);
  conns_.emplace(id, std::move(owned));
  const auto slot = static_cast<std::size_t>(fd);
  if (slot >= by_fd_.size()) by_fd_.resize(std::max(slot + 1, lws_table()), nullptr);
  by_fd_[slot] = &s;
  set_conn_id(wsi, id);
  r.publish(wire::Open{id, wire::Transport::tcp});
  log::detail("conn #{}: open (tcp), {} connections", id, r.connections().size());
  return 0;
}

void SocketTap::destroyed(std::uint64_t id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  TappedSocket& s = *it->second;
  if (s.fd >= 0 && static_cast<std::size_t>(s.fd) < by_fd_.size() && by_fd_[static_cast<std::size_t>(s.fd)] == &s) {
    by_fd_[static_cast<std::size_t>(s.fd)] = nullptr;
  }
  const bool client_first = s.client_eof && s.state == TappedSocket::State::open;
  wire::Close ev = close_event(id, *s.stream, client_first ? wire::ClosedBy::client : wire::ClosedBy::relay);
  relay_.publish(std::move(ev));
  relay_.connections().remove(id);
  conns_.erase(it);   // its ids in touched_/holding_/wakes_ are looked up, never trusted
  log::detail("conn #{}: closed, {} connections", id, relay_.connections().size());
}

void SocketTap::publish_all() {
  for (auto& e : events_) relay_.publish(std::move(e));
  events_.clear();
}

void SocketTap::touch(TappedSocket& s) {
  if (s.in_scan) return;
  s.in_scan = true;
  touched_.push_back(s.id);
}

// c2s. lws asks for up to `len` bytes: first what the tap released earlier,
// else a read of the socket, judged; lws gets what the TapStream released.
ssize_t SocketTap::on_recv(int fd, void* out, std::size_t len) {
  TappedSocket& s = *by_fd_[static_cast<std::size_t>(fd)];
  touch(s);
  auto* buf = static_cast<std::uint8_t*>(out);
  if (s.waiting_for_lws() > 0) return give_lws(s, buf, len);
  if (s.state != TappedSocket::State::open) return drain(s);
  if (s.stream->held() > kHeldHighWater) {   // nothing can go on until the server answers: let TCP push back
    pause(s, true);
    errno = EAGAIN;
    return -1;
  }
  const ssize_t n = real_recv(fd, buf, len, 0);
  if (n <= 0) {
    if (n == 0) s.client_eof = true;
    return n;
  }
  const TapVerdict v = s.stream->client_bytes({buf, static_cast<std::size_t>(n)}, events_);
  publish_all();
  if (s.stream->dropped_after_close() > 0 && !s.told_bytes_after_close) {
    s.told_bytes_after_close = true;
    log::info("conn #{}: the client sent bytes after its Close frame: mirrored, not passed on (RFC 6455 5.5.1)", s.id);
  }
  // Mostly the bytes just read, in place: lws reads them where they are.
  std::size_t given = 0;
  if (!v.forward.empty() && v.forward.data() == buf) given = std::min(len, v.forward.size());
  release(s, v.forward, given);
  if (v.close) enforce(s, v);
  if (given > 0) return static_cast<ssize_t>(given);
  if (s.waiting_for_lws() > 0) return give_lws(s, buf, len);
  if (s.state != TappedSocket::State::open) return drain(s);
  if (s.stream->held() > kHeldHighWater) pause(s, true);
  errno = EAGAIN;   // all held: lws waits for the next event
  return -1;
}

// Released c2s bytes lws has not had yet (`skip` of them it has now) wait in
// for_lws, and lws is woken to read them: the kernel has nothing new to say.
void SocketTap::release(TappedSocket& s, std::span<const std::uint8_t> bytes, std::size_t skip) {
  if (bytes.size() <= skip) return;
  if (s.for_lws_head == s.for_lws.size()) {
    s.for_lws.clear();
    s.for_lws_head = 0;
  }
  s.for_lws.insert(s.for_lws.end(), bytes.begin() + static_cast<std::ptrdiff_t>(skip), bytes.end());
  queue_wake(s);
}

ssize_t SocketTap::give_lws(TappedSocket& s, std::uint8_t* buf, std::size_t len) {
  const std::size_t n = std::min(len, s.waiting_for_lws());
  std::memcpy(buf, s.for_lws.data() + s.for_lws_head, n);
  s.for_lws_head += n;
  if (s.for_lws_head == s.for_lws.size()) {
    s.for_lws_head = 0;
    s.for_lws.clear();
    if (s.for_lws.capacity() > 4096) s.for_lws.shrink_to_fit();   // an idle connection keeps no big buffer
  } else {
    queue_wake(s);   // lws reads once per event
  }
  if (s.paused && s.state == TappedSocket::State::open && s.waiting_for_lws() + s.stream->held() < kHeldLowWater) {
    pause(s, false);
  }
  return static_cast<ssize_t>(n);
}

// Closing or half-closed: the client's bytes are read and dropped (the
// TapStream has seen the ones before the broken rule), so the socket is never
// closed with unread bytes; its EOF ends the connection.
ssize_t SocketTap::drain(TappedSocket& s) {
  std::uint8_t sink[4096];
  const ssize_t n = real_recv(s.fd, sink, sizeof sink, 0);
  if (n == 0) {
    s.client_eof = true;
    return 0;
  }
  if (n > 0) errno = EAGAIN;
  return -1;
}

void SocketTap::pause(TappedSocket& s, bool paused) {
  if (s.paused == paused) return;
  s.paused = paused;
  lws_rx_flow_control(s.wsi, kTapFlowReason | (paused ? LWS_RXFLOW_REASON_APPLIES_DISABLE : LWS_RXFLOW_REASON_APPLIES_ENABLE));
}

void SocketTap::queue_wake(TappedSocket& s) {
  if (s.wake_queued) return;
  s.wake_queued = true;
  wakes_.push_back(s.id);
  if (wakes_.size() == 1 && wake_timer_) wake_timer_->schedule(0);
}

void SocketTap::wake(std::uint64_t id) {
  if (TappedSocket* s = find(id); s != nullptr && s->waiting_for_lws() > 0) queue_wake(*s);
}

// lws services the socket as if it were readable: it calls recv, which gives
// it the waiting bytes. A connection may close inside: ids are looked up.
void SocketTap::run_wakes() {
  std::vector<std::uint64_t> ids;
  ids.swap(wakes_);
  for (const std::uint64_t id : ids) {
    TappedSocket* s = find(id);
    if (s == nullptr) continue;
    s->wake_queued = false;
    if (s->waiting_for_lws() == 0 && s->state == TappedSocket::State::open) continue;
    if (s->paused && s->waiting_for_lws() + s->stream->held() < kHeldLowWater) pause(*s, false);
    lws_pollfd pfd{};
    pfd.fd = s->fd;
    pfd.events = POLLIN;
    pfd.revents = POLLIN;
    lws_service_fd(relay_.context(), &pfd);
  }
}

// s2c. lws offers bytes [s2c_taken, s2c_taken + len) of its output; the
// part not seen before is tapped. What comes after a Close is dropped (lws
// is told it went out); a partial send is lws's to offer again.
ssize_t SocketTap::on_send(int fd, const void* data, std::size_t len, int flags) {
  TappedSocket& s = *by_fd_[static_cast<std::size_t>(fd)];
  touch(s);
  const auto* buf = static_cast<const std::uint8_t*>(data);
  if (s.s2c_taken + len > s.s2c_fed) {
    const std::size_t seen = static_cast<std::size_t>(s.s2c_fed - s.s2c_taken);
    const std::span<const std::uint8_t> fresh{buf + seen, len - seen};
    const TapVerdict v = s.stream->server_bytes(fresh, events_);
    publish_all();
    if (v.s2c_pass < fresh.size() && s.s2c_end == UINT64_MAX) {
      s.s2c_end = s.s2c_fed + v.s2c_pass;
      // 5.5.1: lws 4.1.6 can still write (an /echo reply) after its own Close.
      log::info("conn #{}: {} bytes from the server after its Close frame: not sent (RFC 6455 5.5.1)", s.id,
                fresh.size() - v.s2c_pass);
    }
    s.s2c_fed += fresh.size();
    handle_verdict(s, v);   // the server's answer may release client bytes (a pong, the 101)
  }
  const std::uint64_t end = std::min(s.s2c_taken + len, std::max(s.s2c_end, s.s2c_taken));
  const auto wire_len = static_cast<std::size_t>(end - s.s2c_taken);
  if (wire_len > 0) {
    const ssize_t n = real_send(fd, buf, wire_len, flags);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) sent(s, false);
      return n;
    }
    if (n > 0) s.last_sent_us = relay_.now_us();
    s.s2c_taken += static_cast<std::size_t>(n);
    if (static_cast<std::size_t>(n) < wire_len) {
      sent(s, false);
      return n;
    }
  }
  s.s2c_taken += len - wire_len;   // dropped after a Close: lws counts it sent
  sent(s, true);
  if (!s.tap_out.empty() && s.s2c_taken == s.s2c_fed) flush_tap_out(s);
  return static_cast<ssize_t>(len);
}

// A partial send: lws keeps the rest and waits for the socket. Either way the
// stall clock runs from the last byte the socket took.
void SocketTap::sent(TappedSocket& s, bool all) {
  if (all) s.blocked_since_us = -1;
  else if (s.blocked_since_us < 0) s.blocked_since_us = s.last_sent_us;
}

void SocketTap::handle_verdict(TappedSocket& s, const TapVerdict& v) {
  release(s, v.forward, 0);
  if (v.close && s.state == TappedSocket::State::open) enforce(s, v);
}

// RFC 6455 5.1 (and the other header rules): "the server MUST close the
// connection upon receiving a frame that is not masked" - lws 4.1.6 does not,
// so the tap does: the frame's event, a violation, the relay's close frame
// (its own event) after what lws has half sent, then the connection goes.
// A request head that broke a rule gets its HTTP refusal instead.
void SocketTap::enforce(TappedSocket& s, const TapVerdict& v, bool log_it) {
  s.state = TappedSocket::State::closing;
  s.s2c_end = std::min(s.s2c_end, s.s2c_fed);   // lws's bytes from now on stay here
  std::span<const std::uint8_t> answer;
  std::string response;
  wire::Bytes frame;
  if (v.http_status != 0) {
    relay_.violation(s.id, v.rule, fmt::format("answered {}, closed", v.http_status));
    if (s.stream->at_server_message_boundary()) {
      response = v.response;
      answer = {reinterpret_cast<const std::uint8_t*>(response.data()), response.size()};
    }
    if (log_it) log::info("conn #{}: {} -> answered {}", s.id, v.rule.substr(0, v.rule.find(':')), v.http_status);
  } else {
    relay_.violation(s.id, v.rule, fmt::format("closed {}", v.close_code));
    // 5.5.1: one Close only; when the server already sent its own, nothing follows it.
    if (s.stream->at_server_frame_boundary() && !s.stream->server_closed()) {
      frame = close_frame_for(v);
      answer = frame;
    }
    if (log_it) log::info("conn #{}: {} -> closed {}", s.id, v.rule, v.close_code);
  }
  if (!answer.empty()) {
    s.stream->server_bytes(answer, events_);
    publish_all();
    s.tap_out.insert(s.tap_out.end(), answer.begin(), answer.end());
  }
  if (s.paused) pause(s, false);   // read (and drop) until the client's EOF
  lws_set_timeout(s.wsi, PENDING_TIMEOUT_USER_OK, 2);   // a client that takes nothing has 2 s
  if (s.s2c_taken == s.s2c_fed) flush_tap_out(s);   // else after lws's half-sent bytes (on_send)
}

// The tap's answer, straight to the socket; what the socket does not take
// waits for WRITEABLE (writeable()). Then the half-close.
void SocketTap::flush_tap_out(TappedSocket& s) {
  while (!s.tap_out.empty()) {
    const ssize_t n = real_send(s.fd, s.tap_out.data(), s.tap_out.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        s.tap_out.clear();   // the client is gone: its EOF or the timeout ends it
        break;
      }
      sent(s, false);
      lws_callback_on_writable(s.wsi);
      return;
    }
    if (n > 0) s.last_sent_us = relay_.now_us();
    s.tap_out.erase(s.tap_out.begin(), s.tap_out.begin() + n);
  }
  sent(s, true);
  half_close(s);
}

// RFC 9112 9.6: a server that closes while the client is still sending makes
// the kernel answer with RST, which can destroy the answer before the client
// reads it. So: half-close, keep reading (drain) until the client's EOF or 2 s.
void SocketTap::half_close(TappedSocket& s) {
  if (s.state == TappedSocket::State::lingering) return;
  s.state = TappedSocket::State::lingering;
  shutdown(s.fd, SHUT_WR);
  lws_set_timeout(s.wsi, PENDING_TIMEOUT_USER_OK, 2);
  queue_wake(s);   // reads what is there now (maybe the EOF)
}

// WRITEABLE while closing: the tap's answer goes on; lws's protocols write nothing more.
int SocketTap::writeable(std::uint64_t id) {
  TappedSocket* s = find(id);
  if (s == nullptr) return 0;
  if (s->state == TappedSocket::State::closing && s->s2c_taken == s->s2c_fed) flush_tap_out(*s);
  return 0;
}

std::size_t SocketTap::held_bytes(const TappedSocket& s) const {
  return s.waiting_for_lws() + s.tap_out.size() + s.stream->held() + relay_.inner().held_bytes(s.id);
}

std::size_t SocketTap::queued_bytes() const {
  std::size_t total = 0;
  for (const auto& [id, s] : conns_) total += held_bytes(*s);
  return total;
}

bool SocketTap::drained() const {
  return std::all_of(conns_.begin(), conns_.end(), [](const auto& c) { return c.second->tap_out.empty(); });
}

void SocketTap::tick(std::int64_t now_us) {
  // The tick looks only at connections a byte moved on since the last one,
  // and those that held bytes then: an idle connection costs it nothing.
  for (const std::uint64_t id : holding_) {
    if (TappedSocket* s = find(id); s != nullptr) touch(*s);
  }
  holding_.clear();
  drop_stalled(now_us);
  enforce_budget();
  for (const std::uint64_t id : touched_) {
    TappedSocket* s = find(id);
    if (s == nullptr) continue;
    s->in_scan = false;
    if (held_bytes(*s) > 0 || s->blocked_since_us >= 0) holding_.push_back(id);
    if (s->waiting_for_lws() > 0) queue_wake(*s);   // a wake lws did not act on (it was busy) comes again
  }
  touched_.clear();
}

// A client that takes no byte for --stall-secs while bytes wait for it does
// not read: no close frame could reach it, so it is dropped. Bytes wait when
// a send was partial, or when the inner server holds some for a client whose
// socket is full (lws then offers none: it waits for WRITEABLE).
void SocketTap::drop_stalled(std::int64_t now_us) {
  const std::int64_t stall_us = std::int64_t{relay_.options().stall_secs} * 1'000'000;
  std::size_t dropped = 0;
  for (const std::uint64_t id : touched_) {
    TappedSocket* s = find(id);
    if (s == nullptr) continue;
    if (s->blocked_since_us < 0 && relay_.inner().held_bytes(id) > 0 && lws_send_pipe_choked(s->wsi)) {
      s->blocked_since_us = s->last_sent_us;
    }
    if (s->blocked_since_us < 0 || now_us - s->blocked_since_us < stall_us) continue;
    s->blocked_since_us = -1;
    s->tap_out.clear();
    lws_set_timeout(s->wsi, PENDING_TIMEOUT_KILLED_BY_PARENT, LWS_TO_KILL_ASYNC);
    if (s->state != TappedSocket::State::open) continue;   // already closing for a reason of its own
    relay_.violation(id, stalled_rule(relay_.options().stall_secs),
                     "dropped");
    s->state = TappedSocket::State::closing;
    s->s2c_end = std::min(s->s2c_end, s->s2c_fed);
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
void SocketTap::enforce_budget() {
  std::vector<std::pair<std::size_t, std::uint64_t>> holders;   // (bytes, conn)
  std::size_t total = 0;
  for (const std::uint64_t id : touched_) {   // every other connection holds nothing
    const TappedSocket* s = find(id);
    if (s == nullptr) continue;
    const std::size_t held = held_bytes(*s);
    total += held;
    if (held > 0 && s->state == TappedSocket::State::open) holders.emplace_back(held, id);
  }
  const std::size_t budget = relay_.options().max_queued_bytes;
  std::size_t cut = 0;
  for (const std::uint64_t id : holders_to_cut(std::move(holders), total, budget)) {
    TappedSocket& s = *find(id);
    const TapVerdict v = budget_cut(held_bytes(s), budget);
    s.for_lws.clear();
    s.for_lws_head = 0;
    relay_.inner().release(id);
    ++cut;
    enforce(s, v, false);   // the close frame after what lws has half sent, then the connection goes
  }
  if (cut == 0) return;
  counters_.over_budget += cut;
  log::info("queued bytes over --max-queued-bytes {}: cut the {} largest holders (1013), {} so far", budget, cut,
            counters_.over_budget);
}

}  // namespace relay
