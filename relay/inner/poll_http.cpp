// Long-polling glue (relay/README.md "Endpoints"): POST /poll/open, POST /poll/send?session=S,
// GET /poll/recv?session=S held until a message or --poll-hold-secs. Plain
// HTTP/1.1 with ordinary headers: the honest baseline the visualizer compares
// with WebSocket. What each request gets is relay/poll's Desk (no lws);
// here: the client's address, the held GETs and their timers.
#include <fmt/core.h>

#include "relay/inner/inner_server.h"
#include "relay/log.h"
#include "relay/poll/requests.h"
#include "relay/relay.h"

namespace relay {
namespace {

// The client address of a connection, for binding sessions to it (kept in
// memory only: never logged, never mirrored).
std::string address_of(Relay& r, std::uint64_t conn) {
  const ConnRecord* rec = r.connections().find(conn);
  return rec != nullptr ? rec->address : std::string();
}

HttpReply desk_reply(poll::Answer a) {
  if (a.status == 204) {
    HttpReply ok;
    ok.status = 204;
    ok.headers = {{"cache-control:", "no-store"}};
    return ok;
  }
  HttpReply reply = json_reply(a.status, std::move(a.body));
  if (a.retry_after) reply.headers.emplace_back("retry-after:", "1");
  return reply;
}

}  // namespace

int InnerServer::poll_open(InnerSession& s) {
  Relay& r = relay_;
  poll::Desk desk(r.polls(), r.chat(), r.options().chat_max_message);
  pending_conn_ = s.conn;
  poll::Answer a = desk.open(address_of(r, s.conn), r.now_us(), chat::Arrival{s.conn, s.bot});
  pending_conn_ = 0;
  if (a.participant != 0) {
    last_conn_[a.participant] = s.conn;
    s.poll_participant = a.participant;
    log::detail("conn #{}: long-poll session opened, {} sessions", s.conn, r.polls().size());
  }
  respond(s, desk_reply(std::move(a)));
  return 0;
}

int InnerServer::poll_send(InnerSession& s) {
  Relay& r = relay_;
  poll::Desk desk(r.polls(), r.chat(), r.options().chat_max_message);
  const poll::Request req{poll::Endpoint::send, s.poll_session};
  // Attribute the chat's notes to this connection before the message runs.
  desk.on_session = [&](chat::ParticipantId pid) {
    last_conn_[pid] = s.conn;
    s.poll_participant = pid;
    if (!s.body_too_big) r.metrics().message(Carrier::long_poll, wire::Direction::c2s, s.body.size());
  };
  poll::Answer a = desk.send(req, address_of(r, s.conn), s.body, s.body_too_big, r.now_us());
  s.body.clear();
  respond(s, desk_reply(std::move(a)));
  return 0;
}

int InnerServer::poll_recv(InnerSession& s) {
  Relay& r = relay_;
  poll::Desk desk(r.polls(), r.chat(), r.options().chat_max_message);
  poll::Answer a = desk.recv(poll::Request{poll::Endpoint::recv, s.poll_session}, address_of(r, s.conn), r.now_us());
  if (a.status != 0) {
    respond(s, desk_reply(std::move(a)));
    return 0;
  }
  const chat::ParticipantId pid = a.participant;
  last_conn_[pid] = s.conn;
  s.poll_participant = pid;
  // One held recv per session: an older one is answered now.
  if (auto it = held_.find(pid); it != held_.end() && it->second != s.conn) {
    if (auto old = sessions_.find(it->second); old != sessions_.end()) {
      old->second.held_until_us = 0;
      lws_callback_on_writable(old->second.wsi);
    }
  }
  s.held = true;
  held_conns_.insert(s.conn);
  s.held_for = pid;
  s.held_until_us = r.now_us() + std::int64_t{r.options().poll_hold_secs} * 1'000'000;
  held_[pid] = s.conn;
  lws_set_timeout(s.wsi, PENDING_TIMEOUT_HTTP_CONTENT, r.options().poll_hold_secs + 10);
  if (r.chat().queued(pid) > 0) lws_callback_on_writable(s.wsi);
  return 0;
}

// HTTP_WRITEABLE of a held recv: the batch (200), or 204 when its time is up.
int InnerServer::answer_held(InnerSession& s) {
  Relay& r = relay_;
  const std::int64_t now = r.now_us();
  const std::size_t n = std::min<std::size_t>(r.chat().queued(s.held_for), 256);
  if (n == 0 && now < s.held_until_us && !r.stopping()) return 0;   // a wake-up for someone else's reason
  std::string batch = poll::drain_batch(r.chat(), s.held_for, 256);
  unhold(s);
  r.polls().touch_recv(s.poll_session, now);
  HttpReply reply;
  reply.headers = {{"cache-control:", "no-store"}};
  if (batch.empty()) {
    reply.status = 204;
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      r.metrics().message(Carrier::long_poll, wire::Direction::s2c, batch.size() / n);
    }
    reply.content_type = "application/json";
    reply.body = std::move(batch);
  }
  return write_reply(s, reply);
}

void InnerServer::unhold(InnerSession& s) {
  if (auto it = held_.find(s.held_for); it != held_.end() && it->second == s.conn) held_.erase(it);
  held_conns_.erase(s.conn);
  s.held = false;
  s.held_for = 0;
}

// Every ~250 ms: held recvs whose time is up get their 204; once a second,
// sessions without a recv for --poll-expiry-secs end (their peer gets `left`).
void InnerServer::tick(std::int64_t now_us) {
  keep_alive(now_us);
  for (const std::uint64_t conn : held_conns_) {   // not every session: most are WebSockets or idle
    auto it = sessions_.find(conn);
    if (it != sessions_.end() && it->second.held && now_us >= it->second.held_until_us) {
      lws_callback_on_writable(it->second.wsi);
    }
  }
  for (const poll::Session& e : relay_.polls().expire(now_us)) {
    held_.erase(e.participant);
    relay_.chat().disconnect(e.participant);
    last_conn_.erase(e.participant);
    log::detail("long-poll session expired, {} sessions", relay_.polls().size());
  }
}

}  // namespace relay
